#include "services/disorder/enforcement.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/cases/case_kind.h"
#include "common/cases/list_request.h"
#include "common/cases/page_token.h"
#include "common/util/proto.h"
#include "common/util/status.h"
#include "common/util/validate.h"
#include "services/disorder/complaint_spec.h"
#include "services/disorder/validation.h"

namespace gov::disorder {
namespace {

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
constexpr size_t kMaxDecisionNumber = 64;
constexpr size_t kMaxNote = 500;
constexpr int64_t kMaxFineYuan = 10'000'000;

// Who records and concludes findings: the enforcement platforms (system) and the street
// operators of the finding's street; district_admin always may (the engine's rule).
const std::vector<std::string>& WorkRoles() {
  static const auto* roles = new std::vector<std::string>{auth::kSystem, auth::kStreetOperator};
  return *roles;
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
                   .measure = PenaliseRate(dv1::COMPLAINT_CATEGORY_MOBILE_STALL)});
  // 无证经营查处率同比: the unlicensed businesses' rate against the same period last year. The
  // plan runs a district-wide remediation of unlicensed businesses without a number (its +30% is
  // the mobile stalls'): the rate and its change are shown, ungraded.
  indicators::IndicatorSpec business{
      .id = "unlicensed_business_penalise_rate_yoy",
      .name_zh = "无证经营查处率同比",
      .name_en = "Unlicensed businesses investigated and penalised, year on year",
      .unit = INDICATOR_UNIT_BASIS_POINTS,
      .direction = DIRECTION_HIGHER_IS_BETTER,
      .measure = PenaliseRate(dv1::COMPLAINT_CATEGORY_UNLICENSED_BUSINESS)};
  business.against_last_year = true;
  specs.push_back(std::move(business));
  // 非法销售保健品查处率: every confirmed illegal health-supplement sale penalised, 100%.
  specs.push_back({.id = "health_supplement_penalise_rate",
                   .name_zh = "非法销售保健品查处率",
                   .name_en = "Illegal health-supplement sales investigated and penalised",
                   .unit = INDICATOR_UNIT_BASIS_POINTS,
                   .direction = DIRECTION_HIGHER_IS_BETTER,
                   .target_kind = TARGET_KIND_RATE,
                   .measure = PenaliseRate(dv1::COMPLAINT_CATEGORY_HEALTH_SUPPLEMENT)});
  return specs;
}

Enforcements::Enforcements(const server::TrackDeps& deps, cases::CaseEngine* findings,
                           cases::CaseEngine* complaints)
    : deps_(deps), findings_(findings), complaints_(complaints) {}

absl::Status Enforcements::CheckComplaint(const auth::Principal& who,
                                          const dv1::Enforcement& finding) const {
  const std::string& id = finding.complaint_id();
  absl::StatusOr<cases::Case> complaint = complaints_->Get(who, id, false);
  if (absl::IsNotFound(complaint.status())) {
    return InvalidField("enforcement.complaint_id", absl::StrCat("unknown complaint \"", id, "\""));
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

absl::StatusOr<dv1::Enforcement> Enforcements::Move(const auth::Principal& who,
                                                    const std::string& verb, const std::string& id,
                                                    const std::string& etag,
                                                    const std::string& note,
                                                    const cases::Mutation& mutation) const {
  GOV_ASSIGN_OR_RETURN(const cases::Case c,
                       findings_->Transition(who, verb, id, etag, note, mutation));
  return FindingKind().FromCase(c, who);
}

absl::Status Enforcements::Record(const auth::Principal& who,
                                  const dv1::RecordEnforcementRequest& in,
                                  dv1::RecordEnforcementResponse* out) {
  GOV_RETURN_IF_ERROR(ValidateRequestId(in.request_id(), "request_id"));
  GOV_RETURN_IF_ERROR(ValidateNewFinding(in.enforcement(), *deps_.regions, deps_.clock->Now()));
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
  input.payload = FindingKind().Payload(stored);
  input.note = stored.complaint_id().empty()
                   ? absl::StrCat("found ", absl::FormatTime(*input.occurred_at))
                   : absl::StrCat("found ", absl::FormatTime(*input.occurred_at),
                                  " from complaint ", stored.complaint_id());
  // The whole recording, the found time included (the payload leaves it to the record).
  const std::string hash = cases::CaseEngine::RequestHash(SerializeStable(stored));
  GOV_ASSIGN_OR_RETURN(const cases::Case c, findings_->Create(who, input, in.request_id(), hash));
  // The history is GetEnforcement's.
  GOV_ASSIGN_OR_RETURN(*out->mutable_enforcement(),
                       FindingKind().FromCase(cases::Case{c.record, {}}, who));
  out->set_created(c.created);
  return absl::OkStatus();
}

// Findings hold no private details: every role that may call reads them whole, within its scope
// (the engine keeps a principal of some streets within them; the kind's rule).
absl::Status Enforcements::Get(const auth::Principal& who, const dv1::GetEnforcementRequest& in,
                               dv1::GetEnforcementResponse* out) {
  GOV_RETURN_IF_ERROR(ValidateId(in.id(), "id"));
  GOV_ASSIGN_OR_RETURN(const cases::Case c, findings_->Get(who, in.id(), /*with_history=*/true));
  GOV_ASSIGN_OR_RETURN(*out->mutable_enforcement(), FindingKind().FromCase(c, who));
  return absl::OkStatus();
}

absl::Status Enforcements::List(const auth::Principal& who, const dv1::ListEnforcementsRequest& in,
                                dv1::ListEnforcementsResponse* out) {
  GOV_ASSIGN_OR_RETURN(
      cases::ListRequest request,
      cases::ReadListRequest(
          in, {.statuses = "statuses", .categories = "categories", .period = "period"},
          *deps_.regions, deps_.clock->Now()));
  GOV_ASSIGN_OR_RETURN(cases::ListResult page, findings_->List(who, std::move(request)));
  GOV_ASSIGN_OR_RETURN(const std::vector<dv1::Enforcement> findings,
                       FindingKind().FromCases(page.cases, who));
  for (const dv1::Enforcement& finding : findings) *out->add_enforcements() = finding;
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
  const cases::Mutation mutation = FindingKind().Edit([&](dv1::Enforcement& finding) {
    finding.set_decision_number(decision);
    finding.set_fine_yuan(fine);
    finding.set_close_note(note);
    return absl::OkStatus();
  });
  std::string history = absl::StrCat("decision ", decision, ", fine ", fine, " yuan");
  if (!note.empty()) absl::StrAppend(&history, ": ", note);
  GOV_ASSIGN_OR_RETURN(*out->mutable_enforcement(),
                       Move(who, kPenalise, in.id(), in.etag(), history, mutation));
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
  const cases::Mutation mutation = FindingKind().Edit([&note](dv1::Enforcement& finding) {
    finding.set_close_note(note);
    return absl::OkStatus();
  });
  GOV_ASSIGN_OR_RETURN(*out->mutable_enforcement(),
                       Move(who, verb, in.id(), in.etag(), note, mutation));
  return absl::OkStatus();
}

}  // namespace gov::disorder
