// Hostile command lines and environments for a service (common/config: config::Parse, the
// --peers list, peer addresses). The input's first byte picks the track whose defaults apply;
// the rest is a list of NUL-separated items: an item "GOV_<NAME>=<value>" is put in the
// environment, any other is a command-line argument. Seeds: the README's examples of flags and
// their environment variables.
//
// Findings besides crashes: a configuration accepted with a setting out of its documented range
// (the ranges --help states), without a rules or targets file, or with a peer address that
// CheckPeerAddress refuses; a refusal that is not INVALID_ARGUMENT.

#include <stdlib.h>

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/config/config.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

using gov::fuzz::Finding;

// The environment variables the services read (from --help: "env GOV_...").
std::vector<std::string>* env_names = nullptr;

std::vector<std::string> EnvNames() {
  std::string program = "service";
  std::string help = "--help";
  char* argv[] = {program.data(), help.data(), nullptr};
  auto parsed = gov::config::Parse(gov::config::DefaultsFor("mediation"), 2, argv);
  if (!parsed.ok() || !parsed->help) Finding("--help is not answered with the help text");
  std::vector<std::string> names;
  for (absl::string_view line : absl::StrSplit(parsed->help_text, '\n')) {
    const size_t at = line.find("env GOV_");
    if (at == absl::string_view::npos) continue;
    absl::string_view rest = line.substr(at + 4);
    names.emplace_back(rest.substr(0, rest.find(',')));
  }
  if (names.empty()) Finding("--help names no environment variable");
  return names;
}

void CheckRange(int value, int min, int max, const char* name) {
  if (value < min || value > max) {
    Finding(absl::StrCat("accepted ", name, "=", value, " outside [", min, ", ", max, "]"));
  }
}

void CheckConfig(const gov::config::ServiceConfig& c) {
  CheckRange(c.metrics_port, 0, 65535, "metrics_port");
  CheckRange(c.db_pool, 1, 1000, "db_pool");
  CheckRange(c.redis_pool, 1, 1024, "redis_pool");
  CheckRange(c.redis_timeout_ms, 1, 60000, "redis_timeout_ms");
  CheckRange(c.workers, 1, 1024, "workers");
  CheckRange(c.max_queue, 1, 1000000, "max_queue");
  CheckRange(c.peer_timeout_ms, 100, 60000, "peer_timeout_ms");
  if (c.listen.empty() || c.db_path.empty() || c.tokens_file.empty() || c.regions_file.empty() ||
      c.holidays_file.empty() || c.rules_file.empty() || c.targets_file.empty()) {
    Finding("accepted a configuration with an empty address or file");
  }
  for (const absl::Duration d : {c.drain_deadline, c.drain_grace}) {
    if (d < absl::ZeroDuration() || d == absl::InfiniteDuration()) {
      Finding("accepted a negative or infinite drain time");
    }
  }
  for (const absl::Duration d : {c.breach_scan_interval, c.gauge_interval}) {
    if (d <= absl::ZeroDuration() || d == absl::InfiniteDuration()) {
      Finding("accepted an interval that is not positive and finite");
    }
  }
  if (c.log_level != "debug" && c.log_level != "info" && c.log_level != "warn" &&
      c.log_level != "error") {
    Finding(absl::StrCat("accepted log level \"", c.log_level, "\""));
  }
  for (const gov::config::TrackPorts& t : gov::config::KnownTracks()) {
    auto it = c.peers.find(t.track);
    if (it == c.peers.end()) Finding(absl::StrCat("no peer address for ", t.track));
    if (!gov::config::CheckPeerAddress(it->second).ok()) {
      Finding(absl::StrCat("accepted peer address \"", it->second, "\" for ", t.track));
    }
  }
  if (c.peers.size() != gov::config::KnownTracks().size()) Finding("a peer that is no track");
}

