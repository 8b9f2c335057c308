#include "services/backlog/demo_data.h"

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/cases/calendar.h"
#include "common/cases/engine.h"
#include "common/demo/places.h"
#include "common/demo/random.h"
#include "common/demo/records.h"
#include "common/log/log.h"
#include "common/util/proto.h"
#include "common/util/status.h"
#include "services/backlog/cases.h"
#include "services/backlog/model.h"
#include "services/backlog/projects.h"
#include "services/backlog/screening.h"
#include "services/backlog/supervision.h"

namespace gov::backlog {
namespace {

constexpr char kLoader[] = "demo-loader";
constexpr int kCases = 60;
constexpr int kSpanDays = 425;

struct Origin {
  bv1::OriginKind kind;
  const char* title;
};
constexpr Origin kOrigins[] = {
    {bv1::ORIGIN_KIND_PETITION, "多年信访积案：房屋拆迁补偿争议"},
    {bv1::ORIGIN_KIND_COMPLAINT, "长期投诉：小区违建整改"},
    {bv1::ORIGIN_KIND_DISPUTE, "历史遗留纠纷：企业欠薪"},
    {bv1::ORIGIN_KIND_SCREENING, "滚动排查发现：老旧小区加装电梯矛盾"},
    {bv1::ORIGIN_KIND_TRACK_CASE, "调解未果转积案：邻里相邻权纠纷"},
};
constexpr const char* kMilestones[] = {"摸清诉求、制定化解方案", "召开协调会、形成处理意见",
                                       "落实处理意见", "回访稳控、申请销号"};
constexpr const char* kUnits[] = {"街道综治中心", "区信访局",     "区住建局",
                                  "区司法局",     "区人力社保局", "派出所"};

class CaseLife {
 public:
  CaseLife(cases::CaseEngine* engine, FakeClock* clock, absl::Time now, uint64_t seed)
      : engine_(engine), clock_(clock), now_(now), rng_(seed) {}

