// The digital service (数字治理): gRPC on 7107, metrics on 9107 by default (data/tracks.json).
#include "common/config/config.h"
#include "common/server/track_main.h"
#include "common/track/track_base.h"
#include "services/digital/track.h"

int main(int argc, char** argv) {
  return gov::server::RunTrack(argc, argv, gov::config::DefaultsFor("digital"),
                               gov::track::Factory<gov::digital::DigitalTrack>("digital"));
}
