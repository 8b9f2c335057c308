#include "services/hazard/track.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "common/log/log.h"
#include "common/util/proto.h"
#include "governance/hazard/v1/hazard.grpc.pb.h"
#include "services/hazard/demo_data.h"
#include "services/hazard/model.h"

namespace gov::hazard {
namespace {

// The figures only a spot check gives (recorded through IndicatorsService.RecordFigure with
// their source, audited), per street and month.
std::vector<indicators::FigureSpec> SpotCheckFigures() {
  return {
      {"ebike_violations", "E-bike violations found by the traffic police (电动自行车违法数)"},
      {"ebike_violations_notified",
       "Of them, notified to the rider's unit or community (电动自行车违法抄告数)"},
      {"riders_observed", "E-bike riders observed in helmet spot checks (头盔抽查骑行人数)"},
      {"riders_with_helmet", "Of them, wearing a helmet (佩戴头盔人数)"},
  };
}

// Every indicator of the track: enterprises, hazards, programmes, elevators, accidents, and the
// spot-check rates.
std::vector<indicators::IndicatorSpec> AllIndicators(const Enterprises* enterprises,
                                                     cases::CaseEngine* hazards, const Sites* sites,
                                                     const Elevators* elevators,
                                                     const Accidents* accidents) {
  std::vector<indicators::IndicatorSpec> all = EnterpriseIndicators(enterprises);
  for (std::vector<indicators::IndicatorSpec> part :
       {HazardIndicators(hazards), SiteIndicators(sites), ElevatorIndicators(elevators),
        AccidentIndicators(accidents)}) {
    for (indicators::IndicatorSpec& spec : part) all.push_back(std::move(spec));
  }
  // 电动自行车违法抄告率达到80%; 电动自行车头盔佩戴率不低于90%: rates of the recorded spot checks.
  all.push_back(indicators::HigherRate(
      "ebike_notification_rate", "电动自行车违法抄告率", "E-bike violations notified",
      indicators::Ratio(indicators::RecordedFigure("ebike_violations_notified"),
                        indicators::RecordedFigure("ebike_violations"))));
  all.push_back(indicators::HigherRate(
      "helmet_wearing_rate", "电动自行车头盔佩戴率", "E-bike riders wearing a helmet",
      indicators::Ratio(indicators::RecordedFigure("riders_with_helmet"),
                        indicators::RecordedFigure("riders_observed"))));
  return all;
}

indicators::RankingSpec HazardRankings() {
  indicators::RankingSpec spec;
  spec.dimensions = {governance::v1::RANKING_DIMENSION_STREET,
                     governance::v1::RANKING_DIMENSION_COMMUNITY,
                     governance::v1::RANKING_DIMENSION_CATEGORY};
  spec.category_name = [](const std::string& key) -> std::string {
    static const auto* names = new absl::flat_hash_map<std::string, std::string>{
        {"FIRE", "消防"},          {"FIRE_LANE", "生命通道"},
        {"GAS", "燃气"},           {"SHOP_DWELLING", "三合一"},
        {"FOOD_DRUG", "食品药品"}, {"TRAFFIC", "交通"},
        {"ELEVATOR", "电梯"},      {"WORK_SAFETY", "安全生产"}};
    const auto it = names->find(key);
    return it == names->end() ? key : it->second;
  };
  return spec;
}

}  // namespace

HazardTrack::HazardTrack(const server::TrackDeps& deps, std::unique_ptr<Rules> rules)
    : TrackBase(deps, kTrack, hv1::HazardService::service_full_name(), {kInspector}),
      rules_(std::move(rules)) {
  const Rules& r = *rules_;
  log::Info("hazard rules loaded", {{"path", deps.config == nullptr ? "" : deps.config->rules_file},
                                    {"version", r.version()}});
  Problem(HazardKind().Check());
  cases::CaseEngine* hazard_engine = CaseKind(HazardSpec(r), HazardKind());

  const auto* enterprises =
      Part<registry::Registry>(EnterpriseLayout(), deps.repo, deps.cache, deps.clock);
  const auto* inspections =
      Part<registry::Registry>(InspectionLayout(), deps.repo, deps.cache, deps.clock);
  const auto* campaigns =
      Part<registry::Registry>(CampaignLayout(), deps.repo, deps.cache, deps.clock);
  const auto* sites = Part<registry::Registry>(SiteLayout(), deps.repo, deps.cache, deps.clock);
  const auto* elevators =
      Part<registry::Registry>(ElevatorLayout(), deps.repo, deps.cache, deps.clock);
  const auto* policies =
      Part<registry::Registry>(InsuranceLayout(), deps.repo, deps.cache, deps.clock);
  const auto* accidents =
      Part<registry::Registry>(AccidentLayout(), deps.repo, deps.cache, deps.clock);

  enterprises_ = Part<Enterprises>(enterprises, inspections, hazard_engine, rules_.get(),
                                   deps.regions, deps.clock);
  hazards_ =
      Part<Hazards>(hazard_engine, enterprises_, campaigns, rules_.get(), deps.regions, deps.clock);
  campaigns_ = Part<Campaigns>(campaigns, hazard_engine, deps.regions, deps.clock);
  sites_ = Part<Sites>(sites, deps.regions, deps.clock);
  elevators_ = Part<Elevators>(elevators, policies, rules_.get(), deps.regions, deps.clock);
  accidents_ = Part<Accidents>(accidents, enterprises_, deps.regions, deps.clock);

  Indicators(AllIndicators(enterprises_, hazard_engine, sites_, elevators_, accidents_),
             SpotCheckFigures(), HazardRankings());

  // The enterprises first: their inspections' findings are hazards too.
  Demo("enterprises",
       [this, hazard_engine] { return LoadEnterpriseDemo(this->deps(), *rules_, hazard_engine); });
  Demo("hazards",
       [this, hazard_engine] { return LoadHazardDemo(this->deps(), *rules_, hazard_engine); });
  Demo("programmes", [this] { return LoadProgrammeDemo(this->deps(), *rules_); });
  Demo("spot checks", [this] {
    return LoadSpotCheckDemo(indicator_engine(), *this->deps().regions, this->deps().clock->Now());
  });

  // Who may call each method is declared on it in hazard.proto.
  rpc()
      .Bind("RegisterEnterprise", enterprises_, &Enterprises::Register)
      .Bind("GetEnterprise", enterprises_, &Enterprises::Get)
      .Bind("ListEnterprises", enterprises_, &Enterprises::List)
      .Bind("RecordInspection", enterprises_, &Enterprises::RecordInspection)
      .Bind("ListInspections", enterprises_, &Enterprises::ListInspections)
      .Bind("ReportHazard", hazards_, &Hazards::Report)
      .Bind("GetHazard", hazards_, &Hazards::Get)
      .Bind("ListHazards", hazards_, &Hazards::List)
      .Bind("RectifyHazard", hazards_, &Hazards::Rectify)
      .Bind("VerifyHazard", hazards_, &Hazards::Verify)
      .Bind("CloseHazard", hazards_, &Hazards::Close)
      .Bind("HandOverHazard", hazards_, &Hazards::HandOver)
      .Bind("OpenCampaign", campaigns_, &Campaigns::Open)
      .Bind("GetCampaign", campaigns_, &Campaigns::Get)
      .Bind("ListCampaigns", campaigns_, &Campaigns::List)
      .Bind("RegisterSite", sites_, &Sites::Register)
      .Bind("GetSite", sites_, &Sites::Get)
      .Bind("ListSites", sites_, &Sites::List)
      .Bind("CompleteSite", sites_, &Sites::Complete)
      .Bind("RegisterElevator", elevators_, &Elevators::Register)
      .Bind("GetElevator", elevators_, &Elevators::Get)
      .Bind("ListElevators", elevators_, &Elevators::List)
      .Bind("RecordElevatorInsurance", elevators_, &Elevators::RecordInsurance)
      .Bind("RecordAccident", accidents_, &Accidents::Record)
      .Bind("GetAccident", accidents_, &Accidents::Get)
      .Bind("ListAccidents", accidents_, &Accidents::List);
}

}  // namespace gov::hazard
