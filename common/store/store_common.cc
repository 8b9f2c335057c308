#include "common/store/store_common.h"

#include <cstdint>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/clock/district_time.h"
#include "common/util/status.h"
#include "prometheus/family.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"

namespace gov::store::internal {
namespace {

// Label values of governance_store_query_seconds{op}, indexed by Op.
constexpr const char* kOpNames[] = {
    "create_case",
    "get_case",
    "get_history",
    "update_case",
    "list_cases",
    "list_overdue",
    "sum_cases",
    "sum_events",
    "count_cases_with_events",
    "create_entity",
    "get_entity",
    "update_entity",
    "list_entities",
    "count_entities",
    "record_figure",
    "latest_figure",
    "list_figures",
    "list_changes",
    "last_change",
    "erase_case_personal_data",
    "append_personal_data_reads",
    "list_personal_data_reads",
};
static_assert(std::size(kOpNames) == kOpCount);

// Query latency from 50us (a cached point read) to 1s (a write stuck behind a busy lock).
const prometheus::Histogram::BucketBoundaries& QueryBuckets() {
  static const auto* buckets = new prometheus::Histogram::BucketBoundaries{
      0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
      0.01,    0.025,  0.05,    0.1,    0.25,  0.5,    1.0};
  return *buckets;
}

}  // namespace

const char* OpName(Op op) { return kOpNames[static_cast<size_t>(op)]; }

QueryMetrics::QueryMetrics(prometheus::Registry* registry, const std::string& help) {
  if (registry == nullptr) return;
  auto& queries = prometheus::BuildHistogram()
                      .Name("governance_store_query_seconds")
                      .Help(help)
                      .Register(*registry);
  for (size_t i = 0; i < kOpCount; ++i) {
    query_[i] = &queries.Add({{"op", kOpNames[i]}}, QueryBuckets());
  }
}

void QueryMetrics::Observe(Op op, double seconds) const {
  if (auto* h = query_[static_cast<size_t>(op)]; h != nullptr) h->Observe(seconds);
}

// ---------------------------------------------------------------------------------------------
// Encoding

int64_t DayKey(absl::CivilDay d) {
  return static_cast<int64_t>(d.year()) * 10000 + d.month() * 100 + d.day();
}

absl::Time Truncate(absl::Time t) {
  if (t == absl::InfiniteFuture() || t == absl::InfinitePast()) return t;
  return FromMicros(ToMicros(t));
}

std::string FormatId(absl::string_view prefix, int64_t n) {
  if (prefix.empty()) return absl::StrFormat("%06d", n);
  return absl::StrFormat("%s-%06d", prefix, n);
}

std::string PrefixUpperBound(absl::string_view prefix) {
  std::string bound(prefix);
  while (!bound.empty()) {
    unsigned char last = static_cast<unsigned char>(bound.back());
    if (last != 0xff) {
      bound.back() = static_cast<char>(last + 1);
      return bound;
    }
    bound.pop_back();
  }
  return bound;
}

namespace {

// Appends code point `cp` as UTF-8.
void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xc0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xe0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  } else {
    out->push_back(static_cast<char>(0xf0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3f)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  }
}

}  // namespace

std::string Utf8PrefixUpperBound(absl::string_view prefix) {
  std::string bound(prefix);
  while (!bound.empty()) {
    // The start of the last code point: skip back over continuation bytes (10xxxxxx).
    size_t start = bound.size() - 1;
    while (start > 0 && (static_cast<unsigned char>(bound[start]) & 0xc0) == 0x80) --start;
    const auto* p = reinterpret_cast<const unsigned char*>(bound.data()) + start;
    const size_t len = bound.size() - start;
    uint32_t cp = 0;
    bool valid = true;
    if (len == 1 && p[0] < 0x80) {
      cp = p[0];
    } else if (len == 2 && (p[0] & 0xe0) == 0xc0) {
      cp = ((p[0] & 0x1fu) << 6) | (p[1] & 0x3fu);
    } else if (len == 3 && (p[0] & 0xf0) == 0xe0) {
      cp = ((p[0] & 0x0fu) << 12) | ((p[1] & 0x3fu) << 6) | (p[2] & 0x3fu);
    } else if (len == 4 && (p[0] & 0xf8) == 0xf0) {
      cp = ((p[0] & 0x07u) << 18) | ((p[1] & 0x3fu) << 12) | ((p[2] & 0x3fu) << 6) | (p[3] & 0x3fu);
    } else {
      valid = false;
    }
    if (!valid) return PrefixUpperBound(prefix);  // not UTF-8: byte order is all there is
    bound.resize(start);
    if (cp >= 0x10ffff) continue;  // the highest code point: the bound is on the one before
    uint32_t next = cp + 1;
    if (next >= 0xd800 && next <= 0xdfff) next = 0xe000;
    AppendUtf8(next, &bound);
    return bound;
  }
  return bound;
}

