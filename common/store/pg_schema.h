#ifndef GOV_COMMON_STORE_PG_SCHEMA_H_
#define GOV_COMMON_STORE_PG_SCHEMA_H_

// Schema migrations of the shared (PostgreSQL) store. Internal to common/store.
//
// Every migration is recorded in schema_version with the oldest binary that can still run
// against a database at that version: `min_binary_version`, compared with a binary's
// LatestSchemaVersion() (the newest migration it knows). Several replicas of a track run
// against one database, and during a rolling upgrade old and new binaries run side by side, so
// schema changes follow expand/contract:
//
//  - Expand (additive): new tables, new columns that are NULL-able or have a default, new
//    indexes, wider constraints. Binaries that do not know the change keep working (they name
//    their columns, never SELECT *, and never rely on a column being absent), so the migration
//    keeps the previous min_binary_version: a binary that predates it still opens the
//    database, and the first new binary to start applies it.
//  - Contract (destructive): dropping or renaming a column or table, narrowing a type,
//    adding a constraint old binaries' writes could violate, changing what a value means. Only
//    once no running binary needs the old shape: ship a binary that no longer uses it (and
//    writes the new shape), roll it out everywhere, then release the contract migration with
//    min_binary_version = that binary's schema version. Older binaries then refuse to open the
//    database (FAILED_PRECONDITION) instead of failing halfway through a request.
//
// min_binary_version never decreases from one migration to the next: a contract migration's
// requirement holds for every later version. A binary opening a database newer than it knows
// runs if every recorded migration it does not know allows it (max min_binary_version over
// them <= its LatestSchemaVersion()).
//
// Migrations run under a session advisory lock (kMigrationLockKey), so replicas starting
// together migrate exactly once: the first applies, the others wait and then find nothing left
// to do. Each migration runs in its own transaction together with its schema_version row, so a
// crash leaves the database at a version boundary. Never edit a released migration: append.

#include <cstdint>
#include <span>

#include "absl/status/status.h"
#include "common/store/pg_db.h"

namespace gov::store::pg {

struct Migration {
  int64_t version;
  // The oldest binary schema version that can still run against a database at `version`.
  int64_t min_binary_version;
  const char* description;
  const char* sql;
};

// Every migration this binary knows, in increasing version order.
std::span<const Migration> Migrations();

// The newest schema version this binary knows.
int64_t LatestSchemaVersion();

// The pg_advisory_lock key migrations run under ("gov_stor" in ASCII).
inline constexpr int64_t kMigrationLockKey = 0x676f765f73746f72;

// Brings the database on `db` to LatestSchemaVersion(), as described above. A database that a
// newer binary migrated is left as it is: OK when its compatibility rows allow this binary,
// else FAILED_PRECONDITION saying which binary version it needs.
absl::Status Migrate(Connection& db);

}  // namespace gov::store::pg

#endif  // GOV_COMMON_STORE_PG_SCHEMA_H_
