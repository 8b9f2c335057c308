#include "services/mediation/disputes.h"

#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/cases/list_request.h"
#include "common/util/proto.h"
#include "common/util/status.h"
#include "common/util/validate.h"
#include "services/mediation/bodies.h"
#include "services/mediation/mediators.h"
#include "services/mediation/model.h"
#include "services/mediation/validation.h"

namespace gov::mediation {
namespace {

// Checks shared by every request that moves a dispute.
absl::Status ValidateMove(const std::string& id, const std::string& etag) {
  GOV_RETURN_IF_ERROR(ValidateId(id, "id"));
  return ValidateId(etag, "etag");
}

// The dispute as `who` may see it (personal data only for the roles of DisputeKind).
absl::Status Present(const auth::Principal& who, const cases::Case& c, mv1::Dispute* out) {
  GOV_ASSIGN_OR_RETURN(*out, DisputeKind().FromCase(c, who));
  return absl::OkStatus();
}

}  // namespace

cases::NewCase NewDisputeCase(const mv1::Dispute& dispute) {
  cases::NewCase input;
  input.category = EnumKey(dispute.category());
  input.street_id = dispute.region().street_id();
  input.community_id = dispute.region().community_id();
  input.grid_id = dispute.region().grid_id();
  input.payload = DisputeKind().Payload(dispute);
  input.note = absl::StrCat("taken in via ", EnumKey(dispute.channel()));
  return input;
}

cases::Mutation RouteTo(std::optional<mv1::MediatingBody> named, const Router* router) {
  return DisputeKind().Edit(
      [named = std::move(named), router](mv1::Dispute& dispute) -> absl::Status {
        mv1::MediatingBody body;
        if (named.has_value()) {
          body = *named;
        } else {
          GOV_ASSIGN_OR_RETURN(Route routed, router->RouteDispute(dispute));
          body = std::move(routed.body);
        }
        // District-level bodies (industry committees, the court centre) take any street's
        // disputes; a street's or community's body only its own street's.
        const std::string& street = dispute.region().street_id();
        if (!body.region().street_id().empty() && body.region().street_id() != street) {
          return absl::FailedPreconditionError(absl::StrCat("body ", body.id(), " serves street ",
                                                            body.region().street_id(),
                                                            ", not the dispute's street ", street));
        }
        dispute.set_body_id(body.id());
        return absl::OkStatus();
      });
}

cases::Mutation AssignTo(mv1::Mediator mediator) {
  return DisputeKind().Edit(
      [mediator = std::move(mediator)](mv1::Dispute& dispute) -> absl::Status {
        if (mediator.body_id() != dispute.body_id()) {
          return absl::FailedPreconditionError(
              absl::StrCat("mediator ", mediator.id(), " belongs to body ", mediator.body_id(),
                           ", not to the dispute's body ", dispute.body_id()));
        }
        dispute.set_mediator_id(mediator.id());
        return absl::OkStatus();
      });
}

cases::Mutation AddSession(mv1::MediationSession session) {
  return DisputeKind().Edit([session = std::move(session)](mv1::Dispute& dispute) -> absl::Status {
    if (FromTimestamp(session.hold_time()) < FromTimestamp(dispute.create_time())) {
      return InvalidField("session.hold_time", "before the dispute was taken in");
    }
    *dispute.add_sessions() = session;
    return absl::OkStatus();
  });
}

cases::Mutation SetOutcome(std::string note) {
  return DisputeKind().Edit([note = std::move(note)](mv1::Dispute& dispute) -> absl::Status {
    dispute.set_outcome_note(note);
    return absl::OkStatus();
  });
}

cases::Mutation ResumeMediation() {
  return DisputeKind().Edit([](mv1::Dispute& dispute) -> absl::Status {
    if (dispute.mediator_id().empty() && dispute.purchased_service().provider_id().empty()) {
      return absl::FailedPreconditionError(
          absl::StrCat("dispute ", dispute.id(),
                       " never had a mediator nor a provider, so mediation cannot resume"));
    }
    dispute.clear_outcome_note();
    return absl::OkStatus();
  });
}

Disputes::Disputes(cases::CaseEngine* engine, const Registries* registries, const Router* router,
                   const PurchasedServices* purchased, const regions::RegionRegistry* regions,
                   const Clock* clock)
    : engine_(engine),
      registries_(registries),
      router_(router),
      purchased_(purchased),
      regions_(regions),
      clock_(clock) {}

absl::Status Disputes::Move(const auth::Principal& who, const char* verb, const std::string& id,
                            const std::string& etag, const std::string& note,
                            const cases::Mutation& mutation, mv1::Dispute* out) {
  GOV_ASSIGN_OR_RETURN(const cases::Case moved,
                       engine_->TransitionWithHistory(who, verb, id, etag, note, mutation));
  return Present(who, moved, out);
}

absl::Status Disputes::Create(const auth::Principal& who, const mv1::CreateDisputeRequest& in,
                              mv1::CreateDisputeResponse* out) {
  GOV_RETURN_IF_ERROR(ValidateRequestId(in.request_id(), "request_id"));
  GOV_RETURN_IF_ERROR(ValidateNewDispute(in.dispute(), *regions_));

  // What the caller gave; the mediation work fields start empty whatever was sent (and what
  // the case record owns is the engine's: DisputeKind().Payload leaves it out).
  mv1::Dispute given = in.dispute();
  given.clear_mediator_id();
  given.clear_purchased_service();
  given.clear_sessions();
  given.clear_outcome_note();
  const cases::NewCase input = NewDisputeCase(given);
  GOV_ASSIGN_OR_RETURN(
      cases::Case created,
      engine_->Create(who, input, in.request_id(), cases::CaseEngine::RequestHash(input.payload)));
  return Present(who, created, out->mutable_dispute());
}

absl::Status Disputes::Get(const auth::Principal& who, const mv1::GetDisputeRequest& in,
                           mv1::GetDisputeResponse* out) {
  GOV_RETURN_IF_ERROR(ValidateId(in.id(), "id"));
  GOV_ASSIGN_OR_RETURN(cases::Case c, engine_->Get(who, in.id(), /*with_history=*/true));
  return Present(who, c, out->mutable_dispute());
}

absl::Status Disputes::List(const auth::Principal& who, const mv1::ListDisputesRequest& in,
                            mv1::ListDisputesResponse* out) {
  GOV_ASSIGN_OR_RETURN(cases::ListRequest request,
                       cases::ReadListRequest(in,
                                              {.statuses = "states",
                                               .categories = "category",
                                               .unit = "body_id",
                                               .breached_only = "sla_breached_only"},
                                              *regions_, clock_->Now()));
  GOV_ASSIGN_OR_RETURN(cases::ListResult result, engine_->List(who, std::move(request)));
  for (const cases::Case& c : result.cases) {
    GOV_RETURN_IF_ERROR(Present(who, c, out->add_disputes()));
  }
  out->set_next_page_token(std::move(result.next_page_token));
  return absl::OkStatus();
}

absl::Status Disputes::Triage(const auth::Principal& who, const mv1::TriageDisputeRequest& in,
                              mv1::TriageDisputeResponse* out) {
  GOV_RETURN_IF_ERROR(ValidateMove(in.id(), in.etag()));
  GOV_RETURN_IF_ERROR(ValidateText(in.note(), "note", kMaxNote, false));
  if (!in.body_id().empty()) GOV_RETURN_IF_ERROR(ValidateId(in.body_id(), "body_id"));
  // The named body is looked up, and the routing table consulted, inside the mutation, that is
  // after the engine checked role, scope, etag and state: a caller who may not triage this
  // dispute (or a dispute past triage) gets that answer, and learns nothing of the registry.
  const cases::Mutation route = [this, &who, &in](store::CaseRecord& record) -> absl::Status {
    std::optional<mv1::MediatingBody> named;
    if (!in.body_id().empty()) {
      GOV_ASSIGN_OR_RETURN(named, Referenced(ReadBody(*registries_, who, in.body_id()), "body_id",
                                             "mediating body", in.body_id()));
    }
    return RouteTo(std::move(named), router_)(record);
  };
  return Move(who, kTriage, in.id(), in.etag(), in.note(), route, out->mutable_dispute());
}

absl::Status Disputes::AssignMediator(const auth::Principal& who,
                                      const mv1::AssignMediatorRequest& in,
                                      mv1::AssignMediatorResponse* out) {
  GOV_RETURN_IF_ERROR(ValidateMove(in.id(), in.etag()));
  GOV_RETURN_IF_ERROR(ValidateId(in.mediator_id(), "mediator_id"));
  GOV_RETURN_IF_ERROR(ValidateText(in.note(), "note", kMaxNote, false));
  // Looked up after the engine's checks, as in Triage.
  const cases::Mutation assign = [this, &who, &in](store::CaseRecord& record) -> absl::Status {
    GOV_ASSIGN_OR_RETURN(mv1::Mediator mediator,
                         Referenced(ReadMediator(*registries_, who, in.mediator_id()),
                                    "mediator_id", "mediator", in.mediator_id()));
    return AssignTo(std::move(mediator))(record);
  };
  return Move(who, kAssignMediator, in.id(), in.etag(), in.note(), assign, out->mutable_dispute());
}

absl::Status Disputes::ReferToProvider(const auth::Principal& who,
                                       const mv1::ReferToProviderRequest& in,
                                       mv1::ReferToProviderResponse* out) {
  GOV_RETURN_IF_ERROR(ValidateMove(in.id(), in.etag()));
  GOV_RETURN_IF_ERROR(ValidateId(in.contract_id(), "contract_id"));
  GOV_RETURN_IF_ERROR(ValidateText(in.note(), "note", kMaxNote, false));
  // The contract is looked up after the engine's checks, as the body in Triage.
  return Move(who, kReferToProvider, in.id(), in.etag(), in.note(),
              purchased_->ReferUnder(in.contract_id()), out->mutable_dispute());
}

absl::Status Disputes::RecordSession(const auth::Principal& who,
                                     const mv1::RecordSessionRequest& in,
                                     mv1::RecordSessionResponse* out) {
  GOV_RETURN_IF_ERROR(ValidateMove(in.id(), in.etag()));
  GOV_RETURN_IF_ERROR(ValidateSession(in.session(), clock_->Now(), "session"));
  return Move(who, kRecordSession, in.id(), in.etag(), in.session().location(),
              AddSession(in.session()), out->mutable_dispute());
}

absl::Status Disputes::RecordOutcome(const auth::Principal& who,
                                     const mv1::RecordOutcomeRequest& in,
                                     mv1::RecordOutcomeResponse* out) {
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
  return Move(who, verb, in.id(), in.etag(), in.note(), SetOutcome(in.note()),
              out->mutable_dispute());
}

absl::Status Disputes::Reopen(const auth::Principal& who, const mv1::ReopenDisputeRequest& in,
                              mv1::ReopenDisputeResponse* out) {
  GOV_RETURN_IF_ERROR(ValidateMove(in.id(), in.etag()));
  GOV_RETURN_IF_ERROR(ValidateText(in.note(), "note", kMaxNote, true));
  return Move(who, kReopen, in.id(), in.etag(), in.note(), ResumeMediation(),
              out->mutable_dispute());
}

absl::Status Disputes::SimpleMove(const auth::Principal& who, const char* verb,
                                  const std::string& id, const std::string& etag,
                                  const std::string& note, mv1::Dispute* out) {
  GOV_RETURN_IF_ERROR(ValidateMove(id, etag));
  GOV_RETURN_IF_ERROR(ValidateText(note, "note", kMaxNote, false));
  return Move(who, verb, id, etag, note, nullptr, out);
}

absl::Status Disputes::ReferToCourt(const auth::Principal& who, const mv1::ReferToCourtRequest& in,
                                    mv1::ReferToCourtResponse* out) {
  return SimpleMove(who, kReferToCourt, in.id(), in.etag(), in.note(), out->mutable_dispute());
}

absl::Status Disputes::Close(const auth::Principal& who, const mv1::CloseDisputeRequest& in,
                             mv1::CloseDisputeResponse* out) {
  return SimpleMove(who, kClose, in.id(), in.etag(), in.note(), out->mutable_dispute());
}

}  // namespace gov::mediation
