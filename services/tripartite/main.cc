// The tripartite service (三方治理): gRPC on 7106, metrics on 9106 by default (data/tracks.json).
#include "common/config/config.h"
#include "common/server/track_main.h"
#include "common/track/track_base.h"
#include "services/tripartite/track.h"

int main(int argc, char** argv) {
  return gov::server::RunTrack(argc, argv, gov::config::DefaultsFor("tripartite"),
                               gov::track::Factory<gov::tripartite::TripartiteTrack>("tripartite"));
}
