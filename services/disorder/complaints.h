#ifndef GOV_SERVICES_DISORDER_COMPLAINTS_H_
#define GOV_SERVICES_DISORDER_COMPLAINTS_H_

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/auth/auth.h"
#include "common/cases/engine.h"
#include "common/server/track_main.h"
#include "governance/disorder/v1/disorder.pb.h"
#include "services/disorder/rules.h"

// Complaints as cases of the "disorder" track (ids "C-…"): intake with routing and repeat
// detection (complaints.cc), the steps of the lifecycle DISPATCHED -> HANDLING -> RESOLVED
// (complaint_steps.cc), callbacks closing or reopening them and merges of duplicates
// (complaint_callbacks.cc), the units added for joint enforcement (complaint_joint.cc), and the
// reads (complaint_reads.cc). The state machine and the indicators are complaint_spec.h's; the
// reporter's privacy is the kind's (kinds.h).
namespace gov::disorder {

namespace dv1 = ::governance::disorder::v1;

class Complaints {
 public:
  // `engine`: the complaints' (ComplaintSpec); everything outlives the part.
  Complaints(const server::TrackDeps& deps, const Rules& rules, cases::CaseEngine* engine);

  // The RPCs (after the shared handler's authentication and the methods' declared access,
  // governance.v1.access); `out` is filled on success.
  absl::Status Submit(const auth::Principal& who, const dv1::SubmitComplaintRequest& in,
                      dv1::SubmitComplaintResponse* out);
  absl::Status Get(const auth::Principal& who, const dv1::GetComplaintRequest& in,
                   dv1::GetComplaintResponse* out);
  absl::Status List(const auth::Principal& who, const dv1::ListComplaintsRequest& in,
                    dv1::ListComplaintsResponse* out);
  absl::Status Redispatch(const auth::Principal& who, const dv1::RedispatchComplaintRequest& in,
                          dv1::RedispatchComplaintResponse* out);
  absl::Status Accept(const auth::Principal& who, const dv1::AcceptComplaintRequest& in,
                      dv1::AcceptComplaintResponse* out);
  absl::Status Resolve(const auth::Principal& who, const dv1::ResolveComplaintRequest& in,
                       dv1::ResolveComplaintResponse* out);
  absl::Status Callback(const auth::Principal& who, const dv1::RecordCallbackRequest& in,
                        dv1::RecordCallbackResponse* out);
  absl::Status Merge(const auth::Principal& who, const dv1::MergeComplaintRequest& in,
                     dv1::MergeComplaintResponse* out);
  absl::Status Units(const auth::Principal& who, const dv1::ListUnitsRequest& in,
                     dv1::ListUnitsResponse* out);
  absl::Status AddJointUnit(const auth::Principal& who, const dv1::AddJointUnitRequest& in,
                            dv1::AddJointUnitResponse* out);
  absl::Status CompleteJointStep(const auth::Principal& who,
                                 const dv1::CompleteJointStepRequest& in,
                                 dv1::CompleteJointStepResponse* out);

  // Takes a complaint in (Submit; the demo loader with a past intake time, `occurred_at`):
  // validation, routing, repeat detection, the idempotent create, and the repeat's mark on its
  // original. The case as the engine stored it.
  absl::StatusOr<cases::Case> TakeIn(const auth::Principal& who,
                                     const dv1::SubmitComplaintRequest& in,
                                     std::optional<absl::Time> occurred_at);

  // The complaint as the answers to writes and the lists carry it: without personal data, for
  // every caller (the reporter is GetComplaint's), with the unit's name from the rules.
  absl::StatusOr<dv1::Complaint> Summary(const cases::Case& c) const;

  const Rules& rules() const { return *rules_; }

 private:
  // The complaint as GetComplaint shows it to `who`: personal data only for the roles that
  // handle complaints (the kind's rule).
  absl::StatusOr<dv1::Complaint> Show(const cases::Case& c, const auth::Principal& who) const;
  // Takes `verb` and answers with the Summary.
  absl::StatusOr<dv1::Complaint> Move(const auth::Principal& who, const std::string& verb,
                                      const std::string& id, const std::string& etag,
                                      const std::string& note,
                                      const cases::Mutation& mutation) const;
  // FAILED_PRECONDITION naming "id" when a unit added to the complaint has its step open:
  // `what` ("resolved", "merged") cannot happen to it yet.
  static absl::Status CheckJointStepsDone(const dv1::Complaint& complaint, const char* what);
  // Marks the original with a "RecordRepeat" event naming the repeat (best effort).
  void RecordRepeatOn(const std::string& original_id, const std::string& repeat_id) const;

  server::TrackDeps deps_;
  const Rules* rules_;
  cases::CaseEngine* engine_;
};

}  // namespace gov::disorder

#endif  // GOV_SERVICES_DISORDER_COMPLAINTS_H_
