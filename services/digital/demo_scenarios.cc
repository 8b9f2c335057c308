// The scenarios' demo: in-wall and out-wall application scenarios launched over the last year
// (from 120 days before 1 January at least), at every stage: one street's in-wall scenarios
// (湖畔街道, the fifth street of the regions file) rolled out to other streets this year; the
// future-community pilot's scenarios (城市眼·云共治, 先离场后付费, 智慧安防) in one community, in
// operation; this year's new scenarios on trial, in operation or planned; two retired. Each written
// through the track's own part, as a caller would, on a clock of the loader's own set to when it
// happened.

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "common/clock/clock.h"
#include "common/clock/district_time.h"
#include "common/demo/records.h"
#include "common/log/log.h"
#include "common/registry/registry.h"
#include "common/util/status.h"
#include "services/digital/demo_data.h"
#include "services/digital/model.h"
#include "services/digital/scenarios.h"

namespace gov::digital {
namespace {

constexpr char kLoader[] = "demo-loader";

auth::Principal Loader() { return demo::Actor(kLoader, auth::kDistrictAdmin); }

// The streets of the demo, by their index in the regions file (taken modulo the streets there):
// the street whose in-wall scenarios are rolled out to others, and the street of the
// future-community pilot (its first community).
constexpr int kRollOutStreet = 4;
constexpr int kPilotStreet = 2;
constexpr int kNoStreet = -1;

// A day of the demo, `permille` of the way through its span: this year's (1 January to today),
// or before this year (from a year before today or 120 days before 1 January, whichever is
// earlier, to 31 December).
struct When {
  bool this_year = false;
  int permille = -1;  // -1: none

