#ifndef GOV_SERVICES_DIGITAL_TRACK_H_
#define GOV_SERVICES_DIGITAL_TRACK_H_

#include <memory>

#include "common/server/track_main.h"
#include "common/track/track_base.h"
#include "services/digital/cameras.h"
#include "services/digital/cockpits.h"
#include "services/digital/events.h"
#include "services/digital/follower.h"
#include "services/digital/regions_api.h"
#include "services/digital/rules.h"
#include "services/digital/scenarios.h"

// 数字治理 — the digital track, declared on the track kit (common/track/track_base.h): the
// district's regions read through its API, its registries (City Eye cameras, application
// scenarios), its kind of case (City Eye events, dispatched by its rules file), its parts and the
// RPCs bound to them, its indicators and its demo data. main.cc builds it with
// track::Factory<DigitalTrack>.
namespace gov::digital {

class DigitalTrack final : public track::TrackBase {
 public:
  using Rules = digital::Rules;
  DigitalTrack(const server::TrackDeps& deps, std::unique_ptr<Rules> rules);

 private:
  std::unique_ptr<Rules> rules_;
  RegionsApi* regions_ = nullptr;
  Cameras* cameras_ = nullptr;
  Scenarios* scenarios_ = nullptr;
  Events* events_ = nullptr;
  Follower* follower_ = nullptr;
  Cockpits* cockpits_ = nullptr;
};

}  // namespace gov::digital

#endif  // GOV_SERVICES_DIGITAL_TRACK_H_
