#include "services/hazard/model.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/auth/auth.h"
#include "common/util/proto.h"

namespace gov::hazard {

using cal::Sla;
using cases::StateClass;

// Hazards ("op" is street_operator, "insp" the track's inspectors, "sys" the systems feeding
// the track; district_admin may take every verb): found OPEN with the deadline of their
// severity, then
//
// clang-format off
// | verb        | from                  | to        | who       | clock                         |
// |-------------|-----------------------|-----------|-----------|-------------------------------|
// | Rectify     | OPEN                  | RECTIFIED | op, insp  | verification (working days)   |
// | RectifyLate | OPEN                  | RECTIFIED | op, insp  | verification (working days)   |
// | Verify      | RECTIFIED             | VERIFIED  | insp      | none                          |
// | Reject      | RECTIFIED             | OPEN      | insp      | the original deadline again   |
// | Close       | VERIFIED              | CLOSED    | op, insp  | none                          |
// | HandOver    | any                   | (stays)   | insp      | unchanged                     |
// clang-format on
cases::TrackSpec HazardSpec(const Rules& rules) {
  const std::string op = auth::kStreetOperator;
  const std::string insp = kInspector;
  cases::TrackSpec s;
  s.track = kTrack;
  s.case_kind = "hazard";
  s.id_prefix = "HZ";
  s.initial_state = kOpen;
  s.states = {
      // Each hazard's own deadline is its first clock (NewCase::sla); this is the general one.
      {kOpen, StateClass::kOpen, Sla::Hours(24 * 15)},
      {kRectified, StateClass::kOpen, Sla::WorkingDays(rules.verify_working_days())},
      {kVerified, StateClass::kResolved, Sla::None()},
      {kClosed, StateClass::kClosed, Sla::None()},
  };
  s.transitions = {
      {kRectify, {kOpen}, kRectified, {op, insp}},
      {kRectifyLate, {kOpen}, kRectified, {op, insp}},
      {kVerify, {kRectified}, kVerified, {insp}},
      {kReject, {kRectified}, kOpen, {insp}, /*restart_sla=*/false},
      {kClose, {kVerified}, kClosed, {op, insp}},
      {kHandOver, {}, "", {insp}, /*restart_sla=*/false},
  };
  s.create_roles = {op, insp, auth::kSystem};
  return s;
}

const cases::CaseKind<hv1::Hazard>& HazardKind() {
  static const auto* kind = [] {
    cases::RecordFields fields = cases::ConventionalFields(
        "enterprise_id", {auth::kStreetOperator, kInspector, auth::kSystem});
    fields.due_time = "due_time";  // the rectification deadline
    fields.sla_breached = "sla_breached";
    return new cases::CaseKind<hv1::Hazard>(std::move(fields));
  }();
  return *kind;
}

cases::NewCase NewHazardCase(hv1::Hazard h, const Rules& rules, absl::Time now) {
  h.clear_rectification();
  h.clear_rectified_in_time();
  h.clear_handover();
  const absl::Duration time = rules.RectificationTime(h.severity());
  *h.mutable_deadline() = ToTimestamp(now + time);
  cases::NewCase input;
  input.category = EnumKey(h.type());
  input.street_id = h.region().street_id();
  input.community_id = h.region().community_id();
  input.grid_id = h.region().grid_id();
  input.unit_id = h.enterprise_id();
  input.priority = static_cast<int32_t>(h.severity());
  input.sla = Sla::Hours(static_cast<int>(absl::ToInt64Hours(time)));
  input.payload = HazardKind().Payload(h);
  input.note = absl::StrCat("found by ", EnumKey(h.source()));
  return input;
}

const registry::Layout& EnterpriseLayout() {
  static const auto* layout = new registry::Layout{kTrack, "enterprise", "EN", "enterprise"};
  return *layout;
}

const registry::Layout& InspectionLayout() {
  static const auto* layout = new registry::Layout{kTrack, "inspection", "IN", "inspection"};
  return *layout;
}

const registry::Layout& CampaignLayout() {
  static const auto* layout = new registry::Layout{kTrack, "campaign", "CA", "campaign"};
  return *layout;
}

const registry::Layout& SiteLayout() {
  static const auto* layout = new registry::Layout{kTrack, "site", "ST", "site"};
  return *layout;
}

const registry::Layout& ElevatorLayout() {
  static const auto* layout = new registry::Layout{kTrack, "elevator", "EV", "elevator"};
  return *layout;
}

const registry::Layout& InsuranceLayout() {
  static const auto* layout =
      new registry::Layout{kTrack, "insurance", "IP", "elevator insurance policy"};
  return *layout;
}

const registry::Layout& AccidentLayout() {
  static const auto* layout = new registry::Layout{kTrack, "accident", "AC", "accident"};
  return *layout;
}

}  // namespace gov::hazard
