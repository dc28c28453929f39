#include "rlvr/model/transformer.h"

#include <dlfcn.h>

#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Parallel.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <thread>

#include "rlvr/model/cpu_dispatch.h"
#include "rlvr/model/fused_attention.h"
#include "rlvr/model/fused_blocks.h"
#include "rlvr/model/row_kernels.h"

namespace rlvr::model {

namespace F = torch::nn::functional;

torch::Tensor rms_norm(const torch::Tensor& x, const torch::Tensor& weight, double eps) {
  return x * torch::rsqrt(x.square().mean(-1, /*keepdim=*/true) + eps) * weight;
}

torch::Tensor apply_rotary(const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin) {
  int64_t half = x.size(-1) / 2;
  torch::Tensor x1 = x.narrow(-1, 0, half);
  torch::Tensor x2 = x.narrow(-1, half, half);
  return torch::cat({x1 * cos - x2 * sin, x1 * sin + x2 * cos}, -1);
}

std::pair<torch::Tensor, torch::Tensor> rotary_tables(int head_dim, int max_len, double theta) {
  auto exponent = torch::arange(0, head_dim / 2, torch::kFloat64) * (-2.0 / head_dim);
  auto inv_freq = torch::pow(theta, exponent);
  auto angles = torch::outer(torch::arange(0, max_len, torch::kFloat64), inv_freq);
  return {angles.cos().to(torch::kFloat32), angles.sin().to(torch::kFloat32)};
}

torch::Tensor swiglu(const torch::Tensor& gate_up) {
  int64_t f = gate_up.size(-1) / 2;
  return torch::silu(gate_up.narrow(-1, 0, f)) * gate_up.narrow(-1, f, f);
}

namespace {

// out[b] = x[b] * rsqrt(mean(x[b]^2) + eps) * w, rows in parallel.
void rms_rows(const torch::Tensor& x, const torch::Tensor& w, torch::Tensor& out, double eps) {
  const int64_t B = x.size(0), D = x.size(1);
  const float* xp = x.data_ptr<float>();
  const float* wp = w.data_ptr<float>();
  float* op = out.data_ptr<float>();
  at::parallel_for(0, B, 16, [&](int64_t begin, int64_t end) {
    rms_norm_rows(xp, wp, op, nullptr, begin, end, D, static_cast<float>(eps));
  });
}

// One head of one row in a decoding step: where its query, new key and value
// come from, its rotary angles, its cache and its attention output.
struct HeadStep {
  const float *q, *k, *v;      // [Dh] each, straight from the qkv product
  const float *cos, *sin;      // [Dh/2] at the row's position
  float* keys;                 // [Dh, capacity] cache of this row and head, transposed
  float* values;               // [capacity, Dh]
  const float* bias;           // [S] additive key mask
  float* out;                  // [Dh] attention output
};

// Rotates the query and new key, writes key and value to cache slot S - 1, and
// computes softmax(q K^T * scale + bias) V over the S cached positions. The
// loops work on blocks of 16 keys or 16 head dimensions held in registers.
// capacity: a multiple of 16 (KVCache rounds it up), so that a block of keys
// may read past S. q: Dh floats of scratch; w: capacity floats of scratch.
RLVR_ROW_LOOP void attend_head(const HeadStep& h, int64_t Dh, int64_t capacity, int64_t S, float scale,
                               float* q, float* w) {
  constexpr int64_t kBlock = 16;
  const int64_t half = Dh / 2;
  float* kslot = h.keys + (S - 1);  // column S - 1 of the transposed keys
  for (int64_t i = 0; i < half; ++i) {  // rotary, "rotate half" pairs (i, i + half)
    q[i] = (h.q[i] * h.cos[i] - h.q[i + half] * h.sin[i]) * scale;
    q[i + half] = (h.q[i] * h.sin[i] + h.q[i + half] * h.cos[i]) * scale;
    kslot[i * capacity] = h.k[i] * h.cos[i] - h.k[i + half] * h.sin[i];
    kslot[(i + half) * capacity] = h.k[i] * h.sin[i] + h.k[i + half] * h.cos[i];
  }
  std::copy(h.v, h.v + Dh, h.values + (S - 1) * Dh);

  // Scores, 16 keys at a time: keys are stored transposed, so each head
  // dimension adds a vertical multiple of 16 consecutive keys.
  for (int64_t j0 = 0; j0 < S; j0 += kBlock) {
    Lanes acc0 = {}, acc1 = {};
    for (int64_t d = 0; d < Dh; ++d) {
      const float* kd = h.keys + d * capacity + j0;
      acc0 += q[d] * load_lanes(kd);
      acc1 += q[d] * load_lanes(kd + 8);
    }
    store_lanes(w + j0, acc0);
    store_lanes(w + j0 + 8, acc1);
  }
  int64_t j = 0;
  for (; j < S; ++j) w[j] += h.bias[j];
  const float max = range_max(w, 0, S);
  exp_shifted(w, max, w, 0, S);  // masked keys (bias -inf) give 0
  const float inv = 1.0f / range_sum(w, 0, S);

  // Weighted values, 16 head dimensions at a time.
  int64_t d0 = 0;
  for (; d0 + kBlock <= Dh; d0 += kBlock) {
    Lanes acc0 = {}, acc1 = {};
    for (j = 0; j < S; ++j) {
      const float* vv = h.values + j * Dh + d0;
      acc0 += w[j] * load_lanes(vv);
      acc1 += w[j] * load_lanes(vv + 8);
    }
    store_lanes(h.out + d0, acc0 * inv);
    store_lanes(h.out + d0 + 8, acc1 * inv);
  }
  for (; d0 < Dh; ++d0) {
    float acc = 0;
    for (j = 0; j < S; ++j) acc += w[j] * h.values[j * Dh + d0];
    h.out[d0] = acc * inv;
  }
}

// y[b] = x[b] W^T (+ y[b] when accumulating) for outputs [n_begin, n_end) of a
// few rows: the matrix-vector products of small-batch decoding. OpenBLAS packs
// the whole weight matrix on every call, which at one or two rows costs more
// than the products themselves. x: [rows, K]; w: [N, K]; y: [rows, N].
RLVR_ROW_LOOP void few_rows_times_weights(const float* x, int64_t rows, int64_t K, const float* w,
                                          int64_t N, int64_t n_begin, int64_t n_end, float* y,
                                          bool accumulate) {
  constexpr int64_t kLanes = 16;
  for (int64_t n = n_begin; n < n_end; ++n) {
    const float* wn = w + n * K;
    for (int64_t b = 0; b < rows; ++b) {
      const float* xb = x + b * K;
      float part[kLanes] = {};
      int64_t k = 0;
      for (; k + kLanes <= K; k += kLanes)
        for (int64_t l = 0; l < kLanes; ++l) part[l] += xb[k + l] * wn[k + l];
      for (int64_t l = 0; l < kLanes / 2; ++l) part[l] += part[l + kLanes / 2];
      float dot = ((part[0] + part[1]) + (part[2] + part[3])) + ((part[4] + part[5]) + (part[6] + part[7]));
      for (; k < K; ++k) dot += xb[k] * wn[k];
      float& out = y[b * N + n];
      out = accumulate ? out + dot : dot;
    }
  }
}

// y = x W^T, or y += x W^T: OpenBLAS for larger batches, the plain loops
// above for a few rows (measured crossover: docs/PERFORMANCE.md).
void project(const torch::Tensor& x, const torch::Tensor& w, torch::Tensor& y, bool accumulate) {
  constexpr int64_t kFewRows = 4;
  const int64_t rows = x.size(0), K = x.size(1), N = w.size(0);
  if (rows > kFewRows) {
    if (accumulate)
      y.addmm_(x, w.t());
    else
      at::mm_out(y, x, w.t());
    return;
  }
  const float* xp = x.data_ptr<float>();
  const float* wp = w.data_ptr<float>();
  float* yp = y.data_ptr<float>();
  at::parallel_for(0, N, 64, [&](int64_t begin, int64_t end) {
    few_rows_times_weights(xp, rows, K, wp, N, begin, end, yp, accumulate);
  });
}

}  // namespace

KVCache::KVCache(const ModelConfig& config, int64_t batch, int64_t capacity) {
  capacity = (capacity + 15) / 16 * 16;  // attend_head reads keys in blocks of 16
  for (int l = 0; l < config.n_layers; ++l) {
    keys.push_back(torch::zeros({batch, config.n_heads, config.head_dim(), capacity}));
    values.push_back(torch::empty({batch, config.n_heads, capacity, config.head_dim()}));
  }
}

void KVCache::keep_rows(const torch::Tensor& rows) {
  for (auto& k : keys) k = k.index_select(0, rows);
  for (auto& v : values) v = v.index_select(0, rows);
  scratch.clear();
}

TransformerImpl::TransformerImpl(const ModelConfig& config) : config_(config) {
  config_.validate("model config");
  const int64_t d = config.d_model, f = config.d_ff, v = config.vocab_size;
  embedding_ = add_weight("embedding.weight", torch::empty({v, d}));
  for (int l = 0; l < config.n_layers; ++l) {
    const std::string p = "layers." + std::to_string(l) + ".";
    Layer layer;
    layer.attn_norm = add_weight(p + "attn_norm.weight", torch::ones({d}));
    layer.qkv = add_weight(p + "qkv.weight", torch::empty({3 * d, d}));
    layer.out = add_weight(p + "out.weight", torch::empty({d, d}));
    layer.mlp_norm = add_weight(p + "mlp_norm.weight", torch::ones({d}));
    layer.gate_up = add_weight(p + "gate_up.weight", torch::empty({2 * f, d}));
    layer.down = add_weight(p + "down.weight", torch::empty({d, f}));
    layers_.push_back(layer);
  }
  final_norm_ = add_weight("final_norm.weight", torch::ones({d}));
  head_ = add_weight("head.weight", torch::empty({v, d}));

  auto [cos, sin] = rotary_tables(config.head_dim(), config.max_seq_len, config.rope_theta);
  rope_cos_ = register_buffer("rope_cos", cos);
  rope_sin_ = register_buffer("rope_sin", sin);
}

torch::Tensor TransformerImpl::add_weight(const std::string& name, torch::Tensor initial) {
  std::string registered = name;
  std::replace(registered.begin(), registered.end(), '.', '_');
  torch::Tensor w = register_parameter(registered, std::move(initial));
  weights_.emplace_back(name, w);
  return w;
}

torch::Tensor TransformerImpl::forward(const torch::Tensor& tokens, const torch::Tensor& positions,
                                       const torch::Tensor& attention_bias, KVCache* cache) {
  if (cache && tokens.size(1) == 1 && attention_bias.defined() && !torch::GradMode::is_enabled())
    return decode_step(tokens, positions, attention_bias, *cache);
  const int64_t B = tokens.size(0), T = tokens.size(1);
  const int64_t D = config_.d_model, H = config_.n_heads, Dh = config_.head_dim();
  const int64_t past = cache ? cache->length : 0;
  const int64_t S = past + T;
  TORCH_CHECK(!cache || S <= cache->capacity(), "KV cache overflow: ", S, " > ", cache->capacity());

  torch::Tensor flat_pos = positions.reshape({-1});
  torch::Tensor cos = rope_cos_.index_select(0, flat_pos).view({B, T, Dh / 2});
  torch::Tensor sin = rope_sin_.index_select(0, flat_pos).view({B, T, Dh / 2});
  const double scale = 1.0 / std::sqrt(static_cast<double>(Dh));

  torch::Tensor x = torch::embedding(embedding_, tokens);  // [B, T, D]
  for (size_t l = 0; l < layers_.size(); ++l) {
    const Layer& layer = layers_[l];
    torch::Tensor h = fused_rms_norm(x, layer.attn_norm, config_.norm_eps);
    auto [q, k, v] = split_heads_with_rotary(F::linear(h, layer.qkv), cos, sin, H);  // [B, H, T, Dh] each
    if (cache) {
      cache->keys[l].narrow(3, past, T).copy_(k.transpose(-2, -1));
      cache->values[l].narrow(2, past, T).copy_(v);
      k = cache->keys[l].narrow(3, 0, S).transpose(-2, -1);
      v = cache->values[l].narrow(2, 0, S);
    }
    // Without a bias: plain causal, query t sees keys up to past + t.
    torch::Tensor attended = fused_attention(q, k, v, attention_bias, scale);  // [B, H, T, Dh]
    x = x + F::linear(attended.transpose(1, 2).reshape({B, T, D}), layer.out);
    h = fused_rms_norm(x, layer.mlp_norm, config_.norm_eps);
    x = x + F::linear(fused_swiglu(F::linear(h, layer.gate_up)), layer.down);
  }
  if (cache) cache->length = S;
  return F::linear(fused_rms_norm(x, final_norm_, config_.norm_eps), head_);
}

torch::Tensor TransformerImpl::decode_step(const torch::Tensor& tokens, const torch::Tensor& positions,
                                           const torch::Tensor& attention_bias, KVCache& cache) {
  const int64_t B = tokens.size(0), D = config_.d_model, H = config_.n_heads, Dh = config_.head_dim();
  const int64_t F = config_.d_ff, half = Dh / 2, cap = cache.capacity();
  const int64_t S = cache.length + 1;
  TORCH_CHECK(S <= cap, "KV cache overflow: ", S, " > ", cap);
  torch::Tensor pos = positions.reshape({B}).contiguous();
  torch::Tensor bias = attention_bias.reshape({B, S}).contiguous();
  TORCH_CHECK(pos.max().item<int64_t>() < config_.max_seq_len, "position beyond max_seq_len");
  const int64_t* pp = pos.data_ptr<int64_t>();
  const float* bp = bias.data_ptr<float>();
  const float* cos_p = rope_cos_.data_ptr<float>();
  const float* sin_p = rope_sin_.data_ptr<float>();
  const float scale = static_cast<float>(1.0 / std::sqrt(static_cast<double>(Dh)));

  auto& scratch = cache.scratch;
  if (scratch.empty() || scratch[0].size(0) != B)
    scratch = {torch::empty({B, D}),     torch::empty({B, D}), torch::empty({B, 3 * D}),
               torch::empty({B, D}),     torch::empty({B, 2 * F}), torch::empty({B, F})};
  torch::Tensor &x = scratch[0], &h = scratch[1], &qkv = scratch[2], &att = scratch[3],
                &gate_up = scratch[4], &act = scratch[5];
  at::index_select_out(x, embedding_, 0, tokens.reshape({B}));
  for (size_t l = 0; l < layers_.size(); ++l) {
    const Layer& layer = layers_[l];
    rms_rows(x, layer.attn_norm, h, config_.norm_eps);
    project(h, layer.qkv, qkv, false);
    TORCH_CHECK(cache.keys[l].is_contiguous() && cache.values[l].is_contiguous(), "cache layout");
    float* kc = cache.keys[l].data_ptr<float>();
    float* vc = cache.values[l].data_ptr<float>();
    const float* qkv_p = qkv.data_ptr<float>();
    float* att_p = att.data_ptr<float>();
    at::parallel_for(0, B * H, 8, [&](int64_t begin, int64_t end) {
      std::vector<float> q(Dh), w(cap);
      for (int64_t bh = begin; bh < end; ++bh) {
        const int64_t b = bh / H, hh = bh % H;
        const float* row = qkv_p + b * 3 * D + hh * Dh;
        HeadStep step{row, row + D, row + 2 * D, cos_p + pp[b] * half, sin_p + pp[b] * half,
                      kc + bh * Dh * cap, vc + bh * cap * Dh, bp + b * S, att_p + b * D + hh * Dh};
        attend_head(step, Dh, cap, S, scale, q.data(), w.data());
      }
    });
    project(att, layer.out, x, true);  // residual: x += att Wout^T
    rms_rows(x, layer.mlp_norm, h, config_.norm_eps);
    project(h, layer.gate_up, gate_up, false);
    const float* gu = gate_up.data_ptr<float>();
    float* ap = act.data_ptr<float>();
    at::parallel_for(0, B, 16, [&](int64_t begin, int64_t end) {
      swiglu_rows(gu, ap, begin, end, F);
    });
    project(act, layer.down, x, true);
  }
  cache.length = S;
  rms_rows(x, final_norm_, h, config_.norm_eps);
  torch::Tensor logits = torch::empty({B, config_.vocab_size});
  project(h, head_, logits, false);
  return logits.view({B, 1, config_.vocab_size});
}

Transformer make_transformer(const ModelConfig& config, uint64_t seed) {
  Transformer model(config);
  auto gen = at::make_generator<at::CPUGeneratorImpl>(seed);
  torch::NoGradGuard no_grad;
  const double std = 0.02, out_std = 0.02 / std::sqrt(2.0 * config.n_layers);
  for (auto& [name, w] : model->named_weights()) {
    if (w.dim() == 1) {
      w.fill_(1.0);
    } else {
      bool residual_out = name.ends_with("out.weight") || name.ends_with("down.weight");
      w.normal_(0.0, residual_out ? out_std : std, gen);
    }
  }
  return model;
}

int set_threads(int threads) {
  if (threads <= 0) threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  at::set_num_threads(threads);
  // libtorch's matrix products run in OpenBLAS's own thread pool, which
  // at::set_num_threads does not size: left alone it uses every core and its
  // threads spin against ours. Looked up at run time (no link dependency).
  using SetThreads = void (*)(int);
  if (auto set_blas = reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads")))
    set_blas(threads);
  return threads;
}

}  // namespace rlvr::model
