// The backlog track's rolling re-screening and its projects under supervision, end to end over
// gRPC on the real track (SQLite, or PostgreSQL as backlog_supervision_test_postgres) with a real
// redis-server and a fake clock: screening rounds and their entries taken onto the backlog or
// dismissed, rounds closed only when every entry is decided; supervised projects with their plan
// and backlog case; supervision notices answered, sent back and accepted, and moved up a level
// at the rules' hours when left unanswered; the indicators against hand counts; the demo.

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
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "services/backlog/model.h"
#include "services/backlog/track.h"
#include "tests/support/track_harness.h"

namespace gov::backlog {
namespace {

namespace gv1 = ::governance::v1;
using gov::testing::Describe;
using gov::testing::ExpectInvalid;
using gov::testing::ExpectRefusals;
using gov::testing::ExpectRefused;
using gov::testing::Local;
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
      {kSystem, "supervision-platform", auth::kSystem, {}},
      {kOperator1, "operator-gs01", auth::kStreetOperator, {"GS01"}},
      {kOperator2, "operator-gs02", auth::kStreetOperator, {"GS02"}},
      {kViewer, "viewer", auth::kViewer, {}},
  };
}

class BacklogSupervisionTest : public ::testing::Test {
 protected:
  BacklogSupervisionTest() : clock_(Local(2026, 4, 1, 9, 0)) {}

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

  std::string Rid() { return absl::StrCat("rid-", ++counter_); }

  // ---- Screening ----

  // A round of GS01 (or of the district with street ""), from today for 30 days.
  bv1::OpenScreeningRoundRequest NewRound(const std::string& street = "GS01") {
    bv1::OpenScreeningRoundRequest request;
    request.set_request_id(Rid());
    bv1::ScreeningRound* r = request.mutable_round();
    r->set_name("2026年4月矛盾纠纷滚动排查");
    r->set_street_id(street);
    r->set_first_day("2026-04-01");
    r->set_last_day("2026-04-30");
    return request;
  }

  Outcome TryOpen(const std::string& token, const bv1::OpenScreeningRoundRequest& request,
                  bv1::ScreeningRound* out = nullptr) {
    bv1::OpenScreeningRoundResponse response;
    Outcome o = Rpc(token, [&](grpc::ClientContext* c) {
      return stub_->OpenScreeningRound(c, request, &response);
    });
    if (out != nullptr) *out = response.round();
    return o;
  }

  bv1::ScreeningRound Open(const bv1::OpenScreeningRoundRequest& request,
                           const std::string& token = kOperator1) {
    bv1::ScreeningRound out;
    const Outcome o = TryOpen(token, request, &out);
    EXPECT_TRUE(o.status.ok()) << Describe(o);
    return out;
  }

  bv1::ScreeningRound GetRound(const std::string& id, const std::string& token = kAdmin) {
    bv1::GetScreeningRoundRequest request;
    request.set_id(id);
    bv1::GetScreeningRoundResponse response;
    const Outcome o = Rpc(token, [&](grpc::ClientContext* c) {
      return stub_->GetScreeningRound(c, request, &response);
    });
    EXPECT_TRUE(o.status.ok()) << Describe(o);
    return response.round();
  }

  Outcome CloseRound(const bv1::ScreeningRound& r, bv1::ScreeningRound* out = nullptr,
                     const std::string& token = kOperator1) {
    bv1::CloseScreeningRoundRequest request;
    request.set_id(r.id());
    request.set_etag(r.etag());
    bv1::CloseScreeningRoundResponse response;
    Outcome o = Rpc(token, [&](grpc::ClientContext* c) {
      return stub_->CloseScreeningRound(c, request, &response);
    });
    if (out != nullptr) *out = response.round();
    return o;
  }

  bv1::ReportScreeningEntryRequest NewEntry(const std::string& round,
                                            const std::string& community = "GS01-C01") {
    bv1::ReportScreeningEntryRequest request;
    request.set_request_id(Rid());
    bv1::ScreeningEntry* e = request.mutable_entry();
    e->set_round_id(round);
    *e->mutable_region() = Region(community.substr(0, 4), community);
    e->set_title("小区加装电梯意见分歧");
    e->set_summary("低层住户李某反对加装（测试）");
    e->set_reporter("网格员赵某");
    return request;
  }

  Outcome TryReport(const std::string& token, const bv1::ReportScreeningEntryRequest& request,
                    bv1::ScreeningEntry* out = nullptr) {
    bv1::ReportScreeningEntryResponse response;
    Outcome o = Rpc(token, [&](grpc::ClientContext* c) {
      return stub_->ReportScreeningEntry(c, request, &response);
    });
    if (out != nullptr) *out = response.entry();
    return o;
  }

