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

// Screening entries, reported by street operators and the systems feeding the track:
//
// clang-format off
// | verb    | from     | to        | who |
// |---------|----------|-----------|-----|
// | Accept  | REPORTED | ACCEPTED  | op  |
// | Dismiss | REPORTED | DISMISSED | op  |
// clang-format on
const cases::TrackSpec& ScreeningSpec() {
  static const cases::TrackSpec* spec = [] {
    const std::string op = auth::kStreetOperator;
    auto* s = new cases::TrackSpec;
    s->track = kScreeningTrack;
    s->aggregate_track = kTrack;
    s->case_kind = "screening_entry";
    s->id_prefix = "SE";
    s->initial_state = kReported;
    s->states = {
        {kReported, StateClass::kOpen, Sla::None()},
        {kAccepted, StateClass::kResolved, Sla::None()},
        {kDismissed, StateClass::kClosed, Sla::None()},
    };
    s->transitions = {
        {kAccept, {kReported}, kAccepted, {op}},
        {kDismiss, {kReported}, kDismissed, {op}},
    };
    s->create_roles = {op, auth::kSystem};
    return s;
  }();
  return *spec;
}

// Supervision notices, issued by the district (district_admin, or a system) on a project under
// supervision:
//
// clang-format off
// | verb         | from     | to       | who            |
// |--------------|----------|----------|----------------|
// | Answer       | ISSUED   | ANSWERED | op             |
// | AcceptAnswer | ANSWERED | CLOSED   | district_admin |
// | SendBack     | ANSWERED | ISSUED   | district_admin |
// | Escalate     | ISSUED   | ISSUED   | sys            |
// clang-format on
//
// Escalation moves the level up (the record's unit) when the deadline passed unanswered.
const cases::TrackSpec& NoticeSpec() {
  static const cases::TrackSpec* spec = [] {
    const std::string op = auth::kStreetOperator;
    const std::string sys = auth::kSystem;
    auto* s = new cases::TrackSpec;
    s->track = kNoticeTrack;
    s->aggregate_track = kTrack;
    s->case_kind = "supervision_notice";
    s->id_prefix = "SN";
    s->initial_state = kIssued;
    s->states = {
        {kIssued, StateClass::kOpen, Sla::None()},
        {kAnswered, StateClass::kOpen, Sla::None()},
        {kNoticeClosed, StateClass::kClosed, Sla::None()},
    };
    s->transitions = {
        {kAnswer, {kIssued}, kAnswered, {op}},
        {kAcceptAnswer, {kAnswered}, kNoticeClosed, {}},
        {kSendBack, {kAnswered}, kIssued, {}},
        {kEscalate, {kIssued}, kIssued, {sys}},
    };
    s->create_roles = {sys};
    return s;
  }();
  return *spec;
}

const cases::CaseKind<bv1::BacklogCase>& BacklogCaseKind() {
  static const auto* kind = new cases::CaseKind<bv1::BacklogCase>(
      cases::ConventionalFields("", {auth::kStreetOperator, auth::kSystem}));
  return *kind;
}

const cases::CaseKind<bv1::Warning>& WarningKind() {
  static const auto* kind = new cases::CaseKind<bv1::Warning>(
      cases::ConventionalFields("level", {auth::kStreetOperator, auth::kSystem}));
  return *kind;
}

const cases::CaseKind<bv1::ScreeningEntry>& ScreeningEntryKind() {
  static const auto* kind = new cases::CaseKind<bv1::ScreeningEntry>(
      cases::ConventionalFields("", {auth::kStreetOperator, auth::kSystem}));
  return *kind;
}

const cases::CaseKind<bv1::SupervisionNotice>& NoticeKind() {
  static const auto* kind = new cases::CaseKind<bv1::SupervisionNotice>(
      cases::ConventionalFields("level", {cases::kEveryRole}));
  return *kind;
}

std::string WarningKey(const std::string& case_id, int milestone) {
  return absl::StrCat(case_id, "/", milestone);
}

}  // namespace gov::backlog
