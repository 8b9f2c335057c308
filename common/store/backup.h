#ifndef GOV_COMMON_STORE_BACKUP_H_
#define GOV_COMMON_STORE_BACKUP_H_

// Online backup and restore of the stores (tools/govbackup is the command; README "Backup and
// restore" the procedure).
//
// SQLite: the backup reads a live service's database through a connection of its own with the
// SQLite backup API, all pages in one step inside one read transaction. In WAL mode that read
// neither waits for the service's writes nor holds them up, and it sees one committed state of
// the file, whatever commits meanwhile. It takes no part in the service's ownership of the file
// (the OwnerLock on "<db>.lock"). The copy is written beside the output, switched to the
// rollback journal (a single file that needs no -wal beside it), checked with
// PRAGMA integrity_check and only then renamed to the output. A restore takes the OwnerLock of
// the target first, so it never replaces the store of a running service and no service starts on
// the file while it is being replaced.
//
// PostgreSQL: pg_dump in its custom format (one snapshot of the whole database, every track's
// tables, schema_version included, so the service accepts the restored database as it is: it
// finds its migrations applied), checked by listing the archive; pg_restore into a new, empty
// database in one transaction. The change stream's positions (case_changes, pg_schema.cc) are
// PostgreSQL transaction ids: restored into another cluster whose transaction counter is behind
// them, the restored changes would stay invisible to the stream and later ones would sort before
// them, so the restore moves the target cluster's counter past the highest restored id.
// Connection settings reach pg_dump and pg_restore through their environment (PGHOST,
// PGPASSWORD, ...), never their command line.
//
// Every error is a status: NOT_FOUND (no such source), ALREADY_EXISTS (the output or target
// exists and overwriting was not asked for), FAILED_PRECONDITION (the target is in use by a
// service or is not empty; the source is not a store of this suite), DATA_LOSS (a copy that
// fails its check), UNAVAILABLE (a server or file that cannot be reached), INTERNAL (a tool
// failed; its own message included).

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace gov::store {

// What a check of a store (or of a backup of one) found.
struct StoreSummary {
  int64_t schema_version = 0;  // highest row of schema_version
  int64_t cases = 0;           // rows of `cases`, every track
  int64_t history = 0;         // rows of `case_history`, every track
};

// ---------------------------------------------------------------------------------------------
// SQLite

struct SqliteBackupOptions {
  bool overwrite = false;  // replace an existing output file
  // How long the backup waits for the source while it is briefly locked (a WAL recovery or a
  // checkpoint restarting the log) before it gives up with UNAVAILABLE.
  absl::Duration busy_timeout = absl::Seconds(30);
};

struct SqliteBackupResult {
  StoreSummary summary;  // of the copy, read after its integrity check
  int64_t pages = 0;
  int64_t bytes = 0;  // size of the output file
  absl::Duration elapsed;
};

// Copies the database at `db_path` (a live service's or not) to `out_path` as described above.
absl::StatusOr<SqliteBackupResult> BackupSqlite(const std::string& db_path,
                                                const std::string& out_path,
                                                const SqliteBackupOptions& options);

// Opens `path` read-only and checks it: PRAGMA integrity_check answers "ok" (else DATA_LOSS
// with its first findings) and it holds the store's tables (else FAILED_PRECONDITION).
absl::StatusOr<StoreSummary> CheckSqlite(const std::string& path);

struct SqliteRestoreOptions {
  // Replace an existing database at the target. The one replaced is kept beside it as
  // "<db>.replaced-<unix seconds>" (with its -wal, if any), so a mistaken restore can be undone.
  bool overwrite = false;
};

struct SqliteRestoreResult {
  StoreSummary summary;  // of the restored database
  std::string replaced;  // where the database that was replaced went; "" when none
  absl::Duration elapsed;
};

// Restores the backup at `backup_path` (checked first, CheckSqlite) as the database at
// `db_path`: FAILED_PRECONDITION when a process owns the target (its OwnerLock is held),
// ALREADY_EXISTS when the target exists and `overwrite` is false. The copy is made beside the
// target, checked, and renamed over it, so the target is either the old database or the whole
// new one.
absl::StatusOr<SqliteRestoreResult> RestoreSqlite(const std::string& backup_path,
                                                  const std::string& db_path,
                                                  const SqliteRestoreOptions& options);

// ---------------------------------------------------------------------------------------------
// PostgreSQL

// The directory of pg_dump and pg_restore: `configured` when not empty, else Debian's
// /usr/lib/postgresql/<major>/bin of the highest major installed that has both. NOT_FOUND when
// there is none (Debian's package postgresql-client-15 provides them).
absl::StatusOr<std::string> PostgresToolsDir(const std::string& configured);

struct PostgresBackupOptions {
  bool overwrite = false;  // replace an existing output file
  std::string tools_dir;   // see PostgresToolsDir
  // How long pg_dump waits for a table lock (a migration holds one) before it fails.
  absl::Duration lock_wait_timeout = absl::Seconds(60);
};

struct PostgresBackupResult {
  int64_t schema_version = 0;  // of the database when the dump began
  int64_t tables = 0;          // tables whose data the archive holds
  int64_t bytes = 0;           // size of the archive
  absl::Duration elapsed;
};

// Dumps the database at `url` (libpq URI or key=value settings) into `out_path` in pg_dump's
// custom format, written beside it and renamed once `pg_restore --list` reads it whole and finds
// the store's tables in it.
absl::StatusOr<PostgresBackupResult> BackupPostgres(const std::string& url,
                                                    const std::string& out_path,
                                                    const PostgresBackupOptions& options);

// Reads the whole archive at `path` (`pg_restore --list`): the number of tables whose data it
// holds; DATA_LOSS when it does not read, FAILED_PRECONDITION when the store's tables are not in
// it.
absl::StatusOr<int64_t> CheckPostgresArchive(const std::string& path, const std::string& tools_dir);

struct PostgresRestoreOptions {
  // Create the target database when it does not exist (connecting to the server's database
  // "postgres" to do so); the user needs the CREATEDB privilege.
  bool create_database = false;
  std::string tools_dir;  // see PostgresToolsDir
  // The most transaction ids the restore consumes to move a new cluster past the restored
  // change positions (some 60,000 a second on two cores, so the default is a quarter of an hour
  // at most); beyond it, FAILED_PRECONDITION says how to set the cluster's counter with
  // pg_resetwal instead.
  int64_t max_transaction_advance = 50'000'000;
};

struct PostgresRestoreResult {
  StoreSummary summary;               // of the restored database
  int64_t transactions_advanced = 0;  // ids consumed so the change stream continues in order
  absl::Duration elapsed;
};

// Restores the archive at `archive_path` into the database at `url`, which must be empty
// (FAILED_PRECONDITION otherwise: a restore never merges into or replaces a database) and have
// no other sessions (FAILED_PRECONDITION naming how many: a service is running on it). Runs
// pg_restore in a single transaction without the archive's owners and grants (the objects
// belong to the user restoring, who is the user the services connect as), then ANALYZE, then
// moves the cluster's transaction counter as described above.
absl::StatusOr<PostgresRestoreResult> RestorePostgres(const std::string& archive_path,
                                                      const std::string& url,
                                                      const PostgresRestoreOptions& options);

}  // namespace gov::store

#endif  // GOV_COMMON_STORE_BACKUP_H_
