// The server bootstrap and the handler wrapper over real gRPC on loopback: health, drain,
// reflection, auth, trace ids, field violations, back-pressure, metrics and signals.
#include "common/server/server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <map>
#include <memory>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "common/auth/auth.h"
#include "common/clock/clock.h"
#include "common/log/log.h"
#include "common/server/handler.h"
#include "common/util/status.h"
#include "gmock/gmock.h"
#include "google/protobuf/descriptor.pb.h"
#include "google/protobuf/unknown_field_set.h"
#include "governance/v1/indicators.grpc.pb.h"
#include "grpcpp/generic/generic_stub.h"
#include "gtest/gtest.h"
#include "prometheus/registry.h"
#include "tests/support/health_client.h"
#include "tests/support/test_support.h"

namespace gov::server {
namespace {

// As a service's main does before any thread exists, so that the signal tests below can
// send SIGTERM/SIGINT to the process without killing it.
const bool kSignalsBlocked = [] {
  BlockTerminationSignals();
  return true;
}();

using governance::v1::IndicatorsService;
using ::testing::Contains;
using ::testing::HasSubstr;

constexpr char kService[] = "governance.v1.IndicatorsService";

// Lets a test hold handler bodies and see them arrive.
class Gate {
 public:
  void Enter() {
    absl::MutexLock lock(&mu_);
    ++entered_;
    mu_.Await(absl::Condition(&open_));
  }
  bool WaitForEntered(int n, absl::Duration timeout) {
    absl::MutexLock lock(&mu_);
    auto reached = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return entered_ >= n; };
    return mu_.AwaitWithTimeout(absl::Condition(&reached), timeout);
  }
  void Open() {
    absl::MutexLock lock(&mu_);
    open_ = true;
  }

 private:
  absl::Mutex mu_;
  int entered_ ABSL_GUARDED_BY(mu_) = 0;
  bool open_ ABSL_GUARDED_BY(mu_) = false;
};

// A tiny IndicatorsService whose methods exercise the wrapper: ListIndicators (read) answers
// with the caller's principal, waits at the gate for indicator "slow", and refuses "bad"
// with a field violation; ListRankings is admin-only; RecordFigure writes; ListFigures
// reports the trace id its body sees.
class TestIndicators final : public IndicatorsService::CallbackService {
 public:
  // The access levels the methods declare here (the real service reads them from the schema).
  static inline const MethodAccess kAnyone{.roles = {}, .all_roles = true};
  static inline const MethodAccess kAdminOnly{};
  static inline const MethodAccess kWriters{.roles = {"street_operator", "system"}};

  TestIndicators(Handlers* handlers, Gate* gate) : handlers_(handlers), gate_(gate) {}

  grpc::ServerUnaryReactor* ListIndicators(
      grpc::CallbackServerContext* context, const governance::v1::ListIndicatorsRequest* request,
      governance::v1::ListIndicatorsResponse* response) override {
    return handlers_->Unary(context, "ListIndicators", kAnyone, [=, this](const Call& call) {
      for (const std::string& id : request->indicator_ids()) {
        if (id == "slow") gate_->Enter();
        if (id == "bad") return InvalidField("indicator_ids[0]", "unknown indicator");
        if (id == "count") bodies_run_.fetch_add(1);
      }
      response->set_track(call.principal.id);
      return absl::OkStatus();
    });
  }

  grpc::ServerUnaryReactor* ListRankings(grpc::CallbackServerContext* context,
                                         const governance::v1::ListRankingsRequest* /*request*/,
                                         governance::v1::ListRankingsResponse* response) override {
    return handlers_->Unary(context, "ListRankings", kAdminOnly, [=](const Call&) {
      response->set_total(7);
      return absl::OkStatus();
    });
  }

  grpc::ServerUnaryReactor* RecordFigure(grpc::CallbackServerContext* context,
                                         const governance::v1::RecordFigureRequest* request,
                                         governance::v1::RecordFigureResponse* response) override {
    return handlers_->Unary(context, "RecordFigure", kWriters, [=](const Call& call) {
      *response->mutable_figure() = request->figure();
      response->mutable_figure()->set_entered_by(call.principal.id);
      return absl::OkStatus();
    });
  }

