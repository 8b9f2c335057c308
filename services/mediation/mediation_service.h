#ifndef GOV_SERVICES_MEDIATION_MEDIATION_SERVICE_H_
#define GOV_SERVICES_MEDIATION_MEDIATION_SERVICE_H_

#include <string>

#include "absl/status/status.h"
#include "common/auth/auth.h"
#include "common/cases/engine.h"
#include "common/clock/clock.h"
#include "common/regions/regions.h"
#include "common/server/handler.h"
#include "governance/mediation/v1/mediation.grpc.pb.h"
#include "services/mediation/registry.h"
#include "services/mediation/routing.h"

namespace gov::mediation {

// What the service is built on; everything is owned elsewhere and outlives it.
struct MediationServiceDeps {
  cases::CaseEngine* engine = nullptr;
  MediationRegistry* registry = nullptr;
  const Router* router = nullptr;
  const regions::RegionRegistry* regions = nullptr;
  const Clock* clock = nullptr;
  server::Handlers* handlers = nullptr;
};

// governance.mediation.v1.MediationService: proto <-> domain, then the case engine (disputes)
// or the registry (bodies, mediators, trainings). Every method runs through the shared handler
// wrapper (auth, access level, worker pool, access log).
//
// Who may do what:
//  - disputes: reading needs any token; the parties' names and phones and the free texts are
//    cleared for callers without a handling role (district_admin, street_operator, mediator).
//    Creating and moving disputes follow the track spec's roles (track.cc) and the caller's
//    street scope, enforced by the engine;
//  - bodies: registered by district administrators only;
//  - mediators: by district administrators, or by a street operator for a body of its own
//    streets (a street staffs its committee and community rooms);
//  - trainings: by district administrators, or by a street operator for a street-level training
//    of its own streets;
//  - the registry is read by any authenticated caller within its streets: rows of its streets
//    and the district-level ones (another street's body is PERMISSION_DENIED); mediators'
//    names only for handling roles.
// Write permissions are settled before the request is validated or anything is looked up,
// so a caller who may not act learns nothing about the registry or the disputes.
class MediationServiceImpl final
    : public governance::mediation::v1::MediationService::CallbackService {
 public:
  explicit MediationServiceImpl(const MediationServiceDeps& deps);

  grpc::ServerUnaryReactor* CreateDispute(grpc::CallbackServerContext* context,
                                          const mv1::CreateDisputeRequest* request,
                                          mv1::CreateDisputeResponse* response) override;
  grpc::ServerUnaryReactor* GetDispute(grpc::CallbackServerContext* context,
                                       const mv1::GetDisputeRequest* request,
                                       mv1::GetDisputeResponse* response) override;
  grpc::ServerUnaryReactor* ListDisputes(grpc::CallbackServerContext* context,
                                         const mv1::ListDisputesRequest* request,
                                         mv1::ListDisputesResponse* response) override;
  grpc::ServerUnaryReactor* TriageDispute(grpc::CallbackServerContext* context,
                                          const mv1::TriageDisputeRequest* request,
                                          mv1::TriageDisputeResponse* response) override;
  grpc::ServerUnaryReactor* AssignMediator(grpc::CallbackServerContext* context,
                                           const mv1::AssignMediatorRequest* request,
                                           mv1::AssignMediatorResponse* response) override;
  grpc::ServerUnaryReactor* RecordSession(grpc::CallbackServerContext* context,
                                          const mv1::RecordSessionRequest* request,
                                          mv1::RecordSessionResponse* response) override;
  grpc::ServerUnaryReactor* RecordOutcome(grpc::CallbackServerContext* context,
                                          const mv1::RecordOutcomeRequest* request,
                                          mv1::RecordOutcomeResponse* response) override;
  grpc::ServerUnaryReactor* ReferToCourt(grpc::CallbackServerContext* context,
                                         const mv1::ReferToCourtRequest* request,
                                         mv1::ReferToCourtResponse* response) override;
  grpc::ServerUnaryReactor* CloseDispute(grpc::CallbackServerContext* context,
                                         const mv1::CloseDisputeRequest* request,
                                         mv1::CloseDisputeResponse* response) override;
  grpc::ServerUnaryReactor* ReopenDispute(grpc::CallbackServerContext* context,
                                          const mv1::ReopenDisputeRequest* request,
                                          mv1::ReopenDisputeResponse* response) override;

  grpc::ServerUnaryReactor* CreateMediatingBody(
      grpc::CallbackServerContext* context, const mv1::CreateMediatingBodyRequest* request,
      mv1::CreateMediatingBodyResponse* response) override;
  grpc::ServerUnaryReactor* GetMediatingBody(grpc::CallbackServerContext* context,
                                             const mv1::GetMediatingBodyRequest* request,
                                             mv1::GetMediatingBodyResponse* response) override;
  grpc::ServerUnaryReactor* ListMediatingBodies(
      grpc::CallbackServerContext* context, const mv1::ListMediatingBodiesRequest* request,
      mv1::ListMediatingBodiesResponse* response) override;
  grpc::ServerUnaryReactor* CreateMediator(grpc::CallbackServerContext* context,
                                           const mv1::CreateMediatorRequest* request,
                                           mv1::CreateMediatorResponse* response) override;
  grpc::ServerUnaryReactor* ListMediators(grpc::CallbackServerContext* context,
                                          const mv1::ListMediatorsRequest* request,
                                          mv1::ListMediatorsResponse* response) override;
  grpc::ServerUnaryReactor* CreateTrainingSession(
      grpc::CallbackServerContext* context, const mv1::CreateTrainingSessionRequest* request,
      mv1::CreateTrainingSessionResponse* response) override;
  grpc::ServerUnaryReactor* ListTrainingSessions(
      grpc::CallbackServerContext* context, const mv1::ListTrainingSessionsRequest* request,
      mv1::ListTrainingSessionsResponse* response) override;

 private:
  // One per RPC: the caller's permission where the engine does not check it, validation, then
  // the engine or the registry (reads for the caller); `out` is filled on success.
  absl::Status DoCreateDispute(const auth::Principal& who, const mv1::CreateDisputeRequest& in,
                               mv1::Dispute* out);
  absl::Status DoGetDispute(const auth::Principal& who, const mv1::GetDisputeRequest& in,
                            mv1::Dispute* out);
  absl::Status DoListDisputes(const auth::Principal& who, const mv1::ListDisputesRequest& in,
                              mv1::ListDisputesResponse* out);
  absl::Status DoTriage(const auth::Principal& who, const mv1::TriageDisputeRequest& in,
                        mv1::Dispute* out);
  absl::Status DoAssign(const auth::Principal& who, const mv1::AssignMediatorRequest& in,
                        mv1::Dispute* out);
  absl::Status DoRecordSession(const auth::Principal& who, const mv1::RecordSessionRequest& in,
                               mv1::Dispute* out);
  absl::Status DoRecordOutcome(const auth::Principal& who, const mv1::RecordOutcomeRequest& in,
                               mv1::Dispute* out);
  absl::Status DoReopen(const auth::Principal& who, const mv1::ReopenDisputeRequest& in,
                        mv1::Dispute* out);
  // A transition that needs nothing but a note (ReferToCourt, Close).
  absl::Status DoSimpleMove(const auth::Principal& who, const char* verb, const std::string& id,
                            const std::string& etag, const std::string& note, mv1::Dispute* out);

  absl::Status DoCreateBody(const auth::Principal& who, const mv1::CreateMediatingBodyRequest& in,
                            mv1::MediatingBody* out);
  absl::Status DoGetBody(const auth::Principal& who, const mv1::GetMediatingBodyRequest& in,
                         mv1::MediatingBody* out);
  absl::Status DoListBodies(const auth::Principal& who, const mv1::ListMediatingBodiesRequest& in,
                            mv1::ListMediatingBodiesResponse* out);
  absl::Status DoCreateMediator(const auth::Principal& who, const mv1::CreateMediatorRequest& in,
                                mv1::Mediator* out);
  absl::Status DoListMediators(const auth::Principal& who, const mv1::ListMediatorsRequest& in,
                               mv1::ListMediatorsResponse* out);
  absl::Status DoCreateTraining(const auth::Principal& who,
                                const mv1::CreateTrainingSessionRequest& in,
                                mv1::TrainingSession* out);
  absl::Status DoListTrainings(const auth::Principal& who,
                               const mv1::ListTrainingSessionsRequest& in,
                               mv1::ListTrainingSessionsResponse* out);

  // Takes `verb` through the engine and answers with the dispute as this write left it
  // (history up to and including the write).
  absl::Status Move(const auth::Principal& who, const char* verb, const std::string& id,
                    const std::string& etag, const std::string& note,
                    const cases::Mutation& mutation, mv1::Dispute* out);
  // The dispute for the caller: with personal data only for handling roles.
  absl::Status Present(const auth::Principal& who, const cases::Case& c, mv1::Dispute* out) const;

  cases::CaseEngine* const engine_;
  MediationRegistry* const registry_;
  const Router* const router_;
  const regions::RegionRegistry* const regions_;
  const Clock* const clock_;
  server::Handlers* const handlers_;
};

}  // namespace gov::mediation

#endif  // GOV_SERVICES_MEDIATION_MEDIATION_SERVICE_H_
