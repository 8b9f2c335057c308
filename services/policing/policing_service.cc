#include "services/policing/policing_service.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

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

}  // namespace

PolicingServiceImpl::PolicingServiceImpl(const PolicingServiceDeps& deps)
    : engine_(deps.engine),
      regions_(deps.regions),
      clock_(deps.clock),
      handlers_(deps.handlers),
      statistics_(deps.repo, deps.regions, deps.clock),
      bulletins_(deps.bulletins),
      key_areas_(deps.key_areas),
      linkage_(deps.linkage),
      assets_(deps.assets) {}

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

// ---- Bulletins, key areas, linkage tasks, assets: handed to their parts ----

grpc::ServerUnaryReactor* PolicingServiceImpl::PublishBulletin(
    grpc::CallbackServerContext* context, const pv1::PublishBulletinRequest* request,
    pv1::PublishBulletinResponse* response) {
  return handlers_->Unary(context, "PublishBulletin", Access::kWrite,
                          [this, request, response](const Call& call) {
                            return bulletins_->Publish(call.principal, *request, response);
                          });
}

grpc::ServerUnaryReactor* PolicingServiceImpl::GetBulletin(grpc::CallbackServerContext* context,
                                                           const pv1::GetBulletinRequest* request,
                                                           pv1::GetBulletinResponse* response) {
  return handlers_->Unary(
      context, "GetBulletin", Access::kRead, [this, request, response](const Call& call) {
        return bulletins_->Get(call.principal, *request, response->mutable_bulletin());
      });
}

grpc::ServerUnaryReactor* PolicingServiceImpl::ListBulletins(
    grpc::CallbackServerContext* context, const pv1::ListBulletinsRequest* request,
    pv1::ListBulletinsResponse* response) {
  return handlers_->Unary(context, "ListBulletins", Access::kRead,
                          [this, request, response](const Call& call) {
                            return bulletins_->List(call.principal, *request, response);
                          });
}

grpc::ServerUnaryReactor* PolicingServiceImpl::ListKeyArea(grpc::CallbackServerContext* context,
                                                           const pv1::ListKeyAreaRequest* request,
                                                           pv1::ListKeyAreaResponse* response) {
  return handlers_->Unary(
      context, "ListKeyArea", Access::kWrite, [this, request, response](const Call& call) {
        return key_areas_->ListArea(call.principal, *request, response->mutable_key_area());
      });
}

grpc::ServerUnaryReactor* PolicingServiceImpl::SetRemediationPlan(
    grpc::CallbackServerContext* context, const pv1::SetRemediationPlanRequest* request,
    pv1::SetRemediationPlanResponse* response) {
  return handlers_->Unary(
      context, "SetRemediationPlan", Access::kWrite, [this, request, response](const Call& call) {
        return key_areas_->SetPlan(call.principal, *request, response->mutable_key_area());
      });
}

grpc::ServerUnaryReactor* PolicingServiceImpl::DelistKeyArea(
    grpc::CallbackServerContext* context, const pv1::DelistKeyAreaRequest* request,
    pv1::DelistKeyAreaResponse* response) {
  return handlers_->Unary(
      context, "DelistKeyArea", Access::kWrite, [this, request, response](const Call& call) {
        return key_areas_->Delist(call.principal, *request, response->mutable_key_area());
      });
}

grpc::ServerUnaryReactor* PolicingServiceImpl::GetKeyArea(grpc::CallbackServerContext* context,
                                                          const pv1::GetKeyAreaRequest* request,
                                                          pv1::GetKeyAreaResponse* response) {
  return handlers_->Unary(
      context, "GetKeyArea", Access::kRead, [this, request, response](const Call& call) {
        return key_areas_->Get(call.principal, *request, response->mutable_key_area());
      });
}

grpc::ServerUnaryReactor* PolicingServiceImpl::ListKeyAreas(grpc::CallbackServerContext* context,
                                                            const pv1::ListKeyAreasRequest* request,
                                                            pv1::ListKeyAreasResponse* response) {
  return handlers_->Unary(context, "ListKeyAreas", Access::kRead,
                          [this, request, response](const Call& call) {
                            return key_areas_->List(call.principal, *request, response);
                          });
}

grpc::ServerUnaryReactor* PolicingServiceImpl::DispatchIncident(
    grpc::CallbackServerContext* context, const pv1::DispatchIncidentRequest* request,
    pv1::DispatchIncidentResponse* response) {
  return handlers_->Unary(context, "DispatchIncident", Access::kWrite,
                          [this, request, response](const Call& call) {
                            return linkage_->Dispatch(call.principal, *request, response);
                          });
}

grpc::ServerUnaryReactor* PolicingServiceImpl::SignLinkageTask(
    grpc::CallbackServerContext* context, const pv1::SignLinkageTaskRequest* request,
    pv1::SignLinkageTaskResponse* response) {
  return handlers_->Unary(
      context, "SignLinkageTask", Access::kWrite, [this, request, response](const Call& call) {
        return linkage_->Sign(call.principal, *request, response->mutable_task());
      });
}

grpc::ServerUnaryReactor* PolicingServiceImpl::RecordLinkageHandling(
    grpc::CallbackServerContext* context, const pv1::RecordLinkageHandlingRequest* request,
    pv1::RecordLinkageHandlingResponse* response) {
  return handlers_->Unary(context, "RecordLinkageHandling", Access::kWrite,
                          [this, request, response](const Call& call) {
                            return linkage_->RecordHandling(call.principal, *request,
                                                            response->mutable_task());
                          });
}

