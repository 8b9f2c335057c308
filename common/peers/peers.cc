#include "common/peers/peers.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/blocking_counter.h"
#include "absl/time/clock.h"
#include "common/log/log.h"
#include "common/util/call_deadline.h"
#include "common/util/file.h"
#include "common/util/tls.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/empty.pb.h"
#include "google/protobuf/message.h"
#include "grpcpp/generic/generic_stub.h"

namespace gov::peers {
namespace {

constexpr char kTokenSettings[] = "--peer_token_file / GOV_PEER_TOKEN_FILE";

// The first line of the token file, without surrounding white space.
absl::StatusOr<std::string> ReadToken(const std::string& path) {
  absl::StatusOr<std::string> text = ReadFile(path, "peer token file");
  if (!text.ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat(text.status().message(), " (", kTokenSettings, ")"));
  }
  absl::string_view first(*text);
  if (const size_t end = first.find('\n'); end != absl::string_view::npos) {
    first = first.substr(0, end);
  }
  first = absl::StripAsciiWhitespace(first);
  if (first.empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "peer token file ", path, ": the first line is empty (it must hold the bearer token)"));
  }
  return std::string(first);
}

// What tells that the file changed: its modification time and size; "" when it cannot be
// read.
std::string Stamp(const std::string& path) {
  std::error_code ec;
  const auto time = std::filesystem::last_write_time(path, ec);
  if (ec) return "";
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) return "";
  return absl::StrCat(time.time_since_epoch().count(), ":", size);
}

// Whether a peer's answer says it could not serve the call now (unreachable, too slow, busy,
// draining), rather than answering it.
bool NotServedNow(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::DEADLINE_EXCEEDED:
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
    case grpc::StatusCode::CANCELLED:
    case grpc::StatusCode::UNKNOWN:
      return true;
    default:
      return false;
  }
}

std::string CodeName(grpc::StatusCode code) {
  return absl::StatusCodeToString(static_cast<absl::StatusCode>(code));
}

}  // namespace

absl::StatusOr<std::unique_ptr<Peers>> Peers::Open(const config::ServiceConfig& config) {
  std::map<std::string, std::string> addresses;
  for (const config::TrackPorts& t : config::KnownTracks()) {
    addresses[t.track] = absl::StrCat("127.0.0.1:", t.grpc_port);
  }
  for (const auto& [track, address] : config.peers) {
    if (config::FindTrack(track) == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("peers: \"", track, "\" is not a track of data/tracks.json"));
    }
    if (absl::Status ok = config::CheckPeerAddress(address); !ok.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("peers: the address of ", track, " \"", address, "\" ", ok.message()));
    }
    addresses[track] = address;
  }
  if (config.peer_timeout_ms <= 0) {
    return absl::InvalidArgumentError("peer_timeout_ms must be more than zero");
  }
  const tls::ClientFiles tls_files{.ca = config.tls_ca,
                                   .cert = config.tls_ca.empty() ? "" : config.tls_cert,
                                   .key = config.tls_ca.empty() ? "" : config.tls_key};
  absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> credentials =
      tls::MakeChannelCredentials(tls_files, config.tls_reload_interval);
  if (!credentials.ok()) return credentials.status();
  std::unique_ptr<Peers> peers(new Peers(std::move(addresses), config.peer_token_file,
                                         absl::Milliseconds(config.peer_timeout_ms),
                                         *std::move(credentials)));
  if (!config.peer_token_file.empty()) {
    const std::string stamp = Stamp(config.peer_token_file);
    absl::StatusOr<std::string> token = ReadToken(config.peer_token_file);
    if (!token.ok()) return token.status();
    absl::MutexLock lock(&peers->mu_);
    peers->token_ = *std::move(token);
    peers->token_stamp_ = stamp;
  }
  return peers;
}

Peers::Peers(std::map<std::string, std::string> addresses, std::string token_file,
             absl::Duration timeout, std::shared_ptr<grpc::ChannelCredentials> credentials)
    : addresses_(std::move(addresses)),
      token_file_(std::move(token_file)),
      timeout_(timeout),
      credentials_(std::move(credentials)) {}

Peers::~Peers() = default;

std::string Peers::Address(const std::string& track) const {
  auto it = addresses_.find(track);
  return it == addresses_.end() ? std::string() : it->second;
}

std::string Peers::Token() const {
  const std::string stamp = Stamp(token_file_);
  absl::MutexLock lock(&mu_);
  if (!stamp.empty() && stamp != token_stamp_) {
    absl::StatusOr<std::string> token = ReadToken(token_file_);
    if (token.ok()) {
      if (*token != token_) log::Info("peer token read again", {{"file", token_file_}});
      token_ = *std::move(token);
    } else {
      log::Warn("peer token file changed but cannot be read; keeping the last token",
                {{"error", token.status().ToString()}});
    }
    // Read again at its next change, not at every call.
    token_stamp_ = stamp;
  }
  return token_;
}