  bv1::ScreeningEntry Report(const bv1::ReportScreeningEntryRequest& request,
                             const std::string& token = kOperator1) {
    bv1::ScreeningEntry out;
    const Outcome o = TryReport(token, request, &out);
    EXPECT_TRUE(o.status.ok()) << Describe(o);
    return out;
  }

  // The plan an entry is accepted with: two milestones, 10 and 40 days from now.
  bv1::AcceptScreeningEntryRequest Acceptance(const bv1::ScreeningEntry& e) {
    bv1::AcceptScreeningEntryRequest request;
    request.set_id(e.id());
    request.set_etag(e.etag());
    request.set_responsible_leader("王某（街道副书记）");
    request.add_task_force("街道综治中心");
    request.add_task_force("社区居委会");
    for (int days : {10, 40}) {
      bv1::Milestone* m = request.add_milestones();
      m->set_title(absl::StrCat("节点", days));
      *m->mutable_due_time() = ToTimestamp(clock_.Now() + absl::Hours(24 * days));
    }
    return request;
  }

  Outcome Accept(const bv1::AcceptScreeningEntryRequest& request,
                 bv1::AcceptScreeningEntryResponse* out = nullptr,
                 const std::string& token = kOperator1) {
    bv1::AcceptScreeningEntryResponse response;
    Outcome o = Rpc(token, [&](grpc::ClientContext* c) {
      return stub_->AcceptScreeningEntry(c, request, &response);
    });
    if (out != nullptr) *out = response;
    return o;
  }

  Outcome Dismiss(const bv1::ScreeningEntry& e, const std::string& reason,
                  bv1::ScreeningEntry* out = nullptr) {
    bv1::DismissScreeningEntryRequest request;
    request.set_id(e.id());
    request.set_etag(e.etag());
    request.set_reason(reason);
    bv1::DismissScreeningEntryResponse response;
    Outcome o = Rpc(kOperator1, [&](grpc::ClientContext* c) {
      return stub_->DismissScreeningEntry(c, request, &response);
    });
    if (out != nullptr) *out = response.entry();
    return o;
  }

  std::vector<bv1::ScreeningEntry> Entries(const bv1::ListScreeningEntriesRequest& request,
                                           const std::string& token = kAdmin) {
    bv1::ListScreeningEntriesResponse response;
    const Outcome o = Rpc(token, [&](grpc::ClientContext* c) {
      return stub_->ListScreeningEntries(c, request, &response);
    });
    EXPECT_TRUE(o.status.ok()) << Describe(o);
    return {response.entries().begin(), response.entries().end()};
  }

  // ---- Supervision ----

  // A supervised project of GS01-C01 with milestones due `days` days from now.
  bv1::RegisterProjectRequest NewProject(std::vector<int> days = {20, 50},
                                         const std::string& supervisor = "区委政法委督查室") {
    bv1::RegisterProjectRequest request;
    request.set_request_id(Rid());
    bv1::Project* p = request.mutable_project();
    p->set_name("老旧小区综合改造");
    p->set_type(bv1::PROJECT_TYPE_OTHER);
    *p->mutable_region() = Region("GS01", "GS01-C01");
    p->set_owner_unit("区住建局");
    p->set_supervisor(supervisor);
    for (int d : days) {
      bv1::Milestone* m = p->add_milestones();
      m->set_title(absl::StrCat("节点", d));
      *m->mutable_due_time() = ToTimestamp(clock_.Now() + absl::Hours(24 * d));
    }
    return request;
  }

  Outcome TryRegister(const bv1::RegisterProjectRequest& request, bv1::Project* out = nullptr,
                      const std::string& token = kOperator1) {
    bv1::RegisterProjectResponse response;
    Outcome o = Rpc(token, [&](grpc::ClientContext* c) {
      return stub_->RegisterProject(c, request, &response);
    });
    if (out != nullptr) *out = response.project();
    return o;
  }

  bv1::Project Register(const bv1::RegisterProjectRequest& request) {
    bv1::Project out;
    const Outcome o = TryRegister(request, &out);
    EXPECT_TRUE(o.status.ok()) << Describe(o);
    return out;
  }

  bv1::IssueSupervisionNoticeRequest NewNotice(const std::string& project, absl::Duration due) {
    bv1::IssueSupervisionNoticeRequest request;
    request.set_request_id(Rid());
    bv1::SupervisionNotice* n = request.mutable_notice();
    n->set_project_id(project);
    n->set_demand("报送项目推进及群众诉求化解情况");
    n->set_issued_by("区委政法委督查室");
    *n->mutable_deadline() = ToTimestamp(clock_.Now() + due);
    return request;
  }

  Outcome TryIssue(const bv1::IssueSupervisionNoticeRequest& request,
                   bv1::SupervisionNotice* out = nullptr, const std::string& token = kAdmin) {
    bv1::IssueSupervisionNoticeResponse response;
    Outcome o = Rpc(token, [&](grpc::ClientContext* c) {
      return stub_->IssueSupervisionNotice(c, request, &response);
    });
    if (out != nullptr) *out = response.notice();
    return o;
  }

