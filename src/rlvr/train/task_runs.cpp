#include "rlvr/train/task_runs.h"

#include <algorithm>
#include <filesystem>

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "rlvr/model/generate.h"
#include "rlvr/tasks/corpus.h"
#include "rlvr/util/error.h"
#include "rlvr/util/files.h"
#include "rlvr/util/seed.h"

namespace fs = std::filesystem;
using namespace rlvr::model;

namespace rlvr::train {

namespace {

ModelConfig model_config(const std::string& name) {
  if (name == "quick" || name == "tiny") return preset_config(name);
  if (!fs::exists(name))
    throw Error(fmt::format("--config: '{}' is neither a preset (quick, tiny) nor a file", name));
  return load_config(name);
}

// The difficulty a pretrained model's corpus used (from its pretrain.json), or -1.
int pretrained_difficulty(const fs::path& model_dir) {
  fs::path settings = model_dir / "pretrain.json";
  if (!fs::exists(settings)) return -1;
  try {
    auto j = nlohmann::json::parse(read_file(settings));
    return j.at("run").value("difficulty", -1);
  } catch (const nlohmann::json::exception&) {
    return -1;
  }
}

}  // namespace

PretrainResult pretrain_task(const fs::path& out, const TaskPretrainOptions& options) {
  const tasks::TaskFamily& family = tasks::family(options.family);
  tasks::CorpusMix mix = options.corpus.empty() ? tasks::default_base_mix(family)
                                                : tasks::parse_corpus_mix(family, options.corpus, "--corpus");
  if (options.documents <= 0) throw Error("pretrain: --documents must be positive");
  const uint64_t corpus_seed = derive_seed(options.train.seed, {0x636f7270ULL});
  std::vector<PretrainDocument> documents = options.given_documents;
  if (documents.empty()) {
    for (const auto& d : tasks::corpus_documents(family, mix, static_cast<uint64_t>(options.documents), corpus_seed))
      documents.push_back({d.prompt, d.completion});
  }
  size_t longest_completion = 0;
  for (const auto& d : documents) longest_completion = std::max(longest_completion, d.completion.size());
  // Held-out problems at the family's default difficulty when the corpus
  // covers it, else at the corpus's hardest level.
  const int def = family.default_difficulty();
  const int difficulty = def >= mix.min_difficulty && def <= mix.max_difficulty ? def : mix.max_difficulty;
  std::vector<tasks::Problem> test =
      tasks::problem_set(family, tasks::Split::test, static_cast<uint64_t>(options.eval_problems),
                         difficulty, options.problem_seed);
  Tokenizer tokenizer(tasks::alphabet());
  ModelConfig config = model_config(options.config);

  nlohmann::ordered_json run;
  run["task"] = family.name();
  run["corpus"] = tasks::format_corpus_mix(mix);
  run["difficulty"] = difficulty;
  run["documents"] = options.given_documents.empty() ? options.documents : static_cast<int>(documents.size());
  run["given_documents"] = !options.given_documents.empty();
  run["init"] = options.init;
  run["config"] = options.config;
  run["eval_problems"] = options.eval_problems;
  run["problem_seed"] = options.problem_seed;
  PretrainOptions train = options.train;
  if (!options.init.empty()) train.init = options.init;
  train.settings_json = run.dump();

  std::vector<std::vector<int>> prompts;
  for (const auto& p : test) prompts.push_back(tokenizer.encode(p.prompt));
  SamplingOptions sampling;
  sampling.max_new_tokens = static_cast<int>(longest_completion * 3 / 2 + 8);
  sampling.batch_size = 128;
  auto evaluate = [&](Transformer& model, int64_t step) {
    std::map<std::string, double> figures;
    if (test.empty()) return figures;
    std::vector<uint64_t> seeds;
    for (size_t i = 0; i < test.size(); ++i)
      seeds.push_back(derive_seed(options.train.seed, {0x6576616cULL, static_cast<uint64_t>(step), i}));
    SamplingOptions greedy = sampling;
    greedy.temperature = 0;
    auto greedy_out = generate(model, tokenizer, prompts, seeds, greedy);
    auto sampled_out = generate(model, tokenizer, prompts, seeds, sampling);
    double correct = 0, sampled = 0, valid = 0;
    for (size_t i = 0; i < test.size(); ++i) {
      tasks::Verdict g = family.verify(test[i], greedy_out[i].text);
      correct += g.correct;
      valid += g.steps_valid;
      sampled += family.verify(test[i], sampled_out[i].text).correct;
    }
    const double n = static_cast<double>(test.size());
    figures["pass@1_greedy"] = correct / n;
    figures["pass@1_sampled"] = sampled / n;
    figures["steps_valid"] = valid / n;
    return figures;
  };
  return pretrain(out, config, tokenizer, documents, train, evaluate);
}

SampleRunResult sample_task(const fs::path& model_dir, const TaskSampleOptions& options, const fs::path& out) {
  const tasks::TaskFamily& family = tasks::family(options.family);
  if (options.problems <= 0) throw Error("sample: --problems must be positive");
  int difficulty = options.difficulty;
  if (difficulty < 0) difficulty = pretrained_difficulty(model_dir);
  if (difficulty < 0) difficulty = family.default_difficulty();
  std::vector<tasks::Problem> problems = tasks::problem_set(
      family, options.split, static_cast<uint64_t>(options.problems), difficulty, options.problem_seed);
  std::vector<SampleProblem> requests;
  for (const auto& p : problems) requests.push_back({p.id, p.prompt});
  SampleVerifier verify = [&](size_t i, const std::string& completion) {
    tasks::Verdict v = family.verify(problems[i], completion);
    return SampleVerdict{v.correct, v.steps_valid, v.answer};
  };
  return sample_to_file(model_dir, requests, verify, options.run, out);
}

}  // namespace rlvr::train
