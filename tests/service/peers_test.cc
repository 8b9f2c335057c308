// Peer calls (common/peers) against a real mediation track: the track behind the real server in a
// TrackHarness (its own SQLite file and redis-server, a token file with a system token for the
// peer), a dispute created through its API, and a Peers pointed at it over gRPC on loopback. Also
// the runner (the mediation binary) refusing to start on bad peer settings.

#include "common/peers/peers.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/auth/auth.h"
#include "common/clock/clock.h"
#include "common/config/config.h"
#include "common/log/log.h"
#include "common/track/track_base.h"
#include "common/util/call_deadline.h"
#include "gmock/gmock.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "governance/mediation/v1/mediation.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "services/mediation/track.h"
#include "tests/support/process.h"
#include "tests/support/test_support.h"
#include "tests/support/track_harness.h"

namespace gov::peers {
namespace {

namespace mv1 = ::governance::mediation::v1;
using gov::testing::Describe;
using gov::testing::Outcome;
using gov::testing::SilentListener;
using gov::testing::TempDir;
using gov::testing::TestToken;
using gov::testing::TrackHarness;
using gov::testing::WriteFile;
using ::testing::HasSubstr;

constexpr char kTrack[] = "mediation";
constexpr char kGetDispute[] = "governance.mediation.v1.MediationService.GetDispute";
constexpr char kAdmin[] = "tok-admin";
constexpr char kPeer[] = "tok-peer-caller";
constexpr char kOperatorGs02[] = "tok-operator-gs02";

// Sends fd 2 to a file for the lifetime of the object; Lines() reads what was written (the log
// lines of the in-process server).
class StderrCapture {
 public:
  explicit StderrCapture(const std::string& path) : path_(path) {
    std::fflush(stderr);
    saved_ = dup(2);
    const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(fd, 2);
    close(fd);
  }
  ~StderrCapture() { Restore(); }

  std::vector<std::string> Lines() {
    Restore();
    std::ifstream in(path_);
    std::stringstream text;
    text << in.rdbuf();
    return absl::StrSplit(text.str(), '\n', absl::SkipEmpty());
  }

 private:
  void Restore() {
    if (saved_ < 0) return;
    std::fflush(stderr);
    dup2(saved_, 2);
    close(saved_);
    saved_ = -1;
  }

  std::string path_;
  int saved_ = -1;
};

std::string Field(const google::protobuf::Struct& line, const std::string& key) {
  auto it = line.fields().find(key);
  return it == line.fields().end() ? "" : it->second.string_value();
}

class PeersTest : public ::testing::Test {
 protected:
  PeersTest() : clock_(gov::testing::Local(2026, 3, 18, 10, 0)) {}

  void SetUp() override {
    ASSERT_TRUE(h_.Start(track::Factory<mediation::MediationTrack>(kTrack)).ok());
    dispute_id_ = CreateDispute();
    ASSERT_FALSE(dispute_id_.empty());
  }

  static std::vector<TestToken> Tokens() {
    return {
        {kAdmin, "admin", auth::kDistrictAdmin, {}},
        {kPeer, "peer-caller", auth::kSystem, {}},
        {kOperatorGs02, "operator-gs02", auth::kStreetOperator, {"GS02"}},
    };
  }

  // A dispute in GS01, created through the track's API; its id.
  std::string CreateDispute() {
    auto stub = mv1::MediationService::NewStub(h_.channel());
    mv1::CreateDisputeRequest request;
    request.set_request_id("peers-test-1");
    mv1::Dispute* d = request.mutable_dispute();
    d->set_category(mv1::DISPUTE_CATEGORY_NEIGHBOURHOOD);
    d->set_channel(mv1::INTAKE_CHANNEL_WALK_IN);
    d->mutable_region()->set_street_id("GS01");
    d->mutable_region()->set_community_id("GS01-C01");
    d->set_summary("邻里纠纷（测试）");
    mv1::Party* applicant = d->add_parties();
    applicant->set_role(mv1::PARTY_ROLE_APPLICANT);
    applicant->set_name("张某");
    mv1::CreateDisputeResponse response;
    const Outcome o = h_.Rpc(
        kAdmin, [&](grpc::ClientContext* c) { return stub->CreateDispute(c, request, &response); });
    EXPECT_TRUE(o.status.ok()) << Describe(o);
    return response.dispute().id();
  }

