#ifndef GOV_SERVICES_DISORDER_TRACK_H_
#define GOV_SERVICES_DISORDER_TRACK_H_

#include <memory>

#include "common/registry/registry.h"
#include "common/server/track_main.h"
#include "common/track/track_base.h"
#include "services/disorder/campaigns.h"
#include "services/disorder/complaints.h"
#include "services/disorder/enforcement.h"
#include "services/disorder/fume_feed.h"
#include "services/disorder/kinds.h"
#include "services/disorder/objects.h"
#include "services/disorder/rules.h"

// 乱象治理 — the disorder track, declared on the track kit (track.cc): the rules file, three
// kinds of case (complaints, findings, campaigns), the monitored objects' registry with its fume
// feed, the indicators, the demo loads, the feed's upkeep and DisorderService.
namespace gov::disorder {

class DisorderTrack final : public track::TrackBase {
 public:
  // The rules file (config rules_file) is loaded by track::Factory.
  using Rules = disorder::Rules;

  DisorderTrack(const server::TrackDeps& deps, std::unique_ptr<Rules> rules);

  const Rules& rules() const { return *rules_; }
  // The parts, and the monitored objects' registry (for tests and the demo loads).
  Complaints& complaints() const { return *complaints_; }
  Enforcements& enforcements() const { return *enforcements_; }
  MonitoredObjects& objects() const { return *objects_; }
  FumeFeed& fume_feed() const { return *fume_feed_; }
  Campaigns& campaigns() const { return *campaigns_; }
  const registry::Registry& object_registry() const { return *object_registry_; }

 private:
  std::unique_ptr<Rules> rules_;
  const registry::Registry* object_registry_ = nullptr;
  Complaints* complaints_ = nullptr;
  Enforcements* enforcements_ = nullptr;
  MonitoredObjects* objects_ = nullptr;
  FumeFeed* fume_feed_ = nullptr;
  Campaigns* campaigns_ = nullptr;
};

}  // namespace gov::disorder

#endif  // GOV_SERVICES_DISORDER_TRACK_H_
