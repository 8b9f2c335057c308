// The demo's registry, linkage tasks, bulletins and key areas (the incidents are
// demo_incidents.cc): each loaded through the track's own parts, as a caller would, and
// idempotent.

#include "services/policing/demo_data.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/cases/calendar.h"
#include "common/demo/places.h"
#include "common/demo/random.h"
#include "common/demo/records.h"
#include "common/demo/registry_load.h"
#include "common/log/log.h"
#include "common/util/proto.h"
#include "common/util/status.h"
#include "services/policing/assets.h"
#include "services/policing/validation.h"

namespace gov::policing {
namespace {

// The principal the demo loader acts as where it acts by itself.
constexpr char kDemoLoaderId[] = "demo-loader";
// The principal the demo loader takes the linkage steps as (the linkage platform).
constexpr char kDemoActorId[] = "linkage-demo";
// Tasks read per page.
constexpr int kMaxLinkagePage = 500;

// ---- Forces and assets ----

constexpr int kDemoWorkers = 4;
// The plan's targets, and how far short of them the demo registry stays.
constexpr int kDemoNewCameras = 567;
constexpr int kDemoNewCamerasInService = 530;
constexpr int kDemoUpgradedCameras = 300;
constexpr int kDemoCompounds = 120;
constexpr int kDemoStations = 10;
constexpr int kDemoGuardUnits = 80;

// Item `i` of a kind: in service from a day spread over the last two years (so that past
// periods show less), or in the given earlier state.
class DemoBuilder {
 public:
  explicit DemoBuilder(absl::CivilDay today)
      : load_("asset", today,
              [](pv1::Asset& a, std::string day) { a.set_in_service_date(std::move(day)); }) {}

  void Add(pv1::AssetKind kind, int i, const governance::v1::RegionRef& region, std::string name,
           pv1::AssetStatus status, pv1::Asset asset = {}) {
    asset.set_kind(kind);
    asset.set_name(std::move(name));
    *asset.mutable_region() = region;
    asset.set_status(status);
    load_.Add(kind, i, std::move(asset), status == pv1::ASSET_STATUS_IN_SERVICE);
  }

  const demo::RegistryLoad<pv1::Asset>& load() const { return load_; }

