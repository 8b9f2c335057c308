#ifndef GOV_COMMON_CACHE_CACHE_H_
#define GOV_COMMON_CACHE_CACHE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/time.h"
#include "common/clock/clock.h"

namespace prometheus {
class Registry;
}

namespace gov::cache {

struct CacheOptions {
  // "host:port"; empty disables the cache (every lookup is a miss, nothing is written).
  std::string address = "127.0.0.1:6379";
  int pool_size = 8;
  absl::Duration connect_timeout = absl::Milliseconds(200);
  absl::Duration command_timeout = absl::Milliseconds(100);
  // Consecutive failures that open the circuit, and how long it stays open before one call
  // is let through to probe Redis again (half-open).
  int failure_threshold = 3;
  absl::Duration open_interval = absl::Seconds(2);
  // Key namespace, e.g. "gov:mediation:".
  std::string prefix = "gov:";
};

// Redis cache-aside through hiredis: a pool of connections with timeouts and a circuit breaker.
// Every method is best-effort and never fails the caller: with Redis down or the circuit open a
// lookup is a miss and a write is skipped, so the store answers instead.
//
// Metrics (on the registry given): governance_cache_requests_total{result="hit|miss|error"},
// governance_cache_circuit_open (1 while open).
//
// Consistency:
//  - Versioned entries (cases by id): PutVersioned only replaces a cached entry with a higher
//    version (checked inside Redis by a script), so a slow reader can never put back an older
//    copy after a writer stored a newer one.
//  - Aggregates (indicator results, rankings): keys live under a per-scope generation. Writers
//    bump the generation after commit; readers read the generation and the entry in one round
//    trip. An entry filled from an old read lands under the old generation, which no reader
//    asks for any more.
class Cache {
 public:
  static std::unique_ptr<Cache> Create(const CacheOptions& options, prometheus::Registry* registry,
                                       const Clock* clock = SystemClock::Get());
  virtual ~Cache() = default;

  // Plain get/set/delete.
  virtual std::optional<std::string> Get(std::string_view key) = 0;
  virtual void Set(std::string_view key, std::string_view value, absl::Duration ttl) = 0;
  virtual void Delete(const std::vector<std::string>& keys) = 0;

  // Versioned entries (see above).
  virtual std::optional<std::string> GetVersioned(std::string_view key) = 0;
  virtual void PutVersioned(std::string_view key, int64_t version, std::string_view value,
                            absl::Duration ttl) = 0;

  // Generation-scoped aggregates (see above). `scope` is e.g. "mediation:agg".
  struct AggregateLookup {
    int64_t generation = -1;  // -1 when Redis could not be asked: then do not Put
    std::optional<std::string> value;
  };
  virtual AggregateLookup GetAggregate(std::string_view scope, std::string_view key) = 0;
  virtual void PutAggregate(std::string_view scope, int64_t generation, std::string_view key,
                            std::string_view value, absl::Duration ttl) = 0;
  virtual void BumpGeneration(std::string_view scope) = 0;

  virtual bool circuit_open() const = 0;
};

}  // namespace gov::cache

#endif  // GOV_COMMON_CACHE_CACHE_H_
