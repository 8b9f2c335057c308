// Personal data on the mediation track, end to end over gRPC on the real track (SQLite, or
// PostgreSQL as mediation_privacy_test_postgres) and a real redis-server (governance.v1
// PersonalDataService, common/privacy): every answer that carries personal data unmasked is
// recorded before it leaves, with its purpose, and listed to auditors only; masked answers are
// not; a purpose that is not valid refuses the call before anything is done; a case's personal
// data is erased through its engine (cache, history, change stream) with every count and
// indicator as it was.

#include <map>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/cases/engine.h"
#include "common/clock/clock.h"
#include "common/track/track_base.h"
#include "common/util/proto.h"
#include "gmock/gmock.h"
#include "governance/mediation/v1/mediation.grpc.pb.h"
#include "governance/v1/privacy.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "services/mediation/model.h"
#include "services/mediation/track.h"
#include "tests/support/track_harness.h"

// g++ 12 warns about members a designated initializer leaves to their defaults.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace gov::mediation {
namespace {

namespace gv1 = ::governance::v1;
using gov::testing::Describe;
using gov::testing::ExpectInvalid;
using gov::testing::ExpectRefused;
using gov::testing::Local;
using gov::testing::Outcome;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr char kAdmin[] = "tok-admin";
constexpr char kOperator1[] = "tok-operator-gs01";
constexpr char kViewer[] = "tok-viewer";
constexpr char kAuditor[] = "tok-auditor";
constexpr char kCourt[] = "tok-court";

mv1::Dispute NewDispute() {
  mv1::Dispute d;
  d.set_category(mv1::DISPUTE_CATEGORY_NEIGHBOURHOOD);
  d.set_channel(mv1::INTAKE_CHANNEL_WALK_IN);
  d.mutable_region()->set_street_id("GS01");
  d.mutable_region()->set_community_id("GS01-C01");
  d.set_summary("张三与李四邻里噪音纠纷");
  mv1::Party* applicant = d.add_parties();
  applicant->set_role(mv1::PARTY_ROLE_APPLICANT);
  applicant->set_name("张三");
  applicant->set_phone("13800138000");
  mv1::Party* respondent = d.add_parties();
  respondent->set_role(mv1::PARTY_ROLE_RESPONDENT);
  respondent->set_name("李四");
  return d;
}

class MediationPrivacyTest : public ::testing::Test {
 protected:
  MediationPrivacyTest() : clock_(Local(2026, 3, 18, 10, 0)) {}

  void SetUp() override {
    ASSERT_TRUE(h_.Start(track::Factory<MediationTrack>(kTrack)).ok());
    stub_ = mv1::MediationService::NewStub(h_.channel());
    privacy_ = gv1::PersonalDataService::NewStub(h_.channel());
  }

  static std::vector<gov::testing::TestToken> Tokens() {
    return {
        {kAdmin, "admin", auth::kDistrictAdmin, {}},
        {kOperator1, "operator-gs01", auth::kStreetOperator, {"GS01"}},
        {kViewer, "viewer", auth::kViewer, {}},
        {kAuditor, "auditor", auth::kAuditor, {}},
        {kCourt, "court", auth::kSystem, {}},
    };
  }

  // One call with `token` and, when not empty, `purpose` in the binary purpose header.
  template <typename Fn>
  Outcome Rpc(const std::string& token, Fn&& fn, const std::string& purpose = "",
              const char* header = server::kPurposeBinHeader) {
    return h_.Rpc(token, [&](grpc::ClientContext* c) {
      if (!purpose.empty()) c->AddMetadata(header, purpose);
      return fn(c);
    });
  }

  mv1::Dispute Create(const std::string& token = kAdmin) {
    mv1::CreateDisputeRequest request;
    request.set_request_id(absl::StrCat("req-", ++counter_));
    *request.mutable_dispute() = NewDispute();
    mv1::CreateDisputeResponse response;
    Outcome o = Rpc(
        token, [&](grpc::ClientContext* c) { return stub_->CreateDispute(c, request, &response); });
    EXPECT_TRUE(o.status.ok()) << Describe(o);
    return response.dispute();
  }

