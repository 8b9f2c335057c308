// The demo kit (common/demo): its numbers against the published algorithms, its draws' bounds
// and shares, and the places, streams and records the tracks' demo loads build on.

#include <climits>
#include <cmath>
#include <cstdint>
#include <map>
#include <memory>
#include <regex>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/auth/auth.h"
#include "common/demo/places.h"
#include "common/demo/random.h"
#include "common/demo/records.h"
#include "common/regions/regions.h"
#include "gtest/gtest.h"

namespace gov::demo {
namespace {

// ---- Random ----

// The reference numbers below come from a separate Python implementation of the published
// algorithms (SplitMix64 as in Vigna's splitmix64.c; xoshiro256** as in Blackman and Vigna's
// xoshiro256starstar.c, its state filled by four SplitMix64 outputs; FNV-1a 64; rejection of
// the outputs below 2^64 mod n), itself checked against the published vectors (SplitMix64 from
// 0: 0xe220a8397b1dcdaf; xoshiro256** from the state {1, 2, 3, 4}: 11520, 0, 1509978240;
// FNV-1a 64 of "a": 0xaf63dc4c8601ec8c).

TEST(DemoRandomTest, MixIsSplitMix64) {
  EXPECT_EQ(Mix(0), 0xe220a8397b1dcdafULL);
  EXPECT_EQ(Seed(1, 2, 3), 0xd0734750fde362b3ULL);
}

TEST(DemoRandomTest, FirstOutputsAreXoshiro256StarStarSeededBySplitMix64) {
  Random zero(0);
  for (uint64_t expected : {0x99ec5f36cb75f2b4ULL, 0xbf6e1f784956452aULL, 0x1a5f849d4933e6e0ULL,
                            0x6aa594f1262d2d2cULL, 0xbba5ad4a1f842e59ULL}) {
    EXPECT_EQ(zero.Next(), expected);
  }
  Random answer(42);
  for (uint64_t expected : {0x15780b2e0c2ec716ULL, 0x6104d9866d113a7eULL, 0xae17533239e499a1ULL,
                            0xecb8ad4703b360a1ULL, 0xfde6dc7fe2ec5e64ULL}) {
    EXPECT_EQ(answer.Next(), expected);
  }
}

TEST(DemoRandomTest, IntDrawsAreThoseOfTheReference) {
  Random dice(2026);
  std::vector<int> rolls;
  for (int i = 0; i < 12; ++i) rolls.push_back(dice.Int(1, 6));
  EXPECT_EQ(rolls, (std::vector<int>{6, 5, 1, 1, 1, 5, 3, 6, 4, 4, 4, 1}));

  Random wide(7);
  std::vector<int> draws;
  for (int i = 0; i < 4; ++i) draws.push_back(wide.Int(INT_MIN, INT_MAX));
  EXPECT_EQ(draws, (std::vector<int>{-822512038, -817353518, 355236246, -1635749312}));
}

TEST(DemoRandomTest, SameSeedSameDrawsOtherSeedOtherDraws) {
  Random a(123), b(123), c(124);
  int same_as_other = 0;
  for (int i = 0; i < 100; ++i) {
    const uint64_t x = a.Next();
    EXPECT_EQ(x, b.Next());
    same_as_other += x == c.Next() ? 1 : 0;
  }
  EXPECT_EQ(same_as_other, 0);
}

TEST(DemoRandomTest, IntStaysWithinItsBounds) {
  Random rng(1);
  for (int v : {INT_MIN, -7, 0, 5, INT_MAX}) {
    for (int i = 0; i < 20; ++i) EXPECT_EQ(rng.Int(v, v), v);
  }
  const std::pair<int, int> ranges[] = {
      {-10, -3}, {INT_MIN, INT_MIN + 2}, {INT_MAX - 2, INT_MAX}, {-1, 1}, {0, 1}};
  for (const auto& [lo, hi] : ranges) {
    SCOPED_TRACE(absl::StrFormat("[%d, %d]", lo, hi));
    std::set<int> seen;
    for (int i = 0; i < 2000; ++i) {
      const int x = rng.Int(lo, hi);
      ASSERT_GE(x, lo);
      ASSERT_LE(x, hi);
      seen.insert(x);
    }
    // Both ends and everything between.
    EXPECT_EQ(static_cast<int64_t>(seen.size()), int64_t{hi} - lo + 1);
  }
  // The whole range of int: both signs, and no value twice in a few thousand.
  std::set<int> wide;
  int negative = 0;
  for (int i = 0; i < 4000; ++i) {
    const int x = rng.Int(INT_MIN, INT_MAX);
    wide.insert(x);
    negative += x < 0 ? 1 : 0;
  }
  EXPECT_GT(wide.size(), 3990u);
  EXPECT_GT(negative, 1800);
  EXPECT_LT(negative, 2200);
}

// Pearson's statistic of `counts` against equal expected counts.
double ChiSquare(const std::vector<int>& counts, int draws) {
  const double expected = static_cast<double>(draws) / static_cast<double>(counts.size());
  double chi = 0;
  for (int c : counts) chi += (c - expected) * (c - expected) / expected;
  return chi;
}

TEST(DemoRandomTest, IntIsNearUniform) {
  // 9 and 12 degrees of freedom: 30 and 35 are beyond the 0.999 quantiles (27.9 and 32.9), so a
  // fair generator passes with room to spare and a skewed one (an end left out, a modulo bias
  // of a small generator, a band favoured) fails. The seeds are fixed: the result cannot flake.
  constexpr int kDraws = 200000;
  Random rng(99);
  std::vector<int> digits(10);
  for (int i = 0; i < kDraws; ++i) ++digits[rng.Int(0, 9)];
  EXPECT_LT(ChiSquare(digits, kDraws), 30.0);

  // A wide range that is no power of two, read in 13 bands: the top band is as full as the rest.
  const int lo = -1000000007;
  const int hi = 1500000000;
  std::vector<int> bands(13);
  for (int i = 0; i < kDraws; ++i) {
    const int64_t x = rng.Int(lo, hi);
    ++bands[static_cast<size_t>((x - lo) * 13 / (int64_t{hi} - lo + 1))];
  }
  EXPECT_LT(ChiSquare(bands, kDraws), 35.0);
}

TEST(DemoRandomTest, PercentAndUnit) {
  Random rng(5);
  int hits = 0;
  double sum = 0;
  for (int i = 0; i < 100000; ++i) {
    EXPECT_FALSE(rng.Percent(0));
    EXPECT_TRUE(rng.Percent(100));
    hits += rng.Percent(30) ? 1 : 0;
    const double u = rng.Unit();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    sum += u;
  }
  EXPECT_NEAR(hits / 100000.0, 0.30, 0.01);
  EXPECT_NEAR(sum / 100000.0, 0.5, 0.01);
  EXPECT_EQ(UnitInterval(0), 0.0);
  EXPECT_LT(UnitInterval(~uint64_t{0}), 1.0);
}

TEST(DemoRandomTest, WeightedChoicesFollowTheirWeights) {
  constexpr int kDraws = 100000;
  Random rng(11);
  std::map<std::string, int> counts;
  const std::vector<std::pair<std::string, int>> choices = {
      {"one", 1}, {"never", 0}, {"three", 3}, {"six", 6}};
  for (int i = 0; i < kDraws; ++i) ++counts[rng.Weighted(choices)];
  EXPECT_EQ(counts.count("never"), 0u);
  EXPECT_NEAR(counts["one"] / static_cast<double>(kDraws), 0.1, 0.01);
  EXPECT_NEAR(counts["three"] / static_cast<double>(kDraws), 0.3, 0.01);
  EXPECT_NEAR(counts["six"] / static_cast<double>(kDraws), 0.6, 0.01);

  // Zero weights first, between and last are never chosen.
  const int gaps[] = {0, 5, 0, 5, 0};
  std::vector<int> by_index(5);
  for (int i = 0; i < kDraws; ++i) ++by_index[rng.WeightedIndex(gaps)];
  EXPECT_EQ(by_index[0], 0);
  EXPECT_EQ(by_index[2], 0);
  EXPECT_EQ(by_index[4], 0);
  EXPECT_NEAR(by_index[1] / static_cast<double>(kDraws), 0.5, 0.01);

  // A 24-hour table: every hour near its share, an hour of weight 0 never.
  const int hours[24] = {1, 1, 1, 1, 0, 2, 3, 5, 7, 8, 8, 8, 8, 7, 7, 7, 8, 8, 8, 7, 6, 4, 3, 2};
  int total = 0;
  for (int w : hours) total += w;
  std::vector<int> by_hour(24);
  for (int i = 0; i < kDraws; ++i) ++by_hour[rng.WeightedIndex(hours)];
  for (int h = 0; h < 24; ++h) {
    EXPECT_NEAR(by_hour[h] / static_cast<double>(kDraws), hours[h] / static_cast<double>(total),
                0.006)
        << h;
  }
  EXPECT_EQ(by_hour[4], 0);
}

TEST(DemoRandomTest, PickReturnsEachElementOfTheContainer) {
  Random rng(3);
  const std::vector<std::string> names = {"a", "b", "c"};
  const char* const array[] = {"x", "y"};
  std::set<const std::string*> picked;
  std::set<std::string> from_array;
  for (int i = 0; i < 200; ++i) {
    const std::string& name = rng.Pick(names);
    picked.insert(&name);
    from_array.insert(rng.Pick(array));
  }
  // References into the container, every element among them.
  EXPECT_EQ(picked, (std::set<const std::string*>{&names[0], &names[1], &names[2]}));
  EXPECT_EQ(from_array, (std::set<std::string>{"x", "y"}));
}

TEST(DemoRandomTest, StableSeedIsFnv1aThenMix) {
  EXPECT_EQ(StableSeed(""), 0xc3817c016ba4ff30ULL);
  EXPECT_EQ(StableSeed("a"), 0x5f29c2aadd9b8527ULL);
  EXPECT_EQ(StableSeed("demo-20260101-GS01-0"), 0x39e807c37a004909ULL);
  EXPECT_EQ(StableSeed("DEMO-20260615-0103-14-0"), 0x0917c84a0344a71cULL);
  EXPECT_EQ(StableSeed("演示"), 0x8c655de57adc9134ULL);  // bytes of UTF-8
  EXPECT_NE(StableSeed("demo-20260101-GS01-1"), StableSeed("demo-20260101-GS01-0"));
}

// ---- Places ----

// Street S1: communities C1 (grids G1..G3), C2 (no grid), C3 (grids G1, G2), C4 (grid G1);
// street S2: no community; street S3: community C1 with grid G1.
std::unique_ptr<regions::RegionRegistry> SmallDistrict() {
  governance::config::v1::RegionRegistry data;
  data.set_version("t");
  data.set_district_id("GS");
  const std::vector<std::vector<int>> grids_of = {{3, 0, 2, 1}, {}, {1}};
  for (int s = 0; s < 3; ++s) {
    auto* street = data.add_streets();
    street->set_id(absl::StrFormat("GS%02d", s + 1));
    street->set_name(absl::StrFormat("街道%d", s + 1));
    for (int c = 0; c < static_cast<int>(grids_of[s].size()); ++c) {
      auto* community = street->add_communities();
      community->set_id(absl::StrFormat("%s-C%02d", street->id(), c + 1));
      community->set_name(absl::StrFormat("社区%d-%d", s + 1, c + 1));
      for (int g = 0; g < grids_of[s][c]; ++g) {
        community->add_grids(absl::StrFormat("%s-G%02d", community->id(), g + 1));
      }
    }
  }
  auto registry = regions::RegionRegistry::FromProto(std::move(data));
  EXPECT_TRUE(registry.ok()) << registry.status();
  return std::move(registry).value();
}

class DemoPlacesTest : public ::testing::Test {
 protected:
  void SetUp() override { regions_ = SmallDistrict(); }

