#include "common/cache/cache.h"

#include <hiredis/hiredis.h>
#include <openssl/evp.h>
#include <signal.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/function_ref.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/types/span.h"
#include "common/cache/circuit_breaker.h"
#include "common/log/log.h"
#include "common/util/call_deadline.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/gauge.h"
#include "prometheus/registry.h"

namespace gov::cache {
namespace {

// Every script takes the namespace epoch key as KEYS[1] and composes the entry's key inside
// Redis, so the epoch and the entry are read atomically in one round trip. Composing keys that
// are not declared in KEYS is allowed on a standalone Redis (what the suite deploys), not on a
// cluster.

// ARGV: prefix, key.
constexpr char kGetLua[] = R"lua(
local epoch = redis.call('GET', KEYS[1]) or '0'
return redis.call('GET', ARGV[1] .. epoch .. ':' .. ARGV[2])
)lua";

// ARGV: prefix, key, value, ttl_ms.
constexpr char kSetLua[] = R"lua(
local epoch = redis.call('GET', KEYS[1]) or '0'
redis.call('SET', ARGV[1] .. epoch .. ':' .. ARGV[2], ARGV[3], 'PX', ARGV[4])
return 1
)lua";

// ARGV: prefix, key...
constexpr char kDeleteLua[] = R"lua(
local epoch = redis.call('GET', KEYS[1]) or '0'
local n = 0
for i = 2, #ARGV do
  n = n + redis.call('DEL', ARGV[1] .. epoch .. ':' .. ARGV[i])
end
return n
)lua";

// ARGV: prefix, key.
constexpr char kGetVersionedLua[] = R"lua(
local epoch = redis.call('GET', KEYS[1]) or '0'
return redis.call('HGET', ARGV[1] .. epoch .. ':' .. ARGV[2], 'd')
)lua";

// less(a, b) for versions as decimal strings, which the versioned scripts start with: Lua numbers
// are doubles and would round int64 versions above 2^53.
constexpr char kVersionLessLua[] = R"lua(
local function less(a, b)
  local na, nb = a:sub(1, 1) == '-', b:sub(1, 1) == '-'
  if na ~= nb then return na end
  if na then a, b = b:sub(2), a:sub(2) end
  if #a ~= #b then return #a < #b end
  return a < b
end
)lua";

// ARGV: prefix, key, version, value, ttl_ms (after kVersionLessLua). An entry replaces one of a
// lower version, and the pending marker of its own version (MarkPending).
constexpr char kPutVersionedLua[] = R"lua(
local epoch = redis.call('GET', KEYS[1]) or '0'
local key = ARGV[1] .. epoch .. ':' .. ARGV[2]
local stored = redis.call('HGET', key, 'v')
if stored and less(ARGV[3], stored) then return 0 end
if stored == ARGV[3] and redis.call('HEXISTS', key, 'p') == 0 then return 0 end
redis.call('DEL', key)
redis.call('HSET', key, 'v', ARGV[3], 'd', ARGV[4])
redis.call('PEXPIRE', key, ARGV[5])
return 1
)lua";

// ARGV: prefix, key, version, ttl_ms (after kVersionLessLua). Replaces the entry with a marker of
// the version a write is about to store (no data: a lookup misses), unless an entry or marker of
// that version or a higher one is there already.
constexpr char kMarkPendingLua[] = R"lua(
local epoch = redis.call('GET', KEYS[1]) or '0'
local key = ARGV[1] .. epoch .. ':' .. ARGV[2]
local stored = redis.call('HGET', key, 'v')
if stored and not less(stored, ARGV[3]) then return 0 end
redis.call('DEL', key)
redis.call('HSET', key, 'v', ARGV[3], 'p', '1')
redis.call('PEXPIRE', key, ARGV[4])
return 1
)lua";

// KEYS: epoch, generation counter. ARGV: "<prefix><scope>:", key. Returns {generation, value}.
constexpr char kGetAggregateLua[] = R"lua(
local gen = tonumber(redis.call('GET', KEYS[2]) or '0') + tonumber(redis.call('GET', KEYS[1]) or '0')
return {gen, redis.call('GET', ARGV[1] .. string.format('%d', gen) .. ':' .. ARGV[2])}
)lua";

