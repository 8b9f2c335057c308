// Complaints (乱象治理) end to end: the real disorder track behind the real server over gRPC on
// loopback, on a SQLite file and a real redis-server, with the rules of data/disorder.json and a
// fake clock starting at Monday 1 June 2026 10:00 in the district's time zone. SLA clocks run on
// the fake clock; the breach scan is run by hand.

#include <algorithm>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/auth/auth.h"
#include "common/clock/clock.h"
#include "common/util/proto.h"
#include "gmock/gmock.h"
#include "governance/disorder/v1/disorder.grpc.pb.h"
#include "governance/v1/indicators.grpc.pb.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "services/disorder/complaint_spec.h"
#include "services/disorder/control_points.h"
#include "services/disorder/track.h"
#include "tests/support/metrics.h"
#include "tests/support/test_support.h"
#include "tests/support/track_harness.h"

namespace gov::disorder {
namespace {

namespace gv1 = ::governance::v1;
using dv1::DisorderService;
using gov::testing::Describe;
using gov::testing::ExpectInvalid;
using gov::testing::ExpectPagesLikeEveryList;
using gov::testing::Local;
using gov::testing::Outcome;
using gov::testing::PageCall;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kAdmin[] = "tok-admin";
constexpr char kHotline[] = "tok-hotline";
constexpr char kOperator3[] = "tok-operator-gs03";
constexpr char kOperator1[] = "tok-operator-gs01";
constexpr char kMediator3[] = "tok-mediator-gs03";
constexpr char kViewer[] = "tok-viewer";
// A role of another track, which the disorder track does not know.
constexpr char kInspector3[] = "tok-inspector-gs03";

constexpr dv1::ComplaintCategory kNoise = dv1::COMPLAINT_CATEGORY_NOISE;
constexpr dv1::ComplaintCategory kPrepaid = dv1::COMPLAINT_CATEGORY_PREPAID_CARD;
constexpr dv1::ComplaintCategory kHealth = dv1::COMPLAINT_CATEGORY_HEALTH_SUPPLEMENT;
constexpr dv1::ComplaintCategory kStalls = dv1::COMPLAINT_CATEGORY_MOBILE_STALL;

// Metres of latitude per degree on the mean Earth radius (6,371,008.8 m).
constexpr double kMetresPerDegree = 111195.08;

dv1::Complaint NewComplaint(dv1::ComplaintCategory category, const std::string& street,
                            const std::string& community = "", const std::string& grid = "") {
  dv1::Complaint c;
  c.set_category(category);
  c.set_channel(dv1::CHANNEL_HOTLINE);
  c.mutable_region()->set_street_id(street);
  c.mutable_region()->set_community_id(community);
  c.mutable_region()->set_grid_id(grid);
  c.set_address("和睦路 1 号");
  c.set_description("楼下商铺夜间噪声扰民（测试）");
  return c;
}

dv1::Complaint Located(dv1::Complaint c, double latitude, double longitude) {
  c.mutable_location()->set_latitude(latitude);
  c.mutable_location()->set_longitude(longitude);
  return c;
}

dv1::Complaint WithReporter(dv1::Complaint c) {
  c.mutable_reporter()->set_name("王先生");
  c.mutable_reporter()->set_phone("+86 138-0000-1234");
  return c;
}

std::string Repeat(const std::string& unit, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += unit;
  return out;
}

std::vector<std::string> Actions(const dv1::Complaint& c) {
  std::vector<std::string> out;
  for (const gv1::CaseEvent& e : c.history()) out.push_back(e.action());
  return out;
}

std::vector<std::string> Ids(const std::vector<dv1::Complaint>& complaints) {
  std::vector<std::string> out;
  for (const dv1::Complaint& c : complaints) out.push_back(c.id());
  return out;
}

class DisorderTest : public ::testing::Test {
 protected:
  DisorderTest() : clock_(Local(2026, 6, 1, 10, 0)) {}

  void SetUp() override {
    absl::Status started = h_.Start(track::Factory<DisorderTrack>("disorder"));
    ASSERT_TRUE(started.ok()) << started;
    stub_ = DisorderService::NewStub(h_.channel());
    indicators_ = gv1::IndicatorsService::NewStub(h_.channel());
  }

  static std::vector<gov::testing::TestToken> Tokens() {
    return {
        {kAdmin, "admin", auth::kDistrictAdmin, {}},
        {kHotline, "hotline-12345", auth::kSystem, {}},
        {kOperator3, "operator-gs03", auth::kStreetOperator, {"GS03"}},
        {kOperator1, "operator-gs01", auth::kStreetOperator, {"GS01"}},
        {kMediator3, "mediator-gs03", "mediator", {"GS03"}},
        {kViewer, "viewer", auth::kViewer, {}},
        {kInspector3, "inspector-gs03", "inspector", {"GS03"}},
    };
  }

  DisorderTrack& track() { return static_cast<DisorderTrack&>(h_.track()); }
  const Rules& rules() { return track().rules(); }
  absl::Time Due(const cal::Sla& sla, absl::Time start) {
    return h_.calendar().DueTime(sla, start);
  }

  // ---- RPCs ----

  Outcome TrySubmit(const std::string& token, const std::string& request_id,
                    const dv1::Complaint& complaint, dv1::SubmitComplaintResponse* out = nullptr) {
    dv1::SubmitComplaintRequest request;
    request.set_request_id(request_id);
    *request.mutable_complaint() = complaint;
    dv1::SubmitComplaintResponse response;
    Outcome o = h_.Rpc(token, [&](grpc::ClientContext* c) {
      return stub_->SubmitComplaint(c, request, &response);
    });
    if (out != nullptr) *out = response;
    return o;
  }

  Outcome TryGet(const std::string& token, const std::string& id, dv1::Complaint* out = nullptr) {
    dv1::GetComplaintRequest request;
    request.set_id(id);
    dv1::GetComplaintResponse response;
    Outcome o = h_.Rpc(
        token, [&](grpc::ClientContext* c) { return stub_->GetComplaint(c, request, &response); });
    if (out != nullptr) *out = response.complaint();
    return o;
  }

  // Calls `method` of DisorderService with an empty request (a message with no field set
  // serializes to nothing: the empty request of every method).
  Outcome TryEmpty(const std::string& token, const std::string& method) {
    grpc::TemplatedGenericStub<dv1::ListUnitsRequest, grpc::ByteBuffer> stub(h_.channel());
    const dv1::ListUnitsRequest request;
    grpc::ByteBuffer response;
    const std::string path = absl::StrCat("/", DisorderService::service_full_name(), "/", method);
    return h_.Rpc(token, [&](grpc::ClientContext* c) {
      std::promise<grpc::Status> done;
      stub.UnaryCall(c, path, grpc::StubOptions(), &request, &response,
                     [&done](grpc::Status s) { done.set_value(std::move(s)); });
      return done.get_future().get();
    });
  }

  Outcome TryList(const std::string& token, const dv1::ListComplaintsRequest& request,
                  dv1::ListComplaintsResponse* out = nullptr) {
    dv1::ListComplaintsResponse response;
    Outcome o = h_.Rpc(token, [&](grpc::ClientContext* c) {
      return stub_->ListComplaints(c, request, &response);
    });
    if (out != nullptr) *out = response;
    return o;
  }

  Outcome TryRedispatch(const std::string& token, const std::string& id, const std::string& etag,
                        const std::string& unit, const std::string& reason,
                        dv1::Complaint* out = nullptr) {
    dv1::RedispatchComplaintRequest request;
    request.set_id(id);
    request.set_etag(etag);
    request.set_unit_id(unit);
    request.set_reason(reason);
    dv1::RedispatchComplaintResponse response;
    Outcome o = h_.Rpc(token, [&](grpc::ClientContext* c) {
      return stub_->RedispatchComplaint(c, request, &response);
    });
    if (out != nullptr) *out = response.complaint();
    return o;
  }

  Outcome TryAccept(const std::string& token, const std::string& id, const std::string& etag,
                    dv1::Complaint* out = nullptr) {
    dv1::AcceptComplaintRequest request;
    request.set_id(id);
    request.set_etag(etag);
    dv1::AcceptComplaintResponse response;
    Outcome o = h_.Rpc(token, [&](grpc::ClientContext* c) {
      return stub_->AcceptComplaint(c, request, &response);
    });
    if (out != nullptr) *out = response.complaint();
    return o;
  }

  Outcome TryResolve(const std::string& token, const std::string& id, const std::string& etag,
                     dv1::ResolutionOutcome outcome, const std::string& resolution,
                     dv1::Complaint* out = nullptr) {
    dv1::ResolveComplaintRequest request;
    request.set_id(id);
    request.set_etag(etag);
    request.set_outcome(outcome);
    request.set_resolution(resolution);
    dv1::ResolveComplaintResponse response;
    Outcome o = h_.Rpc(token, [&](grpc::ClientContext* c) {
      return stub_->ResolveComplaint(c, request, &response);
    });
    if (out != nullptr) *out = response.complaint();
    return o;
  }

  Outcome TryCallback(const std::string& token, const std::string& id, const std::string& etag,
                      dv1::Satisfaction satisfaction, const std::string& note,
                      dv1::Complaint* out = nullptr) {
    dv1::RecordCallbackRequest request;
    request.set_id(id);
    request.set_etag(etag);
    request.set_satisfaction(satisfaction);
    request.set_note(note);
    dv1::RecordCallbackResponse response;
    Outcome o = h_.Rpc(token, [&](grpc::ClientContext* c) {
      return stub_->RecordCallback(c, request, &response);
    });
    if (out != nullptr) *out = response.complaint();
    return o;
  }

