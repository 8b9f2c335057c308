#include "common/store/pg_store.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/random/random.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/cord.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/clock/district_time.h"
#include "common/log/log.h"
#include "common/store/pg_db.h"
#include "common/store/pg_schema.h"
#include "common/store/repository.h"
#include "common/store/store_common.h"
#include "common/util/redact.h"
#include "common/util/status.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/gauge.h"
#include "prometheus/registry.h"

namespace gov::store {
namespace {

using internal::CaseCountKey;
using internal::CaseNotFound;
using internal::CheckEntityKind;
using internal::CheckLimit;
using internal::CheckPersonalDataRead;
using internal::CheckTrack;
using internal::DayKey;
using internal::Dialect;
using internal::EntityNotFound;
using internal::FigureNotFound;
using internal::FormatId;
using internal::kCaseColumns;
using internal::kEntityColumns;
using internal::kFigureColumns;
using internal::Op;
using internal::OpTimer;
using internal::QueryMetrics;
using internal::ReadCase;
using internal::ReadEntity;
using internal::ReadFigure;
using internal::RequestConflict;
using internal::SqlQuery;
using internal::Truncate;
using internal::VersionMismatch;
using pg::Connection;
using pg::Params;
using pg::Pool;
using pg::Result;

// ---------------------------------------------------------------------------------------------
// Metrics

// Why an operation was attempted again (label values of governance_store_retries_total).
enum class RetryReason { kSerialization, kDeadlock, kUnique, kConnection, kCount };
constexpr const char* kRetryReasons[] = {"serialization", "deadlock", "unique", "connection"};
static_assert(std::size(kRetryReasons) == static_cast<size_t>(RetryReason::kCount));

class PgMetrics {
 public:
  explicit PgMetrics(prometheus::Registry* registry)
      : queries(registry,
                "Time of a store operation as its caller sees it (including waits for a pooled "
                "connection, row locks and retries), by operation.") {
    if (registry == nullptr) return;
    auto& pool = prometheus::BuildGauge()
                     .Name("governance_store_pool_connections")
                     .Help(
                         "PostgreSQL connections of the store's pool, by state: idle (open, "
                         "waiting for a caller) or busy (in use or being opened).")
                     .Register(*registry);
    idle_ = &pool.Add({{"state", "idle"}});
    busy_ = &pool.Add({{"state", "busy"}});
    auto& retries = prometheus::BuildCounter()
                        .Name("governance_store_retries_total")
                        .Help(
                            "Store operations attempted again after a transient failure, by "
                            "reason: serialization, deadlock, unique (a concurrent insert of "
                            "the same key), connection (lost before the commit).")
                        .Register(*registry);
    for (size_t i = 0; i < std::size(kRetryReasons); ++i) {
      retries_[i] = &retries.Add({{"reason", kRetryReasons[i]}});
    }
  }

  void SetPool(int idle, int busy) const {
    if (idle_ == nullptr) return;
    idle_->Set(idle);
    busy_->Set(busy);
  }
  void CountRetry(RetryReason reason) const {
    if (auto* c = retries_[static_cast<size_t>(reason)]; c != nullptr) c->Increment();
  }

  const QueryMetrics queries;

