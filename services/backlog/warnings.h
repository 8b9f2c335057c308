#ifndef GOV_SERVICES_BACKLOG_WARNINGS_H_
#define GOV_SERVICES_BACKLOG_WARNINGS_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/auth/auth.h"
#include "common/cases/engine.h"
#include "common/clock/clock.h"
#include "common/regions/regions.h"
#include "services/backlog/model.h"
#include "services/backlog/rules.h"

// The three-level warning store (社区、街道、区三级数据警示库): a warning per overdue milestone of
// a backlog case in progress, raised by the track's sweep at community level (street level for a
// case without a community), moved up to the street and then the district after the rules'
// hours at each level while the milestone stays overdue, acknowledged at each level, and cleared
// when its milestone is done (or by hand, with the reason).
namespace gov::backlog {

class Warnings {
 public:
  // Nothing is owned; everything outlives the part.
  Warnings(cases::CaseEngine* warnings, cases::CaseEngine* backlog_cases, const Rules* rules,
           const regions::RegionRegistry* regions, const Clock* clock);

  // The RPCs (after the declared access).
  absl::Status Get(const auth::Principal& who, const bv1::GetWarningRequest& in,
                   bv1::GetWarningResponse* out);
  absl::Status List(const auth::Principal& who, const bv1::ListWarningsRequest& in,
                    bv1::ListWarningsResponse* out);
  absl::Status Acknowledge(const auth::Principal& who, const bv1::AcknowledgeWarningRequest& in,
                           bv1::AcknowledgeWarningResponse* out);
  absl::Status Clear(const auth::Principal& who, const bv1::ClearWarningRequest& in,
                     bv1::ClearWarningResponse* out);

  // Clears, as the system, the open warnings of a case's milestone.
  absl::Status ClearFor(const std::string& case_id, int milestone, const std::string& why);

  // The sweep (the track's upkeep): raises a warning for every overdue open milestone of a case
  // in progress that has none (idempotent: one warning per milestone), moves up every open
  // warning whose time at its level is over, and clears those whose milestone is done or whose
  // case is no longer in progress. What it did, for logs and tests.
  struct SweepResult {
    int raised = 0;
    int escalated = 0;
    int cleared = 0;
  };
  absl::StatusOr<SweepResult> Sweep();

 private:
  absl::Status Move(const auth::Principal& who, const char* verb, const std::string& id,
                    const std::string& etag, const std::string& note,
                    const cases::Mutation& mutation, bv1::Warning* out);

  cases::CaseEngine* const warnings_;
  cases::CaseEngine* const cases_;
  const Rules* const rules_;
  const regions::RegionRegistry* const regions_;
  const Clock* const clock_;
};

}  // namespace gov::backlog

#endif  // GOV_SERVICES_BACKLOG_WARNINGS_H_
