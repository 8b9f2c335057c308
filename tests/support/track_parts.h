#ifndef GOV_TESTS_SUPPORT_TRACK_PARTS_H_
#define GOV_TESTS_SUPPORT_TRACK_PARTS_H_

#include <memory>

#include "absl/status/status.h"
#include "common/auth/auth.h"
#include "common/cache/cache.h"
#include "common/cases/calendar.h"
#include "common/clock/clock.h"
#include "common/config/config.h"
#include "common/peers/peers.h"
#include "common/privacy/read_audit.h"
#include "common/regions/regions.h"
#include "common/server/handler.h"
#include "common/server/track_main.h"
#include "common/store/repository.h"
#include "prometheus/registry.h"

namespace gov::testing {

// What a track in a test process is built on, wired as its binary wires it
// (common/server/track_main.cc): the registries, the token authenticator, the metrics registry,
// the store and cache, the peers, the worker pool and handler wrapper with the record of reads
// of personal data, and the track from its factory. The server that serves the track is its owner's
// (TrackHarness: a port; the fuzz harness: in process).
struct TrackParts {
  std::shared_ptr<prometheus::Registry> metrics;
  std::unique_ptr<regions::RegionRegistry> regions;
  std::unique_ptr<cal::WorkCalendar> calendar;
  std::unique_ptr<auth::TokenAuthenticator> authenticator;
  std::unique_ptr<store::Repository> repo;
  std::unique_ptr<cache::Cache> cache;
  std::unique_ptr<gov::peers::Peers> peers;
  std::unique_ptr<server::WorkerPool> pool;
  std::unique_ptr<server::Handlers> handlers;
  // The record of reads of personal data, as the binary keeps it.
  std::unique_ptr<privacy::ReadAudit> read_audit;
  std::unique_ptr<server::Track> track;

  // Builds the rest on `metrics` and `repo`, which the owner has set (the store opened on that
  // registry): the registries of config.regions_file and config.holidays_file, the tokens of
  // config.tokens_file (on `clock`), a cache of `cache_options` (on real time: its timeouts and
  // circuit are not about the business clock), the peers of `config`, a pool of 4 workers, and
  // the track from `factory`.
  absl::Status Build(const config::ServiceConfig& config, const Clock* clock,
                     const cache::CacheOptions& cache_options, const server::TrackFactory& factory);

  // Tears everything down once the owner has shut `server` down (drained): the queued work first
  // (it uses the track), then the server, then the track and what it was built on.
  template <typename Server>
  void Stop(std::unique_ptr<Server>& server) {
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

}  // namespace gov::testing

#endif  // GOV_TESTS_SUPPORT_TRACK_PARTS_H_