// KEYS: epoch, generation counter. ARGV: "<prefix><scope>:", generation, key, value, ttl_ms.
constexpr char kPutAggregateLua[] = R"lua(
local gen = tonumber(redis.call('GET', KEYS[2]) or '0') + tonumber(redis.call('GET', KEYS[1]) or '0')
if string.format('%d', gen) ~= ARGV[2] then return 0 end
redis.call('SET', ARGV[1] .. ARGV[2] .. ':' .. ARGV[3], ARGV[4], 'PX', ARGV[5])
return 1
)lua";

// Every entry expires: an "infinite" TTL is capped, since the TTL is the last safety net.
constexpr absl::Duration kMaxTtl = absl::Hours(24 * 30);
// At most one log line per this interval for Redis error replies (which repeat on every call).
constexpr absl::Duration kRejectedLogInterval = absl::Minutes(1);

// This abseil build has its own string_view type, distinct from std::string_view.
absl::string_view Absl(std::string_view s) { return absl::string_view(s.data(), s.size()); }

struct Script {
  std::string body;
  std::string sha1;  // lowercase hex, as EVALSHA wants it
};

Script MakeScript(std::string_view body) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(body.data(), body.size(), digest, &length, EVP_sha1(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(2 * length);
  for (unsigned int i = 0; i < length; ++i) {
    hex.push_back(kHex[digest[i] >> 4]);
    hex.push_back(kHex[digest[i] & 0xf]);
  }
  return Script{std::string(body), std::move(hex)};
}

const Script& GetScript() {
  static const Script* s = new Script(MakeScript(kGetLua));
  return *s;
}
const Script& SetScript() {
  static const Script* s = new Script(MakeScript(kSetLua));
  return *s;
}
const Script& DeleteScript() {
  static const Script* s = new Script(MakeScript(kDeleteLua));
  return *s;
}
const Script& GetVersionedScript() {
  static const Script* s = new Script(MakeScript(kGetVersionedLua));
  return *s;
}
const Script& PutVersionedScript() {
  static const Script* s = new Script(MakeScript(absl::StrCat(kVersionLessLua, kPutVersionedLua)));
  return *s;
}
const Script& MarkPendingScript() {
  static const Script* s = new Script(MakeScript(absl::StrCat(kVersionLessLua, kMarkPendingLua)));
  return *s;
}
const Script& GetAggregateScript() {
  static const Script* s = new Script(MakeScript(kGetAggregateLua));
  return *s;
}
const Script& PutAggregateScript() {
  static const Script* s = new Script(MakeScript(kPutAggregateLua));
  return *s;
}

// Below this, a command is not worth sending: the call's allowance for Redis is spent.
constexpr absl::Duration kMinimumWait = absl::Milliseconds(1);

// The Redis command running on this thread: the instant it must be answered by, and what
// happened to its socket timeout. RedisCache::Run sets it; Command honours it.
struct CommandLimit {
  absl::Time deadline = absl::InfiniteFuture();
  absl::Duration full_timeout = absl::InfiniteDuration();  // the context's configured timeout
  bool shortened = false;  // the socket timeout was lowered below full_timeout
  bool skipped = false;    // a command was not sent: too little time was left
};
thread_local CommandLimit command_limit;

// What the unary call this thread serves (gov::CallSerial) has spent waiting on Redis.
struct CallAllowance {
  uint64_t serial = 0;
  absl::Duration spent;
};
thread_local CallAllowance call_allowance;

struct ReplyDeleter {
  void operator()(redisReply* reply) const { freeReplyObject(reply); }
};
// Null when the connection failed (I/O error, timeout, EOF); the context is then unusable.
using Reply = std::unique_ptr<redisReply, ReplyDeleter>;

Reply Command(redisContext* context, absl::Span<const std::string_view> args) {
  if (command_limit.deadline != absl::InfiniteFuture()) {
    const absl::Duration left = command_limit.deadline - absl::Now();
    if (left < kMinimumWait) {
      command_limit.skipped = true;
      return nullptr;
    }
    // (Within a millisecond of the configured timeout the socket's own timeout is kept: no
    // system call on the common path.)
    if (left < command_limit.full_timeout - kMinimumWait) {
      redisSetTimeout(context, absl::ToTimeval(left));
      command_limit.shortened = true;
    }
  }
  std::vector<const char*> argv;
  std::vector<size_t> lengths;
  argv.reserve(args.size());
  lengths.reserve(args.size());
  for (std::string_view arg : args) {
    argv.push_back(arg.data());
    lengths.push_back(arg.size());
  }
  return Reply(static_cast<redisReply*>(
      redisCommandArgv(context, static_cast<int>(argv.size()), argv.data(), lengths.data())));
}

// EVALSHA, falling back to EVAL (which also caches the script) when Redis does not know the
// script yet: after a restart or SCRIPT FLUSH.
Reply Eval(redisContext* context, const Script& script, absl::Span<const std::string_view> keys,
           absl::Span<const std::string_view> args) {
  const std::string num_keys = absl::StrCat(keys.size());
  std::vector<std::string_view> argv;
  argv.reserve(3 + keys.size() + args.size());
  argv.push_back("EVALSHA");
  argv.push_back(script.sha1);
  argv.push_back(num_keys);
  argv.insert(argv.end(), keys.begin(), keys.end());
  argv.insert(argv.end(), args.begin(), args.end());
  Reply reply = Command(context, argv);
  if (reply != nullptr && reply->type == REDIS_REPLY_ERROR &&
      absl::StartsWith(absl::string_view(reply->str, reply->len), "NOSCRIPT")) {
    argv[0] = "EVAL";
    argv[1] = script.body;
    reply = Command(context, argv);
  }
  return reply;
}

// 0 for a non-positive TTL (nothing is written); else whole milliseconds, rounded up, capped.
int64_t TtlMillis(absl::Duration ttl) {
  if (ttl <= absl::ZeroDuration()) return 0;
  return absl::ToInt64Milliseconds(absl::Ceil(std::min(ttl, kMaxTtl), absl::Milliseconds(1)));
}

bool ParseAddress(std::string_view address, std::string* host, int* port) {
  const size_t colon = address.rfind(':');
  if (colon == std::string_view::npos) return false;
  std::string_view h = address.substr(0, colon);
  if (h.size() >= 2 && h.front() == '[' && h.back() == ']') h = h.substr(1, h.size() - 2);
  int p = 0;
  if (h.empty() || !absl::SimpleAtoi(Absl(address.substr(colon + 1)), &p) || p < 1 || p > 65535) {
    return false;
  }
  *host = std::string(h);
  *port = p;
  return true;
}

// hiredis writes with write(2): a peer that went away would kill the process with SIGPIPE
// unless the signal is ignored. Leaves a handler the program installed itself alone.
void IgnoreSigpipe() {
  static const bool done = [] {
    struct sigaction current {};
    if (sigaction(SIGPIPE, nullptr, &current) == 0 && current.sa_handler == SIG_DFL) {
      signal(SIGPIPE, SIG_IGN);
    }
    return true;
  }();
  (void)done;
}

// The request counter's children and the circuit gauge, registered on the given registry or,
// without one, on a private registry nobody scrapes.
class Metrics {
 public:
  explicit Metrics(prometheus::Registry* registry) {
    if (registry == nullptr) {
      own_registry_ = std::make_unique<prometheus::Registry>();
      registry = own_registry_.get();
    }
    auto& requests = prometheus::BuildCounter()
                         .Name("governance_cache_requests_total")
                         .Help("Cache requests by result: hit, miss, or error (Redis failed).")
                         .Register(*registry);
    hit = &requests.Add({{"result", "hit"}});
    miss = &requests.Add({{"result", "miss"}});
    error = &requests.Add({{"result", "error"}});
    circuit_open = &prometheus::BuildGauge()
                        .Name("governance_cache_circuit_open")
                        .Help("1 while the cache circuit breaker bypasses Redis, else 0.")
                        .Register(*registry)
                        .Add({});
  }

  prometheus::Counter* hit;
  prometheus::Counter* miss;
  prometheus::Counter* error;
  prometheus::Gauge* circuit_open;

 private:
  std::unique_ptr<prometheus::Registry> own_registry_;
};

// A fixed set of hiredis contexts, connected lazily. A context is used by one thread at a time
// (hiredis contexts are not thread-safe). A context that failed is freed; so are all the others
// connected before the failure, since a Redis restart or network cut breaks them all and each
// would otherwise fail once more on its next use.
class ConnectionPool {
 public:
  struct Lease {
    int slot = -1;
    redisContext* context = nullptr;  // null until Connect()
    uint64_t generation = 0;
  };

  ConnectionPool(std::string host, int port, int size, absl::Duration connect_timeout,
                 absl::Duration command_timeout)
      : host_(std::move(host)),
        port_(port),
        connect_timeout_(connect_timeout),
        command_timeout_(command_timeout) {
    absl::MutexLock lock(&mu_);
    slots_.resize(std::max(1, size));
    for (int i = static_cast<int>(slots_.size()) - 1; i >= 0; --i) idle_.push_back(i);
  }

  // Every lease must have been released.
  ~ConnectionPool() {
    absl::MutexLock lock(&mu_);
    for (Slot& slot : slots_) {
      if (slot.context != nullptr) redisFree(slot.context);
    }
  }

  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  // A free slot, waiting at most `wait` for one; nullopt when all stayed busy.
  std::optional<Lease> Acquire(absl::Duration wait) {
    redisContext* stale = nullptr;
    std::optional<Lease> lease;
    mu_.LockWhenWithTimeout(absl::Condition(this, &ConnectionPool::HasIdle), wait);
    if (!idle_.empty()) {
      Slot& slot = slots_[idle_.back()];
      lease = Lease{idle_.back(), slot.context, generation_};
      idle_.pop_back();
      if (slot.context != nullptr && slot.generation != generation_) {
        stale = slot.context;
        lease->context = nullptr;
      }
      slot.context = nullptr;
    }
    mu_.Unlock();
    if (stale != nullptr) redisFree(stale);
    return lease;
  }

  // Connects a lease that has no context, waiting at most `wait` (and the configured connect
  // timeout); false when Redis cannot be reached in time.
  bool Connect(Lease& lease, absl::Duration wait) {
    redisContext* context = redisConnectWithTimeout(
        host_.c_str(), port_, absl::ToTimeval(std::min(wait, connect_timeout_)));
    if (context == nullptr) return false;
    if (context->err != 0 ||
        redisSetTimeout(context, absl::ToTimeval(command_timeout_)) != REDIS_OK) {
      redisFree(context);
      return false;
    }
    // Keepalive lets an idle connection to a vanished host fail instead of lingering.
    redisEnableKeepAlive(context);
    lease.context = context;
    return true;
  }

  // Returns the slot; `broken` frees its context and retires every other connected context.
  void Release(Lease& lease, bool broken) {
    redisContext* to_free = nullptr;
    {
      absl::MutexLock lock(&mu_);
      Slot& slot = slots_[lease.slot];
      if (broken) {
        to_free = lease.context;
        ++generation_;
      } else {
        slot.context = lease.context;
        slot.generation = lease.generation;
      }
      idle_.push_back(lease.slot);
    }
    if (to_free != nullptr) redisFree(to_free);
    lease = Lease{};
  }

 private:
  struct Slot {
    redisContext* context = nullptr;
    uint64_t generation = 0;  // generation_ when the context was last known good
  };

  bool HasIdle() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return !idle_.empty(); }

  const std::string host_;
  const int port_;
  const absl::Duration connect_timeout_;
  const absl::Duration command_timeout_;

  absl::Mutex mu_;
  std::vector<Slot> slots_ ABSL_GUARDED_BY(mu_);
  std::vector<int> idle_ ABSL_GUARDED_BY(mu_);
  // Bumped on every failure; contexts from an older generation are reconnected before use.
  uint64_t generation_ ABSL_GUARDED_BY(mu_) = 0;
};

