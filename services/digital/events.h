#ifndef GOV_SERVICES_DIGITAL_EVENTS_H_
#define GOV_SERVICES_DIGITAL_EVENTS_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/auth/auth.h"
#include "common/cases/engine.h"
#include "common/clock/clock.h"
#include "common/indicators/indicators.h"
#include "common/peers/peers.h"
#include "common/regions/regions.h"
#include "common/registry/registry.h"
#include "services/digital/model.h"
#include "services/digital/rules.h"

// City Eye events and flat command (扁平化指挥): an event a camera or a grid patrol detected is
// taken in and dispatched at once, by the rules file's dispatch table, to the track that must
// act, as a case of that track made through its own create RPC with the event's id as the
// request_id (so that a dispatch repeated, after a timeout or a restart, never makes a second
// case). The event then stands for that case until the case reaches one of the route's closed
// statuses: disposed of in time or late (Settle). The community's part in the handling is
// recorded (co-governance).
namespace gov::digital {

class Events {
 public:
  // Nothing is owned; everything outlives the part. `peers` may be null (no dispatch: every
  // event stays DETECTED, saying why).
  Events(cases::CaseEngine* events, const registry::Registry* cameras, const Rules* rules,
         const peers::Peers* peers, const regions::RegionRegistry* regions, const Clock* clock);

  // The RPCs (after the declared access).
  absl::Status Report(const auth::Principal& who, const dv1::ReportEventRequest& in,
                      dv1::ReportEventResponse* out);
  absl::Status Get(const auth::Principal& who, const dv1::GetEventRequest& in,
                   dv1::GetEventResponse* out);
  absl::Status List(const auth::Principal& who, const dv1::ListEventsRequest& in,
                    dv1::ListEventsResponse* out);
  absl::Status Dispatch(const auth::Principal& who, const dv1::DispatchEventRequest& in,
                        dv1::DispatchEventResponse* out);
  absl::Status Dismiss(const auth::Principal& who, const dv1::DismissEventRequest& in,
                       dv1::DismissEventResponse* out);
  absl::Status RecordCoGovernance(const auth::Principal& who,
                                  const dv1::RecordCoGovernanceRequest& in,
                                  dv1::RecordCoGovernanceResponse* out);

  // The sweep: every event still DETECTED because its owning track was not reached
  // (Dispatch.last_code UNAVAILABLE), or because the service stopped between taking it in and
  // dispatching it, is dispatched again: up to kDispatchesPerSweep of them, oldest first. An
  // event its track refused is left for DispatchEvent or DismissEvent. The first error of the
  // event's own writes is returned after all are tried.
  absl::Status DispatchWaiting();
  static constexpr int kDispatchesPerSweep = 200;

  // What the owning track's case of event `id` became: its status there (a key, "CLOSED")
  // at `at`. A DISPATCHED event whose route counts that status as closed is closed (Dispose by
  // its due time, else DisposeLate); any other status is only noted. An event in another state
  // is left as it is (a change seen twice changes nothing). The event as it is after.
  absl::StatusOr<dv1::Event> Settle(const std::string& id, const std::string& case_status,
                                    absl::Time at);

 private:
  // Tries to dispatch a DETECTED event (its case `c`) as `who`: the owning track called, the
  // event moved to DISPATCHED with the case's id, or kept DETECTED with the reason
  // (DispatchFailed). The event as it is after.
  absl::StatusOr<cases::Case> TryDispatch(const auth::Principal& who, const cases::Case& c);
  // The camera of a camera's event: registered and not retired (INVALID_ARGUMENT
  // "event.camera_id"), in the event's street ("event.region.street_id"); the event takes the
  // camera's community and grid when it names none.
  absl::Status CheckCamera(dv1::Event& e) const;

  cases::CaseEngine* const events_;
  const registry::Registry* const cameras_;
  const Rules* const rules_;
  const peers::Peers* const peers_;
  const regions::RegionRegistry* const regions_;
  const Clock* const clock_;
};

// The events' indicators: disposal_rate and co_governance_rate (the plan's 90 % each: 城市管理场景
// 月平均处置率、共治率达到90%以上), and watched: events_reported, events_open, events_undispatched.
std::vector<indicators::IndicatorSpec> EventIndicators(cases::CaseEngine* events);

}  // namespace gov::digital

#endif  // GOV_SERVICES_DIGITAL_EVENTS_H_
