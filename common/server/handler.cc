#include "common/server/handler.h"

#include <chrono>
#include <deque>
#include <exception>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "common/log/log.h"
#include "common/util/call_deadline.h"
#include "common/util/status.h"
#include "common/util/validate.h"

namespace gov::server {
namespace {

constexpr char kAuthorizationHeader[] = "authorization";
constexpr char kFieldTrailer[] = "gov-field";
constexpr size_t kMaxTraceIdLength = 64;

std::string Metadata(const grpc::CallbackServerContext* context, const char* key) {
  const auto& md = context->client_metadata();
  auto it = md.find(grpc::string_ref(key));
  if (it == md.end()) return std::string();
  return std::string(it->second.data(), it->second.size());
}

// The purpose the caller gives (Call::purpose).
absl::StatusOr<std::string> Purpose(const grpc::CallbackServerContext* context) {
  const char* header = kPurposeBinHeader;
  std::string purpose = Metadata(context, kPurposeBinHeader);
  if (purpose.empty()) {
    header = kPurposeHeader;
    purpose = Metadata(context, kPurposeHeader);
  }
  if (purpose.empty()) return purpose;
  GOV_RETURN_IF_ERROR(ValidateTextCharacters(purpose, header));
  // One line: what the record shows is what the caller said, nothing laid out by it.
  if (purpose.find_first_of("\t\n\r") != std::string::npos) {
    return InvalidField(header, "contains a control character");
  }
  if (CharCount(purpose) > kMaxPurposeLength) {
    return InvalidField(header, absl::StrCat("longer than ", kMaxPurposeLength, " characters"));
  }
  return purpose;
}

// A caller's trace id is taken as is when it is a plausible id; anything else (too long, odd
// characters that could forge log content) is replaced.
bool IsUsableTraceId(const std::string& id) {
  if (id.empty() || id.size() > kMaxTraceIdLength) return false;
  for (char c : id) {
    if (!absl::ascii_isalnum(c) && c != '-' && c != '_' && c != '.') return false;
  }
  return true;
}

bool IsServerFault(absl::StatusCode code) {
  return code == absl::StatusCode::kInternal || code == absl::StatusCode::kUnknown ||
         code == absl::StatusCode::kDataLoss;
}

// Logs the access line of a call that ends with `status` (and puts the field it names in the
// trailing metadata).
void LogCall(const Call& call, absl::Time start, const absl::Status& status) {
  const std::string field = FieldOf(status);
  if (!field.empty()) call.context->AddTrailingMetadata(kFieldTrailer, field);
  log::Fields fields = {
      {"method", call.method},
      {"code", absl::StatusCodeToString(status.code())},
      {"duration_ms", absl::StrFormat("%.3f", absl::ToDoubleMilliseconds(absl::Now() - start))},
      {"principal", call.principal.id},
      {"trace_id", call.trace_id},
  };
  if (!field.empty()) fields.emplace_back("field", field);
  if (IsServerFault(status.code())) {
    // Only server faults carry their message: client errors may quote the request.
    fields.emplace_back("error", std::string(status.message()));
    log::Error("rpc", fields);
  } else {
    log::Info("rpc", fields);
  }
}

// Logs the access line and finishes the call. `call.context` must not be used afterwards:
// the call may be torn down as soon as Finish returns.
void FinishCall(grpc::ServerUnaryReactor* reactor, const Call& call, absl::Time start,
                const absl::Status& status) {
  LogCall(call, start, status);
  reactor->Finish(ToGrpc(status));
}

}  // namespace

absl::Status CheckAccess(const auth::Principal& principal, const MethodAccess& access,
                         std::string_view method) {
  const absl::string_view name(method.data(), method.size());
  if (principal.HasRole(auth::kDistrictAdmin)) return absl::OkStatus();
  if (!access.all_roles && !principal.HasAnyRole(access.roles)) {
    return absl::PermissionDeniedError(
        absl::StrCat("principal ", principal.id, " may not call ", name, ": it is for ",
                     access.roles.empty()
                         ? std::string("district_admin")
                         : absl::StrCat("district_admin, ", absl::StrJoin(access.roles, ", "))));
  }
  if (access.district_only && !principal.district_wide()) {
    return absl::PermissionDeniedError(absl::StrCat("principal ", principal.id, " may not call ",
                                                    name, ": it is for district-wide callers"));
  }
  return absl::OkStatus();
}

std::string CurrentTraceId() { return log::ThreadTraceId(); }

void AttachTraceId(grpc::ClientContext* context) {
  std::string trace_id = CurrentTraceId();
  if (trace_id.empty()) trace_id = log::NewTraceId();
  context->AddMetadata(log::kTraceHeader, trace_id);
}

Handlers::Handlers(auth::TokenAuthenticator* authenticator, WorkerPool* pool)
    : authenticator_(authenticator), pool_(pool) {}

grpc::ServerUnaryReactor* Handlers::Unary(grpc::CallbackServerContext* context, const char* method,
                                          const MethodAccess& access,
                                          std::function<absl::Status(const Call&)> body) {
  const absl::Time start = absl::Now();
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  Call call;
  call.method = method;
  call.context = context;
  call.trace_id = Metadata(context, log::kTraceHeader);
  if (!IsUsableTraceId(call.trace_id)) call.trace_id = log::NewTraceId();
  context->AddInitialMetadata(log::kTraceHeader, call.trace_id);

  absl::StatusOr<auth::Principal> principal =
      authenticator_->Authenticate(Metadata(context, kAuthorizationHeader));
  if (!principal.ok()) {
    FinishCall(reactor, call, start, principal.status());
    return reactor;
  }
  call.principal = *std::move(principal);
  if (absl::Status allowed = CheckAccess(call.principal, access, method); !allowed.ok()) {
    FinishCall(reactor, call, start, allowed);
    return reactor;
  }
  absl::StatusOr<std::string> purpose = Purpose(context);
  if (!purpose.ok()) {
    FinishCall(reactor, call, start, purpose.status());
    return reactor;
  }
  call.purpose = *std::move(purpose);

  // The task owns the call description; the context stays valid until the reactor finishes.
  auto task = [reactor, start, call, body = std::move(body)]() {
    log::ScopedTraceId scoped(call.trace_id);
    const ScopedCallDeadline deadline(absl::FromChrono(call.context->deadline()));
    absl::Status status;
    // Deadline first: a call past its deadline also counts as cancelled.
    if (call.context->deadline() <= std::chrono::system_clock::now()) {
      status = absl::DeadlineExceededError("deadline passed while queued");
    } else if (call.context->IsCancelled()) {
      status = absl::CancelledError("call cancelled while queued");
    } else {
      try {
        status = body(call);
      } catch (const std::exception& e) {
        // A throwing handler must not take the whole process down with it.
        status = absl::InternalError(absl::StrCat("handler threw: ", e.what()));
      }
    }
    FinishCall(reactor, call, start, status);
  };
  if (!pool_->Submit(std::move(task))) {
    FinishCall(reactor, call, start, absl::ResourceExhaustedError("server busy"));
  }
  return reactor;
}

// ---- Server streams ----

bool Handlers::Enter(internal::StreamCore* stream, absl::Status* refusal) {
  absl::MutexLock lock(&streams_mu_);
  if (draining_) {
    *refusal = absl::UnavailableError("the server is draining: call another replica");
    return false;
  }
  if (streams_.size() >= kMaxStreams) {
    *refusal = absl::ResourceExhaustedError(
        absl::StrCat("server busy: ", kMaxStreams, " streams are open"));
    return false;
  }
  streams_.insert(stream);
  return true;
}

void Handlers::Leave(internal::StreamCore* stream) {
  absl::MutexLock lock(&streams_mu_);
  streams_.erase(stream);
}

void Handlers::Drain() {
  absl::MutexLock lock(&streams_mu_);
  draining_ = true;
  for (internal::StreamCore* stream : streams_) stream->Drain();
}

namespace internal {

StreamCore::StreamCore(Handlers* handlers, grpc::CallbackServerContext* context, const char* method)
    : handlers_(handlers), context_(context), method_(method), start_(absl::Now()) {}

StreamCore::~StreamCore() { JoinBody(); }

// gRPC may run OnDone on the body's own thread, right from its Finish: that thread then ends
// on its own (nothing of the core is touched after Finish).
void StreamCore::JoinBody() {
  if (!thread_.joinable()) return;
  if (thread_.get_id() == std::this_thread::get_id()) {
    thread_.detach();
  } else {
    thread_.join();
  }
}

void StreamCore::Start(const MethodAccess& access,
                       std::function<absl::Status(const Call&, StreamWriter&)> body,
                       std::function<void(const google::protobuf::Message&)> start_write,
                       std::function<void(const grpc::Status&)> finish) {
  start_write_ = std::move(start_write);
  finish_ = std::move(finish);
  Call call;
  call.method = method_;
  call.context = context_;
  call.trace_id = Metadata(context_, log::kTraceHeader);
  if (!IsUsableTraceId(call.trace_id)) call.trace_id = log::NewTraceId();
  context_->AddInitialMetadata(log::kTraceHeader, call.trace_id);
  absl::StatusOr<auth::Principal> principal =
      handlers_->authenticator_->Authenticate(Metadata(context_, kAuthorizationHeader));
  absl::Status admitted = principal.status();
  if (admitted.ok()) {
    call.principal = *std::move(principal);
    admitted = CheckAccess(call.principal, access, method_);
  }
  if (admitted.ok() && handlers_->Enter(this, &admitted)) registered_ = true;
  if (!admitted.ok()) {
    LogCall(call, start_, admitted);
    finish_(ToGrpc(admitted));
    return;
  }
  thread_ = std::thread([this, call = std::move(call), body = std::move(body)]() {
    log::ScopedTraceId scoped(call.trace_id);
    const ScopedCallDeadline deadline(absl::FromChrono(call.context->deadline()),
                                      /*unary=*/false);
    absl::Status status;
    try {
      status = body(call, *this);
    } catch (const std::exception& e) {
      status = absl::InternalError(absl::StrCat("handler threw: ", e.what()));
    }
    // A body that stopped because the stream is over ends with why.
    if (status.ok()) {
      if (absl::Status over = Over(); !over.ok()) status = over;
    }
    handlers_->Leave(this);
    registered_ = false;
    LogCall(call, start_, status);
    finish_(ToGrpc(status));
  });
}

void StreamCore::OnWriteDone(bool ok) {
  absl::MutexLock lock(&mu_);
  writing_ = false;
  write_ok_ = ok;
}

void StreamCore::OnCancel() {
  absl::MutexLock lock(&mu_);
  cancelled_ = true;
}

void StreamCore::OnDone() {
  JoinBody();
  if (registered_) handlers_->Leave(this);
}

void StreamCore::Drain() {
  absl::MutexLock lock(&mu_);
  draining_ = true;
}

bool StreamCore::Write(const google::protobuf::Message& message) {
  {
    absl::MutexLock lock(&mu_);
    if (cancelled_ || draining_ || !write_ok_) return false;
    writing_ = true;
  }
  // Outside the lock: gRPC may report the write done (OnWriteDone) before StartWrite returns.
  start_write_(message);
  absl::MutexLock lock(&mu_);
  // gRPC reports every write started, also when the call is cancelled meanwhile.
  mu_.Await(absl::Condition(
      +[](StreamCore* self) ABSL_EXCLUSIVE_LOCKS_REQUIRED(self->mu_) { return !self->writing_; },
      this));
  return write_ok_ && !cancelled_ && !draining_;
}

bool StreamCore::Wait(absl::Duration timeout) {
  absl::MutexLock lock(&mu_);
  mu_.AwaitWithTimeout(absl::Condition(
                           +[](StreamCore* self) ABSL_EXCLUSIVE_LOCKS_REQUIRED(self->mu_) {
                             return self->cancelled_ || self->draining_;
                           },
                           this),
                       timeout);
  return !(cancelled_ || draining_ || !write_ok_);
}

absl::Status StreamCore::Over() const {
  absl::MutexLock lock(&mu_);
  if (draining_) return absl::UnavailableError("the server is draining: resume elsewhere");
  if (cancelled_ || !write_ok_) return absl::CancelledError("the stream was cancelled");
  if (context_->deadline() <= std::chrono::system_clock::now()) {
    return absl::DeadlineExceededError("the stream's deadline passed");
  }
  return absl::OkStatus();
}

}  // namespace internal

struct WorkerPool::Impl {
  explicit Impl(int max_queue) : max_queue(static_cast<size_t>(max_queue)) {}

