#include "rlvr/model/fused_attention.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <limits>
#include <vector>

#include "rlvr/model/cpu_dispatch.h"
#include "rlvr/model/row_kernels.h"

namespace rlvr::model {

torch::Tensor attention(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                        const torch::Tensor& bias, double scale) {
  const int64_t T = q.size(2), S = k.size(2);
  torch::Tensor mask = bias.defined()
                           ? bias
                           : torch::full({T, S}, -std::numeric_limits<float>::infinity()).triu(S - T + 1);
  torch::Tensor scores = torch::matmul(q, k.transpose(-2, -1)) * scale + mask;
  return torch::matmul(torch::softmax(scores, -1), v);
}

namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

constexpr int64_t kRows = 4;   // query rows (or key rows) per register block
constexpr int64_t kWide = 16;  // keys, or head dimensions, per register block

int64_t round_up(int64_t n) { return (n + kWide - 1) / kWide * kWide; }

// The keys a row may see: [lo, hi); masked keys inside it are still masked by
// the bias, those outside it are not visited.
struct KeyRange {
  int64_t lo = 0, hi = 0;
};

struct HeadDims {
  int64_t T, S, Dh;
  int64_t S16, Dh16;  // S and Dh rounded up to whole register blocks
  float scale;
};

// out[t][s] = sum_d a[t][d] bt[d][s], for each row t at least over the key
// blocks covering its range. a: [T, Dh]; bt: [Dh, ldb] zero beyond the keys;
// out: [T, ldb].
[[gnu::always_inline]] inline void products_with_transposed(const float* a, const float* bt, const KeyRange* range,
                                                            const HeadDims& d, int64_t ldb, float* out) {
  for (int64_t t0 = 0; t0 < d.T; t0 += kRows) {
    const int64_t rows = std::min(kRows, d.T - t0);
    int64_t lo = range[t0].lo, hi = range[t0].hi;
    const float* arow[kRows];
    for (int64_t r = 0; r < kRows; ++r) {
      const int64_t t = t0 + std::min(r, rows - 1);  // short blocks repeat their last row
      arow[r] = a + t * d.Dh;
      lo = std::min(lo, range[t].lo);
      hi = std::max(hi, range[t].hi);
    }
    for (int64_t s0 = lo / kWide * kWide; s0 < hi; s0 += kWide) {
      Lanes acc[kRows][2] = {};
      for (int64_t e = 0; e < d.Dh; ++e) {
        const Lanes b0 = load_lanes(bt + e * ldb + s0);
        const Lanes b1 = load_lanes(bt + e * ldb + s0 + 8);
#pragma GCC unroll 4
        for (int64_t r = 0; r < kRows; ++r) {
          acc[r][0] += arow[r][e] * b0;
          acc[r][1] += arow[r][e] * b1;
        }
      }
      for (int64_t r = 0; r < rows; ++r) {
        store_lanes(out + (t0 + r) * ldb + s0, acc[r][0]);
        store_lanes(out + (t0 + r) * ldb + s0 + 8, acc[r][1]);
      }
    }
  }
}

// out[i] = sum_j a(i, j) x[j] over each row's range, for rows i < n; a(i, j)
// is a[i lda + j], or a[j lda + i] when `a_transposed` (so that p^T needs no
// copy), zero outside each row's range. x: [m, Dh16] zero beyond Dh; out: [n, Dh].
template <bool a_transposed>
[[gnu::always_inline]] inline void combine_rows(const float* a, int64_t lda, const float* x, const KeyRange* range,
                                                int64_t n, const HeadDims& d, float* out) {
  for (int64_t i0 = 0; i0 < n; i0 += kRows) {
    const int64_t rows = std::min(kRows, n - i0);
    int64_t lo = range[i0].lo, hi = range[i0].hi;
    const float* arow[kRows];
    for (int64_t r = 0; r < kRows; ++r) {
      const int64_t i = i0 + std::min(r, rows - 1);
      arow[r] = a_transposed ? a + i : a + i * lda;
      lo = std::min(lo, range[i].lo);
      hi = std::max(hi, range[i].hi);
    }
    for (int64_t c0 = 0; c0 < d.Dh; c0 += kWide) {
      Lanes acc[kRows][2] = {};
      for (int64_t j = lo; j < hi; ++j) {
        const Lanes x0 = load_lanes(x + j * d.Dh16 + c0);
        const Lanes x1 = load_lanes(x + j * d.Dh16 + c0 + 8);
        const int64_t at = a_transposed ? j * lda : j;
#pragma GCC unroll 4
        for (int64_t r = 0; r < kRows; ++r) {
          acc[r][0] += arow[r][at] * x0;
          acc[r][1] += arow[r][at] * x1;
        }
      }
      const int64_t width = std::min(kWide, d.Dh - c0);
      for (int64_t r = 0; r < rows; ++r) {
        float lanes[kWide];
        store_lanes(lanes, acc[r][0]);
        store_lanes(lanes + 8, acc[r][1]);
        std::copy(lanes, lanes + width, out + (i0 + r) * d.Dh + c0);
      }
    }
  }
}

// rows x [n, Dh] -> [n, Dh16], zero-padded.
[[gnu::always_inline]] inline void pad_rows(const float* x, int64_t n, const HeadDims& d, float* out) {
  for (int64_t i = 0; i < n; ++i) {
    std::copy(x + i * d.Dh, x + (i + 1) * d.Dh, out + i * d.Dh16);
    std::fill(out + i * d.Dh16 + d.Dh, out + (i + 1) * d.Dh16, 0.0f);
  }
}

// keys x [S, Dh] -> [Dh, S16], zero beyond S.
[[gnu::always_inline]] inline void transpose_keys(const float* x, const HeadDims& d, float* out) {
  for (int64_t e = 0; e < d.Dh; ++e) {
    float* row = out + e * d.S16;
    for (int64_t s = 0; s < d.S; ++s) row[s] = x[s * d.Dh + e];
    std::fill(row + d.S, row + d.S16, 0.0f);
  }
}

size_t forward_scratch(const HeadDims& d) { return d.Dh * d.S16 + d.S * d.Dh16 + d.T * d.S16; }
size_t backward_scratch(const HeadDims& d) {
  return d.Dh * d.S16 + d.S * d.Dh16 + 2 * d.T * d.Dh16 + d.T * d.S16 + d.T * d.S;
}

// One head forward: p = softmax(q k^T scale + bias) [T, S] (zero outside each
// row's range), o = p v [T, Dh].
RLVR_ROW_LOOP void head_forward(const float* q, const float* k, const float* v, const float* bias,
                                const KeyRange* range, HeadDims d, float* p, float* o, float* scratch) {
  float* kt = scratch;                // [Dh, S16]
  float* vp = kt + d.Dh * d.S16;      // [S, Dh16]
  float* w = vp + d.S * d.Dh16;       // [T, S16] scores
  transpose_keys(k, d, kt);
  pad_rows(v, d.S, d, vp);
  products_with_transposed(q, kt, range, d, d.S16, w);
  for (int64_t t = 0; t < d.T; ++t) {
    const int64_t lo = range[t].lo, hi = range[t].hi;
    float* x = w + t * d.S16;
    float* pr = p + t * d.S;
    if (bias) {
      const float* br = bias + t * d.S;
      for (int64_t s = lo; s < hi; ++s) x[s] = x[s] * d.scale + br[s];
    } else {
      for (int64_t s = lo; s < hi; ++s) x[s] *= d.scale;
    }
    const float max = range_max(x, lo, hi);
    std::fill(pr, pr + d.S, 0.0f);
    if (max == -std::numeric_limits<float>::infinity()) continue;  // sees no key
    exp_shifted(x, max, pr, lo, hi);
    const float inv = 1.0f / range_sum(pr, lo, hi);
    for (int64_t s = lo; s < hi; ++s) pr[s] *= inv;
  }
  combine_rows<false>(p, d.S, vp, range, d.T, d, o);
}

// One head backward from g = dL/do [T, Dh]: dp = g v^T; the softmax's
// ds = p (dp - sum_s p dp) scale; dq = ds k, dk = ds^T q, dv = p^T g.
RLVR_ROW_LOOP void head_backward(const float* q, const float* k, const float* v, const float* p, const float* g,
                                 const KeyRange* range, const KeyRange* key_range, HeadDims d, float* dq,
                                 float* dk, float* dv, float* scratch) {
  float* vt = scratch;               // [Dh, S16]
  float* kp = vt + d.Dh * d.S16;     // [S, Dh16]
  float* qp = kp + d.S * d.Dh16;     // [T, Dh16]
  float* gp = qp + d.T * d.Dh16;     // [T, Dh16]
  float* w = gp + d.T * d.Dh16;      // [T, S16] dp
  float* ds = w + d.T * d.S16;       // [T, S]
  transpose_keys(v, d, vt);
  pad_rows(k, d.S, d, kp);
  pad_rows(q, d.T, d, qp);
  pad_rows(g, d.T, d, gp);
  products_with_transposed(g, vt, range, d, d.S16, w);
  for (int64_t t = 0; t < d.T; ++t) {
    const int64_t lo = range[t].lo, hi = range[t].hi;
    const float* pr = p + t * d.S;
    const float* dp = w + t * d.S16;
    float* out = ds + t * d.S;
    std::fill(out, out + d.S, 0.0f);
    for (int64_t s = lo; s < hi; ++s) out[s] = pr[s] * dp[s];
    const float dot = range_sum(out, lo, hi);  // sum_s p dp
    for (int64_t s = lo; s < hi; ++s) out[s] = pr[s] * (dp[s] - dot) * d.scale;
  }
  combine_rows<false>(ds, d.S, kp, range, d.T, d, dq);
  combine_rows<true>(p, d.S, gp, key_range, d.S, d, dv);
  combine_rows<true>(ds, d.S, qp, key_range, d.S, d, dk);
}

// Each query row's key range, [bias rows, T]: from where its bias is finite,
// or causal when there is no bias.
std::vector<KeyRange> query_ranges(const torch::Tensor& bias, int64_t T, int64_t S) {
  if (!bias.defined()) {
    std::vector<KeyRange> out(T);
    for (int64_t t = 0; t < T; ++t) out[t] = {0, S - T + t + 1};
    return out;
  }
  const int64_t rows = bias.size(0);
  std::vector<KeyRange> out(rows * T);
  const float* b = bias.data_ptr<float>();
  for (int64_t i = 0; i < rows * T; ++i) {
    const float* row = b + i * S;
    int64_t lo = 0, hi = S;
    while (lo < S && row[lo] == -std::numeric_limits<float>::infinity()) ++lo;
    while (hi > lo && row[hi - 1] == -std::numeric_limits<float>::infinity()) --hi;
    out[i] = {lo, hi};
  }
  return out;
}

// For each key, the queries that may see it (a covering range: p and ds are
// zero outside the queries' own ranges).
std::vector<KeyRange> key_ranges(const KeyRange* range, int64_t T, int64_t S) {
  std::vector<KeyRange> out(S, KeyRange{T, 0});
  for (int64_t t = 0; t < T; ++t)
    for (int64_t s = range[t].lo; s < range[t].hi; ++s) {
      out[s].lo = std::min(out[s].lo, t);
      out[s].hi = t + 1;
    }
  for (auto& r : out)
    if (r.hi == 0) r = {0, 0};
  return out;
}

// The bias as [rows, T, S] contiguous (rows = 1 or B), or undefined.
torch::Tensor bias_rows(const torch::Tensor& bias, int64_t B, int64_t T, int64_t S) {
  if (!bias.defined()) return bias;
  TORCH_CHECK(bias.scalar_type() == torch::kFloat, "attention bias must be float");
  if (bias.dim() == 2) {
    TORCH_CHECK(bias.size(0) == T && bias.size(1) == S, "attention bias must be [T, S]");
    return bias.contiguous().view({1, T, S});
  }
  TORCH_CHECK(bias.dim() == 4 && bias.size(1) == 1 && (bias.size(0) == 1 || bias.size(0) == B),
              "attention bias must be [B, 1, T, S] or [T, S]");
  return bias.expand({bias.size(0), 1, T, S}).contiguous().view({bias.size(0), T, S});
}

struct Attention : torch::autograd::Function<Attention> {
  static torch::Tensor forward(AutogradContext* ctx, torch::Tensor q, torch::Tensor k, torch::Tensor v,
                               torch::Tensor bias, double scale) {
    q = q.contiguous();
    k = k.contiguous();
    v = v.contiguous();
    const int64_t B = q.size(0), H = q.size(1), T = q.size(2), Dh = q.size(3), S = k.size(2);
    TORCH_CHECK(k.size(0) == B && k.size(1) == H && k.size(3) == Dh && v.sizes() == k.sizes(),
                "attention: q [B, H, T, Dh], k and v [B, H, S, Dh]");
    bias = bias_rows(bias.numel() == 0 ? torch::Tensor() : bias, B, T, S);
    std::vector<KeyRange> ranges = query_ranges(bias, T, S);
    const int64_t bias_rows_n = bias.defined() ? bias.size(0) : 1;
    HeadDims d{T, S, Dh, round_up(S), round_up(Dh), static_cast<float>(scale)};
    torch::Tensor p = torch::empty({B, H, T, S}), o = torch::empty({B, H, T, Dh});
    const float *qp = q.data_ptr<float>(), *kp = k.data_ptr<float>(), *vp = v.data_ptr<float>();
    const float* bp = bias.defined() ? bias.data_ptr<float>() : nullptr;
    float *pp = p.data_ptr<float>(), *op = o.data_ptr<float>();
    at::parallel_for(0, B * H, 1, [&](int64_t begin, int64_t end) {
      std::vector<float> scratch(forward_scratch(d));
      for (int64_t bh = begin; bh < end; ++bh) {
        const int64_t br = bias_rows_n == 1 ? 0 : bh / H;
        head_forward(qp + bh * T * Dh, kp + bh * S * Dh, vp + bh * S * Dh, bp ? bp + br * T * S : nullptr,
                     ranges.data() + br * T, d, pp + bh * T * S, op + bh * T * Dh, scratch.data());
      }
    });
    torch::Tensor packed = torch::empty({static_cast<int64_t>(ranges.size()), 2}, torch::kLong);
    int64_t* packed_p = packed.data_ptr<int64_t>();
    for (size_t i = 0; i < ranges.size(); ++i) {
      packed_p[2 * i] = ranges[i].lo;
      packed_p[2 * i + 1] = ranges[i].hi;
    }
    ctx->save_for_backward({q, k, v, p, packed});
    ctx->saved_data["scale"] = scale;
    return o;
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    auto saved = ctx->get_saved_variables();
    const torch::Tensor &q = saved[0], &k = saved[1], &v = saved[2], &p = saved[3], &packed = saved[4];
    const int64_t B = q.size(0), H = q.size(1), T = q.size(2), Dh = q.size(3), S = k.size(2);
    HeadDims d{T, S, Dh, round_up(S), round_up(Dh), static_cast<float>(ctx->saved_data["scale"].toDouble())};
    const int64_t bias_rows_n = packed.size(0) / T;
    std::vector<KeyRange> ranges(packed.size(0)), keys;
    const int64_t* rp = packed.data_ptr<int64_t>();
    for (size_t i = 0; i < ranges.size(); ++i) ranges[i] = {rp[2 * i], rp[2 * i + 1]};
    for (int64_t r = 0; r < bias_rows_n; ++r) {
      std::vector<KeyRange> one = key_ranges(ranges.data() + r * T, T, S);
      keys.insert(keys.end(), one.begin(), one.end());
    }
    torch::Tensor g = grads[0].contiguous();
    torch::Tensor dq = torch::empty_like(q), dk = torch::empty_like(k), dv = torch::empty_like(v);
    const float *qp = q.data_ptr<float>(), *kp = k.data_ptr<float>(), *vp = v.data_ptr<float>();
    const float *pp = p.data_ptr<float>(), *gp = g.data_ptr<float>();
    float *dqp = dq.data_ptr<float>(), *dkp = dk.data_ptr<float>(), *dvp = dv.data_ptr<float>();
    at::parallel_for(0, B * H, 1, [&](int64_t begin, int64_t end) {
      std::vector<float> scratch(backward_scratch(d));
      for (int64_t bh = begin; bh < end; ++bh) {
        const int64_t br = bias_rows_n == 1 ? 0 : bh / H;
        head_backward(qp + bh * T * Dh, kp + bh * S * Dh, vp + bh * S * Dh, pp + bh * T * S, gp + bh * T * Dh,
                      ranges.data() + br * T, keys.data() + br * S, d, dqp + bh * T * Dh, dkp + bh * S * Dh,
                      dvp + bh * S * Dh, scratch.data());
      }
    });
    return {dq, dk, dv, torch::Tensor(), torch::Tensor()};
  }
};

}  // namespace

torch::Tensor fused_attention(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                              const torch::Tensor& bias, double scale) {
  // Function::apply takes no undefined tensors: an empty one stands for "causal".
  return Attention::apply(q, k, v, bias.defined() ? bias : torch::empty({0}), scale);
}

}  // namespace rlvr::model
