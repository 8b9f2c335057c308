#ifndef GOV_SERVICES_BACKLOG_MILESTONES_H_
#define GOV_SERVICES_BACKLOG_MILESTONES_H_

#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "google/protobuf/repeated_ptr_field.h"
#include "services/backlog/model.h"

// A plan of milestones with deadlines, as backlog cases and supervised projects keep it: given
// as titles and due times, numbered and opened when stored, each marked done once, overdue while
// open past its due time (or when done after it).
namespace gov::backlog {

using Plan = google::protobuf::RepeatedPtrField<bv1::Milestone>;

// `min` to `max` milestones, each with a title of 1 to 200 characters and a due time after
// `now`. INVALID_ARGUMENT naming `field` ("backlog_case.milestones[1].due_time").
absl::Status ValidatePlan(const Plan& plan, const std::string& field, int min, int max,
                          absl::Time now);

// The plan as stored: numbered from 1 in the order given, open, without completion.
void OpenPlan(Plan& plan);

// Sets the overdue flags as of `now`; the number of milestones open past their due time.
int MarkOverdue(Plan& plan, absl::Time now);

// Marks milestone `number` of `owner`'s plan done at `now` with `note`: INVALID_ARGUMENT
// ("number") for a number the plan does not have, FAILED_PRECONDITION when it is done already.
absl::Status CompleteInPlan(Plan& plan, const std::string& owner, int number,
                            const std::string& note, absl::Time now);

}  // namespace gov::backlog

#endif  // GOV_SERVICES_BACKLOG_MILESTONES_H_
