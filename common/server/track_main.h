#ifndef GOV_COMMON_SERVER_TRACK_MAIN_H_
#define GOV_COMMON_SERVER_TRACK_MAIN_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/cache/cache.h"
#include "common/cases/calendar.h"
#include "common/clock/clock.h"
#include "common/config/config.h"
#include "common/peers/peers.h"
#include "common/regions/regions.h"
#include "common/server/handler.h"
#include "common/server/rpc_service.h"
#include "common/server/server.h"
#include "common/store/repository.h"
#include "grpcpp/grpcpp.h"

namespace prometheus {
class Registry;
}

namespace gov::server {

// Everything a track's services are built from; owned by the runner, outlives the track.
struct TrackDeps {
  const config::ServiceConfig* config = nullptr;
  store::Repository* repo = nullptr;
  cache::Cache* cache = nullptr;
  const regions::RegionRegistry* regions = nullptr;
  const cal::WorkCalendar* calendar = nullptr;
  const Clock* clock = nullptr;
  Handlers* handlers = nullptr;
  prometheus::Registry* registry = nullptr;
  // The other tracks over gRPC (--peers, --peer_token_file, --peer_timeout_ms): always set by
  // the runner; without a token file its calls answer UNAVAILABLE.
  const gov::peers::Peers* peers = nullptr;
};

// What a track hands the runner.
class Track {
 public:
  virtual ~Track() = default;
  // The gRPC services to serve: the track's own and IndicatorsService, each bound method by
  // method (RpcService); a service that is not complete keeps the track from starting.
  virtual std::vector<RpcService*> Services() = 0;
  // Loads demo data when the store holds none of the track's cases (idempotent).
  virtual absl::Status LoadDemoData() = 0;
  // Periodic upkeep: SLA breach scan.
  virtual absl::Status ScanBreaches() = 0;
  // Periodic upkeep: indicator gauges.
  virtual absl::Status RefreshGauges() = 0;
  // The names under which the track keeps its rows in the store: its own (registries, figures)
  // and each case kind's store track, without repeats.
  virtual std::vector<std::string> StoreTracks() const = 0;
};

using TrackFactory = std::function<absl::StatusOr<std::unique_ptr<Track>>(const TrackDeps&)>;

// Puts the track's services into `options` (services and their names, so that health is
// reported per service and their metric series exist before the first call), after checking
// each is complete (RpcService::Check: INTERNAL naming the service and method otherwise).
absl::Status AddTrackServices(Track& track, ServerOptions& options);

// main() of every track: parse config, open the store, cache, registries and auth, build the
// track, start the server, mark it SERVING, run upkeep timers, and drain on SIGTERM/SIGINT.
int RunTrack(int argc, char** argv, const config::Defaults& defaults, const TrackFactory& make);

}  // namespace gov::server

#endif  // GOV_COMMON_SERVER_TRACK_MAIN_H_
