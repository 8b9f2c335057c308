#ifndef GOV_SERVICES_POLICING_POLICING_SERVICE_H_
#define GOV_SERVICES_POLICING_POLICING_SERVICE_H_

#include "absl/status/status.h"
#include "common/auth/auth.h"
#include "common/cases/engine.h"
#include "common/clock/clock.h"
#include "common/regions/regions.h"
#include "common/server/handler.h"
#include "common/store/repository.h"
#include "governance/policing/v1/policing.grpc.pb.h"
#include "services/policing/assets.h"
#include "services/policing/bulletins.h"
#include "services/policing/key_areas.h"
#include "services/policing/linkage.h"
#include "services/policing/statistics.h"

namespace gov::policing {

namespace pv1 = ::governance::policing::v1;

// What the service is built on; everything is owned elsewhere and outlives it.
struct PolicingServiceDeps {
  cases::CaseEngine* engine = nullptr;
  store::Repository* repo = nullptr;
  const regions::RegionRegistry* regions = nullptr;
  const Clock* clock = nullptr;
  server::Handlers* handlers = nullptr;
  Bulletins* bulletins = nullptr;
  KeyAreas* key_areas = nullptr;
  Linkage* linkage = nullptr;
  Assets* assets = nullptr;
};

// governance.policing.v1.PolicingService: proto <-> domain, then the case engine (incidents)
// or the store's counts (statistics). Every method runs through the shared handler wrapper
// (auth, access level, worker pool, access log). Bulletins, key areas, linkage tasks and assets
// are handed to their parts (bulletins.h, key_areas.h, linkage.h, assets.h), which check who
// may do what.
//
// Who may do what:
//  - ingest (one or a batch): the police platform (system) and district_admin, decided before
//    anything in the request is looked at;
//  - read incidents (Get, List): the roles that handle them, district_admin, system and
//    street_operator (within its streets, by the engine's scope); viewers and mediators are
//    PERMISSION_DENIED whatever they ask for;
//  - statistics (and IndicatorsService): every authenticated role, within its streets.
// Incident summaries and addresses are never logged.
class PolicingServiceImpl final : public pv1::PolicingService::CallbackService {
 public:
  explicit PolicingServiceImpl(const PolicingServiceDeps& deps);

  grpc::ServerUnaryReactor* IngestIncident(grpc::CallbackServerContext* context,
                                           const pv1::IngestIncidentRequest* request,
                                           pv1::IngestIncidentResponse* response) override;
  grpc::ServerUnaryReactor* BatchIngestIncidents(
      grpc::CallbackServerContext* context, const pv1::BatchIngestIncidentsRequest* request,
      pv1::BatchIngestIncidentsResponse* response) override;
  grpc::ServerUnaryReactor* GetIncident(grpc::CallbackServerContext* context,
                                        const pv1::GetIncidentRequest* request,
                                        pv1::GetIncidentResponse* response) override;
  grpc::ServerUnaryReactor* ListIncidents(grpc::CallbackServerContext* context,
                                          const pv1::ListIncidentsRequest* request,
                                          pv1::ListIncidentsResponse* response) override;
  grpc::ServerUnaryReactor* GetIncidentStatistics(
      grpc::CallbackServerContext* context, const pv1::GetIncidentStatisticsRequest* request,
      pv1::GetIncidentStatisticsResponse* response) override;

