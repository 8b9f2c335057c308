#include "services/mediation/mediation_service.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/log/log.h"
#include "common/util/proto.h"
#include "common/util/status.h"
#include "common/util/validate.h"
#include "services/mediation/model.h"
#include "services/mediation/mutations.h"
#include "services/mediation/track.h"
#include "services/mediation/validation.h"

namespace gov::mediation {
namespace {

using server::Access;
using server::Call;

// Checks shared by every request that moves a dispute.
absl::Status ValidateMove(const std::string& id, const std::string& etag) {
  GOV_RETURN_IF_ERROR(ValidateId(id, "id"));
  return ValidateId(etag, "etag");
}

// A registry lookup by a caller-given id: unknown is the caller's mistake, so INVALID_ARGUMENT
// naming the field rather than NOT_FOUND (which would read as "the dispute is not there").
template <typename T>
absl::StatusOr<T> Referenced(absl::StatusOr<T> found, const std::string& field,
                             const std::string& what, const std::string& id) {
  if (absl::IsNotFound(found.status())) {
    return InvalidField(field, absl::StrCat("unknown ", what, " \"", id, "\""));
  }
  return found;
}

}  // namespace

MediationServiceImpl::MediationServiceImpl(const MediationServiceDeps& deps)
    : engine_(deps.engine),
      registry_(deps.registry),
      router_(deps.router),
      regions_(deps.regions),
      clock_(deps.clock),
      handlers_(deps.handlers) {}

// ---- RPC entry points: the shared wrapper, then the Do* function. ----

grpc::ServerUnaryReactor* MediationServiceImpl::CreateDispute(
    grpc::CallbackServerContext* context, const mv1::CreateDisputeRequest* request,
    mv1::CreateDisputeResponse* response) {
  return handlers_->Unary(
      context, "CreateDispute", Access::kWrite, [this, request, response](const Call& call) {
        return DoCreateDispute(call.principal, *request, response->mutable_dispute());
      });
}

grpc::ServerUnaryReactor* MediationServiceImpl::GetDispute(grpc::CallbackServerContext* context,
                                                           const mv1::GetDisputeRequest* request,
                                                           mv1::GetDisputeResponse* response) {
  return handlers_->Unary(
      context, "GetDispute", Access::kRead, [this, request, response](const Call& call) {
        return DoGetDispute(call.principal, *request, response->mutable_dispute());
      });
}

grpc::ServerUnaryReactor* MediationServiceImpl::ListDisputes(
    grpc::CallbackServerContext* context, const mv1::ListDisputesRequest* request,
    mv1::ListDisputesResponse* response) {
  return handlers_->Unary(context, "ListDisputes", Access::kRead,
                          [this, request, response](const Call& call) {
                            return DoListDisputes(call.principal, *request, response);
                          });
}

grpc::ServerUnaryReactor* MediationServiceImpl::TriageDispute(
    grpc::CallbackServerContext* context, const mv1::TriageDisputeRequest* request,
    mv1::TriageDisputeResponse* response) {
  return handlers_->Unary(context, "TriageDispute", Access::kWrite,
                          [this, request, response](const Call& call) {
                            return DoTriage(call.principal, *request, response->mutable_dispute());
                          });
}

grpc::ServerUnaryReactor* MediationServiceImpl::AssignMediator(
    grpc::CallbackServerContext* context, const mv1::AssignMediatorRequest* request,
    mv1::AssignMediatorResponse* response) {
  return handlers_->Unary(context, "AssignMediator", Access::kWrite,
                          [this, request, response](const Call& call) {
                            return DoAssign(call.principal, *request, response->mutable_dispute());
                          });
}

grpc::ServerUnaryReactor* MediationServiceImpl::RecordSession(
    grpc::CallbackServerContext* context, const mv1::RecordSessionRequest* request,
    mv1::RecordSessionResponse* response) {
  return handlers_->Unary(
      context, "RecordSession", Access::kWrite, [this, request, response](const Call& call) {
        return DoRecordSession(call.principal, *request, response->mutable_dispute());
      });
}

grpc::ServerUnaryReactor* MediationServiceImpl::RecordOutcome(
    grpc::CallbackServerContext* context, const mv1::RecordOutcomeRequest* request,
    mv1::RecordOutcomeResponse* response) {
  return handlers_->Unary(
      context, "RecordOutcome", Access::kWrite, [this, request, response](const Call& call) {
        return DoRecordOutcome(call.principal, *request, response->mutable_dispute());
      });
}

grpc::ServerUnaryReactor* MediationServiceImpl::ReferToCourt(
    grpc::CallbackServerContext* context, const mv1::ReferToCourtRequest* request,
    mv1::ReferToCourtResponse* response) {
  return handlers_->Unary(
      context, "ReferToCourt", Access::kWrite, [this, request, response](const Call& call) {
        return DoSimpleMove(call.principal, kReferToCourt, request->id(), request->etag(),
                            request->note(), response->mutable_dispute());
      });
}

grpc::ServerUnaryReactor* MediationServiceImpl::CloseDispute(
    grpc::CallbackServerContext* context, const mv1::CloseDisputeRequest* request,
    mv1::CloseDisputeResponse* response) {
  return handlers_->Unary(
      context, "CloseDispute", Access::kWrite, [this, request, response](const Call& call) {
        return DoSimpleMove(call.principal, kClose, request->id(), request->etag(), request->note(),
                            response->mutable_dispute());
      });
}

grpc::ServerUnaryReactor* MediationServiceImpl::ReopenDispute(
    grpc::CallbackServerContext* context, const mv1::ReopenDisputeRequest* request,
    mv1::ReopenDisputeResponse* response) {
  return handlers_->Unary(context, "ReopenDispute", Access::kWrite,
                          [this, request, response](const Call& call) {
                            return DoReopen(call.principal, *request, response->mutable_dispute());
                          });
}

grpc::ServerUnaryReactor* MediationServiceImpl::CreateMediatingBody(
    grpc::CallbackServerContext* context, const mv1::CreateMediatingBodyRequest* request,
    mv1::CreateMediatingBodyResponse* response) {
  return handlers_->Unary(context, "CreateMediatingBody", Access::kAdmin,
                          [this, request, response](const Call& call) {
                            return DoCreateBody(call.principal, *request, response->mutable_body());
                          });
}

grpc::ServerUnaryReactor* MediationServiceImpl::GetMediatingBody(
    grpc::CallbackServerContext* context, const mv1::GetMediatingBodyRequest* request,
    mv1::GetMediatingBodyResponse* response) {
  return handlers_->Unary(context, "GetMediatingBody", Access::kRead,
                          [this, request, response](const Call& call) {
                            return DoGetBody(call.principal, *request, response->mutable_body());
                          });
}

grpc::ServerUnaryReactor* MediationServiceImpl::ListMediatingBodies(
    grpc::CallbackServerContext* context, const mv1::ListMediatingBodiesRequest* request,
    mv1::ListMediatingBodiesResponse* response) {
  return handlers_->Unary(context, "ListMediatingBodies", Access::kRead,
                          [this, request, response](const Call& call) {
                            return DoListBodies(call.principal, *request, response);
                          });
}

grpc::ServerUnaryReactor* MediationServiceImpl::CreateMediator(
    grpc::CallbackServerContext* context, const mv1::CreateMediatorRequest* request,
    mv1::CreateMediatorResponse* response) {
  return handlers_->Unary(
      context, "CreateMediator", Access::kWrite, [this, request, response](const Call& call) {
        return DoCreateMediator(call.principal, *request, response->mutable_mediator());
      });
}

grpc::ServerUnaryReactor* MediationServiceImpl::ListMediators(
    grpc::CallbackServerContext* context, const mv1::ListMediatorsRequest* request,
    mv1::ListMediatorsResponse* response) {
  return handlers_->Unary(context, "ListMediators", Access::kRead,
                          [this, request, response](const Call& call) {
                            return DoListMediators(call.principal, *request, response);
                          });
}

grpc::ServerUnaryReactor* MediationServiceImpl::CreateTrainingSession(
    grpc::CallbackServerContext* context, const mv1::CreateTrainingSessionRequest* request,
    mv1::CreateTrainingSessionResponse* response) {
  return handlers_->Unary(context, "CreateTrainingSession", Access::kWrite,
                          [this, request, response](const Call& call) {
                            return DoCreateTraining(call.principal, *request,
                                                    response->mutable_training());
                          });
}

grpc::ServerUnaryReactor* MediationServiceImpl::ListTrainingSessions(
    grpc::CallbackServerContext* context, const mv1::ListTrainingSessionsRequest* request,
    mv1::ListTrainingSessionsResponse* response) {
  return handlers_->Unary(context, "ListTrainingSessions", Access::kRead,
                          [this, request, response](const Call& call) {
                            return DoListTrainings(call.principal, *request, response);
                          });
}

// ---- Disputes ----

absl::Status MediationServiceImpl::Present(const auth::Principal& who, const cases::Case& c,
                                           mv1::Dispute* out) const {
  GOV_ASSIGN_OR_RETURN(*out, DisputeFromCase(c));
  if (!SeesPersonalData(who)) RedactPersonalData(*out);
  return absl::OkStatus();
}

absl::Status MediationServiceImpl::Move(const auth::Principal& who, const char* verb,
                                        const std::string& id, const std::string& etag,
                                        const std::string& note, const cases::Mutation& mutation,
                                        mv1::Dispute* out) {
  GOV_ASSIGN_OR_RETURN(cases::Case moved, engine_->Transition(who, verb, id, etag, note, mutation));
  // The engine's transition result has no history. Each stored change adds one history entry,
  // so the entries up to the new version are exactly this write's view, even when another
  // write landed in between.
  absl::StatusOr<cases::Case> current = engine_->Get(who, id, /*with_history=*/true);
  if (current.ok()) {
    for (store::HistoryRecord& event : current->history) {
      if (event.sequence <= moved.record.version) moved.history.push_back(std::move(event));
    }
  } else {
    // The write is committed; failing the call now would make the caller retry with a stale
    // etag. Answer with the dispute as written, without its history.
    log::Warn("history unavailable after a write",
              {{"id", id}, {"verb", verb}, {"error", current.status().ToString()}});
  }
  return Present(who, moved, out);
}

absl::Status MediationServiceImpl::DoCreateDispute(const auth::Principal& who,
                                                   const mv1::CreateDisputeRequest& in,
                                                   mv1::Dispute* out) {
  GOV_RETURN_IF_ERROR(ValidateRequestId(in.request_id(), "request_id"));
  GOV_RETURN_IF_ERROR(ValidateNewDispute(in.dispute(), *regions_));

  // What the caller gave; the mediation work fields start empty whatever was sent.
  mv1::Dispute stored = StoredPart(in.dispute());
  stored.clear_mediator_id();
  stored.clear_sessions();
  stored.clear_outcome_note();

  cases::NewCase input;
  input.category = EnumKey(stored.category());
  input.street_id = stored.region().street_id();
  input.community_id = stored.region().community_id();
  input.grid_id = stored.region().grid_id();
  input.payload = SerializeStable(stored);
  input.note = absl::StrCat("taken in via ", EnumKey(stored.channel()));
  GOV_ASSIGN_OR_RETURN(
      cases::Case created,
      engine_->Create(who, input, in.request_id(), cases::CaseEngine::RequestHash(input.payload)));
  return Present(who, created, out);
}

absl::Status MediationServiceImpl::DoGetDispute(const auth::Principal& who,
                                                const mv1::GetDisputeRequest& in,
                                                mv1::Dispute* out) {
  GOV_RETURN_IF_ERROR(ValidateId(in.id(), "id"));
  GOV_ASSIGN_OR_RETURN(cases::Case c, engine_->Get(who, in.id(), /*with_history=*/true));
  return Present(who, c, out);
}

absl::Status MediationServiceImpl::DoListDisputes(const auth::Principal& who,
                                                  const mv1::ListDisputesRequest& in,
                                                  mv1::ListDisputesResponse* out) {
  GOV_RETURN_IF_ERROR(regions_->Validate(in.region(), "region", /*require_street=*/false));
  cases::ListRequest request;
  for (int i = 0; i < in.states_size(); ++i) {
    const mv1::DisputeState state = in.states(i);
    if (state == mv1::DISPUTE_STATE_UNSPECIFIED || !mv1::DisputeState_IsValid(state)) {
      return InvalidField(absl::StrCat("states[", i, "]"), "not a dispute state");
    }
    request.filter.statuses.push_back(EnumKey(state));
  }
  if (!mv1::DisputeCategory_IsValid(in.category())) {
    return InvalidField("category", "not a dispute category");
  }
  if (in.category() != mv1::DISPUTE_CATEGORY_UNSPECIFIED) {
    request.filter.categories = {EnumKey(in.category())};
  }
  if (!in.body_id().empty()) GOV_RETURN_IF_ERROR(ValidateId(in.body_id(), "body_id"));
  request.filter.street_id = in.region().street_id();
  request.filter.community_id = in.region().community_id();
  request.filter.grid_id = in.region().grid_id();
  request.filter.unit_id = in.body_id();
  request.filter.sla_breached_only = in.sla_breached_only();
  request.page_size = in.page_size();
  request.page_token = in.page_token();

  GOV_ASSIGN_OR_RETURN(cases::ListResult result, engine_->List(who, std::move(request)));
  for (const cases::Case& c : result.cases) {
    GOV_RETURN_IF_ERROR(Present(who, c, out->add_disputes()));
  }
  out->set_next_page_token(std::move(result.next_page_token));
  return absl::OkStatus();
}

absl::Status MediationServiceImpl::DoTriage(const auth::Principal& who,
                                            const mv1::TriageDisputeRequest& in,
                                            mv1::Dispute* out) {
  GOV_RETURN_IF_ERROR(ValidateMove(in.id(), in.etag()));
  GOV_RETURN_IF_ERROR(ValidateText(in.note(), "note", kMaxNote, false));
  if (!in.body_id().empty()) GOV_RETURN_IF_ERROR(ValidateId(in.body_id(), "body_id"));
  // The named body is looked up, and the routing table consulted, inside the mutation, that is
  // after the engine checked role, scope, etag and state: a caller who may not triage this
  // dispute (or a dispute past triage) gets that answer, and learns nothing of the registry.
  const cases::Mutation route = [this, &who, &in](store::CaseRecord& record) -> absl::Status {
    std::optional<mv1::MediatingBody> named;
    if (!in.body_id().empty()) {
      GOV_ASSIGN_OR_RETURN(named, Referenced(registry_->GetBody(who, in.body_id()), "body_id",
                                             "mediating body", in.body_id()));
    }
    return RouteTo(std::move(named), router_)(record);
  };
  return Move(who, kTriage, in.id(), in.etag(), in.note(), route, out);
}

absl::Status MediationServiceImpl::DoAssign(const auth::Principal& who,
                                            const mv1::AssignMediatorRequest& in,
                                            mv1::Dispute* out) {
  GOV_RETURN_IF_ERROR(ValidateMove(in.id(), in.etag()));
  GOV_RETURN_IF_ERROR(ValidateId(in.mediator_id(), "mediator_id"));
  GOV_RETURN_IF_ERROR(ValidateText(in.note(), "note", kMaxNote, false));
  // Looked up after the engine's checks, as in DoTriage.
  const cases::Mutation assign = [this, &who, &in](store::CaseRecord& record) -> absl::Status {
    GOV_ASSIGN_OR_RETURN(mv1::Mediator mediator,
                         Referenced(registry_->GetMediator(who, in.mediator_id()), "mediator_id",
                                    "mediator", in.mediator_id()));
    return AssignTo(std::move(mediator))(record);
  };
  return Move(who, kAssignMediator, in.id(), in.etag(), in.note(), assign, out);
}

absl::Status MediationServiceImpl::DoRecordSession(const auth::Principal& who,
                                                   const mv1::RecordSessionRequest& in,
                                                   mv1::Dispute* out) {
  GOV_RETURN_IF_ERROR(ValidateMove(in.id(), in.etag()));
  GOV_RETURN_IF_ERROR(ValidateSession(in.session(), clock_->Now(), "session"));
  return Move(who, kRecordSession, in.id(), in.etag(), in.session().location(),
              AddSession(in.session()), out);
}

absl::Status MediationServiceImpl::DoRecordOutcome(const auth::Principal& who,
                                                   const mv1::RecordOutcomeRequest& in,
                                                   mv1::Dispute* out) {
  GOV_RETURN_IF_ERROR(ValidateMove(in.id(), in.etag()));
  const char* verb = nullptr;
  switch (in.outcome()) {
    case mv1::OUTCOME_AGREED:
      verb = kRecordAgreement;
      break;
    case mv1::OUTCOME_FAILED:
      verb = kRecordFailure;
      break;
    default:
      return InvalidField("outcome", "AGREED or FAILED");
  }
  GOV_RETURN_IF_ERROR(ValidateText(in.note(), "note", kMaxNote, true));
  return Move(who, verb, in.id(), in.etag(), in.note(), SetOutcome(in.note()), out);
}

absl::Status MediationServiceImpl::DoReopen(const auth::Principal& who,
                                            const mv1::ReopenDisputeRequest& in,
                                            mv1::Dispute* out) {
  GOV_RETURN_IF_ERROR(ValidateMove(in.id(), in.etag()));
  GOV_RETURN_IF_ERROR(ValidateText(in.note(), "note", kMaxNote, true));
  return Move(who, kReopen, in.id(), in.etag(), in.note(), ResumeMediation(), out);
}

absl::Status MediationServiceImpl::DoSimpleMove(const auth::Principal& who, const char* verb,
                                                const std::string& id, const std::string& etag,
                                                const std::string& note, mv1::Dispute* out) {
  GOV_RETURN_IF_ERROR(ValidateMove(id, etag));
  GOV_RETURN_IF_ERROR(ValidateText(note, "note", kMaxNote, false));
  return Move(who, verb, id, etag, note, nullptr, out);
}

// ---- Registry ----

// District administrators only: the wrapper's Access::kAdmin has decided already.
absl::Status MediationServiceImpl::DoCreateBody(const auth::Principal& /*who*/,
                                                const mv1::CreateMediatingBodyRequest& in,
                                                mv1::MediatingBody* out) {
  GOV_RETURN_IF_ERROR(ValidateRequestId(in.request_id(), "request_id"));
  GOV_RETURN_IF_ERROR(ValidateNewBody(in.body(), *regions_));
  GOV_ASSIGN_OR_RETURN(*out, registry_->CreateBody(in.body(), in.request_id()));
  return absl::OkStatus();
}

absl::Status MediationServiceImpl::DoGetBody(const auth::Principal& who,
                                             const mv1::GetMediatingBodyRequest& in,
                                             mv1::MediatingBody* out) {
  GOV_RETURN_IF_ERROR(ValidateId(in.id(), "id"));
  GOV_ASSIGN_OR_RETURN(*out, registry_->GetBody(who, in.id()));
  return absl::OkStatus();
}

absl::Status MediationServiceImpl::DoListBodies(const auth::Principal& who,
                                                const mv1::ListMediatingBodiesRequest& in,
                                                mv1::ListMediatingBodiesResponse* out) {
  if (!mv1::BodyKind_IsValid(in.kind())) return InvalidField("kind", "not a body kind");
  GOV_RETURN_IF_ERROR(regions_->Validate(in.region(), "region", /*require_street=*/false));
  if (!in.region().grid_id().empty()) {
    return InvalidField("region.grid_id", "bodies cover streets and communities, not grids");
  }
  GOV_ASSIGN_OR_RETURN(MediationRegistry::BodyPage page, registry_->ListBodies(who, in));
  for (mv1::MediatingBody& body : page.bodies) *out->add_bodies() = std::move(body);
  out->set_next_page_token(std::move(page.next_page_token));
  return absl::OkStatus();
}

absl::Status MediationServiceImpl::DoCreateMediator(const auth::Principal& who,
                                                    const mv1::CreateMediatorRequest& in,
                                                    mv1::Mediator* out) {
  if (!who.HasAnyRole({auth::kDistrictAdmin, auth::kStreetOperator})) {
    return absl::PermissionDeniedError(
        absl::StrCat("principal ", who.id, " may not register mediators"));
  }
  GOV_RETURN_IF_ERROR(ValidateRequestId(in.request_id(), "request_id"));
  GOV_RETURN_IF_ERROR(ValidateNewMediator(in.mediator()));
  // Another street's body is PERMISSION_DENIED here already; a district-level one is read by
  // everyone but staffed by the district only.
  GOV_ASSIGN_OR_RETURN(const mv1::MediatingBody body,
                       Referenced(registry_->GetBody(who, in.mediator().body_id()),
                                  "mediator.body_id", "mediating body", in.mediator().body_id()));
  if (!who.HasRole(auth::kDistrictAdmin) && !who.CanAccessStreet(body.region().street_id())) {
    return absl::PermissionDeniedError(
        absl::StrCat("body ", body.id(), " is outside the caller's streets"));
  }
  GOV_ASSIGN_OR_RETURN(*out, registry_->CreateMediator(in.mediator(), in.request_id()));
  return absl::OkStatus();
}

absl::Status MediationServiceImpl::DoListMediators(const auth::Principal& who,
                                                   const mv1::ListMediatorsRequest& in,
                                                   mv1::ListMediatorsResponse* out) {
  if (!in.body_id().empty()) GOV_RETURN_IF_ERROR(ValidateId(in.body_id(), "body_id"));
  GOV_ASSIGN_OR_RETURN(MediationRegistry::MediatorPage page, registry_->ListMediators(who, in));
  for (mv1::Mediator& mediator : page.mediators) *out->add_mediators() = std::move(mediator);
  out->set_next_page_token(std::move(page.next_page_token));
  return absl::OkStatus();
}

absl::Status MediationServiceImpl::DoCreateTraining(const auth::Principal& who,
                                                    const mv1::CreateTrainingSessionRequest& in,
                                                    mv1::TrainingSession* out) {
  // Decided on the level and street as given, before they are validated: a street outside the
  // scope (unknown or not) and anything but a street-level training are refused alike.
  if (!who.HasRole(auth::kDistrictAdmin)) {
    if (!who.HasRole(auth::kStreetOperator)) {
      return absl::PermissionDeniedError(
          absl::StrCat("principal ", who.id, " may not record trainings"));
    }
    if (in.training().level() != mv1::TRAINING_LEVEL_STREET ||
        !who.CanAccessStreet(in.training().street_id())) {
      return absl::PermissionDeniedError(absl::StrCat(
          "principal ", who.id, " may only record street-level trainings of its own streets"));
    }
  }
  GOV_RETURN_IF_ERROR(ValidateRequestId(in.request_id(), "request_id"));
  GOV_RETURN_IF_ERROR(ValidateNewTraining(in.training(), clock_->Now(), *regions_));
  GOV_ASSIGN_OR_RETURN(*out, registry_->CreateTraining(in.training(), in.request_id()));
  return absl::OkStatus();
}

absl::Status MediationServiceImpl::DoListTrainings(const auth::Principal& who,
                                                   const mv1::ListTrainingSessionsRequest& in,
                                                   mv1::ListTrainingSessionsResponse* out) {
  if (in.year() != 0 && (in.year() < kMinYear || in.year() > kMaxYear)) {
    return InvalidField("year", absl::StrCat("0 (all) or ", kMinYear, "..", kMaxYear));
  }
  if (!in.street_id().empty() && !regions_->HasStreet(in.street_id())) {
    return InvalidField("street_id", absl::StrCat("unknown street \"", in.street_id(), "\""));
  }
  GOV_ASSIGN_OR_RETURN(MediationRegistry::TrainingPage page, registry_->ListTrainings(who, in));
  for (mv1::TrainingSession& training : page.trainings) {
    *out->add_trainings() = std::move(training);
  }
  out->set_next_page_token(std::move(page.next_page_token));
  return absl::OkStatus();
}

}  // namespace gov::mediation
