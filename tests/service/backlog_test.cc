// The backlog track end to end in one process: the real track behind the real server over gRPC
// on loopback, on SQLite (or PostgreSQL as backlog_test_postgres) and a real redis-server, with a
// fake clock: cases registered with their plans and refused when wrong, their life to closing,
// the three-level warnings raised and moved up on time, the indicators against hand counts, and
// the demo.

#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/clock/clock.h"
#include "common/track/track_base.h"
#include "common/util/proto.h"
#include "gmock/gmock.h"
#include "governance/backlog/v1/backlog.grpc.pb.h"
#include "governance/mediation/v1/mediation.grpc.pb.h"
#include "governance/v1/indicators.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "services/backlog/model.h"
#include "services/backlog/track.h"
#include "services/mediation/track.h"
#include "tests/support/track_harness.h"

namespace gov::backlog {
namespace {

namespace gv1 = ::governance::v1;
using gov::testing::Describe;
using gov::testing::ExpectInvalid;
using gov::testing::ExpectRefusals;
using gov::testing::ExpectRefused;
using gov::testing::Local;
using gov::testing::Month;
using gov::testing::Outcome;
using gov::testing::Refusal;
using gov::testing::Region;
using gov::testing::Year;
using ::testing::ElementsAre;

constexpr char kAdmin[] = "tok-admin";
constexpr char kSystem[] = "tok-system";
constexpr char kOperator1[] = "tok-operator-gs01";
constexpr char kOperator2[] = "tok-operator-gs02";
constexpr char kViewer[] = "tok-viewer";

std::vector<gov::testing::TestToken> Tokens() {
  return {
      {kAdmin, "admin", auth::kDistrictAdmin, {}},
      {kSystem, "petition-platform", auth::kSystem, {}},
      {kOperator1, "operator-gs01", auth::kStreetOperator, {"GS01"}},
      {kOperator2, "operator-gs02", auth::kStreetOperator, {"GS02"}},
      {kViewer, "viewer", auth::kViewer, {}},
  };
}

class BacklogTest : public ::testing::Test {
 protected:
  BacklogTest() : clock_(Local(2026, 4, 1, 9, 0)) {}

  void SetUp() override {
    const absl::Status started = h_.Start(track::Factory<BacklogTrack>(kTrack));
    ASSERT_TRUE(started.ok()) << started;
    stub_ = bv1::BacklogService::NewStub(h_.channel());
  }

  BacklogTrack& track() { return static_cast<BacklogTrack&>(h_.track()); }

  template <typename Fn>
  Outcome Rpc(const std::string& token, Fn&& fn) {
    return h_.Rpc(token, std::forward<Fn>(fn));
  }

  // A petition case of GS01-C01 with milestones due `days` days from now (each).
  bv1::CreateBacklogCaseRequest NewCase(std::vector<int> days = {10, 40},
                                        const std::string& community = "GS01-C01",
                                        const std::string& street = "GS01") {
    bv1::CreateBacklogCaseRequest request;
    request.set_request_id(absl::StrCat("req-", ++counter_));
    bv1::BacklogCase* c = request.mutable_backlog_case();
    c->mutable_origin()->set_kind(bv1::ORIGIN_KIND_PETITION);
    c->mutable_origin()->set_reference("XF-2019-0042");
    *c->mutable_region() = Region(street, community);
    c->set_title("多年信访积案：拆迁补偿");
    c->set_summary("张某反映拆迁补偿不到位（测试）");
    c->set_responsible_leader("王某（街道副书记）");
    c->add_task_force("街道综治中心");
    c->add_task_force("区信访局");
    for (size_t i = 0; i < days.size(); ++i) {
      bv1::Milestone* m = c->add_milestones();
      m->set_title(absl::StrCat("节点", i + 1));
      *m->mutable_due_time() = ToTimestamp(clock_.Now() + absl::Hours(24 * days[i]));
    }
    return request;
  }

  Outcome TryCreate(const std::string& token, const bv1::CreateBacklogCaseRequest& request,
                    bv1::BacklogCase* out = nullptr) {
    bv1::CreateBacklogCaseResponse response;
    Outcome o = Rpc(token, [&](grpc::ClientContext* c) {
      return stub_->CreateBacklogCase(c, request, &response);
    });
    if (out != nullptr) *out = response.backlog_case();
    return o;
  }

  bv1::BacklogCase Create(const bv1::CreateBacklogCaseRequest& request,
                          const std::string& token = kOperator1) {
    bv1::BacklogCase out;
    Outcome o = TryCreate(token, request, &out);
    EXPECT_TRUE(o.status.ok()) << Describe(o);
    return out;
  }

  bv1::BacklogCase Get(const std::string& id, const std::string& token = kAdmin) {
    bv1::GetBacklogCaseRequest request;
    request.set_id(id);
    bv1::GetBacklogCaseResponse response;
    Outcome o = Rpc(token, [&](grpc::ClientContext* c) {
      return stub_->GetBacklogCase(c, request, &response);
    });
    EXPECT_TRUE(o.status.ok()) << Describe(o);
    return response.backlog_case();
  }

