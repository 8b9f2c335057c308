#include "common/config/config.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <optional>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "common/log/log.h"
#include "common/util/redact.h"

namespace gov::config {
namespace {

// One setting: how it is named, documented, shown and parsed.
struct Setting {
  const char* name;
  const char* value_hint;  // shown in --help, e.g. "ADDR"
  const char* help;
  bool is_bool = false;
  std::function<std::string(const ServiceConfig&)> show;
  // Parses `text` into the config; the message names no source (the caller adds it).
  std::function<absl::Status(absl::string_view text, ServiceConfig*)> set;
};

absl::Status ParseInt(absl::string_view text, int min, int max, int* out) {
  int value = 0;
  if (!absl::SimpleAtoi(text, &value)) {
    return absl::InvalidArgumentError(absl::StrCat("\"", text, "\" is not an integer"));
  }
  if (value < min || value > max) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%d is out of range [%d, %d]", value, min, max));
  }
  *out = value;
  return absl::OkStatus();
}

// Seconds as a plain number ("20", "0.5") or an absl duration ("500ms", "1m").
absl::Status ParseSeconds(absl::string_view text, bool allow_zero, absl::Duration* out) {
  absl::Duration value;
  double seconds = 0;
  if (absl::SimpleAtod(text, &seconds) && std::isfinite(seconds)) {
    value = absl::Seconds(seconds);
  } else if (!absl::ParseDuration(text, &value)) {
    return absl::InvalidArgumentError(absl::StrCat("\"", text, "\" is not a number of seconds"));
  }
  if (value == absl::InfiniteDuration() || value == -absl::InfiniteDuration()) {
    return absl::InvalidArgumentError(absl::StrCat("\"", text, "\" is not a finite duration"));
  }
  if (value < absl::ZeroDuration() || (!allow_zero && value == absl::ZeroDuration())) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", text, "\" must be ", allow_zero ? "zero or more" : "more than zero"));
  }
  *out = value;
  return absl::OkStatus();
}

std::string ShowSeconds(absl::Duration d) { return absl::StrCat(absl::ToDoubleSeconds(d)); }

// The peers as --peers writes them, in the order of KnownTracks().
std::string ShowPeers(const std::map<std::string, std::string>& peers) {
  std::vector<std::string> entries;
  for (const TrackPorts& t : KnownTracks()) {
    if (auto it = peers.find(t.track); it != peers.end()) {
      entries.push_back(absl::StrCat(t.track, "=", it->second));
    }
  }
  return absl::StrJoin(entries, ",");
}

using Field = std::string ServiceConfig::*;

Setting StringSetting(const char* name, const char* hint, const char* help, Field field,
                      bool allow_empty) {
  return Setting{name,
                 hint,
                 help,
                 false,
                 [field](const ServiceConfig& c) { return c.*field; },
                 [field, allow_empty](absl::string_view text, ServiceConfig* c) {
                   if (text.empty() && !allow_empty) {
                     return absl::InvalidArgumentError("must not be empty");
                   }
                   c->*field = std::string(text);
                   return absl::OkStatus();
                 }};
}

Setting IntSetting(const char* name, const char* hint, const char* help, int ServiceConfig::*field,
                   int min, int max) {
  return Setting{name,
                 hint,
                 help,
                 false,
                 [field](const ServiceConfig& c) { return absl::StrCat(c.*field); },
                 [field, min, max](absl::string_view text, ServiceConfig* c) {
                   return ParseInt(text, min, max, &(c->*field));
                 }};
}

Setting SecondsSetting(const char* name, const char* help, absl::Duration ServiceConfig::*field,
                       bool allow_zero) {
  return Setting{name,
                 "SECONDS",
                 help,
                 false,
                 [field](const ServiceConfig& c) { return ShowSeconds(c.*field); },
                 [field, allow_zero](absl::string_view text, ServiceConfig* c) {
                   return ParseSeconds(text, allow_zero, &(c->*field));
                 }};
}

