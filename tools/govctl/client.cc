#include "tools/govctl/client.h"

#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "common/log/log.h"
#include "common/server/handler.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "grpcpp/generic/generic_stub.h"

namespace gov::govctl {
namespace {

constexpr char kFieldTrailer[] = "gov-field";

// Wire tags (field number << 3 | wire type) of the two health fields used.
constexpr uint32_t kServiceTag = (1 << 3) | 2;  // HealthCheckRequest.service, length-delimited
constexpr uint32_t kStatusTag = (1 << 3) | 0;   // HealthCheckResponse.status, varint

// Skips a field this client does not know, so a newer server's reply still parses.
bool SkipField(uint32_t tag, google::protobuf::io::CodedInputStream* in) {
  switch (tag & 7) {
    case 0: {
      uint64_t ignored;
      return in->ReadVarint64(&ignored);
    }
    case 1:
      return in->Skip(8);
    case 2: {
      uint32_t length;
      return in->ReadVarint32(&length) && in->Skip(static_cast<int>(length));
    }
    case 5:
      return in->Skip(4);
    default:
      return false;
  }
}

void Prepare(const CallOptions& options, grpc::ClientContext* context) {
  context->set_deadline(absl::ToChronoTime(absl::Now() + options.timeout));
  if (!options.token.empty()) {
    context->AddMetadata("authorization", absl::StrCat("Bearer ", options.token));
  }
  if (!options.trace_id.empty()) context->AddMetadata(log::kTraceHeader, options.trace_id);
  if (!options.purpose.empty()) context->AddMetadata(server::kPurposeBinHeader, options.purpose);
}

// One blocking unary call over the generic (byte buffer) stub.
CallResult CallBytes(const std::shared_ptr<grpc::Channel>& channel, const std::string& path,
                     const std::string& request, std::string* response,
                     const CallOptions& options) {
  grpc::ClientContext context;
  Prepare(options, &context);
  grpc::Slice slice(request);
  grpc::ByteBuffer send(&slice, 1);
  grpc::ByteBuffer receive;
  grpc::GenericStub stub(channel);
  grpc::Status status;
  absl::Notification done;
  stub.UnaryCall(&context, path, grpc::StubOptions(), &send, &receive,
                 [&status, &done](grpc::Status s) {
                   status = std::move(s);
                   done.Notify();
                 });
  done.WaitForNotification();

  CallResult result;
  result.status = status;
  if (!status.ok()) {
    const auto& trailers = context.GetServerTrailingMetadata();
    auto it = trailers.find(kFieldTrailer);
    if (it != trailers.end()) result.field.assign(it->second.data(), it->second.size());
    return result;
  }
  std::vector<grpc::Slice> slices;
  grpc::Status dumped = receive.Dump(&slices);
  if (!dumped.ok()) {
    result.status = dumped;
    return result;
  }
  response->clear();
  for (const grpc::Slice& s : slices) {
    response->append(reinterpret_cast<const char*>(s.begin()), s.size());
  }
  return result;
}

}  // namespace

CallResult CallMethod(const std::shared_ptr<grpc::Channel>& channel,
                      const google::protobuf::MethodDescriptor& method,
                      const google::protobuf::Message& request, google::protobuf::Message* response,
                      const CallOptions& options) {
  std::string request_bytes;
  if (!request.SerializeToString(&request_bytes)) {
    return {grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "request cannot be serialized"), ""};
  }
  const std::string path = absl::StrCat("/", method.service()->full_name(), "/", method.name());
  std::string response_bytes;
  CallResult result = CallBytes(channel, path, request_bytes, &response_bytes, options);
  if (result.ok() && !response->ParseFromString(response_bytes)) {
    result.status =
        grpc::Status(grpc::StatusCode::INTERNAL,
                     absl::StrCat("reply is not a valid ", method.output_type()->full_name()));
  }
  return result;
}

CallResult CheckHealth(const std::shared_ptr<grpc::Channel>& channel, const std::string& service,
                       const CallOptions& options, Health* health) {
  // HealthCheckRequest { string service = 1; }
  std::string request;
  if (!service.empty()) {
    google::protobuf::io::StringOutputStream stream(&request);
    google::protobuf::io::CodedOutputStream out(&stream);
    out.WriteTag(kServiceTag);
    out.WriteVarint32(static_cast<uint32_t>(service.size()));
    out.WriteString(service);
  }
  std::string response;
  CallResult result =
      CallBytes(channel, "/grpc.health.v1.Health/Check", request, &response, options);
  if (!result.ok()) return result;

  // HealthCheckResponse { ServingStatus status = 1; }: absent means UNKNOWN (0).
  *health = Health::kUnknown;
  google::protobuf::io::CodedInputStream in(reinterpret_cast<const uint8_t*>(response.data()),
                                            static_cast<int>(response.size()));
  while (uint32_t tag = in.ReadTag()) {
    bool parsed = true;
    if (tag == kStatusTag) {
      uint32_t value = 0;
      parsed = in.ReadVarint32(&value);
      *health = value <= 3 ? static_cast<Health>(value) : Health::kUnknown;
    } else {
      parsed = SkipField(tag, &in);
    }
    if (!parsed) {
      result.status = grpc::Status(grpc::StatusCode::INTERNAL, "malformed grpc.health.v1 response");
      return result;
    }
  }
  return result;
}

const char* HealthName(Health health) {
  switch (health) {
    case Health::kServing:
      return "SERVING";
    case Health::kNotServing:
      return "NOT_SERVING";
    case Health::kServiceUnknown:
      return "SERVICE_UNKNOWN";
    case Health::kUnknown:
      break;
  }
  return "UNKNOWN";
}

std::string CodeName(grpc::StatusCode code) {
  return absl::StatusCodeToString(static_cast<absl::StatusCode>(code));
}

}  // namespace gov::govctl
