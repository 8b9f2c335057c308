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
  Problem(ScreeningEntryKind().Check());
  Problem(NoticeKind().Check());
  cases::CaseEngine* case_engine = CaseKind(BacklogSpec(), BacklogCaseKind());
  cases::CaseEngine* warning_engine = CaseKind(WarningSpec(), WarningKind());
  cases::CaseEngine* entry_engine = CaseKind(ScreeningSpec(), ScreeningEntryKind());
  cases::CaseEngine* notice_engine = CaseKind(NoticeSpec(), NoticeKind());
  warnings_ = Part<Warnings>(warning_engine, case_engine, rules_.get(), deps.regions, deps.clock);
  cases_ = Part<BacklogCases>(case_engine, warnings_, rules_.get(), deps.peers, deps.regions,
                              deps.clock);
  const auto* projects =
      Part<registry::Registry>(ProjectLayout(), deps.repo, deps.cache, deps.clock);
  const auto* assessments =
      Part<registry::Registry>(AssessmentLayout(), deps.repo, deps.cache, deps.clock);
  projects_ =
      Part<Projects>(projects, assessments, case_engine, rules_.get(), deps.regions, deps.clock);
  supervision_ =
      Part<Supervision>(notice_engine, projects_, rules_.get(), deps.regions, deps.clock);
  const auto* rounds =
      Part<registry::Registry>(ScreeningRoundLayout(), deps.repo, deps.cache, deps.clock);
  screening_ = Part<Screening>(rounds, entry_engine, case_engine, cases_, rules_.get(),
                               deps.regions, deps.clock);
  Indicators(BacklogIndicators(case_engine, projects_), {}, BacklogRankings());
  Demo("backlog",
       [this] { return LoadBacklogDemo(this->deps(), *rules_, *warnings_, *supervision_); });
  // Upkeep after the breach scans: warnings raised, moved up and cleared; supervision notices
  // past their deadline moved up.
  Sweep("warnings", [this] { return warnings_->Sweep().status(); });
  Sweep("supervision notices", [this] { return supervision_->Sweep().status(); });

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
      .Bind("StartProject", projects_, &Projects::Start)
      .Bind("CompleteProjectMilestone", projects_, &Projects::CompleteMilestone)
      .Bind("IssueSupervisionNotice", supervision_, &Supervision::Issue)
      .Bind("GetSupervisionNotice", supervision_, &Supervision::Get)
      .Bind("ListSupervisionNotices", supervision_, &Supervision::List)
      .Bind("AnswerSupervisionNotice", supervision_, &Supervision::Answer)
      .Bind("ReviewSupervisionAnswer", supervision_, &Supervision::Review)
      .Bind("OpenScreeningRound", screening_, &Screening::OpenRound)
      .Bind("GetScreeningRound", screening_, &Screening::GetRound)
      .Bind("ListScreeningRounds", screening_, &Screening::ListRounds)
      .Bind("CloseScreeningRound", screening_, &Screening::CloseRound)
      .Bind("ReportScreeningEntry", screening_, &Screening::Report)
      .Bind("GetScreeningEntry", screening_, &Screening::GetEntry)
      .Bind("ListScreeningEntries", screening_, &Screening::ListEntries)
      .Bind("AcceptScreeningEntry", screening_, &Screening::Accept)
      .Bind("DismissScreeningEntry", screening_, &Screening::Dismiss);
}

}  // namespace gov::backlog
