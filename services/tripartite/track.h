#ifndef GOV_SERVICES_TRIPARTITE_TRACK_H_
#define GOV_SERVICES_TRIPARTITE_TRACK_H_

#include <memory>

#include "common/server/track_main.h"
#include "common/track/track_base.h"
#include "services/tripartite/committees.h"
#include "services/tripartite/compounds.h"
#include "services/tripartite/disputes.h"
#include "services/tripartite/fees.h"
#include "services/tripartite/hub.h"
#include "services/tripartite/rules.h"

// 三方治理 — the tripartite track, declared on the track kit (common/track/track_base.h): its two
// kinds of case (owners' committees, property disputes), its registries (compounds, hub
// activities, highlights, fee records), its meetings (deliberation sessions, joint meetings), its
// role (tripartite_officer), its parts and the RPCs bound to them, its indicators and its demo
// data. main.cc builds it with track::Factory<TripartiteTrack>, which loads the rules file
// (data/tripartite.json).
namespace gov::tripartite {

class TripartiteTrack final : public track::TrackBase {
 public:
  using Rules = tripartite::Rules;
  TripartiteTrack(const server::TrackDeps& deps, std::unique_ptr<Rules> rules);

  const Rules& rules() const { return *rules_; }

 private:
  std::unique_ptr<Rules> rules_;
  Compounds* compounds_ = nullptr;
  Hub* hub_ = nullptr;
  Committees* committees_ = nullptr;
  Fees* fees_ = nullptr;
  Disputes* disputes_ = nullptr;
};

}  // namespace gov::tripartite

#endif  // GOV_SERVICES_TRIPARTITE_TRACK_H_
