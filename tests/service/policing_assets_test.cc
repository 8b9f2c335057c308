// The forces and assets registry of the policing track end to end: the real track behind the
// real server over gRPC on loopback, on a SQLite file in a temp dir and a real redis-server,
// with a fake clock fixed at Monday 15 June 2026, 10:00 in the district's time zone.

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/auth/auth.h"
#include "common/clock/clock.h"
#include "common/store/repository.h"
#include "common/util/proto.h"
#include "gmock/gmock.h"
#include "governance/policing/v1/policing.grpc.pb.h"
#include "governance/v1/indicators.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "services/policing/assets.h"
#include "services/policing/demo_data.h"
#include "services/policing/track.h"
#include "tests/support/test_support.h"
#include "tests/support/track_harness.h"

namespace gov::policing {
namespace {

namespace gv1 = ::governance::v1;
namespace pv1 = ::governance::policing::v1;
using gov::testing::Describe;
using gov::testing::ExpectRefusals;
using gov::testing::Local;
using gov::testing::Month;
using gov::testing::Outcome;
using gov::testing::Refusal;
using gov::testing::Region;
using pv1::PolicingService;
using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::StartsWith;

constexpr char kAdmin[] = "tok-admin";
constexpr char kSystem[] = "tok-system";
constexpr char kOperator1[] = "tok-operator-gs01";
constexpr char kOperator2[] = "tok-operator-gs02";
constexpr char kOperator12[] = "tok-operator-gs01-gs02";
constexpr char kMediator1[] = "tok-mediator-gs01";
constexpr char kViewer[] = "tok-viewer";

constexpr char kSquads[] = "steward_squads";
constexpr char kTeams[] = "volunteer_team_coverage";
constexpr char kStations[] = "non_police_stations";
constexpr char kCompounds[] = "smart_compounds";
constexpr char kNewCameras[] = "new_camera_points";
constexpr char kUpgradedCameras[] = "upgraded_camera_points";
constexpr char kFiveUnifications[] = "guard_five_unifications_rate";
constexpr char kThreeMembers[] = "grid_three_members_rate";

pv1::Asset NewAsset(pv1::AssetKind kind, const gv1::RegionRef& region,
                    pv1::AssetStatus status = pv1::ASSET_STATUS_IN_SERVICE,
                    const std::string& in_service_date = "2026-01-10") {
  pv1::Asset a;
  a.set_kind(kind);
  a.set_name("和睦社区平安运河管家队");
  *a.mutable_region() = region;
  a.set_status(status);
  if (status == pv1::ASSET_STATUS_IN_SERVICE) a.set_in_service_date(in_service_date);
  if (kind == pv1::ASSET_KIND_CAMERA_POINT) a.set_camera_work(pv1::CAMERA_WORK_NEW);
  return a;
}

pv1::Asset Camera(pv1::CameraWork work, const gv1::RegionRef& region, pv1::AssetStatus status,
                  const std::string& date = "") {
  pv1::Asset a = NewAsset(pv1::ASSET_KIND_CAMERA_POINT, region, status, date);
  a.set_camera_work(work);
  return a;
}

pv1::Asset Guard(bool all_five, const gv1::RegionRef& region, pv1::AssetStatus status,
                 const std::string& date = "") {
  pv1::Asset a = NewAsset(pv1::ASSET_KIND_GUARD_UNIT, region, status, date);
  pv1::GuardStandards* s = a.mutable_guard_standards();
  s->set_uniform(true);
  s->set_training(true);
  s->set_equipment(true);
  s->set_management(true);
  s->set_assessment(all_five);
  return a;
}

// A grid's staff with all three members, or without its patrol officer.
pv1::Asset GridStaff(bool all_three, const gv1::RegionRef& region, pv1::AssetStatus status,
                     const std::string& date = "") {
  pv1::Asset a = NewAsset(pv1::ASSET_KIND_GRID_STAFF, region, status, date);
  pv1::GridStaffing* s = a.mutable_grid_staffing();
  s->set_grid_member(true);
  s->set_community_police(true);
  s->set_patrol_officer(all_three);
  return a;
}

std::vector<std::string> Ids(const std::vector<pv1::Asset>& assets) {
  std::vector<std::string> out;
  for (const pv1::Asset& a : assets) out.push_back(a.id());
  return out;
}

class PolicingAssetsTest : public ::testing::Test {
 protected:
  PolicingAssetsTest() : clock_(Local(2026, 6, 15, 10, 0)) {}

  void SetUp() override {
    ASSERT_TRUE(h_.Start(track::Factory<PolicingTrack>("policing")).ok());
    stub_ = PolicingService::NewStub(h_.channel());
  }

  static std::vector<gov::testing::TestToken> Tokens() {
    return {
        {kAdmin, "admin", auth::kDistrictAdmin, {}},
        {kSystem, "asset-platform", auth::kSystem, {}},
        {kOperator1, "operator-gs01", auth::kStreetOperator, {"GS01"}},
        {kOperator2, "operator-gs02", auth::kStreetOperator, {"GS02"}},
        {kOperator12, "operator-gs01-gs02", auth::kStreetOperator, {"GS01", "GS02"}},
        {kMediator1, "mediator-gs01", "mediator", {"GS01"}},
        {kViewer, "viewer", auth::kViewer, {}},
    };
  }

  Outcome TryRegister(const std::string& token, const std::string& request_id,
                      const pv1::Asset& asset, pv1::Asset* out = nullptr) {
    pv1::RegisterAssetRequest request;
    request.set_request_id(request_id);
    *request.mutable_asset() = asset;
    pv1::RegisterAssetResponse response;
    Outcome o = h_.Rpc(
        token, [&](grpc::ClientContext* c) { return stub_->RegisterAsset(c, request, &response); });
    if (out != nullptr) *out = response.asset();
    return o;
  }

  pv1::Asset Register(const pv1::Asset& asset, const std::string& token = kAdmin) {
    pv1::Asset out;
    const Outcome o = TryRegister(token, absl::StrCat("req-", ++requests_), asset, &out);
    EXPECT_TRUE(o.status.ok()) << Describe(o);
    return out;
  }

