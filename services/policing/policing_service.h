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
};

// governance.policing.v1.PolicingService: proto <-> domain, then the case engine (incidents)
// or the store's counts (statistics). Every method runs through the shared handler wrapper
// (auth, access level, worker pool, access log).
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

  cases::CaseEngine* const engine_;
  const regions::RegionRegistry* const regions_;
  const Clock* const clock_;
  server::Handlers* const handlers_;
  const IncidentStatistics statistics_;
};

}  // namespace gov::policing

#endif  // GOV_SERVICES_POLICING_POLICING_SERVICE_H_
