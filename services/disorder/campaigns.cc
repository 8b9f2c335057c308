#include "services/disorder/campaigns.h"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "common/cases/case_kind.h"
#include "common/cases/list_request.h"
#include "common/cases/page_token.h"
#include "common/indicators/indicators.h"
#include "common/util/proto.h"
#include "common/util/status.h"
#include "common/util/validate.h"
#include "services/disorder/kinds.h"
#include "services/disorder/objects.h"
#include "services/disorder/validation.h"

// A campaign is a case of the store track "disorder_campaign" (CampaignSpec): its record's
// category is the campaign's category key, its street the street every target area lies in, or
// "" (district-wide) when the areas span streets; the payload is the Campaign without what the
// record owns (CampaignKind) and without the effect, which is computed on reading.
//
// Campaigns are district plans: every caller reads every campaign, whatever its streets, and a
// caller of some streets runs only those whose target areas all lie in them. A case has one
// street to the engine, a campaign several: the part checks the target areas against the
// caller's own streets itself (on planning, and on every step in the step's mutation, on the
// campaign the engine writes) and has the engine act for the caller district-wide. The engine
// checks everything else: the roles of each verb (as data, CampaignSpec), the etag (ABORTED),
// the state (FAILED_PRECONDITION), idempotent planning by request id, and the history.
namespace gov::disorder {
namespace {

using cases::StateClass;

// The states (CampaignStatus keys).
constexpr char kPlanned[] = "PLANNED";
constexpr char kUnderWay[] = "UNDER_WAY";
constexpr char kCompleted[] = "COMPLETED";
constexpr char kCancelled[] = "CANCELLED";

// The verbs.
constexpr char kStart[] = "Start";
constexpr char kComplete[] = "Complete";
constexpr char kCancel[] = "Cancel";

constexpr size_t kMaxReason = 500;
// Campaigns read at a time by a list.

// Who plans and runs campaigns: the platforms (system) and street operators, for campaigns
// within their streets; district_admin always may (the engine's rule).
const std::vector<std::string>& WorkRoles() {
  static const auto* roles = new std::vector<std::string>{auth::kSystem, auth::kStreetOperator};
  return *roles;
}

// The caller as the engine sees it: its roles and id, district-wide (see above).
auth::Principal DistrictWide(const auth::Principal& who) {
  auth::Principal wide = who;
  wide.streets.clear();
  return wide;
}

// A caller of some streets only runs campaigns whose target areas all lie in them
// (PERMISSION_DENIED naming the first street outside).
absl::Status CheckAreasInScope(const auth::Principal& who, const dv1::Campaign& c) {
  for (const governance::v1::RegionRef& area : c.target_areas()) {
    GOV_RETURN_IF_ERROR(registry::CheckStreet(who, area.street_id()));
  }
  return absl::OkStatus();
}

// The street every target area lies in, or "" when they span streets.
std::string CaseStreet(const dv1::Campaign& c) {
  if (c.target_areas().empty()) return "";
  const std::string& first = c.target_areas(0).street_id();
  for (const governance::v1::RegionRef& area : c.target_areas()) {
    if (area.street_id() != first) return "";
  }
  return first;
}

// "R-000042" before "R-000043"; a longer number is a larger one.
bool IdBefore(const std::string& a, const std::string& b) {
  return a.size() != b.size() ? a.size() < b.size() : a < b;
}

// The days of a month, by the calendar's periods.
cal::DayRange MonthDays(absl::CivilMonth month, absl::Time now) {
  return cal::Resolve(cal::MonthOf(absl::CivilDay(month)), now);
}

absl::StatusOr<absl::CivilMonth> StoredMonth(const dv1::Campaign& c) {
  const std::optional<absl::CivilMonth> month = ParseMonth(c.month());
  if (!month.has_value()) {
    return absl::DataLossError(
        absl::StrCat("campaign ", c.id(), ": stored month \"", c.month(), "\" is unreadable"));
  }
  return *month;
}

}  // namespace

// The campaign state machine (every verb for system and street operators; the engine adds
// district_admin). No state has a clock: a campaign's month is its own schedule.
//
// clang-format off
// | verb      | from                | to         | also                                       |
// |-----------|---------------------|------------|--------------------------------------------|
// | (create)  |                     | PLANNED    | PlanCampaign, idempotent by request id     |
// | Start     | PLANNED             | UNDER_WAY  | from the first day of the campaign's month |
// | Complete  | UNDER_WAY           | COMPLETED  | with the results                           |
// | Cancel    | PLANNED, UNDER_WAY  | CANCELLED  | with the reason (the history's note too)   |
// clang-format on
cases::TrackSpec CampaignSpec() {
  cases::TrackSpec s;
  s.track = kCampaignTrack;
  s.aggregate_track = kTrack;
  s.case_kind = "campaign";
  s.id_prefix = "R";
  s.initial_state = kPlanned;
  s.states = {
      {kPlanned, StateClass::kOpen, cal::Sla::None()},
      {kUnderWay, StateClass::kOpen, cal::Sla::None()},
      {kCompleted, StateClass::kResolved, cal::Sla::None()},
      {kCancelled, StateClass::kClosed, cal::Sla::None()},
  };
  const std::vector<std::string>& roles = WorkRoles();
  s.transitions = {
      {kStart, {kPlanned}, kUnderWay, roles},
      {kComplete, {kUnderWay}, kCompleted, roles},
      {kCancel, {kPlanned, kUnderWay}, kCancelled, roles},
  };
  s.create_roles = roles;
  return s;
}

Campaigns::Campaigns(const server::TrackDeps& deps, cases::CaseEngine* engine,
                     const registry::Registry* objects)
    : deps_(deps), engine_(engine), objects_(objects) {}

absl::CivilMonth Campaigns::CurrentMonth() const {
  return absl::CivilMonth(cal::LocalDay(deps_.clock->Now()));
}

absl::Status Campaigns::CheckObjects(const dv1::Campaign& c) const {
  absl::flat_hash_set<std::string> streets;
  for (const governance::v1::RegionRef& area : c.target_areas()) streets.insert(area.street_id());
  for (int i = 0; i < c.target_object_ids_size(); ++i) {
    const std::string field = absl::StrCat("campaign.target_object_ids[", i, "]");
    absl::StatusOr<dv1::MonitoredObject> object = LoadObject(*objects_, c.target_object_ids(i));
    if (absl::IsNotFound(object.status())) {
      return InvalidField(field, std::string(object.status().message()));
    }
    GOV_RETURN_IF_ERROR(object.status());
    if (object->status() == dv1::MONITORED_OBJECT_STATUS_REMOVED) {
      return InvalidField(field, absl::StrCat("monitored object ", object->id(),
                                              " was removed from the programme"));
    }
    if (!streets.contains(object->region().street_id())) {
      return InvalidField(
          field, absl::StrCat("monitored object ", object->id(), " is in street ",
                              object->region().street_id(), ", outside the target areas' streets"));
    }
  }
  return absl::OkStatus();
}

// The category's complaints taken in over `days` in the target areas, from the complaints' case
// counts (a complaint counts on its intake day, or on the day it happened when the intake gave
// that, whatever its status: repeats and merged ones included), measured as the indicators
// measure: the whole streets together, then each community. Target areas never overlap, so
// nothing is counted twice.
absl::StatusOr<int64_t> Campaigns::ComplaintsIn(const dv1::Campaign& c,
                                                const cal::DayRange& days) const {
  const indicators::Measure opened = indicators::CasesOpened({EnumKey(c.category())});
  indicators::EvalContext ctx;
  ctx.track = kTrack;
  ctx.days = days;
  ctx.repo = deps_.repo;
  ctx.regions = deps_.regions;
  ctx.now = deps_.clock->Now();
  std::vector<std::string> whole_streets;
  for (const governance::v1::RegionRef& area : c.target_areas()) {
    if (area.community_id().empty()) whole_streets.push_back(area.street_id());
  }
  int64_t total = 0;
  if (!whole_streets.empty()) {
    indicators::EvalContext streets = ctx;
    streets.streets = std::move(whole_streets);
    GOV_ASSIGN_OR_RETURN(const indicators::Value v, opened(streets));
    total += v.value;
  }
  for (const governance::v1::RegionRef& area : c.target_areas()) {
    if (area.community_id().empty()) continue;
    indicators::EvalContext community = ctx;
    community.street_id = area.street_id();
    community.community_id = area.community_id();
    GOV_ASSIGN_OR_RETURN(const indicators::Value v, opened(community));
    total += v.value;
  }
  return total;
}

absl::Status Campaigns::FillEffect(dv1::Campaign* c) const {
  GOV_ASSIGN_OR_RETURN(const absl::CivilMonth month, StoredMonth(*c));
  const absl::Time now = deps_.clock->Now();
  GOV_ASSIGN_OR_RETURN(const int64_t in_month, ComplaintsIn(*c, MonthDays(month, now)));
  GOV_ASSIGN_OR_RETURN(const int64_t before, ComplaintsIn(*c, MonthDays(month - 1, now)));
  c->mutable_effect()->set_complaints_in_month(in_month);
  c->mutable_effect()->set_complaints_previous_month(before);
  return absl::OkStatus();
}

absl::Status Campaigns::Move(const auth::Principal& who, const std::string& verb,
                             const std::string& id, const std::string& etag,
                             const std::string& note,
                             std::function<absl::Status(dv1::Campaign&)> edit,
                             dv1::Campaign* out) const {
  const cases::Mutation mutation =
      CampaignKind().Edit([&who, &edit](dv1::Campaign& c) -> absl::Status {
        GOV_RETURN_IF_ERROR(CheckAreasInScope(who, c));
        return edit(c);
      });
  GOV_ASSIGN_OR_RETURN(const cases::Case c,
                       engine_->Transition(DistrictWide(who), verb, id, etag, note, mutation));
  GOV_ASSIGN_OR_RETURN(*out, CampaignKind().FromCase(c, who));
  return absl::OkStatus();
}

absl::Status Campaigns::Plan(const auth::Principal& who, const dv1::PlanCampaignRequest& in,
                             dv1::PlanCampaignResponse* out) {
  GOV_RETURN_IF_ERROR(ValidateRequestId(in.request_id()));
  const dv1::Campaign& sent = in.campaign();
  GOV_RETURN_IF_ERROR(ValidateCampaign(sent, *deps_.regions, CurrentMonth()));
  GOV_RETURN_IF_ERROR(CheckAreasInScope(who, sent));
  GOV_RETURN_IF_ERROR(CheckObjects(sent));

  // What the caller says, and nothing of the output-only fields: it is the request hash's
  // input, so a retry is recognised.
  dv1::Campaign planned;
  planned.set_month(sent.month());
  planned.set_category(sent.category());
  planned.set_title(sent.title());
  planned.set_plan(sent.plan());
  *planned.mutable_target_areas() = sent.target_areas();
  *planned.mutable_target_object_ids() = sent.target_object_ids();

  cases::NewCase input;
  input.category = EnumKey(planned.category());
  input.street_id = CaseStreet(planned);
  input.payload = CampaignKind().Payload(planned);
  const std::string hash = cases::CaseEngine::RequestHash(SerializeStable(planned));
  GOV_ASSIGN_OR_RETURN(const cases::Case c,
                       engine_->Create(DistrictWide(who), input, in.request_id(), hash));
  // The history is GetCampaign's.
  GOV_ASSIGN_OR_RETURN(*out->mutable_campaign(),
                       CampaignKind().FromCase(cases::Case{c.record, {}}, who));
  return absl::OkStatus();
}

// The start time is the campaign's (Campaign.start_time): now, or the time a start recorded
// after the fact gives, which lies in the campaign's month or after it (district time).
absl::Status Campaigns::Start(const auth::Principal& who, const dv1::StartCampaignRequest& in,
                              dv1::StartCampaignResponse* out) {
  GOV_RETURN_IF_ERROR(ValidateId(in.id(), "id"));
  if (in.etag().empty()) return InvalidField("etag", "required");
  const absl::Time now = deps_.clock->Now();
  absl::Time started = now;
  if (in.has_start_time()) {
    GOV_RETURN_IF_ERROR(ValidatePastTime(in.start_time(), "start_time", now));
    started = FromTimestamp(in.start_time());
  }
  const absl::CivilDay today = cal::LocalDay(now);
  return Move(
      who, kStart, in.id(), in.etag(), "",
      [today, started](dv1::Campaign& c) -> absl::Status {
        GOV_ASSIGN_OR_RETURN(const absl::CivilMonth month, StoredMonth(c));
        if (today < absl::CivilDay(month)) {
          return absl::FailedPreconditionError(
              absl::StrCat("campaign ", c.id(), " is for ", c.month(), "; it can be started from ",
                           MonthText(month), "-01 (district time)"));
        }
        if (cal::LocalDay(started) < absl::CivilDay(month)) {
          return InvalidField(
              "start_time",
              absl::StrCat("before ", MonthText(month),
                           "-01 (district time), the first day of campaign ", c.id(), "'s month"));
        }
        *c.mutable_start_time() = ToTimestamp(started);
        return absl::OkStatus();
      },
      out->mutable_campaign());
}

absl::Status Campaigns::Complete(const auth::Principal& who, const dv1::CompleteCampaignRequest& in,
                                 dv1::CompleteCampaignResponse* out) {
  GOV_RETURN_IF_ERROR(ValidateId(in.id(), "id"));
  if (in.etag().empty()) return InvalidField("etag", "required");
  GOV_RETURN_IF_ERROR(ValidateResults(in));
  return Move(
      who, kComplete, in.id(), in.etag(), "",
      [&in](dv1::Campaign& c) {
        *c.mutable_results() = in.results();
        return absl::OkStatus();
      },
      out->mutable_campaign());
}

absl::Status Campaigns::Cancel(const auth::Principal& who, const dv1::CancelCampaignRequest& in,
                               dv1::CancelCampaignResponse* out) {
  GOV_RETURN_IF_ERROR(ValidateId(in.id(), "id"));
  if (in.etag().empty()) return InvalidField("etag", "required");
  GOV_RETURN_IF_ERROR(ValidateText(in.reason(), "reason", kMaxReason, /*required=*/true));
  return Move(
      who, kCancel, in.id(), in.etag(), in.reason(),
      [&in](dv1::Campaign& c) {
        c.set_cancel_reason(in.reason());
        return absl::OkStatus();
      },
      out->mutable_campaign());
}

absl::Status Campaigns::Get(const auth::Principal& who, const dv1::GetCampaignRequest& in,
                            dv1::GetCampaignResponse* out) {
  GOV_RETURN_IF_ERROR(ValidateId(in.id(), "id"));
  // Every caller reads every campaign (district plans).
  GOV_ASSIGN_OR_RETURN(const cases::Case c,
                       engine_->Get(DistrictWide(who), in.id(), /*with_history=*/true));
  GOV_ASSIGN_OR_RETURN(dv1::Campaign campaign, CampaignKind().FromCase(c, who));
  GOV_RETURN_IF_ERROR(FillEffect(&campaign));
  *out->mutable_campaign() = std::move(campaign);
  return absl::OkStatus();
}

// By id, a page after the token's id. The category and the status are the engine's filters;
// the month and the street (a campaign is "in" every street one of its target areas lies in,
// which its case's one street does not say) are kept on top. A district plans a few campaigns a
// month, so a list reads every campaign its engine filters leave, as a district-wide reader
// (every caller reads every campaign; the page tokens are bound to the filters alone).
absl::Status Campaigns::List(const auth::Principal& who, const dv1::ListCampaignsRequest& in,
                             dv1::ListCampaignsResponse* out) {
  GOV_ASSIGN_OR_RETURN(const int size, cases::PageSize(in.page_size()));
  GOV_RETURN_IF_ERROR(ValidateCampaignList(in, *deps_.regions));
  const std::string category = in.category() ? EnumKey(in.category()) : "";
  const std::string status = in.status() ? EnumKey(in.status()) : "";
  const std::string binding =
      cases::PageBinding({"campaigns", in.month(), category, status, in.street_id()});
  GOV_ASSIGN_OR_RETURN(const std::string after, cases::DecodeIdCursor(in.page_token(), binding));
  const auto keep = [&in](const dv1::Campaign& c) {
    if (!in.month().empty() && c.month() != in.month()) return false;
    if (in.street_id().empty()) return true;
    return std::any_of(c.target_areas().begin(), c.target_areas().end(),
                       [&in](const governance::v1::RegionRef& area) {
                         return area.street_id() == in.street_id();
                       });
  };

  cases::ListRequest request;
  if (!category.empty()) request.filter.categories = {category};
  if (!status.empty()) request.filter.statuses = {status};
  GOV_ASSIGN_OR_RETURN(const std::vector<cases::Case> all,
                       cases::ListEvery(*engine_, DistrictWide(who), std::move(request)));
  std::vector<dv1::Campaign> kept;
  for (const cases::Case& c : all) {
    if (!after.empty() && !IdBefore(after, c.record.id)) continue;
    GOV_ASSIGN_OR_RETURN(dv1::Campaign campaign, CampaignKind().FromCase(c, who));
    if (keep(campaign)) kept.push_back(std::move(campaign));
  }
  std::sort(kept.begin(), kept.end(), [](const dv1::Campaign& a, const dv1::Campaign& b) {
    return IdBefore(a.id(), b.id());
  });
  for (dv1::Campaign& c : kept) {
    if (out->campaigns_size() == size) {
      out->set_next_page_token(cases::EncodePageToken(binding, {out->campaigns().rbegin()->id()}));
      break;
    }
    *out->add_campaigns() = std::move(c);
  }
  return absl::OkStatus();
}

}  // namespace gov::disorder
