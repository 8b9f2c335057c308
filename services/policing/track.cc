#include "services/policing/track.h"

#include <string>
#include <utility>

#include "common/log/log.h"
#include "governance/policing/v1/policing.grpc.pb.h"
#include "services/policing/bulletin_grading.h"
#include "services/policing/demo_data.h"

namespace gov::policing {
namespace {

using governance::v1::DIRECTION_LOWER_IS_BETTER;
using governance::v1::INDICATOR_UNIT_COUNT;
using governance::v1::TARGET_KIND_CHANGE_VS_BASELINE;

// An incident count against last year: the plan's "down 5%" (data/targets.json).
indicators::IndicatorSpec DownFivePercent(std::string id, std::string name_zh, std::string name_en,
                                          indicators::Measure measure) {
  return {.id = std::move(id),
          .name_zh = std::move(name_zh),
          .name_en = std::move(name_en),
          .unit = INDICATOR_UNIT_COUNT,
          .direction = DIRECTION_LOWER_IS_BETTER,
          .target_kind = TARGET_KIND_CHANGE_VS_BASELINE,
          .measure = std::move(measure)};
}

}  // namespace

std::vector<indicators::IndicatorSpec> PolicingIndicators() {
  return {
      // 警情总数: every incident the platform reported.
      DownFivePercent("incidents_yoy", "警情总数同比", "Police incidents, year on year",
                      indicators::CasesOpened()),
      // 刑事治安警情: criminal and public-order incidents.
      DownFivePercent("criminal_public_order_yoy", "刑事治安警情同比",
                      "Criminal and public-order incidents, year on year",
                      indicators::CasesOpened(CategoriesOfClasses(
                          {pv1::INCIDENT_CLASS_CRIMINAL, pv1::INCIDENT_CLASS_PUBLIC_ORDER}))),
      // 侵财案件: theft, burglary, robbery and fraud.
      DownFivePercent("property_crime_yoy", "侵财案件同比", "Property-crime cases, year on year",
                      indicators::CasesOpened(PropertyCrimeCategories())),
  };
}

std::vector<indicators::IndicatorSpec> AllPolicingIndicators() {
  std::vector<indicators::IndicatorSpec> specs = PolicingIndicators();
  for (std::vector<indicators::IndicatorSpec> part : {LinkageIndicators(), AssetIndicators()}) {
    for (indicators::IndicatorSpec& spec : part) specs.push_back(std::move(spec));
  }
  return specs;
}

indicators::RankingSpec PolicingRankings() {
  indicators::RankingSpec spec;
  spec.dimensions = {governance::v1::RANKING_DIMENSION_STREET,
                     governance::v1::RANKING_DIMENSION_COMMUNITY,
                     governance::v1::RANKING_DIMENSION_CATEGORY};
  spec.category_name = [](const std::string& key) { return CategoryNameZh(key); };
  return spec;
}

// The track has no roles of its own: its methods' access options (policing.proto) name the
// shared ones.
PolicingTrack::PolicingTrack(const server::TrackDeps& deps, std::unique_ptr<Rules> rules)
    : TrackBase(deps, kTrack, pv1::PolicingService::service_full_name(), /*own_roles=*/{}),
      rules_(std::move(rules)) {
  log::Info("policing rules loaded",
            {{"path", deps.config != nullptr ? deps.config->rules_file : std::string()},
             {"version", rules_->version()}});
  const regions::RegionRegistry* regions = deps.regions;
  const Clock* clock = deps.clock;

  // Kinds of case, each under a store track of its own.
  cases::CaseEngine* incident_cases = CaseKind(PolicingSpec(), IncidentKind());
  cases::CaseEngine* listings =
      CaseKind(KeyAreaSpec(rules_->key_area_rules().plan_working_days()), KeyAreaKind());
  cases::CaseEngine* tasks = CaseKind(LinkageSpec(), LinkageTaskKind());

  // Registries (entity rows): the published bulletins, the forces and assets (their writes make
  // the track's cached indicators stale), and the request_ids DesignateKeyArea claims.
  const registry::Registry* bulletin_rows =
      Part<registry::Registry>(BulletinLayout(), deps.repo, deps.cache, clock);
  const registry::Registry* asset_rows =
      Part<registry::Registry>(AssetLayout(), deps.repo, deps.cache, clock);
  const registry::Registry* listing_requests =
      Part<registry::Registry>(KeyAreaRequestLayout(), deps.repo, deps.cache, clock);
  // The incidents' kept counts, read by statistics, bulletins and the demo loader.
  const CountIncidents count = [incident_cases](const store::CountQuery& query) {
    return incident_cases->Counts(query);
  };

  // Parts.
  linkage_ = Part<Linkage>(tasks, incident_cases, rules_.get(), regions, clock);
  incidents_ = Part<Incidents>(incident_cases, linkage_, regions, clock);
  const IncidentStatistics* statistics = Part<IncidentStatistics>(count, regions, clock);
  key_areas_ = Part<KeyAreas>(listings, listing_requests, rules_.get(), regions, clock);
  const BulletinGrading* grading =
      Part<BulletinGrading>(count, incident_cases, rules_.get(), regions);
  bulletins_ = Part<Bulletins>(bulletin_rows, grading, key_areas_, clock);
  assets_ = Part<Assets>(asset_rows, regions);

  Indicators(AllPolicingIndicators(), /*figures=*/{}, PolicingRankings());

  // Demo data, in order: the bulletins count the incidents, and list the key areas whose plans
  // come last.
  Demo("incidents", [incident_cases, count, regions, clock] {
    return LoadIncidentDemoData(*incident_cases, count, *regions, *clock);
  });
  Demo("assets", [asset_rows, regions] { return LoadAssetDemoData(*asset_rows, *regions); });
  Demo("linkage tasks",
       [linkage = linkage_, clock] { return LoadLinkageDemoData(*linkage, *clock); });
  Demo("bulletins",
       [bulletins = bulletins_, clock] { return LoadBulletinDemoData(*bulletins, *clock); });
  Demo("key areas", [key_areas = key_areas_, regions, clock] {
    return LoadKeyAreaDemoData(*key_areas, *regions, *clock);
  });

  // Upkeep after the breach scans: the bulletins of finished periods, then the non-police
  // incidents whose dispatch failed.
  Sweep("bulletins due", [bulletins = bulletins_] { return bulletins->PublishDue().status(); });
  Sweep("undispatched incidents",
        [linkage = linkage_] { return linkage->SweepUndispatched().status(); });

  // One line per method of the schema; who may call each is its access option there.
  rpc()
      .Bind("IngestIncident", incidents_, &Incidents::Ingest)
      .Bind("BatchIngestIncidents", incidents_, &Incidents::BatchIngest)
      .Bind("GetIncident", incidents_, &Incidents::Get)
      .Bind("ListIncidents", incidents_, &Incidents::List)
      .Bind("GetIncidentStatistics", statistics, &IncidentStatistics::Compute)
      .Bind("PublishBulletin", bulletins_, &Bulletins::Publish)
      .Bind("GetBulletin", bulletins_, &Bulletins::Get)
      .Bind("ListBulletins", bulletins_, &Bulletins::List)
      .Bind("DesignateKeyArea", key_areas_, &KeyAreas::Designate)
      .Bind("SetRemediationPlan", key_areas_, &KeyAreas::SetPlan)
      .Bind("DelistKeyArea", key_areas_, &KeyAreas::Delist)
      .Bind("GetKeyArea", key_areas_, &KeyAreas::Get)
      .Bind("ListKeyAreas", key_areas_, &KeyAreas::List)
      .Bind("DispatchIncident", linkage_, &Linkage::Dispatch)
      .Bind("SignLinkageTask", linkage_, &Linkage::Sign)
      .Bind("RecordLinkageHandling", linkage_, &Linkage::RecordHandling)
      .Bind("RecordLinkageFeedback", linkage_, &Linkage::RecordFeedback)
      .Bind("GetLinkageTask", linkage_, &Linkage::Get)
      .Bind("ListLinkageTasks", linkage_, &Linkage::List)
      .Bind("ListLinkageUnits", linkage_, &Linkage::Units)
      .Bind("RegisterAsset", assets_, &Assets::Register)
      .Bind("UpdateAsset", assets_, &Assets::Update)
      .Bind("GetAsset", assets_, &Assets::Get)
      .Bind("ListAssets", assets_, &Assets::List);
}

}  // namespace gov::policing
