#include "services/disorder/complaints.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <functional>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "common/cases/calendar.h"
#include "common/cases/page_token.h"
#include "common/cases/repeats.h"
#include "common/log/log.h"
#include "common/util/demo_random.h"
#include "common/util/digest.h"
#include "common/util/parallel.h"
#include "common/util/proto.h"
#include "common/util/status.h"
#include "common/util/validate.h"

namespace gov::disorder {
namespace {

using demo::Seed;
using demo::UnitInterval;

using cases::StateClass;
using governance::v1::DIRECTION_HIGHER_IS_BETTER;
using governance::v1::DIRECTION_LOWER_IS_BETTER;
using governance::v1::INDICATOR_UNIT_BASIS_POINTS;
using governance::v1::TARGET_KIND_RATE;
using governance::v1::TARGET_KIND_UNSPECIFIED;
using indicators::Measure;

// The states (ComplaintStatus keys).
constexpr char kDispatched[] = "DISPATCHED";
constexpr char kHandling[] = "HANDLING";
constexpr char kResolved[] = "RESOLVED";
constexpr char kClosed[] = "CLOSED";
constexpr char kRepeat[] = "REPEAT";
constexpr char kMerged[] = "MERGED";

// The verbs besides the resolutions (see kResolveVerbs).
constexpr char kRedispatch[] = "Redispatch";
constexpr char kAccept[] = "Accept";
constexpr char kCloseSatisfied[] = "CloseSatisfied";
constexpr char kReopen[] = "Reopen";
constexpr char kMerge[] = "Merge";
constexpr char kRecordRepeat[] = "RecordRepeat";

// A resolution is recorded under a verb of its outcome and timing, so that the indicators count
// mediations, failures and resolutions in and out of time from the event counts: in time when
// taken by the due time of the complaint's clock and before the breach scan marked it, late
// otherwise.
struct ResolveVerbs {
  dv1::ResolutionOutcome outcome;
  const char* in_time;
  const char* late;
};
constexpr ResolveVerbs kResolveVerbs[] = {
    {dv1::RESOLUTION_OUTCOME_RESOLVED, "ResolveResolved", "ResolveResolvedLate"},
    {dv1::RESOLUTION_OUTCOME_MEDIATED, "ResolveMediated", "ResolveMediatedLate"},
    {dv1::RESOLUTION_OUTCOME_MEDIATION_FAILED, "ResolveMediationFailed",
     "ResolveMediationFailedLate"},
    {dv1::RESOLUTION_OUTCOME_PENALISED, "ResolvePenalised", "ResolvePenalisedLate"},
    {dv1::RESOLUTION_OUTCOME_UNFOUNDED, "ResolveUnfounded", "ResolveUnfoundedLate"},
};

const ResolveVerbs* VerbsOf(dv1::ResolutionOutcome outcome) {
  for (const ResolveVerbs& v : kResolveVerbs) {
    if (v.outcome == outcome) return &v;
  }
  return nullptr;
}

bool IsMediationOutcome(dv1::ResolutionOutcome outcome) {
  return outcome == dv1::RESOLUTION_OUTCOME_MEDIATED ||
         outcome == dv1::RESOLUTION_OUTCOME_MEDIATION_FAILED;
}

// Limits of the API (characters).
constexpr size_t kMaxAddress = 200;
constexpr size_t kMaxDescription = 2000;
constexpr size_t kMaxReporterName = 50;
constexpr size_t kMaxPhone = 32;
constexpr size_t kMaxReason = 500;
constexpr size_t kMaxResolution = 2000;
constexpr size_t kMaxCallbackNote = 500;

// The principal the service links repeats as (the history's actor of "RecordRepeat").
constexpr char kIntakeActor[] = "complaint-intake";
// Attempts at recording a repeat on its original when writers race on the original.
constexpr int kRecordRepeatAttempts = 3;

const std::vector<std::string>& OpenStatuses() {
  static const auto* statuses = new std::vector<std::string>{kDispatched, kHandling, kResolved};
  return *statuses;
}

// Who does the work: the intake platforms (system: hotline, app, City Eye) and the street
// operators of the complaint's street; district_admin always may.
const std::vector<std::string>& WorkRoles() {
  static const auto* roles = new std::vector<std::string>{auth::kSystem, auth::kStreetOperator};
  return *roles;
}

std::string CategoryKey(dv1::ComplaintCategory category) { return EnumKey(category); }

// Digits, '+', '-' and spaces, with at least one digit. The value itself never goes into an
// error message (it is the reporter's).
bool PlausiblePhone(std::string_view phone) {
  bool digit = false;
  for (const char c : phone) {
    if (c >= '0' && c <= '9') {
      digit = true;
      continue;
    }
    if (c != '+' && c != '-' && c != ' ') return false;
  }
  return digit;
}

absl::Status ValidateNewComplaint(const dv1::Complaint& c, const regions::RegionRegistry& regions) {
  if (c.category() == dv1::COMPLAINT_CATEGORY_UNSPECIFIED ||
      !dv1::ComplaintCategory_IsValid(c.category())) {
    return InvalidField("complaint.category", "required: one of the complaint categories");
  }
  if (c.channel() == dv1::CHANNEL_UNSPECIFIED || !dv1::Channel_IsValid(c.channel())) {
    return InvalidField("complaint.channel", "required: one of the channels");
  }
  GOV_RETURN_IF_ERROR(regions.Validate(c.region(), "complaint.region"));
  if (c.has_location()) {
    GOV_RETURN_IF_ERROR(regions::ValidateLocation(c.location(), "complaint.location"));
  }
  GOV_RETURN_IF_ERROR(ValidateText(c.address(), "complaint.address", kMaxAddress));
  GOV_RETURN_IF_ERROR(
      ValidateText(c.description(), "complaint.description", kMaxDescription, /*required=*/true));
  GOV_RETURN_IF_ERROR(
      ValidateText(c.reporter().name(), "complaint.reporter.name", kMaxReporterName));
  if (c.reporter().phone().size() > kMaxPhone) {
    return InvalidField("complaint.reporter.phone",
                        absl::StrCat("at most ", kMaxPhone, " characters"));
  }
  if (!c.reporter().phone().empty() && !PlausiblePhone(c.reporter().phone())) {
    return InvalidField("complaint.reporter.phone", "digits, '+', '-' and spaces only");
  }
  return absl::OkStatus();
}

// What a submission says: the caller's fields only (the output-only ones are ignored). Its
// serialization is the request hash's input, so a retry matches whatever the service added.
dv1::Complaint Submitted(const dv1::Complaint& in) {
  dv1::Complaint out;
  out.set_category(in.category());
  out.set_channel(in.channel());
  *out.mutable_region() = in.region();
  if (in.has_location()) *out.mutable_location() = in.location();
  out.set_address(in.address());
  out.set_description(in.description());
  if (in.has_reporter() && (!in.reporter().name().empty() || !in.reporter().phone().empty())) {
    *out.mutable_reporter() = in.reporter();
  }
  return out;
}

absl::StatusOr<dv1::Complaint> StoredComplaint(const store::CaseRecord& record) {
  dv1::Complaint complaint;
  if (!complaint.ParseFromString(record.payload)) {
    return absl::DataLossError(
        absl::StrCat("complaint ", record.id, ": stored payload is unreadable"));
  }
  return complaint;
}

std::optional<cases::GeoPoint> LocationOf(const store::CaseRecord& record) {
  dv1::Complaint complaint;
  if (!complaint.ParseFromString(record.payload) || !complaint.has_location()) return std::nullopt;
  return cases::GeoPoint{complaint.location().latitude(), complaint.location().longitude()};
}

// The complaint as the API shows it: the stored payload, with what the case owns (id, status,
// unit, region, intake time, clock, etag, history) taken from the case, and the reporter only
// when asked for.
absl::StatusOr<dv1::Complaint> ComplaintFromCase(const cases::Case& c, const Rules& rules,
                                                 bool with_reporter) {
  const store::CaseRecord& r = c.record;
  GOV_ASSIGN_OR_RETURN(dv1::Complaint complaint, StoredComplaint(r));
  complaint.set_id(r.id);
  complaint.set_status(
      EnumFromKey<dv1::ComplaintStatus>(r.status).value_or(dv1::COMPLAINT_STATUS_UNSPECIFIED));
  complaint.set_unit_id(r.unit_id);
  if (const dv1::Unit* unit = rules.FindUnit(r.unit_id); unit != nullptr) {
    complaint.set_unit_name(unit->name());
  }
  complaint.mutable_region()->set_street_id(r.street_id);
  complaint.mutable_region()->set_community_id(r.community_id);
  complaint.mutable_region()->set_grid_id(r.grid_id);
  if (r.due_time != absl::InfiniteFuture()) {
    *complaint.mutable_due_time() = ToTimestamp(r.due_time);
  } else {
    complaint.clear_due_time();
  }
  complaint.set_sla_breached(r.sla_breached);
  *complaint.mutable_submit_time() = ToTimestamp(r.create_time);
  complaint.set_etag(c.etag());
  complaint.clear_history();
  AppendCaseEvents(c.history, complaint.mutable_history());
  if (!with_reporter) complaint.clear_reporter();
  return complaint;
}

// A mutation of the stored complaint (the record's payload), applied by the engine after its
// checks.
cases::Mutation EditPayload(std::function<absl::Status(store::CaseRecord&, dv1::Complaint&)> edit) {
  return [edit = std::move(edit)](store::CaseRecord& record) -> absl::Status {
    GOV_ASSIGN_OR_RETURN(dv1::Complaint complaint, StoredComplaint(record));
    GOV_RETURN_IF_ERROR(edit(record, complaint));
    record.payload = SerializeStable(complaint);
    return absl::OkStatus();
  };
}

std::vector<std::string> InTimeResolveVerbs() {
  std::vector<std::string> out;
  for (const ResolveVerbs& v : kResolveVerbs) out.push_back(v.in_time);
  return out;
}

std::vector<std::string> AllResolveVerbs() {
  std::vector<std::string> out;
  for (const ResolveVerbs& v : kResolveVerbs) {
    out.push_back(v.in_time);
    out.push_back(v.late);
  }
  return out;
}

std::vector<std::string> ResolveVerbsFor(std::initializer_list<dv1::ResolutionOutcome> outcomes) {
  std::vector<std::string> out;
  for (const dv1::ResolutionOutcome outcome : outcomes) {
    const ResolveVerbs* v = VerbsOf(outcome);
    out.push_back(v->in_time);
    out.push_back(v->late);
  }
  return out;
}

}  // namespace

// The complaint state machine. The category's SLA (working days) runs from intake through
// DISPATCHED and HANDLING — redispatching and accepting keep the clock; a reopened complaint gets
// the rules' rework days; a resolution starts the callback clock ("op" is street_operator,
// "sys" the intake platforms; district_admin may take every verb):
//
// clang-format off
// | verb                 | from                          | to                       | clock     |
// |----------------------|-------------------------------|--------------------------|-----------|
// | (create)             |                               | DISPATCHED (category)    | new       |
// | (create, a repeat)   |                               | REPEAT                   | none      |
// | Redispatch           | DISPATCHED, HANDLING          | DISPATCHED               | keeps     |
// | Accept               | DISPATCHED                    | HANDLING                 | keeps     |
// | Resolve<Outcome>     | HANDLING                      | RESOLVED (callback)      | new       |
// | Resolve<Outcome>Late | HANDLING                      | RESOLVED (callback)      | new       |
// | CloseSatisfied       | RESOLVED                      | CLOSED                   | none      |
// | Reopen               | RESOLVED                      | HANDLING (rework)        | new       |
// | Merge                | DISPATCHED, HANDLING, RESOLVED| MERGED                   | none      |
// | RecordRepeat         | DISPATCHED, HANDLING, RESOLVED| (stays)                  | keeps     |
// clang-format on
//
// Every verb is for op and sys; the engine adds district_admin.
cases::TrackSpec ComplaintSpec(const Rules& rules) {
  cases::TrackSpec spec;
  spec.track = kTrack;
  spec.case_kind = "complaint";
  spec.id_prefix = "C";
  spec.initial_state = kDispatched;
  spec.other_create_states = {kRepeat};
  // DISPATCHED's clock is the category's, given to every complaint at intake (NewCase::sla);
  // the longest of them stands as the state's own.
  cal::Sla intake = cal::Sla::None();
  for (int c = dv1::ComplaintCategory_MIN; c <= dv1::ComplaintCategory_MAX; ++c) {
    if (c == dv1::COMPLAINT_CATEGORY_UNSPECIFIED || !dv1::ComplaintCategory_IsValid(c)) continue;
    const cal::Sla sla = rules.CategorySla(static_cast<dv1::ComplaintCategory>(c));
    if (!intake.active() || (sla.active() && sla.amount > intake.amount)) intake = sla;
  }
  spec.states = {
      {kDispatched, StateClass::kOpen, intake},
      {kHandling, StateClass::kOpen, rules.ReworkSla()},
      {kResolved, StateClass::kOpen, rules.CallbackSla()},
      {kClosed, StateClass::kClosed, cal::Sla::None()},
      {kRepeat, StateClass::kClosed, cal::Sla::None()},
      {kMerged, StateClass::kClosed, cal::Sla::None()},
  };
  const std::vector<std::string>& roles = WorkRoles();
  spec.transitions = {
      {kRedispatch, {kDispatched, kHandling}, kDispatched, roles, /*restart_sla=*/false},
      {kAccept, {kDispatched}, kHandling, roles, /*restart_sla=*/false},
  };
  for (const ResolveVerbs& v : kResolveVerbs) {
    spec.transitions.push_back({v.in_time, {kHandling}, kResolved, roles, /*restart_sla=*/true});
    spec.transitions.push_back({v.late, {kHandling}, kResolved, roles, /*restart_sla=*/true});
  }
  spec.transitions.push_back({kCloseSatisfied, {kResolved}, kClosed, roles, true});
  spec.transitions.push_back({kReopen, {kResolved}, kHandling, roles, true});
  spec.transitions.push_back({kMerge, OpenStatuses(), kMerged, roles, true});
  spec.transitions.push_back({kRecordRepeat, OpenStatuses(), "", roles, false});
  spec.create_roles = roles;
  return spec;
}

std::vector<indicators::IndicatorSpec> ComplaintIndicators() {
  const std::string health = CategoryKey(dv1::COMPLAINT_CATEGORY_HEALTH_SUPPLEMENT);
  const std::string prepaid = CategoryKey(dv1::COMPLAINT_CATEGORY_PREPAID_CARD);
  std::vector<indicators::IndicatorSpec> specs;
  // 保健品市场投诉有效处置率: health-supplement complaints taken in during the period that are
  // resolved or closed, over all of them but repeats and merged duplicates (handled in the
  // complaint they repeat); 100%.
  specs.push_back(
      {.id = "health_supplement_handled",
       .name_zh = "保健品市场投诉有效处置率",
       .name_en = "Health-supplement complaints handled",
       .unit = INDICATOR_UNIT_BASIS_POINTS,
       .direction = DIRECTION_HIGHER_IS_BETTER,
       .target_kind = TARGET_KIND_RATE,
       .target = 10000,
       .measure = indicators::Ratio(
           indicators::CasesInStatus({kResolved, kClosed}, {health}),
           indicators::CasesInStatus({kDispatched, kHandling, kResolved, kClosed}, {health}))});
  // 预付卡纠纷调解成功率: prepaid-card resolutions in the period that mediated the dispute, over
  // those that tried (mediated or failed); at least 50%.
  specs.push_back(
      {.id = "prepaid_mediation_success",
       .name_zh = "预付卡纠纷调解成功率",
       .name_en = "Prepaid-card mediation success",
       .unit = INDICATOR_UNIT_BASIS_POINTS,
       .direction = DIRECTION_HIGHER_IS_BETTER,
       .target_kind = TARGET_KIND_RATE,
       .target = 5000,
       .measure = indicators::Ratio(
           indicators::EventsWithAction(ResolveVerbsFor({dv1::RESOLUTION_OUTCOME_MEDIATED}),
                                        {prepaid}),
           indicators::EventsWithAction(ResolveVerbsFor({dv1::RESOLUTION_OUTCOME_MEDIATED,
                                                         dv1::RESOLUTION_OUTCOME_MEDIATION_FAILED}),
                                        {prepaid}))});
  // 预付卡重复投诉率: prepaid-card complaints taken in during the period that were repeats or
  // merged duplicates, over all prepaid-card complaints taken in; at most 4%.
  specs.push_back(
      {.id = "prepaid_repeat_rate",
       .name_zh = "预付卡重复投诉率",
       .name_en = "Prepaid-card repeat-complaint rate",
       .unit = INDICATOR_UNIT_BASIS_POINTS,
       .direction = DIRECTION_LOWER_IS_BETTER,
       .target_kind = TARGET_KIND_RATE,
       .target = 400,
       .measure = indicators::Ratio(indicators::CasesInStatus({kRepeat, kMerged}, {prepaid}),
                                    indicators::CasesOpened({prepaid}))});
  // 投诉按期办结率: resolutions in the period taken within the complaint's clock (the category's
  // days from intake, the rework days after a reopening), over all resolutions. The plan sets no
  // figure; 95% is the target, so that a month with a handful of late complaints out of hundreds
  // reads as at risk rather than failed, while a unit that lets one in twenty slip is off track.
  specs.push_back({.id = "resolved_within_sla",
                   .name_zh = "投诉按期办结率",
                   .name_en = "Complaints resolved within SLA",
                   .unit = INDICATOR_UNIT_BASIS_POINTS,
                   .direction = DIRECTION_HIGHER_IS_BETTER,
                   .target_kind = TARGET_KIND_RATE,
                   .target = 9500,
                   .measure = indicators::Ratio(indicators::EventsWithAction(InTimeResolveVerbs()),
                                                indicators::EventsWithAction(AllResolveVerbs()))});
  // 重复投诉率: complaints taken in during the period that were repeats or merged duplicates,
  // over all taken in; watched, no target.
  specs.push_back({.id = "repeat_rate",
                   .name_zh = "重复投诉率",
                   .name_en = "Repeat-complaint rate",
                   .unit = INDICATOR_UNIT_BASIS_POINTS,
                   .direction = DIRECTION_LOWER_IS_BETTER,
                   .target_kind = TARGET_KIND_UNSPECIFIED,
                   .target = 0,
                   .measure = indicators::Ratio(indicators::CasesInStatus({kRepeat, kMerged}),
                                                indicators::CasesOpened())});
  return specs;
}

indicators::RankingSpec ComplaintRankings(const Rules& rules) {
  indicators::RankingSpec spec;
  spec.dimensions = {
      governance::v1::RANKING_DIMENSION_STREET, governance::v1::RANKING_DIMENSION_COMMUNITY,
      governance::v1::RANKING_DIMENSION_CATEGORY, governance::v1::RANKING_DIMENSION_UNIT};
  spec.category_name = [](const std::string& key) {
    const std::optional<dv1::ComplaintCategory> category = EnumFromKey<dv1::ComplaintCategory>(key);
    return category.has_value() ? CategoryNameZh(*category) : key;
  };
  const Rules* r = &rules;
  spec.unit_name = [r](const std::string& key) {
    const dv1::Unit* unit = r->FindUnit(key);
    return unit == nullptr ? key : unit->name();
  };
  return spec;
}

struct Complaints::Impl {
  ComplaintsDeps deps;

