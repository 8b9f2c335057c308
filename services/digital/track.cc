#include "services/digital/track.h"

#include <utility>
#include <vector>

#include "common/log/log.h"
#include "governance/digital/v1/digital.grpc.pb.h"
#include "services/digital/demo_data.h"

namespace gov::digital {

DigitalTrack::DigitalTrack(const server::TrackDeps& deps, std::unique_ptr<Rules> rules)
    : TrackBase(deps, kTrack, dv1::DigitalService::service_full_name(), {}),
      rules_(std::move(rules)) {
  log::Info("digital rules loaded",
            {{"path", deps.config == nullptr ? "" : deps.config->rules_file},
             {"version", rules_->version()}});
  Problem(EventKind().Check());
  cases::CaseEngine* event_engine = CaseKind(EventSpec(), EventKind());
  const auto* cameras = Part<registry::Registry>(CameraLayout(), deps.repo, deps.cache, deps.clock);
  const auto* scenarios =
      Part<registry::Registry>(ScenarioLayout(), deps.repo, deps.cache, deps.clock);

  regions_ = Part<RegionsApi>(deps.regions);
  cameras_ = Part<Cameras>(cameras, deps.regions, deps.clock);
  scenarios_ = Part<Scenarios>(scenarios, deps.regions, deps.clock);
  events_ = Part<Events>(event_engine, cameras, rules_.get(), deps.peers, deps.regions, deps.clock);
  const auto* cursors = Part<registry::Registry>(CursorLayout(), deps.repo, deps.cache, deps.clock);
  follower_ = Part<Follower>(events_, cursors, rules_.get(), deps.peers);
  follower_->Start();

  cockpits_ = Part<Cockpits>(rules_.get(), deps.regions, deps.clock, deps.registry);

  std::vector<indicators::IndicatorSpec> all = CameraIndicators(cameras_);
  for (std::vector<indicators::IndicatorSpec> part :
       {ScenarioIndicators(scenarios_), EventIndicators(event_engine), cockpits_->Indicators()}) {
    for (indicators::IndicatorSpec& spec : part) all.push_back(std::move(spec));
  }
  indicators::RankingSpec rankings;
  rankings.dimensions = {governance::v1::RANKING_DIMENSION_STREET};
  indicators::IndicatorEngine* own = Indicators(std::move(all), {}, std::move(rankings));
  // The cockpits read every track's indicators, this one's in process.
  cockpits_->Attach(Part<indicators::FanOut>(kTrack, own, deps.peers, deps.cache), own);

  Demo("cameras", [this] { return LoadCameraDemo(this->deps()); });
  Demo("scenarios", [this] { return LoadScenarioDemo(this->deps()); });
  // The events first stay DETECTED when the owning tracks are not up yet; the sweep sends them.
  Demo("events",
       [this, event_engine] { return LoadEventDemo(this->deps(), *rules_, event_engine); });
  Sweep("event dispatch", [this] { return events_->DispatchWaiting(); });
  Sweep("cockpit survey", [this] { return cockpits_->Survey(); });

  // Who may call each method is declared on it in digital.proto.
  rpc()
      .Bind("ListStreets", regions_, &RegionsApi::ListStreets)
      .Bind("GetStreet", regions_, &RegionsApi::GetStreet)
      .Bind("RegisterCamera", cameras_, &Cameras::Register)
      .Bind("GetCamera", cameras_, &Cameras::Get)
      .Bind("ListCameras", cameras_, &Cameras::List)
      .Bind("SetCameraStatus", cameras_, &Cameras::SetStatus)
      .Bind("CreateScenario", scenarios_, &Scenarios::Create)
      .Bind("GetScenario", scenarios_, &Scenarios::Get)
      .Bind("ListScenarios", scenarios_, &Scenarios::List)
      .Bind("StartScenarioTrial", scenarios_, &Scenarios::StartTrial)
      .Bind("CompleteScenarioTrial", scenarios_, &Scenarios::CompleteTrial)
      .Bind("RollOutScenario", scenarios_, &Scenarios::RollOut)
      .Bind("RetireScenario", scenarios_, &Scenarios::Retire)
      .Bind("ReportEvent", events_, &Events::Report)
      .Bind("GetEvent", events_, &Events::Get)
      .Bind("ListEvents", events_, &Events::List)
      .Bind("DispatchEvent", events_, &Events::Dispatch)
      .Bind("DismissEvent", events_, &Events::Dismiss)
      .Bind("RecordCoGovernance", events_, &Events::RecordCoGovernance)
      .Bind("ListCockpits", cockpits_, &Cockpits::List)
      .Bind("GetCockpit", cockpits_, &Cockpits::Get)
      .Bind("CompareStreets", cockpits_, &Cockpits::CompareStreets)
      .Bind("ComparePeriods", cockpits_, &Cockpits::ComparePeriods);
}

}  // namespace gov::digital
