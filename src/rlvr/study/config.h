// A study's configuration: which tasks, which models to train and how, and
// how to sample and measure them. Read from TOML; every key is checked, so a
// typo is an error naming the file, line and key rather than a silent default.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace rlvr::study {

struct BaseConfig {
  std::string preset = "quick";  // model sizes: an engine preset ("quick", "tiny")
  int64_t steps = 0;           // 0: the engine's quick-preset default
  std::string corpus;          // "": the family's default base mix
  std::vector<std::string> model;  // key=value model-size overrides, e.g. "layers=4"
};

struct RlConfig {
  std::vector<std::string> algorithms;
  int64_t steps = 0;               // 0: each algorithm preset's default
  std::vector<std::string> set;    // key=value overrides applied to every algorithm
};

struct DistillConfig {
  bool enabled = true;
  std::string teacher = "strategy";  // the family's teacher strategy, or a checkpoint path
  int64_t steps = 0;
};

struct EvalConfig {
  int64_t problems = 100;   // held-out test problems per task
  int64_t n = 64;           // samples per problem and model
  double temperature = 1.0;
  double top_p = 1.0;
  int64_t max_tokens = 0;   // 0: the model's context; else at least the RL rollouts' length
  int64_t bootstrap = 1000;
  int64_t batch_size = 256;
};

struct StudyConfig {
  std::string name = "study";
  std::vector<std::string> tasks;
  uint64_t seed = 1;
  int threads = 0;      // 0: all cores
  int difficulty = 0;   // 0: each family's default
  // study.difficulty given per task (difficulty = {countdown = 3, modeq = 4});
  // tasks not named use `difficulty`.
  std::map<std::string, int> task_difficulty;
  BaseConfig base;
  RlConfig rl;
  DistillConfig distill;
  EvalConfig eval;
  std::string source;   // the file's text, kept for provenance

  // The difficulty asked for `task`; 0: the family's default.
  int difficulty_for(const std::string& task) const {
    auto it = task_difficulty.find(task);
    return it != task_difficulty.end() ? it->second : difficulty;
  }
};

// Throws InputError naming file, line and key on anything unexpected.
StudyConfig load_study_config(const std::filesystem::path& path);
StudyConfig parse_study_config(std::string_view text, const std::string& file_name);

}  // namespace rlvr::study
