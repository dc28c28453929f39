// A study's configuration. Two kinds of study:
//   laboratory: task families (study.tasks); the models are trained here
//     (base, rl, distill) and sampled in-process;
//   external: benchmarks (study.datasets) and models named by the servers
//     that serve them or by sample files already on disk ([[models]]); only
//     the measuring half runs (sample, verify, analyze, perplexity, report).
// Read from TOML; every key is checked, so a typo is an error naming the
// file, line and key rather than a silent default.
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
  int64_t problems = 100;   // held-out test problems per task; external: the first N of each dataset (0: all)
  int64_t n = 64;           // samples per problem and model
  double temperature = 1.0;
  double top_p = 1.0;
  int64_t max_tokens = 0;   // 0: the model's context; else at least the RL rollouts' length
  int64_t bootstrap = 1000;
  int64_t batch_size = 256;
};

// A model of an external study: served by OpenAI-compatible endpoints, or
// known only by its samples on disk (one file per dataset).
struct ExternalModel {
  std::string label;                          // "base", "rl", ...; the first model is the baseline
  std::vector<std::string> endpoints;         // e.g. http://gpu1:8000/v1 (a fleet: several)
  std::string served_model;                   // the name the servers serve it under
  std::map<std::string, std::string> samples; // dataset -> samples file (flat or reference rows)
  bool served() const { return !endpoints.empty(); }
};

// How served models are asked: the client of `rlvr sample --endpoint` and
// `rlvr perplexity`.
struct ClientConfig {
  std::string api = "chat";              // chat or completions
  std::string prompt_template = "qwen-boxed";  // a built-in template name
  std::string template_file;             // or a file with {question}
  int64_t samples_per_request = 16;
  int64_t concurrency = 64;
  int64_t seed = -1;                     // -1: no request seed
  std::vector<std::string> stop;
  int64_t attempts = 8;
  double timeout_s = 900;                // seconds a request may stay silent
  std::string eos_text;                  // appended to completions that ended at eos when scored
  int64_t perplexity_responses = 1000;   // responses scored per (scorer, responder); 0: no perplexity stage
};

struct StudyConfig {
  std::string name = "study";
  std::vector<std::string> tasks;
  std::vector<std::string> datasets;  // external studies: benchmarks (math500, humaneval, ...)
  std::vector<ExternalModel> models;  // external studies: the models, baseline first
  ClientConfig client;
  bool external() const { return !models.empty(); }
  // What the study measures, a folder each: task families or benchmarks.
  const std::vector<std::string>& task_names() const { return external() ? datasets : tasks; }
  uint64_t seed = 1;
  // study.seeds: the whole study once per seed, then compared across seeds
  // (seeds.h); empty: one study at `seed`.
  std::vector<uint64_t> seeds;
  int threads = 0;      // per stage; 0: all cores for pretraining, shared among the jobs otherwise
  // Stages that do not depend on each other (RL runs, distillation, each
  // model's sampling, perplexity pairs) run this many at once; results
  // depend on the threads, not on this.
  int jobs = 1;
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
