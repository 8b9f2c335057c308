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

// A plain HTTP/1.1 GET on 127.0.0.1:`port` (for a service's /metrics); the whole reply: status
// line, headers and body. "" when nothing answers.
std::string HttpGet(int port, const std::string& path);

// MetricSum over Prometheus text exposition (a scraped /metrics body): the sum of the samples
// named exactly `name` (a counter's or gauge's series, or a histogram's "_count") whose labels
// include all of `labels`; nullopt when none matches.
std::optional<double> ExpositionSum(const std::string& exposition, const std::string& name,
                                    const std::map<std::string, std::string>& labels);

}  // namespace gov::testing

#endif  // GOV_TESTS_SUPPORT_METRICS_H_