class RedisCache final : public Cache {
 public:
  RedisCache(const CacheOptions& options, std::string host, int port,
             prometheus::Registry* registry, const Clock* clock)
      : options_(options),
        clock_(clock),
        metrics_(registry),
        breaker_(options.failure_threshold, options.open_interval, clock, metrics_.circuit_open,
                 absl::StrCat("redis ", options.address)),
        pool_(std::move(host), port, options.pool_size, options.connect_timeout,
              options.command_timeout),
        epoch_key_(absl::StrCat(options.prefix, "epoch")) {}

  std::optional<std::string> Get(std::string_view key) override {
    std::optional<std::string> value;
    const Outcome outcome = Run([&](redisContext* c) {
      return ReadString(Eval(c, GetScript(), {epoch_key_}, {options_.prefix, key}), "get", &value);
    });
    CountLookup(outcome, value.has_value());
    return value;
  }

  void Set(std::string_view key, std::string_view value, absl::Duration ttl) override {
    const int64_t ttl_ms = TtlMillis(ttl);
    if (ttl_ms == 0) return;
    const std::string ttl_arg = absl::StrCat(ttl_ms);
    const Outcome outcome = Run([&](redisContext* c) {
      return ExpectAnswer(
          Eval(c, SetScript(), {epoch_key_}, {options_.prefix, key, value, ttl_arg}), "set");
    });
    CountWrite(outcome);
  }

