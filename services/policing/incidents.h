#ifndef GOV_SERVICES_POLICING_INCIDENTS_H_
#define GOV_SERVICES_POLICING_INCIDENTS_H_

#include "absl/status/status.h"
#include "common/auth/auth.h"
#include "governance/policing/v1/policing.pb.h"
#include "services/policing/context.h"
#include "services/policing/linkage.h"

// Incidents (警情) through the API: ingestion from the police platform (one or a batch, through
// IngestIncident), reads and lists, proto <-> the incidents' case engine. Who may call each is
// declared in policing.proto and enforced by the shared handler before these run (ingest: the
// police platform and district_admin; read and list: the roles that handle incidents,
// district_admin, system and street_operator); the street scope is the engine's. Incident
// summaries and addresses are never logged.
namespace gov::policing {

namespace pv1 = ::governance::policing::v1;

class Incidents {
 public:
  // `linkage` dispatches the non-police incidents stored here; it and everything in `ctx`
  // outlive this.
  Incidents(const PolicingContext& ctx, Linkage* linkage) : ctx_(ctx), linkage_(linkage) {}

  // The RPCs, bound by the track; `out` is filled on success.
  absl::Status Ingest(const auth::Principal& who, const pv1::IngestIncidentRequest& in,
                      pv1::IngestIncidentResponse* out);
  absl::Status BatchIngest(const auth::Principal& who, const pv1::BatchIngestIncidentsRequest& in,
                           pv1::BatchIngestIncidentsResponse* out);
  absl::Status Get(const auth::Principal& who, const pv1::GetIncidentRequest& in,
                   pv1::GetIncidentResponse* out);
  absl::Status List(const auth::Principal& who, const pv1::ListIncidentsRequest& in,
                    pv1::ListIncidentsResponse* out);

 private:
  // Hands a stored (or replayed) incident to the linkage part, which dispatches non-police
  // incidents; a failure is logged, never the ingestion's.
  void DispatchAfterIngest(const pv1::Incident& incident);

  const PolicingContext ctx_;
  Linkage* const linkage_;
};

}  // namespace gov::policing

#endif  // GOV_SERVICES_POLICING_INCIDENTS_H_
