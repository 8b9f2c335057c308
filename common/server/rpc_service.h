#ifndef GOV_COMMON_SERVER_RPC_SERVICE_H_
#define GOV_COMMON_SERVER_RPC_SERVICE_H_

#include <deque>
#include <functional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "common/auth/auth.h"
#include "common/privacy/personal_fields.h"
#include "common/server/handler.h"
#include "common/util/status.h"
#include "common/util/validate.h"
#include "google/protobuf/descriptor.h"
#include "grpcpp/grpcpp.h"
#include "grpcpp/impl/codegen/rpc_service_method.h"
#include "grpcpp/impl/codegen/server_callback_handlers.h"
#include "grpcpp/impl/codegen/service_type.h"

// A gRPC service built from its schema: each method bound to the function that serves it in one
// line, every call through the shared handler wrapper (trace id, authentication, the method's
// declared access, worker pool, access log, errors), e.g.
//
//   RpcService rpc(mv1::MediationService::service_full_name(), handlers, roles);
//   rpc.Bind("CreateDispute", disputes, &Disputes::Create)
//      .Bind("GetDispute", disputes, &Disputes::Get);
//
// A bound function is a member of a track's part taking the caller and the request and filling
// the response, or returning it:
//   absl::Status Part::Fn(const auth::Principal&, const Req&, Resp*)   (const or not)
//   absl::StatusOr<Resp> Part::Fn(const auth::Principal&, const Req&)  (const or not)
// Who may call each method is read from its governance.v1.access option; after that, every text
// of the request is checked (ValidateMessageText: no NUL, control characters or invalid UTF-8,
// INVALID_ARGUMENT naming the field) before the function runs. Check() says whether
// the service is complete: every method of the schema bound once, with the schema's request and
// response types, declaring its access with a scope and only roles the track knows. A track
// refuses to start otherwise, so a method can be neither forgotten nor open by omission.
namespace gov::server {

// One row of a service's access table (what `govctl access` prints).
struct MethodAccessRow {
  std::string method;  // "CreateDispute"
  MethodAccess access;
};

// The access a method declares in the schema (its governance.v1.access option); INTERNAL when it
// declares none, or no scope.
absl::StatusOr<MethodAccess> DeclaredAccess(const google::protobuf::MethodDescriptor& method);

// Reads a request from the bytes of a call into `request`. INVALID_ARGUMENT naming the message
// type when the bytes are not one (malformed or truncated, or a string field that is not UTF-8).
absl::Status ParseRequest(const grpc::ByteBuffer& bytes, google::protobuf::Message* request);

class RpcService final : public grpc::Service {
 public:
  // `service` is the service's full name in the schema (the generated
  // mv1::MediationService::service_full_name()); `handlers` must outlive the service. `roles`:
  // the roles the track knows besides district_admin (the shared ones and its own); an access
  // option naming another makes the service incomplete.
  RpcService(std::string_view service, Handlers* handlers, std::vector<std::string> roles);

  RpcService(const RpcService&) = delete;
  RpcService& operator=(const RpcService&) = delete;

  template <typename Part, typename Req, typename Resp>
  RpcService& Bind(std::string_view method, Part* part,
                   absl::Status (Part::*fn)(const auth::Principal&, const Req&, Resp*)) {
    return BindBody<Req, Resp>(method, [part, fn](const Call& call, const Req& req, Resp* resp) {
      return (part->*fn)(call.principal, req, resp);
    });
  }
  template <typename Part, typename Req, typename Resp>
  RpcService& Bind(std::string_view method, const Part* part,
                   absl::Status (Part::*fn)(const auth::Principal&, const Req&, Resp*) const) {
    return BindBody<Req, Resp>(method, [part, fn](const Call& call, const Req& req, Resp* resp) {
      return (part->*fn)(call.principal, req, resp);
    });
  }
  template <typename Part, typename Req, typename Resp>
  RpcService& Bind(std::string_view method, Part* part,
                   absl::StatusOr<Resp> (Part::*fn)(const auth::Principal&, const Req&)) {
    return BindBody<Req, Resp>(method, [part, fn](const Call& call, const Req& req, Resp* resp) {
      return Fill((part->*fn)(call.principal, req), resp);
    });
  }
  template <typename Part, typename Req, typename Resp>
  RpcService& Bind(std::string_view method, const Part* part,
                   absl::StatusOr<Resp> (Part::*fn)(const auth::Principal&, const Req&) const) {
    return BindBody<Req, Resp>(method, [part, fn](const Call& call, const Req& req, Resp* resp) {
      return Fill((part->*fn)(call.principal, req), resp);
    });
  }

  // A part's method that needs the whole call (its deadline, its trace id), not the principal
  // alone.
  template <typename Part, typename Req, typename Resp>
  RpcService& Bind(std::string_view method, const Part* part,
                   absl::Status (Part::*fn)(const Call&, const Req&, Resp*) const) {
    return BindBody<Req, Resp>(method, [part, fn](const Call& call, const Req& req, Resp* resp) {
      return (part->*fn)(call, req, resp);
    });
  }

