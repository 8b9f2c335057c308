#include "services/mediation/track.h"

#include <string>

#include "common/auth/auth.h"
#include "common/cases/calendar.h"
#include "common/cases/case_kind.h"
#include "governance/mediation/v1/mediation.grpc.pb.h"
#include "services/mediation/bodies.h"
#include "services/mediation/demo_data.h"
#include "services/mediation/disputes.h"
#include "services/mediation/indicators.h"
#include "services/mediation/mediators.h"
#include "services/mediation/purchased.h"
#include "services/mediation/trainings.h"

namespace gov::mediation {

using cal::Sla;
using cases::StateClass;

// The dispute state machine. SLAs are working days (the holiday calendar's, with make-up
// days), from entering the state. A dispute is taken in (created) as RECEIVED (1 wd) by a
// street operator, a mediator or an internal system (the court's referrals); then ("op" is
// street_operator):
//
// clang-format off
// | verb            | from                              | to                   | who          |
// |-----------------|-----------------------------------|----------------------|--------------|
// | Triage          | RECEIVED                          | TRIAGED (2 wd)       | op           |
// | AssignMediator  | TRIAGED                           | IN_MEDIATION (15 wd) | op           |
// | ReferToProvider | TRIAGED                           | IN_MEDIATION (15 wd) | op           |
// | RecordSession   | IN_MEDIATION                      | (stays, clock on)    | mediator, op |
// | RecordAgreement | IN_MEDIATION                      | AGREED               | mediator, op |
// | RecordFailure   | IN_MEDIATION                      | FAILED               | mediator, op |
// | ReferToCourt    | TRIAGED, IN_MEDIATION, FAILED     | REFERRED_TO_COURT    | op           |
// | Close           | AGREED, FAILED, REFERRED_TO_COURT | CLOSED               | op           |
// | Reopen          | AGREED, FAILED, CLOSED            | IN_MEDIATION (15 wd) | op           |
// clang-format on
//
// district_admin may take every verb (the engine's rule). The access declared on the RPCs
// (mediation.proto) names the same roles per RPC; mediation_test checks that they agree.
const cases::TrackSpec& MediationSpec() {
  static const cases::TrackSpec* spec = [] {
    const std::string op = auth::kStreetOperator;
    const std::string mediator = kMediator;
    auto* s = new cases::TrackSpec;
    s->track = kTrack;
    s->case_kind = "dispute";
    s->id_prefix = "D";
    s->initial_state = "RECEIVED";
    s->states = {
        {"RECEIVED", StateClass::kOpen, Sla::WorkingDays(1)},
        {"TRIAGED", StateClass::kOpen, Sla::WorkingDays(2)},
        {"IN_MEDIATION", StateClass::kOpen, Sla::WorkingDays(15)},
        {"AGREED", StateClass::kResolved, Sla::None()},
        {"FAILED", StateClass::kResolved, Sla::None()},
        {"REFERRED_TO_COURT", StateClass::kClosed, Sla::None()},
        {"CLOSED", StateClass::kClosed, Sla::None()},
    };
    s->transitions = {
        {kTriage, {"RECEIVED"}, "TRIAGED", {op}},
        {kAssignMediator, {"TRIAGED"}, "IN_MEDIATION", {op}},
        {kReferToProvider, {"TRIAGED"}, "IN_MEDIATION", {op}},
        {kRecordSession, {"IN_MEDIATION"}, "", {mediator, op}, /*restart_sla=*/false},
        {kRecordAgreement, {"IN_MEDIATION"}, "AGREED", {mediator, op}},
        {kRecordFailure, {"IN_MEDIATION"}, "FAILED", {mediator, op}},
        {kReferToCourt, {"TRIAGED", "IN_MEDIATION", "FAILED"}, "REFERRED_TO_COURT", {op}},
        {kClose, {"AGREED", "FAILED", "REFERRED_TO_COURT"}, "CLOSED", {op}},
        {kReopen, {"AGREED", "FAILED", "CLOSED"}, "IN_MEDIATION", {op}},
    };
    s->create_roles = {op, mediator, auth::kSystem};
    return s;
  }();
  return *spec;
}

// A dispute as a kind of case. The record owns what the engine keeps (id, state, body, times,
// due time, breach flag, etag, history); the region stays in the payload, where it has been
// stored since the first release (the record's copy is the engine's, for scope and counts), so
// stored disputes read as before. The parties' names and phones, the free texts and the
// history's notes (marked personal in the schema) are for district_admin, street operators and
// mediators: the roles that handle disputes; viewers and systems (the court's feed) get them
// cleared.
const cases::CaseKind<mv1::Dispute>& DisputeKind() {
  static const auto* kind = new cases::CaseKind<mv1::Dispute>({
      .id = "id",
      .status = "state",
      .unit_id = "body_id",
      .region = "",  // in the payload
      .created = "create_time",
      .updated = "update_time",
      .due_time = "due_time",
      .sla_breached = "sla_breached",
      .etag = "etag",
      .history = "history",
      .sees_personal = {auth::kStreetOperator, kMediator},
  });
  return *kind;
}

MediationTrack::MediationTrack(const server::TrackDeps& deps)
    : TrackBase(deps, kTrack, mv1::MediationService::service_full_name(), {kMediator}) {
  Problem(DisputeKind().Check());
  cases::CaseEngine* engine = CaseKind(MediationSpec(), DisputeKind());
  registries_ = Part<Registries>(deps.repo, deps.cache, deps.clock);
  router_ = Part<Router>(&registries_->bodies);
  PurchasedServices* purchased = Part<PurchasedServices>(registries_, deps.clock);
  Disputes* disputes =
      Part<Disputes>(engine, registries_, router_, purchased, deps.regions, deps.clock);
  Bodies* bodies = Part<Bodies>(registries_, deps.regions);
  Mediators* mediators = Part<Mediators>(registries_);
  Trainings* trainings = Part<Trainings>(registries_, deps.regions, deps.clock);
  const meetings::Meetings* consultations =
      Meetings({{.id = kConsultation, .name_zh = kConsultationNameZh}});
  indicators::IndicatorEngine* figures = Indicators(MediationIndicators(registries_, consultations),
                                                    MediationFigures(), MediationRankings(bodies));
  Demo("district", [this, figures] { return LoadMediationDemo(this->deps(), *figures); });

  // Who may call each method is declared on it in mediation.proto.
  rpc()
      .Bind("CreateDispute", disputes, &Disputes::Create)
      .Bind("GetDispute", disputes, &Disputes::Get)
      .Bind("ListDisputes", disputes, &Disputes::List)
      .Bind("TriageDispute", disputes, &Disputes::Triage)
      .Bind("AssignMediator", disputes, &Disputes::AssignMediator)
      .Bind("ReferToProvider", disputes, &Disputes::ReferToProvider)
      .Bind("RecordSession", disputes, &Disputes::RecordSession)
      .Bind("RecordOutcome", disputes, &Disputes::RecordOutcome)
      .Bind("ReferToCourt", disputes, &Disputes::ReferToCourt)
      .Bind("CloseDispute", disputes, &Disputes::Close)
      .Bind("ReopenDispute", disputes, &Disputes::Reopen)
      .Bind("CreateMediatingBody", bodies, &Bodies::Create)
      .Bind("GetMediatingBody", bodies, &Bodies::Get)
      .Bind("ListMediatingBodies", bodies, &Bodies::List)
      .Bind("CreateMediator", mediators, &Mediators::Create)
      .Bind("ListMediators", mediators, &Mediators::List)
      .Bind("CreateTrainingSession", trainings, &Trainings::Create)
      .Bind("ListTrainingSessions", trainings, &Trainings::List)
      .Bind("CreateServiceProvider", purchased, &PurchasedServices::CreateProvider)
      .Bind("ListServiceProviders", purchased, &PurchasedServices::ListProviders)
      .Bind("CreateServiceContract", purchased, &PurchasedServices::CreateContract)
      .Bind("ListServiceContracts", purchased, &PurchasedServices::ListContracts);
}

}  // namespace gov::mediation
