#ifndef GOV_SERVICES_POLICING_INCIDENTS_H_
#define GOV_SERVICES_POLICING_INCIDENTS_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/auth/auth.h"
#include "common/cases/case_kind.h"
#include "common/cases/engine.h"
#include "common/clock/clock.h"
#include "common/regions/regions.h"
#include "governance/policing/v1/policing.pb.h"

// Incidents (警情): the kind of case they are stored as, ingestion from the police platform (the
// one path every incident takes into the store: IngestIncident, each record of
// BatchIngestIncidents, the demo loader), idempotent by the platform's incident number, and the
// RPCs. Who may call each is declared in policing.proto and enforced by the shared handler before
// these run (ingest: the police platform and district_admin; read and list: the roles that handle
// incidents, district_admin, system and street_operator); the street scope is the engine's.
// Incident summaries and addresses are never logged.
namespace gov::policing {

namespace pv1 = ::governance::policing::v1;

class Linkage;

// The one state of an incident case: recorded from the police platform.
inline constexpr char kRecorded[] = "RECORDED";

// Incidents as cases of the store track "policing": one state, RECORDED, without a clock or
// transitions; created by the police platform (system) or a district administrator.
const cases::TrackSpec& PolicingSpec();

// An incident as a case: the case holds its id and region (street, community, grid; the
// category is the type's key, the case's time the occurrence), the payload the rest of what the
// platform reported and the ingest time. Personal data (summary, address) for the roles that
// handle incidents: district_admin, system and street_operator.
const cases::CaseKind<pv1::Incident>& IncidentKind();

// The idempotency key of an incident: its number, so that the platform's retries and replays
// of the same number find the first result ("incident:<number>").
std::string IncidentRequestId(const std::string& incident_number);
// The request hash of an incident: what the platform reported (the incident without the fields
// the service owns: id, class, property crime, ingest time), so that the same number with other
// content is ALREADY_EXISTS.
std::string IncidentContentHash(const pv1::Incident& incident);

// What ingestion hands the case engine: what was reported, with the ingest time, as payload; the
// type's key as category; the region; and the occurrence as the case's time.
cases::NewCase NewIncidentCase(const pv1::Incident& incident, absl::Time ingest_time);

// Validates one incident (fields named under `field`, e.g. "incidents[3]"; see
// ValidateIncident) and stores it as a case through `engine`, idempotent by its incident
// number: the same number with the same content returns the stored case (created false), with
// other content it is ALREADY_EXISTS. The case is one store transaction, so a refused incident
// leaves nothing behind. Who may ingest is the engine's rule (PolicingSpec's create_roles: the
// police platform and district_admin), with the street scope; the RPCs declare the same roles
// (policing.proto).
absl::StatusOr<cases::Case> IngestIncident(cases::CaseEngine& engine,
                                           const regions::RegionRegistry& regions,
                                           const Clock& clock, const auth::Principal& who,
                                           const pv1::Incident& incident, const std::string& field);

// The RPCs on incidents.
class Incidents {
 public:
  // `linkage` dispatches the non-police incidents stored here; everything outlives this.
  Incidents(cases::CaseEngine* engine, Linkage* linkage, const regions::RegionRegistry* regions,
            const Clock* clock)
      : engine_(engine), linkage_(linkage), regions_(regions), clock_(clock) {}

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
  void DispatchAfterIngest(const cases::Case& stored);

  cases::CaseEngine* const engine_;
  Linkage* const linkage_;
  const regions::RegionRegistry* const regions_;
  const Clock* const clock_;
};

}  // namespace gov::policing

#endif  // GOV_SERVICES_POLICING_INCIDENTS_H_
