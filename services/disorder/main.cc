// The disorder service (乱象治理): gRPC on 7103, metrics on 9103 by default.
#include "common/server/track_main.h"
#include "services/disorder/track.h"

int main(int argc, char** argv) {
  return gov::server::RunTrack(argc, argv, {"disorder", 7103, 9103},
                               gov::disorder::MakeDisorderTrack);
}
