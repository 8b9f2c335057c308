#ifndef GOV_SERVICES_POLICING_MODEL_H_
#define GOV_SERVICES_POLICING_MODEL_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/auth/auth.h"
#include "common/cases/engine.h"
#include "governance/policing/v1/policing.pb.h"

// The policing track's vocabulary: how an incident is stored as a case (category = the type's
// key, e.g. "THEFT"; create_time = when it happened; the Incident as payload), how the police
// platform's incident number makes ingestion idempotent, and who sees the details.
namespace gov::policing {

namespace pv1 = ::governance::policing::v1;

// What the platform reported, as stored and as hashed for idempotency: the incident without
// the fields the service owns (id, class, property crime, ingest time).
pv1::Incident ReportedPart(const pv1::Incident& incident);

// The idempotency key of an incident: its number, so that the platform's retries and replays
// of the same number find the first result ("incident:<number>").
std::string IncidentRequestId(const std::string& incident_number);
// The request hash of an incident: what the platform reported (ReportedPart), so that the same
// number with other content is ALREADY_EXISTS.
std::string IncidentContentHash(const pv1::Incident& incident);

// What ingestion hands the case engine: the reported part with the ingest time as payload,
// the type's key as category, the region, and the occurrence as the case's time.
cases::NewCase NewIncidentCase(const pv1::Incident& incident, absl::Time ingest_time);

// An Incident from a case: the stored payload plus the id and the taxonomy's class and
// property-crime flag. DATA_LOSS when the payload cannot be read.
absl::StatusOr<pv1::Incident> IncidentFromCase(const cases::Case& c);

// True for the roles that handle incidents and see their details (summary, address, grid):
// district_admin, system and street_operator (the engine keeps the latter to its streets).
bool HandlesIncidents(const auth::Principal& who);

// Clears the details of an incident (summary, address, grid).
void RedactDetails(pv1::Incident& incident);

}  // namespace gov::policing

#endif  // GOV_SERVICES_POLICING_MODEL_H_
