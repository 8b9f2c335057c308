#include "services/disorder/track.h"

#include <utility>

#include "common/log/log.h"
#include "common/util/status.h"

namespace gov::disorder {

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
  indicators_ = std::make_unique<indicators::IndicatorEngine>(
      kTrack, ComplaintIndicators(), std::vector<indicators::FigureSpec>{},
      ComplaintRankings(*rules_), deps.repo, deps.cache, deps.regions, deps.clock, deps.registry);
  service_ = std::make_unique<DisorderServiceImpl>(complaints_.get(), deps.handlers);
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

absl::Status DisorderTrack::LoadDemoData() {
  return LoadComplaintDemoData(*complaints_, complaints_deps_);
}

absl::Status DisorderTrack::ScanBreaches() { return engine_->ScanBreaches().status(); }

absl::Status DisorderTrack::RefreshGauges() {
  absl::Status first = indicators_->RefreshGauges();
  absl::Status cases = engine_->RefreshCaseGauges();
  return first.ok() ? cases : first;
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
  log::Info("disorder rules loaded",
            {{"path", deps.config->rules_file}, {"version", rules->version()}});
  return std::make_unique<DisorderTrack>(deps, std::move(rules));
}

}  // namespace gov::disorder
