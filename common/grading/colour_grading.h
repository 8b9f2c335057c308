#ifndef GOV_COMMON_GRADING_COLOUR_GRADING_H_
#define GOV_COMMON_GRADING_COLOUR_GRADING_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "governance/v1/grading.pb.h"

// Colour grading by thresholds declared as data (governance.v1.ColourGrading): a track computes
// named metrics for a thing and the configured bands say which colour they earn. Used by
// policing's three-colour bulletins; meant for every grading by colour (hazard risk grades,
// fee warnings), so that a new one is a rules file, not code.
namespace gov::grading {

// The metrics computed for one thing. A metric left out (e.g. a change on last year when last
// year had none) makes every condition on it false.
using Metrics = absl::flat_hash_map<std::string, int64_t>;

// Checks a grading read from a file: at least one band, every band's colour and `otherwise`
// among `colours`, every condition naming one of `metrics` and bounding it (at_least or below,
// at_least < below when both). Errors are INVALID_ARGUMENT naming the offending field under
// `field`, e.g. "bulletin_gradings[2].grading.bands[0].all_of[1].metric".
absl::Status Validate(const governance::v1::ColourGrading& grading,
                      const std::vector<std::string>& metrics,
                      const std::vector<governance::v1::Colour>& colours, const std::string& field);

// True when every condition of `band` holds for `values`.
bool Applies(const governance::v1::ColourBand& band, const Metrics& values);

// The colour of the first band that applies, `otherwise` when none does.
governance::v1::Colour Grade(const governance::v1::ColourGrading& grading, const Metrics& values);

}  // namespace gov::grading

#endif  // GOV_COMMON_GRADING_COLOUR_GRADING_H_
