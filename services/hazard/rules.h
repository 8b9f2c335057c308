#ifndef GOV_SERVICES_HAZARD_RULES_H_
#define GOV_SERVICES_HAZARD_RULES_H_

#include <memory>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/grading/colour_grading.h"
#include "common/regions/regions.h"
#include "governance/config/v1/hazard.pb.h"
#include "governance/hazard/v1/hazard.pb.h"

// The hazard track's rules file (data/hazard.json, governance.config.v1.HazardRules): each
// sector's inherent risk, the four-colour grading of enterprises, the inspection frequency of
// each colour, the rectification deadline of each severity, the verification's working days and
// the grace of an elevator policy's renewal. Loaded and checked at start; a wrong file keeps the
// service from starting, naming the entry.
namespace gov::hazard {

namespace cv1 = ::governance::config::v1;

// The metrics an enterprise is graded on (HazardRules.grading).
inline constexpr char kMetricSectorRisk[] = "sector_risk";
inline constexpr char kMetricFindings[] = "findings";
inline constexpr char kMetricOpen[] = "open";
inline constexpr char kMetricMajorOpen[] = "major_open";

class Rules {
 public:
  static absl::StatusOr<std::unique_ptr<Rules>> LoadFile(const std::string& path,
                                                         const regions::RegionRegistry& regions);
  static absl::StatusOr<std::unique_ptr<Rules>> FromProto(cv1::HazardRules data,
                                                          const regions::RegionRegistry& regions);

  const cv1::HazardRules& data() const { return data_; }
  const std::string& version() const { return data_.version(); }

  // The sector's inherent risk, 1 to 4.
  int SectorRisk(governance::hazard::v1::Sector sector) const;
  // The colour an enterprise earns with `metrics` (kMetric*).
  governance::v1::Colour Grade(const grading::Metrics& metrics) const;
  // Days from one inspection to the next for an enterprise of `colour`.
  int InspectionDays(governance::v1::Colour colour) const;
  // How long a hazard of `severity` has to be rectified.
  absl::Duration RectificationTime(governance::hazard::v1::Severity severity) const;
  int verify_working_days() const { return data_.verify_working_days(); }
  int renewal_grace_days() const { return data_.renewal_grace_days(); }

 private:
  explicit Rules(cv1::HazardRules data);
  cv1::HazardRules data_;
  absl::flat_hash_map<int, int> sector_risk_;
  absl::flat_hash_map<int, int> inspection_days_;
  absl::flat_hash_map<int, int> deadline_days_;
};

}  // namespace gov::hazard

#endif  // GOV_SERVICES_HAZARD_RULES_H_
