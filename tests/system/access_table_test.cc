// The authorization table walked whole, on the suite as it runs: a real redis-server and the
// seven track binaries started as processes on free ports, each on its own SQLite file with the
// demo district loaded (cases and registry entries in every street), one token file, the peers
// map and peer token of scripts/run.sh.
//
// The table: every method of every service a track serves (the services it lists by server
// reflection, their methods from the descriptors of the linked schema) is called by every
// principal: none, an unknown token, an expired one, district_admin, viewer, system, auditor, a
// street_operator of one street and every role of a track's own (those the schema's access
// options name besides the shared ones), each of that street. The expectation is read from the
// method's governance.v1.access option: without a valid token UNAUTHENTICATED; a role the option
// does not admit (or a street caller of a district-only method) PERMISSION_DENIED from the
// shared wrapper ("may not call <Method>"); an admitted caller never PERMISSION_DENIED,
// UNAUTHENTICATED nor UNIMPLEMENTED for a request it may make (empty, with its own street where
// the request names one; INVALID_ARGUMENT is a fair answer to that). A server stream is opened
// with a short deadline and answered by its first message or its status. Refused calls write
// nothing: the rows of every store are the same before and after them.
//
// Street scope (README "API conventions": a street operator acting on another street gets
// PERMISSION_DENIED), walked for every street role (street_operator and the tracks' own roles)
// of street A, again from the descriptors: every list whose records carry a street shows only
// A's records (or the district's); a request naming another street (a list's filter, a report's
// region, a write's street) or another street's record (its Get, every verb on it, a create
// carrying it, a <noun>_id naming it as what is read or written under) is refused, the record
// and the store unchanged; the same request by that street's own holder of the role shows that
// the scope is what refused it (a request invalid for both is counted as not reaching the scope;
// a verb's other fields are filled plausibly first). Reads the schema documents as every
// street's (EveryStreetReads) are expected to show them. The change stream shows a street caller
// only its street's changes. Both walks print their tables.

#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/auth/auth.h"
#include "common/config/config.h"
#include "common/regions/regions.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "google/protobuf/unknown_field_set.h"
#include "google/protobuf/util/json_util.h"
#include "governance/config/v1/config.pb.h"
#include "governance/v1/access.pb.h"
#include "governance/v1/common.pb.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "tests/support/health_client.h"
#include "tests/support/process.h"
#include "tests/support/redis_server.h"
#include "tests/support/suite_processes.h"
#include "tests/support/test_support.h"

namespace gov::testing {
namespace {

namespace pb = google::protobuf;
namespace gv1 = governance::v1;

// Start-up with the demo data on two loaded cores, seven processes at once.
constexpr absl::Duration kStartTimeout = absl::Seconds(180);
constexpr absl::Duration kRpcTimeout = absl::Seconds(20);
// A stream an admitted caller opens stays open while nothing is new: its first message, or the
// end of this deadline, answers it (a refusal comes at once).
constexpr absl::Duration kStreamTimeout = absl::Seconds(3);
// How long the stores may take to fall quiet after start-up (first breach scan, follower).
constexpr absl::Duration kSettleTimeout = absl::Seconds(60);
constexpr int kDrainSeconds = 2;
constexpr char kDigital[] = "digital";
// The street of the street callers of the table; the scope walk's "other street" of a filter.
constexpr char kStreetA[] = "GS01";
constexpr char kStreetB[] = "GS02";
constexpr char kRegionRef[] = "governance.v1.RegionRef";
// Pages a street caller's list is followed for (500 records each).
constexpr int kMaxPages = 40;

std::string ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream content;
  content << in.rdbuf();
  return content.str();
}

std::string Tail(const std::string& path, size_t lines = 30) {
  const std::vector<std::string> all = absl::StrSplit(ReadText(path), '\n', absl::SkipEmpty());
  const size_t from = all.size() > lines ? all.size() - lines : 0;
  return absl::StrJoin(all.begin() + static_cast<std::ptrdiff_t>(from), all.end(), "\n");
}

// Two letters a status code, for the tables.
std::string Abbrev(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK:
      return "OK";
    case grpc::StatusCode::CANCELLED:
      return "CA";
    case grpc::StatusCode::UNKNOWN:
      return "UK";
    case grpc::StatusCode::INVALID_ARGUMENT:
      return "IA";
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return "DE";
    case grpc::StatusCode::NOT_FOUND:
      return "NF";
    case grpc::StatusCode::ALREADY_EXISTS:
      return "AE";
    case grpc::StatusCode::PERMISSION_DENIED:
      return "PD";
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return "RE";
    case grpc::StatusCode::FAILED_PRECONDITION:
      return "FP";
    case grpc::StatusCode::ABORTED:
      return "AB";
    case grpc::StatusCode::OUT_OF_RANGE:
      return "OR";
    case grpc::StatusCode::UNIMPLEMENTED:
      return "UI";
    case grpc::StatusCode::INTERNAL:
      return "IN";
    case grpc::StatusCode::UNAVAILABLE:
      return "UV";
    case grpc::StatusCode::DATA_LOSS:
      return "DL";
    case grpc::StatusCode::UNAUTHENTICATED:
      return "UA";
    default:
      return "??";
  }
}

// ---- Principals ----

// A caller: a token of the token file (or none, or one the file does not know).
struct Principal {
  std::string label;   // column of the table
  std::string id;      // principal id in the token file; "" when not in it
  std::string token;   // bearer token; "" = no authorization metadata
  std::string role;    // "" when not in the file
  std::string street;  // "" = the whole district
  bool expired = false;
  std::string Name() const { return street.empty() ? label : absl::StrCat(role, "@", street); }
};

// Who may call a method, as the schema declares it (read here from the option itself, not
// through the servers' reading of it).
struct Declared {
  std::vector<std::string> roles;
  bool all_roles = false;
  bool district_only = false;
};

Declared DeclaredOf(const pb::MethodDescriptor& method) {
  Declared d;
  const gv1::MethodAccess& access = method.options().GetExtension(gv1::access);
  d.roles.assign(access.roles().begin(), access.roles().end());
  d.all_roles = access.all_roles();
  d.district_only = access.scope() == gv1::ACCESS_SCOPE_DISTRICT;
  return d;
}

enum class Expect { kUnauthenticated, kDenied, kAdmitted };

Expect Expected(const Declared& declared, const Principal& who) {
  if (who.id.empty() || who.expired) return Expect::kUnauthenticated;
  if (who.role == auth::kDistrictAdmin) return Expect::kAdmitted;
  const bool role_ok = declared.all_roles || std::find(declared.roles.begin(), declared.roles.end(),
                                                       who.role) != declared.roles.end();
  if (!role_ok) return Expect::kDenied;
  if (declared.district_only && !who.street.empty()) return Expect::kDenied;
  return Expect::kAdmitted;
}

// ---- Calls ----

struct Reply {
  grpc::StatusCode code = grpc::StatusCode::UNKNOWN;
  std::string message;
  std::string response;  // the first response message's bytes
  std::string Describe() const { return absl::StrCat(Abbrev(code), " ", message); }
};

std::string Bytes(const grpc::ByteBuffer& buffer) {
  std::vector<grpc::Slice> slices;
  std::string out;
  if (!buffer.Dump(&slices).ok()) return out;
  for (const grpc::Slice& s : slices) {
    out.append(reinterpret_cast<const char*>(s.begin()), s.size());
  }
  return out;
}

