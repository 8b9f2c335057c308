// The policing service (治安治理): gRPC on 7102, metrics on 9102 by default (data/tracks.json).
#include "common/config/config.h"
#include "common/server/track_main.h"
#include "common/track/track_base.h"
#include "services/policing/track.h"

int main(int argc, char** argv) {
  return gov::server::RunTrack(argc, argv, gov::config::DefaultsFor("policing"),
                               gov::track::Factory<gov::policing::PolicingTrack>("policing"));
}
