#ifndef GOV_COMMON_SERVER_METRICS_INTERCEPTOR_H_
#define GOV_COMMON_SERVER_METRICS_INTERCEPTOR_H_

#include <memory>
#include <string>
#include <vector>

#include "grpcpp/support/server_interceptor.h"

namespace prometheus {
class Registry;
}  // namespace prometheus

namespace gov::server {

// Records the server metrics of go-grpc-prometheus, which the common Grafana gRPC dashboards
// read, for every call:
//   grpc_server_started_total{grpc_service,grpc_method,grpc_type}
//   grpc_server_handled_total{grpc_service,grpc_method,grpc_type,grpc_code}
//   grpc_server_handling_seconds{grpc_service,grpc_method,grpc_type} (histogram)
// grpc_code is the canonical code name ("OK", "INVALID_ARGUMENT", ...). Label values are
// bounded: a method that is not in the generated descriptor pool (or grpc.health.v1) is
// counted as grpc_service="unknown", grpc_method="unknown".
class MetricsInterceptorFactory final
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  // Series of every method of `service_names` (full names, e.g.
  // "governance.v1.IndicatorsService") are created at once, for every code, so dashboards
  // and rate() see them before the first call. The families are registered in `registry`
  // (merged with ones already there).
  MetricsInterceptorFactory(std::shared_ptr<prometheus::Registry> registry,
                            const std::vector<std::string>& service_names);
  ~MetricsInterceptorFactory() override;

  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override;

 private:
  struct Metrics;
  std::shared_ptr<Metrics> metrics_;
};

}  // namespace gov::server

#endif  // GOV_COMMON_SERVER_METRICS_INTERCEPTOR_H_
