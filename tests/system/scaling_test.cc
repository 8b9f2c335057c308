// Two replicas of one track on one PostgreSQL database and one Redis, called through a gRPC
// round_robin channel over both addresses: read-your-writes across replicas, one case for
// concurrent creates with one request_id, ABORTED for the loser of concurrent updates, and
// counters and indicators equal to a recount from the case table afterwards.
// Labelled "scaling" and "postgres".

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/barrier.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/auth/auth.h"
#include "common/cases/calendar.h"
#include "common/store/pg_store.h"
#include "common/util/proto.h"
#include "gmock/gmock.h"
#include "governance/mediation/v1/mediation.grpc.pb.h"
#include "governance/v1/indicators.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "tests/support/health_client.h"
#include "tests/support/metrics.h"
#include "tests/support/postgres_server.h"
#include "tests/support/process.h"
#include "tests/support/redis_server.h"
#include "tests/support/test_support.h"

namespace gov::testing {
namespace {

namespace mv1 = governance::mediation::v1;
namespace gv1 = governance::v1;

constexpr char kAdminToken[] = "scaling-test-admin-token-77d0";
constexpr absl::Duration kStartTimeout = absl::Seconds(90);
constexpr int kReplicas = 2;

// One replica: a mediation process with its ports and log.
struct Replica {
  int grpc_port = 0;
  int metrics_port = 0;
  std::string log;
  std::unique_ptr<Process> process;
  std::shared_ptr<grpc::Channel> channel;  // to this replica only
  std::string address() const { return absl::StrCat("127.0.0.1:", grpc_port); }
};

// The sum of one counter's samples on a replica's /metrics whose labels include `labels`.
double Scraped(int port, const std::string& name,
               const std::map<std::string, std::string>& labels) {
  const std::string reply = HttpGet(port, "/metrics");
  const size_t body = reply.find("\r\n\r\n");
  if (body == std::string::npos) return -1;
  return ExpositionSum(reply.substr(body + 4), name, labels).value_or(0);
}

class ScalingTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto* env = new Env();
    env_ = env;
    absl::Status redis = env->redis.Start();
    ASSERT_TRUE(redis.ok()) << redis;
    absl::StatusOr<PostgresServer*> pg = SharedPostgres();
    ASSERT_TRUE(pg.ok()) << pg.status();
    env->pg = *pg;
    absl::StatusOr<std::string> url = env->pg->CreateUniqueDatabase("scaling");
    ASSERT_TRUE(url.ok()) << url.status();
    env->database = url->substr(url->rfind('/') + 1);
    env->url = *url;
    WriteFile(env->dir.File("tokens.json"),
              absl::StrCat(R"({"tokens": [{"sha256": ")",
                           auth::TokenAuthenticator::HashToken(kAdminToken),
                           R"(", "principal": "scaling-admin", "roles": ["district_admin"],)",
                           R"( "expires": "2099-01-01T00:00:00Z"}]})"));
    // The first replica migrates the database and loads the demo data; the second starts on
    // what the first made, as a rolling start in a cluster would.
    for (int i = 0; i < kReplicas; ++i) {
      StartReplica(i, /*demo=*/i == 0);
      if (HasFatalFailure()) return;
    }
    std::vector<std::string> addresses;
    for (const Replica& r : env->replicas) addresses.push_back(r.address());
    grpc::ChannelArguments args;
    args.SetLoadBalancingPolicyName("round_robin");
    env->round_robin =
        grpc::CreateCustomChannel(absl::StrCat("ipv4:", absl::StrJoin(addresses, ",")),
                                  grpc::InsecureChannelCredentials(), args);
  }

  void SetUp() override {
    ASSERT_NE(env_, nullptr);
    ASSERT_EQ(env_->replicas.size(), static_cast<size_t>(kReplicas)) << "set-up failed";
  }

  static void TearDownTestSuite() {
    delete env_;
    env_ = nullptr;
  }

  static void StartReplica(int index, bool demo) {
    Replica replica;
    replica.grpc_port = FreePort();
    do {
      replica.metrics_port = FreePort();
    } while (replica.metrics_port == replica.grpc_port);
    replica.log = env_->dir.File(absl::StrCat("mediation-", index, ".log"));
    Process::Options options;
    options.args = {BinaryPath("services/mediation/mediation"),
                    absl::StrCat("--listen=", replica.address()),
                    absl::StrCat("--metrics_port=", replica.metrics_port),
                    absl::StrCat("--redis=", env_->redis.address()),
                    absl::StrCat("--tokens_file=", env_->dir.File("tokens.json")),
                    "--drain_seconds=2"};
    if (demo) options.args.push_back("--demo_data");
    // The URL comes from the environment, as a Kubernetes secret would hand it over.
    options.env = {absl::StrCat("GOV_DATABASE_URL=", env_->url)};
    options.stderr_path = replica.log;
    absl::StatusOr<std::unique_ptr<Process>> process = Process::Spawn(options);
    ASSERT_TRUE(process.ok()) << process.status();
    replica.process = *std::move(process);
    replica.channel = grpc::CreateChannel(replica.address(), grpc::InsecureChannelCredentials());
    const absl::Time deadline = absl::Now() + kStartTimeout;
    while (HealthStatus(replica.channel, "", nullptr, absl::Seconds(1)) != kHealthServing) {
      ASSERT_TRUE(replica.process->Running()) << "replica " << index << " exited; log:\n"
                                              << ReadLog(replica.log);
      ASSERT_LT(absl::Now(), deadline) << "replica " << index << " not SERVING; log:\n"
                                       << ReadLog(replica.log);
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    env_->replicas.push_back(std::move(replica));
  }

  static std::string ReadLog(const std::string& path) {
    absl::StatusOr<CommandResult> tail =
        RunCommand({"/usr/bin/tail", "-n", "40", path}, absl::Seconds(5));
    return tail.ok() ? tail->out : "";
  }

  static std::unique_ptr<mv1::MediationService::Stub> Stub(
      const std::shared_ptr<grpc::Channel>& channel) {
    return mv1::MediationService::NewStub(channel);
  }

  static void Prepare(grpc::ClientContext* context) {
    context->AddMetadata("authorization", absl::StrCat("Bearer ", kAdminToken));
    context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
  }

  static mv1::CreateDisputeRequest NewDispute(const std::string& request_id,
                                              const std::string& street = "GS01") {
    mv1::CreateDisputeRequest request;
    request.set_request_id(request_id);
    mv1::Dispute* dispute = request.mutable_dispute();
    dispute->set_category(mv1::DISPUTE_CATEGORY_NEIGHBOURHOOD);
    dispute->set_channel(mv1::INTAKE_CHANNEL_WALK_IN);
    dispute->mutable_region()->set_street_id(street);
    dispute->set_summary("noise from the flat above");
    mv1::Party* party = dispute->add_parties();
    party->set_role(mv1::PARTY_ROLE_APPLICANT);
    party->set_name("测试人");
    return request;
  }

  static grpc::Status Create(mv1::MediationService::Stub& stub,
                             const mv1::CreateDisputeRequest& request, mv1::Dispute* out) {
    grpc::ClientContext context;
    Prepare(&context);
    mv1::CreateDisputeResponse response;
    grpc::Status status = stub.CreateDispute(&context, request, &response);
    if (out != nullptr) *out = response.dispute();
    return status;
  }

  static grpc::Status Get(mv1::MediationService::Stub& stub, const std::string& id,
                          mv1::Dispute* out) {
    grpc::ClientContext context;
    Prepare(&context);
    mv1::GetDisputeRequest request;
    request.set_id(id);
    mv1::GetDisputeResponse response;
    grpc::Status status = stub.GetDispute(&context, request, &response);
    if (out != nullptr) *out = response.dispute();
    return status;
  }

  static grpc::Status Triage(mv1::MediationService::Stub& stub, const mv1::Dispute& d,
                             mv1::Dispute* out) {
    grpc::ClientContext context;
    Prepare(&context);
    mv1::TriageDisputeRequest request;
    request.set_id(d.id());
    request.set_etag(d.etag());
    mv1::TriageDisputeResponse response;
    grpc::Status status = stub.TriageDispute(&context, request, &response);
    if (out != nullptr) *out = response.dispute();
    return status;
  }

  // One row of SQL as integers.
  static std::vector<int64_t> SqlInts(const std::string& sql) {
    absl::StatusOr<std::vector<std::vector<std::string>>> rows =
        env_->pg->Query(env_->database, sql);
    EXPECT_TRUE(rows.ok()) << rows.status();
    std::vector<int64_t> out;
    if (!rows.ok() || rows->empty()) return out;
    for (const std::string& cell : rows->front()) {
      int64_t v = 0;
      EXPECT_TRUE(cell.empty() || absl::SimpleAtoi(cell, &v)) << cell;
      out.push_back(v);
    }
    return out;
  }

  static std::map<std::string, int64_t> SqlCounts(const std::string& sql) {
    absl::StatusOr<std::vector<std::vector<std::string>>> rows =
        env_->pg->Query(env_->database, sql);
    EXPECT_TRUE(rows.ok()) << rows.status();
    std::map<std::string, int64_t> out;
    if (!rows.ok()) return out;
    for (const auto& row : *rows) {
      int64_t v = 0;
      EXPECT_TRUE(absl::SimpleAtoi(row[1], &v));
      if (v != 0) out[row[0]] = v;
    }
    return out;
  }

  struct Env {
    TempDir dir;
    RedisServer redis;
    PostgresServer* pg = nullptr;
    std::string database;
    std::string url;
    std::vector<Replica> replicas;
    std::shared_ptr<grpc::Channel> round_robin;
  };
  static Env* env_;
};

