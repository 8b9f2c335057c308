#ifndef GOV_SERVICES_DISORDER_COMPLAINTS_H_
#define GOV_SERVICES_DISORDER_COMPLAINTS_H_

#include <memory>
#include <vector>

#include "absl/status/status.h"
#include "common/auth/auth.h"
#include "common/cases/engine.h"
#include "common/clock/clock.h"
#include "common/indicators/indicators.h"
#include "common/regions/regions.h"
#include "common/store/repository.h"
#include "governance/disorder/v1/disorder.pb.h"
#include "services/disorder/rules.h"

// Complaints as cases of the "disorder" track (ids "C-…"): intake with routing and repeat
// detection, the lifecycle DISPATCHED -> HANDLING -> RESOLVED -> CLOSED (or back to HANDLING
// after an unsatisfied callback), REPEAT and MERGED for repeats, the reporter's privacy, and
// the track's indicators.
namespace gov::disorder {

namespace dv1 = ::governance::disorder::v1;

inline constexpr char kTrack[] = "disorder";

// The complaint case spec: states, verbs (an outcome-and-timing verb per resolution, so that
// the indicators count from the event counts), roles, SLAs from the rules.
cases::TrackSpec ComplaintSpec(const Rules& rules);

// The plan's complaint indicators: health-supplement complaints handled 100%, prepaid-card
// mediation success >= 50%, prepaid-card repeat rate <= 4%, complaints resolved within SLA,
// the overall repeat rate (watched, no target).
std::vector<indicators::IndicatorSpec> ComplaintIndicators();
// Ranking dimensions (street, community, category, unit) with category and unit names.
indicators::RankingSpec ComplaintRankings(const Rules& rules);

// What complaints are built on; everything is owned by the track and outlives them.
struct ComplaintsDeps {
  cases::CaseEngine* engine = nullptr;
  store::Repository* repo = nullptr;
  const Rules* rules = nullptr;
  const regions::RegionRegistry* regions = nullptr;
  const Clock* clock = nullptr;
};

class Complaints {
 public:
  explicit Complaints(const ComplaintsDeps& deps);
  ~Complaints();

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

 private:
  // The demo loader takes complaints in at past intake times, through the same intake.
  friend absl::Status LoadComplaintDemoData(Complaints& complaints, const ComplaintsDeps& deps);

  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Demo complaints: two years of invented complaints over every category, channel and street
// (some with coordinates, some repeats), most resolved and called back; deterministic and
// idempotent (request ids per complaint).
absl::Status LoadComplaintDemoData(Complaints& complaints, const ComplaintsDeps& deps);

}  // namespace gov::disorder

#endif  // GOV_SERVICES_DISORDER_COMPLAINTS_H_