  absl::Status Run(const regions::RegionRegistry& regions, int index) {
    const int street_index = rng_.Int(0, regions.street_count() - 1);
    const demo::Place place = demo::DrawPlace(*regions.streets()[street_index], street_index, rng_,
                                              {.community_percent = 80});
    const absl::CivilDay today = cal::LocalDay(now_);
    const absl::Time created =
        demo::LocalTime(today - rng_.Int(3, kSpanDays), rng_.Int(9, 16), rng_.Int(0, 59));
    const Origin& origin = kOrigins[index % std::size(kOrigins)];
    bv1::BacklogCase c;
    c.mutable_origin()->set_kind(origin.kind);
    if (origin.kind == bv1::ORIGIN_KIND_TRACK_CASE) {
      c.mutable_origin()->set_track("mediation");
      c.mutable_origin()->set_case_id(absl::StrFormat("D-%06d", rng_.Int(1, 300)));
    } else {
      c.mutable_origin()->set_reference(absl::StrFormat("GS-%d-%04d", 2025, rng_.Int(1, 9999)));
    }
    *c.mutable_region() = place.community_region();
    c.set_title(origin.title);
    c.set_summary("演示数据：当事人多年反映，诉求涉及多个部门。");
    c.set_responsible_leader(absl::StrCat(demo::FormalName(rng_), "（街道副书记）"));
    const int units = rng_.Int(2, 4);
    for (int u = 0; u < units; ++u) c.add_task_force(kUnits[(index + u) % std::size(kUnits)]);
    const int milestones = rng_.Int(2, 4);
    for (int m = 0; m < milestones; ++m) {
      bv1::Milestone* milestone = c.add_milestones();
      milestone->set_title(kMilestones[m]);
      *milestone->mutable_due_time() = ToTimestamp(created + absl::Hours(24 * 30 * (m + 1)));
    }
    clock_->Set(created);
    const cases::NewCase input = NewBacklogCase(c);
    GOV_ASSIGN_OR_RETURN(cases::Case stored,
                         engine_->Create(Loader(), input, absl::StrCat("demo-backlog-", index),
                                         cases::CaseEngine::RequestHash(input.payload)));
    if (stored.record.version != 1) return absl::OkStatus();  // loaded before
    id_ = stored.record.id;
    etag_ = stored.etag();

    // The milestones, each done a little before or after its due day (a few never, or late).
    for (int m = 0; m < milestones; ++m) {
      const absl::Time due = created + absl::Hours(24 * 30 * (m + 1));
      if (rng_.Percent(8)) return absl::OkStatus();  // stalled: overdue from here on
      const absl::Time done = due + absl::Hours(rng_.Int(-240, 120));
      if (done >= now_) return absl::OkStatus();
      if (rng_.Percent(40)) {
        GOV_RETURN_IF_ERROR(Move(done - absl::Hours(48), kReport, "演示数据：专班推进中", nullptr));
      }
      GOV_RETURN_IF_ERROR(Move(done, kCompleteMilestone, kMilestones[m],
                               BacklogCaseKind().Edit([&](bv1::BacklogCase& edited) {
                                 bv1::Milestone* ms = edited.mutable_milestones(m);
                                 ms->set_status(bv1::MILESTONE_STATUS_DONE);
                                 *ms->mutable_done_time() = ToTimestamp(done);
                                 ms->set_note("演示数据：已完成");
                                 return absl::OkStatus();
                               })));
    }
    absl::Time t = clock_->Now() + absl::Hours(rng_.Int(24, 240));
    if (t >= now_) return absl::OkStatus();
    GOV_RETURN_IF_ERROR(
        Move(t, kResolve, "化解", BacklogCaseKind().Edit([](bv1::BacklogCase& edited) {
          edited.set_resolution("演示数据：诉求已依法依规解决");
          return absl::OkStatus();
        })));
    t += absl::Hours(rng_.Int(48, 400));
    if (t >= now_) return absl::OkStatus();
    if (rng_.Percent(10)) {  // sent back once, then resolved again
      GOV_RETURN_IF_ERROR(Move(t, kSendBack, "演示数据：当事人仍有异议，退回", nullptr));
      t += absl::Hours(rng_.Int(72, 300));
      if (t >= now_) return absl::OkStatus();
      GOV_RETURN_IF_ERROR(Move(t, kResolve, "再次化解", nullptr));
      t += absl::Hours(rng_.Int(48, 200));
      if (t >= now_) return absl::OkStatus();
    }
    GOV_RETURN_IF_ERROR(Move(t, kVerify, "验收销号", nullptr));
    t += absl::Hours(rng_.Int(24, 200));
    if (t >= now_ || !rng_.Percent(80)) return absl::OkStatus();
    return Move(t, kClose, "结案", nullptr);
  }

 private:
  static auth::Principal Loader() { return demo::Actor(kLoader, auth::kDistrictAdmin); }

  absl::Status Move(absl::Time at, const char* verb, const std::string& note,
                    const cases::Mutation& mutation) {
    clock_->Set(at);
    GOV_ASSIGN_OR_RETURN(const cases::Case moved,
                         engine_->Transition(Loader(), verb, id_, etag_, note, mutation));
    etag_ = moved.etag();
    return absl::OkStatus();
  }

