// The benchmark programs end to end: bench_server (the empty-handler baseline) started with
// fork/exec on a free port with its own token file, driven by loadgen in the closed and the
// open loop, and over two bench_servers at once (several targets, as replicas are driven); and
// the tracks side by side: the real service of every track of bench/tracks.json on its demo
// data, driven by loadgen's track_create and track_get_hit with the calls the file names; and
// every call of the file's cockpit section (the baseline and each cockpit) against its track's
// service alone, with loadgen's call workload and its check.
// What is checked is the shape and sanity of loadgen's report — never speed.

#include <signal.h>

#include <chrono>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/auth/auth.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "tests/support/health_client.h"
#include "tests/support/metrics.h"
#include "tests/support/process.h"
#include "tests/support/redis_server.h"
#include "tests/support/test_support.h"

namespace gov::testing {
namespace {

using google::protobuf::Struct;
using google::protobuf::Value;

constexpr char kToken[] = "bench-smoke-token-7f3a";
constexpr absl::Duration kStartTimeout = absl::Seconds(30);
// A track's service loads its demo data into its empty store before it serves.
constexpr absl::Duration kTrackStartTimeout = absl::Seconds(120);
constexpr absl::Duration kRunTimeout = absl::Seconds(60);

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream content;
  content << in.rdbuf();
  return content.str();
}

// The number under `key`; a test failure (and -1) when it is missing or not a number.
double Number(const Struct& report, const std::string& key) {
  auto it = report.fields().find(key);
  if (it == report.fields().end() || it->second.kind_case() != Value::kNumberValue) {
    ADD_FAILURE() << "report has no number \"" << key << "\"";
    return -1;
  }
  return it->second.number_value();
}

std::string Text(const Struct& report, const std::string& key) {
  auto it = report.fields().find(key);
  if (it == report.fields().end() || it->second.kind_case() != Value::kStringValue) {
    ADD_FAILURE() << "report has no string \"" << key << "\"";
    return "";
  }
  return it->second.string_value();
}

// VmRSS of a process in kB, from /proc; nullopt when it cannot be read.
std::optional<int64_t> ProcessRssKb(int pid) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/status"));
  std::string line;
  while (std::getline(in, line)) {
    absl::string_view rest = line;
    if (!absl::ConsumePrefix(&rest, "VmRSS:")) continue;
    rest = absl::StripAsciiWhitespace(rest);
    absl::ConsumeSuffix(&rest, "kB");
    int64_t kb = 0;
    if (absl::SimpleAtoi(absl::StripAsciiWhitespace(rest), &kb)) return kb;
  }
  return std::nullopt;
}

bool IsNull(const Struct& report, const std::string& key) {
  auto it = report.fields().find(key);
  return it != report.fields().end() && it->second.kind_case() == Value::kNullValue;
}

// The "errors" object: code name -> count.
Struct Errors(const Struct& report) {
  auto it = report.fields().find("errors");
  if (it == report.fields().end() || it->second.kind_case() != Value::kStructValue) {
    ADD_FAILURE() << "report has no \"errors\" object";
    return Struct();
  }
  return it->second.struct_value();
}

// Every key of the contract with scripts/bench.sh.
void ExpectContractKeys(const Struct& report) {
  for (const char* key :
       {"workload",     "mode",          "target",       "concurrency", "channels", "rate",
        "duration_s",   "requests",      "ok",           "qps",         "p50_ms",   "p90_ms",
        "p99_ms",       "p999_ms",       "max_ms",       "errors",      "late",     "client_cpu_s",
        "server_cpu_s", "server_rss_kb", "server_hwm_kb"}) {
    EXPECT_TRUE(report.fields().contains(key)) << "missing key " << key;
  }
}