  // Writes `token` as the first line of `path`, a comment line after it.
  static void WriteToken(const std::string& path, const std::string& token) {
    WriteFile(path, absl::StrCat(token, "\n# the token of principal peer-caller\n"));
  }
  // A new token file holding `token`; its path.
  std::string TokenFile(const std::string& token) {
    const std::string path = dir_.File(absl::StrCat("peer-token-", ++token_files_));
    WriteToken(path, token);
    return path;
  }

  // Peers with the mediation track at `address` (default: the harness), presenting the token of
  // `token_file` ("" = none), with a deadline of `timeout_ms`.
  std::unique_ptr<Peers> OpenWithFile(const std::string& token_file, const std::string& address,
                                      int timeout_ms) {
    config::ServiceConfig config;
    config.track = "policing";
    config.peers[kTrack] = address.empty() ? h_.address() : address;
    config.peer_timeout_ms = timeout_ms;
    config.peer_token_file = token_file;
    absl::StatusOr<std::unique_ptr<Peers>> peers = Peers::Open(config);
    EXPECT_TRUE(peers.ok()) << peers.status();
    return peers.ok() ? *std::move(peers) : nullptr;
  }
  // The same presenting `token` ("" = no token file).
  std::unique_ptr<Peers> Open(const std::string& token, const std::string& address = "",
                              int timeout_ms = 2000) {
    return OpenWithFile(token.empty() ? "" : TokenFile(token), address, timeout_ms);
  }

