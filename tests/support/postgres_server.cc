#include "tests/support/postgres_server.h"

#include <libpq-fe.h>
#include <pwd.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace gov::testing {
namespace {

constexpr absl::Duration kStartTimeout = absl::Seconds(30);
constexpr absl::Duration kStopTimeout = absl::Seconds(10);
constexpr absl::Duration kPollInterval = absl::Milliseconds(20);
constexpr int kStartAttempts = 4;

struct ConnDeleter {
  void operator()(PGconn* c) const { PQfinish(c); }
};
struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};

// The uid/gid to run PostgreSQL as when this process is root.
struct RunAs {
  uid_t uid;
  gid_t gid;
};

absl::StatusOr<std::optional<RunAs>> ServerUser() {
  if (geteuid() != 0) return std::optional<RunAs>();
  struct passwd* pw = getpwnam("postgres");
  if (pw == nullptr) {
    return absl::FailedPreconditionError(
        "tests run as root and PostgreSQL refuses root, but there is no system user "
        "'postgres' to run it as (scripts/bootstrap.sh installs the postgresql package, which "
        "creates it)");
  }
  return std::optional<RunAs>(RunAs{pw->pw_uid, pw->pw_gid});
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream content;
  content << in.rdbuf();
  return content.str();
}

bool ValidDatabaseName(absl::string_view name) {
  if (name.empty() || name.size() > 63) return false;
  return std::all_of(name.begin(), name.end(),
                     [](char c) { return absl::ascii_isalnum(c) || c == '_'; });
}

// Whether the options ask for TLS.
bool WithSsl(const PostgresServer::Options& options) {
  return !options.ssl_cert_file.empty() || !options.ssl_key_file.empty();
}

// Puts the TLS files into `dir` for the server (owned by the user it runs as, the key readable by
// it alone, as PostgreSQL requires), writes pg_hba.conf for TLS-only TCP connections and returns
// the server's -c settings.
absl::StatusOr<std::vector<std::string>> PrepareSsl(const PostgresServer::Options& options,
                                                    const std::string& dir,
                                                    const std::string& data_dir) {
  if (options.ssl_cert_file.empty() || options.ssl_key_file.empty()) {
    return absl::InvalidArgumentError("PostgresServer: ssl_cert_file and ssl_key_file go together");
  }
  absl::StatusOr<std::optional<RunAs>> user = ServerUser();
  if (!user.ok()) return user.status();
  std::vector<std::string> settings = {"ssl=on"};
  const std::vector<std::pair<std::string, std::string>> files = {
      {options.ssl_cert_file, "ssl_cert_file"},
      {options.ssl_key_file, "ssl_key_file"},
      {options.ssl_ca_file, "ssl_ca_file"}};
  for (const auto& [from, setting] : files) {
    if (from.empty()) continue;
    const std::string to = absl::StrCat(dir, "/", setting, ".pem");
    std::error_code ec;
    std::filesystem::copy_file(from, to, std::filesystem::copy_options::overwrite_existing, ec);
    if (ec) return absl::InternalError(absl::StrCat("copy ", from, " to ", to, ": ", ec.message()));
    if (user->has_value() && chown(to.c_str(), (*user)->uid, (*user)->gid) != 0) {
      return absl::InternalError(absl::StrCat("chown ", to, " failed"));
    }
    if (chmod(to.c_str(), 0600) != 0) {
      return absl::InternalError(absl::StrCat("chmod ", to, " failed"));
    }
    settings.push_back(absl::StrCat(setting, "=", to));
  }
  const std::string client = options.ssl_ca_file.empty() ? "" : " clientcert=verify-ca";
  const std::string hba = absl::StrCat(data_dir, "/pg_hba.conf");
  std::ofstream out(hba, std::ios::trunc);
  out << "local all all trust\n"
      << "hostssl all all 127.0.0.1/32 trust" << client << "\n"
      << "hostssl all all ::1/128 trust" << client << "\n";
  out.close();
  if (!out) return absl::InternalError(absl::StrCat("cannot write ", hba));
  if (user->has_value() && chown(hba.c_str(), (*user)->uid, (*user)->gid) != 0) {
    return absl::InternalError(absl::StrCat("chown ", hba, " failed"));
  }
  return settings;
}

}  // namespace

PostgresServer::~PostgresServer() { Stop(); }

std::string PostgresServer::BinDir() {
  const std::filesystem::path root("/usr/lib/postgresql");
  std::error_code ec;
  int best = -1;
  std::string best_dir;
  for (const auto& entry : std::filesystem::directory_iterator(root, ec)) {
    int major = 0;
    if (!absl::SimpleAtoi(entry.path().filename().string(), &major)) continue;
    const std::filesystem::path bin = entry.path() / "bin";
    if (major > best && std::filesystem::exists(bin / "postgres", ec)) {
      best = major;
      best_dir = bin.string();
    }
  }
  return best_dir;
}

void PostgresServer::ApplyUser(Process::Options& options) const {
  absl::StatusOr<std::optional<RunAs>> user = ServerUser();
  if (user.ok() && user->has_value()) {
    options.uid = (*user)->uid;
    options.gid = (*user)->gid;
  }
  options.cwd = dir_.path();
}

