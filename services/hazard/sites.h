#ifndef GOV_SERVICES_HAZARD_SITES_H_
#define GOV_SERVICES_HAZARD_SITES_H_

#include <vector>

#include "absl/status/status.h"
#include "common/auth/auth.h"
#include "common/clock/clock.h"
#include "common/indicators/indicators.h"
#include "common/regions/regions.h"
#include "common/registry/registry.h"
#include "services/hazard/model.h"

// The plan's programmes as sites: compounds to treat for fire (87), micro fire stations to
// build (28 or more), shop-dwellings to clear of residents (100 %), restaurants to fit with gas
// alarms (100 %), community traffic stations (every community), construction vehicles under
// the six fixes. A site is registered PENDING and done once, on a day.
namespace gov::hazard {

class Sites {
 public:
  // Nothing is owned; everything outlives the part.
  Sites(const registry::Registry* sites, const regions::RegionRegistry* regions,
        const Clock* clock);

  // The RPCs (after the declared access).
  absl::Status Register(const auth::Principal& who, const hv1::RegisterSiteRequest& in,
                        hv1::RegisterSiteResponse* out);
  absl::Status Get(const auth::Principal& who, const hv1::GetSiteRequest& in,
                   hv1::GetSiteResponse* out);
  absl::Status List(const auth::Principal& who, const hv1::ListSitesRequest& in,
                    hv1::ListSitesResponse* out);
  absl::Status Complete(const auth::Principal& who, const hv1::CompleteSiteRequest& in,
                        hv1::CompleteSiteResponse* out);

  const registry::Registry& sites() const { return *sites_; }

 private:
  const registry::Registry* const sites_;
  const regions::RegionRegistry* const regions_;
  const Clock* const clock_;
};

// The programmes' indicators: compounds_fire_treated (the plan's 87) and micro_fire_stations
// (28), district counts; shop_dwellings_cleared_rate and restaurant_gas_alarm_rate (the plan's
// 100 %); traffic_station_coverage (the plan's every community); and
// construction_vehicles_six_fixed_rate (the district's 100 %).
std::vector<indicators::IndicatorSpec> SiteIndicators(const Sites* sites);

}  // namespace gov::hazard

#endif  // GOV_SERVICES_HAZARD_SITES_H_
