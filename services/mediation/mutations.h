#ifndef GOV_SERVICES_MEDIATION_MUTATIONS_H_
#define GOV_SERVICES_MEDIATION_MUTATIONS_H_

#include <optional>
#include <string>

#include "common/cases/engine.h"
#include "governance/mediation/v1/mediation.pb.h"
#include "services/mediation/routing.h"

// What each dispute verb changes in the stored case, as engine mutations. They run after the
// engine checked role, scope, etag and state, on the case as stored; an error aborts the
// transition with nothing written. Shared by the disputes part (disputes.h) and the demo loader.
namespace gov::mediation {

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

#endif  // GOV_SERVICES_MEDIATION_MUTATIONS_H_
