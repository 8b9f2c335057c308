// Joint enforcement of muck-truck complaints (渣土运输联合执法, 加派) end to end: the real
// disorder track behind the real server over gRPC on loopback, on the test's store and a real
// redis-server, with the rules of data/disorder.json (muck trucks go to the joint enforcement
// team D-ZT; the units it may add are D-JJ, D-JT, D-ZJ, D-HB and the streets' enforcement teams)
// and a fake clock starting at Monday 15 June 2026, 10:00 in the district's time zone.

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/auth/auth.h"
#include "common/clock/clock.h"
#include "common/util/proto.h"
#include "gmock/gmock.h"
#include "governance/disorder/v1/disorder.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "services/disorder/track.h"
#include "tests/support/test_support.h"
#include "tests/support/track_harness.h"

namespace gov::disorder {
namespace {

namespace gv1 = ::governance::v1;
using dv1::DisorderService;
using gov::testing::Describe;
using gov::testing::ExpectRefusals;
using gov::testing::ExpectRefused;
using gov::testing::Local;
using gov::testing::Outcome;
using gov::testing::Refusal;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kAdmin[] = "tok-admin";
constexpr char kSystem[] = "tok-system";
constexpr char kOperator1[] = "tok-operator-gs01";
constexpr char kOperator2[] = "tok-operator-gs02";
constexpr char kViewer[] = "tok-viewer";

constexpr dv1::ComplaintCategory kMuck = dv1::COMPLAINT_CATEGORY_MUCK_TRUCK;
constexpr dv1::JointStepStatus kAssigned = dv1::JOINT_STEP_STATUS_ASSIGNED;
constexpr dv1::JointStepStatus kDone = dv1::JOINT_STEP_STATUS_DONE;

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

std::vector<std::string> JointIds(const dv1::Complaint& c) {
  std::vector<std::string> out;
  for (const dv1::JointUnit& j : c.joint_units()) out.push_back(j.unit_id());
  return out;
}

class DisorderJointTest : public ::testing::Test {
 protected:
  DisorderJointTest() : clock_(Local(2026, 6, 15, 10, 0)) {}

  void SetUp() override {
    absl::Status started = h_.Start(track::Factory<DisorderTrack>("disorder"));
    ASSERT_TRUE(started.ok()) << started;
    stub_ = DisorderService::NewStub(h_.channel());
  }

  static std::vector<gov::testing::TestToken> Tokens() {
    return {
        {kAdmin, "admin", auth::kDistrictAdmin, {}},
        {kSystem, "muck-platform", auth::kSystem, {}},
        {kOperator1, "operator-gs01", auth::kStreetOperator, {"GS01"}},
        {kOperator2, "operator-gs02", auth::kStreetOperator, {"GS02"}},
        {kViewer, "viewer", auth::kViewer, {}},
    };
  }

  DisorderTrack& track() { return static_cast<DisorderTrack&>(h_.track()); }

  // ---- RPCs ----

