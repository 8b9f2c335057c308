#ifndef GOV_SERVICES_HAZARD_MODEL_H_
#define GOV_SERVICES_HAZARD_MODEL_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/cases/case_kind.h"
#include "common/cases/engine.h"
#include "common/registry/registry.h"
#include "governance/hazard/v1/hazard.pb.h"
#include "services/hazard/rules.h"

// The hazard track's vocabulary: its names, its own role, the state machine of its hazards, the
// kind of case a hazard is, and where its registries lie in the entity rows:
//
// clang-format off
// | registry     | kind         | id     | street / community | parent     | key                  |
// |--------------|--------------|--------|--------------------|------------|----------------------|
// | enterprises  | "enterprise" | EN-... | its place          | ""         | colour ("RED", ...)  |
// | inspections  | "inspection" | IN-... | the enterprise's   | enterprise | the day inspected    |
// | campaigns    | "campaign"   | CA-... | its street or ""   | ""         | hazard type key      |
// | sites        | "site"       | ST-... | its place          | ""         | "<KIND>/<STATUS>"    |
// | elevators    | "elevator"   | EV-... | its place          | ""         | "RESIDENTIAL"/"OTHER"|
// | policies     | "insurance"  | IP-... | the elevator's     | elevator   | the first day covered|
// | accidents    | "accident"   | AC-... | its place          | ""         | "<TYPE>/<day>"       |
// clang-format on
//
// A hazard is a case of the track (store track "hazard"): its category is its type's key
// (HazardType: "FIRE_LANE"), its unit the enterprise it was found at ("" when none), its
// priority its severity's number; the payload keeps the rest.
namespace gov::hazard {

namespace hv1 = ::governance::hazard::v1;

inline constexpr char kTrack[] = "hazard";
// The track's own role: inspectors record inspections, verify rectifications and hand cases over
// to criminal investigation, within their streets.
inline constexpr char kInspector[] = "inspector";

// Hazard states (HazardStatus keys) and verbs (history actions).
inline constexpr char kOpen[] = "OPEN";
inline constexpr char kRectified[] = "RECTIFIED";
inline constexpr char kVerified[] = "VERIFIED";
inline constexpr char kClosed[] = "CLOSED";
// The rectification reported by its deadline, and after it: the two verbs tell them apart in
// the counts (the on-time rate).
inline constexpr char kRectify[] = "Rectify";
inline constexpr char kRectifyLate[] = "RectifyLate";
inline constexpr char kVerify[] = "Verify";
inline constexpr char kReject[] = "Reject";
inline constexpr char kClose[] = "Close";
inline constexpr char kHandOver[] = "HandOver";

// The hazards' state machine, its clocks from the rules (the table is in model.cc).
cases::TrackSpec HazardSpec(const Rules& rules);

// A hazard as a kind of case: the record owns id, status, region, times, due time, breach flag,
// etag and history; the reporter is personal data for district_admin, street operators,
// inspectors and systems.
const cases::CaseKind<hv1::Hazard>& HazardKind();

// What the engine stores for a new hazard as given (output fields cleared): its deadline
// (`now` plus its severity's time from the rules) in the payload and as the SLA of its first
// state, category, unit and priority as above. Shared by ReportHazard, RecordInspection and the
// demo loaders.
cases::NewCase NewHazardCase(hv1::Hazard hazard, const Rules& rules, absl::Time now);

// The registries' layouts.
const registry::Layout& EnterpriseLayout();
const registry::Layout& InspectionLayout();
const registry::Layout& CampaignLayout();
const registry::Layout& SiteLayout();
const registry::Layout& ElevatorLayout();
const registry::Layout& InsuranceLayout();
const registry::Layout& AccidentLayout();

}  // namespace gov::hazard

#endif  // GOV_SERVICES_HAZARD_MODEL_H_
