#ifndef GOV_SERVICES_POLICING_TRACK_H_
#define GOV_SERVICES_POLICING_TRACK_H_

#include <memory>
#include <vector>

#include "common/indicators/indicators.h"
#include "common/server/track_main.h"
#include "common/track/track_base.h"
#include "services/policing/assets.h"
#include "services/policing/bulletins.h"
#include "services/policing/incidents.h"
#include "services/policing/key_areas.h"
#include "services/policing/linkage.h"
#include "services/policing/rules.h"
#include "services/policing/statistics.h"
#include "services/policing/taxonomy.h"

// 治安治理 — the policing track, declared on the track kit (common/track/track_base.h): its three
// kinds of case (incidents, key-area listings, linkage tasks), its two registries (bulletins,
// forces and assets), its parts and the RPCs bound to them, its indicators, its demo data and its
// upkeep. main.cc builds it with track::Factory<PolicingTrack>, which loads the rules file.
namespace gov::policing {

namespace pv1 = ::governance::policing::v1;

// The plan's incident targets as indicators: total, criminal and public-order, and
// property-crime incidents, each down 5% on the same period last year.
std::vector<indicators::IndicatorSpec> PolicingIndicators();
// Every indicator the track serves: the incident targets, then linkage (LinkageIndicators) and
// forces and assets (AssetIndicators).
std::vector<indicators::IndicatorSpec> AllPolicingIndicators();
// Ranking dimensions (street, community, category) and category names (the types').
indicators::RankingSpec PolicingRankings();

class PolicingTrack final : public track::TrackBase {
 public:
  // The rules file (data/policing.json), loaded by track::Factory.
  using Rules = policing::Rules;

  PolicingTrack(const server::TrackDeps& deps, std::unique_ptr<Rules> rules);

  const Rules& rules() const { return *rules_; }
  // The parts (owned by the track).
  Incidents& incidents() { return *incidents_; }
  Bulletins& bulletins() { return *bulletins_; }
  KeyAreas& key_areas() { return *key_areas_; }
  Linkage& linkage() { return *linkage_; }
  Assets& assets() { return *assets_; }

 private:
  std::unique_ptr<Rules> rules_;
  Incidents* incidents_ = nullptr;
  Bulletins* bulletins_ = nullptr;
  KeyAreas* key_areas_ = nullptr;
  Linkage* linkage_ = nullptr;
  Assets* assets_ = nullptr;
};

}  // namespace gov::policing

#endif  // GOV_SERVICES_POLICING_TRACK_H_
