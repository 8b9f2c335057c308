#include "common/grading/colour_grading.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/util/status.h"

namespace gov::grading {
namespace {

using governance::v1::Colour;

bool Allowed(Colour colour, const std::vector<Colour>& colours) {
  return std::find(colours.begin(), colours.end(), colour) != colours.end();
}

std::string ColourList(const std::vector<Colour>& colours) {
  std::vector<std::string> names;
  names.reserve(colours.size());
  for (Colour c : colours) names.push_back(governance::v1::Colour_Name(c));
  return absl::StrJoin(names, ", ");
}

}  // namespace

absl::Status Validate(const governance::v1::ColourGrading& grading,
                      const std::vector<std::string>& metrics, const std::vector<Colour>& colours,
                      const std::string& field) {
  if (grading.bands().empty()) {
    return InvalidField(absl::StrCat(field, ".bands"), "at least one band");
  }
  if (!Allowed(grading.otherwise(), colours)) {
    return InvalidField(absl::StrCat(field, ".otherwise"),
                        absl::StrCat("one of ", ColourList(colours)));
  }
  for (int b = 0; b < grading.bands_size(); ++b) {
    const governance::v1::ColourBand& band = grading.bands(b);
    const std::string band_field = absl::StrCat(field, ".bands[", b, "]");
    if (!Allowed(band.colour(), colours)) {
      return InvalidField(absl::StrCat(band_field, ".colour"),
                          absl::StrCat("one of ", ColourList(colours)));
    }
    for (int c = 0; c < band.all_of_size(); ++c) {
      const governance::v1::ColourCondition& cond = band.all_of(c);
      const std::string cond_field = absl::StrCat(band_field, ".all_of[", c, "]");
      if (std::find(metrics.begin(), metrics.end(), cond.metric()) == metrics.end()) {
        return InvalidField(
            absl::StrCat(cond_field, ".metric"),
            absl::StrCat("\"", cond.metric(), "\" is not one of ", absl::StrJoin(metrics, ", ")));
      }
      if (!cond.has_at_least() && !cond.has_below()) {
        return InvalidField(cond_field, "a condition needs at_least or below");
      }
      if (cond.has_at_least() && cond.has_below() && cond.at_least() >= cond.below()) {
        return InvalidField(cond_field, "at_least must be less than below");
      }
    }
  }
  return absl::OkStatus();
}

bool Applies(const governance::v1::ColourBand& band, const Metrics& values) {
  for (const governance::v1::ColourCondition& cond : band.all_of()) {
    auto it = values.find(cond.metric());
    if (it == values.end()) return false;
    if (cond.has_at_least() && it->second < cond.at_least()) return false;
    if (cond.has_below() && it->second >= cond.below()) return false;
  }
  return true;
}

Colour Grade(const governance::v1::ColourGrading& grading, const Metrics& values) {
  for (const governance::v1::ColourBand& band : grading.bands()) {
    if (Applies(band, values)) return band.colour();
  }
  return grading.otherwise();
}

}  // namespace gov::grading