// Latency percentiles are ordered and within the maximum.
void ExpectOrderedPercentiles(const Struct& report) {
  const double p50 = Number(report, "p50_ms");
  const double p90 = Number(report, "p90_ms");
  const double p99 = Number(report, "p99_ms");
  const double p999 = Number(report, "p999_ms");
  const double max = Number(report, "max_ms");
  EXPECT_GT(p50, 0);
  EXPECT_LE(p50, p90);
  EXPECT_LE(p90, p99);
  EXPECT_LE(p99, p999);
  EXPECT_LE(p999, max);
}

// Runs loadgen with `args`.
CommandResult Loadgen(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {BinaryPath("bench/loadgen")};
  argv.insert(argv.end(), args.begin(), args.end());
  absl::StatusOr<CommandResult> result = RunCommand(argv, kRunTimeout);
  EXPECT_TRUE(result.ok()) << result.status();
  return result.ok() ? *result : CommandResult{};
}

// A successful run's report: exit 0 and exactly one JSON object on one stdout line.
Struct Report(const CommandResult& run) {
  EXPECT_TRUE(run.status.ok()) << run.status.ToString() << "; stderr:\n" << run.err;
  EXPECT_TRUE(absl::EndsWith(run.out, "\n")) << run.out;
  absl::string_view line = run.out;
  absl::ConsumeSuffix(&line, "\n");
  EXPECT_FALSE(absl::StrContains(line, "\n")) << "more than one line on stdout:\n" << run.out;
  Struct report;
  auto parsed = google::protobuf::util::JsonStringToMessage(std::string(line), &report);
  EXPECT_TRUE(parsed.ok()) << parsed.ToString() << ": " << run.out;
  return report;
}

// Completed ListIndicators calls with code OK on a server's /metrics.
double ListIndicatorsServed(int metrics_port) {
  return ExpositionSum(HttpGet(metrics_port, "/metrics"), "grpc_server_handled_total",
                       {{"grpc_method", "ListIndicators"}, {"grpc_code", "OK"}})
      .value_or(0);
}

class BenchSmokeTest : public ::testing::Test {
 protected:
  // A bench_server process and the port it serves on.
  struct Server {
    std::unique_ptr<Process> process;
    int port = 0;
    int metrics_port = -1;
    std::string target() const { return absl::StrCat("127.0.0.1:", port); }
  };

  void SetUp() override {
#ifndef GOV_BENCH_BUILT
    GTEST_SKIP() << "the benchmarks are not built (GOV_BUILD_BENCH=OFF)";
#endif
    WriteFile(
        dir_.File("tokens.json"),
        absl::StrCat(R"({"tokens": [{"sha256": ")", auth::TokenAuthenticator::HashToken(kToken),
                     R"(", "principal": "bench-admin", "roles": ["district_admin"],)",
                     R"( "expires": "2099-01-01T00:00:00Z"}]})"));
    ASSERT_NO_FATAL_FAILURE(StartServer("server", /*metrics_port=*/-1, &main_));
    server_ = main_.process.get();
    port_ = main_.port;
  }

  // Starts a bench_server named `name` (its output files) with `metrics_port` (-1: none) and
  // waits until it serves: it prints "port=<n>" then.
  void StartServer(const std::string& name, int metrics_port, Server* server) {
    Process::Options options;
    options.args = {BinaryPath("bench/bench_server"),
                    absl::StrCat("--tokens_file=", dir_.File("tokens.json")), "--workers=2",
                    absl::StrCat("--metrics_port=", metrics_port), "--log_level=warn"};
    options.stdout_path = dir_.File(name + ".out");
    options.stderr_path = dir_.File(name + ".log");
    absl::StatusOr<std::unique_ptr<Process>> spawned = Process::Spawn(options);
    ASSERT_TRUE(spawned.ok()) << spawned.status();
    server->process = *std::move(spawned);
    server->metrics_port = metrics_port;

    const absl::Time deadline = absl::Now() + kStartTimeout;
    while (true) {
      const std::string out = ReadFile(dir_.File(name + ".out"));
      absl::string_view line = out;
      if (absl::ConsumePrefix(&line, "port=") && absl::ConsumeSuffix(&line, "\n")) {
        ASSERT_TRUE(absl::SimpleAtoi(line, &server->port)) << "bad port line: " << out;
        break;
      }
      ASSERT_TRUE(server->process->Running()) << name << " exited during start-up; log:\n"
                                              << ReadFile(dir_.File(name + ".log"));
      ASSERT_LT(absl::Now(), deadline) << name << " printed no port";
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }

  std::string target() const { return absl::StrCat("127.0.0.1:", port_); }

  TempDir dir_;
  Server main_;
  Process* server_ = nullptr;  // main_'s process
  int port_ = 0;
};

