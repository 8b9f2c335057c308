#ifndef GOV_TESTS_SUPPORT_PROCESS_H_
#define GOV_TESTS_SUPPORT_PROCESS_H_

#include <sys/types.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace gov::testing {

// How a child process ended.
struct ExitStatus {
  bool exited = false;  // ended by exit(): `code` is set
  int code = -1;
  int signal = 0;  // killed by this signal
  bool ok() const { return exited && code == 0; }
  // "exit 0", "exit 3", "signal 9".
  std::string ToString() const;
};

// A child process started with fork/exec, for tests that run the real binaries. Its stdin is
// /dev/null unless a file is named; stdout and stderr go to files (or /dev/null), so a test can
// read a service's log lines after the fact. The child gets SIGKILL if the thread that started
// it dies (PR_SET_PDEATHSIG), and the destructor kills and reaps a child still running, so a
// failing test leaves nothing behind. Not thread-safe: drive it from the test's thread.
class Process {
 public:
  struct Options {
    // argv; args[0] is the path of the program (no PATH search).
    std::vector<std::string> args;
    // "NAME=value" entries added to (or replacing in) the test's own environment.
    std::vector<std::string> env;
    std::string stdin_path;      // "" = /dev/null
    std::string stdout_path;     // "" = /dev/null; the file is truncated
    std::string stderr_path;     // "" = /dev/null; the file is truncated
    bool append_output = false;  // append to stdout_path/stderr_path instead of truncating
    // When set (the test runs as root), the child drops to this user and group before exec:
    // servers such as PostgreSQL refuse to run as root. The output files are opened first.
    std::optional<uid_t> uid;
    std::optional<gid_t> gid;
    std::string cwd;  // "" = the test's own working directory
  };

  // Starts the program. NOT_FOUND when it cannot be executed (with the errno text), INTERNAL
  // when fork or a redirection fails.
  static absl::StatusOr<std::unique_ptr<Process>> Spawn(const Options& options);

  ~Process();
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  pid_t pid() const { return pid_; }
  // True until the child has been seen to exit (reaps it if it has).
  bool Running();
  // Sends a signal. FAILED_PRECONDITION when the child has already been reaped.
  absl::Status Signal(int signal);
  // Waits for the child to end. DEADLINE_EXCEEDED (child left running) after `timeout`.
  absl::StatusOr<ExitStatus> WaitExit(absl::Duration timeout);

 private:
  explicit Process(pid_t pid) : pid_(pid) {}
  // Non-blocking reap; true when the child has ended (status in exit_).
  bool Reap();

  pid_t pid_;
  bool reaped_ = false;
  ExitStatus exit_;
};

// The outcome of RunCommand.
struct CommandResult {
  ExitStatus status;
  std::string out;  // everything written to stdout
  std::string err;  // everything written to stderr
};

// Runs a program to completion (killed after `timeout`: DEADLINE_EXCEEDED), capturing its
// output. `stdin_path` as in Process::Options.
absl::StatusOr<CommandResult> RunCommand(const std::vector<std::string>& args,
                                         absl::Duration timeout,
                                         const std::vector<std::string>& env = {},
                                         const std::string& stdin_path = "");

}  // namespace gov::testing

#endif  // GOV_TESTS_SUPPORT_PROCESS_H_
