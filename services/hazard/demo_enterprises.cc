#include <algorithm>
#include <iterator>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/cases/calendar.h"
#include "common/cases/engine.h"
#include "common/clock/clock.h"
#include "common/demo/places.h"
#include "common/demo/random.h"
#include "common/demo/records.h"
#include "common/log/log.h"
#include "common/registry/registry.h"
#include "common/util/proto.h"
#include "common/util/status.h"
#include "services/hazard/demo_data.h"
#include "services/hazard/enterprises.h"
#include "services/hazard/model.h"

namespace gov::hazard {
namespace {

constexpr char kLoader[] = "demo-loader";
// The plan grades 248 enterprises; the demo registers a few more.
constexpr int kEnterprises = 260;
constexpr int kSectorCount = 9;

// A sector as the demo invents its enterprises: what they are called, how common they are, who
// inspects them, what is found there and how often a finding is a major hazard.
struct SectorPlan {
  hv1::Sector sector;
  const char* noun;
  int weight;
  const char* inspector_unit;
  int major_percent;
  hv1::HazardType types[3];
};

constexpr SectorPlan kSectors[kSectorCount] = {
    {hv1::SECTOR_HAZARDOUS_CHEMICALS,
     "化工有限公司",
     3,
     "区应急管理局",
     15,
     {hv1::HAZARD_TYPE_WORK_SAFETY, hv1::HAZARD_TYPE_FIRE, hv1::HAZARD_TYPE_WORK_SAFETY}},
    {hv1::SECTOR_MANUFACTURING,
     "制造有限公司",
     8,
     "区应急管理局",
     8,
     {hv1::HAZARD_TYPE_WORK_SAFETY, hv1::HAZARD_TYPE_FIRE, hv1::HAZARD_TYPE_ELEVATOR}},
    {hv1::SECTOR_CONSTRUCTION,
     "建设工程项目部",
     5,
     "区住建局",
     12,
     {hv1::HAZARD_TYPE_WORK_SAFETY, hv1::HAZARD_TYPE_TRAFFIC, hv1::HAZARD_TYPE_FIRE}},
    {hv1::SECTOR_WAREHOUSING,
     "物流仓储中心",
     5,
     "区消防救援大队",
     8,
     {hv1::HAZARD_TYPE_FIRE, hv1::HAZARD_TYPE_FIRE_LANE, hv1::HAZARD_TYPE_WORK_SAFETY}},
    {hv1::SECTOR_CATERING,
     "餐饮店",
     14,
     "区市场监管局",
     5,
     {hv1::HAZARD_TYPE_GAS, hv1::HAZARD_TYPE_FOOD_DRUG, hv1::HAZARD_TYPE_FIRE}},
    {hv1::SECTOR_FOOD_PRODUCTION,
     "食品厂",
     4,
     "区市场监管局",
     8,
     {hv1::HAZARD_TYPE_FOOD_DRUG, hv1::HAZARD_TYPE_WORK_SAFETY, hv1::HAZARD_TYPE_GAS}},
    {hv1::SECTOR_PHARMACY,
     "大药房",
     6,
     "区市场监管局",
     4,
     {hv1::HAZARD_TYPE_FOOD_DRUG, hv1::HAZARD_TYPE_FIRE, hv1::HAZARD_TYPE_FOOD_DRUG}},
    {hv1::SECTOR_RETAIL,
     "商贸超市",
     12,
     "街道安监办",
     3,
     {hv1::HAZARD_TYPE_FIRE, hv1::HAZARD_TYPE_FIRE_LANE, hv1::HAZARD_TYPE_SHOP_DWELLING}},
    {hv1::SECTOR_OTHER,
     "服务有限公司",
     6,
     "街道安监办",
     3,
     {hv1::HAZARD_TYPE_FIRE, hv1::HAZARD_TYPE_ELEVATOR, hv1::HAZARD_TYPE_WORK_SAFETY}},
};

struct FindingText {
  hv1::HazardType type;
  const char* text;
};

constexpr FindingText kFindingTexts[] = {
    {hv1::HAZARD_TYPE_FIRE, "演示数据：灭火器过期未更换"},
    {hv1::HAZARD_TYPE_FIRE, "演示数据：电气线路私拉乱接"},
    {hv1::HAZARD_TYPE_FIRE, "演示数据：自动喷淋系统损坏未修复"},
    {hv1::HAZARD_TYPE_FIRE_LANE, "演示数据：消防通道堆放杂物"},
    {hv1::HAZARD_TYPE_FIRE_LANE, "演示数据：安全出口锁闭"},
    {hv1::HAZARD_TYPE_GAS, "演示数据：未安装燃气泄漏报警装置"},
    {hv1::HAZARD_TYPE_GAS, "演示数据：燃气软管老化未更换"},
    {hv1::HAZARD_TYPE_SHOP_DWELLING, "演示数据：店铺内违规住人"},
    {hv1::HAZARD_TYPE_FOOD_DRUG, "演示数据：食品原料超过保质期"},
    {hv1::HAZARD_TYPE_FOOD_DRUG, "演示数据：药品储存温度不达标"},
    {hv1::HAZARD_TYPE_FOOD_DRUG, "演示数据：从业人员健康证过期"},
    {hv1::HAZARD_TYPE_TRAFFIC, "演示数据：工程车辆未按规定路线行驶"},
    {hv1::HAZARD_TYPE_ELEVATOR, "演示数据：电梯维保记录缺失"},
    {hv1::HAZARD_TYPE_WORK_SAFETY, "演示数据：特种作业人员无证上岗"},
    {hv1::HAZARD_TYPE_WORK_SAFETY, "演示数据：安全生产责任制未落实"},
    {hv1::HAZARD_TYPE_WORK_SAFETY, "演示数据：危险物品存放不规范"},
};

std::string FindingDescription(hv1::HazardType type, demo::Random& rng) {
  std::vector<const char*> texts;
  for (const FindingText& t : kFindingTexts) {
    if (t.type == type) texts.push_back(t.text);
  }
  return texts.empty() ? "演示数据：检查发现隐患" : rng.Pick(texts);
}

// What the loader did, for the log.
struct Tally {
  int enterprises = 0;
  int inspections = 0;
  int hazards = 0;
  int rectified = 0;
  int rectified_late = 0;
  int verified = 0;
  int closed = 0;
};

// The hazards an enterprise's inspections opened, each with the steps planned for it (its
// rectification, in time or late, its verification and its closing), taken in order of time as
// the enterprise's next inspection comes (so that it grades the enterprise as it stood then) and
// at the end up to now. Steps planned after now are never taken: those hazards are still open.
class HazardLives {
 public:
  HazardLives(cases::CaseEngine* engine, FakeClock* clock, const Rules* rules, Tally* tally)
      : engine_(engine), clock_(clock), rules_(rules), tally_(tally) {}