  void Delete(const std::vector<std::string>& keys) override {
    if (keys.empty()) return;
    std::vector<std::string_view> args;
    args.reserve(keys.size() + 1);
    args.push_back(options_.prefix);
    args.insert(args.end(), keys.begin(), keys.end());
    const Outcome outcome = Run([&](redisContext* c) {
      return ExpectAnswer(Eval(c, DeleteScript(), {epoch_key_}, args), "delete");
    });
    CountWrite(outcome);
    NoteInvalidation(outcome);
  }

  std::optional<std::string> GetVersioned(std::string_view key) override {
    std::optional<std::string> value;
    const Outcome outcome = Run([&](redisContext* c) {
      return ReadString(Eval(c, GetVersionedScript(), {epoch_key_}, {options_.prefix, key}),
                        "get_versioned", &value);
    });
    CountLookup(outcome, value.has_value());
    return value;
  }

  void PutVersioned(std::string_view key, int64_t version, std::string_view value,
                    absl::Duration ttl) override {
    const int64_t ttl_ms = TtlMillis(ttl);
    if (ttl_ms == 0) return;
    const std::string version_arg = absl::StrCat(version);
    const std::string ttl_arg = absl::StrCat(ttl_ms);
    const Outcome outcome = Run([&](redisContext* c) {
      return ExpectAnswer(Eval(c, PutVersionedScript(), {epoch_key_},
                               {options_.prefix, key, version_arg, value, ttl_arg}),
                          "put_versioned");
    });
    CountWrite(outcome);
    NoteInvalidation(outcome);
  }

