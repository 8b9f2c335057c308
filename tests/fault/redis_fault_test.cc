// Redis faults under load, against the real mediation binary on SQLite: Redis hangs (SIGSTOP)
// and later dies and comes back, while clients create, triage and read disputes. What must hold:
//  - no call fails: the cache is best-effort, the store answers;
//  - the latency budget: no call waits on Redis for more than the configured Redis timeout in
//    all (CacheOptions::command_timeout: per operation and per call), so a call takes at most
//    that plus its store work, however many cache operations it makes;
//  - no stale read: a read that follows an acknowledged change never shows the dispute as it was
//    before, during the fault or after Redis returns with its old entries.

#include <signal.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
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
#include "tests/support/redis_server.h"
#include "tests/support/test_support.h"
#include "tests/support/track_process.h"

namespace gov::testing {
namespace {

namespace mv1 = governance::mediation::v1;

// The service's Redis timeout: long enough that one wait stands out from store work on a loaded
// machine, and that several waits in one call (what the budget forbids) would be plain.
constexpr int kRedisTimeoutMs = 300;
// What a call may take beyond the Redis timeout: its store work and gRPC on two loaded cores.
constexpr absl::Duration kStoreAllowance = absl::Milliseconds(300);
constexpr int kClients = 4;

// Every call's outcome and latency, by the phase it started in.
struct Tally {
  std::mutex mu;
  std::map<std::string, int> calls;
  std::map<std::string, absl::Duration> slowest;
  std::vector<std::string> failures;
  std::vector<std::string> stale;

  void Record(const std::string& phase, absl::Duration took, const grpc::Status& status,
              const std::string& what) {
    std::lock_guard<std::mutex> lock(mu);
    ++calls[phase];
    slowest[phase] = std::max(slowest[phase], took);
    if (!status.ok()) {
      failures.push_back(absl::StrCat(phase, " ", what, ": code ",
                                      static_cast<int>(status.error_code()), " ",
                                      status.error_message()));
    }
  }
};

class RedisFaultTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(redis_.Start().ok());
    WriteAdminTokenFile(dir_.File("tokens.json"));
    TrackProcess::Options options;
    options.track = "mediation";
    options.db_path = dir_.File("mediation.db");
    options.redis = redis_.address();
    options.tokens_file = dir_.File("tokens.json");
    options.log_path = dir_.File("mediation.log");
    options.args = {absl::StrCat("--redis_timeout_ms=", kRedisTimeoutMs), "--drain_seconds=2"};
    service_ = std::make_unique<TrackProcess>(options);
    const absl::Status started = service_->Start();
    ASSERT_TRUE(started.ok()) << started;
    stub_ = mv1::MediationService::NewStub(service_->channel());

    mv1::CreateMediatingBodyRequest request;
    request.set_request_id("body-1");
    mv1::MediatingBody* body = request.mutable_body();
    body->set_kind(mv1::BODY_KIND_COMMUNITY_ROOM);
    body->set_name("和睦社区调解室");
    body->mutable_region()->set_street_id("GS01");
    body->mutable_region()->set_community_id("GS01-C01");
    mv1::CreateMediatingBodyResponse response;
    const grpc::Status status =
        stub_->CreateMediatingBody(AdminContext().get(), request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    body_id_ = response.body().id();
  }

  void TearDown() override {
    if (HasFailure()) std::cout << "--- mediation log ---\n" << service_->LogTail(60) << "\n";
  }

  std::string Phase() {
    std::lock_guard<std::mutex> lock(phase_mu_);
    return phase_;
  }
  void SetPhase(const std::string& phase) {
    std::lock_guard<std::mutex> lock(phase_mu_);
    phase_ = phase;
    std::cout << "[ phase    ] " << phase << std::endl;
  }