// ---------------------------------------------------------------------------------------------
// Validation and errors

absl::Status CheckLimit(int limit) {
  if (limit <= 0) return absl::InvalidArgumentError("store: limit must be positive");
  return absl::OkStatus();
}

absl::Status CheckTrack(absl::string_view track) {
  if (track.empty()) return absl::InvalidArgumentError("store: track is required");
  return absl::OkStatus();
}

absl::Status CheckEntityKind(absl::string_view kind) {
  if (kind.empty()) return absl::InvalidArgumentError("store: entity kind is required");
  return absl::OkStatus();
}

absl::Status CheckPersonalDataRead(const PersonalDataRead& read) {
  GOV_RETURN_IF_ERROR(CheckTrack(read.track));
  for (const std::string& role : read.roles) {
    if (absl::StrContains(role, ',')) {
      return absl::InvalidArgumentError(
          absl::StrCat("store: role \"", role, "\" of a personal data read holds a comma"));
    }
  }
  for (const std::string& id : read.records) {
    if (absl::StrContains(id, ',')) {
      return absl::InvalidArgumentError(
          absl::StrCat("store: record id \"", id, "\" of a personal data read holds a comma"));
    }
  }
  return absl::OkStatus();
}

absl::Status RequestConflict(absl::string_view request_id) {
  return absl::AlreadyExistsError(
      absl::StrCat("request_id ", request_id, " was used for a different request"));
}

absl::Status CaseNotFound(absl::string_view id) {
  return absl::NotFoundError(absl::StrCat("case ", id, " not found"));
}

absl::Status EntityNotFound(absl::string_view kind, absl::string_view id) {
  return absl::NotFoundError(absl::StrCat(kind, " ", id, " not found"));
}

absl::Status FigureNotFound(absl::string_view figure_id, absl::string_view period_key,
                            absl::string_view street_id) {
  return absl::NotFoundError(
      absl::StrCat("no figure ", figure_id, " for ", period_key,
                   street_id.empty() ? std::string() : absl::StrCat(" street ", street_id)));
}

absl::Status VersionMismatch(absl::string_view what, absl::string_view id, int64_t stored,
                             int64_t expected) {
  return absl::AbortedError(
      absl::StrCat(what, " ", id, " was changed (version ", stored, ", expected ", expected, ")"));
}

// ---------------------------------------------------------------------------------------------
// Reads of personal data

std::string RolesColumn(const std::vector<std::string>& roles) { return absl::StrJoin(roles, ","); }

std::string RecordsColumn(const std::vector<std::string>& records) {
  if (records.empty()) return "";
  return absl::StrCat(",", absl::StrJoin(records, ","), ",");
}

std::string RecordNeedle(absl::string_view id) { return absl::StrCat(",", id, ","); }

std::vector<std::string> RolesOf(absl::string_view column) {
  if (column.empty()) return {};
  return absl::StrSplit(column, ',');
}

std::vector<std::string> RecordsOf(absl::string_view column) {
  // "" holds none; otherwise the ids between the leading and the trailing comma.
  if (column.size() < 2) return {};
  return absl::StrSplit(column.substr(1, column.size() - 2), ',');
}

// ---------------------------------------------------------------------------------------------
// Counts

CaseCountKey CaseCountKey::Of(const CaseRecord& r) {
  return {DayKey(cal::LocalDay(r.create_time)),
          r.street_id,
          r.community_id,
          r.unit_id,
          r.category,
          r.status};
}

// ---------------------------------------------------------------------------------------------
// Statement texts

SqlQuery::SqlQuery(Dialect dialect, absl::string_view head) : dialect_(dialect) {
  sql_ = Number(head);
}

std::string SqlQuery::Number(absl::string_view text) {
  if (dialect_ == Dialect::kSqlite) return std::string(text);
  std::string out;
  out.reserve(text.size() + 8);
  for (char c : text) {
    if (c == '?') {
      absl::StrAppend(&out, "$", next_placeholder_++);
    } else {
      out.push_back(c);
    }
  }
  return out;
}

void SqlQuery::Where(absl::string_view clause) {
  absl::StrAppend(&sql_, where_started_ ? " AND " : " WHERE ", Number(clause));
  where_started_ = true;
}

void SqlQuery::Eq(absl::string_view column, std::string value) {
  Where(absl::StrCat(column, " = ?"));
  Param(std::move(value));
}

void SqlQuery::EqIfSet(absl::string_view column, const std::string& value) {
  if (!value.empty()) Eq(column, value);
}

