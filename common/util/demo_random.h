#ifndef GOV_COMMON_UTIL_DEMO_RANDOM_H_
#define GOV_COMMON_UTIL_DEMO_RANDOM_H_

#include <cstdint>
#include <random>
#include <utility>
#include <vector>

// Deterministic numbers for the demo data and the benchmarks' loads: the same on every run and
// platform, so a demo load is idempotent and a benchmark's data reproducible.
namespace gov::demo {

// SplitMix64: independent, well-spread values for consecutive inputs.
inline uint64_t Mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// A seed from three parts, mixed in turn (a day, a street, an item...).
inline uint64_t Seed(uint64_t a, uint64_t b, uint64_t c) { return Mix(Mix(Mix(a) ^ b) ^ c); }

// A number in [0, 1) from a seed (its top 53 bits).
inline double UnitInterval(uint64_t seed) {
  return static_cast<double>(seed >> 11) / static_cast<double>(uint64_t{1} << 53);
}

// An integer in [lo, hi] from a generator (std::mt19937_64 in the demo loads).
template <typename Rng>
int Uniform(Rng& rng, int lo, int hi) {
  return std::uniform_int_distribution<int>(lo, hi)(rng);
}

// One of `choices` by their weights (positive integers).
template <typename T, typename Rng>
T Weighted(Rng& rng, const std::vector<std::pair<T, int>>& choices) {
  int total = 0;
  for (const auto& c : choices) total += c.second;
  int pick = Uniform(rng, 0, total - 1);
  for (const auto& c : choices) {
    if (pick < c.second) return c.first;
    pick -= c.second;
  }
  return choices.back().first;
}

}  // namespace gov::demo

#endif  // GOV_COMMON_UTIL_DEMO_RANDOM_H_