  Outcome Complete(const bv1::BacklogCase& c, int number, bv1::BacklogCase* out = nullptr,
                   const std::string& token = kOperator1) {
    bv1::CompleteMilestoneRequest request;
    request.set_id(c.id());
    request.set_etag(c.etag());
    request.set_number(number);
    request.set_note("节点完成");
    bv1::CompleteMilestoneResponse response;
    Outcome o = Rpc(token, [&](grpc::ClientContext* ctx) {
      return stub_->CompleteMilestone(ctx, request, &response);
    });
    if (out != nullptr) *out = response.backlog_case();
    return o;
  }

  Outcome Resolve(const bv1::BacklogCase& c, bv1::BacklogCase* out = nullptr) {
    bv1::ResolveBacklogCaseRequest request;
    request.set_id(c.id());
    request.set_etag(c.etag());
    request.set_resolution("补偿已落实");
    bv1::ResolveBacklogCaseResponse response;
    Outcome o = Rpc(kOperator1, [&](grpc::ClientContext* ctx) {
      return stub_->ResolveBacklogCase(ctx, request, &response);
    });
    if (out != nullptr) *out = response.backlog_case();
    return o;
  }

  Outcome Verify(const bv1::BacklogCase& c, bool accepted, const std::string& note,
                 bv1::BacklogCase* out = nullptr, const std::string& token = kAdmin) {
    bv1::VerifyBacklogCaseRequest request;
    request.set_id(c.id());
    request.set_etag(c.etag());
    request.set_accepted(accepted);
    request.set_note(note);
    bv1::VerifyBacklogCaseResponse response;
    Outcome o = Rpc(token, [&](grpc::ClientContext* ctx) {
      return stub_->VerifyBacklogCase(ctx, request, &response);
    });
    if (out != nullptr) *out = response.backlog_case();
    return o;
  }

  // A case taken to VERIFIED (every milestone done, resolved, accepted).
  bv1::BacklogCase Cleared(bv1::BacklogCase c) {
    for (int n = 1; n <= c.milestones_size(); ++n) {
      EXPECT_TRUE(Complete(c, n, &c).status.ok());
    }
    EXPECT_TRUE(Resolve(c, &c).status.ok());
    EXPECT_TRUE(Verify(c, true, "", &c).status.ok());
    return c;
  }

  std::vector<bv1::Warning> Warnings(const bv1::ListWarningsRequest& request = {},
                                     const std::string& token = kAdmin) {
    bv1::ListWarningsResponse response;
    Outcome o = Rpc(
        token, [&](grpc::ClientContext* c) { return stub_->ListWarnings(c, request, &response); });
    EXPECT_TRUE(o.status.ok()) << Describe(o);
    return {response.warnings().begin(), response.warnings().end()};
  }

  Warnings::SweepResult Sweep() {
    absl::StatusOr<Warnings::SweepResult> swept = track().warnings().Sweep();
    EXPECT_TRUE(swept.ok()) << swept.status();
    return swept.ok() ? *swept : Warnings::SweepResult{};
  }

  gv1::Indicator IndicatorOf(const std::string& id, const gv1::Period& period,
                             const std::string& street = "") {
    const auto all = h_.Indicators(kAdmin, period, Region(street));
    auto it = all.find(id);
    EXPECT_NE(it, all.end()) << id;
    return it == all.end() ? gv1::Indicator() : it->second;
  }

