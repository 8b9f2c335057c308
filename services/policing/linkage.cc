#include "services/policing/linkage.h"

#include <algorithm>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/cord.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/cases/page_token.h"
#include "common/log/log.h"
#include "common/util/digest.h"
#include "common/util/proto.h"
#include "common/util/status.h"
#include "common/util/validate.h"
#include "services/policing/model.h"
#include "services/policing/track.h"
#include "services/policing/validation.h"

namespace gov::policing {
namespace {

using governance::v1::DIRECTION_HIGHER_IS_BETTER;
using governance::v1::INDICATOR_UNIT_BASIS_POINTS;
using governance::v1::TARGET_KIND_RATE;
using indicators::EvalContext;
using indicators::Measure;
using indicators::Value;

constexpr char kDispatched[] = "DISPATCHED";
constexpr char kSigned[] = "SIGNED";
constexpr char kHandled[] = "HANDLED";
constexpr char kFeedbackGiven[] = "FEEDBACK_GIVEN";
// The action the case engine records when its breach scan marks a case (engine.cc).

constexpr int64_t kFullRate = 10000;  // 100% in basis points
constexpr size_t kMaxText = 2000;     // handling result and feedback, in characters
constexpr int kMaxPage = 500;

// The principal the server dispatches and sweeps as: the linkage dispatcher, district-wide.
constexpr char kDispatcherId[] = "linkage-dispatcher";
// The principal the demo loader takes steps as (the linkage platform).
constexpr char kDemoActorId[] = "linkage-demo";

// The three steps of a task, each with one verb per timeliness (see VerbOf).
enum class StepKind { kSign, kHandle, kFeedback };

struct Step {
  StepKind kind;
  const char* from;          // the state the step ends
  const char* to;            // the state it leads to
  const char* in_time;       // done by its due time
  const char* late;          // done after its due time, before the breach scan marked it
  const char* after_breach;  // done after the breach was recorded
};

constexpr Step kSignStep = {StepKind::kSign, kDispatched, kSigned,
                            "Sign",          "SignLate",  "SignAfterBreach"};
constexpr Step kHandleStep = {StepKind::kHandle, kSigned,      kHandled,
                              "Handle",          "HandleLate", "HandleAfterBreach"};
constexpr Step kFeedbackStep = {StepKind::kFeedback, kHandled,       kFeedbackGiven,
                                "Feedback",          "FeedbackLate", "FeedbackAfterBreach"};

// Who does the units' work in the system: the linkage platform (system) and the street
// operators of the task's street; district_admin always may (the engine's rule).
const std::vector<std::string>& WorkRoles() {
  static const auto* roles = new std::vector<std::string>{auth::kSystem, auth::kStreetOperator};
  return *roles;
}

// The task for the caller: the units' free texts only for those who do the work.
void PresentTask(const auth::Principal& who, pv1::LinkageTask* task) {
  if (auth::WorksCases(who)) return;
  task->clear_handling_result();
  task->clear_feedback();
}

bool IsNonPolice(pv1::IncidentType type) {
  const IncidentTypeInfo* info = FindIncidentType(type);
  return info != nullptr && info->incident_class == pv1::INCIDENT_CLASS_NON_POLICE;
}

// The idempotency key of a dispatch: the incident, so that an incident has at most one task
// however often and by whom it is dispatched.
std::string DispatchRequestId(const std::string& incident_id) {
  return absl::StrCat("linkage:", incident_id);
}

absl::StatusOr<pv1::LinkageTask> StoredTask(const store::CaseRecord& record) {
  pv1::LinkageTask task;
  if (!task.ParseFromString(record.payload)) {
    return absl::DataLossError(
        absl::StrCat("linkage task ", record.id, ": stored payload is unreadable"));
  }
  return task;
}

// The task as the API shows it: the stored payload, with what the case owns (id, unit, region,
// status, dispatch time, clock, etag, history) taken from the case.
absl::StatusOr<pv1::LinkageTask> TaskFromCase(const cases::Case& c) {
  const store::CaseRecord& r = c.record;
  GOV_ASSIGN_OR_RETURN(pv1::LinkageTask task, StoredTask(r));
  task.set_id(r.id);
  task.set_unit_id(r.unit_id);
  task.mutable_region()->set_street_id(r.street_id);
  task.mutable_region()->set_community_id(r.community_id);
  task.set_status(
      EnumFromKey<pv1::LinkageStatus>(r.status).value_or(pv1::LINKAGE_STATUS_UNSPECIFIED));
  *task.mutable_dispatch_time() = ToTimestamp(r.create_time);
  if (r.due_time != absl::InfiniteFuture()) *task.mutable_due_time() = ToTimestamp(r.due_time);
  task.set_sla_breached(r.sla_breached);
  task.set_etag(c.etag());
  AppendCaseEvents(c.history, task.mutable_history());
  return task;
}

// Which verb a step is recorded under, decided by the service when the step is taken (the
// same record version the caller's etag names, and one `now`):
//  - after the breach scan marked the current state: "...AfterBreach";
//  - else past the due time: "...Late" (the scan has not come round yet);
//  - else in time.
const char* VerbOf(const Step& step, const store::CaseRecord& record, absl::Time now) {
  if (record.sla_breached) return step.after_breach;
  if (now > record.due_time) return step.late;
  return step.in_time;
}

// Writes the step into the stored task: its time, whether it was in time, and its text.
void RecordStep(const Step& step, absl::Time now, bool in_time, const std::string& text,
                pv1::LinkageTask& task) {
  switch (step.kind) {
    case StepKind::kSign:
      *task.mutable_sign_time() = ToTimestamp(now);
      task.set_signed_in_time(in_time);
      break;
    case StepKind::kHandle:
      *task.mutable_handle_time() = ToTimestamp(now);
      task.set_handled_in_time(in_time);
      task.set_handling_result(text);
      break;
    case StepKind::kFeedback:
      *task.mutable_feedback_time() = ToTimestamp(now);
      task.set_feedback_in_time(in_time);
      task.set_feedback(text);
      break;
  }
}

// Steps of one kind done in time over the steps of that kind that came due in the period.
//
// Every task counts exactly once per step: the step ends in time (the in-time verb), late but
// before the breach scan reached it (the late verb), or the scan marks it breached first (one
// "SlaBreach" event with the step's state as target — the engine marks a state once, and only
// a transition, which restarts the clock, clears the mark). A step done after its breach (the
// "...AfterBreach" verb) is not counted again: its breach was. So the denominator is in time +
// late + breaches in the step's state, each counted in the period it happened in.
Measure WithinTime(const Step& step) {
  return indicators::OnTrack(
      kLinkageTrack,
      indicators::Ratio(
          indicators::EventsWithAction({step.in_time}),
          indicators::Sum(indicators::EventsWithAction({step.in_time, step.late}),
                          indicators::EventsWithActionInto({cases::kBreachAction}, {step.from}))));
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
    s->states = {{kDispatched, cases::StateClass::kOpen, cal::Sla::Hours(24)},
                 {kSigned, cases::StateClass::kOpen, cal::Sla::Hours(24)},
                 {kHandled, cases::StateClass::kOpen, cal::Sla::Hours(24)},
                 {kFeedbackGiven, cases::StateClass::kClosed, cal::Sla::None()}};
    s->create_roles = WorkRoles();
    for (const Step& step : {kSignStep, kHandleStep, kFeedbackStep}) {
      for (const char* verb : {step.in_time, step.late, step.after_breach}) {
        s->transitions.push_back({verb, {step.from}, step.to, WorkRoles(), /*restart_sla=*/true});
      }
    }
    return s;
  }();
  return *spec;
}

std::vector<indicators::IndicatorSpec> LinkageIndicators() {
  std::vector<indicators::IndicatorSpec> specs;
  // 联动单位24小时签收率: tasks signed off within 24 hours of dispatch, 100%.
  specs.push_back({.id = "linkage_sign_within_24h",
                   .name_zh = "联动单位24小时签收率",
                   .name_en = "Linkage tasks signed off within 24 hours",
                   .unit = INDICATOR_UNIT_BASIS_POINTS,
                   .direction = DIRECTION_HIGHER_IS_BETTER,
                   .target_kind = TARGET_KIND_RATE,
                   .target = kFullRate,
                   .measure = WithinTime(kSignStep)});
  // 联动单位24小时处置率: tasks handled within 24 hours of sign-off, 100%.
  specs.push_back({.id = "linkage_handling_within_24h",
                   .name_zh = "联动单位24小时处置率",
                   .name_en = "Linkage tasks handled within 24 hours",
                   .unit = INDICATOR_UNIT_BASIS_POINTS,
                   .direction = DIRECTION_HIGHER_IS_BETTER,
                   .target_kind = TARGET_KIND_RATE,
                   .target = kFullRate,
                   .measure = WithinTime(kHandleStep)});
  // 联动单位24小时反馈率: feedback given within 24 hours of handling, 100%.
  specs.push_back({.id = "linkage_feedback_within_24h",
                   .name_zh = "联动单位24小时反馈率",
                   .name_en = "Linkage tasks with feedback within 24 hours",
                   .unit = INDICATOR_UNIT_BASIS_POINTS,
                   .direction = DIRECTION_HIGHER_IS_BETTER,
                   .target_kind = TARGET_KIND_RATE,
                   .target = kFullRate,
                   .measure = WithinTime(kFeedbackStep)});
  return specs;
}

struct Linkage::Impl {
  PolicingContext ctx;
  cases::CaseEngine* engine = nullptr;