std::shared_ptr<grpc::Channel> Peers::ChannelTo(const std::string& track) const {
  absl::MutexLock lock(&mu_);
  std::shared_ptr<grpc::Channel>& channel = channels_[track];
  if (channel == nullptr) {
    grpc::ChannelArguments args;
    // A peer that was down is tried again within a second of coming back, instead of after
    // gRPC's default backoff of up to two minutes (calls fail fast meanwhile). The minimum
    // connect timeout stays gRPC's (20 s): a slow handshake is bounded by each call's deadline.
    args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
    args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 1000);
    channel = grpc::CreateCustomChannel(addresses_.at(track), credentials_, args);
  }
  return channel;
}

absl::Status Peers::Call(const std::string& track, const std::string& method,
                         const google::protobuf::Message& request,
                         google::protobuf::Message* response, absl::Time deadline) const {
  PeerCall call{.track = track, .method = method, .request = &request, .response = response};
  CallAll(absl::MakeSpan(&call, 1), deadline);
  return call.status;
}

// One call of CallAll while it is on its way.
struct Peers::InFlight {
  std::unique_ptr<grpc::GenericStub> stub;
  const google::protobuf::MethodDescriptor* descriptor = nullptr;
  grpc::ClientContext context;
  grpc::ByteBuffer request;
  grpc::ByteBuffer response;
  grpc::Status status;
};

absl::Status Peers::Prepare(const PeerCall& call, InFlight* flight) const {
  const std::string& track = call.track;
  if (addresses_.find(track) == addresses_.end()) {
    return absl::InternalError(
        absl::StrCat("peer call to \"", track, "\": not a track of the suite (data/tracks.json)"));
  }
  const google::protobuf::MethodDescriptor* descriptor =
      google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(call.method);
  if (descriptor == nullptr) {
    return absl::InternalError(
        absl::StrCat("peer call to ", track, ": method ", call.method, " is not in the schema"));
  }
  if (call.request == nullptr || call.response == nullptr ||
      call.request->GetDescriptor() != descriptor->input_type() ||
      call.response->GetDescriptor() != descriptor->output_type()) {
    return absl::InternalError(absl::StrCat(
        "peer call to ", track, ": ", call.method, " takes ", descriptor->input_type()->full_name(),
        " and answers ", descriptor->output_type()->full_name(), ", not the messages given"));
  }
  if (token_file_.empty()) {
    return absl::UnavailableError(absl::StrCat("peer calls are off: no ", kTokenSettings,
                                               " is set (calling ", track, " ", descriptor->name(),
                                               ")"));
  }
  std::string bytes;
  if (!call.request->SerializeToString(&bytes)) {
    return absl::InternalError(absl::StrCat("peer call to ", track, ": cannot serialise ",
                                            descriptor->input_type()->full_name()));
  }
  grpc::Slice slice(bytes);
  flight->request = grpc::ByteBuffer(&slice, 1);
  flight->descriptor = descriptor;
  return absl::OkStatus();
}

absl::Status Peers::Answer(const PeerCall& call, InFlight& flight) const {
  const std::string& track = call.track;
  const google::protobuf::MethodDescriptor* descriptor = flight.descriptor;
  const grpc::StatusCode code = flight.status.error_code();
  if (code == grpc::StatusCode::OK) {
    grpc::Slice answer;
    if (!flight.response.DumpToSingleSlice(&answer).ok() ||
        !call.response->ParseFromArray(answer.begin(), static_cast<int>(answer.size()))) {
      return absl::InternalError(absl::StrCat("track ", track, " answered ", descriptor->name(),
                                              " with a message that cannot be read"));
    }
    return absl::OkStatus();
  }
  const std::string& message = flight.status.error_message();
  if (code == grpc::StatusCode::NOT_FOUND) {
    return absl::NotFoundError(absl::StrCat(track, " ", descriptor->name(), ": ", message));
  }
  log::Warn("peer call failed", {{"track", track},
                                 {"address", Address(track)},
                                 {"method", descriptor->name()},
                                 {"code", CodeName(code)}});
  if (NotServedNow(code)) {
    return absl::UnavailableError(absl::StrCat("track ", track, " at ", Address(track),
                                               " did not answer ", descriptor->name(), ": ",
                                               CodeName(code), ": ", message));
  }
  if (code == grpc::StatusCode::UNAUTHENTICATED || code == grpc::StatusCode::PERMISSION_DENIED) {
    return absl::InternalError(absl::StrCat("track ", track, " refused this service's peer token (",
                                            kTokenSettings, ") on ", descriptor->name(), ": ",
                                            CodeName(code), ": ", message));
  }
  return absl::Status(static_cast<absl::StatusCode>(code),
                      absl::StrCat("track ", track, " answered ", descriptor->name(), " with ",
                                   CodeName(code), ": ", message));
}

