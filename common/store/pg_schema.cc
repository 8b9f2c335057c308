#include "common/store/pg_schema.h"

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <span>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/log/log.h"
#include "common/store/pg_db.h"
#include "common/util/status.h"

namespace gov::store::pg {
namespace {

// Conventions (the same data as the embedded store's schema): instants are BIGINT unix
// microseconds (NULL = none), days are INTEGER yyyymmdd in the district's zone, payloads are
// BYTEA of serialized protos, request ids are NULL when the caller gave none (UNIQUE ignores
// NULLs). Every text column compares in byte order (COLLATE "C"), as SQLite's BINARY does, so
// ids, keys and sums order the same on both stores whatever the database's locale.
// Uniqueness across replicas rests on these constraints alone.
constexpr char kV1[] = R"sql(
CREATE TABLE cases (
  track        TEXT COLLATE "C" NOT NULL,
  id           TEXT COLLATE "C" NOT NULL,
  request_id   TEXT COLLATE "C",
  request_hash TEXT COLLATE "C" NOT NULL,
  category     TEXT COLLATE "C" NOT NULL,
  street_id    TEXT COLLATE "C" NOT NULL,
  community_id TEXT COLLATE "C" NOT NULL,
  grid_id      TEXT COLLATE "C" NOT NULL,
  unit_id      TEXT COLLATE "C" NOT NULL,
  status       TEXT COLLATE "C" NOT NULL,
  priority     INTEGER NOT NULL,
  create_time  BIGINT  NOT NULL,
  update_time  BIGINT  NOT NULL,
  due_time     BIGINT,
  sla_breached BOOLEAN NOT NULL,
  version      BIGINT  NOT NULL CHECK (version >= 1),
  payload      BYTEA   NOT NULL,
  create_day   INTEGER NOT NULL,
  CONSTRAINT cases_pkey PRIMARY KEY (track, id),
  CONSTRAINT cases_request_id_key UNIQUE (track, request_id)
);
-- Newest-first listing and its keyset cursor.
CREATE INDEX cases_by_create ON cases (track, create_time DESC, id DESC);
-- A street operator's listing (scope by street), newest first.
CREATE INDEX cases_by_street ON cases (track, street_id, create_time DESC, id DESC);
-- The breach scanner: only cases with a running, unbreached clock are indexed.
CREATE INDEX cases_overdue ON cases (track, due_time)
  WHERE due_time IS NOT NULL AND NOT sla_breached;

CREATE TABLE case_history (
  track       TEXT COLLATE "C" NOT NULL,
  case_id     TEXT COLLATE "C" NOT NULL,
  sequence    BIGINT NOT NULL CHECK (sequence >= 1),
  time        BIGINT NOT NULL,
  actor       TEXT COLLATE "C" NOT NULL,
  action      TEXT COLLATE "C" NOT NULL,
  from_status TEXT COLLATE "C" NOT NULL,
  to_status   TEXT COLLATE "C" NOT NULL,
  note        TEXT COLLATE "C" NOT NULL,
  CONSTRAINT case_history_pkey PRIMARY KEY (track, case_id, sequence),
  CONSTRAINT case_history_case_fkey FOREIGN KEY (track, case_id) REFERENCES cases (track, id)
);

-- Cases opened on `day`, by their current status.
CREATE TABLE case_counts (
  track        TEXT COLLATE "C" NOT NULL,
  day          INTEGER NOT NULL,
  street_id    TEXT COLLATE "C" NOT NULL,
  community_id TEXT COLLATE "C" NOT NULL,
  unit_id      TEXT COLLATE "C" NOT NULL,
  category     TEXT COLLATE "C" NOT NULL,
  status       TEXT COLLATE "C" NOT NULL,
  n            BIGINT NOT NULL,
  CONSTRAINT case_counts_pkey
    PRIMARY KEY (track, day, street_id, community_id, unit_id, category, status)
);

-- Transitions that happened on `day`, by action and target status.
CREATE TABLE event_counts (
  track        TEXT COLLATE "C" NOT NULL,
  day          INTEGER NOT NULL,
  street_id    TEXT COLLATE "C" NOT NULL,
  community_id TEXT COLLATE "C" NOT NULL,
  unit_id      TEXT COLLATE "C" NOT NULL,
  category     TEXT COLLATE "C" NOT NULL,
  action       TEXT COLLATE "C" NOT NULL,
  status       TEXT COLLATE "C" NOT NULL,
  n            BIGINT NOT NULL,
  CONSTRAINT event_counts_pkey
    PRIMARY KEY (track, day, street_id, community_id, unit_id, category, action, status)
);

-- The next number of each (track, id prefix).
CREATE TABLE sequences (
  track TEXT COLLATE "C" NOT NULL,
  name  TEXT COLLATE "C" NOT NULL,
  next  BIGINT NOT NULL,
  CONSTRAINT sequences_pkey PRIMARY KEY (track, name)
);

CREATE TABLE entities (
  track        TEXT COLLATE "C" NOT NULL,
  kind         TEXT COLLATE "C" NOT NULL,
  id           TEXT COLLATE "C" NOT NULL,
  request_id   TEXT COLLATE "C",
  request_hash TEXT COLLATE "C" NOT NULL,
  street_id    TEXT COLLATE "C" NOT NULL,
  community_id TEXT COLLATE "C" NOT NULL,
  parent_id    TEXT COLLATE "C" NOT NULL,
  key          TEXT COLLATE "C" NOT NULL,
  create_time  BIGINT NOT NULL,
  update_time  BIGINT NOT NULL,
  version      BIGINT NOT NULL CHECK (version >= 1),
  payload      BYTEA  NOT NULL,
  CONSTRAINT entities_pkey PRIMARY KEY (track, kind, id),
  CONSTRAINT entities_request_id_key UNIQUE (track, kind, request_id)
);
CREATE INDEX entities_by_street ON entities (track, kind, street_id, id);
CREATE INDEX entities_by_parent ON entities (track, kind, parent_id, id);
CREATE INDEX entities_by_key ON entities (track, kind, key, id);

CREATE TABLE figures (
  seq          BIGINT GENERATED ALWAYS AS IDENTITY,
  track        TEXT COLLATE "C" NOT NULL,
  figure_id    TEXT COLLATE "C" NOT NULL,
  period_key   TEXT COLLATE "C" NOT NULL,
  street_id    TEXT COLLATE "C" NOT NULL,
  value        BIGINT NOT NULL,
  source       TEXT COLLATE "C" NOT NULL,
  note         TEXT COLLATE "C" NOT NULL,
  entered_by   TEXT COLLATE "C" NOT NULL,
  enter_time   BIGINT NOT NULL,
  revision     INTEGER NOT NULL CHECK (revision >= 1),
  request_id   TEXT COLLATE "C",
  request_hash TEXT COLLATE "C" NOT NULL,
  payload      BYTEA NOT NULL,
  CONSTRAINT figures_pkey PRIMARY KEY (seq),
  CONSTRAINT figures_request_id_key UNIQUE (track, request_id),
  CONSTRAINT figures_revision_key UNIQUE (track, figure_id, period_key, street_id, revision)
);
CREATE INDEX figures_by_track ON figures (track, seq);
CREATE INDEX figures_by_figure ON figures (track, figure_id, seq);
)sql";

// The change stream of every track's cases: a row per history entry, written by a trigger in
// the entry's own transaction, with that transaction's id (`txid`) and a sequence value taken
// as the row is written. Sequence values are taken before their transactions commit, so they
// become visible out of order; readers therefore order by (txid, seq) and read only below the
// oldest transaction still running (pg_snapshot_xmin): every transaction not yet committed has
// an id at or above it, so nothing later can land behind what was read. The history written
// before is taken in by time, in the migration's own transaction. Expand-only: binaries of
// version 1 keep working (their history writes fire the trigger too).
constexpr char kV2[] = R"sql(
CREATE TABLE case_changes (
  track    TEXT COLLATE "C" NOT NULL,
  txid     xid8   NOT NULL DEFAULT pg_current_xact_id(),
  seq      BIGSERIAL NOT NULL,
  case_id  TEXT COLLATE "C" NOT NULL,
  sequence BIGINT NOT NULL,
  CONSTRAINT case_changes_pkey PRIMARY KEY (track, txid, seq)
);
INSERT INTO case_changes (track, case_id, sequence)
  SELECT track, case_id, sequence FROM case_history ORDER BY time, track, case_id, sequence;
CREATE FUNCTION case_history_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO case_changes (track, case_id, sequence)
    VALUES (NEW.track, NEW.case_id, NEW.sequence);
  RETURN NULL;
END
$$;
CREATE TRIGGER case_history_change AFTER INSERT ON case_history
  FOR EACH ROW EXECUTE FUNCTION case_history_change();
)sql";

