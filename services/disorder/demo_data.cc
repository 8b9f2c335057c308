// The demo loads of the monitored objects, the fume readings and the campaigns (the complaints'
// and the findings' are demo_complaints.cc's and demo_enforcement.cc's).
#include "services/disorder/demo_data.h"

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/cases/calendar.h"
#include "common/demo/places.h"
#include "common/demo/random.h"
#include "common/demo/records.h"
#include "common/demo/registry_load.h"
#include "common/log/log.h"
#include "common/util/parallel.h"
#include "common/util/proto.h"
#include "common/util/status.h"
#include "services/disorder/kinds.h"
#include "services/disorder/objects.h"
#include "services/disorder/rules.h"
#include "services/disorder/validation.h"

namespace gov::disorder {
namespace {

// ---- Monitored objects ----

namespace object_demo {

constexpr int kDemoWorkers = 4;
// The plan's objects, and how far short of the targets the demo registry stays: 146 restaurants
// (140 active), 170 construction sites (164 active, a few missing a system), 10 demonstration
// streets, 10 parking blocks (9 active), 10 noise communities, 7 muck road sections (6 active).
constexpr int kDemoRestaurants = 146;
constexpr int kDemoSites = 170;
constexpr int kDemoBlocks = 10;
constexpr int kDemoNoiseCommunities = 10;
constexpr int kDemoDemoStreets = 10;
constexpr int kDemoRoadSections = 7;

// The coordinates of a demo object: where its grid lies (demo::Point), moved by a few metres.
governance::v1::GeoPoint DemoPoint(const demo::Place& g, uint64_t seed) {
  demo::Random rng(seed);
  return demo::Point(g, 0.00006, rng);
}

// Item `i` of a kind: active from a day spread over the last two years (so that earlier
// periods show fewer), or in the given state without a day.
class DemoBuilder {
 public:
  explicit DemoBuilder(absl::CivilDay today)
      : load_("object", today,
              [](dv1::MonitoredObject& o, std::string day) { o.set_since_date(std::move(day)); }) {}

  dv1::MonitoredObject& Add(dv1::MonitoredObjectKind kind, int i, std::string name,
                            const governance::v1::RegionRef& region,
                            dv1::MonitoredObjectStatus status) {
    dv1::MonitoredObject object;
    object.set_kind(kind);
    object.set_name(std::move(name));
    *object.mutable_region() = region;
    object.set_status(status);
    return load_.Add(kind, i, std::move(object), status == dv1::MONITORED_OBJECT_STATUS_ACTIVE);
  }

  const demo::RegistryLoad<dv1::MonitoredObject>& load() const { return load_; }

