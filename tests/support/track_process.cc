#include "tests/support/track_process.h"

#include <signal.h>

#include <chrono>
#include <fstream>
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

void WriteAdminTokenFile(const std::string& path) {
  WriteFile(path, absl::StrCat(R"({"tokens": [{"sha256": ")",
                               auth::TokenAuthenticator::HashToken(kProcessAdminToken),
                               R"(", "principal": "process-test-admin",)",
                               R"( "roles": ["district_admin"],)",
                               R"( "expires": "2099-01-01T00:00:00Z"}]})"));
}

TrackProcess::TrackProcess(Options options) : options_(std::move(options)) {}

TrackProcess::~TrackProcess() { Kill(); }

std::string TrackProcess::address() const { return absl::StrCat("127.0.0.1:", port_); }

std::shared_ptr<grpc::Channel> TrackProcess::channel() {
  if (channel_ == nullptr) {
    channel_ = grpc::CreateChannel(address(), grpc::InsecureChannelCredentials());
  }
  return channel_;
}

absl::Status TrackProcess::Spawn() {
  Process::Options p;
  p.args.push_back(BinaryPath(absl::StrCat("services/", options_.track, "/", options_.track)));
  p.args.push_back(absl::StrCat("--listen=", address()));
  p.args.push_back("--metrics_port=0");
  p.args.push_back(absl::StrCat("--db_path=", options_.db_path));
  p.args.push_back(absl::StrCat("--database_url=", options_.database_url));
  p.args.push_back(absl::StrCat("--redis=", options_.redis));
  p.args.push_back(absl::StrCat("--tokens_file=", options_.tokens_file));
  p.args.push_back("--demo_data=false");
  for (const config::TrackPorts& t : config::KnownTracks()) {
    if (t.track == options_.track && t.has_rules) {
      p.args.push_back(
          absl::StrCat("--rules_file=", SourcePath(absl::StrCat("data/", t.track, ".json"))));
    }
  }
  p.args.insert(p.args.end(), options_.args.begin(), options_.args.end());
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
    // A fresh port; a start that fails at once (the port was taken meanwhile) tries another.
    absl::Status spawned = StartOnFreePort(&port_, [&]() -> absl::Status {
      if (absl::Status s = Spawn(); !s.ok()) return s;
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      if (!process_->Running()) return absl::UnavailableError("exited at once");
      return absl::OkStatus();
    });
    if (!spawned.ok()) return spawned;
  } else if (absl::Status s = Spawn(); !s.ok()) {
    return s;
  }
  const absl::Time deadline = absl::Now() + timeout;
  while (HealthStatus(channel(), "", nullptr, absl::Seconds(1)) != kHealthServing) {
    if (!process_->Running()) {
      return absl::InternalError(
          absl::StrCat(options_.track, " exited during start-up; log:\n", LogTail()));
    }
    if (absl::Now() > deadline) {
      return absl::DeadlineExceededError(absl::StrCat(options_.track, " not SERVING after ",
                                                      absl::FormatDuration(timeout), "; log:\n",
                                                      LogTail()));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return absl::OkStatus();
}

absl::StatusOr<ExitStatus> TrackProcess::Stop(absl::Duration timeout) {
  if (process_ == nullptr) return absl::FailedPreconditionError("not started");
  if (absl::Status s = process_->Signal(SIGTERM); !s.ok()) return s;
  return process_->WaitExit(timeout);
}

void TrackProcess::Kill() {
  if (process_ == nullptr) return;
  if (process_->Running()) {
    (void)process_->Signal(SIGKILL);
    (void)process_->WaitExit(absl::Seconds(10));
  }
  process_.reset();
}

absl::Status TrackProcess::Signal(int signal) {
  if (process_ == nullptr) return absl::FailedPreconditionError("not started");
  return process_->Signal(signal);
}

bool TrackProcess::Running() { return process_ != nullptr && process_->Running(); }

std::string TrackProcess::LogTail(size_t lines) const {
  std::ifstream in(options_.log_path, std::ios::binary);
  std::stringstream content;
  content << in.rdbuf();
  const std::vector<std::string> all = absl::StrSplit(content.str(), '\n', absl::SkipEmpty());
  const size_t from = all.size() > lines ? all.size() - lines : 0;
  return absl::StrJoin(all.begin() + static_cast<std::ptrdiff_t>(from), all.end(), "\n");
}

std::unique_ptr<grpc::ClientContext> AdminContext(absl::Duration timeout) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->AddMetadata("authorization", absl::StrCat("Bearer ", kProcessAdminToken));
  context->set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  return context;
}

}  // namespace gov::testing