TEST_F(BenchSmokeTest, ClosedLoopCountsEveryCallAndSamplesTheServer) {
  const Struct report = Report(
      Loadgen({absl::StrCat("--target=", target()), absl::StrCat("--token=", kToken),
               "--workload=empty", "--mode=closed", "--concurrency=4", "--channels=2",
               "--duration=1", "--warmup=0.2", absl::StrCat("--server_pid=", server_->pid())}));
  ExpectContractKeys(report);
  EXPECT_EQ(Text(report, "workload"), "empty");
  EXPECT_EQ(Text(report, "mode"), "closed");
  EXPECT_EQ(Text(report, "target"), target());
  EXPECT_EQ(Number(report, "concurrency"), 4);
  EXPECT_EQ(Number(report, "channels"), 2);
  EXPECT_EQ(Number(report, "rate"), 0);
  EXPECT_EQ(Number(report, "duration_s"), 1);
  const double requests = Number(report, "requests");
  EXPECT_GT(requests, 0);
  EXPECT_EQ(Number(report, "ok"), requests);
  EXPECT_GT(Number(report, "qps"), 0);
  EXPECT_EQ(Errors(report).fields_size(), 0);
  EXPECT_EQ(Number(report, "late"), 0);
  ExpectOrderedPercentiles(report);
  EXPECT_GE(Number(report, "client_cpu_s"), 0);
  EXPECT_GE(Number(report, "server_cpu_s"), 0);
  const double rss = Number(report, "server_rss_kb");
  EXPECT_GT(rss, 0);
  EXPECT_GE(Number(report, "server_hwm_kb"), rss);
}

TEST_F(BenchSmokeTest, OpenLoopSendsEveryScheduledCall) {
  const Struct report = Report(Loadgen(
      {absl::StrCat("--target=", target()), absl::StrCat("--token=", kToken), "--workload=empty",
       "--mode=open", "--rate=200", "--concurrency=8", "--duration=1", "--warmup=0.2"}));
  ExpectContractKeys(report);
  EXPECT_EQ(Text(report, "mode"), "open");
  EXPECT_EQ(Number(report, "rate"), 200);
  // The schedule, not the server's speed, decides how many calls the window holds.
  const double requests = Number(report, "requests");
  EXPECT_NEAR(requests, 200, 1);
  EXPECT_EQ(Number(report, "ok"), requests);
  EXPECT_EQ(Errors(report).fields_size(), 0);
  EXPECT_GE(Number(report, "late"), 0);
  ExpectOrderedPercentiles(report);
  // No --server_pid: the server's figures are null, not zero.
  EXPECT_TRUE(IsNull(report, "server_cpu_s"));
  EXPECT_TRUE(IsNull(report, "server_rss_kb"));
  EXPECT_TRUE(IsNull(report, "server_hwm_kb"));
}

TEST_F(BenchSmokeTest, WrongTokenIsReportedAsUnauthenticated) {
  const Struct report =
      Report(Loadgen({absl::StrCat("--target=", target()), "--token=not-a-known-token",
                      "--workload=empty", "--concurrency=2", "--duration=0.5", "--warmup=0.1"}));
  const double requests = Number(report, "requests");
  EXPECT_GT(requests, 0);
  EXPECT_EQ(Number(report, "ok"), 0);
  const Struct errors = Errors(report);
  ASSERT_TRUE(errors.fields().contains("UNAUTHENTICATED")) << errors.DebugString();
  EXPECT_EQ(errors.fields().at("UNAUTHENTICATED").number_value(), requests);
}

