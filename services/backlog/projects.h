#ifndef GOV_SERVICES_BACKLOG_PROJECTS_H_
#define GOV_SERVICES_BACKLOG_PROJECTS_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/auth/auth.h"
#include "common/cases/engine.h"
#include "common/clock/clock.h"
#include "common/indicators/indicators.h"
#include "common/regions/regions.h"
#include "common/registry/registry.h"
#include "services/backlog/model.h"
#include "services/backlog/rules.h"

// 应评尽评 — projects and their social-stability risk assessments: a project registered with its
// type and scale, the rules file deciding whether it needs an assessment, assessments filed, and
// no start without the assessment it needs (FAILED_PRECONDITION). 项目化监管 — a project may run
// a backlog case, with a plan of milestones and a supervisor; a project with a supervisor takes
// supervision notices (supervision.h). Two registries of the track:
//
// clang-format off
// | kind         | id     | street_id / community_id | parent_id | key                       |
// |--------------|--------|--------------------------|-----------|---------------------------|
// | "project"    | PJ-... | the project's place      | ""        | status ("PLANNED", ...)   |
// | "assessment" | RA-... | the project's place      | project   | the day assessed          |
// clang-format on
namespace gov::backlog {

const registry::Layout& ProjectLayout();
const registry::Layout& AssessmentLayout();

class Projects {
 public:
  // Nothing is owned; everything outlives the part.
  Projects(const registry::Registry* projects, const registry::Registry* assessments,
           cases::CaseEngine* backlog_cases, const Rules* rules,
           const regions::RegionRegistry* regions, const Clock* clock);

  absl::Status Register(const auth::Principal& who, const bv1::RegisterProjectRequest& in,
                        bv1::RegisterProjectResponse* out);
  absl::Status Get(const auth::Principal& who, const bv1::GetProjectRequest& in,
                   bv1::GetProjectResponse* out);
  absl::Status List(const auth::Principal& who, const bv1::ListProjectsRequest& in,
                    bv1::ListProjectsResponse* out);
  absl::Status FileAssessment(const auth::Principal& who, const bv1::FileRiskAssessmentRequest& in,
                              bv1::FileRiskAssessmentResponse* out);
  absl::Status Start(const auth::Principal& who, const bv1::StartProjectRequest& in,
                     bv1::StartProjectResponse* out);
  absl::Status CompleteMilestone(const auth::Principal& who,
                                 const bv1::CompleteProjectMilestoneRequest& in,
                                 bv1::CompleteProjectMilestoneResponse* out);

  // The project `id` under supervision, as the track reads it: INVALID_ARGUMENT
  // ("notice.project_id") when there is none such, FAILED_PRECONDITION without a supervisor.
  absl::StatusOr<bv1::Project> Supervised(const std::string& id) const;

  // 应评尽评率: of the projects registered by the period's last day that need an assessment, the
  // share with one filed by then, within the context's region; no data without any.
  indicators::Measure AssessmentCoverage() const;

 private:
  // The project with its assessments (oldest first).
  absl::StatusOr<bv1::Project> WithAssessments(const store::EntityRecord& row) const;
  absl::StatusOr<std::vector<bv1::RiskAssessment>> AssessmentsOf(const std::string& id) const;
  // The project's backlog case, when it names one, is a case of its street.
  absl::Status CheckCase(const bv1::Project& p) const;

  const registry::Registry* const projects_;
  const registry::Registry* const assessments_;
  cases::CaseEngine* const cases_;
  const Rules* const rules_;
  const regions::RegionRegistry* const regions_;
  const Clock* const clock_;
};

}  // namespace gov::backlog

#endif  // GOV_SERVICES_BACKLOG_PROJECTS_H_
