#ifndef GOV_SERVICES_BACKLOG_VALIDATION_H_
#define GOV_SERVICES_BACKLOG_VALIDATION_H_

#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/regions/regions.h"
#include "services/backlog/model.h"
#include "services/backlog/rules.h"

// Input checks of the backlog API that need nothing but the request, the rules, the regions and
// the time. Every error is INVALID_ARGUMENT naming the field (gov::InvalidField), and every check
// runs before anything is read or written for the call.
namespace gov::backlog {

// Limits, in characters.
inline constexpr size_t kMaxTitle = 200;
inline constexpr size_t kMaxText = 2000;
inline constexpr size_t kMaxName = 100;
inline constexpr int kMaxTaskForce = 20;
inline constexpr int kMaxMilestones = 20;

// A case to register (CreateBacklogCaseRequest.backlog_case): its origin (a track case names a
// track the rules let cases refer to and an id), its region (street required), title, summary,
// leader, task force and a plan of 1 to 20 milestones due after `now`. Output fields are ignored.
// Fields are named after `at` ("backlog_case.": "backlog_case.title").
absl::Status ValidateNewCase(const bv1::BacklogCase& c, const Rules& rules,
                             const regions::RegionRegistry& regions, absl::Time now,
                             const std::string& at = "backlog_case.");

}  // namespace gov::backlog

#endif  // GOV_SERVICES_BACKLOG_VALIDATION_H_
