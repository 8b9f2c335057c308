#ifndef GOV_COMMON_SERVER_SERVER_H_
#define GOV_COMMON_SERVER_SERVER_H_

#include <pthread.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "grpcpp/grpcpp.h"

namespace grpc {
class CallbackGenericService;
}  // namespace grpc
namespace prometheus {
class Exposer;
class Registry;
}  // namespace prometheus

namespace gov::server {

struct ServerOptions {
  std::string listen = "127.0.0.1:0";  // port 0 picks a free port (tests)
  std::string metrics_bind = "127.0.0.1";
  int metrics_port = -1;  // -1 = no exposer; 0 = a free port
  absl::Duration drain_deadline = absl::Seconds(20);
  // On Shutdown, how long the server keeps accepting and serving calls after its health turned
  // NOT_SERVING, before the drain: the time load balancers and Kubernetes endpoints need to
  // stop sending new calls (readiness probe period x failure threshold). 0 = drain at once.
  absl::Duration drain_grace = absl::ZeroDuration();
  std::vector<grpc::Service*> services;  // not owned; must outlive the server
  // Full names of the services above (e.g. "governance.v1.IndicatorsService"): their health
  // status is kept with the server's, and their metric series exist before the first call.
  // Each must be in the generated descriptor pool.
  std::vector<std::string> service_names;
  // Called when the drain starts (after the grace), before gRPC's own: ends what gRPC would
  // wait for to the deadline (the handlers' server streams: Handlers::Drain).
  std::function<void()> on_drain;
  // Metrics registry to expose and record into; null means MetricsRegistry().
  std::shared_ptr<prometheus::Registry> registry;
  // Credentials of the `listen` port (TLS, mutual TLS: common/util/tls.h); null = plaintext.
  std::shared_ptr<grpc::ServerCredentials> credentials;
  // A second, plaintext port serving only grpc.health.v1 (no reflection, no other service) with
  // the same statuses as the main port, for health checkers that cannot speak its TLS (the
  // kubelet's gRPC probes present no client certificate); "" = none; port 0 picks a free port.
  std::string health_listen;
};

// The one gRPC server bootstrap: callback API, grpc.health.v1 (NOT_SERVING until SetServing
// (true), and again once draining starts), reflection, the metrics interceptor
// (grpc_server_started_total, grpc_server_handled_total{grpc_service,grpc_method,grpc_code},
// grpc_server_handling_seconds), and the Prometheus exposer on its own port.
class Server {
 public:
  static absl::StatusOr<std::unique_ptr<Server>> Start(ServerOptions options);
  ~Server();

  int port() const { return port_; }
  int metrics_port() const { return metrics_port_; }
  // The health-only port (ServerOptions::health_listen); 0 when there is none.
  int health_port() const { return health_port_; }

  // Health of the overall server ("") and of every registered service. Once Shutdown has
  // begun the health stays NOT_SERVING.
  void SetServing(bool serving);

  // Drain: health NOT_SERVING, keep serving for the grace period, then stop accepting, let
  // calls in flight finish until the deadline, then cancel what is left, then stop the exposer.
  // Idempotent; a second caller waits until the first has finished. Wakes WaitForTerminationSignal.
  void Shutdown();

  // Blocks until SIGTERM or SIGINT (or until Shutdown is called from another thread), then
  // Shutdown(). Signals are taken with sigwait on the calling thread; they must be blocked in
  // every thread of the process (BlockTerminationSignals() first thing in main), or the
  // default action kills the process instead. One waiter at a time.
  void WaitForTerminationSignal();

 private:
  Server() = default;
  void SetHealthLocked(bool serving) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  ServerOptions options_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<prometheus::Exposer> exposer_;
  // Answers UNIMPLEMENTED on the health-only port for every method but health's (a server
  // needs a service of its own besides gRPC's default health service); outlives it.
  std::unique_ptr<grpc::CallbackGenericService> health_unimplemented_;
  // Serves health only (options_.health_listen); stopped after the main server has drained.
  std::unique_ptr<grpc::Server> health_server_;
  int port_ = 0;
  int metrics_port_ = 0;
  int health_port_ = 0;

  absl::Mutex mu_;
  bool shutdown_started_ ABSL_GUARDED_BY(mu_) = false;
  bool shutdown_done_ ABSL_GUARDED_BY(mu_) = false;
  // The thread blocked in WaitForTerminationSignal, woken with pthread_kill by Shutdown.
  bool has_waiter_ ABSL_GUARDED_BY(mu_) = false;
  pthread_t waiter_ ABSL_GUARDED_BY(mu_){};
};

// Blocks SIGTERM/SIGINT in the calling thread (and threads it starts afterwards), so that
// WaitForTerminationSignal can take them. Call first thing in main.
void BlockTerminationSignals();

// Global metrics registry shared by the process (interceptor, cache, store, engines).
std::shared_ptr<prometheus::Registry> MetricsRegistry();

}  // namespace gov::server

#endif  // GOV_COMMON_SERVER_SERVER_H_
