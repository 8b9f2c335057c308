// The hazard track's hazards and campaigns, end to end over gRPC on the real track (SQLite, or
// PostgreSQL as hazard_test_postgres) with a real redis-server and a fake clock: hazards
// reported and refused, their deadline by severity, their life to CLOSED, rectified in time or
// late, rejected back to their own deadline, flagged by the breach scan once it passed, handed
// over to criminal investigation once; campaigns and their findings counted; the indicators
// against hand counts; the callers' streets and personal data; the demo.

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/cases/engine.h"
#include "common/clock/clock.h"
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
using gov::testing::Refusal;
using gov::testing::Region;
using ::testing::ElementsAre;
using ::testing::UnorderedElementsAre;

constexpr char kAdmin[] = "tok-admin";
constexpr char kSystem[] = "tok-system";
constexpr char kOperator1[] = "tok-operator-gs01";
constexpr char kOperator2[] = "tok-operator-gs02";
constexpr char kInspector1[] = "tok-inspector-gs01";
constexpr char kViewer[] = "tok-viewer";

constexpr absl::Duration kDay = absl::Hours(24);

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

std::vector<std::string> Actions(const hv1::Hazard& h) {
  std::vector<std::string> out;
  for (const gv1::CaseEvent& e : h.history()) out.push_back(e.action());
  return out;
}

std::vector<std::string> Ids(const std::vector<hv1::Hazard>& hazards) {
  std::vector<std::string> out;
  for (const hv1::Hazard& h : hazards) out.push_back(h.id());
  return out;
}

class HazardTest : public ::testing::Test {
 protected:
  // Wednesday 1 April 2026, 09:00 district time.
  HazardTest() : clock_(Local(2026, 4, 1, 9, 0)) {}

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

  // ---- Hazards ----

  // A hazard found by grid patrol in `community` (its street taken from it), general, of `type`.
  hv1::ReportHazardRequest NewHazard(const std::string& community = "GS01-C01",
                                     hv1::HazardType type = hv1::HAZARD_TYPE_FIRE_LANE,
                                     hv1::HazardSource source = hv1::HAZARD_SOURCE_GRID_PATROL,
                                     hv1::Severity severity = hv1::SEVERITY_GENERAL) {
    hv1::ReportHazardRequest request;
    request.set_request_id(Rid());
    hv1::Hazard* h = request.mutable_hazard();
    h->set_type(type);
    h->set_source(source);
    h->set_severity(severity);
    *h->mutable_region() = Region(community.substr(0, 4), community);
    h->set_description("小区消防车通道被私家车占用（测试）");
    h->set_reporter("网格员赵某");
    return request;
  }

  Outcome TryReport(const std::string& token, const hv1::ReportHazardRequest& request,
                    hv1::Hazard* out = nullptr) {
    hv1::ReportHazardResponse response;
    Outcome o = Rpc(
        token, [&](grpc::ClientContext* c) { return stub_->ReportHazard(c, request, &response); });
    if (out != nullptr) *out = response.hazard();
    return o;
  }

  hv1::Hazard Report(const hv1::ReportHazardRequest& request,
                     const std::string& token = kOperator1) {
    hv1::Hazard out;
    const Outcome o = TryReport(token, request, &out);
    EXPECT_TRUE(o.status.ok()) << Describe(o);
    return out;
  }

  Outcome TryGet(const std::string& token, const std::string& id, hv1::Hazard* out = nullptr) {
    hv1::GetHazardRequest request;
    request.set_id(id);
    hv1::GetHazardResponse response;
    Outcome o =
        Rpc(token, [&](grpc::ClientContext* c) { return stub_->GetHazard(c, request, &response); });
    if (out != nullptr) *out = response.hazard();
    return o;
  }

  hv1::Hazard Get(const std::string& id, const std::string& token = kAdmin) {
    hv1::Hazard out;
    const Outcome o = TryGet(token, id, &out);
    EXPECT_TRUE(o.status.ok()) << Describe(o);
    return out;
  }

  Outcome TryList(const std::string& token, const hv1::ListHazardsRequest& request,
                  hv1::ListHazardsResponse* out = nullptr) {
    hv1::ListHazardsResponse response;
    Outcome o = Rpc(
        token, [&](grpc::ClientContext* c) { return stub_->ListHazards(c, request, &response); });
    if (out != nullptr) *out = response;
    return o;
  }

  std::vector<hv1::Hazard> List(const hv1::ListHazardsRequest& request,
                                const std::string& token = kAdmin) {
    hv1::ListHazardsResponse response;
    const Outcome o = TryList(token, request, &response);
    EXPECT_TRUE(o.status.ok()) << Describe(o);
    EXPECT_TRUE(response.next_page_token().empty());
    return {response.hazards().begin(), response.hazards().end()};
  }

  Outcome Rectify(const hv1::Hazard& h, hv1::Hazard* out = nullptr,
                  const std::string& token = kOperator1,
                  const std::string& rectification = "已清理通道，设置禁停标志") {
    hv1::RectifyHazardRequest request;
    request.set_id(h.id());
    request.set_etag(h.etag());
    request.set_rectification(rectification);
    hv1::RectifyHazardResponse response;
    Outcome o = Rpc(
        token, [&](grpc::ClientContext* c) { return stub_->RectifyHazard(c, request, &response); });
    if (out != nullptr) *out = response.hazard();
    return o;
  }

  Outcome Verify(const hv1::Hazard& h, bool accepted, const std::string& note,
                 hv1::Hazard* out = nullptr, const std::string& token = kInspector1) {
    hv1::VerifyHazardRequest request;
    request.set_id(h.id());
    request.set_etag(h.etag());
    request.set_accepted(accepted);
    request.set_note(note);
    hv1::VerifyHazardResponse response;
    Outcome o = Rpc(
        token, [&](grpc::ClientContext* c) { return stub_->VerifyHazard(c, request, &response); });
    if (out != nullptr) *out = response.hazard();
    return o;
  }

  Outcome Close(const hv1::Hazard& h, hv1::Hazard* out = nullptr,
                const std::string& token = kOperator1, const std::string& note = "销号") {
    hv1::CloseHazardRequest request;
    request.set_id(h.id());
    request.set_etag(h.etag());
    request.set_note(note);
    hv1::CloseHazardResponse response;
    Outcome o = Rpc(
        token, [&](grpc::ClientContext* c) { return stub_->CloseHazard(c, request, &response); });
    if (out != nullptr) *out = response.hazard();
    return o;
  }

  Outcome HandOver(const hv1::Hazard& h, const std::string& agency, const std::string& reference,
                   hv1::Hazard* out = nullptr, const std::string& token = kInspector1) {
    hv1::HandOverHazardRequest request;
    request.set_id(h.id());
    request.set_etag(h.etag());
    request.mutable_handover()->set_agency(agency);
    request.mutable_handover()->set_reference(reference);
    hv1::HandOverHazardResponse response;
    Outcome o = Rpc(token, [&](grpc::ClientContext* c) {
      return stub_->HandOverHazard(c, request, &response);
    });
    if (out != nullptr) *out = response.hazard();
    return o;
  }

  // Rectified, verified and, with `close`, closed, each step as it comes (admin).
  hv1::Hazard Clear(hv1::Hazard h, bool close) {
    EXPECT_TRUE(Rectify(h, &h, kAdmin).status.ok());
    EXPECT_TRUE(Verify(h, true, "", &h, kAdmin).status.ok());
    if (close) {
      EXPECT_TRUE(Close(h, &h, kAdmin).status.ok());
    }
    return h;
  }

  void Scan() {
    const absl::Status scanned = h_.track().ScanBreaches();
    EXPECT_TRUE(scanned.ok()) << scanned;
  }

  // ---- Campaigns ----

  hv1::OpenCampaignRequest NewCampaign(const std::string& street = "",
                                       const std::string& first = "2026-04-01",
                                       const std::string& last = "2026-04-30",
                                       hv1::HazardType type = hv1::HAZARD_TYPE_FIRE_LANE) {
    hv1::OpenCampaignRequest request;
    request.set_request_id(Rid());
    hv1::Campaign* c = request.mutable_campaign();
    c->set_name("打通\"生命通道\"集中攻坚行动");
    c->set_type(type);
    c->set_street_id(street);
    c->set_first_day(first);
    c->set_last_day(last);
    return request;
  }

