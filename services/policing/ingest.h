#ifndef GOV_SERVICES_POLICING_INGEST_H_
#define GOV_SERVICES_POLICING_INGEST_H_

#include <string>

#include "absl/status/statusor.h"
#include "common/auth/auth.h"
#include "common/cases/engine.h"
#include "common/clock/clock.h"
#include "common/regions/regions.h"
#include "governance/policing/v1/policing.pb.h"

// Ingestion of police incidents: the one path every incident takes into the store, for
// IngestIncident, for each record of BatchIngestIncidents and for the demo loader.
namespace gov::policing {

namespace pv1 = ::governance::policing::v1;

// What an ingestion did.
struct Ingested {
  pv1::Incident incident;  // as stored (the first content for a replay), with its details
  bool created = false;    // false for a replay of a stored incident number
};

// Validates one incident (fields named under `field`, e.g. "incidents[3]"; see
// ValidateIncident) and stores it as a case through `engine`, idempotent by its incident
// number: the same number with the same content returns the stored incident (created false),
// with other content it is ALREADY_EXISTS. The case is one store transaction, so a refused
// incident leaves nothing behind. Who may ingest is the engine's rule (PolicingSpec's
// create_roles: the police platform and district_admin), with the street scope; the RPCs
// declare the same roles (policing.proto).
absl::StatusOr<Ingested> IngestIncident(cases::CaseEngine& engine,
                                        const regions::RegionRegistry& regions, const Clock& clock,
                                        const auth::Principal& who, const pv1::Incident& incident,
                                        const std::string& field);

}  // namespace gov::policing

#endif  // GOV_SERVICES_POLICING_INGEST_H_