  // Takes a complaint in (Submit, and the demo loader with a past intake time): validation,
  // routing, repeat detection, the idempotent create, and the repeat's mark on its original.
  absl::StatusOr<cases::Case> Create(const auth::Principal& who,
                                     const dv1::SubmitComplaintRequest& in,
                                     std::optional<absl::Time> occurred_at) {
    GOV_RETURN_IF_ERROR(ValidateRequestId(in.request_id(), "request_id"));
    GOV_RETURN_IF_ERROR(ValidateNewComplaint(in.complaint(), *deps.regions));
    dv1::Complaint stored = Submitted(in.complaint());
    const std::string& street = stored.region().street_id();
    if (!who.CanAccessStreet(street)) {
      return absl::PermissionDeniedError(
          absl::StrCat("street \"", street, "\" is outside the caller's scope"));
    }
    const std::string hash = cases::CaseEngine::RequestHash(SerializeStable(stored));
    const dv1::Unit* routed = deps.rules->Route(stored.category(), street);
    if (routed == nullptr) {
      return absl::InternalError(absl::StrCat("the routing table has no unit for ",
                                              CategoryKey(stored.category()), " on ", street));
    }

    cases::RepeatProbe probe;
    probe.track = kTrack;
    probe.category = CategoryKey(stored.category());
    probe.grid_id = stored.region().grid_id();
    if (stored.has_location()) {
      probe.location = cases::GeoPoint{stored.location().latitude(), stored.location().longitude()};
    }
    probe.at = occurred_at.value_or(deps.clock->Now());
    GOV_ASSIGN_OR_RETURN(
        const std::optional<store::CaseRecord> original,
        cases::FindRepeatOf(*deps.repo, probe, deps.rules->Repeats(OpenStatuses()), LocationOf));

    cases::NewCase input;
    input.category = probe.category;
    input.street_id = street;
    input.community_id = stored.region().community_id();
    input.grid_id = stored.region().grid_id();
    input.occurred_at = occurred_at;
    const std::string channel = EnumKey(stored.channel());
    if (original.has_value()) {
      // Handled in the complaint it repeats: closed at once, with that complaint's unit.
      input.state = kRepeat;
      input.unit_id = original->unit_id;
      stored.set_repeat_of(original->id);
      input.note = absl::StrCat("taken in via ", channel, "; a repeat of ", original->id);
    } else {
      input.unit_id = routed->id();
      input.sla = deps.rules->CategorySla(stored.category());
      input.note = absl::StrCat("taken in via ", channel, "; routed to ", routed->id(),
                                " by the routing table");
    }
    if (const dv1::Unit* unit = deps.rules->FindUnit(input.unit_id); unit != nullptr) {
      stored.set_unit_name(unit->name());
    }
    input.payload = SerializeStable(stored);
    GOV_ASSIGN_OR_RETURN(cases::Case c, deps.engine->Create(who, input, in.request_id(), hash));
    if (c.created && original.has_value()) RecordRepeatOn(original->id, c.record.id);
    return c;
  }

