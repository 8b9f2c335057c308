// The hazard track's programmes end to end over gRPC on the real track (SQLite, or PostgreSQL as
// hazard_programmes_test_postgres) with a real redis-server and a fake clock: programme sites
// registered and done once (a construction vehicle under all six fixes), elevators and their
// insurance policies (no overlap, renewals within the rules' grace days, retries), accidents;
// each within the caller's streets; every indicator of the part against hand counts; the demo.

#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/clock/clock.h"
#include "common/server/track_main.h"
#include "common/track/track_base.h"
#include "common/util/proto.h"
#include "gmock/gmock.h"
#include "governance/hazard/v1/hazard.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "services/hazard/demo_data.h"
#include "services/hazard/model.h"
#include "services/hazard/track.h"
#include "tests/support/track_harness.h"

namespace gov::hazard {
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

constexpr char kAdmin[] = "tok-admin";
constexpr char kSystem[] = "tok-system";
constexpr char kOperator1[] = "tok-operator-gs01";
constexpr char kOperator2[] = "tok-operator-gs02";
constexpr char kInspector[] = "tok-inspector-gs01";
constexpr char kViewer[] = "tok-viewer";

constexpr hv1::SiteKind kCompound = hv1::SITE_KIND_COMPOUND;
constexpr hv1::SiteKind kVehicle = hv1::SITE_KIND_CONSTRUCTION_VEHICLE;

std::vector<gov::testing::TestToken> Tokens() {
  return {
      {kAdmin, "admin", auth::kDistrictAdmin, {}},
      {kSystem, "safety-platform", auth::kSystem, {}},
      {kOperator1, "operator-gs01", auth::kStreetOperator, {"GS01"}},
      {kOperator2, "operator-gs02", auth::kStreetOperator, {"GS02"}},
      {kInspector, "inspector-gs01", "inspector", {"GS01"}},
      {kViewer, "viewer", auth::kViewer, {}},
  };
}

// The street of a community id ("GS01-C02" -> "GS01").
std::string StreetOf(const std::string& community) { return community.substr(0, 4); }

class HazardProgrammesTest : public ::testing::Test {
 protected:
  HazardProgrammesTest() : clock_(Local(2026, 4, 1, 9, 0)) {}

  void SetUp() override {
    const absl::Status started = h_.Start(track::Factory<HazardTrack>(kTrack));
    ASSERT_TRUE(started.ok()) << started;
    stub_ = hv1::HazardService::NewStub(h_.channel());
  }

  HazardTrack& track() { return static_cast<HazardTrack&>(h_.track()); }

  template <typename Fn>
  Outcome Rpc(const std::string& token, Fn&& fn) {
    return h_.Rpc(token, std::forward<Fn>(fn));
  }

  std::string Rid() { return absl::StrCat("rid-", ++counter_); }

  // ---- Sites ----

  hv1::RegisterSiteRequest NewSite(hv1::SiteKind kind, const std::string& community = "GS01-C01",
                                   const std::string& name = "和睦花园小区") {
    hv1::RegisterSiteRequest request;
    request.set_request_id(Rid());
    hv1::Site* s = request.mutable_site();
    s->set_kind(kind);
    s->set_name(name);
    *s->mutable_region() = Region(StreetOf(community), community);
    s->set_address("和睦路12号");
    return request;
  }

  Outcome TryRegisterSite(const std::string& token, const hv1::RegisterSiteRequest& request,
                          hv1::Site* out = nullptr) {
    hv1::RegisterSiteResponse response;
    Outcome o = Rpc(
        token, [&](grpc::ClientContext* c) { return stub_->RegisterSite(c, request, &response); });
    if (out != nullptr) *out = response.site();
    return o;
  }

  hv1::Site RegisterSite(const hv1::RegisterSiteRequest& request,
                         const std::string& token = kOperator1) {
    hv1::Site out;
    const Outcome o = TryRegisterSite(token, request, &out);
    EXPECT_TRUE(o.status.ok()) << Describe(o);
    return out;
  }

  // A site of `kind` in `community`, registered now.
  hv1::Site Site(hv1::SiteKind kind, const std::string& community) {
    return RegisterSite(NewSite(kind, community), kAdmin);
  }

  Outcome TryGetSite(const std::string& token, const std::string& id, hv1::Site* out = nullptr) {
    hv1::GetSiteRequest request;
    request.set_id(id);
    hv1::GetSiteResponse response;
    Outcome o =
        Rpc(token, [&](grpc::ClientContext* c) { return stub_->GetSite(c, request, &response); });
    if (out != nullptr) *out = response.site();
    return o;
  }

  hv1::CompleteSiteRequest Completion(const hv1::Site& s, const std::string& day) {
    hv1::CompleteSiteRequest request;
    request.set_id(s.id());
    request.set_etag(s.etag());
    request.set_day(day);
    request.set_note("完成整治");
    if (s.kind() == kVehicle) {
      for (int fix = 1; fix <= hv1::SixFix_MAX; ++fix) {
        request.add_fixes(static_cast<hv1::SixFix>(fix));
      }
    }
    return request;
  }

  Outcome TryComplete(const std::string& token, const hv1::CompleteSiteRequest& request,
                      hv1::Site* out = nullptr) {
    hv1::CompleteSiteResponse response;
    Outcome o = Rpc(
        token, [&](grpc::ClientContext* c) { return stub_->CompleteSite(c, request, &response); });
    if (out != nullptr) *out = response.site();
    return o;
  }

  hv1::Site Complete(const hv1::Site& s, const std::string& day) {
    hv1::Site out;
    const Outcome o = TryComplete(kAdmin, Completion(s, day), &out);
    EXPECT_TRUE(o.status.ok()) << Describe(o);
    return out;
  }

  Outcome TryListSites(const std::string& token, const hv1::ListSitesRequest& request,
                       hv1::ListSitesResponse* out = nullptr) {
    hv1::ListSitesResponse response;
    Outcome o =
        Rpc(token, [&](grpc::ClientContext* c) { return stub_->ListSites(c, request, &response); });
    if (out != nullptr) *out = response;
    return o;
  }

  std::vector<std::string> SiteIds(const hv1::ListSitesRequest& request,
                                   const std::string& token = kAdmin) {
    hv1::ListSitesResponse response;
    const Outcome o = TryListSites(token, request, &response);
    EXPECT_TRUE(o.status.ok()) << Describe(o);
    std::vector<std::string> ids;
    for (const hv1::Site& s : response.sites()) ids.push_back(s.id());
    return ids;
  }

  // ---- Elevators ----

  hv1::RegisterElevatorRequest NewElevator(const std::string& community = "GS01-C01",
                                           bool residential = true) {
    hv1::RegisterElevatorRequest request;
    request.set_request_id(Rid());
    hv1::Elevator* e = request.mutable_elevator();
    e->set_registration_code(absl::StrCat("梯11330106", counter_));
    *e->mutable_region() = Region(StreetOf(community), community);
    e->set_address("和睦路12号3幢");
    e->set_residential(residential);
    return request;
  }

  Outcome TryRegisterElevator(const std::string& token, const hv1::RegisterElevatorRequest& request,
                              hv1::Elevator* out = nullptr) {
    hv1::RegisterElevatorResponse response;
    Outcome o = Rpc(token, [&](grpc::ClientContext* c) {
      return stub_->RegisterElevator(c, request, &response);
    });
    if (out != nullptr) *out = response.elevator();
    return o;
  }

  hv1::Elevator Elevator(const std::string& community = "GS01-C01", bool residential = true) {
    hv1::Elevator out;
    const Outcome o = TryRegisterElevator(kAdmin, NewElevator(community, residential), &out);
    EXPECT_TRUE(o.status.ok()) << Describe(o);
    return out;
  }

  hv1::RecordElevatorInsuranceRequest NewPolicy(const std::string& elevator,
                                                const std::string& first, const std::string& last,
                                                const std::string& insurer = "人保财险") {
    hv1::RecordElevatorInsuranceRequest request;
    request.set_request_id(Rid());
    request.set_elevator_id(elevator);
    request.mutable_policy()->set_insurer(insurer);
    request.mutable_policy()->set_first_day(first);
    request.mutable_policy()->set_last_day(last);
    return request;
  }

  Outcome TryInsure(const std::string& token, const hv1::RecordElevatorInsuranceRequest& request,
                    hv1::Elevator* out = nullptr) {
    hv1::RecordElevatorInsuranceResponse response;
    Outcome o = Rpc(token, [&](grpc::ClientContext* c) {
      return stub_->RecordElevatorInsurance(c, request, &response);
    });
    if (out != nullptr) *out = response.elevator();
    return o;
  }

  hv1::Elevator Insure(const std::string& elevator, const std::string& first,
                       const std::string& last) {
    hv1::Elevator out;
    const Outcome o = TryInsure(kAdmin, NewPolicy(elevator, first, last), &out);
    EXPECT_TRUE(o.status.ok()) << Describe(o);
    return out;
  }

  Outcome TryGetElevator(const std::string& token, const std::string& id,
                         hv1::Elevator* out = nullptr) {
    hv1::GetElevatorRequest request;
    request.set_id(id);
    hv1::GetElevatorResponse response;
    Outcome o = Rpc(
        token, [&](grpc::ClientContext* c) { return stub_->GetElevator(c, request, &response); });
    if (out != nullptr) *out = response.elevator();
    return o;
  }

