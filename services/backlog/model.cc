#include "services/backlog/model.h"

#include "absl/strings/str_cat.h"
#include "common/auth/auth.h"

namespace gov::backlog {

using cal::Sla;
using cases::StateClass;

// Backlog cases ("op" is street_operator, "sys" the systems feeding the track; district_admin
// may take every verb): registered IN_PROGRESS with their plan, then
//
// clang-format off
// | verb              | from        | to          | who              |
// |-------------------|-------------|-------------|------------------|
// | ReportProgress    | IN_PROGRESS | (stays)     | op, sys          |
// | CompleteMilestone | IN_PROGRESS | (stays)     | op               |
// | Resolve           | IN_PROGRESS | RESOLVED    | op               |
// | Verify            | RESOLVED    | VERIFIED    | district_admin   |
// | SendBack          | RESOLVED    | IN_PROGRESS | district_admin   |
// | Close             | VERIFIED    | CLOSED      | district_admin   |
// clang-format on
//
// No state has a clock: the deadlines are the plan's milestones, watched by the warnings.
const cases::TrackSpec& BacklogSpec() {
  static const cases::TrackSpec* spec = [] {
    const std::string op = auth::kStreetOperator;
    const std::string sys = auth::kSystem;
    auto* s = new cases::TrackSpec;
    s->track = kTrack;
    s->case_kind = "backlog_case";
    s->id_prefix = "K";
    s->initial_state = kInProgress;
    s->states = {
        {kInProgress, StateClass::kOpen, Sla::None()},
        {kResolved, StateClass::kOpen, Sla::None()},
        {kVerified, StateClass::kResolved, Sla::None()},
        {kClosed, StateClass::kClosed, Sla::None()},
    };
    s->transitions = {
        {kReport, {kInProgress}, "", {op, sys}, /*restart_sla=*/false},
        {kCompleteMilestone, {kInProgress}, "", {op}, /*restart_sla=*/false},
        {kResolve, {kInProgress}, kResolved, {op}},
        {kVerify, {kResolved}, kVerified, {}},
        {kSendBack, {kResolved}, kInProgress, {}},
        {kClose, {kVerified}, kClosed, {}},
    };
    s->create_roles = {op, sys};
    return s;
  }();
  return *spec;
}

// Warnings, raised by the track's sweep (as the system) at community level (street level for a
// case without a community):
//
// clang-format off
// | verb        | from                   | to           | who       |
// |-------------|------------------------|--------------|-----------|
// | Acknowledge | RAISED                 | ACKNOWLEDGED | op        |
// | Escalate    | RAISED, ACKNOWLEDGED   | RAISED       | sys       |
// | Clear       | RAISED, ACKNOWLEDGED   | CLEARED      | op, sys   |
// clang-format on
//
// Escalation moves the level up (the record's unit) after the rules' hours at a level; the next
// level acknowledges again.
const cases::TrackSpec& WarningSpec() {
  static const cases::TrackSpec* spec = [] {
    const std::string op = auth::kStreetOperator;
    const std::string sys = auth::kSystem;
    auto* s = new cases::TrackSpec;
    s->track = kWarningTrack;
    s->aggregate_track = kTrack;
    s->case_kind = "warning";
    s->id_prefix = "W";
    s->initial_state = kRaised;
    s->states = {
        {kRaised, StateClass::kOpen, Sla::None()},
        {kAcknowledged, StateClass::kOpen, Sla::None()},
        {kCleared, StateClass::kClosed, Sla::None()},
    };
    s->transitions = {
        {kAcknowledge, {kRaised}, kAcknowledged, {op}},
        {kEscalate, {kRaised, kAcknowledged}, kRaised, {sys}},
        {kClear, {kRaised, kAcknowledged}, kCleared, {op, sys}},
    };
    s->create_roles = {sys};
    return s;
  }();
  return *spec;
}

const cases::CaseKind<bv1::BacklogCase>& BacklogCaseKind() {
  static const auto* kind = new cases::CaseKind<bv1::BacklogCase>({
      .id = "id",
      .status = "status",
      .unit_id = "",
      .region = "region",
      .created = "create_time",
      .updated = "update_time",
      .due_time = "",
      .sla_breached = "",
      .etag = "etag",
      .history = "history",
      .sees_personal = {auth::kStreetOperator, auth::kSystem},
  });
  return *kind;
}

const cases::CaseKind<bv1::Warning>& WarningKind() {
  static const auto* kind = new cases::CaseKind<bv1::Warning>({
      .id = "id",
      .status = "status",
      .unit_id = "",
      .region = "region",
      .created = "create_time",
      .updated = "update_time",
      .due_time = "",
      .sla_breached = "",
      .etag = "etag",
      .history = "history",
      .sees_personal = {auth::kStreetOperator, auth::kSystem},
  });
  return *kind;
}

std::string WarningKey(const std::string& case_id, int milestone) {
  return absl::StrCat(case_id, "/", milestone);
}

}  // namespace gov::backlog
