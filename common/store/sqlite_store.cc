#include "common/store/sqlite_store.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <iterator>
#include <memory>
#include <string>
#include <system_error>
#include <thread>
#include <utility>
#include <variant>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/cases/calendar.h"
#include "common/store/repository.h"
#include "common/store/sqlite_db.h"
#include "common/store/sqlite_schema.h"
#include "common/util/status.h"
#include "prometheus/family.h"
#include "prometheus/gauge.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"

namespace gov::store {
namespace {

using sqlite::Connection;
using sqlite::Statement;

// ---------------------------------------------------------------------------------------------
// Metrics

enum class Op {
  kCreateCase,
  kGetCase,
  kGetHistory,
  kUpdateCase,
  kListCases,
  kListOverdue,
  kSumCases,
  kSumEvents,
  kCreateEntity,
  kGetEntity,
  kUpdateEntity,
  kListEntities,
  kCountEntities,
  kRecordFigure,
  kLatestFigure,
  kListFigures,
  kCount,  // number of ops, not an op
};

// Label values of governance_store_query_seconds{op}, indexed by Op.
constexpr const char* kOpNames[] = {
    "create_case",    "get_case",      "get_history",   "update_case",
    "list_cases",     "list_overdue",  "sum_cases",     "sum_events",
    "create_entity",  "get_entity",    "update_entity", "list_entities",
    "count_entities", "record_figure", "latest_figure", "list_figures",
};
static_assert(std::size(kOpNames) == static_cast<size_t>(Op::kCount));

// Query latency from 50us (a cached point read) to 1s (a write stuck behind a busy lock).
const prometheus::Histogram::BucketBoundaries& QueryBuckets() {
  static const auto* buckets = new prometheus::Histogram::BucketBoundaries{
      0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
      0.01,    0.025,  0.05,    0.1,    0.25,  0.5,    1.0};
  return *buckets;
}

const prometheus::Histogram::BucketBoundaries& GroupBuckets() {
  static const auto* buckets =
      new prometheus::Histogram::BucketBoundaries{1, 2, 4, 8, 16, 32, 64, 128, 256, 512};
  return *buckets;
}

class StoreMetrics {
 public:
  explicit StoreMetrics(prometheus::Registry* registry) {
    if (registry == nullptr) return;
    auto& queries = prometheus::BuildHistogram()
                        .Name("governance_store_query_seconds")
                        .Help(
                            "Time of a store operation as its caller sees it (writes include "
                            "waiting for their group's commit), by operation.")
                        .Register(*registry);
    // Every child is created up front so each op's series exists before its first call.
    for (size_t i = 0; i < std::size(kOpNames); ++i) {
      query_[i] = &queries.Add({{"op", kOpNames[i]}}, QueryBuckets());
    }
    queue_ = &prometheus::BuildGauge()
                  .Name("governance_store_write_queue")
                  .Help("Writes waiting for the store's writer thread.")
                  .Register(*registry)
                  .Add({});
    group_size_ = &prometheus::BuildHistogram()
                       .Name("governance_store_write_group_size")
                       .Help("Writes run together in one SQLite transaction (group commit).")
                       .Register(*registry)
                       .Add({}, GroupBuckets());
  }

  void ObserveQuery(Op op, double seconds) const {
    if (auto* h = query_[static_cast<size_t>(op)]; h != nullptr) h->Observe(seconds);
  }
  void SetQueue(size_t writes) const {
    if (queue_ != nullptr) queue_->Set(static_cast<double>(writes));
  }
  void ObserveGroup(size_t writes) const {
    if (group_size_ != nullptr) group_size_->Observe(static_cast<double>(writes));
  }

 private:
  std::array<prometheus::Histogram*, std::size(kOpNames)> query_{};
  prometheus::Gauge* queue_ = nullptr;
  prometheus::Histogram* group_size_ = nullptr;
};

class OpTimer {
 public:
  OpTimer(const StoreMetrics& metrics, Op op)
      : metrics_(metrics), op_(op), start_(std::chrono::steady_clock::now()) {}
  ~OpTimer() {
    metrics_.ObserveQuery(
        op_, std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count());
  }
  OpTimer(const OpTimer&) = delete;
  OpTimer& operator=(const OpTimer&) = delete;

 private:
  const StoreMetrics& metrics_;
  Op op_;
  std::chrono::steady_clock::time_point start_;
};

// ---------------------------------------------------------------------------------------------
// Encoding helpers

int64_t DayKey(absl::CivilDay d) {
  return static_cast<int64_t>(d.year()) * 10000 + d.month() * 100 + d.day();
}

// Instants are stored at microsecond precision; records handed back are truncated the same
// way, so a returned record equals what a later read gives.
absl::Time Truncate(absl::Time t) {
  if (t == absl::InfiniteFuture() || t == absl::InfinitePast()) return t;
  return sqlite::FromMicros(sqlite::ToMicros(t));
}

Statement& BindDue(Statement& s, absl::Time due) {
  return due == absl::InfiniteFuture() ? s.Null() : s.Time(due);
}

std::string FormatId(absl::string_view prefix, int64_t n) {
  if (prefix.empty()) return absl::StrFormat("%06d", n);
  return absl::StrFormat("%s-%06d", prefix, n);
}

// The smallest string greater than every string starting with `prefix` (byte order, which is
// SQLite's BINARY collation), or "" when there is none (prefix of only 0xff bytes).
std::string PrefixUpperBound(absl::string_view prefix) {
  std::string bound(prefix);
  while (!bound.empty()) {
    unsigned char last = static_cast<unsigned char>(bound.back());
    if (last != 0xff) {
      bound.back() = static_cast<char>(last + 1);
      return bound;
    }
    bound.pop_back();
  }
  return bound;
}

absl::Status CheckLimit(int limit) {
  if (limit <= 0) return absl::InvalidArgumentError("store: limit must be positive");
  return absl::OkStatus();
}

absl::Status CheckTrack(absl::string_view track) {
  if (track.empty()) return absl::InvalidArgumentError("store: track is required");
  return absl::OkStatus();
}

absl::Status RequestConflict(absl::string_view request_id) {
  return absl::AlreadyExistsError(
      absl::StrCat("request_id ", request_id, " was used for a different request"));
}

// A statement text built from optional filters. Column names come from this file only; every
// value is a bound parameter.
class Query {
 public:
  explicit Query(std::string head) : sql_(std::move(head)) {}

