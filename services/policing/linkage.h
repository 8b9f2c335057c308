#ifndef GOV_SERVICES_POLICING_LINKAGE_H_
#define GOV_SERVICES_POLICING_LINKAGE_H_

#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/auth/auth.h"
#include "common/cases/case_kind.h"
#include "common/cases/engine.h"
#include "common/clock/clock.h"
#include "common/indicators/indicators.h"
#include "common/regions/regions.h"
#include "governance/policing/v1/policing.pb.h"
#include "services/policing/rules.h"

// 社会应急联动 — non-police incidents handed to the 39 "110" social emergency linkage units
// (rules file) as tasks, cases of their own store track ("policing_linkage", ids "L-…"):
// DISPATCHED -> SIGNED -> HANDLED -> FEEDBACK_GIVEN, all three steps within 24 calendar hours of
// the dispatch (one engine SLA clock, due at dispatch + 24 hours, kept by the steps until the
// feedback closes the task; the breach scan marks an open task past it). Whether a step was done
// in time is recorded by its verb (in time, late, or after the task's breach was recorded), so
// that the three "within 24 hours" indicators count every task once per step.
//
// linkage.cc dispatches (by hand, on ingestion, by the upkeep's sweep) and reads; the steps, the
// state machine and the indicators over them are linkage_steps.cc.
namespace gov::policing {

namespace pv1 = ::governance::policing::v1;

inline constexpr char kLinkageTrack[] = "policing_linkage";

// The linkage task case spec.
const cases::TrackSpec& LinkageSpec();

// A task as a case: the case holds its id, unit, street and community, state, dispatch time,
// clock, etag and history; the payload the incident, the unit's name and the steps. The units'
// texts (handling result, feedback) and the history's notes are for those who do the work:
// district_admin, system (the linkage platform) and street_operator.
const cases::CaseKind<pv1::LinkageTask>& LinkageTaskKind();

// Sign-off, handling and feedback within 24 hours of dispatch, each 100% (rates in basis points
// over the steps due in the period), read from the "policing_linkage" store track.
std::vector<indicators::IndicatorSpec> LinkageIndicators();

// One of the three steps of a task (linkage_steps.cc).
struct LinkageStep;

class Linkage {
 public:
  // `tasks` and `incidents` are the engines of the two kinds of case; everything outlives this.
  Linkage(cases::CaseEngine* tasks, cases::CaseEngine* incidents, const Rules* rules,
          const regions::RegionRegistry* regions, const Clock* clock)
      : tasks_(tasks), incidents_(incidents), rules_(rules), regions_(regions), clock_(clock) {}

  // The RPCs, bound by the track (after the shared handler's authentication and the method's
  // declared access; the verbs' roles and the street scope are the engine's); `out` is filled
  // on success.
  absl::Status Dispatch(const auth::Principal& who, const pv1::DispatchIncidentRequest& in,
                        pv1::DispatchIncidentResponse* out);
  absl::Status Sign(const auth::Principal& who, const pv1::SignLinkageTaskRequest& in,
                    pv1::SignLinkageTaskResponse* out);
  absl::Status RecordHandling(const auth::Principal& who,
                              const pv1::RecordLinkageHandlingRequest& in,
                              pv1::RecordLinkageHandlingResponse* out);
  absl::Status RecordFeedback(const auth::Principal& who,
                              const pv1::RecordLinkageFeedbackRequest& in,
                              pv1::RecordLinkageFeedbackResponse* out);
  absl::Status Get(const auth::Principal& who, const pv1::GetLinkageTaskRequest& in,
                   pv1::GetLinkageTaskResponse* out);
  absl::Status List(const auth::Principal& who, const pv1::ListLinkageTasksRequest& in,
                    pv1::ListLinkageTasksResponse* out);
  absl::Status Units(const auth::Principal& who, const pv1::ListLinkageUnitsRequest& in,
                     pv1::ListLinkageUnitsResponse* out);

  // Dispatches a stored incident, as the system, by the routing table, when it is non-police
  // and occurred within kAutoDispatchWindow of now (older ones are history being loaded, not
  // calls to act on); OK and nothing otherwise. Idempotent per incident.
  absl::Status DispatchIngested(const pv1::Incident& incident);
  // The server's upkeep: dispatches every non-police incident that occurred within
  // kAutoDispatchWindow and has no task yet (an ingestion whose dispatch failed). Returns how
  // many tasks it created.
  absl::StatusOr<int> SweepUndispatched();

  static constexpr absl::Duration kAutoDispatchWindow = absl::Hours(48);

 private:
  // Stores the task of `incident` for `unit` (or returns the incident's task when it has one).
  absl::StatusOr<cases::Case> Create(const auth::Principal& who, const pv1::Incident& incident,
                                     const pv1::LinkageUnit& unit, bool named);
  // The routed unit of a non-police incident (the rules route every non-police type on every
  // street, so a miss is a rules bug).
  absl::StatusOr<const pv1::LinkageUnit*> Routed(const pv1::Incident& incident) const;
  // Ids of the incidents with a task dispatched at or after `since`.
  absl::StatusOr<absl::flat_hash_set<std::string>> IncidentsWithTasks(absl::Time since);
  // Takes `step` on task `id` (etag-checked): the verb by the task's timeliness now, and the
  // step written into the task (linkage_steps.cc).
  absl::StatusOr<cases::Case> TakeStep(const auth::Principal& who, const LinkageStep& step,
                                       const std::string& id, const std::string& etag,
                                       const std::string& text_field, const std::string& text);

  cases::CaseEngine* const tasks_;
  cases::CaseEngine* const incidents_;
  const Rules* const rules_;
  const regions::RegionRegistry* const regions_;
  const Clock* const clock_;
};

}  // namespace gov::policing

#endif  // GOV_SERVICES_POLICING_LINKAGE_H_
