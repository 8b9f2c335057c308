#ifndef GOV_COMMON_SERVER_HANDLER_H_
#define GOV_COMMON_SERVER_HANDLER_H_

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/auth/auth.h"
#include "google/protobuf/message.h"
#include "grpcpp/grpcpp.h"

namespace gov::server {

class WorkerPool;

// What a handler knows about the call it serves.
struct Call {
  auth::Principal principal;
  std::string trace_id;
  std::string method;  // "CreateDispute"
  // What the caller says the call is for (metadata kPurposeHeader or kPurposeBinHeader); kept
  // with every read of personal data (common/privacy/read_audit.h). "" when it says nothing.
  std::string purpose;
  grpc::CallbackServerContext* context = nullptr;
};

// The metadata a caller gives its purpose in: ASCII, or UTF-8 in the binary header; at most
// kMaxPurposeLength characters, no control characters (INVALID_ARGUMENT naming the header).
inline constexpr char kPurposeHeader[] = "x-gov-purpose";
inline constexpr char kPurposeBinHeader[] = "x-gov-purpose-bin";
inline constexpr size_t kMaxPurposeLength = 200;

// What is done with the answer of a call before it leaves (the record of reads of personal
// data, common/privacy/read_audit.h): Check runs on the handler's thread once the handler
// succeeded; an error fails the call with it instead of sending the answer.
class ResponseAudit {
 public:
  virtual ~ResponseAudit() = default;
  // `method`: "governance.mediation.v1.MediationService/GetDispute".
  virtual absl::Status Check(const Call& call, std::string_view method,
                             const google::protobuf::Message& response) = 0;
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
// What the body of a server-streaming method writes through (Handlers::ServerStream).
class StreamWriter {
 public:
  virtual ~StreamWriter() = default;
  // Sends one message (of the method's response type) and waits until it is out. False when
  // the stream is over: the caller cancelled or its deadline passed, or the server drains. The
  // body should return then.
  virtual bool Write(const google::protobuf::Message& message) = 0;
  // Waits up to `timeout`, or less when the stream ends meanwhile; false when it is over.
  virtual bool Wait(absl::Duration timeout) = 0;
  // Why the stream is over: CANCELLED (the caller left), UNAVAILABLE (the server drains: resume
  // elsewhere); OK while it runs.
  virtual absl::Status Over() const = 0;
};

class Handlers;

namespace internal {

// The part of a server-streaming call that does not depend on its message type: admission
// (trace id, authentication, access, a stream slot), the body on a thread of its own (a stream
// lives long and must not hold a worker of the pool), writes one at a time, the end of the
// stream, and the access-log line. StreamReactor below binds it to gRPC.
class StreamCore final : public StreamWriter {
 public:
  StreamCore(Handlers* handlers, grpc::CallbackServerContext* context, const char* method);
  ~StreamCore() override;

  // Admits the call and starts `body`, which writes through `start_write` and whose status
  // ends the call through `finish`; an admission refused ends it at once.
  void Start(const struct MethodAccess& access,
             std::function<absl::Status(const struct Call&, StreamWriter&)> body,
             std::function<void(const google::protobuf::Message&)> start_write,
             std::function<void(const grpc::Status&)> finish);

  // The reactor's events.
  void OnWriteDone(bool ok);
  void OnCancel();
  void OnDone();  // after the call ended: joins the body's thread

  // Handlers::Drain: ends the stream with UNAVAILABLE.
  void Drain();

  bool Write(const google::protobuf::Message& message) override;
  bool Wait(absl::Duration timeout) override;
  absl::Status Over() const override;

 private:
  void JoinBody();

  Handlers* const handlers_;
  grpc::CallbackServerContext* const context_;
  const char* const method_;
  const absl::Time start_;
  std::function<void(const google::protobuf::Message&)> start_write_;
  std::function<void(const grpc::Status&)> finish_;
  std::thread thread_;
  bool registered_ = false;

  mutable absl::Mutex mu_;
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  bool write_ok_ ABSL_GUARDED_BY(mu_) = true;
  bool cancelled_ ABSL_GUARDED_BY(mu_) = false;
  bool draining_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace internal

// The gRPC reactor of a server-streaming method whose responses are `Resp`.
template <typename Resp>
class StreamReactor final : public grpc::ServerWriteReactor<Resp> {
 public:
  StreamReactor(Handlers* handlers, grpc::CallbackServerContext* context, const char* method,
                const struct MethodAccess& access,
                std::function<absl::Status(const struct Call&, StreamWriter&)> body)
      : core_(handlers, context, method) {
    core_.Start(
        access, std::move(body),
        [this](const google::protobuf::Message& message) {
          out_.CopyFrom(message);
          this->StartWrite(&out_);
        },
        [this](const grpc::Status& status) { this->Finish(status); });
  }

  void OnWriteDone(bool ok) override { core_.OnWriteDone(ok); }
  void OnCancel() override { core_.OnCancel(); }
  void OnDone() override {
    core_.OnDone();
    delete this;
  }

 private:
  internal::StreamCore core_;
  Resp out_;
};

class Handlers {
 public:
  // Neither is owned; both must outlive every call.
  Handlers(auth::TokenAuthenticator* authenticator, WorkerPool* pool);

  // At most this many server streams at once; more are RESOURCE_EXHAUSTED.
  static constexpr int kMaxStreams = 256;

  // Serves one server-streaming call: authentication and access as for Unary, then `body` on a
  // thread of its own writing through the StreamWriter; its status ends the call (the access
  // log's line is written then). Returns the reactor the generated method must return.
  template <typename Resp>
  grpc::ServerWriteReactor<Resp>* ServerStream(
      grpc::CallbackServerContext* context, const char* method, const MethodAccess& access,
      std::function<absl::Status(const Call&, StreamWriter&)> body) {
    return new StreamReactor<Resp>(this, context, method, access, std::move(body));
  }

  // The audit every unary answer passes (nullptr: none). Set before serving; not owned, it
  // must outlive every call.
  void set_response_audit(ResponseAudit* audit) { audit_ = audit; }
  ResponseAudit* response_audit() const { return audit_; }

  // The server drains: every stream ends with UNAVAILABLE (its caller resumes elsewhere) and
  // new ones are refused so. Unary calls are not affected (gRPC's own drain finishes them).
  void Drain();

  // Serves one unary call: returns the reactor the generated CallbackService method must
  // return. `method` is the short method name (for logs); `body` runs on the pool and fills
  // the response it captured; its status is the call's status.
  grpc::ServerUnaryReactor* Unary(grpc::CallbackServerContext* context, const char* method,
                                  const MethodAccess& access,
                                  std::function<absl::Status(const Call&)> body);

 private:
  friend class internal::StreamCore;
  // A stream slot: false (and nothing taken) when kMaxStreams run or the server drains.
  bool Enter(internal::StreamCore* stream, absl::Status* refusal);
  void Leave(internal::StreamCore* stream);

  auth::TokenAuthenticator* authenticator_;
  WorkerPool* pool_;
  ResponseAudit* audit_ = nullptr;
  absl::Mutex streams_mu_;
  absl::flat_hash_set<internal::StreamCore*> streams_ ABSL_GUARDED_BY(streams_mu_);
  bool draining_ ABSL_GUARDED_BY(streams_mu_) = false;
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