TEST_F(BenchSmokeTest, MethodsBesideListIndicatorsAreUnimplemented) {
  const Struct report =
      Report(Loadgen({absl::StrCat("--target=", target()), absl::StrCat("--token=", kToken),
                      "--workload=ranking", "--concurrency=2", "--duration=0.5", "--warmup=0.1"}));
  const double requests = Number(report, "requests");
  EXPECT_GT(requests, 0);
  const Struct errors = Errors(report);
  ASSERT_TRUE(errors.fields().contains("UNIMPLEMENTED"));
  EXPECT_EQ(errors.fields().at("UNIMPLEMENTED").number_value(), requests);
}

TEST_F(BenchSmokeTest, UsageErrorsAndUnreachableTargetsHaveTheirExitCodes) {
  CommandResult no_target = Loadgen({absl::StrCat("--token=", kToken), "--workload=empty"});
  EXPECT_TRUE(no_target.status.exited && no_target.status.code == 2) << no_target.status.ToString();
  EXPECT_TRUE(no_target.out.empty()) << no_target.out;

  CommandResult bad_workload = Loadgen(
      {absl::StrCat("--target=", target()), absl::StrCat("--token=", kToken), "--workload=nope"});
  EXPECT_TRUE(bad_workload.status.exited && bad_workload.status.code == 2)
      << bad_workload.status.ToString();

  CommandResult open_without_rate =
      Loadgen({absl::StrCat("--target=", target()), absl::StrCat("--token=", kToken),
               "--workload=empty", "--mode=open"});
  EXPECT_TRUE(open_without_rate.status.exited && open_without_rate.status.code == 2)
      << open_without_rate.status.ToString();

  // Nothing listens on a port that was just free.
  CommandResult unreachable =
      Loadgen({absl::StrCat("--target=127.0.0.1:", FreePort()), absl::StrCat("--token=", kToken),
               "--workload=empty", "--connect_timeout=0.5"});
  EXPECT_TRUE(unreachable.status.exited && unreachable.status.code == 1)
      << unreachable.status.ToString();
  EXPECT_TRUE(unreachable.out.empty()) << unreachable.out;
}

TEST_F(BenchSmokeTest, SeveralTargetsShareTheLoadAndTheirServersAreSummed) {
  Server a, b;
  ASSERT_NO_FATAL_FAILURE(StartServer("a", FreePort(), &a));
  ASSERT_NO_FATAL_FAILURE(StartServer("b", FreePort(), &b));
  const std::string targets = absl::StrCat(a.target(), ",", b.target());
  const Struct report = Report(Loadgen(
      {absl::StrCat("--target=", targets), absl::StrCat("--token=", kToken), "--workload=empty",
       "--concurrency=4", "--channels=1", "--duration=1", "--warmup=0.2",
       absl::StrCat("--server_pid=", a.process->pid(), ",", b.process->pid())}));
  ExpectContractKeys(report);
  EXPECT_EQ(Text(report, "target"), targets);
  const double requests = Number(report, "requests");
  EXPECT_GT(requests, 0);
  EXPECT_EQ(Number(report, "ok"), requests);
  EXPECT_EQ(Errors(report).fields_size(), 0);
  ExpectOrderedPercentiles(report);
  EXPECT_GE(Number(report, "server_cpu_s"), 0);
  // Resident memory is summed over both processes: more than either has alone.
  const double rss = Number(report, "server_rss_kb");
  const std::optional<int64_t> a_rss = ProcessRssKb(a.process->pid());
  ASSERT_TRUE(a_rss.has_value());
  EXPECT_GT(rss, static_cast<double>(*a_rss));
  // Even one channel sends its calls to both servers.
  EXPECT_GT(ListIndicatorsServed(a.metrics_port), 0);
  EXPECT_GT(ListIndicatorsServed(b.metrics_port), 0);
}

