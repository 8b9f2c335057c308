// Monthly remediation campaigns (月度专项整治) of the disorder track end to end: the real track
// behind the real server over gRPC on loopback, on a SQLite file in a temp dir and a real
// redis-server, with the rules of data/disorder.json and a fake clock starting at Monday 15 June
// 2026, 10:00 in the district's time zone.

#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/auth/auth.h"
#include "common/cache/cache.h"
#include "common/clock/clock.h"
#include "common/store/repository.h"
#include "common/util/proto.h"
#include "gmock/gmock.h"
#include "governance/disorder/v1/disorder.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "services/disorder/campaigns.h"
#include "services/disorder/demo_data.h"
#include "services/disorder/track.h"
#include "tests/support/test_support.h"
#include "tests/support/track_harness.h"

namespace gov::disorder {
namespace {

namespace gv1 = ::governance::v1;
using dv1::DisorderService;
using gov::testing::Describe;
using gov::testing::ExpectRefusals;
using gov::testing::Local;
using gov::testing::Outcome;
using gov::testing::Refusal;
using gov::testing::Region;
using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr char kAdmin[] = "tok-admin";
constexpr char kSystem[] = "tok-system";
constexpr char kOperator1[] = "tok-operator-gs01";
constexpr char kOperator12[] = "tok-operator-gs01-gs02";
constexpr char kMediator1[] = "tok-mediator-gs01";
constexpr char kViewer[] = "tok-viewer";

constexpr dv1::ComplaintCategory kNoise = dv1::COMPLAINT_CATEGORY_NOISE;
constexpr dv1::ComplaintCategory kStalls = dv1::COMPLAINT_CATEGORY_MOBILE_STALL;
constexpr dv1::ComplaintCategory kFumes = dv1::COMPLAINT_CATEGORY_COOKING_FUMES;

constexpr dv1::CampaignStatus kPlanned = dv1::CAMPAIGN_STATUS_PLANNED;
constexpr dv1::CampaignStatus kUnderWay = dv1::CAMPAIGN_STATUS_UNDER_WAY;
constexpr dv1::CampaignStatus kCompleted = dv1::CAMPAIGN_STATUS_COMPLETED;
constexpr dv1::CampaignStatus kCancelled = dv1::CAMPAIGN_STATUS_CANCELLED;

dv1::Campaign NewCampaign(const std::string& month, dv1::ComplaintCategory category,
                          const std::vector<gv1::RegionRef>& areas) {
  dv1::Campaign c;
  c.set_month(month);
  c.set_category(category);
  c.set_title(absl::StrCat(month, " 专项整治"));
  c.set_plan("夜间巡查、联合执法、限期整改");
  for (const gv1::RegionRef& area : areas) *c.add_target_areas() = area;
  return c;
}

dv1::CampaignResults Results(int inspections, int found, int fixed, int penalised) {
  dv1::CampaignResults r;
  r.set_inspections(inspections);
  r.set_problems_found(found);
  r.set_problems_fixed(fixed);
  r.set_penalised(penalised);
  r.set_summary("检查发现问题均已整改");
  return r;
}

std::string Repeat(const std::string& unit, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += unit;
  return out;
}

std::vector<std::string> Ids(const std::vector<dv1::Campaign>& campaigns) {
  std::vector<std::string> out;
  for (const dv1::Campaign& c : campaigns) out.push_back(c.id());
  return out;
}

class DisorderCampaignsTest : public ::testing::Test {
 protected:
  DisorderCampaignsTest() : clock_(Local(2026, 6, 15, 10, 0)) {}

  void SetUp() override {
    absl::Status started = h_.Start(track::Factory<DisorderTrack>("disorder"));
    ASSERT_TRUE(started.ok()) << started;
    stub_ = DisorderService::NewStub(h_.channel());
  }

  static std::vector<gov::testing::TestToken> Tokens() {
    return {
        {kAdmin, "admin", auth::kDistrictAdmin, {}},
        {kSystem, "campaign-platform", auth::kSystem, {}},
        {kOperator1, "operator-gs01", auth::kStreetOperator, {"GS01"}},
        {kOperator12, "operator-gs01-gs02", auth::kStreetOperator, {"GS01", "GS02"}},
        {kMediator1, "mediator-gs01", "mediator", {"GS01"}},
        {kViewer, "viewer", auth::kViewer, {}},
    };
  }

  DisorderTrack& track() { return static_cast<DisorderTrack&>(h_.track()); }

  // ---- RPCs ----

  Outcome TryPlan(const std::string& token, const std::string& request_id,
                  const dv1::Campaign& campaign, dv1::Campaign* out = nullptr) {
    dv1::PlanCampaignRequest request;
    request.set_request_id(request_id);
    *request.mutable_campaign() = campaign;
    dv1::PlanCampaignResponse response;
    Outcome o = h_.Rpc(
        token, [&](grpc::ClientContext* c) { return stub_->PlanCampaign(c, request, &response); });
    if (out != nullptr) *out = response.campaign();
    return o;
  }

  Outcome TryStart(const std::string& token, const std::string& id, const std::string& etag,
                   dv1::Campaign* out = nullptr) {
    dv1::StartCampaignRequest request;
    request.set_id(id);
    request.set_etag(etag);
    dv1::StartCampaignResponse response;
    Outcome o = h_.Rpc(
        token, [&](grpc::ClientContext* c) { return stub_->StartCampaign(c, request, &response); });
    if (out != nullptr) *out = response.campaign();
    return o;
  }

  Outcome TryComplete(const std::string& token, const std::string& id, const std::string& etag,
                      const dv1::CampaignResults* results, dv1::Campaign* out = nullptr) {
    dv1::CompleteCampaignRequest request;
    request.set_id(id);
    request.set_etag(etag);
    if (results != nullptr) *request.mutable_results() = *results;
    dv1::CompleteCampaignResponse response;
    Outcome o = h_.Rpc(token, [&](grpc::ClientContext* c) {
      return stub_->CompleteCampaign(c, request, &response);
    });
    if (out != nullptr) *out = response.campaign();
    return o;
  }

  Outcome TryCancel(const std::string& token, const std::string& id, const std::string& etag,
                    const std::string& reason, dv1::Campaign* out = nullptr) {
    dv1::CancelCampaignRequest request;
    request.set_id(id);
    request.set_etag(etag);
    request.set_reason(reason);
    dv1::CancelCampaignResponse response;
    Outcome o = h_.Rpc(token, [&](grpc::ClientContext* c) {
      return stub_->CancelCampaign(c, request, &response);
    });
    if (out != nullptr) *out = response.campaign();
    return o;
  }

  Outcome TryGet(const std::string& token, const std::string& id, dv1::Campaign* out = nullptr) {
    dv1::GetCampaignRequest request;
    request.set_id(id);
    dv1::GetCampaignResponse response;
    Outcome o = h_.Rpc(
        token, [&](grpc::ClientContext* c) { return stub_->GetCampaign(c, request, &response); });
    if (out != nullptr) *out = response.campaign();
    return o;
  }

  Outcome TryList(const std::string& token, const dv1::ListCampaignsRequest& request,
                  dv1::ListCampaignsResponse* out = nullptr) {
    dv1::ListCampaignsResponse response;
    Outcome o = h_.Rpc(
        token, [&](grpc::ClientContext* c) { return stub_->ListCampaigns(c, request, &response); });
    if (out != nullptr) *out = response;
    return o;
  }

  // ---- Steps that must succeed ----

