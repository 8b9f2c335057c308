#ifndef GOV_SERVICES_BACKLOG_SUPERVISION_H_
#define GOV_SERVICES_BACKLOG_SUPERVISION_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/auth/auth.h"
#include "common/cases/engine.h"
#include "common/clock/clock.h"
#include "common/regions/regions.h"
#include "services/backlog/model.h"
#include "services/backlog/projects.h"
#include "services/backlog/rules.h"

// 项目化监管 — supervision notices (督办单) on the projects under supervision: issued by the
// district with a demand and a deadline, answered by the owner unit, accepted or sent back with
// a new deadline by the supervisor. A notice still unanswered past its deadline moves up a level
// (一般 -> 重点 -> 挂牌督办) in the track's sweep, with a new deadline the rules file sets.
namespace gov::backlog {

class Supervision {
 public:
  // Nothing is owned; everything outlives the part.
  Supervision(cases::CaseEngine* notices, const Projects* projects, const Rules* rules,
              const regions::RegionRegistry* regions, const Clock* clock);

  // The RPCs (after the declared access).
  absl::Status Issue(const auth::Principal& who, const bv1::IssueSupervisionNoticeRequest& in,
                     bv1::IssueSupervisionNoticeResponse* out);
  absl::Status Get(const auth::Principal& who, const bv1::GetSupervisionNoticeRequest& in,
                   bv1::GetSupervisionNoticeResponse* out);
  absl::Status List(const auth::Principal& who, const bv1::ListSupervisionNoticesRequest& in,
                    bv1::ListSupervisionNoticesResponse* out);
  absl::Status Answer(const auth::Principal& who, const bv1::AnswerSupervisionNoticeRequest& in,
                      bv1::AnswerSupervisionNoticeResponse* out);
  absl::Status Review(const auth::Principal& who, const bv1::ReviewSupervisionAnswerRequest& in,
                      bv1::ReviewSupervisionAnswerResponse* out);

  // The sweep (the track's upkeep): every issued notice past its deadline below the highest
  // level moves up, as many levels as its missed deadlines give, each new deadline the rules'
  // extension after the one missed. The notices moved up.
  absl::StatusOr<int> Sweep();

 private:
  // The notice as `who` sees it, with its overdue flag as of now.
  absl::StatusOr<bv1::SupervisionNotice> Present(const cases::Case& c,
                                                 const auth::Principal& who) const;

  cases::CaseEngine* const notices_;
  const Projects* const projects_;
  const Rules* const rules_;
  const regions::RegionRegistry* const regions_;
  const Clock* const clock_;
};

}  // namespace gov::backlog

#endif  // GOV_SERVICES_BACKLOG_SUPERVISION_H_
