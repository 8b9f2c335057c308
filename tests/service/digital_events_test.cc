// The digital track's City Eye events end to end over gRPC on the real track (SQLite, or
// PostgreSQL as digital_events_test_postgres) with a real redis-server and a fake clock, beside
// real disorder and hazard tracks it dispatches to (peer calls with a system token of theirs):
// events taken in once per request_id and dispatched at once by the rules file's routes, as a
// City Eye complaint of the disorder track or a City Eye hazard of the hazard track, made there
// with the event's id as the request_id; an owning track that cannot be reached leaves the event
// DETECTED with the reason until a dispatch (DispatchEvent, a retried report, the sweep) gets it
// through, once; camera events checked against the registered cameras; bad reports refused,
// writing nothing; dismissal, the community's part and its personal note; the list by owning
// track, type and status; the callers' roles and streets.

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/auth/auth.h"
#include "common/clock/clock.h"
#include "common/server/track_main.h"
#include "common/track/track_base.h"
#include "common/util/proto.h"
#include "gmock/gmock.h"
#include "governance/digital/v1/digital.grpc.pb.h"
#include "governance/disorder/v1/disorder.grpc.pb.h"
#include "governance/hazard/v1/hazard.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "services/digital/model.h"
#include "services/digital/track.h"
#include "services/disorder/track.h"
#include "services/hazard/track.h"
#include "tests/support/test_support.h"
#include "tests/support/track_harness.h"

namespace gov::digital {
namespace {

namespace gv1 = ::governance::v1;
namespace ov1 = ::governance::disorder::v1;
namespace hzv1 = ::governance::hazard::v1;
using gov::testing::Describe;
using gov::testing::ExpectInvalid;
using gov::testing::ExpectRefusals;
using gov::testing::ExpectRefused;
using gov::testing::Local;
using gov::testing::Outcome;
using gov::testing::Refusal;
using gov::testing::Region;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

constexpr char kAdmin[] = "tok-admin";
constexpr char kSystem[] = "tok-system";
constexpr char kOperator1[] = "tok-operator-gs01";
constexpr char kOperator2[] = "tok-operator-gs02";
constexpr char kViewer[] = "tok-viewer";
// The digital track's token on the disorder and hazard tracks (their system role).
constexpr char kPeer[] = "tok-peer-digital";
constexpr char kSubmitComplaint[] = "governance.disorder.v1.DisorderService.SubmitComplaint";
constexpr char kReportHazard[] = "governance.hazard.v1.HazardService.ReportHazard";

std::vector<gov::testing::TestToken> Tokens() {
  return {
      {kAdmin, "admin", auth::kDistrictAdmin, {}},
      {kSystem, "city-eye-platform", auth::kSystem, {}},
      {kOperator1, "operator-gs01", auth::kStreetOperator, {"GS01"}},
      {kOperator2, "operator-gs02", auth::kStreetOperator, {"GS02"}},
      {kViewer, "viewer", auth::kViewer, {}},
  };
}

std::vector<gov::testing::TestToken> PeerTokens() {
  return {{kAdmin, "admin", auth::kDistrictAdmin, {}}, {kPeer, "digital-peer", auth::kSystem, {}}};
}

// One call of `stub`'s `method` on `harness` with `token`.
template <typename Stub, typename Request, typename Response>
Outcome Call(const gov::testing::TrackHarness& harness, Stub* stub,
             grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
             const std::string& token, const Request& request, Response* response) {
  return harness.Rpc(token,
                     [&](grpc::ClientContext* c) { return (stub->*method)(c, request, response); });
}

std::vector<std::string> Actions(const dv1::Event& e) {
  std::vector<std::string> out;
  for (const gv1::CaseEvent& step : e.history()) out.push_back(step.action());
  return out;
}

// A 127.0.0.1 address where nothing listens.
std::string DeadAddress() { return absl::StrCat("127.0.0.1:", gov::testing::FreePort()); }

class DigitalEventsTest : public ::testing::Test {
 protected:
  // Wednesday 1 April 2026, 09:00 district time.
  DigitalEventsTest() : clock_(Local(2026, 4, 1, 9, 0)) {}

  void SetUp() override {
    const absl::Status disorder_started =
        disorder_.Start(track::Factory<disorder::DisorderTrack>("disorder"));
    ASSERT_TRUE(disorder_started.ok()) << disorder_started;
    const absl::Status hazard_started =
        hazard_.Start(track::Factory<hazard::HazardTrack>("hazard"));
    ASSERT_TRUE(hazard_started.ok()) << hazard_started;
    complaints_ = ov1::DisorderService::NewStub(disorder_.channel());
    hazards_ = hzv1::HazardService::NewStub(hazard_.channel());
    const std::string token_file = dir_.File("peer-token");
    gov::testing::WriteFile(token_file, std::string(kPeer) + "\n");
    h_.config().peer_token_file = token_file;
    h_.config().peers["disorder"] = disorder_.address();
    h_.config().peers["hazard"] = hazard_.address();
    StartDigital();
  }

  void StartDigital() {
    const absl::Status started = h_.Start(track::Factory<DigitalTrack>(kTrack));
    ASSERT_TRUE(started.ok()) << started;
    stub_ = dv1::DigitalService::NewStub(h_.channel());
  }

  // The digital track stopped and started again on its store, calling disorder at `address`.
  void RestartDigital(const std::string& disorder_address) {
    h_.Stop();
    h_.redis().Stop();
    h_.config().peers["disorder"] = disorder_address;
    StartDigital();
  }

  std::string Rid() { return absl::StrCat("rid-", ++counter_); }

  // ---- Events ----

