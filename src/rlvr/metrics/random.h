// Unbiased bounded draws from the project's SplitMix64 stream (util/seed.h),
// so that seeded results are the same on every platform and standard library
// (std::uniform_int_distribution is not specified exactly).
#pragma once

#include <cstdint>
#include <string_view>

#include "rlvr/util/seed.h"

namespace rlvr::metrics {

__extension__ using uint128 = unsigned __int128;  // GCC/Clang: the exact 64x64 product

class RandomStream {
 public:
  explicit RandomStream(uint64_t seed) : bits_(seed) {}

  uint64_t next() { return bits_.next(); }

  // Uniform integer in [0, bound), without modulo bias (Lemire's method).
  uint64_t below(uint64_t bound) {
    uint128 m = static_cast<uint128>(next()) * bound;
    uint64_t low = static_cast<uint64_t>(m);
    if (low < bound) {
      uint64_t threshold = -bound % bound;
      while (low < threshold) {
        m = static_cast<uint128>(next()) * bound;
        low = static_cast<uint64_t>(m);
      }
    }
    return static_cast<uint64_t>(m >> 64);
  }

  // The same for bounds below 2^32, using half of a 64-bit output per draw.
  uint32_t below32(uint32_t bound) {
    uint64_t m = static_cast<uint64_t>(next32()) * bound;
    auto low = static_cast<uint32_t>(m);
    if (low < bound) {
      uint32_t threshold = static_cast<uint32_t>(-bound) % bound;
      while (low < threshold) {
        m = static_cast<uint64_t>(next32()) * bound;
        low = static_cast<uint32_t>(m);
      }
    }
    return static_cast<uint32_t>(m >> 32);
  }

 private:
  uint32_t next32() {
    if (have_half_) {
      have_half_ = false;
      return half_;
    }
    uint64_t x = next();
    half_ = static_cast<uint32_t>(x >> 32);
    have_half_ = true;
    return static_cast<uint32_t>(x);
  }

  SplitMix64 bits_;
  uint32_t half_ = 0;
  bool have_half_ = false;
};

// FNV-1a of a string: a stable number for a problem id or a label, used to
// derive per-problem seeds that do not depend on the order of problems.
constexpr uint64_t stable_hash(std::string_view s) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (char c : s) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001b3ULL;
  return h;
}

}  // namespace rlvr::metrics
