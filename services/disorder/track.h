#ifndef GOV_SERVICES_DISORDER_TRACK_H_
#define GOV_SERVICES_DISORDER_TRACK_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/cases/engine.h"
#include "common/indicators/indicators.h"
#include "common/indicators/service.h"
#include "common/server/rpc_service.h"
#include "common/server/track_main.h"
#include "services/disorder/campaigns.h"
#include "services/disorder/complaints.h"
#include "services/disorder/context.h"
#include "services/disorder/enforcement.h"
#include "services/disorder/fume_feed.h"
#include "services/disorder/objects.h"
#include "services/disorder/rules.h"

// 乱象治理 — the disorder track: the rules file, the complaints' and the findings' case engines,
// the monitored objects and their fume feed, the campaigns, the indicator engine and the two
// gRPC services (DisorderService, each method bound to the part that serves it, and the shared
// IndicatorsService).
namespace gov::disorder {

class DisorderTrack final : public server::Track {
 public:
  DisorderTrack(const server::TrackDeps& deps, std::unique_ptr<Rules> rules);

  std::vector<server::RpcService*> Services() override;
  absl::Status LoadDemoData() override;
  absl::Status ScanBreaches() override;
  absl::Status RefreshGauges() override;

  cases::CaseEngine& engine() { return *engine_; }
  indicators::IndicatorEngine& indicator_engine() { return *indicators_; }
  const Rules& rules() const { return *rules_; }
  Complaints& complaints() { return *complaints_; }
  cases::CaseEngine& enforcement_engine() { return *enforcement_engine_; }
  MonitoredObjects& objects() { return *objects_; }
  FumeFeed& fume_feed() { return *fume_feed_; }
  Enforcements& enforcements() { return *enforcements_; }
  Campaigns& campaigns() { return *campaigns_; }
  const DisorderContext& context() const { return ctx_; }

 private:
  server::TrackDeps deps_;
  std::unique_ptr<Rules> rules_;
  std::unique_ptr<cases::CaseEngine> engine_;
  ComplaintsDeps complaints_deps_;
  std::unique_ptr<Complaints> complaints_;
  std::unique_ptr<cases::CaseEngine> enforcement_engine_;
  DisorderContext ctx_;
  std::unique_ptr<MonitoredObjects> objects_;
  std::unique_ptr<FumeFeed> fume_feed_;
  std::unique_ptr<Enforcements> enforcements_;
  std::unique_ptr<Campaigns> campaigns_;
  std::unique_ptr<indicators::IndicatorEngine> indicators_;
  std::unique_ptr<server::RpcService> rpc_;
  std::unique_ptr<server::RpcService> indicators_service_;
};

// The factory RunTrack calls (main.cc): reads the rules file (config rules_file), then builds
// the track.
absl::StatusOr<std::unique_ptr<server::Track>> MakeDisorderTrack(const server::TrackDeps& deps);

}  // namespace gov::disorder

#endif  // GOV_SERVICES_DISORDER_TRACK_H_
