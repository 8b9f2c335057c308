#ifndef GOV_SERVICES_DISORDER_ENFORCEMENT_H_
#define GOV_SERVICES_DISORDER_ENFORCEMENT_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/auth/auth.h"
#include "common/cases/engine.h"
#include "common/indicators/indicators.h"
#include "common/server/track_main.h"
#include "governance/disorder/v1/disorder.pb.h"
#include "services/disorder/kinds.h"
#include "services/disorder/rules.h"

// 执法查处 — findings of the enforcement teams as cases of their own store track
// ("disorder_enforcement", ids "E-…", aggregated under "disorder"): FOUND -> PENALISED |
// CORRECTED | NOT_CONFIRMED, the investigation due within the rules' working days, counted by
// when they were found.
namespace gov::disorder {

namespace dv1 = ::governance::disorder::v1;

// The findings' case spec.
cases::TrackSpec EnforcementSpec(const Rules& rules);

// 查处率 (penalised over findings confirmed, i.e. not NOT_CONFIRMED, found in the period):
// mobile stalls and unlicensed businesses +30% on the same period last year; illegal
// health-supplement sales 100%.
std::vector<indicators::IndicatorSpec> EnforcementIndicators();

class Enforcements {
 public:
  // `findings`: the findings' engine (EnforcementSpec); `complaints`: the complaints', where a
  // finding's complaint is looked up. Everything outlives the part.
  Enforcements(const server::TrackDeps& deps, cases::CaseEngine* findings,
               cases::CaseEngine* complaints);

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
  // The complaint a finding names, as the caller may see it: existing, of the same category.
  absl::Status CheckComplaint(const auth::Principal& who, const dv1::Enforcement& finding) const;
  // Takes `verb`; the finding as `who` reads it.
  absl::StatusOr<dv1::Enforcement> Move(const auth::Principal& who, const std::string& verb,
                                        const std::string& id, const std::string& etag,
                                        const std::string& note,
                                        const cases::Mutation& mutation) const;

  server::TrackDeps deps_;
  cases::CaseEngine* findings_;
  cases::CaseEngine* complaints_;
};

}  // namespace gov::disorder

#endif  // GOV_SERVICES_DISORDER_ENFORCEMENT_H_
