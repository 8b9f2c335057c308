#include "common/store/backup.h"

#include <fcntl.h>
#include <libpq-fe.h>
#include <poll.h>
#include <spawn.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/store/pg_db.h"
#include "common/store/sqlite_db.h"
#include "common/util/redact.h"
#include "common/util/status.h"

extern char** environ;

namespace gov::store {
namespace {

// ---------------------------------------------------------------------------------------------
// Files

bool Exists(const std::string& path) {
  struct stat st;
  return lstat(path.c_str(), &st) == 0;
}

int64_t FileSize(const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) return 0;
  return static_cast<int64_t>(st.st_size);
}

std::string DirOf(const std::string& path) {
  const std::string dir = std::filesystem::path(path).parent_path().string();
  return dir.empty() ? "." : dir;
}

bool SameFile(const std::string& a, const std::string& b) {
  std::error_code ec;
  return std::filesystem::equivalent(a, b, ec) && !ec;
}

absl::Status ErrnoStatus(absl::string_view what, const std::string& path) {
  return absl::UnavailableError(absl::StrCat(what, " ", path, ": ", std::strerror(errno)));
}

// Flushes a file (or a directory: the names in it) to the disk.
absl::Status Sync(const std::string& path, bool directory) {
  const int fd = open(path.c_str(), (directory ? O_RDONLY | O_DIRECTORY : O_RDWR) | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus("cannot open", path);
  const int rc = fsync(fd);
  const int error = errno;
  close(fd);
  if (rc != 0) {
    errno = error;
    return ErrnoStatus("cannot flush", path);
  }
  return absl::OkStatus();
}

// Renames the finished `tmp` to `target` for good: the file's data first, then the name.
absl::Status Publish(const std::string& tmp, const std::string& target) {
  GOV_RETURN_IF_ERROR(Sync(tmp, /*directory=*/false));
  if (rename(tmp.c_str(), target.c_str()) != 0) return ErrnoStatus("cannot rename to", target);
  return Sync(DirOf(target), /*directory=*/true);
}

// A working file beside `target`, removed (with SQLite's side files) unless released.
class WorkFile {
 public:
  WorkFile(const std::string& target, absl::string_view tag)
      : path_(absl::StrCat(target, ".", tag, "-", getpid())) {
    Remove();
  }
  ~WorkFile() {
    if (!released_) Remove();
  }
  WorkFile(const WorkFile&) = delete;
  WorkFile& operator=(const WorkFile&) = delete;

  const std::string& path() const { return path_; }
  void Release() { released_ = true; }

 private:
  void Remove() const {
    for (const char* suffix : {"", "-journal", "-wal", "-shm"}) {
      unlink(absl::StrCat(path_, suffix).c_str());
    }
  }

  std::string path_;
  bool released_ = false;
};

// ---------------------------------------------------------------------------------------------
// SQLite

struct SqliteCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using SqliteHandle = std::unique_ptr<sqlite3, SqliteCloser>;

absl::StatusOr<SqliteHandle> OpenSqlite(const std::string& path, int flags,
                                        absl::Duration busy_timeout) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags | SQLITE_OPEN_NOMUTEX, nullptr);
  SqliteHandle db(raw);  // a handle is allocated even when the open fails
  if (rc != SQLITE_OK) {
    return sqlite::StatusFromCode(rc, db.get(), absl::StrCat("open ", path));
  }
  sqlite3_extended_result_codes(db.get(), 1);
  sqlite3_busy_timeout(db.get(), static_cast<int>(absl::ToInt64Milliseconds(busy_timeout)));
  return db;
}

