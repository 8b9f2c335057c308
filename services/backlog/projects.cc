#include "services/backlog/projects.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/cases/calendar.h"
#include "common/cases/page_token.h"
#include "common/util/proto.h"
#include "common/util/status.h"
#include "common/util/validate.h"
#include "services/backlog/milestones.h"
#include "services/backlog/validation.h"

namespace gov::backlog {
namespace {

constexpr int64_t kMaxInvestmentFen = 100'000'000'000'000;  // 10^14 fen: a trillion yuan
constexpr int kMaxHouseholds = 1'000'000;

absl::Status ValidateNewProject(const bv1::Project& p, const regions::RegionRegistry& regions,
                                absl::Time now) {
  GOV_RETURN_IF_ERROR(ValidateText(p.name(), "project.name", kMaxTitle, true));
  if (p.type() == bv1::PROJECT_TYPE_UNSPECIFIED || !bv1::ProjectType_IsValid(p.type())) {
    return InvalidField("project.type", "required: a project type");
  }
  GOV_RETURN_IF_ERROR(regions.Validate(p.region(), "project.region", /*require_street=*/true));
  if (!p.region().grid_id().empty()) {
    return InvalidField("project.region.grid_id", "projects are kept per street and community");
  }
  GOV_RETURN_IF_ERROR(
      ValidateRange(p.investment_fen(), 0, kMaxInvestmentFen, "project.investment_fen"));
  GOV_RETURN_IF_ERROR(ValidateRange(p.households(), 0, kMaxHouseholds, "project.households"));
  GOV_RETURN_IF_ERROR(ValidateText(p.owner_unit(), "project.owner_unit", kMaxName, true));
  GOV_RETURN_IF_ERROR(ValidateText(p.supervisor(), "project.supervisor", kMaxName));
  if (!p.case_id().empty()) GOV_RETURN_IF_ERROR(ValidateId(p.case_id(), "project.case_id"));
  return ValidatePlan(p.milestones(), "project.milestones", 0, kMaxMilestones, now);
}

absl::Status ValidateAssessment(const bv1::RiskAssessment& a, absl::Time now) {
  if (a.risk_level() == bv1::RISK_LEVEL_UNSPECIFIED || !bv1::RiskLevel_IsValid(a.risk_level())) {
    return InvalidField("assessment.risk_level", "required: a risk level");
  }
  GOV_RETURN_IF_ERROR(ValidateText(a.measures(), "assessment.measures", kMaxText,
                                   /*required=*/a.risk_level() != bv1::RISK_LEVEL_LOW));
  GOV_RETURN_IF_ERROR(ValidateText(a.assessor(), "assessment.assessor", kMaxName, true));
  GOV_RETURN_IF_ERROR(ValidateDay(a.assessed_on(), "assessment.assessed_on"));
  if (*cal::ParseDay(a.assessed_on()) > cal::LocalDay(now)) {
    return InvalidField("assessment.assessed_on", "in the future");
  }
  return absl::OkStatus();
}

}  // namespace

const registry::Layout& ProjectLayout() {
  static const auto* layout = new registry::Layout{kTrack, "project", "PJ", "project"};
  return *layout;
}

const registry::Layout& AssessmentLayout() {
  static const auto* layout = new registry::Layout{kTrack, "assessment", "RA", "risk assessment"};
  return *layout;
}

Projects::Projects(const registry::Registry* projects, const registry::Registry* assessments,
                   cases::CaseEngine* backlog_cases, const Rules* rules,
                   const regions::RegionRegistry* regions, const Clock* clock)
    : projects_(projects),
      assessments_(assessments),
      cases_(backlog_cases),
      rules_(rules),
      regions_(regions),
      clock_(clock) {}

absl::StatusOr<std::vector<bv1::RiskAssessment>> Projects::AssessmentsOf(
    const std::string& id) const {
  store::EntityFilter filter;
  filter.parent_id = id;
  GOV_ASSIGN_OR_RETURN(const std::vector<store::EntityRecord> rows,
                       assessments_->AllRows(std::move(filter)));
  std::vector<bv1::RiskAssessment> out;
  for (const store::EntityRecord& row : rows) {
    GOV_ASSIGN_OR_RETURN(bv1::RiskAssessment a, assessments_->Decode<bv1::RiskAssessment>(row));
    a.set_project_id(row.parent_id);
    out.push_back(std::move(a));
  }
  return out;
}

absl::StatusOr<bv1::Project> Projects::WithAssessments(const store::EntityRecord& row) const {
  GOV_ASSIGN_OR_RETURN(bv1::Project p, projects_->Decode<bv1::Project>(row));
  GOV_ASSIGN_OR_RETURN(const std::vector<bv1::RiskAssessment> assessments, AssessmentsOf(row.id));
  for (const bv1::RiskAssessment& a : assessments) *p.add_assessments() = a;
  p.set_overdue_milestones(MarkOverdue(*p.mutable_milestones(), clock_->Now()));
  return p;
}

absl::Status Projects::CheckCase(const bv1::Project& p) const {
  if (p.case_id().empty()) return absl::OkStatus();
  absl::StatusOr<cases::Case> c =
      cases_->Get(auth::SystemPrincipal("backlog-projects"), p.case_id(), /*with_history=*/false);
  if (absl::IsNotFound(c.status())) {
    return InvalidField("project.case_id", absl::StrCat("no backlog case \"", p.case_id(), "\""));
  }
  if (!c.ok()) return c.status();
  if (c->record.street_id != p.region().street_id()) {
    return InvalidField("project.case_id",
                        absl::StrCat("case ", p.case_id(), " is of street ", c->record.street_id,
                                     ", the project of ", p.region().street_id()));
  }
  return absl::OkStatus();
}

absl::Status Projects::Register(const auth::Principal& who, const bv1::RegisterProjectRequest& in,
                                bv1::RegisterProjectResponse* out) {
  GOV_RETURN_IF_ERROR(ValidateRequestId(in.request_id(), "request_id"));
  GOV_RETURN_IF_ERROR(ValidateNewProject(in.project(), *regions_, clock_->Now()));
  GOV_RETURN_IF_ERROR(registry::CheckStreet(who, in.project().region().street_id()));
  GOV_RETURN_IF_ERROR(CheckCase(in.project()));
  bv1::Project p = in.project();
  p.clear_assessments();
  p.clear_start_time();
  p.clear_overdue_milestones();
  OpenPlan(*p.mutable_milestones());
  p.set_status(bv1::PROJECT_STATUS_PLANNED);
  p.set_needs_assessment(rules_->NeedsAssessment(p));
  store::EntityRecord row;
  row.street_id = p.region().street_id();
  row.community_id = p.region().community_id();
  row.key = EnumKey(p.status());
  row.payload = registry::Payload(p);
  GOV_ASSIGN_OR_RETURN(const store::EntityRecord created,
                       projects_->Create(std::move(row), in.request_id()));
  GOV_ASSIGN_OR_RETURN(*out->mutable_project(), WithAssessments(created));
  return absl::OkStatus();
}

absl::Status Projects::Get(const auth::Principal& who, const bv1::GetProjectRequest& in,
                           bv1::GetProjectResponse* out) {
  GOV_RETURN_IF_ERROR(ValidateId(in.id(), "id"));
  GOV_ASSIGN_OR_RETURN(const store::EntityRecord row, projects_->LoadVisible(who, in.id()));
  GOV_ASSIGN_OR_RETURN(*out->mutable_project(), WithAssessments(row));
  return absl::OkStatus();
}

// By id; the projects of the caller's streets are read whole (a district registers tens a
// year) so that unassessed_only filters before paging.
absl::Status Projects::List(const auth::Principal& who, const bv1::ListProjectsRequest& in,
                            bv1::ListProjectsResponse* out) {
  if (!in.street_id().empty()) {
    if (!regions_->HasStreet(in.street_id())) {
      return InvalidField("street_id", absl::StrCat("unknown street \"", in.street_id(), "\""));
    }
    GOV_RETURN_IF_ERROR(registry::CheckStreet(who, in.street_id()));
  }
  store::EntityFilter filter;
  filter.street_id = in.street_id();
  filter.streets.assign(who.streets.begin(), who.streets.end());
  std::sort(filter.streets.begin(), filter.streets.end());
  const std::string binding =
      absl::StrCat("projects:", in.street_id(), ":", in.unassessed_only() ? "unassessed" : "", ":",
                   absl::StrJoin(filter.streets, ","));
  GOV_ASSIGN_OR_RETURN(const std::vector<store::EntityRecord> rows,
                       projects_->AllRows(std::move(filter)));
  std::vector<bv1::Project> projects;
  for (const store::EntityRecord& row : rows) {
    GOV_ASSIGN_OR_RETURN(bv1::Project p, WithAssessments(row));
    if (in.unassessed_only() && !(p.needs_assessment() && p.assessments_size() == 0)) continue;
    projects.push_back(std::move(p));
  }
  GOV_ASSIGN_OR_RETURN(*out->mutable_next_page_token(),
                       cases::PageOfDirectory(std::move(projects), binding, in.page_size(),
                                              in.page_token(), out->mutable_projects()));
  return absl::OkStatus();
}

absl::Status Projects::FileAssessment(const auth::Principal& who,
                                      const bv1::FileRiskAssessmentRequest& in,
                                      bv1::FileRiskAssessmentResponse* out) {
  GOV_RETURN_IF_ERROR(ValidateRequestId(in.request_id(), "request_id"));
  GOV_RETURN_IF_ERROR(ValidateId(in.project_id(), "project_id"));
  GOV_RETURN_IF_ERROR(ValidateAssessment(in.assessment(), clock_->Now()));
  absl::StatusOr<store::EntityRecord> project = projects_->LoadVisible(who, in.project_id());
  if (absl::IsNotFound(project.status())) {
    return InvalidField("project_id", absl::StrCat("unknown project \"", in.project_id(), "\""));
  }
  if (!project.ok()) return project.status();
  bv1::RiskAssessment a = in.assessment();
  a.clear_project_id();
  store::EntityRecord row;
  row.street_id = project->street_id;
  row.community_id = project->community_id;
  row.parent_id = project->id;
  row.key = a.assessed_on();
  row.payload = registry::Payload(a);
  GOV_ASSIGN_OR_RETURN(const store::EntityRecord created,
                       assessments_->Create(std::move(row), in.request_id()));
  GOV_ASSIGN_OR_RETURN(*out->mutable_assessment(),
                       assessments_->Decode<bv1::RiskAssessment>(created));
  out->mutable_assessment()->set_project_id(created.parent_id);
  return absl::OkStatus();
}

absl::Status Projects::Start(const auth::Principal& who, const bv1::StartProjectRequest& in,
                             bv1::StartProjectResponse* out) {
  GOV_RETURN_IF_ERROR(ValidateId(in.id(), "id"));
  GOV_RETURN_IF_ERROR(ValidateId(in.etag(), "etag"));
  GOV_ASSIGN_OR_RETURN(store::EntityRecord row, projects_->LoadVisible(who, in.id()));
  GOV_RETURN_IF_ERROR(registry::CheckEtag(projects_->layout(), row, in.etag()));
  GOV_ASSIGN_OR_RETURN(bv1::Project p, WithAssessments(row));
  if (p.status() != bv1::PROJECT_STATUS_PLANNED) {
    return absl::FailedPreconditionError(
        absl::StrCat("project ", row.id, " is ", EnumKey(p.status()), ", not PLANNED"));
  }
  if (p.needs_assessment() && p.assessments_size() == 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("project ", row.id,
                     " needs a social-stability risk assessment before it starts (应评尽评)"));
  }
  p.clear_assessments();
  p.clear_overdue_milestones();
  for (bv1::Milestone& m : *p.mutable_milestones()) m.clear_overdue();
  p.set_status(bv1::PROJECT_STATUS_STARTED);
  *p.mutable_start_time() = ToTimestamp(clock_->Now());
  GOV_ASSIGN_OR_RETURN(
      const store::EntityRecord replaced,
      projects_->Replace(std::move(row), in.etag(), EnumKey(p.status()), registry::Payload(p)));
  GOV_ASSIGN_OR_RETURN(*out->mutable_project(), WithAssessments(replaced));
  return absl::OkStatus();
}