  // Stores the task of `incident` for `unit` (or returns the incident's task when it has one).
  absl::StatusOr<cases::Case> Create(const auth::Principal& who, const pv1::Incident& incident,
                                     const pv1::LinkageUnit& unit, bool named) {
    pv1::LinkageTask task;
    task.set_incident_id(incident.id());
    task.set_incident_number(incident.incident_number());
    task.set_type(incident.type());
    task.set_unit_name(unit.name());
    cases::NewCase input;
    input.category = EnumKey(incident.type());
    input.street_id = incident.region().street_id();
    input.community_id = incident.region().community_id();
    input.unit_id = unit.id();
    input.payload = SerializeStable(task);
    input.note = absl::StrCat("unit ", unit.id(), named ? " as asked" : " by the routing table");
    // The hash is the key's own, whatever the unit: a second dispatch of the incident is a
    // replay and finds its task (Dispatch tells a conflicting unit apart).
    const std::string request_id = DispatchRequestId(incident.id());
    GOV_ASSIGN_OR_RETURN(cases::Case c, engine->Create(who, input, request_id,
                                                       cases::CaseEngine::RequestHash(request_id)));
    if (c.created) {
      log::Info("linkage task dispatched", {{"task", c.record.id},
                                            {"incident", incident.id()},
                                            {"unit", unit.id()},
                                            {"actor", who.id}});
    }
    return c;
  }