  // Plans the life of hazard `id`, just opened.
  absl::Status Open(const std::string& id, demo::Random& rng) {
    GOV_ASSIGN_OR_RETURN(const cases::Case c, engine_->Get(Loader(), id, /*with_history=*/false));
    GOV_ASSIGN_OR_RETURN(const hv1::Hazard h, HazardKind().FromCase(c));
    const int index = static_cast<int>(hazards_.size());
    hazards_.push_back({id, c.etag(), FromTimestamp(h.deadline())});
    ++tally_->hazards;
    if (rng.Percent(12)) return absl::OkStatus();  // left open: overdue once its deadline passes
    const bool major = h.severity() == hv1::SEVERITY_MAJOR;
    const int deadline_days =
        static_cast<int>(absl::ToInt64Hours(rules_->RectificationTime(h.severity())) / 24);
    const int in_time_last = std::max(0, deadline_days - 1);
    const int in_time_first = std::min(major ? 10 : 2, in_time_last);
    const int days = rng.Percent(82) ? rng.Int(in_time_first, in_time_last)
                                     : rng.Int(deadline_days + 1, deadline_days + 40);
    const absl::Time rectified = c.record.create_time + absl::Hours(24 * days + rng.Int(0, 8));
    steps_.push_back({rectified, index, kRectify});
    const absl::Time verified = rectified + absl::Hours(24 * rng.Int(1, 6));
    steps_.push_back({verified, index, kVerify});
    if (rng.Percent(85)) {
      steps_.push_back({verified + absl::Hours(24 * rng.Int(1, 10)), index, kClose});
    }
    return absl::OkStatus();
  }

