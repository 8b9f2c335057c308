// The mediation track end to end in one process: the real track (engine, registry, routing,
// indicators) behind the real server over gRPC on loopback, on a SQLite file in a temp dir and
// a real redis-server, with a fake clock.

#include <algorithm>
#include <atomic>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/auth/auth.h"
#include "common/cache/cache.h"
#include "common/cases/calendar.h"
#include "common/cases/case_kind.h"
#include "common/cases/engine.h"
#include "common/config/config.h"
#include "common/regions/regions.h"
#include "common/server/handler.h"
#include "common/server/rpc_service.h"
#include "common/server/server.h"
#include "common/server/track_main.h"
#include "common/store/sqlite_store.h"
#include "common/util/proto.h"
#include "common/util/status.h"
#include "common/util/validate.h"
#include "gmock/gmock.h"
#include "governance/mediation/v1/mediation.grpc.pb.h"
#include "governance/v1/indicators.grpc.pb.h"
#include "governance/v1/privacy.pb.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "prometheus/registry.h"
#include "services/mediation/model.h"
#include "services/mediation/registry.h"
#include "services/mediation/routing.h"
#include "services/mediation/track.h"
#include "services/mediation/validation.h"
#include "tests/support/redis_server.h"
#include "tests/support/test_support.h"
#include "tests/support/track_harness.h"

namespace gov::mediation {
namespace {

namespace gv1 = ::governance::v1;
using mv1::MediationService;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kAdmin[] = "tok-admin";
constexpr char kOperator1[] = "tok-operator-gs01";
constexpr char kOperator2[] = "tok-operator-gs02";
constexpr char kOperator12[] = "tok-operator-gs01-gs02";
constexpr char kMediator1[] = "tok-mediator-gs01";
constexpr char kViewer[] = "tok-viewer";
constexpr char kCourt[] = "tok-court";

using gov::testing::Local;

using gov::testing::Describe;
using gov::testing::Outcome;

mv1::Dispute NewDispute(const std::string& street, const std::string& community,
                        mv1::DisputeCategory category,
                        mv1::IntakeChannel channel = mv1::INTAKE_CHANNEL_WALK_IN) {
  mv1::Dispute d;
  d.set_category(category);
  d.set_channel(channel);
  d.mutable_region()->set_street_id(street);
  d.mutable_region()->set_community_id(community);
  d.set_summary("邻居装修噪音（测试）");
  mv1::Party* applicant = d.add_parties();
  applicant->set_role(mv1::PARTY_ROLE_APPLICANT);
  applicant->set_name("张某");
  applicant->set_phone("000-0000-0001");
  mv1::Party* respondent = d.add_parties();
  respondent->set_role(mv1::PARTY_ROLE_RESPONDENT);
  respondent->set_name("李某");
  return d;
}

class MediationTest : public ::testing::Test {
 protected:
  MediationTest() : clock_(Local(2026, 3, 18, 10, 0)) {}

  void SetUp() override {
    ASSERT_TRUE(h_.Start(track::Factory<MediationTrack>(kTrack)).ok());
    stub_ = MediationService::NewStub(h_.channel());
    indicators_ = gv1::IndicatorsService::NewStub(h_.channel());
  }

  static std::vector<gov::testing::TestToken> Tokens() {
    return {
        {kAdmin, "admin", auth::kDistrictAdmin, {}},
        {kOperator1, "operator-gs01", auth::kStreetOperator, {"GS01"}},
        {kOperator2, "operator-gs02", auth::kStreetOperator, {"GS02"}},
        {kOperator12, "operator-gs01-gs02", auth::kStreetOperator, {"GS01", "GS02"}},
        {kMediator1, "mediator-gs01", kMediator, {"GS01"}},
        {kViewer, "viewer", auth::kViewer, {}},
        {kCourt, "court", auth::kSystem, {}},
    };
  }

  // Runs one call with `token` ("" = none) and collects its status and field trailer.
  template <typename Fn>
  Outcome Rpc(const std::string& token, Fn&& fn) {
    return h_.Rpc(token, std::forward<Fn>(fn));
  }

  std::string NextRequestId() { return absl::StrCat("req-", ++request_counter_); }

  // ---- Disputes ----

  Outcome TryCreate(const std::string& token, const mv1::Dispute& dispute, mv1::Dispute* out,
                    const std::string& request_id = "") {
    mv1::CreateDisputeRequest request;
    request.set_request_id(request_id.empty() ? NextRequestId() : request_id);
    *request.mutable_dispute() = dispute;
    mv1::CreateDisputeResponse response;
    Outcome o = Rpc(
        token, [&](grpc::ClientContext* c) { return stub_->CreateDispute(c, request, &response); });
    if (out != nullptr) *out = response.dispute();
    return o;
  }

  mv1::Dispute Create(const std::string& token, const mv1::Dispute& dispute) {
    mv1::Dispute out;
    Outcome o = TryCreate(token, dispute, &out);
    EXPECT_TRUE(o.status.ok()) << Describe(o);
    return out;
  }

  mv1::Dispute Get(const std::string& token, const std::string& id) {
    mv1::GetDisputeRequest request;
    request.set_id(id);
    mv1::GetDisputeResponse response;
    Outcome o = Rpc(
        token, [&](grpc::ClientContext* c) { return stub_->GetDispute(c, request, &response); });
    EXPECT_TRUE(o.status.ok()) << Describe(o);
    return response.dispute();
  }

  Outcome Triage(const std::string& token, const mv1::Dispute& d, mv1::Dispute* out,
                 const std::string& body_id = "") {
    mv1::TriageDisputeRequest request;
    request.set_id(d.id());
    request.set_etag(d.etag());
    request.set_body_id(body_id);
    mv1::TriageDisputeResponse response;
    Outcome o = Rpc(
        token, [&](grpc::ClientContext* c) { return stub_->TriageDispute(c, request, &response); });
    if (out != nullptr) *out = response.dispute();
    return o;
  }

  Outcome Assign(const std::string& token, const mv1::Dispute& d, const std::string& mediator,
                 mv1::Dispute* out) {
    mv1::AssignMediatorRequest request;
    request.set_id(d.id());
    request.set_etag(d.etag());
    request.set_mediator_id(mediator);
    mv1::AssignMediatorResponse response;
    Outcome o = Rpc(token, [&](grpc::ClientContext* c) {
      return stub_->AssignMediator(c, request, &response);
    });
    if (out != nullptr) *out = response.dispute();
    return o;
  }

  Outcome Session(const std::string& token, const mv1::Dispute& d, absl::Time hold,
                  mv1::Dispute* out) {
    mv1::RecordSessionRequest request;
    request.set_id(d.id());
    request.set_etag(d.etag());
    *request.mutable_session()->mutable_hold_time() = ToTimestamp(hold);
    request.mutable_session()->set_location("调解室");
    request.mutable_session()->set_note("第一次调解");
    mv1::RecordSessionResponse response;
    Outcome o = Rpc(
        token, [&](grpc::ClientContext* c) { return stub_->RecordSession(c, request, &response); });
    if (out != nullptr) *out = response.dispute();
    return o;
  }

  Outcome Outcome_(const std::string& token, const mv1::Dispute& d, mv1::Outcome outcome,
                   const std::string& note, mv1::Dispute* out) {
    mv1::RecordOutcomeRequest request;
    request.set_id(d.id());
    request.set_etag(d.etag());
    request.set_outcome(outcome);
    request.set_note(note);
    mv1::RecordOutcomeResponse response;
    Outcome o = Rpc(
        token, [&](grpc::ClientContext* c) { return stub_->RecordOutcome(c, request, &response); });
    if (out != nullptr) *out = response.dispute();
    return o;
  }

  Outcome Refer(const std::string& token, const mv1::Dispute& d, mv1::Dispute* out) {
    mv1::ReferToCourtRequest request;
    request.set_id(d.id());
    request.set_etag(d.etag());
    request.set_note("当事人坚持诉讼");
    mv1::ReferToCourtResponse response;
    Outcome o = Rpc(
        token, [&](grpc::ClientContext* c) { return stub_->ReferToCourt(c, request, &response); });
    if (out != nullptr) *out = response.dispute();
    return o;
  }

  Outcome Close(const std::string& token, const mv1::Dispute& d, mv1::Dispute* out) {
    mv1::CloseDisputeRequest request;
    request.set_id(d.id());
    request.set_etag(d.etag());
    mv1::CloseDisputeResponse response;
    Outcome o = Rpc(
        token, [&](grpc::ClientContext* c) { return stub_->CloseDispute(c, request, &response); });
    if (out != nullptr) *out = response.dispute();
    return o;
  }

  Outcome Reopen(const std::string& token, const mv1::Dispute& d, const std::string& note,
                 mv1::Dispute* out) {
    mv1::ReopenDisputeRequest request;
    request.set_id(d.id());
    request.set_etag(d.etag());
    request.set_note(note);
    mv1::ReopenDisputeResponse response;
    Outcome o = Rpc(
        token, [&](grpc::ClientContext* c) { return stub_->ReopenDispute(c, request, &response); });
    if (out != nullptr) *out = response.dispute();
    return o;
  }

  // Every dispute the admin sees, newest first, read in pages.
  std::vector<mv1::Dispute> ListAll(mv1::ListDisputesRequest request = {}) {
    std::vector<mv1::Dispute> all;
    request.set_page_size(500);
    do {
      mv1::ListDisputesResponse response;
      Outcome o = Rpc(kAdmin, [&](grpc::ClientContext* c) {
        return stub_->ListDisputes(c, request, &response);
      });
      EXPECT_TRUE(o.status.ok()) << Describe(o);
      if (!o.status.ok()) break;
      all.insert(all.end(), response.disputes().begin(), response.disputes().end());
      request.set_page_token(response.next_page_token());
    } while (!request.page_token().empty());
    return all;
  }

  // ---- Registry ----

  Outcome TryCreateBody(const std::string& token, const mv1::MediatingBody& body,
                        mv1::MediatingBody* out, const std::string& request_id = "") {
    mv1::CreateMediatingBodyRequest request;
    request.set_request_id(request_id.empty() ? NextRequestId() : request_id);
    *request.mutable_body() = body;
    mv1::CreateMediatingBodyResponse response;
    Outcome o = Rpc(token, [&](grpc::ClientContext* c) {
      return stub_->CreateMediatingBody(c, request, &response);
    });
    if (out != nullptr) *out = response.body();
    return o;
  }

  std::string AddBody(mv1::BodyKind kind, const std::string& street = "",
                      const std::string& community = "",
                      mv1::Industry industry = mv1::INDUSTRY_UNSPECIFIED) {
    mv1::MediatingBody body;
    body.set_kind(kind);
    body.set_name(absl::StrCat(EnumKey(kind), " ", street, community,
                               industry == mv1::INDUSTRY_UNSPECIFIED ? "" : EnumKey(industry)));
    body.mutable_region()->set_street_id(street);
    body.mutable_region()->set_community_id(community);
    body.set_industry(industry);
    mv1::MediatingBody out;
    Outcome o = TryCreateBody(kAdmin, body, &out);
    EXPECT_TRUE(o.status.ok()) << Describe(o);
    return out.id();
  }

  Outcome TryCreateMediator(const std::string& token, const mv1::Mediator& mediator,
                            mv1::Mediator* out) {
    mv1::CreateMediatorRequest request;
    request.set_request_id(NextRequestId());
    *request.mutable_mediator() = mediator;
    mv1::CreateMediatorResponse response;
    Outcome o = Rpc(token, [&](grpc::ClientContext* c) {
      return stub_->CreateMediator(c, request, &response);
    });
    if (out != nullptr) *out = response.mediator();
    return o;
  }

  std::string AddMediator(const std::string& body_id, bool full_time) {
    mv1::Mediator mediator;
    mediator.set_body_id(body_id);
    mediator.set_name(absl::StrCat("调解员", ++request_counter_));
    mediator.set_full_time(full_time);
    mv1::Mediator out;
    Outcome o = TryCreateMediator(kAdmin, mediator, &out);
    EXPECT_TRUE(o.status.ok()) << Describe(o);
    return out.id();
  }

  Outcome TryCreateTraining(const std::string& token, const mv1::TrainingSession& training,
                            mv1::TrainingSession* out) {
    mv1::CreateTrainingSessionRequest request;
    request.set_request_id(NextRequestId());
    *request.mutable_training() = training;
    mv1::CreateTrainingSessionResponse response;
    Outcome o = Rpc(token, [&](grpc::ClientContext* c) {
      return stub_->CreateTrainingSession(c, request, &response);
    });
    if (out != nullptr) *out = response.training();
    return o;
  }

  std::string AddTraining(mv1::TrainingLevel level, const std::string& street, absl::Time hold) {
    mv1::TrainingSession training;
    training.set_level(level);
    training.set_street_id(street);
    *training.mutable_hold_time() = ToTimestamp(hold);
    training.set_topic("骨干调解员培训");
    training.set_attendees(40);
    mv1::TrainingSession out;
    Outcome o = TryCreateTraining(kAdmin, training, &out);
    EXPECT_TRUE(o.status.ok()) << Describe(o);
    return out.id();
  }

  // Every item of a list, read in pages as `token`'s caller.
  template <typename Request, typename Response, typename Item, typename Call>
  std::vector<Item> ReadAllPages(
      Request request, int page_size, Call call,
      const google::protobuf::RepeatedPtrField<Item>& (Response::*items)() const,
      const std::string& token) {
    std::vector<Item> all;
    request.set_page_size(page_size);
    for (int pages = 0; pages < 1000; ++pages) {
      Response response;
      Outcome o = Rpc(token, [&](grpc::ClientContext* c) { return call(c, request, &response); });
      EXPECT_TRUE(o.status.ok()) << Describe(o);
      if (!o.status.ok()) break;
      const auto& page = (response.*items)();
      EXPECT_LE(page.size(), page_size);
      all.insert(all.end(), page.begin(), page.end());
      if (response.next_page_token().empty()) break;
      request.set_page_token(response.next_page_token());
    }
    return all;
  }

  std::vector<mv1::MediatingBody> AllBodies(mv1::ListMediatingBodiesRequest request = {},
                                            int page_size = 500,
                                            const std::string& token = kAdmin) {
    return ReadAllPages<mv1::ListMediatingBodiesRequest, mv1::ListMediatingBodiesResponse>(
        request, page_size,
        [this](grpc::ClientContext* c, const mv1::ListMediatingBodiesRequest& r,
               mv1::ListMediatingBodiesResponse* out) {
          return stub_->ListMediatingBodies(c, r, out);
        },
        &mv1::ListMediatingBodiesResponse::bodies, token);
  }

  std::vector<mv1::Mediator> AllMediators(const std::string& body_id = "", int page_size = 500,
                                          const std::string& token = kAdmin) {
    mv1::ListMediatorsRequest request;
    request.set_body_id(body_id);
    return ReadAllPages<mv1::ListMediatorsRequest, mv1::ListMediatorsResponse>(
        request, page_size,
        [this](grpc::ClientContext* c, const mv1::ListMediatorsRequest& r,
               mv1::ListMediatorsResponse* out) { return stub_->ListMediators(c, r, out); },
        &mv1::ListMediatorsResponse::mediators, token);
  }