  // A method served by a function of the whole call (trace id, context) rather than a part.
  template <typename Req, typename Resp>
  RpcService& BindBody(std::string_view method,
                       std::function<absl::Status(const Call&, const Req&, Resp*)> body) {
    const int index = Register(method, Req::descriptor(), Resp::descriptor());
    if (index < 0) return *this;
    const BoundMethod* bound = &methods_[static_cast<size_t>(index)];
    // The request arrives as bytes and is parsed here, after admission: gRPC's own parsing
    // would answer a malformed request UNIMPLEMENTED with no message.
    MarkMethodRawCallback(
        index,
        new grpc::internal::CallbackUnaryHandler<grpc::ByteBuffer, Resp>(
            [this, bound, body = std::move(body)](grpc::CallbackServerContext* context,
                                                  const grpc::ByteBuffer* bytes, Resp* response) {
              return handlers_->Unary(
                  context, bound->name.c_str(), bound->access,
                  [this, bound, &body, bytes, response](const Call& call) {
                    Req request;
                    GOV_RETURN_IF_ERROR(ParseRequest(*bytes, &request));
                    GOV_RETURN_IF_ERROR(ValidateMessageText(request));
                    GOV_RETURN_IF_ERROR(body(call, request, response));
                    // The answer leaves only once what it carries is accounted for (the record
                    // of reads of personal data).
                    if (ResponseAudit* audit = handlers_->response_audit(); audit != nullptr) {
                      return audit->Check(call, std::string_view(bound->path).substr(1), *response);
                    }
                    return absl::OkStatus();
                  });
            }));
    return *this;
  }

  // A server-streaming method: `body` runs on a thread of its own for the life of the stream
  // (Handlers::ServerStream) and writes through the StreamWriter, after the same admission as a
  // unary call and the request's text check.
  template <typename Req, typename Resp>
  RpcService& BindStream(std::string_view method,
                         std::function<absl::Status(const Call&, const Req&, StreamWriter&)> body) {
    const int index =
        Register(method, Req::descriptor(), Resp::descriptor(), /*server_streaming=*/true);
    if (index < 0) return *this;
    // A stream's messages are not recorded as reads of personal data: none may carry any.
    if (privacy::CanHoldPersonalData(Resp::descriptor())) {
      Problem(absl::StrCat(std::string(method), " streams ", Resp::descriptor()->full_name(),
                           ", which can hold personal data: streams are not recorded"));
      return *this;
    }
    const BoundMethod* bound = &methods_[static_cast<size_t>(index)];
    MarkMethodRawCallback(
        index, new grpc::internal::CallbackServerStreamingHandler<grpc::ByteBuffer, Resp>(
                   [this, bound, body = std::move(body)](grpc::CallbackServerContext* context,
                                                         const grpc::ByteBuffer* bytes) {
                     return handlers_->ServerStream<Resp>(
                         context, bound->name.c_str(), bound->access,
                         [&body, bytes](const Call& call, StreamWriter& out) {
                           Req request;
                           GOV_RETURN_IF_ERROR(ParseRequest(*bytes, &request));
                           GOV_RETURN_IF_ERROR(ValidateMessageText(request));
                           return body(call, request, out);
                         });
                   }));
    return *this;
  }

  // OK when the service is complete (see above); else the first problem, INTERNAL, naming the
  // service and the method.
  absl::Status Check() const;

  // "governance.mediation.v1.MediationService".
  const std::string& full_name() const { return full_name_; }
  const google::protobuf::ServiceDescriptor* descriptor() const { return descriptor_; }

  // Every method of the schema with its declared access, in the schema's order (methods whose
  // declaration is missing or wrong are left out; Check() names them).
  std::vector<MethodAccessRow> AccessTable() const;

 private:
  struct BoundMethod {
    std::string name;  // "CreateDispute"
    std::string path;  // "/governance.mediation.v1.MediationService/CreateDispute"
    MethodAccess access;
  };

  template <typename Resp>
  static absl::Status Fill(absl::StatusOr<Resp> result, Resp* response) {
    if (!result.ok()) return result.status();
    *response = *std::move(result);
    return absl::OkStatus();
  }

  // Adds the method to the service and returns its index, or -1 after noting why it cannot be
  // bound (unknown, bound twice, other types, streaming other than declared (client streams
  // are not served), no valid access declaration).
  int Register(std::string_view method, const google::protobuf::Descriptor* request,
               const google::protobuf::Descriptor* response, bool server_streaming = false);
  void Problem(std::string message);

  const google::protobuf::ServiceDescriptor* descriptor_;
  Handlers* handlers_;
  const std::string full_name_;
  absl::flat_hash_set<std::string> roles_;
  // Stable addresses: gRPC keeps the method path's char pointer, the handlers the entry.
  std::deque<BoundMethod> methods_;
  std::vector<std::string> problems_;
};

}  // namespace gov::server

#endif  // GOV_COMMON_SERVER_RPC_SERVICE_H_