  // Takes every step planned before `until`, in order of time.
  absl::Status Advance(absl::Time until) {
    std::stable_sort(steps_.begin(), steps_.end(),
                     [](const Step& a, const Step& b) { return a.at < b.at; });
    const auto later = std::find_if(steps_.begin(), steps_.end(),
                                    [until](const Step& s) { return s.at >= until; });
    for (auto it = steps_.begin(); it != later; ++it) GOV_RETURN_IF_ERROR(Take(*it));
    steps_.erase(steps_.begin(), later);
    return absl::OkStatus();
  }

 private:
  struct Opened {
    std::string id;
    std::string etag;
    absl::Time deadline;
  };
  struct Step {
    absl::Time at;
    int hazard;
    const char* verb;
  };

  static auth::Principal Loader() { return demo::Actor(kLoader, auth::kDistrictAdmin); }

  absl::Status Take(const Step& step) {
    Opened& h = hazards_[step.hazard];
    clock_->Set(step.at);
    std::string verb = step.verb;
    std::string note = "演示数据：复查合格";
    cases::Mutation mutation;
    if (verb == kRectify) {
      const bool in_time = step.at <= h.deadline;
      if (!in_time) verb = kRectifyLate;
      note = in_time ? "演示数据：按期整改" : "演示数据：逾期整改";
      mutation = HazardKind().Edit([in_time](hv1::Hazard& edited) {
        edited.set_rectification("演示数据：已按整改通知要求整改完毕");
        edited.set_rectified_in_time(in_time);
        return absl::OkStatus();
      });
      ++(in_time ? tally_->rectified : tally_->rectified_late);
    } else if (verb == kVerify) {
      ++tally_->verified;
    } else {
      note = "演示数据：销号";
      ++tally_->closed;
    }
    GOV_ASSIGN_OR_RETURN(const cases::Case moved,
                         engine_->Transition(Loader(), verb, h.id, h.etag, note, mutation));
    h.etag = moved.etag();
    return absl::OkStatus();
  }

