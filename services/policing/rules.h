#ifndef GOV_SERVICES_POLICING_RULES_H_
#define GOV_SERVICES_POLICING_RULES_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "common/regions/regions.h"
#include "common/routing/routing_table.h"
#include "governance/config/v1/policing.pb.h"
#include "governance/policing/v1/policing.pb.h"
#include "governance/v1/grading.pb.h"

// The policing track's rules file (data/policing.json, governance.config.v1.PolicingRules):
// loaded and checked once at start; immutable afterwards.
namespace gov::policing {

namespace cv1 = ::governance::config::v1;

// Metrics a bulletin grading may name (see BulletinGrading in the proto).
inline constexpr char kMetricCount[] = "count";
inline constexpr char kMetricLastYearCount[] = "last_year_count";
inline constexpr char kMetricChange[] = "change_basis_points";
inline constexpr char kMetricShare[] = "share_basis_points";

class Rules {
 public:
  // Reads and checks the file: every (period kind, level) graded exactly once with RED, YELLOW
  // and BLUE only, conditions on known metrics, hot_areas 1..50, dominant_types 1..10, the
  // key-area rules in range, linkage unit ids unique and non-empty, every route's unit known,
  // its type non-police, its street (when set) in `regions`, and every non-police type routed
  // for every street. Errors name the offending entry, e.g. "linkage_routes[4].unit_id".
  static absl::StatusOr<std::unique_ptr<Rules>> LoadFile(const std::string& path,
                                                         const regions::RegionRegistry& regions);
  static absl::StatusOr<std::unique_ptr<Rules>> FromProto(cv1::PolicingRules data,
                                                          const regions::RegionRegistry& regions);

  const cv1::PolicingRules& data() const { return data_; }
  const std::string& version() const { return data_.version(); }

  // The grading of a (period kind, level); never null after a successful load.
  const governance::v1::ColourGrading& Grading(cv1::BulletinPeriodKind kind,
                                               cv1::BulletinLevel level) const;
  int hot_areas() const { return data_.hot_areas(); }
  int dominant_types() const { return data_.dominant_types(); }
  const cv1::KeyAreaRules& key_area_rules() const { return data_.key_area_rules(); }

  // The linkage units, in file order.
  const std::vector<governance::policing::v1::LinkageUnit>& linkage_units() const { return units_; }
  // A unit by id; nullptr when unknown.
  const governance::policing::v1::LinkageUnit* FindUnit(std::string_view id) const;
  // The unit a non-police incident of `type` on `street_id` goes to: the first route whose type
  // matches and whose street is the incident's or empty; nullptr when none (a police type).
  const governance::policing::v1::LinkageUnit* Route(governance::policing::v1::IncidentType type,
                                                     std::string_view street_id) const;

 private:
  Rules(cv1::PolicingRules data, routing::RoutingTable table);

  cv1::PolicingRules data_;
  routing::RoutingTable table_;
  std::vector<governance::policing::v1::LinkageUnit> units_;
};

}  // namespace gov::policing

#endif  // GOV_SERVICES_POLICING_RULES_H_
