#ifndef GOV_SERVICES_MEDIATION_MODEL_H_
#define GOV_SERVICES_MEDIATION_MODEL_H_

#include <string>

#include "common/cases/case_kind.h"
#include "governance/mediation/v1/mediation.pb.h"

// The mediation track's vocabulary: its names, the verbs of its state machine, the Chinese names
// of its categories, and the kind of case a dispute is.
namespace gov::mediation {

namespace mv1 = ::governance::mediation::v1;

inline constexpr char kTrack[] = "mediation";

// The track's own role beside the shared ones (common/auth): a mediator works the disputes of
// its streets (sessions, outcomes) and sees their parties.
inline constexpr char kMediator[] = "mediator";

// Verbs of the state machine (recorded as history actions).
inline constexpr char kTriage[] = "Triage";
inline constexpr char kAssignMediator[] = "AssignMediator";
inline constexpr char kReferToProvider[] = "ReferToProvider";
inline constexpr char kRecordSession[] = "RecordSession";
inline constexpr char kRecordAgreement[] = "RecordAgreement";
inline constexpr char kRecordFailure[] = "RecordFailure";
inline constexpr char kReferToCourt[] = "ReferToCourt";
inline constexpr char kClose[] = "Close";
inline constexpr char kReopen[] = "Reopen";

// Enums are stored under their keys (gov::EnumKey / gov::EnumFromKey in common/util/proto.h:
// "FAMILY" for DISPUTE_CATEGORY_FAMILY), so the store, the counts and the metrics stay readable
// and do not depend on the enum numbers.

// The kind of meeting the track holds (common/meetings): the monthly consultation on disputes.
inline constexpr char kConsultation[] = "consultation";
inline constexpr char kConsultationNameZh[] = "矛盾纠纷会商研判";

// Chinese display name of a category key ("FAMILY" -> "婚姻家庭"); the key itself when unknown.
std::string CategoryNameZh(const std::string& key);

// A dispute as a kind of case (declared in track.cc): the Dispute message, of which the case
// record owns the id, state, body, times, due time, breach flag, etag and history, and who sees
// the personal data marked in the schema (district_admin, street operators and mediators).
const cases::CaseKind<mv1::Dispute>& DisputeKind();

}  // namespace gov::mediation

#endif  // GOV_SERVICES_MEDIATION_MODEL_H_
