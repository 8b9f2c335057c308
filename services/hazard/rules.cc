#include "services/hazard/rules.h"

#include <algorithm>
#include <iterator>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "common/util/file.h"
#include "common/util/proto.h"
#include "common/util/status.h"
#include "common/util/validate.h"

namespace gov::hazard {
namespace {

namespace hv1 = ::governance::hazard::v1;
using governance::v1::Colour;

constexpr Colour kColours[] = {governance::v1::COLOUR_RED, governance::v1::COLOUR_ORANGE,
                               governance::v1::COLOUR_YELLOW, governance::v1::COLOUR_BLUE};

absl::Status Check(const cv1::HazardRules& data) {
  if (data.version().empty()) return InvalidField("version", "required");
  absl::flat_hash_set<int> sectors;
  for (int i = 0; i < data.sectors_size(); ++i) {
    const cv1::SectorRisk& s = data.sectors(i);
    const std::string at = absl::StrCat("sectors[", i, "]");
    if (s.sector() == hv1::SECTOR_UNSPECIFIED || !hv1::Sector_IsValid(s.sector())) {
      return InvalidField(absl::StrCat(at, ".sector"), "a sector");
    }
    if (!sectors.insert(s.sector()).second) {
      return InvalidField(absl::StrCat(at, ".sector"), "given twice");
    }
    GOV_RETURN_IF_ERROR(ValidateRange(s.risk(), 1, 4, absl::StrCat(at, ".risk")));
  }
  for (int n = 1; n <= hv1::Sector_MAX; ++n) {
    if (!sectors.contains(n)) {
      return InvalidField("sectors", absl::StrCat("no risk for ", hv1::Sector_Name(n)));
    }
  }
  GOV_RETURN_IF_ERROR(grading::Validate(
      data.grading(), {kMetricSectorRisk, kMetricFindings, kMetricOpen, kMetricMajorOpen},
      std::vector<Colour>(std::begin(kColours), std::end(kColours)), "grading"));
  absl::flat_hash_set<int> colours;
  for (int i = 0; i < data.inspections_size(); ++i) {
    const cv1::InspectionFrequency& f = data.inspections(i);
    const std::string at = absl::StrCat("inspections[", i, "]");
    if (std::find(std::begin(kColours), std::end(kColours), f.colour()) == std::end(kColours)) {
      return InvalidField(absl::StrCat(at, ".colour"), "red, orange, yellow or blue");
    }
    if (!colours.insert(f.colour()).second) {
      return InvalidField(absl::StrCat(at, ".colour"), "given twice");
    }
    GOV_RETURN_IF_ERROR(ValidateRange(f.days(), 1, 730, absl::StrCat(at, ".days")));
  }
  if (colours.size() != std::size(kColours)) {
    return InvalidField("inspections", "a frequency for each of the four colours");
  }
  absl::flat_hash_set<int> severities;
  for (int i = 0; i < data.deadlines_size(); ++i) {
    const cv1::RectificationDeadline& d = data.deadlines(i);
    const std::string at = absl::StrCat("deadlines[", i, "]");
    if (d.severity() == hv1::SEVERITY_UNSPECIFIED || !hv1::Severity_IsValid(d.severity())) {
      return InvalidField(absl::StrCat(at, ".severity"), "a severity");
    }
    if (!severities.insert(d.severity()).second) {
      return InvalidField(absl::StrCat(at, ".severity"), "given twice");
    }
    GOV_RETURN_IF_ERROR(ValidateRange(d.days(), 1, 365, absl::StrCat(at, ".days")));
  }
  if (severities.size() != static_cast<size_t>(hv1::Severity_MAX)) {
    return InvalidField("deadlines", "a deadline for each severity");
  }
  GOV_RETURN_IF_ERROR(ValidateRange(data.verify_working_days(), 1, 60, "verify_working_days"));
  return ValidateRange(data.renewal_grace_days(), 0, 365, "renewal_grace_days");
}

}  // namespace

Rules::Rules(cv1::HazardRules data) : data_(std::move(data)) {
  for (const cv1::SectorRisk& s : data_.sectors()) sector_risk_[s.sector()] = s.risk();
  for (const cv1::InspectionFrequency& f : data_.inspections()) {
    inspection_days_[f.colour()] = f.days();
  }
  for (const cv1::RectificationDeadline& d : data_.deadlines()) {
    deadline_days_[d.severity()] = d.days();
  }
}

absl::StatusOr<std::unique_ptr<Rules>> Rules::LoadFile(const std::string& path,
                                                       const regions::RegionRegistry& regions) {
  return LoadRulesFile<Rules, cv1::HazardRules>(path, "hazard rules", regions);
}

absl::StatusOr<std::unique_ptr<Rules>> Rules::FromProto(cv1::HazardRules data,
                                                        const regions::RegionRegistry&) {
  GOV_RETURN_IF_ERROR(Check(data));
  return std::unique_ptr<Rules>(new Rules(std::move(data)));
}

int Rules::SectorRisk(hv1::Sector sector) const {
  const auto it = sector_risk_.find(sector);
  return it == sector_risk_.end() ? 1 : it->second;
}

Colour Rules::Grade(const grading::Metrics& metrics) const {
  return grading::Grade(data_.grading(), metrics);
}

int Rules::InspectionDays(Colour colour) const {
  const auto it = inspection_days_.find(colour);
  return it == inspection_days_.end() ? 365 : it->second;
}

absl::Duration Rules::RectificationTime(hv1::Severity severity) const {
  const auto it = deadline_days_.find(severity);
  return absl::Hours(24 * (it == deadline_days_.end() ? 15 : it->second));
}

}  // namespace gov::hazard
