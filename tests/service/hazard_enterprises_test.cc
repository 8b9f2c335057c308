// The hazard track's enterprises under four-colour risk grading and their inspections, end to end
// over gRPC on the real track (SQLite, or PostgreSQL as hazard_enterprises_test_postgres) with a
// real redis-server and a fake clock: registration graded from the sector, the grading rules of
// data/hazard.json at their boundaries driven through real inspections (each finding a hazard at
// the enterprise), the grade history with its reasons, retried inspections, the inspection
// frequency of each colour and overdue inspections, lists and their filters, scope and personal
// data, the indicators against hand counts, and the demo.

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/auth/auth.h"
#include "common/cases/engine.h"
#include "common/cases/list_request.h"
#include "common/clock/clock.h"
#include "common/registry/registry.h"
#include "common/track/track_base.h"
#include "common/util/proto.h"
#include "common/util/status.h"
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
using ::testing::HasSubstr;

constexpr char kAdmin[] = "tok-admin";
constexpr char kSystem[] = "tok-system";
constexpr char kOperator1[] = "tok-operator-gs01";
constexpr char kOperator2[] = "tok-operator-gs02";
constexpr char kInspector1[] = "tok-inspector-gs01";
constexpr char kViewer[] = "tok-viewer";

std::vector<gov::testing::TestToken> Tokens() {
  return {
      {kAdmin, "admin", auth::kDistrictAdmin, {}},
      {kSystem, "safety-platform", auth::kSystem, {}},
      {kOperator1, "operator-gs01", auth::kStreetOperator, {"GS01"}},
      {kOperator2, "operator-gs02", auth::kStreetOperator, {"GS02"}},
      {kInspector1, "inspector-gs01", kInspector, {"GS01"}},
      {kViewer, "viewer", auth::kViewer, {}},
  };
}

// A finding as the tests write it.
struct F {
  hv1::HazardType type;
  hv1::Severity severity;
};
constexpr F kGeneral{hv1::HAZARD_TYPE_FIRE, hv1::SEVERITY_GENERAL};
constexpr F kMajor{hv1::HAZARD_TYPE_WORK_SAFETY, hv1::SEVERITY_MAJOR};

class HazardEnterprisesTest : public ::testing::Test {
 protected:
  HazardEnterprisesTest() : clock_(Local(2026, 4, 1, 9, 0)) {}

  void SetUp() override {
    const absl::Status started = h_.Start(track::Factory<HazardTrack>(kTrack));
    ASSERT_TRUE(started.ok()) << started;
    stub_ = hv1::HazardService::NewStub(h_.channel());
  }

  HazardTrack& track() { return static_cast<HazardTrack&>(h_.track()); }
  cases::CaseEngine& engine() { return *track().engine(kTrack); }

  std::string Rid() { return absl::StrCat("rid-", ++counter_); }

  // ---- Enterprises ----

  hv1::RegisterEnterpriseRequest NewEnterprise(hv1::Sector sector,
                                               const std::string& street = "GS01",
                                               const std::string& community = "") {
    hv1::RegisterEnterpriseRequest request;
    request.set_request_id(Rid());
    hv1::Enterprise* e = request.mutable_enterprise();
    e->set_name(absl::StrCat("测试企业", counter_));
    e->set_credit_code("91330100MA2AB3CD4E");
    e->set_sector(sector);
    *e->mutable_region() = Region(street, community);
    e->set_address("测试路1号");
    e->set_contact("王某 000-0000-0001");
    return request;
  }

  Outcome TryRegister(const std::string& token, const hv1::RegisterEnterpriseRequest& request,
                      hv1::Enterprise* out = nullptr) {
    hv1::RegisterEnterpriseResponse response;
    Outcome o = h_.Rpc(token, [&](grpc::ClientContext* c) {
      return stub_->RegisterEnterprise(c, request, &response);
    });
    if (out != nullptr) *out = response.enterprise();
    return o;
  }

  hv1::Enterprise Register(const hv1::RegisterEnterpriseRequest& request,
                           const std::string& token = kOperator1) {
    hv1::Enterprise out;
    const Outcome o = TryRegister(token, request, &out);
    EXPECT_TRUE(o.status.ok()) << Describe(o);
    return out;
  }

  hv1::Enterprise Register(hv1::Sector sector, const std::string& street = "GS01") {
    return Register(NewEnterprise(sector, street), street == "GS01" ? kOperator1 : kOperator2);
  }

  Outcome TryGet(const std::string& token, const std::string& id, hv1::Enterprise* out = nullptr) {
    hv1::GetEnterpriseRequest request;
    request.set_id(id);
    hv1::GetEnterpriseResponse response;
    Outcome o = h_.Rpc(
        token, [&](grpc::ClientContext* c) { return stub_->GetEnterprise(c, request, &response); });
    if (out != nullptr) *out = response.enterprise();
    return o;
  }

  hv1::Enterprise Get(const std::string& id, const std::string& token = kAdmin) {
    hv1::Enterprise out;
    const Outcome o = TryGet(token, id, &out);
    EXPECT_TRUE(o.status.ok()) << Describe(o);
    return out;
  }

  Outcome TryList(const std::string& token, const hv1::ListEnterprisesRequest& request,
                  hv1::ListEnterprisesResponse* out) {
    return h_.Rpc(token,
                  [&](grpc::ClientContext* c) { return stub_->ListEnterprises(c, request, out); });
  }

  // The ids listed (one page of up to 500).
  std::vector<std::string> ListIds(hv1::ListEnterprisesRequest request,
                                   const std::string& token = kAdmin) {
    request.set_page_size(500);
    hv1::ListEnterprisesResponse response;
    const Outcome o = TryList(token, request, &response);
    EXPECT_TRUE(o.status.ok()) << Describe(o);
    std::vector<std::string> ids;
    for (const hv1::Enterprise& e : response.enterprises()) ids.push_back(e.id());
    return ids;
  }

  // ---- Inspections ----

  hv1::RecordInspectionRequest NewInspection(const std::string& enterprise,
                                             const std::vector<F>& findings,
                                             const std::string& day = "2026-04-01") {
    hv1::RecordInspectionRequest request;
    request.set_request_id(Rid());
    hv1::Inspection* in = request.mutable_inspection();
    in->set_enterprise_id(enterprise);
    in->set_day(day);
    in->set_inspector("区应急管理局 赵某");
    for (size_t i = 0; i < findings.size(); ++i) {
      hv1::Finding* f = in->add_findings();
      f->set_type(findings[i].type);
      f->set_severity(findings[i].severity);
      f->set_description(absl::StrCat("发现隐患", i + 1));
    }
    return request;
  }

  Outcome TryInspect(const std::string& token, const hv1::RecordInspectionRequest& request,
                     hv1::RecordInspectionResponse* out = nullptr) {
    hv1::RecordInspectionResponse response;
    Outcome o = h_.Rpc(token, [&](grpc::ClientContext* c) {
      return stub_->RecordInspection(c, request, &response);
    });
    if (out != nullptr) *out = response;
    return o;
  }

