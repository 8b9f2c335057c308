// The routine of monthly remediation (实现每月整治规范化常态化) end to end: the indicator of the
// routine categories with a campaign running or held in every month of a period so far, against
// campaigns planned, started (the start recorded after the fact), completed and cancelled through
// the API and counted by hand, and the start time StartCampaign records. The real disorder track
// behind the real server over gRPC on loopback, on the test's store and a real redis-server, with
// data/disorder.json naming three routine categories (muck trucks, cooking fumes, noise) and a
// fake clock at Monday 15 June 2026, 10:00 in the district's time zone.

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "common/auth/auth.h"
#include "common/clock/clock.h"
#include "common/util/file.h"
#include "common/util/proto.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "governance/config/v1/disorder.pb.h"
#include "governance/disorder/v1/disorder.grpc.pb.h"
#include "governance/v1/indicators.pb.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "services/disorder/demo_data.h"
#include "services/disorder/track.h"
#include "tests/support/test_support.h"
#include "tests/support/track_harness.h"

namespace gov::disorder {
namespace {

namespace gv1 = ::governance::v1;
using dv1::DisorderService;
using gov::testing::Describe;
using gov::testing::ExpectInvalid;
using gov::testing::Local;
using gov::testing::Month;
using gov::testing::Outcome;
using gov::testing::Region;
using gov::testing::Year;

constexpr char kAdmin[] = "tok-admin";
constexpr char kOperator1[] = "tok-operator-gs01";

constexpr char kIndicator[] = "monthly_remediation_routine";

constexpr dv1::ComplaintCategory kMuck = dv1::COMPLAINT_CATEGORY_MUCK_TRUCK;
constexpr dv1::ComplaintCategory kFumes = dv1::COMPLAINT_CATEGORY_COOKING_FUMES;
constexpr dv1::ComplaintCategory kNoise = dv1::COMPLAINT_CATEGORY_NOISE;
constexpr dv1::ComplaintCategory kStalls = dv1::COMPLAINT_CATEGORY_MOBILE_STALL;

gv1::Period Quarter(int year, int quarter) {
  gv1::Period p;
  p.set_year(year);
  p.set_quarter(quarter);
  return p;
}

std::string MonthText(int year, int month) { return absl::StrFormat("%04d-%02d", year, month); }

// The shipped rules with `routine` as the routine categories (empty: the field left out).
std::string RulesWith(const std::vector<dv1::ComplaintCategory>& routine) {
  governance::config::v1::DisorderRules rules;
  const absl::StatusOr<std::string> shipped =
      ReadFile(gov::testing::SourcePath("data/disorder.json"), "disorder rules");
  EXPECT_TRUE(shipped.ok()) << shipped.status();
  EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(shipped.value_or(""), &rules).ok());
  rules.clear_monthly_remediation_categories();
  for (const dv1::ComplaintCategory c : routine) rules.add_monthly_remediation_categories(c);
  std::string json;
  EXPECT_TRUE(google::protobuf::util::MessageToJsonString(rules, &json).ok());
  return json;
}

class DisorderRoutineTest : public ::testing::Test {
 protected:
  DisorderRoutineTest() : clock_(Local(2026, 6, 15, 10, 0)) {}

  void SetUp() override {
    const std::string path = h_.dir().File("disorder-rules.json");
    gov::testing::WriteFile(path, RulesWith({kNoise, kMuck, kFumes}));
    h_.config().rules_file = path;
    absl::Status started = h_.Start(track::Factory<DisorderTrack>("disorder"));
    ASSERT_TRUE(started.ok()) << started;
    stub_ = DisorderService::NewStub(h_.channel());
  }

  static std::vector<gov::testing::TestToken> Tokens() {
    return {
        {kAdmin, "admin", auth::kDistrictAdmin, {}},
        {kOperator1, "operator-gs01", auth::kStreetOperator, {"GS01"}},
    };
  }

  DisorderTrack& track() { return static_cast<DisorderTrack&>(h_.track()); }

  dv1::Campaign Plan(const std::string& month, dv1::ComplaintCategory category,
                     const std::vector<gv1::RegionRef>& areas) {
    dv1::PlanCampaignRequest request;
    request.set_request_id(absl::StrCat("plan-", ++requests_));
    dv1::Campaign* c = request.mutable_campaign();
    c->set_month(month);
    c->set_category(category);
    c->set_title(absl::StrCat(month, " 专项整治"));
    for (const gv1::RegionRef& area : areas) *c->add_target_areas() = area;
    dv1::PlanCampaignResponse response;
    const Outcome o = h_.Rpc(kAdmin, [&](grpc::ClientContext* ctx) {
      return stub_->PlanCampaign(ctx, request, &response);
    });
    EXPECT_TRUE(o.status.ok()) << Describe(o);
    return response.campaign();
  }