  bv1::SupervisionNotice GetNotice(const std::string& id, const std::string& token = kAdmin) {
    bv1::GetSupervisionNoticeRequest request;
    request.set_id(id);
    bv1::GetSupervisionNoticeResponse response;
    const Outcome o = Rpc(token, [&](grpc::ClientContext* c) {
      return stub_->GetSupervisionNotice(c, request, &response);
    });
    EXPECT_TRUE(o.status.ok()) << Describe(o);
    return response.notice();
  }

  Outcome Answer(const bv1::SupervisionNotice& n, bv1::SupervisionNotice* out = nullptr,
                 const std::string& token = kOperator1) {
    bv1::AnswerSupervisionNoticeRequest request;
    request.set_id(n.id());
    request.set_etag(n.etag());
    request.set_answer("已召开推进会，逐户对接诉求");
    bv1::AnswerSupervisionNoticeResponse response;
    Outcome o = Rpc(token, [&](grpc::ClientContext* c) {
      return stub_->AnswerSupervisionNotice(c, request, &response);
    });
    if (out != nullptr) *out = response.notice();
    return o;
  }

  Outcome Review(const bv1::ReviewSupervisionAnswerRequest& request,
                 bv1::SupervisionNotice* out = nullptr, const std::string& token = kAdmin) {
    bv1::ReviewSupervisionAnswerResponse response;
    Outcome o = Rpc(token, [&](grpc::ClientContext* c) {
      return stub_->ReviewSupervisionAnswer(c, request, &response);
    });
    if (out != nullptr) *out = response.notice();
    return o;
  }

  int SweepNotices() {
    const absl::StatusOr<int> swept = track().supervision().Sweep();
    EXPECT_TRUE(swept.ok()) << swept.status();
    return swept.ok() ? *swept : -1;
  }

  int64_t IndicatorValue(const std::string& id, const std::string& street = "") {
    const auto all = h_.Indicators(kAdmin, Year(2026), Region(street));
    auto it = all.find(id);
    EXPECT_NE(it, all.end()) << id;
    return it == all.end() ? -1 : it->second.actual();
  }

  FakeClock clock_;
  gov::testing::TrackHarness h_{kTrack, &clock_, Tokens()};
  std::unique_ptr<bv1::BacklogService::Stub> stub_;
  int counter_ = 0;
};

// ---- Rolling re-screening ----

TEST_F(BacklogSupervisionTest, ARoundIsOpenedForAStreetOrTheDistrictAndRefusedWhenWrong) {
  const bv1::OpenScreeningRoundRequest request = NewRound();
  const bv1::ScreeningRound r = Open(request);
  EXPECT_EQ(r.id(), "SR-000001");
  EXPECT_EQ(r.street_id(), "GS01");
  EXPECT_EQ(r.status(), bv1::SCREENING_ROUND_STATUS_OPEN);
  EXPECT_EQ(r.entries(), 0);
  EXPECT_EQ(Open(request).id(), r.id());  // a retry

  // A district round is the district's: a street operator may not open one, but reads it.
  ExpectRefused(TryOpen(kOperator1, NewRound("")), grpc::StatusCode::PERMISSION_DENIED, "");
  const bv1::ScreeningRound district = Open(NewRound(""), kAdmin);
  EXPECT_EQ(GetRound(district.id(), kOperator2).name(), district.name());
  ExpectRefused(TryOpen(kOperator2, NewRound("GS01")), grpc::StatusCode::PERMISSION_DENIED, "");

  using Row = Refusal<bv1::OpenScreeningRoundRequest>;
  ExpectRefusals<bv1::OpenScreeningRoundRequest>(
      h_, NewRound(),
      {
          Row{"no request id", [](auto& q) { q.clear_request_id(); }, "request_id"},
          Row{"no name", [](auto& q) { q.mutable_round()->clear_name(); }, "round.name"},
          Row{"an unknown street", [](auto& q) { q.mutable_round()->set_street_id("GS99"); },
              "round.street_id"},
          Row{"no first day", [](auto& q) { q.mutable_round()->clear_first_day(); },
              "round.first_day"},
          Row{"a day that is none", [](auto& q) { q.mutable_round()->set_last_day("2026-04-31"); },
              "round.last_day"},
          Row{"ends before it starts",
              [](auto& q) { q.mutable_round()->set_last_day("2026-03-31"); }, "round.last_day"},
          Row{"over already",
              [](auto& q) {
                q.mutable_round()->set_first_day("2026-03-01");
                q.mutable_round()->set_last_day("2026-03-31");
              },
              "round.last_day"},
      },
      [&](const bv1::OpenScreeningRoundRequest& q) { return TryOpen(kOperator1, q); });
}

