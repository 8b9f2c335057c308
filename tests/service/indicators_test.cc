// The indicator engine: grading, measures, rankings, recorded figures, scope and the cache, on
// a real SQLite file and a real redis-server, with a fake clock.

#include "common/indicators/indicators.h"

#include <limits>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/cache/cache.h"
#include "common/cases/calendar.h"
#include "common/cases/engine.h"
#include "common/indicators/published.h"
#include "common/indicators/service.h"
#include "common/regions/regions.h"
#include "common/registry/registry.h"
#include "common/server/handler.h"
#include "common/server/server.h"
#include "common/util/status.h"
#include "gmock/gmock.h"
#include "governance/v1/indicators.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "prometheus/registry.h"
#include "tests/support/metrics.h"
#include "tests/support/redis_server.h"
#include "tests/support/store_fixture.h"
#include "tests/support/test_support.h"

namespace gov::indicators {
namespace {

using governance::v1::Indicator;
using governance::v1::ListIndicatorsRequest;
using governance::v1::ListRankingsRequest;
using governance::v1::RecordFigureRequest;
using ::testing::ElementsAre;

constexpr char kTrack[] = "indtest";

using gov::testing::Local;

governance::v1::Period Month(int year, int month) {
  governance::v1::Period p;
  p.set_year(year);
  p.set_month(month);
  return p;
}

auth::Principal MakePrincipal(std::string id, std::vector<std::string> roles,
                              std::vector<std::string> streets) {
  auth::Principal p;
  p.id = std::move(id);
  p.roles.insert(roles.begin(), roles.end());
  p.streets.insert(streets.begin(), streets.end());
  return p;
}

IndicatorSpec Spec(governance::v1::Direction direction, governance::v1::TargetKind kind,
                   int64_t target) {
  IndicatorSpec spec;
  spec.id = "x";
  spec.direction = direction;
  spec.target_kind = kind;
  spec.target = target;
  return spec;
}

// --- Grading, by hand -------------------------------------------------------------------------

struct GradeCase {
  int64_t value;
  int64_t attainment;
  governance::v1::Colour colour;
};

void ExpectGrades(const IndicatorSpec& spec, const std::vector<GradeCase>& cases) {
  for (const GradeCase& c : cases) {
    const Grade g = GradeValue(spec, c.value, true);
    EXPECT_EQ(g.attainment, c.attainment) << "value " << c.value << " target " << spec.target;
    EXPECT_EQ(g.colour, c.colour) << "value " << c.value << " target " << spec.target;
  }
}

constexpr auto kGreen = governance::v1::COLOUR_GREEN;
constexpr auto kYellow = governance::v1::COLOUR_YELLOW;
constexpr auto kRed = governance::v1::COLOUR_RED;
constexpr auto kNone = governance::v1::COLOUR_UNSPECIFIED;
constexpr auto kHigher = governance::v1::DIRECTION_HIGHER_IS_BETTER;
constexpr auto kLower = governance::v1::DIRECTION_LOWER_IS_BETTER;

TEST(GradeTest, AbsoluteHigherIsBetter) {
  // "At least 4 trainings a year".
  ExpectGrades(Spec(kHigher, governance::v1::TARGET_KIND_ABSOLUTE, 4),
               {{4, 10000, kGreen},
                {6, 15000, kGreen},
                {9, 20000, kGreen},  // capped
                {3, 7500, kRed},
                {0, 0, kRed}});
  // 9 of 10 is exactly at the default at-risk threshold (9000).
  ExpectGrades(Spec(kHigher, governance::v1::TARGET_KIND_ABSOLUTE, 10),
               {{9, 9000, kYellow}, {8, 8000, kRed}});
  // 106 micro-courts: 100 built is 9433 bp (floored).
  ExpectGrades(Spec(kHigher, governance::v1::TARGET_KIND_ABSOLUTE, 106), {{100, 9433, kYellow}});
  ExpectGrades(Spec(kHigher, governance::v1::TARGET_KIND_ABSOLUTE, 0), {{0, 10000, kGreen}});
}

TEST(GradeTest, RateHigherIsBetter) {
  // "100% coverage" and "success >= 50%", in basis points.
  ExpectGrades(Spec(kHigher, governance::v1::TARGET_KIND_RATE, 10000),
               {{10000, 10000, kGreen}, {9500, 9500, kYellow}, {8000, 8000, kRed}});
  ExpectGrades(Spec(kHigher, governance::v1::TARGET_KIND_RATE, 5000),
               {{6000, 12000, kGreen}, {4600, 9200, kYellow}, {2500, 5000, kRed}});
}

TEST(GradeTest, LowerIsBetter) {
  // "Repeat-complaint rate <= 4%" and "at most 10 incidents".
  ExpectGrades(Spec(kLower, governance::v1::TARGET_KIND_RATE, 400), {{400, 10000, kGreen},
                                                                     {200, 20000, kGreen},
                                                                     {440, 9090, kYellow},
                                                                     {800, 5000, kRed},
                                                                     {0, 20000, kGreen}});
  ExpectGrades(Spec(kLower, governance::v1::TARGET_KIND_ABSOLUTE, 10),
               {{5, 20000, kGreen}, {8, 12500, kGreen}, {11, 9090, kYellow}, {20, 5000, kRed}});
  // "Backlog cleared to zero".
  ExpectGrades(Spec(kLower, governance::v1::TARGET_KIND_ABSOLUTE, 0),
               {{0, 10000, kGreen}, {1, 0, kRed}, {7, 0, kRed}});
}

TEST(GradeTest, ChangeAgainstBaseline) {
  // "Down 5% on last year": every basis point of change above the target costs one.
  ExpectGrades(Spec(kLower, governance::v1::TARGET_KIND_CHANGE_VS_BASELINE, -500),
               {{-500, 10000, kGreen},
                {-800, 10300, kGreen},
                {300, 9200, kYellow},
                {600, 8900, kRed},
                {20000, 0, kRed}});
  // "Zero growth".
  ExpectGrades(Spec(kLower, governance::v1::TARGET_KIND_CHANGE_VS_BASELINE, 0),
               {{0, 10000, kGreen}, {-500, 10500, kGreen}, {1000, 9000, kYellow}});
  // "Penalty rate up 30% on last year".
  ExpectGrades(Spec(kHigher, governance::v1::TARGET_KIND_CHANGE_VS_BASELINE, 3000),
               {{3500, 10500, kGreen}, {2500, 9500, kYellow}, {0, 7000, kRed}});
}

TEST(GradeTest, NoDataNoTargetNoColour) {
  const Grade no_data =
      GradeValue(Spec(kHigher, governance::v1::TARGET_KIND_ABSOLUTE, 4), 10, false);
  EXPECT_EQ(no_data.colour, kNone);
  EXPECT_EQ(no_data.attainment, 0);
  const Grade no_target =
      GradeValue(Spec(kHigher, governance::v1::TARGET_KIND_UNSPECIFIED, 4), 10, true);
  EXPECT_EQ(no_target.colour, kNone);
  IndicatorSpec at_risk = Spec(kHigher, governance::v1::TARGET_KIND_ABSOLUTE, 100);
  at_risk.at_risk_from = 5000;
  EXPECT_EQ(GradeValue(at_risk, 60, true).colour, kYellow);
}

// --- The engine on real parts --------------------------------------------------------------

cases::TrackSpec CaseSpec() {
  cases::TrackSpec spec;
  spec.track = kTrack;
  spec.id_prefix = "I";
  spec.initial_state = "RECEIVED";
  spec.states = {{"RECEIVED", cases::StateClass::kOpen, cal::Sla::None()},
                 {"RESOLVED", cases::StateClass::kResolved, cal::Sla::None()},
                 {"CLOSED", cases::StateClass::kClosed, cal::Sla::None()}};
  spec.transitions = {{"Resolve", {"RECEIVED"}, "RESOLVED", {auth::kStreetOperator}},
                      {"Close", {"RECEIVED", "RESOLVED"}, "CLOSED", {auth::kStreetOperator}}};
  spec.create_roles = {auth::kStreetOperator};
  return spec;
}

std::vector<IndicatorSpec> IndicatorSpecs() {
  std::vector<IndicatorSpec> specs;
  IndicatorSpec intake;
  intake.id = "court_intake_yoy";
  intake.name_zh = "法院收案数同比";
  intake.name_en = "Court case intake, year on year";
  intake.direction = kLower;
  intake.target_kind = governance::v1::TARGET_KIND_CHANGE_VS_BASELINE;
  intake.target = 0;
  intake.measure = RecordedFigure("court_intake");
  specs.push_back(intake);

  IndicatorSpec opened;
  opened.id = "cases_opened";
  opened.direction = kLower;
  opened.target_kind = governance::v1::TARGET_KIND_ABSOLUTE;
  opened.target = 10;
  opened.measure = CasesOpened();
  specs.push_back(opened);

  IndicatorSpec rate;
  rate.id = "resolution_rate";
  rate.unit = governance::v1::INDICATOR_UNIT_BASIS_POINTS;
  rate.direction = kHigher;
  rate.target_kind = governance::v1::TARGET_KIND_RATE;
  rate.target = 8000;
  rate.measure = Ratio(CasesInStatus({"RESOLVED", "CLOSED"}), CasesOpened());
  specs.push_back(rate);

  IndicatorSpec trainings;
  trainings.id = "trainings_ytd";
  trainings.direction = kHigher;
  trainings.target_kind = governance::v1::TARGET_KIND_ABSOLUTE;
  trainings.target = 4;
  trainings.measure = YearToDate(RecordedFigure("trainings"));
  specs.push_back(trainings);

  IndicatorSpec resolutions;
  resolutions.id = "resolutions";
  resolutions.measure = EventsWithAction({"Resolve"});
  specs.push_back(resolutions);

  IndicatorSpec opened_ytd;
  opened_ytd.id = "cases_opened_ytd";
  opened_ytd.measure = YearToDate(CasesOpened({"noise"}));
  specs.push_back(opened_ytd);
  return specs;
}

class IndicatorsTest : public ::testing::Test {
 protected:
  IndicatorsTest() : clock_(Local(2026, 3, 15, 12)) {}

