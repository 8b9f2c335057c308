// The real binaries end to end: a real redis-server, the mediation service started with fork/
// exec on free ports with its own SQLite file and token file, the govctl client and promtool.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "common/auth/auth.h"
#include "gmock/gmock.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "governance/mediation/v1/mediation.grpc.pb.h"
#include "governance/v1/indicators.pb.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "tests/support/health_client.h"
#include "tests/support/metrics.h"
#include "tests/support/process.h"
#include "tests/support/redis_server.h"
#include "tests/support/test_support.h"

namespace gov::testing {
namespace {

namespace mv1 = governance::mediation::v1;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kAdminToken[] = "system-test-admin-token-5c1e";
// Personal data of the test's party: must reach the store, never the log.
constexpr char kPartyName[] = "祁望舒SYSTEST";
constexpr char kPartyPhone[] = "13900127731";
constexpr absl::Duration kDrain = absl::Seconds(5);
constexpr absl::Duration kStartTimeout = absl::Seconds(60);

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream content;
  content << in.rdbuf();
  return content.str();
}

bool PortOpen(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  const bool open = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  close(fd);
  return open;
}

// Every line the service wrote is one JSON object, and none carries the party's data.
void ExpectJsonLogWithoutPersonalData(const std::string& log) {
  int lines = 0;
  for (absl::string_view line : absl::StrSplit(log, '\n', absl::SkipEmpty())) {
    google::protobuf::Struct parsed;
    EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(std::string(line), &parsed).ok())
        << "not a JSON object: " << line;
    ++lines;
  }
  EXPECT_GT(lines, 0) << "the service wrote no log lines";
  EXPECT_THAT(log, Not(HasSubstr(kPartyName)));
  EXPECT_THAT(log, Not(HasSubstr(kPartyPhone)));
}

class MediationBinaryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::Status redis = redis_.Start();
    ASSERT_TRUE(redis.ok()) << redis;

    WriteFile(dir_.File("tokens.json"),
              absl::StrCat(R"({"tokens": [{"sha256": ")",
                           auth::TokenAuthenticator::HashToken(kAdminToken),
                           R"(", "principal": "system-test-admin", "roles": ["district_admin"],)",
                           R"( "expires": "2099-01-01T00:00:00Z"}]})"));
    grpc_port_ = FreePort();
    do {
      metrics_port_ = FreePort();
    } while (metrics_port_ == grpc_port_);

    Process::Options options;
    options.args = {BinaryPath("services/mediation/mediation"),
                    absl::StrCat("--listen=127.0.0.1:", grpc_port_),
                    absl::StrCat("--metrics_port=", metrics_port_),
                    absl::StrCat("--db_path=", dir_.File("mediation.db")),
                    absl::StrCat("--redis=", redis_.address()),
                    absl::StrCat("--tokens_file=", dir_.File("tokens.json")),
                    absl::StrCat("--drain_seconds=", absl::ToInt64Seconds(kDrain)),
                    "--demo_data"};
    options.stdout_path = dir_.File("mediation.out");
    options.stderr_path = log_path();
    absl::StatusOr<std::unique_ptr<Process>> process = Process::Spawn(options);
    ASSERT_TRUE(process.ok()) << process.status();
    service_ = *std::move(process);

    channel_ = grpc::CreateChannel(absl::StrCat("127.0.0.1:", grpc_port_),
                                   grpc::InsecureChannelCredentials());
    const absl::Time deadline = absl::Now() + kStartTimeout;
    while (HealthStatus(channel_, "", nullptr, absl::Seconds(1)) != kHealthServing) {
      ASSERT_TRUE(service_->Running()) << "mediation exited during start-up; log:\n" << Log();
      ASSERT_LT(absl::Now(), deadline)
          << "mediation not SERVING after " << kStartTimeout << "; log:\n"
          << Log();
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }

  std::string log_path() const { return dir_.File("mediation.log"); }
  std::string Log() const { return ReadFile(log_path()); }
  std::string address() const { return absl::StrCat("127.0.0.1:", grpc_port_); }

  // govctl against this service, as the admin unless the arguments name another token.
  CommandResult Govctl(const std::vector<std::string>& args, bool with_token = true) {
    std::vector<std::string> argv = {BinaryPath("tools/govctl/govctl"),
                                     absl::StrCat("--addr=", address())};
    if (with_token) argv.push_back(absl::StrCat("--token=", kAdminToken));
    argv.insert(argv.end(), args.begin(), args.end());
    // The environment must not hand govctl a token behind the test's back.
    absl::StatusOr<CommandResult> result =
        RunCommand(argv, absl::Seconds(30), {"GOV_TOKEN=", "GOV_TOKEN_FILE=", "NO_COLOR=1"});
    EXPECT_TRUE(result.ok()) << result.status();
    return result.ok() ? *result : CommandResult{};
  }

  mv1::CreateDisputeRequest NewDispute(const std::string& request_id) {
    mv1::CreateDisputeRequest request;
    request.set_request_id(request_id);
    mv1::Dispute* dispute = request.mutable_dispute();
    dispute->set_category(mv1::DISPUTE_CATEGORY_NEIGHBOURHOOD);
    dispute->set_channel(mv1::INTAKE_CHANNEL_WALK_IN);
    dispute->mutable_region()->set_street_id("GS01");
    dispute->set_summary("water leaking through the ceiling");
    mv1::Party* party = dispute->add_parties();
    party->set_role(mv1::PARTY_ROLE_APPLICANT);
    party->set_name(kPartyName);
    party->set_phone(kPartyPhone);
    return request;
  }

  TempDir dir_;
  RedisServer redis_;
  int grpc_port_ = 0;
  int metrics_port_ = 0;
  std::unique_ptr<Process> service_;
  std::shared_ptr<grpc::Channel> channel_;
};