// The record of reads of personal data (common/privacy/read_audit.h): append-only, newest first
// by `seq`. `roles` are joined by ","; `records` is "," + the ids joined by "," + "," ("" for
// none), so the reads that carried one record are those whose column holds ",<id>,". Expand-only:
// a new table that older binaries do not know.
constexpr char kV3[] = R"sql(
CREATE TABLE personal_data_reads (
  seq       BIGINT GENERATED ALWAYS AS IDENTITY,
  track     TEXT COLLATE "C" NOT NULL,
  time      BIGINT NOT NULL,
  principal TEXT COLLATE "C" NOT NULL,
  roles     TEXT COLLATE "C" NOT NULL,
  method    TEXT COLLATE "C" NOT NULL,
  records   TEXT COLLATE "C" NOT NULL,
  purpose   TEXT COLLATE "C" NOT NULL,
  trace_id  TEXT COLLATE "C" NOT NULL,
  CONSTRAINT personal_data_reads_pkey PRIMARY KEY (seq)
);
CREATE INDEX personal_data_reads_by_track ON personal_data_reads (track, seq);
CREATE INDEX personal_data_reads_by_principal ON personal_data_reads (track, principal, seq);
)sql";

constexpr Migration kMigrations[] = {
    {1, 1, "cases, history, counts, sequences, entities, figures", kV1},
    {2, 1, "the change stream of the cases (case_changes)", kV2},
    {3, 1, "the record of reads of personal data (personal_data_reads)", kV3},
};