const std::vector<Setting>& Settings() {
  static const std::vector<Setting>* settings = new std::vector<Setting>{
      StringSetting("listen", "HOST:PORT", "gRPC listen address", &ServiceConfig::listen, false),
      IntSetting("metrics_port", "PORT", "Prometheus /metrics port; 0 disables the exposer",
                 &ServiceConfig::metrics_port, 0, 65535),
      StringSetting("metrics_bind", "HOST", "address the /metrics exposer binds to",
                    &ServiceConfig::metrics_bind, false),
      StringSetting("db_path", "PATH", "SQLite database file", &ServiceConfig::db_path, false),
      Setting{"database_url", "URL",
              "PostgreSQL connection URL (postgresql://user:password@host:5432/db); the "
              "replicas of a track share it. Empty: the SQLite file of --db_path (one replica)",
              false, [](const ServiceConfig& c) { return RedactDatabaseUrl(c.database_url); },
              [](absl::string_view text, ServiceConfig* c) {
                const bool uri = absl::StartsWith(text, "postgresql://") ||
                                 absl::StartsWith(text, "postgres://");
                if (!text.empty() && !uri && !absl::StrContains(text, '=')) {
                  return absl::InvalidArgumentError(
                      "is neither a postgresql:// URL nor libpq key=value settings");
                }
                c->database_url = std::string(text);
                return absl::OkStatus();
              }},
      IntSetting("db_pool", "N", "PostgreSQL connections of this process", &ServiceConfig::db_pool,
                 1, 1000),
      StringSetting("redis", "HOST:PORT", "Redis address; empty disables the cache",
                    &ServiceConfig::redis, true),
      IntSetting("redis_pool", "N", "Redis connections in the pool", &ServiceConfig::redis_pool, 1,
                 1024),
      IntSetting("redis_timeout_ms", "MS", "Redis connect and command timeout",
                 &ServiceConfig::redis_timeout_ms, 1, 60000),
      StringSetting("tokens_file", "PATH", "token file (governance.config.v1.TokenFile JSON)",
                    &ServiceConfig::tokens_file, false),
      StringSetting("regions_file", "PATH",
                    "region registry (governance.config.v1.RegionRegistry JSON)",
                    &ServiceConfig::regions_file, false),
      StringSetting("holidays_file", "PATH",
                    "holiday calendar (governance.config.v1.HolidayCalendar JSON)",
                    &ServiceConfig::holidays_file, false),
      StringSetting("rules_file", "PATH",
                    "the track's rules file (e.g. governance.config.v1.PolicingRules JSON); "
                    "empty = <track>.json beside the regions file; tracks without one ignore it",
                    &ServiceConfig::rules_file, false),
      StringSetting("targets_file", "PATH",
                    "the indicators' targets and their sources (governance.config.v1.Targets "
                    "JSON); empty = targets.json beside the regions file",
                    &ServiceConfig::targets_file, false),
      IntSetting("workers", "N", "threads running handlers", &ServiceConfig::workers, 1, 1024),
      IntSetting("max_queue", "N", "calls queued for a worker before RESOURCE_EXHAUSTED",
                 &ServiceConfig::max_queue, 1, 1000000),
      SecondsSetting("drain_seconds", "time calls in flight get to finish on SIGTERM/SIGINT",
                     &ServiceConfig::drain_deadline, true),
      SecondsSetting("drain_grace_seconds",
                     "on SIGTERM/SIGINT, time the server keeps serving with health NOT_SERVING "
                     "before the drain (for load balancers; Kubernetes: 5)",
                     &ServiceConfig::drain_grace, true),
      SecondsSetting("breach_scan_seconds", "interval of the SLA breach scan",
                     &ServiceConfig::breach_scan_interval, false),
      SecondsSetting("gauge_seconds", "interval of the indicator gauge refresh",
                     &ServiceConfig::gauge_interval, false),
      Setting{"demo_data", "BOOL", "load demo data when the store holds no cases", true,
              [](const ServiceConfig& c) { return std::string(c.demo_data ? "true" : "false"); },
              [](absl::string_view text, ServiceConfig* c) {
                if (!absl::SimpleAtob(text, &c->demo_data)) {
                  return absl::InvalidArgumentError(
                      absl::StrCat("\"", text, "\" is not true or false"));
                }
                return absl::OkStatus();
              }},
      Setting{"log_level", "LEVEL", "debug, info, warn or error", false,
              [](const ServiceConfig& c) { return c.log_level; },
              [](absl::string_view text, ServiceConfig* c) {
                log::Level level;
                if (!log::ParseLevel(std::string_view(text.data(), text.size()), &level)) {
                  return absl::InvalidArgumentError(
                      absl::StrCat("\"", text, "\" is not debug, info, warn or error"));
                }
                c->log_level = absl::AsciiStrToLower(text);
                return absl::OkStatus();
              }},
      Setting{"peers", "TRACK=HOST:PORT,...",
              "gRPC addresses of the other tracks for peer calls; each entry replaces the "
              "default of the track it names (every track at 127.0.0.1:<its gRPC port>)",
              false, [](const ServiceConfig& c) { return ShowPeers(c.peers); },
              [](absl::string_view text, ServiceConfig* c) {
                return ParsePeers(std::string_view(text.data(), text.size()), &c->peers);
              }},
      StringSetting("peer_token_file", "PATH",
                    "file whose first line is the bearer token presented to the other tracks; "
                    "empty: no peer calls (they answer UNAVAILABLE)",
                    &ServiceConfig::peer_token_file, true),
      IntSetting("peer_timeout_ms", "MS", "deadline of one call to another track",
                 &ServiceConfig::peer_timeout_ms, 100, 60000),
      StringSetting("tls_cert", "PATH",
                    "PEM certificate chain the gRPC port serves TLS with (with --tls_key); with "
                    "--tls_ca also the client certificate of peer calls; empty: plaintext",
                    &ServiceConfig::tls_cert, true),
      StringSetting("tls_key", "PATH", "PEM private key of --tls_cert (unencrypted)",
                    &ServiceConfig::tls_key, true),
      StringSetting("tls_client_ca", "PATH",
                    "PEM CA bundle of accepted client certificates: every client must present "
                    "one (mutual TLS); empty: no client certificate asked",
                    &ServiceConfig::tls_client_ca, true),
      StringSetting("tls_ca", "PATH",
                    "PEM CA bundle peer calls verify the other tracks' certificates with; "
                    "empty: peer calls in plaintext",
                    &ServiceConfig::tls_ca, true),
      SecondsSetting("tls_reload_seconds",
                     "interval at which the TLS files are read again (certificate rotation)",
                     &ServiceConfig::tls_reload_interval, false),
      StringSetting("health_listen", "HOST:PORT",
                    "plaintext port serving only grpc.health.v1 (probes that cannot present a "
                    "client certificate); empty: none",
                    &ServiceConfig::health_listen, true),
      StringSetting("data_keys_file", "PATH",
                    "key ring (one \"<id> <base64 32 bytes>\" a line, the first seals) personal "
                    "data is sealed with at rest; empty: the ring in GOV_DATA_KEYS, else none",
                    &ServiceConfig::data_keys_file, true),
  };
  return *settings;
}