// The rows of `sql` (no parameters), every column as text.
absl::StatusOr<std::vector<std::vector<std::string>>> SqliteRows(sqlite3* db,
                                                                 absl::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(stmt);
    return sqlite::StatusFromCode(rc, db, "prepare");
  }
  std::vector<std::vector<std::string>> rows;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    std::vector<std::string> row;
    for (int c = 0; c < sqlite3_column_count(stmt); ++c) {
      const unsigned char* text = sqlite3_column_text(stmt, c);
      row.emplace_back(text == nullptr ? "" : reinterpret_cast<const char*>(text),
                       static_cast<size_t>(sqlite3_column_bytes(stmt, c)));
    }
    rows.push_back(std::move(row));
  }
  absl::Status status = sqlite::StatusFromCode(rc, db, "step");
  sqlite3_finalize(stmt);
  if (!status.ok()) return status;
  return rows;
}

absl::StatusOr<int64_t> SqliteInt(sqlite3* db, absl::string_view sql) {
  GOV_ASSIGN_OR_RETURN(auto rows, SqliteRows(db, sql));
  int64_t value = 0;
  if (rows.empty() || rows[0].empty() || !absl::SimpleAtoi(rows[0][0], &value)) {
    return absl::InternalError(absl::StrCat("sqlite: no number from ", sql));
  }
  return value;
}

// FAILED_PRECONDITION unless the database has the store's bookkeeping table.
absl::Status RequireStoreTables(sqlite3* db, const std::string& path) {
  GOV_ASSIGN_OR_RETURN(
      int64_t tables,
      SqliteInt(db,
                "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN "
                "('schema_version', 'cases', 'case_history')"));
  if (tables != 3) {
    return absl::FailedPreconditionError(absl::StrCat(
        path, " is not a store of this suite (no schema_version, cases and case_history tables)"));
  }
  return absl::OkStatus();
}

absl::StatusOr<StoreSummary> CheckSqliteHandle(sqlite3* db, const std::string& path) {
  GOV_ASSIGN_OR_RETURN(auto findings, SqliteRows(db, "PRAGMA integrity_check(20)"));
  if (findings.size() != 1 || findings[0].empty() || findings[0][0] != "ok") {
    std::vector<std::string> lines;
    for (const auto& row : findings) lines.push_back(row.empty() ? "" : row[0]);
    return absl::DataLossError(
        absl::StrCat(path, " fails PRAGMA integrity_check: ", absl::StrJoin(lines, "; ")));
  }
  GOV_RETURN_IF_ERROR(RequireStoreTables(db, path));
  StoreSummary summary;
  GOV_ASSIGN_OR_RETURN(summary.schema_version,
                       SqliteInt(db, "SELECT COALESCE(MAX(version), 0) FROM schema_version"));
  GOV_ASSIGN_OR_RETURN(summary.cases, SqliteInt(db, "SELECT count(*) FROM cases"));
  GOV_ASSIGN_OR_RETURN(summary.history, SqliteInt(db, "SELECT count(*) FROM case_history"));
  return summary;
}

// Copies every page of the database at `source` into the new file `dest` in one step, that is
// in one read transaction on the source: one committed state of it, however busy its writers.
// (Stepping a few pages at a time would start over after each commit of another connection,
// and a busy service commits all the time.)
absl::StatusOr<int64_t> CopyPages(const std::string& source, const std::string& dest,
                                  absl::Duration busy_timeout) {
  if (!Exists(source)) return absl::NotFoundError(absl::StrCat("no database at ", source));
  GOV_ASSIGN_OR_RETURN(SqliteHandle src, OpenSqlite(source, SQLITE_OPEN_READONLY, busy_timeout));
  GOV_RETURN_IF_ERROR(RequireStoreTables(src.get(), source));
  GOV_ASSIGN_OR_RETURN(SqliteHandle dst,
                       OpenSqlite(dest, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, busy_timeout));
  sqlite3_backup* backup = sqlite3_backup_init(dst.get(), "main", src.get(), "main");
  if (backup == nullptr) {
    return sqlite::StatusFromCode(sqlite3_errcode(dst.get()), dst.get(), "backup init");
  }
  const absl::Time deadline = absl::Now() + busy_timeout;
  int rc = SQLITE_OK;
  while (true) {
    rc = sqlite3_backup_step(backup, -1);
    if (rc == SQLITE_DONE) break;
    const bool busy = rc == SQLITE_BUSY || rc == SQLITE_LOCKED;
    if (!busy || absl::Now() >= deadline) break;
    absl::SleepFor(absl::Milliseconds(20));
  }
  const int64_t pages = sqlite3_backup_pagecount(backup);
  const int finish_rc = sqlite3_backup_finish(backup);
  if (rc != SQLITE_DONE) return sqlite::StatusFromCode(rc, dst.get(), "backup step");
  GOV_RETURN_IF_ERROR(sqlite::StatusFromCode(finish_rc, dst.get(), "backup finish"));
  return pages;
}