  bool set() const { return permille >= 0; }
};

constexpr When Before(int permille) { return {false, permille}; }
constexpr When This(int permille) { return {true, permille}; }
constexpr When kNever{};

struct RolloutPlan {
  int street = kNoStreet;
  When when;
};

struct ScenarioPlan {
  const char* name;
  dv1::Placement placement;
  const char* owner_unit;
  const char* description;
  int origin = kNoStreet;  // street index, kNoStreet for a district scenario
  bool pilot = false;
  When launch;
  When trial = kNever;
  When operating = kNever;
  RolloutPlan rollouts[2] = {};
  const char* retired = nullptr;  // the reason, when retired
  When retire = kNever;
};

constexpr dv1::Placement kIn = dv1::PLACEMENT_IN_WALL;
constexpr dv1::Placement kOut = dv1::PLACEMENT_OUT_WALL;

// Launched this year: 11 (the plan's 9); in-wall scenarios of the roll-out street rolled out to
// others this year: 5 (the plan's 4); trials completed this year: 8 (the plan's 5); the pilot's
// three in operation.
const ScenarioPlan kPlans[] = {
    // The roll-out street's in-wall scenarios.
    {.name = "高空抛物智能识别",
     .placement = kIn,
     .owner_unit = "湖畔街道",
     .description = "演示数据：楼宇外立面摄像头识别高空抛物轨迹，自动推送物业与社区处置",
     .origin = kRollOutStreet,
     .launch = Before(100),
     .trial = Before(300),
     .operating = Before(600),
     .rollouts = {{0, Before(950)}, {2, This(400)}}},
    {.name = "电动自行车入梯阻止",
     .placement = kIn,
     .owner_unit = "湖畔街道",
     .description = "演示数据：电梯轿厢识别电动自行车进入，语音劝阻并暂停运行",
     .origin = kRollOutStreet,
     .launch = Before(200),
     .trial = Before(400),
     .operating = Before(800),
     .rollouts = {{1, This(200)}, {5, This(550)}}},
    {.name = "独居老人用水异常预警",
     .placement = kIn,
     .owner_unit = "湖畔街道",
     .description = "演示数据：智能水表连续12小时无用水时提醒网格员上门探访",
     .origin = kRollOutStreet,
     .launch = Before(300),
     .trial = Before(500),
     .operating = This(50),
     .rollouts = {{3, This(300)}}},
    {.name = "消防通道占用识别",
     .placement = kIn,
     .owner_unit = "湖畔街道",
     .description = "演示数据：小区消防通道被占用时自动识别并通知物业劝离",
     .origin = kRollOutStreet,
     .launch = Before(350),
     .trial = Before(700),
     .operating = This(100),
     .rollouts = {{6, This(500)}, {0, This(700)}}},
    {.name = "垃圾分类智能督导",
     .placement = kIn,
     .owner_unit = "湖畔街道",
     .description = "演示数据：投放点摄像头识别混投乱扔，积分联动居民",
     .origin = kRollOutStreet,
     .launch = Before(400),
     .trial = Before(900),
     .operating = This(120),
     .rollouts = {{8, This(600)}}},
    // The future-community pilot's.
    {.name = "城市眼·云共治",
     .placement = kOut,
     .owner_unit = "区数据资源管理局",
     .description = "演示数据：城市眼平台汇聚公共视频，AI识别占道经营、暴露垃圾等事件并派单共治",
     .origin = kPilotStreet,
     .pilot = true,
     .launch = This(50),
     .trial = This(150),
     .operating = This(350)},
    {.name = "先离场后付费",
     .placement = kOut,
     .owner_unit = "区城管局",
     .description = "演示数据：社区周边停车场车牌识别，先离场后付费，缓解高峰进出拥堵",
     .origin = kPilotStreet,
     .pilot = true,
     .launch = This(100),
     .trial = This(250),
     .operating = This(450)},
    {.name = "智慧安防",
     .placement = kIn,
     .owner_unit = "区公安分局",
     .description = "演示数据：小区出入口、周界与楼道感知设备联网，异常实时预警",
     .origin = kPilotStreet,
     .pilot = true,
     .launch = Before(500),
     .trial = Before(850),
     .operating = This(200)},
    // This year's others.
    {.name = "违停智能抓拍",
     .placement = kOut,
     .owner_unit = "区交警大队",
     .description = "演示数据：重点路段违停自动抓拍告知，减少人工巡查",
     .launch = This(300),
     .trial = This(500),
     .operating = This(700)},
    {.name = "渣土车智能监管",
     .placement = kOut,
     .owner_unit = "区住建局",
     .description = "演示数据：工地出入口识别渣土车未密闭、带泥上路",
     .launch = This(350),
     .trial = This(600)},
    {.name = "沿街店铺出店经营识别",
     .placement = kOut,
     .owner_unit = "桥西街道",
     .description = "演示数据：沿街摄像头识别出店经营、乱堆物料，推送街道执法中队",
     .origin = 1,
     .launch = This(400),
     .trial = This(650)},
    {.name = "河道漂浮物识别",
     .placement = kOut,
     .owner_unit = "区林业水利局",
     .description = "演示数据：河道监控识别漂浮物与违规垂钓",
     .launch = This(450)},
    {.name = "小区车辆进出管理",
     .placement = kIn,
     .owner_unit = "青石街道",
     .description = "演示数据：小区道闸车牌识别，访客车辆预约登记",
     .origin = 7,
     .launch = This(500),
     .trial = This(750)},
    {.name = "电梯困人一键救援",
     .placement = kIn,
     .owner_unit = "区市场监管局",
     .description = "演示数据：电梯物联网监测困人故障，一键联动维保",
     .launch = This(600)},
    {.name = "井盖位移监测",
     .placement = kOut,
     .owner_unit = "区城管局",
     .description = "演示数据：窨井盖倾斜位移传感器实时告警",
     .launch = This(700),
     .trial = This(800),
     .operating = This(900)},
    {.name = "夜间施工噪声监测",
     .placement = kOut,
     .owner_unit = "区生态环境分局",
     .description = "演示数据：工地噪声超标与夜间违规施工自动预警",
     .launch = This(800)},
    {.name = "充电桩安全监测",
     .placement = kIn,
     .owner_unit = "梧桐街道",
     .description = "演示数据：小区集中充电桩温度电流监测，过热自动断电",
     .origin = 9,
     .launch = This(900)},
    // Before this year: retired, rolled out (an out-wall one), planned.
    {.name = "人脸识别门禁试点",
     .placement = kIn,
     .owner_unit = "运河街道",
     .description = "演示数据：小区出入口人脸识别门禁试点",
     .origin = 0,
     .launch = Before(50),
     .trial = Before(200),
     .retired = "演示数据：按个人信息保护要求停止试点，改用刷卡与访客预约",
     .retire = Before(600)},
    {.name = "占道经营人工巡查上报",
     .placement = kOut,
     .owner_unit = "区城管局",
     .description = "演示数据：网格员巡查发现占道经营拍照上报",
     .launch = Before(150),
     .trial = Before(250),
     .operating = Before(450),
     .retired = "演示数据：由城市眼·云共治自动识别替代",
     .retire = This(400)},
    {.name = "共享单车停放秩序管理",
     .placement = kOut,
     .owner_unit = "区交通运输局",
     .description = "演示数据：电子围栏规范共享单车停放，越界停放自动提醒",
     .launch = Before(250),
     .trial = Before(450),
     .operating = Before(650),
     .rollouts = {{2, This(300)}}},
    {.name = "群租房智能发现",
     .placement = kIn,
     .owner_unit = "区住建局",
     .description = "演示数据：用水用电与人口登记数据比对发现群租隐患",
     .launch = Before(600)},
};

class PlanLoader final {
 public:
  PlanLoader(const Scenarios& part, FakeClock& clock, const regions::RegionRegistry& regions,
             absl::Time now)
      : part_(part), clock_(clock), regions_(regions), now_(now), today_(cal::LocalDay(now)) {
    january_ = absl::CivilDay(today_.year(), 1, 1);
    before_last_ = january_ - 1;
    before_first_ = std::min(today_ - 365, january_ - 120);
  }

