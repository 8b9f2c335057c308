#ifndef GOV_SERVICES_DISORDER_KINDS_H_
#define GOV_SERVICES_DISORDER_KINDS_H_

#include "common/cases/case_kind.h"
#include "governance/disorder/v1/disorder.pb.h"

// The disorder track's kinds of case, each kept under a store track of its own and counted in
// the track's aggregates ("disorder"): complaints, the enforcement teams' findings and the
// monthly campaigns. Which fields of each message the case record owns, and which roles see
// personal data, is declared once (track.cc).
namespace gov::disorder {

namespace dv1 = ::governance::disorder::v1;

// The complaints' store track, and the track's name (its aggregates, metrics and demo).
inline constexpr char kTrack[] = "disorder";
// The findings' store track (ids "E-…").
inline constexpr char kEnforcementTrack[] = "disorder_enforcement";
// The campaigns' store track (ids "R-…").
inline constexpr char kCampaignTrack[] = "disorder_campaign";

// Complaints (ids "C-…"): the reporter for district_admin, system and street operators.
const cases::CaseKind<dv1::Complaint>& ComplaintKind();
// Findings: no personal data; every role that reads them reads them whole.
const cases::CaseKind<dv1::Enforcement>& FindingKind();
// Campaigns: district plans every role reads; their history's notes for the roles that run them.
const cases::CaseKind<dv1::Campaign>& CampaignKind();

}  // namespace gov::disorder

#endif  // GOV_SERVICES_DISORDER_KINDS_H_