TEST_F(MediationBinaryTest, ServesStubsGovctlAndMetrics) {
  auto stub = mv1::MediationService::NewStub(channel_);

  // The generated stub with a bearer token.
  grpc::ClientContext create_context;
  create_context.AddMetadata("authorization", absl::StrCat("Bearer ", kAdminToken));
  create_context.AddMetadata("x-trace-id", "systest-create-0001");
  create_context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  mv1::CreateDisputeResponse created;
  grpc::Status status = stub->CreateDispute(&create_context, NewDispute("systest-1"), &created);
  ASSERT_TRUE(status.ok()) << status.error_code() << " " << status.error_message();
  const std::string id = created.dispute().id();
  ASSERT_FALSE(id.empty());
  EXPECT_EQ(created.dispute().state(), mv1::DISPUTE_STATE_RECEIVED);

  // No token: refused before anything else.
  grpc::ClientContext anonymous;
  mv1::CreateDisputeResponse refused;
  status = stub->CreateDispute(&anonymous, NewDispute("systest-2"), &refused);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);

  // /metrics is valid exposition text with the call counted.
  const std::string reply = HttpGet(metrics_port_, "/metrics");
  ASSERT_TRUE(absl::StartsWith(reply, "HTTP/1.1 200")) << reply.substr(0, 200);
  const size_t body_start = reply.find("\r\n\r\n");
  ASSERT_NE(body_start, std::string::npos);
  const std::string metrics = reply.substr(body_start + 4);
  EXPECT_THAT(metrics, HasSubstr("grpc_server_handled_total"));
  EXPECT_THAT(metrics, HasSubstr("grpc_method=\"CreateDispute\""));
  EXPECT_THAT(metrics, HasSubstr("grpc_server_handling_seconds_bucket"));
  WriteFile(dir_.File("metrics.txt"), metrics);
  absl::StatusOr<CommandResult> promtool = RunCommand(
      {"/usr/bin/promtool", "check", "metrics"}, absl::Seconds(30), {}, dir_.File("metrics.txt"));
  ASSERT_TRUE(promtool.ok()) << promtool.status();
  EXPECT_TRUE(promtool->status.ok()) << promtool->status.ToString() << "\n"
                                     << promtool->out << promtool->err;

  // govctl: any method by name, JSON in and out, the trace id passed on.
  CommandResult get = Govctl({"--trace_id=systest-govctl-get", "call", "mediation", "GetDispute",
                              absl::StrCat(R"({"id": ")", id, R"("})")});
  ASSERT_TRUE(get.status.ok()) << get.status.ToString() << "\n" << get.err;
  mv1::GetDisputeResponse fetched;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(get.out, &fetched).ok()) << get.out;
  EXPECT_EQ(fetched.dispute().id(), id);
  EXPECT_EQ(fetched.dispute().state(), mv1::DISPUTE_STATE_RECEIVED);
  ASSERT_EQ(fetched.dispute().parties_size(), 1);
  EXPECT_EQ(fetched.dispute().parties(0).name(), kPartyName);
  EXPECT_GE(fetched.dispute().history_size(), 1);

  // The indicator table, and the same as JSON.
  CommandResult table = Govctl({"indicators", "mediation"});
  ASSERT_TRUE(table.status.ok()) << table.status.ToString() << "\n" << table.err;
  EXPECT_THAT(table.out, HasSubstr("mediation indicators"));
  EXPECT_THAT(table.out, HasSubstr("attainment"));
  CommandResult json = Govctl({"indicators", "mediation", "--json"});
  ASSERT_TRUE(json.status.ok()) << json.status.ToString() << "\n" << json.err;
  governance::v1::ListIndicatorsResponse indicators;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(json.out, &indicators).ok()) << json.out;
  EXPECT_EQ(indicators.track(), "mediation");
  EXPECT_GT(indicators.indicators_size(), 0);
  for (const governance::v1::Indicator& indicator : indicators.indicators()) {
    EXPECT_THAT(table.out, HasSubstr(indicator.id()));
  }

  CommandResult rankings = Govctl({"rankings", "mediation", "--by=category"});
  ASSERT_TRUE(rankings.status.ok()) << rankings.status.ToString() << "\n" << rankings.err;
  EXPECT_THAT(rankings.out, HasSubstr("total:"));

  CommandResult health = Govctl({"health", address()}, /*with_token=*/false);
  EXPECT_TRUE(health.status.ok()) << health.status.ToString() << "\n" << health.err;
  EXPECT_THAT(health.out, HasSubstr("SERVING"));

  // Errors: the gRPC code (and the field for bad input) on stderr, exit 1; usage errors exit 2.
  CommandResult missing = Govctl({"call", "mediation", "GetDispute", R"({"id": "D-999999"})"});
  EXPECT_EQ(missing.status.code, 1) << missing.status.ToString();
  EXPECT_THAT(missing.err, HasSubstr("error: NOT_FOUND: "));
  CommandResult invalid =
      Govctl({"call", "mediation", "CreateDispute",
              R"({"request_id": "systest-3", "dispute": {"channel":)"
              R"( "INTAKE_CHANNEL_HOTLINE", "region": {"street_id": "GS01"}}})"});
  EXPECT_EQ(invalid.status.code, 1) << invalid.status.ToString();
  EXPECT_THAT(invalid.err, HasSubstr("error: INVALID_ARGUMENT: "));
  EXPECT_THAT(invalid.err, HasSubstr("field: dispute.category"));
  CommandResult unauthenticated =
      Govctl({"call", "mediation", "GetDispute", absl::StrCat(R"({"id": ")", id, R"("})")},
             /*with_token=*/false);
  EXPECT_EQ(unauthenticated.status.code, 1);
  EXPECT_THAT(unauthenticated.err, HasSubstr("error: UNAUTHENTICATED: "));
  CommandResult usage = Govctl({"call", "mediation", "NoSuchMethod"});
  EXPECT_EQ(usage.status.code, 2);
  EXPECT_THAT(usage.err, HasSubstr("NoSuchMethod"));

  // The access log names the calls by trace id, never the party.
  const std::string log = Log();
  EXPECT_THAT(log, HasSubstr("systest-create-0001"));
  EXPECT_THAT(log, HasSubstr("systest-govctl-get"));
  ExpectJsonLogWithoutPersonalData(log);
}