TEST_F(BacklogSupervisionTest, EntriesBecomeBacklogCasesOrAreDismissedAndTheRoundClosesAfter) {
  const bv1::ScreeningRound r = Open(NewRound());
  const bv1::ReportScreeningEntryRequest first_request = NewEntry(r.id());
  const bv1::ScreeningEntry first = Report(first_request);
  EXPECT_EQ(first.id(), "SE-000001");
  EXPECT_EQ(first.status(), bv1::ENTRY_STATUS_REPORTED);
  EXPECT_EQ(Report(first_request).id(), first.id());  // a retry
  const bv1::ScreeningEntry second = Report(NewEntry(r.id(), "GS01-C02"));
  const bv1::ScreeningEntry third = Report(NewEntry(r.id()), kSystem);

  // Refused reports, nothing stored.
  const bv1::ScreeningRound other_street = Open(NewRound("GS02"), kOperator2);
  using Row = Refusal<bv1::ReportScreeningEntryRequest>;
  ExpectRefusals<bv1::ReportScreeningEntryRequest>(
      h_, NewEntry(r.id()),
      {
          Row{"no round", [](auto& q) { q.mutable_entry()->clear_round_id(); }, "entry.round_id"},
          Row{"an unknown round", [](auto& q) { q.mutable_entry()->set_round_id("SR-000099"); },
              "entry.round_id"},
          Row{"a round of another street",
              [&](auto& q) { q.mutable_entry()->set_round_id(other_street.id()); },
              "entry.region.street_id"},
          Row{"no community",
              [](auto& q) { q.mutable_entry()->mutable_region()->clear_community_id(); },
              "entry.region.community_id"},
          Row{"no title", [](auto& q) { q.mutable_entry()->clear_title(); }, "entry.title"},
          Row{"no summary", [](auto& q) { q.mutable_entry()->clear_summary(); }, "entry.summary"},
          Row{"no reporter", [](auto& q) { q.mutable_entry()->clear_reporter(); },
              "entry.reporter"},
      },
      [&](const bv1::ReportScreeningEntryRequest& q) { return TryReport(kOperator1, q); });
  ExpectRefused(TryReport(kOperator2, NewEntry(r.id())), grpc::StatusCode::PERMISSION_DENIED, "");
  ExpectRefused(TryReport(kViewer, NewEntry(r.id())), grpc::StatusCode::PERMISSION_DENIED, "");

  // Accepted: a backlog case from the entry with the plan given, the entry pointing to it.
  const std::string before = h_.StoreSnapshot();
  bv1::AcceptScreeningEntryRequest bad = Acceptance(first);
  *bad.mutable_milestones(1)->mutable_due_time() = ToTimestamp(clock_.Now() - absl::Hours(1));
  ExpectInvalid(Accept(bad), "milestones[1].due_time");
  bad = Acceptance(first);
  bad.clear_task_force();
  ExpectInvalid(Accept(bad), "task_force");
  bad = Acceptance(first);
  bad.set_etag("v9");
  ExpectRefused(Accept(bad), grpc::StatusCode::ABORTED, "");
  EXPECT_EQ(h_.StoreSnapshot(), before) << "a refused acceptance wrote";

  bv1::AcceptScreeningEntryResponse accepted;
  Outcome o = Accept(Acceptance(first), &accepted);
  ASSERT_TRUE(o.status.ok()) << Describe(o);
  EXPECT_EQ(accepted.entry().status(), bv1::ENTRY_STATUS_ACCEPTED);
  const bv1::BacklogCase& c = accepted.backlog_case();
  EXPECT_EQ(accepted.entry().case_id(), c.id());
  EXPECT_EQ(c.origin().kind(), bv1::ORIGIN_KIND_SCREENING);
  EXPECT_EQ(c.origin().reference(), first.id());
  EXPECT_EQ(c.region().community_id(), "GS01-C01");
  EXPECT_EQ(c.title(), first.title());
  EXPECT_EQ(c.summary(), "低层住户李某反对加装（测试）");
  EXPECT_EQ(c.status(), bv1::BACKLOG_STATUS_IN_PROGRESS);
  ASSERT_EQ(c.milestones_size(), 2);
  EXPECT_EQ(c.milestones(1).number(), 2);
  // Decided once: accepting again or dismissing it is refused.
  bv1::AcceptScreeningEntryRequest again = Acceptance(accepted.entry());
  ExpectRefused(Accept(again), grpc::StatusCode::FAILED_PRECONDITION, "");
  ExpectRefused(Dismiss(accepted.entry(), "重复"), grpc::StatusCode::FAILED_PRECONDITION, "");

  // Dismissed with the reason; another street's operator may not decide.
  ExpectInvalid(Dismiss(second, ""), "reason");
  ExpectRefused(Accept(Acceptance(second), nullptr, kOperator2),
                grpc::StatusCode::PERMISSION_DENIED, "");
  bv1::ScreeningEntry dismissed;
  ASSERT_TRUE(Dismiss(second, "已由职能部门办结", &dismissed).status.ok());
  EXPECT_EQ(dismissed.status(), bv1::ENTRY_STATUS_DISMISSED);
  EXPECT_EQ(dismissed.dismissal_reason(), "已由职能部门办结");

  // Counted on the round; not closed while one is undecided.
  bv1::ScreeningRound counted = GetRound(r.id());
  EXPECT_EQ(counted.entries(), 3);
  EXPECT_EQ(counted.accepted(), 1);
  EXPECT_EQ(counted.dismissed(), 1);
  EXPECT_EQ(counted.undecided(), 1);
  EXPECT_EQ(IndicatorValue("screening_entries_undecided"), 1);
  ExpectRefused(CloseRound(counted), grpc::StatusCode::FAILED_PRECONDITION, "");
  bv1::ListScreeningEntriesRequest undecided;
  undecided.set_round_id(r.id());
  undecided.add_statuses(bv1::ENTRY_STATUS_REPORTED);
  const std::vector<bv1::ScreeningEntry> waiting = Entries(undecided);
  ASSERT_EQ(waiting.size(), 1u);
  EXPECT_EQ(waiting[0].id(), third.id());
  ASSERT_TRUE(Dismiss(waiting[0], "不属于积案范围").status.ok());
  EXPECT_EQ(IndicatorValue("screening_entries_undecided"), 0);

  // Closed: by its street, once; reports refused after.
  counted = GetRound(r.id());
  ExpectRefused(CloseRound(counted, nullptr, kOperator2), grpc::StatusCode::PERMISSION_DENIED, "");
  bv1::ScreeningRound closed;
  ASSERT_TRUE(CloseRound(counted, &closed).status.ok());
  EXPECT_EQ(closed.status(), bv1::SCREENING_ROUND_STATUS_CLOSED);
  EXPECT_EQ(closed.entries(), 3);
  ExpectRefused(CloseRound(closed), grpc::StatusCode::FAILED_PRECONDITION, "");
  ExpectRefused(TryReport(kOperator1, NewEntry(r.id())), grpc::StatusCode::FAILED_PRECONDITION, "");

  // A round takes reports only between its days.
  bv1::OpenScreeningRoundRequest later = NewRound();
  later.mutable_round()->set_first_day("2026-04-10");
  const bv1::ScreeningRound not_yet = Open(later);
  ExpectRefused(TryReport(kOperator1, NewEntry(not_yet.id())),
                grpc::StatusCode::FAILED_PRECONDITION, "");
  clock_.Set(Local(2026, 4, 10, 8, 0));
  EXPECT_EQ(Report(NewEntry(not_yet.id())).status(), bv1::ENTRY_STATUS_REPORTED);
  clock_.Set(Local(2026, 5, 1, 0, 0));
  ExpectRefused(TryReport(kOperator1, NewEntry(not_yet.id())),
                grpc::StatusCode::FAILED_PRECONDITION, "");
}