  hv1::RecordInspectionResponse Inspect(const hv1::RecordInspectionRequest& request,
                                        const std::string& token = kInspector1) {
    hv1::RecordInspectionResponse out;
    const Outcome o = TryInspect(token, request, &out);
    EXPECT_TRUE(o.status.ok()) << Describe(o);
    return out;
  }

  // An inspection of `enterprise` today with `findings`, by the GS01 inspector (the system for
  // another street's); the enterprise's colour after it.
  gv1::Colour Inspect(const hv1::Enterprise& enterprise, const std::vector<F>& findings) {
    const std::string token = enterprise.region().street_id() == "GS01" ? kInspector1 : kSystem;
    const hv1::RecordInspectionResponse r =
        Inspect(NewInspection(enterprise.id(), findings), token);
    EXPECT_EQ(r.inspection().hazard_ids_size(), static_cast<int>(findings.size()));
    EXPECT_EQ(r.inspection().colour_after(), r.enterprise().colour());
    return r.enterprise().colour();
  }

  Outcome TryListInspections(const std::string& token, const hv1::ListInspectionsRequest& request,
                             hv1::ListInspectionsResponse* out) {
    return h_.Rpc(token,
                  [&](grpc::ClientContext* c) { return stub_->ListInspections(c, request, out); });
  }

  // ---- Hazards, moved on the engine as a district admin would ----

  static auth::Principal Admin() {
    auth::Principal p;
    p.id = "test-admin";
    p.roles.insert(auth::kDistrictAdmin);
    return p;
  }

  cases::Case Hazard(const std::string& id) {
    absl::StatusOr<cases::Case> c = engine().Get(Admin(), id, /*with_history=*/false);
    EXPECT_TRUE(c.ok()) << c.status();
    return c.ok() ? *c : cases::Case{};
  }

  void Move(const std::string& id, const std::string& verb) {
    const cases::Case c = Hazard(id);
    const absl::StatusOr<cases::Case> moved =
        engine().Transition(Admin(), verb, id, c.etag(), "test", nullptr);
    EXPECT_TRUE(moved.ok()) << verb << " " << id << ": " << moved.status();
  }

  // Every hazard at the enterprise, whatever its state.
  std::vector<cases::Case> HazardsAt(const std::string& enterprise) {
    cases::ListRequest request;
    request.filter.unit_id = enterprise;
    absl::StatusOr<std::vector<cases::Case>> all =
        cases::ListEvery(engine(), auth::SystemPrincipal("test"), std::move(request));
    EXPECT_TRUE(all.ok()) << all.status();
    return all.ok() ? *all : std::vector<cases::Case>{};
  }

  // ---- Indicators ----

  gv1::Indicator Indicator(const std::string& id, const gv1::Period& period,
                           const std::string& street = "") {
    return h_.Indicator(kAdmin, id, period, Region(street));
  }

  int64_t Value(const std::string& id, const gv1::Period& period, const std::string& street = "") {
    return h_.IndicatorValue(kAdmin, id, period, Region(street));
  }

  FakeClock clock_;
  gov::testing::TrackHarness h_{kTrack, &clock_, Tokens()};
  std::unique_ptr<hv1::HazardService::Stub> stub_;
  int counter_ = 0;
};

// ---- Registration ----

TEST_F(HazardEnterprisesTest, AnEnterpriseIsGradedFromItsSectorWhenRegistered) {
  const hv1::RegisterEnterpriseRequest request =
      NewEnterprise(hv1::SECTOR_HAZARDOUS_CHEMICALS, "GS01", "GS01-C01");
  const hv1::Enterprise e = Register(request);
  EXPECT_EQ(e.id(), "EN-000001");
  EXPECT_EQ(e.name(), request.enterprise().name());
  EXPECT_EQ(e.credit_code(), "91330100MA2AB3CD4E");
  EXPECT_EQ(e.region().community_id(), "GS01-C01");
  EXPECT_EQ(e.contact(), "王某 000-0000-0001");
  EXPECT_EQ(e.colour(), gv1::COLOUR_ORANGE);  // inherent risk 4
  ASSERT_EQ(e.grade_history_size(), 1);
  const hv1::GradeChange& first = e.grade_history(0);
  EXPECT_EQ(first.from_colour(), gv1::COLOUR_UNSPECIFIED);
  EXPECT_EQ(first.to_colour(), gv1::COLOUR_ORANGE);
  EXPECT_THAT(first.reason(), HasSubstr("HAZARDOUS_CHEMICALS"));
  EXPECT_THAT(first.reason(), HasSubstr("risk 4"));
  EXPECT_EQ(first.inspection_id(), "");
  EXPECT_EQ(FromTimestamp(first.time()), clock_.Now());
  EXPECT_EQ(FromTimestamp(e.create_time()), clock_.Now());
  EXPECT_EQ(e.last_inspection_day(), "");
  EXPECT_EQ(e.next_inspection_due(), "2026-05-31");  // orange: every 60 days
  EXPECT_FALSE(e.inspection_overdue());
  EXPECT_EQ(Get(e.id()).DebugString(), e.DebugString());

  // Each sector's inherent risk grades it: 3 yellow, 2 and 1 blue.
  EXPECT_EQ(Register(hv1::SECTOR_MANUFACTURING).colour(), gv1::COLOUR_YELLOW);
  EXPECT_EQ(Register(hv1::SECTOR_WAREHOUSING).colour(), gv1::COLOUR_YELLOW);
  EXPECT_EQ(Register(hv1::SECTOR_CATERING).colour(), gv1::COLOUR_BLUE);
  EXPECT_EQ(Register(hv1::SECTOR_RETAIL).colour(), gv1::COLOUR_BLUE);
  // Inspectors and systems register too, within their streets.
  EXPECT_EQ(Register(NewEnterprise(hv1::SECTOR_PHARMACY), kInspector1).colour(), gv1::COLOUR_BLUE);
  EXPECT_EQ(Register(NewEnterprise(hv1::SECTOR_OTHER, "GS02"), kSystem).region().street_id(),
            "GS02");

  // A retry, later, is the same enterprise and writes nothing; another body under its request
  // id is refused.
  const std::string before = h_.StoreSnapshot();
  clock_.Advance(absl::Hours(3));
  EXPECT_EQ(Register(request).DebugString(), e.DebugString());
  EXPECT_EQ(h_.StoreSnapshot(), before);
  hv1::RegisterEnterpriseRequest other = request;
  other.mutable_enterprise()->set_name("另一家企业");
  ExpectRefused(TryRegister(kOperator1, other), grpc::StatusCode::ALREADY_EXISTS, "");
  EXPECT_EQ(h_.StoreSnapshot(), before);
}

