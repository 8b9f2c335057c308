#include "tests/support/redis_server.h"

#include <errno.h>
#include <fcntl.h>
#include <hiredis/hiredis.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace gov::testing {
namespace {

constexpr absl::Duration kStartTimeout = absl::Seconds(5);
constexpr absl::Duration kStopTimeout = absl::Seconds(5);
constexpr absl::Duration kPollInterval = absl::Milliseconds(10);
constexpr int kStartAttempts = 4;

absl::Status ErrnoStatus(int error, const char* what) {
  return absl::Status(absl::ErrnoToStatusCode(error),
                      absl::StrCat(what, ": ", std::strerror(error)));
}

struct ContextDeleter {
  void operator()(redisContext* c) const { redisFree(c); }
};
struct ReplyDeleter {
  void operator()(redisReply* r) const { freeReplyObject(r); }
};

// A connection with `timeout` on connect and on every command, or the reason there is none.
absl::StatusOr<std::unique_ptr<redisContext, ContextDeleter>> Connect(int port,
                                                                      absl::Duration timeout) {
  std::unique_ptr<redisContext, ContextDeleter> c(
      redisConnectWithTimeout("127.0.0.1", port, absl::ToTimeval(timeout)));
  if (c == nullptr) return absl::ResourceExhaustedError("cannot allocate a redis context");
  if (c->err != 0 || redisSetTimeout(c.get(), absl::ToTimeval(timeout)) != REDIS_OK) {
    return absl::UnavailableError(absl::StrCat("redis at 127.0.0.1:", port, ": ", c->errstr));
  }
  return c;
}

std::string ReplyText(const redisReply* reply) {
  switch (reply->type) {
    case REDIS_REPLY_INTEGER:
      return absl::StrCat(reply->integer);
    case REDIS_REPLY_ARRAY: {
      std::vector<std::string> parts;
      for (size_t i = 0; i < reply->elements; ++i) parts.push_back(ReplyText(reply->element[i]));
      return absl::StrJoin(parts, "\n");
    }
    case REDIS_REPLY_NIL:
      return "";
    default:
      return std::string(reply->str, reply->len);
  }
}

}  // namespace

RedisServer::~RedisServer() { Stop(); }

std::string RedisServer::address() const { return absl::StrCat("127.0.0.1:", port_); }

absl::Status RedisServer::Start() {
  if (running()) return absl::FailedPreconditionError("redis-server already running");
  return StartOnFreePort(
      &port_, [this] { return Spawn(); }, kStartAttempts);
}

absl::Status RedisServer::Restart() {
  if (port_ == 0) return absl::FailedPreconditionError("RedisServer::Restart() before Start()");
  Stop();
  return Spawn();
}

void RedisServer::Kill() {
  if (!running()) return;
  kill(pid_, SIGKILL);
  int status = 0;
  while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  pid_ = -1;
  paused_ = false;
}

void RedisServer::Stop() {
  if (!running()) return;
  if (paused_) kill(pid_, SIGCONT);
  kill(pid_, SIGTERM);
  const absl::Time deadline = absl::Now() + kStopTimeout;
  while (absl::Now() < deadline) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      paused_ = false;
      return;
    }
    absl::SleepFor(kPollInterval);
  }
  Kill();
}

absl::Status RedisServer::Pause() {
  if (!running()) return absl::FailedPreconditionError("redis-server not running");
  if (kill(pid_, SIGSTOP) != 0) return ErrnoStatus(errno, "kill(SIGSTOP)");
  paused_ = true;
  return absl::OkStatus();
}

absl::Status RedisServer::Resume() {
  if (!running()) return absl::FailedPreconditionError("redis-server not running");
  if (kill(pid_, SIGCONT) != 0) return ErrnoStatus(errno, "kill(SIGCONT)");
  paused_ = false;
  return absl::OkStatus();
}

absl::StatusOr<std::string> RedisServer::Command(const std::vector<std::string>& args) const {
  auto context = Connect(port_, absl::Seconds(1));
  if (!context.ok()) return context.status();
  std::vector<const char*> argv;
  std::vector<size_t> lengths;
  for (const std::string& arg : args) {
    argv.push_back(arg.data());
    lengths.push_back(arg.size());
  }
  std::unique_ptr<redisReply, ReplyDeleter> reply(static_cast<redisReply*>(redisCommandArgv(
      context->get(), static_cast<int>(argv.size()), argv.data(), lengths.data())));
  if (reply == nullptr) {
    return absl::UnavailableError(absl::StrCat("redis ", address(), ": ", (*context)->errstr));
  }
  if (reply->type == REDIS_REPLY_ERROR) {
    return absl::FailedPreconditionError(std::string(reply->str, reply->len));
  }
  if (reply->type == REDIS_REPLY_NIL) return absl::NotFoundError("nil");
  return ReplyText(reply.get());
}

absl::Status RedisServer::Spawn() {
  if (access(kBinary, X_OK) != 0) {
    return absl::FailedPreconditionError(
        absl::StrCat(kBinary, " is not installed (", std::strerror(errno),
                     "); install the Debian package redis-server (the bootstrap script does)"));
  }
  const std::string port = absl::StrCat(port_);
  const std::string log_path = dir_.File("redis.log");
  std::vector<std::string> args = {
      kBinary, "--port", port,        "--bind",      "127.0.0.1", "--save",    "", "--appendonly",
      "no",    "--dir",  dir_.path(), "--daemonize", "no",        "--logfile", ""};
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);

  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0) return ErrnoStatus(errno, "fork");
  if (pid == 0) {
    // Only async-signal-safe calls between fork and exec.
    setpgid(0, 0);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(1);
    signal(SIGPIPE, SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    const int null_fd = open("/dev/null", O_RDONLY);
    if (null_fd >= 0) dup2(null_fd, STDIN_FILENO);
    // --logfile "" logs to stdout; keep it (and anything on stderr) for LogTail().
    const int log_fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (log_fd >= 0) {
      dup2(log_fd, STDOUT_FILENO);
      dup2(log_fd, STDERR_FILENO);
    }
    execv(kBinary, argv.data());
    _exit(127);
  }
  // Also from the parent, so the group exists whichever process runs first.
  setpgid(pid, pid);
  pid_ = pid;
  paused_ = false;
  return WaitReady();
}

absl::Status RedisServer::WaitReady() {
  const absl::Time deadline = absl::Now() + kStartTimeout;
  while (true) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return absl::UnavailableError(absl::StrCat("redis-server on port ", port_,
                                                 " exited during start-up (wait status ", status,
                                                 "); log:\n", LogTail()));
    }
    auto context = Connect(port_, absl::Milliseconds(200));
    if (context.ok()) {
      std::unique_ptr<redisReply, ReplyDeleter> reply(
          static_cast<redisReply*>(redisCommand(context->get(), "PING")));
      if (reply != nullptr && reply->type == REDIS_REPLY_STATUS &&
          std::string(reply->str, reply->len) == "PONG") {
        return absl::OkStatus();
      }
    }
    if (absl::Now() >= deadline) {
      Kill();
      return absl::DeadlineExceededError(
          absl::StrCat("redis-server on port ", port_, " did not answer PING within ",
                       absl::FormatDuration(kStartTimeout), "; log:\n", LogTail()));
    }
    absl::SleepFor(kPollInterval);
  }
}

std::string RedisServer::LogTail() const {
  std::ifstream in(dir_.File("redis.log"));
  std::stringstream all;
  all << in.rdbuf();
  const std::string text = all.str();
  constexpr size_t kTail = 2000;
  return text.size() <= kTail ? text : text.substr(text.size() - kTail);
}

}  // namespace gov::testing
