#ifndef GOV_SERVICES_POLICING_LINKAGE_H_
#define GOV_SERVICES_POLICING_LINKAGE_H_

#include <memory>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/auth/auth.h"
#include "common/cases/engine.h"
#include "common/indicators/indicators.h"
#include "governance/policing/v1/policing.pb.h"
#include "services/policing/context.h"

// 社会应急联动 — non-police incidents handed to the 39 "110" social emergency linkage units
// (rules file) as tasks, cases of their own store track ("policing_linkage", ids "L-…"):
// DISPATCHED -> SIGNED -> HANDLED -> FEEDBACK_GIVEN, each step with 24 calendar hours from the
// end of the one before (the engine's SLA clock and breach scan). Whether a step was done in
// time is recorded by its verb (in time, late, or after its breach was recorded), so that the
// three "within 24 hours" indicators count every task once per step.
namespace gov::policing {

namespace pv1 = ::governance::policing::v1;

inline constexpr char kLinkageTrack[] = "policing_linkage";

// The linkage task case spec.
const cases::TrackSpec& LinkageSpec();

// Sign-off, handling and feedback within 24 hours, each 100% (rates in basis points over the
// steps due in the period), read from the "policing_linkage" store track.
std::vector<indicators::IndicatorSpec> LinkageIndicators();

class Linkage {
 public:
  explicit Linkage(const PolicingContext& ctx);
  ~Linkage();

  cases::CaseEngine& engine() { return *engine_; }

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
  struct Impl;
  std::unique_ptr<cases::CaseEngine> engine_;
  std::unique_ptr<Impl> impl_;
};

// Demo tasks: the non-police demo incidents of the last kAutoDispatchWindow dispatched, most of
// them signed, handled and given feedback, a few late; idempotent.
absl::Status LoadLinkageDemoData(Linkage& linkage, const PolicingContext& ctx);

}  // namespace gov::policing

#endif  // GOV_SERVICES_POLICING_LINKAGE_H_
