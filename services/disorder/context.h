#ifndef GOV_SERVICES_DISORDER_CONTEXT_H_
#define GOV_SERVICES_DISORDER_CONTEXT_H_

#include "common/cache/cache.h"
#include "common/cases/calendar.h"
#include "common/cases/engine.h"
#include "common/clock/clock.h"
#include "common/regions/regions.h"
#include "common/store/repository.h"
#include "services/disorder/rules.h"

namespace prometheus {
class Registry;
}

namespace gov::disorder {

class Complaints;
class FumeFeed;

// What the parts of the disorder track (complaints, monitored objects, the fume feed,
// enforcement, campaigns) are built on; everything is owned by the track and outlives them.
struct DisorderContext {
  store::Repository* repo = nullptr;
  cache::Cache* cache = nullptr;  // may be null (tests without Redis)
  const regions::RegionRegistry* regions = nullptr;
  const cal::WorkCalendar* calendar = nullptr;
  const Clock* clock = nullptr;
  prometheus::Registry* registry = nullptr;  // may be null
  const Rules* rules = nullptr;
  // The complaints' engine (store track "disorder") and their intake (the fume feed submits
  // through it, as the system).
  cases::CaseEngine* complaint_engine = nullptr;
  Complaints* complaints = nullptr;
  // The findings' engine (store track "disorder_enforcement", aggregated under "disorder").
  cases::CaseEngine* enforcement_engine = nullptr;
  // The restaurants' fume feed, whose state GetMonitoredObject shows (built before the parts
  // that read it: the feed's own context has none).
  const FumeFeed* fume_feed = nullptr;
};

}  // namespace gov::disorder

#endif  // GOV_SERVICES_DISORDER_CONTEXT_H_
