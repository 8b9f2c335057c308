#include "common/server/track_main.h"

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <utility>

#include "absl/debugging/failure_signal_handler.h"
#include "absl/debugging/symbolize.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/log/log.h"
#include "common/privacy/read_audit.h"
#include "common/server/server.h"
#include "common/store/open.h"
#include "common/util/status.h"
#include "common/util/tls.h"
#include "grpc/support/log.h"

namespace gov::server {
namespace {

// gRPC core's own messages (bind failures, transport errors) go through the same JSON log as
// everything else, so stderr stays one JSON object per line.
void LogFromGrpc(gpr_log_func_args* args) {
  const log::Level level = args->severity == GPR_LOG_SEVERITY_ERROR  ? log::Level::kError
                           : args->severity == GPR_LOG_SEVERITY_INFO ? log::Level::kInfo
                                                                     : log::Level::kDebug;
  log::Write(level, args->message != nullptr ? args->message : "",
             {{"source", "grpc"},
              {"file", args->file != nullptr ? args->file : ""},
              {"line", absl::StrCat(args->line)}});
}

// Runs the track's periodic upkeep (SLA breach scan, indicator gauges) on its own thread until
// stopped. Each job runs once right away, then every interval; a failing run is logged and
// retried at the next tick, never fatal.
class Upkeep {
 public:
  Upkeep(Track* track, absl::Duration scan_interval, absl::Duration gauge_interval)
      : track_(track), scan_interval_(scan_interval), gauge_interval_(gauge_interval) {
    thread_ = std::thread([this] { Run(); });
  }
  ~Upkeep() { Stop(); }

  // Wakes the thread early and joins it. Idempotent.
  void Stop() {
    if (!stop_.HasBeenNotified()) stop_.Notify();
    if (thread_.joinable()) thread_.join();
  }

 private:
  void Run() {
    absl::Time next_scan = absl::Now();
    absl::Time next_gauges = absl::Now();
    while (true) {
      absl::Time now = absl::Now();
      if (now >= next_scan) {
        absl::Status status = track_->ScanBreaches();
        if (!status.ok()) log::Warn("breach scan failed", {{"error", status.ToString()}});
        next_scan = absl::Now() + scan_interval_;
      }
      if (now >= next_gauges) {
        absl::Status status = track_->RefreshGauges();
        if (!status.ok()) log::Warn("gauge refresh failed", {{"error", status.ToString()}});
        next_gauges = absl::Now() + gauge_interval_;
      }
      absl::Time wake = std::min(next_scan, next_gauges);
      if (stop_.WaitForNotificationWithTimeout(wake - absl::Now())) return;
    }
  }

  Track* const track_;
  const absl::Duration scan_interval_;
  const absl::Duration gauge_interval_;
  absl::Notification stop_;
  std::thread thread_;
};

// Everything the runner owns, torn down in an explicit order by Run().
struct Runtime {
  std::unique_ptr<regions::RegionRegistry> regions;
  std::unique_ptr<cal::WorkCalendar> calendar;
  std::unique_ptr<auth::TokenAuthenticator> authenticator;
  std::unique_ptr<store::Repository> repo;
  std::unique_ptr<cache::Cache> cache;
  // Used by the track's handlers: outlives the queued work (pool) and the track.
  std::unique_ptr<gov::peers::Peers> peers;
  std::unique_ptr<WorkerPool> pool;
  std::unique_ptr<Handlers> handlers;
  // Every answer with personal data is recorded through it: outlives the handlers' calls.
  std::unique_ptr<privacy::ReadAudit> read_audit;
  std::unique_ptr<Track> track;
  std::unique_ptr<Server> server;
  std::unique_ptr<Upkeep> upkeep;