// One call of `path` with `request` as `who`, through the generic stub (the wire is the same
// for a unary method and a server stream): a unary call ends with its status; a stream is
// answered by its first message (then cancelled; reported OK) or by its status.
Reply Invoke(const std::shared_ptr<grpc::Channel>& channel, const std::string& path,
             const Principal& who, const pb::Message& request, bool stream) {
  grpc::GenericStub stub(channel);
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + (stream ? kStreamTimeout : kRpcTimeout)));
  if (!who.token.empty()) context.AddMetadata("authorization", absl::StrCat("Bearer ", who.token));
  grpc::CompletionQueue cq;
  // One operation at a time: the next event is always the one just started.
  const auto wait = [&cq]() {
    void* tag = nullptr;
    bool ok = false;
    if (!cq.Next(&tag, &ok)) return false;
    return ok;
  };
  std::unique_ptr<grpc::GenericClientAsyncReaderWriter> call =
      stub.PrepareCall(&context, path, &cq);
  call->StartCall(reinterpret_cast<void*>(1));
  bool ok = wait();
  if (ok) {
    grpc::Slice slice(request.SerializeAsString());
    grpc::ByteBuffer buffer(&slice, 1);
    call->Write(buffer, reinterpret_cast<void*>(2));
    ok = wait();
  }
  if (ok) {
    call->WritesDone(reinterpret_cast<void*>(3));
    ok = wait();
  }
  grpc::ByteBuffer response;
  bool got = false;
  if (ok) {
    call->Read(&response, reinterpret_cast<void*>(4));
    got = wait();
  }
  if (got && stream) context.TryCancel();
  grpc::Status status;
  call->Finish(&status, reinterpret_cast<void*>(5));
  wait();
  cq.Shutdown();
  void* tag = nullptr;
  bool drained = false;
  while (cq.Next(&tag, &drained)) {
  }
  Reply reply;
  reply.code = got && stream ? grpc::StatusCode::OK : status.error_code();
  reply.message = got && stream ? "first message" : status.error_message();
  if (got) reply.response = Bytes(response);
  return reply;
}

// The services a server lists by reflection (list_services: field 7 of ServerReflectionRequest;
// the names in field 6 of the response, service { name }).
std::vector<std::string> ListedServices(const std::shared_ptr<grpc::Channel>& channel,
                                        grpc::Status* status) {
  std::vector<std::string> responses;
  *status = CallStream(channel, "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
                       {std::string("\x3a\x00", 2)}, &responses);
  std::vector<std::string> names;
  for (const std::string& bytes : responses) {
    pb::UnknownFieldSet response;
    if (!response.ParseFromString(bytes)) continue;
    for (int i = 0; i < response.field_count(); ++i) {
      const pb::UnknownField& f = response.field(i);
      if (f.number() != 6 || f.type() != pb::UnknownField::TYPE_LENGTH_DELIMITED) continue;
      pb::UnknownFieldSet list;
      if (!list.ParseFromString(f.length_delimited())) continue;
      for (int j = 0; j < list.field_count(); ++j) {
        pb::UnknownFieldSet service;
        if (list.field(j).type() != pb::UnknownField::TYPE_LENGTH_DELIMITED ||
            !service.ParseFromString(list.field(j).length_delimited()) ||
            service.field_count() == 0 ||
            service.field(0).type() != pb::UnknownField::TYPE_LENGTH_DELIMITED) {
          continue;
        }
        names.push_back(service.field(0).length_delimited());
      }
    }
  }
  return names;
}

// ---- Messages, read and written through their descriptors ----

std::unique_ptr<pb::Message> NewMessage(const pb::Descriptor* type) {
  return std::unique_ptr<pb::Message>(
      pb::MessageFactory::generated_factory()->GetPrototype(type)->New());
}

const pb::FieldDescriptor* SingularField(const pb::Descriptor* type, const std::string& name,
                                         pb::FieldDescriptor::CppType cpp_type) {
  const pb::FieldDescriptor* f = type->FindFieldByName(name);
  if (f == nullptr || f->is_repeated() || f->cpp_type() != cpp_type) return nullptr;
  return f;
}

const pb::FieldDescriptor* StringField(const pb::Descriptor* type, const std::string& name) {
  return SingularField(type, name, pb::FieldDescriptor::CPPTYPE_STRING);
}

const pb::FieldDescriptor* RegionField(const pb::Descriptor* type) {
  const pb::FieldDescriptor* f =
      SingularField(type, "region", pb::FieldDescriptor::CPPTYPE_MESSAGE);
  return f != nullptr && f->message_type()->full_name() == kRegionRef ? f : nullptr;
}

bool HasStreetField(const pb::Descriptor* type) {
  return RegionField(type) != nullptr || StringField(type, "street_id") != nullptr;
}

// The street a record or request names: its region's street_id, else its own street_id;
// nullopt when it has neither field.
std::optional<std::string> StreetOf(const pb::Message& m) {
  if (const pb::FieldDescriptor* f = RegionField(m.GetDescriptor())) {
    const auto& region = static_cast<const gv1::RegionRef&>(m.GetReflection()->GetMessage(m, f));
    return region.street_id();
  }
  if (const pb::FieldDescriptor* f = StringField(m.GetDescriptor(), "street_id")) {
    return m.GetReflection()->GetString(m, f);
  }
  return std::nullopt;
}

// Sets the street a message names (its region's, or its street_id); false when it names none.
bool SetStreet(pb::Message* m, const std::string& street) {
  if (const pb::FieldDescriptor* f = RegionField(m->GetDescriptor())) {
    auto* region = static_cast<gv1::RegionRef*>(m->GetReflection()->MutableMessage(m, f));
    region->set_street_id(street);
    return true;
  }
  if (const pb::FieldDescriptor* f = StringField(m->GetDescriptor(), "street_id")) {
    m->GetReflection()->SetString(m, f, street);
    return true;
  }
  return false;
}

// Sets a record's level, where it has one, to the street level (an enum value named
// ..._STREET): what a street caller records is of its street.
void SetStreetLevel(pb::Message* m) {
  const pb::FieldDescriptor* f = m->GetDescriptor()->FindFieldByName("level");
  if (f == nullptr || f->is_repeated() || f->cpp_type() != pb::FieldDescriptor::CPPTYPE_ENUM) {
    return;
  }
  for (int i = 0; i < f->enum_type()->value_count(); ++i) {
    if (absl::EndsWith(f->enum_type()->value(i)->name(), "_STREET")) {
      m->GetReflection()->SetEnumValue(m, f, f->enum_type()->value(i)->number());
    }
  }
}

// A request a street caller may make: the street it names (at the top, or in a record it
// carries) is the caller's own, and so is the level of that record.
void FillStreet(pb::Message* m, const std::string& street) {
  if (SetStreet(m, street)) SetStreetLevel(m);
  const pb::Descriptor* type = m->GetDescriptor();
  for (int i = 0; i < type->field_count(); ++i) {
    const pb::FieldDescriptor* f = type->field(i);
    if (f->is_repeated() || f->cpp_type() != pb::FieldDescriptor::CPPTYPE_MESSAGE ||
        f->message_type()->full_name() == kRegionRef || !HasStreetField(f->message_type())) {
      continue;
    }
    pb::Message* record = m->GetReflection()->MutableMessage(m, f);
    SetStreet(record, street);
    SetStreetLevel(record);
  }
}

// A text for a field of that name: today's day or month ("YYYY-MM-DD", "YYYY-MM", the
// district's calendar) where the name says so, a fresh request id, else words.
std::string PlausibleText(const std::string& name) {
  absl::TimeZone zone = absl::UTCTimeZone();
  absl::LoadTimeZone("Asia/Shanghai", &zone);
  if (name == "month" || absl::EndsWith(name, "_month")) {
    return absl::FormatTime("%Y-%m", absl::Now(), zone);
  }
  if (name == "day" || name == "date" || absl::EndsWith(name, "_day") ||
      absl::EndsWith(name, "_date") || absl::EndsWith(name, "_on")) {
    return absl::FormatTime("%Y-%m-%d", absl::Now(), zone);
  }
  if (name == "request_id") {
    static int next = 0;
    return absl::StrCat("access-table-probe-", ++next);
  }
  return "access table probe";
}

// A number for a field of that name: this year or month (the district's calendar) where the
// name says so, else 1.
int32_t PlausibleNumber(const std::string& name) {
  absl::TimeZone zone = absl::UTCTimeZone();
  absl::LoadTimeZone("Asia/Shanghai", &zone);
  const absl::CivilDay today = absl::ToCivilDay(absl::Now(), zone);
  if (name == "year") return static_cast<int32_t>(today.year());
  if (name == "month") return today.month();
  return 1;
}

