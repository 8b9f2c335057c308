// The monitored objects of the disorder track (监管对象) end to end: the real track behind the
// real server over gRPC on loopback, on a SQLite file in a temp dir and a real redis-server,
// with the rules of data/disorder.json and a fake clock fixed at Monday 15 June 2026, 10:00 in
// the district's time zone.

#include <cmath>
#include <functional>
#include <limits>
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
#include "governance/disorder/v1/disorder.grpc.pb.h"
#include "governance/v1/indicators.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "services/disorder/demo_data.h"
#include "services/disorder/objects.h"
#include "services/disorder/track.h"
#include "tests/support/test_support.h"
#include "tests/support/track_harness.h"

namespace gov::disorder {
namespace {

namespace gv1 = ::governance::v1;
using dv1::DisorderService;
using gov::testing::Describe;
using gov::testing::Local;
using gov::testing::Month;
using gov::testing::Outcome;
using gov::testing::Region;
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

constexpr char kRestaurants[] = "fume_restaurants";
constexpr char kSites[] = "construction_sites";
constexpr char kDemoStreets[] = "demonstration_streets";
constexpr char kBlocks[] = "parking_blocks";
constexpr char kNoise[] = "noise_communities";
constexpr char kRoads[] = "muck_road_sections";
constexpr char kSixSystems[] = "construction_six_systems_rate";

constexpr dv1::MonitoredObjectKind kRestaurant = dv1::MONITORED_OBJECT_KIND_FUME_RESTAURANT;
constexpr dv1::MonitoredObjectKind kSite = dv1::MONITORED_OBJECT_KIND_CONSTRUCTION_SITE;
constexpr dv1::MonitoredObjectKind kDemoStreet = dv1::MONITORED_OBJECT_KIND_DEMONSTRATION_STREET;
constexpr dv1::MonitoredObjectKind kBlock = dv1::MONITORED_OBJECT_KIND_PARKING_BLOCK;
constexpr dv1::MonitoredObjectKind kNoiseCommunity = dv1::MONITORED_OBJECT_KIND_NOISE_COMMUNITY;
constexpr dv1::MonitoredObjectKind kRoad = dv1::MONITORED_OBJECT_KIND_MUCK_ROAD_SECTION;
constexpr dv1::MonitoredObjectStatus kActive = dv1::MONITORED_OBJECT_STATUS_ACTIVE;
constexpr dv1::MonitoredObjectStatus kSuspended = dv1::MONITORED_OBJECT_STATUS_SUSPENDED;
constexpr dv1::MonitoredObjectStatus kRemoved = dv1::MONITORED_OBJECT_STATUS_REMOVED;

// A valid object of the kind: restaurants get a monitor (device `device`), sites all six
// systems unless `six` is false.
dv1::MonitoredObject NewObject(dv1::MonitoredObjectKind kind, const gv1::RegionRef& region,
                               dv1::MonitoredObjectStatus status = kActive,
                               const std::string& since = "2026-01-10",
                               const std::string& device = "", bool six = true) {
  dv1::MonitoredObject o;
  o.set_kind(kind);
  o.set_name("和睦社区监管对象");
  *o.mutable_region() = region;
  o.set_address("和睦路 8 号");
  o.set_status(status);
  o.set_since_date(since);
  if (kind == kRestaurant) {
    o.mutable_fume_monitor()->set_device_id(device.empty() ? "YY-0001" : device);
    o.mutable_location()->set_latitude(30.2015);
    o.mutable_location()->set_longitude(120.1031);
  }
  if (kind == kSite) {
    dv1::WageSystems* w = o.mutable_wage_systems();
    w->set_real_name_management(true);
    w->set_wage_special_account(true);
    w->set_contractor_pays_wages(true);
    w->set_wage_deposit(true);
    w->set_rights_information_board(six);
    w->set_wage_payment_ledger(true);
  }
  return o;
}

std::vector<std::string> Ids(const std::vector<dv1::MonitoredObject>& objects) {
  std::vector<std::string> out;
  for (const dv1::MonitoredObject& o : objects) out.push_back(o.id());
  return out;
}

class DisorderObjectsTest : public ::testing::Test {
 protected:
  DisorderObjectsTest() : clock_(Local(2026, 6, 15, 10, 0)) {}

  void SetUp() override {
    absl::Status started = h_.Start(track::Factory<DisorderTrack>("disorder"));
    ASSERT_TRUE(started.ok()) << started;
    stub_ = DisorderService::NewStub(h_.channel());
  }

  static std::vector<gov::testing::TestToken> Tokens() {
    return {
        {kAdmin, "admin", auth::kDistrictAdmin, {}},
        {kSystem, "object-platform", auth::kSystem, {}},
        {kOperator1, "operator-gs01", auth::kStreetOperator, {"GS01"}},
        {kOperator2, "operator-gs02", auth::kStreetOperator, {"GS02"}},
        {kOperator12, "operator-gs01-gs02", auth::kStreetOperator, {"GS01", "GS02"}},
        {kMediator1, "mediator-gs01", "mediator", {"GS01"}},
        {kViewer, "viewer", auth::kViewer, {}},
    };
  }

  DisorderTrack& track() { return static_cast<DisorderTrack&>(h_.track()); }

  Outcome TryRegister(const std::string& token, const std::string& request_id,
                      const dv1::MonitoredObject& object, dv1::MonitoredObject* out = nullptr) {
    dv1::RegisterMonitoredObjectRequest request;
    request.set_request_id(request_id);
    *request.mutable_object() = object;
    dv1::RegisterMonitoredObjectResponse response;
    Outcome o = h_.Rpc(token, [&](grpc::ClientContext* c) {
      return stub_->RegisterMonitoredObject(c, request, &response);
    });
    if (out != nullptr) *out = response.object();
    return o;
  }

