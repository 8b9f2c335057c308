#include "tests/support/track_process.h"

#include <signal.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <initializer_list>
#include <sstream>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/auth/auth.h"
#include "common/config/config.h"
#include "tests/support/health_client.h"
#include "tests/support/test_support.h"

namespace gov::testing {
namespace {

// A free port that is none of `taken`.
int OtherFreePort(std::initializer_list<int> taken) {
  for (;;) {
    const int port = FreePort();
    if (std::find(taken.begin(), taken.end(), port) == taken.end()) return port;
  }
}

// A plaintext channel that reconnects within a quarter second once the service is back, so a
// restart is seen as soon as it serves.
std::shared_ptr<grpc::Channel> QuickChannel(const std::string& address) {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 50);
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 50);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 250);
  return grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args);
}

}  // namespace

void WriteAdminTokenFile(const std::string& path, const std::vector<TokenGrant>& more) {
  const auto entry = [](const TokenGrant& grant) {
    return absl::StrCat(R"({"sha256": ")", auth::TokenAuthenticator::HashToken(grant.token),
                        R"(", "principal": ")", grant.principal, R"(", "roles": [")", grant.role,
                        R"("], "expires": "2099-01-01T00:00:00Z"})");
  };
  std::vector<std::string> entries = {
      entry({kProcessAdminToken, "process-test-admin", "district_admin"})};
  for (const TokenGrant& grant : more) entries.push_back(entry(grant));
  WriteFile(path, absl::StrCat(R"({"tokens": [)", absl::StrJoin(entries, ", "), "]}"));
}

TrackProcess::TrackProcess(Options options) : options_(std::move(options)) {}

TrackProcess::~TrackProcess() { (void)Kill(); }

std::string TrackProcess::address() const { return absl::StrCat("127.0.0.1:", port_); }

std::string TrackProcess::health_address() const {
  return absl::StrCat("127.0.0.1:", health_port_);
}

std::shared_ptr<grpc::Channel> TrackProcess::channel() {
  if (channel_ == nullptr) channel_ = QuickChannel(address());
  return channel_;
}

Process::Options TrackProcess::Command() const {
  Process::Options p;
  p.args.push_back(BinaryPath(absl::StrCat("services/", options_.track, "/", options_.track)));
  p.args.push_back(absl::StrCat("--listen=", address()));
  p.args.push_back(absl::StrCat("--metrics_port=", metrics_port_));
  if (options_.health_port) p.args.push_back(absl::StrCat("--health_listen=", health_address()));
  if (!options_.db_path.empty()) p.args.push_back(absl::StrCat("--db_path=", options_.db_path));
  // The URL goes through the environment, as in production: it stays off the command line.
  // Without one, the flag says SQLite whatever the test's environment holds.
  if (options_.database_url.empty()) {
    p.args.push_back("--database_url=");
  } else {
    p.env.push_back(absl::StrCat("GOV_DATABASE_URL=", options_.database_url));
  }
  p.args.push_back(absl::StrCat("--redis=", options_.redis));
  p.args.push_back(absl::StrCat("--tokens_file=", options_.tokens_file));
  p.args.push_back(absl::StrCat("--demo_data=", options_.demo_data ? "true" : "false"));
  if (const config::TrackPorts* t = config::FindTrack(options_.track);
      t != nullptr && t->has_rules) {
    p.args.push_back(
        absl::StrCat("--rules_file=", SourcePath(absl::StrCat("data/", t->track, ".json"))));
  }
  p.args.insert(p.args.end(), options_.args.begin(), options_.args.end());
  return p;
}

absl::Status TrackProcess::Spawn() {
  Process::Options p = Command();
  // The log is appended to across starts: a restart's lines follow the crash's.
  p.stderr_path = options_.log_path;
  p.append_output = true;
  absl::StatusOr<std::unique_ptr<Process>> process = Process::Spawn(p);
  if (!process.ok()) return process.status();
  process_ = *std::move(process);
  return absl::OkStatus();
}

