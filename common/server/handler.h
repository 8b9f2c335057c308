#ifndef GOV_COMMON_SERVER_HANDLER_H_
#define GOV_COMMON_SERVER_HANDLER_H_

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/auth/auth.h"
#include "grpcpp/grpcpp.h"

namespace gov::server {

class WorkerPool;

// What a handler knows about the call it serves.
struct Call {
  auth::Principal principal;
  std::string trace_id;
  std::string method;  // "CreateDispute"
  grpc::CallbackServerContext* context = nullptr;
};

// What a method needs of the caller before anything else is looked at: the method's
// governance.v1.access option (common/server/rpc_service.h reads it from the schema).
struct MethodAccess {
  // Roles that may call besides district_admin (who always may).
  std::vector<std::string> roles;
  // Every authenticated caller may (`roles` is then empty).
  bool all_roles = false;
  // Only district-wide callers (a token without streets).
  bool district_only = false;
};

// OK when the principal may call a method declared so: district_admin, or one of `roles` (any
// role with `all_roles`), and district-wide when `district_only`. PERMISSION_DENIED "principal <id>
// may not call <method>" with the reason otherwise.
absl::Status CheckAccess(const auth::Principal& principal, const MethodAccess& access,
                         std::string_view method);

// The shared wrapper every RPC runs through, in this order: trace id (from x-trace-id
// metadata or new; echoed in initial metadata), authentication (UNAUTHENTICATED), the method's
// access (CheckAccess: PERMISSION_DENIED), then the handler on the worker pool (RESOURCE_EXHAUSTED
// when the queue is full; DEADLINE_EXCEEDED when the deadline passed while queued), then one JSON
// access-log line (method, code, duration, principal, trace id; never request content). A
// field named by InvalidField travels in the trailing metadata "gov-field".
class Handlers {
 public:
  // Neither is owned; both must outlive every call.
  Handlers(auth::TokenAuthenticator* authenticator, WorkerPool* pool);

  // Serves one unary call: returns the reactor the generated CallbackService method must
  // return. `method` is the short method name (for logs); `body` runs on the pool and fills
  // the response it captured; its status is the call's status.
  grpc::ServerUnaryReactor* Unary(grpc::CallbackServerContext* context, const char* method,
                                  const MethodAccess& access,
                                  std::function<absl::Status(const Call&)> body);

 private:
  auth::TokenAuthenticator* authenticator_;
  WorkerPool* pool_;
};

// The trace id of the call whose handler body runs on the calling thread, "" elsewhere. Log
// lines written there carry it already (log::Write adds it); this is for passing it on.
std::string CurrentTraceId();

// Puts the current call's trace id (a new one outside a call) into the x-trace-id metadata of
// an outgoing call, so the callee logs under the same id.
void AttachTraceId(grpc::ClientContext* context);

// A fixed set of threads with a bounded queue.
class WorkerPool {
 public:
  WorkerPool(int threads, int max_queue);
  ~WorkerPool();  // finishes queued work, then joins
  // False when `max_queue` tasks are already waiting for a thread (or the pool is being
  // destroyed); the task is then not run.
  bool Submit(std::function<void()> task);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace gov::server

#endif  // GOV_COMMON_SERVER_HANDLER_H_
