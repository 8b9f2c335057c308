#include "tests/support/metrics.h"

namespace gov::testing {

std::optional<double> MetricSum(prometheus::Registry& registry, const std::string& name,
                                const std::map<std::string, std::string>& labels) {
  double sum = 0;
  bool found = false;
  for (const auto& family : registry.Collect()) {
    if (family.name != name) continue;
    for (const auto& metric : family.metric) {
      size_t matched = 0;
      for (const auto& label : metric.label) {
        auto it = labels.find(label.name);
        if (it != labels.end() && it->second == label.value) ++matched;
      }
      if (matched != labels.size()) continue;
      found = true;
      switch (family.type) {
        case prometheus::MetricType::Counter:
          sum += metric.counter.value;
          break;
        case prometheus::MetricType::Gauge:
          sum += metric.gauge.value;
          break;
        case prometheus::MetricType::Histogram:
          sum += static_cast<double>(metric.histogram.sample_count);
          break;
        default:
          break;
      }
    }
  }
  if (!found) return std::nullopt;
  return sum;
}

}  // namespace gov::testing
