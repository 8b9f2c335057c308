#include "services/disorder/complaint_spec.h"

#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

#include "common/auth/auth.h"
#include "common/util/proto.h"
#include "services/disorder/kinds.h"

namespace gov::disorder {
namespace {

using cases::StateClass;
using governance::v1::DIRECTION_HIGHER_IS_BETTER;
using governance::v1::DIRECTION_LOWER_IS_BETTER;
using governance::v1::INDICATOR_UNIT_BASIS_POINTS;
using governance::v1::TARGET_KIND_RATE;
using governance::v1::TARGET_KIND_UNSPECIFIED;

constexpr ResolveVerbs kResolveVerbs[] = {
    {dv1::RESOLUTION_OUTCOME_RESOLVED, "ResolveResolved", "ResolveResolvedLate"},
    {dv1::RESOLUTION_OUTCOME_MEDIATED, "ResolveMediated", "ResolveMediatedLate"},
    {dv1::RESOLUTION_OUTCOME_MEDIATION_FAILED, "ResolveMediationFailed",
     "ResolveMediationFailedLate"},
    {dv1::RESOLUTION_OUTCOME_PENALISED, "ResolvePenalised", "ResolvePenalisedLate"},
    {dv1::RESOLUTION_OUTCOME_UNFOUNDED, "ResolveUnfounded", "ResolveUnfoundedLate"},
};

// Who does the work: the intake platforms (system: hotline, app, City Eye) and the street
// operators of the complaint's street; district_admin always may.
const std::vector<std::string>& WorkRoles() {
  static const auto* roles = new std::vector<std::string>{auth::kSystem, auth::kStreetOperator};
  return *roles;
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

const std::vector<std::string>& OpenStatuses() {
  static const auto* statuses = new std::vector<std::string>{kDispatched, kHandling, kResolved};
  return *statuses;
}

const std::vector<std::string>& JointStatuses() {
  static const auto* statuses = new std::vector<std::string>{kDispatched, kHandling};
  return *statuses;
}

std::string CategoryKey(dv1::ComplaintCategory category) { return EnumKey(category); }

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
// | AddJointUnit         | DISPATCHED, HANDLING          | (stays)                  | keeps     |
// | CompleteJointStep    | DISPATCHED, HANDLING          | (stays)                  | keeps     |
// clang-format on
//
// Every verb is for op and sys; the engine adds district_admin. A resolution or a merge is
// refused by the part while an added unit's step is open (complaint_joint.cc).
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
  spec.transitions.push_back({kAddJointUnit, JointStatuses(), "", roles, false});
  spec.transitions.push_back({kCompleteJointStep, JointStatuses(), "", roles, false});
  spec.create_roles = roles;
  return spec;
}

std::vector<indicators::IndicatorSpec> ComplaintIndicators() {
  const std::string health = CategoryKey(dv1::COMPLAINT_CATEGORY_HEALTH_SUPPLEMENT);
  const std::string prepaid = CategoryKey(dv1::COMPLAINT_CATEGORY_PREPAID_CARD);
  // The verbs that end a prepaid-card mediation, either way.
  const std::vector<std::string> mediations =
      ResolveVerbsFor({dv1::RESOLUTION_OUTCOME_MEDIATED, dv1::RESOLUTION_OUTCOME_MEDIATION_FAILED});
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
       .measure = indicators::Ratio(
           indicators::CasesInStatus({kResolved, kClosed}, {health}),
           indicators::CasesInStatus({kDispatched, kHandling, kResolved, kClosed}, {health}))});
  // 预付卡纠纷调解成功率: prepaid-card complaints whose mediation ended in the period (mediated
  // or failed), each once, and of them those whose last resolution of the period mediated the
  // dispute; at least 50%.
  specs.push_back(
      {.id = "prepaid_mediation_success",
       .name_zh = "预付卡纠纷调解成功率",
       .name_en = "Prepaid-card mediation success",
       .unit = INDICATOR_UNIT_BASIS_POINTS,
       .direction = DIRECTION_HIGHER_IS_BETTER,
       .target_kind = TARGET_KIND_RATE,
       .measure = indicators::Ratio(
           indicators::CasesWithAction(mediations, {prepaid},
                                       ResolveVerbsFor({dv1::RESOLUTION_OUTCOME_MEDIATED})),
           indicators::CasesWithAction(mediations, {prepaid}))});
  // 预付卡重复投诉率: prepaid-card complaints taken in during the period that were repeats or
  // merged duplicates, over all prepaid-card complaints taken in; at most 4%.
  specs.push_back(
      {.id = "prepaid_repeat_rate",
       .name_zh = "预付卡重复投诉率",
       .name_en = "Prepaid-card repeat-complaint rate",
       .unit = INDICATOR_UNIT_BASIS_POINTS,
       .direction = DIRECTION_LOWER_IS_BETTER,
       .target_kind = TARGET_KIND_RATE,
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

}  // namespace gov::disorder
