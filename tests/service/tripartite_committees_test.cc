// The tripartite track's owners' and supervisory committees, end to end over gRPC on the real
// track (SQLite, or PostgreSQL as tripartite_committees_test_postgres) with a real redis-server
// and a fake clock: the application and its one-per-compound rule, retries, the preparatory
// group and the election at the rules file's sizes (data/tripartite.json: groups of 5 to 11,
// owners' committees of 5 to 11 and supervisory committees of 3 to 7, odd), the days of the
// election, the filing and its 30 days, withdrawals, model designations by year, steps the state
// does not allow and stale etags, members' names and the callers' streets, the lists, the
// indicators against hand counts, and the demo.

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/cases/calendar.h"
#include "common/cases/engine.h"
#include "common/clock/clock.h"
#include "common/clock/district_time.h"
#include "common/track/track_base.h"
#include "common/util/proto.h"
#include "gmock/gmock.h"
#include "governance/tripartite/v1/tripartite.grpc.pb.h"
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
using gov::testing::ExpectRefusals;
using gov::testing::ExpectRefused;
using gov::testing::Local;
using gov::testing::Month;
using gov::testing::Outcome;
using gov::testing::Refusal;
using gov::testing::Region;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kAdmin[] = "tok-admin";
constexpr char kSystem[] = "tok-system";
constexpr char kOperator1[] = "tok-operator-gs01";
constexpr char kOperator2[] = "tok-operator-gs02";
constexpr char kOfficer1[] = "tok-officer-gs01";
constexpr char kViewer[] = "tok-viewer";

constexpr absl::Duration kDay = absl::Hours(24);

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

using MemberList = google::protobuf::RepeatedPtrField<tv1::CommitteeMember>;

// `n` members named "<prefix>1" onwards: the first `chairs` of them chairs, the others `seat`;
// every other one a party member.
MemberList Members(int n, int chairs = 1, tv1::MemberSeat seat = tv1::MEMBER_SEAT_MEMBER,
                   const std::string& prefix = "委员") {
  MemberList out;
  for (int k = 0; k < n; ++k) {
    tv1::CommitteeMember* m = out.Add();
    m->set_name(absl::StrCat(prefix, k + 1));
    m->set_seat(k < chairs ? tv1::MEMBER_SEAT_CHAIR : seat);
    m->set_party_member(k % 2 == 0);
  }
  return out;
}

std::vector<std::string> Actions(const tv1::Committee& c) {
  std::vector<std::string> out;
  for (const gv1::CaseEvent& e : c.history()) out.push_back(e.action());
  return out;
}

std::vector<std::string> Ids(const std::vector<tv1::Committee>& committees) {
  std::vector<std::string> out;
  for (const tv1::Committee& c : committees) out.push_back(c.id());
  return out;
}

std::vector<std::string> Names(const MemberList& members) {
  std::vector<std::string> out;
  for (const tv1::CommitteeMember& m : members) out.push_back(m.name());
  return out;
}

class CommitteesTest : public ::testing::Test {
 protected:
  // Wednesday 1 April 2026, 09:00 district time.
  CommitteesTest() : clock_(Local(2026, 4, 1, 9, 0)) {}

  void SetUp() override {
    const absl::Status started = h_.Start(track::Factory<TripartiteTrack>(kTrack));
    ASSERT_TRUE(started.ok()) << started;
    stub_ = tv1::TripartiteService::NewStub(h_.channel());
  }

  TripartiteTrack& track() { return static_cast<TripartiteTrack&>(h_.track()); }

  template <typename Fn>
  Outcome Rpc(const std::string& token, Fn&& fn) {
    return h_.Rpc(token, std::forward<Fn>(fn));
  }

  std::string Rid() { return absl::StrCat("rid-", ++counter_); }

  // ---- Compounds ----

  tv1::Compound Compound(const std::string& community) {
    tv1::RegisterCompoundRequest request;
    request.set_request_id(Rid());
    tv1::Compound* c = request.mutable_compound();
    c->set_name(absl::StrCat("测试小区", counter_));
    *c->mutable_region() = Region(community.substr(0, 4), community);
    c->set_address("测试路1号");
    c->set_households(480);
    c->set_property_company("测试物业服务有限公司");
    tv1::RegisterCompoundResponse response;
    const Outcome o = Rpc(kAdmin, [&](grpc::ClientContext* ctx) {
      return stub_->RegisterCompound(ctx, request, &response);
    });
    EXPECT_TRUE(o.status.ok()) << Describe(o);
    return response.compound();
  }

  // ---- Committees ----

  tv1::ApplyCommitteeRequest NewApplication(const std::string& compound_id,
                                            tv1::CommitteeType type = tv1::COMMITTEE_TYPE_OWNERS) {
    tv1::ApplyCommitteeRequest request;
    request.set_request_id(Rid());
    tv1::Committee* c = request.mutable_committee();
    c->set_type(type);
    c->set_compound_id(compound_id);
    c->set_note("业主联名申请（测试）");
    return request;
  }

  Outcome TryApply(const std::string& token, const tv1::ApplyCommitteeRequest& request,
                   tv1::Committee* out = nullptr) {
    tv1::ApplyCommitteeResponse response;
    Outcome o = Rpc(token, [&](grpc::ClientContext* ctx) {
      return stub_->ApplyCommittee(ctx, request, &response);
    });
    if (out != nullptr) *out = response.committee();
    return o;
  }

  tv1::Committee Apply(const tv1::ApplyCommitteeRequest& request,
                       const std::string& token = kOperator1) {
    tv1::Committee out;
    const Outcome o = TryApply(token, request, &out);
    EXPECT_TRUE(o.status.ok()) << Describe(o);
    return out;
  }

  tv1::Committee ApplyFor(const std::string& compound_id,
                          tv1::CommitteeType type = tv1::COMMITTEE_TYPE_OWNERS) {
    return Apply(NewApplication(compound_id, type), kAdmin);
  }

  Outcome TryGet(const std::string& token, const std::string& id, tv1::Committee* out = nullptr) {
    tv1::GetCommitteeRequest request;
    request.set_id(id);
    tv1::GetCommitteeResponse response;
    Outcome o = Rpc(token, [&](grpc::ClientContext* ctx) {
      return stub_->GetCommittee(ctx, request, &response);
    });
    if (out != nullptr) *out = response.committee();
    return o;
  }

  tv1::Committee Get(const std::string& id, const std::string& token = kAdmin) {
    tv1::Committee out;
    const Outcome o = TryGet(token, id, &out);
    EXPECT_TRUE(o.status.ok()) << Describe(o);
    return out;
  }

  Outcome TryList(const std::string& token, const tv1::ListCommitteesRequest& request,
                  tv1::ListCommitteesResponse* out = nullptr) {
    tv1::ListCommitteesResponse response;
    Outcome o = Rpc(token, [&](grpc::ClientContext* ctx) {
      return stub_->ListCommittees(ctx, request, &response);
    });
    if (out != nullptr) *out = response;
    return o;
  }

  std::vector<tv1::Committee> List(const tv1::ListCommitteesRequest& request,
                                   const std::string& token = kAdmin) {
    tv1::ListCommitteesResponse response;
    const Outcome o = TryList(token, request, &response);
    EXPECT_TRUE(o.status.ok()) << Describe(o);
    EXPECT_TRUE(response.next_page_token().empty());
    return {response.committees().begin(), response.committees().end()};
  }

  tv1::FormPreparatoryGroupRequest FormRequest(const tv1::Committee& c, int n = 5) {
    tv1::FormPreparatoryGroupRequest request;
    request.set_id(c.id());
    request.set_etag(c.etag());
    *request.mutable_members() = Members(n, 1, tv1::MEMBER_SEAT_MEMBER, "筹备");
    return request;
  }

  Outcome Form(const tv1::FormPreparatoryGroupRequest& request, tv1::Committee* out = nullptr,
               const std::string& token = kOperator1) {
    tv1::FormPreparatoryGroupResponse response;
    Outcome o = Rpc(token, [&](grpc::ClientContext* ctx) {
      return stub_->FormPreparatoryGroup(ctx, request, &response);
    });
    if (out != nullptr) *out = response.committee();
    return o;
  }

  tv1::ElectCommitteeRequest ElectRequest(const tv1::Committee& c, const std::string& day, int n) {
    tv1::ElectCommitteeRequest request;
    request.set_id(c.id());
    request.set_etag(c.etag());
    request.set_day(day);
    *request.mutable_members() = Members(n);
    return request;
  }

  Outcome Elect(const tv1::ElectCommitteeRequest& request, tv1::Committee* out = nullptr,
                const std::string& token = kOperator1) {
    tv1::ElectCommitteeResponse response;
    Outcome o = Rpc(token, [&](grpc::ClientContext* ctx) {
      return stub_->ElectCommittee(ctx, request, &response);
    });
    if (out != nullptr) *out = response.committee();
    return o;
  }