  // Marks the original with a "RecordRepeat" event naming the repeat, as the service. Best
  // effort: the repeat stands whatever happens here (it names its original itself); a failure is
  // logged.
  void RecordRepeatOn(const std::string& original_id, const std::string& repeat_id) {
    const auth::Principal actor = auth::SystemPrincipal(kIntakeActor);
    absl::Status last;
    for (int attempt = 0; attempt < kRecordRepeatAttempts; ++attempt) {
      absl::StatusOr<cases::Case> current =
          deps.engine->Get(actor, original_id, /*with_history=*/false);
      if (!current.ok()) {
        last = current.status();
        break;
      }
      last = deps.engine->Transition(actor, kRecordRepeat, original_id, current->etag(), repeat_id)
                 .status();
      if (!absl::IsAborted(last)) break;  // done, or nothing a retry would change
    }
    if (!last.ok()) {
      log::Warn("repeat not recorded on its original",
                {{"original", original_id}, {"repeat", repeat_id}, {"error", last.ToString()}});
    }
  }

  absl::StatusOr<dv1::Complaint> Move(const auth::Principal& who, const std::string& verb,
                                      const std::string& id, const std::string& etag,
                                      const std::string& note, const cases::Mutation& mutation) {
    GOV_ASSIGN_OR_RETURN(const cases::Case c,
                         deps.engine->Transition(who, verb, id, etag, note, mutation));
    return ComplaintFromCase(c, *deps.rules, /*with_reporter=*/false);
  }
};

Complaints::Complaints(const ComplaintsDeps& deps) : impl_(std::make_unique<Impl>()) {
  impl_->deps = deps;
}

Complaints::~Complaints() = default;

absl::Status Complaints::Submit(const auth::Principal& who, const dv1::SubmitComplaintRequest& in,
                                dv1::SubmitComplaintResponse* out) {
  GOV_ASSIGN_OR_RETURN(const cases::Case c, impl_->Create(who, in, std::nullopt));
  // The reporter is shown by GetComplaint only.
  GOV_ASSIGN_OR_RETURN(dv1::Complaint complaint,
                       ComplaintFromCase(cases::Case{c.record, {}}, *impl_->deps.rules,
                                         /*with_reporter=*/false));
  *out->mutable_complaint() = std::move(complaint);
  out->set_created(c.created);
  return absl::OkStatus();
}

absl::Status Complaints::Get(const auth::Principal& who, const dv1::GetComplaintRequest& in,
                             dv1::GetComplaintResponse* out) {
  GOV_RETURN_IF_ERROR(ValidateId(in.id(), "id"));
  GOV_ASSIGN_OR_RETURN(const cases::Case c,
                       impl_->deps.engine->Get(who, in.id(), /*with_history=*/true));
  // The engine checked the scope: the handling roles see the reporter of what they may read
  // (viewers read the complaint without it).
  GOV_ASSIGN_OR_RETURN(*out->mutable_complaint(),
                       ComplaintFromCase(c, *impl_->deps.rules, auth::WorksCases(who)));
  return absl::OkStatus();
}

absl::Status Complaints::List(const auth::Principal& who, const dv1::ListComplaintsRequest& in,
                              dv1::ListComplaintsResponse* out) {
  GOV_ASSIGN_OR_RETURN(const int size, cases::PageSize(in.page_size()));
  GOV_RETURN_IF_ERROR(
      impl_->deps.regions->Validate(in.region(), "region", /*require_street=*/false));
  cases::ListRequest request;
  store::CaseFilter& filter = request.filter;
  GOV_ASSIGN_OR_RETURN(filter.categories,
                       EnumFilterKeys<dv1::ComplaintCategory>(in.categories(), "categories",
                                                              "a complaint category"));
  GOV_ASSIGN_OR_RETURN(filter.statuses, EnumFilterKeys<dv1::ComplaintStatus>(
                                            in.statuses(), "statuses", "a complaint status"));
  if (!in.unit_id().empty() && impl_->deps.rules->FindUnit(in.unit_id()) == nullptr) {
    return InvalidField("unit_id", "not a unit of the rules file (see ListUnits)");
  }
  GOV_RETURN_IF_ERROR(cases::FilterByPeriod(in.period(), impl_->deps.clock->Now(), filter));
  filter.street_id = in.region().street_id();
  filter.community_id = in.region().community_id();
  filter.grid_id = in.region().grid_id();
  filter.unit_id = in.unit_id();
  filter.sla_breached_only = in.breached_only();
  request.page_size = size;
  request.page_token = in.page_token();
  GOV_ASSIGN_OR_RETURN(cases::ListResult page, impl_->deps.engine->List(who, std::move(request)));
  for (const cases::Case& c : page.cases) {
    GOV_ASSIGN_OR_RETURN(*out->add_complaints(),
                         ComplaintFromCase(c, *impl_->deps.rules, /*with_reporter=*/false));
  }
  out->set_next_page_token(std::move(page.next_page_token));
  return absl::OkStatus();
}

absl::Status Complaints::Redispatch(const auth::Principal& who,
                                    const dv1::RedispatchComplaintRequest& in,
                                    dv1::RedispatchComplaintResponse* out) {
  GOV_RETURN_IF_ERROR(ValidateId(in.id(), "id"));
  if (in.unit_id().empty()) return InvalidField("unit_id", "required");
  const dv1::Unit* unit = impl_->deps.rules->FindUnit(in.unit_id());
  if (unit == nullptr)
    return InvalidField("unit_id", "not a unit of the rules file (see ListUnits)");
  GOV_RETURN_IF_ERROR(ValidateText(in.reason(), "reason", kMaxReason, /*required=*/true));
  const cases::Mutation mutation = EditPayload([unit](store::CaseRecord& record,
                                                      dv1::Complaint& complaint) -> absl::Status {
    if (record.unit_id == unit->id()) {
      return FieldError(absl::StatusCode::kFailedPrecondition, "unit_id",
                        absl::StrCat("complaint ", record.id, " is with ", unit->id(), " already"));
    }
    record.unit_id = unit->id();
    complaint.set_unit_name(unit->name());
    return absl::OkStatus();
  });
  GOV_ASSIGN_OR_RETURN(*out->mutable_complaint(),
                       impl_->Move(who, kRedispatch, in.id(), in.etag(),
                                   absl::StrCat("to ", unit->id(), ": ", in.reason()), mutation));
  return absl::OkStatus();
}

absl::Status Complaints::Accept(const auth::Principal& who, const dv1::AcceptComplaintRequest& in,
                                dv1::AcceptComplaintResponse* out) {
  GOV_RETURN_IF_ERROR(ValidateId(in.id(), "id"));
  GOV_ASSIGN_OR_RETURN(*out->mutable_complaint(),
                       impl_->Move(who, kAccept, in.id(), in.etag(), "", nullptr));
  return absl::OkStatus();
}

absl::Status Complaints::Resolve(const auth::Principal& who, const dv1::ResolveComplaintRequest& in,
                                 dv1::ResolveComplaintResponse* out) {
  GOV_RETURN_IF_ERROR(ValidateId(in.id(), "id"));
  const ResolveVerbs* verbs = VerbsOf(in.outcome());
  if (verbs == nullptr) return InvalidField("outcome", "required: one of the outcomes");
  GOV_RETURN_IF_ERROR(
      ValidateText(in.resolution(), "resolution", kMaxResolution, /*required=*/true));
  if (in.etag().empty()) return InvalidField("etag", "required");
  // The verb depends on the record the etag names: the store's, read here; the mutation refuses
  // to go on when the engine's record is another version. From another state than HANDLING the
  // engine refuses the in-time verb (FAILED_PRECONDITION).
  GOV_ASSIGN_OR_RETURN(const store::CaseRecord current, impl_->deps.repo->GetCase(kTrack, in.id()));
  const absl::Time now = impl_->deps.clock->Now();
  const bool late = current.status == kHandling && (current.sla_breached || now > current.due_time);
  const int64_t version = current.version;
  const dv1::ResolutionOutcome outcome = in.outcome();
  const std::string& resolution = in.resolution();
  const cases::Mutation mutation = EditPayload(
      [&, version](store::CaseRecord& record, dv1::Complaint& complaint) -> absl::Status {
        if (record.version != version) {
          return absl::AbortedError(
              absl::StrCat("complaint ", record.id, " changed meanwhile; read it again"));
        }
        if (IsMediationOutcome(outcome) &&
            record.category != CategoryKey(dv1::COMPLAINT_CATEGORY_PREPAID_CARD)) {
          return InvalidField("outcome",
                              "MEDIATED and MEDIATION_FAILED are for prepaid-card complaints only");
        }
        complaint.set_resolution(resolution);
        complaint.set_outcome(outcome);
        complaint.set_resolved_in_time(!late);
        return absl::OkStatus();
      });
  GOV_ASSIGN_OR_RETURN(
      *out->mutable_complaint(),
      impl_->Move(who, late ? verbs->late : verbs->in_time, in.id(), in.etag(), "", mutation));
  return absl::OkStatus();
}

absl::Status Complaints::Callback(const auth::Principal& who, const dv1::RecordCallbackRequest& in,
                                  dv1::RecordCallbackResponse* out) {
  GOV_RETURN_IF_ERROR(ValidateId(in.id(), "id"));
  const dv1::Satisfaction satisfaction = in.satisfaction();
  if (satisfaction == dv1::SATISFACTION_UNSPECIFIED || !dv1::Satisfaction_IsValid(satisfaction)) {
    return InvalidField("satisfaction", "required: one of the verdicts");
  }
  GOV_RETURN_IF_ERROR(ValidateText(in.note(), "note", kMaxCallbackNote));
  const bool reopen = satisfaction == dv1::SATISFACTION_UNSATISFIED;
  const cases::Mutation mutation = EditPayload(
      [satisfaction, reopen](store::CaseRecord&, dv1::Complaint& complaint) -> absl::Status {
        complaint.set_satisfaction(satisfaction);
        if (reopen) complaint.set_reopen_count(complaint.reopen_count() + 1);
        return absl::OkStatus();
      });
  GOV_ASSIGN_OR_RETURN(*out->mutable_complaint(),
                       impl_->Move(who, reopen ? kReopen : kCloseSatisfied, in.id(), in.etag(),
                                   in.note(), mutation));
  return absl::OkStatus();
}

absl::Status Complaints::Merge(const auth::Principal& who, const dv1::MergeComplaintRequest& in,
                               dv1::MergeComplaintResponse* out) {
  GOV_RETURN_IF_ERROR(ValidateId(in.id(), "id"));
  GOV_RETURN_IF_ERROR(ValidateId(in.into_id(), "into_id"));
  if (in.into_id() == in.id()) {
    return InvalidField("into_id", "a complaint cannot be merged into itself");
  }
  // The complaint merged into is looked up after the engine checked role, scope, etag and state
  // of the duplicate, as the caller: one outside the caller's scope is refused.
  cases::CaseEngine* engine = impl_->deps.engine;
  const std::string& into_id = in.into_id();
  const cases::Mutation mutation =
      EditPayload([&who, engine, &into_id](store::CaseRecord& record,
                                           dv1::Complaint& complaint) -> absl::Status {
        absl::StatusOr<cases::Case> into = engine->Get(who, into_id, /*with_history=*/false);
        if (absl::IsNotFound(into.status())) {
          return InvalidField("into_id", absl::StrCat("unknown complaint \"", into_id, "\""));
        }
        if (absl::IsPermissionDenied(into.status())) {
          return FieldError(absl::StatusCode::kPermissionDenied, "into_id",
                            absl::StrCat("complaint ", into_id, " is outside the caller's scope"));
        }
        if (!into.ok()) return into.status();
        const store::CaseRecord& target = into->record;
        if (target.category != record.category) {
          return InvalidField("into_id", absl::StrCat("complaint ", into_id, " is of category ",
                                                      target.category, ", not ", record.category));
        }
        if (target.status == kMerged || target.status == kRepeat) {
          return FieldError(absl::StatusCode::kFailedPrecondition, "into_id",
                            absl::StrCat("complaint ", into_id, " is itself ", target.status,
                                         "; merge into the complaint it belongs to"));
        }
        complaint.set_merged_into(into_id);
        return absl::OkStatus();
      });
  GOV_ASSIGN_OR_RETURN(
      *out->mutable_complaint(),
      impl_->Move(who, kMerge, in.id(), in.etag(), absl::StrCat("into ", into_id), mutation));
  return absl::OkStatus();
}

absl::Status Complaints::Units(const auth::Principal&, const dv1::ListUnitsRequest&,
                               dv1::ListUnitsResponse* out) {
  // Every caller (the method's declared access): the units are a public directory.
  std::vector<dv1::Unit> units = impl_->deps.rules->units();
  std::sort(units.begin(), units.end(),
            [](const dv1::Unit& a, const dv1::Unit& b) { return a.id() < b.id(); });
  for (dv1::Unit& unit : units) *out->add_units() = std::move(unit);
  return absl::OkStatus();
}

// ---- Demo data ----

namespace {

using Rng = std::mt19937_64;

// The principal the demo takes complaints in and moves them as (the intake platform).
constexpr char kDemoActor[] = "disorder-demo";
// Days back from today the demo covers: two years.
constexpr int kDemoSpanDays = 730;
// Complaints a day across the district before repeats and duplicates.
constexpr double kDemoPerDay = 3.2;
// Streets load side by side (a street's complaints in order, so that a repeat finds the
// complaint it repeats); the store commits concurrent writes together.
constexpr int kDemoWorkers = 8;

// A seed from a text, the same on every platform and run.
uint64_t StableSeed(std::string_view text) {
  const std::string digest = Sha256(text);
  uint64_t seed = 0;
  for (size_t i = 0; i < 8 && i < digest.size(); ++i) {
    seed = (seed << 8) | static_cast<unsigned char>(digest[i]);
  }
  return seed;
}

int Uniform(Rng& rng, int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); }

template <typename T>
T Weighted(Rng& rng, const std::vector<std::pair<T, int>>& choices) {
  int total = 0;
  for (const auto& c : choices) total += c.second;
  int pick = Uniform(rng, 0, total - 1);
  for (const auto& c : choices) {
    if (pick < c.second) return c.first;
    pick -= c.second;
  }
  return choices.back().first;
}

struct DemoCategory {
  dv1::ComplaintCategory category;
  int weight;      // share of the complaints
  int repeat_pct;  // share followed by a repeat within the window
  bool visual;     // seen by City Eye cameras
  const char* texts[3];
};

const std::vector<DemoCategory>& DemoCategories() {
  static const auto* categories = new std::vector<DemoCategory>{
      {dv1::COMPLAINT_CATEGORY_MUCK_TRUCK,
       6,
       5,
       true,
       {"渣土车沿路抛洒，路面泥土较多", "夜间渣土车超速行驶，噪声大", "渣土车未密闭运输"}},
      {dv1::COMPLAINT_CATEGORY_COOKING_FUMES,
       14,
       12,
       false,
       {"饭店油烟直排，影响楼上住户", "烧烤店油烟扰民", "餐馆油烟净化器未开启"}},
      {dv1::COMPLAINT_CATEGORY_HEALTH_SUPPLEMENT,
       5,
       4,
       false,
       {"有人在小区向老人推销保健品", "保健品讲座夸大宣传", "老人高价购买保健品，家属投诉"}},
      {dv1::COMPLAINT_CATEGORY_UNLICENSED_BUSINESS,
       10,
       5,
       false,
       {"无证经营小作坊", "无照经营的维修店占道", "住宅楼内无证经营餐饮"}},
      {dv1::COMPLAINT_CATEGORY_MOBILE_STALL,
       14,
       9,
       true,
       {"流动摊贩占道经营", "学校门口流动摊贩聚集", "夜市摊贩占用人行道"}},
      {dv1::COMPLAINT_CATEGORY_STREET_APPEARANCE,
       16,
       5,
       true,
       {"路边垃圾堆放未清理", "店招破损存在隐患", "乱贴小广告"}},
      {dv1::COMPLAINT_CATEGORY_NON_MOTOR_PARKING,
       12,
       6,
       true,
       {"共享单车乱停放堵塞人行道", "电动车停放占用盲道", "地铁口非机动车停放混乱"}},
      {dv1::COMPLAINT_CATEGORY_NOISE,
       12,
       10,
       false,
       {"夜间施工噪声扰民", "广场舞音响声音过大", "商铺外放音乐扰民"}},
      {dv1::COMPLAINT_CATEGORY_PREPAID_CARD,
       6,
       3,
       false,
       {"健身房关门，预付卡无法退费", "理发店预付卡拒绝退款", "培训机构停业，预付学费未退"}},
      {dv1::COMPLAINT_CATEGORY_CONSTRUCTION_SITE,
       5,
       4,
       false,
       {"工地拖欠农民工工资", "工地围挡不规范、扬尘大", "工地夜间违规施工"}},
  };
  return *categories;
}

const char* kSurnames[] = {"王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴"};

// The plan of one demo complaint: how it was taken in, and how far it gets.
struct DemoComplaint {
  dv1::SubmitComplaintRequest request;
  absl::Time at;
  // How far its lifecycle goes (see DemoNext): accepted, resolved this many times (once, or
  // again after each reopening), and the callbacks in order (unsatisfied ones reopen).
  bool accept = false;
  int resolutions = 0;
  std::vector<dv1::Satisfaction> callbacks;
  dv1::ResolutionOutcome outcome = dv1::RESOLUTION_OUTCOME_RESOLVED;
  // A duplicate the detection misses (no grid, no coordinates): the request id of the
  // complaint it is merged into.
  std::string merge_into;
};

// Coordinates of a place in a street: streets lie apart, communities and grids in blocks.
governance::v1::GeoPoint DemoPoint(int street, int community, int grid, Rng& rng) {
  governance::v1::GeoPoint p;
  const double jitter_lat = (Uniform(rng, 0, 1000) - 500) * 0.0000012;  // about +-65 m
  const double jitter_lng = (Uniform(rng, 0, 1000) - 500) * 0.0000014;
  p.set_latitude(30.20 + 0.03 * (street / 4) + 0.004 * (community / 4) + 0.0009 * (grid + 1) +
                 jitter_lat);
  p.set_longitude(120.10 + 0.04 * (street % 4) + 0.005 * (community % 4) + jitter_lng);
  return p;
}

dv1::ResolutionOutcome DemoOutcome(dv1::ComplaintCategory category, Rng& rng) {
  using O = dv1::ResolutionOutcome;
  switch (category) {
    case dv1::COMPLAINT_CATEGORY_PREPAID_CARD:
      return Weighted<O>(rng, {{dv1::RESOLUTION_OUTCOME_MEDIATED, 60},
                               {dv1::RESOLUTION_OUTCOME_MEDIATION_FAILED, 30},
                               {dv1::RESOLUTION_OUTCOME_RESOLVED, 10}});
    case dv1::COMPLAINT_CATEGORY_HEALTH_SUPPLEMENT:
    case dv1::COMPLAINT_CATEGORY_UNLICENSED_BUSINESS:
    case dv1::COMPLAINT_CATEGORY_MOBILE_STALL:
      return Weighted<O>(rng, {{dv1::RESOLUTION_OUTCOME_PENALISED, 45},
                               {dv1::RESOLUTION_OUTCOME_RESOLVED, 45},
                               {dv1::RESOLUTION_OUTCOME_UNFOUNDED, 10}});
    default:
      return Weighted<O>(rng, {{dv1::RESOLUTION_OUTCOME_RESOLVED, 80},
                               {dv1::RESOLUTION_OUTCOME_PENALISED, 10},
                               {dv1::RESOLUTION_OUTCOME_UNFOUNDED, 10}});
  }
}

// How far a complaint taken in `age_days` ago gets, from its request id (the same on every
// run): recent ones are still being handled; older ones are mostly closed after a satisfied
// callback, some after one or two reopenings, a few still wait for their callback or work.
void PlanLifecycle(DemoComplaint& c, int age_days) {
  Rng rng(StableSeed(c.request.request_id()));
  c.outcome = DemoOutcome(c.request.complaint().category(), rng);
  const int roll = Uniform(rng, 0, 99);
  const bool health = c.request.complaint().category() == dv1::COMPLAINT_CATEGORY_HEALTH_SUPPLEMENT;
  auto closed = [&](int reopenings) {
    c.accept = true;
    c.resolutions = reopenings + 1;
    c.callbacks.assign(reopenings, dv1::SATISFACTION_UNSATISFIED);
    c.callbacks.push_back(Uniform(rng, 0, 9) < 7 ? dv1::SATISFACTION_SATISFIED
                                                 : dv1::SATISFACTION_BASICALLY_SATISFIED);
  };
  if (age_days < 2) {
    c.accept = roll >= 50;  // the rest wait at DISPATCHED
    return;
  }
  if (age_days < 10) {
    if (roll < 10) {
      c.accept = true;  // still being handled
    } else if (roll < 40) {
      c.accept = true;
      c.resolutions = 1;  // the callback is due
    } else {
      closed(0);
    }
    return;
  }
  if (roll < 2 && !health) {
    c.accept = true;  // left in HANDLING: overdue
  } else if (roll < 4) {
    c.accept = true;
    c.resolutions = 1;
  } else if (roll < 6) {
    // Reopened after an unsatisfied callback and being reworked.
    c.accept = true;
    c.resolutions = 1;
    c.callbacks = {dv1::SATISFACTION_UNSATISFIED};
  } else if (roll < 14) {
    closed(1);
  } else if (roll < 16) {
    closed(2);
  } else {
    closed(0);
  }
}

// The complaints of one street, oldest first.
std::vector<DemoComplaint> PlanStreet(const governance::config::v1::Street& street, int s,
                                      double rate, absl::CivilDay first, absl::CivilDay today,
                                      absl::Time now) {
  const auto& categories = DemoCategories();
  std::vector<DemoComplaint> out;
  double accumulated = UnitInterval(Seed(-1, s, 0));
  for (absl::CivilDay day = first; day <= today; ++day) {
    const double before = accumulated;
    accumulated += rate * (0.7 + 0.6 * UnitInterval(Seed(day - first, s, 1)));
    const int count = static_cast<int>(std::floor(accumulated) - std::floor(before));
    for (int k = 0; k < count; ++k) {
      Rng rng(Seed(day - absl::CivilDay(2020, 1, 1), s, 100 + k));
      std::vector<std::pair<int, int>> weights;
      for (size_t i = 0; i < categories.size(); ++i) {
        weights.push_back({static_cast<int>(i), categories[i].weight});
      }
      const DemoCategory& category = categories[Weighted(rng, weights)];
      dv1::Channel channel = Weighted<dv1::Channel>(rng, {{dv1::CHANNEL_HOTLINE, 45},
                                                          {dv1::CHANNEL_GRID_MEMBER, 25},
                                                          {dv1::CHANNEL_APP, 20},
                                                          {dv1::CHANNEL_CITY_EYE, 10}});
      if (channel == dv1::CHANNEL_CITY_EYE && !category.visual) channel = dv1::CHANNEL_HOTLINE;
      if (category.category == dv1::COMPLAINT_CATEGORY_COOKING_FUMES && Uniform(rng, 0, 9) < 2) {
        channel = dv1::CHANNEL_MONITORING;  // the fume monitors
      }
      const int hour = Uniform(rng, 7, 21);
      const absl::Time at =
          absl::FromCivil(absl::CivilSecond(day.year(), day.month(), day.day(), hour,
                                            Uniform(rng, 0, 59), Uniform(rng, 0, 59)),
                          cal::DistrictZone());

      DemoComplaint c;
      c.at = at;
      c.request.set_request_id(absl::StrFormat("demo-%04d%02d%02d-%s-%d", day.year(), day.month(),
                                               day.day(), street.id(), k));
      dv1::Complaint& complaint = *c.request.mutable_complaint();
      complaint.set_category(category.category);
      complaint.set_channel(channel);
      complaint.mutable_region()->set_street_id(street.id());
      std::string place = street.name();
      int community_index = -1;
      int grid_index = -1;
      const bool repeated = Uniform(rng, 0, 99) < category.repeat_pct;
      if (street.communities_size() > 0) {
        community_index = Uniform(rng, 0, street.communities_size() - 1);
        const auto& community = street.communities(community_index);
        complaint.mutable_region()->set_community_id(community.id());
        place = community.name();
        if (community.grids_size() > 0 && (repeated || Uniform(rng, 0, 99) < 70)) {
          grid_index = Uniform(rng, 0, community.grids_size() - 1);
          complaint.mutable_region()->set_grid_id(community.grids(grid_index));
        }
      }
      const bool located = channel == dv1::CHANNEL_APP || channel == dv1::CHANNEL_CITY_EYE ||
                           channel == dv1::CHANNEL_MONITORING || Uniform(rng, 0, 99) < 20;
      if (located) {
        *complaint.mutable_location() =
            DemoPoint(s, std::max(community_index, 0), std::max(grid_index, 0), rng);
      }
      complaint.set_address(absl::StrCat(place, "演示路", Uniform(rng, 1, 299), "号附近"));
      complaint.set_description(absl::StrCat(category.texts[Uniform(rng, 0, 2)], "（演示数据）"));
      if (channel == dv1::CHANNEL_HOTLINE || channel == dv1::CHANNEL_APP) {
        complaint.mutable_reporter()->set_name(
            absl::StrCat(kSurnames[Uniform(rng, 0, 9)], Uniform(rng, 0, 1) ? "先生" : "女士"));
        complaint.mutable_reporter()->set_phone(
            absl::StrFormat("13%d%08d", Uniform(rng, 0, 9), Uniform(rng, 0, 99999999)));
      }
      const bool duplicated = !repeated && community_index >= 0 && Uniform(rng, 0, 199) < 3;
      const int follow_days = repeated ? Uniform(rng, 1, 25) : Uniform(rng, 0, 3);
      const int follow_minutes = Uniform(rng, 30, 600);
      const int follow_channel = Uniform(rng, 0, 2);
      if (at < now) out.push_back(c);

      if (!repeated && !duplicated) continue;
      // The same matter reported again: at the same place (a repeat the detection links) or,
      // for a duplicate, in the same community without grid or coordinates (merged by hand).
      DemoComplaint again = c;
      again.at = at + absl::Hours(24 * follow_days) + absl::Minutes(follow_minutes);
      if (again.at >= now || cal::LocalDay(again.at) > today) continue;
      again.request.set_request_id(
          absl::StrCat(c.request.request_id(), repeated ? "-repeat" : "-duplicate"));
      dv1::Complaint& next = *again.request.mutable_complaint();
      next.set_channel(follow_channel == 0 ? dv1::CHANNEL_APP : dv1::CHANNEL_HOTLINE);
      if (!category.visual && next.channel() == dv1::CHANNEL_APP) {
        next.set_channel(dv1::CHANNEL_HOTLINE);
      }
      next.set_description(
          absl::StrCat("再次反映：", category.texts[follow_channel], "（演示数据）"));
      if (repeated) {
        if (next.has_location()) {
          // A few metres from the first report.
          next.mutable_location()->set_latitude(next.location().latitude() + 0.00008);
        }
      } else {
        next.mutable_region()->clear_grid_id();
        next.clear_location();
        again.merge_into = c.request.request_id();
      }
      out.push_back(std::move(again));
    }
  }
  std::sort(out.begin(), out.end(), [](const DemoComplaint& a, const DemoComplaint& b) {
    return a.at != b.at ? a.at < b.at : a.request.request_id() < b.request.request_id();
  });
  for (DemoComplaint& c : out) PlanLifecycle(c, static_cast<int>(today - cal::LocalDay(c.at)));
  return out;
}

struct DemoCounts {
  std::atomic<int64_t> planned{0};
  std::atomic<int64_t> created{0};
  std::atomic<int64_t> replayed{0};
  std::atomic<int64_t> conflicts{0};
  std::atomic<int64_t> repeats{0};
  std::atomic<int64_t> merged{0};
  std::atomic<int64_t> steps{0};
};

// Takes a demo complaint one step towards its plan; false when it is there (or closed).
absl::StatusOr<bool> DemoNext(Complaints& complaints, const auth::Principal& actor,
                              const DemoComplaint& plan, const std::string& merge_into_id,
                              const dv1::Complaint& now, dv1::Complaint* next) {
  const int reopened = now.reopen_count();
  switch (now.status()) {
    case dv1::COMPLAINT_STATUS_DISPATCHED:
    case dv1::COMPLAINT_STATUS_HANDLING:
    case dv1::COMPLAINT_STATUS_RESOLVED:
      if (!merge_into_id.empty()) {
        dv1::MergeComplaintRequest request;
        request.set_id(now.id());
        request.set_etag(now.etag());
        request.set_into_id(merge_into_id);
        dv1::MergeComplaintResponse response;
        GOV_RETURN_IF_ERROR(complaints.Merge(actor, request, &response));
        *next = std::move(*response.mutable_complaint());
        return true;
      }
      break;
    default:
      return false;
  }
  if (now.status() == dv1::COMPLAINT_STATUS_DISPATCHED && plan.accept) {
    dv1::AcceptComplaintRequest request;
    request.set_id(now.id());
    request.set_etag(now.etag());
    dv1::AcceptComplaintResponse response;
    GOV_RETURN_IF_ERROR(complaints.Accept(actor, request, &response));
    *next = std::move(*response.mutable_complaint());
    return true;
  }
  if (now.status() == dv1::COMPLAINT_STATUS_HANDLING && reopened < plan.resolutions) {
    dv1::ResolveComplaintRequest request;
    request.set_id(now.id());
    request.set_etag(now.etag());
    request.set_outcome(plan.outcome);
    request.set_resolution(reopened == 0 ? "已到现场处置，问题已解决（演示数据）"
                                         : "复查后再次处置，问题已解决（演示数据）");
    dv1::ResolveComplaintResponse response;
    GOV_RETURN_IF_ERROR(complaints.Resolve(actor, request, &response));
    *next = std::move(*response.mutable_complaint());
    return true;
  }
  if (now.status() == dv1::COMPLAINT_STATUS_RESOLVED &&
      reopened < static_cast<int>(plan.callbacks.size())) {
    dv1::RecordCallbackRequest request;
    request.set_id(now.id());
    request.set_etag(now.etag());
    request.set_satisfaction(plan.callbacks[reopened]);
    request.set_note(plan.callbacks[reopened] == dv1::SATISFACTION_UNSATISFIED
                         ? "投诉人反映问题仍然存在（演示数据）"
                         : "投诉人认可处置结果（演示数据）");
    dv1::RecordCallbackResponse response;
    GOV_RETURN_IF_ERROR(complaints.Callback(actor, request, &response));
    *next = std::move(*response.mutable_complaint());
    return true;
  }
  return false;
}

}  // namespace

