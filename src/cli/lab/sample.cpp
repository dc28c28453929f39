// rlvr sample: samples a model on a task family's problems into a flat sample
// file for `rlvr analyze` (resumes where a killed run stopped).
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli/command.h"
#include "cli/lab_commands.h"
#include "rlvr/train/task_runs.h"
#include "rlvr/util/error.h"

namespace rlvr::cli {
namespace {

struct Options {
  train::TaskSampleOptions run;
  std::string model, split = "test", out;
};

void run(Options o) {
  if (o.split == "test") o.run.split = tasks::Split::test;
  else if (o.split == "train") o.run.split = tasks::Split::train;
  else throw Error(fmt::format("--split '{}': expected test or train", o.split));
  model::SampleRunResult r = train::sample_task(o.model, o.run, o.out);
  std::printf("sample: %s: wrote %lld samples (%lld correct), %lld already present%s\n", o.out.c_str(),
              static_cast<long long>(r.written), static_cast<long long>(r.correct),
              static_cast<long long>(r.already_present), r.dropped_torn_line ? ", dropped a torn line" : "");
}

Registration registration{
    "sample", lab_description("sample"),
    [](CLI::App& sub) {
      auto o = std::make_shared<Options>();
      auto& s = o->run.run.sampling;
      s.max_new_tokens = 192;
      sub.add_option("--model", o->model, "checkpoint folder")->required();
      sub.add_option("--task", o->run.family, "task family")->required();
      sub.add_option("--split", o->split, "test or train")->capture_default_str();
      sub.add_option("-n", o->run.run.samples_per_problem, "samples per problem")->required();
      sub.add_option("--problems", o->run.problems, "problems 0..P-1 of the split")->capture_default_str();
      sub.add_option("--difficulty", o->run.difficulty,
                     "difficulty (default: the model's pretraining difficulty)");
      sub.add_option("--problem-seed", o->run.problem_seed, "seed of the problem set")->capture_default_str();
      sub.add_option("--temperature", s.temperature, "0: greedy")->capture_default_str();
      sub.add_option("--top-p", s.top_p, "nucleus sampling threshold")->capture_default_str();
      sub.add_option("--top-k", s.top_k, "keep the k most likely tokens (0: all)")->capture_default_str();
      sub.add_option("--max-new-tokens", s.max_new_tokens, "longest completion")->capture_default_str();
      sub.add_option("--stop", s.stop, "stop string (repeatable)");
      sub.add_option("--seed", o->run.run.seed, "sample j of problem i uses derive_seed(seed, {i, j})")
          ->capture_default_str();
      sub.add_option("--threads", o->run.run.threads, "threads (0: all cores)")->capture_default_str();
      sub.add_option("--batch-size", s.batch_size, "rows decoded together (results do not depend on it)")
          ->capture_default_str();
      sub.add_option("--out", o->out, "flat sample file (JSON lines), appended and resumed")->required();
      sub.callback([o] { run(*o); });
    }};

}  // namespace
}  // namespace rlvr::cli
