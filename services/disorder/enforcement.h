#ifndef GOV_SERVICES_DISORDER_ENFORCEMENT_H_
#define GOV_SERVICES_DISORDER_ENFORCEMENT_H_

#include <memory>
#include <vector>

#include "absl/status/status.h"
#include "common/auth/auth.h"
#include "common/cases/engine.h"
#include "common/indicators/indicators.h"
#include "governance/disorder/v1/disorder.pb.h"
#include "services/disorder/context.h"

// 执法查处 — findings of the enforcement teams as cases of their own store track
// ("disorder_enforcement", ids "E-…", aggregated under "disorder"): FOUND -> PENALISED |
// CORRECTED | NOT_CONFIRMED, the investigation due within the rules' working days, counted by
// when they were found.
namespace gov::disorder {

namespace dv1 = ::governance::disorder::v1;

inline constexpr char kEnforcementTrack[] = "disorder_enforcement";

// The findings' case spec.
cases::TrackSpec EnforcementSpec(const Rules& rules);

// 查处率 (penalised over findings confirmed, i.e. not NOT_CONFIRMED, found in the period):
// mobile stalls and unlicensed businesses +30% on the same period last year; illegal
// health-supplement sales 100%.
std::vector<indicators::IndicatorSpec> EnforcementIndicators();

class Enforcements {
 public:
  explicit Enforcements(const DisorderContext& ctx);
  ~Enforcements();

  // The RPCs (after the shared handler's authentication and the methods' declared access,
  // governance.v1.access); `out` is filled on success.
  absl::Status Record(const auth::Principal& who, const dv1::RecordEnforcementRequest& in,
                      dv1::RecordEnforcementResponse* out);
  absl::Status Get(const auth::Principal& who, const dv1::GetEnforcementRequest& in,
                   dv1::GetEnforcementResponse* out);
  absl::Status List(const auth::Principal& who, const dv1::ListEnforcementsRequest& in,
                    dv1::ListEnforcementsResponse* out);
  absl::Status Penalise(const auth::Principal& who, const dv1::PenaliseEnforcementRequest& in,
                        dv1::PenaliseEnforcementResponse* out);
  absl::Status Close(const auth::Principal& who, const dv1::CloseEnforcementRequest& in,
                     dv1::CloseEnforcementResponse* out);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Demo findings over two years (last year's rate lower than this year's for stalls and
// businesses), deterministic and idempotent (request ids per finding).
absl::Status LoadEnforcementDemoData(const DisorderContext& ctx, Enforcements& enforcements);

}  // namespace gov::disorder

#endif  // GOV_SERVICES_DISORDER_ENFORCEMENT_H_