  void SetUp() override {
    ASSERT_TRUE(redis_.Start().ok());
    auto repo = store_.Open(&registry_);
    ASSERT_TRUE(repo.ok()) << repo.status();
    repo_ = *std::move(repo);
    auto calendar = cal::WorkCalendar::LoadFile(gov::testing::SourcePath("data/holidays.json"));
    ASSERT_TRUE(calendar.ok()) << calendar.status();
    calendar_ = *std::move(calendar);
    auto regions = regions::RegionRegistry::LoadFile(gov::testing::SourcePath("data/regions.json"));
    ASSERT_TRUE(regions.ok()) << regions.status();
    regions_ = *std::move(regions);
    cache::CacheOptions options;
    options.address = redis_.address();
    options.prefix = "gov:indtest:";
    cache_ = cache::Cache::Create(options, &registry_, &clock_);
    cases_ = std::make_unique<cases::CaseEngine>(CaseSpec(), repo_.get(), cache_.get(),
                                                 calendar_.get(), &clock_, &registry_);
    RankingSpec rankings;
    rankings.dimensions = {governance::v1::RANKING_DIMENSION_STREET,
                           governance::v1::RANKING_DIMENSION_COMMUNITY,
                           governance::v1::RANKING_DIMENSION_CATEGORY};
    rankings.category_name = [](const std::string& key) {
      return key == "noise" ? std::string("噪声") : std::string();
    };
    engine_ = std::make_unique<IndicatorEngine>(
        kTrack, IndicatorSpecs(),
        std::vector<FigureSpec>{{"court_intake", "court monthly intake", true},
                                {"trainings", "trainings held", false}},
        rankings, repo_.get(), cache_.get(), regions_.get(), &clock_, &registry_);
    rankings_ = std::make_unique<registry::Registry>(RankingsLayout(kTrack), repo_.get(),
                                                     cache_.get(), &clock_);
    publisher_ = std::make_unique<RankingsPublisher>(engine_.get(), rankings_.get(), &clock_);
  }

  cases::Case Open(const std::string& community, const std::string& category = "noise") {
    cases::NewCase input;
    input.category = category;
    input.street_id = regions_->StreetOfCommunity(community);
    input.community_id = community;
    const std::string request_id = absl::StrCat("open-", ++seq_);
    auto created =
        cases_->Create(admin_, input, request_id, cases::CaseEngine::RequestHash(request_id));
    EXPECT_TRUE(created.ok()) << created.status();
    return created.ok() ? *created : cases::Case{};
  }

  cases::Case Move(const std::string& verb, const cases::Case& c) {
    auto moved = cases_->Transition(admin_, verb, c.record.id, c.etag(), "");
    EXPECT_TRUE(moved.ok()) << moved.status();
    return moved.ok() ? *moved : cases::Case{};
  }

  absl::StatusOr<governance::v1::RecordFigureResponse> Record(
      const std::string& figure, governance::v1::Period period, const std::string& street,
      int64_t value, const auth::Principal* who = nullptr) {
    RecordFigureRequest request;
    request.set_request_id(absl::StrCat("fig-", ++seq_));
    request.mutable_figure()->set_figure_id(figure);
    *request.mutable_figure()->mutable_period() = period;
    request.mutable_figure()->set_street_id(street);
    request.mutable_figure()->set_value(value);
    request.mutable_figure()->set_source("district court monthly report");
    return engine_->RecordFigure(who != nullptr ? *who : admin_, request);
  }

  // Indicators for a request, by id.
  std::map<std::string, Indicator> ListFor(const auth::Principal& who,
                                           const ListIndicatorsRequest& request) {
    std::map<std::string, Indicator> out;
    auto listed = engine_->List(who, request);
    EXPECT_TRUE(listed.ok()) << listed.status();
    if (!listed.ok()) return out;
    EXPECT_EQ(listed->track(), kTrack);
    for (const Indicator& i : listed->indicators()) out[i.id()] = i;
    return out;
  }

  std::map<std::string, Indicator> District(governance::v1::Period period = {}) {
    ListIndicatorsRequest request;
    *request.mutable_period() = period;
    return ListFor(admin_, request);
  }

  std::map<std::string, Indicator> Street(const std::string& street,
                                          governance::v1::Period period = {}) {
    ListIndicatorsRequest request;
    *request.mutable_period() = period;
    request.mutable_region()->set_street_id(street);
    return ListFor(admin_, request);
  }

  // March 2026: GS01 five cases (two resolved, one of which later closed), GS02 three (two in
  // community C02), GS03 three, GS04 one; February: one in GS01.
  void OpenMarchCases() {
    clock_.Set(Local(2026, 2, 28, 23, 30));
    Open("GS01-C01");
    clock_.Set(Local(2026, 3, 1, 0, 10));
    std::vector<cases::Case> gs01;
    for (int i = 0; i < 5; ++i) gs01.push_back(Open("GS01-C01", i < 2 ? "noise" : "debt"));
    Open("GS02-C01");
    Open("GS02-C02", "debt");
    Open("GS02-C02", "debt");
    for (int i = 0; i < 3; ++i) Open("GS03-C01");
    Open("GS04-C01");
    clock_.Set(Local(2026, 3, 15, 12));
    Move("Resolve", gs01[0]);
    Move("Close", Move("Resolve", gs01[1]));
  }

  double CacheHits() {
    return gov::testing::MetricValue(registry_, "governance_cache_requests_total",
                                     {{"result", "hit"}});
  }

  const auth::Principal admin_ = MakePrincipal("admin", {auth::kDistrictAdmin}, {});
  const auth::Principal op1_ = MakePrincipal("op-gs01", {auth::kStreetOperator}, {"GS01"});
  const auth::Principal op12_ =
      MakePrincipal("op-gs01-02", {auth::kStreetOperator}, {"GS01", "GS02"});
  const auth::Principal viewer_ = MakePrincipal("viewer", {auth::kViewer}, {});
  const auth::Principal court_ = MakePrincipal("court", {auth::kSystem}, {});
  const auth::Principal court_gs01_ = MakePrincipal("court-gs01", {auth::kSystem}, {"GS01"});

