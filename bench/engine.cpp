// Speed of the transformer engine on the quick-preset model: sampling tokens
// per second at batch 1, 64 and 256 (KV cache, temperature 0.6, top-p 0.95,
// every row generating max_new_tokens), training tokens per second (forward,
// backward, AdamW), and training's share of this machine's matrix-multiply
// peak. The same model and loops in Python: bench/peers/engine_peer.py.
//
//   build/bench/bench_engine [--threads T] [--new-tokens N] [--train-steps S]
//                            [--batches 1,64,256] [--kv-budget-mib M (0: no limit)]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <ATen/Parallel.h>

#include "rlvr/model/checkpoint.h"
#include "rlvr/model/generate.h"
#include "rlvr/model/optimizer.h"
#include "rlvr/model/transformer.h"
#include "rlvr/util/openmp_policy.h"
#include "rlvr/util/seed.h"

using namespace rlvr::model;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

double matmul_gflops(int n) {
  torch::NoGradGuard no_grad;
  auto a = torch::randn({n, n}), b = torch::randn({n, n});
  torch::mm(a, b);  // warm-up
  double best = 1e30;
  for (int r = 0; r < 5; ++r) {
    auto start = Clock::now();
    auto c = torch::mm(a, b);
    best = std::min(best, seconds_since(start));
  }
  return 2.0 * n * n * n / best / 1e9;
}

}  // namespace

int main(int argc, char** argv) {
  rlvr::restart_with_passive_openmp_wait(argv);
  int threads = 0, new_tokens = 64, train_steps = 6, kv_budget_mib = SamplingOptions{}.kv_cache_budget_mib;
  std::vector<int> batches = {1, 64, 256};
  std::string save_dir;  // --save-model DIR: the bench model plus reference logits for the peer
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--save-model")) save_dir = argv[i + 1];
    if (!std::strcmp(argv[i], "--threads")) threads = std::atoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--new-tokens")) new_tokens = std::atoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--train-steps")) train_steps = std::atoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--kv-budget-mib")) kv_budget_mib = std::atoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--batches")) {
      batches.clear();
      for (const char* p = argv[i + 1]; *p;) {
        batches.push_back(std::atoi(p));
        while (*p && *p != ',') ++p;
        if (*p == ',') ++p;
      }
    }
  }
  threads = set_threads(threads);
  Tokenizer tokenizer("0123456789+-*/=#>< \nabcdefghijklmnopqrstuvwxyz.,");  // 48 characters
  ModelConfig config = preset_config("quick");
  config.vocab_size = tokenizer.vocab_size();  // 51, as in the peer
  Transformer model = make_transformer(config, 1);
  std::printf("machine: %d threads; model: quick preset, %lld parameters\n", threads,
              config.parameter_count());

  if (!save_dir.empty()) {
    save_model(save_dir, model, tokenizer);
    torch::NoGradGuard no_grad;
    auto ids = torch::tensor(std::vector<int64_t>{1, 5, 9, 13, 17, 21, 25, 29, 33, 37}).unsqueeze(0);
    auto logits = model->forward(ids, torch::arange(10).unsqueeze(0));
    write_safetensors(std::string(save_dir) + "/check.safetensors", {{"tokens", ids}, {"logits", logits}});
    std::printf("saved the bench model and reference logits to %s\n", save_dir.c_str());
  }
  const double peak = matmul_gflops(2048);
  std::printf("matmul peak (torch::mm 2048^3, fp32): %.1f GFLOP/s\n", peak);

  const int prompt_len = 16;
  for (int batch : batches) {
    int rows = batch == 1 ? 8 : batch;  // batch 1: several single-row requests
    std::vector<std::vector<int>> prompts(rows);
    std::vector<uint64_t> seeds(rows);
    for (int r = 0; r < rows; ++r) {
      for (int t = 0; t < prompt_len; ++t) prompts[r].push_back(3 + (r * 7 + t * 3) % 40);
      seeds[r] = rlvr::derive_seed(1, {static_cast<uint64_t>(r)});
    }
    SamplingOptions options;
    options.temperature = 0.6;
    options.top_p = 0.95;
    options.max_new_tokens = new_tokens;
    options.batch_size = batch;
    options.ignore_eos = true;
    options.kv_cache_budget_mib = kv_budget_mib;
    generate(model, tokenizer, {prompts[0]}, {seeds[0]}, options);  // warm-up
    auto start = Clock::now();
    auto out = generate(model, tokenizer, prompts, seeds, options);
    double elapsed = seconds_since(start);
    long long tokens = 0;
    for (auto& c : out) tokens += static_cast<long long>(c.tokens.size());
    std::printf("sampling batch %3d: %9.0f tokens/s (%lld tokens, %.2f s)\n", batch, tokens / elapsed,
                tokens, elapsed);
  }

  // Training: batch 32 x 128 tokens, next-token loss, AdamW.
  const int64_t batch = 32, seq = 128;
  AdamW optimizer(model->named_weights());
  auto ids = torch::randint(3, config.vocab_size, {batch, seq + 1}, torch::kInt64);
  auto positions = torch::arange(seq, torch::kInt64).unsqueeze(0).expand({batch, seq});
  auto step = [&] {
    auto logits = model->forward(ids.narrow(1, 0, seq), positions);
    auto loss = torch::cross_entropy_loss(logits.reshape({-1, config.vocab_size}),
                                          ids.narrow(1, 1, seq).reshape({-1}));
    optimizer.zero_grad();
    loss.backward();
    clip_grad_norm(optimizer.params(), 1.0);
    optimizer.step(1e-3);
  };
  step();  // warm-up
  auto start = Clock::now();
  for (int s = 0; s < train_steps; ++s) step();
  double elapsed = seconds_since(start);
  double tokens_per_s = batch * seq * train_steps / elapsed;
  const double matmul_params =
      static_cast<double>(config.parameter_count() - static_cast<long long>(config.vocab_size) * config.d_model);
  const double flops_per_token = 6.0 * matmul_params + 12.0 * config.n_layers * seq * config.d_model;
  double gflops = tokens_per_s * flops_per_token / 1e9;
  std::printf("training batch %lld x %lld: %9.0f tokens/s, %.1f GFLOP/s = %.0f%% of matmul peak\n",
              static_cast<long long>(batch), static_cast<long long>(seq), tokens_per_s, gflops,
              100.0 * gflops / peak);
  return 0;
}