  tv1::FileCommitteeRequest FileRequest(const tv1::Committee& c,
                                        const std::string& number = "GS01业委备〔2026〕001号") {
    tv1::FileCommitteeRequest request;
    request.set_id(c.id());
    request.set_etag(c.etag());
    request.set_filing_number(number);
    return request;
  }

  Outcome File(const tv1::FileCommitteeRequest& request, tv1::Committee* out = nullptr,
               const std::string& token = kOperator1) {
    tv1::FileCommitteeResponse response;
    Outcome o = Rpc(token, [&](grpc::ClientContext* ctx) {
      return stub_->FileCommittee(ctx, request, &response);
    });
    if (out != nullptr) *out = response.committee();
    return o;
  }

  tv1::WithdrawCommitteeRequest WithdrawRequest(const tv1::Committee& c,
                                                const std::string& reason = "业主撤回申请") {
    tv1::WithdrawCommitteeRequest request;
    request.set_id(c.id());
    request.set_etag(c.etag());
    request.set_reason(reason);
    return request;
  }

  Outcome Withdraw(const tv1::WithdrawCommitteeRequest& request, tv1::Committee* out = nullptr,
                   const std::string& token = kOperator1) {
    tv1::WithdrawCommitteeResponse response;
    Outcome o = Rpc(token, [&](grpc::ClientContext* ctx) {
      return stub_->WithdrawCommittee(ctx, request, &response);
    });
    if (out != nullptr) *out = response.committee();
    return o;
  }

  tv1::DesignateModelCommitteeRequest DesignateRequest(const tv1::Committee& c, int year) {
    tv1::DesignateModelCommitteeRequest request;
    request.set_id(c.id());
    request.set_etag(c.etag());
    request.set_year(year);
    request.set_reason("议事规则健全，三方协同成效明显");
    return request;
  }

  Outcome Designate(const tv1::DesignateModelCommitteeRequest& request,
                    tv1::Committee* out = nullptr, const std::string& token = kAdmin) {
    tv1::DesignateModelCommitteeResponse response;
    Outcome o = Rpc(token, [&](grpc::ClientContext* ctx) {
      return stub_->DesignateModelCommittee(ctx, request, &response);
    });
    if (out != nullptr) *out = response.committee();
    return o;
  }

  // The steps taken as they come (admin), at the clock's time.
  tv1::Committee Formed(tv1::Committee c) {
    EXPECT_TRUE(Form(FormRequest(c), &c, kAdmin).status.ok());
    return c;
  }
  // Its preparatory group formed and elected on `day`, at the smallest size of its type.
  tv1::Committee Elected(tv1::Committee c, const std::string& day) {
    c = Formed(c);
    const int n = c.type() == tv1::COMMITTEE_TYPE_OWNERS ? 5 : 3;
    const Outcome o = Elect(ElectRequest(c, day, n), &c, kAdmin);
    EXPECT_TRUE(o.status.ok()) << Describe(o);
    return c;
  }
  tv1::Committee Filed(tv1::Committee c, const std::string& day) {
    c = Elected(c, day);
    const Outcome o = File(FileRequest(c), &c, kAdmin);
    EXPECT_TRUE(o.status.ok()) << Describe(o);
    return c;
  }

  void ExpectDemo();

  void Scan() {
    const absl::Status scanned = h_.track().ScanBreaches();
    EXPECT_TRUE(scanned.ok()) << scanned;
  }

  FakeClock clock_;
  gov::testing::TrackHarness h_{kTrack, &clock_, Tokens()};
  std::unique_ptr<tv1::TripartiteService::Stub> stub_;
  int counter_ = 0;
};

// ---- The formation ----

TEST_F(CommitteesTest, ACommitteeIsAppliedForFormedElectedAndFiledOnTheRulesClocks) {
  const tv1::Compound compound = Compound("GS01-C03");
  tv1::ApplyCommitteeRequest request = NewApplication(compound.id());
  // Output fields are the server's: whatever the caller sends there is ignored.
  tv1::Committee* sent = request.mutable_committee();
  sent->set_id("CM-000099");
  *sent->mutable_region() = Region("GS02", "GS02-C01");
  sent->set_status(tv1::COMMITTEE_STATUS_FILED);
  *sent->add_members() = Members(1)[0];
  *sent->add_preparatory_group() = Members(1)[0];
  sent->set_election_day("2026-03-01");
  sent->set_filing_number("备案号");
  sent->add_model_years(2025);
  sent->set_sla_breached(true);
  sent->set_etag("v7");

  tv1::Committee c = Apply(request, kOfficer1);
  EXPECT_EQ(c.id(), "CM-000001");
  EXPECT_EQ(c.type(), tv1::COMMITTEE_TYPE_OWNERS);
  EXPECT_EQ(c.compound_id(), compound.id());
  EXPECT_EQ(c.region().street_id(), "GS01");
  EXPECT_EQ(c.region().community_id(), "GS01-C03");
  EXPECT_TRUE(c.region().grid_id().empty());
  EXPECT_EQ(c.status(), tv1::COMMITTEE_STATUS_APPLIED);
  EXPECT_EQ(c.note(), "业主联名申请（测试）");
  EXPECT_EQ(c.preparatory_group_size(), 0);
  EXPECT_EQ(c.members_size(), 0);
  EXPECT_TRUE(c.election_day().empty());
  EXPECT_TRUE(c.filing_number().empty());
  EXPECT_EQ(c.model_years_size(), 0);
  EXPECT_FALSE(c.sla_breached());
  EXPECT_EQ(c.etag(), "v1");
  EXPECT_EQ(FromTimestamp(c.create_time()), clock_.Now());
  // The preparation's 60 days (data/tripartite.json).
  EXPECT_EQ(FromTimestamp(c.due_time()), clock_.Now() + 60 * kDay);
  EXPECT_EQ(c.history_size(), 0);  // GetCommittee's
  EXPECT_THAT(Actions(Get(c.id(), kOfficer1)), ElementsAre("Create"));

  // The preparatory group, three days later: the election's 180 days.
  clock_.Advance(3 * kDay);
  tv1::FormPreparatoryGroupRequest form = FormRequest(c, 7);
  std::string fifty;
  for (int k = 0; k < 50; ++k) fifty += "名";  // the longest name: 50 characters, 150 bytes
  form.mutable_members(6)->set_name(fifty);
  ASSERT_TRUE(Form(form, &c, kOfficer1).status.ok());
  EXPECT_EQ(c.status(), tv1::COMMITTEE_STATUS_PREPARATORY);
  ASSERT_EQ(c.preparatory_group_size(), 7);
  EXPECT_EQ(c.preparatory_group(0).name(), "筹备1");
  EXPECT_EQ(c.preparatory_group(0).seat(), tv1::MEMBER_SEAT_CHAIR);
  EXPECT_TRUE(c.preparatory_group(0).party_member());
  EXPECT_EQ(c.preparatory_group(1).seat(), tv1::MEMBER_SEAT_MEMBER);
  EXPECT_EQ(FromTimestamp(c.due_time()), clock_.Now() + 180 * kDay);
  EXPECT_EQ(c.etag(), "v2");

  // The election, held on 12 May and recorded on the 14th: the filing is due in 30 days.
  clock_.Set(Local(2026, 5, 14, 10, 0));
  tv1::ElectCommitteeRequest elect = ElectRequest(c, "2026-05-12", 7);
  elect.mutable_members(1)->set_seat(tv1::MEMBER_SEAT_VICE_CHAIR);
  ASSERT_TRUE(Elect(elect, &c).status.ok());
  EXPECT_EQ(c.status(), tv1::COMMITTEE_STATUS_ELECTED);
  EXPECT_EQ(c.election_day(), "2026-05-12");
  ASSERT_EQ(c.members_size(), 7);
  EXPECT_EQ(c.members(0).seat(), tv1::MEMBER_SEAT_CHAIR);
  EXPECT_EQ(c.members(1).seat(), tv1::MEMBER_SEAT_VICE_CHAIR);
  EXPECT_EQ(c.preparatory_group_size(), 7);  // kept
  EXPECT_EQ(FromTimestamp(c.due_time()), Local(2026, 6, 13, 10, 0));

  // Filed ten days later: formed, no clock runs.
  clock_.Advance(10 * kDay);
  ASSERT_TRUE(File(FileRequest(c, "GS01业委备〔2026〕007号"), &c).status.ok());
  EXPECT_EQ(c.status(), tv1::COMMITTEE_STATUS_FILED);
  EXPECT_EQ(c.filing_number(), "GS01业委备〔2026〕007号");
  EXPECT_FALSE(c.has_due_time());
  EXPECT_FALSE(c.sla_breached());
  EXPECT_EQ(FromTimestamp(c.update_time()), clock_.Now());

  const tv1::Committee got = Get(c.id(), kOperator1);
  EXPECT_THAT(Actions(got), ElementsAre("Create", "FormPreparatoryGroup", "Elect", "File"));
  EXPECT_EQ(got.history(1).from_status(), "APPLIED");
  EXPECT_EQ(got.history(1).to_status(), "PREPARATORY");
  EXPECT_EQ(got.history(3).note(), "GS01业委备〔2026〕007号");
  EXPECT_EQ(got.history(3).actor(), "operator-gs01");
  EXPECT_EQ(got.etag(), c.etag());
}