ScalingTest::Env* ScalingTest::env_ = nullptr;

TEST_F(ScalingTest, RoundRobinReachesBothReplicasAndReadsFollowWritesAcrossThem) {
  auto rr = Stub(env_->round_robin);
  auto a = Stub(env_->replicas[0].channel);
  auto b = Stub(env_->replicas[1].channel);

  // Through the round_robin channel: every read after a write sees the write, whichever
  // replica serves it.
  for (int i = 0; i < 20; ++i) {
    mv1::Dispute d;
    grpc::Status s = Create(*rr, NewDispute(absl::StrCat("ryw-", i)), &d);
    ASSERT_TRUE(s.ok()) << s.error_message();
    for (int k = 0; k < 2; ++k) {
      mv1::Dispute read;
      ASSERT_TRUE(Get(*rr, d.id(), &read).ok());
      EXPECT_EQ(read.etag(), d.etag());
    }
    mv1::Dispute triaged;
    s = Triage(*rr, d, &triaged);
    ASSERT_TRUE(s.ok()) << s.error_message();
    for (int k = 0; k < 2; ++k) {
      mv1::Dispute read;
      ASSERT_TRUE(Get(*rr, d.id(), &read).ok());
      EXPECT_EQ(read.state(), mv1::DISPUTE_STATE_TRIAGED);
      EXPECT_EQ(read.etag(), triaged.etag());
    }
  }

  // Explicitly across: B caches the dispute, A changes it, B serves the change (the shared
  // cache holds no stale entry), and the other way round.
  for (int i = 0; i < 10; ++i) {
    auto& writer = i % 2 == 0 ? *a : *b;
    auto& reader = i % 2 == 0 ? *b : *a;
    mv1::Dispute d;
    ASSERT_TRUE(Create(writer, NewDispute(absl::StrCat("across-", i)), &d).ok());
    mv1::Dispute cached;
    ASSERT_TRUE(Get(reader, d.id(), &cached).ok());
    ASSERT_TRUE(Get(reader, d.id(), &cached).ok());
    EXPECT_EQ(cached.state(), mv1::DISPUTE_STATE_RECEIVED);
    mv1::Dispute triaged;
    ASSERT_TRUE(Triage(writer, d, &triaged).ok());
    mv1::Dispute after;
    ASSERT_TRUE(Get(reader, d.id(), &after).ok());
    EXPECT_EQ(after.state(), mv1::DISPUTE_STATE_TRIAGED);
    EXPECT_EQ(after.etag(), triaged.etag());
  }

  // The round_robin channel spread the calls: both replicas served creates and gets.
  for (const Replica& r : env_->replicas) {
    EXPECT_GT(Scraped(r.metrics_port, "grpc_server_handled_total",
                      {{"grpc_method", "CreateDispute"}, {"grpc_code", "OK"}}),
              0)
        << r.address();
    EXPECT_GT(Scraped(r.metrics_port, "grpc_server_handled_total",
                      {{"grpc_method", "GetDispute"}, {"grpc_code", "OK"}}),
              0)
        << r.address();
  }
}

