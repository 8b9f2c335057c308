// The plan's force and asset targets as indicators over the asset registry: counted as of a
// period's last day, over what is in service by then.

#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "common/util/status.h"
#include "services/policing/assets.h"

namespace gov::policing {
namespace {

using indicators::EvalContext;
using indicators::Measure;
using indicators::Value;

// Assets in service on a period's last day within the context's region: status IN_SERVICE
// with an in-service date on or before that day. Retired assets never count, also not for
// periods they served in: the registry keeps an asset's present state, not its history.
const registry::InForce<pv1::Asset>& InService() {
  static const auto* in_service = new registry::InForce<pv1::Asset>(
      AssetLayout(),
      [](const pv1::Asset& asset) -> const std::string& { return asset.in_service_date(); });
  return *in_service;
}

std::string InServiceKey(pv1::AssetKind kind) {
  return AssetKey(kind, pv1::ASSET_STATUS_IN_SERVICE);
}

Measure CountInService(pv1::AssetKind kind, registry::InForce<pv1::Asset>::Test keep = nullptr) {
  return InService().Count(InServiceKey(kind), std::move(keep));
}

registry::InForce<pv1::Asset>::Test CameraWorkIs(pv1::CameraWork work) {
  return [work](const pv1::Asset& asset) { return asset.camera_work() == work; };
}

// 志愿者队伍覆盖率: communities of the context with a volunteer team in service.
Measure VolunteerTeamCoverage() {
  return [](const EvalContext& ctx) -> absl::StatusOr<Value> {
    GOV_ASSIGN_OR_RETURN(const std::vector<pv1::Asset> teams,
                         InService().By(ctx, InServiceKey(pv1::ASSET_KIND_VOLUNTEER_TEAM)));
    absl::flat_hash_set<std::string> covered;
    for (const pv1::Asset& team : teams) covered.insert(team.region().community_id());
    const std::vector<std::string> communities = indicators::CommunitiesOf(ctx);
    int64_t count = 0;
    for (const std::string& community : communities) count += covered.contains(community) ? 1 : 0;
    return indicators::Share(count, static_cast<int64_t>(communities.size()));
  };
}

// 楼宇门卫"五统一"达标率: guard units in service meeting all five, over the guard units in
// service (no data without any).
bool MeetsFiveUnifications(const pv1::Asset& unit) {
  const pv1::GuardStandards& g = unit.guard_standards();
  return g.uniform() && g.training() && g.equipment() && g.management() && g.assessment();
}

// 一格三员配备率: grids' staff in service with all three members in post, over the grids' staff
// in service (no data without any).
bool HasThreeMembers(const pv1::Asset& staff) {
  const pv1::GridStaffing& s = staff.grid_staffing();
  return s.grid_member() && s.community_police() && s.patrol_officer();
}

}  // namespace

// The targets are the plan's, for the district. The counts' targets are the district's alone:
// a street, several streets or a community show their own count, ungraded. The rates are
// graded the same everywhere.
std::vector<indicators::IndicatorSpec> AssetIndicators() {
  std::vector<indicators::IndicatorSpec> specs;
  specs.push_back(indicators::DistrictCount("steward_squads", "平安运河管家队伍数",
                                            "Canal safety steward squads",
                                            CountInService(pv1::ASSET_KIND_STEWARD_SQUAD)));
  specs.push_back(indicators::HigherRate("volunteer_team_coverage", "社区志愿者队伍覆盖率",
                                         "Communities with a volunteer team",
                                         VolunteerTeamCoverage()));
  specs.push_back(indicators::DistrictCount("non_police_stations", "非警务警情处置站数",
                                            "Non-police incident handling stations",
                                            CountInService(pv1::ASSET_KIND_NON_POLICE_STATION)));
  // 各街道在重点区域探索建设1个以上: at least one station in every street, graded on each
  // street's row beside the district's 10.
  specs.push_back(indicators::HigherRate(
      "non_police_station_coverage", "非警务警情处调站点街道覆盖率",
      "Streets with a non-police incident handling station",
      InService().StreetCoverage(InServiceKey(pv1::ASSET_KIND_NON_POLICE_STATION))));
  specs.push_back(indicators::DistrictCount("smart_compounds", "智安小区数",
                                            "Smart-security compounds",
                                            CountInService(pv1::ASSET_KIND_SMART_COMPOUND)));
  specs.push_back(indicators::DistrictCount(
      "new_camera_points", "新建智能监控点位数", "New smart camera points",
      CountInService(pv1::ASSET_KIND_CAMERA_POINT, CameraWorkIs(pv1::CAMERA_WORK_NEW))));
  specs.push_back(indicators::DistrictCount(
      "upgraded_camera_points", "改造智能监控点位数", "Upgraded smart camera points",
      CountInService(pv1::ASSET_KIND_CAMERA_POINT, CameraWorkIs(pv1::CAMERA_WORK_UPGRADED))));
  specs.push_back(indicators::HigherRate(
      "guard_five_unifications_rate", "楼宇门卫\"五统一\"达标率",
      "Building guard units meeting the five unifications",
      InService().ShareMeeting(InServiceKey(pv1::ASSET_KIND_GUARD_UNIT), MeetsFiveUnifications)));
  // 各街道配强"一格三员"专职基础力量: every grid with its three full-time members.
  specs.push_back(indicators::HigherRate(
      "grid_three_members_rate", "一格三员配备率", "Grids with their three full-time members",
      InService().ShareMeeting(InServiceKey(pv1::ASSET_KIND_GRID_STAFF), HasThreeMembers)));
  return specs;
}

}  // namespace gov::policing
