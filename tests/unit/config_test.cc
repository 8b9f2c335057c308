#include "common/config/config.h"

#include <cstdlib>
#include <initializer_list>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

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
  auto bare = ParseArgs({"--regions_file=regions.json"}, Defaults{"policing", 0, 0});
  ASSERT_TRUE(bare.ok()) << bare.status();
  EXPECT_EQ(bare->config.rules_file, "./policing.json");
  auto given = ParseArgs({"--rules_file=/tmp/p.json"}, Defaults{"policing", 0, 0});
  ASSERT_TRUE(given.ok()) << given.status();
  EXPECT_EQ(given->config.rules_file, "/tmp/p.json");
}

TEST(ConfigTest, PortsOfAKnownTrackFillMissingDefaults) {
  auto result = ParseArgs({}, Defaults{"hazard", 0, 0});
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->config.listen, "127.0.0.1:7105");
  EXPECT_EQ(result->config.metrics_port, 9105);
  EXPECT_EQ(result->config.db_path, "./var/hazard.db");
}

TEST(ConfigTest, KnownTracksHaveTheDocumentedPorts) {
  const std::vector<std::tuple<std::string, int, int>> expected = {
      {"mediation", 7101, 9101}, {"policing", 7102, 9102}, {"disorder", 7103, 9103},
      {"backlog", 7104, 9104},   {"hazard", 7105, 9105},   {"tripartite", 7106, 9106},
      {"digital", 7107, 9107}};
  ASSERT_EQ(KnownTracks().size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(KnownTracks()[i].track, std::get<0>(expected[i]));
    EXPECT_EQ(KnownTracks()[i].grpc_port, std::get<1>(expected[i]));
    EXPECT_EQ(KnownTracks()[i].metrics_port, std::get<2>(expected[i]));
  }
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
                           "workers",
                           "max_queue",
                           "drain_seconds",
                           "drain_grace_seconds",
                           "breach_scan_seconds",
                           "gauge_seconds",
                           "demo_data",
                           "log_level"}) {
    EXPECT_THAT(text, HasSubstr(absl::StrCat("--", name, "=")));
    EXPECT_THAT(text, HasSubstr(absl::StrCat("env GOV_", absl::AsciiStrToUpper(name), ",")));
  }
  EXPECT_THAT(text, HasSubstr("default \"127.0.0.1:7101\""));
  EXPECT_THAT(text, HasSubstr("default \"./var/mediation.db\""));
  EXPECT_THAT(text, HasSubstr("default \"20\""));
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

}  // namespace
}  // namespace gov::config
