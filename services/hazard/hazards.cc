#include "services/hazard/hazards.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/cases/calendar.h"
#include "common/cases/list_request.h"
#include "common/cases/page_token.h"
#include "common/clock/district_time.h"
#include "common/util/proto.h"
#include "common/util/status.h"
#include "common/util/validate.h"
#include "services/hazard/validation.h"

// A hazard is a case of the store track "hazard" (HazardSpec, HazardKind; model.h): its category
// is its type's key, its unit the enterprise it was found at, its priority its severity, and the
// payload keeps the rest, the deadline its severity set at intake included. A campaign is a row
// of the campaigns' registry (CampaignLayout): its street (or "" for the whole district), its
// type's key as the row's key, and the payload the name and days; its findings are the hazards
// of source CAMPAIGN naming it, counted on reading. The writes answer with the hazard without
// its history (Hazard.history is GetHazard's).
namespace gov::hazard {
namespace {

using governance::v1::DIRECTION_LOWER_IS_BETTER;
using governance::v1::DIRECTION_UNSPECIFIED;
using governance::v1::INDICATOR_UNIT_COUNT;
using indicators::EvalContext;
using indicators::Measure;
using indicators::Value;

// Who the track's own reads act as (the campaigns' counts, the indicators' measures).
constexpr char kCounter[] = "hazard-campaigns";
constexpr char kMeasurer[] = "hazard-indicators";

// The states a hazard is cleared in: its rectification verified (and perhaps closed since).
const std::vector<std::string>& ClearedStates() {
  static const auto* states = new std::vector<std::string>{kVerified, kClosed};
  return *states;
}

bool IsCleared(const std::string& status) { return status == kVerified || status == kClosed; }

// The instants of a span of district days: from the first day's midnight to the midnight after
// the last.
absl::Time DayStart(absl::CivilDay day) { return absl::FromCivil(day, cal::DistrictZone()); }

absl::Status ValidateNewHazard(const hv1::Hazard& h, const regions::RegionRegistry& regions) {
  if (h.type() == hv1::HAZARD_TYPE_UNSPECIFIED || !hv1::HazardType_IsValid(h.type())) {
    return InvalidField("hazard.type", "required: a hazard type");
  }
  if (h.source() == hv1::HAZARD_SOURCE_UNSPECIFIED || !hv1::HazardSource_IsValid(h.source())) {
    return InvalidField("hazard.source", "required: how the hazard was found");
  }
  if (h.source() == hv1::HAZARD_SOURCE_INSPECTION) {
    return InvalidField("hazard.source",
                        "set by RecordInspection: an inspection's findings open their hazards");
  }
  if (h.severity() == hv1::SEVERITY_UNSPECIFIED || !hv1::Severity_IsValid(h.severity())) {
    return InvalidField("hazard.severity", "required: general or major");
  }
  GOV_RETURN_IF_ERROR(regions.Validate(h.region(), "hazard.region", /*require_street=*/true));
  GOV_RETURN_IF_ERROR(ValidateText(h.description(), "hazard.description", kMaxText, true));
  GOV_RETURN_IF_ERROR(ValidateText(h.reporter(), "hazard.reporter", kMaxShort));
  if (!h.enterprise_id().empty()) {
    GOV_RETURN_IF_ERROR(ValidateId(h.enterprise_id(), "hazard.enterprise_id"));
  }
  if (h.source() == hv1::HAZARD_SOURCE_SAMPLING && h.type() != hv1::HAZARD_TYPE_FOOD_DRUG) {
    return InvalidField("hazard.type", "a failed sample is a FOOD_DRUG hazard");
  }
  if (h.source() == hv1::HAZARD_SOURCE_CAMPAIGN) {
    if (h.campaign_id().empty()) {
      return InvalidField("hazard.campaign_id", "required for a campaign's finding");
    }
    GOV_RETURN_IF_ERROR(ValidateId(h.campaign_id(), "hazard.campaign_id"));
  } else if (!h.campaign_id().empty()) {
    return InvalidField("hazard.campaign_id", "only for HAZARD_SOURCE_CAMPAIGN");
  }
  return absl::OkStatus();
}

absl::Status ValidateNewCampaign(const hv1::Campaign& c, const regions::RegionRegistry& regions,
                                 absl::CivilDay today) {
  GOV_RETURN_IF_ERROR(ValidateText(c.name(), "campaign.name", kMaxName, true));
  if (c.type() == hv1::HAZARD_TYPE_UNSPECIFIED || !hv1::HazardType_IsValid(c.type())) {
    return InvalidField("campaign.type", "required: the kind of hazard it goes after");
  }
  if (!c.street_id().empty() && !regions.HasStreet(c.street_id())) {
    return InvalidField("campaign.street_id",
                        absl::StrCat("unknown street \"", c.street_id(), "\""));
  }
  GOV_RETURN_IF_ERROR(ValidateDay(c.first_day(), "campaign.first_day"));
  GOV_RETURN_IF_ERROR(ValidateDay(c.last_day(), "campaign.last_day"));
  const absl::CivilDay first = *cal::ParseDay(c.first_day());
  const absl::CivilDay last = *cal::ParseDay(c.last_day());
  if (last < first) return InvalidField("campaign.last_day", "before first_day");
  if (last < today) return InvalidField("campaign.last_day", "in the past");
  return absl::OkStatus();
}

// The days of a stored campaign (DATA_LOSS when unreadable).
absl::StatusOr<cal::DayRange> CampaignDays(const hv1::Campaign& c, const std::string& id) {
  const std::optional<absl::CivilDay> first = cal::ParseDay(c.first_day());
  const std::optional<absl::CivilDay> last = cal::ParseDay(c.last_day());
  if (!first.has_value() || !last.has_value()) {
    return absl::DataLossError(absl::StrCat("campaign ", id, ": stored days are unreadable"));
  }
  return cal::DayRange{*first, *last};
}

// Sets a rejected hazard's clock back to its own deadline: the Reject verb keeps the clock
// (restart_sla false), and the verification's due time it kept is not the open state's. The
// breach flag is cleared; the breach scan sets it again when the deadline has passed.
cases::Mutation RestoreDeadline() {
  return [](store::CaseRecord& record) -> absl::Status {
    absl::Time deadline = absl::InfiniteFuture();
    GOV_RETURN_IF_ERROR(HazardKind().Edit([&deadline](hv1::Hazard& h) {
      deadline = FromTimestamp(h.deadline());
      return absl::OkStatus();
    })(record));
    record.due_time = deadline;
    record.sla_breached = false;
    return absl::OkStatus();
  };
}

// The hazards `request` selects within the context's region (its street and community, or its
// several streets), read as the track.
absl::StatusOr<std::vector<cases::Case>> HazardsIn(cases::CaseEngine& engine,
                                                   const EvalContext& ctx,
                                                   cases::ListRequest request) {
  request.filter.street_id = ctx.street_id;
  request.filter.community_id = ctx.community_id;
  auth::Principal reader = auth::SystemPrincipal(kMeasurer);
  reader.streets.insert(ctx.streets.begin(), ctx.streets.end());
  return cases::ListEvery(engine, reader, std::move(request));
}

// 抽检不合格食品处置率: of the hazards found by failed food or drug samples in the period (source
// SAMPLING, in the payload: the FOOD_DRUG hazards of the period are read and told apart), the
// share now verified or closed. No data without any.
Measure FailedSamplesDisposed(cases::CaseEngine* engine) {
  return [engine](const EvalContext& ctx) -> absl::StatusOr<Value> {
    cases::ListRequest request;
    request.filter.categories = {EnumKey(hv1::HAZARD_TYPE_FOOD_DRUG)};
    request.filter.created_from = DayStart(ctx.days.first);
    request.filter.created_to = DayStart(ctx.days.last + 1);
    GOV_ASSIGN_OR_RETURN(const std::vector<cases::Case> food,
                         HazardsIn(*engine, ctx, std::move(request)));
    int64_t sampled = 0;
    int64_t disposed = 0;
    for (const cases::Case& c : food) {
      GOV_ASSIGN_OR_RETURN(const hv1::Hazard h, HazardKind().FromCase(c));
      if (h.source() != hv1::HAZARD_SOURCE_SAMPLING) continue;
      ++sampled;
      if (IsCleared(c.record.status)) ++disposed;
    }
    return indicators::Share(disposed, sampled);
  };
}

// The hazards open now (not yet reported rectified, or rejected since) whose deadline has
// passed, in the context's region: a present state, the same for every period.
Measure OverdueHazards(cases::CaseEngine* engine) {
  return [engine](const EvalContext& ctx) -> absl::StatusOr<Value> {
    cases::ListRequest request;
    request.filter.statuses = {kOpen};
    GOV_ASSIGN_OR_RETURN(const std::vector<cases::Case> open,
                         HazardsIn(*engine, ctx, std::move(request)));
    int64_t overdue = 0;
    for (const cases::Case& c : open) {
      GOV_ASSIGN_OR_RETURN(const hv1::Hazard h, HazardKind().FromCase(c));
      if (FromTimestamp(h.deadline()) < ctx.now) ++overdue;
    }
    return Value{overdue};
  };
}

}  // namespace

// ---- Hazards ----

Hazards::Hazards(cases::CaseEngine* hazards, const Enterprises* enterprises,
                 const registry::Registry* campaigns, const Rules* rules,
                 const regions::RegionRegistry* regions, const Clock* clock)
    : hazards_(hazards),
      enterprises_(enterprises),
      campaigns_(campaigns),
      rules_(rules),
      regions_(regions),
      clock_(clock) {}

absl::Status Hazards::CheckEnterprise(hv1::Hazard& h) const {
  if (h.enterprise_id().empty()) return absl::OkStatus();
  GOV_ASSIGN_OR_RETURN(const hv1::Enterprise e,
                       enterprises_->Find(h.enterprise_id(), "hazard.enterprise_id"));
  const governance::v1::RegionRef& at = e.region();
  if (at.street_id() != h.region().street_id()) {
    return InvalidField("hazard.region.street_id",
                        absl::StrCat("enterprise ", e.id(), " is in street ", at.street_id()));
  }
  if (h.region().community_id().empty()) {
    h.mutable_region()->set_community_id(at.community_id());
  } else if (!at.community_id().empty() && at.community_id() != h.region().community_id()) {
    return InvalidField(
        "hazard.region.community_id",
        absl::StrCat("enterprise ", e.id(), " is in community ", at.community_id()));
  }
  return absl::OkStatus();
}

absl::Status Hazards::CheckCampaign(const hv1::Hazard& h, absl::CivilDay today) const {
  if (h.source() != hv1::HAZARD_SOURCE_CAMPAIGN) return absl::OkStatus();
  absl::StatusOr<store::EntityRecord> row = campaigns_->Get(h.campaign_id());
  if (absl::IsNotFound(row.status())) {
    return InvalidField("hazard.campaign_id",
                        absl::StrCat("unknown campaign \"", h.campaign_id(), "\""));
  }
  if (!row.ok()) return row.status();
  GOV_ASSIGN_OR_RETURN(const hv1::Campaign c, campaigns_->Decode<hv1::Campaign>(*row));
  if (c.type() != h.type()) {
    return InvalidField("hazard.type", absl::StrCat("campaign ", row->id, " goes after ",
                                                    EnumKey(c.type()), " hazards"));
  }
  if (!row->street_id.empty() && row->street_id != h.region().street_id()) {
    return InvalidField("hazard.region.street_id",
                        absl::StrCat("campaign ", row->id, " covers street ", row->street_id));
  }
  GOV_ASSIGN_OR_RETURN(const cal::DayRange days, CampaignDays(c, row->id));
  if (!days.Contains(today)) {
    return absl::FailedPreconditionError(absl::StrCat("campaign ", row->id, " takes findings from ",
                                                      c.first_day(), " to ", c.last_day()));
  }
  return absl::OkStatus();
}

absl::Status Hazards::Report(const auth::Principal& who, const hv1::ReportHazardRequest& in,
                             hv1::ReportHazardResponse* out) {
  const absl::Time now = clock_->Now();
  const hv1::Hazard& given = in.hazard();
  GOV_RETURN_IF_ERROR(ValidateRequestId(in.request_id(), "request_id"));
  GOV_RETURN_IF_ERROR(ValidateNewHazard(given, *regions_));
  GOV_RETURN_IF_ERROR(registry::CheckStreet(who, given.region().street_id()));

  // What the caller says, and nothing of the output-only fields.
  hv1::Hazard h;
  h.set_type(given.type());
  h.set_source(given.source());
  h.set_severity(given.severity());
  *h.mutable_region() = given.region();
  h.set_enterprise_id(given.enterprise_id());
  h.set_campaign_id(given.campaign_id());
  h.set_description(given.description());
  h.set_reporter(given.reporter());
  GOV_RETURN_IF_ERROR(CheckEnterprise(h));
  GOV_RETURN_IF_ERROR(CheckCampaign(h, cal::LocalDay(now)));

  // The request's hash is of the hazard as given (with its place), not of the payload, whose
  // deadline moves with the time of the call: a retry later is still the same request.
  const std::string hash = cases::CaseEngine::RequestHash(SerializeStable(h));
  const cases::NewCase input = NewHazardCase(std::move(h), *rules_, now);
  GOV_ASSIGN_OR_RETURN(const cases::Case created,
                       hazards_->Create(who, input, in.request_id(), hash));
  GOV_ASSIGN_OR_RETURN(*out->mutable_hazard(),
                       HazardKind().FromCase(cases::Case{created.record, {}}, who));
  return absl::OkStatus();
}

absl::Status Hazards::Get(const auth::Principal& who, const hv1::GetHazardRequest& in,
                          hv1::GetHazardResponse* out) {
  GOV_RETURN_IF_ERROR(ValidateId(in.id(), "id"));
  GOV_ASSIGN_OR_RETURN(const cases::Case c, hazards_->Get(who, in.id(), /*with_history=*/true));
  GOV_ASSIGN_OR_RETURN(*out->mutable_hazard(), HazardKind().FromCase(c, who));
  return absl::OkStatus();
}

absl::Status Hazards::List(const auth::Principal& who, const hv1::ListHazardsRequest& in,
                           hv1::ListHazardsResponse* out) {
  GOV_ASSIGN_OR_RETURN(cases::ListRequest request,
                       cases::ReadListRequest(in,
                                              {.statuses = "statuses",
                                               .categories = "types",
                                               .unit = "enterprise_id",
                                               .breached_only = "breached_only",
                                               .period = "period"},
                                              *regions_, clock_->Now()));
  GOV_ASSIGN_OR_RETURN(const cases::ListResult page, hazards_->List(who, std::move(request)));
  GOV_ASSIGN_OR_RETURN(const std::vector<hv1::Hazard> hazards,
                       HazardKind().FromCases(page.cases, who));
  for (const hv1::Hazard& h : hazards) *out->add_hazards() = h;
  out->set_next_page_token(page.next_page_token);
  return absl::OkStatus();
}

absl::Status Hazards::Rectify(const auth::Principal& who, const hv1::RectifyHazardRequest& in,
                              hv1::RectifyHazardResponse* out) {
  GOV_RETURN_IF_ERROR(ValidateId(in.id(), "id"));
  GOV_RETURN_IF_ERROR(ValidateId(in.etag(), "etag"));
  GOV_RETURN_IF_ERROR(ValidateText(in.rectification(), "rectification", kMaxText, true));
  // The deadline is set at intake and never moves: the verb is chosen by it before the step.
  GOV_ASSIGN_OR_RETURN(const cases::Case current,
                       hazards_->Get(who, in.id(), /*with_history=*/false));
  GOV_ASSIGN_OR_RETURN(const hv1::Hazard h, HazardKind().FromCase(current));
  const bool in_time = clock_->Now() <= FromTimestamp(h.deadline());
  const std::string rectification = in.rectification();
  GOV_ASSIGN_OR_RETURN(
      const cases::Case moved,
      hazards_->Transition(who, in_time ? kRectify : kRectifyLate, in.id(), in.etag(),
                           rectification, HazardKind().Edit([&](hv1::Hazard& edited) {
                             edited.set_rectification(rectification);
                             edited.set_rectified_in_time(in_time);
                             return absl::OkStatus();
                           })));
  GOV_ASSIGN_OR_RETURN(*out->mutable_hazard(), HazardKind().FromCase(moved, who));
  return absl::OkStatus();
}

absl::Status Hazards::Verify(const auth::Principal& who, const hv1::VerifyHazardRequest& in,
                             hv1::VerifyHazardResponse* out) {
  GOV_RETURN_IF_ERROR(ValidateId(in.id(), "id"));
  GOV_RETURN_IF_ERROR(ValidateId(in.etag(), "etag"));
  GOV_RETURN_IF_ERROR(ValidateText(in.note(), "note", kMaxText, /*required=*/!in.accepted()));
  GOV_ASSIGN_OR_RETURN(
      const cases::Case moved,
      hazards_->Transition(who, in.accepted() ? kVerify : kReject, in.id(), in.etag(), in.note(),
                           in.accepted() ? nullptr : RestoreDeadline()));
  GOV_ASSIGN_OR_RETURN(*out->mutable_hazard(), HazardKind().FromCase(moved, who));
  return absl::OkStatus();
}

absl::Status Hazards::Close(const auth::Principal& who, const hv1::CloseHazardRequest& in,
                            hv1::CloseHazardResponse* out) {
  GOV_RETURN_IF_ERROR(ValidateId(in.id(), "id"));
  GOV_RETURN_IF_ERROR(ValidateId(in.etag(), "etag"));
  GOV_RETURN_IF_ERROR(ValidateText(in.note(), "note", kMaxText));
  GOV_ASSIGN_OR_RETURN(const cases::Case moved,
                       hazards_->Transition(who, kClose, in.id(), in.etag(), in.note()));
  GOV_ASSIGN_OR_RETURN(*out->mutable_hazard(), HazardKind().FromCase(moved, who));
  return absl::OkStatus();
}

absl::Status Hazards::HandOver(const auth::Principal& who, const hv1::HandOverHazardRequest& in,
                               hv1::HandOverHazardResponse* out) {
  GOV_RETURN_IF_ERROR(ValidateId(in.id(), "id"));
  GOV_RETURN_IF_ERROR(ValidateId(in.etag(), "etag"));
  GOV_RETURN_IF_ERROR(
      ValidateText(in.handover().agency(), "handover.agency", kMaxShort, /*required=*/true));
  GOV_RETURN_IF_ERROR(
      ValidateText(in.handover().reference(), "handover.reference", kMaxShort, /*required=*/true));
  hv1::Handover handover;
  handover.set_agency(in.handover().agency());
  handover.set_reference(in.handover().reference());
  *handover.mutable_time() = ToTimestamp(clock_->Now());
  const std::string id = in.id();
  GOV_ASSIGN_OR_RETURN(
      const cases::Case moved,
      hazards_->Transition(who, kHandOver, id, in.etag(),
                           absl::StrCat("to ", handover.agency(), ", ", handover.reference()),
                           HazardKind().Edit([&](hv1::Hazard& edited) -> absl::Status {
                             if (edited.has_handover()) {
                               return absl::FailedPreconditionError(
                                   absl::StrCat("hazard ", id, " was handed over already, to ",
                                                edited.handover().agency(), " (",
                                                edited.handover().reference(), ")"));
                             }
                             *edited.mutable_handover() = handover;
                             return absl::OkStatus();
                           })));
  GOV_ASSIGN_OR_RETURN(*out->mutable_hazard(), HazardKind().FromCase(moved, who));
  return absl::OkStatus();
}

// ---- Campaigns ----

Campaigns::Campaigns(const registry::Registry* campaigns, cases::CaseEngine* hazards,
                     const regions::RegionRegistry* regions, const Clock* clock)
    : campaigns_(campaigns), hazards_(hazards), regions_(regions), clock_(clock) {}

// A campaign's findings are reported between its days (Hazards::CheckCampaign), so only the
// hazards of its type found then, in its street, are read; of them, those of source CAMPAIGN
// naming it count. They are counted whatever the caller's streets: the campaign's own figures.
absl::StatusOr<hv1::Campaign> Campaigns::WithCounts(const store::EntityRecord& row) const {
  GOV_ASSIGN_OR_RETURN(hv1::Campaign c, campaigns_->Decode<hv1::Campaign>(row));
  c.set_street_id(row.street_id);
  GOV_ASSIGN_OR_RETURN(const cal::DayRange days, CampaignDays(c, row.id));
  cases::ListRequest request;
  request.filter.categories = {EnumKey(c.type())};
  request.filter.street_id = row.street_id;
  request.filter.created_from = DayStart(days.first);
  request.filter.created_to = DayStart(days.last + 1);
  GOV_ASSIGN_OR_RETURN(
      const std::vector<cases::Case> found,
      cases::ListEvery(*hazards_, auth::SystemPrincipal(kCounter), std::move(request)));
  for (const cases::Case& hc : found) {
    GOV_ASSIGN_OR_RETURN(const hv1::Hazard h, HazardKind().FromCase(hc));
    if (h.source() != hv1::HAZARD_SOURCE_CAMPAIGN || h.campaign_id() != row.id) continue;
    c.set_found(c.found() + 1);
    if (IsCleared(hc.record.status)) c.set_cleared(c.cleared() + 1);
  }
  return c;
}

absl::Status Campaigns::Open(const auth::Principal& who, const hv1::OpenCampaignRequest& in,
                             hv1::OpenCampaignResponse* out) {
  GOV_RETURN_IF_ERROR(ValidateRequestId(in.request_id(), "request_id"));
  const hv1::Campaign& given = in.campaign();
  GOV_RETURN_IF_ERROR(ValidateNewCampaign(given, *regions_, cal::LocalDay(clock_->Now())));
  GOV_RETURN_IF_ERROR(registry::CheckStreet(who, given.street_id()));
  // The row keeps the street; the payload the rest the caller says.
  hv1::Campaign c;
  c.set_name(given.name());
  c.set_type(given.type());
  c.set_first_day(given.first_day());
  c.set_last_day(given.last_day());
  store::EntityRecord row;
  row.street_id = given.street_id();
  row.key = EnumKey(c.type());
  row.payload = registry::Payload(c);
  GOV_ASSIGN_OR_RETURN(const store::EntityRecord created,
                       campaigns_->Create(std::move(row), in.request_id()));
  GOV_ASSIGN_OR_RETURN(*out->mutable_campaign(), WithCounts(created));
  return absl::OkStatus();
}

absl::Status Campaigns::Get(const auth::Principal& who, const hv1::GetCampaignRequest& in,
                            hv1::GetCampaignResponse* out) {
  GOV_RETURN_IF_ERROR(ValidateId(in.id(), "id"));
  GOV_ASSIGN_OR_RETURN(const store::EntityRecord row,
                       campaigns_->LoadVisible(who, in.id(), /*district_rows_public=*/true));
  GOV_ASSIGN_OR_RETURN(*out->mutable_campaign(), WithCounts(row));
  return absl::OkStatus();
}

absl::Status Campaigns::List(const auth::Principal& who, const hv1::ListCampaignsRequest& in,
                             hv1::ListCampaignsResponse* out) {
  GOV_ASSIGN_OR_RETURN(const int size, cases::PageSize(in.page_size()));
  store::EntityFilter filter;
  filter.track = CampaignLayout().track;
  filter.kind = CampaignLayout().kind;
  GOV_ASSIGN_OR_RETURN(const registry::Page page,
                       campaigns_->ListPage(who, {std::move(filter)}, {"campaigns"}, size,
                                            in.page_token(), /*district_rows_public=*/true));
  for (const store::EntityRecord& row : page.rows) {
    GOV_ASSIGN_OR_RETURN(*out->add_campaigns(), WithCounts(row));
  }
  out->set_next_page_token(page.next_page_token);
  return absl::OkStatus();
}

// ---- Indicators ----

std::vector<indicators::IndicatorSpec> HazardIndicators(cases::CaseEngine* hazards) {
  std::vector<indicators::IndicatorSpec> specs;
  // Rectified by the deadline: of the hazards whose rectification was reported in the period,
  // the share whose last report of the period came by the deadline (Rectify, not RectifyLate):
  // a hazard rectified in time, rejected and rectified again after its deadline is late.
  specs.push_back(indicators::HigherRate(
      "hazards_rectified_on_time", "隐患按期整改率", "Hazards rectified by their deadline",
      indicators::Ratio(indicators::CasesWithAction({kRectify, kRectifyLate}, {}, {kRectify}),
                        indicators::CasesWithAction({kRectify, kRectifyLate}))));
  // 抽检不合格食品处置率达到100%: of the hazards of failed samples found in the period, the share
  // verified or closed.
  specs.push_back(indicators::HigherRate("failed_samples_disposed_rate", "抽检不合格食品处置率",
                                         "Failed food and drug samples disposed of",
                                         FailedSamplesDisposed(hazards)));
  // 打通"生命通道": of the blocked fire lanes found in the period, the share verified or closed.
  const std::string fire_lane = EnumKey(hv1::HAZARD_TYPE_FIRE_LANE);
  specs.push_back(indicators::HigherRate(
      "fire_lane_findings_cleared", "生命通道堵塞隐患清零率",
      "Blocked fire lanes found and cleared",
      indicators::Ratio(indicators::CasesInStatus(ClearedStates(), {fire_lane}),
                        indicators::CasesOpened({fire_lane}))));
  // Watched: the hazards found by the period's end that are not cleared now (open, or reported
  // rectified and not yet verified).
  specs.push_back(
      {.id = "open_hazards",
       .name_zh = "未销号隐患数",
       .name_en = "Hazards not yet cleared",
       .unit = INDICATOR_UNIT_COUNT,
       .direction = DIRECTION_LOWER_IS_BETTER,
       .measure = indicators::SinceTheStart(indicators::CasesInStatus({kOpen, kRectified}))});
  // Watched: the hazards open now past their deadline, in the context's region.
  specs.push_back({.id = "overdue_hazards",
                   .name_zh = "逾期未整改隐患数",
                   .name_en = "Hazards open past their deadline",
                   .unit = INDICATOR_UNIT_COUNT,
                   .direction = DIRECTION_LOWER_IS_BETTER,
                   .measure = OverdueHazards(hazards)});
  // Watched: the hazards' cases handed over to criminal investigation in the period (行刑衔接);
  // neither more nor fewer is better: the law decides which are.
  specs.push_back({.id = "criminal_handovers",
                   .name_zh = "行刑衔接移送数",
                   .name_en = "Hazard cases handed over to criminal investigation",
                   .unit = INDICATOR_UNIT_COUNT,
                   .direction = DIRECTION_UNSPECIFIED,
                   .measure = indicators::EventsWithAction({kHandOver})});
  return specs;
}

}  // namespace gov::hazard