  const Street& street(int s) const { return *regions_->streets()[s]; }

  // The place belongs to its street, and its region says the same as its fields.
  void ExpectConsistent(const Place& p, int s) const {
    EXPECT_EQ(p.street, &street(s));
    EXPECT_EQ(p.street_index, s);
    const governance::v1::RegionRef region = p.region();
    EXPECT_TRUE(regions_->Validate(region, "region").ok()) << region.ShortDebugString();
    EXPECT_EQ(region.street_id(), street(s).id());
    if (p.community == nullptr) {
      EXPECT_EQ(p.community_index, -1);
      EXPECT_EQ(region.community_id(), "");
      EXPECT_EQ(p.name, street(s).name());
    } else {
      EXPECT_EQ(p.community, &street(s).communities(p.community_index));
      EXPECT_EQ(region.community_id(), p.community->id());
      EXPECT_EQ(p.name, p.community->name());
    }
    EXPECT_EQ(region.grid_id(), p.grid_id);
    if (!p.grid_id.empty()) {
      EXPECT_EQ(p.community->grids(p.grid_index), p.grid_id);
    }
    EXPECT_EQ(p.community_region().grid_id(), "");
    EXPECT_EQ(p.community_region().community_id(), region.community_id());
    EXPECT_EQ(p.street_region().community_id(), "");
    EXPECT_EQ(p.street_region().street_id(), street(s).id());
  }

