#include "services/disorder/enforcement.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "common/cases/calendar.h"
#include "common/cases/page_token.h"
#include "common/log/log.h"
#include "common/util/demo_random.h"
#include "common/util/parallel.h"
#include "common/util/proto.h"
#include "common/util/status.h"
#include "common/util/validate.h"
#include "services/disorder/complaints.h"

namespace gov::disorder {
namespace {

using demo::Mix;
using demo::Seed;
using demo::UnitInterval;

using cases::StateClass;
using governance::v1::DIRECTION_HIGHER_IS_BETTER;
using governance::v1::INDICATOR_UNIT_BASIS_POINTS;
using governance::v1::TARGET_KIND_CHANGE_VS_BASELINE;
using governance::v1::TARGET_KIND_RATE;
using indicators::Measure;

// The states (EnforcementStatus keys).
constexpr char kFound[] = "FOUND";
constexpr char kPenalised[] = "PENALISED";
constexpr char kCorrected[] = "CORRECTED";
constexpr char kNotConfirmed[] = "NOT_CONFIRMED";

// The verbs.
constexpr char kPenalise[] = "Penalise";
constexpr char kCorrect[] = "Correct";
constexpr char kNotConfirm[] = "NotConfirm";

// Limits of the API (characters).
constexpr size_t kMaxAddress = 200;
constexpr size_t kMaxSubject = 100;
constexpr size_t kMaxDescription = 2000;
constexpr size_t kMaxDecisionNumber = 64;
constexpr size_t kMaxNote = 500;
constexpr int64_t kMaxFineYuan = 10'000'000;
// Findings before this year are refused (local time).
constexpr int kFirstYear = 2000;

// Rates in basis points.
constexpr int64_t kFullRate = 10000;
// A change target of +30% on last year's rate (see EnforcementIndicators).
constexpr int64_t kUpThirtyPercent = 3000;

// Who records and concludes findings: the enforcement platforms (system) and the street
// operators of the finding's street; district_admin always may (the engine's rule).
const std::vector<std::string>& WorkRoles() {
  static const auto* roles = new std::vector<std::string>{auth::kSystem, auth::kStreetOperator};
  return *roles;
}

std::string CategoryKey(dv1::ComplaintCategory category) { return EnumKey(category); }

absl::Status ValidateNewFinding(const dv1::Enforcement& e, const regions::RegionRegistry& regions,
                                absl::Time now) {
  if (e.category() == dv1::COMPLAINT_CATEGORY_UNSPECIFIED ||
      !dv1::ComplaintCategory_IsValid(e.category())) {
    return InvalidField("enforcement.category", "required: one of the complaint categories");
  }
  GOV_RETURN_IF_ERROR(regions.Validate(e.region(), "enforcement.region"));
  if (e.has_location()) {
    GOV_RETURN_IF_ERROR(regions::ValidateLocation(e.location(), "enforcement.location"));
  }
  GOV_RETURN_IF_ERROR(ValidateText(e.address(), "enforcement.address", kMaxAddress));
  GOV_RETURN_IF_ERROR(
      ValidateText(e.subject(), "enforcement.subject", kMaxSubject, /*required=*/true));
  GOV_RETURN_IF_ERROR(ValidateText(e.description(), "enforcement.description", kMaxDescription,
                                   /*required=*/true));
  if (!e.has_found_time()) return InvalidField("enforcement.found_time", "required");
  if (e.found_time().nanos() < 0 || e.found_time().nanos() > 999'999'999) {
    return InvalidField("enforcement.found_time", "nanos must lie within 0..999999999");
  }
  const absl::Time found = FromTimestamp(e.found_time());
  if (found < absl::FromCivil(absl::CivilDay(kFirstYear, 1, 1), cal::DistrictZone())) {
    return InvalidField("enforcement.found_time", absl::StrCat("before ", kFirstYear));
  }
  // Not in the future; the engine's allowance for the clocks of other systems (the patrol
  // terminals) applies, as it does to every occurrence time.
  if (found > now + cases::kMaxOccurrenceSkew) {
    return InvalidField("enforcement.found_time", "in the future");
  }
  if (!e.complaint_id().empty()) {
    GOV_RETURN_IF_ERROR(ValidateId(e.complaint_id(), "enforcement.complaint_id"));
  }
  return absl::OkStatus();
}

// What a recording says: the caller's fields only (the output-only ones are ignored). Its
// serialization is the request hash's input, so a retry matches whatever the service added.
dv1::Enforcement Recorded(const dv1::Enforcement& in) {
  dv1::Enforcement out;
  out.set_category(in.category());
  *out.mutable_region() = in.region();
  if (in.has_location()) *out.mutable_location() = in.location();
  out.set_address(in.address());
  out.set_subject(in.subject());
  out.set_description(in.description());
  *out.mutable_found_time() = in.found_time();
  out.set_complaint_id(in.complaint_id());
  return out;
}

absl::StatusOr<dv1::Enforcement> StoredFinding(const store::CaseRecord& record) {
  dv1::Enforcement finding;
  if (!finding.ParseFromString(record.payload)) {
    return absl::DataLossError(
        absl::StrCat("enforcement ", record.id, ": stored payload is unreadable"));
  }
  return finding;
}

// The finding as the API shows it: the stored payload, with what the case owns (id, status,
// region, found time, clock, etag, history) taken from the case.
absl::StatusOr<dv1::Enforcement> FindingFromCase(const cases::Case& c) {
  const store::CaseRecord& r = c.record;
  GOV_ASSIGN_OR_RETURN(dv1::Enforcement finding, StoredFinding(r));
  finding.set_id(r.id);
  finding.set_status(
      EnumFromKey<dv1::EnforcementStatus>(r.status).value_or(dv1::ENFORCEMENT_STATUS_UNSPECIFIED));
  finding.mutable_region()->set_street_id(r.street_id);
  finding.mutable_region()->set_community_id(r.community_id);
  finding.mutable_region()->set_grid_id(r.grid_id);
  *finding.mutable_found_time() = ToTimestamp(r.create_time);
  if (r.due_time != absl::InfiniteFuture()) {
    *finding.mutable_due_time() = ToTimestamp(r.due_time);
  } else {
    finding.clear_due_time();
  }
  finding.set_sla_breached(r.sla_breached);
  finding.set_etag(c.etag());
  finding.clear_history();
  AppendCaseEvents(c.history, finding.mutable_history());
  return finding;
}

// A mutation of the stored finding (the record's payload), applied by the engine after its
// checks.
cases::Mutation EditPayload(std::function<void(dv1::Enforcement&)> edit) {
  return [edit = std::move(edit)](store::CaseRecord& record) -> absl::Status {
    GOV_ASSIGN_OR_RETURN(dv1::Enforcement finding, StoredFinding(record));
    edit(finding);
    record.payload = SerializeStable(finding);
    return absl::OkStatus();
  };
}

// 查处率 of a category: findings found in the period that are PENALISED now, over those found
// in the period that were confirmed (FOUND, PENALISED or CORRECTED: everything but
// NOT_CONFIRMED). A finding still under investigation counts against the rate until it is
// concluded. Counted on the findings' own store track.
Measure PenaliseRate(dv1::ComplaintCategory category) {
  const std::string key = CategoryKey(category);
  return indicators::OnTrack(
      kEnforcementTrack,
      indicators::Ratio(indicators::CasesInStatus({kPenalised}, {key}),
                        indicators::CasesInStatus({kFound, kPenalised, kCorrected}, {key})));
}

}  // namespace

// The finding state machine ("op" is street_operator, "sys" the enforcement platforms;
// district_admin may take every verb):
//
// clang-format off
// | verb        | from  | to            | clock                                 |
// |-------------|-------|---------------|---------------------------------------|
// | (create)    |       | FOUND         | the rules' working days, from intake  |
// | Penalise    | FOUND | PENALISED     | none                                  |
// | Correct     | FOUND | CORRECTED     | none                                  |
// | NotConfirm  | FOUND | NOT_CONFIRMED | none                                  |
// clang-format on
//
// Every verb is for op and sys. A conclusion after the clock ran out is told by the breach
// scan's "SlaBreach" event on the finding; no indicator asks more of its timing.
cases::TrackSpec EnforcementSpec(const Rules& rules) {
  cases::TrackSpec s;
  s.track = kEnforcementTrack;
  s.aggregate_track = kTrack;
  s.case_kind = "enforcement";
  s.id_prefix = "E";
  s.initial_state = kFound;
  s.states = {
      {kFound, StateClass::kOpen, rules.EnforcementSla()},
      {kPenalised, StateClass::kClosed, cal::Sla::None()},
      {kCorrected, StateClass::kClosed, cal::Sla::None()},
      {kNotConfirmed, StateClass::kClosed, cal::Sla::None()},
  };
  const std::vector<std::string>& roles = WorkRoles();
  s.transitions = {
      {kPenalise, {kFound}, kPenalised, roles, /*restart_sla=*/true},
      {kCorrect, {kFound}, kCorrected, roles, /*restart_sla=*/true},
      {kNotConfirm, {kFound}, kNotConfirmed, roles, /*restart_sla=*/true},
  };
  s.create_roles = roles;
  return s;
}

// The change targets compare the rate of the period with the rate of the same period last year
// the way the indicator engine compares every measure: change = (rate - last year's rate) *
// 10000 / last year's rate, in basis points of last year's rate. So +3000 means the rate rose by
// 30% of itself (50.00% -> 65.00%), not by 30 percentage points; `actual` and `baseline` are
// the two rates in basis points. A year without confirmed findings has no rate, and neither
// has the change; nor has a rise from a rate of 0.
std::vector<indicators::IndicatorSpec> EnforcementIndicators() {
  std::vector<indicators::IndicatorSpec> specs;
  // 流动无证摊贩查处率同比: the mobile stalls' rate, +30% on the same period last year.
  specs.push_back({.id = "mobile_stall_penalise_rate_yoy",
                   .name_zh = "流动无证摊贩查处率同比",
                   .name_en = "Mobile unlicensed stalls investigated and penalised, year on year",
                   .unit = INDICATOR_UNIT_BASIS_POINTS,
                   .direction = DIRECTION_HIGHER_IS_BETTER,
                   .target_kind = TARGET_KIND_CHANGE_VS_BASELINE,
                   .target = kUpThirtyPercent,
                   .measure = PenaliseRate(dv1::COMPLAINT_CATEGORY_MOBILE_STALL)});
  // 无证经营查处率同比: the unlicensed businesses' rate, +30% on the same period last year.
  specs.push_back({.id = "unlicensed_business_penalise_rate_yoy",
                   .name_zh = "无证经营查处率同比",
                   .name_en = "Unlicensed businesses investigated and penalised, year on year",
                   .unit = INDICATOR_UNIT_BASIS_POINTS,
                   .direction = DIRECTION_HIGHER_IS_BETTER,
                   .target_kind = TARGET_KIND_CHANGE_VS_BASELINE,
                   .target = kUpThirtyPercent,
                   .measure = PenaliseRate(dv1::COMPLAINT_CATEGORY_UNLICENSED_BUSINESS)});
  // 非法销售保健品查处率: every confirmed illegal health-supplement sale penalised, 100%.
  specs.push_back({.id = "health_supplement_penalise_rate",
                   .name_zh = "非法销售保健品查处率",
                   .name_en = "Illegal health-supplement sales investigated and penalised",
                   .unit = INDICATOR_UNIT_BASIS_POINTS,
                   .direction = DIRECTION_HIGHER_IS_BETTER,
                   .target_kind = TARGET_KIND_RATE,
                   .target = kFullRate,
                   .measure = PenaliseRate(dv1::COMPLAINT_CATEGORY_HEALTH_SUPPLEMENT)});
  return specs;
}

struct Enforcements::Impl {
  explicit Impl(const DisorderContext& c) : ctx(c) {}
  const DisorderContext ctx;

