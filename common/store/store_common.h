#ifndef GOV_COMMON_STORE_STORE_COMMON_H_
#define GOV_COMMON_STORE_STORE_COMMON_H_

// What every Repository backend shares, so the backends cannot drift apart on what a caller
// sees: operation names and their latency metric, id formatting, validation and error
// messages, the count keys, row mapping, and the statement texts built from filters (one
// builder, parameterised by the SQL dialect). Internal to common/store.

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <string>
#include <tuple>
#include <variant>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/store/repository.h"

namespace prometheus {
class Histogram;
class Registry;
}  // namespace prometheus

namespace gov::store::internal {

// ---------------------------------------------------------------------------------------------
// Operations and their latency

enum class Op {
  kCreateCase,
  kGetCase,
  kGetHistory,
  kUpdateCase,
  kListCases,
  kListOverdue,
  kSumCases,
  kSumEvents,
  kCountCasesWithEvents,
  kCreateEntity,
  kGetEntity,
  kUpdateEntity,
  kListEntities,
  kCountEntities,
  kRecordFigure,
  kLatestFigure,
  kListFigures,
  kListChanges,
  kLastChange,
  kEraseCasePersonalData,
  kAppendPersonalDataReads,
  kListPersonalDataReads,
  kCount,  // number of ops, not an op
};

inline constexpr size_t kOpCount = static_cast<size_t>(Op::kCount);

// The label value of governance_store_query_seconds{op} for `op`, e.g. "create_case".
const char* OpName(Op op);

// governance_store_query_seconds{op}: one histogram per operation, every series created up
// front so each op's series exists before its first call. `help` says what the time includes
// for the backend (group commit waits, pool waits...). A null registry records nothing.
class QueryMetrics {
 public:
  QueryMetrics(prometheus::Registry* registry, const std::string& help);
  void Observe(Op op, double seconds) const;

 private:
  std::array<prometheus::Histogram*, kOpCount> query_{};
};

// Observes the time from construction to destruction under `op`.
class OpTimer {
 public:
  OpTimer(const QueryMetrics& metrics, Op op)
      : metrics_(metrics), op_(op), start_(std::chrono::steady_clock::now()) {}
  ~OpTimer() {
    metrics_.Observe(
        op_, std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count());
  }
  OpTimer(const OpTimer&) = delete;
  OpTimer& operator=(const OpTimer&) = delete;

