// The routine of monthly remediation (实现每月整治规范化常态化) as an indicator: which of the
// rules' routine categories had a campaign running or held in every month of a period so far
// (campaigns.h, CampaignIndicators).
#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/auth/auth.h"
#include "common/cases/calendar.h"
#include "common/cases/list_request.h"
#include "common/util/proto.h"
#include "common/util/status.h"
#include "services/disorder/campaigns.h"
#include "services/disorder/kinds.h"
#include "services/disorder/validation.h"

namespace gov::disorder {
namespace {

// The principal the measure reads the campaigns as (every caller reads every campaign).
constexpr char kReader[] = "campaign-routine-indicator";
// Campaigns read at a time.
// The history's action of a start (CampaignSpec's verb).
constexpr char kStartAction[] = "Start";
// How far ahead a campaign may be planned (ValidateCampaign): one of a month was planned at most
// this many months before it.
constexpr int kPlannedAhead = 12;

// Whether one of the campaign's target areas lies in the context's region: anywhere for the
// district; in the street (the street as a whole or one of its communities); for a community,
// the community or its street as a whole; for several streets, in any of them.
bool InRegion(const dv1::Campaign& c, const indicators::EvalContext& ctx) {
  for (const governance::v1::RegionRef& area : c.target_areas()) {
    if (!ctx.community_id.empty()) {
      if (area.street_id() == ctx.street_id &&
          (area.community_id().empty() || area.community_id() == ctx.community_id)) {
        return true;
      }
    } else if (!ctx.street_id.empty()) {
      if (area.street_id() == ctx.street_id) return true;
    } else if (!ctx.streets.empty()) {
      for (const std::string& street : ctx.streets) {
        if (area.street_id() == street) return true;
      }
    } else {
      return true;
    }
  }
  return false;
}

// When the campaign started: its start_time, or for a campaign started before the field was
// kept, the time of its history's "Start".
absl::StatusOr<std::optional<absl::Time>> StartOf(cases::CaseEngine& campaigns,
                                                  const auth::Principal& reader,
                                                  const dv1::Campaign& c) {
  if (c.has_start_time()) return FromTimestamp(c.start_time());
  GOV_ASSIGN_OR_RETURN(const cases::Case full, campaigns.Get(reader, c.id(), true));
  for (const store::HistoryRecord& event : full.history) {
    if (event.action == kStartAction) return event.time;
  }
  return std::nullopt;
}

indicators::Measure RoutineCampaigns(const Rules* rules, cases::CaseEngine* campaigns) {
  return [rules,
          campaigns](const indicators::EvalContext& ctx) -> absl::StatusOr<indicators::Value> {
    const absl::CivilDay today = cal::LocalDay(ctx.now);
    if (ctx.days.first > today) return indicators::Value::Missing();
    const cal::DayRange so_far = cal::ToDate(ctx.days, today);
    const absl::CivilMonth first(so_far.first);
    const absl::CivilMonth last(so_far.last);
    const std::vector<dv1::ComplaintCategory>& routine = rules->MonthlyRemediationCategories();

    cases::ListRequest request;
    for (const dv1::ComplaintCategory category : routine) {
      request.filter.categories.push_back(EnumKey(category));
    }
    request.filter.statuses = {EnumKey(dv1::CAMPAIGN_STATUS_UNDER_WAY),
                               EnumKey(dv1::CAMPAIGN_STATUS_COMPLETED)};
    request.filter.created_from =
        absl::FromCivil(absl::CivilDay(first - kPlannedAhead), cal::DistrictZone());
    const auth::Principal reader = auth::SystemPrincipal(kReader);
    GOV_ASSIGN_OR_RETURN(const std::vector<cases::Case> rows,
                         cases::ListEvery(*campaigns, reader, std::move(request)));
    // The months each category ran a campaign in.
    absl::flat_hash_map<int, absl::flat_hash_set<absl::CivilMonth>> ran;
    for (const cases::Case& row : rows) {
      GOV_ASSIGN_OR_RETURN(const dv1::Campaign c, CampaignKind().FromCase(row));
      const std::optional<absl::CivilMonth> month = ParseMonth(c.month());
      if (!month.has_value()) {
        return absl::DataLossError(
            absl::StrCat("campaign ", c.id(), ": stored month \"", c.month(), "\" is unreadable"));
      }
      if (*month < first || *month > last || !InRegion(c, ctx)) continue;
      GOV_ASSIGN_OR_RETURN(const std::optional<absl::Time> start, StartOf(*campaigns, reader, c));
      if (!start.has_value() || absl::CivilMonth(cal::LocalDay(*start)) > *month) continue;
      ran[c.category()].insert(*month);
    }

    const auto ran_in = [&](dv1::ComplaintCategory category, absl::CivilMonth month) {
      const auto it = ran.find(category);
      return it != ran.end() && it->second.contains(month);
    };
    // The months judged, as for every "every month" indicator (indicators::MonthsJudged): those
    // over, and the month in progress once every routine category has its campaign in it.
    const std::vector<absl::CivilMonth> months =
        indicators::MonthsJudged(ctx, [&](absl::CivilMonth month) {
          return std::all_of(routine.begin(), routine.end(),
                             [&](dv1::ComplaintCategory c) { return ran_in(c, month); });
        });
    if (months.empty()) return indicators::Value::Missing();
    int64_t every_month = 0;
    for (const dv1::ComplaintCategory category : routine) {
      every_month += std::all_of(months.begin(), months.end(),
                                 [&](absl::CivilMonth m) { return ran_in(category, m); })
                         ? 1
                         : 0;
    }
    return indicators::Share(every_month, static_cast<int64_t>(routine.size()));
  };
}

}  // namespace

std::vector<indicators::IndicatorSpec> CampaignIndicators(const Rules& rules,
                                                          cases::CaseEngine* campaigns) {
  indicators::IndicatorSpec routine = indicators::HigherRate(
      "monthly_remediation_routine", "每月专项整治常态化率",
      "Routine categories with a campaign in every month", RoutineCampaigns(&rules, campaigns));
  // The plan's routine is the district's: every category every month somewhere in it. A street
  // shows what reached it, ungraded.
  routine.district_target = true;
  return {std::move(routine)};
}

}  // namespace gov::disorder