absl::Status Projects::CompleteMilestone(const auth::Principal& who,
                                         const bv1::CompleteProjectMilestoneRequest& in,
                                         bv1::CompleteProjectMilestoneResponse* out) {
  GOV_RETURN_IF_ERROR(ValidateId(in.id(), "id"));
  GOV_RETURN_IF_ERROR(ValidateId(in.etag(), "etag"));
  if (in.number() < 1) return InvalidField("number", "a milestone's number, from 1");
  GOV_RETURN_IF_ERROR(ValidateText(in.note(), "note", kMaxText, true));
  GOV_ASSIGN_OR_RETURN(store::EntityRecord row, projects_->LoadVisible(who, in.id()));
  GOV_RETURN_IF_ERROR(registry::CheckEtag(projects_->layout(), row, in.etag()));
  GOV_ASSIGN_OR_RETURN(bv1::Project p, projects_->Decode<bv1::Project>(row));
  GOV_RETURN_IF_ERROR(CompleteInPlan(*p.mutable_milestones(), absl::StrCat("project ", row.id),
                                     in.number(), in.note(), clock_->Now()));
  for (bv1::Milestone& m : *p.mutable_milestones()) m.clear_overdue();
  GOV_ASSIGN_OR_RETURN(
      const store::EntityRecord replaced,
      projects_->Replace(std::move(row), in.etag(), EnumKey(p.status()), registry::Payload(p)));
  GOV_ASSIGN_OR_RETURN(*out->mutable_project(), WithAssessments(replaced));
  return absl::OkStatus();
}

