// The backlog service (积案治理): gRPC on 7104, metrics on 9104 by default (data/tracks.json).
#include "common/config/config.h"
#include "common/server/track_main.h"
#include "common/track/track_base.h"
#include "services/backlog/track.h"

int main(int argc, char** argv) {
  return gov::server::RunTrack(argc, argv, gov::config::DefaultsFor("backlog"),
                               gov::track::Factory<gov::backlog::BacklogTrack>("backlog"));
}
