#include "common/store/rekey.h"

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "common/store/pg_db.h"
#include "common/store/sealed_repository.h"
#include "common/store/sqlite_db.h"
#include "common/util/status.h"

namespace gov::store {
namespace {

constexpr int kBatch = 500;

struct KeyColumn {
  const char* name;
  bool integer;
};

// A column that holds sealed values, with the key its rows are walked by.
struct SealedColumn {
  const char* table;
  const char* column;
  bool text;  // a text column (sealed text form) rather than bytes
  std::vector<KeyColumn> key;
  std::string (*place)(absl::string_view track);
};

const std::vector<SealedColumn>& Columns() {
  static const auto* columns = new std::vector<SealedColumn>{
      {"cases", "payload", false, {{"track", false}, {"id", false}}, &CasePayloadPlace},
      {"case_history",
       "note",
       true,
       {{"track", false}, {"case_id", false}, {"sequence", true}},
       &HistoryNotePlace},
      {"entities",
       "payload",
       false,
       {{"track", false}, {"kind", false}, {"id", false}},
       &EntityPayloadPlace},
      {"figures", "payload", false, {{"seq", true}}, &FigurePayloadPlace},
      {"figures", "note", true, {{"seq", true}}, &FigureNotePlace},
      {"personal_data_reads", "purpose", true, {{"seq", true}}, &ReadPurposePlace},
  };
  return *columns;
}

struct Row {
  std::string track;
  std::vector<std::string> key;
  std::string value;
};

std::string KeyList(const SealedColumn& c) {
  std::vector<std::string> names;
  for (const KeyColumn& k : c.key) names.push_back(k.name);
  return absl::StrJoin(names, ", ");
}

// "(?, ?)" or "($1, $2)" from `first`.
std::string Placeholders(size_t n, bool numbered, int first) {
  std::vector<std::string> out;
  for (size_t i = 0; i < n; ++i) {
    out.push_back(numbered ? absl::StrCat("$", first + static_cast<int>(i)) : "?");
  }
  return absl::StrCat("(", absl::StrJoin(out, ", "), ")");
}

std::string PageSql(const SealedColumn& c, bool after, bool numbered) {
  return absl::StrCat(
      "SELECT track, ", KeyList(c), ", ", c.column, " FROM ", c.table,
      after ? absl::StrCat(" WHERE (", KeyList(c), ") > ", Placeholders(c.key.size(), numbered, 1))
            : "",
      " ORDER BY ", KeyList(c), " LIMIT ", kBatch);
}

// Replaces the value only if it is still the one read.
std::string ReplaceSql(const SealedColumn& c, bool numbered) {
  std::vector<std::string> conditions;
  for (size_t i = 0; i < c.key.size(); ++i) {
    conditions.push_back(
        absl::StrCat(c.key[i].name, " = ", numbered ? absl::StrCat("$", i + 2) : std::string("?")));
  }
  conditions.push_back(absl::StrCat(
      c.column, " = ", numbered ? absl::StrCat("$", c.key.size() + 2) : std::string("?")));
  return absl::StrCat("UPDATE ", c.table, " SET ", c.column, " = ", numbered ? "$1" : "?",
                      " WHERE ", absl::StrJoin(conditions, " AND "));
}

int64_t AsInt(const std::string& s) {
  int64_t v = 0;
  (void)absl::SimpleAtoi(s, &v);
  return v;
}

class Backend {
 public:
  virtual ~Backend() = default;
  // The rows after `after` (nullptr: from the first) in key order, at most kBatch.
  virtual absl::StatusOr<std::vector<Row>> Page(const SealedColumn& c,
                                                const std::vector<std::string>* after) = 0;
  virtual absl::Status Exec(absl::string_view sql) = 0;
  // True when the row still held `row.value` and now holds `value`.
  virtual absl::StatusOr<bool> Replace(const SealedColumn& c, const Row& row,
                                       const std::string& value) = 0;
};

class SqliteBackend final : public Backend {
 public:
  explicit SqliteBackend(std::unique_ptr<sqlite::Connection> db) : db_(std::move(db)) {}

