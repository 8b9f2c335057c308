// PostgreSQL failover under load, against the real mediation binary: a primary and a streaming
// standby (pg_basebackup, synchronous replication: a commit is acknowledged once the standby has
// it), the service connected through a libpq multi-host URL with
// target_session_attrs=read-write. The primary is killed (SIGKILL) while clients create
// disputes, the standby is promoted, and the service finds the new primary by itself. What must
// hold: every create acknowledged before, during or after is on the new primary; the calls that
// failed meanwhile failed with a code a client retries on (UNAVAILABLE, or ABORTED/INTERNAL for
// a transaction cut off: never a silent success), and retrying them with their request_ids
// makes exactly one dispute each.

#include <atomic>
#include <chrono>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "governance/mediation/v1/mediation.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "tests/support/disputes.h"
#include "tests/support/postgres_server.h"
#include "tests/support/redis_server.h"
#include "tests/support/test_support.h"
#include "tests/support/track_process.h"

namespace gov::testing {
namespace {

namespace mv1 = governance::mediation::v1;

constexpr int kClients = 4;
constexpr char kDatabase[] = "governance";

// A contract dispute of the load, its summary tagged with its request_id.
mv1::Dispute NewDispute(const std::string& request_id) {
  mv1::Dispute d = SampleDispute("GS03", "GS03-C01", absl::StrCat("租赁合同纠纷 ", request_id));
  d.set_category(mv1::DISPUTE_CATEGORY_CONTRACT);
  return d;
}

absl::Status WaitFor(const std::function<bool()>& done, absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (!done()) {
    if (absl::Now() > deadline) return absl::DeadlineExceededError("condition not reached");
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return absl::OkStatus();
}

TEST(PostgresSwitchoverTest, StandbyPromotedUnderLoadKeepsEveryAcknowledgedCreate) {
  PostgresServer primary;
  PostgresServer::Options durable;
  durable.durable = true;
  ASSERT_TRUE(primary.Start(durable).ok());
  ASSERT_TRUE(primary.CreateDatabase(kDatabase).ok());
  PostgresServer standby;
  PostgresServer::Options follower = durable;
  follower.standby_of = primary.port();
  const absl::Status standby_started = standby.Start(follower);
  ASSERT_TRUE(standby_started.ok()) << standby_started;

  // Synchronous replication: a commit returns once the standby has flushed it.
  ASSERT_TRUE(primary.Exec("postgres", "ALTER SYSTEM SET synchronous_standby_names = '*'").ok());
  ASSERT_TRUE(primary.Exec("postgres", "SELECT pg_reload_conf()").ok());
  ASSERT_TRUE(WaitFor(
                  [&] {
                    auto rows =
                        primary.Query("postgres", "SELECT sync_state FROM pg_stat_replication");
                    return rows.ok() && !rows->empty() && rows->front().front() == "sync";
                  },
                  absl::Seconds(30))
                  .ok())
      << "the standby never became synchronous";

  TempDir dir;
  RedisServer redis;
  ASSERT_TRUE(redis.Start().ok());
  WriteAdminTokenFile(dir.File("tokens.json"));
  TrackProcess::Options options;
  options.track = "mediation";
  options.database_url = absl::StrCat("postgresql://postgres@127.0.0.1:", primary.port(),
                                      ",127.0.0.1:", standby.port(), "/", kDatabase,
                                      "?target_session_attrs=read-write");
  options.redis = redis.address();
  options.tokens_file = dir.File("tokens.json");
  options.log_path = dir.File("mediation.log");
  options.args = {"--drain_seconds=2"};
  TrackProcess service(options);
  absl::Status started = service.Start();
  ASSERT_TRUE(started.ok()) << started;
  auto stub = mv1::MediationService::NewStub(service.channel());

  std::atomic<bool> stop{false};
  std::mutex mu;
  std::map<std::string, std::string> acked;  // request_id -> dispute id
  std::vector<std::string> failed;           // request_ids to retry
  std::map<std::string, int> failure_codes;
  std::vector<std::string> not_retryable;
  std::atomic<int> acked_after_promotion{0};
  std::atomic<bool> promoted{false};
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      for (int n = 0; !stop.load(); ++n) {
        const std::string request_id = absl::StrCat("switch-", c, "-", n);
        mv1::Dispute created;
        const grpc::Status status = CreateDispute(*stub, request_id, NewDispute(request_id),
                                                  &created, {.timeout = absl::Seconds(10)});
        std::lock_guard<std::mutex> lock(mu);
        if (status.ok()) {
          acked[request_id] = created.id();
          if (promoted.load()) ++acked_after_promotion;
          continue;
        }
        failed.push_back(request_id);
        ++failure_codes[absl::StrCat(static_cast<int>(status.error_code()))];
        const grpc::StatusCode code = status.error_code();
        if (code != grpc::StatusCode::UNAVAILABLE && code != grpc::StatusCode::ABORTED &&
            code != grpc::StatusCode::INTERNAL && code != grpc::StatusCode::DEADLINE_EXCEEDED) {
          not_retryable.push_back(absl::StrCat(request_id, ": code ", static_cast<int>(code), " ",
                                               status.error_message()));
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
    });
  }

  std::this_thread::sleep_for(std::chrono::milliseconds(2000));
  size_t acked_before;
  {
    std::lock_guard<std::mutex> lock(mu);
    acked_before = acked.size();
  }
  const absl::Time failover = absl::Now();
  primary.Kill();
  const absl::Status promote = standby.Promote();
  ASSERT_TRUE(promote.ok()) << promote;
  promoted = true;
  const absl::Status resumed =
      WaitFor([&] { return acked_after_promotion.load() >= 20; }, absl::Seconds(60));
  const absl::Duration outage = absl::Now() - failover;
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));
  stop = true;
  for (std::thread& t : clients) t.join();
  ASSERT_TRUE(resumed.ok()) << "the service did not write to the promoted standby; log:\n"
                            << service.LogTail();

  std::string codes;
  for (const auto& [code, count] : failure_codes)
    absl::StrAppend(&codes, " code ", code, "×", count);
  std::cout << "[ failover ] " << acked_before << " acknowledged before the primary died, "
            << acked.size() << " in all (" << acked_after_promotion.load()
            << " after the promotion); writes again after " << absl::FormatDuration(outage) << "; "
            << failed.size() << " failed:" << codes << std::endl;
  EXPECT_GT(acked_before, 0u);
  EXPECT_TRUE(not_retryable.empty())
      << not_retryable.size() << ", first: " << not_retryable.front();

  // Every acknowledged create is on the new primary; retried failures make one dispute each.
  ASSERT_NO_FATAL_FAILURE(ExpectReadable(*stub, acked));
  std::set<std::string> ids;
  for (const auto& [request_id, id] : acked) ids.insert(id);
  ASSERT_NO_FATAL_FAILURE(CreateAgain(*stub, failed, NewDispute, &ids));
  absl::StatusOr<std::vector<std::vector<std::string>>> rows =
      standby.Query(kDatabase,
                    "SELECT count(*), count(DISTINCT request_id) FROM cases WHERE track = "
                    "'mediation' AND request_id LIKE 'switch-%'");
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_EQ((*rows)[0][0], absl::StrCat(ids.size())) << "one dispute per request_id";
  EXPECT_EQ((*rows)[0][1], absl::StrCat(ids.size()));
  ASSERT_TRUE(service.Stop().ok());
}

}  // namespace
}  // namespace gov::testing
