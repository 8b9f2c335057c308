#ifndef GOV_SERVICES_DISORDER_DISORDER_SERVICE_H_
#define GOV_SERVICES_DISORDER_DISORDER_SERVICE_H_

#include "common/server/handler.h"
#include "governance/disorder/v1/disorder.grpc.pb.h"
#include "services/disorder/complaints.h"

namespace gov::disorder {

// governance.disorder.v1.DisorderService: every method runs through the shared handler wrapper
// (auth, access level, worker pool, access log) and is handed to Complaints, which checks who
// may do what. Reporters' contacts are never logged.
class DisorderServiceImpl final : public dv1::DisorderService::CallbackService {
 public:
  DisorderServiceImpl(Complaints* complaints, server::Handlers* handlers)
      : complaints_(complaints), handlers_(handlers) {}

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

 private:
  Complaints* const complaints_;
  server::Handlers* const handlers_;
};

}  // namespace gov::disorder

#endif  // GOV_SERVICES_DISORDER_DISORDER_SERVICE_H_