const Setting* FindSetting(absl::string_view name) {
  for (const Setting& s : Settings()) {
    if (name == s.name) return &s;
  }
  return nullptr;
}

std::string EnvName(absl::string_view name) {
  return absl::StrCat("GOV_", absl::AsciiStrToUpper(name));
}

ServiceConfig DefaultConfig(const Defaults& given) {
  Defaults d = given;
  if (const TrackPorts* t = FindTrack(d.track); t != nullptr) {
    if (d.grpc_port == 0) d.grpc_port = t->grpc_port;
    if (d.metrics_port == 0) d.metrics_port = t->metrics_port;
  }
  ServiceConfig c;
  c.track = d.track;
  c.listen = absl::StrCat("127.0.0.1:", d.grpc_port);
  c.metrics_port = d.metrics_port;
  c.db_path = absl::StrCat("./var/", d.track, ".db");
  c.redis = "127.0.0.1:6379";
  c.tokens_file = "./var/tokens.json";
  c.regions_file = GOV_SOURCE_DIR "/data/regions.json";
  c.holidays_file = GOV_SOURCE_DIR "/data/holidays.json";
  for (const TrackPorts& t : KnownTracks()) {
    c.peers[t.track] = absl::StrCat("127.0.0.1:", t.grpc_port);
  }
  return c;
}

std::string HelpText(const ServiceConfig& defaults) {
  std::string text = absl::StrCat(
      "Usage: ", defaults.track.empty() ? "service" : defaults.track,
      " [--name=value | --name value]...\n\n"
      "Every setting comes from its flag, else its environment variable, else the default.\n\n");
  for (const Setting& s : Settings()) {
    absl::StrAppend(&text, "  --", s.name, "=", s.value_hint, "\n      ", s.help, "\n      env ",
                    EnvName(s.name), ", default \"", s.show(defaults), "\"\n");
  }
  absl::StrAppend(&text, "  --help\n      print this text and exit\n");
  return text;
}

}  // namespace

