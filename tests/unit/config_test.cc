#include "common/config/config.h"

#include <cstdlib>
#include <fstream>
#include <initializer_list>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "tests/support/test_support.h"

namespace gov::config {
namespace {

using ::testing::HasSubstr;

// argv for Parse: keeps the strings alive.
class Args {
 public:
  Args(std::initializer_list<std::string> args) : strings_{"gov-test"} {
    strings_.insert(strings_.end(), args.begin(), args.end());
    for (std::string& s : strings_) pointers_.push_back(s.data());
  }
  int argc() { return static_cast<int>(pointers_.size()); }
  char** argv() { return pointers_.data(); }

 private:
  std::vector<std::string> strings_;
  std::vector<char*> pointers_;
};

// Sets environment variables for one test and removes them afterwards.
class Env {
 public:
  ~Env() {
    for (const std::string& name : names_) unsetenv(name.c_str());
  }
  void Set(const std::string& name, const std::string& value) {
    setenv(name.c_str(), value.c_str(), 1);
    names_.push_back(name);
  }

 private:
  std::vector<std::string> names_;
};

const Defaults kMediation{"mediation", 7101, 9101};

absl::StatusOr<ParseResult> ParseArgs(Args args, const Defaults& d = kMediation) {
  return Parse(d, args.argc(), args.argv());
}

TEST(ConfigTest, DefaultsWorkLocally) {
  auto result = ParseArgs({});
  ASSERT_TRUE(result.ok()) << result.status();
  const ServiceConfig& c = result->config;
  EXPECT_FALSE(result->help);
  EXPECT_EQ(c.track, "mediation");
  EXPECT_EQ(c.listen, "127.0.0.1:7101");
  EXPECT_EQ(c.metrics_port, 9101);
  EXPECT_EQ(c.metrics_bind, "127.0.0.1");
  EXPECT_EQ(c.db_path, "./var/mediation.db");
  EXPECT_EQ(c.redis, "127.0.0.1:6379");
  EXPECT_EQ(c.tokens_file, "./var/tokens.json");
  EXPECT_EQ(c.regions_file, std::string(GOV_SOURCE_DIR) + "/data/regions.json");
  EXPECT_EQ(c.holidays_file, std::string(GOV_SOURCE_DIR) + "/data/holidays.json");
  EXPECT_EQ(c.rules_file, std::string(GOV_SOURCE_DIR) + "/data/mediation.json");
  EXPECT_EQ(c.targets_file, std::string(GOV_SOURCE_DIR) + "/data/targets.json");
  EXPECT_EQ(c.workers, 8);
  EXPECT_EQ(c.max_queue, 1024);
  EXPECT_EQ(c.drain_deadline, absl::Seconds(20));
  EXPECT_FALSE(c.demo_data);
  EXPECT_EQ(c.log_level, "info");
}

TEST(ConfigTest, RulesFileDefaultsToTheTrackBesideTheRegions) {
  auto moved =
      ParseArgs({"--regions_file=/etc/governance/data/regions.json"}, Defaults{"policing", 0, 0});
  ASSERT_TRUE(moved.ok()) << moved.status();
  EXPECT_EQ(moved->config.rules_file, "/etc/governance/data/policing.json");
  EXPECT_EQ(moved->config.targets_file, "/etc/governance/data/targets.json");
  auto bare = ParseArgs({"--regions_file=regions.json"}, Defaults{"policing", 0, 0});
  ASSERT_TRUE(bare.ok()) << bare.status();
  EXPECT_EQ(bare->config.rules_file, "./policing.json");
  auto given = ParseArgs({"--rules_file=/tmp/p.json"}, Defaults{"policing", 0, 0});
  ASSERT_TRUE(given.ok()) << given.status();
  EXPECT_EQ(given->config.rules_file, "/tmp/p.json");
  auto targets = ParseArgs({"--targets_file=/tmp/t.json"}, Defaults{"policing", 0, 0});
  ASSERT_TRUE(targets.ok()) << targets.status();
  EXPECT_EQ(targets->config.targets_file, "/tmp/t.json");
}

TEST(ConfigTest, PortsOfAKnownTrackFillMissingDefaults) {
  auto result = ParseArgs({}, Defaults{"hazard", 0, 0});
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->config.listen, "127.0.0.1:7105");
  EXPECT_EQ(result->config.metrics_port, 9105);
  EXPECT_EQ(result->config.db_path, "./var/hazard.db");
}

// data/tracks.json as the test reads it: its fields by name, empty / 0 / false for one that is
// missing (a missing field then fails the comparison that uses it).
struct ListedTrack {
  std::string name, name_zh, title;
  double grpc_port = 0, metrics_port = 0;
  bool rules = false;
};
std::vector<ListedTrack> ReadTracksJson() {
  std::ifstream in(gov::testing::SourcePath("data/tracks.json"));
  std::stringstream text;
  text << in.rdbuf();
  google::protobuf::Struct file;
  auto status = google::protobuf::util::JsonStringToMessage(text.str(), &file);
  EXPECT_TRUE(status.ok()) << "data/tracks.json: " << status.ToString();
  std::vector<ListedTrack> tracks;
  auto list = file.fields().find("tracks");
  if (list == file.fields().end()) return tracks;
  for (const google::protobuf::Value& v : list->second.list_value().values()) {
    const auto& f = v.struct_value().fields();
    auto get = [&f](const std::string& key) {
      auto it = f.find(key);
      return it == f.end() ? google::protobuf::Value() : it->second;
    };
    tracks.push_back({get("name").string_value(), get("nameZh").string_value(),
                      get("title").string_value(), get("grpcPort").number_value(),
                      get("metricsPort").number_value(), get("rules").bool_value()});
  }
  return tracks;
}

// KnownTracks() is data/tracks.json, compiled in at configure time: every field, in order.
TEST(ConfigTest, KnownTracksAreDataTracksJson) {
  const std::vector<ListedTrack> listed = ReadTracksJson();
  ASSERT_EQ(KnownTracks().size(), listed.size());
  ASSERT_FALSE(listed.empty());
  std::set<std::string> names;
  std::set<int> ports;
  for (size_t i = 0; i < listed.size(); ++i) {
    const TrackPorts& t = KnownTracks()[i];
    SCOPED_TRACE(absl::StrCat("tracks[", i, "] ", listed[i].name));
    EXPECT_EQ(t.track, listed[i].name);
    EXPECT_EQ(t.grpc_port, listed[i].grpc_port);
    EXPECT_EQ(t.metrics_port, listed[i].metrics_port);
    EXPECT_EQ(t.name_zh, listed[i].name_zh);
    EXPECT_EQ(t.title, listed[i].title);
    EXPECT_EQ(t.has_rules, listed[i].rules);
    EXPECT_TRUE(names.insert(t.track).second) << "listed twice";
    EXPECT_TRUE(ports.insert(t.grpc_port).second) << "port used twice: " << t.grpc_port;
    EXPECT_TRUE(ports.insert(t.metrics_port).second) << "port used twice: " << t.metrics_port;
  }
}

TEST(ConfigTest, DefaultsForAKnownTrack) {
  for (const TrackPorts& t : KnownTracks()) {
    const Defaults d = DefaultsFor(t.track);
    EXPECT_EQ(d.track, t.track);
    EXPECT_EQ(d.grpc_port, t.grpc_port);
    EXPECT_EQ(d.metrics_port, t.metrics_port);
  }
  auto result = ParseArgs({}, DefaultsFor("policing"));
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->config.listen, "127.0.0.1:7102");
  EXPECT_EQ(result->config.metrics_port, 9102);
  EXPECT_EQ(FindTrack("nonesuch"), nullptr);
}