// Makes the copy at `path` a single self-contained file in rollback-journal mode (the copied
// header still says WAL; reopening and switching writes it back to the file) and checks it.
absl::StatusOr<StoreSummary> SealCopy(const std::string& path, const std::string& shown_as) {
  GOV_ASSIGN_OR_RETURN(SqliteHandle db, OpenSqlite(path, SQLITE_OPEN_READWRITE, absl::Seconds(5)));
  GOV_ASSIGN_OR_RETURN(auto mode, SqliteRows(db.get(), "PRAGMA journal_mode=DELETE"));
  if (mode.empty() || mode[0].empty() || mode[0][0] != "delete") {
    return absl::InternalError(absl::StrCat("sqlite: ", shown_as, " stays in journal mode ",
                                            mode.empty() || mode[0].empty() ? "?" : mode[0][0]));
  }
  return CheckSqliteHandle(db.get(), shown_as);
}

// ---------------------------------------------------------------------------------------------
// Child processes (pg_dump, pg_restore)

struct ToolRun {
  int exit_code = -1;  // -1 when killed by a signal
  std::string out;
  std::string err;
};

// The variable names of `env` entries ("NAME=value").
std::string NameOf(absl::string_view entry) {
  return std::string(entry.substr(0, entry.find('=')));
}

// Runs `args` (args[0] a path) with this process's environment plus `env` (which replaces
// variables of the same name), stdin from /dev/null, and collects stdout and stderr.
absl::StatusOr<ToolRun> RunTool(const std::vector<std::string>& args,
                                const std::vector<std::string>& env) {
  std::vector<std::string> environment;
  std::vector<std::string> replaced;
  for (const std::string& entry : env) replaced.push_back(NameOf(entry));
  for (char** e = environ; *e != nullptr; ++e) {
    if (std::find(replaced.begin(), replaced.end(), NameOf(*e)) == replaced.end()) {
      environment.emplace_back(*e);
    }
  }
  environment.insert(environment.end(), env.begin(), env.end());
  std::vector<char*> argv;
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  std::vector<char*> envp;
  for (const std::string& e : environment) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);

  int out_pipe[2];
  int err_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0) return ErrnoStatus("pipe for", args[0]);
  if (pipe2(err_pipe, O_CLOEXEC) != 0) {
    close(out_pipe[0]);
    close(out_pipe[1]);
    return ErrnoStatus("pipe for", args[0]);
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err_pipe[1], 2);
  pid_t pid = -1;
  const int spawned = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  close(out_pipe[1]);
  close(err_pipe[1]);
  if (spawned != 0) {
    close(out_pipe[0]);
    close(err_pipe[0]);
    return absl::InternalError(absl::StrCat("cannot run ", args[0], ": ", std::strerror(spawned)));
  }
  ToolRun run;
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  std::string* sinks[2] = {&run.out, &run.err};
  int open_fds = 2;
  while (open_fds > 0) {
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      char buffer[8192];
      const ssize_t n = read(fds[i].fd, buffer, sizeof(buffer));
      if (n > 0) {
        sinks[i]->append(buffer, static_cast<size_t>(n));
      } else if (n == 0 || errno != EINTR) {
        close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
      }
    }
  }
  for (const pollfd& p : fds) {
    if (p.fd >= 0) close(p.fd);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return ErrnoStatus("cannot wait for", args[0]);
  }
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

