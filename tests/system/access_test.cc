// Who may call what, walked whole: every track binary of services/*/ is started on its own ports
// (a real redis-server, SQLite, a token file with a token per role and scope), and every method
// of every service it serves is called with every token and with none. A call is refused with
// PERMISSION_DENIED "may not call <Method>" exactly when the method's (governance.v1.access)
// option says the token may not call it; UNAUTHENTICATED without a token. The table is read from
// the schema, as the servers and `govctl access` read it, so a new track or method is walked
// without a change here, and a method that declares nothing keeps its server from starting.

#include <algorithm>
#include <filesystem>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/auth/auth.h"
#include "common/server/rpc_service.h"
#include "common/util/file.h"
#include "google/protobuf/descriptor.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "tests/support/health_client.h"
#include "tests/support/process.h"
#include "tests/support/redis_server.h"
#include "tests/support/test_support.h"

namespace gov::testing {
namespace {

constexpr absl::Duration kStartTimeout = absl::Seconds(60);

// A caller of the walk: one role, district-wide or of street GS01.
struct Caller {
  std::string role;
  bool district_wide = true;
  std::string token() const { return absl::StrCat("access-", role, district_wide ? "" : "-gs01"); }
  std::string principal() const { return token(); }
};

// Tracks built in this tree: services/<track>/ with a CMakeLists.txt and a built binary.
std::vector<std::string> BuiltTracks() {
  std::vector<std::string> tracks;
  for (const auto& entry :
       std::filesystem::directory_iterator(std::filesystem::path(SourcePath("services")))) {
    if (!entry.is_directory() || !std::filesystem::exists(entry.path() / "CMakeLists.txt")) {
      continue;
    }
    const std::string track = entry.path().filename().string();
    if (std::filesystem::exists(BinaryPath(absl::StrCat("services/", track, "/", track)))) {
      tracks.push_back(track);
    }
  }
  std::sort(tracks.begin(), tracks.end());
  return tracks;
}

// The services a track may serve: its own (package governance.<track>.v1) and the kit's
// (package governance.v1: IndicatorsService, served by every track, and those a track serves
// when it declares them, such as MeetingsService).
std::vector<const google::protobuf::ServiceDescriptor*> ServicesOf(const std::string& track) {
  const google::protobuf::DescriptorPool* pool = google::protobuf::DescriptorPool::generated_pool();
  std::vector<const google::protobuf::ServiceDescriptor*> services;
  const google::protobuf::FileDescriptor* file =
      pool->FindFileByName(absl::StrCat("governance/", track, "/v1/", track, ".proto"));
  if (file != nullptr) {
    for (int i = 0; i < file->service_count(); ++i) services.push_back(file->service(i));
  }
  services.push_back(pool->FindServiceByName("governance.v1.IndicatorsService"));
  // Referenced so that the kit's files are in the pool (the generated code is one library).
  services.push_back(pool->FindServiceByName("governance.v1.MeetingsService"));
  return services;
}

bool MayCall(const server::MethodAccess& access, const Caller& caller) {
  if (caller.role == auth::kDistrictAdmin) return true;
  const bool role_ok = access.all_roles || std::find(access.roles.begin(), access.roles.end(),
                                                     caller.role) != access.roles.end();
  return role_ok && (caller.district_wide || !access.district_only);
}

class AccessTest : public ::testing::TestWithParam<std::string> {};

TEST_P(AccessTest, EveryMethodRefusesExactlyWhomItsDeclarationExcludes) {
  const std::string track = GetParam();
  const std::vector<const google::protobuf::ServiceDescriptor*> services = ServicesOf(track);
  ASSERT_GE(services.size(), 2u) << track << " has no service of its own in the schema";

  // The callers: every shared role, every role the track's methods name, and one nobody names;
  // each district-wide and of one street (district_admin, viewer and system may be either).
  std::set<std::string> roles = {auth::kDistrictAdmin, auth::kStreetOperator, auth::kViewer,
                                 auth::kSystem, "outsider"};
  for (const auto* service : services) {
    ASSERT_NE(service, nullptr);
    for (int i = 0; i < service->method_count(); ++i) {
      absl::StatusOr<server::MethodAccess> access = server::DeclaredAccess(*service->method(i));
      ASSERT_TRUE(access.ok()) << access.status();
      roles.insert(access->roles.begin(), access->roles.end());
    }
  }
  std::vector<Caller> callers;
  for (const std::string& role : roles) {
    if (auth::IsDistrictRole(role)) callers.push_back({role, true});
    callers.push_back({role, false});
  }

  TempDir dir;
  RedisServer redis;
  ASSERT_TRUE(redis.Start().ok());
  std::vector<std::string> entries;
  for (const Caller& caller : callers) {
    entries.push_back(absl::StrCat(
        R"({"sha256": ")", auth::TokenAuthenticator::HashToken(caller.token()),
        R"(", "principal": ")", caller.principal(), R"(", "roles": [")", caller.role, R"("], )",
        caller.district_wide ? R"("streets": [], )" : R"("streets": ["GS01"], )",
        R"("expires": "2099-01-01T00:00:00Z"})"));
  }
  WriteFile(dir.File("tokens.json"),
            absl::StrCat(R"({"tokens": [)", absl::StrJoin(entries, ",\n"), "]}"));
  const int grpc_port = FreePort();
  int metrics_port = FreePort();
  while (metrics_port == grpc_port) metrics_port = FreePort();
  Process::Options options;
  options.args = {BinaryPath(absl::StrCat("services/", track, "/", track)),
                  absl::StrCat("--listen=127.0.0.1:", grpc_port),
                  absl::StrCat("--metrics_port=", metrics_port),
                  absl::StrCat("--db_path=", dir.File("track.db")),
                  absl::StrCat("--redis=", redis.address()),
                  absl::StrCat("--tokens_file=", dir.File("tokens.json")),
                  "--drain_seconds=2"};
  options.stderr_path = dir.File("track.log");
  absl::StatusOr<std::unique_ptr<Process>> process = Process::Spawn(options);
  ASSERT_TRUE(process.ok()) << process.status();
  auto channel = grpc::CreateChannel(absl::StrCat("127.0.0.1:", grpc_port),
                                     grpc::InsecureChannelCredentials());
  const absl::Time deadline = absl::Now() + kStartTimeout;
  while (HealthStatus(channel, "", nullptr, absl::Seconds(1)) != kHealthServing) {
    ASSERT_TRUE((*process)->Running())
        << track << " exited at start-up: " << ReadFile(dir.File("track.log"), "log").value_or("");
    ASSERT_LT(absl::Now(), deadline) << track << " not SERVING";
    absl::SleepFor(absl::Milliseconds(100));
  }

