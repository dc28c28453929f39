// Per-row loops shared by the fused blocks (training, prefill) and the
// decoding step, so that both compute the same arithmetic. Rows [begin, end)
// of row-major float arrays; each built for AVX2 and baseline x86-64.
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>

namespace rlvr::model {

// y = x * r * w per row of x [N, D], r = (mean(x^2) + eps)^(-1/2); r is
// written to r_out[n] unless r_out is null.
void rms_norm_rows(const float* x, const float* w, float* y, float* r_out, int64_t begin, int64_t end,
                   int64_t D, float eps);

// act = silu(gate) * up per row of gate_up [N, 2F] = [gate | up]; act [N, F].
void swiglu_rows(const float* gate_up, float* act, int64_t begin, int64_t end, int64_t F);

// Eight floats (or ints) in a register, or two halves of one on machines
// without AVX; loaded from and stored to any float address.
typedef float Lanes __attribute__((vector_size(32), aligned(4)));
typedef int32_t LaneInts __attribute__((vector_size(32), aligned(4)));

[[gnu::always_inline]] inline Lanes load_lanes(const float* p) { return *reinterpret_cast<const Lanes*>(p); }
[[gnu::always_inline]] inline void store_lanes(float* p, Lanes v) { *reinterpret_cast<Lanes*>(p) = v; }

// e^x for the softmax's x <= 0, eight at a time in vector arithmetic (the
// compiler does not vectorise std::exp, nor a scalar version with branches):
// Cephes' range reduction and degree-5 polynomial, relative error about 1e-7;
// x below -87 (masked keys, -inf) gives 0.
[[gnu::always_inline]] inline Lanes exp_nonpositive(Lanes x) {
  const Lanes c = x > -87.0f ? x : Lanes{} - 87.0f;
  // Round to nearest by adding and removing 1.5 * 2^23 (|c log2 e| < 2^22).
  const Lanes n = (c * 1.44269504088896341f + 12582912.0f) - 12582912.0f;
  const Lanes r = (c - n * 0.693359375f) + n * 2.12194440e-4f;
  Lanes p = r * 1.9875691500e-4f + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * r * r + r + 1.0f;
  const Lanes two_n = reinterpret_cast<Lanes>((__builtin_convertvector(n, LaneInts) + 127) << 23);
  return x < -87.0f ? Lanes{} : p * two_n;
}

// The same for one value (tails of rows), with the same arithmetic.
[[gnu::always_inline]] inline float exp_nonpositive(float x) {
  Lanes v = {};
  v[0] = x;
  return exp_nonpositive(v)[0];
}

// sigmoid(a) = 1 / (1 + e^-a), from e^-|a| so that the exponent is never positive.
[[gnu::always_inline]] inline Lanes sigmoid(Lanes a) {
  const Lanes e = exp_nonpositive(a > 0.0f ? -a : a);
  const Lanes inv = 1.0f / (1.0f + e);
  return a > 0.0f ? inv : e * inv;
}

[[gnu::always_inline]] inline float sigmoid(float a) {
  Lanes v = {};
  v[0] = a;
  return sigmoid(v)[0];
}

// Sum and maximum of x[lo, hi), eight lanes at a time (the softmax of the
// decoding step and of the fused attention).
[[gnu::always_inline]] inline float range_sum(const float* x, int64_t lo, int64_t hi) {
  Lanes lanes = {};
  int64_t s = lo;
  for (; s + 8 <= hi; s += 8) lanes += load_lanes(x + s);
  float sum = 0;
  for (; s < hi; ++s) sum += x[s];
  for (int l = 0; l < 8; ++l) sum += lanes[l];
  return sum;
}

[[gnu::always_inline]] inline float range_max(const float* x, int64_t lo, int64_t hi) {
  constexpr float kNone = -std::numeric_limits<float>::infinity();
  Lanes lanes = {kNone, kNone, kNone, kNone, kNone, kNone, kNone, kNone};
  int64_t s = lo;
  for (; s + 8 <= hi; s += 8) {
    const Lanes v = load_lanes(x + s);
    lanes = lanes > v ? lanes : v;
  }
  float max = kNone;
  for (; s < hi; ++s) max = std::max(max, x[s]);
  for (int l = 0; l < 8; ++l) max = std::max(max, lanes[l]);
  return max;
}

// out[s] = e^(x[s] - max) over [lo, hi); out may be x.
[[gnu::always_inline]] inline void exp_shifted(const float* x, float max, float* out, int64_t lo, int64_t hi) {
  int64_t s = lo;
  for (; s + 8 <= hi; s += 8) store_lanes(out + s, exp_nonpositive(load_lanes(x + s) - max));
  for (; s < hi; ++s) out[s] = exp_nonpositive(x[s] - max);
}

}  // namespace rlvr::model
