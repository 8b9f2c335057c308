#include "common/store/pg_db.h"

#include <libpq-fe.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/cord.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/log/log.h"
#include "common/util/redact.h"

namespace gov::store::pg {
namespace {

// Type OIDs of the parameters (fixed in PostgreSQL's catalog, pg_type.dat).
constexpr Oid kBoolOid = 16;
constexpr Oid kByteaOid = 17;
constexpr Oid kInt8Oid = 20;
constexpr Oid kTextOid = 25;
constexpr Oid kTextArrayOid = 1009;

constexpr char kSqlStatePayload[] = "gov.store.sqlstate";
constexpr char kConnectionLost[] = "08006";     // connection_failure
constexpr char kConnectionRefused[] = "08001";  // sqlclient_unable_to_establish_sqlconnection

void PutInt32(uint32_t v, std::string* out) {
  for (int shift = 24; shift >= 0; shift -= 8) out->push_back(static_cast<char>(v >> shift));
}

void PutInt64(uint64_t v, std::string* out) {
  for (int shift = 56; shift >= 0; shift -= 8) out->push_back(static_cast<char>(v >> shift));
}

// One line, no trailing newline: libpq's messages span lines ("...\n\tIs the server running").
std::string OneLine(absl::string_view message) {
  std::vector<absl::string_view> parts =
      absl::StrSplit(message, absl::ByAnyChar("\n\t"), absl::SkipWhitespace());
  for (auto& p : parts) p = absl::StripAsciiWhitespace(p);
  return absl::StrJoin(parts, " ");
}

std::string Scrub(std::string message, const std::string& password) {
  if (!password.empty()) absl::StrReplaceAll({{password, "***"}}, &message);
  return message;
}

// The password of a connection string, "" when it has none or does not parse.
std::string PasswordOf(const std::string& url) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(url.c_str(), &error);
  if (error != nullptr) PQfreemem(error);
  std::string password;
  if (options == nullptr) return password;
  for (PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
    if (absl::string_view(o->keyword) == "password" && o->val != nullptr) password = o->val;
  }
  PQconninfoFree(options);
  return password;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Errors

std::string SqlState(const absl::Status& status) {
  auto payload = status.GetPayload(kSqlStatePayload);
  return payload.has_value() ? std::string(*payload) : std::string();
}

bool IsConnectionLoss(absl::string_view sqlstate) {
  return absl::StartsWith(sqlstate, "08") || sqlstate == "57P01" || sqlstate == "57P02" ||
         sqlstate == "57P03";
}

absl::StatusCode CodeForSqlState(absl::string_view sqlstate) {
  if (sqlstate == "40001" || sqlstate == "40P01") return absl::StatusCode::kAborted;
  if (sqlstate == "23505") return absl::StatusCode::kAlreadyExists;
  if (absl::StartsWith(sqlstate, "23")) return absl::StatusCode::kFailedPrecondition;
  if (absl::StartsWith(sqlstate, "22")) return absl::StatusCode::kInvalidArgument;
  if (sqlstate == "57014") return absl::StatusCode::kDeadlineExceeded;
  if (IsConnectionLoss(sqlstate) || sqlstate == "53300") return absl::StatusCode::kUnavailable;
  if (sqlstate == "53100" || sqlstate == "53200") return absl::StatusCode::kResourceExhausted;
  return absl::StatusCode::kInternal;
}

absl::Status MakeStatus(absl::StatusCode code, absl::string_view message,
                        absl::string_view sqlstate) {
  absl::Status status(code, message);
  if (!sqlstate.empty()) status.SetPayload(kSqlStatePayload, absl::Cord(sqlstate));
  return status;
}

// ---------------------------------------------------------------------------------------------
// Values

Params& Params::Add(Oid type, std::string value, bool null) {
  types_.push_back(type);
  values_.push_back(std::move(value));
  null_.push_back(null);
  return *this;
}

Params& Params::Int(int64_t value) {
  std::string v;
  PutInt64(static_cast<uint64_t>(value), &v);
  return Add(kInt8Oid, std::move(v), false);
}

Params& Params::NullInt() { return Add(kInt8Oid, std::string(), true); }

Params& Params::Text(absl::string_view value) { return Add(kTextOid, std::string(value), false); }

Params& Params::TextOrNull(absl::string_view value) {
  return Add(kTextOid, std::string(value), value.empty());
}

Params& Params::Bytes(absl::string_view value) { return Add(kByteaOid, std::string(value), false); }

Params& Params::Bool(bool value) { return Add(kBoolOid, std::string(1, value ? 1 : 0), false); }

Params& Params::TextArray(const std::vector<std::string>& values) {
  // Binary array: ndim, has-nulls flag, element type, then per dimension (size, lower bound),
  // then each element as (length, bytes).
  std::string v;
  PutInt32(values.empty() ? 0 : 1, &v);
  PutInt32(0, &v);
  PutInt32(kTextOid, &v);
  if (!values.empty()) {
    PutInt32(static_cast<uint32_t>(values.size()), &v);
    PutInt32(1, &v);
  }
  for (const std::string& e : values) {
    PutInt32(static_cast<uint32_t>(e.size()), &v);
    v += e;
  }
  return Add(kTextArrayOid, std::move(v), false);
}

bool Row::IsNull(int col) const { return PQgetisnull(result_, row_, col) != 0; }

int64_t Row::ColumnInt(int col) const {
  if (IsNull(col)) return 0;
  const auto* p = reinterpret_cast<const unsigned char*>(PQgetvalue(result_, row_, col));
  const int len = PQgetlength(result_, row_, col);
  uint64_t v = 0;
  for (int i = 0; i < len; ++i) v = (v << 8) | p[i];
  switch (len) {
    case 1:
      return static_cast<int8_t>(v);
    case 2:
      return static_cast<int16_t>(v);
    case 4:
      return static_cast<int32_t>(v);
    default:
      return static_cast<int64_t>(v);
  }
}

std::string Row::ColumnText(int col) const {
  if (IsNull(col)) return std::string();
  return std::string(PQgetvalue(result_, row_, col),
                     static_cast<size_t>(PQgetlength(result_, row_, col)));
}

void Result::Deleter::operator()(pg_result* r) const { PQclear(r); }

int Result::rows() const { return result_ == nullptr ? 0 : PQntuples(result_.get()); }

std::string Result::command() const {
  return result_ == nullptr ? std::string() : std::string(PQcmdStatus(result_.get()));
}

// ---------------------------------------------------------------------------------------------
// Connection

absl::StatusOr<std::unique_ptr<Connection>> Connection::Open(const ConnectOptions& options) {
  const std::string redacted = RedactDatabaseUrl(options.url);
  {
    char* error = nullptr;
    PQconninfoOption* parsed = PQconninfoParse(options.url.c_str(), &error);
    if (parsed == nullptr) {
      std::string detail = error != nullptr ? OneLine(error) : "out of memory";
      if (error != nullptr) PQfreemem(error);
      return absl::InvalidArgumentError(absl::StrCat("postgres: invalid connection string ",
                                                     redacted, ": ",
                                                     Scrub(detail, PasswordOf(options.url))));
    }
    PQconninfoFree(parsed);
  }
  const std::string password = PasswordOf(options.url);
  const std::string connect_timeout = absl::StrCat(std::max<int64_t>(
      1, absl::ToInt64Seconds(absl::Ceil(options.connect_timeout, absl::Seconds(1)))));
  // Keywords before "dbname" are defaults the URL may override; the ones after it override the
  // URL. fallback_application_name applies only when neither the URL nor `application_name`
  // names one. TCP keepalives notice a server that vanished without closing the connection
  // (~25 s after the last traffic, instead of the kernel's two hours) while a call waits for
  // its answer.
  std::vector<const char*> keys = {
      "fallback_application_name", "keepalives", "keepalives_idle", "keepalives_interval",
      "keepalives_count",          "dbname",     "connect_timeout", "client_encoding"};
  std::vector<const char*> values = {
      "governance", "1", "10", "5", "3", options.url.c_str(), connect_timeout.c_str(), "UTF8"};
  if (!options.application_name.empty()) {
    keys.push_back("application_name");
    values.push_back(options.application_name.c_str());
  }
  keys.push_back(nullptr);
  values.push_back(nullptr);
  PGconn* raw = PQconnectdbParams(keys.data(), values.data(), /*expand_dbname=*/1);
  if (raw == nullptr) return absl::ResourceExhaustedError("postgres: out of memory");
  if (PQstatus(raw) != CONNECTION_OK) {
    std::string detail = Scrub(OneLine(PQerrorMessage(raw)), password);
    PQfinish(raw);
    return MakeStatus(absl::StatusCode::kUnavailable,
                      absl::StrCat("postgres: cannot connect to ", redacted, ": ", detail),
                      kConnectionRefused);
  }
  // Server notices ("relation already exists, skipping"...) are not errors: debug log only.
  PQsetNoticeProcessor(
      raw,
      [](void*, const char* message) {
        log::Debug("postgres notice", {{"notice", OneLine(message)}});
      },
      nullptr);
  std::unique_ptr<Connection> conn(new Connection(raw, password));
  const std::string set_timeout = absl::StrCat(
      "SET statement_timeout = ", absl::ToInt64Milliseconds(options.statement_timeout));
  if (auto set = conn->Script(set_timeout); !set.ok()) return set.status();
  return conn;
}

Connection::~Connection() { PQfinish(conn_); }

bool Connection::Broken() const { return PQstatus(conn_) == CONNECTION_BAD; }

int Connection::backend_pid() const { return PQbackendPID(conn_); }

bool Connection::InTransaction() const {
  PGTransactionStatusType s = PQtransactionStatus(conn_);
  return s == PQTRANS_INTRANS || s == PQTRANS_INERROR || s == PQTRANS_ACTIVE;
}

absl::Status Connection::Failure(const PGresult* result, absl::string_view what) const {
  const char* state = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  const char* primary =
      result != nullptr ? PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
  // The primary message names constraints and types, never the values (those are in DETAIL,
  // which is left out: it may hold personal data).
  std::string detail = OneLine(primary != nullptr ? primary : PQerrorMessage(conn_));
  std::string sqlstate = state != nullptr ? state : "";
  if (sqlstate.empty() && Broken()) sqlstate = kConnectionLost;
  absl::StatusCode code =
      sqlstate.empty() ? absl::StatusCode::kInternal : CodeForSqlState(sqlstate);
  std::string message = absl::StrCat("postgres ", what, ": ", Scrub(detail, password_));
  if (!sqlstate.empty()) absl::StrAppend(&message, " (SQLSTATE ", sqlstate, ")");
  return MakeStatus(code, message, sqlstate);
}

absl::StatusOr<Result> Connection::Exec(absl::string_view sql, const Params& params) {
  std::string key(sql);
  key.push_back('\0');
  for (Oid t : params.types_) absl::StrAppend(&key, t, ",");
  std::string name;
  if (auto it = prepared_.find(key); it != prepared_.end()) {
    name = it->second;
  } else {
    if (prepared_.size() < kMaxPrepared) name = absl::StrCat("gov_", prepared_.size() + 1);
    const std::string text(sql);
    Result prepared(
        PQprepare(conn_, name.c_str(), text.c_str(), params.size(), params.types_.data()));
    if (prepared.result_ == nullptr || PQresultStatus(prepared.result_.get()) != PGRES_COMMAND_OK) {
      return Failure(prepared.result_.get(), "prepare");
    }
    if (!name.empty()) prepared_.emplace(std::move(key), name);
  }
  std::vector<const char*> values(params.values_.size());
  std::vector<int> lengths(params.values_.size());
  std::vector<int> formats(params.values_.size(), 1);
  for (size_t i = 0; i < params.values_.size(); ++i) {
    values[i] = params.null_[i] ? nullptr : params.values_[i].data();
    lengths[i] = static_cast<int>(params.values_[i].size());
  }
  Result result(PQexecPrepared(conn_, name.c_str(), params.size(), values.data(), lengths.data(),
                               formats.data(), /*resultFormat=*/1));
  ExecStatusType status =
      result.result_ == nullptr ? PGRES_FATAL_ERROR : PQresultStatus(result.result_.get());
  if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
    return Failure(result.result_.get(), "query");
  }
  return result;
}

absl::StatusOr<Result> Connection::Script(absl::string_view sql) {
  const std::string text(sql);
  Result result(PQexec(conn_, text.c_str()));
  ExecStatusType status =
      result.result_ == nullptr ? PGRES_FATAL_ERROR : PQresultStatus(result.result_.get());
  if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
    return Failure(result.result_.get(), "exec");
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// Pool

Pool::Lease::Lease(Lease&& other) noexcept
    : pool_(std::exchange(other.pool_, nullptr)),
      conn_(std::move(other.conn_)),
      discard_(other.discard_) {}

Pool::Lease& Pool::Lease::operator=(Lease&& other) noexcept {
  if (this != &other) {
    Release();
    pool_ = std::exchange(other.pool_, nullptr);
    conn_ = std::move(other.conn_);
    discard_ = other.discard_;
  }
  return *this;
}

Pool::Lease::~Lease() { Release(); }

void Pool::Lease::Release() {
  if (pool_ == nullptr) return;
  std::exchange(pool_, nullptr)->Return(std::move(conn_), discard_);
}

Pool::Pool(Options options) : options_(std::move(options)) {
  absl::MutexLock lock(&mu_);
  Notify();
}

Pool::~Pool() {
  std::vector<std::unique_ptr<Connection>> idle;
  absl::MutexLock lock(&mu_);
  idle.swap(idle_);
}

void Pool::Notify() const {
  if (options_.on_change) options_.on_change(static_cast<int>(idle_.size()), busy_);
}

absl::StatusOr<Pool::Lease> Pool::Acquire() {
  {
    absl::MutexLock lock(&mu_);
    if (!mu_.AwaitWithTimeout(absl::Condition(this, &Pool::CanAcquire), options_.acquire_timeout)) {
      return absl::UnavailableError(absl::StrCat("postgres: no connection free within ",
                                                 absl::FormatDuration(options_.acquire_timeout),
                                                 " (pool_size ", options_.size, ")"));
    }
    ++busy_;
    if (!idle_.empty()) {
      std::unique_ptr<Connection> conn = std::move(idle_.back());
      idle_.pop_back();
      Notify();
      return Lease(this, std::move(conn));
    }
    ++open_;  // reserved while connecting, outside the lock
    Notify();
  }
  absl::StatusOr<std::unique_ptr<Connection>> conn = Connection::Open(options_.connect);
  if (!conn.ok()) {
    absl::MutexLock lock(&mu_);
    --open_;
    --busy_;
    Notify();
    return conn.status();
  }
  return Lease(this, std::move(*conn));
}

void Pool::Return(std::unique_ptr<Connection> conn, bool discard) {
  // A connection still inside a transaction (its rollback failed) is in an unknown state.
  const bool close = discard || conn == nullptr || conn->Broken() || conn->InTransaction();
  {
    absl::MutexLock lock(&mu_);
    --busy_;
    if (close) {
      --open_;
    } else {
      idle_.push_back(std::move(conn));
    }
    Notify();
  }
  conn.reset();  // closed outside the lock
}

void Pool::DiscardIdle() {
  std::vector<std::unique_ptr<Connection>> idle;
  {
    absl::MutexLock lock(&mu_);
    idle.swap(idle_);
    open_ -= static_cast<int>(idle.size());
    Notify();
  }
}

}  // namespace gov::store::pg
