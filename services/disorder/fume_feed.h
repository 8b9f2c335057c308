#ifndef GOV_SERVICES_DISORDER_FUME_FEED_H_
#define GOV_SERVICES_DISORDER_FUME_FEED_H_

#include <memory>

#include "absl/status/status.h"
#include "common/auth/auth.h"
#include "governance/disorder/v1/disorder.pb.h"
#include "services/disorder/context.h"

// 油烟在线监测 — the fume feed of the monitored restaurants. Readings over the limit form
// episodes; each episode raises exactly one complaint (channel MONITORING, category
// COOKING_FUMES, the restaurant's place), however the readings are batched, replayed or sent
// concurrently.
namespace gov::disorder {

namespace dv1 = ::governance::disorder::v1;

class FumeFeed {
 public:
  explicit FumeFeed(const DisorderContext& ctx);
  ~FumeFeed();

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

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Demo readings: a few days of readings every 10 minutes for some of the restaurants, a few of
// them over the limit in episodes; deterministic and idempotent (replays are stale).
absl::Status LoadFumeDemoData(const DisorderContext& ctx, FumeFeed& feed);

}  // namespace gov::disorder

#endif  // GOV_SERVICES_DISORDER_FUME_FEED_H_
