// The whole suite as real processes: a real redis-server and the seven track binaries started
// with fork/exec on free ports, each with its own SQLite file, its rules file from data/, one
// token file, and the peers map and peer token of scripts/run.sh. It proves what only the
// tracks together can show: a City Eye event reported to the digital track becomes a complaint
// of the disorder track (made there with the event's id as its request_id); closing that
// complaint there closes the event here through the change stream and moves the disposal rate;
// a replayed report or dispatch makes no second complaint; every cockpit of data/digital.json
// reads every real track's indicators without an unknown id (and across periods); a track
// stopped leaves the cockpit served but incomplete, that track UNAVAILABLE and the others whole
// (govctl shows it too), and whole again once the track is back; one indicator compares across
// every street of the district.

#include <signal.h>

#include <chrono>
#include <cstddef>
#include <cstdio>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/auth/auth.h"
#include "common/config/config.h"
#include "common/util/proto.h"
#include "gmock/gmock.h"
#include "governance/digital/v1/digital.grpc.pb.h"
#include "governance/disorder/v1/disorder.grpc.pb.h"
#include "governance/v1/indicators.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "tests/support/health_client.h"
#include "tests/support/process.h"
#include "tests/support/redis_server.h"
#include "tests/support/suite_processes.h"
#include "tests/support/test_support.h"

namespace gov::testing {
namespace {

namespace dv1 = governance::digital::v1;
namespace ov1 = governance::disorder::v1;
namespace gv1 = governance::v1;
using ::testing::HasSubstr;

// The test's own token (district_admin), and the one the tracks present to each other (system,
// as peer-caller of scripts/run.sh).
constexpr char kAdminToken[] = "suite-test-admin-token-3f9a";
constexpr char kPeerToken[] = "suite-test-peer-token-81c4";
constexpr char kDigital[] = "digital";
constexpr char kDisorder[] = "disorder";
constexpr char kPolicing[] = "policing";
constexpr char kSubmitComplaint[] = "governance.disorder.v1.DisorderService.SubmitComplaint";
// Start-up on two loaded cores, seven processes at once.
constexpr absl::Duration kStartTimeout = absl::Seconds(90);
// Generous deadlines for what the services do in the background.
constexpr absl::Duration kFollowTimeout = absl::Seconds(15);
constexpr absl::Duration kSettleTimeout = absl::Seconds(30);
constexpr absl::Duration kRpcTimeout = absl::Seconds(20);
constexpr int kDrainSeconds = 2;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream content;
  content << in.rdbuf();
  return content.str();
}

// The last `lines` lines of a file.
std::string Tail(const std::string& path, size_t lines = 30) {
  const std::vector<std::string> all = absl::StrSplit(ReadFile(path), '\n', absl::SkipEmpty());
  const size_t from = all.size() > lines ? all.size() - lines : 0;
  return absl::StrJoin(all.begin() + static_cast<std::ptrdiff_t>(from), all.end(), "\n");
}

std::string Describe(const grpc::Status& status) {
  return absl::StrCat("code ", static_cast<int>(status.error_code()), ": ", status.error_message());
}

// A month as the district counts it (Asia/Shanghai), `back` months before the current one.
gv1::Period MonthsAgo(int back) {
  absl::TimeZone shanghai;
  EXPECT_TRUE(absl::LoadTimeZone("Asia/Shanghai", &shanghai));
  const absl::CivilMonth month = absl::CivilMonth(absl::ToCivilDay(absl::Now(), shanghai)) - back;
  gv1::Period period;
  period.set_year(static_cast<int32_t>(month.year()));
  period.set_month(month.month());
  return period;
}

std::string PeriodText(const gv1::Period& period) {
  return absl::StrFormat("%04d-%02d", period.year(), period.month());
}

// One cockpit's parts as "track=code" (with the message for a failed part), for messages.
std::string Parts(const dv1::Cockpit& cockpit) {
  std::vector<std::string> parts;
  for (const dv1::CockpitTrack& t : cockpit.tracks()) {
    parts.push_back(absl::StrCat(t.track(), "=", t.code(), t.code() == 0 ? "" : " (", t.message(),
                                 t.code() == 0 ? "" : ")", " indicators ", t.indicators_size(),
                                 " unknown [", absl::StrJoin(t.unknown_ids(), ","), "]"));
  }
  return absl::StrJoin(parts, "; ");
}

using Service = SuiteTrack;

class SuiteTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const absl::Time started = absl::Now();
    env_ = new Env();
    absl::Status redis = env_->redis.Start();
    ASSERT_TRUE(redis.ok()) << redis;

