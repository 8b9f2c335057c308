// Social emergency linkage (社会应急联动) end to end: the real policing track behind the real
// server over gRPC on loopback, on a SQLite file and a real redis-server, with a fake clock
// starting at Monday 15 June 2026 10:00 in the district's time zone. Non-police incidents are
// dispatched to the units of data/policing.json; a task's one clock (sign-off, handling and
// feedback all within 24 hours of the dispatch, the end included) runs on the fake clock and the
// breach scan is run by hand.

#include <algorithm>
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
#include "governance/policing/v1/policing.grpc.pb.h"
#include "governance/v1/indicators.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "services/policing/demo_data.h"
#include "services/policing/incidents.h"
#include "services/policing/track.h"
#include "tests/support/metrics.h"
#include "tests/support/test_support.h"
#include "tests/support/track_harness.h"

namespace gov::policing {
namespace {

namespace gv1 = ::governance::v1;
namespace pv1 = ::governance::policing::v1;
using gov::testing::Describe;
using gov::testing::ExpectPagesLikeEveryList;
using gov::testing::Local;
using gov::testing::Outcome;
using gov::testing::PageCall;
using pv1::PolicingService;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kAdmin[] = "tok-admin";
constexpr char kPolice[] = "tok-police";
constexpr char kOperator3[] = "tok-operator-gs03";
constexpr char kOperator1[] = "tok-operator-gs01";
constexpr char kMediator3[] = "tok-mediator-gs03";
constexpr char kViewer[] = "tok-viewer";

constexpr char kSignRate[] = "linkage_sign_within_24h";
constexpr char kHandlingRate[] = "linkage_handling_within_24h";
constexpr char kFeedbackRate[] = "linkage_feedback_within_24h";

pv1::Incident NewIncident(const std::string& number, pv1::IncidentType type, absl::Time when,
                          const std::string& street, const std::string& community = "") {
  pv1::Incident i;
  i.set_incident_number(number);
  i.set_type(type);
  *i.mutable_occur_time() = ToTimestamp(when);
  i.mutable_region()->set_street_id(street);
  i.mutable_region()->set_community_id(community);
  i.set_summary("报警人称家中老人走失（测试）");
  i.set_address("和睦路 1 号");
  return i;
}

std::string Repeat(const std::string& unit, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += unit;
  return out;
}

std::vector<std::string> Actions(const pv1::LinkageTask& task) {
  std::vector<std::string> out;
  for (const gv1::CaseEvent& e : task.history()) out.push_back(e.action());
  return out;
}

std::vector<std::string> Ids(const std::vector<pv1::LinkageTask>& tasks) {
  std::vector<std::string> out;
  for (const pv1::LinkageTask& t : tasks) out.push_back(t.id());
  return out;
}

class LinkageTest : public ::testing::Test {
 protected:
  LinkageTest() : clock_(Local(2026, 6, 15, 10, 0)) {}

  void SetUp() override {
    ASSERT_TRUE(h_.Start(track::Factory<PolicingTrack>("policing")).ok());
    stub_ = PolicingService::NewStub(h_.channel());
  }

  static std::vector<gov::testing::TestToken> Tokens() {
    return {
        {kAdmin, "admin", auth::kDistrictAdmin, {}},
        {kPolice, "police-platform", auth::kSystem, {}},
        {kOperator3, "operator-gs03", auth::kStreetOperator, {"GS03"}},
        {kOperator1, "operator-gs01", auth::kStreetOperator, {"GS01"}},
        {kMediator3, "mediator-gs03", "mediator", {"GS03"}},
        {kViewer, "viewer", auth::kViewer, {}},
    };
  }

  PolicingTrack& track() { return static_cast<PolicingTrack&>(h_.track()); }

  // ---- Incidents ----

  pv1::Incident Ingest(const pv1::Incident& incident) {
    pv1::IngestIncidentRequest request;
    *request.mutable_incident() = incident;
    pv1::IngestIncidentResponse response;
    Outcome o = h_.Rpc(kPolice, [&](grpc::ClientContext* c) {
      return stub_->IngestIncident(c, request, &response);
    });
    EXPECT_TRUE(o.status.ok()) << incident.incident_number() << " " << Describe(o);
    return response.incident();
  }

  // A recent non-police incident on GS03, ingested (and so dispatched to LU03).
  pv1::Incident IngestRecent(const std::string& number, const std::string& street = "GS03",
                             pv1::IncidentType type = pv1::INCIDENT_TYPE_ASSISTANCE) {
    return Ingest(NewIncident(number, type, clock_.Now() - absl::Hours(1), street));
  }

  // ---- Linkage RPCs ----

  Outcome TryDispatch(const std::string& token, const std::string& incident_id,
                      const std::string& unit_id = "",
                      pv1::DispatchIncidentResponse* out = nullptr) {
    pv1::DispatchIncidentRequest request;
    request.set_incident_id(incident_id);
    request.set_unit_id(unit_id);
    pv1::DispatchIncidentResponse response;
    Outcome o = h_.Rpc(token, [&](grpc::ClientContext* c) {
      return stub_->DispatchIncident(c, request, &response);
    });
    if (out != nullptr) *out = response;
    return o;
  }

  Outcome TrySign(const std::string& token, const std::string& id, const std::string& etag,
                  pv1::LinkageTask* out = nullptr) {
    pv1::SignLinkageTaskRequest request;
    request.set_id(id);
    request.set_etag(etag);
    pv1::SignLinkageTaskResponse response;
    Outcome o = h_.Rpc(token, [&](grpc::ClientContext* c) {
      return stub_->SignLinkageTask(c, request, &response);
    });
    if (out != nullptr) *out = response.task();
    return o;
  }

  Outcome TryHandle(const std::string& token, const std::string& id, const std::string& etag,
                    const std::string& result, pv1::LinkageTask* out = nullptr) {
    pv1::RecordLinkageHandlingRequest request;
    request.set_id(id);
    request.set_etag(etag);
    request.set_handling_result(result);
    pv1::RecordLinkageHandlingResponse response;
    Outcome o = h_.Rpc(token, [&](grpc::ClientContext* c) {
      return stub_->RecordLinkageHandling(c, request, &response);
    });
    if (out != nullptr) *out = response.task();
    return o;
  }

  Outcome TryFeedback(const std::string& token, const std::string& id, const std::string& etag,
                      const std::string& feedback, pv1::LinkageTask* out = nullptr) {
    pv1::RecordLinkageFeedbackRequest request;
    request.set_id(id);
    request.set_etag(etag);
    request.set_feedback(feedback);
    pv1::RecordLinkageFeedbackResponse response;
    Outcome o = h_.Rpc(token, [&](grpc::ClientContext* c) {
      return stub_->RecordLinkageFeedback(c, request, &response);
    });
    if (out != nullptr) *out = response.task();
    return o;
  }