TEST_F(BenchSmokeTest, EveryTargetMustBeReachableAndWellFormed) {
  // One target of two is down: set-up fails before any load.
  CommandResult one_down =
      Loadgen({absl::StrCat("--target=", target(), ",127.0.0.1:", FreePort()),
               absl::StrCat("--token=", kToken), "--workload=empty", "--connect_timeout=0.5"});
  EXPECT_TRUE(one_down.status.exited && one_down.status.code == 1) << one_down.status.ToString();
  EXPECT_TRUE(one_down.out.empty()) << one_down.out;

  for (const std::string& bad :
       {absl::StrCat(target(), ","), absl::StrCat("localhost:", port_, ",", target()),
        absl::StrCat(target(), ",127.0.0.1"), absl::StrCat(target(), ",127.0.0.256:1")}) {
    CommandResult run = Loadgen(
        {absl::StrCat("--target=", bad), absl::StrCat("--token=", kToken), "--workload=empty"});
    EXPECT_TRUE(run.status.exited && run.status.code == 2) << bad << ": " << run.status.ToString();
  }
  CommandResult bad_pid =
      Loadgen({absl::StrCat("--target=", target()), absl::StrCat("--token=", kToken),
               "--workload=empty", absl::StrCat("--server_pid=", server_->pid(), ",x")});
  EXPECT_TRUE(bad_pid.status.exited && bad_pid.status.code == 2) << bad_pid.status.ToString();
}

TEST_F(BenchSmokeTest, ServerDrainsOnSigterm) {
  ASSERT_TRUE(server_->Signal(SIGTERM).ok());
  absl::StatusOr<ExitStatus> exit = server_->WaitExit(absl::Seconds(30));
  ASSERT_TRUE(exit.ok()) << exit.status();
  EXPECT_TRUE(exit->ok()) << exit->ToString();
}

TEST(BenchServerFlagsTest, RefusesToStartWithoutATokensFile) {
#ifndef GOV_BENCH_BUILT
  GTEST_SKIP() << "the benchmarks are not built (GOV_BUILD_BENCH=OFF)";
#endif
  absl::StatusOr<CommandResult> run =
      RunCommand({BinaryPath("bench/bench_server")}, absl::Seconds(30));
  ASSERT_TRUE(run.ok()) << run.status();
  EXPECT_TRUE(run->status.exited && run->status.code == 2) << run->status.ToString();
  EXPECT_TRUE(absl::StrContains(run->err, "--tokens_file")) << run->err;
}

// ---------------------------------------------------------------------------------------------
// The tracks side by side.

// The tracks this test starts: every track of bench/tracks.json (checked below).
constexpr const char* kTracks[] = {"mediation", "policing",   "disorder", "backlog",
                                   "hazard",    "tripartite", "digital"};

// bench/tracks.json, parsed; a test failure (and an empty list) when it cannot be read.
std::vector<Struct> TrackEntries() {
  Struct file;
  const auto parsed =
      google::protobuf::util::JsonStringToMessage(ReadFile(SourcePath("bench/tracks.json")), &file);
  EXPECT_TRUE(parsed.ok()) << "bench/tracks.json: " << parsed.ToString();
  std::vector<Struct> entries;
  auto it = file.fields().find("tracks");
  if (it == file.fields().end() || it->second.kind_case() != Value::kListValue) {
    ADD_FAILURE() << "bench/tracks.json has no \"tracks\" list";
    return entries;
  }
  for (const Value& entry : it->second.list_value().values()) {
    EXPECT_EQ(entry.kind_case(), Value::kStructValue) << "a track that is not an object";
    entries.push_back(entry.struct_value());
  }
  return entries;
}

// The object under `key`; a test failure (and an empty one) when it is missing.
Struct Object(const Struct& parent, const std::string& key) {
  auto it = parent.fields().find(key);
  if (it == parent.fields().end() || it->second.kind_case() != Value::kStructValue) {
    ADD_FAILURE() << "no object \"" << key << "\"";
    return Struct();
  }
  return it->second.struct_value();
}