  Outcome TryOpenCampaign(const std::string& token, const hv1::OpenCampaignRequest& request,
                          hv1::Campaign* out = nullptr) {
    hv1::OpenCampaignResponse response;
    Outcome o = Rpc(
        token, [&](grpc::ClientContext* c) { return stub_->OpenCampaign(c, request, &response); });
    if (out != nullptr) *out = response.campaign();
    return o;
  }

  hv1::Campaign OpenCampaign(const hv1::OpenCampaignRequest& request,
                             const std::string& token = kAdmin) {
    hv1::Campaign out;
    const Outcome o = TryOpenCampaign(token, request, &out);
    EXPECT_TRUE(o.status.ok()) << Describe(o);
    return out;
  }

  Outcome TryGetCampaign(const std::string& token, const std::string& id,
                         hv1::Campaign* out = nullptr) {
    hv1::GetCampaignRequest request;
    request.set_id(id);
    hv1::GetCampaignResponse response;
    Outcome o = Rpc(
        token, [&](grpc::ClientContext* c) { return stub_->GetCampaign(c, request, &response); });
    if (out != nullptr) *out = response.campaign();
    return o;
  }

  hv1::Campaign GetCampaign(const std::string& id, const std::string& token = kAdmin) {
    hv1::Campaign out;
    const Outcome o = TryGetCampaign(token, id, &out);
    EXPECT_TRUE(o.status.ok()) << Describe(o);
    return out;
  }

  std::vector<hv1::Campaign> Campaigns(const std::string& token) {
    hv1::ListCampaignsRequest request;
    hv1::ListCampaignsResponse response;
    const Outcome o = Rpc(
        token, [&](grpc::ClientContext* c) { return stub_->ListCampaigns(c, request, &response); });
    EXPECT_TRUE(o.status.ok()) << Describe(o);
    return {response.campaigns().begin(), response.campaigns().end()};
  }

  hv1::ReportHazardRequest Finding(const std::string& campaign,
                                   const std::string& community = "GS01-C02") {
    hv1::ReportHazardRequest request =
        NewHazard(community, hv1::HAZARD_TYPE_FIRE_LANE, hv1::HAZARD_SOURCE_CAMPAIGN);
    request.mutable_hazard()->set_campaign_id(campaign);
    return request;
  }

  // ---- Indicators ----

  std::map<std::string, gv1::Indicator> April(const std::string& street = "") {
    return h_.Indicators(kAdmin, Month(2026, 4), Region(street));
  }

  FakeClock clock_;
  gov::testing::TrackHarness h_{kTrack, &clock_, Tokens()};
  std::unique_ptr<hv1::HazardService::Stub> stub_;
  int counter_ = 0;
};

// ---- Reporting ----

TEST_F(HazardTest, AHazardIsReportedOpenWithItsDeadlineAndARetryReturnsIt) {
  hv1::ReportHazardRequest request = NewHazard("GS01-C01");
  // Output fields are the server's: whatever the caller sends there is ignored.
  hv1::Hazard* sent = request.mutable_hazard();
  sent->set_id("HZ-000099");
  sent->set_status(hv1::HAZARD_STATUS_CLOSED);
  sent->set_inspection_id("IN-000001");
  *sent->mutable_deadline() = ToTimestamp(clock_.Now() + absl::Hours(1));
  *sent->mutable_due_time() = ToTimestamp(clock_.Now() + absl::Hours(1));
  sent->set_sla_breached(true);
  sent->set_rectification("已整改");
  sent->set_rectified_in_time(true);
  sent->mutable_handover()->set_agency("区公安分局");
  sent->set_etag("v7");

  const hv1::Hazard h = Report(request);
  EXPECT_EQ(h.id(), "HZ-000001");
  EXPECT_EQ(h.status(), hv1::HAZARD_STATUS_OPEN);
  EXPECT_EQ(h.type(), hv1::HAZARD_TYPE_FIRE_LANE);
  EXPECT_EQ(h.source(), hv1::HAZARD_SOURCE_GRID_PATROL);
  EXPECT_EQ(h.severity(), hv1::SEVERITY_GENERAL);
  EXPECT_EQ(h.region().street_id(), "GS01");
  EXPECT_EQ(h.region().community_id(), "GS01-C01");
  EXPECT_EQ(h.description(), "小区消防车通道被私家车占用（测试）");
  EXPECT_EQ(h.reporter(), "网格员赵某");
  EXPECT_TRUE(h.inspection_id().empty());
  EXPECT_TRUE(h.rectification().empty());
  EXPECT_FALSE(h.rectified_in_time());
  EXPECT_FALSE(h.has_handover());
  EXPECT_FALSE(h.sla_breached());
  EXPECT_EQ(h.etag(), "v1");
  EXPECT_EQ(FromTimestamp(h.create_time()), clock_.Now());
  EXPECT_EQ(FromTimestamp(h.deadline()), clock_.Now() + 15 * kDay);
  EXPECT_EQ(FromTimestamp(h.due_time()), FromTimestamp(h.deadline()));
  EXPECT_EQ(h.history_size(), 0);  // GetHazard's

  // A retry, minutes later: the same hazard, its deadline as first set; nothing new stored.
  const std::string before = h_.StoreSnapshot();
  clock_.Advance(absl::Minutes(7));
  const hv1::Hazard retried = Report(request);
  EXPECT_EQ(retried.id(), h.id());
  EXPECT_EQ(FromTimestamp(retried.deadline()), FromTimestamp(h.deadline()));
  EXPECT_EQ(h_.StoreSnapshot(), before);
  // The same request id with another hazard is refused.
  hv1::ReportHazardRequest other = request;
  other.mutable_hazard()->set_description("另一处隐患");
  ExpectRefused(TryReport(kOperator1, other), grpc::StatusCode::ALREADY_EXISTS, "");

  const hv1::Hazard got = Get(h.id(), kOperator1);
  EXPECT_EQ(got.reporter(), "网格员赵某");
  EXPECT_THAT(Actions(got), ElementsAre("Create"));
}

