#ifndef GOV_SERVICES_TRIPARTITE_DISPUTES_H_
#define GOV_SERVICES_TRIPARTITE_DISPUTES_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "common/auth/auth.h"
#include "common/cases/engine.h"
#include "common/clock/clock.h"
#include "common/indicators/indicators.h"
#include "common/meetings/meetings.h"
#include "common/peers/peers.h"
#include "common/regions/regions.h"
#include "services/tripartite/compounds.h"
#include "services/tripartite/model.h"

// Property disputes (物业纠纷) on the case engine: fee arrears (物业费催缴) and the other kinds,
// hard long-standing cases (疑难纠纷积案, the plan's 20 to resolve) among them, linkable to the
// backlog track's case (checked over gRPC); referred to the joint meeting of the court, the
// housing bureau and the three-party office, whose decision (a meeting of kind "joint_meeting"
// about the dispute) resolves it.
namespace gov::tripartite {

class Disputes {
 public:
  // Nothing is owned; everything outlives the part.
  Disputes(cases::CaseEngine* disputes, const Compounds* compounds,
           const meetings::Meetings* meetings, const peers::Peers* peers,
           const regions::RegionRegistry* regions, const Clock* clock);

  // The RPCs (after the declared access).
  absl::Status Open(const auth::Principal& who, const tv1::OpenPropertyDisputeRequest& in,
                    tv1::OpenPropertyDisputeResponse* out) const;
  absl::Status Get(const auth::Principal& who, const tv1::GetPropertyDisputeRequest& in,
                   tv1::GetPropertyDisputeResponse* out) const;
  absl::Status List(const auth::Principal& who, const tv1::ListPropertyDisputesRequest& in,
                    tv1::ListPropertyDisputesResponse* out) const;
  absl::Status Refer(const auth::Principal& who, const tv1::ReferPropertyDisputeRequest& in,
                     tv1::ReferPropertyDisputeResponse* out) const;
  absl::Status Resolve(const auth::Principal& who, const tv1::ResolvePropertyDisputeRequest& in,
                       tv1::ResolvePropertyDisputeResponse* out) const;
  absl::Status Close(const auth::Principal& who, const tv1::ClosePropertyDisputeRequest& in,
                     tv1::ClosePropertyDisputeResponse* out) const;

  // The subject check of a joint meeting (meetings::Kind::subject): the dispute exists, `who`
  // may see it, it lies in the meeting's street when one is given, and it is not closed.
  absl::Status JointMeetingSubject(const auth::Principal& who, const std::string& dispute_id,
                                   const std::string& street_id) const;

 private:
  // The backlog case a dispute names, asked for on the backlog track: INVALID_ARGUMENT naming
  // dispute.backlog_case_id when it has none such, UNAVAILABLE when it cannot be asked now.
  absl::Status CheckBacklogCase(const std::string& id) const;
  // The meeting a resolution names: INVALID_ARGUMENT naming joint_meeting_id unless it is a
  // joint meeting `who` may read about the dispute.
  absl::Status CheckJointMeeting(const auth::Principal& who, const std::string& meeting_id,
                                 const std::string& dispute_id) const;

  cases::CaseEngine* const disputes_;
  const Compounds* const compounds_;
  const meetings::Meetings* const meetings_;
  const peers::Peers* const peers_;
  const regions::RegionRegistry* const regions_;
  const Clock* const clock_;
};

// The disputes' indicators: hard_disputes_resolved (the plan's 20: hard disputes that reached
// RESOLVED in the period, each once, a district count), fee_arrears_disputes (watched: fee-arrears
// disputes opened in the period) and open_disputes (watched, lower is better: disputes not
// resolved or closed at the period's end).
std::vector<indicators::IndicatorSpec> DisputeIndicators(cases::CaseEngine* disputes);

}  // namespace gov::tripartite

#endif  // GOV_SERVICES_TRIPARTITE_DISPUTES_H_