// The object under `key` as one line of JSON.
std::string ObjectJson(const Struct& parent, const std::string& key) {
  std::string json;
  const auto printed = google::protobuf::util::MessageToJsonString(Object(parent, key), &json);
  EXPECT_TRUE(printed.ok()) << printed.ToString();
  return json;
}

// A track's entry of bench/tracks.json; a test failure when there is none.
Struct TrackEntry(const std::string& track) {
  for (const Struct& entry : TrackEntries()) {
    auto it = entry.fields().find("track");
    if (it != entry.fields().end() && it->second.string_value() == track) return entry;
  }
  ADD_FAILURE() << "bench/tracks.json has no track \"" << track << "\"";
  return Struct();
}

TEST(BenchTracksFileTest, EveryTrackOfTheFileIsSmokeTested) {
  std::vector<std::string> listed;
  for (const Struct& entry : TrackEntries()) listed.push_back(Text(entry, "track"));
  EXPECT_EQ(listed, std::vector<std::string>(std::begin(kTracks), std::end(kTracks)))
      << "bench/tracks.json lists " << absl::StrJoin(listed, ", ")
      << "; kTracks here must list the same, in its order";
}

// A track's real service (fork/exec, a free port) on a fresh SQLite store with its demo data and a
// real Redis, driven by loadgen. No peers: a call that reads other tracks finds them unavailable.
class TrackService {
 public:
  // Starts `track`'s service and waits until it serves (fatal failures when it does not).
  void Start(const std::string& track) {
    absl::Status redis = redis_.Start();
    ASSERT_TRUE(redis.ok()) << redis;
    WriteFile(
        dir_.File("tokens.json"),
        absl::StrCat(R"({"tokens": [{"sha256": ")", auth::TokenAuthenticator::HashToken(kToken),
                     R"(", "principal": "bench-admin", "roles": ["district_admin"],)",
                     R"( "expires": "2099-01-01T00:00:00Z"}]})"));
    port_ = FreePort();
    Process::Options options;
    options.args = {BinaryPath(absl::StrCat("services/", track, "/", track)),
                    absl::StrCat("--listen=", target()),
                    "--metrics_port=0",
                    absl::StrCat("--db_path=", dir_.File(track + ".db")),
                    absl::StrCat("--redis=", redis_.address()),
                    absl::StrCat("--tokens_file=", dir_.File("tokens.json")),
                    "--demo_data=true",
                    "--log_level=warn"};
    options.stdout_path = dir_.File(track + ".out");
    options.stderr_path = dir_.File(track + ".log");
    absl::StatusOr<std::unique_ptr<Process>> spawned = Process::Spawn(options);
    ASSERT_TRUE(spawned.ok()) << spawned.status();
    process_ = *std::move(spawned);

    auto channel = grpc::CreateChannel(target(), grpc::InsecureChannelCredentials());
    const absl::Time deadline = absl::Now() + kTrackStartTimeout;
    while (HealthStatus(channel, "", nullptr, absl::Seconds(1)) != kHealthServing) {
      ASSERT_TRUE(process_->Running()) << track << " exited during start-up; log:\n"
                                       << ReadFile(dir_.File(track + ".log"));
      ASSERT_LT(absl::Now(), deadline)
          << track << " not SERVING after " << kTrackStartTimeout << "; log:\n"
          << ReadFile(dir_.File(track + ".log"));
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }

  std::string target() const { return absl::StrCat("127.0.0.1:", port_); }

  // loadgen running `workload` for a second against the service, with `flags`.
  CommandResult Loadgen(const std::string& workload, const std::vector<std::string>& flags) {
    std::vector<std::string> args = {absl::StrCat("--target=", target()),
                                     absl::StrCat("--token=", kToken),
                                     absl::StrCat("--workload=", workload),
                                     "--concurrency=4",
                                     "--channels=2",
                                     "--duration=1",
                                     "--warmup=0.2",
                                     absl::StrCat("--server_pid=", process_->pid())};
    args.insert(args.end(), flags.begin(), flags.end());
    return gov::testing::Loadgen(args);
  }

 private:
  TempDir dir_;
  RedisServer redis_;
  int port_ = 0;
  std::unique_ptr<Process> process_;
};

