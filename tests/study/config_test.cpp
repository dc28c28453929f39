#include <algorithm>
#include <filesystem>
#include <thread>

#include <gtest/gtest.h>

#include "rlvr/study/config.h"
#include "rlvr/study/pipeline.h"
#include "rlvr/util/error.h"

using rlvr::study::parse_study_config;

namespace {
std::string error_of(const std::string& text) {
  try {
    parse_study_config(text, "cfg.toml");
  } catch (const rlvr::InputError& e) {
    return e.what();
  }
  return "no error";
}
}  // namespace

TEST(StudyConfig, ReadsEverySection) {
  auto c = parse_study_config(R"(
[study]
name = "q"
tasks = ["countdown", "arith"]
seed = 7
threads = 2
[base]
steps = 100
corpus = "careful=1"
model = ["layers=2"]
[rl]
algorithms = ["grpo", "rloo"]
steps = 5
set = ["lr=1e-5"]
[distill]
enabled = false
steps = 3
[eval]
problems = 10
n = 8
temperature = 0.6
top_p = 0.95
)",
                              "cfg.toml");
  EXPECT_EQ(c.name, "q");
  EXPECT_EQ(c.tasks, (std::vector<std::string>{"countdown", "arith"}));
  EXPECT_EQ(c.seed, 7u);
  EXPECT_EQ(c.base.steps, 100);
  EXPECT_EQ(c.base.model, std::vector<std::string>{"layers=2"});
  EXPECT_EQ(c.rl.algorithms.size(), 2u);
  EXPECT_FALSE(c.distill.enabled);
  EXPECT_EQ(c.eval.n, 8);
  EXPECT_DOUBLE_EQ(c.eval.temperature, 0.6);
  EXPECT_DOUBLE_EQ(c.eval.top_p, 0.95);
}

TEST(StudyConfig, UnknownKeyNamesLineAndKey) {
  EXPECT_EQ(error_of("[study]\ntasks = [\"a\"]\n[eval]\nsamples = 3\n"),
            "cfg.toml:4: field 'eval.samples': unknown key");
}

TEST(StudyConfig, WrongTypeNamesLineAndKey) {
  EXPECT_EQ(error_of("[study]\ntasks = [\"a\"]\nseed = \"one\"\n"),
            "cfg.toml:3: field 'study.seed': expected an integer");
}

TEST(StudyConfig, SyntaxErrorNamesLine) {
  EXPECT_NE(error_of("[study]\ntasks = [\"a\"\n").find("cfg.toml:"), std::string::npos);
}

TEST(StudyConfig, TasksAreRequired) {
  EXPECT_EQ(error_of("[study]\nname = \"x\"\n"),
            "cfg.toml: field 'study.tasks': name at least one task family");
}

TEST(StudyConfig, DifficultyForEveryTaskOrPerTask) {
  auto one = parse_study_config("[study]\ntasks = [\"countdown\", \"modeq\"]\ndifficulty = 3\n", "cfg.toml");
  EXPECT_EQ(one.difficulty_for("countdown"), 3);
  EXPECT_EQ(one.difficulty_for("modeq"), 3);
  auto each = parse_study_config(
      "[study]\ntasks = [\"countdown\", \"modeq\"]\ndifficulty = { countdown = 3 }\n", "cfg.toml");
  EXPECT_EQ(each.difficulty_for("countdown"), 3);
  EXPECT_EQ(each.difficulty_for("modeq"), 0);  // the family's default
  auto none = parse_study_config("[study]\ntasks = [\"modeq\"]\n", "cfg.toml");
  EXPECT_EQ(none.difficulty_for("modeq"), 0);
}

TEST(StudyConfig, SeedsAreAListOfDistinctSeedsInsteadOfOne) {
  auto seeded = parse_study_config("[study]\ntasks = [\"countdown\"]\nseeds = [1, 2, 7]\n", "cfg.toml");
  EXPECT_EQ(seeded.seeds, (std::vector<uint64_t>{1, 2, 7}));
  EXPECT_TRUE(parse_study_config("[study]\ntasks = [\"countdown\"]\n", "cfg.toml").seeds.empty());
  EXPECT_EQ(error_of("[study]\ntasks = [\"countdown\"]\nseeds = [1,\n  1]\n"),
            "cfg.toml:4: field 'study.seeds': seed 1 is listed twice");
  EXPECT_EQ(error_of("[study]\ntasks = [\"countdown\"]\nseeds = []\n"),
            "cfg.toml:3: field 'study.seeds': expected a non-empty list of seeds (integers >= 0)");
  EXPECT_EQ(error_of("[study]\ntasks = [\"countdown\"]\nseeds = [1, -2]\n"),
            "cfg.toml:3: field 'study.seeds': expected integers >= 0");
  EXPECT_EQ(error_of("[study]\ntasks = [\"countdown\"]\nseed = 1\nseeds = [1, 2]\n"),
            "cfg.toml:4: field 'study.seeds': give study.seed or study.seeds, not both");
}