TEST_F(HazardEnterprisesTest, ARegistrationIsRefusedWhenWrongAndNothingIsStored) {
  using Row = Refusal<hv1::RegisterEnterpriseRequest>;
  const auto e = [](hv1::RegisterEnterpriseRequest& q) { return q.mutable_enterprise(); };
  ExpectRefusals<hv1::RegisterEnterpriseRequest>(
      h_, NewEnterprise(hv1::SECTOR_CATERING, "GS01", "GS01-C01"),
      {
          Row{"no request id", [](auto& q) { q.clear_request_id(); }, "request_id"},
          Row{"no name", [&](auto& q) { e(q)->clear_name(); }, "enterprise.name"},
          Row{"a name too long", [&](auto& q) { e(q)->set_name(std::string(201, 'x')); },
              "enterprise.name"},
          Row{"a credit code too short",
              [&](auto& q) { e(q)->set_credit_code("91330100MA2AB3CD4"); },
              "enterprise.credit_code"},
          Row{"a credit code in small letters",
              [&](auto& q) { e(q)->set_credit_code("91330100ma2ab3cd4e"); },
              "enterprise.credit_code"},
          Row{"a credit code with a sign",
              [&](auto& q) { e(q)->set_credit_code("91330100MA2AB3CD4-"); },
              "enterprise.credit_code"},
          Row{"no sector", [&](auto& q) { e(q)->clear_sector(); }, "enterprise.sector"},
          Row{"a sector that is none",
              [&](auto& q) { e(q)->set_sector(static_cast<hv1::Sector>(42)); },
              "enterprise.sector"},
          Row{"no street", [&](auto& q) { e(q)->mutable_region()->clear_street_id(); },
              "enterprise.region.street_id"},
          Row{"an unknown street", [&](auto& q) { *e(q)->mutable_region() = Region("GS99"); },
              "enterprise.region.street_id"},
          Row{"a community of another street",
              [&](auto& q) { e(q)->mutable_region()->set_community_id("GS02-C01"); },
              "enterprise.region.community_id"},
          Row{"a grid", [&](auto& q) { e(q)->mutable_region()->set_grid_id("GS01-C01-G01"); },
              "enterprise.region.grid_id"},
          Row{"an address too long", [&](auto& q) { e(q)->set_address(std::string(201, 'x')); },
              "enterprise.address"},
          Row{"a contact too long", [&](auto& q) { e(q)->set_contact(std::string(101, 'x')); },
              "enterprise.contact"},
          Row{"another street's", [&](auto& q) { *e(q)->mutable_region() = Region("GS02"); }, "",
              grpc::StatusCode::PERMISSION_DENIED},
      },
      [&](const hv1::RegisterEnterpriseRequest& q) { return TryRegister(kOperator1, q); });
  // Who may not register at all.
  ExpectRefused(TryRegister(kViewer, NewEnterprise(hv1::SECTOR_CATERING)),
                grpc::StatusCode::PERMISSION_DENIED, "");
  // Optional fields may be left out.
  hv1::RegisterEnterpriseRequest bare = NewEnterprise(hv1::SECTOR_CATERING);
  bare.mutable_enterprise()->clear_credit_code();
  bare.mutable_enterprise()->clear_address();
  bare.mutable_enterprise()->clear_contact();
  EXPECT_EQ(Register(bare).id(), "EN-000001");
}

// ---- Grading (data/hazard.json) ----

TEST_F(HazardEnterprisesTest, InspectionsGradeByTheRulesAtTheirBoundaries) {
  // Inherent risk 4 is orange, and red with one major hazard open.
  const hv1::Enterprise chemicals = Register(hv1::SECTOR_HAZARDOUS_CHEMICALS);
  EXPECT_EQ(Inspect(chemicals, {kGeneral}), gv1::COLOUR_ORANGE);
  EXPECT_EQ(Inspect(chemicals, {kMajor}), gv1::COLOUR_RED);
  // Two majors open are red at any risk; one is orange.
  const hv1::Enterprise shop = Register(hv1::SECTOR_RETAIL);
  EXPECT_EQ(Inspect(shop, {kMajor}), gv1::COLOUR_ORANGE);
  const hv1::Enterprise other_shop = Register(hv1::SECTOR_RETAIL);
  EXPECT_EQ(Inspect(other_shop, {kMajor, kMajor}), gv1::COLOUR_RED);
  const hv1::Enterprise kitchen = Register(hv1::SECTOR_CATERING);
  EXPECT_EQ(Inspect(kitchen, {kMajor}), gv1::COLOUR_ORANGE);
  EXPECT_EQ(Inspect(kitchen, {kMajor}), gv1::COLOUR_RED);  // the first still open: two
  // Risk 3: three findings orange, two yellow.
  const hv1::Enterprise factory = Register(hv1::SECTOR_MANUFACTURING);
  EXPECT_EQ(Inspect(factory, {kGeneral, kGeneral}), gv1::COLOUR_YELLOW);
  const hv1::Enterprise warehouse = Register(hv1::SECTOR_WAREHOUSING);
  EXPECT_EQ(Inspect(warehouse, {kGeneral, kGeneral, kGeneral}), gv1::COLOUR_ORANGE);
  // Risk 1: one open hazard blue, two yellow; three findings yellow.
  const hv1::Enterprise store = Register(hv1::SECTOR_RETAIL);
  EXPECT_EQ(Inspect(store, {kGeneral}), gv1::COLOUR_BLUE);
  EXPECT_EQ(Inspect(store, {kGeneral}), gv1::COLOUR_YELLOW);  // two open now
  const hv1::Enterprise office = Register(hv1::SECTOR_OTHER);
  EXPECT_EQ(Inspect(office, {kGeneral, kGeneral, kGeneral}), gv1::COLOUR_YELLOW);

  // "Open" is open or rectified, not verified or closed, whatever found it.
  const std::vector<cases::Case> at_store = HazardsAt(store.id());
  ASSERT_EQ(at_store.size(), 2u);
  Move(at_store[0].record.id, kRectify);
  EXPECT_EQ(Inspect(store, {}), gv1::COLOUR_YELLOW);  // still two
  Move(at_store[0].record.id, kVerify);
  EXPECT_EQ(Inspect(store, {}), gv1::COLOUR_BLUE);  // one
  // "Findings" are the last inspection's: none found now leaves risk 3 yellow (three open).
  EXPECT_EQ(Inspect(warehouse, {}), gv1::COLOUR_YELLOW);
  // Risk 4 with its major verified is orange again.
  for (const cases::Case& c : HazardsAt(chemicals.id())) {
    if (c.record.priority != hv1::SEVERITY_MAJOR) continue;
    Move(c.record.id, kRectify);
    Move(c.record.id, kVerify);
  }
  EXPECT_EQ(Inspect(chemicals, {}), gv1::COLOUR_ORANGE);
}

