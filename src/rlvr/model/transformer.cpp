#include "rlvr/model/transformer.h"

#include <dlfcn.h>

#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Parallel.h>

#include <cmath>
#include <limits>
#include <thread>

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
    for (int64_t b = begin; b < end; ++b) {
      const float* xr = xp + b * D;
      float ss = 0;
      for (int64_t d = 0; d < D; ++d) ss += xr[d] * xr[d];
      const float r = 1.0f / std::sqrt(ss / static_cast<float>(D) + static_cast<float>(eps));
      float* o = op + b * D;
      for (int64_t d = 0; d < D; ++d) o[d] = xr[d] * r * wp[d];
    }
  });
}

}  // namespace

KVCache::KVCache(const ModelConfig& config, int64_t batch, int64_t capacity) {
  for (int l = 0; l < config.n_layers; ++l) {
    keys.push_back(torch::empty({batch, config.n_heads, capacity, config.head_dim()}));
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
  embedding_ = register_parameter("embedding", torch::empty({v, d}));
  for (int l = 0; l < config.n_layers; ++l) {
    std::string p = "layer" + std::to_string(l) + "_";
    Layer layer;
    layer.attn_norm = register_parameter(p + "attn_norm", torch::ones({d}));
    layer.qkv = register_parameter(p + "qkv", torch::empty({3 * d, d}));
    layer.out = register_parameter(p + "out", torch::empty({d, d}));
    layer.mlp_norm = register_parameter(p + "mlp_norm", torch::ones({d}));
    layer.gate_up = register_parameter(p + "gate_up", torch::empty({2 * f, d}));
    layer.down = register_parameter(p + "down", torch::empty({d, f}));
    layers_.push_back(layer);
  }
  final_norm_ = register_parameter("final_norm", torch::ones({d}));
  head_ = register_parameter("head", torch::empty({v, d}));

  auto [cos, sin] = rotary_tables(config.head_dim(), config.max_seq_len, config.rope_theta);
  rope_cos_ = register_buffer("rope_cos", cos);
  rope_sin_ = register_buffer("rope_sin", sin);
}

std::vector<std::pair<std::string, torch::Tensor>> TransformerImpl::named_weights() const {
  std::vector<std::pair<std::string, torch::Tensor>> out;
  out.emplace_back("embedding.weight", embedding_);
  for (size_t l = 0; l < layers_.size(); ++l) {
    std::string p = "layers." + std::to_string(l) + ".";
    out.emplace_back(p + "attn_norm.weight", layers_[l].attn_norm);
    out.emplace_back(p + "qkv.weight", layers_[l].qkv);
    out.emplace_back(p + "out.weight", layers_[l].out);
    out.emplace_back(p + "mlp_norm.weight", layers_[l].mlp_norm);
    out.emplace_back(p + "gate_up.weight", layers_[l].gate_up);
    out.emplace_back(p + "down.weight", layers_[l].down);
  }
  out.emplace_back("final_norm.weight", final_norm_);
  out.emplace_back("head.weight", head_);
  return out;
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
  torch::Tensor cos = rope_cos_.index_select(0, flat_pos).view({B, 1, T, Dh / 2});
  torch::Tensor sin = rope_sin_.index_select(0, flat_pos).view({B, 1, T, Dh / 2});
  torch::Tensor bias = attention_bias;
  if (!bias.defined()) {  // plain causal: query t sees keys up to past + t
    bias = torch::full({T, S}, -std::numeric_limits<float>::infinity()).triu(past + 1);
  }
  const double scale = 1.0 / std::sqrt(static_cast<double>(Dh));

  torch::Tensor x = torch::embedding(embedding_, tokens);  // [B, T, D]
  for (size_t l = 0; l < layers_.size(); ++l) {
    const Layer& layer = layers_[l];
    torch::Tensor h = rms_norm(x, layer.attn_norm, config_.norm_eps);
    torch::Tensor qkv = F::linear(h, layer.qkv).view({B, T, 3, H, Dh}).permute({2, 0, 3, 1, 4});
    torch::Tensor q = apply_rotary(qkv[0], cos, sin);  // [B, H, T, Dh]
    torch::Tensor k = apply_rotary(qkv[1], cos, sin);
    torch::Tensor v = qkv[2];
    if (cache) {
      cache->keys[l].narrow(2, past, T).copy_(k);
      cache->values[l].narrow(2, past, T).copy_(v);
      k = cache->keys[l].narrow(2, 0, S);
      v = cache->values[l].narrow(2, 0, S);
    }
    torch::Tensor scores = torch::matmul(q, k.transpose(-2, -1)).mul_(scale).add_(bias);  // [B,H,T,S]
    torch::Tensor attended = torch::matmul(torch::softmax(scores, -1), v);               // [B,H,T,Dh]
    x = x + F::linear(attended.transpose(1, 2).reshape({B, T, D}), layer.out);
    h = rms_norm(x, layer.mlp_norm, config_.norm_eps);
    x = x + F::linear(swiglu(F::linear(h, layer.gate_up)), layer.down);
  }
  if (cache) cache->length = S;
  return F::linear(rms_norm(x, final_norm_, config_.norm_eps), head_);
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
    at::mm_out(qkv, h, layer.qkv.t());
    TORCH_CHECK(cache.keys[l].is_contiguous() && cache.values[l].is_contiguous(), "cache layout");
    float* kc = cache.keys[l].data_ptr<float>();
    float* vc = cache.values[l].data_ptr<float>();
    const float* qkv_p = qkv.data_ptr<float>();
    float* att_p = att.data_ptr<float>();
    at::parallel_for(0, B * H, 8, [&](int64_t begin, int64_t end) {
      std::vector<float> q(Dh), w(S);
      for (int64_t bh = begin; bh < end; ++bh) {
        const int64_t b = bh / H, hh = bh % H;
        const float* row = qkv_p + b * 3 * D;
        const float* c = cos_p + pp[b] * half;
        const float* s = sin_p + pp[b] * half;
        const float* qs = row + hh * Dh;
        const float* ks = row + D + hh * Dh;
        const float* vs = row + 2 * D + hh * Dh;
        float* kslot = kc + (bh * cap + S - 1) * Dh;
        float* vslot = vc + (bh * cap + S - 1) * Dh;
        for (int64_t i = 0; i < half; ++i) {  // rotary, "rotate half" pairs (i, i + half)
          q[i] = qs[i] * c[i] - qs[i + half] * s[i];
          q[i + half] = qs[i] * s[i] + qs[i + half] * c[i];
          kslot[i] = ks[i] * c[i] - ks[i + half] * s[i];
          kslot[i + half] = ks[i] * s[i] + ks[i + half] * c[i];
        }
        std::copy(vs, vs + Dh, vslot);
        const float* kb = kc + bh * cap * Dh;
        const float* vb = vc + bh * cap * Dh;
        const float* brow = bp + b * S;
        float max = -std::numeric_limits<float>::infinity();
        for (int64_t j = 0; j < S; ++j) {
          const float* kv = kb + j * Dh;
          float part[8] = {0, 0, 0, 0, 0, 0, 0, 0};  // eight lanes the compiler vectorises
          int64_t d = 0;
          for (; d + 8 <= Dh; d += 8)
            for (int lane = 0; lane < 8; ++lane) part[lane] += q[d + lane] * kv[d + lane];
          float dot = ((part[0] + part[1]) + (part[2] + part[3])) + ((part[4] + part[5]) + (part[6] + part[7]));
          for (; d < Dh; ++d) dot += q[d] * kv[d];
          w[j] = dot * scale + brow[j];
          max = std::max(max, w[j]);
        }
        float sum = 0;
        for (int64_t j = 0; j < S; ++j) {
          w[j] = std::exp(w[j] - max);  // exp(-inf) = 0 for hidden keys
          sum += w[j];
        }
        float* o = att_p + b * D + hh * Dh;
        std::fill(o, o + Dh, 0.0f);
        const float inv = 1.0f / sum;
        for (int64_t j = 0; j < S; ++j) {
          if (w[j] == 0.0f) continue;
          const float a = w[j] * inv;
          const float* vv = vb + j * Dh;
          for (int64_t d = 0; d < Dh; ++d) o[d] += a * vv[d];
        }
      }
    });
    x.addmm_(att, layer.out.t());  // residual: x += att Wout^T
    rms_rows(x, layer.mlp_norm, h, config_.norm_eps);
    at::mm_out(gate_up, h, layer.gate_up.t());
    const float* gu = gate_up.data_ptr<float>();
    float* ap = act.data_ptr<float>();
    at::parallel_for(0, B, 16, [&](int64_t begin, int64_t end) {
      for (int64_t b = begin; b < end; ++b)
        for (int64_t f = 0; f < F; ++f) {
          const float g = gu[b * 2 * F + f];
          ap[b * F + f] = g / (1.0f + std::exp(-g)) * gu[b * 2 * F + F + f];
        }
    });
    x.addmm_(act, layer.down.t());
  }
  cache.length = S;
  rms_rows(x, final_norm_, h, config_.norm_eps);
  return torch::mm(h, head_.t()).view({B, 1, config_.vocab_size});
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
