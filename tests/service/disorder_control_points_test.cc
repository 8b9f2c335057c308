// The restaurants under special control for cooking fumes (省、市环保督查点和重复投诉点) end to
// end: their flags on RegisterMonitoredObject, UpdateMonitoredObject and ListMonitoredObjects,
// and the indicator of those without a repeat complaint, against complaints submitted through
// the API at the fake clock's times and counted by hand. The real disorder track behind the real
// server over gRPC on loopback, on the test's store and a real redis-server, with the rules of
// data/disorder.json (repeats within 30 days, within 50 m with coordinates on both sides, else in
// the same grid).

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/auth/auth.h"
#include "common/clock/clock.h"
#include "common/util/proto.h"
#include "gmock/gmock.h"
#include "governance/disorder/v1/disorder.grpc.pb.h"
#include "governance/v1/indicators.pb.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "services/disorder/track.h"
#include "tests/support/test_support.h"
#include "tests/support/track_harness.h"

namespace gov::disorder {
namespace {

namespace gv1 = ::governance::v1;
using dv1::DisorderService;
using gov::testing::Describe;
using gov::testing::ExpectPagesLikeEveryList;
using gov::testing::ExpectRefusals;
using gov::testing::ExpectRefused;
using gov::testing::Local;
using gov::testing::Month;
using gov::testing::Outcome;
using gov::testing::PageCall;
using gov::testing::Refusal;
using gov::testing::Region;
using ::testing::ElementsAre;
using ::testing::ElementsAreArray;

constexpr char kAdmin[] = "tok-admin";
constexpr char kSystem[] = "tok-system";
constexpr char kOperator1[] = "tok-operator-gs01";
constexpr char kViewer[] = "tok-viewer";

constexpr char kIndicator[] = "fume_control_points_without_repeat";

constexpr dv1::MonitoredObjectKind kRestaurant = dv1::MONITORED_OBJECT_KIND_FUME_RESTAURANT;
constexpr dv1::ComplaintCategory kFumes = dv1::COMPLAINT_CATEGORY_COOKING_FUMES;

// Degrees of latitude per metre on the mean Earth radius (6,371,008.8 m).
constexpr double kDegreesPerMetre = 1 / 111195.08;

gv1::GeoPoint Point(double latitude, double longitude) {
  gv1::GeoPoint p;
  p.set_latitude(latitude);
  p.set_longitude(longitude);
  return p;
}

// `metres` north of `p`.
gv1::GeoPoint North(const gv1::GeoPoint& p, double metres) {
  return Point(p.latitude() + metres * kDegreesPerMetre, p.longitude());
}

dv1::ControlPoint Flags(bool provincial, bool municipal, bool repeat) {
  dv1::ControlPoint p;
  p.set_provincial_inspection(provincial);
  p.set_municipal_inspection(municipal);
  p.set_repeat_complaint(repeat);
  return p;
}

dv1::MonitoredObject Restaurant(
    const gv1::RegionRef& region, const gv1::GeoPoint& at, const std::string& device,
    const dv1::ControlPoint& flags, const std::string& since = "2026-01-10",
    dv1::MonitoredObjectStatus status = dv1::MONITORED_OBJECT_STATUS_ACTIVE) {
  dv1::MonitoredObject o;
  o.set_kind(kRestaurant);
  o.set_name(absl::StrCat("测试餐馆 ", device));
  *o.mutable_region() = region;
  *o.mutable_location() = at;
  o.set_address("美食街 1 号");
  o.set_status(status);
  if (status == dv1::MONITORED_OBJECT_STATUS_ACTIVE) o.set_since_date(since);
  o.mutable_fume_monitor()->set_device_id(device);
  if (flags.provincial_inspection() || flags.municipal_inspection() || flags.repeat_complaint()) {
    *o.mutable_control_point() = flags;
  }
  return o;
}

std::vector<std::string> Ids(const std::vector<dv1::MonitoredObject>& objects) {
  std::vector<std::string> out;
  for (const dv1::MonitoredObject& o : objects) out.push_back(o.id());
  return out;
}

class DisorderControlPointsTest : public ::testing::Test {
 protected:
  DisorderControlPointsTest() : clock_(Local(2026, 6, 15, 10, 0)) {}