  FakeClock clock_;
  gov::testing::TrackHarness h_{kTrack, &clock_, Tokens()};
  std::unique_ptr<bv1::BacklogService::Stub> stub_;
  int counter_ = 0;
};

// ---- Registration ----

TEST_F(BacklogTest, ACaseIsRegisteredWithItsPlanOnceAndRefusedWhenWrong) {
  const bv1::CreateBacklogCaseRequest request = NewCase();
  bv1::BacklogCase c = Create(request);
  EXPECT_EQ(c.id(), "K-000001");
  EXPECT_EQ(c.status(), bv1::BACKLOG_STATUS_IN_PROGRESS);
  ASSERT_EQ(c.milestones_size(), 2);
  EXPECT_EQ(c.milestones(1).number(), 2);
  EXPECT_EQ(c.milestones(1).status(), bv1::MILESTONE_STATUS_OPEN);
  EXPECT_EQ(c.overdue_milestones(), 0);
  EXPECT_EQ(c.responsible_leader(), "王某（街道副书记）");
  // A retry is the same case; another body under its id is refused.
  EXPECT_EQ(Create(request).id(), c.id());
  bv1::CreateBacklogCaseRequest other = request;
  other.mutable_backlog_case()->set_title("另一件");
  ExpectRefused(TryCreate(kOperator1, other), grpc::StatusCode::ALREADY_EXISTS, "");
  // Another street's operator and a viewer may not register it; a viewer reads it without the
  // personal data.
  ExpectRefused(TryCreate(kOperator2, NewCase()), grpc::StatusCode::PERMISSION_DENIED, "");
  ExpectRefused(TryCreate(kViewer, NewCase()), grpc::StatusCode::PERMISSION_DENIED, "");
  const bv1::BacklogCase seen = Get(c.id(), kViewer);
  EXPECT_EQ(seen.title(), c.title());
  EXPECT_TRUE(seen.summary().empty());
  EXPECT_TRUE(seen.responsible_leader().empty());

  using Row = Refusal<bv1::CreateBacklogCaseRequest>;
  auto c0 = [](bv1::CreateBacklogCaseRequest& r) { return r.mutable_backlog_case(); };
  ExpectRefusals<bv1::CreateBacklogCaseRequest>(
      h_, NewCase(),
      {
          Row{"no request id", [](auto& r) { r.clear_request_id(); }, "request_id"},
          Row{"no origin", [&](auto& r) { c0(r)->clear_origin(); }, "backlog_case.origin.kind"},
          Row{"a track named for a petition",
              [&](auto& r) { c0(r)->mutable_origin()->set_track("mediation"); },
              "backlog_case.origin.track"},
          Row{"a track case without its track",
              [&](auto& r) {
                c0(r)->mutable_origin()->set_kind(bv1::ORIGIN_KIND_TRACK_CASE);
                c0(r)->mutable_origin()->set_case_id("D-000001");
              },
              "backlog_case.origin.track"},
          Row{"a track the rules do not refer to",
              [&](auto& r) {
                c0(r)->mutable_origin()->set_kind(bv1::ORIGIN_KIND_TRACK_CASE);
                c0(r)->mutable_origin()->set_track("hazard");
                c0(r)->mutable_origin()->set_case_id("H-000001");
              },
              "backlog_case.origin.track"},
          Row{"a track case without its id",
              [&](auto& r) {
                c0(r)->mutable_origin()->set_kind(bv1::ORIGIN_KIND_TRACK_CASE);
                c0(r)->mutable_origin()->set_track("mediation");
              },
              "backlog_case.origin.case_id"},
          Row{"no street", [&](auto& r) { c0(r)->clear_region(); },
              "backlog_case.region.street_id"},
          Row{"a community of another street",
              [&](auto& r) { c0(r)->mutable_region()->set_community_id("GS02-C01"); },
              "backlog_case.region.community_id"},
          Row{"no title", [&](auto& r) { c0(r)->clear_title(); }, "backlog_case.title"},
          Row{"no summary", [&](auto& r) { c0(r)->clear_summary(); }, "backlog_case.summary"},
          Row{"no leader", [&](auto& r) { c0(r)->clear_responsible_leader(); },
              "backlog_case.responsible_leader"},
          Row{"no task force", [&](auto& r) { c0(r)->clear_task_force(); },
              "backlog_case.task_force"},
          Row{"a unit twice", [&](auto& r) { c0(r)->add_task_force("区信访局"); },
              "backlog_case.task_force[2]"},
          Row{"no plan", [&](auto& r) { c0(r)->clear_milestones(); }, "backlog_case.milestones"},
          Row{"21 milestones",
              [&](auto& r) {
                for (int i = 0; i < 19; ++i) *c0(r)->add_milestones() = c0(r)->milestones(0);
              },
              "backlog_case.milestones"},
          Row{"a milestone without title",
              [&](auto& r) { c0(r)->mutable_milestones(1)->clear_title(); },
              "backlog_case.milestones[1].title"},
          Row{"a milestone without due time",
              [&](auto& r) { c0(r)->mutable_milestones(0)->clear_due_time(); },
              "backlog_case.milestones[0].due_time"},
          Row{"a milestone due already",
              [&](auto& r) {
                *c0(r)->mutable_milestones(0)->mutable_due_time() =
                    ToTimestamp(clock_.Now() - absl::Hours(1));
              },
              "backlog_case.milestones[0].due_time"},
      },
      [&](const bv1::CreateBacklogCaseRequest& r) { return TryCreate(kOperator1, r); });
}

TEST_F(BacklogTest, ACaseIsWorkedThroughItsPlanToVerificationAndClosing) {
  bv1::BacklogCase c = Create(NewCase({10, 40}));
  bv1::ReportProgressRequest report;
  report.set_id(c.id());
  report.set_etag(c.etag());
  report.set_note("约谈当事人");
  bv1::ReportProgressResponse reported;
  Outcome o = Rpc(kOperator1, [&](grpc::ClientContext* ctx) {
    return stub_->ReportProgress(ctx, report, &reported);
  });
  ASSERT_TRUE(o.status.ok()) << Describe(o);
  c = reported.backlog_case();
  EXPECT_EQ(c.progress_reports(), 1);
  EXPECT_EQ(c.status(), bv1::BACKLOG_STATUS_IN_PROGRESS);

  // Not resolved while a milestone is open; a milestone done once.
  ExpectRefused(Resolve(c), grpc::StatusCode::FAILED_PRECONDITION, "");
  clock_.Advance(absl::Hours(24 * 5));
  ASSERT_TRUE(Complete(c, 1, &c).status.ok());
  EXPECT_EQ(c.milestones(0).status(), bv1::MILESTONE_STATUS_DONE);
  EXPECT_EQ(FromTimestamp(c.milestones(0).done_time()), clock_.Now());
  EXPECT_FALSE(c.milestones(0).overdue());
  ExpectRefused(Complete(c, 1), grpc::StatusCode::FAILED_PRECONDITION, "");
  ExpectInvalid(Complete(c, 3), "number");
  ExpectInvalid(Complete(c, 0), "number");
  ExpectRefused(Complete(c, 2, nullptr, kOperator2), grpc::StatusCode::PERMISSION_DENIED, "");
  // Done late: overdue stays on the milestone.
  clock_.Advance(absl::Hours(24 * 40));
  EXPECT_EQ(Get(c.id()).overdue_milestones(), 1);
  ASSERT_TRUE(Complete(c, 2, &c).status.ok());
  EXPECT_TRUE(c.milestones(1).overdue());
  EXPECT_EQ(c.overdue_milestones(), 0);

  ASSERT_TRUE(Resolve(c, &c).status.ok());
  EXPECT_EQ(c.status(), bv1::BACKLOG_STATUS_RESOLVED);
  EXPECT_EQ(c.resolution(), "补偿已落实");
  // The district verifies: a street operator may not; sending back needs the reason.
  ExpectRefused(Verify(c, true, "", nullptr, kOperator1), grpc::StatusCode::PERMISSION_DENIED, "");
  ExpectInvalid(Verify(c, false, ""), "note");
  ASSERT_TRUE(Verify(c, false, "当事人仍有异议", &c).status.ok());
  EXPECT_EQ(c.status(), bv1::BACKLOG_STATUS_IN_PROGRESS);
  ASSERT_TRUE(Resolve(c, &c).status.ok());
  ASSERT_TRUE(Verify(c, true, "验收通过", &c).status.ok());
  EXPECT_EQ(c.status(), bv1::BACKLOG_STATUS_VERIFIED);
  bv1::CloseBacklogCaseRequest close;
  close.set_id(c.id());
  close.set_etag(c.etag());
  bv1::CloseBacklogCaseResponse closed;
  ASSERT_TRUE(Rpc(kAdmin, [&](grpc::ClientContext* ctx) {
                return stub_->CloseBacklogCase(ctx, close, &closed);
              }).status.ok());
  EXPECT_EQ(closed.backlog_case().status(), bv1::BACKLOG_STATUS_CLOSED);
  std::vector<std::string> actions;
  for (const gv1::CaseEvent& e : closed.backlog_case().history()) actions.push_back(e.action());
  EXPECT_THAT(actions, ElementsAre("Create", kReport, kCompleteMilestone, kCompleteMilestone,
                                   kResolve, kSendBack, kResolve, kVerify, kClose));
}

// ---- Cases of other tracks ----

// The backlog track beside a real mediation track it may ask: its peer token is a system token
// of the mediation harness.
class BacklogReferencesTest : public ::testing::Test {
 protected:
  BacklogReferencesTest() : clock_(Local(2026, 4, 1, 9, 0)) {}

