#include "tests/support/process.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "tests/support/test_support.h"

extern char** environ;

namespace gov::testing {
namespace {

// The child's environment: the test's own, with `extra` entries added or replacing.
std::vector<std::string> ChildEnvironment(const std::vector<std::string>& extra) {
  auto name_of = [](absl::string_view entry) { return entry.substr(0, entry.find('=')); };
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    bool replaced = false;
    for (const std::string& x : extra) replaced |= name_of(x) == name_of(*e);
    if (!replaced) env.emplace_back(*e);
  }
  env.insert(env.end(), extra.begin(), extra.end());
  return env;
}

absl::StatusOr<int> OpenFile(const std::string& path, bool for_output, bool append = false) {
  const std::string target = path.empty() ? "/dev/null" : path;
  const int flags = for_output ? (O_WRONLY | O_CREAT | (append ? O_APPEND : O_TRUNC) | O_CLOEXEC)
                               : (O_RDONLY | O_CLOEXEC);
  const int fd = open(target.c_str(), flags, 0644);
  if (fd < 0) return absl::InternalError(absl::StrCat("open ", target, ": ", strerror(errno)));
  return fd;
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream content;
  content << in.rdbuf();
  return content.str();
}

ExitStatus Decode(int wait_status) {
  ExitStatus status;
  if (WIFEXITED(wait_status)) {
    status.exited = true;
    status.code = WEXITSTATUS(wait_status);
  } else if (WIFSIGNALED(wait_status)) {
    status.signal = WTERMSIG(wait_status);
  }
  return status;
}

}  // namespace

std::string ExitStatus::ToString() const {
  if (exited) return absl::StrCat("exit ", code);
  if (signal != 0) return absl::StrCat("signal ", signal, " (", strsignal(signal), ")");
  return "unknown";
}

absl::StatusOr<std::unique_ptr<Process>> Process::Spawn(const Options& options) {
  if (options.args.empty()) return absl::InvalidArgumentError("no program given");

  // Everything the child touches is prepared before fork: after fork in a threaded process only
  // async-signal-safe calls are allowed.
  std::vector<std::string> env = ChildEnvironment(options.env);
  std::vector<char*> argv;
  for (const std::string& a : options.args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  std::vector<char*> envp;
  for (const std::string& e : env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);

  int fds[3];
  absl::StatusOr<int> in = OpenFile(options.stdin_path, false);
  if (!in.ok()) return in.status();
  fds[0] = *in;
  absl::StatusOr<int> out = OpenFile(options.stdout_path, true, options.append_output);
  if (!out.ok()) {
    close(fds[0]);
    return out.status();
  }
  fds[1] = *out;
  absl::StatusOr<int> err = OpenFile(options.stderr_path, true, options.append_output);
  if (!err.ok()) {
    close(fds[0]);
    close(fds[1]);
    return err.status();
  }
  fds[2] = *err;
  auto close_fds = [&fds] {
    for (int fd : fds) close(fd);
  };

  // The exec error, if any, comes back through a close-on-exec pipe: EOF means exec worked.
  int errpipe[2];
  if (pipe2(errpipe, O_CLOEXEC) != 0) {
    close_fds();
    return absl::InternalError(absl::StrCat("pipe2: ", strerror(errno)));
  }
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0) {
    close_fds();
    close(errpipe[0]);
    close(errpipe[1]);
    return absl::InternalError(absl::StrCat("fork: ", strerror(errno)));
  }
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    signal(SIGPIPE, SIG_DFL);
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    for (int i = 0; i < 3; ++i) {
      if (dup2(fds[i], i) < 0) {
        const int e = errno;
        (void)!write(errpipe[1], &e, sizeof(e));
        _exit(127);
      }
    }
    if (!options.cwd.empty() && chdir(options.cwd.c_str()) != 0) {
      const int e = errno;
      (void)!write(errpipe[1], &e, sizeof(e));
      _exit(127);
    }
    if (options.gid.has_value() && (setgroups(0, nullptr) != 0 || setgid(*options.gid) != 0)) {
      const int e = errno;
      (void)!write(errpipe[1], &e, sizeof(e));
      _exit(127);
    }
    if (options.uid.has_value()) {
      if (setuid(*options.uid) != 0) {
        const int e = errno;
        (void)!write(errpipe[1], &e, sizeof(e));
        _exit(127);
      }
      // A change of credentials clears the parent-death signal: set it again.
      prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (getppid() != parent) _exit(127);
    }
    execve(argv[0], argv.data(), envp.data());
    const int e = errno;
    (void)!write(errpipe[1], &e, sizeof(e));
    _exit(127);
  }

  close_fds();
  close(errpipe[1]);
  int child_errno = 0;
  ssize_t n;
  do {
    n = read(errpipe[0], &child_errno, sizeof(child_errno));
  } while (n < 0 && errno == EINTR);
  close(errpipe[0]);
  if (n > 0) {
    int ignored;
    waitpid(pid, &ignored, 0);
    return absl::NotFoundError(
        absl::StrCat("cannot execute ", options.args[0], ": ", strerror(child_errno)));
  }
  return std::unique_ptr<Process>(new Process(pid));
}

Process::~Process() {
  if (reaped_) return;
  kill(pid_, SIGKILL);
  int ignored;
  while (waitpid(pid_, &ignored, 0) < 0 && errno == EINTR) {
  }
}

bool Process::Reap() {
  if (reaped_) return true;
  int status = 0;
  const pid_t r = waitpid(pid_, &status, WNOHANG);
  if (r == 0) return false;
  reaped_ = true;
  if (r == pid_) exit_ = Decode(status);
  return true;
}

bool Process::Running() { return !Reap(); }

absl::Status Process::Signal(int signal) {
  if (Reap()) {
    return absl::FailedPreconditionError(
        absl::StrCat("process ", pid_, " already ended (", exit_.ToString(), ")"));
  }
  if (kill(pid_, signal) != 0) {
    return absl::InternalError(absl::StrCat("kill ", pid_, ": ", strerror(errno)));
  }
  return absl::OkStatus();
}

absl::StatusOr<ExitStatus> Process::WaitExit(absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (!Reap()) {
    if (absl::Now() >= deadline) {
      return absl::DeadlineExceededError(
          absl::StrCat("process ", pid_, " still running after ", absl::FormatDuration(timeout)));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return exit_;
}

absl::StatusOr<CommandResult> RunCommand(const std::vector<std::string>& args,
                                         absl::Duration timeout,
                                         const std::vector<std::string>& env,
                                         const std::string& stdin_path) {
  TempDir dir;
  Process::Options options;
  options.args = args;
  options.env = env;
  options.stdin_path = stdin_path;
  options.stdout_path = dir.File("stdout");
  options.stderr_path = dir.File("stderr");
  absl::StatusOr<std::unique_ptr<Process>> process = Process::Spawn(options);
  if (!process.ok()) return process.status();
  absl::StatusOr<ExitStatus> status = (*process)->WaitExit(timeout);
  if (!status.ok()) {
    return absl::DeadlineExceededError(absl::StrCat(args[0], " did not finish within ",
                                                    absl::FormatDuration(timeout),
                                                    "; stderr: ", ReadAll(options.stderr_path)));
  }
  CommandResult result;
  result.status = *status;
  result.out = ReadAll(options.stdout_path);
  result.err = ReadAll(options.stderr_path);
  return result;
}

}  // namespace gov::testing
