#ifndef GOV_SERVICES_HAZARD_TRACK_H_
#define GOV_SERVICES_HAZARD_TRACK_H_

#include <memory>

#include "common/server/track_main.h"
#include "common/track/track_base.h"
#include "services/hazard/accidents.h"
#include "services/hazard/elevators.h"
#include "services/hazard/enterprises.h"
#include "services/hazard/hazards.h"
#include "services/hazard/rules.h"
#include "services/hazard/sites.h"

// 隐患治理 — the hazard track, declared on the track kit (common/track/track_base.h): its kind of
// case (hazards), its registries (enterprises, inspections, campaigns, sites, elevators,
// accidents), its role (inspector), its parts and the RPCs bound to them, its indicators and
// figures, and its demo data. main.cc builds it with track::Factory<HazardTrack>, which loads
// the rules file (data/hazard.json).
namespace gov::hazard {

class HazardTrack final : public track::TrackBase {
 public:
  using Rules = hazard::Rules;
  HazardTrack(const server::TrackDeps& deps, std::unique_ptr<Rules> rules);

  const Rules& rules() const { return *rules_; }
  Enterprises& enterprises() { return *enterprises_; }
  Hazards& hazards() { return *hazards_; }

 private:
  std::unique_ptr<Rules> rules_;
  Enterprises* enterprises_ = nullptr;
  Hazards* hazards_ = nullptr;
  Campaigns* campaigns_ = nullptr;
  Sites* sites_ = nullptr;
  Elevators* elevators_ = nullptr;
  Accidents* accidents_ = nullptr;
};

}  // namespace gov::hazard

#endif  // GOV_SERVICES_HAZARD_TRACK_H_
