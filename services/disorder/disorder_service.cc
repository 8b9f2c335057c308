#include "services/disorder/disorder_service.h"

#include "common/util/status.h"

namespace gov::disorder {

using server::Access;
using server::Call;

grpc::ServerUnaryReactor* DisorderServiceImpl::SubmitComplaint(
    grpc::CallbackServerContext* context, const dv1::SubmitComplaintRequest* request,
    dv1::SubmitComplaintResponse* response) {
  return handlers_->Unary(context, "SubmitComplaint", Access::kWrite,
                          [this, request, response](const Call& call) {
                            return parts_.complaints->Submit(call.principal, *request, response);
                          });
}

grpc::ServerUnaryReactor* DisorderServiceImpl::GetComplaint(grpc::CallbackServerContext* context,
                                                            const dv1::GetComplaintRequest* request,
                                                            dv1::GetComplaintResponse* response) {
  return handlers_->Unary(
      context, "GetComplaint", Access::kRead, [this, request, response](const Call& call) {
        return parts_.complaints->Get(call.principal, *request, response->mutable_complaint());
      });
}

grpc::ServerUnaryReactor* DisorderServiceImpl::ListComplaints(
    grpc::CallbackServerContext* context, const dv1::ListComplaintsRequest* request,
    dv1::ListComplaintsResponse* response) {
  return handlers_->Unary(context, "ListComplaints", Access::kRead,
                          [this, request, response](const Call& call) {
                            return parts_.complaints->List(call.principal, *request, response);
                          });
}

grpc::ServerUnaryReactor* DisorderServiceImpl::RedispatchComplaint(
    grpc::CallbackServerContext* context, const dv1::RedispatchComplaintRequest* request,
    dv1::RedispatchComplaintResponse* response) {
  return handlers_->Unary(context, "RedispatchComplaint", Access::kWrite,
                          [this, request, response](const Call& call) {
                            return parts_.complaints->Redispatch(call.principal, *request,
                                                                 response->mutable_complaint());
                          });
}

grpc::ServerUnaryReactor* DisorderServiceImpl::AcceptComplaint(
    grpc::CallbackServerContext* context, const dv1::AcceptComplaintRequest* request,
    dv1::AcceptComplaintResponse* response) {
  return handlers_->Unary(
      context, "AcceptComplaint", Access::kWrite, [this, request, response](const Call& call) {
        return parts_.complaints->Accept(call.principal, *request, response->mutable_complaint());
      });
}

grpc::ServerUnaryReactor* DisorderServiceImpl::ResolveComplaint(
    grpc::CallbackServerContext* context, const dv1::ResolveComplaintRequest* request,
    dv1::ResolveComplaintResponse* response) {
  return handlers_->Unary(
      context, "ResolveComplaint", Access::kWrite, [this, request, response](const Call& call) {
        return parts_.complaints->Resolve(call.principal, *request, response->mutable_complaint());
      });
}

grpc::ServerUnaryReactor* DisorderServiceImpl::RecordCallback(
    grpc::CallbackServerContext* context, const dv1::RecordCallbackRequest* request,
    dv1::RecordCallbackResponse* response) {
  return handlers_->Unary(
      context, "RecordCallback", Access::kWrite, [this, request, response](const Call& call) {
        return parts_.complaints->Callback(call.principal, *request, response->mutable_complaint());
      });
}

grpc::ServerUnaryReactor* DisorderServiceImpl::MergeComplaint(
    grpc::CallbackServerContext* context, const dv1::MergeComplaintRequest* request,
    dv1::MergeComplaintResponse* response) {
  return handlers_->Unary(
      context, "MergeComplaint", Access::kWrite, [this, request, response](const Call& call) {
        return parts_.complaints->Merge(call.principal, *request, response->mutable_complaint());
      });
}

grpc::ServerUnaryReactor* DisorderServiceImpl::ListUnits(grpc::CallbackServerContext* context,
                                                         const dv1::ListUnitsRequest* request,
                                                         dv1::ListUnitsResponse* response) {
  return handlers_->Unary(context, "ListUnits", Access::kRead,
                          [this, request, response](const Call& call) {
                            return parts_.complaints->Units(call.principal, *request, response);
                          });
}

grpc::ServerUnaryReactor* DisorderServiceImpl::RegisterMonitoredObject(
    grpc::CallbackServerContext* context, const dv1::RegisterMonitoredObjectRequest* request,
    dv1::RegisterMonitoredObjectResponse* response) {
  return handlers_->Unary(context, "RegisterMonitoredObject", Access::kWrite,
                          [this, request, response](const Call& call) {
                            return parts_.objects->Register(call.principal, *request,
                                                            response->mutable_object());
                          });
}

grpc::ServerUnaryReactor* DisorderServiceImpl::UpdateMonitoredObject(
    grpc::CallbackServerContext* context, const dv1::UpdateMonitoredObjectRequest* request,
    dv1::UpdateMonitoredObjectResponse* response) {
  return handlers_->Unary(context, "UpdateMonitoredObject", Access::kWrite,
                          [this, request, response](const Call& call) {
                            return parts_.objects->Update(call.principal, *request,
                                                          response->mutable_object());
                          });
}

grpc::ServerUnaryReactor* DisorderServiceImpl::GetMonitoredObject(
    grpc::CallbackServerContext* context, const dv1::GetMonitoredObjectRequest* request,
    dv1::GetMonitoredObjectResponse* response) {
  return handlers_->Unary(context, "GetMonitoredObject", Access::kRead,
                          [this, request, response](const Call& call) -> absl::Status {
                            GOV_RETURN_IF_ERROR(parts_.objects->Get(call.principal, *request,
                                                                    response->mutable_object()));
                            return parts_.fume_feed->AddState(response->mutable_object());
                          });
}

grpc::ServerUnaryReactor* DisorderServiceImpl::ListMonitoredObjects(
    grpc::CallbackServerContext* context, const dv1::ListMonitoredObjectsRequest* request,
    dv1::ListMonitoredObjectsResponse* response) {
  return handlers_->Unary(context, "ListMonitoredObjects", Access::kRead,
                          [this, request, response](const Call& call) {
                            return parts_.objects->List(call.principal, *request, response);
                          });
}

grpc::ServerUnaryReactor* DisorderServiceImpl::RecordFumeReadings(
    grpc::CallbackServerContext* context, const dv1::RecordFumeReadingsRequest* request,
    dv1::RecordFumeReadingsResponse* response) {
  return handlers_->Unary(context, "RecordFumeReadings", Access::kWrite,
                          [this, request, response](const Call& call) {
                            return parts_.fume_feed->Record(call.principal, *request, response);
                          });
}

grpc::ServerUnaryReactor* DisorderServiceImpl::ListFumeEpisodes(
    grpc::CallbackServerContext* context, const dv1::ListFumeEpisodesRequest* request,
    dv1::ListFumeEpisodesResponse* response) {
  return handlers_->Unary(context, "ListFumeEpisodes", Access::kRead,
                          [this, request, response](const Call& call) {
                            return parts_.fume_feed->Episodes(call.principal, *request, response);
                          });
}

grpc::ServerUnaryReactor* DisorderServiceImpl::RecordEnforcement(
    grpc::CallbackServerContext* context, const dv1::RecordEnforcementRequest* request,
    dv1::RecordEnforcementResponse* response) {
  return handlers_->Unary(context, "RecordEnforcement", Access::kWrite,
                          [this, request, response](const Call& call) {
                            return parts_.enforcements->Record(call.principal, *request, response);
                          });
}

grpc::ServerUnaryReactor* DisorderServiceImpl::GetEnforcement(
    grpc::CallbackServerContext* context, const dv1::GetEnforcementRequest* request,
    dv1::GetEnforcementResponse* response) {
  return handlers_->Unary(
      context, "GetEnforcement", Access::kRead, [this, request, response](const Call& call) {
        return parts_.enforcements->Get(call.principal, *request, response->mutable_enforcement());
      });
}

grpc::ServerUnaryReactor* DisorderServiceImpl::ListEnforcements(
    grpc::CallbackServerContext* context, const dv1::ListEnforcementsRequest* request,
    dv1::ListEnforcementsResponse* response) {
  return handlers_->Unary(context, "ListEnforcements", Access::kRead,
                          [this, request, response](const Call& call) {
                            return parts_.enforcements->List(call.principal, *request, response);
                          });
}

grpc::ServerUnaryReactor* DisorderServiceImpl::PenaliseEnforcement(
    grpc::CallbackServerContext* context, const dv1::PenaliseEnforcementRequest* request,
    dv1::PenaliseEnforcementResponse* response) {
  return handlers_->Unary(context, "PenaliseEnforcement", Access::kWrite,
                          [this, request, response](const Call& call) {
                            return parts_.enforcements->Penalise(call.principal, *request,
                                                                 response->mutable_enforcement());
                          });
}

grpc::ServerUnaryReactor* DisorderServiceImpl::CloseEnforcement(
    grpc::CallbackServerContext* context, const dv1::CloseEnforcementRequest* request,
    dv1::CloseEnforcementResponse* response) {
  return handlers_->Unary(context, "CloseEnforcement", Access::kWrite,
                          [this, request, response](const Call& call) {
                            return parts_.enforcements->Close(call.principal, *request,
                                                              response->mutable_enforcement());
                          });
}

grpc::ServerUnaryReactor* DisorderServiceImpl::PlanCampaign(grpc::CallbackServerContext* context,
                                                            const dv1::PlanCampaignRequest* request,
                                                            dv1::PlanCampaignResponse* response) {
  return handlers_->Unary(
      context, "PlanCampaign", Access::kWrite, [this, request, response](const Call& call) {
        return parts_.campaigns->Plan(call.principal, *request, response->mutable_campaign());
      });
}

grpc::ServerUnaryReactor* DisorderServiceImpl::StartCampaign(
    grpc::CallbackServerContext* context, const dv1::StartCampaignRequest* request,
    dv1::StartCampaignResponse* response) {
  return handlers_->Unary(
      context, "StartCampaign", Access::kWrite, [this, request, response](const Call& call) {
        return parts_.campaigns->Start(call.principal, *request, response->mutable_campaign());
      });
}

grpc::ServerUnaryReactor* DisorderServiceImpl::CompleteCampaign(
    grpc::CallbackServerContext* context, const dv1::CompleteCampaignRequest* request,
    dv1::CompleteCampaignResponse* response) {
  return handlers_->Unary(
      context, "CompleteCampaign", Access::kWrite, [this, request, response](const Call& call) {
        return parts_.campaigns->Complete(call.principal, *request, response->mutable_campaign());
      });
}

grpc::ServerUnaryReactor* DisorderServiceImpl::CancelCampaign(
    grpc::CallbackServerContext* context, const dv1::CancelCampaignRequest* request,
    dv1::CancelCampaignResponse* response) {
  return handlers_->Unary(
      context, "CancelCampaign", Access::kWrite, [this, request, response](const Call& call) {
        return parts_.campaigns->Cancel(call.principal, *request, response->mutable_campaign());
      });
}

grpc::ServerUnaryReactor* DisorderServiceImpl::GetCampaign(grpc::CallbackServerContext* context,
                                                           const dv1::GetCampaignRequest* request,
                                                           dv1::GetCampaignResponse* response) {
  return handlers_->Unary(
      context, "GetCampaign", Access::kRead, [this, request, response](const Call& call) {
        return parts_.campaigns->Get(call.principal, *request, response->mutable_campaign());
      });
}

grpc::ServerUnaryReactor* DisorderServiceImpl::ListCampaigns(
    grpc::CallbackServerContext* context, const dv1::ListCampaignsRequest* request,
    dv1::ListCampaignsResponse* response) {
  return handlers_->Unary(context, "ListCampaigns", Access::kRead,
                          [this, request, response](const Call& call) {
                            return parts_.campaigns->List(call.principal, *request, response);
                          });
}

}  // namespace gov::disorder
