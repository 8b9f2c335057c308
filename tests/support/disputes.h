#ifndef GOV_TESTS_SUPPORT_DISPUTES_H_
#define GOV_TESTS_SUPPORT_DISPUTES_H_

#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "governance/mediation/v1/mediation.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "tests/support/track_process.h"

// Mediation disputes for tests that call a mediation service as the administrator (see
// AdminContext): a sample dispute, and the calls that create, read and list them.
namespace gov::testing {

// A neighbourhood dispute taken in at the walk-in desk, in `street` and `community` ("" =
// none), with one applicant.
governance::mediation::v1::Dispute SampleDispute(const std::string& street,
                                                 const std::string& community,
                                                 const std::string& summary);

// CreateDispute of `dispute` under `request_id`; the dispute as created (or as first created
// under that request_id) goes to `created`, if given.
grpc::Status CreateDispute(governance::mediation::v1::MediationService::Stub& stub,
                           const std::string& request_id,
                           const governance::mediation::v1::Dispute& dispute,
                           governance::mediation::v1::Dispute* created = nullptr,
                           const AdminCall& call = {});

// GetDispute of `id`, with its history; the dispute goes to `dispute`.
grpc::Status GetDispute(governance::mediation::v1::MediationService::Stub& stub,
                        const std::string& id, governance::mediation::v1::Dispute* dispute,
                        const AdminCall& call = {});

// Every dispute ListDisputes gives for `query` (its filters; page_size 0 = the largest page),
// through every page, appended to `disputes`. The status of the first page that failed: what
// the pages before it gave stays in `disputes`.
grpc::Status ListAllDisputes(governance::mediation::v1::MediationService::Stub& stub,
                             const governance::mediation::v1::ListDisputesRequest& query,
                             std::vector<governance::mediation::v1::Dispute>* disputes,
                             const AdminCall& call = {});

// After a fault: every create acknowledged in `acked` (request_id -> dispute id) reads back
// with GetDispute. A fatal failure at the first that does not.
void ExpectReadable(governance::mediation::v1::MediationService::Stub& stub,
                    const std::map<std::string, std::string>& acked);

// After a fault: each create of `request_ids` that was not acknowledged is sent again, as a
// client retries it, with `dispute(request_id)` under the same request_id; the ids of the
// disputes go to `ids`. A fatal failure at the first that fails.
void CreateAgain(
    governance::mediation::v1::MediationService::Stub& stub,
    const std::vector<std::string>& request_ids,
    const std::function<governance::mediation::v1::Dispute(const std::string&)>& dispute,
    std::set<std::string>* ids);

}  // namespace gov::testing

#endif  // GOV_TESTS_SUPPORT_DISPUTES_H_