  grpc::ServerUnaryReactor* PublishBulletin(grpc::CallbackServerContext* context,
                                            const pv1::PublishBulletinRequest* request,
                                            pv1::PublishBulletinResponse* response) override;
  grpc::ServerUnaryReactor* GetBulletin(grpc::CallbackServerContext* context,
                                        const pv1::GetBulletinRequest* request,
                                        pv1::GetBulletinResponse* response) override;
  grpc::ServerUnaryReactor* ListBulletins(grpc::CallbackServerContext* context,
                                          const pv1::ListBulletinsRequest* request,
                                          pv1::ListBulletinsResponse* response) override;
  grpc::ServerUnaryReactor* ListKeyArea(grpc::CallbackServerContext* context,
                                        const pv1::ListKeyAreaRequest* request,
                                        pv1::ListKeyAreaResponse* response) override;
  grpc::ServerUnaryReactor* SetRemediationPlan(grpc::CallbackServerContext* context,
                                               const pv1::SetRemediationPlanRequest* request,
                                               pv1::SetRemediationPlanResponse* response) override;
  grpc::ServerUnaryReactor* DelistKeyArea(grpc::CallbackServerContext* context,
                                          const pv1::DelistKeyAreaRequest* request,
                                          pv1::DelistKeyAreaResponse* response) override;
  grpc::ServerUnaryReactor* GetKeyArea(grpc::CallbackServerContext* context,
                                       const pv1::GetKeyAreaRequest* request,
                                       pv1::GetKeyAreaResponse* response) override;
  grpc::ServerUnaryReactor* ListKeyAreas(grpc::CallbackServerContext* context,
                                         const pv1::ListKeyAreasRequest* request,
                                         pv1::ListKeyAreasResponse* response) override;
  grpc::ServerUnaryReactor* DispatchIncident(grpc::CallbackServerContext* context,
                                             const pv1::DispatchIncidentRequest* request,
                                             pv1::DispatchIncidentResponse* response) override;
  grpc::ServerUnaryReactor* SignLinkageTask(grpc::CallbackServerContext* context,
                                            const pv1::SignLinkageTaskRequest* request,
                                            pv1::SignLinkageTaskResponse* response) override;
  grpc::ServerUnaryReactor* RecordLinkageHandling(
      grpc::CallbackServerContext* context, const pv1::RecordLinkageHandlingRequest* request,
      pv1::RecordLinkageHandlingResponse* response) override;
  grpc::ServerUnaryReactor* RecordLinkageFeedback(
      grpc::CallbackServerContext* context, const pv1::RecordLinkageFeedbackRequest* request,
      pv1::RecordLinkageFeedbackResponse* response) override;
  grpc::ServerUnaryReactor* GetLinkageTask(grpc::CallbackServerContext* context,
                                           const pv1::GetLinkageTaskRequest* request,
                                           pv1::GetLinkageTaskResponse* response) override;
  grpc::ServerUnaryReactor* ListLinkageTasks(grpc::CallbackServerContext* context,
                                             const pv1::ListLinkageTasksRequest* request,
                                             pv1::ListLinkageTasksResponse* response) override;
  grpc::ServerUnaryReactor* ListLinkageUnits(grpc::CallbackServerContext* context,
                                             const pv1::ListLinkageUnitsRequest* request,
                                             pv1::ListLinkageUnitsResponse* response) override;
  grpc::ServerUnaryReactor* RegisterAsset(grpc::CallbackServerContext* context,
                                          const pv1::RegisterAssetRequest* request,
                                          pv1::RegisterAssetResponse* response) override;
  grpc::ServerUnaryReactor* UpdateAsset(grpc::CallbackServerContext* context,
                                        const pv1::UpdateAssetRequest* request,
                                        pv1::UpdateAssetResponse* response) override;
  grpc::ServerUnaryReactor* GetAsset(grpc::CallbackServerContext* context,
                                     const pv1::GetAssetRequest* request,
                                     pv1::GetAssetResponse* response) override;
  grpc::ServerUnaryReactor* ListAssets(grpc::CallbackServerContext* context,
                                       const pv1::ListAssetsRequest* request,
                                       pv1::ListAssetsResponse* response) override;

 private:
  // One per RPC: permission, validation, then the engine or the statistics; `out` is filled
  // on success.
  absl::Status DoIngest(const auth::Principal& who, const pv1::IngestIncidentRequest& in,
                        pv1::IngestIncidentResponse* out);
  absl::Status DoBatchIngest(const auth::Principal& who, const pv1::BatchIngestIncidentsRequest& in,
                             pv1::BatchIngestIncidentsResponse* out);
  absl::Status DoGet(const auth::Principal& who, const pv1::GetIncidentRequest& in,
                     pv1::Incident* out);
  absl::Status DoList(const auth::Principal& who, const pv1::ListIncidentsRequest& in,
                      pv1::ListIncidentsResponse* out);
  // Hands a stored (or replayed) incident to the linkage part, which dispatches non-police
  // incidents; a failure is logged, never the ingestion's.
  void DispatchAfterIngest(const pv1::Incident& incident);

  cases::CaseEngine* const engine_;
  const regions::RegionRegistry* const regions_;
  const Clock* const clock_;
  server::Handlers* const handlers_;
  const IncidentStatistics statistics_;
  Bulletins* const bulletins_;
  KeyAreas* const key_areas_;
  Linkage* const linkage_;
  Assets* const assets_;
};

}  // namespace gov::policing

#endif  // GOV_SERVICES_POLICING_POLICING_SERVICE_H_
