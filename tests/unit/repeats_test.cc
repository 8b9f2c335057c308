// Repeat detection (common/cases/repeats): the great-circle distance, and FindRepeatOf against
// both stores, SQLite (a real file) and PostgreSQL (a real server) — the window and radius
// boundaries, the grid fallback, and which candidates never count.

#include "common/cases/repeats.h"

#include <cmath>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/cases/calendar.h"
#include "common/store/repository.h"
#include "gtest/gtest.h"
#include "tests/support/store_fixture.h"

namespace gov::cases {
namespace {

using ::gov::testing::Backend;

constexpr char kTrack[] = "disorder";
constexpr char kNoise[] = "NOISE";
constexpr char kGrid[] = "GS01-C01-G01";
constexpr char kOtherGrid[] = "GS01-C01-G02";
constexpr double kEarthRadius = 6371008.8;
constexpr double kPi = 3.14159265358979323846;

// A point in the demo district (Hangzhou, 拱墅).
const GeoPoint kOrigin{30.3197, 120.1412};

// 2026-03-02 09:00:00.000123 in the district, with sub-second digits so microsecond storage
// is exercised.
absl::Time At() {
  return absl::FromCivil(absl::CivilSecond(2026, 3, 2, 9, 0, 0), cal::DistrictZone()) +
         absl::Microseconds(123);
}

// The point `meters` from `from` along the initial bearing `degrees` (clockwise from north),
// on the same sphere DistanceMeters uses.
GeoPoint Destination(const GeoPoint& from, double degrees, double meters) {
  const double phi1 = from.latitude * kPi / 180;
  const double lambda1 = from.longitude * kPi / 180;
  const double theta = degrees * kPi / 180;
  const double delta = meters / kEarthRadius;
  const double phi2 = std::asin(std::sin(phi1) * std::cos(delta) +
                                std::cos(phi1) * std::sin(delta) * std::cos(theta));
  const double lambda2 = lambda1 + std::atan2(std::sin(theta) * std::sin(delta) * std::cos(phi1),
                                              std::cos(delta) - std::sin(phi1) * std::sin(phi2));
  return {phi2 * 180 / kPi, lambda2 * 180 / kPi};
}

// Candidates keep their coordinates in the payload as "lat,lng" ("" = none).
std::optional<GeoPoint> PayloadLocation(const store::CaseRecord& r) {
  if (r.payload.empty()) return std::nullopt;
  std::vector<std::string> parts = absl::StrSplit(r.payload, ',');
  GeoPoint p;
  if (parts.size() != 2 || !absl::SimpleAtod(parts[0], &p.latitude) ||
      !absl::SimpleAtod(parts[1], &p.longitude)) {
    return std::nullopt;
  }
  return p;
}

RepeatRule Rule() {
  RepeatRule rule;
  rule.window = absl::Hours(24 * 30);
  rule.radius_meters = 50;
  rule.open_statuses = {"DISPATCHED", "HANDLING", "RESOLVED"};
  return rule;
}

RepeatProbe Probe(std::optional<GeoPoint> location, std::string grid = kGrid,
                  std::string category = kNoise) {
  RepeatProbe probe;
  probe.track = kTrack;
  probe.category = std::move(category);
  probe.grid_id = std::move(grid);
  probe.location = location;
  probe.at = At();
  return probe;
}

TEST(RepeatsDistanceTest, KnownDistances) {
  EXPECT_DOUBLE_EQ(DistanceMeters(kOrigin, kOrigin), 0);
  // 0.001 degrees of latitude: R * pi / 180 / 1000.
  EXPECT_NEAR(DistanceMeters({30, 120}, {30.001, 120}), 111.195, 0.001);
  // One degree of longitude on the equator.
  EXPECT_NEAR(DistanceMeters({0, 0}, {0, 1}), 111195.08, 0.01);
  // Beijing (Tiananmen) to Shanghai (People's Square): about 1,067 km.
  const GeoPoint beijing{39.9042, 116.4074};
  const GeoPoint shanghai{31.2304, 121.4737};
  EXPECT_NEAR(DistanceMeters(beijing, shanghai), 1'067'000, 1'000);
  EXPECT_DOUBLE_EQ(DistanceMeters(beijing, shanghai), DistanceMeters(shanghai, beijing));
  // Antipodes: half the circumference (to a metre: asin is coarse near 1), without a domain
  // error.
  EXPECT_NEAR(DistanceMeters({10, 20}, {-10, -160}), kPi * kEarthRadius, 1);
}

TEST(RepeatsDistanceTest, DestinationRoundTrips) {
  for (double bearing : {0.0, 37.0, 90.0, 200.0, 315.0}) {
    for (double meters : {1.0, 49.9, 50.1, 5000.0}) {
      EXPECT_NEAR(DistanceMeters(kOrigin, Destination(kOrigin, bearing, meters)), meters, 1e-6)
          << bearing << "° " << meters << " m";
    }
  }
}

class RepeatsTest : public ::testing::TestWithParam<Backend> {
 protected:
  RepeatsTest() : store_(GetParam()) {}

  void SetUp() override {
    absl::StatusOr<std::unique_ptr<store::Repository>> repo = store_.Open();
    ASSERT_TRUE(repo.ok()) << repo.status();
    repo_ = std::move(*repo);
  }

  // Stores a case of the track; returns its id.
  std::string Put(absl::Time created, std::optional<GeoPoint> location, std::string grid = kGrid,
                  std::string status = "DISPATCHED", std::string category = kNoise,
                  std::string track = kTrack) {
    store::CaseRecord r;
    r.track = std::move(track);
    r.category = std::move(category);
    r.street_id = "GS01";
    r.community_id = "GS01-C01";
    r.grid_id = std::move(grid);
    r.status = std::move(status);
    r.create_time = created;
    r.update_time = created;
    r.due_time = created + absl::Hours(72);
    if (location.has_value()) {
      r.payload = absl::StrFormat("%.12f,%.12f", location->latitude, location->longitude);
    }
    store::HistoryRecord first;
    first.time = created;
    first.actor = "op-1";
    first.action = "Create";
    first.to_status = r.status;
    const std::string request_id = absl::StrCat("req-", ++requests_);
    absl::StatusOr<store::CreateCaseResult> res =
        repo_->CreateCase(r, first, request_id, request_id, "D");
    EXPECT_TRUE(res.ok()) << res.status();
    return res.ok() ? res->record.id : "";
  }

  // The id of the case `probe` repeats, "" for none.
  std::string Find(const RepeatProbe& probe, const RepeatRule& rule = Rule()) {
    absl::StatusOr<std::optional<store::CaseRecord>> found =
        FindRepeatOf(*repo_, probe, rule, PayloadLocation);
    EXPECT_TRUE(found.ok()) << found.status();
    if (!found.ok() || !found->has_value()) return "";
    return (*found)->id;
  }

  gov::testing::TestStore store_;
  std::unique_ptr<store::Repository> repo_;
  int requests_ = 0;
};

TEST_P(RepeatsTest, NothingToRepeatInAnEmptyStore) {
  EXPECT_EQ(Find(Probe(kOrigin)), "");
  EXPECT_EQ(Find(Probe(std::nullopt)), "");
}

TEST_P(RepeatsTest, ACaseExactlyTheWindowBeforeCountsOneSecondEarlierDoesNot) {
  const absl::Time at = At();
  const std::string too_old = Put(at - absl::Hours(24 * 30) - absl::Seconds(1), kOrigin);
  ASSERT_FALSE(too_old.empty());
  EXPECT_EQ(Find(Probe(kOrigin)), "");
  EXPECT_EQ(Find(Probe(std::nullopt)), "");
  const std::string on_the_edge = Put(at - absl::Hours(24 * 30), kOrigin);
  EXPECT_EQ(Find(Probe(kOrigin)), on_the_edge);
  EXPECT_EQ(Find(Probe(std::nullopt)), on_the_edge);
  // A shorter window leaves it out.
  RepeatRule week = Rule();
  week.window = absl::Hours(24 * 7);
  EXPECT_EQ(Find(Probe(kOrigin), week), "");
}

TEST_P(RepeatsTest, ACaseTakenInAtTheSameInstantCountsALaterOneDoesNot) {
  const absl::Time at = At();
  const std::string later = Put(at + absl::Seconds(1), kOrigin);
  ASSERT_FALSE(later.empty());
  EXPECT_EQ(Find(Probe(kOrigin)), "");
  const std::string later_by_a_microsecond = Put(at + absl::Microseconds(1), kOrigin);
  ASSERT_FALSE(later_by_a_microsecond.empty());
  EXPECT_EQ(Find(Probe(kOrigin)), "");
  const std::string same_instant = Put(at, kOrigin);
  EXPECT_EQ(Find(Probe(kOrigin)), same_instant);
}

TEST_P(RepeatsTest, WithinTheRadiusMatchesJustOutsideDoesNot) {
  const absl::Time at = At();
  // Just outside, in the probe's own grid and earlier: located on both sides, the distance
  // decides, so the shared grid does not make it a repeat.
  const std::string outside = Put(at - absl::Hours(5), Destination(kOrigin, 37, 50.1));
  ASSERT_FALSE(outside.empty());
  EXPECT_EQ(Find(Probe(kOrigin)), "");
  // Just inside, across a grid border: coordinates are not bound to grids.
  const std::string inside = Put(at - absl::Hours(1), Destination(kOrigin, 37, 49.9), kOtherGrid);
  EXPECT_EQ(Find(Probe(kOrigin)), inside);
  // The probe's grid does not matter between located cases either.
  EXPECT_EQ(Find(Probe(kOrigin, kOtherGrid)), inside);
  EXPECT_EQ(Find(Probe(kOrigin, "")), inside);
  // Widening the radius takes in the earlier one.
  RepeatRule wide = Rule();
  wide.radius_meters = 51;
  EXPECT_EQ(Find(Probe(kOrigin), wide), outside);
}

TEST_P(RepeatsTest, AnUnlocatedSideFallsBackToTheGrid) {
  const absl::Time at = At();
  // An unlocated candidate: the located probe matches it by grid only.
  const std::string other_grid = Put(at - absl::Hours(3), std::nullopt, kOtherGrid);
  ASSERT_FALSE(other_grid.empty());
  EXPECT_EQ(Find(Probe(kOrigin)), "");
  const std::string same_grid = Put(at - absl::Hours(2), std::nullopt, kGrid);
  EXPECT_EQ(Find(Probe(kOrigin)), same_grid);
  EXPECT_EQ(Find(Probe(kOrigin, kOtherGrid)), other_grid);
  // A located probe without a grid meets no unlocated candidate.
  EXPECT_EQ(Find(Probe(kOrigin, "")), "");
}

TEST_P(RepeatsTest, AnUnlocatedProbeMatchesTheGridWhereverTheCandidateIs) {
  const absl::Time at = At();
  // Far away but in the probe's grid: without the probe's coordinates, the grid decides.
  const std::string far_in_grid = Put(at - absl::Hours(2), Destination(kOrigin, 90, 3000));
  ASSERT_FALSE(far_in_grid.empty());
  // Close by but in another grid.
  const std::string near_elsewhere = Put(at - absl::Hours(3), kOrigin, kOtherGrid);
  ASSERT_FALSE(near_elsewhere.empty());
  EXPECT_EQ(Find(Probe(std::nullopt)), far_in_grid);
  EXPECT_EQ(Find(Probe(std::nullopt, kOtherGrid)), near_elsewhere);
  // Neither coordinates nor a grid: no place, no repeat.
  const std::string no_grid = Put(at - absl::Hours(1), std::nullopt, "");
  ASSERT_FALSE(no_grid.empty());
  EXPECT_EQ(Find(Probe(std::nullopt, "")), "");
}

TEST_P(RepeatsTest, ClosedCasesOtherCategoriesAndOtherTracksAreIgnored) {
  const absl::Time at = At();
  ASSERT_FALSE(Put(at - absl::Hours(6), kOrigin, kGrid, "CLOSED").empty());
  ASSERT_FALSE(Put(at - absl::Hours(5), kOrigin, kGrid, "RECEIVED").empty());
  ASSERT_FALSE(Put(at - absl::Hours(4), kOrigin, kGrid, "DISPATCHED", "COOKING_FUMES").empty());
  ASSERT_FALSE(Put(at - absl::Hours(3), kOrigin, kGrid, "DISPATCHED", kNoise, "hazard").empty());
  EXPECT_EQ(Find(Probe(kOrigin)), "");
  EXPECT_EQ(Find(Probe(std::nullopt)), "");
  // Each open state counts.
  const std::string resolved = Put(at - absl::Hours(2), kOrigin, kGrid, "RESOLVED");
  EXPECT_EQ(Find(Probe(kOrigin)), resolved);
  // The other category finds its own case.
  EXPECT_NE(Find(Probe(kOrigin, kGrid, "COOKING_FUMES")), "");
  EXPECT_NE(Find(Probe(kOrigin, kGrid, "COOKING_FUMES")), resolved);
  // No open states, no repeats.
  RepeatRule none = Rule();
  none.open_statuses.clear();
  EXPECT_EQ(Find(Probe(kOrigin), none), "");
}

TEST_P(RepeatsTest, TheEarliestCreatedIsChosenTiesById) {
  const absl::Time at = At();
  const std::string third = Put(at - absl::Hours(1), Destination(kOrigin, 10, 10));
  const std::string first_a =
      Put(at - absl::Hours(48), Destination(kOrigin, 100, 20), kGrid, "HANDLING");
  const std::string first_b = Put(at - absl::Hours(48), std::nullopt);
  const std::string second = Put(at - absl::Hours(24), kOrigin);
  ASSERT_FALSE(third.empty());
  ASSERT_FALSE(second.empty());
  ASSERT_LT(first_a, first_b);
  EXPECT_EQ(Find(Probe(kOrigin)), first_a);
  // Without coordinates every one of them is in the grid: the same earliest.
  EXPECT_EQ(Find(Probe(std::nullopt)), first_a);
}

TEST_P(RepeatsTest, TheEarliestIsFoundPastTheFirstPage) {
  const absl::Time at = At();
  // The original, older than a page of newer candidates of the category that are not at the
  // place (a kilometre off) and share one creation instant, so the pages split among equal
  // times.
  const std::string original = Put(at - absl::Hours(24 * 20), Destination(kOrigin, 45, 30));
  ASSERT_FALSE(original.empty());
  const GeoPoint far = Destination(kOrigin, 180, 1000);
  for (int i = 0; i < 520; ++i) {
    ASSERT_FALSE(Put(at - absl::Hours(24), far).empty());
  }
  // A nearby one on the first page, among the equal times.
  const std::string later = Put(at - absl::Hours(24), Destination(kOrigin, 270, 5));
  ASSERT_FALSE(later.empty());
  EXPECT_EQ(Find(Probe(kOrigin)), original);
}

INSTANTIATE_TEST_SUITE_P(Sqlite, RepeatsTest, ::testing::Values(Backend::kSqlite),
                         gov::testing::BackendParamName);
INSTANTIATE_TEST_SUITE_P(Postgres, RepeatsTest, ::testing::Values(Backend::kPostgres),
                         gov::testing::BackendParamName);

}  // namespace
}  // namespace gov::cases
