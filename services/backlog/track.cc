#include "services/backlog/track.h"

#include <utility>

#include "governance/backlog/v1/backlog.grpc.pb.h"
#include "services/backlog/demo_data.h"
#include "services/backlog/indicators.h"
#include "services/backlog/model.h"

namespace gov::backlog {

BacklogTrack::BacklogTrack(const server::TrackDeps& deps, std::unique_ptr<Rules> rules)
    : TrackBase(deps, kTrack, bv1::BacklogService::service_full_name(), {}),
      rules_(std::move(rules)) {
  Problem(BacklogCaseKind().Check());
  Problem(WarningKind().Check());
  cases::CaseEngine* case_engine = CaseKind(BacklogSpec());
  cases::CaseEngine* warning_engine = CaseKind(WarningSpec());
  warnings_ = Part<Warnings>(warning_engine, case_engine, rules_.get(), deps.regions, deps.clock);
  cases_ = Part<BacklogCases>(case_engine, warnings_, rules_.get(), deps.peers, deps.regions,
                              deps.clock);
  const auto* projects =
      Part<registry::Registry>(ProjectLayout(), deps.repo, deps.cache, deps.clock);
  const auto* assessments =
      Part<registry::Registry>(AssessmentLayout(), deps.repo, deps.cache, deps.clock);
  projects_ = Part<Projects>(projects, assessments, rules_.get(), deps.regions, deps.clock);
  Indicators(BacklogIndicators(case_engine, projects_), {}, BacklogRankings());
  Demo("backlog", [this] { return LoadBacklogDemo(this->deps(), *rules_, *warnings_); });
  // Upkeep after the breach scans: warnings raised, moved up and cleared.
  Sweep("warnings", [this] { return warnings_->Sweep().status(); });

  // Who may call each method is declared on it in backlog.proto.
  rpc()
      .Bind("CreateBacklogCase", cases_, &BacklogCases::Create)
      .Bind("GetBacklogCase", cases_, &BacklogCases::Get)
      .Bind("ListBacklogCases", cases_, &BacklogCases::List)
      .Bind("ReportProgress", cases_, &BacklogCases::ReportProgress)
      .Bind("CompleteMilestone", cases_, &BacklogCases::CompleteMilestone)
      .Bind("ResolveBacklogCase", cases_, &BacklogCases::Resolve)
      .Bind("VerifyBacklogCase", cases_, &BacklogCases::Verify)
      .Bind("CloseBacklogCase", cases_, &BacklogCases::Close)
      .Bind("GetWarning", warnings_, &Warnings::Get)
      .Bind("ListWarnings", warnings_, &Warnings::List)
      .Bind("AcknowledgeWarning", warnings_, &Warnings::Acknowledge)
      .Bind("ClearWarning", warnings_, &Warnings::Clear)
      .Bind("RegisterProject", projects_, &Projects::Register)
      .Bind("GetProject", projects_, &Projects::Get)
      .Bind("ListProjects", projects_, &Projects::List)
      .Bind("FileRiskAssessment", projects_, &Projects::FileAssessment)
      .Bind("StartProject", projects_, &Projects::Start);
}

}  // namespace gov::backlog