 private:
  demo::RegistryLoad<dv1::MonitoredObject> load_;
};

dv1::MonitoredObjectStatus ActiveUnless(bool short_of_plan, dv1::MonitoredObjectStatus otherwise) {
  return short_of_plan ? otherwise : dv1::MONITORED_OBJECT_STATUS_ACTIVE;
}

constexpr const char* kCuisines[] = {"面馆", "川菜馆", "烧烤店", "火锅店", "小吃店",
                                     "酒家", "快餐店", "湘菜馆", "大排档", "家常菜馆"};

// Restaurants spread over the grids (a stride through them), 4 suspended for refitting and 2
// removed; every 25th with a stricter limit of its own; some under special control: every 23rd
// a provincial inspection point, every 11th a municipal one, every 9th a repeat-complaint point
// (35 in all, one of them suspended).
void AddRestaurants(const std::vector<demo::Place>& grids, DemoBuilder& b) {
  const int n = static_cast<int>(grids.size());
  for (int i = 0; i < kDemoRestaurants; ++i) {
    const demo::Place& g = grids[(static_cast<int64_t>(i) * 37) % n];
    dv1::MonitoredObjectStatus status = dv1::MONITORED_OBJECT_STATUS_ACTIVE;
    if (i % 37 == 11) status = dv1::MONITORED_OBJECT_STATUS_SUSPENDED;
    if (i == 60 || i == 120) status = dv1::MONITORED_OBJECT_STATUS_REMOVED;
    dv1::MonitoredObject& o =
        b.Add(dv1::MONITORED_OBJECT_KIND_FUME_RESTAURANT, i,
              absl::StrCat(g.name, kCuisines[i % 10], i / 10 + 1, "号店"), g.region(), status);
    *o.mutable_location() = DemoPoint(g, 1000 + i);
    o.set_address(absl::StrCat(g.name, "美食街", 1 + (i * 7) % 180, "号"));
    o.mutable_fume_monitor()->set_device_id(absl::StrFormat("YY-%s-%04d", g.street->id(), i + 1));
    if (i % 25 == 7) o.mutable_fume_monitor()->set_limit_mg_m3(1.5);
    if (i % 23 == 4) o.mutable_control_point()->set_provincial_inspection(true);
    if (i % 11 == 2) o.mutable_control_point()->set_municipal_inspection(true);
    if (i % 9 == 5) o.mutable_control_point()->set_repeat_complaint(true);
  }
}

// Construction sites over the communities, 6 halted; of the active ones a few miss a system
// (the wage deposit every 17th, the rights board every 29th).
void AddSites(const std::vector<demo::Place>& grids, DemoBuilder& b) {
  const int n = static_cast<int>(grids.size());
  for (int i = 0; i < kDemoSites; ++i) {
    const demo::Place& g = grids[(static_cast<int64_t>(i) * 59 + 5) % n];
    dv1::MonitoredObject& o = b.Add(
        dv1::MONITORED_OBJECT_KIND_CONSTRUCTION_SITE, i,
        absl::StrCat(g.street->name(), i % 2 == 0 ? "安置房项目" : "综合体项目", i / 2 + 1, "标段"),
        g.community_region(), ActiveUnless(i % 29 == 13, dv1::MONITORED_OBJECT_STATUS_SUSPENDED));
    o.set_address(absl::StrCat(g.name, "建设路", 1 + (i * 11) % 300, "号"));
    dv1::WageSystems* w = o.mutable_wage_systems();
    w->set_real_name_management(true);
    w->set_wage_special_account(true);
    w->set_contractor_pays_wages(true);
    w->set_wage_deposit(i % 17 != 3);
    w->set_rights_information_board(i % 29 != 20);
    w->set_wage_payment_ledger(true);
  }
}

void AddAreas(const std::vector<demo::Place>& grids, const regions::RegionRegistry& regions,
              DemoBuilder& b) {
  const auto& streets = regions.streets();
  const int n = static_cast<int>(grids.size());
  for (int i = 0; i < kDemoDemoStreets && i < static_cast<int>(streets.size()); ++i) {
    governance::v1::RegionRef r;
    r.set_street_id(streets[i]->id());
    dv1::MonitoredObject& o = b.Add(dv1::MONITORED_OBJECT_KIND_DEMONSTRATION_STREET, i,
                                    absl::StrCat(streets[i]->name(), "市容环境众包示范街"), r,
                                    dv1::MONITORED_OBJECT_STATUS_ACTIVE);
    o.set_address(absl::StrCat(streets[i]->name(), "中心大街"));
  }
  for (int i = 0; i < kDemoBlocks; ++i) {
    const demo::Place& g = grids[(static_cast<int64_t>(i) * 41 + 3) % n];
    dv1::MonitoredObject& o =
        b.Add(dv1::MONITORED_OBJECT_KIND_PARKING_BLOCK, i,
              absl::StrCat(g.name, "地铁口非机动车停放区块"), g.community_region(),
              ActiveUnless(i == kDemoBlocks - 1, dv1::MONITORED_OBJECT_STATUS_SUSPENDED));
    *o.mutable_location() = DemoPoint(g, 2000 + i);
  }
  for (int i = 0; i < kDemoNoiseCommunities; ++i) {
    const demo::Place& g = grids[(static_cast<int64_t>(i) * 43 + 17) % n];
    b.Add(dv1::MONITORED_OBJECT_KIND_NOISE_COMMUNITY, i, absl::StrCat(g.name, "噪声治理重点社区"),
          g.community_region(), dv1::MONITORED_OBJECT_STATUS_ACTIVE);
  }
  for (int i = 0; i < kDemoRoadSections; ++i) {
    const auto* street = streets[(i * 3) % streets.size()];
    governance::v1::RegionRef r;
    r.set_street_id(street->id());
    dv1::MonitoredObject& o =
        b.Add(dv1::MONITORED_OBJECT_KIND_MUCK_ROAD_SECTION, i,
              absl::StrCat(street->name(), "渣土运输重点路段", i + 1), r,
              ActiveUnless(i == kDemoRoadSections - 1, dv1::MONITORED_OBJECT_STATUS_SUSPENDED));
    o.set_address(absl::StrCat(street->name(), "环城路段"));
  }
}

}  // namespace object_demo

// ---- Fume readings ----

namespace fume_demo {

// Restaurants with demo readings, days of readings, and the readings' interval.
constexpr int kDemoRestaurants = 12;
constexpr int kDemoDays = 3;
constexpr absl::Duration kDemoInterval = absl::Minutes(10);
constexpr int kDemoWorkers = 4;
constexpr char kDemoActor[] = "fume-demo";

// 0..1, the same for a restaurant and a time on every run.
double Unit(int restaurant, absl::Time t) {
  return demo::UnitInterval(demo::Seed(static_cast<uint64_t>(restaurant),
                                       static_cast<uint64_t>(absl::ToUnixSeconds(t)), 0));
}

// The j-th demo restaurant's concentration at `t`: 0.3 to 1.3 mg/m³ (higher at meal times),
// under every limit; every third restaurant over the limit from 18:00 to 18:40 every other
// evening (one episode), every fourth from the second on at 12:00 and again at 12:30 every
// third day (one episode: the quiet period has not passed in between).
double DemoConcentration(int j, absl::Time t) {
  const absl::CivilMinute local = absl::ToCivilMinute(t, cal::DistrictZone());
  const int64_t day = absl::CivilDay(local) - absl::CivilDay(2020, 1, 1);
  const int hour = local.hour();
  const int minute = local.minute();
  const double u = Unit(j, t);
  if (j % 3 == 0 && (day + j) % 2 == 0 && hour == 18 && minute <= 40) return 2.4 + 1.2 * u;
  if (j % 4 == 1 && (day + j) % 3 == 0 && hour == 12 && (minute == 0 || minute == 30)) {
    return 2.2 + 0.8 * u;
  }
  const bool meal = (hour >= 11 && hour < 13) || (hour >= 17 && hour < 20);
  return 0.3 + 0.4 * u + (meal ? 0.6 : 0.0);
}

}  // namespace fume_demo

// ---- Campaigns ----

namespace campaign_demo {

constexpr int kMinYear = 2000;
constexpr char kDemoActor[] = "campaign-demo-loader";
constexpr int kDemoMonthsBack = 12;
constexpr int kCategoriesPerMonth = 2;
// The categories the demo runs a campaign for every month besides the month's pair.
constexpr dv1::ComplaintCategory kDemoRoutine[] = {dv1::COMPLAINT_CATEGORY_COOKING_FUMES,
                                                   dv1::COMPLAINT_CATEGORY_MOBILE_STALL,
                                                   dv1::COMPLAINT_CATEGORY_NOISE};

struct DemoCampaign {
  std::string request_id;
  dv1::Campaign campaign;
  dv1::CampaignStatus target = dv1::CAMPAIGN_STATUS_PLANNED;
  int seed = 0;
};

int MonthIndex(absl::CivilMonth month) {
  return static_cast<int>((month.year() - kMinYear) * 12 + month.month() - 1);
}

// The month's pair of the ten categories, in turn (every category every five months).
std::vector<dv1::ComplaintCategory> MonthPair(absl::CivilMonth month) {
  const int pairs = static_cast<int>(AllCategories().size()) / kCategoriesPerMonth;
  std::vector<dv1::ComplaintCategory> out;
  for (int slot = 0; slot < kCategoriesPerMonth; ++slot) {
    out.push_back(AllCategories()[(MonthIndex(month) % pairs) * kCategoriesPerMonth + slot]);
  }
  return out;
}

// Everything about a demo campaign follows from its month and its category, not from the day
// of the load: a later load asks for the same campaigns and only moves them on.
//  - categories: the month's pair (slots 0 and 1), then each routine category not in the pair
//    (slots 2 and up);
//  - target areas by seed: a whole street, two communities of a street, or three streets;
//  - started on one of the month's first five days (the start recorded after the fact).
DemoCampaign MakeDemoCampaign(absl::CivilMonth month, int slot, dv1::ComplaintCategory category,
                              const regions::RegionRegistry& regions) {
  const int seed = MonthIndex(month) * kCategoriesPerMonth + slot +
                   (slot < kCategoriesPerMonth ? 0 : 1000 * slot);
  const auto& streets = regions.streets();
  const int n = static_cast<int>(streets.size());
  const governance::config::v1::Street* street = streets[seed % n];

  DemoCampaign d;
  d.seed = seed;
  d.request_id = absl::StrCat("demo-campaign-", MonthText(month), "-", EnumKey(category));
  dv1::Campaign& c = d.campaign;
  c.set_month(MonthText(month));
  c.set_category(category);
  const std::vector<const governance::config::v1::Community*> communities =
      regions.CommunitiesOf(street->id());
  std::string where;
  switch (seed % 3) {
    case 1:
      if (communities.size() >= 2) {
        for (int k = 0; k < 2; ++k) {
          const governance::config::v1::Community* community =
              communities[(seed / 3 + k) % communities.size()];
          governance::v1::RegionRef* area = c.add_target_areas();
          area->set_street_id(street->id());
          area->set_community_id(community->id());
        }
        where = absl::StrCat(street->name(), "重点社区");
        break;
      }
      [[fallthrough]];
    case 0:
      c.add_target_areas()->set_street_id(street->id());
      where = street->name();
      break;
    default: {
      absl::flat_hash_set<std::string> taken;
      for (int step : {0, 3, 7}) {
        const governance::config::v1::Street* s = streets[(seed + step) % n];
        if (taken.insert(s->id()).second) c.add_target_areas()->set_street_id(s->id());
      }
      where = "全区多街道";
      break;
    }
  }
  c.set_title(absl::StrFormat("%d年%d月%s专项整治（%s）", month.year(), month.month(),
                              CategoryNameZh(category), where));
  c.set_plan(absl::StrCat("集中排查", CategoryNameZh(category), "问题，联合执法、限期整改、",
                          "回头看复查。（演示数据）"));
  return d;
}

dv1::CampaignResults DemoResults(int seed) {
  dv1::CampaignResults r;
  r.set_inspections(40 + (seed * 37) % 160);
  r.set_problems_found(10 + (seed * 13) % 50);
  r.set_problems_fixed(r.problems_found() - seed % 5);
  r.set_penalised(r.problems_found() * (30 + seed % 40) / 100);
  r.set_summary(absl::StrCat("检查 ", r.inspections(), " 处，发现问题 ", r.problems_found(),
                             " 个，整改 ", r.problems_fixed(), " 个，查处 ", r.penalised(),
                             " 起。（演示数据）"));
  return r;
}

}  // namespace campaign_demo

}  // namespace

absl::Status LoadObjectDemo(const registry::Registry& objects, const server::TrackDeps& deps) {
  using namespace object_demo;  // NOLINT(build/namespaces): the load's own helpers
  const std::vector<demo::Place> grids = demo::AllGrids(*deps.regions);
  if (grids.empty()) return absl::OkStatus();
  const absl::CivilDay today = cal::LocalDay(deps.clock->Now());
  DemoBuilder builder(today);
  AddRestaurants(grids, builder);
  AddSites(grids, builder);
  AddAreas(grids, *deps.regions, builder);

  // The demo's device ids are distinct by construction; the registration's device check is not
  // needed here.
  return builder.load().Load(
      objects,
      [&](const dv1::MonitoredObject& o) { return ValidateObject(o, *deps.regions, today); },
      ObjectRow, kDemoWorkers);
}

absl::Status LoadFumeDemo(FumeFeed& feed, const registry::Registry& objects,
                          const server::TrackDeps& deps) {
  using namespace fume_demo;  // NOLINT(build/namespaces): the load's own helpers
  store::EntityFilter filter;
  filter.key = registry::KindStatusKey(EnumKey(dv1::MONITORED_OBJECT_KIND_FUME_RESTAURANT),
                                       EnumKey(dv1::MONITORED_OBJECT_STATUS_ACTIVE));
  filter.limit = kDemoRestaurants;
  GOV_ASSIGN_OR_RETURN(const std::vector<store::EntityRecord> restaurants,
                       objects.Rows(std::move(filter)));
  // Readings on the 10-minute marks of the last days, ending at the last mark before now.
  const int64_t interval = absl::ToInt64Seconds(kDemoInterval);
  const absl::Time end =
      absl::FromUnixSeconds(absl::ToUnixSeconds(deps.clock->Now()) / interval * interval);
  const absl::Time begin = end - absl::Hours(24 * kDemoDays);
  const auth::Principal actor = auth::SystemPrincipal(kDemoActor);
  std::atomic<int64_t> taken{0};
  std::atomic<int64_t> stale{0};
  std::atomic<int64_t> failed{0};
  std::atomic<int64_t> episodes{0};
  const absl::Status status = ParallelFor(
      static_cast<int>(restaurants.size()), kDemoWorkers, [&](int, int j) -> absl::Status {
        dv1::RecordFumeReadingsRequest request;
        for (absl::Time t = begin + kDemoInterval; t <= end; t += kDemoInterval) {
          dv1::FumeReading* r = request.add_readings();
          r->set_object_id(restaurants[j].id);
          *r->mutable_read_time() = ToTimestamp(t);
          r->set_concentration_mg_m3(DemoConcentration(j, t));
        }
        dv1::RecordFumeReadingsResponse response;
        GOV_RETURN_IF_ERROR(feed.Record(actor, request, &response));
        taken += response.taken_count();
        stale += response.stale_count();
        failed += response.failed_count();
        episodes += response.episodes_started();
        for (const dv1::FumeReadingResult& r : response.results()) {
          if (r.code() != 0) {
            return absl::Status(static_cast<absl::StatusCode>(r.code()),
                                absl::StrCat("demo fume reading: ", r.message()));
          }
        }
        return absl::OkStatus();
      });
  GOV_RETURN_IF_ERROR(status);
  log::Info("demo fume readings loaded", {{"restaurants", absl::StrCat(restaurants.size())},
                                          {"taken", absl::StrCat(taken.load())},
                                          {"stale", absl::StrCat(stale.load())},
                                          {"failed", absl::StrCat(failed.load())},
                                          {"episodes_started", absl::StrCat(episodes.load())}});
  return absl::OkStatus();
}

// Over the last 12 months, one campaign a month for each category of the month's pair and for
// each routine category of the demo, completed with results; this month's under way, next
// month's planned; each started early in its month. Each is planned through Plan (idempotent by
// its request id) and moved on as far as its month allows; one that a user cancelled or
// completed stays as it is, and one whose plan was changed since (ALREADY_EXISTS) is kept.
absl::Status LoadCampaignDemo(Campaigns& campaigns, const server::TrackDeps& deps) {
  using namespace campaign_demo;  // NOLINT(build/namespaces): the load's own helpers
  if (deps.regions->streets().empty()) return absl::OkStatus();
  const auth::Principal actor = auth::SystemPrincipal(kDemoActor);
  const absl::CivilMonth current(cal::LocalDay(deps.clock->Now()));
  int seen = 0;
  int moved = 0;
  int kept = 0;
  for (int offset = -kDemoMonthsBack; offset <= 1; ++offset) {
    const absl::CivilMonth month = current + offset;
    std::vector<dv1::ComplaintCategory> categories = MonthPair(month);
    for (const dv1::ComplaintCategory routine : kDemoRoutine) {
      if (std::find(categories.begin(), categories.end(), routine) == categories.end()) {
        categories.push_back(routine);
      }
    }
    for (int slot = 0; slot < static_cast<int>(categories.size()); ++slot) {
      DemoCampaign d = MakeDemoCampaign(month, slot, categories[slot], *deps.regions);
      d.target = offset < 0    ? dv1::CAMPAIGN_STATUS_COMPLETED
                 : offset == 0 ? dv1::CAMPAIGN_STATUS_UNDER_WAY
                               : dv1::CAMPAIGN_STATUS_PLANNED;
      dv1::PlanCampaignRequest plan;
      plan.set_request_id(d.request_id);
      *plan.mutable_campaign() = d.campaign;
      dv1::PlanCampaignResponse planned;
      const absl::Status stored = campaigns.Plan(actor, plan, &planned);
      if (absl::IsAlreadyExists(stored)) {
        ++kept;
        continue;
      }
      GOV_RETURN_IF_ERROR(stored);
      dv1::Campaign c = std::move(*planned.mutable_campaign());
      ++seen;
      if (d.target != dv1::CAMPAIGN_STATUS_PLANNED && c.status() == dv1::CAMPAIGN_STATUS_PLANNED) {
        dv1::StartCampaignRequest start;
        start.set_id(c.id());
        start.set_etag(c.etag());
        const absl::Time start_time = demo::LocalTime(absl::CivilDay(month) + d.seed % 5, 9, 0);
        if (start_time < deps.clock->Now()) *start.mutable_start_time() = ToTimestamp(start_time);
        dv1::StartCampaignResponse started;
        GOV_RETURN_IF_ERROR(campaigns.Start(actor, start, &started));
        c = std::move(*started.mutable_campaign());
        ++moved;
      }
      if (d.target == dv1::CAMPAIGN_STATUS_COMPLETED &&
          c.status() == dv1::CAMPAIGN_STATUS_UNDER_WAY) {
        dv1::CompleteCampaignRequest complete;
        complete.set_id(c.id());
        complete.set_etag(c.etag());
        *complete.mutable_results() = DemoResults(d.seed);
        dv1::CompleteCampaignResponse completed;
        GOV_RETURN_IF_ERROR(campaigns.Complete(actor, complete, &completed));
        c = std::move(*completed.mutable_campaign());
        ++moved;
      }
    }
  }
  log::Info("demo campaigns ready", {{"track", kTrack},
                                     {"campaigns", absl::StrCat(seen)},
                                     {"moved_on", absl::StrCat(moved)},
                                     {"kept_as_changed", absl::StrCat(kept)}});
  return absl::OkStatus();
}

}  // namespace gov::disorder