  void Where(absl::string_view clause) {
    absl::StrAppend(&sql_, where_started_ ? " AND " : " WHERE ", clause);
    where_started_ = true;
  }
  void Eq(absl::string_view column, std::string value) {
    Where(absl::StrCat(column, " = ?"));
    params_.emplace_back(std::move(value));
  }
  void EqIfSet(absl::string_view column, const std::string& value) {
    if (!value.empty()) Eq(column, value);
  }
  void In(absl::string_view column, const std::vector<std::string>& values) {
    if (values.empty()) return;
    std::vector<absl::string_view> marks(values.size(), "?");
    Where(absl::StrCat(column, " IN (", absl::StrJoin(marks, ", "), ")"));
    for (const std::string& v : values) params_.emplace_back(v);
  }
  void Param(std::string value) { params_.emplace_back(std::move(value)); }
  void Param(int64_t value) { params_.emplace_back(value); }
  void Append(absl::string_view text) { absl::StrAppend(&sql_, " ", text); }

  absl::StatusOr<Statement> Prepare(Connection& db) const {
    GOV_ASSIGN_OR_RETURN(Statement stmt, db.Prepare(sql_));
    for (const auto& p : params_) {
      if (const int64_t* i = std::get_if<int64_t>(&p)) {
        stmt.Int(*i);
      } else {
        stmt.Text(std::get<std::string>(p));
      }
    }
    return stmt;
  }

 private:
  std::string sql_;
  bool where_started_ = false;
  std::vector<std::variant<int64_t, std::string>> params_;
};

// Steps a statement expected to give exactly one row and returns column 0 as an integer
// (RETURNING and aggregate queries).
absl::StatusOr<int64_t> ScalarInt(Statement& stmt) {
  GOV_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return absl::InternalError("sqlite: query returned no row");
  int64_t value = stmt.ColumnInt(0);
  GOV_ASSIGN_OR_RETURN(bool more, stmt.Step());
  if (more) return absl::InternalError("sqlite: query returned more than one row");
  return value;
}

// ---------------------------------------------------------------------------------------------
// Row mapping

constexpr char kCaseColumns[] =
    "track, id, category, street_id, community_id, grid_id, unit_id, status, priority, "
    "create_time, update_time, due_time, sla_breached, version, payload";

CaseRecord ReadCase(const Statement& s, int c = 0) {
  CaseRecord r;
  r.track = s.ColumnText(c + 0);
  r.id = s.ColumnText(c + 1);
  r.category = s.ColumnText(c + 2);
  r.street_id = s.ColumnText(c + 3);
  r.community_id = s.ColumnText(c + 4);
  r.grid_id = s.ColumnText(c + 5);
  r.unit_id = s.ColumnText(c + 6);
  r.status = s.ColumnText(c + 7);
  r.priority = static_cast<int32_t>(s.ColumnInt(c + 8));
  r.create_time = s.ColumnTime(c + 9);
  r.update_time = s.ColumnTime(c + 10);
  r.due_time = s.IsNull(c + 11) ? absl::InfiniteFuture() : s.ColumnTime(c + 11);
  r.sla_breached = s.ColumnInt(c + 12) != 0;
  r.version = s.ColumnInt(c + 13);
  r.payload = s.ColumnBlob(c + 14);
  return r;
}

constexpr char kEntityColumns[] =
    "track, kind, id, street_id, community_id, parent_id, key, create_time, update_time, "
    "version, payload";

EntityRecord ReadEntity(const Statement& s, int c = 0) {
  EntityRecord r;
  r.track = s.ColumnText(c + 0);
  r.kind = s.ColumnText(c + 1);
  r.id = s.ColumnText(c + 2);
  r.street_id = s.ColumnText(c + 3);
  r.community_id = s.ColumnText(c + 4);
  r.parent_id = s.ColumnText(c + 5);
  r.key = s.ColumnText(c + 6);
  r.create_time = s.ColumnTime(c + 7);
  r.update_time = s.ColumnTime(c + 8);
  r.version = s.ColumnInt(c + 9);
  r.payload = s.ColumnBlob(c + 10);
  return r;
}

constexpr char kFigureColumns[] =
    "seq, track, figure_id, period_key, street_id, value, source, note, entered_by, "
    "enter_time, revision, payload";

FigureRecord ReadFigure(const Statement& s, int c = 0) {
  FigureRecord r;
  r.seq = s.ColumnInt(c + 0);
  r.track = s.ColumnText(c + 1);
  r.figure_id = s.ColumnText(c + 2);
  r.period_key = s.ColumnText(c + 3);
  r.street_id = s.ColumnText(c + 4);
  r.value = s.ColumnInt(c + 5);
  r.source = s.ColumnText(c + 6);
  r.note = s.ColumnText(c + 7);
  r.entered_by = s.ColumnText(c + 8);
  r.enter_time = s.ColumnTime(c + 9);
  r.revision = static_cast<int32_t>(s.ColumnInt(c + 10));
  r.payload = s.ColumnBlob(c + 11);
  return r;
}

// The dimensions a case is counted under in case_counts.
struct CaseCountKey {
  int64_t day = 0;
  std::string street_id;
  std::string community_id;
  std::string unit_id;
  std::string category;
  std::string status;

  static CaseCountKey Of(const CaseRecord& r) {
    return {DayKey(cal::LocalDay(r.create_time)),
            r.street_id,
            r.community_id,
            r.unit_id,
            r.category,
            r.status};
  }
  bool operator==(const CaseCountKey&) const = default;
};

// ---------------------------------------------------------------------------------------------
// Connections: a pool for reads, one writer thread with group commit.

class ReadPool {
 public:
  explicit ReadPool(std::vector<std::unique_ptr<Connection>> connections)
      : connections_(std::move(connections)) {
    for (auto& c : connections_) idle_.push_back(c.get());
  }

  // A connection lent to one caller until the lease is destroyed.
  class Lease {
   public:
    Lease(ReadPool* pool, Connection* conn) : pool_(pool), conn_(conn) {}
    ~Lease() { pool_->Return(conn_); }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    Connection& operator*() const { return *conn_; }