  // One client: create a dispute, read it, triage it, read it again; every read must show at
  // least what was acknowledged before it.
  void Client(int client, std::atomic<bool>* stop) {
    for (int n = 0; !stop->load(); ++n) {
      const std::string phase = Phase();
      const std::string request_id = absl::StrCat("c", client, "-", n);
      const mv1::Dispute dispute = SampleDispute("GS01", "GS01-C01", absl::StrCat("楼上漏水 #", n));
      mv1::Dispute created;
      absl::Time start = absl::Now();
      grpc::Status status = CreateDispute(*stub_, request_id, dispute, &created);
      tally_.Record(phase, absl::Now() - start, status, "create");
      if (!status.ok()) continue;
      const std::string id = created.id();

      ReadAndCheck(phase, id, mv1::DISPUTE_STATE_RECEIVED);

      mv1::TriageDisputeRequest triage;
      triage.set_id(id);
      triage.set_etag(created.etag());
      triage.set_body_id(body_id_);
      mv1::TriageDisputeResponse triaged;
      start = absl::Now();
      status = stub_->TriageDispute(AdminContext().get(), triage, &triaged);
      tally_.Record(phase, absl::Now() - start, status, absl::StrCat("triage ", id));
      if (!status.ok()) continue;
      ReadAndCheck(phase, id, mv1::DISPUTE_STATE_TRIAGED);
      {
        std::lock_guard<std::mutex> lock(acked_mu_);
        acked_[id] = mv1::DISPUTE_STATE_TRIAGED;
      }
    }
  }

  void ReadAndCheck(const std::string& phase, const std::string& id, mv1::DisputeState want) {
    mv1::Dispute got;
    const absl::Time start = absl::Now();
    const grpc::Status status = GetDispute(*stub_, id, &got);
    tally_.Record(phase, absl::Now() - start, status, absl::StrCat("get ", id));
    if (status.ok() && got.state() != want) {
      std::lock_guard<std::mutex> lock(tally_.mu);
      tally_.stale.push_back(absl::StrCat(phase, " ", id, " read as ",
                                          mv1::DisputeState_Name(got.state()), " after ",
                                          mv1::DisputeState_Name(want), " was acknowledged"));
    }
  }

  TempDir dir_;
  RedisServer redis_;
  std::unique_ptr<TrackProcess> service_;
  std::unique_ptr<mv1::MediationService::Stub> stub_;
  std::string body_id_;
  Tally tally_;
  std::mutex phase_mu_;
  std::string phase_ = "healthy";
  std::mutex acked_mu_;
  std::map<std::string, mv1::DisputeState> acked_;
};

TEST_F(RedisFaultTest, HungAndDeadRedisCostNoCallAndNoStaleReadWithinTheBudget) {
  std::atomic<bool> stop{false};
  std::vector<std::thread> clients;
  for (int i = 0; i < kClients; ++i) clients.emplace_back([this, i, &stop] { Client(i, &stop); });

  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  SetPhase("redis-hung");
  ASSERT_TRUE(redis_.Pause().ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(3000));
  ASSERT_TRUE(redis_.Resume().ok());
  SetPhase("redis-resumed");
  std::this_thread::sleep_for(std::chrono::milliseconds(3000));
  SetPhase("redis-dead");
  redis_.Kill();
  std::this_thread::sleep_for(std::chrono::milliseconds(2000));
  ASSERT_TRUE(redis_.Restart().ok());
  SetPhase("redis-restarted");
  // Past the breaker's open interval, so the cache is in use again.
  std::this_thread::sleep_for(std::chrono::milliseconds(3500));
  stop = true;
  for (std::thread& t : clients) t.join();

  // Every acknowledged change reads back, through the cache that is now in use again.
  for (const auto& [id, state] : acked_) ReadAndCheck("final", id, state);

  const absl::Duration budget = absl::Milliseconds(kRedisTimeoutMs) + kStoreAllowance;
  for (const auto& [phase, calls] : tally_.calls) {
    std::cout << "[ calls    ] " << phase << ": " << calls << " calls, slowest "
              << absl::FormatDuration(tally_.slowest[phase]) << " (budget "
              << absl::FormatDuration(budget) << ")" << std::endl;
    EXPECT_GT(calls, 0) << phase;
    EXPECT_LE(tally_.slowest[phase], budget) << phase;
  }
  EXPECT_TRUE(tally_.failures.empty())
      << tally_.failures.size() << " failed calls, first: " << tally_.failures.front();
  EXPECT_TRUE(tally_.stale.empty())
      << tally_.stale.size() << " stale reads, first: " << tally_.stale.front();
  EXPECT_GT(acked_.size(), 10u);
  EXPECT_TRUE(service_->Running());
}

}  // namespace
}  // namespace gov::testing