TEST_F(HazardEnterprisesTest, EachFindingOpensAHazardAtTheEnterprise) {
  const hv1::Enterprise e =
      Register(NewEnterprise(hv1::SECTOR_FOOD_PRODUCTION, "GS01", "GS01-C02"));
  hv1::RecordInspectionRequest request = NewInspection(e.id(), {kGeneral, kMajor}, "2026-03-30");
  const hv1::RecordInspectionResponse r = Inspect(request);
  const hv1::Inspection& in = r.inspection();
  EXPECT_EQ(in.id(), "IN-000001");
  EXPECT_EQ(in.enterprise_id(), e.id());
  EXPECT_EQ(in.day(), "2026-03-30");
  EXPECT_EQ(in.inspector(), "区应急管理局 赵某");
  EXPECT_EQ(in.findings_size(), 2);
  EXPECT_EQ(FromTimestamp(in.create_time()), clock_.Now());
  ASSERT_EQ(in.hazard_ids_size(), 2);
  for (int i = 0; i < 2; ++i) {
    SCOPED_TRACE(i);
    const cases::Case c = Hazard(in.hazard_ids(i));
    absl::StatusOr<hv1::Hazard> h = HazardKind().FromCase(c);
    ASSERT_TRUE(h.ok()) << h.status();
    EXPECT_EQ(h->status(), hv1::HAZARD_STATUS_OPEN);
    EXPECT_EQ(h->source(), hv1::HAZARD_SOURCE_INSPECTION);
    EXPECT_EQ(h->type(), request.inspection().findings(i).type());
    EXPECT_EQ(h->severity(), request.inspection().findings(i).severity());
    EXPECT_EQ(h->description(), request.inspection().findings(i).description());
    EXPECT_EQ(h->enterprise_id(), e.id());
    EXPECT_EQ(h->inspection_id(), in.id());
    EXPECT_EQ(h->reporter(), "区应急管理局 赵某");
    EXPECT_EQ(h->region().street_id(), "GS01");
    EXPECT_EQ(h->region().community_id(), "GS01-C02");
    EXPECT_EQ(c.record.unit_id, e.id());
    // The deadline of its severity: general 15 days, major 60.
    const int days = i == 0 ? 15 : 60;
    EXPECT_EQ(FromTimestamp(h->deadline()), clock_.Now() + absl::Hours(24 * days));
  }
  // Risk 3 with a major open: orange.
  EXPECT_EQ(in.colour_after(), gv1::COLOUR_ORANGE);
  EXPECT_EQ(r.enterprise().colour(), gv1::COLOUR_ORANGE);
  EXPECT_EQ(r.enterprise().last_inspection_day(), "2026-03-30");
  EXPECT_EQ(r.enterprise().next_inspection_due(), "2026-05-29");  // orange: 60 days on
  // Nothing found opens nothing.
  const hv1::RecordInspectionResponse clean = Inspect(NewInspection(e.id(), {}));
  EXPECT_EQ(clean.inspection().hazard_ids_size(), 0);
  EXPECT_EQ(HazardsAt(e.id()).size(), 2u);
}

TEST_F(HazardEnterprisesTest, TheGradeHistoryKeepsEveryChangeWithItsReason) {
  const hv1::Enterprise e = Register(hv1::SECTOR_MANUFACTURING);  // yellow
  clock_.Advance(absl::Hours(1));
  const absl::Time first_time = clock_.Now();
  const hv1::RecordInspectionResponse first =
      Inspect(NewInspection(e.id(), {kGeneral, kMajor, kGeneral}, "2026-03-20"));
  EXPECT_EQ(first.enterprise().colour(), gv1::COLOUR_ORANGE);
  // Nothing found, the major still open: orange, no change.
  clock_.Advance(absl::Hours(1));
  const hv1::RecordInspectionResponse second = Inspect(NewInspection(e.id(), {}, "2026-03-25"));
  EXPECT_EQ(second.inspection().colour_after(), gv1::COLOUR_ORANGE);
  EXPECT_EQ(second.enterprise().grade_history_size(), 2);
  // The major verified: yellow again.
  const std::string major = first.inspection().hazard_ids(1);
  Move(major, kRectify);
  Move(major, kVerify);
  clock_.Advance(absl::Hours(1));
  const absl::Time third_time = clock_.Now();
  const hv1::RecordInspectionResponse third = Inspect(NewInspection(e.id(), {}, "2026-04-01"));
  EXPECT_EQ(third.inspection().colour_after(), gv1::COLOUR_YELLOW);

  const hv1::Enterprise got = Get(e.id());
  ASSERT_EQ(got.grade_history_size(), 3);
  EXPECT_EQ(got.grade_history(0).to_colour(), gv1::COLOUR_YELLOW);
  const hv1::GradeChange& up = got.grade_history(1);
  EXPECT_EQ(up.from_colour(), gv1::COLOUR_YELLOW);
  EXPECT_EQ(up.to_colour(), gv1::COLOUR_ORANGE);
  EXPECT_EQ(up.inspection_id(), first.inspection().id());
  EXPECT_EQ(up.reason(), absl::StrCat("inspection ", first.inspection().id(),
                                      ": 3 findings, 1 major hazard open, 3 hazards open in all"));
  EXPECT_EQ(FromTimestamp(up.time()), first_time);
  const hv1::GradeChange& down = got.grade_history(2);
  EXPECT_EQ(down.from_colour(), gv1::COLOUR_ORANGE);
  EXPECT_EQ(down.to_colour(), gv1::COLOUR_YELLOW);
  EXPECT_EQ(down.inspection_id(), third.inspection().id());
  EXPECT_EQ(down.reason(),
            absl::StrCat("inspection ", third.inspection().id(),
                         ": 0 findings, 0 major hazards open, 2 hazards open in all"));
  EXPECT_EQ(FromTimestamp(down.time()), third_time);
  EXPECT_EQ(got.last_inspection_day(), "2026-04-01");

  // Lists leave the history out.
  hv1::ListEnterprisesResponse listed;
  ASSERT_TRUE(TryList(kAdmin, {}, &listed).status.ok());
  ASSERT_EQ(listed.enterprises_size(), 1);
  EXPECT_EQ(listed.enterprises(0).grade_history_size(), 0);
  EXPECT_EQ(listed.enterprises(0).colour(), gv1::COLOUR_YELLOW);
}

// ---- Retries ----

