#include "services/mediation/demo_data.h"

#include <algorithm>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/cases/calendar.h"
#include "common/cases/engine.h"
#include "common/demo/records.h"
#include "common/log/log.h"
#include "common/registry/registry.h"
#include "common/util/parallel.h"
#include "common/util/proto.h"
#include "common/util/status.h"
#include "services/mediation/bodies.h"
#include "services/mediation/disputes.h"
#include "services/mediation/model.h"
#include "services/mediation/registry.h"
#include "services/mediation/routing.h"
#include "services/mediation/track.h"
#include "services/mediation/trainings.h"

namespace gov::mediation {
namespace {

constexpr char kLoader[] = "demo-loader";
constexpr char kSource[] = "demo data (invented figures)";
constexpr int kDisputes = 400;
// Disputes spread over this many days back from today (about 14 months).
constexpr int kSpanDays = 425;
// The registry predates the oldest dispute, so every past period sees it.
constexpr int kRegistryAgeDays = kSpanDays + 30;
// Threads moving disputes: the store commits concurrent writes together.
constexpr int kWorkers = 8;

// Gaps left on purpose so that the registry indicators are not all green (by position in the
// regions file, so they exist in any district data).
constexpr int kStreetWithTwoMediators = 4;                   // the 5th street's committee
constexpr int kStreetsWithUncoveredCommunity[] = {2, 6, 9};  // their last community: no court
constexpr int kStreetsWithUnstaffedRoom[] = {1, 7};          // their first room: part-time only

auth::Principal Loader() { return demo::Actor(kLoader, auth::kDistrictAdmin); }

// ---- Registry ----

struct IndustryBody {
  mv1::Industry industry;
  const char* committee;
  const char* team;
};

// 8 existing industry committees and the 3 new ones (finance, IP, commerce).
constexpr IndustryBody kIndustryBodies[] = {
    {mv1::INDUSTRY_LABOUR, "区劳动争议人民调解委员会", "区劳动争议红色调解员队伍"},
    {mv1::INDUSTRY_MEDICAL, "区医疗纠纷人民调解委员会", "区医疗纠纷红色调解员队伍"},
    {mv1::INDUSTRY_TRAFFIC, "区道路交通事故人民调解委员会", "区交通事故红色调解员队伍"},
    {mv1::INDUSTRY_PROPERTY_MANAGEMENT, "区物业纠纷人民调解委员会", "区物业纠纷红色调解员队伍"},
    {mv1::INDUSTRY_CONSUMER, "区消费纠纷人民调解委员会", "区消费纠纷红色调解员队伍"},
    {mv1::INDUSTRY_FAMILY, "区婚姻家庭纠纷人民调解委员会", "区婚姻家庭红色调解员队伍"},
    {mv1::INDUSTRY_OTHER, "区旅游纠纷人民调解委员会", "区旅游纠纷红色调解员队伍"},
    {mv1::INDUSTRY_OTHER, "区教育纠纷人民调解委员会", "区教育纠纷红色调解员队伍"},
    {mv1::INDUSTRY_FINANCE, "区金融纠纷人民调解委员会", "区金融纠纷红色调解员队伍"},
    {mv1::INDUSTRY_INTELLECTUAL_PROPERTY, "区知识产权纠纷人民调解委员会",
     "区知识产权红色调解员队伍"},
    {mv1::INDUSTRY_COMMERCE, "区商事纠纷人民调解委员会", "区商事纠纷红色调解员队伍"},
};

// A body to register and the mediators it gets.
struct BodyPlan {
  mv1::MediatingBody body;
  int full_time = 0;
  int part_time = 0;
  std::string label;  // for request ids and mediator names, e.g. "GS01-committee"
};

mv1::MediatingBody Body(mv1::BodyKind kind, std::string name, std::string street,
                        std::string community, mv1::Industry industry = mv1::INDUSTRY_UNSPECIFIED) {
  mv1::MediatingBody body;
  body.set_kind(kind);
  body.set_name(std::move(name));
  body.mutable_region()->set_street_id(std::move(street));
  body.mutable_region()->set_community_id(std::move(community));
  body.set_industry(industry);
  return body;
}

bool Contains(const int* begin, const int* end, int value) {
  return std::find(begin, end, value) != end;
}

std::vector<BodyPlan> PlanRegistry(const regions::RegionRegistry& regions) {
  std::vector<BodyPlan> plans;
  const auto& streets = regions.streets();
  for (int s = 0; s < static_cast<int>(streets.size()); ++s) {
    const auto& street = *streets[s];
    const std::string& id = street.id();
    const std::string& name = street.name();
    plans.push_back(
        {Body(mv1::BODY_KIND_STREET_COMMITTEE, absl::StrCat(name, "人民调解委员会"), id, ""),
         s == kStreetWithTwoMediators ? 2 : 3, 1, absl::StrCat(id, "-committee")});
    plans.push_back(
        {Body(mv1::BODY_KIND_GOLD_MEDAL_TEAM, absl::StrCat(name, "金牌调解员队伍"), id, ""), 0, 2,
         absl::StrCat(id, "-gold")});
    plans.push_back({Body(mv1::BODY_KIND_MICRO_COURT, absl::StrCat(name, "微法庭"), id, ""), 0, 1,
                     absl::StrCat(id, "-court")});
    plans.push_back(
        {Body(mv1::BODY_KIND_SOCIAL_ORGANISATION, absl::StrCat(name, "律师调解工作室"), id, ""), 0,
         1, absl::StrCat(id, "-social")});
    const int n = street.communities_size();
    for (int c = 0; c < n; ++c) {
      const auto& community = street.communities(c);
      const bool unstaffed = c == 0 && Contains(std::begin(kStreetsWithUnstaffedRoom),
                                                std::end(kStreetsWithUnstaffedRoom), s);
      plans.push_back({Body(mv1::BODY_KIND_COMMUNITY_ROOM,
                            absl::StrCat(community.name(), "人民调解室"), id, community.id()),
                       unstaffed ? 0 : 1, unstaffed ? 1 : 0,
                       absl::StrCat(community.id(), "-room")});
      const bool uncovered = c == n - 1 && Contains(std::begin(kStreetsWithUncoveredCommunity),
                                                    std::end(kStreetsWithUncoveredCommunity), s);
      if (!uncovered) {
        plans.push_back({Body(mv1::BODY_KIND_MICRO_COURT, absl::StrCat(community.name(), "微法庭"),
                              id, community.id()),
                         0, 1, absl::StrCat(community.id(), "-court")});
      }
    }
  }
  int i = 0;
  for (const IndustryBody& industry : kIndustryBodies) {
    ++i;
    plans.push_back(
        {Body(mv1::BODY_KIND_INDUSTRY_COMMITTEE, industry.committee, "", "", industry.industry), 1,
         1, absl::StrCat("industry", i, "-committee")});
    plans.push_back({Body(mv1::BODY_KIND_RED_TEAM, industry.team, "", "", industry.industry), 0, 2,
                     absl::StrCat("industry", i, "-red")});
  }
  plans.push_back(
      {Body(mv1::BODY_KIND_COURT_CENTRE, "区人民法院诉前调解中心", "", ""), 2, 0, "court-centre"});
  return plans;
}

// ---- Disputes ----

struct DisputePlan {
  mv1::Dispute dispute;
  absl::Time created;
  uint64_t seed = 0;
  std::string id;    // once created
  std::string etag;  // once created
};

std::vector<DisputePlan> PlanDisputes(const regions::RegionRegistry& regions, absl::Time now) {
  std::vector<DisputePlan> plans;
  plans.reserve(kDisputes);
  for (int i = 0; i < kDisputes; ++i) {
    DisputePlan plan;
    plan.seed = 0x6d656469ULL * 1000003ULL + static_cast<uint64_t>(i);
    InventedDispute invented = InventDispute(regions, now, kSpanDays, plan.seed);
    plan.dispute = std::move(invented.dispute);
    plan.created = invented.created;
    plans.push_back(std::move(plan));
  }
  // Ids in order of intake, the oldest dispute first.
  std::stable_sort(plans.begin(), plans.end(), [](const DisputePlan& a, const DisputePlan& b) {
    return a.created < b.created;
  });
  return plans;
}

// ---- Figures and trainings ----

// The court's monthly intake last year; this year runs a few percent lower.
constexpr int kMonthlyIntake[12] = {380, 300, 420, 410, 400, 430, 445, 440, 425, 390, 430, 450};

absl::Status RecordIntake(indicators::IndicatorEngine& engine, int year, int month, int64_t value) {
  governance::v1::RecordFigureRequest request;
  request.set_request_id(absl::StrFormat("demo-court_intake-%04d-%02d", year, month));
  governance::v1::Figure* figure = request.mutable_figure();
  figure->set_figure_id("court_intake");
  figure->mutable_period()->set_year(year);
  figure->mutable_period()->set_month(month);
  figure->set_value(value);
  figure->set_source(kSource);
  return engine.RecordFigure(Loader(), request).status();
}

// Trainings: four last year, three so far this year (one short of the target).
std::vector<registry::DemoRow> PlanTrainings(const regions::RegionRegistry& regions,
                                             absl::Time now) {
  const absl::CivilDay today = cal::LocalDay(now);
  const int year = static_cast<int>(today.year());
  std::vector<registry::DemoRow> rows;
  for (int k = 0; k < 7; ++k) {
    const bool this_year = k >= 4;
    const int index = this_year ? k - 4 : k;
    absl::Time hold =
        demo::LocalTime(absl::CivilDay(this_year ? year : year - 1, 1, 1) + 20 + 75 * index, 14, 0);
    if (hold >= now) hold = now - absl::Hours(3 - index);
    mv1::TrainingSession training;
    training.set_level(index == 1 ? mv1::TRAINING_LEVEL_STREET : mv1::TRAINING_LEVEL_DISTRICT);
    if (index == 1) training.set_street_id(regions.streets().front()->id());
    *training.mutable_hold_time() = ToTimestamp(hold);
    training.set_topic(index == 1 ? "街道骨干调解员业务培训" : "全区骨干调解员培训");
    training.set_attendees(index == 1 ? 35 : 120);
    rows.push_back({absl::StrCat("demo-training-", k), TrainingRow(training)});
  }
  return rows;
}

}  // namespace

absl::Status LoadMediationDemo(const server::TrackDeps& deps,
                               indicators::IndicatorEngine& indicators) {
  const absl::Time now = deps.clock->Now();
  const absl::CivilDay today = cal::LocalDay(now);
  // The registry, registered before the oldest dispute (FakeClock as a settable clock: the
  // loader replays the past).
  FakeClock registry_clock(demo::LocalTime(today - kRegistryAgeDays, 9, 0));
  const Registries registries(deps.repo, deps.cache, &registry_clock);
  GOV_ASSIGN_OR_RETURN(const int64_t bodies_present, registries.bodies.Count({}));
  if (bodies_present > 0) {
    log::Info("demo data skipped: the registry is not empty", {{"track", kTrack}});
    return absl::OkStatus();
  }

  // Bodies one by one, so the ids follow the plan (B-1 is the first street's committee) and
  // each body's mediators can name it.
  const std::vector<BodyPlan> body_plans = PlanRegistry(*deps.regions);
  std::vector<registry::DemoRow> mediator_rows;
  for (const BodyPlan& plan : body_plans) {
    GOV_ASSIGN_OR_RETURN(
        const store::EntityRecord body,
        registries.bodies.Create(BodyRow(plan.body), absl::StrCat("demo-body-", plan.label)));
    for (int k = 0; k < plan.full_time + plan.part_time; ++k) {
      mv1::Mediator mediator;
      mediator.set_body_id(body.id);
      mediator.set_full_time(k < plan.full_time);
      mediator.set_name(absl::StrCat("调解员-", plan.label, "-", k + 1));
      mediator_rows.push_back(
          {absl::StrCat("demo-mediator-", plan.label, "-", k + 1), MediatorRow(mediator, body)});
    }
  }
  // One worker: ids in the plan's order, so the same day gives the same data.
  GOV_RETURN_IF_ERROR(registries.mediators.LoadDemo(mediator_rows, 1));
  GOV_ASSIGN_OR_RETURN(const MediatorsByBody mediators, AllMediatorsByBody(registries.mediators));
  GOV_RETURN_IF_ERROR(registries.trainings.LoadDemo(PlanTrainings(*deps.regions, now), 1));
  GOV_ASSIGN_OR_RETURN(const PurchasedDemo purchased,
                       LoadPurchasedDemo(registries, today - kRegistryAgeDays));

  // Disputes: created in order of intake (ids follow time), then moved on in parallel.
  std::vector<DisputePlan> disputes = PlanDisputes(*deps.regions, now);
  FakeClock intake_clock(now);
  cases::CaseEngine intake(MediationSpec(), deps.repo, deps.cache, deps.calendar, &intake_clock,
                           nullptr);
  for (size_t i = 0; i < disputes.size(); ++i) {
    DisputePlan& plan = disputes[i];
    intake_clock.Set(plan.created);
    const cases::NewCase input = NewDisputeCase(plan.dispute);
    GOV_ASSIGN_OR_RETURN(const cases::Case created,
                         intake.Create(Loader(), input, absl::StrCat("demo-dispute-", i),
                                       cases::CaseEngine::RequestHash(input.payload)));
    plan.id = created.record.id;
    plan.etag = created.etag();
  }

  const Router router(&registries.bodies);
  std::vector<std::unique_ptr<FakeClock>> clocks;
  std::vector<std::unique_ptr<cases::CaseEngine>> engines;
  std::vector<std::unique_ptr<PurchasedServices>> services;
  std::vector<Referrals> referrals(kWorkers);
  for (int w = 0; w < kWorkers; ++w) {
    clocks.push_back(std::make_unique<FakeClock>(now));
    engines.push_back(std::make_unique<cases::CaseEngine>(
        MediationSpec(), deps.repo, deps.cache, deps.calendar, clocks.back().get(), nullptr));
    services.push_back(std::make_unique<PurchasedServices>(&registries, clocks.back().get()));
    referrals[w].refer = [service = services.back().get(),
                          contract = purchased.any_category_contract] {
      return service->ReferUnder(contract);
    };
  }
  const auth::Principal loader = Loader();
  GOV_RETURN_IF_ERROR(ParallelFor(static_cast<int>(disputes.size()), kWorkers, [&](int w, int i) {
    const DisputePlan& plan = disputes[i];
    return LiveDisputeLife(engines[w].get(), clocks[w].get(), &router, mediators, &referrals[w],
                           loader, now, {plan.id, plan.etag, plan.created, plan.seed});
  }));

  // The court's intake: every month of last year, and this year's months that are over.
  const int year = static_cast<int>(today.year());
  const int this_month = static_cast<int>(today.month());
  for (int m = 1; m <= 12; ++m) {
    GOV_RETURN_IF_ERROR(RecordIntake(indicators, year - 1, m, kMonthlyIntake[m - 1]));
  }
  for (int m = 1; m < this_month; ++m) {
    // Down 1-4% on last year, except February, up 2%: not every month is green.
    const int64_t base = kMonthlyIntake[m - 1];
    const int64_t value = m == 2 ? base * 102 / 100 : base * (99 - (m % 4)) / 100;
    GOV_RETURN_IF_ERROR(RecordIntake(indicators, year, m, value));
  }

  GOV_RETURN_IF_ERROR(LoadConsultationDemo(deps, now));

  log::Info("demo data loaded", {{"track", kTrack},
                                 {"bodies", absl::StrCat(body_plans.size())},
                                 {"mediators", absl::StrCat(mediator_rows.size())},
                                 {"disputes", absl::StrCat(disputes.size())}});
  return absl::OkStatus();
}

}  // namespace gov::mediation
