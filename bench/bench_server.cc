// The empty-handler baseline of the benchmarks: the framework's ceiling on this machine. It runs
// the same bootstrap as every track (gov::server::Server: health, reflection, the metrics
// interceptor, drain) and the same handler wrapper (Handlers::Unary: trace id, token auth,
// access check, worker pool, access log), serving governance.v1.IndicatorsService whose
// ListIndicators answers an empty response at once. Every other method is UNIMPLEMENTED.
//
//   bench_server --tokens_file=PATH [--listen=127.0.0.1:0] [--workers=8] [--max_queue=1024]
//                [--metrics_port=-1] [--log_level=info]
//
// Prints "port=<n>" on stdout once it serves, and drains on SIGTERM/SIGINT.

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/auth/auth.h"
#include "common/clock/clock.h"
#include "common/log/log.h"
#include "common/server/handler.h"
#include "common/server/rpc_service.h"
#include "common/server/server.h"
#include "governance/v1/indicators.grpc.pb.h"

namespace gov::bench {
namespace {

namespace v1 = governance::v1;

constexpr char kUsage[] =
    "usage: bench_server --tokens_file=PATH [--listen=127.0.0.1:0] [--workers=8]\n"
    "                    [--max_queue=1024] [--metrics_port=-1] [--log_level=info]\n";

struct Flags {
  std::string listen = "127.0.0.1:0";
  std::string tokens_file;
  int workers = 8;
  int max_queue = 1024;
  int metrics_port = -1;  // -1 = no exposer, 0 = any free port
  std::string log_level = "info";
};

// Parses --name=value flags; false (after printing why) on anything unknown or malformed.
bool ParseFlags(int argc, char** argv, Flags* flags) {
  for (int i = 1; i < argc; ++i) {
    absl::string_view arg = argv[i];
    const size_t eq = arg.find('=');
    if (!absl::StartsWith(arg, "--") || eq == absl::string_view::npos) {
      std::fprintf(stderr, "bench_server: expected --name=value, got \"%s\"\n", argv[i]);
      return false;
    }
    const absl::string_view name = arg.substr(2, eq - 2);
    const std::string value(arg.substr(eq + 1));
    bool ok = true;
    if (name == "listen") {
      flags->listen = value;
    } else if (name == "tokens_file") {
      flags->tokens_file = value;
    } else if (name == "workers") {
      ok = absl::SimpleAtoi(value, &flags->workers) && flags->workers > 0;
    } else if (name == "max_queue") {
      ok = absl::SimpleAtoi(value, &flags->max_queue) && flags->max_queue > 0;
    } else if (name == "metrics_port") {
      ok = absl::SimpleAtoi(value, &flags->metrics_port) && flags->metrics_port >= -1 &&
           flags->metrics_port <= 65535;
    } else if (name == "log_level") {
      log::Level level;
      ok = log::ParseLevel(value, &level);
      flags->log_level = value;
    } else {
      std::fprintf(stderr, "bench_server: unknown flag --%s\n", std::string(name).c_str());
      return false;
    }
    if (!ok) {
      std::fprintf(stderr, "bench_server: bad value for --%s: \"%s\"\n", std::string(name).c_str(),
                   value.c_str());
      return false;
    }
  }
  if (flags->tokens_file.empty()) {
    std::fputs("bench_server: --tokens_file is required\n", stderr);
    return false;
  }
  return true;
}

// IndicatorsService.ListIndicators with a body that does nothing, bound as every track binds
// its methods (server::RpcService): what is measured is the bootstrap and the wrapper, which
// every track's methods pay as well.
std::unique_ptr<server::RpcService> EmptyIndicatorsService(server::Handlers* handlers) {
  auto service = std::make_unique<server::RpcService>(
      v1::IndicatorsService::service_full_name(), handlers,
      std::vector<std::string>{auth::kStreetOperator, auth::kViewer, auth::kSystem});
  service->BindBody<v1::ListIndicatorsRequest, v1::ListIndicatorsResponse>(
      "ListIndicators", [](const server::Call&, const v1::ListIndicatorsRequest&,
                           v1::ListIndicatorsResponse*) { return absl::OkStatus(); });
  return service;
}

int Run(int argc, char** argv) {
  server::BlockTerminationSignals();
  Flags flags;
  if (!ParseFlags(argc, argv, &flags)) {
    std::fputs(kUsage, stderr);
    return 2;
  }
  log::SetService("bench_server");
  log::Level level = log::Level::kInfo;
  log::ParseLevel(flags.log_level, &level);
  log::SetLevel(level);

  auto authenticator = auth::TokenAuthenticator::Open(flags.tokens_file, SystemClock::Get());
  if (!authenticator.ok()) {
    log::Error("start failed", {{"error", authenticator.status().ToString()}});
    return 1;
  }
  auto pool = std::make_unique<server::WorkerPool>(flags.workers, flags.max_queue);
  server::Handlers handlers(authenticator->get(), pool.get());
  std::unique_ptr<server::RpcService> service = EmptyIndicatorsService(&handlers);

  server::ServerOptions options;
  options.listen = flags.listen;
  options.metrics_port = flags.metrics_port;
  options.services = {service.get()};
  options.service_names = {service->full_name()};
  auto started = server::Server::Start(std::move(options));
  if (!started.ok()) {
    log::Error("start failed", {{"error", started.status().ToString()}});
    return 1;
  }
  std::unique_ptr<server::Server> srv = *std::move(started);
  srv->SetServing(true);
  std::printf("port=%d\n", srv->port());
  std::fflush(stdout);
  log::Info("ready", {{"port", absl::StrCat(srv->port())},
                      {"metrics_port", absl::StrCat(srv->metrics_port())},
                      {"workers", absl::StrCat(flags.workers)}});
  srv->WaitForTerminationSignal();
  // As the track runner does: the server has drained, the pool finishes what was queued, and
  // only then the server (and after it the service it calls) goes away.
  pool.reset();
  srv.reset();
  log::Info("stopped");
  return 0;
}

}  // namespace
}  // namespace gov::bench

int main(int argc, char** argv) { return gov::bench::Run(argc, argv); }
