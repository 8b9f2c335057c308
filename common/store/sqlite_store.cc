#include "common/store/sqlite_store.h"

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <deque>
#include <filesystem>
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
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/clock/district_time.h"
#include "common/store/repository.h"
#include "common/store/sqlite_db.h"
#include "common/store/sqlite_schema.h"
#include "common/store/store_common.h"
#include "common/util/status.h"
#include "prometheus/family.h"
#include "prometheus/gauge.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"

namespace gov::store {
namespace {

using sqlite::Connection;
using sqlite::Statement;

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

// ---------------------------------------------------------------------------------------------
// Metrics

const prometheus::Histogram::BucketBoundaries& GroupBuckets() {
  static const auto* buckets =
      new prometheus::Histogram::BucketBoundaries{1, 2, 4, 8, 16, 32, 64, 128, 256, 512};
  return *buckets;
}

// governance_store_query_seconds{op} (shared with every backend) and the writer's queue.
class StoreMetrics {
 public:
  explicit StoreMetrics(prometheus::Registry* registry)
      : queries(registry,
                "Time of a store operation as its caller sees it (writes include waiting for "
                "their group's commit), by operation.") {
    if (registry == nullptr) return;
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

  void SetQueue(size_t writes) const {
    if (queue_ != nullptr) queue_->Set(static_cast<double>(writes));
  }
  void ObserveGroup(size_t writes) const {
    if (group_size_ != nullptr) group_size_->Observe(static_cast<double>(writes));
  }

  const QueryMetrics queries;

 private:
  prometheus::Gauge* queue_ = nullptr;
  prometheus::Histogram* group_size_ = nullptr;
};

// ---------------------------------------------------------------------------------------------
// Encoding helpers

Statement& BindDue(Statement& s, absl::Time due) {
  return due == absl::InfiniteFuture() ? s.Null() : s.Time(due);
}

// A statement for a query built by store_common, its values bound.
absl::StatusOr<Statement> Prepare(Connection& db, const SqlQuery& q) {
  GOV_ASSIGN_OR_RETURN(Statement stmt, db.Prepare(q.sql()));
  for (const SqlQuery::Value& p : q.params()) {
    if (const int64_t* i = std::get_if<int64_t>(&p)) {
      stmt.Int(*i);
    } else if (const std::string* text = std::get_if<std::string>(&p)) {
      stmt.Text(*text);
    } else {
      return absl::InternalError("sqlite: array parameters are not supported");
    }
  }
  return stmt;
}

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
  SqliteStore(const SqliteOptions& options, std::unique_ptr<sqlite::OwnerLock> owner,
              std::unique_ptr<Connection> writer, std::vector<std::unique_ptr<Connection>> readers,
              prometheus::Registry* registry)
      : owner_(std::move(owner)),
        max_group_(static_cast<size_t>(options.max_group)),
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
  // Runs `fn` on the writer connection in its own savepoint of a group transaction and returns
  // once that transaction committed (or failed: then nothing of `fn` is durable).
  absl::Status Write(WriteFn fn);
  void WriterLoop();
  void CommitGroup(const std::vector<WriteJob*>& group);
  bool HasWorkOrStopping() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return stopping_ || !queue_.empty();
  }

  absl::StatusOr<std::vector<CountRow>> Sum(absl::string_view table, const CountQuery& query);

  // Write steps, run on the writer connection inside a savepoint.
  static absl::StatusOr<int64_t> NextSequence(Connection& db, const std::string& track,
                                              const std::string& name);
  static absl::Status AddCaseCount(Connection& db, const std::string& track,
                                   const CaseCountKey& key, int64_t delta);
  static absl::Status AddEventCount(Connection& db, const CaseRecord& record,
                                    const HistoryRecord& event);
  static absl::Status AppendHistory(Connection& db, const std::string& track,
                                    const std::string& case_id, const HistoryRecord& event);

  // Released last, after the connections close.
  const std::unique_ptr<sqlite::OwnerLock> owner_;
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
  OpTimer timer(metrics_.queries, Op::kCreateCase);
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
  OpTimer timer(metrics_.queries, Op::kGetCase);
  auto lease = readers_.Acquire();
  GOV_ASSIGN_OR_RETURN(Statement stmt,
                       (*lease).Prepare(absl::StrCat("SELECT ", kCaseColumns,
                                                     " FROM cases WHERE track = ? AND id = ?")));
  GOV_ASSIGN_OR_RETURN(bool found, stmt.Text(track).Text(id).Step());
  if (!found) return CaseNotFound(id);
  return ReadCase(stmt);
}

absl::StatusOr<std::vector<HistoryRecord>> SqliteStore::GetHistory(const std::string& track,
                                                                   const std::string& id) {
  OpTimer timer(metrics_.queries, Op::kGetHistory);
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
      history.push_back(internal::ReadHistory(stmt));
    }
  }
  if (!history.empty()) return history;
  // Every case is created with its first entry, so no history means no such case.
  GOV_ASSIGN_OR_RETURN(Statement stmt,
                       db.Prepare("SELECT 1 FROM cases WHERE track = ? AND id = ?"));
  GOV_ASSIGN_OR_RETURN(bool found, stmt.Text(track).Text(id).Step());
  if (!found) return CaseNotFound(id);
  return history;
}