  gov::testing::TestStore store_{gov::testing::Backend::kSqlite};
  gov::testing::RedisServer redis_;
  prometheus::Registry registry_;
  FakeClock clock_;
  std::unique_ptr<store::Repository> repo_;
  std::unique_ptr<cal::WorkCalendar> calendar_;
  std::unique_ptr<regions::RegionRegistry> regions_;
  std::unique_ptr<cache::Cache> cache_;
  std::unique_ptr<cases::CaseEngine> cases_;
  std::unique_ptr<IndicatorEngine> engine_;
  std::unique_ptr<registry::Registry> rankings_;
  std::unique_ptr<RankingsPublisher> publisher_;
  int seq_ = 0;
};

TEST_F(IndicatorsTest, CaseIndicatorsMatchHandCountsPerDistrictStreetAndCommunity) {
  OpenMarchCases();
  // The unset period is the current month: March 2026.
  auto district = District();
  const Indicator& opened = district["cases_opened"];
  EXPECT_EQ(opened.period().year(), 2026);
  EXPECT_EQ(opened.period().month(), 3);
  EXPECT_TRUE(opened.has_data());
  EXPECT_EQ(opened.actual(), 12);
  EXPECT_EQ(opened.target(), 10);
  EXPECT_EQ(opened.attainment(), 8333);  // 10 * 10000 / 12, floored
  EXPECT_EQ(opened.colour(), kRed);
  EXPECT_EQ(opened.region().street_id(), "");
  // Two of twelve resolved or closed: 1667 bp (rounded) against 8000.
  EXPECT_EQ(district["resolution_rate"].actual(), 1667);
  EXPECT_EQ(district["resolution_rate"].attainment(), 2083);
  EXPECT_EQ(district["resolution_rate"].colour(), kRed);
  EXPECT_EQ(district["resolutions"].actual(), 2);
  EXPECT_EQ(district["resolutions"].colour(), kNone);
  // Year to date, category "noise": February's case plus March's two in GS01 and five others.
  EXPECT_EQ(district["cases_opened_ytd"].actual(), 1 + 2 + 1 + 3 + 1);

  auto gs01 = Street("GS01");
  EXPECT_EQ(gs01["cases_opened"].actual(), 5);
  EXPECT_EQ(gs01["cases_opened"].attainment(), 20000);
  EXPECT_EQ(gs01["cases_opened"].colour(), kGreen);
  EXPECT_EQ(gs01["cases_opened"].region().street_id(), "GS01");
  EXPECT_EQ(gs01["resolution_rate"].actual(), 4000);
  EXPECT_EQ(gs01["resolution_rate"].attainment(), 5000);

  ListIndicatorsRequest community;
  community.mutable_region()->set_street_id("GS02");
  community.mutable_region()->set_community_id("GS02-C02");
  auto c02 = ListFor(admin_, community);
  EXPECT_EQ(c02["cases_opened"].actual(), 2);
  EXPECT_EQ(c02["cases_opened"].region().street_id(), "GS02");
  EXPECT_EQ(c02["cases_opened"].region().community_id(), "GS02-C02");
  EXPECT_TRUE(c02["resolution_rate"].has_data());  // 0 of 2 is a rate
  EXPECT_EQ(c02["resolution_rate"].actual(), 0);
  EXPECT_FALSE(c02["court_intake_yoy"].has_data());  // figures are not kept per community
  // February only has the one case.
  EXPECT_EQ(District(Month(2026, 2))["cases_opened"].actual(), 1);

  // Only the ids asked for, in declaration order.
  ListIndicatorsRequest some;
  some.add_indicator_ids("resolutions");
  some.add_indicator_ids("cases_opened");
  auto listed = engine_->List(admin_, some);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->indicators_size(), 2);
  EXPECT_EQ(listed->indicators(0).id(), "cases_opened");
  EXPECT_EQ(listed->indicators(1).id(), "resolutions");
}

TEST_F(IndicatorsTest, RecordedFigureAgainstLastYear) {
  ASSERT_TRUE(Record("court_intake", Month(2025, 3), "", 100).ok());
  ASSERT_TRUE(Record("court_intake", Month(2026, 3), "", 95).ok());
  const Indicator yoy = District()["court_intake_yoy"];
  EXPECT_TRUE(yoy.has_data());
  EXPECT_EQ(yoy.actual(), 95);
  EXPECT_EQ(yoy.baseline(), 100);
  EXPECT_EQ(yoy.change(), -500);
  EXPECT_EQ(yoy.attainment(), 10500);
  EXPECT_EQ(yoy.colour(), kGreen);

  // Growth of 3% against zero growth: 9700, at risk.
  ASSERT_TRUE(Record("court_intake", Month(2025, 4), "", 100).ok());
  ASSERT_TRUE(Record("court_intake", Month(2026, 4), "", 103).ok());
  const Indicator april = District(Month(2026, 4))["court_intake_yoy"];
  EXPECT_EQ(april.change(), 300);
  EXPECT_EQ(april.attainment(), 9700);
  EXPECT_EQ(april.colour(), kYellow);

  // No baseline: no data and no colour.
  ASSERT_TRUE(Record("court_intake", Month(2026, 5), "", 80).ok());
  const Indicator may = District(Month(2026, 5))["court_intake_yoy"];
  EXPECT_FALSE(may.has_data());
  EXPECT_EQ(may.actual(), 80);
  EXPECT_EQ(may.colour(), kNone);
  // Nothing to nothing is no change.
  ASSERT_TRUE(Record("court_intake", Month(2025, 6), "", 0).ok());
  ASSERT_TRUE(Record("court_intake", Month(2026, 6), "", 0).ok());
  const Indicator june = District(Month(2026, 6))["court_intake_yoy"];
  EXPECT_TRUE(june.has_data());
  EXPECT_EQ(june.change(), 0);
  EXPECT_EQ(june.colour(), kGreen);
}

TEST_F(IndicatorsTest, RecordedFiguresPerStreetAddUpUnlessTheDistrictRowExists) {
  ASSERT_TRUE(Record("court_intake", Month(2025, 3), "GS01", 40).ok());
  ASSERT_TRUE(Record("court_intake", Month(2025, 3), "GS02", 20).ok());
  ASSERT_TRUE(Record("court_intake", Month(2026, 3), "GS01", 30).ok());
  ASSERT_TRUE(Record("court_intake", Month(2026, 3), "GS02", 24).ok());
  auto district = District()["court_intake_yoy"];
  EXPECT_EQ(district.actual(), 54);
  EXPECT_EQ(district.baseline(), 60);
  EXPECT_EQ(district.change(), -1000);
  auto gs02 = Street("GS02")["court_intake_yoy"];
  EXPECT_EQ(gs02.actual(), 24);
  EXPECT_EQ(gs02.change(), 2000);
  EXPECT_EQ(gs02.attainment(), 8000);
  EXPECT_EQ(gs02.colour(), kRed);
  EXPECT_FALSE(Street("GS05")["court_intake_yoy"].has_data());

  ASSERT_TRUE(Record("court_intake", Month(2026, 3), "", 70).ok());
  EXPECT_EQ(District()["court_intake_yoy"].actual(), 70);

  // A quarter with no figure of its own adds up its months.
  governance::v1::Period q1;
  q1.set_year(2026);
  q1.set_quarter(1);
  ASSERT_TRUE(Record("court_intake", Month(2026, 1), "", 10).ok());
  EXPECT_EQ(District(q1)["court_intake_yoy"].actual(), 80);
}

TEST_F(IndicatorsTest, YearToDateSumsTheMonthsSoFar) {
  ASSERT_TRUE(Record("trainings", Month(2026, 1), "", 1).ok());
  ASSERT_TRUE(Record("trainings", Month(2026, 2), "", 2).ok());
  ASSERT_TRUE(Record("trainings", Month(2026, 4), "", 5).ok());   // after March: not counted
  ASSERT_TRUE(Record("trainings", Month(2025, 12), "", 9).ok());  // last year: not counted
  const Indicator march = District()["trainings_ytd"];
  EXPECT_TRUE(march.has_data());
  EXPECT_EQ(march.actual(), 3);
  EXPECT_EQ(march.attainment(), 7500);
  EXPECT_EQ(march.colour(), kRed);
  EXPECT_EQ(District(Month(2026, 4))["trainings_ytd"].actual(), 8);
  EXPECT_EQ(District(Month(2026, 4))["trainings_ytd"].colour(), kGreen);
  EXPECT_FALSE(District(Month(2024, 4))["trainings_ytd"].has_data());
}

TEST_F(IndicatorsTest, EvaluateRatioWithoutDenominatorHasNoData) {
  EvalContext ctx;
  ctx.track = kTrack;
  ctx.period = Month(2026, 3);
  ctx.days = cal::Resolve(ctx.period, clock_.Now());
  ctx.repo = repo_.get();
  ctx.regions = regions_.get();
  ctx.now = clock_.Now();
  const IndicatorSpec rate = IndicatorSpecs()[2];
  ASSERT_EQ(rate.id, "resolution_rate");
  auto empty = engine_->Evaluate(rate, ctx);
  ASSERT_TRUE(empty.ok()) << empty.status();
  EXPECT_FALSE(empty->has_data());
  EXPECT_EQ(empty->colour(), kNone);

  Open("GS01-C01");
  Open("GS01-C01");
  Move("Resolve", Open("GS01-C02"));
  auto some = engine_->Evaluate(rate, ctx);
  ASSERT_TRUE(some.ok());
  EXPECT_TRUE(some->has_data());
  EXPECT_EQ(some->actual(), 3333);  // 1 of 3
}

// A count the plan sets for the district (DistrictCount): graded for the district; a street, a
// community or the streets of a principal show their count without a target, and the gauges
// carry the target and attainment for the district row only.
TEST_F(IndicatorsTest, DistrictTargetsAreGradedForTheDistrictOnly) {
  OpenMarchCases();  // March: 12 cases, 5 of them in GS01
  prometheus::Registry registry;
  IndicatorSpec cases = DistrictCount("cases", "案件数", "Cases", CasesOpened());
  cases.target = 10;  // the targets file's part (TargetBook::Apply)
  IndicatorEngine engine(kTrack, {cases}, {}, RankingSpec{}, repo_.get(), nullptr, regions_.get(),
                         &clock_, &registry);
  const IndicatorSpec& spec = engine.specs()[0];
  EXPECT_TRUE(spec.district_target);
  EvalContext ctx;
  ctx.track = kTrack;
  ctx.period = Month(2026, 3);
  ctx.days = cal::Resolve(ctx.period, clock_.Now());
  ctx.repo = repo_.get();
  ctx.regions = regions_.get();
  ctx.now = clock_.Now();

  absl::StatusOr<Indicator> district = engine.Evaluate(spec, ctx);
  ASSERT_TRUE(district.ok()) << district.status();
  EXPECT_EQ(district->actual(), 12);
  EXPECT_EQ(district->target_kind(), governance::v1::TARGET_KIND_ABSOLUTE);
  EXPECT_EQ(district->target(), 10);
  EXPECT_EQ(district->colour(), kGreen);
  EXPECT_EQ(district->attainment(), 12000);

  EvalContext street = ctx;
  street.street_id = "GS01";
  EvalContext community = street;
  community.community_id = "GS01-C01";
  EvalContext several = ctx;
  several.streets = {"GS01", "GS02"};
  for (const auto& [name, part, count] :
       {std::tuple{"street", street, 5}, std::tuple{"community", community, 5},
        std::tuple{"several streets", several, 8}}) {
    SCOPED_TRACE(name);
    absl::StatusOr<Indicator> row = engine.Evaluate(spec, part);
    ASSERT_TRUE(row.ok()) << row.status();
    EXPECT_TRUE(row->has_data());
    EXPECT_EQ(row->actual(), count);
    EXPECT_EQ(row->target_kind(), governance::v1::TARGET_KIND_UNSPECIFIED);
    EXPECT_EQ(row->target(), 0);
    EXPECT_EQ(row->attainment(), 0);
    EXPECT_EQ(row->colour(), kNone);
  }

  ASSERT_TRUE(engine.RefreshGauges().ok());
  auto gauge = [&](const std::string& name, const std::string& street_label) {
    return gov::testing::MetricSum(
        registry, name, {{"track", kTrack}, {"indicator", "cases"}, {"street", street_label}});
  };
  EXPECT_EQ(gauge("governance_indicator_value", "all"), 12);
  EXPECT_EQ(gauge("governance_indicator_target", "all"), 10);
  EXPECT_EQ(gauge("governance_indicator_attainment", "all"), 12000);
  EXPECT_EQ(gauge("governance_indicator_value", "GS01"), 5);
  EXPECT_EQ(gauge("governance_indicator_target", "GS01"), std::nullopt);
  EXPECT_EQ(gauge("governance_indicator_attainment", "GS01"), std::nullopt);
}

// How current each value is and whether streets compare: computed from the cases is LIVE, from
// recorded figures (alone or combined with cases) RECORDED; a district target or a measure of the
// district alone does not compare street by street, and the latter has no data below the
// district.
TEST_F(IndicatorsTest, FreshnessAndComparabilityFollowTheMeasure) {
  OpenMarchCases();
  IndicatorSpec live{.id = "cases", .name_zh = "测试", .name_en = "Test", .measure = CasesOpened()};
  IndicatorSpec recorded{.id = "intake",
                         .name_zh = "测试",
                         .name_en = "Test",
                         .measure = RecordedFigure("court_intake")};
  IndicatorSpec mixed{.id = "per_case",
                      .name_zh = "测试",
                      .name_en = "Test",
                      .unit = governance::v1::INDICATOR_UNIT_BASIS_POINTS,
                      .measure = Ratio(CasesOpened(), RecordedFigure("court_intake"))};
  IndicatorSpec summed{.id = "sum",
                       .name_zh = "测试",
                       .name_en = "Test",
                       .measure = Sum(RecordedFigure("court_intake"), CasesOpened())};
  IndicatorSpec district = DistrictCount("district_cases", "案件数", "Cases", CasesOpened());
  district.target = 10;
  IndicatorSpec alone{.id = "alone",
                      .name_zh = "测试",
                      .name_en = "Test",
                      .measure = CasesOpened(),
                      .district_only = true};
  IndicatorEngine engine(kTrack, {live, recorded, mixed, summed, district, alone}, {},
                         RankingSpec{}, repo_.get(), nullptr, regions_.get(), &clock_, nullptr);
  EvalContext ctx;
  ctx.track = kTrack;
  ctx.period = Month(2026, 3);
  ctx.days = cal::Resolve(ctx.period, clock_.Now());
  ctx.repo = repo_.get();
  ctx.regions = regions_.get();
  ctx.now = clock_.Now();
  EvalContext street = ctx;
  street.street_id = "GS01";
  std::map<std::string, Indicator> at_district, at_street;
  for (const IndicatorSpec& spec : engine.specs()) {
    absl::StatusOr<Indicator> d = engine.Evaluate(spec, ctx);
    absl::StatusOr<Indicator> s = engine.Evaluate(spec, street);
    ASSERT_TRUE(d.ok() && s.ok()) << spec.id;
    at_district[spec.id] = *d;
    at_street[spec.id] = *s;
  }
  using governance::v1::INDICATOR_FRESHNESS_LIVE;
  using governance::v1::INDICATOR_FRESHNESS_RECORDED;
  EXPECT_EQ(at_district["cases"].freshness(), INDICATOR_FRESHNESS_LIVE);
  EXPECT_TRUE(at_district["cases"].comparable_by_street());
  // No figure is recorded: still a recorded indicator, without data.
  EXPECT_EQ(at_district["intake"].freshness(), INDICATOR_FRESHNESS_RECORDED);
  EXPECT_FALSE(at_district["intake"].has_data());
  EXPECT_EQ(at_district["per_case"].freshness(), INDICATOR_FRESHNESS_RECORDED);
  EXPECT_EQ(at_district["sum"].freshness(), INDICATOR_FRESHNESS_RECORDED);
  EXPECT_EQ(at_street["per_case"].freshness(), INDICATOR_FRESHNESS_RECORDED);
  EXPECT_EQ(at_district["district_cases"].freshness(), INDICATOR_FRESHNESS_LIVE);
  EXPECT_FALSE(at_district["district_cases"].comparable_by_street());
  EXPECT_FALSE(at_street["district_cases"].comparable_by_street());
  // The district's own measure: its value for the district, no data below it.
  EXPECT_EQ(at_district["alone"].actual(), 12);
  EXPECT_TRUE(at_district["alone"].has_data());
  EXPECT_FALSE(at_district["alone"].comparable_by_street());
  EXPECT_FALSE(at_street["alone"].has_data());
  EXPECT_EQ(at_street["alone"].actual(), 0);
  EXPECT_EQ(at_street["alone"].freshness(), INDICATOR_FRESHNESS_LIVE);
}

// "Down 5% on last year" for a period not over yet compares the period to date with the same
// days of last year, and says which days it compared.
class ToDateTest : public IndicatorsTest {
 protected:
  // An engine of one change indicator over the cases opened: the plan's "down 5%".
  void SetUp() override {
    IndicatorsTest::SetUp();
    IndicatorSpec spec;
    spec.id = "opened_yoy";
    spec.direction = kLower;
    spec.target_kind = governance::v1::TARGET_KIND_CHANGE_VS_BASELINE;
    spec.measure = CasesOpened();
    spec.target = -500;
    spec.target_source = governance::v1::TARGET_SOURCE_PLAN;
    spec.plan_clause = "下降5%";
    IndicatorSpec intake;
    intake.id = "intake_yoy";
    intake.direction = kLower;
    intake.target_kind = governance::v1::TARGET_KIND_CHANGE_VS_BASELINE;
    intake.measure = RecordedFigure("court_intake");
    engine_ = std::make_unique<IndicatorEngine>(
        kTrack, std::vector<IndicatorSpec>{spec, intake},
        std::vector<FigureSpec>{{"court_intake", "court monthly intake", true}}, RankingSpec{},
        repo_.get(), nullptr, regions_.get(), &clock_, &registry_);
  }