  Outcome TryGet(const std::string& token, const std::string& id, pv1::LinkageTask* out = nullptr) {
    pv1::GetLinkageTaskRequest request;
    request.set_id(id);
    pv1::GetLinkageTaskResponse response;
    Outcome o = h_.Rpc(token, [&](grpc::ClientContext* c) {
      return stub_->GetLinkageTask(c, request, &response);
    });
    if (out != nullptr) *out = response.task();
    return o;
  }

  Outcome TryList(const std::string& token, const pv1::ListLinkageTasksRequest& request,
                  pv1::ListLinkageTasksResponse* out = nullptr) {
    pv1::ListLinkageTasksResponse response;
    Outcome o = h_.Rpc(token, [&](grpc::ClientContext* c) {
      return stub_->ListLinkageTasks(c, request, &response);
    });
    if (out != nullptr) *out = response;
    return o;
  }

  // Steps that must succeed, each on the task as it is now.
  pv1::LinkageTask Get(const std::string& id) {
    pv1::LinkageTask task;
    Outcome o = TryGet(kAdmin, id, &task);
    EXPECT_TRUE(o.status.ok()) << id << " " << Describe(o);
    return task;
  }
  pv1::LinkageTask Sign(const std::string& id, const std::string& token = kPolice) {
    pv1::LinkageTask task;
    Outcome o = TrySign(token, id, Get(id).etag(), &task);
    EXPECT_TRUE(o.status.ok()) << id << " " << Describe(o);
    return task;
  }
  pv1::LinkageTask Handle(const std::string& id, const std::string& token = kPolice) {
    pv1::LinkageTask task;
    Outcome o = TryHandle(token, id, Get(id).etag(), "已到场处置", &task);
    EXPECT_TRUE(o.status.ok()) << id << " " << Describe(o);
    return task;
  }
  pv1::LinkageTask Feedback(const std::string& id, const std::string& token = kPolice) {
    pv1::LinkageTask task;
    Outcome o = TryFeedback(token, id, Get(id).etag(), "已反馈指挥中心", &task);
    EXPECT_TRUE(o.status.ok()) << id << " " << Describe(o);
    return task;
  }

  // Every task of a list, in pages of `page_size`.
  std::vector<pv1::LinkageTask> ListAll(pv1::ListLinkageTasksRequest request = {},
                                        const std::string& token = kAdmin, int page_size = 500) {
    std::vector<pv1::LinkageTask> all;
    request.set_page_size(page_size);
    for (int pages = 0; pages < 100; ++pages) {
      pv1::ListLinkageTasksResponse response;
      Outcome o = TryList(token, request, &response);
      EXPECT_TRUE(o.status.ok()) << Describe(o);
      if (!o.status.ok()) break;
      all.insert(all.end(), response.tasks().begin(), response.tasks().end());
      if (response.next_page_token().empty()) break;
      request.set_page_token(response.next_page_token());
    }
    return all;
  }

  // The task of an incident; fails the test when there is not exactly one.
  pv1::LinkageTask TaskOf(const std::string& incident_id) {
    std::vector<pv1::LinkageTask> found;
    for (const pv1::LinkageTask& t : ListAll()) {
      if (t.incident_id() == incident_id) found.push_back(t);
    }
    EXPECT_EQ(found.size(), 1u) << incident_id;
    return found.empty() ? pv1::LinkageTask() : Get(found[0].id());
  }

  bool HasTask(const std::string& incident_id) {
    for (const pv1::LinkageTask& t : ListAll()) {
      if (t.incident_id() == incident_id) return true;
    }
    return false;
  }

  int ScanBreaches() {
    absl::StatusOr<int> marked = track().engine(kLinkageTrack)->ScanBreaches();
    EXPECT_TRUE(marked.ok()) << marked.status();
    return marked.value_or(-1);
  }

  std::map<std::string, gv1::Indicator> Indicators(const std::string& street = "") {
    gv1::RegionRef region;
    region.set_street_id(street);
    return h_.Indicators(kAdmin, gov::testing::Month(2026, 6), region);
  }

  // The engine's breach counter of the linkage tasks (track "policing", kind "linkage_task").
  double Breaches() {
    return gov::testing::MetricValue(h_.metrics(), "governance_sla_breaches_total",
                                     {{"track", "policing"}, {"kind", "linkage_task"}});
  }