  grpc::GenericStub stub(channel);
  // One call with an empty request; its status.
  // A server stream the caller may open stays open (it waits for changes): its call ends at a
  // short deadline instead, DEADLINE_EXCEEDED, which is not a refusal.
  auto call = [&](const std::string& path, const std::string& token, bool stream = false) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() +
                         (stream ? std::chrono::seconds(1) : std::chrono::seconds(20)));
    if (!token.empty()) context.AddMetadata("authorization", absl::StrCat("Bearer ", token));
    grpc::Slice empty("");
    grpc::ByteBuffer request(&empty, 1);
    grpc::ByteBuffer response;
    grpc::Status status;
    absl::Notification done;
    stub.UnaryCall(&context, path, grpc::StubOptions(), &request, &response, [&](grpc::Status s) {
      status = std::move(s);
      done.Notify();
    });
    done.WaitForNotification();
    return status;
  };

  // A kit service the track does not declare is not served (UNIMPLEMENTED for district_admin);
  // IndicatorsService and the track's own are served by every track.
  std::vector<const google::protobuf::ServiceDescriptor*> served;
  for (const auto* service : services) {
    const bool optional = service->file()->package() == "governance.v1" &&
                          service->full_name() != "governance.v1.IndicatorsService";
    const std::string probe =
        absl::StrCat("/", service->full_name(), "/", service->method(0)->name());
    if (optional && call(probe, Caller{auth::kDistrictAdmin, true}.token(),
                         service->method(0)->server_streaming())
                            .error_code() == grpc::StatusCode::UNIMPLEMENTED) {
      continue;
    }
    served.push_back(service);
  }
  ASSERT_GE(served.size(), 2u);

  int walked = 0;
  int refused = 0;
  for (const auto* service : served) {
    for (int i = 0; i < service->method_count(); ++i) {
      const google::protobuf::MethodDescriptor& method = *service->method(i);
      const server::MethodAccess access = *server::DeclaredAccess(method);
      const std::string path = absl::StrCat("/", service->full_name(), "/", method.name());
      const bool stream = method.server_streaming();
      EXPECT_EQ(call(path, "", stream).error_code(), grpc::StatusCode::UNAUTHENTICATED) << path;
      const std::string refusal = absl::StrCat("may not call ", method.name());
      for (const Caller& caller : callers) {
        const grpc::Status status = call(path, caller.token(), stream);
        const bool refused_by_access = status.error_code() == grpc::StatusCode::PERMISSION_DENIED &&
                                       absl::StrContains(status.error_message(), refusal);
        ++walked;
        if (MayCall(access, caller)) {
          EXPECT_FALSE(refused_by_access)
              << path << " refused " << caller.principal() << ": " << status.error_message();
          EXPECT_NE(status.error_code(), grpc::StatusCode::UNIMPLEMENTED) << path;
        } else {
          ++refused;
          EXPECT_TRUE(refused_by_access)
              << path << " let " << caller.principal() << " through (" << status.error_code() << " "
              << status.error_message() << ")";
        }
      }
    }
  }
  // Not vacuous: every caller was tried on every method, and some were refused.
  EXPECT_GT(walked, 0);
  EXPECT_GT(refused, 0);
  ASSERT_TRUE((*process)->Signal(SIGTERM).ok());
  absl::StatusOr<ExitStatus> exit = (*process)->WaitExit(absl::Seconds(30));
  ASSERT_TRUE(exit.ok()) << exit.status();
  EXPECT_TRUE(exit->ok()) << exit->ToString();
}

INSTANTIATE_TEST_SUITE_P(Tracks, AccessTest, ::testing::ValuesIn(BuiltTracks()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           return info.param;
                         });

}  // namespace
}  // namespace gov::testing
