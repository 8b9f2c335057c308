#ifndef GOV_SERVICES_BACKLOG_MODEL_H_
#define GOV_SERVICES_BACKLOG_MODEL_H_

#include <string>

#include "common/cases/case_kind.h"
#include "common/cases/engine.h"
#include "governance/backlog/v1/backlog.pb.h"

// The backlog track's vocabulary: its names, the verbs of its two state machines, and the kinds
// of case its backlog cases and warnings are.
namespace gov::backlog {

namespace bv1 = ::governance::backlog::v1;

inline constexpr char kTrack[] = "backlog";
// The warnings are a second kind of case, kept under a store track of their own.
inline constexpr char kWarningTrack[] = "backlog_warning";

// Backlog case states (BacklogStatus keys) and verbs (history actions).
inline constexpr char kInProgress[] = "IN_PROGRESS";
inline constexpr char kResolved[] = "RESOLVED";
inline constexpr char kVerified[] = "VERIFIED";
inline constexpr char kClosed[] = "CLOSED";
inline constexpr char kReport[] = "ReportProgress";
inline constexpr char kCompleteMilestone[] = "CompleteMilestone";
inline constexpr char kResolve[] = "Resolve";
inline constexpr char kVerify[] = "Verify";
inline constexpr char kSendBack[] = "SendBack";
inline constexpr char kClose[] = "Close";

// Warning states (WarningStatus keys) and verbs.
inline constexpr char kRaised[] = "RAISED";
inline constexpr char kAcknowledged[] = "ACKNOWLEDGED";
inline constexpr char kCleared[] = "CLEARED";
inline constexpr char kAcknowledge[] = "Acknowledge";
inline constexpr char kEscalate[] = "Escalate";
inline constexpr char kClear[] = "Clear";

// The state machines (the tables are in model.cc).
const cases::TrackSpec& BacklogSpec();
const cases::TrackSpec& WarningSpec();

// A backlog case and a warning as kinds of case: the record owns id, status, region, times,
// etag and history; a warning's level is its record's unit (WarningLevel key), so the counts
// tell the levels apart. Personal data (summaries, the leader's name, notes) for district_admin,
// street operators and systems.
const cases::CaseKind<bv1::BacklogCase>& BacklogCaseKind();
const cases::CaseKind<bv1::Warning>& WarningKind();

// A warning's record category: its case and milestone ("K-000001/2"), by which a milestone's
// warnings are found.
std::string WarningKey(const std::string& case_id, int milestone);

}  // namespace gov::backlog

#endif  // GOV_SERVICES_BACKLOG_MODEL_H_
