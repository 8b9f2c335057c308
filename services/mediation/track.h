#ifndef GOV_SERVICES_MEDIATION_TRACK_H_
#define GOV_SERVICES_MEDIATION_TRACK_H_

#include "common/cases/engine.h"
#include "common/server/track_main.h"
#include "common/track/track_base.h"
#include "services/mediation/model.h"
#include "services/mediation/registry.h"
#include "services/mediation/routing.h"

// 诉源治理 — the mediation track, declared on the track kit (common/track/track_base.h): its
// kind of case (disputes), its registry, its parts and the RPCs bound to them, its indicators
// and its demo data. main.cc builds it with track::Factory<MediationTrack>.
namespace gov::mediation {

// The dispute state machine (see track.cc for the table).
const cases::TrackSpec& MediationSpec();

class MediationTrack final : public track::TrackBase {
 public:
  explicit MediationTrack(const server::TrackDeps& deps);

  // The registry and the routing table over it (owned by the track).
  const Registries& registries() const { return *registries_; }
  const Router& router() const { return *router_; }

 private:
  Registries* registries_ = nullptr;
  Router* router_ = nullptr;
};

}  // namespace gov::mediation

#endif  // GOV_SERVICES_MEDIATION_TRACK_H_