// Jobs share the cores unless threads are given: results depend on threads, never on jobs.
TEST(StudyConfig, JobsRunStagesAtOnceAndShareTheCores) {
  auto config = parse_study_config("[study]\ntasks = [\"countdown\"]\njobs = 2\n", "cfg.toml");
  EXPECT_EQ(config.jobs, 2);
  EXPECT_EQ(parse_study_config("[study]\ntasks = [\"countdown\"]\n", "cfg.toml").jobs, 1);
  EXPECT_EQ(error_of("[study]\ntasks = [\"countdown\"]\njobs = 0\n"),
            "cfg.toml:3: field 'study.jobs': expected an integer >= 1");
  EXPECT_EQ(error_of("[study]\ntasks = [\"countdown\"]\njobs = \"two\"\n"),
            "cfg.toml:3: field 'study.jobs': expected an integer >= 1");
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  rlvr::study::StudyOptions options;
  EXPECT_EQ(rlvr::study::study_jobs(config, options), 2);
  // A stage alone (pretraining) takes every core; stages side by side share them.
  EXPECT_EQ(rlvr::study::study_threads(config, options).alone, cores);
  EXPECT_EQ(rlvr::study::study_threads(config, options).side_by_side, std::max(1, cores / 2));
  config.threads = 3;
  EXPECT_EQ(rlvr::study::study_threads(config, options).alone, 3);
  EXPECT_EQ(rlvr::study::study_threads(config, options).side_by_side, 3);
  options.jobs = 4;
  options.threads = 1;
  EXPECT_EQ(rlvr::study::study_jobs(config, options), 4);
  EXPECT_EQ(rlvr::study::study_threads(config, options).alone, 1);
  EXPECT_EQ(rlvr::study::study_threads(config, options).side_by_side, 1);
}

TEST(StudyConfig, PerTaskDifficultyNamesAnUnknownTaskOrBadValue) {
  EXPECT_EQ(error_of("[study]\ntasks = [\"countdown\"]\ndifficulty = { countdwn = 3 }\n"),
            "cfg.toml:3: field 'study.difficulty.countdwn': not one of study.tasks");
  EXPECT_EQ(error_of("[study]\ntasks = [\"countdown\"]\n\n[study.difficulty]\ncountdown = \"hard\"\n"),
            "cfg.toml:5: field 'study.difficulty.countdown': expected an integer >= 0");
  EXPECT_EQ(error_of("[study]\ntasks = [\"countdown\"]\ndifficulty = \"hard\"\n"),
            "cfg.toml:3: field 'study.difficulty': expected an integer");
}

TEST(StudyConfig, UnknownAlgorithmNamesLineAndTheKnownOnes) {
  std::string e = error_of("[study]\ntasks = [\"a\"]\n[rl]\nalgorithms = [\"grpo\",\n  \"gpro\"]\n");
  EXPECT_EQ(e.substr(0, e.find(';')), "cfg.toml:5: field 'rl.algorithms': unknown algorithm \"gpro\"") << e;
  EXPECT_NE(e.find("dr_grpo"), std::string::npos) << e;  // the presets' table lists the names
}

// Evaluation samples at least as far as the RL rollouts (or to the context).
TEST(StudyConfig, EvaluationIsAtLeastAsLongAsTheRollouts) {
  const std::string text =
      "[study]\ntasks = [\"countdown\"]\n[rl]\nalgorithms = [\"grpo\"]\n"
      "set = [\"rollout.max_response_tokens=160\"]\n[eval]\n";
  std::string error = error_of(text + "max_tokens = 128\n");
  EXPECT_NE(error.find("field 'eval.max_tokens'"), std::string::npos) << error;
  EXPECT_NE(error.find("160"), std::string::npos) << error;
  EXPECT_EQ(error_of(text + "max_tokens = 160\n"), "no error");
  EXPECT_EQ(error_of(text + "max_tokens = 0\n"), "no error");
  // Without overrides the preset's rollout length (64) is the floor.
  EXPECT_NE(error_of("[study]\ntasks = [\"countdown\"]\n[rl]\nalgorithms = [\"grpo\"]\n[eval]\nmax_tokens = 32\n")
                .find("eval.max_tokens"),
            std::string::npos);
}

