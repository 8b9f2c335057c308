#include "services/disorder/track.h"

#include <utility>

#include "common/log/log.h"
#include "common/util/status.h"

namespace gov::disorder {
namespace {

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
  objects_ = std::make_unique<MonitoredObjects>(ctx_);
  fume_feed_ = std::make_unique<FumeFeed>(ctx_);
  enforcements_ = std::make_unique<Enforcements>(ctx_);
  campaigns_ = std::make_unique<Campaigns>(ctx_);

  indicators_ = std::make_unique<indicators::IndicatorEngine>(
      kTrack, AllDisorderIndicators(), std::vector<indicators::FigureSpec>{},
      ComplaintRankings(*rules_), deps.repo, deps.cache, deps.regions, deps.clock, deps.registry);
  service_ =
      std::make_unique<DisorderServiceImpl>(DisorderParts{.complaints = complaints_.get(),
                                                          .objects = objects_.get(),
                                                          .fume_feed = fume_feed_.get(),
                                                          .enforcements = enforcements_.get(),
                                                          .campaigns = campaigns_.get()},
                                            deps.handlers);
  indicators_service_ =
      std::make_unique<indicators::IndicatorsServiceImpl>(indicators_.get(), deps.handlers);
}

std::vector<grpc::Service*> DisorderTrack::Services() {
  return {service_.get(), indicators_service_.get()};
}

std::vector<std::string> DisorderTrack::ServiceNames() {
  return {dv1::DisorderService::service_full_name(),
          governance::v1::IndicatorsService::service_full_name()};
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