TEST(ConfigDeathTest, DefaultsForAnUnknownTrackAborts) {
  EXPECT_DEATH(DefaultsFor("nonesuch"), "unknown track \"nonesuch\"");
}

TEST(ConfigTest, FlagsInBothFormsAndBareBooleans) {
  auto result = ParseArgs({"--listen=0.0.0.0:1234", "--workers", "3", "--demo_data",
                           "--drain_seconds=2.5", "--gauge_seconds", "500ms", "--redis="});
  ASSERT_TRUE(result.ok()) << result.status();
  const ServiceConfig& c = result->config;
  EXPECT_EQ(c.listen, "0.0.0.0:1234");
  EXPECT_EQ(c.workers, 3);
  EXPECT_TRUE(c.demo_data);
  EXPECT_EQ(c.drain_deadline, absl::Milliseconds(2500));
  EXPECT_EQ(c.gauge_interval, absl::Milliseconds(500));
  EXPECT_EQ(c.redis, "") << "an empty --redis disables the cache";
}

TEST(ConfigTest, BooleanTakesAnExplicitValue) {
  auto result = ParseArgs({"--demo_data=false"});
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_FALSE(result->config.demo_data);
  result = ParseArgs({"--demo_data=1"});
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_TRUE(result->config.demo_data);
}