TEST_F(HazardEnterprisesTest, ARetriedInspectionOpensNothingTwiceAndGradesOnce) {
  const hv1::Enterprise e = Register(hv1::SECTOR_CATERING);  // blue
  const hv1::RecordInspectionRequest request = NewInspection(e.id(), {kMajor, kGeneral});
  const hv1::RecordInspectionResponse first = Inspect(request);
  EXPECT_EQ(first.enterprise().colour(), gv1::COLOUR_ORANGE);
  ASSERT_EQ(first.enterprise().grade_history_size(), 2);
  const std::string before = h_.StoreSnapshot();

  // The same request later, even after the hazards moved (which would grade it otherwise), is
  // the same inspection, and writes nothing.
  clock_.Advance(absl::Hours(5));
  for (const std::string& id : first.inspection().hazard_ids()) Move(id, kRectify);
  for (const std::string& id : first.inspection().hazard_ids()) Move(id, kVerify);
  const std::string verified = h_.StoreSnapshot();
  EXPECT_NE(verified, before);
  const hv1::RecordInspectionResponse again = Inspect(request);
  EXPECT_EQ(again.inspection().DebugString(), first.inspection().DebugString());
  EXPECT_EQ(again.enterprise().grade_history_size(), 2);
  EXPECT_EQ(again.enterprise().colour(), gv1::COLOUR_ORANGE);
  EXPECT_EQ(h_.StoreSnapshot(), verified);
  EXPECT_EQ(HazardsAt(e.id()).size(), 2u);
  // Another body under its request id is refused, nothing written.
  hv1::RecordInspectionRequest other = request;
  other.mutable_inspection()->set_inspector("另一检查人");
  ExpectRefused(TryInspect(kInspector1, other), grpc::StatusCode::ALREADY_EXISTS, "");
  EXPECT_EQ(h_.StoreSnapshot(), verified);
}

TEST_F(HazardEnterprisesTest, ARetryOfAnInspectionCutShortDoesWhatIsLeft) {
  const hv1::Enterprise e = Register(hv1::SECTOR_RETAIL);  // blue
  const hv1::RecordInspectionRequest request = NewInspection(e.id(), {kMajor, kMajor});
  // The inspection's row stored as RecordInspection stores it first, and its first finding's
  // hazard opened as it opens it; then nothing more (a failure before the second).
  hv1::Inspection stored = request.inspection();
  registry::Registry inspections(InspectionLayout(), &h_.repo(), &h_.cache(), &clock_);
  store::EntityRecord row;
  row.street_id = "GS01";
  row.parent_id = e.id();
  row.key = stored.day();
  row.payload = registry::Payload(stored);
  const absl::StatusOr<store::EntityRecord> created = inspections.Create(row, request.request_id());
  ASSERT_TRUE(created.ok()) << created.status();
  hv1::Hazard first;
  first.set_type(stored.findings(0).type());
  first.set_source(hv1::HAZARD_SOURCE_INSPECTION);
  first.set_severity(stored.findings(0).severity());
  *first.mutable_region() = e.region();
  first.set_enterprise_id(e.id());
  first.set_inspection_id(created->id);
  first.set_description(stored.findings(0).description());
  first.set_reporter(stored.inspector());
  const cases::NewCase input = NewHazardCase(first, track().rules(), created->create_time);
  const absl::StatusOr<cases::Case> opened =
      engine().Create(Admin(), input, absl::StrCat("inspection:", created->id, ":finding:0"),
                      cases::CaseEngine::RequestHash(input.payload));
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(Get(e.id()).colour(), gv1::COLOUR_BLUE);  // not graded yet

  clock_.Advance(absl::Minutes(10));
  const hv1::RecordInspectionResponse done = Inspect(request);
  EXPECT_EQ(done.inspection().id(), created->id);
  ASSERT_EQ(done.inspection().hazard_ids_size(), 2);
  EXPECT_EQ(done.inspection().hazard_ids(0), opened->record.id);  // recognised, not opened again
  EXPECT_EQ(done.inspection().colour_after(), gv1::COLOUR_RED);
  EXPECT_EQ(done.enterprise().colour(), gv1::COLOUR_RED);
  EXPECT_EQ(done.enterprise().grade_history_size(), 2);
  EXPECT_EQ(HazardsAt(e.id()).size(), 2u);
  // And once complete, a retry is the same.
  const std::string before = h_.StoreSnapshot();
  EXPECT_EQ(Inspect(request).inspection().DebugString(), done.inspection().DebugString());
  EXPECT_EQ(h_.StoreSnapshot(), before);
}

// ---- Inspection frequency ----

TEST_F(HazardEnterprisesTest, AnInspectionIsDueAsOftenAsTheColourAsksAndOverdueAfter) {
  const hv1::Enterprise chemicals = Register(hv1::SECTOR_HAZARDOUS_CHEMICALS);  // orange: 60
  const hv1::Enterprise shop = Register(hv1::SECTOR_RETAIL);                    // blue: 365
  const hv1::Enterprise factory = Register(hv1::SECTOR_MANUFACTURING);          // yellow: 120
  EXPECT_EQ(chemicals.next_inspection_due(), "2026-05-31");
  EXPECT_EQ(shop.next_inspection_due(), "2027-04-01");
  EXPECT_EQ(factory.next_inspection_due(), "2026-07-30");
  hv1::ListEnterprisesRequest overdue_only;
  overdue_only.set_inspection_overdue_only(true);

  // Due on the day itself; overdue the day after.
  clock_.Set(Local(2026, 5, 31, 23, 0));
  EXPECT_FALSE(Get(chemicals.id()).inspection_overdue());
  EXPECT_TRUE(ListIds(overdue_only).empty());
  clock_.Set(Local(2026, 6, 1, 8, 0));
  EXPECT_TRUE(Get(chemicals.id()).inspection_overdue());
  EXPECT_FALSE(Get(shop.id()).inspection_overdue());
  EXPECT_THAT(ListIds(overdue_only), ElementsAre(chemicals.id()));
  EXPECT_EQ(Value("overdue_inspections", Year(2026)), 1);

  // Inspected with a major found: red, due in 30 days from the inspection's day.
  hv1::RecordInspectionResponse r = Inspect(NewInspection(chemicals.id(), {kMajor}, "2026-06-01"));
  EXPECT_EQ(r.enterprise().colour(), gv1::COLOUR_RED);
  EXPECT_EQ(r.enterprise().last_inspection_day(), "2026-06-01");
  EXPECT_EQ(r.enterprise().next_inspection_due(), "2026-07-01");
  EXPECT_FALSE(r.enterprise().inspection_overdue());
  EXPECT_TRUE(ListIds(overdue_only).empty());
  // An earlier inspection recorded late leaves the last one's day.
  r = Inspect(NewInspection(chemicals.id(), {}, "2026-05-20"));
  EXPECT_EQ(r.enterprise().last_inspection_day(), "2026-06-01");
  EXPECT_EQ(r.enterprise().colour(), gv1::COLOUR_RED);

  clock_.Set(Local(2026, 7, 2, 8, 0));
  EXPECT_THAT(ListIds(overdue_only), ElementsAre(chemicals.id()));
  clock_.Set(Local(2026, 7, 31, 8, 0));
  EXPECT_THAT(ListIds(overdue_only), ElementsAre(chemicals.id(), factory.id()));
  EXPECT_EQ(Value("overdue_inspections", Year(2026)), 2);
  EXPECT_EQ(Value("overdue_inspections", Year(2026), "GS02"), 0);
}