std::string Input(uint8_t track, const std::vector<std::string>& items) {
  std::string out(1, static_cast<char>(track));
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out.push_back('\0');
    out += items[i];
  }
  return out;
}

void WriteSeeds() {
  const std::vector<std::vector<std::string>> seeds = {
      {"--listen=0.0.0.0:7101", "--metrics_port=9101", "--db_path=/var/lib/gov/mediation.db"},
      {"--database_url=postgresql://gov:secret@db:5432/governance", "--db_pool", "16"},
      {"--redis=", "--redis_pool=4", "--redis_timeout_ms=250", "--workers=2", "--max_queue=64"},
      {"--drain_seconds=0.5", "--drain_grace_seconds=5", "--breach_scan_seconds=1m",
       "--gauge_seconds=500ms"},
      {"--demo_data", "--log_level=WARN", "--help"},
      {"--peers=mediation=mediation:7101,policing=10.0.0.5:7102,digital=[::1]:7107",
       "--peer_token_file=/run/secrets/peer-token", "--peer_timeout_ms=5000"},
      {"GOV_LISTEN=127.0.0.1:7201", "GOV_WORKERS=4", "GOV_DATABASE_URL=host=db user=gov",
       "--workers=8"},
      {"GOV_PEERS=hazard=hazard.governance.svc:7105", "GOV_DEMO_DATA=false",
       "--rules_file=/etc/gov/policing.json", "--targets_file=/etc/gov/targets.json"},
      {"--regions_file=/usr/share/governance/regions.json", "--holidays_file", "h.json",
       "--tokens_file=/run/secrets/tokens.json", "--metrics_bind=0.0.0.0"},
  };
  for (size_t t = 0; t < gov::config::KnownTracks().size(); ++t) {
    for (const std::vector<std::string>& items : seeds) {
      gov::fuzz::WriteSeed(Input(static_cast<uint8_t>(t), items));
    }
  }
  gov::fuzz::SeedsWritten("fuzz_config");
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  gov::fuzz::QuietLogs();
  env_names = new std::vector<std::string>(EnvNames());
  for (const std::string& name : *env_names) unsetenv(name.c_str());
  if (!gov::fuzz::SeedsDir().empty()) WriteSeeds();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const auto& tracks = gov::config::KnownTracks();
  const gov::config::Defaults defaults =
      gov::config::DefaultsFor(tracks[data[0] % tracks.size()].track);
  std::vector<std::string> args = {defaults.track};
  std::vector<std::string> set_env;
  const std::string_view rest = gov::fuzz::Bytes(data + 1, size - 1);
  if (!rest.empty()) {
    for (absl::string_view item :
         absl::StrSplit(absl::string_view(rest.data(), rest.size()), '\0')) {
      const size_t eq = item.find('=');
      if (absl::StartsWith(item, "GOV_") && eq != absl::string_view::npos) {
        const std::string name(item.substr(0, eq));
        setenv(name.c_str(), std::string(item.substr(eq + 1)).c_str(), 1);
        set_env.push_back(name);
      } else {
        args.emplace_back(item);
      }
    }
  }
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  auto parsed = gov::config::Parse(defaults, static_cast<int>(args.size()), argv.data());
  for (const std::string& name : set_env) unsetenv(name.c_str());
  if (!parsed.ok()) {
    if (parsed.status().code() != absl::StatusCode::kInvalidArgument) {
      Finding(absl::StrCat("refused as ", parsed.status().ToString()));
    }
    return 0;
  }
  if (!parsed->help) CheckConfig(parsed->config);

  // The --peers list and the address check on their own, on the same text.
  std::map<std::string, std::string> peers;
  if (gov::config::ParsePeers(rest, &peers).ok()) {
    for (const auto& [track, address] : peers) {
      if (gov::config::FindTrack(track) == nullptr) Finding("ParsePeers took an unknown track");
      if (!gov::config::CheckPeerAddress(address).ok()) Finding("ParsePeers took a bad address");
    }
  }
  return 0;
}