TEST_F(CommitteesTest, AWrongApplicationIsRefusedNamingTheFieldAndWritesNothing) {
  const tv1::Compound compound = Compound("GS01-C01");
  const tv1::Compound gs02 = Compound("GS02-C01");

  using Row = Refusal<tv1::ApplyCommitteeRequest>;
  auto committee = [](tv1::ApplyCommitteeRequest& q) { return q.mutable_committee(); };
  ExpectRefusals<tv1::ApplyCommitteeRequest>(
      h_, NewApplication(compound.id()),
      {
          Row{"no request id", [](auto& q) { q.clear_request_id(); }, "request_id"},
          Row{"a request id too long", [](auto& q) { q.set_request_id(std::string(129, 'r')); },
              "request_id"},
          Row{"no type", [&](auto& q) { committee(q)->clear_type(); }, "committee.type"},
          Row{"a type that is none",
              [&](auto& q) { committee(q)->set_type(static_cast<tv1::CommitteeType>(9)); },
              "committee.type"},
          Row{"no compound", [&](auto& q) { committee(q)->clear_compound_id(); },
              "committee.compound_id"},
          Row{"a compound id too long",
              [&](auto& q) { committee(q)->set_compound_id(std::string(65, 'C')); },
              "committee.compound_id"},
          Row{"an unknown compound", [&](auto& q) { committee(q)->set_compound_id("CP-999999"); },
              "committee.compound_id"},
          Row{"a note too long", [&](auto& q) { committee(q)->set_note(std::string(2001, 'n')); },
              "committee.note"},
          Row{"another street's compound",
              [&](auto& q) { committee(q)->set_compound_id(gs02.id()); }, "",
              grpc::StatusCode::PERMISSION_DENIED},
      },
      [&](const tv1::ApplyCommitteeRequest& q) { return TryApply(kOperator1, q); });

  // Who may apply: street operators and officers of the compound's street (and the admin).
  const std::string before = h_.StoreSnapshot();
  for (const char* token : {kViewer, kSystem, kOperator2}) {
    SCOPED_TRACE(token);
    ExpectRefused(TryApply(token, NewApplication(compound.id())),
                  grpc::StatusCode::PERMISSION_DENIED, "");
  }
  EXPECT_EQ(h_.StoreSnapshot(), before);

  // The longest note is taken; a note is optional.
  tv1::ApplyCommitteeRequest longest = NewApplication(compound.id());
  longest.mutable_committee()->set_note(std::string(2000, 'n'));
  EXPECT_EQ(Apply(longest).note().size(), 2000u);
  tv1::ApplyCommitteeRequest bare = NewApplication(compound.id(), tv1::COMMITTEE_TYPE_SUPERVISORY);
  bare.mutable_committee()->clear_note();
  EXPECT_EQ(Apply(bare, kOfficer1).status(), tv1::COMMITTEE_STATUS_APPLIED);
}

TEST_F(CommitteesTest, ACompoundHasOneCommitteeOfEachTypeAtATimeAndARetryGetsTheFirstBack) {
  const tv1::Compound compound = Compound("GS01-C01");
  const tv1::Compound other = Compound("GS01-C02");
  const tv1::ApplyCommitteeRequest first_request = NewApplication(compound.id());
  tv1::Committee first = Apply(first_request);

  // A retry, minutes later: the same committee; nothing new stored.
  std::string before = h_.StoreSnapshot();
  clock_.Advance(absl::Minutes(5));
  tv1::Committee retried = Apply(first_request);
  EXPECT_EQ(retried.id(), first.id());
  EXPECT_EQ(retried.etag(), "v1");
  EXPECT_EQ(retried.history_size(), 0);
  EXPECT_EQ(h_.StoreSnapshot(), before);
  // The same request id with another application is refused.
  tv1::ApplyCommitteeRequest changed = first_request;
  changed.mutable_committee()->set_note("另一份申请");
  ExpectRefused(TryApply(kOperator1, changed), grpc::StatusCode::ALREADY_EXISTS, "");
  changed = first_request;
  changed.mutable_committee()->set_compound_id(other.id());
  ExpectRefused(TryApply(kOperator1, changed), grpc::StatusCode::ALREADY_EXISTS, "");

  // Another application of the type, the same in all but its request id: refused, naming the
  // committee that holds the compound.
  tv1::Committee refused;
  Outcome o = TryApply(kOfficer1, NewApplication(compound.id()), &refused);
  ExpectRefused(o, grpc::StatusCode::FAILED_PRECONDITION, "");
  EXPECT_THAT(o.status.error_message(), HasSubstr(first.id()));
  EXPECT_EQ(h_.StoreSnapshot(), before);

  // The other type, and the type in another compound, are free.
  const tv1::Committee supervisory =
      Apply(NewApplication(compound.id(), tv1::COMMITTEE_TYPE_SUPERVISORY));
  EXPECT_EQ(supervisory.type(), tv1::COMMITTEE_TYPE_SUPERVISORY);
  ExpectRefused(
      TryApply(kOperator1, NewApplication(compound.id(), tv1::COMMITTEE_TYPE_SUPERVISORY)),
      grpc::StatusCode::FAILED_PRECONDITION, "");
  const tv1::Committee elsewhere = Apply(NewApplication(other.id()));
  EXPECT_NE(elsewhere.id(), first.id());

  // Forming and elected committees hold the compound too.
  first = Formed(first);
  ExpectRefused(TryApply(kOperator1, NewApplication(compound.id())),
                grpc::StatusCode::FAILED_PRECONDITION, "");
  ASSERT_TRUE(Elect(ElectRequest(first, "2026-04-01", 5), &first).status.ok());
  ExpectRefused(TryApply(kOperator1, NewApplication(compound.id())),
                grpc::StatusCode::FAILED_PRECONDITION, "");

  // Withdrawn, the compound is free again: a new application takes it.
  tv1::Committee withdrawn = Apply(NewApplication(other.id(), tv1::COMMITTEE_TYPE_SUPERVISORY));
  ASSERT_TRUE(Withdraw(WithdrawRequest(withdrawn), &withdrawn).status.ok());
  const tv1::Committee again = Apply(NewApplication(other.id(), tv1::COMMITTEE_TYPE_SUPERVISORY));
  EXPECT_NE(again.id(), withdrawn.id());
  EXPECT_EQ(again.status(), tv1::COMMITTEE_STATUS_APPLIED);

  // Filed, it holds the compound for good.
  ASSERT_TRUE(File(FileRequest(first), &first).status.ok());
  ExpectRefused(TryApply(kOperator1, NewApplication(compound.id())),
                grpc::StatusCode::FAILED_PRECONDITION, "");
  // The first request again: still its committee, filed.
  const tv1::Committee first_again = Apply(first_request);
  EXPECT_EQ(first_again.id(), first.id());
  EXPECT_EQ(first_again.status(), tv1::COMMITTEE_STATUS_FILED);
}

TEST_F(CommitteesTest, AWithdrawnCommitteesRequestRetriedGetsItBack) {
  const tv1::Compound compound = Compound("GS01-C01");
  const tv1::ApplyCommitteeRequest request = NewApplication(compound.id());
  tv1::Committee withdrawn = Apply(request);
  ASSERT_TRUE(Withdraw(WithdrawRequest(withdrawn), &withdrawn).status.ok());
  const tv1::Committee next = Apply(NewApplication(compound.id()));
  ASSERT_NE(next.id(), withdrawn.id());

  const std::string before = h_.StoreSnapshot();
  const tv1::Committee retried = Apply(request);
  EXPECT_EQ(retried.id(), withdrawn.id());
  EXPECT_EQ(retried.status(), tv1::COMMITTEE_STATUS_WITHDRAWN);
  EXPECT_EQ(h_.StoreSnapshot(), before);
}

// ---- Sizes, seats, names and days ----