  dv1::Campaign Plan(const dv1::Campaign& campaign, const std::string& token = kAdmin) {
    dv1::Campaign out;
    const std::string request_id = absl::StrCat("plan-", ++requests_);
    const Outcome o = TryPlan(token, request_id, campaign, &out);
    EXPECT_TRUE(o.status.ok()) << request_id << " " << Describe(o);
    return out;
  }
  dv1::Campaign Get(const std::string& id, const std::string& token = kAdmin) {
    dv1::Campaign c;
    const Outcome o = TryGet(token, id, &c);
    EXPECT_TRUE(o.status.ok()) << id << " " << Describe(o);
    return c;
  }
  dv1::Campaign Start(const std::string& id, const std::string& token = kAdmin) {
    dv1::Campaign c;
    const Outcome o = TryStart(token, id, Get(id).etag(), &c);
    EXPECT_TRUE(o.status.ok()) << id << " " << Describe(o);
    return c;
  }
  dv1::Campaign Complete(const std::string& id, const dv1::CampaignResults& results,
                         const std::string& token = kAdmin) {
    dv1::Campaign c;
    const Outcome o = TryComplete(token, id, Get(id).etag(), &results, &c);
    EXPECT_TRUE(o.status.ok()) << id << " " << Describe(o);
    return c;
  }
  dv1::Campaign Cancel(const std::string& id, const std::string& token = kAdmin) {
    dv1::Campaign c;
    const Outcome o = TryCancel(token, id, Get(id).etag(), "计划调整", &c);
    EXPECT_TRUE(o.status.ok()) << id << " " << Describe(o);
    return c;
  }

  // Every page of a list; `pages` counts them.
  std::vector<dv1::Campaign> ListAll(dv1::ListCampaignsRequest request, int page_size = 500,
                                     const std::string& token = kAdmin, int* pages = nullptr) {
    std::vector<dv1::Campaign> all;
    request.set_page_size(page_size);
    int n = 0;
    for (; n < 1000; ++n) {
      dv1::ListCampaignsResponse response;
      const Outcome o = TryList(token, request, &response);
      EXPECT_TRUE(o.status.ok()) << Describe(o);
      if (!o.status.ok()) break;
      all.insert(all.end(), response.campaigns().begin(), response.campaigns().end());
      if (response.next_page_token().empty()) {
        ++n;
        break;
      }
      request.set_page_token(response.next_page_token());
    }
    if (pages != nullptr) *pages = n;
    return all;
  }

  // The campaigns are cases of their own store track.
  int64_t StoredCampaigns() {
    store::CaseFilter all;
    all.track = "disorder_campaign";
    all.limit = 100000;
    absl::StatusOr<std::vector<store::CaseRecord>> rows = h_.repo().ListCases(all);
    EXPECT_TRUE(rows.ok()) << rows.status();
    return rows.ok() ? static_cast<int64_t>(rows->size()) : -1;
  }

  store::CaseRecord Row(const std::string& id) {
    absl::StatusOr<store::CaseRecord> row = h_.repo().GetCase("disorder_campaign", id);
    EXPECT_TRUE(row.ok()) << row.status();
    return row.value_or(store::CaseRecord{});
  }

  // A complaint taken in through the API at the clock's time.
  void Complain(dv1::ComplaintCategory category, const gv1::RegionRef& region) {
    dv1::SubmitComplaintRequest request;
    request.set_request_id(absl::StrCat("complaint-", ++requests_));
    dv1::Complaint* c = request.mutable_complaint();
    c->set_category(category);
    c->set_channel(dv1::CHANNEL_HOTLINE);
    *c->mutable_region() = region;
    c->set_address("测试地址 1 号");
    c->set_description("专项整治效果测试投诉");
    dv1::SubmitComplaintResponse response;
    const Outcome o = h_.Rpc(kSystem, [&](grpc::ClientContext* ctx) {
      return stub_->SubmitComplaint(ctx, request, &response);
    });
    EXPECT_TRUE(o.status.ok()) << Describe(o);
  }

  int64_t Generation() {
    return h_.cache().GetAggregate(cache::AggregateScope("disorder"), "probe").generation;
  }

  void ExpectInvalid(const Outcome& o, const std::string& field, const std::string& what = "") {
    EXPECT_EQ(o.code(), grpc::StatusCode::INVALID_ARGUMENT) << what << " " << Describe(o);
    EXPECT_EQ(o.field, field) << what << " " << Describe(o);
  }

