#ifndef GOV_SERVICES_DIGITAL_COCKPITS_H_
#define GOV_SERVICES_DIGITAL_COCKPITS_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "common/auth/auth.h"
#include "common/clock/clock.h"
#include "common/indicators/fanout.h"
#include "common/indicators/indicators.h"
#include "common/regions/regions.h"
#include "common/server/handler.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/registry.h"
#include "services/digital/model.h"
#include "services/digital/rules.h"

// The leaders' cockpits (驾驶舱): the district leaders' cockpit, the street cockpits and the key
// departments' cockpits, each declared in the rules file as a selection of indicators from the
// seven tracks for a region. A cockpit is read from the tracks' shared IndicatorsService (the
// kit's indicators::FanOut): all tracks at once, each within the cockpit deadline; a track down
// or too slow leaves its part empty with its status and never fails the cockpit. A complete
// cockpit is kept in the cache for the declared seconds.
namespace gov::digital {

// Checks the rules file's cockpits and their settings (Rules::FromProto calls it): ids unique
// and plain, names given, a kind; a street cockpit for a street of the registry and without a
// department, a department cockpit naming its department, the district's neither; at least one
// selection, each of a track of the suite at most once, indicator ids unique; the launch day a
// date; the settings in range. INVALID_ARGUMENT naming the field ("cockpits[3].street_id").
absl::Status CheckCockpits(const cv1::DigitalRules& data, const regions::RegionRegistry& regions);

class Cockpits {
 public:
  // All outlive the part. `fanout` and `own` (the track's indicators, whose readings of the
  // survey are dropped from the cache when a survey changes them) are given by Attach, once the
  // track's indicators (its own part of every cockpit) are declared.
  // `registry` (may be null) gets governance_cockpit_reads_total.
  Cockpits(const Rules* rules, const regions::RegionRegistry* regions, const Clock* clock,
           prometheus::Registry* registry);

  void Attach(const indicators::FanOut* fanout, indicators::IndicatorEngine* own) {
    fanout_ = fanout;
    own_ = own;
  }

  // The RPCs (after the declared access). A street cockpit is for callers of its street; the
  // district's and the departments' for district-wide callers (PERMISSION_DENIED otherwise).
  absl::Status List(const auth::Principal& who, const dv1::ListCockpitsRequest& in,
                    dv1::ListCockpitsResponse* out) const;
  absl::Status Get(const server::Call& call, const dv1::GetCockpitRequest& in,
                   dv1::GetCockpitResponse* out) const;
  absl::Status CompareStreets(const server::Call& call, const dv1::CompareStreetsRequest& in,
                              dv1::CompareStreetsResponse* out) const;
  absl::Status ComparePeriods(const server::Call& call, const dv1::ComparePeriodsRequest& in,
                              dv1::ComparePeriodsResponse* out) const;

  // The sweep: the district leaders' cockpit read for the current month, its indicators and
  // their freshness kept for the track's indicators (the last complete reading).
  absl::Status Survey();

  // The cockpits' indicators: the plan's 15 new cockpits (10 street, 5 department) in use, and
  // the district leaders' cockpit's indicators and its share of high-frequency, comparable
  // ones, as of the last survey.
  std::vector<indicators::IndicatorSpec> Indicators() const;

 private:
  struct Surveyed {
    dv1::CockpitFreshness freshness;
    absl::Time at;
  };

  const dv1::CockpitDeclaration* Find(const std::string& id) const;
  // The cockpit `id` if `who` may read it: INVALID_ARGUMENT naming "id" when empty, NOT_FOUND
  // when undeclared, PERMISSION_DENIED outside the caller's scope.
  absl::StatusOr<const dv1::CockpitDeclaration*> Readable(const auth::Principal& who,
                                                          const std::string& id) const;
  // A read of the tracks in progress, which calls for the same cockpit and periods wait for.
  struct Flight {
    absl::Time until;  // the read's deadline
    absl::Notification done;
    std::vector<dv1::Cockpit> built;  // set before `done`
  };

  // The cockpit for each of `periods` (normalised), from the cache where kept, the rest read
  // from the tracks in one fan-out by `deadline` (Read), once at a time for the same periods.
  std::vector<dv1::Cockpit> Assemble(const dv1::CockpitDeclaration& cockpit,
                                     const std::vector<governance::v1::Period>& periods,
                                     absl::Time deadline) const;
  // The cockpit for each of `periods` read from the tracks; complete ones are kept.
  std::vector<dv1::Cockpit> Read(const dv1::CockpitDeclaration& cockpit,
                                 const std::vector<governance::v1::Period>& periods,
                                 absl::Time deadline) const;
  // The deadline of a fan-out for a call: the cockpit deadline, or the caller's when sooner.
  absl::Time Deadline(const server::Call* call) const;
  std::optional<Surveyed> LastSurvey() const;

  const Rules* const rules_;
  const regions::RegionRegistry* const regions_;
  const Clock* const clock_;
  prometheus::Family<prometheus::Counter>* reads_ = nullptr;
  const indicators::FanOut* fanout_ = nullptr;
  indicators::IndicatorEngine* own_ = nullptr;

  mutable absl::Mutex mu_;
  std::optional<Surveyed> surveyed_ ABSL_GUARDED_BY(mu_);
  mutable absl::Mutex flights_mu_;
  mutable absl::flat_hash_map<std::string, std::shared_ptr<Flight>> flights_
      ABSL_GUARDED_BY(flights_mu_);
};

}  // namespace gov::digital

#endif  // GOV_SERVICES_DIGITAL_COCKPITS_H_
