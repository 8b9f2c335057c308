#include "common/cases/repeats.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "common/util/status.h"

namespace gov::cases {
namespace {

constexpr double kEarthRadiusMeters = 6371008.8;
constexpr double kPi = 3.14159265358979323846;
// Candidates read per ListCases call.
constexpr int kPageSize = 500;

double Radians(double degrees) { return degrees * kPi / 180.0; }

// Whether `candidate` is at the probe's place: both located and within the radius, or (when
// either has no coordinates) both in the same non-empty grid.
bool SamePlace(const RepeatProbe& probe, const RepeatRule& rule, const store::CaseRecord& candidate,
               const LocationOf& location_of) {
  if (probe.location.has_value()) {
    const std::optional<GeoPoint> there =
        location_of ? location_of(candidate) : std::optional<GeoPoint>();
    if (there.has_value()) return DistanceMeters(*probe.location, *there) <= rule.radius_meters;
  }
  return !probe.grid_id.empty() && candidate.grid_id == probe.grid_id;
}

// Whether `a` was created before `b` (ties by id).
bool Earlier(const store::CaseRecord& a, const store::CaseRecord& b) {
  if (a.create_time != b.create_time) return a.create_time < b.create_time;
  return a.id < b.id;
}

}  // namespace

double DistanceMeters(const GeoPoint& a, const GeoPoint& b) {
  const double phi1 = Radians(a.latitude);
  const double phi2 = Radians(b.latitude);
  const double dphi = Radians(b.latitude - a.latitude);
  const double dlambda = Radians(b.longitude - a.longitude);
  const double s = std::sin(dphi / 2);
  const double t = std::sin(dlambda / 2);
  const double h = s * s + std::cos(phi1) * std::cos(phi2) * t * t;
  return 2 * kEarthRadiusMeters * std::asin(std::min(1.0, std::sqrt(h)));
}

absl::StatusOr<std::optional<store::CaseRecord>> FindRepeatOf(store::Repository& repo,
                                                              const RepeatProbe& probe,
                                                              const RepeatRule& rule,
                                                              const LocationOf& location_of) {
  // Without coordinates only the grid places the probe; without either, nothing repeats.
  if (!probe.location.has_value() && probe.grid_id.empty()) return std::nullopt;
  if (rule.open_statuses.empty()) return std::nullopt;

  store::CaseFilter filter;
  filter.track = probe.track;
  filter.categories = {probe.category};
  filter.statuses = rule.open_statuses;
  filter.created_from = probe.at - rule.window;
  // The store keeps microseconds and the bound is exclusive: one microsecond on makes `at`
  // itself count.
  filter.created_to = probe.at + absl::Microseconds(1);
  // Located probes match located candidates across grid borders, so only an unlocated probe
  // can narrow the query to its grid.
  if (!probe.location.has_value()) filter.grid_id = probe.grid_id;
  filter.limit = kPageSize;

  std::optional<store::CaseRecord> earliest;
  while (true) {
    GOV_ASSIGN_OR_RETURN(std::vector<store::CaseRecord> page, repo.ListCases(filter));
    for (const store::CaseRecord& candidate : page) {
      if (!SamePlace(probe, rule, candidate, location_of)) continue;
      if (!earliest.has_value() || Earlier(candidate, *earliest)) earliest = candidate;
    }
    if (static_cast<int>(page.size()) < kPageSize) break;
    // Pages run newest first; the next one starts strictly older than this one's last row.
    filter.after_create_time = page.back().create_time;
    filter.after_id = page.back().id;
  }
  return earliest;
}

}  // namespace gov::cases