std::string PostgresServer::Url(const std::string& database) const {
  return absl::StrCat("postgresql://postgres@127.0.0.1:", port_, "/", database);
}

std::string PostgresServer::LogTail() const {
  std::string log = ReadAll(dir_.File("server.log"));
  if (log.size() > 2000) log = log.substr(log.size() - 2000);
  return log;
}

absl::Status PostgresServer::InitDb() {
  const std::string bin = BinDir();
  if (bin.empty()) {
    return absl::FailedPreconditionError(
        "PostgreSQL is not installed (no /usr/lib/postgresql/<major>/bin/postgres); run "
        "scripts/bootstrap.sh");
  }
  absl::StatusOr<std::optional<RunAs>> user = ServerUser();
  if (!user.ok()) return user.status();
  // The cluster's files belong to the user the server runs as.
  if (user->has_value()) {
    if (chown(dir_.path().c_str(), (*user)->uid, (*user)->gid) != 0) {
      return absl::InternalError(absl::StrCat("chown ", dir_.path(), " failed"));
    }
  }
  Process::Options options;
  options.args = {bin + "/initdb", "--pgdata=" + data_dir(), "--username=postgres",
                  "--auth=trust",  "--encoding=UTF8",        "--no-locale",
                  "--no-sync"};
  if (options_.standby_of != 0) {
    // A copy of the primary that follows its WAL (primary_conninfo and standby.signal written).
    options.args = {bin + "/pg_basebackup",
                    "--pgdata=" + data_dir(),
                    "--host=127.0.0.1",
                    absl::StrCat("--port=", options_.standby_of),
                    "--username=postgres",
                    "--write-recovery-conf",
                    "--wal-method=stream",
                    "--checkpoint=fast",
                    "--no-sync"};
  }
  options.stdout_path = dir_.File("initdb.log");
  options.stderr_path = dir_.File("initdb.err");
  ApplyUser(options);
  absl::StatusOr<std::unique_ptr<Process>> process = Process::Spawn(options);
  if (!process.ok()) return process.status();
  absl::StatusOr<ExitStatus> exit = (*process)->WaitExit(absl::Seconds(120));
  if (!exit.ok()) return exit.status();
  if (!exit->ok()) {
    return absl::InternalError(absl::StrCat(options.args[0], " failed (", exit->ToString(),
                                            "): ", ReadAll(dir_.File("initdb.err"))));
  }
  initialized_ = true;
  return absl::OkStatus();
}

absl::Status PostgresServer::Start() { return Start(Options()); }

absl::Status PostgresServer::Start(const Options& options) {
  if (running()) return absl::FailedPreconditionError("postgres already running");
  options_ = options;
  if (!initialized_) {
    if (absl::Status s = InitDb(); !s.ok()) return s;
  }
  return StartOnFreePort(
      &port_, [this] { return Spawn(); }, kStartAttempts);
}

absl::Status PostgresServer::Restart() {
  if (port_ == 0) return absl::FailedPreconditionError("PostgresServer::Restart() before Start()");
  Stop();
  // After a Kill() the old backends may still hold the shared memory for a moment: the new
  // postmaster then exits at once, and trying again a little later succeeds.
  const absl::Time deadline = absl::Now() + kStartTimeout;
  absl::Status status;
  do {
    status = Spawn();
    if (status.ok() || !absl::IsUnavailable(status)) return status;
    absl::SleepFor(absl::Milliseconds(200));
  } while (absl::Now() < deadline);
  return status;
}

absl::Status PostgresServer::Spawn() {
  Process::Options options;
  options.args = {BinDir() + "/postgres",
                  "-D",
                  data_dir(),
                  "-p",
                  absl::StrCat(port_),
                  "-k",
                  dir_.path(),
                  "-c",
                  "listen_addresses=127.0.0.1",
                  "-c",
                  absl::StrCat("max_connections=", options_.max_connections),
                  "-c",
                  "log_min_messages=warning"};
  if (!options_.durable) {
    for (const char* setting : {"fsync=off", "synchronous_commit=off", "full_page_writes=off"}) {
      options.args.push_back("-c");
      options.args.push_back(setting);
    }
  }
  if (WithSsl(options_)) {
    absl::StatusOr<std::vector<std::string>> ssl = PrepareSsl(options_, dir_.path(), data_dir());
    if (!ssl.ok()) return ssl.status();
    for (const std::string& setting : *ssl) {
      options.args.push_back("-c");
      options.args.push_back(setting);
    }
  }
  options.stderr_path = dir_.File("server.log");
  ApplyUser(options);
  absl::StatusOr<std::unique_ptr<Process>> process = Process::Spawn(options);
  if (!process.ok()) return process.status();
  process_ = std::move(*process);
  return WaitReady();
}