  grpc::ServerUnaryReactor* ListFigures(grpc::CallbackServerContext* context,
                                        const governance::v1::ListFiguresRequest* /*request*/,
                                        governance::v1::ListFiguresResponse* response) override {
    return handlers_->Unary(context, "ListFigures", kAnyone, [=](const Call& call) {
      // Both views of the trace id must agree inside the body.
      if (CurrentTraceId() != call.trace_id) return absl::InternalError("trace id mismatch");
      response->set_next_page_token(CurrentTraceId());
      return absl::OkStatus();
    });
  }

  // Bodies run for indicator "count".
  int bodies_run() const { return bodies_run_.load(); }

 private:
  Handlers* handlers_;
  Gate* gate_;
  std::atomic<int> bodies_run_{0};
};

// GET /metrics with a plain socket; "" on any failure.
std::string FetchMetrics(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return "";
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string reply;
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0) {
    const std::string request = "GET /metrics HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
    if (write(fd, request.data(), request.size()) == static_cast<ssize_t>(request.size())) {
      char buf[8192];
      ssize_t n;
      while ((n = read(fd, buf, sizeof(buf))) > 0) reply.append(buf, static_cast<size_t>(n));
    }
  }
  close(fd);
  const size_t body = reply.find("\r\n\r\n");
  if (reply.rfind("HTTP/1.1 200", 0) != 0 && reply.rfind("HTTP/1.0 200", 0) != 0) return "";
  return body == std::string::npos ? "" : reply.substr(body + 4);
}

// The value of the sample `name` whose labels include `labels`; -1 when there is none.
double Sample(const std::string& page, const std::string& name,
              const std::map<std::string, std::string>& labels) {
  static const std::regex kLabel(R"re((\w+)="((?:[^"\\]|\\.)*)")re");
  for (absl::string_view line : absl::StrSplit(page, '\n')) {
    if (!absl::StartsWith(line, absl::StrCat(name, "{"))) continue;
    const size_t close = line.rfind('}');
    if (close == absl::string_view::npos) continue;
    const std::string label_text(line.substr(name.size() + 1, close - name.size() - 1));
    std::map<std::string, std::string> found;
    for (auto it = std::sregex_iterator(label_text.begin(), label_text.end(), kLabel);
         it != std::sregex_iterator(); ++it) {
      found[(*it)[1]] = (*it)[2];
    }
    bool match = true;
    for (const auto& [k, v] : labels) match = match && found.count(k) > 0 && found[k] == v;
    if (!match) continue;
    double value = 0;
    if (absl::SimpleAtod(absl::StripAsciiWhitespace(line.substr(close + 1)), &value)) {
      return value;
    }
  }
  return -1;
}

std::map<std::string, std::string> Labels(const std::string& method, const std::string& code = "",
                                          const std::string& service = kService) {
  std::map<std::string, std::string> labels = {
      {"grpc_service", service}, {"grpc_method", method}, {"grpc_type", "unary"}};
  if (!code.empty()) labels["grpc_code"] = code;
  return labels;
}

// Runs `promtool check metrics` on `page`; returns its exit status and output.
int Promtool(const std::string& page, const testing::TempDir& dir, std::string* output) {
  const std::string in = dir.File("metrics.txt");
  const std::string out = dir.File("promtool.txt");
  testing::WriteFile(in, page);
  const int rc = std::system(
      absl::StrCat("/usr/bin/promtool check metrics < ", in, " > ", out, " 2>&1").c_str());
  FILE* f = std::fopen(out.c_str(), "r");
  if (f != nullptr) {
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof(buf), f)) > 0) output->append(buf, n);
    std::fclose(f);
  }
  return rc;
}