  // The routed unit of a non-police incident (the rules route every non-police type on every
  // street, so a miss is a rules bug).
  absl::StatusOr<const pv1::LinkageUnit*> Routed(const pv1::Incident& incident) const {
    const pv1::LinkageUnit* unit = ctx.rules->Route(incident.type(), incident.region().street_id());
    if (unit == nullptr) {
      return absl::InternalError(absl::StrCat("no linkage route for ", EnumKey(incident.type()),
                                              " on street ", incident.region().street_id()));
    }
    return unit;
  }

  // Takes `step` on task `id` (etag-checked): the verb by the task's timeliness now, and the
  // step written into the stored task.
  absl::StatusOr<cases::Case> TakeStep(const auth::Principal& who, const Step& step,
                                       const std::string& id, const std::string& etag,
                                       const std::string& text_field, const std::string& text) {
    GOV_RETURN_IF_ERROR(ValidateId(id));
    if (etag.empty()) return InvalidField("etag", "required");
    if (!text_field.empty()) {
      GOV_RETURN_IF_ERROR(ValidateText(text, text_field, kMaxText, /*required=*/true));
    }
    // The verb depends on the record the etag names: the store's, read here; the mutation
    // refuses to go on when the engine's record is another version.
    GOV_ASSIGN_OR_RETURN(const store::CaseRecord current, ctx.repo->GetCase(kLinkageTrack, id));
    const absl::Time now = ctx.clock->Now();
    // From another state the engine refuses the step (FAILED_PRECONDITION) under its plain
    // verb.
    const std::string verb =
        current.status == step.from ? VerbOf(step, current, now) : step.in_time;
    const bool in_time = verb == step.in_time;
    const int64_t version = current.version;
    cases::Mutation mutation = [&step, now, in_time, version,
                                &text](store::CaseRecord& record) -> absl::Status {
      if (record.version != version) {
        return absl::AbortedError(
            absl::StrCat("linkage task ", record.id, " changed meanwhile; read it again"));
      }
      GOV_ASSIGN_OR_RETURN(pv1::LinkageTask task, StoredTask(record));
      RecordStep(step, now, in_time, text, task);
      record.payload = SerializeStable(task);
      return absl::OkStatus();
    };
    return engine->Transition(who, verb, id, etag, /*note=*/"", mutation);
  }

