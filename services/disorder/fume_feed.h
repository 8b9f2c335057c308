#ifndef GOV_SERVICES_DISORDER_FUME_FEED_H_
#define GOV_SERVICES_DISORDER_FUME_FEED_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/auth/auth.h"
#include "common/cases/engine.h"
#include "common/registry/registry.h"
#include "common/server/track_main.h"
#include "governance/disorder/v1/disorder.pb.h"
#include "services/disorder/fume_rows.h"
#include "services/disorder/rules.h"

namespace prometheus {
class Counter;
}

// 油烟在线监测 — the fume feed of the monitored restaurants. Readings over the limit form
// episodes; each episode raises exactly one complaint (channel MONITORING, category
// COOKING_FUMES, the restaurant's place), however the readings are batched, replayed or sent
// concurrently. The batches are fume_feed.cc's, the episodes' completion, the upkeep and the
// reads fume_episodes.cc's, the rows fume_rows.h's.
namespace gov::disorder {

namespace dv1 = ::governance::disorder::v1;

class Complaints;

class FumeFeed {
 public:
  // `complaints` takes the episodes' complaints in (its engine is where the feed finds one
  // raised before); `objects` is the monitored objects' registry. All outlive the feed.
  FumeFeed(const server::TrackDeps& deps, const Rules& rules, Complaints* complaints,
           cases::CaseEngine* complaint_engine, const registry::Registry* objects);

  // The RPCs (after the shared handler's authentication and the methods' declared access,
  // governance.v1.access); `out` is filled on success.
  absl::Status Record(const auth::Principal& who, const dv1::RecordFumeReadingsRequest& in,
                      dv1::RecordFumeReadingsResponse* out);
  absl::Status Episodes(const auth::Principal& who, const dv1::ListFumeEpisodesRequest& in,
                        dv1::ListFumeEpisodesResponse* out);

  // Fills a restaurant's fume_state (nothing for other kinds, or before its first reading).
  absl::Status AddState(dv1::MonitoredObject* object) const;

  // The upkeep: raises the complaint of any episode whose raising was cut short (a crash
  // between storing the episode and submitting its complaint). Idempotent.
  absl::Status Sweep();

  // A reading of a batch: its place in the request, when it was read, its concentration.
  struct Reading {
    int index;
    absl::Time time;
    double concentration;
  };

 private:
  double LimitOf(const dv1::MonitoredObject& object) const;
  void Count(const dv1::FumeReadingResult& r) const;
  // One restaurant's readings of a batch, oldest first, chunk by chunk.
  void Apply(const dv1::MonitoredObject& object, const std::vector<Reading>& items,
             dv1::RecordFumeReadingsResponse* out) const;
  // Steps (2) to (5) for the state's pending episode: the episode as raised.
  absl::StatusOr<dv1::FumeEpisode> Complete(const dv1::MonitoredObject& object,
                                            StateRow current) const;
  // Step (3): the episode's complaint; its id.
  absl::StatusOr<std::string> Raise(const dv1::MonitoredObject& object,
                                    const dv1::FumeEpisode& episode, absl::Time recorded_at) const;
  // The monitoring complaint naming the episode, taken in after the episode was recorded.
  absl::StatusOr<std::string> FindRaised(const dv1::MonitoredObject& object,
                                         const std::string& episode_id,
                                         absl::Time recorded_at) const;

  server::TrackDeps deps_;
  const Rules* rules_;
  Complaints* complaints_;
  cases::CaseEngine* complaint_engine_;
  const registry::Registry* objects_;
  FumeRows rows_;
  prometheus::Counter* normal_ = nullptr;
  prometheus::Counter* over_limit_ = nullptr;
  prometheus::Counter* episode_started_ = nullptr;
  prometheus::Counter* stale_ = nullptr;
  prometheus::Counter* refused_ = nullptr;
};

}  // namespace gov::disorder

#endif  // GOV_SERVICES_DISORDER_FUME_FEED_H_