TEST_F(ScalingTest, ConcurrentCreatesWithOneRequestIdOnBothReplicasMakeOneCase) {
  for (int round = 0; round < 5; ++round) {
    const std::string request_id = absl::StrCat("same-request-", round);
    constexpr int kCallers = 16;
    absl::Barrier* barrier = new absl::Barrier(kCallers);
    std::vector<std::string> ids(kCallers);
    std::vector<grpc::StatusCode> codes(kCallers);
    std::vector<std::thread> callers;
    for (int i = 0; i < kCallers; ++i) {
      callers.emplace_back([&, i] {
        // Half straight to each replica, so both race on the same request id.
        auto stub = Stub(env_->replicas[i % kReplicas].channel);
        if (barrier->Block()) delete barrier;
        mv1::Dispute d;
        grpc::Status s = Create(*stub, NewDispute(request_id), &d);
        codes[i] = s.error_code();
        ids[i] = d.id();
      });
    }
    for (std::thread& t : callers) t.join();
    for (int i = 0; i < kCallers; ++i) {
      EXPECT_EQ(codes[i], grpc::StatusCode::OK) << "caller " << i;
      EXPECT_EQ(ids[i], ids[0]) << "caller " << i;
    }
    EXPECT_EQ(SqlInts(absl::StrCat("SELECT count(*) FROM cases WHERE track = 'mediation' AND "
                                   "request_id = '",
                                   request_id, "'")),
              std::vector<int64_t>{1});
    // The same request id with another body is refused, on either replica.
    mv1::CreateDisputeRequest other = NewDispute(request_id, "GS02");
    for (int r = 0; r < kReplicas; ++r) {
      auto stub = Stub(env_->replicas[r].channel);
      EXPECT_EQ(Create(*stub, other, nullptr).error_code(), grpc::StatusCode::ALREADY_EXISTS);
    }
  }
}