  FakeClock clock_;
  TempDir dir_;
  TrackHarness h_{kTrack, &clock_, Tokens()};
  std::string dispute_id_;
  int token_files_ = 0;
};

TEST_F(PeersTest, ACaseThatExistsIsOkAndAnUnknownIdIsNotFound) {
  std::unique_ptr<Peers> peers = Open(kPeer);
  ASSERT_NE(peers, nullptr);
  EXPECT_TRUE(peers->enabled());
  EXPECT_EQ(peers->Address(kTrack), h_.address());

  const absl::Status found = peers->CheckCase(kTrack, kGetDispute, dispute_id_);
  EXPECT_TRUE(found.ok()) << found;
  const absl::Status missing = peers->CheckCase(kTrack, kGetDispute, "D-999999");
  EXPECT_EQ(missing.code(), absl::StatusCode::kNotFound) << missing;
  EXPECT_THAT(missing.message(), HasSubstr(kTrack));
}

TEST_F(PeersTest, ThePeerTokenAndTheTraceIdOfTheCurrentCallReachTheTrack) {
  std::unique_ptr<Peers> peers = Open(kPeer);
  ASSERT_NE(peers, nullptr);
  std::vector<std::string> lines;
  {
    StderrCapture capture(dir_.File("stderr"));
    {
      log::ScopedTraceId scoped("peer-trace-0042");
      EXPECT_TRUE(peers->CheckCase(kTrack, kGetDispute, dispute_id_).ok());
    }
    // Outside a call: a trace id of its own, not an empty one.
    EXPECT_TRUE(peers->CheckCase(kTrack, kGetDispute, dispute_id_).ok());
    lines = capture.Lines();
  }
  std::vector<google::protobuf::Struct> calls;
  for (const std::string& text : lines) {
    google::protobuf::Struct line;
    if (!google::protobuf::util::JsonStringToMessage(text, &line).ok()) continue;
    if (Field(line, "msg") == "rpc" && absl::StrContains(Field(line, "method"), "GetDispute")) {
      calls.push_back(line);
    }
  }
  ASSERT_EQ(calls.size(), 2u) << absl::StrJoin(lines, "\n");
  EXPECT_EQ(Field(calls[0], "trace_id"), "peer-trace-0042");
  EXPECT_EQ(Field(calls[0], "principal"), "peer-caller");
  EXPECT_EQ(Field(calls[0], "code"), "OK");
  EXPECT_FALSE(Field(calls[1], "trace_id").empty());
  EXPECT_NE(Field(calls[1], "trace_id"), "peer-trace-0042");
  EXPECT_EQ(Field(calls[1], "principal"), "peer-caller");
}

TEST_F(PeersTest, ATokenTheTrackRefusesIsInternalNamingTheTrack) {
  // Unknown to the track: UNAUTHENTICATED.
  std::unique_ptr<Peers> unknown = Open("tok-nobody-knows");
  ASSERT_NE(unknown, nullptr);
  absl::Status refused = unknown->CheckCase(kTrack, kGetDispute, dispute_id_);
  EXPECT_EQ(refused.code(), absl::StatusCode::kInternal) << refused;
  EXPECT_THAT(refused.message(), HasSubstr("track mediation refused"));
  EXPECT_THAT(refused.message(), HasSubstr("UNAUTHENTICATED"));

  // Known, but the case is outside its streets: PERMISSION_DENIED.
  std::unique_ptr<Peers> narrow = Open(kOperatorGs02);
  ASSERT_NE(narrow, nullptr);
  refused = narrow->CheckCase(kTrack, kGetDispute, dispute_id_);
  EXPECT_EQ(refused.code(), absl::StatusCode::kInternal) << refused;
  EXPECT_THAT(refused.message(), HasSubstr("track mediation refused"));
  EXPECT_THAT(refused.message(), HasSubstr("PERMISSION_DENIED"));
}

TEST_F(PeersTest, AnyOtherAnswerIsInternalWithItsCode) {
  std::unique_ptr<Peers> peers = Open(kPeer);
  ASSERT_NE(peers, nullptr);
  // The track refuses an empty id: INVALID_ARGUMENT.
  const absl::Status answered = peers->CheckCase(kTrack, kGetDispute, "");
  EXPECT_EQ(answered.code(), absl::StatusCode::kInternal) << answered;
  EXPECT_THAT(answered.message(), HasSubstr("mediation"));
  EXPECT_THAT(answered.message(), HasSubstr("INVALID_ARGUMENT"));
}

TEST_F(PeersTest, AnUnknownTrackOrMethodIsInternalTokenOrNot) {
  std::unique_ptr<Peers> with_token = Open(kPeer);
  std::unique_ptr<Peers> without = Open("");
  ASSERT_NE(with_token, nullptr);
  ASSERT_NE(without, nullptr);
  for (const Peers* peers : {with_token.get(), without.get()}) {
    absl::Status s = peers->CheckCase("nosuch", kGetDispute, dispute_id_);
    EXPECT_EQ(s.code(), absl::StatusCode::kInternal) << s;
    EXPECT_THAT(s.message(), HasSubstr("\"nosuch\""));

    s = peers->CheckCase(kTrack, "governance.mediation.v1.MediationService.GetNothing",
                         dispute_id_);
    EXPECT_EQ(s.code(), absl::StatusCode::kInternal) << s;
    EXPECT_THAT(s.message(), HasSubstr("GetNothing is not in the schema"));
    EXPECT_THAT(s.message(), HasSubstr(kTrack));

    // A method whose request has no string field id.
    s = peers->CheckCase(kTrack, "governance.mediation.v1.MediationService.ListDisputes",
                         dispute_id_);
    EXPECT_EQ(s.code(), absl::StatusCode::kInternal) << s;
    EXPECT_THAT(s.message(), HasSubstr("has no string field id"));
  }
}

TEST_F(PeersTest, WithoutATokenFileEveryCallIsUnavailableNamingTheSetting) {
  std::unique_ptr<Peers> peers = Open("");
  ASSERT_NE(peers, nullptr);
  EXPECT_FALSE(peers->enabled());
  const absl::Status s = peers->CheckCase(kTrack, kGetDispute, dispute_id_);
  EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable) << s;
  EXPECT_THAT(s.message(), HasSubstr("--peer_token_file"));
  EXPECT_THAT(s.message(), HasSubstr("GOV_PEER_TOKEN_FILE"));
}

TEST_F(PeersTest, AStoppedTrackOrAClosedPortIsUnavailableWithinTheDeadline) {
  std::unique_ptr<Peers> peers = Open(kPeer, "", 1000);
  ASSERT_NE(peers, nullptr);
  ASSERT_TRUE(peers->CheckCase(kTrack, kGetDispute, dispute_id_).ok());
  h_.Stop();
  absl::Time start = absl::Now();
  absl::Status s = peers->CheckCase(kTrack, kGetDispute, dispute_id_);
  EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable) << s;
  EXPECT_THAT(s.message(), HasSubstr("track mediation"));
  EXPECT_LT(absl::Now() - start, absl::Seconds(3));

