#ifndef GOV_SERVICES_POLICING_ASSETS_H_
#define GOV_SERVICES_POLICING_ASSETS_H_

#include <memory>
#include <vector>

#include "absl/status/status.h"
#include "common/auth/auth.h"
#include "common/indicators/indicators.h"
#include "governance/policing/v1/policing.pb.h"
#include "services/policing/context.h"

// 力量与设施 — the forces and assets of the plan as a registry (entities of the track, kind
// "asset", ids "A-…"): steward squads, volunteer teams, non-police handling stations,
// smart-security compounds, camera points (new / upgraded) and building guard units with the
// five unifications; and the plan's targets as indicators over what is in service.
namespace gov::policing {

namespace pv1 = ::governance::policing::v1;

// The plan's force and asset targets: 95 steward squads, a volunteer team in every community
// (100%), 10 non-police handling stations, 120 smart-security compounds, 567 new and 300
// upgraded camera points, guard units meeting the five unifications (100%). Counted as of the
// period's last day (in service by then, not retired).
std::vector<indicators::IndicatorSpec> AssetIndicators();

class Assets {
 public:
  explicit Assets(const PolicingContext& ctx);
  ~Assets();

  // The RPCs, bound by the track (after the shared handler's authentication and the method's
  // declared access: district_admin, system and street_operator keep the registry, every role
  // reads it; each within its streets, checked here); `out` is filled on success.
  absl::Status Register(const auth::Principal& who, const pv1::RegisterAssetRequest& in,
                        pv1::RegisterAssetResponse* out);
  absl::Status Update(const auth::Principal& who, const pv1::UpdateAssetRequest& in,
                      pv1::UpdateAssetResponse* out);
  absl::Status Get(const auth::Principal& who, const pv1::GetAssetRequest& in,
                   pv1::GetAssetResponse* out);
  absl::Status List(const auth::Principal& who, const pv1::ListAssetsRequest& in,
                    pv1::ListAssetsResponse* out);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Demo registry: deterministic squads, teams, stations, compounds, camera points and guard
// units, short of some targets so that progress shows; idempotent (request ids per item).
absl::Status LoadAssetDemoData(const PolicingContext& ctx);

}  // namespace gov::policing

#endif  // GOV_SERVICES_POLICING_ASSETS_H_
