// The steps of a linkage task: the state machine, how a step is recorded (its verb by its
// timeliness, its time and text in the task), the three step RPCs and the "within 24 hours"
// indicators counted from the verbs.
//
// The plan's "24小时内联动平台签收率、处置率、反馈率达到100%" counts the 24 hours from the
// platform's dispatch for all three steps: a task is signed off, handled and given feedback
// within 24 hours of its dispatch. So a task has one clock, set at dispatch (due at dispatch +
// 24 hours, the end included) and kept by the sign-off and handling; the feedback closes the task
// and ends it. The breach flag and the overdue list show the open tasks past dispatch + 24 hours,
// and a step is in time when it was done by then.

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/util/proto.h"
#include "common/util/status.h"
#include "common/util/validate.h"
#include "services/policing/linkage.h"
#include "services/policing/taxonomy.h"

namespace gov::policing {

// The three steps of a task, each with one verb per timeliness (see VerbOf). The due time is
// the task's, dispatch + 24 hours, for every step.
struct LinkageStep {
  enum class Kind { kSign, kHandle, kFeedback };
  Kind kind;
  const char* from;          // the state the step ends
  const char* to;            // the state it leads to
  const char* in_time;       // done by the due time
  const char* late;          // done after the due time, before the breach scan marked the task
  const char* after_breach;  // done after the task's breach was recorded
};

namespace {

using governance::v1::DIRECTION_HIGHER_IS_BETTER;
using governance::v1::INDICATOR_UNIT_BASIS_POINTS;
using governance::v1::TARGET_KIND_RATE;
using indicators::Measure;

constexpr char kDispatched[] = "DISPATCHED";
constexpr char kSigned[] = "SIGNED";
constexpr char kHandled[] = "HANDLED";
constexpr char kFeedbackGiven[] = "FEEDBACK_GIVEN";

constexpr size_t kMaxText = 2000;  // handling result and feedback, in characters

constexpr LinkageStep kSignStep = {
    LinkageStep::Kind::kSign, kDispatched, kSigned, "Sign", "SignLate", "SignAfterBreach"};
constexpr LinkageStep kHandleStep = {
    LinkageStep::Kind::kHandle, kSigned, kHandled, "Handle", "HandleLate", "HandleAfterBreach"};
constexpr LinkageStep kFeedbackStep = {
    LinkageStep::Kind::kFeedback, kHandled, kFeedbackGiven, "Feedback", "FeedbackLate",
    "FeedbackAfterBreach"};

// Who does the units' work in the system: the linkage platform (system) and the street
// operators of the task's street; district_admin always may (the engine's rule).
const std::vector<std::string>& WorkRoles() {
  static const auto* roles = new std::vector<std::string>{auth::kSystem, auth::kStreetOperator};
  return *roles;
}

// The states in which `step` is still to be done: its own `from` and those before it. A breach
// recorded in one of them is the step's (it missed dispatch + 24 hours).
std::vector<std::string> StatesBefore(const LinkageStep& step) {
  switch (step.kind) {
    case LinkageStep::Kind::kSign:
      return {kDispatched};
    case LinkageStep::Kind::kHandle:
      return {kDispatched, kSigned};
    case LinkageStep::Kind::kFeedback:
      return {kDispatched, kSigned, kHandled};
  }
  return {};
}

// Which verb a step is recorded under, decided by the service when the step is taken (the
// same record version the caller's etag names, and one `now`), against the task's due time,
// dispatch + 24 hours:
//  - after the breach scan marked the task: "...AfterBreach";
//  - else past the due time: "...Late" (the scan has not come round yet);
//  - else in time (at the due time exactly is still in time, as for the scan, which marks a
//    task only once its due time is behind it).
const char* VerbOf(const LinkageStep& step, const store::CaseRecord& record, absl::Time now) {
  if (record.sla_breached) return step.after_breach;
  if (now > record.due_time) return step.late;
  return step.in_time;
}

// Writes the step into the task: its time, whether it was in time, and its text.
void RecordStep(const LinkageStep& step, absl::Time now, bool in_time, const std::string& text,
                pv1::LinkageTask& task) {
  switch (step.kind) {
    case LinkageStep::Kind::kSign:
      *task.mutable_sign_time() = ToTimestamp(now);
      task.set_signed_in_time(in_time);
      break;
    case LinkageStep::Kind::kHandle:
      *task.mutable_handle_time() = ToTimestamp(now);
      task.set_handled_in_time(in_time);
      task.set_handling_result(text);
      break;
    case LinkageStep::Kind::kFeedback:
      *task.mutable_feedback_time() = ToTimestamp(now);
      task.set_feedback_in_time(in_time);
      task.set_feedback(text);
      break;
  }
}

// Steps of one kind done within 24 hours of dispatch over the steps of that kind that came due
// in the period.
//
// Every task counts exactly once per step. The task's one clock runs from dispatch until the
// feedback closes it, and the scan marks it at most once (one "SlaBreach" event, in the state
// the task was in; the mark stays until the feedback, which ends the clock, and every step after
// it is an "...AfterBreach" one). So a step ends in time (the in-time verb), late but before the
// scan reached the task (the late verb: the scan then marks the task in a later state, which
// counts for the later steps only), or the scan marks the task while the step is still to be
// done (in the step's state or one before it, StatesBefore). A step done after the breach (the
// "...AfterBreach" verb) is not counted again: the breach was. So the denominator is in time +
// late + breaches in the states before the step, each counted in the period it happened in.
Measure WithinTime(const LinkageStep& step) {
  return indicators::OnTrack(
      kLinkageTrack,
      indicators::Ratio(indicators::EventsWithAction({step.in_time}),
                        indicators::Sum(indicators::EventsWithAction({step.in_time, step.late}),
                                        indicators::EventsWithActionInto({cases::kBreachAction},
                                                                         StatesBefore(step)))));
}

indicators::IndicatorSpec WithinTimeSpec(std::string id, std::string name_zh, std::string name_en,
                                         const LinkageStep& step) {
  return {.id = std::move(id),
          .name_zh = std::move(name_zh),
          .name_en = std::move(name_en),
          .unit = INDICATOR_UNIT_BASIS_POINTS,
          .direction = DIRECTION_HIGHER_IS_BETTER,
          .target_kind = TARGET_KIND_RATE,
          .measure = WithinTime(step)};
}

}  // namespace

const cases::TrackSpec& LinkageSpec() {
  static const cases::TrackSpec* spec = [] {
    auto* s = new cases::TrackSpec;
    s->track = kLinkageTrack;
    s->id_prefix = "L";
    s->initial_state = kDispatched;
    s->aggregate_track = kTrack;
    s->case_kind = "linkage_task";
    // One clock from dispatch for the three steps: DISPATCHED's 24 hours, due at dispatch + 24
    // hours. The sign-off and the handling keep it (no restart: the due time, and the breach
    // flag once the scan set it, go on into SIGNED and HANDLED, which have no clock of their
    // own); the feedback restarts it into FEEDBACK_GIVEN, which has none, so a closed task has
    // no due time and is not overdue (whether each step was in time stays in the task and the
    // history).
    s->states = {{kDispatched, cases::StateClass::kOpen, cal::Sla::Hours(24)},
                 {kSigned, cases::StateClass::kOpen, cal::Sla::None()},
                 {kHandled, cases::StateClass::kOpen, cal::Sla::None()},
                 {kFeedbackGiven, cases::StateClass::kClosed, cal::Sla::None()}};
    s->create_roles = WorkRoles();
    for (const LinkageStep& step : {kSignStep, kHandleStep, kFeedbackStep}) {
      const bool ends_clock = step.kind == LinkageStep::Kind::kFeedback;
      for (const char* verb : {step.in_time, step.late, step.after_breach}) {
        s->transitions.push_back(
            {verb, {step.from}, step.to, WorkRoles(), /*restart_sla=*/ends_clock});
      }
    }
    return s;
  }();
  return *spec;
}

const cases::CaseKind<pv1::LinkageTask>& LinkageTaskKind() {
  static const auto* kind = new cases::CaseKind<pv1::LinkageTask>({
      .id = "id",
      .status = "status",
      .unit_id = "unit_id",
      .region = "region",
      .created = "dispatch_time",
      .updated = "",
      .due_time = "due_time",
      .sla_breached = "sla_breached",
      .etag = "etag",
      .history = "history",
      .sees_personal = WorkRoles(),
  });
  return *kind;
}

std::vector<indicators::IndicatorSpec> LinkageIndicators() {
  return {
      // 联动单位24小时签收率: tasks signed off within 24 hours of dispatch, 100%.
      WithinTimeSpec("linkage_sign_within_24h", "联动单位24小时签收率",
                     "Linkage tasks signed off within 24 hours", kSignStep),
      // 联动单位24小时处置率: tasks handled within 24 hours of dispatch, 100%.
      WithinTimeSpec("linkage_handling_within_24h", "联动单位24小时处置率",
                     "Linkage tasks handled within 24 hours", kHandleStep),
      // 联动单位24小时反馈率: feedback given within 24 hours of dispatch, 100%.
      WithinTimeSpec("linkage_feedback_within_24h", "联动单位24小时反馈率",
                     "Linkage tasks with feedback within 24 hours", kFeedbackStep),
  };
}

absl::StatusOr<cases::Case> Linkage::TakeStep(const auth::Principal& who, const LinkageStep& step,
                                              const std::string& id, const std::string& etag,
                                              const std::string& text_field,
                                              const std::string& text) {
  GOV_RETURN_IF_ERROR(ValidateId(id));
  if (etag.empty()) return InvalidField("etag", "required");
  if (!text_field.empty()) {
    GOV_RETURN_IF_ERROR(ValidateText(text, text_field, kMaxText, /*required=*/true));
  }
  // The verb depends on the record the etag names: the current one, read here with the history
  // (never an older copy of the cache); the mutation refuses to go on when the engine's record is
  // another version.
  GOV_ASSIGN_OR_RETURN(const cases::Case current, tasks_->Get(who, id, /*with_history=*/true));
  const absl::Time now = clock_->Now();
  // From another state the engine refuses the step (FAILED_PRECONDITION) under its plain verb.
  const std::string verb =
      current.record.status == step.from ? VerbOf(step, current.record, now) : step.in_time;
  const bool in_time = verb == step.in_time;
  const int64_t version = current.record.version;
  const cases::Mutation record_step =
      LinkageTaskKind().Edit([&step, now, in_time, &text](pv1::LinkageTask& task) {
        RecordStep(step, now, in_time, text, task);
        return absl::OkStatus();
      });
  const cases::Mutation mutation = [version,
                                    &record_step](store::CaseRecord& record) -> absl::Status {
    if (record.version != version) {
      return absl::AbortedError(
          absl::StrCat("linkage task ", record.id, " changed meanwhile; read it again"));
    }
    return record_step(record);
  };
  return tasks_->Transition(who, verb, id, etag, /*note=*/"", mutation);
}

absl::Status Linkage::Sign(const auth::Principal& who, const pv1::SignLinkageTaskRequest& in,
                           pv1::SignLinkageTaskResponse* out) {
  GOV_ASSIGN_OR_RETURN(const cases::Case c, TakeStep(who, kSignStep, in.id(), in.etag(), "", ""));
  GOV_ASSIGN_OR_RETURN(*out->mutable_task(), LinkageTaskKind().FromCase(c, who));
  return absl::OkStatus();
}

absl::Status Linkage::RecordHandling(const auth::Principal& who,
                                     const pv1::RecordLinkageHandlingRequest& in,
                                     pv1::RecordLinkageHandlingResponse* out) {
  GOV_ASSIGN_OR_RETURN(const cases::Case c, TakeStep(who, kHandleStep, in.id(), in.etag(),
                                                     "handling_result", in.handling_result()));
  GOV_ASSIGN_OR_RETURN(*out->mutable_task(), LinkageTaskKind().FromCase(c, who));
  return absl::OkStatus();
}

absl::Status Linkage::RecordFeedback(const auth::Principal& who,
                                     const pv1::RecordLinkageFeedbackRequest& in,
                                     pv1::RecordLinkageFeedbackResponse* out) {
  GOV_ASSIGN_OR_RETURN(const cases::Case c,
                       TakeStep(who, kFeedbackStep, in.id(), in.etag(), "feedback", in.feedback()));
  GOV_ASSIGN_OR_RETURN(*out->mutable_task(), LinkageTaskKind().FromCase(c, who));
  return absl::OkStatus();
}

}  // namespace gov::policing
