#include "tests/support/metrics.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"

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

std::string HttpGet(int port, const std::string& path) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return "";
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  std::string reply;
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0) {
    const std::string request =
        absl::StrCat("GET ", path, " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    if (write(fd, request.data(), request.size()) == static_cast<ssize_t>(request.size())) {
      char buffer[8192];
      ssize_t n;
      while ((n = read(fd, buffer, sizeof(buffer))) > 0) reply.append(buffer, n);
    }
  }
  close(fd);
  return reply;
}

std::optional<double> ExpositionSum(const std::string& exposition, const std::string& name,
                                    const std::map<std::string, std::string>& labels) {
  double sum = 0;
  bool found = false;
  for (absl::string_view line : absl::StrSplit(exposition, '\n')) {
    if (line.empty() || line[0] == '#') continue;
    const size_t space = line.rfind(' ');
    if (space == absl::string_view::npos) continue;
    absl::string_view series = line.substr(0, space);
    const size_t brace = series.find('{');
    if (series.substr(0, brace) != name) continue;
    absl::string_view label_text =
        brace == absl::string_view::npos ? absl::string_view() : series.substr(brace);
    bool all = true;
    for (const auto& [key, value] : labels) {
      // Values the services emit carry no quotes or backslashes, so a plain match is exact.
      all = all && absl::StrContains(label_text, absl::StrCat(key, "=\"", value, "\""));
    }
    double sample = 0;
    if (!all || !absl::SimpleAtod(line.substr(space + 1), &sample)) continue;
    sum += sample;
    found = true;
  }
  if (!found) return std::nullopt;
  return sum;
}

}  // namespace gov::testing
