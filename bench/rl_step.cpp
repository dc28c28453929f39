// Time of one GRPO step split into sampling, scoring (old-policy and
// reference log-probs) and update, against the same step written in Python
// with PyTorch (bench/peers/rl_step_peer.py) on the same model and prompts,
// in the same run.
//
//   bench_rl_step [--steps N] [--threads T] [--preset quick|tiny] [--no-peer]
//
// The model is freshly initialised (engine preset, seed 1) and saved to a
// temporary checkpoint that the peer loads. 16 prompts of the addition task
// x 8 samples, 64 new tokens each (end-of-sequence ignored on both sides, so
// both do the same work), mini-batches of 4 prompts, one epoch.
#include <chrono>
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "rlvr/model/checkpoint.h"
#include "rlvr/model/config.h"
#include "rlvr/tasks/task.h"
#include "rlvr/train/rl_trainer.h"
#include "rlvr/util/openmp_policy.h"

using namespace rlvr;

int main(int argc, char** argv) {
  rlvr::restart_with_passive_openmp_wait(argv);
  int steps = 3, threads = 1;
  std::string preset = "quick";
  bool peer = true;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--steps" && i + 1 < argc) steps = std::atoi(argv[++i]);
    else if (a == "--threads" && i + 1 < argc) threads = std::atoi(argv[++i]);
    else if (a == "--preset" && i + 1 < argc) preset = argv[++i];
    else if (a == "--no-peer") peer = false;
    else {
      std::fprintf(stderr, "usage: bench_rl_step [--steps N] [--threads T] [--preset P] [--no-peer]\n");
      return 2;
    }
  }
  model::set_threads(threads);
  model::LoadedModel base;
  base.tokenizer = model::Tokenizer(tasks::alphabet());
  model::ModelConfig cfg = model::preset_config(preset);
  cfg.vocab_size = base.tokenizer.vocab_size();
  base.model = model::make_transformer(cfg, 1);
  auto dir = std::filesystem::temp_directory_path() / "rlvr_bench_rl_step";
  std::filesystem::remove_all(dir);
  model::save_model(dir / "model", base.model, base.tokenizer);

  train::RlConfig c = train::rl_preset("grpo");
  c.rollout.prompts_per_step = 16;
  c.rollout.group_size = 8;
  c.rollout.max_response_tokens = 64;
  c.optim.minibatch_prompts = 4;
  c.task.difficulty = 3;
  c.rollout.ignore_eos = true;  // every row makes 64 tokens on both sides: the same work
  c.run.threads = threads;
  const tasks::TaskFamily& family = tasks::family("addition");
  train::RlTrainer trainer(c, base, family);

  // The peer gets the prompts the trainer's first measured step will use.
  {
    std::ofstream p(dir / "prompts.txt");
    for (int64_t i = 0; i < c.rollout.prompts_per_step; ++i) {
      auto prob = family.generate(tasks::Split::train, c.rollout.prompts_per_step + i, 3, c.task.seed);
      for (int t : base.tokenizer.encode(prob.prompt)) p << t << ' ';
      p << '\n';
    }
  }
  trainer.step();  // warm-up
  double sample = 0, score = 0, update = 0, length = 0;
  const std::clock_t cpu_start = std::clock();
  for (int s = 0; s < steps; ++s) {
    train::Metrics m = trainer.step();
    sample += train::metric(m, "time_sample_s");
    score += train::metric(m, "time_score_s");
    update += train::metric(m, "time_update_s");
    length += train::metric(m, "response_length");
  }
  const double cpu = static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC / steps;
  sample /= steps, score /= steps, update /= steps, length /= steps;
  const double rows = static_cast<double>(c.rollout.prompts_per_step * c.rollout.group_size);
  std::printf("GRPO step, model preset %s (%lld parameters), %d thread(s), %lld prompts x %lld samples, %d steps\n",
              preset.c_str(), cfg.parameter_count(), threads, static_cast<long long>(c.rollout.prompts_per_step),
              static_cast<long long>(c.rollout.group_size), steps);
  std::printf("%-8s %10s %10s %10s %10s %10s %12s\n", "", "sample s", "score s", "update s", "total s", "CPU s",
              "tokens/row");
  std::printf("%-8s %10.3f %10.3f %10.3f %10.3f %10.3f %12.1f\n", "C++", sample, score, update,
              sample + score + update, cpu, length);
  if (!peer) return 0;
  std::string cmd = "/usr/bin/python3 " RLVR_SOURCE_DIR "/bench/peers/rl_step_peer.py --model " +
                    (dir / "model").string() + " --prompts " + (dir / "prompts.txt").string() +
                    " --steps " + std::to_string(steps) + " --threads " + std::to_string(threads) +
                    " --max-new 64 --group 8 --minibatch-prompts 4 --ignore-eos";
  FILE* pipe = popen(cmd.c_str(), "r");
  if (!pipe) {
    std::fprintf(stderr, "cannot run the peer: %s\n", cmd.c_str());
    return 1;
  }
  std::string out;
  char buf[4096];
  while (size_t n = fread(buf, 1, sizeof buf, pipe)) out.append(buf, n);
  if (pclose(pipe) != 0 || out.empty()) {
    std::fprintf(stderr, "the peer failed: %s\n", cmd.c_str());
    return 1;
  }
  auto j = nlohmann::json::parse(out);
  double ps = j["sample"], pc = j["score"], pu = j["update"], pcpu = j["cpu"];
  double ptok = j["tokens"].get<double>() / rows;
  std::printf("%-8s %10.3f %10.3f %10.3f %10.3f %10.3f %12.1f\n", "Python", ps, pc, pu, ps + pc + pu, pcpu, ptok);
  std::printf("%-8s %9.2fx %9.2fx %9.2fx %9.2fx %9.2fx\n", "speed-up", ps / sample, pc / score, pu / update,
              (ps + pc + pu) / (sample + score + update), pcpu / cpu);
  std::printf("(per-token sampling speed-up, correcting for different lengths: %.2fx)\n",
              (ps / ptok) / (sample / length));
  return 0;
}
