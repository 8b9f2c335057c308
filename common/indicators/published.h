#ifndef GOV_COMMON_INDICATORS_PUBLISHED_H_
#define GOV_COMMON_INDICATORS_PUBLISHED_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "common/auth/auth.h"
#include "common/clock/clock.h"
#include "common/indicators/indicators.h"
#include "common/registry/registry.h"
#include "governance/v1/indicators.pb.h"

// The monthly rankings as published (每月排名通报): once a month is over, the district's ranking
// in every dimension the track ranks is composed by the IndicatorEngine and stored once, as an
// immutable record listable by month (IndicatorsService.PublishRankings, GetPublishedRankings,
// ListPublishedRankings). The server publishes each finished month by itself (a sweep); the demo
// loader publishes the months of its data.
//
// Rows (RankingsLayout(track)): kind "ranking", ids "RK-…", key the month "YYYY-MM" (so a year
// is a key prefix and keys sort by month), no street (published to the whole district); the
// payload is the PublishedRankings without its id.
namespace gov::indicators {

registry::Layout RankingsLayout(const std::string& track);

class RankingsPublisher {
 public:
  // Everything outlives the publisher. `rankings` is the track's RankingsLayout registry.
  RankingsPublisher(IndicatorEngine* engine, const registry::Registry* rankings,
                    const Clock* clock);

  // The RPCs (after the shared handler's authentication and the declared access).
  absl::StatusOr<governance::v1::PublishRankingsResponse> Publish(
      const auth::Principal& who, const governance::v1::PublishRankingsRequest& request);
  absl::StatusOr<governance::v1::GetPublishedRankingsResponse> Get(
      const auth::Principal& who, const governance::v1::GetPublishedRankingsRequest& request);
  absl::StatusOr<governance::v1::ListPublishedRankingsResponse> List(
      const auth::Principal& who, const governance::v1::ListPublishedRankingsRequest& request);

  // The server's upkeep: publishes the last finished month unless it is; true when this call
  // stored it. A track that ranks nothing publishes nothing.
  absl::StatusOr<bool> PublishDue();
  // Publishes every finished month from the one containing `first` (demo data); how many this
  // call stored.
  absl::StatusOr<int> PublishSince(absl::CivilDay first);

 private:
  struct Published {
    governance::v1::PublishedRankings rankings;
    bool already = false;
  };
  absl::StatusOr<Published> PublishMonth(const std::string& by, absl::CivilMonth month);
  absl::StatusOr<std::optional<governance::v1::PublishedRankings>> Find(
      absl::CivilMonth month) const;
  absl::StatusOr<governance::v1::PublishedRankings> Decode(const store::EntityRecord& row) const;

  IndicatorEngine* const engine_;
  const registry::Registry* const rankings_;
  const Clock* const clock_;
};

}  // namespace gov::indicators

#endif  // GOV_COMMON_INDICATORS_PUBLISHED_H_