   private:
    ReadPool* pool_;
    Connection* conn_;
  };

  // Blocks until a connection is idle.
  Lease Acquire() {
    absl::MutexLock lock(&mu_, absl::Condition(this, &ReadPool::HasIdle));
    Connection* conn = idle_.back();
    idle_.pop_back();
    return Lease(this, conn);
  }

 private:
  bool HasIdle() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return !idle_.empty(); }
  void Return(Connection* conn) {
    absl::MutexLock lock(&mu_);
    idle_.push_back(conn);
  }

  const std::vector<std::unique_ptr<Connection>> connections_;
  absl::Mutex mu_;
  std::vector<Connection*> idle_ ABSL_GUARDED_BY(mu_);
};

using WriteFn = absl::FunctionRef<absl::Status(Connection&)>;

// A write waiting for the writer thread. Lives on its caller's stack; the caller blocks on
// `done`, so the writer may use it until it notifies.
struct WriteJob {
  explicit WriteJob(WriteFn f) : fn(f) {}
  WriteFn fn;
  absl::Status status;
  absl::Notification done;
};

class SqliteStore final : public Repository {
 public:
  SqliteStore(const SqliteOptions& options, std::unique_ptr<Connection> writer,
              std::vector<std::unique_ptr<Connection>> readers, prometheus::Registry* registry)
      : max_group_(static_cast<size_t>(options.max_group)),
        metrics_(registry),
        writer_(std::move(writer)),
        readers_(std::move(readers)) {
    writer_thread_ = std::thread([this] { WriterLoop(); });
    ready_.store(true);
  }

  ~SqliteStore() override {
    ready_.store(false);
    {
      absl::MutexLock lock(&mu_);
      stopping_ = true;
    }
    writer_thread_.join();  // the writer drains the queue before it exits
    // Keeps the planner's statistics fresh; cheap when nothing changed.
    writer_->ExecScript("PRAGMA optimize;").IgnoreError();
  }

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
    OpTimer timer(metrics_, Op::kSumCases);
    return Sum("case_counts", query);
  }
  absl::StatusOr<std::vector<CountRow>> SumEvents(const CountQuery& query) override {
    OpTimer timer(metrics_, Op::kSumEvents);
    return Sum("event_counts", query);
  }
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

  bool Ready() const override { return ready_.load(); }

 private:
  // Runs `fn` on the writer connection in its own savepoint of a group transaction and returns
  // once that transaction committed (or failed: then nothing of `fn` is durable).
  absl::Status Write(WriteFn fn);
  void WriterLoop();
  void CommitGroup(const std::vector<WriteJob*>& group);
  bool HasWorkOrStopping() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return stopping_ || !queue_.empty();
  }

  absl::StatusOr<std::vector<CountRow>> Sum(absl::string_view table, const CountQuery& query);
  static Query EntityQuery(std::string head, const EntityFilter& filter);

  // Write steps, run on the writer connection inside a savepoint.
  static absl::StatusOr<int64_t> NextSequence(Connection& db, const std::string& track,
                                              const std::string& name);
  static absl::Status AddCaseCount(Connection& db, const std::string& track,
                                   const CaseCountKey& key, int64_t delta);
  static absl::Status AddEventCount(Connection& db, const CaseRecord& record,
                                    const HistoryRecord& event);
  static absl::Status AppendHistory(Connection& db, const std::string& track,
                                    const std::string& case_id, const HistoryRecord& event);

  const size_t max_group_;
  const StoreMetrics metrics_;
  std::atomic<bool> ready_{false};

  // Used only by the writer thread (and by the destructor after it joined).
  const std::unique_ptr<Connection> writer_;
  ReadPool readers_;

  absl::Mutex mu_;
  std::deque<WriteJob*> queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread writer_thread_;
};

absl::Status SqliteStore::Write(WriteFn fn) {
  WriteJob job(fn);
  {
    absl::MutexLock lock(&mu_);
    if (stopping_) return absl::UnavailableError("sqlite store is closing");
    queue_.push_back(&job);
    metrics_.SetQueue(queue_.size());
  }
  job.done.WaitForNotification();
  return job.status;
}