  // `n` cases opened at `at`.
  void OpenAt(absl::Time at, int n) {
    clock_.Set(at);
    for (int i = 0; i < n; ++i) Open("GS01-C01");
  }

  Indicator Yoy(governance::v1::Period period, const std::string& id = "opened_yoy") {
    return District(period)[id];
  }

  static governance::v1::Period Year(int year) {
    governance::v1::Period p;
    p.set_year(year);
    return p;
  }
  static governance::v1::Period Week(int year, int week) {
    governance::v1::Period p;
    p.set_year(year);
    p.set_week(week);
    return p;
  }
};

void ExpectDays(const Indicator& i, const std::string& first, const std::string& last,
                const std::string& base_first, const std::string& base_last) {
  EXPECT_EQ(i.days().first(), first);
  EXPECT_EQ(i.days().last(), last);
  EXPECT_EQ(i.baseline_days().first(), base_first);
  EXPECT_EQ(i.baseline_days().last(), base_last);
}

TEST_F(ToDateTest, AMonthToDateComparesTheSameDaysOfLastYear) {
  OpenAt(Local(2025, 3, 5, 10), 4);
  OpenAt(Local(2025, 3, 15, 20), 1);  // the same day last year: counted
  OpenAt(Local(2025, 3, 16, 9), 6);   // after it: not
  OpenAt(Local(2026, 3, 2, 10), 3);
  OpenAt(Local(2026, 3, 15, 12), 1);  // today
  const Indicator march = Yoy(Month(2026, 3));
  ASSERT_TRUE(march.has_data());
  EXPECT_EQ(march.actual(), 4);
  EXPECT_EQ(march.baseline(), 5);
  EXPECT_EQ(march.change(), -2000);
  EXPECT_EQ(march.colour(), kGreen);
  ExpectDays(march, "2026-03-01", "2026-03-15", "2025-03-01", "2025-03-15");
  EXPECT_EQ(march.target_source(), governance::v1::TARGET_SOURCE_PLAN);
  EXPECT_EQ(march.plan_clause(), "下降5%");

  // A month that is over compares whole months.
  const Indicator feb = Yoy(Month(2026, 2));
  ExpectDays(feb, "2026-02-01", "2026-02-28", "2025-02-01", "2025-02-28");
  // The year to date: 1 January to today against 1 January to 15 March 2025.
  const Indicator year = Yoy(Year(2026));
  EXPECT_EQ(year.actual(), 4);
  EXPECT_EQ(year.baseline(), 5);
  ExpectDays(year, "2026-01-01", "2026-03-15", "2025-01-01", "2025-03-15");
}

TEST_F(ToDateTest, AcrossTheYearBoundary) {
  // ISO 2026 has 53 weeks; its week 53 runs 28 December 2026 to 3 January 2027 and compares
  // with week 52 of 2025 (22 to 28 December 2025), to date as many days into it.
  OpenAt(Local(2025, 12, 22, 9), 2);
  OpenAt(Local(2025, 12, 24, 18), 1);
  OpenAt(Local(2025, 12, 25, 9), 7);  // the fourth day of last year's week: not yet
  OpenAt(Local(2026, 12, 28, 9), 2);
  clock_.Set(Local(2026, 12, 30, 12));
  const Indicator week = Yoy(Week(2026, 53));
  EXPECT_EQ(week.actual(), 2);
  EXPECT_EQ(week.baseline(), 3);
  ExpectDays(week, "2026-12-28", "2026-12-30", "2025-12-22", "2025-12-24");

  // On 3 January 2027 the new year to date has three days, last year's as many.
  OpenAt(Local(2026, 1, 2, 9), 4);
  OpenAt(Local(2026, 1, 4, 9), 5);
  OpenAt(Local(2027, 1, 3, 9), 3);
  const Indicator year = Yoy(Year(2027));
  EXPECT_EQ(year.actual(), 3);
  EXPECT_EQ(year.baseline(), 4);
  EXPECT_EQ(year.change(), -2500);
  ExpectDays(year, "2027-01-01", "2027-01-03", "2026-01-01", "2026-01-03");
  // And 2026, now over, whole against whole.
  ExpectDays(Yoy(Year(2026)), "2026-01-01", "2026-12-31", "2025-01-01", "2025-12-31");
}

TEST_F(ToDateTest, TwentyNinthOfFebruaryComparesWithTheTwentyEighth) {
  OpenAt(Local(2027, 2, 28, 9), 2);
  OpenAt(Local(2027, 3, 1, 9), 9);
  OpenAt(Local(2028, 2, 29, 9), 1);
  const Indicator feb = Yoy(Month(2028, 2));
  EXPECT_EQ(feb.actual(), 1);
  EXPECT_EQ(feb.baseline(), 2);
  ExpectDays(feb, "2028-02-01", "2028-02-29", "2027-02-01", "2027-02-28");
  ExpectDays(Yoy(Year(2028)), "2028-01-01", "2028-02-29", "2027-01-01", "2027-02-28");
}

TEST_F(ToDateTest, MonthlyFiguresCompareTheirWholeMonths) {
  clock_.Set(Local(2026, 3, 15, 12));
  for (int m : {1, 2, 3}) ASSERT_TRUE(Record("court_intake", Month(2025, m), "", 100).ok());
  ASSERT_TRUE(Record("court_intake", Month(2026, 1), "", 90).ok());
  ASSERT_TRUE(Record("court_intake", Month(2026, 2), "", 80).ok());
  // March is not recorded yet: the year to date is January and February, on both sides.
  Indicator year = Yoy(Year(2026), "intake_yoy");
  ASSERT_TRUE(year.has_data());
  EXPECT_EQ(year.actual(), 170);
  EXPECT_EQ(year.baseline(), 200);
  ExpectDays(year, "2026-01-01", "2026-02-28", "2025-01-01", "2025-02-28");
  // March to date has no figure yet: no data, and last year's March is not counted whole
  // against it.
  const Indicator march = Yoy(Month(2026, 3), "intake_yoy");
  EXPECT_FALSE(march.has_data());
  ExpectDays(march, "2026-03-01", "2026-03-15", "2025-03-01", "2025-03-15");
  // Recorded, March counts whole against last year's whole March.
  ASSERT_TRUE(Record("court_intake", Month(2026, 3), "", 70).ok());
  year = Yoy(Year(2026), "intake_yoy");
  EXPECT_EQ(year.actual(), 240);
  EXPECT_EQ(year.baseline(), 300);
  ExpectDays(year, "2026-01-01", "2026-03-31", "2025-01-01", "2025-03-31");
  ExpectDays(Yoy(Month(2026, 3), "intake_yoy"), "2026-03-01", "2026-03-31", "2025-03-01",
             "2025-03-31");
}

TEST_F(IndicatorsTest, RankingsShareRanksOnTies) {
  OpenMarchCases();
  ListRankingsRequest request;
  request.set_dimension(governance::v1::RANKING_DIMENSION_STREET);
  auto streets = engine_->Rankings(admin_, request);
  ASSERT_TRUE(streets.ok()) << streets.status();
  EXPECT_EQ(streets->total(), 12);
  std::vector<std::string> rows;
  for (const auto& e : streets->entries()) {
    rows.push_back(absl::StrCat(e.rank(), " ", e.key(), " ", e.count()));
    EXPECT_EQ(e.name(), regions_->NameOf(e.key()));
    EXPECT_FALSE(e.name().empty());
  }
  EXPECT_THAT(rows, ElementsAre("1 GS01 5", "2 GS02 3", "2 GS03 3", "4 GS04 1"));

  request.set_limit(2);
  auto top2 = engine_->Rankings(admin_, request);
  ASSERT_TRUE(top2.ok());
  EXPECT_EQ(top2->entries_size(), 2);
  EXPECT_EQ(top2->total(), 12);

  ListRankingsRequest categories;
  categories.set_dimension(governance::v1::RANKING_DIMENSION_CATEGORY);
  auto by_category = engine_->Rankings(admin_, categories);
  ASSERT_TRUE(by_category.ok());
  ASSERT_EQ(by_category->entries_size(), 2);
  EXPECT_EQ(by_category->entries(0).key(), "noise");  // 2 + 1 + 3 + 1
  EXPECT_EQ(by_category->entries(0).count(), 7);
  EXPECT_EQ(by_category->entries(0).name(), "噪声");
  EXPECT_EQ(by_category->entries(1).key(), "debt");
  EXPECT_EQ(by_category->entries(1).count(), 5);

  ListRankingsRequest communities;
  communities.set_dimension(governance::v1::RANKING_DIMENSION_COMMUNITY);
  communities.mutable_region()->set_street_id("GS02");
  auto in_gs02 = engine_->Rankings(admin_, communities);
  ASSERT_TRUE(in_gs02.ok());
  ASSERT_EQ(in_gs02->entries_size(), 2);
  EXPECT_EQ(in_gs02->entries(0).key(), "GS02-C02");
  EXPECT_EQ(in_gs02->entries(0).count(), 2);
  EXPECT_EQ(in_gs02->total(), 3);

  // A principal of two streets ranks within them.
  auto scoped = engine_->Rankings(op12_, ListRankingsRequest(request));
  ASSERT_TRUE(scoped.ok()) << scoped.status();
  EXPECT_EQ(scoped->total(), 8);
  ASSERT_EQ(scoped->entries_size(), 2);
  EXPECT_EQ(scoped->entries(1).key(), "GS02");

  // February.
  ListRankingsRequest february = request;
  *february.mutable_period() = Month(2026, 2);
  auto feb = engine_->Rankings(admin_, february);
  ASSERT_TRUE(feb.ok());
  EXPECT_EQ(feb->total(), 1);
}

TEST_F(IndicatorsTest, RankingRequestsAreValidated) {
  ListRankingsRequest none;
  EXPECT_EQ(FieldOf(engine_->Rankings(admin_, none).status()), "dimension");
  ListRankingsRequest unit;
  unit.set_dimension(governance::v1::RANKING_DIMENSION_UNIT);  // not declared by this track
  EXPECT_EQ(FieldOf(engine_->Rankings(admin_, unit).status()), "dimension");
  ListRankingsRequest negative;
  negative.set_dimension(governance::v1::RANKING_DIMENSION_STREET);
  negative.set_limit(-1);
  EXPECT_EQ(FieldOf(engine_->Rankings(admin_, negative).status()), "limit");
  ListRankingsRequest bad_period;
  bad_period.set_dimension(governance::v1::RANKING_DIMENSION_STREET);
  *bad_period.mutable_period() = Month(2026, 13);
  EXPECT_EQ(FieldOf(engine_->Rankings(admin_, bad_period).status()), "period.month");
  ListRankingsRequest foreign;
  foreign.set_dimension(governance::v1::RANKING_DIMENSION_STREET);
  foreign.mutable_region()->set_street_id("GS02");
  EXPECT_EQ(engine_->Rankings(op1_, foreign).status().code(), absl::StatusCode::kPermissionDenied);
}

// "1 GS01 5"-style rows of a published table.
std::vector<std::string> TableRows(const governance::v1::RankingTable& table) {
  std::vector<std::string> rows;
  for (const auto& e : table.entries()) {
    rows.push_back(absl::StrCat(e.rank(), " ", e.key(), " ", e.count()));
  }
  return rows;
}

TEST_F(IndicatorsTest, AFinishedMonthsRankingsArePublishedOnceAndStayAsPublished) {
  OpenMarchCases();
  governance::v1::PublishRankingsRequest march;
  *march.mutable_period() = Month(2026, 3);
  // Not over yet.
  EXPECT_EQ(publisher_->Publish(admin_, march).status().code(),
            absl::StatusCode::kFailedPrecondition);

  clock_.Set(Local(2026, 4, 2, 9));
  auto published = publisher_->Publish(admin_, march);
  ASSERT_TRUE(published.ok()) << published.status();
  EXPECT_FALSE(published->already_published());
  const governance::v1::PublishedRankings& first = published->rankings();
  EXPECT_THAT(first.id(), ::testing::StartsWith("RK-"));
  EXPECT_EQ(first.track(), kTrack);
  EXPECT_EQ(first.published_by(), "admin");
  // Every declared dimension, in order, with the district's whole ranking of March.
  ASSERT_EQ(first.tables_size(), 3);
  EXPECT_EQ(first.tables(0).dimension(), governance::v1::RANKING_DIMENSION_STREET);
  EXPECT_EQ(first.tables(0).total(), 12);
  EXPECT_THAT(TableRows(first.tables(0)),
              ElementsAre("1 GS01 5", "2 GS02 3", "2 GS03 3", "4 GS04 1"));
  EXPECT_EQ(first.tables(0).entries(0).name(), regions_->NameOf("GS01"));
  EXPECT_EQ(first.tables(1).dimension(), governance::v1::RANKING_DIMENSION_COMMUNITY);
  EXPECT_EQ(first.tables(2).dimension(), governance::v1::RANKING_DIMENSION_CATEGORY);
  EXPECT_THAT(TableRows(first.tables(2)), ElementsAre("1 noise 7", "2 debt 5"));
  EXPECT_EQ(first.tables(2).entries(0).name(), "噪声");

  // A case of March recorded late changes the live ranking, not the published one.
  clock_.Set(Local(2026, 3, 31, 18));
  Open("GS04-C01");
  clock_.Set(Local(2026, 4, 2, 10));
  ListRankingsRequest live;
  live.set_dimension(governance::v1::RANKING_DIMENSION_STREET);
  *live.mutable_period() = Month(2026, 3);
  auto now_live = engine_->Rankings(admin_, live);
  ASSERT_TRUE(now_live.ok());
  EXPECT_EQ(now_live->total(), 13);
  auto again = publisher_->Publish(court_, march);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(again->already_published());
  EXPECT_EQ(again->rankings().SerializeAsString(), first.SerializeAsString());
  // The server's upkeep finds March published.
  auto due = publisher_->PublishDue();
  ASSERT_TRUE(due.ok()) << due.status();
  EXPECT_FALSE(*due);

  // Read by month and by id, by every role.
  governance::v1::GetPublishedRankingsRequest by_month;
  *by_month.mutable_period() = Month(2026, 3);
  auto got = publisher_->Get(viewer_, by_month);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->rankings().SerializeAsString(), first.SerializeAsString());
  governance::v1::GetPublishedRankingsRequest by_id;
  by_id.set_id(first.id());
  auto got_id = publisher_->Get(op1_, by_id);
  ASSERT_TRUE(got_id.ok()) << got_id.status();
  EXPECT_EQ(got_id->rankings().SerializeAsString(), first.SerializeAsString());
  governance::v1::GetPublishedRankingsRequest january;
  *january.mutable_period() = Month(2026, 1);
  EXPECT_EQ(publisher_->Get(viewer_, january).status().code(), absl::StatusCode::kNotFound);