  cases::CaseEngine* engine_;
  FakeClock* clock_;
  const absl::Time now_;
  demo::Random rng_;
  std::string id_;
  std::string etag_;
};

constexpr const char* kProjectMilestones[] = {"完成方案论证", "完成主体施工", "完成验收交付"};

// A supervised project's life: its milestones done (a few late, some still open) and a notice
// issued a fortnight in, answered and accepted, or (one in three) left unanswered for the sweep
// to move up.
absl::Status SuperviseProject(Projects& part, Supervision& supervision, FakeClock& clock,
                              const bv1::Project& project, int index, absl::CivilDay day,
                              absl::Time now, demo::Random& rng) {
  const auth::Principal loader = demo::Actor(kLoader, auth::kDistrictAdmin);
  std::string etag = project.etag();
  for (int m = 0; m < project.milestones_size(); ++m) {
    const absl::Time done =
        FromTimestamp(project.milestones(m).due_time()) + absl::Hours(rng.Int(-200, 72));
    if (done >= now || rng.Percent(10)) break;
    clock.Set(done);
    bv1::CompleteProjectMilestoneRequest complete;
    complete.set_id(project.id());
    complete.set_etag(etag);
    complete.set_number(m + 1);
    complete.set_note("演示数据：节点已完成");
    bv1::CompleteProjectMilestoneResponse completed;
    GOV_RETURN_IF_ERROR(part.CompleteMilestone(loader, complete, &completed));
    etag = completed.project().etag();
  }
  clock.Set(demo::LocalTime(day + 14, 9, 30));
  if (clock.Now() >= now) return absl::OkStatus();
  bv1::IssueSupervisionNoticeRequest issue;
  issue.set_request_id(absl::StrCat("demo-notice-", index));
  bv1::SupervisionNotice* n = issue.mutable_notice();
  n->set_project_id(project.id());
  n->set_demand("演示数据：请于期限内报送项目推进情况及群众诉求化解措施");
  n->set_issued_by("区委政法委督查室");
  *n->mutable_deadline() = ToTimestamp(clock.Now() + absl::Hours(24 * 10));
  bv1::IssueSupervisionNoticeResponse issued;
  GOV_RETURN_IF_ERROR(supervision.Issue(loader, issue, &issued));
  if (index % 9 == 3) return absl::OkStatus();  // left unanswered: the sweep moves it up
  clock.Set(clock.Now() + absl::Hours(24 * rng.Int(2, 9)));
  if (clock.Now() >= now) return absl::OkStatus();
  bv1::AnswerSupervisionNoticeRequest answer;
  answer.set_id(issued.notice().id());
  answer.set_etag(issued.notice().etag());
  answer.set_answer("演示数据：已召开推进会，诉求逐户对接");
  bv1::AnswerSupervisionNoticeResponse answered;
  GOV_RETURN_IF_ERROR(supervision.Answer(loader, answer, &answered));
  clock.Set(clock.Now() + absl::Hours(24 * rng.Int(1, 4)));
  if (clock.Now() >= now) return absl::OkStatus();
  bv1::ReviewSupervisionAnswerRequest review;
  review.set_id(answered.notice().id());
  review.set_etag(answered.notice().etag());
  review.set_accepted(true);
  bv1::ReviewSupervisionAnswerResponse reviewed;
  return supervision.Review(loader, review, &reviewed);
}

// Two rounds of the rolling re-screening: last quarter's of the whole district, every entry
// decided and the round closed; and the first street's round of this month, still open, with
// entries waiting for a decision.
absl::Status LoadScreening(const server::TrackDeps& deps, const Rules& rules, absl::Time now,
                           cases::CaseEngine* backlog_cases) {
  constexpr const char* kFindings[] = {"小区加装电梯意见分歧", "拆迁安置房产权证未办",
                                       "企业拖欠农民工工资", "相邻通行权长期纠纷",
                                       "物业交接遗留问题"};
  const absl::CivilDay today = cal::LocalDay(now);
  FakeClock clock(now);
  const registry::Registry rounds(ScreeningRoundLayout(), deps.repo, deps.cache, &clock);
  cases::CaseEngine entries(ScreeningSpec(), deps.repo, deps.cache, deps.calendar, &clock, nullptr);
  BacklogCases presenter(backlog_cases, nullptr, &rules, nullptr, deps.regions, &clock);
  Screening part(&rounds, &entries, backlog_cases, &presenter, &rules, deps.regions, &clock);
  const auth::Principal loader = demo::Actor(kLoader, auth::kDistrictAdmin);
  demo::Random rng(demo::StableSeed("backlog-screening"));
  struct Round {
    const char* name;
    bool district;
    absl::CivilDay first;
    absl::CivilDay last;
    int entries;
  };
  const Round kRounds[] = {
      {"上季度矛盾纠纷滚动排查", true, today - 100, today - 70, 8},
      {"本月矛盾纠纷滚动排查", false, today - 6, today + 24, 5},
  };
  int r_index = 0;
  for (const Round& plan : kRounds) {
    clock.Set(demo::LocalTime(plan.first, 9, 0));
    bv1::OpenScreeningRoundRequest open;
    open.set_request_id(absl::StrCat("demo-round-", r_index));
    open.mutable_round()->set_name(plan.name);
    const std::string street = deps.regions->streets()[0]->id();
    if (!plan.district) open.mutable_round()->set_street_id(street);
    open.mutable_round()->set_first_day(absl::FormatCivilTime(plan.first));
    open.mutable_round()->set_last_day(absl::FormatCivilTime(plan.last));
    bv1::OpenScreeningRoundResponse opened;
    GOV_RETURN_IF_ERROR(part.OpenRound(loader, open, &opened));
    for (int e = 0; e < plan.entries; ++e) {
      const absl::CivilDay found =
          plan.first + rng.Int(0, std::min(5, static_cast<int>(today - plan.first)));
      clock.Set(demo::LocalTime(found, rng.Int(9, 16), rng.Int(0, 59)));
      const int s = plan.district ? rng.Int(0, deps.regions->street_count() - 1) : 0;
      const demo::Place place =
          demo::DrawPlace(*deps.regions->streets()[s], s, rng, {.community_percent = 100});
      bv1::ReportScreeningEntryRequest report;
      report.set_request_id(absl::StrCat("demo-entry-", r_index, "-", e));
      bv1::ScreeningEntry* entry = report.mutable_entry();
      entry->set_round_id(opened.round().id());
      *entry->mutable_region() = place.community_region();
      entry->set_title(kFindings[(e + r_index) % std::size(kFindings)]);
      entry->set_summary("演示数据：社区网格员走访发现，当事人诉求尚未解决。");
      entry->set_reporter(demo::FormalName(rng));
      bv1::ReportScreeningEntryResponse reported;
      GOV_RETURN_IF_ERROR(part.Report(loader, report, &reported));
      // Decided within days in a past round; in the open one, the older ones only.
      const absl::Time decided = clock.Now() + absl::Hours(rng.Int(20, 96));
      if (decided >= now || (!plan.district && e >= 2)) continue;
      clock.Set(decided);
      if (e % 3 == 2) {
        bv1::DismissScreeningEntryRequest dismiss;
        dismiss.set_id(reported.entry().id());
        dismiss.set_etag(reported.entry().etag());
        dismiss.set_reason("演示数据：经核实已由职能部门办结，不列入积案");
        bv1::DismissScreeningEntryResponse dismissed;
        GOV_RETURN_IF_ERROR(part.Dismiss(loader, dismiss, &dismissed));
        continue;
      }
      bv1::AcceptScreeningEntryRequest accept;
      accept.set_id(reported.entry().id());
      accept.set_etag(reported.entry().etag());
      accept.set_responsible_leader(absl::StrCat(demo::FormalName(rng), "（街道党工委副书记）"));
      accept.add_task_force("街道综治中心");
      accept.add_task_force("社区居委会");
      for (int m = 0; m < 2; ++m) {
        bv1::Milestone* milestone = accept.add_milestones();
        milestone->set_title(kMilestones[m]);
        *milestone->mutable_due_time() = ToTimestamp(decided + absl::Hours(24 * 30 * (m + 1)));
      }
      bv1::AcceptScreeningEntryResponse accepted;
      GOV_RETURN_IF_ERROR(part.Accept(loader, accept, &accepted));
    }
    if (plan.district) {
      clock.Set(demo::LocalTime(plan.last, 17, 0));
      bv1::GetScreeningRoundRequest get;
      get.set_id(opened.round().id());
      bv1::GetScreeningRoundResponse current;
      GOV_RETURN_IF_ERROR(part.GetRound(loader, get, &current));
      bv1::CloseScreeningRoundRequest close;
      close.set_id(current.round().id());
      close.set_etag(current.round().etag());
      bv1::CloseScreeningRoundResponse closed;
      GOV_RETURN_IF_ERROR(part.CloseRound(loader, close, &closed));
    }
    ++r_index;
  }
  return absl::OkStatus();
}

// Projects of the last year, one in ten needing an assessment left without one; most started.
absl::Status LoadProjects(const server::TrackDeps& deps, const Rules& rules, absl::Time now,
                          cases::CaseEngine* backlog_cases) {
  struct Plan {
    bv1::ProjectType type;
    const char* name;
    int64_t investment_fen;
    int households;
  };
  constexpr Plan kPlans[] = {
      {bv1::PROJECT_TYPE_DEMOLITION, "城中村改造征迁", 1'200'000'000'00, 320},
      {bv1::PROJECT_TYPE_RENOVATION, "老旧小区综合改造", 30'000'000'00, 460},
      {bv1::PROJECT_TYPE_CONSTRUCTION, "地铁站配套道路", 80'000'000'00, 12},
      {bv1::PROJECT_TYPE_CONSTRUCTION, "社区养老服务中心", 8'000'000'00, 0},
      {bv1::PROJECT_TYPE_ENVIRONMENT, "垃圾中转站提升", 15'000'000'00, 40},
      {bv1::PROJECT_TYPE_POLICY, "停车收费标准调整", 0, 0},
      {bv1::PROJECT_TYPE_RESTRUCTURING, "区属企业改制", 0, 260},
      {bv1::PROJECT_TYPE_OTHER, "口袋公园建设", 2'000'000'00, 0},
  };
  const absl::CivilDay today = cal::LocalDay(now);
  FakeClock clock(now);
  const registry::Registry projects(ProjectLayout(), deps.repo, deps.cache, &clock);
  const registry::Registry assessments(AssessmentLayout(), deps.repo, deps.cache, &clock);
  Projects part(&projects, &assessments, backlog_cases, &rules, deps.regions, &clock);
  cases::CaseEngine notice_engine(NoticeSpec(), deps.repo, deps.cache, deps.calendar, &clock,
                                  nullptr);
  Supervision supervision(&notice_engine, &part, &rules, deps.regions, &clock);
  const auth::Principal loader = demo::Actor(kLoader, auth::kDistrictAdmin);
  demo::Random rng(demo::StableSeed("backlog-projects"));
  for (int i = 0; i < 24; ++i) {
    const Plan& plan = kPlans[i % std::size(kPlans)];
    const absl::CivilDay day = today - rng.Int(20, 380);
    clock.Set(demo::LocalTime(day, 10, 0));
    bv1::RegisterProjectRequest request;
    request.set_request_id(absl::StrCat("demo-project-", i));
    bv1::Project* p = request.mutable_project();
    p->set_name(plan.name);
    p->set_type(plan.type);
    const int street = rng.Int(0, deps.regions->street_count() - 1);
    p->mutable_region()->set_street_id(deps.regions->streets()[street]->id());
    p->set_investment_fen(plan.investment_fen);
    p->set_households(plan.households);
    p->set_owner_unit("区建设局");
    const bool supervised = i % 3 == 0;  // 项目化监管: a third run under a supervisor
    if (supervised) {
      p->set_supervisor("区委政法委督查室");
      for (int m = 0; m < 3; ++m) {
        bv1::Milestone* milestone = p->add_milestones();
        milestone->set_title(kProjectMilestones[m]);
        *milestone->mutable_due_time() = ToTimestamp(demo::LocalTime(day + 30 * (m + 1), 18, 0));
      }
    }
    bv1::RegisterProjectResponse registered;
    GOV_RETURN_IF_ERROR(part.Register(loader, request, &registered));
    const bv1::Project& stored = registered.project();
    if (supervised) {
      GOV_RETURN_IF_ERROR(SuperviseProject(part, supervision, clock, stored, i, day, now, rng));
      clock.Set(demo::LocalTime(day, 10, 0));
    }
    if (stored.needs_assessment() && i % 10 != 7) {
      clock.Set(demo::LocalTime(day + rng.Int(3, 15), 15, 0));
      if (clock.Now() >= now) continue;
      bv1::FileRiskAssessmentRequest file;
      file.set_request_id(absl::StrCat("demo-assessment-", i));
      file.set_project_id(stored.id());
      bv1::RiskAssessment* a = file.mutable_assessment();
      a->set_risk_level(i % 3 == 0 ? bv1::RISK_LEVEL_MEDIUM : bv1::RISK_LEVEL_LOW);
      if (a->risk_level() != bv1::RISK_LEVEL_LOW) a->set_measures("演示数据：公示听证、一户一策");
      a->set_assessor("第三方评估机构");
      a->set_assessed_on(absl::FormatCivilTime(cal::LocalDay(clock.Now())));
      bv1::FileRiskAssessmentResponse filed;
      GOV_RETURN_IF_ERROR(part.FileAssessment(loader, file, &filed));
    } else if (stored.needs_assessment()) {
      continue;  // left without its assessment: it cannot start
    }
    clock.Set(clock.Now() + absl::Hours(24 * rng.Int(5, 30)));
    if (clock.Now() >= now || !rng.Percent(70)) continue;
    bv1::GetProjectRequest get;
    get.set_id(stored.id());
    bv1::GetProjectResponse current;
    GOV_RETURN_IF_ERROR(part.Get(loader, get, &current));
    bv1::StartProjectRequest start;
    start.set_id(stored.id());
    start.set_etag(current.project().etag());
    bv1::StartProjectResponse started;
    GOV_RETURN_IF_ERROR(part.Start(loader, start, &started));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status LoadBacklogDemo(const server::TrackDeps& deps, const Rules& rules, Warnings& warnings,
                             Supervision& supervision) {
  const absl::Time now = deps.clock->Now();
  FakeClock clock(now);
  cases::CaseEngine engine(BacklogSpec(), deps.repo, deps.cache, deps.calendar, &clock, nullptr);
  cases::ListRequest probe;
  probe.page_size = 1;
  GOV_ASSIGN_OR_RETURN(const cases::ListResult any,
                       engine.List(auth::SystemPrincipal(kLoader), probe));
  if (!any.cases.empty()) {
    log::Info("demo data skipped: the store is not empty", {{"track", kTrack}});
    return absl::OkStatus();
  }
  for (int i = 0; i < kCases; ++i) {
    CaseLife life(&engine, &clock, now, demo::StableSeed(absl::StrCat("backlog-", i)));
    GOV_RETURN_IF_ERROR(life.Run(*deps.regions, i));
  }
  GOV_RETURN_IF_ERROR(LoadProjects(deps, rules, now, &engine));
  GOV_RETURN_IF_ERROR(LoadScreening(deps, rules, now, &engine));
  // The warnings as the sweep finds them, moved up as far as their time allows.
  int swept = 0;
  for (int round = 0; round < 3; ++round) {
    GOV_ASSIGN_OR_RETURN(const Warnings::SweepResult result, warnings.Sweep());
    swept += result.raised + result.escalated + result.cleared;
  }
  GOV_ASSIGN_OR_RETURN(const int escalated, supervision.Sweep());
  swept += escalated;
  log::Info(
      "demo data loaded",
      {{"track", kTrack}, {"cases", absl::StrCat(kCases)}, {"warning_steps", absl::StrCat(swept)}});
  return absl::OkStatus();
}

}  // namespace gov::backlog