  dv1::MonitoredObject Register(const dv1::MonitoredObject& object,
                                const std::string& token = kAdmin) {
    dv1::MonitoredObject out;
    const Outcome o = TryRegister(token, absl::StrCat("req-", ++requests_), object, &out);
    EXPECT_TRUE(o.status.ok()) << Describe(o);
    return out;
  }

  Outcome TryUpdate(const std::string& token, const dv1::MonitoredObject& object,
                    dv1::MonitoredObject* out = nullptr) {
    dv1::UpdateMonitoredObjectRequest request;
    *request.mutable_object() = object;
    dv1::UpdateMonitoredObjectResponse response;
    Outcome o = h_.Rpc(token, [&](grpc::ClientContext* c) {
      return stub_->UpdateMonitoredObject(c, request, &response);
    });
    if (out != nullptr) *out = response.object();
    return o;
  }

  Outcome TryGet(const std::string& token, const std::string& id,
                 dv1::MonitoredObject* out = nullptr) {
    dv1::GetMonitoredObjectRequest request;
    request.set_id(id);
    dv1::GetMonitoredObjectResponse response;
    Outcome o = h_.Rpc(token, [&](grpc::ClientContext* c) {
      return stub_->GetMonitoredObject(c, request, &response);
    });
    if (out != nullptr) *out = response.object();
    return o;
  }

  Outcome TryList(const std::string& token, const dv1::ListMonitoredObjectsRequest& request,
                  dv1::ListMonitoredObjectsResponse* out = nullptr) {
    dv1::ListMonitoredObjectsResponse response;
    Outcome o = h_.Rpc(token, [&](grpc::ClientContext* c) {
      return stub_->ListMonitoredObjects(c, request, &response);
    });
    if (out != nullptr) *out = response;
    return o;
  }

