#ifndef GOV_SERVICES_DISORDER_OBJECTS_H_
#define GOV_SERVICES_DISORDER_OBJECTS_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "common/auth/auth.h"
#include "common/indicators/indicators.h"
#include "common/registry/registry.h"
#include "common/server/track_main.h"
#include "governance/disorder/v1/disorder.pb.h"

// 监管对象 — the plan's monitored objects as a registry (entities of the track "disorder", kind
// "object", ids "M-…", index key "<KIND>/<STATUS>"): the 150 fume-monitored restaurants (some
// under special control: inspection and repeat-complaint points, control_points.h), the 174
// construction sites with the six wage-arrears systems, the 10 demonstration streets, 10 parking
// blocks, 10 noise communities and the 7 muck-truck road sections.
namespace gov::disorder {

namespace dv1 = ::governance::disorder::v1;

class FumeFeed;

// The registry's place in the store.
const registry::Layout& ObjectLayout();

// The row an object is stored as (the payload without what the row holds and the fume state).
store::EntityRecord ObjectRow(const dv1::MonitoredObject& object);

// The plan's counts as indicators (ACTIVE objects in the programme by the period's last day):
// fume-monitored restaurants 150, construction sites 174, demonstration streets 10, parking
// blocks 10, noise communities 10, muck-truck road sections 7; and construction sites with all
// six wage-arrears systems 100% (of the active sites).
std::vector<indicators::IndicatorSpec> ObjectIndicators();

// An object by id, without a scope check (for the fume feed and campaigns, which check their
// callers themselves). NOT_FOUND naming the id.
absl::StatusOr<dv1::MonitoredObject> LoadObject(const registry::Registry& objects,
                                                const std::string& id);

class MonitoredObjects {
 public:
  // `objects`: the registry (ObjectLayout); `feed` shows a restaurant's fume state. Both
  // outlive the part.
  MonitoredObjects(const server::TrackDeps& deps, const registry::Registry* objects,
                   const FumeFeed* feed);

  // The RPCs (after the shared handler's authentication and the methods' declared access,
  // governance.v1.access); `out` is filled on success. Get shows a restaurant's fume state.
  absl::Status Register(const auth::Principal& who, const dv1::RegisterMonitoredObjectRequest& in,
                        dv1::RegisterMonitoredObjectResponse* out);
  absl::Status Update(const auth::Principal& who, const dv1::UpdateMonitoredObjectRequest& in,
                      dv1::UpdateMonitoredObjectResponse* out);
  absl::Status Get(const auth::Principal& who, const dv1::GetMonitoredObjectRequest& in,
                   dv1::GetMonitoredObjectResponse* out);
  absl::Status List(const auth::Principal& who, const dv1::ListMonitoredObjectsRequest& in,
                    dv1::ListMonitoredObjectsResponse* out);

 private:
  absl::CivilDay Today() const;
  // List with a control point filter (see objects.cc), after the shared checks.
  absl::Status ListControlPoints(const auth::Principal& who,
                                 const dv1::ListMonitoredObjectsRequest& in, int size,
                                 dv1::ListMonitoredObjectsResponse* out) const;
  // A restaurant's device is fitted at one restaurant at a time (see objects.cc).
  absl::Status CheckDeviceUnique(const dv1::MonitoredObject& object, const std::string& self,
                                 bool retry) const;

  server::TrackDeps deps_;
  const registry::Registry* objects_;
  const FumeFeed* feed_;
};

}  // namespace gov::disorder

#endif  // GOV_SERVICES_DISORDER_OBJECTS_H_