  hv1::Elevator GetElevator(const std::string& id) {
    hv1::Elevator out;
    const Outcome o = TryGetElevator(kAdmin, id, &out);
    EXPECT_TRUE(o.status.ok()) << Describe(o);
    return out;
  }

  Outcome TryListElevators(const std::string& token, const hv1::ListElevatorsRequest& request,
                           hv1::ListElevatorsResponse* out = nullptr) {
    hv1::ListElevatorsResponse response;
    Outcome o = Rpc(
        token, [&](grpc::ClientContext* c) { return stub_->ListElevators(c, request, &response); });
    if (out != nullptr) *out = response;
    return o;
  }

  std::vector<std::string> ElevatorIds(const hv1::ListElevatorsRequest& request,
                                       const std::string& token = kAdmin) {
    hv1::ListElevatorsResponse response;
    const Outcome o = TryListElevators(token, request, &response);
    EXPECT_TRUE(o.status.ok()) << Describe(o);
    std::vector<std::string> ids;
    for (const hv1::Elevator& e : response.elevators()) ids.push_back(e.id());
    return ids;
  }

  // ---- Accidents ----

  hv1::RecordAccidentRequest NewAccident(hv1::AccidentType type, const gv1::RegionRef& region,
                                         const std::string& day) {
    hv1::RecordAccidentRequest request;
    request.set_request_id(Rid());
    hv1::Accident* a = request.mutable_accident();
    a->set_type(type);
    *a->mutable_region() = region;
    a->set_day(day);
    a->set_description("学校食堂午餐后多名学生腹痛呕吐");
    a->set_casualties(12);
    return request;
  }

  Outcome TryRecordAccident(const std::string& token, const hv1::RecordAccidentRequest& request,
                            hv1::Accident* out = nullptr) {
    hv1::RecordAccidentResponse response;
    Outcome o = Rpc(token, [&](grpc::ClientContext* c) {
      return stub_->RecordAccident(c, request, &response);
    });
    if (out != nullptr) *out = response.accident();
    return o;
  }

  hv1::Accident Accident(hv1::AccidentType type, const gv1::RegionRef& region,
                         const std::string& day) {
    hv1::Accident out;
    const Outcome o = TryRecordAccident(kAdmin, NewAccident(type, region, day), &out);
    EXPECT_TRUE(o.status.ok()) << Describe(o);
    return out;
  }

  Outcome TryGetAccident(const std::string& token, const std::string& id) {
    hv1::GetAccidentRequest request;
    request.set_id(id);
    hv1::GetAccidentResponse response;
    return Rpc(token,
               [&](grpc::ClientContext* c) { return stub_->GetAccident(c, request, &response); });
  }