  std::unique_ptr<Peers> closed =
      Open(kPeer, absl::StrCat("127.0.0.1:", gov::testing::FreePort()), 1000);
  ASSERT_NE(closed, nullptr);
  start = absl::Now();
  s = closed->CheckCase(kTrack, kGetDispute, dispute_id_);
  EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable) << s;
  EXPECT_LT(absl::Now() - start, absl::Seconds(3));
}

TEST_F(PeersTest, APeerThatDoesNotAnswerIsUnavailableAfterTheDeadline) {
  SilentListener silent;
  std::unique_ptr<Peers> peers = Open(kPeer, silent.address(), 300);
  ASSERT_NE(peers, nullptr);
  const absl::Time start = absl::Now();
  const absl::Status s = peers->CheckCase(kTrack, kGetDispute, dispute_id_);
  const absl::Duration took = absl::Now() - start;
  EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable) << s;
  EXPECT_THAT(std::string(s.message()), HasSubstr("DEADLINE_EXCEEDED"));
  EXPECT_GE(took, absl::Milliseconds(250));
  EXPECT_LT(took, absl::Seconds(3));
}

TEST_F(PeersTest, CallAllMakesTheCallsAtOnceAndReportsEachAnswer) {
  SilentListener silent;
  config::ServiceConfig config;
  config.track = "digital";
  config.peers[kTrack] = h_.address();
  config.peers["policing"] = silent.address();
  config.peers["disorder"] = absl::StrCat("127.0.0.1:", gov::testing::FreePort());
  config.peer_timeout_ms = 1000;
  config.peer_token_file = TokenFile(kPeer);
  absl::StatusOr<std::unique_ptr<Peers>> peers = Peers::Open(config);
  ASSERT_TRUE(peers.ok()) << peers.status();

  mv1::GetDisputeRequest found;
  found.set_id(dispute_id_);
  mv1::GetDisputeRequest missing;
  missing.set_id("D-999999");
  std::vector<mv1::GetDisputeResponse> responses(6);
  std::vector<PeerCall> calls;
  const std::vector<std::pair<std::string, const mv1::GetDisputeRequest*>> plan = {
      {kTrack, &found},     {kTrack, &missing},   {"policing", &found},
      {"policing", &found}, {"policing", &found}, {"disorder", &found}};
  for (size_t i = 0; i < plan.size(); ++i) {
    calls.push_back({.track = plan[i].first,
                     .method = kGetDispute,
                     .request = plan[i].second,
                     .response = &responses[i]});
  }
  calls.push_back(
      {.track = "nowhere", .method = kGetDispute, .request = &found, .response = &responses[0]});
  bool ran_meanwhile = false;
  const absl::Time start = absl::Now();
  (*peers)->CallAll(absl::MakeSpan(calls), absl::InfiniteFuture(), [&] { ran_meanwhile = true; });
  const absl::Duration took = absl::Now() - start;
  EXPECT_TRUE(ran_meanwhile);
  EXPECT_TRUE(calls[0].status.ok()) << calls[0].status;
  EXPECT_EQ(responses[0].dispute().id(), dispute_id_);
  EXPECT_EQ(calls[1].status.code(), absl::StatusCode::kNotFound) << calls[1].status;
  EXPECT_EQ(calls[1].answered, absl::StatusCode::kNotFound);
  for (int i : {2, 3, 4}) {
    // Mapped as Call maps it; the track's own silence kept beside it.
    EXPECT_EQ(calls[i].status.code(), absl::StatusCode::kUnavailable) << calls[i].status;
    EXPECT_EQ(calls[i].answered, absl::StatusCode::kDeadlineExceeded) << calls[i].status;
  }
  EXPECT_EQ(calls[5].status.code(), absl::StatusCode::kUnavailable) << calls[5].status;
  EXPECT_EQ(calls[5].answered, absl::StatusCode::kUnavailable);
  EXPECT_EQ(calls[6].status.code(), absl::StatusCode::kInternal) << calls[6].status;
  EXPECT_EQ(calls[6].answered, absl::StatusCode::kInternal);
  // Three silent calls of a second each, made one after another, would take three seconds.
  EXPECT_LT(took, absl::Milliseconds(2500));
}

