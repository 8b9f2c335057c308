#include "common/store/sqlite_schema.h"

#include <cstdint>
#include <iterator>
#include <span>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/store/sqlite_db.h"

namespace gov::store::sqlite {
namespace {

// Conventions: instants are INTEGER unix microseconds (NULL = none), days are INTEGER yyyymmdd
// in the district's zone, payloads are BLOBs of serialized protos, request ids are NULL when
// the caller gave none (UNIQUE ignores NULLs). Counter tables and sequences are WITHOUT ROWID:
// small rows looked up by their whole key.
constexpr char kV1[] = R"sql(
CREATE TABLE cases (
  track        TEXT    NOT NULL,
  id           TEXT    NOT NULL,
  request_id   TEXT,
  request_hash TEXT    NOT NULL,
  category     TEXT    NOT NULL,
  street_id    TEXT    NOT NULL,
  community_id TEXT    NOT NULL,
  grid_id      TEXT    NOT NULL,
  unit_id      TEXT    NOT NULL,
  status       TEXT    NOT NULL,
  priority     INTEGER NOT NULL,
  create_time  INTEGER NOT NULL,
  update_time  INTEGER NOT NULL,
  due_time     INTEGER,
  sla_breached INTEGER NOT NULL CHECK (sla_breached IN (0, 1)),
  version      INTEGER NOT NULL CHECK (version >= 1),
  payload      BLOB    NOT NULL,
  create_day   INTEGER NOT NULL,
  PRIMARY KEY (track, id),
  UNIQUE (track, request_id)
);
-- Newest-first listing and its keyset cursor.
CREATE INDEX cases_by_create ON cases (track, create_time DESC, id DESC);
-- A street operator's listing (scope by street), newest first.
CREATE INDEX cases_by_street ON cases (track, street_id, create_time DESC, id DESC);
-- The breach scanner: only cases with a running, unbreached clock are indexed.
CREATE INDEX cases_overdue ON cases (track, due_time)
  WHERE due_time IS NOT NULL AND sla_breached = 0;

CREATE TABLE case_history (
  track       TEXT    NOT NULL,
  case_id     TEXT    NOT NULL,
  sequence    INTEGER NOT NULL CHECK (sequence >= 1),
  time        INTEGER NOT NULL,
  actor       TEXT    NOT NULL,
  action      TEXT    NOT NULL,
  from_status TEXT    NOT NULL,
  to_status   TEXT    NOT NULL,
  note        TEXT    NOT NULL,
  PRIMARY KEY (track, case_id, sequence),
  FOREIGN KEY (track, case_id) REFERENCES cases (track, id)
) WITHOUT ROWID;

-- Cases opened on `day`, by their current status.
CREATE TABLE case_counts (
  track        TEXT    NOT NULL,
  day          INTEGER NOT NULL,
  street_id    TEXT    NOT NULL,
  community_id TEXT    NOT NULL,
  unit_id      TEXT    NOT NULL,
  category     TEXT    NOT NULL,
  status       TEXT    NOT NULL,
  n            INTEGER NOT NULL,
  PRIMARY KEY (track, day, street_id, community_id, unit_id, category, status)
) WITHOUT ROWID;

-- Transitions that happened on `day`, by action and target status.
CREATE TABLE event_counts (
  track        TEXT    NOT NULL,
  day          INTEGER NOT NULL,
  street_id    TEXT    NOT NULL,
  community_id TEXT    NOT NULL,
  unit_id      TEXT    NOT NULL,
  category     TEXT    NOT NULL,
  action       TEXT    NOT NULL,
  status       TEXT    NOT NULL,
  n            INTEGER NOT NULL,
  PRIMARY KEY (track, day, street_id, community_id, unit_id, category, action, status)
) WITHOUT ROWID;

CREATE TABLE sequences (
  track TEXT    NOT NULL,
  name  TEXT    NOT NULL,
  next  INTEGER NOT NULL,
  PRIMARY KEY (track, name)
) WITHOUT ROWID;

CREATE TABLE entities (
  track        TEXT    NOT NULL,
  kind         TEXT    NOT NULL,
  id           TEXT    NOT NULL,
  request_id   TEXT,
  request_hash TEXT    NOT NULL,
  street_id    TEXT    NOT NULL,
  community_id TEXT    NOT NULL,
  parent_id    TEXT    NOT NULL,
  key          TEXT    NOT NULL,
  create_time  INTEGER NOT NULL,
  update_time  INTEGER NOT NULL,
  version      INTEGER NOT NULL CHECK (version >= 1),
  payload      BLOB    NOT NULL,
  PRIMARY KEY (track, kind, id),
  UNIQUE (track, kind, request_id)
);
CREATE INDEX entities_by_street ON entities (track, kind, street_id, id);
CREATE INDEX entities_by_parent ON entities (track, kind, parent_id, id);
CREATE INDEX entities_by_key ON entities (track, kind, key, id);

CREATE TABLE figures (
  seq          INTEGER PRIMARY KEY AUTOINCREMENT,
  track        TEXT    NOT NULL,
  figure_id    TEXT    NOT NULL,
  period_key   TEXT    NOT NULL,
  street_id    TEXT    NOT NULL,
  value        INTEGER NOT NULL,
  source       TEXT    NOT NULL,
  note         TEXT    NOT NULL,
  entered_by   TEXT    NOT NULL,
  enter_time   INTEGER NOT NULL,
  revision     INTEGER NOT NULL CHECK (revision >= 1),
  request_id   TEXT,
  request_hash TEXT    NOT NULL,
  payload      BLOB    NOT NULL,
  UNIQUE (track, request_id),
  UNIQUE (track, figure_id, period_key, street_id, revision)
);
CREATE INDEX figures_by_track ON figures (track, seq);
CREATE INDEX figures_by_figure ON figures (track, figure_id, seq);
)sql";

// The change stream of every track's cases: a row per history entry, written by a trigger in
// the entry's own transaction. `position` is the commit order (one writer; AUTOINCREMENT never
// reuses a value). The history written before is taken in by time.
constexpr char kV2[] = R"sql(
CREATE TABLE case_changes (
  position INTEGER PRIMARY KEY AUTOINCREMENT,
  track    TEXT    NOT NULL,
  case_id  TEXT    NOT NULL,
  sequence INTEGER NOT NULL
);
CREATE INDEX case_changes_by_track ON case_changes (track, position);
INSERT INTO case_changes (track, case_id, sequence)
  SELECT track, case_id, sequence FROM case_history ORDER BY time, track, case_id, sequence;
CREATE TRIGGER case_history_change AFTER INSERT ON case_history
BEGIN
  INSERT INTO case_changes (track, case_id, sequence)
    VALUES (NEW.track, NEW.case_id, NEW.sequence);
END;
)sql";