TEST_F(HazardTest, AWrongReportIsRefusedNamingTheFieldAndWritesNothing) {
  const hv1::Campaign fire =
      OpenCampaign(NewCampaign("", "2026-04-01", "2026-04-30", hv1::HAZARD_TYPE_FIRE));
  const hv1::Campaign elsewhere = OpenCampaign(NewCampaign("GS02"));

  using Row = Refusal<hv1::ReportHazardRequest>;
  auto hazard = [](hv1::ReportHazardRequest& q) { return q.mutable_hazard(); };
  ExpectRefusals<hv1::ReportHazardRequest>(
      h_, NewHazard(),
      {
          Row{"no request id", [](auto& q) { q.clear_request_id(); }, "request_id"},
          Row{"a request id too long", [](auto& q) { q.set_request_id(std::string(129, 'r')); },
              "request_id"},
          Row{"no type", [&](auto& q) { hazard(q)->clear_type(); }, "hazard.type"},
          Row{"a type that is none",
              [&](auto& q) { hazard(q)->set_type(static_cast<hv1::HazardType>(99)); },
              "hazard.type"},
          Row{"no source", [&](auto& q) { hazard(q)->clear_source(); }, "hazard.source"},
          Row{"an inspection's finding",
              [&](auto& q) { hazard(q)->set_source(hv1::HAZARD_SOURCE_INSPECTION); },
              "hazard.source"},
          Row{"no severity", [&](auto& q) { hazard(q)->clear_severity(); }, "hazard.severity"},
          Row{"no street", [&](auto& q) { hazard(q)->mutable_region()->clear_street_id(); },
              "hazard.region.street_id"},
          Row{"an unknown street", [&](auto& q) { *hazard(q)->mutable_region() = Region("GS99"); },
              "hazard.region.street_id"},
          Row{"a community of another street",
              [&](auto& q) { *hazard(q)->mutable_region() = Region("GS01", "GS02-C01"); },
              "hazard.region.community_id"},
          Row{"a grid of another community",
              [&](auto& q) {
                *hazard(q)->mutable_region() = Region("GS01", "GS01-C01", "GS01-C02-G01");
              },
              "hazard.region.grid_id"},
          Row{"no description", [&](auto& q) { hazard(q)->clear_description(); },
              "hazard.description"},
          Row{"a description too long",
              [&](auto& q) { hazard(q)->set_description(std::string(2001, 'd')); },
              "hazard.description"},
          Row{"a reporter too long",
              [&](auto& q) { hazard(q)->set_reporter(std::string(101, 'p')); }, "hazard.reporter"},
          Row{"an enterprise id that is none",
              [&](auto& q) { hazard(q)->set_enterprise_id(std::string(65, 'E')); },
              "hazard.enterprise_id"},
          Row{"a failed sample that is not food or drugs",
              [&](auto& q) { hazard(q)->set_source(hv1::HAZARD_SOURCE_SAMPLING); }, "hazard.type"},
          Row{"a campaign named for a patrol's finding",
              [&](auto& q) { hazard(q)->set_campaign_id(fire.id()); }, "hazard.campaign_id"},
          Row{"a campaign's finding without its campaign",
              [&](auto& q) { hazard(q)->set_source(hv1::HAZARD_SOURCE_CAMPAIGN); },
              "hazard.campaign_id"},
          Row{"an unknown campaign",
              [&](auto& q) {
                hazard(q)->set_source(hv1::HAZARD_SOURCE_CAMPAIGN);
                hazard(q)->set_campaign_id("CA-000099");
              },
              "hazard.campaign_id"},
          Row{"a campaign after another type",
              [&](auto& q) {
                hazard(q)->set_source(hv1::HAZARD_SOURCE_CAMPAIGN);
                hazard(q)->set_campaign_id(fire.id());
              },
              "hazard.type"},
          Row{"a campaign of another street",
              [&](auto& q) {
                hazard(q)->set_source(hv1::HAZARD_SOURCE_CAMPAIGN);
                hazard(q)->set_campaign_id(elsewhere.id());
              },
              "hazard.region.street_id"},
          Row{"a street outside the caller's",
              [&](auto& q) { *hazard(q)->mutable_region() = Region("GS02", "GS02-C01"); }, "",
              grpc::StatusCode::PERMISSION_DENIED},
      },
      [&](const hv1::ReportHazardRequest& q) { return TryReport(kOperator1, q); });

  // Who may report: street operators and inspectors of the street, systems; not viewers.
  ExpectRefused(TryReport(kViewer, NewHazard()), grpc::StatusCode::PERMISSION_DENIED, "");
  ExpectRefused(TryReport(kInspector1, NewHazard("GS02-C01")), grpc::StatusCode::PERMISSION_DENIED,
                "");
  EXPECT_EQ(Report(NewHazard(), kInspector1).status(), hv1::HAZARD_STATUS_OPEN);
  EXPECT_EQ(Report(NewHazard("GS02-C01"), kSystem).region().street_id(), "GS02");

  // The limits are characters: 2000 of them, Chinese or not, are accepted; a failed sample is a
  // food and drug hazard.
  hv1::ReportHazardRequest longest =
      NewHazard("GS01-C03", hv1::HAZARD_TYPE_FOOD_DRUG, hv1::HAZARD_SOURCE_SAMPLING);
  std::string text;
  for (int i = 0; i < 2000; ++i) text += "隐";
  longest.mutable_hazard()->set_description(text);
  longest.mutable_hazard()->set_reporter(std::string(100, 'p'));
  *longest.mutable_hazard()->mutable_region() = Region("GS01", "GS01-C03", "GS01-C03-G01");
  const hv1::Hazard sample = Report(longest);
  EXPECT_EQ(sample.description(), text);
  EXPECT_EQ(sample.source(), hv1::HAZARD_SOURCE_SAMPLING);
  EXPECT_EQ(sample.region().grid_id(), "GS01-C03-G01");
}

TEST_F(HazardTest, TheDeadlineIsTheSeveritysFromTheRulesAtTheTimeOfTheReport) {
  const hv1::Hazard general = Report(NewHazard());
  EXPECT_EQ(FromTimestamp(general.deadline()), Local(2026, 4, 16, 9, 0));
  EXPECT_EQ(FromTimestamp(general.due_time()), Local(2026, 4, 16, 9, 0));

  clock_.Set(Local(2026, 4, 3, 14, 30));
  const hv1::Hazard major = Report(
      NewHazard("GS01-C02", hv1::HAZARD_TYPE_GAS, hv1::HAZARD_SOURCE_REPORT, hv1::SEVERITY_MAJOR));
  EXPECT_EQ(major.severity(), hv1::SEVERITY_MAJOR);
  EXPECT_EQ(FromTimestamp(major.deadline()), Local(2026, 6, 2, 14, 30));
  EXPECT_EQ(FromTimestamp(major.due_time()), FromTimestamp(major.deadline()));
  EXPECT_EQ(FromTimestamp(major.create_time()), clock_.Now());

  // Read back as stored.
  EXPECT_EQ(FromTimestamp(Get(general.id()).deadline()), Local(2026, 4, 16, 9, 0));
  EXPECT_EQ(FromTimestamp(Get(major.id()).due_time()), Local(2026, 6, 2, 14, 30));
}

// ---- The life of a hazard ----

TEST_F(HazardTest, AHazardIsRectifiedVerifiedAndClosedWithItsHistory) {
  hv1::Hazard h = Report(NewHazard());
  const hv1::Hazard other_street = Report(NewHazard("GS02-C01"), kOperator2);

  // Out of order, stale, or another street's: refused, nothing written.
  const std::string before = h_.StoreSnapshot();
  ExpectRefused(Verify(h, true, ""), grpc::StatusCode::FAILED_PRECONDITION, "");
  ExpectRefused(Close(h), grpc::StatusCode::FAILED_PRECONDITION, "");
  hv1::Hazard stale = h;
  stale.set_etag("v9");
  ExpectRefused(Rectify(stale), grpc::StatusCode::ABORTED, "");
  stale.clear_etag();
  ExpectInvalid(Rectify(stale), "etag");
  ExpectInvalid(Rectify(h, nullptr, kOperator1, ""), "rectification");
  ExpectInvalid(Rectify(h, nullptr, kOperator1, std::string(2001, 'r')), "rectification");
  ExpectRefused(Rectify(h, nullptr, kOperator2), grpc::StatusCode::PERMISSION_DENIED, "");
  ExpectRefused(Rectify(h, nullptr, kViewer), grpc::StatusCode::PERMISSION_DENIED, "");
  ExpectRefused(Rectify(other_street, nullptr, kInspector1), grpc::StatusCode::PERMISSION_DENIED,
                "");
  hv1::Hazard unknown = h;
  unknown.set_id("HZ-000099");
  ExpectRefused(Rectify(unknown), grpc::StatusCode::NOT_FOUND, "");
  EXPECT_EQ(h_.StoreSnapshot(), before);

  // Rectified in time: the verification's clock (working days) runs.
  clock_.Set(Local(2026, 4, 3, 10, 0));
  ASSERT_TRUE(Rectify(h, &h).status.ok());
  EXPECT_EQ(h.status(), hv1::HAZARD_STATUS_RECTIFIED);
  EXPECT_EQ(h.rectification(), "已清理通道，设置禁停标志");
  EXPECT_TRUE(h.rectified_in_time());
  EXPECT_EQ(FromTimestamp(h.deadline()), Local(2026, 4, 16, 9, 0));
  // Friday 3 April; 4 to 6 April are holidays: the fifth working day after is Monday 13 April.
  EXPECT_EQ(FromTimestamp(h.due_time()), Local(2026, 4, 14, 0, 0));
  EXPECT_EQ(h.history_size(), 0);
  ExpectRefused(Rectify(h), grpc::StatusCode::FAILED_PRECONDITION, "");

  // Verified by an inspector (not a street operator): no clock any more.
  ExpectRefused(Verify(h, true, "", nullptr, kOperator1), grpc::StatusCode::PERMISSION_DENIED, "");
  ExpectInvalid(Verify(h, true, std::string(2001, 'n')), "note");
  clock_.Set(Local(2026, 4, 7, 10, 0));
  ASSERT_TRUE(Verify(h, true, "复查合格", &h).status.ok());
  EXPECT_EQ(h.status(), hv1::HAZARD_STATUS_VERIFIED);
  EXPECT_FALSE(h.has_due_time());
  EXPECT_FALSE(h.sla_breached());

  // Closed.
  ExpectInvalid(Close(h, nullptr, kOperator1, std::string(2001, 'n')), "note");
  clock_.Set(Local(2026, 4, 8, 10, 0));
  ASSERT_TRUE(Close(h, &h).status.ok());
  EXPECT_EQ(h.status(), hv1::HAZARD_STATUS_CLOSED);
  ExpectRefused(Close(h), grpc::StatusCode::FAILED_PRECONDITION, "");
  ExpectRefused(Rectify(h), grpc::StatusCode::FAILED_PRECONDITION, "");

  const hv1::Hazard read = Get(h.id(), kOperator1);
  EXPECT_EQ(read.status(), hv1::HAZARD_STATUS_CLOSED);
  EXPECT_EQ(read.etag(), h.etag());
  EXPECT_THAT(Actions(read), ElementsAre("Create", kRectify, kVerify, kClose));
  ASSERT_EQ(read.history_size(), 4);
  EXPECT_EQ(read.history(1).from_status(), kOpen);
  EXPECT_EQ(read.history(1).to_status(), kRectified);
  EXPECT_EQ(read.history(1).actor(), "operator-gs01");
  EXPECT_EQ(read.history(1).note(), "已清理通道，设置禁停标志");
  EXPECT_EQ(FromTimestamp(read.history(1).time()), Local(2026, 4, 3, 10, 0));
  EXPECT_EQ(read.history(2).actor(), "inspector-gs01");
  EXPECT_EQ(read.history(2).to_status(), kVerified);
  EXPECT_EQ(read.history(3).to_status(), kClosed);
}

