// Complaints: joint enforcement (联合执法) — units added to a complaint of a category the rules
// hand to the joint enforcement team (加派), each with a step of its own, ASSIGNED then DONE.
//
// The units and their steps are the complaint's (Complaint.joint_units, in the payload); adding
// one and recording its step done are "stay" transitions of the engine (AddJointUnit,
// CompleteJointStep: the state and the clock as they are, the step in the history, the etag
// checked). Each call reads the complaint first, to answer a retried request id and to refuse
// what cannot be done naming the field; the mutation checks the same again on the complaint the
// engine writes, so that a concurrent change is never overwritten. A resolution and a merge wait
// until every added unit's step is done (CheckJointStepsDone).
#include <string>
#include <string_view>

#include "absl/strings/str_cat.h"
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
constexpr size_t kMaxJointNote = 500;

const dv1::JointUnit* FindJoint(const dv1::Complaint& c, std::string_view unit_id) {
  for (const dv1::JointUnit& j : c.joint_units()) {
    if (j.unit_id() == unit_id) return &j;
  }
  return nullptr;
}

const dv1::JointUnit* FindRequest(const dv1::Complaint& c, std::string_view request_id) {
  for (const dv1::JointUnit& j : c.joint_units()) {
    if (j.request_id() == request_id) return &j;
  }
  return nullptr;
}

// The complaint takes added units and their steps: of a joint category, and open with the work
// under way.
absl::Status CheckJointOpen(const Rules& rules, const dv1::Complaint& c) {
  if (!rules.IsJointCategory(c.category())) {
    return FieldError(
        absl::StatusCode::kFailedPrecondition, "id",
        absl::StrCat("complaint ", c.id(), " is of category ", CategoryKey(c.category()),
                     ", which the rules do not hand to joint enforcement"));
  }
  if (c.status() != dv1::COMPLAINT_STATUS_DISPATCHED &&
      c.status() != dv1::COMPLAINT_STATUS_HANDLING) {
    return FieldError(absl::StatusCode::kFailedPrecondition, "id",
                      absl::StrCat("complaint ", c.id(), " is ", EnumKey(c.status()),
                                   "; joint enforcement steps are for DISPATCHED or HANDLING"));
  }
  return absl::OkStatus();
}

absl::Status CheckCanAdd(const Rules& rules, const dv1::Complaint& c, const dv1::Unit& unit) {
  GOV_RETURN_IF_ERROR(CheckJointOpen(rules, c));
  if (c.unit_id() == unit.id()) {
    return FieldError(
        absl::StatusCode::kFailedPrecondition, "unit_id",
        absl::StrCat("unit ", unit.id(), " is the responsible unit of complaint ", c.id()));
  }
  if (FindJoint(c, unit.id()) != nullptr) {
    return FieldError(
        absl::StatusCode::kAlreadyExists, "unit_id",
        absl::StrCat("unit ", unit.id(), " was added to complaint ", c.id(), " already"));
  }
  return absl::OkStatus();
}

absl::Status CheckCanComplete(const Rules& rules, const dv1::Complaint& c,
                              const std::string& unit_id) {
  GOV_RETURN_IF_ERROR(CheckJointOpen(rules, c));
  const dv1::JointUnit* joint = FindJoint(c, unit_id);
  if (joint == nullptr) {
    return FieldError(absl::StatusCode::kNotFound, "unit_id",
                      absl::StrCat("unit ", unit_id, " was not added to complaint ", c.id()));
  }
  if (joint->status() != dv1::JOINT_STEP_STATUS_ASSIGNED) {
    return FieldError(
        absl::StatusCode::kFailedPrecondition, "unit_id",
        absl::StrCat("the step of unit ", unit_id, " on complaint ", c.id(), " is done already"));
  }
  return absl::OkStatus();
}

// The history's note of a step: the unit, then what was said.
std::string StepNote(const std::string& unit_id, const std::string& note) {
  return note.empty() ? unit_id : absl::StrCat(unit_id, ": ", note);
}

}  // namespace

absl::Status Complaints::CheckJointStepsDone(const dv1::Complaint& complaint, const char* what) {
  for (const dv1::JointUnit& j : complaint.joint_units()) {
    if (j.status() == dv1::JOINT_STEP_STATUS_ASSIGNED) {
      return FieldError(absl::StatusCode::kFailedPrecondition, "id",
                        absl::StrCat("complaint ", complaint.id(), " cannot be ", what,
                                     " while the joint step of unit ", j.unit_id(),
                                     " is open (CompleteJointStep first)"));
    }
  }
  return absl::OkStatus();
}

