// Seeds derived from (seed, a, b, ...) so that each unit of random work (one
// bootstrap replicate, sample j of problem i) has its own stream, independent
// of batch size, batch order and thread count.
#pragma once

#include <cstdint>
#include <initializer_list>

namespace rlvr {

// SplitMix64 (Steele, Lea and Flood, 2014): a counter stepped by the golden
// ratio, each value put through a strong 64-bit finaliser. The project's one
// portable random stream: the same numbers on every platform and standard
// library (std:: distributions are implementation-defined, which would break
// seeds). The random streams of the metrics and tasks rooms draw from it.
class SplitMix64 {
 public:
  static constexpr uint64_t kIncrement = 0x9e3779b97f4a7c15ULL;  // 2^64 / golden ratio

  static constexpr uint64_t finalise(uint64_t z) {
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }

  constexpr explicit SplitMix64(uint64_t seed) : state_(seed) {}

  constexpr uint64_t next() {
    state_ += kIncrement;
    return finalise(state_);
  }

 private:
  uint64_t state_;
};

// The first SplitMix64 output of seed x: a strong 64-bit mix, cheap enough
// for every sample.
constexpr uint64_t mix64(uint64_t x) { return SplitMix64(x).next(); }

constexpr uint64_t derive_seed(uint64_t seed, std::initializer_list<uint64_t> path) {
  uint64_t h = mix64(seed);
  for (uint64_t part : path) h = mix64(h ^ mix64(part));
  return h;
}

}  // namespace rlvr