TEST_F(HazardTest, ARectificationIsInTimeUpToTheDeadlineAndLateAfter) {
  hv1::Hazard on_the_day = Report(NewHazard());
  hv1::Hazard late = Report(NewHazard("GS01-C02"));
  const absl::Time deadline = FromTimestamp(on_the_day.deadline());
  ASSERT_EQ(FromTimestamp(late.deadline()), deadline);

  clock_.Set(deadline);
  ASSERT_TRUE(Rectify(on_the_day, &on_the_day, kInspector1).status.ok());
  EXPECT_TRUE(on_the_day.rectified_in_time());
  clock_.Set(deadline + absl::Seconds(1));
  ASSERT_TRUE(Rectify(late, &late).status.ok());
  EXPECT_EQ(late.status(), hv1::HAZARD_STATUS_RECTIFIED);
  EXPECT_FALSE(late.rectified_in_time());

  EXPECT_THAT(Actions(Get(on_the_day.id())), ElementsAre("Create", kRectify));
  EXPECT_THAT(Actions(Get(late.id())), ElementsAre("Create", kRectifyLate));
  const auto indicators = April();
  EXPECT_EQ(indicators.at("hazards_rectified_on_time").actual(), 5000);
}

TEST_F(HazardTest, ARejectionPutsTheOriginalDeadlineBackAndTheScanFlagsItOnceItPassed) {
  hv1::Hazard h = Report(NewHazard());
  const absl::Time deadline = FromTimestamp(h.deadline());

  clock_.Set(Local(2026, 4, 3, 10, 0));
  ASSERT_TRUE(Rectify(h, &h).status.ok());
  const absl::Time verification_due = FromTimestamp(h.due_time());
  ASSERT_LT(verification_due, deadline);

  // Not verified in time: the verification's clock is breached.
  clock_.Set(verification_due + absl::Seconds(1));
  Scan();
  h = Get(h.id());
  EXPECT_EQ(h.status(), hv1::HAZARD_STATUS_RECTIFIED);
  EXPECT_TRUE(h.sla_breached());

  // Rejected (the reason required): open again against the deadline it was found with, the
  // breach of the verification's clock behind it.
  ExpectInvalid(Verify(h, false, ""), "note");
  ASSERT_TRUE(Verify(h, false, "整改不彻底，通道仍被占用", &h).status.ok());
  EXPECT_EQ(h.status(), hv1::HAZARD_STATUS_OPEN);
  EXPECT_EQ(FromTimestamp(h.due_time()), deadline);
  EXPECT_EQ(FromTimestamp(h.deadline()), deadline);
  EXPECT_FALSE(h.sla_breached());
  Scan();
  EXPECT_FALSE(Get(h.id()).sla_breached());

  // The deadline passes with the hazard open: flagged again.
  clock_.Set(deadline + absl::Seconds(1));
  Scan();
  h = Get(h.id());
  EXPECT_TRUE(h.sla_breached());
  EXPECT_EQ(FromTimestamp(h.due_time()), deadline);
  EXPECT_THAT(Actions(h),
              ElementsAre("Create", kRectify, cases::kBreachAction, kReject, cases::kBreachAction));

  // Rectified again, now late.
  ASSERT_TRUE(Rectify(h, &h).status.ok());
  EXPECT_FALSE(h.rectified_in_time());
  EXPECT_FALSE(h.sla_breached());
  EXPECT_THAT(Actions(Get(h.id())), ElementsAre("Create", kRectify, cases::kBreachAction, kReject,
                                                cases::kBreachAction, kRectifyLate));

  // Rejected after the deadline: open and past it at once, flagged by the next scan.
  clock_.Advance(kDay);
  ASSERT_TRUE(Verify(h, false, "仍未整改到位", &h).status.ok());
  EXPECT_EQ(FromTimestamp(h.due_time()), deadline);
  EXPECT_FALSE(h.sla_breached());
  Scan();
  EXPECT_TRUE(Get(h.id()).sla_breached());
}

TEST_F(HazardTest, TheBreachScanFlagsAnOpenHazardPastItsDeadline) {
  const hv1::Hazard general = Report(NewHazard());
  const hv1::Hazard major = Report(NewHazard("GS01-C02", hv1::HAZARD_TYPE_GAS,
                                             hv1::HAZARD_SOURCE_GRID_PATROL, hv1::SEVERITY_MAJOR));
  const absl::Time deadline = FromTimestamp(general.deadline());

  clock_.Set(deadline - absl::Seconds(1));
  Scan();
  EXPECT_FALSE(Get(general.id()).sla_breached());

  clock_.Set(deadline + absl::Seconds(1));
  Scan();
  const hv1::Hazard flagged = Get(general.id());
  EXPECT_TRUE(flagged.sla_breached());
  EXPECT_EQ(flagged.status(), hv1::HAZARD_STATUS_OPEN);
  EXPECT_THAT(Actions(flagged), ElementsAre("Create", cases::kBreachAction));
  EXPECT_FALSE(Get(major.id()).sla_breached());

  hv1::ListHazardsRequest breached;
  breached.set_breached_only(true);
  EXPECT_THAT(Ids(List(breached)), ElementsAre(general.id()));
  EXPECT_THAT(Ids(List(breached, kOperator2)), ElementsAre());

  const auto district = April();
  EXPECT_EQ(district.at("overdue_hazards").actual(), 1);
  EXPECT_EQ(district.at("overdue_hazards").direction(), gv1::DIRECTION_LOWER_IS_BETTER);
  EXPECT_EQ(district.at("overdue_hazards").target_kind(), gv1::TARGET_KIND_UNSPECIFIED);
  EXPECT_EQ(district.at("open_hazards").actual(), 2);
  EXPECT_EQ(April("GS01").at("overdue_hazards").actual(), 1);
  EXPECT_EQ(April("GS02").at("overdue_hazards").actual(), 0);
}