  // Stops in the order that keeps every pointer valid: no more upkeep, the server drained,
  // queued handler work finished (it uses the track), then the track and what it was built on.
  ~Runtime() {
    if (upkeep != nullptr) upkeep->Stop();
    upkeep.reset();
    if (server != nullptr) server->Shutdown();
    pool.reset();
    server.reset();
    track.reset();
    handlers.reset();
    read_audit.reset();
    cache.reset();
    repo.reset();
    peers.reset();
  }
};

absl::Status Start(const config::ServiceConfig& config, const TrackFactory& make, Runtime& rt) {
  const Clock* clock = SystemClock::Get();
  std::shared_ptr<prometheus::Registry> registry = MetricsRegistry();

  // The TLS files first: a certificate that cannot be used refuses the start before the store
  // is opened or migrated.
  const tls::ServerFiles tls_files{
      .cert = config.tls_cert, .key = config.tls_key, .client_ca = config.tls_client_ca};
  auto credentials = tls::MakeServerCredentials(tls_files, config.tls_reload_interval);
  if (!credentials.ok()) return Annotate(credentials.status(), "TLS of the gRPC port");

  GOV_ASSIGN_OR_RETURN(rt.regions, regions::RegionRegistry::LoadFile(config.regions_file));
  GOV_ASSIGN_OR_RETURN(rt.calendar, cal::WorkCalendar::LoadFile(config.holidays_file));

  // Without a token file every call would be UNAUTHENTICATED; refuse to start instead so the
  // operator sees why at once.
  std::error_code ec;
  if (!std::filesystem::exists(config.tokens_file, ec)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "tokens file ", config.tokens_file,
        " does not exist: create it (governance.config.v1.TokenFile JSON, see README) or point "
        "--tokens_file / GOV_TOKENS_FILE at one"));
  }
  auto authenticator = auth::TokenAuthenticator::Open(config.tokens_file, clock);
  if (!authenticator.ok()) {
    return Annotate(authenticator.status(), absl::StrCat("tokens file ", config.tokens_file));
  }
  rt.authenticator = std::move(authenticator).value();

  auto data_keys = store::DataKeys::FromSettings(config.data_keys_file);
  if (!data_keys.ok()) return Annotate(data_keys.status(), "data keys");
  const store::StoreSettings store_settings{.database_url = config.database_url,
                                            .sqlite_path = config.db_path,
                                            .pool_size = config.db_pool,
                                            .data_keys = *data_keys};
  auto repo = store::OpenStore(store_settings, registry.get());
  if (!repo.ok()) {
    return Annotate(repo.status(), absl::StrCat("store ", store::DescribeStore(store_settings)));
  }
  rt.repo = std::move(repo).value();
  log::Info("store open", {{"store", store::DescribeStore(store_settings)}});
  if (*data_keys != nullptr) {
    log::Info("personal data sealed at rest", {{"data_key", (*data_keys)->active_id()},
                                               {"keys", absl::StrJoin((*data_keys)->ids(), ",")}});
  } else {
    log::Warn("personal data stored unsealed: no --data_keys_file or GOV_DATA_KEYS");
  }

  cache::CacheOptions cache_options;
  cache_options.address = config.redis;
  cache_options.pool_size = config.redis_pool;
  cache_options.connect_timeout = absl::Milliseconds(config.redis_timeout_ms);
  cache_options.command_timeout = absl::Milliseconds(config.redis_timeout_ms);
  cache_options.prefix = absl::StrCat("gov:", config.track, ":");
  rt.cache = cache::Cache::Create(cache_options, registry.get(), clock);

  auto opened_peers = peers::Peers::Open(config);
  if (!opened_peers.ok()) return Annotate(opened_peers.status(), "peer calls");
  rt.peers = std::move(opened_peers).value();

  rt.pool = std::make_unique<WorkerPool>(config.workers, config.max_queue);
  rt.handlers = std::make_unique<Handlers>(rt.authenticator.get(), rt.pool.get());
  rt.read_audit = std::make_unique<privacy::ReadAudit>(rt.repo.get(), config.track, clock);
  rt.handlers->set_response_audit(rt.read_audit.get());

  TrackDeps deps;
  deps.config = &config;
  deps.repo = rt.repo.get();
  deps.cache = rt.cache.get();
  deps.regions = rt.regions.get();
  deps.calendar = rt.calendar.get();
  deps.clock = clock;
  deps.handlers = rt.handlers.get();
  deps.registry = registry.get();
  deps.peers = rt.peers.get();
  auto track = make(deps);
  if (!track.ok()) return Annotate(track.status(), absl::StrCat("track ", config.track));
  rt.track = std::move(track).value();

