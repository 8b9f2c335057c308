#ifndef GOV_COMMON_DEMO_RANDOM_H_
#define GOV_COMMON_DEMO_RANDOM_H_

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

// Deterministic numbers for the demo data and the benchmarks' loads. Every algorithm here is
// spelled out (SplitMix64, xoshiro256**, FNV-1a, rejection sampling), none comes from the
// standard library's distributions, whose results differ between implementations: the same seed
// gives the same demo on every platform, compiler and run, so a demo load is idempotent and a
// benchmark's data reproducible.
namespace gov::demo {

// The SplitMix64 output for state `x` (Steele, Lea and Flood; Vigna's splitmix64.c): the golden
// gamma added, then the finaliser. Independent, well-spread values for consecutive inputs.
inline uint64_t Mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// A seed from three parts, mixed in turn (a day, a street, an item...).
inline uint64_t Seed(uint64_t a, uint64_t b, uint64_t c) { return Mix(Mix(Mix(a) ^ b) ^ c); }

// A number in [0, 1) from a seed (its top 53 bits).
inline double UnitInterval(uint64_t seed) { return static_cast<double>(seed >> 11) * 0x1.0p-53; }

// A seed from a text (a request id, an incident number): FNV-1a 64 over its bytes, then Mix to
// spread texts that differ in their last character only. Not std::hash, which differs between
// standard libraries.
inline uint64_t StableSeed(std::string_view text) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (const char c : text) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  return Mix(h);
}

// A generator of the demo's draws: xoshiro256** (Blackman and Vigna) with its state filled by
// four SplitMix64 outputs from the seed, as its authors recommend. Draws consume whole 64-bit
// outputs in a documented way, so a seed's draws are the same everywhere.
class Random {
 public:
  explicit Random(uint64_t seed) {
    for (uint64_t& word : s_) {
      word = Mix(seed);
      seed += 0x9e3779b97f4a7c15ULL;
    }
  }

  // The next 64 bits of the stream.
  uint64_t Next() {
    const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }

  // A number in [0, n), each equally likely (n > 0): outputs below 2^64 mod n are drawn again,
  // so that every remainder is the remainder of the same number of outputs.
  uint64_t Below(uint64_t n) {
    const uint64_t threshold = (0 - n) % n;  // 2^64 mod n
    for (;;) {
      const uint64_t r = Next();
      if (r >= threshold) return r % n;
    }
  }

  // An integer in [lo, hi], both included, each equally likely (lo <= hi; any ints).
  int Int(int lo, int hi) {
    const uint64_t span = static_cast<uint64_t>(static_cast<int64_t>(hi) - lo) + 1;
    return static_cast<int>(lo + static_cast<int64_t>(Below(span)));
  }

  // True `percent` times in a hundred (Int(0, 99) < percent): never for 0, always for 100. One
  // draw whatever the percent, so the draws after it do not depend on it.
  bool Percent(int percent) { return Int(0, 99) < percent; }

  // A number in [0, 1) (the top 53 bits of a draw).
  double Unit() { return UnitInterval(Next()); }

  // One element of a non-empty container or array, each equally likely.
  template <typename Container>
  const auto& Pick(const Container& items) {
    const auto n = static_cast<uint64_t>(std::size(items));
    return *std::next(std::begin(items), static_cast<std::ptrdiff_t>(Below(n)));
  }

  // The index of one of `weights` (non-negative, at least one positive), each as likely as its
  // weight: a zero weight is never chosen.
  int WeightedIndex(std::span<const int> weights) {
    int64_t total = 0;
    for (const int w : weights) total += w > 0 ? w : 0;
    if (total <= 0) return 0;
    auto pick = static_cast<int64_t>(Below(static_cast<uint64_t>(total)));
    for (size_t i = 0; i < weights.size(); ++i) {
      if (weights[i] <= 0) continue;
      if (pick < weights[i]) return static_cast<int>(i);
      pick -= weights[i];
    }
    return static_cast<int>(weights.size()) - 1;  // not reached
  }

  // One of `choices` by their weights (as WeightedIndex).
  template <typename T>
  T Weighted(const std::vector<std::pair<T, int>>& choices) {
    std::vector<int> weights;
    weights.reserve(choices.size());
    for (const auto& choice : choices) weights.push_back(choice.second);
    return choices[WeightedIndex(weights)].first;
  }

 private:
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

  uint64_t s_[4];
};

}  // namespace gov::demo

#endif  // GOV_COMMON_DEMO_RANDOM_H_
