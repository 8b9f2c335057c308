#include "common/server/server.h"

#include <signal.h>

#include <chrono>
#include <cstring>
#include <exception>
#include <memory>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/log/log.h"
#include "common/server/metrics_interceptor.h"
#include "google/protobuf/descriptor.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/generic/async_generic_service.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/impl/server_builder_option.h"
#include "grpcpp/impl/server_builder_plugin.h"
#include "prometheus/exposer.h"
#include "prometheus/registry.h"

namespace gov::server {
namespace {

sigset_t TerminationSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  return set;
}

// Removes the builder's plugins (server reflection): the health-only port serves nothing but
// grpc.health.v1.
class NoPlugins final : public grpc::ServerBuilderOption {
 public:
  void UpdateArguments(grpc::ChannelArguments*) override {}
  void UpdatePlugins(std::vector<std::unique_ptr<grpc::ServerBuilderPlugin>>* plugins) override {
    plugins->clear();
  }
};

// "host:port" for civetweb; an IPv6 address needs brackets.
std::string BindAddress(const std::string& host, int port) {
  if (absl::StrContains(host, ':') && !absl::StartsWith(host, "[")) {
    return absl::StrCat("[", host, "]:", port);
  }
  return absl::StrCat(host, ":", port);
}

}  // namespace

std::shared_ptr<prometheus::Registry> MetricsRegistry() {
  static const auto* registry =
      new std::shared_ptr<prometheus::Registry>(std::make_shared<prometheus::Registry>());
  return *registry;
}

void BlockTerminationSignals() {
  const sigset_t set = TerminationSignals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

absl::StatusOr<std::unique_ptr<Server>> Server::Start(ServerOptions options) {
  for (const std::string& name : options.service_names) {
    if (google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(name) == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat("unknown gRPC service \"", name, "\""));
    }
  }
  if (options.registry == nullptr) options.registry = MetricsRegistry();

  auto server = std::unique_ptr<Server>(new Server());
  server->options_ = std::move(options);
  const ServerOptions& opts = server->options_;

  if (opts.metrics_port >= 0) {
    const std::string bind = BindAddress(opts.metrics_bind, opts.metrics_port);
    // prometheus-cpp reports a failed bind by throwing; it stays inside this function.
    try {
      server->exposer_ = std::make_unique<prometheus::Exposer>(bind);
    } catch (const std::exception& e) {
      return absl::UnavailableError(absl::StrCat("cannot serve metrics on ", bind, ": ", e.what()));
    }
    server->exposer_->RegisterCollectable(opts.registry);
    const std::vector<int> ports = server->exposer_->GetListeningPorts();
    if (ports.empty()) {
      return absl::UnavailableError(absl::StrCat("cannot serve metrics on ", bind));
    }
    server->metrics_port_ = ports.front();
  }

  // Both are process-wide switches read by the builder, so they must come before it.
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();

  grpc::ServerBuilder builder;
  // gRPC sets SO_REUSEPORT by default: a second instance on the same port would then share
  // the traffic silently instead of failing to start.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  const bool tls = opts.credentials != nullptr;
  builder.AddListeningPort(opts.listen, tls ? opts.credentials : grpc::InsecureServerCredentials(),
                           &server->port_);
  for (grpc::Service* service : opts.services) builder.RegisterService(service);
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> creators;
  creators.push_back(
      std::make_unique<MetricsInterceptorFactory>(opts.registry, opts.service_names));
  builder.experimental().SetInterceptorCreators(std::move(creators));
  server->server_ = builder.BuildAndStart();
  if (server->server_ == nullptr || server->port_ == 0) {
    return absl::UnavailableError(absl::StrCat("cannot listen on ", opts.listen));
  }
  if (!opts.health_listen.empty()) {
    // Its own server, so that nothing but health is reachable without the main port's TLS; the
    // default health service it gets (enabled above) is kept in step by SetHealthLocked.
    grpc::ServerBuilder health;
    health.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
    health.SetOption(std::make_unique<NoPlugins>());
    server->health_unimplemented_ = std::make_unique<grpc::CallbackGenericService>();
    health.RegisterCallbackGenericService(server->health_unimplemented_.get());
    health.AddListeningPort(opts.health_listen, grpc::InsecureServerCredentials(),
                            &server->health_port_);
    server->health_server_ = health.BuildAndStart();
    if (server->health_server_ == nullptr || server->health_port_ == 0) {
      server->server_->Shutdown(std::chrono::system_clock::now());
      server->server_->Wait();
      server->server_.reset();
      return absl::UnavailableError(
          absl::StrCat("cannot listen on ", opts.health_listen, " (health port)"));
    }
  }
  {
    absl::MutexLock lock(&server->mu_);
    server->SetHealthLocked(false);
  }
  log::Info("server started", {{"listen", opts.listen},
                               {"port", absl::StrCat(server->port_)},
                               {"transport", tls ? "tls" : "plaintext"},
                               {"health_port", absl::StrCat(server->health_port_)},
                               {"metrics_port", absl::StrCat(server->metrics_port_)}});
  return server;
}