absl::Status TrackProcess::Start(absl::Duration timeout) {
  if (process_ != nullptr && process_->Running()) {
    return absl::FailedPreconditionError(absl::StrCat(options_.track, " is running"));
  }
  if (port_ == 0) {
    // Fresh ports; a start that fails at once (a port was taken meanwhile) tries others.
    absl::Status spawned = StartOnFreePort(&port_, [&]() -> absl::Status {
      if (options_.metrics) metrics_port_ = OtherFreePort({port_});
      if (options_.health_port) health_port_ = OtherFreePort({port_, metrics_port_});
      if (absl::Status s = Spawn(); !s.ok()) return s;
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      if (!process_->Running()) {
        return absl::UnavailableError(
            absl::StrCat(options_.track, " exited at once; log:\n", LogTail(10)));
      }
      return absl::OkStatus();
    });
    if (!spawned.ok()) {
      port_ = metrics_port_ = health_port_ = 0;
      return spawned;
    }
  } else if (absl::Status s = Spawn(); !s.ok()) {
    return s;
  }
  std::shared_ptr<grpc::Channel> health = channel();
  if (options_.health_port) {
    if (health_channel_ == nullptr) health_channel_ = QuickChannel(health_address());
    health = health_channel_;
  }
  const absl::Time deadline = absl::Now() + timeout;
  while (HealthStatus(health, "", nullptr, absl::Seconds(1)) != kHealthServing) {
    if (!process_->Running()) {
      return absl::InternalError(
          absl::StrCat(options_.track, " exited during start-up; log:\n", LogTail()));
    }
    if (absl::Now() > deadline) {
      return absl::DeadlineExceededError(absl::StrCat(options_.track, " not SERVING after ",
                                                      absl::FormatDuration(timeout), "; log:\n",
                                                      LogTail()));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return absl::OkStatus();
}

absl::StatusOr<CommandResult> TrackProcess::RunToExit(absl::Duration timeout) {
  if (port_ == 0) port_ = FreePort();
  if (options_.metrics && metrics_port_ == 0) metrics_port_ = OtherFreePort({port_});
  if (options_.health_port && health_port_ == 0) {
    health_port_ = OtherFreePort({port_, metrics_port_});
  }
  const Process::Options p = Command();
  return RunCommand(p.args, timeout, p.env);
}

absl::StatusOr<ExitStatus> TrackProcess::Stop(absl::Duration timeout) {
  if (process_ == nullptr) return absl::FailedPreconditionError("not started");
  if (absl::Status s = process_->Signal(SIGTERM); !s.ok()) return s;
  return process_->WaitExit(timeout);
}

absl::StatusOr<ExitStatus> TrackProcess::Kill() {
  if (process_ == nullptr) return absl::FailedPreconditionError("not started");
  // FAILED_PRECONDITION, saying how it ended, when the process had already ended.
  const absl::Status signalled = process_->Signal(SIGKILL);
  absl::StatusOr<ExitStatus> exit = process_->WaitExit(absl::Seconds(20));
  process_.reset();
  if (!signalled.ok()) return signalled;
  return exit;
}

absl::Status TrackProcess::Signal(int signal) {
  if (process_ == nullptr) return absl::FailedPreconditionError("not started");
  return process_->Signal(signal);
}

bool TrackProcess::Running() { return process_ != nullptr && process_->Running(); }

std::string TrackProcess::Log() const {
  std::ifstream in(options_.log_path, std::ios::binary);
  std::stringstream content;
  content << in.rdbuf();
  return content.str();
}

std::string TrackProcess::LogTail(size_t lines) const {
  const std::vector<std::string> all = absl::StrSplit(Log(), '\n', absl::SkipEmpty());
  const size_t from = all.size() > lines ? all.size() - lines : 0;
  return absl::StrJoin(all.begin() + static_cast<std::ptrdiff_t>(from), all.end(), "\n");
}

std::unique_ptr<grpc::ClientContext> AdminContext(absl::Duration timeout) {
  return AdminContext(AdminCall{.timeout = timeout});
}

std::unique_ptr<grpc::ClientContext> AdminContext(const AdminCall& call) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->AddMetadata("authorization", absl::StrCat("Bearer ", kProcessAdminToken));
  context->set_deadline(absl::ToChronoTime(absl::Now() + call.timeout));
  context->set_wait_for_ready(call.wait_for_ready);
  return context;
}

}  // namespace gov::testing
