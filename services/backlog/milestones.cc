#include "services/backlog/milestones.h"

#include "absl/strings/str_cat.h"
#include "common/util/proto.h"
#include "common/util/status.h"
#include "common/util/validate.h"
#include "services/backlog/validation.h"

namespace gov::backlog {

absl::Status ValidatePlan(const Plan& plan, const std::string& field, int min, int max,
                          absl::Time now) {
  if (plan.size() < min || plan.size() > max) {
    return InvalidField(field, min == 0
                                   ? absl::StrCat("at most ", max, " milestones")
                                   : absl::StrCat("a plan of ", min, " to ", max, " milestones"));
  }
  for (int i = 0; i < plan.size(); ++i) {
    const bv1::Milestone& m = plan.Get(i);
    const std::string at = absl::StrCat(field, "[", i, "]");
    GOV_RETURN_IF_ERROR(ValidateText(m.title(), absl::StrCat(at, ".title"), kMaxTitle, true));
    GOV_RETURN_IF_ERROR(ValidateTime(m.due_time(), absl::StrCat(at, ".due_time")));
    if (FromTimestamp(m.due_time()) <= now) {
      return InvalidField(absl::StrCat(at, ".due_time"), "must lie ahead: the plan is to come");
    }
  }
  return absl::OkStatus();
}

void OpenPlan(Plan& plan) {
  for (int i = 0; i < plan.size(); ++i) {
    bv1::Milestone* m = plan.Mutable(i);
    m->set_number(i + 1);
    m->set_status(bv1::MILESTONE_STATUS_OPEN);
    m->clear_done_time();
    m->clear_note();
    m->clear_overdue();
  }
}

int MarkOverdue(Plan& plan, absl::Time now) {
  int overdue = 0;
  for (bv1::Milestone& m : plan) {
    const absl::Time due = FromTimestamp(m.due_time());
    if (m.status() == bv1::MILESTONE_STATUS_DONE) {
      m.set_overdue(FromTimestamp(m.done_time()) > due);
    } else {
      m.set_overdue(now > due);
      overdue += m.overdue() ? 1 : 0;
    }
  }
  return overdue;
}

absl::Status CompleteInPlan(Plan& plan, const std::string& owner, int number,
                            const std::string& note, absl::Time now) {
  if (number < 1 || number > plan.size()) {
    return InvalidField("number", absl::StrCat(owner, " has ", plan.size(), " milestones"));
  }
  bv1::Milestone* m = plan.Mutable(number - 1);
  if (m->status() == bv1::MILESTONE_STATUS_DONE) {
    return absl::FailedPreconditionError(
        absl::StrCat("milestone ", number, " of ", owner, " is done already"));
  }
  m->set_status(bv1::MILESTONE_STATUS_DONE);
  *m->mutable_done_time() = ToTimestamp(now);
  m->set_note(note);
  return absl::OkStatus();
}

}  // namespace gov::backlog
