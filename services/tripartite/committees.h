#ifndef GOV_SERVICES_TRIPARTITE_COMMITTEES_H_
#define GOV_SERVICES_TRIPARTITE_COMMITTEES_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "common/auth/auth.h"
#include "common/cases/engine.h"
#include "common/clock/clock.h"
#include "common/indicators/indicators.h"
#include "common/regions/regions.h"
#include "services/tripartite/compounds.h"
#include "services/tripartite/model.h"
#include "services/tripartite/rules.h"

// Owners' committees (业主委员会) and owners' supervisory committees (业主监督委员会), formed as a
// process on the case engine: application, preparatory group, election (members and chair, the
// size the rules file sets), filing with the street; withdrawn before the election when it will
// not go on; filed owners' committees designated model committees (示范型业委会) by year.
namespace gov::tripartite {

class Committees {
 public:
  // Nothing is owned; everything outlives the part.
  Committees(cases::CaseEngine* committees, const Compounds* compounds, const Rules* rules,
             const regions::RegionRegistry* regions, const Clock* clock);

  // The RPCs (after the declared access).
  absl::Status Apply(const auth::Principal& who, const tv1::ApplyCommitteeRequest& in,
                     tv1::ApplyCommitteeResponse* out) const;
  absl::Status Get(const auth::Principal& who, const tv1::GetCommitteeRequest& in,
                   tv1::GetCommitteeResponse* out) const;
  absl::Status List(const auth::Principal& who, const tv1::ListCommitteesRequest& in,
                    tv1::ListCommitteesResponse* out) const;
  absl::Status FormPreparatoryGroup(const auth::Principal& who,
                                    const tv1::FormPreparatoryGroupRequest& in,
                                    tv1::FormPreparatoryGroupResponse* out) const;
  absl::Status Elect(const auth::Principal& who, const tv1::ElectCommitteeRequest& in,
                     tv1::ElectCommitteeResponse* out) const;
  absl::Status File(const auth::Principal& who, const tv1::FileCommitteeRequest& in,
                    tv1::FileCommitteeResponse* out) const;
  absl::Status Withdraw(const auth::Principal& who, const tv1::WithdrawCommitteeRequest& in,
                        tv1::WithdrawCommitteeResponse* out) const;
  absl::Status DesignateModel(const auth::Principal& who,
                              const tv1::DesignateModelCommitteeRequest& in,
                              tv1::DesignateModelCommitteeResponse* out) const;

 private:
  // The one-per-compound rule of an application for a committee of `type` in `compound_id`: OK when
  // no committee of that type holds the compound (applied for, forming or filed), and when the
  // request `request_id` is the one that applied for a committee of the compound (a retry: the
  // engine answers it with that committee); FAILED_PRECONDITION naming the committee that holds the
  // compound otherwise.
  absl::Status CheckCompoundFree(const std::string& compound_id, tv1::CommitteeType type,
                                 const std::string& request_id) const;

  cases::CaseEngine* const committees_;
  const Compounds* const compounds_;
  const Rules* const rules_;
  const regions::RegionRegistry* const regions_;
  const Clock* const clock_;
};

// The committees' indicators: new_committees (the plan's 50 owners' and supervisory committees:
// those filed in the period, a district count), model_committees (the plan's 20: designations in
// the period, a district count) and filings_overdue (watched, lower is better: committees
// elected and not filed past the rules file's days, now).
std::vector<indicators::IndicatorSpec> CommitteeIndicators(cases::CaseEngine* committees);

}  // namespace gov::tripartite

#endif  // GOV_SERVICES_TRIPARTITE_COMMITTEES_H_