  void MarkPending(std::string_view key, int64_t version, absl::Duration ttl) override {
    const int64_t ttl_ms = TtlMillis(ttl);
    if (ttl_ms == 0) return;
    const std::string version_arg = absl::StrCat(version);
    const std::string ttl_arg = absl::StrCat(ttl_ms);
    const Outcome outcome = Run([&](redisContext* c) {
      return ExpectAnswer(
          Eval(c, MarkPendingScript(), {epoch_key_}, {options_.prefix, key, version_arg, ttl_arg}),
          "mark_pending");
    });
    CountWrite(outcome);
    NoteInvalidation(outcome);
  }

  AggregateLookup GetAggregate(std::string_view scope, std::string_view key) override {
    AggregateLookup lookup;
    const std::string gen_key = GenerationKey(scope);
    const std::string base = AggregateBase(scope);
    const Outcome outcome = Run([&](redisContext* c) {
      Reply reply = Eval(c, GetAggregateScript(), {epoch_key_, gen_key}, {base, key});
      if (reply == nullptr) return Outcome::kUnavailable;
      if (reply->type != REDIS_REPLY_ARRAY || reply->elements < 1 ||
          reply->element[0]->type != REDIS_REPLY_INTEGER) {
        LogRejected("get_aggregate", reply.get());
        return Outcome::kRejected;
      }
      lookup.generation = reply->element[0]->integer;
      if (reply->elements >= 2 && reply->element[1]->type == REDIS_REPLY_STRING) {
        lookup.value.emplace(reply->element[1]->str, reply->element[1]->len);
      }
      return Outcome::kOk;
    });
    if (outcome != Outcome::kOk) lookup = AggregateLookup{};
    CountLookup(outcome, lookup.value.has_value());
    return lookup;
  }