  Outcome TryMerge(const std::string& token, const std::string& id, const std::string& etag,
                   const std::string& into, dv1::Complaint* out = nullptr) {
    dv1::MergeComplaintRequest request;
    request.set_id(id);
    request.set_etag(etag);
    request.set_into_id(into);
    dv1::MergeComplaintResponse response;
    Outcome o = h_.Rpc(token, [&](grpc::ClientContext* c) {
      return stub_->MergeComplaint(c, request, &response);
    });
    if (out != nullptr) *out = response.complaint();
    return o;
  }

  // ---- Steps that must succeed ----

  dv1::Complaint Submit(const dv1::Complaint& complaint, const std::string& request_id,
                        const std::string& token = kHotline) {
    dv1::SubmitComplaintResponse response;
    Outcome o = TrySubmit(token, request_id, complaint, &response);
    EXPECT_TRUE(o.status.ok()) << request_id << " " << Describe(o);
    EXPECT_TRUE(response.created()) << request_id;
    return response.complaint();
  }
  dv1::Complaint Get(const std::string& id, const std::string& token = kAdmin) {
    dv1::Complaint c;
    Outcome o = TryGet(token, id, &c);
    EXPECT_TRUE(o.status.ok()) << id << " " << Describe(o);
    return c;
  }
  dv1::Complaint Accept(const std::string& id, const std::string& token = kHotline) {
    dv1::Complaint c;
    Outcome o = TryAccept(token, id, Get(id).etag(), &c);
    EXPECT_TRUE(o.status.ok()) << id << " " << Describe(o);
    return c;
  }
  dv1::Complaint Resolve(const std::string& id,
                         dv1::ResolutionOutcome outcome = dv1::RESOLUTION_OUTCOME_RESOLVED,
                         const std::string& token = kHotline) {
    dv1::Complaint c;
    Outcome o = TryResolve(token, id, Get(id).etag(), outcome, "已到现场处置", &c);
    EXPECT_TRUE(o.status.ok()) << id << " " << Describe(o);
    return c;
  }
  dv1::Complaint Callback(const std::string& id, dv1::Satisfaction satisfaction,
                          const std::string& token = kHotline) {
    dv1::Complaint c;
    Outcome o = TryCallback(token, id, Get(id).etag(), satisfaction, "回访记录", &c);
    EXPECT_TRUE(o.status.ok()) << id << " " << Describe(o);
    return c;
  }
  dv1::Complaint Merge(const std::string& id, const std::string& into,
                       const std::string& token = kHotline) {
    dv1::Complaint c;
    Outcome o = TryMerge(token, id, Get(id).etag(), into, &c);
    EXPECT_TRUE(o.status.ok()) << id << " " << Describe(o);
    return c;
  }

  std::vector<dv1::Complaint> ListAll(dv1::ListComplaintsRequest request = {},
                                      const std::string& token = kAdmin, int page_size = 500) {
    std::vector<dv1::Complaint> all;
    request.set_page_size(page_size);
    for (int pages = 0; pages < 100; ++pages) {
      dv1::ListComplaintsResponse response;
      Outcome o = TryList(token, request, &response);
      EXPECT_TRUE(o.status.ok()) << Describe(o);
      if (!o.status.ok()) break;
      all.insert(all.end(), response.complaints().begin(), response.complaints().end());
      if (response.next_page_token().empty()) break;
      request.set_page_token(response.next_page_token());
    }
    return all;
  }

  int ScanBreaches() {
    absl::StatusOr<int> marked = track().engine(kTrack)->ScanBreaches();
    EXPECT_TRUE(marked.ok()) << marked.status();
    return marked.value_or(-1);
  }

  std::map<std::string, gv1::Indicator> Indicators(const std::string& street = "") {
    gv1::RegionRef region;
    region.set_street_id(street);
    return h_.Indicators(kAdmin, gov::testing::Month(2026, 6), region);
  }