TEST_F(MediationBinaryTest, DrainsOnSigtermAndExitsZero) {
  // A dispute with personal data first, so the log check at the end has something to miss.
  auto stub = mv1::MediationService::NewStub(channel_);
  grpc::ClientContext context;
  context.AddMetadata("authorization", absl::StrCat("Bearer ", kAdminToken));
  mv1::CreateDisputeResponse created;
  grpc::Status status = stub->CreateDispute(&context, NewDispute("systest-drain"), &created);
  ASSERT_TRUE(status.ok()) << status.error_code() << " " << status.error_message();

  HealthWatch watch(channel_, "");
  ASSERT_TRUE(watch.WaitForStatus(kHealthServing, absl::Seconds(5)));

  const absl::Time signalled = absl::Now();
  ASSERT_TRUE(service_->Signal(SIGTERM).ok());

  // Health turns NOT_SERVING as the drain starts, before the server goes away.
  bool not_serving = false;
  while (!not_serving && absl::Now() < signalled + kDrain) {
    const std::vector<int> statuses = watch.Statuses();
    not_serving = std::find(statuses.begin(), statuses.end(), kHealthNotServing) != statuses.end();
    if (!not_serving) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_TRUE(not_serving) << "the health watch never saw NOT_SERVING after SIGTERM";

  absl::StatusOr<ExitStatus> exit = service_->WaitExit(kDrain + absl::Seconds(5));
  ASSERT_TRUE(exit.ok()) << exit.status() << "; log:\n" << Log();
  EXPECT_TRUE(exit->ok()) << exit->ToString() << "; log:\n" << Log();
  EXPECT_LT(absl::Now() - signalled, kDrain + absl::Seconds(5));
  EXPECT_FALSE(PortOpen(grpc_port_));
  EXPECT_FALSE(PortOpen(metrics_port_));
  ExpectJsonLogWithoutPersonalData(Log());
}

}  // namespace
}  // namespace gov::testing