  absl::Status Load(const ScenarioPlan& plan, int i) {
    const auth::Principal loader = Loader();
    const std::string origin = StreetId(plan.origin);
    const absl::CivilDay launch = Day(plan.launch);
    Set(launch, 9);
    dv1::CreateScenarioRequest create;
    create.set_request_id(absl::StrFormat("demo-scenario-%02d", i));
    dv1::Scenario* s = create.mutable_scenario();
    s->set_name(plan.name);
    s->set_placement(plan.placement);
    s->set_description(plan.description);
    s->set_owner_unit(plan.owner_unit);
    s->set_origin_street_id(origin);
    if (plan.pilot) s->set_pilot_community_id(PilotCommunity());
    s->set_launch_day(demo::DayText(launch));
    dv1::CreateScenarioResponse created;
    GOV_RETURN_IF_ERROR(part_.Create(loader, create, &created));
    dv1::Scenario current = created.scenario();

    if (plan.trial.set()) {
      const absl::CivilDay day = Day(plan.trial);
      Set(day, 10);
      dv1::StartScenarioTrialRequest start;
      start.set_id(current.id());
      start.set_etag(current.etag());
      start.set_day(demo::DayText(day));
      dv1::StartScenarioTrialResponse started;
      GOV_RETURN_IF_ERROR(part_.StartTrial(loader, start, &started));
      current = started.scenario();
    }
    if (plan.operating.set()) {
      const absl::CivilDay day = Day(plan.operating);
      Set(day, 11);
      dv1::CompleteScenarioTrialRequest complete;
      complete.set_id(current.id());
      complete.set_etag(current.etag());
      complete.set_day(demo::DayText(day));
      dv1::CompleteScenarioTrialResponse completed;
      GOV_RETURN_IF_ERROR(part_.CompleteTrial(loader, complete, &completed));
      current = completed.scenario();
    }
    std::vector<std::string> reached = {origin};
    for (const RolloutPlan& rollout : plan.rollouts) {
      if (!rollout.when.set()) continue;
      const std::string street = StreetId(rollout.street);
      if (std::find(reached.begin(), reached.end(), street) != reached.end()) continue;
      reached.push_back(street);
      const absl::CivilDay day = Day(rollout.when);
      Set(day, 14);
      dv1::RollOutScenarioRequest roll_out;
      roll_out.set_id(current.id());
      roll_out.set_etag(current.etag());
      roll_out.set_street_id(street);
      roll_out.set_day(demo::DayText(day));
      dv1::RollOutScenarioResponse rolled_out;
      GOV_RETURN_IF_ERROR(part_.RollOut(loader, roll_out, &rolled_out));
      current = rolled_out.scenario();
    }
    if (plan.retired != nullptr) {
      Set(Day(plan.retire), 16);
      dv1::RetireScenarioRequest retire;
      retire.set_id(current.id());
      retire.set_etag(current.etag());
      retire.set_reason(plan.retired);
      dv1::RetireScenarioResponse retired;
      GOV_RETURN_IF_ERROR(part_.Retire(loader, retire, &retired));
    }
    return absl::OkStatus();
  }

 private:
  absl::CivilDay Day(When when) const {
    const absl::CivilDay first = when.this_year ? january_ : before_first_;
    const absl::CivilDay last = when.this_year ? today_ : before_last_;
    return first + (last - first) * when.permille / 1000;
  }

  // The loader's clock at `hour` of `day`, never after now.
  void Set(absl::CivilDay day, int hour) {
    clock_.Set(std::min(demo::LocalTime(day, hour, 30), now_));
  }

  std::string StreetId(int index) const {
    if (index == kNoStreet) return "";
    return regions_.streets()[static_cast<size_t>(index % regions_.street_count())]->id();
  }

  std::string PilotCommunity() const {
    const std::string street = StreetId(kPilotStreet);
    const auto communities = regions_.CommunitiesOf(street);
    return communities.empty() ? "" : communities.front()->id();
  }

  const Scenarios& part_;
  FakeClock& clock_;
  const regions::RegionRegistry& regions_;
  const absl::Time now_;
  const absl::CivilDay today_;
  absl::CivilDay january_;
  absl::CivilDay before_first_;
  absl::CivilDay before_last_;
};

}  // namespace

absl::Status LoadScenarioDemo(const server::TrackDeps& deps) {
  const absl::Time now = deps.clock->Now();
  FakeClock clock(now);
  const registry::Registry scenarios(ScenarioLayout(), deps.repo, deps.cache, &clock);
  GOV_ASSIGN_OR_RETURN(const int64_t existing, scenarios.Count({}));
  if (existing > 0) {
    log::Info("demo scenarios skipped: the store has scenarios", {{"track", kTrack}});
    return absl::OkStatus();
  }
  if (deps.regions->street_count() == 0) {
    return absl::FailedPreconditionError("no streets to develop scenarios in");
  }
  const Scenarios part(&scenarios, deps.regions, &clock);
  PlanLoader loader(part, clock, *deps.regions, now);
  int i = 0;
  for (const ScenarioPlan& plan : kPlans) {
    GOV_RETURN_IF_ERROR(loader.Load(plan, i++));
  }
  log::Info("demo scenarios loaded", {{"track", kTrack}, {"scenarios", absl::StrCat(i)}});
  return absl::OkStatus();
}

}  // namespace gov::digital