const std::vector<TrackPorts>& KnownTracks() {
  static const std::vector<TrackPorts>* tracks = new std::vector<TrackPorts>{
  // data/tracks.json, one initializer a track: generated in the build tree by
  // cmake/GovTrack.cmake (common/CMakeLists.txt puts it on the include path).
#include "common/config/known_tracks.inc"
  };
  return *tracks;
}

const TrackPorts* FindTrack(std::string_view track) {
  for (const TrackPorts& t : KnownTracks()) {
    if (track == t.track) return &t;
  }
  return nullptr;
}

absl::Status CheckPeerAddress(std::string_view address) {
  const absl::string_view text(address.data(), address.size());
  const size_t colon = text.rfind(':');
  if (colon == absl::string_view::npos) {
    return absl::InvalidArgumentError("is not HOST:PORT (no port)");
  }
  const absl::string_view host = text.substr(0, colon);
  const absl::string_view port_text = text.substr(colon + 1);
  int port = 0;
  if (!absl::SimpleAtoi(port_text, &port) || port < 1 || port > 65535 ||
      !absl::ascii_isdigit(port_text.front())) {
    return absl::InvalidArgumentError(
        absl::StrCat("port \"", port_text, "\" is not a number from 1 to 65535"));
  }
  if (host.empty()) return absl::InvalidArgumentError("is not HOST:PORT (no host)");
  if (host.front() == '[') {
    // An IPv6 address, bracketed.
    if (host.size() < 3 || host.back() != ']') {
      return absl::InvalidArgumentError("an IPv6 host must be written [address]");
    }
    for (char ch : host.substr(1, host.size() - 2)) {
      if (!absl::ascii_isxdigit(ch) && ch != ':' && ch != '.') {
        return absl::InvalidArgumentError(
            absl::StrCat("host ", host, " is not a bracketed IPv6 address"));
      }
    }
    return absl::OkStatus();
  }
  for (char ch : host) {
    if (!absl::ascii_isalnum(ch) && ch != '.' && ch != '-' && ch != '_') {
      return absl::InvalidArgumentError(
          absl::StrCat("host \"", host,
                       "\" is not a DNS name or IPv4 address (an IPv6 address goes in brackets)"));
    }
  }
  return absl::OkStatus();
}

absl::Status ParsePeers(std::string_view text, std::map<std::string, std::string>* peers) {
  const absl::string_view all(text.data(), text.size());
  if (absl::StripAsciiWhitespace(all).empty()) return absl::OkStatus();
  std::map<std::string, std::string> given;
  for (absl::string_view raw : absl::StrSplit(all, ',')) {
    const absl::string_view entry = absl::StripAsciiWhitespace(raw);
    if (entry.empty()) {
      return absl::InvalidArgumentError(
          "has an empty entry (entries are TRACK=HOST:PORT separated by commas)");
    }
    const size_t eq = entry.find('=');
    if (eq == absl::string_view::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat("entry \"", entry, "\" is not TRACK=HOST:PORT"));
    }
    const std::string track(absl::StripAsciiWhitespace(entry.substr(0, eq)));
    const absl::string_view address = absl::StripAsciiWhitespace(entry.substr(eq + 1));
    if (FindTrack(track) == nullptr) {
      std::vector<std::string> known;
      for (const TrackPorts& t : KnownTracks()) known.push_back(t.track);
      return absl::InvalidArgumentError(absl::StrCat("entry \"", entry, "\": \"", track,
                                                     "\" is not a track of data/tracks.json (",
                                                     absl::StrJoin(known, ", "), ")"));
    }
    if (given.contains(track)) {
      return absl::InvalidArgumentError(absl::StrCat("names the track ", track, " twice"));
    }
    if (absl::Status ok = CheckPeerAddress(std::string_view(address.data(), address.size()));
        !ok.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("entry \"", entry, "\": ", ok.message()));
    }
    given[track] = std::string(address);
  }
  for (auto& [track, address] : given) (*peers)[track] = std::move(address);
  return absl::OkStatus();
}