absl::Status Complaints::AddJointUnit(const auth::Principal& who,
                                      const dv1::AddJointUnitRequest& in,
                                      dv1::AddJointUnitResponse* out) {
  GOV_RETURN_IF_ERROR(ValidateId(in.id(), "id"));
  if (in.etag().empty()) return InvalidField("etag", "required");
  GOV_RETURN_IF_ERROR(ValidateRequestId(in.request_id(), "request_id"));
  if (in.unit_id().empty()) return InvalidField("unit_id", "required");
  const dv1::Unit* unit = rules_->JointUnit(in.unit_id());
  if (unit == nullptr) {
    return InvalidField("unit_id", rules_->FindUnit(in.unit_id()) == nullptr
                                       ? "not a unit of the rules file (see ListUnits)"
                                       : "not one of the rules' joint enforcement units");
  }
  GOV_RETURN_IF_ERROR(ValidateText(in.note(), "note", kMaxJointNote));

  // A retry is answered with the complaint as it is now, whatever happened to it since.
  GOV_ASSIGN_OR_RETURN(const cases::Case current, engine_->Get(who, in.id(), false));
  GOV_ASSIGN_OR_RETURN(const dv1::Complaint read, ComplaintKind().FromCase(current));
  if (const dv1::JointUnit* earlier = FindRequest(read, in.request_id()); earlier != nullptr) {
    if (earlier->unit_id() != in.unit_id()) {
      return FieldError(absl::StatusCode::kAlreadyExists, "request_id",
                        absl::StrCat("request ", in.request_id(), " added unit ",
                                     earlier->unit_id(), " to complaint ", read.id()));
    }
    GOV_ASSIGN_OR_RETURN(*out->mutable_complaint(), Summary(current));
    out->set_added(false);
    return absl::OkStatus();
  }
  GOV_RETURN_IF_ERROR(CheckCanAdd(*rules_, read, *unit));

  const Rules& rules = *rules_;
  const absl::Time now = deps_.clock->Now();
  const cases::Mutation mutation =
      ComplaintKind().Edit([&rules, &in, unit, now](dv1::Complaint& complaint) -> absl::Status {
        if (FindRequest(complaint, in.request_id()) != nullptr) {
          return absl::AbortedError(
              absl::StrCat("complaint ", complaint.id(), " changed meanwhile; read it again"));
        }
        GOV_RETURN_IF_ERROR(CheckCanAdd(rules, complaint, *unit));
        dv1::JointUnit* joint = complaint.add_joint_units();
        joint->set_unit_id(unit->id());
        joint->set_unit_name(unit->name());
        joint->set_status(dv1::JOINT_STEP_STATUS_ASSIGNED);
        *joint->mutable_assign_time() = ToTimestamp(now);
        joint->set_assign_note(in.note());
        joint->set_request_id(in.request_id());
        return absl::OkStatus();
      });
  GOV_ASSIGN_OR_RETURN(*out->mutable_complaint(), Move(who, kAddJointUnit, in.id(), in.etag(),
                                                       StepNote(unit->id(), in.note()), mutation));
  out->set_added(true);
  return absl::OkStatus();
}

absl::Status Complaints::CompleteJointStep(const auth::Principal& who,
                                           const dv1::CompleteJointStepRequest& in,
                                           dv1::CompleteJointStepResponse* out) {
  GOV_RETURN_IF_ERROR(ValidateId(in.id(), "id"));
  if (in.etag().empty()) return InvalidField("etag", "required");
  if (in.unit_id().empty()) return InvalidField("unit_id", "required");
  if (rules_->FindUnit(in.unit_id()) == nullptr) {
    return InvalidField("unit_id", "not a unit of the rules file (see ListUnits)");
  }
  GOV_RETURN_IF_ERROR(ValidateText(in.note(), "note", kMaxJointNote, /*required=*/true));

  GOV_ASSIGN_OR_RETURN(const cases::Case current, engine_->Get(who, in.id(), false));
  GOV_ASSIGN_OR_RETURN(const dv1::Complaint read, ComplaintKind().FromCase(current));
  GOV_RETURN_IF_ERROR(CheckCanComplete(*rules_, read, in.unit_id()));

  const Rules& rules = *rules_;
  const absl::Time now = deps_.clock->Now();
  const cases::Mutation mutation =
      ComplaintKind().Edit([&rules, &in, now](dv1::Complaint& complaint) -> absl::Status {
        GOV_RETURN_IF_ERROR(CheckCanComplete(rules, complaint, in.unit_id()));
        for (dv1::JointUnit& joint : *complaint.mutable_joint_units()) {
          if (joint.unit_id() != in.unit_id()) continue;
          joint.set_status(dv1::JOINT_STEP_STATUS_DONE);
          *joint.mutable_done_time() = ToTimestamp(now);
          joint.set_done_note(in.note());
        }
        return absl::OkStatus();
      });
  GOV_ASSIGN_OR_RETURN(*out->mutable_complaint(),
                       Move(who, kCompleteJointStep, in.id(), in.etag(),
                            StepNote(in.unit_id(), in.note()), mutation));
  return absl::OkStatus();
}

}  // namespace gov::disorder