    // One token file for all: the test's admin, and the system token the tracks call each
    // other with (the one line of the peer token file).
    WriteFile(env_->dir.File("tokens.json"),
              absl::StrCat(R"({"tokens": [{"sha256": ")",
                           auth::TokenAuthenticator::HashToken(kAdminToken),
                           R"(", "principal": "suite-admin", "roles": ["district_admin"],)",
                           R"( "expires": "2099-01-01T00:00:00Z"}, {"sha256": ")",
                           auth::TokenAuthenticator::HashToken(kPeerToken),
                           R"(", "principal": "peer-caller", "roles": ["system"],)",
                           R"( "expires": "2099-01-01T00:00:00Z"}]})"));
    WriteFile(env_->dir.File("peer-token.txt"), absl::StrCat(kPeerToken, "\n"));

    SuiteProcesses::Options options;
    options.dir = env_->dir.path();
    options.redis = env_->redis.address();
    options.tokens_file = env_->dir.File("tokens.json");
    options.peer_token_file = env_->dir.File("peer-token.txt");
    // A dispatch's call to the owning track, generous on loaded cores (the cockpits keep their
    // own deadline, from the rules file).
    options.args = {"--peer_timeout_ms=10000", absl::StrCat("--drain_seconds=", kDrainSeconds)};
    options.start_timeout = kStartTimeout;
    env_->suite = std::make_unique<SuiteProcesses>(options);
    const absl::Status started_suite = env_->suite->Start();
    ASSERT_TRUE(started_suite.ok()) << started_suite;
    ASSERT_EQ(Tracks().size(), 7u)
        << "data/tracks.json lists " << Tracks().size() << " tracks; the suite has seven";
    env_->ready = true;
    std::cout << "[ suite    ] redis and the seven tracks SERVING after "
              << absl::FormatDuration(absl::Now() - started) << std::endl;
  }

  static void TearDownTestSuite() {
    delete env_;  // the processes are killed and reaped, the temp dir removed
    env_ = nullptr;
  }

  void SetUp() override {
    ASSERT_NE(env_, nullptr);
    ASSERT_TRUE(env_->ready) << "the suite did not start";
    digital_ = dv1::DigitalService::NewStub(Channel(kDigital));
    disorder_ = ov1::DisorderService::NewStub(Channel(kDisorder));
    digital_indicators_ = gv1::IndicatorsService::NewStub(Channel(kDigital));
  }

  void TearDown() override {
    if (!HasFailure() || env_ == nullptr) return;
    for (const auto& [track, service] : Tracks()) {
      std::cout << "--- last lines of " << track << "'s log (" << service.log << ") ---\n"
                << Tail(service.log) << "\n";
    }
  }

  static std::map<std::string, SuiteTrack>& Tracks() { return env_->suite->tracks(); }

  static std::shared_ptr<grpc::Channel> Channel(const std::string& track) {
    return Tracks().at(track).channel;
  }

  // One unary call as the test's admin.
  template <typename Stub, typename Request, typename Response>
  static grpc::Status Call(Stub* stub,
                           grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                                        Response*),
                           const Request& request, Response* response) {
    grpc::ClientContext context;
    context.AddMetadata("authorization", absl::StrCat("Bearer ", kAdminToken));
    context.set_deadline(absl::ToChronoTime(absl::Now() + kRpcTimeout));
    return (stub->*method)(&context, request, response);
  }

  // ---- The digital track ----

  // A grid patrol's mobile stall in `community` (its street taken from it), ten minutes ago:
  // routed to the disorder track by data/digital.json.
  static dv1::ReportEventRequest NewEvent(const std::string& request_id,
                                          const std::string& community) {
    dv1::ReportEventRequest request;
    request.set_request_id(request_id);
    dv1::Event* e = request.mutable_event();
    e->set_type(dv1::EVENT_TYPE_MOBILE_STALL);
    e->set_source(dv1::EVENT_SOURCE_GRID_PATROL);
    e->mutable_region()->set_street_id(community.substr(0, 4));
    e->mutable_region()->set_community_id(community);
    e->set_address("和睦路12号");
    e->set_description("流动摊贩占道经营（系统测试）");
    *e->mutable_detect_time() = ToTimestamp(absl::Now() - absl::Minutes(10));
    e->set_snapshot_ref("city-eye/suite-test/0001.jpg");
    return request;
  }

  dv1::ReportEventResponse Report(const dv1::ReportEventRequest& request) {
    dv1::ReportEventResponse response;
    const grpc::Status status =
        Call(digital_.get(), &dv1::DigitalService::Stub::ReportEvent, request, &response);
    EXPECT_TRUE(status.ok()) << "ReportEvent: " << Describe(status);
    return response;
  }

  dv1::Event GetEvent(const std::string& id) {
    dv1::GetEventRequest request;
    request.set_id(id);
    dv1::GetEventResponse response;
    const grpc::Status status =
        Call(digital_.get(), &dv1::DigitalService::Stub::GetEvent, request, &response);
    EXPECT_TRUE(status.ok()) << "GetEvent " << id << ": " << Describe(status);
    return response.event();
  }

  // The event once CLOSED (the follower reads the owning track's change stream), or as it is
  // when kFollowTimeout passed first.
  dv1::Event AwaitClosed(const std::string& id) {
    const absl::Time deadline = absl::Now() + kFollowTimeout;
    dv1::Event e = GetEvent(id);
    while (e.status() != dv1::EVENT_STATUS_CLOSED && absl::Now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      e = GetEvent(id);
    }
    return e;
  }

  // The digital track's indicator `id` for the current month (the district).
  gv1::Indicator DigitalIndicator(const std::string& id) {
    gv1::ListIndicatorsRequest request;
    request.add_indicator_ids(id);
    gv1::ListIndicatorsResponse response;
    const grpc::Status status =
        Call(digital_indicators_.get(), &gv1::IndicatorsService::Stub::ListIndicators, request,
             &response);
    EXPECT_TRUE(status.ok()) << "ListIndicators " << id << ": " << Describe(status);
    EXPECT_EQ(response.track(), kDigital);
    if (response.indicators_size() != 1) {
      ADD_FAILURE() << "ListIndicators " << id << " answered " << response.indicators_size()
                    << " indicators";
      return {};
    }
    return response.indicators(0);
  }

  // GetCockpit, asked again (a track too slow for the cockpit deadline on loaded cores leaves
  // its part DEADLINE_EXCEEDED) until `done` holds or kSettleTimeout passed: the last answer.
  dv1::Cockpit Cockpit(const std::string& id, const gv1::Period* period,
                       const std::function<bool(const dv1::Cockpit&)>& done) {
    dv1::GetCockpitRequest request;
    request.set_id(id);
    if (period != nullptr) *request.mutable_period() = *period;
    const absl::Time deadline = absl::Now() + kSettleTimeout;
    while (true) {
      dv1::GetCockpitResponse response;
      const grpc::Status status =
          Call(digital_.get(), &dv1::DigitalService::Stub::GetCockpit, request, &response);
      EXPECT_TRUE(status.ok()) << "GetCockpit " << id << ": " << Describe(status);
      if (!status.ok() || done(response.cockpit()) || absl::Now() >= deadline) {
        return response.cockpit();
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
  }

  // ---- The disorder track ----

  ov1::Complaint GetComplaint(const std::string& id) {
    ov1::GetComplaintRequest request;
    request.set_id(id);
    ov1::GetComplaintResponse response;
    const grpc::Status status =
        Call(disorder_.get(), &ov1::DisorderService::Stub::GetComplaint, request, &response);
    EXPECT_TRUE(status.ok()) << "GetComplaint " << id << ": " << Describe(status);
    return response.complaint();
  }

  // Every complaint of the disorder track.
  std::vector<ov1::Complaint> Complaints() {
    ov1::ListComplaintsRequest request;
    request.set_page_size(500);
    ov1::ListComplaintsResponse response;
    const grpc::Status status =
        Call(disorder_.get(), &ov1::DisorderService::Stub::ListComplaints, request, &response);
    EXPECT_TRUE(status.ok()) << "ListComplaints: " << Describe(status);
    EXPECT_TRUE(response.next_page_token().empty());
    return {response.complaints().begin(), response.complaints().end()};
  }

  // How many complaints of the disorder track are event `event_id`'s.
  int ComplaintsOf(const std::string& event_id) {
    int n = 0;
    for (const ov1::Complaint& c : Complaints()) {
      if (absl::StrContains(c.description(), event_id)) ++n;
    }
    return n;
  }

  // The complaint taken on and resolved by the disorder track's own RPCs, each step with the
  // etag of the one before: RESOLVED, a closed status of the route.
  void ResolveComplaint(const std::string& id) {
    ov1::AcceptComplaintRequest accept;
    accept.set_id(id);
    accept.set_etag(GetComplaint(id).etag());
    ov1::AcceptComplaintResponse accepted;
    grpc::Status status =
        Call(disorder_.get(), &ov1::DisorderService::Stub::AcceptComplaint, accept, &accepted);
    ASSERT_TRUE(status.ok()) << "AcceptComplaint " << id << ": " << Describe(status);
    EXPECT_EQ(accepted.complaint().status(), ov1::COMPLAINT_STATUS_HANDLING);
    ov1::ResolveComplaintRequest resolve;
    resolve.set_id(id);
    resolve.set_etag(accepted.complaint().etag());
    resolve.set_resolution("已劝离，现场恢复（系统测试）");
    resolve.set_outcome(ov1::RESOLUTION_OUTCOME_RESOLVED);
    ov1::ResolveComplaintResponse resolved;
    status =
        Call(disorder_.get(), &ov1::DisorderService::Stub::ResolveComplaint, resolve, &resolved);
    ASSERT_TRUE(status.ok()) << "ResolveComplaint " << id << ": " << Describe(status);
    EXPECT_EQ(resolved.complaint().status(), ov1::COMPLAINT_STATUS_RESOLVED);
  }

  struct Env {
    TempDir dir;
    RedisServer redis;
    std::unique_ptr<SuiteProcesses> suite;  // after dir and redis: its processes die first
    bool ready = false;
  };
  static Env* env_;

  std::unique_ptr<dv1::DigitalService::Stub> digital_;
  std::unique_ptr<ov1::DisorderService::Stub> disorder_;
  std::unique_ptr<gv1::IndicatorsService::Stub> digital_indicators_;
};

SuiteTest::Env* SuiteTest::env_ = nullptr;

TEST_F(SuiteTest, AReportedEventBecomesAComplaintOfTheDisorderTrack) {
  const dv1::ReportEventResponse reported = Report(NewEvent("suite-dispatch-1", "GS01-C02"));
  EXPECT_TRUE(reported.created());
  const dv1::Event& e = reported.event();
  EXPECT_TRUE(absl::StartsWith(e.id(), "EV-")) << e.id();
  ASSERT_EQ(e.status(), dv1::EVENT_STATUS_DISPATCHED)
      << "last error: " << e.dispatch().last_code() << " " << e.dispatch().last_error();
  EXPECT_EQ(e.dispatch().track(), kDisorder);
  EXPECT_EQ(e.dispatch().method(), kSubmitComplaint);
  EXPECT_EQ(e.dispatch().attempts(), 1);
  ASSERT_FALSE(e.dispatch().case_id().empty());

  // The complaint on the disorder process, as the route makes it.
  const ov1::Complaint c = GetComplaint(e.dispatch().case_id());
  EXPECT_EQ(c.id(), e.dispatch().case_id());
  EXPECT_EQ(c.channel(), ov1::CHANNEL_CITY_EYE);
  EXPECT_EQ(c.category(), ov1::COMPLAINT_CATEGORY_MOBILE_STALL);
  EXPECT_EQ(c.region().street_id(), "GS01");
  EXPECT_EQ(c.region().community_id(), "GS01-C02");
  EXPECT_EQ(c.address(), "和睦路12号");
  EXPECT_THAT(c.description(), HasSubstr("流动摊贩占道经营（系统测试）"));
  EXPECT_THAT(c.description(), HasSubstr(e.id()));
  EXPECT_EQ(e.dispatch().case_status(), EnumKey(c.status()));

  // Made there with the event's id as its request_id: that request_id with another complaint
  // is taken, and nothing more is made.
  const size_t before = Complaints().size();
  ov1::SubmitComplaintRequest other;
  other.set_request_id(e.id());
  other.mutable_complaint()->set_category(ov1::COMPLAINT_CATEGORY_MOBILE_STALL);
  other.mutable_complaint()->set_channel(ov1::CHANNEL_CITY_EYE);
  other.mutable_complaint()->mutable_region()->set_street_id("GS02");
  other.mutable_complaint()->set_description("another complaint on the event's request id");
  ov1::SubmitComplaintResponse submitted;
  const grpc::Status taken =
      Call(disorder_.get(), &ov1::DisorderService::Stub::SubmitComplaint, other, &submitted);
  EXPECT_EQ(taken.error_code(), grpc::StatusCode::ALREADY_EXISTS) << Describe(taken);
  EXPECT_EQ(Complaints().size(), before);

  const dv1::Event read = GetEvent(e.id());
  EXPECT_EQ(read.status(), dv1::EVENT_STATUS_DISPATCHED);
  EXPECT_EQ(read.dispatch().case_id(), c.id());
}

TEST_F(SuiteTest, ClosingTheComplaintOnDisorderClosesTheEventAndCountsItDisposedInTime) {
  const dv1::Event e = Report(NewEvent("suite-close-1", "GS01-C03")).event();
  ASSERT_EQ(e.status(), dv1::EVENT_STATUS_DISPATCHED)
      << "last error: " << e.dispatch().last_code() << " " << e.dispatch().last_error();
  const gv1::Indicator before = DigitalIndicator("disposal_rate");
  EXPECT_EQ(before.unit(), gv1::INDICATOR_UNIT_BASIS_POINTS);
  // Every event this suite closes is closed in time: no data yet, or all in time.
  if (before.has_data()) {
    EXPECT_EQ(before.actual(), 10000);
  }

  ResolveComplaint(e.dispatch().case_id());
  if (HasFatalFailure()) return;

  // The digital track learns it from the disorder track's change stream.
  const dv1::Event closed = AwaitClosed(e.id());
  ASSERT_EQ(closed.status(), dv1::EVENT_STATUS_CLOSED)
      << "not closed " << kFollowTimeout << " after its complaint was resolved; case status "
      << closed.dispatch().case_status();
  EXPECT_TRUE(closed.disposed_in_time());
  EXPECT_FALSE(closed.sla_breached());
  EXPECT_EQ(closed.dispatch().case_status(), "RESOLVED");
  ASSERT_FALSE(closed.history().empty());
  EXPECT_EQ(closed.history(closed.history_size() - 1).action(), "Dispose");

  // The disposal rate counts it: one disposed in time of one (or of all) closed this month.
  const absl::Time deadline = absl::Now() + kFollowTimeout;
  gv1::Indicator after = DigitalIndicator("disposal_rate");
  while (!(after.has_data() && after.actual() == 10000) && absl::Now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    after = DigitalIndicator("disposal_rate");
  }
  EXPECT_TRUE(after.has_data());
  EXPECT_EQ(after.actual(), 10000);
  EXPECT_EQ(after.period().year(), MonthsAgo(0).year());
  EXPECT_EQ(after.period().month(), MonthsAgo(0).month());
}

TEST_F(SuiteTest, AReplayedReportAndDispatchMakeNoSecondComplaint) {
  const dv1::ReportEventRequest request = NewEvent("suite-replay-1", "GS02-C01");
  const dv1::Event first = Report(request).event();
  ASSERT_EQ(first.status(), dv1::EVENT_STATUS_DISPATCHED)
      << "last error: " << first.dispatch().last_code() << " " << first.dispatch().last_error();
  const size_t complaints = Complaints().size();
  EXPECT_EQ(ComplaintsOf(first.id()), 1);

  // The same request again: the same event, sent nowhere again.
  const dv1::ReportEventResponse replayed = Report(request);
  EXPECT_FALSE(replayed.created());
  EXPECT_EQ(replayed.event().id(), first.id());
  EXPECT_EQ(replayed.event().status(), dv1::EVENT_STATUS_DISPATCHED);
  EXPECT_EQ(replayed.event().dispatch().case_id(), first.dispatch().case_id());
  EXPECT_EQ(replayed.event().dispatch().attempts(), 1);

  // A dispatch of the DISPATCHED event answers it as it is.
  dv1::DispatchEventRequest dispatch;
  dispatch.set_id(first.id());
  dv1::DispatchEventResponse dispatched;
  const grpc::Status status =
      Call(digital_.get(), &dv1::DigitalService::Stub::DispatchEvent, dispatch, &dispatched);
  ASSERT_TRUE(status.ok()) << "DispatchEvent: " << Describe(status);
  EXPECT_EQ(dispatched.event().status(), dv1::EVENT_STATUS_DISPATCHED);
  EXPECT_EQ(dispatched.event().dispatch().case_id(), first.dispatch().case_id());
  EXPECT_EQ(dispatched.event().dispatch().attempts(), 1);
  EXPECT_EQ(dispatched.event().etag(), first.etag());

  // Still one complaint for the event on the disorder process, and none more at all.
  EXPECT_EQ(Complaints().size(), complaints);
  EXPECT_EQ(ComplaintsOf(first.id()), 1);
}

TEST_F(SuiteTest, OneIndicatorComparesAcrossEveryStreetOfTheDistrict) {
  // A complaint resolved in GS03 this month gives that street data.
  const dv1::Event e = Report(NewEvent("suite-compare-1", "GS03-C01")).event();
  ASSERT_EQ(e.status(), dv1::EVENT_STATUS_DISPATCHED)
      << "last error: " << e.dispatch().last_code() << " " << e.dispatch().last_error();
  ResolveComplaint(e.dispatch().case_id());
  if (HasFatalFailure()) return;

  dv1::ListStreetsRequest list;
  list.set_streets_only(true);
  dv1::ListStreetsResponse listed;
  grpc::Status status =
      Call(digital_.get(), &dv1::DigitalService::Stub::ListStreets, list, &listed);
  ASSERT_TRUE(status.ok()) << "ListStreets: " << Describe(status);
  std::set<std::string> streets;
  for (const dv1::Street& s : listed.streets()) streets.insert(s.id());
  ASSERT_EQ(streets.size(), 11u) << "data/regions.json has 11 street-level units";

  dv1::CompareStreetsRequest request;
  request.set_track(kDisorder);
  request.set_indicator_id("resolved_within_sla");
  dv1::CompareStreetsResponse response;
  // Asked again while a street's call misses the cockpit deadline on loaded cores, or while
  // GS03 does not show the resolution yet.
  const auto gs03 = [&response]() -> const dv1::StreetValue* {
    for (const dv1::StreetValue& row : response.streets()) {
      if (row.street_id() == "GS03") return &row;
    }
    return nullptr;
  };
  const absl::Time deadline = absl::Now() + kSettleTimeout;
  while (true) {
    response.Clear();
    status = Call(digital_.get(), &dv1::DigitalService::Stub::CompareStreets, request, &response);
    const bool settled = status.ok() && gs03() != nullptr && gs03()->indicator().has_data();
    if (settled || absl::Now() >= deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  ASSERT_TRUE(status.ok()) << "CompareStreets: " << Describe(status);

  EXPECT_EQ(response.district().id(), "resolved_within_sla");
  EXPECT_TRUE(response.district().has_data());
  EXPECT_EQ(response.district().region().street_id(), "") << "the district row is the district's";
  ASSERT_EQ(response.streets_size(), 11);
  std::set<std::string> compared;
  for (const dv1::StreetValue& row : response.streets()) {
    compared.insert(row.street_id());
    EXPECT_FALSE(row.street_name().empty()) << row.street_id();
    EXPECT_EQ(row.indicator().id(), "resolved_within_sla") << row.street_id();
    EXPECT_EQ(row.indicator().region().street_id(), row.street_id());
    if (!row.indicator().has_data()) {
      EXPECT_EQ(row.rank(), 0) << row.street_id();
    }
  }
  EXPECT_EQ(compared, streets);
  // GS03's resolution was in time: it ranks first.
  ASSERT_NE(gs03(), nullptr);
  EXPECT_TRUE(gs03()->indicator().has_data());
  EXPECT_EQ(gs03()->indicator().actual(), 10000);
  EXPECT_EQ(gs03()->rank(), 1);
  EXPECT_EQ(response.streets(0).rank(), 1);
}

TEST_F(SuiteTest, EveryDeclaredCockpitReadsEveryRealTrackWithoutUnknownIndicators) {
  dv1::ListCockpitsResponse listed;
  const grpc::Status status = Call(digital_.get(), &dv1::DigitalService::Stub::ListCockpits,
                                   dv1::ListCockpitsRequest(), &listed);
  ASSERT_TRUE(status.ok()) << "ListCockpits: " << Describe(status);
  // The district leaders' cockpit, 10 street and 5 department cockpits.
  ASSERT_EQ(listed.cockpits_size(), 16);

  for (const dv1::CockpitDeclaration& declared : listed.cockpits()) {
    SCOPED_TRACE(declared.id());
    const dv1::Cockpit cockpit =
        Cockpit(declared.id(), nullptr, [](const dv1::Cockpit& c) { return c.complete(); });
    EXPECT_EQ(cockpit.declaration().id(), declared.id());
    EXPECT_TRUE(cockpit.complete()) << Parts(cockpit);
    ASSERT_EQ(cockpit.tracks_size(), declared.selections_size()) << Parts(cockpit);
    for (int i = 0; i < cockpit.tracks_size(); ++i) {
      const dv1::CockpitTrack& part = cockpit.tracks(i);
      EXPECT_EQ(part.track(), declared.selections(i).track());
      EXPECT_EQ(part.code(), 0) << part.track() << ": " << part.message();
      EXPECT_GT(part.indicators_size(), 0) << part.track();
      // The data file's ids are the real tracks' ids.
      EXPECT_EQ(part.unknown_ids_size(), 0)
          << part.track() << " does not declare " << absl::StrJoin(part.unknown_ids(), ", ");
      if (declared.selections(i).indicator_ids_size() > 0) {
        EXPECT_EQ(part.indicators_size(), declared.selections(i).indicator_ids_size())
            << part.track();
      }
      for (const gv1::Indicator& indicator : part.indicators()) {
        EXPECT_EQ(indicator.region().street_id(), declared.street_id())
            << part.track() << " " << indicator.id();
      }
    }
    EXPECT_GT(cockpit.freshness().indicators(), 0);
  }

  // The district's: all seven tracks.
  const dv1::Cockpit district =
      Cockpit("district", nullptr, [](const dv1::Cockpit& c) { return c.complete(); });
  EXPECT_TRUE(district.complete()) << Parts(district);
  std::set<std::string> tracks;
  for (const dv1::CockpitTrack& part : district.tracks()) tracks.insert(part.track());
  EXPECT_EQ(tracks.size(), 7u) << Parts(district);
  EXPECT_EQ(district.period().year(), MonthsAgo(0).year());
  EXPECT_EQ(district.period().month(), MonthsAgo(0).month());

  // A department's cockpit over three months, newest first (not the district's: the test
  // below reads earlier months of it with a track down).
  dv1::ComparePeriodsRequest compare;
  compare.set_id("dept-housing");
  compare.set_count(3);
  dv1::ComparePeriodsResponse periods;
  const absl::Time deadline = absl::Now() + kSettleTimeout;
  grpc::Status compared;
  while (true) {
    periods.Clear();
    compared = Call(digital_.get(), &dv1::DigitalService::Stub::ComparePeriods, compare, &periods);
    bool complete = compared.ok();
    for (const dv1::Cockpit& c : periods.cockpits()) complete = complete && c.complete();
    if (complete || absl::Now() >= deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  ASSERT_TRUE(compared.ok()) << "ComparePeriods: " << Describe(compared);
  ASSERT_EQ(periods.cockpits_size(), 3);
  for (int i = 0; i < 3; ++i) {
    const dv1::Cockpit& c = periods.cockpits(i);
    EXPECT_EQ(c.declaration().id(), "dept-housing");
    EXPECT_EQ(c.period().year(), MonthsAgo(i).year()) << i;
    EXPECT_EQ(c.period().month(), MonthsAgo(i).month()) << i;
    EXPECT_TRUE(c.complete()) << i << ": " << Parts(c);
    ASSERT_EQ(c.tracks_size(), 1);
    EXPECT_EQ(c.tracks(0).track(), "tripartite");
    EXPECT_GT(c.tracks(0).indicators_size(), 0);
  }
}

// Last: it stops a track (and starts it again at the end).
TEST_F(SuiteTest, ACockpitStaysServedWithATrackDownAndNamesThatTrackUnavailable) {
  // Another period than the cockpits read so far (and than the digital track's own survey of
  // the current month), so that no complete cockpit kept in the cache is what is read.
  const gv1::Period last_month = MonthsAgo(1);
  const dv1::Cockpit up =
      Cockpit("district", &last_month, [](const dv1::Cockpit& c) { return c.complete(); });
  ASSERT_TRUE(up.complete()) << Parts(up);

  Service& policing = Tracks().at(kPolicing);
  const absl::Status stopped = env_->suite->Stop(policing, absl::Seconds(kDrainSeconds + 20));
  ASSERT_TRUE(stopped.ok()) << stopped;

  // Asked for a third period: nothing cached. Every other part is whole (asked again while one
  // of them misses the deadline on loaded cores).
  const gv1::Period period = MonthsAgo(2);
  const auto others_whole = [](const dv1::Cockpit& c) {
    for (const dv1::CockpitTrack& part : c.tracks()) {
      if (part.track() != kPolicing && part.code() != 0) return false;
    }
    return true;
  };
  const dv1::Cockpit down = Cockpit("district", &period, others_whole);
  EXPECT_FALSE(down.complete()) << Parts(down);
  EXPECT_EQ(down.period().year(), period.year());
  EXPECT_EQ(down.period().month(), period.month());
  ASSERT_EQ(down.tracks_size(), 7) << Parts(down);
  int indicators = 0;
  for (const dv1::CockpitTrack& part : down.tracks()) {
    if (part.track() == kPolicing) {
      EXPECT_EQ(part.code(), 14) << "policing: " << part.message();  // UNAVAILABLE
      EXPECT_FALSE(part.message().empty());
      EXPECT_EQ(part.indicators_size(), 0);
    } else {
      EXPECT_EQ(part.code(), 0) << part.track() << ": " << part.message();
      EXPECT_GT(part.indicators_size(), 0) << part.track();
      indicators += part.indicators_size();
    }
  }
  // The freshness counts the tracks that answered.
  EXPECT_EQ(down.freshness().indicators(), indicators);
  // Incomplete: not kept, asked again it is read again (and is still incomplete).
  const dv1::Cockpit again = Cockpit("district", &period, others_whole);
  EXPECT_FALSE(again.complete()) << Parts(again);

  // govctl shows it (tools/govctl).
  const std::string govctl = BinaryPath("tools/govctl/govctl");
  absl::StatusOr<CommandResult> shown =
      RunCommand({govctl, absl::StrCat("--addr=", Tracks().at(kDigital).address()),
                  absl::StrCat("--token=", kAdminToken), "--timeout=20s", "cockpit", "district",
                  absl::StrCat("--period=", PeriodText(period))},
                 absl::Seconds(60), {"GOV_TOKEN=", "GOV_TOKEN_FILE=", "NO_COLOR=1"});
  ASSERT_TRUE(shown.ok()) << shown.status();
  EXPECT_TRUE(shown->status.ok()) << shown->status.ToString() << "\n" << shown->err;
  // (Matched by hand: gMock would print the Chinese names as escapes.)
  EXPECT_TRUE(absl::StrContains(shown->out, "policing: UNAVAILABLE")) << shown->out;
  EXPECT_TRUE(absl::StrContains(shown->out, "complete:   no")) << shown->out;

  // Started again on its store (its first log kept aside): the cockpit is whole again.
  ASSERT_EQ(std::rename(policing.log.c_str(), absl::StrCat(policing.log, ".1").c_str()), 0);
  const absl::Status restarted = env_->suite->Restart(policing);
  ASSERT_TRUE(restarted.ok()) << restarted;
  const gv1::Period earlier = MonthsAgo(3);
  const dv1::Cockpit back =
      Cockpit("district", &earlier, [](const dv1::Cockpit& c) { return c.complete(); });
  EXPECT_TRUE(back.complete()) << Parts(back);
}

}  // namespace
}  // namespace gov::testing
