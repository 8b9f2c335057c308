#ifndef GOV_SERVICES_DISORDER_DISORDER_SERVICE_H_
#define GOV_SERVICES_DISORDER_DISORDER_SERVICE_H_

#include "common/server/handler.h"
#include "governance/disorder/v1/disorder.grpc.pb.h"
#include "services/disorder/campaigns.h"
#include "services/disorder/complaints.h"
#include "services/disorder/enforcement.h"
#include "services/disorder/fume_feed.h"
#include "services/disorder/objects.h"

namespace gov::disorder {

// The parts the service hands its calls to; owned by the track.
struct DisorderParts {
  Complaints* complaints = nullptr;
  MonitoredObjects* objects = nullptr;
  FumeFeed* fume_feed = nullptr;
  Enforcements* enforcements = nullptr;
  Campaigns* campaigns = nullptr;
};

// governance.disorder.v1.DisorderService: every method runs through the shared handler wrapper
// (auth, access level, worker pool, access log) and is handed to the part it belongs to, which
// checks who may do what. Reporters' contacts are never logged.
class DisorderServiceImpl final : public dv1::DisorderService::CallbackService {
 public:
  DisorderServiceImpl(DisorderParts parts, server::Handlers* handlers)
      : parts_(parts), handlers_(handlers) {}

  grpc::ServerUnaryReactor* SubmitComplaint(grpc::CallbackServerContext* context,
                                            const dv1::SubmitComplaintRequest* request,
                                            dv1::SubmitComplaintResponse* response) override;
  grpc::ServerUnaryReactor* GetComplaint(grpc::CallbackServerContext* context,
                                         const dv1::GetComplaintRequest* request,
                                         dv1::GetComplaintResponse* response) override;
  grpc::ServerUnaryReactor* ListComplaints(grpc::CallbackServerContext* context,
                                           const dv1::ListComplaintsRequest* request,
                                           dv1::ListComplaintsResponse* response) override;
  grpc::ServerUnaryReactor* RedispatchComplaint(
      grpc::CallbackServerContext* context, const dv1::RedispatchComplaintRequest* request,
      dv1::RedispatchComplaintResponse* response) override;
  grpc::ServerUnaryReactor* AcceptComplaint(grpc::CallbackServerContext* context,
                                            const dv1::AcceptComplaintRequest* request,
                                            dv1::AcceptComplaintResponse* response) override;
  grpc::ServerUnaryReactor* ResolveComplaint(grpc::CallbackServerContext* context,
                                             const dv1::ResolveComplaintRequest* request,
                                             dv1::ResolveComplaintResponse* response) override;
  grpc::ServerUnaryReactor* RecordCallback(grpc::CallbackServerContext* context,
                                           const dv1::RecordCallbackRequest* request,
                                           dv1::RecordCallbackResponse* response) override;
  grpc::ServerUnaryReactor* MergeComplaint(grpc::CallbackServerContext* context,
                                           const dv1::MergeComplaintRequest* request,
                                           dv1::MergeComplaintResponse* response) override;
  grpc::ServerUnaryReactor* ListUnits(grpc::CallbackServerContext* context,
                                      const dv1::ListUnitsRequest* request,
                                      dv1::ListUnitsResponse* response) override;
  grpc::ServerUnaryReactor* RegisterMonitoredObject(
      grpc::CallbackServerContext* context, const dv1::RegisterMonitoredObjectRequest* request,
      dv1::RegisterMonitoredObjectResponse* response) override;
  grpc::ServerUnaryReactor* UpdateMonitoredObject(
      grpc::CallbackServerContext* context, const dv1::UpdateMonitoredObjectRequest* request,
      dv1::UpdateMonitoredObjectResponse* response) override;
  grpc::ServerUnaryReactor* GetMonitoredObject(grpc::CallbackServerContext* context,
                                               const dv1::GetMonitoredObjectRequest* request,
                                               dv1::GetMonitoredObjectResponse* response) override;
  grpc::ServerUnaryReactor* ListMonitoredObjects(
      grpc::CallbackServerContext* context, const dv1::ListMonitoredObjectsRequest* request,
      dv1::ListMonitoredObjectsResponse* response) override;
  grpc::ServerUnaryReactor* RecordFumeReadings(grpc::CallbackServerContext* context,
                                               const dv1::RecordFumeReadingsRequest* request,
                                               dv1::RecordFumeReadingsResponse* response) override;
  grpc::ServerUnaryReactor* ListFumeEpisodes(grpc::CallbackServerContext* context,
                                             const dv1::ListFumeEpisodesRequest* request,
                                             dv1::ListFumeEpisodesResponse* response) override;
  grpc::ServerUnaryReactor* RecordEnforcement(grpc::CallbackServerContext* context,
                                              const dv1::RecordEnforcementRequest* request,
                                              dv1::RecordEnforcementResponse* response) override;
  grpc::ServerUnaryReactor* GetEnforcement(grpc::CallbackServerContext* context,
                                           const dv1::GetEnforcementRequest* request,
                                           dv1::GetEnforcementResponse* response) override;
  grpc::ServerUnaryReactor* ListEnforcements(grpc::CallbackServerContext* context,
                                             const dv1::ListEnforcementsRequest* request,
                                             dv1::ListEnforcementsResponse* response) override;
  grpc::ServerUnaryReactor* PenaliseEnforcement(
      grpc::CallbackServerContext* context, const dv1::PenaliseEnforcementRequest* request,
      dv1::PenaliseEnforcementResponse* response) override;
  grpc::ServerUnaryReactor* CloseEnforcement(grpc::CallbackServerContext* context,
                                             const dv1::CloseEnforcementRequest* request,
                                             dv1::CloseEnforcementResponse* response) override;
  grpc::ServerUnaryReactor* PlanCampaign(grpc::CallbackServerContext* context,
                                         const dv1::PlanCampaignRequest* request,
                                         dv1::PlanCampaignResponse* response) override;
  grpc::ServerUnaryReactor* StartCampaign(grpc::CallbackServerContext* context,
                                          const dv1::StartCampaignRequest* request,
                                          dv1::StartCampaignResponse* response) override;
  grpc::ServerUnaryReactor* CompleteCampaign(grpc::CallbackServerContext* context,
                                             const dv1::CompleteCampaignRequest* request,
                                             dv1::CompleteCampaignResponse* response) override;
  grpc::ServerUnaryReactor* CancelCampaign(grpc::CallbackServerContext* context,
                                           const dv1::CancelCampaignRequest* request,
                                           dv1::CancelCampaignResponse* response) override;
  grpc::ServerUnaryReactor* GetCampaign(grpc::CallbackServerContext* context,
                                        const dv1::GetCampaignRequest* request,
                                        dv1::GetCampaignResponse* response) override;
  grpc::ServerUnaryReactor* ListCampaigns(grpc::CallbackServerContext* context,
                                          const dv1::ListCampaignsRequest* request,
                                          dv1::ListCampaignsResponse* response) override;

 private:
  const DisorderParts parts_;
  server::Handlers* const handlers_;
};

}  // namespace gov::disorder

#endif  // GOV_SERVICES_DISORDER_DISORDER_SERVICE_H_
