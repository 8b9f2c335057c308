// Complaints: the steps of the work — redispatching to another unit, accepting, resolving.
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/cases/case_kind.h"
#include "common/util/proto.h"
#include "common/util/status.h"
#include "common/util/validate.h"
#include "services/disorder/complaint_spec.h"
#include "services/disorder/complaints.h"
#include "services/disorder/kinds.h"

namespace gov::disorder {
namespace {

// Limits of the API (characters).
constexpr size_t kMaxReason = 500;
constexpr size_t kMaxResolution = 2000;

// Whether a complaint in HANDLING is resolved late at `now`: its clock ran out (the breach scan
// marked it, or its due time passed).
bool Late(const dv1::Complaint& c, absl::Time now) {
  return c.sla_breached() || (c.has_due_time() && now > FromTimestamp(c.due_time()));
}

}  // namespace

absl::Status Complaints::Redispatch(const auth::Principal& who,
                                    const dv1::RedispatchComplaintRequest& in,
                                    dv1::RedispatchComplaintResponse* out) {
  GOV_RETURN_IF_ERROR(ValidateId(in.id(), "id"));
  if (in.unit_id().empty()) return InvalidField("unit_id", "required");
  const dv1::Unit* unit = rules_->FindUnit(in.unit_id());
  if (unit == nullptr) {
    return InvalidField("unit_id", "not a unit of the rules file (see ListUnits)");
  }
  GOV_RETURN_IF_ERROR(ValidateText(in.reason(), "reason", kMaxReason, /*required=*/true));
  const cases::Mutation mutation =
      ComplaintKind().Edit([unit](dv1::Complaint& complaint) -> absl::Status {
        if (complaint.unit_id() == unit->id()) {
          return FieldError(
              absl::StatusCode::kFailedPrecondition, "unit_id",
              absl::StrCat("complaint ", complaint.id(), " is with ", unit->id(), " already"));
        }
        complaint.set_unit_id(unit->id());
        complaint.set_unit_name(unit->name());
        return absl::OkStatus();
      });
  GOV_ASSIGN_OR_RETURN(*out->mutable_complaint(),
                       Move(who, kRedispatch, in.id(), in.etag(),
                            absl::StrCat("to ", unit->id(), ": ", in.reason()), mutation));
  return absl::OkStatus();
}

absl::Status Complaints::Accept(const auth::Principal& who, const dv1::AcceptComplaintRequest& in,
                                dv1::AcceptComplaintResponse* out) {
  GOV_RETURN_IF_ERROR(ValidateId(in.id(), "id"));
  GOV_ASSIGN_OR_RETURN(*out->mutable_complaint(), Move(who, kAccept, in.id(), in.etag(), "", {}));
  return absl::OkStatus();
}

// The verb depends on whether the resolution is late, which the complaint the engine writes
// says: the verb is chosen from a read (the engine's, in the caller's scope), and the mutation
// refuses to go on when the complaint it is given tells otherwise (ABORTED: it changed meanwhile,
// read it again). From another state than HANDLING the engine refuses the in-time verb
// (FAILED_PRECONDITION); so does the mutation while an added unit's step is open.
absl::Status Complaints::Resolve(const auth::Principal& who, const dv1::ResolveComplaintRequest& in,
                                 dv1::ResolveComplaintResponse* out) {
  GOV_RETURN_IF_ERROR(ValidateId(in.id(), "id"));
  const ResolveVerbs* verbs = VerbsOf(in.outcome());
  if (verbs == nullptr) return InvalidField("outcome", "required: one of the outcomes");
  GOV_RETURN_IF_ERROR(
      ValidateText(in.resolution(), "resolution", kMaxResolution, /*required=*/true));
  if (in.etag().empty()) return InvalidField("etag", "required");
  GOV_ASSIGN_OR_RETURN(const cases::Case current, engine_->Get(who, in.id(), false));
  GOV_ASSIGN_OR_RETURN(const dv1::Complaint read, ComplaintKind().FromCase(current));
  const absl::Time now = deps_.clock->Now();
  const bool late = read.status() == dv1::COMPLAINT_STATUS_HANDLING && Late(read, now);
  const dv1::ResolutionOutcome outcome = in.outcome();
  const std::string& resolution = in.resolution();
  const cases::Mutation mutation =
      ComplaintKind().Edit([&, late](dv1::Complaint& complaint) -> absl::Status {
        GOV_RETURN_IF_ERROR(CheckJointStepsDone(complaint, "resolved"));
        if (Late(complaint, now) != late) {
          return absl::AbortedError(
              absl::StrCat("complaint ", complaint.id(), " changed meanwhile; read it again"));
        }
        if (IsMediationOutcome(outcome) &&
            complaint.category() != dv1::COMPLAINT_CATEGORY_PREPAID_CARD) {
          return InvalidField("outcome",
                              "MEDIATED and MEDIATION_FAILED are for prepaid-card complaints only");
        }
        complaint.set_resolution(resolution);
        complaint.set_outcome(outcome);
        complaint.set_resolved_in_time(!late);
        return absl::OkStatus();
      });
  GOV_ASSIGN_OR_RETURN(*out->mutable_complaint(), Move(who, late ? verbs->late : verbs->in_time,
                                                       in.id(), in.etag(), "", mutation));
  return absl::OkStatus();
}

}  // namespace gov::disorder