absl::StatusOr<CaseRecord> SqliteStore::UpdateCase(const CaseRecord& updated,
                                                   int64_t expected_version,
                                                   const HistoryRecord& event) {
  OpTimer timer(metrics_.queries, Op::kUpdateCase);
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
      if (!found) return CaseNotFound(stored.id);
      int64_t version = stmt.ColumnInt(0);
      if (version != expected_version) {
        return VersionMismatch("case", stored.id, version, expected_version);
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

absl::StatusOr<CaseRecord> SqliteStore::EraseCasePersonalData(const std::string& track,
                                                              const std::string& id,
                                                              const std::string& payload,
                                                              int64_t expected_version,
                                                              const HistoryRecord& event) {
  OpTimer timer(metrics_.queries, Op::kEraseCasePersonalData);
  GOV_RETURN_IF_ERROR(CheckTrack(track));
  CaseRecord stored;
  GOV_RETURN_IF_ERROR(Write([&](Connection& db) -> absl::Status {
    {
      GOV_ASSIGN_OR_RETURN(Statement stmt,
                           db.Prepare(absl::StrCat("SELECT ", kCaseColumns,
                                                   " FROM cases WHERE track = ? AND id = ?")));
      GOV_ASSIGN_OR_RETURN(bool found, stmt.Text(track).Text(id).Step());
      if (!found) return CaseNotFound(id);
      stored = ReadCase(stmt);
    }
    if (stored.version != expected_version) {
      return VersionMismatch("case", id, stored.version, expected_version);
    }
    stored.payload = payload;
    stored.version = expected_version + 1;
    {
      GOV_ASSIGN_OR_RETURN(
          Statement stmt,
          db.Prepare("UPDATE cases SET payload = ?, version = ? WHERE track = ? AND id = ?"));
      GOV_RETURN_IF_ERROR(stmt.Blob(stored.payload).Int(stored.version).Text(track).Text(id).Run());
    }
    {
      GOV_ASSIGN_OR_RETURN(
          Statement stmt,
          db.Prepare("UPDATE case_history SET note = '' WHERE track = ? AND case_id = ? AND "
                     "action <> ?"));
      GOV_RETURN_IF_ERROR(stmt.Text(track).Text(id).Text(kErasePersonalDataAction).Run());
    }
    // Its change comes from the trigger on case_history; no count moves: an erasure is no
    // governance event, and nothing the counts are keyed by changes.
    return AppendHistory(db, track, id, event);
  }));
  return stored;
}

absl::StatusOr<std::vector<CaseRecord>> SqliteStore::ListCases(const CaseFilter& filter) {
  OpTimer timer(metrics_.queries, Op::kListCases);
  GOV_RETURN_IF_ERROR(CheckLimit(filter.limit));
  SqlQuery q = internal::ListCasesQuery(Dialect::kSqlite, filter);
  auto lease = readers_.Acquire();
  GOV_ASSIGN_OR_RETURN(Statement stmt, Prepare(*lease, q));
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
  OpTimer timer(metrics_.queries, Op::kListOverdue);
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

namespace {

// A change position of this store: the case_changes row's position in decimal ("" = 0).
absl::StatusOr<int64_t> ParsePosition(const std::string& after) {
  int64_t position = 0;
  if (!after.empty() && (!absl::SimpleAtoi(after, &position) || position < 0)) {
    return absl::InvalidArgumentError(
        absl::StrCat("change position \"", after, "\" is not one this store gave"));
  }
  return position;
}

}  // namespace

absl::StatusOr<std::vector<ChangeRecord>> SqliteStore::ListChanges(const std::string& track,
                                                                   const std::string& after,
                                                                   int limit) {
  OpTimer timer(metrics_.queries, Op::kListChanges);
  GOV_RETURN_IF_ERROR(CheckLimit(limit));
  GOV_ASSIGN_OR_RETURN(const int64_t position, ParsePosition(after));
  auto lease = readers_.Acquire();
  GOV_ASSIGN_OR_RETURN(
      Statement stmt,
      (*lease).Prepare(
          "SELECT c.position, c.case_id, c.sequence, h.time, h.action, h.from_status, "
          "h.to_status, k.street_id, k.community_id, k.category, COALESCE(k.request_id, '') "
          "FROM case_changes c "
          "JOIN case_history h ON h.track = c.track AND h.case_id = c.case_id AND "
          "h.sequence = c.sequence "
          "JOIN cases k ON k.track = c.track AND k.id = c.case_id "
          "WHERE c.track = ? AND c.position > ? ORDER BY c.position LIMIT ?"));
  stmt.Text(track).Int(position).Int(limit);
  std::vector<ChangeRecord> changes;
  while (true) {
    GOV_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    changes.push_back(internal::ReadChange(stmt));
  }
  return changes;
}

absl::StatusOr<std::string> SqliteStore::LastChange(const std::string& track) {
  OpTimer timer(metrics_.queries, Op::kLastChange);
  auto lease = readers_.Acquire();
  GOV_ASSIGN_OR_RETURN(Statement stmt,
                       (*lease).Prepare("SELECT COALESCE(MAX(position), 0) FROM case_changes "
                                        "WHERE track = ?"));
  stmt.Text(track);
  GOV_ASSIGN_OR_RETURN(bool row, stmt.Step());
  const int64_t last = row ? stmt.ColumnInt(0) : 0;
  return last == 0 ? std::string() : absl::StrCat(last);
}

absl::StatusOr<std::vector<CountRow>> SqliteStore::Sum(absl::string_view table,
                                                       const CountQuery& query) {
  const internal::SumQuery sum = internal::BuildSumQuery(Dialect::kSqlite, table, query);
  auto lease = readers_.Acquire();
  GOV_ASSIGN_OR_RETURN(Statement stmt, Prepare(*lease, sum.query));
  std::vector<CountRow> rows;
  while (true) {
    GOV_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    CountRow r;
    if (internal::ReadSumRow(stmt, sum, query, &r)) rows.push_back(std::move(r));
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------
// Entities

absl::StatusOr<EntityRecord> SqliteStore::CreateEntity(const EntityRecord& record,
                                                       const std::string& request_id,
                                                       const std::string& request_hash,
                                                       const std::string& id_prefix) {
  OpTimer timer(metrics_.queries, Op::kCreateEntity);
  GOV_RETURN_IF_ERROR(CheckTrack(record.track));
  GOV_RETURN_IF_ERROR(CheckEntityKind(record.kind));
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
  OpTimer timer(metrics_.queries, Op::kGetEntity);
  auto lease = readers_.Acquire();
  GOV_ASSIGN_OR_RETURN(Statement stmt,
                       (*lease).Prepare(absl::StrCat("SELECT ", kEntityColumns,
                                                     " FROM entities WHERE track = ? AND "
                                                     "kind = ? AND id = ?")));
  GOV_ASSIGN_OR_RETURN(bool found, stmt.Text(track).Text(kind).Text(id).Step());
  if (!found) return EntityNotFound(kind, id);
  return ReadEntity(stmt);
}

absl::StatusOr<EntityRecord> SqliteStore::UpdateEntity(const EntityRecord& updated,
                                                       int64_t expected_version) {
  OpTimer timer(metrics_.queries, Op::kUpdateEntity);
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
        return EntityNotFound(stored.kind, stored.id);
      }
      int64_t version = stmt.ColumnInt(0);
      if (version != expected_version) {
        return VersionMismatch(stored.kind, stored.id, version, expected_version);
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

absl::StatusOr<std::vector<EntityRecord>> SqliteStore::ListEntities(const EntityFilter& filter) {
  OpTimer timer(metrics_.queries, Op::kListEntities);
  GOV_RETURN_IF_ERROR(CheckLimit(filter.limit));
  SqlQuery q = internal::ListEntitiesQuery(Dialect::kSqlite, filter);
  auto lease = readers_.Acquire();
  GOV_ASSIGN_OR_RETURN(Statement stmt, Prepare(*lease, q));
  std::vector<EntityRecord> entities;
  while (true) {
    GOV_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    entities.push_back(ReadEntity(stmt));
  }
  return entities;
}

absl::StatusOr<int64_t> SqliteStore::CountCasesWithEvents(const EventCaseQuery& query) {
  OpTimer timer(metrics_.queries, Op::kCountCasesWithEvents);
  const SqlQuery q = internal::CountCasesWithEventsQuery(Dialect::kSqlite, query);
  auto lease = readers_.Acquire();
  GOV_ASSIGN_OR_RETURN(Statement stmt, Prepare(*lease, q));
  return ScalarInt(stmt);
}

absl::StatusOr<int64_t> SqliteStore::CountEntities(const EntityFilter& filter) {
  OpTimer timer(metrics_.queries, Op::kCountEntities);
  SqlQuery q = internal::EntityQuery(Dialect::kSqlite, "SELECT COUNT(*) FROM entities", filter);
  auto lease = readers_.Acquire();
  GOV_ASSIGN_OR_RETURN(Statement stmt, Prepare(*lease, q));
  return ScalarInt(stmt);
}

// ---------------------------------------------------------------------------------------------
// Figures

absl::StatusOr<FigureRecord> SqliteStore::RecordFigure(const FigureRecord& record,
                                                       const std::string& request_id,
                                                       const std::string& request_hash) {
  OpTimer timer(metrics_.queries, Op::kRecordFigure);
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
  OpTimer timer(metrics_.queries, Op::kLatestFigure);
  auto lease = readers_.Acquire();
  GOV_ASSIGN_OR_RETURN(Statement stmt, (*lease).Prepare(absl::StrCat(
                                           "SELECT ", kFigureColumns,
                                           " FROM figures WHERE track = ? AND figure_id = ? AND "
                                           "period_key = ? AND street_id = ? "
                                           "ORDER BY revision DESC LIMIT 1")));
  GOV_ASSIGN_OR_RETURN(bool found,
                       stmt.Text(track).Text(figure_id).Text(period_key).Text(street_id).Step());
  if (!found) {
    return FigureNotFound(figure_id, period_key, street_id);
  }
  return ReadFigure(stmt);
}

absl::StatusOr<std::vector<FigureRecord>> SqliteStore::ListFigures(const FigureFilter& filter) {
  OpTimer timer(metrics_.queries, Op::kListFigures);
  GOV_RETURN_IF_ERROR(CheckLimit(filter.limit));
  SqlQuery q = internal::ListFiguresQuery(Dialect::kSqlite, filter);
  auto lease = readers_.Acquire();
  GOV_ASSIGN_OR_RETURN(Statement stmt, Prepare(*lease, q));
  std::vector<FigureRecord> figures;
  while (true) {
    GOV_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    figures.push_back(ReadFigure(stmt));
  }
  return figures;
}

// ---------------------------------------------------------------------------------------------
// Reads of personal data

absl::Status SqliteStore::AppendPersonalDataReads(const std::vector<PersonalDataRead>& reads) {
  OpTimer timer(metrics_.queries, Op::kAppendPersonalDataReads);
  for (const PersonalDataRead& read : reads) GOV_RETURN_IF_ERROR(CheckPersonalDataRead(read));
  if (reads.empty()) return absl::OkStatus();
  return Write([&](Connection& db) -> absl::Status {
    for (const PersonalDataRead& read : reads) {
      GOV_ASSIGN_OR_RETURN(
          Statement stmt,
          db.Prepare("INSERT INTO personal_data_reads (track, time, principal, roles, method, "
                     "records, purpose, trace_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
      GOV_RETURN_IF_ERROR(stmt.Text(read.track)
                              .Time(read.time)
                              .Text(read.principal)
                              .Text(internal::RolesColumn(read.roles))
                              .Text(read.method)
                              .Text(internal::RecordsColumn(read.records))
                              .Text(read.purpose)
                              .Text(read.trace_id)
                              .Run());
    }
    return absl::OkStatus();
  });
}

absl::StatusOr<std::vector<PersonalDataRead>> SqliteStore::ListPersonalDataReads(
    const PersonalDataReadFilter& filter) {
  OpTimer timer(metrics_.queries, Op::kListPersonalDataReads);
  GOV_RETURN_IF_ERROR(CheckLimit(filter.limit));
  const SqlQuery q = internal::ListPersonalDataReadsQuery(Dialect::kSqlite, filter);
  auto lease = readers_.Acquire();
  GOV_ASSIGN_OR_RETURN(Statement stmt, Prepare(*lease, q));
  std::vector<PersonalDataRead> reads;
  while (true) {
    GOV_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    reads.push_back(internal::ReadPersonalDataRead(stmt));
  }
  return reads;
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

  GOV_ASSIGN_OR_RETURN(std::unique_ptr<sqlite::OwnerLock> owner,
                       sqlite::OwnerLock::Take(options.path));
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
  return std::make_unique<SqliteStore>(options, std::move(owner), std::move(writer),
                                       std::move(readers), registry);
}

}  // namespace gov::store