// The record of reads of personal data (common/privacy/read_audit.h): append-only, newest first
// by `seq`. `roles` are joined by ","; `records` is "," + the ids joined by "," + "," ("" for
// none), so the reads that carried one record are those whose column holds ",<id>,".
constexpr char kV3[] = R"sql(
CREATE TABLE personal_data_reads (
  seq       INTEGER PRIMARY KEY AUTOINCREMENT,
  track     TEXT    NOT NULL,
  time      INTEGER NOT NULL,
  principal TEXT    NOT NULL,
  roles     TEXT    NOT NULL,
  method    TEXT    NOT NULL,
  records   TEXT    NOT NULL,
  purpose   TEXT    NOT NULL,
  trace_id  TEXT    NOT NULL
);
CREATE INDEX personal_data_reads_by_track ON personal_data_reads (track, seq);
CREATE INDEX personal_data_reads_by_principal ON personal_data_reads (track, principal, seq);
)sql";

constexpr Migration kMigrations[] = {
    {1, kV1},
    {2, kV2},
    {3, kV3},
};

}  // namespace

std::span<const Migration> Migrations() { return kMigrations; }

int64_t LatestSchemaVersion() { return kMigrations[std::size(kMigrations) - 1].version; }

absl::Status Migrate(Connection& db) {
  if (absl::Status s = db.Exec("BEGIN IMMEDIATE"); !s.ok()) return s;
  absl::Status status = [&]() -> absl::Status {
    if (absl::Status s = db.ExecScript("CREATE TABLE IF NOT EXISTS schema_version ("
                                       "  version    INTEGER PRIMARY KEY,"
                                       "  applied_at TEXT    NOT NULL)");
        !s.ok()) {
      return s;
    }
    int64_t current = 0;
    {
      absl::StatusOr<Statement> stmt =
          db.Prepare("SELECT COALESCE(MAX(version), 0) FROM schema_version");
      if (!stmt.ok()) return stmt.status();
      absl::StatusOr<bool> row = stmt->Step();
      if (!row.ok()) return row.status();
      current = stmt->ColumnInt(0);
    }
    if (current > LatestSchemaVersion()) {
      return absl::FailedPreconditionError(
          absl::StrCat("database schema version ", current, " is newer than this binary's ",
                       LatestSchemaVersion(), "; refusing to open it with an older binary"));
    }
    std::string applied_at = absl::FormatTime(absl::RFC3339_full, absl::Now(), absl::UTCTimeZone());
    for (const Migration& m : kMigrations) {
      if (m.version <= current) continue;
      if (absl::Status s = db.ExecScript(m.sql); !s.ok()) {
        return absl::Status(s.code(),
                            absl::StrCat("migration ", m.version, " failed: ", s.message()));
      }
      absl::StatusOr<Statement> stmt =
          db.Prepare("INSERT INTO schema_version (version, applied_at) VALUES (?, ?)");
      if (!stmt.ok()) return stmt.status();
      if (absl::Status s = stmt->Int(m.version).Text(applied_at).Run(); !s.ok()) return s;
    }
    return absl::OkStatus();
  }();
  if (!status.ok()) {
    if (db.InTransaction()) db.Exec("ROLLBACK").IgnoreError();  // the original error matters
    return status;
  }
  return db.Exec("COMMIT");
}

}  // namespace gov::store::sqlite
