#ifndef GOV_SERVICES_DISORDER_COMPLAINT_SPEC_H_
#define GOV_SERVICES_DISORDER_COMPLAINT_SPEC_H_

#include <string>
#include <vector>

#include "common/cases/engine.h"
#include "common/indicators/indicators.h"
#include "governance/disorder/v1/disorder.pb.h"
#include "services/disorder/rules.h"

// What a complaint is as data: its states and verbs, the state machine (ComplaintSpec), the
// plan's complaint indicators and the ranking dimensions.
namespace gov::disorder {

namespace dv1 = ::governance::disorder::v1;

// The states (ComplaintStatus keys).
inline constexpr char kDispatched[] = "DISPATCHED";
inline constexpr char kHandling[] = "HANDLING";
inline constexpr char kResolved[] = "RESOLVED";
inline constexpr char kClosed[] = "CLOSED";
inline constexpr char kRepeat[] = "REPEAT";
inline constexpr char kMerged[] = "MERGED";

// The verbs besides the resolutions (see ResolveVerbs).
inline constexpr char kRedispatch[] = "Redispatch";
inline constexpr char kAccept[] = "Accept";
inline constexpr char kCloseSatisfied[] = "CloseSatisfied";
inline constexpr char kReopen[] = "Reopen";
inline constexpr char kMerge[] = "Merge";
inline constexpr char kRecordRepeat[] = "RecordRepeat";
// Joint enforcement: a unit added to the complaint, and an added unit's step done (both stay in
// the state the complaint is in).
inline constexpr char kAddJointUnit[] = "AddJointUnit";
inline constexpr char kCompleteJointStep[] = "CompleteJointStep";

// A resolution is recorded under a verb of its outcome and timing, so that the indicators count
// mediations, failures and resolutions in and out of time from the event counts: in time when
// taken by the due time of the complaint's clock and before the breach scan marked it, late
// otherwise.
struct ResolveVerbs {
  dv1::ResolutionOutcome outcome;
  const char* in_time;
  const char* late;
};
// The verbs of an outcome; nullptr for UNSPECIFIED and unknown values.
const ResolveVerbs* VerbsOf(dv1::ResolutionOutcome outcome);
// MEDIATED and MEDIATION_FAILED (prepaid-card complaints only).
bool IsMediationOutcome(dv1::ResolutionOutcome outcome);

// The states a complaint is open in (repeats are found among them; Merge takes them).
const std::vector<std::string>& OpenStatuses();
// The states a complaint takes added units and their steps in: the work is under way
// (DISPATCHED, HANDLING).
const std::vector<std::string>& JointStatuses();

// The record's category: the category's enum key.
std::string CategoryKey(dv1::ComplaintCategory category);

// The complaint case spec: states, verbs (an outcome-and-timing verb per resolution, so that
// the indicators count from the event counts), roles, SLAs from the rules.
cases::TrackSpec ComplaintSpec(const Rules& rules);

// The plan's complaint indicators: health-supplement complaints handled 100%, prepaid-card
// mediation success >= 50%, prepaid-card repeat rate <= 4%, complaints resolved within SLA,
// the overall repeat rate (watched, no target).
std::vector<indicators::IndicatorSpec> ComplaintIndicators();
// Ranking dimensions (street, community, category, unit) with category and unit names.
indicators::RankingSpec ComplaintRankings(const Rules& rules);

}  // namespace gov::disorder

#endif  // GOV_SERVICES_DISORDER_COMPLAINT_SPEC_H_
