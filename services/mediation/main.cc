// The mediation service (诉源治理): its ports from data/tracks.json (gRPC 7101, metrics 9101).
#include "common/config/config.h"
#include "common/server/track_main.h"
#include "common/track/track_base.h"
#include "services/mediation/track.h"

int main(int argc, char** argv) {
  return gov::server::RunTrack(argc, argv, gov::config::DefaultsFor("mediation"),
                               gov::track::Factory<gov::mediation::MediationTrack>("mediation"));
}