  absl::StatusOr<std::vector<Row>> Page(const SealedColumn& c,
                                        const std::vector<std::string>* after) override {
    GOV_ASSIGN_OR_RETURN(sqlite::Statement stmt, db_->Prepare(PageSql(c, after != nullptr, false)));
    if (after != nullptr) {
      for (size_t i = 0; i < c.key.size(); ++i) {
        if (c.key[i].integer) {
          stmt.Int(AsInt((*after)[i]));
        } else {
          stmt.Text((*after)[i]);
        }
      }
    }
    std::vector<Row> rows;
    while (true) {
      GOV_ASSIGN_OR_RETURN(bool more, stmt.Step());
      if (!more) break;
      Row r;
      r.track = stmt.ColumnText(0);
      for (size_t i = 0; i < c.key.size(); ++i) {
        const int col = static_cast<int>(i) + 1;
        r.key.push_back(c.key[i].integer ? absl::StrCat(stmt.ColumnInt(col))
                                         : stmt.ColumnText(col));
      }
      const int col = static_cast<int>(c.key.size()) + 1;
      r.value = c.text ? stmt.ColumnText(col) : stmt.ColumnBlob(col);
      rows.push_back(std::move(r));
    }
    return rows;
  }

  absl::Status Exec(absl::string_view sql) override { return db_->Exec(sql); }

  absl::StatusOr<bool> Replace(const SealedColumn& c, const Row& row,
                               const std::string& value) override {
    GOV_ASSIGN_OR_RETURN(sqlite::Statement stmt, db_->Prepare(ReplaceSql(c, false)));
    if (c.text) {
      stmt.Text(value);
    } else {
      stmt.Blob(value);
    }
    for (size_t i = 0; i < c.key.size(); ++i) {
      if (c.key[i].integer) {
        stmt.Int(AsInt(row.key[i]));
      } else {
        stmt.Text(row.key[i]);
      }
    }
    if (c.text) {
      stmt.Text(row.value);
    } else {
      stmt.Blob(row.value);
    }
    GOV_RETURN_IF_ERROR(stmt.Run());
    return db_->Changes() == 1;
  }

 private:
  std::unique_ptr<sqlite::Connection> db_;
};

class PostgresBackend final : public Backend {
 public:
  explicit PostgresBackend(std::unique_ptr<pg::Connection> db) : db_(std::move(db)) {}

  absl::StatusOr<std::vector<Row>> Page(const SealedColumn& c,
                                        const std::vector<std::string>* after) override {
    pg::Params params;
    if (after != nullptr) {
      for (size_t i = 0; i < c.key.size(); ++i) {
        if (c.key[i].integer) {
          params.Int(AsInt((*after)[i]));
        } else {
          params.Text((*after)[i]);
        }
      }
    }
    GOV_ASSIGN_OR_RETURN(pg::Result result, db_->Exec(PageSql(c, after != nullptr, true), params));
    std::vector<Row> rows;
    for (int i = 0; i < result.rows(); ++i) {
      const pg::Row row = result.row(i);
      Row r;
      r.track = row.ColumnText(0);
      for (size_t k = 0; k < c.key.size(); ++k) {
        const int col = static_cast<int>(k) + 1;
        r.key.push_back(c.key[k].integer ? absl::StrCat(row.ColumnInt(col)) : row.ColumnText(col));
      }
      r.value = row.ColumnText(static_cast<int>(c.key.size()) + 1);
      rows.push_back(std::move(r));
    }
    return rows;
  }

  absl::Status Exec(absl::string_view sql) override { return db_->Exec(sql).status(); }

  absl::StatusOr<bool> Replace(const SealedColumn& c, const Row& row,
                               const std::string& value) override {
    pg::Params params;
    if (c.text) {
      params.Text(value);
    } else {
      params.Bytes(value);
    }
    for (size_t i = 0; i < c.key.size(); ++i) {
      if (c.key[i].integer) {
        params.Int(AsInt(row.key[i]));
      } else {
        params.Text(row.key[i]);
      }
    }
    if (c.text) {
      params.Text(row.value);
    } else {
      params.Bytes(row.value);
    }
    GOV_ASSIGN_OR_RETURN(pg::Result result, db_->Exec(ReplaceSql(c, true), params));
    return result.command() == "UPDATE 1";
  }