  // A month later the upkeep publishes April, once; the demo's way publishes what is missing.
  clock_.Set(Local(2026, 5, 1, 0, 5));
  due = publisher_->PublishDue();
  ASSERT_TRUE(due.ok()) << due.status();
  EXPECT_TRUE(*due);
  due = publisher_->PublishDue();
  ASSERT_TRUE(due.ok());
  EXPECT_FALSE(*due);
  auto since = publisher_->PublishSince(absl::CivilDay(2026, 1, 20));
  ASSERT_TRUE(since.ok()) << since.status();
  EXPECT_EQ(*since, 2);  // January and February; March and April were there
  auto april = publisher_->Get(viewer_, [] {
    governance::v1::GetPublishedRankingsRequest r;
    *r.mutable_period() = Month(2026, 4);
    return r;
  }());
  ASSERT_TRUE(april.ok()) << april.status();
  EXPECT_EQ(april->rankings().published_by(), "rankings-publisher");
  EXPECT_EQ(april->rankings().tables(0).total(), 0);

  // Listed newest month first, page by page.
  std::vector<std::string> months;
  governance::v1::ListPublishedRankingsRequest list;
  list.set_page_size(3);
  for (int pages = 0; pages < 5; ++pages) {
    auto page = publisher_->List(viewer_, list);
    ASSERT_TRUE(page.ok()) << page.status();
    for (const auto& r : page->rankings()) {
      months.push_back(absl::StrCat(r.period().year(), "-", r.period().month()));
    }
    if (page->next_page_token().empty()) break;
    list.set_page_token(page->next_page_token());
  }
  EXPECT_THAT(months, ElementsAre("2026-4", "2026-3", "2026-2", "2026-1"));
  governance::v1::ListPublishedRankingsRequest last_year;
  last_year.set_year(2025);
  auto none = publisher_->List(viewer_, last_year);
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->rankings_size(), 0);
}

