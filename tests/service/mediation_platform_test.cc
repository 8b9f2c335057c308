// The mediation track's platforms beside the disputes, end to end over gRPC on the real track
// (SQLite, or PostgreSQL as mediation_platform_test_postgres) and a real redis-server, with a
// fake clock: the government-purchased mediation services (providers, contracts, referrals and
// their indicators) and the monthly consultation meetings (the kit's MeetingsService, and the
// indicator "held every month").

#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/clock/clock.h"
#include "common/track/track_base.h"
#include "common/util/proto.h"
#include "gmock/gmock.h"
#include "governance/mediation/v1/mediation.grpc.pb.h"
#include "governance/v1/indicators.grpc.pb.h"
#include "governance/v1/meetings.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "services/mediation/model.h"
#include "services/mediation/track.h"
#include "tests/support/track_harness.h"

namespace gov::mediation {
namespace {

namespace gv1 = ::governance::v1;
using gov::testing::Describe;
using gov::testing::ExpectInvalid;
using gov::testing::ExpectRefusals;
using gov::testing::ExpectRefused;
using gov::testing::Local;
using gov::testing::Outcome;
using gov::testing::Refusal;
using gov::testing::Year;
using ::testing::ElementsAre;

constexpr char kAdmin[] = "tok-admin";
constexpr char kOperator1[] = "tok-operator-gs01";
constexpr char kOperator2[] = "tok-operator-gs02";
constexpr char kViewer[] = "tok-viewer";

class MediationPlatformTest : public ::testing::Test {
 protected:
  MediationPlatformTest() : clock_(Local(2026, 3, 18, 10, 0)) {}

  void SetUp() override {
    ASSERT_TRUE(h_.Start(track::Factory<MediationTrack>(kTrack)).ok());
    stub_ = mv1::MediationService::NewStub(h_.channel());
    meetings_ = gv1::MeetingsService::NewStub(h_.channel());
  }

  static std::vector<gov::testing::TestToken> Tokens() {
    return {
        {kAdmin, "admin", auth::kDistrictAdmin, {}},
        {kOperator1, "operator-gs01", auth::kStreetOperator, {"GS01"}},
        {kOperator2, "operator-gs02", auth::kStreetOperator, {"GS02"}},
        {kViewer, "viewer", auth::kViewer, {}},
    };
  }

  template <typename Fn>
  Outcome Rpc(const std::string& token, Fn&& fn) {
    return h_.Rpc(token, std::forward<Fn>(fn));
  }
  std::string NextRequestId() { return absl::StrCat("req-", ++counter_); }

  // ---- Purchased services ----

  Outcome CreateProvider(const std::string& token, const mv1::CreateServiceProviderRequest& request,
                         mv1::ServiceProvider* out = nullptr) {
    mv1::CreateServiceProviderResponse response;
    Outcome o = Rpc(token, [&](grpc::ClientContext* c) {
      return stub_->CreateServiceProvider(c, request, &response);
    });
    if (out != nullptr) *out = response.provider();
    return o;
  }

  static mv1::CreateServiceProviderRequest ProviderRequest(
      const std::string& request_id, mv1::ProviderKind kind, const std::string& name,
      std::vector<mv1::DisputeCategory> specialities = {}) {
    mv1::CreateServiceProviderRequest request;
    request.set_request_id(request_id);
    request.mutable_provider()->set_kind(kind);
    request.mutable_provider()->set_name(name);
    for (mv1::DisputeCategory c : specialities) request.mutable_provider()->add_specialities(c);
    request.mutable_provider()->set_since("2025-12-01");
    return request;
  }

  std::string Provider(mv1::ProviderKind kind, const std::string& name,
                       std::vector<mv1::DisputeCategory> specialities = {}) {
    mv1::ServiceProvider out;
    Outcome o = CreateProvider(
        kAdmin, ProviderRequest(NextRequestId(), kind, name, std::move(specialities)), &out);
    EXPECT_TRUE(o.status.ok()) << Describe(o);
    return out.id();
  }

  Outcome CreateContract(const std::string& token, const mv1::CreateServiceContractRequest& request,
                         mv1::ServiceContract* out = nullptr) {
    mv1::CreateServiceContractResponse response;
    Outcome o = Rpc(token, [&](grpc::ClientContext* c) {
      return stub_->CreateServiceContract(c, request, &response);
    });
    if (out != nullptr) *out = response.contract();
    return o;
  }

  mv1::CreateServiceContractRequest ContractRequest(
      const std::string& provider, const std::string& first, const std::string& last,
      std::vector<mv1::DisputeCategory> categories = {}) {
    mv1::CreateServiceContractRequest request;
    request.set_request_id(NextRequestId());
    mv1::ServiceContract* contract = request.mutable_contract();
    contract->set_provider_id(provider);
    contract->set_title("调解服务采购合同");
    contract->set_first_day(first);
    contract->set_last_day(last);
    for (mv1::DisputeCategory c : categories) contract->add_categories(c);
    contract->set_scope("诉前调解");
    contract->set_amount_fen(30'000'000);
    return request;
  }

  std::string Contract(const std::string& provider, const std::string& first,
                       const std::string& last, std::vector<mv1::DisputeCategory> categories = {}) {
    mv1::ServiceContract out;
    Outcome o = CreateContract(kAdmin, ContractRequest(provider, first, last, categories), &out);
    EXPECT_TRUE(o.status.ok()) << Describe(o);
    return out.id();
  }

