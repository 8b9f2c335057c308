#ifndef GOV_TESTS_SUPPORT_METRICS_H_
#define GOV_TESTS_SUPPORT_METRICS_H_

#include <map>
#include <optional>
#include <string>

#include "prometheus/registry.h"

namespace gov::testing {

// Sum over the series of `name` whose labels include all of `labels`: counter and gauge values,
// histogram sample counts. nullopt when no series matches (e.g. a gauge removed for lack of
// data).
std::optional<double> MetricSum(prometheus::Registry& registry, const std::string& name,
                                const std::map<std::string, std::string>& labels);

// MetricSum, with 0 for "no series".
inline double MetricValue(prometheus::Registry& registry, const std::string& name,
                          const std::map<std::string, std::string>& labels) {
  return MetricSum(registry, name, labels).value_or(0);
}

}  // namespace gov::testing

#endif  // GOV_TESTS_SUPPORT_METRICS_H_
