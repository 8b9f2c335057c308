#include "services/policing/track.h"

#include <algorithm>
#include <utility>

#include "common/auth/auth.h"
#include "common/cases/calendar.h"
#include "common/log/log.h"
#include "common/util/proto.h"
#include "common/util/status.h"
#include "governance/policing/v1/policing.grpc.pb.h"
#include "services/policing/demo_data.h"

namespace gov::policing {
namespace {

using governance::v1::DIRECTION_LOWER_IS_BETTER;
using governance::v1::INDICATOR_UNIT_COUNT;
using governance::v1::TARGET_KIND_CHANGE_VS_BASELINE;

// The plan's target for each incident count: down 5% on last year (basis points).
constexpr int64_t kDownFivePercent = -500;

// The roles the track knows besides district_admin, the ones its methods' access options
// (policing.proto) may name: the shared ones. Policing has no roles of its own.
std::vector<std::string> TrackRoles() {
  return {auth::kStreetOperator, auth::kViewer, auth::kSystem};
}

// clang-format off
// The taxonomy of the police platform's incident types (TRACKS.md §2): criminal (刑事),
// public-order (治安), other police matters and non-police calls (非警务), and which types are
// property crime (侵财: theft, burglary, robbery, fraud).
const std::vector<IncidentTypeInfo>& Taxonomy() {
  static const auto* table = new std::vector<IncidentTypeInfo>{
      // type                                  class                                 property  name
      {pv1::INCIDENT_TYPE_THEFT,              pv1::INCIDENT_CLASS_CRIMINAL,     true,  "盗窃"},
      {pv1::INCIDENT_TYPE_BURGLARY,           pv1::INCIDENT_CLASS_CRIMINAL,     true,  "入室盗窃"},
      {pv1::INCIDENT_TYPE_ROBBERY,            pv1::INCIDENT_CLASS_CRIMINAL,     true,  "抢劫抢夺"},
      {pv1::INCIDENT_TYPE_TELECOM_FRAUD,      pv1::INCIDENT_CLASS_CRIMINAL,     true,  "电信网络诈骗"},
      {pv1::INCIDENT_TYPE_FRAUD,              pv1::INCIDENT_CLASS_CRIMINAL,     true,  "其他诈骗"},
      {pv1::INCIDENT_TYPE_VIOLENCE,           pv1::INCIDENT_CLASS_CRIMINAL,     false, "故意伤害"},
      {pv1::INCIDENT_TYPE_ORGANISED_CRIME,    pv1::INCIDENT_CLASS_CRIMINAL,     false, "涉黑涉恶涉枪涉爆"},
      {pv1::INCIDENT_TYPE_OTHER_CRIMINAL,     pv1::INCIDENT_CLASS_CRIMINAL,     false, "其他刑事"},
      {pv1::INCIDENT_TYPE_FIGHT,              pv1::INCIDENT_CLASS_PUBLIC_ORDER, false, "打架斗殴"},
      {pv1::INCIDENT_TYPE_VICE,               pv1::INCIDENT_CLASS_PUBLIC_ORDER, false, "黄赌毒"},
      {pv1::INCIDENT_TYPE_DISTURBANCE,        pv1::INCIDENT_CLASS_PUBLIC_ORDER, false, "扰乱秩序"},
      {pv1::INCIDENT_TYPE_OTHER_PUBLIC_ORDER, pv1::INCIDENT_CLASS_PUBLIC_ORDER, false, "其他治安"},
      {pv1::INCIDENT_TYPE_TRAFFIC,            pv1::INCIDENT_CLASS_OTHER_POLICE, false, "交通类"},
      {pv1::INCIDENT_TYPE_ASSISTANCE,         pv1::INCIDENT_CLASS_NON_POLICE,   false, "求助类"},
      {pv1::INCIDENT_TYPE_DISPUTE,            pv1::INCIDENT_CLASS_NON_POLICE,   false, "纠纷类"},
      {pv1::INCIDENT_TYPE_MUNICIPAL,          pv1::INCIDENT_CLASS_NON_POLICE,   false, "市政类"},
  };
  return *table;
}
// clang-format on

struct ClassName {
  pv1::IncidentClass incident_class;
  const char* name_zh;
};

constexpr ClassName kClassNames[] = {
    {pv1::INCIDENT_CLASS_CRIMINAL, "刑事警情"},
    {pv1::INCIDENT_CLASS_PUBLIC_ORDER, "治安警情"},
    {pv1::INCIDENT_CLASS_OTHER_POLICE, "其他警务"},
    {pv1::INCIDENT_CLASS_NON_POLICE, "非警务警情"},
};

}  // namespace

const std::vector<IncidentTypeInfo>& IncidentTypes() { return Taxonomy(); }

const IncidentTypeInfo* FindIncidentType(pv1::IncidentType type) {
  for (const IncidentTypeInfo& info : Taxonomy()) {
    if (info.type == type) return &info;
  }
  return nullptr;
}

const IncidentTypeInfo* FindIncidentTypeByKey(std::string_view key) {
  const std::optional<pv1::IncidentType> type = EnumFromKey<pv1::IncidentType>(key);
  return type.has_value() ? FindIncidentType(*type) : nullptr;
}

std::string IncidentClassNameZh(pv1::IncidentClass incident_class) {
  for (const ClassName& entry : kClassNames) {
    if (entry.incident_class == incident_class) return entry.name_zh;
  }
  return "";
}

std::string CategoryNameZh(const std::string& key) {
  const IncidentTypeInfo* info = FindIncidentTypeByKey(key);
  return info != nullptr ? std::string(info->name_zh) : key;
}

std::vector<std::string> CategoriesOfClasses(const std::vector<pv1::IncidentClass>& classes) {
  std::vector<std::string> out;
  for (const IncidentTypeInfo& info : Taxonomy()) {
    if (std::find(classes.begin(), classes.end(), info.incident_class) != classes.end()) {
      out.push_back(EnumKey(info.type));
    }
  }
  return out;
}

std::vector<std::string> PropertyCrimeCategories() {
  std::vector<std::string> out;
  for (const IncidentTypeInfo& info : Taxonomy()) {
    if (info.property_crime) out.push_back(EnumKey(info.type));
  }
  return out;
}

// An incident is a record of what the police platform reported, not work to do here: it is
// stored as RECORDED, without a clock, and nothing moves it.
const cases::TrackSpec& PolicingSpec() {
  static const cases::TrackSpec* spec = [] {
    auto* s = new cases::TrackSpec;
    s->track = kTrack;
    s->case_kind = "incident";
    s->id_prefix = "I";
    s->initial_state = kRecorded;
    s->states = {{kRecorded, cases::StateClass::kClosed, cal::Sla::None()}};
    s->create_roles = {auth::kSystem};
    return s;
  }();
  return *spec;
}

std::vector<indicators::IndicatorSpec> PolicingIndicators() {
  std::vector<indicators::IndicatorSpec> specs;
  // 警情总数: every incident the platform reported, down 5% on last year.
  specs.push_back({.id = "incidents_yoy",
                   .name_zh = "警情总数同比",
                   .name_en = "Police incidents, year on year",
                   .unit = INDICATOR_UNIT_COUNT,
                   .direction = DIRECTION_LOWER_IS_BETTER,
                   .target_kind = TARGET_KIND_CHANGE_VS_BASELINE,
                   .target = kDownFivePercent,
                   .measure = indicators::CasesOpened()});
  // 刑事治安警情: criminal and public-order incidents, down 5% on last year.
  specs.push_back({.id = "criminal_public_order_yoy",
                   .name_zh = "刑事治安警情同比",
                   .name_en = "Criminal and public-order incidents, year on year",
                   .unit = INDICATOR_UNIT_COUNT,
                   .direction = DIRECTION_LOWER_IS_BETTER,
                   .target_kind = TARGET_KIND_CHANGE_VS_BASELINE,
                   .target = kDownFivePercent,
                   .measure = indicators::CasesOpened(CategoriesOfClasses(
                       {pv1::INCIDENT_CLASS_CRIMINAL, pv1::INCIDENT_CLASS_PUBLIC_ORDER}))});
  // 侵财案件: theft, burglary, robbery and fraud, down 5% on last year.
  specs.push_back({.id = "property_crime_yoy",
                   .name_zh = "侵财案件同比",
                   .name_en = "Property-crime cases, year on year",
                   .unit = INDICATOR_UNIT_COUNT,
                   .direction = DIRECTION_LOWER_IS_BETTER,
                   .target_kind = TARGET_KIND_CHANGE_VS_BASELINE,
                   .target = kDownFivePercent,
                   .measure = indicators::CasesOpened(PropertyCrimeCategories())});
  return specs;
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

PolicingTrack::PolicingTrack(const server::TrackDeps& deps, std::unique_ptr<Rules> rules)
    : deps_(deps), rules_(std::move(rules)) {
  engine_ = std::make_unique<cases::CaseEngine>(PolicingSpec(), deps.repo, deps.cache,
                                                deps.calendar, deps.clock, deps.registry);
  context_.repo = deps.repo;
  context_.cache = deps.cache;
  context_.regions = deps.regions;
  context_.calendar = deps.calendar;
  context_.clock = deps.clock;
  context_.registry = deps.registry;
  context_.rules = rules_.get();
  context_.incidents = engine_.get();
  key_areas_ = std::make_unique<KeyAreas>(context_);
  bulletins_ = std::make_unique<Bulletins>(context_, key_areas_.get());
  linkage_ = std::make_unique<Linkage>(context_);
  assets_ = std::make_unique<Assets>(context_);
  incidents_ = std::make_unique<Incidents>(context_, linkage_.get());
  statistics_ = std::make_unique<IncidentStatistics>(deps.repo, deps.regions, deps.clock);
  indicators_ = std::make_unique<indicators::IndicatorEngine>(
      kTrack, AllPolicingIndicators(), std::vector<indicators::FigureSpec>{}, PolicingRankings(),
      deps.repo, deps.cache, deps.regions, deps.clock, deps.registry);

  // One line per method of the schema; who may call each is its access option there.
  rpc_ = std::make_unique<server::RpcService>(pv1::PolicingService::service_full_name(),
                                              deps.handlers, TrackRoles());
  rpc_->Bind("IngestIncident", incidents_.get(), &Incidents::Ingest)
      .Bind("BatchIngestIncidents", incidents_.get(), &Incidents::BatchIngest)
      .Bind("GetIncident", incidents_.get(), &Incidents::Get)
      .Bind("ListIncidents", incidents_.get(), &Incidents::List)
      .Bind("GetIncidentStatistics", statistics_.get(), &IncidentStatistics::Compute)
      .Bind("PublishBulletin", bulletins_.get(), &Bulletins::Publish)
      .Bind("GetBulletin", bulletins_.get(), &Bulletins::Get)
      .Bind("ListBulletins", bulletins_.get(), &Bulletins::List)
      .Bind("ListKeyArea", key_areas_.get(), &KeyAreas::ListArea)
      .Bind("SetRemediationPlan", key_areas_.get(), &KeyAreas::SetPlan)
      .Bind("DelistKeyArea", key_areas_.get(), &KeyAreas::Delist)
      .Bind("GetKeyArea", key_areas_.get(), &KeyAreas::Get)
      .Bind("ListKeyAreas", key_areas_.get(), &KeyAreas::List)
      .Bind("DispatchIncident", linkage_.get(), &Linkage::Dispatch)
      .Bind("SignLinkageTask", linkage_.get(), &Linkage::Sign)
      .Bind("RecordLinkageHandling", linkage_.get(), &Linkage::RecordHandling)
      .Bind("RecordLinkageFeedback", linkage_.get(), &Linkage::RecordFeedback)
      .Bind("GetLinkageTask", linkage_.get(), &Linkage::Get)
      .Bind("ListLinkageTasks", linkage_.get(), &Linkage::List)
      .Bind("ListLinkageUnits", linkage_.get(), &Linkage::Units)
      .Bind("RegisterAsset", assets_.get(), &Assets::Register)
      .Bind("UpdateAsset", assets_.get(), &Assets::Update)
      .Bind("GetAsset", assets_.get(), &Assets::Get)
      .Bind("ListAssets", assets_.get(), &Assets::List);
  indicators_service_ =
      indicators::MakeIndicatorsService(indicators_.get(), deps.handlers, TrackRoles());
}

std::vector<server::RpcService*> PolicingTrack::Services() {
  return {rpc_.get(), indicators_service_.get()};
}

absl::Status PolicingTrack::LoadDemoData() {
  DemoDeps demo;
  demo.engine = engine_.get();
  demo.repo = deps_.repo;
  demo.regions = deps_.regions;
  demo.clock = deps_.clock;
  GOV_RETURN_IF_ERROR(LoadPolicingDemoData(demo));
  GOV_RETURN_IF_ERROR(LoadAssetDemoData(context_));
  GOV_RETURN_IF_ERROR(LoadLinkageDemoData(*linkage_, context_));
  // Bulletins of the demo's two years, oldest first, so that key areas are listed and delisted
  // by rule along the way; then plans for the open listings.
  const absl::CivilDay today = absl::ToCivilDay(deps_.clock->Now(), cal::DistrictZone());
  GOV_RETURN_IF_ERROR(bulletins_->PublishSince(absl::CivilDay(today.year() - 1, 1, 1)).status());
  return LoadKeyAreaDemoData(*key_areas_, context_);
}

absl::Status PolicingTrack::ScanBreaches() {
  absl::Status first;
  auto keep = [&first](const absl::Status& s) {
    if (first.ok() && !s.ok()) first = s;
  };
  keep(engine_->ScanBreaches().status());
  keep(key_areas_->engine().ScanBreaches().status());
  keep(linkage_->engine().ScanBreaches().status());
  keep(bulletins_->PublishDue().status());
  keep(linkage_->SweepUndispatched().status());
  return first;
}

absl::Status PolicingTrack::RefreshGauges() {
  absl::Status first = indicators_->RefreshGauges();
  for (cases::CaseEngine* engine : {engine_.get(), &key_areas_->engine(), &linkage_->engine()}) {
    absl::Status s = engine->RefreshCaseGauges();
    if (first.ok()) first = s;
  }
  return first;
}

absl::StatusOr<std::unique_ptr<server::Track>> MakePolicingTrack(const server::TrackDeps& deps) {
  if (deps.repo == nullptr || deps.regions == nullptr || deps.calendar == nullptr ||
      deps.clock == nullptr || deps.handlers == nullptr) {
    return absl::InvalidArgumentError("policing track: incomplete dependencies");
  }
  if (deps.config == nullptr || deps.config->rules_file.empty()) {
    return absl::InvalidArgumentError("policing track: no rules file (--rules_file)");
  }
  GOV_RETURN_IF_ERROR(cases::CaseEngine::ValidateSpec(PolicingSpec()));
  GOV_RETURN_IF_ERROR(cases::CaseEngine::ValidateSpec(LinkageSpec()));
  GOV_ASSIGN_OR_RETURN(std::unique_ptr<Rules> rules,
                       Rules::LoadFile(deps.config->rules_file, *deps.regions));
  GOV_RETURN_IF_ERROR(
      cases::CaseEngine::ValidateSpec(KeyAreaSpec(rules->key_area_rules().plan_working_days())));
  log::Info("policing rules loaded",
            {{"path", deps.config->rules_file}, {"version", rules->version()}});
  return std::make_unique<PolicingTrack>(deps, std::move(rules));
}

}  // namespace gov::policing
