// The mediation service (诉源治理): gRPC on 7101, metrics on 9101 by default.
#include "common/server/track_main.h"
#include "services/mediation/track.h"

int main(int argc, char** argv) {
  return gov::server::RunTrack(argc, argv, {"mediation", 7101, 9101},
                               gov::mediation::MakeMediationTrack);
}
