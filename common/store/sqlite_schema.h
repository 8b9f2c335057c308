#ifndef GOV_COMMON_STORE_SQLITE_SCHEMA_H_
#define GOV_COMMON_STORE_SQLITE_SCHEMA_H_

// Schema migrations of the embedded store. Internal to common/store.

#include <cstdint>
#include <span>

#include "absl/status/status.h"
#include "common/store/sqlite_db.h"

namespace gov::store::sqlite {

// One numbered migration: a script applied once, in order of `version`.
struct Migration {
  int64_t version;
  const char* sql;
};

// Every migration this binary knows, in increasing version order. Never edit a released
// migration: append a new one.
std::span<const Migration> Migrations();

// The newest schema version this binary knows.
int64_t LatestSchemaVersion();

// Brings the database on `db` to LatestSchemaVersion(): in one IMMEDIATE transaction (so two
// processes opening the same file do not both migrate), applies the migrations newer than the
// highest row of schema_version and records each with its time. A database migrated by a newer
// binary (a version this one does not know) is FAILED_PRECONDITION, with nothing changed.
absl::Status Migrate(Connection& db);

}  // namespace gov::store::sqlite

#endif  // GOV_COMMON_STORE_SQLITE_SCHEMA_H_
