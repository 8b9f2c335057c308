#include "tests/support/disputes.h"

#include "gtest/gtest.h"

namespace gov::testing {

namespace mv1 = governance::mediation::v1;

mv1::Dispute SampleDispute(const std::string& street, const std::string& community,
                           const std::string& summary) {
  mv1::Dispute d;
  d.set_category(mv1::DISPUTE_CATEGORY_NEIGHBOURHOOD);
  d.set_channel(mv1::INTAKE_CHANNEL_WALK_IN);
  d.mutable_region()->set_street_id(street);
  if (!community.empty()) d.mutable_region()->set_community_id(community);
  d.set_summary(summary);
  mv1::Party* applicant = d.add_parties();
  applicant->set_role(mv1::PARTY_ROLE_APPLICANT);
  applicant->set_name("申请人");
  return d;
}

grpc::Status CreateDispute(mv1::MediationService::Stub& stub, const std::string& request_id,
                           const mv1::Dispute& dispute, mv1::Dispute* created,
                           const AdminCall& call) {
  mv1::CreateDisputeRequest request;
  request.set_request_id(request_id);
  *request.mutable_dispute() = dispute;
  mv1::CreateDisputeResponse response;
  const grpc::Status status = stub.CreateDispute(AdminContext(call).get(), request, &response);
  if (status.ok() && created != nullptr) *created = response.dispute();
  return status;
}

grpc::Status GetDispute(mv1::MediationService::Stub& stub, const std::string& id,
                        mv1::Dispute* dispute, const AdminCall& call) {
  mv1::GetDisputeRequest request;
  request.set_id(id);
  mv1::GetDisputeResponse response;
  const grpc::Status status = stub.GetDispute(AdminContext(call).get(), request, &response);
  *dispute = response.dispute();
  return status;
}

grpc::Status ListAllDisputes(mv1::MediationService::Stub& stub,
                             const mv1::ListDisputesRequest& query,
                             std::vector<mv1::Dispute>* disputes, const AdminCall& call) {
  mv1::ListDisputesRequest request = query;
  if (request.page_size() == 0) request.set_page_size(500);
  request.clear_page_token();
  for (;;) {
    mv1::ListDisputesResponse page;
    const grpc::Status status = stub.ListDisputes(AdminContext(call).get(), request, &page);
    if (!status.ok()) return status;
    disputes->insert(disputes->end(), page.disputes().begin(), page.disputes().end());
    if (page.next_page_token().empty()) return status;
    request.set_page_token(page.next_page_token());
  }
}

void ExpectReadable(mv1::MediationService::Stub& stub,
                    const std::map<std::string, std::string>& acked) {
  for (const auto& [request_id, id] : acked) {
    mv1::Dispute got;
    const grpc::Status status = GetDispute(stub, id, &got);
    ASSERT_TRUE(status.ok()) << request_id << " -> " << id << ": " << status.error_message();
  }
}

void CreateAgain(mv1::MediationService::Stub& stub, const std::vector<std::string>& request_ids,
                 const std::function<mv1::Dispute(const std::string&)>& dispute,
                 std::set<std::string>* ids) {
  for (const std::string& request_id : request_ids) {
    mv1::Dispute created;
    const grpc::Status status = CreateDispute(stub, request_id, dispute(request_id), &created);
    ASSERT_TRUE(status.ok()) << request_id << ": " << status.error_message();
    ids->insert(created.id());
  }
}

}  // namespace gov::testing
