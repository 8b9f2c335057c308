#ifndef GOV_SERVICES_MEDIATION_DEMO_DATA_H_
#define GOV_SERVICES_MEDIATION_DEMO_DATA_H_

#include "absl/status/status.h"
#include "common/cache/cache.h"
#include "common/cases/calendar.h"
#include "common/clock/clock.h"
#include "common/indicators/indicators.h"
#include "common/regions/regions.h"
#include "common/store/repository.h"

namespace gov::mediation {

// What the demo loader writes through; owned by the track.
struct DemoDeps {
  store::Repository* repo = nullptr;
  cache::Cache* cache = nullptr;
  const regions::RegionRegistry* regions = nullptr;
  const cal::WorkCalendar* calendar = nullptr;
  const Clock* clock = nullptr;
  indicators::IndicatorEngine* indicators = nullptr;
};

// Fills an empty mediation store with an invented but plausible district (nothing happens when
// any mediating body exists): the registry (committees, rooms, micro-courts, teams, industry
// committees, the court centre, their mediators; a few gaps so that not every indicator is
// green), this year's trainings, about 400 disputes over the last 14 months moved through the
// real state machine with backdated times, and the court's monthly intake for last year and
// this year. Parties are invented ("张某"), phones obviously fake ("000-0000-0001").
// Deterministic: the same day gives the same data.
absl::Status LoadMediationDemoData(const DemoDeps& deps);

}  // namespace gov::mediation

#endif  // GOV_SERVICES_MEDIATION_DEMO_DATA_H_