// ---- Projects under supervision ----

TEST_F(BacklogSupervisionTest, ASupervisedProjectRunsABacklogCaseWithItsPlan) {
  // The case it runs: one of its street.
  bv1::CreateBacklogCaseRequest create;
  create.set_request_id(Rid());
  bv1::BacklogCase* bc = create.mutable_backlog_case();
  bc->mutable_origin()->set_kind(bv1::ORIGIN_KIND_COMPLAINT);
  *bc->mutable_region() = Region("GS01");
  bc->set_title("老旧小区改造积案");
  bc->set_summary("改造方案长期未落地（测试）");
  bc->set_responsible_leader("王某");
  bc->add_task_force("区住建局");
  bv1::Milestone* m = bc->add_milestones();
  m->set_title("方案");
  *m->mutable_due_time() = ToTimestamp(clock_.Now() + absl::Hours(240));
  bv1::CreateBacklogCaseResponse created;
  ASSERT_TRUE(Rpc(kOperator1, [&](grpc::ClientContext* c) {
                return stub_->CreateBacklogCase(c, create, &created);
              }).status.ok());
  create.set_request_id(Rid());
  *create.mutable_backlog_case()->mutable_region() = Region("GS02");
  bv1::CreateBacklogCaseResponse elsewhere;
  ASSERT_TRUE(Rpc(kOperator2, [&](grpc::ClientContext* c) {
                return stub_->CreateBacklogCase(c, create, &elsewhere);
              }).status.ok());

  bv1::RegisterProjectRequest request = NewProject({20, 50});
  request.mutable_project()->set_case_id(created.backlog_case().id());
  using Row = Refusal<bv1::RegisterProjectRequest>;
  ExpectRefusals<bv1::RegisterProjectRequest>(
      h_, request,
      {
          Row{"an unknown case", [](auto& q) { q.mutable_project()->set_case_id("K-000099"); },
              "project.case_id"},
          Row{"a case of another street",
              [&](auto& q) { q.mutable_project()->set_case_id(elsewhere.backlog_case().id()); },
              "project.case_id"},
          Row{"a milestone due already",
              [&](auto& q) {
                *q.mutable_project()->mutable_milestones(0)->mutable_due_time() =
                    ToTimestamp(clock_.Now() - absl::Hours(1));
              },
              "project.milestones[0].due_time"},
          Row{"a milestone without title",
              [](auto& q) { q.mutable_project()->mutable_milestones(1)->clear_title(); },
              "project.milestones[1].title"},
          Row{"a supervisor's name too long",
              [](auto& q) { q.mutable_project()->set_supervisor(std::string(101, 'x')); },
              "project.supervisor"},
      },
      [&](const bv1::RegisterProjectRequest& q) { return TryRegister(q); });

  bv1::Project p = Register(request);
  EXPECT_EQ(p.case_id(), created.backlog_case().id());
  EXPECT_EQ(p.supervisor(), "区委政法委督查室");
  ASSERT_EQ(p.milestones_size(), 2);
  EXPECT_EQ(p.milestones(0).number(), 1);
  EXPECT_EQ(p.milestones(0).status(), bv1::MILESTONE_STATUS_OPEN);
  EXPECT_EQ(p.overdue_milestones(), 0);

  // Milestones done once, overdue when late.
  auto complete = [&](const bv1::Project& of, int number, bv1::Project* out) {
    bv1::CompleteProjectMilestoneRequest q;
    q.set_id(of.id());
    q.set_etag(of.etag());
    q.set_number(number);
    q.set_note("完成");
    bv1::CompleteProjectMilestoneResponse response;
    Outcome o = Rpc(kOperator1, [&](grpc::ClientContext* c) {
      return stub_->CompleteProjectMilestone(c, q, &response);
    });
    if (out != nullptr) *out = response.project();
    return o;
  };
  clock_.Advance(absl::Hours(24 * 10));
  ASSERT_TRUE(complete(p, 1, &p).status.ok());
  EXPECT_EQ(p.milestones(0).status(), bv1::MILESTONE_STATUS_DONE);
  EXPECT_FALSE(p.milestones(0).overdue());
  ExpectRefused(complete(p, 1, nullptr), grpc::StatusCode::FAILED_PRECONDITION, "");
  ExpectInvalid(complete(p, 3, nullptr), "number");
  bv1::Project stale = p;
  stale.set_etag("v1");
  ExpectRefused(complete(stale, 2, nullptr), grpc::StatusCode::ABORTED, "");
  clock_.Advance(absl::Hours(24 * 41));  // day 51: the second is a day overdue
  bv1::GetProjectRequest get;
  get.set_id(p.id());
  bv1::GetProjectResponse got;
  ASSERT_TRUE(Rpc(kViewer, [&](grpc::ClientContext* c) {
                return stub_->GetProject(c, get, &got);
              }).status.ok());
  EXPECT_EQ(got.project().overdue_milestones(), 1);
  EXPECT_TRUE(got.project().milestones(1).overdue());
  ASSERT_TRUE(complete(p, 2, &p).status.ok());
  EXPECT_EQ(p.overdue_milestones(), 0);
  EXPECT_TRUE(p.milestones(1).overdue());  // done late
}

