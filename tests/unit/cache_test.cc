#include "common/cache/cache.h"

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/cache/circuit_breaker.h"
#include "common/clock/clock.h"
#include "common/util/call_deadline.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "prometheus/gauge.h"
#include "prometheus/metric_type.h"
#include "prometheus/registry.h"
#include "tests/support/redis_server.h"

namespace gov::cache {
namespace {

using ::testing::Optional;
using ::testing::UnorderedElementsAre;

constexpr char kRequests[] = "governance_cache_requests_total";
constexpr char kCircuit[] = "governance_cache_circuit_open";
constexpr absl::Duration kTtl = absl::Minutes(10);

// The value of governance_cache_requests_total{result=...}; -1 when the series does not exist.
double Requests(const prometheus::Registry& registry, const std::string& result) {
  for (const auto& family : registry.Collect()) {
    if (family.name != kRequests) continue;
    for (const auto& metric : family.metric) {
      for (const auto& label : metric.label) {
        if (label.name == "result" && label.value == result) return metric.counter.value;
      }
    }
  }
  return -1;
}

// The value of governance_cache_circuit_open; -1 when the series does not exist.
double CircuitGauge(const prometheus::Registry& registry) {
  for (const auto& family : registry.Collect()) {
    if (family.name == kCircuit && family.metric.size() == 1) return family.metric[0].gauge.value;
  }
  return -1;
}

class CacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const absl::Status started = redis_.Start();
    ASSERT_TRUE(started.ok()) << started;
  }

  // Generous timeouts: these tests must not flake on a loaded machine. Tests of failures set
  // shorter ones.
  CacheOptions Options() const {
    CacheOptions options;
    options.address = redis_.address();
    options.pool_size = 4;
    options.connect_timeout = absl::Seconds(2);
    options.command_timeout = absl::Seconds(2);
    options.failure_threshold = 3;
    options.open_interval = absl::Seconds(2);
    options.prefix = "test:";
    return options;
  }

  std::unique_ptr<Cache> Make(const CacheOptions& options) {
    return Cache::Create(options, &registry_, &clock_);
  }

  double Hits() const { return Requests(registry_, "hit"); }
  double Misses() const { return Requests(registry_, "miss"); }
  double Errors() const { return Requests(registry_, "error"); }