// Fills what a verb's request asks for besides the record's id and etag with plausible values
// (a text, the first value of each enum, 1, an hour ago; one level into the messages it
// carries; ids of other records left empty), so that the scope, not a missing field, is what
// decides the call.
void FillPlausible(pb::Message* m, int depth = 0) {
  const pb::Descriptor* type = m->GetDescriptor();
  const pb::Reflection* r = m->GetReflection();
  for (int i = 0; i < type->field_count(); ++i) {
    const pb::FieldDescriptor* f = type->field(i);
    const std::string& name = f->name();
    if (f->is_repeated() || name == "id" || name == "etag" || name == "page_token" ||
        (absl::EndsWith(name, "_id") && name != "request_id") || r->HasField(*m, f) ||
        (f->containing_oneof() != nullptr && r->HasOneof(*m, f->containing_oneof()))) {
      continue;
    }
    switch (f->cpp_type()) {
      case pb::FieldDescriptor::CPPTYPE_STRING:
        if (f->type() == pb::FieldDescriptor::TYPE_STRING) r->SetString(m, f, PlausibleText(name));
        break;
      case pb::FieldDescriptor::CPPTYPE_INT32:
        r->SetInt32(m, f, PlausibleNumber(name));
        break;
      case pb::FieldDescriptor::CPPTYPE_ENUM:
        if (f->enum_type()->value_count() > 1) {
          r->SetEnumValue(m, f, f->enum_type()->value(1)->number());
        }
        break;
      case pb::FieldDescriptor::CPPTYPE_INT64:
        r->SetInt64(m, f, 1);
        break;
      case pb::FieldDescriptor::CPPTYPE_MESSAGE:
        if (f->message_type()->full_name() == "google.protobuf.Timestamp") {
          pb::Message* t = r->MutableMessage(m, f);
          t->GetReflection()->SetInt64(t, t->GetDescriptor()->FindFieldByName("seconds"),
                                       absl::ToUnixSeconds(absl::Now() - absl::Hours(1)));
        } else if (depth == 0 && f->message_type()->full_name() != kRegionRef) {
          FillPlausible(r->MutableMessage(m, f), depth + 1);
        }
        break;
      default:
        break;
    }
  }
}

std::string GetString(const pb::Message& m, const std::string& field) {
  const pb::FieldDescriptor* f = StringField(m.GetDescriptor(), field);
  return f == nullptr ? std::string() : m.GetReflection()->GetString(m, f);
}

bool SetString(pb::Message* m, const std::string& field, const std::string& value) {
  const pb::FieldDescriptor* f = StringField(m->GetDescriptor(), field);
  if (f == nullptr) return false;
  m->GetReflection()->SetString(m, f, value);
  return true;
}

// The records of a list's response: its (first) repeated message field.
const pb::FieldDescriptor* RecordsField(const pb::Descriptor* response) {
  for (int i = 0; i < response->field_count(); ++i) {
    const pb::FieldDescriptor* f = response->field(i);
    if (f->is_repeated() && f->cpp_type() == pb::FieldDescriptor::CPPTYPE_MESSAGE && !f->is_map()) {
      return f;
    }
  }
  return nullptr;
}

// The field of a response that holds one record of `type`.
const pb::FieldDescriptor* RecordField(const pb::Descriptor* response, const pb::Descriptor* type) {
  for (int i = 0; i < response->field_count(); ++i) {
    const pb::FieldDescriptor* f = response->field(i);
    if (!f->is_repeated() && f->cpp_type() == pb::FieldDescriptor::CPPTYPE_MESSAGE &&
        f->message_type() == type) {
      return f;
    }
  }
  return nullptr;
}

std::string Path(const pb::MethodDescriptor& method) {
  return absl::StrCat("/", method.service()->full_name(), "/", method.name());
}

// ---- The stores ----

// What a refused call must leave as it was: the rows of a track's SQLite store summed up (the
// records and their versions, the history and change stream, figures, id sequences). The
// digital track's cursors of the other tracks' change streams move on their own and are left
// out.
std::string StoreFingerprint(const std::string& db_path) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    const std::string error = absl::StrCat("cannot open ", db_path, ": ", sqlite3_errmsg(db));
    sqlite3_close(db);
    return error;
  }
  sqlite3_busy_timeout(db, 10000);
  constexpr char kSql[] =
      "SELECT 'cases ' || (SELECT count(*) || '/' || total(version) || '/' || "
      "ifnull(max(update_time), 0) FROM cases) || ' history ' || (SELECT count(*) FROM "
      "case_history) || ' changes ' || (SELECT ifnull(max(position), 0) FROM case_changes) || "
      "' entities ' || (SELECT count(*) || '/' || total(version) || '/' || "
      "ifnull(max(update_time), 0) FROM entities WHERE kind <> 'cursor') || ' figures ' || "
      "(SELECT count(*) || '/' || ifnull(max(seq), 0) FROM figures) || ' sequences ' || "
      "(SELECT total(next) FROM sequences)";
  sqlite3_stmt* stmt = nullptr;
  std::string out;
  if (sqlite3_prepare_v2(db, kSql, -1, &stmt, nullptr) != SQLITE_OK) {
    out = absl::StrCat("cannot read ", db_path, ": ", sqlite3_errmsg(db));
  } else if (sqlite3_step(stmt) == SQLITE_ROW) {
    out = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
  } else {
    out = absl::StrCat("cannot read ", db_path, ": ", sqlite3_errmsg(db));
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return out;
}

// ---- The suite ----

using Service = SuiteTrack;

class AccessTableTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const absl::Time started = absl::Now();
    env_ = new Env();
    absl::Status redis = env_->redis.Start();
    ASSERT_TRUE(redis.ok()) << redis;
    MakePrincipals();
    if (HasFatalFailure()) return;

    SuiteProcesses::Options options;
    options.dir = env_->dir.path();
    options.redis = env_->redis.address();
    options.tokens_file = env_->dir.File("tokens.json");
    options.peer_token_file = env_->dir.File("peer-token.txt");
    options.demo_data = true;
    // No breach scan during the walk: the stores must not change under it.
    options.args = {"--peer_timeout_ms=10000", absl::StrCat("--drain_seconds=", kDrainSeconds),
                    "--breach_scan_seconds=3600"};
    options.start_timeout = kStartTimeout;
    env_->suite = std::make_unique<SuiteProcesses>(options);
    const absl::Status started_suite = env_->suite->Start();
    ASSERT_TRUE(started_suite.ok()) << started_suite;
    ASSERT_EQ(Tracks().size(), 7u)
        << "data/tracks.json lists " << Tracks().size() << " tracks; the suite has seven";

    // What each serves, by reflection; every name in the linked schema.
    for (auto& [track, s] : Tracks()) {
      grpc::Status status;
      const std::vector<std::string> names = ListedServices(s.channel, &status);
      ASSERT_TRUE(status.ok()) << track << ": reflection: " << status.error_message();
      for (const std::string& name : names) {
        if (!absl::StartsWith(name, "governance.")) continue;
        const pb::ServiceDescriptor* service =
            pb::DescriptorPool::generated_pool()->FindServiceByName(name);
        ASSERT_NE(service, nullptr) << track << " serves " << name << ", not in the schema";
        Served(track).push_back(service);
      }
      std::sort(Served(track).begin(), Served(track).end(),
                [](const pb::ServiceDescriptor* a, const pb::ServiceDescriptor* b) {
                  return a->full_name() < b->full_name();
                });
    }
    env_->ready = true;
    std::cout << "[ suite    ] redis and the seven tracks with demo data SERVING after "
              << absl::FormatDuration(absl::Now() - started) << std::endl;
  }

  static void TearDownTestSuite() {
    delete env_;
    env_ = nullptr;
  }

  void SetUp() override {
    ASSERT_NE(env_, nullptr);
    ASSERT_TRUE(env_->ready) << "the suite did not start";
  }

  void TearDown() override {
    if (!HasFailure() || env_ == nullptr) return;
    for (const auto& [track, service] : Tracks()) {
      std::cout << "--- last lines of " << track << "'s log ---\n" << Tail(service.log) << "\n";
    }
  }

  // The table's principals, the street callers of every street for the scope walk, and the
  // token file of them all (and of the peer caller).
  static void MakePrincipals() {
    absl::StatusOr<std::unique_ptr<regions::RegionRegistry>> regions =
        regions::RegionRegistry::LoadFile(SourcePath("data/regions.json"));
    ASSERT_TRUE(regions.ok()) << regions.status();
    for (const governance::config::v1::Street* street : (*regions)->streets()) {
      env_->streets.push_back(street->id());
    }
    ASSERT_TRUE(std::find(env_->streets.begin(), env_->streets.end(), kStreetA) !=
                env_->streets.end());
    ASSERT_TRUE(std::find(env_->streets.begin(), env_->streets.end(), kStreetB) !=
                env_->streets.end());

    // The roles of the tracks' own: every role an access option names that is none of the
    // shared ones.
    std::set<std::string> track_roles;
    const pb::DescriptorPool* pool = pb::DescriptorPool::generated_pool();
    for (const config::TrackPorts& t : config::KnownTracks()) {
      const pb::FileDescriptor* file =
          pool->FindFileByName(absl::StrCat("governance/", t.track, "/v1/", t.track, ".proto"));
      ASSERT_NE(file, nullptr) << "no schema of track " << t.track;
      std::vector<const pb::ServiceDescriptor*> services;
      for (int i = 0; i < file->service_count(); ++i) services.push_back(file->service(i));
      for (const char* kit :
           {"governance.v1.IndicatorsService", "governance.v1.MeetingsService",
            "governance.v1.CaseChangesService", "governance.v1.PersonalDataService"}) {
        services.push_back(pool->FindServiceByName(kit));
        ASSERT_NE(services.back(), nullptr) << kit;
      }
      for (const pb::ServiceDescriptor* service : services) {
        for (int i = 0; i < service->method_count(); ++i) {
          for (const std::string& role : DeclaredOf(*service->method(i)).roles) {
            if (role != auth::kDistrictAdmin && role != auth::kStreetOperator &&
                role != auth::kViewer && role != auth::kSystem && role != auth::kAuditor) {
              track_roles.insert(role);
            }
          }
        }
      }
    }
    ASSERT_FALSE(track_roles.empty()) << "no track declares a role of its own";
    env_->street_roles.push_back(auth::kStreetOperator);
    env_->street_roles.insert(env_->street_roles.end(), track_roles.begin(), track_roles.end());

    const auto in_file = [](std::string label, std::string role, std::string street) {
      Principal p;
      p.label = std::move(label);
      p.role = std::move(role);
      p.street = std::move(street);
      p.id = absl::StrCat("table-", p.role, p.street.empty() ? "" : "-", p.street);
      p.token = absl::StrCat("access-table-token-", p.id);
      return p;
    };
    Principal none;
    none.label = "none";
    Principal unknown;
    unknown.label = "unkn";
    unknown.token = "access-table-token-nobody-knows";
    Principal expired = in_file("expd", auth::kDistrictAdmin, "");
    expired.id = "table-expired-admin";
    expired.token = "access-table-token-expired-admin";
    expired.expired = true;
    env_->table = {none,
                   unknown,
                   expired,
                   in_file("admin", auth::kDistrictAdmin, ""),
                   in_file("view", auth::kViewer, ""),
                   in_file("sys", auth::kSystem, ""),
                   in_file("audi", auth::kAuditor, "")};
    for (const std::string& role : env_->street_roles) {
      env_->table.push_back(in_file(role.substr(0, 4), role, kStreetA));
    }
    for (const std::string& role : env_->street_roles) {
      for (const std::string& street : env_->streets) {
        env_->street_callers[{role, street}] = in_file(role.substr(0, 4), role, street);
      }
    }
    env_->admin = in_file("admin", auth::kDistrictAdmin, "");

    std::vector<Principal> all = env_->table;
    for (const auto& [key, p] : env_->street_callers) {
      if (p.street != kStreetA) all.push_back(p);
    }
    governance::config::v1::TokenFile file;
    for (const Principal& p : all) {
      if (p.id.empty()) continue;
      governance::config::v1::TokenEntry* entry = file.add_tokens();
      entry->set_sha256(auth::TokenAuthenticator::HashToken(p.token));
      entry->set_principal(p.id);
      entry->add_roles(p.role);
      if (!p.street.empty()) entry->add_streets(p.street);
      entry->set_expires(p.expired ? "2020-01-01T00:00:00Z" : "2099-01-01T00:00:00Z");
    }
    governance::config::v1::TokenEntry* peer = file.add_tokens();
    peer->set_sha256(auth::TokenAuthenticator::HashToken(kPeerToken));
    peer->set_principal("peer-caller");
    peer->add_roles(auth::kSystem);
    peer->set_expires("2099-01-01T00:00:00Z");
    std::string json;
    ASSERT_TRUE(pb::util::MessageToJsonString(file, &json).ok());
    WriteFile(env_->dir.File("tokens.json"), json);
    WriteFile(env_->dir.File("peer-token.txt"), absl::StrCat(kPeerToken, "\n"));
  }

  // Starts one track's binary as scripts/run.sh does, on its ports and its SQLite file, with
  // the demo data. The SLA breach scan runs once at start (then hourly), so the stores are
  // quiet while the walks compare them.
  static std::map<std::string, SuiteTrack>& Tracks() { return env_->suite->tracks(); }
  static std::vector<const pb::ServiceDescriptor*>& Served(const std::string& track) {
    return env_->served[track];
  }

  // Waits until no store changes for two seconds (the start-up's background work done).
  static void WaitQuiet() {
    const absl::Time deadline = absl::Now() + kSettleTimeout;
    std::map<std::string, std::string> last;
    while (true) {
      std::map<std::string, std::string> now;
      for (const auto& [track, s] : Tracks()) now[track] = StoreFingerprint(s.db);
      if (now == last) return;
      ASSERT_LT(absl::Now(), deadline) << "the stores did not fall quiet after start-up";
      last = std::move(now);
      std::this_thread::sleep_for(std::chrono::seconds(2));
    }
  }

  static constexpr char kPeerToken[] = "access-table-peer-token-5d2e";

  struct Env {
    TempDir dir;
    RedisServer redis;
    std::unique_ptr<SuiteProcesses> suite;  // after dir and redis: its processes die first
    // The governance services each track serves (by reflection), in the schema.
    std::map<std::string, std::vector<const pb::ServiceDescriptor*>> served;
    std::vector<std::string> streets;       // of the district, data/regions.json
    std::vector<std::string> street_roles;  // street_operator, then the tracks' own roles
    std::vector<Principal> table;           // the table's columns
    std::map<std::pair<std::string, std::string>, Principal> street_callers;  // (role, street)
    Principal admin;
    bool ready = false;
  };
  static Env* env_;
};

AccessTableTest::Env* AccessTableTest::env_ = nullptr;

// ---- The table ----

// For each Get of a track (a method answering one record by its id), the id of a record every
// caller of the table may read: of street A or of the district, as the record's list shows it
// to district_admin. Reads then answer with the record, not INVALID_ARGUMENT for a missing id.
std::map<const pb::MethodDescriptor*, std::string> SampleIds(
    const Service& s, const std::vector<const pb::ServiceDescriptor*>& served,
    const Principal& admin) {
  std::map<const pb::MethodDescriptor*, std::string> ids;
  for (const pb::ServiceDescriptor* service : served) {
    for (int i = 0; i < service->method_count(); ++i) {
      const pb::MethodDescriptor* list = service->method(i);
      const pb::FieldDescriptor* records = RecordsField(list->output_type());
      if (!absl::StartsWith(list->name(), "List") || list->server_streaming() ||
          records == nullptr) {
        continue;
      }
      const pb::Descriptor* type = records->message_type();
      for (int j = 0; j < service->method_count(); ++j) {
        const pb::MethodDescriptor* get = service->method(j);
        if (!absl::StartsWith(get->name(), "Get") || get->server_streaming() ||
            StringField(get->input_type(), "id") == nullptr ||
            RecordField(get->output_type(), type) == nullptr || ids.contains(get)) {
          continue;
        }
        // Street A's records first; the district's when A has none.
        for (const bool of_street : {true, false}) {
          if (ids.contains(get)) break;
          std::unique_ptr<pb::Message> request = NewMessage(list->input_type());
          if (of_street) SetStreet(request.get(), kStreetA);
          if (const pb::FieldDescriptor* size = SingularField(list->input_type(), "page_size",
                                                              pb::FieldDescriptor::CPPTYPE_INT32)) {
            request->GetReflection()->SetInt32(request.get(), size, 100);
          }
          const Reply r = Invoke(s.channel, Path(*list), admin, *request, false);
          std::unique_ptr<pb::Message> response = NewMessage(list->output_type());
          if (r.code != grpc::StatusCode::OK || !response->ParseFromString(r.response)) continue;
          const pb::Reflection* refl = response->GetReflection();
          for (int k = 0; k < refl->FieldSize(*response, records); ++k) {
            const pb::Message& record = refl->GetRepeatedMessage(*response, records, k);
            const std::string street = StreetOf(record).value_or("");
            if (!GetString(record, "id").empty() && (street.empty() || street == kStreetA)) {
              ids[get] = GetString(record, "id");
              break;
            }
          }
        }
      }
    }
  }
  return ids;
}

struct Cell {
  Reply reply;
  Expect expect = Expect::kAdmitted;
  bool ok = true;
};