// The last lines of a tool's stderr, on one line, for an error message.
std::string Tail(const std::string& err) {
  std::vector<std::string> lines = absl::StrSplit(err, '\n', absl::SkipWhitespace());
  if (lines.size() > 6) lines.erase(lines.begin(), lines.end() - 6);
  return absl::StrJoin(lines, " | ");
}

absl::Status ToolFailed(const std::string& tool, const ToolRun& run) {
  return absl::InternalError(absl::StrCat(
      tool, " failed (", run.exit_code < 0 ? "killed" : absl::StrCat("exit ", run.exit_code),
      "): ", Tail(run.err)));
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL connection settings

// The settings a libpq connection string names, by keyword.
using Settings = std::map<std::string, std::string>;

absl::StatusOr<Settings> ParseUrl(const std::string& url) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(url.c_str(), &error);
  if (options == nullptr) {
    if (error != nullptr) PQfreemem(error);
    // libpq's message may quote a part of the string, password included: not shown.
    return absl::InvalidArgumentError(
        absl::StrCat("the database URL ", RedactDatabaseUrl(url), " does not parse"));
  }
  Settings settings;
  for (PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
    if (o->val != nullptr && o->val[0] != '\0') settings[o->keyword] = o->val;
  }
  PQconninfoFree(options);
  return settings;
}

// The settings as the environment of pg_dump and pg_restore (PGHOST=..., PGPASSWORD=...), so
// that nothing of them shows on a command line.
absl::StatusOr<std::vector<std::string>> SettingsEnvironment(const Settings& settings) {
  PQconninfoOption* defaults = PQconndefaults();
  if (defaults == nullptr) return absl::ResourceExhaustedError("libpq: out of memory");
  std::vector<std::string> env;
  absl::Status status;
  for (const auto& [keyword, value] : settings) {
    const char* variable = nullptr;
    for (PQconninfoOption* o = defaults; o->keyword != nullptr; ++o) {
      if (keyword == o->keyword) variable = o->envvar;
    }
    if (variable == nullptr) {
      status = absl::InvalidArgumentError(absl::StrCat(
          "the database URL's setting \"", keyword,
          "\" has no environment variable to hand it to pg_dump/pg_restore; leave it out"));
      break;
    }
    env.push_back(absl::StrCat(variable, "=", value));
  }
  PQconninfoFree(defaults);
  if (!status.ok()) return status;
  if (settings.count("application_name") == 0) env.push_back("PGAPPNAME=govbackup");
  return env;
}

// A key=value connection string of `settings` (values quoted as libpq reads them).
std::string Conninfo(const Settings& settings) {
  std::vector<std::string> parts;
  for (const auto& [keyword, value] : settings) {
    std::string quoted;
    for (char c : value) {
      if (c == '\\' || c == '\'') quoted.push_back('\\');
      quoted.push_back(c);
    }
    parts.push_back(absl::StrCat(keyword, "='", quoted, "'"));
  }
  return absl::StrJoin(parts, " ");
}

