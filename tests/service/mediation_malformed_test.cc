// Requests whose bytes are not their message, sent raw to a real track (mediation, on SQLite or
// PostgreSQL as mediation_malformed_test_postgres): invalid UTF-8 in a string field, a field
// longer than the message, a truncated varint, noise. Each is INVALID_ARGUMENT naming the message
// type, for the track's own methods, the shared IndicatorsService and a server stream alike,
// after the caller is known (no token: UNAUTHENTICATED); nothing is written. gRPC's own parsing
// would answer UNIMPLEMENTED with no message, which callers and alerts read as a missing method.

#include <string>
#include <utility>
#include <vector>

#include "absl/synchronization/notification.h"
#include "common/auth/auth.h"
#include "common/clock/clock.h"
#include "common/track/track_base.h"
#include "gmock/gmock.h"
#include "governance/mediation/v1/mediation.pb.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "services/mediation/track.h"
#include "tests/support/test_support.h"
#include "tests/support/track_harness.h"

namespace gov::mediation {
namespace {

using ::testing::HasSubstr;

constexpr char kAdmin[] = "tok-admin";

class MalformedRequestTest : public ::testing::Test {
 protected:
  MalformedRequestTest() : clock_(gov::testing::Local(2026, 4, 1, 9, 0)) {}

  void SetUp() override {
    const absl::Status started = h_.Start(track::Factory<MediationTrack>("mediation"));
    ASSERT_TRUE(started.ok()) << started;
  }

  // `bytes` sent as the request of `path` with `token` ("" = none); the first message of a
  // stream is read and the stream cancelled.
  grpc::Status Raw(const std::string& path, const std::string& token, const std::string& bytes,
                   bool stream = false) {
    grpc::GenericStub generic(h_.channel());
    grpc::ClientContext context;
    if (!token.empty()) context.AddMetadata("authorization", "Bearer " + token);
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    grpc::Slice slice(bytes);
    grpc::ByteBuffer request(&slice, 1), response;
    if (stream) {
      grpc::CompletionQueue cq;
      auto call = generic.PrepareCall(&context, path, &cq);
      void* tag = nullptr;
      bool ok = false;
      call->StartCall(reinterpret_cast<void*>(1));
      cq.Next(&tag, &ok);
      call->Write(request, grpc::WriteOptions().set_last_message(), reinterpret_cast<void*>(2));
      cq.Next(&tag, &ok);
      call->Read(&response, reinterpret_cast<void*>(3));
      cq.Next(&tag, &ok);
      if (ok) context.TryCancel();  // a message came: the request was taken
      grpc::Status status;
      call->Finish(&status, reinterpret_cast<void*>(4));
      while (cq.Next(&tag, &ok) && tag != reinterpret_cast<void*>(4)) {
      }
      cq.Shutdown();
      while (cq.Next(&tag, &ok)) {
      }
      return status;
    }
    grpc::Status status;
    absl::Notification done;
    generic.UnaryCall(&context, path, grpc::StubOptions(), &request, &response,
                      [&](grpc::Status s) {
                        status = std::move(s);
                        done.Notify();
                      });
    done.WaitForNotification();
    return status;
  }

  FakeClock clock_;
  gov::testing::TrackHarness h_{
      "mediation", &clock_, {{kAdmin, "admin", auth::kDistrictAdmin, {}}}};
};

TEST_F(MalformedRequestTest, AreInvalidArgumentNamingTheMessageAndWriteNothing) {
  struct Method {
    std::string path;
    std::string type;
    bool stream;
  };
  // A string field of each request at tag 1 (GetDispute's id, CreateDispute's request_id,
  // ListIndicators' indicator_ids at tag 3, WatchCaseChanges' kind).
  const std::vector<std::pair<Method, char>> methods = {
      {{"/governance.mediation.v1.MediationService/GetDispute",
        "governance.mediation.v1.GetDisputeRequest", false},
       '\x0a'},
      {{"/governance.mediation.v1.MediationService/CreateDispute",
        "governance.mediation.v1.CreateDisputeRequest", false},
       '\x0a'},
      {{"/governance.v1.IndicatorsService/ListIndicators", "governance.v1.ListIndicatorsRequest",
        false},
       '\x1a'},
      {{"/governance.v1.CaseChangesService/WatchCaseChanges",
        "governance.v1.WatchCaseChangesRequest", true},
       '\x0a'},
  };
  const std::string before = h_.StoreSnapshot();
  for (const auto& [method, string_tag] : methods) {
    const std::vector<std::pair<std::string, std::string>> bad = {
        {"invalid UTF-8 in a string field",
         std::string(1, string_tag) + std::string("\x04\x44\x2d\xff\xfe", 5)},
        {"a field longer than the message", std::string(1, string_tag) + "\x05" + "A"},
        {"a truncated varint", std::string("\x10\xff", 2)},
        {"noise", std::string("\xff\xff\xff\xff\xff", 5)},
    };
    for (const auto& [what, bytes] : bad) {
      SCOPED_TRACE(method.path + ": " + what);
      const grpc::Status status = Raw(method.path, kAdmin, bytes, method.stream);
      EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << status.error_message();
      EXPECT_THAT(status.error_message(), HasSubstr(method.type));
      EXPECT_EQ(Raw(method.path, "", bytes, method.stream).error_code(),
                grpc::StatusCode::UNAUTHENTICATED);
    }
  }
  EXPECT_EQ(h_.StoreSnapshot(), before);

  // Well-formed bytes are served as before.
  ::governance::mediation::v1::GetDisputeRequest missing;
  missing.set_id("D-999999");
  EXPECT_EQ(Raw(methods[0].first.path, kAdmin, missing.SerializeAsString()).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

}  // namespace
}  // namespace gov::mediation