  FakeClock clock_;
  gov::testing::TrackHarness h_{"disorder", &clock_, Tokens()};
  std::unique_ptr<DisorderService::Stub> stub_;
  std::unique_ptr<gv1::IndicatorsService::Stub> indicators_;
};

TEST(ComplaintSpecTest, TheSpecIsValid) {
  // The spec is checked again by the factory; here it is built from the rules the track loads.
  absl::StatusOr<std::unique_ptr<regions::RegionRegistry>> regions =
      regions::RegionRegistry::LoadFile(gov::testing::SourcePath("data/regions.json"));
  ASSERT_TRUE(regions.ok()) << regions.status();
  absl::StatusOr<std::unique_ptr<Rules>> rules =
      Rules::LoadFile(gov::testing::SourcePath("data/disorder.json"), **regions);
  ASSERT_TRUE(rules.ok()) << rules.status();
  EXPECT_TRUE(cases::CaseEngine::ValidateSpec(ComplaintSpec(**rules)).ok());
  std::set<std::string> ids;
  for (const indicators::IndicatorSpec& spec : ComplaintIndicators()) ids.insert(spec.id);
  EXPECT_THAT(ids, ElementsAre("health_supplement_handled", "prepaid_mediation_success",
                               "prepaid_repeat_rate", "repeat_rate", "resolved_within_sla"));
}

// The track's kinds of case name fields their messages have, with the right types (the record's
// id, status, region, times, clock, etag and history), and the campaigns' spec is valid.
TEST(DisorderKindsTest, EveryKindChecks) {
  EXPECT_TRUE(ComplaintKind().Check().ok()) << ComplaintKind().Check();
  EXPECT_TRUE(FindingKind().Check().ok()) << FindingKind().Check();
  EXPECT_TRUE(CampaignKind().Check().ok()) << CampaignKind().Check();
  EXPECT_TRUE(cases::CaseEngine::ValidateSpec(CampaignSpec()).ok());
}

// ---- Routing ----

TEST_F(DisorderTest, EveryCategoryIsRoutedOnTwoStreets) {
  const absl::Time now = clock_.Now();
  struct Route {
    dv1::ComplaintCategory category;
    std::string gs01;
    std::string gs11;
  };
  // data/disorder.json: muck trucks to the joint enforcement team, prepaid cards to the consumer
  // protection office and construction sites to labour inspection everywhere; the street
  // enforcement teams or market supervision offices otherwise; noise on GS11 (the industrial
  // park) to the environment bureau.
  const std::vector<Route> routes = {
      {dv1::COMPLAINT_CATEGORY_MUCK_TRUCK, "D-ZT", "D-ZT"},
      {dv1::COMPLAINT_CATEGORY_COOKING_FUMES, "GS01-ZF", "GS11-ZF"},
      {dv1::COMPLAINT_CATEGORY_HEALTH_SUPPLEMENT, "GS01-SJ", "GS11-SJ"},
      {dv1::COMPLAINT_CATEGORY_UNLICENSED_BUSINESS, "GS01-SJ", "GS11-SJ"},
      {dv1::COMPLAINT_CATEGORY_MOBILE_STALL, "GS01-ZF", "GS11-ZF"},
      {dv1::COMPLAINT_CATEGORY_STREET_APPEARANCE, "GS01-ZF", "GS11-ZF"},
      {dv1::COMPLAINT_CATEGORY_NON_MOTOR_PARKING, "GS01-ZF", "GS11-ZF"},
      {dv1::COMPLAINT_CATEGORY_NOISE, "GS01-ZF", "D-HB"},
      {dv1::COMPLAINT_CATEGORY_PREPAID_CARD, "D-XB", "D-XB"},
      {dv1::COMPLAINT_CATEGORY_CONSTRUCTION_SITE, "D-LD", "D-LD"},
  };
  ASSERT_EQ(routes.size(), 10u);  // every category
  std::vector<std::string> ids;
  for (const Route& r : routes) {
    for (const std::string street : {"GS01", "GS11"}) {
      SCOPED_TRACE(absl::StrCat(EnumKey(r.category), " on ", street));
      const dv1::Complaint c = Submit(NewComplaint(r.category, street),
                                      absl::StrCat("route-", EnumKey(r.category), "-", street));
      EXPECT_EQ(c.unit_id(), street == "GS01" ? r.gs01 : r.gs11);
      const dv1::Unit* unit = rules().FindUnit(c.unit_id());
      ASSERT_NE(unit, nullptr);
      EXPECT_EQ(c.unit_name(), unit->name());
      EXPECT_EQ(c.status(), dv1::COMPLAINT_STATUS_DISPATCHED);
      EXPECT_EQ(c.category(), r.category);
      EXPECT_EQ(FromTimestamp(c.submit_time()), now);
      // The category's clock from intake.
      EXPECT_EQ(FromTimestamp(c.due_time()), Due(rules().CategorySla(r.category), now));
      EXPECT_FALSE(c.sla_breached());
      EXPECT_EQ(c.etag(), "v1");
      EXPECT_THAT(c.id(), ::testing::StartsWith("C-"));
      ids.insert(ids.begin(), c.id());
    }
  }
  // Newest first (the same intake time: by id).
  EXPECT_EQ(Ids(ListAll()), ids);
  // The noise clock of data/disorder.json: 3 working days, Tuesday to Thursday.
  EXPECT_EQ(Due(rules().CategorySla(kNoise), now), Local(2026, 6, 5));

  // By unit, and by category.
  dv1::ListComplaintsRequest by_unit;
  by_unit.set_unit_id("D-HB");
  const std::vector<dv1::Complaint> hb = ListAll(by_unit);
  ASSERT_EQ(hb.size(), 1u);
  EXPECT_EQ(hb[0].region().street_id(), "GS11");
  dv1::ListComplaintsRequest by_category;
  by_category.add_categories(kPrepaid);
  by_category.add_categories(kNoise);
  EXPECT_EQ(ListAll(by_category).size(), 4u);

  // The units, for every role.
  for (const char* token : {kAdmin, kViewer, kMediator3, kOperator1}) {
    dv1::ListUnitsResponse units;
    Outcome o = h_.Rpc(token, [&](grpc::ClientContext* c) {
      return stub_->ListUnits(c, dv1::ListUnitsRequest(), &units);
    });
    ASSERT_TRUE(o.status.ok()) << Describe(o);
    ASSERT_EQ(units.units_size(), static_cast<int>(rules().units().size()));
    for (int i = 1; i < units.units_size(); ++i) {
      EXPECT_LT(units.units(i - 1).id(), units.units(i).id());
    }
  }
}

// The units are a list like the others (AIP-158): pages of page_size by id, an opaque token
// bound to the list, a negative size and a forged token refused naming the field.
TEST_F(DisorderTest, ListUnitsPagesLikeEveryList) {
  const PageCall page = [&](int32_t size, const std::string& token, std::vector<std::string>* ids,
                            std::string* next) {
    dv1::ListUnitsRequest request;
    request.set_page_size(size);
    request.set_page_token(token);
    dv1::ListUnitsResponse response;
    const Outcome o = h_.Rpc(
        kViewer, [&](grpc::ClientContext* c) { return stub_->ListUnits(c, request, &response); });
    for (const dv1::Unit& unit : response.units()) ids->push_back(unit.id());
    *next = response.next_page_token();
    return o;
  };
  ASSERT_GT(rules().units().size(), 6u);
  ExpectPagesLikeEveryList(page, rules().units().size());
}

// ---- Lifecycle ----

TEST_F(DisorderTest, FullLifecycleWithRedispatchAndHistory) {
  const absl::Time t0 = clock_.Now();
  const dv1::Complaint submitted =
      Submit(NewComplaint(kStalls, "GS03", "GS03-C01"), "life-1", kOperator3);
  const std::string id = submitted.id();
  const absl::Time due = Due(rules().CategorySla(kStalls), t0);
  EXPECT_EQ(submitted.unit_id(), "GS03-ZF");
  EXPECT_EQ(submitted.history_size(), 0);  // only GetComplaint carries the history

  // Sent to market supervision, then back: the intake clock keeps running.
  clock_.Advance(absl::Hours(1));
  dv1::Complaint moved;
  Outcome o =
      TryRedispatch(kOperator3, id, submitted.etag(), "GS03-SJ", "属无证经营，转市场监管", &moved);
  ASSERT_TRUE(o.status.ok()) << Describe(o);
  EXPECT_EQ(moved.unit_id(), "GS03-SJ");
  EXPECT_EQ(moved.unit_name(), rules().FindUnit("GS03-SJ")->name());
  EXPECT_EQ(moved.status(), dv1::COMPLAINT_STATUS_DISPATCHED);
  EXPECT_EQ(FromTimestamp(moved.due_time()), due);

  const dv1::Complaint accepted = Accept(id);
  EXPECT_EQ(accepted.status(), dv1::COMPLAINT_STATUS_HANDLING);
  EXPECT_EQ(FromTimestamp(accepted.due_time()), due);
  o = TryRedispatch(kAdmin, id, accepted.etag(), "GS03-ZF", "仍属流动摊贩", &moved);
  ASSERT_TRUE(o.status.ok()) << Describe(o);
  EXPECT_EQ(moved.status(), dv1::COMPLAINT_STATUS_DISPATCHED);
  EXPECT_EQ(moved.unit_id(), "GS03-ZF");
  EXPECT_EQ(FromTimestamp(moved.due_time()), due);
  Accept(id, kOperator3);

  clock_.Advance(absl::Hours(2));
  const absl::Time resolved_at = clock_.Now();
  const dv1::Complaint resolved = Resolve(id, dv1::RESOLUTION_OUTCOME_PENALISED, kOperator3);
  EXPECT_EQ(resolved.status(), dv1::COMPLAINT_STATUS_RESOLVED);
  EXPECT_EQ(resolved.outcome(), dv1::RESOLUTION_OUTCOME_PENALISED);
  EXPECT_EQ(resolved.resolution(), "已到现场处置");
  EXPECT_TRUE(resolved.resolved_in_time());
  // The callback clock.
  EXPECT_EQ(FromTimestamp(resolved.due_time()), Due(rules().CallbackSla(), resolved_at));

  const dv1::Complaint closed = Callback(id, dv1::SATISFACTION_SATISFIED);
  EXPECT_EQ(closed.status(), dv1::COMPLAINT_STATUS_CLOSED);
  EXPECT_EQ(closed.satisfaction(), dv1::SATISFACTION_SATISFIED);
  EXPECT_FALSE(closed.has_due_time());
  EXPECT_EQ(closed.reopen_count(), 0);

  const dv1::Complaint read = Get(id);
  EXPECT_THAT(Actions(read), ElementsAre("Create", "Redispatch", "Accept", "Redispatch", "Accept",
                                         "ResolvePenalised", "CloseSatisfied"));
  EXPECT_EQ(read.history(0).actor(), "operator-gs03");
  EXPECT_THAT(read.history(0).note(), HasSubstr("GS03-ZF"));
  EXPECT_THAT(read.history(1).note(), HasSubstr("转市场监管"));
  EXPECT_EQ(read.history(3).from_status(), "HANDLING");
  EXPECT_EQ(read.history(3).to_status(), "DISPATCHED");
  EXPECT_EQ(read.history(5).to_status(), "RESOLVED");
  EXPECT_EQ(read.history(6).note(), "回访记录");
  EXPECT_EQ(read.etag(), "v7");
  EXPECT_EQ(FromTimestamp(read.submit_time()), t0);

  // Closed: nothing more to do.
  o = TryAccept(kAdmin, id, read.etag());
  EXPECT_EQ(o.code(), grpc::StatusCode::FAILED_PRECONDITION) << Describe(o);
  o = TryCallback(kAdmin, id, read.etag(), dv1::SATISFACTION_UNSATISFIED, "");
  EXPECT_EQ(o.code(), grpc::StatusCode::FAILED_PRECONDITION) << Describe(o);
  const std::string other = Submit(NewComplaint(kStalls, "GS03"), "life-2").id();
  o = TryMerge(kAdmin, id, read.etag(), other);
  EXPECT_EQ(o.code(), grpc::StatusCode::FAILED_PRECONDITION) << Describe(o);
}

TEST_F(DisorderTest, UnsatisfiedCallbacksReopenWithTheReworkClock) {
  const std::string id = Submit(NewComplaint(kNoise, "GS03"), "reopen-1").id();
  Accept(id);
  Resolve(id);
  clock_.Advance(absl::Hours(20));
  const absl::Time reopened_at = clock_.Now();
  const dv1::Complaint reopened = Callback(id, dv1::SATISFACTION_UNSATISFIED);
  EXPECT_EQ(reopened.status(), dv1::COMPLAINT_STATUS_HANDLING);
  EXPECT_EQ(reopened.reopen_count(), 1);
  EXPECT_EQ(reopened.satisfaction(), dv1::SATISFACTION_UNSATISFIED);
  EXPECT_EQ(FromTimestamp(reopened.due_time()), Due(rules().ReworkSla(), reopened_at));
  EXPECT_FALSE(reopened.sla_breached());

  // Within the rework days: in time again.
  clock_.Advance(absl::Hours(24));
  const dv1::Complaint again = Resolve(id, dv1::RESOLUTION_OUTCOME_RESOLVED);
  EXPECT_TRUE(again.resolved_in_time());
  const dv1::Complaint twice = Callback(id, dv1::SATISFACTION_UNSATISFIED);
  EXPECT_EQ(twice.reopen_count(), 2);
  Resolve(id);
  const dv1::Complaint closed = Callback(id, dv1::SATISFACTION_BASICALLY_SATISFIED);
  EXPECT_EQ(closed.status(), dv1::COMPLAINT_STATUS_CLOSED);
  EXPECT_EQ(closed.reopen_count(), 2);
  EXPECT_EQ(closed.satisfaction(), dv1::SATISFACTION_BASICALLY_SATISFIED);
  EXPECT_THAT(Actions(Get(id)),
              ElementsAre("Create", "Accept", "ResolveResolved", "Reopen", "ResolveResolved",
                          "Reopen", "ResolveResolved", "CloseSatisfied"));
}

TEST_F(DisorderTest, BreachedAndLateResolutionsAreRecordedAsLate) {
  const absl::Time t0 = clock_.Now();
  const std::string a = Submit(NewComplaint(kNoise, "GS03"), "late-a").id();
  const std::string b = Submit(NewComplaint(kNoise, "GS03"), "late-b").id();
  const std::string c = Submit(NewComplaint(kNoise, "GS03"), "late-c").id();
  const absl::Time due = Due(rules().CategorySla(kNoise), t0);
  // C in time.
  Accept(c);
  EXPECT_TRUE(Resolve(c).resolved_in_time());
  Accept(b);

  // C waits for its callback, due after two working days; A and B have three. Exactly at
  // their due time A and B are not overdue yet; C's callback is.
  clock_.Advance(due - t0);
  EXPECT_EQ(ScanBreaches(), 1);
  const dv1::Complaint c_breached = Get(c);
  EXPECT_TRUE(c_breached.sla_breached());
  EXPECT_EQ(c_breached.status(), dv1::COMPLAINT_STATUS_RESOLVED);
  clock_.Advance(absl::Minutes(1));
  // B resolved after its due time, before the scan came round: late.
  const dv1::Complaint b_late = Resolve(b);
  EXPECT_FALSE(b_late.resolved_in_time());
  EXPECT_FALSE(b_late.sla_breached());  // the callback clock is new
  // The scan marks A.
  EXPECT_EQ(ScanBreaches(), 1);
  EXPECT_EQ(ScanBreaches(), 0);  // once per clock
  EXPECT_EQ(gov::testing::MetricValue(h_.metrics(), "governance_sla_breaches_total",
                                      {{"track", "disorder"}, {"kind", "complaint"}}),
            2);
  dv1::ListComplaintsRequest breached;
  breached.set_breached_only(true);
  EXPECT_THAT(Ids(ListAll(breached)), ElementsAre(c, a));  // the same intake time: by id
  // Accepting keeps the clock, so A stays breached; its resolution is late.
  const dv1::Complaint a_accepted = Accept(a);
  EXPECT_TRUE(a_accepted.sla_breached());
  EXPECT_EQ(FromTimestamp(a_accepted.due_time()), due);
  const dv1::Complaint a_resolved = Resolve(a, dv1::RESOLUTION_OUTCOME_UNFOUNDED);
  EXPECT_FALSE(a_resolved.resolved_in_time());
  EXPECT_FALSE(a_resolved.sla_breached());
  EXPECT_THAT(Actions(Get(a)),
              ElementsAre("Create", "SlaBreach", "Accept", "ResolveUnfoundedLate"));
  EXPECT_THAT(Actions(Get(b)), ElementsAre("Create", "Accept", "ResolveResolvedLate"));
  // C's late callback closes it; its resolution was in time.
  const dv1::Complaint c_closed = Callback(c, dv1::SATISFACTION_SATISFIED);
  EXPECT_FALSE(c_closed.sla_breached());
  EXPECT_TRUE(c_closed.resolved_in_time());
  EXPECT_THAT(Actions(Get(c)),
              ElementsAre("Create", "Accept", "ResolveResolved", "SlaBreach", "CloseSatisfied"));
  EXPECT_TRUE(ListAll(breached).empty());
  // A's and B's callbacks run out too.
  clock_.Advance(absl::Hours(24 * 7));
  EXPECT_EQ(ScanBreaches(), 2);

  // One resolution of three in time.
  std::map<std::string, gv1::Indicator> indicators = Indicators();
  const gv1::Indicator& within = indicators["resolved_within_sla"];
  EXPECT_TRUE(within.has_data());
  EXPECT_EQ(within.actual(), 3333);
  EXPECT_EQ(within.target(), 9500);
  EXPECT_EQ(within.colour(), gv1::COLOUR_RED);
}

// ---- Repeats ----

TEST_F(DisorderTest, RepeatsAtIntakeByGridAndWindow) {
  const std::string grid = "GS01-C01-G01";
  const dv1::Complaint original =
      Submit(NewComplaint(kNoise, "GS01", "GS01-C01", grid), "grid-original");
  const absl::Time t0 = clock_.Now();

  clock_.Advance(absl::Hours(24 * 10));
  // The same category in the same grid within the window: a repeat, closed at once with the
  // original's unit.
  dv1::SubmitComplaintResponse repeat;
  Outcome o =
      TrySubmit(kOperator1, "grid-repeat", NewComplaint(kNoise, "GS01", "GS01-C01", grid), &repeat);
  ASSERT_TRUE(o.status.ok()) << Describe(o);
  EXPECT_TRUE(repeat.created());
  EXPECT_EQ(repeat.complaint().status(), dv1::COMPLAINT_STATUS_REPEAT);
  EXPECT_EQ(repeat.complaint().repeat_of(), original.id());
  EXPECT_EQ(repeat.complaint().unit_id(), original.unit_id());
  EXPECT_FALSE(repeat.complaint().has_due_time());
  const dv1::Complaint repeat_read = Get(repeat.complaint().id());
  ASSERT_EQ(repeat_read.history_size(), 1);
  EXPECT_EQ(repeat_read.history(0).to_status(), "REPEAT");
  EXPECT_THAT(repeat_read.history(0).note(), HasSubstr(original.id()));
  // The original records the repeat and stays where it was, on its own clock.
  const dv1::Complaint original_read = Get(original.id());
  EXPECT_EQ(original_read.status(), dv1::COMPLAINT_STATUS_DISPATCHED);
  EXPECT_THAT(Actions(original_read), ElementsAre("Create", "RecordRepeat"));
  EXPECT_EQ(original_read.history(1).note(), repeat.complaint().id());
  EXPECT_EQ(original_read.history(1).to_status(), "DISPATCHED");
  EXPECT_EQ(FromTimestamp(original_read.due_time()), FromTimestamp(original.due_time()));

  // Another category in the same grid: a complaint of its own.
  const dv1::Complaint other =
      Submit(NewComplaint(kStalls, "GS01", "GS01-C01", grid), "grid-other-category");
  EXPECT_EQ(other.status(), dv1::COMPLAINT_STATUS_DISPATCHED);
  EXPECT_TRUE(other.repeat_of().empty());
  // Another grid: too.
  EXPECT_EQ(
      Submit(NewComplaint(kNoise, "GS01", "GS01-C01", "GS01-C01-G02"), "grid-other-grid").status(),
      dv1::COMPLAINT_STATUS_DISPATCHED);
  // No grid and no coordinates: nothing to compare by.
  EXPECT_EQ(Submit(NewComplaint(kNoise, "GS01", "GS01-C01"), "grid-none").status(),
            dv1::COMPLAINT_STATUS_DISPATCHED);

  // Past the window (30 days in data/disorder.json): a new complaint, the original of what
  // follows.
  clock_.Advance(t0 + absl::Hours(24 * 30) + absl::Minutes(1) - clock_.Now());
  const dv1::Complaint later =
      Submit(NewComplaint(kNoise, "GS01", "GS01-C01", grid), "grid-after-window");
  EXPECT_EQ(later.status(), dv1::COMPLAINT_STATUS_DISPATCHED);
  EXPECT_TRUE(later.repeat_of().empty());
  EXPECT_EQ(
      Submit(NewComplaint(kNoise, "GS01", "GS01-C01", grid), "grid-repeat-of-later").repeat_of(),
      later.id());

  // A closed complaint is not repeated: a new report opens a new complaint.
  Accept(later.id());
  Resolve(later.id());
  Callback(later.id(), dv1::SATISFACTION_SATISFIED);
  const dv1::Complaint after_close =
      Submit(NewComplaint(kNoise, "GS01", "GS01-C01", grid), "grid-after-close");
  EXPECT_EQ(after_close.status(), dv1::COMPLAINT_STATUS_DISPATCHED);
  EXPECT_TRUE(after_close.repeat_of().empty());

  dv1::ListComplaintsRequest repeats;
  repeats.add_statuses(dv1::COMPLAINT_STATUS_REPEAT);
  EXPECT_EQ(ListAll(repeats).size(), 2u);
}

TEST_F(DisorderTest, RepeatsByCoordinatesWithinTheRadius) {
  const double lat = 30.2500;
  const double lng = 120.1500;
  const dv1::Complaint original =
      Submit(Located(NewComplaint(kStalls, "GS03"), lat, lng), "geo-original");
  // 30 m north (the radius is 50 m): a repeat, whatever the grids say.
  const dv1::Complaint near =
      Submit(Located(NewComplaint(kStalls, "GS03", "GS03-C01", "GS03-C01-G01"),
                     lat + 30 / kMetresPerDegree, lng),
             "geo-near");
  EXPECT_EQ(near.status(), dv1::COMPLAINT_STATUS_REPEAT);
  EXPECT_EQ(near.repeat_of(), original.id());
  EXPECT_EQ(near.location().latitude(), lat + 30 / kMetresPerDegree);
  // 80 m: a complaint of its own.
  const dv1::Complaint far =
      Submit(Located(NewComplaint(kStalls, "GS03"), lat + 80 / kMetresPerDegree, lng), "geo-far");
  EXPECT_EQ(far.status(), dv1::COMPLAINT_STATUS_DISPATCHED);
  // The same spot, another category: also.
  EXPECT_EQ(Submit(Located(NewComplaint(kNoise, "GS03"), lat, lng), "geo-noise").status(),
            dv1::COMPLAINT_STATUS_DISPATCHED);
  EXPECT_THAT(Actions(Get(original.id())), ElementsAre("Create", "RecordRepeat"));
}

// ---- Merges ----

TEST_F(DisorderTest, MergesDuplicatesAndRefusesWhatCannotBeMerged) {
  const dv1::Complaint x = Submit(NewComplaint(kStalls, "GS03", "GS03-C01"), "merge-x");
  const dv1::Complaint y = Submit(NewComplaint(kStalls, "GS03", "GS03-C02"), "merge-y");
  const dv1::Complaint noise = Submit(NewComplaint(kNoise, "GS03"), "merge-noise");
  const dv1::Complaint elsewhere = Submit(NewComplaint(kStalls, "GS01"), "merge-gs01");
  const std::string grid = "GS03-C01-G01";
  const dv1::Complaint first = Submit(NewComplaint(kStalls, "GS03", "GS03-C01", grid), "merge-g1");
  const dv1::Complaint repeat = Submit(NewComplaint(kStalls, "GS03", "GS03-C01", grid), "merge-g2");
  ASSERT_EQ(repeat.status(), dv1::COMPLAINT_STATUS_REPEAT);

  const std::string etag = Get(y.id()).etag();
  Outcome o = TryMerge(kOperator3, y.id(), etag, "");
  ExpectInvalid(o, "into_id");
  o = TryMerge(kOperator3, y.id(), etag, y.id());
  ExpectInvalid(o, "into_id");
  o = TryMerge(kOperator3, y.id(), etag, "C-999999");
  ExpectInvalid(o, "into_id");
  o = TryMerge(kOperator3, y.id(), etag, noise.id());
  ExpectInvalid(o, "into_id");
  o = TryMerge(kOperator3, y.id(), etag, repeat.id());
  EXPECT_EQ(o.code(), grpc::StatusCode::FAILED_PRECONDITION) << Describe(o);
  EXPECT_EQ(o.field, "into_id");
  // Into a complaint outside the caller's streets.
  o = TryMerge(kOperator3, y.id(), etag, elsewhere.id());
  EXPECT_EQ(o.code(), grpc::StatusCode::PERMISSION_DENIED) << Describe(o);
  EXPECT_EQ(o.field, "into_id");
  o = TryMerge(kOperator3, "", etag, x.id());
  ExpectInvalid(o, "id");
  o = TryMerge(kOperator3, y.id(), "", x.id());
  ExpectInvalid(o, "etag");
  o = TryMerge(kViewer, y.id(), etag, x.id());
  EXPECT_EQ(o.code(), grpc::StatusCode::PERMISSION_DENIED) << Describe(o);
  o = TryMerge(kMediator3, y.id(), etag, x.id());
  EXPECT_EQ(o.code(), grpc::StatusCode::PERMISSION_DENIED) << Describe(o);
  EXPECT_EQ(Get(y.id()).etag(), etag);  // nothing was written

  const dv1::Complaint merged = Merge(y.id(), x.id(), kOperator3);
  EXPECT_EQ(merged.status(), dv1::COMPLAINT_STATUS_MERGED);
  EXPECT_EQ(merged.merged_into(), x.id());
  EXPECT_FALSE(merged.has_due_time());
  const dv1::Complaint read = Get(y.id());
  EXPECT_THAT(Actions(read), ElementsAre("Create", "Merge"));
  EXPECT_THAT(read.history(1).note(), HasSubstr(x.id()));

  // A merged complaint is merged into nothing more, and nothing is merged into it.
  o = TryMerge(kAdmin, y.id(), read.etag(), first.id());
  EXPECT_EQ(o.code(), grpc::StatusCode::FAILED_PRECONDITION) << Describe(o);
  o = TryMerge(kAdmin, first.id(), Get(first.id()).etag(), y.id());
  EXPECT_EQ(o.code(), grpc::StatusCode::FAILED_PRECONDITION) << Describe(o);
  EXPECT_EQ(o.field, "into_id");
  // A repeat is closed: not merged either.
  o = TryMerge(kAdmin, repeat.id(), Get(repeat.id()).etag(), x.id());
  EXPECT_EQ(o.code(), grpc::StatusCode::FAILED_PRECONDITION) << Describe(o);
  // A resolved complaint may be merged, into a closed one too.
  Accept(x.id());
  Resolve(x.id());
  Callback(x.id(), dv1::SATISFACTION_SATISFIED);
  Accept(first.id());
  Resolve(first.id());
  EXPECT_EQ(Merge(first.id(), x.id(), kAdmin).status(), dv1::COMPLAINT_STATUS_MERGED);
}

// ---- Privacy ----

TEST_F(DisorderTest, TheReporterIsShownOnlyByGetToTheHandlingRoles) {
  dv1::SubmitComplaintResponse submitted;
  Outcome o = TrySubmit(kHotline, "privacy-1",
                        WithReporter(NewComplaint(kNoise, "GS03", "GS03-C01")), &submitted);
  ASSERT_TRUE(o.status.ok()) << Describe(o);
  const std::string id = submitted.complaint().id();
  EXPECT_FALSE(submitted.complaint().has_reporter());

  for (const char* token : {kAdmin, kHotline, kOperator3}) {
    SCOPED_TRACE(token);
    const dv1::Complaint c = Get(id, token);
    EXPECT_EQ(c.reporter().name(), "王先生");
    EXPECT_EQ(c.reporter().phone(), "+86 138-0000-1234");
  }
  const dv1::Complaint viewed = Get(id, kViewer);
  EXPECT_EQ(viewed.id(), id);
  EXPECT_FALSE(viewed.has_reporter());
  EXPECT_EQ(viewed.description(), "楼下商铺夜间噪声扰民（测试）");
  // The history's notes are personal data (written by people) too: the viewer reads the steps
  // without them.
  ASSERT_EQ(viewed.history_size(), 1);
  EXPECT_EQ(viewed.history(0).action(), "Create");
  EXPECT_TRUE(viewed.history(0).note().empty());
  EXPECT_FALSE(Get(id, kAdmin).history(0).note().empty());
  for (const char* token : {kAdmin, kOperator3, kViewer}) {
    SCOPED_TRACE(token);
    const std::vector<dv1::Complaint> listed = ListAll({}, token);
    ASSERT_EQ(listed.size(), 1u);
    EXPECT_FALSE(listed[0].has_reporter());
    EXPECT_EQ(listed[0].history_size(), 0);
  }
  // Transitions answer without it.
  EXPECT_FALSE(Accept(id).has_reporter());
  // Mediators have no business with complaints; operators of other streets see none of them.
  o = TryGet(kMediator3, id);
  EXPECT_EQ(o.code(), grpc::StatusCode::PERMISSION_DENIED) << Describe(o);
  o = TryList(kMediator3, {});
  EXPECT_EQ(o.code(), grpc::StatusCode::PERMISSION_DENIED) << Describe(o);
  o = TryGet(kOperator1, id);
  EXPECT_EQ(o.code(), grpc::StatusCode::PERMISSION_DENIED) << Describe(o);
  EXPECT_TRUE(ListAll({}, kOperator1).empty());
}

// ---- Retries and scope ----

TEST_F(DisorderTest, RetriedSubmissionsNeverDuplicate) {
  const dv1::Complaint complaint = WithReporter(NewComplaint(kNoise, "GS03", "GS03-C01"));
  const dv1::Complaint first = Submit(complaint, "retry-1");
  // The same request again, with output-only fields the service ignores.
  dv1::Complaint again = complaint;
  again.set_status(dv1::COMPLAINT_STATUS_CLOSED);
  again.set_id("C-424242");
  again.set_unit_id("D-HB");
  dv1::SubmitComplaintResponse retry;
  Outcome o = TrySubmit(kHotline, "retry-1", again, &retry);
  ASSERT_TRUE(o.status.ok()) << Describe(o);
  EXPECT_FALSE(retry.created());
  EXPECT_EQ(retry.complaint().id(), first.id());
  EXPECT_EQ(retry.complaint().unit_id(), first.unit_id());
  // After it moved on: the complaint as it is now.
  Accept(first.id());
  o = TrySubmit(kOperator3, "retry-1", complaint, &retry);
  ASSERT_TRUE(o.status.ok()) << Describe(o);
  EXPECT_FALSE(retry.created());
  EXPECT_EQ(retry.complaint().status(), dv1::COMPLAINT_STATUS_HANDLING);
  // Another complaint under the same request id.
  dv1::Complaint other = complaint;
  other.set_description("另一件事");
  o = TrySubmit(kHotline, "retry-1", other);
  EXPECT_EQ(o.code(), grpc::StatusCode::ALREADY_EXISTS) << Describe(o);
  EXPECT_EQ(ListAll().size(), 1u);
  // The retry of a repeat is the repeat, and the original records it once.
  const dv1::Complaint grid_original =
      Submit(NewComplaint(kStalls, "GS03", "GS03-C02", "GS03-C02-G01"), "retry-grid-1");
  const dv1::Complaint repeat =
      Submit(NewComplaint(kStalls, "GS03", "GS03-C02", "GS03-C02-G01"), "retry-grid-2");
  ASSERT_EQ(repeat.repeat_of(), grid_original.id());
  o = TrySubmit(kHotline, "retry-grid-2", NewComplaint(kStalls, "GS03", "GS03-C02", "GS03-C02-G01"),
                &retry);
  ASSERT_TRUE(o.status.ok()) << Describe(o);
  EXPECT_FALSE(retry.created());
  EXPECT_EQ(retry.complaint().id(), repeat.id());
  EXPECT_THAT(Actions(Get(grid_original.id())), ElementsAre("Create", "RecordRepeat"));
}

TEST_F(DisorderTest, OperatorsWorkWithinTheirStreets) {
  const dv1::Complaint gs03 = Submit(NewComplaint(kNoise, "GS03"), "scope-gs03");
  const dv1::Complaint gs01 = Submit(NewComplaint(kNoise, "GS01"), "scope-gs01", kOperator1);
  Outcome o = TrySubmit(kOperator1, "scope-x", NewComplaint(kNoise, "GS03"));
  EXPECT_EQ(o.code(), grpc::StatusCode::PERMISSION_DENIED) << Describe(o);
  o = TryAccept(kOperator1, gs03.id(), gs03.etag());
  EXPECT_EQ(o.code(), grpc::StatusCode::PERMISSION_DENIED) << Describe(o);
  o = TryRedispatch(kOperator1, gs03.id(), gs03.etag(), "GS01-ZF", "转本街道");
  EXPECT_EQ(o.code(), grpc::StatusCode::PERMISSION_DENIED) << Describe(o);
  EXPECT_THAT(Ids(ListAll({}, kOperator1)), ElementsAre(gs01.id()));
  EXPECT_THAT(Ids(ListAll({}, kOperator3)), ElementsAre(gs03.id()));
  dv1::ListComplaintsRequest other_street;
  other_street.mutable_region()->set_street_id("GS03");
  o = TryList(kOperator1, other_street);
  EXPECT_EQ(o.code(), grpc::StatusCode::PERMISSION_DENIED) << Describe(o);
  EXPECT_EQ(Accept(gs01.id(), kOperator1).status(), dv1::COMPLAINT_STATUS_HANDLING);
  EXPECT_EQ(Get(gs03.id()).etag(), "v1");
}

// ---- Bad input ----

TEST_F(DisorderTest, SubmitRefusesBadInput) {
  const dv1::Complaint good = NewComplaint(kNoise, "GS03", "GS03-C01", "GS03-C01-G01");
  ExpectInvalid(TrySubmit(kHotline, "", good), "request_id");
  ExpectInvalid(TrySubmit(kHotline, Repeat("r", 129), good), "request_id");
  struct Bad {
    std::string field;
    std::function<void(dv1::Complaint&)> edit;
  };
  const std::vector<Bad> bad = {
      {"complaint.category", [](dv1::Complaint& c) { c.clear_category(); }},
      {"complaint.category",
       [](dv1::Complaint& c) { c.set_category(static_cast<dv1::ComplaintCategory>(42)); }},
      {"complaint.channel", [](dv1::Complaint& c) { c.clear_channel(); }},
      {"complaint.region.street_id", [](dv1::Complaint& c) { c.clear_region(); }},
      {"complaint.region.street_id",
       [](dv1::Complaint& c) { c.mutable_region()->set_street_id("GS99"); }},
      {"complaint.region.community_id",
       [](dv1::Complaint& c) { c.mutable_region()->set_community_id("GS01-C01"); }},
      {"complaint.region.grid_id",
       [](dv1::Complaint& c) { c.mutable_region()->set_grid_id("GS03-C02-G01"); }},
      {"complaint.location.latitude", [](dv1::Complaint& c) { c = Located(c, 90.5, 120); }},
      {"complaint.location.longitude", [](dv1::Complaint& c) { c = Located(c, 30, -180.5); }},
      {"complaint.address", [](dv1::Complaint& c) { c.set_address(Repeat("址", 201)); }},
      {"complaint.description", [](dv1::Complaint& c) { c.clear_description(); }},
      {"complaint.description", [](dv1::Complaint& c) { c.set_description(Repeat("述", 2001)); }},
      {"complaint.reporter.name",
       [](dv1::Complaint& c) { c.mutable_reporter()->set_name(Repeat("名", 51)); }},
      {"complaint.reporter.phone",
       [](dv1::Complaint& c) { c.mutable_reporter()->set_phone("call me"); }},
      // The shared phone rule (gov::ValidatePhone): at most 20 characters, at least 5 digits,
      // '-' and spaces only between digits. The track took all three of these before.
      {"complaint.reporter.phone",
       [](dv1::Complaint& c) { c.mutable_reporter()->set_phone(Repeat("1", 21)); }},
      {"complaint.reporter.phone",
       [](dv1::Complaint& c) { c.mutable_reporter()->set_phone("1 2 3 4"); }},
      {"complaint.reporter.phone",
       [](dv1::Complaint& c) { c.mutable_reporter()->set_phone("+86--138 0000"); }},
  };
  for (size_t i = 0; i < bad.size(); ++i) {
    SCOPED_TRACE(bad[i].field);
    dv1::Complaint c = good;
    bad[i].edit(c);
    ExpectInvalid(TrySubmit(kHotline, absl::StrCat("bad-", i), c), bad[i].field);
  }
  // At the limits.
  dv1::Complaint full = Located(good, -90, 180);
  full.set_address(Repeat("址", 200));
  full.set_description(Repeat("述", 2000));
  full.mutable_reporter()->set_name(Repeat("名", 50));
  full.mutable_reporter()->set_phone(Repeat("1", 20));
  EXPECT_EQ(Submit(full, Repeat("r", 128)).status(), dv1::COMPLAINT_STATUS_DISPATCHED);
  // Who may not.
  Outcome o = TrySubmit(kViewer, "who-1", good);
  EXPECT_EQ(o.code(), grpc::StatusCode::PERMISSION_DENIED) << Describe(o);
  o = TrySubmit(kMediator3, "who-2", good);
  EXPECT_EQ(o.code(), grpc::StatusCode::PERMISSION_DENIED) << Describe(o);
  o = TrySubmit("", "who-3", good);
  EXPECT_EQ(o.code(), grpc::StatusCode::UNAUTHENTICATED) << Describe(o);
  EXPECT_EQ(ListAll().size(), 1u);
}

// A NUL in a free text is refused before the handler (server::RpcService checks every string of
// the request): INVALID_ARGUMENT naming the field, and nothing is written, not even the
// request_id, which a clean retry then takes.
TEST_F(DisorderTest, NulInAFreeTextIsRefusedNamingTheFieldAndWritesNothing) {
  dv1::Complaint complaint = NewComplaint(kNoise, "GS03");
  complaint.set_description(std::string("夜间施工") + '\0' + "噪声");
  Outcome o = TrySubmit(kHotline, "nul-1", complaint);
  EXPECT_EQ(o.code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(o);
  EXPECT_EQ(o.field, "complaint.description");
  EXPECT_THAT(o.status.error_message(), HasSubstr("complaint.description"));
  complaint = NewComplaint(kNoise, "GS03");
  complaint.mutable_reporter()->set_name(std::string("张") + '\0' + "女士");
  o = TrySubmit(kHotline, "nul-1", complaint);
  EXPECT_EQ(o.code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(o);
  EXPECT_EQ(o.field, "complaint.reporter.name");
  EXPECT_TRUE(ListAll().empty());

  dv1::SubmitComplaintResponse response;
  o = TrySubmit(kHotline, "nul-1", NewComplaint(kNoise, "GS03"), &response);
  ASSERT_TRUE(o.status.ok()) << Describe(o);
  EXPECT_EQ(ListAll().size(), 1u);
}

TEST_F(DisorderTest, ReadsRefuseBadInput) {
  Submit(NewComplaint(kNoise, "GS03"), "reads-1");
  ExpectInvalid(TryGet(kAdmin, ""), "id");
  ExpectInvalid(TryGet(kAdmin, Repeat("C", 65)), "id");
  Outcome o = TryGet(kAdmin, "C-999999");
  EXPECT_EQ(o.code(), grpc::StatusCode::NOT_FOUND) << Describe(o);

  dv1::ListComplaintsRequest r;
  r.set_page_size(-1);
  ExpectInvalid(TryList(kAdmin, r), "page_size");
  r = {};
  r.add_categories(dv1::COMPLAINT_CATEGORY_UNSPECIFIED);
  ExpectInvalid(TryList(kAdmin, r), "categories[0]");
  r = {};
  r.add_statuses(dv1::COMPLAINT_STATUS_REPEAT);
  r.add_statuses(static_cast<dv1::ComplaintStatus>(99));
  ExpectInvalid(TryList(kAdmin, r), "statuses[1]");
  r = {};
  r.set_unit_id("NOPE");
  ExpectInvalid(TryList(kAdmin, r), "unit_id");
  r = {};
  r.mutable_region()->set_street_id("GS99");
  ExpectInvalid(TryList(kAdmin, r), "region.street_id");
  r = {};
  r.mutable_period()->set_year(2026);
  r.mutable_period()->set_month(13);
  EXPECT_EQ(TryList(kAdmin, r).code(), grpc::StatusCode::INVALID_ARGUMENT);
  r = {};
  r.set_page_token("not-a-token");
  ExpectInvalid(TryList(kAdmin, r), "page_token");

  // Periods: June has the complaint, May does not.
  r = {};
  r.mutable_period()->set_year(2026);
  r.mutable_period()->set_month(6);
  EXPECT_EQ(ListAll(r).size(), 1u);
  r.mutable_period()->set_month(5);
  EXPECT_TRUE(ListAll(r).empty());
  // Pages.
  for (int i = 0; i < 4; ++i) Submit(NewComplaint(kNoise, "GS03"), absl::StrCat("reads-p", i));
  EXPECT_EQ(ListAll({}, kAdmin, 2).size(), 5u);
}

TEST_F(DisorderTest, StepsRefuseBadInput) {
  const dv1::Complaint c = Submit(NewComplaint(kNoise, "GS03"), "steps-1");
  const std::string id = c.id();
  const std::string etag = c.etag();

  // Redispatch.
  ExpectInvalid(TryRedispatch(kHotline, "", etag, "GS03-SJ", "转办"), "id");
  ExpectInvalid(TryRedispatch(kHotline, id, etag, "", "转办"), "unit_id");
  ExpectInvalid(TryRedispatch(kHotline, id, etag, "NOPE", "转办"), "unit_id");
  ExpectInvalid(TryRedispatch(kHotline, id, etag, "GS03-SJ", ""), "reason");
  ExpectInvalid(TryRedispatch(kHotline, id, etag, "GS03-SJ", Repeat("因", 501)), "reason");
  ExpectInvalid(TryRedispatch(kHotline, id, "", "GS03-SJ", "转办"), "etag");
  Outcome o = TryRedispatch(kHotline, id, "v9", "GS03-SJ", "转办");
  EXPECT_EQ(o.code(), grpc::StatusCode::ABORTED) << Describe(o);
  o = TryRedispatch(kHotline, id, etag, "GS03-ZF", "转办");
  EXPECT_EQ(o.code(), grpc::StatusCode::FAILED_PRECONDITION) << Describe(o);
  EXPECT_EQ(o.field, "unit_id");
  o = TryRedispatch(kHotline, "C-999999", "v1", "GS03-SJ", "转办");
  EXPECT_EQ(o.code(), grpc::StatusCode::NOT_FOUND) << Describe(o);
  o = TryRedispatch(kViewer, id, etag, "GS03-SJ", "转办");
  EXPECT_EQ(o.code(), grpc::StatusCode::PERMISSION_DENIED) << Describe(o);
  o = TryRedispatch(kMediator3, id, etag, "GS03-SJ", "转办");
  EXPECT_EQ(o.code(), grpc::StatusCode::PERMISSION_DENIED) << Describe(o);

  // Not accepted yet: resolution and callback are refused by the state machine.
  o = TryResolve(kHotline, id, etag, dv1::RESOLUTION_OUTCOME_RESOLVED, "已处置");
  EXPECT_EQ(o.code(), grpc::StatusCode::FAILED_PRECONDITION) << Describe(o);
  o = TryCallback(kHotline, id, etag, dv1::SATISFACTION_SATISFIED, "");
  EXPECT_EQ(o.code(), grpc::StatusCode::FAILED_PRECONDITION) << Describe(o);

  // Accept.
  ExpectInvalid(TryAccept(kHotline, "", etag), "id");
  ExpectInvalid(TryAccept(kHotline, id, ""), "etag");
  o = TryAccept(kMediator3, id, etag);
  EXPECT_EQ(o.code(), grpc::StatusCode::PERMISSION_DENIED) << Describe(o);
  EXPECT_EQ(Get(id).etag(), etag);  // nothing was written
  dv1::Complaint accepted;
  ASSERT_TRUE(TryAccept(kOperator3, id, etag, &accepted).status.ok());
  o = TryAccept(kHotline, id, accepted.etag());
  EXPECT_EQ(o.code(), grpc::StatusCode::FAILED_PRECONDITION) << Describe(o);
  o = TryAccept(kHotline, id, etag);
  EXPECT_EQ(o.code(), grpc::StatusCode::ABORTED) << Describe(o);

  // Resolve.
  const std::string handling = accepted.etag();
  ExpectInvalid(TryResolve(kHotline, id, handling, dv1::RESOLUTION_OUTCOME_UNSPECIFIED, "已处置"),
                "outcome");
  ExpectInvalid(
      TryResolve(kHotline, id, handling, static_cast<dv1::ResolutionOutcome>(42), "已处置"),
      "outcome");
  ExpectInvalid(TryResolve(kHotline, id, handling, dv1::RESOLUTION_OUTCOME_RESOLVED, ""),
                "resolution");
  ExpectInvalid(
      TryResolve(kHotline, id, handling, dv1::RESOLUTION_OUTCOME_RESOLVED, Repeat("处", 2001)),
      "resolution");
  ExpectInvalid(TryResolve(kHotline, id, "", dv1::RESOLUTION_OUTCOME_RESOLVED, "已处置"), "etag");
  // Mediation outcomes are for prepaid cards only.
  ExpectInvalid(TryResolve(kHotline, id, handling, dv1::RESOLUTION_OUTCOME_MEDIATED, "已调解"),
                "outcome");
  ExpectInvalid(
      TryResolve(kHotline, id, handling, dv1::RESOLUTION_OUTCOME_MEDIATION_FAILED, "调解未成"),
      "outcome");
  o = TryResolve(kHotline, id, "v1", dv1::RESOLUTION_OUTCOME_RESOLVED, "已处置");
  EXPECT_EQ(o.code(), grpc::StatusCode::ABORTED) << Describe(o);
  EXPECT_EQ(Get(id).etag(), handling);
  dv1::Complaint resolved;
  o = TryResolve(kHotline, id, handling, dv1::RESOLUTION_OUTCOME_RESOLVED, Repeat("处", 2000),
                 &resolved);
  ASSERT_TRUE(o.status.ok()) << Describe(o);

  // Callback.
  ExpectInvalid(TryCallback(kHotline, id, resolved.etag(), dv1::SATISFACTION_UNSPECIFIED, ""),
                "satisfaction");
  ExpectInvalid(TryCallback(kHotline, id, resolved.etag(), static_cast<dv1::Satisfaction>(7), ""),
                "satisfaction");
  ExpectInvalid(
      TryCallback(kHotline, id, resolved.etag(), dv1::SATISFACTION_SATISFIED, Repeat("话", 501)),
      "note");
  ExpectInvalid(TryCallback(kHotline, "", resolved.etag(), dv1::SATISFACTION_SATISFIED, ""), "id");
  o = TryCallback(kViewer, id, resolved.etag(), dv1::SATISFACTION_SATISFIED, "");
  EXPECT_EQ(o.code(), grpc::StatusCode::PERMISSION_DENIED) << Describe(o);
  o = TryResolve(kHotline, id, resolved.etag(), dv1::RESOLUTION_OUTCOME_RESOLVED, "再处置");
  EXPECT_EQ(o.code(), grpc::StatusCode::FAILED_PRECONDITION) << Describe(o);
  // Resolved: redispatching is over.
  o = TryRedispatch(kHotline, id, resolved.etag(), "GS03-SJ", "转办");
  EXPECT_EQ(o.code(), grpc::StatusCode::FAILED_PRECONDITION) << Describe(o);
  o = TryCallback(kHotline, id, resolved.etag(), dv1::SATISFACTION_SATISFIED, Repeat("话", 500));
  EXPECT_TRUE(o.status.ok()) << Describe(o);

  // A prepaid-card complaint takes the mediation outcomes.
  const std::string prepaid = Submit(NewComplaint(kPrepaid, "GS03"), "steps-prepaid").id();
  Accept(prepaid);
  EXPECT_EQ(Resolve(prepaid, dv1::RESOLUTION_OUTCOME_MEDIATION_FAILED).outcome(),
            dv1::RESOLUTION_OUTCOME_MEDIATION_FAILED);
}

// ---- Indicators ----

TEST_F(DisorderTest, IndicatorsAgainstHandComputedCounts) {
  // Health supplements: four complaints and a repeat of the first. Two resolved (one closed),
  // one being handled, one waiting: handled 2 / 4.
  const std::string grid = "GS05-C01-G01";
  std::vector<std::string> health;
  health.push_back(Submit(NewComplaint(kHealth, "GS05", "GS05-C01", grid), "ind-h0").id());
  for (int i = 1; i < 4; ++i) {
    health.push_back(Submit(NewComplaint(kHealth, "GS05"), absl::StrCat("ind-h", i)).id());
  }
  EXPECT_EQ(Submit(NewComplaint(kHealth, "GS05", "GS05-C01", grid), "ind-h-repeat").status(),
            dv1::COMPLAINT_STATUS_REPEAT);
  Accept(health[0]);
  Resolve(health[0], dv1::RESOLUTION_OUTCOME_PENALISED);
  Callback(health[0], dv1::SATISFACTION_SATISFIED);
  Accept(health[1]);
  Resolve(health[1]);
  Accept(health[2]);

  // Prepaid cards: five complaints, a repeat of the first and a duplicate merged into the
  // second: 2 of 7 repeats. Mediated three times, failed once (late): 3 / 4.
  std::vector<std::string> prepaid;
  prepaid.push_back(
      Submit(NewComplaint(kPrepaid, "GS06", "GS06-C01", "GS06-C01-G01"), "ind-p0").id());
  for (int i = 1; i < 5; ++i) {
    prepaid.push_back(Submit(NewComplaint(kPrepaid, "GS06"), absl::StrCat("ind-p", i)).id());
  }
  EXPECT_EQ(
      Submit(NewComplaint(kPrepaid, "GS06", "GS06-C01", "GS06-C01-G01"), "ind-p-repeat").status(),
      dv1::COMPLAINT_STATUS_REPEAT);
  const std::string duplicate = Submit(NewComplaint(kPrepaid, "GS06"), "ind-p-duplicate").id();
  Merge(duplicate, prepaid[1]);
  for (int i = 0; i < 5; ++i) Accept(prepaid[i]);
  Resolve(prepaid[0], dv1::RESOLUTION_OUTCOME_MEDIATED);
  Resolve(prepaid[1], dv1::RESOLUTION_OUTCOME_MEDIATED);
  Resolve(prepaid[2], dv1::RESOLUTION_OUTCOME_MEDIATED);
  Resolve(prepaid[3], dv1::RESOLUTION_OUTCOME_RESOLVED);
  // Past the prepaid-card clock (10 working days from 1 June), still in June.
  clock_.Advance(Due(rules().CategorySla(kPrepaid), Local(2026, 6, 1, 10)) + absl::Hours(1) -
                 clock_.Now());
  ASSERT_EQ(cal::LocalDay(clock_.Now()).month(), 6);
  EXPECT_FALSE(Resolve(prepaid[4], dv1::RESOLUTION_OUTCOME_MEDIATION_FAILED).resolved_in_time());

  // Resolutions: two health, five prepaid, one of them late: 6 / 7. Repeats and merged over
  // everything taken in: 3 / 12.
  std::map<std::string, gv1::Indicator> indicators = Indicators();
  // The track's indicators: the complaints' five here, then the monitored objects' with their
  // control points', the findings' and the campaigns' (their own tests).
  ASSERT_EQ(ComplaintIndicators().size(), 5u);
  ASSERT_EQ(indicators.size(), ComplaintIndicators().size() + ObjectIndicators().size() +
                                   ControlPointIndicators(rules(), nullptr).size() +
                                   EnforcementIndicators().size() +
                                   CampaignIndicators(rules(), nullptr).size());
  struct Expected {
    std::string id;
    int64_t actual;
    int64_t target;
    gv1::TargetKind kind;
    gv1::Direction direction;
    gv1::Colour colour;
  };
  const std::vector<Expected> expected = {
      {"health_supplement_handled", 5000, 10000, gv1::TARGET_KIND_RATE,
       gv1::DIRECTION_HIGHER_IS_BETTER, gv1::COLOUR_RED},
      {"prepaid_mediation_success", 7500, 5000, gv1::TARGET_KIND_RATE,
       gv1::DIRECTION_HIGHER_IS_BETTER, gv1::COLOUR_GREEN},
      {"prepaid_repeat_rate", 2857, 400, gv1::TARGET_KIND_RATE, gv1::DIRECTION_LOWER_IS_BETTER,
       gv1::COLOUR_RED},
      // 8571 of 9500: attainment 9022, at risk.
      {"resolved_within_sla", 8571, 9500, gv1::TARGET_KIND_RATE, gv1::DIRECTION_HIGHER_IS_BETTER,
       gv1::COLOUR_YELLOW},
      {"repeat_rate", 2500, 0, gv1::TARGET_KIND_UNSPECIFIED, gv1::DIRECTION_LOWER_IS_BETTER,
       gv1::COLOUR_UNSPECIFIED},
  };
  for (const Expected& e : expected) {
    SCOPED_TRACE(e.id);
    ASSERT_TRUE(indicators.count(e.id));
    const gv1::Indicator& i = indicators[e.id];
    EXPECT_TRUE(i.has_data());
    EXPECT_EQ(i.actual(), e.actual);
    EXPECT_EQ(i.target(), e.target);
    EXPECT_EQ(i.target_kind(), e.kind);
    EXPECT_EQ(i.direction(), e.direction);
    EXPECT_EQ(i.unit(), gv1::INDICATOR_UNIT_BASIS_POINTS);
    EXPECT_EQ(i.colour(), e.colour);
  }
  // Per street: GS05 has the health supplements only.
  indicators = Indicators("GS05");
  EXPECT_EQ(indicators["health_supplement_handled"].actual(), 5000);
  EXPECT_FALSE(indicators["prepaid_mediation_success"].has_data());
  EXPECT_EQ(indicators["repeat_rate"].actual(), 2000);  // 1 of 5
  EXPECT_EQ(indicators["resolved_within_sla"].actual(), 10000);

  // The gauges: the watched rate has a value and neither target nor attainment.
  ASSERT_TRUE(track().RefreshGauges().ok());
  EXPECT_EQ(gov::testing::MetricSum(
                h_.metrics(), "governance_indicator_value",
                {{"track", "disorder"}, {"indicator", "repeat_rate"}, {"street", "all"}}),
            2500);
  EXPECT_FALSE(gov::testing::MetricSum(h_.metrics(), "governance_indicator_target",
                                       {{"track", "disorder"}, {"indicator", "repeat_rate"}})
                   .has_value());
  EXPECT_FALSE(gov::testing::MetricSum(h_.metrics(), "governance_indicator_attainment",
                                       {{"track", "disorder"}, {"indicator", "repeat_rate"}})
                   .has_value());
  EXPECT_EQ(gov::testing::MetricSum(
                h_.metrics(), "governance_indicator_target",
                {{"track", "disorder"}, {"indicator", "prepaid_repeat_rate"}, {"street", "all"}}),
            400);

  // Rankings by category carry the Chinese names; by unit the units' names.
  gv1::ListRankingsRequest rankings;
  rankings.mutable_period()->set_year(2026);
  rankings.mutable_period()->set_month(6);
  rankings.set_dimension(gv1::RANKING_DIMENSION_CATEGORY);
  gv1::ListRankingsResponse ranked;
  Outcome o = h_.Rpc(kAdmin, [&](grpc::ClientContext* c) {
    return indicators_->ListRankings(c, rankings, &ranked);
  });
  ASSERT_TRUE(o.status.ok()) << Describe(o);
  ASSERT_EQ(ranked.entries_size(), 2);
  EXPECT_EQ(ranked.entries(0).key(), "PREPAID_CARD");
  EXPECT_EQ(ranked.entries(0).name(), "预付卡");
  EXPECT_EQ(ranked.entries(0).count(), 7);
  EXPECT_EQ(ranked.entries(1).name(), "保健品");
  rankings.set_dimension(gv1::RANKING_DIMENSION_UNIT);
  o = h_.Rpc(kAdmin, [&](grpc::ClientContext* c) {
    return indicators_->ListRankings(c, rankings, &ranked);
  });
  ASSERT_TRUE(o.status.ok()) << Describe(o);
  ASSERT_GE(ranked.entries_size(), 2);
  EXPECT_EQ(ranked.entries(0).key(), "D-XB");
  EXPECT_EQ(ranked.entries(0).name(), rules().FindUnit("D-XB")->name());
}

// ---- Demo data ----

TEST_F(DisorderTest, DemoDataCoversEverythingAndLoadsOnce) {
  absl::Status loaded = track().LoadDemoData();
  ASSERT_TRUE(loaded.ok()) << loaded;
  const std::vector<dv1::Complaint> all = ListAll({}, kAdmin, 500);
  ASSERT_GT(all.size(), 1000u);
  std::set<int> categories;
  std::set<int> channels;
  std::set<std::string> streets;
  std::map<int, int> statuses;
  int located = 0;
  for (const dv1::Complaint& c : all) {
    categories.insert(c.category());
    channels.insert(c.channel());
    streets.insert(c.region().street_id());
    statuses[c.status()]++;
    located += c.has_location() ? 1 : 0;
    EXPECT_FALSE(c.has_reporter());
    if (c.status() == dv1::COMPLAINT_STATUS_REPEAT) {
      EXPECT_FALSE(c.repeat_of().empty()) << c.id();
    }
    if (c.status() == dv1::COMPLAINT_STATUS_MERGED) {
      EXPECT_FALSE(c.merged_into().empty()) << c.id();
    }
  }
  EXPECT_EQ(categories.size(), 10u);
  EXPECT_EQ(channels.size(), 5u);
  EXPECT_EQ(streets.size(), static_cast<size_t>(h_.regions().street_count()));
  EXPECT_GT(located, 0);
  for (dv1::ComplaintStatus s : {dv1::COMPLAINT_STATUS_DISPATCHED, dv1::COMPLAINT_STATUS_HANDLING,
                                 dv1::COMPLAINT_STATUS_RESOLVED, dv1::COMPLAINT_STATUS_CLOSED,
                                 dv1::COMPLAINT_STATUS_REPEAT, dv1::COMPLAINT_STATUS_MERGED}) {
    EXPECT_GT(statuses[s], 0) << EnumKey(s);
  }
  EXPECT_GT(statuses[dv1::COMPLAINT_STATUS_CLOSED], static_cast<int>(all.size()) / 2);
  int reopened = 0;
  for (const dv1::Complaint& c : all) reopened += c.reopen_count() > 0 ? 1 : 0;
  EXPECT_GT(reopened, 0);

  // Every indicator has a value for the year so far.
  const auto indicators = h_.Indicators(kAdmin, gov::testing::Year(2026));
  EXPECT_FALSE(indicators.empty());
  for (const auto& [id, indicator] : indicators) {
    EXPECT_TRUE(indicator.has_data()) << id << " has no value this year";
  }

  // Again: nothing new, nothing moved.
  loaded = track().LoadDemoData();
  ASSERT_TRUE(loaded.ok()) << loaded;
  const std::vector<dv1::Complaint> again = ListAll({}, kAdmin, 500);
  ASSERT_EQ(again.size(), all.size());
  for (size_t i = 0; i < all.size(); ++i) EXPECT_EQ(again[i].etag(), all[i].etag()) << all[i].id();
}

}  // namespace
}  // namespace gov::disorder