  FakeClock clock_;
  gov::testing::TrackHarness h_{"policing", &clock_, Tokens()};
  std::unique_ptr<PolicingService::Stub> stub_;
};

// ---- Automatic dispatch ----

TEST_F(LinkageTest, IngestedNonPoliceIncidentsGoToTheRoutedUnits) {
  const absl::Time now = clock_.Now();
  struct Case {
    pv1::IncidentType type;
    std::string street;
    std::string unit;
  };
  // data/policing.json: assistance by street, disputes to LU15 everywhere, municipal matters to
  // LU14 on GS11 and LU12 elsewhere.
  const std::vector<Case> cases = {
      {pv1::INCIDENT_TYPE_ASSISTANCE, "GS03", "LU03"},
      {pv1::INCIDENT_TYPE_ASSISTANCE, "GS11", "LU11"},
      {pv1::INCIDENT_TYPE_DISPUTE, "GS05", "LU15"},
      {pv1::INCIDENT_TYPE_MUNICIPAL, "GS11", "LU14"},
      {pv1::INCIDENT_TYPE_MUNICIPAL, "GS02", "LU12"},
  };
  std::vector<std::string> task_ids;
  for (size_t i = 0; i < cases.size(); ++i) {
    const Case& c = cases[i];
    const pv1::Incident incident =
        Ingest(NewIncident(absl::StrCat("110-LK-", i), c.type, now - absl::Hours(2), c.street,
                           absl::StrCat(c.street, "-C01")));
    const pv1::LinkageTask task = TaskOf(incident.id());
    SCOPED_TRACE(incident.incident_number());
    EXPECT_EQ(task.unit_id(), c.unit);
    EXPECT_FALSE(task.unit_name().empty());
    EXPECT_EQ(task.incident_number(), incident.incident_number());
    EXPECT_EQ(task.type(), c.type);
    EXPECT_EQ(task.region().street_id(), c.street);
    EXPECT_EQ(task.region().community_id(), absl::StrCat(c.street, "-C01"));
    EXPECT_TRUE(task.region().grid_id().empty());
    EXPECT_EQ(task.status(), pv1::LINKAGE_STATUS_DISPATCHED);
    EXPECT_EQ(FromTimestamp(task.dispatch_time()), now);
    EXPECT_EQ(FromTimestamp(task.due_time()), now + absl::Hours(24));
    EXPECT_FALSE(task.sla_breached());
    EXPECT_EQ(task.etag(), "v1");
    ASSERT_EQ(task.history_size(), 1);
    EXPECT_EQ(task.history(0).action(), "Create");
    EXPECT_EQ(task.history(0).actor(), "linkage-dispatcher");
    EXPECT_THAT(task.history(0).note(), HasSubstr("routing table"));
    task_ids.insert(task_ids.begin(), task.id());  // newest first
  }
  // The list, newest dispatch first.
  EXPECT_EQ(Ids(ListAll()), task_ids);
  EXPECT_THAT(task_ids[4], ::testing::StartsWith("L-"));

  // A replayed ingestion finds the task it has.
  Ingest(NewIncident("110-LK-0", cases[0].type, now - absl::Hours(2), cases[0].street, "GS03-C01"));
  EXPECT_EQ(ListAll().size(), cases.size());
}

TEST_F(LinkageTest, PoliceAndOldIncidentsAreNotDispatched) {
  Ingest(NewIncident("110-P-1", pv1::INCIDENT_TYPE_THEFT, clock_.Now() - absl::Hours(1), "GS03"));
  Ingest(NewIncident("110-P-2", pv1::INCIDENT_TYPE_TRAFFIC, clock_.Now() - absl::Hours(1), "GS03"));
  // Older than the 48-hour window: history being loaded, not a call to act on.
  Ingest(NewIncident("110-P-3", pv1::INCIDENT_TYPE_ASSISTANCE, clock_.Now() - absl::Hours(49),
                     "GS03"));
  EXPECT_TRUE(ListAll().empty());
  // Nor does the sweep take them.
  absl::StatusOr<int> swept = track().linkage().SweepUndispatched();
  ASSERT_TRUE(swept.ok()) << swept.status();
  EXPECT_EQ(*swept, 0);
  EXPECT_TRUE(ListAll().empty());
}

TEST_F(LinkageTest, SweepDispatchesAnIncidentStoredWithoutItsDispatch) {
  // The incident is stored through the incident engine directly, as an ingestion that stopped
  // between storing it and dispatching it leaves it.
  auth::Principal platform;
  platform.id = "police-platform";
  platform.roles = {auth::kSystem};
  const pv1::Incident incident = NewIncident("110-SW-1", pv1::INCIDENT_TYPE_MUNICIPAL,
                                             clock_.Now() - absl::Hours(30), "GS11", "GS11-C02");
  absl::StatusOr<cases::Case> stored = track().engine(kTrack)->Create(
      platform, NewIncidentCase(incident, clock_.Now()),
      IncidentRequestId(incident.incident_number()), IncidentContentHash(incident));
  ASSERT_TRUE(stored.ok()) << stored.status();
  // One that was dispatched on ingestion is left alone.
  const pv1::Incident dispatched = IngestRecent("110-SW-2");
  ASSERT_EQ(ListAll().size(), 1u);

  absl::StatusOr<int> swept = track().linkage().SweepUndispatched();
  ASSERT_TRUE(swept.ok()) << swept.status();
  EXPECT_EQ(*swept, 1);
  const pv1::LinkageTask task = TaskOf(stored->record.id);
  EXPECT_EQ(task.unit_id(), "LU14");
  EXPECT_EQ(task.status(), pv1::LINKAGE_STATUS_DISPATCHED);
  EXPECT_EQ(task.region().community_id(), "GS11-C02");
  EXPECT_EQ(TaskOf(dispatched.id()).unit_id(), "LU03");

  // Nothing left to do; nor once the incident has left the window.
  swept = track().linkage().SweepUndispatched();
  ASSERT_TRUE(swept.ok()) << swept.status();
  EXPECT_EQ(*swept, 0);
  clock_.Advance(absl::Hours(20));
  swept = track().linkage().SweepUndispatched();
  ASSERT_TRUE(swept.ok()) << swept.status();
  EXPECT_EQ(*swept, 0);
  EXPECT_EQ(ListAll().size(), 2u);
}

// ---- DispatchIncident ----

TEST_F(LinkageTest, ManualDispatchToANamedUnitIsIdempotentPerIncident) {
  // Three days old: not dispatched on ingestion.
  const pv1::Incident incident = Ingest(
      NewIncident("110-M-1", pv1::INCIDENT_TYPE_DISPUTE, clock_.Now() - absl::Hours(72), "GS03"));
  ASSERT_FALSE(HasTask(incident.id()));

  pv1::DispatchIncidentResponse first;
  Outcome o = TryDispatch(kOperator3, incident.id(), "LU39", &first);
  ASSERT_TRUE(o.status.ok()) << Describe(o);
  EXPECT_TRUE(first.created());
  EXPECT_EQ(first.task().unit_id(), "LU39");
  EXPECT_EQ(first.task().incident_id(), incident.id());
  EXPECT_EQ(first.task().status(), pv1::LINKAGE_STATUS_DISPATCHED);
  ASSERT_EQ(first.task().history_size(), 1);
  EXPECT_EQ(first.task().history(0).actor(), "operator-gs03");
  EXPECT_THAT(first.task().history(0).note(), HasSubstr("as asked"));

  // The same unit again, or the routing table: the task it has.
  for (const std::string& unit : {std::string("LU39"), std::string()}) {
    pv1::DispatchIncidentResponse again;
    o = TryDispatch(kAdmin, incident.id(), unit, &again);
    ASSERT_TRUE(o.status.ok()) << Describe(o);
    EXPECT_FALSE(again.created());
    EXPECT_EQ(again.task().id(), first.task().id());
    EXPECT_EQ(again.task().unit_id(), "LU39");
  }
  // Another unit: the incident has its task already.
  o = TryDispatch(kAdmin, incident.id(), "LU15");
  EXPECT_EQ(o.code(), grpc::StatusCode::ALREADY_EXISTS) << Describe(o);
  EXPECT_EQ(o.field, "incident_id");
  EXPECT_EQ(ListAll().size(), 1u);

  // By the routing table, as the system.
  const pv1::Incident other = Ingest(NewIncident("110-M-2", pv1::INCIDENT_TYPE_ASSISTANCE,
                                                 clock_.Now() - absl::Hours(72), "GS01"));
  pv1::DispatchIncidentResponse routed;
  o = TryDispatch(kPolice, other.id(), "", &routed);
  ASSERT_TRUE(o.status.ok()) << Describe(o);
  EXPECT_TRUE(routed.created());
  EXPECT_EQ(routed.task().unit_id(), "LU01");

  // An automatically dispatched incident dispatched again by hand: its task.
  const pv1::Incident recent = IngestRecent("110-M-3");
  pv1::DispatchIncidentResponse replay;
  o = TryDispatch(kAdmin, recent.id(), "", &replay);
  ASSERT_TRUE(o.status.ok()) << Describe(o);
  EXPECT_FALSE(replay.created());
  EXPECT_EQ(replay.task().unit_id(), "LU03");
}

TEST_F(LinkageTest, DispatchRefusesBadInput) {
  const pv1::Incident theft = Ingest(
      NewIncident("110-B-1", pv1::INCIDENT_TYPE_THEFT, clock_.Now() - absl::Hours(1), "GS03"));
  const pv1::Incident old = Ingest(NewIncident("110-B-2", pv1::INCIDENT_TYPE_ASSISTANCE,
                                               clock_.Now() - absl::Hours(72), "GS03"));

  Outcome o = TryDispatch(kAdmin, "");
  EXPECT_EQ(o.code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(o);
  EXPECT_EQ(o.field, "incident_id");
  o = TryDispatch(kAdmin, Repeat("I", 65));
  EXPECT_EQ(o.code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(o);
  EXPECT_EQ(o.field, "incident_id");
  o = TryDispatch(kAdmin, "I-999999");
  EXPECT_EQ(o.code(), grpc::StatusCode::NOT_FOUND) << Describe(o);
  o = TryDispatch(kAdmin, old.id(), "LU99");
  EXPECT_EQ(o.code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(o);
  EXPECT_EQ(o.field, "unit_id");
  o = TryDispatch(kAdmin, theft.id());
  EXPECT_EQ(o.code(), grpc::StatusCode::FAILED_PRECONDITION) << Describe(o);
  EXPECT_EQ(o.field, "incident_id");
  o = TryDispatch(kAdmin, theft.id(), "LU03");
  EXPECT_EQ(o.code(), grpc::StatusCode::FAILED_PRECONDITION) << Describe(o);
  // Who may not: viewers, mediators, operators of other streets.
  o = TryDispatch(kViewer, old.id());
  EXPECT_EQ(o.code(), grpc::StatusCode::PERMISSION_DENIED) << Describe(o);
  o = TryDispatch(kMediator3, old.id());
  EXPECT_EQ(o.code(), grpc::StatusCode::PERMISSION_DENIED) << Describe(o);
  o = TryDispatch(kOperator1, old.id());
  EXPECT_EQ(o.code(), grpc::StatusCode::PERMISSION_DENIED) << Describe(o);
  o = TryDispatch("", old.id());
  EXPECT_EQ(o.code(), grpc::StatusCode::UNAUTHENTICATED) << Describe(o);
  // Nothing was written.
  EXPECT_TRUE(ListAll().empty());
}

// ---- The three steps ----

TEST_F(LinkageTest, HappyPathSignHandleFeedbackInTime) {
  const pv1::Incident incident = IngestRecent("110-H-1");
  const std::string id = TaskOf(incident.id()).id();
  const absl::Time t0 = clock_.Now();

  // Every step is due at dispatch + 24 hours: the steps keep the dispatch's due time.
  clock_.Advance(absl::Hours(2));
  const pv1::LinkageTask signed_task = Sign(id, kOperator3);
  EXPECT_EQ(signed_task.status(), pv1::LINKAGE_STATUS_SIGNED);
  EXPECT_EQ(FromTimestamp(signed_task.sign_time()), t0 + absl::Hours(2));
  EXPECT_TRUE(signed_task.signed_in_time());
  EXPECT_EQ(FromTimestamp(signed_task.due_time()), t0 + absl::Hours(24));
  EXPECT_EQ(signed_task.etag(), "v2");
  EXPECT_EQ(signed_task.history_size(), 0);  // only GetLinkageTask carries the history

  clock_.Advance(absl::Hours(13));
  const pv1::LinkageTask handled = Handle(id);
  EXPECT_EQ(handled.status(), pv1::LINKAGE_STATUS_HANDLED);
  EXPECT_TRUE(handled.handled_in_time());
  EXPECT_EQ(handled.handling_result(), "已到场处置");
  EXPECT_EQ(FromTimestamp(handled.handle_time()), t0 + absl::Hours(15));
  EXPECT_EQ(FromTimestamp(handled.due_time()), t0 + absl::Hours(24));

  // Exactly at the due time, dispatch + 24 hours, is still in time.
  clock_.Advance(absl::Hours(9));
  EXPECT_EQ(ScanBreaches(), 0);
  const pv1::LinkageTask done = Feedback(id, kAdmin);
  EXPECT_EQ(FromTimestamp(done.feedback_time()), t0 + absl::Hours(24));
  EXPECT_EQ(done.status(), pv1::LINKAGE_STATUS_FEEDBACK_GIVEN);
  EXPECT_TRUE(done.feedback_in_time());
  EXPECT_EQ(done.feedback(), "已反馈指挥中心");
  EXPECT_FALSE(done.has_due_time());
  EXPECT_FALSE(done.sla_breached());

  const pv1::LinkageTask read = Get(id);
  EXPECT_THAT(Actions(read), ElementsAre("Create", "Sign", "Handle", "Feedback"));
  EXPECT_EQ(read.history(1).actor(), "operator-gs03");
  EXPECT_EQ(read.history(1).from_status(), "DISPATCHED");
  EXPECT_EQ(read.history(1).to_status(), "SIGNED");
  EXPECT_EQ(read.history(3).to_status(), "FEEDBACK_GIVEN");
  EXPECT_TRUE(read.signed_in_time() && read.handled_in_time() && read.feedback_in_time());
  EXPECT_EQ(FromTimestamp(read.dispatch_time()), t0);
  EXPECT_EQ(ScanBreaches(), 0);

  std::map<std::string, gv1::Indicator> indicators = Indicators();
  for (const char* rate : {kSignRate, kHandlingRate, kFeedbackRate}) {
    SCOPED_TRACE(rate);
    ASSERT_TRUE(indicators.count(rate));
    const gv1::Indicator& i = indicators[rate];
    EXPECT_TRUE(i.has_data());
    EXPECT_EQ(i.actual(), 10000);
    EXPECT_EQ(i.target(), 10000);
    EXPECT_EQ(i.unit(), gv1::INDICATOR_UNIT_BASIS_POINTS);
    EXPECT_EQ(i.target_kind(), gv1::TARGET_KIND_RATE);
    EXPECT_EQ(i.direction(), gv1::DIRECTION_HIGHER_IS_BETTER);
    EXPECT_EQ(i.colour(), gv1::COLOUR_GREEN);
  }
  // The task is GS03's: another street has no steps, so no data.
  indicators = Indicators("GS05");
  EXPECT_FALSE(indicators[kSignRate].has_data());
  EXPECT_EQ(Indicators("GS03")[kSignRate].actual(), 10000);
}

TEST_F(LinkageTest, SignOffLateAfterBreachAndNeverCountOncePerTask) {
  // Four tasks dispatched now, due in 24 hours.
  std::vector<std::string> ids;
  for (int i = 0; i < 4; ++i) {
    ids.push_back(TaskOf(IngestRecent(absl::StrCat("110-S-", i)).id()).id());
  }
  // A: signed, handled and given feedback in time.
  Sign(ids[0]);
  Handle(ids[0]);
  Feedback(ids[0]);

  const absl::Time t0 = clock_.Now();
  clock_.Advance(absl::Hours(25));
  // B: signed late, before the breach scan came round.
  const pv1::LinkageTask late = Sign(ids[1]);
  EXPECT_FALSE(late.signed_in_time());
  EXPECT_FALSE(late.sla_breached());
  // The scan marks C and D (not signed) and B (signed, but open past dispatch + 24 hours); A is
  // done.
  EXPECT_EQ(ScanBreaches(), 3);
  EXPECT_EQ(ScanBreaches(), 0);  // once per task
  EXPECT_EQ(Breaches(), 3);
  EXPECT_TRUE(Get(ids[2]).sla_breached());
  EXPECT_TRUE(Get(ids[1]).sla_breached());
  pv1::ListLinkageTasksRequest breached;
  breached.set_breached_only(true);
  EXPECT_THAT(Ids(ListAll(breached)), ElementsAre(ids[3], ids[2], ids[1]));

  // C: signed after its breach; the task's clock is still the dispatch's, and still breached.
  const pv1::LinkageTask after = Sign(ids[2]);
  EXPECT_FALSE(after.signed_in_time());
  EXPECT_TRUE(after.sla_breached());
  EXPECT_EQ(FromTimestamp(after.due_time()), t0 + absl::Hours(24));
  EXPECT_EQ(ScanBreaches(), 0);
  EXPECT_THAT(Actions(Get(ids[2])), ElementsAre("Create", "SlaBreach", "SignAfterBreach"));
  EXPECT_THAT(Actions(Get(ids[1])), ElementsAre("Create", "SignLate", "SlaBreach"));
  // B, C and D stay overdue until their feedback.
  EXPECT_THAT(Ids(ListAll(breached)), ElementsAre(ids[3], ids[2], ids[1]));
  const pv1::LinkageTask never = Get(ids[3]);
  EXPECT_TRUE(never.sla_breached());
  EXPECT_EQ(never.status(), pv1::LINKAGE_STATUS_DISPATCHED);
  // The engine's gauge of the tasks by status.
  ASSERT_TRUE(track().RefreshGauges().ok());
  for (const auto& [status, count] :
       std::map<std::string, double>{{"DISPATCHED", 1}, {"SIGNED", 2}, {"FEEDBACK_GIVEN", 1}}) {
    EXPECT_EQ(gov::testing::MetricValue(
                  h_.metrics(), "governance_cases",
                  {{"track", "policing"}, {"kind", "linkage_task"}, {"status", status}}),
              count)
        << status;
  }

  // Sign-off: A in time; B late, C and D breached before it: 1 / 4. Handling and feedback: A in
  // time; B, C and D breached before them (B in SIGNED, C and D in DISPATCHED), each once: 1 / 4.
  std::map<std::string, gv1::Indicator> indicators = Indicators();
  EXPECT_EQ(indicators[kSignRate].actual(), 2500);
  EXPECT_EQ(indicators[kSignRate].colour(), gv1::COLOUR_RED);
  EXPECT_EQ(indicators[kHandlingRate].actual(), 2500);
  EXPECT_EQ(indicators[kFeedbackRate].actual(), 2500);
}

TEST_F(LinkageTest, HandlingAndFeedbackLateAndAfterBreach) {
  // Three tasks, all signed off in time.
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) {
    ids.push_back(TaskOf(IngestRecent(absl::StrCat("110-F-", i)).id()).id());
    Sign(ids.back());
  }
  // A: handled and feedback in time.
  Handle(ids[0]);
  Feedback(ids[0]);

  const absl::Time t0 = clock_.Now();
  clock_.Advance(absl::Hours(25));
  // B handled and given feedback late, before the scan came round: closed, never marked.
  EXPECT_FALSE(Handle(ids[1]).handled_in_time());
  const pv1::LinkageTask b_done = Feedback(ids[1]);
  EXPECT_FALSE(b_done.feedback_in_time());
  EXPECT_FALSE(b_done.has_due_time());
  // The scan then marks C (in SIGNED); C handled after its breach stays breached, due at
  // dispatch + 24 hours.
  EXPECT_EQ(ScanBreaches(), 1);
  const pv1::LinkageTask c_handled = Handle(ids[2]);
  EXPECT_FALSE(c_handled.handled_in_time());
  EXPECT_TRUE(c_handled.sla_breached());
  EXPECT_EQ(FromTimestamp(c_handled.due_time()), t0 + absl::Hours(24));

  clock_.Advance(absl::Hours(25));
  // No second mark: the task has one clock. C's feedback after its breach closes it.
  EXPECT_EQ(ScanBreaches(), 0);
  const pv1::LinkageTask c_done = Feedback(ids[2]);
  EXPECT_FALSE(c_done.feedback_in_time());
  EXPECT_FALSE(c_done.sla_breached());
  EXPECT_FALSE(c_done.has_due_time());
  EXPECT_EQ(Breaches(), 1);
  EXPECT_THAT(Actions(Get(ids[1])), ElementsAre("Create", "Sign", "HandleLate", "FeedbackLate"));
  EXPECT_THAT(Actions(Get(ids[2])), ElementsAre("Create", "Sign", "SlaBreach", "HandleAfterBreach",
                                                "FeedbackAfterBreach"));
  const pv1::LinkageTask a = Get(ids[0]);
  EXPECT_TRUE(a.signed_in_time() && a.handled_in_time() && a.feedback_in_time());

  // Sign-off 3 / 3; handling and feedback each A of A, B (late), C (breached in SIGNED, before
  // either): 1 / 3 = 3333 basis points.
  std::map<std::string, gv1::Indicator> indicators = Indicators();
  EXPECT_EQ(indicators[kSignRate].actual(), 10000);
  EXPECT_EQ(indicators[kHandlingRate].actual(), 3333);
  EXPECT_EQ(indicators[kFeedbackRate].actual(), 3333);
  EXPECT_EQ(indicators[kFeedbackRate].colour(), gv1::COLOUR_RED);
  EXPECT_TRUE(ListAll([] {
                pv1::ListLinkageTasksRequest r;
                r.set_breached_only(true);
                return r;
              }())
                  .empty());
}

TEST_F(LinkageTest, EveryStepCountsFromDispatchNotFromTheStepBefore) {
  // Each step within 24 hours of the one before, but only the sign-off within 24 hours of the
  // dispatch: signed at 20 hours, handled at 40, feedback at 60. No scan comes round meanwhile.
  const std::string id = TaskOf(IngestRecent("110-D24-1").id()).id();
  const absl::Time t0 = clock_.Now();

  clock_.Advance(absl::Hours(20));
  const pv1::LinkageTask signed_task = Sign(id);
  EXPECT_TRUE(signed_task.signed_in_time());
  EXPECT_EQ(FromTimestamp(signed_task.due_time()), t0 + absl::Hours(24));

  clock_.Advance(absl::Hours(20));
  const pv1::LinkageTask handled = Handle(id);
  EXPECT_EQ(FromTimestamp(handled.handle_time()), t0 + absl::Hours(40));
  EXPECT_FALSE(handled.handled_in_time());
  EXPECT_EQ(FromTimestamp(handled.due_time()), t0 + absl::Hours(24));

  clock_.Advance(absl::Hours(20));
  const pv1::LinkageTask done = Feedback(id);
  EXPECT_EQ(FromTimestamp(done.feedback_time()), t0 + absl::Hours(60));
  EXPECT_FALSE(done.feedback_in_time());
  EXPECT_EQ(done.status(), pv1::LINKAGE_STATUS_FEEDBACK_GIVEN);
  EXPECT_FALSE(done.has_due_time());
  EXPECT_FALSE(done.sla_breached());
  EXPECT_EQ(ScanBreaches(), 0);  // closed: nothing overdue
  EXPECT_THAT(Actions(Get(id)), ElementsAre("Create", "Sign", "HandleLate", "FeedbackLate"));

  // Sign-off 1 / 1; handling 0 / 1; feedback 0 / 1.
  std::map<std::string, gv1::Indicator> indicators = Indicators();
  EXPECT_EQ(indicators[kSignRate].actual(), 10000);
  EXPECT_TRUE(indicators[kHandlingRate].has_data());
  EXPECT_EQ(indicators[kHandlingRate].actual(), 0);
  EXPECT_EQ(indicators[kHandlingRate].colour(), gv1::COLOUR_RED);
  EXPECT_TRUE(indicators[kFeedbackRate].has_data());
  EXPECT_EQ(indicators[kFeedbackRate].actual(), 0);
}

TEST_F(LinkageTest, HandlingPastDispatchPlus24HoursIsBreachedUntilTheFeedback) {
  // Signed at 20 hours; the handling runs past dispatch + 24 hours.
  const std::string id = TaskOf(IngestRecent("110-D24-2").id()).id();
  const absl::Time t0 = clock_.Now();
  pv1::ListLinkageTasksRequest breached;
  breached.set_breached_only(true);

  clock_.Advance(absl::Hours(20));
  EXPECT_TRUE(Sign(id).signed_in_time());
  // At dispatch + 24 hours exactly the task is not overdue yet; a second later it is, in SIGNED.
  clock_.Advance(absl::Hours(4));
  EXPECT_EQ(ScanBreaches(), 0);
  EXPECT_FALSE(Get(id).sla_breached());
  EXPECT_TRUE(ListAll(breached).empty());
  clock_.Advance(absl::Seconds(1));
  EXPECT_EQ(ScanBreaches(), 1);
  pv1::LinkageTask task = Get(id);
  EXPECT_EQ(task.status(), pv1::LINKAGE_STATUS_SIGNED);
  EXPECT_TRUE(task.sla_breached());
  EXPECT_EQ(FromTimestamp(task.due_time()), t0 + absl::Hours(24));
  EXPECT_THAT(Ids(ListAll(breached)), ElementsAre(id));
  EXPECT_EQ(Breaches(), 1);

  // Handled at 40 hours (20 after the sign-off): late, and the task stays overdue with the
  // dispatch's due time; the scan does not mark it again.
  clock_.Advance(absl::Hours(16) - absl::Seconds(1));
  task = Handle(id);
  EXPECT_EQ(task.status(), pv1::LINKAGE_STATUS_HANDLED);
  EXPECT_FALSE(task.handled_in_time());
  EXPECT_TRUE(task.sla_breached());
  EXPECT_EQ(FromTimestamp(task.due_time()), t0 + absl::Hours(24));
  EXPECT_EQ(ScanBreaches(), 0);
  EXPECT_THAT(Ids(ListAll(breached)), ElementsAre(id));

  // Feedback at 60 hours: late; the task is closed, with no due time and off the overdue list.
  clock_.Advance(absl::Hours(20));
  task = Feedback(id);
  EXPECT_FALSE(task.feedback_in_time());
  EXPECT_FALSE(task.sla_breached());
  EXPECT_FALSE(task.has_due_time());
  EXPECT_TRUE(ListAll(breached).empty());
  EXPECT_EQ(ScanBreaches(), 0);
  EXPECT_EQ(Breaches(), 1);
  task = Get(id);
  EXPECT_THAT(Actions(task), ElementsAre("Create", "Sign", "SlaBreach", "HandleAfterBreach",
                                         "FeedbackAfterBreach"));
  EXPECT_EQ(task.history(2).from_status(), "SIGNED");
  EXPECT_TRUE(task.signed_in_time());
  EXPECT_FALSE(task.handled_in_time() || task.feedback_in_time());

  // Sign-off 1 / 1; handling and feedback: the breach in SIGNED, once each: 0 / 1.
  std::map<std::string, gv1::Indicator> indicators = Indicators();
  EXPECT_EQ(indicators[kSignRate].actual(), 10000);
  EXPECT_TRUE(indicators[kHandlingRate].has_data());
  EXPECT_EQ(indicators[kHandlingRate].actual(), 0);
  EXPECT_TRUE(indicators[kFeedbackRate].has_data());
  EXPECT_EQ(indicators[kFeedbackRate].actual(), 0);
}

TEST_F(LinkageTest, ExactlyTwentyFourHoursAfterDispatchIsInTime) {
  // Three tasks dispatched together. At dispatch + 24 hours exactly: P signed, Q handled, R given
  // feedback, each in time (the end is included, as the scan marks a task only once its due time
  // is behind it).
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) {
    ids.push_back(TaskOf(IngestRecent(absl::StrCat("110-E-", i)).id()).id());
  }
  const std::string& p = ids[0];
  const std::string& q = ids[1];
  const std::string& r = ids[2];
  const absl::Time t0 = clock_.Now();
  clock_.Advance(absl::Hours(1));
  Sign(q);
  Sign(r);
  Handle(r);

  clock_.Advance(absl::Hours(23));
  ASSERT_EQ(clock_.Now(), t0 + absl::Hours(24));
  EXPECT_TRUE(Sign(p).signed_in_time());
  EXPECT_TRUE(Handle(q).handled_in_time());
  EXPECT_TRUE(Feedback(r).feedback_in_time());
  EXPECT_EQ(ScanBreaches(), 0);

  // A second later: P's handling and Q's feedback are late; the scan then marks P (in HANDLED),
  // whose feedback comes after the breach.
  clock_.Advance(absl::Seconds(1));
  EXPECT_FALSE(Handle(p).handled_in_time());
  EXPECT_FALSE(Feedback(q).feedback_in_time());
  EXPECT_EQ(ScanBreaches(), 1);
  EXPECT_FALSE(Feedback(p).feedback_in_time());
  EXPECT_THAT(Actions(Get(p)),
              ElementsAre("Create", "Sign", "HandleLate", "SlaBreach", "FeedbackAfterBreach"));
  EXPECT_THAT(Actions(Get(q)), ElementsAre("Create", "Sign", "Handle", "FeedbackLate"));
  EXPECT_THAT(Actions(Get(r)), ElementsAre("Create", "Sign", "Handle", "Feedback"));

  // Sign-off 3 / 3; handling Q and R of P (late), Q, R: 2 / 3; feedback R of P (breached in
  // HANDLED), Q (late), R: 1 / 3.
  std::map<std::string, gv1::Indicator> indicators = Indicators();
  EXPECT_EQ(indicators[kSignRate].actual(), 10000);
  EXPECT_EQ(indicators[kHandlingRate].actual(), 6667);
  EXPECT_EQ(indicators[kFeedbackRate].actual(), 3333);
}

TEST_F(LinkageTest, StepsRefuseBadInput) {
  const std::string id = TaskOf(IngestRecent("110-X-1").id()).id();
  const std::string etag = Get(id).etag();

  Outcome o = TrySign(kPolice, "", etag);
  EXPECT_EQ(o.code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(o);
  EXPECT_EQ(o.field, "id");
  o = TrySign(kPolice, id, "");
  EXPECT_EQ(o.code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(o);
  EXPECT_EQ(o.field, "etag");
  o = TrySign(kPolice, id, "v7");
  EXPECT_EQ(o.code(), grpc::StatusCode::ABORTED) << Describe(o);
  o = TrySign(kPolice, "L-999999", "v1");
  EXPECT_EQ(o.code(), grpc::StatusCode::NOT_FOUND) << Describe(o);
  // Not signed yet: handling and feedback are refused by the state machine.
  o = TryHandle(kPolice, id, etag, "已处置");
  EXPECT_EQ(o.code(), grpc::StatusCode::FAILED_PRECONDITION) << Describe(o);
  o = TryFeedback(kPolice, id, etag, "已反馈");
  EXPECT_EQ(o.code(), grpc::StatusCode::FAILED_PRECONDITION) << Describe(o);
  // Who may not.
  o = TrySign(kViewer, id, etag);
  EXPECT_EQ(o.code(), grpc::StatusCode::PERMISSION_DENIED) << Describe(o);
  o = TrySign(kMediator3, id, etag);
  EXPECT_EQ(o.code(), grpc::StatusCode::PERMISSION_DENIED) << Describe(o);
  o = TrySign(kOperator1, id, etag);
  EXPECT_EQ(o.code(), grpc::StatusCode::PERMISSION_DENIED) << Describe(o);
  EXPECT_EQ(Get(id).etag(), etag);  // nothing was written

  const std::string signed_etag = Sign(id, kOperator3).etag();
  // Signed twice: the state machine refuses.
  o = TrySign(kPolice, id, signed_etag);
  EXPECT_EQ(o.code(), grpc::StatusCode::FAILED_PRECONDITION) << Describe(o);
  // The old etag is stale.
  o = TryHandle(kPolice, id, etag, "已处置");
  EXPECT_EQ(o.code(), grpc::StatusCode::ABORTED) << Describe(o);
  // The texts: 1 to 2000 characters.
  o = TryHandle(kPolice, id, signed_etag, "");
  EXPECT_EQ(o.code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(o);
  EXPECT_EQ(o.field, "handling_result");
  o = TryHandle(kPolice, id, signed_etag, Repeat("处", 2001));
  EXPECT_EQ(o.code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(o);
  EXPECT_EQ(o.field, "handling_result");
  // Who may not handle: viewers, mediators, operators of other streets.
  for (const char* token : {kViewer, kMediator3, kOperator1}) {
    o = TryHandle(token, id, signed_etag, "已处置");
    EXPECT_EQ(o.code(), grpc::StatusCode::PERMISSION_DENIED) << token << " " << Describe(o);
  }
  pv1::LinkageTask handled;
  o = TryHandle(kOperator3, id, signed_etag, Repeat("处", 2000), &handled);
  ASSERT_TRUE(o.status.ok()) << Describe(o);
  o = TryFeedback(kPolice, id, handled.etag(), "");
  EXPECT_EQ(o.code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(o);
  EXPECT_EQ(o.field, "feedback");
  o = TryFeedback(kPolice, id, handled.etag(), Repeat("f", 2001));
  EXPECT_EQ(o.code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(o);
  EXPECT_EQ(o.field, "feedback");
  for (const char* token : {kViewer, kMediator3, kOperator1}) {
    o = TryFeedback(token, id, handled.etag(), "已反馈");
    EXPECT_EQ(o.code(), grpc::StatusCode::PERMISSION_DENIED) << token << " " << Describe(o);
  }
  EXPECT_THAT(Actions(Get(id)), ElementsAre("Create", "Sign", "Handle"));
}

// ---- Demo data ----

TEST_F(LinkageTest, DemoDataDispatchesAndStepsTheRecentDemoIncidents) {
  // Demo incidents stored as the demo loader stores them (through the incident engine, with no
  // dispatch), and one incident dispatched by hand.
  auth::Principal loader;
  loader.id = "demo-loader";
  loader.roles = {auth::kSystem};
  for (int i = 0; i < 16; ++i) {
    const pv1::Incident incident = NewIncident(
        absl::StrCat("DEMO-20260615-GS03", i % 3 == 0 ? "DISPUTE" : "ASSISTANCE", "-", i),
        i % 3 == 0 ? pv1::INCIDENT_TYPE_DISPUTE : pv1::INCIDENT_TYPE_ASSISTANCE,
        clock_.Now() - absl::Hours(i + 1), "GS03");
    ASSERT_TRUE(track()
                    .engine(kTrack)
                    ->Create(loader, NewIncidentCase(incident, clock_.Now()),
                             IncidentRequestId(incident.incident_number()),
                             IncidentContentHash(incident))
                    .ok());
  }
  const std::string by_hand = TaskOf(IngestRecent("110-D-1").id()).id();

  ASSERT_TRUE(LoadLinkageDemoData(track().linkage(), clock_).ok());

  std::map<std::string, pv1::LinkageTask> first;
  std::map<pv1::LinkageStatus, int> statuses;
  for (const pv1::LinkageTask& t : ListAll()) {
    first[t.id()] = t;
    if (t.id() == by_hand) continue;
    ++statuses[t.status()];
    // Every step taken at demo time is in time.
    EXPECT_EQ(t.signed_in_time(), t.has_sign_time()) << t.id();
    EXPECT_EQ(t.handled_in_time(), t.has_handle_time()) << t.id();
    EXPECT_EQ(t.feedback_in_time(), t.has_feedback_time()) << t.id();
  }
  EXPECT_EQ(first.size(), 17u);
  EXPECT_EQ(first[by_hand].status(), pv1::LINKAGE_STATUS_DISPATCHED);  // not the demo's
  // Most given feedback; some left open, for the breach scan to find.
  EXPECT_GT(statuses[pv1::LINKAGE_STATUS_FEEDBACK_GIVEN], 8);
  EXPECT_LT(statuses[pv1::LINKAGE_STATUS_FEEDBACK_GIVEN], 16);

  // Again: nothing changes.
  ASSERT_TRUE(LoadLinkageDemoData(track().linkage(), clock_).ok());
  for (const pv1::LinkageTask& t : ListAll()) EXPECT_EQ(t.etag(), first[t.id()].etag()) << t.id();
}

// ---- Reads ----

TEST_F(LinkageTest, ViewersReadTasksWithoutTheUnitsTexts) {
  const std::string id = TaskOf(IngestRecent("110-V-1", "GS03").id()).id();
  Sign(id);
  Handle(id);
  Feedback(id);
  EXPECT_EQ(Get(id).handling_result(), "已到场处置");
  EXPECT_EQ(Get(id).feedback(), "已反馈指挥中心");
  pv1::LinkageTask read;
  Outcome o = TryGet(kViewer, id, &read);
  ASSERT_TRUE(o.status.ok()) << Describe(o);
  EXPECT_EQ(read.status(), pv1::LINKAGE_STATUS_FEEDBACK_GIVEN);
  EXPECT_TRUE(read.handled_in_time());
  EXPECT_EQ(read.handling_result(), "");
  EXPECT_EQ(read.feedback(), "");
  const std::vector<pv1::LinkageTask> listed = ListAll({}, kViewer);
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].handling_result(), "");
  EXPECT_EQ(listed[0].feedback(), "");
  EXPECT_EQ(ListAll({}, kOperator3)[0].feedback(), "已反馈指挥中心");
}

TEST_F(LinkageTest, ListFiltersScopesAndPages) {
  const std::string a = TaskOf(IngestRecent("110-L-1", "GS03").id()).id();
  clock_.Advance(absl::Minutes(1));
  const std::string b =
      TaskOf(IngestRecent("110-L-2", "GS01", pv1::INCIDENT_TYPE_DISPUTE).id()).id();
  clock_.Advance(absl::Minutes(1));
  const std::string c = TaskOf(IngestRecent("110-L-3", "GS03").id()).id();
  Sign(c);

  EXPECT_THAT(Ids(ListAll()), ElementsAre(c, b, a));
  EXPECT_THAT(Ids(ListAll({}, kAdmin, 1)), ElementsAre(c, b, a));  // one a page
  pv1::ListLinkageTasksRequest request;
  request.set_unit_id("LU15");
  EXPECT_THAT(Ids(ListAll(request)), ElementsAre(b));
  request.Clear();
  request.add_statuses(pv1::LINKAGE_STATUS_SIGNED);
  EXPECT_THAT(Ids(ListAll(request)), ElementsAre(c));
  request.Clear();
  request.mutable_region()->set_street_id("GS01");
  EXPECT_THAT(Ids(ListAll(request)), ElementsAre(b));
  // Scopes: the operator sees its street; viewers read every street.
  EXPECT_THAT(Ids(ListAll({}, kOperator3)), ElementsAre(c, a));
  EXPECT_THAT(Ids(ListAll({}, kViewer)), ElementsAre(c, b, a));
  pv1::LinkageTask read;
  Outcome o = TryGet(kViewer, a, &read);
  ASSERT_TRUE(o.status.ok()) << Describe(o);
  EXPECT_EQ(read.history_size(), 1);
  o = TryGet(kOperator1, a);
  EXPECT_EQ(o.code(), grpc::StatusCode::PERMISSION_DENIED) << Describe(o);
  o = TryGet(kMediator3, a);
  EXPECT_EQ(o.code(), grpc::StatusCode::PERMISSION_DENIED) << Describe(o);
  o = TryGet(kAdmin, "");
  EXPECT_EQ(o.code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(o);
  EXPECT_EQ(o.field, "id");
  o = TryGet(kAdmin, "L-999999");
  EXPECT_EQ(o.code(), grpc::StatusCode::NOT_FOUND) << Describe(o);

  // Bad filters.
  request.Clear();
  request.set_unit_id("LU99");
  o = TryList(kAdmin, request);
  EXPECT_EQ(o.code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(o);
  EXPECT_EQ(o.field, "unit_id");
  request.Clear();
  request.add_statuses(pv1::LINKAGE_STATUS_UNSPECIFIED);
  o = TryList(kAdmin, request);
  EXPECT_EQ(o.field, "statuses[0]") << Describe(o);
  request.Clear();
  request.set_page_size(-1);
  o = TryList(kAdmin, request);
  EXPECT_EQ(o.field, "page_size") << Describe(o);
  request.Clear();
  request.mutable_region()->set_street_id("GS99");
  o = TryList(kAdmin, request);
  EXPECT_EQ(o.field, "region.street_id") << Describe(o);
  request.Clear();
  request.mutable_region()->set_street_id("GS01");
  o = TryList(kOperator3, request);
  EXPECT_EQ(o.code(), grpc::StatusCode::PERMISSION_DENIED) << Describe(o);
  o = TryList(kMediator3, {});
  EXPECT_EQ(o.code(), grpc::StatusCode::PERMISSION_DENIED) << Describe(o);
}

TEST_F(LinkageTest, ListLinkageUnitsReturnsThe39UnitsToEveryRole) {
  for (const char* token : {kAdmin, kViewer, kMediator3}) {
    pv1::ListLinkageUnitsResponse response;
    Outcome o = h_.Rpc(token, [&](grpc::ClientContext* c) {
      return stub_->ListLinkageUnits(c, pv1::ListLinkageUnitsRequest(), &response);
    });
    ASSERT_TRUE(o.status.ok()) << Describe(o);
    ASSERT_EQ(response.units_size(), 39);
    EXPECT_EQ(response.units(0).id(), "LU01");
    EXPECT_EQ(response.units(0).name(), "运河街道社会应急联动站");
    EXPECT_EQ(response.units(38).id(), "LU39");
    for (int i = 1; i < response.units_size(); ++i) {
      EXPECT_LT(response.units(i - 1).id(), response.units(i).id());
    }
  }
}

// The units are a list like the others (AIP-158): pages of page_size by id, an opaque token
// bound to the list, a negative size and a forged token refused naming the field.
TEST_F(LinkageTest, ListLinkageUnitsPagesLikeEveryList) {
  const PageCall page = [&](int32_t size, const std::string& token, std::vector<std::string>* ids,
                            std::string* next) {
    pv1::ListLinkageUnitsRequest request;
    request.set_page_size(size);
    request.set_page_token(token);
    pv1::ListLinkageUnitsResponse response;
    const Outcome o = h_.Rpc(kViewer, [&](grpc::ClientContext* c) {
      return stub_->ListLinkageUnits(c, request, &response);
    });
    for (const pv1::LinkageUnit& unit : response.units()) ids->push_back(unit.id());
    *next = response.next_page_token();
    return o;
  };
  const std::vector<std::string> ids = ExpectPagesLikeEveryList(page, 39);
  ASSERT_EQ(ids.size(), 39u);
  EXPECT_EQ(ids.front(), "LU01");
  EXPECT_EQ(ids.back(), "LU39");
}

}  // namespace
}  // namespace gov::policing