  void PutAggregate(std::string_view scope, int64_t generation, std::string_view key,
                    std::string_view value, absl::Duration ttl) override {
    const int64_t ttl_ms = TtlMillis(ttl);
    if (ttl_ms == 0 || generation < 0) return;
    const std::string gen_key = GenerationKey(scope);
    const std::string base = AggregateBase(scope);
    const std::string gen_arg = absl::StrCat(generation);
    const std::string ttl_arg = absl::StrCat(ttl_ms);
    const Outcome outcome = Run([&](redisContext* c) {
      return ExpectAnswer(Eval(c, PutAggregateScript(), {epoch_key_, gen_key},
                               {base, gen_arg, key, value, ttl_arg}),
                          "put_aggregate");
    });
    CountWrite(outcome);
  }

  void BumpGeneration(std::string_view scope) override {
    const std::string gen_key = GenerationKey(scope);
    const Outcome outcome = Run([&](redisContext* c) {
      return ExpectAnswer(Command(c, {"INCR", gen_key}), "bump_generation");
    });
    CountWrite(outcome);
    NoteInvalidation(outcome);
  }

  bool circuit_open() const override { return breaker_.open(); }

 private:
  enum class Outcome {
    kOk,           // Redis answered as expected
    kBypassed,     // circuit open: Redis was not asked
    kBusy,         // every pooled connection stayed busy: Redis was not asked
    kUnavailable,  // could not connect, I/O error or timeout
    kRejected,     // Redis answered with an error
    kOverBudget,   // the call's allowance for Redis (or its deadline) is spent: not asked
  };

  // One command through the breaker and the pool; `body` runs it on a connected context and
  // returns kOk, kRejected, or kUnavailable when the reply is null.
  //
  // Time: waiting for a pooled connection, connecting and every command sent share one
  // deadline, at most `command_timeout` away, and no later than what is left of the unary
  // call's own allowance (`command_timeout` in total over all its cache operations: see
  // CacheOptions) and of the call's deadline. A command that is shortened by the allowance or
  // the call's deadline and then times out says nothing about Redis' health: the breaker does
  // not count it as a failure.
  Outcome Run(absl::FunctionRef<Outcome(redisContext*)> body) {
    const absl::Time start = absl::Now();
    absl::Duration allowance = options_.command_timeout;
    const uint64_t serial = CallSerial();
    if (serial != 0) {
      if (call_allowance.serial != serial) call_allowance = CallAllowance{serial, {}};
      allowance -= call_allowance.spent;
    }
    const absl::Time deadline = std::min(start + allowance, CallDeadline());
    const bool shortened = deadline < start + options_.command_timeout;
    if (deadline - start < kMinimumWait) return Outcome::kOverBudget;
    const Outcome outcome = RunUntil(deadline, shortened, body);
    if (serial != 0) call_allowance.spent += absl::Now() - start;
    return outcome;
  }