TEST_F(ScalingTest, ConcurrentUpdatesOnBothReplicasGiveAbortedToTheLoser) {
  auto rr = Stub(env_->round_robin);
  for (int round = 0; round < 10; ++round) {
    mv1::Dispute d;
    ASSERT_TRUE(Create(*rr, NewDispute(absl::StrCat("race-", round)), &d).ok());
    absl::Barrier* barrier = new absl::Barrier(kReplicas);
    std::vector<grpc::StatusCode> codes(kReplicas);
    std::vector<std::thread> callers;
    for (int r = 0; r < kReplicas; ++r) {
      callers.emplace_back([&, r] {
        auto stub = Stub(env_->replicas[r].channel);
        if (barrier->Block()) delete barrier;
        codes[r] = Triage(*stub, d, nullptr).error_code();
      });
    }
    for (std::thread& t : callers) t.join();
    const int ok = static_cast<int>(std::count(codes.begin(), codes.end(), grpc::StatusCode::OK));
    const int aborted =
        static_cast<int>(std::count(codes.begin(), codes.end(), grpc::StatusCode::ABORTED));
    EXPECT_EQ(ok, 1) << "round " << round;
    EXPECT_EQ(aborted, kReplicas - 1) << "round " << round;
    // One history entry for the triage, not two.
    EXPECT_EQ(SqlInts(absl::StrCat("SELECT count(*) FROM case_history WHERE track = "
                                   "'mediation' AND case_id = '",
                                   d.id(), "' AND action = 'Triage'")),
              std::vector<int64_t>{1});
  }
}

