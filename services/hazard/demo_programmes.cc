// The programmes' demo: sites registered and most of them done over the last year, elevators with
// their policies and renewals, and the accidents of the last year; each written through the
// track's own parts, as a caller would, on a clock of the loader's own set to when it happened.

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/cases/calendar.h"
#include "common/cases/engine.h"
#include "common/demo/places.h"
#include "common/demo/random.h"
#include "common/demo/records.h"
#include "common/log/log.h"
#include "common/util/proto.h"
#include "common/util/status.h"
#include "services/hazard/demo_data.h"
#include "services/hazard/model.h"

namespace gov::hazard {
namespace {

constexpr char kLoader[] = "demo-loader";

auth::Principal Loader() { return demo::Actor(kLoader, auth::kDistrictAdmin); }

// ---- Sites ----

// A programme's sites: how many, and how many of them are done by now.
struct Programme {
  hv1::SiteKind kind;
  int sites;
  int done;
};

// The plan's programmes, a little short of full: 89 of 95 compounds treated (the plan's 87), 30
// of 32 micro fire stations built (28), 57 of 60 shop-dwellings cleared, 145 of 150 restaurants
// fitted with gas alarms, a traffic station built in 90 of the 95 communities, 55 of 60
// construction vehicles under the six fixes.
constexpr Programme kProgrammes[] = {
    {hv1::SITE_KIND_COMPOUND, 95, 89},        {hv1::SITE_KIND_MICRO_FIRE_STATION, 32, 30},
    {hv1::SITE_KIND_SHOP_DWELLING, 60, 57},   {hv1::SITE_KIND_RESTAURANT, 150, 145},
    {hv1::SITE_KIND_TRAFFIC_STATION, 95, 90}, {hv1::SITE_KIND_CONSTRUCTION_VEHICLE, 60, 55},
};

constexpr const char* kCompoundNames[] = {"花园", "新村", "公寓", "嘉园", "家园"};
constexpr const char* kRestaurantNames[] = {"面馆", "小吃店", "火锅店", "快餐店", "酒家"};

// The site's name and what is noted when it is done.
std::string SiteName(hv1::SiteKind kind, int i, const demo::Place& place, demo::Random& rng) {
  switch (kind) {
    case hv1::SITE_KIND_COMPOUND:
      return absl::StrCat(
          place.name, kCompoundNames[static_cast<size_t>(i) % std::size(kCompoundNames)], "小区");
    case hv1::SITE_KIND_MICRO_FIRE_STATION:
      return absl::StrCat(place.name, "微型消防站");
    case hv1::SITE_KIND_SHOP_DWELLING:
      return absl::StrFormat("%s沿街店铺%d号", place.street->name(), rng.Int(1, 299));
    case hv1::SITE_KIND_RESTAURANT:
      return absl::StrCat(
          "演示", kRestaurantNames[rng.Int(0, static_cast<int>(std::size(kRestaurantNames)) - 1)],
          absl::StrFormat("%03d", i + 1));
    case hv1::SITE_KIND_TRAFFIC_STATION:
      return absl::StrCat(place.name, "交治站");
    case hv1::SITE_KIND_CONSTRUCTION_VEHICLE:
      return absl::StrFormat("演A·D%05d", rng.Int(0, 99999));
    default:
      return "演示站点";
  }
}

const char* DoneNote(hv1::SiteKind kind) {
  switch (kind) {
    case hv1::SITE_KIND_COMPOUND:
      return "演示数据：消防通道划线、消防设施维修更新完成";
    case hv1::SITE_KIND_MICRO_FIRE_STATION:
      return "演示数据：器材配齐，队员到位";
    case hv1::SITE_KIND_SHOP_DWELLING:
      return "演示数据：居住人员已全部清退";
    case hv1::SITE_KIND_RESTAURANT:
      return "演示数据：燃气泄漏报警装置已安装并联动切断";
    case hv1::SITE_KIND_TRAFFIC_STATION:
      return "演示数据：交治站挂牌运行";
    case hv1::SITE_KIND_CONSTRUCTION_VEHICLE:
      return "演示数据：六定落实，备案完成";
    default:
      return "";
  }
}

// Where the i-th site of a programme is: compounds and traffic stations one in every community,
// micro fire stations in every third, the rest in communities drawn.
const demo::Place& SitePlace(hv1::SiteKind kind, int i, const std::vector<demo::Place>& communities,
                             demo::Random& rng) {
  const int n = static_cast<int>(communities.size());
  switch (kind) {
    case hv1::SITE_KIND_COMPOUND:
    case hv1::SITE_KIND_TRAFFIC_STATION:
      return communities[i % n];
    case hv1::SITE_KIND_MICRO_FIRE_STATION:
      return communities[(i * 3) % n];
    default:
      return communities[rng.Int(0, n - 1)];
  }
}

// Each programme's sites registered 40 to 365 days ago; those done (all but an even spread of
// `sites - done`) on a day between five days after their registration and yesterday.
absl::Status LoadSites(Sites& part, FakeClock& clock, const std::vector<demo::Place>& communities,
                       absl::CivilDay today) {
  const auth::Principal loader = Loader();
  for (const Programme& programme : kProgrammes) {
    demo::Random rng(demo::StableSeed(absl::StrCat("hazard-sites-", EnumKey(programme.kind))));
    const int pending = programme.sites - programme.done;
    for (int i = 0; i < programme.sites; ++i) {
      const demo::Place& place = SitePlace(programme.kind, i, communities, rng);
      const absl::CivilDay registered = today - rng.Int(40, 365);
      clock.Set(demo::LocalTime(registered, rng.Int(9, 16), rng.Int(0, 59)));
      hv1::RegisterSiteRequest request;
      request.set_request_id(absl::StrFormat("demo-site-%s-%04d", EnumKey(programme.kind), i));
      hv1::Site* s = request.mutable_site();
      s->set_kind(programme.kind);
      s->set_name(SiteName(programme.kind, i, place, rng));
      *s->mutable_region() = place.community_region();
      s->set_address(demo::Address(place.name, rng));
      hv1::RegisterSiteResponse registered_site;
      GOV_RETURN_IF_ERROR(part.Register(loader, request, &registered_site));
      // The pending ones spread evenly: the floor of i * pending / sites steps up `pending`
      // times as i runs over the sites, each step at a pending one.
      if ((i + 1) * pending / programme.sites != i * pending / programme.sites) continue;
      const absl::CivilDay day = registered + rng.Int(5, static_cast<int>(today - registered) - 1);
      clock.Set(demo::LocalTime(day, rng.Int(14, 17), rng.Int(0, 59)));
      hv1::CompleteSiteRequest complete;
      complete.set_id(registered_site.site().id());
      complete.set_etag(registered_site.site().etag());
      complete.set_day(demo::DayText(day));
      complete.set_note(DoneNote(programme.kind));
      if (programme.kind == hv1::SITE_KIND_CONSTRUCTION_VEHICLE) {
        for (int fix = 1; fix <= hv1::SixFix_MAX; ++fix) {
          complete.add_fixes(static_cast<hv1::SixFix>(fix));
        }
      }
      hv1::CompleteSiteResponse completed;
      GOV_RETURN_IF_ERROR(part.Complete(loader, complete, &completed));
    }
  }
  return absl::OkStatus();
}

// ---- Elevators ----

constexpr int kElevators = 1500;
constexpr const char* kInsurers[] = {"人保财险", "平安产险", "太平洋产险", "国寿财险"};

// A year's policy from `first`: to the day before the same day a year later.
hv1::InsurancePolicy YearPolicy(absl::CivilDay first, demo::Random& rng) {
  hv1::InsurancePolicy p;
  p.set_insurer(kInsurers[rng.Int(0, static_cast<int>(std::size(kInsurers)) - 1)]);
  p.set_first_day(demo::DayText(first));
  p.set_last_day(demo::DayText(absl::CivilDay(first.year() + 1, first.month(), first.day()) - 1));
  return p;
}

// One elevator and its policies. Eight in a hundred were never insured; 62 were insured for the
// first time this year (a day from 1 January to today); the other 30 have been insured for one to
// four years, year after year: at each end renewed within the grace days 93 times in a hundred
// (mostly from the next day), re-insured after the grace days 3 times, let lapse 4 times. A
// renewal is recorded up to 30 days before it starts.
absl::Status LoadElevator(Elevators& part, FakeClock& clock, const Rules& rules,
                          const std::vector<demo::Place>& communities, absl::CivilDay today,
                          int i) {
  const auth::Principal loader = Loader();
  demo::Random rng(demo::StableSeed(absl::StrCat("hazard-elevator-", i)));
  const demo::Place& place = communities[rng.Int(0, static_cast<int>(communities.size()) - 1)];
  const int profile = rng.Int(0, 99);
  const absl::CivilDay january(today.year(), 1, 1);
  absl::CivilDay first = today;
  if (profile < 8) {
    first = today - rng.Int(30, 700);  // registered, never insured
  } else if (profile < 70) {
    first = january + rng.Int(0, static_cast<int>(today - january));
  } else {
    first = today - rng.Int(400, 1500);
  }
  clock.Set(demo::LocalTime(std::min(first, today - 1) - rng.Int(1, 20), 10, rng.Int(0, 59)));
  hv1::RegisterElevatorRequest request;
  request.set_request_id(absl::StrFormat("demo-elevator-%05d", i));
  hv1::Elevator* e = request.mutable_elevator();
  e->set_registration_code(
      absl::StrFormat("梯11%02d%02d%06d", place.street_index + 1, place.community_index + 1, i));
  *e->mutable_region() = place.community_region();
  e->set_address(demo::Address(place.name, rng));
  e->set_residential(rng.Percent(85));
  hv1::RegisterElevatorResponse registered;
  GOV_RETURN_IF_ERROR(part.Register(loader, request, &registered));
  if (profile < 8) return absl::OkStatus();

  const int grace = rules.renewal_grace_days();
  for (int n = 0; first <= today + 30; ++n) {
    const hv1::InsurancePolicy policy = YearPolicy(first, rng);
    // Bought a few days before it starts, never after today.
    clock.Set(demo::LocalTime(std::min(first - rng.Int(1, 10), today - 1), rng.Int(9, 16),
                              rng.Int(0, 59)));
    hv1::RecordElevatorInsuranceRequest record;
    record.set_request_id(absl::StrFormat("demo-policy-%05d-%d", i, n));
    record.set_elevator_id(registered.elevator().id());
    *record.mutable_policy() = policy;
    hv1::RecordElevatorInsuranceResponse recorded;
    GOV_RETURN_IF_ERROR(part.RecordInsurance(loader, record, &recorded));
    const int next = rng.Int(0, 99);
    if (next >= 96) break;  // let lapse
    int gap = 1;            // from the day after
    if (next >= 93) {
      gap = grace + rng.Int(1, 90);  // re-insured after the grace days: not a renewal
    } else if (next >= 85 && grace > 1) {
      gap = rng.Int(2, grace);
    }
    first = *cal::ParseDay(policy.last_day()) + gap;
  }
  return absl::OkStatus();
}

// ---- Accidents ----

struct AccidentPlan {
  hv1::AccidentType type;
  const char* description;
  int max_casualties;
};

constexpr AccidentPlan kAccidentPlans[] = {
    {hv1::ACCIDENT_TYPE_FIRE, "演示数据：居民楼电动自行车充电起火，已扑灭", 2},
    {hv1::ACCIDENT_TYPE_FIRE, "演示数据：沿街店铺厨房油锅起火", 1},
    {hv1::ACCIDENT_TYPE_WORK_SAFETY, "演示数据：工地高处坠落，一人受伤送医", 1},
    {hv1::ACCIDENT_TYPE_WORK_SAFETY, "演示数据：仓库叉车作业挤伤", 1},
    {hv1::ACCIDENT_TYPE_OTHER, "演示数据：老旧小区外墙瓷砖脱落砸伤行人", 1},
};

constexpr int kAccidents = 24;
// The one food accident of the year, this many days back.
constexpr int kFoodAccidentIndex = 7;
constexpr int kFoodAccidentDaysBack = 230;

// Two dozen accidents over the last year: fires, work safety and others, and one food
// poisoning; no drug accident.
absl::Status LoadAccidents(Accidents& part, FakeClock& clock,
                           const regions::RegionRegistry& regions, absl::CivilDay today) {
  const auth::Principal loader = Loader();
  demo::Random rng(demo::StableSeed("hazard-accidents"));
  for (int i = 0; i < kAccidents; ++i) {
    const int street = rng.Int(0, regions.street_count() - 1);
    const demo::Place place =
        demo::DrawPlace(*regions.streets()[street], street, rng, {.community_percent = 80});
    const bool food = i == kFoodAccidentIndex;
    const AccidentPlan& plan =
        kAccidentPlans[rng.Int(0, static_cast<int>(std::size(kAccidentPlans)) - 1)];
    const absl::CivilDay day = today - (food ? kFoodAccidentDaysBack : rng.Int(1, 365));
    clock.Set(demo::LocalTime(day, rng.Int(12, 20), rng.Int(0, 59)));
    hv1::RecordAccidentRequest request;
    request.set_request_id(absl::StrFormat("demo-accident-%03d", i));
    hv1::Accident* a = request.mutable_accident();
    a->set_type(food ? hv1::ACCIDENT_TYPE_FOOD : plan.type);
    *a->mutable_region() = place.community_region();
    a->set_day(demo::DayText(day));
    a->set_description(food ? "演示数据：学校食堂群体性食物中毒，患者均已出院" : plan.description);
    a->set_casualties(food ? 12 : rng.Int(0, plan.max_casualties));
    hv1::RecordAccidentResponse recorded;
    GOV_RETURN_IF_ERROR(part.Record(loader, request, &recorded));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status LoadProgrammeDemo(const server::TrackDeps& deps, const Rules& rules) {
  const absl::Time now = deps.clock->Now();
  const absl::CivilDay today = cal::LocalDay(now);
  FakeClock clock(now);
  const registry::Registry sites(SiteLayout(), deps.repo, deps.cache, &clock);
  GOV_ASSIGN_OR_RETURN(const int64_t existing, sites.Count({}));
  if (existing > 0) {
    log::Info("demo programmes skipped: the store has sites", {{"track", kTrack}});
    return absl::OkStatus();
  }
  const registry::Registry elevators(ElevatorLayout(), deps.repo, deps.cache, &clock);
  const registry::Registry policies(InsuranceLayout(), deps.repo, deps.cache, &clock);
  const registry::Registry accidents(AccidentLayout(), deps.repo, deps.cache, &clock);
  // The accidents' part checks the enterprises they name (the demo's name none).
  const registry::Registry enterprises(EnterpriseLayout(), deps.repo, deps.cache, &clock);
  const registry::Registry inspections(InspectionLayout(), deps.repo, deps.cache, &clock);
  cases::CaseEngine hazards(HazardSpec(rules), deps.repo, deps.cache, deps.calendar, &clock,
                            nullptr);
  Enterprises enterprise_part(&enterprises, &inspections, &hazards, &rules, deps.regions, &clock);

  Sites site_part(&sites, deps.regions, &clock);
  Elevators elevator_part(&elevators, &policies, &rules, deps.regions, &clock);
  Accidents accident_part(&accidents, &enterprise_part, deps.regions, &clock);
  const std::vector<demo::Place> communities = demo::AllCommunities(*deps.regions);
  if (communities.empty()) return absl::FailedPreconditionError("no communities to place sites in");

  GOV_RETURN_IF_ERROR(LoadSites(site_part, clock, communities, today));
  for (int i = 0; i < kElevators; ++i) {
    GOV_RETURN_IF_ERROR(LoadElevator(elevator_part, clock, rules, communities, today, i));
  }
  GOV_RETURN_IF_ERROR(LoadAccidents(accident_part, clock, *deps.regions, today));
  log::Info("demo programmes loaded", {{"track", kTrack},
                                       {"elevators", absl::StrCat(kElevators)},
                                       {"accidents", absl::StrCat(kAccidents)}});
  return absl::OkStatus();
}

}  // namespace gov::hazard