 private:
  prometheus::Gauge* idle_ = nullptr;
  prometheus::Gauge* busy_ = nullptr;
  std::array<prometheus::Counter*, std::size(kRetryReasons)> retries_{};
};

// ---------------------------------------------------------------------------------------------
// Transactions and retries

// Marks a status whose transaction's COMMIT was sent but whose answer was lost with the
// connection: the transaction may or may not have committed.
constexpr char kCommitUnknownPayload[] = "gov.store.commit_unknown";

bool CommitUnknown(const absl::Status& status) {
  return status.GetPayload(kCommitUnknownPayload).has_value();
}

// Runs `body` in a READ COMMITTED transaction on `db` and commits it; rolls back when `body`
// fails. A connection lost while committing gives UNAVAILABLE marked CommitUnknown.
absl::Status Transact(Connection& db, absl::FunctionRef<absl::Status()> body) {
  GOV_RETURN_IF_ERROR(db.Script("BEGIN ISOLATION LEVEL READ COMMITTED").status());
  absl::Status status = body();
  if (!status.ok()) {
    if (db.InTransaction() && !db.Broken()) db.Script("ROLLBACK").IgnoreError();
    return status;
  }
  absl::StatusOr<Result> commit = db.Script("COMMIT");
  if (!commit.ok()) {
    if (pg::IsConnectionLoss(pg::SqlState(commit.status()))) {
      absl::Status unknown = absl::UnavailableError(
          absl::StrCat("postgres: the connection was lost while committing, so the outcome is "
                       "unknown (",
                       commit.status().message(), ")"));
      unknown.SetPayload(kCommitUnknownPayload, absl::Cord("1"));
      return unknown;
    }
    if (db.InTransaction() && !db.Broken()) db.Script("ROLLBACK").IgnoreError();
    return commit.status();
  }
  // COMMIT of a transaction that failed answers "ROLLBACK" without an error. Every failure
  // inside `body` is returned above, so such an answer means one went unnoticed.
  if (commit->command() != "COMMIT") {
    return absl::InternalError(
        absl::StrCat("postgres: COMMIT answered ", commit->command(), "; nothing was written"));
  }
  return absl::OkStatus();
}

// Binds the values of a query built by store_common.
Params ParamsOf(const SqlQuery& q) {
  Params params;
  for (const SqlQuery::Value& v : q.params()) {
    if (const int64_t* i = std::get_if<int64_t>(&v)) {
      params.Int(*i);
    } else if (const std::string* text = std::get_if<std::string>(&v)) {
      params.Text(*text);
    } else {
      params.TextArray(std::get<std::vector<std::string>>(v));
    }
  }
  return params;
}

Params& BindDue(Params& p, absl::Time due) {
  return due == absl::InfiniteFuture() ? p.NullInt() : p.Time(due);
}

absl::StatusOr<int64_t> ScalarInt(const Result& result) {
  if (result.rows() != 1) {
    return absl::InternalError(absl::StrCat("postgres: expected one row, got ", result.rows()));
  }
  return result.row(0).ColumnInt(0);
}

// True when `text` is UTF-8 as PostgreSQL accepts it in a text value: no NUL byte, no
// overlong forms, no surrogates, nothing above U+10FFFF.
bool ValidText(absl::string_view text) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  size_t i = 0;
  while (i < n) {
    const unsigned char c = p[i];
    if (c == 0) return false;
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len;
    uint32_t cp;
    if (c >= 0xc2 && c <= 0xdf) {
      len = 2;
      cp = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
      len = 3;
      cp = c & 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      len = 4;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + len > n) return false;
    for (size_t k = 1; k < len; ++k) {
      if ((p[i + k] & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (p[i + k] & 0x3f);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
        (cp >= 0xd800 && cp <= 0xdfff)) {
      return false;
    }
    i += len;
  }
  return true;
}

// INVALID_ARGUMENT naming the first field that the server would refuse as text. Creates check
// before they allocate a number, so a refused create leaves no gap in the ids; every other
// write relies on the server's own check (SQLSTATE 22021, also INVALID_ARGUMENT).
absl::Status CheckTexts(std::initializer_list<std::pair<const char*, absl::string_view>> fields) {
  for (const auto& [name, value] : fields) {
    if (!ValidText(value)) {
      return absl::InvalidArgumentError(
          absl::StrCat("store: ", name, " is not valid UTF-8 text (or holds a NUL byte)"));
    }
  }
  return absl::OkStatus();
}

// ---------------------------------------------------------------------------------------------
// Statements (placeholders $n; every text is prepared once per connection)

const std::string& FindCaseByRequestSql() {
  static const auto* sql = new std::string(absl::StrCat(
      "SELECT request_hash, ", kCaseColumns, " FROM cases WHERE track = $1 AND request_id = $2"));
  return *sql;
}

const std::string& GetCaseSql() {
  static const auto* sql = new std::string(
      absl::StrCat("SELECT ", kCaseColumns, " FROM cases WHERE track = $1 AND id = $2"));
  return *sql;
}

const std::string& ListOverdueSql() {
  // The two literal terms match the partial index cases_overdue.
  static const auto* sql = new std::string(
      absl::StrCat("SELECT ", kCaseColumns,
                   " FROM cases WHERE track = $1 AND due_time IS NOT NULL AND NOT sla_breached AND "
                   "due_time < $2 ORDER BY due_time, id LIMIT $3"));
  return *sql;
}

const std::string& FindEntityByRequestSql() {
  static const auto* sql = new std::string(
      absl::StrCat("SELECT request_hash, ", kEntityColumns,
                   " FROM entities WHERE track = $1 AND kind = $2 AND request_id = $3"));
  return *sql;
}

const std::string& GetEntitySql() {
  static const auto* sql = new std::string(absl::StrCat(
      "SELECT ", kEntityColumns, " FROM entities WHERE track = $1 AND kind = $2 AND id = $3"));
  return *sql;
}

const std::string& FindFigureByRequestSql() {
  static const auto* sql =
      new std::string(absl::StrCat("SELECT request_hash, ", kFigureColumns,
                                   " FROM figures WHERE track = $1 AND request_id = $2"));
  return *sql;
}

const std::string& LatestFigureSql() {
  static const auto* sql = new std::string(absl::StrCat(
      "SELECT ", kFigureColumns,
      " FROM figures WHERE track = $1 AND figure_id = $2 AND period_key = $3 AND street_id = $4 "
      "ORDER BY revision DESC LIMIT 1"));
  return *sql;
}

constexpr char kInsertCaseSql[] =
    "INSERT INTO cases (track, id, request_id, request_hash, category, street_id, community_id, "
    "grid_id, unit_id, status, priority, create_time, update_time, due_time, sla_breached, "
    "version, payload, create_day) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)";

constexpr char kLockCaseSql[] =
    "SELECT version, create_day, street_id, community_id, unit_id, category, status "
    "FROM cases WHERE track = $1 AND id = $2 FOR UPDATE";

const std::string& LockWholeCaseSql() {
  static const auto* sql = new std::string(
      absl::StrCat("SELECT ", kCaseColumns, " FROM cases WHERE track = $1 AND id = $2 FOR UPDATE"));
  return *sql;
}

// An erasure replaces the payload and moves the version, nothing else of the case.
constexpr char kErasePayloadSql[] =
    "UPDATE cases SET payload = $1, version = $2 WHERE track = $3 AND id = $4";

constexpr char kEraseNotesSql[] =
    "UPDATE case_history SET note = '' WHERE track = $1 AND case_id = $2 AND action <> $3";

constexpr char kInsertReadSql[] =
    "INSERT INTO personal_data_reads (track, time, principal, roles, method, records, purpose, "
    "trace_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";

constexpr char kUpdateCaseSql[] =
    "UPDATE cases SET category = $1, street_id = $2, community_id = $3, grid_id = $4, "
    "unit_id = $5, status = $6, priority = $7, create_time = $8, update_time = $9, "
    "due_time = $10, sla_breached = $11, version = $12, payload = $13, create_day = $14 "
    "WHERE track = $15 AND id = $16";

// The first entry of a case gets sequence 1 (the aggregate yields one row over nothing). The
// case row is locked (inserted or FOR UPDATE) by the same transaction, so no other writer
// computes the same sequence.
constexpr char kAppendHistorySql[] =
    "INSERT INTO case_history "
    "(track, case_id, sequence, time, actor, action, from_status, to_status, note) "
    "SELECT $1, $2, COALESCE(MAX(sequence), 0) + 1, $3, $4, $5, $6, $7, $8 "
    "FROM case_history WHERE track = $1 AND case_id = $2";

// The changes after a position, in (txid, seq) order, only of transactions older than the
// oldest one still running (case_changes in pg_schema.cc says why).
constexpr char kChangesSql[] =
    "SELECT c.txid::text || '.' || c.seq::text, c.case_id, c.sequence, h.time, h.action, "
    "h.from_status, h.to_status, k.street_id, k.community_id, k.category, "
    "COALESCE(k.request_id, '') "
    "FROM case_changes c "
    "JOIN case_history h ON h.track = c.track AND h.case_id = c.case_id AND "
    "h.sequence = c.sequence "
    "JOIN cases k ON k.track = c.track AND k.id = c.case_id "
    "WHERE c.track = $1 AND (c.txid, c.seq) > ($2::xid8, $3::bigint) AND "
    "c.txid < pg_snapshot_xmin(pg_current_snapshot()) "
    "ORDER BY c.txid, c.seq LIMIT $4";

// Where a stream from now starts: just before the oldest transaction still running, so that a
// change it commits later is not skipped (changes committed just before may come again).
constexpr char kLastChangeSql[] =
    "SELECT CASE WHEN EXISTS (SELECT 1 FROM case_changes WHERE track = $1) "
    "THEN pg_snapshot_xmin(pg_current_snapshot())::text || '.0' ELSE '' END";

constexpr char kHistorySql[] =
    "SELECT sequence, time, actor, action, from_status, to_status, note "
    "FROM case_history WHERE track = $1 AND case_id = $2 ORDER BY sequence";

constexpr char kCaseExistsSql[] = "SELECT 1 FROM cases WHERE track = $1 AND id = $2";

constexpr char kAddCaseCountSql[] =
    "INSERT INTO case_counts (track, day, street_id, community_id, unit_id, category, status, n) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8) "
    "ON CONFLICT (track, day, street_id, community_id, unit_id, category, status) "
    "DO UPDATE SET n = case_counts.n + excluded.n RETURNING n";

constexpr char kDeleteZeroCaseCountSql[] =
    "DELETE FROM case_counts WHERE track = $1 AND day = $2 AND street_id = $3 AND "
    "community_id = $4 AND unit_id = $5 AND category = $6 AND status = $7 AND n = 0";

constexpr char kAddEventCountSql[] =
    "INSERT INTO event_counts "
    "(track, day, street_id, community_id, unit_id, category, action, status, n) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1) "
    "ON CONFLICT (track, day, street_id, community_id, unit_id, category, action, status) "
    "DO UPDATE SET n = event_counts.n + 1";

constexpr char kNextNumberSql[] =
    "INSERT INTO sequences (track, name, next) VALUES ($1, $2, 2) "
    "ON CONFLICT (track, name) DO UPDATE SET next = sequences.next + 1 RETURNING next - 1";

constexpr char kInsertEntitySql[] =
    "INSERT INTO entities (track, kind, id, request_id, request_hash, street_id, community_id, "
    "parent_id, key, create_time, update_time, version, payload) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)";

constexpr char kLockEntitySql[] =
    "SELECT version FROM entities WHERE track = $1 AND kind = $2 AND id = $3 FOR UPDATE";

constexpr char kUpdateEntitySql[] =
    "UPDATE entities SET street_id = $1, community_id = $2, parent_id = $3, key = $4, "
    "create_time = $5, update_time = $6, version = $7, payload = $8 "
    "WHERE track = $9 AND kind = $10 AND id = $11";

// The next revision of the figure in the same statement; two writers racing for one revision
// meet at figures_revision_key (23505) and the loser runs again.
constexpr char kInsertFigureSql[] =
    "INSERT INTO figures (track, figure_id, period_key, street_id, value, source, note, "
    "entered_by, enter_time, revision, request_id, request_hash, payload) "
    "SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, COALESCE(MAX(revision), 0) + 1, $10, $11, $12 "
    "FROM figures WHERE track = $1 AND figure_id = $2 AND period_key = $3 AND street_id = $4 "
    "RETURNING seq, revision";

// ---------------------------------------------------------------------------------------------
// The store

class PgStore final : public Repository {
 public:
  PgStore(const PostgresOptions& options, const pg::ConnectOptions& connect,
          prometheus::Registry* registry)
      : max_attempts_(options.max_attempts), metrics_(registry) {
    Pool::Options pool;
    pool.connect = connect;
    pool.size = options.pool_size;
    pool.acquire_timeout = options.acquire_timeout;
    pool.on_change = [this](int idle, int busy) { metrics_.SetPool(idle, busy); };
    pool_ = std::make_unique<Pool>(std::move(pool));
    ready_.store(true);
  }

  ~PgStore() override { ready_.store(false); }

  absl::StatusOr<CreateCaseResult> CreateCase(const CaseRecord& record, const HistoryRecord& first,
                                              const std::string& request_id,
                                              const std::string& request_hash,
                                              const std::string& id_prefix) override;
  absl::StatusOr<CaseRecord> GetCase(const std::string& track, const std::string& id) override;
  absl::StatusOr<std::vector<HistoryRecord>> GetHistory(const std::string& track,
                                                        const std::string& id) override;
  absl::StatusOr<CaseRecord> UpdateCase(const CaseRecord& updated, int64_t expected_version,
                                        const HistoryRecord& event) override;
  absl::StatusOr<std::vector<CaseRecord>> ListCases(const CaseFilter& filter) override;
  absl::StatusOr<std::vector<CaseRecord>> ListOverdue(const std::string& track, absl::Time now,
                                                      int limit) override;
  absl::StatusOr<std::vector<CountRow>> SumCases(const CountQuery& query) override {
    OpTimer timer(metrics_.queries, Op::kSumCases);
    return Sum("case_counts", query);
  }
  absl::StatusOr<std::vector<CountRow>> SumEvents(const CountQuery& query) override {
    OpTimer timer(metrics_.queries, Op::kSumEvents);
    return Sum("event_counts", query);
  }
  absl::StatusOr<int64_t> CountCasesWithEvents(const EventCaseQuery& query) override;
  absl::StatusOr<std::vector<ChangeRecord>> ListChanges(const std::string& track,
                                                        const std::string& after,
                                                        int limit) override;
  absl::StatusOr<std::string> LastChange(const std::string& track) override;
  absl::StatusOr<EntityRecord> CreateEntity(const EntityRecord& record,
                                            const std::string& request_id,
                                            const std::string& request_hash,
                                            const std::string& id_prefix) override;
  absl::StatusOr<EntityRecord> GetEntity(const std::string& track, const std::string& kind,
                                         const std::string& id) override;
  absl::StatusOr<EntityRecord> UpdateEntity(const EntityRecord& updated,
                                            int64_t expected_version) override;
  absl::StatusOr<std::vector<EntityRecord>> ListEntities(const EntityFilter& filter) override;
  absl::StatusOr<int64_t> CountEntities(const EntityFilter& filter) override;
  absl::StatusOr<FigureRecord> RecordFigure(const FigureRecord& record,
                                            const std::string& request_id,
                                            const std::string& request_hash) override;
  absl::StatusOr<FigureRecord> LatestFigure(const std::string& track, const std::string& figure_id,
                                            const std::string& period_key,
                                            const std::string& street_id) override;
  absl::StatusOr<std::vector<FigureRecord>> ListFigures(const FigureFilter& filter) override;
  absl::StatusOr<CaseRecord> EraseCasePersonalData(const std::string& track, const std::string& id,
                                                   const std::string& payload,
                                                   int64_t expected_version,
                                                   const HistoryRecord& event) override;
  absl::Status AppendPersonalDataReads(const std::vector<PersonalDataRead>& reads) override;
  absl::StatusOr<std::vector<PersonalDataRead>> ListPersonalDataReads(
      const PersonalDataReadFilter& filter) override;

  bool Ready() const override { return ready_.load(); }

 private:
  // Runs `attempt` on a pooled connection until it succeeds, fails for good, or max_attempts
  // ran out. Attempted again (after a short jittered pause, counted in
  // governance_store_retries_total): serialization failures and deadlocks, unique violations
  // (a concurrent insert of the same request id or figure revision: the next attempt finds the
  // stored record or takes the next revision), and lost connections before COMMIT was sent
  // (idle connections are dropped then: they likely went with the same server). A connection
  // lost during COMMIT leaves the outcome unknown: UNAVAILABLE, unless `commit_retry_safe`
  // (a create with a request id, whose next attempt finds the record if it was committed).
  absl::Status Run(bool commit_retry_safe, absl::FunctionRef<absl::Status(Connection&)> attempt);

  absl::StatusOr<std::vector<CountRow>> Sum(absl::string_view table, const CountQuery& query);

  // Write steps, inside the caller's transaction.
  static absl::Status AddCaseCount(Connection& db, const std::string& track,
                                   const CaseCountKey& key, int64_t delta);
  static absl::Status AddEventCount(Connection& db, const CaseRecord& record,
                                    const HistoryRecord& event);
  static absl::Status AppendHistory(Connection& db, const std::string& track,
                                    const std::string& case_id, const HistoryRecord& event);

  // The next number of (track, name) for a case or entity id, in a short transaction of its
  // own (before the caller's): see the definition.
  static absl::StatusOr<int64_t> AllocateNumber(Connection& db, const std::string& track,
                                                const std::string& name);

  const int max_attempts_;
  const PgMetrics metrics_;  // before pool_: the pool reports to it until destroyed
  std::unique_ptr<Pool> pool_;
  std::atomic<bool> ready_{false};
};

absl::Status PgStore::Run(bool commit_retry_safe,
                          absl::FunctionRef<absl::Status(Connection&)> attempt) {
  thread_local absl::BitGen bitgen;
  for (int n = 1;; ++n) {
    absl::Status status;
    {
      absl::StatusOr<Pool::Lease> lease = pool_->Acquire();
      if (!lease.ok()) {
        status = lease.status();
      } else {
        status = attempt(**lease);
        // The lease closes a broken connection when returned; its idle siblings go too.
        if (!status.ok() && (*lease)->Broken()) pool_->DiscardIdle();
      }
    }
    if (status.ok()) return status;

    std::optional<RetryReason> reason;
    const std::string sqlstate = pg::SqlState(status);
    if (CommitUnknown(status)) {
      if (!commit_retry_safe) return status;
      reason = RetryReason::kConnection;
    } else if (sqlstate == "40001") {
      reason = RetryReason::kSerialization;
    } else if (sqlstate == "40P01") {
      reason = RetryReason::kDeadlock;
    } else if (sqlstate == "23505") {
      reason = RetryReason::kUnique;
    } else if (pg::IsConnectionLoss(sqlstate)) {
      reason = RetryReason::kConnection;
    }
    if (!reason.has_value()) return status;
    if (n >= max_attempts_) {
      return absl::Status(status.code(), absl::StrCat(status.message(), " (gave up after ", n,
                                                      n == 1 ? " attempt)" : " attempts)"));
    }
    metrics_.CountRetry(*reason);
    log::Debug("store operation retried", {{"reason", kRetryReasons[static_cast<int>(*reason)]},
                                           {"attempt", absl::StrCat(n)},
                                           {"error", std::string(status.message())}});
    // 2, 4, 8... ms (at most 100), each within +-50%: racing replicas spread out.
    const double base_ms = std::min(100.0, 2.0 * static_cast<double>(int64_t{1} << (n - 1)));
    absl::SleepFor(absl::Milliseconds(base_ms * absl::Uniform(bitgen, 0.5, 1.5)));
  }
}

// Numbers are allocated outside the transaction that uses them, so concurrent creates of a
// track hold the (track, prefix) row lock of `sequences` only for this short transaction, not
// until their case commits. It commits with synchronous_commit off (no wait for the WAL
// flush), which is safe: WAL is written in order, so the durable commit of the case that uses
// the number flushes the allocation before it; an allocation lost in a crash was used by
// nothing durable, and the number is handed out again. Numbers are consecutive as long as
// every create commits; a create that fails after allocating (a conflict, a lost connection,
// a repeat of a request id that another replica stored first) leaves a gap.
absl::StatusOr<int64_t> PgStore::AllocateNumber(Connection& db, const std::string& track,
                                                const std::string& name) {
  GOV_RETURN_IF_ERROR(
      db.Script("BEGIN ISOLATION LEVEL READ COMMITTED; SET LOCAL synchronous_commit = off")
          .status());
  absl::StatusOr<Result> next = db.Exec(kNextNumberSql, Params().Text(track).Text(name));
  absl::StatusOr<int64_t> number = next.ok() ? ScalarInt(*next) : next.status();
  if (!number.ok()) {
    if (db.InTransaction() && !db.Broken()) db.Script("ROLLBACK").IgnoreError();
    return number.status();
  }
  // A lost answer to this COMMIT is an ordinary lost connection: at worst a number is skipped.
  GOV_RETURN_IF_ERROR(db.Script("COMMIT").status());
  return number;
}

absl::Status PgStore::AddCaseCount(Connection& db, const std::string& track,
                                   const CaseCountKey& key, int64_t delta) {
  GOV_ASSIGN_OR_RETURN(Result result, db.Exec(kAddCaseCountSql, Params()
                                                                    .Text(track)
                                                                    .Int(key.day)
                                                                    .Text(key.street_id)
                                                                    .Text(key.community_id)
                                                                    .Text(key.unit_id)
                                                                    .Text(key.category)
                                                                    .Text(key.status)
                                                                    .Int(delta)));
  GOV_ASSIGN_OR_RETURN(int64_t n, ScalarInt(result));
  if (n != 0) return absl::OkStatus();
  // Rows that dropped to zero are removed so the table holds only what sums see. This
  // transaction holds the row's lock since its upsert, so nobody moved it in between.
  return db
      .Exec(kDeleteZeroCaseCountSql, Params()
                                         .Text(track)
                                         .Int(key.day)
                                         .Text(key.street_id)
                                         .Text(key.community_id)
                                         .Text(key.unit_id)
                                         .Text(key.category)
                                         .Text(key.status))
      .status();
}

absl::Status PgStore::AddEventCount(Connection& db, const CaseRecord& record,
                                    const HistoryRecord& event) {
  return db
      .Exec(kAddEventCountSql, Params()
                                   .Text(record.track)
                                   .Int(DayKey(cal::LocalDay(event.time)))
                                   .Text(record.street_id)
                                   .Text(record.community_id)
                                   .Text(record.unit_id)
                                   .Text(record.category)
                                   .Text(event.action)
                                   .Text(event.to_status))
      .status();
}

absl::Status PgStore::AppendHistory(Connection& db, const std::string& track,
                                    const std::string& case_id, const HistoryRecord& event) {
  return db
      .Exec(kAppendHistorySql, Params()
                                   .Text(track)
                                   .Text(case_id)
                                   .Time(event.time)
                                   .Text(event.actor)
                                   .Text(event.action)
                                   .Text(event.from_status)
                                   .Text(event.to_status)
                                   .Text(event.note))
      .status();
}

// ---------------------------------------------------------------------------------------------
// Cases

absl::StatusOr<CreateCaseResult> PgStore::CreateCase(const CaseRecord& record,
                                                     const HistoryRecord& first,
                                                     const std::string& request_id,
                                                     const std::string& request_hash,
                                                     const std::string& id_prefix) {
  OpTimer timer(metrics_.queries, Op::kCreateCase);
  GOV_RETURN_IF_ERROR(CheckTrack(record.track));
  GOV_RETURN_IF_ERROR(CheckTexts({{"track", record.track},
                                  {"category", record.category},
                                  {"street_id", record.street_id},
                                  {"community_id", record.community_id},
                                  {"grid_id", record.grid_id},
                                  {"unit_id", record.unit_id},
                                  {"status", record.status},
                                  {"request_id", request_id},
                                  {"request_hash", request_hash},
                                  {"id_prefix", id_prefix},
                                  {"history actor", first.actor},
                                  {"history action", first.action},
                                  {"history from_status", first.from_status},
                                  {"history to_status", first.to_status},
                                  {"history note", first.note}}));
  CreateCaseResult result;
  // The id an earlier attempt inserted before its COMMIT's answer was lost: finding it stored
  // under the request id means that attempt committed, and this call created the case.
  std::string committed_maybe;
  GOV_RETURN_IF_ERROR(Run(!request_id.empty(), [&](Connection& db) -> absl::Status {
    if (!request_id.empty()) {
      // A repeat finds the stored case without allocating a number. Two first requests
      // racing both get here; the UNIQUE (track, request_id) constraint lets one insert, and
      // the other's next attempt finds its case.
      GOV_ASSIGN_OR_RETURN(Result found, db.Exec(FindCaseByRequestSql(),
                                                 Params().Text(record.track).Text(request_id)));
      if (found.rows() > 0) {
        if (found.row(0).ColumnText(0) != request_hash) return RequestConflict(request_id);
        result.record = ReadCase(found.row(0), 1);
        result.created = !committed_maybe.empty() && result.record.id == committed_maybe;
        return absl::OkStatus();
      }
    }
    GOV_ASSIGN_OR_RETURN(int64_t n, AllocateNumber(db, record.track, id_prefix));
    CaseRecord stored = record;
    stored.id = FormatId(id_prefix, n);
    stored.version = 1;
    stored.create_time = Truncate(record.create_time);
    stored.update_time = Truncate(record.update_time);
    stored.due_time = Truncate(record.due_time);
    const CaseCountKey key = CaseCountKey::Of(stored);
    GOV_RETURN_IF_ERROR(Transact(db, [&]() -> absl::Status {
      Params insert;
      insert.Text(stored.track)
          .Text(stored.id)
          .TextOrNull(request_id)
          .Text(request_hash)
          .Text(stored.category)
          .Text(stored.street_id)
          .Text(stored.community_id)
          .Text(stored.grid_id)
          .Text(stored.unit_id)
          .Text(stored.status)
          .Int(stored.priority)
          .Time(stored.create_time)
          .Time(stored.update_time);
      BindDue(insert, stored.due_time)
          .Bool(stored.sla_breached)
          .Int(stored.version)
          .Bytes(stored.payload)
          .Int(key.day);
      GOV_RETURN_IF_ERROR(db.Exec(kInsertCaseSql, insert).status());
      GOV_RETURN_IF_ERROR(AppendHistory(db, stored.track, stored.id, first));
      // Count rows in a fixed order (case_counts, then event_counts) in every transaction.
      GOV_RETURN_IF_ERROR(AddCaseCount(db, stored.track, key, +1));
      // The creation is the case's first transition (into its initial status), so an "events"
      // sum of transitions into a status includes the cases that started there.
      if (!first.action.empty()) GOV_RETURN_IF_ERROR(AddEventCount(db, stored, first));
      committed_maybe = stored.id;
      return absl::OkStatus();
    }));
    result.record = std::move(stored);
    result.created = true;
    return absl::OkStatus();
  }));
  return result;
}

absl::StatusOr<CaseRecord> PgStore::GetCase(const std::string& track, const std::string& id) {
  OpTimer timer(metrics_.queries, Op::kGetCase);
  CaseRecord record;
  GOV_RETURN_IF_ERROR(Run(false, [&](Connection& db) -> absl::Status {
    GOV_ASSIGN_OR_RETURN(Result found, db.Exec(GetCaseSql(), Params().Text(track).Text(id)));
    if (found.rows() == 0) return CaseNotFound(id);
    record = ReadCase(found.row(0));
    return absl::OkStatus();
  }));
  return record;
}

absl::StatusOr<std::vector<HistoryRecord>> PgStore::GetHistory(const std::string& track,
                                                               const std::string& id) {
  OpTimer timer(metrics_.queries, Op::kGetHistory);
  std::vector<HistoryRecord> history;
  GOV_RETURN_IF_ERROR(Run(false, [&](Connection& db) -> absl::Status {
    history.clear();
    GOV_ASSIGN_OR_RETURN(Result rows, db.Exec(kHistorySql, Params().Text(track).Text(id)));
    for (int i = 0; i < rows.rows(); ++i) history.push_back(internal::ReadHistory(rows.row(i)));
    if (!history.empty()) return absl::OkStatus();
    // Every case is created with its first entry, so no history means no such case.
    GOV_ASSIGN_OR_RETURN(Result found, db.Exec(kCaseExistsSql, Params().Text(track).Text(id)));
    if (found.rows() == 0) return CaseNotFound(id);
    return absl::OkStatus();
  }));
  return history;
}

namespace {

// A change position of this store, "<txid>.<seq>" ("" = before the first).
struct Position {
  std::string txid = "0";
  int64_t seq = 0;
};

absl::StatusOr<Position> ParsePosition(const std::string& after) {
  Position p;
  if (after.empty()) return p;
  const size_t dot = after.find('.');
  uint64_t txid = 0;
  if (dot == std::string::npos || !absl::SimpleAtoi(after.substr(0, dot), &txid) ||
      !absl::SimpleAtoi(after.substr(dot + 1), &p.seq) || p.seq < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("change position \"", after, "\" is not one this store gave"));
  }
  p.txid = absl::StrCat(txid);
  return p;
}

}  // namespace

absl::StatusOr<std::vector<ChangeRecord>> PgStore::ListChanges(const std::string& track,
                                                               const std::string& after,
                                                               int limit) {
  OpTimer timer(metrics_.queries, Op::kListChanges);
  GOV_RETURN_IF_ERROR(CheckLimit(limit));
  GOV_ASSIGN_OR_RETURN(const Position from, ParsePosition(after));
  std::vector<ChangeRecord> changes;
  GOV_RETURN_IF_ERROR(Run(false, [&](Connection& db) -> absl::Status {
    changes.clear();
    GOV_ASSIGN_OR_RETURN(
        Result rows,
        db.Exec(kChangesSql, Params().Text(track).Text(from.txid).Int(from.seq).Int(limit)));
    for (int i = 0; i < rows.rows(); ++i) changes.push_back(internal::ReadChange(rows.row(i)));
    return absl::OkStatus();
  }));
  return changes;
}

absl::StatusOr<std::string> PgStore::LastChange(const std::string& track) {
  OpTimer timer(metrics_.queries, Op::kLastChange);
  std::string last;
  GOV_RETURN_IF_ERROR(Run(false, [&](Connection& db) -> absl::Status {
    GOV_ASSIGN_OR_RETURN(Result rows, db.Exec(kLastChangeSql, Params().Text(track)));
    if (rows.rows() != 1) return absl::InternalError("postgres: expected one row");
    last = rows.row(0).ColumnText(0);
    return absl::OkStatus();
  }));
  return last;
}

absl::StatusOr<CaseRecord> PgStore::UpdateCase(const CaseRecord& updated, int64_t expected_version,
                                               const HistoryRecord& event) {
  OpTimer timer(metrics_.queries, Op::kUpdateCase);
  GOV_RETURN_IF_ERROR(CheckTrack(updated.track));
  CaseRecord stored = updated;
  stored.version = expected_version + 1;
  stored.create_time = Truncate(updated.create_time);
  stored.update_time = Truncate(updated.update_time);
  stored.due_time = Truncate(updated.due_time);
  const CaseCountKey new_key = CaseCountKey::Of(stored);
  GOV_RETURN_IF_ERROR(Run(false, [&](Connection& db) -> absl::Status {
    return Transact(db, [&]() -> absl::Status {
      // The row lock serialises writers of this case until commit; a writer that waited sees
      // the committed version and fails the comparison below.
      GOV_ASSIGN_OR_RETURN(Result locked,
                           db.Exec(kLockCaseSql, Params().Text(stored.track).Text(stored.id)));
      if (locked.rows() == 0) return CaseNotFound(stored.id);
      const pg::Row row = locked.row(0);
      const int64_t version = row.ColumnInt(0);
      if (version != expected_version) {
        return VersionMismatch("case", stored.id, version, expected_version);
      }
      const CaseCountKey old_key{row.ColumnInt(1),  row.ColumnText(2), row.ColumnText(3),
                                 row.ColumnText(4), row.ColumnText(5), row.ColumnText(6)};
      Params update;
      update.Text(stored.category)
          .Text(stored.street_id)
          .Text(stored.community_id)
          .Text(stored.grid_id)
          .Text(stored.unit_id)
          .Text(stored.status)
          .Int(stored.priority)
          .Time(stored.create_time)
          .Time(stored.update_time);
      BindDue(update, stored.due_time)
          .Bool(stored.sla_breached)
          .Int(stored.version)
          .Bytes(stored.payload)
          .Int(new_key.day)
          .Text(stored.track)
          .Text(stored.id);
      GOV_RETURN_IF_ERROR(db.Exec(kUpdateCaseSql, update).status());
      if (!(old_key == new_key)) {
        // Both rows in key order, whatever the direction of the move, so two transactions
        // moving cases between the same two rows cannot wait for each other in a cycle.
        if (old_key < new_key) {
          GOV_RETURN_IF_ERROR(AddCaseCount(db, stored.track, old_key, -1));
          GOV_RETURN_IF_ERROR(AddCaseCount(db, stored.track, new_key, +1));
        } else {
          GOV_RETURN_IF_ERROR(AddCaseCount(db, stored.track, new_key, +1));
          GOV_RETURN_IF_ERROR(AddCaseCount(db, stored.track, old_key, -1));
        }
      }
      if (!event.action.empty()) {
        GOV_RETURN_IF_ERROR(AppendHistory(db, stored.track, stored.id, event));
        GOV_RETURN_IF_ERROR(AddEventCount(db, stored, event));
      }
      return absl::OkStatus();
    });
  }));
  return stored;
}

absl::StatusOr<CaseRecord> PgStore::EraseCasePersonalData(const std::string& track,
                                                          const std::string& id,
                                                          const std::string& payload,
                                                          int64_t expected_version,
                                                          const HistoryRecord& event) {
  OpTimer timer(metrics_.queries, Op::kEraseCasePersonalData);
  GOV_RETURN_IF_ERROR(CheckTrack(track));
  CaseRecord stored;
  GOV_RETURN_IF_ERROR(Run(false, [&](Connection& db) -> absl::Status {
    return Transact(db, [&]() -> absl::Status {
      // The case row first, as UpdateCase locks it: writers of one case queue on it, so the
      // history rows below are only ever locked after it.
      GOV_ASSIGN_OR_RETURN(Result locked,
                           db.Exec(LockWholeCaseSql(), Params().Text(track).Text(id)));
      if (locked.rows() == 0) return CaseNotFound(id);
      stored = ReadCase(locked.row(0));
      if (stored.version != expected_version) {
        return VersionMismatch("case", id, stored.version, expected_version);
      }
      stored.payload = payload;
      stored.version = expected_version + 1;
      GOV_RETURN_IF_ERROR(
          db.Exec(kErasePayloadSql,
                  Params().Bytes(stored.payload).Int(stored.version).Text(track).Text(id))
              .status());
      GOV_RETURN_IF_ERROR(
          db.Exec(kEraseNotesSql, Params().Text(track).Text(id).Text(kErasePersonalDataAction))
              .status());
      // Its change comes from the trigger on case_history (an insert; emptying the notes
      // above is an update, which makes none); no count moves.
      return AppendHistory(db, track, id, event);
    });
  }));
  return stored;
}

absl::StatusOr<std::vector<CaseRecord>> PgStore::ListCases(const CaseFilter& filter) {
  OpTimer timer(metrics_.queries, Op::kListCases);
  GOV_RETURN_IF_ERROR(CheckLimit(filter.limit));
  const SqlQuery q = internal::ListCasesQuery(Dialect::kPostgres, filter);
  const Params params = ParamsOf(q);
  std::vector<CaseRecord> cases;
  GOV_RETURN_IF_ERROR(Run(false, [&](Connection& db) -> absl::Status {
    GOV_ASSIGN_OR_RETURN(Result rows, db.Exec(q.sql(), params));
    cases.clear();
    for (int i = 0; i < rows.rows(); ++i) cases.push_back(ReadCase(rows.row(i)));
    return absl::OkStatus();
  }));
  return cases;
}

absl::StatusOr<std::vector<CaseRecord>> PgStore::ListOverdue(const std::string& track,
                                                             absl::Time now, int limit) {
  OpTimer timer(metrics_.queries, Op::kListOverdue);
  GOV_RETURN_IF_ERROR(CheckLimit(limit));
  std::vector<CaseRecord> cases;
  GOV_RETURN_IF_ERROR(Run(false, [&](Connection& db) -> absl::Status {
    GOV_ASSIGN_OR_RETURN(Result rows,
                         db.Exec(ListOverdueSql(), Params().Text(track).Time(now).Int(limit)));
    cases.clear();
    for (int i = 0; i < rows.rows(); ++i) cases.push_back(ReadCase(rows.row(i)));
    return absl::OkStatus();
  }));
  return cases;
}

absl::StatusOr<std::vector<CountRow>> PgStore::Sum(absl::string_view table,
                                                   const CountQuery& query) {
  const internal::SumQuery sum = internal::BuildSumQuery(Dialect::kPostgres, table, query);
  const Params params = ParamsOf(sum.query);
  std::vector<CountRow> out;
  GOV_RETURN_IF_ERROR(Run(false, [&](Connection& db) -> absl::Status {
    GOV_ASSIGN_OR_RETURN(Result rows, db.Exec(sum.query.sql(), params));
    out.clear();
    for (int i = 0; i < rows.rows(); ++i) {
      CountRow r;
      if (internal::ReadSumRow(rows.row(i), sum, query, &r)) out.push_back(std::move(r));
    }
    return absl::OkStatus();
  }));
  return out;
}

// ---------------------------------------------------------------------------------------------
// Entities

absl::StatusOr<EntityRecord> PgStore::CreateEntity(const EntityRecord& record,
                                                   const std::string& request_id,
                                                   const std::string& request_hash,
                                                   const std::string& id_prefix) {
  OpTimer timer(metrics_.queries, Op::kCreateEntity);
  GOV_RETURN_IF_ERROR(CheckTrack(record.track));
  GOV_RETURN_IF_ERROR(CheckEntityKind(record.kind));
  GOV_RETURN_IF_ERROR(CheckTexts({{"track", record.track},
                                  {"kind", record.kind},
                                  {"street_id", record.street_id},
                                  {"community_id", record.community_id},
                                  {"parent_id", record.parent_id},
                                  {"key", record.key},
                                  {"request_id", request_id},
                                  {"request_hash", request_hash},
                                  {"id_prefix", id_prefix}}));
  EntityRecord result;
  GOV_RETURN_IF_ERROR(Run(!request_id.empty(), [&](Connection& db) -> absl::Status {
    if (!request_id.empty()) {
      GOV_ASSIGN_OR_RETURN(Result found,
                           db.Exec(FindEntityByRequestSql(),
                                   Params().Text(record.track).Text(record.kind).Text(request_id)));
      if (found.rows() > 0) {
        if (found.row(0).ColumnText(0) != request_hash) return RequestConflict(request_id);
        result = ReadEntity(found.row(0), 1);
        return absl::OkStatus();
      }
    }
    GOV_ASSIGN_OR_RETURN(int64_t n, AllocateNumber(db, record.track, id_prefix));
    EntityRecord stored = record;
    stored.id = FormatId(id_prefix, n);
    stored.version = 1;
    stored.create_time = Truncate(record.create_time);
    stored.update_time = Truncate(record.update_time);
    GOV_RETURN_IF_ERROR(Transact(db, [&]() -> absl::Status {
      return db
          .Exec(kInsertEntitySql, Params()
                                      .Text(stored.track)
                                      .Text(stored.kind)
                                      .Text(stored.id)
                                      .TextOrNull(request_id)
                                      .Text(request_hash)
                                      .Text(stored.street_id)
                                      .Text(stored.community_id)
                                      .Text(stored.parent_id)
                                      .Text(stored.key)
                                      .Time(stored.create_time)
                                      .Time(stored.update_time)
                                      .Int(stored.version)
                                      .Bytes(stored.payload))
          .status();
    }));
    result = std::move(stored);
    return absl::OkStatus();
  }));
  return result;
}

absl::StatusOr<EntityRecord> PgStore::GetEntity(const std::string& track, const std::string& kind,
                                                const std::string& id) {
  OpTimer timer(metrics_.queries, Op::kGetEntity);
  EntityRecord record;
  GOV_RETURN_IF_ERROR(Run(false, [&](Connection& db) -> absl::Status {
    GOV_ASSIGN_OR_RETURN(Result found,
                         db.Exec(GetEntitySql(), Params().Text(track).Text(kind).Text(id)));
    if (found.rows() == 0) return EntityNotFound(kind, id);
    record = ReadEntity(found.row(0));
    return absl::OkStatus();
  }));
  return record;
}

absl::StatusOr<EntityRecord> PgStore::UpdateEntity(const EntityRecord& updated,
                                                   int64_t expected_version) {
  OpTimer timer(metrics_.queries, Op::kUpdateEntity);
  GOV_RETURN_IF_ERROR(CheckTrack(updated.track));
  EntityRecord stored = updated;
  stored.version = expected_version + 1;
  stored.create_time = Truncate(updated.create_time);
  stored.update_time = Truncate(updated.update_time);
  GOV_RETURN_IF_ERROR(Run(false, [&](Connection& db) -> absl::Status {
    return Transact(db, [&]() -> absl::Status {
      GOV_ASSIGN_OR_RETURN(
          Result locked,
          db.Exec(kLockEntitySql, Params().Text(stored.track).Text(stored.kind).Text(stored.id)));
      if (locked.rows() == 0) return EntityNotFound(stored.kind, stored.id);
      const int64_t version = locked.row(0).ColumnInt(0);
      if (version != expected_version) {
        return VersionMismatch(stored.kind, stored.id, version, expected_version);
      }
      return db
          .Exec(kUpdateEntitySql, Params()
                                      .Text(stored.street_id)
                                      .Text(stored.community_id)
                                      .Text(stored.parent_id)
                                      .Text(stored.key)
                                      .Time(stored.create_time)
                                      .Time(stored.update_time)
                                      .Int(stored.version)
                                      .Bytes(stored.payload)
                                      .Text(stored.track)
                                      .Text(stored.kind)
                                      .Text(stored.id))
          .status();
    });
  }));
  return stored;
}

absl::StatusOr<std::vector<EntityRecord>> PgStore::ListEntities(const EntityFilter& filter) {
  OpTimer timer(metrics_.queries, Op::kListEntities);
  GOV_RETURN_IF_ERROR(CheckLimit(filter.limit));
  const SqlQuery q = internal::ListEntitiesQuery(Dialect::kPostgres, filter);
  const Params params = ParamsOf(q);
  std::vector<EntityRecord> entities;
  GOV_RETURN_IF_ERROR(Run(false, [&](Connection& db) -> absl::Status {
    GOV_ASSIGN_OR_RETURN(Result rows, db.Exec(q.sql(), params));
    entities.clear();
    for (int i = 0; i < rows.rows(); ++i) entities.push_back(ReadEntity(rows.row(i)));
    return absl::OkStatus();
  }));
  return entities;
}

absl::StatusOr<int64_t> PgStore::CountCasesWithEvents(const EventCaseQuery& query) {
  OpTimer timer(metrics_.queries, Op::kCountCasesWithEvents);
  const SqlQuery q = internal::CountCasesWithEventsQuery(Dialect::kPostgres, query);
  const Params params = ParamsOf(q);
  int64_t count = 0;
  GOV_RETURN_IF_ERROR(Run(false, [&](Connection& db) -> absl::Status {
    GOV_ASSIGN_OR_RETURN(Result rows, db.Exec(q.sql(), params));
    GOV_ASSIGN_OR_RETURN(count, ScalarInt(rows));
    return absl::OkStatus();
  }));
  return count;
}

absl::StatusOr<int64_t> PgStore::CountEntities(const EntityFilter& filter) {
  OpTimer timer(metrics_.queries, Op::kCountEntities);
  const SqlQuery q =
      internal::EntityQuery(Dialect::kPostgres, "SELECT COUNT(*) FROM entities", filter);
  const Params params = ParamsOf(q);
  int64_t count = 0;
  GOV_RETURN_IF_ERROR(Run(false, [&](Connection& db) -> absl::Status {
    GOV_ASSIGN_OR_RETURN(Result rows, db.Exec(q.sql(), params));
    GOV_ASSIGN_OR_RETURN(count, ScalarInt(rows));
    return absl::OkStatus();
  }));
  return count;
}

// ---------------------------------------------------------------------------------------------
// Figures

absl::StatusOr<FigureRecord> PgStore::RecordFigure(const FigureRecord& record,
                                                   const std::string& request_id,
                                                   const std::string& request_hash) {
  OpTimer timer(metrics_.queries, Op::kRecordFigure);
  GOV_RETURN_IF_ERROR(CheckTrack(record.track));
  FigureRecord result;
  GOV_RETURN_IF_ERROR(Run(!request_id.empty(), [&](Connection& db) -> absl::Status {
    if (!request_id.empty()) {
      GOV_ASSIGN_OR_RETURN(Result found, db.Exec(FindFigureByRequestSql(),
                                                 Params().Text(record.track).Text(request_id)));
      if (found.rows() > 0) {
        if (found.row(0).ColumnText(0) != request_hash) return RequestConflict(request_id);
        result = ReadFigure(found.row(0), 1);
        return absl::OkStatus();
      }
    }
    FigureRecord stored = record;
    stored.enter_time = Truncate(record.enter_time);
    GOV_RETURN_IF_ERROR(Transact(db, [&]() -> absl::Status {
      GOV_ASSIGN_OR_RETURN(Result inserted, db.Exec(kInsertFigureSql, Params()
                                                                          .Text(stored.track)
                                                                          .Text(stored.figure_id)
                                                                          .Text(stored.period_key)
                                                                          .Text(stored.street_id)
                                                                          .Int(stored.value)
                                                                          .Text(stored.source)
                                                                          .Text(stored.note)
                                                                          .Text(stored.entered_by)
                                                                          .Time(stored.enter_time)
                                                                          .TextOrNull(request_id)
                                                                          .Text(request_hash)
                                                                          .Bytes(stored.payload)));
      if (inserted.rows() != 1)
        return absl::InternalError("postgres: figure insert returned no row");
      stored.seq = inserted.row(0).ColumnInt(0);
      stored.revision = static_cast<int32_t>(inserted.row(0).ColumnInt(1));
      return absl::OkStatus();
    }));
    result = std::move(stored);
    return absl::OkStatus();
  }));
  return result;
}

absl::StatusOr<FigureRecord> PgStore::LatestFigure(const std::string& track,
                                                   const std::string& figure_id,
                                                   const std::string& period_key,
                                                   const std::string& street_id) {
  OpTimer timer(metrics_.queries, Op::kLatestFigure);
  FigureRecord record;
  GOV_RETURN_IF_ERROR(Run(false, [&](Connection& db) -> absl::Status {
    GOV_ASSIGN_OR_RETURN(
        Result found,
        db.Exec(LatestFigureSql(),
                Params().Text(track).Text(figure_id).Text(period_key).Text(street_id)));
    if (found.rows() == 0) return FigureNotFound(figure_id, period_key, street_id);
    record = ReadFigure(found.row(0));
    return absl::OkStatus();
  }));
  return record;
}

absl::StatusOr<std::vector<FigureRecord>> PgStore::ListFigures(const FigureFilter& filter) {
  OpTimer timer(metrics_.queries, Op::kListFigures);
  GOV_RETURN_IF_ERROR(CheckLimit(filter.limit));
  const SqlQuery q = internal::ListFiguresQuery(Dialect::kPostgres, filter);
  const Params params = ParamsOf(q);
  std::vector<FigureRecord> figures;
  GOV_RETURN_IF_ERROR(Run(false, [&](Connection& db) -> absl::Status {
    GOV_ASSIGN_OR_RETURN(Result rows, db.Exec(q.sql(), params));
    figures.clear();
    for (int i = 0; i < rows.rows(); ++i) figures.push_back(ReadFigure(rows.row(i)));
    return absl::OkStatus();
  }));
  return figures;
}

// ---------------------------------------------------------------------------------------------
// Reads of personal data

absl::Status PgStore::AppendPersonalDataReads(const std::vector<PersonalDataRead>& reads) {
  OpTimer timer(metrics_.queries, Op::kAppendPersonalDataReads);
  for (const PersonalDataRead& read : reads) GOV_RETURN_IF_ERROR(CheckPersonalDataRead(read));
  if (reads.empty()) return absl::OkStatus();
  return Run(false, [&](Connection& db) -> absl::Status {
    return Transact(db, [&]() -> absl::Status {
      for (const PersonalDataRead& read : reads) {
        GOV_RETURN_IF_ERROR(db.Exec(kInsertReadSql, Params()
                                                        .Text(read.track)
                                                        .Time(read.time)
                                                        .Text(read.principal)
                                                        .Text(internal::RolesColumn(read.roles))
                                                        .Text(read.method)
                                                        .Text(internal::RecordsColumn(read.records))
                                                        .Text(read.purpose)
                                                        .Text(read.trace_id))
                                .status());
      }
      return absl::OkStatus();
    });
  });
}

absl::StatusOr<std::vector<PersonalDataRead>> PgStore::ListPersonalDataReads(
    const PersonalDataReadFilter& filter) {
  OpTimer timer(metrics_.queries, Op::kListPersonalDataReads);
  GOV_RETURN_IF_ERROR(CheckLimit(filter.limit));
  const SqlQuery q = internal::ListPersonalDataReadsQuery(Dialect::kPostgres, filter);
  const Params params = ParamsOf(q);
  std::vector<PersonalDataRead> reads;
  GOV_RETURN_IF_ERROR(Run(false, [&](Connection& db) -> absl::Status {
    GOV_ASSIGN_OR_RETURN(Result rows, db.Exec(q.sql(), params));
    reads.clear();
    for (int i = 0; i < rows.rows(); ++i) {
      reads.push_back(internal::ReadPersonalDataRead(rows.row(i)));
    }
    return absl::OkStatus();
  }));
  return reads;
}

}  // namespace

absl::StatusOr<std::unique_ptr<Repository>> OpenPostgres(const PostgresOptions& options,
                                                         prometheus::Registry* registry) {
  if (options.url.empty()) return absl::InvalidArgumentError("postgres: url is required");
  if (options.pool_size < 1) {
    return absl::InvalidArgumentError("postgres: pool_size must be at least 1");
  }
  if (options.max_attempts < 1) {
    return absl::InvalidArgumentError("postgres: max_attempts must be at least 1");
  }
  if (options.connect_timeout <= absl::ZeroDuration() ||
      options.acquire_timeout <= absl::ZeroDuration() ||
      options.statement_timeout < absl::ZeroDuration()) {
    return absl::InvalidArgumentError(
        "postgres: connect_timeout and acquire_timeout must be positive, statement_timeout "
        "not negative");
  }
  pg::ConnectOptions connect;
  connect.url = options.url;
  connect.connect_timeout = options.connect_timeout;
  connect.statement_timeout = options.statement_timeout;
  connect.application_name = options.application_name;
  {
    // Migrations on a connection of their own, closed before the pool opens its own.
    GOV_ASSIGN_OR_RETURN(std::unique_ptr<Connection> db, Connection::Open(connect));
    if (absl::Status migrated = pg::Migrate(*db); !migrated.ok()) {
      return absl::Status(migrated.code(),
                          absl::StrCat("postgres store at ", RedactDatabaseUrl(options.url), ": ",
                                       migrated.message()));
    }
  }
  return std::make_unique<PgStore>(options, connect, registry);
}

}  // namespace gov::store