TEST_F(AccessTableTest, EveryMethodAnswersEveryPrincipalAsItsAccessOptionSays) {
  WaitQuiet();
  ASSERT_FALSE(HasFatalFailure());
  const std::vector<Principal>& table = env_->table;
  int cells = 0;
  int methods = 0;
  int unauthenticated = 0;
  int denied = 0;
  int admitted = 0;
  std::vector<std::string> odd;  // admitted calls a server fault answered (not an access matter)
  std::ostringstream out;
  std::string header = absl::StrFormat("%-56s", "method \\ principal");
  for (const Principal& p : table) absl::StrAppend(&header, absl::StrFormat(" %-5s", p.label));
  out << "Columns:";
  for (const Principal& p : table) {
    std::string what;
    if (p.token.empty()) {
      what = "no token";
    } else if (p.id.empty()) {
      what = "a token the file does not know";
    } else {
      what = absl::StrCat(p.expired ? "an expired token of " : "", p.role, "@",
                          p.street.empty() ? "district" : p.street);
    }
    out << " " << p.label << " = " << what << (&p == &table.back() ? "\n" : ";");
  }
  out << "Cells: the status code (two letters; a stream's first message is OK); '!' marks a "
         "cell against the schema.\n";

  for (auto& [track, s] : Tracks()) {
    // Every service of the track's own package is served, the indicators and the record of
    // personal data.
    std::set<std::string> served;
    for (const pb::ServiceDescriptor* service : Served(track)) served.insert(service->full_name());
    EXPECT_TRUE(served.contains("governance.v1.IndicatorsService")) << track;
    EXPECT_TRUE(served.contains("governance.v1.PersonalDataService")) << track;
    const pb::FileDescriptor* own = pb::DescriptorPool::generated_pool()->FindFileByName(
        absl::StrCat("governance/", track, "/v1/", track, ".proto"));
    ASSERT_NE(own, nullptr) << track;
    for (int i = 0; i < own->service_count(); ++i) {
      EXPECT_TRUE(served.contains(own->service(i)->full_name()))
          << track << " does not serve " << own->service(i)->full_name();
    }

    std::vector<const pb::MethodDescriptor*> walked;
    for (const pb::ServiceDescriptor* service : Served(track)) {
      for (int i = 0; i < service->method_count(); ++i) walked.push_back(service->method(i));
    }
    const std::map<const pb::MethodDescriptor*, std::string> samples =
        SampleIds(s, Served(track), env_->admin);
    std::map<std::pair<const pb::MethodDescriptor*, size_t>, Cell> grid;
    const auto call = [&](const pb::MethodDescriptor* method, size_t column) {
      const Principal& who = table[column];
      std::unique_ptr<pb::Message> request = NewMessage(method->input_type());
      if (!who.street.empty()) FillStreet(request.get(), who.street);
      if (auto it = samples.find(method); it != samples.end()) {
        SetString(request.get(), "id", it->second);
      }
      Cell& cell = grid[{method, column}];
      cell.expect = Expected(DeclaredOf(*method), who);
      cell.reply = Invoke(s.channel, Path(*method), who, *request, method->server_streaming());
      const Reply& r = cell.reply;
      const std::string where =
          absl::StrCat(track, " ", method->full_name(), " as ", who.Name(), ": ", r.Describe());
      switch (cell.expect) {
        case Expect::kUnauthenticated:
          ++unauthenticated;
          cell.ok = r.code == grpc::StatusCode::UNAUTHENTICATED;
          EXPECT_TRUE(cell.ok) << where << " (expected UNAUTHENTICATED)";
          break;
        case Expect::kDenied:
          ++denied;
          cell.ok = r.code == grpc::StatusCode::PERMISSION_DENIED &&
                    absl::StrContains(r.message, absl::StrCat("may not call ", method->name()));
          EXPECT_TRUE(cell.ok) << where << " (the schema does not admit it: expected "
                               << "PERMISSION_DENIED \"may not call " << method->name() << "\")";
          break;
        case Expect::kAdmitted:
          ++admitted;
          cell.ok = r.code != grpc::StatusCode::PERMISSION_DENIED &&
                    r.code != grpc::StatusCode::UNAUTHENTICATED &&
                    r.code != grpc::StatusCode::UNIMPLEMENTED;
          EXPECT_TRUE(cell.ok) << where << " (the schema admits it)";
          if (r.code == grpc::StatusCode::INTERNAL || r.code == grpc::StatusCode::UNKNOWN) {
            odd.push_back(where);
          }
          break;
      }
      ++cells;
    };

    // The refused calls first, with the store compared around them; then the admitted ones.
    const std::string before = StoreFingerprint(s.db);
    for (const pb::MethodDescriptor* method : walked) {
      for (size_t c = 0; c < table.size(); ++c) {
        if (Expected(DeclaredOf(*method), table[c]) != Expect::kAdmitted) call(method, c);
      }
    }
    EXPECT_EQ(StoreFingerprint(s.db), before)
        << track << ": the refused calls changed the store (" << before << ")";
    for (const pb::MethodDescriptor* method : walked) {
      for (size_t c = 0; c < table.size(); ++c) {
        if (Expected(DeclaredOf(*method), table[c]) == Expect::kAdmitted) call(method, c);
      }
    }
    methods += static_cast<int>(walked.size());

    out << "\n" << track << " (" << walked.size() << " methods; services:";
    for (const pb::ServiceDescriptor* service : Served(track)) out << " " << service->name();
    out << ")\n" << header << "\n";
    for (const pb::MethodDescriptor* method : walked) {
      std::string row =
          absl::StrFormat("%-56s", absl::StrCat(method->service()->name(), ".", method->name(),
                                                method->server_streaming() ? " (stream)" : ""));
      for (size_t c = 0; c < table.size(); ++c) {
        const Cell& cell = grid[{method, c}];
        absl::StrAppend(&row, absl::StrFormat(" %-5s", absl::StrCat(Abbrev(cell.reply.code),
                                                                    cell.ok ? "" : "!")));
      }
      out << row << "\n";
    }
  }
  std::cout << out.str();
  std::cout << "\n[ table    ] " << cells << " cells checked: " << methods << " methods x "
            << table.size() << " principals; " << unauthenticated << " UNAUTHENTICATED and "
            << denied << " PERMISSION_DENIED as declared, " << admitted << " admitted\n";
  for (const std::string& line : odd) std::cout << "[ note     ] server fault: " << line << "\n";
  std::cout << std::flush;
  EXPECT_EQ(cells, methods * static_cast<int>(table.size()));
  EXPECT_GT(denied, 0);
  EXPECT_GT(admitted, 0);
}

// ---- Street scope ----

// Reads the schema documents as open to every street, whatever the caller's streets: a street
// caller reads every street's records there, so the walk expects them shown, not refused.
const std::set<std::string>& EveryStreetReads() {
  static const std::set<std::string>* reads = new std::set<std::string>{
      // disorder.proto: "Every caller, whatever its streets (campaigns are district plans)";
      // street_id selects the campaigns with a target area in that street.
      "governance.disorder.v1.DisorderService.GetCampaign",
      "governance.disorder.v1.DisorderService.ListCampaigns",
      // tripartite.proto: "Reads one highlight. Every caller." (services/tripartite/hub.cc:
      // "Highlights are the district's showcase: every caller reads every street's").
      "governance.tripartite.v1.TripartiteService.GetHighlight",
      "governance.tripartite.v1.TripartiteService.ListHighlights",
      // digital.proto: "Reads one scenario. Every caller."; scenarios are the district's, and
      // street_id selects those rolled out to a street or developed in it.
      "governance.digital.v1.DigitalService.GetScenario",
      "governance.digital.v1.DigitalService.ListScenarios",
  };
  return *reads;
}

bool ReadsEveryStreet(const pb::MethodDescriptor& method) {
  return EveryStreetReads().contains(method.full_name());
}

// A code for a table row, with the start of the message when it is an error other than the
// refusal itself (what an invalid request lacked).
std::string Brief(const Reply& r) {
  if (r.code == grpc::StatusCode::OK || r.code == grpc::StatusCode::PERMISSION_DENIED) {
    return Abbrev(r.code);
  }
  return absl::StrCat(Abbrev(r.code), " \"", r.message.substr(0, 48), "\"");
}