TEST(ConfigTest, EnvironmentUnderFlags) {
  Env env;
  env.Set("GOV_DB_PATH", "/data/m.db");
  env.Set("GOV_WORKERS", "5");
  env.Set("GOV_REDIS", "");
  env.Set("GOV_LOG_LEVEL", "DEBUG");
  auto result = ParseArgs({"--workers=6"});
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->config.db_path, "/data/m.db");
  EXPECT_EQ(result->config.workers, 6) << "the flag wins over GOV_WORKERS";
  EXPECT_EQ(result->config.redis, "") << "GOV_REDIS set but empty disables the cache";
  EXPECT_EQ(result->config.log_level, "debug");
}

TEST(ConfigTest, UnknownFlagIsInvalidArgument) {
  auto result = ParseArgs({"--listne=1.2.3.4:5"});
  ASSERT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(result.status().message()), HasSubstr("--listne"));
  // Also with --help, so a typo in a deployment is not hidden.
  EXPECT_EQ(ParseArgs({"--help", "--nope"}).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(ConfigTest, BadValuesNameTheirSource) {
  struct Case {
    std::vector<std::string> args;
    std::string env_name, env_value;
    std::string expected;
  };
  const std::vector<Case> cases = {
      {{"--workers=many"}, "", "", "--workers"},
      {{"--workers=0"}, "", "", "--workers"},
      {{"--metrics_port=70000"}, "", "", "--metrics_port"},
      {{"--drain_seconds=-1"}, "", "", "--drain_seconds"},
      {{"--breach_scan_seconds=0"}, "", "", "--breach_scan_seconds"},
      {{"--log_level=loud"}, "", "", "--log_level"},
      {{"--demo_data=maybe"}, "", "", "--demo_data"},
      {{"--listen="}, "", "", "--listen"},
      {{}, "GOV_MAX_QUEUE", "x", "GOV_MAX_QUEUE"},
      {{}, "GOV_GAUGE_SECONDS", "soon", "GOV_GAUGE_SECONDS"},
  };
  for (const Case& c : cases) {
    Env env;
    if (!c.env_name.empty()) env.Set(c.env_name, c.env_value);
    std::vector<std::string> strings = {"gov-test"};
    strings.insert(strings.end(), c.args.begin(), c.args.end());
    std::vector<char*> argv;
    for (std::string& s : strings) argv.push_back(s.data());
    auto result = Parse(kMediation, static_cast<int>(argv.size()), argv.data());
    ASSERT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument) << c.expected;
    EXPECT_THAT(std::string(result.status().message()), HasSubstr(c.expected));
  }
}