Server::~Server() {
  if (server_ != nullptr) Shutdown();
}

void Server::SetHealthLocked(bool serving) {
  for (grpc::Server* server : {server_.get(), health_server_.get()}) {
    if (server == nullptr) continue;
    grpc::HealthCheckServiceInterface* health = server->GetHealthCheckService();
    if (health == nullptr) continue;
    health->SetServingStatus("", serving);
    for (const std::string& name : options_.service_names) {
      health->SetServingStatus(name, serving);
    }
  }
}

void Server::SetServing(bool serving) {
  absl::MutexLock lock(&mu_);
  if (shutdown_started_) return;
  SetHealthLocked(serving);
  log::Info(serving ? "serving" : "not serving");
}

void Server::Shutdown() {
  {
    absl::MutexLock lock(&mu_);
    if (shutdown_started_) {
      mu_.Await(absl::Condition(&shutdown_done_));
      return;
    }
    shutdown_started_ = true;
    // The waiter has the signal blocked and is (or is about to be) in sigwait, which takes a
    // signal directed at its thread as well as one sent to the process.
    if (has_waiter_) pthread_kill(waiter_, SIGTERM);
    SetHealthLocked(false);
    for (grpc::Server* server : {server_.get(), health_server_.get()}) {
      if (server == nullptr) continue;
      if (grpc::HealthCheckServiceInterface* health = server->GetHealthCheckService()) {
        health->Shutdown();
      }
    }
  }
  if (options_.drain_grace > absl::ZeroDuration()) {
    // Health says NOT_SERVING; calls still arriving (a balancer that has not noticed yet) are
    // served as usual until the grace period ends.
    log::Info("not serving; grace period before the drain",
              {{"grace_s", absl::StrCat(absl::ToDoubleSeconds(options_.drain_grace))}});
    absl::SleepFor(options_.drain_grace);
  }
  log::Info("draining",
            {{"deadline_s", absl::StrCat(absl::ToDoubleSeconds(options_.drain_deadline))}});
  if (options_.on_drain) options_.on_drain();
  server_->Shutdown(absl::ToChronoTime(absl::Now() + options_.drain_deadline));
  server_->Wait();
  if (health_server_ != nullptr) {
    // Probes still get their NOT_SERVING until the main port has drained; health watches end now.
    health_server_->Shutdown(std::chrono::system_clock::now());
    health_server_->Wait();
  }
  // civetweb polls with a 2 s quantum, so stopping it takes up to that long.
  exposer_.reset();
  log::Info("server stopped");
  absl::MutexLock lock(&mu_);
  shutdown_done_ = true;
}

void Server::WaitForTerminationSignal() {
  const sigset_t set = TerminationSignals();
  // sigwait needs the signals blocked in this thread; the caller should have done it already.
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  bool waited = false;
  {
    absl::MutexLock lock(&mu_);
    if (!shutdown_started_) {
      has_waiter_ = true;
      waiter_ = pthread_self();
      waited = true;
    }
  }
  if (waited) {
    int signal = 0;
    sigwait(&set, &signal);
    absl::MutexLock lock(&mu_);
    has_waiter_ = false;
    if (!shutdown_started_) {
      log::Info("termination signal", {{"signal", sigabbrev_np(signal)}});
    }
  }
  Shutdown();
}

}  // namespace gov::server