absl::Status PostgresServer::WaitReady() {
  // With TLS, TCP may require a client certificate: the harness uses the Unix socket.
  const std::string host = WithSsl(options_) ? dir_.path() : "127.0.0.1";
  const std::string conninfo = absl::StrCat("host=", host, " port=", port_,
                                            " dbname=postgres user=postgres connect_timeout=2");
  const absl::Time deadline = absl::Now() + kStartTimeout;
  while (absl::Now() < deadline) {
    if (!process_->Running()) {
      process_.reset();
      return absl::UnavailableError(
          absl::StrCat("postgres exited while starting; log:\n", LogTail()));
    }
    if (PQping(conninfo.c_str()) == PQPING_OK) return absl::OkStatus();
    absl::SleepFor(kPollInterval);
  }
  Kill();
  return absl::DeadlineExceededError(absl::StrCat("postgres did not accept connections within ",
                                                  absl::FormatDuration(kStartTimeout), "; log:\n",
                                                  LogTail()));
}

absl::Status PostgresServer::Promote() {
  if (!running()) return absl::FailedPreconditionError("postgres is not running");
  absl::StatusOr<std::vector<std::vector<std::string>>> rows =
      Query("postgres", "SELECT pg_is_in_recovery()");
  if (!rows.ok()) return rows.status();
  if (rows->empty() || rows->front().empty() || rows->front().front() != "t") {
    return absl::FailedPreconditionError("postgres is not a standby");
  }
  rows = Query("postgres", "SELECT pg_promote(true, 60)");
  if (!rows.ok()) return rows.status();
  if (rows->empty() || rows->front().empty() || rows->front().front() != "t") {
    return absl::InternalError(absl::StrCat("pg_promote did not complete; log:\n", LogTail()));
  }
  return absl::OkStatus();
}

void PostgresServer::Kill() {
  if (!running()) return;
  process_->Signal(SIGKILL).IgnoreError();
  process_->WaitExit(kStopTimeout).IgnoreError();
  process_.reset();
}

void PostgresServer::Stop() {
  if (!running()) return;
  process_->Signal(SIGINT).IgnoreError();  // fast shutdown: ends sessions, checkpoints
  if (!process_->WaitExit(kStopTimeout).ok()) {
    Kill();
    return;
  }
  process_.reset();
}

absl::StatusOr<std::vector<std::vector<std::string>>> PostgresServer::Query(
    const std::string& database, const std::string& sql) const {
  const std::string host = WithSsl(options_) ? dir_.path() : "127.0.0.1";
  const std::string conninfo = absl::StrCat("host=", host, " port=", port_, " dbname=", database,
                                            " user=postgres connect_timeout=5");
  std::unique_ptr<PGconn, ConnDeleter> conn(PQconnectdb(conninfo.c_str()));
  if (PQstatus(conn.get()) != CONNECTION_OK) {
    return absl::UnavailableError(
        absl::StrCat("postgres ", database, ": ", PQerrorMessage(conn.get())));
  }
  std::unique_ptr<PGresult, ResultDeleter> result(PQexec(conn.get(), sql.c_str()));
  const ExecStatusType status = PQresultStatus(result.get());
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    return absl::InternalError(
        absl::StrCat("postgres: ", PQresultErrorMessage(result.get()), " in: ", sql));
  }
  std::vector<std::vector<std::string>> rows;
  for (int r = 0; r < PQntuples(result.get()); ++r) {
    std::vector<std::string> row;
    for (int c = 0; c < PQnfields(result.get()); ++c) {
      row.emplace_back(PQgetvalue(result.get(), r, c),
                       static_cast<size_t>(PQgetlength(result.get(), r, c)));
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

absl::Status PostgresServer::Exec(const std::string& database, const std::string& sql) const {
  return Query(database, sql).status();
}

absl::StatusOr<std::string> PostgresServer::CreateDatabase(const std::string& name) {
  if (!ValidDatabaseName(name)) {
    return absl::InvalidArgumentError(absl::StrCat("bad database name \"", name, "\""));
  }
  if (absl::Status s = Exec("postgres", absl::StrCat("CREATE DATABASE ", name)); !s.ok()) {
    return s;
  }
  return Url(name);
}

absl::StatusOr<std::string> PostgresServer::CreateUniqueDatabase(const std::string& prefix) {
  return CreateDatabase(absl::StrCat(prefix, "_", getpid(), "_", ++next_database_));
}

absl::StatusOr<PostgresServer*> SharedPostgres() {
  static absl::Mutex mu(absl::kConstInit);
  // Deliberately leaked: the process's exit kills the server (parent-death signal) after
  // static destructors would have raced with tests still using it.
  static PostgresServer* server = nullptr;
  static absl::Status* failure = nullptr;
  absl::MutexLock lock(&mu);
  if (server != nullptr) return server;
  if (failure != nullptr) return *failure;
  auto* candidate = new PostgresServer();
  if (absl::Status s = candidate->Start(); !s.ok()) {
    delete candidate;
    failure = new absl::Status(s);
    return s;
  }
  server = candidate;
  // Shut it down cleanly at a normal exit, so its temp directory is removed.
  std::atexit([] {
    delete server;
    server = nullptr;
  });
  return server;
}

}  // namespace gov::testing
