#include "tests/support/postgres_server.h"

#include <libpq-fe.h>
#include <pwd.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
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
  options.stdout_path = dir_.File("initdb.log");
  options.stderr_path = dir_.File("initdb.err");
  ApplyUser(options);
  absl::StatusOr<std::unique_ptr<Process>> process = Process::Spawn(options);
  if (!process.ok()) return process.status();
  absl::StatusOr<ExitStatus> exit = (*process)->WaitExit(absl::Seconds(120));
  if (!exit.ok()) return exit.status();
  if (!exit->ok()) {
    return absl::InternalError(
        absl::StrCat("initdb failed (", exit->ToString(), "): ", ReadAll(dir_.File("initdb.err"))));
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
  options.stderr_path = dir_.File("server.log");
  ApplyUser(options);
  absl::StatusOr<std::unique_ptr<Process>> process = Process::Spawn(options);
  if (!process.ok()) return process.status();
  process_ = std::move(*process);
  return WaitReady();
}

absl::Status PostgresServer::WaitReady() {
  const std::string conninfo = absl::StrCat("host=127.0.0.1 port=", port_,
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
  const std::string conninfo = absl::StrCat("host=127.0.0.1 port=", port_, " dbname=", database,
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