 private:
  const QueryMetrics& metrics_;
  Op op_;
  std::chrono::steady_clock::time_point start_;
};

// ---------------------------------------------------------------------------------------------
// Encoding

// yyyymmdd, the storage form of a day.
int64_t DayKey(absl::CivilDay d);

// Unix microseconds, the storage form of every instant.
inline int64_t ToMicros(absl::Time t) { return absl::ToUnixMicros(t); }
inline absl::Time FromMicros(int64_t us) { return absl::FromUnixMicros(us); }

// Instants are stored at microsecond precision; records handed back are truncated the same
// way, so a returned record equals what a later read gives. Infinities stay infinite.
absl::Time Truncate(absl::Time t);

// "<prefix>-<n>" with n zero-padded to six digits (wider when it grows), or just the digits
// when the prefix is empty.
std::string FormatId(absl::string_view prefix, int64_t n);

// The smallest string greater than every string starting with `prefix` in byte order, or ""
// when there is none (prefix of only 0xff bytes).
std::string PrefixUpperBound(absl::string_view prefix);

// An exclusive upper bound of the strings starting with `prefix` in code point order (which is
// the byte order of UTF-8), that is itself valid UTF-8 when `prefix` is: the last code point
// incremented (skipping surrogates), dropped when it is the highest one. "" when there is none.
// For servers that reject invalid UTF-8 in text values, where PrefixUpperBound's byte
// increment (e.g. 0x7f -> 0x80) would not be a valid value.
std::string Utf8PrefixUpperBound(absl::string_view prefix);

// ---------------------------------------------------------------------------------------------
// Validation and errors (same text on every backend)

absl::Status CheckLimit(int limit);
absl::Status CheckTrack(absl::string_view track);
absl::Status CheckEntityKind(absl::string_view kind);
// INVALID_ARGUMENT unless `read` has a track and no role or record id holding a comma (the
// separator of their columns).
absl::Status CheckPersonalDataRead(const PersonalDataRead& read);

// ALREADY_EXISTS: `request_id` was seen with another request hash.
absl::Status RequestConflict(absl::string_view request_id);
absl::Status CaseNotFound(absl::string_view id);
absl::Status EntityNotFound(absl::string_view kind, absl::string_view id);
absl::Status FigureNotFound(absl::string_view figure_id, absl::string_view period_key,
                            absl::string_view street_id);
// ABORTED: "<what> <id> was changed (version <stored>, expected <expected>)".
absl::Status VersionMismatch(absl::string_view what, absl::string_view id, int64_t stored,
                             int64_t expected);

// ---------------------------------------------------------------------------------------------
// Reads of personal data (personal_data_reads)

// The roles column: the roles joined by ",".
std::string RolesColumn(const std::vector<std::string>& roles);
// The records column: "," + the ids joined by "," + "," ("" for none), so the reads that carried
// one record are those whose column holds RecordNeedle(id) (",<id>,").
std::string RecordsColumn(const std::vector<std::string>& records);
std::string RecordNeedle(absl::string_view id);
// The lists back from their columns.
std::vector<std::string> RolesOf(absl::string_view column);
std::vector<std::string> RecordsOf(absl::string_view column);

// ---------------------------------------------------------------------------------------------
// Counts

// The dimensions a case is counted under in case_counts.
struct CaseCountKey {
  int64_t day = 0;
  std::string street_id;
  std::string community_id;
  std::string unit_id;
  std::string category;
  std::string status;

  static CaseCountKey Of(const CaseRecord& r);

  auto Tie() const { return std::tie(day, street_id, community_id, unit_id, category, status); }
  bool operator==(const CaseCountKey& o) const { return Tie() == o.Tie(); }
  // The order in which concurrent writers touch count rows (the primary key order).
  bool operator<(const CaseCountKey& o) const { return Tie() < o.Tie(); }
};

// ---------------------------------------------------------------------------------------------
// Statement texts

enum class Dialect {
  kSqlite,    // `?` placeholders, IN lists expanded, integer booleans, byte-order bounds
  kPostgres,  // `$n` placeholders, `= ANY($n)` with a text[] parameter, boolean columns
};

// A statement text built from optional filters. Column names come from common/store only;
// every value is a bound parameter. Clauses are written with `?` for each value, in order;
// under kPostgres each `?` becomes the next `$n`.
class SqlQuery {
 public:
  // A value to bind: an integer, a text, or (kPostgres `In` only) a text array.
  using Value = std::variant<int64_t, std::string, std::vector<std::string>>;

  SqlQuery(Dialect dialect, absl::string_view head);

  void Where(absl::string_view clause);
  void Eq(absl::string_view column, std::string value);
  void EqIfSet(absl::string_view column, const std::string& value);
  // Any of `values`; nothing when empty.
  void In(absl::string_view column, const std::vector<std::string>& values);
  // "EXISTS (<subquery> AND <column> IN any of `values`)": `subquery` is a SELECT with its own
  // WHERE and no placeholders. Nothing when `values` is empty.
  void ExistsIn(absl::string_view subquery, absl::string_view column,
                const std::vector<std::string>& values);
  void Param(std::string value) { params_.emplace_back(std::move(value)); }
  void Param(int64_t value) { params_.emplace_back(value); }
  void Append(absl::string_view text);

  Dialect dialect() const { return dialect_; }
  const std::string& sql() const { return sql_; }
  const std::vector<Value>& params() const { return params_; }