Defaults DefaultsFor(std::string_view track) {
  const TrackPorts* t = FindTrack(track);
  if (t == nullptr) {
    std::fprintf(stderr, "config::DefaultsFor: unknown track \"%.*s\" (not in data/tracks.json)\n",
                 static_cast<int>(track.size()), track.data());
    std::abort();
  }
  return Defaults{t->track, t->grpc_port, t->metrics_port};
}

absl::StatusOr<ParseResult> Parse(const Defaults& defaults, int argc, char** argv) {
  ParseResult result;
  result.config = DefaultConfig(defaults);

  // Flags first, so that an unknown flag is refused even with --help.
  absl::flat_hash_map<std::string, std::string> flags;
  for (int i = 1; i < argc; ++i) {
    absl::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      result.help = true;
      continue;
    }
    if (arg.size() < 3 || arg.substr(0, 2) != "--") {
      return absl::InvalidArgumentError(
          absl::StrCat("unexpected argument \"", arg, "\" (flags look like --name=value)"));
    }
    arg.remove_prefix(2);
    absl::string_view name = arg;
    std::optional<absl::string_view> value;
    if (size_t eq = arg.find('='); eq != absl::string_view::npos) {
      name = arg.substr(0, eq);
      value = arg.substr(eq + 1);
    }
    const Setting* setting = FindSetting(name);
    if (setting == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat("unknown flag --", name, " (see --help)"));
    }
    if (!value.has_value()) {
      if (setting->is_bool) {
        value = "true";
      } else if (i + 1 < argc) {
        value = argv[++i];
      } else {
        return absl::InvalidArgumentError(absl::StrCat("flag --", name, " needs a value"));
      }
    }
    flags[std::string(name)] = std::string(*value);
  }
  if (result.help) {
    result.help_text = HelpText(result.config);
    return result;
  }

  for (const Setting& s : Settings()) {
    std::string source;
    std::string text;
    if (auto it = flags.find(s.name); it != flags.end()) {
      source = absl::StrCat("--", s.name);
      text = it->second;
    } else {
      const std::string env = EnvName(s.name);
      const char* from_env = std::getenv(env.c_str());
      if (from_env == nullptr) continue;
      source = env;
      text = from_env;
    }
    if (absl::Status st = s.set(text, &result.config); !st.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(source, ": ", st.message()));
    }
  }
  // A certificate without its key (or the reverse) is a mistake to refuse at once; whether the
  // files can be read and match is checked when the service starts (common/util/tls.h).
  const ServiceConfig& c = result.config;
  if (c.tls_cert.empty() != c.tls_key.empty()) {
    return absl::InvalidArgumentError(
        c.tls_cert.empty()
            ? "--tls_key (GOV_TLS_KEY) is set but --tls_cert (GOV_TLS_CERT) is not: a private "
              "key and its certificate go together"
            : "--tls_cert (GOV_TLS_CERT) is set but --tls_key (GOV_TLS_KEY) is not: a "
              "certificate and its private key go together");
  }
  if (!c.tls_client_ca.empty() && c.tls_cert.empty()) {
    return absl::InvalidArgumentError(
        "--tls_client_ca (GOV_TLS_CLIENT_CA) is set but --tls_cert and --tls_key are not: "
        "mutual TLS needs the server's own certificate");
  }
  if (!c.health_listen.empty()) {
    if (absl::Status ok = CheckPeerAddress(c.health_listen); !ok.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("--health_listen: ", ok.message()));
    }
    if (c.health_listen == c.listen) {
      return absl::InvalidArgumentError("--health_listen must not be the --listen address");
    }
  }
  // The rules and targets files lie beside the region registry, wherever the data files are
  // installed (the repository's data/, the image's /usr/share/governance, a mounted ConfigMap).
  const std::string& regions = result.config.regions_file;
  const size_t slash = regions.rfind('/');
  const std::string data_dir = slash == std::string::npos ? "." : regions.substr(0, slash);
  if (result.config.rules_file.empty()) {
    result.config.rules_file = absl::StrCat(data_dir, "/", result.config.track, ".json");
  }
  if (result.config.targets_file.empty()) {
    result.config.targets_file = absl::StrCat(data_dir, "/targets.json");
  }
  return result;
}

}  // namespace gov::config
