#ifndef GOV_SERVICES_DISORDER_RULES_H_
#define GOV_SERVICES_DISORDER_RULES_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/cases/calendar.h"
#include "common/cases/repeats.h"
#include "common/regions/regions.h"
#include "common/routing/routing_table.h"
#include "governance/config/v1/disorder.pb.h"
#include "governance/disorder/v1/disorder.pb.h"

// The disorder track's rules file (data/disorder.json, governance.config.v1.DisorderRules):
// loaded and checked once at start; immutable afterwards.
namespace gov::disorder {

namespace cv1 = ::governance::config::v1;
namespace dv1 = ::governance::disorder::v1;

// Every complaint category (UNSPECIFIED excluded), in number order.
const std::vector<dv1::ComplaintCategory>& AllCategories();
// The category's name as the plan words it (its enum key for a value this table does not
// know).
std::string CategoryNameZh(dv1::ComplaintCategory category);

// Fume limits (mg/m³) a rules file or a restaurant may set.
inline constexpr double kMinFumeLimit = 0.1;
inline constexpr double kMaxFumeLimit = 20;

class Rules {
 public:
  // Reads and checks the file: version set; unit ids unique and non-empty, names non-empty;
  // every route's category set, street (when set) in `regions`, unit known; every category
  // routed on every street; every category's SLA given once, 1..60 working days;
  // rework_working_days 1..60; callback_working_days 1..30; repeat_rule window_days 1..365,
  // radius_meters 1..5000; fume_rule limit_mg_m3 0.1..20, quiet_minutes 5..1440;
  // enforcement_working_days 1..90; joint_enforcement, when given: the team a known unit, at
  // least one category (known, each once; every route of each names the team), at least one
  // unit to add (known, each once, not the team); monthly_remediation_categories known, each
  // once. Errors are INVALID_ARGUMENT naming the entry, e.g. "routes[4].unit_id".
  static absl::StatusOr<std::unique_ptr<Rules>> LoadFile(const std::string& path,
                                                         const regions::RegionRegistry& regions);
  static absl::StatusOr<std::unique_ptr<Rules>> FromProto(cv1::DisorderRules data,
                                                          const regions::RegionRegistry& regions);

  const cv1::DisorderRules& data() const { return data_; }
  const std::string& version() const { return data_.version(); }

  // The units, by id.
  const std::vector<dv1::Unit>& units() const { return units_; }
  const dv1::Unit* FindUnit(std::string_view id) const;
  // The unit of the first route matching the category and street; never null after a
  // successful load for a known category and street.
  const dv1::Unit* Route(dv1::ComplaintCategory category, std::string_view street_id) const;

  // Intake to resolution for the category.
  cal::Sla CategorySla(dv1::ComplaintCategory category) const;
  cal::Sla ReworkSla() const;
  cal::Sla CallbackSla() const;
  // The fume limit in force for a restaurant whose own limit is `own_limit` (0: none).
  double FumeLimit(double own_limit) const;
  // A reading over the limit this long after the last one starts a new episode.
  absl::Duration FumeQuiet() const;
  // A finding's investigation.
  cal::Sla EnforcementSla() const;
  // The repeat rule with the given open states.
  cases::RepeatRule Repeats(std::vector<std::string> open_statuses) const;

  // Joint enforcement: whether complaints of the category go to the joint enforcement team and
  // take added units; the unit `id` when it is one that may be added (nullptr otherwise).
  bool IsJointCategory(dv1::ComplaintCategory category) const;
  const dv1::Unit* JointUnit(std::string_view id) const;
  // The categories under routine monthly remediation, in number order (every category when the
  // file names none).
  const std::vector<dv1::ComplaintCategory>& MonthlyRemediationCategories() const {
    return monthly_;
  }

 private:
  Rules(cv1::DisorderRules data, routing::RoutingTable table);

  cv1::DisorderRules data_;
  routing::RoutingTable table_;
  std::vector<dv1::Unit> units_;
  std::vector<dv1::ComplaintCategory> monthly_;
};

}  // namespace gov::disorder

#endif  // GOV_SERVICES_DISORDER_RULES_H_
