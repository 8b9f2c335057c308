#include "common/store/sqlite_db.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace gov::store::sqlite {

absl::Status StatusFromCode(int rc, sqlite3* db, absl::string_view what) {
  if (rc == SQLITE_OK || rc == SQLITE_ROW || rc == SQLITE_DONE) return absl::OkStatus();
  // sqlite3_errmsg describes the most recent failure on `db`, which is this one as long as the
  // connection is used by one thread; it names tables/columns, never bound values.
  const char* detail = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  std::string message = absl::StrCat("sqlite ", what, ": ", detail);
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_CANTOPEN:
    case SQLITE_IOERR:
      return absl::UnavailableError(std::move(message));
    case SQLITE_CONSTRAINT:
      if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY) {
        return absl::AlreadyExistsError(std::move(message));
      }
      return absl::FailedPreconditionError(std::move(message));
    case SQLITE_FULL:
      return absl::ResourceExhaustedError(std::move(message));
    default:
      return absl::InternalError(std::move(message));
  }
}

Statement::Statement(Connection* conn, sqlite3_stmt* stmt, bool* in_use)
    : conn_(conn), stmt_(stmt), in_use_(in_use) {}

Statement::Statement(Statement&& other) noexcept
    : conn_(other.conn_),
      stmt_(std::exchange(other.stmt_, nullptr)),
      in_use_(std::exchange(other.in_use_, nullptr)),
      next_param_(other.next_param_),
      bind_rc_(other.bind_rc_) {}

Statement::~Statement() {
  if (stmt_ == nullptr) return;
  if (in_use_ == nullptr) {
    sqlite3_finalize(stmt_);
    return;
  }
  // reset reports the error of the last step again; it was already returned by Step().
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  *in_use_ = false;
}

Statement& Statement::Int(int64_t value) {
  int rc = sqlite3_bind_int64(stmt_, next_param_++, value);
  if (bind_rc_ == SQLITE_OK) bind_rc_ = rc;
  return *this;
}

Statement& Statement::Text(absl::string_view value) {
  // A null pointer would bind NULL; an empty text must stay an empty text.
  const char* data = value.data() != nullptr ? value.data() : "";
  int rc =
      sqlite3_bind_text64(stmt_, next_param_++, data, value.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  if (bind_rc_ == SQLITE_OK) bind_rc_ = rc;
  return *this;
}

Statement& Statement::Blob(absl::string_view value) {
  const char* data = value.data() != nullptr ? value.data() : "";
  int rc = sqlite3_bind_blob64(stmt_, next_param_++, data, value.size(), SQLITE_TRANSIENT);
  if (bind_rc_ == SQLITE_OK) bind_rc_ = rc;
  return *this;
}

Statement& Statement::Null() {
  int rc = sqlite3_bind_null(stmt_, next_param_++);
  if (bind_rc_ == SQLITE_OK) bind_rc_ = rc;
  return *this;
}

absl::StatusOr<bool> Statement::Step() {
  if (bind_rc_ != SQLITE_OK) return StatusFromCode(bind_rc_, conn_->raw(), "bind");
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return StatusFromCode(rc, conn_->raw(), "step");
}

absl::Status Statement::Run() {
  absl::StatusOr<bool> row = Step();
  if (!row.ok()) return row.status();
  if (*row) return absl::InternalError("sqlite: statement unexpectedly returned rows");
  return absl::OkStatus();
}

bool Statement::IsNull(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }

int64_t Statement::ColumnInt(int col) const { return sqlite3_column_int64(stmt_, col); }

std::string Statement::ColumnText(int col) const {
  const unsigned char* text = sqlite3_column_text(stmt_, col);
  if (text == nullptr) return std::string();
  return std::string(reinterpret_cast<const char*>(text), sqlite3_column_bytes(stmt_, col));
}

std::string Statement::ColumnBlob(int col) const {
  const void* blob = sqlite3_column_blob(stmt_, col);
  if (blob == nullptr) return std::string();  // zero-length blobs come back as null
  return std::string(static_cast<const char*>(blob), sqlite3_column_bytes(stmt_, col));
}

absl::StatusOr<std::unique_ptr<Connection>> Connection::Open(const std::string& path,
                                                             const Options& options) {
  sqlite3* db = nullptr;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    absl::Status status = StatusFromCode(rc, db, "open");
    sqlite3_close(db);  // a handle is allocated even on failure
    return status;
  }
  std::unique_ptr<Connection> conn(new Connection(db));
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, static_cast<int>(absl::ToInt64Milliseconds(options.busy_timeout)));

  // journal_mode answers with the mode in effect; anything but "wal" (e.g. a file system
  // without shared memory) would silently lose the concurrency and durability we promise.
  {
    auto stmt = conn->Prepare("PRAGMA journal_mode=WAL");
    if (!stmt.ok()) return stmt.status();
    auto row = stmt->Step();
    if (!row.ok()) return row.status();
    std::string mode = *row ? stmt->ColumnText(0) : "";
    if (mode != "wal") {
      return absl::FailedPreconditionError(
          absl::StrCat("sqlite open: WAL journal mode unavailable (got '", mode, "')"));
    }
  }
  if (absl::Status s = conn->ExecScript("PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;");
      !s.ok()) {
    return s;
  }
  if (options.read_only) {
    if (absl::Status s = conn->ExecScript("PRAGMA query_only=ON;"); !s.ok()) return s;
  }
  return conn;
}

