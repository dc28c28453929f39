// Per-row loops shared by the fused blocks (training, prefill) and the
// decoding step, so that both compute the same arithmetic. Rows [begin, end)
// of row-major float arrays; each built for AVX2 and baseline x86-64.
#pragma once

#include <cstdint>

namespace rlvr::model {

// y = x * r * w per row of x [N, D], r = (mean(x^2) + eps)^(-1/2); r is
// written to r_out[n] unless r_out is null.
void rms_norm_rows(const float* x, const float* w, float* y, float* r_out, int64_t begin, int64_t end,
                   int64_t D, float eps);

// act = silu(gate) * up per row of gate_up [N, 2F] = [gate | up]; act [N, F].
void swiglu_rows(const float* gate_up, float* act, int64_t begin, int64_t end, int64_t F);

}  // namespace rlvr::model
