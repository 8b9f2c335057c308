// The tripartite track's compounds and hub end to end over gRPC on the real track (SQLite, or
// PostgreSQL as tripartite_compounds_test_postgres) with a real redis-server and a fake clock:
// compounds registered once within the caller's streets, their three-party body set up once,
// their committees' standing and last fee colour computed on read; the hub's activities with
// their trainees (names masked for roles that do not see personal data); the streets' highlights,
// one a street a year; the deliberation sessions' subject check; every indicator of the two parts
// against hand counts; the demo.

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/auth/auth.h"
#include "common/cases/engine.h"
#include "common/clock/clock.h"
#include "common/registry/registry.h"
#include "common/server/track_main.h"
#include "common/track/track_base.h"
#include "common/util/proto.h"
#include "gmock/gmock.h"
#include "governance/tripartite/v1/tripartite.grpc.pb.h"
#include "governance/v1/meetings.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "services/tripartite/demo_data.h"
#include "services/tripartite/model.h"
#include "services/tripartite/track.h"
#include "tests/support/track_harness.h"

namespace gov::tripartite {
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
using ::testing::IsEmpty;

constexpr char kAdmin[] = "tok-admin";
constexpr char kSystem[] = "tok-system";
constexpr char kOperator1[] = "tok-operator-gs01";
constexpr char kOperator2[] = "tok-operator-gs02";
constexpr char kOfficer1[] = "tok-officer-gs01";
constexpr char kViewer[] = "tok-viewer";

std::vector<gov::testing::TestToken> Tokens() {
  return {
      {kAdmin, "admin", auth::kDistrictAdmin, {}},
      {kSystem, "housing-platform", auth::kSystem, {}},
      {kOperator1, "operator-gs01", auth::kStreetOperator, {"GS01"}},
      {kOperator2, "operator-gs02", auth::kStreetOperator, {"GS02"}},
      {kOfficer1, "officer-gs01", kOfficer, {"GS01"}},
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

auth::Principal Admin() {
  auth::Principal p;
  p.id = "admin";
  p.roles = {auth::kDistrictAdmin};
  return p;
}

class TripartiteCompoundsTest : public ::testing::Test {
 protected:
  TripartiteCompoundsTest() : clock_(Local(2026, 4, 1, 9, 0)) {}

  void SetUp() override {
    const absl::Status started = h_.Start(track::Factory<TripartiteTrack>(kTrack));
    ASSERT_TRUE(started.ok()) << started;
    stub_ = tv1::TripartiteService::NewStub(h_.channel());
    meetings_ = gv1::MeetingsService::NewStub(h_.channel());
  }

  TripartiteTrack& track() { return static_cast<TripartiteTrack&>(h_.track()); }

  template <typename Fn>
  Outcome Rpc(const std::string& token, Fn&& fn) {
    return h_.Rpc(token, std::forward<Fn>(fn));
  }

  std::string Rid() { return absl::StrCat("rid-", ++counter_); }

  // ---- Compounds ----

  tv1::RegisterCompoundRequest NewCompound(const std::string& community = "GS01-C01",
                                           const std::string& name = "和睦花园小区") {
    tv1::RegisterCompoundRequest request;
    request.set_request_id(Rid());
    tv1::Compound* c = request.mutable_compound();
    c->set_name(name);
    *c->mutable_region() = Region(StreetOf(community), community);
    c->set_address("和睦路12号");
    c->set_households(640);
    c->set_property_company("和家物业服务有限公司");
    return request;
  }

  Outcome TryRegister(const std::string& token, const tv1::RegisterCompoundRequest& request,
                      tv1::Compound* out = nullptr) {
    tv1::RegisterCompoundResponse response;
    Outcome o = Rpc(token, [&](grpc::ClientContext* c) {
      return stub_->RegisterCompound(c, request, &response);
    });
    if (out != nullptr) *out = response.compound();
    return o;
  }

  tv1::Compound Register(const tv1::RegisterCompoundRequest& request,
                         const std::string& token = kOperator1) {
    tv1::Compound out;
    const Outcome o = TryRegister(token, request, &out);
    EXPECT_TRUE(o.status.ok()) << Describe(o);
    return out;
  }

  // A compound in `community`, registered now.
  tv1::Compound Compound(const std::string& community = "GS01-C01") {
    return Register(NewCompound(community), kAdmin);
  }

  Outcome TryGet(const std::string& token, const std::string& id, tv1::Compound* out = nullptr) {
    tv1::GetCompoundRequest request;
    request.set_id(id);
    tv1::GetCompoundResponse response;
    Outcome o = Rpc(
        token, [&](grpc::ClientContext* c) { return stub_->GetCompound(c, request, &response); });
    if (out != nullptr) *out = response.compound();
    return o;
  }

  tv1::Compound Get(const std::string& id, const std::string& token = kAdmin) {
    tv1::Compound out;
    const Outcome o = TryGet(token, id, &out);
    EXPECT_TRUE(o.status.ok()) << Describe(o);
    return out;
  }

  Outcome TryList(const std::string& token, const tv1::ListCompoundsRequest& request,
                  tv1::ListCompoundsResponse* out = nullptr) {
    tv1::ListCompoundsResponse response;
    Outcome o = Rpc(
        token, [&](grpc::ClientContext* c) { return stub_->ListCompounds(c, request, &response); });
    if (out != nullptr) *out = response;
    return o;
  }

  std::vector<std::string> Ids(const tv1::ListCompoundsRequest& request,
                               const std::string& token = kAdmin) {
    tv1::ListCompoundsResponse response;
    const Outcome o = TryList(token, request, &response);
    EXPECT_TRUE(o.status.ok()) << Describe(o);
    std::vector<std::string> ids;
    for (const tv1::Compound& c : response.compounds()) ids.push_back(c.id());
    return ids;
  }

  tv1::SetUpThreePartyBodyRequest BodyRequest(const tv1::Compound& c, const std::string& day) {
    tv1::SetUpThreePartyBodyRequest request;
    request.set_id(c.id());
    request.set_etag(c.etag());
    request.set_day(day);
    return request;
  }

  Outcome TrySetUp(const std::string& token, const tv1::SetUpThreePartyBodyRequest& request,
                   tv1::Compound* out = nullptr) {
    tv1::SetUpThreePartyBodyResponse response;
    Outcome o = Rpc(token, [&](grpc::ClientContext* c) {
      return stub_->SetUpThreePartyBody(c, request, &response);
    });
    if (out != nullptr) *out = response.compound();
    return o;
  }

  tv1::Compound SetUp(const tv1::Compound& c, const std::string& day) {
    tv1::Compound out;
    const Outcome o = TrySetUp(kAdmin, BodyRequest(c, day), &out);
    EXPECT_TRUE(o.status.ok()) << Describe(o);
    return out;
  }

  // ---- Committees and fees, written beside the RPCs ----

  // A committee of `type` applied for in compound `c` through the track's committees engine,
  // then moved by `verbs`.
  std::string Committee(const tv1::Compound& c, tv1::CommitteeType type,
                        const std::vector<std::string>& verbs = {}) {
    cases::CaseEngine* engine = track().engine(kCommitteeTrack);
    EXPECT_NE(engine, nullptr);
    if (engine == nullptr) return "";
    tv1::Committee committee;
    committee.set_type(type);
    committee.set_compound_id(c.id());
    cases::NewCase input;
    input.category = EnumKey(type);
    input.street_id = c.region().street_id();
    input.community_id = c.region().community_id();
    input.unit_id = c.id();
    input.payload = committee.SerializeAsString();
    const std::string rid = Rid();
    absl::StatusOr<cases::Case> created = engine->Create(
        Admin(), input, rid, cases::CaseEngine::RequestHash(absl::StrCat(rid, input.payload)));
    EXPECT_TRUE(created.ok()) << created.status();
    if (!created.ok()) return "";
    std::string etag = created->etag();
    for (const std::string& verb : verbs) {
      absl::StatusOr<cases::Case> moved =
          engine->Transition(Admin(), verb, created->record.id, etag, "");
      EXPECT_TRUE(moved.ok()) << verb << " " << moved.status();
      if (!moved.ok()) break;
      etag = moved->etag();
    }
    return created->record.id;
  }

  // A fee record of compound `c` for `month` in `colour`, stored through the fee registry.
  void FeeRecord(const tv1::Compound& c, const std::string& month, gv1::Colour colour) {
    const registry::Registry fees(FeeLayout(), &h_.repo(), &h_.cache(), &clock_);
    tv1::FeeCollection fee;
    fee.set_compound_id(c.id());
    fee.set_month(month);
    fee.set_due_yuan(100000);
    fee.set_collected_yuan(80000);
    fee.set_colour(colour);
    *fee.mutable_region() = c.region();
    store::EntityRecord row;
    row.street_id = c.region().street_id();
    row.community_id = c.region().community_id();
    row.parent_id = c.id();
    row.key = month;
    row.payload = registry::Payload(fee);
    const absl::StatusOr<store::EntityRecord> created = fees.Create(std::move(row), Rid());
    EXPECT_TRUE(created.ok()) << created.status();
  }

  // ---- The hub ----

  tv1::Trainee Trainee(const std::string& name, tv1::TraineeRole role,
                       const std::string& compound) {
    tv1::Trainee t;
    t.set_name(name);
    t.set_role(role);
    t.set_compound_id(compound);
    return t;
  }

  tv1::RecordHubActivityRequest NewActivity(tv1::HubService service, const std::string& street,
                                            absl::Time held,
                                            const std::vector<std::string>& compounds = {},
                                            const std::vector<tv1::Trainee>& trainees = {}) {
    tv1::RecordHubActivityRequest request;
    request.set_request_id(Rid());
    tv1::HubActivity* a = request.mutable_activity();
    a->set_service(service);
    *a->mutable_held_time() = ToTimestamp(held);
    if (!street.empty()) *a->mutable_region() = Region(street);
    a->set_title("业委会主任互动培训");
    for (const std::string& id : compounds) a->add_compound_ids(id);
    a->set_attendance(30);
    for (const tv1::Trainee& t : trainees) *a->add_trainees() = t;
    a->set_note("第一期");
    return request;
  }

  Outcome TryRecord(const std::string& token, const tv1::RecordHubActivityRequest& request,
                    tv1::HubActivity* out = nullptr) {
    tv1::RecordHubActivityResponse response;
    Outcome o = Rpc(token, [&](grpc::ClientContext* c) {
      return stub_->RecordHubActivity(c, request, &response);
    });
    if (out != nullptr) *out = response.activity();
    return o;
  }

  tv1::HubActivity Record(const tv1::RecordHubActivityRequest& request,
                          const std::string& token = kAdmin) {
    tv1::HubActivity out;
    const Outcome o = TryRecord(token, request, &out);
    EXPECT_TRUE(o.status.ok()) << Describe(o);
    return out;
  }

  Outcome TryGetActivity(const std::string& token, const std::string& id,
                         tv1::HubActivity* out = nullptr) {
    tv1::GetHubActivityRequest request;
    request.set_id(id);
    tv1::GetHubActivityResponse response;
    Outcome o = Rpc(token, [&](grpc::ClientContext* c) {
      return stub_->GetHubActivity(c, request, &response);
    });
    if (out != nullptr) *out = response.activity();
    return o;
  }

  Outcome TryListActivities(const std::string& token, const tv1::ListHubActivitiesRequest& request,
                            tv1::ListHubActivitiesResponse* out = nullptr) {
    tv1::ListHubActivitiesResponse response;
    Outcome o = Rpc(token, [&](grpc::ClientContext* c) {
      return stub_->ListHubActivities(c, request, &response);
    });
    if (out != nullptr) *out = response;
    return o;
  }

  std::vector<std::string> ActivityIds(const tv1::ListHubActivitiesRequest& request,
                                       const std::string& token = kAdmin) {
    tv1::ListHubActivitiesResponse response;
    const Outcome o = TryListActivities(token, request, &response);
    EXPECT_TRUE(o.status.ok()) << Describe(o);
    std::vector<std::string> ids;
    for (const tv1::HubActivity& a : response.activities()) ids.push_back(a.id());
    return ids;
  }

  // ---- Highlights ----

  tv1::DesignateHighlightRequest NewHighlight(const std::string& street, int year,
                                              const std::vector<std::string>& compounds = {}) {
    tv1::DesignateHighlightRequest request;
    request.set_request_id(Rid());
    tv1::Highlight* h = request.mutable_highlight();
    h->set_street_id(street);
    h->set_year(year);
    h->set_name("红茶议事会");
    h->set_description("社区党组织、业委会、物业企业每月围坐议事");
    for (const std::string& id : compounds) h->add_compound_ids(id);
    return request;
  }

  Outcome TryDesignate(const std::string& token, const tv1::DesignateHighlightRequest& request,
                       tv1::Highlight* out = nullptr) {
    tv1::DesignateHighlightResponse response;
    Outcome o = Rpc(token, [&](grpc::ClientContext* c) {
      return stub_->DesignateHighlight(c, request, &response);
    });
    if (out != nullptr) *out = response.highlight();
    return o;
  }

  tv1::Highlight Designate(const tv1::DesignateHighlightRequest& request) {
    tv1::Highlight out;
    const Outcome o = TryDesignate(kAdmin, request, &out);
    EXPECT_TRUE(o.status.ok()) << Describe(o);
    return out;
  }

  std::vector<std::string> HighlightIds(const tv1::ListHighlightsRequest& request,
                                        const std::string& token = kAdmin) {
    tv1::ListHighlightsResponse response;
    const Outcome o = Rpc(token, [&](grpc::ClientContext* c) {
      return stub_->ListHighlights(c, request, &response);
    });
    EXPECT_TRUE(o.status.ok()) << Describe(o);
    std::vector<std::string> ids;
    for (const tv1::Highlight& h : response.highlights()) ids.push_back(h.id());
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
  std::unique_ptr<tv1::TripartiteService::Stub> stub_;
  std::unique_ptr<gv1::MeetingsService::Stub> meetings_;
  int counter_ = 0;
};

// ---- Compounds ----

TEST_F(TripartiteCompoundsTest, ACompoundIsRegisteredOnceWithinTheCallersStreets) {
  tv1::RegisterCompoundRequest request = NewCompound();
  // What the server computes is not the caller's to set.
  tv1::Compound* given = request.mutable_compound();
  given->set_three_party_body(true);
  given->set_three_party_body_day("2026-03-01");
  given->set_owners_committee(tv1::COMMITTEE_STANDING_FILED);
  given->set_owners_committee_id("CM-000009");
  given->set_fee_colour(gv1::COLOUR_RED);
  given->set_fee_month("2026-03");
  const tv1::Compound c = Register(request);
  EXPECT_EQ(c.id(), "CP-000001");
  EXPECT_EQ(c.name(), "和睦花园小区");
  EXPECT_EQ(c.region().street_id(), "GS01");
  EXPECT_EQ(c.region().community_id(), "GS01-C01");
  EXPECT_EQ(c.address(), "和睦路12号");
  EXPECT_EQ(c.households(), 640);
  EXPECT_EQ(c.property_company(), "和家物业服务有限公司");
  EXPECT_FALSE(c.three_party_body());
  EXPECT_EQ(c.three_party_body_day(), "");
  EXPECT_EQ(c.owners_committee(), tv1::COMMITTEE_STANDING_UNSPECIFIED);
  EXPECT_EQ(c.owners_committee_id(), "");
  EXPECT_EQ(c.fee_colour(), gv1::COLOUR_UNSPECIFIED);
  EXPECT_EQ(c.fee_month(), "");
  EXPECT_EQ(c.etag(), "v1");
  EXPECT_EQ(FromTimestamp(c.create_time()), clock_.Now());

  // A retry is the same compound, nothing written; the request id with another is refused.
  const std::string before = h_.StoreSnapshot();
  EXPECT_EQ(Register(request).id(), c.id());
  EXPECT_EQ(h_.StoreSnapshot(), before);
  tv1::RegisterCompoundRequest other = request;
  other.mutable_compound()->set_name("另一个小区");
  ExpectRefused(TryRegister(kOperator1, other), grpc::StatusCode::ALREADY_EXISTS, "");
  EXPECT_EQ(h_.StoreSnapshot(), before);

  // Who registers: street operators and officers for their streets, and systems.
  EXPECT_EQ(Register(NewCompound(), kOfficer1).region().street_id(), "GS01");
  EXPECT_EQ(Register(NewCompound("GS02-C01"), kSystem).region().street_id(), "GS02");
  tv1::RegisterCompoundRequest no_company = NewCompound("GS01-C02");
  no_company.mutable_compound()->clear_property_company();
  no_company.mutable_compound()->clear_address();
  EXPECT_EQ(Register(no_company).property_company(), "");
  ExpectRefused(TryRegister(kOperator2, NewCompound()), grpc::StatusCode::PERMISSION_DENIED, "");
  ExpectRefused(TryRegister(kOfficer1, NewCompound("GS02-C01")),
                grpc::StatusCode::PERMISSION_DENIED, "");
  ExpectRefused(TryRegister(kViewer, NewCompound()), grpc::StatusCode::PERMISSION_DENIED, "");
  // Names are counted in characters.
  const std::string name = Repeat("字", 200);
  EXPECT_EQ(Register(NewCompound("GS01-C02", name)).name(), name);
  ExpectInvalid(TryRegister(kOperator1, NewCompound("GS01-C02", name + "字")), "compound.name");

  using Row = Refusal<tv1::RegisterCompoundRequest>;
  ExpectRefusals<tv1::RegisterCompoundRequest>(
      h_, NewCompound(),
      {
          Row{"no request id", [](auto& q) { q.clear_request_id(); }, "request_id"},
          Row{"no name", [](auto& q) { q.mutable_compound()->clear_name(); }, "compound.name"},
          Row{"a name too long",
              [](auto& q) { q.mutable_compound()->set_name(std::string(201, 'n')); },
              "compound.name"},
          Row{"no street",
              [](auto& q) { q.mutable_compound()->mutable_region()->clear_street_id(); },
              "compound.region.street_id"},
          Row{"an unknown street",
              [](auto& q) { *q.mutable_compound()->mutable_region() = Region("GS99", "GS01-C01"); },
              "compound.region.street_id"},
          Row{"no community",
              [](auto& q) { q.mutable_compound()->mutable_region()->clear_community_id(); },
              "compound.region.community_id"},
          Row{"an unknown community",
              [](auto& q) { *q.mutable_compound()->mutable_region() = Region("GS01", "GS01-C99"); },
              "compound.region.community_id"},
          Row{"a community of another street",
              [](auto& q) { *q.mutable_compound()->mutable_region() = Region("GS01", "GS02-C01"); },
              "compound.region.community_id"},
          Row{"a grid",
              [](auto& q) {
                *q.mutable_compound()->mutable_region() =
                    Region("GS01", "GS01-C01", "GS01-C01-G01");
              },
              "compound.region.grid_id"},
          Row{"an address too long",
              [](auto& q) { q.mutable_compound()->set_address(std::string(201, 'a')); },
              "compound.address"},
          Row{"no households", [](auto& q) { q.mutable_compound()->clear_households(); },
              "compound.households"},
          Row{"too many households", [](auto& q) { q.mutable_compound()->set_households(100001); },
              "compound.households"},
          Row{"a company name too long",
              [](auto& q) { q.mutable_compound()->set_property_company(std::string(201, 'p')); },
              "compound.property_company"},
      },
      [&](const tv1::RegisterCompoundRequest& q) { return TryRegister(kOperator1, q); });
}

TEST_F(TripartiteCompoundsTest, CompoundsAreReadAndListedWithinTheCallersStreets) {
  const tv1::Compound a = Compound("GS01-C01");
  const tv1::Compound b = Compound("GS01-C02");
  const tv1::Compound c = Compound("GS02-C01");
  const tv1::Compound d = Compound("GS01-C01");
  const tv1::Compound e = Compound("GS02-C02");
  SetUp(b, "2026-04-01");

  EXPECT_EQ(Get(a.id(), kOperator1).name(), a.name());
  EXPECT_EQ(Get(c.id(), kViewer).id(), c.id());
  ExpectRefused(TryGet(kOperator1, c.id()), grpc::StatusCode::PERMISSION_DENIED, "");
  ExpectRefused(TryGet(kAdmin, "CP-000999"), grpc::StatusCode::NOT_FOUND, "");
  ExpectInvalid(TryGet(kAdmin, ""), "id");

  tv1::ListCompoundsRequest all;
  EXPECT_THAT(Ids(all), ElementsAre(a.id(), b.id(), c.id(), d.id(), e.id()));
  EXPECT_THAT(Ids(all, kOperator1), ElementsAre(a.id(), b.id(), d.id()));
  EXPECT_THAT(Ids(all, kOperator2), ElementsAre(c.id(), e.id()));
  tv1::ListCompoundsRequest street;
  *street.mutable_region() = Region("GS01");
  EXPECT_THAT(Ids(street), ElementsAre(a.id(), b.id(), d.id()));
  *street.mutable_region() = Region("GS01", "GS01-C01");
  EXPECT_THAT(Ids(street), ElementsAre(a.id(), d.id()));
  tv1::ListCompoundsRequest without;
  without.set_without_body_only(true);
  EXPECT_THAT(Ids(without), ElementsAre(a.id(), c.id(), d.id(), e.id()));
  *without.mutable_region() = Region("GS01");
  EXPECT_THAT(Ids(without, kOfficer1), ElementsAre(a.id(), d.id()));

  tv1::ListCompoundsRequest bad;
  *bad.mutable_region() = Region("GS02");
  ExpectRefused(TryList(kOperator1, bad), grpc::StatusCode::PERMISSION_DENIED, "");
  *bad.mutable_region() = Region("GS01", "GS01-C01", "GS01-C01-G01");
  ExpectInvalid(TryList(kAdmin, bad), "region.grid_id");
  *bad.mutable_region() = Region("GS99");
  ExpectInvalid(TryList(kAdmin, bad), "region.street_id");
  *bad.mutable_region() = Region("", "GS01-C01");
  ExpectInvalid(TryList(kAdmin, bad), "region.street_id");
  bad = tv1::ListCompoundsRequest();
  bad.set_page_size(-1);
  ExpectInvalid(TryList(kAdmin, bad), "page_size");

  const PageCall page = [&](int32_t size, const std::string& token, std::vector<std::string>* ids,
                            std::string* next) {
    tv1::ListCompoundsRequest request;
    request.set_page_size(size);
    request.set_page_token(token);
    tv1::ListCompoundsResponse response;
    const Outcome o = TryList(kAdmin, request, &response);
    for (const tv1::Compound& x : response.compounds()) ids->push_back(x.id());
    *next = response.next_page_token();
    return o;
  };
  EXPECT_THAT(ExpectPagesLikeEveryList(page, 5),
              ElementsAre(a.id(), b.id(), c.id(), d.id(), e.id()));
  // A token is bound to the filters and to the caller's streets.
  tv1::ListCompoundsRequest first;
  first.set_page_size(1);
  tv1::ListCompoundsResponse response;
  ASSERT_TRUE(TryList(kOperator1, first, &response).status.ok());
  ASSERT_FALSE(response.next_page_token().empty());
  tv1::ListCompoundsRequest other;
  other.set_without_body_only(true);
  other.set_page_token(response.next_page_token());
  ExpectInvalid(TryList(kOperator1, other), "page_token");
  first.set_page_token(response.next_page_token());
  ExpectInvalid(TryList(kAdmin, first), "page_token");
  EXPECT_THAT(Ids(first, kOperator1), ElementsAre(b.id()));
}

TEST_F(TripartiteCompoundsTest, TheThreePartyBodyIsSetUpOnceOnADayFromRegistrationToToday) {
  clock_.Set(Local(2026, 3, 10, 15, 0));
  const tv1::Compound c = Register(NewCompound());
  const tv1::Compound other = Register(NewCompound("GS02-C01"), kOperator2);
  clock_.Set(Local(2026, 4, 1, 9, 0));

  using Row = Refusal<tv1::SetUpThreePartyBodyRequest>;
  ExpectRefusals<tv1::SetUpThreePartyBodyRequest>(
      h_, BodyRequest(c, "2026-03-20"),
      {
          Row{"no id", [](auto& q) { q.clear_id(); }, "id"},
          Row{"no etag", [](auto& q) { q.clear_etag(); }, "etag"},
          Row{"no day", [](auto& q) { q.clear_day(); }, "day"},
          Row{"a day that is none", [](auto& q) { q.set_day("2026-02-30"); }, "day"},
          Row{"a day in the future", [](auto& q) { q.set_day("2026-04-02"); }, "day"},
          Row{"a day before the registration", [](auto& q) { q.set_day("2026-03-09"); }, "day"},
          Row{"a stale etag", [](auto& q) { q.set_etag("v7"); }, "", grpc::StatusCode::ABORTED},
          Row{"an unknown compound", [](auto& q) { q.set_id("CP-000099"); }, "",
              grpc::StatusCode::NOT_FOUND},
      },
      [&](const tv1::SetUpThreePartyBodyRequest& q) { return TrySetUp(kOperator1, q); });
  ExpectRefused(TrySetUp(kOperator1, BodyRequest(other, "2026-03-20")),
                grpc::StatusCode::PERMISSION_DENIED, "");
  ExpectRefused(TrySetUp(kSystem, BodyRequest(c, "2026-03-20")),
                grpc::StatusCode::PERMISSION_DENIED, "");
  ExpectRefused(TrySetUp(kViewer, BodyRequest(c, "2026-03-20")),
                grpc::StatusCode::PERMISSION_DENIED, "");

  // The registration day itself is a day it may be set up on.
  tv1::Compound set_up;
  const Outcome o = TrySetUp(kOfficer1, BodyRequest(c, "2026-03-10"), &set_up);
  ASSERT_TRUE(o.status.ok()) << Describe(o);
  EXPECT_TRUE(set_up.three_party_body());
  EXPECT_EQ(set_up.three_party_body_day(), "2026-03-10");
  EXPECT_EQ(set_up.etag(), "v2");
  EXPECT_EQ(FromTimestamp(set_up.update_time()), clock_.Now());
  EXPECT_EQ(Get(c.id()).three_party_body_day(), "2026-03-10");

  // Once: again, even with the current etag, is FAILED_PRECONDITION; the old etag is ABORTED.
  const std::string before = h_.StoreSnapshot();
  ExpectRefused(TrySetUp(kOperator1, BodyRequest(set_up, "2026-03-20")),
                grpc::StatusCode::FAILED_PRECONDITION, "");
  ExpectRefused(TrySetUp(kOperator1, BodyRequest(c, "2026-03-20")), grpc::StatusCode::ABORTED, "");
  EXPECT_EQ(h_.StoreSnapshot(), before);
  tv1::ListCompoundsRequest without;
  without.set_without_body_only(true);
  EXPECT_THAT(Ids(without), ElementsAre(other.id()));
}

TEST_F(TripartiteCompoundsTest, ACompoundShowsItsCommitteesAndItsLastFeeColourOnRead) {
  const tv1::Compound c = Compound();
  const tv1::Compound quiet = Compound("GS01-C02");
  tv1::Compound read = Get(c.id());
  EXPECT_EQ(read.owners_committee(), tv1::COMMITTEE_STANDING_UNSPECIFIED);
  EXPECT_EQ(read.supervisory_committee(), tv1::COMMITTEE_STANDING_UNSPECIFIED);

  // An owners' committee applied for is forming; a supervisory committee withdrawn shows none.
  const std::string owners = Committee(c, tv1::COMMITTEE_TYPE_OWNERS);
  const std::string withdrawn = Committee(c, tv1::COMMITTEE_TYPE_SUPERVISORY, {kWithdraw});
  read = Get(c.id());
  EXPECT_EQ(read.owners_committee(), tv1::COMMITTEE_STANDING_FORMING);
  EXPECT_EQ(read.owners_committee_id(), owners);
  EXPECT_EQ(read.supervisory_committee(), tv1::COMMITTEE_STANDING_UNSPECIFIED);
  EXPECT_EQ(read.supervisory_committee_id(), "");

  // A supervisory committee filed; the owners' elected (still forming).
  const std::string supervisory =
      Committee(c, tv1::COMMITTEE_TYPE_SUPERVISORY, {kFormGroup, kElect, kFile});
  const auto engine = track().engine(kCommitteeTrack);
  ASSERT_NE(engine, nullptr);
  absl::StatusOr<cases::Case> now = engine->Get(Admin(), owners, false);
  ASSERT_TRUE(now.ok());
  ASSERT_TRUE(engine->Transition(Admin(), kFormGroup, owners, now->etag(), "").ok());
  read = Get(c.id(), kViewer);
  EXPECT_EQ(read.owners_committee(), tv1::COMMITTEE_STANDING_FORMING);
  EXPECT_EQ(read.owners_committee_id(), owners);
  EXPECT_EQ(read.supervisory_committee(), tv1::COMMITTEE_STANDING_FILED);
  EXPECT_EQ(read.supervisory_committee_id(), supervisory);
  EXPECT_NE(supervisory, withdrawn);

  // The last fee record's colour and month: the latest month, whatever the order recorded.
  FeeRecord(c, "2026-02", gv1::COLOUR_GREEN);
  FeeRecord(c, "2026-03", gv1::COLOUR_YELLOW);
  FeeRecord(c, "2026-01", gv1::COLOUR_RED);
  read = Get(c.id());
  EXPECT_EQ(read.fee_colour(), gv1::COLOUR_YELLOW);
  EXPECT_EQ(read.fee_month(), "2026-03");

  // Lists show the same, each compound its own.
  tv1::ListCompoundsResponse listed;
  ASSERT_TRUE(TryList(kOperator1, tv1::ListCompoundsRequest(), &listed).status.ok());
  ASSERT_EQ(listed.compounds_size(), 2);
  EXPECT_EQ(listed.compounds(0).owners_committee_id(), owners);
  EXPECT_EQ(listed.compounds(0).supervisory_committee(), tv1::COMMITTEE_STANDING_FILED);
  EXPECT_EQ(listed.compounds(0).fee_colour(), gv1::COLOUR_YELLOW);
  EXPECT_EQ(listed.compounds(1).id(), quiet.id());
  EXPECT_EQ(listed.compounds(1).owners_committee(), tv1::COMMITTEE_STANDING_UNSPECIFIED);
  EXPECT_EQ(listed.compounds(1).fee_colour(), gv1::COLOUR_UNSPECIFIED);
  EXPECT_EQ(listed.compounds(1).fee_month(), "");
}

TEST_F(TripartiteCompoundsTest, ADeliberationSessionIsAboutACompoundOfItsStreet) {
  const tv1::Compound c = Compound("GS01-C01");
  const tv1::Compound elsewhere = Compound("GS02-C01");
  const auto session = [&](const std::string& subject, const std::string& token = kOperator1) {
    gv1::CreateMeetingRequest request;
    request.set_request_id(Rid());
    gv1::Meeting* m = request.mutable_meeting();
    m->set_kind(kDeliberation);
    *m->mutable_hold_time() = ToTimestamp(clock_.Now() - absl::Hours(1));
    *m->mutable_region() = Region("GS01");
    m->set_title("小区停车专题议事");
    m->add_units_present("和睦社区党委");
    m->add_topics("停车位分配");
    m->set_subject_id(subject);
    for (const char* party : {kPartyBranch, kOwners, kPropertyCompany}) {
      gv1::Participant* p = m->add_participants();
      p->set_party(party);
      p->set_unit("和睦花园");
      p->set_name("张某");
    }
    gv1::CreateMeetingResponse response;
    return Rpc(token, [&](grpc::ClientContext* ctx) {
      return meetings_->CreateMeeting(ctx, request, &response);
    });
  };
  const Outcome ok = session(c.id());
  EXPECT_TRUE(ok.status.ok()) << Describe(ok);
  ExpectInvalid(session("CP-000099"), "meeting.subject_id");
  ExpectInvalid(session(""), "meeting.subject_id");
  // Another street's compound: not the meeting's street's (the operator of GS01 may not see it
  // either; district_admin, who may, is told it is of another street).
  ExpectRefused(session(elsewhere.id()), grpc::StatusCode::PERMISSION_DENIED, "");
  ExpectInvalid(session(elsewhere.id(), kAdmin), "meeting.subject_id");
  const Outcome admin = session(c.id(), kAdmin);
  EXPECT_TRUE(admin.status.ok()) << Describe(admin);
}

// ---- The hub ----

TEST_F(TripartiteCompoundsTest, AHubActivityIsRecordedOnceWithItsTrainees) {
  const tv1::Compound a = Compound("GS01-C01");
  const tv1::Compound b = Compound("GS01-C02");
  const tv1::Compound far = Compound("GS02-C01");
  const absl::Time held = Local(2026, 3, 14, 14, 0);
  const tv1::RecordHubActivityRequest valid =
      NewActivity(tv1::HUB_SERVICE_TRAINING, "GS01", held, {a.id(), b.id()},
                  {Trainee("张建国", tv1::TRAINEE_ROLE_CHAIR, a.id()),
                   Trainee("李秀英", tv1::TRAINEE_ROLE_MEMBER, b.id()),
                   Trainee("王志强", tv1::TRAINEE_ROLE_BACKBONE, "")});

  using Row = Refusal<tv1::RecordHubActivityRequest>;
  const auto trainee = [](auto& q, int i) { return q.mutable_activity()->mutable_trainees(i); };
  ExpectRefusals<tv1::RecordHubActivityRequest>(
      h_, valid,
      {
          Row{"no request id", [](auto& q) { q.clear_request_id(); }, "request_id"},
          Row{"no service", [](auto& q) { q.mutable_activity()->clear_service(); },
              "activity.service"},
          Row{"a service that is none",
              [](auto& q) { q.mutable_activity()->set_service(static_cast<tv1::HubService>(99)); },
              "activity.service"},
          Row{"no time held", [](auto& q) { q.mutable_activity()->clear_held_time(); },
              "activity.held_time"},
          Row{"a time in the future",
              [&](auto& q) {
                *q.mutable_activity()->mutable_held_time() =
                    ToTimestamp(clock_.Now() + absl::Hours(1));
              },
              "activity.held_time"},
          Row{"a community",
              [](auto& q) { *q.mutable_activity()->mutable_region() = Region("GS01", "GS01-C01"); },
              "activity.region.community_id"},
          Row{"a grid",
              [](auto& q) { q.mutable_activity()->mutable_region()->set_grid_id("GS01-C01-G01"); },
              "activity.region.grid_id"},
          Row{"an unknown street",
              [](auto& q) { *q.mutable_activity()->mutable_region() = Region("GS99"); },
              "activity.region.street_id"},
          Row{"no title", [](auto& q) { q.mutable_activity()->clear_title(); }, "activity.title"},
          Row{"a title too long",
              [](auto& q) { q.mutable_activity()->set_title(std::string(201, 't')); },
              "activity.title"},
          Row{"51 compounds",
              [](auto& q) {
                q.mutable_activity()->clear_compound_ids();
                for (int i = 0; i < 51; ++i) {
                  q.mutable_activity()->add_compound_ids(absl::StrCat("CP-", 100 + i));
                }
              },
              "activity.compound_ids"},
          Row{"a compound twice", [&](auto& q) { q.mutable_activity()->add_compound_ids(a.id()); },
              "activity.compound_ids[2]"},
          Row{"an unknown compound",
              [](auto& q) { q.mutable_activity()->set_compound_ids(1, "CP-000099"); },
              "activity.compound_ids[1]"},
          Row{"a compound of a street outside the caller's",
              [&](auto& q) { q.mutable_activity()->set_compound_ids(0, far.id()); }, "",
              grpc::StatusCode::PERMISSION_DENIED},
          Row{"a negative attendance", [](auto& q) { q.mutable_activity()->set_attendance(-1); },
              "activity.attendance"},
          Row{"an attendance too large",
              [](auto& q) { q.mutable_activity()->set_attendance(100001); }, "activity.attendance"},
          Row{"a training without trainees",
              [](auto& q) { q.mutable_activity()->clear_trainees(); }, "activity.trainees"},
          Row{"trainees of a reception",
              [](auto& q) { q.mutable_activity()->set_service(tv1::HUB_SERVICE_RECEPTION); },
              "activity.trainees"},
          Row{"a trainee without a name", [&](auto& q) { trainee(q, 1)->clear_name(); },
              "activity.trainees[1].name"},
          Row{"a trainee's name too long",
              [&](auto& q) { trainee(q, 0)->set_name(Repeat("名", 51)); },
              "activity.trainees[0].name"},
          Row{"a trainee without a role", [&](auto& q) { trainee(q, 2)->clear_role(); },
              "activity.trainees[2].role"},
          Row{"a chair without a compound", [&](auto& q) { trainee(q, 0)->clear_compound_id(); },
              "activity.trainees[0].compound_id"},
          Row{"a trainee twice",
              [&](auto& q) {
                *q.mutable_activity()->add_trainees() =
                    Trainee("张建国", tv1::TRAINEE_ROLE_MEMBER, a.id());
              },
              "activity.trainees[3].name"},
          Row{"a trainee of an unknown compound",
              [&](auto& q) { trainee(q, 1)->set_compound_id("CP-000099"); },
              "activity.trainees[1].compound_id"},
          Row{"a trainee of a compound of a street outside the caller's",
              [&](auto& q) { trainee(q, 2)->set_compound_id(far.id()); }, "",
              grpc::StatusCode::PERMISSION_DENIED},
          Row{"a note too long",
              [](auto& q) { q.mutable_activity()->set_note(std::string(2001, 'n')); },
              "activity.note"},
          Row{"another street's activity",
              [](auto& q) {
                *q.mutable_activity()->mutable_region() = Region("GS02");
                q.mutable_activity()->clear_compound_ids();
                q.mutable_activity()->clear_trainees();
                q.mutable_activity()->set_service(tv1::HUB_SERVICE_RECEPTION);
              },
              "", grpc::StatusCode::PERMISSION_DENIED},
          Row{"a district activity", [](auto& q) { q.mutable_activity()->clear_region(); }, "",
              grpc::StatusCode::PERMISSION_DENIED},
      },
      [&](const tv1::RecordHubActivityRequest& q) { return TryRecord(kOperator1, q); });
  ExpectRefused(TryRecord(kViewer, valid), grpc::StatusCode::PERMISSION_DENIED, "");
  // district_admin sees every street: another street's compound is named as such.
  tv1::RecordHubActivityRequest elsewhere = valid;
  elsewhere.mutable_activity()->set_compound_ids(1, far.id());
  ExpectInvalid(TryRecord(kAdmin, elsewhere), "activity.compound_ids[1]");
  elsewhere = valid;
  elsewhere.mutable_activity()->mutable_trainees(2)->set_compound_id(far.id());
  ExpectInvalid(TryRecord(kAdmin, elsewhere), "activity.trainees[2].compound_id");

  tv1::RecordHubActivityRequest request = valid;
  request.mutable_activity()->set_attendance(42);
  const tv1::HubActivity recorded = Record(request, kOfficer1);
  EXPECT_EQ(recorded.id(), "HA-000001");
  EXPECT_EQ(recorded.service(), tv1::HUB_SERVICE_TRAINING);
  EXPECT_EQ(FromTimestamp(recorded.held_time()), held);
  EXPECT_EQ(recorded.region().street_id(), "GS01");
  EXPECT_THAT(recorded.compound_ids(), ElementsAre(a.id(), b.id()));
  EXPECT_EQ(recorded.attendance(), 42);
  ASSERT_EQ(recorded.trainees_size(), 3);
  EXPECT_EQ(recorded.trainees(0).name(), "张建国");
  EXPECT_EQ(FromTimestamp(recorded.create_time()), clock_.Now());
  // A retry is the same activity; the request id with another is refused.
  const std::string before = h_.StoreSnapshot();
  EXPECT_EQ(Record(request, kOperator1).id(), recorded.id());
  EXPECT_EQ(h_.StoreSnapshot(), before);
  tv1::RecordHubActivityRequest other = request;
  other.mutable_activity()->set_attendance(43);
  ExpectRefused(TryRecord(kOperator1, other), grpc::StatusCode::ALREADY_EXISTS, "");

  // A district activity is district_admin's, about compounds of any street.
  tv1::RecordHubActivityRequest district =
      NewActivity(tv1::HUB_SERVICE_TRAINING, "", held, {a.id(), far.id()},
                  {Trainee("赵卫东", tv1::TRAINEE_ROLE_CHAIR, far.id())});
  const tv1::HubActivity whole = Record(district, kAdmin);
  EXPECT_FALSE(whole.has_region());

  // Trainees' names to the roles that see personal data.
  tv1::HubActivity read;
  ASSERT_TRUE(TryGetActivity(kOperator1, recorded.id(), &read).status.ok());
  EXPECT_EQ(read.trainees(1).name(), "李秀英");
  ASSERT_TRUE(TryGetActivity(kOfficer1, recorded.id(), &read).status.ok());
  EXPECT_EQ(read.trainees(1).name(), "李秀英");
  ASSERT_TRUE(TryGetActivity(kViewer, recorded.id(), &read).status.ok());
  ASSERT_EQ(read.trainees_size(), 3);
  EXPECT_EQ(read.trainees(1).name(), "");
  EXPECT_EQ(read.trainees(1).role(), tv1::TRAINEE_ROLE_MEMBER);
  EXPECT_EQ(read.trainees(1).compound_id(), b.id());
  // District activities are every caller's; another street's are not.
  ASSERT_TRUE(TryGetActivity(kOperator2, whole.id(), &read).status.ok());
  EXPECT_EQ(read.trainees(0).name(), "赵卫东");
  ExpectRefused(TryGetActivity(kOperator2, recorded.id()), grpc::StatusCode::PERMISSION_DENIED, "");
  tv1::ListHubActivitiesResponse listed;
  ASSERT_TRUE(TryListActivities(kViewer, tv1::ListHubActivitiesRequest(), &listed).status.ok());
  ASSERT_EQ(listed.activities_size(), 2);
  for (const tv1::HubActivity& x : listed.activities()) {
    for (const tv1::Trainee& t : x.trainees()) EXPECT_EQ(t.name(), "");
  }
}

TEST_F(TripartiteCompoundsTest, HubActivitiesAreListedNewestFirstByServiceYearAndStreet) {
  const tv1::Compound a = Compound("GS01-C01");
  const tv1::Compound far = Compound("GS02-C01");
  const tv1::HubActivity r1 =
      Record(NewActivity(tv1::HUB_SERVICE_RECEPTION, "GS01", Local(2026, 2, 1, 10, 0)));
  const tv1::HubActivity t1 =
      Record(NewActivity(tv1::HUB_SERVICE_TRAINING, "", Local(2026, 3, 1, 10, 0), {},
                         {Trainee("张建国", tv1::TRAINEE_ROLE_CHAIR, a.id())}));
  const tv1::HubActivity g2 =
      Record(NewActivity(tv1::HUB_SERVICE_GUIDANCE, "GS02", Local(2026, 1, 5, 10, 0), {far.id()}));
  const tv1::HubActivity r0 =
      Record(NewActivity(tv1::HUB_SERVICE_RECEPTION, "GS01", Local(2025, 11, 3, 10, 0)));
  const tv1::HubActivity c1 =
      Record(NewActivity(tv1::HUB_SERVICE_COORDINATION, "GS01", Local(2026, 3, 20, 10, 0)));

  tv1::ListHubActivitiesRequest all;
  EXPECT_THAT(ActivityIds(all), ElementsAre(c1.id(), t1.id(), r1.id(), g2.id(), r0.id()));
  EXPECT_THAT(ActivityIds(all, kOperator1), ElementsAre(c1.id(), t1.id(), r1.id(), r0.id()));
  EXPECT_THAT(ActivityIds(all, kOperator2), ElementsAre(t1.id(), g2.id()));
  tv1::ListHubActivitiesRequest filtered;
  filtered.set_service(tv1::HUB_SERVICE_RECEPTION);
  EXPECT_THAT(ActivityIds(filtered), ElementsAre(r1.id(), r0.id()));
  filtered.set_year(2026);
  EXPECT_THAT(ActivityIds(filtered), ElementsAre(r1.id()));
  filtered.clear_service();
  filtered.set_street_id("GS01");
  EXPECT_THAT(ActivityIds(filtered), ElementsAre(c1.id(), r1.id()));
  filtered.set_year(2024);
  EXPECT_THAT(ActivityIds(filtered), IsEmpty());

  tv1::ListHubActivitiesRequest bad;
  bad.set_street_id("GS02");
  ExpectRefused(TryListActivities(kOperator1, bad), grpc::StatusCode::PERMISSION_DENIED, "");
  bad.set_street_id("GS99");
  ExpectInvalid(TryListActivities(kAdmin, bad), "street_id");
  bad = tv1::ListHubActivitiesRequest();
  bad.set_year(1999);
  ExpectInvalid(TryListActivities(kAdmin, bad), "year");
  bad = tv1::ListHubActivitiesRequest();
  bad.set_service(static_cast<tv1::HubService>(99));
  ExpectInvalid(TryListActivities(kAdmin, bad), "service");

  // Pages, newest first; a token is bound to the filters and the caller's streets.
  std::vector<std::string> paged;
  std::string token;
  do {
    tv1::ListHubActivitiesRequest request;
    request.set_page_size(2);
    request.set_page_token(token);
    tv1::ListHubActivitiesResponse response;
    ASSERT_TRUE(TryListActivities(kAdmin, request, &response).status.ok());
    for (const tv1::HubActivity& x : response.activities()) paged.push_back(x.id());
    token = response.next_page_token();
  } while (!token.empty());
  EXPECT_THAT(paged, ElementsAre(c1.id(), t1.id(), r1.id(), g2.id(), r0.id()));
  tv1::ListHubActivitiesRequest first;
  first.set_page_size(1);
  tv1::ListHubActivitiesResponse response;
  ASSERT_TRUE(TryListActivities(kAdmin, first, &response).status.ok());
  tv1::ListHubActivitiesRequest other;
  other.set_year(2026);
  other.set_page_token(response.next_page_token());
  ExpectInvalid(TryListActivities(kAdmin, other), "page_token");
  first.set_page_token(response.next_page_token());
  ExpectInvalid(TryListActivities(kOperator1, first), "page_token");
}

// ---- Highlights ----

TEST_F(TripartiteCompoundsTest, AStreetHasOneHighlightAYear) {
  const tv1::Compound a = Compound("GS01-C01");
  const tv1::Compound far = Compound("GS02-C01");
  using Row = Refusal<tv1::DesignateHighlightRequest>;
  ExpectRefusals<tv1::DesignateHighlightRequest>(
      h_, NewHighlight("GS01", 2026, {a.id()}),
      {
          Row{"no request id", [](auto& q) { q.clear_request_id(); }, "request_id"},
          Row{"no street", [](auto& q) { q.mutable_highlight()->clear_street_id(); },
              "highlight.street_id"},
          Row{"an unknown street", [](auto& q) { q.mutable_highlight()->set_street_id("GS99"); },
              "highlight.street_id"},
          Row{"no year", [](auto& q) { q.mutable_highlight()->clear_year(); }, "highlight.year"},
          Row{"a year after this one", [](auto& q) { q.mutable_highlight()->set_year(2027); },
              "highlight.year"},
          Row{"no name", [](auto& q) { q.mutable_highlight()->clear_name(); }, "highlight.name"},
          Row{"no description", [](auto& q) { q.mutable_highlight()->clear_description(); },
              "highlight.description"},
          Row{"a description too long",
              [](auto& q) { q.mutable_highlight()->set_description(std::string(2001, 'd')); },
              "highlight.description"},
          Row{"a compound twice", [&](auto& q) { q.mutable_highlight()->add_compound_ids(a.id()); },
              "highlight.compound_ids[1]"},
          Row{"an unknown compound",
              [](auto& q) { q.mutable_highlight()->set_compound_ids(0, "CP-000099"); },
              "highlight.compound_ids[0]"},
          Row{"a compound of another street",
              [&](auto& q) { q.mutable_highlight()->set_compound_ids(0, far.id()); },
              "highlight.compound_ids[0]"},
      },
      [&](const tv1::DesignateHighlightRequest& q) { return TryDesignate(kAdmin, q); });
  ExpectRefused(TryDesignate(kOperator1, NewHighlight("GS01", 2026)),
                grpc::StatusCode::PERMISSION_DENIED, "");

  clock_.Set(Local(2026, 3, 5, 10, 0));
  const tv1::DesignateHighlightRequest request = NewHighlight("GS01", 2026, {a.id()});
  const tv1::Highlight h = Designate(request);
  EXPECT_EQ(h.id(), "HL-000001");
  EXPECT_EQ(h.street_id(), "GS01");
  EXPECT_EQ(h.year(), 2026);
  EXPECT_THAT(h.compound_ids(), ElementsAre(a.id()));
  EXPECT_EQ(h.designated_day(), "2026-03-05");

  // A retry, another day, is the same highlight; another of the street and year is refused,
  // naming the one on record.
  clock_.Set(Local(2026, 4, 1, 9, 0));
  const std::string before = h_.StoreSnapshot();
  const tv1::Highlight again = Designate(request);
  EXPECT_EQ(again.id(), h.id());
  EXPECT_EQ(again.designated_day(), "2026-03-05");
  tv1::DesignateHighlightRequest second = NewHighlight("GS01", 2026);
  second.mutable_highlight()->set_name("楼道微治理");
  const Outcome refused = TryDesignate(kAdmin, second);
  ExpectRefused(refused, grpc::StatusCode::ALREADY_EXISTS, "highlight.year");
  EXPECT_THAT(refused.status.error_message(), ::testing::HasSubstr(h.id()));
  EXPECT_EQ(h_.StoreSnapshot(), before);

  // Another year, another street.
  const tv1::Highlight last_year = Designate(NewHighlight("GS01", 2025));
  const tv1::Highlight gs02 = Designate(NewHighlight("GS02", 2026, {far.id()}));

  // Every caller reads every street's.
  tv1::GetHighlightRequest get;
  get.set_id(gs02.id());
  tv1::GetHighlightResponse got;
  const Outcome read =
      Rpc(kOperator1, [&](grpc::ClientContext* c) { return stub_->GetHighlight(c, get, &got); });
  EXPECT_TRUE(read.status.ok()) << Describe(read);
  EXPECT_EQ(got.highlight().street_id(), "GS02");
  EXPECT_THAT(HighlightIds(tv1::ListHighlightsRequest(), kViewer),
              ElementsAre(h.id(), last_year.id(), gs02.id()));
  tv1::ListHighlightsRequest of_year;
  of_year.set_year(2026);
  EXPECT_THAT(HighlightIds(of_year, kOperator1), ElementsAre(h.id(), gs02.id()));
  const PageCall page = [&](int32_t size, const std::string& token, std::vector<std::string>* ids,
                            std::string* next) {
    tv1::ListHighlightsRequest request;
    request.set_page_size(size);
    request.set_page_token(token);
    tv1::ListHighlightsResponse response;
    const Outcome o = Rpc(kAdmin, [&](grpc::ClientContext* c) {
      return stub_->ListHighlights(c, request, &response);
    });
    for (const tv1::Highlight& x : response.highlights()) ids->push_back(x.id());
    *next = response.next_page_token();
    return o;
  };
  const tv1::Highlight gs03 = Designate(NewHighlight("GS03", 2026));
  EXPECT_THAT(ExpectPagesLikeEveryList(page, 4),
              ElementsAre(h.id(), last_year.id(), gs02.id(), gs03.id()));
}

// ---- Indicators ----

TEST_F(TripartiteCompoundsTest, TheIndicatorsCountCompoundsTraineesAndHighlights) {
  // Compounds: A and B registered in January, C (GS02) in February, D in March; bodies set up
  // for A in February, B and D in March.
  clock_.Set(Local(2026, 1, 10, 10, 0));
  const tv1::Compound a = Compound("GS01-C01");
  const tv1::Compound b = Compound("GS01-C02");
  clock_.Set(Local(2026, 2, 20, 10, 0));
  const tv1::Compound c = Compound("GS02-C01");
  SetUp(a, "2026-02-01");
  clock_.Set(Local(2026, 3, 20, 10, 0));
  const tv1::Compound d = Compound("GS01-C01");
  clock_.Set(Local(2026, 4, 1, 9, 0));
  SetUp(b, "2026-03-15");
  SetUp(Get(d.id()), "2026-03-25");

  EXPECT_FALSE(Indicator("three_party_coverage", Month(2025, 12)).has_data());
  EXPECT_EQ(Value("three_party_coverage", Month(2026, 1)), 0);
  EXPECT_EQ(Value("three_party_coverage", Month(2026, 2)), 3333);
  EXPECT_EQ(Value("three_party_coverage", Month(2026, 3)), 7500);
  EXPECT_EQ(Value("three_party_coverage", Year(2026)), 7500);
  EXPECT_EQ(Value("three_party_coverage", Month(2026, 3), Region("GS01")), 10000);
  EXPECT_EQ(Value("three_party_coverage", Month(2026, 3), Region("GS02")), 0);
  EXPECT_EQ(Value("three_party_coverage", Month(2026, 2), Region("GS01", "GS01-C01")), 10000);
  EXPECT_EQ(Indicator("three_party_coverage", Year(2026)).target(), 10000);

  // Trainings: the district's in February (three people), GS01's in March (one of them again,
  // a namesake of another compound and one more), the district's of last December (one); and a
  // reception in March.
  Record(NewActivity(tv1::HUB_SERVICE_TRAINING, "", Local(2026, 2, 10, 14, 0), {},
                     {Trainee("张三", tv1::TRAINEE_ROLE_CHAIR, a.id()),
                      Trainee("李四", tv1::TRAINEE_ROLE_MEMBER, a.id()),
                      Trainee("王五", tv1::TRAINEE_ROLE_BACKBONE, "")}));
  Record(NewActivity(tv1::HUB_SERVICE_TRAINING, "GS01", Local(2026, 3, 5, 14, 0), {},
                     {Trainee("张三", tv1::TRAINEE_ROLE_CHAIR, a.id()),
                      Trainee("张三", tv1::TRAINEE_ROLE_MEMBER, b.id()),
                      Trainee("赵六", tv1::TRAINEE_ROLE_BACKBONE, b.id())}));
  Record(NewActivity(tv1::HUB_SERVICE_TRAINING, "", Local(2025, 12, 20, 14, 0), {},
                     {Trainee("孙七", tv1::TRAINEE_ROLE_CHAIR, c.id())}));
  Record(NewActivity(tv1::HUB_SERVICE_RECEPTION, "GS02", Local(2026, 3, 9, 9, 0), {c.id()}));

  EXPECT_EQ(Value("members_trained", Year(2026)), 5);
  EXPECT_EQ(Value("members_trained", Month(2026, 2)), 3);
  EXPECT_EQ(Value("members_trained", Month(2026, 3)), 3);
  EXPECT_EQ(Value("members_trained", Year(2025)), 1);
  EXPECT_EQ(Value("members_trained", Year(2026), Region("GS01")), 3);
  EXPECT_EQ(Value("members_trained", Year(2026), Region("GS02")), 0);
  EXPECT_EQ(Indicator("members_trained", Year(2026)).target(), 30);
  EXPECT_EQ(Value("hub_activities", Year(2026)), 3);
  EXPECT_EQ(Value("hub_activities", Month(2026, 3)), 2);
  EXPECT_EQ(Value("hub_activities", Month(2026, 3), Region("GS02")), 1);
  EXPECT_EQ(Value("hub_activities", Year(2025)), 1);
  EXPECT_EQ(Indicator("hub_activities", Year(2026)).target_kind(), gv1::TARGET_KIND_UNSPECIFIED);

  // Highlights: GS01's of 2026 designated in February, GS02's in March; GS03's of 2025
  // designated in January 2026, after its year.
  clock_.Set(Local(2026, 1, 5, 10, 0));
  Designate(NewHighlight("GS03", 2025));
  clock_.Set(Local(2026, 2, 1, 10, 0));
  Designate(NewHighlight("GS01", 2026));
  clock_.Set(Local(2026, 3, 10, 10, 0));
  Designate(NewHighlight("GS02", 2026));
  clock_.Set(Local(2026, 4, 1, 9, 0));
  EXPECT_EQ(Value("highlights", Year(2026)), 2);
  EXPECT_EQ(Value("highlights", Month(2026, 1)), 0);
  EXPECT_EQ(Value("highlights", Month(2026, 2)), 1);
  EXPECT_EQ(Value("highlights", Month(2026, 3)), 2);
  EXPECT_EQ(Value("highlights", Year(2025)), 0);
  EXPECT_EQ(Value("highlights", Year(2026), Region("GS02")), 1);
  EXPECT_EQ(Indicator("highlights", Year(2026)).target(), 10);
}

// ---- Demo data ----

TEST_F(TripartiteCompoundsTest, TheDemoHasCompoundsActivitiesAndHighlightsOfThisYear) {
  server::TrackDeps deps;
  deps.repo = &h_.repo();
  deps.cache = &h_.cache();
  deps.regions = &h_.regions();
  deps.calendar = &h_.calendar();
  deps.clock = &clock_;
  const absl::Status loaded = LoadCompoundDemo(deps, track().rules());
  ASSERT_TRUE(loaded.ok()) << loaded;
  // Once: with compounds in the store, another load does nothing.
  const std::string before = h_.StoreSnapshot();
  ASSERT_TRUE(LoadCompoundDemo(deps, track().rules()).ok());
  EXPECT_EQ(h_.StoreSnapshot(), before);

  // Compounds in every community, most with a body set up over the last year.
  std::map<std::string, int> per_community;
  int compounds = 0;
  int with_body = 0;
  std::string token;
  do {
    tv1::ListCompoundsRequest request;
    request.set_page_size(500);
    request.set_page_token(token);
    tv1::ListCompoundsResponse response;
    ASSERT_TRUE(TryList(kAdmin, request, &response).status.ok());
    for (const tv1::Compound& c : response.compounds()) {
      if (compounds == 0) {
        EXPECT_EQ(c.id(), "CP-000001");
      }
      ++compounds;
      ++per_community[c.region().community_id()];
      if (!c.three_party_body()) continue;
      ++with_body;
      EXPECT_GE(c.three_party_body_day(), "2025-04-01");
      EXPECT_LT(c.three_party_body_day(), "2026-04-01");
    }
    token = response.next_page_token();
  } while (!token.empty());
  EXPECT_EQ(static_cast<int>(per_community.size()), h_.regions().community_count());
  EXPECT_GE(compounds, 200);
  EXPECT_LE(compounds, 400);
  EXPECT_GT(with_body, compounds * 8 / 10);
  EXPECT_LT(with_body, compounds);

  // The hub's activities over the last year, this year's trainings among them.
  tv1::ListHubActivitiesRequest trainings;
  trainings.set_service(tv1::HUB_SERVICE_TRAINING);
  trainings.set_year(2026);
  trainings.set_page_size(500);
  EXPECT_GE(ActivityIds(trainings).size(), 3u);
  tv1::ListHubActivitiesRequest all;
  all.set_page_size(500);
  EXPECT_GE(ActivityIds(all).size(), 150u);

  const int64_t coverage = Value("three_party_coverage", Year(2026));
  EXPECT_GT(coverage, 8000);
  EXPECT_LT(coverage, 10000);
  EXPECT_GT(Value("members_trained", Year(2026)), 30);
  EXPECT_EQ(Value("highlights", Year(2026)), 10);
  EXPECT_EQ(Value("highlights", Year(2025)), h_.regions().street_count());
  EXPECT_GT(Value("hub_activities", Year(2026)), 30);
  EXPECT_EQ(Indicator("members_trained", Year(2026)).colour(), gv1::COLOUR_GREEN);
  EXPECT_EQ(Indicator("highlights", Year(2026)).colour(), gv1::COLOUR_GREEN);
}

}  // namespace
}  // namespace gov::tripartite
