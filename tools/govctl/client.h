#ifndef GOV_TOOLS_GOVCTL_CLIENT_H_
#define GOV_TOOLS_GOVCTL_CLIENT_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "grpcpp/grpcpp.h"

namespace gov::govctl {

// How every call is made.
struct CallOptions {
  std::string token;     // bearer token; empty sends no authorization header
  std::string trace_id;  // sent as x-trace-id
  std::string purpose;   // sent as x-gov-purpose-bin (why personal data is read); "" = none
  absl::Duration timeout = absl::Seconds(10);
};

// The outcome of one call: the gRPC status and, for INVALID_ARGUMENT, the request field the
// server named in the "gov-field" trailing metadata.
struct CallResult {
  grpc::Status status;
  std::string field;
  bool ok() const { return status.ok(); }
};

// Calls any unary method of the schema without its generated stub: the request is serialized
// from `request` and the reply parsed into `response` (of the method's output type).
CallResult CallMethod(const std::shared_ptr<grpc::Channel>& channel,
                      const google::protobuf::MethodDescriptor& method,
                      const google::protobuf::Message& request, google::protobuf::Message* response,
                      const CallOptions& options);

// grpc.health.v1 serving status (the enum's numbers).
enum class Health { kUnknown = 0, kServing = 1, kNotServing = 2, kServiceUnknown = 3 };

// grpc.health.v1.Health/Check for `service` ("" = the whole server). The health messages are
// encoded by hand so the client needs no copy of health.proto.
CallResult CheckHealth(const std::shared_ptr<grpc::Channel>& channel, const std::string& service,
                       const CallOptions& options, Health* health);

// Name of a health status as grpc.health.v1 spells it.
const char* HealthName(Health health);

// "INVALID_ARGUMENT" etc.
std::string CodeName(grpc::StatusCode code);

}  // namespace gov::govctl

#endif  // GOV_TOOLS_GOVCTL_CLIENT_H_