std::string EncodeString(int field, const std::string& value) {
  std::string out;
  out.push_back(static_cast<char>((field << 3) | 2));
  size_t n = value.size();
  while (n >= 0x80) {
    out.push_back(static_cast<char>((n & 0x7f) | 0x80));
    n >>= 7;
  }
  out.push_back(static_cast<char>(n));
  return out + value;
}

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::WriteFile(
        dir_.File("tokens.json"),
        absl::StrCat(R"({"tokens":[)", Token("admin-token", "admin", "district_admin"), ",",
                     Token("op-token", "op-gs01", "street_operator", "GS01"), ",",
                     Token("viewer-token", "viewer", "viewer"), "]}"));
    auto auth = auth::TokenAuthenticator::Open(dir_.File("tokens.json"), SystemClock::Get());
    ASSERT_TRUE(auth.ok()) << auth.status();
    auth_ = std::move(auth).value();
  }

  void TearDown() override {
    gate_.Open();
    if (server_ != nullptr) server_->Shutdown();
  }

  static std::string Token(const std::string& token, const std::string& principal,
                           const std::string& role, const std::string& street = "") {
    std::string json =
        absl::StrCat(R"({"sha256":")", auth::TokenAuthenticator::HashToken(token),
                     R"(","principal":")", principal, R"(","roles":[")", role, R"("])");
    if (!street.empty()) absl::StrAppend(&json, R"(,"streets":[")", street, R"("])");
    return json + R"(,"expires":"2099-01-01T00:00:00Z"})";
  }

  void StartServer(int threads = 4, int max_queue = 64, absl::Duration drain = absl::Seconds(20),
                   absl::Duration grace = absl::ZeroDuration()) {
    pool_ = std::make_unique<WorkerPool>(threads, max_queue);
    handlers_ = std::make_unique<Handlers>(auth_.get(), pool_.get());
    service_ = std::make_unique<TestIndicators>(handlers_.get(), &gate_);
    ServerOptions options;
    options.listen = "127.0.0.1:0";
    // civetweb takes ~2 s to stop: only the tests that read /metrics start an exposer.
    options.metrics_port = with_metrics_ ? 0 : -1;
    options.drain_deadline = drain;
    options.drain_grace = grace;
    options.services = {service_.get()};
    options.service_names = {kService};
    options.registry = registry_;
    auto server = Server::Start(std::move(options));
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(server).value();
    ASSERT_GT(server_->port(), 0);
    if (with_metrics_) {
      ASSERT_GT(server_->metrics_port(), 0);
    }
  }

  // A channel with its own connection (no subchannel sharing between channels).
  std::shared_ptr<grpc::Channel> NewChannel() {
    grpc::ChannelArguments args;
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    return grpc::CreateCustomChannel(absl::StrCat("127.0.0.1:", server_->port()),
                                     grpc::InsecureChannelCredentials(), args);
  }

  static void Authorize(grpc::ClientContext* context, const std::string& token) {
    if (!token.empty()) context->AddMetadata("authorization", "Bearer " + token);
    context->set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(20)));
  }

  grpc::Status ListIndicators(const std::string& token, const std::vector<std::string>& ids = {},
                              governance::v1::ListIndicatorsResponse* response = nullptr,
                              std::shared_ptr<grpc::Channel> channel = nullptr) {
    if (channel == nullptr) channel = NewChannel();
    grpc::ClientContext context;
    Authorize(&context, token);
    governance::v1::ListIndicatorsRequest request;
    for (const std::string& id : ids) request.add_indicator_ids(id);
    governance::v1::ListIndicatorsResponse unused;
    return IndicatorsService::NewStub(channel)->ListIndicators(
        &context, request, response != nullptr ? response : &unused);
  }

  grpc::Status RecordFigure(const std::string& token) {
    grpc::ClientContext context;
    Authorize(&context, token);
    governance::v1::RecordFigureRequest request;
    request.set_request_id("r1");
    request.mutable_figure()->set_figure_id("court_intake");
    governance::v1::RecordFigureResponse response;
    return IndicatorsService::NewStub(NewChannel())->RecordFigure(&context, request, &response);
  }

  grpc::Status ListRankings(const std::string& token) {
    grpc::ClientContext context;
    Authorize(&context, token);
    governance::v1::ListRankingsResponse response;
    return IndicatorsService::NewStub(NewChannel())
        ->ListRankings(&context, governance::v1::ListRankingsRequest(), &response);
  }

  testing::TempDir dir_;
  Gate gate_;
  std::shared_ptr<prometheus::Registry> registry_ = std::make_shared<prometheus::Registry>();
  std::unique_ptr<auth::TokenAuthenticator> auth_;
  std::unique_ptr<WorkerPool> pool_;
  std::unique_ptr<Handlers> handlers_;
  std::unique_ptr<TestIndicators> service_;
  bool with_metrics_ = false;
  std::unique_ptr<Server> server_;  // last: stops before what it serves goes away
};

