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

// The cache scope under which a track's aggregates (indicator results, rankings) live. Every
// write that changes what they are computed from bumps its generation.
inline std::string AggregateScope(std::string_view track) { return std::string(track) + ":agg"; }

struct CacheOptions {
  // "host:port"; empty disables the cache (every lookup is a miss, nothing is written).
  std::string address = "127.0.0.1:6379";
  int pool_size = 8;
  absl::Duration connect_timeout = absl::Milliseconds(200);
  // The most one cache operation waits on Redis (for a pooled connection, to connect, and for
  // its commands), and also the most one unary call waits on Redis over all its cache
  // operations together (gov::CallSerial): a call's latency is bounded by its store work plus
  // this, however many cache operations it makes while Redis hangs. An operation with no time
  // left does not reach for Redis: a lookup misses, a write is skipped (an invalidation so
  // skipped is a lost invalidation, below). Operations are also cut at the call's deadline.
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
// lookup is a miss and a write is skipped, so the store answers instead. Thread-safe.
//
// Connections: `pool_size` hiredis contexts, connected on first use with `connect_timeout`, each
// operation bounded by `command_timeout` (see there: also per unary call). A context that fails
// is freed (and every other context connected before the failure is reconnected on its next
// use). An operation that finds no free connection in its time gives up (counted as an error).
//
// Circuit breaker (clock injected): `failure_threshold` consecutive connection failures or
// timeouts open it; while open, calls return at once without touching the network. After
// `open_interval` one call probes Redis: success closes the circuit, failure re-opens it. An
// error reply (Redis answered) is not a connection failure, nor is a wait cut short by the
// call's allowance or deadline.
//
// Metrics (on the registry given; a private one when null): governance_cache_requests_total
// {result="hit|miss|error"}, children created up front; governance_cache_circuit_open (1 while
// open or half-open). Each lookup counts exactly once: "hit", "miss" (absent, or Redis bypassed
// by the open circuit), or "error" (Redis failed, timed out, answered with an error, or no
// pooled connection became free, or the call's time for Redis was spent). Writes count "error"
// when they reach for Redis and fail or find no time left; successful writes, and writes
// skipped by the open circuit, count nothing. The disabled cache
// (empty address) registers the series and counts nothing.
//
// Consistency:
//  - Versioned entries (cases by id): PutVersioned only replaces a cached entry with a higher
//    version (checked inside Redis by a script), so a slow reader can never put back an older
//    copy after a writer stored a newer one. A writer marks the entry pending before it commits
//    (MarkPending), so a writer that dies after its commit but before its PutVersioned leaves
//    no stale entry behind: readers miss until the marker expires or someone stores the entry.
//  - Aggregates (indicator results, rankings): keys live under a per-scope generation. Writers
//    bump the generation after commit; readers read the generation and the entry in one round
//    trip. An entry filled from an old read lands under the old generation, which no reader
//    asks for any more (PutAggregate writes nothing unless `generation` is still current).
//  - Lost invalidations: when Delete, PutVersioned or BumpGeneration cannot reach Redis (down,
//    timed out, circuit open, pool exhausted, error reply), the cache remembers it, and before
//    its next command to Redis it INCRs the namespace epoch "<prefix>epoch". Every key embeds
//    the epoch, read by the same script that reads or writes the entry, so everything cached
//    before the lost invalidation becomes unreachable, for every process sharing the prefix.
//    Limits: other processes may serve old entries until this process reaches Redis again; the
//    flag lives in memory (a crash loses it); a Set/PutVersioned computed from a read made
//    before the outage and sent after the recovery can still land. The TTL bounds all three.
//
// Keys in Redis (scripts compose them, so this needs a standalone Redis, not a cluster):
//   <prefix>epoch                         namespace epoch (absent = 0)
//   <prefix><epoch>:<key>                 Set/Get entries; versioned entries as hash {v, d},
//                                         pending markers as hash {v, p}
//   <prefix><scope>:gen                   a scope's generation counter (absent = 0)
//   <prefix><scope>:<generation>:<key>    aggregate entry
// The generation handed out by GetAggregate is counter + epoch, so a new epoch also retires
// every scope's aggregates. Entries always carry a TTL (at most 30 days; a non-positive ttl
// writes nothing) and the counters never do: run Redis with a volatile-* or noeviction
// maxmemory-policy so that eviction can never reset a counter (which would resurrect entries).
class Cache {
 public:
  // The Redis cache, or a disabled cache (always a miss, writes nothing) when `address` is
  // empty or not "host:port" (the latter logged as an error). Ignores SIGPIPE process-wide
  // unless the program installed a handler, since hiredis writes to sockets with write(2).
  static std::unique_ptr<Cache> Create(const CacheOptions& options, prometheus::Registry* registry,
                                       const Clock* clock = SystemClock::Get());
  virtual ~Cache() = default;

  // Plain get/set/delete. Delete is an invalidation (see "Lost invalidations").
  virtual std::optional<std::string> Get(std::string_view key) = 0;
  virtual void Set(std::string_view key, std::string_view value, absl::Duration ttl) = 0;
  virtual void Delete(const std::vector<std::string>& keys) = 0;

  // Versioned entries (see above).
  virtual std::optional<std::string> GetVersioned(std::string_view key) = 0;
  virtual void PutVersioned(std::string_view key, int64_t version, std::string_view value,
                            absl::Duration ttl) = 0;
  // Announces a write that is about to store `version` of the entry (before its commit): until
  // PutVersioned(key, version or higher) the entry is a miss for every process, and nothing
  // older can be put back. A writer that dies between its commit and its PutVersioned leaves
  // the marker, which expires after `ttl`; readers meanwhile read the store. Not reaching Redis
  // counts as a lost invalidation.
  virtual void MarkPending(std::string_view key, int64_t version, absl::Duration ttl) = 0;

  // Generation-scoped aggregates (see above). `scope` is e.g. "mediation:agg".
  struct AggregateLookup {
    int64_t generation = -1;  // -1 when Redis could not be asked: then do not Put
    std::optional<std::string> value;
  };
  virtual AggregateLookup GetAggregate(std::string_view scope, std::string_view key) = 0;
  virtual void PutAggregate(std::string_view scope, int64_t generation, std::string_view key,
                            std::string_view value, absl::Duration ttl) = 0;
  virtual void BumpGeneration(std::string_view scope) = 0;

  // True while the circuit breaker bypasses Redis (open or half-open).
  virtual bool circuit_open() const = 0;
};

}  // namespace gov::cache

#endif  // GOV_COMMON_CACHE_CACHE_H_
