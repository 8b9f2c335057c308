#include "services/disorder/track.h"

#include <utility>

#include "common/auth/auth.h"
#include "common/log/log.h"
#include "common/util/status.h"
#include "governance/disorder/v1/disorder.grpc.pb.h"

namespace gov::disorder {
namespace {

// The roles the track knows besides district_admin (who may call every method), as its methods'
// access (governance.v1.access in disorder.proto) names them: the shared ones, and the mediation
// track's mediators, who read the enforcement findings (a role is a name the tokens of every
// track share).
std::vector<std::string> KnownRoles() {
  return {auth::kStreetOperator, auth::kViewer, auth::kSystem, "mediator"};
}

// Every indicator of the track: complaints, monitored objects, enforcement.
std::vector<indicators::IndicatorSpec> AllDisorderIndicators() {
  std::vector<indicators::IndicatorSpec> all = ComplaintIndicators();
  for (std::vector<indicators::IndicatorSpec> part :
       {ObjectIndicators(), EnforcementIndicators()}) {
    for (indicators::IndicatorSpec& spec : part) all.push_back(std::move(spec));
  }
  return all;
}

}  // namespace

DisorderTrack::DisorderTrack(const server::TrackDeps& deps, std::unique_ptr<Rules> rules)
    : deps_(deps), rules_(std::move(rules)) {
  engine_ = std::make_unique<cases::CaseEngine>(ComplaintSpec(*rules_), deps.repo, deps.cache,
                                                deps.calendar, deps.clock, deps.registry);
  complaints_deps_.engine = engine_.get();
  complaints_deps_.repo = deps.repo;
  complaints_deps_.rules = rules_.get();
  complaints_deps_.regions = deps.regions;
  complaints_deps_.clock = deps.clock;
  complaints_ = std::make_unique<Complaints>(complaints_deps_);
  enforcement_engine_ = std::make_unique<cases::CaseEngine>(
      EnforcementSpec(*rules_), deps.repo, deps.cache, deps.calendar, deps.clock, deps.registry);

  ctx_.repo = deps.repo;
  ctx_.cache = deps.cache;
  ctx_.regions = deps.regions;
  ctx_.calendar = deps.calendar;
  ctx_.clock = deps.clock;
  ctx_.registry = deps.registry;
  ctx_.rules = rules_.get();
  ctx_.complaint_engine = engine_.get();
  ctx_.complaints = complaints_.get();
  ctx_.enforcement_engine = enforcement_engine_.get();
  // The feed first: the objects show its state.
  fume_feed_ = std::make_unique<FumeFeed>(ctx_);
  ctx_.fume_feed = fume_feed_.get();
  objects_ = std::make_unique<MonitoredObjects>(ctx_);
  enforcements_ = std::make_unique<Enforcements>(ctx_);
  campaigns_ = std::make_unique<Campaigns>(ctx_);

  indicators_ = std::make_unique<indicators::IndicatorEngine>(
      kTrack, AllDisorderIndicators(), std::vector<indicators::FigureSpec>{},
      ComplaintRankings(*rules_), deps.repo, deps.cache, deps.regions, deps.clock, deps.registry);

  // Every method of DisorderService, served by its part; who may call it is its declared access.
  // Reporters' contacts are never logged (the shared wrapper logs no request content).
  rpc_ = std::make_unique<server::RpcService>(dv1::DisorderService::service_full_name(),
                                              deps.handlers, KnownRoles());
  Complaints* complaints = complaints_.get();
  MonitoredObjects* objects = objects_.get();
  FumeFeed* feed = fume_feed_.get();
  Enforcements* enforcements = enforcements_.get();
  Campaigns* campaigns = campaigns_.get();
  rpc_->Bind("SubmitComplaint", complaints, &Complaints::Submit)
      .Bind("GetComplaint", complaints, &Complaints::Get)
      .Bind("ListComplaints", complaints, &Complaints::List)
      .Bind("RedispatchComplaint", complaints, &Complaints::Redispatch)
      .Bind("AcceptComplaint", complaints, &Complaints::Accept)
      .Bind("ResolveComplaint", complaints, &Complaints::Resolve)
      .Bind("RecordCallback", complaints, &Complaints::Callback)
      .Bind("MergeComplaint", complaints, &Complaints::Merge)
      .Bind("ListUnits", complaints, &Complaints::Units)
      .Bind("RegisterMonitoredObject", objects, &MonitoredObjects::Register)
      .Bind("UpdateMonitoredObject", objects, &MonitoredObjects::Update)
      .Bind("GetMonitoredObject", objects, &MonitoredObjects::Get)
      .Bind("ListMonitoredObjects", objects, &MonitoredObjects::List)
      .Bind("RecordFumeReadings", feed, &FumeFeed::Record)
      .Bind("ListFumeEpisodes", feed, &FumeFeed::Episodes)
      .Bind("RecordEnforcement", enforcements, &Enforcements::Record)
      .Bind("GetEnforcement", enforcements, &Enforcements::Get)
      .Bind("ListEnforcements", enforcements, &Enforcements::List)
      .Bind("PenaliseEnforcement", enforcements, &Enforcements::Penalise)
      .Bind("CloseEnforcement", enforcements, &Enforcements::Close)
      .Bind("PlanCampaign", campaigns, &Campaigns::Plan)
      .Bind("StartCampaign", campaigns, &Campaigns::Start)
      .Bind("CompleteCampaign", campaigns, &Campaigns::Complete)
      .Bind("CancelCampaign", campaigns, &Campaigns::Cancel)
      .Bind("GetCampaign", campaigns, &Campaigns::Get)
      .Bind("ListCampaigns", campaigns, &Campaigns::List);
  indicators_service_ =
      indicators::MakeIndicatorsService(indicators_.get(), deps.handlers, KnownRoles());
}

std::vector<server::RpcService*> DisorderTrack::Services() {
  return {rpc_.get(), indicators_service_.get()};
}

// The registry first (the feed reads it), then the complaints (the feed's episodes may repeat
// theirs), the feed, the findings and the campaigns.
absl::Status DisorderTrack::LoadDemoData() {
  GOV_RETURN_IF_ERROR(LoadObjectDemoData(ctx_));
  GOV_RETURN_IF_ERROR(LoadComplaintDemoData(*complaints_, complaints_deps_));
  GOV_RETURN_IF_ERROR(LoadFumeDemoData(ctx_, *fume_feed_));
  GOV_RETURN_IF_ERROR(LoadEnforcementDemoData(ctx_, *enforcements_));
  return LoadCampaignDemoData(ctx_);
}

// Every part runs even when one fails; the first error is returned.
absl::Status DisorderTrack::ScanBreaches() {
  absl::Status first = engine_->ScanBreaches().status();
  absl::Status findings = enforcement_engine_->ScanBreaches().status();
  absl::Status feed = fume_feed_->Sweep();
  for (const absl::Status& s : {findings, feed}) {
    if (first.ok()) first = s;
  }
  return first;
}

absl::Status DisorderTrack::RefreshGauges() {
  absl::Status first = indicators_->RefreshGauges();
  for (cases::CaseEngine* engine : {engine_.get(), enforcement_engine_.get()}) {
    absl::Status s = engine->RefreshCaseGauges();
    if (first.ok()) first = s;
  }
  return first;
}

absl::StatusOr<std::unique_ptr<server::Track>> MakeDisorderTrack(const server::TrackDeps& deps) {
  if (deps.repo == nullptr || deps.regions == nullptr || deps.calendar == nullptr ||
      deps.clock == nullptr || deps.handlers == nullptr) {
    return absl::InvalidArgumentError("disorder track: incomplete dependencies");
  }
  if (deps.config == nullptr || deps.config->rules_file.empty()) {
    return absl::InvalidArgumentError("disorder track: no rules file (--rules_file)");
  }
  GOV_ASSIGN_OR_RETURN(std::unique_ptr<Rules> rules,
                       Rules::LoadFile(deps.config->rules_file, *deps.regions));
  GOV_RETURN_IF_ERROR(cases::CaseEngine::ValidateSpec(ComplaintSpec(*rules)));
  GOV_RETURN_IF_ERROR(cases::CaseEngine::ValidateSpec(EnforcementSpec(*rules)));
  log::Info("disorder rules loaded",
            {{"path", deps.config->rules_file}, {"version", rules->version()}});
  return std::make_unique<DisorderTrack>(deps, std::move(rules));
}

}  // namespace gov::disorder