  std::vector<std::string> ContractIds(mv1::ListServiceContractsRequest request) {
    mv1::ListServiceContractsResponse response;
    Outcome o = Rpc(kViewer, [&](grpc::ClientContext* c) {
      return stub_->ListServiceContracts(c, request, &response);
    });
    EXPECT_TRUE(o.status.ok()) << Describe(o);
    std::vector<std::string> ids;
    for (const auto& contract : response.contracts()) ids.push_back(contract.id());
    return ids;
  }

  // ---- Disputes ----

  std::string StreetCommittee() {
    mv1::CreateMediatingBodyRequest request;
    request.set_request_id(NextRequestId());
    request.mutable_body()->set_kind(mv1::BODY_KIND_STREET_COMMITTEE);
    request.mutable_body()->set_name("GS01 街道人民调解委员会");
    request.mutable_body()->mutable_region()->set_street_id("GS01");
    mv1::CreateMediatingBodyResponse response;
    Outcome o = Rpc(kAdmin, [&](grpc::ClientContext* c) {
      return stub_->CreateMediatingBody(c, request, &response);
    });
    EXPECT_TRUE(o.status.ok()) << Describe(o);
    return response.body().id();
  }

  mv1::Dispute Received(mv1::DisputeCategory category) {
    mv1::CreateDisputeRequest request;
    request.set_request_id(NextRequestId());
    mv1::Dispute* d = request.mutable_dispute();
    d->set_category(category);
    d->set_channel(mv1::INTAKE_CHANNEL_WALK_IN);
    d->mutable_region()->set_street_id("GS01");
    d->set_summary("合同款项纠纷（测试）");
    mv1::Party* applicant = d->add_parties();
    applicant->set_role(mv1::PARTY_ROLE_APPLICANT);
    applicant->set_name("张某");
    mv1::CreateDisputeResponse response;
    Outcome o = Rpc(kOperator1, [&](grpc::ClientContext* c) {
      return stub_->CreateDispute(c, request, &response);
    });
    EXPECT_TRUE(o.status.ok()) << Describe(o);
    return response.dispute();
  }

  mv1::Dispute Triaged(mv1::DisputeCategory category) {
    mv1::Dispute d = Received(category);
    mv1::TriageDisputeRequest request;
    request.set_id(d.id());
    request.set_etag(d.etag());
    request.set_body_id(committee_);
    mv1::TriageDisputeResponse response;
    Outcome o = Rpc(kOperator1, [&](grpc::ClientContext* c) {
      return stub_->TriageDispute(c, request, &response);
    });
    EXPECT_TRUE(o.status.ok()) << Describe(o);
    return response.dispute();
  }

  Outcome ReferTo(const std::string& token, const mv1::Dispute& d, const std::string& contract,
                  mv1::Dispute* out = nullptr) {
    mv1::ReferToProviderRequest request;
    request.set_id(d.id());
    request.set_etag(d.etag());
    request.set_contract_id(contract);
    request.set_note("转购买服务");
    mv1::ReferToProviderResponse response;
    Outcome o = Rpc(token, [&](grpc::ClientContext* c) {
      return stub_->ReferToProvider(c, request, &response);
    });
    if (out != nullptr) *out = response.dispute();
    return o;
  }

  mv1::Dispute End(const mv1::Dispute& d, mv1::Outcome outcome) {
    mv1::RecordOutcomeRequest request;
    request.set_id(d.id());
    request.set_etag(d.etag());
    request.set_outcome(outcome);
    request.set_note("结果（测试）");
    mv1::RecordOutcomeResponse response;
    Outcome o = Rpc(kOperator1, [&](grpc::ClientContext* c) {
      return stub_->RecordOutcome(c, request, &response);
    });
    EXPECT_TRUE(o.status.ok()) << Describe(o);
    return response.dispute();
  }

  // ---- Meetings ----

  gv1::CreateMeetingRequest MeetingRequest(const std::string& street, absl::Time held) {
    gv1::CreateMeetingRequest request;
    request.set_request_id(NextRequestId());
    gv1::Meeting* m = request.mutable_meeting();
    m->set_kind(kConsultation);
    *m->mutable_hold_time() = ToTimestamp(held);
    if (!street.empty()) m->mutable_region()->set_street_id(street);
    m->set_title("矛盾纠纷会商研判会");
    m->add_units_present("区司法局");
    m->add_units_present("区人民法院");
    m->add_topics("本月矛盾纠纷排名");
    m->add_decisions("对排名靠前的街道开展督导");
    for (int k = 0; k < 2; ++k) {
      gv1::FollowUp* f = m->add_follow_ups();
      f->set_action(absl::StrCat("落实事项", k + 1));
      f->set_owner_unit("区司法局");
      *f->mutable_due_time() = ToTimestamp(held + absl::Hours(24 * 7));
    }
    return request;
  }

  Outcome CreateMeeting(const std::string& token, const gv1::CreateMeetingRequest& request,
                        gv1::Meeting* out = nullptr) {
    gv1::CreateMeetingResponse response;
    Outcome o = Rpc(token, [&](grpc::ClientContext* c) {
      return meetings_->CreateMeeting(c, request, &response);
    });
    if (out != nullptr) *out = response.meeting();
    return o;
  }

