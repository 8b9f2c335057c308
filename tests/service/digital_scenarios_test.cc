// The digital track's application scenarios end to end over gRPC on the real track (SQLite, or
// PostgreSQL as digital_scenarios_test_postgres) with a real redis-server and a fake clock:
// scenarios created once by district_admin and read by every caller; their trial started and
// completed, their roll-out street by street and their retirement, each under its etag and on a
// day within its bounds; the list's filters and pages; every indicator against hand counts; the
// demo.

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/auth/auth.h"
#include "common/cases/calendar.h"
#include "common/clock/clock.h"
#include "common/server/track_main.h"
#include "common/track/track_base.h"
#include "common/util/proto.h"
#include "gmock/gmock.h"
#include "governance/digital/v1/digital.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "services/digital/demo_data.h"
#include "services/digital/model.h"
#include "services/digital/track.h"
#include "tests/support/track_harness.h"

namespace gov::digital {
namespace {

namespace gv1 = ::governance::v1;
using gov::testing::Describe;
using gov::testing::ExpectInvalid;
using gov::testing::ExpectPagesLikeEveryList;
using gov::testing::ExpectRefusals;
using gov::testing::ExpectRefused;
using gov::testing::Local;
using gov::testing::Month;
using gov::testing::Outcome;
using gov::testing::PageCall;
using gov::testing::Refusal;
using gov::testing::Region;
using gov::testing::Year;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr char kAdmin[] = "tok-admin";
constexpr char kSystem[] = "tok-system";
constexpr char kOperator1[] = "tok-operator-gs01";
constexpr char kOperator5[] = "tok-operator-gs05";
constexpr char kViewer[] = "tok-viewer";

constexpr dv1::Placement kIn = dv1::PLACEMENT_IN_WALL;
constexpr dv1::Placement kOut = dv1::PLACEMENT_OUT_WALL;

std::vector<gov::testing::TestToken> Tokens() {
  return {
      {kAdmin, "admin", auth::kDistrictAdmin, {}},
      {kSystem, "city-eye", auth::kSystem, {}},
      {kOperator1, "operator-gs01", auth::kStreetOperator, {"GS01"}},
      {kOperator5, "operator-gs05", auth::kStreetOperator, {"GS05"}},
      {kViewer, "viewer", auth::kViewer, {}},
  };
}

std::string Repeat(const std::string& s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

std::vector<std::string> RolloutStreets(const dv1::Scenario& s) {
  std::vector<std::string> out;
  for (const dv1::Rollout& r : s.rollouts()) out.push_back(r.street_id());
  return out;
}

class DigitalScenariosTest : public ::testing::Test {
 protected:
  DigitalScenariosTest() : clock_(Local(2026, 4, 1, 9, 0)) {}

  void SetUp() override {
    const absl::Status started = h_.Start(track::Factory<DigitalTrack>(kTrack));
    ASSERT_TRUE(started.ok()) << started;
    stub_ = dv1::DigitalService::NewStub(h_.channel());
  }

  template <typename Fn>
  Outcome Rpc(const std::string& token, Fn&& fn) {
    return h_.Rpc(token, std::forward<Fn>(fn));
  }

  std::string Rid() { return absl::StrCat("rid-", ++counter_); }

  // ---- Calls ----

  dv1::CreateScenarioRequest NewScenario(const std::string& name = "高空抛物智能识别",
                                         dv1::Placement placement = kIn,
                                         const std::string& launch_day = "2026-03-10",
                                         const std::string& origin = "",
                                         const std::string& pilot = "") {
    dv1::CreateScenarioRequest request;
    request.set_request_id(Rid());
    dv1::Scenario* s = request.mutable_scenario();
    s->set_name(name);
    s->set_placement(placement);
    s->set_description("楼宇外立面摄像头识别高空抛物轨迹，推送物业与社区处置");
    s->set_owner_unit("湖畔街道");
    s->set_origin_street_id(origin);
    s->set_pilot_community_id(pilot);
    s->set_launch_day(launch_day);
    return request;
  }

  Outcome TryCreate(const std::string& token, const dv1::CreateScenarioRequest& request,
                    dv1::Scenario* out = nullptr) {
    dv1::CreateScenarioResponse response;
    Outcome o = Rpc(token, [&](grpc::ClientContext* c) {
      return stub_->CreateScenario(c, request, &response);
    });
    if (out != nullptr) *out = response.scenario();
    return o;
  }

  dv1::Scenario Create(const dv1::CreateScenarioRequest& request) {
    dv1::Scenario out;
    const Outcome o = TryCreate(kAdmin, request, &out);
    EXPECT_TRUE(o.status.ok()) << Describe(o);
    return out;
  }

  Outcome TryGet(const std::string& token, const std::string& id, dv1::Scenario* out = nullptr) {
    dv1::GetScenarioRequest request;
    request.set_id(id);
    dv1::GetScenarioResponse response;
    Outcome o = Rpc(
        token, [&](grpc::ClientContext* c) { return stub_->GetScenario(c, request, &response); });
    if (out != nullptr) *out = response.scenario();
    return o;
  }

  dv1::Scenario Get(const std::string& id, const std::string& token = kAdmin) {
    dv1::Scenario out;
    const Outcome o = TryGet(token, id, &out);
    EXPECT_TRUE(o.status.ok()) << Describe(o);
    return out;
  }

  Outcome TryList(const std::string& token, const dv1::ListScenariosRequest& request,
                  dv1::ListScenariosResponse* out = nullptr) {
    dv1::ListScenariosResponse response;
    Outcome o = Rpc(
        token, [&](grpc::ClientContext* c) { return stub_->ListScenarios(c, request, &response); });
    if (out != nullptr) *out = response;
    return o;
  }

  std::vector<std::string> Ids(const dv1::ListScenariosRequest& request,
                               const std::string& token = kAdmin) {
    dv1::ListScenariosResponse response;
    const Outcome o = TryList(token, request, &response);
    EXPECT_TRUE(o.status.ok()) << Describe(o);
    EXPECT_EQ(response.next_page_token(), "");
    std::vector<std::string> ids;
    for (const dv1::Scenario& s : response.scenarios()) ids.push_back(s.id());
    return ids;
  }

  dv1::StartScenarioTrialRequest StartRequest(const dv1::Scenario& s, const std::string& day) {
    dv1::StartScenarioTrialRequest request;
    request.set_id(s.id());
    request.set_etag(s.etag());
    request.set_day(day);
    return request;
  }

  Outcome TryStart(const std::string& token, const dv1::StartScenarioTrialRequest& request,
                   dv1::Scenario* out = nullptr) {
    dv1::StartScenarioTrialResponse response;
    Outcome o = Rpc(token, [&](grpc::ClientContext* c) {
      return stub_->StartScenarioTrial(c, request, &response);
    });
    if (out != nullptr) *out = response.scenario();
    return o;
  }

  dv1::Scenario Start(const dv1::Scenario& s, const std::string& day) {
    dv1::Scenario out;
    const Outcome o = TryStart(kAdmin, StartRequest(s, day), &out);
    EXPECT_TRUE(o.status.ok()) << Describe(o);
    return out;
  }

  dv1::CompleteScenarioTrialRequest CompleteRequest(const dv1::Scenario& s,
                                                    const std::string& day) {
    dv1::CompleteScenarioTrialRequest request;
    request.set_id(s.id());
    request.set_etag(s.etag());
    request.set_day(day);
    return request;
  }

  Outcome TryComplete(const std::string& token, const dv1::CompleteScenarioTrialRequest& request,
                      dv1::Scenario* out = nullptr) {
    dv1::CompleteScenarioTrialResponse response;
    Outcome o = Rpc(token, [&](grpc::ClientContext* c) {
      return stub_->CompleteScenarioTrial(c, request, &response);
    });
    if (out != nullptr) *out = response.scenario();
    return o;
  }

  dv1::Scenario Complete(const dv1::Scenario& s, const std::string& day) {
    dv1::Scenario out;
    const Outcome o = TryComplete(kAdmin, CompleteRequest(s, day), &out);
    EXPECT_TRUE(o.status.ok()) << Describe(o);
    return out;
  }

  dv1::RollOutScenarioRequest RollOutRequest(const dv1::Scenario& s, const std::string& street,
                                             const std::string& day) {
    dv1::RollOutScenarioRequest request;
    request.set_id(s.id());
    request.set_etag(s.etag());
    request.set_street_id(street);
    request.set_day(day);
    return request;
  }

  Outcome TryRollOut(const std::string& token, const dv1::RollOutScenarioRequest& request,
                     dv1::Scenario* out = nullptr) {
    dv1::RollOutScenarioResponse response;
    Outcome o = Rpc(token, [&](grpc::ClientContext* c) {
      return stub_->RollOutScenario(c, request, &response);
    });
    if (out != nullptr) *out = response.scenario();
    return o;
  }

  dv1::Scenario RollOut(const dv1::Scenario& s, const std::string& street, const std::string& day) {
    dv1::Scenario out;
    const Outcome o = TryRollOut(kAdmin, RollOutRequest(s, street, day), &out);
    EXPECT_TRUE(o.status.ok()) << Describe(o);
    return out;
  }

  dv1::RetireScenarioRequest RetireRequest(const dv1::Scenario& s) {
    dv1::RetireScenarioRequest request;
    request.set_id(s.id());
    request.set_etag(s.etag());
    request.set_reason("由城市眼自动识别替代");
    return request;
  }

  Outcome TryRetire(const std::string& token, const dv1::RetireScenarioRequest& request,
                    dv1::Scenario* out = nullptr) {
    dv1::RetireScenarioResponse response;
    Outcome o = Rpc(token, [&](grpc::ClientContext* c) {
      return stub_->RetireScenario(c, request, &response);
    });
    if (out != nullptr) *out = response.scenario();
    return o;
  }

  dv1::Scenario Retire(const dv1::Scenario& s) {
    dv1::Scenario out;
    const Outcome o = TryRetire(kAdmin, RetireRequest(s), &out);
    EXPECT_TRUE(o.status.ok()) << Describe(o);
    return out;
  }

  // A scenario launched, its trial started and completed on the days given ("" = not moved so
  // far), rolled out to `rollouts` (street, day).
  dv1::Scenario Scenario(dv1::Placement placement, const std::string& origin,
                         const std::string& pilot, const std::string& launch,
                         const std::string& trial = "", const std::string& operating = "",
                         const std::vector<std::pair<std::string, std::string>>& rollouts = {}) {
    dv1::Scenario s =
        Create(NewScenario(absl::StrCat("场景", counter_), placement, launch, origin, pilot));
    if (!trial.empty()) s = Start(s, trial);
    if (!operating.empty()) s = Complete(s, operating);
    for (const auto& [street, day] : rollouts) s = RollOut(s, street, day);
    return s;
  }

  // ---- Indicators ----

  gv1::Indicator Indicator(const std::string& id, const gv1::Period& period,
                           const gv1::RegionRef& region = {}) {
    return h_.Indicator(kAdmin, id, period, region);
  }

  int64_t Value(const std::string& id, const gv1::Period& period,
                const gv1::RegionRef& region = {}) {
    return h_.IndicatorValue(kAdmin, id, period, region);
  }

  server::TrackDeps DemoDeps() {
    server::TrackDeps deps;
    deps.repo = &h_.repo();
    deps.cache = &h_.cache();
    deps.regions = &h_.regions();
    deps.calendar = &h_.calendar();
    deps.clock = &clock_;
    return deps;
  }

  // Every scenario, page after page.
  std::vector<dv1::Scenario> All() {
    std::vector<dv1::Scenario> out;
    std::string token;
    do {
      dv1::ListScenariosRequest request;
      request.set_page_size(500);
      request.set_page_token(token);
      dv1::ListScenariosResponse response;
      const Outcome o = TryList(kAdmin, request, &response);
      EXPECT_TRUE(o.status.ok()) << Describe(o);
      if (!o.status.ok()) break;
      for (const dv1::Scenario& s : response.scenarios()) out.push_back(s);
      token = response.next_page_token();
    } while (!token.empty());
    return out;
  }

  FakeClock clock_;
  gov::testing::TrackHarness h_{kTrack, &clock_, Tokens()};
  std::unique_ptr<dv1::DigitalService::Stub> stub_;
  int counter_ = 0;
};

// ---- Creating and reading ----

TEST_F(DigitalScenariosTest, AScenarioIsCreatedOncePlannedByTheDistrictAdmin) {
  dv1::CreateScenarioRequest request =
      NewScenario("城市眼·云共治", kOut, "2026-03-10", "GS05", "GS03-C01");
  // What the moves set is not the caller's to set.
  dv1::Scenario* given = request.mutable_scenario();
  given->set_id("SC-000042");
  given->set_stage(dv1::SCENARIO_STAGE_OPERATING);
  given->set_trial_day("2026-03-11");
  given->set_operating_day("2026-03-12");
  dv1::Rollout* r = given->add_rollouts();
  r->set_street_id("GS01");
  r->set_day("2026-03-13");
  given->set_etag("v7");
  const dv1::Scenario s = Create(request);
  EXPECT_EQ(s.id(), "SC-000001");
  EXPECT_EQ(s.name(), "城市眼·云共治");
  EXPECT_EQ(s.placement(), kOut);
  EXPECT_EQ(s.description(), request.scenario().description());
  EXPECT_EQ(s.owner_unit(), "湖畔街道");
  EXPECT_EQ(s.origin_street_id(), "GS05");
  EXPECT_EQ(s.pilot_community_id(), "GS03-C01");
  EXPECT_EQ(s.launch_day(), "2026-03-10");
  EXPECT_EQ(s.stage(), dv1::SCENARIO_STAGE_PLANNED);
  EXPECT_EQ(s.trial_day(), "");
  EXPECT_EQ(s.operating_day(), "");
  EXPECT_THAT(s.rollouts(), IsEmpty());
  EXPECT_EQ(s.etag(), "v1");
  EXPECT_EQ(FromTimestamp(s.create_time()), clock_.Now());

  // A retry is the same scenario, nothing written; the request id with another is refused.
  const std::string before = h_.StoreSnapshot();
  EXPECT_EQ(Create(request).id(), s.id());
  EXPECT_EQ(h_.StoreSnapshot(), before);
  dv1::CreateScenarioRequest other = request;
  other.mutable_scenario()->set_name("另一个场景");
  ExpectRefused(TryCreate(kAdmin, other), grpc::StatusCode::ALREADY_EXISTS, "");
  // district_admin's alone, whatever the streets.
  for (const char* token : {kOperator1, kOperator5, kSystem, kViewer}) {
    SCOPED_TRACE(token);
    ExpectRefused(TryCreate(token, NewScenario()), grpc::StatusCode::PERMISSION_DENIED, "");
  }
  EXPECT_EQ(h_.StoreSnapshot(), before);

  // A district scenario (no origin street, no pilot), launched today; names in characters.
  const dv1::Scenario district = Create(NewScenario(Repeat("场", 200), kIn, "2026-04-01"));
  EXPECT_EQ(district.name(), Repeat("场", 200));
  EXPECT_EQ(district.origin_street_id(), "");
  EXPECT_EQ(district.pilot_community_id(), "");

  using Row = Refusal<dv1::CreateScenarioRequest>;
  ExpectRefusals<dv1::CreateScenarioRequest>(
      h_, NewScenario("智慧安防", kIn, "2026-03-10", "GS05", "GS03-C01"),
      {
          Row{"no request id", [](auto& q) { q.clear_request_id(); }, "request_id"},
          Row{"no name", [](auto& q) { q.mutable_scenario()->clear_name(); }, "scenario.name"},
          Row{"a name too long", [](auto& q) { q.mutable_scenario()->set_name(Repeat("场", 201)); },
              "scenario.name"},
          Row{"no placement", [](auto& q) { q.mutable_scenario()->clear_placement(); },
              "scenario.placement"},
          Row{"a placement that is none",
              [](auto& q) { q.mutable_scenario()->set_placement(static_cast<dv1::Placement>(9)); },
              "scenario.placement"},
          Row{"no description", [](auto& q) { q.mutable_scenario()->clear_description(); },
              "scenario.description"},
          Row{"a description too long",
              [](auto& q) { q.mutable_scenario()->set_description(std::string(2001, 'd')); },
              "scenario.description"},
          Row{"no owner unit", [](auto& q) { q.mutable_scenario()->clear_owner_unit(); },
              "scenario.owner_unit"},
          Row{"an owner unit too long",
              [](auto& q) { q.mutable_scenario()->set_owner_unit(std::string(101, 'u')); },
              "scenario.owner_unit"},
          Row{"an unknown origin street",
              [](auto& q) { q.mutable_scenario()->set_origin_street_id("GS99"); },
              "scenario.origin_street_id"},
          Row{"a community as origin street",
              [](auto& q) { q.mutable_scenario()->set_origin_street_id("GS05-C01"); },
              "scenario.origin_street_id"},
          Row{"an unknown pilot community",
              [](auto& q) { q.mutable_scenario()->set_pilot_community_id("GS03-C99"); },
              "scenario.pilot_community_id"},
          Row{"a street as pilot community",
              [](auto& q) { q.mutable_scenario()->set_pilot_community_id("GS03"); },
              "scenario.pilot_community_id"},
          Row{"no launch day", [](auto& q) { q.mutable_scenario()->clear_launch_day(); },
              "scenario.launch_day"},
          Row{"a launch day that is none",
              [](auto& q) { q.mutable_scenario()->set_launch_day("2026-02-30"); },
              "scenario.launch_day"},
          Row{"a launch day written otherwise",
              [](auto& q) { q.mutable_scenario()->set_launch_day("2026/03/10"); },
              "scenario.launch_day"},
          Row{"a launch tomorrow",
              [](auto& q) { q.mutable_scenario()->set_launch_day("2026-04-02"); },
              "scenario.launch_day"},
          Row{"a control character in the name",
              [](auto& q) { q.mutable_scenario()->set_name("场\x01景"); }, "scenario.name"},
      },
      [&](const dv1::CreateScenarioRequest& q) { return TryCreate(kAdmin, q); });
}

TEST_F(DigitalScenariosTest, EveryCallerReadsEveryScenario) {
  const dv1::Scenario s = Create(NewScenario("违停智能抓拍", kOut, "2026-03-01", "GS05"));
  for (const char* token : {kAdmin, kOperator1, kOperator5, kSystem, kViewer}) {
    SCOPED_TRACE(token);
    const dv1::Scenario read = Get(s.id(), token);
    EXPECT_EQ(read.name(), "违停智能抓拍");
    EXPECT_EQ(read.etag(), "v1");
    dv1::ListScenariosRequest all;
    EXPECT_THAT(Ids(all, token), ElementsAre(s.id()));
  }
  ExpectRefused(TryGet(kOperator1, "SC-000099"), grpc::StatusCode::NOT_FOUND, "");
  ExpectInvalid(TryGet(kAdmin, ""), "id");
  ExpectInvalid(TryGet(kAdmin, std::string(65, 'x')), "id");
}

// ---- Moves ----

TEST_F(DigitalScenariosTest, ATrialStartsOnADayFromTheLaunchToToday) {
  const dv1::Scenario s = Create(NewScenario("渣土车智能监管", kOut, "2026-03-10"));
  using Row = Refusal<dv1::StartScenarioTrialRequest>;
  ExpectRefusals<dv1::StartScenarioTrialRequest>(
      h_, StartRequest(s, "2026-03-20"),
      {
          Row{"no id", [](auto& q) { q.clear_id(); }, "id"},
          Row{"no etag", [](auto& q) { q.clear_etag(); }, "etag"},
          Row{"no day", [](auto& q) { q.clear_day(); }, "day"},
          Row{"a day that is none", [](auto& q) { q.set_day("2026-02-30"); }, "day"},
          Row{"a day written otherwise", [](auto& q) { q.set_day("20260320"); }, "day"},
          Row{"tomorrow", [](auto& q) { q.set_day("2026-04-02"); }, "day"},
          Row{"the day before the launch", [](auto& q) { q.set_day("2026-03-09"); }, "day"},
          Row{"a stale etag", [](auto& q) { q.set_etag("v9"); }, "", grpc::StatusCode::ABORTED},
          Row{"an unknown scenario", [](auto& q) { q.set_id("SC-000099"); }, "",
              grpc::StatusCode::NOT_FOUND},
      },
      [&](const dv1::StartScenarioTrialRequest& q) { return TryStart(kAdmin, q); });
  // district_admin's alone.
  const std::string before = h_.StoreSnapshot();
  for (const char* token : {kOperator1, kSystem, kViewer}) {
    SCOPED_TRACE(token);
    ExpectRefused(TryStart(token, StartRequest(s, "2026-03-20")),
                  grpc::StatusCode::PERMISSION_DENIED, "");
  }
  // A planned scenario is neither operating nor rolled out.
  ExpectRefused(TryComplete(kAdmin, CompleteRequest(s, "2026-03-20")),
                grpc::StatusCode::FAILED_PRECONDITION, "");
  ExpectRefused(TryRollOut(kAdmin, RollOutRequest(s, "GS01", "2026-03-20")),
                grpc::StatusCode::FAILED_PRECONDITION, "");
  EXPECT_EQ(h_.StoreSnapshot(), before);

  // The launch day is a day it may start on; once.
  const dv1::Scenario trial = Start(s, "2026-03-10");
  EXPECT_EQ(trial.stage(), dv1::SCENARIO_STAGE_TRIAL);
  EXPECT_EQ(trial.trial_day(), "2026-03-10");
  EXPECT_EQ(trial.operating_day(), "");
  EXPECT_EQ(trial.etag(), "v2");
  EXPECT_EQ(Get(s.id(), kViewer).stage(), dv1::SCENARIO_STAGE_TRIAL);
  ExpectRefused(TryStart(kAdmin, StartRequest(trial, "2026-03-20")),
                grpc::StatusCode::FAILED_PRECONDITION, "");
  ExpectRefused(TryStart(kAdmin, StartRequest(s, "2026-03-20")), grpc::StatusCode::ABORTED, "");

  // Today is a day it may start on.
  const dv1::Scenario other = Create(NewScenario("河道漂浮物识别", kOut, "2026-03-10"));
  EXPECT_EQ(Start(other, "2026-04-01").trial_day(), "2026-04-01");
}

TEST_F(DigitalScenariosTest, ATrialIsCompletedOnADayFromItsStartToToday) {
  const dv1::Scenario s =
      Start(Create(NewScenario("井盖位移监测", kOut, "2026-03-01")), "2026-03-10");
  using Row = Refusal<dv1::CompleteScenarioTrialRequest>;
  ExpectRefusals<dv1::CompleteScenarioTrialRequest>(
      h_, CompleteRequest(s, "2026-03-20"),
      {
          Row{"no id", [](auto& q) { q.clear_id(); }, "id"},
          Row{"no etag", [](auto& q) { q.clear_etag(); }, "etag"},
          Row{"no day", [](auto& q) { q.clear_day(); }, "day"},
          Row{"a day that is none", [](auto& q) { q.set_day("2026-13-01"); }, "day"},
          Row{"tomorrow", [](auto& q) { q.set_day("2026-04-02"); }, "day"},
          Row{"the day before the trial started", [](auto& q) { q.set_day("2026-03-09"); }, "day"},
          Row{"a stale etag", [](auto& q) { q.set_etag("v1"); }, "", grpc::StatusCode::ABORTED},
          Row{"an unknown scenario", [](auto& q) { q.set_id("SC-000099"); }, "",
              grpc::StatusCode::NOT_FOUND},
      },
      [&](const dv1::CompleteScenarioTrialRequest& q) { return TryComplete(kAdmin, q); });
  ExpectRefused(TryComplete(kOperator5, CompleteRequest(s, "2026-03-20")),
                grpc::StatusCode::PERMISSION_DENIED, "");
  // On trial, it is not rolled out.
  ExpectRefused(TryRollOut(kAdmin, RollOutRequest(s, "GS01", "2026-03-20")),
                grpc::StatusCode::FAILED_PRECONDITION, "");

  // The day the trial started is a day it may be completed on; once.
  const dv1::Scenario operating = Complete(s, "2026-03-10");
  EXPECT_EQ(operating.stage(), dv1::SCENARIO_STAGE_OPERATING);
  EXPECT_EQ(operating.trial_day(), "2026-03-10");
  EXPECT_EQ(operating.operating_day(), "2026-03-10");
  EXPECT_EQ(operating.etag(), "v3");
  ExpectRefused(TryComplete(kAdmin, CompleteRequest(operating, "2026-03-20")),
                grpc::StatusCode::FAILED_PRECONDITION, "");
  ExpectRefused(TryStart(kAdmin, StartRequest(operating, "2026-03-20")),
                grpc::StatusCode::FAILED_PRECONDITION, "");

  // Today is a day it may be completed on.
  const dv1::Scenario other =
      Start(Create(NewScenario("违停智能抓拍", kOut, "2026-03-01")), "2026-03-02");
  EXPECT_EQ(Complete(other, "2026-04-01").operating_day(), "2026-04-01");
}

TEST_F(DigitalScenariosTest, AnOperatingScenarioIsRolledOutToEachOtherStreetOnce) {
  const dv1::Scenario s = Scenario(kIn, "GS05", "", "2026-01-05", "2026-02-01", "2026-03-15");
  using Row = Refusal<dv1::RollOutScenarioRequest>;
  ExpectRefusals<dv1::RollOutScenarioRequest>(
      h_, RollOutRequest(s, "GS01", "2026-03-20"),
      {
          Row{"no id", [](auto& q) { q.clear_id(); }, "id"},
          Row{"no etag", [](auto& q) { q.clear_etag(); }, "etag"},
          Row{"no street", [](auto& q) { q.clear_street_id(); }, "street_id"},
          Row{"an unknown street", [](auto& q) { q.set_street_id("GS99"); }, "street_id"},
          Row{"a community", [](auto& q) { q.set_street_id("GS01-C01"); }, "street_id"},
          Row{"no day", [](auto& q) { q.clear_day(); }, "day"},
          Row{"a day that is none", [](auto& q) { q.set_day("2026-02-29"); }, "day"},
          Row{"tomorrow", [](auto& q) { q.set_day("2026-04-02"); }, "day"},
          Row{"the day before it went into operation", [](auto& q) { q.set_day("2026-03-14"); },
              "day"},
          Row{"the street it was developed in", [](auto& q) { q.set_street_id("GS05"); },
              "street_id", grpc::StatusCode::FAILED_PRECONDITION},
          Row{"a stale etag", [](auto& q) { q.set_etag("v2"); }, "", grpc::StatusCode::ABORTED},
          Row{"an unknown scenario", [](auto& q) { q.set_id("SC-000099"); }, "",
              grpc::StatusCode::NOT_FOUND},
      },
      [&](const dv1::RollOutScenarioRequest& q) { return TryRollOut(kAdmin, q); });
  ExpectRefused(TryRollOut(kOperator1, RollOutRequest(s, "GS01", "2026-03-20")),
                grpc::StatusCode::PERMISSION_DENIED, "");

  // The day it went into operation is a day it may be rolled out on; a street once.
  const dv1::Scenario first = RollOut(s, "GS01", "2026-03-15");
  EXPECT_EQ(first.stage(), dv1::SCENARIO_STAGE_OPERATING);
  ASSERT_EQ(first.rollouts_size(), 1);
  EXPECT_EQ(first.rollouts(0).street_id(), "GS01");
  EXPECT_EQ(first.rollouts(0).day(), "2026-03-15");
  EXPECT_EQ(first.etag(), "v4");
  const std::string before = h_.StoreSnapshot();
  const Outcome again = TryRollOut(kAdmin, RollOutRequest(first, "GS01", "2026-03-20"));
  ExpectRefused(again, grpc::StatusCode::FAILED_PRECONDITION, "street_id");
  EXPECT_THAT(again.status.error_message(), ::testing::HasSubstr("2026-03-15"));
  ExpectRefused(TryRollOut(kAdmin, RollOutRequest(s, "GS02", "2026-03-20")),
                grpc::StatusCode::ABORTED, "");
  EXPECT_EQ(h_.StoreSnapshot(), before);
  // Today is a day it may be rolled out on; the streets in the order rolled out.
  const dv1::Scenario second = RollOut(first, "GS02", "2026-04-01");
  EXPECT_THAT(RolloutStreets(second), ElementsAre("GS01", "GS02"));
  EXPECT_EQ(second.rollouts(1).day(), "2026-04-01");
  EXPECT_THAT(RolloutStreets(Get(s.id(), kOperator5)), ElementsAre("GS01", "GS02"));

  // A district scenario (no origin street) is rolled out to any street.
  const dv1::Scenario district = Scenario(kOut, "", "", "2026-01-05", "2026-02-01", "2026-03-15");
  EXPECT_THAT(RolloutStreets(RollOut(district, "GS05", "2026-03-16")), ElementsAre("GS05"));
}

TEST_F(DigitalScenariosTest, AScenarioIsRetiredFromAnyStageOnce) {
  const dv1::Scenario planned = Scenario(kIn, "", "", "2026-03-01");
  const dv1::Scenario trial = Scenario(kIn, "", "", "2026-03-01", "2026-03-02");
  const dv1::Scenario operating =
      Scenario(kIn, "GS05", "", "2026-03-01", "2026-03-02", "2026-03-03", {{"GS01", "2026-03-04"}});

  using Row = Refusal<dv1::RetireScenarioRequest>;
  ExpectRefusals<dv1::RetireScenarioRequest>(
      h_, RetireRequest(operating),
      {
          Row{"no id", [](auto& q) { q.clear_id(); }, "id"},
          Row{"no etag", [](auto& q) { q.clear_etag(); }, "etag"},
          Row{"no reason", [](auto& q) { q.clear_reason(); }, "reason"},
          Row{"a reason too long", [](auto& q) { q.set_reason(Repeat("因", 2001)); }, "reason"},
          Row{"a stale etag", [](auto& q) { q.set_etag("v1"); }, "", grpc::StatusCode::ABORTED},
          Row{"an unknown scenario", [](auto& q) { q.set_id("SC-000099"); }, "",
              grpc::StatusCode::NOT_FOUND},
      },
      [&](const dv1::RetireScenarioRequest& q) { return TryRetire(kAdmin, q); });
  ExpectRefused(TryRetire(kOperator5, RetireRequest(operating)),
                grpc::StatusCode::PERMISSION_DENIED, "");
  dv1::RetireScenarioRequest longest = RetireRequest(planned);
  longest.set_reason(Repeat("因", 2000));
  dv1::Scenario retired;
  ASSERT_TRUE(TryRetire(kAdmin, longest, &retired).status.ok());
  EXPECT_EQ(retired.stage(), dv1::SCENARIO_STAGE_RETIRED);
  EXPECT_EQ(retired.etag(), "v2");
  EXPECT_EQ(retired.retire_reason(), Repeat("因", 2000));
  EXPECT_EQ(retired.retire_day(), absl::FormatCivilTime(cal::LocalDay(clock_.Now())));
  EXPECT_EQ(Retire(trial).trial_day(), "2026-03-02");
  const dv1::Scenario gone = Retire(operating);
  EXPECT_EQ(gone.stage(), dv1::SCENARIO_STAGE_RETIRED);
  EXPECT_EQ(gone.operating_day(), "2026-03-03");
  EXPECT_THAT(RolloutStreets(gone), ElementsAre("GS01"));

  // Retired for good: no move but refused.
  const std::string before = h_.StoreSnapshot();
  ExpectRefused(TryRetire(kAdmin, RetireRequest(gone)), grpc::StatusCode::FAILED_PRECONDITION, "");
  ExpectRefused(TryStart(kAdmin, StartRequest(retired, "2026-03-20")),
                grpc::StatusCode::FAILED_PRECONDITION, "");
  ExpectRefused(TryComplete(kAdmin, CompleteRequest(gone, "2026-03-20")),
                grpc::StatusCode::FAILED_PRECONDITION, "");
  ExpectRefused(TryRollOut(kAdmin, RollOutRequest(gone, "GS02", "2026-03-20")),
                grpc::StatusCode::FAILED_PRECONDITION, "");
  EXPECT_EQ(h_.StoreSnapshot(), before);

  dv1::ListScenariosRequest of_stage;
  of_stage.set_stage(dv1::SCENARIO_STAGE_RETIRED);
  EXPECT_THAT(Ids(of_stage), ElementsAre(planned.id(), trial.id(), operating.id()));
}

// ---- Lists ----

TEST_F(DigitalScenariosTest, ScenariosAreListedByStagePlacementStreetAndPilot) {
  // a: GS05's in-wall, rolled out to GS01; b: GS01's out-wall, planned; c: a district in-wall one
  // rolled out to GS05 and GS02; d: the GS03-C01 pilot's, on trial; e: the GS01-C01 pilot's,
  // GS01's, retired.
  const dv1::Scenario a =
      Scenario(kIn, "GS05", "", "2026-01-05", "2026-01-06", "2026-01-07", {{"GS01", "2026-02-01"}});
  const dv1::Scenario b = Scenario(kOut, "GS01", "", "2026-01-05");
  const dv1::Scenario c = Scenario(kIn, "", "", "2026-01-05", "2026-01-06", "2026-01-07",
                                   {{"GS05", "2026-02-01"}, {"GS02", "2026-02-02"}});
  const dv1::Scenario d = Scenario(kOut, "GS03", "GS03-C01", "2026-01-05", "2026-01-06");
  const dv1::Scenario e = Retire(Scenario(kIn, "GS01", "GS01-C01", "2026-01-05"));

  dv1::ListScenariosRequest all;
  EXPECT_THAT(Ids(all, kOperator1), ElementsAre(a.id(), b.id(), c.id(), d.id(), e.id()));
  dv1::ListScenariosRequest q;
  q.set_stage(dv1::SCENARIO_STAGE_OPERATING);
  EXPECT_THAT(Ids(q), ElementsAre(a.id(), c.id()));
  q.set_stage(dv1::SCENARIO_STAGE_PLANNED);
  EXPECT_THAT(Ids(q), ElementsAre(b.id()));
  q.set_stage(dv1::SCENARIO_STAGE_TRIAL);
  EXPECT_THAT(Ids(q), ElementsAre(d.id()));
  q = dv1::ListScenariosRequest();
  q.set_placement(kIn);
  EXPECT_THAT(Ids(q), ElementsAre(a.id(), c.id(), e.id()));
  q.set_placement(kOut);
  EXPECT_THAT(Ids(q, kViewer), ElementsAre(b.id(), d.id()));
  // A street: those developed in it or rolled out to it.
  q = dv1::ListScenariosRequest();
  q.set_street_id("GS01");
  EXPECT_THAT(Ids(q, kOperator5), ElementsAre(a.id(), b.id(), e.id()));
  q.set_street_id("GS05");
  EXPECT_THAT(Ids(q), ElementsAre(a.id(), c.id()));
  q.set_street_id("GS02");
  EXPECT_THAT(Ids(q), ElementsAre(c.id()));
  q.set_street_id("GS04");
  EXPECT_THAT(Ids(q), IsEmpty());
  q.set_street_id("GS01");
  q.set_placement(kIn);
  q.set_stage(dv1::SCENARIO_STAGE_OPERATING);
  EXPECT_THAT(Ids(q), ElementsAre(a.id()));
  q = dv1::ListScenariosRequest();
  q.set_pilot_community_id("GS03-C01");
  EXPECT_THAT(Ids(q), ElementsAre(d.id()));
  q.set_pilot_community_id("GS01-C01");
  EXPECT_THAT(Ids(q), ElementsAre(e.id()));
  q.set_pilot_community_id("GS01-C02");
  EXPECT_THAT(Ids(q), IsEmpty());

  dv1::ListScenariosRequest bad;
  bad.set_stage(static_cast<dv1::ScenarioStage>(9));
  ExpectInvalid(TryList(kAdmin, bad), "stage");
  bad = dv1::ListScenariosRequest();
  bad.set_placement(static_cast<dv1::Placement>(9));
  ExpectInvalid(TryList(kAdmin, bad), "placement");
  bad = dv1::ListScenariosRequest();
  bad.set_street_id("GS99");
  ExpectInvalid(TryList(kAdmin, bad), "street_id");
  bad = dv1::ListScenariosRequest();
  bad.set_pilot_community_id("GS03-C99");
  ExpectInvalid(TryList(kAdmin, bad), "pilot_community_id");
  bad = dv1::ListScenariosRequest();
  bad.set_page_size(-1);
  ExpectInvalid(TryList(kAdmin, bad), "page_size");
}

TEST_F(DigitalScenariosTest, ScenarioPagesAreBoundToTheirFilters) {
  std::vector<std::string> all;
  std::vector<std::string> of_gs05;
  for (int i = 0; i < 8; ++i) {
    const bool gs05 = i % 2 == 0;
    all.push_back(Scenario(i % 3 == 0 ? kOut : kIn, gs05 ? "GS05" : "GS01", "", "2026-03-01").id());
    if (gs05) of_gs05.push_back(all.back());
  }
  const PageCall page = [&](int32_t size, const std::string& token, std::vector<std::string>* ids,
                            std::string* next) {
    dv1::ListScenariosRequest request;
    request.set_page_size(size);
    request.set_page_token(token);
    dv1::ListScenariosResponse response;
    const Outcome o = TryList(kOperator1, request, &response);
    for (const dv1::Scenario& s : response.scenarios()) ids->push_back(s.id());
    *next = response.next_page_token();
    return o;
  };
  EXPECT_EQ(ExpectPagesLikeEveryList(page, all.size()), all);

  // Pages of a filter read past the rows it leaves out; a page is as asked or the last.
  std::vector<std::string> paged;
  std::string token;
  int pages = 0;
  do {
    dv1::ListScenariosRequest request;
    request.set_street_id("GS05");
    request.set_page_size(3);
    request.set_page_token(token);
    dv1::ListScenariosResponse response;
    ASSERT_TRUE(TryList(kViewer, request, &response).status.ok());
    for (const dv1::Scenario& s : response.scenarios()) paged.push_back(s.id());
    token = response.next_page_token();
    ++pages;
  } while (!token.empty() && pages < 10);
  EXPECT_EQ(paged, of_gs05);
  EXPECT_EQ(pages, 2);

  // A token is bound to its filters, not to the caller (every caller lists the same).
  dv1::ListScenariosRequest first;
  first.set_street_id("GS05");
  first.set_page_size(1);
  dv1::ListScenariosResponse response;
  ASSERT_TRUE(TryList(kAdmin, first, &response).status.ok());
  ASSERT_FALSE(response.next_page_token().empty());
  dv1::ListScenariosRequest other = first;
  other.set_street_id("GS01");
  other.set_page_token(response.next_page_token());
  ExpectInvalid(TryList(kAdmin, other), "page_token");
  other = first;
  other.set_placement(kIn);
  other.set_page_token(response.next_page_token());
  ExpectInvalid(TryList(kAdmin, other), "page_token");
  first.set_page_token(response.next_page_token());
  dv1::ListScenariosResponse second;
  ASSERT_TRUE(TryList(kOperator1, first, &second).status.ok());
  ASSERT_EQ(second.scenarios_size(), 1);
  EXPECT_EQ(second.scenarios(0).id(), of_gs05[1]);
}

// ---- Indicators ----

TEST_F(DigitalScenariosTest, TheIndicatorsCountLaunchesRollOutsTrialsAndPilots) {
  // GS05's in-wall scenarios: A rolled out in February and March (counted once), B in February,
  // E last December.
  Scenario(kIn, "GS05", "", "2025-11-10", "2025-12-01", "2026-01-15",
           {{"GS01", "2026-02-01"}, {"GS02", "2026-03-05"}});
  Scenario(kIn, "GS05", "", "2026-01-05", "2026-01-20", "2026-02-10", {{"GS03", "2026-02-20"}});
  Scenario(kIn, "GS05", "", "2025-10-15", "2025-11-01", "2025-12-01", {{"GS06", "2025-12-15"}});
  // Rolled out, but not counted as in-wall roll-outs: an out-wall one, an in-wall one of no
  // street.
  Scenario(kOut, "GS05", "", "2026-02-01", "2026-02-02", "2026-03-01", {{"GS01", "2026-03-10"}});
  Scenario(kIn, "", "", "2025-12-01", "2025-12-02", "2025-12-20", {{"GS04", "2026-01-10"}});
  // The GS03-C01 pilot's: P1 (GS03's) operating from February, P2 (no street) from March, P3 on
  // trial; the GS01-C01 pilot's P4 operating from last November, retired since.
  Scenario(kOut, "GS03", "GS03-C01", "2026-01-10", "2026-01-11", "2026-02-15");
  Scenario(kIn, "", "GS03-C01", "2026-02-01", "2026-02-05", "2026-03-20");
  Scenario(kOut, "GS03", "GS03-C01", "2026-03-01", "2026-03-02");
  Retire(Scenario(kOut, "GS01", "GS01-C01", "2025-10-01", "2025-10-02", "2025-11-01"));
  // GS02's: F planned; R completed in January, retired since.
  Scenario(kOut, "GS02", "", "2026-03-15");
  Retire(Scenario(kOut, "GS02", "", "2025-12-05", "2025-12-10", "2026-01-25"));

  // Launched: B, P1 in January; C, P2 in February; P3, F in March; five last year.
  EXPECT_EQ(Value("new_scenarios", Year(2026)), 6);
  EXPECT_EQ(Value("new_scenarios", Month(2026, 1)), 2);
  EXPECT_EQ(Value("new_scenarios", Month(2026, 2)), 2);
  EXPECT_EQ(Value("new_scenarios", Month(2026, 3)), 2);
  EXPECT_EQ(Value("new_scenarios", Month(2026, 4)), 0);
  EXPECT_EQ(Value("new_scenarios", Year(2025)), 5);
  EXPECT_EQ(Value("new_scenarios", Year(2026), Region("GS05")), 2);
  EXPECT_EQ(Value("new_scenarios", Year(2026), Region("GS03")), 2);
  EXPECT_EQ(Value("new_scenarios", Year(2026), Region("GS02")), 1);
  EXPECT_EQ(Value("new_scenarios", Year(2026), Region("GS04")), 0);
  EXPECT_EQ(Value("new_scenarios", Year(2026), Region("GS03", "GS03-C01")), 3);
  const gv1::Indicator launched = Indicator("new_scenarios", Year(2026));
  EXPECT_EQ(launched.target(), 9);
  EXPECT_EQ(launched.target_kind(), gv1::TARGET_KIND_ABSOLUTE);

  // In-wall roll-outs of a street's scenarios: A and B this year, E last year.
  EXPECT_EQ(Value("in_wall_rolled_out", Year(2026)), 2);
  EXPECT_EQ(Value("in_wall_rolled_out", Month(2026, 1)), 0);
  EXPECT_EQ(Value("in_wall_rolled_out", Month(2026, 2)), 2);
  EXPECT_EQ(Value("in_wall_rolled_out", Month(2026, 3)), 1);
  EXPECT_EQ(Value("in_wall_rolled_out", Year(2025)), 1);
  EXPECT_EQ(Value("in_wall_rolled_out", Year(2026), Region("GS05")), 2);
  EXPECT_EQ(Value("in_wall_rolled_out", Year(2026), Region("GS01")), 0);
  EXPECT_EQ(Indicator("in_wall_rolled_out", Year(2026)).target(), 4);

  // Trials completed: A, R in January; B, P1 in February; C, P2 in March; three last year.
  EXPECT_EQ(Value("trials_completed", Year(2026)), 6);
  EXPECT_EQ(Value("trials_completed", Month(2026, 1)), 2);
  EXPECT_EQ(Value("trials_completed", Month(2026, 2)), 2);
  EXPECT_EQ(Value("trials_completed", Month(2026, 3)), 2);
  EXPECT_EQ(Value("trials_completed", Year(2025)), 3);
  EXPECT_EQ(Value("trials_completed", Year(2026), Region("GS05")), 3);
  EXPECT_EQ(Value("trials_completed", Year(2026), Region("GS02")), 1);
  EXPECT_EQ(Indicator("trials_completed", Year(2026)).target(), 5);

  // The pilots' scenarios operating at the period's end (P4 retired since counts nowhere).
  EXPECT_EQ(Value("pilot_scenarios_operating", Month(2026, 1)), 0);
  EXPECT_EQ(Value("pilot_scenarios_operating", Month(2026, 2)), 1);
  EXPECT_EQ(Value("pilot_scenarios_operating", Month(2026, 3)), 2);
  EXPECT_EQ(Value("pilot_scenarios_operating", Year(2026)), 2);
  EXPECT_EQ(Value("pilot_scenarios_operating", Year(2025)), 0);
  EXPECT_EQ(Value("pilot_scenarios_operating", Month(2026, 3), Region("GS03")), 2);
  EXPECT_EQ(Value("pilot_scenarios_operating", Month(2026, 3), Region("GS03", "GS03-C01")), 2);
  EXPECT_EQ(Value("pilot_scenarios_operating", Month(2026, 3), Region("GS01")), 0);
  EXPECT_EQ(Indicator("pilot_scenarios_operating", Year(2026)).target_kind(),
            gv1::TARGET_KIND_UNSPECIFIED);

  // A street operator sees its street's.
  EXPECT_EQ(h_.IndicatorValue(kOperator5, "in_wall_rolled_out", Year(2026)), 2);
  EXPECT_EQ(h_.IndicatorValue(kOperator5, "new_scenarios", Year(2026)), 2);
}

// ---- Demo data ----

TEST_F(DigitalScenariosTest, TheDemoHasScenariosAtEveryStageAndTheYearsIndicators) {
  const absl::Status loaded = LoadScenarioDemo(DemoDeps());
  ASSERT_TRUE(loaded.ok()) << loaded;
  // Once: with scenarios in the store, another load does nothing.
  const std::string before = h_.StoreSnapshot();
  ASSERT_TRUE(LoadScenarioDemo(DemoDeps()).ok());
  EXPECT_EQ(h_.StoreSnapshot(), before);

  const std::vector<dv1::Scenario> all = All();
  ASSERT_GE(all.size(), 15u);
  EXPECT_EQ(all.front().id(), "SC-000001");
  std::map<dv1::ScenarioStage, int> stages;
  std::map<std::string, int> in_wall_of_street_rolled_out;
  std::map<std::string, std::vector<const dv1::Scenario*>> pilots;
  for (const dv1::Scenario& s : all) {
    ++stages[s.stage()];
    EXPECT_GE(s.launch_day(), "2025-01-01") << s.id();
    EXPECT_LE(s.launch_day(), "2026-04-01") << s.id();
    if (!s.pilot_community_id().empty()) pilots[s.pilot_community_id()].push_back(&s);
    if (s.placement() != kIn || s.origin_street_id().empty()) continue;
    for (const dv1::Rollout& r : s.rollouts()) {
      EXPECT_NE(r.street_id(), s.origin_street_id());
      EXPECT_GE(r.day(), s.operating_day());
      if (r.day() >= "2026-01-01") {
        ++in_wall_of_street_rolled_out[s.origin_street_id()];
        break;
      }
    }
  }
  for (int stage = 1; stage <= dv1::ScenarioStage_MAX; ++stage) {
    EXPECT_GE(stages[static_cast<dv1::ScenarioStage>(stage)], 2) << stage;
  }
  EXPECT_GE(in_wall_of_street_rolled_out["GS05"], 4);
  // The future-community pilot: City Eye, leave first pay later, smart security, in one
  // community, operating.
  ASSERT_EQ(pilots.size(), 1u);
  std::set<std::string> names;
  for (const dv1::Scenario* s : pilots.begin()->second) {
    names.insert(s->name());
    EXPECT_EQ(s->stage(), dv1::SCENARIO_STAGE_OPERATING) << s->name();
  }
  EXPECT_THAT(names, ::testing::UnorderedElementsAre("城市眼·云共治", "先离场后付费", "智慧安防"));

  EXPECT_GT(Value("new_scenarios", Year(2026)), 9);
  EXPECT_GE(Value("in_wall_rolled_out", Year(2026)), 4);
  EXPECT_GE(Value("in_wall_rolled_out", Year(2026), Region("GS05")), 4);
  EXPECT_GE(Value("trials_completed", Year(2026)), 5);
  EXPECT_EQ(Value("pilot_scenarios_operating", Year(2026)), 3);
  for (const char* id : {"new_scenarios", "in_wall_rolled_out", "trials_completed"}) {
    SCOPED_TRACE(id);
    EXPECT_EQ(Indicator(id, Year(2026)).colour(), gv1::COLOUR_GREEN);
  }
  // Last year's figures are smaller.
  EXPECT_LT(Value("new_scenarios", Year(2025)), Value("new_scenarios", Year(2026)));
}

TEST_F(DigitalScenariosTest, TheDemoOnNewYearsDayHasTheYearsIndicatorsToo) {
  clock_.Set(Local(2027, 1, 1, 8, 0));
  const absl::Status loaded = LoadScenarioDemo(DemoDeps());
  ASSERT_TRUE(loaded.ok()) << loaded;
  EXPECT_GT(Value("new_scenarios", Year(2027)), 9);
  EXPECT_GE(Value("in_wall_rolled_out", Year(2027)), 4);
  EXPECT_GE(Value("trials_completed", Year(2027)), 5);
  EXPECT_EQ(Value("pilot_scenarios_operating", Year(2027)), 3);
  for (const dv1::Scenario& s : All()) {
    EXPECT_LE(s.launch_day(), "2027-01-01") << s.id();
    EXPECT_LE(FromTimestamp(s.update_time()), clock_.Now()) << s.id();
  }
}

}  // namespace
}  // namespace gov::digital
