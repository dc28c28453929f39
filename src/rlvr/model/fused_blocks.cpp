#include "rlvr/model/fused_blocks.h"

#include <ATen/Parallel.h>

#include <cmath>

#include "rlvr/model/cpu_dispatch.h"
#include "rlvr/model/row_kernels.h"

namespace rlvr::model {

RLVR_ROW_LOOP void rms_norm_rows(const float* x, const float* w, float* y, float* r_out, int64_t begin,
                                 int64_t end, int64_t D, float eps) {
  for (int64_t n = begin; n < end; ++n) {
    const float* xr = x + n * D;
    float ss = 0;
    for (int64_t d = 0; d < D; ++d) ss += xr[d] * xr[d];
    const float rn = 1.0f / std::sqrt(ss / static_cast<float>(D) + eps);
    if (r_out) r_out[n] = rn;
    float* yr = y + n * D;
    for (int64_t d = 0; d < D; ++d) yr[d] = xr[d] * rn * w[d];
  }
}

RLVR_ROW_LOOP void swiglu_rows(const float* gate_up, float* act, int64_t begin, int64_t end, int64_t F) {
  for (int64_t n = begin; n < end; ++n) {
    const float* a = gate_up + n * 2 * F;
    const float* b = a + F;
    float* o = act + n * F;
    int64_t f = 0;
    for (; f + 8 <= F; f += 8) {
      const Lanes x = load_lanes(a + f);
      store_lanes(o + f, x * sigmoid(x) * load_lanes(b + f));
    }
    for (; f < F; ++f) o[f] = a[f] * sigmoid(a[f]) * b[f];
  }
}

namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

// ---- RMSNorm: y = x r w, r = (mean(x^2) + eps)^(-1/2) per row.
// dx = r w g - (r^3 / D) x sum(g w x); dw = sum over rows of g x r.

RLVR_ROW_LOOP void rms_backward_rows(const float* x, const float* w, const float* r, const float* g, float* dx,
                                     int64_t begin, int64_t end, int64_t D) {
  for (int64_t n = begin; n < end; ++n) {
    const float* xr = x + n * D;
    const float* gr = g + n * D;
    float dot = 0;
    for (int64_t d = 0; d < D; ++d) dot += gr[d] * w[d] * xr[d];
    const float rn = r[n], c = rn * rn * rn * dot / static_cast<float>(D);
    float* o = dx + n * D;
    for (int64_t d = 0; d < D; ++d) o[d] = rn * w[d] * gr[d] - c * xr[d];
  }
}

struct RmsNorm : torch::autograd::Function<RmsNorm> {
  static torch::Tensor forward(AutogradContext* ctx, torch::Tensor x, torch::Tensor w, double eps) {
    x = x.contiguous();
    w = w.contiguous();
    const int64_t D = x.size(-1), N = x.numel() / D;
    torch::Tensor y = torch::empty_like(x), r = torch::empty({N});
    const float* xp = x.data_ptr<float>();
    const float* wp = w.data_ptr<float>();
    float* yp = y.data_ptr<float>();
    float* rp = r.data_ptr<float>();
    at::parallel_for(0, N, 64, [&](int64_t begin, int64_t end) {
      rms_norm_rows(xp, wp, yp, rp, begin, end, D, static_cast<float>(eps));
    });
    ctx->save_for_backward({x, w, r});
    return y;
  }
  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    auto saved = ctx->get_saved_variables();
    const torch::Tensor &x = saved[0], &w = saved[1], &r = saved[2];
    torch::Tensor g = grads[0].contiguous();
    const int64_t D = x.size(-1), N = x.numel() / D;
    torch::Tensor dx = torch::empty_like(x);
    const float* xp = x.data_ptr<float>();
    const float* wp = w.data_ptr<float>();
    const float* rp = r.data_ptr<float>();
    const float* gp = g.data_ptr<float>();
    float* dp = dx.data_ptr<float>();
    at::parallel_for(0, N, 64, [&](int64_t begin, int64_t end) {
      rms_backward_rows(xp, wp, rp, gp, dp, begin, end, D);
    });
    torch::Tensor dw = (g.view({N, D}) * x.view({N, D}) * r.unsqueeze(1)).sum(0);
    return {dx, dw, torch::Tensor()};
  }
};

// ---- SwiGLU: out = silu(a) b for gate_up = [a | b]; s = sigmoid(a):
// da = g b s (1 + a (1 - s)), db = g a s.