void Peers::CallAll(absl::Span<PeerCall> calls, absl::Time deadline,
                    const std::function<void()>& meanwhile) const {
  std::vector<std::unique_ptr<InFlight>> flights;
  flights.reserve(calls.size());
  std::string trace_id = log::ThreadTraceId();
  if (trace_id.empty()) trace_id = log::NewTraceId();
  // The caller's own deadline bounds the calls made for it.
  const auto until =
      absl::ToChronoTime(std::min({absl::Now() + timeout_, deadline, CallDeadline()}));
  int started = 0;
  for (PeerCall& call : calls) {
    flights.push_back(std::make_unique<InFlight>());
    call.status = Prepare(call, flights.back().get());
    call.answered = call.status.code();
    if (call.status.ok()) ++started;
  }
  absl::BlockingCounter done(started);
  const std::string token = started > 0 ? Token() : std::string();
  for (size_t i = 0; i < calls.size(); ++i) {
    if (!calls[i].status.ok()) continue;
    InFlight* flight = flights[i].get();
    flight->context.set_deadline(until);
    flight->context.AddMetadata("authorization", absl::StrCat("Bearer ", token));
    flight->context.AddMetadata(log::kTraceHeader, trace_id);
    const std::string path = absl::StrCat("/", flight->descriptor->service()->full_name(), "/",
                                          flight->descriptor->name());
    // The stub (and with it the channel) is kept with the call until it has completed.
    flight->stub = std::make_unique<grpc::GenericStub>(ChannelTo(calls[i].track));
    flight->stub->UnaryCall(&flight->context, path, grpc::StubOptions(), &flight->request,
                            &flight->response, [flight, &done](grpc::Status status) {
                              flight->status = std::move(status);
                              done.DecrementCount();
                            });
  }
  if (meanwhile) meanwhile();
  done.Wait();
  for (size_t i = 0; i < calls.size(); ++i) {
    if (flights[i]->descriptor == nullptr) continue;  // refused before it was sent
    calls[i].answered = static_cast<absl::StatusCode>(flights[i]->status.error_code());
    calls[i].status = Answer(calls[i], *flights[i]);
  }
}

absl::StatusOr<std::shared_ptr<grpc::Channel>> Peers::StreamTo(const std::string& track,
                                                               grpc::ClientContext* context) const {
  if (addresses_.find(track) == addresses_.end()) {
    return absl::InternalError(
        absl::StrCat("peer call to \"", track, "\": not a track of the suite (data/tracks.json)"));
  }
  if (token_file_.empty()) {
    return absl::UnavailableError(
        absl::StrCat("peer calls are off: no ", kTokenSettings, " is set (calling ", track, ")"));
  }
  context->AddMetadata("authorization", absl::StrCat("Bearer ", Token()));
  std::string trace_id = log::ThreadTraceId();
  if (trace_id.empty()) trace_id = log::NewTraceId();
  context->AddMetadata(log::kTraceHeader, trace_id);
  return ChannelTo(track);
}

absl::Status Peers::CheckCase(const std::string& track, const std::string& method,
                              const std::string& id) const {
  const google::protobuf::MethodDescriptor* descriptor =
      google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(method);
  if (addresses_.find(track) == addresses_.end() || descriptor == nullptr) {
    // Call names what is unknown.
    google::protobuf::Empty none;
    return Call(track, method, none, &none);
  }
  const google::protobuf::Descriptor* input = descriptor->input_type();
  const google::protobuf::FieldDescriptor* id_field = input->FindFieldByName("id");
  if (id_field == nullptr || id_field->is_repeated() ||
      id_field->type() != google::protobuf::FieldDescriptor::TYPE_STRING) {
    return absl::InternalError(absl::StrCat("peer call to ", track, ": the request of ", method,
                                            " has no string field id"));
  }
  google::protobuf::MessageFactory* factory = google::protobuf::MessageFactory::generated_factory();
  const google::protobuf::Message* in = factory->GetPrototype(input);
  const google::protobuf::Message* out = factory->GetPrototype(descriptor->output_type());
  if (in == nullptr || out == nullptr) {
    return absl::InternalError(
        absl::StrCat("peer call to ", track, ": no generated message for ", method));
  }
  std::unique_ptr<google::protobuf::Message> request(in->New());
  std::unique_ptr<google::protobuf::Message> response(out->New());
  request->GetReflection()->SetString(request.get(), id_field, id);
  const absl::Status status = Call(track, method, *request, response.get());
  if (status.ok() || absl::IsNotFound(status) || absl::IsUnavailable(status) ||
      absl::IsInternal(status)) {
    return status;
  }
  return absl::InternalError(status.message());
}

}  // namespace gov::peers