  Outcome RunUntil(absl::Time deadline, bool shortened,
                   absl::FunctionRef<Outcome(redisContext*)> body) {
    const CircuitBreaker::Admission admission = breaker_.Admit();
    if (admission == CircuitBreaker::Admission::kRejected) return Outcome::kBypassed;
    std::optional<ConnectionPool::Lease> lease = pool_.Acquire(deadline - absl::Now());
    if (!lease.has_value()) {
      breaker_.RecordAbandoned(admission);
      return shortened ? Outcome::kOverBudget : Outcome::kBusy;
    }
    Outcome outcome = Outcome::kOk;
    if (lease->context == nullptr && !pool_.Connect(*lease, deadline - absl::Now())) {
      outcome = Outcome::kUnavailable;
    }
    command_limit = CommandLimit{deadline, options_.command_timeout, false, false};
    if (outcome == Outcome::kOk) outcome = AdvanceEpochIfPending(lease->context);
    if (outcome == Outcome::kOk) outcome = body(lease->context);
    const CommandLimit used = command_limit;
    command_limit = CommandLimit{};
    // A command skipped for want of time left the connection as it was; one that was sent and
    // not answered leaves it out of step with Redis, so it is dropped.
    const bool broken = outcome == Outcome::kUnavailable && !used.skipped;
    if (!broken && used.shortened) {
      redisSetTimeout(lease->context, absl::ToTimeval(options_.command_timeout));
    }
    pool_.Release(*lease, broken);
    // Out of time rather than failed: a command skipped, or a shortened wait that ran out.
    const bool out_of_time = used.skipped || (shortened && absl::Now() >= deadline - kMinimumWait);
    if (outcome == Outcome::kUnavailable && out_of_time) {
      breaker_.RecordAbandoned(admission);
      return Outcome::kOverBudget;
    }
    if (outcome == Outcome::kUnavailable) {
      breaker_.RecordFailure(admission);
    } else {
      breaker_.RecordSuccess(admission);
    }
    return outcome;
  }

  // After an invalidation that did not reach Redis, moves the whole namespace to a new epoch
  // before anything else is read or written, so no entry written before it is served again.
  // Concurrent callers may each advance it; an extra epoch only costs misses.
  Outcome AdvanceEpochIfPending(redisContext* context) {
    uint64_t lost;
    {
      absl::MutexLock lock(&invalidation_mu_);
      if (lost_invalidations_ == covered_invalidations_) return Outcome::kOk;
      lost = lost_invalidations_;
    }
    Reply reply = Command(context, {"INCR", epoch_key_});
    if (reply == nullptr) return Outcome::kUnavailable;
    if (reply->type != REDIS_REPLY_INTEGER) {
      LogRejected("advance_epoch", reply.get());
      return Outcome::kRejected;
    }
    {
      absl::MutexLock lock(&invalidation_mu_);
      covered_invalidations_ = std::max(covered_invalidations_, lost);
    }
    log::Warn("cache epoch advanced after lost invalidations",
              {{"epoch", absl::StrCat(reply->integer)}, {"prefix", options_.prefix}});
    return Outcome::kOk;
  }

  void NoteInvalidation(Outcome outcome) {
    if (outcome == Outcome::kOk) return;
    absl::MutexLock lock(&invalidation_mu_);
    ++lost_invalidations_;
  }

  Outcome ReadString(Reply reply, std::string_view op, std::optional<std::string>* value) {
    if (reply == nullptr) return Outcome::kUnavailable;
    if (reply->type == REDIS_REPLY_STRING) {
      value->emplace(reply->str, reply->len);
      return Outcome::kOk;
    }
    if (reply->type == REDIS_REPLY_NIL) return Outcome::kOk;
    LogRejected(op, reply.get());
    return Outcome::kRejected;
  }

  Outcome ExpectAnswer(Reply reply, std::string_view op) {
    if (reply == nullptr) return Outcome::kUnavailable;
    if (reply->type == REDIS_REPLY_ERROR) {
      LogRejected(op, reply.get());
      return Outcome::kRejected;
    }
    return Outcome::kOk;
  }

