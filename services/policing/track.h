#ifndef GOV_SERVICES_POLICING_TRACK_H_
#define GOV_SERVICES_POLICING_TRACK_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "common/cases/engine.h"
#include "common/indicators/indicators.h"
#include "common/indicators/service.h"
#include "common/server/track_main.h"
#include "governance/policing/v1/policing.pb.h"
#include "services/policing/assets.h"
#include "services/policing/bulletins.h"
#include "services/policing/context.h"
#include "services/policing/incidents.h"
#include "services/policing/key_areas.h"
#include "services/policing/linkage.h"
#include "services/policing/rules.h"
#include "services/policing/statistics.h"

// 治安治理 — the policing track as data: the incident taxonomy, the case spec incidents are
// stored under, the indicators and rankings, and the factory the runner builds it with.
namespace gov::policing {

namespace pv1 = ::governance::policing::v1;

inline constexpr char kTrack[] = "policing";
// The one state of an incident case: recorded from the police platform.
inline constexpr char kRecorded[] = "RECORDED";

// One row of the incident taxonomy (警情类别): the class a type belongs to, whether it is
// property crime (侵财案件), and its Chinese name.
struct IncidentTypeInfo {
  pv1::IncidentType type;
  pv1::IncidentClass incident_class;
  bool property_crime;
  const char* name_zh;
};

// The taxonomy, one row per IncidentType but UNSPECIFIED, in enum order (see track.cc).
const std::vector<IncidentTypeInfo>& IncidentTypes();
// The row of a type; nullptr for UNSPECIFIED and unknown values.
const IncidentTypeInfo* FindIncidentType(pv1::IncidentType type);
// The row of a case category (the type's key, e.g. "THEFT"); nullptr when unknown.
const IncidentTypeInfo* FindIncidentTypeByKey(std::string_view key);
// Chinese name of a class ("刑事警情"); "" for UNSPECIFIED and unknown values.
std::string IncidentClassNameZh(pv1::IncidentClass incident_class);
// Chinese name of a case category ("THEFT" -> "盗窃"); the key itself when unknown.
std::string CategoryNameZh(const std::string& key);
// Case categories (type keys) of the types of any of `classes`, in enum order.
std::vector<std::string> CategoriesOfClasses(const std::vector<pv1::IncidentClass>& classes);
// Case categories of the property-crime types, in enum order.
std::vector<std::string> PropertyCrimeCategories();

// Incidents as cases: one state, RECORDED, without a clock or transitions; created by the
// police platform (system) or a district administrator.
const cases::TrackSpec& PolicingSpec();

// The plan's incident targets as indicators: total, criminal and public-order, and
// property-crime incidents, each down 5% on the same period last year.
std::vector<indicators::IndicatorSpec> PolicingIndicators();
// Every indicator the track serves: the incident targets, then linkage (LinkageIndicators) and
// forces and assets (AssetIndicators).
std::vector<indicators::IndicatorSpec> AllPolicingIndicators();
// Ranking dimensions (street, community, category) and category names (the types').
indicators::RankingSpec PolicingRankings();

// The running track: the rules, the incidents' case engine and the parts built on them
// (incidents, statistics, bulletins, key areas, linkage, assets), the indicator engine and the
// two gRPC services: governance.policing.v1.PolicingService, each method bound to the part
// that serves it (who may call it is declared in policing.proto), and IndicatorsService.
class PolicingTrack final : public server::Track {
 public:
  PolicingTrack(const server::TrackDeps& deps, std::unique_ptr<Rules> rules);

  std::vector<server::RpcService*> Services() override;
  absl::Status LoadDemoData() override;
  // The breach scan of incidents, key areas and linkage tasks, then bulletins of finished
  // periods and the sweep of undispatched non-police incidents. Runs everything even when one
  // fails, then returns the first error.
  absl::Status ScanBreaches() override;
  absl::Status RefreshGauges() override;

  cases::CaseEngine& engine() { return *engine_; }
  indicators::IndicatorEngine& indicator_engine() { return *indicators_; }
  const Rules& rules() const { return *rules_; }
  Incidents& incidents() { return *incidents_; }
  Bulletins& bulletins() { return *bulletins_; }
  KeyAreas& key_areas() { return *key_areas_; }
  Linkage& linkage() { return *linkage_; }
  Assets& assets() { return *assets_; }

 private:
  server::TrackDeps deps_;
  std::unique_ptr<Rules> rules_;
  std::unique_ptr<cases::CaseEngine> engine_;
  PolicingContext context_;
  std::unique_ptr<KeyAreas> key_areas_;
  std::unique_ptr<Bulletins> bulletins_;
  std::unique_ptr<Linkage> linkage_;
  std::unique_ptr<Assets> assets_;
  std::unique_ptr<Incidents> incidents_;
  std::unique_ptr<IncidentStatistics> statistics_;
  std::unique_ptr<indicators::IndicatorEngine> indicators_;
  std::unique_ptr<server::RpcService> rpc_;
  std::unique_ptr<server::RpcService> indicators_service_;
};

// The factory RunTrack calls (main.cc): reads the rules file (config rules_file), then builds
// the track.
absl::StatusOr<std::unique_ptr<server::Track>> MakePolicingTrack(const server::TrackDeps& deps);

}  // namespace gov::policing

#endif  // GOV_SERVICES_POLICING_TRACK_H_