  Outcome Get(const std::string& token, const std::string& id, mv1::Dispute* out,
              const std::string& purpose = "", const char* header = server::kPurposeBinHeader) {
    mv1::GetDisputeRequest request;
    request.set_id(id);
    mv1::GetDisputeResponse response;
    Outcome o = Rpc(
        token, [&](grpc::ClientContext* c) { return stub_->GetDispute(c, request, &response); },
        purpose, header);
    if (out != nullptr) *out = response.dispute();
    return o;
  }

  // A street committee of GS01, which triage routes the street's disputes to.
  void AddCommittee() {
    mv1::CreateMediatingBodyRequest request;
    request.set_request_id("req-body");
    request.mutable_body()->set_kind(mv1::BODY_KIND_STREET_COMMITTEE);
    request.mutable_body()->set_name("GS01 人民调解委员会");
    request.mutable_body()->mutable_region()->set_street_id("GS01");
    mv1::CreateMediatingBodyResponse response;
    Outcome o = Rpc(kAdmin, [&](grpc::ClientContext* c) {
      return stub_->CreateMediatingBody(c, request, &response);
    });
    ASSERT_TRUE(o.status.ok()) << Describe(o);
  }

  mv1::Dispute Triage(const mv1::Dispute& d, const std::string& note) {
    mv1::TriageDisputeRequest request;
    request.set_id(d.id());
    request.set_etag(d.etag());
    request.set_note(note);
    mv1::TriageDisputeResponse response;
    Outcome o = Rpc(kAdmin, [&](grpc::ClientContext* c) {
      return stub_->TriageDispute(c, request, &response);
    });
    EXPECT_TRUE(o.status.ok()) << Describe(o);
    return response.dispute();
  }

  Outcome ListReads(const std::string& token, const gv1::ListPersonalDataReadsRequest& request,
                    gv1::ListPersonalDataReadsResponse* out) {
    return Rpc(token, [&](grpc::ClientContext* c) {
      return privacy_->ListPersonalDataReads(c, request, out);
    });
  }

  std::vector<gv1::PersonalDataRead> Reads(const gv1::ListPersonalDataReadsRequest& request = {}) {
    gv1::ListPersonalDataReadsResponse response;
    Outcome o = ListReads(kAuditor, request, &response);
    EXPECT_TRUE(o.status.ok()) << Describe(o);
    return {response.reads().begin(), response.reads().end()};
  }

  Outcome Erase(const std::string& token, const gv1::ErasePersonalDataRequest& request,
                gv1::ErasePersonalDataResponse* out) {
    return Rpc(token, [&](grpc::ClientContext* c) {
      return privacy_->ErasePersonalData(c, request, out);
    });
  }

  // Every count of the track's cases and events this year.
  std::string Counts() const {
    std::string out;
    const absl::StatusOr<std::vector<store::CountRow>> cases =
        h_.repo().SumCases({.track = kTrack,
                            .first = absl::CivilDay(2026, 1, 1),
                            .last = absl::CivilDay(2026, 12, 31),
                            .by_street = true,
                            .by_category = true,
                            .by_status = true});
    EXPECT_TRUE(cases.ok()) << cases.status();
    for (const store::CountRow& r : cases.value_or(std::vector<store::CountRow>{})) {
      absl::StrAppend(&out, r.street_id, "/", r.category, "/", r.status, "=", r.count, ";");
    }
    const absl::StatusOr<std::vector<store::CountRow>> events =
        h_.repo().SumEvents({.track = kTrack,
                             .first = absl::CivilDay(2026, 1, 1),
                             .last = absl::CivilDay(2026, 12, 31),
                             .by_status = true,
                             .by_action = true});
    EXPECT_TRUE(events.ok()) << events.status();
    for (const store::CountRow& r : events.value_or(std::vector<store::CountRow>{})) {
      absl::StrAppend(&out, r.action, "/", r.status, "=", r.count, ";");
    }
    return out;
  }