TEST_F(BacklogSupervisionTest, AnUnansweredNoticeMovesUpALevelAtEachMissedDeadline) {
  const bv1::Project p = Register(NewProject());
  const bv1::Project unsupervised = Register(NewProject({}, ""));

  using Row = Refusal<bv1::IssueSupervisionNoticeRequest>;
  const absl::Duration kTenDays = absl::Hours(24 * 10);
  ExpectRefusals<bv1::IssueSupervisionNoticeRequest>(
      h_, NewNotice(p.id(), kTenDays),
      {
          Row{"no request id", [](auto& q) { q.clear_request_id(); }, "request_id"},
          Row{"no project", [](auto& q) { q.mutable_notice()->clear_project_id(); },
              "notice.project_id"},
          Row{"an unknown project",
              [](auto& q) { q.mutable_notice()->set_project_id("PJ-000099"); },
              "notice.project_id"},
          Row{"a project under no supervision",
              [&](auto& q) { q.mutable_notice()->set_project_id(unsupervised.id()); }, "",
              grpc::StatusCode::FAILED_PRECONDITION},
          Row{"no demand", [](auto& q) { q.mutable_notice()->clear_demand(); }, "notice.demand"},
          Row{"no issuer", [](auto& q) { q.mutable_notice()->clear_issued_by(); },
              "notice.issued_by"},
          Row{"a deadline gone by",
              [&](auto& q) { *q.mutable_notice()->mutable_deadline() = ToTimestamp(clock_.Now()); },
              "notice.deadline"},
          Row{"no deadline", [](auto& q) { q.mutable_notice()->clear_deadline(); },
              "notice.deadline"},
      },
      [&](const bv1::IssueSupervisionNoticeRequest& q) { return TryIssue(q); });
  // The district issues (or its systems), not a street.
  ExpectRefused(TryIssue(NewNotice(p.id(), kTenDays), nullptr, kOperator1),
                grpc::StatusCode::PERMISSION_DENIED, "");

  const bv1::IssueSupervisionNoticeRequest request = NewNotice(p.id(), kTenDays);
  bv1::SupervisionNotice n;
  ASSERT_TRUE(TryIssue(request, &n, kSystem).status.ok());
  EXPECT_EQ(n.id(), "SN-000001");
  EXPECT_EQ(n.level(), bv1::SUPERVISION_LEVEL_GENERAL);
  EXPECT_EQ(n.status(), bv1::NOTICE_STATUS_ISSUED);
  EXPECT_EQ(n.region().community_id(), "GS01-C01");
  EXPECT_FALSE(n.overdue());
  bv1::SupervisionNotice retried;
  ASSERT_TRUE(TryIssue(request, &retried, kSystem).status.ok());
  EXPECT_EQ(retried.id(), n.id());

  // The rules: 72 hours more at each move up.
  const absl::Time deadline = FromTimestamp(n.deadline());
  clock_.Set(deadline);
  EXPECT_EQ(SweepNotices(), 0);
  clock_.Set(deadline + absl::Seconds(1));
  EXPECT_TRUE(GetNotice(n.id()).overdue());
  EXPECT_EQ(SweepNotices(), 1);
  n = GetNotice(n.id(), kOperator1);
  EXPECT_EQ(n.level(), bv1::SUPERVISION_LEVEL_KEY);
  EXPECT_EQ(FromTimestamp(n.deadline()), deadline + absl::Hours(72));
  EXPECT_FALSE(n.overdue());
  EXPECT_EQ(SweepNotices(), 0);
  clock_.Set(deadline + absl::Hours(72) + absl::Seconds(1));
  EXPECT_EQ(SweepNotices(), 1);
  n = GetNotice(n.id());
  EXPECT_EQ(n.level(), bv1::SUPERVISION_LEVEL_LISTED);
  EXPECT_EQ(FromTimestamp(n.deadline()), deadline + absl::Hours(144));
  EXPECT_EQ(IndicatorValue("listed_supervision_notices"), 1);
  clock_.Set(deadline + absl::Hours(24 * 30));
  EXPECT_EQ(SweepNotices(), 0);  // listed is the top
  n = GetNotice(n.id());
  EXPECT_TRUE(n.overdue());
  std::vector<std::string> actions;
  for (const gv1::CaseEvent& e : n.history()) actions.push_back(e.action());
  EXPECT_THAT(actions, ElementsAre("Create", kEscalate, kEscalate));

  // Several deadlines missed before a sweep: up as far as they give, in one step.
  const bv1::SupervisionNotice late = [&] {
    bv1::SupervisionNotice out;
    EXPECT_TRUE(TryIssue(NewNotice(p.id(), absl::Hours(24)), &out).status.ok());
    return out;
  }();
  clock_.Advance(absl::Hours(24 + 72 + 1));
  EXPECT_EQ(SweepNotices(), 1);
  EXPECT_EQ(GetNotice(late.id()).level(), bv1::SUPERVISION_LEVEL_LISTED);

  // Answered: no longer overdue, no longer moved; sent back with a new deadline; accepted.
  ExpectRefused(Answer(n, nullptr, kOperator2), grpc::StatusCode::PERMISSION_DENIED, "");
  ASSERT_TRUE(Answer(n, &n).status.ok());
  EXPECT_EQ(n.status(), bv1::NOTICE_STATUS_ANSWERED);
  EXPECT_FALSE(n.overdue());
  EXPECT_EQ(n.answer(), "已召开推进会，逐户对接诉求");
  bv1::ReviewSupervisionAnswerRequest review;
  review.set_id(n.id());
  review.set_etag(n.etag());
  review.set_accepted(false);
  review.set_note("措施不具体");
  ExpectInvalid(Review(review), "deadline");
  *review.mutable_deadline() = ToTimestamp(clock_.Now() - absl::Hours(1));
  ExpectInvalid(Review(review), "deadline");
  *review.mutable_deadline() = ToTimestamp(clock_.Now() + absl::Hours(48));
  ExpectRefused(Review(review, nullptr, kOperator1), grpc::StatusCode::PERMISSION_DENIED, "");
  ASSERT_TRUE(Review(review, &n).status.ok());
  EXPECT_EQ(n.status(), bv1::NOTICE_STATUS_ISSUED);
  EXPECT_EQ(n.level(), bv1::SUPERVISION_LEVEL_LISTED);
  EXPECT_EQ(FromTimestamp(n.deadline()), clock_.Now() + absl::Hours(48));
  ASSERT_TRUE(Answer(n, &n).status.ok());
  review.set_etag(n.etag());
  review.set_accepted(true);
  ExpectInvalid(Review(review), "deadline");  // a deadline only when sent back
  review.clear_deadline();
  ASSERT_TRUE(Review(review, &n).status.ok());
  EXPECT_EQ(n.status(), bv1::NOTICE_STATUS_CLOSED);
  ExpectRefused(Answer(n), grpc::StatusCode::FAILED_PRECONDITION, "");

  // Listed by project and level; within the caller's streets.
  bv1::ListSupervisionNoticesRequest listed;
  listed.set_project_id(p.id());
  listed.set_level(bv1::SUPERVISION_LEVEL_LISTED);
  listed.add_statuses(bv1::NOTICE_STATUS_ISSUED);
  bv1::ListSupervisionNoticesResponse page;
  ASSERT_TRUE(Rpc(kOperator1, [&](grpc::ClientContext* c) {
                return stub_->ListSupervisionNotices(c, listed, &page);
              }).status.ok());
  ASSERT_EQ(page.notices_size(), 1);
  EXPECT_EQ(page.notices(0).id(), late.id());
  ASSERT_TRUE(Rpc(kOperator2, [&](grpc::ClientContext* c) {
                return stub_->ListSupervisionNotices(c, listed, &page);
              }).status.ok());
  EXPECT_EQ(page.notices_size(), 0);
  EXPECT_EQ(IndicatorValue("listed_supervision_notices"), 1);
  EXPECT_EQ(IndicatorValue("listed_supervision_notices", "GS02"), 0);
}

