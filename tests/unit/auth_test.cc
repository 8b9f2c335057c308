#include "common/auth/auth.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <cstdio>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/test_support.h"

namespace gov::auth {
namespace {

using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;

// A role a track declares (mediation's), for the rules every non-shared role follows.
constexpr char kMediator[] = "mediator";

const absl::Time kNow =
    absl::FromCivil(absl::CivilSecond(2026, 2, 1, 9, 0, 0), absl::UTCTimeZone());

std::string Entry(const std::string& token, const std::string& principal,
                  const std::vector<std::string>& roles,
                  const std::vector<std::string>& streets = {},
                  const std::string& expires = "2099-01-01T00:00:00Z") {
  std::string json =
      absl::StrCat(R"({"sha256":")", TokenAuthenticator::HashToken(token), R"(","principal":")",
                   principal, R"(","roles":[")", absl::StrJoin(roles, R"(",")"), R"("])");
  if (!streets.empty()) {
    absl::StrAppend(&json, R"(,"streets":[")", absl::StrJoin(streets, R"(",")"), R"("])");
  }
  if (!expires.empty()) absl::StrAppend(&json, R"(,"expires":")", expires, R"(")");
  return json + "}";
}

std::string TokenFile(const std::vector<std::string>& entries) {
  return absl::StrCat(R"({"tokens":[)", absl::StrJoin(entries, ","), "]}");
}

class AuthTest : public ::testing::Test {
 protected:
  AuthTest() : clock_(kNow), path_(dir_.File("tokens.json")) {}

  void SetUp() override {
    testing::WriteFile(
        path_, TokenFile({Entry("admin-token", "admin", {kDistrictAdmin}),
                          Entry("op-token", "op-gs01", {kStreetOperator, kMediator}, {"GS01"}),
                          Entry("viewer-token", "viewer", {kViewer}),
                          Entry("temp-token", "temp", {kSystem}, {}, "2026-03-01T00:00:00Z")}));
    auto auth = TokenAuthenticator::Open(path_, &clock_);
    ASSERT_TRUE(auth.ok()) << auth.status();
    auth_ = std::move(auth).value();
  }

  absl::StatusCode CodeFor(const std::string& header) {
    return auth_->Authenticate(header).status().code();
  }

