#ifndef GOV_SERVICES_BACKLOG_CASES_H_
#define GOV_SERVICES_BACKLOG_CASES_H_

#include <string>

#include "absl/status/status.h"
#include "common/auth/auth.h"
#include "common/cases/engine.h"
#include "common/clock/clock.h"
#include "common/peers/peers.h"
#include "common/regions/regions.h"
#include "services/backlog/model.h"
#include "services/backlog/rules.h"
#include "services/backlog/warnings.h"

// The backlog cases of governance.backlog.v1.BacklogService: registered with their plan (a case
// of another track checked with that track over gRPC), progress, milestones, resolution, the
// district's verification and closing. Who may call each RPC is declared on it
// (backlog.proto); the engine keeps callers to their streets and checks each verb's roles.
namespace gov::backlog {

class BacklogCases {
 public:
  // Nothing is owned; everything outlives the part. `peers` may be null (no peer calls: a case
  // that refers to another track's case is then refused UNAVAILABLE).
  BacklogCases(cases::CaseEngine* engine, Warnings* warnings, const Rules* rules,
               const peers::Peers* peers, const regions::RegionRegistry* regions,
               const Clock* clock);

  absl::Status Create(const auth::Principal& who, const bv1::CreateBacklogCaseRequest& in,
                      bv1::CreateBacklogCaseResponse* out);
  absl::Status Get(const auth::Principal& who, const bv1::GetBacklogCaseRequest& in,
                   bv1::GetBacklogCaseResponse* out);
  absl::Status List(const auth::Principal& who, const bv1::ListBacklogCasesRequest& in,
                    bv1::ListBacklogCasesResponse* out);
  absl::Status ReportProgress(const auth::Principal& who, const bv1::ReportProgressRequest& in,
                              bv1::ReportProgressResponse* out);
  absl::Status CompleteMilestone(const auth::Principal& who,
                                 const bv1::CompleteMilestoneRequest& in,
                                 bv1::CompleteMilestoneResponse* out);
  absl::Status Resolve(const auth::Principal& who, const bv1::ResolveBacklogCaseRequest& in,
                       bv1::ResolveBacklogCaseResponse* out);
  absl::Status Verify(const auth::Principal& who, const bv1::VerifyBacklogCaseRequest& in,
                      bv1::VerifyBacklogCaseResponse* out);
  absl::Status Close(const auth::Principal& who, const bv1::CloseBacklogCaseRequest& in,
                     bv1::CloseBacklogCaseResponse* out);

  // The case as `who` sees it, with the overdue flags as of now.
  absl::StatusOr<bv1::BacklogCase> Present(const cases::Case& c, const auth::Principal& who) const;

 private:
  // Checks the origin's case with its track (OK for every other origin).
  absl::Status CheckOrigin(const bv1::Origin& origin) const;
  // Takes `verb` through the engine and answers with the case (and its history).
  absl::Status Move(const auth::Principal& who, const char* verb, const std::string& id,
                    const std::string& etag, const std::string& note,
                    const cases::Mutation& mutation, bv1::BacklogCase* out);

  cases::CaseEngine* const engine_;
  Warnings* const warnings_;
  const Rules* const rules_;
  const peers::Peers* const peers_;
  const regions::RegionRegistry* const regions_;
  const Clock* const clock_;
};

// What CreateBacklogCase hands the engine for a case as the caller gave it: the plan numbered and
// open, the output fields cleared. Shared with the demo loader.
cases::NewCase NewBacklogCase(bv1::BacklogCase c);

// The case's milestones' overdue flags and count as of `now`.
void MarkOverdue(bv1::BacklogCase& c, absl::Time now);

}  // namespace gov::backlog

#endif  // GOV_SERVICES_BACKLOG_CASES_H_
