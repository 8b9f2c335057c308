#ifndef GOV_SERVICES_HAZARD_ELEVATORS_H_
#define GOV_SERVICES_HAZARD_ELEVATORS_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/auth/auth.h"
#include "common/clock/clock.h"
#include "common/indicators/indicators.h"
#include "common/regions/regions.h"
#include "common/registry/registry.h"
#include "services/hazard/model.h"
#include "services/hazard/rules.h"

// Elevators and their insurance (电梯养老综合保险): elevators registered, their policies recorded
// (never overlapping), a policy that starts within the rules' grace days after the previous one
// ended counting as its renewal.
namespace gov::hazard {

class Elevators {
 public:
  // Nothing is owned; everything outlives the part.
  Elevators(const registry::Registry* elevators, const registry::Registry* policies,
            const Rules* rules, const regions::RegionRegistry* regions, const Clock* clock);

  // The RPCs (after the declared access).
  absl::Status Register(const auth::Principal& who, const hv1::RegisterElevatorRequest& in,
                        hv1::RegisterElevatorResponse* out);
  absl::Status Get(const auth::Principal& who, const hv1::GetElevatorRequest& in,
                   hv1::GetElevatorResponse* out);
  absl::Status List(const auth::Principal& who, const hv1::ListElevatorsRequest& in,
                    hv1::ListElevatorsResponse* out);
  absl::Status RecordInsurance(const auth::Principal& who,
                               const hv1::RecordElevatorInsuranceRequest& in,
                               hv1::RecordElevatorInsuranceResponse* out);

  const registry::Registry& elevators() const { return *elevators_; }
  const Rules& rules() const { return *rules_; }

 private:
  // The indicators read the policies too.
  friend std::vector<indicators::IndicatorSpec> ElevatorIndicators(const Elevators* elevators);

  // The elevator of `row` with its policies (by first day, renewals marked) and whether one
  // covers today.
  absl::StatusOr<hv1::Elevator> WithPolicies(const store::EntityRecord& row) const;
  // The policies stored for the elevator `id`, as stored (in no particular order).
  absl::StatusOr<std::vector<hv1::InsurancePolicy>> PoliciesOf(const std::string& id) const;

  const registry::Registry* const elevators_;
  const registry::Registry* const policies_;
  const Rules* const rules_;
  const regions::RegionRegistry* const regions_;
  const Clock* const clock_;
};

// The elevators' indicators: elevators_newly_insured (the plan's 1,000 more, a district count
// of the year to date) and residential_elevator_renewal_rate (the plan's 90 %).
std::vector<indicators::IndicatorSpec> ElevatorIndicators(const Elevators* elevators);

}  // namespace gov::hazard

#endif  // GOV_SERVICES_HAZARD_ELEVATORS_H_
