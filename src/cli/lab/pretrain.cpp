// rlvr pretrain: trains a base model from scratch on a task family's corpus.
#include <cstdio>
#include <memory>
#include <string>

#include "cli/command.h"
#include "cli/lab_commands.h"
#include "rlvr/train/task_runs.h"

namespace rlvr::cli {
namespace {

struct Options {
  train::TaskPretrainOptions run;
  std::string out;
};

void run(const Options& o) {
  train::PretrainResult r = train::pretrain_task(o.out, o.run);
  if (r.resumed_from == r.steps_done) {
    std::printf("pretrain: %s is already complete (%lld steps)\n", o.out.c_str(),
                static_cast<long long>(r.steps_done));
    return;
  }
  std::printf("pretrain: %s: %lld steps (resumed from %lld) in %.0f s, final loss %.4f\n", o.out.c_str(),
              static_cast<long long>(r.steps_done), static_cast<long long>(r.resumed_from), r.seconds,
              r.final_loss);
  for (const auto& [name, value] : r.final_eval) std::printf("  held-out %s = %.3f\n", name.c_str(), value);
}

Registration registration{
    "pretrain", lab_description("pretrain"),
    [](CLI::App& sub) {
      auto o = std::make_shared<Options>();
      auto& t = o->run.train;
      sub.add_option("--task", o->run.family, "task family (see `rlvr tasks`)")->required();
      sub.add_option("--corpus", o->run.corpus,
                     "corpus mix, e.g. careful=0.3,slip=0.7,difficulty=2 (default: the family's base mix)");
      sub.add_option("--config", o->run.config, "model sizes: a preset (quick, tiny) or a JSON file")
          ->capture_default_str();
      sub.add_option("--steps", t.steps, "optimizer steps")->capture_default_str();
      sub.add_option("--batch-size", t.batch_size, "documents per step")->capture_default_str();
      sub.add_option("--lr", t.lr, "peak learning rate (cosine decay to --min-lr)")->capture_default_str();
      sub.add_option("--min-lr", t.min_lr, "final learning rate")->capture_default_str();
      sub.add_option("--warmup", t.warmup_steps, "linear warm-up steps")->capture_default_str();
      sub.add_option("--documents", o->run.documents, "distinct corpus documents")->capture_default_str();
      sub.add_option("--eval-problems", o->run.eval_problems, "held-out test problems for pass@1")
          ->capture_default_str();
      sub.add_option("--eval-every", t.eval_every, "steps between evaluations (0: only at the end)")
          ->capture_default_str();
      sub.add_option("--checkpoint-every", t.checkpoint_every, "steps between checkpoints")
          ->capture_default_str();
      sub.add_option("--problem-seed", o->run.problem_seed, "seed of the held-out problem set")
          ->capture_default_str();
      sub.add_option("--seed", t.seed, "seed of weights, corpus and batch order")->capture_default_str();
      sub.add_option("--threads", t.threads, "threads (0: all cores)")->capture_default_str();
      sub.add_option("--shards", t.shards,
                     "each batch in this many shards, side by side when the threads allow (results depend on "
                     "the shards, not the threads)")
          ->check(CLI::Range(1, 1024))
          ->capture_default_str();
      sub.add_option("--out", o->out, "checkpoint folder (also holds metrics.jsonl; resumed if present)")
          ->required();
      sub.callback([o] { run(*o); });
    }};

}  // namespace
}  // namespace rlvr::cli
