#ifndef GOV_SERVICES_DISORDER_CAMPAIGNS_H_
#define GOV_SERVICES_DISORDER_CAMPAIGNS_H_

#include <memory>

#include "absl/status/status.h"
#include "common/auth/auth.h"
#include "common/registry/registry.h"
#include "governance/disorder/v1/disorder.pb.h"
#include "services/disorder/context.h"

// 月度专项整治 — monthly remediation campaigns per category (entities of the track "disorder",
// kind "campaign", ids "R-…"): PLANNED -> UNDER_WAY -> COMPLETED with results, or CANCELLED;
// target areas (streets or communities) and monitored objects; the effect read from the
// complaints' counts.
namespace gov::disorder {

namespace dv1 = ::governance::disorder::v1;

// The registry's place in the store.
const registry::Layout& CampaignLayout();

class Campaigns {
 public:
  explicit Campaigns(const DisorderContext& ctx);
  ~Campaigns();

  // The RPCs (after the shared handler's authentication and the methods' declared access,
  // governance.v1.access); `out` is filled on success.
  absl::Status Plan(const auth::Principal& who, const dv1::PlanCampaignRequest& in,
                    dv1::PlanCampaignResponse* out);
  absl::Status Start(const auth::Principal& who, const dv1::StartCampaignRequest& in,
                     dv1::StartCampaignResponse* out);
  absl::Status Complete(const auth::Principal& who, const dv1::CompleteCampaignRequest& in,
                        dv1::CompleteCampaignResponse* out);
  absl::Status Cancel(const auth::Principal& who, const dv1::CancelCampaignRequest& in,
                      dv1::CancelCampaignResponse* out);
  absl::Status Get(const auth::Principal& who, const dv1::GetCampaignRequest& in,
                   dv1::GetCampaignResponse* out);
  absl::Status List(const auth::Principal& who, const dv1::ListCampaignsRequest& in,
                    dv1::ListCampaignsResponse* out);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Demo campaigns: one a month per category group over the last year, completed with results,
// this month's under way and next month's planned; idempotent (request ids per campaign).
absl::Status LoadCampaignDemoData(const DisorderContext& ctx);

}  // namespace gov::disorder

#endif  // GOV_SERVICES_DISORDER_CAMPAIGNS_H_