TEST_F(ScalingTest, CountersAndIndicatorsEqualARecountAfterConcurrentWork) {
  // Mixed concurrent work through the round_robin channel: creates across the streets, and
  // triage races where two callers move the same dispute.
  constexpr int kWorkers = 8;
  constexpr int kPerWorker = 15;
  std::vector<std::thread> workers;
  std::atomic<int> failures{0};
  for (int w = 0; w < kWorkers; ++w) {
    workers.emplace_back([&, w] {
      auto rr = Stub(env_->round_robin);
      for (int i = 0; i < kPerWorker; ++i) {
        mv1::Dispute d;
        const std::string street = absl::StrFormat("GS%02d", 1 + (w + i) % 10);
        if (!Create(*rr, NewDispute(absl::StrCat("mix-", w, "-", i), street), &d).ok()) {
          ++failures;
          continue;
        }
        if (i % 3 == 0) continue;  // some stay RECEIVED
        grpc::StatusCode first = Triage(*rr, d, nullptr).error_code();
        grpc::StatusCode second = Triage(*rr, d, nullptr).error_code();  // same etag: loses
        if (first != grpc::StatusCode::OK || second != grpc::StatusCode::ABORTED) ++failures;
      }
    });
  }
  for (std::thread& t : workers) t.join();
  EXPECT_EQ(failures.load(), 0);

  // case_counts against the cases themselves, by status.
  EXPECT_EQ(SqlCounts("SELECT status, sum(n) FROM case_counts WHERE track = 'mediation' "
                      "GROUP BY status ORDER BY status"),
            SqlCounts("SELECT status, count(*) FROM cases WHERE track = 'mediation' "
                      "GROUP BY status ORDER BY status"));
  // event_counts against the history, by target status and action.
  EXPECT_EQ(SqlCounts("SELECT action || '>' || status, sum(n) FROM event_counts WHERE track = "
                      "'mediation' GROUP BY 1 ORDER BY 1"),
            SqlCounts("SELECT action || '>' || to_status, count(*) FROM case_history WHERE "
                      "track = 'mediation' GROUP BY 1 ORDER BY 1"));

  // The indicators and rankings every replica serves equal a recount from the tables.
  const absl::CivilDay today = cal::LocalDay(absl::Now());
  const int year = static_cast<int>(today.year());
  const std::string year_from = absl::StrCat(year, "0101");
  const std::string year_to = absl::StrCat(year, "1231");
  const int64_t opened =
      SqlInts(absl::StrCat("SELECT count(*) FROM cases WHERE track = "
                           "'mediation' AND create_day BETWEEN ",
                           year_from, " AND ", year_to))[0];
  // Disputes, not agreements: those whose last end of mediation this year was an agreement.
  const int64_t agreed = SqlInts(absl::StrCat(
      "SELECT count(*) FROM (SELECT DISTINCT ON (case_id) to_status FROM case_history "
      "WHERE track = 'mediation' AND to_status IN ('AGREED', 'FAILED', 'REFERRED_TO_COURT') "
      "AND to_char(to_timestamp(time / 1000000.0) AT TIME ZONE 'Asia/Shanghai', 'YYYY') = '",
      year, "' ORDER BY case_id, sequence DESC) last WHERE to_status = 'AGREED'"))[0];
  ASSERT_GT(opened, kWorkers * kPerWorker);
  ASSERT_GT(agreed, 0) << "the demo data should hold agreements this year";
  for (const Replica& r : env_->replicas) {
    auto indicators = gv1::IndicatorsService::NewStub(r.channel);
    grpc::ClientContext context;
    Prepare(&context);
    gv1::ListIndicatorsRequest request;
    request.mutable_period()->set_year(year);
    request.add_indicator_ids("resolved_before_court");
    gv1::ListIndicatorsResponse response;
    grpc::Status s = indicators->ListIndicators(&context, request, &response);
    ASSERT_TRUE(s.ok()) << s.error_message();
    ASSERT_EQ(response.indicators_size(), 1);
    EXPECT_EQ(response.indicators(0).actual(), agreed) << r.address();

    grpc::ClientContext rank_context;
    Prepare(&rank_context);
    gv1::ListRankingsRequest rank_request;
    rank_request.mutable_period()->set_year(year);
    rank_request.set_dimension(gv1::RANKING_DIMENSION_STREET);
    gv1::ListRankingsResponse rankings;
    s = indicators->ListRankings(&rank_context, rank_request, &rankings);
    ASSERT_TRUE(s.ok()) << s.error_message();
    EXPECT_EQ(rankings.total(), opened) << r.address();
  }
}

}  // namespace
}  // namespace gov::testing
