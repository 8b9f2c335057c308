#ifndef GOV_COMMON_INDICATORS_FANOUT_H_
#define GOV_COMMON_INDICATORS_FANOUT_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "google/protobuf/message.h"
#include "governance/v1/indicators.pb.h"

namespace gov::cache {
class Cache;
}
namespace gov::peers {
class Peers;
}

// Reading the shared governance.v1.IndicatorsService of several tracks at once: the one
// contract a view over the whole suite (the digital track's cockpits) is built on. Every other
// track is called over gRPC with this service's peer token, all at once, each within a deadline;
// the calling track's own indicators are evaluated in process. A track that is down or slow
// leaves its answer empty with the reason; the others are not held up. What a caller builds of
// the answers may be kept in the cache for a few seconds.
namespace gov::indicators {

class IndicatorEngine;

// What one track is asked.
struct TrackAsk {
  std::string track;  // "mediation"
  governance::v1::ListIndicatorsRequest request;
};

// One track's answer.
struct TrackAnswer {
  std::string track;
  // OK, or why `response` is empty: UNAVAILABLE (the track cannot be reached, is draining or
  // busy), DEADLINE_EXCEEDED (no answer in time), or the code the track answered with (e.g.
  // INVALID_ARGUMENT for an indicator id it does not know).
  absl::StatusCode code = absl::StatusCode::kOk;
  std::string message;
  governance::v1::ListIndicatorsResponse response;
};

class FanOut {
 public:
  // `own_track` is the calling track, whose `own` engine answers in process (as the service
  // itself, district-wide); `peers` reaches the others; `cache` may be null (nothing kept).
  // All outlive the fan-out.
  FanOut(std::string own_track, IndicatorEngine* own, const peers::Peers* peers,
         cache::Cache* cache);

  // Asks every track of `asks` at once and returns their answers in the same order, when all
  // have answered or `deadline` has passed (the peers' own deadline applies too).
  std::vector<TrackAnswer> Ask(const std::vector<TrackAsk>& asks, absl::Time deadline) const;

  // What a caller kept under `key` (its own key space: the calling track's), read into `out`;
  // false when nothing is kept, the cache cannot be reached, or the copy cannot be read.
  bool Cached(std::string_view key, google::protobuf::Message* out) const;
  // Keeps `value` under `key` for `ttl` (nothing when `ttl` is not positive).
  void Keep(std::string_view key, const google::protobuf::Message& value, absl::Duration ttl) const;

 private:
  std::string CacheKey(std::string_view key) const;

  const std::string own_track_;
  IndicatorEngine* const own_;
  const peers::Peers* const peers_;
  cache::Cache* const cache_;
};

}  // namespace gov::indicators

#endif  // GOV_COMMON_INDICATORS_FANOUT_H_