TEST_F(ServerTest, HealthIsNotServingUntilSetServing) {
  StartServer();
  auto channel = NewChannel();
  EXPECT_EQ(testing::HealthStatus(channel, ""), testing::kHealthNotServing);
  EXPECT_EQ(testing::HealthStatus(channel, kService), testing::kHealthNotServing);

  server_->SetServing(true);
  EXPECT_EQ(testing::HealthStatus(channel, ""), testing::kHealthServing);
  EXPECT_EQ(testing::HealthStatus(channel, kService), testing::kHealthServing);

  grpc::Status status;
  EXPECT_EQ(testing::HealthStatus(channel, "governance.v1.Nope", &status), -1);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);

  server_->SetServing(false);
  EXPECT_EQ(testing::HealthStatus(channel, ""), testing::kHealthNotServing);
  EXPECT_EQ(testing::HealthStatus(channel, kService), testing::kHealthNotServing);
}

TEST_F(ServerTest, DrainTurnsHealthNotServingAndLetsCallsInFlightFinish) {
  const absl::Duration drain = absl::Seconds(15);
  StartServer(4, 64, drain);
  server_->SetServing(true);
  auto watch = std::make_unique<testing::HealthWatch>(NewChannel(), "");
  ASSERT_TRUE(watch->WaitForStatus(testing::kHealthServing, absl::Seconds(10)));

  grpc::Status slow_status;
  governance::v1::ListIndicatorsResponse slow_response;
  std::thread slow([&] { slow_status = ListIndicators("admin-token", {"slow"}, &slow_response); });
  ASSERT_TRUE(gate_.WaitForEntered(1, absl::Seconds(10)));

  const absl::Time shutdown_start = absl::Now();
  absl::Notification shut_down;
  std::thread shutdown([&] {
    server_->Shutdown();
    shut_down.Notify();
  });
  EXPECT_TRUE(watch->WaitForStatus(testing::kHealthNotServing, absl::Seconds(10)))
      << "a watcher (a load balancer, a kubelet) learns of the drain";
  EXPECT_NE(testing::HealthStatus(NewChannel(), "", nullptr, absl::Seconds(3)),
            testing::kHealthServing);
  EXPECT_FALSE(shut_down.HasBeenNotified()) << "the call in flight holds the drain";

  gate_.Open();
  slow.join();
  EXPECT_TRUE(slow_status.ok()) << slow_status.error_message();
  EXPECT_EQ(slow_response.track(), "admin");
  watch.reset();  // a Watch stream would otherwise last until the drain deadline
  shutdown.join();
  EXPECT_LT(absl::Now() - shutdown_start, drain) << "drain ends when the last call ends";
  EXPECT_EQ(testing::HealthStatus(NewChannel(), "", nullptr, absl::Seconds(3)), -1);
}

TEST_F(ServerTest, DuringTheGracePeriodHealthIsNotServingButNewCallsAreServed) {
  const absl::Duration grace = absl::Seconds(3);
  StartServer(4, 64, absl::Seconds(5), grace);
  server_->SetServing(true);
  auto channel = NewChannel();
  ASSERT_EQ(testing::HealthStatus(channel, "", nullptr, absl::Seconds(3)), testing::kHealthServing);

  absl::Notification shut_down;
  std::thread shutdown([&] {
    server_->Shutdown();
    shut_down.Notify();
  });
  // Health turns NOT_SERVING at once; a call arriving after that (a balancer that has not yet
  // noticed) is still served, on a connection made before and on a new one.
  const absl::Time deadline = absl::Now() + absl::Seconds(2);
  while (testing::HealthStatus(channel, "", nullptr, absl::Seconds(1)) !=
             testing::kHealthNotServing &&
         absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(10));
  }
  ASSERT_EQ(testing::HealthStatus(channel, "", nullptr, absl::Seconds(1)),
            testing::kHealthNotServing);
  ASSERT_FALSE(shut_down.HasBeenNotified());
  governance::v1::ListIndicatorsResponse response;
  grpc::Status on_old = ListIndicators("admin-token", {}, &response, channel);
  EXPECT_TRUE(on_old.ok()) << on_old.error_message();
  grpc::Status on_new = ListIndicators("admin-token", {}, &response);
  EXPECT_TRUE(on_new.ok()) << on_new.error_message();
  EXPECT_FALSE(shut_down.HasBeenNotified()) << "the grace period is not over yet";
  shutdown.join();
  EXPECT_EQ(testing::HealthStatus(NewChannel(), "", nullptr, absl::Seconds(1)), -1);
}

