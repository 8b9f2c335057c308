#ifndef GOV_SERVICES_HAZARD_HAZARDS_H_
#define GOV_SERVICES_HAZARD_HAZARDS_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "common/auth/auth.h"
#include "common/cases/engine.h"
#include "common/clock/clock.h"
#include "common/indicators/indicators.h"
#include "common/regions/regions.h"
#include "common/registry/registry.h"
#include "services/hazard/enterprises.h"
#include "services/hazard/model.h"
#include "services/hazard/rules.h"

// Hazards (隐患) from their finding to closing: reported (grid patrol, report, failed sample,
// campaign; inspections' findings come from Enterprises::RecordInspection), rectified by the
// deadline of their severity (in time or late), verified or rejected by an inspector, closed;
// the hand-over to criminal investigation (行刑衔接) recorded. And the campaigns (集中攻坚行动)
// whose findings they are.
namespace gov::hazard {

class Hazards {
 public:
  // Nothing is owned; everything outlives the part.
  Hazards(cases::CaseEngine* hazards, const Enterprises* enterprises,
          const registry::Registry* campaigns, const Rules* rules,
          const regions::RegionRegistry* regions, const Clock* clock);

  // The RPCs (after the declared access).
  absl::Status Report(const auth::Principal& who, const hv1::ReportHazardRequest& in,
                      hv1::ReportHazardResponse* out);
  absl::Status Get(const auth::Principal& who, const hv1::GetHazardRequest& in,
                   hv1::GetHazardResponse* out);
  absl::Status List(const auth::Principal& who, const hv1::ListHazardsRequest& in,
                    hv1::ListHazardsResponse* out);
  absl::Status Rectify(const auth::Principal& who, const hv1::RectifyHazardRequest& in,
                       hv1::RectifyHazardResponse* out);
  absl::Status Verify(const auth::Principal& who, const hv1::VerifyHazardRequest& in,
                      hv1::VerifyHazardResponse* out);
  absl::Status Close(const auth::Principal& who, const hv1::CloseHazardRequest& in,
                     hv1::CloseHazardResponse* out);
  absl::Status HandOver(const auth::Principal& who, const hv1::HandOverHazardRequest& in,
                        hv1::HandOverHazardResponse* out);

 private:
  // The enterprise a hazard names: known (INVALID_ARGUMENT "hazard.enterprise_id"), in the
  // hazard's street ("hazard.region.street_id") and, when the hazard names a community, in that
  // one ("hazard.region.community_id"); a hazard that names none is at the enterprise's.
  absl::Status CheckEnterprise(hv1::Hazard& h) const;
  // The campaign a campaign's finding names: known ("hazard.campaign_id"), after the hazard's
  // type ("hazard.type") and of the district or the hazard's street ("hazard.region.street_id");
  // FAILED_PRECONDITION when `today` is not one of its days.
  absl::Status CheckCampaign(const hv1::Hazard& h, absl::CivilDay today) const;

  cases::CaseEngine* const hazards_;
  const Enterprises* const enterprises_;
  const registry::Registry* const campaigns_;
  const Rules* const rules_;
  const regions::RegionRegistry* const regions_;
  const Clock* const clock_;
};

class Campaigns {
 public:
  // Nothing is owned; everything outlives the part.
  Campaigns(const registry::Registry* campaigns, cases::CaseEngine* hazards,
            const regions::RegionRegistry* regions, const Clock* clock);

  // The RPCs (after the declared access).
  absl::Status Open(const auth::Principal& who, const hv1::OpenCampaignRequest& in,
                    hv1::OpenCampaignResponse* out);
  absl::Status Get(const auth::Principal& who, const hv1::GetCampaignRequest& in,
                   hv1::GetCampaignResponse* out);
  absl::Status List(const auth::Principal& who, const hv1::ListCampaignsRequest& in,
                    hv1::ListCampaignsResponse* out);

 private:
  // The campaign of a row, with its findings counted (found, cleared).
  absl::StatusOr<hv1::Campaign> WithCounts(const store::EntityRecord& row) const;

  const registry::Registry* const campaigns_;
  cases::CaseEngine* const hazards_;
  const regions::RegionRegistry* const regions_;
  const Clock* const clock_;
};

// The hazards' indicators: hazards_rectified_on_time (the district's 90 %),
// failed_samples_disposed_rate (the plan's 100 %), fire_lane_findings_cleared (the district's
// 100 %), and watched: open_hazards, overdue_hazards, criminal_handovers.
std::vector<indicators::IndicatorSpec> HazardIndicators(cases::CaseEngine* hazards);

}  // namespace gov::hazard

#endif  // GOV_SERVICES_HAZARD_HAZARDS_H_