  testing::TempDir dir_;
  FakeClock clock_;
  std::string path_;
  std::unique_ptr<TokenAuthenticator> auth_;
};

TEST_F(AuthTest, HashIsHexSha256) {
  EXPECT_EQ(TokenAuthenticator::HashToken("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_F(AuthTest, BearerTokenGivesItsPrincipal) {
  auto p = auth_->Authenticate("Bearer op-token");
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->id, "op-gs01");
  EXPECT_THAT(p->roles, UnorderedElementsAre(kStreetOperator, kMediator));
  EXPECT_THAT(p->streets, UnorderedElementsAre("GS01"));
  EXPECT_FALSE(p->district_wide());

  auto admin = auth_->Authenticate("  bearer   admin-token  ");
  ASSERT_TRUE(admin.ok()) << admin.status();
  EXPECT_EQ(admin->id, "admin");
  EXPECT_TRUE(admin->district_wide());
  EXPECT_TRUE(auth_->Authenticate("BEARER viewer-token").ok());
}

TEST_F(AuthTest, MissingMalformedOrUnknownTokenIsUnauthenticated) {
  for (const std::string header :
       {"", "   ", "Bearer", "Bearer ", "admin-token", "Basic admin-token", "Bearerx admin-token",
        "Bearer unknown-token", "Bearer admin-token2", "Bearer ADMIN-TOKEN"}) {
    auto p = auth_->Authenticate(header);
    EXPECT_EQ(p.status().code(), absl::StatusCode::kUnauthenticated) << "\"" << header << "\"";
    EXPECT_THAT(std::string(p.status().message()), ::testing::Not(HasSubstr("admin-token")))
        << "a token never appears in an error";
  }
}

TEST_F(AuthTest, ExpiredTokenIsUnauthenticated) {
  EXPECT_TRUE(auth_->Authenticate("Bearer temp-token").ok());
  clock_.Set(absl::FromCivil(absl::CivilSecond(2026, 2, 28, 23, 59, 59), absl::UTCTimeZone()));
  EXPECT_TRUE(auth_->Authenticate("Bearer temp-token").ok());
  clock_.Set(absl::FromCivil(absl::CivilSecond(2026, 3, 1, 0, 0, 0), absl::UTCTimeZone()));
  auto p = auth_->Authenticate("Bearer temp-token");
  EXPECT_EQ(p.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_THAT(std::string(p.status().message()), HasSubstr("expired"));
  EXPECT_TRUE(auth_->Authenticate("Bearer admin-token").ok()) << "a later expiry still holds";
}

TEST_F(AuthTest, ExpiryHonoursTheOffset) {
  testing::WriteFile(
      path_, TokenFile({Entry("cn-token", "cn", {kViewer}, {}, "2026-02-01T18:00:00+08:00")}));
  clock_.Advance(absl::Seconds(1));
  // 18:00 in Shanghai is 10:00 UTC.
  clock_.Set(absl::FromCivil(absl::CivilSecond(2026, 2, 1, 9, 59, 59), absl::UTCTimeZone()));
  EXPECT_TRUE(auth_->Authenticate("Bearer cn-token").ok());
  clock_.Set(absl::FromCivil(absl::CivilSecond(2026, 2, 1, 10, 0, 0), absl::UTCTimeZone()));
  EXPECT_EQ(CodeFor("Bearer cn-token"), absl::StatusCode::kUnauthenticated);
}

TEST_F(AuthTest, ReloadsTheFileWhenItChanges) {
  testing::WriteFile(path_, TokenFile({Entry("new-admin-token", "admin2", {kDistrictAdmin}),
                                       Entry("viewer-token", "viewer", {kViewer})}));
  // Looked at most once a second: within the second the old tokens still hold.
  clock_.Advance(absl::Milliseconds(500));
  EXPECT_TRUE(auth_->Authenticate("Bearer admin-token").ok());
  EXPECT_EQ(CodeFor("Bearer new-admin-token"), absl::StatusCode::kUnauthenticated);

  clock_.Advance(absl::Milliseconds(600));
  auto p = auth_->Authenticate("Bearer new-admin-token");
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->id, "admin2");
  EXPECT_EQ(CodeFor("Bearer admin-token"), absl::StatusCode::kUnauthenticated) << "revoked";
  EXPECT_TRUE(auth_->Authenticate("Bearer viewer-token").ok());
}

TEST_F(AuthTest, NoticesAFileSwappedInWithTheSameSizeAndTime) {
  struct stat before;
  ASSERT_EQ(stat(path_.c_str(), &before), 0);
  // Same length as the original: only the token differs ("admin" -> "admon").
  const std::string swapped =
      TokenFile({Entry("admon-token", "admin", {kDistrictAdmin}),
                 Entry("op-token", "op-gs01", {kStreetOperator, kMediator}, {"GS01"}),
                 Entry("viewer-token", "viewer", {kViewer}),
                 Entry("temp-token", "temp", {kSystem}, {}, "2026-03-01T00:00:00Z")});
  ASSERT_EQ(static_cast<off_t>(swapped.size()), before.st_size);
  const std::string staged = dir_.File("tokens.json.new");
  testing::WriteFile(staged, swapped);
  const timespec times[2] = {before.st_atim, before.st_mtim};
  ASSERT_EQ(utimensat(AT_FDCWD, staged.c_str(), times, 0), 0);
  ASSERT_EQ(std::rename(staged.c_str(), path_.c_str()), 0);

  clock_.Advance(absl::Seconds(1));
  EXPECT_TRUE(auth_->Authenticate("Bearer admon-token").ok());
  EXPECT_EQ(CodeFor("Bearer admin-token"), absl::StatusCode::kUnauthenticated);
}

TEST_F(AuthTest, BrokenOrMissingFileOnReloadKeepsThePreviousTokens) {
  testing::WriteFile(path_, R"({"tokens":[{"sha256":"trunc)");
  clock_.Advance(absl::Seconds(1));
  EXPECT_TRUE(auth_->Authenticate("Bearer admin-token").ok());

  testing::WriteFile(path_, TokenFile({Entry("admin-token", "admin", {"superuser"})}));
  clock_.Advance(absl::Seconds(1));
  EXPECT_TRUE(auth_->Authenticate("Bearer op-token").ok()) << "invalid role: file refused";

  ASSERT_EQ(std::remove(path_.c_str()), 0);
  clock_.Advance(absl::Seconds(1));
  EXPECT_TRUE(auth_->Authenticate("Bearer op-token").ok());

  testing::WriteFile(path_, TokenFile({Entry("fixed-token", "fixed", {kViewer})}));
  clock_.Advance(absl::Seconds(1));
  EXPECT_TRUE(auth_->Authenticate("Bearer fixed-token").ok());
  EXPECT_EQ(CodeFor("Bearer op-token"), absl::StatusCode::kUnauthenticated);
}

TEST_F(AuthTest, OpenRefusesMissingOrInvalidFiles) {
  EXPECT_EQ(TokenAuthenticator::Open(dir_.File("absent.json"), &clock_).status().code(),
            absl::StatusCode::kNotFound);
  const std::string hash = TokenAuthenticator::HashToken("t");
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"not json", "token file"},
      {R"({"tokens":[{"sha256":"abc","principal":"p","roles":["viewer"]}]})", "sha256"},
      {absl::StrCat(R"({"tokens":[{"sha256":")", hash, R"(","roles":["viewer"]}]})"), "principal"},
      {absl::StrCat(R"({"tokens":[{"sha256":")", hash, R"(","principal":"p"}]})"), "roles"},
      {absl::StrCat(R"({"tokens":[{"sha256":")", hash,
                    R"(","principal":"p","roles":["Root Admin"]}]})"),
       "not a role name"},
      {absl::StrCat(R"({"tokens":[{"sha256":")", hash,
                    R"(","principal":"p","roles":["viewer"],"expires":"tomorrow"}]})"),
       "expires"},
      {absl::StrCat(R"({"tokens":[{"sha256":")", hash,
                    R"(","principal":"p","roles":["viewer"],"expiry":"2030-01-01T00:00:00Z"}]})"),
       "expiry"},
      {TokenFile({Entry("t", "a", {kViewer}), Entry("t", "b", {kViewer})}), "duplicate"},
      {TokenFile({Entry("t", "op", {kStreetOperator})}), "streets: required"},
      {TokenFile({Entry("t", "v", {kViewer}, {}, "")}), "expires: required"},
      {TokenFile({Entry("t", "m", {kMediator})}), "streets: required"},
      {TokenFile({Entry("t", "i", {"inspector"})}), "streets: required"},
  };
  for (const auto& [contents, expected] : bad) {
    const std::string path = dir_.File("bad.json");
    testing::WriteFile(path, contents);
    auto opened = TokenAuthenticator::Open(path, &clock_);
    ASSERT_EQ(opened.status().code(), absl::StatusCode::kInvalidArgument) << contents;
    EXPECT_THAT(std::string(opened.status().message()), HasSubstr(expected));
  }
}

