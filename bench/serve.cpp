// Tokens per second of `rlvr serve` (the server in this process, reached over
// HTTP on 127.0.0.1 by 64 concurrent requests of one sample each) against
// in-process sampling of the same rows (the engine's generate, as `rlvr
// sample` calls it, batch 64), in the same run, on the quick-preset model
// with random weights. Both make the same rows from the same seeds, every row
// generating --new-tokens tokens (ignore_eos), so they do the same work.
//
//   build/bench/bench_serve [--rows R] [--new-tokens N] [--concurrency C] [--threads T]
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "rlvr/client/http_client.h"
#include "rlvr/model/checkpoint.h"
#include "rlvr/model/generate.h"
#include "rlvr/model/transformer.h"
#include "rlvr/serve/model_server.h"
#include "rlvr/util/openmp_policy.h"
#include "rlvr/util/seed.h"

using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

int main(int argc, char** argv) {
  rlvr::restart_with_passive_openmp_wait(argv);
  int rows = 256, new_tokens = 64, concurrency = 64, threads = 0;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    int v = std::atoi(argv[i + 1]);
    if (a == "--rows") rows = v;
    else if (a == "--new-tokens") new_tokens = v;
    else if (a == "--concurrency") concurrency = v;
    else if (a == "--threads") threads = v;
  }
  fs::path dir = fs::temp_directory_path() / fmt::format("rlvr-bench-serve-{}", ::getpid());
  rlvr::model::Tokenizer tokenizer("0123456789+-*/=#>< \nabcdefghijklmnopqrstuvwxyz.,");
  rlvr::model::ModelConfig config = rlvr::model::preset_config("quick");
  config.vocab_size = tokenizer.vocab_size();
  rlvr::model::save_model(dir / "model", rlvr::model::make_transformer(config, 1), tokenizer);

  std::vector<std::string> prompts;
  for (int r = 0; r < rows; ++r) prompts.push_back(fmt::format("{}+{}={}", r * 37 % 1000, r * 11 % 997, r % 7));

  // In-process: the engine's batched sampler, batch 64.
  rlvr::model::set_threads(threads);
  rlvr::model::LoadedModel loaded = rlvr::model::load_model(dir / "model");
  rlvr::model::SamplingOptions options;
  options.max_new_tokens = new_tokens;
  options.ignore_eos = true;
  options.batch_size = 64;
  std::vector<std::vector<int>> encoded;
  std::vector<uint64_t> seeds;
  for (int r = 0; r < rows; ++r) {
    encoded.push_back(tokenizer.encode(prompts[r]));
    seeds.push_back(rlvr::derive_seed(static_cast<uint64_t>(r), {0}));  // what the server derives from seed r
  }
  rlvr::model::generate(loaded.model, tokenizer, {encoded[0]}, {seeds[0]}, options);  // warm-up
  auto start = Clock::now();
  auto completions = rlvr::model::generate(loaded.model, tokenizer, encoded, seeds, options);
  double in_process_s = std::chrono::duration<double>(Clock::now() - start).count();
  int64_t in_process_tokens = 0;
  for (const auto& c : completions) in_process_tokens += static_cast<int64_t>(c.tokens.size());

  // Served: the same rows as requests of one sample each, `concurrency` in flight.
  rlvr::serve::ServeOptions serve;
  serve.port = 0;
  serve.threads = threads;
  serve.served_name = "bench";
  rlvr::serve::ModelServer server(dir / "model", serve);
  std::atomic<bool> up{false};
  std::string url;
  std::thread serving([&] {
    server.run([&](const std::string& u) {
      url = u;
      up = true;
    });
  });
  while (!up) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  rlvr::client::HttpClient client({url}, rlvr::client::RetryPolicy{});
  std::atomic<int> next{0};
  std::atomic<int64_t> served_tokens{0};
  auto request = [&](int r) {
    nlohmann::json body = {{"model", "bench"}, {"prompt", prompts[static_cast<size_t>(r)]}, {"max_tokens", new_tokens},
                           {"seed", r}, {"ignore_eos", true}, {"n", 1}};
    nlohmann::json reply = client.post("/completions", body.dump(), 0, [](const nlohmann::json&) {});
    return reply["usage"]["completion_tokens"].get<int64_t>();
  };
  request(0);  // warm-up
  start = Clock::now();
  std::vector<std::thread> workers;
  for (int w = 0; w < concurrency; ++w)
    workers.emplace_back([&] {
      for (int r; (r = next.fetch_add(1)) < rows;) served_tokens += request(r);
    });
  for (auto& w : workers) w.join();
  double served_s = std::chrono::duration<double>(Clock::now() - start).count();
  server.stop();
  serving.join();
  fs::remove_all(dir);

  double in_rate = static_cast<double>(in_process_tokens) / in_process_s;
  double served_rate = static_cast<double>(served_tokens.load()) / served_s;
  std::printf("in-process generate (batch 64): %lld tokens in %.2f s: %.0f tokens/s\n",
              static_cast<long long>(in_process_tokens), in_process_s, in_rate);
  std::printf("rlvr serve, %d concurrent     : %lld tokens in %.2f s: %.0f tokens/s (%.0f%% of in-process)\n",
              concurrency, static_cast<long long>(served_tokens.load()), served_s, served_rate,
              100.0 * served_rate / in_rate);
  return 0;
}