  dv1::Complaint Submit(dv1::ComplaintCategory category, const std::string& street = "GS01") {
    dv1::SubmitComplaintRequest request;
    request.set_request_id(absl::StrCat("submit-", ++requests_));
    dv1::Complaint* c = request.mutable_complaint();
    c->set_category(category);
    c->set_channel(dv1::CHANNEL_HOTLINE);
    c->mutable_region()->set_street_id(street);
    c->set_address("环城北路与和睦路口");
    c->set_description("渣土车沿路抛洒（测试）");
    c->mutable_reporter()->set_name("王先生");
    dv1::SubmitComplaintResponse response;
    const Outcome o = h_.Rpc(kSystem, [&](grpc::ClientContext* ctx) {
      return stub_->SubmitComplaint(ctx, request, &response);
    });
    EXPECT_TRUE(o.status.ok()) << Describe(o);
    return response.complaint();
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
  dv1::Complaint Get(const std::string& id, const std::string& token = kAdmin) {
    dv1::Complaint c;
    const Outcome o = TryGet(token, id, &c);
    EXPECT_TRUE(o.status.ok()) << id << " " << Describe(o);
    return c;
  }

  dv1::Complaint Accept(const dv1::Complaint& c) {
    dv1::AcceptComplaintRequest request;
    request.set_id(c.id());
    request.set_etag(Get(c.id()).etag());
    dv1::AcceptComplaintResponse response;
    const Outcome o = h_.Rpc(kSystem, [&](grpc::ClientContext* ctx) {
      return stub_->AcceptComplaint(ctx, request, &response);
    });
    EXPECT_TRUE(o.status.ok()) << Describe(o);
    return response.complaint();
  }

  Outcome TryResolve(const std::string& token, const std::string& id, const std::string& etag,
                     dv1::Complaint* out = nullptr) {
    dv1::ResolveComplaintRequest request;
    request.set_id(id);
    request.set_etag(etag);
    request.set_outcome(dv1::RESOLUTION_OUTCOME_PENALISED);
    request.set_resolution("联合执法查处抛洒渣土车辆");
    dv1::ResolveComplaintResponse response;
    Outcome o = h_.Rpc(token, [&](grpc::ClientContext* c) {
      return stub_->ResolveComplaint(c, request, &response);
    });
    if (out != nullptr) *out = response.complaint();
    return o;
  }

  Outcome TryAdd(const std::string& token, const dv1::AddJointUnitRequest& request,
                 dv1::AddJointUnitResponse* out = nullptr) {
    dv1::AddJointUnitResponse response;
    Outcome o = h_.Rpc(
        token, [&](grpc::ClientContext* c) { return stub_->AddJointUnit(c, request, &response); });
    if (out != nullptr) *out = response;
    return o;
  }
  dv1::AddJointUnitRequest AddRequest(const dv1::Complaint& c, const std::string& unit,
                                      const std::string& request_id = "",
                                      const std::string& note = "") {
    dv1::AddJointUnitRequest request;
    request.set_id(c.id());
    request.set_etag(c.etag());
    request.set_request_id(request_id.empty() ? absl::StrCat("add-", ++requests_) : request_id);
    request.set_unit_id(unit);
    request.set_note(note);
    return request;
  }
  // Adds `unit` to the complaint as it is now.
  dv1::Complaint Add(const std::string& id, const std::string& unit,
                     const std::string& token = kAdmin) {
    dv1::AddJointUnitResponse response;
    const Outcome o = TryAdd(token, AddRequest(Get(id), unit), &response);
    EXPECT_TRUE(o.status.ok()) << unit << " " << Describe(o);
    EXPECT_TRUE(response.added());
    return response.complaint();
  }

  Outcome TryComplete(const std::string& token, const dv1::CompleteJointStepRequest& request,
                      dv1::Complaint* out = nullptr) {
    dv1::CompleteJointStepResponse response;
    Outcome o = h_.Rpc(token, [&](grpc::ClientContext* c) {
      return stub_->CompleteJointStep(c, request, &response);
    });
    if (out != nullptr) *out = response.complaint();
    return o;
  }
  dv1::CompleteJointStepRequest CompleteRequest(const dv1::Complaint& c, const std::string& unit,
                                                const std::string& note = "已到场协同查处") {
    dv1::CompleteJointStepRequest request;
    request.set_id(c.id());
    request.set_etag(c.etag());
    request.set_unit_id(unit);
    request.set_note(note);
    return request;
  }
  dv1::Complaint Complete(const std::string& id, const std::string& unit,
                          const std::string& token = kAdmin) {
    dv1::Complaint out;
    const Outcome o = TryComplete(token, CompleteRequest(Get(id), unit), &out);
    EXPECT_TRUE(o.status.ok()) << unit << " " << Describe(o);
    return out;
  }

  FakeClock clock_;
  gov::testing::TrackHarness h_{"disorder", &clock_, Tokens()};
  std::unique_ptr<DisorderService::Stub> stub_;
  int requests_ = 0;
};

// ---- Adding units and their steps ----

TEST_F(DisorderJointTest, AddsUnitsEachWithItsOwnStepInTheHistory) {
  const absl::Time intake = clock_.Now();
  const dv1::Complaint submitted = Submit(kMuck);
  // Muck trucks go to the joint enforcement team.
  EXPECT_EQ(submitted.unit_id(), "D-ZT");
  EXPECT_EQ(submitted.unit_name(), "区渣土运输联合执法队");
  EXPECT_EQ(submitted.joint_units_size(), 0);

  // Added while DISPATCHED: the traffic police, with a note; the state and clock stay.
  clock_.Advance(absl::Minutes(20));
  const absl::Time first_added = clock_.Now();
  dv1::AddJointUnitResponse added;
  Outcome o = TryAdd(kOperator1, AddRequest(submitted, "D-JJ", "add-jj", "夜间拦查渣土车"), &added);
  ASSERT_TRUE(o.status.ok()) << Describe(o);
  EXPECT_TRUE(added.added());
  const dv1::Complaint& c1 = added.complaint();
  EXPECT_EQ(c1.status(), dv1::COMPLAINT_STATUS_DISPATCHED);
  EXPECT_EQ(c1.unit_id(), "D-ZT");
  EXPECT_EQ(c1.etag(), "v2");
  EXPECT_EQ(c1.due_time().DebugString(), submitted.due_time().DebugString());
  ASSERT_EQ(c1.joint_units_size(), 1);
  const dv1::JointUnit& jj = c1.joint_units(0);
  EXPECT_EQ(jj.unit_id(), "D-JJ");
  EXPECT_EQ(jj.unit_name(), "区交警大队");
  EXPECT_EQ(jj.status(), kAssigned);
  EXPECT_EQ(FromTimestamp(jj.assign_time()), first_added);
  EXPECT_EQ(jj.request_id(), "add-jj");
  EXPECT_EQ(jj.assign_note(), "");  // the answer to a write carries no notes
  EXPECT_FALSE(jj.has_done_time());

  // Another while HANDLING: the street's enforcement team.
  Accept(submitted);
  clock_.Advance(absl::Hours(1));
  const absl::Time second_added = clock_.Now();
  const dv1::Complaint c2 = Add(submitted.id(), "GS01-ZF", kSystem);
  EXPECT_EQ(c2.status(), dv1::COMPLAINT_STATUS_HANDLING);
  EXPECT_THAT(JointIds(c2), ElementsAre("D-JJ", "GS01-ZF"));

  // Each step on its own: the street's team is done first.
  clock_.Advance(absl::Hours(3));
  const absl::Time street_done = clock_.Now();
  dv1::Complaint c3;
  o = TryComplete(kOperator1, CompleteRequest(c2, "GS01-ZF", "已清理路面抛洒物"), &c3);
  ASSERT_TRUE(o.status.ok()) << Describe(o);
  EXPECT_EQ(c3.status(), dv1::COMPLAINT_STATUS_HANDLING);
  ASSERT_EQ(c3.joint_units_size(), 2);
  EXPECT_EQ(c3.joint_units(0).status(), kAssigned);
  EXPECT_EQ(c3.joint_units(1).status(), kDone);
  EXPECT_EQ(FromTimestamp(c3.joint_units(1).done_time()), street_done);
  EXPECT_EQ(FromTimestamp(c3.joint_units(1).assign_time()), second_added);
  EXPECT_EQ(c3.due_time().DebugString(), submitted.due_time().DebugString());

  // GetComplaint shows the units and their steps, notes for the handling roles.
  const dv1::Complaint read = Get(submitted.id());
  ASSERT_EQ(read.joint_units_size(), 2);
  EXPECT_EQ(read.joint_units(0).assign_note(), "夜间拦查渣土车");
  EXPECT_EQ(read.joint_units(0).status(), kAssigned);
  EXPECT_EQ(read.joint_units(1).done_note(), "已清理路面抛洒物");
  EXPECT_EQ(read.joint_units(1).unit_name(), "运河街道综合行政执法队");
  EXPECT_EQ(FromTimestamp(read.submit_time()), intake);
  EXPECT_THAT(Actions(read),
              ElementsAre("Create", "AddJointUnit", "Accept", "AddJointUnit", "CompleteJointStep"));
  const gv1::CaseEvent& add_event = read.history(1);
  EXPECT_EQ(add_event.actor(), "operator-gs01");
  EXPECT_EQ(add_event.from_status(), "DISPATCHED");
  EXPECT_EQ(add_event.to_status(), "DISPATCHED");
  EXPECT_EQ(add_event.note(), "D-JJ: 夜间拦查渣土车");
  EXPECT_EQ(FromTimestamp(add_event.time()), first_added);
  EXPECT_EQ(read.history(3).note(), "GS01-ZF");
  EXPECT_EQ(read.history(3).actor(), "muck-platform");
  EXPECT_EQ(read.history(4).note(), "GS01-ZF: 已清理路面抛洒物");
  EXPECT_EQ(read.history(4).to_status(), "HANDLING");
  // A viewer reads the units and steps without the notes.
  const dv1::Complaint viewed = Get(submitted.id(), kViewer);
  ASSERT_EQ(viewed.joint_units_size(), 2);
  EXPECT_EQ(viewed.joint_units(0).unit_id(), "D-JJ");
  EXPECT_EQ(viewed.joint_units(0).assign_note(), "");
  EXPECT_EQ(viewed.joint_units(1).done_note(), "");
  EXPECT_EQ(viewed.joint_units(1).status(), kDone);

  // The list shows the units too.
  dv1::ListComplaintsRequest list;
  dv1::ListComplaintsResponse listed;
  o = h_.Rpc(kViewer,
             [&](grpc::ClientContext* c) { return stub_->ListComplaints(c, list, &listed); });
  ASSERT_TRUE(o.status.ok()) << Describe(o);
  ASSERT_EQ(listed.complaints_size(), 1);
  EXPECT_THAT(JointIds(listed.complaints(0)), ElementsAre("D-JJ", "GS01-ZF"));
}

TEST_F(DisorderJointTest, ARetriedAddNeverAddsTwice) {
  const dv1::Complaint c = Accept(Submit(kMuck));
  const dv1::AddJointUnitRequest request = AddRequest(c, "D-HB", "retry-1", "扬尘污染");
  dv1::AddJointUnitResponse first;
  Outcome o = TryAdd(kOperator1, request, &first);
  ASSERT_TRUE(o.status.ok()) << Describe(o);
  EXPECT_TRUE(first.added());
  const std::string snapshot = h_.StoreSnapshot();

  // The same request again (its etag stale now), by another caller too: the complaint as it
  // is, nothing written.
  clock_.Advance(absl::Minutes(5));
  for (const char* token : {kOperator1, kSystem}) {
    dv1::AddJointUnitResponse again;
    o = TryAdd(token, request, &again);
    ASSERT_TRUE(o.status.ok()) << token << " " << Describe(o);
    EXPECT_FALSE(again.added());
    EXPECT_EQ(again.complaint().DebugString(), first.complaint().DebugString());
  }
  EXPECT_EQ(h_.StoreSnapshot(), snapshot);
  EXPECT_EQ(Get(c.id()).joint_units_size(), 1);

  // The same request id for another unit is another request.
  dv1::AddJointUnitRequest other = request;
  other.set_unit_id("D-JT");
  other.set_etag(Get(c.id()).etag());
  ExpectRefused(TryAdd(kAdmin, other), grpc::StatusCode::ALREADY_EXISTS, "request_id");
  EXPECT_EQ(h_.StoreSnapshot(), snapshot);

  // The request id belongs to its complaint: on another complaint it adds.
  const dv1::Complaint second = Accept(Submit(kMuck));
  dv1::AddJointUnitRequest elsewhere = request;
  elsewhere.set_id(second.id());
  elsewhere.set_etag(Get(second.id()).etag());
  dv1::AddJointUnitResponse added;
  o = TryAdd(kAdmin, elsewhere, &added);
  ASSERT_TRUE(o.status.ok()) << Describe(o);
  EXPECT_TRUE(added.added());

  // After the complaint moved on (resolved), a retry is still answered with it as it is.
  Complete(c.id(), "D-HB");
  dv1::Complaint resolved;
  ASSERT_TRUE(TryResolve(kAdmin, c.id(), Get(c.id()).etag(), &resolved).status.ok());
  dv1::AddJointUnitResponse late;
  o = TryAdd(kOperator1, request, &late);
  ASSERT_TRUE(o.status.ok()) << Describe(o);
  EXPECT_FALSE(late.added());
  EXPECT_EQ(late.complaint().status(), dv1::COMPLAINT_STATUS_RESOLVED);
  EXPECT_EQ(late.complaint().etag(), resolved.etag());
  ASSERT_EQ(late.complaint().joint_units_size(), 1);
  EXPECT_EQ(late.complaint().joint_units(0).status(), kDone);
}

// ---- Resolution waits for every step ----

TEST_F(DisorderJointTest, ResolutionAndMergeWaitUntilEveryStepIsDone) {
  const dv1::Complaint c = Accept(Submit(kMuck));
  Add(c.id(), "D-JJ");
  Add(c.id(), "D-ZJ");
  Complete(c.id(), "D-JJ");

  // D-ZJ's step is open: refused naming it, nothing written.
  std::string snapshot = h_.StoreSnapshot();
  Outcome o = TryResolve(kAdmin, c.id(), Get(c.id()).etag());
  ExpectRefused(o, grpc::StatusCode::FAILED_PRECONDITION, "id");
  EXPECT_THAT(o.status.error_message(), HasSubstr("D-ZJ"));
  EXPECT_THAT(o.status.error_message(), ::testing::Not(HasSubstr("D-JJ")));
  EXPECT_EQ(h_.StoreSnapshot(), snapshot);
  // Nor merged into another complaint.
  const dv1::Complaint other = Submit(kMuck);
  snapshot = h_.StoreSnapshot();
  dv1::MergeComplaintRequest merge;
  merge.set_id(c.id());
  merge.set_etag(Get(c.id()).etag());
  merge.set_into_id(other.id());
  dv1::MergeComplaintResponse merged;
  o = h_.Rpc(kAdmin,
             [&](grpc::ClientContext* ctx) { return stub_->MergeComplaint(ctx, merge, &merged); });
  ExpectRefused(o, grpc::StatusCode::FAILED_PRECONDITION, "id");
  EXPECT_THAT(o.status.error_message(), HasSubstr("D-ZJ"));
  EXPECT_EQ(h_.StoreSnapshot(), snapshot);
  EXPECT_EQ(Get(c.id()).status(), dv1::COMPLAINT_STATUS_HANDLING);

  // Once it is done, the complaint is resolved.
  Complete(c.id(), "D-ZJ");
  dv1::Complaint resolved;
  o = TryResolve(kOperator1, c.id(), Get(c.id()).etag(), &resolved);
  ASSERT_TRUE(o.status.ok()) << Describe(o);
  EXPECT_EQ(resolved.status(), dv1::COMPLAINT_STATUS_RESOLVED);
  EXPECT_THAT(Actions(Get(c.id())),
              ElementsAre("Create", "Accept", "AddJointUnit", "AddJointUnit", "CompleteJointStep",
                          "CompleteJointStep", "ResolvePenalised"));

  // A complaint without added units resolves as before.
  const dv1::Complaint plain = Accept(Submit(kMuck));
  EXPECT_TRUE(TryResolve(kAdmin, plain.id(), Get(plain.id()).etag()).status.ok());
}

// ---- Refusals ----

TEST_F(DisorderJointTest, AddRefusesWhatCannotBeAddedNamingTheFieldAndWritesNothing) {
  const dv1::Complaint c = Accept(Submit(kMuck));
  Add(c.id(), "D-JJ");
  const dv1::Complaint noise = Submit(dv1::COMPLAINT_CATEGORY_NOISE);
  const dv1::Complaint closed = Accept(Submit(kMuck));
  ASSERT_TRUE(TryResolve(kAdmin, closed.id(), Get(closed.id()).etag()).status.ok());
  const dv1::Complaint current = Get(c.id());

  dv1::AddJointUnitRequest valid = AddRequest(current, "D-JT", "valid-add", "协查渣土运输资质");
  const std::string stale = c.etag();
  const std::vector<Refusal<dv1::AddJointUnitRequest>> bad = {
      {"no id", [](auto& r) { r.clear_id(); }, "id"},
      {"long id", [](auto& r) { r.set_id(Repeat("C", 65)); }, "id"},
      {"no etag", [](auto& r) { r.clear_etag(); }, "etag"},
      {"no request id", [](auto& r) { r.clear_request_id(); }, "request_id"},
      {"long request id", [](auto& r) { r.set_request_id(Repeat("r", 129)); }, "request_id"},
      {"no unit", [](auto& r) { r.clear_unit_id(); }, "unit_id"},
      {"unknown unit", [](auto& r) { r.set_unit_id("D-XX"); }, "unit_id"},
      {"a unit the rules do not let join", [](auto& r) { r.set_unit_id("D-XB"); }, "unit_id"},
      {"the team itself", [](auto& r) { r.set_unit_id("D-ZT"); }, "unit_id"},
      {"long note", [](auto& r) { r.set_note(Repeat("注", 501)); }, "note"},
      {"a unit added already", [](auto& r) { r.set_unit_id("D-JJ"); }, "unit_id",
       grpc::StatusCode::ALREADY_EXISTS},
      {"a complaint of another category", [&noise](auto& r) { r.set_id(noise.id()); }, "id",
       grpc::StatusCode::FAILED_PRECONDITION},
      {"a resolved complaint", [&closed](auto& r) { r.set_id(closed.id()); }, "id",
       grpc::StatusCode::FAILED_PRECONDITION},
      {"no such complaint", [](auto& r) { r.set_id("C-999999"); }, "", grpc::StatusCode::NOT_FOUND},
      {"a stale etag", [&stale](auto& r) { r.set_etag(stale); }, "", grpc::StatusCode::ABORTED},
  };
  ExpectRefusals<dv1::AddJointUnitRequest>(
      h_, valid, bad, [&](const auto& request) { return TryAdd(kAdmin, request); });
  EXPECT_THAT(JointIds(Get(c.id())), ElementsAre("D-JJ"));

  // Callers: another street's operator, a viewer; nothing written either.
  const std::string snapshot = h_.StoreSnapshot();
  ExpectRefused(TryAdd(kOperator2, valid), grpc::StatusCode::PERMISSION_DENIED, "");
  ExpectRefused(TryAdd(kViewer, valid), grpc::StatusCode::PERMISSION_DENIED, "");
  EXPECT_EQ(h_.StoreSnapshot(), snapshot);

  // The complaint's own unit, after a redispatch to one the rules let join.
  const dv1::Complaint moved = Submit(kMuck);
  dv1::RedispatchComplaintRequest redispatch;
  redispatch.set_id(moved.id());
  redispatch.set_etag(moved.etag());
  redispatch.set_unit_id("D-JJ");
  redispatch.set_reason("涉及交通违法");
  dv1::RedispatchComplaintResponse redispatched;
  ASSERT_TRUE(h_.Rpc(kAdmin, [&](grpc::ClientContext* ctx) {
                  return stub_->RedispatchComplaint(ctx, redispatch, &redispatched);
                }).status.ok());
  ExpectRefused(TryAdd(kAdmin, AddRequest(redispatched.complaint(), "D-JJ")),
                grpc::StatusCode::FAILED_PRECONDITION, "unit_id");

  // The valid request itself is taken.
  dv1::AddJointUnitResponse added;
  const Outcome o = TryAdd(kAdmin, valid, &added);
  ASSERT_TRUE(o.status.ok()) << Describe(o);
  EXPECT_THAT(JointIds(added.complaint()), ElementsAre("D-JJ", "D-JT"));
}

TEST_F(DisorderJointTest, CompleteRefusesWhatCannotBeDoneNamingTheFieldAndWritesNothing) {
  const dv1::Complaint c = Accept(Submit(kMuck));
  Add(c.id(), "D-JJ");
  Add(c.id(), "D-HB");
  Complete(c.id(), "D-HB");
  const dv1::Complaint noise = Submit(dv1::COMPLAINT_CATEGORY_NOISE);
  const dv1::Complaint current = Get(c.id());
  const std::string stale = c.etag();

  const dv1::CompleteJointStepRequest valid = CompleteRequest(current, "D-JJ", "已查扣违规车辆");
  const std::vector<Refusal<dv1::CompleteJointStepRequest>> bad = {
      {"no id", [](auto& r) { r.clear_id(); }, "id"},
      {"no etag", [](auto& r) { r.clear_etag(); }, "etag"},
      {"no unit", [](auto& r) { r.clear_unit_id(); }, "unit_id"},
      {"unknown unit", [](auto& r) { r.set_unit_id("D-XX"); }, "unit_id"},
      {"no note", [](auto& r) { r.clear_note(); }, "note"},
      {"long note", [](auto& r) { r.set_note(Repeat("注", 501)); }, "note"},
      {"a unit not added", [](auto& r) { r.set_unit_id("D-JT"); }, "unit_id",
       grpc::StatusCode::NOT_FOUND},
      {"a step done already", [](auto& r) { r.set_unit_id("D-HB"); }, "unit_id",
       grpc::StatusCode::FAILED_PRECONDITION},
      {"a complaint of another category", [&noise](auto& r) { r.set_id(noise.id()); }, "id",
       grpc::StatusCode::FAILED_PRECONDITION},
      {"a stale etag", [&stale](auto& r) { r.set_etag(stale); }, "", grpc::StatusCode::ABORTED},
  };
  ExpectRefusals<dv1::CompleteJointStepRequest>(
      h_, valid, bad, [&](const auto& request) { return TryComplete(kAdmin, request); });
  const std::string snapshot = h_.StoreSnapshot();
  ExpectRefused(TryComplete(kOperator2, valid), grpc::StatusCode::PERMISSION_DENIED, "");
  ExpectRefused(TryComplete(kViewer, valid), grpc::StatusCode::PERMISSION_DENIED, "");
  EXPECT_EQ(h_.StoreSnapshot(), snapshot);
  EXPECT_EQ(Get(c.id()).joint_units(0).status(), kAssigned);

  dv1::Complaint done;
  const Outcome o = TryComplete(kOperator1, valid, &done);
  ASSERT_TRUE(o.status.ok()) << Describe(o);
  EXPECT_EQ(done.joint_units(0).status(), kDone);
  EXPECT_EQ(done.joint_units(1).status(), kDone);
}

// ---- Demo data ----

TEST_F(DisorderJointTest, DemoMuckTrucksTakeAddedUnits) {
  const absl::Status loaded = track().LoadDemoData();
  ASSERT_TRUE(loaded.ok()) << loaded;
  dv1::ListComplaintsRequest request;
  request.add_categories(kMuck);
  request.set_page_size(500);
  int with_units = 0;
  int open_steps = 0;
  int done_steps = 0;
  for (;;) {
    dv1::ListComplaintsResponse page;
    const Outcome o = h_.Rpc(
        kAdmin, [&](grpc::ClientContext* c) { return stub_->ListComplaints(c, request, &page); });
    ASSERT_TRUE(o.status.ok()) << Describe(o);
    for (const dv1::Complaint& c : page.complaints()) {
      with_units += c.joint_units_size() > 0 ? 1 : 0;
      for (const dv1::JointUnit& j : c.joint_units()) {
        EXPECT_NE(track().rules().JointUnit(j.unit_id()), nullptr) << c.id();
        if (j.status() == kAssigned) {
          ++open_steps;
          // Nothing resolved or closed with a step open.
          EXPECT_TRUE(c.status() == dv1::COMPLAINT_STATUS_HANDLING) << c.id();
        } else {
          ++done_steps;
        }
      }
    }
    if (page.next_page_token().empty()) break;
    request.set_page_token(page.next_page_token());
  }
  EXPECT_GT(with_units, 10);
  EXPECT_GT(done_steps, open_steps);
}

}  // namespace
}  // namespace gov::disorder
