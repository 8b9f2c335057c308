#ifndef GOV_SERVICES_MEDIATION_DISPUTES_H_
#define GOV_SERVICES_MEDIATION_DISPUTES_H_

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "common/auth/auth.h"
#include "common/cases/engine.h"
#include "common/clock/clock.h"
#include "common/regions/regions.h"
#include "governance/mediation/v1/mediation.pb.h"
#include "services/mediation/purchased.h"
#include "services/mediation/registry.h"
#include "services/mediation/routing.h"

namespace gov::mediation {

// The disputes of governance.mediation.v1.MediationService (CreateDispute ... ReopenDispute):
// proto <-> domain, then the case engine. Each method is bound to its RPC (track.cc) and runs
// after the shared wrapper settled who may call it (the access declared on the RPC in
// mediation.proto), so a caller whose role may not act learns nothing of the disputes.
//
// Beyond the declaration: the engine keeps every caller to the disputes of its streets and
// checks the verb's roles (the track spec, track.cc); the personal data marked in the schema
// (parties' names and phones, the free texts, the history's notes) goes only to the roles the
// dispute kind names (DisputeKind, track.cc).
class Disputes {
 public:
  // Nothing is owned; everything must outlive the part.
  Disputes(cases::CaseEngine* engine, const Registries* registries, const Router* router,
           const PurchasedServices* purchased, const regions::RegionRegistry* regions,
           const Clock* clock);

  absl::Status Create(const auth::Principal& who, const mv1::CreateDisputeRequest& in,
                      mv1::CreateDisputeResponse* out);
  absl::Status Get(const auth::Principal& who, const mv1::GetDisputeRequest& in,
                   mv1::GetDisputeResponse* out);
  absl::Status List(const auth::Principal& who, const mv1::ListDisputesRequest& in,
                    mv1::ListDisputesResponse* out);
  absl::Status Triage(const auth::Principal& who, const mv1::TriageDisputeRequest& in,
                      mv1::TriageDisputeResponse* out);
  absl::Status AssignMediator(const auth::Principal& who, const mv1::AssignMediatorRequest& in,
                              mv1::AssignMediatorResponse* out);
  // To a purchased-service provider under a contract (PurchasedServices::ReferUnder).
  absl::Status ReferToProvider(const auth::Principal& who, const mv1::ReferToProviderRequest& in,
                               mv1::ReferToProviderResponse* out);
  absl::Status RecordSession(const auth::Principal& who, const mv1::RecordSessionRequest& in,
                             mv1::RecordSessionResponse* out);
  absl::Status RecordOutcome(const auth::Principal& who, const mv1::RecordOutcomeRequest& in,
                             mv1::RecordOutcomeResponse* out);
  absl::Status ReferToCourt(const auth::Principal& who, const mv1::ReferToCourtRequest& in,
                            mv1::ReferToCourtResponse* out);
  absl::Status Close(const auth::Principal& who, const mv1::CloseDisputeRequest& in,
                     mv1::CloseDisputeResponse* out);
  absl::Status Reopen(const auth::Principal& who, const mv1::ReopenDisputeRequest& in,
                      mv1::ReopenDisputeResponse* out);

 private:
  // A transition that needs nothing but a note (ReferToCourt, Close).
  absl::Status SimpleMove(const auth::Principal& who, const char* verb, const std::string& id,
                          const std::string& etag, const std::string& note, mv1::Dispute* out);
  // Takes `verb` through the engine and answers with the dispute as this write left it
  // (history up to and including the write).
  absl::Status Move(const auth::Principal& who, const char* verb, const std::string& id,
                    const std::string& etag, const std::string& note,
                    const cases::Mutation& mutation, mv1::Dispute* out);

  cases::CaseEngine* const engine_;
  const Registries* const registries_;
  const Router* const router_;
  const PurchasedServices* const purchased_;
  const regions::RegionRegistry* const regions_;
  const Clock* const clock_;
};

// What CreateDispute hands the case engine for a dispute as the caller gave it (keys, payload,
// intake note); shared with the demo loader and bench/bulk_load.cc.
cases::NewCase NewDisputeCase(const mv1::Dispute& dispute);

// What each dispute verb changes in the stored case, as engine mutations through the dispute's
// message (DisputeKind().Edit). They run after the engine checked role, scope, etag and state,
// on the case as stored; an error aborts the transition with nothing written. Shared with the
// demo loader.

// Triage: routes to `named` when given, else by the routing table; the body must be
// district-level or serve the dispute's street (FAILED_PRECONDITION otherwise, and when the
// table finds no body). Sets the case's unit to the body.
cases::Mutation RouteTo(std::optional<mv1::MediatingBody> named, const Router* router);

// AssignMediator: the mediator must belong to the dispute's body (FAILED_PRECONDITION).
cases::Mutation AssignTo(mv1::Mediator mediator);

// RecordSession: appends the session; a hold time before the dispute was taken in is
// INVALID_ARGUMENT "session.hold_time".
cases::Mutation AddSession(mv1::MediationSession session);

// RecordAgreement / RecordFailure: keeps the agreement text or the reason for failure.
cases::Mutation SetOutcome(std::string note);

// Reopen: mediation resumes with the dispute's mediator (FAILED_PRECONDITION when it never had
// one, e.g. referred to court straight from triage); the previous outcome is cleared (the
// history keeps it).
cases::Mutation ResumeMediation();

}  // namespace gov::mediation

#endif  // GOV_SERVICES_MEDIATION_DISPUTES_H_