  Outcome TryUpdate(const std::string& token, const pv1::Asset& asset, pv1::Asset* out = nullptr) {
    pv1::UpdateAssetRequest request;
    *request.mutable_asset() = asset;
    pv1::UpdateAssetResponse response;
    Outcome o = h_.Rpc(
        token, [&](grpc::ClientContext* c) { return stub_->UpdateAsset(c, request, &response); });
    if (out != nullptr) *out = response.asset();
    return o;
  }

  Outcome TryGet(const std::string& token, const std::string& id, pv1::Asset* out = nullptr) {
    pv1::GetAssetRequest request;
    request.set_id(id);
    pv1::GetAssetResponse response;
    Outcome o = h_.Rpc(
        token, [&](grpc::ClientContext* c) { return stub_->GetAsset(c, request, &response); });
    if (out != nullptr) *out = response.asset();
    return o;
  }

  Outcome TryList(const std::string& token, const pv1::ListAssetsRequest& request,
                  pv1::ListAssetsResponse* out = nullptr) {
    pv1::ListAssetsResponse response;
    Outcome o = h_.Rpc(
        token, [&](grpc::ClientContext* c) { return stub_->ListAssets(c, request, &response); });
    if (out != nullptr) *out = response;
    return o;
  }

  // Every asset of a list, read in pages of `page_size`.
  std::vector<pv1::Asset> ListAll(pv1::ListAssetsRequest request, int page_size = 500,
                                  const std::string& token = kAdmin) {
    std::vector<pv1::Asset> all;
    request.set_page_size(page_size);
    for (int pages = 0; pages < 100; ++pages) {
      pv1::ListAssetsResponse response;
      const Outcome o = TryList(token, request, &response);
      EXPECT_TRUE(o.status.ok()) << Describe(o);
      if (!o.status.ok()) break;
      EXPECT_LE(response.assets_size(), page_size);
      all.insert(all.end(), response.assets().begin(), response.assets().end());
      if (response.next_page_token().empty()) break;
      request.set_page_token(response.next_page_token());
    }
    return all;
  }

  std::map<std::string, gv1::Indicator> Indicators(const gv1::Period& period,
                                                   const gv1::RegionRef& region = {},
                                                   const std::string& token = kAdmin) {
    return h_.Indicators(token, period, region);
  }

  // The asset indicators' actual values, "-" where there is no data.
  std::map<std::string, std::string> Actuals(const gv1::Period& period,
                                             const gv1::RegionRef& region = {},
                                             const std::string& token = kAdmin) {
    std::map<std::string, std::string> out;
    for (const auto& [id, indicator] : Indicators(period, region, token)) {
      if (id != kSquads && id != kTeams && id != kStations && id != kCompounds &&
          id != kNewCameras && id != kUpgradedCameras && id != kFiveUnifications &&
          id != kThreeMembers) {
        continue;
      }
      out[id] = indicator.has_data() ? absl::StrCat(indicator.actual()) : "-";
    }
    return out;
  }

  PolicingTrack& track() { return static_cast<PolicingTrack&>(h_.track()); }