void SqlQuery::In(absl::string_view column, const std::vector<std::string>& values) {
  if (values.empty()) return;
  if (dialect_ == Dialect::kPostgres) {
    // One text for any number of values, so the prepared statement is reused.
    Where(absl::StrCat(column, " = ANY(?)"));
    params_.emplace_back(values);
    return;
  }
  std::vector<absl::string_view> marks(values.size(), "?");
  Where(absl::StrCat(column, " IN (", absl::StrJoin(marks, ", "), ")"));
  for (const std::string& v : values) params_.emplace_back(v);
}

void SqlQuery::ExistsIn(absl::string_view subquery, absl::string_view column,
                        const std::vector<std::string>& values) {
  if (values.empty()) return;
  if (dialect_ == Dialect::kPostgres) {
    Where(absl::StrCat("EXISTS (", subquery, " AND ", column, " = ANY(?))"));
    params_.emplace_back(values);
    return;
  }
  std::vector<absl::string_view> marks(values.size(), "?");
  Where(absl::StrCat("EXISTS (", subquery, " AND ", column, " IN (", absl::StrJoin(marks, ", "),
                     "))"));
  for (const std::string& v : values) params_.emplace_back(v);
}

void SqlQuery::Append(absl::string_view text) { absl::StrAppend(&sql_, " ", Number(text)); }

SqlQuery ListCasesQuery(Dialect dialect, const CaseFilter& filter) {
  SqlQuery q(dialect, absl::StrCat("SELECT ", kCaseColumns, " FROM cases"));
  q.Eq("track", filter.track);
  q.In("street_id", filter.streets);
  q.EqIfSet("street_id", filter.street_id);
  q.EqIfSet("community_id", filter.community_id);
  q.EqIfSet("grid_id", filter.grid_id);
  q.EqIfSet("unit_id", filter.unit_id);
  q.In("status", filter.statuses);
  q.In("category", filter.categories);
  if (filter.sla_breached_only) {
    q.Where(dialect == Dialect::kPostgres ? "sla_breached" : "sla_breached = 1");
  }
  if (filter.created_from.has_value()) {
    q.Where("create_time >= ?");
    q.Param(ToMicros(*filter.created_from));
  }
  if (filter.created_to.has_value()) {
    q.Where("create_time < ?");
    q.Param(ToMicros(*filter.created_to));
  }
  if (filter.after_create_time.has_value()) {
    // Spelled so the first term is a range on the index; SQLite's row-value form is not.
    q.Where("create_time <= ? AND (create_time < ? OR id < ?)");
    int64_t after = ToMicros(*filter.after_create_time);
    q.Param(after);
    q.Param(after);
    q.Param(filter.after_id);
  }
  q.Append("ORDER BY create_time DESC, id DESC LIMIT ?");
  q.Param(int64_t{filter.limit});
  return q;
}

SqlQuery EntityQuery(Dialect dialect, absl::string_view head, const EntityFilter& filter) {
  SqlQuery q(dialect, head);
  q.Eq("track", filter.track);
  q.EqIfSet("kind", filter.kind);
  q.In("street_id", filter.streets);
  q.EqIfSet("street_id", filter.street_id);
  q.EqIfSet("community_id", filter.community_id);
  q.EqIfSet("parent_id", filter.parent_id);
  q.EqIfSet("key", filter.key);
  if (!filter.key_prefix.empty()) {
    // A range rather than LIKE/GLOB: no wildcard escaping, and the key index applies.
    q.Where("key >= ?");
    q.Param(filter.key_prefix);
    std::string upper = dialect == Dialect::kPostgres ? Utf8PrefixUpperBound(filter.key_prefix)
                                                      : PrefixUpperBound(filter.key_prefix);
    if (!upper.empty()) {
      q.Where("key < ?");
      q.Param(std::move(upper));
    }
  }
  return q;
}

SqlQuery ListEntitiesQuery(Dialect dialect, const EntityFilter& filter) {
  SqlQuery q =
      EntityQuery(dialect, absl::StrCat("SELECT ", kEntityColumns, " FROM entities"), filter);
  if (!filter.after_id.empty()) {
    q.Where("id > ?");
    q.Param(filter.after_id);
  }
  q.Append("ORDER BY id LIMIT ?");
  q.Param(int64_t{filter.limit});
  return q;
}

SqlQuery ListFiguresQuery(Dialect dialect, const FigureFilter& filter) {
  SqlQuery q(dialect, absl::StrCat("SELECT ", kFigureColumns, " FROM figures"));
  q.Eq("track", filter.track);
  q.EqIfSet("figure_id", filter.figure_id);
  q.In("street_id", filter.streets);
  q.EqIfSet("street_id", filter.street_id);
  if (filter.before_seq > 0) {
    q.Where("seq < ?");
    q.Param(filter.before_seq);
  }
  q.Append("ORDER BY seq DESC LIMIT ?");
  q.Param(int64_t{filter.limit});
  return q;
}