// Every call of the window succeeded, and there were some.
void ExpectAllCallsSucceeded(const Struct& report) {
  ExpectContractKeys(report);
  const double requests = Number(report, "requests");
  EXPECT_GT(requests, 0);
  EXPECT_EQ(Number(report, "ok"), requests);
  EXPECT_GT(Number(report, "qps"), 0);
  EXPECT_EQ(Errors(report).fields_size(), 0) << Errors(report).DebugString();
  ExpectOrderedPercentiles(report);
  EXPECT_GE(Number(report, "server_cpu_s"), 0);
}

// A track's service and the loadgen flags of its calls in bench/tracks.json.
class BenchTrackTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
#ifndef GOV_BENCH_BUILT
    GTEST_SKIP() << "the benchmarks are not built (GOV_BUILD_BENCH=OFF)";
#endif
    const std::string& track = GetParam();
    const Struct entry = TrackEntry(track);
    ASSERT_FALSE(::testing::Test::HasFailure());
    const Struct create = Object(entry, "create");
    const Struct get = Object(entry, "get");
    service_ = Text(entry, "service");
    create_method_ = Text(create, "method");
    get_method_ = Text(get, "method");
    call_flags_ = {absl::StrCat("--service=", service_),
                   absl::StrCat("--create_method=", create_method_),
                   absl::StrCat("--create_request=", ObjectJson(create, "request")),
                   absl::StrCat("--get_method=", get_method_),
                   absl::StrCat("--get_request=", ObjectJson(get, "request")),
                   absl::StrCat("--item_field=", Text(entry, "item_field"))};
    ASSERT_FALSE(::testing::Test::HasFailure()) << "bench/tracks.json: the entry of " << track;
    ASSERT_NO_FATAL_FAILURE(running_.Start(track));
  }

  // A report of loadgen running `workload` for a second with the track's calls.
  Struct Run(const std::string& workload, const std::vector<std::string>& extra = {}) {
    std::vector<std::string> flags = call_flags_;
    flags.insert(flags.end(), extra.begin(), extra.end());
    return Report(running_.Loadgen(workload, flags));
  }

  TrackService running_;
  std::string service_, create_method_, get_method_;
  std::vector<std::string> call_flags_;
};

TEST_P(BenchTrackTest, CreatesAndCachedGetsSucceed) {
  const Struct created = Run("track_create");
  ExpectAllCallsSucceeded(created);
  EXPECT_EQ(Text(created, "workload"), "track_create");
  EXPECT_EQ(Text(created, "method"), absl::StrCat(service_, "/", create_method_));

  const Struct read = Run("track_get_hit", {"--ids=16"});
  ExpectAllCallsSucceeded(read);
  EXPECT_EQ(Text(read, "workload"), "track_get_hit");
  EXPECT_EQ(Text(read, "method"), absl::StrCat(service_, "/", get_method_));
}