  // A grid patrol's event of `type` in `community` (its street taken from it), an hour ago.
  dv1::ReportEventRequest NewEvent(dv1::EventType type = dv1::EVENT_TYPE_MOBILE_STALL,
                                   const std::string& community = "GS01-C02") {
    dv1::ReportEventRequest request;
    request.set_request_id(Rid());
    dv1::Event* e = request.mutable_event();
    e->set_type(type);
    e->set_source(dv1::EVENT_SOURCE_GRID_PATROL);
    *e->mutable_region() = Region(community.substr(0, 4), community);
    e->set_address("和睦路12号");
    e->set_description("流动摊贩占道经营（测试）");
    *e->mutable_detect_time() = ToTimestamp(clock_.Now() - absl::Hours(1));
    e->set_snapshot_ref("city-eye/2026/04/01/0001.jpg");
    return request;
  }

  static void Ok(const Outcome& o) { EXPECT_TRUE(o.status.ok()) << Describe(o); }

  // The digital track's `method` called as `token`: its answer to `*out`.
  template <typename Request, typename Response>
  Outcome Digital(grpc::Status (dv1::DigitalService::Stub::*method)(grpc::ClientContext*,
                                                                    const Request&, Response*),
                  const std::string& token, const Request& request, Response* out = nullptr) {
    Response response;
    const Outcome o = Call(h_, stub_.get(), method, token, request, &response);
    if (out != nullptr) *out = response;
    return o;
  }

  // The same for a method that answers with an event: the event to `*out`.
  template <typename Request, typename Response>
  Outcome OnEvent(grpc::Status (dv1::DigitalService::Stub::*method)(grpc::ClientContext*,
                                                                    const Request&, Response*),
                  const std::string& token, const Request& request, dv1::Event* out) {
    Response response;
    const Outcome o = Digital(method, token, request, &response);
    if (out != nullptr) *out = response.event();
    return o;
  }

  Outcome TryReport(const std::string& token, const dv1::ReportEventRequest& request,
                    dv1::ReportEventResponse* out = nullptr) {
    return Digital(&dv1::DigitalService::Stub::ReportEvent, token, request, out);
  }

  dv1::ReportEventResponse Report(const dv1::ReportEventRequest& request,
                                  const std::string& token = kSystem) {
    dv1::ReportEventResponse response;
    Ok(TryReport(token, request, &response));
    return response;
  }

  // A new event of `type` in `community`, reported by the platform: as stored.
  dv1::Event ReportNew(dv1::EventType type = dv1::EVENT_TYPE_MOBILE_STALL,
                       const std::string& community = "GS01-C02") {
    return Report(NewEvent(type, community)).event();
  }

  Outcome TryGet(const std::string& token, const std::string& id, dv1::Event* out = nullptr) {
    dv1::GetEventRequest request;
    request.set_id(id);
    return OnEvent(&dv1::DigitalService::Stub::GetEvent, token, request, out);
  }

  dv1::Event Get(const std::string& id, const std::string& token = kAdmin) {
    dv1::Event out;
    Ok(TryGet(token, id, &out));
    return out;
  }

  Outcome TryDispatch(const std::string& token, const std::string& id, dv1::Event* out = nullptr) {
    dv1::DispatchEventRequest request;
    request.set_id(id);
    return OnEvent(&dv1::DigitalService::Stub::DispatchEvent, token, request, out);
  }

  dv1::Event Dispatch(const std::string& id, const std::string& token = kSystem) {
    dv1::Event out;
    Ok(TryDispatch(token, id, &out));
    return out;
  }

  Outcome TryDismiss(const std::string& token, const std::string& id, const std::string& etag,
                     const std::string& reason, dv1::Event* out = nullptr) {
    dv1::DismissEventRequest request;
    request.set_id(id);
    request.set_etag(etag);
    request.set_reason(reason);
    return OnEvent(&dv1::DigitalService::Stub::DismissEvent, token, request, out);
  }

  Outcome TryCoGovern(const std::string& token, const std::string& id, const std::string& etag,
                      const std::string& party, const std::string& note,
                      dv1::Event* out = nullptr) {
    dv1::RecordCoGovernanceRequest request;
    request.set_id(id);
    request.set_etag(etag);
    request.mutable_co_governance()->set_party(party);
    request.mutable_co_governance()->set_note(note);
    return OnEvent(&dv1::DigitalService::Stub::RecordCoGovernance, token, request, out);
  }

  Outcome TryList(const std::string& token, const dv1::ListEventsRequest& request,
                  dv1::ListEventsResponse* out = nullptr) {
    return Digital(&dv1::DigitalService::Stub::ListEvents, token, request, out);
  }

  // The ids `token` lists for `track` (any when "") and `statuses`, newest first.
  std::vector<std::string> ListIds(const std::string& track,
                                   const std::vector<dv1::EventStatus>& statuses = {},
                                   const std::string& token = kAdmin,
                                   const std::vector<dv1::EventType>& types = {}) {
    dv1::ListEventsRequest request;
    request.set_track(track);
    for (const dv1::EventStatus s : statuses) request.add_statuses(s);
    for (const dv1::EventType t : types) request.add_types(t);
    dv1::ListEventsResponse response;
    Ok(TryList(token, request, &response));
    std::vector<std::string> ids;
    for (const dv1::Event& e : response.events()) ids.push_back(e.id());
    return ids;
  }

  // ---- The owning tracks ----