TEST_F(HazardTest, AHazardIsHandedOverOnceInAnyStateAndItsHandlingGoesOn) {
  hv1::Hazard h =
      Report(NewHazard("GS01-C01", hv1::HAZARD_TYPE_FOOD_DRUG, hv1::HAZARD_SOURCE_SAMPLING));
  const hv1::Hazard elsewhere = Report(NewHazard("GS02-C01"), kOperator2);

  const std::string before = h_.StoreSnapshot();
  ExpectInvalid(HandOver(h, "", "公（刑）移字〔2026〕0001号"), "handover.agency");
  ExpectInvalid(HandOver(h, std::string(101, 'a'), "ref"), "handover.agency");
  ExpectInvalid(HandOver(h, "区公安分局", ""), "handover.reference");
  ExpectInvalid(HandOver(h, "区公安分局", std::string(101, 'r')), "handover.reference");
  ExpectRefused(HandOver(h, "区公安分局", "ref", nullptr, kOperator1),
                grpc::StatusCode::PERMISSION_DENIED, "");
  ExpectRefused(HandOver(elsewhere, "区公安分局", "ref"), grpc::StatusCode::PERMISSION_DENIED, "");
  EXPECT_EQ(h_.StoreSnapshot(), before);

  clock_.Set(Local(2026, 4, 2, 11, 0));
  const google::protobuf::Timestamp due = h.due_time();
  ASSERT_TRUE(HandOver(h, "区公安分局食药环侦大队", "公（刑）移字〔2026〕0001号", &h).status.ok());
  EXPECT_EQ(h.status(), hv1::HAZARD_STATUS_OPEN);
  EXPECT_EQ(h.handover().agency(), "区公安分局食药环侦大队");
  EXPECT_EQ(h.handover().reference(), "公（刑）移字〔2026〕0001号");
  EXPECT_EQ(FromTimestamp(h.handover().time()), clock_.Now());
  EXPECT_EQ(FromTimestamp(h.due_time()), FromTimestamp(due));  // its clock runs on
  ExpectRefused(HandOver(h, "区公安分局", "another"), grpc::StatusCode::FAILED_PRECONDITION, "");

  // The handling goes on, the hand-over kept.
  ASSERT_TRUE(Rectify(h, &h).status.ok());
  EXPECT_EQ(h.handover().agency(), "区公安分局食药环侦大队");
  const hv1::Hazard read = Get(h.id());
  EXPECT_THAT(Actions(read), ElementsAre("Create", kHandOver, kRectify));
  EXPECT_EQ(read.history(1).from_status(), kOpen);
  EXPECT_EQ(read.history(1).to_status(), kOpen);
  ExpectRefused(HandOver(read, "区公安分局", "another"), grpc::StatusCode::FAILED_PRECONDITION, "");

  // A closed hazard may be handed over too.
  hv1::Hazard closed = Clear(Report(NewHazard("GS01-C02")), /*close=*/true);
  ASSERT_EQ(closed.status(), hv1::HAZARD_STATUS_CLOSED);
  ASSERT_TRUE(HandOver(closed, "区公安分局", "公（刑）移字〔2026〕0002号", &closed).status.ok());
  EXPECT_EQ(closed.status(), hv1::HAZARD_STATUS_CLOSED);

  EXPECT_EQ(April().at("criminal_handovers").actual(), 2);
  EXPECT_EQ(April("GS02").at("criminal_handovers").actual(), 0);
}

// ---- Campaigns ----

TEST_F(HazardTest, ACampaignIsOpenedForTheDistrictOrAStreetAndRefusedWhenWrong) {
  const hv1::OpenCampaignRequest request = NewCampaign();
  const hv1::Campaign district = OpenCampaign(request);
  EXPECT_EQ(district.id(), "CA-000001");
  EXPECT_EQ(district.name(), "打通\"生命通道\"集中攻坚行动");
  EXPECT_EQ(district.type(), hv1::HAZARD_TYPE_FIRE_LANE);
  EXPECT_TRUE(district.street_id().empty());
  EXPECT_EQ(district.first_day(), "2026-04-01");
  EXPECT_EQ(district.last_day(), "2026-04-30");
  EXPECT_EQ(district.found(), 0);
  EXPECT_EQ(district.cleared(), 0);
  EXPECT_FALSE(district.etag().empty());
  EXPECT_EQ(OpenCampaign(request).id(), district.id());  // a retry

  using Row = Refusal<hv1::OpenCampaignRequest>;
  ExpectRefusals<hv1::OpenCampaignRequest>(
      h_, NewCampaign(),
      {
          Row{"no request id", [](auto& q) { q.clear_request_id(); }, "request_id"},
          Row{"no name", [](auto& q) { q.mutable_campaign()->clear_name(); }, "campaign.name"},
          Row{"a name too long",
              [](auto& q) { q.mutable_campaign()->set_name(std::string(201, 'n')); },
              "campaign.name"},
          Row{"no type", [](auto& q) { q.mutable_campaign()->clear_type(); }, "campaign.type"},
          Row{"an unknown street", [](auto& q) { q.mutable_campaign()->set_street_id("GS99"); },
              "campaign.street_id"},
          Row{"a day that is none",
              [](auto& q) { q.mutable_campaign()->set_first_day("2026-02-30"); },
              "campaign.first_day"},
          Row{"no last day", [](auto& q) { q.mutable_campaign()->clear_last_day(); },
              "campaign.last_day"},
          Row{"ends before it starts",
              [](auto& q) { q.mutable_campaign()->set_last_day("2026-03-31"); },
              "campaign.last_day"},
          Row{"over already",
              [](auto& q) {
                q.mutable_campaign()->set_first_day("2026-03-01");
                q.mutable_campaign()->set_last_day("2026-03-31");
              },
              "campaign.last_day"},
      },
      [&](const hv1::OpenCampaignRequest& q) { return TryOpenCampaign(kAdmin, q); });
  // The district opens campaigns, and its systems; no street operator.
  ExpectRefused(TryOpenCampaign(kOperator1, NewCampaign("GS01")),
                grpc::StatusCode::PERMISSION_DENIED, "");

  // A street's campaign is its street's to read; the district's every caller's.
  const hv1::Campaign street = OpenCampaign(NewCampaign("GS02"), kSystem);
  EXPECT_EQ(street.street_id(), "GS02");
  EXPECT_EQ(GetCampaign(district.id(), kViewer).name(), district.name());
  EXPECT_EQ(GetCampaign(district.id(), kOperator1).id(), district.id());
  EXPECT_EQ(GetCampaign(street.id(), kOperator2).street_id(), "GS02");
  ExpectRefused(TryGetCampaign(kOperator1, street.id()), grpc::StatusCode::PERMISSION_DENIED, "");
  ExpectRefused(TryGetCampaign(kAdmin, "CA-000099"), grpc::StatusCode::NOT_FOUND, "");
  auto ids = [](const std::vector<hv1::Campaign>& campaigns) {
    std::vector<std::string> out;
    for (const hv1::Campaign& c : campaigns) out.push_back(c.id());
    return out;
  };
  EXPECT_THAT(ids(Campaigns(kOperator1)), ElementsAre(district.id()));
  EXPECT_THAT(ids(Campaigns(kOperator2)), ElementsAre(district.id(), street.id()));
  EXPECT_THAT(ids(Campaigns(kAdmin)), ElementsAre(district.id(), street.id()));

  // Pages by id, like every list.
  for (int i = 0; i < 3; ++i) OpenCampaign(NewCampaign("", "2026-05-01", "2026-05-31"));
  const std::vector<std::string> all = ExpectPagesLikeEveryList(
      [&](int32_t size, const std::string& token, std::vector<std::string>* page,
          std::string* next) {
        hv1::ListCampaignsRequest list;
        list.set_page_size(size);
        list.set_page_token(token);
        hv1::ListCampaignsResponse response;
        Outcome o = Rpc(kViewer, [&](grpc::ClientContext* c) {
          return stub_->ListCampaigns(c, list, &response);
        });
        for (const hv1::Campaign& c : response.campaigns()) page->push_back(c.id());
        *next = response.next_page_token();
        return o;
      },
      5);
  EXPECT_EQ(all.front(), district.id());
}