// ---- Lists ----

TEST_F(HazardEnterprisesTest, EnterprisesAreListedByIdWithTheirFilters) {
  std::vector<std::string> kitchens;
  for (int i = 0; i < 6; ++i) {
    kitchens.push_back(
        Register(NewEnterprise(hv1::SECTOR_CATERING, "GS01", i % 2 == 0 ? "GS01-C01" : "GS01-C02"))
            .id());
  }
  const hv1::Enterprise chemicals = Register(hv1::SECTOR_HAZARDOUS_CHEMICALS);
  const hv1::Enterprise far_kitchen = Register(hv1::SECTOR_CATERING, "GS02");
  const hv1::Enterprise far_factory = Register(hv1::SECTOR_MANUFACTURING, "GS02");

  hv1::ListEnterprisesRequest all;
  EXPECT_EQ(ListIds(all).size(), 9u);
  EXPECT_EQ(ListIds(all, kOperator1).size(), 7u);  // the caller's street
  EXPECT_THAT(ListIds(all, kOperator2), ElementsAre(far_kitchen.id(), far_factory.id()));
  hv1::ListEnterprisesRequest orange;
  orange.set_colour(gv1::COLOUR_ORANGE);
  EXPECT_THAT(ListIds(orange), ElementsAre(chemicals.id()));
  hv1::ListEnterprisesRequest yellow_gs02;
  yellow_gs02.set_colour(gv1::COLOUR_YELLOW);
  *yellow_gs02.mutable_region() = Region("GS02");
  EXPECT_THAT(ListIds(yellow_gs02), ElementsAre(far_factory.id()));
  hv1::ListEnterprisesRequest catering;
  catering.set_sector(hv1::SECTOR_CATERING);
  std::vector<std::string> expected = kitchens;
  expected.push_back(far_kitchen.id());
  EXPECT_EQ(ListIds(catering), expected);
  hv1::ListEnterprisesRequest c02 = catering;
  *c02.mutable_region() = Region("GS01", "GS01-C02");
  EXPECT_THAT(ListIds(c02), ElementsAre(kitchens[1], kitchens[3], kitchens[5]));

  // The paging contract, on the store's order (by colour) and on a filter read from the rows.
  const auto pages = [&](hv1::ListEnterprisesRequest base) -> PageCall {
    return [this, base](int32_t size, const std::string& token, std::vector<std::string>* ids,
                        std::string* next) {
      hv1::ListEnterprisesRequest request = base;
      request.set_page_size(size);
      request.set_page_token(token);
      hv1::ListEnterprisesResponse response;
      const Outcome o = TryList(kViewer, request, &response);
      for (const hv1::Enterprise& e : response.enterprises()) ids->push_back(e.id());
      *next = response.next_page_token();
      return o;
    };
  };
  hv1::ListEnterprisesRequest blue;
  blue.set_colour(gv1::COLOUR_BLUE);
  EXPECT_EQ(ExpectPagesLikeEveryList(pages(blue), 7), expected);
  EXPECT_EQ(ExpectPagesLikeEveryList(pages(catering), 7), expected);
  // A token is its filters' only.
  hv1::ListEnterprisesRequest first = catering;
  first.set_page_size(2);
  hv1::ListEnterprisesResponse page;
  ASSERT_TRUE(TryList(kAdmin, first, &page).status.ok());
  ASSERT_FALSE(page.next_page_token().empty());
  hv1::ListEnterprisesRequest switched = first;
  switched.set_sector(hv1::SECTOR_RETAIL);
  switched.set_page_token(page.next_page_token());
  ExpectInvalid(TryList(kAdmin, switched, &page), "page_token");
  hv1::ListEnterprisesRequest same = first;
  same.set_page_token(page.next_page_token());
  ExpectInvalid(TryList(kOperator1, same, &page), "page_token");  // another scope

  // Wrong filters.
  const auto refused = [&](const std::function<void(hv1::ListEnterprisesRequest&)>& edit,
                           const std::string& token = kAdmin) {
    hv1::ListEnterprisesRequest request;
    edit(request);
    hv1::ListEnterprisesResponse response;
    return TryList(token, request, &response);
  };
  ExpectInvalid(refused([](auto& q) { q.set_colour(gv1::COLOUR_GREEN); }), "colour");
  ExpectInvalid(refused([](auto& q) { q.set_sector(static_cast<hv1::Sector>(42)); }), "sector");
  ExpectInvalid(refused([](auto& q) { *q.mutable_region() = Region("GS99"); }), "region.street_id");
  ExpectInvalid(
      refused([](auto& q) { *q.mutable_region() = Region("GS01", "GS01-C01", "GS01-C01-G01"); }),
      "region.grid_id");
  ExpectInvalid(refused([](auto& q) { q.set_page_size(-1); }), "page_size");
  ExpectRefused(refused([](auto& q) { *q.mutable_region() = Region("GS02"); }, kOperator1),
                grpc::StatusCode::PERMISSION_DENIED, "");
}

TEST_F(HazardEnterprisesTest, InspectionsAreListedByIdWithinTheCallersStreets) {
  const hv1::Enterprise near = Register(hv1::SECTOR_CATERING);
  const hv1::Enterprise far = Register(hv1::SECTOR_CATERING, "GS02");
  std::vector<std::string> near_ids;
  for (int i = 0; i < 4; ++i) {
    near_ids.push_back(Inspect(NewInspection(near.id(), {})).inspection().id());
  }
  const std::string far_id =
      Inspect(NewInspection(far.id(), {kGeneral}), kSystem).inspection().id();

  const auto pages = [&](const std::string& enterprise, const std::string& token) -> PageCall {
    return [this, enterprise, token](int32_t size, const std::string& page_token,
                                     std::vector<std::string>* ids, std::string* next) {
      hv1::ListInspectionsRequest request;
      request.set_enterprise_id(enterprise);
      request.set_page_size(size);
      request.set_page_token(page_token);
      hv1::ListInspectionsResponse response;
      const Outcome o = TryListInspections(token, request, &response);
      for (const hv1::Inspection& in : response.inspections()) {
        ids->push_back(in.id());
        EXPECT_EQ(in.colour_after(), gv1::COLOUR_BLUE);
      }
      *next = response.next_page_token();
      return o;
    };
  };
  EXPECT_EQ(ExpectPagesLikeEveryList(pages(near.id(), kViewer), 4), near_ids);
  std::vector<std::string> everything = near_ids;
  everything.push_back(far_id);
  EXPECT_EQ(ExpectPagesLikeEveryList(pages("", kAdmin), 5), everything);
  EXPECT_EQ(ExpectPagesLikeEveryList(pages("", kOperator1), 4), near_ids);

  hv1::ListInspectionsRequest request;
  hv1::ListInspectionsResponse response;
  request.set_enterprise_id(far.id());
  ASSERT_TRUE(TryListInspections(kOperator2, request, &response).status.ok());
  ASSERT_EQ(response.inspections_size(), 1);
  EXPECT_EQ(response.inspections(0).hazard_ids_size(), 1);
  EXPECT_EQ(response.inspections(0).enterprise_id(), far.id());
  ExpectRefused(TryListInspections(kOperator1, request, &response),
                grpc::StatusCode::PERMISSION_DENIED, "");
  request.set_enterprise_id("EN-000099");
  ExpectInvalid(TryListInspections(kAdmin, request, &response), "enterprise_id");
}