 private:
  demo::RegistryLoad<pv1::Asset> load_;
};

pv1::AssetStatus InServiceUnless(bool short_of_plan, pv1::AssetStatus otherwise) {
  return short_of_plan ? otherwise : pv1::ASSET_STATUS_IN_SERVICE;
}

// 95 squads, one per community, 88 in service and 7 being formed; a volunteer team in 90 of
// the 95 communities (the other 5 planned).
void AddDemoForces(const std::vector<demo::Place>& places, DemoBuilder& b) {
  for (int c = 0; c < static_cast<int>(places.size()); ++c) {
    pv1::Asset squad;
    squad.set_members(8 + c % 7);
    b.Add(pv1::ASSET_KIND_STEWARD_SQUAD, c, places[c].community_region(),
          absl::StrCat(places[c].name, "平安运河管家队"),
          InServiceUnless(c % 13 == 6, pv1::ASSET_STATUS_BUILDING), squad);
    pv1::Asset team;
    team.set_members(20 + (c * 13) % 40);
    b.Add(pv1::ASSET_KIND_VOLUNTEER_TEAM, c, places[c].community_region(),
          absl::StrCat(places[c].name, "平安志愿者队伍"),
          InServiceUnless(c % 19 == 7, pv1::ASSET_STATUS_PLANNED), team);
  }
}

// 10 stations (one per street, the last planned), 120 compounds (112 in service), 567 new
// camera points (530 in service) and 300 upgraded ones, 80 guard units of which 16 miss a
// standard.
void AddDemoFacilities(const std::vector<demo::Place>& places,
                       const regions::RegionRegistry& regions, DemoBuilder& b) {
  const int n = static_cast<int>(places.size());
  for (int s = 0; s < kDemoStations && s < regions.street_count(); ++s) {
    const demo::Place place = demo::StreetPlace(*regions.streets()[s], s);
    b.Add(pv1::ASSET_KIND_NON_POLICE_STATION, s, place.street_region(),
          absl::StrCat(place.name, "非警务警情处置站"),
          InServiceUnless(s == kDemoStations - 1, pv1::ASSET_STATUS_PLANNED));
  }
  for (int j = 0; j < kDemoCompounds; ++j) {
    b.Add(pv1::ASSET_KIND_SMART_COMPOUND, j, places[j % n].community_region(),
          absl::StrCat(places[j % n].name, j < n ? "智安小区" : "智安小区二区"),
          InServiceUnless(j % 15 == 14, pv1::ASSET_STATUS_BUILDING));
  }
  for (int p = 0; p < kDemoNewCameras + kDemoUpgradedCameras; ++p) {
    const bool is_new = p < kDemoNewCameras;
    const demo::Place& place = places[p % n];
    pv1::Asset point;
    point.set_camera_work(is_new ? pv1::CAMERA_WORK_NEW : pv1::CAMERA_WORK_UPGRADED);
    governance::v1::RegionRef region = place.community_region();
    if (place.community->grids_size() > 0) {
      region.set_grid_id(place.community->grids(p % place.community->grids_size()));
    }
    b.Add(pv1::ASSET_KIND_CAMERA_POINT, p, region,
          absl::StrFormat("%s智能监控点位%03d", place.name, p / n + 1),
          InServiceUnless(is_new && p >= kDemoNewCamerasInService, pv1::ASSET_STATUS_BUILDING),
          point);
  }
  for (int g = 0; g < kDemoGuardUnits; ++g) {
    pv1::Asset unit;
    pv1::GuardStandards* s = unit.mutable_guard_standards();
    s->set_uniform(true);
    s->set_training(g % 8 != 3);
    s->set_equipment(true);
    s->set_management(true);
    s->set_assessment(g % 10 != 7);
    b.Add(pv1::ASSET_KIND_GUARD_UNIT, g, places[g % n].community_region(),
          absl::StrCat(places[g % n].name, "楼宇门卫"), pv1::ASSET_STATUS_IN_SERVICE, unit);
  }
}

// The full-time staff of every grid of the district, in service; 1 in 9 without its patrol
// officer and, of the others, 1 in 13 without its community police officer (424 grids, 348
// with all three).
void AddDemoGridStaff(const std::vector<demo::Place>& grids, DemoBuilder& b) {
  for (int g = 0; g < static_cast<int>(grids.size()); ++g) {
    const demo::Place& place = grids[g];
    if (place.grid_id.empty()) continue;  // a community without grids has no grid staff
    const bool without_patrol = g % 9 == 4;
    const bool without_police = !without_patrol && g % 13 == 8;
    pv1::Asset staff;
    pv1::GridStaffing* s = staff.mutable_grid_staffing();
    s->set_grid_member(true);
    s->set_community_police(!without_police);
    s->set_patrol_officer(!without_patrol);
    b.Add(pv1::ASSET_KIND_GRID_STAFF, g, place.region(),
          absl::StrFormat("%s第%d网格专职力量", place.name, place.grid_index + 1),
          pv1::ASSET_STATUS_IN_SERVICE, staff);
  }
}

// ---- Linkage tasks ----

// How far the demo takes a task: from its incident number, so that a restart takes every demo
// task to the same place. About 1 in 8 stays DISPATCHED, 1 in 16 SIGNED, 1 in 16 HANDLED; the
// rest get feedback.
pv1::LinkageStatus DemoTarget(const std::string& incident_number) {
  demo::Random rng(demo::StableSeed(incident_number));
  return rng.Weighted<pv1::LinkageStatus>({{pv1::LINKAGE_STATUS_DISPATCHED, 2},
                                           {pv1::LINKAGE_STATUS_SIGNED, 1},
                                           {pv1::LINKAGE_STATUS_HANDLED, 1},
                                           {pv1::LINKAGE_STATUS_FEEDBACK_GIVEN, 12}});
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

// ---- Key areas ----

// Rule listings of the demo left without a plan: every third by id number, so that the demo
// shows listings whose plan is due (and, once their clock runs out, late). By id, so that a
// second load plans no more than the first.
bool LeftWithoutPlan(const std::string& id) {
  int64_t n = 0;
  const size_t dash = id.find('-');
  return dash != std::string::npos && absl::SimpleAtoi(id.substr(dash + 1), &n) && n % 3 == 0;
}

pv1::RemediationPlan DemoPlan(const std::string& street_name, absl::CivilDay target) {
  pv1::RemediationPlan plan;
  plan.set_summary(
      "夜间及节假日重点时段屯警街面，增加巡逻频次；排查技防盲区并补装智能监控；"
      "联合物业开展电动自行车防盗宣传，每周研判警情变化。");
  plan.set_owner_unit(absl::StrCat(street_name, "综治中心"));
  plan.set_owner_name("综治中心主任");
  plan.set_target_date(demo::DayText(target));
  return plan;
}

// Plans for the open rule listings still waiting for one (but those LeftWithoutPlan).
absl::Status PlanDemoListings(KeyAreas& key_areas, const regions::RegionRegistry& regions,
                              const Clock& clock, const auth::Principal& loader) {
  const absl::CivilDay target = cal::LocalDay(clock.Now()) + 90;
  pv1::ListKeyAreasRequest request;
  request.set_page_size(500);
  request.add_statuses(pv1::KEY_AREA_STATUS_LISTED);
  std::vector<pv1::KeyArea> waiting;
  for (;;) {
    pv1::ListKeyAreasResponse page;
    GOV_RETURN_IF_ERROR(key_areas.List(loader, request, &page));
    for (pv1::KeyArea& key_area : *page.mutable_key_areas()) waiting.push_back(std::move(key_area));
    if (page.next_page_token().empty()) break;
    request.set_page_token(page.next_page_token());
  }
  for (const pv1::KeyArea& key_area : waiting) {
    if (key_area.listed_by() != pv1::KEY_AREA_DECISION_RULE || LeftWithoutPlan(key_area.id())) {
      continue;
    }
    pv1::SetRemediationPlanRequest plan;
    plan.set_id(key_area.id());
    plan.set_etag(key_area.etag());
    *plan.mutable_plan() = DemoPlan(regions.NameOf(key_area.region().street_id()), target);
    pv1::SetRemediationPlanResponse planned;
    const absl::Status s = key_areas.SetPlan(loader, plan, &planned);
    // Changed meanwhile (the server's own upkeep, another replica): left as it is.
    if (!s.ok() && !absl::IsAborted(s) && !absl::IsFailedPrecondition(s)) return s;
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status LoadAssetDemoData(const registry::Registry& assets,
                               const regions::RegionRegistry& regions) {
  const std::vector<demo::Place> places = demo::AllCommunities(regions);
  if (places.empty()) return absl::OkStatus();
  const absl::CivilDay today = cal::LocalDay(assets.Now());
  DemoBuilder builder(today);
  AddDemoForces(places, builder);
  AddDemoFacilities(places, regions, builder);
  AddDemoGridStaff(demo::AllGrids(regions), builder);
  return builder.load().Load(
      assets, [&](const pv1::Asset& asset) { return ValidateAsset(asset, regions, today); },
      AssetRow, kDemoWorkers);
}

// The demo runs at the real "now": the tasks it dispatches are fresh, so every step it takes is
// in time (a restart days later takes the steps of a run cut short late, by the same rules as
// any caller). Late steps and breaches come from the tasks it leaves open, which the breach scan
// marks once their 24 hours have run out.
absl::Status LoadLinkageDemoData(Linkage& linkage, const Clock& clock) {
  GOV_ASSIGN_OR_RETURN(const int dispatched, linkage.SweepUndispatched());
  const auth::Principal actor = auth::SystemPrincipal(kDemoActorId);
  // The open tasks first, then the steps, so that the pages do not move under the steps.
  std::vector<pv1::LinkageTask> open;
  pv1::ListLinkageTasksRequest request;
  request.set_page_size(kMaxLinkagePage);
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
                                         {"now", absl::FormatTime(clock.Now())}});
  return absl::OkStatus();
}

absl::Status LoadBulletinDemoData(Bulletins& bulletins, const Clock& clock) {
  const absl::CivilDay today = cal::LocalDay(clock.Now());
  return bulletins.PublishSince(absl::CivilDay(today.year() - 1, 1, 1)).status();
}

absl::Status LoadKeyAreaDemoData(KeyAreas& key_areas, const regions::RegionRegistry& regions,
                                 const Clock& clock) {
  const auth::Principal loader = auth::SystemPrincipal(kDemoLoaderId);
  GOV_RETURN_IF_ERROR(PlanDemoListings(key_areas, regions, clock, loader));

  // One listing by hand: a grid of the first community of the first street, with its plan.
  const auto& streets = regions.streets();
  if (streets.empty() || streets.front()->communities().empty() ||
      streets.front()->communities(0).grids().empty()) {
    return absl::OkStatus();
  }
  const auto& street = *streets.front();
  const auto& community = street.communities(0);
  pv1::DesignateKeyAreaRequest request;
  request.set_request_id("demo:key_area:manual:1");
  request.mutable_region()->set_street_id(street.id());
  request.mutable_region()->set_community_id(community.id());
  request.mutable_region()->set_grid_id(community.grids(0));
  request.set_reason("群众反映夜间电动自行车被盗多发，街道申请对该网格挂牌整治。");
  // A target date fixed by the year, so that a load on another day repeats the same request.
  const absl::CivilDay today = cal::LocalDay(clock.Now());
  *request.mutable_plan() = DemoPlan(street.name(), absl::CivilDay(today.year(), 12, 31));
  pv1::DesignateKeyAreaResponse listed;
  const absl::Status s = key_areas.Designate(loader, request, &listed);
  // ALREADY_EXISTS: the grid is listed already (by this load before, or otherwise).
  if (!s.ok() && !absl::IsAlreadyExists(s)) return s;
  return absl::OkStatus();
}

}  // namespace gov::policing