  ServerOptions options;
  options.listen = config.listen;
  if (tls::Enabled(tls_files)) options.credentials = *std::move(credentials);
  options.health_listen = config.health_listen;
  options.metrics_bind = config.metrics_bind;
  // The config says 0 for "no exposer"; the server reserves 0 for "any free port".
  options.metrics_port = config.metrics_port == 0 ? -1 : config.metrics_port;
  options.drain_deadline = config.drain_deadline;
  options.drain_grace = config.drain_grace;
  options.on_drain = [handlers = rt.handlers.get()] { handlers->Drain(); };
  GOV_RETURN_IF_ERROR(AddTrackServices(*rt.track, options));
  options.registry = registry;
  auto server = Server::Start(std::move(options));
  if (!server.ok()) return Annotate(server.status(), absl::StrCat("server on ", config.listen));
  rt.server = std::move(server).value();

  if (config.demo_data) {
    absl::Time started = absl::Now();
    absl::Status demo = rt.track->LoadDemoData();
    if (!demo.ok()) return Annotate(demo, "demo data");
    log::Info("demo data ready",
              {{"seconds", absl::StrCat(absl::ToDoubleSeconds(absl::Now() - started))}});
  }

  if (!rt.repo->Ready()) return absl::UnavailableError("store is not ready");
  rt.server->SetServing(true);
  rt.upkeep =
      std::make_unique<Upkeep>(rt.track.get(), config.breach_scan_interval, config.gauge_interval);

  std::string host = config.listen.substr(0, config.listen.rfind(':'));
  log::Info(
      "ready",
      {{"listen", absl::StrCat(host, ":", rt.server->port())},
       {"metrics_port", absl::StrCat(rt.server->metrics_port())},
       {"store",
        store::DescribeStore({.database_url = config.database_url, .sqlite_path = config.db_path})},
       {"regions_version", rt.regions->version()},
       {"cache", config.redis.empty() ? "disabled" : config.redis},
       {"transport", config.tls_client_ca.empty() ? (config.tls_cert.empty() ? "plaintext" : "tls")
                                                  : "mutual-tls"},
       {"peer_calls", rt.peers->enabled() ? "on" : "off"},
       {"peer_transport", config.tls_ca.empty() ? "plaintext" : "tls"}});
  return absl::OkStatus();
}

}  // namespace

absl::Status AddTrackServices(Track& track, ServerOptions& options) {
  for (RpcService* service : track.Services()) {
    GOV_RETURN_IF_ERROR(service->Check());
    options.services.push_back(service);
    options.service_names.push_back(service->full_name());
  }
  return absl::OkStatus();
}

int RunTrack(int argc, char** argv, const config::Defaults& defaults, const TrackFactory& make) {
  // A crash (SIGSEGV, SIGABRT, ...) writes the signal and the stack of the thread that took it to
  // stderr, the service's log, before the process dies as it would have.
  absl::InitializeSymbolizer(argv[0]);
  absl::InstallFailureSignalHandler(absl::FailureSignalHandlerOptions());
  // SIGTERM is not a failure here but the request to drain (sigwait, BlockTerminationSignals):
  // the handler abseil installs for it too is taken back.
  std::signal(SIGTERM, SIG_DFL);
  BlockTerminationSignals();
  gpr_set_log_function(LogFromGrpc);

  auto parsed = config::Parse(defaults, argc, argv);
  if (!parsed.ok()) {
    std::fprintf(stderr, "%s: %s\n", defaults.track.c_str(),
                 std::string(parsed.status().message()).c_str());
    return 2;
  }
  if (parsed->help) {
    std::fputs(parsed->help_text.c_str(), stdout);
    return 0;
  }
  const config::ServiceConfig config = std::move(parsed->config);

  log::SetService(config.track);
  log::Level level = log::Level::kInfo;
  if (log::ParseLevel(config.log_level, &level)) log::SetLevel(level);

  Runtime rt;
  absl::Status started = Start(config, make, rt);
  if (!started.ok()) {
    log::Error("start failed", {{"error", started.ToString()}});
    return 1;
  }
  rt.server->WaitForTerminationSignal();
  log::Info("stopping");
  // Runtime's destructor stops upkeep, finishes queued work and closes the store in order.
  return 0;
}

}  // namespace gov::server