TEST_F(HazardTest, ACampaignTakesFindingsOfItsTypeInItsDaysAndCountsThem) {
  const hv1::Campaign district = OpenCampaign(NewCampaign());
  const hv1::Campaign gs02 = OpenCampaign(NewCampaign("GS02"));
  const hv1::Campaign later = OpenCampaign(NewCampaign("", "2026-04-10", "2026-04-20"));

  hv1::Hazard first = Report(Finding(district.id()));
  EXPECT_EQ(first.source(), hv1::HAZARD_SOURCE_CAMPAIGN);
  EXPECT_EQ(first.campaign_id(), district.id());
  hv1::Hazard second = Report(Finding(district.id(), "GS01-C03"), kInspector1);
  const hv1::Hazard third = Report(Finding(district.id(), "GS02-C01"), kOperator2);
  const hv1::Hazard in_gs02 = Report(Finding(gs02.id(), "GS02-C02"), kOperator2);
  // Not findings of the campaign: a blocked lane found by patrol, a finding of another campaign.
  const hv1::Hazard patrol = Report(NewHazard("GS01-C04"));
  ExpectRefused(TryReport(kOperator1, Finding(gs02.id())), grpc::StatusCode::INVALID_ARGUMENT,
                "hazard.region.street_id");

  // Before and after its days: refused.
  const std::string before = h_.StoreSnapshot();
  ExpectRefused(TryReport(kOperator1, Finding(later.id())), grpc::StatusCode::FAILED_PRECONDITION,
                "");
  clock_.Set(Local(2026, 4, 21, 0, 0));
  ExpectRefused(TryReport(kOperator1, Finding(later.id())), grpc::StatusCode::FAILED_PRECONDITION,
                "");
  EXPECT_EQ(h_.StoreSnapshot(), before);
  clock_.Set(Local(2026, 4, 10, 0, 0));
  const hv1::Hazard on_the_first_day = Report(Finding(later.id()));
  clock_.Set(Local(2026, 4, 20, 23, 59));
  Report(Finding(later.id(), "GS01-C05"));

  // Cleared: verified, or closed after.
  first = Clear(first, /*close=*/false);
  second = Clear(second, /*close=*/true);
  ASSERT_TRUE(Rectify(third, nullptr, kOperator2).status.ok());
  Clear(patrol, /*close=*/true);

  hv1::Campaign counted = GetCampaign(district.id(), kOperator1);
  EXPECT_EQ(counted.found(), 3);
  EXPECT_EQ(counted.cleared(), 2);
  counted = GetCampaign(gs02.id(), kOperator2);
  EXPECT_EQ(counted.found(), 1);
  EXPECT_EQ(counted.cleared(), 0);
  const std::vector<hv1::Campaign> listed = Campaigns(kAdmin);
  ASSERT_EQ(listed.size(), 3u);
  EXPECT_EQ(listed[0].found(), 3);
  EXPECT_EQ(listed[0].cleared(), 2);
  EXPECT_EQ(listed[1].found(), 1);
  EXPECT_EQ(listed[2].id(), later.id());
  EXPECT_EQ(listed[2].found(), 2);
  EXPECT_EQ(listed[2].cleared(), 0);
  EXPECT_EQ(Get(on_the_first_day.id()).campaign_id(), later.id());
  EXPECT_EQ(Get(in_gs02.id(), kOperator2).campaign_id(), gs02.id());
}

// ---- Indicators ----

TEST_F(HazardTest, TheIndicatorsAreTheHandCounts) {
  // Found on 1 April (deadline 16 April for the general ones):
  hv1::Hazard fl1 = Report(NewHazard("GS01-C01"));
  hv1::Hazard fl2 = Report(NewHazard("GS01-C02"));
  const hv1::Hazard fl3 = Report(NewHazard("GS01-C03"));
  hv1::Hazard s1 =
      Report(NewHazard("GS01-C01", hv1::HAZARD_TYPE_FOOD_DRUG, hv1::HAZARD_SOURCE_SAMPLING));
  hv1::Hazard s2 =
      Report(NewHazard("GS01-C02", hv1::HAZARD_TYPE_FOOD_DRUG, hv1::HAZARD_SOURCE_SAMPLING));
  hv1::Hazard r1 =
      Report(NewHazard("GS01-C04", hv1::HAZARD_TYPE_FOOD_DRUG, hv1::HAZARD_SOURCE_REPORT));
  const hv1::Hazard s3 = Report(NewHazard("GS02-C01", hv1::HAZARD_TYPE_FOOD_DRUG,
                                          hv1::HAZARD_SOURCE_SAMPLING, hv1::SEVERITY_MAJOR),
                                kOperator2);
  hv1::Hazard fl4 = Report(NewHazard("GS02-C02"), kOperator2);
  // Found in March: outside April's counts.
  clock_.Set(Local(2026, 3, 20, 9, 0));
  hv1::Hazard march =
      Report(NewHazard("GS01-C05", hv1::HAZARD_TYPE_FOOD_DRUG, hv1::HAZARD_SOURCE_SAMPLING));
  clock_.Set(Local(2026, 3, 25, 9, 0));
  ASSERT_TRUE(Rectify(march, &march).status.ok());

  auto at = [&](int day) { clock_.Set(Local(2026, 4, day, 10, 0)); };
  at(2);
  ASSERT_TRUE(HandOver(s1, "区公安分局", "公（刑）移字〔2026〕0003号", &s1).status.ok());
  ASSERT_TRUE(Rectify(fl4, &fl4, kOperator2).status.ok());
  at(3);
  ASSERT_TRUE(Rectify(fl1, &fl1).status.ok());
  ASSERT_TRUE(Rectify(r1, &r1).status.ok());
  ASSERT_TRUE(Verify(fl4, true, "", &fl4, kAdmin).status.ok());
  at(4);
  ASSERT_TRUE(Verify(fl1, true, "", &fl1).status.ok());
  ASSERT_TRUE(Verify(r1, true, "", &r1).status.ok());
  at(5);
  ASSERT_TRUE(Rectify(s1, &s1).status.ok());
  ASSERT_TRUE(Rectify(s2, &s2).status.ok());
  at(6);
  ASSERT_TRUE(Verify(s1, true, "", &s1).status.ok());
  ASSERT_TRUE(Verify(s2, false, "不合格产品未下架", &s2).status.ok());
  at(17);
  ASSERT_TRUE(Rectify(fl2, &fl2).status.ok());  // late
  at(18);
  ASSERT_TRUE(Verify(fl2, true, "", &fl2).status.ok());
  at(19);
  ASSERT_TRUE(Close(fl2, &fl2).status.ok());
  at(20);
  ASSERT_TRUE(Rectify(s2, &s2).status.ok());  // in time first, late after the rejection
  Scan();

  // Rectified (the last report in April by the deadline): fl1, s1, r1, fl4 of fl1, fl2, s1, s2,
  // r1, fl4. Blocked lanes found in April cleared: fl1, fl2, fl4 of four. Failed samples found in
  // April disposed of: s1 of s1, s2, s3. Not yet cleared by the end of April, whenever found:
  // fl3, s2 (rectified), s3 and March's sample (rectified); overdue: fl3 (s3 is major, due 31
  // May). Handed over: s1.
  const auto district = April();
  EXPECT_EQ(district.at("hazards_rectified_on_time").actual(), 6667);
  EXPECT_EQ(district.at("fire_lane_findings_cleared").actual(), 7500);
  EXPECT_EQ(district.at("failed_samples_disposed_rate").actual(), 3333);
  EXPECT_EQ(district.at("open_hazards").actual(), 4);
  EXPECT_EQ(district.at("overdue_hazards").actual(), 1);
  EXPECT_EQ(district.at("criminal_handovers").actual(), 1);
  // The targets are the targets file's.
  const gv1::Indicator& on_time = district.at("hazards_rectified_on_time");
  EXPECT_EQ(on_time.target_kind(), gv1::TARGET_KIND_RATE);
  EXPECT_EQ(on_time.target(), 9000);
  EXPECT_EQ(on_time.target_source(), gv1::TARGET_SOURCE_DISTRICT);
  EXPECT_EQ(on_time.colour(), gv1::COLOUR_RED);
  EXPECT_EQ(district.at("failed_samples_disposed_rate").target(), 10000);
  EXPECT_EQ(district.at("failed_samples_disposed_rate").plan_clause(),
            "抽检不合格食品处置率达到100%");
  EXPECT_EQ(district.at("fire_lane_findings_cleared").target(), 10000);
  EXPECT_EQ(district.at("open_hazards").target_kind(), gv1::TARGET_KIND_UNSPECIFIED);

  const auto gs01 = April("GS01");
  EXPECT_EQ(gs01.at("hazards_rectified_on_time").actual(), 6000);
  EXPECT_EQ(gs01.at("fire_lane_findings_cleared").actual(), 6667);
  EXPECT_EQ(gs01.at("failed_samples_disposed_rate").actual(), 5000);
  EXPECT_EQ(gs01.at("open_hazards").actual(), 3);
  EXPECT_EQ(gs01.at("overdue_hazards").actual(), 1);
  EXPECT_EQ(gs01.at("criminal_handovers").actual(), 1);

  const auto gs02 = April("GS02");
  EXPECT_EQ(gs02.at("hazards_rectified_on_time").actual(), 10000);
  EXPECT_EQ(gs02.at("hazards_rectified_on_time").colour(), gv1::COLOUR_GREEN);
  EXPECT_EQ(gs02.at("fire_lane_findings_cleared").actual(), 10000);
  EXPECT_TRUE(gs02.at("failed_samples_disposed_rate").has_data());
  EXPECT_EQ(gs02.at("failed_samples_disposed_rate").actual(), 0);
  EXPECT_EQ(gs02.at("open_hazards").actual(), 1);
  EXPECT_EQ(gs02.at("overdue_hazards").actual(), 0);

  // Nothing found in a street: no rate.
  const auto gs03 = April("GS03");
  EXPECT_FALSE(gs03.at("hazards_rectified_on_time").has_data());
  EXPECT_FALSE(gs03.at("fire_lane_findings_cleared").has_data());
  EXPECT_FALSE(gs03.at("failed_samples_disposed_rate").has_data());
  EXPECT_EQ(gs03.at("open_hazards").actual(), 0);

  // March: the sample found then, rectified in time, still to be verified.
  const auto march_values = h_.Indicators(kAdmin, Month(2026, 3));
  EXPECT_EQ(march_values.at("failed_samples_disposed_rate").actual(), 0);
  EXPECT_EQ(march_values.at("hazards_rectified_on_time").actual(), 10000);
  EXPECT_EQ(march_values.at("open_hazards").actual(), 1);
}