  FakeClock clock_;
  gov::testing::TrackHarness h_{"policing", &clock_, Tokens()};
  std::unique_ptr<PolicingService::Stub> stub_;
  int requests_ = 0;
};

// ---- RegisterAsset ----

TEST_F(PolicingAssetsTest, RegistersEveryKind) {
  std::vector<pv1::Asset> sent = {
      NewAsset(pv1::ASSET_KIND_STEWARD_SQUAD, Region("GS01")),
      NewAsset(pv1::ASSET_KIND_VOLUNTEER_TEAM, Region("GS01", "GS01-C01")),
      NewAsset(pv1::ASSET_KIND_NON_POLICE_STATION, Region("GS02"), pv1::ASSET_STATUS_PLANNED),
      NewAsset(pv1::ASSET_KIND_SMART_COMPOUND, Region("GS01", "GS01-C02"),
               pv1::ASSET_STATUS_BUILDING),
      Camera(pv1::CAMERA_WORK_UPGRADED, Region("GS01", "GS01-C01", "GS01-C01-G02"),
             pv1::ASSET_STATUS_IN_SERVICE, "2026-06-15"),
      Guard(true, Region("GS02", "GS02-C01"), pv1::ASSET_STATUS_IN_SERVICE, "2025-12-31"),
      GridStaff(false, Region("GS02", "GS02-C01", "GS02-C01-G03"), pv1::ASSET_STATUS_IN_SERVICE,
                "2026-05-20"),
  };
  sent[0].set_members(12);
  sent[1].set_members(40);
  std::vector<std::string> ids;
  for (const pv1::Asset& asset : sent) {
    const pv1::Asset stored = Register(asset);
    EXPECT_THAT(stored.id(), StartsWith("A-"));
    EXPECT_EQ(stored.etag(), "v1");
    EXPECT_EQ(FromTimestamp(stored.create_time()), clock_.Now());
    EXPECT_EQ(FromTimestamp(stored.update_time()), clock_.Now());
    pv1::Asset expected = asset;
    expected.set_id(stored.id());
    expected.set_etag("v1");
    *expected.mutable_create_time() = stored.create_time();
    *expected.mutable_update_time() = stored.update_time();
    EXPECT_EQ(stored.DebugString(), expected.DebugString());

    pv1::Asset got;
    const Outcome o = TryGet(kViewer, stored.id(), &got);
    ASSERT_TRUE(o.status.ok()) << Describe(o);
    EXPECT_EQ(got.DebugString(), stored.DebugString());
    ids.push_back(stored.id());
  }
  EXPECT_THAT(Ids(ListAll({})), ElementsAreArray(ids));
  // A system (the asset platform) registers too.
  EXPECT_THAT(Register(NewAsset(pv1::ASSET_KIND_STEWARD_SQUAD, Region("GS03")), kSystem).id(),
              StartsWith("A-"));
}

TEST_F(PolicingAssetsTest, RetriedRegisterReturnsTheFirstAssetAndConflictsAreRefused) {
  const pv1::Asset asset = NewAsset(pv1::ASSET_KIND_STEWARD_SQUAD, Region("GS01"));
  pv1::Asset first;
  ASSERT_TRUE(TryRegister(kAdmin, "retry-1", asset, &first).status.ok());
  clock_.Advance(absl::Minutes(5));
  pv1::Asset again;
  const Outcome retry = TryRegister(kAdmin, "retry-1", asset, &again);
  ASSERT_TRUE(retry.status.ok()) << Describe(retry);
  EXPECT_EQ(again.DebugString(), first.DebugString());

  pv1::Asset other = asset;
  other.set_name("另一支队伍");
  EXPECT_EQ(TryRegister(kAdmin, "retry-1", other).code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_THAT(Ids(ListAll({})), ElementsAre(first.id()));
}

TEST_F(PolicingAssetsTest, RefusesBadInputNamingTheFieldAndWritesNothing) {
  auto asset = [](pv1::RegisterAssetRequest& r) { return r.mutable_asset(); };
  const std::vector<Refusal<pv1::RegisterAssetRequest>> cases = {
      {"no request id", [](auto& r) { r.clear_request_id(); }, "request_id"},
      {"long request id", [](auto& r) { r.set_request_id(std::string(129, 'r')); }, "request_id"},
      {"no kind", [&](auto& r) { asset(r)->clear_kind(); }, "asset.kind"},
      {"unknown kind", [&](auto& r) { asset(r)->set_kind(static_cast<pv1::AssetKind>(99)); },
       "asset.kind"},
      {"no name", [&](auto& r) { asset(r)->clear_name(); }, "asset.name"},
      {"long name", [&](auto& r) { asset(r)->set_name(std::string(101, 'n')); }, "asset.name"},
      {"no street", [&](auto& r) { *asset(r)->mutable_region() = Region(""); },
       "asset.region.street_id"},
      {"unknown street", [&](auto& r) { *asset(r)->mutable_region() = Region("GS99"); },
       "asset.region.street_id"},
      {"community of another street",
       [&](auto& r) { *asset(r)->mutable_region() = Region("GS01", "GS02-C01"); },
       "asset.region.community_id"},
      {"grid of another community",
       [&](auto& r) { *asset(r)->mutable_region() = Region("GS01", "GS01-C01", "GS01-C02-G01"); },
       "asset.region.grid_id"},
      {"team without community",
       [&](auto& r) {
         asset(r)->set_kind(pv1::ASSET_KIND_VOLUNTEER_TEAM);
         *asset(r)->mutable_region() = Region("GS01");
       },
       "asset.region.community_id"},
      {"compound without community",
       [&](auto& r) {
         asset(r)->set_kind(pv1::ASSET_KIND_SMART_COMPOUND);
         *asset(r)->mutable_region() = Region("GS01");
       },
       "asset.region.community_id"},
      {"no status", [&](auto& r) { asset(r)->clear_status(); }, "asset.status"},
      {"unknown status", [&](auto& r) { asset(r)->set_status(static_cast<pv1::AssetStatus>(42)); },
       "asset.status"},
      {"in service without date", [&](auto& r) { asset(r)->clear_in_service_date(); },
       "asset.in_service_date"},
      {"no such day", [&](auto& r) { asset(r)->set_in_service_date("2026-02-30"); },
       "asset.in_service_date"},
      {"not a date", [&](auto& r) { asset(r)->set_in_service_date("2026/06/01"); },
       "asset.in_service_date"},
      {"tomorrow", [&](auto& r) { asset(r)->set_in_service_date("2026-06-16"); },
       "asset.in_service_date"},
      {"before 2000", [&](auto& r) { asset(r)->set_in_service_date("1999-12-31"); },
       "asset.in_service_date"},
      {"planned with a date", [&](auto& r) { asset(r)->set_status(pv1::ASSET_STATUS_PLANNED); },
       "asset.in_service_date"},
      {"building with a date", [&](auto& r) { asset(r)->set_status(pv1::ASSET_STATUS_BUILDING); },
       "asset.in_service_date"},
      {"negative members", [&](auto& r) { asset(r)->set_members(-1); }, "asset.members"},
      {"too many members", [&](auto& r) { asset(r)->set_members(10001); }, "asset.members"},
      {"members of a station",
       [&](auto& r) {
         asset(r)->set_kind(pv1::ASSET_KIND_NON_POLICE_STATION);
         asset(r)->set_members(5);
       },
       "asset.members"},
      {"camera without work",
       [&](auto& r) {
         asset(r)->set_kind(pv1::ASSET_KIND_CAMERA_POINT);
         *asset(r)->mutable_region() = Region("GS01", "GS01-C01");
       },
       "asset.camera_work"},
      {"camera work of a squad", [&](auto& r) { asset(r)->set_camera_work(pv1::CAMERA_WORK_NEW); },
       "asset.camera_work"},
      {"standards of a squad",
       [&](auto& r) { asset(r)->mutable_guard_standards()->set_uniform(true); },
       "asset.guard_standards"},
      {"grid staff without a grid",
       [&](auto& r) {
         asset(r)->set_kind(pv1::ASSET_KIND_GRID_STAFF);
         *asset(r)->mutable_region() = Region("GS01", "GS01-C01");
       },
       "asset.region.grid_id"},
      {"grid staff of a street", [&](auto& r) { asset(r)->set_kind(pv1::ASSET_KIND_GRID_STAFF); },
       "asset.region.grid_id"},
      {"staffing of a squad",
       [&](auto& r) { asset(r)->mutable_grid_staffing()->set_grid_member(true); },
       "asset.grid_staffing"},
      {"staffing of a guard unit",
       [&](auto& r) {
         asset(r)->set_kind(pv1::ASSET_KIND_GUARD_UNIT);
         asset(r)->mutable_grid_staffing()->set_patrol_officer(true);
       },
       "asset.grid_staffing"},
  };
  pv1::RegisterAssetRequest valid;
  valid.set_request_id("bad-input");
  *valid.mutable_asset() = NewAsset(pv1::ASSET_KIND_STEWARD_SQUAD, Region("GS01"));
  ExpectRefusals<pv1::RegisterAssetRequest>(h_, valid, cases, [&](const auto& request) {
    return TryRegister(kAdmin, request.request_id(), request.asset());
  });
  EXPECT_TRUE(ListAll({}).empty());

  // The edges that are fine: 100 characters, today, 10000 members, a retired asset with or
  // without its day.
  pv1::Asset edge = NewAsset(pv1::ASSET_KIND_VOLUNTEER_TEAM, Region("GS01", "GS01-C01"),
                             pv1::ASSET_STATUS_IN_SERVICE, "2026-06-15");
  edge.set_name(std::string(100, 'n'));
  edge.set_members(10000);
  Register(edge);
  pv1::Asset retired =
      NewAsset(pv1::ASSET_KIND_STEWARD_SQUAD, Region("GS01"), pv1::ASSET_STATUS_RETIRED);
  Register(retired);
  retired.set_in_service_date("2020-03-01");
  Register(retired);
  EXPECT_EQ(ListAll({}).size(), 3u);
}

// ---- UpdateAsset ----

TEST_F(PolicingAssetsTest, UpdateReplacesTheAssetUnderItsEtag) {
  const pv1::Asset planned = Register(NewAsset(
      pv1::ASSET_KIND_VOLUNTEER_TEAM, Region("GS01", "GS01-C01"), pv1::ASSET_STATUS_PLANNED));
  clock_.Advance(absl::Hours(2));
  pv1::Asset next = planned;
  next.set_name("和睦社区平安志愿者队伍");
  next.set_status(pv1::ASSET_STATUS_IN_SERVICE);
  next.set_in_service_date("2026-06-14");
  next.set_members(36);
  pv1::Asset updated;
  Outcome o = TryUpdate(kOperator1, next, &updated);
  ASSERT_TRUE(o.status.ok()) << Describe(o);
  EXPECT_EQ(updated.etag(), "v2");
  EXPECT_EQ(updated.name(), "和睦社区平安志愿者队伍");
  EXPECT_EQ(updated.status(), pv1::ASSET_STATUS_IN_SERVICE);
  EXPECT_EQ(updated.members(), 36);
  EXPECT_EQ(FromTimestamp(updated.create_time()), FromTimestamp(planned.create_time()));
  EXPECT_EQ(FromTimestamp(updated.update_time()), clock_.Now());
  pv1::Asset got;
  ASSERT_TRUE(TryGet(kAdmin, planned.id(), &got).status.ok());
  EXPECT_EQ(got.DebugString(), updated.DebugString());

  // The old etag is stale; an empty one is refused before anything is read.
  EXPECT_EQ(TryUpdate(kAdmin, next).code(), grpc::StatusCode::ABORTED);
  next.clear_etag();
  o = TryUpdate(kAdmin, next);
  EXPECT_EQ(o.code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(o.field, "asset.etag");

  // Kind and place stay.
  pv1::Asset moved = updated;
  moved.set_kind(pv1::ASSET_KIND_SMART_COMPOUND);
  o = TryUpdate(kAdmin, moved);
  EXPECT_EQ(o.code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(o.field, "asset.kind");
  moved = updated;
  *moved.mutable_region() = Region("GS01", "GS01-C02");
  o = TryUpdate(kAdmin, moved);
  EXPECT_EQ(o.code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(o.field, "asset.region.community_id");
  moved = updated;
  *moved.mutable_region() = Region("GS02", "GS02-C01");
  o = TryUpdate(kAdmin, moved);
  EXPECT_EQ(o.code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(o.field, "asset.region.street_id");
  // The replaced fields are validated as on registration.
  moved = updated;
  moved.clear_in_service_date();
  o = TryUpdate(kAdmin, moved);
  EXPECT_EQ(o.code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(o.field, "asset.in_service_date");

  // Unknown and missing ids.
  moved = updated;
  moved.set_id("A-999999");
  EXPECT_EQ(TryUpdate(kAdmin, moved).code(), grpc::StatusCode::NOT_FOUND);
  moved.clear_id();
  o = TryUpdate(kAdmin, moved);
  EXPECT_EQ(o.code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(o.field, "asset.id");
  ASSERT_TRUE(TryGet(kAdmin, planned.id(), &got).status.ok());
  EXPECT_EQ(got.etag(), "v2");
}

TEST_F(PolicingAssetsTest, RetiredIsFinal) {
  const pv1::Asset squad = Register(NewAsset(pv1::ASSET_KIND_STEWARD_SQUAD, Region("GS01")));
  pv1::Asset retired = squad;
  retired.set_status(pv1::ASSET_STATUS_RETIRED);
  ASSERT_TRUE(TryUpdate(kAdmin, retired, &retired).status.ok());
  EXPECT_EQ(retired.in_service_date(), "2026-01-10");

  pv1::Asset back = retired;
  back.set_status(pv1::ASSET_STATUS_IN_SERVICE);
  EXPECT_EQ(TryUpdate(kAdmin, back).code(), grpc::StatusCode::FAILED_PRECONDITION);
  back.set_status(pv1::ASSET_STATUS_PLANNED);
  back.clear_in_service_date();
  EXPECT_EQ(TryUpdate(kAdmin, back).code(), grpc::StatusCode::FAILED_PRECONDITION);
  // A retired asset's record may still be corrected.
  pv1::Asset renamed = retired;
  renamed.set_name("和睦社区平安运河管家队（已撤销）");
  pv1::Asset out;
  const Outcome o = TryUpdate(kAdmin, renamed, &out);
  ASSERT_TRUE(o.status.ok()) << Describe(o);
  EXPECT_EQ(out.status(), pv1::ASSET_STATUS_RETIRED);
  EXPECT_EQ(out.etag(), "v3");
}

// ---- Scope ----

TEST_F(PolicingAssetsTest, CallersKeepToTheirStreets) {
  const pv1::Asset gs01 =
      Register(NewAsset(pv1::ASSET_KIND_STEWARD_SQUAD, Region("GS01")), kOperator1);
  EXPECT_EQ(
      TryRegister(kOperator1, "op-gs02", NewAsset(pv1::ASSET_KIND_STEWARD_SQUAD, Region("GS02")))
          .code(),
      grpc::StatusCode::PERMISSION_DENIED);
  const pv1::Asset gs02 =
      Register(NewAsset(pv1::ASSET_KIND_STEWARD_SQUAD, Region("GS02")), kOperator2);

  // Another street's operator neither reads nor changes it.
  EXPECT_EQ(TryGet(kOperator2, gs01.id()).code(), grpc::StatusCode::PERMISSION_DENIED);
  pv1::Asset edit = gs01;
  edit.set_members(9);
  EXPECT_EQ(TryUpdate(kOperator2, edit).code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(Ids(ListAll({}, 500, kOperator2)), ElementsAre(gs02.id()));
  pv1::ListAssetsRequest other_street;
  *other_street.mutable_region() = Region("GS01");
  EXPECT_EQ(TryList(kOperator2, other_street).code(), grpc::StatusCode::PERMISSION_DENIED);

  // Viewers and mediators read within their scope but do not write.
  ASSERT_TRUE(TryGet(kViewer, gs01.id()).status.ok());
  ASSERT_TRUE(TryGet(kMediator1, gs01.id()).status.ok());
  EXPECT_EQ(TryGet(kMediator1, gs02.id()).code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(Ids(ListAll({}, 500, kViewer)), ElementsAre(gs01.id(), gs02.id()));
  EXPECT_THAT(Ids(ListAll({}, 500, kMediator1)), ElementsAre(gs01.id()));
  for (const char* token : {kViewer, kMediator1}) {
    EXPECT_EQ(TryRegister(token, "reader", NewAsset(pv1::ASSET_KIND_STEWARD_SQUAD, Region("GS01")))
                  .code(),
              grpc::StatusCode::PERMISSION_DENIED)
        << token;
    EXPECT_EQ(TryUpdate(token, edit).code(), grpc::StatusCode::PERMISSION_DENIED) << token;
  }
  EXPECT_EQ(TryGet("", gs01.id()).code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(TryGet(kAdmin, "A-999999").code(), grpc::StatusCode::NOT_FOUND);
  const Outcome o = TryGet(kAdmin, "");
  EXPECT_EQ(o.code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(o.field, "id");
}

// ---- ListAssets ----

TEST_F(PolicingAssetsTest, ListFiltersAndPages) {
  const std::string squad = Register(NewAsset(pv1::ASSET_KIND_STEWARD_SQUAD, Region("GS01"))).id();
  const std::string team =
      Register(NewAsset(pv1::ASSET_KIND_VOLUNTEER_TEAM, Region("GS01", "GS01-C01"))).id();
  const std::string building_camera =
      Register(Camera(pv1::CAMERA_WORK_NEW, Region("GS01", "GS01-C02"), pv1::ASSET_STATUS_BUILDING))
          .id();
  const std::string camera = Register(Camera(pv1::CAMERA_WORK_UPGRADED, Region("GS02", "GS02-C01"),
                                             pv1::ASSET_STATUS_IN_SERVICE, "2026-03-01"))
                                 .id();
  const std::string station = Register(NewAsset(pv1::ASSET_KIND_NON_POLICE_STATION, Region("GS02"),
                                                pv1::ASSET_STATUS_PLANNED))
                                  .id();
  const std::string guard =
      Register(Guard(true, Region("GS01", "GS01-C01"), pv1::ASSET_STATUS_IN_SERVICE, "2026-02-01"))
          .id();
  const std::string staff = Register(GridStaff(true, Region("GS01", "GS01-C01", "GS01-C01-G03"),
                                               pv1::ASSET_STATUS_IN_SERVICE, "2026-02-01"))
                                .id();

  pv1::ListAssetsRequest by_kind;
  by_kind.set_kind(pv1::ASSET_KIND_CAMERA_POINT);
  EXPECT_THAT(Ids(ListAll(by_kind)), ElementsAre(building_camera, camera));
  pv1::ListAssetsRequest in_service;
  in_service.set_status(pv1::ASSET_STATUS_IN_SERVICE);
  EXPECT_THAT(Ids(ListAll(in_service)), ElementsAre(squad, team, camera, guard, staff));
  // Across kinds, one at a time: the pages follow the ids.
  EXPECT_THAT(Ids(ListAll(in_service, 1)), ElementsAre(squad, team, camera, guard, staff));
  pv1::ListAssetsRequest both = by_kind;
  both.set_status(pv1::ASSET_STATUS_IN_SERVICE);
  EXPECT_THAT(Ids(ListAll(both)), ElementsAre(camera));
  pv1::ListAssetsRequest street;
  *street.mutable_region() = Region("GS01");
  EXPECT_THAT(Ids(ListAll(street)), ElementsAre(squad, team, building_camera, guard, staff));
  pv1::ListAssetsRequest community;
  *community.mutable_region() = Region("GS01", "GS01-C01");
  EXPECT_THAT(Ids(ListAll(community)), ElementsAre(team, guard, staff));
  EXPECT_THAT(Ids(ListAll({}, 4)),
              ElementsAre(squad, team, building_camera, camera, station, guard, staff));

  // A token belongs to its filter.
  pv1::ListAssetsResponse first;
  in_service.set_page_size(2);
  ASSERT_TRUE(TryList(kAdmin, in_service, &first).status.ok());
  ASSERT_FALSE(first.next_page_token().empty());
  pv1::ListAssetsRequest other = by_kind;
  other.set_page_size(2);
  other.set_page_token(first.next_page_token());
  Outcome o = TryList(kAdmin, other);
  EXPECT_EQ(o.code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(o.field, "page_token");
  other = in_service;
  other.set_page_token("garbage");
  EXPECT_EQ(TryList(kAdmin, other).field, "page_token");

  struct Bad {
    std::function<void(pv1::ListAssetsRequest&)> edit;
    std::string field;
  };
  const std::vector<Bad> bad = {
      {[](auto& r) { r.set_page_size(-1); }, "page_size"},
      {[](auto& r) { r.set_kind(static_cast<pv1::AssetKind>(99)); }, "kind"},
      {[](auto& r) { r.set_status(static_cast<pv1::AssetStatus>(99)); }, "status"},
      {[](auto& r) { *r.mutable_region() = Region("GS99"); }, "region.street_id"},
      {[](auto& r) { *r.mutable_region() = Region("", "GS01-C01"); }, "region.street_id"},
      {[](auto& r) { *r.mutable_region() = Region("GS01", "GS02-C01"); }, "region.community_id"},
      {[](auto& r) { *r.mutable_region() = Region("GS01", "GS01-C01", "GS01-C01-G01"); },
       "region.grid_id"},
  };
  for (const Bad& b : bad) {
    pv1::ListAssetsRequest request;
    b.edit(request);
    o = TryList(kAdmin, request);
    EXPECT_EQ(o.code(), grpc::StatusCode::INVALID_ARGUMENT) << b.field;
    EXPECT_EQ(o.field, b.field);
  }
  // Above the maximum is lowered to it.
  pv1::ListAssetsRequest large;
  large.set_page_size(100000);
  pv1::ListAssetsResponse all;
  ASSERT_TRUE(TryList(kAdmin, large, &all).status.ok());
  EXPECT_EQ(all.assets_size(), 7);
}

// ---- Indicators ----

// A small registry over GS01 and GS02 and the indicators computed by hand for June and May 2026.
TEST_F(PolicingAssetsTest, IndicatorsCountWhatIsInServiceByThePeriodsEnd) {
  using pv1::ASSET_STATUS_BUILDING;
  using pv1::ASSET_STATUS_IN_SERVICE;
  using pv1::ASSET_STATUS_PLANNED;
  using pv1::ASSET_STATUS_RETIRED;
  // Squads: GS01 since January, GS01-C01 since 1 June, GS02 since December; one being formed
  // and one retired do not count.
  Register(NewAsset(pv1::ASSET_KIND_STEWARD_SQUAD, Region("GS01"), ASSET_STATUS_IN_SERVICE,
                    "2026-01-10"));
  Register(NewAsset(pv1::ASSET_KIND_STEWARD_SQUAD, Region("GS01", "GS01-C01"),
                    ASSET_STATUS_IN_SERVICE, "2026-06-01"));
  Register(NewAsset(pv1::ASSET_KIND_STEWARD_SQUAD, Region("GS02"), ASSET_STATUS_IN_SERVICE,
                    "2025-12-01"));
  Register(NewAsset(pv1::ASSET_KIND_STEWARD_SQUAD, Region("GS01"), ASSET_STATUS_BUILDING));
  pv1::Asset retired =
      NewAsset(pv1::ASSET_KIND_STEWARD_SQUAD, Region("GS02"), ASSET_STATUS_RETIRED);
  retired.set_in_service_date("2025-01-01");
  Register(retired);
  // Teams: GS01-C01 twice (since March and February), GS01-C02 since 10 June, GS02-C01 since
  // last May; GS01-C03's is only planned.
  Register(NewAsset(pv1::ASSET_KIND_VOLUNTEER_TEAM, Region("GS01", "GS01-C01"),
                    ASSET_STATUS_IN_SERVICE, "2026-03-01"));
  Register(NewAsset(pv1::ASSET_KIND_VOLUNTEER_TEAM, Region("GS01", "GS01-C01"),
                    ASSET_STATUS_IN_SERVICE, "2026-02-01"));
  Register(NewAsset(pv1::ASSET_KIND_VOLUNTEER_TEAM, Region("GS01", "GS01-C02"),
                    ASSET_STATUS_IN_SERVICE, "2026-06-10"));
  Register(NewAsset(pv1::ASSET_KIND_VOLUNTEER_TEAM, Region("GS02", "GS02-C01"),
                    ASSET_STATUS_IN_SERVICE, "2025-05-01"));
  Register(
      NewAsset(pv1::ASSET_KIND_VOLUNTEER_TEAM, Region("GS01", "GS01-C03"), ASSET_STATUS_PLANNED));
  // A station of GS01 since April; a compound of GS01-C01 since 31 May (the last day of May),
  // another being built.
  Register(NewAsset(pv1::ASSET_KIND_NON_POLICE_STATION, Region("GS01"), ASSET_STATUS_IN_SERVICE,
                    "2026-04-01"));
  Register(NewAsset(pv1::ASSET_KIND_SMART_COMPOUND, Region("GS01", "GS01-C01"),
                    ASSET_STATUS_IN_SERVICE, "2026-05-31"));
  Register(
      NewAsset(pv1::ASSET_KIND_SMART_COMPOUND, Region("GS02", "GS02-C02"), ASSET_STATUS_BUILDING));
  // Cameras: new at GS01-C01 since today, new at GS02-C01 since January, upgraded at GS01-C02
  // since February; a new one still being built.
  Register(Camera(pv1::CAMERA_WORK_NEW, Region("GS01", "GS01-C01", "GS01-C01-G01"),
                  ASSET_STATUS_IN_SERVICE, "2026-06-15"));
  Register(Camera(pv1::CAMERA_WORK_NEW, Region("GS02", "GS02-C01"), ASSET_STATUS_IN_SERVICE,
                  "2026-01-01"));
  Register(Camera(pv1::CAMERA_WORK_UPGRADED, Region("GS01", "GS01-C02"), ASSET_STATUS_IN_SERVICE,
                  "2026-02-02"));
  Register(Camera(pv1::CAMERA_WORK_NEW, Region("GS01", "GS01-C01"), ASSET_STATUS_BUILDING));
  // Guards: GS01-C01 meets all five, GS01-C02 misses one (both since January), GS02-C01 meets
  // all five since 5 June; one being set up and one retired do not count.
  Register(Guard(true, Region("GS01", "GS01-C01"), ASSET_STATUS_IN_SERVICE, "2026-01-01"));
  Register(Guard(false, Region("GS01", "GS01-C02"), ASSET_STATUS_IN_SERVICE, "2026-01-01"));
  Register(Guard(true, Region("GS02", "GS02-C01"), ASSET_STATUS_IN_SERVICE, "2026-06-05"));
  Register(Guard(true, Region("GS01", "GS01-C01"), ASSET_STATUS_BUILDING));
  Register(Guard(false, Region("GS02", "GS02-C01"), ASSET_STATUS_RETIRED));
  // Grids' staff: GS01-C01-G01 with all three and GS01-C01-G02 without its patrol officer (both
  // since January), GS01-C02-G01 with all three since 3 June, GS02-C01-G01 with all three since
  // February, GS02-C01-G02 without its patrol officer since 10 June; one being staffed and one
  // retired do not count.
  Register(GridStaff(true, Region("GS01", "GS01-C01", "GS01-C01-G01"), ASSET_STATUS_IN_SERVICE,
                     "2026-01-01"));
  Register(GridStaff(false, Region("GS01", "GS01-C01", "GS01-C01-G02"), ASSET_STATUS_IN_SERVICE,
                     "2026-01-01"));
  Register(GridStaff(true, Region("GS01", "GS01-C02", "GS01-C02-G01"), ASSET_STATUS_IN_SERVICE,
                     "2026-06-03"));
  Register(GridStaff(true, Region("GS02", "GS02-C01", "GS02-C01-G01"), ASSET_STATUS_IN_SERVICE,
                     "2026-02-01"));
  Register(GridStaff(false, Region("GS02", "GS02-C01", "GS02-C01-G02"), ASSET_STATUS_IN_SERVICE,
                     "2026-06-10"));
  Register(GridStaff(true, Region("GS01", "GS01-C03", "GS01-C03-G01"), ASSET_STATUS_BUILDING));
  Register(GridStaff(true, Region("GS02", "GS02-C01", "GS02-C01-G03"), ASSET_STATUS_RETIRED));

  using Values = std::map<std::string, std::string>;
  // District, June: 3 of 95 communities have a team (30000 / 95 = 315.8), 2 of 3 guard units
  // meet all five, 3 of 5 grids' staff have all three members.
  EXPECT_EQ(Actuals(Month(2026, 6)), (Values{{kSquads, "3"},
                                             {kTeams, "316"},
                                             {kStations, "1"},
                                             {kCompounds, "1"},
                                             {kNewCameras, "2"},
                                             {kUpgradedCameras, "1"},
                                             {kFiveUnifications, "6667"},
                                             {kThreeMembers, "6000"}}));
  // District, May: what entered service in June is not counted yet; 31 May is. Grids' staff:
  // 2 of 3.
  EXPECT_EQ(Actuals(Month(2026, 5)), (Values{{kSquads, "2"},
                                             {kTeams, "211"},
                                             {kStations, "1"},
                                             {kCompounds, "1"},
                                             {kNewCameras, "1"},
                                             {kUpgradedCameras, "1"},
                                             {kFiveUnifications, "5000"},
                                             {kThreeMembers, "6667"}}));
  // GS01 (10 communities), June and May: grids' staff 2 of 3, then 1 of 2 before GS01-C02-G01's
  // came into service.
  EXPECT_EQ(Actuals(Month(2026, 6), Region("GS01")), (Values{{kSquads, "2"},
                                                             {kTeams, "2000"},
                                                             {kStations, "1"},
                                                             {kCompounds, "1"},
                                                             {kNewCameras, "1"},
                                                             {kUpgradedCameras, "1"},
                                                             {kFiveUnifications, "5000"},
                                                             {kThreeMembers, "6667"}}));
  EXPECT_EQ(Actuals(Month(2026, 5), Region("GS01")), (Values{{kSquads, "1"},
                                                             {kTeams, "1000"},
                                                             {kStations, "1"},
                                                             {kCompounds, "1"},
                                                             {kNewCameras, "0"},
                                                             {kUpgradedCameras, "1"},
                                                             {kFiveUnifications, "5000"},
                                                             {kThreeMembers, "5000"}}));
  // GS01 and GS02 together (a caller of both streets): 19 communities, 3 with a team.
  EXPECT_EQ(Actuals(Month(2026, 6), {}, kOperator12), (Values{{kSquads, "3"},
                                                              {kTeams, "1579"},
                                                              {kStations, "1"},
                                                              {kCompounds, "1"},
                                                              {kNewCameras, "2"},
                                                              {kUpgradedCameras, "1"},
                                                              {kFiveUnifications, "6667"},
                                                              {kThreeMembers, "6000"}}));
  // March and April: the station and the compound were not there yet.
  EXPECT_EQ(Actuals(Month(2026, 3), Region("GS01"))[kStations], "0");
  EXPECT_EQ(Actuals(Month(2026, 4), Region("GS01"))[kCompounds], "0");
  // Community GS01-C01, June (grids' staff 1 of 2); GS01-C03 has a planned team, no guard unit
  // and only grid staff being formed.
  EXPECT_EQ(Actuals(Month(2026, 6), Region("GS01", "GS01-C01")),
            (Values{{kSquads, "1"},
                    {kTeams, "10000"},
                    {kStations, "0"},
                    {kCompounds, "1"},
                    {kNewCameras, "1"},
                    {kUpgradedCameras, "0"},
                    {kFiveUnifications, "10000"},
                    {kThreeMembers, "5000"}}));
  EXPECT_EQ(Actuals(Month(2026, 6), Region("GS01", "GS01-C03")), (Values{{kSquads, "0"},
                                                                         {kTeams, "0"},
                                                                         {kStations, "0"},
                                                                         {kCompounds, "0"},
                                                                         {kNewCameras, "0"},
                                                                         {kUpgradedCameras, "0"},
                                                                         {kFiveUnifications, "-"},
                                                                         {kThreeMembers, "-"}}));

  // Targets, units and colours.
  std::map<std::string, gv1::Indicator> june = Indicators(Month(2026, 6));
  EXPECT_EQ(june[kSquads].target(), 95);
  EXPECT_EQ(june[kSquads].target_kind(), gv1::TARGET_KIND_ABSOLUTE);
  EXPECT_EQ(june[kSquads].unit(), gv1::INDICATOR_UNIT_COUNT);
  EXPECT_EQ(june[kSquads].colour(), gv1::COLOUR_RED);
  EXPECT_EQ(june[kStations].target(), 10);
  EXPECT_EQ(june[kCompounds].target(), 120);
  EXPECT_EQ(june[kNewCameras].target(), 567);
  EXPECT_EQ(june[kUpgradedCameras].target(), 300);
  EXPECT_EQ(june[kTeams].target(), 10000);
  EXPECT_EQ(june[kTeams].target_kind(), gv1::TARGET_KIND_RATE);
  EXPECT_EQ(june[kTeams].unit(), gv1::INDICATOR_UNIT_BASIS_POINTS);
  EXPECT_EQ(june[kFiveUnifications].target(), 10000);
  EXPECT_EQ(june[kThreeMembers].target(), 10000);
  EXPECT_EQ(june[kThreeMembers].target_kind(), gv1::TARGET_KIND_RATE);
  EXPECT_EQ(june[kThreeMembers].unit(), gv1::INDICATOR_UNIT_BASIS_POINTS);
  EXPECT_EQ(june[kThreeMembers].target_source(), gv1::TARGET_SOURCE_PLAN);
  EXPECT_EQ(june[kThreeMembers].colour(), gv1::COLOUR_RED);
  EXPECT_EQ(june[kThreeMembers].name_zh(), "一格三员配备率");
  EXPECT_EQ(june[kSquads].name_zh(), "平安运河管家队伍数");
  std::map<std::string, gv1::Indicator> community =
      Indicators(Month(2026, 6), Region("GS01", "GS01-C01"));
  EXPECT_EQ(community[kTeams].colour(), gv1::COLOUR_GREEN);
  EXPECT_EQ(community[kFiveUnifications].colour(), gv1::COLOUR_GREEN);
  // GS02-C01's grids' staff in May: only G01's, with all three.
  std::map<std::string, gv1::Indicator> gs02_c01 =
      Indicators(Month(2026, 5), Region("GS02", "GS02-C01"));
  EXPECT_EQ(gs02_c01[kThreeMembers].actual(), 10000);
  EXPECT_EQ(gs02_c01[kThreeMembers].colour(), gv1::COLOUR_GREEN);

  // At least one station in every street: graded on each street's row beside the district's
  // 10. GS01's station (since April) covers 1 of the 11 streets; its community's row reads its
  // street's.
  constexpr char kStationStreets[] = "non_police_station_coverage";
  EXPECT_EQ(june[kStationStreets].actual(), 909);
  EXPECT_EQ(june[kStationStreets].target(), 10000);
  EXPECT_EQ(june[kStationStreets].colour(), gv1::COLOUR_RED);
  EXPECT_EQ(june[kStationStreets].target_source(), gv1::TARGET_SOURCE_PLAN);
  EXPECT_EQ(june[kStations].target_source(), gv1::TARGET_SOURCE_PLAN);
  std::map<std::string, gv1::Indicator> gs01 = Indicators(Month(2026, 6), Region("GS01"));
  EXPECT_EQ(gs01[kStationStreets].actual(), 10000);
  EXPECT_EQ(gs01[kStationStreets].colour(), gv1::COLOUR_GREEN);
  EXPECT_EQ(gs01[kStations].target_kind(), gv1::TARGET_KIND_UNSPECIFIED)
      << "the 10 are the district's";
  EXPECT_EQ(Indicators(Month(2026, 6), Region("GS02"))[kStationStreets].actual(), 0);
  EXPECT_EQ(Indicators(Month(2026, 6), Region("GS02"))[kStationStreets].colour(), gv1::COLOUR_RED);
  EXPECT_EQ(community[kStationStreets].actual(), 10000);
  EXPECT_EQ(Indicators(Month(2026, 3), Region("GS01"))[kStationStreets].actual(), 0)
      << "not in service before April";
  EXPECT_EQ(Indicators(Month(2026, 6), {}, kOperator12)[kStationStreets].actual(), 5000);
}

TEST_F(PolicingAssetsTest, IndicatorsRefreshAfterEveryWrite) {
  const pv1::Asset first = Register(NewAsset(pv1::ASSET_KIND_STEWARD_SQUAD, Region("GS01")));
  EXPECT_EQ(Actuals(Month(2026, 6))[kSquads], "1");
  const pv1::Asset second = Register(NewAsset(pv1::ASSET_KIND_STEWARD_SQUAD, Region("GS03")));
  EXPECT_EQ(Actuals(Month(2026, 6))[kSquads], "2");
  pv1::Asset retire = first;
  retire.set_status(pv1::ASSET_STATUS_RETIRED);
  ASSERT_TRUE(TryUpdate(kAdmin, retire).status.ok());
  EXPECT_EQ(Actuals(Month(2026, 6))[kSquads], "1");
  EXPECT_EQ(Actuals(Month(2026, 6), Region("GS03"))[kSquads], "1");
}

// ---- Demo data ----

TEST_F(PolicingAssetsTest, DemoDataShowsProgressAndLoadsOnce) {
  const registry::Registry& assets = track().assets().registry();
  ASSERT_TRUE(LoadAssetDemoData(assets, h_.regions()).ok());
  store::EntityFilter all;
  all.track = "policing";
  all.kind = "asset";
  absl::StatusOr<int64_t> loaded = h_.repo().CountEntities(all);
  ASSERT_TRUE(loaded.ok());
  // 95 squads, 95 teams, 10 stations, 120 compounds, 867 camera points, 80 guard units, the
  // staff of 424 grids.
  EXPECT_EQ(*loaded, 1691);
  ASSERT_TRUE(LoadAssetDemoData(assets, h_.regions()).ok());
  EXPECT_EQ(*h_.repo().CountEntities(all), 1691);
  // A day later the in-service days of the items differ; what is there stays, nothing is added.
  clock_.Advance(absl::Hours(24));
  ASSERT_TRUE(LoadAssetDemoData(assets, h_.regions()).ok());
  EXPECT_EQ(*h_.repo().CountEntities(all), 1691);

  // 90 of 95 communities with a team: 9473.7 basis points; 64 of 80 guard units meet all five;
  // 348 of 424 grids' staff have all three members (8207.5).
  EXPECT_EQ(Actuals(Month(2026, 6)),
            (std::map<std::string, std::string>{{kSquads, "88"},
                                                {kTeams, "9474"},
                                                {kStations, "9"},
                                                {kCompounds, "112"},
                                                {kNewCameras, "530"},
                                                {kUpgradedCameras, "300"},
                                                {kFiveUnifications, "8000"},
                                                {kThreeMembers, "8208"}}));
  pv1::ListAssetsRequest stations;
  stations.set_kind(pv1::ASSET_KIND_NON_POLICE_STATION);
  EXPECT_EQ(ListAll(stations).size(), 10u);
}

}  // namespace
}  // namespace gov::policing
