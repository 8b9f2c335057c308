#include "common/server/rpc_service.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "governance/v1/access.pb.h"
#include "grpcpp/support/proto_buffer_reader.h"

namespace gov::server {

absl::Status ParseRequest(const grpc::ByteBuffer& bytes, google::protobuf::Message* request) {
  grpc::ByteBuffer copy(bytes);  // the reader consumes its buffer; the slices are shared
  grpc::ProtoBufferReader reader(&copy);
  if (!reader.status().ok() || !request->ParseFromZeroCopyStream(&reader)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the request is not a ", request->GetDescriptor()->full_name(),
        " message: malformed or truncated bytes, or a string field that is not UTF-8"));
  }
  return absl::OkStatus();
}

absl::StatusOr<MethodAccess> DeclaredAccess(const google::protobuf::MethodDescriptor& method) {
  if (!method.options().HasExtension(governance::v1::access)) {
    return absl::InternalError(absl::StrCat(method.full_name(),
                                            ": no (governance.v1.access) option: declare who may "
                                            "call it in the schema"));
  }
  const governance::v1::MethodAccess& declared =
      method.options().GetExtension(governance::v1::access);
  MethodAccess access;
  switch (declared.scope()) {
    case governance::v1::ACCESS_SCOPE_STREET:
      access.district_only = false;
      break;
    case governance::v1::ACCESS_SCOPE_DISTRICT:
      access.district_only = true;
      break;
    default:
      return absl::InternalError(
          absl::StrCat(method.full_name(), ": (governance.v1.access) has no scope"));
  }
  access.roles.assign(declared.roles().begin(), declared.roles().end());
  access.all_roles = declared.all_roles();
  if (access.all_roles && !access.roles.empty()) {
    return absl::InternalError(absl::StrCat(
        method.full_name(), ": (governance.v1.access) names roles and all_roles at once"));
  }
  return access;
}

RpcService::RpcService(std::string_view service, Handlers* handlers, std::vector<std::string> roles)
    : descriptor_(google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
          std::string(service))),
      handlers_(handlers),
      full_name_(service),
      roles_(roles.begin(), roles.end()) {
  if (descriptor_ == nullptr) Problem("not a service of the schema");
  if (handlers_ == nullptr) Problem("no handlers");
}

void RpcService::Problem(std::string message) {
  problems_.push_back(absl::StrCat(full_name_, ": ", message));
}

int RpcService::Register(std::string_view method, const google::protobuf::Descriptor* request,
                         const google::protobuf::Descriptor* response, bool server_streaming) {
  if (descriptor_ == nullptr) return -1;
  const std::string name(method);
  const google::protobuf::MethodDescriptor* m = descriptor_->FindMethodByName(name);
  if (m == nullptr) {
    Problem(absl::StrCat("bound method ", name, " is not in the schema"));
    return -1;
  }
  for (const BoundMethod& bound : methods_) {
    if (bound.name == name) {
      Problem(absl::StrCat(name, " is bound twice"));
      return -1;
    }
  }
  if (m->client_streaming() || m->server_streaming() != server_streaming) {
    Problem(absl::StrCat(name, m->client_streaming() ? " takes a client stream, which is not served"
                               : m->server_streaming() ? " streams: bind it with BindStream"
                                                       : " is unary: bind it with Bind"));
    return -1;
  }
  if (m->input_type() != request || m->output_type() != response) {
    Problem(absl::StrCat(name, " takes ", m->input_type()->full_name(), " and returns ",
                         m->output_type()->full_name(), ", but the bound function takes ",
                         request->full_name(), " and returns ", response->full_name()));
    return -1;
  }
  absl::StatusOr<MethodAccess> access = DeclaredAccess(*m);
  if (!access.ok()) {
    problems_.emplace_back(access.status().message());
    return -1;
  }
  for (const std::string& role : access->roles) {
    if (!roles_.contains(role)) {
      Problem(absl::StrCat(name, ": its access names role \"", role,
                           "\", which the track does not declare"));
      return -1;
    }
  }
  BoundMethod& bound = methods_.emplace_back();
  bound.name = name;
  bound.path = absl::StrCat("/", full_name_, "/", name);
  bound.access = *std::move(access);
  AddMethod(new grpc::internal::RpcServiceMethod(bound.path.c_str(),
                                                 server_streaming
                                                     ? grpc::internal::RpcMethod::SERVER_STREAMING
                                                     : grpc::internal::RpcMethod::NORMAL_RPC,
                                                 /*handler=*/nullptr));
  return static_cast<int>(methods_.size()) - 1;
}

absl::Status RpcService::Check() const {
  if (!problems_.empty()) return absl::InternalError(problems_.front());
  if (descriptor_ == nullptr) return absl::InternalError(absl::StrCat(full_name_, ": no schema"));
  std::vector<std::string> unbound;
  for (int i = 0; i < descriptor_->method_count(); ++i) {
    const std::string& name = descriptor_->method(i)->name();
    bool found = false;
    for (const BoundMethod& bound : methods_) found = found || bound.name == name;
    if (!found) unbound.push_back(name);
  }
  if (!unbound.empty()) {
    return absl::InternalError(
        absl::StrCat(full_name_, ": methods not bound: ", absl::StrJoin(unbound, ", ")));
  }
  return absl::OkStatus();
}

std::vector<MethodAccessRow> RpcService::AccessTable() const {
  std::vector<MethodAccessRow> rows;
  if (descriptor_ == nullptr) return rows;
  for (int i = 0; i < descriptor_->method_count(); ++i) {
    absl::StatusOr<MethodAccess> access = DeclaredAccess(*descriptor_->method(i));
    if (access.ok()) rows.push_back({descriptor_->method(i)->name(), *std::move(access)});
  }
  return rows;
}

}  // namespace gov::server
