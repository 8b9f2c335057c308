// The hazard service (隐患治理): gRPC on 7105, metrics on 9105 by default (data/tracks.json).
#include "common/config/config.h"
#include "common/server/track_main.h"
#include "common/track/track_base.h"
#include "services/hazard/track.h"

int main(int argc, char** argv) {
  return gov::server::RunTrack(argc, argv, gov::config::DefaultsFor("hazard"),
                               gov::track::Factory<gov::hazard::HazardTrack>("hazard"));
}