// Versions increase; min_binary_version never decreases and never exceeds its own version.
constexpr bool WellOrdered() {
  for (size_t i = 0; i < std::size(kMigrations); ++i) {
    const Migration& m = kMigrations[i];
    if (m.min_binary_version < 1 || m.min_binary_version > m.version) return false;
    if (i == 0) continue;
    const Migration& prev = kMigrations[i - 1];
    if (m.version <= prev.version || m.min_binary_version < prev.min_binary_version) return false;
  }
  return true;
}
static_assert(WellOrdered(), "schema migrations out of order (see pg_schema.h)");

// The record of applied migrations. Its shape is fixed for good: every binary, old or new,
// reads it before it knows anything else about the database.
constexpr char kSchemaVersionTable[] = R"sql(
CREATE TABLE IF NOT EXISTS schema_version (
  version            BIGINT PRIMARY KEY,
  min_binary_version BIGINT NOT NULL,
  description        TEXT   NOT NULL DEFAULT '',
  applied_at         TIMESTAMPTZ NOT NULL DEFAULT now()
)
)sql";

absl::StatusOr<int64_t> ScalarInt(Connection& db, const char* sql, const Params& params) {
  GOV_ASSIGN_OR_RETURN(Result result, db.Exec(sql, params));
  if (result.rows() != 1) return absl::InternalError("postgres: expected one row");
  return result.row(0).ColumnInt(0);
}

absl::Status Apply(Connection& db, const Migration& m) {
  GOV_RETURN_IF_ERROR(db.Script("BEGIN").status());
  absl::Status status = [&]() -> absl::Status {
    // Schema changes may take longer than a request is allowed to.
    GOV_RETURN_IF_ERROR(db.Script("SET LOCAL statement_timeout = 0").status());
    if (absl::StatusOr<Result> applied = db.Script(m.sql); !applied.ok()) {
      return absl::Status(
          applied.status().code(),
          absl::StrCat("migration ", m.version, " failed: ", applied.status().message()));
    }
    GOV_RETURN_IF_ERROR(
        db.Exec("INSERT INTO schema_version (version, min_binary_version, "
                "description) VALUES ($1, $2, $3)",
                Params().Int(m.version).Int(m.min_binary_version).Text(m.description))
            .status());
    return db.Script("COMMIT").status();
  }();
  if (!status.ok() && db.InTransaction()) db.Script("ROLLBACK").IgnoreError();
  return status;
}

absl::Status MigrateLocked(Connection& db) {
  GOV_RETURN_IF_ERROR(db.Script(kSchemaVersionTable).status());
  GOV_ASSIGN_OR_RETURN(
      int64_t current,
      ScalarInt(db, "SELECT COALESCE(MAX(version), 0) FROM schema_version", Params()));
  const int64_t latest = LatestSchemaVersion();
  if (current > latest) {
    GOV_ASSIGN_OR_RETURN(int64_t needed,
                         ScalarInt(db,
                                   "SELECT COALESCE(MAX(min_binary_version), 0) FROM "
                                   "schema_version WHERE version > $1",
                                   Params().Int(latest)));
    if (needed > latest) {
      return absl::FailedPreconditionError(
          absl::StrCat("database schema version ", current, " needs a binary of schema version ",
                       needed, " or newer; this binary knows schema version ", latest,
                       " (upgrade the binary, or restore a database it can run against)"));
    }
    log::Info("store schema is newer than this binary and compatible with it",
              {{"schema_version", absl::StrCat(current)},
               {"binary_schema_version", absl::StrCat(latest)}});
    return absl::OkStatus();
  }
  for (const Migration& m : kMigrations) {
    if (m.version <= current) continue;
    GOV_RETURN_IF_ERROR(Apply(db, m));
    log::Info("store schema migrated", {{"schema_version", absl::StrCat(m.version)}});
  }
  return absl::OkStatus();
}

}  // namespace

std::span<const Migration> Migrations() { return kMigrations; }

int64_t LatestSchemaVersion() { return kMigrations[std::size(kMigrations) - 1].version; }

absl::Status Migrate(Connection& db) {
  // Waiting for the lock counts against statement_timeout: a replica stuck behind a long
  // migration of another fails to open (and is restarted) rather than hanging.
  GOV_RETURN_IF_ERROR(
      db.Exec("SELECT pg_advisory_lock($1)", Params().Int(kMigrationLockKey)).status());
  absl::Status status = MigrateLocked(db);
  // A lost connection released the lock with the session.
  if (!db.Broken()) {
    absl::Status unlocked =
        db.Exec("SELECT pg_advisory_unlock($1)", Params().Int(kMigrationLockKey)).status();
    if (status.ok()) status = unlocked;
  }
  return status;
}

}  // namespace gov::store::pg
