#ifndef GOV_SERVICES_POLICING_ASSETS_H_
#define GOV_SERVICES_POLICING_ASSETS_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "common/auth/auth.h"
#include "common/indicators/indicators.h"
#include "common/regions/regions.h"
#include "common/registry/registry.h"
#include "governance/policing/v1/policing.pb.h"

// 力量与设施 — the forces and assets of the plan as a registry (entities of the track, kind
// "asset", ids "A-…"): steward squads, volunteer teams, non-police handling stations,
// smart-security compounds, camera points (new / upgraded), building guard units with the five
// unifications and the grids' full-time staff with its three members (assets.cc); and the plan's
// targets as indicators over what is in service (asset_indicators.cc).
//
// How the registry lies in the store's generic entity rows (track "policing"):
//
// clang-format off
// | kind    | id       | street_id / community_id             | parent_id | key               |
// |---------|----------|--------------------------------------|-----------|-------------------|
// | "asset" | A-...    | the asset's street and community ("" | ""        | "<KIND>/<STATUS>" |
// |         |          | when the asset is street-level)      |           |                   |
// clang-format on
//
// The key is the kind's and the status's enum keys, e.g. "CAMERA_POINT/IN_SERVICE": the key
// prefix "CAMERA_POINT/" lists a kind, the exact key a kind in a state, and a state across kinds
// is one exact key per kind. The payload is the Asset without id, etag and times, which the row
// holds (etag "v<version>").
namespace gov::policing {

namespace pv1 = ::governance::policing::v1;

const registry::Layout& AssetLayout();

// The row key of a kind in a status ("CAMERA_POINT/IN_SERVICE").
std::string AssetKey(pv1::AssetKind kind, pv1::AssetStatus status);
// An asset's row: its place, its kind and status as the key, and the payload.
store::EntityRecord AssetRow(const pv1::Asset& asset);

// The plan's force and asset targets: 95 steward squads, a volunteer team in every community
// (100%), 10 non-police handling stations, 120 smart-security compounds, 567 new and 300
// upgraded camera points, guard units meeting the five unifications (100%), grids' staff with
// all three members (100%). Counted as of the period's last day (in service by then, not
// retired).
std::vector<indicators::IndicatorSpec> AssetIndicators();

class Assets {
 public:
  // `assets` is the registry (its writes refresh the track's cached indicators); everything
  // outlives this.
  Assets(const registry::Registry* assets, const regions::RegionRegistry* regions)
      : assets_(assets), regions_(regions) {}

  const registry::Registry& registry() const { return *assets_; }

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
  const registry::Registry* const assets_;
  const regions::RegionRegistry* const regions_;
};

}  // namespace gov::policing

#endif  // GOV_SERVICES_POLICING_ASSETS_H_