  std::unique_ptr<regions::RegionRegistry> regions_;
};

TEST_F(DemoPlacesTest, DrawPlaceHonoursTheOdds) {
  Random rng(17);
  for (int i = 0; i < 500; ++i) {
    const Place never = DrawPlace(
        street(0), 0, rng, {.community_percent = 0, .grid_percent = 100, .busier_first = false});
    ExpectConsistent(never, 0);
    EXPECT_EQ(never.community, nullptr);
    EXPECT_EQ(never.grid_id, "");

    const Place community = DrawPlace(
        street(0), 0, rng, {.community_percent = 100, .grid_percent = 0, .busier_first = false});
    ExpectConsistent(community, 0);
    EXPECT_NE(community.community, nullptr);
    EXPECT_EQ(community.grid_id, "");

    // A grid whenever the community has one.
    const Place grid = DrawPlace(
        street(0), 0, rng, {.community_percent = 100, .grid_percent = 100, .busier_first = false});
    ExpectConsistent(grid, 0);
    ASSERT_NE(grid.community, nullptr);
    EXPECT_EQ(grid.grid_id.empty(), grid.community->grids_size() == 0);

    // A street without communities stays the street.
    const Place bare = DrawPlace(
        street(1), 1, rng, {.community_percent = 100, .grid_percent = 100, .busier_first = true});
    ExpectConsistent(bare, 1);
    EXPECT_EQ(bare.community, nullptr);
  }
}

TEST_F(DemoPlacesTest, DrawPlaceSharesAndBusierFirst) {
  constexpr int kDraws = 40000;
  Random rng(23);
  int in_community = 0;
  int in_grid = 0;
  int with_grids = 0;
  std::vector<int> even(4), busier(4);
  for (int i = 0; i < kDraws; ++i) {
    const Place p = DrawPlace(street(0), 0, rng,
                              {.community_percent = 80, .grid_percent = 25, .busier_first = false});
    if (p.community == nullptr) continue;
    ++in_community;
    ++even[p.community_index];
    if (p.community->grids_size() > 0) {
      ++with_grids;
      in_grid += p.grid_id.empty() ? 0 : 1;
    }
    const Place b = DrawPlace(street(0), 0, rng,
                              {.community_percent = 100, .grid_percent = 0, .busier_first = true});
    ++busier[b.community_index];
  }
  EXPECT_NEAR(in_community / static_cast<double>(kDraws), 0.80, 0.01);
  EXPECT_NEAR(in_grid / static_cast<double>(with_grids), 0.25, 0.015);
  for (int c = 0; c < 4; ++c) EXPECT_NEAR(even[c] / static_cast<double>(in_community), 0.25, 0.015);
  // The lower of two draws of 4: 7/16, 5/16, 3/16, 1/16.
  for (int c = 0; c < 4; ++c) {
    EXPECT_NEAR(busier[c] / static_cast<double>(in_community), (7 - 2 * c) / 16.0, 0.015) << c;
  }
}

TEST_F(DemoPlacesTest, WalksAndShares) {
  const std::vector<Place> communities = AllCommunities(*regions_);
  ASSERT_EQ(communities.size(), 5u);
  EXPECT_EQ(communities[0].community->id(), "GS01-C01");
  EXPECT_EQ(communities[3].community->id(), "GS01-C04");
  EXPECT_EQ(communities[4].community->id(), "GS03-C01");
  EXPECT_EQ(communities[4].street_index, 2);
  for (const Place& p : communities) {
    ExpectConsistent(p, p.street_index);
    EXPECT_EQ(p.grid_id, "");
  }

  // 3 + 1 (C2 without grids, once) + 2 + 1 grids of street 1, none of street 2, 1 of street 3.
  const std::vector<Place> grids = AllGrids(*regions_);
  std::vector<std::string> ids;
  for (const Place& p : grids) {
    ExpectConsistent(p, p.street_index);
    ids.push_back(p.grid_id.empty() ? p.community->id() : p.grid_id);
  }
  EXPECT_EQ(ids, (std::vector<std::string>{"GS01-C01-G01", "GS01-C01-G02", "GS01-C01-G03",
                                           "GS01-C02", "GS01-C03-G01", "GS01-C03-G02",
                                           "GS01-C04-G01", "GS03-C01-G01"}));
  EXPECT_EQ(grids[3].grid_index, -1);
  EXPECT_EQ(grids[5].grid_index, 1);

  // 4, 1 (no community counts as one) and 1 of 6.
  const std::vector<double> shares = CommunityShares(*regions_);
  ASSERT_EQ(shares.size(), 3u);
  EXPECT_DOUBLE_EQ(shares[0], 4.0 / 6);
  EXPECT_DOUBLE_EQ(shares[1], 1.0 / 6);
  EXPECT_DOUBLE_EQ(shares[2], 1.0 / 6);
}

TEST_F(DemoPlacesTest, PointsLieWhereTheirPlaceLies) {
  const std::vector<Place> grids = AllGrids(*regions_);
  Random rng(31);
  // GS01-C03-G02: street 0, community 2, grid 1.
  const Place& p = grids[5];
  for (int i = 0; i < 200; ++i) {
    const governance::v1::GeoPoint point = Point(p, 0.0006, rng);
    EXPECT_NEAR(point.latitude(), 30.20 + 0.0009 * 2, 0.0006);
    EXPECT_NEAR(point.longitude(), 120.10 + 0.005 * 2, 0.0007);
  }
  // Street 3 (index 2) lies 0.08° east of street 1; without a spread exactly.
  const governance::v1::GeoPoint east = Point(grids[7], 0, rng);
  EXPECT_DOUBLE_EQ(east.latitude(), 30.20 + 0.0009);
  EXPECT_DOUBLE_EQ(east.longitude(), 120.10 + 0.08);
}

TEST(DemoStreamTest, DaysGetTheWholeNumbersTheirRatesPass) {
  for (uint64_t seed : {1ULL, 2ULL, 77ULL}) {
    DailyStream stream(seed);
    const double phase = stream.accumulated();
    ASSERT_GE(phase, 0.0);
    ASSERT_LT(phase, 1.0);
    double sum = phase;
    int total = 0;
    for (int day = 0; day < 1000; ++day) {
      // Quiet days, days of nothing, busy days of several.
      const double rate = day % 7 == 0 ? 0.0 : 0.05 * (day % 13) + (day % 50 == 3 ? 4.5 : 0.0);
      const int count = stream.Add(rate);
      EXPECT_GE(count, static_cast<int>(std::floor(rate)));
      EXPECT_LE(count, static_cast<int>(std::floor(rate)) + 1);
      if (rate == 0) {
        EXPECT_EQ(count, 0);
      }
      sum += rate;
      total += count;
    }
    EXPECT_EQ(total, static_cast<int>(std::floor(sum) - std::floor(phase)));
  }
  // Streams start at their own phases, spread over [0, 1) even for neighbouring seeds.
  std::vector<int> tenths(10);
  for (uint64_t seed = 0; seed < 200; ++seed) {
    ++tenths[static_cast<size_t>(DailyStream(seed).accumulated() * 10)];
  }
  for (int t = 0; t < 10; ++t) EXPECT_GT(tenths[t], 5) << t;
}

TEST(DemoStreamTest, SteadyRateSpreadsEvenly) {
  // A rate of 0.25 gives one record every fourth day, never two on a day.
  DailyStream stream(9);
  std::vector<int> days_with_one;
  for (int day = 0; day < 40; ++day) {
    const int count = stream.Add(0.25);
    ASSERT_LE(count, 1);
    if (count == 1) days_with_one.push_back(day);
  }
  ASSERT_EQ(days_with_one.size(), 10u);
  for (size_t i = 1; i < days_with_one.size(); ++i) {
    EXPECT_EQ(days_with_one[i] - days_with_one[i - 1], 4);
  }
}

// ---- Records ----

TEST(DemoRecordsTest, LocalTimeIsDistrictTime) {
  // Asia/Shanghai is UTC+8: 08:00 local is midnight UTC, and 07:59:30 local the day before.
  EXPECT_EQ(LocalTime(absl::CivilDay(2026, 3, 1), 8, 0),
            absl::FromCivil(absl::CivilSecond(2026, 3, 1, 0, 0, 0), absl::UTCTimeZone()));
  EXPECT_EQ(LocalTime(absl::CivilDay(2026, 3, 1), 7, 59, 30),
            absl::FromCivil(absl::CivilSecond(2026, 2, 28, 23, 59, 30), absl::UTCTimeZone()));
  EXPECT_EQ(LocalTime(absl::CivilDay(2026, 7, 15), 23, 5, 1),
            absl::FromCivil(absl::CivilSecond(2026, 7, 15, 15, 5, 1), absl::UTCTimeZone()));
  EXPECT_EQ(DayText(absl::CivilDay(2026, 3, 5)), "2026-03-05");
  EXPECT_EQ(DayText(absl::CivilDay(999, 12, 31)), "0999-12-31");
}

TEST(DemoRecordsTest, PeoplePhonesAndAddresses) {
  Random rng(41);
  const std::set<std::string> surnames(std::begin(kSurnames), std::end(kSurnames));
  const std::regex mobile("^13[0-9]{9}$");
  const std::regex placeholder("^000-0000-[0-9]{4}$");
  const std::regex address("^社区1-2演示路([1-9][0-9]{0,2})号附近$");
  std::set<std::string> used_surnames;
  int sirs = 0;
  int madams = 0;
  for (int i = 0; i < 400; ++i) {
    const std::string formal = FormalName(rng);
    ASSERT_TRUE(absl::EndsWith(formal, "某")) << formal;
    const std::string surname = formal.substr(0, formal.size() - std::string("某").size());
    EXPECT_TRUE(surnames.count(surname)) << formal;
    used_surnames.insert(surname);

    const std::string addressed = AddressedName(rng);
    sirs += absl::EndsWith(addressed, "先生") ? 1 : 0;
    madams += absl::EndsWith(addressed, "女士") ? 1 : 0;
    EXPECT_TRUE(surnames.count(addressed.substr(0, addressed.size() - std::string("先生").size())))
        << addressed;

    EXPECT_TRUE(std::regex_match(MobilePhone(rng), mobile));
    EXPECT_TRUE(std::regex_match(PlaceholderPhone(rng), placeholder));
    std::smatch m;
    const std::string where = Address("社区1-2", rng);
    ASSERT_TRUE(std::regex_match(where, m, address)) << where;
    const int number = std::stoi(m[1].str());
    EXPECT_GE(number, 1);
    EXPECT_LE(number, 299);
  }
  EXPECT_EQ(used_surnames.size(), surnames.size());
  EXPECT_EQ(sirs + madams, 400);
  EXPECT_GT(sirs, 150);
  EXPECT_GT(madams, 150);
}

TEST(DemoRecordsTest, ActorHasTheOneRoleDistrictWide) {
  const auth::Principal loader = Actor("demo-loader", auth::kSystem);
  EXPECT_EQ(loader.id, "demo-loader");
  EXPECT_TRUE(loader.HasRole(auth::kSystem));
  EXPECT_FALSE(loader.HasRole(auth::kDistrictAdmin));
  EXPECT_EQ(loader.roles.size(), 1u);
  EXPECT_TRUE(loader.district_wide());
}

}  // namespace
}  // namespace gov::demo
