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
#include "services/policing/policing_service.h"

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

// The plan's targets as indicators: total, criminal and public-order, and property-crime
// incidents, each down 5% on the same period last year.
std::vector<indicators::IndicatorSpec> PolicingIndicators();
// Ranking dimensions (street, community, category) and category names (the types').
indicators::RankingSpec PolicingRankings();

// The running track: the case engine, the indicator engine and the two gRPC services.
class PolicingTrack final : public server::Track {
 public:
  explicit PolicingTrack(const server::TrackDeps& deps);

  std::vector<grpc::Service*> Services() override;
  std::vector<std::string> ServiceNames() override;
  absl::Status LoadDemoData() override;
  absl::Status ScanBreaches() override;
  absl::Status RefreshGauges() override;

  cases::CaseEngine& engine() { return *engine_; }
  indicators::IndicatorEngine& indicator_engine() { return *indicators_; }

 private:
  server::TrackDeps deps_;
  std::unique_ptr<cases::CaseEngine> engine_;
  std::unique_ptr<indicators::IndicatorEngine> indicators_;
  std::unique_ptr<PolicingServiceImpl> service_;
  std::unique_ptr<indicators::IndicatorsServiceImpl> indicators_service_;
};

// The factory RunTrack calls (main.cc).
absl::StatusOr<std::unique_ptr<server::Track>> MakePolicingTrack(const server::TrackDeps& deps);

}  // namespace gov::policing

#endif  // GOV_SERVICES_POLICING_TRACK_H_