void SqliteStore::WriterLoop() {
  std::vector<WriteJob*> group;
  while (true) {
    {
      absl::MutexLock lock(&mu_, absl::Condition(this, &SqliteStore::HasWorkOrStopping));
      if (queue_.empty()) return;  // stopping, and every queued write is answered
      // Whatever queued up while the previous group was committing goes in this one: the
      // fsync of one commit is shared by all of them.
      size_t n = std::min(queue_.size(), max_group_);
      group.assign(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
      queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
      metrics_.SetQueue(queue_.size());
    }
    metrics_.ObserveGroup(group.size());
    CommitGroup(group);
    group.clear();
  }
}

void SqliteStore::CommitGroup(const std::vector<WriteJob*>& group) {
  Connection& db = *writer_;
  // Outcomes are held back until the commit: a write that failed may have failed because of
  // what an earlier write in the group did, and that is void if the commit fails.
  std::vector<std::pair<WriteJob*, absl::Status>> in_txn;
  auto finish = [](WriteJob* job, absl::Status status) {
    job->status = std::move(status);
    job->done.Notify();  // last touch: the caller may destroy the job now
  };
  auto finish_txn = [&](const absl::Status& txn_status) {
    for (auto& [job, status] : in_txn) finish(job, txn_status.ok() ? status : txn_status);
    in_txn.clear();
  };

  for (size_t i = 0; i < group.size(); ++i) {
    WriteJob* job = group[i];
    if (!db.InTransaction()) {
      // IMMEDIATE takes the write lock now, so a busy file fails here (after the busy timeout)
      // rather than halfway through the group. Trying again for each remaining write would
      // only multiply the wait.
      if (absl::Status begin = db.Exec("BEGIN IMMEDIATE"); !begin.ok()) {
        for (size_t j = i; j < group.size(); ++j) finish(group[j], begin);
        return;
      }
    }
    absl::Status status = db.Exec("SAVEPOINT w");
    if (status.ok()) {
      status = job->fn(db);
      if (status.ok()) status = db.Exec("RELEASE w");
      if (!status.ok() && db.InTransaction()) {
        bool undone = db.Exec("ROLLBACK TO w").ok() && db.Exec("RELEASE w").ok();
        // Never commit a half-applied write: drop the whole transaction instead.
        if (!undone) db.Exec("ROLLBACK").IgnoreError();
      }
    }
    if (!db.InTransaction()) {
      // SQLite rolled the transaction back (I/O error, disk full...): the writes before this
      // one are gone with it and must not be acknowledged. Nothing of theirs is durable, so
      // they may retry; they are not told this write's error, which is not theirs.
      finish_txn(absl::UnavailableError(
          "sqlite: write not committed, its group's transaction was rolled back"));
      finish(job, status.ok() ? absl::InternalError("sqlite: transaction rolled back") : status);
      continue;
    }
    in_txn.emplace_back(job, std::move(status));
  }
  if (!db.InTransaction()) return;
  absl::Status commit = db.Exec("COMMIT");
  if (!commit.ok() && db.InTransaction()) db.Exec("ROLLBACK").IgnoreError();
  finish_txn(commit);
}

// ---------------------------------------------------------------------------------------------
// Write steps

absl::StatusOr<int64_t> SqliteStore::NextSequence(Connection& db, const std::string& track,
                                                  const std::string& name) {
  GOV_ASSIGN_OR_RETURN(Statement stmt,
                       db.Prepare("INSERT INTO sequences (track, name, next) VALUES (?, ?, 2) "
                                  "ON CONFLICT (track, name) DO UPDATE SET next = next + 1 "
                                  "RETURNING next - 1"));
  stmt.Text(track).Text(name);
  return ScalarInt(stmt);
}

absl::Status SqliteStore::AddCaseCount(Connection& db, const std::string& track,
                                       const CaseCountKey& key, int64_t delta) {
  {
    GOV_ASSIGN_OR_RETURN(
        Statement stmt,
        db.Prepare("INSERT INTO case_counts "
                   "(track, day, street_id, community_id, unit_id, category, status, n) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                   "ON CONFLICT (track, day, street_id, community_id, unit_id, category, status) "
                   "DO UPDATE SET n = n + excluded.n"));
    GOV_RETURN_IF_ERROR(stmt.Text(track)
                            .Int(key.day)
                            .Text(key.street_id)
                            .Text(key.community_id)
                            .Text(key.unit_id)
                            .Text(key.category)
                            .Text(key.status)
                            .Int(delta)
                            .Run());
  }
  if (delta >= 0) return absl::OkStatus();
  // Rows that dropped to zero are removed so the table holds only what sums see.
  GOV_ASSIGN_OR_RETURN(
      Statement stmt,
      db.Prepare("DELETE FROM case_counts WHERE track = ? AND day = ? AND street_id = ? AND "
                 "community_id = ? AND unit_id = ? AND category = ? AND status = ? AND n = 0"));
  return stmt.Text(track)
      .Int(key.day)
      .Text(key.street_id)
      .Text(key.community_id)
      .Text(key.unit_id)
      .Text(key.category)
      .Text(key.status)
      .Run();
}

absl::Status SqliteStore::AddEventCount(Connection& db, const CaseRecord& record,
                                        const HistoryRecord& event) {
  GOV_ASSIGN_OR_RETURN(
      Statement stmt,
      db.Prepare("INSERT INTO event_counts "
                 "(track, day, street_id, community_id, unit_id, category, action, status, n) "
                 "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1) "
                 "ON CONFLICT (track, day, street_id, community_id, unit_id, category, action, "
                 "status) DO UPDATE SET n = n + 1"));
  return stmt.Text(record.track)
      .Int(DayKey(cal::LocalDay(event.time)))
      .Text(record.street_id)
      .Text(record.community_id)
      .Text(record.unit_id)
      .Text(record.category)
      .Text(event.action)
      .Text(event.to_status)
      .Run();
}

absl::Status SqliteStore::AppendHistory(Connection& db, const std::string& track,
                                        const std::string& case_id, const HistoryRecord& event) {
  // The aggregate always yields one row, so the first entry gets sequence 1.
  GOV_ASSIGN_OR_RETURN(
      Statement stmt,
      db.Prepare("INSERT INTO case_history "
                 "(track, case_id, sequence, time, actor, action, from_status, to_status, note) "
                 "SELECT ?1, ?2, COALESCE(MAX(sequence), 0) + 1, ?3, ?4, ?5, ?6, ?7, ?8 "
                 "FROM case_history WHERE track = ?1 AND case_id = ?2"));
  return stmt.Text(track)
      .Text(case_id)
      .Time(event.time)
      .Text(event.actor)
      .Text(event.action)
      .Text(event.from_status)
      .Text(event.to_status)
      .Text(event.note)
      .Run();
}

// ---------------------------------------------------------------------------------------------
// Cases

absl::StatusOr<CreateCaseResult> SqliteStore::CreateCase(const CaseRecord& record,
                                                         const HistoryRecord& first,
                                                         const std::string& request_id,
                                                         const std::string& request_hash,
                                                         const std::string& id_prefix) {
  OpTimer timer(metrics_, Op::kCreateCase);
  GOV_RETURN_IF_ERROR(CheckTrack(record.track));
  CreateCaseResult result;
  GOV_RETURN_IF_ERROR(Write([&](Connection& db) -> absl::Status {
    if (!request_id.empty()) {
      GOV_ASSIGN_OR_RETURN(Statement stmt, db.Prepare(absl::StrCat(
                                               "SELECT request_hash, ", kCaseColumns,
                                               " FROM cases WHERE track = ? AND request_id = ?")));
      GOV_ASSIGN_OR_RETURN(bool found, stmt.Text(record.track).Text(request_id).Step());
      if (found) {
        if (stmt.ColumnText(0) != request_hash) return RequestConflict(request_id);
        result.record = ReadCase(stmt, 1);
        result.created = false;
        return absl::OkStatus();
      }
    }
    GOV_ASSIGN_OR_RETURN(int64_t n, NextSequence(db, record.track, id_prefix));
    CaseRecord stored = record;
    stored.id = FormatId(id_prefix, n);
    stored.version = 1;
    stored.create_time = Truncate(record.create_time);
    stored.update_time = Truncate(record.update_time);
    stored.due_time = Truncate(record.due_time);
    const CaseCountKey key = CaseCountKey::Of(stored);
    {
      GOV_ASSIGN_OR_RETURN(
          Statement stmt,
          db.Prepare("INSERT INTO cases (track, id, request_id, request_hash, category, "
                     "street_id, community_id, grid_id, unit_id, status, priority, create_time, "
                     "update_time, due_time, sla_breached, version, payload, create_day) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
      stmt.Text(stored.track)
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
      BindDue(stmt, stored.due_time)
          .Int(stored.sla_breached ? 1 : 0)
          .Int(stored.version)
          .Blob(stored.payload)
          .Int(key.day);
      GOV_RETURN_IF_ERROR(stmt.Run());
    }
    GOV_RETURN_IF_ERROR(AppendHistory(db, stored.track, stored.id, first));
    GOV_RETURN_IF_ERROR(AddCaseCount(db, stored.track, key, +1));
    // The creation is the case's first transition (into its initial status), so an "events"
    // sum of transitions into a status includes the cases that started there.
    if (!first.action.empty()) GOV_RETURN_IF_ERROR(AddEventCount(db, stored, first));
    result.record = std::move(stored);
    result.created = true;
    return absl::OkStatus();
  }));
  return result;
}

absl::StatusOr<CaseRecord> SqliteStore::GetCase(const std::string& track, const std::string& id) {
  OpTimer timer(metrics_, Op::kGetCase);
  auto lease = readers_.Acquire();
  GOV_ASSIGN_OR_RETURN(Statement stmt,
                       (*lease).Prepare(absl::StrCat("SELECT ", kCaseColumns,
                                                     " FROM cases WHERE track = ? AND id = ?")));
  GOV_ASSIGN_OR_RETURN(bool found, stmt.Text(track).Text(id).Step());
  if (!found) return absl::NotFoundError(absl::StrCat("case ", id, " not found"));
  return ReadCase(stmt);
}

absl::StatusOr<std::vector<HistoryRecord>> SqliteStore::GetHistory(const std::string& track,
                                                                   const std::string& id) {
  OpTimer timer(metrics_, Op::kGetHistory);
  auto lease = readers_.Acquire();
  Connection& db = *lease;
  std::vector<HistoryRecord> history;
  {
    GOV_ASSIGN_OR_RETURN(
        Statement stmt,
        db.Prepare("SELECT sequence, time, actor, action, from_status, to_status, note "
                   "FROM case_history WHERE track = ? AND case_id = ? ORDER BY sequence"));
    stmt.Text(track).Text(id);
    while (true) {
      GOV_ASSIGN_OR_RETURN(bool row, stmt.Step());
      if (!row) break;
      HistoryRecord h;
      h.sequence = stmt.ColumnInt(0);
      h.time = stmt.ColumnTime(1);
      h.actor = stmt.ColumnText(2);
      h.action = stmt.ColumnText(3);
      h.from_status = stmt.ColumnText(4);
      h.to_status = stmt.ColumnText(5);
      h.note = stmt.ColumnText(6);
      history.push_back(std::move(h));
    }
  }
  if (!history.empty()) return history;
  // Every case is created with its first entry, so no history means no such case.
  GOV_ASSIGN_OR_RETURN(Statement stmt,
                       db.Prepare("SELECT 1 FROM cases WHERE track = ? AND id = ?"));
  GOV_ASSIGN_OR_RETURN(bool found, stmt.Text(track).Text(id).Step());
  if (!found) return absl::NotFoundError(absl::StrCat("case ", id, " not found"));
  return history;
}

absl::StatusOr<CaseRecord> SqliteStore::UpdateCase(const CaseRecord& updated,
                                                   int64_t expected_version,
                                                   const HistoryRecord& event) {
  OpTimer timer(metrics_, Op::kUpdateCase);
  GOV_RETURN_IF_ERROR(CheckTrack(updated.track));
  CaseRecord stored = updated;
  stored.version = expected_version + 1;
  stored.create_time = Truncate(updated.create_time);
  stored.update_time = Truncate(updated.update_time);
  stored.due_time = Truncate(updated.due_time);
  const CaseCountKey new_key = CaseCountKey::Of(stored);
  GOV_RETURN_IF_ERROR(Write([&](Connection& db) -> absl::Status {
    CaseCountKey old_key;
    {
      GOV_ASSIGN_OR_RETURN(
          Statement stmt,
          db.Prepare("SELECT version, create_day, street_id, community_id, unit_id, category, "
                     "status FROM cases WHERE track = ? AND id = ?"));
      GOV_ASSIGN_OR_RETURN(bool found, stmt.Text(stored.track).Text(stored.id).Step());
      if (!found) return absl::NotFoundError(absl::StrCat("case ", stored.id, " not found"));
      int64_t version = stmt.ColumnInt(0);
      if (version != expected_version) {
        return absl::AbortedError(absl::StrCat("case ", stored.id, " was changed (version ",
                                               version, ", expected ", expected_version, ")"));
      }
      old_key = {stmt.ColumnInt(1),  stmt.ColumnText(2), stmt.ColumnText(3),
                 stmt.ColumnText(4), stmt.ColumnText(5), stmt.ColumnText(6)};
    }
    {
      GOV_ASSIGN_OR_RETURN(
          Statement stmt,
          db.Prepare("UPDATE cases SET category = ?, street_id = ?, community_id = ?, "
                     "grid_id = ?, unit_id = ?, status = ?, priority = ?, create_time = ?, "
                     "update_time = ?, due_time = ?, sla_breached = ?, version = ?, payload = ?, "
                     "create_day = ? WHERE track = ? AND id = ?"));
      stmt.Text(stored.category)
          .Text(stored.street_id)
          .Text(stored.community_id)
          .Text(stored.grid_id)
          .Text(stored.unit_id)
          .Text(stored.status)
          .Int(stored.priority)
          .Time(stored.create_time)
          .Time(stored.update_time);
      BindDue(stmt, stored.due_time)
          .Int(stored.sla_breached ? 1 : 0)
          .Int(stored.version)
          .Blob(stored.payload)
          .Int(new_key.day)
          .Text(stored.track)
          .Text(stored.id);
      GOV_RETURN_IF_ERROR(stmt.Run());
    }
    if (!(old_key == new_key)) {
      GOV_RETURN_IF_ERROR(AddCaseCount(db, stored.track, old_key, -1));
      GOV_RETURN_IF_ERROR(AddCaseCount(db, stored.track, new_key, +1));
    }
    if (!event.action.empty()) {
      GOV_RETURN_IF_ERROR(AppendHistory(db, stored.track, stored.id, event));
      GOV_RETURN_IF_ERROR(AddEventCount(db, stored, event));
    }
    return absl::OkStatus();
  }));
  return stored;
}

absl::StatusOr<std::vector<CaseRecord>> SqliteStore::ListCases(const CaseFilter& filter) {
  OpTimer timer(metrics_, Op::kListCases);
  GOV_RETURN_IF_ERROR(CheckLimit(filter.limit));
  Query q(absl::StrCat("SELECT ", kCaseColumns, " FROM cases"));
  q.Eq("track", filter.track);
  q.In("street_id", filter.streets);
  q.EqIfSet("street_id", filter.street_id);
  q.EqIfSet("community_id", filter.community_id);
  q.EqIfSet("grid_id", filter.grid_id);
  q.EqIfSet("unit_id", filter.unit_id);
  q.In("status", filter.statuses);
  q.EqIfSet("category", filter.category);
  if (filter.sla_breached_only) q.Where("sla_breached = 1");
  if (filter.created_from.has_value()) {
    q.Where("create_time >= ?");
    q.Param(sqlite::ToMicros(*filter.created_from));
  }
  if (filter.created_to.has_value()) {
    q.Where("create_time < ?");
    q.Param(sqlite::ToMicros(*filter.created_to));
  }
  if (filter.after_create_time.has_value()) {
    // Spelled so the first term is a range on the index; the row-value form is not.
    q.Where("create_time <= ? AND (create_time < ? OR id < ?)");
    int64_t after = sqlite::ToMicros(*filter.after_create_time);
    q.Param(after);
    q.Param(after);
    q.Param(filter.after_id);
  }
  q.Append("ORDER BY create_time DESC, id DESC LIMIT ?");
  q.Param(int64_t{filter.limit});

  auto lease = readers_.Acquire();
  GOV_ASSIGN_OR_RETURN(Statement stmt, q.Prepare(*lease));
  std::vector<CaseRecord> cases;
  while (true) {
    GOV_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    cases.push_back(ReadCase(stmt));
  }
  return cases;
}

absl::StatusOr<std::vector<CaseRecord>> SqliteStore::ListOverdue(const std::string& track,
                                                                 absl::Time now, int limit) {
  OpTimer timer(metrics_, Op::kListOverdue);
  GOV_RETURN_IF_ERROR(CheckLimit(limit));
  auto lease = readers_.Acquire();
  // The two literal terms match the partial index cases_overdue.
  GOV_ASSIGN_OR_RETURN(
      Statement stmt,
      (*lease).Prepare(absl::StrCat("SELECT ", kCaseColumns,
                                    " FROM cases WHERE track = ? AND due_time IS NOT NULL AND "
                                    "sla_breached = 0 AND due_time < ? ORDER BY due_time, id "
                                    "LIMIT ?")));
  stmt.Text(track).Time(now).Int(limit);
  std::vector<CaseRecord> cases;
  while (true) {
    GOV_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    cases.push_back(ReadCase(stmt));
  }
  return cases;
}

absl::StatusOr<std::vector<CountRow>> SqliteStore::Sum(absl::string_view table,
                                                       const CountQuery& query) {
  const bool events = table == "event_counts";
  struct Dim {
    bool on;
    const char* column;
    std::string CountRow::*field;
  };
  const Dim dims[] = {
      {query.by_street, "street_id", &CountRow::street_id},
      {query.by_community, "community_id", &CountRow::community_id},
      {query.by_unit, "unit_id", &CountRow::unit_id},
      {query.by_category, "category", &CountRow::category},
      {query.by_status, "status", &CountRow::status},
      {events && query.by_action, "action", &CountRow::action},
  };
  std::vector<const Dim*> grouped;
  std::vector<absl::string_view> columns;
  for (const Dim& d : dims) {
    if (!d.on) continue;
    grouped.push_back(&d);
    columns.push_back(d.column);
  }
  const std::string column_list = absl::StrJoin(columns, ", ");
  Query q(absl::StrCat("SELECT ", column_list, columns.empty() ? "" : ", ", "SUM(n) FROM ", table));
  q.Eq("track", query.track);
  q.Where("day >= ? AND day <= ?");
  q.Param(DayKey(query.first));
  q.Param(DayKey(query.last));
  q.In("street_id", query.streets);
  q.EqIfSet("street_id", query.street_id);
  q.EqIfSet("community_id", query.community_id);
  if (!columns.empty()) q.Append(absl::StrCat("GROUP BY ", column_list, " ORDER BY ", column_list));

  auto lease = readers_.Acquire();
  GOV_ASSIGN_OR_RETURN(Statement stmt, q.Prepare(*lease));
  std::vector<CountRow> rows;
  while (true) {
    GOV_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    const int sum_col = static_cast<int>(grouped.size());
    // Without GROUP BY the aggregate yields one row even over nothing (SUM is then NULL).
    if (stmt.IsNull(sum_col) || stmt.ColumnInt(sum_col) == 0) continue;
    CountRow r;
    r.day = query.first;
    for (size_t i = 0; i < grouped.size(); ++i) {
      r.*(grouped[i]->field) = stmt.ColumnText(static_cast<int>(i));
    }
    r.count = stmt.ColumnInt(sum_col);
    rows.push_back(std::move(r));
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------
// Entities

absl::StatusOr<EntityRecord> SqliteStore::CreateEntity(const EntityRecord& record,
                                                       const std::string& request_id,
                                                       const std::string& request_hash,
                                                       const std::string& id_prefix) {
  OpTimer timer(metrics_, Op::kCreateEntity);
  GOV_RETURN_IF_ERROR(CheckTrack(record.track));
  if (record.kind.empty()) return absl::InvalidArgumentError("store: entity kind is required");
  EntityRecord result;
  GOV_RETURN_IF_ERROR(Write([&](Connection& db) -> absl::Status {
    if (!request_id.empty()) {
      GOV_ASSIGN_OR_RETURN(
          Statement stmt, db.Prepare(absl::StrCat("SELECT request_hash, ", kEntityColumns,
                                                  " FROM entities WHERE track = ? AND kind = ? AND "
                                                  "request_id = ?")));
      GOV_ASSIGN_OR_RETURN(bool found,
                           stmt.Text(record.track).Text(record.kind).Text(request_id).Step());
      if (found) {
        if (stmt.ColumnText(0) != request_hash) return RequestConflict(request_id);
        result = ReadEntity(stmt, 1);
        return absl::OkStatus();
      }
    }
    GOV_ASSIGN_OR_RETURN(int64_t n, NextSequence(db, record.track, id_prefix));
    EntityRecord stored = record;
    stored.id = FormatId(id_prefix, n);
    stored.version = 1;
    stored.create_time = Truncate(record.create_time);
    stored.update_time = Truncate(record.update_time);
    GOV_ASSIGN_OR_RETURN(
        Statement stmt,
        db.Prepare("INSERT INTO entities (track, kind, id, request_id, request_hash, street_id, "
                   "community_id, parent_id, key, create_time, update_time, version, payload) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    GOV_RETURN_IF_ERROR(stmt.Text(stored.track)
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
                            .Blob(stored.payload)
                            .Run());
    result = std::move(stored);
    return absl::OkStatus();
  }));
  return result;
}

absl::StatusOr<EntityRecord> SqliteStore::GetEntity(const std::string& track,
                                                    const std::string& kind,
                                                    const std::string& id) {
  OpTimer timer(metrics_, Op::kGetEntity);
  auto lease = readers_.Acquire();
  GOV_ASSIGN_OR_RETURN(Statement stmt,
                       (*lease).Prepare(absl::StrCat("SELECT ", kEntityColumns,
                                                     " FROM entities WHERE track = ? AND "
                                                     "kind = ? AND id = ?")));
  GOV_ASSIGN_OR_RETURN(bool found, stmt.Text(track).Text(kind).Text(id).Step());
  if (!found) return absl::NotFoundError(absl::StrCat(kind, " ", id, " not found"));
  return ReadEntity(stmt);
}

absl::StatusOr<EntityRecord> SqliteStore::UpdateEntity(const EntityRecord& updated,
                                                       int64_t expected_version) {
  OpTimer timer(metrics_, Op::kUpdateEntity);
  GOV_RETURN_IF_ERROR(CheckTrack(updated.track));
  EntityRecord stored = updated;
  stored.version = expected_version + 1;
  stored.create_time = Truncate(updated.create_time);
  stored.update_time = Truncate(updated.update_time);
  GOV_RETURN_IF_ERROR(Write([&](Connection& db) -> absl::Status {
    {
      GOV_ASSIGN_OR_RETURN(
          Statement stmt,
          db.Prepare("SELECT version FROM entities WHERE track = ? AND kind = ? AND id = ?"));
      GOV_ASSIGN_OR_RETURN(bool found,
                           stmt.Text(stored.track).Text(stored.kind).Text(stored.id).Step());
      if (!found) {
        return absl::NotFoundError(absl::StrCat(stored.kind, " ", stored.id, " not found"));
      }
      int64_t version = stmt.ColumnInt(0);
      if (version != expected_version) {
        return absl::AbortedError(absl::StrCat(stored.kind, " ", stored.id,
                                               " was changed (version ", version, ", expected ",
                                               expected_version, ")"));
      }
    }
    GOV_ASSIGN_OR_RETURN(
        Statement stmt,
        db.Prepare("UPDATE entities SET street_id = ?, community_id = ?, parent_id = ?, "
                   "key = ?, create_time = ?, update_time = ?, version = ?, payload = ? "
                   "WHERE track = ? AND kind = ? AND id = ?"));
    return stmt.Text(stored.street_id)
        .Text(stored.community_id)
        .Text(stored.parent_id)
        .Text(stored.key)
        .Time(stored.create_time)
        .Time(stored.update_time)
        .Int(stored.version)
        .Blob(stored.payload)
        .Text(stored.track)
        .Text(stored.kind)
        .Text(stored.id)
        .Run();
  }));
  return stored;
}

Query SqliteStore::EntityQuery(std::string head, const EntityFilter& filter) {
  Query q(std::move(head));
  q.Eq("track", filter.track);
  q.EqIfSet("kind", filter.kind);
  q.In("street_id", filter.streets);
  q.EqIfSet("street_id", filter.street_id);
  q.EqIfSet("community_id", filter.community_id);
  q.EqIfSet("parent_id", filter.parent_id);
  q.EqIfSet("key", filter.key);
  if (!filter.key_prefix.empty()) {
    // A range rather than LIKE/GLOB: no wildcard escaping, and the key index applies.
    q.Where("key >= ?");
    q.Param(filter.key_prefix);
    if (std::string upper = PrefixUpperBound(filter.key_prefix); !upper.empty()) {
      q.Where("key < ?");
      q.Param(std::move(upper));
    }
  }
  return q;
}

absl::StatusOr<std::vector<EntityRecord>> SqliteStore::ListEntities(const EntityFilter& filter) {
  OpTimer timer(metrics_, Op::kListEntities);
  GOV_RETURN_IF_ERROR(CheckLimit(filter.limit));
  Query q = EntityQuery(absl::StrCat("SELECT ", kEntityColumns, " FROM entities"), filter);
  if (!filter.after_id.empty()) {
    q.Where("id > ?");
    q.Param(filter.after_id);
  }
  q.Append("ORDER BY id LIMIT ?");
  q.Param(int64_t{filter.limit});
  auto lease = readers_.Acquire();
  GOV_ASSIGN_OR_RETURN(Statement stmt, q.Prepare(*lease));
  std::vector<EntityRecord> entities;
  while (true) {
    GOV_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    entities.push_back(ReadEntity(stmt));
  }
  return entities;
}

absl::StatusOr<int64_t> SqliteStore::CountEntities(const EntityFilter& filter) {
  OpTimer timer(metrics_, Op::kCountEntities);
  Query q = EntityQuery("SELECT COUNT(*) FROM entities", filter);
  auto lease = readers_.Acquire();
  GOV_ASSIGN_OR_RETURN(Statement stmt, q.Prepare(*lease));
  return ScalarInt(stmt);
}

// ---------------------------------------------------------------------------------------------
// Figures

absl::StatusOr<FigureRecord> SqliteStore::RecordFigure(const FigureRecord& record,
                                                       const std::string& request_id,
                                                       const std::string& request_hash) {
  OpTimer timer(metrics_, Op::kRecordFigure);
  GOV_RETURN_IF_ERROR(CheckTrack(record.track));
  FigureRecord result;
  GOV_RETURN_IF_ERROR(Write([&](Connection& db) -> absl::Status {
    if (!request_id.empty()) {
      GOV_ASSIGN_OR_RETURN(
          Statement stmt,
          db.Prepare(absl::StrCat("SELECT request_hash, ", kFigureColumns,
                                  " FROM figures WHERE track = ? AND request_id = ?")));
      GOV_ASSIGN_OR_RETURN(bool found, stmt.Text(record.track).Text(request_id).Step());
      if (found) {
        if (stmt.ColumnText(0) != request_hash) return RequestConflict(request_id);
        result = ReadFigure(stmt, 1);
        return absl::OkStatus();
      }
    }
    FigureRecord stored = record;
    stored.enter_time = Truncate(record.enter_time);
    {
      GOV_ASSIGN_OR_RETURN(
          Statement stmt,
          db.Prepare("SELECT COALESCE(MAX(revision), 0) + 1 FROM figures WHERE track = ? AND "
                     "figure_id = ? AND period_key = ? AND street_id = ?"));
      stmt.Text(stored.track).Text(stored.figure_id).Text(stored.period_key).Text(stored.street_id);
      GOV_ASSIGN_OR_RETURN(int64_t revision, ScalarInt(stmt));
      stored.revision = static_cast<int32_t>(revision);
    }
    GOV_ASSIGN_OR_RETURN(
        Statement stmt,
        db.Prepare("INSERT INTO figures (track, figure_id, period_key, street_id, value, source, "
                   "note, entered_by, enter_time, revision, request_id, request_hash, payload) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING seq"));
    stmt.Text(stored.track)
        .Text(stored.figure_id)
        .Text(stored.period_key)
        .Text(stored.street_id)
        .Int(stored.value)
        .Text(stored.source)
        .Text(stored.note)
        .Text(stored.entered_by)
        .Time(stored.enter_time)
        .Int(stored.revision)
        .TextOrNull(request_id)
        .Text(request_hash)
        .Blob(stored.payload);
    GOV_ASSIGN_OR_RETURN(stored.seq, ScalarInt(stmt));
    result = std::move(stored);
    return absl::OkStatus();
  }));
  return result;
}

absl::StatusOr<FigureRecord> SqliteStore::LatestFigure(const std::string& track,
                                                       const std::string& figure_id,
                                                       const std::string& period_key,
                                                       const std::string& street_id) {
  OpTimer timer(metrics_, Op::kLatestFigure);
  auto lease = readers_.Acquire();
  GOV_ASSIGN_OR_RETURN(Statement stmt, (*lease).Prepare(absl::StrCat(
                                           "SELECT ", kFigureColumns,
                                           " FROM figures WHERE track = ? AND figure_id = ? AND "
                                           "period_key = ? AND street_id = ? "
                                           "ORDER BY revision DESC LIMIT 1")));
  GOV_ASSIGN_OR_RETURN(bool found,
                       stmt.Text(track).Text(figure_id).Text(period_key).Text(street_id).Step());
  if (!found) {
    return absl::NotFoundError(
        absl::StrCat("no figure ", figure_id, " for ", period_key,
                     street_id.empty() ? std::string() : absl::StrCat(" street ", street_id)));
  }
  return ReadFigure(stmt);
}

absl::StatusOr<std::vector<FigureRecord>> SqliteStore::ListFigures(const FigureFilter& filter) {
  OpTimer timer(metrics_, Op::kListFigures);
  GOV_RETURN_IF_ERROR(CheckLimit(filter.limit));
  Query q(absl::StrCat("SELECT ", kFigureColumns, " FROM figures"));
  q.Eq("track", filter.track);
  q.EqIfSet("figure_id", filter.figure_id);
  q.In("street_id", filter.streets);
  q.EqIfSet("street_id", filter.street_id);
  if (filter.before_seq > 0) {
    q.Where("seq < ?");
    q.Param(filter.before_seq);
  }
  q.Append("ORDER BY seq DESC LIMIT ?");
  q.Param(int64_t{filter.limit});
  auto lease = readers_.Acquire();
  GOV_ASSIGN_OR_RETURN(Statement stmt, q.Prepare(*lease));
  std::vector<FigureRecord> figures;
  while (true) {
    GOV_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    figures.push_back(ReadFigure(stmt));
  }
  return figures;
}

}  // namespace

absl::StatusOr<std::unique_ptr<Repository>> OpenSqlite(const SqliteOptions& options,
                                                       prometheus::Registry* registry) {
  if (options.path.empty()) return absl::InvalidArgumentError("sqlite: path is required");
  if (options.read_connections < 1) {
    return absl::InvalidArgumentError("sqlite: read_connections must be at least 1");
  }
  if (options.max_group < 1) return absl::InvalidArgumentError("sqlite: max_group must be >= 1");

  std::filesystem::path parent = std::filesystem::path(options.path).parent_path();
  if (!parent.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(parent, ec);
    if (ec) {
      return absl::UnavailableError(
          absl::StrCat("sqlite: cannot create directory ", parent.string(), ": ", ec.message()));
    }
  }

  sqlite::Connection::Options writer_options;
  writer_options.busy_timeout = options.busy_timeout;
  GOV_ASSIGN_OR_RETURN(std::unique_ptr<Connection> writer,
                       Connection::Open(options.path, writer_options));
  GOV_RETURN_IF_ERROR(sqlite::Migrate(*writer));

  sqlite::Connection::Options reader_options = writer_options;
  reader_options.read_only = true;
  std::vector<std::unique_ptr<Connection>> readers;
  for (int i = 0; i < options.read_connections; ++i) {
    GOV_ASSIGN_OR_RETURN(std::unique_ptr<Connection> reader,
                         Connection::Open(options.path, reader_options));
    readers.push_back(std::move(reader));
  }
  return std::make_unique<SqliteStore>(options, std::move(writer), std::move(readers), registry);
}

}  // namespace gov::store