TEST_F(AuthTest, UppercaseHashesAreAccepted) {
  std::string entry = Entry("up-token", "up", {kViewer});
  const std::string hash = TokenAuthenticator::HashToken("up-token");
  std::string upper = hash;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  entry.replace(entry.find(hash), hash.size(), upper);
  testing::WriteFile(path_, TokenFile({entry}));
  clock_.Advance(absl::Seconds(1));
  EXPECT_TRUE(auth_->Authenticate("Bearer up-token").ok());
}

TEST(RoleNamesTest, SharedDistrictRolesAndNames) {
  for (const char* role : {kDistrictAdmin, kViewer, kSystem}) EXPECT_TRUE(IsDistrictRole(role));
  EXPECT_FALSE(IsDistrictRole(kStreetOperator));
  EXPECT_FALSE(IsDistrictRole(kMediator));
  for (const char* name : {"mediator", "street_operator", "hazard_inspector2"}) {
    EXPECT_TRUE(IsValidRoleName(name)) << name;
  }
  for (const char* name : {"", "Root", "2nd", "street-operator", "a b", "_x"}) {
    EXPECT_FALSE(IsValidRoleName(name)) << name;
  }
  EXPECT_FALSE(IsValidRoleName(std::string(65, 'a')));
}

TEST(PrincipalTest, ScopeRules) {
  Principal district{"admin", {kDistrictAdmin}, {}};
  Principal street{"op", {kStreetOperator}, {"GS01", "GS02"}};
  Principal viewer{"v", {kViewer}, {"GS01"}};
  Principal none{"n", {}, {}};

  EXPECT_TRUE(district.CanAccessStreet("GS07"));
  EXPECT_TRUE(district.CanAccessStreet("")) << "district-level objects";
  EXPECT_TRUE(street.CanAccessStreet("GS02"));
  EXPECT_FALSE(street.CanAccessStreet("GS03"));
  EXPECT_FALSE(street.CanAccessStreet("")) << "district-level objects are not a street's";

  EXPECT_FALSE(viewer.HasRole(kStreetOperator));
  EXPECT_FALSE(none.HasAnyRole({kDistrictAdmin, kStreetOperator, kViewer, kSystem}));

  EXPECT_TRUE(street.HasRole(kStreetOperator));
  EXPECT_FALSE(street.HasRole(kDistrictAdmin));
  EXPECT_TRUE(street.HasAnyRole({kDistrictAdmin, kStreetOperator}));
  EXPECT_FALSE(street.HasAnyRole({kDistrictAdmin, kMediator}));
  EXPECT_FALSE(street.HasAnyRole({}));
}

}  // namespace
}  // namespace gov::auth

namespace gov::auth {
namespace {

// Who works cases (and sees their details) and who may only read them.
TEST(CaseRolesTest, WorkersReadersAndTheRest) {
  auto with = [](const char* role) {
    Principal p;
    p.id = "p";
    p.roles = {role};
    return p;
  };
  for (const char* role : {kDistrictAdmin, kSystem, kStreetOperator}) {
    EXPECT_TRUE(WorksCases(with(role))) << role;
    EXPECT_TRUE(ReadsCases(with(role))) << role;
  }
  EXPECT_FALSE(WorksCases(with(kViewer)));
  EXPECT_TRUE(ReadsCases(with(kViewer)));
  EXPECT_FALSE(WorksCases(with(kMediator)));
  EXPECT_FALSE(ReadsCases(with(kMediator)));
  const absl::Status denied = Denied(with(kMediator), "merge complaints");
  EXPECT_EQ(denied.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(denied.message(), "principal p may not merge complaints");
}

}  // namespace
}  // namespace gov::auth
