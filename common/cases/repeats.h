#ifndef GOV_COMMON_CASES_REPEATS_H_
#define GOV_COMMON_CASES_REPEATS_H_

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/store/repository.h"

// Repeat detection, declared by data: a new case repeats an open case of the same track and
// category taken in within a window before it, at the same place — within a radius when both
// have coordinates, else in the same grid. Used by disorder's complaints; meant for every
// track that links repeated reports (hazards reported twice, compound friction).
namespace gov::cases {

// WGS-84 degrees.
struct GeoPoint {
  double latitude = 0;
  double longitude = 0;
};

// Great-circle distance in metres (haversine, mean Earth radius 6,371,008.8 m).
double DistanceMeters(const GeoPoint& a, const GeoPoint& b);

struct RepeatRule {
  absl::Duration window;     // how far back; a case taken in exactly `window` before counts
  double radius_meters = 0;  // with coordinates on both sides: at most this far apart
  std::vector<std::string> open_statuses;  // the states a case can be repeated in
};

// What is being taken in.
struct RepeatProbe {
  std::string track;
  std::string category;
  std::string grid_id;               // "" = none
  std::optional<GeoPoint> location;  // unset = none
  absl::Time at;                     // its intake time
};

// Reads a candidate's coordinates (kept in the track's payload); nullopt when it has none.
using LocationOf = std::function<std::optional<GeoPoint>(const store::CaseRecord&)>;

// The open case `probe` repeats, or nullopt: among the track's cases of the category in
// `open_statuses` created in [at - window, at], those at the same place (both located: distance
// <= radius; otherwise both in the same non-empty grid), the earliest created (ties by id) —
// the original report the others repeat. Reads the store directly (no cache, no scope: the
// caller decides what to do with a case outside the reporter's view).
absl::StatusOr<std::optional<store::CaseRecord>> FindRepeatOf(store::Repository& repo,
                                                              const RepeatProbe& probe,
                                                              const RepeatRule& rule,
                                                              const LocationOf& location_of);

}  // namespace gov::cases

#endif  // GOV_COMMON_CASES_REPEATS_H_
