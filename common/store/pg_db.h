#ifndef GOV_COMMON_STORE_PG_DB_H_
#define GOV_COMMON_STORE_PG_DB_H_

// A thin layer over libpq for the shared store: typed parameters and results in binary format,
// a connection that prepares each statement text once (PQprepare, then PQexecPrepared),
// errors classified by SQLSTATE, and a fixed-size connection pool that replaces broken
// connections. Internal to common/store; nothing here is part of the Repository interface.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

// libpq's handles (libpq-fe.h stays out of this header: users need not see libpq).
struct pg_conn;
struct pg_result;

namespace gov::store::pg {

using Oid = unsigned int;  // libpq's Oid

// ---------------------------------------------------------------------------------------------
// Errors

// The SQLSTATE a status from this layer carries ("" when none): the server's code, or "08006"
// when the connection was lost without one.
std::string SqlState(const absl::Status& status);

// Connection failures: class 08, or the server shutting down / terminating the session
// (57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now).
bool IsConnectionLoss(absl::string_view sqlstate);

// Maps a SQLSTATE to the canonical code the store reports:
//   40001 serialization_failure, 40P01 deadlock_detected -> ABORTED;
//   23505 unique_violation -> ALREADY_EXISTS; other class 23 -> FAILED_PRECONDITION;
//   class 22 (data exceptions: invalid UTF-8, a NUL byte in text...) -> INVALID_ARGUMENT;
//   57014 query_canceled (statement_timeout) -> DEADLINE_EXCEEDED;
//   connection losses (IsConnectionLoss), 53300 too_many_connections -> UNAVAILABLE;
//   53100 disk_full, 53200 out_of_memory -> RESOURCE_EXHAUSTED; everything else -> INTERNAL.
absl::StatusCode CodeForSqlState(absl::string_view sqlstate);

// A status of `code` with `message`, carrying `sqlstate` (see SqlState).
absl::Status MakeStatus(absl::StatusCode code, absl::string_view message,
                        absl::string_view sqlstate);

// ---------------------------------------------------------------------------------------------
// Values

// Unix microseconds, the storage form of every instant (BIGINT columns).
inline int64_t ToMicros(absl::Time t) { return absl::ToUnixMicros(t); }
inline absl::Time FromMicros(int64_t us) { return absl::FromUnixMicros(us); }

// Parameters of one statement, in order of $1, $2, ... Every value is sent in binary format
// with an explicit type: integers as int8 (the server casts to narrower columns), text,
// bytea, bool and text[].
class Params {
 public:
  Params& Int(int64_t value);
  Params& NullInt();
  Params& Text(absl::string_view value);
  // NULL for an empty string (request ids: absent ids must not collide in UNIQUE indexes).
  Params& TextOrNull(absl::string_view value);
  Params& Bytes(absl::string_view value);
  Params& Bool(bool value);
  Params& TextArray(const std::vector<std::string>& values);
  Params& Time(absl::Time t) { return Int(ToMicros(t)); }

  int size() const { return static_cast<int>(types_.size()); }
  const std::vector<Oid>& types() const { return types_; }

 private:
  friend class Connection;
  Params& Add(Oid type, std::string value, bool null);

  std::vector<Oid> types_;
  std::vector<std::string> values_;
  std::vector<bool> null_;
};

// One row of a Result (a view: valid while its Result lives). Integer columns of any width
// (bool, int2, int4, int8) read with ColumnInt.
class Row {
 public:
  Row(const pg_result* result, int row) : result_(result), row_(row) {}

  bool IsNull(int col) const;
  int64_t ColumnInt(int col) const;
  std::string ColumnText(int col) const;
  std::string ColumnBlob(int col) const { return ColumnText(col); }
  absl::Time ColumnTime(int col) const { return FromMicros(ColumnInt(col)); }

 private:
  const pg_result* result_;
  int row_;
};

// The rows of a statement (binary format).
class Result {
 public:
  Result() = default;
  explicit Result(pg_result* result) : result_(result) {}

  int rows() const;
  Row row(int i) const { return Row(result_.get(), i); }
  // The command tag, e.g. "INSERT 0 1", "COMMIT", "ROLLBACK".
  std::string command() const;

