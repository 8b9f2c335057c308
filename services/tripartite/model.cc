#include "services/tripartite/model.h"

#include <utility>

#include "common/auth/auth.h"

namespace gov::tripartite {

using cal::Sla;
using cases::StateClass;

// Owners' committees ("op" is street_operator, "off" the track's officers; district_admin may
// take every verb): applied for, then
//
// clang-format off
// | verb                 | from                 | to          | who     | clock of `to`           |
// |----------------------|----------------------|-------------|---------|-------------------------|
// | FormPreparatoryGroup | APPLIED              | PREPARATORY | op, off | election (days)         |
// | Elect                | PREPARATORY          | ELECTED     | op, off | filing (days)           |
// | File                 | ELECTED              | FILED       | op      | none                    |
// | Withdraw             | APPLIED, PREPARATORY | WITHDRAWN   | op, off | none                    |
// | DesignateModel       | FILED                | (stays)     | admin   | unchanged               |
// clang-format on
// APPLIED's clock is the preparation's.
cases::TrackSpec CommitteeSpec(const Rules& rules) {
  const std::string op = auth::kStreetOperator;
  const std::string off = kOfficer;
  cases::TrackSpec s;
  s.track = kCommitteeTrack;
  s.aggregate_track = kTrack;
  s.case_kind = "committee";
  s.id_prefix = "CM";
  s.initial_state = kApplied;
  s.states = {
      {kApplied, StateClass::kOpen, Sla::Hours(24 * rules.data().preparation_days())},
      {kPreparatory, StateClass::kOpen, Sla::Hours(24 * rules.data().election_days())},
      {kElected, StateClass::kOpen, Sla::Hours(24 * rules.data().filing_days())},
      {kFiled, StateClass::kResolved, Sla::None()},
      {kWithdrawn, StateClass::kClosed, Sla::None()},
  };
  s.transitions = {
      {kFormGroup, {kApplied}, kPreparatory, {op, off}},
      {kElect, {kPreparatory}, kElected, {op, off}},
      {kFile, {kElected}, kFiled, {op}},
      {kWithdraw, {kApplied, kPreparatory}, kWithdrawn, {op, off}},
      {kDesignateModel, {kFiled}, "", {}, /*restart_sla=*/false},
  };
  s.create_roles = {op, off};
  return s;
}

// Property disputes: opened OPEN, then
//
// clang-format off
// | verb    | from                         | to           | who     | clock of `to`            |
// |---------|------------------------------|--------------|---------|--------------------------|
// | Refer   | OPEN                         | JOINT_REVIEW | op, off | joint review (work days) |
// | Resolve | OPEN, JOINT_REVIEW           | RESOLVED     | op, off | none                     |
// | Close   | OPEN, JOINT_REVIEW, RESOLVED | CLOSED       | op      | none                     |
// clang-format on
cases::TrackSpec DisputeSpec(const Rules& rules) {
  const std::string op = auth::kStreetOperator;
  const std::string off = kOfficer;
  cases::TrackSpec s;
  s.track = kTrack;
  s.case_kind = "property_dispute";
  s.id_prefix = "PD";
  s.initial_state = kOpen;
  s.states = {
      {kOpen, StateClass::kOpen, Sla::WorkingDays(rules.data().dispute_open_working_days())},
      {kJointReview, StateClass::kOpen, Sla::WorkingDays(rules.data().joint_review_working_days())},
      {kResolved, StateClass::kResolved, Sla::None()},
      {kClosed, StateClass::kClosed, Sla::None()},
  };
  s.transitions = {
      {kRefer, {kOpen}, kJointReview, {op, off}},
      {kResolve, {kOpen, kJointReview}, kResolved, {op, off}},
      {kClose, {kOpen, kJointReview, kResolved}, kClosed, {op}},
  };
  s.create_roles = {op, off, auth::kSystem};
  return s;
}

namespace {

cases::RecordFields CaseFields() {
  cases::RecordFields fields =
      cases::ConventionalFields("compound_id", {auth::kStreetOperator, kOfficer, auth::kSystem});
  fields.due_time = "due_time";
  fields.sla_breached = "sla_breached";
  return fields;
}

}  // namespace

const cases::CaseKind<tv1::Committee>& CommitteeKind() {
  static const auto* kind = new cases::CaseKind<tv1::Committee>(CaseFields());
  return *kind;
}

const cases::CaseKind<tv1::PropertyDispute>& DisputeKind() {
  static const auto* kind = new cases::CaseKind<tv1::PropertyDispute>(CaseFields());
  return *kind;
}

const registry::Layout& CompoundLayout() {
  static const auto* layout = new registry::Layout{kTrack, "compound", "CP", "compound"};
  return *layout;
}

const registry::Layout& HubActivityLayout() {
  static const auto* layout =
      new registry::Layout{kTrack, "hub_activity", "HA", "three-party hub activity"};
  return *layout;
}

const registry::Layout& HighlightLayout() {
  static const auto* layout = new registry::Layout{kTrack, "highlight", "HL", "highlight"};
  return *layout;
}

const registry::Layout& FeeLayout() {
  static const auto* layout = new registry::Layout{kTrack, "fee", "FC", "fee collection record"};
  return *layout;
}

}  // namespace gov::tripartite
