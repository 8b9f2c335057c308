#include "services/digital/model.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/auth/auth.h"
#include "common/util/proto.h"

namespace gov::digital {

using cal::Sla;
using cases::StateClass;

// Events ("op" is street_operator, "sys" the systems: the City Eye platform, and the track's
// own follower of the owning tracks' cases; district_admin may take every verb): taken in
// DETECTED with the disposal clock of their type, then
//
// clang-format off
// | verb           | from       | to         | who      | clock                      |
// |----------------|------------|------------|----------|----------------------------|
// | Dispatch       | DETECTED   | DISPATCHED | op, sys  | unchanged                  |
// | DispatchFailed | DETECTED   | (stays)    | op, sys  | unchanged                  |
// | Dismiss        | DETECTED   | DISMISSED  | op       | none                       |
// | CoGovern       | DISPATCHED | (stays)    | op, sys  | unchanged                  |
// | Dispose        | DISPATCHED | CLOSED     | sys      | none                       |
// | DisposeLate    | DISPATCHED | CLOSED     | sys      | none                       |
// clang-format on
cases::TrackSpec EventSpec() {
  const std::string op = auth::kStreetOperator;
  const std::string sys = auth::kSystem;
  cases::TrackSpec s;
  s.track = kTrack;
  s.case_kind = "event";
  s.id_prefix = "EV";
  s.initial_state = kDetected;
  s.states = {
      // Each event's own disposal time is its first clock (NewCase::sla); this is the general one.
      {kDetected, StateClass::kOpen, Sla::Hours(48)},
      {kDispatched, StateClass::kOpen, Sla::Hours(48)},
      {kClosed, StateClass::kClosed, Sla::None()},
      {kDismissed, StateClass::kClosed, Sla::None()},
  };
  s.transitions = {
      {kDispatch, {kDetected}, kDispatched, {op, sys}, /*restart_sla=*/false},
      {kDispatchFailed, {kDetected}, "", {op, sys}, /*restart_sla=*/false},
      {kDismiss, {kDetected}, kDismissed, {op}},
      {kCoGovern, {kDispatched}, "", {op, sys}, /*restart_sla=*/false},
      {kDispose, {kDispatched}, kClosed, {sys}},
      {kDisposeLate, {kDispatched}, kClosed, {sys}},
  };
  s.create_roles = {op, sys};
  return s;
}

const cases::CaseKind<dv1::Event>& EventKind() {
  static const auto* kind = [] {
    cases::RecordFields fields =
        cases::ConventionalFields("", {auth::kStreetOperator, auth::kSystem});
    fields.due_time = "due_time";
    fields.sla_breached = "sla_breached";
    return new cases::CaseKind<dv1::Event>(std::move(fields));
  }();
  return *kind;
}

cases::NewCase NewEventCase(dv1::Event e, absl::Duration disposal, absl::Time now) {
  e.clear_dispatch();
  e.clear_co_governance();
  e.clear_disposed_in_time();
  e.clear_dismiss_reason();
  const absl::Time detected = FromTimestamp(e.detect_time());
  const int64_t hours = std::max<int64_t>(1, absl::ToInt64Hours(detected + disposal - now));
  cases::NewCase input;
  input.category = EnumKey(e.type());
  input.street_id = e.region().street_id();
  input.community_id = e.region().community_id();
  input.grid_id = e.region().grid_id();
  input.sla = Sla::Hours(static_cast<int>(hours));
  input.occurred_at = detected;
  input.payload = EventKind().Payload(e);
  input.note = absl::StrCat("detected by ", EnumKey(e.source()));
  return input;
}

const registry::Layout& CameraLayout() {
  static const auto* layout = new registry::Layout{kTrack, "camera", "CE", "camera"};
  return *layout;
}

const registry::Layout& CursorLayout() {
  static const auto* layout = new registry::Layout{kTrack, "cursor", "FC", "change stream cursor"};
  return *layout;
}

const registry::Layout& ScenarioLayout() {
  static const auto* layout = new registry::Layout{kTrack, "scenario", "SC", "scenario"};
  return *layout;
}

}  // namespace gov::digital
