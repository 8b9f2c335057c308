#ifndef GOV_COMMON_INDICATORS_TARGETS_H_
#define GOV_COMMON_INDICATORS_TARGETS_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/indicators/indicators.h"
#include "governance/config/v1/targets.pb.h"

// The targets file (data/targets.json, governance.config.v1.Targets): every indicator's target
// and where it comes from — the plan's, with its clause, or the district's own, with the
// reason. The tracks declare how an indicator is measured and compared (IndicatorSpec); the
// number they are graded against is the file's, so a target changes in a reviewed change of the
// file, never in code.
namespace gov::indicators {

class TargetBook {
 public:
  // Reads and checks the file: version set; each entry names a track and an indicator, once;
  // source PLAN with a plan_clause (and no reason) or DISTRICT with a reason (and no clause).
  // Errors are INVALID_ARGUMENT naming the entry ("targets[3].plan_clause").
  static absl::StatusOr<std::unique_ptr<TargetBook>> LoadFile(const std::string& path);
  static absl::StatusOr<std::unique_ptr<TargetBook>> FromProto(
      governance::config::v1::Targets data);

  // Gives every spec of `track` with a target kind its target, source, clause or reason from
  // the file. INTERNAL naming the indicator when one with a target kind has no entry, or when
  // an entry of the track names an indicator without a target kind or none at all.
  absl::Status Apply(const std::string& track, std::vector<IndicatorSpec>& specs) const;

  const governance::config::v1::Targets& data() const { return data_; }

 private:
  explicit TargetBook(governance::config::v1::Targets data) : data_(std::move(data)) {}

  governance::config::v1::Targets data_;
};

}  // namespace gov::indicators

#endif  // GOV_COMMON_INDICATORS_TARGETS_H_
