#include "services/policing/policing_service.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/cases/calendar.h"
#include "common/cases/page_token.h"
#include "common/util/proto.h"
#include "common/util/status.h"
#include "services/policing/ingest.h"
#include "services/policing/model.h"
#include "services/policing/validation.h"

namespace gov::policing {
namespace {

using server::Access;
using server::Call;

absl::Status MayRead(const auth::Principal& who) {
  if (HandlesIncidents(who)) return absl::OkStatus();
  return absl::PermissionDeniedError(absl::StrCat(
      "principal ", who.id, " may not read incidents: incident statistics hold the aggregates"));
}

absl::Status MayIngestIncidents(const auth::Principal& who) {
  if (MayIngest(who)) return absl::OkStatus();
  return absl::PermissionDeniedError(
      absl::StrCat("principal ", who.id, " may not ingest incidents"));
}

// The incident for the caller: the details only for the roles that handle incidents.
pv1::Incident Present(const auth::Principal& who, pv1::Incident incident) {
  if (!HandlesIncidents(who)) RedactDetails(incident);
  return incident;
}

bool PeriodSet(const governance::v1::Period& p) {
  return p.year() != 0 || p.part_case() != governance::v1::Period::PART_NOT_SET;
}

}  // namespace

PolicingServiceImpl::PolicingServiceImpl(const PolicingServiceDeps& deps)
    : engine_(deps.engine),
      regions_(deps.regions),
      clock_(deps.clock),
      handlers_(deps.handlers),
      statistics_(deps.repo, deps.regions, deps.clock) {}

// ---- RPC entry points: the shared wrapper, then the Do* function. ----

grpc::ServerUnaryReactor* PolicingServiceImpl::IngestIncident(
    grpc::CallbackServerContext* context, const pv1::IngestIncidentRequest* request,
    pv1::IngestIncidentResponse* response) {
  return handlers_->Unary(context, "IngestIncident", Access::kWrite,
                          [this, request, response](const Call& call) {
                            return DoIngest(call.principal, *request, response);
                          });
}

grpc::ServerUnaryReactor* PolicingServiceImpl::BatchIngestIncidents(
    grpc::CallbackServerContext* context, const pv1::BatchIngestIncidentsRequest* request,
    pv1::BatchIngestIncidentsResponse* response) {
  return handlers_->Unary(context, "BatchIngestIncidents", Access::kWrite,
                          [this, request, response](const Call& call) {
                            return DoBatchIngest(call.principal, *request, response);
                          });
}

grpc::ServerUnaryReactor* PolicingServiceImpl::GetIncident(grpc::CallbackServerContext* context,
                                                           const pv1::GetIncidentRequest* request,
                                                           pv1::GetIncidentResponse* response) {
  return handlers_->Unary(context, "GetIncident", Access::kRead,
                          [this, request, response](const Call& call) {
                            return DoGet(call.principal, *request, response->mutable_incident());
                          });
}

grpc::ServerUnaryReactor* PolicingServiceImpl::ListIncidents(
    grpc::CallbackServerContext* context, const pv1::ListIncidentsRequest* request,
    pv1::ListIncidentsResponse* response) {
  return handlers_->Unary(context, "ListIncidents", Access::kRead,
                          [this, request, response](const Call& call) {
                            return DoList(call.principal, *request, response);
                          });
}

grpc::ServerUnaryReactor* PolicingServiceImpl::GetIncidentStatistics(
    grpc::CallbackServerContext* context, const pv1::GetIncidentStatisticsRequest* request,
    pv1::GetIncidentStatisticsResponse* response) {
  return handlers_->Unary(context, "GetIncidentStatistics", Access::kRead,
                          [this, request, response](const Call& call) -> absl::Status {
                            GOV_ASSIGN_OR_RETURN(*response,
                                                 statistics_.Compute(call.principal, *request));
                            return absl::OkStatus();
                          });
}

// ---- Incidents ----

absl::Status PolicingServiceImpl::DoIngest(const auth::Principal& who,
                                           const pv1::IngestIncidentRequest& in,
                                           pv1::IngestIncidentResponse* out) {
  GOV_RETURN_IF_ERROR(MayIngestIncidents(who));
  GOV_ASSIGN_OR_RETURN(Ingested ingested, policing::IngestIncident(*engine_, *regions_, *clock_,
                                                                   who, in.incident(), "incident"));
  *out->mutable_incident() = Present(who, std::move(ingested.incident));
  out->set_created(ingested.created);
  return absl::OkStatus();
}

absl::Status PolicingServiceImpl::DoBatchIngest(const auth::Principal& who,
                                                const pv1::BatchIngestIncidentsRequest& in,
                                                pv1::BatchIngestIncidentsResponse* out) {
  GOV_RETURN_IF_ERROR(MayIngestIncidents(who));
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
        policing::IngestIncident(*engine_, *regions_, *clock_, who, incident, field);
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

absl::Status PolicingServiceImpl::DoGet(const auth::Principal& who,
                                        const pv1::GetIncidentRequest& in, pv1::Incident* out) {
  GOV_RETURN_IF_ERROR(MayRead(who));
  GOV_RETURN_IF_ERROR(ValidateIncidentId(in.id(), "id"));
  GOV_ASSIGN_OR_RETURN(const cases::Case c, engine_->Get(who, in.id(), /*with_history=*/false));
  GOV_ASSIGN_OR_RETURN(pv1::Incident incident, IncidentFromCase(c));
  *out = Present(who, std::move(incident));
  return absl::OkStatus();
}

absl::Status PolicingServiceImpl::DoList(const auth::Principal& who,
                                         const pv1::ListIncidentsRequest& in,
                                         pv1::ListIncidentsResponse* out) {
  GOV_RETURN_IF_ERROR(MayRead(who));
  GOV_ASSIGN_OR_RETURN(const int size, cases::PageSize(in.page_size()));
  GOV_RETURN_IF_ERROR(regions_->Validate(in.region(), "region", /*require_street=*/false));
  cases::ListRequest request;
  store::CaseFilter& filter = request.filter;
  filter.street_id = in.region().street_id();
  filter.community_id = in.region().community_id();
  filter.grid_id = in.region().grid_id();
  if (PeriodSet(in.period())) {
    GOV_RETURN_IF_ERROR(cal::ValidatePeriod(in.period(), "period"));
    const cal::DayRange days = cal::Resolve(in.period(), clock_->Now());
    filter.created_from = absl::FromCivil(days.first, cal::DistrictZone());
    filter.created_to = absl::FromCivil(days.last + 1, cal::DistrictZone());
  }
  std::vector<std::string> categories;
  for (int i = 0; i < in.types_size(); ++i) {
    const pv1::IncidentType type = in.types(i);
    if (type == pv1::INCIDENT_TYPE_UNSPECIFIED || !pv1::IncidentType_IsValid(type)) {
      return InvalidField(absl::StrCat("types[", i, "]"), "not an incident type");
    }
    categories.push_back(EnumKey(type));
  }
  filter.categories = std::move(categories);
  request.page_size = size;
  request.page_token = in.page_token();
  GOV_ASSIGN_OR_RETURN(cases::ListResult page, engine_->List(who, request));
  for (const cases::Case& c : page.cases) {
    GOV_ASSIGN_OR_RETURN(pv1::Incident incident, IncidentFromCase(c));
    *out->add_incidents() = Present(who, std::move(incident));
  }
  out->set_next_page_token(std::move(page.next_page_token));
  return absl::OkStatus();
}

}  // namespace gov::policing