// ---- Scope and personal data ----

TEST_F(HazardEnterprisesTest, CallersReadTheirStreetsAndOnlyWorkingRolesSeeTheContact) {
  const hv1::Enterprise near = Register(hv1::SECTOR_CATERING);
  ASSERT_FALSE(near.contact().empty());
  for (const char* token : {kAdmin, kSystem, kOperator1, kInspector1}) {
    EXPECT_EQ(Get(near.id(), token).contact(), near.contact()) << token;
  }
  const hv1::Enterprise seen = Get(near.id(), kViewer);
  EXPECT_EQ(seen.contact(), "");
  EXPECT_EQ(seen.name(), near.name());
  hv1::ListEnterprisesResponse listed;
  ASSERT_TRUE(TryList(kViewer, {}, &listed).status.ok());
  ASSERT_EQ(listed.enterprises_size(), 1);
  EXPECT_EQ(listed.enterprises(0).contact(), "");
  ASSERT_TRUE(TryList(kOperator1, {}, &listed).status.ok());
  EXPECT_EQ(listed.enterprises(0).contact(), near.contact());
  ExpectRefused(TryGet(kOperator2, near.id()), grpc::StatusCode::PERMISSION_DENIED, "");
  ExpectRefused(TryGet(kAdmin, "EN-000099"), grpc::StatusCode::NOT_FOUND, "");
  ExpectInvalid(TryGet(kAdmin, ""), "id");
}

TEST_F(HazardEnterprisesTest, AnInspectionIsRefusedWhenWrongAndNothingIsStored) {
  const hv1::Enterprise near = Register(hv1::SECTOR_CATERING);
  const hv1::Enterprise far = Register(hv1::SECTOR_CATERING, "GS02");
  using Row = Refusal<hv1::RecordInspectionRequest>;
  const auto in = [](hv1::RecordInspectionRequest& q) { return q.mutable_inspection(); };
  ExpectRefusals<hv1::RecordInspectionRequest>(
      h_, NewInspection(near.id(), {kGeneral, kMajor}),
      {
          Row{"no request id", [](auto& q) { q.clear_request_id(); }, "request_id"},
          Row{"no enterprise", [&](auto& q) { in(q)->clear_enterprise_id(); },
              "inspection.enterprise_id"},
          Row{"an unknown enterprise", [&](auto& q) { in(q)->set_enterprise_id("EN-000099"); },
              "inspection.enterprise_id"},
          Row{"no day", [&](auto& q) { in(q)->clear_day(); }, "inspection.day"},
          Row{"a day that is none", [&](auto& q) { in(q)->set_day("2026-02-30"); },
              "inspection.day"},
          Row{"a day in the future", [&](auto& q) { in(q)->set_day("2026-04-02"); },
              "inspection.day"},
          Row{"no inspector", [&](auto& q) { in(q)->clear_inspector(); }, "inspection.inspector"},
          Row{"an inspector too long",
              [&](auto& q) { in(q)->set_inspector(std::string(101, 'x')); },
              "inspection.inspector"},
          Row{"too many findings",
              [&](auto& q) {
                while (in(q)->findings_size() <= 50) *in(q)->add_findings() = in(q)->findings(0);
              },
              "inspection.findings"},
          Row{"a finding of no type", [&](auto& q) { in(q)->mutable_findings(1)->clear_type(); },
              "inspection.findings[1].type"},
          Row{"a finding of no severity",
              [&](auto& q) { in(q)->mutable_findings(1)->clear_severity(); },
              "inspection.findings[1].severity"},
          Row{"a finding undescribed",
              [&](auto& q) { in(q)->mutable_findings(0)->clear_description(); },
              "inspection.findings[0].description"},
          Row{"a description too long",
              [&](auto& q) { in(q)->mutable_findings(0)->set_description(std::string(2001, 'x')); },
              "inspection.findings[0].description"},
          Row{"another street's enterprise", [&](auto& q) { in(q)->set_enterprise_id(far.id()); },
              "", grpc::StatusCode::PERMISSION_DENIED},
      },
      [&](const hv1::RecordInspectionRequest& q) { return TryInspect(kInspector1, q); });
  // Street operators and viewers do not record inspections.
  ExpectRefused(TryInspect(kOperator1, NewInspection(near.id(), {})),
                grpc::StatusCode::PERMISSION_DENIED, "");
  ExpectRefused(TryInspect(kViewer, NewInspection(near.id(), {})),
                grpc::StatusCode::PERMISSION_DENIED, "");
  // Fifty findings are fine, and today is.
  hv1::RecordInspectionRequest fifty = NewInspection(near.id(), std::vector<F>(50, kGeneral));
  EXPECT_EQ(Inspect(fifty).inspection().hazard_ids_size(), 50);
  // The track reads an enterprise for its other parts, naming their field when unknown.
  EXPECT_EQ(track().enterprises().Find(near.id(), "hazard.enterprise_id")->id(), near.id());
  const absl::StatusOr<hv1::Enterprise> unknown =
      track().enterprises().Find("EN-000099", "hazard.enterprise_id");
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldOf(unknown.status()), "hazard.enterprise_id");
}

// ---- Indicators ----

