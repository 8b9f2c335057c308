#include "services/policing/ingest.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/util/status.h"
#include "services/policing/model.h"
#include "services/policing/validation.h"

namespace gov::policing {

absl::StatusOr<Ingested> IngestIncident(cases::CaseEngine& engine,
                                        const regions::RegionRegistry& regions, const Clock& clock,
                                        const auth::Principal& who, const pv1::Incident& incident,
                                        const std::string& field) {
  const absl::Time now = clock.Now();
  GOV_RETURN_IF_ERROR(ValidateIncident(incident, field, now, regions));
  absl::StatusOr<cases::Case> stored =
      engine.Create(who, NewIncidentCase(incident, now),
                    IncidentRequestId(incident.incident_number()), IncidentContentHash(incident));
  if (absl::IsAlreadyExists(stored.status())) {
    return absl::AlreadyExistsError(absl::StrCat("incident number ", incident.incident_number(),
                                                 " is stored with other content"));
  }
  if (!stored.ok()) return stored.status();
  Ingested out;
  GOV_ASSIGN_OR_RETURN(out.incident, IncidentFromCase(*stored));
  out.created = stored->created;
  return out;
}

}  // namespace gov::policing
