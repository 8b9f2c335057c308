#include "services/disorder/disorder_service.h"

namespace gov::disorder {

using server::Access;
using server::Call;

grpc::ServerUnaryReactor* DisorderServiceImpl::SubmitComplaint(
    grpc::CallbackServerContext* context, const dv1::SubmitComplaintRequest* request,
    dv1::SubmitComplaintResponse* response) {
  return handlers_->Unary(context, "SubmitComplaint", Access::kWrite,
                          [this, request, response](const Call& call) {
                            return complaints_->Submit(call.principal, *request, response);
                          });
}

grpc::ServerUnaryReactor* DisorderServiceImpl::GetComplaint(grpc::CallbackServerContext* context,
                                                            const dv1::GetComplaintRequest* request,
                                                            dv1::GetComplaintResponse* response) {
  return handlers_->Unary(
      context, "GetComplaint", Access::kRead, [this, request, response](const Call& call) {
        return complaints_->Get(call.principal, *request, response->mutable_complaint());
      });
}

grpc::ServerUnaryReactor* DisorderServiceImpl::ListComplaints(
    grpc::CallbackServerContext* context, const dv1::ListComplaintsRequest* request,
    dv1::ListComplaintsResponse* response) {
  return handlers_->Unary(context, "ListComplaints", Access::kRead,
                          [this, request, response](const Call& call) {
                            return complaints_->List(call.principal, *request, response);
                          });
}

grpc::ServerUnaryReactor* DisorderServiceImpl::RedispatchComplaint(
    grpc::CallbackServerContext* context, const dv1::RedispatchComplaintRequest* request,
    dv1::RedispatchComplaintResponse* response) {
  return handlers_->Unary(
      context, "RedispatchComplaint", Access::kWrite, [this, request, response](const Call& call) {
        return complaints_->Redispatch(call.principal, *request, response->mutable_complaint());
      });
}

grpc::ServerUnaryReactor* DisorderServiceImpl::AcceptComplaint(
    grpc::CallbackServerContext* context, const dv1::AcceptComplaintRequest* request,
    dv1::AcceptComplaintResponse* response) {
  return handlers_->Unary(
      context, "AcceptComplaint", Access::kWrite, [this, request, response](const Call& call) {
        return complaints_->Accept(call.principal, *request, response->mutable_complaint());
      });
}

grpc::ServerUnaryReactor* DisorderServiceImpl::ResolveComplaint(
    grpc::CallbackServerContext* context, const dv1::ResolveComplaintRequest* request,
    dv1::ResolveComplaintResponse* response) {
  return handlers_->Unary(
      context, "ResolveComplaint", Access::kWrite, [this, request, response](const Call& call) {
        return complaints_->Resolve(call.principal, *request, response->mutable_complaint());
      });
}

grpc::ServerUnaryReactor* DisorderServiceImpl::RecordCallback(
    grpc::CallbackServerContext* context, const dv1::RecordCallbackRequest* request,
    dv1::RecordCallbackResponse* response) {
  return handlers_->Unary(
      context, "RecordCallback", Access::kWrite, [this, request, response](const Call& call) {
        return complaints_->Callback(call.principal, *request, response->mutable_complaint());
      });
}

grpc::ServerUnaryReactor* DisorderServiceImpl::MergeComplaint(
    grpc::CallbackServerContext* context, const dv1::MergeComplaintRequest* request,
    dv1::MergeComplaintResponse* response) {
  return handlers_->Unary(
      context, "MergeComplaint", Access::kWrite, [this, request, response](const Call& call) {
        return complaints_->Merge(call.principal, *request, response->mutable_complaint());
      });
}

grpc::ServerUnaryReactor* DisorderServiceImpl::ListUnits(grpc::CallbackServerContext* context,
                                                         const dv1::ListUnitsRequest* request,
                                                         dv1::ListUnitsResponse* response) {
  return handlers_->Unary(context, "ListUnits", Access::kRead,
                          [this, request, response](const Call& call) {
                            return complaints_->Units(call.principal, *request, response);
                          });
}

}  // namespace gov::disorder
