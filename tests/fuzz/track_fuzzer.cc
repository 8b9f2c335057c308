#include "tests/fuzz/track_fuzzer.h"

#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <set>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "common/auth/auth.h"
#include "common/server/rpc_service.h"
#include "common/store/open.h"
#include "common/util/status.h"
#include "google/protobuf/timestamp.pb.h"
#include "governance/v1/access.pb.h"
#include "grpcpp/generic/generic_stub.h"
#include "tests/fuzz/fuzz_support.h"
#include "tests/support/health_client.h"

namespace gov::fuzz {
namespace {

namespace pb = ::google::protobuf;

// "mediation" -> "Mediation".
std::string Capitalized(const std::string& word) {
  std::string out = word;
  if (!out.empty()) out[0] = absl::ascii_toupper(out[0]);
  return out;
}

// "MediatingBody" -> "mediating_body".
std::string SnakeCase(const std::string& camel) {
  std::string out;
  for (char c : camel) {
    if (absl::ascii_isupper(c)) {
      if (!out.empty()) out.push_back('_');
      out.push_back(absl::ascii_tolower(c));
    } else {
      out.push_back(c);
    }
  }
  return out;
}

// "mediating_body" -> "MediatingBody".
std::string CamelCase(const std::string& snake) {
  std::string out;
  bool upper = true;
  for (char c : snake) {
    if (c == '_') {
      upper = true;
    } else {
      out.push_back(upper ? absl::ascii_toupper(c) : c);
      upper = false;
    }
  }
  return out;
}

}  // namespace

absl::StatusOr<std::unique_ptr<InProcessTrack>> InProcessTrack::Start(
    const std::string& track, const server::TrackFactory& factory, const Clock* clock) {
  auto t = std::unique_ptr<InProcessTrack>(new InProcessTrack());
  const std::string dir = ScratchDir();
  config::ServiceConfig& c = t->config_;
  c.track = track;
  c.db_path = absl::StrCat(dir, "/", track, ".db");
  c.redis = "";
  c.tokens_file = absl::StrCat(dir, "/tokens.json");
  c.regions_file = SourcePath("data/regions.json");
  c.holidays_file = SourcePath("data/holidays.json");
  c.rules_file = SourcePath(absl::StrCat("data/", track, ".json"));
  c.targets_file = SourcePath("data/targets.json");
  for (const config::TrackPorts& p : config::KnownTracks()) {
    c.peers[p.track] = absl::StrCat("127.0.0.1:", p.grpc_port);
  }

  // The roles the track's own service names, besides district_admin and the shared ones.
  std::set<std::string> roles = {auth::kStreetOperator, auth::kViewer, auth::kSystem};
  const std::string service_name =
      absl::StrCat("governance.", track, ".v1.", Capitalized(track), "Service");
  const pb::ServiceDescriptor* own =
      pb::DescriptorPool::generated_pool()->FindServiceByName(service_name);
  if (own == nullptr) return absl::NotFoundError(absl::StrCat("no service ", service_name));
  for (int i = 0; i < own->method_count(); ++i) {
    absl::StatusOr<server::MethodAccess> access = server::DeclaredAccess(*own->method(i));
    if (!access.ok()) continue;
    for (const std::string& role : access->roles) roles.insert(role);
  }
  // One token a caller: district_admin first, district-wide like the other district roles; the
  // street roles on street GS01.
  std::vector<std::string> callers = {auth::kDistrictAdmin};
  for (const std::string& role : roles) {
    if (role != auth::kDistrictAdmin) callers.push_back(role);
  }
  for (const std::string& role : callers) {
    testing::TestToken& token = t->tokens_.emplace_back();
    token.token = token.principal = absl::StrCat("fuzz-", role);
    token.role = role;
    if (!auth::IsDistrictRole(role)) token.streets = {"GS01"};
  }
  WriteFileOrDie(c.tokens_file, testing::TokenFileJson(t->tokens_));

  testing::TrackParts& parts = t->parts_;
  parts.metrics = std::make_shared<prometheus::Registry>();
  GOV_ASSIGN_OR_RETURN(parts.repo,
                       store::OpenStore({.sqlite_path = c.db_path}, parts.metrics.get()));
  cache::CacheOptions cache_options;
  cache_options.address = "";
  GOV_RETURN_IF_ERROR(parts.Build(c, clock, cache_options, factory));

  server::ServerOptions options;
  GOV_RETURN_IF_ERROR(server::AddTrackServices(*parts.track, options));
  grpc::ServerBuilder builder;
  for (grpc::Service* service : options.services) builder.RegisterService(service);
  t->server_ = builder.BuildAndStart();
  if (t->server_ == nullptr) return absl::InternalError("the gRPC server did not start");
  t->channel_ = t->server_->InProcessChannel(grpc::ChannelArguments());
  for (const std::string& name : options.service_names) {
    const pb::ServiceDescriptor* s = pb::DescriptorPool::generated_pool()->FindServiceByName(name);
    if (s == nullptr) return absl::NotFoundError(absl::StrCat("no service ", name));
    for (int i = 0; i < s->method_count(); ++i) {
      t->methods_.push_back({absl::StrCat("/", name, "/", s->method(i)->name()), s->method(i)});
    }
  }

  if (sqlite3_open_v2(c.db_path.c_str(), &t->probe_, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    return absl::UnavailableError(absl::StrCat("cannot open ", c.db_path, " to watch it"));
  }
  if (t->DataVersion() < 0) return absl::UnavailableError("cannot read data_version");
  return t;
}

InProcessTrack::~InProcessTrack() {
  if (server_ != nullptr) server_->Shutdown(std::chrono::system_clock::now());
  parts_.Stop(server_);
  if (probe_ != nullptr) sqlite3_close(probe_);
}

int64_t InProcessTrack::DataVersion() const {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(probe_, "PRAGMA data_version", -1, &stmt, nullptr) != SQLITE_OK) {
    return -1;
  }
  int64_t version = -1;
  if (sqlite3_step(stmt) == SQLITE_ROW) version = sqlite3_column_int64(stmt, 0);
  sqlite3_finalize(stmt);
  return version;
}

CallOutcome InProcessTrack::Call(const FuzzMethod& method, const std::string& token,
                                 const std::string& request, absl::Duration unary_deadline,
                                 absl::Duration stream_deadline) const {
  grpc::GenericStub generic(channel_);
  grpc::ClientContext context;
  if (!token.empty()) context.AddMetadata("authorization", absl::StrCat("Bearer ", token));
  const grpc::ByteBuffer bytes = testing::ToBuffer(request);
  grpc::ByteBuffer response;
  CallOutcome out;
  if (!method.descriptor->server_streaming()) {
    context.set_deadline(absl::ToChronoTime(absl::Now() + unary_deadline));
    absl::Notification done;
    generic.UnaryCall(&context, method.path, grpc::StubOptions(), &bytes, &response,
                      [&](grpc::Status s) {
                        out.status = std::move(s);
                        done.Notify();
                      });
    done.WaitForNotification();
    if (out.status.ok()) out.response = testing::FromBuffer(response);
    return out;
  }
  // A stream: its first message (or its end), then it is cancelled.
  context.set_deadline(absl::ToChronoTime(absl::Now() + stream_deadline));
  grpc::CompletionQueue cq;
  std::unique_ptr<grpc::GenericClientAsyncReaderWriter> call =
      generic.PrepareCall(&context, method.path, &cq);
  void* tag = nullptr;
  bool ok = false;
  call->StartCall(reinterpret_cast<void*>(1));
  cq.Next(&tag, &ok);
  call->Write(bytes, grpc::WriteOptions().set_last_message(), reinterpret_cast<void*>(2));
  cq.Next(&tag, &ok);
  call->Read(&response, reinterpret_cast<void*>(3));
  cq.Next(&tag, &ok);
  const bool got_message = ok;
  if (got_message) context.TryCancel();
  call->Finish(&out.status, reinterpret_cast<void*>(4));
  while (cq.Next(&tag, &ok) && tag != reinterpret_cast<void*>(4)) {
  }
  cq.Shutdown();
  while (cq.Next(&tag, &ok)) {
  }
  if (got_message) {
    out.response = testing::FromBuffer(response);
    // Cancelled by the harness after the first message: the stream was served.
    if (out.status.error_code() == grpc::StatusCode::CANCELLED) out.status = grpc::Status::OK;
  }
  return out;
}

// ---- RequestFiller ----

void RequestFiller::Fill(const std::string& method_name, pb::Message* request, int round,
                         int variant) const {
  request->Clear();
  FillMessage(request, Place{method_name, 0, round, variant});
}

const std::vector<std::string>* RequestFiller::IdsFor(const std::string& method_name) const {
  // The ids of the record type the method is named after (TriageDispute: dispute_id), longest
  // name first; else every id learnt.
  const std::vector<std::string>* best = nullptr;
  size_t best_length = 0;
  for (const auto& [key, ids] : ids_) {
    if (!absl::EndsWith(key, "_id")) continue;
    const std::string noun = CamelCase(key.substr(0, key.size() - 3));
    if (absl::StrContains(method_name, noun) && noun.size() > best_length) {
      best = &ids;
      best_length = noun.size();
    }
  }
  if (best != nullptr) return best;
  auto it = ids_.find("id");
  return it == ids_.end() ? nullptr : &it->second;
}

int RequestFiller::Variants(const std::string& method_name) const {
  const std::vector<std::string>* ids = IdsFor(method_name);
  if (ids == nullptr || ids->empty()) return 1;
  return static_cast<int>(std::min<size_t>(ids->size(), 4));
}

std::string RequestFiller::StringFor(const pb::FieldDescriptor& field, const Place& at) const {
  const std::string& name = field.name();
  const std::string& method_name = at.method_name;
  const int variant = at.variant;
  if (name == "street_id") return "GS01";
  if (name == "community_id") return "GS01-C01";
  // Most lists and aggregates stop at communities: no grid.
  if (name == "grid_id") return "";
  if (name == "request_id") return absl::StrCat("seed-", method_name, "-", at.round, "-", variant);
  if (name == "page_token" || name == "after" || name == "kind") return "";
  if (name == "track") return "mediation";
  if (name == "credit_code") return "91330105MA2B3C4D5E";
  if (name == "id" && at.depth == 0) {
    const std::vector<std::string>* ids = IdsFor(method_name);
    if (ids == nullptr || ids->empty()) return "";
    return (*ids)[static_cast<size_t>(variant) % ids->size()];
  }
  if (name == "etag") {
    const std::vector<std::string>* ids = IdsFor(method_name);
    if (ids == nullptr || ids->empty()) return "";
    auto it = etags_.find((*ids)[static_cast<size_t>(variant) % ids->size()]);
    return it == etags_.end() ? "" : it->second;
  }
  if (absl::EndsWith(name, "_id") || absl::EndsWith(name, "_ids")) {
    const std::string key =
        absl::EndsWith(name, "_ids") ? name.substr(0, name.size() - 1) : std::string(name);
    auto it = ids_.find(key);
    if (it != ids_.end() && !it->second.empty()) return it->second.front();
    // provider_id: a ServiceProvider's id (service_provider_id).
    for (const auto& [learnt, ids] : ids_) {
      if (absl::EndsWith(learnt, absl::StrCat("_", key)) && !ids.empty()) return ids.front();
    }
    // None known: left out (a filter not set; a reference the request then lacks).
    return "";
  }
  if (absl::StrContains(name, "phone")) return "13800000000";
  if (absl::StrContains(name, "email")) return "a@example.org";
  if (absl::StrContains(name, "url")) return "https://example.org/a";
  if (absl::StrContains(name, "date") || absl::StrContains(name, "day") ||
      absl::EndsWith(name, "_on") || name == "since" || name == "until") {
    // Days that end a span lie ahead of the harness's clock (2026-04-01), the others behind.
    const bool ahead = absl::StrContains(name, "last") || absl::StrContains(name, "end") ||
                       absl::StrContains(name, "until") || absl::StrContains(name, "due");
    return ahead ? "2026-04-30" : "2026-03-31";
  }
  if (name == "name" || absl::EndsWith(name, "_name")) return "张三";
  return "种子 seed 1";
}

void RequestFiller::FillMessage(pb::Message* m, const Place& at) const {
  const pb::Descriptor* d = m->GetDescriptor();
  const pb::Reflection* r = m->GetReflection();
  if (d->full_name() == "google.protobuf.Timestamp") {
    auto* ts = static_cast<pb::Timestamp*>(m);
    const absl::Time t = now_ - absl::Hours(1);
    ts->set_seconds(absl::ToUnixSeconds(t));
    return;
  }
  static const std::set<std::string> kOutputOnly = {
      "id", "etag", "state", "create_time", "update_time", "due_time", "sla_breached"};
  for (int i = 0; i < d->field_count(); ++i) {
    const pb::FieldDescriptor* f = d->field(i);
    const pb::OneofDescriptor* oneof = f->real_containing_oneof();
    if (oneof != nullptr && oneof->field(0) != f) continue;
    if (at.depth > 0 && kOutputOnly.contains(f->name())) continue;
    const std::string& name = f->name();
    const bool repeated = f->is_repeated();
    switch (f->cpp_type()) {
      case pb::FieldDescriptor::CPPTYPE_STRING: {
        const std::string value = StringFor(*f, at);
        if (value.empty()) break;
        if (repeated) {
          r->AddString(m, f, value);
        } else {
          r->SetString(m, f, value);
        }
        break;
      }
      case pb::FieldDescriptor::CPPTYPE_INT32:
      case pb::FieldDescriptor::CPPTYPE_INT64:
      case pb::FieldDescriptor::CPPTYPE_UINT32:
      case pb::FieldDescriptor::CPPTYPE_UINT64: {
        int64_t value = 1;
        if (name == "year") value = 2026;
        if (name == "month") value = 3;
        if (name == "week") value = 10;
        if (name == "page_size") value = 3;
        if (absl::EndsWith(name, "_bp") || absl::StrContains(name, "rate")) value = 5000;
        if (absl::EndsWith(name, "_fen")) value = 10000;
        if (f->cpp_type() == pb::FieldDescriptor::CPPTYPE_INT32) {
          repeated ? r->AddInt32(m, f, static_cast<int32_t>(value))
                   : r->SetInt32(m, f, static_cast<int32_t>(value));
        } else if (f->cpp_type() == pb::FieldDescriptor::CPPTYPE_INT64) {
          repeated ? r->AddInt64(m, f, value) : r->SetInt64(m, f, value);
        } else if (f->cpp_type() == pb::FieldDescriptor::CPPTYPE_UINT32) {
          repeated ? r->AddUInt32(m, f, static_cast<uint32_t>(value))
                   : r->SetUInt32(m, f, static_cast<uint32_t>(value));
        } else {
          repeated ? r->AddUInt64(m, f, static_cast<uint64_t>(value))
                   : r->SetUInt64(m, f, static_cast<uint64_t>(value));
        }
        break;
      }
      case pb::FieldDescriptor::CPPTYPE_DOUBLE:
      case pb::FieldDescriptor::CPPTYPE_FLOAT: {
        double value = 1.5;
        if (name == "latitude") value = 30.32;
        if (name == "longitude") value = 120.14;
        if (f->cpp_type() == pb::FieldDescriptor::CPPTYPE_DOUBLE) {
          repeated ? r->AddDouble(m, f, value) : r->SetDouble(m, f, value);
        } else {
          repeated ? r->AddFloat(m, f, static_cast<float>(value))
                   : r->SetFloat(m, f, static_cast<float>(value));
        }
        break;
      }
      case pb::FieldDescriptor::CPPTYPE_BOOL:
        break;
      case pb::FieldDescriptor::CPPTYPE_ENUM: {
        // A value other than UNSPECIFIED, another in each round and variant.
        const pb::EnumDescriptor* e = f->enum_type();
        const int index =
            e->value_count() > 1 ? 1 + (at.round + at.variant) % (e->value_count() - 1) : 0;
        repeated ? r->AddEnumValue(m, f, e->value(index)->number())
                 : r->SetEnumValue(m, f, e->value(index)->number());
        break;
      }
      case pb::FieldDescriptor::CPPTYPE_MESSAGE: {
        if (at.depth >= 4) break;
        pb::Message* child = repeated ? r->AddMessage(m, f) : r->MutableMessage(m, f);
        FillMessage(child, Place{at.method_name, at.depth + 1, at.round, at.variant});
        break;
      }
    }
  }
}

void RequestFiller::Learn(const pb::Message& response) {
  const pb::Descriptor* d = response.GetDescriptor();
  const pb::Reflection* r = response.GetReflection();
  const pb::FieldDescriptor* id = d->FindFieldByName("id");
  if (id != nullptr && id->cpp_type() == pb::FieldDescriptor::CPPTYPE_STRING &&
      !id->is_repeated()) {
    const std::string value = r->GetString(response, id);
    if (!value.empty()) {
      for (const std::string& key :
           {absl::StrCat(SnakeCase(d->name()), "_id"), std::string("id")}) {
        std::vector<std::string>& ids = ids_[key];
        if (std::find(ids.begin(), ids.end(), value) == ids.end()) ids.push_back(value);
      }
      const pb::FieldDescriptor* etag = d->FindFieldByName("etag");
      if (etag != nullptr && etag->cpp_type() == pb::FieldDescriptor::CPPTYPE_STRING &&
          !etag->is_repeated()) {
        etags_[value] = r->GetString(response, etag);
      }
    }
  }
  for (int i = 0; i < d->field_count(); ++i) {
    const pb::FieldDescriptor* f = d->field(i);
    if (f->cpp_type() != pb::FieldDescriptor::CPPTYPE_MESSAGE) continue;
    if (f->is_repeated()) {
      const int n = std::min(r->FieldSize(response, f), 3);
      for (int k = 0; k < n; ++k) Learn(r->GetRepeatedMessage(response, f, k));
    } else if (r->HasField(response, f)) {
      Learn(r->GetMessage(response, f));
    }
  }
}

}  // namespace gov::fuzz
