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

// A further token of a token file: the bearer token, its principal and its one role.
struct TokenGrant {
  std::string token;
  std::string principal;
  std::string role;  // "system"
};

// Writes a token file (governance.config.v1.TokenFile) holding kProcessAdminToken as
// district_admin and the tokens of `more`, none expiring.
void WriteAdminTokenFile(const std::string& path, const std::vector<TokenGrant>& more = {});

// One track's real binary (build/services/<track>/<track>) as a child process on a free port,
// started as scripts/run.sh starts it: its store (a SQLite file, or a PostgreSQL URL), a Redis,
// a token file. It can be stopped, killed and started again on the same ports and store, so a
// test sees what a restart keeps. The destructor kills a process still running.
class TrackProcess {
 public:
  struct Options {
    std::string track;         // "mediation"
    std::string db_path;       // SQLite file; used when database_url is empty
    std::string database_url;  // PostgreSQL (libpq URL)
    std::string redis;         // "host:port"; empty = no cache
    std::string tokens_file;   // see WriteAdminTokenFile
    std::string log_path;      // the service's stderr (its log), appended across starts
    bool demo_data = false;    // load the demo cases into an empty store
    bool metrics = false;      // serve /metrics on a free port of its own (metrics_port())
    // A plaintext health-only port of its own as well (--health_listen, health_address()),
    // through which the start is awaited: what a service serving TLS answers without a
    // certificate.
    bool health_port = false;
    std::vector<std::string> args;  // further flags ("--drain_seconds=2"), after the usual ones
  };

  explicit TrackProcess(Options options);
  ~TrackProcess();
  TrackProcess(const TrackProcess&) = delete;
  TrackProcess& operator=(const TrackProcess&) = delete;

  // Starts the binary (on free ports the first time, the same ports afterwards) and waits
  // until health says SERVING, at most `timeout`. The error carries the log's tail.
  absl::Status Start(absl::Duration timeout = absl::Seconds(60));
  // Runs the binary in the foreground until it ends, at most `timeout`, as a start that is
  // meant to be refused: its exit status and output (the log file is not written).
  absl::StatusOr<CommandResult> RunToExit(absl::Duration timeout = absl::Seconds(60));
  // SIGTERM, then waits for the exit (the drain), at most `timeout`.
  absl::StatusOr<ExitStatus> Stop(absl::Duration timeout = absl::Seconds(30));
  // SIGKILL and reap: a crash. The exit status; FAILED_PRECONDITION when no process was
  // running (none started, or it had already ended: the message says how).
  absl::StatusOr<ExitStatus> Kill();
  absl::Status Signal(int signal);
  bool Running();
  Process* process() { return process_.get(); }

  std::string address() const;
  int port() const { return port_; }
  // With Options::metrics: the /metrics port (0 without).
  int metrics_port() const { return metrics_port_; }
  // With Options::health_port: the plaintext health-only address.
  std::string health_address() const;
  // A channel to the service (made once; it reconnects quickly across restarts). Plaintext: a
  // service serving TLS needs a channel of the test's own.
  std::shared_ptr<grpc::Channel> channel();
  // The service's log, whole or its last `lines` lines.
  std::string Log() const;
  std::string LogTail(size_t lines = 40) const;

 private:
  Process::Options Command() const;
  absl::Status Spawn();

  Options options_;
  int port_ = 0;
  int metrics_port_ = 0;
  int health_port_ = 0;
  std::unique_ptr<Process> process_;
  std::shared_ptr<grpc::Channel> channel_;
  std::shared_ptr<grpc::Channel> health_channel_;
};

// How a test calls a service as the administrator: a deadline `timeout` after the call starts;
// with `wait_for_ready` the call waits (within it) for a service that is down or restarting
// instead of failing at once.
struct AdminCall {
  absl::Duration timeout = absl::Seconds(10);
  bool wait_for_ready = false;
};

// A client context with the admin token and a deadline `timeout` from now.
std::unique_ptr<grpc::ClientContext> AdminContext(absl::Duration timeout = absl::Seconds(10));
std::unique_ptr<grpc::ClientContext> AdminContext(const AdminCall& call);

}  // namespace gov::testing

#endif  // GOV_TESTS_SUPPORT_TRACK_PROCESS_H_