TEST(ConfigTest, MissingValueAndStrayArgumentsAreRefused) {
  EXPECT_EQ(ParseArgs({"--db_path"}).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseArgs({"serve"}).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseArgs({"-workers=2"}).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(ConfigTest, HelpListsEverySettingWithEnvAndDefault) {
  auto result = ParseArgs({"--help"});
  ASSERT_TRUE(result.ok()) << result.status();
  ASSERT_TRUE(result->help);
  const std::string& text = result->help_text;
  for (const char* name : {"listen",
                           "metrics_port",
                           "metrics_bind",
                           "db_path",
                           "database_url",
                           "db_pool",
                           "redis",
                           "redis_pool",
                           "redis_timeout_ms",
                           "tokens_file",
                           "regions_file",
                           "holidays_file",
                           "rules_file",
                           "targets_file",
                           "workers",
                           "max_queue",
                           "drain_seconds",
                           "drain_grace_seconds",
                           "breach_scan_seconds",
                           "gauge_seconds",
                           "demo_data",
                           "log_level",
                           "peers",
                           "peer_token_file",
                           "peer_timeout_ms"}) {
    EXPECT_THAT(text, HasSubstr(absl::StrCat("--", name, "=")));
    EXPECT_THAT(text, HasSubstr(absl::StrCat("env GOV_", absl::AsciiStrToUpper(name), ",")));
  }
  EXPECT_THAT(text, HasSubstr("default \"127.0.0.1:7101\""));
  EXPECT_THAT(text, HasSubstr("default \"./var/mediation.db\""));
  EXPECT_THAT(text, HasSubstr("default \"20\""));
  EXPECT_THAT(text, HasSubstr("default \"mediation=127.0.0.1:7101,policing=127.0.0.1:7102,"));
}

TEST(ConfigTest, DatabaseUrlSelectsPostgresAndIsCheckedAndNeverShownWithItsPassword) {
  auto result =
      ParseArgs({"--database_url=postgresql://gov:s3cret@db:5432/governance", "--db_pool=16"});
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->config.database_url, "postgresql://gov:s3cret@db:5432/governance");
  EXPECT_EQ(result->config.db_pool, 16);
  EXPECT_TRUE(ParseArgs({"--database_url=host=db dbname=governance"}).ok());
  // Empty keeps the SQLite default.
  auto sqlite = ParseArgs({"--database_url="});
  ASSERT_TRUE(sqlite.ok()) << sqlite.status();
  EXPECT_EQ(sqlite->config.database_url, "");

  auto bad = ParseArgs({"--database_url=mysql://db/x"});
  ASSERT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(bad.status().message(), HasSubstr("--database_url"));
  EXPECT_EQ(ParseArgs({"--db_pool=0"}).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(ConfigTest, PeersDefaultToEveryTrackAtItsLocalPortWithoutAToken) {
  auto result = ParseArgs({});
  ASSERT_TRUE(result.ok()) << result.status();
  const ServiceConfig& c = result->config;
  ASSERT_EQ(c.peers.size(), KnownTracks().size());
  for (const TrackPorts& t : KnownTracks()) {
    EXPECT_EQ(c.peers.at(t.track), absl::StrCat("127.0.0.1:", t.grpc_port)) << t.track;
  }
  EXPECT_EQ(c.peer_token_file, "");
  EXPECT_EQ(c.peer_timeout_ms, 2000);
}

TEST(ConfigTest, PeersNameSomeTracksAndKeepTheOthers) {
  auto result =
      ParseArgs({"--peers=mediation=mediation.governance.svc:7101, policing=10.0.0.5:7102",
                 "--peer_token_file=/etc/governance/secrets/peer-token", "--peer_timeout_ms=500"});
  ASSERT_TRUE(result.ok()) << result.status();
  const ServiceConfig& c = result->config;
  EXPECT_EQ(c.peers.at("mediation"), "mediation.governance.svc:7101");
  EXPECT_EQ(c.peers.at("policing"), "10.0.0.5:7102");
  EXPECT_EQ(c.peers.at("disorder"), "127.0.0.1:7103");
  EXPECT_EQ(c.peer_token_file, "/etc/governance/secrets/peer-token");
  EXPECT_EQ(c.peer_timeout_ms, 500);

  Env env;
  env.Set("GOV_PEERS", "disorder=[::1]:7203");
  env.Set("GOV_PEER_TIMEOUT_MS", "100");
  auto from_env = ParseArgs({});
  ASSERT_TRUE(from_env.ok()) << from_env.status();
  EXPECT_EQ(from_env->config.peers.at("disorder"), "[::1]:7203");
  EXPECT_EQ(from_env->config.peers.at("mediation"), "127.0.0.1:7101");
  EXPECT_EQ(from_env->config.peer_timeout_ms, 100);
  // The flag wins over the environment, whole.
  auto flag = ParseArgs({"--peers=hazard=h:1"});
  ASSERT_TRUE(flag.ok()) << flag.status();
  EXPECT_EQ(flag->config.peers.at("hazard"), "h:1");
  EXPECT_EQ(flag->config.peers.at("disorder"), "127.0.0.1:7103");
  // Empty changes nothing.
  auto empty = ParseArgs({"--peers="});
  ASSERT_TRUE(empty.ok()) << empty.status();
  EXPECT_EQ(empty->config.peers.at("mediation"), "127.0.0.1:7101");
}

TEST(ConfigTest, BadPeersAreRefusedNamingTheEntry) {
  struct Case {
    std::string value;
    std::string says;
  };
  const std::vector<Case> cases = {
      {"mediation", "is not TRACK=HOST:PORT"},
      {"mediation:7101", "is not TRACK=HOST:PORT"},
      {"mediation=mediation", "no port"},
      {"mediation=mediation:", "port \"\""},
      {"mediation=mediation:0", "1 to 65535"},
      {"mediation=mediation:65536", "1 to 65535"},
      {"mediation=mediation:+7101", "1 to 65535"},
      {"mediation=:7101", "no host"},
      {"mediation=media tion:7101", "not a DNS name"},
      {"mediation=::1:7101", "not a DNS name"},
      {"mediation=[::1:7101", "[address]"},
      {"mediation=[zz]:7101", "bracketed IPv6"},
      {"mediation=a:1,,policing=b:2", "empty entry"},
      {"mediation=a:1,", "empty entry"},
      {"mediation=a:1,mediation=b:2", "names the track mediation twice"},
      {"=a:1", "\"\" is not a track"},
      {"nosuch=a:1", "\"nosuch\" is not a track of data/tracks.json (mediation, policing"},
      {"Mediation=a:1", "\"Mediation\" is not a track"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.value);
    auto result = ParseArgs({absl::StrCat("--peers=", c.value)});
    ASSERT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(result.status().message()), HasSubstr("--peers: "));
    EXPECT_THAT(std::string(result.status().message()), HasSubstr(c.says));
  }
  {
    Env env;
    env.Set("GOV_PEERS", "nosuch=a:1");
    auto from_env = ParseArgs({});
    ASSERT_EQ(from_env.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(from_env.status().message()), HasSubstr("GOV_PEERS: "));
  }

  for (const char* timeout :
       {"--peer_timeout_ms=99", "--peer_timeout_ms=60001", "--peer_timeout_ms=soon"}) {
    auto result = ParseArgs({timeout});
    ASSERT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument) << timeout;
    EXPECT_THAT(std::string(result.status().message()), HasSubstr("--peer_timeout_ms"));
  }
  EXPECT_TRUE(ParseArgs({"--peer_timeout_ms=60000"}).ok());
}

TEST(ConfigTest, ParsePeersKeepsTheMapUntouchedOnAnError) {
  std::map<std::string, std::string> peers = {{"mediation", "127.0.0.1:7101"}};
  EXPECT_FALSE(ParsePeers("mediation=a:1,nosuch=b:2", &peers).ok());
  EXPECT_EQ(peers.at("mediation"), "127.0.0.1:7101");
  EXPECT_TRUE(ParsePeers("mediation=a:1", &peers).ok());
  EXPECT_EQ(peers.at("mediation"), "a:1");
  EXPECT_TRUE(CheckPeerAddress("mediation.governance.svc.cluster.local:7101").ok());
  EXPECT_TRUE(CheckPeerAddress("10.0.0.5:7102").ok());
  EXPECT_FALSE(CheckPeerAddress("10.0.0.5").ok());
}

}  // namespace
}  // namespace gov::config
