#ifndef GOV_SERVICES_POLICING_BULLETIN_GRADING_H_
#define GOV_SERVICES_POLICING_BULLETIN_GRADING_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/cases/engine.h"
#include "common/regions/regions.h"
#include "governance/policing/v1/policing.pb.h"
#include "services/policing/rules.h"
#include "services/policing/statistics.h"

// What a three-colour bulletin (三色通报) says: the incidents of a week, month or quarter and of
// the same period last year for the district, every street and every community, each street and
// community graded red, yellow or blue by the rules file's thresholds (common/grading), their
// dominant types, and the hot areas (the grids with the most incidents).
namespace gov::policing {

class BulletinGrading {
 public:
  // `count` sums the incidents' per-day counts; `incidents` is their engine (the hot areas are
  // counted from the period's incidents: the store keeps no counts per grid). Everything
  // outlives this.
  BulletinGrading(CountIncidents count, cases::CaseEngine* incidents, const Rules* rules,
                  const regions::RegionRegistry* regions)
      : count_(std::move(count)), incidents_(incidents), rules_(rules), regions_(regions) {}

  // The bulletin of a finished week, month or quarter as `publisher` publishes it at `now`:
  // everything but its id and the key-area decisions (KeyAreas::Decide).
  absl::StatusOr<pv1::Bulletin> Compose(const std::string& publisher,
                                        const governance::v1::Period& period, absl::Time now) const;

 private:
  absl::StatusOr<std::vector<store::CountRow>> Counts(const governance::v1::Period& period) const;
  void AddEntries(cv1::BulletinPeriodKind kind, const std::vector<store::CountRow>& current,
                  const std::vector<store::CountRow>& last_year, pv1::Bulletin* bulletin) const;
  absl::Status AddHotAreas(const governance::v1::Period& period, pv1::Bulletin* bulletin) const;

  const CountIncidents count_;
  cases::CaseEngine* const incidents_;
  const Rules* const rules_;
  const regions::RegionRegistry* const regions_;
};

}  // namespace gov::policing

#endif  // GOV_SERVICES_POLICING_BULLETIN_GRADING_H_