  // The complaint accepted and resolved by the disorder track.
  void ResolveComplaint(const std::string& id) {
    ov1::AcceptComplaintRequest accept;
    accept.set_id(id);
    accept.set_etag(Complaint(id).etag());
    ov1::AcceptComplaintResponse accepted;
    Ok(Call(disorder_, complaints_.get(), &ov1::DisorderService::Stub::AcceptComplaint, kAdmin,
            accept, &accepted));
    ov1::ResolveComplaintRequest resolve;
    resolve.set_id(id);
    resolve.set_etag(accepted.complaint().etag());
    resolve.set_resolution("已劝离，现场恢复");
    resolve.set_outcome(ov1::RESOLUTION_OUTCOME_RESOLVED);
    ov1::ResolveComplaintResponse resolved;
    Ok(Call(disorder_, complaints_.get(), &ov1::DisorderService::Stub::ResolveComplaint, kAdmin,
            resolve, &resolved));
  }

  // The event once it is closed, waiting up to 10 s for the follower (the stream's server
  // polls every 200 ms); as it is then, when it is not.
  dv1::Event AwaitClosed(const std::string& id) {
    const absl::Time deadline = absl::Now() + absl::Seconds(10);
    dv1::Event e = Get(id);
    while (e.status() != dv1::EVENT_STATUS_CLOSED && absl::Now() < deadline) {
      absl::SleepFor(absl::Milliseconds(50));
      e = Get(id);
    }
    return e;
  }

  ov1::Complaint Complaint(const std::string& id) {
    ov1::GetComplaintRequest request;
    request.set_id(id);
    ov1::GetComplaintResponse response;
    Ok(Call(disorder_, complaints_.get(), &ov1::DisorderService::Stub::GetComplaint, kAdmin,
            request, &response));
    return response.complaint();
  }

  // Every complaint of the disorder track.
  std::vector<ov1::Complaint> Complaints() {
    ov1::ListComplaintsRequest request;
    request.set_page_size(500);
    ov1::ListComplaintsResponse response;
    Ok(Call(disorder_, complaints_.get(), &ov1::DisorderService::Stub::ListComplaints, kAdmin,
            request, &response));
    EXPECT_TRUE(response.next_page_token().empty());
    return {response.complaints().begin(), response.complaints().end()};
  }

  // How many complaints of the disorder track say they are event `id`'s.
  int ComplaintsOf(const std::string& id) {
    int n = 0;
    for (const ov1::Complaint& c : Complaints()) {
      if (absl::StrContains(c.description(), id)) ++n;
    }
    return n;
  }

  hzv1::Hazard Hazard(const std::string& id) {
    hzv1::GetHazardRequest request;
    request.set_id(id);
    hzv1::GetHazardResponse response;
    Ok(Call(hazard_, hazards_.get(), &hzv1::HazardService::Stub::GetHazard, kAdmin, request,
            &response));
    return response.hazard();
  }

