#ifndef GOV_SERVICES_TRIPARTITE_FEES_H_
#define GOV_SERVICES_TRIPARTITE_FEES_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/auth/auth.h"
#include "common/clock/clock.h"
#include "common/indicators/indicators.h"
#include "common/regions/regions.h"
#include "common/registry/registry.h"
#include "services/tripartite/compounds.h"
#include "services/tripartite/model.h"
#include "services/tripartite/rules.h"

// Property-fee collection (物业费收缴) per compound and month with its four-colour warning
// (红黄蓝绿): the colour of a record follows from its collection rate by the rules file's
// thresholds, the district's choice (the plan names the colours only), said so by every answer
// that shows them.
namespace gov::tripartite {

class Fees {
 public:
  // Nothing is owned; everything outlives the part.
  Fees(const registry::Registry* fees, const Compounds* compounds, const Rules* rules,
       const regions::RegionRegistry* regions, const Clock* clock);

  // The RPCs (after the declared access).
  absl::Status Record(const auth::Principal& who, const tv1::RecordFeeCollectionRequest& in,
                      tv1::RecordFeeCollectionResponse* out) const;
  absl::Status Get(const auth::Principal& who, const tv1::GetFeeCollectionRequest& in,
                   tv1::GetFeeCollectionResponse* out) const;
  absl::Status List(const auth::Principal& who, const tv1::ListFeeCollectionsRequest& in,
                    tv1::ListFeeCollectionsResponse* out) const;
  absl::Status Warning(const auth::Principal& who, const tv1::GetFeeWarningRequest& in,
                       tv1::GetFeeWarningResponse* out) const;

 private:
  friend std::vector<indicators::IndicatorSpec> FeeIndicators(const Fees* fees);

  // The compound's record for the month ("YYYY-MM"), if any (the first, should there be two).
  absl::StatusOr<std::optional<store::EntityRecord>> RecordOf(const std::string& compound_id,
                                                              const std::string& month) const;

  const registry::Registry* const fees_;
  const Compounds* const compounds_;
  const Rules* const rules_;
  const regions::RegionRegistry* const regions_;
  const Clock* const clock_;
};

// The fees' indicators, all watched (no target: the plan sets the warning, not a share):
// fee_red_share, fee_yellow_share, fee_blue_share, fee_green_share — of the compounds in the
// context's region with a record for a month of the period, the share whose latest such record
// is of that colour (basis points).
std::vector<indicators::IndicatorSpec> FeeIndicators(const Fees* fees);

}  // namespace gov::tripartite

#endif  // GOV_SERVICES_TRIPARTITE_FEES_H_
