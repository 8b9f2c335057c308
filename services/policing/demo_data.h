#ifndef GOV_SERVICES_POLICING_DEMO_DATA_H_
#define GOV_SERVICES_POLICING_DEMO_DATA_H_

#include <vector>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/cases/engine.h"
#include "common/clock/clock.h"
#include "common/regions/regions.h"
#include "common/registry/registry.h"
#include "governance/policing/v1/policing.pb.h"
#include "services/policing/bulletins.h"
#include "services/policing/key_areas.h"
#include "services/policing/linkage.h"
#include "services/policing/statistics.h"

// The policing track's demo data, loaded in this order (track.cc): incidents (demo_incidents.cc),
// the forces and assets, linkage tasks for the recent non-police incidents, the bulletins of the
// demo's two years (listing and delisting key areas by rule along the way), and the key areas'
// plans and one listing by hand (demo_data.cc). Every load is idempotent and cheap to repeat.
namespace gov::policing {

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
// track's ingestion (IngestIncident, into `incidents`) on parallel workers as the police platform
// ("demo-loader", role system). Resumable and cheap to repeat: a month whose stored count
// (`count`) already reaches its planned count is left alone; the others are ingested again,
// idempotent by incident number (stored ones are replays). So a load cut short is completed, and
// days that passed since the last start are added.
absl::Status LoadIncidentDemoData(cases::CaseEngine& incidents, const CountIncidents& count,
                                  const regions::RegionRegistry& regions, const Clock& clock);

// Demo registry: deterministic squads, teams, stations, compounds, camera points and guard
// units, short of some targets so that progress shows; idempotent (request ids per item).
absl::Status LoadAssetDemoData(const registry::Registry& assets,
                               const regions::RegionRegistry& regions);

// Demo tasks: the non-police demo incidents of the last Linkage::kAutoDispatchWindow dispatched,
// most of them signed, handled and given feedback, a few late; idempotent.
absl::Status LoadLinkageDemoData(Linkage& linkage, const Clock& clock);

// The bulletins of every finished week, month and quarter since 1 January of last year, oldest
// first, so that key areas are listed and delisted by rule along the way.
absl::Status LoadBulletinDemoData(Bulletins& bulletins, const Clock& clock);

// Demo key areas, after the demo bulletins listed some by rule: plans for most open listings
// and one listing by hand; idempotent.
absl::Status LoadKeyAreaDemoData(KeyAreas& key_areas, const regions::RegionRegistry& regions,
                                 const Clock& clock);

}  // namespace gov::policing

#endif  // GOV_SERVICES_POLICING_DEMO_DATA_H_
