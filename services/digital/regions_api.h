#ifndef GOV_SERVICES_DIGITAL_REGIONS_API_H_
#define GOV_SERVICES_DIGITAL_REGIONS_API_H_

#include "absl/status/status.h"
#include "common/auth/auth.h"
#include "common/regions/regions.h"
#include "services/digital/model.h"

// The district's regions as every track knows them (data/regions.json, the service's region
// registry), read through the digital service's API: streets and parks, their communities and
// the communities' grids, by id.
namespace gov::digital {

class RegionsApi {
 public:
  // `regions` outlives the part.
  explicit RegionsApi(const regions::RegionRegistry* regions);

  // The RPCs (after the declared access).
  absl::Status ListStreets(const auth::Principal& who, const dv1::ListStreetsRequest& in,
                           dv1::ListStreetsResponse* out) const;
  absl::Status GetStreet(const auth::Principal& who, const dv1::GetStreetRequest& in,
                         dv1::GetStreetResponse* out) const;

 private:
  const regions::RegionRegistry* const regions_;
};

}  // namespace gov::digital

#endif  // GOV_SERVICES_DIGITAL_REGIONS_API_H_