Connection::~Connection() {
  for (auto& [sql, cached] : cache_) sqlite3_finalize(cached->stmt);
  cache_.clear();
  // All statements are finalized, so close cannot fail with BUSY.
  sqlite3_close(db_);
}

absl::StatusOr<Statement> Connection::Prepare(absl::string_view sql) {
  auto it = cache_.find(sql);
  if (it != cache_.end() && !it->second->in_use) {
    it->second->in_use = true;
    return Statement(this, it->second->stmt, &it->second->in_use);
  }
  bool cache = it == cache_.end() && cache_.size() < kMaxCachedStatements;
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                              cache ? SQLITE_PREPARE_PERSISTENT : 0, &stmt, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(stmt);
    return StatusFromCode(rc, db_, "prepare");
  }
  if (stmt == nullptr) return absl::InternalError("sqlite prepare: empty statement");
  if (!cache) return Statement(this, stmt, nullptr);
  auto& slot = cache_[std::string(sql)];
  slot = std::make_unique<Cached>();
  slot->stmt = stmt;
  slot->in_use = true;
  return Statement(this, stmt, &slot->in_use);
}

absl::Status Connection::ExecScript(absl::string_view sql) {
  std::string text(sql);
  char* error = nullptr;
  int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &error);
  sqlite3_free(error);  // the same text is available from sqlite3_errmsg
  return StatusFromCode(rc, db_, "exec");
}

absl::Status Connection::Exec(absl::string_view sql) {
  absl::StatusOr<Statement> stmt = Prepare(sql);
  if (!stmt.ok()) return stmt.status();
  return stmt->Run();
}

absl::StatusOr<std::unique_ptr<OwnerLock>> OwnerLock::Take(const std::string& path) {
  const std::string lock_path = path + ".lock";
  const int fd = open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    return absl::UnavailableError(
        absl::StrCat("sqlite: cannot open the lock file ", lock_path, ": ", std::strerror(errno)));
  }
  if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int error = errno;
    char buffer[32] = {};
    const ssize_t n = pread(fd, buffer, sizeof(buffer) - 1, 0);
    close(fd);
    if (error != EWOULDBLOCK) {
      return absl::UnavailableError(
          absl::StrCat("sqlite: cannot lock ", lock_path, ": ", std::strerror(error)));
    }
    const std::string holder =
        n > 0 ? std::string(absl::StripAsciiWhitespace(absl::string_view(buffer, n))) : "";
    return absl::FailedPreconditionError(absl::StrCat(
        "sqlite: ", path, " is in use by another process",
        holder.empty() ? "" : absl::StrCat(" (pid ", holder, ")"),
        ": a SQLite store belongs to one service; stop that one, or give this one a file of its "
        "own (--db_path)"));
  }
  const std::string pid = absl::StrCat(getpid(), "\n");
  if (ftruncate(fd, 0) != 0 || pwrite(fd, pid.data(), pid.size(), 0) < 0) {
    // The lock holds without the pid; only the message of a refused second process is poorer.
  }
  return std::unique_ptr<OwnerLock>(new OwnerLock(fd));
}

OwnerLock::~OwnerLock() { close(fd_); }

}  // namespace gov::store::sqlite