// The street walk of one track: every service it serves, every method a street caller may call.
class ScopeWalk {
 public:
  ScopeWalk(const Service& s, const std::vector<const pb::ServiceDescriptor*>& served,
            const std::vector<std::string>& streets, const std::vector<std::string>& roles,
            const std::map<std::pair<std::string, std::string>, Principal>& callers,
            const Principal& admin, std::ostringstream* out)
      : s_(s),
        served_(served),
        streets_(streets),
        roles_(roles),
        callers_(callers),
        admin_(admin),
        out_(out) {}

  int probes() const { return probes_; }
  // Calls refused because they reached into another street.
  int refused() const { return refused_; }
  // Verbs and creates whose request was invalid whoever sent it: the scope was not reached.
  int unreached() const { return unreached_; }

  void Run() {
    for (const pb::ServiceDescriptor* service : served_) {
      for (int i = 0; i < service->method_count(); ++i) {
        const pb::MethodDescriptor* method = service->method(i);
        const pb::FieldDescriptor* records = RecordsField(method->output_type());
        if (method->server_streaming()) {
          WalkStream(*method);
          continue;
        }
        if (absl::StartsWith(method->name(), "List") && records != nullptr) {
          if (HasStreetField(records->message_type())) {
            WalkList(*method);
          } else if (!Admitted(*method).empty()) {
            Row(method->name(), "list", "-",
                absl::StrCat(records->message_type()->name(), " carries no street"), true);
          }
        }
        FilterProbe(*method);
      }
    }
    // Then what names such a record as its parent, once every list gave one.
    for (const pb::ServiceDescriptor* service : served_) {
      for (int i = 0; i < service->method_count(); ++i) ParentProbe(*service->method(i));
    }
  }

 private:
  // The street roles the method admits (a street caller may call it).
  std::vector<std::string> Admitted(const pb::MethodDescriptor& method) const {
    std::vector<std::string> out;
    for (const std::string& role : roles_) {
      if (Expected(DeclaredOf(method), Caller(role, kStreetA)) == Expect::kAdmitted) {
        out.push_back(role);
      }
    }
    return out;
  }

  const Principal& Caller(const std::string& role, const std::string& street) const {
    return callers_.at({role, street});
  }

  Reply Call(const pb::MethodDescriptor& method, const Principal& who, const pb::Message& request) {
    return Invoke(s_.channel, Path(method), who, request, method.server_streaming());
  }

  void Row(const std::string& method, const std::string& probe, const std::string& caller,
           const std::string& result, bool ok) {
    *out_ << absl::StrFormat("  %-26s %-38s %-24s %s%s\n", method, probe, caller, result,
                             ok ? "" : "   <-- against the street scope");
  }

  // The verdict of a call reaching into another street, `theirs` by street A's caller and
  // `owner` the same request by that street's own holder of the role: refused, or invalid
  // whoever sends it (refused before any record or street is looked at).
  bool Refused(const Reply& theirs, const Reply& owner) {
    ++probes_;
    if (theirs.code == grpc::StatusCode::PERMISSION_DENIED) {
      ++refused_;
      return true;
    }
    if (theirs.code == grpc::StatusCode::INVALID_ARGUMENT &&
        owner.code == grpc::StatusCode::INVALID_ARGUMENT) {
      ++unreached_;
      return true;
    }
    return false;
  }

  // Every record of a list as `who` sees it (with a street filter when `street` is given).
  std::vector<std::unique_ptr<pb::Message>> ListAll(const pb::MethodDescriptor& method,
                                                    const Principal& who, const std::string& street,
                                                    int max_pages, Reply* last) {
    std::vector<std::unique_ptr<pb::Message>> records;
    const pb::FieldDescriptor* field = RecordsField(method.output_type());
    std::string page_token;
    for (int page = 0; page < max_pages; ++page) {
      std::unique_ptr<pb::Message> request = NewMessage(method.input_type());
      if (const pb::FieldDescriptor* size =
              SingularField(method.input_type(), "page_size", pb::FieldDescriptor::CPPTYPE_INT32)) {
        request->GetReflection()->SetInt32(request.get(), size, 500);
      }
      SetString(request.get(), "page_token", page_token);
      if (!street.empty()) SetStreet(request.get(), street);
      *last = Call(method, who, *request);
      if (last->code != grpc::StatusCode::OK) break;
      std::unique_ptr<pb::Message> response = NewMessage(method.output_type());
      if (!response->ParseFromString(last->response)) {
        ADD_FAILURE() << method.full_name() << ": unparseable response";
        break;
      }
      const pb::Reflection* r = response->GetReflection();
      for (int i = 0; i < r->FieldSize(*response, field); ++i) {
        records.emplace_back(r->GetRepeatedMessage(*response, field, i).New());
        records.back()->CopyFrom(r->GetRepeatedMessage(*response, field, i));
      }
      page_token = GetString(*response, "next_page_token");
      if (page_token.empty()) break;
    }
    return records;
  }

  // The record as district_admin reads it (serialized), or "" when it cannot be read.
  std::string Snapshot(const pb::MethodDescriptor& get, const pb::Descriptor* type,
                       const std::string& id) {
    std::unique_ptr<pb::Message> request = NewMessage(get.input_type());
    SetString(request.get(), "id", id);
    const Reply r = Call(get, admin_, *request);
    std::unique_ptr<pb::Message> response = NewMessage(get.output_type());
    if (r.code != grpc::StatusCode::OK || !response->ParseFromString(r.response)) return "";
    return response->GetReflection()
        ->GetMessage(*response, RecordField(get.output_type(), type))
        .SerializeAsString();
  }

