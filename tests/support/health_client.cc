#include "tests/support/health_client.h"

#include <cstdint>
#include <functional>
#include <utility>

#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "google/protobuf/unknown_field_set.h"
#include "grpcpp/generic/generic_stub.h"

namespace gov::testing {

grpc::ByteBuffer ToBuffer(const std::string& bytes) {
  grpc::Slice slice(bytes);
  return grpc::ByteBuffer(&slice, 1);
}

std::string FromBuffer(const grpc::ByteBuffer& buffer) {
  std::vector<grpc::Slice> slices;
  std::string out;
  if (!buffer.Dump(&slices).ok()) return out;
  for (const grpc::Slice& s : slices) {
    out.append(reinterpret_cast<const char*>(s.begin()), s.size());
  }
  return out;
}

namespace {

constexpr char kCheckMethod[] = "/grpc.health.v1.Health/Check";
constexpr char kWatchMethod[] = "/grpc.health.v1.Health/Watch";

void AppendVarint(std::string* out, uint64_t value) {
  while (value >= 0x80) {
    out->push_back(static_cast<char>((value & 0x7f) | 0x80));
    value >>= 7;
  }
  out->push_back(static_cast<char>(value));
}

// HealthCheckRequest { string service = 1; }
std::string HealthRequest(const std::string& service) {
  std::string out;
  if (service.empty()) return out;
  AppendVarint(&out, (1 << 3) | 2);
  AppendVarint(&out, service.size());
  out.append(service);
  return out;
}

// HealthCheckResponse { ServingStatus status = 1; } (absent = UNKNOWN); -1 if malformed.
int ParseHealthResponse(const std::string& bytes) {
  google::protobuf::UnknownFieldSet fields;
  if (!fields.ParseFromString(bytes)) return -1;
  int status = kHealthUnknown;
  for (int i = 0; i < fields.field_count(); ++i) {
    const google::protobuf::UnknownField& f = fields.field(i);
    if (f.number() == 1 && f.type() == google::protobuf::UnknownField::TYPE_VARINT) {
      status = static_cast<int>(f.varint());
    }
  }
  return status;
}

// A generic stream call driven by the callback API: writes the requests in order, half-closes,
// and hands every response to `on_message` (on a gRPC thread) until the call ends.
class StreamReactor final : public grpc::ClientBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer> {
 public:
  StreamReactor(std::shared_ptr<grpc::Channel> channel, std::vector<std::string> requests,
                std::function<void(std::string)> on_message, absl::Duration timeout)
      : stub_(std::move(channel)),
        requests_(std::move(requests)),
        on_message_(std::move(on_message)) {
    context_.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  }

  void Start(const std::string& method) {
    stub_.PrepareBidiStreamingCall(&context_, method, grpc::StubOptions(), this);
    StartRead(&in_);
    WriteNext();
    StartCall();
  }

  void Cancel() { context_.TryCancel(); }

  grpc::Status Await() {
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(&done_));
    return status_;
  }

  void OnWriteDone(bool ok) override {
    if (ok) WriteNext();
  }

  void OnReadDone(bool ok) override {
    if (!ok) return;
    on_message_(FromBuffer(in_));
    StartRead(&in_);
  }

  void OnDone(const grpc::Status& status) override {
    absl::MutexLock lock(&mu_);
    status_ = status;
    done_ = true;
  }

 private:
  void WriteNext() {
    if (next_ < requests_.size()) {
      out_ = ToBuffer(requests_[next_++]);
      StartWrite(&out_);
    } else {
      StartWritesDone();
    }
  }

  grpc::GenericStub stub_;
  grpc::ClientContext context_;
  const std::vector<std::string> requests_;
  const std::function<void(std::string)> on_message_;
  size_t next_ = 0;  // only touched by the reactor's serialized write path
  grpc::ByteBuffer out_;
  grpc::ByteBuffer in_;
  absl::Mutex mu_;
  bool done_ ABSL_GUARDED_BY(mu_) = false;
  grpc::Status status_ ABSL_GUARDED_BY(mu_);
};

}  // namespace

int HealthStatus(const std::shared_ptr<grpc::Channel>& channel, const std::string& service,
                 grpc::Status* rpc_status, absl::Duration timeout) {
  grpc::GenericStub stub(channel);
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  const grpc::ByteBuffer request = ToBuffer(HealthRequest(service));
  grpc::ByteBuffer response;
  grpc::Status status;
  absl::Notification done;
  stub.UnaryCall(&context, kCheckMethod, grpc::StubOptions(), &request, &response,
                 [&](grpc::Status s) {
                   status = std::move(s);
                   done.Notify();
                 });
  done.WaitForNotification();
  if (rpc_status != nullptr) *rpc_status = status;
  if (!status.ok()) return -1;
  return ParseHealthResponse(FromBuffer(response));
}

class HealthWatch::Reactor {
 public:
  Reactor(const std::shared_ptr<grpc::Channel>& channel, const std::string& service)
      : stream_(
            channel, {HealthRequest(service)},
            [this](std::string bytes) {
              absl::MutexLock lock(&mu_);
              statuses_.push_back(ParseHealthResponse(bytes));
            },
            // The stream lives as long as the watch; the destructor cancels it.
            absl::Hours(1)) {
    stream_.Start(kWatchMethod);
  }

  ~Reactor() {
    stream_.Cancel();
    stream_.Await();
  }

  bool WaitForStatus(int status, absl::Duration timeout) {
    absl::MutexLock lock(&mu_);
    auto latest_is = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return !statuses_.empty() && statuses_.back() == status;
    };
    return mu_.AwaitWithTimeout(absl::Condition(&latest_is), timeout);
  }

  std::vector<int> Statuses() {
    absl::MutexLock lock(&mu_);
    return statuses_;
  }

 private:
  absl::Mutex mu_;
  std::vector<int> statuses_ ABSL_GUARDED_BY(mu_);
  StreamReactor stream_;  // last: its callbacks use the members above
};

HealthWatch::HealthWatch(const std::shared_ptr<grpc::Channel>& channel, const std::string& service)
    : reactor_(std::make_unique<Reactor>(channel, service)) {}

HealthWatch::~HealthWatch() = default;

bool HealthWatch::WaitForStatus(int status, absl::Duration timeout) {
  return reactor_->WaitForStatus(status, timeout);
}

std::vector<int> HealthWatch::Statuses() { return reactor_->Statuses(); }

grpc::Status CallStream(const std::shared_ptr<grpc::Channel>& channel, const std::string& method,
                        const std::vector<std::string>& requests,
                        std::vector<std::string>* responses, absl::Duration timeout) {
  absl::Mutex mu;
  std::vector<std::string> received;
  StreamReactor stream(
      channel, requests,
      [&](std::string bytes) {
        absl::MutexLock lock(&mu);
        received.push_back(std::move(bytes));
      },
      timeout);
  stream.Start(method);
  grpc::Status status = stream.Await();
  absl::MutexLock lock(&mu);
  *responses = std::move(received);
  return status;
}

}  // namespace gov::testing