  void SetUp() override {
    const absl::Status mediation_started =
        mediation_.Start(track::Factory<mediation::MediationTrack>("mediation"));
    ASSERT_TRUE(mediation_started.ok()) << mediation_started;
    const std::string token_file = dir_.File("peer-token");
    gov::testing::WriteFile(token_file, std::string(kPeer) + "\n");
    h_.config().peers["mediation"] = mediation_.address();
    h_.config().peer_token_file = token_file;
    const absl::Status started = h_.Start(track::Factory<BacklogTrack>(kTrack));
    ASSERT_TRUE(started.ok()) << started;
    stub_ = bv1::BacklogService::NewStub(h_.channel());
  }

  static constexpr char kPeer[] = "tok-peer-backlog";

  // A dispute taken in on the mediation track; its id.
  std::string Dispute() {
    auto stub = mediation::mv1::MediationService::NewStub(mediation_.channel());
    mediation::mv1::CreateDisputeRequest request;
    request.set_request_id(absl::StrCat("dispute-", ++counter_));
    mediation::mv1::Dispute* d = request.mutable_dispute();
    d->set_category(mediation::mv1::DISPUTE_CATEGORY_NEIGHBOURHOOD);
    d->set_channel(mediation::mv1::INTAKE_CHANNEL_WALK_IN);
    d->mutable_region()->set_street_id("GS01");
    d->set_summary("相邻权纠纷（测试）");
    mediation::mv1::Party* p = d->add_parties();
    p->set_role(mediation::mv1::PARTY_ROLE_APPLICANT);
    p->set_name("张某");
    mediation::mv1::CreateDisputeResponse response;
    const Outcome o = mediation_.Rpc(
        kAdmin, [&](grpc::ClientContext* c) { return stub->CreateDispute(c, request, &response); });
    EXPECT_TRUE(o.status.ok()) << Describe(o);
    return response.dispute().id();
  }

  bv1::CreateBacklogCaseRequest Referring(const std::string& dispute) {
    bv1::CreateBacklogCaseRequest request;
    request.set_request_id(absl::StrCat("case-", ++counter_));
    bv1::BacklogCase* c = request.mutable_backlog_case();
    c->mutable_origin()->set_kind(bv1::ORIGIN_KIND_TRACK_CASE);
    c->mutable_origin()->set_track("mediation");
    c->mutable_origin()->set_case_id(dispute);
    *c->mutable_region() = Region("GS01");
    c->set_title("调解未果转积案");
    c->set_summary("相邻权纠纷，调解未果（测试）");
    c->set_responsible_leader("王某");
    c->add_task_force("街道综治中心");
    bv1::Milestone* m = c->add_milestones();
    m->set_title("制定化解方案");
    *m->mutable_due_time() = ToTimestamp(clock_.Now() + absl::Hours(24 * 10));
    return request;
  }

  Outcome Create(const bv1::CreateBacklogCaseRequest& request, bv1::BacklogCase* out = nullptr) {
    bv1::CreateBacklogCaseResponse response;
    Outcome o = h_.Rpc(kOperator1, [&](grpc::ClientContext* c) {
      return stub_->CreateBacklogCase(c, request, &response);
    });
    if (out != nullptr) *out = response.backlog_case();
    return o;
  }