  std::vector<std::string> AccidentIds(const hv1::ListAccidentsRequest& request,
                                       const std::string& token = kAdmin) {
    hv1::ListAccidentsResponse response;
    const Outcome o = Rpc(
        token, [&](grpc::ClientContext* c) { return stub_->ListAccidents(c, request, &response); });
    EXPECT_TRUE(o.status.ok()) << Describe(o);
    std::vector<std::string> ids;
    for (const hv1::Accident& a : response.accidents()) ids.push_back(a.id());
    return ids;
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
  std::unique_ptr<hv1::HazardService::Stub> stub_;
  int counter_ = 0;
};

// ---- Sites ----

TEST_F(HazardProgrammesTest, ASiteIsRegisteredOncePendingWithinTheCallersStreets) {
  hv1::RegisterSiteRequest request = NewSite(kCompound);
  // What CompleteSite sets is not the caller's to set at registration.
  request.mutable_site()->set_status(hv1::SITE_STATUS_DONE);
  request.mutable_site()->set_done_day("2026-03-01");
  request.mutable_site()->add_fixes(hv1::SIX_FIX_DRIVER);
  const hv1::Site s = RegisterSite(request);
  EXPECT_EQ(s.id(), "ST-000001");
  EXPECT_EQ(s.kind(), kCompound);
  EXPECT_EQ(s.name(), "和睦花园小区");
  EXPECT_EQ(s.region().street_id(), "GS01");
  EXPECT_EQ(s.region().community_id(), "GS01-C01");
  EXPECT_EQ(s.address(), "和睦路12号");
  EXPECT_EQ(s.status(), hv1::SITE_STATUS_PENDING);
  EXPECT_EQ(s.done_day(), "");
  EXPECT_TRUE(s.fixes().empty());
  EXPECT_EQ(s.etag(), "v1");
  EXPECT_EQ(FromTimestamp(s.create_time()), clock_.Now());

  // A retry is the same site, nothing written; the request id with another site is refused.
  const std::string before = h_.StoreSnapshot();
  EXPECT_EQ(RegisterSite(request).id(), s.id());
  EXPECT_EQ(h_.StoreSnapshot(), before);
  hv1::RegisterSiteRequest other = request;
  other.mutable_site()->set_name("另一个小区");
  ExpectRefused(TryRegisterSite(kOperator1, other), grpc::StatusCode::ALREADY_EXISTS, "");
  EXPECT_EQ(h_.StoreSnapshot(), before);

  // Who registers: street operators and inspectors for their streets, and systems.
  EXPECT_EQ(RegisterSite(NewSite(kCompound), kInspector).status(), hv1::SITE_STATUS_PENDING);
  EXPECT_EQ(RegisterSite(NewSite(kCompound, "GS02-C01"), kSystem).region().street_id(), "GS02");
  ExpectRefused(TryRegisterSite(kOperator2, NewSite(kCompound)),
                grpc::StatusCode::PERMISSION_DENIED, "");
  ExpectRefused(TryRegisterSite(kInspector, NewSite(kCompound, "GS02-C01")),
                grpc::StatusCode::PERMISSION_DENIED, "");
  ExpectRefused(TryRegisterSite(kViewer, NewSite(kCompound)), grpc::StatusCode::PERMISSION_DENIED,
                "");
  // Names are counted in characters: 200 Chinese characters are a name, 201 are not.
  std::string name;
  for (int i = 0; i < 200; ++i) name += "字";
  EXPECT_EQ(RegisterSite(NewSite(kCompound, "GS01-C02", name)).name(), name);
  ExpectInvalid(TryRegisterSite(kOperator1, NewSite(kCompound, "GS01-C02", name + "字")),
                "site.name");

  using Row = Refusal<hv1::RegisterSiteRequest>;
  ExpectRefusals<hv1::RegisterSiteRequest>(
      h_, NewSite(kCompound),
      {
          Row{"no request id", [](auto& q) { q.clear_request_id(); }, "request_id"},
          Row{"a request id too long", [](auto& q) { q.set_request_id(std::string(129, 'r')); },
              "request_id"},
          Row{"no kind", [](auto& q) { q.mutable_site()->clear_kind(); }, "site.kind"},
          Row{"a kind that is none",
              [](auto& q) { q.mutable_site()->set_kind(static_cast<hv1::SiteKind>(99)); },
              "site.kind"},
          Row{"no name", [](auto& q) { q.mutable_site()->clear_name(); }, "site.name"},
          Row{"a name too long", [](auto& q) { q.mutable_site()->set_name(std::string(201, 'n')); },
              "site.name"},
          Row{"a control character in the name",
              [](auto& q) { q.mutable_site()->set_name("小区\x01"); }, "site.name"},
          Row{"no street", [](auto& q) { q.mutable_site()->mutable_region()->clear_street_id(); },
              "site.region.street_id"},
          Row{"an unknown street",
              [](auto& q) { *q.mutable_site()->mutable_region() = Region("GS99", "GS01-C01"); },
              "site.region.street_id"},
          Row{"no community",
              [](auto& q) { q.mutable_site()->mutable_region()->clear_community_id(); },
              "site.region.community_id"},
          Row{"a community of another street",
              [](auto& q) { *q.mutable_site()->mutable_region() = Region("GS01", "GS02-C01"); },
              "site.region.community_id"},
          Row{"a grid",
              [](auto& q) {
                *q.mutable_site()->mutable_region() = Region("GS01", "GS01-C01", "GS01-C01-G01");
              },
              "site.region.grid_id"},
          Row{"an address too long",
              [](auto& q) { q.mutable_site()->set_address(std::string(201, 'a')); },
              "site.address"},
      },
      [&](const hv1::RegisterSiteRequest& q) { return TryRegisterSite(kOperator1, q); });
}

TEST_F(HazardProgrammesTest, ASiteIsDoneOnceOnADayFromItsRegistrationToToday) {
  clock_.Set(Local(2026, 3, 10, 15, 0));
  const hv1::Site compound = RegisterSite(NewSite(kCompound));
  const hv1::Site other = RegisterSite(NewSite(kCompound, "GS01-C02"));
  clock_.Set(Local(2026, 4, 1, 9, 0));

  using Row = Refusal<hv1::CompleteSiteRequest>;
  ExpectRefusals<hv1::CompleteSiteRequest>(
      h_, Completion(compound, "2026-03-20"),
      {
          Row{"no id", [](auto& q) { q.clear_id(); }, "id"},
          Row{"no etag", [](auto& q) { q.clear_etag(); }, "etag"},
          Row{"no day", [](auto& q) { q.clear_day(); }, "day"},
          Row{"a day that is none", [](auto& q) { q.set_day("2026-02-30"); }, "day"},
          Row{"a day written otherwise", [](auto& q) { q.set_day("2026/03/20"); }, "day"},
          Row{"tomorrow", [](auto& q) { q.set_day("2026-04-02"); }, "day"},
          Row{"the day before its registration", [](auto& q) { q.set_day("2026-03-09"); }, "day"},
          Row{"a note too long", [](auto& q) { q.set_note(std::string(2001, 'n')); }, "note"},
          Row{"fixes of a compound", [](auto& q) { q.add_fixes(hv1::SIX_FIX_VEHICLE); }, "fixes"},
          Row{"a stale etag", [](auto& q) { q.set_etag("v9"); }, "", grpc::StatusCode::ABORTED},
          Row{"an unknown site", [](auto& q) { q.set_id("ST-000099"); }, "",
              grpc::StatusCode::NOT_FOUND},
      },
      [&](const hv1::CompleteSiteRequest& q) { return TryComplete(kOperator1, q); });
  // Street operators and inspectors of its street complete it; not another street's, not a
  // viewer, not a system.
  const std::string before = h_.StoreSnapshot();
  for (const char* token : {kOperator2, kViewer, kSystem}) {
    SCOPED_TRACE(token);
    ExpectRefused(TryComplete(token, Completion(compound, "2026-03-20")),
                  grpc::StatusCode::PERMISSION_DENIED, "");
  }
  EXPECT_EQ(h_.StoreSnapshot(), before);

  // Its registration day is a day it may be done on; done once.
  hv1::Site done;
  const Outcome o = TryComplete(kInspector, Completion(compound, "2026-03-10"), &done);
  ASSERT_TRUE(o.status.ok()) << Describe(o);
  EXPECT_EQ(done.status(), hv1::SITE_STATUS_DONE);
  EXPECT_EQ(done.done_day(), "2026-03-10");
  EXPECT_EQ(done.note(), "完成整治");
  EXPECT_TRUE(done.fixes().empty());
  EXPECT_EQ(done.etag(), "v2");
  ExpectRefused(TryComplete(kOperator1, Completion(done, "2026-03-20")),
                grpc::StatusCode::FAILED_PRECONDITION, "");
  ExpectRefused(TryComplete(kOperator1, Completion(compound, "2026-03-20")),
                grpc::StatusCode::ABORTED, "");
  hv1::Site read;
  ASSERT_TRUE(TryGetSite(kViewer, compound.id(), &read).status.ok());
  EXPECT_EQ(read.status(), hv1::SITE_STATUS_DONE);
  EXPECT_EQ(read.done_day(), "2026-03-10");

  // Today is a day it may be done on.
  hv1::Site today;
  ASSERT_TRUE(TryComplete(kOperator1, Completion(other, "2026-04-01"), &today).status.ok());
  EXPECT_EQ(today.done_day(), "2026-04-01");
}

TEST_F(HazardProgrammesTest, AConstructionVehicleIsDoneUnderAllSixFixesEachOnce) {
  const hv1::Site vehicle = RegisterSite(NewSite(kVehicle, "GS01-C03", "演A·D12345"));
  const hv1::CompleteSiteRequest valid = Completion(vehicle, "2026-04-01");
  ASSERT_EQ(valid.fixes_size(), 6);

  using Row = Refusal<hv1::CompleteSiteRequest>;
  ExpectRefusals<hv1::CompleteSiteRequest>(
      h_, valid,
      {
          Row{"no fixes", [](auto& q) { q.clear_fixes(); }, "fixes"},
          Row{"five fixes", [](auto& q) { q.mutable_fixes()->RemoveLast(); }, "fixes"},
          Row{"one fix twice, one missing", [](auto& q) { q.set_fixes(5, hv1::SIX_FIX_VEHICLE); },
              "fixes"},
          Row{"seven fixes", [](auto& q) { q.add_fixes(hv1::SIX_FIX_ROUTE); }, "fixes"},
          Row{"an unspecified fix", [](auto& q) { q.set_fixes(2, hv1::SIX_FIX_UNSPECIFIED); },
              "fixes"},
          Row{"a fix that is none", [](auto& q) { q.set_fixes(2, static_cast<hv1::SixFix>(9)); },
              "fixes"},
      },
      [&](const hv1::CompleteSiteRequest& q) { return TryComplete(kOperator1, q); });

  // All six in any order; kept in the order of the six.
  hv1::CompleteSiteRequest request = valid;
  request.clear_fixes();
  for (hv1::SixFix fix : {hv1::SIX_FIX_DISPOSAL, hv1::SIX_FIX_DRIVER, hv1::SIX_FIX_SITE,
                          hv1::SIX_FIX_VEHICLE, hv1::SIX_FIX_HOURS, hv1::SIX_FIX_ROUTE}) {
    request.add_fixes(fix);
  }
  hv1::Site done;
  const Outcome o = TryComplete(kOperator1, request, &done);
  ASSERT_TRUE(o.status.ok()) << Describe(o);
  EXPECT_EQ(done.status(), hv1::SITE_STATUS_DONE);
  EXPECT_THAT(done.fixes(),
              ElementsAre(hv1::SIX_FIX_VEHICLE, hv1::SIX_FIX_DRIVER, hv1::SIX_FIX_ROUTE,
                          hv1::SIX_FIX_HOURS, hv1::SIX_FIX_SITE, hv1::SIX_FIX_DISPOSAL));
}

TEST_F(HazardProgrammesTest, SitesAreListedByKindStatusAndRegionWithinTheCallersStreets) {
  const hv1::Site c1 = Site(kCompound, "GS01-C01");
  const hv1::Site c2 = Complete(Site(kCompound, "GS01-C02"), "2026-04-01");
  const hv1::Site r1 = Site(hv1::SITE_KIND_RESTAURANT, "GS01-C01");
  const hv1::Site g2 = Site(kCompound, "GS02-C01");
  const hv1::Site t1 = Complete(Site(hv1::SITE_KIND_TRAFFIC_STATION, "GS01-C01"), "2026-04-01");

  hv1::ListSitesRequest all;
  EXPECT_THAT(SiteIds(all), ElementsAre(c1.id(), c2.id(), r1.id(), g2.id(), t1.id()));
  EXPECT_THAT(SiteIds(all, kViewer), ElementsAre(c1.id(), c2.id(), r1.id(), g2.id(), t1.id()));
  EXPECT_THAT(SiteIds(all, kOperator2), ElementsAre(g2.id()));
  EXPECT_THAT(SiteIds(all, kInspector), ElementsAre(c1.id(), c2.id(), r1.id(), t1.id()));
  hv1::ListSitesRequest filtered;
  filtered.set_kind(kCompound);
  EXPECT_THAT(SiteIds(filtered), ElementsAre(c1.id(), c2.id(), g2.id()));
  filtered.set_status(hv1::SITE_STATUS_DONE);
  EXPECT_THAT(SiteIds(filtered), ElementsAre(c2.id()));
  filtered.clear_kind();
  EXPECT_THAT(SiteIds(filtered), ElementsAre(c2.id(), t1.id()));
  filtered.set_status(hv1::SITE_STATUS_PENDING);
  EXPECT_THAT(SiteIds(filtered), ElementsAre(c1.id(), r1.id(), g2.id()));
  hv1::ListSitesRequest in_region;
  *in_region.mutable_region() = Region("GS01");
  EXPECT_THAT(SiteIds(in_region), ElementsAre(c1.id(), c2.id(), r1.id(), t1.id()));
  *in_region.mutable_region() = Region("GS01", "GS01-C02");
  EXPECT_THAT(SiteIds(in_region), ElementsAre(c2.id()));
  ExpectRefused(TryListSites(kOperator2, in_region), grpc::StatusCode::PERMISSION_DENIED, "");

  hv1::ListSitesRequest bad;
  bad.set_kind(static_cast<hv1::SiteKind>(99));
  ExpectInvalid(TryListSites(kAdmin, bad), "kind");
  bad = hv1::ListSitesRequest();
  bad.set_status(static_cast<hv1::SiteStatus>(7));
  ExpectInvalid(TryListSites(kAdmin, bad), "status");
  bad = hv1::ListSitesRequest();
  *bad.mutable_region() = Region("GS01", "GS01-C01", "GS01-C01-G01");
  ExpectInvalid(TryListSites(kAdmin, bad), "region.grid_id");
  *bad.mutable_region() = Region("GS99");
  ExpectInvalid(TryListSites(kAdmin, bad), "region.street_id");
  *bad.mutable_region() = Region("", "GS01-C01");
  ExpectInvalid(TryListSites(kAdmin, bad), "region.street_id");

  // Pages by id; a token is bound to the filters and to the caller's streets.
  const PageCall page = [&](int32_t size, const std::string& token, std::vector<std::string>* ids,
                            std::string* next) {
    hv1::ListSitesRequest request;
    request.set_page_size(size);
    request.set_page_token(token);
    hv1::ListSitesResponse response;
    const Outcome o = TryListSites(kAdmin, request, &response);
    for (const hv1::Site& s : response.sites()) ids->push_back(s.id());
    *next = response.next_page_token();
    return o;
  };
  EXPECT_THAT(ExpectPagesLikeEveryList(page, 5),
              ElementsAre(c1.id(), c2.id(), r1.id(), g2.id(), t1.id()));
  hv1::ListSitesRequest first;
  first.set_kind(kCompound);
  first.set_page_size(1);
  hv1::ListSitesResponse response;
  ASSERT_TRUE(TryListSites(kAdmin, first, &response).status.ok());
  ASSERT_FALSE(response.next_page_token().empty());
  hv1::ListSitesRequest other;
  other.set_page_token(response.next_page_token());
  ExpectInvalid(TryListSites(kAdmin, other), "page_token");
  first.set_page_token(response.next_page_token());
  ExpectInvalid(TryListSites(kInspector, first), "page_token");  // another scope
  hv1::ListSitesResponse second;
  ASSERT_TRUE(TryListSites(kAdmin, first, &second).status.ok());
  ASSERT_EQ(second.sites_size(), 1);
  EXPECT_EQ(second.sites(0).id(), c2.id());

  // Read within the caller's streets.
  EXPECT_TRUE(TryGetSite(kViewer, c1.id()).status.ok());
  EXPECT_TRUE(TryGetSite(kInspector, c1.id()).status.ok());
  ExpectRefused(TryGetSite(kOperator2, c1.id()), grpc::StatusCode::PERMISSION_DENIED, "");
  ExpectRefused(TryGetSite(kInspector, g2.id()), grpc::StatusCode::PERMISSION_DENIED, "");
  ExpectRefused(TryGetSite(kAdmin, "ST-000099"), grpc::StatusCode::NOT_FOUND, "");
  ExpectInvalid(TryGetSite(kAdmin, ""), "id");
}

// ---- Elevators ----

TEST_F(HazardProgrammesTest, AnElevatorIsRegisteredOnceWithinTheCallersStreets) {
  const hv1::RegisterElevatorRequest request = NewElevator("GS01-C02", /*residential=*/true);
  hv1::Elevator e;
  ASSERT_TRUE(TryRegisterElevator(kOperator1, request, &e).status.ok());
  EXPECT_EQ(e.id(), "EV-000001");
  EXPECT_EQ(e.registration_code(), request.elevator().registration_code());
  EXPECT_EQ(e.region().community_id(), "GS01-C02");
  EXPECT_TRUE(e.residential());
  EXPECT_TRUE(e.policies().empty());
  EXPECT_FALSE(e.insured_now());
  EXPECT_EQ(e.etag(), "v1");

  const std::string before = h_.StoreSnapshot();
  hv1::Elevator retried;
  ASSERT_TRUE(TryRegisterElevator(kOperator1, request, &retried).status.ok());
  EXPECT_EQ(retried.id(), e.id());
  hv1::RegisterElevatorRequest other = request;
  other.mutable_elevator()->set_residential(false);
  ExpectRefused(TryRegisterElevator(kOperator1, other), grpc::StatusCode::ALREADY_EXISTS, "");
  // Street operators for their streets and systems; not inspectors, not viewers.
  ExpectRefused(TryRegisterElevator(kOperator2, NewElevator("GS01-C01")),
                grpc::StatusCode::PERMISSION_DENIED, "");
  ExpectRefused(TryRegisterElevator(kInspector, NewElevator("GS01-C01")),
                grpc::StatusCode::PERMISSION_DENIED, "");
  ExpectRefused(TryRegisterElevator(kViewer, NewElevator("GS01-C01")),
                grpc::StatusCode::PERMISSION_DENIED, "");
  EXPECT_EQ(h_.StoreSnapshot(), before);
  EXPECT_TRUE(TryRegisterElevator(kSystem, NewElevator("GS02-C01")).status.ok());

  using Row = Refusal<hv1::RegisterElevatorRequest>;
  ExpectRefusals<hv1::RegisterElevatorRequest>(
      h_, NewElevator(),
      {
          Row{"no request id", [](auto& q) { q.clear_request_id(); }, "request_id"},
          Row{"no registration code",
              [](auto& q) { q.mutable_elevator()->clear_registration_code(); },
              "elevator.registration_code"},
          Row{"a registration code too long",
              [](auto& q) { q.mutable_elevator()->set_registration_code(std::string(41, '1')); },
              "elevator.registration_code"},
          Row{"no street",
              [](auto& q) { q.mutable_elevator()->mutable_region()->clear_street_id(); },
              "elevator.region.street_id"},
          Row{"an unknown community",
              [](auto& q) { *q.mutable_elevator()->mutable_region() = Region("GS01", "GS01-C99"); },
              "elevator.region.community_id"},
          Row{"no community",
              [](auto& q) { q.mutable_elevator()->mutable_region()->clear_community_id(); },
              "elevator.region.community_id"},
          Row{"a grid",
              [](auto& q) {
                *q.mutable_elevator()->mutable_region() =
                    Region("GS01", "GS01-C01", "GS01-C01-G02");
              },
              "elevator.region.grid_id"},
          Row{"an address too long",
              [](auto& q) { q.mutable_elevator()->set_address(std::string(201, 'a')); },
              "elevator.address"},
      },
      [&](const hv1::RegisterElevatorRequest& q) { return TryRegisterElevator(kOperator1, q); });
}

TEST_F(HazardProgrammesTest, PoliciesNeverOverlapAndARenewalStartsWithinTheGraceDays) {
  // The rules give 30 days: a policy from the 30th day after the last one's end renews it, from
  // the 31st it does not.
  ASSERT_EQ(track().rules().renewal_grace_days(), 30);
  const hv1::Elevator renewed = Elevator("GS01-C01");
  const hv1::Elevator late = Elevator("GS01-C02");
  const hv1::Elevator lapsed = Elevator("GS01-C03");
  const hv1::Elevator elsewhere = Elevator("GS02-C01");

  hv1::Elevator e = Insure(renewed.id(), "2025-03-01", "2026-02-28");
  ASSERT_EQ(e.policies_size(), 1);
  EXPECT_FALSE(e.policies(0).renewal());  // the first is never one
  EXPECT_FALSE(e.insured_now());
  const hv1::RecordElevatorInsuranceRequest renewal =
      NewPolicy(renewed.id(), "2026-03-30", "2027-03-29", "平安产险");
  ASSERT_TRUE(TryInsure(kOperator1, renewal, &e).status.ok());
  ASSERT_EQ(e.policies_size(), 2);
  EXPECT_EQ(e.policies(1).insurer(), "平安产险");
  EXPECT_EQ(e.policies(1).first_day(), "2026-03-30");
  EXPECT_EQ(e.policies(1).last_day(), "2027-03-29");
  EXPECT_TRUE(e.policies(1).renewal());
  EXPECT_TRUE(e.insured_now());

  Insure(late.id(), "2025-03-01", "2026-02-28");
  e = Insure(late.id(), "2026-03-31", "2027-03-30");
  ASSERT_EQ(e.policies_size(), 2);
  EXPECT_FALSE(e.policies(1).renewal());
  EXPECT_TRUE(e.insured_now());

  // Recorded out of order: read by first day, the later one a renewal (from the day after).
  Insure(lapsed.id(), "2025-01-01", "2025-12-31");
  e = Insure(lapsed.id(), "2024-01-01", "2024-12-31");
  ASSERT_EQ(e.policies_size(), 2);
  EXPECT_EQ(e.policies(0).first_day(), "2024-01-01");
  EXPECT_FALSE(e.policies(0).renewal());
  EXPECT_TRUE(e.policies(1).renewal());
  EXPECT_FALSE(e.insured_now());

  // Overlaps, whatever their shape, are refused: the state of the elevator's insurance.
  using Row = Refusal<hv1::RecordElevatorInsuranceRequest>;
  const auto days = [](const char* first, const char* last) {
    return [first, last](hv1::RecordElevatorInsuranceRequest& q) {
      q.mutable_policy()->set_first_day(first);
      q.mutable_policy()->set_last_day(last);
    };
  };
  constexpr grpc::StatusCode kState = grpc::StatusCode::FAILED_PRECONDITION;
  ExpectRefusals<hv1::RecordElevatorInsuranceRequest>(
      h_, NewPolicy(renewed.id(), "2027-03-30", "2028-03-29", "太平洋产险"),
      {
          Row{"the same days by another insurer", days("2025-03-01", "2026-02-28"), "", kState},
          Row{"within one", days("2025-06-01", "2025-06-30"), "", kState},
          Row{"up to one's first day", days("2025-01-01", "2025-03-01"), "", kState},
          Row{"from one's last day", days("2026-02-28", "2026-03-10"), "", kState},
          Row{"across two", days("2026-02-01", "2026-04-30"), "", kState},
          Row{"around all", days("2024-06-01", "2029-05-31"), "", kState},
          Row{"no request id", [](auto& q) { q.clear_request_id(); }, "request_id"},
          Row{"no elevator", [](auto& q) { q.clear_elevator_id(); }, "elevator_id"},
          Row{"an unknown elevator", [](auto& q) { q.set_elevator_id("EV-000099"); },
              "elevator_id"},
          Row{"no insurer", [](auto& q) { q.mutable_policy()->clear_insurer(); }, "policy.insurer"},
          Row{"an insurer too long",
              [](auto& q) { q.mutable_policy()->set_insurer(std::string(101, 'i')); },
              "policy.insurer"},
          Row{"no first day", [](auto& q) { q.mutable_policy()->clear_first_day(); },
              "policy.first_day"},
          Row{"a first day that is none", days("2027-02-29", "2028-03-29"), "policy.first_day"},
          Row{"no last day", [](auto& q) { q.mutable_policy()->clear_last_day(); },
              "policy.last_day"},
          Row{"ending before it starts", days("2027-03-30", "2027-03-29"), "policy.last_day"},
          Row{"over five years", days("2027-03-30", "2032-03-31"), "policy.last_day"},
      },
      [&](const hv1::RecordElevatorInsuranceRequest& q) { return TryInsure(kOperator1, q); });
  // Five years to the day, and a single day, are policies; so is one filling a gap exactly.
  const hv1::Elevator five = Elevator("GS01-C04");
  e = Insure(five.id(), "2027-03-30", "2032-03-30");
  EXPECT_EQ(e.policies_size(), 1);
  e = Insure(five.id(), "2027-03-29", "2027-03-29");
  EXPECT_EQ(e.policies_size(), 2);
  e = Insure(renewed.id(), "2027-03-30", "2027-03-30");
  ASSERT_EQ(e.policies_size(), 3);
  EXPECT_TRUE(e.policies(2).renewal());

  // Within the caller's streets, by street operators and systems.
  ExpectRefused(TryInsure(kOperator2, NewPolicy(renewed.id(), "2030-01-01", "2030-12-31")),
                grpc::StatusCode::PERMISSION_DENIED, "");
  ExpectRefused(TryInsure(kInspector, NewPolicy(renewed.id(), "2030-01-01", "2030-12-31")),
                grpc::StatusCode::PERMISSION_DENIED, "");
  ExpectRefused(TryInsure(kViewer, NewPolicy(renewed.id(), "2030-01-01", "2030-12-31")),
                grpc::StatusCode::PERMISSION_DENIED, "");
  EXPECT_TRUE(
      TryInsure(kSystem, NewPolicy(elsewhere.id(), "2026-01-01", "2026-12-31")).status.ok());

  // A retry is answered with the elevator and writes nothing; the request id of another policy,
  // or of this policy for another elevator, is refused; the same policy again under another
  // request id is not stored twice.
  const std::string before = h_.StoreSnapshot();
  hv1::Elevator retried;
  ASSERT_TRUE(TryInsure(kOperator1, renewal, &retried).status.ok());
  EXPECT_EQ(retried.policies_size(), 3);
  EXPECT_EQ(retried.policies(1).first_day(), "2026-03-30");
  hv1::RecordElevatorInsuranceRequest reused = renewal;
  reused.mutable_policy()->set_first_day("2031-01-01");
  reused.mutable_policy()->set_last_day("2031-12-31");
  ExpectRefused(TryInsure(kOperator1, reused), grpc::StatusCode::ALREADY_EXISTS, "");
  reused = renewal;
  reused.set_elevator_id(lapsed.id());  // the policy overlaps none of lapsed's
  ExpectRefused(TryInsure(kAdmin, reused), grpc::StatusCode::ALREADY_EXISTS, "request_id");
  hv1::RecordElevatorInsuranceRequest again = renewal;
  again.set_request_id(Rid());
  ASSERT_TRUE(TryInsure(kOperator1, again, &retried).status.ok());
  EXPECT_EQ(retried.policies_size(), 3);
  EXPECT_EQ(h_.StoreSnapshot(), before);

  // Read with its policies by every caller of its street.
  hv1::Elevator read;
  ASSERT_TRUE(TryGetElevator(kViewer, renewed.id(), &read).status.ok());
  ASSERT_EQ(read.policies_size(), 3);
  EXPECT_TRUE(read.policies(1).renewal());
  EXPECT_TRUE(read.insured_now());
  ExpectRefused(TryGetElevator(kOperator2, renewed.id()), grpc::StatusCode::PERMISSION_DENIED, "");
  ExpectRefused(TryGetElevator(kAdmin, "EV-000099"), grpc::StatusCode::NOT_FOUND, "");
  // Insured now as the days go: the renewal ends on 29 March 2027, the one-day policy after it
  // covers the 30th.
  clock_.Set(Local(2027, 3, 30, 9, 0));
  EXPECT_TRUE(GetElevator(renewed.id()).insured_now());
  clock_.Set(Local(2027, 3, 31, 9, 0));
  EXPECT_FALSE(GetElevator(renewed.id()).insured_now());
}

TEST_F(HazardProgrammesTest, ElevatorsAreListedByRegionAndUninsuredWithinTheCallersStreets) {
  const hv1::Elevator a = Elevator("GS01-C01");
  const hv1::Elevator b = Elevator("GS01-C02");
  const hv1::Elevator c = Elevator("GS02-C01");
  const hv1::Elevator d = Elevator("GS01-C01", /*residential=*/false);
  const hv1::Elevator e = Elevator("GS01-C03");
  Insure(a.id(), "2026-01-01", "2026-12-31");  // insured now
  Insure(b.id(), "2025-01-01", "2025-12-31");  // ended
  Insure(e.id(), "2026-05-01", "2027-04-30");  // not yet

  hv1::ListElevatorsRequest all;
  EXPECT_THAT(ElevatorIds(all), ElementsAre(a.id(), b.id(), c.id(), d.id(), e.id()));
  EXPECT_THAT(ElevatorIds(all, kOperator2), ElementsAre(c.id()));
  EXPECT_THAT(ElevatorIds(all, kInspector), ElementsAre(a.id(), b.id(), d.id(), e.id()));
  hv1::ListElevatorsRequest uninsured;
  uninsured.set_uninsured_only(true);
  EXPECT_THAT(ElevatorIds(uninsured), ElementsAre(b.id(), c.id(), d.id(), e.id()));
  *uninsured.mutable_region() = Region("GS01", "GS01-C01");
  EXPECT_THAT(ElevatorIds(uninsured), ElementsAre(d.id()));
  ExpectRefused(TryListElevators(kOperator2, uninsured), grpc::StatusCode::PERMISSION_DENIED, "");
  hv1::ListElevatorsResponse listed;
  ASSERT_TRUE(TryListElevators(kViewer, all, &listed).status.ok());
  ASSERT_EQ(listed.elevators_size(), 5);
  EXPECT_EQ(listed.elevators(0).policies_size(), 1);  // with their policies
  EXPECT_TRUE(listed.elevators(0).insured_now());
  hv1::ListElevatorsRequest bad;
  *bad.mutable_region() = Region("GS01", "GS01-C01", "GS01-C01-G01");
  ExpectInvalid(TryListElevators(kAdmin, bad), "region.grid_id");
  *bad.mutable_region() = Region("GS01", "GS02-C01");
  ExpectInvalid(TryListElevators(kAdmin, bad), "region.community_id");

  // Pages by id, also of the uninsured (read past the insured ones); tokens bound to the
  // filters and the caller's streets.
  for (const bool uninsured_only : {false, true}) {
    SCOPED_TRACE(uninsured_only);
    const PageCall page = [&](int32_t size, const std::string& token, std::vector<std::string>* ids,
                              std::string* next) {
      hv1::ListElevatorsRequest request;
      request.set_uninsured_only(uninsured_only);
      request.set_page_size(size);
      request.set_page_token(token);
      hv1::ListElevatorsResponse response;
      const Outcome o = TryListElevators(kAdmin, request, &response);
      for (const hv1::Elevator& el : response.elevators()) ids->push_back(el.id());
      *next = response.next_page_token();
      return o;
    };
    ExpectPagesLikeEveryList(page, uninsured_only ? 4 : 5);
  }
  hv1::ListElevatorsRequest first;
  first.set_uninsured_only(true);
  first.set_page_size(2);
  hv1::ListElevatorsResponse response;
  ASSERT_TRUE(TryListElevators(kAdmin, first, &response).status.ok());
  EXPECT_EQ(response.elevators(0).id(), b.id());
  EXPECT_EQ(response.elevators(1).id(), c.id());
  ASSERT_FALSE(response.next_page_token().empty());
  hv1::ListElevatorsRequest other;
  other.set_page_token(response.next_page_token());
  ExpectInvalid(TryListElevators(kAdmin, other), "page_token");
  first.set_page_token(response.next_page_token());
  ExpectInvalid(TryListElevators(kInspector, first), "page_token");
  hv1::ListElevatorsResponse rest;
  ASSERT_TRUE(TryListElevators(kAdmin, first, &rest).status.ok());
  ASSERT_EQ(rest.elevators_size(), 2);
  EXPECT_EQ(rest.elevators(0).id(), d.id());
  EXPECT_EQ(rest.elevators(1).id(), e.id());
  EXPECT_TRUE(rest.next_page_token().empty());
}

// ---- Accidents ----

TEST_F(HazardProgrammesTest, AccidentsAreRecordedOnceAndListedWithinTheCallersStreets) {
  const hv1::RecordAccidentRequest request =
      NewAccident(hv1::ACCIDENT_TYPE_FOOD, Region("GS01"), "2026-03-30");
  hv1::Accident food;
  ASSERT_TRUE(TryRecordAccident(kInspector, request, &food).status.ok());
  EXPECT_EQ(food.id(), "AC-000001");
  EXPECT_EQ(food.type(), hv1::ACCIDENT_TYPE_FOOD);
  EXPECT_EQ(food.region().street_id(), "GS01");
  EXPECT_EQ(food.region().community_id(), "");
  EXPECT_EQ(food.day(), "2026-03-30");
  EXPECT_EQ(food.casualties(), 12);
  EXPECT_EQ(food.enterprise_id(), "");
  const std::string before = h_.StoreSnapshot();
  hv1::Accident retried;
  ASSERT_TRUE(TryRecordAccident(kInspector, request, &retried).status.ok());
  EXPECT_EQ(retried.id(), food.id());
  hv1::RecordAccidentRequest other = request;
  other.mutable_accident()->set_casualties(13);
  ExpectRefused(TryRecordAccident(kInspector, other), grpc::StatusCode::ALREADY_EXISTS, "");
  ExpectRefused(TryRecordAccident(
                    kOperator2, NewAccident(hv1::ACCIDENT_TYPE_FIRE, Region("GS01"), "2026-03-30")),
                grpc::StatusCode::PERMISSION_DENIED, "");
  ExpectRefused(TryRecordAccident(
                    kViewer, NewAccident(hv1::ACCIDENT_TYPE_FIRE, Region("GS01"), "2026-03-30")),
                grpc::StatusCode::PERMISSION_DENIED, "");
  EXPECT_EQ(h_.StoreSnapshot(), before);

  using Row = Refusal<hv1::RecordAccidentRequest>;
  ExpectRefusals<hv1::RecordAccidentRequest>(
      h_, NewAccident(hv1::ACCIDENT_TYPE_FIRE, Region("GS01", "GS01-C01"), "2026-04-01"),
      {
          Row{"no request id", [](auto& q) { q.clear_request_id(); }, "request_id"},
          Row{"no type", [](auto& q) { q.mutable_accident()->clear_type(); }, "accident.type"},
          Row{"a type that is none",
              [](auto& q) { q.mutable_accident()->set_type(static_cast<hv1::AccidentType>(99)); },
              "accident.type"},
          Row{"no street", [](auto& q) { *q.mutable_accident()->mutable_region() = Region(""); },
              "accident.region.street_id"},
          Row{"a community of another street",
              [](auto& q) { *q.mutable_accident()->mutable_region() = Region("GS01", "GS02-C01"); },
              "accident.region.community_id"},
          Row{"a grid",
              [](auto& q) {
                *q.mutable_accident()->mutable_region() =
                    Region("GS01", "GS01-C01", "GS01-C01-G01");
              },
              "accident.region.grid_id"},
          Row{"no day", [](auto& q) { q.mutable_accident()->clear_day(); }, "accident.day"},
          Row{"tomorrow", [](auto& q) { q.mutable_accident()->set_day("2026-04-02"); },
              "accident.day"},
          Row{"a day that is none", [](auto& q) { q.mutable_accident()->set_day("2026-04-31"); },
              "accident.day"},
          Row{"no description", [](auto& q) { q.mutable_accident()->clear_description(); },
              "accident.description"},
          Row{"a description too long",
              [](auto& q) { q.mutable_accident()->set_description(std::string(2001, 'd')); },
              "accident.description"},
          Row{"casualties below none", [](auto& q) { q.mutable_accident()->set_casualties(-1); },
              "accident.casualties"},
          Row{"casualties beyond the bound",
              [](auto& q) { q.mutable_accident()->set_casualties(100'001); },
              "accident.casualties"},
          Row{"an enterprise id too long",
              [](auto& q) { q.mutable_accident()->set_enterprise_id(std::string(65, 'E')); },
              "accident.enterprise_id"},
      },
      [&](const hv1::RecordAccidentRequest& q) { return TryRecordAccident(kOperator1, q); });

  hv1::RecordAccidentRequest bound =
      NewAccident(hv1::ACCIDENT_TYPE_WORK_SAFETY, Region("GS01", "GS01-C02"), "2026-04-01");
  bound.mutable_accident()->set_casualties(100'000);
  hv1::Accident work;
  ASSERT_TRUE(TryRecordAccident(kOperator1, bound, &work).status.ok());
  const hv1::Accident drug =
      Accident(hv1::ACCIDENT_TYPE_DRUG, Region("GS02", "GS02-C01"), "2026-02-01");
  const hv1::Accident fire = Accident(hv1::ACCIDENT_TYPE_FIRE, Region("GS01"), "2026-01-05");

  hv1::ListAccidentsRequest all;
  EXPECT_THAT(AccidentIds(all), ElementsAre(food.id(), work.id(), drug.id(), fire.id()));
  EXPECT_THAT(AccidentIds(all, kOperator2), ElementsAre(drug.id()));
  EXPECT_THAT(AccidentIds(all, kInspector), ElementsAre(food.id(), work.id(), fire.id()));
  EXPECT_THAT(AccidentIds(all, kViewer), ElementsAre(food.id(), work.id(), drug.id(), fire.id()));
  hv1::ListAccidentsRequest by_type;
  by_type.set_type(hv1::ACCIDENT_TYPE_FOOD);
  EXPECT_THAT(AccidentIds(by_type), ElementsAre(food.id()));
  by_type.set_type(hv1::ACCIDENT_TYPE_FIRE);
  EXPECT_THAT(AccidentIds(by_type), ElementsAre(fire.id()));
  hv1::ListAccidentsRequest by_region;
  *by_region.mutable_region() = Region("GS01", "GS01-C02");
  EXPECT_THAT(AccidentIds(by_region), ElementsAre(work.id()));
  EXPECT_TRUE(TryGetAccident(kViewer, drug.id()).status.ok());
  ExpectRefused(TryGetAccident(kOperator1, drug.id()), grpc::StatusCode::PERMISSION_DENIED, "");
  ExpectRefused(TryGetAccident(kAdmin, "AC-000099"), grpc::StatusCode::NOT_FOUND, "");

  const PageCall page = [&](int32_t size, const std::string& token, std::vector<std::string>* ids,
                            std::string* next) {
    hv1::ListAccidentsRequest request;
    request.set_page_size(size);
    request.set_page_token(token);
    hv1::ListAccidentsResponse response;
    const Outcome o = Rpc(kAdmin, [&](grpc::ClientContext* c) {
      return stub_->ListAccidents(c, request, &response);
    });
    for (const hv1::Accident& a : response.accidents()) ids->push_back(a.id());
    *next = response.next_page_token();
    return o;
  };
  EXPECT_THAT(ExpectPagesLikeEveryList(page, 4),
              ElementsAre(food.id(), work.id(), drug.id(), fire.id()));
  hv1::ListAccidentsRequest bad;
  bad.set_type(static_cast<hv1::AccidentType>(99));
  ExpectInvalid(Rpc(kAdmin,
                    [&](grpc::ClientContext* c) {
                      hv1::ListAccidentsResponse response;
                      return stub_->ListAccidents(c, bad, &response);
                    }),
                "type");
}

TEST_F(HazardProgrammesTest, AnAccidentAtAnEnterpriseIsOfTheEnterprisesStreet) {
  hv1::RegisterEnterpriseRequest register_enterprise;
  register_enterprise.set_request_id(Rid());
  hv1::Enterprise* en = register_enterprise.mutable_enterprise();
  en->set_name("和睦餐饮有限公司");
  en->set_sector(hv1::SECTOR_CATERING);
  *en->mutable_region() = Region("GS01", "GS01-C01");
  hv1::RegisterEnterpriseResponse registered;
  const Outcome o = Rpc(kAdmin, [&](grpc::ClientContext* c) {
    return stub_->RegisterEnterprise(c, register_enterprise, &registered);
  });
  if (o.code() == grpc::StatusCode::UNIMPLEMENTED) {
    GTEST_SKIP() << "the enterprises part is not implemented in this build";
  }
  ASSERT_TRUE(o.status.ok()) << Describe(o);
  const std::string enterprise = registered.enterprise().id();

  hv1::RecordAccidentRequest at =
      NewAccident(hv1::ACCIDENT_TYPE_FOOD, Region("GS01", "GS01-C02"), "2026-03-30");
  at.mutable_accident()->set_enterprise_id(enterprise);
  using Row = Refusal<hv1::RecordAccidentRequest>;
  ExpectRefusals<hv1::RecordAccidentRequest>(
      h_, at,
      {
          Row{"an unknown enterprise",
              [](auto& q) { q.mutable_accident()->set_enterprise_id("EN-999999"); },
              "accident.enterprise_id"},
          Row{"another street than the enterprise's",
              [](auto& q) { *q.mutable_accident()->mutable_region() = Region("GS02"); },
              "accident.region.street_id"},
      },
      [&](const hv1::RecordAccidentRequest& q) { return TryRecordAccident(kAdmin, q); });
  hv1::Accident recorded;
  ASSERT_TRUE(TryRecordAccident(kOperator1, at, &recorded).status.ok());
  EXPECT_EQ(recorded.enterprise_id(), enterprise);
}

// ---- Indicators ----

TEST_F(HazardProgrammesTest, TheProgrammesAreCountedAsDoneByThePeriodsLastDay) {
  clock_.Set(Local(2026, 1, 10, 9, 0));
  const hv1::Site compound_a = Site(kCompound, "GS01-C01");
  const hv1::Site compound_b = Site(kCompound, "GS01-C02");
  Site(kCompound, "GS02-C01");  // never done
  const hv1::Site station = Site(hv1::SITE_KIND_MICRO_FIRE_STATION, "GS01-C01");
  const hv1::Site shop_a = Site(hv1::SITE_KIND_SHOP_DWELLING, "GS01-C01");
  Site(hv1::SITE_KIND_SHOP_DWELLING, "GS01-C02");
  const hv1::Site restaurant_a = Site(hv1::SITE_KIND_RESTAURANT, "GS01-C01");
  const hv1::Site restaurant_b = Site(hv1::SITE_KIND_RESTAURANT, "GS02-C01");
  Site(hv1::SITE_KIND_RESTAURANT, "GS02-C02");
  const hv1::Site vehicle_a = Site(kVehicle, "GS01-C01");
  Site(kVehicle, "GS01-C01");
  const hv1::Site traffic_a = Site(hv1::SITE_KIND_TRAFFIC_STATION, "GS11-C01");
  const hv1::Site traffic_a2 = Site(hv1::SITE_KIND_TRAFFIC_STATION, "GS11-C01");
  const hv1::Site traffic_b = Site(hv1::SITE_KIND_TRAFFIC_STATION, "GS11-C02");
  Site(hv1::SITE_KIND_TRAFFIC_STATION, "GS11-C03");
  clock_.Set(Local(2026, 3, 5, 9, 0));
  Site(hv1::SITE_KIND_SHOP_DWELLING, "GS01-C03");
  const hv1::Site restaurant_d = Site(hv1::SITE_KIND_RESTAURANT, "GS01-C03");
  clock_.Set(Local(2026, 4, 1, 9, 0));
  Complete(compound_a, "2026-02-15");
  Complete(compound_b, "2026-03-20");
  Complete(station, "2026-03-31");
  Complete(shop_a, "2026-02-28");  // the last day of February
  Complete(restaurant_a, "2026-01-20");
  Complete(restaurant_b, "2026-03-10");
  Complete(restaurant_d, "2026-03-05");
  Complete(vehicle_a, "2026-02-01");
  Complete(traffic_a, "2026-02-01");
  Complete(traffic_a2, "2026-02-05");
  Complete(traffic_b, "2026-02-28");

  // Compounds treated: the plan's district count, a month before and after each done day.
  EXPECT_EQ(Value("compounds_fire_treated", Month(2026, 1)), 0);
  EXPECT_EQ(Value("compounds_fire_treated", Month(2026, 2)), 1);
  EXPECT_EQ(Value("compounds_fire_treated", Month(2026, 3)), 2);
  EXPECT_EQ(Value("compounds_fire_treated", Month(2026, 4)), 2);
  EXPECT_EQ(Value("compounds_fire_treated", Year(2026)), 2);
  EXPECT_EQ(Value("compounds_fire_treated", Year(2025)), 0);
  EXPECT_EQ(Value("compounds_fire_treated", Month(2026, 3), Region("GS02")), 0);
  EXPECT_EQ(Value("compounds_fire_treated", Month(2026, 2), Region("GS01", "GS01-C02")), 0);
  EXPECT_EQ(Value("compounds_fire_treated", Month(2026, 3), Region("GS01", "GS01-C02")), 1);
  const gv1::Indicator compounds = Indicator("compounds_fire_treated", Year(2026));
  EXPECT_EQ(compounds.target_kind(), gv1::TARGET_KIND_ABSOLUTE);
  EXPECT_EQ(compounds.target(), 87);
  EXPECT_EQ(compounds.plan_clause(), "推进87家居住小区消防综合治理");
  EXPECT_EQ(compounds.colour(), gv1::COLOUR_RED);
  // The district's count alone has a target.
  EXPECT_EQ(Indicator("compounds_fire_treated", Year(2026), Region("GS01")).target_kind(),
            gv1::TARGET_KIND_UNSPECIFIED);

  EXPECT_EQ(Value("micro_fire_stations", Month(2026, 2)), 0);
  EXPECT_EQ(Value("micro_fire_stations", Month(2026, 3)), 1);
  EXPECT_EQ(Indicator("micro_fire_stations", Month(2026, 3)).target(), 28);

  // Rates: of the sites registered by the last day, those done by it; none registered, no data.
  EXPECT_FALSE(Indicator("shop_dwellings_cleared_rate", Month(2025, 12)).has_data());
  EXPECT_EQ(Value("shop_dwellings_cleared_rate", Month(2026, 1)), 0);
  EXPECT_EQ(Value("shop_dwellings_cleared_rate", Month(2026, 2)), 5000);
  EXPECT_EQ(Value("shop_dwellings_cleared_rate", Month(2026, 3)), 3333);  // one more registered
  EXPECT_EQ(Value("shop_dwellings_cleared_rate", Month(2026, 3), Region("GS01", "GS01-C01")),
            10000);
  const gv1::Indicator shops = Indicator("shop_dwellings_cleared_rate", Month(2026, 3));
  EXPECT_EQ(shops.target(), 10000);
  EXPECT_EQ(shops.target_kind(), gv1::TARGET_KIND_RATE);
  EXPECT_EQ(shops.colour(), gv1::COLOUR_RED);

  EXPECT_EQ(Value("restaurant_gas_alarm_rate", Month(2026, 1)), 3333);
  EXPECT_EQ(Value("restaurant_gas_alarm_rate", Month(2026, 2)), 3333);
  EXPECT_EQ(Value("restaurant_gas_alarm_rate", Month(2026, 3)), 7500);
  EXPECT_EQ(Value("restaurant_gas_alarm_rate", Month(2026, 3), Region("GS02")), 5000);

  EXPECT_EQ(Value("construction_vehicles_six_fixed_rate", Month(2026, 1)), 0);
  EXPECT_EQ(Value("construction_vehicles_six_fixed_rate", Month(2026, 2)), 5000);
  EXPECT_EQ(Indicator("construction_vehicles_six_fixed_rate", Month(2026, 2)).target_source(),
            gv1::TARGET_SOURCE_DISTRICT);

  // Traffic stations: the share of the communities with one built (GS11 has three; two
  // stations in one community count it once).
  EXPECT_EQ(Value("traffic_station_coverage", Month(2026, 1), Region("GS11")), 0);
  EXPECT_EQ(Value("traffic_station_coverage", Month(2026, 2), Region("GS11")), 6667);
  EXPECT_EQ(Value("traffic_station_coverage", Month(2026, 3), Region("GS11")), 6667);
  EXPECT_EQ(Value("traffic_station_coverage", Month(2026, 1), Region("GS11", "GS11-C02")), 0);
  EXPECT_EQ(Value("traffic_station_coverage", Month(2026, 2), Region("GS11", "GS11-C02")), 10000);
  EXPECT_EQ(Value("traffic_station_coverage", Month(2026, 2), Region("GS11", "GS11-C01")), 10000);
  EXPECT_EQ(Value("traffic_station_coverage", Month(2026, 3), Region("GS11", "GS11-C03")), 0);
  EXPECT_EQ(Value("traffic_station_coverage", Month(2026, 3), Region("GS01")), 0);
  // The district's 95 communities: 2 of them, 210.5 basis points, rounded half away from zero.
  EXPECT_EQ(Value("traffic_station_coverage", Month(2026, 3)), 211);
}

TEST_F(HazardProgrammesTest, ElevatorsNewlyInsuredAreCountedInTheYearOfTheirFirstPolicy) {
  const hv1::Elevator since_last_year = Elevator("GS01-C01");
  Insure(since_last_year.id(), "2025-06-01", "2026-05-31");
  Insure(since_last_year.id(), "2026-06-01", "2027-05-31");
  const hv1::Elevator february = Elevator("GS01-C02", /*residential=*/false);
  Insure(february.id(), "2026-02-10", "2027-02-09");
  const hv1::Elevator june = Elevator("GS02-C01");
  Insure(june.id(), "2026-06-01", "2027-05-31");  // recorded ahead
  Elevator("GS02-C02");                           // never insured

  EXPECT_EQ(Value("elevators_newly_insured", Month(2025, 5)), 0);
  EXPECT_EQ(Value("elevators_newly_insured", Month(2025, 6)), 1);
  EXPECT_EQ(Value("elevators_newly_insured", Month(2025, 12)), 1);
  EXPECT_EQ(Value("elevators_newly_insured", Month(2026, 1)), 0);
  EXPECT_EQ(Value("elevators_newly_insured", Month(2026, 2)), 1);
  EXPECT_EQ(Value("elevators_newly_insured", Month(2026, 5)), 1);
  EXPECT_EQ(Value("elevators_newly_insured", Month(2026, 6)), 2);
  EXPECT_EQ(Value("elevators_newly_insured", Year(2026)), 2);
  EXPECT_EQ(Value("elevators_newly_insured", Year(2026), Region("GS01")), 1);
  EXPECT_EQ(Value("elevators_newly_insured", Year(2026), Region("GS02")), 1);
  const gv1::Indicator newly = Indicator("elevators_newly_insured", Year(2026));
  EXPECT_EQ(newly.target(), 1000);
  EXPECT_EQ(newly.plan_clause(), "新增1000台电梯参保促安全");
}

TEST_F(HazardProgrammesTest, TheRenewalRateCountsResidentialPoliciesWhoseRenewalIsDecided) {
  // Grace 30 days. Residential: renewed at the end of 2025; renewed on the 30th day after a
  // January end; re-insured on the 31st day after another January end (not renewed, its grace
  // over); a March end not renewed with its grace running until 8 April; a March end renewed the
  // next day. Not residential: a January end not renewed.
  auto insure_all = [&](const std::vector<std::pair<const char*, const char*>>& policies,
                        bool residential = true) {
    const hv1::Elevator e = Elevator("GS01-C01", residential);
    for (const auto& [first, last] : policies) Insure(e.id(), first, last);
  };
  insure_all({{"2025-01-01", "2025-12-31"}, {"2026-01-01", "2026-12-31"}});
  insure_all({{"2025-01-15", "2026-01-14"}, {"2026-02-13", "2027-02-12"}});
  insure_all({{"2025-02-01", "2026-01-31"}, {"2026-03-03", "2027-03-02"}});
  insure_all({{"2025-03-10", "2026-03-09"}});
  insure_all({{"2025-03-21", "2026-03-20"}, {"2026-03-21", "2027-03-20"}});
  insure_all({{"2025-01-20", "2026-01-19"}}, /*residential=*/false);

  EXPECT_EQ(Value("residential_elevator_renewal_rate", Month(2025, 12)), 10000);
  EXPECT_EQ(Value("residential_elevator_renewal_rate", Month(2026, 1)), 5000);
  EXPECT_FALSE(Indicator("residential_elevator_renewal_rate", Month(2026, 2)).has_data());
  EXPECT_EQ(Value("residential_elevator_renewal_rate", Month(2026, 3)), 10000);
  EXPECT_EQ(Value("residential_elevator_renewal_rate", Year(2026)), 6667);
  EXPECT_EQ(Value("residential_elevator_renewal_rate", Year(2026), Region("GS01", "GS01-C01")),
            6667);
  EXPECT_FALSE(
      Indicator("residential_elevator_renewal_rate", Year(2026), Region("GS02")).has_data());
  const gv1::Indicator rate = Indicator("residential_elevator_renewal_rate", Year(2026));
  EXPECT_EQ(rate.target(), 9000);
  EXPECT_EQ(rate.colour(), gv1::COLOUR_RED);

  // The March end left unrenewed is decided once its 30 grace days are over.
  clock_.Set(Local(2026, 4, 8, 23, 0));
  EXPECT_EQ(Value("residential_elevator_renewal_rate", Month(2026, 3)), 10000);
  clock_.Set(Local(2026, 4, 9, 0, 30));
  EXPECT_EQ(Value("residential_elevator_renewal_rate", Month(2026, 3)), 5000);
  EXPECT_EQ(Value("residential_elevator_renewal_rate", Year(2026)), 5000);
}

TEST_F(HazardProgrammesTest, FoodAndDrugAccidentsAreCountedOnTheirDays) {
  Accident(hv1::ACCIDENT_TYPE_FOOD, Region("GS01"), "2025-12-31");
  Accident(hv1::ACCIDENT_TYPE_FOOD, Region("GS01"), "2026-02-10");
  Accident(hv1::ACCIDENT_TYPE_DRUG, Region("GS02", "GS02-C01"), "2026-03-05");
  Accident(hv1::ACCIDENT_TYPE_FIRE, Region("GS01", "GS01-C01"), "2026-03-06");
  Accident(hv1::ACCIDENT_TYPE_WORK_SAFETY, Region("GS01", "GS01-C01"), "2026-01-15");

  EXPECT_EQ(Value("food_drug_accidents", Month(2025, 12)), 1);
  const gv1::Indicator january = Indicator("food_drug_accidents", Month(2026, 1));
  EXPECT_TRUE(january.has_data());
  EXPECT_EQ(january.actual(), 0);
  EXPECT_EQ(january.target(), 0);
  EXPECT_EQ(january.direction(), gv1::DIRECTION_LOWER_IS_BETTER);
  EXPECT_EQ(january.target_kind(), gv1::TARGET_KIND_ABSOLUTE);
  EXPECT_EQ(january.colour(), gv1::COLOUR_GREEN);
  const gv1::Indicator february = Indicator("food_drug_accidents", Month(2026, 2));
  EXPECT_EQ(february.actual(), 1);
  EXPECT_EQ(february.colour(), gv1::COLOUR_RED);
  EXPECT_EQ(Value("food_drug_accidents", Month(2026, 3)), 1);
  EXPECT_EQ(Value("food_drug_accidents", Year(2026)), 2);
  EXPECT_EQ(Value("food_drug_accidents", Year(2026), Region("GS01")), 1);
  EXPECT_EQ(Value("food_drug_accidents", Year(2026), Region("GS02", "GS02-C01")), 1);
  EXPECT_EQ(Value("food_drug_accidents", Year(2026), Region("GS01", "GS01-C01")), 0);
  // Zero is the target in every region.
  EXPECT_EQ(Indicator("food_drug_accidents", Year(2026), Region("GS03")).colour(),
            gv1::COLOUR_GREEN);
}

// ---- Demo data ----

TEST_F(HazardProgrammesTest, TheDemoHasTheYearsProgrammesElevatorsAndAccidents) {
  server::TrackDeps deps;
  deps.repo = &h_.repo();
  deps.cache = &h_.cache();
  deps.regions = &h_.regions();
  deps.calendar = &h_.calendar();
  deps.clock = &clock_;
  const absl::Status loaded = LoadProgrammeDemo(deps, track().rules());
  ASSERT_TRUE(loaded.ok()) << loaded;
  // Once: with sites in the store, another load does nothing.
  const std::string before = h_.StoreSnapshot();
  ASSERT_TRUE(LoadProgrammeDemo(deps, track().rules()).ok());
  EXPECT_EQ(h_.StoreSnapshot(), before);

  // The programmes, most of them done; every vehicle done under all six fixes.
  std::map<hv1::SiteKind, int> registered;
  std::map<hv1::SiteKind, int> done;
  std::string token;
  do {
    hv1::ListSitesRequest request;
    request.set_page_size(500);
    request.set_page_token(token);
    hv1::ListSitesResponse response;
    ASSERT_TRUE(TryListSites(kAdmin, request, &response).status.ok());
    for (const hv1::Site& s : response.sites()) {
      ++registered[s.kind()];
      if (s.status() != hv1::SITE_STATUS_DONE) continue;
      ++done[s.kind()];
      EXPECT_LT(s.done_day(), "2026-04-01");
      EXPECT_EQ(s.fixes_size(), s.kind() == kVehicle ? 6 : 0) << s.id();
    }
    token = response.next_page_token();
  } while (!token.empty());
  for (int k = 1; k <= hv1::SiteKind_MAX; ++k) {
    const auto kind = static_cast<hv1::SiteKind>(k);
    SCOPED_TRACE(hv1::SiteKind_Name(kind));
    EXPECT_GE(registered[kind], 30);
    EXPECT_GT(done[kind], registered[kind] * 8 / 10);
    EXPECT_LT(done[kind], registered[kind]);
  }

  // About 1,500 elevators: most insured, some never; renewals among their policies, and many
  // first insured this year.
  int elevators = 0;
  int insured_now = 0;
  int renewals = 0;
  int first_this_year = 0;
  int never = 0;
  do {
    hv1::ListElevatorsRequest request;
    request.set_page_size(500);
    request.set_page_token(token);
    hv1::ListElevatorsResponse response;
    ASSERT_TRUE(TryListElevators(kAdmin, request, &response).status.ok());
    for (const hv1::Elevator& e : response.elevators()) {
      ++elevators;
      insured_now += e.insured_now() ? 1 : 0;
      never += e.policies().empty() ? 1 : 0;
      for (const hv1::InsurancePolicy& p : e.policies()) renewals += p.renewal() ? 1 : 0;
      if (!e.policies().empty() && e.policies(0).first_day() >= "2026-01-01") ++first_this_year;
    }
    token = response.next_page_token();
  } while (!token.empty());
  EXPECT_GE(elevators, 1400);
  EXPECT_GT(insured_now, elevators * 8 / 10);
  EXPECT_GT(never, 0);
  EXPECT_GT(renewals, 300);
  EXPECT_GT(first_this_year, 500);

  // Accidents of the last year, food and drug ones rare.
  hv1::ListAccidentsRequest accidents;
  accidents.set_page_size(500);
  hv1::ListAccidentsResponse listed;
  ASSERT_TRUE(Rpc(kAdmin, [&](grpc::ClientContext* c) {
                return stub_->ListAccidents(c, accidents, &listed);
              }).status.ok());
  EXPECT_GE(listed.accidents_size(), 20);
  int food_drug = 0;
  for (const hv1::Accident& a : listed.accidents()) {
    EXPECT_GE(a.day(), "2025-04-01");
    food_drug += a.type() == hv1::ACCIDENT_TYPE_FOOD || a.type() == hv1::ACCIDENT_TYPE_DRUG;
  }
  EXPECT_GE(food_drug, 1);
  EXPECT_LE(food_drug, 2);

  // Every indicator of the programmes has data for this year, and the counts reach far.
  for (const char* id :
       {"compounds_fire_treated", "micro_fire_stations", "shop_dwellings_cleared_rate",
        "restaurant_gas_alarm_rate", "traffic_station_coverage",
        "construction_vehicles_six_fixed_rate", "elevators_newly_insured",
        "residential_elevator_renewal_rate", "food_drug_accidents"}) {
    SCOPED_TRACE(id);
    EXPECT_TRUE(Indicator(id, Year(2026)).has_data());
    EXPECT_TRUE(Indicator(id, Month(2026, 3)).has_data());
  }
  EXPECT_EQ(Value("elevators_newly_insured", Year(2026)), first_this_year);
  EXPECT_GE(Value("compounds_fire_treated", Year(2026)), 87);
  EXPECT_GE(Value("micro_fire_stations", Year(2026)), 28);
  EXPECT_GT(Value("traffic_station_coverage", Year(2026)), 9000);
  EXPECT_GT(Value("residential_elevator_renewal_rate", Year(2026)), 8500);
}

}  // namespace
}  // namespace gov::hazard