  gov::testing::RedisServer redis_;
  prometheus::Registry registry_;
  FakeClock clock_{absl::FromUnixSeconds(1'700'000'000)};
};

TEST_F(CacheTest, GetSetDelete) {
  auto cache = Make(Options());
  EXPECT_EQ(cache->Get("a"), std::nullopt);
  cache->Set("a", "alpha", kTtl);
  const std::string binary("x\0y\r\n", 5);
  cache->Set("b", binary, kTtl);
  EXPECT_THAT(cache->Get("a"), Optional(std::string("alpha")));
  EXPECT_THAT(cache->Get("b"), Optional(binary));

  cache->Delete({"a", "never-set"});
  EXPECT_EQ(cache->Get("a"), std::nullopt);
  EXPECT_THAT(cache->Get("b"), Optional(binary));

  EXPECT_EQ(Hits(), 3);
  EXPECT_EQ(Misses(), 2);
  EXPECT_EQ(Errors(), 0);
  EXPECT_FALSE(cache->circuit_open());
}

TEST_F(CacheTest, EntriesCarryTheirTtl) {
  auto cache = Make(Options());
  cache->Set("long", "x", absl::Seconds(60));
  // The key layout is documented in cache.h: <prefix><epoch>:<key>, epoch 0 on a fresh Redis.
  auto pttl = redis_.Command({"PTTL", "test:0:long"});
  ASSERT_TRUE(pttl.ok()) << pttl.status();
  int64_t ms = 0;
  ASSERT_TRUE(absl::SimpleAtoi(*pttl, &ms)) << *pttl;
  EXPECT_GT(ms, 0);
  EXPECT_LE(ms, 60'000);

  cache->PutVersioned("case", 1, "x", absl::Seconds(30));
  pttl = redis_.Command({"PTTL", "test:0:case"});
  ASSERT_TRUE(pttl.ok()) << pttl.status();
  ASSERT_TRUE(absl::SimpleAtoi(*pttl, &ms)) << *pttl;
  EXPECT_GT(ms, 0);
  EXPECT_LE(ms, 30'000);

  // Redis expires on its own clock: poll it, with a deadline.
  cache->Set("short", "x", absl::Milliseconds(50));
  const absl::Time deadline = absl::Now() + absl::Seconds(5);
  while (cache->Get("short").has_value() && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(10));
  }
  EXPECT_EQ(cache->Get("short"), std::nullopt);

  // A non-positive TTL means "do not cache".
  cache->Set("zero", "x", absl::ZeroDuration());
  cache->PutVersioned("zero-v", 1, "x", -absl::Seconds(1));
  EXPECT_EQ(cache->Get("zero"), std::nullopt);
  EXPECT_EQ(cache->GetVersioned("zero-v"), std::nullopt);
  EXPECT_EQ(Errors(), 0);
}

TEST_F(CacheTest, ScriptsAreReloadedAfterScriptFlush) {
  auto cache = Make(Options());
  cache->Set("a", "alpha", kTtl);
  ASSERT_TRUE(redis_.Command({"SCRIPT", "FLUSH"}).ok());
  EXPECT_THAT(cache->Get("a"), Optional(std::string("alpha")));
  EXPECT_EQ(Errors(), 0);
}

TEST_F(CacheTest, VersionedPutNeverGoesBackwards) {
  auto cache = Make(Options());
  cache->PutVersioned("case:1", 2, "two", kTtl);
  cache->PutVersioned("case:1", 1, "one", kTtl);
  EXPECT_THAT(cache->GetVersioned("case:1"), Optional(std::string("two")));
  cache->PutVersioned("case:1", 2, "other two", kTtl);
  EXPECT_THAT(cache->GetVersioned("case:1"), Optional(std::string("two")));
  cache->PutVersioned("case:1", 10, "ten", kTtl);
  EXPECT_THAT(cache->GetVersioned("case:1"), Optional(std::string("ten")));

  // Versions a double cannot tell apart (2^53 and 2^53 + 1).
  cache->PutVersioned("case:2", 9'007'199'254'740'992, "low", kTtl);
  cache->PutVersioned("case:2", 9'007'199'254'740'993, "high", kTtl);
  cache->PutVersioned("case:2", 9'007'199'254'740'992, "low again", kTtl);
  EXPECT_THAT(cache->GetVersioned("case:2"), Optional(std::string("high")));

  cache->PutVersioned("case:3", -10, "minus ten", kTtl);
  cache->PutVersioned("case:3", -3, "minus three", kTtl);
  cache->PutVersioned("case:3", -9, "minus nine", kTtl);
  EXPECT_THAT(cache->GetVersioned("case:3"), Optional(std::string("minus three")));
  cache->PutVersioned("case:3", 0, "zero", kTtl);
  EXPECT_THAT(cache->GetVersioned("case:3"), Optional(std::string("zero")));

  EXPECT_EQ(cache->GetVersioned("case:none"), std::nullopt);
  EXPECT_EQ(Errors(), 0);
}

// A writer marks the entry pending before its commit: readers miss, nothing older is put back,
// and the writer's own version (or a later one) replaces the marker.
TEST_F(CacheTest, PendingMarkerHidesTheEntryUntilItsVersionIsStored) {
  auto cache = Make(Options());
  cache->PutVersioned("case", 4, "v4", kTtl);
  cache->MarkPending("case", 6, kTtl);
  EXPECT_EQ(cache->GetVersioned("case"), std::nullopt);
  cache->PutVersioned("case", 4, "v4 again", kTtl);  // a reader's refill from before the commit
  cache->PutVersioned("case", 5, "v5", kTtl);
  EXPECT_EQ(cache->GetVersioned("case"), std::nullopt);
  cache->PutVersioned("case", 6, "v6", kTtl);  // the writer, after its commit
  EXPECT_THAT(cache->GetVersioned("case"), Optional(std::string("v6")));
  cache->PutVersioned("case", 6, "v6 again", kTtl);  // equal and stored: not replaced
  cache->MarkPending("case", 6, kTtl);               // nor marked again
  EXPECT_THAT(cache->GetVersioned("case"), Optional(std::string("v6")));
  cache->PutVersioned("case", 7, "v7", kTtl);  // a reader's refill with history, say
  EXPECT_THAT(cache->GetVersioned("case"), Optional(std::string("v7")));
}

// A writer that dies after its commit leaves its marker: readers miss (and read the store)
// until a refill of the committed version replaces it, or it expires.
TEST_F(CacheTest, AMarkerLeftByADeadWriterGivesWayToTheCommittedVersionOrExpires) {
  auto cache = Make(Options());
  cache->PutVersioned("a", 2, "v2", kTtl);
  cache->MarkPending("a", 4, kTtl);
  EXPECT_EQ(cache->GetVersioned("a"), std::nullopt);
  cache->PutVersioned("a", 5, "v4 with history", kTtl);
  EXPECT_THAT(cache->GetVersioned("a"), Optional(std::string("v4 with history")));

  cache->PutVersioned("b", 2, "v2", kTtl);
  cache->MarkPending("b", 4, absl::Milliseconds(300));
  absl::SleepFor(absl::Milliseconds(600));
  EXPECT_EQ(cache->GetVersioned("b"), std::nullopt);
  cache->PutVersioned("b", 3, "v3", kTtl);
  EXPECT_THAT(cache->GetVersioned("b"), Optional(std::string("v3")));
}

TEST_F(CacheTest, ConcurrentVersionedPutsEndAtTheHighest) {
  CacheOptions options = Options();
  options.pool_size = 3;  // fewer connections than threads: borrowers wait
  auto cache = Make(options);
  constexpr int kThreads = 6;
  constexpr int kPerThread = 60;
  constexpr int64_t kMax = kThreads * kPerThread - 1;

  std::atomic<bool> done{false};
  std::atomic<int> went_backwards{0};
  std::thread reader([&] {
    int64_t last = -1;
    while (!done.load()) {
      auto value = cache->GetVersioned("case:race");
      int64_t seen = 0;
      if (!value.has_value() || !absl::SimpleAtoi(*value, &seen)) continue;
      if (seen < last) went_backwards.fetch_add(1);
      last = std::max(last, seen);
    }
  });
  std::vector<std::thread> writers;
  for (int t = 0; t < kThreads; ++t) {
    writers.emplace_back([&, t] {
      std::vector<int64_t> versions;
      for (int i = 0; i < kPerThread; ++i) versions.push_back(int64_t{i} * kThreads + t);
      std::shuffle(versions.begin(), versions.end(), std::mt19937(t));
      for (int64_t v : versions) cache->PutVersioned("case:race", v, absl::StrCat(v), kTtl);
    });
  }
  for (auto& w : writers) w.join();
  done.store(true);
  reader.join();

  EXPECT_THAT(cache->GetVersioned("case:race"), Optional(absl::StrCat(kMax)));
  EXPECT_EQ(went_backwards.load(), 0);
  EXPECT_EQ(Errors(), 0);
}

TEST_F(CacheTest, AggregateGenerationProtocol) {
  auto cache = Make(Options());
  Cache::AggregateLookup first = cache->GetAggregate("mediation:agg", "2024-05/street-1");
  ASSERT_GE(first.generation, 0);
  EXPECT_EQ(first.value, std::nullopt);

  cache->PutAggregate("mediation:agg", first.generation, "2024-05/street-1", "old", kTtl);
  cache->PutAggregate("other:agg", cache->GetAggregate("other:agg", "k").generation, "k", "kept",
                      kTtl);
  Cache::AggregateLookup filled = cache->GetAggregate("mediation:agg", "2024-05/street-1");
  EXPECT_EQ(filled.generation, first.generation);
  EXPECT_THAT(filled.value, Optional(std::string("old")));

  // A writer commits and bumps: the old entry is gone for readers.
  cache->BumpGeneration("mediation:agg");
  Cache::AggregateLookup after_bump = cache->GetAggregate("mediation:agg", "2024-05/street-1");
  EXPECT_GT(after_bump.generation, first.generation);
  EXPECT_EQ(after_bump.value, std::nullopt);

  // A reader that computed from the store before the commit puts under the old generation:
  // nobody sees it.
  cache->PutAggregate("mediation:agg", first.generation, "2024-05/street-1", "stale", kTtl);
  Cache::AggregateLookup after_stale = cache->GetAggregate("mediation:agg", "2024-05/street-1");
  EXPECT_EQ(after_stale.generation, after_bump.generation);
  EXPECT_EQ(after_stale.value, std::nullopt);

  cache->PutAggregate("mediation:agg", after_bump.generation, "2024-05/street-1", "new", kTtl);
  EXPECT_THAT(cache->GetAggregate("mediation:agg", "2024-05/street-1").value,
              Optional(std::string("new")));
  // Scopes are independent.
  EXPECT_THAT(cache->GetAggregate("other:agg", "k").value, Optional(std::string("kept")));
  EXPECT_EQ(Errors(), 0);
}

TEST_F(CacheTest, CircuitOpensWhenRedisDiesAndClosesAfterRestart) {
  CacheOptions options = Options();
  options.connect_timeout = absl::Milliseconds(500);
  options.command_timeout = absl::Milliseconds(500);
  auto cache = Make(options);
  cache->Set("k", "v", kTtl);
  ASSERT_THAT(cache->Get("k"), Optional(std::string("v")));
  ASSERT_EQ(Errors(), 0);
  ASSERT_EQ(CircuitGauge(registry_), 0);

  redis_.Kill();
  for (int i = 0; i < options.failure_threshold; ++i) {
    EXPECT_FALSE(cache->circuit_open()) << "after " << i << " failures";
    EXPECT_EQ(cache->Get("k"), std::nullopt);
  }
  EXPECT_TRUE(cache->circuit_open());
  EXPECT_EQ(CircuitGauge(registry_), 1);
  EXPECT_EQ(Errors(), options.failure_threshold);

  // Open: Redis is not asked (asking a dead Redis would count an error), lookups are misses.
  const double misses = Misses();
  for (int i = 0; i < 5; ++i) EXPECT_EQ(cache->Get("k"), std::nullopt);
  cache->Set("k", "skipped", kTtl);
  EXPECT_EQ(cache->GetAggregate("agg", "k").generation, -1);
  EXPECT_EQ(Errors(), options.failure_threshold);
  EXPECT_EQ(Misses(), misses + 6);

  // Back, but the circuit stays open for open_interval.
  const absl::Status restarted = redis_.Restart();
  ASSERT_TRUE(restarted.ok()) << restarted;
  clock_.Advance(options.open_interval - absl::Milliseconds(1));
  EXPECT_EQ(cache->Get("k"), std::nullopt);
  EXPECT_TRUE(cache->circuit_open());
  EXPECT_EQ(Errors(), options.failure_threshold);

  // Half-open: the probe succeeds and closes the circuit.
  clock_.Advance(absl::Milliseconds(1));
  cache->Set("k", "again", kTtl);
  EXPECT_FALSE(cache->circuit_open());
  EXPECT_EQ(CircuitGauge(registry_), 0);
  const double hits = Hits();
  EXPECT_THAT(cache->Get("k"), Optional(std::string("again")));
  EXPECT_EQ(Hits(), hits + 1);
  EXPECT_EQ(Errors(), options.failure_threshold);
}

TEST_F(CacheTest, FailedProbeReopensTheCircuit) {
  CacheOptions options = Options();
  options.connect_timeout = absl::Milliseconds(500);
  options.command_timeout = absl::Milliseconds(500);
  options.failure_threshold = 2;
  auto cache = Make(options);
  cache->Set("k", "v", kTtl);
  redis_.Kill();
  EXPECT_EQ(cache->Get("k"), std::nullopt);
  EXPECT_EQ(cache->Get("k"), std::nullopt);
  ASSERT_TRUE(cache->circuit_open());
  ASSERT_EQ(Errors(), 2);

  // The probe reaches for the still dead Redis, fails, and re-opens for a full interval.
  clock_.Advance(options.open_interval);
  EXPECT_EQ(cache->Get("k"), std::nullopt);
  EXPECT_EQ(Errors(), 3);
  EXPECT_TRUE(cache->circuit_open());
  clock_.Advance(options.open_interval - absl::Milliseconds(1));
  EXPECT_EQ(cache->Get("k"), std::nullopt);
  EXPECT_EQ(Errors(), 3);

  const absl::Status restarted = redis_.Restart();
  ASSERT_TRUE(restarted.ok()) << restarted;
  clock_.Advance(absl::Milliseconds(1));
  EXPECT_EQ(cache->Get("k"), std::nullopt);  // the restarted Redis lost everything
  EXPECT_FALSE(cache->circuit_open());
  EXPECT_EQ(CircuitGauge(registry_), 0);
  cache->Set("k", "v2", kTtl);
  EXPECT_THAT(cache->Get("k"), Optional(std::string("v2")));
  EXPECT_EQ(Errors(), 3);
}

// An invalidation that never reaches Redis (circuit open) must not let entries cached before it
// be served once Redis is reachable again, although Redis kept them. The server is paused
// (SIGSTOP), not killed, so its data survives the outage.
TEST_F(CacheTest, LostInvalidationIsNotServedAfterRecovery) {
  CacheOptions options = Options();
  options.connect_timeout = absl::Milliseconds(300);
  options.command_timeout = absl::Milliseconds(300);
  options.failure_threshold = 2;
  auto cache = Make(options);
  // Another process sharing the Redis namespace.
  prometheus::Registry other_registry;
  CacheOptions other_options = Options();
  auto other = Cache::Create(other_options, &other_registry, &clock_);

  cache->PutVersioned("case:7", 1, "v1", kTtl);
  cache->Set("list:street-1", "old list", kTtl);
  const Cache::AggregateLookup before = cache->GetAggregate("agg", "k");
  ASSERT_GE(before.generation, 0);
  cache->PutAggregate("agg", before.generation, "k", "old total", kTtl);
  ASSERT_THAT(other->GetVersioned("case:7"), Optional(std::string("v1")));
  ASSERT_EQ(Errors(), 0);

  ASSERT_TRUE(redis_.Pause().ok());
  EXPECT_EQ(cache->Get("unrelated:1"), std::nullopt);  // times out
  EXPECT_EQ(cache->Get("unrelated:2"), std::nullopt);  // times out
  ASSERT_TRUE(cache->circuit_open());
  ASSERT_TRUE(redis_.Resume().ok());
  const double errors = Errors();

  // The store changed; these invalidations are skipped by the open circuit.
  cache->PutVersioned("case:7", 2, "v2", kTtl);
  cache->Delete({"list:street-1"});
  cache->BumpGeneration("agg");
  EXPECT_EQ(Errors(), errors);  // not attempted
  // Redis still holds the old entries, as if the invalidations had been lost on the way.
  auto stored = redis_.Command({"HGET", "test:0:case:7", "d"});
  ASSERT_TRUE(stored.ok()) << stored.status();
  EXPECT_EQ(*stored, "v1");
  ASSERT_TRUE(redis_.Command({"GET", "test:0:list:street-1"}).ok());

  clock_.Advance(options.open_interval);
  EXPECT_EQ(cache->GetVersioned("case:7"), std::nullopt);
  EXPECT_FALSE(cache->circuit_open());
  EXPECT_EQ(cache->Get("list:street-1"), std::nullopt);
  const Cache::AggregateLookup after = cache->GetAggregate("agg", "k");
  EXPECT_GT(after.generation, before.generation);
  EXPECT_EQ(after.value, std::nullopt);
  // A fill computed before the outage, under the old generation, stays invisible.
  cache->PutAggregate("agg", before.generation, "k", "stale total", kTtl);
  EXPECT_EQ(cache->GetAggregate("agg", "k").value, std::nullopt);
  // The epoch lives in Redis: the other process stops serving the old entries too.
  EXPECT_EQ(other->GetVersioned("case:7"), std::nullopt);
  EXPECT_EQ(other->Get("list:street-1"), std::nullopt);
  EXPECT_EQ(Errors(), errors);

  cache->PutVersioned("case:7", 2, "v2", kTtl);
  EXPECT_THAT(cache->GetVersioned("case:7"), Optional(std::string("v2")));
  EXPECT_THAT(other->GetVersioned("case:7"), Optional(std::string("v2")));
  // One recovery, one epoch.
  auto epoch = redis_.Command({"GET", "test:epoch"});
  ASSERT_TRUE(epoch.ok()) << epoch.status();
  EXPECT_EQ(*epoch, "1");
}

// A timed-out invalidation may or may not have been applied; either way the next contact moves
// to a new epoch, so the entry from before it is not served.
TEST_F(CacheTest, TimedOutInvalidationAdvancesTheEpoch) {
  CacheOptions options = Options();
  options.connect_timeout = absl::Milliseconds(300);
  options.command_timeout = absl::Milliseconds(300);
  options.failure_threshold = 10;  // stays closed: the write is attempted and times out
  auto cache = Make(options);
  cache->Set("list", "old", kTtl);

  ASSERT_TRUE(redis_.Pause().ok());
  cache->Delete({"list"});
  EXPECT_FALSE(cache->circuit_open());
  EXPECT_EQ(Errors(), 1);
  ASSERT_TRUE(redis_.Resume().ok());

  EXPECT_EQ(cache->Get("list"), std::nullopt);
  auto epoch = redis_.Command({"GET", "test:epoch"});
  ASSERT_TRUE(epoch.ok()) << epoch.status();
  EXPECT_EQ(*epoch, "1");
  cache->Set("list", "new", kTtl);
  EXPECT_THAT(cache->Get("list"), Optional(std::string("new")));
}

// Redis hangs (SIGSTOP): one unary call makes five cache operations, and waits on Redis for one
// command timeout in all, not five; the next call has its own allowance. Bounds are loose (the
// machine may be loaded); five timeouts would be 2.5 s.
TEST_F(CacheTest, OneCallWaitsOnAHungRedisForOneTimeoutInAll) {
  CacheOptions options = Options();
  options.command_timeout = absl::Milliseconds(500);
  options.failure_threshold = 100;  // stays closed: every operation reaches for Redis
  auto cache = Make(options);
  ASSERT_TRUE(redis_.Pause().ok());

  for (int call = 0; call < 2; ++call) {
    SCOPED_TRACE(call);
    const double errors_before = Errors();
    const absl::Time start = absl::Now();
    {
      const ScopedCallDeadline scope(absl::InfiniteFuture());
      EXPECT_EQ(cache->Get("a"), std::nullopt);
      cache->Delete({"a"});
      cache->PutVersioned("b", 7, "value", kTtl);
      cache->BumpGeneration("track:agg");
      EXPECT_EQ(cache->GetAggregate("track:agg", "k").generation, -1);
    }
    const absl::Duration took = absl::Now() - start;
    EXPECT_GE(took, absl::Milliseconds(450)) << "the first operation waits its timeout";
    EXPECT_LT(took, absl::Milliseconds(1200)) << "later operations must not wait again";
    EXPECT_EQ(Errors() - errors_before, 5);
    EXPECT_FALSE(cache->circuit_open());
  }

  // The lost invalidations move the namespace to a new epoch once Redis answers again.
  ASSERT_TRUE(redis_.Resume().ok());
  cache->Set("a", "fresh", kTtl);
  EXPECT_THAT(cache->Get("a"), Optional(std::string("fresh")));
  auto epoch = redis_.Command({"GET", "test:epoch"});
  ASSERT_TRUE(epoch.ok()) << epoch.status();
  EXPECT_NE(*epoch, "");
}

// An operation ends at the deadline of the call it serves, and a wait so cut short is not
// counted against Redis' health: the circuit stays closed even at a threshold of one.
TEST_F(CacheTest, AnOperationEndsAtTheCallsDeadlineWithoutOpeningTheCircuit) {
  CacheOptions options = Options();
  options.command_timeout = absl::Seconds(5);
  options.failure_threshold = 1;
  auto cache = Make(options);
  cache->Set("a", "value", kTtl);  // connected before the pause
  ASSERT_TRUE(redis_.Pause().ok());

  const absl::Time start = absl::Now();
  {
    const ScopedCallDeadline scope(absl::Now() + absl::Milliseconds(200));
    EXPECT_EQ(cache->Get("a"), std::nullopt);
  }
  EXPECT_LT(absl::Now() - start, absl::Seconds(2));
  EXPECT_FALSE(cache->circuit_open());
  EXPECT_EQ(Errors(), 1);

  // Outside a call the operation has its full timeout, and a timeout there does count.
  ASSERT_TRUE(redis_.Resume().ok());
  EXPECT_THAT(cache->Get("a"), Optional(std::string("value")));
}

TEST_F(CacheTest, MetricFamiliesExistBeforeTheFirstCall) {
  auto cache = Make(Options());
  std::map<std::string, prometheus::MetricType> types;
  std::vector<std::string> results;
  for (const auto& family : registry_.Collect()) {
    types[family.name] = family.type;
    if (family.name != kRequests) continue;
    for (const auto& metric : family.metric) {
      ASSERT_EQ(metric.label.size(), 1u);
      EXPECT_EQ(metric.label[0].name, "result");
      EXPECT_EQ(metric.counter.value, 0);
      results.push_back(metric.label[0].value);
    }
  }
  EXPECT_EQ(types.at(kRequests), prometheus::MetricType::Counter);
  EXPECT_EQ(types.at(kCircuit), prometheus::MetricType::Gauge);
  EXPECT_THAT(results, UnorderedElementsAre("hit", "miss", "error"));
  EXPECT_EQ(CircuitGauge(registry_), 0);
}

TEST(DisabledCacheTest, MissesWritesNothingAndCountsNothing) {
  for (const std::string address : {"", "not-an-address", "host:0", "host:99999"}) {
    SCOPED_TRACE(address);
    prometheus::Registry registry;
    CacheOptions options;
    options.address = address;
    auto cache = Cache::Create(options, &registry);
    ASSERT_NE(cache, nullptr);
    cache->Set("a", "x", kTtl);
    EXPECT_EQ(cache->Get("a"), std::nullopt);
    cache->PutVersioned("v", 1, "x", kTtl);
    EXPECT_EQ(cache->GetVersioned("v"), std::nullopt);
    EXPECT_EQ(cache->GetAggregate("agg", "k").generation, -1);
    cache->Delete({"a"});
    cache->BumpGeneration("agg");
    EXPECT_FALSE(cache->circuit_open());
    EXPECT_EQ(Requests(registry, "hit"), 0);
    EXPECT_EQ(Requests(registry, "miss"), 0);
    EXPECT_EQ(Requests(registry, "error"), 0);
    EXPECT_EQ(CircuitGauge(registry), 0);
  }
}

class CircuitBreakerTest : public ::testing::Test {
 protected:
  using Admission = CircuitBreaker::Admission;

  FakeClock clock_{absl::FromUnixSeconds(1'700'000'000)};
  prometheus::Registry registry_;
  prometheus::Gauge& gauge_ =
      prometheus::BuildGauge().Name("breaker_open").Register(registry_).Add({});
  CircuitBreaker breaker_{3, absl::Seconds(2), &clock_, &gauge_, "test"};

  void Fail() {
    const Admission a = breaker_.Admit();
    ASSERT_EQ(a, Admission::kAdmitted);
    breaker_.RecordFailure(a);
  }
};

TEST_F(CircuitBreakerTest, OpensAfterConsecutiveFailuresOnly) {
  Fail();
  Fail();
  breaker_.RecordSuccess(breaker_.Admit());  // resets the count
  Fail();
  Fail();
  EXPECT_FALSE(breaker_.open());
  EXPECT_EQ(gauge_.Value(), 0);
  Fail();
  EXPECT_TRUE(breaker_.open());
  EXPECT_EQ(gauge_.Value(), 1);
  EXPECT_EQ(breaker_.Admit(), Admission::kRejected);
}

TEST_F(CircuitBreakerTest, HalfOpenAdmitsOneProbe) {
  for (int i = 0; i < 3; ++i) Fail();
  clock_.Advance(absl::Seconds(2) - absl::Nanoseconds(1));
  EXPECT_EQ(breaker_.Admit(), Admission::kRejected);
  clock_.Advance(absl::Nanoseconds(1));
  const Admission probe = breaker_.Admit();
  ASSERT_EQ(probe, Admission::kProbe);
  EXPECT_EQ(breaker_.Admit(), Admission::kRejected);  // while the probe is out
  EXPECT_TRUE(breaker_.open());
  breaker_.RecordSuccess(probe);
  EXPECT_FALSE(breaker_.open());
  EXPECT_EQ(gauge_.Value(), 0);
  EXPECT_EQ(breaker_.Admit(), Admission::kAdmitted);
}

TEST_F(CircuitBreakerTest, FailedProbeReopensForAFullInterval) {
  for (int i = 0; i < 3; ++i) Fail();
  clock_.Advance(absl::Seconds(5));
  const Admission probe = breaker_.Admit();
  ASSERT_EQ(probe, Admission::kProbe);
  breaker_.RecordFailure(probe);
  EXPECT_TRUE(breaker_.open());
  clock_.Advance(absl::Seconds(2) - absl::Nanoseconds(1));
  EXPECT_EQ(breaker_.Admit(), Admission::kRejected);
  clock_.Advance(absl::Nanoseconds(1));
  EXPECT_EQ(breaker_.Admit(), Admission::kProbe);
}

TEST_F(CircuitBreakerTest, AbandonedProbeLetsTheNextCallProbe) {
  for (int i = 0; i < 3; ++i) Fail();
  clock_.Advance(absl::Seconds(2));
  const Admission probe = breaker_.Admit();
  ASSERT_EQ(probe, Admission::kProbe);
  breaker_.RecordAbandoned(probe);
  EXPECT_TRUE(breaker_.open());
  EXPECT_EQ(breaker_.Admit(), Admission::kProbe);
}

TEST_F(CircuitBreakerTest, LateReportsOfCallsAdmittedWhileClosedAreIgnored) {
  const Admission slow_failure = breaker_.Admit();
  const Admission slow_success = breaker_.Admit();
  for (int i = 0; i < 3; ++i) Fail();
  ASSERT_TRUE(breaker_.open());
  breaker_.RecordSuccess(slow_success);  // does not close
  EXPECT_TRUE(breaker_.open());
  clock_.Advance(absl::Seconds(2) - absl::Nanoseconds(1));
  breaker_.RecordFailure(slow_failure);  // does not restart the interval
  clock_.Advance(absl::Nanoseconds(1));
  EXPECT_EQ(breaker_.Admit(), Admission::kProbe);
}

}  // namespace
}  // namespace gov::cache