absl::StatusOr<bv1::Project> Projects::Supervised(const std::string& id) const {
  absl::StatusOr<store::EntityRecord> row = projects_->Get(id);
  if (absl::IsNotFound(row.status())) {
    return InvalidField("notice.project_id", absl::StrCat("unknown project \"", id, "\""));
  }
  if (!row.ok()) return row.status();
  GOV_ASSIGN_OR_RETURN(bv1::Project p, projects_->Decode<bv1::Project>(*row));
  if (p.supervisor().empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("project ", id, " is not under supervision (it has no supervisor)"));
  }
  return p;
}

indicators::Measure Projects::AssessmentCoverage() const {
  return [this](const indicators::EvalContext& ctx) -> absl::StatusOr<indicators::Value> {
    GOV_ASSIGN_OR_RETURN(const std::vector<store::EntityRecord> projects,
                         projects_->RowsIn(ctx, "", /*key_is_prefix=*/true));
    GOV_ASSIGN_OR_RETURN(const std::vector<store::EntityRecord> assessments,
                         assessments_->RowsIn(ctx, "", /*key_is_prefix=*/true));
    absl::flat_hash_set<std::string> assessed;
    for (const store::EntityRecord& a : assessments) {
      if (cal::LocalDay(a.create_time) <= ctx.days.last) assessed.insert(a.parent_id);
    }
    int64_t needing = 0;
    int64_t covered = 0;
    for (const store::EntityRecord& row : projects) {
      if (cal::LocalDay(row.create_time) > ctx.days.last) continue;
      GOV_ASSIGN_OR_RETURN(const bv1::Project p, projects_->Decode<bv1::Project>(row));
      if (!p.needs_assessment()) continue;
      ++needing;
      covered += assessed.contains(row.id) ? 1 : 0;
    }
    return indicators::Share(covered, needing);
  };
}

}  // namespace gov::backlog