// A call made while serving a call (the server sets its deadline around the handler) stops
// when the caller stops waiting, whatever the peers' own deadline.
TEST_F(PeersTest, ThePeerCallEndsWithTheDeadlineOfTheCallItServes) {
  SilentListener silent;
  std::unique_ptr<Peers> peers = Open(kPeer, silent.address(), 20000);
  ASSERT_NE(peers, nullptr);
  mv1::GetDisputeRequest request;
  request.set_id(dispute_id_);
  mv1::GetDisputeResponse response;
  PeerCall call{.track = kTrack, .method = kGetDispute, .request = &request, .response = &response};
  const absl::Time start = absl::Now();
  {
    const ScopedCallDeadline serving(start + absl::Milliseconds(300));
    peers->CallAll(absl::MakeSpan(&call, 1));
  }
  EXPECT_EQ(call.answered, absl::StatusCode::kDeadlineExceeded) << call.status;
  EXPECT_LT(absl::Now() - start, absl::Seconds(10));  // not the peers' 20 s
  // Outside a call there is no such deadline.
  EXPECT_EQ(CallDeadline(), absl::InfiniteFuture());
}

TEST_F(PeersTest, ConcurrentCallsShareThePeers) {
  std::unique_ptr<Peers> peers = Open(kPeer);
  ASSERT_NE(peers, nullptr);
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  std::atomic<int> not_found{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10; ++i) {
        const bool exists = (t + i) % 2 == 0;
        const absl::Status s =
            peers->CheckCase(kTrack, kGetDispute, exists ? dispute_id_ : "D-999999");
        if (exists && s.ok()) ++ok;
        if (!exists && s.code() == absl::StatusCode::kNotFound) ++not_found;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(ok.load(), 40);
  EXPECT_EQ(not_found.load(), 40);
}

TEST_F(PeersTest, AChangedTokenFileIsReadAgain) {
  const std::string path = TokenFile(kPeer);
  std::unique_ptr<Peers> peers = OpenWithFile(path, "", 2000);
  ASSERT_NE(peers, nullptr);
  ASSERT_TRUE(peers->CheckCase(kTrack, kGetDispute, dispute_id_).ok());
  // Another token (of another length, so the change shows even within one clock tick).
  WriteToken(path, "tok-revoked-peer-caller-token");
  const absl::Status refused = peers->CheckCase(kTrack, kGetDispute, dispute_id_);
  EXPECT_EQ(refused.code(), absl::StatusCode::kInternal) << refused;
  WriteToken(path, kPeer);
  EXPECT_TRUE(peers->CheckCase(kTrack, kGetDispute, dispute_id_).ok());
}

TEST_F(PeersTest, OpenRefusesBadSettings) {
  config::ServiceConfig config;
  config.peer_token_file = dir_.File("absent");
  absl::StatusOr<std::unique_ptr<Peers>> opened = Peers::Open(config);
  EXPECT_EQ(opened.status().code(), absl::StatusCode::kFailedPrecondition) << opened.status();
  EXPECT_THAT(opened.status().message(), HasSubstr(dir_.File("absent")));

  config.peer_token_file = TokenFile("");
  opened = Peers::Open(config);
  EXPECT_EQ(opened.status().code(), absl::StatusCode::kFailedPrecondition) << opened.status();
  EXPECT_THAT(opened.status().message(), HasSubstr("first line is empty"));

  config.peer_token_file = "";
  config.peers = {{"nosuch", "127.0.0.1:1"}};
  EXPECT_EQ(Peers::Open(config).status().code(), absl::StatusCode::kInvalidArgument);
  config.peers = {{"policing", "127.0.0.1"}};
  EXPECT_EQ(Peers::Open(config).status().code(), absl::StatusCode::kInvalidArgument);

  // A known track the map leaves out is at its fixed local port.
  config.peers = {{"policing", "10.0.0.5:7102"}};
  opened = Peers::Open(config);
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ((*opened)->Address("policing"), "10.0.0.5:7102");
  EXPECT_EQ((*opened)->Address("disorder"), "127.0.0.1:7103");
  EXPECT_EQ((*opened)->Address("nosuch"), "");
}

// A second harness, pointed at the first through its config before Start(), hands its track a
// Peers that reaches the first.
TEST_F(PeersTest, AHarnessPointedAtAnotherHarnessCallsIt) {
  FakeClock clock(gov::testing::Local(2026, 3, 18, 10, 0));
  TrackHarness caller(kTrack, &clock, {});
  caller.config().peers[kTrack] = h_.address();
  caller.config().peer_token_file = TokenFile(kPeer);
  const Peers* handed = nullptr;
  const server::TrackFactory make_track = track::Factory<mediation::MediationTrack>(kTrack);
  ASSERT_TRUE(caller
                  .Start([&](const server::TrackDeps& deps) {
                    handed = deps.peers;
                    return make_track(deps);
                  })
                  .ok());
  ASSERT_NE(handed, nullptr);
  EXPECT_EQ(handed, &caller.peers());
  EXPECT_TRUE(handed->CheckCase(kTrack, kGetDispute, dispute_id_).ok());
  EXPECT_EQ(handed->CheckCase(kTrack, kGetDispute, "D-999999").code(), absl::StatusCode::kNotFound);
}

// The runner: bad peer settings keep the service from starting, with a message naming them.
TEST(PeersRunnerTest, TheServiceRefusesToStartOnBadPeerSettings) {
  const std::string binary = gov::testing::BinaryPath("services/mediation/mediation");
  TempDir dir;
  WriteFile(dir.File("tokens.json"), R"({"tokens": []})");
  const std::vector<std::string> common = {
      binary,
      "--listen=127.0.0.1:0",
      "--metrics_port=0",
      absl::StrCat("--db_path=", dir.File("m.db")),
      "--redis=",
      absl::StrCat("--tokens_file=", dir.File("tokens.json")),
  };
  struct Case {
    std::string flag;
    int exit_code;
    std::string says;
  };
  for (const Case& c : std::vector<Case>{
           {"--peers=nosuch=127.0.0.1:7101", 2, "--peers"},
           {"--peers=policing=10.0.0.5", 2, "--peers"},
           {"--peer_timeout_ms=50", 2, "--peer_timeout_ms"},
           {absl::StrCat("--peer_token_file=", dir.File("absent")), 1, "peer token file"},
       }) {
    SCOPED_TRACE(c.flag);
    std::vector<std::string> args = common;
    args.push_back(c.flag);
    absl::StatusOr<gov::testing::CommandResult> run =
        gov::testing::RunCommand(args, absl::Seconds(60));
    ASSERT_TRUE(run.ok()) << run.status();
    EXPECT_TRUE(run->status.exited) << run->status.ToString();
    EXPECT_EQ(run->status.code, c.exit_code) << run->err;
    EXPECT_THAT(run->err, HasSubstr(c.says));
  }
}

}  // namespace
}  // namespace gov::peers