  std::vector<mv1::TrainingSession> AllTrainings(mv1::ListTrainingSessionsRequest request = {},
                                                 int page_size = 500,
                                                 const std::string& token = kAdmin) {
    return ReadAllPages<mv1::ListTrainingSessionsRequest, mv1::ListTrainingSessionsResponse>(
        request, page_size,
        [this](grpc::ClientContext* c, const mv1::ListTrainingSessionsRequest& r,
               mv1::ListTrainingSessionsResponse* out) {
          return stub_->ListTrainingSessions(c, r, out);
        },
        &mv1::ListTrainingSessionsResponse::trainings, token);
  }

  // GS01's bodies as the lifecycle tests need them.
  struct Gs01 {
    std::string committee, room_c01, room_c02, street_court, court_c01, court_centre, labour;
    std::string committee_mediator, room_mediator, labour_mediator, court_mediator;
  };
  Gs01 SeedGs01() {
    Gs01 b;
    b.committee = AddBody(mv1::BODY_KIND_STREET_COMMITTEE, "GS01");
    b.room_c01 = AddBody(mv1::BODY_KIND_COMMUNITY_ROOM, "GS01", "GS01-C01");
    b.room_c02 = AddBody(mv1::BODY_KIND_COMMUNITY_ROOM, "GS01", "GS01-C02");
    b.street_court = AddBody(mv1::BODY_KIND_MICRO_COURT, "GS01");
    b.court_c01 = AddBody(mv1::BODY_KIND_MICRO_COURT, "GS01", "GS01-C01");
    b.court_centre = AddBody(mv1::BODY_KIND_COURT_CENTRE);
    b.labour = AddBody(mv1::BODY_KIND_INDUSTRY_COMMITTEE, "", "", mv1::INDUSTRY_LABOUR);
    b.committee_mediator = AddMediator(b.committee, true);
    b.room_mediator = AddMediator(b.room_c01, true);
    b.labour_mediator = AddMediator(b.labour, true);
    b.court_mediator = AddMediator(b.court_c01, false);
    return b;
  }

  // Takes a dispute through triage (by the table), assignment to the first mediator of the
  // routed body, one session, and the outcome; returns it as left.
  mv1::Dispute Mediate(const std::string& street, const std::string& community,
                       mv1::DisputeCategory category, mv1::Outcome outcome) {
    mv1::Dispute d = Create(kAdmin, NewDispute(street, community, category));
    EXPECT_TRUE(Triage(kAdmin, d, &d).status.ok());
    std::vector<mv1::Mediator> mediators = AllMediators(d.body_id());
    EXPECT_FALSE(mediators.empty()) << "no mediator at " << d.body_id();
    if (mediators.empty()) return d;
    EXPECT_TRUE(Assign(kAdmin, d, mediators.front().id(), &d).status.ok());
    clock_.Advance(absl::Hours(1));
    EXPECT_TRUE(Session(kAdmin, d, clock_.Now() - absl::Minutes(30), &d).status.ok());
    if (outcome == mv1::OUTCOME_UNSPECIFIED) {
      Outcome o = Refer(kAdmin, d, &d);
      EXPECT_TRUE(o.status.ok()) << Describe(o);
    } else {
      Outcome o = Outcome_(kAdmin, d, outcome, "结果", &d);
      EXPECT_TRUE(o.status.ok()) << Describe(o);
    }
    return d;
  }

  std::map<std::string, gv1::Indicator> Indicators(const std::string& token,
                                                   const std::string& street, int year, int month) {
    gv1::RegionRef region;
    region.set_street_id(street);
    return h_.Indicators(token, gov::testing::Month(year, month), region);
  }

  Outcome RecordIntake(int year, int month, const std::string& street, int64_t value) {
    gv1::RecordFigureRequest request;
    request.set_request_id(NextRequestId());
    request.mutable_figure()->set_figure_id("court_intake");
    request.mutable_figure()->mutable_period()->set_year(year);
    request.mutable_figure()->mutable_period()->set_month(month);
    request.mutable_figure()->set_street_id(street);
    request.mutable_figure()->set_value(value);
    request.mutable_figure()->set_source("district court monthly report");
    gv1::RecordFigureResponse response;
    return Rpc(kAdmin, [&](grpc::ClientContext* c) {
      return indicators_->RecordFigure(c, request, &response);
    });
  }