  // Street A's callers list without a filter: only A's records (or the district's); another
  // street's record is then refused by its Get and by every verb on it.
  void WalkList(const pb::MethodDescriptor& list) {
    const pb::Descriptor* type = RecordsField(list.output_type())->message_type();
    const std::string name = list.name();
    const bool public_list = ReadsEveryStreet(list);
    std::unique_ptr<pb::Message> own;       // a record of A
    std::unique_ptr<pb::Message> district;  // a district record a street caller saw
    for (const std::string& role : Admitted(list)) {
      const Principal& who = Caller(role, kStreetA);
      Reply last;
      std::vector<std::unique_ptr<pb::Message>> records = ListAll(list, who, "", kMaxPages, &last);
      int mine = 0, of_district = 0, foreign = 0;
      std::string leaked;
      for (auto& record : records) {
        const std::string street = StreetOf(*record).value_or("");
        if (street == kStreetA) {
          ++mine;
          if (own == nullptr) own = std::move(record);
        } else if (street.empty()) {
          ++of_district;
          if (district == nullptr) district = std::move(record);
        } else {
          ++foreign;
          if (leaked.empty()) leaked = absl::StrCat(GetString(*record, "id"), "@", street);
        }
      }
      ++probes_;
      const bool ok = last.code == grpc::StatusCode::OK && (foreign == 0 || public_list);
      EXPECT_EQ(last.code, grpc::StatusCode::OK)
          << s_.track << " " << name << " as " << who.Name() << ": " << last.Describe();
      if (!public_list) {
        EXPECT_EQ(foreign, 0) << s_.track << " " << name << " as " << who.Name()
                              << " lists records of other streets, e.g. " << leaked;
      }
      Row(name, public_list ? "list (every street's, as documented)" : "list, no street filter",
          who.Name(),
          absl::StrCat(Brief(last), ": ", mine, " of ", kStreetA, ", ", of_district,
                       " of the district, ", foreign, " of other streets"),
          ok);
    }

    // A record of another street, as district_admin finds it.
    std::unique_ptr<pb::Message> other;
    Reply last;
    const bool filtered = HasStreetField(list.input_type());
    for (const std::string& street : streets_) {
      if (street == kStreetA || other != nullptr) continue;
      std::vector<std::unique_ptr<pb::Message>> records =
          ListAll(list, admin_, filtered ? street : "", filtered ? 1 : 20, &last);
      for (auto& record : records) {
        const std::string at = StreetOf(*record).value_or("");
        if (!at.empty() && at != kStreetA) {
          other = std::move(record);
          break;
        }
      }
      if (!filtered) break;
    }
    if (other == nullptr) {
      Row(name, "another street's record", "district_admin", "none in the demo data", true);
      return;
    }
    const std::string other_id = GetString(*other, "id");
    const std::string other_street = StreetOf(*other).value_or("");
    if (!ReadsEveryStreet(list) && !other_id.empty()) {
      others_[type] = Other{other_id, other_street};
    }
    const std::string label = absl::StrCat(type->name(), " ", other_id, "@", other_street);

    const pb::MethodDescriptor* get = nullptr;
    for (int i = 0; i < list.service()->method_count(); ++i) {
      const pb::MethodDescriptor* m = list.service()->method(i);
      if (absl::StartsWith(m->name(), "Get") && !m->server_streaming() &&
          StringField(m->input_type(), "id") != nullptr &&
          RecordField(m->output_type(), type) != nullptr) {
        get = m;
        break;
      }
    }
    if (get != nullptr) WalkGet(*get, label, other_id, other_street, own.get(), district.get());

    // Every verb on such a record (a method whose request names it by id and whose answer is
    // the record), and every create of one (a request carrying the record): refused to A's
    // callers, with nothing written.
    for (int i = 0; i < list.service()->method_count(); ++i) {
      const pb::MethodDescriptor* verb = list.service()->method(i);
      if (verb->server_streaming() || absl::StartsWith(verb->name(), "Get") ||
          absl::StartsWith(verb->name(), "List")) {
        continue;
      }
      const bool by_id = StringField(verb->input_type(), "id") != nullptr &&
                         RecordField(verb->output_type(), type) != nullptr;
      const pb::FieldDescriptor* carried = RecordField(verb->input_type(), type);
      const bool create =
          carried != nullptr && StringField(verb->input_type(), "request_id") != nullptr;
      if (!by_id && !create) continue;
      for (const std::string& role : Admitted(*verb)) {
        const std::string before = get != nullptr ? Snapshot(*get, type, other_id) : "";
        std::unique_ptr<pb::Message> request = NewMessage(verb->input_type());
        std::string probe;
        if (by_id) {
          SetString(request.get(), "id", other_id);
          // The record's current etag: a stale one would be refused for that alone.
          std::unique_ptr<pb::Message> current = NewMessage(type);
          SetString(request.get(), "etag",
                    !before.empty() && current->ParseFromString(before)
                        ? GetString(*current, "etag")
                        : GetString(*other, "etag"));
          FillPlausible(request.get());
          probe = label;
        } else {
          pb::Message* record = request->GetReflection()->MutableMessage(request.get(), carried);
          record->CopyFrom(*other);
          SetString(record, "id", "");
          SetString(record, "etag", "");
          SetString(request.get(), "request_id",
                    absl::StrCat("access-table-", s_.track, "-", verb->name(), "-", role));
          probe = absl::StrCat("new ", type->name(), " in ", other_street);
        }
        const std::string store_before = StoreFingerprint(s_.db);
        const Reply theirs = Call(*verb, Caller(role, kStreetA), *request);
        const std::string store_after = StoreFingerprint(s_.db);
        const std::string after = get != nullptr ? Snapshot(*get, type, other_id) : "";
        EXPECT_EQ(store_after, store_before)
            << s_.track << " " << verb->name() << " " << probe << " as "
            << Caller(role, kStreetA).Name() << " (" << theirs.Describe() << ") changed the store";
        EXPECT_EQ(after, before) << s_.track << " " << verb->name() << " " << label << " as "
                                 << Caller(role, kStreetA).Name() << " changed the record";
        // The same request by the record's own street: what the scope alone decides.
        if (by_id && !after.empty()) {
          std::unique_ptr<pb::Message> current = NewMessage(type);
          if (current->ParseFromString(after)) {
            SetString(request.get(), "etag", GetString(*current, "etag"));
          }
        }
        const Reply owner = Call(*verb, Caller(role, other_street), *request);
        if (owner.code == grpc::StatusCode::OK) WaitStoreQuiet();
        const bool refused = Refused(theirs, owner);
        EXPECT_TRUE(refused) << s_.track << " " << verb->name() << " " << probe << " as "
                             << Caller(role, kStreetA).Name() << ": " << theirs.Describe() << " ("
                             << Caller(role, other_street).Name() << ": " << owner.Describe()
                             << ")";
        Row(verb->name(), probe, Caller(role, kStreetA).Name(),
            absl::StrCat(Brief(theirs), " (", other_street, "'s own: ", Brief(owner), ")"),
            refused && store_after == store_before && after == before);
      }
    }
  }

  // Another street's record by its Get: refused to street A's callers (shown, where the schema
  // documents the read as every street's); A's own record and a district record it was listed
  // are its to read.
  void WalkGet(const pb::MethodDescriptor& get, const std::string& label,
               const std::string& other_id, const std::string& other_street, const pb::Message* own,
               const pb::Message* district) {
    const bool public_read = ReadsEveryStreet(get);
    for (const std::string& role : Admitted(get)) {
      const Principal& who = Caller(role, kStreetA);
      std::unique_ptr<pb::Message> request = NewMessage(get.input_type());
      SetString(request.get(), "id", other_id);
      const Reply theirs = Call(get, who, *request);
      const Reply owner = Call(get, Caller(role, other_street), *request);
      ++probes_;
      const grpc::StatusCode expected =
          public_read ? grpc::StatusCode::OK : grpc::StatusCode::PERMISSION_DENIED;
      if (theirs.code == grpc::StatusCode::PERMISSION_DENIED) ++refused_;
      EXPECT_EQ(theirs.code, expected) << s_.track << " " << get.name() << " " << label << " as "
                                       << who.Name() << ": " << theirs.Describe();
      EXPECT_EQ(owner.code, grpc::StatusCode::OK)
          << s_.track << " " << get.name() << " " << label << " as "
          << Caller(role, other_street).Name() << ": " << owner.Describe();
      Row(get.name(), public_read ? absl::StrCat(label, " (every street's)") : label, who.Name(),
          absl::StrCat(Brief(theirs), " (", other_street, "'s own: ", Brief(owner), ")"),
          theirs.code == expected && owner.code == grpc::StatusCode::OK);
      for (const pb::Message* mine : {own, district}) {
        if (mine == nullptr) continue;
        SetString(request.get(), "id", GetString(*mine, "id"));
        const Reply read = Call(get, who, *request);
        ++probes_;
        EXPECT_EQ(read.code, grpc::StatusCode::OK)
            << s_.track << " " << get.name() << " " << GetString(*mine, "id") << " as "
            << who.Name() << " (listed to it): " << read.Describe();
        Row(get.name(),
            absl::StrCat(mine->GetDescriptor()->name(), " ", GetString(*mine, "id"), "@",
                         StreetOf(*mine).value_or("")),
            who.Name(), Brief(read), read.code == grpc::StatusCode::OK);
      }
    }
  }

  // Waits until the track's store has not changed for 300 ms (at most 10 s): what a call that
  // wrote set off in the background (a dispatch, a follower) is over before the next probe
  // compares the store around its call.
  void WaitStoreQuiet() {
    const absl::Time deadline = absl::Now() + absl::Seconds(10);
    std::string last = StoreFingerprint(s_.db);
    while (absl::Now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
      std::string now = StoreFingerprint(s_.db);
      if (now == last) return;
      last = std::move(now);
    }
  }

  struct Attempt {
    Reply theirs;  // street A's caller
    Reply owner;   // the same request by the other street's holder of the role
    bool store_unchanged = true;
  };

  // One request reaching into `street` by street A's caller of `role` (the store compared
  // around it), then by `street`'s own. When both find it invalid, it is sent again with its
  // other fields filled plausibly, so that the scope rather than a missing field decides.
  Attempt Probe(const pb::MethodDescriptor& method, const std::string& role,
                const std::string& street, pb::Message* request) {
    Attempt a;
    for (int round = 0; round < 2; ++round) {
      if (round == 1) FillPlausible(request);
      const std::string before = StoreFingerprint(s_.db);
      a.theirs = Call(method, Caller(role, kStreetA), *request);
      a.store_unchanged = StoreFingerprint(s_.db) == before;
      a.owner = Call(method, Caller(role, street), *request);
      if (a.owner.code == grpc::StatusCode::OK && !absl::StartsWith(method.name(), "Get") &&
          !absl::StartsWith(method.name(), "List")) {
        WaitStoreQuiet();
      }
      if (a.theirs.code != grpc::StatusCode::INVALID_ARGUMENT ||
          a.owner.code != grpc::StatusCode::INVALID_ARGUMENT) {
        break;
      }
    }
    return a;
  }

