// The disorder service (乱象治理): its ports are data/tracks.json's.
#include "common/config/config.h"
#include "common/server/track_main.h"
#include "common/track/track_base.h"
#include "services/disorder/track.h"

int main(int argc, char** argv) {
  return gov::server::RunTrack(argc, argv, gov::config::DefaultsFor("disorder"),
                               gov::track::Factory<gov::disorder::DisorderTrack>("disorder"));
}
