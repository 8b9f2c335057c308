#ifndef GOV_SERVICES_DISORDER_OBJECTS_H_
#define GOV_SERVICES_DISORDER_OBJECTS_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/auth/auth.h"
#include "common/indicators/indicators.h"
#include "common/registry/registry.h"
#include "governance/disorder/v1/disorder.pb.h"
#include "services/disorder/context.h"

// 监管对象 — the plan's monitored objects as a registry (entities of the track "disorder", kind
// "object", ids "M-…", index key "<KIND>/<STATUS>"): the 150 fume-monitored restaurants, the
// 174 construction sites with the six wage-arrears systems, the 10 demonstration streets, 10
// parking blocks, 10 noise communities and the 7 muck-truck road sections.
namespace gov::disorder {

namespace dv1 = ::governance::disorder::v1;

// The registry's place in the store.
const registry::Layout& ObjectLayout();

// The plan's counts as indicators (ACTIVE objects in the programme by the period's last day):
// fume-monitored restaurants 150, construction sites 174, demonstration streets 10, parking
// blocks 10, noise communities 10, muck-truck road sections 7; and construction sites with all
// six wage-arrears systems 100% (of the active sites).
std::vector<indicators::IndicatorSpec> ObjectIndicators();

// An object by id, without a scope check (for the fume feed and campaigns, which check their
// callers themselves). NOT_FOUND naming the id.
absl::StatusOr<dv1::MonitoredObject> LoadObject(const DisorderContext& ctx, const std::string& id);

class MonitoredObjects {
 public:
  explicit MonitoredObjects(const DisorderContext& ctx);
  ~MonitoredObjects();

  // The RPCs (after the shared handler's authentication and the methods' declared access,
  // governance.v1.access); `out` is filled on success. Get shows a restaurant's fume state
  // (the context's fume feed).
  absl::Status Register(const auth::Principal& who, const dv1::RegisterMonitoredObjectRequest& in,
                        dv1::RegisterMonitoredObjectResponse* out);
  absl::Status Update(const auth::Principal& who, const dv1::UpdateMonitoredObjectRequest& in,
                      dv1::UpdateMonitoredObjectResponse* out);
  absl::Status Get(const auth::Principal& who, const dv1::GetMonitoredObjectRequest& in,
                   dv1::GetMonitoredObjectResponse* out);
  absl::Status List(const auth::Principal& who, const dv1::ListMonitoredObjectsRequest& in,
                    dv1::ListMonitoredObjectsResponse* out);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Demo registry: the plan's objects, deterministic, a few short of the targets and a few sites
// missing a system; idempotent (request ids per item).
absl::Status LoadObjectDemoData(const DisorderContext& ctx);

}  // namespace gov::disorder

#endif  // GOV_SERVICES_DISORDER_OBJECTS_H_