  void CountLookup(Outcome outcome, bool hit) {
    switch (outcome) {
      case Outcome::kOk:
        (hit ? metrics_.hit : metrics_.miss)->Increment();
        return;
      case Outcome::kBypassed:
        metrics_.miss->Increment();
        return;
      case Outcome::kBusy:
      case Outcome::kUnavailable:
      case Outcome::kRejected:
      case Outcome::kOverBudget:
        metrics_.error->Increment();
        return;
    }
  }

  void CountWrite(Outcome outcome) {
    if (outcome == Outcome::kBusy || outcome == Outcome::kUnavailable ||
        outcome == Outcome::kRejected || outcome == Outcome::kOverBudget) {
      metrics_.error->Increment();
    }
  }

  // Error replies repeat on every call until fixed (wrong key type, OOM, ...): log a sample.
  void LogRejected(std::string_view op, const redisReply* reply) {
    {
      absl::MutexLock lock(&log_mu_);
      const absl::Time now = clock_->Now();
      if (now - last_rejected_log_ < kRejectedLogInterval) return;
      last_rejected_log_ = now;
    }
    std::string detail = reply->type == REDIS_REPLY_ERROR
                             ? std::string(reply->str, reply->len)
                             : absl::StrCat("unexpected reply type ", reply->type);
    log::Warn("cache command rejected by redis", {{"op", std::string(op)}, {"error", detail}});
  }

  std::string GenerationKey(std::string_view scope) const {
    return absl::StrCat(options_.prefix, Absl(scope), ":gen");
  }
  std::string AggregateBase(std::string_view scope) const {
    return absl::StrCat(options_.prefix, Absl(scope), ":");
  }

  const CacheOptions options_;
  const Clock* const clock_;
  Metrics metrics_;
  CircuitBreaker breaker_;
  ConnectionPool pool_;
  const std::string epoch_key_;

  // Invalidations that failed to reach Redis, and how many of them an epoch advance covers.
  absl::Mutex invalidation_mu_;
  uint64_t lost_invalidations_ ABSL_GUARDED_BY(invalidation_mu_) = 0;
  uint64_t covered_invalidations_ ABSL_GUARDED_BY(invalidation_mu_) = 0;

  absl::Mutex log_mu_;
  absl::Time last_rejected_log_ ABSL_GUARDED_BY(log_mu_) = absl::InfinitePast();
};

// The cache with no Redis configured: every lookup misses, nothing is written, nothing counted.
class DisabledCache final : public Cache {
 public:
  explicit DisabledCache(prometheus::Registry* registry) : metrics_(registry) {}

  std::optional<std::string> Get(std::string_view) override { return std::nullopt; }
  void Set(std::string_view, std::string_view, absl::Duration) override {}
  void Delete(const std::vector<std::string>&) override {}
  std::optional<std::string> GetVersioned(std::string_view) override { return std::nullopt; }
  void PutVersioned(std::string_view, int64_t, std::string_view, absl::Duration) override {}
  void MarkPending(std::string_view, int64_t, absl::Duration) override {}
  AggregateLookup GetAggregate(std::string_view, std::string_view) override { return {}; }
  void PutAggregate(std::string_view, int64_t, std::string_view, std::string_view,
                    absl::Duration) override {}
  void BumpGeneration(std::string_view) override {}
  bool circuit_open() const override { return false; }

 private:
  // Registered only so the series exist (at zero) whatever the configuration.
  Metrics metrics_;
};

}  // namespace

std::unique_ptr<Cache> Cache::Create(const CacheOptions& options, prometheus::Registry* registry,
                                     const Clock* clock) {
  if (options.address.empty()) return std::make_unique<DisabledCache>(registry);
  std::string host;
  int port = 0;
  if (!ParseAddress(options.address, &host, &port)) {
    log::Error("cache address is not host:port; the cache is disabled",
               {{"address", options.address}});
    return std::make_unique<DisabledCache>(registry);
  }
  IgnoreSigpipe();
  return std::make_unique<RedisCache>(options, std::move(host), port, registry,
                                      clock != nullptr ? clock : SystemClock::Get());
}

}  // namespace gov::cache