TEST_F(IndicatorsTest, PublishingAndReadingRankingsRefuseWhatIsNotAFinishedMonth) {
  clock_.Set(Local(2026, 5, 1, 9));
  auto publish = [&](governance::v1::Period period) {
    governance::v1::PublishRankingsRequest request;
    *request.mutable_period() = period;
    return publisher_->Publish(admin_, request).status();
  };
  EXPECT_EQ(FieldOf(publish({})), "period");
  governance::v1::Period year;
  year.set_year(2026);
  EXPECT_EQ(FieldOf(publish(year)), "period");
  governance::v1::Period week = year;
  week.set_week(3);
  EXPECT_EQ(FieldOf(publish(week)), "period");
  EXPECT_EQ(FieldOf(publish(Month(2026, 13))), "period.month");
  EXPECT_EQ(publish(Month(2026, 5)).code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(publish(Month(2026, 6)).code(), absl::StatusCode::kFailedPrecondition);

  governance::v1::GetPublishedRankingsRequest neither;
  EXPECT_EQ(FieldOf(publisher_->Get(viewer_, neither).status()), "key");
  governance::v1::GetPublishedRankingsRequest unknown;
  unknown.set_id("RK-999999");
  EXPECT_EQ(publisher_->Get(viewer_, unknown).status().code(), absl::StatusCode::kNotFound);

  governance::v1::ListPublishedRankingsRequest list;
  list.set_page_size(-1);
  EXPECT_EQ(FieldOf(publisher_->List(viewer_, list).status()), "page_size");
  list.set_page_size(0);
  list.set_year(1999);
  EXPECT_EQ(FieldOf(publisher_->List(viewer_, list).status()), "year");
  list.set_year(0);
  list.set_page_token("not-a-token");
  EXPECT_EQ(FieldOf(publisher_->List(viewer_, list).status()), "page_token");
  // Nothing was stored by any of it.
  auto all = publisher_->List(viewer_, {});
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->rankings_size(), 0);
}