TEST_F(ServerTest, DrainDeadlineCancelsCallsStillRunning) {
  StartServer(4, 64, absl::Milliseconds(300));
  grpc::Status slow_status;
  absl::Notification slow_done;
  std::thread slow([&] {
    slow_status = ListIndicators("admin-token", {"slow"});
    slow_done.Notify();
  });
  ASSERT_TRUE(gate_.WaitForEntered(1, absl::Seconds(10)));
  std::thread shutdown([&] { server_->Shutdown(); });
  // The caller is released at the deadline although the handler is still held.
  EXPECT_TRUE(slow_done.WaitForNotificationWithTimeout(absl::Seconds(10)));
  EXPECT_FALSE(slow_status.ok());
  gate_.Open();
  slow.join();
  shutdown.join();
}

TEST_F(ServerTest, ReflectionListsAndDescribesTheServices) {
  StartServer();
  std::vector<std::string> responses;
  // ServerReflectionRequest: list_services = 7, file_containing_symbol = 4. No token needed.
  grpc::Status status = testing::CallStream(
      NewChannel(), "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
      {EncodeString(7, ""), EncodeString(4, kService)}, &responses);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(responses.size(), 2u);

  std::vector<std::string> services;
  std::vector<google::protobuf::FileDescriptorProto> files;
  for (const std::string& bytes : responses) {
    google::protobuf::UnknownFieldSet response;
    ASSERT_TRUE(response.ParseFromString(bytes));
    for (int i = 0; i < response.field_count(); ++i) {
      const auto& f = response.field(i);
      if (f.type() != google::protobuf::UnknownField::TYPE_LENGTH_DELIMITED) continue;
      google::protobuf::UnknownFieldSet inner;
      ASSERT_TRUE(inner.ParseFromString(f.length_delimited()));
      for (int j = 0; j < inner.field_count(); ++j) {
        const std::string& item = inner.field(j).length_delimited();
        if (f.number() == 6) {  // list_services_response { service { name } }
          google::protobuf::UnknownFieldSet service;
          ASSERT_TRUE(service.ParseFromString(item));
          services.push_back(service.field(0).length_delimited());
        } else if (f.number() == 4) {  // file_descriptor_response { file_descriptor_proto }
          ASSERT_TRUE(files.emplace_back().ParseFromString(item));
        }
      }
    }
  }
  EXPECT_THAT(services, Contains(kService));
  EXPECT_THAT(services, Contains("grpc.reflection.v1alpha.ServerReflection"));
  ASSERT_FALSE(files.empty());
  EXPECT_EQ(files[0].name(), "governance/v1/indicators.proto");
  ASSERT_GT(files[0].service_size(), 0);
  EXPECT_EQ(files[0].service(0).name(), "IndicatorsService");
}

