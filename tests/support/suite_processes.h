#ifndef GOV_TESTS_SUPPORT_SUITE_PROCESSES_H_
#define GOV_TESTS_SUPPORT_SUITE_PROCESSES_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "grpcpp/grpcpp.h"
#include "tests/support/process.h"

namespace gov::testing {

// One track of a SuiteProcesses: its ports, SQLite file, log and channel.
struct SuiteTrack {
  std::string track;
  bool has_rules = false;
  int grpc_port = 0;
  int metrics_port = 0;
  std::string db;   // its SQLite file
  std::string log;  // its stderr
  std::unique_ptr<Process> process;
  std::shared_ptr<grpc::Channel> channel;
  std::string address() const;
};

// The whole suite as real processes, as scripts/run.sh runs it: every track of data/tracks.json
// on free ports chosen first, each told where the others are (--peers) and presenting the peer
// token when it calls them, each on its own SQLite file with its rules file from data/. The six
// tracks start at once, then the digital track, which follows their change streams. The
// processes die with the object.
class SuiteProcesses {
 public:
  struct Options {
    std::string dir;              // where <track>.db, .log and .out go
    std::string redis;            // "host:port"
    std::string tokens_file;      // must hold the peer token's principal (role system)
    std::string peer_token_file;  // the token the tracks present to each other
    bool demo_data = false;
    std::vector<std::string> args;  // further flags for every track
    absl::Duration start_timeout = absl::Seconds(90);
  };

  explicit SuiteProcesses(Options options);
  SuiteProcesses(const SuiteProcesses&) = delete;
  SuiteProcesses& operator=(const SuiteProcesses&) = delete;

  // Chooses the ports and starts every track, waiting until each is SERVING. The error names
  // the track and carries its log's tail.
  absl::Status Start();
  // Starts one track again on its ports and store (after it was stopped), and waits for it.
  absl::Status Restart(SuiteTrack& t);
  // SIGTERM and the drain to its end: the exit status, which must be 0.
  absl::Status Stop(SuiteTrack& t, absl::Duration timeout);

  std::map<std::string, SuiteTrack>& tracks() { return tracks_; }
  SuiteTrack& at(const std::string& track) { return tracks_.at(track); }

 private:
  absl::Status Spawn(SuiteTrack& t);
  absl::Status WaitServing(SuiteTrack& t);

  Options options_;
  std::map<std::string, SuiteTrack> tracks_;  // by track
  std::string peers_;                         // --peers: every track's address
};

}  // namespace gov::testing

#endif  // GOV_TESTS_SUPPORT_SUITE_PROCESSES_H_