  // Checks and prints one probe reaching into another street: refused (or, for a read the
  // schema documents as every street's, answered), and nothing written.
  void Judge(const pb::MethodDescriptor& method, const std::string& role, const std::string& street,
             const std::string& probe, const Attempt& a, bool filter_only = false) {
    const bool public_read = ReadsEveryStreet(method);
    const std::string where = absl::StrCat(
        s_.track, " ", method.name(), " ", probe, " as ", Caller(role, kStreetA).Name(), ": ",
        a.theirs.Describe(), " (", Caller(role, street).Name(), ": ", a.owner.Describe(), ")");
    bool ok;
    std::string result = Brief(a.theirs);
    if (public_read) {
      ++probes_;
      ok = a.theirs.code == grpc::StatusCode::OK;
      EXPECT_TRUE(ok) << where << " (every street's, as documented)";
    } else if (filter_only && a.theirs.code == grpc::StatusCode::OK) {
      // A list narrowed by another street's record, answered within the caller's scope: none
      // of what it shows may be of that record (nor of any street but A).
      ++probes_;
      const int leaked = Leaked(method, a.theirs);
      ok = leaked == 0;
      EXPECT_EQ(leaked, 0) << where << ": records of other streets shown";
      absl::StrAppend(&result, ", ", leaked, " records not of ", kStreetA);
    } else {
      ok = Refused(a.theirs, a.owner);
      EXPECT_TRUE(ok) << where;
    }
    EXPECT_TRUE(a.store_unchanged) << where << ": the store changed";
    Row(method.name(), absl::StrCat(probe, public_read ? " (every street's)" : ""),
        Caller(role, kStreetA).Name(),
        absl::StrCat(result, " (", street, "'s own: ", Brief(a.owner), ")"),
        ok && a.store_unchanged);
  }

  // The records of a list's answer that are not street A's nor the district's (a record that
  // carries no street counts: it is only there as the named record's).
  int Leaked(const pb::MethodDescriptor& list, const Reply& reply) {
    const pb::FieldDescriptor* field = RecordsField(list.output_type());
    std::unique_ptr<pb::Message> response = NewMessage(list.output_type());
    if (field == nullptr || !response->ParseFromString(reply.response)) return -1;
    int leaked = 0;
    const pb::Reflection* r = response->GetReflection();
    for (int i = 0; i < r->FieldSize(*response, field); ++i) {
      const std::optional<std::string> street =
          StreetOf(r->GetRepeatedMessage(*response, field, i));
      if (!street.has_value() || (!street->empty() && *street != kStreetA)) ++leaked;
    }
    return leaked;
  }

  // A request naming another street (a list's filter, a report's region, a write's street):
  // refused to street A's callers, and nothing written.
  void FilterProbe(const pb::MethodDescriptor& method) {
    if (!HasStreetField(method.input_type())) return;
    for (const std::string& role : Admitted(method)) {
      std::unique_ptr<pb::Message> request = NewMessage(method.input_type());
      SetStreet(request.get(), kStreetB);
      Judge(method, role, kStreetB, absl::StrCat("request naming ", kStreetB),
            Probe(method, role, kStreetB, request.get()));
    }
  }

  // A request naming another street's record as what it reads or writes under (ListMediators'
  // body_id, RecordInspection's enterprise_id: a field <noun>_id naming a record of the
  // service whose type ends in <Noun> and carries a street): refused to street A's callers.
  void ParentProbe(const pb::MethodDescriptor& method) {
    if (method.server_streaming()) return;
    const pb::Descriptor* in = method.input_type();
    for (int i = 0; i < in->field_count(); ++i) {
      const pb::FieldDescriptor* f = in->field(i);
      if (f->is_repeated() || f->type() != pb::FieldDescriptor::TYPE_STRING ||
          !absl::EndsWith(f->name(), "_id") || f->name() == "request_id") {
        continue;
      }
      std::string noun;
      for (absl::string_view part :
           absl::StrSplit(f->name().substr(0, f->name().size() - 3), '_')) {
        std::string word(part);
        if (!word.empty()) word[0] = absl::ascii_toupper(word[0]);
        noun += word;
      }
      const Other* parent = nullptr;
      for (const auto& [type, other] : others_) {
        if (type->file() == method.file() && absl::EndsWith(type->name(), noun)) parent = &other;
      }
      if (parent == nullptr) continue;
      for (const std::string& role : Admitted(method)) {
        std::unique_ptr<pb::Message> request = NewMessage(in);
        request->GetReflection()->SetString(request.get(), f, parent->id);
        Judge(method, role, parent->street,
              absl::StrCat(f->name(), " ", parent->id, "@", parent->street),
              Probe(method, role, parent->street, request.get()),
              /*filter_only=*/absl::StartsWith(method.name(), "List") &&
                  RecordsField(method.output_type()) != nullptr);
      }
    }
  }

  // A street caller's change stream: the first message holds changes of its street only.
  void WalkStream(const pb::MethodDescriptor& method) {
    const pb::FieldDescriptor* field = RecordsField(method.output_type());
    if (field == nullptr || !HasStreetField(field->message_type())) return;
    for (const std::string& role : Admitted(method)) {
      std::unique_ptr<pb::Message> request = NewMessage(method.input_type());
      const Reply r = Call(method, Caller(role, kStreetA), *request);
      int mine = 0, foreign = 0;
      std::string leaked;
      if (r.code == grpc::StatusCode::OK) {
        std::unique_ptr<pb::Message> response = NewMessage(method.output_type());
        EXPECT_TRUE(response->ParseFromString(r.response));
        const pb::Reflection* refl = response->GetReflection();
        for (int i = 0; i < refl->FieldSize(*response, field); ++i) {
          const pb::Message& change = refl->GetRepeatedMessage(*response, field, i);
          const std::string street = StreetOf(change).value_or("");
          if (street == kStreetA) {
            ++mine;
          } else {
            ++foreign;
            if (leaked.empty()) leaked = absl::StrCat(GetString(change, "case_id"), "@", street);
          }
        }
      }
      ++probes_;
      const bool ok =
          (r.code == grpc::StatusCode::OK || r.code == grpc::StatusCode::DEADLINE_EXCEEDED) &&
          foreign == 0;
      EXPECT_TRUE(ok) << s_.track << " " << method.name() << " as " << Caller(role, kStreetA).Name()
                      << ": " << r.Describe() << ", " << foreign
                      << " changes of other streets, e.g. " << leaked;
      Row(method.name(), "first message, no filter", Caller(role, kStreetA).Name(),
          absl::StrCat(Brief(r), ": ", mine, " changes of ", kStreetA, ", ", foreign,
                       " of other streets"),
          ok);
    }
  }

  // A record of another street than A, by its type: what the parent probes name.
  struct Other {
    std::string id;
    std::string street;
  };
  std::map<const pb::Descriptor*, Other> others_;

  const Service& s_;
  const std::vector<const pb::ServiceDescriptor*>& served_;
  const std::vector<std::string>& streets_;
  const std::vector<std::string>& roles_;
  const std::map<std::pair<std::string, std::string>, Principal>& callers_;
  const Principal& admin_;
  std::ostringstream* out_;
  int probes_ = 0;
  int refused_ = 0;
  int unreached_ = 0;
};

TEST_F(AccessTableTest, AStreetCallerReachesOnlyItsOwnStreet) {
  WaitQuiet();
  ASSERT_FALSE(HasFatalFailure());
  int probes = 0;
  int refused = 0;
  int unreached = 0;
  std::ostringstream out;
  out << "Street scope: street A = " << kStreetA << "; each row a probe, the caller of street "
      << "A, its answer and (for another street's record or street) the answer to that street's "
      << "own holder of the same role.\n";
  // The digital track first: it follows the others' change streams, which the owners' calls
  // below move on.
  std::vector<std::string> order = {kDigital};
  for (const auto& [track, s] : Tracks()) {
    if (track != kDigital) order.push_back(track);
  }
  for (const std::string& track : order) {
    const Service& s = Tracks().at(track);
    out << "\n" << track << "\n";
    ScopeWalk walk(s, Served(track), env_->streets, env_->street_roles, env_->street_callers,
                   env_->admin, &out);
    walk.Run();
    probes += walk.probes();
    refused += walk.refused();
    unreached += walk.unreached();
    EXPECT_GT(walk.refused(), 0) << track << ": no probe of another street was refused";
  }
  std::cout << out.str() << "\n[ scope    ] " << probes << " probes, " << refused
            << " refused as reaching into another street, " << unreached
            << " requests invalid whoever sent them (the scope not reached)\n"
            << std::flush;
}

}  // namespace
}  // namespace gov::testing
