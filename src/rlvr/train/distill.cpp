#include "rlvr/train/distill.h"

#include <algorithm>
#include <map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "rlvr/tasks/corpus.h"
#include "rlvr/tasks/task.h"
#include "rlvr/train/task_runs.h"
#include "rlvr/util/error.h"
#include "rlvr/util/json_lines.h"
#include "rlvr/util/seed.h"

namespace fs = std::filesystem;

namespace rlvr::train {

PretrainOptions default_distill_training() {
  PretrainOptions o;
  o.steps = 300;
  o.lr = 1e-3;
  o.min_lr = 1e-4;
  o.warmup_steps = 30;
  o.checkpoint_every = 100;
  o.eval_every = 100;
  return o;
}

namespace {

// The teacher model's correct completions on training problems.
std::vector<PretrainDocument> teacher_model_documents(const fs::path& out, const DistillOptions& o,
                                                      int difficulty) {
  const tasks::TaskFamily& family = tasks::family(o.family);
  TaskSampleOptions sample;
  sample.family = o.family;
  sample.split = tasks::Split::train;
  sample.problems = o.teacher_problems;
  sample.difficulty = difficulty;
  sample.problem_seed = derive_seed(o.train.seed, {0x74656163ULL});
  sample.run.samples_per_problem = o.teacher_samples;
  sample.run.seed = derive_seed(o.train.seed, {0x73616d70ULL});
  sample.run.threads = o.train.threads;
  fs::path file = out / "teacher_samples.jsonl";
  fs::create_directories(out);
  sample_task(o.teacher, sample, file);

  std::map<std::string, std::string> prompts;
  for (const tasks::Problem& p : tasks::problem_set(family, tasks::Split::train,
                                                    static_cast<uint64_t>(o.teacher_problems), difficulty,
                                                    sample.problem_seed))
    prompts[p.id] = p.prompt;
  std::vector<PretrainDocument> documents;
  for_each_json_line(file, [&](const nlohmann::json& row, long number) {
    if (!row.value("correct", false)) return;
    auto prompt = prompts.find(problem_id_of(row, file, number));
    if (prompt != prompts.end()) documents.push_back({prompt->second, row.value("completion", "")});
  });
  if (documents.empty())
    throw Error(fmt::format("distill: the teacher {} solved none of {} training problems", o.teacher,
                            o.teacher_problems));
  return documents;
}

}  // namespace

PretrainResult distill_task(const fs::path& out, const DistillOptions& o) {
  if (o.init.empty()) throw Error("distill: name the base model to start from (--init)");
  const tasks::TaskFamily& family = tasks::family(o.family);
  const int difficulty = o.difficulty > 0 ? o.difficulty : family.default_difficulty();
  TaskPretrainOptions p;
  p.family = o.family;
  p.init = o.init;
  p.train = o.train;
  p.documents = o.documents;
  p.problem_seed = o.problem_seed;
  tasks::CorpusMix mix = tasks::teacher_mix(family);
  mix.min_difficulty = mix.max_difficulty = difficulty;
  p.corpus = tasks::format_corpus_mix(mix);
  if (o.teacher != "strategy") {
    if (!fs::is_directory(o.teacher))
      throw Error(fmt::format("distill: --teacher is \"strategy\" or a checkpoint folder; {} is neither",
                              o.teacher));
    p.given_documents = teacher_model_documents(out, o, difficulty);
  }
  return pretrain_task(out, p);
}

}  // namespace rlvr::train