  Outcome TryStart(const std::string& id, const std::string& etag, const absl::Time* at,
                   dv1::Campaign* out = nullptr, const std::string& token = kAdmin) {
    dv1::StartCampaignRequest request;
    request.set_id(id);
    request.set_etag(etag);
    if (at != nullptr) *request.mutable_start_time() = ToTimestamp(*at);
    dv1::StartCampaignResponse response;
    Outcome o = h_.Rpc(
        token, [&](grpc::ClientContext* c) { return stub_->StartCampaign(c, request, &response); });
    if (out != nullptr) *out = response.campaign();
    return o;
  }

  // Planned, started at `started` (after the fact) and, unless `complete` is false, completed.
  dv1::Campaign Run(const std::string& month, dv1::ComplaintCategory category,
                    const std::vector<gv1::RegionRef>& areas, absl::Time started,
                    bool complete = true) {
    const dv1::Campaign planned = Plan(month, category, areas);
    dv1::Campaign c;
    const Outcome o = TryStart(planned.id(), planned.etag(), &started, &c);
    EXPECT_TRUE(o.status.ok()) << month << " " << Describe(o);
    if (!complete) return c;
    dv1::CompleteCampaignRequest request;
    request.set_id(c.id());
    request.set_etag(c.etag());
    dv1::CampaignResults* r = request.mutable_results();
    r->set_inspections(10);
    r->set_summary("检查发现问题均已整改");
    dv1::CompleteCampaignResponse response;
    const Outcome done = h_.Rpc(kAdmin, [&](grpc::ClientContext* ctx) {
      return stub_->CompleteCampaign(ctx, request, &response);
    });
    EXPECT_TRUE(done.status.ok()) << Describe(done);
    return response.campaign();
  }

  void Cancel(const dv1::Campaign& c) {
    dv1::CancelCampaignRequest request;
    request.set_id(c.id());
    request.set_etag(c.etag());
    request.set_reason("防汛，整治暂停");
    dv1::CancelCampaignResponse response;
    const Outcome o = h_.Rpc(kAdmin, [&](grpc::ClientContext* ctx) {
      return stub_->CancelCampaign(ctx, request, &response);
    });
    EXPECT_TRUE(o.status.ok()) << Describe(o);
  }

  // The indicator for `period` and `region`: its value, "-" without data.
  std::string Actual(const gv1::Period& period, const gv1::RegionRef& region = {}) {
    const std::map<std::string, gv1::Indicator> all = h_.Indicators(kAdmin, period, region);
    auto it = all.find(kIndicator);
    if (it == all.end()) return "missing";
    return it->second.has_data() ? absl::StrCat(it->second.actual()) : "-";
  }
  gv1::Indicator Indicator(const gv1::Period& period, const gv1::RegionRef& region = {}) {
    return h_.Indicators(kAdmin, period, region)[kIndicator];
  }