  // Every object of a list, read in pages of `page_size`.
  std::vector<dv1::MonitoredObject> ListAll(dv1::ListMonitoredObjectsRequest request,
                                            int page_size = 500,
                                            const std::string& token = kAdmin) {
    std::vector<dv1::MonitoredObject> all;
    request.set_page_size(page_size);
    for (int pages = 0; pages < 1000; ++pages) {
      dv1::ListMonitoredObjectsResponse response;
      const Outcome o = TryList(token, request, &response);
      EXPECT_TRUE(o.status.ok()) << Describe(o);
      if (!o.status.ok()) break;
      EXPECT_LE(response.objects_size(), page_size);
      all.insert(all.end(), response.objects().begin(), response.objects().end());
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

  // The object indicators' actual values, "-" where there is no data.
  std::map<std::string, std::string> Actuals(const gv1::Period& period,
                                             const gv1::RegionRef& region = {},
                                             const std::string& token = kAdmin) {
    std::map<std::string, std::string> out;
    for (const auto& [id, indicator] : Indicators(period, region, token)) {
      if (id != kRestaurants && id != kSites && id != kDemoStreets && id != kBlocks &&
          id != kNoise && id != kRoads && id != kSixSystems) {
        continue;
      }
      out[id] = indicator.has_data() ? absl::StrCat(indicator.actual()) : "-";
    }
    return out;
  }

  void ExpectCode(const Outcome& o, grpc::StatusCode code, const std::string& field,
                  const std::string& what = "") {
    EXPECT_EQ(o.code(), code) << what << ": " << Describe(o);
    EXPECT_EQ(o.field, field) << what << ": " << Describe(o);
  }

  FakeClock clock_;
  gov::testing::TrackHarness h_{"disorder", &clock_, Tokens()};
  std::unique_ptr<DisorderService::Stub> stub_;
  int requests_ = 0;
};

// ---- RegisterMonitoredObject ----

TEST_F(DisorderObjectsTest, RegistersEveryKind) {
  std::vector<dv1::MonitoredObject> sent = {
      NewObject(kRestaurant, Region("GS01", "GS01-C01", "GS01-C01-G02")),
      NewObject(kSite, Region("GS01", "GS01-C02"), kActive, "2026-06-15", "", false),
      NewObject(kDemoStreet, Region("GS02"), kActive, "2025-11-30"),
      NewObject(kBlock, Region("GS02", "GS02-C01"), kSuspended, ""),
      NewObject(kNoiseCommunity, Region("GS01", "GS01-C03"), kRemoved, "2025-03-01"),
      NewObject(kRoad, Region("GS03"), kSuspended, "2026-02-01"),
  };
  sent[0].mutable_fume_monitor()->set_limit_mg_m3(1.5);
  std::vector<std::string> ids;
  for (const dv1::MonitoredObject& object : sent) {
    const dv1::MonitoredObject stored = Register(object);
    EXPECT_THAT(stored.id(), StartsWith("M-"));
    EXPECT_EQ(stored.etag(), "v1");
    EXPECT_EQ(FromTimestamp(stored.create_time()), clock_.Now());
    EXPECT_EQ(FromTimestamp(stored.update_time()), clock_.Now());
    dv1::MonitoredObject expected = object;
    expected.set_id(stored.id());
    expected.set_etag("v1");
    *expected.mutable_create_time() = stored.create_time();
    *expected.mutable_update_time() = stored.update_time();
    EXPECT_EQ(stored.DebugString(), expected.DebugString());

    dv1::MonitoredObject got;
    const Outcome o = TryGet(kViewer, stored.id(), &got);
    ASSERT_TRUE(o.status.ok()) << Describe(o);
    // No readings yet: a restaurant has no fume state.
    EXPECT_FALSE(got.has_fume_state());
    EXPECT_EQ(got.DebugString(), stored.DebugString());
    ids.push_back(stored.id());
  }
  EXPECT_THAT(Ids(ListAll({})), ElementsAreArray(ids));
  // A system (the monitoring platform) and a street operator in its street register too; output
  // fields sent along are ignored.
  dv1::MonitoredObject with_output = NewObject(kSite, Region("GS02", "GS02-C02"));
  with_output.set_id("M-999999");
  with_output.set_etag("v7");
  with_output.mutable_fume_state()->set_limit_mg_m3(3);
  const dv1::MonitoredObject by_system = Register(with_output, kSystem);
  EXPECT_NE(by_system.id(), "M-999999");
  EXPECT_EQ(by_system.etag(), "v1");
  EXPECT_FALSE(by_system.has_fume_state());
  EXPECT_THAT(Register(NewObject(kSite, Region("GS01")), kOperator1).id(), StartsWith("M-"));
}

TEST_F(DisorderObjectsTest, RetriedRegisterReturnsTheFirstObjectAndConflictsAreRefused) {
  const dv1::MonitoredObject object = NewObject(kRestaurant, Region("GS01", "GS01-C01"));
  dv1::MonitoredObject first;
  ASSERT_TRUE(TryRegister(kAdmin, "retry-1", object, &first).status.ok());
  clock_.Advance(absl::Minutes(5));
  dv1::MonitoredObject again;
  const Outcome retry = TryRegister(kAdmin, "retry-1", object, &again);
  ASSERT_TRUE(retry.status.ok()) << Describe(retry);
  EXPECT_EQ(again.DebugString(), first.DebugString());

  dv1::MonitoredObject other = object;
  other.set_name("另一家餐馆");
  EXPECT_EQ(TryRegister(kAdmin, "retry-1", other).code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_THAT(Ids(ListAll({})), ElementsAre(first.id()));
}

TEST_F(DisorderObjectsTest, RefusesBadInputNamingTheField) {
  struct Case {
    std::string what;
    std::function<void(dv1::RegisterMonitoredObjectRequest&)> edit;
    std::string field;
  };
  auto object = [](dv1::RegisterMonitoredObjectRequest& r) { return r.mutable_object(); };
  auto as = [&](dv1::RegisterMonitoredObjectRequest& r, dv1::MonitoredObjectKind kind,
                const gv1::RegionRef& region) { *object(r) = NewObject(kind, region); };
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const std::vector<Case> cases = {
      {"no request id", [](auto& r) { r.clear_request_id(); }, "request_id"},
      {"long request id", [](auto& r) { r.set_request_id(std::string(129, 'r')); }, "request_id"},
      {"no kind", [&](auto& r) { object(r)->clear_kind(); }, "object.kind"},
      {"unknown kind",
       [&](auto& r) { object(r)->set_kind(static_cast<dv1::MonitoredObjectKind>(99)); },
       "object.kind"},
      {"no name", [&](auto& r) { object(r)->clear_name(); }, "object.name"},
      {"long name", [&](auto& r) { object(r)->set_name(std::string(101, 'n')); }, "object.name"},
      {"no street", [&](auto& r) { *object(r)->mutable_region() = Region(""); },
       "object.region.street_id"},
      {"unknown street", [&](auto& r) { *object(r)->mutable_region() = Region("GS99"); },
       "object.region.street_id"},
      {"community of another street",
       [&](auto& r) { *object(r)->mutable_region() = Region("GS01", "GS02-C01"); },
       "object.region.community_id"},
      {"grid of another community",
       [&](auto& r) { *object(r)->mutable_region() = Region("GS01", "GS01-C01", "GS01-C02-G01"); },
       "object.region.grid_id"},
      {"parking block without community", [&](auto& r) { as(r, kBlock, Region("GS01")); },
       "object.region.community_id"},
      {"noise community without community",
       [&](auto& r) { as(r, kNoiseCommunity, Region("GS01")); }, "object.region.community_id"},
      {"demonstration street in a community",
       [&](auto& r) { as(r, kDemoStreet, Region("GS01", "GS01-C01")); },
       "object.region.community_id"},
      {"latitude", [&](auto& r) { object(r)->mutable_location()->set_latitude(91); },
       "object.location.latitude"},
      {"NaN longitude", [&](auto& r) { object(r)->mutable_location()->set_longitude(nan); },
       "object.location.longitude"},
      {"long address", [&](auto& r) { object(r)->set_address(std::string(201, 'a')); },
       "object.address"},
      {"no status", [&](auto& r) { object(r)->clear_status(); }, "object.status"},
      {"unknown status",
       [&](auto& r) { object(r)->set_status(static_cast<dv1::MonitoredObjectStatus>(42)); },
       "object.status"},
      {"active without date", [&](auto& r) { object(r)->clear_since_date(); }, "object.since_date"},
      {"no such day", [&](auto& r) { object(r)->set_since_date("2026-02-30"); },
       "object.since_date"},
      {"not a date", [&](auto& r) { object(r)->set_since_date("2026/06/01"); },
       "object.since_date"},
      {"tomorrow", [&](auto& r) { object(r)->set_since_date("2026-06-16"); }, "object.since_date"},
      // The shared day rule (gov::ValidateDay): 2000 to 2099.
      {"before 2000", [&](auto& r) { object(r)->set_since_date("1999-12-31"); },
       "object.since_date"},
      {"suspended with a bad date",
       [&](auto& r) {
         object(r)->set_status(kSuspended);
         object(r)->set_since_date("June");
       },
       "object.since_date"},
      {"restaurant without monitor", [&](auto& r) { object(r)->clear_fume_monitor(); },
       "object.fume_monitor"},
      {"no device", [&](auto& r) { object(r)->mutable_fume_monitor()->clear_device_id(); },
       "object.fume_monitor.device_id"},
      {"long device",
       [&](auto& r) { object(r)->mutable_fume_monitor()->set_device_id(std::string(65, 'd')); },
       "object.fume_monitor.device_id"},
      {"limit too low", [&](auto& r) { object(r)->mutable_fume_monitor()->set_limit_mg_m3(0.05); },
       "object.fume_monitor.limit_mg_m3"},
      {"limit too high", [&](auto& r) { object(r)->mutable_fume_monitor()->set_limit_mg_m3(20.5); },
       "object.fume_monitor.limit_mg_m3"},
      {"negative limit", [&](auto& r) { object(r)->mutable_fume_monitor()->set_limit_mg_m3(-1); },
       "object.fume_monitor.limit_mg_m3"},
      {"NaN limit", [&](auto& r) { object(r)->mutable_fume_monitor()->set_limit_mg_m3(nan); },
       "object.fume_monitor.limit_mg_m3"},
      {"monitor of a site",
       [&](auto& r) {
         as(r, kSite, Region("GS01"));
         object(r)->mutable_fume_monitor()->set_device_id("YY-1");
       },
       "object.fume_monitor"},
      {"wage systems of a restaurant",
       [&](auto& r) { object(r)->mutable_wage_systems()->set_wage_deposit(true); },
       "object.wage_systems"},
      {"wage systems of a road section",
       [&](auto& r) {
         as(r, kRoad, Region("GS01"));
         object(r)->mutable_wage_systems();
       },
       "object.wage_systems"},
  };
  for (const Case& c : cases) {
    dv1::RegisterMonitoredObjectRequest request;
    request.set_request_id("bad-input");
    *request.mutable_object() = NewObject(kRestaurant, Region("GS01", "GS01-C01"));
    c.edit(request);
    ExpectCode(TryRegister(kAdmin, request.request_id(), request.object()),
               grpc::StatusCode::INVALID_ARGUMENT, c.field, c.what);
  }
  EXPECT_TRUE(ListAll({}).empty());

  // The edges that are fine: 100 characters, today, limits 0.1 and 20, a 64-character device,
  // a suspended or removed object without a day, a site without any system.
  dv1::MonitoredObject edge = NewObject(kRestaurant, Region("GS01"), kActive, "2026-06-15");
  edge.set_name(std::string(100, 'n'));
  edge.set_address(std::string(200, 'a'));
  edge.mutable_fume_monitor()->set_device_id(std::string(64, 'd'));
  edge.mutable_fume_monitor()->set_limit_mg_m3(0.1);
  Register(edge);
  dv1::MonitoredObject strict = NewObject(kRestaurant, Region("GS01"), kActive, "2026-06-15", "X");
  strict.mutable_fume_monitor()->set_limit_mg_m3(20);
  Register(strict);
  Register(NewObject(kBlock, Region("GS01", "GS01-C01"), kSuspended, ""));
  Register(NewObject(kRoad, Region("GS01"), kRemoved, ""));
  dv1::MonitoredObject bare = NewObject(kSite, Region("GS01"));
  bare.clear_wage_systems();
  Register(bare);
  EXPECT_EQ(ListAll({}).size(), 5u);
}

TEST_F(DisorderObjectsTest, DevicesAreUniqueAmongTheRestaurants) {
  const dv1::MonitoredObject a =
      Register(NewObject(kRestaurant, Region("GS01", "GS01-C01"), kActive, "2026-01-10", "YY-7"));
  dv1::MonitoredObject b =
      NewObject(kRestaurant, Region("GS02", "GS02-C01"), kActive, "2026-01-10", "YY-7");
  b.set_name("锦苑社区面馆");
  ExpectCode(TryRegister(kAdmin, "b", b), grpc::StatusCode::ALREADY_EXISTS,
             "object.fume_monitor.device_id");
  // A suspended restaurant keeps its device.
  b.set_status(kSuspended);
  ExpectCode(TryRegister(kAdmin, "b", b), grpc::StatusCode::ALREADY_EXISTS,
             "object.fume_monitor.device_id");
  b.set_status(kActive);
  b.mutable_fume_monitor()->set_device_id("YY-8");
  dv1::MonitoredObject stored_b;
  ASSERT_TRUE(TryRegister(kAdmin, "b", b, &stored_b).status.ok());
  // Another restaurant cannot take a's device by an update either.
  dv1::MonitoredObject moved = stored_b;
  moved.mutable_fume_monitor()->set_device_id("YY-7");
  ExpectCode(TryUpdate(kAdmin, moved), grpc::StatusCode::ALREADY_EXISTS,
             "object.fume_monitor.device_id");
  // A restaurant keeps its own device across updates.
  dv1::MonitoredObject renamed = a;
  renamed.set_name("和睦社区川菜馆");
  ASSERT_TRUE(TryUpdate(kAdmin, renamed, &renamed).status.ok());
  // Once a is removed its device may go to another restaurant.
  dv1::MonitoredObject removed = renamed;
  removed.set_status(kRemoved);
  ASSERT_TRUE(TryUpdate(kAdmin, removed).status.ok());
  ASSERT_TRUE(TryUpdate(kAdmin, moved).status.ok()) << Describe(TryUpdate(kAdmin, moved));
  // Other kinds have no device to compare.
  EXPECT_EQ(ListAll({}).size(), 2u);
}

// ---- UpdateMonitoredObject ----

TEST_F(DisorderObjectsTest, UpdateReplacesTheObjectUnderItsEtag) {
  const dv1::MonitoredObject site =
      Register(NewObject(kSite, Region("GS01", "GS01-C01"), kSuspended, "", "", false));
  clock_.Advance(absl::Hours(2));
  dv1::MonitoredObject next = site;
  next.set_name("运河街道安置房项目一标段");
  next.set_status(kActive);
  next.set_since_date("2026-06-14");
  next.mutable_wage_systems()->set_rights_information_board(true);
  dv1::MonitoredObject updated;
  Outcome o = TryUpdate(kOperator1, next, &updated);
  ASSERT_TRUE(o.status.ok()) << Describe(o);
  EXPECT_EQ(updated.etag(), "v2");
  EXPECT_EQ(updated.name(), "运河街道安置房项目一标段");
  EXPECT_EQ(updated.status(), kActive);
  EXPECT_TRUE(updated.wage_systems().rights_information_board());
  EXPECT_EQ(FromTimestamp(updated.create_time()), FromTimestamp(site.create_time()));
  EXPECT_EQ(FromTimestamp(updated.update_time()), clock_.Now());
  dv1::MonitoredObject got;
  ASSERT_TRUE(TryGet(kAdmin, site.id(), &got).status.ok());
  EXPECT_EQ(got.DebugString(), updated.DebugString());

  // The old etag is stale (a concurrent writer with the same etag loses); an empty one is
  // refused before anything is read.
  ExpectCode(TryUpdate(kAdmin, next), grpc::StatusCode::ABORTED, "");
  next.clear_etag();
  ExpectCode(TryUpdate(kAdmin, next), grpc::StatusCode::INVALID_ARGUMENT, "object.etag");

  // Kind and place stay.
  dv1::MonitoredObject moved = updated;
  moved.set_kind(kRoad);
  ExpectCode(TryUpdate(kAdmin, moved), grpc::StatusCode::INVALID_ARGUMENT, "object.kind");
  moved = updated;
  *moved.mutable_region() = Region("GS01", "GS01-C02");
  ExpectCode(TryUpdate(kAdmin, moved), grpc::StatusCode::INVALID_ARGUMENT,
             "object.region.community_id");
  moved = updated;
  *moved.mutable_region() = Region("GS02", "GS02-C01");
  ExpectCode(TryUpdate(kAdmin, moved), grpc::StatusCode::INVALID_ARGUMENT,
             "object.region.street_id");
  moved = updated;
  *moved.mutable_region() = Region("GS01", "GS01-C01", "GS01-C01-G01");
  ExpectCode(TryUpdate(kAdmin, moved), grpc::StatusCode::INVALID_ARGUMENT, "object.region.grid_id");
  // The replaced fields are validated as on registration.
  moved = updated;
  moved.clear_since_date();
  ExpectCode(TryUpdate(kAdmin, moved), grpc::StatusCode::INVALID_ARGUMENT, "object.since_date");
  moved = updated;
  moved.mutable_fume_monitor()->set_device_id("YY-1");
  ExpectCode(TryUpdate(kAdmin, moved), grpc::StatusCode::INVALID_ARGUMENT, "object.fume_monitor");

  // Unknown and missing ids.
  moved = updated;
  moved.set_id("M-999999");
  ExpectCode(TryUpdate(kAdmin, moved), grpc::StatusCode::NOT_FOUND, "");
  moved.clear_id();
  ExpectCode(TryUpdate(kAdmin, moved), grpc::StatusCode::INVALID_ARGUMENT, "object.id");
  // Readers do not write.
  ExpectCode(TryUpdate(kViewer, updated), grpc::StatusCode::PERMISSION_DENIED, "");
  ExpectCode(TryUpdate(kMediator1, updated), grpc::StatusCode::PERMISSION_DENIED, "");
  ASSERT_TRUE(TryGet(kAdmin, site.id(), &got).status.ok());
  EXPECT_EQ(got.etag(), "v2");
}

TEST_F(DisorderObjectsTest, RemovedStaysRemoved) {
  const dv1::MonitoredObject block = Register(NewObject(kBlock, Region("GS01", "GS01-C01")));
  dv1::MonitoredObject removed = block;
  removed.set_status(kRemoved);
  ASSERT_TRUE(TryUpdate(kAdmin, removed, &removed).status.ok());
  EXPECT_EQ(removed.since_date(), "2026-01-10");

  dv1::MonitoredObject back = removed;
  back.set_status(kActive);
  ExpectCode(TryUpdate(kAdmin, back), grpc::StatusCode::FAILED_PRECONDITION, "object.status");
  back.set_status(kSuspended);
  ExpectCode(TryUpdate(kAdmin, back), grpc::StatusCode::FAILED_PRECONDITION, "object.status");
  // A removed object's record may still be corrected.
  dv1::MonitoredObject renamed = removed;
  renamed.set_name("和睦社区停放区块（已撤销）");
  dv1::MonitoredObject out;
  const Outcome o = TryUpdate(kAdmin, renamed, &out);
  ASSERT_TRUE(o.status.ok()) << Describe(o);
  EXPECT_EQ(out.status(), kRemoved);
  EXPECT_EQ(out.etag(), "v3");
}

// ---- Scope ----

TEST_F(DisorderObjectsTest, CallersKeepToTheirStreets) {
  const dv1::MonitoredObject gs01 = Register(NewObject(kSite, Region("GS01", "GS01-C01")));
  const dv1::MonitoredObject gs02 = Register(NewObject(kSite, Region("GS02", "GS02-C01")));
  const dv1::MonitoredObject street = Register(NewObject(kDemoStreet, Region("GS02")));

  // Registering: only in the operator's street; readers never.
  EXPECT_EQ(TryRegister(kOperator1, "op1-gs02", NewObject(kSite, Region("GS02"))).code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(TryRegister(kOperator1, "op1-gs01", NewObject(kSite, Region("GS01"))).code(),
            grpc::StatusCode::OK);
  EXPECT_EQ(TryRegister(kViewer, "viewer", NewObject(kSite, Region("GS01"))).code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(TryRegister(kMediator1, "mediator", NewObject(kSite, Region("GS01"))).code(),
            grpc::StatusCode::PERMISSION_DENIED);

  // Reading: a street operator of another street is refused.
  EXPECT_EQ(TryGet(kOperator1, gs02.id()).code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(TryGet(kOperator1, street.id()).code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(TryGet(kOperator2, street.id()).code(), grpc::StatusCode::OK);
  EXPECT_EQ(TryGet(kOperator1, gs01.id()).code(), grpc::StatusCode::OK);
  EXPECT_EQ(TryGet(kMediator1, gs01.id()).code(), grpc::StatusCode::OK);
  EXPECT_EQ(TryGet(kViewer, gs02.id()).code(), grpc::StatusCode::OK);
  ExpectCode(TryGet(kAdmin, ""), grpc::StatusCode::INVALID_ARGUMENT, "id");
  EXPECT_EQ(TryGet(kAdmin, "M-999999").code(), grpc::StatusCode::NOT_FOUND);

  // Updating another street's object.
  dv1::MonitoredObject renamed = gs02;
  renamed.set_name("改名");
  EXPECT_EQ(TryUpdate(kOperator1, renamed).code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(TryUpdate(kOperator2, renamed).code(), grpc::StatusCode::OK);

  // Lists keep to the caller's streets; asking for another street is refused.
  const std::vector<dv1::MonitoredObject> mine = ListAll({}, 500, kOperator1);
  ASSERT_EQ(mine.size(), 2u);
  EXPECT_EQ(mine[0].id(), gs01.id());
  EXPECT_EQ(ListAll({}, 1, kOperator12).size(), 4u);
  dv1::ListMonitoredObjectsRequest other;
  *other.mutable_region() = Region("GS02");
  EXPECT_EQ(TryList(kOperator1, other).code(), grpc::StatusCode::PERMISSION_DENIED);
  // A token is bound to the caller's streets.
  dv1::ListMonitoredObjectsRequest paged;
  paged.set_page_size(1);
  dv1::ListMonitoredObjectsResponse first;
  ASSERT_TRUE(TryList(kOperator12, paged, &first).status.ok());
  paged.set_page_token(first.next_page_token());
  ExpectCode(TryList(kOperator1, paged), grpc::StatusCode::INVALID_ARGUMENT, "page_token");
}

// ---- ListMonitoredObjects ----

TEST_F(DisorderObjectsTest, ListFiltersAndPages) {
  const std::string restaurant =
      Register(NewObject(kRestaurant, Region("GS01", "GS01-C01", "GS01-C01-G01"))).id();
  const std::string site = Register(NewObject(kSite, Region("GS01", "GS01-C02"))).id();
  const std::string halted =
      Register(NewObject(kSite, Region("GS02", "GS02-C01"), kSuspended, "")).id();
  const std::string demo = Register(NewObject(kDemoStreet, Region("GS02"))).id();
  const std::string block = Register(NewObject(kBlock, Region("GS01", "GS01-C01"))).id();
  const std::string road = Register(NewObject(kRoad, Region("GS01"), kRemoved)).id();

  dv1::ListMonitoredObjectsRequest by_kind;
  by_kind.set_kind(kSite);
  EXPECT_THAT(Ids(ListAll(by_kind)), ElementsAre(site, halted));
  dv1::ListMonitoredObjectsRequest active;
  active.set_status(kActive);
  EXPECT_THAT(Ids(ListAll(active)), ElementsAre(restaurant, site, demo, block));
  // Across kinds, one at a time: the pages follow the ids.
  EXPECT_THAT(Ids(ListAll(active, 1)), ElementsAre(restaurant, site, demo, block));
  dv1::ListMonitoredObjectsRequest both = by_kind;
  both.set_status(kSuspended);
  EXPECT_THAT(Ids(ListAll(both)), ElementsAre(halted));
  dv1::ListMonitoredObjectsRequest street;
  *street.mutable_region() = Region("GS01");
  EXPECT_THAT(Ids(ListAll(street)), ElementsAre(restaurant, site, block, road));
  dv1::ListMonitoredObjectsRequest community;
  *community.mutable_region() = Region("GS01", "GS01-C01");
  EXPECT_THAT(Ids(ListAll(community)), ElementsAre(restaurant, block));
  EXPECT_THAT(Ids(ListAll({}, 4)), ElementsAre(restaurant, site, halted, demo, block, road));

  // A token belongs to its filter.
  dv1::ListMonitoredObjectsResponse first;
  active.set_page_size(2);
  ASSERT_TRUE(TryList(kAdmin, active, &first).status.ok());
  ASSERT_FALSE(first.next_page_token().empty());
  dv1::ListMonitoredObjectsRequest other = by_kind;
  other.set_page_size(2);
  other.set_page_token(first.next_page_token());
  ExpectCode(TryList(kAdmin, other), grpc::StatusCode::INVALID_ARGUMENT, "page_token");
  other = active;
  other.set_page_token("garbage");
  ExpectCode(TryList(kAdmin, other), grpc::StatusCode::INVALID_ARGUMENT, "page_token");

  struct Bad {
    std::function<void(dv1::ListMonitoredObjectsRequest&)> edit;
    std::string field;
  };
  const std::vector<Bad> bad = {
      {[](auto& r) { r.set_page_size(-1); }, "page_size"},
      {[](auto& r) { r.set_kind(static_cast<dv1::MonitoredObjectKind>(99)); }, "kind"},
      {[](auto& r) { r.set_status(static_cast<dv1::MonitoredObjectStatus>(99)); }, "status"},
      {[](auto& r) { *r.mutable_region() = Region("GS99"); }, "region.street_id"},
      {[](auto& r) { *r.mutable_region() = Region("", "GS01-C01"); }, "region.street_id"},
      {[](auto& r) { *r.mutable_region() = Region("GS01", "GS02-C01"); }, "region.community_id"},
      {[](auto& r) { *r.mutable_region() = Region("GS01", "GS01-C01", "GS01-C01-G01"); },
       "region.grid_id"},
  };
  for (const Bad& b : bad) {
    dv1::ListMonitoredObjectsRequest request;
    b.edit(request);
    ExpectCode(TryList(kAdmin, request), grpc::StatusCode::INVALID_ARGUMENT, b.field);
  }
  // Above the maximum is lowered to it.
  dv1::ListMonitoredObjectsRequest large;
  large.set_page_size(100000);
  dv1::ListMonitoredObjectsResponse all;
  ASSERT_TRUE(TryList(kAdmin, large, &all).status.ok());
  EXPECT_EQ(all.objects_size(), 6);
}

// ---- Indicators ----

// A small registry over GS01 and GS02 and the indicators computed by hand for June and May
// 2026.
TEST_F(DisorderObjectsTest, IndicatorsCountWhatIsActiveByThePeriodsEnd) {
  // Restaurants: GS01 (street-level) since January, GS01-C01 since 1 June, GS02 since December;
  // a suspended and a removed one do not count.
  Register(NewObject(kRestaurant, Region("GS01"), kActive, "2026-01-10", "D1"));
  Register(NewObject(kRestaurant, Region("GS01", "GS01-C01"), kActive, "2026-06-01", "D2"));
  Register(NewObject(kRestaurant, Region("GS02", "GS02-C01"), kActive, "2025-12-01", "D3"));
  Register(NewObject(kRestaurant, Region("GS01", "GS01-C01"), kSuspended, "2026-01-01", "D4"));
  Register(NewObject(kRestaurant, Region("GS02"), kRemoved, "2025-01-01", "D5"));
  // Sites: GS01-C01 with all six since February, GS01-C02 missing one since March, GS01 without
  // any since 31 May (the last day of May), GS02-C01 with all six since 5 June; a halted one
  // does not count.
  Register(NewObject(kSite, Region("GS01", "GS01-C01"), kActive, "2026-02-01"));
  Register(NewObject(kSite, Region("GS01", "GS01-C02"), kActive, "2026-03-01", "", false));
  dv1::MonitoredObject bare = NewObject(kSite, Region("GS01"), kActive, "2026-05-31");
  bare.clear_wage_systems();
  Register(bare);
  Register(NewObject(kSite, Region("GS02", "GS02-C01"), kActive, "2026-06-05"));
  Register(NewObject(kSite, Region("GS02", "GS02-C02"), kSuspended, "2026-01-01"));
  // A demonstration street GS01 since April, a parking block GS01-C01 since 31 May, a noise
  // community GS02-C01 since today; a suspended road section of GS02.
  Register(NewObject(kDemoStreet, Region("GS01"), kActive, "2026-04-01"));
  Register(NewObject(kBlock, Region("GS01", "GS01-C01"), kActive, "2026-05-31"));
  Register(NewObject(kNoiseCommunity, Region("GS02", "GS02-C01"), kActive, "2026-06-15"));
  Register(NewObject(kRoad, Region("GS02"), kSuspended, "2026-01-01"));

  using Values = std::map<std::string, std::string>;
  // District, June: 2 of the 4 active sites have all six.
  EXPECT_EQ(Actuals(Month(2026, 6)), (Values{{kRestaurants, "3"},
                                             {kSites, "4"},
                                             {kDemoStreets, "1"},
                                             {kBlocks, "1"},
                                             {kNoise, "1"},
                                             {kRoads, "0"},
                                             {kSixSystems, "5000"}}));
  // District, May: what joined in June is not counted yet; 31 May is (1 of 3 sites).
  EXPECT_EQ(Actuals(Month(2026, 5)), (Values{{kRestaurants, "2"},
                                             {kSites, "3"},
                                             {kDemoStreets, "1"},
                                             {kBlocks, "1"},
                                             {kNoise, "0"},
                                             {kRoads, "0"},
                                             {kSixSystems, "3333"}}));
  // GS01, June and March.
  EXPECT_EQ(Actuals(Month(2026, 6), Region("GS01")), (Values{{kRestaurants, "2"},
                                                             {kSites, "3"},
                                                             {kDemoStreets, "1"},
                                                             {kBlocks, "1"},
                                                             {kNoise, "0"},
                                                             {kRoads, "0"},
                                                             {kSixSystems, "3333"}}));
  EXPECT_EQ(Actuals(Month(2026, 3), Region("GS01")), (Values{{kRestaurants, "1"},
                                                             {kSites, "2"},
                                                             {kDemoStreets, "0"},
                                                             {kBlocks, "0"},
                                                             {kNoise, "0"},
                                                             {kRoads, "0"},
                                                             {kSixSystems, "5000"}}));
  // GS02, June and May (no active site in May: no data).
  EXPECT_EQ(Actuals(Month(2026, 6), Region("GS02")), (Values{{kRestaurants, "1"},
                                                             {kSites, "1"},
                                                             {kDemoStreets, "0"},
                                                             {kBlocks, "0"},
                                                             {kNoise, "1"},
                                                             {kRoads, "0"},
                                                             {kSixSystems, "10000"}}));
  EXPECT_EQ(Actuals(Month(2026, 5), Region("GS02"))[kSixSystems], "-");
  // Community GS01-C01, June: the street-level restaurant and demonstration street are not in it.
  EXPECT_EQ(Actuals(Month(2026, 6), Region("GS01", "GS01-C01")), (Values{{kRestaurants, "1"},
                                                                         {kSites, "1"},
                                                                         {kDemoStreets, "0"},
                                                                         {kBlocks, "1"},
                                                                         {kNoise, "0"},
                                                                         {kRoads, "0"},
                                                                         {kSixSystems, "10000"}}));
  // GS01 and GS02 together (a caller of both streets) is the district here.
  EXPECT_EQ(Actuals(Month(2026, 6), {}, kOperator12), Actuals(Month(2026, 6)));

  // Targets, units and colours.
  std::map<std::string, gv1::Indicator> june = Indicators(Month(2026, 6));
  EXPECT_EQ(june[kRestaurants].target(), 150);
  EXPECT_EQ(june[kRestaurants].target_kind(), gv1::TARGET_KIND_ABSOLUTE);
  EXPECT_EQ(june[kRestaurants].unit(), gv1::INDICATOR_UNIT_COUNT);
  EXPECT_EQ(june[kRestaurants].direction(), gv1::DIRECTION_HIGHER_IS_BETTER);
  EXPECT_EQ(june[kRestaurants].colour(), gv1::COLOUR_RED);
  EXPECT_EQ(june[kSites].target(), 174);
  EXPECT_EQ(june[kDemoStreets].target(), 10);
  EXPECT_EQ(june[kBlocks].target(), 10);
  EXPECT_EQ(june[kNoise].target(), 10);
  EXPECT_EQ(june[kRoads].target(), 7);
  EXPECT_EQ(june[kSixSystems].target(), 10000);
  EXPECT_EQ(june[kSixSystems].target_kind(), gv1::TARGET_KIND_RATE);
  EXPECT_EQ(june[kSixSystems].unit(), gv1::INDICATOR_UNIT_BASIS_POINTS);
  EXPECT_EQ(june[kRestaurants].name_zh(), "油烟在线监测餐饮单位数");
  EXPECT_EQ(Indicators(Month(2026, 6), Region("GS02"))[kSixSystems].colour(), gv1::COLOUR_GREEN);
}

TEST_F(DisorderObjectsTest, IndicatorsRefreshAfterEveryWrite) {
  const dv1::MonitoredObject first = Register(NewObject(kRoad, Region("GS01")));
  EXPECT_EQ(Actuals(Month(2026, 6))[kRoads], "1");
  Register(NewObject(kRoad, Region("GS03")));
  EXPECT_EQ(Actuals(Month(2026, 6))[kRoads], "2");
  dv1::MonitoredObject suspend = first;
  suspend.set_status(kSuspended);
  ASSERT_TRUE(TryUpdate(kAdmin, suspend).status.ok());
  EXPECT_EQ(Actuals(Month(2026, 6))[kRoads], "1");
  EXPECT_EQ(Actuals(Month(2026, 6), Region("GS03"))[kRoads], "1");
}

// ---- Demo data ----

TEST_F(DisorderObjectsTest, DemoDataShowsProgressAndLoadsOnce) {
  ASSERT_TRUE(LoadObjectDemo(track().object_registry(), track().deps()).ok());
  store::EntityFilter all;
  all.track = "disorder";
  all.kind = "object";
  absl::StatusOr<int64_t> loaded = h_.repo().CountEntities(all);
  ASSERT_TRUE(loaded.ok());
  // 146 restaurants, 170 sites, 10 demonstration streets, 10 blocks, 10 communities, 7 roads.
  EXPECT_EQ(*loaded, 353);
  ASSERT_TRUE(LoadObjectDemo(track().object_registry(), track().deps()).ok());
  EXPECT_EQ(*h_.repo().CountEntities(all), 353);
  // A day later the since days of the items differ; what is there stays, nothing is added.
  clock_.Advance(absl::Hours(24));
  ASSERT_TRUE(LoadObjectDemo(track().object_registry(), track().deps()).ok());
  EXPECT_EQ(*h_.repo().CountEntities(all), 353);

  // 164 active sites, of which 14 miss a system (the deposit at 3, 20, 37, 54, 88, 105, 122,
  // 139, 156; the board at 20, 49, 78, 107, 136, 165): 150 / 164 = 9146.3 basis points.
  EXPECT_EQ(Actuals(Month(2026, 6)), (std::map<std::string, std::string>{{kRestaurants, "140"},
                                                                         {kSites, "164"},
                                                                         {kDemoStreets, "10"},
                                                                         {kBlocks, "9"},
                                                                         {kNoise, "10"},
                                                                         {kRoads, "6"},
                                                                         {kSixSystems, "9146"}}));
  // The restaurants lie on distinct grids with coordinates and distinct devices.
  dv1::ListMonitoredObjectsRequest restaurants;
  restaurants.set_kind(kRestaurant);
  const std::vector<dv1::MonitoredObject> listed = ListAll(restaurants);
  ASSERT_EQ(listed.size(), 146u);
  std::map<std::string, int> grids;
  std::map<std::string, int> devices;
  for (const dv1::MonitoredObject& r : listed) {
    EXPECT_FALSE(r.region().grid_id().empty()) << r.id();
    EXPECT_TRUE(r.has_location()) << r.id();
    ++grids[r.region().grid_id()];
    ++devices[r.fume_monitor().device_id()];
  }
  EXPECT_EQ(grids.size(), 146u);
  EXPECT_EQ(devices.size(), 146u);
  std::map<std::string, int> streets;
  for (const dv1::MonitoredObject& r : listed) ++streets[r.region().street_id()];
  EXPECT_EQ(streets.size(), 11u);
}

}  // namespace
}  // namespace gov::disorder