// Every study config the project ships loads and passes validation.
TEST(StudyConfig, EveryShippedConfigLoads) {
  const std::filesystem::path dir = std::filesystem::path(RLVR_SOURCE_DIR) / "configs";
  int loaded = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".toml") continue;
    rlvr::study::StudyConfig c;
    EXPECT_NO_THROW(c = rlvr::study::load_study_config(entry.path())) << entry.path();
    EXPECT_FALSE(c.task_names().empty()) << entry.path();
    ++loaded;
  }
  EXPECT_GE(loaded, 5);
}

TEST(StudyConfig, ExternalModelsByEndpointOrBySamplesFile) {
  auto c = parse_study_config(R"(
[study]
datasets = ["math500"]
[[models]]
label = "base"
endpoints = ["http://gpu1:8000/v1", "http://gpu2:8000/v1"]
served_model = "qwen-base"
[[models]]
label = "rl"
samples = "runs/rl.jsonl"
[eval]
n = 256
max_tokens = 4096
[client]
api = "completions"
template = "qwen-boxed"
seed = 0
)", "cfg.toml");
  ASSERT_TRUE(c.external());
  EXPECT_EQ(c.task_names(), std::vector<std::string>{"math500"});
  ASSERT_EQ(c.models.size(), 2u);
  EXPECT_EQ(c.models[0].endpoints.size(), 2u);
  EXPECT_EQ(c.models[0].served_model, "qwen-base");
  EXPECT_EQ(c.models[1].samples.at("math500"), "runs/rl.jsonl");
  EXPECT_EQ(c.eval.problems, 0);  // every problem unless limited
  EXPECT_EQ(c.client.api, "completions");
  EXPECT_EQ(c.client.seed, 0);
}

TEST(StudyConfig, ExternalModelsAreCheckedWithTheirKey) {
  const std::string head = "[study]\ndatasets = [\"math500\"]\n[eval]\nmax_tokens = 64\n";
  EXPECT_EQ(error_of(head + "[[models]]\nlabel = \"a\"\nendpoints = [\"http://x/v1\"]\nserved_model = \"m\"\nsamples = \"f\"\n"),
            "cfg.toml:5: field 'models[0].endpoints': give either endpoints (and served_model) or samples, not both");
  EXPECT_EQ(error_of(head + "[[models]]\nlabel = \"a\"\nsamples = \"f\"\n[[models]]\nlabel = \"a\"\nsamples = \"g\"\n"),
            "cfg.toml:8: field 'models[1].label': \"a\" is used twice");
  EXPECT_EQ(error_of(head + "[[models]]\nlabel = \"a\"\nendpoints = [\"http://x/v1\"]\n"),
            "cfg.toml:5: field 'models[0].served_model': the name the endpoints serve the model under is needed");
  EXPECT_EQ(error_of(head + "[[models]]\nlabel = \"a\"\nsamples = \"f\"\nprompt = 1\n"),
            "cfg.toml:8: field 'models[0].prompt': unknown key");
  EXPECT_EQ(error_of(head + "[rl]\nalgorithms = [\"grpo\"]\n[[models]]\nlabel = \"a\"\nsamples = \"f\"\n"),
            "cfg.toml:5: field 'rl': an external study ([[models]]) trains nothing: remove this section");
  EXPECT_EQ(error_of("[study]\ndatasets = [\"math500\", \"aime24\"]\n[[models]]\nlabel = \"a\"\nsamples = \"f\"\n"),
            "cfg.toml: field 'models.a.samples': with several datasets, give a table {dataset = \"file\"}");
  EXPECT_EQ(error_of("[study]\ndatasets = [\"math500\"]\n[[models]]\nlabel = \"a\"\nendpoints = [\"http://x/v1\"]\nserved_model = \"m\"\n"),
            "cfg.toml: field 'eval.max_tokens': give the longest completion to ask the servers for");
  EXPECT_EQ(error_of("[study]\ndatasets = [\"math500\"]\n"),
            "cfg.toml: field 'study.datasets': benchmarks are measured on external models: add [[models]]");
}