  cases::CaseEngine* engine_;
  FakeClock* clock_;
  const Rules* rules_;
  Tally* tally_;
  std::vector<Opened> hazards_;
  std::vector<Step> steps_;
};

// The number of findings of an inspection: most find little.
int DrawFindings(demo::Random& rng) {
  return rng.Weighted<int>({{0, 30}, {1, 28}, {2, 20}, {3, 13}, {4, 9}});
}

// Enterprise `i`: registered, inspected over the last year, its findings' hazards moved on.
absl::Status LoadEnterprise(Enterprises& part, cases::CaseEngine& engine, FakeClock& clock,
                            const Rules& rules, const regions::RegionRegistry& regions, int i,
                            absl::Time now, Tally& tally) {
  const auth::Principal loader = demo::Actor(kLoader, auth::kDistrictAdmin);
  const absl::CivilDay today = cal::LocalDay(now);
  demo::Random rng(demo::StableSeed(absl::StrCat("hazard-enterprise-", i)));
  // Every sector in every street first, then sectors as common as a district has them.
  const int streets = regions.street_count();
  const int street = i % streets;
  int sector = (i / streets) % kSectorCount;
  if (i >= streets * kSectorCount) {
    std::vector<int> weights;
    for (const SectorPlan& s : kSectors) weights.push_back(s.weight);
    sector = rng.WeightedIndex(weights);
  }
  const SectorPlan& plan = kSectors[sector];
  const demo::Place place =
      demo::DrawPlace(*regions.streets()[street], street, rng, {.community_percent = 85});
  // Most registered over a year ago; a few since.
  const absl::CivilDay registered =
      today - (rng.Percent(85) ? rng.Int(366, 1100) : rng.Int(20, 365));
  clock.Set(demo::LocalTime(registered, rng.Int(9, 16), rng.Int(0, 59)));
  hv1::RegisterEnterpriseRequest request;
  request.set_request_id(absl::StrFormat("demo-enterprise-%04d", i));
  hv1::Enterprise* e = request.mutable_enterprise();
  e->set_name(absl::StrCat(place.name, "演示", plan.noun, "（", i + 1, "）"));
  if (!rng.Percent(10)) e->set_credit_code(absl::StrFormat("91330100DEMO%06d", i + 1));
  e->set_sector(plan.sector);
  *e->mutable_region() = place.community_region();
  e->set_address(demo::Address(place.name, rng));
  e->set_contact(absl::StrCat(demo::FormalName(rng), " ", demo::PlaceholderPhone(rng)));
  hv1::RegisterEnterpriseResponse registered_enterprise;
  GOV_RETURN_IF_ERROR(part.Register(loader, request, &registered_enterprise));
  ++tally.enterprises;
  const std::string& id = registered_enterprise.enterprise().id();

  // One to four inspections over the last year (since its registration).
  const absl::CivilDay first = std::max(registered + 1, today - 365);
  const absl::CivilDay last = today - 1;
  std::vector<absl::CivilDay> days;
  const int inspections = rng.Int(1, 4);
  for (int k = 0; k < inspections; ++k) {
    days.push_back(first + rng.Int(0, static_cast<int>(last - first)));
  }
  std::sort(days.begin(), days.end());
  HazardLives lives(&engine, &clock, &rules, &tally);
  for (int k = 0; k < inspections; ++k) {
    const absl::Time at = demo::LocalTime(days[k], rng.Int(9, 16), rng.Int(0, 59));
    GOV_RETURN_IF_ERROR(lives.Advance(at));
    clock.Set(at);
    hv1::RecordInspectionRequest inspect;
    inspect.set_request_id(absl::StrFormat("demo-inspection-%04d-%d", i, k));
    hv1::Inspection* in = inspect.mutable_inspection();
    in->set_enterprise_id(id);
    in->set_day(demo::DayText(days[k]));
    in->set_inspector(absl::StrCat(plan.inspector_unit, " ", demo::FormalName(rng)));
    const int findings = DrawFindings(rng);
    for (int f = 0; f < findings; ++f) {
      hv1::Finding* finding = in->add_findings();
      finding->set_type(rng.Pick(plan.types));
      finding->set_severity(rng.Percent(plan.major_percent) ? hv1::SEVERITY_MAJOR
                                                            : hv1::SEVERITY_GENERAL);
      finding->set_description(FindingDescription(finding->type(), rng));
    }
    hv1::RecordInspectionResponse recorded;
    GOV_RETURN_IF_ERROR(part.RecordInspection(loader, inspect, &recorded));
    ++tally.inspections;
    for (const std::string& hazard : recorded.inspection().hazard_ids()) {
      GOV_RETURN_IF_ERROR(lives.Open(hazard, rng));
    }
  }
  return lives.Advance(now);
}

}  // namespace

absl::Status LoadEnterpriseDemo(const server::TrackDeps& deps, const Rules& rules,
                                cases::CaseEngine* hazards) {
  const absl::Time now = deps.clock->Now();
  FakeClock clock(now);
  const registry::Registry enterprises(EnterpriseLayout(), deps.repo, deps.cache, &clock);
  const registry::Registry inspections(InspectionLayout(), deps.repo, deps.cache, &clock);
  GOV_ASSIGN_OR_RETURN(const int64_t existing, enterprises.Count({}));
  if (existing > 0) {
    log::Info("demo enterprises skipped: the store has enterprises", {{"track", kTrack}});
    return absl::OkStatus();
  }
  // The track's kind of hazard on the loader's clock, so that every step is dated when it
  // happened.
  cases::CaseEngine engine(hazards->spec(), deps.repo, deps.cache, deps.calendar, &clock, nullptr);
  Enterprises part(&enterprises, &inspections, &engine, &rules, deps.regions, &clock);
  Tally tally;
  for (int i = 0; i < kEnterprises; ++i) {
    GOV_RETURN_IF_ERROR(LoadEnterprise(part, engine, clock, rules, *deps.regions, i, now, tally));
  }
  log::Info("demo enterprises loaded", {{"track", kTrack},
                                        {"enterprises", absl::StrCat(tally.enterprises)},
                                        {"inspections", absl::StrCat(tally.inspections)},
                                        {"hazards", absl::StrCat(tally.hazards)},
                                        {"rectified_in_time", absl::StrCat(tally.rectified)},
                                        {"rectified_late", absl::StrCat(tally.rectified_late)},
                                        {"verified", absl::StrCat(tally.verified)},
                                        {"closed", absl::StrCat(tally.closed)}});
  return absl::OkStatus();
}

}  // namespace gov::hazard