RLVR_ROW_LOOP void swiglu_backward_rows(const float* gu, const float* g, float* dgu, int64_t begin, int64_t end,
                                        int64_t F) {
  for (int64_t n = begin; n < end; ++n) {
    const float* a = gu + n * 2 * F;
    const float* b = a + F;
    const float* gr = g + n * F;
    float* da = dgu + n * 2 * F;
    float* db = da + F;
    int64_t f = 0;
    for (; f + 8 <= F; f += 8) {
      const Lanes x = load_lanes(a + f), y = load_lanes(b + f), go = load_lanes(gr + f), s = sigmoid(x);
      store_lanes(da + f, go * y * s * (1.0f + x * (1.0f - s)));
      store_lanes(db + f, go * x * s);
    }
    for (; f < F; ++f) {
      const float s = sigmoid(a[f]);
      da[f] = gr[f] * b[f] * s * (1.0f + a[f] * (1.0f - s));
      db[f] = gr[f] * a[f] * s;
    }
  }
}

struct SwiGlu : torch::autograd::Function<SwiGlu> {
  static torch::Tensor forward(AutogradContext* ctx, torch::Tensor gate_up) {
    gate_up = gate_up.contiguous();
    const int64_t F = gate_up.size(-1) / 2, N = gate_up.numel() / (2 * F);
    std::vector<int64_t> shape = gate_up.sizes().vec();
    shape.back() = F;
    torch::Tensor out = torch::empty(shape);
    const float* gp = gate_up.data_ptr<float>();
    float* op = out.data_ptr<float>();
    at::parallel_for(0, N, 16, [&](int64_t begin, int64_t end) { swiglu_rows(gp, op, begin, end, F); });
    ctx->save_for_backward({gate_up});
    return out;
  }
  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    torch::Tensor gate_up = ctx->get_saved_variables()[0];
    torch::Tensor g = grads[0].contiguous();
    const int64_t F = gate_up.size(-1) / 2, N = gate_up.numel() / (2 * F);
    torch::Tensor dgu = torch::empty_like(gate_up);
    const float* gp = gate_up.data_ptr<float>();
    const float* gr = g.data_ptr<float>();
    float* dp = dgu.data_ptr<float>();
    at::parallel_for(0, N, 16, [&](int64_t begin, int64_t end) {
      swiglu_backward_rows(gp, gr, dp, begin, end, F);
    });
    return {dgu};
  }
};

// ---- Heads with rotary: qkv [B, T, 3D] -> q, k, v [B, H, T, Dh]; q and k
// rotated by pairs (i, i + Dh/2): y1 = x1 c - x2 s, y2 = x1 s + x2 c, whose
// transpose gives dx1 = g1 c + g2 s, dx2 = g2 c - g1 s.

struct HeadShape {
  int64_t B, T, H, Dh;
};

// One token (b, t): from its qkv row to the three head tensors (forward), or
// the gradients of the three back to its qkv row (backward).
RLVR_ROW_LOOP void split_rows(const float* qkv, const float* cos, const float* sin, float* q, float* k, float* v,
                              int64_t begin, int64_t end, HeadShape s) {
  const int64_t D = s.H * s.Dh, half = s.Dh / 2;
  for (int64_t bt = begin; bt < end; ++bt) {
    const int64_t b = bt / s.T, t = bt % s.T;
    const float* row = qkv + bt * 3 * D;
    const float* c = cos + bt * half;
    const float* sn = sin + bt * half;
    for (int64_t h = 0; h < s.H; ++h) {
      const int64_t at = ((b * s.H + h) * s.T + t) * s.Dh;
      const float* xq = row + h * s.Dh;
      const float* xk = row + D + h * s.Dh;
      const float* xv = row + 2 * D + h * s.Dh;
      for (int64_t i = 0; i < half; ++i) {
        q[at + i] = xq[i] * c[i] - xq[i + half] * sn[i];
        q[at + i + half] = xq[i] * sn[i] + xq[i + half] * c[i];
        k[at + i] = xk[i] * c[i] - xk[i + half] * sn[i];
        k[at + i + half] = xk[i] * sn[i] + xk[i + half] * c[i];
      }
      for (int64_t i = 0; i < s.Dh; ++i) v[at + i] = xv[i];
    }
  }
}

