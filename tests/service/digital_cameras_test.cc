// The digital track's regions and City Eye cameras end to end over gRPC on the real track
// (SQLite, or PostgreSQL as digital_cameras_test_postgres) with a real redis-server and a fake
// clock: the district's map read by every caller; cameras registered online once per feed code
// within the caller's streets, read and listed by region, status and kind, moved online, offline
// and retired for good under their etags; both camera indicators against hand counts; the demo.

#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/auth/auth.h"
#include "common/server/track_main.h"
#include "common/track/track_base.h"
#include "common/util/proto.h"
#include "gmock/gmock.h"
#include "governance/digital/v1/digital.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "services/digital/demo_data.h"
#include "services/digital/model.h"
#include "services/digital/track.h"
#include "tests/support/track_harness.h"

namespace gov::digital {
namespace {

namespace gv1 = ::governance::v1;
using gov::testing::Describe;
using gov::testing::ExpectInvalid;
using gov::testing::ExpectPagesLikeEveryList;
using gov::testing::ExpectRefusals;
using gov::testing::ExpectRefused;
using gov::testing::Local;
using gov::testing::Month;
using gov::testing::Outcome;
using gov::testing::PageCall;
using gov::testing::Refusal;
using gov::testing::Region;
using gov::testing::Year;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr char kAdmin[] = "tok-admin";
constexpr char kSystem[] = "tok-system";
constexpr char kOperator1[] = "tok-operator-gs01";
constexpr char kOperator2[] = "tok-operator-gs02";
constexpr char kViewer[] = "tok-viewer";

std::vector<gov::testing::TestToken> Tokens() {
  return {
      {kAdmin, "admin", auth::kDistrictAdmin, {}},
      {kSystem, "city-eye-platform", auth::kSystem, {}},
      {kOperator1, "operator-gs01", auth::kStreetOperator, {"GS01"}},
      {kOperator2, "operator-gs02", auth::kStreetOperator, {"GS02"}},
      {kViewer, "viewer", auth::kViewer, {}},
  };
}

// The street of a community id ("GS01-C02" -> "GS01").
std::string StreetOf(const std::string& community) { return community.substr(0, 4); }

std::string Repeat(const std::string& s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

class DigitalCamerasTest : public ::testing::Test {
 protected:
  DigitalCamerasTest() : clock_(Local(2026, 4, 1, 9, 0)) {}

  void SetUp() override {
    const absl::Status started = h_.Start(track::Factory<DigitalTrack>(kTrack));
    ASSERT_TRUE(started.ok()) << started;
    stub_ = dv1::DigitalService::NewStub(h_.channel());
  }

  template <typename Fn>
  Outcome Rpc(const std::string& token, Fn&& fn) {
    return h_.Rpc(token, std::forward<Fn>(fn));
  }

  std::string Rid() { return absl::StrCat("rid-", ++counter_); }

  // ---- Regions ----

  Outcome TryListStreets(const std::string& token, bool streets_only,
                         dv1::ListStreetsResponse* out) {
    dv1::ListStreetsRequest request;
    request.set_streets_only(streets_only);
    return Rpc(token, [&](grpc::ClientContext* c) { return stub_->ListStreets(c, request, out); });
  }

  Outcome TryGetStreet(const std::string& token, const std::string& id,
                       dv1::Street* out = nullptr) {
    dv1::GetStreetRequest request;
    request.set_id(id);
    dv1::GetStreetResponse response;
    Outcome o =
        Rpc(token, [&](grpc::ClientContext* c) { return stub_->GetStreet(c, request, &response); });
    if (out != nullptr) *out = response.street();
    return o;
  }

  // ---- Cameras ----

  // A fixed camera in `community` (a street id alone: a street's camera), connected on `day`,
  // with a feed code of its own.
  dv1::RegisterCameraRequest NewCamera(const std::string& community = "GS01-C01",
                                       const std::string& day = "2026-03-20") {
    dv1::RegisterCameraRequest request;
    request.set_request_id(Rid());
    dv1::Camera* c = request.mutable_camera();
    c->set_feed_code(absl::StrCat("33010501011320", 100000 + counter_));
    c->set_name("和睦社区小区东门01");
    c->set_kind(dv1::CAMERA_KIND_FIXED);
    *c->mutable_region() =
        community.size() == 4 ? Region(community) : Region(StreetOf(community), community);
    c->set_location("和睦路12号东门");
    c->set_connect_day(day);
    return request;
  }

  Outcome TryRegister(const std::string& token, const dv1::RegisterCameraRequest& request,
                      dv1::Camera* out = nullptr) {
    dv1::RegisterCameraResponse response;
    Outcome o = Rpc(token, [&](grpc::ClientContext* c) {
      return stub_->RegisterCamera(c, request, &response);
    });
    if (out != nullptr) *out = response.camera();
    return o;
  }

  dv1::Camera Register(const dv1::RegisterCameraRequest& request,
                       const std::string& token = kOperator1) {
    dv1::Camera out;
    const Outcome o = TryRegister(token, request, &out);
    EXPECT_TRUE(o.status.ok()) << Describe(o);
    return out;
  }

  // A camera of `kind` in `community` (or a street), connected on `day`, registered by the admin.
  dv1::Camera Camera(const std::string& community = "GS01-C01",
                     dv1::CameraKind kind = dv1::CAMERA_KIND_FIXED,
                     const std::string& day = "2026-03-20", const std::string& grid = "") {
    dv1::RegisterCameraRequest request = NewCamera(community, day);
    request.mutable_camera()->set_kind(kind);
    request.mutable_camera()->mutable_region()->set_grid_id(grid);
    return Register(request, kAdmin);
  }

  Outcome TryGet(const std::string& token, const std::string& id, dv1::Camera* out = nullptr) {
    dv1::GetCameraRequest request;
    request.set_id(id);
    dv1::GetCameraResponse response;
    Outcome o =
        Rpc(token, [&](grpc::ClientContext* c) { return stub_->GetCamera(c, request, &response); });
    if (out != nullptr) *out = response.camera();
    return o;
  }

  dv1::Camera Get(const std::string& id, const std::string& token = kAdmin) {
    dv1::Camera out;
    const Outcome o = TryGet(token, id, &out);
    EXPECT_TRUE(o.status.ok()) << Describe(o);
    return out;
  }

  Outcome TryList(const std::string& token, const dv1::ListCamerasRequest& request,
                  dv1::ListCamerasResponse* out = nullptr) {
    dv1::ListCamerasResponse response;
    Outcome o = Rpc(
        token, [&](grpc::ClientContext* c) { return stub_->ListCameras(c, request, &response); });
    if (out != nullptr) *out = response;
    return o;
  }

  std::vector<std::string> Ids(const dv1::ListCamerasRequest& request,
                               const std::string& token = kAdmin) {
    dv1::ListCamerasResponse response;
    const Outcome o = TryList(token, request, &response);
    EXPECT_TRUE(o.status.ok()) << Describe(o);
    std::vector<std::string> ids;
    for (const dv1::Camera& c : response.cameras()) ids.push_back(c.id());
    return ids;
  }

  // Every camera `token` may see, page by page.
  std::vector<dv1::Camera> All(const std::string& token = kAdmin) {
    std::vector<dv1::Camera> all;
    std::string page_token;
    do {
      dv1::ListCamerasRequest request;
      request.set_page_size(500);
      request.set_page_token(page_token);
      dv1::ListCamerasResponse response;
      const Outcome o = TryList(token, request, &response);
      EXPECT_TRUE(o.status.ok()) << Describe(o);
      if (!o.status.ok()) break;
      for (const dv1::Camera& c : response.cameras()) all.push_back(c);
      page_token = response.next_page_token();
    } while (!page_token.empty());
    return all;
  }

  dv1::SetCameraStatusRequest StatusRequest(const dv1::Camera& c, dv1::CameraStatus status) {
    dv1::SetCameraStatusRequest request;
    request.set_id(c.id());
    request.set_etag(c.etag());
    request.set_status(status);
    request.set_note("网络中断");
    return request;
  }

  Outcome TrySetStatus(const std::string& token, const dv1::SetCameraStatusRequest& request,
                       dv1::Camera* out = nullptr) {
    dv1::SetCameraStatusResponse response;
    Outcome o = Rpc(token, [&](grpc::ClientContext* c) {
      return stub_->SetCameraStatus(c, request, &response);
    });
    if (out != nullptr) *out = response.camera();
    return o;
  }

  dv1::Camera SetStatus(const dv1::Camera& c, dv1::CameraStatus status,
                        const std::string& token = kAdmin) {
    dv1::Camera out;
    const Outcome o = TrySetStatus(token, StatusRequest(c, status), &out);
    EXPECT_TRUE(o.status.ok()) << Describe(o);
    return out;
  }

  // ---- Indicators ----

  gv1::Indicator Indicator(const std::string& id, const gv1::Period& period,
                           const gv1::RegionRef& region = {}) {
    return h_.Indicator(kAdmin, id, period, region);
  }

  int64_t Value(const std::string& id, const gv1::Period& period,
                const gv1::RegionRef& region = {}) {
    return h_.IndicatorValue(kAdmin, id, period, region);
  }

  FakeClock clock_;
  gov::testing::TrackHarness h_{kTrack, &clock_, Tokens()};
  std::unique_ptr<dv1::DigitalService::Stub> stub_;
  int counter_ = 0;
};

// ---- Regions ----

TEST_F(DigitalCamerasTest, EveryCallerReadsTheWholeDistrictsMap) {
  const regions::RegionRegistry& file = h_.regions();
  for (const char* token : {kOperator1, kViewer}) {
    SCOPED_TRACE(token);
    dv1::ListStreetsResponse map;
    const Outcome o = TryListStreets(token, /*streets_only=*/false, &map);
    ASSERT_TRUE(o.status.ok()) << Describe(o);
    EXPECT_EQ(map.district_id(), "GS");
    EXPECT_EQ(map.district_name(), file.district_name());
    EXPECT_FALSE(map.district_name().empty());
    EXPECT_EQ(map.version(), file.version());
    // Every street, by id, a street operator's and the others alike.
    ASSERT_EQ(map.streets_size(), file.street_count());
    ASSERT_EQ(map.streets_size(), 11);
    int communities = 0;
    for (int i = 0; i < map.streets_size(); ++i) {
      const dv1::Street& s = map.streets(i);
      if (i > 0) {
        EXPECT_LT(map.streets(i - 1).id(), s.id());
      }
      EXPECT_EQ(s.name(), file.NameOf(s.id()));
      EXPECT_EQ(s.communities_size(), static_cast<int>(file.CommunitiesOf(s.id()).size()));
      communities += s.communities_size();
    }
    EXPECT_EQ(communities, file.community_count());
    const dv1::Street& gs01 = map.streets(0);
    EXPECT_EQ(gs01.id(), "GS01");
    EXPECT_EQ(gs01.name(), "运河街道");
    EXPECT_FALSE(gs01.park());
    ASSERT_EQ(gs01.communities_size(), 10);
    const dv1::Community& c01 = gs01.communities(0);
    EXPECT_EQ(c01.id(), "GS01-C01");
    EXPECT_EQ(c01.name(), "和睦社区");
    ASSERT_EQ(c01.grids_size(), 5);
    EXPECT_EQ(c01.grids(0).id(), "GS01-C01-G01");
    EXPECT_EQ(c01.grids(4).id(), "GS01-C01-G05");
    EXPECT_EQ(gs01.communities(3).grids_size(), file.CommunitiesOf("GS01")[3]->grids_size());
    const dv1::Street& park = map.streets(10);
    EXPECT_EQ(park.id(), "GS11");
    EXPECT_TRUE(park.park());
    EXPECT_EQ(park.communities_size(), 3);

    // The streets alone.
    dv1::ListStreetsResponse streets;
    ASSERT_TRUE(TryListStreets(token, /*streets_only=*/true, &streets).status.ok());
    ASSERT_EQ(streets.streets_size(), 11);
    for (const dv1::Street& s : streets.streets()) EXPECT_THAT(s.communities(), IsEmpty());
    EXPECT_EQ(streets.streets(0).name(), "运河街道");
    EXPECT_TRUE(streets.streets(10).park());
  }

  // One street, another street's too for a street operator.
  dv1::Street street;
  const Outcome o = TryGetStreet(kOperator1, "GS02", &street);
  ASSERT_TRUE(o.status.ok()) << Describe(o);
  EXPECT_EQ(street.id(), "GS02");
  EXPECT_EQ(street.name(), file.NameOf("GS02"));
  ASSERT_EQ(street.communities_size(), static_cast<int>(file.CommunitiesOf("GS02").size()));
  EXPECT_EQ(street.communities(0).id(), "GS02-C01");
  EXPECT_EQ(street.communities(0).grids_size(), file.CommunitiesOf("GS02")[0]->grids_size());
  ASSERT_TRUE(TryGetStreet(kViewer, "GS11", &street).status.ok());
  EXPECT_TRUE(street.park());

  ExpectInvalid(TryGetStreet(kViewer, ""), "id");
  ExpectInvalid(TryGetStreet(kViewer, "GS 01"), "id");
  ExpectInvalid(TryGetStreet(kViewer, std::string(65, 'G')), "id");
  ExpectRefused(TryGetStreet(kViewer, "GS99"), grpc::StatusCode::NOT_FOUND, "");
  // A community is not a street.
  ExpectRefused(TryGetStreet(kOperator1, "GS01-C01"), grpc::StatusCode::NOT_FOUND, "");
  ExpectRefused(TryGetStreet("", "GS01"), grpc::StatusCode::UNAUTHENTICATED, "");
}

// ---- Registration ----

TEST_F(DigitalCamerasTest, ACameraIsRegisteredOnlineWithinTheCallersStreets) {
  dv1::RegisterCameraRequest request = NewCamera();
  // What the server sets is not the caller's to set.
  dv1::Camera* given = request.mutable_camera();
  given->set_id("CE-000099");
  given->set_status(dv1::CAMERA_STATUS_RETIRED);
  *given->mutable_status_time() = ToTimestamp(Local(2026, 1, 1, 0, 0));
  given->set_etag("v9");
  *given->mutable_create_time() = ToTimestamp(Local(2026, 1, 1, 0, 0));
  given->mutable_region()->set_grid_id("GS01-C01-G02");
  const dv1::Camera c = Register(request);
  EXPECT_EQ(c.id(), "CE-000001");
  EXPECT_EQ(c.feed_code(), request.camera().feed_code());
  EXPECT_EQ(c.name(), "和睦社区小区东门01");
  EXPECT_EQ(c.kind(), dv1::CAMERA_KIND_FIXED);
  EXPECT_EQ(c.region().street_id(), "GS01");
  EXPECT_EQ(c.region().community_id(), "GS01-C01");
  EXPECT_EQ(c.region().grid_id(), "GS01-C01-G02");
  EXPECT_EQ(c.location(), "和睦路12号东门");
  EXPECT_EQ(c.connect_day(), "2026-03-20");
  EXPECT_EQ(c.status(), dv1::CAMERA_STATUS_ONLINE);
  EXPECT_EQ(FromTimestamp(c.status_time()), clock_.Now());
  EXPECT_EQ(c.etag(), "v1");
  EXPECT_EQ(FromTimestamp(c.create_time()), clock_.Now());
  EXPECT_EQ(FromTimestamp(c.update_time()), clock_.Now());

  // A retry, later, is the same camera as registered, nothing written; the request id with
  // another camera is refused.
  const absl::Time registered = clock_.Now();
  clock_.Advance(absl::Hours(2));
  const std::string before = h_.StoreSnapshot();
  const dv1::Camera again = Register(request);
  EXPECT_EQ(again.id(), c.id());
  EXPECT_EQ(FromTimestamp(again.status_time()), registered);
  EXPECT_EQ(h_.StoreSnapshot(), before);
  dv1::RegisterCameraRequest other = request;
  other.mutable_camera()->set_feed_code("another-feed");
  ExpectRefused(TryRegister(kOperator1, other), grpc::StatusCode::ALREADY_EXISTS, "");
  EXPECT_EQ(h_.StoreSnapshot(), before);

  // Who registers: street operators for their streets, and systems (the platform).
  EXPECT_EQ(Register(NewCamera("GS02-C01"), kSystem).region().street_id(), "GS02");
  EXPECT_EQ(Register(NewCamera("GS02-C01"), kOperator2).region().community_id(), "GS02-C01");
  ExpectRefused(TryRegister(kOperator2, NewCamera()), grpc::StatusCode::PERMISSION_DENIED, "");
  ExpectRefused(TryRegister(kViewer, NewCamera()), grpc::StatusCode::PERMISSION_DENIED, "");
  // A street's camera; no location; connected today.
  dv1::RegisterCameraRequest plain = NewCamera("GS01", "2026-04-01");
  plain.mutable_camera()->clear_location();
  plain.mutable_camera()->set_kind(dv1::CAMERA_KIND_MOBILE);
  const dv1::Camera street_camera = Register(plain);
  EXPECT_EQ(street_camera.region().community_id(), "");
  EXPECT_EQ(street_camera.location(), "");
  EXPECT_EQ(street_camera.kind(), dv1::CAMERA_KIND_MOBILE);
  // Names and feed codes are counted in characters.
  dv1::RegisterCameraRequest longest = NewCamera();
  longest.mutable_camera()->set_name(Repeat("字", 200));
  longest.mutable_camera()->set_feed_code(Repeat("码", 64));
  longest.mutable_camera()->set_location(Repeat("路", 200));
  EXPECT_EQ(Register(longest).name(), Repeat("字", 200));

  using Row = Refusal<dv1::RegisterCameraRequest>;
  const auto region = [](auto& q) { return q.mutable_camera()->mutable_region(); };
  ExpectRefusals<dv1::RegisterCameraRequest>(
      h_, NewCamera(),
      {
          Row{"no request id", [](auto& q) { q.clear_request_id(); }, "request_id"},
          Row{"a request id too long", [](auto& q) { q.set_request_id(std::string(129, 'r')); },
              "request_id"},
          Row{"no feed code", [](auto& q) { q.mutable_camera()->clear_feed_code(); },
              "camera.feed_code"},
          Row{"a feed code too long",
              [](auto& q) { q.mutable_camera()->set_feed_code(std::string(65, 'f')); },
              "camera.feed_code"},
          Row{"no name", [](auto& q) { q.mutable_camera()->clear_name(); }, "camera.name"},
          Row{"a name too long", [](auto& q) { q.mutable_camera()->set_name(Repeat("字", 201)); },
              "camera.name"},
          Row{"a name with a control character",
              [](auto& q) { q.mutable_camera()->set_name("东门\x01"); }, "camera.name"},
          Row{"no kind", [](auto& q) { q.mutable_camera()->clear_kind(); }, "camera.kind"},
          Row{"a kind that is none",
              [](auto& q) { q.mutable_camera()->set_kind(static_cast<dv1::CameraKind>(99)); },
              "camera.kind"},
          Row{"no region", [](auto& q) { q.mutable_camera()->clear_region(); },
              "camera.region.street_id"},
          Row{"an unknown street", [&](auto& q) { *region(q) = Region("GS99"); },
              "camera.region.street_id"},
          Row{"an unknown community", [&](auto& q) { *region(q) = Region("GS01", "GS01-C99"); },
              "camera.region.community_id"},
          Row{"a community of another street",
              [&](auto& q) { *region(q) = Region("GS01", "GS02-C01"); },
              "camera.region.community_id"},
          Row{"a grid without its community",
              [&](auto& q) { *region(q) = Region("GS01", "", "GS01-C01-G01"); },
              "camera.region.community_id"},
          Row{"a grid of another community",
              [&](auto& q) { *region(q) = Region("GS01", "GS01-C01", "GS01-C02-G01"); },
              "camera.region.grid_id"},
          Row{"a location too long",
              [](auto& q) { q.mutable_camera()->set_location(Repeat("路", 201)); },
              "camera.location"},
          Row{"no connect day", [](auto& q) { q.mutable_camera()->clear_connect_day(); },
              "camera.connect_day"},
          Row{"a connect day that is none",
              [](auto& q) { q.mutable_camera()->set_connect_day("2026-02-30"); },
              "camera.connect_day"},
          Row{"a connect day otherwise written",
              [](auto& q) { q.mutable_camera()->set_connect_day("2026/03/20"); },
              "camera.connect_day"},
          Row{"a connect day in the future",
              [](auto& q) { q.mutable_camera()->set_connect_day("2026-04-02"); },
              "camera.connect_day"},
          Row{"another street's camera", [&](auto& q) { *region(q) = Region("GS02", "GS02-C01"); },
              "", grpc::StatusCode::PERMISSION_DENIED},
          Row{"the feed code of a camera registered",
              [&](auto& q) {
                q.mutable_camera()->set_feed_code(c.feed_code());
                q.mutable_camera()->set_name("和睦社区小区西门01");
              },
              "camera.feed_code", grpc::StatusCode::ALREADY_EXISTS},
      },
      [&](const dv1::RegisterCameraRequest& q) { return TryRegister(kOperator1, q); });
}

TEST_F(DigitalCamerasTest, AFeedCodeIsRegisteredOnce) {
  const dv1::RegisterCameraRequest request = NewCamera();
  const dv1::Camera c = Register(request);
  const std::string before = h_.StoreSnapshot();

  // Another camera of the code, under another request id and from another caller: refused,
  // naming the camera that has it.
  dv1::RegisterCameraRequest clash = NewCamera("GS02-C01");
  clash.mutable_camera()->set_feed_code(c.feed_code());
  const Outcome refused = TryRegister(kSystem, clash);
  ExpectRefused(refused, grpc::StatusCode::ALREADY_EXISTS, "camera.feed_code");
  EXPECT_THAT(refused.status.error_message(), HasSubstr(c.id()));
  dv1::RegisterCameraRequest renamed = request;
  renamed.set_request_id(Rid());
  renamed.mutable_camera()->set_name("和睦社区小区西门01");
  ExpectRefused(TryRegister(kOperator1, renamed), grpc::StatusCode::ALREADY_EXISTS,
                "camera.feed_code");
  EXPECT_EQ(h_.StoreSnapshot(), before);

  // The very same camera sent again under another request id is the camera registered, not a
  // second one; its retry after a move answers the camera as it is now.
  dv1::RegisterCameraRequest resent = request;
  resent.set_request_id(Rid());
  EXPECT_EQ(Register(resent).id(), c.id());
  EXPECT_EQ(h_.StoreSnapshot(), before);
  const dv1::Camera offline = SetStatus(c, dv1::CAMERA_STATUS_OFFLINE);
  const dv1::Camera retried = Register(request);
  EXPECT_EQ(retried.id(), c.id());
  EXPECT_EQ(retried.status(), dv1::CAMERA_STATUS_OFFLINE);
  EXPECT_EQ(retried.etag(), offline.etag());

  // Codes differ by any character; a retired camera keeps its code.
  dv1::RegisterCameraRequest near = NewCamera();
  near.mutable_camera()->set_feed_code(absl::StrCat(c.feed_code(), "0"));
  EXPECT_NE(Register(near).id(), c.id());
  SetStatus(offline, dv1::CAMERA_STATUS_RETIRED);
  ExpectRefused(TryRegister(kOperator1, renamed), grpc::StatusCode::ALREADY_EXISTS,
                "camera.feed_code");
  ASSERT_EQ(All().size(), 2u);
}

// ---- Reading ----

TEST_F(DigitalCamerasTest, CamerasAreReadAndListedByRegionStatusAndKindWithinTheCallersStreets) {
  const dv1::Camera a = Camera("GS01-C01", dv1::CAMERA_KIND_FIXED, "2026-03-01", "GS01-C01-G01");
  const dv1::Camera b = Camera("GS01-C02", dv1::CAMERA_KIND_PTZ);
  const dv1::Camera c = Camera("GS02-C01", dv1::CAMERA_KIND_COMPOUND);
  const dv1::Camera d = Camera("GS01-C01", dv1::CAMERA_KIND_COMPOUND, "2026-03-02", "GS01-C01-G02");
  const dv1::Camera e = Camera("GS01", dv1::CAMERA_KIND_MOBILE);
  const dv1::Camera f = Camera("GS02-C02", dv1::CAMERA_KIND_FIXED);
  SetStatus(b, dv1::CAMERA_STATUS_OFFLINE);
  SetStatus(f, dv1::CAMERA_STATUS_OFFLINE);
  SetStatus(d, dv1::CAMERA_STATUS_RETIRED);

  EXPECT_EQ(Get(a.id(), kOperator1).feed_code(), a.feed_code());
  EXPECT_EQ(Get(c.id(), kViewer).id(), c.id());
  EXPECT_EQ(Get(b.id(), kSystem).status(), dv1::CAMERA_STATUS_OFFLINE);
  ExpectRefused(TryGet(kOperator1, c.id()), grpc::StatusCode::PERMISSION_DENIED, "");
  ExpectRefused(TryGet(kOperator2, a.id()), grpc::StatusCode::PERMISSION_DENIED, "");
  ExpectRefused(TryGet(kAdmin, "CE-000999"), grpc::StatusCode::NOT_FOUND, "");
  ExpectInvalid(TryGet(kAdmin, ""), "id");
  ExpectInvalid(TryGet(kAdmin, std::string(65, 'C')), "id");

  dv1::ListCamerasRequest all;
  EXPECT_THAT(Ids(all), ElementsAre(a.id(), b.id(), c.id(), d.id(), e.id(), f.id()));
  EXPECT_THAT(Ids(all, kViewer), ElementsAre(a.id(), b.id(), c.id(), d.id(), e.id(), f.id()));
  EXPECT_THAT(Ids(all, kOperator1), ElementsAre(a.id(), b.id(), d.id(), e.id()));
  EXPECT_THAT(Ids(all, kOperator2), ElementsAre(c.id(), f.id()));

  dv1::ListCamerasRequest region;
  *region.mutable_region() = Region("GS01");
  EXPECT_THAT(Ids(region), ElementsAre(a.id(), b.id(), d.id(), e.id()));
  *region.mutable_region() = Region("GS01", "GS01-C01");
  EXPECT_THAT(Ids(region, kOperator1), ElementsAre(a.id(), d.id()));
  *region.mutable_region() = Region("GS01", "GS01-C01", "GS01-C01-G02");
  EXPECT_THAT(Ids(region), ElementsAre(d.id()));
  *region.mutable_region() = Region("GS01", "GS01-C01", "GS01-C01-G03");
  EXPECT_THAT(Ids(region), IsEmpty());

  dv1::ListCamerasRequest status;
  status.set_status(dv1::CAMERA_STATUS_OFFLINE);
  EXPECT_THAT(Ids(status), ElementsAre(b.id(), f.id()));
  EXPECT_THAT(Ids(status, kOperator2), ElementsAre(f.id()));
  status.set_status(dv1::CAMERA_STATUS_ONLINE);
  EXPECT_THAT(Ids(status), ElementsAre(a.id(), c.id(), e.id()));
  status.set_status(dv1::CAMERA_STATUS_RETIRED);
  EXPECT_THAT(Ids(status), ElementsAre(d.id()));

  dv1::ListCamerasRequest kind;
  kind.set_kind(dv1::CAMERA_KIND_COMPOUND);
  EXPECT_THAT(Ids(kind), ElementsAre(c.id(), d.id()));
  *kind.mutable_region() = Region("GS01");
  EXPECT_THAT(Ids(kind), ElementsAre(d.id()));
  kind.set_status(dv1::CAMERA_STATUS_ONLINE);
  EXPECT_THAT(Ids(kind), IsEmpty());
  kind.set_kind(dv1::CAMERA_KIND_FIXED);
  kind.clear_region();
  EXPECT_THAT(Ids(kind), ElementsAre(a.id()));

  dv1::ListCamerasRequest bad;
  *bad.mutable_region() = Region("GS02");
  ExpectRefused(TryList(kOperator1, bad), grpc::StatusCode::PERMISSION_DENIED, "");
  *bad.mutable_region() = Region("GS99");
  ExpectInvalid(TryList(kAdmin, bad), "region.street_id");
  *bad.mutable_region() = Region("", "GS01-C01");
  ExpectInvalid(TryList(kAdmin, bad), "region.street_id");
  *bad.mutable_region() = Region("GS01", "GS02-C01");
  ExpectInvalid(TryList(kAdmin, bad), "region.community_id");
  *bad.mutable_region() = Region("GS01", "GS01-C01", "GS01-C02-G01");
  ExpectInvalid(TryList(kAdmin, bad), "region.grid_id");
  bad = dv1::ListCamerasRequest();
  bad.set_status(static_cast<dv1::CameraStatus>(99));
  ExpectInvalid(TryList(kAdmin, bad), "status");
  bad = dv1::ListCamerasRequest();
  bad.set_kind(static_cast<dv1::CameraKind>(99));
  ExpectInvalid(TryList(kAdmin, bad), "kind");

  // Pages, by id; with a filter the pages hold the cameras it keeps.
  const auto pages = [&](dv1::ListCamerasRequest base) -> PageCall {
    return [&, base](int32_t size, const std::string& token, std::vector<std::string>* ids,
                     std::string* next) {
      dv1::ListCamerasRequest request = base;
      request.set_page_size(size);
      request.set_page_token(token);
      dv1::ListCamerasResponse response;
      const Outcome o = TryList(kAdmin, request, &response);
      for (const dv1::Camera& x : response.cameras()) ids->push_back(x.id());
      *next = response.next_page_token();
      return o;
    };
  };
  EXPECT_THAT(ExpectPagesLikeEveryList(pages(dv1::ListCamerasRequest()), 6),
              ElementsAre(a.id(), b.id(), c.id(), d.id(), e.id(), f.id()));
  const dv1::Camera g = Camera("GS03-C01", dv1::CAMERA_KIND_PTZ);
  const dv1::Camera h = Camera("GS01-C03", dv1::CAMERA_KIND_FIXED);
  dv1::ListCamerasRequest online;
  online.set_status(dv1::CAMERA_STATUS_ONLINE);
  EXPECT_THAT(ExpectPagesLikeEveryList(pages(online), 5),
              ElementsAre(a.id(), c.id(), e.id(), g.id(), h.id()));

  // A token is bound to the filters and to the caller's streets.
  dv1::ListCamerasRequest first;
  first.set_page_size(1);
  dv1::ListCamerasResponse response;
  ASSERT_TRUE(TryList(kOperator1, first, &response).status.ok());
  ASSERT_FALSE(response.next_page_token().empty());
  dv1::ListCamerasRequest other;
  other.set_kind(dv1::CAMERA_KIND_FIXED);
  other.set_page_token(response.next_page_token());
  ExpectInvalid(TryList(kOperator1, other), "page_token");
  first.set_page_token(response.next_page_token());
  ExpectInvalid(TryList(kAdmin, first), "page_token");
  EXPECT_THAT(Ids(first, kOperator1), ElementsAre(b.id()));
}

// ---- Status ----

TEST_F(DigitalCamerasTest, ACameraGoesOfflineAndOnlineUntilItIsRetiredForGood) {
  clock_.Set(Local(2026, 3, 20, 10, 0));
  const dv1::Camera c = Register(NewCamera());
  const dv1::Camera other = Register(NewCamera("GS02-C01"), kOperator2);
  clock_.Set(Local(2026, 4, 1, 9, 0));

  using Row = Refusal<dv1::SetCameraStatusRequest>;
  ExpectRefusals<dv1::SetCameraStatusRequest>(
      h_, StatusRequest(c, dv1::CAMERA_STATUS_OFFLINE),
      {
          Row{"no id", [](auto& q) { q.clear_id(); }, "id"},
          Row{"no etag", [](auto& q) { q.clear_etag(); }, "etag"},
          Row{"no status", [](auto& q) { q.clear_status(); }, "status"},
          Row{"a status that is none",
              [](auto& q) { q.set_status(static_cast<dv1::CameraStatus>(99)); }, "status"},
          Row{"a note too long", [](auto& q) { q.set_note(Repeat("注", 501)); }, "note"},
          Row{"a stale etag", [](auto& q) { q.set_etag("v7"); }, "", grpc::StatusCode::ABORTED},
          Row{"an unknown camera", [](auto& q) { q.set_id("CE-000099"); }, "",
              grpc::StatusCode::NOT_FOUND},
          Row{"the status it has", [](auto& q) { q.set_status(dv1::CAMERA_STATUS_ONLINE); }, "",
              grpc::StatusCode::FAILED_PRECONDITION},
          Row{"another street's camera", [&](auto& q) { q.set_id(other.id()); }, "",
              grpc::StatusCode::PERMISSION_DENIED},
      },
      [&](const dv1::SetCameraStatusRequest& q) { return TrySetStatus(kOperator1, q); });
  ExpectRefused(TrySetStatus(kViewer, StatusRequest(c, dv1::CAMERA_STATUS_OFFLINE)),
                grpc::StatusCode::PERMISSION_DENIED, "");

  // Offline (a note of 500 characters, counted as such), then online again, by the street's
  // operator and by the platform.
  dv1::SetCameraStatusRequest fault = StatusRequest(c, dv1::CAMERA_STATUS_OFFLINE);
  fault.set_note(Repeat("注", 500));
  dv1::Camera offline;
  const Outcome o = TrySetStatus(kOperator1, fault, &offline);
  ASSERT_TRUE(o.status.ok()) << Describe(o);
  EXPECT_EQ(offline.status(), dv1::CAMERA_STATUS_OFFLINE);
  EXPECT_EQ(FromTimestamp(offline.status_time()), clock_.Now());
  EXPECT_EQ(offline.etag(), "v2");
  EXPECT_EQ(FromTimestamp(offline.update_time()), clock_.Now());
  EXPECT_EQ(FromTimestamp(offline.create_time()), Local(2026, 3, 20, 10, 0));
  EXPECT_EQ(offline.feed_code(), c.feed_code());
  EXPECT_EQ(offline.connect_day(), c.connect_day());
  EXPECT_EQ(Get(c.id()).status(), dv1::CAMERA_STATUS_OFFLINE);

  // Offline again is no move; the old etag is stale.
  std::string before = h_.StoreSnapshot();
  ExpectRefused(TrySetStatus(kOperator1, StatusRequest(offline, dv1::CAMERA_STATUS_OFFLINE)),
                grpc::StatusCode::FAILED_PRECONDITION, "");
  ExpectRefused(TrySetStatus(kOperator1, StatusRequest(c, dv1::CAMERA_STATUS_ONLINE)),
                grpc::StatusCode::ABORTED, "");
  EXPECT_EQ(h_.StoreSnapshot(), before);

  clock_.Advance(absl::Hours(3));
  const dv1::Camera online = SetStatus(offline, dv1::CAMERA_STATUS_ONLINE, kSystem);
  EXPECT_EQ(online.status(), dv1::CAMERA_STATUS_ONLINE);
  EXPECT_EQ(FromTimestamp(online.status_time()), clock_.Now());
  EXPECT_EQ(online.etag(), "v3");

  // Retired from online; then no move at all, to any status.
  clock_.Advance(absl::Hours(1));
  const dv1::Camera retired = SetStatus(online, dv1::CAMERA_STATUS_RETIRED, kOperator1);
  EXPECT_EQ(retired.status(), dv1::CAMERA_STATUS_RETIRED);
  EXPECT_EQ(FromTimestamp(retired.status_time()), clock_.Now());
  before = h_.StoreSnapshot();
  for (const dv1::CameraStatus status :
       {dv1::CAMERA_STATUS_ONLINE, dv1::CAMERA_STATUS_OFFLINE, dv1::CAMERA_STATUS_RETIRED}) {
    ExpectRefused(TrySetStatus(kAdmin, StatusRequest(retired, status)),
                  grpc::StatusCode::FAILED_PRECONDITION, "");
  }
  EXPECT_EQ(h_.StoreSnapshot(), before);
  // Retired straight from offline, too.
  const dv1::Camera down = SetStatus(other, dv1::CAMERA_STATUS_OFFLINE, kOperator2);
  EXPECT_EQ(SetStatus(down, dv1::CAMERA_STATUS_RETIRED, kOperator2).status(),
            dv1::CAMERA_STATUS_RETIRED);
}

// ---- Indicators ----

TEST_F(DigitalCamerasTest, TheIndicatorsCountFeedsConnectedAndTheShareOnlineNow) {
  EXPECT_EQ(Value("camera_feeds_added", Year(2026)), 0);
  EXPECT_FALSE(Indicator("cameras_online_rate", Year(2026)).has_data());

  // Connected: A (GS01-C01) in January, B (GS01-C02) in February, C (GS02-C01) in March, D (a
  // street camera of GS01) last December, E (GS01-C01) on the last day of March; all registered
  // today.
  const dv1::Camera a = Camera("GS01-C01", dv1::CAMERA_KIND_FIXED, "2026-01-15");
  const dv1::Camera b = Camera("GS01-C02", dv1::CAMERA_KIND_PTZ, "2026-02-01");
  const dv1::Camera c = Camera("GS02-C01", dv1::CAMERA_KIND_COMPOUND, "2026-03-10");
  const dv1::Camera d = Camera("GS01", dv1::CAMERA_KIND_MOBILE, "2025-12-31");
  const dv1::Camera e = Camera("GS01-C01", dv1::CAMERA_KIND_FIXED, "2026-03-31");

  EXPECT_EQ(Value("camera_feeds_added", Year(2026)), 4);
  EXPECT_EQ(Value("camera_feeds_added", Year(2025)), 1);
  EXPECT_EQ(Value("camera_feeds_added", Month(2026, 1)), 1);
  EXPECT_EQ(Value("camera_feeds_added", Month(2026, 2)), 1);
  EXPECT_EQ(Value("camera_feeds_added", Month(2026, 3)), 2);
  EXPECT_EQ(Value("camera_feeds_added", Month(2026, 4)), 0);
  EXPECT_EQ(Value("camera_feeds_added", Month(2025, 12)), 1);
  EXPECT_EQ(Value("camera_feeds_added", Year(2026), Region("GS01")), 3);
  EXPECT_EQ(Value("camera_feeds_added", Year(2026), Region("GS02")), 1);
  EXPECT_EQ(Value("camera_feeds_added", Year(2026), Region("GS03")), 0);
  EXPECT_EQ(Value("camera_feeds_added", Year(2026), Region("GS01", "GS01-C01")), 2);
  EXPECT_EQ(Value("camera_feeds_added", Year(2025), Region("GS01", "GS01-C01")), 0);
  // The plan's 400 is the district's.
  const gv1::Indicator district = Indicator("camera_feeds_added", Year(2026));
  EXPECT_EQ(district.target(), 400);
  EXPECT_EQ(district.colour(), gv1::COLOUR_RED);
  EXPECT_EQ(Indicator("camera_feeds_added", Year(2026), Region("GS01")).target_kind(),
            gv1::TARGET_KIND_UNSPECIFIED);
  // A street operator's figures are its street's.
  EXPECT_EQ(h_.IndicatorValue(kOperator2, "camera_feeds_added", Year(2026)), 1);

  // Online: every camera.
  EXPECT_EQ(Value("cameras_online_rate", Year(2026)), 10000);
  // B offline, D retired, C offline and online again: of the four in service, three online.
  SetStatus(b, dv1::CAMERA_STATUS_OFFLINE);
  SetStatus(d, dv1::CAMERA_STATUS_RETIRED);
  SetStatus(SetStatus(c, dv1::CAMERA_STATUS_OFFLINE), dv1::CAMERA_STATUS_ONLINE);
  EXPECT_EQ(Value("cameras_online_rate", Year(2026)), 7500);
  EXPECT_EQ(Value("cameras_online_rate", Month(2026, 4)), 7500);
  // Now, whatever the period: last year's too.
  EXPECT_EQ(Value("cameras_online_rate", Year(2025)), 7500);
  EXPECT_EQ(Value("cameras_online_rate", Year(2026), Region("GS01")), 6667);
  EXPECT_EQ(Value("cameras_online_rate", Year(2026), Region("GS01", "GS01-C02")), 0);
  EXPECT_EQ(Value("cameras_online_rate", Year(2026), Region("GS01", "GS01-C01")), 10000);
  EXPECT_EQ(Value("cameras_online_rate", Year(2026), Region("GS02")), 10000);
  EXPECT_FALSE(Indicator("cameras_online_rate", Year(2026), Region("GS03")).has_data());
  // Against the district's own 95 % (the plan sets none): 75 % is short of it.
  const gv1::Indicator rate = Indicator("cameras_online_rate", Year(2026));
  EXPECT_EQ(rate.target_source(), gv1::TARGET_SOURCE_DISTRICT);
  EXPECT_EQ(rate.target(), 9500);
  EXPECT_FALSE(rate.target_reason().empty());
  EXPECT_NE(rate.colour(), gv1::COLOUR_UNSPECIFIED);
  EXPECT_NE(rate.colour(), gv1::COLOUR_GREEN);
  EXPECT_EQ(rate.unit(), gv1::INDICATOR_UNIT_BASIS_POINTS);
  // Retired cameras still count as connected in their period.
  EXPECT_EQ(Value("camera_feeds_added", Year(2025)), 1);
  // Only retired cameras: no data.
  SetStatus(Get(e.id()), dv1::CAMERA_STATUS_RETIRED);
  SetStatus(Get(a.id()), dv1::CAMERA_STATUS_RETIRED);
  EXPECT_FALSE(Indicator("cameras_online_rate", Year(2026), Region("GS01", "GS01-C01")).has_data());
}

// ---- Demo data ----

TEST_F(DigitalCamerasTest, TheDemoHasCamerasInEveryCommunityMoreThan400ConnectedThisYear) {
  server::TrackDeps deps;
  deps.repo = &h_.repo();
  deps.cache = &h_.cache();
  deps.regions = &h_.regions();
  deps.calendar = &h_.calendar();
  deps.clock = &clock_;
  const absl::Status loaded = LoadCameraDemo(deps);
  ASSERT_TRUE(loaded.ok()) << loaded;
  // Once: with cameras in the store, another load does nothing.
  const std::string before = h_.StoreSnapshot();
  ASSERT_TRUE(LoadCameraDemo(deps).ok());
  EXPECT_EQ(h_.StoreSnapshot(), before);

  const std::vector<dv1::Camera> cameras = All();
  ASSERT_FALSE(cameras.empty());
  EXPECT_EQ(cameras.front().id(), "CE-000001");
  std::set<std::string> streets;
  std::map<std::string, int> per_community;
  std::set<std::string> codes;
  std::map<dv1::CameraStatus, int> statuses;
  int this_year = 0;
  for (const dv1::Camera& c : cameras) {
    streets.insert(c.region().street_id());
    if (!c.region().community_id().empty()) ++per_community[c.region().community_id()];
    codes.insert(c.feed_code());
    ++statuses[c.status()];
    EXPECT_GE(c.connect_day(), "2024-01-01");
    EXPECT_LE(c.connect_day(), "2026-04-01");
    this_year += c.connect_day() >= "2026-01-01" ? 1 : 0;
    EXPECT_GE(c.status_time().seconds(), c.create_time().seconds());
    EXPECT_LE(FromTimestamp(c.status_time()), clock_.Now());
  }
  EXPECT_EQ(static_cast<int>(streets.size()), h_.regions().street_count());
  EXPECT_EQ(static_cast<int>(per_community.size()), h_.regions().community_count());
  for (const auto& [community, count] : per_community) {
    EXPECT_GE(count, 3) << community;
    EXPECT_LE(count, 12) << community;
  }
  EXPECT_EQ(codes.size(), cameras.size());
  EXPECT_GT(this_year, 400);
  const int total = static_cast<int>(cameras.size());
  EXPECT_GT(statuses[dv1::CAMERA_STATUS_ONLINE], total * 8 / 10);
  EXPECT_GT(statuses[dv1::CAMERA_STATUS_OFFLINE], 0);
  EXPECT_GT(statuses[dv1::CAMERA_STATUS_RETIRED], 0);
  EXPECT_LT(statuses[dv1::CAMERA_STATUS_RETIRED], statuses[dv1::CAMERA_STATUS_OFFLINE]);

  EXPECT_EQ(Value("camera_feeds_added", Year(2026)), this_year);
  EXPECT_GT(Value("camera_feeds_added", Year(2025)), 0);
  EXPECT_EQ(Indicator("camera_feeds_added", Year(2026)).colour(), gv1::COLOUR_GREEN);
  const int64_t online = Value("cameras_online_rate", Year(2026));
  EXPECT_GT(online, 8000);
  EXPECT_LT(online, 10000);
  for (const char* street : {"GS01", "GS11"}) {
    EXPECT_GT(Value("camera_feeds_added", Year(2026), Region(street)), 0) << street;
    EXPECT_GT(Value("cameras_online_rate", Year(2026), Region(street)), 0) << street;
  }
}

}  // namespace
}  // namespace gov::digital