INSTANTIATE_TEST_SUITE_P(
    Tracks, BenchTrackTest,
    ::testing::ValuesIn(std::vector<std::string>(std::begin(kTracks), std::end(kTracks))),
    [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

// ---------------------------------------------------------------------------------------------
// The cockpit beside one ListIndicators call: bench/tracks.json's cockpit section.

// The calls of the section this test runs, by name: its baseline, then its cockpits (checked
// below).
constexpr const char* kCockpitCalls[] = {"ListIndicators", "district", "street-GS01"};

// The section's calls, the baseline first; a test failure (and an empty list) when it cannot be
// read.
std::vector<Struct> CockpitCalls() {
  Struct file;
  const auto parsed =
      google::protobuf::util::JsonStringToMessage(ReadFile(SourcePath("bench/tracks.json")), &file);
  EXPECT_TRUE(parsed.ok()) << "bench/tracks.json: " << parsed.ToString();
  std::vector<Struct> calls;
  const Struct section = Object(file, "cockpit");
  calls.push_back(Object(section, "baseline"));
  auto it = section.fields().find("cockpits");
  if (it == section.fields().end() || it->second.kind_case() != Value::kListValue) {
    ADD_FAILURE() << "bench/tracks.json's cockpit section has no \"cockpits\" list";
    return calls;
  }
  for (const Value& entry : it->second.list_value().values()) {
    EXPECT_EQ(entry.kind_case(), Value::kStructValue) << "a cockpit that is not an object";
    calls.push_back(entry.struct_value());
  }
  return calls;
}

TEST(BenchTracksFileTest, EveryCockpitCallOfTheFileIsSmokeTested) {
  std::vector<std::string> listed;
  for (const Struct& call : CockpitCalls()) listed.push_back(Text(call, "name"));
  EXPECT_EQ(listed, std::vector<std::string>(std::begin(kCockpitCalls), std::end(kCockpitCalls)))
      << "bench/tracks.json's cockpit section lists " << absl::StrJoin(listed, ", ")
      << "; kCockpitCalls here must list the same, in its order";
}

// One call of the section against its track's service alone (the other tracks not running).
class BenchCockpitCallTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
#ifndef GOV_BENCH_BUILT
    GTEST_SKIP() << "the benchmarks are not built (GOV_BUILD_BENCH=OFF)";
#endif
    Struct call;
    bool found = false;
    for (const Struct& c : CockpitCalls()) {
      auto it = c.fields().find("name");
      if (it != c.fields().end() && it->second.string_value() == GetParam()) {
        call = c;
        found = true;
      }
    }
    ASSERT_TRUE(found) << "bench/tracks.json's cockpit section has no call \"" << GetParam()
                       << "\"";
    method_ = absl::StrCat(Text(call, "service"), "/", Text(call, "method"));
    call_flags_ = {absl::StrCat("--service=", Text(call, "service")),
                   absl::StrCat("--method=", Text(call, "method")),
                   absl::StrCat("--request=", ObjectJson(call, "request"))};
    if (call.fields().contains("check")) check_ = Text(call, "check");
    const std::string track = Text(call, "track");
    ASSERT_FALSE(::testing::Test::HasFailure()) << "bench/tracks.json: the call " << GetParam();
    ASSERT_NO_FATAL_FAILURE(running_.Start(track));
  }

  TrackService running_;
  std::string method_;
  std::vector<std::string> call_flags_;  // without the check
  std::string check_;
};

TEST_P(BenchCockpitCallTest, CallSucceedsAndTheCheckRefusesAnIncompleteCockpit) {
  const Struct report = Report(running_.Loadgen("call", call_flags_));
  ExpectAllCallsSucceeded(report);
  EXPECT_EQ(Text(report, "workload"), "call");
  EXPECT_EQ(Text(report, "method"), method_);
  if (check_.empty()) return;

  // Alone, the service reaches none of the other tracks: the cockpit it answers is incomplete,
  // which the check refuses before any load.
  std::vector<std::string> flags = call_flags_;
  flags.push_back(absl::StrCat("--check=", check_));
  const CommandResult checked = running_.Loadgen("call", flags);
  EXPECT_TRUE(checked.status.exited && checked.status.code == 1)
      << checked.status.ToString() << "; stderr:\n"
      << checked.err;
  EXPECT_TRUE(checked.out.empty()) << checked.out;
  EXPECT_TRUE(absl::StrContains(checked.err, absl::StrCat(check_, " is false"))) << checked.err;
}

INSTANTIATE_TEST_SUITE_P(CockpitCalls, BenchCockpitCallTest,
                         ::testing::ValuesIn(std::vector<std::string>(std::begin(kCockpitCalls),
                                                                      std::end(kCockpitCalls))),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string name = info.param;
                           for (char& c : name) {
                             if (!absl::ascii_isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return name;
                         });

}  // namespace
}  // namespace gov::testing