RLVR_ROW_LOOP void merge_rows(const float* gq, const float* gk, const float* gv, const float* cos,
                              const float* sin, float* dqkv, int64_t begin, int64_t end, HeadShape s) {
  const int64_t D = s.H * s.Dh, half = s.Dh / 2;
  for (int64_t bt = begin; bt < end; ++bt) {
    const int64_t b = bt / s.T, t = bt % s.T;
    float* row = dqkv + bt * 3 * D;
    const float* c = cos + bt * half;
    const float* sn = sin + bt * half;
    for (int64_t h = 0; h < s.H; ++h) {
      const int64_t at = ((b * s.H + h) * s.T + t) * s.Dh;
      float* dq = row + h * s.Dh;
      float* dk = row + D + h * s.Dh;
      float* dv = row + 2 * D + h * s.Dh;
      for (int64_t i = 0; i < half; ++i) {
        dq[i] = gq[at + i] * c[i] + gq[at + i + half] * sn[i];
        dq[i + half] = gq[at + i + half] * c[i] - gq[at + i] * sn[i];
        dk[i] = gk[at + i] * c[i] + gk[at + i + half] * sn[i];
        dk[i + half] = gk[at + i + half] * c[i] - gk[at + i] * sn[i];
      }
      for (int64_t i = 0; i < s.Dh; ++i) dv[i] = gv[at + i];
    }
  }
}

struct SplitHeadsRotary : torch::autograd::Function<SplitHeadsRotary> {
  static variable_list forward(AutogradContext* ctx, torch::Tensor qkv, torch::Tensor cos, torch::Tensor sin,
                               int64_t heads) {
    qkv = qkv.contiguous();
    cos = cos.contiguous();
    sin = sin.contiguous();
    HeadShape s{qkv.size(0), qkv.size(1), heads, qkv.size(2) / 3 / heads};
    torch::Tensor q = torch::empty({s.B, s.H, s.T, s.Dh}), k = torch::empty_like(q), v = torch::empty_like(q);
    const float* xp = qkv.data_ptr<float>();
    const float* cp = cos.data_ptr<float>();
    const float* sp = sin.data_ptr<float>();
    float *qp = q.data_ptr<float>(), *kp = k.data_ptr<float>(), *vp = v.data_ptr<float>();
    at::parallel_for(0, s.B * s.T, 16, [&](int64_t begin, int64_t end) {
      split_rows(xp, cp, sp, qp, kp, vp, begin, end, s);
    });
    ctx->save_for_backward({cos, sin});
    ctx->saved_data["heads"] = heads;
    return {q, k, v};
  }
  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    auto saved = ctx->get_saved_variables();
    const torch::Tensor &cos = saved[0], &sin = saved[1];
    const int64_t heads = ctx->saved_data["heads"].toInt();
    const int64_t B = cos.size(0), T = cos.size(1), Dh = 2 * cos.size(2);
    HeadShape s{B, T, heads, Dh};
    auto dense = [&](const torch::Tensor& g) {
      return g.defined() ? g.contiguous() : torch::zeros({B, heads, T, Dh});
    };
    torch::Tensor gq = dense(grads[0]), gk = dense(grads[1]), gv = dense(grads[2]);
    torch::Tensor dqkv = torch::empty({B, T, 3 * heads * Dh});
    const float *qp = gq.data_ptr<float>(), *kp = gk.data_ptr<float>(), *vp = gv.data_ptr<float>();
    const float* cp = cos.data_ptr<float>();
    const float* sp = sin.data_ptr<float>();
    float* dp = dqkv.data_ptr<float>();
    at::parallel_for(0, B * T, 16, [&](int64_t begin, int64_t end) {
      merge_rows(qp, kp, vp, cp, sp, dp, begin, end, s);
    });
    return {dqkv, torch::Tensor(), torch::Tensor(), torch::Tensor()};
  }
};

}  // namespace

torch::Tensor fused_rms_norm(const torch::Tensor& x, const torch::Tensor& weight, double eps) {
  return RmsNorm::apply(x, weight, eps);
}

torch::Tensor fused_swiglu(const torch::Tensor& gate_up) { return SwiGlu::apply(gate_up); }

std::array<torch::Tensor, 3> split_heads_with_rotary(const torch::Tensor& qkv, const torch::Tensor& cos,
                                                     const torch::Tensor& sin, int64_t heads) {
  variable_list out = SplitHeadsRotary::apply(qkv, cos, sin, heads);
  return {out[0], out[1], out[2]};
}

}  // namespace rlvr::model