  void SetUp() override {
    absl::Status started = h_.Start(track::Factory<DisorderTrack>("disorder"));
    ASSERT_TRUE(started.ok()) << started;
    stub_ = DisorderService::NewStub(h_.channel());
  }

  static std::vector<gov::testing::TestToken> Tokens() {
    return {
        {kAdmin, "admin", auth::kDistrictAdmin, {}},
        {kSystem, "platform", auth::kSystem, {}},
        {kOperator1, "operator-gs01", auth::kStreetOperator, {"GS01"}},
        {kViewer, "viewer", auth::kViewer, {}},
    };
  }

  DisorderTrack& track() { return static_cast<DisorderTrack&>(h_.track()); }

  // ---- Objects ----

  Outcome TryRegister(const std::string& token, const dv1::RegisterMonitoredObjectRequest& request,
                      dv1::MonitoredObject* out = nullptr) {
    dv1::RegisterMonitoredObjectResponse response;
    Outcome o = h_.Rpc(token, [&](grpc::ClientContext* c) {
      return stub_->RegisterMonitoredObject(c, request, &response);
    });
    if (out != nullptr) *out = response.object();
    return o;
  }
  dv1::MonitoredObject Register(const dv1::MonitoredObject& object,
                                const std::string& token = kAdmin) {
    dv1::RegisterMonitoredObjectRequest request;
    request.set_request_id(absl::StrCat("object-", ++requests_));
    *request.mutable_object() = object;
    dv1::MonitoredObject out;
    const Outcome o = TryRegister(token, request, &out);
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
  dv1::MonitoredObject GetObject(const std::string& id) {
    dv1::GetMonitoredObjectRequest request;
    request.set_id(id);
    dv1::GetMonitoredObjectResponse response;
    const Outcome o = h_.Rpc(kAdmin, [&](grpc::ClientContext* c) {
      return stub_->GetMonitoredObject(c, request, &response);
    });
    EXPECT_TRUE(o.status.ok()) << Describe(o);
    return response.object();
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
  std::vector<dv1::MonitoredObject> ListAll(dv1::ListMonitoredObjectsRequest request,
                                            const std::string& token = kAdmin,
                                            int page_size = 500) {
    std::vector<dv1::MonitoredObject> all;
    request.set_page_size(page_size);
    for (int pages = 0; pages < 1000; ++pages) {
      dv1::ListMonitoredObjectsResponse response;
      const Outcome o = TryList(token, request, &response);
      EXPECT_TRUE(o.status.ok()) << Describe(o);
      if (!o.status.ok()) break;
      all.insert(all.end(), response.objects().begin(), response.objects().end());
      if (response.next_page_token().empty()) break;
      request.set_page_token(response.next_page_token());
    }
    return all;
  }
  dv1::ListMonitoredObjectsRequest WithFlags(const dv1::ControlPoint& flags) {
    dv1::ListMonitoredObjectsRequest request;
    *request.mutable_control_point() = flags;
    return request;
  }

  // ---- Complaints ----

  // A cooking-fumes complaint (or of `category`) taken in at `at` through the API.
  dv1::Complaint Complain(absl::Time at, const gv1::RegionRef& region,
                          const gv1::GeoPoint* location = nullptr,
                          dv1::ComplaintCategory category = kFumes) {
    clock_.Set(at);
    dv1::SubmitComplaintRequest request;
    request.set_request_id(absl::StrCat("complaint-", ++requests_));
    dv1::Complaint* c = request.mutable_complaint();
    c->set_category(category);
    c->set_channel(dv1::CHANNEL_HOTLINE);
    *c->mutable_region() = region;
    if (location != nullptr) *c->mutable_location() = *location;
    c->set_address("美食街附近");
    c->set_description("油烟扰民（测试）");
    dv1::SubmitComplaintResponse response;
    const Outcome o = h_.Rpc(kSystem, [&](grpc::ClientContext* ctx) {
      return stub_->SubmitComplaint(ctx, request, &response);
    });
    EXPECT_TRUE(o.status.ok()) << Describe(o);
    return response.complaint();
  }
  dv1::Complaint GetComplaint(const std::string& id) {
    dv1::GetComplaintRequest request;
    request.set_id(id);
    dv1::GetComplaintResponse response;
    const Outcome o = h_.Rpc(
        kAdmin, [&](grpc::ClientContext* c) { return stub_->GetComplaint(c, request, &response); });
    EXPECT_TRUE(o.status.ok()) << Describe(o);
    return response.complaint();
  }
  // Accepted, resolved and closed after a satisfied callback.
  void Close(const std::string& id) {
    dv1::AcceptComplaintRequest accept;
    accept.set_id(id);
    accept.set_etag(GetComplaint(id).etag());
    dv1::AcceptComplaintResponse accepted;
    ASSERT_TRUE(h_.Rpc(kAdmin, [&](grpc::ClientContext* c) {
                    return stub_->AcceptComplaint(c, accept, &accepted);
                  }).status.ok());
    dv1::ResolveComplaintRequest resolve;
    resolve.set_id(id);
    resolve.set_etag(accepted.complaint().etag());
    resolve.set_outcome(dv1::RESOLUTION_OUTCOME_RESOLVED);
    resolve.set_resolution("已督促清洗油烟净化器");
    dv1::ResolveComplaintResponse resolved;
    ASSERT_TRUE(h_.Rpc(kAdmin, [&](grpc::ClientContext* c) {
                    return stub_->ResolveComplaint(c, resolve, &resolved);
                  }).status.ok());
    dv1::RecordCallbackRequest callback;
    callback.set_id(id);
    callback.set_etag(resolved.complaint().etag());
    callback.set_satisfaction(dv1::SATISFACTION_SATISFIED);
    dv1::RecordCallbackResponse called;
    ASSERT_TRUE(h_.Rpc(kAdmin, [&](grpc::ClientContext* c) {
                    return stub_->RecordCallback(c, callback, &called);
                  }).status.ok());
    ASSERT_EQ(called.complaint().status(), dv1::COMPLAINT_STATUS_CLOSED);
  }
  void Merge(const std::string& id, const std::string& into) {
    dv1::MergeComplaintRequest request;
    request.set_id(id);
    request.set_etag(GetComplaint(id).etag());
    request.set_into_id(into);
    dv1::MergeComplaintResponse response;
    const Outcome o = h_.Rpc(kAdmin, [&](grpc::ClientContext* c) {
      return stub_->MergeComplaint(c, request, &response);
    });
    ASSERT_TRUE(o.status.ok()) << Describe(o);
    ASSERT_EQ(response.complaint().status(), dv1::COMPLAINT_STATUS_MERGED);
  }

  // The indicator for `period` and `region`: its value, "-" without data.
  std::string Actual(const gv1::Period& period, const gv1::RegionRef& region = {}) {
    const std::map<std::string, gv1::Indicator> all = h_.Indicators(kAdmin, period, region);
    auto it = all.find(kIndicator);
    if (it == all.end()) return "missing";
    return it->second.has_data() ? absl::StrCat(it->second.actual()) : "-";
  }
  gv1::Indicator Indicator(const gv1::Period& period, const gv1::RegionRef& region = {}) {
    return h_.Indicators(kAdmin, period, region)[kIndicator];
  }

  FakeClock clock_;
  gov::testing::TrackHarness h_{"disorder", &clock_, Tokens()};
  std::unique_ptr<DisorderService::Stub> stub_;
  int requests_ = 0;
};

// ---- The flags ----

TEST_F(DisorderControlPointsTest, FlagsAreSetOnRegisterAndUpdateForRestaurantsOnly) {
  const gv1::GeoPoint at = Point(30.2015, 120.1031);
  const dv1::MonitoredObject provincial = Register(Restaurant(
      Region("GS01", "GS01-C01", "GS01-C01-G01"), at, "YY-1", Flags(true, false, false)));
  EXPECT_TRUE(provincial.control_point().provincial_inspection());
  EXPECT_FALSE(provincial.control_point().municipal_inspection());
  EXPECT_FALSE(provincial.control_point().repeat_complaint());
  const dv1::MonitoredObject both = Register(
      Restaurant(Region("GS01", "GS01-C02"), North(at, 500), "YY-2", Flags(false, true, true)),
      kOperator1);
  EXPECT_TRUE(both.control_point().municipal_inspection());
  EXPECT_TRUE(both.control_point().repeat_complaint());
  EXPECT_EQ(GetObject(both.id()).control_point().DebugString(),
            Flags(false, true, true).DebugString());

  // No flag set is no control point, whether the message is sent or not: a retry of either
  // form is the same registration.
  dv1::MonitoredObject plain_object =
      Restaurant(Region("GS01", "GS01-C03"), North(at, 900), "YY-3", Flags(false, false, false));
  *plain_object.mutable_control_point() = dv1::ControlPoint();
  dv1::RegisterMonitoredObjectRequest plain_request;
  plain_request.set_request_id("plain");
  *plain_request.mutable_object() = plain_object;
  dv1::MonitoredObject plain;
  ASSERT_TRUE(TryRegister(kAdmin, plain_request, &plain).status.ok());
  EXPECT_FALSE(plain.has_control_point());
  plain_request.mutable_object()->clear_control_point();
  dv1::MonitoredObject again;
  ASSERT_TRUE(TryRegister(kAdmin, plain_request, &again).status.ok());
  EXPECT_EQ(again.id(), plain.id());
  // A retry with flags is another object under the same request id (its device is the stored
  // restaurant's: refused for that first).
  *plain_request.mutable_object()->mutable_control_point() = Flags(false, false, true);
  const Outcome other = TryRegister(kAdmin, plain_request);
  EXPECT_EQ(other.code(), grpc::StatusCode::ALREADY_EXISTS) << Describe(other);

  // Update sets and clears them, under the etag.
  dv1::MonitoredObject flagged = plain;
  *flagged.mutable_control_point() = Flags(false, false, true);
  dv1::MonitoredObject updated;
  Outcome o = TryUpdate(kOperator1, flagged, &updated);
  ASSERT_TRUE(o.status.ok()) << Describe(o);
  EXPECT_TRUE(updated.control_point().repeat_complaint());
  EXPECT_EQ(updated.etag(), "v2");
  ExpectRefused(TryUpdate(kAdmin, flagged), grpc::StatusCode::ABORTED, "");
  dv1::MonitoredObject cleared = updated;
  cleared.clear_control_point();
  o = TryUpdate(kAdmin, cleared, &updated);
  ASSERT_TRUE(o.status.ok()) << Describe(o);
  EXPECT_FALSE(updated.has_control_point());
  EXPECT_FALSE(GetObject(plain.id()).has_control_point());
}

TEST_F(DisorderControlPointsTest, AFlagOnAnotherKindIsRefusedNamingItAndWritesNothing) {
  dv1::RegisterMonitoredObjectRequest valid;
  valid.set_request_id("site");
  dv1::MonitoredObject* site = valid.mutable_object();
  site->set_kind(dv1::MONITORED_OBJECT_KIND_CONSTRUCTION_SITE);
  site->set_name("安置房项目一标段");
  *site->mutable_region() = Region("GS01", "GS01-C01");
  site->set_status(dv1::MONITORED_OBJECT_STATUS_ACTIVE);
  site->set_since_date("2026-02-01");
  const std::vector<Refusal<dv1::RegisterMonitoredObjectRequest>> bad = {
      {"a provincial inspection site",
       [](auto& r) {
         r.mutable_object()->mutable_control_point()->set_provincial_inspection(true);
       },
       "object.control_point.provincial_inspection"},
      {"a municipal inspection site",
       [](auto& r) { r.mutable_object()->mutable_control_point()->set_municipal_inspection(true); },
       "object.control_point.municipal_inspection"},
      {"a repeat-complaint site",
       [](auto& r) { r.mutable_object()->mutable_control_point()->set_repeat_complaint(true); },
       "object.control_point.repeat_complaint"},
      {"a flagged parking block",
       [](auto& r) {
         r.mutable_object()->set_kind(dv1::MONITORED_OBJECT_KIND_PARKING_BLOCK);
         *r.mutable_object()->mutable_control_point() = Flags(false, true, true);
       },
       "object.control_point.municipal_inspection"},
      {"a flagged muck road section",
       [](auto& r) {
         r.mutable_object()->set_kind(dv1::MONITORED_OBJECT_KIND_MUCK_ROAD_SECTION);
         r.mutable_object()->mutable_region()->clear_community_id();
         *r.mutable_object()->mutable_control_point() = Flags(true, true, false);
       },
       "object.control_point.provincial_inspection"},
  };
  ExpectRefusals<dv1::RegisterMonitoredObjectRequest>(
      h_, valid, bad, [&](const auto& request) { return TryRegister(kAdmin, request); });

  // An empty control point is no flag: the site registers; a flag added by update is refused.
  dv1::RegisterMonitoredObjectRequest empty = valid;
  *empty.mutable_object()->mutable_control_point() = dv1::ControlPoint();
  dv1::MonitoredObject stored;
  ASSERT_TRUE(TryRegister(kAdmin, empty, &stored).status.ok());
  EXPECT_FALSE(stored.has_control_point());
  const std::string snapshot = h_.StoreSnapshot();
  dv1::MonitoredObject flagged = stored;
  flagged.mutable_control_point()->set_repeat_complaint(true);
  gov::testing::ExpectInvalid(TryUpdate(kAdmin, flagged), "object.control_point.repeat_complaint");
  EXPECT_EQ(h_.StoreSnapshot(), snapshot);
}

TEST_F(DisorderControlPointsTest, ListFiltersByAnyOfTheFlagsAsked) {
  const gv1::GeoPoint at = Point(30.2015, 120.1031);
  const std::string p =
      Register(Restaurant(Region("GS01", "GS01-C01"), at, "YY-1", Flags(true, false, false))).id();
  const std::string m = Register(Restaurant(Region("GS02", "GS02-C01"), North(at, 200), "YY-2",
                                            Flags(false, true, false)))
                            .id();
  const std::string pr = Register(Restaurant(Region("GS01", "GS01-C02"), North(at, 400), "YY-3",
                                             Flags(true, false, true)))
                             .id();
  const std::string none =
      Register(Restaurant(Region("GS01", "GS01-C01"), North(at, 600), "YY-4", Flags(0, 0, 0))).id();
  const std::string suspended =
      Register(Restaurant(Region("GS01", "GS01-C03"), North(at, 800), "YY-5",
                          Flags(false, false, true), "", dv1::MONITORED_OBJECT_STATUS_SUSPENDED))
          .id();
  dv1::MonitoredObject site;
  site.set_kind(dv1::MONITORED_OBJECT_KIND_CONSTRUCTION_SITE);
  site.set_name("工地");
  *site.mutable_region() = Region("GS01", "GS01-C01");
  site.set_status(dv1::MONITORED_OBJECT_STATUS_ACTIVE);
  site.set_since_date("2026-02-01");
  const std::string site_id = Register(site).id();

  struct Case {
    std::string what;
    std::function<void(dv1::ListMonitoredObjectsRequest&)> edit;
    std::vector<std::string> want;
  };
  const std::vector<Case> cases = {
      {"no filter", [](auto&) {}, {p, m, pr, none, suspended, site_id}},
      {"provincial",
       [](auto& r) { *r.mutable_control_point() = Flags(true, false, false); },
       {p, pr}},
      {"municipal", [](auto& r) { *r.mutable_control_point() = Flags(false, true, false); }, {m}},
      {"repeat",
       [](auto& r) { *r.mutable_control_point() = Flags(false, false, true); },
       {pr, suspended}},
      {"inspection points of either level",
       [](auto& r) { *r.mutable_control_point() = Flags(true, true, false); },
       {p, m, pr}},
      {"any flag",
       [](auto& r) { *r.mutable_control_point() = Flags(true, true, true); },
       {p, m, pr, suspended}},
      {"an empty filter filters nothing",
       [](auto& r) { *r.mutable_control_point() = dv1::ControlPoint(); },
       {p, m, pr, none, suspended, site_id}},
      {"with the kind",
       [](auto& r) {
         r.set_kind(kRestaurant);
         *r.mutable_control_point() = Flags(false, false, true);
       },
       {pr, suspended}},
      {"with a status",
       [](auto& r) {
         r.set_status(dv1::MONITORED_OBJECT_STATUS_ACTIVE);
         *r.mutable_control_point() = Flags(false, false, true);
       },
       {pr}},
      {"in a street",
       [](auto& r) {
         *r.mutable_region() = Region("GS02");
         *r.mutable_control_point() = Flags(true, true, true);
       },
       {m}},
      {"in a community",
       [](auto& r) {
         *r.mutable_region() = Region("GS01", "GS01-C02");
         *r.mutable_control_point() = Flags(true, true, true);
       },
       {pr}},
  };
  for (const Case& c : cases) {
    dv1::ListMonitoredObjectsRequest request;
    c.edit(request);
    for (int size : {1, 2, 500}) {
      EXPECT_THAT(Ids(ListAll(request, kAdmin, size)), ElementsAreArray(c.want))
          << c.what << " by " << size;
    }
  }
  // A street operator: its streets only.
  EXPECT_THAT(Ids(ListAll(WithFlags(Flags(true, true, true)), kOperator1, 1)),
              ElementsAre(p, pr, suspended));
  // Listed objects carry their flags.
  const std::vector<dv1::MonitoredObject> listed = ListAll(WithFlags(Flags(true, false, false)));
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[1].control_point().DebugString(), Flags(true, false, true).DebugString());

  // The paging contract, and a token bound to its flags.
  const PageCall page = [&](int32_t size, const std::string& token, std::vector<std::string>* ids,
                            std::string* next) {
    dv1::ListMonitoredObjectsRequest request = WithFlags(Flags(true, true, true));
    request.set_page_size(size);
    request.set_page_token(token);
    dv1::ListMonitoredObjectsResponse response;
    const Outcome o = TryList(kViewer, request, &response);
    for (const dv1::MonitoredObject& object : response.objects()) ids->push_back(object.id());
    *next = response.next_page_token();
    return o;
  };
  EXPECT_THAT(ExpectPagesLikeEveryList(page, 4), ElementsAre(p, m, pr, suspended));
  dv1::ListMonitoredObjectsRequest first = WithFlags(Flags(true, true, true));
  first.set_page_size(1);
  dv1::ListMonitoredObjectsResponse response;
  ASSERT_TRUE(TryList(kAdmin, first, &response).status.ok());
  ASSERT_FALSE(response.next_page_token().empty());
  dv1::ListMonitoredObjectsRequest other = WithFlags(Flags(false, false, true));
  other.set_page_token(response.next_page_token());
  gov::testing::ExpectInvalid(TryList(kAdmin, other), "page_token");
  other = dv1::ListMonitoredObjectsRequest();
  other.set_page_token(response.next_page_token());
  gov::testing::ExpectInvalid(TryList(kAdmin, other), "page_token");
  // Another caller's scope is another list.
  other = first;
  other.set_page_token(response.next_page_token());
  gov::testing::ExpectInvalid(TryList(kOperator1, other), "page_token");

  // Flags filter restaurants: with another kind the request is refused.
  dv1::ListMonitoredObjectsRequest sites = WithFlags(Flags(false, false, true));
  sites.set_kind(dv1::MONITORED_OBJECT_KIND_CONSTRUCTION_SITE);
  gov::testing::ExpectInvalid(TryList(kAdmin, sites), "control_point");
}

// ---- The indicator ----

// Five control points and an ordinary restaurant; cooking-fumes complaints around them in April,
// May and June 2026, taken in through the API at their times (district time), counted by hand:
//
// | point                   | street | in force           | repeat complaints at it           |
// |-------------------------|--------|--------------------|-----------------------------------|
// | P1 provincial           | GS01   | from 2026-01-10    | May 31 23:50 (by grid)            |
// | P2 repeat-complaint     | GS01   | from 2026-01-10    | June 1 00:10 (by coordinates)     |
// | P3 municipal            | GS02   | from 2026-01-10    | June 8 (a duplicate merged by hand)|
// | P4 municipal, suspended | GS02   | no                 | -                                 |
// | P5 repeat-complaint     | GS02   | from 2026-06-01    | June 12 (by grid)                 |
//
// Not at any point: a repeat 80 m from P2 (the rule's radius is 50 m), a repeated noise
// complaint in P3's grid, a single cooking-fumes complaint at P3, a repeat at the ordinary
// restaurant.
TEST_F(DisorderControlPointsTest, IndicatorCountsThePointsWithoutARepeatComplaint) {
  const gv1::GeoPoint l1 = Point(30.2000, 120.1000);
  const gv1::GeoPoint l2 = Point(30.2100, 120.1100);
  const gv1::GeoPoint l3 = Point(30.2200, 120.1200);
  const gv1::GeoPoint l4 = Point(30.2300, 120.1300);
  const gv1::GeoPoint l5 = Point(30.2400, 120.1400);
  const gv1::GeoPoint l6 = Point(30.2500, 120.1500);
  const gv1::RegionRef g1 = Region("GS01", "GS01-C01", "GS01-C01-G01");
  const gv1::RegionRef g2 = Region("GS01", "GS01-C02", "GS01-C02-G01");
  const gv1::RegionRef g3 = Region("GS02", "GS02-C01", "GS02-C01-G01");
  const gv1::RegionRef g4 = Region("GS02", "GS02-C02", "GS02-C02-G01");
  const gv1::RegionRef g5 = Region("GS02", "GS02-C03", "GS02-C03-G01");
  const gv1::RegionRef g6 = Region("GS01", "GS01-C03", "GS01-C03-G01");
  Register(Restaurant(g1, l1, "P1", Flags(true, false, false)));
  Register(Restaurant(g2, l2, "P2", Flags(false, false, true)));
  Register(Restaurant(g3, l3, "P3", Flags(false, true, false)));
  const dv1::MonitoredObject p4 = Register(Restaurant(g4, l4, "P4", Flags(false, true, false), "",
                                                      dv1::MONITORED_OBJECT_STATUS_SUSPENDED));
  Register(Restaurant(g5, l5, "P5", Flags(false, false, true), "2026-06-01"));
  Register(Restaurant(g6, l6, "R1", Flags(false, false, false)));

  // Before any complaint: every point clean.
  EXPECT_EQ(Actual(Month(2026, 6)), "10000");

  // April: a single complaint at P3 (no repeat).
  Complain(Local(2026, 4, 10, 9), g3);
  // May: P1 by grid (no coordinates), the repeat on the last evening of May.
  Complain(Local(2026, 5, 20, 10), g1);
  const dv1::Complaint a = Complain(Local(2026, 5, 31, 23, 50), g1);
  EXPECT_EQ(a.status(), dv1::COMPLAINT_STATUS_REPEAT);
  // P2 by coordinates (no grid): 10 m and 20 m from it, the repeat ten minutes into June (still
  // 31 May in UTC).
  const gv1::GeoPoint b1 = North(l2, 10);
  const gv1::GeoPoint b2 = North(l2, 20);
  Complain(Local(2026, 5, 25, 15), Region("GS01", "GS01-C02"), &b1);
  const dv1::Complaint b = Complain(Local(2026, 6, 1, 0, 10), Region("GS01", "GS01-C02"), &b2);
  EXPECT_EQ(b.status(), dv1::COMPLAINT_STATUS_REPEAT);
  // June: a repeat 80 m from P2, of a complaint 75 m from it.
  const gv1::GeoPoint c1 = North(l2, 75);
  const gv1::GeoPoint c2 = North(l2, 80);
  Complain(Local(2026, 6, 3, 11), Region("GS01"), &c1);
  EXPECT_EQ(Complain(Local(2026, 6, 3, 12), Region("GS01"), &c2).status(),
            dv1::COMPLAINT_STATUS_REPEAT);
  // P3: a complaint closed, then another at its grid (no repeat of a closed one) merged into it
  // by hand; a repeated noise complaint in its grid.
  const dv1::Complaint d1 = Complain(Local(2026, 6, 5, 9), g3);
  Close(d1.id());
  const dv1::Complaint d2 = Complain(Local(2026, 6, 8, 9), g3);
  EXPECT_EQ(d2.status(), dv1::COMPLAINT_STATUS_DISPATCHED);
  Merge(d2.id(), d1.id());
  Complain(Local(2026, 6, 9, 9), g3, nullptr, dv1::COMPLAINT_CATEGORY_NOISE);
  EXPECT_EQ(Complain(Local(2026, 6, 9, 10), g3, nullptr, dv1::COMPLAINT_CATEGORY_NOISE).status(),
            dv1::COMPLAINT_STATUS_REPEAT);
  // P5 and the ordinary restaurant, by grid.
  Complain(Local(2026, 6, 11, 9), g5);
  EXPECT_EQ(Complain(Local(2026, 6, 12, 9), g5).status(), dv1::COMPLAINT_STATUS_REPEAT);
  Complain(Local(2026, 6, 11, 9), g6);
  EXPECT_EQ(Complain(Local(2026, 6, 12, 9), g6).status(), dv1::COMPLAINT_STATUS_REPEAT);
  clock_.Set(Local(2026, 6, 15, 10));

  // June: P1, P2, P3, P5 in force; only P1 clean. May: P1, P2, P3; P1 repeated. April: clean.
  EXPECT_EQ(Actual(Month(2026, 6)), "2500");
  EXPECT_EQ(Actual(Month(2026, 5)), "6667");
  EXPECT_EQ(Actual(Month(2026, 4)), "10000");
  gv1::Period q2;
  q2.set_year(2026);
  q2.set_quarter(2);
  EXPECT_EQ(Actual(q2), "0");
  gv1::Period year;
  year.set_year(2026);
  EXPECT_EQ(Actual(year), "0");
  // Graded per street and community alike: GS01 P1 clean, P2 not; GS02 neither P3 nor P5; GS03
  // has no point.
  EXPECT_EQ(Actual(Month(2026, 6), Region("GS01")), "5000");
  EXPECT_EQ(Actual(Month(2026, 6), Region("GS02")), "0");
  EXPECT_EQ(Actual(Month(2026, 6), Region("GS01", "GS01-C01")), "10000");
  EXPECT_EQ(Actual(Month(2026, 6), Region("GS03")), "-");
  EXPECT_EQ(Actual(Month(2026, 5), Region("GS01")), "5000");
  EXPECT_EQ(Actual(Month(2026, 5), Region("GS02")), "10000");

  // The district's own target, 100 %.
  const gv1::Indicator june = Indicator(Month(2026, 6));
  EXPECT_EQ(june.target(), 10000);
  EXPECT_EQ(june.target_source(), gv1::TARGET_SOURCE_DISTRICT);
  EXPECT_FALSE(june.target_reason().empty());
  EXPECT_EQ(june.colour(), gv1::COLOUR_RED);
  const gv1::Indicator gs01 = Indicator(Month(2026, 6), Region("GS01"));
  EXPECT_EQ(gs01.target(), 10000);
  EXPECT_EQ(gs01.colour(), gv1::COLOUR_RED);
  EXPECT_EQ(Indicator(Month(2026, 4)).colour(), gv1::COLOUR_GREEN);

  // P4 back in the programme (no repeat at it): one more clean point in June, at once.
  dv1::MonitoredObject active = GetObject(p4.id());
  active.set_status(dv1::MONITORED_OBJECT_STATUS_ACTIVE);
  active.set_since_date("2026-02-01");
  ASSERT_TRUE(TryUpdate(kAdmin, active).status.ok());
  EXPECT_EQ(Actual(Month(2026, 6)), "4000");
  EXPECT_EQ(Actual(Month(2026, 6), Region("GS02")), "3333");
  // A point no longer flagged leaves the count: P5 without its flag.
  dv1::ListMonitoredObjectsRequest repeat_points = WithFlags(Flags(false, false, true));
  *repeat_points.mutable_region() = Region("GS02");
  const std::vector<dv1::MonitoredObject> in_gs02 = ListAll(repeat_points);
  ASSERT_EQ(in_gs02.size(), 1u);
  dv1::MonitoredObject unflagged = in_gs02[0];
  EXPECT_EQ(unflagged.fume_monitor().device_id(), "P5");
  unflagged.clear_control_point();
  ASSERT_TRUE(TryUpdate(kAdmin, unflagged).status.ok());
  EXPECT_EQ(Actual(Month(2026, 6)), "5000");
  EXPECT_EQ(Actual(Month(2026, 6), Region("GS02")), "5000");
}

// ---- Demo data ----

TEST_F(DisorderControlPointsTest, DemoPointsHaveRepeatsInSomeMonths) {
  const absl::Status loaded = track().LoadDemoData();
  ASSERT_TRUE(loaded.ok()) << loaded;
  EXPECT_EQ(ListAll(WithFlags(Flags(true, true, true))).size(), 35u);
  dv1::ListMonitoredObjectsRequest active = WithFlags(Flags(true, true, true));
  active.set_status(dv1::MONITORED_OBJECT_STATUS_ACTIVE);
  EXPECT_EQ(ListAll(active).size(), 34u);
  // Over the year some points drew a repeat complaint, not all.
  gv1::Period year;
  year.set_year(2026);
  const gv1::Indicator indicator = Indicator(year);
  ASSERT_TRUE(indicator.has_data());
  EXPECT_GT(indicator.actual(), 0);
  EXPECT_LT(indicator.actual(), 10000);
}

}  // namespace
}  // namespace gov::disorder