  FakeClock clock_;
  gov::testing::TrackHarness h_{"disorder", &clock_, Tokens()};
  std::unique_ptr<DisorderService::Stub> stub_;
  int requests_ = 0;
};

// ---- PlanCampaign and GetCampaign ----

TEST_F(DisorderCampaignsTest, PlansACampaignThatEveryRoleReads) {
  const int64_t generation = Generation();
  dv1::Campaign sent = NewCampaign("2026-06", kNoise, {Region("GS01"), Region("GS02", "GS02-C01")});
  // Output-only fields are ignored.
  dv1::Campaign with_output = sent;
  with_output.set_id("R-424242");
  with_output.set_etag("v9");
  with_output.set_status(kCompleted);
  *with_output.mutable_results() = Results(1, 1, 1, 1);
  with_output.set_cancel_reason("不该出现");
  with_output.mutable_effect()->set_complaints_in_month(7);
  dv1::Campaign stored;
  const Outcome o = TryPlan(kAdmin, "plan-district", with_output, &stored);
  ASSERT_TRUE(o.status.ok()) << Describe(o);
  EXPECT_THAT(stored.id(), StartsWith("R-"));
  EXPECT_EQ(stored.etag(), "v1");
  EXPECT_EQ(FromTimestamp(stored.create_time()), clock_.Now());
  EXPECT_EQ(FromTimestamp(stored.update_time()), clock_.Now());
  dv1::Campaign expected = sent;
  expected.set_id(stored.id());
  expected.set_etag("v1");
  expected.set_status(kPlanned);
  *expected.mutable_create_time() = stored.create_time();
  *expected.mutable_update_time() = stored.update_time();
  EXPECT_EQ(stored.DebugString(), expected.DebugString());
  EXPECT_GT(Generation(), generation);

  // Its case: district-wide (two streets), of its category, in its state, with no clock.
  const store::CaseRecord row = Row(stored.id());
  EXPECT_EQ(row.street_id, "");
  EXPECT_EQ(row.category, "NOISE");
  EXPECT_EQ(row.status, "PLANNED");
  EXPECT_EQ(row.due_time, absl::InfiniteFuture());

  // Every role reads it, a street operator of another street too; Get adds the effect and the
  // history.
  expected.mutable_effect()->set_complaints_in_month(0);
  expected.mutable_effect()->set_complaints_previous_month(0);
  gv1::CaseEvent* planned_event = expected.add_history();
  planned_event->set_sequence(1);
  *planned_event->mutable_time() = stored.create_time();
  planned_event->set_actor("admin");
  planned_event->set_action("Create");
  planned_event->set_to_status("PLANNED");
  for (const char* token : {kAdmin, kSystem, kOperator1, kOperator12, kMediator1, kViewer}) {
    dv1::Campaign got;
    const Outcome read = TryGet(token, stored.id(), &got);
    ASSERT_TRUE(read.status.ok()) << token << " " << Describe(read);
    EXPECT_TRUE(got.has_effect()) << token;
    EXPECT_EQ(got.DebugString(), expected.DebugString()) << token;
  }

  // One street: the row is the street's. A system plans too.
  const dv1::Campaign one_street = Plan(
      NewCampaign("2026-07", kStalls, {Region("GS03", "GS03-C01"), Region("GS03", "GS03-C02")}),
      kSystem);
  EXPECT_EQ(Row(one_street.id()).street_id, "GS03");
  EXPECT_EQ(Row(one_street.id()).category, "MOBILE_STALL");
  EXPECT_EQ(Row(one_street.id()).status, "PLANNED");
  const dv1::Campaign gs02_campaign = Plan(NewCampaign("2026-07", kFumes, {Region("GS02")}));
  dv1::Campaign got;
  ASSERT_TRUE(TryGet(kOperator1, gs02_campaign.id(), &got).status.ok());
  EXPECT_EQ(got.month(), "2026-07");

  const Outcome missing = TryGet(kAdmin, "R-999999");
  EXPECT_EQ(missing.code(), grpc::StatusCode::NOT_FOUND) << Describe(missing);
  ExpectInvalid(TryGet(kAdmin, ""), "id");
  ExpectInvalid(TryGet(kAdmin, Repeat("R", 65)), "id");
}

TEST_F(DisorderCampaignsTest, RetriedPlansNeverDuplicate) {
  const dv1::Campaign campaign = NewCampaign("2026-06", kNoise, {Region("GS01")});
  dv1::Campaign first;
  ASSERT_TRUE(TryPlan(kAdmin, "retry-1", campaign, &first).status.ok());
  clock_.Advance(absl::Minutes(5));
  dv1::Campaign again;
  Outcome o = TryPlan(kAdmin, "retry-1", campaign, &again);
  ASSERT_TRUE(o.status.ok()) << Describe(o);
  EXPECT_EQ(again.DebugString(), first.DebugString());
  // Output-only fields do not make another campaign of it.
  dv1::Campaign with_output = campaign;
  with_output.set_status(kCancelled);
  with_output.set_etag("v7");
  o = TryPlan(kSystem, "retry-1", with_output, &again);
  ASSERT_TRUE(o.status.ok()) << Describe(o);
  EXPECT_EQ(again.id(), first.id());

  // After it moved on: the campaign as it is now.
  Start(first.id());
  o = TryPlan(kAdmin, "retry-1", campaign, &again);
  ASSERT_TRUE(o.status.ok()) << Describe(o);
  EXPECT_EQ(again.id(), first.id());
  EXPECT_EQ(again.status(), kUnderWay);
  EXPECT_EQ(again.etag(), "v2");

  // Another campaign under the same request id.
  dv1::Campaign other = campaign;
  other.set_title("另一个专项整治");
  o = TryPlan(kAdmin, "retry-1", other);
  EXPECT_EQ(o.code(), grpc::StatusCode::ALREADY_EXISTS) << Describe(o);
  other = campaign;
  *other.add_target_areas() = Region("GS02");
  o = TryPlan(kAdmin, "retry-1", other);
  EXPECT_EQ(o.code(), grpc::StatusCode::ALREADY_EXISTS) << Describe(o);
  EXPECT_EQ(StoredCampaigns(), 1);
  EXPECT_EQ(ListAll({}).size(), 1u);
}

TEST_F(DisorderCampaignsTest, PlanRefusesBadInputNamingTheFieldAndWritesNothing) {
  std::vector<gv1::RegionRef> too_many(51, Region("GS01"));
  const std::vector<Refusal<dv1::PlanCampaignRequest>> bad = {
      {"no request id", [](auto& r) { r.clear_request_id(); }, "request_id"},
      {"long request id", [](auto& r) { r.set_request_id(Repeat("x", 129)); }, "request_id"},
      {"no month", [](auto& r) { r.mutable_campaign()->clear_month(); }, "campaign.month"},
      {"short month", [](auto& r) { r.mutable_campaign()->set_month("2026-6"); }, "campaign.month"},
      {"a day", [](auto& r) { r.mutable_campaign()->set_month("2026-06-01"); }, "campaign.month"},
      {"month 13", [](auto& r) { r.mutable_campaign()->set_month("2026-13"); }, "campaign.month"},
      {"month 00", [](auto& r) { r.mutable_campaign()->set_month("2026-00"); }, "campaign.month"},
      {"signed", [](auto& r) { r.mutable_campaign()->set_month("+026-06"); }, "campaign.month"},
      {"before 2000", [](auto& r) { r.mutable_campaign()->set_month("1999-12"); },
       "campaign.month"},
      {"13 months ahead", [](auto& r) { r.mutable_campaign()->set_month("2027-07"); },
       "campaign.month"},
      {"no category",
       [](auto& r) { r.mutable_campaign()->set_category(dv1::COMPLAINT_CATEGORY_UNSPECIFIED); },
       "campaign.category"},
      {"unknown category",
       [](auto& r) { r.mutable_campaign()->set_category(static_cast<dv1::ComplaintCategory>(99)); },
       "campaign.category"},
      {"no title", [](auto& r) { r.mutable_campaign()->clear_title(); }, "campaign.title"},
      {"long title", [](auto& r) { r.mutable_campaign()->set_title(Repeat("整", 101)); },
       "campaign.title"},
      {"long plan", [](auto& r) { r.mutable_campaign()->set_plan(Repeat("划", 2001)); },
       "campaign.plan"},
      {"no areas", [](auto& r) { r.mutable_campaign()->clear_target_areas(); },
       "campaign.target_areas"},
      {"51 areas",
       [&too_many](auto& r) {
         r.mutable_campaign()->clear_target_areas();
         for (const gv1::RegionRef& a : too_many) *r.mutable_campaign()->add_target_areas() = a;
       },
       "campaign.target_areas"},
      {"a grid",
       [](auto& r) {
         *r.mutable_campaign()->add_target_areas() = Region("GS02", "GS02-C01", "GS02-C01-G01");
       },
       "campaign.target_areas[1].grid_id"},
      {"unknown street",
       [](auto& r) { *r.mutable_campaign()->mutable_target_areas(0) = Region("GS99"); },
       "campaign.target_areas[0].street_id"},
      {"community without street",
       [](auto& r) { *r.mutable_campaign()->mutable_target_areas(0) = Region("", "GS01-C01"); },
       "campaign.target_areas[0].street_id"},
      {"community of another street",
       [](auto& r) { *r.mutable_campaign()->mutable_target_areas(0) = Region("GS01", "GS02-C01"); },
       "campaign.target_areas[0].community_id"},
      {"unknown community",
       [](auto& r) { *r.mutable_campaign()->mutable_target_areas(0) = Region("GS01", "GS01-C99"); },
       "campaign.target_areas[0].community_id"},
      {"a street twice",
       [](auto& r) { *r.mutable_campaign()->add_target_areas() = Region("GS01"); },
       "campaign.target_areas[1]"},
      {"a community twice",
       [](auto& r) {
         r.mutable_campaign()->clear_target_areas();
         *r.mutable_campaign()->add_target_areas() = Region("GS02", "GS02-C01");
         *r.mutable_campaign()->add_target_areas() = Region("GS02", "GS02-C02");
         *r.mutable_campaign()->add_target_areas() = Region("GS02", "GS02-C01");
       },
       "campaign.target_areas[2]"},
      {"a community inside a target street",
       [](auto& r) {
         r.mutable_campaign()->clear_target_areas();
         *r.mutable_campaign()->add_target_areas() = Region("GS02", "GS02-C01");
         *r.mutable_campaign()->add_target_areas() = Region("GS01");
         *r.mutable_campaign()->add_target_areas() = Region("GS02");
       },
       "campaign.target_areas[0]"},
      {"201 objects",
       [](auto& r) {
         for (int i = 0; i < 201; ++i) {
           r.mutable_campaign()->add_target_object_ids(absl::StrCat("M-", 100000 + i));
         }
       },
       "campaign.target_object_ids"},
      {"empty object id", [](auto& r) { r.mutable_campaign()->add_target_object_ids(""); },
       "campaign.target_object_ids[0]"},
      {"long object id",
       [](auto& r) { r.mutable_campaign()->add_target_object_ids(Repeat("M", 65)); },
       "campaign.target_object_ids[0]"},
      {"an object twice",
       [](auto& r) {
         r.mutable_campaign()->add_target_object_ids("M-000001");
         r.mutable_campaign()->add_target_object_ids("M-000001");
       },
       "campaign.target_object_ids[1]"},
  };
  dv1::PlanCampaignRequest valid;
  valid.set_request_id("bad-plan");
  *valid.mutable_campaign() = NewCampaign("2026-06", kNoise, {Region("GS01")});
  ExpectRefusals<dv1::PlanCampaignRequest>(h_, valid, bad, [&](const auto& request) {
    return TryPlan(kAdmin, request.request_id(), request.campaign());
  });
  EXPECT_EQ(StoredCampaigns(), 0);

  // The limits themselves are accepted: 2000-01, twelve months ahead, a title of 100 characters,
  // a plan of 2000, 50 target areas.
  EXPECT_EQ(Plan(NewCampaign("2000-01", kNoise, {Region("GS01")})).month(), "2000-01");
  EXPECT_EQ(Plan(NewCampaign("2027-06", kNoise, {Region("GS01")})).month(), "2027-06");
  dv1::Campaign longest = NewCampaign("2026-06", kNoise, {});
  longest.set_title(Repeat("整", 100));
  longest.set_plan(Repeat("划", 2000));
  for (const auto* street : h_.regions().streets()) {
    for (const auto* community : h_.regions().CommunitiesOf(street->id())) {
      if (longest.target_areas_size() < 50) {
        *longest.add_target_areas() = Region(street->id(), community->id());
      }
    }
  }
  ASSERT_EQ(longest.target_areas_size(), 50);
  EXPECT_EQ(Plan(longest).target_areas_size(), 50);
  EXPECT_EQ(StoredCampaigns(), 3);
}

// Targets among the monitored objects need the objects' registry (RegisterMonitoredObject,
// LoadObject).
TEST_F(DisorderCampaignsTest, TargetObjectsExistAndLieInTheTargetStreets) {
  const auto register_site = [&](const std::string& street, const std::string& community,
                                 dv1::MonitoredObjectStatus status =
                                     dv1::MONITORED_OBJECT_STATUS_ACTIVE) {
    dv1::RegisterMonitoredObjectRequest request;
    request.set_request_id(absl::StrCat("site-", ++requests_));
    dv1::MonitoredObject* object = request.mutable_object();
    object->set_kind(dv1::MONITORED_OBJECT_KIND_CONSTRUCTION_SITE);
    object->set_name(absl::StrCat(community, " 在建工地"));
    *object->mutable_region() = Region(street, community);
    object->set_address("工地路 1 号");
    object->set_status(status);
    object->set_since_date("2026-01-05");
    dv1::RegisterMonitoredObjectResponse response;
    const Outcome o = h_.Rpc(kAdmin, [&](grpc::ClientContext* c) {
      return stub_->RegisterMonitoredObject(c, request, &response);
    });
    EXPECT_TRUE(o.status.ok()) << Describe(o);
    return response.object().id();
  };
  const std::string gs01_site = register_site("GS01", "GS01-C01");
  const std::string gs02_site = register_site("GS02", "GS02-C03");
  const std::string gs03_site = register_site("GS03", "GS03-C01");
  ASSERT_FALSE(gs01_site.empty());
  ASSERT_FALSE(gs03_site.empty());

  // Within the target areas' streets (a community's street counts as a whole).
  dv1::Campaign campaign = NewCampaign("2026-06", dv1::COMPLAINT_CATEGORY_CONSTRUCTION_SITE,
                                       {Region("GS01"), Region("GS02", "GS02-C01")});
  campaign.add_target_object_ids(gs01_site);
  campaign.add_target_object_ids(gs02_site);
  const dv1::Campaign stored = Plan(campaign);
  EXPECT_THAT(stored.target_object_ids(), ElementsAre(gs01_site, gs02_site));

  dv1::Campaign outside = campaign;
  outside.add_target_object_ids(gs03_site);
  const Outcome o = TryPlan(kAdmin, "outside", outside);
  ExpectInvalid(o, "campaign.target_object_ids[2]");
  EXPECT_THAT(o.status.error_message(), HasSubstr("GS03"));
  dv1::Campaign unknown = campaign;
  unknown.set_target_object_ids(0, "M-999999");
  ExpectInvalid(TryPlan(kAdmin, "unknown", unknown), "campaign.target_object_ids[0]");
  // An object out of the programme for good is no target.
  const std::string removed_site =
      register_site("GS01", "GS01-C02", dv1::MONITORED_OBJECT_STATUS_REMOVED);
  ASSERT_FALSE(removed_site.empty());
  dv1::Campaign removed = campaign;
  removed.set_target_object_ids(1, removed_site);
  const Outcome refused = TryPlan(kAdmin, "removed", removed);
  ExpectInvalid(refused, "campaign.target_object_ids[1]");
  EXPECT_THAT(refused.status.error_message(), HasSubstr("removed"));
  EXPECT_EQ(StoredCampaigns(), 1);
}

// ---- Lifecycle ----

TEST_F(DisorderCampaignsTest, RunsThroughItsLifecycle) {
  const dv1::Campaign planned = Plan(NewCampaign("2026-06", kStalls, {Region("GS01")}));
  int64_t generation = Generation();
  clock_.Advance(absl::Hours(1));
  dv1::Campaign started;
  Outcome o = TryStart(kAdmin, planned.id(), planned.etag(), &started);
  ASSERT_TRUE(o.status.ok()) << Describe(o);
  EXPECT_EQ(started.status(), kUnderWay);
  EXPECT_EQ(started.etag(), "v2");
  EXPECT_EQ(FromTimestamp(started.update_time()), clock_.Now());
  EXPECT_EQ(started.create_time().DebugString(), planned.create_time().DebugString());
  EXPECT_EQ(Row(planned.id()).status, "UNDER_WAY");
  EXPECT_GT(Generation(), generation);

  generation = Generation();
  const dv1::CampaignResults results = Results(120, 35, 30, 12);
  dv1::Campaign completed;
  o = TryComplete(kSystem, planned.id(), started.etag(), &results, &completed);
  ASSERT_TRUE(o.status.ok()) << Describe(o);
  EXPECT_EQ(completed.status(), kCompleted);
  EXPECT_EQ(completed.etag(), "v3");
  EXPECT_EQ(completed.results().DebugString(), results.DebugString());
  EXPECT_EQ(Row(planned.id()).status, "COMPLETED");
  EXPECT_GT(Generation(), generation);
  const dv1::Campaign read = Get(planned.id(), kViewer);
  EXPECT_EQ(read.results().DebugString(), results.DebugString());
  EXPECT_EQ(read.month(), "2026-06");
  EXPECT_EQ(read.category(), kStalls);
  // Every step in the history, by whom and from which state.
  ASSERT_EQ(read.history_size(), 3);
  EXPECT_EQ(read.history(0).action(), "Create");
  EXPECT_EQ(read.history(1).action(), "Start");
  EXPECT_EQ(read.history(1).actor(), "admin");
  EXPECT_EQ(read.history(1).from_status(), "PLANNED");
  EXPECT_EQ(read.history(1).to_status(), "UNDER_WAY");
  EXPECT_EQ(read.history(2).action(), "Complete");
  EXPECT_EQ(read.history(2).actor(), "campaign-platform");
  EXPECT_EQ(read.history(2).to_status(), "COMPLETED");

  // Completed is final.
  o = TryStart(kAdmin, planned.id(), completed.etag());
  EXPECT_EQ(o.code(), grpc::StatusCode::FAILED_PRECONDITION) << Describe(o);
  o = TryComplete(kAdmin, planned.id(), completed.etag(), &results);
  EXPECT_EQ(o.code(), grpc::StatusCode::FAILED_PRECONDITION) << Describe(o);
  o = TryCancel(kAdmin, planned.id(), completed.etag(), "不再需要");
  EXPECT_EQ(o.code(), grpc::StatusCode::FAILED_PRECONDITION) << Describe(o);
  EXPECT_EQ(Get(planned.id()).etag(), "v3");
}

TEST_F(DisorderCampaignsTest, CancelsWhatHasNotCompletedAndRefusesIllegalSteps) {
  // PLANNED -> CANCELLED.
  const dv1::Campaign a = Plan(NewCampaign("2026-06", kNoise, {Region("GS01")}));
  const dv1::CampaignResults results = Results(10, 2, 2, 0);
  Outcome o = TryComplete(kAdmin, a.id(), a.etag(), &results);
  EXPECT_EQ(o.code(), grpc::StatusCode::FAILED_PRECONDITION) << Describe(o);
  dv1::Campaign cancelled;
  o = TryCancel(kAdmin, a.id(), a.etag(), "与防汛工作冲突，延期", &cancelled);
  ASSERT_TRUE(o.status.ok()) << Describe(o);
  EXPECT_EQ(cancelled.status(), kCancelled);
  EXPECT_EQ(cancelled.cancel_reason(), "与防汛工作冲突，延期");
  EXPECT_EQ(Row(a.id()).status, "CANCELLED");
  // The reason is the history's note too: for the roles that run campaigns (a note is personal
  // data), the cancel reason for everyone.
  const dv1::Campaign by_admin = Get(a.id());
  ASSERT_EQ(by_admin.history_size(), 2);
  EXPECT_EQ(by_admin.history(1).action(), "Cancel");
  EXPECT_EQ(by_admin.history(1).note(), "与防汛工作冲突，延期");
  const dv1::Campaign by_viewer = Get(a.id(), kViewer);
  ASSERT_EQ(by_viewer.history_size(), 2);
  EXPECT_EQ(by_viewer.history(1).action(), "Cancel");
  EXPECT_EQ(by_viewer.history(1).note(), "");
  EXPECT_EQ(by_viewer.cancel_reason(), "与防汛工作冲突，延期");
  // Cancelled is final.
  for (const Outcome& refused : {TryStart(kAdmin, a.id(), cancelled.etag()),
                                 TryComplete(kAdmin, a.id(), cancelled.etag(), &results),
                                 TryCancel(kAdmin, a.id(), cancelled.etag(), "再次取消")}) {
    EXPECT_EQ(refused.code(), grpc::StatusCode::FAILED_PRECONDITION) << Describe(refused);
  }

  // UNDER_WAY -> CANCELLED; started twice is refused.
  const dv1::Campaign b = Plan(NewCampaign("2026-06", kFumes, {Region("GS02")}));
  const dv1::Campaign started = Start(b.id());
  o = TryStart(kAdmin, b.id(), started.etag());
  EXPECT_EQ(o.code(), grpc::StatusCode::FAILED_PRECONDITION) << Describe(o);
  EXPECT_EQ(Cancel(b.id(), kSystem).status(), kCancelled);
  EXPECT_EQ(Get(b.id()).etag(), "v3");
}

TEST_F(DisorderCampaignsTest, StaleEtagsAreAborted) {
  const dv1::Campaign planned = Plan(NewCampaign("2026-06", kNoise, {Region("GS01")}));
  const dv1::Campaign started = Start(planned.id());
  const dv1::CampaignResults results = Results(10, 2, 2, 0);
  // The etag read before the start is stale: whatever the step, ABORTED and nothing changes.
  for (const Outcome& o : {TryStart(kAdmin, planned.id(), planned.etag()),
                           TryComplete(kAdmin, planned.id(), planned.etag(), &results),
                           TryCancel(kAdmin, planned.id(), planned.etag(), "过期版本"),
                           TryCancel(kAdmin, planned.id(), "v99", "不存在的版本")}) {
    EXPECT_EQ(o.code(), grpc::StatusCode::ABORTED) << Describe(o);
  }
  const dv1::Campaign now = Get(planned.id());
  EXPECT_EQ(now.etag(), started.etag());
  EXPECT_EQ(now.status(), kUnderWay);
  EXPECT_FALSE(now.has_results());
}

TEST_F(DisorderCampaignsTest, StartsFromTheFirstDayOfItsMonth) {
  const dv1::Campaign july = Plan(NewCampaign("2026-07", kNoise, {Region("GS01")}));
  Outcome o = TryStart(kAdmin, july.id(), july.etag());
  EXPECT_EQ(o.code(), grpc::StatusCode::FAILED_PRECONDITION) << Describe(o);
  EXPECT_THAT(o.status.error_message(), HasSubstr("2026-07-01"));
  // The last minute of June, district time.
  clock_.Set(Local(2026, 6, 30, 23, 59));
  o = TryStart(kAdmin, july.id(), july.etag());
  EXPECT_EQ(o.code(), grpc::StatusCode::FAILED_PRECONDITION) << Describe(o);
  EXPECT_EQ(Get(july.id()).etag(), "v1");
  clock_.Set(Local(2026, 7, 1, 0, 0));
  dv1::Campaign started;
  o = TryStart(kAdmin, july.id(), july.etag(), &started);
  ASSERT_TRUE(o.status.ok()) << Describe(o);
  EXPECT_EQ(started.status(), kUnderWay);
  // A past month's campaign starts (late) too.
  const dv1::Campaign may = Plan(NewCampaign("2026-05", kNoise, {Region("GS01")}));
  EXPECT_EQ(Start(may.id()).status(), kUnderWay);
}

TEST_F(DisorderCampaignsTest, StepsRefuseBadInputNamingTheField) {
  const dv1::Campaign c = Plan(NewCampaign("2026-06", kNoise, {Region("GS01")}));
  const dv1::Campaign started = Start(c.id());
  const std::string etag = started.etag();

  ExpectInvalid(TryStart(kAdmin, "", etag), "id");
  ExpectInvalid(TryStart(kAdmin, Repeat("R", 65), etag), "id");
  ExpectInvalid(TryStart(kAdmin, c.id(), ""), "etag");
  Outcome o = TryStart(kAdmin, "R-999999", "v1");
  EXPECT_EQ(o.code(), grpc::StatusCode::NOT_FOUND) << Describe(o);

  ExpectInvalid(TryComplete(kAdmin, c.id(), etag, nullptr), "results");
  struct BadResults {
    std::string what;
    std::function<void(dv1::CampaignResults&)> edit;
    std::string field;
  };
  const std::vector<BadResults> bad = {
      {"negative inspections", [](auto& r) { r.set_inspections(-1); }, "results.inspections"},
      {"too many inspections", [](auto& r) { r.set_inspections(100001); }, "results.inspections"},
      {"negative found", [](auto& r) { r.set_problems_found(-1); }, "results.problems_found"},
      {"too many found",
       [](auto& r) {
         r.set_problems_found(100001);
         r.set_problems_fixed(0);
       },
       "results.problems_found"},
      {"negative fixed", [](auto& r) { r.set_problems_fixed(-1); }, "results.problems_fixed"},
      {"fixed above found", [](auto& r) { r.set_problems_fixed(r.problems_found() + 1); },
       "results.problems_fixed"},
      {"negative penalised", [](auto& r) { r.set_penalised(-1); }, "results.penalised"},
      {"penalised above found", [](auto& r) { r.set_penalised(r.problems_found() + 1); },
       "results.penalised"},
      {"no summary", [](auto& r) { r.clear_summary(); }, "results.summary"},
      {"long summary", [](auto& r) { r.set_summary(Repeat("结", 2001)); }, "results.summary"},
  };
  for (const BadResults& b : bad) {
    dv1::CampaignResults results = Results(100, 20, 15, 5);
    b.edit(results);
    ExpectInvalid(TryComplete(kAdmin, c.id(), etag, &results), b.field, b.what);
  }
  const dv1::CampaignResults good = Results(100, 20, 15, 5);
  ExpectInvalid(TryComplete(kAdmin, "", etag, &good), "id");
  ExpectInvalid(TryComplete(kAdmin, c.id(), "", &good), "etag");
  o = TryComplete(kAdmin, "R-999999", "v1", &good);
  EXPECT_EQ(o.code(), grpc::StatusCode::NOT_FOUND) << Describe(o);

  ExpectInvalid(TryCancel(kAdmin, c.id(), etag, ""), "reason");
  ExpectInvalid(TryCancel(kAdmin, c.id(), etag, Repeat("因", 501)), "reason");
  ExpectInvalid(TryCancel(kAdmin, "", etag, "原因"), "id");
  ExpectInvalid(TryCancel(kAdmin, c.id(), "", "原因"), "etag");

  // Nothing was written; the limits themselves are accepted.
  EXPECT_EQ(Get(c.id()).etag(), etag);
  dv1::CampaignResults limits = Results(100000, 100000, 100000, 100000);
  limits.set_summary(Repeat("结", 2000));
  dv1::Campaign completed;
  o = TryComplete(kAdmin, c.id(), etag, &limits, &completed);
  ASSERT_TRUE(o.status.ok()) << Describe(o);
  EXPECT_EQ(completed.results().penalised(), 100000);
  const dv1::Campaign other = Plan(NewCampaign("2026-06", kStalls, {Region("GS01")}));
  o = TryCancel(kAdmin, other.id(), other.etag(), Repeat("因", 500));
  EXPECT_TRUE(o.status.ok()) << Describe(o);
}

// ---- Who may do what ----

TEST_F(DisorderCampaignsTest, StreetOperatorsRunCampaignsWithinTheirStreets) {
  // Within its streets: a street, communities of it; two streets for an operator of both.
  const dv1::Campaign own = Plan(NewCampaign("2026-06", kNoise, {Region("GS01")}), kOperator1);
  const dv1::Campaign own_communities = Plan(
      NewCampaign("2026-06", kStalls, {Region("GS01", "GS01-C01"), Region("GS01", "GS01-C02")}),
      kOperator1);
  const dv1::Campaign both = Plan(
      NewCampaign("2026-06", kFumes, {Region("GS01"), Region("GS02", "GS02-C01")}), kOperator12);
  EXPECT_FALSE(own.id().empty());
  EXPECT_FALSE(own_communities.id().empty());
  ASSERT_FALSE(both.id().empty());

  // Outside: refused, naming the street, nothing stored.
  Outcome o = TryPlan(kOperator1, "outside-1",
                      NewCampaign("2026-06", kNoise, {Region("GS01"), Region("GS02")}));
  EXPECT_EQ(o.code(), grpc::StatusCode::PERMISSION_DENIED) << Describe(o);
  EXPECT_THAT(o.status.error_message(), HasSubstr("GS02"));
  o = TryPlan(kOperator1, "outside-2",
              NewCampaign("2026-06", kNoise, {Region("GS03", "GS03-C01")}));
  EXPECT_EQ(o.code(), grpc::StatusCode::PERMISSION_DENIED) << Describe(o);
  EXPECT_EQ(StoredCampaigns(), 3);

  // A campaign reaching beyond its streets cannot be run by it.
  o = TryStart(kOperator1, both.id(), both.etag());
  EXPECT_EQ(o.code(), grpc::StatusCode::PERMISSION_DENIED) << Describe(o);
  o = TryCancel(kOperator1, both.id(), both.etag(), "越权取消");
  EXPECT_EQ(o.code(), grpc::StatusCode::PERMISSION_DENIED) << Describe(o);
  const dv1::Campaign started = Start(both.id(), kOperator12);
  const dv1::CampaignResults results = Results(10, 2, 2, 1);
  o = TryComplete(kOperator1, both.id(), started.etag(), &results);
  EXPECT_EQ(o.code(), grpc::StatusCode::PERMISSION_DENIED) << Describe(o);
  EXPECT_EQ(Complete(both.id(), results, kOperator12).status(), kCompleted);
  EXPECT_EQ(Start(own.id(), kOperator1).status(), kUnderWay);
  EXPECT_EQ(Cancel(own_communities.id(), kOperator1).status(), kCancelled);

  // Viewers and mediators read but never write.
  const dv1::Campaign gs01 = Plan(NewCampaign("2026-06", kNoise, {Region("GS01", "GS01-C03")}));
  for (const char* token : {kViewer, kMediator1}) {
    o = TryPlan(token, absl::StrCat("reader-", token),
                NewCampaign("2026-06", kNoise, {Region("GS01")}));
    EXPECT_EQ(o.code(), grpc::StatusCode::PERMISSION_DENIED) << token << " " << Describe(o);
    o = TryStart(token, gs01.id(), gs01.etag());
    EXPECT_EQ(o.code(), grpc::StatusCode::PERMISSION_DENIED) << token << " " << Describe(o);
    o = TryCancel(token, gs01.id(), gs01.etag(), "无权取消");
    EXPECT_EQ(o.code(), grpc::StatusCode::PERMISSION_DENIED) << token << " " << Describe(o);
  }
  EXPECT_EQ(Get(gs01.id()).etag(), "v1");
  EXPECT_EQ(StoredCampaigns(), 4);
  // An unauthenticated caller does nothing.
  o = TryGet("", gs01.id());
  EXPECT_EQ(o.code(), grpc::StatusCode::UNAUTHENTICATED) << Describe(o);

  // Every role lists every campaign, whatever its streets.
  const std::vector<std::string> all = Ids(ListAll({}));
  ASSERT_EQ(all.size(), 4u);
  for (const char* token : {kOperator1, kMediator1, kViewer, kSystem}) {
    EXPECT_THAT(Ids(ListAll({}, 1, token)), ElementsAreArray(all)) << token;
    dv1::ListCampaignsRequest gs02;
    gs02.set_street_id("GS02");
    EXPECT_THAT(Ids(ListAll(gs02, 500, token)), ElementsAre(both.id())) << token;
  }
}

// ---- ListCampaigns ----

TEST_F(DisorderCampaignsTest, ListFiltersAndPages) {
  // Month, category, status, areas.
  const std::string may_noise_gs01 = Plan(NewCampaign("2026-05", kNoise, {Region("GS01")})).id();
  const std::string june_noise_wide =
      Plan(NewCampaign("2026-06", kNoise, {Region("GS02"), Region("GS01", "GS01-C02")})).id();
  const std::string june_stalls_gs03 =
      Plan(NewCampaign("2026-06", kStalls, {Region("GS03", "GS03-C01")})).id();
  const std::string june_noise_gs02 = Plan(NewCampaign("2026-06", kNoise, {Region("GS02")})).id();
  const std::string july_fumes_gs01 = Plan(NewCampaign("2026-07", kFumes, {Region("GS01")})).id();
  const std::string june_fumes_gs04 = Plan(NewCampaign("2026-06", kFumes, {Region("GS04")})).id();
  Start(may_noise_gs01);
  Complete(may_noise_gs01, Results(10, 3, 3, 1));
  Start(june_noise_wide);
  Start(june_stalls_gs03);
  Cancel(june_noise_gs02);

  struct Case {
    std::string what;
    std::function<void(dv1::ListCampaignsRequest&)> edit;
    std::vector<std::string> want;
  };
  const std::vector<Case> cases = {
      {"all",
       [](auto&) {},
       {may_noise_gs01, june_noise_wide, june_stalls_gs03, june_noise_gs02, july_fumes_gs01,
        june_fumes_gs04}},
      {"month",
       [](auto& r) { r.set_month("2026-06"); },
       {june_noise_wide, june_stalls_gs03, june_noise_gs02, june_fumes_gs04}},
      {"month and category",
       [](auto& r) {
         r.set_month("2026-06");
         r.set_category(kNoise);
       },
       {june_noise_wide, june_noise_gs02}},
      {"month and status",
       [](auto& r) {
         r.set_month("2026-06");
         r.set_status(kUnderWay);
       },
       {june_noise_wide, june_stalls_gs03}},
      {"month, category and status",
       [](auto& r) {
         r.set_month("2026-06");
         r.set_category(kNoise);
         r.set_status(kCancelled);
       },
       {june_noise_gs02}},
      {"category",
       [](auto& r) { r.set_category(kNoise); },
       {may_noise_gs01, june_noise_wide, june_noise_gs02}},
      {"status", [](auto& r) { r.set_status(kPlanned); }, {july_fumes_gs01, june_fumes_gs04}},
      {"category and status",
       [](auto& r) {
         r.set_category(kNoise);
         r.set_status(kCompleted);
       },
       {may_noise_gs01}},
      // A campaign is in a street when one of its areas is, also a district-wide one.
      {"street",
       [](auto& r) { r.set_street_id("GS01"); },
       {may_noise_gs01, june_noise_wide, july_fumes_gs01}},
      {"street and month",
       [](auto& r) {
         r.set_street_id("GS02");
         r.set_month("2026-06");
       },
       {june_noise_wide, june_noise_gs02}},
      {"street, month and status",
       [](auto& r) {
         r.set_street_id("GS01");
         r.set_month("2026-06");
         r.set_status(kUnderWay);
       },
       {june_noise_wide}},
      {"nothing", [](auto& r) { r.set_month("2026-08"); }, {}},
      {"no street's", [](auto& r) { r.set_street_id("GS05"); }, {}},
  };
  for (const Case& c : cases) {
    dv1::ListCampaignsRequest request;
    c.edit(request);
    for (int size : {1, 2, 3, 500}) {
      int pages = 0;
      const std::vector<dv1::Campaign> got = ListAll(request, size, kAdmin, &pages);
      EXPECT_THAT(Ids(got), ElementsAreArray(c.want)) << c.what << " by " << size;
      // No page ends in a token with nothing behind it.
      const int want_pages =
          c.want.empty() ? 1 : (static_cast<int>(c.want.size()) + size - 1) / size;
      EXPECT_EQ(pages, want_pages) << c.what << " by " << size;
      for (const dv1::Campaign& campaign : got) {
        EXPECT_FALSE(campaign.has_effect()) << campaign.id();
      }
    }
  }

  // A token belongs to its filters.
  dv1::ListCampaignsRequest june;
  june.set_month("2026-06");
  june.set_page_size(1);
  dv1::ListCampaignsResponse first;
  ASSERT_TRUE(TryList(kAdmin, june, &first).status.ok());
  ASSERT_FALSE(first.next_page_token().empty());
  dv1::ListCampaignsRequest other;
  other.set_month("2026-07");
  other.set_page_token(first.next_page_token());
  ExpectInvalid(TryList(kAdmin, other), "page_token");
  other = june;
  other.set_status(kUnderWay);
  other.set_page_token(first.next_page_token());
  ExpectInvalid(TryList(kAdmin, other), "page_token");
  other = june;
  other.set_page_token("garbage");
  ExpectInvalid(TryList(kAdmin, other), "page_token");
  // The same filters by another role: campaigns are read alike by all, so is the token.
  other = june;
  other.set_page_token(first.next_page_token());
  dv1::ListCampaignsResponse second;
  const Outcome o = TryList(kOperator1, other, &second);
  ASSERT_TRUE(o.status.ok()) << Describe(o);
  ASSERT_EQ(second.campaigns_size(), 1);
  EXPECT_EQ(second.campaigns(0).id(), june_stalls_gs03);

  struct Bad {
    std::function<void(dv1::ListCampaignsRequest&)> edit;
    std::string field;
  };
  const std::vector<Bad> bad = {
      {[](auto& r) { r.set_page_size(-1); }, "page_size"},
      {[](auto& r) { r.set_month("2026-13"); }, "month"},
      {[](auto& r) { r.set_month("2026-6"); }, "month"},
      {[](auto& r) { r.set_category(static_cast<dv1::ComplaintCategory>(99)); }, "category"},
      {[](auto& r) { r.set_status(static_cast<dv1::CampaignStatus>(99)); }, "status"},
      {[](auto& r) { r.set_street_id("GS99"); }, "street_id"},
  };
  for (const Bad& b : bad) {
    dv1::ListCampaignsRequest request;
    b.edit(request);
    ExpectInvalid(TryList(kAdmin, request), b.field);
  }
  // Above the maximum is lowered to it.
  dv1::ListCampaignsRequest large;
  large.set_page_size(100000);
  dv1::ListCampaignsResponse all;
  ASSERT_TRUE(TryList(kAdmin, large, &all).status.ok());
  EXPECT_EQ(all.campaigns_size(), 6);
}

// Lists that keep some of the rows read them in batches; pages across batches lose nothing.
TEST_F(DisorderCampaignsTest, SparseFiltersPageAcrossManyCampaigns) {
  const std::vector<std::string> streets = {"GS01", "GS02", "GS03", "GS04", "GS05", "GS06"};
  const dv1::ComplaintCategory categories[] = {kNoise, kStalls, kFumes};
  std::vector<std::string> in_gs05;
  std::vector<std::string> fumes;
  for (int i = 0; i < 230; ++i) {
    const std::string& street = streets[i % streets.size()];
    const dv1::ComplaintCategory category = categories[(i / 7) % 3];
    const dv1::Campaign c = Plan(NewCampaign("2026-06", category, {Region(street)}));
    ASSERT_FALSE(c.id().empty());
    if (street == "GS05") in_gs05.push_back(c.id());
    if (category == kFumes) fumes.push_back(c.id());
  }
  dv1::ListCampaignsRequest gs05;
  gs05.set_street_id("GS05");
  dv1::ListCampaignsRequest by_category;
  by_category.set_category(kFumes);
  for (int size : {1, 7, 38, 39, 500}) {
    int pages = 0;
    EXPECT_THAT(Ids(ListAll(gs05, size, kViewer, &pages)), ElementsAreArray(in_gs05)) << size;
    EXPECT_EQ(pages, (static_cast<int>(in_gs05.size()) + size - 1) / size) << size;
    EXPECT_THAT(Ids(ListAll(by_category, size, kViewer, &pages)), ElementsAreArray(fumes)) << size;
    EXPECT_EQ(pages, (static_cast<int>(fumes.size()) + size - 1) / size) << size;
  }
}

// ---- Effect ----

// The category's complaints in the target areas, submitted through the API at the fake clock's
// times, counted by hand: the campaign targets the whole of GS01 and the community GS02-C01.
TEST_F(DisorderCampaignsTest, EffectCountsTheCategorysComplaintsInTheAreas) {
  // April: not counted (two months before).
  clock_.Set(Local(2026, 4, 20, 9, 0));
  Complain(kNoise, Region("GS01"));
  // May (the month before): 3 in the areas; a community of GS02 outside, another category and
  // another street do not count.
  clock_.Set(Local(2026, 5, 1, 0, 5));
  Complain(kNoise, Region("GS01", "GS01-C01"));
  clock_.Set(Local(2026, 5, 12, 14, 0));
  Complain(kNoise, Region("GS02", "GS02-C01"));
  Complain(kNoise, Region("GS02", "GS02-C02"));
  Complain(kStalls, Region("GS01"));
  Complain(kNoise, Region("GS03"));
  clock_.Set(Local(2026, 5, 31, 23, 50));
  Complain(kNoise, Region("GS02", "GS02-C01", "GS02-C01-G01"));
  // June (the month): 4 in the areas, one of them a repeat (the same grid), which counts.
  clock_.Set(Local(2026, 6, 1, 0, 10));
  Complain(kNoise, Region("GS01"));
  clock_.Set(Local(2026, 6, 10, 8, 0));
  Complain(kNoise, Region("GS01", "GS01-C03", "GS01-C03-G01"));
  Complain(kNoise, Region("GS01", "GS01-C03", "GS01-C03-G01"));
  Complain(kNoise, Region("GS02", "GS02-C01"));
  Complain(kNoise, Region("GS02", "GS02-C03"));
  Complain(kFumes, Region("GS02", "GS02-C01"));
  Complain(kNoise, Region("GS04", "GS04-C01"));
  // July: not counted.
  clock_.Set(Local(2026, 7, 1, 9, 0));
  Complain(kNoise, Region("GS01"));

  const dv1::Campaign june =
      Plan(NewCampaign("2026-06", kNoise, {Region("GS01"), Region("GS02", "GS02-C01")}));
  dv1::Campaign got = Get(june.id(), kViewer);
  EXPECT_EQ(got.effect().complaints_in_month(), 4);
  EXPECT_EQ(got.effect().complaints_previous_month(), 3);

  // Communities only; a street only; another category.
  const dv1::Campaign communities = Plan(
      NewCampaign("2026-06", kNoise, {Region("GS02", "GS02-C01"), Region("GS01", "GS01-C03")}));
  got = Get(communities.id());
  EXPECT_EQ(got.effect().complaints_in_month(), 3);
  EXPECT_EQ(got.effect().complaints_previous_month(), 2);
  const dv1::Campaign may = Plan(NewCampaign("2026-05", kNoise, {Region("GS01")}));
  got = Get(may.id());
  EXPECT_EQ(got.effect().complaints_in_month(), 1);
  EXPECT_EQ(got.effect().complaints_previous_month(), 1);
  const dv1::Campaign stalls = Plan(NewCampaign("2026-06", kStalls, {Region("GS01")}));
  got = Get(stalls.id());
  EXPECT_EQ(got.effect().complaints_in_month(), 0);
  EXPECT_EQ(got.effect().complaints_previous_month(), 1);
  // The effect follows the complaints, whatever the campaign's state.
  Start(june.id());
  Complete(june.id(), Results(50, 10, 9, 2));
  got = Get(june.id());
  EXPECT_EQ(got.effect().complaints_in_month(), 4);
  EXPECT_EQ(got.effect().complaints_previous_month(), 3);
  // A January campaign looks back into December.
  const dv1::Campaign january = Plan(NewCampaign("2026-01", kNoise, {Region("GS01")}));
  got = Get(january.id());
  EXPECT_TRUE(got.has_effect());
  EXPECT_EQ(got.effect().complaints_in_month(), 0);
  EXPECT_EQ(got.effect().complaints_previous_month(), 0);
}

// ---- Demo data ----

TEST_F(DisorderCampaignsTest, DemoDataCoversAYearAndMovesOnWithTheMonths) {
  absl::Status loaded = LoadCampaignDemo(track().campaigns(), track().deps());
  ASSERT_TRUE(loaded.ok()) << loaded;
  std::vector<dv1::Campaign> all = ListAll({});
  // Over June 2025 .. July 2026, the month's pair of categories in turn and the demo's routine
  // categories (cooking fumes, mobile stalls, noise): four a month, five when the pair holds
  // none of the three.
  ASSERT_EQ(all.size(), 61u);
  std::map<std::string, int> months;
  std::map<int, int> statuses;
  std::set<int> categories;
  std::map<std::string, std::set<int>> routine;  // month -> the routine categories in it
  for (const dv1::Campaign& c : all) {
    months[c.month()]++;
    statuses[c.status()]++;
    categories.insert(c.category());
    if (c.category() == kFumes || c.category() == kStalls || c.category() == kNoise) {
      EXPECT_TRUE(routine[c.month()].insert(c.category()).second) << c.id();
    }
    if (c.status() == kCompleted) {
      EXPECT_LE(c.month(), "2026-05") << c.id();
      EXPECT_LE(c.results().problems_fixed(), c.results().problems_found()) << c.id();
      EXPECT_FALSE(c.results().summary().empty()) << c.id();
    }
    // Started in the first five days of its month, district time (the start recorded after
    // the fact); next month's not yet.
    if (c.status() == kPlanned) {
      EXPECT_FALSE(c.has_start_time()) << c.id();
    } else {
      ASSERT_TRUE(c.has_start_time()) << c.id();
      const absl::CivilDay started = cal::LocalDay(FromTimestamp(c.start_time()));
      EXPECT_EQ(absl::FormatCivilTime(absl::CivilMonth(started)), c.month()) << c.id();
      EXPECT_LE(started.day(), 5) << c.id();
    }
  }
  EXPECT_EQ(months.size(), 14u);
  EXPECT_EQ(months.begin()->first, "2025-06");
  EXPECT_EQ(months.rbegin()->first, "2026-07");
  const std::map<std::string, int> per_month = {
      {"2025-06", 4}, {"2025-07", 5}, {"2025-08", 4}, {"2025-09", 4}, {"2025-10", 5},
      {"2025-11", 4}, {"2025-12", 5}, {"2026-01", 4}, {"2026-02", 4}, {"2026-03", 5},
      {"2026-04", 4}, {"2026-05", 5}, {"2026-06", 4}, {"2026-07", 4}};
  EXPECT_EQ(months, per_month);
  for (const auto& [month, in_it] : routine) EXPECT_EQ(in_it.size(), 3u) << month;
  EXPECT_EQ(routine.size(), 14u);
  EXPECT_EQ(statuses[kCompleted], 53);
  EXPECT_EQ(statuses[kUnderWay], 4);
  EXPECT_EQ(statuses[kPlanned], 4);
  EXPECT_EQ(categories.size(), 10u);
  dv1::ListCampaignsRequest june;
  june.set_month("2026-06");
  for (const dv1::Campaign& c : ListAll(june)) EXPECT_EQ(c.status(), kUnderWay) << c.id();
  EXPECT_TRUE(Get(all.front().id()).has_effect());

  // Again: nothing new, nothing moved.
  loaded = LoadCampaignDemo(track().campaigns(), track().deps());
  ASSERT_TRUE(loaded.ok()) << loaded;
  std::vector<dv1::Campaign> again = ListAll({});
  ASSERT_EQ(again.size(), all.size());
  for (size_t i = 0; i < all.size(); ++i) EXPECT_EQ(again[i].etag(), all[i].etag()) << all[i].id();

  // A month later: June's campaigns completed, July's under way, August's planned; the year
  // before stays.
  clock_.Set(Local(2026, 7, 15, 10, 0));
  loaded = LoadCampaignDemo(track().campaigns(), track().deps());
  ASSERT_TRUE(loaded.ok()) << loaded;
  again = ListAll({});
  ASSERT_EQ(again.size(), 66u);
  statuses.clear();
  for (const dv1::Campaign& c : again) statuses[c.status()]++;
  EXPECT_EQ(statuses[kCompleted], 57);
  EXPECT_EQ(statuses[kUnderWay], 4);
  EXPECT_EQ(statuses[kPlanned], 5);
  dv1::ListCampaignsRequest august;
  august.set_month("2026-08");
  august.set_status(kPlanned);
  EXPECT_EQ(ListAll(august).size(), 5u);
}

}  // namespace
}  // namespace gov::disorder
