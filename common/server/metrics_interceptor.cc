#include "common/server/metrics_interceptor.h"

#include <array>
#include <chrono>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "google/protobuf/descriptor.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"

namespace gov::server {
namespace {

using Type = grpc::experimental::ServerRpcInfo::Type;
using Hook = grpc::experimental::InterceptionHookPoints;

constexpr int kCodeCount = 17;  // OK .. UNAUTHENTICATED
constexpr char kUnknown[] = "unknown";

const char* TypeName(Type type) {
  switch (type) {
    case Type::UNARY:
      return "unary";
    case Type::CLIENT_STREAMING:
      return "client_stream";
    case Type::SERVER_STREAMING:
      return "server_stream";
    case Type::BIDI_STREAMING:
      return "bidi_stream";
  }
  return "unary";
}

Type TypeOf(const google::protobuf::MethodDescriptor& method) {
  if (method.client_streaming()) {
    return method.server_streaming() ? Type::BIDI_STREAMING : Type::CLIENT_STREAMING;
  }
  return method.server_streaming() ? Type::SERVER_STREAMING : Type::UNARY;
}

// The health service is implemented by gRPC without generated descriptors.
constexpr char kHealthService[] = "grpc.health.v1.Health";

bool IsKnownMethod(absl::string_view service, absl::string_view method) {
  if (service == kHealthService) return method == "Check" || method == "Watch";
  const google::protobuf::ServiceDescriptor* descriptor =
      google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(std::string(service));
  return descriptor != nullptr && descriptor->FindMethodByName(std::string(method)) != nullptr;
}

// The series of one (service, method, type).
struct MethodSeries {
  prometheus::Counter* started = nullptr;
  prometheus::Histogram* handling = nullptr;
  std::array<prometheus::Counter*, kCodeCount> handled{};
};

}  // namespace

struct MetricsInterceptorFactory::Metrics {
  explicit Metrics(std::shared_ptr<prometheus::Registry> r)
      : registry(std::move(r)),
        started(prometheus::BuildCounter()
                    .Name("grpc_server_started_total")
                    .Help("Total number of RPCs started on the server.")
                    .Register(*registry)),
        handled(prometheus::BuildCounter()
                    .Name("grpc_server_handled_total")
                    .Help("Total number of RPCs completed on the server, regardless of success "
                          "or failure.")
                    .Register(*registry)),
        handling(prometheus::BuildHistogram()
                     .Name("grpc_server_handling_seconds")
                     .Help("Histogram of response latency (seconds) of gRPC that had been "
                           "application-level handled by the server.")
                     .Register(*registry)) {}

  // The series of a method, created on first use. Family::Add returns the existing child for
  // known labels, so two servers sharing a registry share the series too.
  const MethodSeries* Series(const std::string& service, const std::string& method, Type type) {
    const std::string key = absl::StrCat(service, "/", method, "/", static_cast<int>(type));
    {
      absl::ReaderMutexLock lock(&mu);
      if (auto it = by_key.find(key); it != by_key.end()) return it->second.get();
    }
    absl::MutexLock lock(&mu);
    auto& slot = by_key[key];
    if (slot == nullptr) {
      auto series = std::make_unique<MethodSeries>();
      const prometheus::Labels labels = {
          {"grpc_service", service}, {"grpc_method", method}, {"grpc_type", TypeName(type)}};
      series->started = &started.Add(labels);
      // Default buckets of the Prometheus client libraries, as go-grpc-prometheus uses.
      series->handling =
          &handling.Add(labels, prometheus::Histogram::BucketBoundaries{
                                    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10});
      for (int code = 0; code < kCodeCount; ++code) {
        prometheus::Labels with_code = labels;
        with_code["grpc_code"] = absl::StatusCodeToString(static_cast<absl::StatusCode>(code));
        series->handled[code] = &handled.Add(with_code);
      }
      slot = std::move(series);
    }
    return slot.get();
  }

  const std::shared_ptr<prometheus::Registry> registry;
  prometheus::Family<prometheus::Counter>& started;
  prometheus::Family<prometheus::Counter>& handled;
  prometheus::Family<prometheus::Histogram>& handling;
  absl::Mutex mu;
  absl::flat_hash_map<std::string, std::unique_ptr<MethodSeries>> by_key ABSL_GUARDED_BY(mu);
};

namespace {

class MetricsInterceptor final : public grpc::experimental::Interceptor {
 public:
  explicit MetricsInterceptor(const MethodSeries* series)
      : series_(series), start_(std::chrono::steady_clock::now()) {
    series_->started->Increment();
  }

  // A call torn down without a status (the server shut down under it) still counts, so that
  // started == sum of handled.
  ~MetricsInterceptor() override {
    if (!recorded_) Record(grpc::StatusCode::CANCELLED);
  }

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(Hook::PRE_SEND_STATUS)) {
      Record(methods->GetSendStatus().error_code());
    }
    methods->Proceed();
  }

 private:
  void Record(grpc::StatusCode code) {
    recorded_ = true;
    const int index = static_cast<int>(code);
    series_->handled[index >= 0 && index < kCodeCount ? index : grpc::StatusCode::UNKNOWN]
        ->Increment();
    series_->handling->Observe(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count());
  }

  const MethodSeries* series_;
  const std::chrono::steady_clock::time_point start_;
  bool recorded_ = false;
};

}  // namespace

MetricsInterceptorFactory::MetricsInterceptorFactory(std::shared_ptr<prometheus::Registry> registry,
                                                     const std::vector<std::string>& service_names)
    : metrics_(std::make_shared<Metrics>(std::move(registry))) {
  for (const std::string& name : service_names) {
    const google::protobuf::ServiceDescriptor* service =
        google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(name);
    if (service == nullptr) continue;
    for (int i = 0; i < service->method_count(); ++i) {
      const google::protobuf::MethodDescriptor* method = service->method(i);
      metrics_->Series(service->full_name(), method->name(), TypeOf(*method));
    }
  }
}

MetricsInterceptorFactory::~MetricsInterceptorFactory() = default;

grpc::experimental::Interceptor* MetricsInterceptorFactory::CreateServerInterceptor(
    grpc::experimental::ServerRpcInfo* info) {
  // "/package.Service/Method"
  const absl::string_view path = info->method() == nullptr ? "" : info->method();
  std::string service = kUnknown;
  std::string method = kUnknown;
  if (const size_t slash = path.rfind('/');
      slash != absl::string_view::npos && slash > 1 && path[0] == '/' &&
      IsKnownMethod(path.substr(1, slash - 1), path.substr(slash + 1))) {
    service = std::string(path.substr(1, slash - 1));
    method = std::string(path.substr(slash + 1));
  }
  return new MetricsInterceptor(metrics_->Series(service, method, info->type()));
}

}  // namespace gov::server