  void Run() {
    while (true) {
      std::function<void()> task;
      {
        absl::MutexLock lock(&mu);
        mu.Await(absl::Condition(
            +[](Impl* self) ABSL_EXCLUSIVE_LOCKS_REQUIRED(self->mu) {
              return !self->queue.empty() || self->stopping;
            },
            this));
        if (queue.empty()) return;  // stopping, and nothing left to do
        task = std::move(queue.front());
        queue.pop_front();
      }
      task();
    }
  }

  const size_t max_queue;
  absl::Mutex mu;
  std::deque<std::function<void()>> queue ABSL_GUARDED_BY(mu);
  bool stopping ABSL_GUARDED_BY(mu) = false;
  std::vector<std::thread> threads;
};

WorkerPool::WorkerPool(int threads, int max_queue)
    : impl_(std::make_unique<Impl>(max_queue > 0 ? max_queue : 1)) {
  const int n = threads > 0 ? threads : 1;
  impl_->threads.reserve(n);
  for (int i = 0; i < n; ++i) impl_->threads.emplace_back([this] { impl_->Run(); });
}

WorkerPool::~WorkerPool() {
  {
    absl::MutexLock lock(&impl_->mu);
    impl_->stopping = true;
  }
  for (std::thread& t : impl_->threads) t.join();
}

bool WorkerPool::Submit(std::function<void()> task) {
  absl::MutexLock lock(&impl_->mu);
  if (impl_->stopping || impl_->queue.size() >= impl_->max_queue) return false;
  impl_->queue.push_back(std::move(task));
  return true;
}

}  // namespace gov::server
