#include "tests/support/suite_processes.h"

#include <signal.h>

#include <chrono>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/config/config.h"
#include "tests/support/health_client.h"
#include "tests/support/test_support.h"

namespace gov::testing {
namespace {

constexpr char kDigital[] = "digital";

std::string Tail(const std::string& path, size_t lines = 60) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream content;
  content << in.rdbuf();
  const std::vector<std::string> all = absl::StrSplit(content.str(), '\n', absl::SkipEmpty());
  const size_t from = all.size() > lines ? all.size() - lines : 0;
  return absl::StrJoin(all.begin() + static_cast<std::ptrdiff_t>(from), all.end(), "\n");
}

}  // namespace

std::string SuiteTrack::address() const { return absl::StrCat("127.0.0.1:", grpc_port); }

SuiteProcesses::SuiteProcesses(Options options) : options_(std::move(options)) {}

absl::Status SuiteProcesses::Start() {
  // Every port chosen first: each track is told where all the others are.
  std::set<int> taken;
  const auto fresh_port = [&taken] {
    int port = FreePort();
    while (taken.contains(port)) port = FreePort();
    taken.insert(port);
    return port;
  };
  std::vector<std::string> peers;
  for (const config::TrackPorts& t : config::KnownTracks()) {
    SuiteTrack& s = tracks_[t.track];
    s.track = t.track;
    s.has_rules = t.has_rules;
    s.grpc_port = fresh_port();
    s.metrics_port = fresh_port();
    s.db = absl::StrCat(options_.dir, "/", t.track, ".db");
    s.log = absl::StrCat(options_.dir, "/", t.track, ".log");
    peers.push_back(absl::StrCat(t.track, "=", s.address()));
  }
  peers_ = absl::StrJoin(peers, ",");
  if (!tracks_.contains(kDigital)) {
    return absl::FailedPreconditionError("data/tracks.json has no digital track");
  }
  for (auto& [track, s] : tracks_) {
    if (track == kDigital) continue;
    if (absl::Status spawned = Spawn(s); !spawned.ok()) return spawned;
  }
  for (auto& [track, s] : tracks_) {
    if (track == kDigital) continue;
    if (absl::Status serving = WaitServing(s); !serving.ok()) return serving;
  }
  if (absl::Status spawned = Spawn(tracks_.at(kDigital)); !spawned.ok()) return spawned;
  return WaitServing(tracks_.at(kDigital));
}

absl::Status SuiteProcesses::Restart(SuiteTrack& t) {
  if (absl::Status spawned = Spawn(t); !spawned.ok()) return spawned;
  return WaitServing(t);
}

absl::Status SuiteProcesses::Stop(SuiteTrack& t, absl::Duration timeout) {
  if (absl::Status signalled = t.process->Signal(SIGTERM); !signalled.ok()) return signalled;
  absl::StatusOr<ExitStatus> exit = t.process->WaitExit(timeout);
  if (!exit.ok()) {
    return absl::Status(exit.status().code(), absl::StrCat(t.track, ": ", exit.status().message(),
                                                           "; log:\n", Tail(t.log)));
  }
  if (!exit->ok()) {
    return absl::InternalError(
        absl::StrCat(t.track, " ended with ", exit->ToString(), "; log:\n", Tail(t.log)));
  }
  return absl::OkStatus();
}

absl::Status SuiteProcesses::Spawn(SuiteTrack& s) {
  Process::Options options;
  std::vector<std::string>& args = options.args;
  args.push_back(BinaryPath(absl::StrCat("services/", s.track, "/", s.track)));
  args.push_back(absl::StrCat("--listen=", s.address()));
  args.push_back(absl::StrCat("--metrics_port=", s.metrics_port));
  args.push_back(absl::StrCat("--db_path=", s.db));
  args.push_back("--database_url=");  // SQLite, whatever the environment says
  args.push_back(absl::StrCat("--redis=", options_.redis));
  args.push_back(absl::StrCat("--tokens_file=", options_.tokens_file));
  args.push_back(absl::StrCat("--peer_token_file=", options_.peer_token_file));
  args.push_back(absl::StrCat("--peers=", peers_));
  args.push_back(absl::StrCat("--demo_data=", options_.demo_data ? "true" : "false"));
  if (s.has_rules) {
    args.push_back(
        absl::StrCat("--rules_file=", SourcePath(absl::StrCat("data/", s.track, ".json"))));
  }
  args.insert(args.end(), options_.args.begin(), options_.args.end());
  options.stdout_path = absl::StrCat(options_.dir, "/", s.track, ".out");
  options.stderr_path = s.log;
  absl::StatusOr<std::unique_ptr<Process>> process = Process::Spawn(options);
  if (!process.ok()) {
    return absl::Status(process.status().code(),
                        absl::StrCat(s.track, ": ", process.status().message()));
  }
  s.process = *std::move(process);
  s.channel = grpc::CreateChannel(s.address(), grpc::InsecureChannelCredentials());
  return absl::OkStatus();
}

absl::Status SuiteProcesses::WaitServing(SuiteTrack& s) {
  const absl::Time deadline = absl::Now() + options_.start_timeout;
  while (HealthStatus(s.channel, "", nullptr, absl::Seconds(1)) != kHealthServing) {
    if (!s.process->Running()) {
      return absl::InternalError(
          absl::StrCat(s.track, " exited during start-up; log:\n", Tail(s.log)));
    }
    if (absl::Now() > deadline) {
      return absl::DeadlineExceededError(absl::StrCat(s.track, " not SERVING after ",
                                                      absl::FormatDuration(options_.start_timeout),
                                                      "; log:\n", Tail(s.log)));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return absl::OkStatus();
}

}  // namespace gov::testing
