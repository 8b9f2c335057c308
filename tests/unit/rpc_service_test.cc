// server::RpcService's completeness rules and DeclaredAccess: a service with a method left
// unbound, bound twice, bound with other types, or naming a role the track does not know is
// incomplete (and a track with it does not start); a method without an access declaration, or
// without a scope, cannot be bound at all.

#include "common/server/rpc_service.h"

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "common/auth/auth.h"
#include "gmock/gmock.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/descriptor.pb.h"
#include "governance/v1/access.pb.h"
#include "governance/v1/indicators.grpc.pb.h"
#include "gtest/gtest.h"

namespace gov::server {
namespace {

namespace v1 = ::governance::v1;
using ::testing::HasSubstr;

// A part whose functions have the shapes RpcService binds.
struct FakeIndicators {
  absl::StatusOr<v1::ListIndicatorsResponse> List(const auth::Principal&,
                                                  const v1::ListIndicatorsRequest&) {
    return v1::ListIndicatorsResponse();
  }
  absl::Status Rankings(const auth::Principal&, const v1::ListRankingsRequest&,
                        v1::ListRankingsResponse*) const {
    return absl::OkStatus();
  }
  absl::Status Record(const auth::Principal&, const v1::RecordFigureRequest&,
                      v1::RecordFigureResponse*) {
    return absl::OkStatus();
  }
  absl::StatusOr<v1::ListFiguresResponse> Figures(const auth::Principal&,
                                                  const v1::ListFiguresRequest&) const {
    return v1::ListFiguresResponse();
  }
  absl::StatusOr<v1::PublishRankingsResponse> Publish(const auth::Principal&,
                                                      const v1::PublishRankingsRequest&) {
    return v1::PublishRankingsResponse();
  }
  absl::StatusOr<v1::GetPublishedRankingsResponse> Published(
      const auth::Principal&, const v1::GetPublishedRankingsRequest&) const {
    return v1::GetPublishedRankingsResponse();
  }
  absl::StatusOr<v1::ListPublishedRankingsResponse> AllPublished(
      const auth::Principal&, const v1::ListPublishedRankingsRequest&) const {
    return v1::ListPublishedRankingsResponse();
  }
};

const std::vector<std::string> kRoles = {auth::kStreetOperator, auth::kViewer, auth::kSystem};

TEST(RpcServiceTest, NeedsHandlers) {
  RpcService service(v1::IndicatorsService::service_full_name(), nullptr, kRoles);
  EXPECT_THAT(std::string(service.Check().message()), HasSubstr("no handlers"));
}

TEST(RpcServiceTest, CompletenessRules) {
  FakeIndicators part;
  Handlers handlers(nullptr, nullptr);
  {
    RpcService service(v1::IndicatorsService::service_full_name(), &handlers, kRoles);
    service.Bind("ListIndicators", &part, &FakeIndicators::List)
        .Bind("ListRankings", &part, &FakeIndicators::Rankings)
        .Bind("RecordFigure", &part, &FakeIndicators::Record)
        .Bind("ListFigures", &part, &FakeIndicators::Figures)
        .Bind("PublishRankings", &part, &FakeIndicators::Publish)
        .Bind("GetPublishedRankings", &part, &FakeIndicators::Published)
        .Bind("ListPublishedRankings", &part, &FakeIndicators::AllPublished);
    EXPECT_TRUE(service.Check().ok()) << service.Check();
    EXPECT_EQ(service.full_name(), "governance.v1.IndicatorsService");
    const std::vector<MethodAccessRow> table = service.AccessTable();
    ASSERT_EQ(table.size(), 7u);
    EXPECT_EQ(table[2].method, "RecordFigure");
    EXPECT_EQ(table[2].access.roles, std::vector<std::string>{auth::kSystem});
    EXPECT_FALSE(table[2].access.all_roles);
    EXPECT_TRUE(table[0].access.all_roles);
  }
  {
    RpcService service(v1::IndicatorsService::service_full_name(), &handlers, kRoles);
    service.Bind("ListIndicators", &part, &FakeIndicators::List)
        .Bind("RecordFigure", &part, &FakeIndicators::Record);
    const absl::Status status = service.Check();
    EXPECT_EQ(status.code(), absl::StatusCode::kInternal);
    EXPECT_THAT(std::string(status.message()), HasSubstr("not bound: ListRankings, ListFigures"));
  }
  {
    RpcService service(v1::IndicatorsService::service_full_name(), &handlers, kRoles);
    service.Bind("ListIndicators", &part, &FakeIndicators::List)
        .Bind("ListIndicators", &part, &FakeIndicators::List);
    EXPECT_THAT(std::string(service.Check().message()), HasSubstr("bound twice"));
  }
  {
    RpcService service(v1::IndicatorsService::service_full_name(), &handlers, kRoles);
    // ListRankings bound to a function of ListIndicators' types.
    service.Bind("ListRankings", &part, &FakeIndicators::List);
    EXPECT_THAT(std::string(service.Check().message()),
                HasSubstr("ListRankings takes governance.v1.ListRankingsRequest"));
  }
  {
    RpcService service(v1::IndicatorsService::service_full_name(), &handlers, kRoles);
    service.Bind("ListEverything", &part, &FakeIndicators::List);
    EXPECT_THAT(std::string(service.Check().message()), HasSubstr("not in the schema"));
  }
  {
    // RecordFigure is for system: a track that does not know the role cannot serve it.
    RpcService service(v1::IndicatorsService::service_full_name(), &handlers,
                       {auth::kStreetOperator, auth::kViewer});
    service.Bind("RecordFigure", &part, &FakeIndicators::Record);
    EXPECT_THAT(std::string(service.Check().message()),
                HasSubstr("names role \"system\", which the track does not declare"));
  }
  {
    RpcService service("governance.v1.NoSuchService", &handlers, kRoles);
    EXPECT_THAT(std::string(service.Check().message()), HasSubstr("not a service of the schema"));
  }
}

// Methods of a schema built here: one declaring nothing, one without a scope, one with both
// roles and all_roles, one declared right.
TEST(DeclaredAccessTest, RefusesMissingOrIncompleteDeclarations) {
  google::protobuf::FileDescriptorProto file;
  file.set_name("access_test.proto");
  file.set_package("accesstest");
  file.set_syntax("proto3");
  file.add_message_type()->set_name("Empty");
  google::protobuf::ServiceDescriptorProto* service = file.add_service();
  service->set_name("Probe");
  auto add = [&](const std::string& name) {
    google::protobuf::MethodDescriptorProto* m = service->add_method();
    m->set_name(name);
    m->set_input_type(".accesstest.Empty");
    m->set_output_type(".accesstest.Empty");
    return m->mutable_options();
  };
  add("Undeclared");
  add("NoScope")->MutableExtension(v1::access)->add_roles("viewer");
  v1::MethodAccess* both = add("Both")->MutableExtension(v1::access);
  both->add_roles("viewer");
  both->set_all_roles(true);
  both->set_scope(v1::ACCESS_SCOPE_STREET);
  v1::MethodAccess* right = add("Right")->MutableExtension(v1::access);
  right->add_roles("system");
  right->set_scope(v1::ACCESS_SCOPE_DISTRICT);

  google::protobuf::DescriptorPool pool;
  const google::protobuf::FileDescriptor* built = pool.BuildFile(file);
  ASSERT_NE(built, nullptr);
  const google::protobuf::ServiceDescriptor* probe = built->service(0);

  absl::StatusOr<MethodAccess> access = DeclaredAccess(*probe->FindMethodByName("Undeclared"));
  EXPECT_EQ(access.status().code(), absl::StatusCode::kInternal);
  EXPECT_THAT(std::string(access.status().message()), HasSubstr("no (governance.v1.access)"));
  access = DeclaredAccess(*probe->FindMethodByName("NoScope"));
  EXPECT_THAT(std::string(access.status().message()), HasSubstr("has no scope"));
  access = DeclaredAccess(*probe->FindMethodByName("Both"));
  EXPECT_THAT(std::string(access.status().message()), HasSubstr("roles and all_roles"));
  access = DeclaredAccess(*probe->FindMethodByName("Right"));
  ASSERT_TRUE(access.ok()) << access.status();
  EXPECT_EQ(access->roles, std::vector<std::string>{"system"});
  EXPECT_TRUE(access->district_only);
}

// The wrapper's rule for a declared access.
TEST(CheckAccessTest, RolesScopeAndDistrictAdmin) {
  const auth::Principal admin{"admin", {auth::kDistrictAdmin}, {}};
  const auth::Principal system{"sys", {auth::kSystem}, {}};
  const auth::Principal street_system{"sys-gs01", {auth::kSystem}, {"GS01"}};
  const auth::Principal viewer{"v", {auth::kViewer}, {}};
  const MethodAccess for_system{.roles = {auth::kSystem}, .district_only = true};
  const MethodAccess anyone{.roles = {}, .all_roles = true};
  const MethodAccess admin_only{};

  EXPECT_TRUE(CheckAccess(admin, admin_only, "M").ok());
  EXPECT_TRUE(CheckAccess(admin, for_system, "M").ok());
  EXPECT_TRUE(CheckAccess(system, for_system, "M").ok());
  const absl::Status street = CheckAccess(street_system, for_system, "Ingest");
  EXPECT_EQ(street.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(std::string(street.message()),
              HasSubstr("may not call Ingest: it is for district-wide callers"));
  const absl::Status role = CheckAccess(viewer, for_system, "Ingest");
  EXPECT_EQ(role.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(role.message(), "principal v may not call Ingest: it is for district_admin, system");
  EXPECT_TRUE(CheckAccess(viewer, anyone, "M").ok());
  EXPECT_FALSE(CheckAccess(viewer, admin_only, "M").ok());
  EXPECT_FALSE(CheckAccess(auth::Principal{"n", {}, {}}, for_system, "M").ok());
}

}  // namespace
}  // namespace gov::server