  FakeClock clock_;
  gov::testing::TempDir dir_;
  gov::testing::TrackHarness mediation_{
      "mediation",
      &clock_,
      {{kAdmin, "admin", auth::kDistrictAdmin, {}}, {kPeer, "backlog-peer", auth::kSystem, {}}}};
  gov::testing::TrackHarness h_{kTrack, &clock_, Tokens()};
  std::unique_ptr<bv1::BacklogService::Stub> stub_;
  int counter_ = 0;
};

TEST_F(BacklogReferencesTest, ACaseOfAnotherTrackIsCheckedWithItAndNeverStoredUnchecked) {
  const std::string dispute = Dispute();
  bv1::BacklogCase c;
  Outcome o = Create(Referring(dispute), &c);
  ASSERT_TRUE(o.status.ok()) << Describe(o);
  EXPECT_EQ(c.origin().track(), "mediation");
  EXPECT_EQ(c.origin().case_id(), dispute);

  const std::string before = h_.StoreSnapshot();
  // Unknown there: the caller's mistake, naming the field.
  ExpectInvalid(Create(Referring("D-999999")), "backlog_case.origin.case_id");
  // Mediation down: cannot be checked now, nothing stored.
  mediation_.Stop();
  ExpectRefused(Create(Referring(dispute)), grpc::StatusCode::UNAVAILABLE, "");
  EXPECT_EQ(h_.StoreSnapshot(), before) << "a case was stored unchecked";
}

// ---- Warnings ----

TEST_F(BacklogTest, AnOverdueMilestoneRaisesAWarningThatMovesUpOnTimeUntilItIsDone) {
  // Due in 10 days; the rules: 72 hours at community level, 168 at the street's.
  bv1::BacklogCase c = Create(NewCase({10, 60}));
  const absl::Time due = FromTimestamp(c.milestones(0).due_time());
  clock_.Set(due - absl::Minutes(1));
  EXPECT_EQ(Sweep().raised, 0);
  EXPECT_TRUE(Warnings().empty());

  clock_.Set(due + absl::Minutes(1));
  EXPECT_EQ(Sweep().raised, 1);
  EXPECT_EQ(Sweep().raised, 0);  // one warning per milestone
  std::vector<bv1::Warning> open = Warnings();
  ASSERT_EQ(open.size(), 1u);
  bv1::Warning w = open[0];
  EXPECT_EQ(w.case_id(), c.id());
  EXPECT_EQ(w.milestone(), 1);
  EXPECT_EQ(w.level(), bv1::WARNING_LEVEL_COMMUNITY);
  EXPECT_EQ(w.status(), bv1::WARNING_STATUS_RAISED);
  EXPECT_EQ(FromTimestamp(w.level_time()), due);
  EXPECT_EQ(w.region().community_id(), "GS01-C01");

  // Acknowledged at community level; it still moves up once its time there is over.
  bv1::AcknowledgeWarningRequest ack;
  ack.set_id(w.id());
  ack.set_etag(w.etag());
  ack.set_note("社区已掌握");
  bv1::AcknowledgeWarningResponse acked;
  Outcome o = Rpc(kOperator1, [&](grpc::ClientContext* ctx) {
    return stub_->AcknowledgeWarning(ctx, ack, &acked);
  });
  ASSERT_TRUE(o.status.ok()) << Describe(o);
  EXPECT_EQ(acked.warning().status(), bv1::WARNING_STATUS_ACKNOWLEDGED);
  ExpectRefused(Rpc(kOperator2,
                    [&](grpc::ClientContext* ctx) {
                      bv1::AcknowledgeWarningRequest again = ack;
                      again.set_etag(acked.warning().etag());
                      return stub_->AcknowledgeWarning(ctx, again, &acked);
                    }),
                grpc::StatusCode::PERMISSION_DENIED, "");

  clock_.Set(due + absl::Hours(72) - absl::Seconds(1));
  EXPECT_EQ(Sweep().escalated, 0);
  clock_.Set(due + absl::Hours(72));
  EXPECT_EQ(Sweep().escalated, 1);
  w = Warnings()[0];
  EXPECT_EQ(w.level(), bv1::WARNING_LEVEL_STREET);
  EXPECT_EQ(w.status(), bv1::WARNING_STATUS_RAISED);  // the street acknowledges anew
  EXPECT_EQ(FromTimestamp(w.level_time()), due + absl::Hours(72));
  bv1::ListWarningsRequest at_street;
  at_street.set_level(bv1::WARNING_LEVEL_STREET);
  EXPECT_EQ(Warnings(at_street).size(), 1u);
  at_street.set_level(bv1::WARNING_LEVEL_COMMUNITY);
  EXPECT_TRUE(Warnings(at_street).empty());

  clock_.Set(due + absl::Hours(72 + 168) - absl::Seconds(1));
  EXPECT_EQ(Sweep().escalated, 0);
  clock_.Set(due + absl::Hours(72 + 168));
  EXPECT_EQ(Sweep().escalated, 1);
  EXPECT_EQ(Warnings()[0].level(), bv1::WARNING_LEVEL_DISTRICT);
  clock_.Advance(absl::Hours(24 * 30));
  EXPECT_EQ(Sweep().escalated, 0);  // the district is the top

  // Done: the warning is cleared with it.
  c = Get(c.id());
  ASSERT_TRUE(Complete(c, 1, &c).status.ok());
  w = Warnings()[0];
  EXPECT_EQ(w.status(), bv1::WARNING_STATUS_CLEARED);
  bv1::GetWarningRequest get;
  get.set_id(w.id());
  bv1::GetWarningResponse got;
  ASSERT_TRUE(Rpc(kViewer, [&](grpc::ClientContext* ctx) {
                return stub_->GetWarning(ctx, get, &got);
              }).status.ok());
  std::vector<std::string> actions;
  for (const gv1::CaseEvent& e : got.warning().history()) actions.push_back(e.action());
  EXPECT_THAT(actions, ElementsAre("Create", kAcknowledge, kEscalate, kEscalate, kClear));
  EXPECT_EQ(Sweep().raised, 0);
}

TEST_F(BacklogTest, ACaseWithoutCommunityWarnsTheStreetAndAWarningIsClearedByHandWithAReason) {
  bv1::BacklogCase c = Create(NewCase({5}, ""));
  clock_.Advance(absl::Hours(24 * 6));
  EXPECT_EQ(Sweep().raised, 1);
  bv1::Warning w = Warnings()[0];
  EXPECT_EQ(w.level(), bv1::WARNING_LEVEL_STREET);
  bv1::ClearWarningRequest clear;
  clear.set_id(w.id());
  clear.set_etag(w.etag());
  bv1::ClearWarningResponse cleared;
  auto call = [&](const std::string& token) {
    return Rpc(token,
               [&](grpc::ClientContext* ctx) { return stub_->ClearWarning(ctx, clear, &cleared); });
  };
  ExpectInvalid(call(kOperator1), "note");
  clear.set_note("节点期限经批准顺延");
  ExpectRefused(call(kViewer), grpc::StatusCode::PERMISSION_DENIED, "");
  ASSERT_TRUE(call(kOperator1).status.ok());
  EXPECT_EQ(cleared.warning().status(), bv1::WARNING_STATUS_CLEARED);
  ExpectRefused(call(kOperator1), grpc::StatusCode::ABORTED, "");  // stale etag
  clear.set_etag(cleared.warning().etag());
  ExpectRefused(call(kOperator1), grpc::StatusCode::FAILED_PRECONDITION, "");
  // A case resolved meanwhile leaves no open warning behind.
  bv1::BacklogCase other = Create(NewCase({1}));
  clock_.Advance(absl::Hours(48));
  EXPECT_EQ(Sweep().raised, 1);
  ASSERT_TRUE(Complete(other, 1, &other).status.ok());
  bv1::ListWarningsRequest open;
  open.add_statuses(bv1::WARNING_STATUS_RAISED);
  open.add_statuses(bv1::WARNING_STATUS_ACKNOWLEDGED);
  EXPECT_TRUE(Warnings(open).empty());
  EXPECT_EQ(Get(c.id()).status(), bv1::BACKLOG_STATUS_IN_PROGRESS);
}

// ---- Projects and risk assessments (应评尽评) ----

bv1::RegisterProjectRequest NewProject(const std::string& request_id, bv1::ProjectType type,
                                       int64_t investment_fen, int households,
                                       const std::string& street = "GS01") {
  bv1::RegisterProjectRequest request;
  request.set_request_id(request_id);
  bv1::Project* p = request.mutable_project();
  p->set_name("测试项目");
  p->set_type(type);
  *p->mutable_region() = Region(street);
  p->set_investment_fen(investment_fen);
  p->set_households(households);
  p->set_owner_unit("区建设局");
  return request;
}

TEST_F(BacklogTest, TheRulesDecideWhichProjectsNeedAnAssessmentAndNoneStartsWithoutIt) {
  auto reg = [&](const bv1::RegisterProjectRequest& r, bv1::Project* out,
                 const std::string& token = kOperator1) {
    bv1::RegisterProjectResponse response;
    Outcome o =
        Rpc(token, [&](grpc::ClientContext* c) { return stub_->RegisterProject(c, r, &response); });
    if (out != nullptr) *out = response.project();
    return o;
  };
  auto needs = [&](const bv1::RegisterProjectRequest& r) {
    bv1::Project p;
    const Outcome o = reg(r, &p);
    EXPECT_TRUE(o.status.ok()) << Describe(o);
    return p.needs_assessment();
  };
  // data/backlog.json: demolition always; construction from 50,000,000 yuan or 50 households;
  // renovation from 100 households; anything else never.
  EXPECT_TRUE(needs(NewProject("p1", bv1::PROJECT_TYPE_DEMOLITION, 0, 0)));
  EXPECT_TRUE(needs(NewProject("p2", bv1::PROJECT_TYPE_CONSTRUCTION, 5'000'000'000, 0)));
  EXPECT_FALSE(needs(NewProject("p3", bv1::PROJECT_TYPE_CONSTRUCTION, 4'999'999'999, 49)));
  EXPECT_TRUE(needs(NewProject("p4", bv1::PROJECT_TYPE_CONSTRUCTION, 0, 50)));
  EXPECT_FALSE(needs(NewProject("p5", bv1::PROJECT_TYPE_RENOVATION, 9'000'000'000, 99)));
  EXPECT_TRUE(needs(NewProject("p6", bv1::PROJECT_TYPE_RENOVATION, 0, 100)));
  EXPECT_FALSE(needs(NewProject("p7", bv1::PROJECT_TYPE_OTHER, 9'000'000'000, 900)));

  bv1::Project demolition;
  ASSERT_TRUE(reg(NewProject("p1", bv1::PROJECT_TYPE_DEMOLITION, 0, 0), &demolition).status.ok());
  EXPECT_EQ(demolition.status(), bv1::PROJECT_STATUS_PLANNED);
  auto start = [&](const bv1::Project& p, bv1::Project* out = nullptr,
                   const std::string& token = kOperator1) {
    bv1::StartProjectRequest request;
    request.set_id(p.id());
    request.set_etag(p.etag());
    bv1::StartProjectResponse response;
    Outcome o = Rpc(
        token, [&](grpc::ClientContext* c) { return stub_->StartProject(c, request, &response); });
    if (out != nullptr) *out = response.project();
    return o;
  };
  const std::string before = h_.StoreSnapshot();
  ExpectRefused(start(demolition), grpc::StatusCode::FAILED_PRECONDITION, "");
  ExpectRefused(start(demolition, nullptr, kOperator2), grpc::StatusCode::PERMISSION_DENIED, "");
  EXPECT_EQ(h_.StoreSnapshot(), before);

  bv1::FileRiskAssessmentRequest file;
  file.set_request_id("ra-1");
  file.set_project_id(demolition.id());
  file.mutable_assessment()->set_risk_level(bv1::RISK_LEVEL_HIGH);
  file.mutable_assessment()->set_measures("一户一策，公开听证");
  file.mutable_assessment()->set_assessor("第三方评估机构");
  file.mutable_assessment()->set_assessed_on("2026-03-30");
  auto file_it = [&](const bv1::FileRiskAssessmentRequest& r, const std::string& token) {
    bv1::FileRiskAssessmentResponse response;
    return Rpc(token,
               [&](grpc::ClientContext* c) { return stub_->FileRiskAssessment(c, r, &response); });
  };
  using Row = Refusal<bv1::FileRiskAssessmentRequest>;
  ExpectRefusals<bv1::FileRiskAssessmentRequest>(
      h_, file,
      {
          Row{"no request id", [](auto& r) { r.clear_request_id(); }, "request_id"},
          Row{"no project", [](auto& r) { r.clear_project_id(); }, "project_id"},
          Row{"an unknown project", [](auto& r) { r.set_project_id("PJ-999999"); }, "project_id"},
          Row{"no risk level", [](auto& r) { r.mutable_assessment()->clear_risk_level(); },
              "assessment.risk_level"},
          Row{"a high risk without measures",
              [](auto& r) { r.mutable_assessment()->clear_measures(); }, "assessment.measures"},
          Row{"no assessor", [](auto& r) { r.mutable_assessment()->clear_assessor(); },
              "assessment.assessor"},
          Row{"assessed tomorrow",
              [](auto& r) { r.mutable_assessment()->set_assessed_on("2026-04-02"); },
              "assessment.assessed_on"},
      },
      [&](const bv1::FileRiskAssessmentRequest& r) { return file_it(r, kOperator1); });
  ExpectRefused(file_it(file, kOperator2), grpc::StatusCode::PERMISSION_DENIED, "");
  ASSERT_TRUE(file_it(file, kOperator1).status.ok());
  ASSERT_TRUE(file_it(file, kOperator1).status.ok());  // a retry files nothing more

  bv1::GetProjectRequest get;
  get.set_id(demolition.id());
  bv1::GetProjectResponse got;
  ASSERT_TRUE(Rpc(kViewer, [&](grpc::ClientContext* c) {
                return stub_->GetProject(c, get, &got);
              }).status.ok());
  ASSERT_EQ(got.project().assessments_size(), 1);
  EXPECT_EQ(got.project().assessments(0).risk_level(), bv1::RISK_LEVEL_HIGH);
  EXPECT_EQ(got.project().assessments(0).project_id(), demolition.id());
  bv1::Project started;
  // Filing an assessment leaves the project's etag as it was.
  EXPECT_EQ(got.project().etag(), demolition.etag());
  ASSERT_TRUE(start(got.project(), &started).status.ok());
  EXPECT_EQ(started.status(), bv1::PROJECT_STATUS_STARTED);
  EXPECT_EQ(FromTimestamp(started.start_time()), clock_.Now());
  ExpectRefused(start(demolition), grpc::StatusCode::ABORTED, "");  // an etag from before
  ExpectRefused(start(started), grpc::StatusCode::FAILED_PRECONDITION, "");

  // Listed: those still needing an assessment.
  bv1::ListProjectsRequest unassessed;
  unassessed.set_unassessed_only(true);
  bv1::ListProjectsResponse listed;
  ASSERT_TRUE(Rpc(kAdmin, [&](grpc::ClientContext* c) {
                return stub_->ListProjects(c, unassessed, &listed);
              }).status.ok());
  std::vector<std::string> names;
  for (const bv1::Project& p : listed.projects()) {
    EXPECT_TRUE(p.needs_assessment());
    EXPECT_EQ(p.assessments_size(), 0);
    names.push_back(p.id());
  }
  EXPECT_EQ(names.size(), 3u);  // construction by investment and by households, renovation
  // 应评尽评: one of the four that need one has it.
  EXPECT_EQ(IndicatorOf("assessment_coverage", Month(2026, 4)).actual(), 2500);
  EXPECT_EQ(IndicatorOf("assessment_coverage", Month(2026, 4)).target(), 10000);
  EXPECT_FALSE(IndicatorOf("assessment_coverage", Month(2026, 4), "GS02").has_data());
}

// ---- Indicators ----

TEST_F(BacklogTest, IndicatorsCountTheBacklogAsHandCounted) {
  // April 2026: three cases in GS01 (two cleared in April), one in GS02 (in progress, its
  // milestone overdue and warned at community level).
  bv1::BacklogCase a = Create(NewCase({3}));
  bv1::BacklogCase b = Create(NewCase({3}));
  Create(NewCase({3, 20}));
  bv1::CreateBacklogCaseRequest gs02 = NewCase({3}, "GS02-C01", "GS02");
  Create(gs02, kOperator2);
  clock_.Advance(absl::Hours(24));
  Cleared(a);
  Cleared(b);
  // Day 5: the third case's first and GS02's milestones two days overdue, warned at community
  // level (72 hours there).
  clock_.Advance(absl::Hours(24 * 4));
  Sweep();

  const gv1::Period april = Month(2026, 4);
  gv1::Indicator rate = IndicatorOf("backlog_clearance_rate", april);
  EXPECT_EQ(rate.actual(), 5000);  // 2 of 4
  EXPECT_EQ(rate.target(), 10000);
  EXPECT_EQ(rate.target_source(), gv1::TARGET_SOURCE_PLAN);
  EXPECT_EQ(rate.colour(), gv1::COLOUR_RED);
  EXPECT_EQ(IndicatorOf("backlog_clearance_rate", april, "GS01").actual(), 6667);  // 2 of 3
  EXPECT_EQ(IndicatorOf("backlog_clearance_rate", april, "GS02").actual(), 0);
  gv1::Indicator open = IndicatorOf("open_backlog_cases", april);
  EXPECT_EQ(open.actual(), 2);
  EXPECT_EQ(open.target(), 0);
  EXPECT_EQ(open.colour(), gv1::COLOUR_RED);
  EXPECT_EQ(IndicatorOf("backlog_cleared", april).actual(), 2);
  EXPECT_EQ(IndicatorOf("backlog_cleared", Month(2026, 3)).actual(), 0);
  EXPECT_EQ(IndicatorOf("overdue_milestones", april).actual(), 2);
  EXPECT_EQ(IndicatorOf("overdue_milestones", april, "GS02").actual(), 1);
  EXPECT_EQ(IndicatorOf("warnings_community", april).actual(), 2);
  EXPECT_EQ(IndicatorOf("warnings_street", april).actual(), 0);
  // A day later their time at community level is over: both at the street's.
  clock_.Advance(absl::Hours(24));
  Sweep();
  EXPECT_EQ(IndicatorOf("warnings_community", april).actual(), 0);
  EXPECT_EQ(IndicatorOf("warnings_street", april).actual(), 2);
  EXPECT_EQ(IndicatorOf("warnings_street", april, "GS02").actual(), 1);
  // Before April nothing was listed: no rate.
  EXPECT_FALSE(IndicatorOf("backlog_clearance_rate", Month(2026, 3)).has_data());
  // The year so far counts the same as April.
  EXPECT_EQ(IndicatorOf("backlog_clearance_rate", Year(2026)).actual(), 5000);
}

// ---- Demo data ----

TEST_F(BacklogTest, TheDemoLoadsOnceAndGivesEveryIndicatorAValue) {
  const absl::Status loaded = track().LoadDemoData();
  ASSERT_TRUE(loaded.ok()) << loaded;
  bv1::ListBacklogCasesRequest all;
  all.set_page_size(500);
  bv1::ListBacklogCasesResponse listed;
  ASSERT_TRUE(Rpc(kAdmin, [&](grpc::ClientContext* c) {
                return stub_->ListBacklogCases(c, all, &listed);
              }).status.ok());
  // The 60 cases listed, and those the re-screening took onto the backlog.
  bv1::ListScreeningEntriesRequest accepted_entries;
  accepted_entries.add_statuses(bv1::ENTRY_STATUS_ACCEPTED);
  bv1::ListScreeningEntriesResponse accepted;
  ASSERT_TRUE(Rpc(kAdmin, [&](grpc::ClientContext* c) {
                return stub_->ListScreeningEntries(c, accepted_entries, &accepted);
              }).status.ok());
  const int listed_count = 60 + accepted.entries_size();
  EXPECT_EQ(listed.backlog_cases_size(), listed_count);
  std::map<bv1::BacklogStatus, int> statuses;
  for (const bv1::BacklogCase& c : listed.backlog_cases()) statuses[c.status()]++;
  EXPECT_GT(statuses[bv1::BACKLOG_STATUS_IN_PROGRESS], 0);
  EXPECT_GT(statuses[bv1::BACKLOG_STATUS_CLOSED], 0);
  EXPECT_FALSE(Warnings().empty());
  for (const auto& [id, indicator] : h_.Indicators(kAdmin, Year(2026))) {
    EXPECT_TRUE(indicator.has_data()) << id << " has no value this year";
  }
  // Again: nothing new.
  ASSERT_TRUE(track().LoadDemoData().ok());
  bv1::ListBacklogCasesResponse again;
  ASSERT_TRUE(Rpc(kAdmin, [&](grpc::ClientContext* c) {
                return stub_->ListBacklogCases(c, all, &again);
              }).status.ok());
  EXPECT_EQ(again.backlog_cases_size(), listed_count);
}

}  // namespace
}  // namespace gov::backlog
