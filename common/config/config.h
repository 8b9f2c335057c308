#ifndef GOV_COMMON_CONFIG_CONFIG_H_
#define GOV_COMMON_CONFIG_CONFIG_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace gov::config {

// Settings of one service process. Each comes from, in order of precedence: a command-line
// flag `--name=value`, the environment variable `GOV_NAME` (upper case), a working local
// default. `--help` prints them all. Documented in the README ("Configuration").
struct ServiceConfig {
  std::string track;                       // fixed by the binary
  std::string listen;                      // --listen, default 127.0.0.1:<track grpc port>
  int metrics_port = 0;                    // --metrics_port, default <track metrics port>; 0 = none
  std::string metrics_bind = "127.0.0.1";  // --metrics_bind
  std::string db_path;                     // --db_path, default ./var/<track>.db
  std::string database_url;    // --database_url: PostgreSQL (shared by replicas); "" = SQLite
  int db_pool = 8;             // --db_pool: PostgreSQL connections of this process
  std::string redis;           // --redis, default 127.0.0.1:6379; "" disables the cache
  int redis_pool = 8;          // --redis_pool
  int redis_timeout_ms = 100;  // --redis_timeout_ms (command timeout)
  std::string tokens_file;     // --tokens_file, default ./var/tokens.json
  std::string regions_file;    // --regions_file, default <repo>/data/regions.json
  std::string holidays_file;   // --holidays_file, default <repo>/data/holidays.json
  // --rules_file: the track's own rules (e.g. data/policing.json); unset, Parse puts
  // <track>.json beside the regions file. Read only by tracks that have one.
  std::string rules_file;
  // --targets_file: every indicator's target and its source (governance.config.v1.Targets);
  // unset, Parse puts targets.json beside the regions file.
  std::string targets_file;
  int workers = 8;       // --workers: threads running handlers
  int max_queue = 1024;  // --max_queue: queued calls before RESOURCE_EXHAUSTED
  absl::Duration drain_deadline = absl::Seconds(20);        // --drain_seconds
  absl::Duration drain_grace = absl::ZeroDuration();        // --drain_grace_seconds
  absl::Duration breach_scan_interval = absl::Seconds(60);  // --breach_scan_seconds
  absl::Duration gauge_interval = absl::Seconds(30);        // --gauge_seconds
  bool demo_data = false;          // --demo_data: load demo data when the store is empty
  std::string log_level = "info";  // --log_level: debug|info|warn|error
  // Calls to the other tracks of the suite (common/peers). --peers: the gRPC address of each
  // track, track -> "host:port"; Parse puts every track of KnownTracks() at 127.0.0.1:<its gRPC
  // port>, and "--peers=mediation=mediation:7101,policing=10.0.0.5:7102" replaces the entries of
  // the tracks it names (ParsePeers).
  std::map<std::string, std::string> peers = {};
  // --peer_token_file: a file whose first line is the bearer token this service presents to
  // the other tracks; "" = no peer calls (they answer UNAVAILABLE).
  std::string peer_token_file = {};
  int peer_timeout_ms = 2000;  // --peer_timeout_ms: deadline of one peer call, 100..60000
  // Transport security (README "Transport security"; common/util/tls.h). All unset: plaintext.
  // --tls_cert, --tls_key: PEM files of the certificate chain and the private key the gRPC port
  // serves TLS with; both or neither (Parse refuses one alone). With --tls_ca set, peer calls
  // present them as this service's client certificate.
  std::string tls_cert = {};
  std::string tls_key = {};
  // --tls_client_ca: PEM bundle of the CAs whose client certificates the gRPC port accepts; set,
  // every client must present one (mutual TLS). Needs --tls_cert and --tls_key.
  std::string tls_client_ca = {};
  // --tls_ca: PEM bundle the peer calls verify the other tracks' certificates with; set, peer
  // calls go over TLS (the address's host must be in the peer's certificate).
  std::string tls_ca = {};
  // --tls_reload_seconds: how often the files above are read again, so that rotated
  // certificates are taken up without a restart.
  absl::Duration tls_reload_interval = absl::Seconds(60);
  // --health_listen: a second, plaintext gRPC port that serves only grpc.health.v1, with the
  // statuses of the main port (for probes that cannot present a client certificate, such as
  // the kubelet's); "" = none.
  std::string health_listen = {};
  // --data_keys_file: the key ring personal data is sealed with in the store
  // (common/store/data_keys.h); empty: GOV_DATA_KEYS when set (the ring itself, for a Secret
  // given as an environment variable), else personal data is stored unsealed.
  std::string data_keys_file = {};
};

struct Defaults {
  std::string track;
  int grpc_port = 0;
  int metrics_port = 0;
};

// Parses flags and environment. INVALID_ARGUMENT for an unknown flag or a bad value;
// `help` is set (and the text in `help_text`) when --help was given.
struct ParseResult {
  ServiceConfig config;
  bool help = false;
  std::string help_text;
};
absl::StatusOr<ParseResult> Parse(const Defaults& defaults, int argc, char** argv);

// The tracks of the suite, in the order of data/tracks.json (the one list, compiled in when CMake
// configures; data/README.md): the name, the fixed local ports (gRPC, metrics; documented in the
// README), the Chinese name, an English title, and whether the track has a rules file
// (data/<track>.json, --rules_file).
struct TrackPorts {
  const char* track;
  int grpc_port;
  int metrics_port;
  const char* name_zh;
  const char* title;
  bool has_rules;
};
const std::vector<TrackPorts>& KnownTracks();

// The track of that name, or nullptr when data/tracks.json does not list it.
const TrackPorts* FindTrack(std::string_view track);

// Reads a --peers value into `peers`: comma-separated "track=host:port" entries, each naming a
// track of KnownTracks() at most once; an entry replaces that track's address, the others are
// kept. Empty text changes nothing. INVALID_ARGUMENT naming the entry and what is wrong with it.
absl::Status ParsePeers(std::string_view text, std::map<std::string, std::string>* peers);

// Checks one peer address: "host:port" with a DNS name or IPv4 address as host, or "[v6]:port";
// port 1..65535. INVALID_ARGUMENT saying what is wrong (the address not quoted).
absl::Status CheckPeerAddress(std::string_view address);

// The defaults of a service of a known track (its name and fixed ports), for its main():
//   RunTrack(argc, argv, config::DefaultsFor("mediation"), ...)
// A name data/tracks.json does not list is a programming error (gov_add_track refuses to build
// such a track): the process is aborted with a message naming it.
Defaults DefaultsFor(std::string_view track);

}  // namespace gov::config

#endif  // GOV_COMMON_CONFIG_CONFIG_H_