  // Ids of the incidents with a task dispatched at or after `since`.
  absl::StatusOr<absl::flat_hash_set<std::string>> IncidentsWithTasks(absl::Time since) {
    absl::flat_hash_set<std::string> out;
    cases::ListRequest request;
    request.filter.created_from = since;
    request.page_size = kMaxPage;
    for (;;) {
      GOV_ASSIGN_OR_RETURN(cases::ListResult page,
                           engine->List(auth::SystemPrincipal(kDispatcherId), request));
      for (const cases::Case& c : page.cases) {
        GOV_ASSIGN_OR_RETURN(const pv1::LinkageTask task, StoredTask(c.record));
        out.insert(task.incident_id());
      }
      if (page.next_page_token.empty()) return out;
      request.page_token = std::move(page.next_page_token);
    }
  }
};

Linkage::Linkage(const PolicingContext& ctx) {
  engine_ = std::make_unique<cases::CaseEngine>(LinkageSpec(), ctx.repo, ctx.cache, ctx.calendar,
                                                ctx.clock, ctx.registry);
  impl_ = std::make_unique<Impl>();
  impl_->ctx = ctx;
  impl_->engine = engine_.get();
}

Linkage::~Linkage() = default;

absl::Status Linkage::Dispatch(const auth::Principal& who, const pv1::DispatchIncidentRequest& in,
                               pv1::DispatchIncidentResponse* out) {
  GOV_RETURN_IF_ERROR(ValidateId(in.incident_id(), "incident_id"));
  const pv1::LinkageUnit* named = nullptr;
  if (!in.unit_id().empty()) {
    named = impl_->ctx.rules->FindUnit(in.unit_id());
    if (named == nullptr) return InvalidField("unit_id", "not a linkage unit");
  }
  // The incident as the caller may see it: out of scope is PERMISSION_DENIED.
  GOV_ASSIGN_OR_RETURN(const cases::Case stored,
                       impl_->ctx.incidents->Get(who, in.incident_id(), /*with_history=*/false));
  GOV_ASSIGN_OR_RETURN(const pv1::Incident incident, IncidentFromCase(stored));
  if (!IsNonPolice(incident.type())) {
    return FieldError(absl::StatusCode::kFailedPrecondition, "incident_id",
                      absl::StrCat("incident ", incident.id(), " is a police matter (",
                                   EnumKey(incident.type()), "), not for the linkage units"));
  }
  const pv1::LinkageUnit* unit = named;
  if (unit == nullptr) {
    GOV_ASSIGN_OR_RETURN(unit, impl_->Routed(incident));
  }
  GOV_ASSIGN_OR_RETURN(const cases::Case c,
                       impl_->Create(who, incident, *unit, /*named=*/named != nullptr));
  // An incident has one task. Asking again without a unit, or for the unit it went to, returns
  // it; asking for another unit is a conflict the caller should see rather than a task of
  // another unit than asked for.
  if (!c.created && named != nullptr && c.record.unit_id != named->id()) {
    return FieldError(absl::StatusCode::kAlreadyExists, "incident_id",
                      absl::StrCat("incident ", incident.id(), " was dispatched to ",
                                   c.record.unit_id, " already (task ", c.record.id, ")"));
  }
  GOV_ASSIGN_OR_RETURN(*out->mutable_task(), TaskFromCase(c));
  out->set_created(c.created);
  return absl::OkStatus();
}

absl::Status Linkage::Sign(const auth::Principal& who, const pv1::SignLinkageTaskRequest& in,
                           pv1::SignLinkageTaskResponse* out) {
  GOV_ASSIGN_OR_RETURN(const cases::Case c,
                       impl_->TakeStep(who, kSignStep, in.id(), in.etag(), "", ""));
  GOV_ASSIGN_OR_RETURN(*out->mutable_task(), TaskFromCase(c));
  return absl::OkStatus();
}

absl::Status Linkage::RecordHandling(const auth::Principal& who,
                                     const pv1::RecordLinkageHandlingRequest& in,
                                     pv1::RecordLinkageHandlingResponse* out) {
  GOV_ASSIGN_OR_RETURN(const cases::Case c,
                       impl_->TakeStep(who, kHandleStep, in.id(), in.etag(), "handling_result",
                                       in.handling_result()));
  GOV_ASSIGN_OR_RETURN(*out->mutable_task(), TaskFromCase(c));
  return absl::OkStatus();
}

absl::Status Linkage::RecordFeedback(const auth::Principal& who,
                                     const pv1::RecordLinkageFeedbackRequest& in,
                                     pv1::RecordLinkageFeedbackResponse* out) {
  GOV_ASSIGN_OR_RETURN(const cases::Case c, impl_->TakeStep(who, kFeedbackStep, in.id(), in.etag(),
                                                            "feedback", in.feedback()));
  GOV_ASSIGN_OR_RETURN(*out->mutable_task(), TaskFromCase(c));
  return absl::OkStatus();
}

absl::Status Linkage::Get(const auth::Principal& who, const pv1::GetLinkageTaskRequest& in,
                          pv1::GetLinkageTaskResponse* out) {
  GOV_RETURN_IF_ERROR(ValidateId(in.id()));
  GOV_ASSIGN_OR_RETURN(const cases::Case c, engine_->Get(who, in.id(), /*with_history=*/true));
  GOV_ASSIGN_OR_RETURN(*out->mutable_task(), TaskFromCase(c));
  PresentTask(who, out->mutable_task());
  return absl::OkStatus();
}

absl::Status Linkage::List(const auth::Principal& who, const pv1::ListLinkageTasksRequest& in,
                           pv1::ListLinkageTasksResponse* out) {
  GOV_ASSIGN_OR_RETURN(const int size, cases::PageSize(in.page_size()));
  GOV_RETURN_IF_ERROR(
      impl_->ctx.regions->Validate(in.region(), "region", /*require_street=*/false));
  if (!in.region().grid_id().empty()) {
    return InvalidField("region.grid_id", "tasks are kept per street and community");
  }
  if (!in.unit_id().empty() && impl_->ctx.rules->FindUnit(in.unit_id()) == nullptr) {
    return InvalidField("unit_id", "not a linkage unit");
  }
  cases::ListRequest request;
  store::CaseFilter& filter = request.filter;
  GOV_ASSIGN_OR_RETURN(filter.statuses, EnumFilterKeys<pv1::LinkageStatus>(
                                            in.statuses(), "statuses", "a linkage status"));
  filter.street_id = in.region().street_id();
  filter.community_id = in.region().community_id();
  filter.unit_id = in.unit_id();
  filter.sla_breached_only = in.breached_only();
  request.page_size = size;
  request.page_token = in.page_token();
  GOV_ASSIGN_OR_RETURN(cases::ListResult page, engine_->List(who, std::move(request)));
  for (const cases::Case& c : page.cases) {
    pv1::LinkageTask* task = out->add_tasks();
    GOV_ASSIGN_OR_RETURN(*task, TaskFromCase(c));
    PresentTask(who, task);
  }
  out->set_next_page_token(std::move(page.next_page_token));
  return absl::OkStatus();
}

absl::Status Linkage::Units(const auth::Principal&, const pv1::ListLinkageUnitsRequest&,
                            pv1::ListLinkageUnitsResponse* out) {
  // Every authenticated role: the units are a public directory.
  std::vector<pv1::LinkageUnit> units = impl_->ctx.rules->linkage_units();
  std::sort(units.begin(), units.end(),
            [](const pv1::LinkageUnit& a, const pv1::LinkageUnit& b) { return a.id() < b.id(); });
  for (pv1::LinkageUnit& unit : units) *out->add_units() = std::move(unit);
  return absl::OkStatus();
}

absl::Status Linkage::DispatchIngested(const pv1::Incident& incident) {
  if (!IsNonPolice(incident.type())) return absl::OkStatus();
  if (impl_->ctx.clock->Now() - FromTimestamp(incident.occur_time()) > kAutoDispatchWindow) {
    return absl::OkStatus();
  }
  GOV_ASSIGN_OR_RETURN(const pv1::LinkageUnit* unit, impl_->Routed(incident));
  return impl_->Create(auth::SystemPrincipal(kDispatcherId), incident, *unit, /*named=*/false)
      .status();
}

absl::StatusOr<int> Linkage::SweepUndispatched() {
  const auth::Principal dispatcher = auth::SystemPrincipal(kDispatcherId);
  const absl::Time since = impl_->ctx.clock->Now() - kAutoDispatchWindow;
  // An incident of the window is dispatched after it occurred, so its task is one of those
  // dispatched since the window began.
  GOV_ASSIGN_OR_RETURN(const absl::flat_hash_set<std::string> dispatched,
                       impl_->IncidentsWithTasks(since));
  cases::ListRequest request;
  request.filter.categories = CategoriesOfClasses({pv1::INCIDENT_CLASS_NON_POLICE});
  request.filter.created_from = since;  // an incident's case time is its occurrence
  request.page_size = kMaxPage;
  int created = 0;
  absl::Status first;
  for (;;) {
    GOV_ASSIGN_OR_RETURN(cases::ListResult page, impl_->ctx.incidents->List(dispatcher, request));
    for (const cases::Case& c : page.cases) {
      if (dispatched.contains(c.record.id)) continue;
      absl::StatusOr<cases::Case> task = [&]() -> absl::StatusOr<cases::Case> {
        GOV_ASSIGN_OR_RETURN(const pv1::Incident incident, IncidentFromCase(c));
        GOV_ASSIGN_OR_RETURN(const pv1::LinkageUnit* unit, impl_->Routed(incident));
        return impl_->Create(dispatcher, incident, *unit, /*named=*/false);
      }();
      if (!task.ok()) {
        log::Warn("linkage sweep could not dispatch an incident",
                  {{"incident", c.record.id}, {"error", std::string(task.status().message())}});
        if (first.ok()) first = task.status();
        continue;
      }
      if (task->created) ++created;
    }
    if (page.next_page_token.empty()) break;
    request.page_token = std::move(page.next_page_token);
  }
  if (created > 0)
    log::Info("linkage sweep dispatched incidents", {{"count", absl::StrCat(created)}});
  if (!first.ok()) return first;
  return created;
}

namespace {

// How far the demo takes a task: from its incident number, so that a restart takes every demo
// task to the same place. About 1 in 8 stays DISPATCHED, 1 in 16 SIGNED, 1 in 16 HANDLED; the
// rest get feedback.
pv1::LinkageStatus DemoTarget(const std::string& incident_number) {
  const char c = Sha256Hex(incident_number)[0];
  switch (c) {
    case '0':
    case '1':
      return pv1::LINKAGE_STATUS_DISPATCHED;
    case '2':
      return pv1::LINKAGE_STATUS_SIGNED;
    case '3':
      return pv1::LINKAGE_STATUS_HANDLED;
    default:
      return pv1::LINKAGE_STATUS_FEEDBACK_GIVEN;
  }
}

std::string DemoHandling(pv1::IncidentType type) {
  switch (type) {
    case pv1::INCIDENT_TYPE_ASSISTANCE:
      return "联动单位已到场协助，求助事项已解决（演示数据）";
    case pv1::INCIDENT_TYPE_DISPUTE:
      return "已组织双方调解，达成一致意见（演示数据）";
    default:
      return "已派员现场处置，设施已恢复正常（演示数据）";
  }
}

// Takes a demo task one step towards its target; false when it is there.
absl::StatusOr<bool> DemoStep(Linkage& linkage, const auth::Principal& actor,
                              const pv1::LinkageTask& task, pv1::LinkageTask* next) {
  switch (task.status()) {
    case pv1::LINKAGE_STATUS_DISPATCHED: {
      pv1::SignLinkageTaskRequest request;
      request.set_id(task.id());
      request.set_etag(task.etag());
      pv1::SignLinkageTaskResponse response;
      GOV_RETURN_IF_ERROR(linkage.Sign(actor, request, &response));
      *next = std::move(*response.mutable_task());
      return true;
    }
    case pv1::LINKAGE_STATUS_SIGNED: {
      pv1::RecordLinkageHandlingRequest request;
      request.set_id(task.id());
      request.set_etag(task.etag());
      request.set_handling_result(DemoHandling(task.type()));
      pv1::RecordLinkageHandlingResponse response;
      GOV_RETURN_IF_ERROR(linkage.RecordHandling(actor, request, &response));
      *next = std::move(*response.mutable_task());
      return true;
    }
    case pv1::LINKAGE_STATUS_HANDLED: {
      pv1::RecordLinkageFeedbackRequest request;
      request.set_id(task.id());
      request.set_etag(task.etag());
      request.set_feedback("处置结果已反馈110指挥中心（演示数据）");
      pv1::RecordLinkageFeedbackResponse response;
      GOV_RETURN_IF_ERROR(linkage.RecordFeedback(actor, request, &response));
      *next = std::move(*response.mutable_task());
      return true;
    }
    default:
      return false;
  }
}

}  // namespace

// The demo runs at the real "now": the tasks it dispatches are fresh, so every step it takes is
// in time (a restart days later takes the steps of a run cut short late, by the same rules as
// any caller). Late steps and breaches come from the tasks it leaves open, which the breach scan
// marks once their 24 hours have run out.
absl::Status LoadLinkageDemoData(Linkage& linkage, const PolicingContext& ctx) {
  GOV_ASSIGN_OR_RETURN(const int dispatched, linkage.SweepUndispatched());
  const auth::Principal actor = auth::SystemPrincipal(kDemoActorId);
  // The open tasks first, then the steps, so that the pages do not move under the steps.
  std::vector<pv1::LinkageTask> open;
  pv1::ListLinkageTasksRequest request;
  request.set_page_size(kMaxPage);
  for (pv1::LinkageStatus s :
       {pv1::LINKAGE_STATUS_DISPATCHED, pv1::LINKAGE_STATUS_SIGNED, pv1::LINKAGE_STATUS_HANDLED}) {
    request.add_statuses(s);
  }
  for (;;) {
    pv1::ListLinkageTasksResponse page;
    GOV_RETURN_IF_ERROR(linkage.List(actor, request, &page));
    for (const pv1::LinkageTask& task : page.tasks()) {
      // Only the demo's own incidents: a task someone opened by hand is left as it is.
      if (absl::StartsWith(task.incident_number(), "DEMO-")) open.push_back(task);
    }
    if (page.next_page_token().empty()) break;
    request.set_page_token(page.next_page_token());
  }
  int steps = 0;
  for (pv1::LinkageTask task : open) {
    const pv1::LinkageStatus target = DemoTarget(task.incident_number());
    while (task.status() < target) {
      pv1::LinkageTask next;
      GOV_ASSIGN_OR_RETURN(const bool stepped, DemoStep(linkage, actor, task, &next));
      if (!stepped) break;
      task = std::move(next);
      ++steps;
    }
  }
  log::Info("linkage demo data loaded", {{"dispatched", absl::StrCat(dispatched)},
                                         {"open_demo_tasks", absl::StrCat(open.size())},
                                         {"steps", absl::StrCat(steps)},
                                         {"now", absl::FormatTime(ctx.clock->Now())}});
  return absl::OkStatus();
}

}  // namespace gov::policing
