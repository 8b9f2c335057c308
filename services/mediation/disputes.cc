#include "services/mediation/disputes.h"

#include <optional>
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

// Checks shared by every request that moves a dispute.
absl::Status ValidateMove(const std::string& id, const std::string& etag) {
  GOV_RETURN_IF_ERROR(ValidateId(id, "id"));
  return ValidateId(etag, "etag");
}

}  // namespace

Disputes::Disputes(cases::CaseEngine* engine, MediationRegistry* registry, const Router* router,
                   const regions::RegionRegistry* regions, const Clock* clock)
    : engine_(engine), registry_(registry), router_(router), regions_(regions), clock_(clock) {}

absl::Status Disputes::Present(const auth::Principal& who, const cases::Case& c,
                               mv1::Dispute* out) const {
  GOV_ASSIGN_OR_RETURN(*out, DisputeFromCase(c));
  if (!SeesPersonalData(who)) RedactPersonalData(*out);
  return absl::OkStatus();
}

absl::Status Disputes::Move(const auth::Principal& who, const char* verb, const std::string& id,
                            const std::string& etag, const std::string& note,
                            const cases::Mutation& mutation, mv1::Dispute* out) {
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

absl::Status Disputes::Create(const auth::Principal& who, const mv1::CreateDisputeRequest& in,
                              mv1::CreateDisputeResponse* out) {
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
      GOV_ASSIGN_OR_RETURN(named, Referenced(registry_->GetBody(who, in.body_id()), "body_id",
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
                         Referenced(registry_->GetMediator(who, in.mediator_id()), "mediator_id",
                                    "mediator", in.mediator_id()));
    return AssignTo(std::move(mediator))(record);
  };
  return Move(who, kAssignMediator, in.id(), in.etag(), in.note(), assign, out->mutable_dispute());
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
