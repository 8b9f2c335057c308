// The compounds' demo: two to four compounds in every community, registered over the last four
// years and most with their three-party body set up over the last year; the hub's activities of
// the last year (the streets' receptions, coordinations and guidance, the district's monthly
// trainings with their trainees); and the streets' highlights of last year and of this year (ten
// of the streets so far). Each written through the track's own parts, as a caller would, on a
// clock of the loader's own set to when it happened.

#include <algorithm>
#include <iterator>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/cases/calendar.h"
#include "common/cases/engine.h"
#include "common/clock/clock.h"
#include "common/clock/district_time.h"
#include "common/demo/places.h"
#include "common/demo/random.h"
#include "common/demo/records.h"
#include "common/log/log.h"
#include "common/registry/registry.h"
#include "common/util/proto.h"
#include "common/util/status.h"
#include "services/tripartite/compounds.h"
#include "services/tripartite/demo_data.h"
#include "services/tripartite/hub.h"
#include "services/tripartite/model.h"

namespace gov::tripartite {
namespace {

constexpr char kLoader[] = "demo-loader";

auth::Principal Loader() { return demo::Actor(kLoader, auth::kDistrictAdmin); }

// ---- Compounds ----

constexpr const char* kCompoundNames[] = {"花园", "新村", "公寓", "嘉园", "家园", "苑", "雅居"};
constexpr const char* kCompanies[] = {"演示物业服务有限公司", "安居物业管理有限公司",
                                      "城建物业服务有限公司", "绿城演示物业有限公司",
                                      "和家物业服务有限公司"};

// Of a hundred compounds, this many have their body set up (the rest not yet).
constexpr int kBodyPercent = 90;

// A compound registered by the demo, with where it is.
struct DemoCompound {
  std::string id;
  std::string street_id;
};

// Two to four compounds in every community (the count drawn from the community's index),
// registered 30 to 1400 days ago (most more than a year ago); nine in ten with the body set up
// on a day of the last year on or after their registration and before today.
absl::Status LoadCompounds(Compounds& part, FakeClock& clock,
                           const std::vector<demo::Place>& communities, absl::CivilDay today,
                           std::vector<DemoCompound>& out) {
  const auth::Principal loader = Loader();
  demo::Random rng(demo::StableSeed("tripartite-compounds"));
  int n = 0;
  for (const demo::Place& place : communities) {
    const int count = 2 + (place.street_index * 7 + place.community_index * 3) % 3;
    for (int k = 0; k < count; ++k, ++n) {
      const absl::CivilDay registered =
          today - (rng.Percent(90) ? rng.Int(370, 1400) : rng.Int(30, 360));
      clock.Set(demo::LocalTime(registered, rng.Int(9, 16), rng.Int(0, 59)));
      tv1::RegisterCompoundRequest request;
      request.set_request_id(absl::StrFormat("demo-compound-%04d", n));
      tv1::Compound* c = request.mutable_compound();
      c->set_name(absl::StrCat(place.name,
                               kCompoundNames[static_cast<size_t>(n) % std::size(kCompoundNames)],
                               k == 0 ? "" : absl::StrCat(k + 1, "期"), "小区"));
      *c->mutable_region() = place.community_region();
      c->set_address(demo::Address(place.name, rng));
      c->set_households(rng.Int(120, 2400));
      // One in twelve is managed by its owners or the community, without a company.
      if (!rng.Percent(8)) c->set_property_company(rng.Pick(kCompanies));
      tv1::RegisterCompoundResponse stored;
      GOV_RETURN_IF_ERROR(part.Register(loader, request, &stored));
      out.push_back({stored.compound().id(), stored.compound().region().street_id()});
      if (!rng.Percent(kBodyPercent)) continue;
      // A day of the last year, not before the registration, before today.
      const absl::CivilDay from = std::max(registered, today - 365);
      if (from >= today) continue;
      const absl::CivilDay day = from + rng.Int(0, static_cast<int>(today - from) - 1);
      clock.Set(demo::LocalTime(day, rng.Int(14, 17), rng.Int(0, 59)));
      tv1::SetUpThreePartyBodyRequest body;
      body.set_id(stored.compound().id());
      body.set_etag(stored.compound().etag());
      body.set_day(demo::DayText(day));
      tv1::SetUpThreePartyBodyResponse set_up;
      GOV_RETURN_IF_ERROR(part.SetUpThreePartyBody(loader, body, &set_up));
    }
  }
  return absl::OkStatus();
}

// ---- The hub's activities ----

struct ServicePlan {
  tv1::HubService service;
  const char* title;
  int weight;
};

constexpr ServicePlan kStreetServices[] = {
    {tv1::HUB_SERVICE_PARTY_GUIDANCE, "党建引领三方联席会", 2},
    {tv1::HUB_SERVICE_RECEPTION, "三方综合体接待日", 4},
    {tv1::HUB_SERVICE_COORDINATION, "小区停车与公共收益协调", 3},
    {tv1::HUB_SERVICE_GUIDANCE, "三方指导服务进小区", 3},
    {tv1::HUB_SERVICE_SHOWCASE, "三方协同成效展示", 1},
};

constexpr const char* kGivenNames[] = {"建国", "秀英", "志强", "丽华", "海燕", "国平",
                                       "晓明", "春梅", "卫东", "玉兰", "明华", "桂芳"};

// A street's activity every 12 to 28 days over the last year, about up to three of its compounds.
absl::Status LoadStreetActivities(Hub& part, FakeClock& clock,
                                  const regions::RegionRegistry& regions,
                                  const std::vector<DemoCompound>& compounds, absl::CivilDay today,
                                  int& n) {
  const auth::Principal loader = Loader();
  std::vector<int> weights;
  for (const ServicePlan& plan : kStreetServices) weights.push_back(plan.weight);
  for (int s = 0; s < regions.street_count(); ++s) {
    const std::string& street = regions.streets()[s]->id();
    std::vector<std::string> of_street;
    for (const DemoCompound& c : compounds) {
      if (c.street_id == street) of_street.push_back(c.id);
    }
    demo::Random rng(demo::StableSeed(absl::StrCat("tripartite-hub-", street)));
    for (absl::CivilDay day = today - 365 + rng.Int(0, 10); day < today;
         day += rng.Int(12, 28), ++n) {
      const ServicePlan& plan = kStreetServices[rng.WeightedIndex(weights)];
      clock.Set(demo::LocalTime(day, rng.Int(9, 16), rng.Int(0, 59)));
      tv1::RecordHubActivityRequest request;
      request.set_request_id(absl::StrFormat("demo-hub-activity-%04d", n));
      tv1::HubActivity* a = request.mutable_activity();
      a->set_service(plan.service);
      *a->mutable_held_time() = ToTimestamp(clock.Now());
      a->mutable_region()->set_street_id(street);
      a->set_title(absl::StrCat(regions.streets()[s]->name(), plan.title));
      const int concerned = of_street.empty() ? 0 : rng.Int(0, 3);
      std::vector<std::string> ids;
      for (int k = 0; k < concerned; ++k) {
        const std::string& id = rng.Pick(of_street);
        if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
      }
      for (const std::string& id : ids) a->add_compound_ids(id);
      a->set_attendance(rng.Int(6, 120));
      a->set_note("演示数据");
      tv1::RecordHubActivityResponse recorded;
      GOV_RETURN_IF_ERROR(part.RecordActivity(loader, request, &recorded));
    }
  }
  return absl::OkStatus();
}

// Trainees of a training: `count` people, the i-th of them from compound
// `compounds[(first + i) * step % size]`, as chair, member or backbone.
void AddTrainees(tv1::HubActivity& a, const std::vector<DemoCompound>& compounds, int first,
                 int count, int step, demo::Random& rng) {
  const int size = static_cast<int>(compounds.size());
  for (int i = 0; i < count; ++i) {
    tv1::Trainee* t = a.add_trainees();
    t->set_name(absl::StrCat(rng.Pick(demo::kSurnames), rng.Pick(kGivenNames)));
    const int pick = rng.Int(0, 9);
    t->set_role(pick < 3   ? tv1::TRAINEE_ROLE_CHAIR
                : pick < 6 ? tv1::TRAINEE_ROLE_MEMBER
                           : tv1::TRAINEE_ROLE_BACKBONE);
    t->set_compound_id(compounds[static_cast<size_t>(((first + i) * step) % size)].id);
  }
}

// The district's trainings: one about every 30 days of last year before this one, and three this
// year (on days spread from 1 January to today), each with its trainees — this year's 14 each,
// people of 42 different compounds.
absl::Status LoadTrainings(Hub& part, FakeClock& clock, const std::vector<DemoCompound>& compounds,
                           absl::Time now, absl::CivilDay today, int& n) {
  const auth::Principal loader = Loader();
  demo::Random rng(demo::StableSeed("tripartite-trainings"));
  const absl::CivilDay january(today.year(), 1, 1);
  const int size = static_cast<int>(compounds.size());
  // Last year's: none on or after 1 January.
  for (int k = 1; k <= 12; ++k, ++n) {
    const absl::CivilDay day = today - 30 * k;
    if (day >= january) continue;
    clock.Set(demo::LocalTime(day, 14, 30));
    tv1::RecordHubActivityRequest request;
    request.set_request_id(absl::StrFormat("demo-hub-activity-%04d", n));
    tv1::HubActivity* a = request.mutable_activity();
    a->set_service(tv1::HUB_SERVICE_TRAINING);
    *a->mutable_held_time() = ToTimestamp(clock.Now());
    a->set_title(absl::StrFormat("业委会主任及三方骨干互动培训（第%d期）", 13 - k));
    a->set_attendance(rng.Int(20, 60));
    AddTrainees(*a, compounds, rng.Int(0, size - 1), rng.Int(8, 15), 1, rng);
    a->set_note("演示数据");
    tv1::RecordHubActivityResponse recorded;
    GOV_RETURN_IF_ERROR(part.RecordActivity(loader, request, &recorded));
  }
  // This year's: 42 trainees of compounds `size / 42` apart, so none is trained twice.
  constexpr int kThisYear = 3;
  constexpr int kEach = 14;
  const int step = std::max(1, size / (kThisYear * kEach));
  for (int j = 0; j < kThisYear; ++j, ++n) {
    const absl::CivilDay day = january + static_cast<int>(today - january) * j / kThisYear;
    clock.Set(std::min(demo::LocalTime(day, 9 + 2 * j, 30), now));
    tv1::RecordHubActivityRequest request;
    request.set_request_id(absl::StrFormat("demo-hub-activity-%04d", n));
    tv1::HubActivity* a = request.mutable_activity();
    a->set_service(tv1::HUB_SERVICE_TRAINING);
    *a->mutable_held_time() = ToTimestamp(clock.Now());
    a->set_title(
        absl::StrFormat("%d年业委会主任及三方骨干互动培训（第%d期）", today.year(), j + 1));
    a->set_attendance(rng.Int(30, 80));
    AddTrainees(*a, compounds, j * kEach, kEach, step, rng);
    a->set_note("演示数据");
    tv1::RecordHubActivityResponse recorded;
    GOV_RETURN_IF_ERROR(part.RecordActivity(loader, request, &recorded));
  }
  return absl::OkStatus();
}

// ---- Highlights ----

constexpr const char* kHighlightNames[] = {
    "红茶议事会", "楼道微治理", "邻里议事厅", "三方同心圆",   "物业服务积分", "红色业委会",
    "小区管家",   "和美家园",   "共享停车位", "老旧小区焕新", "议事廊"};

// Every street's highlight of last year, and ten streets' of this year (designated on days from
// 1 January to today; the last street's not yet), each about one or two of its compounds.
absl::Status LoadHighlights(Hub& part, FakeClock& clock, const regions::RegionRegistry& regions,
                            const std::vector<DemoCompound>& compounds, absl::Time now,
                            absl::CivilDay today) {
  const auth::Principal loader = Loader();
  demo::Random rng(demo::StableSeed("tripartite-highlights"));
  const absl::CivilDay january(today.year(), 1, 1);
  const int streets = regions.street_count();
  const int this_year = std::min(10, streets);
  for (int year = today.year() - 1; year <= today.year(); ++year) {
    const int count = year == today.year() ? this_year : streets;
    for (int s = 0; s < count; ++s) {
      const std::string& street = regions.streets()[s]->id();
      const absl::CivilDay day = year < today.year() ? absl::CivilDay(year, 3, 1) + s * 25
                                                     : january + static_cast<int>(today - january) *
                                                                     s / std::max(1, count);
      clock.Set(std::min(demo::LocalTime(day, 10, 0), now));
      tv1::DesignateHighlightRequest request;
      request.set_request_id(absl::StrFormat("demo-highlight-%d-%s", year, street));
      tv1::Highlight* h = request.mutable_highlight();
      h->set_street_id(street);
      h->set_year(year);
      h->set_name(absl::StrCat(
          regions.streets()[s]->name(),
          kHighlightNames[static_cast<size_t>(s + year) % std::size(kHighlightNames)]));
      h->set_description(
          "演示数据：党建引领，社区党组织、业委会、物业企业三方协同，"
          "形成可复制的小区治理做法");
      for (const DemoCompound& c : compounds) {
        if (c.street_id != street || h->compound_ids_size() >= 2) continue;
        if (rng.Percent(40)) h->add_compound_ids(c.id);
      }
      tv1::DesignateHighlightResponse designated;
      GOV_RETURN_IF_ERROR(part.DesignateHighlight(loader, request, &designated));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status LoadCompoundDemo(const server::TrackDeps& deps, const Rules& rules) {
  const absl::Time now = deps.clock->Now();
  const absl::CivilDay today = cal::LocalDay(now);
  FakeClock clock(now);
  const registry::Registry compounds(CompoundLayout(), deps.repo, deps.cache, &clock);
  GOV_ASSIGN_OR_RETURN(const int64_t existing, compounds.Count({}));
  if (existing > 0) {
    log::Info("demo compounds skipped: the store has compounds", {{"track", kTrack}});
    return absl::OkStatus();
  }
  const registry::Registry fees(FeeLayout(), deps.repo, deps.cache, &clock);
  const registry::Registry activities(HubActivityLayout(), deps.repo, deps.cache, &clock);
  const registry::Registry highlights(HighlightLayout(), deps.repo, deps.cache, &clock);
  cases::CaseEngine committees(CommitteeSpec(rules), deps.repo, deps.cache, deps.calendar, &clock,
                               nullptr);
  Compounds compound_part(&compounds, &fees, &committees, deps.regions, &clock);
  Hub hub_part(&activities, &highlights, &compound_part, deps.regions, &clock);
  const std::vector<demo::Place> communities = demo::AllCommunities(*deps.regions);
  if (communities.empty()) {
    return absl::FailedPreconditionError("no communities to place compounds in");
  }

  std::vector<DemoCompound> registered;
  GOV_RETURN_IF_ERROR(LoadCompounds(compound_part, clock, communities, today, registered));
  int activity = 0;
  GOV_RETURN_IF_ERROR(
      LoadStreetActivities(hub_part, clock, *deps.regions, registered, today, activity));
  GOV_RETURN_IF_ERROR(LoadTrainings(hub_part, clock, registered, now, today, activity));
  GOV_RETURN_IF_ERROR(LoadHighlights(hub_part, clock, *deps.regions, registered, now, today));
  log::Info("demo compounds loaded", {{"track", kTrack},
                                      {"compounds", absl::StrCat(registered.size())},
                                      {"hub_activities", absl::StrCat(activity)}});
  return absl::OkStatus();
}

}  // namespace gov::tripartite
