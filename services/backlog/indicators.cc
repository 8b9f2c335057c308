#include "services/backlog/indicators.h"

#include <string>
#include <utility>
#include <vector>

#include "common/auth/auth.h"
#include "common/cases/list_request.h"
#include "common/util/proto.h"
#include "common/util/status.h"
#include "services/backlog/cases.h"
#include "services/backlog/model.h"

namespace gov::backlog {
namespace {

using governance::v1::DIRECTION_HIGHER_IS_BETTER;
using governance::v1::DIRECTION_LOWER_IS_BETTER;
using governance::v1::INDICATOR_UNIT_COUNT;
using governance::v1::TARGET_KIND_ABSOLUTE;
using indicators::EvalContext;
using indicators::Measure;
using indicators::Value;

const std::vector<std::string> kOpen = {kInProgress, kResolved};
const std::vector<std::string> kOpenWarning = {kRaised, kAcknowledged};

// Milestones open past their due time now, of the cases in progress in the context's region (a
// present state: the same for every period).
Measure OverdueMilestones(cases::CaseEngine* engine) {
  return [engine](const EvalContext& ctx) -> absl::StatusOr<Value> {
    cases::ListRequest request;
    request.filter.statuses = {kInProgress};
    request.filter.street_id = ctx.street_id;
    request.filter.community_id = ctx.community_id;
    // The context's streets (several for a principal of several) as the reader's scope.
    auth::Principal reader = auth::SystemPrincipal("backlog-indicators");
    reader.streets.insert(ctx.streets.begin(), ctx.streets.end());
    GOV_ASSIGN_OR_RETURN(const std::vector<cases::Case> in_progress,
                         cases::ListEvery(*engine, reader, std::move(request)));
    int64_t overdue = 0;
    for (const cases::Case& c : in_progress) {
      GOV_ASSIGN_OR_RETURN(bv1::BacklogCase backlog_case, BacklogCaseKind().FromCase(c));
      MarkOverdue(backlog_case, ctx.now);
      overdue += backlog_case.overdue_milestones();
    }
    return Value{overdue};
  };
}

indicators::IndicatorSpec OpenWarnings(const char* id, const char* zh, const char* en,
                                       bv1::WarningLevel level) {
  return {.id = id,
          .name_zh = zh,
          .name_en = en,
          .unit = INDICATOR_UNIT_COUNT,
          .direction = DIRECTION_LOWER_IS_BETTER,
          .measure = indicators::SinceTheStart(indicators::OnTrack(
              kWarningTrack, indicators::CasesInStatus(kOpenWarning, {}, {EnumKey(level)})))};
}

}  // namespace

std::vector<indicators::IndicatorSpec> BacklogIndicators(cases::CaseEngine* cases,
                                                         const Projects* projects) {
  std::vector<indicators::IndicatorSpec> specs;
  // 积案全面清零: of the cases listed by the period's end, the share verified cleared by then.
  specs.push_back(indicators::HigherRate(
      "backlog_clearance_rate", "积案化解率", "Listed backlog cases cleared",
      indicators::SinceTheStart(
          indicators::Ratio(indicators::CasesWithAction({kVerify}), indicators::CasesOpened()))));
  // The open backlog on the way to zero: the cases listed by the period's end not yet cleared.
  specs.push_back({.id = "open_backlog_cases",
                   .name_zh = "未化解积案数",
                   .name_en = "Backlog cases not yet cleared",
                   .unit = INDICATOR_UNIT_COUNT,
                   .direction = DIRECTION_LOWER_IS_BETTER,
                   .target_kind = TARGET_KIND_ABSOLUTE,
                   .measure = indicators::SinceTheStart(indicators::CasesInStatus(kOpen))});
  // Watched: the cases cleared in the period, the milestones overdue now, the warnings open at
  // each level of the store.
  specs.push_back({.id = "backlog_cleared",
                   .name_zh = "化解积案数",
                   .name_en = "Backlog cases cleared in the period",
                   .unit = INDICATOR_UNIT_COUNT,
                   .direction = DIRECTION_HIGHER_IS_BETTER,
                   .measure = indicators::CasesWithAction({kVerify})});
  specs.push_back({.id = "overdue_milestones",
                   .name_zh = "逾期节点数",
                   .name_en = "Plan milestones overdue",
                   .unit = INDICATOR_UNIT_COUNT,
                   .direction = DIRECTION_LOWER_IS_BETTER,
                   .measure = OverdueMilestones(cases)});
  specs.push_back(OpenWarnings("warnings_community", "社区级警示数",
                               "Open warnings, community level", bv1::WARNING_LEVEL_COMMUNITY));
  specs.push_back(OpenWarnings("warnings_street", "街道级警示数", "Open warnings, street level",
                               bv1::WARNING_LEVEL_STREET));
  specs.push_back(OpenWarnings("warnings_district", "区级警示数", "Open warnings, district level",
                               bv1::WARNING_LEVEL_DISTRICT));
  // Watched: the problems the rolling re-screening found that wait for a decision, and the
  // supervision notices open at the highest level (挂牌督办).
  specs.push_back({.id = "screening_entries_undecided",
                   .name_zh = "排查待研判问题数",
                   .name_en = "Screening entries not yet accepted or dismissed",
                   .unit = INDICATOR_UNIT_COUNT,
                   .direction = DIRECTION_LOWER_IS_BETTER,
                   .measure = indicators::SinceTheStart(indicators::OnTrack(
                       kScreeningTrack, indicators::CasesInStatus({kReported})))});
  specs.push_back(
      {.id = "listed_supervision_notices",
       .name_zh = "挂牌督办未结数",
       .name_en = "Supervision notices open at the listed level",
       .unit = INDICATOR_UNIT_COUNT,
       .direction = DIRECTION_LOWER_IS_BETTER,
       .measure = indicators::SinceTheStart(indicators::OnTrack(
           kNoticeTrack, indicators::CasesInStatus({kIssued, kAnswered}, {},
                                                   {EnumKey(bv1::SUPERVISION_LEVEL_LISTED)})))});
  // 应评尽评: every project that needs a social-stability risk assessment has one.
  specs.push_back(indicators::HigherRate("assessment_coverage", "社会稳定风险评估应评尽评率",
                                         "Projects needing a risk assessment that have one",
                                         projects->AssessmentCoverage()));
  return specs;
}

indicators::RankingSpec BacklogRankings() {
  indicators::RankingSpec spec;
  spec.dimensions = {governance::v1::RANKING_DIMENSION_STREET,
                     governance::v1::RANKING_DIMENSION_COMMUNITY,
                     governance::v1::RANKING_DIMENSION_CATEGORY};
  spec.category_name = [](const std::string& key) {
    if (key == "PETITION") return std::string("信访");
    if (key == "COMPLAINT") return std::string("投诉");
    if (key == "DISPUTE") return std::string("纠纷");
    if (key == "TRACK_CASE") return std::string("其他条线案件");
    if (key == "SCREENING") return std::string("滚动排查");
    return key;
  };
  return spec;
}

}  // namespace gov::backlog
