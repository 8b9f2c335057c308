#include "services/policing/model.h"

#include "absl/strings/str_cat.h"
#include "common/util/proto.h"
#include "services/policing/track.h"

namespace gov::policing {

pv1::Incident ReportedPart(const pv1::Incident& incident) {
  pv1::Incident reported = incident;
  reported.clear_id();
  reported.clear_incident_class();
  reported.clear_property_crime();
  reported.clear_ingest_time();
  return reported;
}

std::string IncidentRequestId(const std::string& incident_number) {
  return absl::StrCat("incident:", incident_number);
}

std::string IncidentContentHash(const pv1::Incident& incident) {
  return cases::CaseEngine::RequestHash(SerializeStable(ReportedPart(incident)));
}

cases::NewCase NewIncidentCase(const pv1::Incident& incident, absl::Time ingest_time) {
  pv1::Incident stored = ReportedPart(incident);
  *stored.mutable_ingest_time() = ToTimestamp(ingest_time);
  cases::NewCase input;
  input.category = EnumKey(stored.type());
  input.street_id = stored.region().street_id();
  input.community_id = stored.region().community_id();
  input.grid_id = stored.region().grid_id();
  input.payload = SerializeStable(stored);
  input.occurred_at = FromTimestamp(stored.occur_time());
  return input;
}

absl::StatusOr<pv1::Incident> IncidentFromCase(const cases::Case& c) {
  pv1::Incident incident;
  if (!incident.ParseFromString(c.record.payload)) {
    return absl::DataLossError(
        absl::StrCat("incident ", c.record.id, ": stored payload is unreadable"));
  }
  incident.set_id(c.record.id);
  if (const IncidentTypeInfo* info = FindIncidentType(incident.type()); info != nullptr) {
    incident.set_incident_class(info->incident_class);
    incident.set_property_crime(info->property_crime);
  }
  return incident;
}

bool HandlesIncidents(const auth::Principal& who) { return auth::WorksCases(who); }

void RedactDetails(pv1::Incident& incident) {
  incident.clear_summary();
  incident.clear_address();
  incident.mutable_region()->clear_grid_id();
}

}  // namespace gov::policing