 private:
  friend class Connection;
  struct Deleter {
    void operator()(pg_result* r) const;
  };
  std::unique_ptr<pg_result, Deleter> result_;
};

// ---------------------------------------------------------------------------------------------
// Connections

struct ConnectOptions {
  std::string url;  // libpq connection string (URI or key=value)
  absl::Duration connect_timeout = absl::Seconds(5);
  absl::Duration statement_timeout = absl::Seconds(10);  // zero: none
  std::string application_name;                          // "" keeps the URL's (or libpq's)
};

// One libpq connection; use it from one thread at a time. Statements are prepared once per
// text and kept for the life of the connection.
class Connection {
 public:
  // Connects and sets statement_timeout. UNAVAILABLE when the server cannot be reached or
  // refuses the session; INVALID_ARGUMENT when the connection string does not parse. Messages
  // show the URL redacted and never the password.
  static absl::StatusOr<std::unique_ptr<Connection>> Open(const ConnectOptions& options);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs `sql` with `params` as a prepared statement: prepared on first use of the text (and
  // parameter types) on this connection, then executed with PQexecPrepared. Results are in
  // binary format.
  absl::StatusOr<Result> Exec(absl::string_view sql, const Params& params = Params());

  // Runs `sql` (one or more statements, no parameters) with PQexec: BEGIN, COMMIT, scripts.
  absl::StatusOr<Result> Script(absl::string_view sql);

  // True once libpq reports the connection as lost: it must not be used again.
  bool Broken() const;
  // True inside a transaction block (also one that failed and awaits ROLLBACK).
  bool InTransaction() const;
  int backend_pid() const;
  size_t prepared_count() const { return prepared_.size(); }

 private:
  // Beyond this many distinct texts statements run unnamed (prepared each time), so varying
  // texts cannot grow the server's memory without bound.
  static constexpr size_t kMaxPrepared = 256;

  Connection(pg_conn* conn, std::string password) : conn_(conn), password_(std::move(password)) {}
  // The status of a failed result (or of a missing one: connection lost, out of memory).
  absl::Status Failure(const pg_result* result, absl::string_view what) const;

  pg_conn* conn_;
  std::string password_;  // scrubbed from every message
  // Statement name by SQL text (plus parameter types).
  absl::flat_hash_map<std::string, std::string> prepared_;
};

// A fixed number of connections shared by threads. Connections are opened on demand and
// replaced when broken; a caller waits at most `acquire_timeout` for one (then UNAVAILABLE).
class Pool {
 public:
  struct Options {
    ConnectOptions connect;
    int size = 8;
    absl::Duration acquire_timeout = absl::Seconds(5);
    // Called with (idle, busy) after every change, under the pool's lock: keep it cheap.
    std::function<void(int idle, int busy)> on_change;
  };

  // A connection taken from the pool, returned (or closed when broken or still inside a
  // transaction) on destruction.
  class Lease {
   public:
    Lease() = default;
    Lease(Lease&& other) noexcept;
    Lease& operator=(Lease&& other) noexcept;
    ~Lease();

    Connection& operator*() const { return *conn_; }
    Connection* operator->() const { return conn_.get(); }
    // Closes the connection instead of returning it.
    void Discard() { discard_ = true; }

   private:
    friend class Pool;
    Lease(Pool* pool, std::unique_ptr<Connection> conn) : pool_(pool), conn_(std::move(conn)) {}
    void Release();

    Pool* pool_ = nullptr;
    std::unique_ptr<Connection> conn_;
    bool discard_ = false;
  };

  explicit Pool(Options options);
  ~Pool();  // every Lease must have been returned
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  absl::StatusOr<Lease> Acquire();
  // Closes every idle connection (after one was found lost: the others, opened to the same
  // server, likely are too, and each would cost a failed attempt).
  void DiscardIdle();

 private:
  void Return(std::unique_ptr<Connection> conn, bool discard);
  bool CanAcquire() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return !idle_.empty() || open_ < options_.size;
  }
  void Notify() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const Options options_;
  mutable absl::Mutex mu_;
  std::vector<std::unique_ptr<Connection>> idle_ ABSL_GUARDED_BY(mu_);
  int open_ ABSL_GUARDED_BY(mu_) = 0;  // idle + leased + being opened
  int busy_ ABSL_GUARDED_BY(mu_) = 0;  // leased + being opened
};

}  // namespace gov::store::pg

#endif  // GOV_COMMON_STORE_PG_DB_H_
