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
// The warnings, the screening entries and the supervision notices are kinds of case of their
// own, each kept under a store track of its own.
inline constexpr char kWarningTrack[] = "backlog_warning";
inline constexpr char kScreeningTrack[] = "backlog_screening";
inline constexpr char kNoticeTrack[] = "backlog_notice";

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

// Screening entry states (EntryStatus keys) and verbs.
inline constexpr char kReported[] = "REPORTED";
inline constexpr char kAccepted[] = "ACCEPTED";
inline constexpr char kDismissed[] = "DISMISSED";
inline constexpr char kAccept[] = "Accept";
inline constexpr char kDismiss[] = "Dismiss";

// Supervision notice states (NoticeStatus keys) and verbs (and Escalate, SendBack).
inline constexpr char kIssued[] = "ISSUED";
inline constexpr char kAnswered[] = "ANSWERED";
inline constexpr char kNoticeClosed[] = "CLOSED";
inline constexpr char kAnswer[] = "Answer";
inline constexpr char kAcceptAnswer[] = "AcceptAnswer";

// The state machines (the tables are in model.cc).
const cases::TrackSpec& BacklogSpec();
const cases::TrackSpec& WarningSpec();
const cases::TrackSpec& ScreeningSpec();
const cases::TrackSpec& NoticeSpec();

// A backlog case and a warning as kinds of case: the record owns id, status, region, times,
// etag and history; a warning's level is its record's unit (WarningLevel key), so the counts
// tell the levels apart. Personal data (summaries, the leader's name, notes) for district_admin,
// street operators and systems.
const cases::CaseKind<bv1::BacklogCase>& BacklogCaseKind();
const cases::CaseKind<bv1::Warning>& WarningKind();
// A screening entry's record category is its round's id; a notice's is its project's id, and
// its level its record's unit.
const cases::CaseKind<bv1::ScreeningEntry>& ScreeningEntryKind();
const cases::CaseKind<bv1::SupervisionNotice>& NoticeKind();

// A warning's record category: its case and milestone ("K-000001/2"), by which a milestone's
// warnings are found.
std::string WarningKey(const std::string& case_id, int milestone);

}  // namespace gov::backlog

#endif  // GOV_SERVICES_BACKLOG_MODEL_H_
