#ifndef GOV_SERVICES_POLICING_STATISTICS_H_
#define GOV_SERVICES_POLICING_STATISTICS_H_

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "common/auth/auth.h"
#include "common/cases/engine.h"
#include "common/clock/clock.h"
#include "common/regions/regions.h"
#include "governance/policing/v1/policing.pb.h"

// Incident statistics (GetIncidentStatistics): counts of a period and of the same period last
// year, grouped by street, community, type or class, from the per-day counts the store keeps
// with every case (so the cost is the number of groups, not of incidents).
namespace gov::policing {

namespace pv1 = ::governance::policing::v1;

// Sums the per-day counts the store keeps with the incidents (store track "policing"): what
// statistics, bulletins and the demo loader count incidents by. The track kit offers no read of
// these counts (the case engine lists cases, the indicator engine evaluates indicators), so the
// track hands its parts this one function over its store (track.cc).
using CountIncidents =
    std::function<absl::StatusOr<std::vector<store::CountRow>>(const store::CountQuery&)>;

// Groups the count rows of a period (`current`) and of the same period last year (`last_year`)
// and compares them. The rows must carry the case category (by_category) and, for street or
// community grouping, that column too. Only incidents of `classes` count (all when empty);
// categories the taxonomy does not know count only when `classes` is empty, and are nobody's
// type or class. Incidents without a community count in the total but in no community's row.
// Rows: keys with incidents in either period, by descending count, ties by key; keys are the
// street or community id, or the IncidentType / IncidentClass value name
// ("INCIDENT_TYPE_THEFT"), names from `name_of` (streets, communities) or the taxonomy. The
// change is (count - last) / last in basis points, rounded half away from zero as every rate of
// the suite (indicators::RatioBasisPoints), and unset when last year had none. `total` has the
// key "" and the name "合计".
struct StatisticsRows {
  std::vector<pv1::StatisticsRow> rows;
  pv1::StatisticsRow total;
};
StatisticsRows CompareCounts(pv1::StatisticsGrouping grouping,
                             const std::vector<pv1::IncidentClass>& classes,
                             const std::vector<store::CountRow>& current,
                             const std::vector<store::CountRow>& last_year,
                             const std::function<std::string(const std::string&)>& name_of);

// GetIncidentStatistics for a caller: validates the request (period, region without grid,
// grouping, classes), resolves the region against the caller's scope as IndicatorsService does
// (unset: the district, the caller's one street, or its several streets together; a street
// outside the scope is PERMISSION_DENIED), then sums the counts of the period and of
// cal::SamePeriodLastYear (ISO week n of the previous ISO year for weeks). Open to every
// authenticated role: the answer holds aggregates only.
class IncidentStatistics {
 public:
  IncidentStatistics(CountIncidents count, const regions::RegionRegistry* regions,
                     const Clock* clock)
      : count_(std::move(count)), regions_(regions), clock_(clock) {}

  absl::StatusOr<pv1::GetIncidentStatisticsResponse> Compute(
      const auth::Principal& who, const pv1::GetIncidentStatisticsRequest& request) const;

 private:
  const CountIncidents count_;
  const regions::RegionRegistry* const regions_;
  const Clock* const clock_;
};

}  // namespace gov::policing

#endif  // GOV_SERVICES_POLICING_STATISTICS_H_