  cases::CaseEngine& engine() const { return *ctx.enforcement_engine; }

  // The complaint a finding names, as the caller may see it: existing, of the same category.
  absl::Status CheckComplaint(const auth::Principal& who, const dv1::Enforcement& finding) const {
    const std::string& id = finding.complaint_id();
    if (ctx.complaint_engine == nullptr) return absl::InternalError("no complaint engine");
    absl::StatusOr<cases::Case> complaint = ctx.complaint_engine->Get(who, id, false);
    if (absl::IsNotFound(complaint.status())) {
      return InvalidField("enforcement.complaint_id",
                          absl::StrCat("unknown complaint \"", id, "\""));
    }
    if (absl::IsPermissionDenied(complaint.status())) {
      return FieldError(absl::StatusCode::kPermissionDenied, "enforcement.complaint_id",
                        absl::StrCat("complaint ", id, " is outside the caller's scope"));
    }
    GOV_RETURN_IF_ERROR(complaint.status());
    const std::string category = CategoryKey(finding.category());
    if (complaint->record.category != category) {
      return InvalidField("enforcement.complaint_id",
                          absl::StrCat("complaint ", id, " is of category ",
                                       complaint->record.category, ", not ", category));
    }
    return absl::OkStatus();
  }

  absl::StatusOr<cases::Case> Create(const auth::Principal& who,
                                     const dv1::RecordEnforcementRequest& in) {
    GOV_RETURN_IF_ERROR(ValidateRequestId(in.request_id(), "request_id"));
    GOV_RETURN_IF_ERROR(ValidateNewFinding(in.enforcement(), *ctx.regions, ctx.clock->Now()));
    const dv1::Enforcement stored = Recorded(in.enforcement());
    const std::string& street = stored.region().street_id();
    if (!who.CanAccessStreet(street)) {
      return absl::PermissionDeniedError(
          absl::StrCat("street \"", street, "\" is outside the caller's scope"));
    }
    if (!stored.complaint_id().empty()) GOV_RETURN_IF_ERROR(CheckComplaint(who, stored));

    cases::NewCase input;
    input.category = CategoryKey(stored.category());
    input.street_id = street;
    input.community_id = stored.region().community_id();
    input.grid_id = stored.region().grid_id();
    // Counted, and listed, by when it was found; the investigation's clock runs from now.
    input.occurred_at = FromTimestamp(stored.found_time());
    input.payload = SerializeStable(stored);
    input.note = stored.complaint_id().empty()
                     ? absl::StrCat("found ", absl::FormatTime(*input.occurred_at))
                     : absl::StrCat("found ", absl::FormatTime(*input.occurred_at),
                                    " from complaint ", stored.complaint_id());
    const std::string hash = cases::CaseEngine::RequestHash(input.payload);
    return engine().Create(who, input, in.request_id(), hash);
  }