grpc::ServerUnaryReactor* PolicingServiceImpl::RecordLinkageFeedback(
    grpc::CallbackServerContext* context, const pv1::RecordLinkageFeedbackRequest* request,
    pv1::RecordLinkageFeedbackResponse* response) {
  return handlers_->Unary(context, "RecordLinkageFeedback", Access::kWrite,
                          [this, request, response](const Call& call) {
                            return linkage_->RecordFeedback(call.principal, *request,
                                                            response->mutable_task());
                          });
}

grpc::ServerUnaryReactor* PolicingServiceImpl::GetLinkageTask(
    grpc::CallbackServerContext* context, const pv1::GetLinkageTaskRequest* request,
    pv1::GetLinkageTaskResponse* response) {
  return handlers_->Unary(
      context, "GetLinkageTask", Access::kRead, [this, request, response](const Call& call) {
        return linkage_->Get(call.principal, *request, response->mutable_task());
      });
}

grpc::ServerUnaryReactor* PolicingServiceImpl::ListLinkageTasks(
    grpc::CallbackServerContext* context, const pv1::ListLinkageTasksRequest* request,
    pv1::ListLinkageTasksResponse* response) {
  return handlers_->Unary(context, "ListLinkageTasks", Access::kRead,
                          [this, request, response](const Call& call) {
                            return linkage_->List(call.principal, *request, response);
                          });
}

grpc::ServerUnaryReactor* PolicingServiceImpl::ListLinkageUnits(
    grpc::CallbackServerContext* context, const pv1::ListLinkageUnitsRequest* request,
    pv1::ListLinkageUnitsResponse* response) {
  return handlers_->Unary(context, "ListLinkageUnits", Access::kRead,
                          [this, request, response](const Call& call) {
                            return linkage_->Units(call.principal, *request, response);
                          });
}

grpc::ServerUnaryReactor* PolicingServiceImpl::RegisterAsset(
    grpc::CallbackServerContext* context, const pv1::RegisterAssetRequest* request,
    pv1::RegisterAssetResponse* response) {
  return handlers_->Unary(
      context, "RegisterAsset", Access::kWrite, [this, request, response](const Call& call) {
        return assets_->Register(call.principal, *request, response->mutable_asset());
      });
}

grpc::ServerUnaryReactor* PolicingServiceImpl::UpdateAsset(grpc::CallbackServerContext* context,
                                                           const pv1::UpdateAssetRequest* request,
                                                           pv1::UpdateAssetResponse* response) {
  return handlers_->Unary(
      context, "UpdateAsset", Access::kWrite, [this, request, response](const Call& call) {
        return assets_->Update(call.principal, *request, response->mutable_asset());
      });
}

grpc::ServerUnaryReactor* PolicingServiceImpl::GetAsset(grpc::CallbackServerContext* context,
                                                        const pv1::GetAssetRequest* request,
                                                        pv1::GetAssetResponse* response) {
  return handlers_->Unary(
      context, "GetAsset", Access::kRead, [this, request, response](const Call& call) {
        return assets_->Get(call.principal, *request, response->mutable_asset());
      });
}

grpc::ServerUnaryReactor* PolicingServiceImpl::ListAssets(grpc::CallbackServerContext* context,
                                                          const pv1::ListAssetsRequest* request,
                                                          pv1::ListAssetsResponse* response) {
  return handlers_->Unary(context, "ListAssets", Access::kRead,
                          [this, request, response](const Call& call) {
                            return assets_->List(call.principal, *request, response);
                          });
}

// ---- Incidents ----

absl::Status PolicingServiceImpl::DoIngest(const auth::Principal& who,
                                           const pv1::IngestIncidentRequest& in,
                                           pv1::IngestIncidentResponse* out) {
  GOV_RETURN_IF_ERROR(MayIngestIncidents(who));
  GOV_ASSIGN_OR_RETURN(Ingested ingested, policing::IngestIncident(*engine_, *regions_, *clock_,
                                                                   who, in.incident(), "incident"));
  DispatchAfterIngest(ingested.incident);
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

void PolicingServiceImpl::DispatchAfterIngest(const pv1::Incident& incident) {
  // The incident is stored whatever happens here: a failed dispatch is logged and left to the
  // upkeep's sweep (Linkage::SweepUndispatched), and a replay of the incident tries again.
  const absl::Status dispatched = linkage_->DispatchIngested(incident);
  if (!dispatched.ok()) {
    log::Warn("linkage dispatch failed; the sweep will retry",
              {{"incident", incident.id()}, {"error", std::string(dispatched.message())}});
  }
}

absl::Status PolicingServiceImpl::DoGet(const auth::Principal& who,
                                        const pv1::GetIncidentRequest& in, pv1::Incident* out) {
  GOV_RETURN_IF_ERROR(MayRead(who));
  GOV_RETURN_IF_ERROR(ValidateId(in.id(), "id"));
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
  GOV_RETURN_IF_ERROR(cases::FilterByPeriod(in.period(), clock_->Now(), filter));
  GOV_ASSIGN_OR_RETURN(filter.categories,
                       EnumFilterKeys<pv1::IncidentType>(in.types(), "types", "an incident type"));
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
