#ifndef GOV_SERVICES_POLICING_CONTEXT_H_
#define GOV_SERVICES_POLICING_CONTEXT_H_

#include "common/cache/cache.h"
#include "common/cases/calendar.h"
#include "common/cases/engine.h"
#include "common/clock/clock.h"
#include "common/regions/regions.h"
#include "common/store/repository.h"
#include "services/policing/rules.h"

namespace prometheus {
class Registry;
}

namespace gov::policing {

// What the parts of the policing track (incidents, bulletins, key areas, linkage, assets) are
// built on; everything is owned by the track and outlives them.
struct PolicingContext {
  store::Repository* repo = nullptr;
  cache::Cache* cache = nullptr;
  const regions::RegionRegistry* regions = nullptr;
  const cal::WorkCalendar* calendar = nullptr;
  const Clock* clock = nullptr;
  prometheus::Registry* registry = nullptr;
  const Rules* rules = nullptr;
  // The incidents (track "policing").
  cases::CaseEngine* incidents = nullptr;
};

}  // namespace gov::policing

#endif  // GOV_SERVICES_POLICING_CONTEXT_H_
