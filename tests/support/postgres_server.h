#ifndef GOV_TESTS_SUPPORT_POSTGRES_SERVER_H_
#define GOV_TESTS_SUPPORT_POSTGRES_SERVER_H_

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "tests/support/process.h"
#include "tests/support/test_support.h"

namespace gov::testing {

// A real PostgreSQL server (Debian's /usr/lib/postgresql/<major>/bin) for tests: a fresh cluster
// made by initdb in a TempDir, listening on 127.0.0.1 and a free port (its Unix socket in the
// same TempDir), trust authentication for the superuser `postgres`. PostgreSQL refuses to run as
// root: when the test runs as root, initdb and the server run as the system user `postgres`
// (which Debian's package creates). The server dies with the thread that started it.
//
//   PostgresServer pg;
//   ASSERT_TRUE(pg.Start().ok());
//   absl::StatusOr<std::string> url = pg.CreateDatabase("store_test_1");
class PostgresServer {
 public:
  struct Options {
    // false (tests): fsync=off and synchronous_commit=off, so a test pays no disk flushes.
    // true (benchmarks): the defaults, so a commit is durable as SQLite's synchronous=FULL is.
    bool durable = false;
    int max_connections = 200;
    // TLS (ssl=on) with this certificate and key (PEM files, copied beside the cluster for the
    // server's user): TCP connections must then use TLS (pg_hba hostssl; a plaintext one is
    // refused), and the harness itself (Query, readiness) connects through the Unix socket.
    // Empty: no TLS.
    std::string ssl_cert_file = {};
    std::string ssl_key_file = {};
    // With TLS: the CAs of accepted client certificates; set, every TCP client must present one
    // (pg_hba clientcert=verify-ca). Empty: no client certificate asked.
    std::string ssl_ca_file = {};
    // The port of a primary on 127.0.0.1 (another PostgresServer) to stream from: the cluster
    // is made by pg_basebackup --write-recovery-conf instead of initdb, and runs as a hot
    // standby (read-only) until Promote(). 0: a primary of its own.
    int standby_of = 0;
  };

  PostgresServer() = default;
  ~PostgresServer();  // Stop()
  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;

  // initdb (once) and start on a free port; waits (at most 30 s) until it accepts connections.
  // FAILED_PRECONDITION when PostgreSQL is not installed (scripts/bootstrap.sh installs it);
  // the server log's tail is in the message when it fails to come up.
  absl::Status Start();
  absl::Status Start(const Options& options);
  // Starts again on the same port and data directory (the data survives) after Stop()/Kill().
  absl::Status Restart();
  // SIGKILL to the postmaster, reaped (its backends exit on their own). No-op when not running.
  void Kill();
  // Fast shutdown (SIGINT), SIGKILL after 10 s; reaped. No-op when not running.
  void Stop();

  // A standby becomes a primary (pg_promote, waiting until it is). FAILED_PRECONDITION when
  // the server is not running or not in recovery.
  absl::Status Promote();

  bool running() const { return process_ != nullptr; }
  int port() const { return port_; }
  std::string data_dir() const { return dir_.File("data"); }

  // "postgresql://postgres@127.0.0.1:<port>/<database>".
  std::string Url(const std::string& database) const;
  // CREATE DATABASE `name` (letters, digits and '_'); returns its Url.
  absl::StatusOr<std::string> CreateDatabase(const std::string& name);
  // A database of its own for each call: "<prefix>_<n>".
  absl::StatusOr<std::string> CreateUniqueDatabase(const std::string& prefix);

  // Runs SQL on a new connection to `database` and returns the rows of the last statement,
  // every value as text ("" for NULL). INTERNAL with the server's message on an error.
  absl::StatusOr<std::vector<std::vector<std::string>>> Query(const std::string& database,
                                                              const std::string& sql) const;
  absl::Status Exec(const std::string& database, const std::string& sql) const;

  // The directory holding Debian's PostgreSQL binaries (the highest major installed), or "".
  static std::string BinDir();

 private:
  absl::Status InitDb();
  absl::Status Spawn();
  absl::Status WaitReady();
  std::string LogTail() const;
  void ApplyUser(Process::Options& options) const;

  Options options_;
  TempDir dir_;
  bool initialized_ = false;
  int port_ = 0;
  std::atomic<int> next_database_{0};
  std::unique_ptr<Process> process_;
};

// One server shared by every test of the process: started on first use (non-durable), stopped
// at exit. Tests take a database of their own with CreateUniqueDatabase().
absl::StatusOr<PostgresServer*> SharedPostgres();

}  // namespace gov::testing

#endif  // GOV_TESTS_SUPPORT_POSTGRES_SERVER_H_