  static gv1::ErasePersonalDataRequest EraseRequest(const std::string& id) {
    gv1::ErasePersonalDataRequest request;
    request.set_case_id(id);
    request.set_reason("个人信息删除申请 PI-2026-0042");
    return request;
  }

  FakeClock clock_;
  gov::testing::TrackHarness h_{kTrack, &clock_, Tokens()};
  std::unique_ptr<mv1::MediationService::Stub> stub_;
  std::unique_ptr<gv1::PersonalDataService::Stub> privacy_;
  int counter_ = 0;
};

TEST_F(MediationPrivacyTest, EveryUnmaskedAnswerIsRecordedBeforeItLeaves) {
  const mv1::Dispute d = Create();  // the answer carries the parties: recorded
  ASSERT_FALSE(d.id().empty());

  // A viewer gets it masked: nothing to record.
  mv1::Dispute seen;
  ASSERT_TRUE(Get(kViewer, d.id(), &seen).status.ok());
  EXPECT_EQ(seen.parties(0).name(), "");
  // A street operator of its street sees the parties, for a purpose it gives.
  clock_.Advance(absl::Minutes(1));
  ASSERT_TRUE(Get(kOperator1, d.id(), &seen, "回访当事人（工单 7）").status.ok());
  EXPECT_EQ(seen.parties(0).name(), "张三");
  clock_.Advance(absl::Minutes(1));
  ASSERT_TRUE(Get(kAdmin, d.id(), &seen, "monthly review", server::kPurposeHeader).status.ok());

  const std::vector<gv1::PersonalDataRead> reads = Reads();
  ASSERT_EQ(reads.size(), 3u);
  // Newest first.
  EXPECT_EQ(reads[0].principal(), "admin");
  EXPECT_EQ(reads[0].purpose(), "monthly review");
  EXPECT_THAT(reads[0].roles(), ElementsAre("district_admin"));
  EXPECT_EQ(reads[0].method(), "governance.mediation.v1.MediationService/GetDispute");
  EXPECT_THAT(reads[0].records(), ElementsAre(d.id()));
  EXPECT_FALSE(reads[0].trace_id().empty());
  EXPECT_EQ(reads[1].principal(), "operator-gs01");
  EXPECT_EQ(reads[1].purpose(), "回访当事人（工单 7）");
  EXPECT_THAT(reads[1].roles(), ElementsAre("street_operator"));
  EXPECT_EQ(FromTimestamp(reads[1].time()), Local(2026, 3, 18, 10, 1));
  EXPECT_EQ(reads[2].principal(), "admin");
  EXPECT_EQ(reads[2].method(), "governance.mediation.v1.MediationService/CreateDispute");
  EXPECT_EQ(reads[2].purpose(), "");

  // Filters: by principal, by record, by time.
  gv1::ListPersonalDataReadsRequest by_operator;
  by_operator.set_principal("operator-gs01");
  EXPECT_EQ(Reads(by_operator).size(), 1u);
  gv1::ListPersonalDataReadsRequest by_other_record;
  by_other_record.set_record("D-999999");
  EXPECT_THAT(Reads(by_other_record), IsEmpty());
  gv1::ListPersonalDataReadsRequest by_record;
  by_record.set_record(d.id());
  EXPECT_EQ(Reads(by_record).size(), 3u);
  gv1::ListPersonalDataReadsRequest since;
  *since.mutable_start_time() = ToTimestamp(Local(2026, 3, 18, 10, 1));
  EXPECT_EQ(Reads(since).size(), 2u);

  // Pages: one read at a time, newest first, each once.
  gv1::ListPersonalDataReadsRequest page;
  page.set_page_size(1);
  std::vector<std::string> principals;
  for (int i = 0; i < 5; ++i) {
    gv1::ListPersonalDataReadsResponse response;
    Outcome o = ListReads(kAuditor, page, &response);
    ASSERT_TRUE(o.status.ok()) << Describe(o);
    for (const auto& r : response.reads()) principals.push_back(r.principal());
    if (response.next_page_token().empty()) break;
    page.set_page_token(response.next_page_token());
  }
  EXPECT_THAT(principals, ElementsAre("admin", "operator-gs01", "admin"));
  // A token of another filter is refused.
  gv1::ListPersonalDataReadsRequest first;
  first.set_page_size(1);
  gv1::ListPersonalDataReadsResponse first_page;
  ASSERT_TRUE(ListReads(kAuditor, first, &first_page).status.ok());
  gv1::ListPersonalDataReadsRequest other = by_record;
  other.set_page_token(first_page.next_page_token());
  gv1::ListPersonalDataReadsResponse ignored;
  ExpectInvalid(ListReads(kAuditor, other, &ignored), "page_token");
  gv1::ListPersonalDataReadsRequest backwards;
  *backwards.mutable_start_time() = ToTimestamp(Local(2026, 3, 18, 11, 0));
  *backwards.mutable_end_time() = ToTimestamp(Local(2026, 3, 18, 10, 0));
  ExpectInvalid(ListReads(kAuditor, backwards, &ignored), "end_time");

  // Only auditors (and district_admin) read the record. An auditor reads what every caller may
  // (a dispute, for one), masked: not a read of personal data.
  ExpectRefused(ListReads(kOperator1, {}, &ignored), grpc::StatusCode::PERMISSION_DENIED, "");
  ExpectRefused(ListReads(kViewer, {}, &ignored), grpc::StatusCode::PERMISSION_DENIED, "");
  EXPECT_TRUE(ListReads(kAdmin, {}, &ignored).status.ok());
  ASSERT_TRUE(Get(kAuditor, d.id(), &seen).status.ok());
  EXPECT_EQ(seen.parties(0).name(), "");
  EXPECT_EQ(seen.summary(), "");
  // Reading the record is not a read of personal data.
  EXPECT_EQ(Reads().size(), 3u);
}

TEST_F(MediationPrivacyTest, ListsCarryingPersonalDataNameEveryRecord) {
  const mv1::Dispute a = Create();
  const mv1::Dispute b = Create();
  mv1::ListDisputesRequest request;
  mv1::ListDisputesResponse response;
  Outcome o = Rpc(kOperator1, [&](grpc::ClientContext* c) {
    return stub_->ListDisputes(c, request, &response);
  });
  ASSERT_TRUE(o.status.ok()) << Describe(o);
  ASSERT_EQ(response.disputes_size(), 2);
  EXPECT_EQ(response.disputes(0).parties(0).name(), "张三");
  // The list carries the parties to a street operator (as GetDispute does): one read, naming
  // each dispute it carried.
  const std::vector<gv1::PersonalDataRead> reads = Reads();
  ASSERT_FALSE(reads.empty());
  EXPECT_EQ(reads[0].method(), "governance.mediation.v1.MediationService/ListDisputes");
  EXPECT_EQ(reads[0].principal(), "operator-gs01");
  EXPECT_THAT(reads[0].records(), ::testing::UnorderedElementsAre(a.id(), b.id()));
}

TEST_F(MediationPrivacyTest, APurposeThatIsNotValidRefusesTheCallBeforeAnything) {
  const std::string before = h_.StoreSnapshot();
  mv1::CreateDisputeRequest request;
  request.set_request_id("req-bad-purpose");
  *request.mutable_dispute() = NewDispute();
  mv1::CreateDisputeResponse response;
  auto create = [&](grpc::ClientContext* c) { return stub_->CreateDispute(c, request, &response); };
  ExpectInvalid(Rpc(kAdmin, create, std::string(201, 'x'), server::kPurposeHeader),
                "x-gov-purpose");
  ExpectInvalid(Rpc(kAdmin, create, "line\nbreak"), "x-gov-purpose-bin");
  ExpectInvalid(Rpc(kAdmin, create, "\xff\xfe not UTF-8"), "x-gov-purpose-bin");
  EXPECT_EQ(h_.StoreSnapshot(), before);
  EXPECT_THAT(Reads(), IsEmpty());
  // 200 characters (not bytes) is the limit.
  std::string longest;
  for (int i = 0; i < 200; ++i) longest += "调";
  EXPECT_TRUE(Rpc(kAdmin, create, longest).status.ok());
  ASSERT_EQ(Reads().size(), 1u);
  EXPECT_EQ(Reads()[0].purpose(), longest);
}

TEST_F(MediationPrivacyTest, ErasureClearsThePersonButNoCount) {
  ASSERT_NO_FATAL_FAILURE(AddCommittee());
  mv1::Dispute d = Create();
  d = Triage(d, "与张三电话沟通，13800138000");
  ASSERT_FALSE(d.id().empty());
  const mv1::Dispute other = Create();
  gv1::Period month = gov::testing::Month(2026, 3);
  const auto indicators_before = h_.Indicators(kAdmin, month);
  const std::string counts_before = Counts();
  // Read once with the history cached, so that the erasure must replace what Redis holds.
  mv1::Dispute cached;
  ASSERT_TRUE(Get(kAdmin, d.id(), &cached).status.ok());
  ASSERT_EQ(cached.parties(0).name(), "张三");

  // Refusals first: nothing changes.
  const std::string snapshot = h_.StoreSnapshot();
  gv1::ErasePersonalDataResponse response;
  ExpectRefused(Erase(kOperator1, EraseRequest(d.id()), &response),
                grpc::StatusCode::PERMISSION_DENIED, "");
  ExpectRefused(Erase(kAuditor, EraseRequest(d.id()), &response),
                grpc::StatusCode::PERMISSION_DENIED, "");
  gv1::ErasePersonalDataRequest no_reason = EraseRequest(d.id());
  no_reason.clear_reason();
  ExpectInvalid(Erase(kAdmin, no_reason, &response), "reason");
  gv1::ErasePersonalDataRequest no_id = EraseRequest("");
  ExpectInvalid(Erase(kAdmin, no_id, &response), "case_id");
  gv1::ErasePersonalDataRequest bad_kind = EraseRequest(d.id());
  bad_kind.set_kind("complaint");
  ExpectInvalid(Erase(kAdmin, bad_kind, &response), "kind");
  ExpectRefused(Erase(kAdmin, EraseRequest("D-999999"), &response), grpc::StatusCode::NOT_FOUND,
                "");
  EXPECT_EQ(h_.StoreSnapshot(), snapshot);

  clock_.Advance(absl::Hours(1));
  gv1::ErasePersonalDataRequest request = EraseRequest(d.id());
  request.set_kind("dispute");
  Outcome o = Erase(kAdmin, request, &response);
  ASSERT_TRUE(o.status.ok()) << Describe(o);
  EXPECT_EQ(response.case_id(), d.id());
  EXPECT_EQ(response.fields_cleared(), 4);  // summary, two names, one phone
  int notes = 0;
  for (const gv1::CaseEvent& e : cached.history()) notes += e.note().empty() ? 0 : 1;
  EXPECT_EQ(response.notes_cleared(), notes);
  EXPECT_GE(notes, 1);  // the triage's note at least
  EXPECT_NE(response.etag(), d.etag());

  // What everyone reads now, from the cache as well as the store.
  for (int i = 0; i < 2; ++i) {
    mv1::Dispute after;
    ASSERT_TRUE(Get(kAdmin, d.id(), &after).status.ok());
    EXPECT_EQ(after.etag(), response.etag());
    EXPECT_EQ(after.summary(), "");
    ASSERT_EQ(after.parties_size(), 2);
    EXPECT_EQ(after.parties(0).name(), "");
    EXPECT_EQ(after.parties(0).phone(), "");
    EXPECT_EQ(after.parties(0).role(), mv1::PARTY_ROLE_APPLICANT);
    EXPECT_EQ(after.state(), d.state());
    EXPECT_EQ(after.category(), d.category());
    EXPECT_EQ(after.region().community_id(), "GS01-C01");
    ASSERT_EQ(after.history_size(), 3);
    EXPECT_EQ(after.history(0).note(), "");
    EXPECT_EQ(after.history(1).note(), "");
    EXPECT_EQ(after.history(2).action(), cases::kErasePersonalData);
    EXPECT_EQ(after.history(2).note(), "个人信息删除申请 PI-2026-0042");
    EXPECT_EQ(after.history(2).actor(), "admin");
  }
  // Nothing of the person is left in the store's payload or history.
  absl::StatusOr<store::CaseRecord> stored = h_.repo().GetCase(kTrack, d.id());
  ASSERT_TRUE(stored.ok()) << stored.status();
  EXPECT_FALSE(absl::StrContains(stored->payload, "张三"));
  EXPECT_FALSE(absl::StrContains(stored->payload, "13800138000"));
  absl::StatusOr<std::vector<store::HistoryRecord>> history = h_.repo().GetHistory(kTrack, d.id());
  ASSERT_TRUE(history.ok()) << history.status();
  for (const store::HistoryRecord& entry : *history) {
    EXPECT_FALSE(absl::StrContains(entry.note, "张三"));
  }
  // The other case keeps its parties.
  mv1::Dispute untouched;
  ASSERT_TRUE(Get(kAdmin, other.id(), &untouched).status.ok());
  EXPECT_EQ(untouched.parties(0).name(), "张三");

  // Every count and indicator is as it was.
  EXPECT_EQ(Counts(), counts_before);
  const auto indicators_after = h_.Indicators(kAdmin, month);
  ASSERT_EQ(indicators_after.size(), indicators_before.size());
  for (const auto& [id, indicator] : indicators_before) {
    EXPECT_EQ(indicators_after.at(id).actual(), indicator.actual()) << id;
    EXPECT_EQ(indicators_after.at(id).has_data(), indicator.has_data()) << id;
  }

  // The change stream carries the step, moving no status.
  absl::StatusOr<std::vector<store::ChangeRecord>> changes = h_.repo().ListChanges(kTrack, "", 100);
  ASSERT_TRUE(changes.ok()) << changes.status();
  ASSERT_FALSE(changes->empty());
  EXPECT_EQ(changes->back().case_id, d.id());
  EXPECT_EQ(changes->back().action, cases::kErasePersonalData);
  EXPECT_EQ(changes->back().from_status, "");
  EXPECT_EQ(changes->back().to_status, "");

  // Again: nothing left to erase, nothing written.
  const std::string erased_snapshot = h_.StoreSnapshot();
  gv1::ErasePersonalDataResponse again;
  o = Erase(kAdmin, EraseRequest(d.id()), &again);
  ASSERT_TRUE(o.status.ok()) << Describe(o);
  EXPECT_EQ(again.fields_cleared(), 0);
  EXPECT_EQ(again.notes_cleared(), 0);
  EXPECT_EQ(again.etag(), response.etag());
  EXPECT_EQ(h_.StoreSnapshot(), erased_snapshot);

  // The case goes on: a later step works on the erased case.
  mv1::Dispute erased;
  ASSERT_TRUE(Get(kAdmin, d.id(), &erased).status.ok());
  mv1::AssignMediatorRequest assign;
  assign.set_id(d.id());
  assign.set_etag(erased.etag());
  assign.set_mediator_id("M-000404");
  mv1::AssignMediatorResponse assigned;
  o = Rpc(kAdmin,
          [&](grpc::ClientContext* c) { return stub_->AssignMediator(c, assign, &assigned); });
  // No such mediator: refused for that reason, not for the erasure (the etag is current).
  EXPECT_NE(o.code(), grpc::StatusCode::ABORTED) << Describe(o);
}

}  // namespace
}  // namespace gov::mediation
