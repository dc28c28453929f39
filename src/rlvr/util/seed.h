// Seeds derived from (seed, a, b, ...) so that each unit of random work (one
// bootstrap replicate, sample j of problem i) has its own stream, independent
// of batch size, batch order and thread count.
#pragma once

#include <cstdint>
#include <initializer_list>

namespace rlvr {

// SplitMix64 finaliser: a strong 64-bit mix, cheap enough for every sample.
constexpr uint64_t mix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

constexpr uint64_t derive_seed(uint64_t seed, std::initializer_list<uint64_t> path) {
  uint64_t h = mix64(seed);
  for (uint64_t part : path) h = mix64(h ^ mix64(part));
  return h;
}

}  // namespace rlvr
