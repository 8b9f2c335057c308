#ifndef GOV_SERVICES_POLICING_DEMO_DATA_H_
#define GOV_SERVICES_POLICING_DEMO_DATA_H_

#include <vector>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/cases/engine.h"
#include "common/clock/clock.h"
#include "common/regions/regions.h"
#include "common/store/repository.h"
#include "governance/policing/v1/policing.pb.h"

namespace gov::policing {

// What the demo loader writes through; owned by the track.
struct DemoDeps {
  cases::CaseEngine* engine = nullptr;
  store::Repository* repo = nullptr;
  const regions::RegionRegistry* regions = nullptr;
  const Clock* clock = nullptr;
};

// Invented incidents of the days first..last (district time), those of a day at or after
// `now` left out, ordered by occurrence. What a day holds depends on the day alone, never on
// when it is asked: every type in every street has a daily rate (street size from the regions
// file, the type's share, season, weekday, a per-day jitter, and a yearly trend: most streets
// about 9.5% fewer incidents a year, two streets 6% more, telecom fraud 12% more than its
// street), and a day gets the whole incidents its accumulated rate has passed since
// 2020-01-01, so months and years follow the rates closely. About 14 incidents a day, 5,000 a
// year; this year about 6% below last year. Numbers "DEMO-<yyyymmdd>-<street><type>-<k>".
std::vector<governance::policing::v1::Incident> DemoIncidents(
    const regions::RegionRegistry& regions, absl::CivilDay first, absl::CivilDay last,
    absl::Time now);

// Fills the store with the demo incidents of the two years up to now, ingested through the
// track's ingestion (IngestIncident) on parallel workers as the police platform
// ("demo-loader", role system). Resumable and cheap to repeat: a month whose stored count
// already reaches its planned count is left alone; the others are ingested again, idempotent
// by incident number (stored ones are replays). So a load cut short is completed, and days
// that passed since the last start are added.
absl::Status LoadPolicingDemoData(const DemoDeps& deps);

}  // namespace gov::policing

#endif  // GOV_SERVICES_POLICING_DEMO_DATA_H_