std::string QuoteIdentifier(absl::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

absl::StatusOr<std::unique_ptr<pg::Connection>> Connect(const std::string& conninfo,
                                                        absl::Duration statement_timeout) {
  pg::ConnectOptions options;
  options.url = conninfo;
  options.connect_timeout = absl::Seconds(10);
  options.statement_timeout = statement_timeout;
  options.application_name = "govbackup";
  return pg::Connection::Open(options);
}

absl::StatusOr<int64_t> PgInt(pg::Connection& db, absl::string_view sql) {
  GOV_ASSIGN_OR_RETURN(pg::Result result, db.Exec(sql));
  if (result.rows() != 1 || result.row(0).IsNull(0)) {
    return absl::InternalError(absl::StrCat("postgres: no number from ", sql));
  }
  return result.row(0).ColumnInt(0);
}

// The tables whose data a custom-format archive holds, from `pg_restore --list` (which reads
// the whole table of contents); FAILED_PRECONDITION unless the store's tables are among them.
absl::StatusOr<int64_t> ListArchive(const std::string& tools_dir, const std::string& archive) {
  if (!Exists(archive)) return absl::NotFoundError(absl::StrCat("no archive at ", archive));
  GOV_ASSIGN_OR_RETURN(ToolRun run, RunTool({tools_dir + "/pg_restore", "--list", archive}, {}));
  if (run.exit_code != 0) {
    return absl::DataLossError(
        absl::StrCat(archive, " is not a readable pg_dump archive: ", Tail(run.err)));
  }
  int64_t tables = 0;
  bool schema_version = false;
  bool cases = false;
  for (absl::string_view line : absl::StrSplit(run.out, '\n', absl::SkipEmpty())) {
    if (absl::StartsWith(line, ";")) continue;
    const size_t at = line.find(" TABLE DATA ");
    if (at == absl::string_view::npos) continue;
    ++tables;
    std::vector<absl::string_view> words =
        absl::StrSplit(line.substr(at + 12), ' ', absl::SkipEmpty());
    if (words.size() < 2) continue;
    if (words[1] == "schema_version") schema_version = true;
    if (words[1] == "cases") cases = true;
  }
  if (!schema_version || !cases) {
    return absl::FailedPreconditionError(absl::StrCat(
        archive, " is not a backup of this suite's store (no data of schema_version and cases)"));
  }
  return tables;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// SQLite

absl::StatusOr<StoreSummary> CheckSqlite(const std::string& path) {
  if (!Exists(path)) return absl::NotFoundError(absl::StrCat("no database at ", path));
  GOV_ASSIGN_OR_RETURN(SqliteHandle db, OpenSqlite(path, SQLITE_OPEN_READONLY, absl::Seconds(5)));
  return CheckSqliteHandle(db.get(), path);
}

absl::StatusOr<SqliteBackupResult> BackupSqlite(const std::string& db_path,
                                                const std::string& out_path,
                                                const SqliteBackupOptions& options) {
  const absl::Time start = absl::Now();
  if (!Exists(db_path)) return absl::NotFoundError(absl::StrCat("no database at ", db_path));
  if (Exists(out_path)) {
    if (SameFile(db_path, out_path)) {
      return absl::InvalidArgumentError(
          absl::StrCat("the backup ", out_path, " would replace the database it copies"));
    }
    if (!options.overwrite) {
      return absl::AlreadyExistsError(
          absl::StrCat(out_path, " exists; choose another file or replace it (--force)"));
    }
  }
  WorkFile work(out_path, "partial");
  SqliteBackupResult result;
  GOV_ASSIGN_OR_RETURN(result.pages, CopyPages(db_path, work.path(), options.busy_timeout));
  GOV_ASSIGN_OR_RETURN(result.summary,
                       SealCopy(work.path(), absl::StrCat("the copy of ", db_path)));
  GOV_RETURN_IF_ERROR(Publish(work.path(), out_path));
  work.Release();
  result.bytes = FileSize(out_path);
  result.elapsed = absl::Now() - start;
  return result;
}

absl::StatusOr<SqliteRestoreResult> RestoreSqlite(const std::string& backup_path,
                                                  const std::string& db_path,
                                                  const SqliteRestoreOptions& options) {
  const absl::Time start = absl::Now();
  GOV_RETURN_IF_ERROR(CheckSqlite(backup_path).status());
  if (Exists(db_path) && SameFile(backup_path, db_path)) {
    return absl::InvalidArgumentError(
        absl::StrCat("the backup ", backup_path, " is the database to restore"));
  }
  if (!std::filesystem::is_directory(DirOf(db_path))) {
    return absl::NotFoundError(absl::StrCat("no directory ", DirOf(db_path), " for ", db_path));
  }
  // Held until the restore is done: no service runs on the file, none starts on it meanwhile.
  absl::StatusOr<std::unique_ptr<sqlite::OwnerLock>> owner = sqlite::OwnerLock::Take(db_path);
  if (!owner.ok()) return Annotate(owner.status(), "restore refused");
  const std::string wal = db_path + "-wal";
  const bool exists = Exists(db_path) || Exists(wal);
  if (exists && !options.overwrite) {
    return absl::AlreadyExistsError(absl::StrCat(
        db_path,
        " exists (no service holds it); restore to a new file, or replace it (--force: "
        "the database replaced is kept beside it)"));
  }
  WorkFile work(db_path, "restore");
  GOV_RETURN_IF_ERROR(CopyPages(backup_path, work.path(), absl::Seconds(30)).status());
  SqliteRestoreResult result;
  GOV_ASSIGN_OR_RETURN(result.summary,
                       SealCopy(work.path(), absl::StrCat("the copy of ", backup_path)));
  if (exists) {
    // The old database's log goes with it first: a -wal left beside the new file would be
    // replayed into it by the next open.
    result.replaced = absl::StrCat(db_path, ".replaced-", absl::ToUnixSeconds(absl::Now()));
    if (Exists(wal) && rename(wal.c_str(), (result.replaced + "-wal").c_str()) != 0) {
      return ErrnoStatus("cannot move aside", wal);
    }
    if (Exists(db_path) && rename(db_path.c_str(), result.replaced.c_str()) != 0) {
      return ErrnoStatus("cannot move aside", db_path);
    }
    unlink((db_path + "-shm").c_str());
  }
  GOV_RETURN_IF_ERROR(Publish(work.path(), db_path));
  work.Release();
  result.elapsed = absl::Now() - start;
  return result;
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL

absl::StatusOr<std::string> PostgresToolsDir(const std::string& configured) {
  auto has_tools = [](const std::filesystem::path& dir) {
    return access((dir / "pg_dump").c_str(), X_OK) == 0 &&
           access((dir / "pg_restore").c_str(), X_OK) == 0;
  };
  if (!configured.empty()) {
    if (!has_tools(configured)) {
      return absl::NotFoundError(
          absl::StrCat("no executable pg_dump and pg_restore in ", configured));
    }
    return configured;
  }
  std::error_code ec;
  int best = -1;
  std::string best_dir;
  for (const auto& entry : std::filesystem::directory_iterator("/usr/lib/postgresql", ec)) {
    int major = 0;
    if (!absl::SimpleAtoi(entry.path().filename().string(), &major)) continue;
    if (major > best && has_tools(entry.path() / "bin")) {
      best = major;
      best_dir = (entry.path() / "bin").string();
    }
  }
  if (best_dir.empty()) {
    return absl::NotFoundError(
        "no pg_dump and pg_restore in /usr/lib/postgresql/<major>/bin (Debian's "
        "postgresql-client-15 installs them; or name their directory)");
  }
  return best_dir;
}

absl::StatusOr<PostgresBackupResult> BackupPostgres(const std::string& url,
                                                    const std::string& out_path,
                                                    const PostgresBackupOptions& options) {
  const absl::Time start = absl::Now();
  if (Exists(out_path) && !options.overwrite) {
    return absl::AlreadyExistsError(
        absl::StrCat(out_path, " exists; choose another file or replace it (--force)"));
  }
  GOV_ASSIGN_OR_RETURN(std::string tools, PostgresToolsDir(options.tools_dir));
  GOV_ASSIGN_OR_RETURN(Settings settings, ParseUrl(url));
  GOV_ASSIGN_OR_RETURN(std::vector<std::string> env, SettingsEnvironment(settings));
  PostgresBackupResult result;
  {
    GOV_ASSIGN_OR_RETURN(std::unique_ptr<pg::Connection> db, Connect(url, absl::Seconds(30)));
    GOV_ASSIGN_OR_RETURN(int64_t known, PgInt(*db,
                                              "SELECT count(*) FROM pg_tables WHERE tablename IN "
                                              "('schema_version', 'cases', 'case_history')"));
    if (known != 3) {
      return absl::FailedPreconditionError(
          absl::StrCat(RedactDatabaseUrl(url),
                       " is not a store of this suite (no "
                       "schema_version, cases and case_history tables)"));
    }
    GOV_ASSIGN_OR_RETURN(result.schema_version,
                         PgInt(*db, "SELECT COALESCE(MAX(version), 0) FROM schema_version"));
  }
  WorkFile work(out_path, "partial");
  GOV_ASSIGN_OR_RETURN(ToolRun run,
                       RunTool({tools + "/pg_dump", "--format=custom", "--no-password",
                                absl::StrCat("--lock-wait-timeout=",
                                             absl::ToInt64Milliseconds(options.lock_wait_timeout)),
                                "--file=" + work.path()},
                               env));
  if (run.exit_code != 0) return ToolFailed("pg_dump", run);
  GOV_ASSIGN_OR_RETURN(result.tables, ListArchive(tools, work.path()));
  GOV_RETURN_IF_ERROR(Publish(work.path(), out_path));
  work.Release();
  result.bytes = FileSize(out_path);
  result.elapsed = absl::Now() - start;
  return result;
}

absl::StatusOr<int64_t> CheckPostgresArchive(const std::string& path,
                                             const std::string& tools_dir) {
  GOV_ASSIGN_OR_RETURN(std::string tools, PostgresToolsDir(tools_dir));
  return ListArchive(tools, path);
}

absl::StatusOr<PostgresRestoreResult> RestorePostgres(const std::string& archive_path,
                                                      const std::string& url,
                                                      const PostgresRestoreOptions& options) {
  const absl::Time start = absl::Now();
  GOV_ASSIGN_OR_RETURN(std::string tools, PostgresToolsDir(options.tools_dir));
  GOV_RETURN_IF_ERROR(ListArchive(tools, archive_path).status());
  GOV_ASSIGN_OR_RETURN(Settings settings, ParseUrl(url));
  GOV_ASSIGN_OR_RETURN(std::vector<std::string> env, SettingsEnvironment(settings));
  const std::string database = settings.count("dbname") ? settings["dbname"] : "";
  if (database.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("the URL ", RedactDatabaseUrl(url), " names no database to restore into"));
  }
  const std::string shown = RedactDatabaseUrl(url);

  if (options.create_database) {
    Settings maintenance = settings;
    maintenance["dbname"] = "postgres";
    GOV_ASSIGN_OR_RETURN(std::unique_ptr<pg::Connection> admin,
                         Connect(Conninfo(maintenance), absl::Seconds(60)));
    GOV_ASSIGN_OR_RETURN(
        pg::Result found,
        admin->Exec("SELECT 1 FROM pg_database WHERE datname = $1", pg::Params().Text(database)));
    if (found.rows() == 0) {
      // template0: nothing a site added to template1 ends up in the new database.
      GOV_RETURN_IF_ERROR(admin
                              ->Script(absl::StrCat("CREATE DATABASE ", QuoteIdentifier(database),
                                                    " TEMPLATE template0"))
                              .status());
    }
  }

  GOV_ASSIGN_OR_RETURN(std::unique_ptr<pg::Connection> db, Connect(url, absl::ZeroDuration()));
  GOV_ASSIGN_OR_RETURN(int64_t sessions,
                       PgInt(*db,
                             "SELECT count(*) FROM pg_stat_activity WHERE datname = "
                             "current_database() AND pid <> pg_backend_pid() AND "
                             "backend_type = 'client backend'"));
  if (sessions > 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        "database ", database, " is in use (", sessions,
        " other sessions: a service runs on it?); a restore goes into a new, empty database"));
  }
  GOV_ASSIGN_OR_RETURN(
      int64_t objects,
      PgInt(*db,
            "SELECT (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = "
            "c.relnamespace WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND "
            "n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%') + (SELECT "
            "count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE "
            "n.nspname NOT IN ('pg_catalog', 'information_schema'))"));
  if (objects > 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        "database ", database, " is not empty (", objects,
        " tables, indexes, sequences or functions); a restore never merges into or replaces a "
        "database: restore into a new, empty one (--create makes it)"));
  }

  GOV_ASSIGN_OR_RETURN(
      ToolRun run,
      RunTool({tools + "/pg_restore", "--no-password", "--exit-on-error", "--single-transaction",
               "--no-owner", "--no-privileges", "--dbname=" + database, archive_path},
              env));
  if (run.exit_code != 0) return ToolFailed("pg_restore", run);
  // pg_restore leaves the planner without statistics until autovacuum gets to the tables.
  GOV_RETURN_IF_ERROR(db->Script("ANALYZE").status());

  PostgresRestoreResult result;
  GOV_ASSIGN_OR_RETURN(result.summary.schema_version,
                       PgInt(*db, "SELECT COALESCE(MAX(version), 0) FROM schema_version"));
  GOV_ASSIGN_OR_RETURN(result.summary.cases, PgInt(*db, "SELECT count(*) FROM cases"));
  GOV_ASSIGN_OR_RETURN(result.summary.history, PgInt(*db, "SELECT count(*) FROM case_history"));

  GOV_ASSIGN_OR_RETURN(int64_t has_changes,
                       PgInt(*db,
                             "SELECT count(*) FROM pg_tables WHERE tablename = "
                             "'case_changes'"));
  if (has_changes > 0) {
    // How many transaction ids this cluster must still hand out before the next one is above
    // every restored change position.
    constexpr char kBehind[] =
        "SELECT GREATEST(0, COALESCE((SELECT max(txid)::text::numeric FROM case_changes), 0) + 1 "
        "- pg_snapshot_xmax(pg_current_snapshot())::text::numeric)::bigint";
    GOV_ASSIGN_OR_RETURN(int64_t behind, PgInt(*db, kBehind));
    if (behind > options.max_transaction_advance) {
      GOV_ASSIGN_OR_RETURN(pg::Result top, db->Exec("SELECT max(txid)::text FROM case_changes"));
      return absl::FailedPreconditionError(absl::StrCat(
          "restored into ", shown,
          ", but the change stream's positions there run up to "
          "transaction id ",
          top.row(0).ColumnText(0), ", ", behind,
          " ids ahead of this cluster: the stream would not deliver them. Set the new cluster's "
          "next transaction id past that (pg_resetwal --epoch and --next-transaction-id on the "
          "stopped cluster, see its manual) and restore again into a new, empty database"));
    }
    // Each committed transaction that took an id moves the counter by one; the session does
    // not wait for their commit records to reach the disk.
    for (int round = 0; behind > 0 && round < 3; ++round) {
      GOV_RETURN_IF_ERROR(db->Script("SET synchronous_commit = off").status());
      GOV_RETURN_IF_ERROR(db->Script(absl::StrCat("DO $$ BEGIN FOR i IN 1..", behind,
                                                  " LOOP PERFORM pg_current_xact_id(); COMMIT; "
                                                  "END LOOP; END $$"))
                              .status());
      result.transactions_advanced += behind;
      GOV_ASSIGN_OR_RETURN(behind, PgInt(*db, kBehind));
    }
    if (behind > 0) {
      return absl::InternalError(absl::StrCat("restored into ", shown,
                                              ", but the cluster's transaction ids stay ", behind,
                                              " behind the restored change positions"));
    }
  }
  result.elapsed = absl::Now() - start;
  return result;
}

}  // namespace gov::store