  gv1::Meeting Meeting(const std::string& token, const std::string& street, absl::Time held) {
    gv1::Meeting out;
    Outcome o = CreateMeeting(token, MeetingRequest(street, held), &out);
    EXPECT_TRUE(o.status.ok()) << Describe(o);
    return out;
  }

  Outcome GetMeeting(const std::string& token, const std::string& id, gv1::Meeting* out = nullptr) {
    gv1::GetMeetingRequest request;
    request.set_id(id);
    gv1::GetMeetingResponse response;
    Outcome o = Rpc(token, [&](grpc::ClientContext* c) {
      return meetings_->GetMeeting(c, request, &response);
    });
    if (out != nullptr) *out = response.meeting();
    return o;
  }

  Outcome Complete(const std::string& token, const gv1::Meeting& m, int number,
                   gv1::Meeting* out = nullptr, const std::string& etag = "") {
    gv1::CompleteFollowUpRequest request;
    request.set_meeting_id(m.id());
    request.set_etag(etag.empty() ? m.etag() : etag);
    request.set_number(number);
    request.set_outcome("已落实");
    gv1::CompleteFollowUpResponse response;
    Outcome o = Rpc(token, [&](grpc::ClientContext* c) {
      return meetings_->CompleteFollowUp(c, request, &response);
    });
    if (out != nullptr) *out = response.meeting();
    return o;
  }

  // Ids of ListMeetings, every page of `page_size`.
  std::vector<std::string> MeetingIds(const std::string& token, gv1::ListMeetingsRequest request,
                                      int page_size = 2) {
    std::vector<std::string> ids;
    request.set_page_size(page_size);
    for (int pages = 0; pages < 20; ++pages) {
      gv1::ListMeetingsResponse response;
      Outcome o = Rpc(token, [&](grpc::ClientContext* c) {
        return meetings_->ListMeetings(c, request, &response);
      });
      EXPECT_TRUE(o.status.ok()) << Describe(o);
      for (const gv1::Meeting& m : response.meetings()) ids.push_back(m.id());
      if (response.next_page_token().empty()) break;
      request.set_page_token(response.next_page_token());
    }
    return ids;
  }

  gv1::Indicator IndicatorOf(const std::string& id, const gv1::Period& period,
                             const std::string& street = "") {
    gv1::RegionRef region;
    region.set_street_id(street);
    const auto all = h_.Indicators(kAdmin, period, region);
    auto it = all.find(id);
    EXPECT_NE(it, all.end()) << id;
    return it == all.end() ? gv1::Indicator() : it->second;
  }

