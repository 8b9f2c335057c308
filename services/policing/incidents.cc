#include "services/policing/incidents.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/cases/calendar.h"
#include "common/cases/page_token.h"
#include "common/log/log.h"
#include "common/util/proto.h"
#include "common/util/status.h"
#include "common/util/validate.h"
#include "services/policing/ingest.h"
#include "services/policing/model.h"
#include "services/policing/validation.h"

namespace gov::policing {
namespace {

// The incident for the caller: the details only for the roles that handle incidents.
pv1::Incident Present(const auth::Principal& who, pv1::Incident incident) {
  if (!HandlesIncidents(who)) RedactDetails(incident);
  return incident;
}

}  // namespace

absl::Status Incidents::Ingest(const auth::Principal& who, const pv1::IngestIncidentRequest& in,
                               pv1::IngestIncidentResponse* out) {
  GOV_ASSIGN_OR_RETURN(
      Ingested ingested,
      IngestIncident(*ctx_.incidents, *ctx_.regions, *ctx_.clock, who, in.incident(), "incident"));
  DispatchAfterIngest(ingested.incident);
  *out->mutable_incident() = Present(who, std::move(ingested.incident));
  out->set_created(ingested.created);
  return absl::OkStatus();
}

absl::Status Incidents::BatchIngest(const auth::Principal& who,
                                    const pv1::BatchIngestIncidentsRequest& in,
                                    pv1::BatchIngestIncidentsResponse* out) {
  if (in.incidents().empty()) return InvalidField("incidents", "at least one incident");
  if (in.incidents_size() > kMaxBatch) {
    return InvalidField("incidents", absl::StrCat("at most ", kMaxBatch, " incidents"));
  }
  // In request order, one store transaction per record: a later record with the number of an
  // earlier one is its replay (or ALREADY_EXISTS), as in separate calls.
  for (int i = 0; i < in.incidents_size(); ++i) {
    const pv1::Incident& incident = in.incidents(i);
    pv1::IngestResult* result = out->add_results();
    result->set_index(i);
    result->set_incident_number(incident.incident_number());
    const std::string field = absl::StrCat("incidents[", i, "]");
    absl::StatusOr<Ingested> ingested =
        IngestIncident(*ctx_.incidents, *ctx_.regions, *ctx_.clock, who, incident, field);
    if (!ingested.ok()) {
      result->set_code(static_cast<int32_t>(ingested.status().code()));
      result->set_message(std::string(ingested.status().message()));
      // A conflict is the number's: stored before with other content.
      result->set_field(absl::IsAlreadyExists(ingested.status())
                            ? absl::StrCat(field, ".incident_number")
                            : FieldOf(ingested.status()));
      out->set_failed_count(out->failed_count() + 1);
      continue;
    }
    DispatchAfterIngest(ingested->incident);
    *result->mutable_incident() = Present(who, std::move(ingested->incident));
    result->set_created(ingested->created);
    if (ingested->created) {
      out->set_created_count(out->created_count() + 1);
    } else {
      out->set_replayed_count(out->replayed_count() + 1);
    }
  }
  return absl::OkStatus();
}

void Incidents::DispatchAfterIngest(const pv1::Incident& incident) {
  // The incident is stored whatever happens here: a failed dispatch is logged and left to the
  // upkeep's sweep (Linkage::SweepUndispatched), and a replay of the incident tries again.
  const absl::Status dispatched = linkage_->DispatchIngested(incident);
  if (!dispatched.ok()) {
    log::Warn("linkage dispatch failed; the sweep will retry",
              {{"incident", incident.id()}, {"error", std::string(dispatched.message())}});
  }
}

absl::Status Incidents::Get(const auth::Principal& who, const pv1::GetIncidentRequest& in,
                            pv1::GetIncidentResponse* out) {
  GOV_RETURN_IF_ERROR(ValidateId(in.id(), "id"));
  GOV_ASSIGN_OR_RETURN(const cases::Case c,
                       ctx_.incidents->Get(who, in.id(), /*with_history=*/false));
  GOV_ASSIGN_OR_RETURN(pv1::Incident incident, IncidentFromCase(c));
  *out->mutable_incident() = Present(who, std::move(incident));
  return absl::OkStatus();
}

absl::Status Incidents::List(const auth::Principal& who, const pv1::ListIncidentsRequest& in,
                             pv1::ListIncidentsResponse* out) {
  GOV_ASSIGN_OR_RETURN(const int size, cases::PageSize(in.page_size()));
  GOV_RETURN_IF_ERROR(ctx_.regions->Validate(in.region(), "region", /*require_street=*/false));
  cases::ListRequest request;
  store::CaseFilter& filter = request.filter;
  filter.street_id = in.region().street_id();
  filter.community_id = in.region().community_id();
  filter.grid_id = in.region().grid_id();
  GOV_RETURN_IF_ERROR(cases::FilterByPeriod(in.period(), ctx_.clock->Now(), filter));
  GOV_ASSIGN_OR_RETURN(filter.categories,
                       EnumFilterKeys<pv1::IncidentType>(in.types(), "types", "an incident type"));
  request.page_size = size;
  request.page_token = in.page_token();
  GOV_ASSIGN_OR_RETURN(cases::ListResult page, ctx_.incidents->List(who, request));
  for (const cases::Case& c : page.cases) {
    GOV_ASSIGN_OR_RETURN(pv1::Incident incident, IncidentFromCase(c));
    *out->add_incidents() = Present(who, std::move(incident));
  }
  out->set_next_page_token(std::move(page.next_page_token));
  return absl::OkStatus();
}

}  // namespace gov::policing