TEST_F(IndicatorsTest, ListRequestsAreScopedAndValidated) {
  OpenMarchCases();
  // A street operator asking for "everything" gets its street.
  auto own = ListFor(op1_, ListIndicatorsRequest());
  EXPECT_EQ(own["cases_opened"].region().street_id(), "GS01");
  EXPECT_EQ(own["cases_opened"].actual(), 5);

  ListIndicatorsRequest other;
  other.mutable_region()->set_street_id("GS02");
  EXPECT_EQ(engine_->List(op1_, other).status().code(), absl::StatusCode::kPermissionDenied);
  ListIndicatorsRequest other_community;
  other_community.mutable_region()->set_street_id("GS02");
  other_community.mutable_region()->set_community_id("GS02-C01");
  EXPECT_EQ(engine_->List(op1_, other_community).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(ListFor(op12_, other)["cases_opened"].actual(), 3);
  // A viewer of the district sees the district.
  EXPECT_EQ(ListFor(viewer_, ListIndicatorsRequest())["cases_opened"].actual(), 12);

  ListIndicatorsRequest unknown_street;
  unknown_street.mutable_region()->set_street_id("GS99");
  EXPECT_EQ(FieldOf(engine_->List(admin_, unknown_street).status()), "region.street_id");
  ListIndicatorsRequest grid;
  grid.mutable_region()->set_street_id("GS01");
  grid.mutable_region()->set_community_id("GS01-C01");
  grid.mutable_region()->set_grid_id("GS01-C01-G01");
  EXPECT_EQ(FieldOf(engine_->List(admin_, grid).status()), "region.grid_id");
  ListIndicatorsRequest unknown_id;
  unknown_id.add_indicator_ids("nope");
  EXPECT_EQ(FieldOf(engine_->List(admin_, unknown_id).status()), "indicator_ids");
  ListIndicatorsRequest bad_period;
  bad_period.mutable_period()->set_year(1999);
  EXPECT_EQ(FieldOf(engine_->List(admin_, bad_period).status()), "period.year");
  ListIndicatorsRequest part_without_year;
  part_without_year.mutable_period()->set_month(3);
  EXPECT_EQ(engine_->List(admin_, part_without_year).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(IndicatorsTest, AnEmptyRequestCoversAllTheCallersStreets) {
  OpenMarchCases();
  ASSERT_TRUE(Record("court_intake", Month(2025, 3), "GS01", 40).ok());
  ASSERT_TRUE(Record("court_intake", Month(2025, 3), "GS02", 20).ok());
  ASSERT_TRUE(Record("court_intake", Month(2025, 3), "GS03", 500).ok());
  ASSERT_TRUE(Record("court_intake", Month(2026, 3), "GS01", 30).ok());
  ASSERT_TRUE(Record("court_intake", Month(2026, 3), "GS02", 24).ok());
  ASSERT_TRUE(Record("court_intake", Month(2026, 3), "GS03", 700).ok());
  ASSERT_TRUE(Record("court_intake", Month(2026, 3), "", 1000).ok());  // the district's own row

  // The district first, so that a cache key without the scope would answer the next call.
  auto district = ListFor(admin_, ListIndicatorsRequest());
  EXPECT_EQ(district["cases_opened"].actual(), 12);
  EXPECT_EQ(district["court_intake_yoy"].actual(), 1000);

  // The current month over GS01 and GS02 together: 5 + 3 cases, 2 of them resolved.
  auto both = ListFor(op12_, ListIndicatorsRequest());
  ASSERT_EQ(both.size(), IndicatorSpecs().size());
  EXPECT_EQ(both["cases_opened"].period().year(), 2026);
  EXPECT_EQ(both["cases_opened"].period().month(), 3);
  EXPECT_EQ(both["cases_opened"].actual(), 8);
  EXPECT_EQ(both["cases_opened"].region().street_id(), "");
  EXPECT_EQ(both["resolution_rate"].actual(), 2500);  // 2 of 8
  EXPECT_EQ(both["resolutions"].actual(), 2);
  EXPECT_EQ(both["cases_opened_ytd"].actual(), 1 + 2 + 1);  // "noise": February's and March's
  // Figures summed over the two streets: neither GS03's nor the district's row.
  EXPECT_EQ(both["court_intake_yoy"].actual(), 54);
  EXPECT_EQ(both["court_intake_yoy"].baseline(), 60);
  EXPECT_EQ(both["court_intake_yoy"].change(), -1000);
  // Figures recorded for the district only are no data for a part of it.
  EXPECT_FALSE(both["trainings_ytd"].has_data());

  // Cached per scope: a second call hits the cache with the same answer, and neither the
  // district's nor a single street's answer is served in its place.
  const double hits = CacheHits();
  EXPECT_EQ(ListFor(op12_, ListIndicatorsRequest())["cases_opened"].actual(), 8);
  EXPECT_GT(CacheHits(), hits);
  EXPECT_EQ(ListFor(op1_, ListIndicatorsRequest())["cases_opened"].actual(), 5);
  EXPECT_EQ(ListFor(admin_, ListIndicatorsRequest())["cases_opened"].actual(), 12);
  // A new case in scope shows at once.
  Open("GS02-C01");
  EXPECT_EQ(ListFor(op12_, ListIndicatorsRequest())["cases_opened"].actual(), 9);
}

TEST(RatioBasisPointsTest, RoundsHalfAwayFromZero) {
  EXPECT_EQ(RatioBasisPoints(1, 3), 3333);
  EXPECT_EQ(RatioBasisPoints(2, 3), 6667);
  EXPECT_EQ(RatioBasisPoints(3, 21), 1429);
  EXPECT_EQ(RatioBasisPoints(10, 11), 9091);
  EXPECT_EQ(RatioBasisPoints(1, 20000), 1);  // exactly half a basis point
  EXPECT_EQ(RatioBasisPoints(1, 20001), 0);
  EXPECT_EQ(RatioBasisPoints(-1, 20000), -1);
  EXPECT_EQ(RatioBasisPoints(1, -20000), -1);
  EXPECT_EQ(RatioBasisPoints(-2, -3), 6667);
  EXPECT_EQ(RatioBasisPoints(5, 5), 10000);
  EXPECT_EQ(RatioBasisPoints(0, 7), 0);
  EXPECT_EQ(RatioBasisPoints(7, 0), 0);
  EXPECT_EQ(RatioBasisPoints(std::numeric_limits<int64_t>::max(), 1),
            std::numeric_limits<int64_t>::max());
  EXPECT_EQ(RatioBasisPoints(std::numeric_limits<int64_t>::min(), 1),
            std::numeric_limits<int64_t>::min());
}

TEST_F(IndicatorsTest, RecordFigureValidatesEveryFieldAndWritesNothingOnError) {
  auto valid = [] {
    RecordFigureRequest r;
    r.set_request_id("r-1");
    r.mutable_figure()->set_figure_id("court_intake");
    *r.mutable_figure()->mutable_period() = Month(2026, 3);
    r.mutable_figure()->set_value(12);
    r.mutable_figure()->set_source("court");
    return r;
  };
  struct Bad {
    std::string field;
    std::function<void(RecordFigureRequest&)> edit;
  };
  const std::vector<Bad> bad = {
      {"request_id", [](RecordFigureRequest& r) { r.clear_request_id(); }},
      {"request_id", [](RecordFigureRequest& r) { r.set_request_id(std::string(129, 'r')); }},
      {"figure.figure_id", [](RecordFigureRequest& r) { r.mutable_figure()->clear_figure_id(); }},
      {"figure.figure_id",
       [](RecordFigureRequest& r) { r.mutable_figure()->set_figure_id("weather"); }},
      {"figure.period", [](RecordFigureRequest& r) { r.mutable_figure()->clear_period(); }},
      {"figure.period.month",
       [](RecordFigureRequest& r) { r.mutable_figure()->mutable_period()->set_month(13); }},
      {"figure.street_id",
       [](RecordFigureRequest& r) { r.mutable_figure()->set_street_id("GS99"); }},
      {"figure.street_id",
       [](RecordFigureRequest& r) {
         r.mutable_figure()->set_figure_id("trainings");  // district only
         r.mutable_figure()->set_street_id("GS01");
       }},
      {"figure.value", [](RecordFigureRequest& r) { r.mutable_figure()->set_value(-1); }},
      {"figure.source", [](RecordFigureRequest& r) { r.mutable_figure()->clear_source(); }},
      {"figure.source",
       [](RecordFigureRequest& r) { r.mutable_figure()->set_source(std::string(201, 's')); }},
  };
  for (const Bad& b : bad) {
    RecordFigureRequest request = valid();
    b.edit(request);
    auto refused = engine_->RecordFigure(admin_, request);
    EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument) << b.field;
    EXPECT_EQ(FieldOf(refused.status()), b.field);
  }
  // Who may record: the district admin and internal systems, within their scope.
  EXPECT_EQ(engine_->RecordFigure(op1_, valid()).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(engine_->RecordFigure(viewer_, valid()).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(engine_->RecordFigure(court_gs01_, valid()).status().code(),
            absl::StatusCode::kPermissionDenied);  // a district figure
  RecordFigureRequest gs02 = valid();
  gs02.mutable_figure()->set_street_id("GS02");
  EXPECT_EQ(engine_->RecordFigure(court_gs01_, gs02).status().code(),
            absl::StatusCode::kPermissionDenied);

  auto listed = engine_->ListFigures(admin_, {});
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->figures_size(), 0);

  RecordFigureRequest gs01 = valid();
  gs01.mutable_figure()->set_street_id("GS01");
  auto recorded = engine_->RecordFigure(court_gs01_, gs01);
  ASSERT_TRUE(recorded.ok()) << recorded.status();
  EXPECT_EQ(recorded->figure().entered_by(), "court-gs01");
  EXPECT_EQ(recorded->figure().revision(), 1);
  EXPECT_EQ(recorded->figure().period().month(), 3);
  EXPECT_EQ(recorded->figure().enter_time().seconds(), absl::ToUnixSeconds(clock_.Now()));
}

TEST_F(IndicatorsTest, FiguresAreAppendOnlyWithRevisionsAndIdempotent) {
  RecordFigureRequest first;
  first.set_request_id("court-2026-03");
  first.mutable_figure()->set_figure_id("court_intake");
  *first.mutable_figure()->mutable_period() = Month(2026, 3);
  first.mutable_figure()->set_value(95);
  first.mutable_figure()->set_source("court");
  auto r1 = engine_->RecordFigure(court_, first);
  ASSERT_TRUE(r1.ok()) << r1.status();
  EXPECT_EQ(r1->figure().revision(), 1);
  // A retry returns the first result.
  clock_.Advance(absl::Minutes(1));
  auto retry = engine_->RecordFigure(court_, first);
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_EQ(retry->figure().revision(), 1);
  EXPECT_EQ(retry->figure().enter_time().seconds(), r1->figure().enter_time().seconds());
  // The same request id with another figure is refused.
  RecordFigureRequest changed = first;
  changed.mutable_figure()->set_value(96);
  EXPECT_EQ(engine_->RecordFigure(court_, changed).status().code(),
            absl::StatusCode::kAlreadyExists);
  // A correction is a new revision, and the latest is what indicators use.
  RecordFigureRequest correction = changed;
  correction.set_request_id("court-2026-03-fix");
  correction.mutable_figure()->set_note("corrected by the court");
  auto r2 = engine_->RecordFigure(court_, correction);
  ASSERT_TRUE(r2.ok()) << r2.status();
  EXPECT_EQ(r2->figure().revision(), 2);
  EXPECT_EQ(District()["court_intake_yoy"].actual(), 96);

  auto listed = engine_->ListFigures(viewer_, {});
  ASSERT_TRUE(listed.ok()) << listed.status();
  ASSERT_EQ(listed->figures_size(), 2);
  EXPECT_EQ(listed->figures(0).revision(), 2);
  EXPECT_EQ(listed->figures(0).value(), 96);
  EXPECT_EQ(listed->figures(0).note(), "corrected by the court");
  EXPECT_EQ(listed->figures(1).revision(), 1);
  EXPECT_EQ(listed->figures(1).value(), 95);
  EXPECT_EQ(listed->figures(1).entered_by(), "court");
}

TEST_F(IndicatorsTest, ListFiguresPagesWithinScope) {
  for (int month = 1; month <= 5; ++month) {
    ASSERT_TRUE(Record("court_intake", Month(2026, month), "GS01", month).ok());
  }
  ASSERT_TRUE(Record("court_intake", Month(2026, 1), "GS02", 7).ok());
  ASSERT_TRUE(Record("trainings", Month(2026, 1), "", 1).ok());

  governance::v1::ListFiguresRequest request;
  request.set_page_size(2);
  std::vector<std::string> seen;
  for (int pages = 0; pages < 10; ++pages) {
    auto page = engine_->ListFigures(admin_, request);
    ASSERT_TRUE(page.ok()) << page.status();
    EXPECT_LE(page->figures_size(), 2);
    for (const auto& f : page->figures()) {
      seen.push_back(absl::StrCat(f.figure_id(), "/", f.street_id(), "/", f.value()));
    }
    if (page->next_page_token().empty()) break;
    request.set_page_token(page->next_page_token());
  }
  EXPECT_THAT(seen, ElementsAre("trainings//1", "court_intake/GS02/7", "court_intake/GS01/5",
                                "court_intake/GS01/4", "court_intake/GS01/3", "court_intake/GS01/2",
                                "court_intake/GS01/1"));

  // A street operator sees its street's figures only.
  auto own = engine_->ListFigures(op1_, {});
  ASSERT_TRUE(own.ok());
  EXPECT_EQ(own->figures_size(), 5);
  governance::v1::ListFiguresRequest foreign;
  foreign.set_street_id("GS02");
  EXPECT_EQ(engine_->ListFigures(op1_, foreign).status().code(),
            absl::StatusCode::kPermissionDenied);

  governance::v1::ListFiguresRequest filtered;
  filtered.set_figure_id("trainings");
  auto trainings = engine_->ListFigures(admin_, filtered);
  ASSERT_TRUE(trainings.ok());
  EXPECT_EQ(trainings->figures_size(), 1);

  // Tokens are bound to their filter and sealed.
  governance::v1::ListFiguresRequest first;
  first.set_page_size(2);
  auto page = engine_->ListFigures(admin_, first);
  ASSERT_TRUE(page.ok());
  governance::v1::ListFiguresRequest replay = filtered;
  replay.set_page_token(page->next_page_token());
  EXPECT_EQ(FieldOf(engine_->ListFigures(admin_, replay).status()), "page_token");
  std::string tampered = page->next_page_token();
  tampered[0] = tampered[0] == 'A' ? 'B' : 'A';
  first.set_page_token(tampered);
  EXPECT_EQ(FieldOf(engine_->ListFigures(admin_, first).status()), "page_token");
  governance::v1::ListFiguresRequest negative;
  negative.set_page_size(-1);
  EXPECT_EQ(FieldOf(engine_->ListFigures(admin_, negative).status()), "page_size");
  governance::v1::ListFiguresRequest unknown;
  unknown.set_figure_id("weather");
  EXPECT_EQ(FieldOf(engine_->ListFigures(admin_, unknown).status()), "figure_id");
}

TEST_F(IndicatorsTest, CachedAggregatesNeverGoStale) {
  OpenMarchCases();
  ListRankingsRequest ranking;
  ranking.set_dimension(governance::v1::RANKING_DIMENSION_STREET);
  EXPECT_EQ(District()["cases_opened"].actual(), 12);
  ASSERT_TRUE(engine_->Rankings(admin_, ranking).ok());
  // The second read is served by the cache...
  const double hits = CacheHits();
  EXPECT_EQ(District()["cases_opened"].actual(), 12);
  EXPECT_GT(CacheHits(), hits);
  const double hits2 = CacheHits();
  ASSERT_TRUE(engine_->Rankings(admin_, ranking).ok());
  EXPECT_GT(CacheHits(), hits2);

  // ... and every write that changes an aggregate is seen by the next read.
  const cases::Case added = Open("GS04-C01");
  EXPECT_EQ(District()["cases_opened"].actual(), 13);
  auto ranked = engine_->Rankings(admin_, ranking);
  ASSERT_TRUE(ranked.ok());
  EXPECT_EQ(ranked->total(), 13);
  EXPECT_EQ(ranked->entries(3).key(), "GS04");
  EXPECT_EQ(ranked->entries(3).count(), 2);

  EXPECT_EQ(District()["resolutions"].actual(), 2);
  Move("Resolve", added);
  EXPECT_EQ(District()["resolutions"].actual(), 3);
  EXPECT_EQ(District()["resolution_rate"].actual(), 2308);  // 3 of 13

  EXPECT_FALSE(District()["court_intake_yoy"].has_data());
  ASSERT_TRUE(Record("court_intake", Month(2025, 3), "", 50).ok());
  ASSERT_TRUE(Record("court_intake", Month(2026, 3), "", 40).ok());
  EXPECT_EQ(District()["court_intake_yoy"].change(), -2000);

  // With Redis gone the answers come from the store, still current.
  redis_.Kill();
  Open("GS01-C01");
  EXPECT_EQ(District()["cases_opened"].actual(), 14);
}

TEST_F(IndicatorsTest, GaugesExportTheCurrentMonth) {
  OpenMarchCases();
  ASSERT_TRUE(Record("court_intake", Month(2025, 3), "", 100).ok());
  ASSERT_TRUE(Record("court_intake", Month(2026, 3), "", 95).ok());
  ASSERT_TRUE(engine_->RefreshGauges().ok());
  auto value = [&](const std::string& indicator, const std::string& street) {
    return gov::testing::MetricSum(
        registry_, "governance_indicator_value",
        {{"track", kTrack}, {"indicator", indicator}, {"street", street}});
  };
  EXPECT_EQ(value("cases_opened", "all"), 12);
  EXPECT_EQ(value("cases_opened", "GS01"), 5);
  EXPECT_EQ(value("cases_opened", "GS11"), 0);
  EXPECT_EQ(value("resolution_rate", "GS01"), 4000);
  EXPECT_EQ(value("court_intake_yoy", "all"), -500);  // the change, comparable with the target
  EXPECT_EQ(value("court_intake_yoy", "GS01"), std::nullopt);  // no data: no series
  EXPECT_EQ(value("resolution_rate", "GS05"), std::nullopt);
  EXPECT_EQ(gov::testing::MetricSum(
                registry_, "governance_indicator_target",
                {{"track", kTrack}, {"indicator", "cases_opened"}, {"street", "GS03"}}),
            10);
  EXPECT_EQ(
      gov::testing::MetricSum(registry_, "governance_indicator_target",
                              {{"track", kTrack}, {"indicator", "resolutions"}, {"street", "all"}}),
      std::nullopt);  // watched only: no target
  // Attainment as the service grades it, for every target kind and direction.
  auto attainment = [&](const std::string& indicator, const std::string& street) {
    return gov::testing::MetricSum(
        registry_, "governance_indicator_attainment",
        {{"track", kTrack}, {"indicator", indicator}, {"street", street}});
  };
  auto district = District();
  for (const char* id : {"cases_opened", "court_intake_yoy"}) {
    ASSERT_TRUE(district[id].has_data()) << id;
    EXPECT_EQ(attainment(id, "all"), district[id].attainment()) << id;
    EXPECT_GT(district[id].attainment(), 0) << id;
  }
  EXPECT_EQ(attainment("court_intake_yoy", "GS01"), std::nullopt);  // no data
  EXPECT_EQ(attainment("resolutions", "all"), std::nullopt);        // no target
}

TEST_F(IndicatorsTest, ServedOverGrpcBehindTheSharedHandler) {
  gov::testing::TempDir dir;
  const std::string tokens = dir.File("tokens.json");
  gov::testing::WriteFile(
      tokens, absl::StrCat(R"({"tokens": [{"sha256": ")",
                           auth::TokenAuthenticator::HashToken("admin-token"),
                           R"(", "principal": "admin", "roles": ["district_admin"],)",
                           R"( "expires": "2099-01-01T00:00:00Z"}, )", R"({"sha256": ")",
                           auth::TokenAuthenticator::HashToken("viewer-token"),
                           R"(", "principal": "viewer", "roles": ["viewer"],)",
                           R"( "expires": "2099-01-01T00:00:00Z"}]})"));
  auto authenticator = auth::TokenAuthenticator::Open(tokens, &clock_);
  ASSERT_TRUE(authenticator.ok()) << authenticator.status();
  server::WorkerPool pool(2, 16);
  server::Handlers handlers(authenticator->get(), &pool);
  std::unique_ptr<server::RpcService> service =
      MakeIndicatorsService(engine_.get(), publisher_.get(), &handlers,
                            {auth::kStreetOperator, auth::kViewer, auth::kSystem});
  ASSERT_TRUE(service->Check().ok()) << service->Check();
  server::ServerOptions options;
  options.services = {service.get()};
  auto started = server::Server::Start(options);
  ASSERT_TRUE(started.ok()) << started.status();
  std::unique_ptr<server::Server> grpc_server = *std::move(started);
  grpc_server->SetServing(true);
  auto stub = governance::v1::IndicatorsService::NewStub(grpc::CreateChannel(
      absl::StrCat("127.0.0.1:", grpc_server->port()), grpc::InsecureChannelCredentials()));
  auto as = [](grpc::ClientContext& context, const std::string& token) {
    context.AddMetadata("authorization", "Bearer " + token);
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  };

  {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    governance::v1::ListIndicatorsResponse response;
    EXPECT_EQ(stub->ListIndicators(&context, {}, &response).error_code(),
              grpc::StatusCode::UNAUTHENTICATED);
  }
  {
    grpc::ClientContext context;
    as(context, "viewer-token");
    governance::v1::RecordFigureResponse response;
    RecordFigureRequest request;
    request.set_request_id("r");
    EXPECT_EQ(stub->RecordFigure(&context, request, &response).error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
  }
  {
    grpc::ClientContext context;
    as(context, "admin-token");
    RecordFigureRequest request;
    request.set_request_id("r");
    request.mutable_figure()->set_figure_id("court_intake");
    *request.mutable_figure()->mutable_period() = Month(2026, 3);
    request.mutable_figure()->set_value(-5);
    request.mutable_figure()->set_source("court");
    governance::v1::RecordFigureResponse response;
    EXPECT_EQ(stub->RecordFigure(&context, request, &response).error_code(),
              grpc::StatusCode::INVALID_ARGUMENT);
    const auto& trailers = context.GetServerTrailingMetadata();
    auto field = trailers.find("gov-field");
    ASSERT_NE(field, trailers.end());
    EXPECT_EQ(std::string(field->second.data(), field->second.size()), "figure.value");
  }
  {
    grpc::ClientContext context;
    as(context, "admin-token");
    RecordFigureRequest request;
    request.set_request_id("r");
    request.mutable_figure()->set_figure_id("court_intake");
    *request.mutable_figure()->mutable_period() = Month(2026, 3);
    request.mutable_figure()->set_value(5);
    request.mutable_figure()->set_source("court");
    governance::v1::RecordFigureResponse response;
    ASSERT_TRUE(stub->RecordFigure(&context, request, &response).ok());
    EXPECT_EQ(response.figure().revision(), 1);
    EXPECT_EQ(response.figure().entered_by(), "admin");
  }
  {
    grpc::ClientContext context;
    as(context, "viewer-token");
    governance::v1::ListFiguresResponse response;
    ASSERT_TRUE(stub->ListFigures(&context, {}, &response).ok());
    EXPECT_EQ(response.figures_size(), 1);
  }
  {
    grpc::ClientContext context;
    as(context, "viewer-token");
    governance::v1::ListIndicatorsResponse response;
    ASSERT_TRUE(stub->ListIndicators(&context, {}, &response).ok());
    EXPECT_EQ(response.track(), kTrack);
    ASSERT_EQ(response.indicators_size(), static_cast<int>(IndicatorSpecs().size()));
    EXPECT_EQ(response.indicators(0).actual(), 5);
  }
  {
    grpc::ClientContext context;
    as(context, "viewer-token");
    ListRankingsRequest request;
    request.set_dimension(governance::v1::RANKING_DIMENSION_STREET);
    governance::v1::ListRankingsResponse response;
    ASSERT_TRUE(stub->ListRankings(&context, request, &response).ok());
    EXPECT_EQ(response.total(), 0);
  }
  grpc_server->Shutdown();
}

}  // namespace
}  // namespace gov::indicators
