#ifndef GOV_SERVICES_TRIPARTITE_MODEL_H_
#define GOV_SERVICES_TRIPARTITE_MODEL_H_

#include <string>

#include "common/cases/case_kind.h"
#include "common/cases/engine.h"
#include "common/registry/registry.h"
#include "governance/tripartite/v1/tripartite.pb.h"
#include "services/tripartite/rules.h"

// The tripartite track's vocabulary: its names, its own role, the state machines of its two
// kinds of case (owners' committees, property disputes), the kinds of meeting it holds and where
// its registries lie in the entity rows:
//
// clang-format off
// | registry       | kind           | id     | street / community  | parent   | key                 |
// |----------------|----------------|--------|---------------------|----------|---------------------|
// | compounds      | "compound"     | CP-... | its place           | ""       | "body"/"no_body"    |
// | hub activities | "hub_activity" | HA-... | its street or ""    | ""       | "<SERVICE>/<day>"   |
// | highlights     | "highlight"    | HL-... | its street          | ""       | the year ("2026")   |
// | fee records    | "fee"          | FC-... | the compound's      | compound | the month "YYYY-MM" |
// clang-format on
//
// A property dispute is a case of the track (store track "tripartite", ids "PD-…"): category
// its DisputeCategory key ("FEE_ARREARS"), unit its compound, priority 1 for a hard case and 0
// otherwise. An owners' committee is a case of the second kind (store track
// "tripartite_committee", ids "CM-…", aggregated under "tripartite"): category its CommitteeType
// key ("OWNERS"), unit its compound. Both keep the rest in the payload.
namespace gov::tripartite {

namespace tv1 = ::governance::tripartite::v1;

inline constexpr char kTrack[] = "tripartite";
inline constexpr char kCommitteeTrack[] = "tripartite_committee";

// The track's own role: three-party officers (三方办) keep the compounds, committees, fees and
// disputes of their streets.
inline constexpr char kOfficer[] = "tripartite_officer";

// Committee states (CommitteeStatus keys) and verbs (history actions).
inline constexpr char kApplied[] = "APPLIED";
inline constexpr char kPreparatory[] = "PREPARATORY";
inline constexpr char kElected[] = "ELECTED";
inline constexpr char kFiled[] = "FILED";
inline constexpr char kWithdrawn[] = "WITHDRAWN";
inline constexpr char kFormGroup[] = "FormPreparatoryGroup";
inline constexpr char kElect[] = "Elect";
inline constexpr char kFile[] = "File";
inline constexpr char kWithdraw[] = "Withdraw";
inline constexpr char kDesignateModel[] = "DesignateModel";

// Property dispute states (DisputeStatus keys) and verbs.
inline constexpr char kOpen[] = "OPEN";
inline constexpr char kJointReview[] = "JOINT_REVIEW";
inline constexpr char kResolved[] = "RESOLVED";
inline constexpr char kClosed[] = "CLOSED";
inline constexpr char kRefer[] = "Refer";
inline constexpr char kResolve[] = "Resolve";
inline constexpr char kClose[] = "Close";

// The priority of a hard dispute's case (疑难纠纷积案); others have 0.
inline constexpr int kHardPriority = 1;

// The kinds of meeting the track holds (governance.v1.MeetingsService): deliberation sessions
// (专题议事协商) about a compound with its three parties, and the joint meeting on property
// disputes (联席会议) about a dispute with the court, the housing bureau and the three-party
// office.
inline constexpr char kDeliberation[] = "deliberation";
inline constexpr char kJointMeeting[] = "joint_meeting";
inline constexpr char kPartyBranch[] = "party_branch";
inline constexpr char kOwners[] = "owners";
inline constexpr char kPropertyCompany[] = "property_company";
inline constexpr char kCourt[] = "court";
inline constexpr char kHousingBureau[] = "housing_bureau";
inline constexpr char kThreePartyOffice[] = "three_party_office";

// The state machines, their clocks from the rules (the tables are in model.cc).
cases::TrackSpec CommitteeSpec(const Rules& rules);
cases::TrackSpec DisputeSpec(const Rules& rules);

// The two kinds of case: members' and parties' names are personal data for district_admin,
// street operators, officers and systems.
const cases::CaseKind<tv1::Committee>& CommitteeKind();
const cases::CaseKind<tv1::PropertyDispute>& DisputeKind();

// The registries' layouts.
const registry::Layout& CompoundLayout();
const registry::Layout& HubActivityLayout();
const registry::Layout& HighlightLayout();
const registry::Layout& FeeLayout();

}  // namespace gov::tripartite

#endif  // GOV_SERVICES_TRIPARTITE_MODEL_H_