  FakeClock clock_;
  gov::testing::TempDir dir_;
  gov::testing::TrackHarness disorder_{"disorder", &clock_, PeerTokens()};
  gov::testing::TrackHarness hazard_{"hazard", &clock_, PeerTokens()};
  gov::testing::TrackHarness h_{kTrack, &clock_, Tokens()};
  std::unique_ptr<dv1::DigitalService::Stub> stub_;
  std::unique_ptr<ov1::DisorderService::Stub> complaints_;
  std::unique_ptr<hzv1::HazardService::Stub> hazards_;
  int counter_ = 0;
};

// 1. A mobile stall goes to the disorder track as a City Eye complaint.
TEST_F(DigitalEventsTest, AMobileStallIsDispatchedAsACityEyeComplaintOfTheDisorderTrack) {
  const dv1::ReportEventRequest request = NewEvent(dv1::EVENT_TYPE_MOBILE_STALL, "GS01-C02");
  const dv1::ReportEventResponse r = Report(request);
  EXPECT_TRUE(r.created());
  const dv1::Event& e = r.event();
  EXPECT_TRUE(absl::StartsWith(e.id(), "EV-")) << e.id();
  EXPECT_EQ(e.status(), dv1::EVENT_STATUS_DISPATCHED);
  EXPECT_EQ(e.dispatch().track(), "disorder");
  EXPECT_EQ(e.dispatch().method(), kSubmitComplaint);
  EXPECT_EQ(e.dispatch().attempts(), 1);
  EXPECT_EQ(e.dispatch().last_error(), "");
  EXPECT_EQ(FromTimestamp(e.dispatch().dispatch_time()), clock_.Now());
  // Due the route's 24 hours after its detection.
  EXPECT_EQ(FromTimestamp(e.due_time()),
            FromTimestamp(request.event().detect_time()) + absl::Hours(24));
  ASSERT_FALSE(e.dispatch().case_id().empty());

  const ov1::Complaint c = Complaint(e.dispatch().case_id());
  EXPECT_EQ(c.id(), e.dispatch().case_id());
  EXPECT_EQ(c.channel(), ov1::CHANNEL_CITY_EYE);
  EXPECT_EQ(c.category(), ov1::COMPLAINT_CATEGORY_MOBILE_STALL);
  EXPECT_EQ(c.region().street_id(), "GS01");
  EXPECT_EQ(c.region().community_id(), "GS01-C02");
  EXPECT_EQ(c.address(), "和睦路12号");
  EXPECT_THAT(c.description(), HasSubstr("流动摊贩占道经营（测试）"));
  EXPECT_THAT(c.description(), HasSubstr(e.id()));
  EXPECT_EQ(e.dispatch().case_status(), EnumKey(c.status()));

  const dv1::Event read = Get(e.id());
  EXPECT_EQ(read.status(), dv1::EVENT_STATUS_DISPATCHED);
  EXPECT_EQ(read.dispatch().case_id(), c.id());
  ASSERT_FALSE(read.history().empty());
  EXPECT_EQ(read.history(read.history_size() - 1).action(), kDispatch);
}

// 2. A blocked fire lane goes to the hazard track as a City Eye hazard.
TEST_F(DigitalEventsTest, AFireLaneBlockedBecomesACityEyeHazardOfTheHazardTrack) {
  const dv1::Event e = ReportNew(dv1::EVENT_TYPE_FIRE_LANE_BLOCKED, "GS01-C01");
  EXPECT_EQ(e.status(), dv1::EVENT_STATUS_DISPATCHED);
  EXPECT_EQ(e.dispatch().track(), "hazard");
  EXPECT_EQ(e.dispatch().method(), kReportHazard);
  ASSERT_FALSE(e.dispatch().case_id().empty());

  const hzv1::Hazard hz = Hazard(e.dispatch().case_id());
  EXPECT_EQ(hz.type(), hzv1::HAZARD_TYPE_FIRE_LANE);
  EXPECT_EQ(hz.source(), hzv1::HAZARD_SOURCE_CITY_EYE);
  EXPECT_EQ(hz.severity(), hzv1::SEVERITY_GENERAL);
  EXPECT_EQ(hz.region().street_id(), "GS01");
  EXPECT_EQ(hz.region().community_id(), "GS01-C01");
  EXPECT_THAT(hz.description(), HasSubstr(e.id()));
  EXPECT_EQ(e.dispatch().case_status(), EnumKey(hz.status()));
  EXPECT_THAT(Complaints(), IsEmpty()) << "a hazard's event went to the disorder track too";
}

// 3. Retries make neither a second event nor a second complaint.
TEST_F(DigitalEventsTest, ARetriedReportAndARepeatedDispatchMakeNoSecondComplaint) {
  const dv1::ReportEventRequest request = NewEvent();
  const dv1::Event first = Report(request).event();
  ASSERT_EQ(first.status(), dv1::EVENT_STATUS_DISPATCHED);
  ASSERT_EQ(Complaints().size(), 1u);
  const std::string before = h_.StoreSnapshot();

  const dv1::ReportEventResponse retry = Report(request);
  EXPECT_FALSE(retry.created());
  EXPECT_EQ(retry.event().id(), first.id());
  EXPECT_EQ(retry.event().status(), dv1::EVENT_STATUS_DISPATCHED);
  EXPECT_EQ(retry.event().dispatch().case_id(), first.dispatch().case_id());
  EXPECT_EQ(retry.event().dispatch().attempts(), 1);
  EXPECT_EQ(Complaints().size(), 1u);

  // A DISPATCHED event is answered as it is: nothing called, nothing written.
  const dv1::Event again = Dispatch(first.id());
  EXPECT_EQ(again.status(), dv1::EVENT_STATUS_DISPATCHED);
  EXPECT_EQ(again.dispatch().attempts(), 1);
  EXPECT_EQ(again.etag(), first.etag());
  EXPECT_EQ(Complaints().size(), 1u);
  EXPECT_EQ(ComplaintsOf(first.id()), 1);
  EXPECT_EQ(h_.StoreSnapshot(), before);

  // The same request_id for another event is the caller's mistake.
  dv1::ReportEventRequest other = request;
  other.mutable_event()->set_description("另一起事件（测试）");
  const Outcome o = TryReport(kSystem, other);
  EXPECT_EQ(o.code(), grpc::StatusCode::ALREADY_EXISTS) << Describe(o);
  EXPECT_EQ(h_.StoreSnapshot(), before);
}

// 4. The owning track unreachable: the report succeeds, the event waits DETECTED.
TEST_F(DigitalEventsTest, AnUnreachableOwningTrackLeavesTheEventDetectedUntilADispatchGetsThrough) {
  RestartDigital(DeadAddress());
  const dv1::ReportEventRequest retried = NewEvent(dv1::EVENT_TYPE_NON_MOTOR_PARKING);
  const dv1::Event a = ReportNew();
  const dv1::Event b = Report(retried).event();
  const dv1::Event swept = ReportNew(dv1::EVENT_TYPE_OUT_OF_SHOP, "GS02-C01");
  for (const dv1::Event& e : {a, b, swept}) {
    SCOPED_TRACE(e.id());
    EXPECT_EQ(e.status(), dv1::EVENT_STATUS_DETECTED);
    EXPECT_EQ(e.dispatch().attempts(), 1);
    EXPECT_EQ(e.dispatch().track(), "disorder");
    EXPECT_THAT(e.dispatch().last_error(), HasSubstr("track disorder"));
    EXPECT_EQ(e.dispatch().last_code(), "UNAVAILABLE");
    EXPECT_EQ(e.dispatch().case_id(), "");
  }
  // Tried again while still unreachable: still DETECTED, one attempt more.
  const dv1::Event still = Dispatch(a.id());
  EXPECT_EQ(still.status(), dv1::EVENT_STATUS_DETECTED);
  EXPECT_EQ(still.dispatch().attempts(), 2);
  EXPECT_FALSE(still.dispatch().last_error().empty());
  EXPECT_THAT(Complaints(), IsEmpty());
  EXPECT_THAT(ListIds("", {dv1::EVENT_STATUS_DETECTED}),
              UnorderedElementsAre(swept.id(), b.id(), a.id()));

  // The digital track again, now reaching the disorder track: each is dispatched once.
  RestartDigital(disorder_.address());
  const dv1::Event dispatched = Dispatch(a.id(), kOperator1);
  EXPECT_EQ(dispatched.status(), dv1::EVENT_STATUS_DISPATCHED);
  EXPECT_EQ(dispatched.dispatch().attempts(), 3);
  EXPECT_EQ(dispatched.dispatch().last_error(), "");
  EXPECT_EQ(Complaint(dispatched.dispatch().case_id()).channel(), ov1::CHANNEL_CITY_EYE);
  EXPECT_THAT(Actions(Get(a.id())),
              ElementsAre(::testing::_, kDispatchFailed, kDispatchFailed, kDispatch));
  // A retried report of an event left DETECTED dispatches it.
  const dv1::ReportEventResponse retry = Report(retried);
  EXPECT_FALSE(retry.created());
  EXPECT_EQ(retry.event().id(), b.id());
  EXPECT_EQ(retry.event().status(), dv1::EVENT_STATUS_DISPATCHED);
  EXPECT_EQ(retry.event().dispatch().attempts(), 2);
  // The sweep sends the rest.
  const absl::Status scanned = h_.track().ScanBreaches();
  EXPECT_TRUE(scanned.ok()) << scanned;
  EXPECT_EQ(Get(swept.id()).status(), dv1::EVENT_STATUS_DISPATCHED);
  EXPECT_THAT(ListIds("", {dv1::EVENT_STATUS_DETECTED}), IsEmpty());

  EXPECT_EQ(Complaints().size(), 3u);
  for (const dv1::Event& e : {a, b, swept}) EXPECT_EQ(ComplaintsOf(e.id()), 1) << e.id();
  // Nothing more on another round.
  EXPECT_TRUE(h_.track().ScanBreaches().ok());
  EXPECT_EQ(Dispatch(a.id()).dispatch().attempts(), 3);
  EXPECT_EQ(Complaints().size(), 3u);
}

// A track that refuses the dispatch (here: this service's token) leaves the event DETECTED with
// the code; the sweep does not try it again, DispatchEvent does once the cause is mended.
TEST_F(DigitalEventsTest, ADispatchTheTrackRefusesWaitsForAnOperatorNotForTheSweep) {
  gov::testing::WriteFile(h_.config().peer_token_file, "tok-not-known-there\n");
  RestartDigital(disorder_.address());
  const dv1::Event refused = ReportNew();
  EXPECT_EQ(refused.status(), dv1::EVENT_STATUS_DETECTED);
  EXPECT_EQ(refused.dispatch().last_code(), "INTERNAL");
  EXPECT_THAT(refused.dispatch().last_error(), HasSubstr("peer token"));
  const absl::Status scanned = h_.track().ScanBreaches();
  EXPECT_TRUE(scanned.ok()) << scanned;
  EXPECT_EQ(Get(refused.id()).dispatch().attempts(), 1);
  EXPECT_THAT(Complaints(), IsEmpty());

  gov::testing::WriteFile(h_.config().peer_token_file, std::string(kPeer) + "\n");
  RestartDigital(disorder_.address());
  EXPECT_TRUE(h_.track().ScanBreaches().ok());
  EXPECT_EQ(Get(refused.id()).dispatch().attempts(), 1);
  const dv1::Event dispatched = Dispatch(refused.id());
  EXPECT_EQ(dispatched.status(), dv1::EVENT_STATUS_DISPATCHED);
  EXPECT_EQ(dispatched.dispatch().last_code(), "");
  EXPECT_EQ(dispatched.dispatch().attempts(), 2);
  EXPECT_EQ(ComplaintsOf(refused.id()), 1);
}

// Followed through the disorder track's change stream: a complaint resolved there closes its
// event here, by its deadline (Dispose) or after it (DisposeLate), and the disposal rate counts
// them. With the digital track stopped while a complaint is resolved, the event closes once it
// is back: the stream resumes from the position kept.
TEST_F(DigitalEventsTest, AnEventClosesWhenItsCaseIsResolvedThereAlsoAcrossARestart) {
  const dv1::Event a = ReportNew();
  const dv1::Event b = ReportNew(dv1::EVENT_TYPE_EXPOSED_RUBBISH, "GS02-C01");
  const dv1::Event late = ReportNew(dv1::EVENT_TYPE_NON_MOTOR_PARKING);
  for (const dv1::Event& e : {a, b, late}) ASSERT_EQ(e.status(), dv1::EVENT_STATUS_DISPATCHED);

  ResolveComplaint(a.dispatch().case_id());
  const dv1::Event closed = AwaitClosed(a.id());
  EXPECT_EQ(closed.status(), dv1::EVENT_STATUS_CLOSED);
  EXPECT_TRUE(closed.disposed_in_time());
  EXPECT_EQ(closed.dispatch().case_status(), "RESOLVED");
  EXPECT_EQ(Actions(Get(a.id())).back(), kDispose);
  // Accepted only: still with the owning track.
  EXPECT_EQ(Get(b.id()).status(), dv1::EVENT_STATUS_DISPATCHED);

  // The digital track down while b's complaint is resolved: b closes once it is back.
  h_.Stop();
  h_.redis().Stop();
  ResolveComplaint(b.dispatch().case_id());
  StartDigital();
  EXPECT_EQ(AwaitClosed(b.id()).status(), dv1::EVENT_STATUS_CLOSED);

  // Past its 24 hours: closed late.
  clock_.Advance(absl::Hours(30));
  ResolveComplaint(late.dispatch().case_id());
  const dv1::Event closed_late = AwaitClosed(late.id());
  EXPECT_EQ(closed_late.status(), dv1::EVENT_STATUS_CLOSED);
  EXPECT_FALSE(closed_late.disposed_in_time());
  EXPECT_EQ(Actions(Get(late.id())).back(), kDisposeLate);

  // Two of the three closed in April by their deadline.
  EXPECT_EQ(h_.IndicatorValue(kAdmin, "disposal_rate", gov::testing::Month(2026, 4)), 6667);
  // Each complaint was seen once: nothing closed twice, no step added on another round.
  EXPECT_THAT(Actions(Get(a.id())), ElementsAre(::testing::_, kDispatch, kDispose));
}

// 5. A camera's event: a registered camera of the event's street.
TEST_F(DigitalEventsTest, ACameraEventIsCheckedAgainstTheRegisteredCameras) {
  dv1::RegisterCameraRequest camera;
  camera.set_request_id(Rid());
  dv1::Camera* c = camera.mutable_camera();
  c->set_feed_code("33010501011320000077");
  c->set_name("和睦社区小区东门01");
  c->set_kind(dv1::CAMERA_KIND_FIXED);
  *c->mutable_region() = Region("GS01", "GS01-C03", "GS01-C03-G02");
  c->set_location("和睦路12号东门");
  c->set_connect_day("2026-03-20");
  dv1::RegisterCameraResponse registered;
  const Outcome o =
      Digital(&dv1::DigitalService::Stub::RegisterCamera, kAdmin, camera, &registered);
  ASSERT_TRUE(o.status.ok()) << Describe(o);
  const std::string camera_id = registered.camera().id();

  dv1::ReportEventRequest request = NewEvent(dv1::EVENT_TYPE_EXPOSED_RUBBISH);
  request.mutable_event()->set_source(dv1::EVENT_SOURCE_CAMERA);
  request.mutable_event()->set_camera_id(camera_id);
  *request.mutable_event()->mutable_region() = Region("GS01");

  ExpectRefusals<dv1::ReportEventRequest>(
      h_, request,
      {
          {"an unknown camera", [](auto& r) { r.mutable_event()->set_camera_id("CE-999999"); },
           "event.camera_id"},
          {"no camera for a camera's event", [](auto& r) { r.mutable_event()->clear_camera_id(); },
           "event.camera_id"},
          {"a camera of another street",
           [](auto& r) { *r.mutable_event()->mutable_region() = Region("GS02"); },
           "event.region.street_id"},
          {"a camera for a grid patrol's",
           [](auto& r) { r.mutable_event()->set_source(dv1::EVENT_SOURCE_GRID_PATROL); },
           "event.camera_id"},
      },
      [&](const dv1::ReportEventRequest& r) { return TryReport(kSystem, r); });

  // Without a community, the event takes the camera's.
  const dv1::Event e = Report(request).event();
  EXPECT_EQ(e.source(), dv1::EVENT_SOURCE_CAMERA);
  EXPECT_EQ(e.camera_id(), camera_id);
  EXPECT_EQ(e.region().street_id(), "GS01");
  EXPECT_EQ(e.region().community_id(), "GS01-C03");
  EXPECT_EQ(e.region().grid_id(), "GS01-C03-G02");
  ASSERT_EQ(e.status(), dv1::EVENT_STATUS_DISPATCHED);
  const ov1::Complaint complaint = Complaint(e.dispatch().case_id());
  EXPECT_EQ(complaint.category(), ov1::COMPLAINT_CATEGORY_STREET_APPEARANCE);
  EXPECT_EQ(complaint.region().community_id(), "GS01-C03");
  EXPECT_THAT(complaint.description(), HasSubstr(camera_id));

  // A community of its own is kept.
  request.set_request_id(Rid());
  *request.mutable_event()->mutable_region() = Region("GS01", "GS01-C01");
  EXPECT_EQ(Report(request).event().region().community_id(), "GS01-C01");
}

// 6. Bad reports are refused naming the field, and write nothing.
TEST_F(DigitalEventsTest, ABadReportIsRefusedNamingTheFieldAndWritesNothing) {
  const absl::Time now = clock_.Now();
  const dv1::ReportEventRequest valid = NewEvent();
  ExpectRefusals<dv1::ReportEventRequest>(
      h_, valid,
      {
          {"no request_id", [](auto& r) { r.clear_request_id(); }, "request_id"},
          {"no type", [](auto& r) { r.mutable_event()->clear_type(); }, "event.type"},
          {"an unknown type",
           [](auto& r) { r.mutable_event()->set_type(static_cast<dv1::EventType>(99)); },
           "event.type"},
          {"no source", [](auto& r) { r.mutable_event()->clear_source(); }, "event.source"},
          {"no street", [](auto& r) { r.mutable_event()->clear_region(); },
           "event.region.street_id"},
          {"a community without its street",
           [](auto& r) { r.mutable_event()->mutable_region()->clear_street_id(); },
           "event.region.street_id"},
          {"an unknown street",
           [](auto& r) { *r.mutable_event()->mutable_region() = Region("GS99"); },
           "event.region.street_id"},
          {"a community of another street",
           [](auto& r) { *r.mutable_event()->mutable_region() = Region("GS01", "GS02-C01"); },
           "event.region.community_id"},
          {"no description", [](auto& r) { r.mutable_event()->clear_description(); },
           "event.description"},
          {"a description over 1000 characters",
           [](auto& r) { r.mutable_event()->set_description(std::string(1001, 'x')); },
           "event.description"},
          {"an address over 200 characters",
           [](auto& r) { r.mutable_event()->set_address(std::string(201, 'x')); }, "event.address"},
          {"no detect_time", [](auto& r) { r.mutable_event()->clear_detect_time(); },
           "event.detect_time"},
          {"detected in the future",
           [&](auto& r) {
             *r.mutable_event()->mutable_detect_time() = ToTimestamp(now + absl::Minutes(6));
           },
           "event.detect_time"},
          {"detected over 7 days ago",
           [&](auto& r) {
             *r.mutable_event()->mutable_detect_time() =
                 ToTimestamp(now - absl::Hours(24 * 7) - absl::Minutes(1));
           },
           "event.detect_time"},
          {"a snapshot_ref over 500 characters",
           [](auto& r) { r.mutable_event()->set_snapshot_ref(std::string(501, 'x')); },
           "event.snapshot_ref"},
      },
      [&](const dv1::ReportEventRequest& r) { return TryReport(kSystem, r); });
  EXPECT_THAT(Complaints(), IsEmpty()) << "a refused report was dispatched";

  // Each limit itself is taken in.
  const std::vector<std::function<void(dv1::Event&)>> limits = {
      [](dv1::Event& e) { e.set_description(std::string(1000, 'x')); },
      [](dv1::Event& e) { e.set_snapshot_ref(std::string(500, 'x')); },
      [&](dv1::Event& e) { *e.mutable_detect_time() = ToTimestamp(now + absl::Minutes(4)); },
      [&](dv1::Event& e) {
        *e.mutable_detect_time() = ToTimestamp(now - absl::Hours(24 * 7) + absl::Minutes(1));
      },
  };
  for (const auto& limit : limits) {
    dv1::ReportEventRequest request = valid;
    request.set_request_id(Rid());
    limit(*request.mutable_event());
    const dv1::ReportEventResponse r = Report(request);
    EXPECT_TRUE(r.created());
    EXPECT_EQ(r.event().status(), dv1::EVENT_STATUS_DISPATCHED)
        << r.event().dispatch().last_error();
  }
  EXPECT_EQ(Complaints().size(), limits.size());
}

// 7. Dismissal: a DETECTED event only, under its etag, with a reason.
TEST_F(DigitalEventsTest, OnlyADetectedEventIsDismissedUnderItsEtagWithAReason) {
  // The hazard track down: hazards' events wait DETECTED.
  hazard_.Stop();
  const dv1::Event e = ReportNew(dv1::EVENT_TYPE_EBIKE_INDOORS, "GS01-C01");
  ASSERT_EQ(e.status(), dv1::EVENT_STATUS_DETECTED);
  EXPECT_THAT(e.dispatch().last_error(), HasSubstr("track hazard"));
  const dv1::Event tried = Dispatch(e.id());
  ASSERT_EQ(tried.dispatch().attempts(), 2);

  const std::string before = h_.StoreSnapshot();
  ExpectInvalid(TryDismiss(kOperator1, e.id(), tried.etag(), ""), "reason");
  ExpectRefused(TryDismiss(kOperator1, e.id(), e.etag(), "误报"), grpc::StatusCode::ABORTED, "");
  ExpectRefused(TryDismiss(kSystem, e.id(), tried.etag(), "误报"),
                grpc::StatusCode::PERMISSION_DENIED, "");
  ExpectRefused(TryDismiss(kOperator2, e.id(), tried.etag(), "误报"),
                grpc::StatusCode::PERMISSION_DENIED, "");
  EXPECT_EQ(h_.StoreSnapshot(), before);

  dv1::Event dismissed;
  const Outcome o =
      TryDismiss(kOperator1, e.id(), tried.etag(), "误报：车辆停放在楼外", &dismissed);
  ASSERT_TRUE(o.status.ok()) << Describe(o);
  EXPECT_EQ(dismissed.status(), dv1::EVENT_STATUS_DISMISSED);
  EXPECT_EQ(dismissed.dismiss_reason(), "误报：车辆停放在楼外");
  ExpectRefused(TryDispatch(kSystem, e.id()), grpc::StatusCode::FAILED_PRECONDITION, "");

  // A DISPATCHED event is the owning track's to settle.
  const dv1::Event sent = ReportNew();
  ASSERT_EQ(sent.status(), dv1::EVENT_STATUS_DISPATCHED);
  ExpectRefused(TryDismiss(kOperator1, sent.id(), sent.etag(), "误报"),
                grpc::StatusCode::FAILED_PRECONDITION, "");
  EXPECT_EQ(Get(sent.id()).status(), dv1::EVENT_STATUS_DISPATCHED);

  // The statuses filter.
  EXPECT_THAT(ListIds("", {dv1::EVENT_STATUS_DISMISSED}), ElementsAre(e.id()));
  EXPECT_THAT(ListIds("", {dv1::EVENT_STATUS_DISPATCHED}), ElementsAre(sent.id()));
  EXPECT_THAT(ListIds("", {dv1::EVENT_STATUS_DETECTED}), IsEmpty());
  EXPECT_THAT(ListIds("", {dv1::EVENT_STATUS_DISMISSED, dv1::EVENT_STATUS_DISPATCHED}),
              UnorderedElementsAre(sent.id(), e.id()));
}

// 8. The community's part: once, on a DISPATCHED event; its note is personal.
TEST_F(DigitalEventsTest, TheCommunitysPartIsRecordedOnceOnADispatchedEventWithAPersonalNote) {
  const dv1::Event e = ReportNew();
  ASSERT_EQ(e.status(), dv1::EVENT_STATUS_DISPATCHED);
  ExpectInvalid(TryCoGovern(kOperator1, e.id(), e.etag(), "", "劝离"), "co_governance.party");
  clock_.Advance(absl::Minutes(30));

  dv1::Event recorded;
  const std::string note = "网格员张某劝离摊主（电话 138-0000-1234）";
  const Outcome o = TryCoGovern(kOperator1, e.id(), e.etag(), "社区网格员、物业", note, &recorded);
  ASSERT_TRUE(o.status.ok()) << Describe(o);
  EXPECT_EQ(recorded.status(), dv1::EVENT_STATUS_DISPATCHED);
  EXPECT_EQ(recorded.co_governance().party(), "社区网格员、物业");
  EXPECT_EQ(recorded.co_governance().note(), note);
  EXPECT_EQ(FromTimestamp(recorded.co_governance().record_time()), clock_.Now());

  const std::string before = h_.StoreSnapshot();
  ExpectRefused(TryCoGovern(kSystem, e.id(), recorded.etag(), "志愿者", ""),
                grpc::StatusCode::FAILED_PRECONDITION, "");
  ExpectRefused(TryCoGovern(kSystem, e.id(), e.etag(), "志愿者", ""), grpc::StatusCode::ABORTED,
                "");
  EXPECT_EQ(h_.StoreSnapshot(), before);
  EXPECT_EQ(Get(e.id()).co_governance().party(), "社区网格员、物业");

  // The note for the street and the systems, not for a viewer.
  EXPECT_EQ(Get(e.id(), kOperator1).co_governance().note(), note);
  EXPECT_EQ(Get(e.id(), kSystem).co_governance().note(), note);
  const dv1::Event seen = Get(e.id(), kViewer);
  EXPECT_EQ(seen.co_governance().party(), "社区网格员、物业");
  EXPECT_EQ(seen.co_governance().note(), "");
  dv1::ListEventsResponse listed;
  ASSERT_TRUE(TryList(kViewer, {}, &listed).status.ok());
  ASSERT_EQ(listed.events_size(), 1);
  EXPECT_EQ(listed.events(0).co_governance().note(), "");

  // Not on an event still DETECTED.
  hazard_.Stop();
  const dv1::Event waiting = ReportNew(dv1::EVENT_TYPE_SMOKE_FIRE, "GS01-C01");
  ASSERT_EQ(waiting.status(), dv1::EVENT_STATUS_DETECTED);
  ExpectRefused(TryCoGovern(kOperator1, waiting.id(), waiting.etag(), "物业", ""),
                grpc::StatusCode::FAILED_PRECONDITION, "");
  EXPECT_FALSE(Get(waiting.id()).has_co_governance());
}

// 9. The list by the track an event went to, its type and its status.
TEST_F(DigitalEventsTest, EventsAreListedByTheTrackTheyWentTo) {
  const dv1::Event stall = ReportNew(dv1::EVENT_TYPE_MOBILE_STALL, "GS01-C02");
  clock_.Advance(absl::Minutes(1));
  const dv1::Event fire_lane = ReportNew(dv1::EVENT_TYPE_FIRE_LANE_BLOCKED, "GS01-C01");
  clock_.Advance(absl::Minutes(1));
  const dv1::Event parking = ReportNew(dv1::EVENT_TYPE_NON_MOTOR_PARKING, "GS02-C01");

  EXPECT_THAT(ListIds(""), ElementsAre(parking.id(), fire_lane.id(), stall.id()));
  EXPECT_THAT(ListIds("disorder"), ElementsAre(parking.id(), stall.id()));
  EXPECT_THAT(ListIds("hazard"), ElementsAre(fire_lane.id()));
  EXPECT_THAT(ListIds("mediation"), IsEmpty());
  EXPECT_THAT(ListIds("disorder", {}, kAdmin, {dv1::EVENT_TYPE_MOBILE_STALL}),
              ElementsAre(stall.id()));
  EXPECT_THAT(ListIds("disorder", {}, kAdmin, {dv1::EVENT_TYPE_FIRE_LANE_BLOCKED}), IsEmpty());
  EXPECT_THAT(ListIds("disorder", {dv1::EVENT_STATUS_DISPATCHED}),
              ElementsAre(parking.id(), stall.id()));
  EXPECT_THAT(ListIds("disorder", {dv1::EVENT_STATUS_DETECTED}), IsEmpty());
  // Within the caller's streets.
  EXPECT_THAT(ListIds("disorder", {}, kOperator1), ElementsAre(stall.id()));
  EXPECT_THAT(ListIds("", {}, kOperator2), ElementsAre(parking.id()));

  dv1::ListEventsRequest request;
  request.set_track("nosuch");
  ExpectInvalid(TryList(kAdmin, request), "track");
}

// 10. Who may report, and where.
TEST_F(DigitalEventsTest, OnlyTheStreetsAndThePlatformReportEventsWithinTheirStreets) {
  const std::string before = h_.StoreSnapshot();
  ExpectRefused(TryReport(kViewer, NewEvent()), grpc::StatusCode::PERMISSION_DENIED, "");
  ExpectRefused(TryReport(kOperator1, NewEvent(dv1::EVENT_TYPE_MOBILE_STALL, "GS02-C01")),
                grpc::StatusCode::PERMISSION_DENIED, "");
  ExpectRefused(TryReport("", NewEvent()), grpc::StatusCode::UNAUTHENTICATED, "");
  EXPECT_EQ(h_.StoreSnapshot(), before);
  EXPECT_THAT(Complaints(), IsEmpty());

  const dv1::Event own = Report(NewEvent(), kOperator1).event();
  EXPECT_EQ(own.status(), dv1::EVENT_STATUS_DISPATCHED);
  EXPECT_EQ(Complaints().size(), 1u);
  // Another street's operator neither reads nor dispatches it; a viewer reads it.
  ExpectRefused(TryGet(kOperator2, own.id()), grpc::StatusCode::PERMISSION_DENIED, "");
  ExpectRefused(TryDispatch(kOperator2, own.id()), grpc::StatusCode::PERMISSION_DENIED, "");
  ExpectRefused(TryDispatch(kViewer, own.id()), grpc::StatusCode::PERMISSION_DENIED, "");
  EXPECT_TRUE(TryGet(kViewer, own.id()).status.ok());
}

}  // namespace
}  // namespace gov::digital