// ---- Scope and personal data ----

TEST_F(HazardTest, CallersReadTheirStreetsAndOnlyTheWorkingRolesSeeTheReporter) {
  hv1::Hazard h = Report(NewHazard());
  ASSERT_TRUE(Rectify(h, &h, kOperator1, "已清理").status.ok());
  const hv1::Hazard gs02 = Report(NewHazard("GS02-C01"), kOperator2);

  for (const char* token : {kAdmin, kOperator1, kInspector1, kSystem}) {
    SCOPED_TRACE(token);
    const hv1::Hazard read = Get(h.id(), token);
    EXPECT_EQ(read.reporter(), "网格员赵某");
    ASSERT_EQ(read.history_size(), 2);
    EXPECT_EQ(read.history(1).note(), "已清理");
  }
  const hv1::Hazard seen_by_viewer = Get(h.id(), kViewer);
  EXPECT_TRUE(seen_by_viewer.reporter().empty());
  EXPECT_EQ(seen_by_viewer.description(), h.description());
  ASSERT_EQ(seen_by_viewer.history_size(), 2);
  EXPECT_TRUE(seen_by_viewer.history(1).note().empty());
  hv1::ListHazardsRequest all;
  const std::vector<hv1::Hazard> listed = List(all, kViewer);
  ASSERT_EQ(listed.size(), 2u);
  for (const hv1::Hazard& l : listed) EXPECT_TRUE(l.reporter().empty()) << l.id();

  // Another street's hazard: neither read nor listed.
  ExpectRefused(TryGet(kOperator2, h.id()), grpc::StatusCode::PERMISSION_DENIED, "");
  ExpectRefused(TryGet(kInspector1, gs02.id()), grpc::StatusCode::PERMISSION_DENIED, "");
  EXPECT_THAT(Ids(List(all, kOperator2)), ElementsAre(gs02.id()));
  EXPECT_THAT(Ids(List(all, kInspector1)), ElementsAre(h.id()));
  hv1::ListHazardsRequest of_gs01;
  *of_gs01.mutable_region() = Region("GS01");
  ExpectRefused(TryList(kOperator2, of_gs01), grpc::StatusCode::PERMISSION_DENIED, "");
  ExpectRefused(TryGet(kAdmin, "HZ-000099"), grpc::StatusCode::NOT_FOUND, "");
  ExpectInvalid(TryGet(kAdmin, ""), "id");
}

TEST_F(HazardTest, HazardsAreListedNewestFirstByStatusTypeRegionAndPeriod) {
  clock_.Set(Local(2026, 3, 31, 9, 0));
  const hv1::Hazard march = Report(NewHazard("GS01-C01", hv1::HAZARD_TYPE_GAS));
  clock_.Set(Local(2026, 4, 1, 9, 0));
  hv1::Hazard lane = Report(NewHazard("GS01-C01"));
  clock_.Advance(absl::Minutes(1));
  const hv1::Hazard sample =
      Report(NewHazard("GS01-C02", hv1::HAZARD_TYPE_FOOD_DRUG, hv1::HAZARD_SOURCE_SAMPLING));
  clock_.Advance(absl::Minutes(1));
  const hv1::Hazard gs02 = Report(NewHazard("GS02-C01"), kOperator2);
  ASSERT_TRUE(Rectify(lane, &lane).status.ok());

  hv1::ListHazardsRequest request;
  EXPECT_THAT(Ids(List(request)), ElementsAre(gs02.id(), sample.id(), lane.id(), march.id()));
  request.add_statuses(hv1::HAZARD_STATUS_OPEN);
  EXPECT_THAT(Ids(List(request)), ElementsAre(gs02.id(), sample.id(), march.id()));
  request.add_types(hv1::HAZARD_TYPE_FIRE_LANE);
  EXPECT_THAT(Ids(List(request)), ElementsAre(gs02.id()));
  request.clear_statuses();
  EXPECT_THAT(Ids(List(request)), ElementsAre(gs02.id(), lane.id()));
  *request.mutable_region() = Region("GS01", "GS01-C01");
  EXPECT_THAT(Ids(List(request)), ElementsAre(lane.id()));
  request.Clear();
  *request.mutable_period() = Month(2026, 3);
  EXPECT_THAT(Ids(List(request)), ElementsAre(march.id()));
  request.Clear();
  request.set_enterprise_id("EN-000001");
  EXPECT_THAT(Ids(List(request)), ElementsAre());

  // Pages newest first, each hazard once.
  std::vector<std::string> paged;
  std::string token;
  int pages = 0;
  do {
    hv1::ListHazardsRequest page;
    page.set_page_size(3);
    page.set_page_token(token);
    hv1::ListHazardsResponse response;
    ASSERT_TRUE(TryList(kAdmin, page, &response).status.ok());
    for (const hv1::Hazard& h : response.hazards()) paged.push_back(h.id());
    token = response.next_page_token();
    ++pages;
  } while (!token.empty() && pages < 10);
  EXPECT_EQ(pages, 2);
  EXPECT_THAT(paged, ElementsAre(gs02.id(), sample.id(), lane.id(), march.id()));

  hv1::ListHazardsRequest bad;
  bad.add_statuses(hv1::HAZARD_STATUS_UNSPECIFIED);
  ExpectInvalid(TryList(kAdmin, bad), "statuses[0]");
  bad.Clear();
  bad.add_types(hv1::HAZARD_TYPE_FIRE);
  bad.add_types(static_cast<hv1::HazardType>(99));
  ExpectInvalid(TryList(kAdmin, bad), "types[1]");
  bad.Clear();
  bad.set_page_size(-1);
  ExpectInvalid(TryList(kAdmin, bad), "page_size");
  bad.Clear();
  bad.set_enterprise_id(std::string(65, 'E'));
  ExpectInvalid(TryList(kAdmin, bad), "enterprise_id");
  bad.Clear();
  *bad.mutable_region() = Region("GS99");
  ExpectInvalid(TryList(kAdmin, bad), "region.street_id");
  bad.Clear();
  bad.set_page_token("bm90LWEtdG9rZW4");
  ExpectInvalid(TryList(kAdmin, bad), "page_token");
}

// ---- At an enterprise ----

