#ifndef GOV_COMMON_STORE_SQLITE_DB_H_
#define GOV_COMMON_STORE_SQLITE_DB_H_

// A thin RAII layer over the SQLite C API for the embedded store: a connection that owns its
// prepared-statement cache, and a statement handle that binds positionally and resets itself.
// Internal to common/store; nothing here is part of the Repository interface.

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace gov::store::sqlite {

// Maps a SQLite result code to the most specific canonical status:
//  BUSY/LOCKED (after the busy timeout), CANTOPEN, IOERR -> UNAVAILABLE;
//  CONSTRAINT UNIQUE/PRIMARYKEY -> ALREADY_EXISTS, other constraints -> FAILED_PRECONDITION;
//  FULL -> RESOURCE_EXHAUSTED; everything else -> INTERNAL.
// The message names `what` and SQLite's own message (which never contains bound values, so
// no personal data leaks into it).
absl::Status StatusFromCode(int rc, sqlite3* db, absl::string_view what);

// Unix microseconds, the storage form of every instant.
inline int64_t ToMicros(absl::Time t) { return absl::ToUnixMicros(t); }
inline absl::Time FromMicros(int64_t us) { return absl::FromUnixMicros(us); }

class Connection;

// One execution of a prepared statement. Values are bound in order of the `?` parameters
// (numbered parameters `?N` take the N-th bound value). The destructor resets the statement
// and returns it to its connection's cache. Not thread-safe (neither is its connection).
class Statement {
 public:
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&&) = delete;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  Statement& Int(int64_t value);
  Statement& Text(absl::string_view value);
  Statement& Blob(absl::string_view value);
  Statement& Null();
  Statement& Time(absl::Time t) { return Int(ToMicros(t)); }
  // NULL for an empty string (request ids: absent ids must not collide in UNIQUE indexes).
  Statement& TextOrNull(absl::string_view value) { return value.empty() ? Null() : Text(value); }

  // Advances to the next row: true with a row, false when done. The first binding error,
  // if any, is returned here.
  absl::StatusOr<bool> Step();
  // Runs a statement that returns no rows to completion.
  absl::Status Run();

  bool IsNull(int col) const;
  int64_t ColumnInt(int col) const;
  std::string ColumnText(int col) const;
  std::string ColumnBlob(int col) const;
  absl::Time ColumnTime(int col) const { return FromMicros(ColumnInt(col)); }

 private:
  friend class Connection;
  Statement(Connection* conn, sqlite3_stmt* stmt, bool* in_use);

  Connection* conn_;
  sqlite3_stmt* stmt_;
  // The cache slot's busy flag, or null when the statement is not cached (finalized instead).
  bool* in_use_;
  int next_param_ = 1;
  int bind_rc_ = SQLITE_OK;
};

// One SQLite connection, opened with SQLITE_OPEN_NOMUTEX: it must be used by one thread at a
// time. Prepared statements are cached by SQL text for the life of the connection.
class Connection {
 public:
  struct Options {
    bool read_only = false;  // query_only: the connection refuses writes
    absl::Duration busy_timeout = absl::Seconds(5);
  };

  // Opens (creating) `path` in WAL mode with synchronous=FULL and foreign keys on.
  static absl::StatusOr<std::unique_ptr<Connection>> Open(const std::string& path,
                                                          const Options& options);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // A statement for `sql`, from the cache when possible. A statement already in use (nested
  // use of the same text) gets a one-off copy, so callers never share a live statement.
  absl::StatusOr<Statement> Prepare(absl::string_view sql);

  // Runs `sql` (one or more statements without parameters), e.g. a migration script.
  absl::Status ExecScript(absl::string_view sql);

  // Shorthand for Prepare(sql) + Run() on a parameterless statement (BEGIN, SAVEPOINT...).
  absl::Status Exec(absl::string_view sql);

  // True while a transaction is open (SQLite rolls back on its own after some errors).
  bool InTransaction() const { return sqlite3_get_autocommit(db_) == 0; }

  int Changes() const { return sqlite3_changes(db_); }

  sqlite3* raw() const { return db_; }

 private:
  // Beyond this many distinct texts (dynamic filters) statements are prepared one-off, so a
  // caller varying filters cannot grow the cache without bound.
  static constexpr size_t kMaxCachedStatements = 256;

  struct Cached {
    sqlite3_stmt* stmt = nullptr;
    bool in_use = false;
  };

  explicit Connection(sqlite3* db) : db_(db) {}

  sqlite3* db_;
  // Boxed so that a Statement's `in_use` pointer survives rehashing.
  absl::flat_hash_map<std::string, std::unique_ptr<Cached>> cache_;
};

// The ownership of a database file by one process: an exclusive lock (flock) on "<path>.lock"
// beside it, held from Take until destruction, the holder's pid written in it. SQLite's own
// locks let several processes share a file; a service's store must not be shared (its cache and
// its counters assume one writer), so a second service on the same file is refused at start.
class OwnerLock {
 public:
  // FAILED_PRECONDITION naming the file and the holder's pid when another process holds it;
  // UNAVAILABLE when the lock file cannot be opened.
  static absl::StatusOr<std::unique_ptr<OwnerLock>> Take(const std::string& path);
  ~OwnerLock();
  OwnerLock(const OwnerLock&) = delete;
  OwnerLock& operator=(const OwnerLock&) = delete;

 private:
  explicit OwnerLock(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace gov::store::sqlite

#endif  // GOV_COMMON_STORE_SQLITE_DB_H_
