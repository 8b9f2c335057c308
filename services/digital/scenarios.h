#ifndef GOV_SERVICES_DIGITAL_SCENARIOS_H_
#define GOV_SERVICES_DIGITAL_SCENARIOS_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "common/auth/auth.h"
#include "common/clock/clock.h"
#include "common/indicators/indicators.h"
#include "common/regions/regions.h"
#include "common/registry/registry.h"
#include "services/digital/model.h"

// Application scenarios inside and outside the compounds' walls (围墙内外应用场景): launched,
// on trial, in operation, rolled out street by street (推广落地), retired; the future-community
// pilot's scenarios among them.
namespace gov::digital {

class Scenarios {
 public:
  // Nothing is owned; everything outlives the part.
  Scenarios(const registry::Registry* scenarios, const regions::RegionRegistry* regions,
            const Clock* clock);

  // The RPCs (after the declared access).
  absl::Status Create(const auth::Principal& who, const dv1::CreateScenarioRequest& in,
                      dv1::CreateScenarioResponse* out) const;
  absl::Status Get(const auth::Principal& who, const dv1::GetScenarioRequest& in,
                   dv1::GetScenarioResponse* out) const;
  absl::Status List(const auth::Principal& who, const dv1::ListScenariosRequest& in,
                    dv1::ListScenariosResponse* out) const;
  absl::Status StartTrial(const auth::Principal& who, const dv1::StartScenarioTrialRequest& in,
                          dv1::StartScenarioTrialResponse* out) const;
  absl::Status CompleteTrial(const auth::Principal& who,
                             const dv1::CompleteScenarioTrialRequest& in,
                             dv1::CompleteScenarioTrialResponse* out) const;
  absl::Status RollOut(const auth::Principal& who, const dv1::RollOutScenarioRequest& in,
                       dv1::RollOutScenarioResponse* out) const;
  absl::Status Retire(const auth::Principal& who, const dv1::RetireScenarioRequest& in,
                      dv1::RetireScenarioResponse* out) const;

 private:
  friend std::vector<indicators::IndicatorSpec> ScenarioIndicators(const Scenarios* scenarios);

  // The scenario `id` a move is asked of (NOT_FOUND when there is none): its row and the
  // scenario read from it. Every caller may read every scenario.
  absl::Status Read(const auth::Principal& who, const std::string& id, store::EntityRecord* row,
                    dv1::Scenario* scenario) const;
  // Stores `scenario` over `row` under `etag`, keyed by its stage (ABORTED when another writer
  // moved it meanwhile), and gives it back as stored.
  absl::StatusOr<dv1::Scenario> Store(store::EntityRecord row, const std::string& etag,
                                      const dv1::Scenario& scenario) const;
  // Local day of the part's clock.
  absl::CivilDay Today() const;

  const registry::Registry* const scenarios_;
  const regions::RegionRegistry* const regions_;
  const Clock* const clock_;
};

// The scenarios' indicators, district counts of the plan: new_scenarios (9: scenarios launched
// in the period), in_wall_rolled_out (4: in-wall scenarios developed in a street and rolled out
// to another street in the period, each once), trials_completed (5: scenarios whose trial was
// completed in the period); watched: pilot_scenarios_operating (the future-community pilots'
// scenarios in operation at the period's end: in operation by its last day, and not retired now).
//
// Scenarios are the district's (their rows are of no street), and the plan's targets are the
// district's alone. The district counts every scenario. Below it, a scenario counts where it
// belongs rather than everywhere, so that a street's row is its own share and not the district's
// figure repeated: a street (or a principal's several streets) counts the scenarios developed in
// it (origin_street_id) — for pilot_scenarios_operating those of a pilot community that lies in
// it — and a community the scenarios of its future-community pilot (pilot_community_id). A
// district scenario (no origin street) counts for the district only, and a scenario rolled out to
// a street does not count for that street.
std::vector<indicators::IndicatorSpec> ScenarioIndicators(const Scenarios* scenarios);

}  // namespace gov::digital

#endif  // GOV_SERVICES_DIGITAL_SCENARIOS_H_