  FakeClock clock_;
  gov::testing::TrackHarness h_{kTrack, &clock_, Tokens()};
  std::unique_ptr<MediationService::Stub> stub_;
  std::unique_ptr<gv1::IndicatorsService::Stub> indicators_;
  std::atomic<int> request_counter_{0};
};

std::vector<std::string> Actions(const mv1::Dispute& d) {
  std::vector<std::string> out;
  for (const gv1::CaseEvent& e : d.history()) out.push_back(e.action());
  return out;
}

// ---- Spec ----

TEST(MediationSpecTest, SpecIsValidAndMatchesTheProtoStates) {
  ASSERT_TRUE(cases::CaseEngine::ValidateSpec(MediationSpec()).ok());
  // Every stored status is a DisputeState name, so responses can map it back.
  for (const cases::StateSpec& state : MediationSpec().states) {
    EXPECT_TRUE(EnumFromKey<mv1::DisputeState>(state.name).has_value()) << state.name;
  }
  EXPECT_EQ(MediationSpec().states.size(), mv1::DisputeState_descriptor()->value_count() - 1u);
}

// The dispute's kind of case names fields of the Dispute message that can hold what the case
// record owns (the track also refuses to start otherwise).
TEST(MediationSpecTest, DisputeKindDeclaresFieldsOfTheDispute) {
  const absl::Status checked = DisputeKind().Check();
  EXPECT_TRUE(checked.ok()) << checked;
}

// ---- Lifecycle ----

TEST_F(MediationTest, FullLifecycleWithRoutingAndHistory) {
  const Gs01 b = SeedGs01();

  mv1::Dispute d =
      Create(kOperator1, NewDispute("GS01", "GS01-C01", mv1::DISPUTE_CATEGORY_NEIGHBOURHOOD));
  EXPECT_THAT(d.id(), HasSubstr("D-"));
  EXPECT_EQ(d.state(), mv1::DISPUTE_STATE_RECEIVED);
  EXPECT_TRUE(d.body_id().empty());
  EXPECT_EQ(d.parties_size(), 2);
  EXPECT_EQ(d.parties(0).name(), "张某");
  // 1 working day: Wednesday 18 March -> end of Thursday 19 March.
  EXPECT_EQ(FromTimestamp(d.due_time()), Local(2026, 3, 20));
  EXPECT_THAT(Actions(d), ElementsAre("Create"));
  EXPECT_EQ(d.history(0).actor(), "operator-gs01");

  clock_.Advance(absl::Hours(1));
  Outcome o = Triage(kOperator1, d, &d);
  ASSERT_TRUE(o.status.ok()) << Describe(o);
  EXPECT_EQ(d.state(), mv1::DISPUTE_STATE_TRIAGED);
  EXPECT_EQ(d.body_id(), b.room_c01) << "a neighbourhood dispute goes to its community's room";
  EXPECT_EQ(FromTimestamp(d.due_time()), Local(2026, 3, 21));  // 2 wd: Thu, Fri

  o = Assign(kOperator1, d, b.room_mediator, &d);
  ASSERT_TRUE(o.status.ok()) << Describe(o);
  EXPECT_EQ(d.state(), mv1::DISPUTE_STATE_IN_MEDIATION);
  EXPECT_EQ(d.mediator_id(), b.room_mediator);

  clock_.Advance(absl::Hours(24));
  const absl::Time due_in_mediation = FromTimestamp(d.due_time());
  o = Session(kMediator1, d, clock_.Now() - absl::Hours(2), &d);
  ASSERT_TRUE(o.status.ok()) << Describe(o);
  EXPECT_EQ(d.state(), mv1::DISPUTE_STATE_IN_MEDIATION);
  ASSERT_EQ(d.sessions_size(), 1);
  EXPECT_EQ(d.sessions(0).location(), "调解室");
  EXPECT_EQ(FromTimestamp(d.due_time()), due_in_mediation)
      << "a session does not restart the clock";

  o = Outcome_(kMediator1, d, mv1::OUTCOME_AGREED, "双方同意赔偿", &d);
  ASSERT_TRUE(o.status.ok()) << Describe(o);
  EXPECT_EQ(d.state(), mv1::DISPUTE_STATE_AGREED);
  EXPECT_EQ(d.outcome_note(), "双方同意赔偿");
  EXPECT_FALSE(d.has_due_time());

  ASSERT_TRUE(Close(kOperator1, d, &d).status.ok());
  EXPECT_EQ(d.state(), mv1::DISPUTE_STATE_CLOSED);

  o = Reopen(kOperator1, d, "协议未履行", &d);
  ASSERT_TRUE(o.status.ok()) << Describe(o);
  EXPECT_EQ(d.state(), mv1::DISPUTE_STATE_IN_MEDIATION);
  EXPECT_TRUE(d.outcome_note().empty());
  EXPECT_TRUE(d.has_due_time());

  o = Outcome_(kOperator1, d, mv1::OUTCOME_FAILED, "对方拒绝履行", &d);
  ASSERT_TRUE(o.status.ok()) << Describe(o);
  EXPECT_EQ(d.state(), mv1::DISPUTE_STATE_FAILED);
  ASSERT_TRUE(Refer(kOperator1, d, &d).status.ok());
  EXPECT_EQ(d.state(), mv1::DISPUTE_STATE_REFERRED_TO_COURT);
  ASSERT_TRUE(Close(kOperator1, d, &d).status.ok());

  const std::vector<std::string> expected = {
      "Create", "Triage", "AssignMediator", "RecordSession", "RecordAgreement",
      "Close",  "Reopen", "RecordFailure",  "ReferToCourt",  "Close"};
  EXPECT_EQ(Actions(d), expected);
  const mv1::Dispute read = Get(kOperator1, d.id());
  EXPECT_EQ(Actions(read), expected);
  EXPECT_EQ(read.etag(), d.etag());
  EXPECT_EQ(read.state(), mv1::DISPUTE_STATE_CLOSED);
  EXPECT_EQ(read.history(6).from_status(), "CLOSED");
  EXPECT_EQ(read.history(6).to_status(), "IN_MEDIATION");
  EXPECT_EQ(read.history(6).note(), "协议未履行");
  for (int i = 0; i < read.history_size(); ++i) EXPECT_EQ(read.history(i).sequence(), i + 1);
}

TEST_F(MediationTest, CourtReferralsAndDirectReferral) {
  const Gs01 b = SeedGs01();
  // The court's system files a referral; it goes to the community's micro-court.
  mv1::Dispute d = Create(kCourt, NewDispute("GS01", "GS01-C01", mv1::DISPUTE_CATEGORY_CONTRACT,
                                             mv1::INTAKE_CHANNEL_COURT_REFERRAL));
  ASSERT_TRUE(Triage(kOperator1, d, &d).status.ok());
  EXPECT_EQ(d.body_id(), b.court_c01);
  // Without a community micro-court: the street's.
  mv1::Dispute d2 = Create(kCourt, NewDispute("GS01", "GS01-C02", mv1::DISPUTE_CATEGORY_CONTRACT,
                                              mv1::INTAKE_CHANNEL_COURT_REFERRAL));
  ASSERT_TRUE(Triage(kOperator1, d2, &d2).status.ok());
  EXPECT_EQ(d2.body_id(), b.street_court);

  // Straight from triage to court, closed, and then it cannot resume: nobody mediated it.
  ASSERT_TRUE(Refer(kOperator1, d, &d).status.ok());
  EXPECT_EQ(d.state(), mv1::DISPUTE_STATE_REFERRED_TO_COURT);
  ASSERT_TRUE(Close(kOperator1, d, &d).status.ok());
  Outcome o = Reopen(kOperator1, d, "重新调解", nullptr);
  EXPECT_EQ(o.code(), grpc::StatusCode::FAILED_PRECONDITION) << Describe(o);

  // A named body overrides the table.
  mv1::Dispute d3 =
      Create(kOperator1, NewDispute("GS01", "GS01-C01", mv1::DISPUTE_CATEGORY_NEIGHBOURHOOD));
  ASSERT_TRUE(Triage(kOperator1, d3, &d3, b.labour).status.ok());
  EXPECT_EQ(d3.body_id(), b.labour);
}

// ---- Bad input ----

// The test kit's "nothing was written" check (TrackHarness::StoreSnapshot) sees every kind of
// write: a new case, a transition, a registry row and a figure each change it; reads do not.
TEST_F(MediationTest, TheStoreSnapshotSeesEveryKindOfWrite) {
  SeedGs01();
  std::string before = h_.StoreSnapshot();
  mv1::Dispute d = Create(kAdmin, NewDispute("GS01", "GS01-C01", mv1::DISPUTE_CATEGORY_FAMILY));
  std::string after = h_.StoreSnapshot();
  EXPECT_NE(after, before) << "a new case";
  EXPECT_THAT(after, HasSubstr(d.id()));

  before = after;
  Get(kAdmin, d.id());
  ListAll();
  EXPECT_EQ(h_.StoreSnapshot(), before) << "reads";

  ASSERT_TRUE(Triage(kAdmin, d, &d).status.ok());
  after = h_.StoreSnapshot();
  EXPECT_NE(after, before) << "a transition";

  before = after;
  AddBody(mv1::BODY_KIND_STREET_COMMITTEE, "GS02");
  after = h_.StoreSnapshot();
  EXPECT_NE(after, before) << "a registry row";

  before = after;
  ASSERT_TRUE(RecordIntake(2026, 5, "GS01", 12).status.ok());
  EXPECT_NE(h_.StoreSnapshot(), before) << "a figure";
}

TEST_F(MediationTest, EveryRpcRefusesBadInputNamingTheFieldAndWritesNothing) {
  const Gs01 b = SeedGs01();
  mv1::Dispute received =
      Create(kAdmin, NewDispute("GS01", "GS01-C01", mv1::DISPUTE_CATEGORY_NEIGHBOURHOOD));
  mv1::Dispute mediating =
      Create(kAdmin, NewDispute("GS01", "GS01-C01", mv1::DISPUTE_CATEGORY_NEIGHBOURHOOD));
  ASSERT_TRUE(Triage(kAdmin, mediating, &mediating).status.ok());
  ASSERT_TRUE(Assign(kAdmin, mediating, b.room_mediator, &mediating).status.ok());
  // The registry is looked up after the state check, so an unknown mediator needs a dispute
  // that may be assigned one.
  mv1::Dispute triaged =
      Create(kAdmin, NewDispute("GS01", "GS01-C01", mv1::DISPUTE_CATEGORY_NEIGHBOURHOOD));
  ASSERT_TRUE(Triage(kAdmin, triaged, &triaged).status.ok());

  const size_t disputes_before = ListAll().size();
  const size_t bodies_before = AllBodies().size();
  const size_t mediators_before = AllMediators().size();
  const size_t trainings_before = AllTrainings().size();
  const std::string store_before = h_.StoreSnapshot();

  struct Case {
    std::string name;
    std::string field;
    std::function<Outcome()> call;
  };
  std::vector<Case> checks;
  auto create_with = [&](std::string name, std::string field,
                         std::function<void(mv1::Dispute&)> edit, std::string request_id = "") {
    checks.push_back({std::move(name), std::move(field), [&, edit, request_id] {
                        mv1::Dispute d =
                            NewDispute("GS01", "GS01-C01", mv1::DISPUTE_CATEGORY_NEIGHBOURHOOD);
                        edit(d);
                        mv1::CreateDisputeRequest request;
                        request.set_request_id(request_id);
                        *request.mutable_dispute() = d;
                        mv1::CreateDisputeResponse response;
                        return Rpc(kAdmin, [&](grpc::ClientContext* c) {
                          return stub_->CreateDispute(c, request, &response);
                        });
                      }});
  };
  auto none = [](mv1::Dispute&) {};
  create_with("no request id", "request_id", none, "");
  create_with("long request id", "request_id", none, std::string(129, 'r'));
  create_with(
      "no category", "dispute.category", [](mv1::Dispute& d) { d.clear_category(); }, "x1");
  create_with(
      "no channel", "dispute.channel", [](mv1::Dispute& d) { d.clear_channel(); }, "x2");
  create_with(
      "no street", "dispute.region.street_id",
      [](mv1::Dispute& d) { d.mutable_region()->clear_street_id(); }, "x3");
  create_with(
      "unknown street", "dispute.region.street_id",
      [](mv1::Dispute& d) { d.mutable_region()->set_street_id("GS99"); }, "x4");
  create_with(
      "community of another street", "dispute.region.community_id",
      [](mv1::Dispute& d) { d.mutable_region()->set_community_id("GS02-C01"); }, "x5");
  create_with(
      "no parties", "dispute.parties", [](mv1::Dispute& d) { d.clear_parties(); }, "x6");
  create_with(
      "no applicant", "dispute.parties",
      [](mv1::Dispute& d) { d.mutable_parties()->DeleteSubrange(0, 1); }, "x7");
  create_with(
      "party without role", "dispute.parties[1].role",
      [](mv1::Dispute& d) { d.mutable_parties(1)->clear_role(); }, "x8");
  create_with(
      "party without name", "dispute.parties[0].name",
      [](mv1::Dispute& d) { d.mutable_parties(0)->clear_name(); }, "x9");
  create_with(
      "bad phone", "dispute.parties[0].phone",
      [](mv1::Dispute& d) { d.mutable_parties(0)->set_phone("call me"); }, "x10");
  // The shared phone rule (gov::ValidatePhone): at least 5 digits, '-' only after a digit. The
  // track took both of these before.
  create_with(
      "phone of four digits", "dispute.parties[0].phone",
      [](mv1::Dispute& d) { d.mutable_parties(0)->set_phone("12-34"); }, "x10b");
  create_with(
      "phone of dashes", "dispute.parties[1].phone",
      [](mv1::Dispute& d) { d.mutable_parties(1)->set_phone("+1----2"); }, "x10c");
  create_with(
      "long summary", "dispute.summary",
      [](mv1::Dispute& d) {
        std::string s;
        for (int i = 0; i < 2001; ++i) s += "纠";
        d.set_summary(s);
      },
      "x11");
  create_with(
      "negative amount", "dispute.amount_fen", [](mv1::Dispute& d) { d.set_amount_fen(-1); },
      "x12");

  auto add = [&](std::string name, std::string field, std::function<Outcome()> call) {
    checks.push_back({std::move(name), std::move(field), std::move(call)});
  };
  add("get without id", "id", [&] {
    mv1::GetDisputeRequest r;
    mv1::GetDisputeResponse out;
    return Rpc(kAdmin, [&](grpc::ClientContext* c) { return stub_->GetDispute(c, r, &out); });
  });
  auto list_with = [&](std::string name, std::string field,
                       std::function<void(mv1::ListDisputesRequest&)> edit) {
    add(std::move(name), std::move(field), [&, edit] {
      mv1::ListDisputesRequest r;
      edit(r);
      mv1::ListDisputesResponse out;
      return Rpc(kAdmin, [&](grpc::ClientContext* c) { return stub_->ListDisputes(c, r, &out); });
    });
  };
  list_with("negative page size", "page_size", [](auto& r) { r.set_page_size(-1); });
  list_with("unspecified state", "states[0]",
            [](auto& r) { r.add_states(mv1::DISPUTE_STATE_UNSPECIFIED); });
  list_with("unknown street", "region.street_id",
            [](auto& r) { r.mutable_region()->set_street_id("GS99"); });
  list_with("forged token", "page_token", [](auto& r) { r.set_page_token("bm90LWEtdG9rZW4"); });

  add("triage without id", "id", [&] {
    mv1::Dispute d = received;
    d.clear_id();
    return Triage(kAdmin, d, nullptr);
  });
  add("triage without etag", "etag", [&] {
    mv1::Dispute d = received;
    d.clear_etag();
    return Triage(kAdmin, d, nullptr);
  });
  add("triage to an unknown body", "body_id",
      [&] { return Triage(kAdmin, received, nullptr, "B-999999"); });
  add("assign without mediator", "mediator_id",
      [&] { return Assign(kAdmin, mediating, "", nullptr); });
  add("assign an unknown mediator", "mediator_id",
      [&] { return Assign(kAdmin, triaged, "M-999999", nullptr); });
  add("session without hold time", "session.hold_time", [&] {
    mv1::RecordSessionRequest r;
    r.set_id(mediating.id());
    r.set_etag(mediating.etag());
    mv1::RecordSessionResponse out;
    return Rpc(kAdmin, [&](grpc::ClientContext* c) { return stub_->RecordSession(c, r, &out); });
  });
  add("session in the future", "session.hold_time",
      [&] { return Session(kAdmin, mediating, clock_.Now() + absl::Hours(1), nullptr); });
  add("session before intake", "session.hold_time",
      [&] { return Session(kAdmin, mediating, clock_.Now() - absl::Hours(24 * 30), nullptr); });
  add("outcome unset", "outcome",
      [&] { return Outcome_(kAdmin, mediating, mv1::OUTCOME_UNSPECIFIED, "x", nullptr); });
  add("outcome without note", "note",
      [&] { return Outcome_(kAdmin, mediating, mv1::OUTCOME_AGREED, "", nullptr); });
  add("refer without etag", "etag", [&] {
    mv1::Dispute d = mediating;
    d.clear_etag();
    return Refer(kAdmin, d, nullptr);
  });
  add("close without id", "id", [&] {
    mv1::Dispute d = mediating;
    d.clear_id();
    return Close(kAdmin, d, nullptr);
  });
  add("reopen without note", "note", [&] { return Reopen(kAdmin, mediating, "", nullptr); });

  auto body_with = [&](std::string name, std::string field, mv1::BodyKind kind, std::string street,
                       std::string community, mv1::Industry industry,
                       std::string body_name = "某调委会", std::string request_id = "") {
    add(std::move(name), std::move(field), [=, this] {
      mv1::MediatingBody body;
      body.set_kind(kind);
      body.set_name(body_name);
      body.mutable_region()->set_street_id(street);
      body.mutable_region()->set_community_id(community);
      body.set_industry(industry);
      mv1::CreateMediatingBodyRequest r;
      r.set_request_id(request_id.empty() ? NextRequestId() : request_id);
      if (request_id == "-") r.clear_request_id();
      *r.mutable_body() = body;
      mv1::CreateMediatingBodyResponse out;
      return Rpc(kAdmin,
                 [&](grpc::ClientContext* c) { return stub_->CreateMediatingBody(c, r, &out); });
    });
  };
  const auto kNoIndustry = mv1::INDUSTRY_UNSPECIFIED;
  body_with("body without request id", "request_id", mv1::BODY_KIND_STREET_COMMITTEE, "GS03", "",
            kNoIndustry, "x", "-");
  body_with("body without kind", "body.kind", mv1::BODY_KIND_UNSPECIFIED, "GS03", "", kNoIndustry);
  body_with("body without name", "body.name", mv1::BODY_KIND_STREET_COMMITTEE, "GS03", "",
            kNoIndustry, "");
  body_with("committee without street", "body.region.street_id", mv1::BODY_KIND_STREET_COMMITTEE,
            "", "", kNoIndustry);
  body_with("committee with a community", "body.region.community_id",
            mv1::BODY_KIND_STREET_COMMITTEE, "GS03", "GS03-C01", kNoIndustry);
  body_with("room without community", "body.region.community_id", mv1::BODY_KIND_COMMUNITY_ROOM,
            "GS03", "", kNoIndustry);
  body_with("industry committee without industry", "body.industry",
            mv1::BODY_KIND_INDUSTRY_COMMITTEE, "", "", kNoIndustry);
  body_with("industry committee in a street", "body.region", mv1::BODY_KIND_INDUSTRY_COMMITTEE,
            "GS03", "", mv1::INDUSTRY_FINANCE);
  body_with("court centre in a street", "body.region", mv1::BODY_KIND_COURT_CENTRE, "GS03", "",
            kNoIndustry);
  body_with("street committee with an industry", "body.industry", mv1::BODY_KIND_STREET_COMMITTEE,
            "GS03", "", mv1::INDUSTRY_FINANCE);
  add("body in a grid", "body.region.grid_id", [&] {
    mv1::CreateMediatingBodyRequest r;
    r.set_request_id(NextRequestId());
    r.mutable_body()->set_kind(mv1::BODY_KIND_MICRO_COURT);
    r.mutable_body()->set_name("网格法庭");
    r.mutable_body()->mutable_region()->set_street_id("GS01");
    r.mutable_body()->mutable_region()->set_community_id("GS01-C01");
    r.mutable_body()->mutable_region()->set_grid_id("GS01-C01-G01");
    mv1::CreateMediatingBodyResponse out;
    return Rpc(kAdmin,
               [&](grpc::ClientContext* c) { return stub_->CreateMediatingBody(c, r, &out); });
  });
  add("get body without id", "id", [&] {
    mv1::GetMediatingBodyRequest r;
    mv1::GetMediatingBodyResponse out;
    return Rpc(kAdmin, [&](grpc::ClientContext* c) { return stub_->GetMediatingBody(c, r, &out); });
  });
  add("list bodies, bad page size", "page_size", [&] {
    mv1::ListMediatingBodiesRequest r;
    r.set_page_size(-5);
    mv1::ListMediatingBodiesResponse out;
    return Rpc(kAdmin,
               [&](grpc::ClientContext* c) { return stub_->ListMediatingBodies(c, r, &out); });
  });
  add("list bodies, unknown kind", "kind", [&] {
    mv1::ListMediatingBodiesRequest r;
    r.set_kind(static_cast<mv1::BodyKind>(99));
    mv1::ListMediatingBodiesResponse out;
    return Rpc(kAdmin,
               [&](grpc::ClientContext* c) { return stub_->ListMediatingBodies(c, r, &out); });
  });
  auto mediator_with = [&](std::string name, std::string field, std::string body_id,
                           std::string mediator_name) {
    add(std::move(name), std::move(field), [=, this] {
      mv1::Mediator m;
      m.set_body_id(body_id);
      m.set_name(mediator_name);
      return TryCreateMediator(kAdmin, m, nullptr);
    });
  };
  mediator_with("mediator without body", "mediator.body_id", "", "王某");
  mediator_with("mediator of an unknown body", "mediator.body_id", "B-999999", "王某");
  mediator_with("mediator without name", "mediator.name", b.committee, "");
  add("list mediators, forged token", "page_token", [&] {
    mv1::ListMediatorsRequest r;
    r.set_page_token("Zm9yZ2Vk");
    mv1::ListMediatorsResponse out;
    return Rpc(kAdmin, [&](grpc::ClientContext* c) { return stub_->ListMediators(c, r, &out); });
  });
  auto training_with = [&](std::string name, std::string field,
                           std::function<void(mv1::TrainingSession&)> edit) {
    add(std::move(name), std::move(field), [=, this] {
      mv1::TrainingSession t;
      t.set_level(mv1::TRAINING_LEVEL_STREET);
      t.set_street_id("GS01");
      *t.mutable_hold_time() = ToTimestamp(clock_.Now() - absl::Hours(24));
      t.set_topic("培训");
      t.set_attendees(10);
      edit(t);
      return TryCreateTraining(kAdmin, t, nullptr);
    });
  };
  training_with("training without level", "training.level", [](auto& t) { t.clear_level(); });
  training_with("street training without street", "training.street_id",
                [](auto& t) { t.clear_street_id(); });
  training_with("district training with a street", "training.street_id",
                [](auto& t) { t.set_level(mv1::TRAINING_LEVEL_DISTRICT); });
  training_with("training without time", "training.hold_time",
                [](auto& t) { t.clear_hold_time(); });
  training_with("training in the future", "training.hold_time", [this](auto& t) {
    *t.mutable_hold_time() = ToTimestamp(clock_.Now() + absl::Hours(24));
  });
  training_with("training before 2000", "training.hold_time",
                [](auto& t) { *t.mutable_hold_time() = ToTimestamp(Local(1999, 12, 31, 23, 59)); });
  training_with("training at a time near the epoch", "training.hold_time", [](auto& t) {
    t.mutable_hold_time()->set_seconds(86400);  // seconds of 1970-01-02
  });
  training_with("training without topic", "training.topic", [](auto& t) { t.clear_topic(); });
  training_with("negative attendees", "training.attendees", [](auto& t) { t.set_attendees(-1); });
  add("list trainings, bad year", "year", [&] {
    mv1::ListTrainingSessionsRequest r;
    r.set_year(1999);
    mv1::ListTrainingSessionsResponse out;
    return Rpc(kAdmin,
               [&](grpc::ClientContext* c) { return stub_->ListTrainingSessions(c, r, &out); });
  });
  add("list trainings, unknown street", "street_id", [&] {
    mv1::ListTrainingSessionsRequest r;
    r.set_street_id("GS99");
    mv1::ListTrainingSessionsResponse out;
    return Rpc(kAdmin,
               [&](grpc::ClientContext* c) { return stub_->ListTrainingSessions(c, r, &out); });
  });

  for (const Case& c : checks) {
    SCOPED_TRACE(c.name);
    const Outcome o = c.call();
    EXPECT_EQ(o.code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(o);
    EXPECT_EQ(o.field, c.field) << Describe(o);
    EXPECT_THAT(o.status.error_message(), HasSubstr(c.field));
  }
  EXPECT_GE(checks.size(), 50u);

  // Nothing was written: no new rows, and the disputes are at the versions they were.
  EXPECT_EQ(h_.StoreSnapshot(), store_before);
  EXPECT_EQ(ListAll().size(), disputes_before);
  EXPECT_EQ(AllBodies().size(), bodies_before);
  EXPECT_EQ(AllMediators().size(), mediators_before);
  EXPECT_EQ(AllTrainings().size(), trainings_before);
  EXPECT_EQ(Get(kAdmin, received.id()).etag(), received.etag());
  EXPECT_EQ(Get(kAdmin, mediating.id()).etag(), mediating.etag());
  EXPECT_EQ(Get(kAdmin, mediating.id()).sessions_size(), 0);
  EXPECT_EQ(Get(kAdmin, triaged.id()).etag(), triaged.etag());
}

// Hold times follow the shared rule for when something happened (gov::ValidatePastTime): set,
// from 2000-01-01 up to 2100-01-01 (UTC), at most kMaxClockSkew ahead of the server's clock.
TEST(MediationValidationTest, HoldTimesFollowTheSharedRule) {
  auto regions = regions::RegionRegistry::LoadFile(gov::testing::SourcePath("data/regions.json"));
  ASSERT_TRUE(regions.ok()) << regions.status();
  // Far ahead, so that "not in the future" cannot be what refuses the late times.
  const absl::Time now = Local(2200, 1, 1);
  auto session_at = [&](const google::protobuf::Timestamp& hold, absl::Time at) {
    mv1::MediationSession session;
    *session.mutable_hold_time() = hold;
    return ValidateSession(session, at, "session");
  };
  auto training_at = [&](const google::protobuf::Timestamp& hold, absl::Time at) {
    mv1::TrainingSession training;
    training.set_level(mv1::TRAINING_LEVEL_DISTRICT);
    *training.mutable_hold_time() = hold;
    training.set_topic("骨干调解员培训");
    return ValidateNewTraining(training, at, **regions);
  };
  auto utc = [](int y, int m, int d, int hh = 0, int mm = 0) {
    return absl::FromCivil(absl::CivilMinute(y, m, d, hh, mm), absl::UTCTimeZone());
  };
  google::protobuf::Timestamp huge;
  huge.set_seconds(std::numeric_limits<int64_t>::max() / 2);
  google::protobuf::Timestamp very_negative;
  very_negative.set_seconds(-std::numeric_limits<int64_t>::max() / 2);
  const std::vector<std::tuple<std::string, google::protobuf::Timestamp, std::string>> refused = {
      {"the last minute of 1999", ToTimestamp(utc(1999, 12, 31, 23, 59)), "between 2000 and 2100"},
      {"the first moment of 2100", ToTimestamp(utc(2100, 1, 1)), "between 2000 and 2100"},
      {"the epoch (unset)", google::protobuf::Timestamp(), "required"},
      {"huge seconds", huge, "between 2000 and 2100"},
      {"very negative seconds", very_negative, "between 2000 and 2100"},
  };
  for (const auto& [name, hold, why] : refused) {
    SCOPED_TRACE(name);
    const absl::Status session = session_at(hold, now);
    EXPECT_EQ(session.code(), absl::StatusCode::kInvalidArgument) << session;
    EXPECT_EQ(FieldOf(session), "session.hold_time");
    EXPECT_THAT(session.message(), HasSubstr(why));
    const absl::Status training = training_at(hold, now);
    EXPECT_EQ(training.code(), absl::StatusCode::kInvalidArgument) << training;
    EXPECT_EQ(FieldOf(training), "training.hold_time");
    EXPECT_THAT(training.message(), HasSubstr(why));
  }
  for (const absl::Time ok : {utc(2000, 1, 1), utc(2099, 12, 31, 23, 59)}) {
    SCOPED_TRACE(absl::FormatTime(ok));
    EXPECT_TRUE(session_at(ToTimestamp(ok), now).ok()) << session_at(ToTimestamp(ok), now);
    EXPECT_TRUE(training_at(ToTimestamp(ok), now).ok()) << training_at(ToTimestamp(ok), now);
  }
  // Within the century: up to kMaxClockSkew ahead of the clock is taken (a client's clock may
  // run a little ahead), a second more is "in the future".
  const absl::Time today = Local(2026, 3, 18);
  EXPECT_TRUE(session_at(ToTimestamp(today + kMaxClockSkew), today).ok());
  EXPECT_TRUE(training_at(ToTimestamp(today + kMaxClockSkew), today).ok());
  for (const absl::Time late : {today + kMaxClockSkew + absl::Seconds(1), Local(2030, 1, 1)}) {
    SCOPED_TRACE(absl::FormatTime(late));
    const absl::Status session = session_at(ToTimestamp(late), today);
    EXPECT_EQ(FieldOf(session), "session.hold_time");
    EXPECT_THAT(session.message(), HasSubstr("in the future"));
    const absl::Status training = training_at(ToTimestamp(late), today);
    EXPECT_EQ(FieldOf(training), "training.hold_time");
    EXPECT_THAT(training.message(), HasSubstr("in the future"));
  }
}

// A NUL in a free text is refused before the handler (server::RpcService checks every string of
// the request): INVALID_ARGUMENT naming the field, and nothing is written, not even the
// request_id, which a clean retry then takes.
TEST_F(MediationTest, NulInAFreeTextIsRefusedNamingTheFieldAndWritesNothing) {
  mv1::Dispute dispute = NewDispute("GS01", "GS01-C01", mv1::DISPUTE_CATEGORY_NEIGHBOURHOOD);
  dispute.set_summary(std::string("楼上漏水") + '\0' + "三天");
  Outcome o = TryCreate(kAdmin, dispute, nullptr, "nul-1");
  EXPECT_EQ(o.code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(o);
  EXPECT_EQ(o.field, "dispute.summary");
  EXPECT_THAT(o.status.error_message(), HasSubstr("dispute.summary"));
  dispute = NewDispute("GS01", "GS01-C01", mv1::DISPUTE_CATEGORY_NEIGHBOURHOOD);
  dispute.mutable_parties(1)->set_name(std::string("李") + '\0' + "某");
  o = TryCreate(kAdmin, dispute, nullptr, "nul-1");
  EXPECT_EQ(o.code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(o);
  EXPECT_EQ(o.field, "dispute.parties[1].name");
  EXPECT_TRUE(ListAll().empty());

  mv1::Dispute created;
  o = TryCreate(kAdmin, NewDispute("GS01", "GS01-C01", mv1::DISPUTE_CATEGORY_NEIGHBOURHOOD),
                &created, "nul-1");
  ASSERT_TRUE(o.status.ok()) << Describe(o);
  EXPECT_EQ(ListAll().size(), 1u);
}

// ---- State machine ----

TEST_F(MediationTest, IllegalTransitionsAreFailedPrecondition) {
  const Gs01 b = SeedGs01();
  const std::string gs02_committee = AddBody(mv1::BODY_KIND_STREET_COMMITTEE, "GS02");
  const std::string gs02_mediator = AddMediator(gs02_committee, true);
  mv1::Dispute d =
      Create(kOperator1, NewDispute("GS01", "GS01-C01", mv1::DISPUTE_CATEGORY_NEIGHBOURHOOD));

  // From RECEIVED only triage is allowed.
  std::vector<std::pair<std::string, Outcome>> refused = {
      {"assign", Assign(kOperator1, d, b.room_mediator, nullptr)},
      {"session", Session(kOperator1, d, clock_.Now(), nullptr)},
      {"outcome", Outcome_(kOperator1, d, mv1::OUTCOME_AGREED, "x", nullptr)},
      {"refer", Refer(kOperator1, d, nullptr)},
      {"close", Close(kOperator1, d, nullptr)},
      {"reopen", Reopen(kOperator1, d, "x", nullptr)},
  };
  for (const auto& [name, o] : refused) {
    EXPECT_EQ(o.code(), grpc::StatusCode::FAILED_PRECONDITION) << name << " " << Describe(o);
  }
  // A body of another street is refused for triage.
  Outcome o = Triage(kAdmin, d, nullptr, gs02_committee);
  EXPECT_EQ(o.code(), grpc::StatusCode::FAILED_PRECONDITION) << Describe(o);

  ASSERT_TRUE(Triage(kOperator1, d, &d).status.ok());
  o = Triage(kOperator1, d, nullptr);
  EXPECT_EQ(o.code(), grpc::StatusCode::FAILED_PRECONDITION) << Describe(o);
  // A mediator of another body.
  o = Assign(kAdmin, d, gs02_mediator, nullptr);
  EXPECT_EQ(o.code(), grpc::StatusCode::FAILED_PRECONDITION) << Describe(o);
  EXPECT_THAT(o.status.error_message(), HasSubstr(gs02_committee));
  o = Assign(kAdmin, d, b.committee_mediator, nullptr);
  EXPECT_EQ(o.code(), grpc::StatusCode::FAILED_PRECONDITION) << Describe(o);

  EXPECT_EQ(Get(kAdmin, d.id()).etag(), d.etag());
  EXPECT_EQ(Get(kAdmin, d.id()).state(), mv1::DISPUTE_STATE_TRIAGED);
}

// ---- Idempotency and concurrency ----

TEST_F(MediationTest, CreateIsIdempotentUnderConcurrentRetries) {
  const mv1::Dispute dispute =
      NewDispute("GS01", "GS01-C01", mv1::DISPUTE_CATEGORY_LABOUR, mv1::INTAKE_CHANNEL_HOTLINE);
  constexpr int kThreads = 8;
  std::vector<std::string> ids(kThreads);
  std::vector<Outcome> outcomes(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      mv1::Dispute out;
      outcomes[i] = TryCreate(kOperator1, dispute, &out, "retry-me");
      ids[i] = out.id();
    });
  }
  for (std::thread& t : threads) t.join();
  for (int i = 0; i < kThreads; ++i) {
    ASSERT_TRUE(outcomes[i].status.ok()) << Describe(outcomes[i]);
    EXPECT_EQ(ids[i], ids[0]);
  }
  EXPECT_EQ(ListAll().size(), 1u);

  // The same request id for another dispute is refused, and writes nothing.
  mv1::Dispute other = dispute;
  other.set_amount_fen(100);
  Outcome o = TryCreate(kOperator1, other, nullptr, "retry-me");
  EXPECT_EQ(o.code(), grpc::StatusCode::ALREADY_EXISTS) << Describe(o);
  // Output fields in the request do not make it another request.
  mv1::Dispute with_outputs = dispute;
  with_outputs.set_id("D-424242");
  with_outputs.set_state(mv1::DISPUTE_STATE_CLOSED);
  mv1::Dispute again;
  o = TryCreate(kOperator1, with_outputs, &again, "retry-me");
  ASSERT_TRUE(o.status.ok()) << Describe(o);
  EXPECT_EQ(again.id(), ids[0]);
  EXPECT_EQ(again.state(), mv1::DISPUTE_STATE_RECEIVED);
  EXPECT_EQ(ListAll().size(), 1u);

  // Registry creates are idempotent too.
  mv1::MediatingBody body;
  body.set_kind(mv1::BODY_KIND_STREET_COMMITTEE);
  body.set_name("运河街道人民调解委员会");
  body.mutable_region()->set_street_id("GS01");
  mv1::MediatingBody first, second;
  ASSERT_TRUE(TryCreateBody(kAdmin, body, &first, "body-1").status.ok());
  ASSERT_TRUE(TryCreateBody(kAdmin, body, &second, "body-1").status.ok());
  EXPECT_EQ(first.id(), second.id());
  body.set_name("另一个");
  EXPECT_EQ(TryCreateBody(kAdmin, body, nullptr, "body-1").code(),
            grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_EQ(AllBodies().size(), 1u);
}

TEST_F(MediationTest, StaleEtagIsAbortedAndOnlyOneConcurrentWriterWins) {
  SeedGs01();
  mv1::Dispute d =
      Create(kOperator1, NewDispute("GS01", "GS01-C01", mv1::DISPUTE_CATEGORY_NEIGHBOURHOOD));
  const mv1::Dispute stale = d;
  ASSERT_TRUE(Triage(kOperator1, d, &d).status.ok());
  Outcome o = Triage(kOperator1, stale, nullptr);
  EXPECT_EQ(o.code(), grpc::StatusCode::ABORTED) << Describe(o);

  // Two closers with the same etag: exactly one wins.
  mv1::Dispute e = Create(kOperator1, NewDispute("GS01", "", mv1::DISPUTE_CATEGORY_CONTRACT));
  ASSERT_TRUE(Triage(kOperator1, e, &e).status.ok());
  constexpr int kWriters = 6;
  std::vector<Outcome> outcomes(kWriters);
  std::vector<std::thread> threads;
  for (int i = 0; i < kWriters; ++i) {
    threads.emplace_back([&, i] { outcomes[i] = Refer(kOperator1, e, nullptr); });
  }
  for (std::thread& t : threads) t.join();
  int ok = 0;
  for (const Outcome& out : outcomes) {
    if (out.status.ok()) {
      ++ok;
    } else {
      EXPECT_EQ(out.code(), grpc::StatusCode::ABORTED) << Describe(out);
    }
  }
  EXPECT_EQ(ok, 1);
  const mv1::Dispute read = Get(kAdmin, e.id());
  EXPECT_EQ(read.state(), mv1::DISPUTE_STATE_REFERRED_TO_COURT);
  EXPECT_EQ(read.history_size(), 3);
}

// ---- Pagination ----

TEST_F(MediationTest, DisputePagesHaveNoGapsOrRepeatsWhileDisputesAreAdded) {
  std::vector<std::string> created;
  for (int i = 0; i < 23; ++i) {
    clock_.Advance(absl::Seconds(1));
    created.push_back(
        Create(kOperator1, NewDispute("GS01", "", mv1::DISPUTE_CATEGORY_FAMILY)).id());
  }
  std::vector<std::string> seen;
  mv1::ListDisputesRequest request;
  request.set_page_size(5);
  int pages = 0;
  do {
    mv1::ListDisputesResponse response;
    Outcome o = Rpc(kOperator1, [&](grpc::ClientContext* c) {
      return stub_->ListDisputes(c, request, &response);
    });
    ASSERT_TRUE(o.status.ok()) << Describe(o);
    EXPECT_LE(response.disputes_size(), 5);
    for (const mv1::Dispute& d : response.disputes()) {
      seen.push_back(d.id());
      EXPECT_EQ(d.history_size(), 0) << "lists leave the history out";
    }
    // Newer disputes arrive between pages; they sort before the cursor.
    for (int k = 0; k < 2; ++k) {
      clock_.Advance(absl::Seconds(1));
      Create(kOperator1, NewDispute("GS01", "", mv1::DISPUTE_CATEGORY_FAMILY));
    }
    request.set_page_token(response.next_page_token());
    ++pages;
  } while (!request.page_token().empty() && pages < 100);
  std::vector<std::string> expected(created.rbegin(), created.rend());
  EXPECT_EQ(seen, expected);
  EXPECT_EQ(pages, 5);

  // Filters: a page token only continues its own query.
  mv1::ListDisputesRequest first;
  first.set_page_size(2);
  mv1::ListDisputesResponse page;
  ASSERT_TRUE(Rpc(kAdmin, [&](grpc::ClientContext* c) {
                return stub_->ListDisputes(c, first, &page);
              }).status.ok());
  mv1::ListDisputesRequest other;
  other.set_page_size(2);
  other.set_category(mv1::DISPUTE_CATEGORY_LABOUR);
  other.set_page_token(page.next_page_token());
  mv1::ListDisputesResponse ignored;
  Outcome o =
      Rpc(kAdmin, [&](grpc::ClientContext* c) { return stub_->ListDisputes(c, other, &ignored); });
  EXPECT_EQ(o.code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(o);
  EXPECT_EQ(o.field, "page_token");
}

TEST_F(MediationTest, ListFiltersAndRegistryPages) {
  const Gs01 b = SeedGs01();
  mv1::Dispute a = Create(kAdmin, NewDispute("GS01", "GS01-C01", mv1::DISPUTE_CATEGORY_LABOUR));
  ASSERT_TRUE(Triage(kAdmin, a, &a).status.ok());
  Create(kAdmin, NewDispute("GS01", "GS01-C02", mv1::DISPUTE_CATEGORY_FAMILY));
  Create(kAdmin, NewDispute("GS02", "", mv1::DISPUTE_CATEGORY_LABOUR));

  mv1::ListDisputesRequest by_category;
  by_category.set_category(mv1::DISPUTE_CATEGORY_LABOUR);
  EXPECT_EQ(ListAll(by_category).size(), 2u);
  mv1::ListDisputesRequest by_state;
  by_state.add_states(mv1::DISPUTE_STATE_TRIAGED);
  ASSERT_EQ(ListAll(by_state).size(), 1u);
  EXPECT_EQ(ListAll(by_state)[0].id(), a.id());
  mv1::ListDisputesRequest by_body;
  by_body.set_body_id(b.labour);
  EXPECT_EQ(ListAll(by_body).size(), 1u);
  mv1::ListDisputesRequest by_community;
  by_community.mutable_region()->set_street_id("GS01");
  by_community.mutable_region()->set_community_id("GS01-C02");
  EXPECT_EQ(ListAll(by_community).size(), 1u);

  // Registry lists page by id without gaps or repeats.
  for (int i = 0; i < 6; ++i) AddMediator(b.committee, i % 2 == 0);
  const std::vector<mv1::MediatingBody> bodies = AllBodies({}, 3);
  EXPECT_EQ(bodies.size(), 7u);
  std::set<std::string> body_ids;
  for (const auto& body : bodies) body_ids.insert(body.id());
  EXPECT_EQ(body_ids.size(), 7u);
  const std::vector<mv1::Mediator> mediators = AllMediators(b.committee, 4);
  EXPECT_EQ(mediators.size(), 7u);
  mv1::GetMediatingBodyRequest get;
  get.set_id(b.committee);
  mv1::GetMediatingBodyResponse got;
  ASSERT_TRUE(Rpc(kViewer, [&](grpc::ClientContext* c) {
                return stub_->GetMediatingBody(c, get, &got);
              }).status.ok());
  EXPECT_EQ(got.body().full_time_mediators(), 4);  // the seeded one and 3 of the 6
  EXPECT_EQ(got.body().kind(), mv1::BODY_KIND_STREET_COMMITTEE);
  get.set_id("B-999999");
  EXPECT_EQ(
      Rpc(kAdmin, [&](grpc::ClientContext* c) { return stub_->GetMediatingBody(c, get, &got); })
          .code(),
      grpc::StatusCode::NOT_FOUND);

  mv1::ListMediatingBodiesRequest courts;
  courts.set_kind(mv1::BODY_KIND_MICRO_COURT);
  EXPECT_EQ(AllBodies(courts, 1).size(), 2u);
  mv1::ListMediatingBodiesRequest in_c01;
  in_c01.mutable_region()->set_street_id("GS01");
  in_c01.mutable_region()->set_community_id("GS01-C01");
  EXPECT_EQ(AllBodies(in_c01).size(), 2u);  // the room and the micro-court

  // Trainings come by hold time whatever order they were recorded in.
  const std::string t3 = AddTraining(mv1::TRAINING_LEVEL_DISTRICT, "", Local(2026, 3, 1, 9));
  const std::string t1 = AddTraining(mv1::TRAINING_LEVEL_STREET, "GS01", Local(2026, 1, 5, 9));
  const std::string t2 = AddTraining(mv1::TRAINING_LEVEL_DISTRICT, "", Local(2026, 2, 1, 9));
  const std::string t0 = AddTraining(mv1::TRAINING_LEVEL_DISTRICT, "", Local(2025, 11, 1, 9));
  std::vector<std::string> order;
  for (const auto& t : AllTrainings({}, 1)) order.push_back(t.id());
  EXPECT_THAT(order, ElementsAre(t0, t1, t2, t3));
  mv1::ListTrainingSessionsRequest this_year;
  this_year.set_year(2026);
  EXPECT_EQ(AllTrainings(this_year, 2).size(), 3u);
  mv1::ListTrainingSessionsRequest gs01;
  gs01.set_street_id("GS01");
  EXPECT_EQ(AllTrainings(gs01).size(), 1u);
}

// ---- Auth ----

TEST_F(MediationTest, AuthenticationScopeAndRoles) {
  const Gs01 b = SeedGs01();
  const std::string gs02_committee = AddBody(mv1::BODY_KIND_STREET_COMMITTEE, "GS02");
  const std::string court_centre = b.court_centre;
  mv1::Dispute gs01 =
      Create(kOperator1, NewDispute("GS01", "GS01-C01", mv1::DISPUTE_CATEGORY_NEIGHBOURHOOD));
  mv1::Dispute gs02 = Create(kOperator2, NewDispute("GS02", "", mv1::DISPUTE_CATEGORY_CONTRACT));

  mv1::GetDisputeRequest get;
  get.set_id(gs01.id());
  mv1::GetDisputeResponse got;
  EXPECT_EQ(Rpc("", [&](grpc::ClientContext* c) { return stub_->GetDispute(c, get, &got); }).code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(
      Rpc("nope", [&](grpc::ClientContext* c) { return stub_->GetDispute(c, get, &got); }).code(),
      grpc::StatusCode::UNAUTHENTICATED);

  // Another street's dispute: neither read nor moved nor created.
  get.set_id(gs02.id());
  EXPECT_EQ(Rpc(kOperator1, [&](grpc::ClientContext* c) { return stub_->GetDispute(c, get, &got); })
                .code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Triage(kOperator1, gs02, nullptr).code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(
      TryCreate(kOperator1, NewDispute("GS02", "", mv1::DISPUTE_CATEGORY_CONTRACT), nullptr).code(),
      grpc::StatusCode::PERMISSION_DENIED);
  mv1::ListDisputesRequest own;
  mv1::ListDisputesResponse listed;
  ASSERT_TRUE(Rpc(kOperator1, [&](grpc::ClientContext* c) {
                return stub_->ListDisputes(c, own, &listed);
              }).status.ok());
  ASSERT_EQ(listed.disputes_size(), 1);
  EXPECT_EQ(listed.disputes(0).id(), gs01.id());

  // Roles per verb: a mediator may not triage; a viewer may not write at all.
  EXPECT_EQ(Triage(kMediator1, gs01, nullptr).code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(
      TryCreate(kViewer, NewDispute("GS01", "", mv1::DISPUTE_CATEGORY_FAMILY), nullptr).code(),
      grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Get(kAdmin, gs01.id()).etag(), gs01.etag());

  // The viewer reads, without personal data.
  get.set_id(gs01.id());
  ASSERT_TRUE(Rpc(kViewer, [&](grpc::ClientContext* c) {
                return stub_->GetDispute(c, get, &got);
              }).status.ok());
  ASSERT_EQ(got.dispute().parties_size(), 2);
  for (const mv1::Party& p : got.dispute().parties()) {
    EXPECT_TRUE(p.name().empty());
    EXPECT_TRUE(p.phone().empty());
    EXPECT_NE(p.role(), mv1::PARTY_ROLE_UNSPECIFIED);
  }
  EXPECT_TRUE(got.dispute().summary().empty());
  EXPECT_EQ(got.dispute().category(), mv1::DISPUTE_CATEGORY_NEIGHBOURHOOD);
  mv1::ListDisputesResponse viewer_list;
  ASSERT_TRUE(Rpc(kViewer, [&](grpc::ClientContext* c) {
                return stub_->ListDisputes(c, own, &viewer_list);
              }).status.ok());
  ASSERT_EQ(viewer_list.disputes_size(), 2);
  for (const mv1::Dispute& d : viewer_list.disputes()) {
    EXPECT_TRUE(d.parties(0).name().empty());
  }
  // The mediator (a handling role) sees them.
  ASSERT_TRUE(Rpc(kMediator1, [&](grpc::ClientContext* c) {
                return stub_->GetDispute(c, get, &got);
              }).status.ok());
  EXPECT_EQ(got.dispute().parties(0).name(), "张某");
  EXPECT_EQ(got.dispute().parties(0).phone(), "000-0000-0001");

  // Registry writes: bodies are the district's; a street operator staffs its own street.
  mv1::MediatingBody body;
  body.set_kind(mv1::BODY_KIND_STREET_COMMITTEE);
  body.set_name("x");
  body.mutable_region()->set_street_id("GS01");
  EXPECT_EQ(TryCreateBody(kOperator1, body, nullptr).code(), grpc::StatusCode::PERMISSION_DENIED);
  mv1::Mediator mediator;
  mediator.set_name("钱某");
  mediator.set_body_id(b.committee);
  EXPECT_TRUE(TryCreateMediator(kOperator1, mediator, nullptr).status.ok());
  mediator.set_body_id(gs02_committee);
  EXPECT_EQ(TryCreateMediator(kOperator1, mediator, nullptr).code(),
            grpc::StatusCode::PERMISSION_DENIED);
  mediator.set_body_id(court_centre);
  EXPECT_EQ(TryCreateMediator(kOperator1, mediator, nullptr).code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(TryCreateMediator(kMediator1, mediator, nullptr).code(),
            grpc::StatusCode::PERMISSION_DENIED);
  mv1::TrainingSession training;
  training.set_level(mv1::TRAINING_LEVEL_STREET);
  training.set_street_id("GS01");
  *training.mutable_hold_time() = ToTimestamp(clock_.Now() - absl::Hours(2));
  training.set_topic("培训");
  EXPECT_TRUE(TryCreateTraining(kOperator1, training, nullptr).status.ok());
  training.set_street_id("GS02");
  EXPECT_EQ(TryCreateTraining(kOperator1, training, nullptr).code(),
            grpc::StatusCode::PERMISSION_DENIED);
  training.set_level(mv1::TRAINING_LEVEL_DISTRICT);
  training.clear_street_id();
  EXPECT_EQ(TryCreateTraining(kOperator1, training, nullptr).code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

// The full names of the fields marked (governance.v1.personal) that are set in `m`, nested and
// repeated messages included.
std::set<std::string> PersonalFieldsSet(const google::protobuf::Message& m) {
  std::set<std::string> out;
  std::vector<const google::protobuf::FieldDescriptor*> fields;
  m.GetReflection()->ListFields(m, &fields);
  for (const google::protobuf::FieldDescriptor* f : fields) {
    if (f->options().GetExtension(gv1::personal)) out.insert(f->full_name());
    if (f->cpp_type() != google::protobuf::FieldDescriptor::CPPTYPE_MESSAGE) continue;
    const int n = f->is_repeated() ? m.GetReflection()->FieldSize(m, f) : 1;
    for (int i = 0; i < n; ++i) {
      const google::protobuf::Message& inner = f->is_repeated()
                                                   ? m.GetReflection()->GetRepeatedMessage(m, f, i)
                                                   : m.GetReflection()->GetMessage(m, f);
      for (const std::string& name : PersonalFieldsSet(inner)) out.insert(name);
    }
  }
  return out;
}

// Every field the schema marks personal (the parties' names and phones, the summary, the session
// notes, the outcome, the history's notes) goes to district_admin, street operators and
// mediators, and to no other caller (viewers, the court's system), in reads and lists alike;
// what is not personal stays.
TEST_F(MediationTest, PersonalDataGoesOnlyToTheRolesThatHandleDisputes) {
  SeedGs01();
  const mv1::Dispute mediated =
      Mediate("GS01", "GS01-C01", mv1::DISPUTE_CATEGORY_NEIGHBOURHOOD, mv1::OUTCOME_AGREED);
  const mv1::Dispute full = Get(kAdmin, mediated.id());
  EXPECT_EQ(PersonalFieldsSet(full),
            (std::set<std::string>{
                "governance.mediation.v1.Party.name", "governance.mediation.v1.Party.phone",
                "governance.mediation.v1.Dispute.summary",
                "governance.mediation.v1.MediationSession.note",
                "governance.mediation.v1.Dispute.outcome_note", "governance.v1.CaseEvent.note"}));
  for (const char* token : {kOperator1, kMediator1}) {
    SCOPED_TRACE(token);
    EXPECT_EQ(Get(token, mediated.id()).DebugString(), full.DebugString());
  }
  auto listed = [&](const std::string& token) {
    mv1::ListDisputesRequest request;
    mv1::ListDisputesResponse response;
    const Outcome o = Rpc(
        token, [&](grpc::ClientContext* c) { return stub_->ListDisputes(c, request, &response); });
    EXPECT_TRUE(o.status.ok()) << Describe(o);
    EXPECT_EQ(response.disputes_size(), 1);
    return response.disputes_size() == 1 ? response.disputes(0) : mv1::Dispute();
  };
  EXPECT_EQ(PersonalFieldsSet(listed(kMediator1)).size(), 5u) << "lists leave the history out";
  for (const char* token : {kViewer, kCourt}) {
    SCOPED_TRACE(token);
    const mv1::Dispute got = Get(token, mediated.id());
    EXPECT_THAT(PersonalFieldsSet(got), ::testing::IsEmpty());
    EXPECT_THAT(PersonalFieldsSet(listed(token)), ::testing::IsEmpty());
    // The rest is there: every field cleared above, and nothing else, differs.
    mv1::Dispute expected = full;
    cases::ClearPersonalData(expected);
    EXPECT_EQ(got.DebugString(), expected.DebugString());
    ASSERT_EQ(got.sessions_size(), 1);
    EXPECT_EQ(got.sessions(0).location(), "调解室");
    EXPECT_EQ(got.parties(0).role(), mv1::PARTY_ROLE_APPLICANT);
    EXPECT_EQ(Actions(got), Actions(full));
  }
}

// ---- Declared access ----

// The track's MediationService, nullptr when it serves none.
const server::RpcService* MediationRpc(server::Track& track) {
  for (const server::RpcService* service : track.Services()) {
    if (service->full_name() == MediationService::service_full_name()) return service;
  }
  return nullptr;
}

// The roles declared on the dispute writes are the ones the track spec lets create the case or
// take the RPC's verbs (the engine checks the verb again): the two must not drift apart.
TEST_F(MediationTest, DeclaredRolesOfDisputeWritesAreTheSpecsRoles) {
  const std::map<std::string, std::vector<std::string>> verbs = {
      {"TriageDispute", {kTriage}},        {"AssignMediator", {kAssignMediator}},
      {"RecordSession", {kRecordSession}}, {"RecordOutcome", {kRecordAgreement, kRecordFailure}},
      {"ReferToCourt", {kReferToCourt}},   {"CloseDispute", {kClose}},
      {"ReopenDispute", {kReopen}},        {"ReferToProvider", {kReferToProvider}},
  };
  const server::RpcService* rpc = MediationRpc(h_.track());
  ASSERT_NE(rpc, nullptr);
  std::map<std::string, std::set<std::string>> declared;
  for (const server::MethodAccessRow& row : rpc->AccessTable()) {
    declared[row.method] = {row.access.roles.begin(), row.access.roles.end()};
  }
  const cases::TrackSpec& spec = MediationSpec();
  EXPECT_EQ(declared["CreateDispute"],
            std::set<std::string>(spec.create_roles.begin(), spec.create_roles.end()));
  std::set<std::string> mapped;
  for (const auto& [method, method_verbs] : verbs) {
    SCOPED_TRACE(method);
    std::set<std::string> roles;
    for (const std::string& verb : method_verbs) {
      mapped.insert(verb);
      for (const cases::TransitionSpec& t : spec.transitions) {
        if (t.verb == verb) roles.insert(t.roles.begin(), t.roles.end());
      }
    }
    EXPECT_EQ(declared[method], roles);
  }
  for (const cases::TransitionSpec& t : spec.transitions) {
    EXPECT_TRUE(mapped.contains(t.verb)) << t.verb << " is taken by no RPC of the table";
  }
}

TEST_F(MediationTest, RegistryReadsKeepToTheCallersStreets) {
  const Gs01 b = SeedGs01();
  const std::string gs02_committee = AddBody(mv1::BODY_KIND_STREET_COMMITTEE, "GS02");
  const std::string gs02_mediator = AddMediator(gs02_committee, true);
  const std::string gs03_court = AddBody(mv1::BODY_KIND_MICRO_COURT, "GS03");
  const std::string district_training =
      AddTraining(mv1::TRAINING_LEVEL_DISTRICT, "", Local(2026, 1, 20, 9));
  const std::string gs01_training =
      AddTraining(mv1::TRAINING_LEVEL_STREET, "GS01", Local(2026, 2, 10, 9));
  const std::string gs02_training =
      AddTraining(mv1::TRAINING_LEVEL_STREET, "GS02", Local(2026, 3, 1, 9));

  auto ids = [](const auto& items) {
    std::set<std::string> out;
    for (const auto& item : items) out.insert(item.id());
    return out;
  };
  // GS01's operator: GS01's rows and the district-level ones (the court centre, the labour
  // committee and its mediator, the district training), read a row per page.
  const std::set<std::string> gs01_bodies = {
      b.committee, b.room_c01, b.room_c02, b.street_court, b.court_c01, b.court_centre, b.labour};
  EXPECT_EQ(ids(AllBodies({}, 1, kOperator1)), gs01_bodies);
  EXPECT_EQ(ids(AllMediators("", 1, kOperator1)),
            (std::set<std::string>{b.committee_mediator, b.room_mediator, b.labour_mediator,
                                   b.court_mediator}));
  EXPECT_EQ(ids(AllTrainings({}, 1, kOperator1)),
            (std::set<std::string>{district_training, gs01_training}));
  // An operator of two streets sees both; the district's callers see everything.
  std::set<std::string> gs0102_bodies = gs01_bodies;
  gs0102_bodies.insert(gs02_committee);
  EXPECT_EQ(ids(AllBodies({}, 2, kOperator12)), gs0102_bodies);
  EXPECT_EQ(ids(AllTrainings({}, 2, kOperator12)),
            (std::set<std::string>{district_training, gs01_training, gs02_training}));
  gs0102_bodies.insert(gs03_court);
  EXPECT_EQ(ids(AllBodies({}, 500, kViewer)), gs0102_bodies);
  EXPECT_EQ(AllTrainings({}, 500, kViewer).size(), 3u);

  // Another street's rows, asked for by id or by filter, are refused.
  auto get_body = [&](const std::string& token, const std::string& id) {
    mv1::GetMediatingBodyRequest request;
    request.set_id(id);
    mv1::GetMediatingBodyResponse response;
    return Rpc(token, [&](grpc::ClientContext* c) {
      return stub_->GetMediatingBody(c, request, &response);
    });
  };
  EXPECT_EQ(get_body(kOperator1, gs02_committee).code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(get_body(kMediator1, gs03_court).code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_TRUE(get_body(kOperator1, b.committee).status.ok());
  EXPECT_TRUE(get_body(kOperator1, b.court_centre).status.ok()) << "district-level: everyone's";
  EXPECT_TRUE(get_body(kOperator12, gs02_committee).status.ok());
  EXPECT_TRUE(get_body(kViewer, gs03_court).status.ok());

  mv1::ListMediatingBodiesRequest gs02_bodies;
  gs02_bodies.mutable_region()->set_street_id("GS02");
  mv1::ListMediatingBodiesResponse bodies_out;
  EXPECT_EQ(Rpc(kOperator1,
                [&](grpc::ClientContext* c) {
                  return stub_->ListMediatingBodies(c, gs02_bodies, &bodies_out);
                })
                .code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(bodies_out.bodies_size(), 0);
  mv1::ListMediatorsRequest gs02_staff;
  gs02_staff.set_body_id(gs02_committee);
  mv1::ListMediatorsResponse mediators_out;
  EXPECT_EQ(Rpc(kOperator1,
                [&](grpc::ClientContext* c) {
                  return stub_->ListMediators(c, gs02_staff, &mediators_out);
                })
                .code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(mediators_out.mediators_size(), 0);
  mv1::ListTrainingSessionsRequest gs02_trainings;
  gs02_trainings.set_street_id("GS02");
  mv1::ListTrainingSessionsResponse trainings_out;
  EXPECT_EQ(Rpc(kOperator1,
                [&](grpc::ClientContext* c) {
                  return stub_->ListTrainingSessions(c, gs02_trainings, &trainings_out);
                })
                .code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(trainings_out.trainings_size(), 0);
  // Its own street, named: only that street's rows.
  mv1::ListMediatingBodiesRequest own;
  own.mutable_region()->set_street_id("GS01");
  EXPECT_EQ(AllBodies(own, 500, kOperator1).size(), 5u);

  // A page token carries the caller's scope: the district's token does not page GS01's list.
  mv1::ListMediatingBodiesRequest first;
  first.set_page_size(1);
  mv1::ListMediatingBodiesResponse page;
  ASSERT_TRUE(Rpc(kAdmin, [&](grpc::ClientContext* c) {
                return stub_->ListMediatingBodies(c, first, &page);
              }).status.ok());
  first.set_page_token(page.next_page_token());
  const Outcome foreign_token = Rpc(kOperator1, [&](grpc::ClientContext* c) {
    return stub_->ListMediatingBodies(c, first, &page);
  });
  EXPECT_EQ(foreign_token.code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(foreign_token);
  EXPECT_EQ(foreign_token.field, "page_token");

  // Mediators' names go to the roles that handle disputes only.
  for (const char* token : {kAdmin, kOperator1, kMediator1}) {
    SCOPED_TRACE(token);
    const std::vector<mv1::Mediator> seen = AllMediators(b.committee, 500, token);
    ASSERT_EQ(seen.size(), 1u);
    EXPECT_FALSE(seen[0].name().empty());
  }
  for (const char* token : {kViewer, kCourt}) {
    SCOPED_TRACE(token);
    const std::vector<mv1::Mediator> seen = AllMediators("", 500, token);
    EXPECT_EQ(seen.size(), 5u);
    for (const mv1::Mediator& m : seen) {
      EXPECT_TRUE(m.name().empty()) << m.id();
      EXPECT_FALSE(m.body_id().empty());
    }
  }
  EXPECT_THAT(ids(AllMediators("", 500, kViewer)), ::testing::Contains(gs02_mediator));
}

TEST_F(MediationTest, UnauthorisedCallersAreRefusedBeforeTheirInputIsLookedAt) {
  const Gs01 b = SeedGs01();
  const std::string gs02_committee = AddBody(mv1::BODY_KIND_STREET_COMMITTEE, "GS02");
  const std::string gs02_mediator = AddMediator(gs02_committee, true);
  mv1::Dispute received =
      Create(kOperator1, NewDispute("GS01", "GS01-C01", mv1::DISPUTE_CATEGORY_NEIGHBOURHOOD));
  mv1::Dispute triaged =
      Create(kOperator1, NewDispute("GS01", "GS01-C01", mv1::DISPUTE_CATEGORY_NEIGHBOURHOOD));
  ASSERT_TRUE(Triage(kOperator1, triaged, &triaged).status.ok());
  const size_t mediators_before = AllMediators().size();
  const size_t trainings_before = AllTrainings().size();

  std::vector<std::pair<std::string, Outcome>> denied;
  auto expect_denied = [&](std::string name, Outcome o) {
    denied.emplace_back(std::move(name), std::move(o));
  };
  // Registering a mediator: invalid input and unknown or foreign bodies alike.
  mv1::Mediator nameless;
  nameless.set_body_id("B-999999");
  expect_denied("mediator registers one", TryCreateMediator(kMediator1, nameless, nullptr));
  expect_denied("court system registers one", TryCreateMediator(kCourt, nameless, nullptr));
  mv1::Mediator foreign;
  foreign.set_body_id(gs02_committee);
  foreign.set_name("钱某");
  expect_denied("operator staffs another street", TryCreateMediator(kOperator1, foreign, nullptr));
  // Recording a training: a mediator, a district training, another street's, or a street
  // outside the scope, however invalid the rest.
  mv1::TrainingSession bad_training;  // no time, no topic
  bad_training.set_level(mv1::TRAINING_LEVEL_DISTRICT);
  expect_denied("operator records a district training",
                TryCreateTraining(kOperator1, bad_training, nullptr));
  bad_training.set_level(mv1::TRAINING_LEVEL_STREET);
  bad_training.set_street_id("GS02");
  expect_denied("operator records another street's training",
                TryCreateTraining(kOperator1, bad_training, nullptr));
  bad_training.set_street_id("GS99");
  expect_denied("operator records an unknown street's training",
                TryCreateTraining(kOperator1, bad_training, nullptr));
  bad_training.clear_level();
  expect_denied("operator records a training without level",
                TryCreateTraining(kOperator1, bad_training, nullptr));
  bad_training.set_level(mv1::TRAINING_LEVEL_STREET);
  bad_training.set_street_id("GS01");
  expect_denied("mediator records a training",
                TryCreateTraining(kMediator1, bad_training, nullptr));
  // Triage and assignment name registry ids; the engine's checks come first.
  expect_denied("mediator triages naming an unknown body",
                Triage(kMediator1, received, nullptr, "B-999999"));
  expect_denied("another street's operator triages naming an unknown body",
                Triage(kOperator2, received, nullptr, "B-999999"));
  expect_denied("mediator assigns an unknown mediator",
                Assign(kMediator1, triaged, "M-999999", nullptr));
  expect_denied("another street's operator assigns an unknown mediator",
                Assign(kOperator2, triaged, "M-999999", nullptr));
  expect_denied("operator triages to another street's body",
                Triage(kOperator1, received, nullptr, gs02_committee));
  expect_denied("operator assigns another street's mediator",
                Assign(kOperator1, triaged, gs02_mediator, nullptr));
  for (const auto& [name, o] : denied) {
    SCOPED_TRACE(name);
    EXPECT_EQ(o.code(), grpc::StatusCode::PERMISSION_DENIED) << Describe(o);
    EXPECT_TRUE(o.field.empty()) << Describe(o);
  }

  // The engine's other answers also come before the lookup: a stale etag, a wrong state.
  mv1::Dispute stale = received;
  stale.set_etag("v99");
  Outcome o = Triage(kOperator1, stale, nullptr, "B-999999");
  EXPECT_EQ(o.code(), grpc::StatusCode::ABORTED) << Describe(o);
  o = Assign(kOperator1, received, "M-999999", nullptr);
  EXPECT_EQ(o.code(), grpc::StatusCode::FAILED_PRECONDITION) << Describe(o);
  // And once they pass, an unknown id is the caller's mistake, naming the field.
  o = Triage(kOperator1, received, nullptr, "B-999999");
  EXPECT_EQ(o.code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(o);
  EXPECT_EQ(o.field, "body_id");
  o = Assign(kOperator1, triaged, "M-999999", nullptr);
  EXPECT_EQ(o.code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(o);
  EXPECT_EQ(o.field, "mediator_id");
  mv1::Mediator unknown_body;
  unknown_body.set_body_id("B-999999");
  unknown_body.set_name("钱某");
  o = TryCreateMediator(kOperator1, unknown_body, nullptr);
  EXPECT_EQ(o.code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(o);
  EXPECT_EQ(o.field, "mediator.body_id");

  // Nothing was written.
  EXPECT_EQ(AllMediators().size(), mediators_before);
  EXPECT_EQ(AllTrainings().size(), trainings_before);
  EXPECT_EQ(Get(kAdmin, received.id()).etag(), received.etag());
  EXPECT_EQ(Get(kAdmin, triaged.id()).etag(), triaged.etag());
  EXPECT_EQ(Get(kAdmin, triaged.id()).mediator_id(), "");
}

// ---- Stored rows ----

// Rows written the way the registry stored them before it moved onto common/registry (the same
// store track, kinds, id prefixes, keys, payloads and request hashes, restated here by hand) read
// as before, and a retried create of such a row is recognised: an existing store keeps working.
TEST_F(MediationTest, RowsStoredByTheEarlierRegistryReadAsBefore) {
  const absl::Time then = Local(2025, 6, 2, 9);
  auto store_row = [&](const std::string& kind, const std::string& prefix,
                       const std::string& street, const std::string& community,
                       const std::string& parent, const std::string& key,
                       const google::protobuf::Message& payload, const std::string& request_id) {
    store::EntityRecord row;
    row.track = "mediation";
    row.kind = kind;
    row.street_id = street;
    row.community_id = community;
    row.parent_id = parent;
    row.key = key;
    row.create_time = then;
    row.update_time = then;
    row.payload = SerializeStable(payload);
    absl::StatusOr<store::EntityRecord> stored = h_.repo().CreateEntity(
        row, request_id, cases::CaseEngine::RequestHash(absl::StrCat(kind, ":", row.payload)),
        prefix);
    EXPECT_TRUE(stored.ok()) << stored.status();
    return stored.ok() ? stored->id : std::string();
  };
  // The payloads: the messages without id, create_time (and a body's mediator count).
  mv1::MediatingBody body;
  body.set_kind(mv1::BODY_KIND_STREET_COMMITTEE);
  body.set_name("老街道人民调解委员会");
  body.mutable_region()->set_street_id("GS01");
  const std::string body_id =
      store_row("body", "B", "GS01", "", "", "STREET_COMMITTEE:", body, "old-body-1");
  mv1::Mediator mediator;
  mediator.set_body_id(body_id);
  mediator.set_name("老调解员");
  mediator.set_full_time(true);
  const std::string mediator_id =
      store_row("mediator", "M", "GS01", "", body_id, "full_time", mediator, "old-mediator-1");
  mv1::TrainingSession training;
  training.set_level(mv1::TRAINING_LEVEL_STREET);
  training.set_street_id("GS01");
  *training.mutable_hold_time() = ToTimestamp(then);
  training.set_topic("骨干调解员培训");
  const std::string training_id =
      store_row("training", "T", "GS01", "", "", "2025-06-02", training, "old-training-1");
  EXPECT_THAT(body_id, HasSubstr("B-"));

  const std::vector<mv1::MediatingBody> bodies = AllBodies({}, 500, kOperator1);
  ASSERT_EQ(bodies.size(), 1u);
  EXPECT_EQ(bodies[0].id(), body_id);
  EXPECT_EQ(bodies[0].name(), body.name());
  EXPECT_EQ(bodies[0].region().street_id(), "GS01");
  EXPECT_EQ(bodies[0].full_time_mediators(), 1);
  EXPECT_EQ(FromTimestamp(bodies[0].create_time()), then);
  const std::vector<mv1::Mediator> mediators = AllMediators(body_id, 500, kMediator1);
  ASSERT_EQ(mediators.size(), 1u);
  EXPECT_EQ(mediators[0].id(), mediator_id);
  EXPECT_EQ(mediators[0].name(), "老调解员");
  EXPECT_TRUE(mediators[0].full_time());
  mv1::ListTrainingSessionsRequest in_2025;
  in_2025.set_year(2025);
  const std::vector<mv1::TrainingSession> trainings = AllTrainings(in_2025, 500, kOperator1);
  ASSERT_EQ(trainings.size(), 1u);
  EXPECT_EQ(trainings[0].id(), training_id);
  EXPECT_EQ(trainings[0].topic(), training.topic());
  EXPECT_EQ(Indicators(kAdmin, "GS01", 2025, 6).at("mediator_trainings").actual(), 1);

  // The same request id and body again: the stored body, not ALREADY_EXISTS.
  mv1::MediatingBody again;
  Outcome o = TryCreateBody(kAdmin, body, &again, "old-body-1");
  ASSERT_TRUE(o.status.ok()) << Describe(o);
  EXPECT_EQ(again.id(), body_id);
  EXPECT_EQ(AllBodies().size(), 1u);
}

// ---- Routing ----

TEST_F(MediationTest, RoutingTableCoversEveryCategoryAndChannel) {
  const Registries registries(&h_.repo(), nullptr, &clock_);
  const Router router(&registries.bodies);
  const auto categories = mv1::DisputeCategory_descriptor();
  const auto channels = mv1::IntakeChannel_descriptor();

  // An empty registry: every combination fails clearly.
  for (int i = 1; i < categories->value_count(); ++i) {
    for (int j = 1; j < channels->value_count(); ++j) {
      mv1::Dispute d = NewDispute("GS01", "GS01-C01",
                                  static_cast<mv1::DisputeCategory>(categories->value(i)->number()),
                                  static_cast<mv1::IntakeChannel>(channels->value(j)->number()));
      absl::StatusOr<Route> route = router.RouteDispute(d);
      ASSERT_FALSE(route.ok());
      EXPECT_EQ(route.status().code(), absl::StatusCode::kFailedPrecondition);
      EXPECT_THAT(route.status().message(), HasSubstr("no mediating body"));
    }
  }

  // A full registry for GS01 and the district.
  std::map<std::string, std::string> kind_of;  // body id -> "KIND" or "KIND:INDUSTRY"
  auto add = [&](mv1::BodyKind kind, const std::string& street, const std::string& community,
                 mv1::Industry industry) {
    const std::string id = AddBody(kind, street, community, industry);
    kind_of[id] = BodyKey(kind, industry);
  };
  add(mv1::BODY_KIND_STREET_COMMITTEE, "GS01", "", mv1::INDUSTRY_UNSPECIFIED);
  add(mv1::BODY_KIND_COMMUNITY_ROOM, "GS01", "GS01-C01", mv1::INDUSTRY_UNSPECIFIED);
  add(mv1::BODY_KIND_MICRO_COURT, "GS01", "", mv1::INDUSTRY_UNSPECIFIED);
  add(mv1::BODY_KIND_MICRO_COURT, "GS01", "GS01-C01", mv1::INDUSTRY_UNSPECIFIED);
  add(mv1::BODY_KIND_COURT_CENTRE, "", "", mv1::INDUSTRY_UNSPECIFIED);
  const auto industries = mv1::Industry_descriptor();
  for (int i = 1; i < industries->value_count(); ++i) {
    add(mv1::BODY_KIND_INDUSTRY_COMMITTEE, "", "",
        static_cast<mv1::Industry>(industries->value(i)->number()));
  }
  // Expected first choice by category (the table in routing.cc, restated).
  const std::map<mv1::DisputeCategory, std::string> expected = {
      {mv1::DISPUTE_CATEGORY_FAMILY, "COMMUNITY_ROOM:"},
      {mv1::DISPUTE_CATEGORY_NEIGHBOURHOOD, "COMMUNITY_ROOM:"},
      {mv1::DISPUTE_CATEGORY_PROPERTY_MANAGEMENT, "INDUSTRY_COMMITTEE:PROPERTY_MANAGEMENT"},
      {mv1::DISPUTE_CATEGORY_LABOUR, "INDUSTRY_COMMITTEE:LABOUR"},
      {mv1::DISPUTE_CATEGORY_CONTRACT, "STREET_COMMITTEE:"},
      {mv1::DISPUTE_CATEGORY_TRAFFIC, "INDUSTRY_COMMITTEE:TRAFFIC"},
      {mv1::DISPUTE_CATEGORY_MEDICAL, "INDUSTRY_COMMITTEE:MEDICAL"},
      {mv1::DISPUTE_CATEGORY_CONSUMER, "INDUSTRY_COMMITTEE:CONSUMER"},
      {mv1::DISPUTE_CATEGORY_FINANCE, "INDUSTRY_COMMITTEE:FINANCE"},
      {mv1::DISPUTE_CATEGORY_INTELLECTUAL_PROPERTY, "INDUSTRY_COMMITTEE:INTELLECTUAL_PROPERTY"},
      {mv1::DISPUTE_CATEGORY_COMMERCE, "INDUSTRY_COMMITTEE:COMMERCE"},
      {mv1::DISPUTE_CATEGORY_LAND_AND_HOUSING, "STREET_COMMITTEE:"},
      {mv1::DISPUTE_CATEGORY_OTHER, "STREET_COMMITTEE:"},
  };
  ASSERT_EQ(expected.size(), categories->value_count() - 1u);
  for (const auto& [category, want] : expected) {
    for (int j = 1; j < channels->value_count(); ++j) {
      const auto channel = static_cast<mv1::IntakeChannel>(channels->value(j)->number());
      SCOPED_TRACE(absl::StrCat(EnumKey(category), " via ", EnumKey(channel)));
      absl::StatusOr<Route> with_community =
          router.RouteDispute(NewDispute("GS01", "GS01-C01", category, channel));
      ASSERT_TRUE(with_community.ok()) << with_community.status();
      const std::string got = kind_of[with_community->body.id()];
      if (channel == mv1::INTAKE_CHANNEL_COURT_REFERRAL) {
        EXPECT_EQ(got, "MICRO_COURT:");
        EXPECT_EQ(with_community->body.region().community_id(), "GS01-C01");
      } else {
        EXPECT_EQ(got, want);
      }
      // Without a community, community bodies are skipped for the street's.
      absl::StatusOr<Route> street_only =
          router.RouteDispute(NewDispute("GS01", "", category, channel));
      ASSERT_TRUE(street_only.ok()) << street_only.status();
      EXPECT_TRUE(street_only->body.region().community_id().empty());
      // Another street without bodies of its own falls back to the district's.
      absl::StatusOr<Route> elsewhere =
          router.RouteDispute(NewDispute("GS05", "GS05-C01", category, channel));
      ASSERT_TRUE(elsewhere.ok()) << elsewhere.status();
      EXPECT_TRUE(elsewhere->body.region().street_id().empty());
    }
  }
}

// ---- SLA ----

TEST_F(MediationTest, SlaBreachesFollowTheHolidayCalendar) {
  SeedGs01();
  // Friday 13 Feb 2026; Saturday 14 Feb is a make-up working day, 15-23 Feb Spring Festival.
  clock_.Set(Local(2026, 2, 13, 10, 0));
  mv1::Dispute received =
      Create(kOperator1, NewDispute("GS01", "GS01-C01", mv1::DISPUTE_CATEGORY_NEIGHBOURHOOD));
  EXPECT_EQ(FromTimestamp(received.due_time()), Local(2026, 2, 15)) << "1 wd: the make-up Saturday";
  mv1::Dispute triaged =
      Create(kOperator1, NewDispute("GS01", "GS01-C01", mv1::DISPUTE_CATEGORY_FAMILY));
  clock_.Set(Local(2026, 2, 14, 9, 0));
  ASSERT_TRUE(Triage(kOperator1, triaged, &triaged).status.ok());
  // 2 wd after the make-up Saturday: the holiday is skipped, Tue 24 and Wed 25 Feb count.
  EXPECT_EQ(FromTimestamp(triaged.due_time()), Local(2026, 2, 26));

  auto* track = static_cast<MediationTrack*>(&h_.track());
  clock_.Set(Local(2026, 2, 14, 23, 59));
  ASSERT_TRUE(h_.track().ScanBreaches().ok());
  EXPECT_FALSE(Get(kAdmin, received.id()).sla_breached());

  clock_.Set(Local(2026, 2, 15, 0, 1));
  ASSERT_TRUE(h_.track().ScanBreaches().ok());
  const mv1::Dispute breached = Get(kAdmin, received.id());
  EXPECT_TRUE(breached.sla_breached());
  EXPECT_EQ(breached.history(breached.history_size() - 1).action(), "SlaBreach");
  EXPECT_FALSE(Get(kAdmin, triaged.id()).sla_breached());

  clock_.Set(Local(2026, 2, 25, 23, 0));  // the last working day of the triage clock
  ASSERT_TRUE(h_.track().ScanBreaches().ok());
  EXPECT_FALSE(Get(kAdmin, triaged.id()).sla_breached());
  clock_.Set(Local(2026, 2, 26, 0, 30));
  ASSERT_TRUE(h_.track().ScanBreaches().ok());
  EXPECT_TRUE(Get(kAdmin, triaged.id()).sla_breached());

  mv1::ListDisputesRequest breached_only;
  breached_only.set_sla_breached_only(true);
  EXPECT_EQ(ListAll(breached_only).size(), 2u);
  // A scan marks a case once.
  EXPECT_EQ(*track->engine(kTrack)->ScanBreaches(), 0);
}

// ---- Indicators and rankings ----

TEST_F(MediationTest, IndicatorsMatchHandComputedValues) {
  // Registry: GS01 committee with 3 full-time mediators, GS02's with 2; rooms in GS01-C01 (one
  // full-time) and GS01-C02 (part-time only); micro-courts for GS01 and two of its communities.
  const std::string committee1 = AddBody(mv1::BODY_KIND_STREET_COMMITTEE, "GS01");
  for (int i = 0; i < 3; ++i) AddMediator(committee1, true);
  AddMediator(committee1, false);
  const std::string committee2 = AddBody(mv1::BODY_KIND_STREET_COMMITTEE, "GS02");
  for (int i = 0; i < 2; ++i) AddMediator(committee2, true);
  const std::string room1 = AddBody(mv1::BODY_KIND_COMMUNITY_ROOM, "GS01", "GS01-C01");
  AddMediator(room1, true);
  const std::string room2 = AddBody(mv1::BODY_KIND_COMMUNITY_ROOM, "GS01", "GS01-C02");
  AddMediator(room2, false);
  AddBody(mv1::BODY_KIND_MICRO_COURT, "GS01");
  AddBody(mv1::BODY_KIND_MICRO_COURT, "GS01", "GS01-C01");
  AddBody(mv1::BODY_KIND_MICRO_COURT, "GS01", "GS01-C02");
  // Trainings: 2026 district (Jan), GS01 (Feb), GS02 (Mar); one in December 2025.
  AddTraining(mv1::TRAINING_LEVEL_DISTRICT, "", Local(2026, 1, 20, 9));
  AddTraining(mv1::TRAINING_LEVEL_STREET, "GS01", Local(2026, 2, 10, 9));
  AddTraining(mv1::TRAINING_LEVEL_STREET, "GS02", Local(2026, 3, 1, 9));
  AddTraining(mv1::TRAINING_LEVEL_DISTRICT, "", Local(2025, 12, 1, 9));
  // The court's intake: district 100 (March 2025) -> 90 (March 2026); GS01 10 -> 12.
  ASSERT_TRUE(RecordIntake(2025, 3, "", 100).status.ok());
  ASSERT_TRUE(RecordIntake(2026, 3, "", 90).status.ok());
  ASSERT_TRUE(RecordIntake(2025, 3, "GS01", 10).status.ok());
  ASSERT_TRUE(RecordIntake(2026, 3, "GS01", 12).status.ok());

  // Disputes: March 2025, two agreements in GS01.
  clock_.Set(Local(2025, 3, 10, 10));
  Mediate("GS01", "GS01-C01", mv1::DISPUTE_CATEGORY_NEIGHBOURHOOD, mv1::OUTCOME_AGREED);
  Mediate("GS01", "GS01-C01", mv1::DISPUTE_CATEGORY_NEIGHBOURHOOD, mv1::OUTCOME_AGREED);
  // March 2026, GS01: three agreements, one failure, one referral to court; GS02: two untouched.
  clock_.Set(Local(2026, 3, 16, 10));
  Mediate("GS01", "GS01-C01", mv1::DISPUTE_CATEGORY_NEIGHBOURHOOD, mv1::OUTCOME_AGREED);
  Mediate("GS01", "GS01-C01", mv1::DISPUTE_CATEGORY_NEIGHBOURHOOD, mv1::OUTCOME_AGREED);
  Mediate("GS01", "", mv1::DISPUTE_CATEGORY_LABOUR, mv1::OUTCOME_AGREED);
  Mediate("GS01", "GS01-C01", mv1::DISPUTE_CATEGORY_NEIGHBOURHOOD, mv1::OUTCOME_FAILED);
  Mediate("GS01", "", mv1::DISPUTE_CATEGORY_LABOUR, mv1::OUTCOME_UNSPECIFIED);
  Create(kAdmin, NewDispute("GS02", "", mv1::DISPUTE_CATEGORY_CONTRACT));
  Create(kAdmin, NewDispute("GS02", "", mv1::DISPUTE_CATEGORY_CONTRACT));
  clock_.Set(Local(2026, 3, 18, 10));

  struct Expect {
    int64_t actual;
    int64_t target;
    int64_t attainment;
    gv1::Colour colour;
    int64_t baseline = 0;
    int64_t change = 0;
  };
  auto check = [](const std::map<std::string, gv1::Indicator>& got, const std::string& id,
                  const Expect& want) {
    SCOPED_TRACE(id);
    auto it = got.find(id);
    ASSERT_NE(it, got.end());
    const gv1::Indicator& i = it->second;
    EXPECT_TRUE(i.has_data());
    EXPECT_EQ(i.actual(), want.actual);
    EXPECT_EQ(i.target(), want.target);
    EXPECT_EQ(i.attainment(), want.attainment);
    EXPECT_EQ(i.colour(), want.colour);
    EXPECT_EQ(i.baseline(), want.baseline);
    EXPECT_EQ(i.change(), want.change);
  };
  using gv1::COLOUR_GREEN;
  using gv1::COLOUR_RED;

  const auto district = Indicators(kAdmin, "", 2026, 3);
  EXPECT_EQ(district.size(), 14u);
  // 90 against 100: -10%, better than zero growth by 1000 bp.
  check(district, "court_intake_yoy", {90, 0, 11000, COLOUR_GREEN, 100, -1000});
  // 3 agreements against 2: +50%.
  check(district, "resolved_before_court", {3, 0, 15000, COLOUR_GREEN, 2, 5000});
  // 3 of 5 ended mediations agreed: 60% against 90%.
  check(district, "mediation_success_rate", {6000, 9000, 6666, COLOUR_RED});
  // 1 street + 2 communities of 11 + 95.
  check(district, "micro_court_coverage", {283, 10000, 283, COLOUR_RED});
  // 1 of 11 street committees has 3 full-time mediators.
  check(district, "street_committee_mediators", {909, 10000, 909, COLOUR_RED});
  // 1 of 95 communities has a room with a full-time mediator.
  check(district, "community_room_mediators", {105, 10000, 105, COLOUR_RED});
  // 3 trainings this year, 4 wanted.
  check(district, "mediator_trainings", {3, 4, 7500, COLOUR_RED});

  const auto gs01 = Indicators(kOperator1, "GS01", 2026, 3);
  // 12 against 10: +20%, 2000 bp worse than zero growth.
  check(gs01, "court_intake_yoy", {12, 0, 8000, COLOUR_RED, 10, 2000});
  check(gs01, "micro_court_coverage", {2727, 10000, 2727, COLOUR_RED});  // (1 + 2) / (1 + 10)
  check(gs01, "street_committee_mediators", {10000, 10000, 10000, COLOUR_GREEN});
  check(gs01, "community_room_mediators", {1000, 10000, 1000, COLOUR_RED});  // 1 of 10
  check(gs01, "mediator_trainings", {2, 4, 5000, COLOUR_RED});  // the district's and its own

  const auto gs02 = Indicators(kAdmin, "GS02", 2026, 3);
  check(gs02, "street_committee_mediators", {0, 10000, 0, COLOUR_RED});
  check(gs02, "mediator_trainings", {2, 4, 5000, COLOUR_RED});
  EXPECT_FALSE(gs02.at("mediation_success_rate").has_data()) << "no mediation ended in GS02";
  EXPECT_EQ(gs02.at("mediation_success_rate").colour(), gv1::COLOUR_UNSPECIFIED);

  // An operator of GS01 and GS02 asking for "everything": both streets taken together, and
  // not the district's answer cached just before.
  const auto both = Indicators(kOperator12, "", 2026, 3);
  EXPECT_EQ(both.size(), 14u);
  // Only GS01 recorded intake: 12 against 10 (the district's rows are not the two streets').
  check(both, "court_intake_yoy", {12, 0, 8000, COLOUR_RED, 10, 2000});
  check(both, "resolved_before_court", {3, 0, 15000, COLOUR_GREEN, 2, 5000});
  check(both, "mediation_success_rate", {6000, 9000, 6666, COLOUR_RED});
  // GS01's street court and two community courts of 2 streets + 10 + 9 communities: 3 / 21 =
  // 1428.57 bp, rounded half away from zero as Ratio rounds.
  check(both, "micro_court_coverage", {1429, 10000, 1429, COLOUR_RED});
  check(both, "street_committee_mediators", {5000, 10000, 5000, COLOUR_RED});  // 1 of 2
  check(both, "community_room_mediators", {526, 10000, 526, COLOUR_RED});      // 1 of 19
  // The district's training and each street's own, each once.
  check(both, "mediator_trainings", {3, 4, 7500, COLOUR_RED});
  EXPECT_EQ(both.at("micro_court_coverage").region().street_id(), "");

  // Rankings of the month: streets and categories by disputes taken in.
  auto rankings = [&](gv1::RankingDimension dimension) {
    gv1::ListRankingsRequest request;
    request.mutable_period()->set_year(2026);
    request.mutable_period()->set_month(3);
    request.set_dimension(dimension);
    gv1::ListRankingsResponse response;
    Outcome o = Rpc(kAdmin, [&](grpc::ClientContext* c) {
      return indicators_->ListRankings(c, request, &response);
    });
    EXPECT_TRUE(o.status.ok()) << Describe(o);
    return response;
  };
  const gv1::ListRankingsResponse streets = rankings(gv1::RANKING_DIMENSION_STREET);
  EXPECT_EQ(streets.total(), 7);
  ASSERT_EQ(streets.entries_size(), 2);
  EXPECT_EQ(streets.entries(0).key(), "GS01");
  EXPECT_EQ(streets.entries(0).count(), 5);
  EXPECT_EQ(streets.entries(0).name(), h_.regions().NameOf("GS01"));
  EXPECT_EQ(streets.entries(1).key(), "GS02");
  EXPECT_EQ(streets.entries(1).rank(), 2);
  const gv1::ListRankingsResponse categories = rankings(gv1::RANKING_DIMENSION_CATEGORY);
  ASSERT_EQ(categories.entries_size(), 3);
  EXPECT_EQ(categories.entries(0).key(), "NEIGHBOURHOOD");
  EXPECT_EQ(categories.entries(0).name(), "邻里纠纷");
  EXPECT_EQ(categories.entries(0).count(), 3);
  EXPECT_EQ(categories.entries(1).key(), "CONTRACT");
  EXPECT_EQ(categories.entries(1).name(), "合同债务");
  EXPECT_EQ(categories.entries(1).rank(), 2);
  EXPECT_EQ(categories.entries(2).key(), "LABOUR");
  EXPECT_EQ(categories.entries(2).rank(), 2);
  const gv1::ListRankingsResponse units = rankings(gv1::RANKING_DIMENSION_UNIT);
  ASSERT_GE(units.entries_size(), 1);
  EXPECT_EQ(units.entries(0).key(), room1);  // 3 disputes with the GS01-C01 room
  EXPECT_EQ(units.entries(0).count(), 3);
  EXPECT_EQ(units.entries(0).name(), "COMMUNITY_ROOM GS01GS01-C01");

  // A registry write changes a cached indicator at once.
  AddMediator(committee2, true);
  EXPECT_EQ(Indicators(kAdmin, "", 2026, 3).at("street_committee_mediators").actual(), 1818);
}

// Outcomes count disputes, not transitions: a dispute agreed twice (reopened because the first
// agreement was not performed) is one dispute resolved before court; one agreed and then, after
// a reopening, failed ends the period failed.
// The plan's bodies: 11 gold-medal teams and 11 red teams, the industry committees 8 -> 11 (a
// district count each: a street's row shows its own, ungraded), and at least one social
// mediation organisation in every street (graded on each street's row).
TEST_F(MediationTest, BodyTargetsOfThePlanAreGraded) {
  clock_.Set(Local(2026, 3, 1, 9));
  AddBody(mv1::BODY_KIND_GOLD_MEDAL_TEAM, "GS01");
  AddBody(mv1::BODY_KIND_GOLD_MEDAL_TEAM, "GS02");
  AddBody(mv1::BODY_KIND_RED_TEAM, "", "", mv1::INDUSTRY_FINANCE);
  AddBody(mv1::BODY_KIND_INDUSTRY_COMMITTEE, "", "", mv1::INDUSTRY_FINANCE);
  AddBody(mv1::BODY_KIND_INDUSTRY_COMMITTEE, "", "", mv1::INDUSTRY_COMMERCE);
  AddBody(mv1::BODY_KIND_INDUSTRY_COMMITTEE, "", "", mv1::INDUSTRY_LABOUR);
  AddBody(mv1::BODY_KIND_SOCIAL_ORGANISATION, "GS01");
  clock_.Set(Local(2026, 4, 2, 9));
  AddBody(mv1::BODY_KIND_SOCIAL_ORGANISATION, "GS03");  // registered in April
  clock_.Set(Local(2026, 4, 20, 9));

  const auto march = Indicators(kAdmin, "", 2026, 3);
  EXPECT_EQ(march.at("gold_medal_teams").actual(), 2);
  EXPECT_EQ(march.at("gold_medal_teams").target(), 11);
  EXPECT_EQ(march.at("gold_medal_teams").attainment(), 1818);
  EXPECT_EQ(march.at("red_teams").actual(), 1);
  EXPECT_EQ(march.at("industry_committees").actual(), 3);
  EXPECT_EQ(march.at("industry_committees").target(), 11);
  EXPECT_EQ(march.at("industry_committees").target_source(), gv1::TARGET_SOURCE_PLAN);
  EXPECT_NE(march.at("industry_committees").plan_clause().find("新建金融、知识产权、商事"),
            std::string::npos);
  // 1 of 11 streets in March, 2 of 11 in April.
  EXPECT_EQ(march.at("social_organisation_coverage").actual(), 909);
  EXPECT_EQ(march.at("social_organisation_coverage").colour(), gv1::COLOUR_RED);
  EXPECT_EQ(Indicators(kAdmin, "", 2026, 4).at("social_organisation_coverage").actual(), 1818);

  const auto gs01 = Indicators(kAdmin, "GS01", 2026, 3);
  EXPECT_EQ(gs01.at("gold_medal_teams").actual(), 1);
  EXPECT_EQ(gs01.at("gold_medal_teams").target_kind(), gv1::TARGET_KIND_UNSPECIFIED);
  EXPECT_EQ(gs01.at("social_organisation_coverage").actual(), 10000);
  EXPECT_EQ(gs01.at("social_organisation_coverage").colour(), gv1::COLOUR_GREEN);
  const auto gs03 = Indicators(kAdmin, "GS03", 2026, 3);
  EXPECT_EQ(gs03.at("social_organisation_coverage").actual(), 0);
  EXPECT_EQ(gs03.at("social_organisation_coverage").colour(), gv1::COLOUR_RED);
  EXPECT_EQ(Indicators(kAdmin, "GS03", 2026, 4).at("social_organisation_coverage").actual(), 10000);
}

TEST_F(MediationTest, OutcomesCountDisputesNotTransitions) {
  SeedGs01();
  clock_.Set(Local(2026, 3, 2, 10));
  mv1::Dispute twice =
      Mediate("GS01", "GS01-C01", mv1::DISPUTE_CATEGORY_NEIGHBOURHOOD, mv1::OUTCOME_AGREED);
  mv1::Dispute undone =
      Mediate("GS01", "GS01-C01", mv1::DISPUTE_CATEGORY_NEIGHBOURHOOD, mv1::OUTCOME_AGREED);
  clock_.Set(Local(2026, 3, 9, 10));
  for (mv1::Dispute* d : {&twice, &undone}) {
    ASSERT_TRUE(Close(kAdmin, *d, d).status.ok());
    ASSERT_TRUE(Reopen(kAdmin, *d, "协议未履行", d).status.ok());
  }
  clock_.Set(Local(2026, 3, 12, 10));
  ASSERT_TRUE(Outcome_(kAdmin, twice, mv1::OUTCOME_AGREED, "重新达成协议", &twice).status.ok());
  ASSERT_TRUE(Outcome_(kAdmin, undone, mv1::OUTCOME_FAILED, "调解不成", &undone).status.ok());
  clock_.Set(Local(2026, 3, 31, 18));

  const auto march = Indicators(kAdmin, "", 2026, 3);
  // Three agreements were recorded; one dispute ended March agreed.
  EXPECT_EQ(march.at("resolved_before_court").actual(), 1);
  // Two disputes ended a mediation in March, one of them agreed.
  EXPECT_EQ(march.at("mediation_success_rate").actual(), 5000);
  EXPECT_EQ(march.at("mediation_success_rate").target_source(), gv1::TARGET_SOURCE_DISTRICT);
  EXPECT_FALSE(march.at("mediation_success_rate").target_reason().empty());
}

// ---- Redis down ----

// Sum of the samples of `name` with label result=`result` in `registry`.
double CacheRequests(prometheus::Registry& registry, const std::string& result) {
  double sum = 0;
  for (const auto& family : registry.Collect()) {
    if (family.name != "governance_cache_requests_total") continue;
    for (const auto& metric : family.metric) {
      for (const auto& label : metric.label) {
        if (label.name == "result" && label.value == result) sum += metric.counter.value;
      }
    }
  }
  return sum;
}

TEST_F(MediationTest, CallsSucceedWithRedisDownAndTheCacheRecovers) {
  SeedGs01();
  mv1::Dispute d =
      Create(kOperator1, NewDispute("GS01", "GS01-C01", mv1::DISPUTE_CATEGORY_NEIGHBOURHOOD));
  Get(kOperator1, d.id());
  EXPECT_GT(CacheRequests(h_.metrics(), "hit"), 0) << "a dispute is read through the cache";

  h_.redis().Kill();
  ASSERT_TRUE(Triage(kOperator1, d, &d).status.ok());
  const mv1::Dispute read = Get(kOperator1, d.id());
  EXPECT_EQ(read.etag(), d.etag());
  EXPECT_EQ(read.state(), mv1::DISPUTE_STATE_TRIAGED);
  mv1::Dispute e = Create(kOperator1, NewDispute("GS01", "", mv1::DISPUTE_CATEGORY_CONTRACT));
  EXPECT_EQ(ListAll().size(), 2u);
  EXPECT_EQ(Indicators(kAdmin, "GS01", 2026, 3).at("street_committee_mediators").actual(), 0);

  ASSERT_TRUE(h_.redis().Restart().ok());
  // The circuit lets a probe through after its open interval; then reads hit again.
  const double hits_before = CacheRequests(h_.metrics(), "hit");
  const absl::Time deadline = absl::Now() + absl::Seconds(15);
  bool recovered = false;
  while (absl::Now() < deadline && !recovered) {
    EXPECT_EQ(Get(kOperator1, e.id()).id(), e.id());
    recovered = CacheRequests(h_.metrics(), "hit") > hits_before;
    if (!recovered) absl::SleepFor(absl::Milliseconds(100));
  }
  EXPECT_TRUE(recovered) << "the cache did not come back after redis restarted";
  EXPECT_EQ(Get(kOperator1, d.id()).etag(), d.etag());
}

// ---- Demo data ----

TEST_F(MediationTest, DemoDataLoadsOnceAndIsNotAllGreen) {
  const absl::Time started = absl::Now();
  ASSERT_TRUE(h_.track().LoadDemoData().ok());
  const absl::Duration took = absl::Now() - started;
  const std::vector<mv1::MediatingBody> bodies = AllBodies();
  const std::vector<mv1::Dispute> disputes = ListAll();
  // 11 x (committee, gold team, micro-court, social organisation) + 95 rooms + 92 community
  // micro-courts + 11 industry committees + 11 red teams + the court centre.
  EXPECT_EQ(bodies.size(), 44u + 95u + 92u + 11u + 11u + 1u);
  EXPECT_EQ(disputes.size(), 400u);
  std::set<mv1::DisputeState> states;
  std::set<std::string> streets;
  for (const mv1::Dispute& d : disputes) {
    states.insert(d.state());
    streets.insert(d.region().street_id());
  }
  EXPECT_EQ(states.size(), 7u) << "every state is represented";
  EXPECT_EQ(streets.size(), 11u);

  ASSERT_TRUE(h_.track().LoadDemoData().ok());
  EXPECT_EQ(AllBodies().size(), bodies.size());
  EXPECT_EQ(ListAll().size(), 400u);

  const auto district = Indicators(kAdmin, "", 2026, 2);
  // Rates in basis points, rounded half away from zero: 103 / 106 = 9716.98, 10 / 11 = 9090.9,
  // 93 / 95 = 9789.47.
  EXPECT_EQ(district.at("micro_court_coverage").actual(), 9717);
  EXPECT_EQ(district.at("street_committee_mediators").actual(), 9091);
  EXPECT_EQ(district.at("community_room_mediators").actual(), 9789);
  EXPECT_EQ(district.at("mediator_trainings").actual(), 1);  // by the end of February
  EXPECT_TRUE(district.at("court_intake_yoy").has_data());
  EXPECT_TRUE(district.at("mediation_success_rate").has_data());
  EXPECT_TRUE(district.at("resolved_before_court").has_data());
  int green = 0;
  for (const auto& [id, indicator] : district) green += indicator.colour() == gv1::COLOUR_GREEN;
  EXPECT_LT(green, 7);

  // Every indicator has a value in the demo for the year so far (last year's changes have no
  // baseline: the demo's disputes go back 14 months).
  gv1::Period this_year;
  this_year.set_year(2026);
  for (const auto& [id, indicator] : h_.Indicators(kAdmin, this_year)) {
    EXPECT_TRUE(indicator.has_data()) << id << " has no value this year";
  }
  gv1::Period last_year;
  last_year.set_year(2025);
  const auto year_2025 = h_.Indicators(kAdmin, last_year);
  // The consultation missed one month of twelve last year.
  EXPECT_EQ(year_2025.at("consultation_every_month").actual(), 9167);
  EXPECT_GT(year_2025.at("purchased_service_resolved").actual(), 0);
  // Every finished month since January of last year is published.
  gv1::ListPublishedRankingsRequest published;
  published.set_page_size(100);
  gv1::ListPublishedRankingsResponse months;
  Outcome o = Rpc(kViewer, [&](grpc::ClientContext* c) {
    return indicators_->ListPublishedRankings(c, published, &months);
  });
  ASSERT_TRUE(o.status.ok()) << Describe(o);
  ASSERT_EQ(months.rankings_size(), 14);  // 2025-01 .. 2026-02
  EXPECT_EQ(months.rankings(0).period().month(), 2);
  ASSERT_EQ(months.rankings(0).tables_size(), 4);  // street, community, unit, category
  EXPECT_GT(months.rankings(0).tables(0).total(), 0);
  std::cerr << "demo data loaded in " << absl::FormatDuration(took) << "\n";
}

}  // namespace
}  // namespace gov::mediation