  FakeClock clock_;
  gov::testing::TrackHarness h_{kTrack, &clock_, Tokens()};
  std::unique_ptr<mv1::MediationService::Stub> stub_;
  std::unique_ptr<gv1::MeetingsService::Stub> meetings_;
  std::string committee_;
  int counter_ = 0;
};

// ---- Purchased services ----

TEST_F(MediationPlatformTest, ProvidersAndContractsAreRegisteredOnceListedAndCheckedOnEntry) {
  const mv1::CreateServiceProviderRequest association = ProviderRequest(
      "provider-association", mv1::PROVIDER_KIND_MEDIATION_ASSOCIATION, "区人民调解协会");
  mv1::ServiceProvider first;
  Outcome o = CreateProvider(kAdmin, association, &first);
  ASSERT_TRUE(o.status.ok()) << Describe(o);
  EXPECT_EQ(first.id(), "SP-000001");
  EXPECT_TRUE(first.has_create_time());
  mv1::ServiceProvider retried;
  ASSERT_TRUE(CreateProvider(kAdmin, association, &retried).status.ok());
  EXPECT_EQ(retried.id(), first.id());
  mv1::CreateServiceProviderRequest other = association;
  other.mutable_provider()->set_name("另一个协会");
  ExpectRefused(CreateProvider(kAdmin, other), grpc::StatusCode::ALREADY_EXISTS, "");
  // district_admin's alone.
  ExpectRefused(CreateProvider(kOperator1, ProviderRequest("op", mv1::PROVIDER_KIND_OTHER, "x")),
                grpc::StatusCode::PERMISSION_DENIED, "");
  const std::string law = Provider(mv1::PROVIDER_KIND_LAW_OFFICE, "运河律师事务所",
                                   {mv1::DISPUTE_CATEGORY_CONTRACT, mv1::DISPUTE_CATEGORY_LABOUR});

  ExpectRefusals<mv1::CreateServiceProviderRequest>(
      h_, ProviderRequest("provider-new", mv1::PROVIDER_KIND_LAW_OFFICE, "律所"),
      {
          {"no request id", [](auto& r) { r.clear_request_id(); }, "request_id"},
          {"no kind", [](auto& r) { r.mutable_provider()->clear_kind(); }, "provider.kind"},
          {"unknown kind", [](auto& r) { r.mutable_provider()->set_kind(mv1::ProviderKind(42)); },
           "provider.kind"},
          {"no name", [](auto& r) { r.mutable_provider()->clear_name(); }, "provider.name"},
          {"unset speciality",
           [](auto& r) {
             r.mutable_provider()->add_specialities(mv1::DISPUTE_CATEGORY_UNSPECIFIED);
           },
           "provider.specialities[0]"},
          {"speciality twice",
           [](auto& r) {
             r.mutable_provider()->add_specialities(mv1::DISPUTE_CATEGORY_FAMILY);
             r.mutable_provider()->add_specialities(mv1::DISPUTE_CATEGORY_FAMILY);
           },
           "provider.specialities[1]"},
          {"no such day", [](auto& r) { r.mutable_provider()->set_since("2026-02-30"); },
           "provider.since"},
      },
      [&](const mv1::CreateServiceProviderRequest& r) { return CreateProvider(kAdmin, r); });

  // Contracts: one in force this year, one of last year, one for the law office's contracts.
  const std::string this_year = Contract(first.id(), "2026-01-01", "2026-12-31");
  const std::string last_year = Contract(first.id(), "2025-01-01", "2025-12-31");
  const std::string contracts =
      Contract(law, "2026-03-01", "2027-02-28", {mv1::DISPUTE_CATEGORY_CONTRACT});
  mv1::ListServiceContractsRequest all;
  EXPECT_THAT(ContractIds(all), ElementsAre(this_year, last_year, contracts));
  mv1::ListServiceContractsRequest in_force;
  in_force.set_in_force_on("2026-03-18");
  EXPECT_THAT(ContractIds(in_force), ElementsAre(this_year, contracts));
  in_force.set_in_force_on("2025-06-30");
  EXPECT_THAT(ContractIds(in_force), ElementsAre(last_year));
  mv1::ListServiceContractsRequest of_law;
  of_law.set_provider_id(law);
  EXPECT_THAT(ContractIds(of_law), ElementsAre(contracts));

  mv1::ListServiceProvidersRequest offices;
  offices.set_kind(mv1::PROVIDER_KIND_LAW_OFFICE);
  mv1::ListServiceProvidersResponse listed;
  ASSERT_TRUE(Rpc(kViewer, [&](grpc::ClientContext* c) {
                return stub_->ListServiceProviders(c, offices, &listed);
              }).status.ok());
  ASSERT_EQ(listed.providers_size(), 1);
  EXPECT_EQ(listed.providers(0).id(), law);
  EXPECT_EQ(listed.providers(0).specialities_size(), 2);

  ExpectRefusals<mv1::CreateServiceContractRequest>(
      h_, ContractRequest(law, "2026-04-01", "2026-12-31", {mv1::DISPUTE_CATEGORY_LABOUR}),
      {
          {"unknown provider", [](auto& r) { r.mutable_contract()->set_provider_id("SP-000099"); },
           "contract.provider_id"},
          {"no title", [](auto& r) { r.mutable_contract()->clear_title(); }, "contract.title"},
          {"no first day", [](auto& r) { r.mutable_contract()->clear_first_day(); },
           "contract.first_day"},
          {"ends before it starts",
           [](auto& r) { r.mutable_contract()->set_last_day("2026-03-31"); }, "contract.last_day"},
          {"longer than five years",
           [](auto& r) { r.mutable_contract()->set_last_day("2031-04-02"); }, "contract.last_day"},
          {"no amount", [](auto& r) { r.mutable_contract()->set_amount_fen(0); },
           "contract.amount_fen"},
          {"category the provider is not qualified for",
           [](auto& r) { r.mutable_contract()->add_categories(mv1::DISPUTE_CATEGORY_MEDICAL); },
           "contract.categories[1]"},
          {"category twice",
           [](auto& r) { r.mutable_contract()->add_categories(mv1::DISPUTE_CATEGORY_LABOUR); },
           "contract.categories[1]"},
      },
      [&](const mv1::CreateServiceContractRequest& r) { return CreateContract(kAdmin, r); });
  ExpectInvalid(Rpc(kViewer,
                    [&](grpc::ClientContext* c) {
                      mv1::ListServiceContractsRequest bad;
                      bad.set_in_force_on("18/03/2026");
                      mv1::ListServiceContractsResponse response;
                      return stub_->ListServiceContracts(c, bad, &response);
                    }),
                "in_force_on");
}

TEST_F(MediationPlatformTest, AReferredDisputeIsMediatedByTheProviderAndCountedAsItsOutcome) {
  committee_ = StreetCommittee();
  const std::string association =
      Provider(mv1::PROVIDER_KIND_MEDIATION_ASSOCIATION, "区人民调解协会");
  const std::string law =
      Provider(mv1::PROVIDER_KIND_LAW_OFFICE, "运河律师事务所", {mv1::DISPUTE_CATEGORY_CONTRACT});
  const std::string any = Contract(association, "2026-01-01", "2027-12-31");
  const std::string expired = Contract(association, "2025-01-01", "2025-12-31");
  const std::string contracts_only = Contract(law, "2026-01-01", "2026-12-31");

  mv1::Dispute neighbours = Triaged(mv1::DISPUTE_CATEGORY_NEIGHBOURHOOD);
  const mv1::Dispute untriaged = Received(mv1::DISPUTE_CATEGORY_CONTRACT);
  const std::string before = h_.StoreSnapshot();
  ExpectRefused(ReferTo(kOperator1, neighbours, contracts_only),
                grpc::StatusCode::FAILED_PRECONDITION, "");  // the category is not covered
  ExpectRefused(ReferTo(kOperator1, neighbours, expired), grpc::StatusCode::FAILED_PRECONDITION,
                "");
  ExpectInvalid(ReferTo(kOperator1, neighbours, "SC-999999"), "contract_id");
  ExpectInvalid(ReferTo(kOperator1, neighbours, ""), "contract_id");
  ExpectRefused(ReferTo(kOperator1, untriaged, any), grpc::StatusCode::FAILED_PRECONDITION, "");
  ExpectRefused(ReferTo(kViewer, neighbours, any), grpc::StatusCode::PERMISSION_DENIED, "");
  ExpectRefused(ReferTo(kOperator2, neighbours, any), grpc::StatusCode::PERMISSION_DENIED, "");
  mv1::Dispute stale = neighbours;
  stale.set_etag("v1");
  ExpectRefused(ReferTo(kOperator1, stale, any), grpc::StatusCode::ABORTED, "");
  EXPECT_EQ(h_.StoreSnapshot(), before) << "a refused referral wrote to the store";

  Outcome o = ReferTo(kOperator1, neighbours, any, &neighbours);
  ASSERT_TRUE(o.status.ok()) << Describe(o);
  EXPECT_EQ(neighbours.state(), mv1::DISPUTE_STATE_IN_MEDIATION);
  EXPECT_EQ(neighbours.purchased_service().provider_id(), association);
  EXPECT_EQ(neighbours.purchased_service().contract_id(), any);
  EXPECT_EQ(FromTimestamp(neighbours.purchased_service().refer_time()), clock_.Now());
  EXPECT_TRUE(neighbours.mediator_id().empty());
  EXPECT_EQ(neighbours.body_id(), committee_);
  ASSERT_GT(neighbours.history_size(), 0);
  EXPECT_EQ(neighbours.history(neighbours.history_size() - 1).action(), kReferToProvider);
  // The referral is output only: a caller cannot write one at intake.
  mv1::CreateDisputeRequest smuggled;
  smuggled.set_request_id(NextRequestId());
  *smuggled.mutable_dispute() = Received(mv1::DISPUTE_CATEGORY_FAMILY);
  smuggled.mutable_dispute()->clear_id();
  smuggled.mutable_dispute()->mutable_purchased_service()->set_provider_id(association);
  mv1::CreateDisputeResponse created;
  ASSERT_TRUE(Rpc(kOperator1, [&](grpc::ClientContext* c) {
                return stub_->CreateDispute(c, smuggled, &created);
              }).status.ok());
  EXPECT_FALSE(created.dispute().has_purchased_service());

  clock_.Advance(absl::Hours(2));
  mv1::Dispute contract = Triaged(mv1::DISPUTE_CATEGORY_CONTRACT);
  ASSERT_TRUE(ReferTo(kOperator1, contract, contracts_only, &contract).status.ok());
  clock_.Advance(absl::Hours(2));
  neighbours = End(neighbours, mv1::OUTCOME_AGREED);
  contract = End(contract, mv1::OUTCOME_FAILED);

  const gv1::Period march = gov::testing::Month(2026, 3);
  gv1::Indicator resolved = IndicatorOf("purchased_service_resolved", march);
  EXPECT_EQ(resolved.actual(), 1);
  EXPECT_EQ(resolved.target_kind(), gv1::TARGET_KIND_UNSPECIFIED);  // watched: no plan number
  EXPECT_EQ(resolved.target_source(), gv1::TARGET_SOURCE_UNSPECIFIED);
  EXPECT_EQ(resolved.colour(), gv1::COLOUR_UNSPECIFIED);
  EXPECT_EQ(IndicatorOf("purchased_service_success_rate", march).actual(), 5000);
  EXPECT_EQ(IndicatorOf("purchased_service_resolved", march, "GS01").actual(), 1);
  EXPECT_EQ(IndicatorOf("purchased_service_resolved", march, "GS02").actual(), 0);

  // Reopened, the provider mediates again (it had no mediator of the body): the dispute ends
  // agreed and counts once.
  mv1::ReopenDisputeRequest reopen;
  reopen.set_id(contract.id());
  reopen.set_etag(contract.etag());
  reopen.set_note("重新调解");
  mv1::ReopenDisputeResponse reopened;
  o = Rpc(kOperator1,
          [&](grpc::ClientContext* c) { return stub_->ReopenDispute(c, reopen, &reopened); });
  ASSERT_TRUE(o.status.ok()) << Describe(o);
  clock_.Advance(absl::Hours(1));
  contract = End(reopened.dispute(), mv1::OUTCOME_AGREED);
  EXPECT_EQ(IndicatorOf("purchased_service_resolved", march).actual(), 2);
  EXPECT_EQ(IndicatorOf("purchased_service_success_rate", march).actual(), 10000);
  // Nothing of it in February.
  EXPECT_EQ(IndicatorOf("purchased_service_resolved", gov::testing::Month(2026, 2)).actual(), 0);
}

// ---- Consultation meetings (the kit's MeetingsService) ----

TEST_F(MediationPlatformTest, MeetingsAreRecordedReadInScopeAndTheirFollowUpsDoneOnce) {
  const absl::Time held = Local(2026, 3, 16, 9, 30);
  gv1::CreateMeetingRequest district_request = MeetingRequest("", held);
  gv1::Meeting district;
  Outcome o = CreateMeeting(kAdmin, district_request, &district);
  ASSERT_TRUE(o.status.ok()) << Describe(o);
  EXPECT_EQ(district.id(), "MT-000001");
  EXPECT_EQ(district.open_follow_ups(), 2);
  ASSERT_EQ(district.follow_ups_size(), 2);
  EXPECT_EQ(district.follow_ups(1).number(), 2);
  EXPECT_EQ(district.follow_ups(1).status(), gv1::FOLLOW_UP_STATUS_OPEN);
  EXPECT_FALSE(district.follow_ups(1).overdue());
  gv1::Meeting retried;
  ASSERT_TRUE(CreateMeeting(kAdmin, district_request, &retried).status.ok());
  EXPECT_EQ(retried.id(), district.id());

  // A street's meeting by its operator; the district's and another street's are not theirs.
  const gv1::Meeting gs01 = Meeting(kOperator1, "GS01", Local(2026, 3, 12, 15, 0));
  ExpectRefused(CreateMeeting(kOperator1, MeetingRequest("", held)),
                grpc::StatusCode::PERMISSION_DENIED, "");
  ExpectRefused(CreateMeeting(kOperator1, MeetingRequest("GS02", held)),
                grpc::StatusCode::PERMISSION_DENIED, "");
  ExpectRefused(CreateMeeting(kViewer, MeetingRequest("", held)),
                grpc::StatusCode::PERMISSION_DENIED, "");

  // Reads: the district's meetings by everyone, a street's within its scope.
  ASSERT_TRUE(GetMeeting(kOperator2, district.id()).status.ok());
  ExpectRefused(GetMeeting(kOperator2, gs01.id()), grpc::StatusCode::PERMISSION_DENIED, "");
  gv1::Meeting read;
  ASSERT_TRUE(GetMeeting(kViewer, gs01.id(), &read).status.ok());
  EXPECT_EQ(read.SerializeAsString(), gs01.SerializeAsString());
  ExpectRefused(GetMeeting(kViewer, "MT-000099"), grpc::StatusCode::NOT_FOUND, "");

  // Follow-ups: done once, under the meeting's etag, by whoever writes the meeting.
  ExpectRefused(Complete(kOperator1, district, 1), grpc::StatusCode::PERMISSION_DENIED, "");
  gv1::Meeting done;
  o = Complete(kAdmin, district, 1, &done);
  ASSERT_TRUE(o.status.ok()) << Describe(o);
  EXPECT_EQ(done.follow_ups(0).status(), gv1::FOLLOW_UP_STATUS_DONE);
  EXPECT_EQ(done.follow_ups(0).done_by(), "admin");
  EXPECT_EQ(done.follow_ups(0).outcome(), "已落实");
  EXPECT_EQ(FromTimestamp(done.follow_ups(0).done_time()), clock_.Now());
  EXPECT_EQ(done.open_follow_ups(), 1);
  EXPECT_NE(done.etag(), district.etag());
  ExpectRefused(Complete(kAdmin, district, 2), grpc::StatusCode::ABORTED, "");  // stale etag
  ExpectRefused(Complete(kAdmin, done, 1), grpc::StatusCode::FAILED_PRECONDITION, "");
  ExpectInvalid(Complete(kAdmin, done, 3), "number");
  ExpectInvalid(Complete(kAdmin, done, 0), "number");

  // Past the due day the open one is overdue, and stays so once done late.
  clock_.Set(held + absl::Hours(24 * 8));
  ASSERT_TRUE(GetMeeting(kViewer, district.id(), &read).status.ok());
  EXPECT_FALSE(read.follow_ups(0).overdue());
  EXPECT_TRUE(read.follow_ups(1).overdue());
  ASSERT_TRUE(Complete(kAdmin, read, 2, &done).status.ok());
  EXPECT_TRUE(done.follow_ups(1).overdue());
  EXPECT_EQ(done.open_follow_ups(), 0);

  // Lists: newest first, within scope, by kind, year, street and open follow-ups.
  const gv1::Meeting january = Meeting(kAdmin, "", Local(2026, 1, 9, 9, 0));
  const gv1::Meeting last_year = Meeting(kAdmin, "", Local(2025, 12, 31, 23, 30));
  EXPECT_THAT(MeetingIds(kViewer, {}),
              ElementsAre(district.id(), gs01.id(), january.id(), last_year.id()));
  EXPECT_THAT(MeetingIds(kOperator2, {}), ElementsAre(district.id(), january.id(), last_year.id()));
  gv1::ListMeetingsRequest of_2025;
  of_2025.set_year(2025);
  of_2025.set_kind(kConsultation);
  EXPECT_THAT(MeetingIds(kViewer, of_2025), ElementsAre(last_year.id()));
  gv1::ListMeetingsRequest of_gs01;
  of_gs01.set_street_id("GS01");
  EXPECT_THAT(MeetingIds(kViewer, of_gs01, 1), ElementsAre(gs01.id()));
  gv1::ListMeetingsRequest open;
  open.set_open_follow_ups_only(true);
  EXPECT_THAT(MeetingIds(kViewer, open, 1), ElementsAre(gs01.id(), january.id(), last_year.id()));
  auto list = [&](const std::string& token, const gv1::ListMeetingsRequest& request) {
    gv1::ListMeetingsResponse response;
    return Rpc(token, [&](grpc::ClientContext* c) {
      return meetings_->ListMeetings(c, request, &response);
    });
  };
  gv1::ListMeetingsRequest bad;
  bad.set_kind("training");
  ExpectInvalid(list(kViewer, bad), "kind");
  bad = {};
  bad.set_year(1999);
  ExpectInvalid(list(kViewer, bad), "year");
  bad = {};
  bad.set_street_id("GS99");
  ExpectInvalid(list(kViewer, bad), "street_id");
  bad = {};
  bad.set_street_id("GS02");
  ExpectRefused(list(kOperator1, bad), grpc::StatusCode::PERMISSION_DENIED, "");
  bad = {};
  bad.set_page_token("garbage");
  ExpectInvalid(list(kViewer, bad), "page_token");
  bad = {};
  bad.set_page_size(-1);
  ExpectInvalid(list(kViewer, bad), "page_size");
}

TEST_F(MediationPlatformTest, AMeetingsParticipantsAreOfAnyPartyAndTheirNamesShownToWhoMaySee) {
  // A consultation declares no parties: participants are optional and of any party; their names
  // are personal data, cleared for a viewer.
  gv1::CreateMeetingRequest request = MeetingRequest("GS01", Local(2026, 3, 17, 9, 0));
  gv1::Participant* judge = request.mutable_meeting()->add_participants();
  judge->set_party("court");
  judge->set_unit("区人民法院");
  judge->set_name("王法官");
  gv1::Meeting created;
  Outcome o = CreateMeeting(kOperator1, request, &created);
  ASSERT_TRUE(o.status.ok()) << Describe(o);
  ASSERT_EQ(created.participants_size(), 1);
  EXPECT_EQ(created.participants(0).name(), "王法官");
  gv1::Meeting read;
  ASSERT_TRUE(GetMeeting(kAdmin, created.id(), &read).status.ok());
  EXPECT_EQ(read.participants(0).name(), "王法官");
  ASSERT_TRUE(GetMeeting(kViewer, created.id(), &read).status.ok());
  EXPECT_EQ(read.participants(0).party(), "court");
  EXPECT_EQ(read.participants(0).unit(), "区人民法院");
  EXPECT_EQ(read.participants(0).name(), "");
  gv1::ListMeetingsRequest all;
  gv1::ListMeetingsResponse listed;
  o = Rpc(kViewer,
          [&](grpc::ClientContext* c) { return meetings_->ListMeetings(c, all, &listed); });
  ASSERT_TRUE(o.status.ok()) << Describe(o);
  ASSERT_EQ(listed.meetings_size(), 1);
  EXPECT_EQ(listed.meetings(0).participants(0).name(), "");
}

TEST_F(MediationPlatformTest, AMeetingThatIsNotRightIsRefusedNamingTheFieldAndWritesNothing) {
  using Row = Refusal<gv1::CreateMeetingRequest>;
  auto follow_up = [](gv1::CreateMeetingRequest& r) {
    return r.mutable_meeting()->mutable_follow_ups(0);
  };
  ExpectRefusals<gv1::CreateMeetingRequest>(
      h_, MeetingRequest("GS01", Local(2026, 3, 17, 9, 0)),
      {
          Row{"no request id", [](auto& r) { r.clear_request_id(); }, "request_id"},
          Row{"no kind", [](auto& r) { r.mutable_meeting()->clear_kind(); }, "meeting.kind"},
          Row{"a kind the track does not hold",
              [](auto& r) { r.mutable_meeting()->set_kind("deliberation"); }, "meeting.kind"},
          Row{"no hold time", [](auto& r) { r.mutable_meeting()->clear_hold_time(); },
              "meeting.hold_time"},
          Row{"held tomorrow",
              [](auto& r) {
                *r.mutable_meeting()->mutable_hold_time() = ToTimestamp(Local(2026, 3, 19, 9, 0));
              },
              "meeting.hold_time"},
          Row{"unknown street",
              [](auto& r) { r.mutable_meeting()->mutable_region()->set_street_id("GS99"); }, "",
              grpc::StatusCode::PERMISSION_DENIED},
          Row{"a community",
              [](auto& r) { r.mutable_meeting()->mutable_region()->set_community_id("GS01-C01"); },
              "meeting.region.community_id"},
          Row{"no title", [](auto& r) { r.mutable_meeting()->clear_title(); }, "meeting.title"},
          Row{"a subject, which a consultation has not",
              [](auto& r) { r.mutable_meeting()->set_subject_id("D-000001"); },
              "meeting.subject_id"},
          Row{"a participant without party",
              [](auto& r) { r.mutable_meeting()->add_participants()->set_unit("区司法局"); },
              "meeting.participants[0].party"},
          Row{"a participant without unit",
              [](auto& r) { r.mutable_meeting()->add_participants()->set_party("court"); },
              "meeting.participants[0].unit"},
          Row{"no unit present", [](auto& r) { r.mutable_meeting()->clear_units_present(); },
              "meeting.units_present"},
          Row{"a unit twice", [](auto& r) { r.mutable_meeting()->add_units_present("区司法局"); },
              "meeting.units_present[2]"},
          Row{"an empty topic", [](auto& r) { r.mutable_meeting()->add_topics(""); },
              "meeting.topics[1]"},
          Row{"no topic", [](auto& r) { r.mutable_meeting()->clear_topics(); }, "meeting.topics"},
          Row{"51 decisions",
              [](auto& r) {
                for (int i = 0; i < 50; ++i) r.mutable_meeting()->add_decisions("决定");
              },
              "meeting.decisions"},
          Row{"a follow-up without action", [&](auto& r) { follow_up(r)->clear_action(); },
              "meeting.follow_ups[0].action"},
          Row{"a follow-up without owner", [&](auto& r) { follow_up(r)->clear_owner_unit(); },
              "meeting.follow_ups[0].owner_unit"},
          Row{"a follow-up without due time", [&](auto& r) { follow_up(r)->clear_due_time(); },
              "meeting.follow_ups[0].due_time"},
          Row{"a follow-up due before the meeting",
              [&](auto& r) {
                *follow_up(r)->mutable_due_time() = ToTimestamp(Local(2026, 3, 16, 9, 0));
              },
              "meeting.follow_ups[0].due_time"},
      },
      [&](const gv1::CreateMeetingRequest& r) { return CreateMeeting(kOperator1, r); });
  // The unknown street is refused as not the operator's before it is validated; for
  // district_admin it is the field.
  gv1::CreateMeetingRequest unknown = MeetingRequest("GS99", Local(2026, 3, 17, 9, 0));
  ExpectInvalid(CreateMeeting(kAdmin, unknown), "meeting.region.street_id");
  // Output-only fields sent are the server's.
  gv1::CreateMeetingRequest with_output = MeetingRequest("GS01", Local(2026, 3, 17, 9, 0));
  with_output.mutable_meeting()->set_id("MT-777777");
  with_output.mutable_meeting()->mutable_follow_ups(0)->set_status(gv1::FOLLOW_UP_STATUS_DONE);
  with_output.mutable_meeting()->mutable_follow_ups(0)->set_number(9);
  gv1::Meeting stored;
  ASSERT_TRUE(CreateMeeting(kOperator1, with_output, &stored).status.ok());
  EXPECT_EQ(stored.id(), "MT-000001");
  EXPECT_EQ(stored.follow_ups(0).status(), gv1::FOLLOW_UP_STATUS_OPEN);
  EXPECT_EQ(stored.follow_ups(0).number(), 1);
}

TEST_F(MediationPlatformTest, HeldEveryMonthCountsTheMonthsSoFarAndTheCurrentOneOnceHeld) {
  const std::string id = "consultation_every_month";
  // Today is 18 March 2026. Nothing yet: January and February are over without a meeting.
  gv1::Indicator year = IndicatorOf(id, Year(2026));
  EXPECT_TRUE(year.has_data());
  EXPECT_EQ(year.actual(), 0);
  EXPECT_EQ(year.target(), 10000);
  EXPECT_EQ(year.target_source(), gv1::TARGET_SOURCE_PLAN);
  EXPECT_EQ(year.plan_clause(), "每月召开1次矛盾纠纷会商研判");

  // The district's January meeting, late on the 31st (local time: still January).
  Meeting(kAdmin, "", Local(2026, 1, 31, 23, 30));
  year = IndicatorOf(id, Year(2026));
  EXPECT_EQ(year.actual(), 5000);  // January of January and February; March not over
  EXPECT_EQ(year.colour(), gv1::COLOUR_RED);
  // A street's own meeting counts for its row, not the district's.
  Meeting(kOperator1, "GS01", Local(2026, 2, 1, 0, 10));
  EXPECT_EQ(IndicatorOf(id, Year(2026)).actual(), 5000);
  gv1::Indicator gs01 = IndicatorOf(id, Year(2026), "GS01");
  EXPECT_EQ(gs01.actual(), 10000);  // the district's January, its own February
  EXPECT_EQ(gs01.colour(), gv1::COLOUR_GREEN);
  EXPECT_EQ(IndicatorOf(id, Year(2026), "GS02").actual(), 5000);

  // This month's counts once held: three months of three.
  Meeting(kAdmin, "", Local(2026, 3, 2, 9, 0));
  Meeting(kAdmin, "", Local(2026, 2, 27, 9, 0));
  EXPECT_EQ(IndicatorOf(id, Year(2026)).actual(), 10000);
  EXPECT_EQ(IndicatorOf(id, gov::testing::Month(2026, 3)).actual(), 10000);
  // A month not begun has no data; a month past without a meeting is 0.
  EXPECT_FALSE(IndicatorOf(id, gov::testing::Month(2026, 4)).has_data());
  gv1::Indicator december = IndicatorOf(id, gov::testing::Month(2025, 12));
  EXPECT_TRUE(december.has_data());
  EXPECT_EQ(december.actual(), 0);
  // Last year: one month of twelve (the 31 December meeting is December's).
  Meeting(kAdmin, "", Local(2025, 12, 31, 23, 59));
  EXPECT_EQ(IndicatorOf(id, Year(2025)).actual(), 833);
  EXPECT_EQ(IndicatorOf(id, gov::testing::Month(2025, 12)).actual(), 10000);
  EXPECT_EQ(IndicatorOf(id, gov::testing::Month(2026, 1)).actual(), 10000);
}

}  // namespace
}  // namespace gov::mediation