// The demo takes a street's complaints in oldest first at their past intake times (so that a
// repeat finds the complaint it repeats still open), then moves each towards its plan at the
// real "now": a restart replays the intake (request ids) and carries on from where each
// complaint stands.
absl::Status LoadComplaintDemoData(Complaints& complaints, const ComplaintsDeps& deps) {
  const absl::Time now = deps.clock->Now();
  const absl::CivilDay today = cal::LocalDay(now);
  const absl::CivilDay first = today - kDemoSpanDays;
  const auto& streets = deps.regions->streets();
  int total_communities = 0;
  for (const auto* street : streets) total_communities += std::max(street->communities_size(), 1);
  const auth::Principal actor = auth::SystemPrincipal(kDemoActor);
  DemoCounts counts;

  const absl::Status status =
      ParallelFor(static_cast<int>(streets.size()), kDemoWorkers, [&](int, int s) -> absl::Status {
        const double rate = kDemoPerDay * std::max(streets[s]->communities_size(), 1) /
                            std::max(total_communities, 1);
        const std::vector<DemoComplaint> plans =
            PlanStreet(*streets[s], s, rate, first, today, now);
        counts.planned += static_cast<int64_t>(plans.size());
        // Intake, oldest first.
        std::vector<std::optional<dv1::Complaint>> taken(plans.size());
        absl::flat_hash_map<std::string, std::string> ids;  // request id -> complaint id
        for (size_t i = 0; i < plans.size(); ++i) {
          absl::StatusOr<cases::Case> c =
              complaints.impl_->Create(actor, plans[i].request, plans[i].at);
          if (absl::IsAlreadyExists(c.status())) {
            // Stored with other content by an older version of this loader: left as it is.
            counts.conflicts++;
            continue;
          }
          if (!c.ok()) return c.status();
          (c->created ? counts.created : counts.replayed)++;
          GOV_ASSIGN_OR_RETURN(taken[i], ComplaintFromCase(cases::Case{c->record, {}}, *deps.rules,
                                                           /*with_reporter=*/false));
          ids[plans[i].request.request_id()] = c->record.id;
          if (taken[i]->status() == dv1::COMPLAINT_STATUS_REPEAT) counts.repeats++;
        }
        // Lifecycles.
        for (size_t i = 0; i < plans.size(); ++i) {
          if (!taken[i].has_value()) continue;
          std::string merge_into;
          if (!plans[i].merge_into.empty()) {
            auto it = ids.find(plans[i].merge_into);
            if (it != ids.end()) merge_into = it->second;
          }
          dv1::Complaint current = *taken[i];
          for (;;) {
            dv1::Complaint next;
            absl::StatusOr<bool> stepped =
                DemoNext(complaints, actor, plans[i], merge_into, current, &next);
            if (!stepped.ok() && !merge_into.empty() &&
                absl::IsFailedPrecondition(stepped.status())) {
              // The complaint it duplicates became a repeat itself: handled on its own.
              merge_into.clear();
              continue;
            }
            if (absl::IsAborted(stepped.status())) {
              // Changed since it was read (a later repeat recorded on it): read it again.
              dv1::GetComplaintRequest get;
              get.set_id(current.id());
              dv1::GetComplaintResponse read;
              GOV_RETURN_IF_ERROR(complaints.Get(actor, get, &read));
              current = std::move(*read.mutable_complaint());
              continue;
            }
            if (!stepped.ok()) return stepped.status();
            if (!*stepped) break;
            if (next.status() == dv1::COMPLAINT_STATUS_MERGED) counts.merged++;
            counts.steps++;
            current = std::move(next);
          }
        }
        return absl::OkStatus();
      });
  GOV_RETURN_IF_ERROR(status);
  log::Info("disorder demo data loaded", {{"planned", absl::StrCat(counts.planned.load())},
                                          {"created", absl::StrCat(counts.created.load())},
                                          {"replayed", absl::StrCat(counts.replayed.load())},
                                          {"conflicting", absl::StrCat(counts.conflicts.load())},
                                          {"repeats", absl::StrCat(counts.repeats.load())},
                                          {"merged", absl::StrCat(counts.merged.load())},
                                          {"steps", absl::StrCat(counts.steps.load())},
                                          {"now", absl::FormatTime(now)}});
  return absl::OkStatus();
}

}  // namespace gov::disorder