TEST_F(ServerTest, AuthenticationThenAccessLevel) {
  StartServer();
  EXPECT_EQ(ListIndicators("").error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(ListIndicators("wrong-token").error_code(), grpc::StatusCode::UNAUTHENTICATED);
  {
    grpc::ClientContext context;
    context.AddMetadata("authorization", "Basic admin-token");
    governance::v1::ListIndicatorsResponse response;
    EXPECT_EQ(IndicatorsService::NewStub(NewChannel())
                  ->ListIndicators(&context, governance::v1::ListIndicatorsRequest(), &response)
                  .error_code(),
              grpc::StatusCode::UNAUTHENTICATED);
  }

  governance::v1::ListIndicatorsResponse response;
  ASSERT_TRUE(ListIndicators("viewer-token", {}, &response).ok());
  EXPECT_EQ(response.track(), "viewer") << "the body sees the principal";
  EXPECT_EQ(RecordFigure("viewer-token").error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_TRUE(RecordFigure("op-token").ok());
  EXPECT_EQ(ListRankings("op-token").error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(ListRankings("viewer-token").error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_TRUE(ListRankings("admin-token").ok());
  EXPECT_TRUE(RecordFigure("admin-token").ok());
}

TEST_F(ServerTest, TraceIdIsTakenFromTheCallerOrMadeAndAlwaysEchoed) {
  StartServer();
  auto stub = IndicatorsService::NewStub(NewChannel());
  auto call = [&](const std::string& trace_id, const std::string& token, std::string* echoed,
                  std::string* seen_by_body) {
    grpc::ClientContext context;
    Authorize(&context, token);
    if (!trace_id.empty()) context.AddMetadata("x-trace-id", trace_id);
    governance::v1::ListFiguresResponse response;
    grpc::Status status =
        stub->ListFigures(&context, governance::v1::ListFiguresRequest(), &response);
    const auto& md = context.GetServerInitialMetadata();
    auto it = md.find("x-trace-id");
    *echoed = it == md.end() ? "<none>" : std::string(it->second.data(), it->second.size());
    *seen_by_body = response.next_page_token();
    return status;
  };
  std::string echoed, seen;
  ASSERT_TRUE(call("req-trace-42", "viewer-token", &echoed, &seen).ok());
  EXPECT_EQ(echoed, "req-trace-42");
  EXPECT_EQ(seen, "req-trace-42");

  ASSERT_TRUE(call("", "viewer-token", &echoed, &seen).ok());
  EXPECT_TRUE(std::regex_match(echoed, std::regex("[0-9a-f]{16}"))) << echoed;
  EXPECT_EQ(seen, echoed);

  ASSERT_TRUE(call("forged\"},{\"level\":\"error", "viewer-token", &echoed, &seen).ok());
  EXPECT_TRUE(std::regex_match(echoed, std::regex("[0-9a-f]{16}"))) << "unusable id replaced";

  EXPECT_EQ(call("denied-7", "", &echoed, &seen).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(echoed, "denied-7") << "a refused call is traceable too";
}

TEST_F(ServerTest, AttachTraceIdPassesTheCurrentIdOn) {
  {
    gov::log::ScopedTraceId scoped("abc123");
    EXPECT_EQ(CurrentTraceId(), "abc123");
    grpc::ClientContext inside;
    AttachTraceId(&inside);
    // The metadata is only readable on the wire: send it to a server and look at the echo.
    StartServer();
    governance::v1::ListFiguresResponse response;
    Authorize(&inside, "viewer-token");
    ASSERT_TRUE(IndicatorsService::NewStub(NewChannel())
                    ->ListFigures(&inside, governance::v1::ListFiguresRequest(), &response)
                    .ok());
    EXPECT_EQ(response.next_page_token(), "abc123");
  }
  EXPECT_EQ(CurrentTraceId(), "");
}

TEST_F(ServerTest, FieldViolationTravelsInTheTrailer) {
  StartServer();
  grpc::ClientContext context;
  Authorize(&context, "viewer-token");
  governance::v1::ListIndicatorsRequest request;
  request.add_indicator_ids("bad");
  governance::v1::ListIndicatorsResponse response;
  grpc::Status status =
      IndicatorsService::NewStub(NewChannel())->ListIndicators(&context, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("indicator_ids[0]"));
  const auto& trailer = context.GetServerTrailingMetadata();
  auto it = trailer.find("gov-field");
  ASSERT_NE(it, trailer.end());
  EXPECT_EQ(std::string(it->second.data(), it->second.size()), "indicator_ids[0]");
}

TEST_F(ServerTest, FullQueueIsResourceExhausted) {
  StartServer(/*threads=*/1, /*max_queue=*/1);
  auto stub = IndicatorsService::NewStub(NewChannel());
  struct Pending {
    grpc::ClientContext context;
    governance::v1::ListIndicatorsRequest request;
    governance::v1::ListIndicatorsResponse response;
    grpc::Status status;
    absl::Notification done;
  };
  std::vector<std::unique_ptr<Pending>> calls;
  auto start = [&] {
    auto p = std::make_unique<Pending>();
    Authorize(&p->context, "admin-token");
    p->request.add_indicator_ids("slow");
    Pending* raw = p.get();
    stub->async()->ListIndicators(&p->context, &p->request, &p->response, [raw](grpc::Status s) {
      raw->status = std::move(s);
      raw->done.Notify();
    });
    calls.push_back(std::move(p));
  };
  start();  // takes the only worker
  ASSERT_TRUE(gate_.WaitForEntered(1, absl::Seconds(10)));
  start();  // one of these two waits in the queue, the other is refused
  start();
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  int refused = -1;
  while (refused < 0 && absl::Now() < deadline) {
    for (int i = 1; i <= 2; ++i) {
      if (calls[i]->done.WaitForNotificationWithTimeout(absl::Milliseconds(10))) refused = i;
    }
  }
  ASSERT_GT(refused, 0);
  EXPECT_EQ(calls[refused]->status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(calls[refused]->status.error_message(), "server busy");

  gate_.Open();
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(calls[i]->done.WaitForNotificationWithTimeout(absl::Seconds(10)));
    if (i != refused) {
      EXPECT_TRUE(calls[i]->status.ok()) << i;
    }
  }
}

TEST_F(ServerTest, CallWhoseDeadlinePassedWhileQueuedIsNotRun) {
  StartServer(/*threads=*/1, /*max_queue=*/8);
  std::thread slow([&] { EXPECT_TRUE(ListIndicators("admin-token", {"slow"}).ok()); });
  ASSERT_TRUE(gate_.WaitForEntered(1, absl::Seconds(10)));
  {
    grpc::ClientContext context;
    context.AddMetadata("authorization", "Bearer admin-token");
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Milliseconds(200)));
    governance::v1::ListIndicatorsRequest request;
    request.add_indicator_ids("count");
    governance::v1::ListIndicatorsResponse response;
    EXPECT_EQ(IndicatorsService::NewStub(NewChannel())
                  ->ListIndicators(&context, request, &response)
                  .error_code(),
              grpc::StatusCode::DEADLINE_EXCEEDED);
  }
  // The server's deadline is the time it received the call plus the time the client had left
  // (grpc-timeout): on a loaded machine it lies up to the 200 ms after the client gave up. Past
  // that, the queued call has expired on the server's clock too.
  absl::SleepFor(absl::Milliseconds(300));
  gate_.Open();
  slow.join();
  // One worker, first in first out: once this call ran, the expired one had its turn.
  ASSERT_TRUE(ListIndicators("admin-token", {"count"}).ok());
  EXPECT_EQ(service_->bodies_run(), 1) << "the expired call's body must not run";
}

TEST_F(ServerTest, MetricsPageHasTheGrpcSeriesAndPassesPromtool) {
  with_metrics_ = true;
  StartServer();
  const std::string before = FetchMetrics(server_->metrics_port());
  ASSERT_FALSE(before.empty());
  // Series of every method exist before the first call.
  for (const char* method : {"ListIndicators", "ListRankings", "RecordFigure", "ListFigures"}) {
    EXPECT_EQ(Sample(before, "grpc_server_handled_total", Labels(method, "OK")), 0) << method;
    EXPECT_EQ(Sample(before, "grpc_server_started_total", Labels(method)), 0) << method;
    EXPECT_EQ(Sample(before, "grpc_server_handling_seconds_count", Labels(method)), 0) << method;
  }

  ASSERT_TRUE(ListIndicators("admin-token").ok());
  ASSERT_TRUE(ListIndicators("viewer-token").ok());
  ASSERT_EQ(ListIndicators("").error_code(), grpc::StatusCode::UNAUTHENTICATED);
  ASSERT_EQ(RecordFigure("viewer-token").error_code(), grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_EQ(testing::HealthStatus(NewChannel(), ""), testing::kHealthNotServing);
  {
    // A method nobody serves: counted, but under a bounded label.
    grpc::GenericStub generic(NewChannel());
    grpc::ClientContext context;
    grpc::Slice empty("");
    grpc::ByteBuffer request(&empty, 1), response;
    grpc::Status status;
    absl::Notification done;
    generic.UnaryCall(&context, "/governance.v1.Invented/Call", grpc::StubOptions(), &request,
                      &response, [&](grpc::Status s) {
                        status = std::move(s);
                        done.Notify();
                      });
    done.WaitForNotification();
    ASSERT_EQ(status.error_code(), grpc::StatusCode::UNIMPLEMENTED);
  }

  const std::string page = FetchMetrics(server_->metrics_port());
  ASSERT_FALSE(page.empty());
  EXPECT_EQ(Sample(page, "grpc_server_started_total", Labels("ListIndicators")), 3);
  EXPECT_EQ(Sample(page, "grpc_server_handled_total", Labels("ListIndicators", "OK")), 2);
  EXPECT_EQ(Sample(page, "grpc_server_handled_total", Labels("ListIndicators", "UNAUTHENTICATED")),
            1);
  EXPECT_EQ(Sample(page, "grpc_server_handled_total", Labels("RecordFigure", "PERMISSION_DENIED")),
            1);
  EXPECT_EQ(Sample(page, "grpc_server_handled_total", Labels("RecordFigure", "OK")), 0);
  EXPECT_EQ(Sample(page, "grpc_server_handling_seconds_count", Labels("ListIndicators")), 3);
  EXPECT_EQ(
      Sample(page, "grpc_server_handled_total", Labels("Check", "OK", "grpc.health.v1.Health")), 1);
  EXPECT_EQ(page.find("Invented"), std::string::npos) << "no label from a caller's method name";
  EXPECT_EQ(Sample(page, "grpc_server_handled_total",
                   {{"grpc_service", "unknown"},
                    {"grpc_method", "unknown"},
                    {"grpc_code", "UNIMPLEMENTED"}}),
            1);

  std::string output;
  EXPECT_EQ(Promtool(page, dir_, &output), 0) << output;
}

TEST_F(ServerTest, TerminationSignalShutsDown) {
  for (int signal : {SIGTERM, SIGINT}) {
    StartServer();
    server_->SetServing(true);
    absl::Notification returned;
    std::thread waiter([&] {
      server_->WaitForTerminationSignal();
      returned.Notify();
    });
    ASSERT_EQ(kill(getpid(), signal), 0);
    const bool woke = returned.WaitForNotificationWithTimeout(absl::Seconds(30));
    EXPECT_TRUE(woke) << strsignal(signal);
    if (!woke) server_->Shutdown();
    waiter.join();
    EXPECT_EQ(testing::HealthStatus(NewChannel(), "", nullptr, absl::Seconds(3)), -1);
    server_.reset();
  }
}

TEST_F(ServerTest, ShutdownFromAnotherThreadWakesTheSignalWaiter) {
  StartServer();
  absl::Notification waiting, returned;
  std::thread waiter([&] {
    waiting.Notify();
    server_->WaitForTerminationSignal();
    returned.Notify();
  });
  waiting.WaitForNotification();
  server_->Shutdown();
  const bool woke = returned.WaitForNotificationWithTimeout(absl::Seconds(30));
  EXPECT_TRUE(woke);
  if (!woke) kill(getpid(), SIGTERM);  // release the waiter so the test can end
  waiter.join();

  // Already shut down: returns at once.
  server_->WaitForTerminationSignal();
}

TEST(ServerStartTest, RefusesAnUnknownServiceName) {
  ServerOptions options;
  options.service_names = {"governance.v1.NoSuchService"};
  EXPECT_EQ(Server::Start(options).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(ServerStartTest, RefusesAPortInUse) {
  auto first = Server::Start(ServerOptions{});
  ASSERT_TRUE(first.ok()) << first.status();
  ServerOptions options;
  options.listen = absl::StrCat("127.0.0.1:", (*first)->port());
  EXPECT_EQ(Server::Start(options).status().code(), absl::StatusCode::kUnavailable);
}

TEST(WorkerPoolTest, BoundedQueueAndDrainOnDestruction) {
  Gate gate;
  absl::Mutex mu;
  int ran = 0;
  {
    WorkerPool pool(1, 2);
    ASSERT_TRUE(pool.Submit([&] { gate.Enter(); }));
    ASSERT_TRUE(gate.WaitForEntered(1, absl::Seconds(10)));
    auto count = [&] {
      absl::MutexLock lock(&mu);
      ++ran;
    };
    EXPECT_TRUE(pool.Submit(count));
    EXPECT_TRUE(pool.Submit(count));
    EXPECT_FALSE(pool.Submit(count)) << "queue of 2 is full";
    gate.Open();
  }  // the destructor runs what was queued, then joins
  absl::MutexLock lock(&mu);
  EXPECT_EQ(ran, 2);
}

}  // namespace
}  // namespace gov::server