TEST_F(CommitteesTest, APreparatoryGroupHasTheRulesSizeDistinctNamesAndAtMostOneChair) {
  const tv1::Committee a = ApplyFor(Compound("GS01-C01").id());
  const tv1::Committee b = ApplyFor(Compound("GS01-C02").id());
  const tv1::Committee c = ApplyFor(Compound("GS01-C03").id());

  using Row = Refusal<tv1::FormPreparatoryGroupRequest>;
  ExpectRefusals<tv1::FormPreparatoryGroupRequest>(
      h_, FormRequest(a, 5),
      {
          Row{"no id", [](auto& q) { q.clear_id(); }, "id"},
          Row{"no etag", [](auto& q) { q.clear_etag(); }, "etag"},
          Row{"no members", [](auto& q) { q.clear_members(); }, "members"},
          Row{"four members (one fewer than the rules')",
              [](auto& q) { *q.mutable_members() = Members(4); }, "members"},
          Row{"twelve members (one more than the rules')",
              [](auto& q) { *q.mutable_members() = Members(12); }, "members"},
          Row{"a name missing", [](auto& q) { q.mutable_members(2)->clear_name(); },
              "members[2].name"},
          Row{"a blank name", [](auto& q) { q.mutable_members(2)->set_name("  "); },
              "members[2].name"},
          Row{"a name too long",
              [](auto& q) { q.mutable_members(2)->set_name(std::string(51, 'n')); },
              "members[2].name"},
          Row{"a name given twice",
              [](auto& q) { q.mutable_members(3)->set_name(q.members(1).name()); },
              "members[3].name"},
          Row{"a name given twice with blanks around it",
              [](auto& q) {
                q.mutable_members(4)->set_name(absl::StrCat(" ", q.members(0).name()));
              },
              "members[4].name"},
          Row{"a vice-chair",
              [](auto& q) { q.mutable_members(1)->set_seat(tv1::MEMBER_SEAT_VICE_CHAIR); },
              "members[1].seat"},
          Row{"a seat not given",
              [](auto& q) { q.mutable_members(4)->set_seat(tv1::MEMBER_SEAT_UNSPECIFIED); },
              "members[4].seat"},
          Row{"a seat that is none",
              [](auto& q) { q.mutable_members(4)->set_seat(static_cast<tv1::MemberSeat>(7)); },
              "members[4].seat"},
          Row{"two chairs", [](auto& q) { *q.mutable_members() = Members(5, 2); },
              "members[1].seat"},
      },
      [&](const tv1::FormPreparatoryGroupRequest& q) { return Form(q); });

  // Five (the rules' least) with a chair; eleven (the most) without one; eleven with one.
  tv1::Committee formed;
  ASSERT_TRUE(Form(FormRequest(a, 5), &formed).status.ok());
  EXPECT_EQ(formed.preparatory_group_size(), 5);
  tv1::FormPreparatoryGroupRequest no_chair = FormRequest(b, 11);
  *no_chair.mutable_members() = Members(11, 0);
  ASSERT_TRUE(Form(no_chair, &formed).status.ok());
  EXPECT_EQ(formed.preparatory_group_size(), 11);
  EXPECT_EQ(formed.preparatory_group(0).seat(), tv1::MEMBER_SEAT_MEMBER);
  ASSERT_TRUE(Form(FormRequest(c, 11), &formed, kOfficer1).status.ok());
  EXPECT_EQ(formed.status(), tv1::COMMITTEE_STATUS_PREPARATORY);
}

TEST_F(CommitteesTest, AnElectionHasItsTypesOddSizeOneChairAndADayFromTheApplicationToToday) {
  tv1::Committee o1 = Formed(ApplyFor(Compound("GS01-C01").id()));
  tv1::Committee o2 = Formed(ApplyFor(Compound("GS01-C02").id()));
  tv1::Committee s1 = Formed(ApplyFor(Compound("GS01-C03").id(), tv1::COMMITTEE_TYPE_SUPERVISORY));
  tv1::Committee s2 = Formed(ApplyFor(Compound("GS01-C04").id(), tv1::COMMITTEE_TYPE_SUPERVISORY));
  // Applied for on 1 April; the election recorded on the 20th.
  clock_.Set(Local(2026, 4, 20, 16, 0));

  using Row = Refusal<tv1::ElectCommitteeRequest>;
  auto members = [](int n) {
    return [n](tv1::ElectCommitteeRequest& q) { *q.mutable_members() = Members(n); };
  };
  ExpectRefusals<tv1::ElectCommitteeRequest>(
      h_, ElectRequest(o1, "2026-04-20", 5),
      {
          Row{"no id", [](auto& q) { q.clear_id(); }, "id"},
          Row{"no etag", [](auto& q) { q.clear_etag(); }, "etag"},
          Row{"no members", [](auto& q) { q.clear_members(); }, "members"},
          Row{"four members (one fewer than an owners' committee's)", members(4), "members"},
          Row{"six members (not odd)", members(6), "members"},
          Row{"ten members (not odd)", members(10), "members"},
          Row{"twelve members (one more)", members(12), "members"},
          Row{"thirteen members", members(13), "members"},
          Row{"no chair", [](auto& q) { *q.mutable_members() = Members(5, 0); }, "members"},
          Row{"no chair, vice-chairs only",
              [](auto& q) { *q.mutable_members() = Members(5, 0, tv1::MEMBER_SEAT_VICE_CHAIR); },
              "members"},
          Row{"two chairs", [](auto& q) { *q.mutable_members() = Members(5, 2); },
              "members[1].seat"},
          Row{"a seat not given",
              [](auto& q) { q.mutable_members(3)->set_seat(tv1::MEMBER_SEAT_UNSPECIFIED); },
              "members[3].seat"},
          Row{"a name given twice",
              [](auto& q) { q.mutable_members(4)->set_name(q.members(2).name()); },
              "members[4].name"},
          Row{"a name too long",
              [](auto& q) { q.mutable_members(0)->set_name(std::string(51, 'n')); },
              "members[0].name"},
          Row{"no day", [](auto& q) { q.clear_day(); }, "day"},
          Row{"a day that is none", [](auto& q) { q.set_day("2026-04-31"); }, "day"},
          Row{"a day written otherwise", [](auto& q) { q.set_day("2026/04/20"); }, "day"},
          Row{"tomorrow", [](auto& q) { q.set_day("2026-04-21"); }, "day"},
          Row{"the day before the application", [](auto& q) { q.set_day("2026-03-31"); }, "day"},
      },
      [&](const tv1::ElectCommitteeRequest& q) { return Elect(q); });
  ExpectRefusals<tv1::ElectCommitteeRequest>(
      h_, ElectRequest(s1, "2026-04-20", 3),
      {
          Row{"two members (one fewer than a supervisory committee's)", members(2), "members"},
          Row{"four members (not odd)", members(4), "members"},
          Row{"eight members (one more)", members(8), "members"},
          Row{"nine members (odd, above the most)", members(9), "members"},
      },
      [&](const tv1::ElectCommitteeRequest& q) { return Elect(q); });

  // The least on the application's day; the most today, with vice-chairs.
  ASSERT_TRUE(Elect(ElectRequest(o1, "2026-04-01", 5), &o1).status.ok());
  EXPECT_EQ(o1.status(), tv1::COMMITTEE_STATUS_ELECTED);
  EXPECT_EQ(o1.election_day(), "2026-04-01");
  EXPECT_EQ(o1.members_size(), 5);
  // The filing is due 30 days after the election is recorded.
  EXPECT_EQ(FromTimestamp(o1.due_time()), Local(2026, 5, 20, 16, 0));
  tv1::ElectCommitteeRequest most = ElectRequest(o2, "2026-04-20", 11);
  *most.mutable_members() = Members(11, 1, tv1::MEMBER_SEAT_MEMBER);
  most.mutable_members(1)->set_seat(tv1::MEMBER_SEAT_VICE_CHAIR);
  most.mutable_members(2)->set_seat(tv1::MEMBER_SEAT_VICE_CHAIR);
  ASSERT_TRUE(Elect(most, &o2, kOfficer1).status.ok());
  EXPECT_EQ(o2.members_size(), 11);
  EXPECT_EQ(o2.members(2).seat(), tv1::MEMBER_SEAT_VICE_CHAIR);
  ASSERT_TRUE(Elect(ElectRequest(s1, "2026-04-19", 3), &s1).status.ok());
  EXPECT_EQ(s1.members_size(), 3);
  ASSERT_TRUE(Elect(ElectRequest(s2, "2026-04-20", 7), &s2).status.ok());
  EXPECT_EQ(s2.members_size(), 7);
  EXPECT_EQ(s2.status(), tv1::COMMITTEE_STATUS_ELECTED);
}

// ---- Steps the state does not allow, etags, texts ----

