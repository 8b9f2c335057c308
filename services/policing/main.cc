// The policing service (治安治理): gRPC on 7102, metrics on 9102 by default.
#include "common/server/track_main.h"
#include "services/policing/track.h"

int main(int argc, char** argv) {
  return gov::server::RunTrack(argc, argv, {"policing", 7102, 9102},
                               gov::policing::MakePolicingTrack);
}