  absl::StatusOr<dv1::Enforcement> Move(const auth::Principal& who, const std::string& verb,
                                        const std::string& id, const std::string& etag,
                                        const std::string& note, const cases::Mutation& mutation) {
    GOV_ASSIGN_OR_RETURN(const cases::Case c,
                         engine().Transition(who, verb, id, etag, note, mutation));
    return FindingFromCase(c);
  }
};

Enforcements::Enforcements(const DisorderContext& ctx) : impl_(std::make_unique<Impl>(ctx)) {}
Enforcements::~Enforcements() = default;

absl::Status Enforcements::Record(const auth::Principal& who,
                                  const dv1::RecordEnforcementRequest& in,
                                  dv1::RecordEnforcementResponse* out) {
  GOV_ASSIGN_OR_RETURN(const cases::Case c, impl_->Create(who, in));
  // The history is GetEnforcement's.
  GOV_ASSIGN_OR_RETURN(*out->mutable_enforcement(), FindingFromCase(cases::Case{c.record, {}}));
  out->set_created(c.created);
  return absl::OkStatus();
}

// Findings hold no private details: every role that may call reads them whole, within its scope
// (the engine keeps a principal of some streets within them).
absl::Status Enforcements::Get(const auth::Principal& who, const dv1::GetEnforcementRequest& in,
                               dv1::GetEnforcementResponse* out) {
  GOV_RETURN_IF_ERROR(ValidateId(in.id(), "id"));
  GOV_ASSIGN_OR_RETURN(const cases::Case c,
                       impl_->engine().Get(who, in.id(), /*with_history=*/true));
  GOV_ASSIGN_OR_RETURN(*out->mutable_enforcement(), FindingFromCase(c));
  return absl::OkStatus();
}

absl::Status Enforcements::List(const auth::Principal& who, const dv1::ListEnforcementsRequest& in,
                                dv1::ListEnforcementsResponse* out) {
  GOV_ASSIGN_OR_RETURN(const int size, cases::PageSize(in.page_size()));
  GOV_RETURN_IF_ERROR(
      impl_->ctx.regions->Validate(in.region(), "region", /*require_street=*/false));
  cases::ListRequest request;
  store::CaseFilter& filter = request.filter;
  GOV_ASSIGN_OR_RETURN(filter.categories,
                       EnumFilterKeys<dv1::ComplaintCategory>(in.categories(), "categories",
                                                              "a complaint category"));
  GOV_ASSIGN_OR_RETURN(filter.statuses, EnumFilterKeys<dv1::EnforcementStatus>(
                                            in.statuses(), "statuses", "an enforcement status"));
  GOV_RETURN_IF_ERROR(cases::FilterByPeriod(in.period(), impl_->ctx.clock->Now(), filter));
  filter.street_id = in.region().street_id();
  filter.community_id = in.region().community_id();
  filter.grid_id = in.region().grid_id();
  request.page_size = size;
  request.page_token = in.page_token();
  GOV_ASSIGN_OR_RETURN(cases::ListResult page, impl_->engine().List(who, std::move(request)));
  for (const cases::Case& c : page.cases) {
    GOV_ASSIGN_OR_RETURN(*out->add_enforcements(), FindingFromCase(c));
  }
  out->set_next_page_token(std::move(page.next_page_token));
  return absl::OkStatus();
}

absl::Status Enforcements::Penalise(const auth::Principal& who,
                                    const dv1::PenaliseEnforcementRequest& in,
                                    dv1::PenaliseEnforcementResponse* out) {
  GOV_RETURN_IF_ERROR(ValidateId(in.id(), "id"));
  if (in.etag().empty()) return InvalidField("etag", "required");
  GOV_RETURN_IF_ERROR(ValidateText(in.decision_number(), "decision_number", kMaxDecisionNumber,
                                   /*required=*/true));
  if (in.fine_yuan() < 0 || in.fine_yuan() > kMaxFineYuan) {
    return InvalidField("fine_yuan", absl::StrCat("must lie within 0..", kMaxFineYuan));
  }
  GOV_RETURN_IF_ERROR(ValidateText(in.note(), "note", kMaxNote));
  const std::string decision = in.decision_number();
  const int64_t fine = in.fine_yuan();
  const std::string note = in.note();
  const cases::Mutation mutation = EditPayload([&](dv1::Enforcement& finding) {
    finding.set_decision_number(decision);
    finding.set_fine_yuan(fine);
    finding.set_close_note(note);
  });
  std::string history = absl::StrCat("decision ", decision, ", fine ", fine, " yuan");
  if (!note.empty()) absl::StrAppend(&history, ": ", note);
  GOV_ASSIGN_OR_RETURN(*out->mutable_enforcement(),
                       impl_->Move(who, kPenalise, in.id(), in.etag(), history, mutation));
  return absl::OkStatus();
}

absl::Status Enforcements::Close(const auth::Principal& who, const dv1::CloseEnforcementRequest& in,
                                 dv1::CloseEnforcementResponse* out) {
  GOV_RETURN_IF_ERROR(ValidateId(in.id(), "id"));
  if (in.etag().empty()) return InvalidField("etag", "required");
  const char* verb = nullptr;
  switch (in.outcome()) {
    case dv1::ENFORCEMENT_STATUS_CORRECTED:
      verb = kCorrect;
      break;
    case dv1::ENFORCEMENT_STATUS_NOT_CONFIRMED:
      verb = kNotConfirm;
      break;
    default:
      return InvalidField("outcome",
                          "CORRECTED or NOT_CONFIRMED (a penalty is PenaliseEnforcement's)");
  }
  GOV_RETURN_IF_ERROR(ValidateText(in.note(), "note", kMaxNote, /*required=*/true));
  const std::string note = in.note();
  const cases::Mutation mutation =
      EditPayload([&note](dv1::Enforcement& finding) { finding.set_close_note(note); });
  GOV_ASSIGN_OR_RETURN(*out->mutable_enforcement(),
                       impl_->Move(who, verb, in.id(), in.etag(), note, mutation));
  return absl::OkStatus();
}

// ---- Demo data ----

namespace {

// The principal the demo records and concludes findings as (the enforcement platform).
constexpr char kDemoActor[] = "enforcement-demo";
// Days back from today the demo covers (two years and a day, so that the same period of last
// year is complete for every period of this year).
constexpr int kDemoSpanDays = 731;
// Findings are independent of one another: they load side by side.
constexpr int kDemoWorkers = 8;
// The golden ratio's fraction, for the findings' draws (PlanEnds).
constexpr double kPhi = 0.6180339887498949;

struct DemoCategory {
  dv1::ComplaintCategory category;
  double per_day;  // district-wide findings a day
  // Shares of the findings: not confirmed; and penalised among the confirmed ones last year
  // (and before) and this year.
  double not_confirmed;
  double penalised_last_year;
  double penalised_this_year;
  const char* subjects[3];
  const char* texts[3];
};

// By their shares, stalls +39% on last year (on target) and businesses +26% (short of it);
// every confirmed health-supplement sale penalised. The findings still under investigation
// pull the latest weeks' rates down.
const std::vector<DemoCategory>& DemoCategories() {
  static const auto* categories = new std::vector<DemoCategory>{
      {dv1::COMPLAINT_CATEGORY_MOBILE_STALL,
       1.6,
       0.08,
       0.46,
       0.64,
       {"流动水果摊", "流动小吃摊", "占道早餐摊"},
       {"巡查发现流动摊贩占道经营", "学校门口流动摊贩聚集经营", "夜间流动摊贩占用人行道"}},
      {dv1::COMPLAINT_CATEGORY_UNLICENSED_BUSINESS,
       1.0,
       0.10,
       0.50,
       0.63,
       {"无证小餐饮店", "无照维修店", "无证食品加工小作坊"},
       {"现场检查未能出示营业执照", "住宅楼内无证经营餐饮", "无照经营并占道堆放物品"}},
      {dv1::COMPLAINT_CATEGORY_HEALTH_SUPPLEMENT,
       0.3,
       0.15,
       1.0,
       1.0,
       {"保健品会销点", "保健品体验店", "流动保健品推销人员"},
       {"以讲座名义向老年人推销保健品", "虚假宣传保健品疗效", "未经许可销售保健品"}},
      {dv1::COMPLAINT_CATEGORY_COOKING_FUMES,
       0.4,
       0.10,
       0.40,
       0.45,
       {"烧烤店", "中餐馆", "快餐店"},
       {"油烟净化设施未正常使用", "油烟直排", "露天烧烤"}},
      {dv1::COMPLAINT_CATEGORY_MUCK_TRUCK,
       0.25,
       0.05,
       0.55,
       0.60,
       {"渣土运输车辆", "工程运输车", "渣土车"},
       {"未密闭运输沿路抛洒", "无准运证运输渣土", "车身不洁带泥上路"}},
      {dv1::COMPLAINT_CATEGORY_STREET_APPEARANCE,
       0.5,
       0.10,
       0.30,
       0.35,
       {"沿街商铺", "临街餐馆", "便利店"},
       {"跨门经营", "违规设置户外广告", "乱堆乱放影响市容"}},
  };
  return *categories;
}

int Pick(uint64_t seed, int n) { return static_cast<int>(UnitInterval(seed) * n); }

// Rates accumulate from this day, so that what a day holds never depends on the span loaded.
constexpr absl::CivilDay kEpoch(2020, 1, 1);

// What becomes of a demo finding.
enum class DemoEnd { kFound, kPenalised, kCorrected, kNotConfirmed };

struct DemoFinding {
  dv1::RecordEnforcementRequest request;
  absl::Time at;
  int category = 0;  // index into DemoCategories()
  bool open = false;
  bool this_year = false;
  uint64_t seed = 0;
  DemoEnd end = DemoEnd::kFound;
  int64_t fine = 0;
};

// The findings of one street and category from kEpoch to now: the last days' findings may still
// be under investigation, and a few older ones were left open. Their other ends are decided
// across the district (PlanEnds).
void PlanStream(const governance::config::v1::Street& street, int s, int c, double per_day,
                absl::CivilDay today, absl::Time now, std::vector<DemoFinding>& out) {
  const DemoCategory& category = DemoCategories()[c];
  double accumulated = UnitInterval(Seed(-1, s, c));
  for (absl::CivilDay day = kEpoch; day <= today; ++day) {
    const double before = accumulated;
    accumulated += per_day * (0.6 + 0.8 * UnitInterval(Seed(day - kEpoch, s, c)));
    const int count = static_cast<int>(std::floor(accumulated) - std::floor(before));
    for (int k = 0; k < count; ++k) {
      const uint64_t seed = Seed(day - kEpoch, s, 100 * c + k + 1);
      const int hour = 8 + Pick(Mix(seed ^ 1), 13);
      const absl::Time at =
          absl::FromCivil(absl::CivilSecond(day.year(), day.month(), day.day(), hour,
                                            Pick(Mix(seed ^ 2), 60), Pick(Mix(seed ^ 3), 60)),
                          cal::DistrictZone());
      if (at > now) continue;

      DemoFinding f;
      f.at = at;
      f.category = c;
      f.seed = seed;
      f.this_year = day.year() == today.year();
      f.request.set_request_id(absl::StrFormat("demo-enf-%04d%02d%02d-%s-%s-%d", day.year(),
                                               day.month(), day.day(), street.id(),
                                               CategoryKey(category.category), k));
      dv1::Enforcement& e = *f.request.mutable_enforcement();
      e.set_category(category.category);
      e.mutable_region()->set_street_id(street.id());
      std::string place = street.name();
      if (street.communities_size() > 0) {
        const auto& community = street.communities(Pick(Mix(seed ^ 4), street.communities_size()));
        e.mutable_region()->set_community_id(community.id());
        place = community.name();
        if (community.grids_size() > 0 && Pick(Mix(seed ^ 5), 10) < 6) {
          e.mutable_region()->set_grid_id(
              community.grids(Pick(Mix(seed ^ 6), community.grids_size())));
        }
      }
      e.set_address(absl::StrCat(place, "演示路", 1 + Pick(Mix(seed ^ 7), 299), "号附近"));
      e.set_subject(category.subjects[Pick(Mix(seed ^ 8), 3)]);
      e.set_description(absl::StrCat(category.texts[Pick(Mix(seed ^ 9), 3)], "（演示数据）"));
      *e.mutable_found_time() = ToTimestamp(at);

      const int age_days = static_cast<int>(today - day);
      const double open_roll = UnitInterval(Mix(seed ^ 10));
      f.open = (age_days < 3 && open_roll < 0.6) || (age_days < 10 && open_roll < 0.25) ||
               open_roll < 0.005;
      out.push_back(std::move(f));
    }
  }
}

// The ends of the findings: a category's findings across the district, in the order they were
// found from kEpoch on, draw frac(k * kPhi) in turn for their outcome, so that the outcomes of
// any stretch of time come close to the category's shares (and a finding's draw never depends on
// the span loaded).
void PlanEnds(std::vector<DemoFinding>& findings) {
  std::vector<std::vector<DemoFinding*>> by_category(DemoCategories().size());
  for (DemoFinding& f : findings) by_category[f.category].push_back(&f);
  for (size_t c = 0; c < by_category.size(); ++c) {
    std::vector<DemoFinding*>& stream = by_category[c];
    std::sort(stream.begin(), stream.end(), [](const DemoFinding* a, const DemoFinding* b) {
      return a->at != b->at ? a->at < b->at : a->request.request_id() < b->request.request_id();
    });
    const DemoCategory& category = DemoCategories()[c];
    double draw = UnitInterval(Seed(-2, 0, static_cast<int64_t>(c)));
    for (DemoFinding* f : stream) {
      draw += kPhi;
      draw -= std::floor(draw);
      const double penalised =
          f->this_year ? category.penalised_this_year : category.penalised_last_year;
      if (f->open) {
        f->end = DemoEnd::kFound;
      } else if (draw < category.not_confirmed) {
        f->end = DemoEnd::kNotConfirmed;
      } else if (draw < category.not_confirmed + (1 - category.not_confirmed) * penalised) {
        f->end = DemoEnd::kPenalised;
        // Fines of 200 to 5000 yuan in steps of 100; one in ten a penalty without a fine.
        f->fine = Pick(Mix(f->seed ^ 11), 10) == 0 ? 0 : 100 * (2 + Pick(Mix(f->seed ^ 12), 49));
      } else {
        f->end = DemoEnd::kCorrected;
      }
    }
  }
}

struct DemoCounts {
  std::atomic<int64_t> planned{0};
  std::atomic<int64_t> created{0};
  std::atomic<int64_t> replayed{0};
  std::atomic<int64_t> conflicts{0};
  std::atomic<int64_t> concluded{0};
};

// Concludes a recorded demo finding as planned (nothing when it stands elsewhere already).
absl::Status Conclude(Enforcements& enforcements, const auth::Principal& actor,
                      const DemoFinding& plan, const dv1::Enforcement& finding, bool* done) {
  *done = false;
  if (finding.status() != dv1::ENFORCEMENT_STATUS_FOUND || plan.end == DemoEnd::kFound) {
    return absl::OkStatus();
  }
  if (plan.end == DemoEnd::kPenalised) {
    dv1::PenaliseEnforcementRequest request;
    request.set_id(finding.id());
    request.set_etag(finding.etag());
    const absl::CivilDay day = cal::LocalDay(FromTimestamp(finding.found_time()));
    request.set_decision_number(
        absl::StrFormat("演示综执罚决字〔%04d〕%s", day.year(), finding.id()));
    request.set_fine_yuan(plan.fine);
    request.set_note("已依法立案查处（演示数据）");
    dv1::PenaliseEnforcementResponse penalised;
    GOV_RETURN_IF_ERROR(enforcements.Penalise(actor, request, &penalised));
  } else {
    dv1::CloseEnforcementRequest request;
    request.set_id(finding.id());
    request.set_etag(finding.etag());
    if (plan.end == DemoEnd::kCorrected) {
      request.set_outcome(dv1::ENFORCEMENT_STATUS_CORRECTED);
      request.set_note("经教育劝导已自行整改（演示数据）");
    } else {
      request.set_outcome(dv1::ENFORCEMENT_STATUS_NOT_CONFIRMED);
      request.set_note("现场核查未发现违法行为（演示数据）");
    }
    dv1::CloseEnforcementResponse closed;
    GOV_RETURN_IF_ERROR(enforcements.Close(actor, request, &closed));
  }
  *done = true;
  return absl::OkStatus();
}

}  // namespace

// The demo records every finding at its past found time (through Record, which counts it by
// then) and concludes it at the real "now": a restart replays the recordings (request ids) and
// concludes only what is still FOUND against its plan.
absl::Status LoadEnforcementDemoData(const DisorderContext& ctx, Enforcements& enforcements) {
  const absl::Time now = ctx.clock->Now();
  const absl::CivilDay today = cal::LocalDay(now);
  const auto& streets = ctx.regions->streets();
  int total_communities = 0;
  for (const auto* street : streets) total_communities += std::max(street->communities_size(), 1);
  const int n_categories = static_cast<int>(DemoCategories().size());

  std::vector<DemoFinding> all;
  for (int s = 0; s < static_cast<int>(streets.size()); ++s) {
    const double share = static_cast<double>(std::max(streets[s]->communities_size(), 1)) /
                         std::max(total_communities, 1);
    for (int c = 0; c < n_categories; ++c) {
      PlanStream(*streets[s], s, c, DemoCategories()[c].per_day * share, today, now, all);
    }
  }
  PlanEnds(all);
  const absl::Time from = absl::FromCivil(today - kDemoSpanDays, cal::DistrictZone());
  std::vector<DemoFinding> plans;
  for (DemoFinding& f : all) {
    if (f.at >= from) plans.push_back(std::move(f));
  }

  const auth::Principal actor = auth::SystemPrincipal(kDemoActor);
  DemoCounts counts;
  counts.planned = static_cast<int64_t>(plans.size());
  GOV_RETURN_IF_ERROR(
      ParallelFor(static_cast<int>(plans.size()), kDemoWorkers, [&](int, int i) -> absl::Status {
        const DemoFinding& plan = plans[i];
        dv1::RecordEnforcementResponse recorded;
        const absl::Status status = enforcements.Record(actor, plan.request, &recorded);
        if (absl::IsAlreadyExists(status)) {
          // Stored with other content by an older version of this loader: left as it is.
          counts.conflicts++;
          return absl::OkStatus();
        }
        GOV_RETURN_IF_ERROR(status);
        (recorded.created() ? counts.created : counts.replayed)++;
        bool done = false;
        GOV_RETURN_IF_ERROR(Conclude(enforcements, actor, plan, recorded.enforcement(), &done));
        if (done) counts.concluded++;
        return absl::OkStatus();
      }));
  log::Info("enforcement demo data loaded", {{"planned", absl::StrCat(counts.planned.load())},
                                             {"created", absl::StrCat(counts.created.load())},
                                             {"replayed", absl::StrCat(counts.replayed.load())},
                                             {"conflicting", absl::StrCat(counts.conflicts.load())},
                                             {"concluded", absl::StrCat(counts.concluded.load())},
                                             {"now", absl::FormatTime(now)}});
  return absl::OkStatus();
}

}  // namespace gov::disorder