TEST_F(CommitteesTest, StepsTheStateDoesNotAllowAreRefusedAndStaleEtagsAborted) {
  const tv1::Compound compound = Compound("GS01-C01");
  tv1::Committee c = ApplyFor(compound.id());
  const tv1::Committee applied = c;
  const std::string before = h_.StoreSnapshot();
  ExpectRefused(Elect(ElectRequest(c, "2026-04-01", 5)), grpc::StatusCode::FAILED_PRECONDITION, "");
  ExpectRefused(File(FileRequest(c)), grpc::StatusCode::FAILED_PRECONDITION, "");
  ExpectRefused(Designate(DesignateRequest(c, 2026)), grpc::StatusCode::FAILED_PRECONDITION, "");
  tv1::FormPreparatoryGroupRequest stale = FormRequest(c);
  stale.set_etag("v9");
  ExpectRefused(Form(stale), grpc::StatusCode::ABORTED, "");
  tv1::FormPreparatoryGroupRequest unknown = FormRequest(c);
  unknown.set_id("CM-000099");
  ExpectRefused(Form(unknown), grpc::StatusCode::NOT_FOUND, "");
  EXPECT_EQ(h_.StoreSnapshot(), before);

  ASSERT_TRUE(Form(FormRequest(c), &c).status.ok());
  ExpectRefused(Form(FormRequest(applied)), grpc::StatusCode::ABORTED, "");  // its etag is old
  ExpectRefused(Form(FormRequest(c)), grpc::StatusCode::FAILED_PRECONDITION, "");
  ExpectRefused(File(FileRequest(c)), grpc::StatusCode::FAILED_PRECONDITION, "");

  ASSERT_TRUE(Elect(ElectRequest(c, "2026-04-01", 5), &c).status.ok());
  const tv1::Committee elected = c;
  ExpectRefused(Withdraw(WithdrawRequest(c)), grpc::StatusCode::FAILED_PRECONDITION, "");
  ExpectRefused(Elect(ElectRequest(c, "2026-04-01", 5)), grpc::StatusCode::FAILED_PRECONDITION, "");
  ExpectRefused(Designate(DesignateRequest(c, 2026)), grpc::StatusCode::FAILED_PRECONDITION, "");
  // The filing: street operators only; a reference of 1 to 100 characters.
  ExpectRefused(File(FileRequest(c), nullptr, kOfficer1), grpc::StatusCode::PERMISSION_DENIED, "");
  using Row = Refusal<tv1::FileCommitteeRequest>;
  ExpectRefusals<tv1::FileCommitteeRequest>(
      h_, FileRequest(c),
      {
          Row{"no id", [](auto& q) { q.clear_id(); }, "id"},
          Row{"no etag", [](auto& q) { q.clear_etag(); }, "etag"},
          Row{"no filing number", [](auto& q) { q.clear_filing_number(); }, "filing_number"},
          Row{"a filing number too long",
              [](auto& q) { q.set_filing_number(std::string(101, 'f')); }, "filing_number"},
          Row{"a stale etag", [](auto& q) { q.set_etag("v2"); }, "", grpc::StatusCode::ABORTED},
      },
      [&](const tv1::FileCommitteeRequest& q) { return File(q); });
  ASSERT_TRUE(File(FileRequest(c, std::string(100, 'f')), &c).status.ok());
  EXPECT_EQ(c.status(), tv1::COMMITTEE_STATUS_FILED);
  ExpectRefused(File(FileRequest(elected)), grpc::StatusCode::ABORTED, "");
  ExpectRefused(File(FileRequest(c)), grpc::StatusCode::FAILED_PRECONDITION, "");
  ExpectRefused(Withdraw(WithdrawRequest(c)), grpc::StatusCode::FAILED_PRECONDITION, "");
  ExpectRefused(Form(FormRequest(c)), grpc::StatusCode::FAILED_PRECONDITION, "");
  EXPECT_EQ(Get(c.id()).status(), tv1::COMMITTEE_STATUS_FILED);
}

TEST_F(CommitteesTest, ACommitteeIsWithdrawnBeforeItsElectionWithAReason) {
  tv1::Committee applied = ApplyFor(Compound("GS01-C01").id());
  tv1::Committee forming = Formed(ApplyFor(Compound("GS01-C02").id()));

  using Row = Refusal<tv1::WithdrawCommitteeRequest>;
  ExpectRefusals<tv1::WithdrawCommitteeRequest>(
      h_, WithdrawRequest(applied),
      {
          Row{"no id", [](auto& q) { q.clear_id(); }, "id"},
          Row{"no etag", [](auto& q) { q.clear_etag(); }, "etag"},
          Row{"no reason", [](auto& q) { q.clear_reason(); }, "reason"},
          Row{"a reason too long", [](auto& q) { q.set_reason(std::string(2001, 'r')); }, "reason"},
      },
      [&](const tv1::WithdrawCommitteeRequest& q) { return Withdraw(q); });
  ExpectRefused(Withdraw(WithdrawRequest(applied), nullptr, kOperator2),
                grpc::StatusCode::PERMISSION_DENIED, "");

  ASSERT_TRUE(
      Withdraw(WithdrawRequest(applied, std::string(2000, 'r')), &applied, kOfficer1).status.ok());
  EXPECT_EQ(applied.status(), tv1::COMMITTEE_STATUS_WITHDRAWN);
  EXPECT_FALSE(applied.has_due_time());
  ASSERT_TRUE(Withdraw(WithdrawRequest(forming, "筹备组解散"), &forming).status.ok());
  EXPECT_EQ(forming.status(), tv1::COMMITTEE_STATUS_WITHDRAWN);
  EXPECT_EQ(forming.preparatory_group_size(), 5);
  const tv1::Committee got = Get(forming.id());
  EXPECT_THAT(Actions(got), ElementsAre("Create", "FormPreparatoryGroup", "Withdraw"));
  EXPECT_EQ(got.history(2).note(), "筹备组解散");

  // Withdrawn is final.
  ExpectRefused(Withdraw(WithdrawRequest(applied)), grpc::StatusCode::FAILED_PRECONDITION, "");
  ExpectRefused(Form(FormRequest(applied)), grpc::StatusCode::FAILED_PRECONDITION, "");
  ExpectRefused(Elect(ElectRequest(forming, "2026-04-01", 5)),
                grpc::StatusCode::FAILED_PRECONDITION, "");
}

// ---- Model committees ----

TEST_F(CommitteesTest, AFiledOwnersCommitteeIsDesignatedAModelOnceAYear) {
  tv1::Committee owners = Filed(ApplyFor(Compound("GS01-C01").id()), "2026-04-01");
  const tv1::Committee supervisory =
      Filed(ApplyFor(Compound("GS01-C02").id(), tv1::COMMITTEE_TYPE_SUPERVISORY), "2026-04-01");
  const tv1::Committee elected = Elected(ApplyFor(Compound("GS01-C03").id()), "2026-04-01");

  using Row = Refusal<tv1::DesignateModelCommitteeRequest>;
  ExpectRefusals<tv1::DesignateModelCommitteeRequest>(
      h_, DesignateRequest(owners, 2026),
      {
          Row{"no id", [](auto& q) { q.clear_id(); }, "id"},
          Row{"no etag", [](auto& q) { q.clear_etag(); }, "etag"},
          Row{"no year", [](auto& q) { q.clear_year(); }, "year"},
          Row{"1999", [](auto& q) { q.set_year(1999); }, "year"},
          Row{"2101", [](auto& q) { q.set_year(2101); }, "year"},
          Row{"next year", [](auto& q) { q.set_year(2027); }, "year"},
          Row{"no reason", [](auto& q) { q.clear_reason(); }, "reason"},
          Row{"a reason too long", [](auto& q) { q.set_reason(std::string(2001, 'r')); }, "reason"},
          Row{"a stale etag", [](auto& q) { q.set_etag("v1"); }, "", grpc::StatusCode::ABORTED},
      },
      [&](const tv1::DesignateModelCommitteeRequest& q) { return Designate(q); });
  // The district's alone; owners' committees, filed, only.
  for (const char* token : {kOperator1, kOfficer1, kViewer, kSystem}) {
    SCOPED_TRACE(token);
    ExpectRefused(Designate(DesignateRequest(owners, 2026), nullptr, token),
                  grpc::StatusCode::PERMISSION_DENIED, "");
  }
  const std::string before = h_.StoreSnapshot();
  ExpectRefused(Designate(DesignateRequest(supervisory, 2026)),
                grpc::StatusCode::FAILED_PRECONDITION, "");
  ExpectRefused(Designate(DesignateRequest(elected, 2026)), grpc::StatusCode::FAILED_PRECONDITION,
                "");
  EXPECT_EQ(h_.StoreSnapshot(), before);

  const std::string etag = owners.etag();
  ASSERT_TRUE(Designate(DesignateRequest(owners, 2026), &owners).status.ok());
  EXPECT_EQ(owners.status(), tv1::COMMITTEE_STATUS_FILED);
  EXPECT_THAT(owners.model_years(), ElementsAre(2026));
  EXPECT_NE(owners.etag(), etag);
  // Once a year: again for 2026 is refused, 2025 and 2000 are taken.
  ExpectRefused(Designate(DesignateRequest(owners, 2026)), grpc::StatusCode::FAILED_PRECONDITION,
                "");
  ASSERT_TRUE(Designate(DesignateRequest(owners, 2025), &owners).status.ok());
  ASSERT_TRUE(Designate(DesignateRequest(owners, 2000), &owners).status.ok());
  EXPECT_THAT(owners.model_years(), ElementsAre(2026, 2025, 2000));
  ExpectRefused(Designate(DesignateRequest(owners, 2025)), grpc::StatusCode::FAILED_PRECONDITION,
                "");

  const tv1::Committee got = Get(owners.id(), kOperator1);
  EXPECT_THAT(Actions(got), ElementsAre("Create", "FormPreparatoryGroup", "Elect", "File",
                                        "DesignateModel", "DesignateModel", "DesignateModel"));
  EXPECT_EQ(got.history(4).from_status(), "FILED");
  EXPECT_EQ(got.history(4).to_status(), "FILED");
  EXPECT_THAT(got.history(4).note(), HasSubstr("议事规则健全"));
  EXPECT_THAT(got.model_years(), ElementsAre(2026, 2025, 2000));
}