 private:
  // `text` with its `?` numbered for the dialect.
  std::string Number(absl::string_view text);

  Dialect dialect_;
  int next_placeholder_ = 1;
  std::string sql_;
  bool where_started_ = false;
  std::vector<Value> params_;
};

// Column lists, in the order the Read* functions below expect.
inline constexpr char kCaseColumns[] =
    "track, id, category, street_id, community_id, grid_id, unit_id, status, priority, "
    "create_time, update_time, due_time, sla_breached, version, payload";
inline constexpr char kEntityColumns[] =
    "track, kind, id, street_id, community_id, parent_id, key, create_time, update_time, "
    "version, payload";
inline constexpr char kFigureColumns[] =
    "seq, track, figure_id, period_key, street_id, value, source, note, entered_by, "
    "enter_time, revision, payload";
inline constexpr char kPersonalDataReadColumns[] =
    "seq, track, time, principal, roles, method, records, purpose, trace_id";

// SELECT kCaseColumns FROM cases with the filter, newest first, LIMIT.
SqlQuery ListCasesQuery(Dialect dialect, const CaseFilter& filter);
// `head` ("SELECT ... FROM entities") with the filter's conditions (no order, no limit).
SqlQuery EntityQuery(Dialect dialect, absl::string_view head, const EntityFilter& filter);
// SELECT kEntityColumns with the filter, by id, after `after_id`, LIMIT.
SqlQuery ListEntitiesQuery(Dialect dialect, const EntityFilter& filter);
// SELECT kFigureColumns with the filter, newest first, before `before_seq`, LIMIT.
SqlQuery ListFiguresQuery(Dialect dialect, const FigureFilter& filter);
// SELECT kPersonalDataReadColumns with the filter, newest first, before `before_seq`, LIMIT.
SqlQuery ListPersonalDataReadsQuery(Dialect dialect, const PersonalDataReadFilter& filter);

// A sum over case_counts or event_counts: the grouped columns (in the order of `fields`) and
// the sum as the last column.
struct SumQuery {
  SqlQuery query;
  std::vector<std::string CountRow::*> fields;
};
// `table` is "case_counts" or "event_counts" (by_action applies to events only).
SumQuery BuildSumQuery(Dialect dialect, absl::string_view table, const CountQuery& query);
// The number of cases with a matching history event (EventCaseQuery), each once.
SqlQuery CountCasesWithEventsQuery(Dialect dialect, const EventCaseQuery& query);

// ---------------------------------------------------------------------------------------------
// Row mapping, for any row type with IsNull(col), ColumnInt(col), ColumnText(col),
// ColumnBlob(col) and ColumnTime(col).

template <typename Row>
CaseRecord ReadCase(const Row& s, int c = 0) {
  CaseRecord r;
  r.track = s.ColumnText(c + 0);
  r.id = s.ColumnText(c + 1);
  r.category = s.ColumnText(c + 2);
  r.street_id = s.ColumnText(c + 3);
  r.community_id = s.ColumnText(c + 4);
  r.grid_id = s.ColumnText(c + 5);
  r.unit_id = s.ColumnText(c + 6);
  r.status = s.ColumnText(c + 7);
  r.priority = static_cast<int32_t>(s.ColumnInt(c + 8));
  r.create_time = s.ColumnTime(c + 9);
  r.update_time = s.ColumnTime(c + 10);
  r.due_time = s.IsNull(c + 11) ? absl::InfiniteFuture() : s.ColumnTime(c + 11);
  r.sla_breached = s.ColumnInt(c + 12) != 0;
  r.version = s.ColumnInt(c + 13);
  r.payload = s.ColumnBlob(c + 14);
  return r;
}

template <typename Row>
EntityRecord ReadEntity(const Row& s, int c = 0) {
  EntityRecord r;
  r.track = s.ColumnText(c + 0);
  r.kind = s.ColumnText(c + 1);
  r.id = s.ColumnText(c + 2);
  r.street_id = s.ColumnText(c + 3);
  r.community_id = s.ColumnText(c + 4);
  r.parent_id = s.ColumnText(c + 5);
  r.key = s.ColumnText(c + 6);
  r.create_time = s.ColumnTime(c + 7);
  r.update_time = s.ColumnTime(c + 8);
  r.version = s.ColumnInt(c + 9);
  r.payload = s.ColumnBlob(c + 10);
  return r;
}

template <typename Row>
FigureRecord ReadFigure(const Row& s, int c = 0) {
  FigureRecord r;
  r.seq = s.ColumnInt(c + 0);
  r.track = s.ColumnText(c + 1);
  r.figure_id = s.ColumnText(c + 2);
  r.period_key = s.ColumnText(c + 3);
  r.street_id = s.ColumnText(c + 4);
  r.value = s.ColumnInt(c + 5);
  r.source = s.ColumnText(c + 6);
  r.note = s.ColumnText(c + 7);
  r.entered_by = s.ColumnText(c + 8);
  r.enter_time = s.ColumnTime(c + 9);
  r.revision = static_cast<int32_t>(s.ColumnInt(c + 10));
  r.payload = s.ColumnBlob(c + 11);
  return r;
}

template <typename Row>
PersonalDataRead ReadPersonalDataRead(const Row& s, int c = 0) {
  PersonalDataRead r;
  r.seq = s.ColumnInt(c + 0);
  r.track = s.ColumnText(c + 1);
  r.time = s.ColumnTime(c + 2);
  r.principal = s.ColumnText(c + 3);
  r.roles = RolesOf(s.ColumnText(c + 4));
  r.method = s.ColumnText(c + 5);
  r.records = RecordsOf(s.ColumnText(c + 6));
  r.purpose = s.ColumnText(c + 7);
  r.trace_id = s.ColumnText(c + 8);
  return r;
}

template <typename Row>
HistoryRecord ReadHistory(const Row& s, int c = 0) {
  HistoryRecord h;
  h.sequence = s.ColumnInt(c + 0);
  h.time = s.ColumnTime(c + 1);
  h.actor = s.ColumnText(c + 2);
  h.action = s.ColumnText(c + 3);
  h.from_status = s.ColumnText(c + 4);
  h.to_status = s.ColumnText(c + 5);
  h.note = s.ColumnText(c + 6);
  return h;
}

// A change read by the columns: position text, case_id, sequence, time, action, from_status,
// to_status, street_id, community_id, category, request_id (NULL = "").
template <typename Row>
ChangeRecord ReadChange(const Row& s) {
  ChangeRecord c;
  c.position = s.ColumnText(0);
  c.case_id = s.ColumnText(1);
  c.sequence = s.ColumnInt(2);
  c.time = s.ColumnTime(3);
  c.action = s.ColumnText(4);
  c.from_status = s.ColumnText(5);
  c.to_status = s.ColumnText(6);
  c.street_id = s.ColumnText(7);
  c.community_id = s.ColumnText(8);
  c.category = s.ColumnText(9);
  c.request_id = s.ColumnText(10);
  return c;
}

// The row of a SumQuery, or false when it is to be skipped (a zero or NULL sum: without GROUP
// BY the aggregate yields one row even over nothing).
template <typename Row>
bool ReadSumRow(const Row& s, const SumQuery& sum, const CountQuery& query, CountRow* out) {
  const int sum_col = static_cast<int>(sum.fields.size());
  if (s.IsNull(sum_col) || s.ColumnInt(sum_col) == 0) return false;
  *out = CountRow();
  out->day = query.first;
  for (size_t i = 0; i < sum.fields.size(); ++i) {
    (*out).*(sum.fields[i]) = s.ColumnText(static_cast<int>(i));
  }
  out->count = s.ColumnInt(sum_col);
  return true;
}

}  // namespace gov::store::internal

#endif  // GOV_COMMON_STORE_STORE_COMMON_H_