TEST_F(HazardTest, AHazardAtAnEnterpriseIsAtItsPlace) {
  hv1::RegisterEnterpriseRequest register_request;
  register_request.set_request_id(Rid());
  hv1::Enterprise* e = register_request.mutable_enterprise();
  e->set_name("运河食品有限公司");
  e->set_sector(hv1::SECTOR_FOOD_PRODUCTION);
  *e->mutable_region() = Region("GS01", "GS01-C02");
  e->set_address("运河街道测试路1号");
  hv1::RegisterEnterpriseResponse registered;
  const Outcome o = Rpc(kOperator1, [&](grpc::ClientContext* c) {
    return stub_->RegisterEnterprise(c, register_request, &registered);
  });
  if (o.code() == grpc::StatusCode::UNIMPLEMENTED) {
    GTEST_SKIP() << "RegisterEnterprise is not implemented yet: " << Describe(o);
  }
  ASSERT_TRUE(o.status.ok()) << Describe(o);
  const std::string enterprise = registered.enterprise().id();

  hv1::ReportHazardRequest at =
      NewHazard("GS01-C02", hv1::HAZARD_TYPE_FOOD_DRUG, hv1::HAZARD_SOURCE_SAMPLING);
  at.mutable_hazard()->set_enterprise_id(enterprise);
  using Row = Refusal<hv1::ReportHazardRequest>;
  ExpectRefusals<hv1::ReportHazardRequest>(
      h_, at,
      {
          Row{"an unknown enterprise",
              [](auto& q) { q.mutable_hazard()->set_enterprise_id("EN-999999"); },
              "hazard.enterprise_id"},
          Row{"another street than the enterprise's",
              [](auto& q) { *q.mutable_hazard()->mutable_region() = Region("GS02", "GS02-C01"); },
              "hazard.region.street_id"},
          Row{"another community than the enterprise's",
              [](auto& q) { *q.mutable_hazard()->mutable_region() = Region("GS01", "GS01-C03"); },
              "hazard.region.community_id"},
      },
      [&](const hv1::ReportHazardRequest& q) { return TryReport(kAdmin, q); });

  const hv1::Hazard h = Report(at);
  EXPECT_EQ(h.enterprise_id(), enterprise);
  // Given the street alone, the hazard is at the enterprise's community.
  hv1::ReportHazardRequest street_only = at;
  street_only.set_request_id(Rid());
  *street_only.mutable_hazard()->mutable_region() = Region("GS01");
  EXPECT_EQ(Report(street_only).region().community_id(), "GS01-C02");
  Report(NewHazard("GS01-C02"));

  hv1::ListHazardsRequest of_enterprise;
  of_enterprise.set_enterprise_id(enterprise);
  EXPECT_EQ(List(of_enterprise).size(), 2u);
}

// ---- Demo ----

TEST_F(HazardTest, TheDemoHasTheCampaignAndHazardsOfEveryKindInEveryStreet) {
  const absl::Status loaded =
      LoadHazardDemo(track().deps(), track().rules(), track().engine(kTrack));
  ASSERT_TRUE(loaded.ok()) << loaded;

  const std::vector<hv1::Campaign> campaigns = Campaigns(kViewer);
  ASSERT_EQ(campaigns.size(), 1u);
  const hv1::Campaign& campaign = campaigns[0];
  EXPECT_EQ(campaign.name(), "打通\"生命通道\"集中攻坚行动");
  EXPECT_EQ(campaign.type(), hv1::HAZARD_TYPE_FIRE_LANE);
  EXPECT_EQ(campaign.first_day().substr(0, 4), "2026");
  EXPECT_EQ(campaign.found(), 2 * h_.regions().street_count());
  EXPECT_GT(campaign.cleared(), 0);
  EXPECT_LT(campaign.cleared(), campaign.found() + 1);

  hv1::ListHazardsRequest request;
  request.set_page_size(500);
  const std::vector<hv1::Hazard> hazards = List(request);
  EXPECT_EQ(hazards.size(), static_cast<size_t>(14 * h_.regions().street_count()));
  std::map<std::string, int> per_street;
  std::map<hv1::HazardStatus, int> statuses;
  std::set<hv1::HazardSource> sources;
  int late = 0;
  int handed_over = 0;
  int overdue = 0;
  for (const hv1::Hazard& h : hazards) {
    per_street[h.region().street_id()]++;
    statuses[h.status()]++;
    sources.insert(h.source());
    if (h.source() == hv1::HAZARD_SOURCE_SAMPLING) {
      EXPECT_EQ(h.type(), hv1::HAZARD_TYPE_FOOD_DRUG);
    }
    if (h.status() != hv1::HAZARD_STATUS_OPEN && !h.rectified_in_time()) ++late;
    if (h.has_handover()) ++handed_over;
    if (h.status() == hv1::HAZARD_STATUS_OPEN && FromTimestamp(h.deadline()) < clock_.Now()) {
      ++overdue;
      EXPECT_TRUE(h.sla_breached()) << h.id();
    }
    EXPECT_LE(FromTimestamp(h.create_time()), clock_.Now());
  }
  EXPECT_EQ(per_street.size(), static_cast<size_t>(h_.regions().street_count()));
  for (hv1::HazardStatus s : {hv1::HAZARD_STATUS_OPEN, hv1::HAZARD_STATUS_RECTIFIED,
                              hv1::HAZARD_STATUS_VERIFIED, hv1::HAZARD_STATUS_CLOSED}) {
    EXPECT_GT(statuses[s], 0) << s;
  }
  EXPECT_GT(statuses[hv1::HAZARD_STATUS_VERIFIED] + statuses[hv1::HAZARD_STATUS_CLOSED],
            static_cast<int>(hazards.size()) / 2);
  EXPECT_THAT(sources,
              UnorderedElementsAre(hv1::HAZARD_SOURCE_GRID_PATROL, hv1::HAZARD_SOURCE_REPORT,
                                   hv1::HAZARD_SOURCE_SAMPLING, hv1::HAZARD_SOURCE_CAMPAIGN));
  EXPECT_GT(late, 0);
  EXPECT_GT(handed_over, 0);
  EXPECT_LT(handed_over, static_cast<int>(hazards.size()) / 5);
  EXPECT_GT(overdue, 0);
  int rejected = 0;
  for (const hv1::Hazard& h : hazards) {
    if (h.status() == hv1::HAZARD_STATUS_CLOSED || h.status() == hv1::HAZARD_STATUS_VERIFIED) {
      const std::vector<std::string> actions = Actions(Get(h.id()));
      rejected += std::count(actions.begin(), actions.end(), kReject) > 0 ? 1 : 0;
    }
  }
  EXPECT_GT(rejected, 0);

  const auto year = h_.Indicators(kAdmin, gov::testing::Year(2026));
  EXPECT_TRUE(year.at("hazards_rectified_on_time").has_data());
  EXPECT_TRUE(year.at("fire_lane_findings_cleared").has_data());
  EXPECT_GT(year.at("open_hazards").actual(), 0);

  // Loaded once: a second load leaves the store as it is.
  const std::string before = h_.StoreSnapshot();
  const absl::Status again =
      LoadHazardDemo(track().deps(), track().rules(), track().engine(kTrack));
  ASSERT_TRUE(again.ok()) << again;
  EXPECT_EQ(h_.StoreSnapshot(), before);
}

// The spot checks' figures: every street and month of the year so far, so the spot-check rates
// read from recorded figures have data; loaded again, nothing changes.
TEST_F(HazardTest, TheDemoRecordsTheSpotChecksOfEveryStreetAndMonth) {
  const absl::Status loaded =
      LoadSpotCheckDemo(track().indicator_engine(), *track().deps().regions, clock_.Now());
  ASSERT_TRUE(loaded.ok()) << loaded;
  for (const std::string street : {"", "GS01", "GS11"}) {
    SCOPED_TRACE(street);
    for (const auto& period : {Month(2026, 1), Month(2026, 4)}) {
      const auto values = street.empty() ? h_.Indicators(kAdmin, period)
                                         : h_.Indicators(kAdmin, period, Region(street));
      for (const char* id : {"ebike_notification_rate", "helmet_wearing_rate"}) {
        const governance::v1::Indicator& rate = values.at(id);
        EXPECT_TRUE(rate.has_data()) << id;
        EXPECT_GT(rate.actual(), 7000) << id;
        EXPECT_LE(rate.actual(), 10000) << id;
        EXPECT_EQ(rate.freshness(), governance::v1::INDICATOR_FRESHNESS_RECORDED) << id;
      }
    }
  }
  const std::string before = h_.StoreSnapshot();
  ASSERT_TRUE(
      LoadSpotCheckDemo(track().indicator_engine(), *track().deps().regions, clock_.Now()).ok());
  EXPECT_EQ(h_.StoreSnapshot(), before);
}

}  // namespace
}  // namespace gov::hazard
