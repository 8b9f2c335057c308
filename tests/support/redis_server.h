#ifndef GOV_TESTS_SUPPORT_REDIS_SERVER_H_
#define GOV_TESTS_SUPPORT_REDIS_SERVER_H_

#include <sys/types.h>

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "tests/support/test_support.h"

namespace gov::testing {

// A real redis-server (/usr/bin/redis-server) for one test: on 127.0.0.1 and a free port, no
// persistence (--save "" --appendonly no), its working directory and log in a TempDir. The child
// runs in its own process group and dies with the thread that started it (PR_SET_PDEATHSIG), so
// a crashed test leaves no server behind. Not thread-safe: drive it from the test's thread.
//
//   RedisServer redis;
//   ASSERT_TRUE(redis.Start().ok());
//   options.address = redis.address();
class RedisServer {
 public:
  static constexpr char kBinary[] = "/usr/bin/redis-server";

  RedisServer() = default;
  // Stop().
  ~RedisServer();
  RedisServer(const RedisServer&) = delete;
  RedisServer& operator=(const RedisServer&) = delete;

  // Picks a free port, starts the server and waits (at most 5 s) until it answers PING.
  // FAILED_PRECONDITION when redis-server is not installed; the server log's tail is in the
  // message when it fails to come up. Retries a few ports if one was taken meanwhile.
  absl::Status Start();
  // Starts again on the same port after Kill() or Stop() (stops a running server first). The
  // data is gone: nothing is persisted.
  absl::Status Restart();
  // SIGKILL, reaped. No-op when not running.
  void Kill();
  // SIGTERM, then SIGKILL if it has not exited within 5 s; reaped. No-op when not running.
  void Stop();
  // SIGSTOP / SIGCONT: the server keeps its data and its socket, but answers nothing while
  // paused (connections are still accepted by the kernel, commands time out).
  absl::Status Pause();
  absl::Status Resume();

  bool running() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }
  int port() const { return port_; }
  // "127.0.0.1:<port>".
  std::string address() const;

  // Runs one command on a new connection (1 s timeout) and returns the reply as text: a string
  // or status as is, an integer in decimal, an array as its elements joined by '\n'. NOT_FOUND
  // for a nil reply, FAILED_PRECONDITION for an error reply, UNAVAILABLE when the server cannot
  // be reached.
  absl::StatusOr<std::string> Command(const std::vector<std::string>& args) const;

 private:
  absl::Status Spawn();
  absl::Status WaitReady();
  std::string LogTail() const;

  TempDir dir_;
  int port_ = 0;
  pid_t pid_ = -1;
  bool paused_ = false;
};

}  // namespace gov::testing

#endif  // GOV_TESTS_SUPPORT_REDIS_SERVER_H_