  FakeClock clock_;
  gov::testing::TrackHarness h_{"disorder", &clock_, Tokens()};
  std::unique_ptr<DisorderService::Stub> stub_;
  int requests_ = 0;
};

// ---- The start time ----

TEST_F(DisorderRoutineTest, StartRecordsWhenTheCampaignStarted) {
  // Now, unless a start recorded after the fact says when.
  const dv1::Campaign now_planned = Plan("2026-06", kNoise, {Region("GS01")});
  dv1::Campaign started;
  ASSERT_TRUE(TryStart(now_planned.id(), now_planned.etag(), nullptr, &started).status.ok());
  EXPECT_EQ(FromTimestamp(started.start_time()), clock_.Now());

  const dv1::Campaign june = Plan("2026-06", kMuck, {Region("GS01")});
  // Not before the month's first day in district time (31 May 23:59 is 15:59 UTC on 31 May),
  // not in the future; nothing written.
  const std::string snapshot = h_.StoreSnapshot();
  const absl::Time before_month = Local(2026, 5, 31, 23, 59);
  ExpectInvalid(TryStart(june.id(), june.etag(), &before_month), "start_time");
  const absl::Time ahead = clock_.Now() + absl::Minutes(10);
  ExpectInvalid(TryStart(june.id(), june.etag(), &ahead), "start_time");
  const absl::Time ancient =
      absl::FromCivil(absl::CivilSecond(1999, 1, 1, 0, 0, 0), absl::UTCTimeZone());
  ExpectInvalid(TryStart(june.id(), june.etag(), &ancient), "start_time");
  EXPECT_EQ(h_.StoreSnapshot(), snapshot);
  // The month's first minute, district time (16:00 UTC the day before), is in it.
  const absl::Time first_minute = Local(2026, 6, 1, 0, 0);
  ASSERT_TRUE(TryStart(june.id(), june.etag(), &first_minute, &started, kOperator1).status.ok());
  EXPECT_EQ(FromTimestamp(started.start_time()), first_minute);
  EXPECT_EQ(started.status(), dv1::CAMPAIGN_STATUS_UNDER_WAY);
  // The history has the real time of the step.
  dv1::GetCampaignRequest get;
  get.set_id(june.id());
  dv1::GetCampaignResponse read;
  ASSERT_TRUE(h_.Rpc(kAdmin, [&](grpc::ClientContext* c) {
                  return stub_->GetCampaign(c, get, &read);
                }).status.ok());
  EXPECT_EQ(FromTimestamp(read.campaign().start_time()), first_minute);
  ASSERT_EQ(read.campaign().history_size(), 2);
  EXPECT_EQ(FromTimestamp(read.campaign().history(1).time()), clock_.Now());

  // A start after the month is over is a start (late).
  const dv1::Campaign april = Plan("2026-04", kFumes, {Region("GS01")});
  const absl::Time in_may = Local(2026, 5, 3, 9);
  ASSERT_TRUE(TryStart(april.id(), april.etag(), &in_may, &started).status.ok());
  EXPECT_EQ(FromTimestamp(started.start_time()), in_may);
}

// ---- The indicator ----

// The routine categories are muck trucks, cooking fumes and noise (mobile stalls are not):
//
// | month   | muck trucks (GS01)   | cooking fumes (GS01-C01) | noise (GS02)               |
// |---------|----------------------|--------------------------|----------------------------|
// | 2026-01 | 5 Jan                | 6 Jan                    | 7 Jan                      |
// | 2026-02 | 2 Feb                | 3 Feb                    | 4 Feb                      |
// | 2026-03 | 2 Mar                | 3 Mar                    | cancelled; another planned |
// | 2026-04 | 1 Apr                | 2 Apr                    | 3 Apr                      |
// | 2026-05 | 31 May 23:30         | 1 Jun 00:10 (late)       | 4 May, under way           |
// | 2026-06 | 1 Jun                | 2 Jun                    | 3 Jun (GS02 and GS03)      |
//
// and mobile stalls every month.
TEST_F(DisorderRoutineTest, IndicatorCountsTheCategoriesWithACampaignInEveryMonth) {
  // Before any campaign: June is not over, so not judged yet.
  EXPECT_EQ(Actual(Month(2026, 6)), "-");

  const std::vector<gv1::RegionRef> gs01 = {Region("GS01")};
  const std::vector<gv1::RegionRef> c01 = {Region("GS01", "GS01-C01")};
  const std::vector<gv1::RegionRef> gs02 = {Region("GS02")};
  const int days[][3] = {{5, 6, 7}, {2, 3, 4}, {2, 3, 0}, {1, 2, 3}, {0, 0, 4}, {1, 2, 3}};
  for (int m = 1; m <= 6; ++m) {
    const std::string month = MonthText(2026, m);
    const int* d = days[m - 1];
    Run(month, kStalls, gs01, Local(2026, m, 1, 8));
    if (m == 5) {
      // Muck trucks: the last evening of May, district time. Cooking fumes: ten minutes into
      // June, district time (still 31 May in UTC): after its month was over.
      Run(month, kMuck, gs01, Local(2026, 5, 31, 23, 30));
      Run(month, kFumes, c01, Local(2026, 6, 1, 0, 10));
      Run(month, kNoise, gs02, Local(2026, 5, 4, 9), /*complete=*/false);
      continue;
    }
    Run(month, kMuck, gs01, Local(2026, m, d[0], 9));
    Run(month, kFumes, c01, Local(2026, m, d[1], 9));
    if (m == 3) {
      // Started, then cancelled: not held. Another one only planned.
      Cancel(Run(month, kNoise, gs02, Local(2026, 3, 5, 9), /*complete=*/false));
      Plan(month, kNoise, gs02);
    } else if (m == 6) {
      Run(month, kNoise, {Region("GS02"), Region("GS03")}, Local(2026, 6, d[2], 9), false);
    } else {
      Run(month, kNoise, gs02, Local(2026, m, d[2], 9));
    }
  }

  // The year so far (January to June): muck trucks only.
  EXPECT_EQ(Actual(Year(2026)), "3333");
  // Each month: June all three; May without cooking fumes; March without noise.
  EXPECT_EQ(Actual(Month(2026, 6)), "10000");
  EXPECT_EQ(Actual(Month(2026, 5)), "6667");
  EXPECT_EQ(Actual(Month(2026, 4)), "10000");
  EXPECT_EQ(Actual(Month(2026, 3)), "6667");
  EXPECT_EQ(Actual(Quarter(2026, 1)), "6667");
  EXPECT_EQ(Actual(Quarter(2026, 2)), "6667");
  // A period over without any campaign, and one not begun.
  EXPECT_EQ(Actual(Year(2025)), "0");
  EXPECT_EQ(Actual(Month(2026, 7)), "-");

  // The plan's target for the district.
  const gv1::Indicator june = Indicator(Month(2026, 6));
  EXPECT_EQ(june.target(), 10000);
  EXPECT_EQ(june.target_source(), gv1::TARGET_SOURCE_PLAN);
  EXPECT_EQ(june.plan_clause(), "实现每月整治规范化常态化");
  EXPECT_EQ(june.colour(), gv1::COLOUR_GREEN);
  EXPECT_EQ(Indicator(Year(2026)).colour(), gv1::COLOUR_RED);

  // A street or a community shows the campaigns reaching it, ungraded: GS01 has muck trucks
  // (the street) and cooking fumes (its community GS01-C01); GS02 and GS03 noise. June, not
  // over, is judged nowhere all three have not reached; May, over, everywhere.
  EXPECT_EQ(Actual(Month(2026, 6), Region("GS01")), "-");
  EXPECT_EQ(Actual(Month(2026, 6), Region("GS04")), "-");
  EXPECT_EQ(Actual(Month(2026, 5), Region("GS01")), "3333");  // muck trucks; fumes were late
  EXPECT_EQ(Actual(Month(2026, 5), Region("GS02")), "3333");  // noise
  EXPECT_EQ(Actual(Month(2026, 5), Region("GS03")), "0");
  EXPECT_EQ(Actual(Month(2026, 4), Region("GS01", "GS01-C01")), "6667");
  EXPECT_EQ(Actual(Month(2026, 4), Region("GS01", "GS01-C02")), "3333");
  EXPECT_EQ(Actual(Year(2026), Region("GS01")), "3333");
  const gv1::Indicator street = Indicator(Month(2026, 5), Region("GS01"));
  EXPECT_EQ(street.target_kind(), gv1::TARGET_KIND_UNSPECIFIED);
  EXPECT_EQ(street.colour(), gv1::COLOUR_UNSPECIFIED);

  // The last minute of June, district time: the year so far is still January to June.
  clock_.Set(Local(2026, 6, 30, 23, 59));
  EXPECT_EQ(Actual(Year(2026)), "3333");
  // The first minute of July, district time (still 30 June in UTC): June is over and judged,
  // July not yet (no category has its campaign in it).
  clock_.Set(Local(2026, 7, 1, 0, 0));
  EXPECT_EQ(Actual(Year(2026)), "3333");
  EXPECT_EQ(Actual(Month(2026, 7)), "-");
  // July is judged once every routine category's campaign is running (planned is not).
  const dv1::Campaign july = Plan("2026-07", kMuck, gs01);
  dv1::Campaign started;
  ASSERT_TRUE(TryStart(july.id(), july.etag(), nullptr, &started).status.ok());
  EXPECT_EQ(Actual(Month(2026, 7)), "-");
  Run("2026-07", kFumes, c01, Local(2026, 7, 1, 0, 0));
  Run("2026-07", kNoise, gs02, Local(2026, 7, 1, 0, 0), /*complete=*/false);
  EXPECT_EQ(Actual(Month(2026, 7)), "10000");
  EXPECT_EQ(Actual(Year(2026)), "3333");  // muck trucks still the only one every month
}

// The shipped rules name every category, so the share is over ten.
class DisorderRoutineShippedTest : public DisorderRoutineTest {
 protected:
  void SetUp() override {
    absl::Status started = h_.Start(track::Factory<DisorderTrack>("disorder"));
    ASSERT_TRUE(started.ok()) << started;
    stub_ = DisorderService::NewStub(h_.channel());
  }
};

TEST_F(DisorderRoutineShippedTest, EveryCategoryIsRoutineAndTheDemoHasSomeEveryMonth) {
  Run("2026-06", kStalls, {Region("GS01")}, Local(2026, 6, 2, 9));
  EXPECT_EQ(Actual(Month(2026, 6)), "-");  // in progress, not every category has its campaign
  EXPECT_EQ(Actual(Year(2026)), "0");      // January to May, none

  // The demo: the month's pair and the demo's three routine categories every month.
  const absl::Status loaded = LoadCampaignDemo(track().campaigns(), track().deps());
  ASSERT_TRUE(loaded.ok()) << loaded;
  // June 2026, in progress: the pair (mobile stalls, street appearance) and cooking fumes and
  // noise, not all ten; May, over: its pair and the three every month.
  EXPECT_EQ(Actual(Month(2026, 6)), "-");
  EXPECT_EQ(Actual(Month(2026, 5)), "5000");
  // January to June: cooking fumes, mobile stalls and noise in every month.
  EXPECT_EQ(Actual(Year(2026)), "3000");
}

}  // namespace
}  // namespace gov::disorder
