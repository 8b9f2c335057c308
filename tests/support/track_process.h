#ifndef GOV_TESTS_SUPPORT_TRACK_PROCESS_H_
#define GOV_TESTS_SUPPORT_TRACK_PROCESS_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "grpcpp/grpcpp.h"
#include "tests/support/process.h"

namespace gov::testing {

// The district administrator's token that WriteAdminTokenFile writes, for tests that run track
// binaries as processes.
inline constexpr char kProcessAdminToken[] = "process-test-admin-token-5c1e";

// Writes a token file (governance.config.v1.TokenFile) holding kProcessAdminToken as
// district_admin, never expiring.
void WriteAdminTokenFile(const std::string& path);

// One track's real binary (build/services/<track>/<track>) as a child process on a free port,
// started as scripts/run.sh starts it: its store (a SQLite file, or a PostgreSQL URL), a Redis,
// a token file. It can be stopped, killed and started again on the same port and store, so a
// test sees what a restart keeps. The destructor kills a process still running.
class TrackProcess {
 public:
  struct Options {
    std::string track;              // "mediation"
    std::string db_path;            // SQLite file; used when database_url is empty
    std::string database_url;       // PostgreSQL (libpq URL)
    std::string redis;              // "host:port"; empty = no cache
    std::string tokens_file;        // see WriteAdminTokenFile
    std::string log_path;           // the service's stderr (its log), appended across starts
    std::vector<std::string> args;  // further flags ("--drain_seconds=2")
  };

  explicit TrackProcess(Options options);
  ~TrackProcess();
  TrackProcess(const TrackProcess&) = delete;
  TrackProcess& operator=(const TrackProcess&) = delete;

  // Starts the binary (on a free port the first time, the same port afterwards) and waits
  // until health says SERVING, at most `timeout`. The error carries the log's tail.
  absl::Status Start(absl::Duration timeout = absl::Seconds(60));
  // SIGTERM, then waits for the exit (the drain), at most `timeout`.
  absl::StatusOr<ExitStatus> Stop(absl::Duration timeout = absl::Seconds(30));
  // SIGKILL and reap: a crash.
  void Kill();
  absl::Status Signal(int signal);
  bool Running();
  Process* process() { return process_.get(); }

  std::string address() const;
  int port() const { return port_; }
  // A channel to the service (made once; it reconnects across restarts).
  std::shared_ptr<grpc::Channel> channel();
  // The last `lines` lines of the service's log.
  std::string LogTail(size_t lines = 40) const;

 private:
  absl::Status Spawn();

  Options options_;
  int port_ = 0;
  std::unique_ptr<Process> process_;
  std::shared_ptr<grpc::Channel> channel_;
};

// A client context with the admin token and a deadline `timeout` from now.
std::unique_ptr<grpc::ClientContext> AdminContext(absl::Duration timeout = absl::Seconds(10));

}  // namespace gov::testing

#endif  // GOV_TESTS_SUPPORT_TRACK_PROCESS_H_