 private:
  std::unique_ptr<pg::Connection> db_;
};

// Walks every sealed column's rows in batches; `visit` sees each batch of one column.
absl::Status Walk(
    Backend& db, const std::function<absl::Status(const SealedColumn&, std::vector<Row>&)>& visit) {
  for (const SealedColumn& c : Columns()) {
    std::optional<std::vector<std::string>> after;
    while (true) {
      GOV_ASSIGN_OR_RETURN(std::vector<Row> rows, db.Page(c, after ? &*after : nullptr));
      if (rows.empty()) break;
      after = rows.back().key;
      GOV_RETURN_IF_ERROR(visit(c, rows));
      if (static_cast<int>(rows.size()) < kBatch) break;
    }
  }
  return absl::OkStatus();
}

void Count(const SealedColumn& c, const Row& row, KeyCensus& census) {
  if (c.text && row.value.empty()) return;
  std::optional<std::string> id = DataKeys::KeyIdOf(row.value);
  const bool sealed = c.text ? DataKeys::IsSealedText(row.value) : DataKeys::IsSealed(row.value);
  if (sealed && id.has_value()) {
    ++census.sealed[*id];
  } else {
    ++census.unsealed;
  }
}

absl::StatusOr<KeyCensus> Census(Backend& db) {
  KeyCensus census;
  GOV_RETURN_IF_ERROR(Walk(db, [&](const SealedColumn& c, std::vector<Row>& rows) {
    for (const Row& row : rows) Count(c, row, census);
    return absl::OkStatus();
  }));
  return census;
}

absl::StatusOr<RekeyResult> Rekey(Backend& db, const DataKeys& keys) {
  RekeyResult result;
  GOV_RETURN_IF_ERROR(Walk(db, [&](const SealedColumn& c, std::vector<Row>& rows) -> absl::Status {
    std::vector<std::pair<const Row*, std::string>> replace;
    for (const Row& row : rows) {
      Count(c, row, result.before);
      if (c.text && row.value.empty()) continue;
      if (DataKeys::KeyIdOf(row.value) == keys.active_id()) continue;
      const std::string place = c.place(row.track);
      absl::StatusOr<std::string> plain =
          c.text ? OpenStoredText(&keys, row.value, place) : OpenStored(&keys, row.value, place);
      if (!plain.ok()) {
        return Annotate(plain.status(), absl::StrCat(c.table, ".", c.column, " of (",
                                                     absl::StrJoin(row.key, ", "), ")"));
      }
      replace.emplace_back(&row, c.text ? keys.SealText(*plain, place) : keys.Seal(*plain, place));
    }
    if (replace.empty()) return absl::OkStatus();
    GOV_RETURN_IF_ERROR(db.Exec("BEGIN"));
    for (const auto& [row, value] : replace) {
      absl::StatusOr<bool> done = db.Replace(c, *row, value);
      if (!done.ok()) {
        (void)db.Exec("ROLLBACK");
        return done.status();
      }
      if (*done) {
        ++result.resealed;
      } else {
        ++result.changed_meanwhile;
      }
    }
    return db.Exec("COMMIT");
  }));
  return result;
}

absl::Status SqliteStoreExists(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    return absl::NotFoundError(absl::StrCat("no SQLite store at ", path));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<sqlite::Connection>> OpenSqliteStore(const std::string& path,
                                                                    bool read_only) {
  GOV_RETURN_IF_ERROR(SqliteStoreExists(path));
  return sqlite::Connection::Open(path,
                                  {.read_only = read_only, .busy_timeout = absl::Seconds(30)});
}

absl::StatusOr<std::unique_ptr<pg::Connection>> OpenPostgresStore(const std::string& url) {
  pg::ConnectOptions options;
  options.url = url;
  options.statement_timeout = absl::ZeroDuration();
  return pg::Connection::Open(options);
}

}  // namespace

absl::StatusOr<KeyCensus> CensusSqlite(const std::string& db_path) {
  GOV_ASSIGN_OR_RETURN(std::unique_ptr<sqlite::Connection> db, OpenSqliteStore(db_path, true));
  SqliteBackend backend(std::move(db));
  return Census(backend);
}

absl::StatusOr<KeyCensus> CensusPostgres(const std::string& url) {
  GOV_ASSIGN_OR_RETURN(std::unique_ptr<pg::Connection> db, OpenPostgresStore(url));
  PostgresBackend backend(std::move(db));
  return Census(backend);
}

absl::StatusOr<RekeyResult> RekeySqlite(const std::string& db_path, const DataKeys& keys) {
  GOV_RETURN_IF_ERROR(SqliteStoreExists(db_path));
  GOV_ASSIGN_OR_RETURN(std::unique_ptr<sqlite::OwnerLock> lock, sqlite::OwnerLock::Take(db_path));
  GOV_ASSIGN_OR_RETURN(std::unique_ptr<sqlite::Connection> db, OpenSqliteStore(db_path, false));
  SqliteBackend backend(std::move(db));
  return Rekey(backend, keys);
}

absl::StatusOr<RekeyResult> RekeyPostgres(const std::string& url, const DataKeys& keys) {
  GOV_ASSIGN_OR_RETURN(std::unique_ptr<pg::Connection> db, OpenPostgresStore(url));
  PostgresBackend backend(std::move(db));
  return Rekey(backend, keys);
}

}  // namespace gov::store