// ---- Streets and personal data ----

TEST_F(CommitteesTest, CallersSeeTheirStreetsAndOnlyTheWorkingRolesSeeMembersNames) {
  tv1::Committee c = Elected(ApplyFor(Compound("GS01-C01").id()), "2026-04-01");
  const tv1::Committee gs02 = ApplyFor(Compound("GS02-C01").id());

  for (const char* token : {kAdmin, kOperator1, kOfficer1, kSystem}) {
    SCOPED_TRACE(token);
    const tv1::Committee read = Get(c.id(), token);
    EXPECT_THAT(Names(read.members()), ElementsAre("委员1", "委员2", "委员3", "委员4", "委员5"));
    EXPECT_EQ(read.preparatory_group(0).name(), "筹备1");
    ASSERT_EQ(read.history_size(), 3);
    EXPECT_FALSE(read.history(2).note().empty());
  }
  const tv1::Committee seen = Get(c.id(), kViewer);
  ASSERT_EQ(seen.members_size(), 5);
  for (const tv1::CommitteeMember& m : seen.members()) EXPECT_TRUE(m.name().empty());
  for (const tv1::CommitteeMember& m : seen.preparatory_group()) EXPECT_TRUE(m.name().empty());
  EXPECT_EQ(seen.members(0).seat(), tv1::MEMBER_SEAT_CHAIR);
  EXPECT_TRUE(seen.members(0).party_member());
  EXPECT_EQ(seen.election_day(), "2026-04-01");
  EXPECT_EQ(seen.note(), c.note());
  ASSERT_EQ(seen.history_size(), 3);
  EXPECT_TRUE(seen.history(2).note().empty());
  const std::vector<tv1::Committee> listed = List({}, kViewer);
  ASSERT_EQ(listed.size(), 2u);
  for (const tv1::Committee& l : listed) {
    for (const tv1::CommitteeMember& m : l.members()) EXPECT_TRUE(m.name().empty()) << l.id();
  }
  const std::vector<tv1::Committee> own = List({}, kOperator1);
  ASSERT_EQ(own.size(), 1u);
  EXPECT_EQ(own[0].members(0).name(), "委员1");

  // Another street's committee: neither read, listed nor moved.
  ExpectRefused(TryGet(kOperator2, c.id()), grpc::StatusCode::PERMISSION_DENIED, "");
  ExpectRefused(TryGet(kOfficer1, gs02.id()), grpc::StatusCode::PERMISSION_DENIED, "");
  EXPECT_THAT(Ids(List({}, kOperator2)), ElementsAre(gs02.id()));
  EXPECT_THAT(Ids(List({}, kOfficer1)), ElementsAre(c.id()));
  tv1::ListCommitteesRequest of_gs01;
  *of_gs01.mutable_region() = Region("GS01");
  ExpectRefused(TryList(kOperator2, of_gs01), grpc::StatusCode::PERMISSION_DENIED, "");
  ExpectRefused(File(FileRequest(c), nullptr, kOperator2), grpc::StatusCode::PERMISSION_DENIED, "");
  ExpectRefused(Form(FormRequest(gs02), nullptr, kOfficer1), grpc::StatusCode::PERMISSION_DENIED,
                "");
  ExpectRefused(TryGet(kAdmin, "CM-000099"), grpc::StatusCode::NOT_FOUND, "");
  ExpectInvalid(TryGet(kAdmin, ""), "id");
}

// ---- Lists ----

TEST_F(CommitteesTest, CommitteesAreListedNewestFirstByStatusTypeCompoundAndRegion) {
  const tv1::Compound c01 = Compound("GS01-C01");
  const tv1::Compound c02 = Compound("GS01-C02");
  const tv1::Compound c03 = Compound("GS01-C03");
  const tv1::Compound gs02 = Compound("GS02-C01");
  tv1::Committee c1 = ApplyFor(c01.id());
  clock_.Advance(absl::Minutes(1));
  const tv1::Committee c2 = ApplyFor(c01.id(), tv1::COMMITTEE_TYPE_SUPERVISORY);
  clock_.Advance(absl::Minutes(1));
  tv1::Committee c3 = ApplyFor(c02.id());
  clock_.Advance(absl::Minutes(1));
  const tv1::Committee c4 = ApplyFor(gs02.id());
  clock_.Advance(absl::Minutes(1));
  const tv1::Committee c5 = ApplyFor(c03.id(), tv1::COMMITTEE_TYPE_SUPERVISORY);
  c3 = Formed(c3);
  ASSERT_TRUE(Withdraw(WithdrawRequest(c1), &c1).status.ok());

  EXPECT_THAT(Ids(List({})), ElementsAre(c5.id(), c4.id(), c3.id(), c2.id(), c1.id()));
  for (const tv1::Committee& c : List({})) EXPECT_EQ(c.history_size(), 0) << c.id();
  tv1::ListCommitteesRequest applied;
  applied.add_statuses(tv1::COMMITTEE_STATUS_APPLIED);
  EXPECT_THAT(Ids(List(applied)), ElementsAre(c5.id(), c4.id(), c2.id()));
  tv1::ListCommitteesRequest gone_or_forming;
  gone_or_forming.add_statuses(tv1::COMMITTEE_STATUS_WITHDRAWN);
  gone_or_forming.add_statuses(tv1::COMMITTEE_STATUS_PREPARATORY);
  EXPECT_THAT(Ids(List(gone_or_forming)), ElementsAre(c3.id(), c1.id()));
  tv1::ListCommitteesRequest supervisory;
  supervisory.set_type(tv1::COMMITTEE_TYPE_SUPERVISORY);
  EXPECT_THAT(Ids(List(supervisory)), ElementsAre(c5.id(), c2.id()));
  tv1::ListCommitteesRequest of_compound;
  of_compound.set_compound_id(c01.id());
  EXPECT_THAT(Ids(List(of_compound)), ElementsAre(c2.id(), c1.id()));
  of_compound.set_type(tv1::COMMITTEE_TYPE_OWNERS);
  EXPECT_THAT(Ids(List(of_compound)), ElementsAre(c1.id()));
  tv1::ListCommitteesRequest of_gs01;
  *of_gs01.mutable_region() = Region("GS01");
  EXPECT_THAT(Ids(List(of_gs01)), ElementsAre(c5.id(), c3.id(), c2.id(), c1.id()));
  *of_gs01.mutable_region() = Region("GS01", "GS01-C01");
  EXPECT_THAT(Ids(List(of_gs01, kOfficer1)), ElementsAre(c2.id(), c1.id()));
  EXPECT_THAT(Ids(List({}, kOperator2)), ElementsAre(c4.id()));

  // Pages, newest first, their token bound to the filters.
  std::vector<std::string> paged;
  std::string token;
  int pages = 0;
  do {
    tv1::ListCommitteesRequest page;
    page.set_page_size(2);
    page.set_page_token(token);
    tv1::ListCommitteesResponse response;
    const Outcome o = TryList(kAdmin, page, &response);
    ASSERT_TRUE(o.status.ok()) << Describe(o);
    for (const tv1::Committee& c : response.committees()) paged.push_back(c.id());
    token = response.next_page_token();
    ++pages;
  } while (!token.empty() && pages < 10);
  EXPECT_EQ(pages, 3);
  EXPECT_THAT(paged, ElementsAre(c5.id(), c4.id(), c3.id(), c2.id(), c1.id()));
  tv1::ListCommitteesRequest first_page;
  first_page.set_page_size(2);
  tv1::ListCommitteesResponse first;
  ASSERT_TRUE(TryList(kAdmin, first_page, &first).status.ok());
  tv1::ListCommitteesRequest other_filter = supervisory;
  other_filter.set_page_token(first.next_page_token());
  ExpectInvalid(TryList(kAdmin, other_filter), "page_token");

  using Row = Refusal<tv1::ListCommitteesRequest>;
  ExpectRefusals<tv1::ListCommitteesRequest>(
      h_, tv1::ListCommitteesRequest(),
      {
          Row{"a negative page size", [](auto& q) { q.set_page_size(-1); }, "page_size"},
          Row{"a status that is none",
              [](auto& q) { q.add_statuses(tv1::COMMITTEE_STATUS_UNSPECIFIED); }, "statuses[0]"},
          Row{"a type that is none",
              [](auto& q) { q.set_type(static_cast<tv1::CommitteeType>(9)); }, "type"},
          Row{"an unknown street", [](auto& q) { *q.mutable_region() = Region("GS99"); },
              "region.street_id"},
          Row{"a grid",
              [](auto& q) { *q.mutable_region() = Region("GS01", "GS01-C01", "GS01-C01-G01"); },
              "region.grid_id"},
          Row{"a compound id too long", [](auto& q) { q.set_compound_id(std::string(65, 'C')); },
              "compound_id"},
      },
      [&](const tv1::ListCommitteesRequest& q) { return TryList(kAdmin, q); });
}