SqlQuery ListPersonalDataReadsQuery(Dialect dialect, const PersonalDataReadFilter& filter) {
  SqlQuery q(dialect,
             absl::StrCat("SELECT ", kPersonalDataReadColumns, " FROM personal_data_reads"));
  q.Eq("track", filter.track);
  q.EqIfSet("principal", filter.principal);
  if (!filter.record.empty()) {
    // A substring test for ",<id>,": "D-1" does not match a read of "D-10".
    q.Where(dialect == Dialect::kPostgres ? "strpos(records, ?) > 0" : "instr(records, ?) > 0");
    q.Param(RecordNeedle(filter.record));
  }
  if (filter.from.has_value()) {
    q.Where("time >= ?");
    q.Param(ToMicros(*filter.from));
  }
  if (filter.to.has_value()) {
    q.Where("time < ?");
    q.Param(ToMicros(*filter.to));
  }
  if (filter.before_seq > 0) {
    q.Where("seq < ?");
    q.Param(filter.before_seq);
  }
  q.Append("ORDER BY seq DESC LIMIT ?");
  q.Param(int64_t{filter.limit});
  return q;
}

SumQuery BuildSumQuery(Dialect dialect, absl::string_view table, const CountQuery& query) {
  const bool events = table == "event_counts";
  struct Dim {
    bool on;
    const char* column;
    std::string CountRow::*field;
  };
  const Dim dims[] = {
      {query.by_street, "street_id", &CountRow::street_id},
      {query.by_community, "community_id", &CountRow::community_id},
      {query.by_unit, "unit_id", &CountRow::unit_id},
      {query.by_category, "category", &CountRow::category},
      {query.by_status, "status", &CountRow::status},
      {events && query.by_action, "action", &CountRow::action},
  };
  std::vector<std::string CountRow::*> fields;
  std::vector<absl::string_view> columns;
  for (const Dim& d : dims) {
    if (!d.on) continue;
    fields.push_back(d.field);
    columns.push_back(d.column);
  }
  const std::string column_list = absl::StrJoin(columns, ", ");
  // PostgreSQL sums BIGINT into NUMERIC; the counts fit a BIGINT.
  const char* sum = dialect == Dialect::kPostgres ? "SUM(n)::BIGINT" : "SUM(n)";
  SqlQuery q(dialect, absl::StrCat("SELECT ", column_list, columns.empty() ? "" : ", ", sum,
                                   " FROM ", table));
  q.Eq("track", query.track);
  q.Where("day >= ? AND day <= ?");
  q.Param(DayKey(query.first));
  q.Param(DayKey(query.last));
  q.In("street_id", query.streets);
  q.EqIfSet("street_id", query.street_id);
  q.EqIfSet("community_id", query.community_id);
  if (!columns.empty()) q.Append(absl::StrCat("GROUP BY ", column_list, " ORDER BY ", column_list));
  return SumQuery{std::move(q), std::move(fields)};
}

SqlQuery CountCasesWithEventsQuery(Dialect dialect, const EventCaseQuery& query) {
  const CountQuery& scope = query.scope;
  // Each case's matching events, the last first; the count is of the cases' last ones.
  SqlQuery q(dialect,
             "SELECT COUNT(*) FROM (SELECT h.to_status, h.action, ROW_NUMBER() OVER "
             "(PARTITION BY h.case_id ORDER BY h.sequence DESC) AS rn "
             "FROM case_history h JOIN cases c ON c.track = h.track AND c.id = h.case_id");
  q.Eq("h.track", scope.track);
  // The district's days, as the event counts keep them.
  q.Where("h.time >= ? AND h.time < ?");
  q.Param(absl::ToUnixMicros(absl::FromCivil(scope.first, cal::DistrictZone())));
  q.Param(absl::ToUnixMicros(absl::FromCivil(scope.last + 1, cal::DistrictZone())));
  q.In("h.action", query.actions);
  // An erasure of personal data is no step of the case's own.
  q.Where("h.action <> ?");
  q.Param(std::string(kErasePersonalDataAction));
  q.In("h.to_status", query.statuses);
  q.In("c.category", query.categories);
  q.In("c.street_id", scope.streets);
  q.EqIfSet("c.street_id", scope.street_id);
  q.EqIfSet("c.community_id", scope.community_id);
  q.ExistsIn("SELECT 1 FROM case_history e WHERE e.track = h.track AND e.case_id = h.case_id",
             "e.action", query.ever_action);
  q.Append(") last_event WHERE rn = 1");
  q.In("last_event.to_status", query.last_into);
  q.In("last_event.action", query.last_action);
  return q;
}

}  // namespace gov::store::internal