// ---- Demo data ----

TEST_F(BacklogSupervisionTest, TheDemoHasRoundsEntriesSupervisedProjectsAndNotices) {
  const absl::Status loaded = track().LoadDemoData();
  ASSERT_TRUE(loaded.ok()) << loaded;
  bv1::ListScreeningRoundsRequest rounds_request;
  bv1::ListScreeningRoundsResponse rounds;
  ASSERT_TRUE(Rpc(kAdmin, [&](grpc::ClientContext* c) {
                return stub_->ListScreeningRounds(c, rounds_request, &rounds);
              }).status.ok());
  ASSERT_EQ(rounds.rounds_size(), 2);
  EXPECT_EQ(rounds.rounds(0).status(), bv1::SCREENING_ROUND_STATUS_CLOSED);
  EXPECT_EQ(rounds.rounds(0).undecided(), 0);
  EXPECT_GT(rounds.rounds(0).accepted(), 0);
  EXPECT_GT(rounds.rounds(0).dismissed(), 0);
  EXPECT_EQ(rounds.rounds(1).status(), bv1::SCREENING_ROUND_STATUS_OPEN);
  EXPECT_GT(rounds.rounds(1).undecided(), 0);

  // Every accepted entry's case is on the backlog, from the screening.
  bv1::ListScreeningEntriesRequest accepted_request;
  accepted_request.add_statuses(bv1::ENTRY_STATUS_ACCEPTED);
  const std::vector<bv1::ScreeningEntry> accepted = Entries(accepted_request);
  ASSERT_FALSE(accepted.empty());
  for (const bv1::ScreeningEntry& e : accepted) {
    bv1::GetBacklogCaseRequest get;
    get.set_id(e.case_id());
    bv1::GetBacklogCaseResponse got;
    ASSERT_TRUE(
        Rpc(kAdmin, [&](grpc::ClientContext* c) { return stub_->GetBacklogCase(c, get, &got); })
            .status.ok())
        << e.id();
    EXPECT_EQ(got.backlog_case().origin().kind(), bv1::ORIGIN_KIND_SCREENING);
    EXPECT_EQ(got.backlog_case().origin().reference(), e.id());
  }

  bv1::ListSupervisionNoticesRequest notices_request;
  notices_request.set_page_size(500);
  bv1::ListSupervisionNoticesResponse notices;
  ASSERT_TRUE(Rpc(kAdmin, [&](grpc::ClientContext* c) {
                return stub_->ListSupervisionNotices(c, notices_request, &notices);
              }).status.ok());
  std::map<bv1::NoticeStatus, int> statuses;
  std::map<bv1::SupervisionLevel, int> levels;
  for (const bv1::SupervisionNotice& n : notices.notices()) {
    statuses[n.status()]++;
    levels[n.level()]++;
  }
  EXPECT_GT(statuses[bv1::NOTICE_STATUS_CLOSED], 0);
  EXPECT_GT(statuses[bv1::NOTICE_STATUS_ISSUED], 0);
  EXPECT_GT(levels[bv1::SUPERVISION_LEVEL_LISTED], 0);  // unanswered for months
}

}  // namespace
}  // namespace gov::backlog