// ---- Indicators ----

TEST_F(CommitteesTest, TheIndicatorsAreTheHandCounts) {
  const tv1::Compound a1 = Compound("GS01-C01");
  const tv1::Compound a2 = Compound("GS01-C02");
  const tv1::Compound a3 = Compound("GS01-C03");
  const tv1::Compound a4 = Compound("GS01-C04");
  const tv1::Compound b1 = Compound("GS02-C01");
  const tv1::Compound b2 = Compound("GS02-C02");
  auto at = [&](int month, int day) { clock_.Set(Local(2026, month, day, 9, 0)); };

  // Applied for on 2 March.
  at(3, 2);
  tv1::Committee o_a1 = ApplyFor(a1.id());
  tv1::Committee o_a2 = ApplyFor(a2.id());
  tv1::Committee o_a3 = ApplyFor(a3.id());
  tv1::Committee o_a4 = ApplyFor(a4.id());
  tv1::Committee o_b1 = ApplyFor(b1.id());
  tv1::Committee s_b1 = ApplyFor(b1.id(), tv1::COMMITTEE_TYPE_SUPERVISORY);
  tv1::Committee o_b2 = ApplyFor(b2.id());
  tv1::Committee s_b2 = ApplyFor(b2.id(), tv1::COMMITTEE_TYPE_SUPERVISORY);
  // March: a1 filed on the 10th, designated a model of 2025 on the 20th; a4 elected on the 20th
  // (its filing due on 19 April, never made).
  at(3, 10);
  o_a1 = Filed(o_a1, "2026-03-10");
  at(3, 20);
  ASSERT_TRUE(Designate(DesignateRequest(o_a1, 2025), &o_a1).status.ok());
  o_a4 = Elected(o_a4, "2026-03-20");
  // April: a2 and a3 (GS01) and b1's supervisory committee (GS02) filed; a1 and a2 designated
  // models of 2026; b1 and b2 elected, their filing due in May; b2's supervisory committee
  // withdrawn.
  at(4, 2);
  o_a2 = Elected(o_a2, "2026-04-02");
  o_a3 = Elected(o_a3, "2026-04-02");
  s_b1 = Elected(s_b1, "2026-04-02");
  at(4, 5);
  ASSERT_TRUE(File(FileRequest(o_a2), &o_a2).status.ok());
  at(4, 10);
  ASSERT_TRUE(File(FileRequest(o_a3), &o_a3).status.ok());
  at(4, 12);
  ASSERT_TRUE(File(FileRequest(s_b1), &s_b1, kOperator2).status.ok());
  at(4, 15);
  ASSERT_TRUE(Designate(DesignateRequest(o_a1, 2026), &o_a1).status.ok());
  at(4, 20);
  ASSERT_TRUE(Designate(DesignateRequest(o_a2, 2026), &o_a2).status.ok());
  o_b1 = Elected(o_b1, "2026-04-20");
  at(4, 25);
  o_b2 = Elected(o_b2, "2026-04-25");
  ASSERT_TRUE(Withdraw(WithdrawRequest(s_b2), &s_b2, kOperator2).status.ok());
  clock_.Set(Local(2026, 4, 30, 18, 0));

  // April: filed a2, a3, s_b1; designations a1 (2026) and a2; overdue now: a4 (due 19 April).
  const auto district = h_.Indicators(kAdmin, Month(2026, 4));
  EXPECT_EQ(district.at("new_committees").actual(), 3);
  EXPECT_EQ(district.at("model_committees").actual(), 2);
  EXPECT_EQ(district.at("filings_overdue").actual(), 1);
  // The plan's targets, the district's.
  const gv1::Indicator& formed = district.at("new_committees");
  EXPECT_EQ(formed.target_kind(), gv1::TARGET_KIND_ABSOLUTE);
  EXPECT_EQ(formed.target(), 50);
  EXPECT_EQ(formed.target_source(), gv1::TARGET_SOURCE_PLAN);
  EXPECT_EQ(formed.plan_clause(), "成立住宅小区业委会、业主监督委员会50个");
  EXPECT_EQ(formed.colour(), gv1::COLOUR_RED);
  EXPECT_EQ(district.at("model_committees").target(), 20);
  EXPECT_EQ(district.at("model_committees").plan_clause(), "打造示范型业委会20个");
  const gv1::Indicator& overdue = district.at("filings_overdue");
  EXPECT_EQ(overdue.target_kind(), gv1::TARGET_KIND_UNSPECIFIED);
  EXPECT_EQ(overdue.direction(), gv1::DIRECTION_LOWER_IS_BETTER);
  EXPECT_EQ(overdue.colour(), gv1::COLOUR_UNSPECIFIED);

  const auto gs01 = h_.Indicators(kAdmin, Month(2026, 4), Region("GS01"));
  EXPECT_EQ(gs01.at("new_committees").actual(), 2);
  EXPECT_EQ(gs01.at("new_committees").target_kind(), gv1::TARGET_KIND_UNSPECIFIED);
  EXPECT_EQ(gs01.at("model_committees").actual(), 2);
  EXPECT_EQ(gs01.at("filings_overdue").actual(), 1);
  const auto gs02 = h_.Indicators(kAdmin, Month(2026, 4), Region("GS02"));
  EXPECT_EQ(gs02.at("new_committees").actual(), 1);
  EXPECT_EQ(gs02.at("model_committees").actual(), 0);
  EXPECT_EQ(gs02.at("filings_overdue").actual(), 0);
  const auto c04 = h_.Indicators(kAdmin, Month(2026, 4), Region("GS01", "GS01-C04"));
  EXPECT_EQ(c04.at("filings_overdue").actual(), 1);
  EXPECT_EQ(c04.at("new_committees").actual(), 0);
  // A street's own caller sees its street.
  EXPECT_EQ(h_.Indicators(kOperator2, Month(2026, 4)).at("new_committees").actual(), 1);

  // March: a1 filed and designated (for 2025).
  const auto march = h_.Indicators(kAdmin, Month(2026, 3));
  EXPECT_EQ(march.at("new_committees").actual(), 1);
  EXPECT_EQ(march.at("model_committees").actual(), 1);
  // The year so far: both months.
  const auto year = h_.Indicators(kAdmin, gov::testing::Year(2026));
  EXPECT_EQ(year.at("new_committees").actual(), 4);
  EXPECT_EQ(year.at("model_committees").actual(), 3);

  // Past b1's and b2's filing days (20 and 25 May), nothing filed: three overdue now, whatever
  // the period; the scan flags them.
  clock_.Set(Local(2026, 5, 26, 10, 0));
  Scan();
  EXPECT_TRUE(Get(o_b2.id()).sla_breached());
  EXPECT_EQ(h_.Indicators(kAdmin, Month(2026, 4)).at("filings_overdue").actual(), 3);
  EXPECT_EQ(h_.Indicators(kAdmin, Month(2026, 5), Region("GS02")).at("filings_overdue").actual(),
            2);
  const auto may = h_.Indicators(kAdmin, Month(2026, 5));
  EXPECT_EQ(may.at("new_committees").actual(), 0);
  EXPECT_EQ(may.at("model_committees").actual(), 0);
  // Filed late, b2 is no longer overdue, and counts in May.
  ASSERT_TRUE(File(FileRequest(Get(o_b2.id())), &o_b2, kOperator2).status.ok());
  const auto after = h_.Indicators(kAdmin, Month(2026, 5));
  EXPECT_EQ(after.at("filings_overdue").actual(), 2);
  EXPECT_EQ(after.at("new_committees").actual(), 1);
}

