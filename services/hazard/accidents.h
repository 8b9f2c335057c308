#ifndef GOV_SERVICES_HAZARD_ACCIDENTS_H_
#define GOV_SERVICES_HAZARD_ACCIDENTS_H_

#include <vector>

#include "absl/status/status.h"
#include "common/auth/auth.h"
#include "common/clock/clock.h"
#include "common/indicators/indicators.h"
#include "common/regions/regions.h"
#include "common/registry/registry.h"
#include "services/hazard/enterprises.h"
#include "services/hazard/model.h"

// Accidents recorded (food, drug, fire, work safety...): the plan's "zero accidents" of food and
// drug safety is their count.
namespace gov::hazard {

class Accidents {
 public:
  // Nothing is owned; everything outlives the part.
  Accidents(const registry::Registry* accidents, const Enterprises* enterprises,
            const regions::RegionRegistry* regions, const Clock* clock);

  // The RPCs (after the declared access).
  absl::Status Record(const auth::Principal& who, const hv1::RecordAccidentRequest& in,
                      hv1::RecordAccidentResponse* out);
  absl::Status Get(const auth::Principal& who, const hv1::GetAccidentRequest& in,
                   hv1::GetAccidentResponse* out);
  absl::Status List(const auth::Principal& who, const hv1::ListAccidentsRequest& in,
                    hv1::ListAccidentsResponse* out);

  const registry::Registry& accidents() const { return *accidents_; }

 private:
  const registry::Registry* const accidents_;
  const Enterprises* const enterprises_;
  const regions::RegionRegistry* const regions_;
  const Clock* const clock_;
};

// food_drug_accidents: the food and drug accidents of the period (the plan's zero).
std::vector<indicators::IndicatorSpec> AccidentIndicators(const Accidents* accidents);

}  // namespace gov::hazard

#endif  // GOV_SERVICES_HAZARD_ACCIDENTS_H_
