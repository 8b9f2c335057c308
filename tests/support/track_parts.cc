#include "tests/support/track_parts.h"

#include "common/util/status.h"

namespace gov::testing {

absl::Status TrackParts::Build(const config::ServiceConfig& config, const Clock* clock,
                               const cache::CacheOptions& cache_options,
                               const server::TrackFactory& factory) {
  if (metrics == nullptr || repo == nullptr) {
    return absl::FailedPreconditionError("TrackParts::Build before the store was opened");
  }
  GOV_ASSIGN_OR_RETURN(regions, regions::RegionRegistry::LoadFile(config.regions_file));
  GOV_ASSIGN_OR_RETURN(calendar, cal::WorkCalendar::LoadFile(config.holidays_file));
  GOV_ASSIGN_OR_RETURN(authenticator, auth::TokenAuthenticator::Open(config.tokens_file, clock));
  cache = cache::Cache::Create(cache_options, metrics.get(), SystemClock::Get());
  GOV_ASSIGN_OR_RETURN(peers, gov::peers::Peers::Open(config));
  pool = std::make_unique<server::WorkerPool>(4, 256);
  handlers = std::make_unique<server::Handlers>(authenticator.get(), pool.get());
  read_audit = std::make_unique<privacy::ReadAudit>(repo.get(), config.track, clock);
  handlers->set_response_audit(read_audit.get());

  server::TrackDeps deps;
  deps.config = &config;
  deps.repo = repo.get();
  deps.cache = cache.get();
  deps.regions = regions.get();
  deps.calendar = calendar.get();
  deps.clock = clock;
  deps.handlers = handlers.get();
  deps.registry = metrics.get();
  deps.peers = peers.get();
  GOV_ASSIGN_OR_RETURN(track, factory(deps));
  return absl::OkStatus();
}

}  // namespace gov::testing