// ---- Demo ----

// The demo loaded on the clock's day, over a compound in every community (as the compounds'
// demo registers them): committees at every step, more than 50 filed and more than 20 model
// designations in the clock's year, one filing overdue; a second load does nothing.
void CommitteesTest::ExpectDemo() {
  const int this_year = static_cast<int>(cal::LocalDay(clock_.Now()).year());
  // A compound in every community registered more than a year ago, and one registered today
  // (none of its committees is formed yet).
  const absl::Time now = clock_.Now();
  clock_.Set(now - 400 * kDay);
  std::vector<std::string> compounds;
  for (const auto* street : h_.regions().streets()) {
    for (const auto& community : street->communities()) {
      compounds.push_back(Compound(community.id()).id());
    }
  }
  ASSERT_EQ(compounds.size(), static_cast<size_t>(h_.regions().community_count()));
  clock_.Set(now);
  const std::string recent = Compound("GS01-C01").id();
  const absl::Status loaded =
      LoadCommitteeDemo(track().deps(), track().rules(), track().engine(kCommitteeTrack));
  ASSERT_TRUE(loaded.ok()) << loaded;

  std::vector<tv1::Committee> all;
  std::string token;
  do {
    tv1::ListCommitteesRequest request;
    request.set_page_size(500);
    request.set_page_token(token);
    tv1::ListCommitteesResponse response;
    const Outcome o = TryList(kAdmin, request, &response);
    ASSERT_TRUE(o.status.ok()) << Describe(o);
    all.insert(all.end(), response.committees().begin(), response.committees().end());
    token = response.next_page_token();
  } while (!token.empty());

  std::map<tv1::CommitteeStatus, int> statuses;
  std::map<tv1::CommitteeType, int> filed_this_year;
  std::set<std::string> streets;
  std::map<std::pair<std::string, tv1::CommitteeType>, int> holding;
  int models_this_year = 0;
  int overdue = 0;
  const absl::Time year_start = Local(this_year, 1, 1);
  for (const tv1::Committee& c : all) {
    EXPECT_NE(c.compound_id(), recent);
    statuses[c.status()]++;
    streets.insert(c.region().street_id());
    EXPECT_LE(FromTimestamp(c.create_time()), clock_.Now());
    EXPECT_GT(FromTimestamp(c.create_time()), clock_.Now() - 400 * kDay) << c.id();
    if (c.status() == tv1::COMMITTEE_STATUS_FILED) {
      const tv1::Committee read = Get(c.id());
      for (const gv1::CaseEvent& e : read.history()) {
        if (e.action() == "File" && FromTimestamp(e.time()) >= year_start) {
          filed_this_year[c.type()]++;
        }
      }
    }
    if (c.status() != tv1::COMMITTEE_STATUS_WITHDRAWN) {
      EXPECT_EQ(++holding[std::make_pair(c.compound_id(), c.type())], 1) << c.compound_id();
    }
    for (const int year : c.model_years()) {
      EXPECT_EQ(c.type(), tv1::COMMITTEE_TYPE_OWNERS);
      EXPECT_EQ(c.status(), tv1::COMMITTEE_STATUS_FILED);
      models_this_year += year == this_year ? 1 : 0;
    }
    if (c.status() == tv1::COMMITTEE_STATUS_ELECTED) {
      EXPECT_EQ(c.members_size() % 2, 1);
      if (FromTimestamp(c.due_time()) < clock_.Now()) {
        ++overdue;
        EXPECT_TRUE(c.sla_breached()) << c.id();
      }
    }
    if (c.status() == tv1::COMMITTEE_STATUS_FILED) {
      EXPECT_FALSE(c.filing_number().empty());
      EXPECT_FALSE(c.election_day().empty());
    }
  }
  for (tv1::CommitteeStatus s : {tv1::COMMITTEE_STATUS_APPLIED, tv1::COMMITTEE_STATUS_PREPARATORY,
                                 tv1::COMMITTEE_STATUS_ELECTED, tv1::COMMITTEE_STATUS_FILED,
                                 tv1::COMMITTEE_STATUS_WITHDRAWN}) {
    EXPECT_GT(statuses[s], 0) << s;
  }
  EXPECT_GT(statuses[tv1::COMMITTEE_STATUS_FILED], static_cast<int>(all.size()) / 2);
  EXPECT_GT(filed_this_year[tv1::COMMITTEE_TYPE_OWNERS], 0);
  EXPECT_GT(filed_this_year[tv1::COMMITTEE_TYPE_SUPERVISORY], 0);
  EXPECT_GT(models_this_year, 20);
  EXPECT_EQ(overdue, 1);
  EXPECT_EQ(streets.size(), static_cast<size_t>(h_.regions().street_count()));
  // A withdrawn one's history ends with its withdrawal; a model's with its designation.
  for (const tv1::Committee& c : all) {
    if (c.status() == tv1::COMMITTEE_STATUS_WITHDRAWN) {
      EXPECT_EQ(Actions(Get(c.id())).back(), "Withdraw");
      break;
    }
  }

  const auto year = h_.Indicators(kAdmin, gov::testing::Year(this_year));
  EXPECT_GT(year.at("new_committees").actual(), 50);
  EXPECT_EQ(year.at("new_committees").colour(), gv1::COLOUR_GREEN);
  EXPECT_GT(year.at("model_committees").actual(), 20);
  EXPECT_EQ(year.at("model_committees").colour(), gv1::COLOUR_GREEN);
  EXPECT_EQ(year.at("filings_overdue").actual(), 1);

  // Loaded once: a second load leaves the store as it is.
  const std::string before = h_.StoreSnapshot();
  const absl::Status again =
      LoadCommitteeDemo(track().deps(), track().rules(), track().engine(kCommitteeTrack));
  ASSERT_TRUE(again.ok()) << again;
  EXPECT_EQ(h_.StoreSnapshot(), before);
}

TEST_F(CommitteesTest, TheDemoOverTheCompoundsDemoGivesTheIndicatorsThisYear) {
  const absl::Status compounds = LoadCompoundDemo(track().deps(), track().rules());
  ASSERT_TRUE(compounds.ok()) << compounds;
  const absl::Status loaded =
      LoadCommitteeDemo(track().deps(), track().rules(), track().engine(kCommitteeTrack));
  ASSERT_TRUE(loaded.ok()) << loaded;

  std::map<std::string, absl::Time> registered;
  std::string token;
  do {
    tv1::ListCompoundsRequest request;
    request.set_page_size(500);
    request.set_page_token(token);
    tv1::ListCompoundsResponse response;
    const Outcome o = Rpc(kAdmin, [&](grpc::ClientContext* ctx) {
      return stub_->ListCompounds(ctx, request, &response);
    });
    ASSERT_TRUE(o.status.ok()) << Describe(o);
    for (const tv1::Compound& c : response.compounds()) {
      registered[c.id()] = FromTimestamp(c.create_time());
    }
    token = response.next_page_token();
  } while (!token.empty());
  tv1::ListCommitteesRequest every;
  every.set_page_size(500);
  tv1::ListCommitteesResponse listed;
  ASSERT_TRUE(TryList(kAdmin, every, &listed).status.ok());
  EXPECT_GT(listed.committees_size(), 100);
  for (const tv1::Committee& c : listed.committees()) {
    ASSERT_EQ(registered.count(c.compound_id()), 1u) << c.id();
    EXPECT_GT(FromTimestamp(c.create_time()), registered[c.compound_id()]) << c.id();
  }

  const auto year = h_.Indicators(kAdmin, gov::testing::Year(2026));
  EXPECT_GT(year.at("new_committees").actual(), 50);
  EXPECT_GT(year.at("model_committees").actual(), 20);
  EXPECT_EQ(year.at("filings_overdue").actual(), 1);
}

TEST_F(CommitteesTest, TheDemoHasCommitteesAtEveryStepAndGivesTheIndicatorsThisYear) {
  ExpectDemo();
}

TEST_F(CommitteesTest, TheDemoLoadedEarlyInJanuaryGivesTheIndicatorsThisYearToo) {
  clock_.Set(Local(2027, 1, 2, 8, 30));
  ExpectDemo();
}

TEST_F(CommitteesTest, TheDemoLoadedOnNewYearsEveStaysWithinTheLastYear) {
  clock_.Set(Local(2026, 12, 31, 22, 0));
  ExpectDemo();
}

}  // namespace
}  // namespace gov::tripartite
