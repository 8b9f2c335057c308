#ifndef GOV_SERVICES_DIGITAL_MODEL_H_
#define GOV_SERVICES_DIGITAL_MODEL_H_

#include "absl/time/time.h"
#include "common/cases/case_kind.h"
#include "common/cases/engine.h"
#include "common/registry/registry.h"
#include "governance/digital/v1/digital.pb.h"

// The digital track's vocabulary: its names and where its registries lie in the entity rows:
//
// clang-format off
// | registry  | kind       | id     | street / community         | parent | key                       |
// |-----------|------------|--------|----------------------------|--------|---------------------------|
// | cameras   | "camera"   | CE-... | its place                  | ""     | its feed code             |
// | scenarios | "scenario" | SC-... | "" (read by every caller)  | ""     | its stage ("TRIAL", ...)  |
// | cursors   | "cursor"   | FC-... | ""                         | ""     | "<track>/<kind of case>"  |
// clang-format on
//
// A City Eye event is a case of the track (store track "digital", kind "event"): its category is
// its type's key (EventType: "MOBILE_STALL"), no unit; the payload keeps the rest, where it was
// sent included.
namespace gov::digital {

namespace dv1 = ::governance::digital::v1;

inline constexpr char kTrack[] = "digital";

// Event states (EventStatus keys) and verbs (history actions).
inline constexpr char kDetected[] = "DETECTED";
inline constexpr char kDispatched[] = "DISPATCHED";
inline constexpr char kClosed[] = "CLOSED";
inline constexpr char kDismissed[] = "DISMISSED";
inline constexpr char kDispatch[] = "Dispatch";
// A dispatch attempt that did not reach the owning track (the event stays DETECTED).
inline constexpr char kDispatchFailed[] = "DispatchFailed";
inline constexpr char kDismiss[] = "Dismiss";
inline constexpr char kCoGovern[] = "CoGovern";
// The owning track's case closed by the event's disposal deadline, and after it.
inline constexpr char kDispose[] = "Dispose";
inline constexpr char kDisposeLate[] = "DisposeLate";

// The events' state machine (the table is in model.cc).
cases::TrackSpec EventSpec();

// An event as a kind of case: the record owns id, status, region, times, due time, breach flag,
// etag and history; the co-governance note is personal data for district_admin, street
// operators and systems.
const cases::CaseKind<dv1::Event>& EventKind();

// What the engine stores for a new event as given (output fields cleared): taken in `now`,
// created at its detection, due `disposal` after its detection (at least an hour from now).
cases::NewCase NewEventCase(dv1::Event event, absl::Duration disposal, absl::Time now);

const registry::Layout& CameraLayout();
// The positions of the owning tracks' change streams the follower keeps (follower.h).
const registry::Layout& CursorLayout();
const registry::Layout& ScenarioLayout();

}  // namespace gov::digital

#endif  // GOV_SERVICES_DIGITAL_MODEL_H_