TEST_F(HazardEnterprisesTest, TheIndicatorsCountTheEnterprisesByWhenRegisteredAndTheirColour) {
  // April: four in GS01 (orange, two blue, yellow) and one blue in GS02.
  const hv1::Enterprise chemicals = Register(hv1::SECTOR_HAZARDOUS_CHEMICALS);
  Register(hv1::SECTOR_CATERING);
  Register(hv1::SECTOR_RETAIL);
  Register(hv1::SECTOR_MANUFACTURING);
  Register(hv1::SECTOR_PHARMACY, "GS02");
  // May: an orange one in GS02, and the GS01 chemicals inspected to red.
  clock_.Set(Local(2026, 5, 10, 10, 0));
  Register(hv1::SECTOR_HAZARDOUS_CHEMICALS, "GS02");
  Inspect(NewInspection(chemicals.id(), {kMajor}, "2026-05-10"));

  // Registered by April's end, with the colour they have now.
  EXPECT_EQ(Value("enterprises_graded", Month(2026, 4)), 5);
  EXPECT_EQ(Value("enterprises_red", Month(2026, 4)), 1);
  EXPECT_EQ(Value("enterprises_orange", Month(2026, 4)), 0);
  EXPECT_EQ(Value("enterprises_yellow", Month(2026, 4)), 1);
  EXPECT_EQ(Value("enterprises_blue", Month(2026, 4)), 3);
  EXPECT_EQ(Value("enterprises_graded", Year(2026)), 6);
  EXPECT_EQ(Value("enterprises_orange", Year(2026)), 1);
  EXPECT_EQ(Value("enterprises_graded", Year(2026), "GS02"), 2);
  EXPECT_EQ(Value("enterprises_blue", Year(2026), "GS02"), 1);
  EXPECT_EQ(Value("enterprises_red", Year(2026), "GS02"), 0);
  EXPECT_EQ(Value("enterprises_graded", Year(2025)), 0);
  // The plan's 248 is the district's.
  const gv1::Indicator graded = Indicator("enterprises_graded", Year(2026));
  EXPECT_EQ(graded.target(), 248);
  EXPECT_EQ(graded.target_kind(), gv1::TARGET_KIND_ABSOLUTE);
  EXPECT_EQ(graded.target_source(), gv1::TARGET_SOURCE_PLAN);
  EXPECT_EQ(Indicator("enterprises_graded", Year(2026), "GS01").target_kind(),
            gv1::TARGET_KIND_UNSPECIFIED);
  const gv1::Indicator red = Indicator("enterprises_red", Year(2026));
  EXPECT_EQ(red.target_kind(), gv1::TARGET_KIND_UNSPECIFIED);
  EXPECT_EQ(red.direction(), gv1::DIRECTION_LOWER_IS_BETTER);
  const gv1::Indicator overdue = Indicator("overdue_inspections", Year(2026));
  EXPECT_EQ(overdue.direction(), gv1::DIRECTION_LOWER_IS_BETTER);
  EXPECT_EQ(overdue.target_kind(), gv1::TARGET_KIND_UNSPECIFIED);

  // Overdue: the red one 30 days after its inspection (due 9 June); then the yellow one (due
  // 30 July) and the GS02 chemicals (orange, registered 10 May: due 9 July).
  EXPECT_EQ(Value("overdue_inspections", Year(2026)), 0);
  clock_.Set(Local(2026, 6, 10, 9, 0));
  EXPECT_EQ(Value("overdue_inspections", Year(2026)), 1);
  clock_.Set(Local(2026, 7, 31, 9, 0));
  EXPECT_EQ(Value("overdue_inspections", Year(2026)), 3);
  EXPECT_EQ(Value("overdue_inspections", Year(2026), "GS02"), 1);
  EXPECT_EQ(Value("overdue_inspections", Month(2026, 4)), 2);  // registered by April's end
}

// ---- Demo data ----

TEST_F(HazardEnterprisesTest, TheDemoGradesTheDistrictsEnterprisesAfterAYearOfInspections) {
  const absl::Status loaded = LoadEnterpriseDemo(track().deps(), track().rules(), &engine());
  ASSERT_TRUE(loaded.ok()) << loaded;

  hv1::ListEnterprisesRequest all;
  all.set_page_size(500);
  hv1::ListEnterprisesResponse listed;
  ASSERT_TRUE(TryList(kAdmin, all, &listed).status.ok());
  ASSERT_GE(listed.enterprises_size(), 248);
  EXPECT_TRUE(listed.next_page_token().empty());
  std::set<hv1::Sector> sectors;
  std::set<std::string> streets;
  std::map<gv1::Colour, int> colours;
  int overdue = 0;
  for (const hv1::Enterprise& e : listed.enterprises()) {
    sectors.insert(e.sector());
    streets.insert(e.region().street_id());
    colours[e.colour()]++;
    overdue += e.inspection_overdue() ? 1 : 0;
    EXPECT_FALSE(e.last_inspection_day().empty()) << e.id();
  }
  EXPECT_EQ(sectors.size(), 9u);
  EXPECT_EQ(streets.size(), static_cast<size_t>(h_.regions().street_count()));
  for (gv1::Colour c :
       {gv1::COLOUR_RED, gv1::COLOUR_ORANGE, gv1::COLOUR_YELLOW, gv1::COLOUR_BLUE}) {
    EXPECT_GT(colours[c], 0) << gv1::Colour_Name(c);
  }
  EXPECT_GT(overdue, 0);

  // Every enterprise indicator has data, and they agree with the list.
  const auto indicators = h_.Indicators(kAdmin, Year(2026));
  for (const char* id : {"enterprises_graded", "enterprises_red", "enterprises_orange",
                         "enterprises_yellow", "enterprises_blue", "overdue_inspections"}) {
    const auto it = indicators.find(id);
    ASSERT_NE(it, indicators.end()) << id;
    EXPECT_TRUE(it->second.has_data()) << id;
    EXPECT_GT(it->second.actual(), 0) << id;
  }
  EXPECT_EQ(indicators.at("enterprises_graded").actual(), listed.enterprises_size());
  EXPECT_EQ(indicators.at("enterprises_red").actual(), colours[gv1::COLOUR_RED]);
  EXPECT_EQ(indicators.at("enterprises_blue").actual(), colours[gv1::COLOUR_BLUE]);
  EXPECT_EQ(indicators.at("overdue_inspections").actual(), overdue);

  // The inspections' hazards: some closed, some still open past their deadline, some late.
  cases::ListRequest request;
  absl::StatusOr<std::vector<cases::Case>> hazards =
      cases::ListEvery(engine(), auth::SystemPrincipal("test"), std::move(request));
  ASSERT_TRUE(hazards.ok()) << hazards.status();
  ASSERT_FALSE(hazards->empty());
  std::map<std::string, int> statuses;
  int open_overdue = 0;
  int late = 0;
  for (const cases::Case& c : *hazards) {
    statuses[c.record.status]++;
    const absl::StatusOr<hv1::Hazard> h = HazardKind().FromCase(c);
    ASSERT_TRUE(h.ok()) << h.status();
    EXPECT_EQ(h->source(), hv1::HAZARD_SOURCE_INSPECTION);
    if (c.record.status == kOpen && FromTimestamp(h->deadline()) < clock_.Now()) ++open_overdue;
    if (c.record.status != kOpen && !h->rectified_in_time()) ++late;
  }
  EXPECT_GT(statuses[kClosed], 0);
  EXPECT_GT(statuses[kVerified], 0);
  EXPECT_GT(statuses[kOpen], 0);
  EXPECT_GT(open_overdue, 0);
  EXPECT_GT(late, 0);

  // A second load finds enterprises and loads nothing.
  const std::string before = h_.StoreSnapshot();
  ASSERT_TRUE(LoadEnterpriseDemo(track().deps(), track().rules(), &engine()).ok());
  EXPECT_EQ(h_.StoreSnapshot(), before);
}

}  // namespace
}  // namespace gov::hazard
