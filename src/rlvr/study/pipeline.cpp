#include "rlvr/study/pipeline.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <map>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "rlvr/build_info.h"
#include "rlvr/data/sample_reader.h"
#include "rlvr/metrics/analysis_files.h"
#include "rlvr/metrics/analyze.h"
#include "rlvr/metrics/findings.h"
#include "rlvr/model/config.h"
#include "rlvr/report/analysis_report.h"
#include "rlvr/report/study_report.h"
#include "rlvr/study/perplexity.h"
#include "rlvr/study/provenance.h"
#include "rlvr/study/stage_cache.h"
#include "rlvr/study/stages.h"
#include "rlvr/study/summary.h"
#include "rlvr/study/external.h"
#include "rlvr/study/seeds.h"
#include "rlvr/tasks/chance.h"
#include "rlvr/tasks/corpus.h"
#include "rlvr/tasks/task.h"
#include "rlvr/train/distill.h"
#include "rlvr/train/rl_config.h"
#include "rlvr/train/rl_run.h"
#include "rlvr/train/task_runs.h"
#include "rlvr/util/error.h"
#include "rlvr/util/files.h"
#include "rlvr/util/json_lines.h"
#include "rlvr/util/parallel.h"
#include "rlvr/util/seed.h"

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace rlvr::study {

namespace {

// Responses scored per (scorer, responder) pair: enough for a distribution,
// cheap enough for the quick study.
constexpr size_t kPerplexityResponses = 1000;

struct TrainedModel {
  std::string label;  // "base", an algorithm name, or "distill"
  fs::path dir;       // checkpoint folder
  std::string key;    // stage key of the run that made it
};

class StudyRun {
 public:
  StudyRun(const StudyConfig& config, const StudyOptions& options)
      : config_(config),
        options_(options),
        threads_(study_threads(config, options)),
        jobs_(study_jobs(config, options)),
        stages_(options.from) {}

  StudyOutcome run();

 private:
  void stage(StageCache& cache, const std::string& task, const std::string& name, const std::string& kind,
             const std::string& key, const std::function<void(const fs::path& dir, bool resuming)>& work) {
    stages_.run(cache, task, name, kind, key, work);
  }

  report::TaskStudy run_task(const std::string& task, json& task_section);
  report::GuessChance guess_chance(const std::string& task, const Analysis& analysis) const;
  void train_and_sample(StageCache& cache, const std::string& task, std::vector<TrainedModel>& models,
                        std::vector<fs::path>& sample_files);
  TrainedModel pretrain_base(StageCache& cache, const std::string& task);
  TrainedModel train_rl(StageCache& cache, const std::string& task, const TrainedModel& base,
                        const std::string& algorithm);
  TrainedModel distill(StageCache& cache, const std::string& task, const TrainedModel& base);
  fs::path sample(StageCache& cache, const std::string& task, const TrainedModel& model);
  void analyse(const std::string& task, const std::vector<TrainedModel>& models,
               const std::vector<fs::path>& sample_files, report::TaskStudy& study);
  std::vector<report::PerplexityGroup> cross_perplexity(StageCache& cache, const std::string& task,
                                                        const std::vector<TrainedModel>& models,
                                                        const std::vector<fs::path>& sample_files);

  int difficulty_of(const tasks::TaskFamily& family) const {
    const int asked = config_.difficulty_for(family.name());
    return asked > 0 ? asked : family.default_difficulty();
  }

  const StudyConfig& config_;
  const StudyOptions& options_;
  StageThreads threads_;
  int jobs_;  // stages at once
  StageRunner stages_;
};

TrainedModel StudyRun::pretrain_base(StageCache& cache, const std::string& task) {
  const tasks::TaskFamily& family = tasks::family(task);
  tasks::CorpusMix mix = config_.base.corpus.empty()
                             ? tasks::default_base_mix(family)
                             : tasks::parse_corpus_mix(family, config_.base.corpus, "base.corpus");
  if (const int difficulty = config_.difficulty_for(task); difficulty > 0)
    mix.min_difficulty = mix.max_difficulty = difficulty;

  json sizes = json::parse(model::config_to_json(model::preset_config(config_.base.preset)));
  for (const std::string& assignment : config_.base.model) {
    auto eq = assignment.find('=');
    if (eq == std::string::npos || !sizes.contains(assignment.substr(0, eq)))
      throw Error(fmt::format("base.model: '{}' is not key=value with a key of {}", assignment,
                              sizes.dump()));
    sizes[assignment.substr(0, eq)] = json::parse(assignment.substr(eq + 1));
  }

  train::TaskPretrainOptions o;
  o.family = task;
  o.corpus = tasks::format_corpus_mix(mix);
  if (config_.base.steps > 0) o.train.steps = static_cast<int>(config_.base.steps);
  o.train.seed = config_.seed;
  o.train.threads = threads_.alone;
  o.problem_seed = config_.seed;
  std::string key = hash_text(fmt::format("pretrain|{}|{}|{}|{}|{}|{}", task, o.corpus, sizes.dump(),
                                          o.train.steps, config_.seed, threads_.alone));
  TrainedModel base{"base", cache.dir("base") / "model", key};
  stage(cache, task, "base", "pretrain", key, [&](const fs::path& dir, bool) {
    write_file_atomically(dir / "model_config.json", sizes.dump(2) + "\n");
    o.config = (dir / "model_config.json").string();
    train::pretrain_task(base.dir, o);
  });
  return base;
}

TrainedModel StudyRun::train_rl(StageCache& cache, const std::string& task, const TrainedModel& base,
                                const std::string& algorithm) {
  train::RlConfig rl = train::rl_preset(algorithm);
  for (const std::string& assignment : config_.rl.set) train::apply_rl_assignment(rl, assignment);
  if (config_.rl.steps > 0) rl.run.steps = config_.rl.steps;
  rl.run.seed = config_.seed;
  rl.run.threads = threads_.side_by_side;
  rl.task.difficulty = config_.difficulty_for(task);
  std::string key = hash_text(fmt::format("rl|{}|{}|{}|{}|{}|{}", base.key, algorithm,
                                          fmt::join(config_.rl.set, ";"), rl.run.steps,
                                          config_.seed, threads_.side_by_side));
  std::string name = "rl-" + algorithm;
  TrainedModel trained{algorithm, cache.dir(name) / "model", key};
  stage(cache, task, name, "rl", key, [&](const fs::path&, bool) {
    train::RlRunOptions run;
    run.init = base.dir;
    run.task = task;
    run.out = trained.dir;
    run.commit = RLVR_GIT_COMMIT;
    train::run_rl(rl, run);
  });
  return trained;
}

TrainedModel StudyRun::distill(StageCache& cache, const std::string& task, const TrainedModel& base) {
  train::DistillOptions o;
  o.family = task;
  o.init = base.dir.string();
  o.teacher = config_.distill.teacher;
  o.difficulty = config_.difficulty_for(task);
  o.problem_seed = config_.seed;
  o.train = train::default_distill_training();
  if (config_.distill.steps > 0) o.train.steps = static_cast<int>(config_.distill.steps);
  o.train.seed = config_.seed;
  o.train.threads = threads_.side_by_side;
  std::string key = hash_text(fmt::format("distill|{}|{}|{}|{}|{}", base.key, o.teacher, o.train.steps,
                                          config_.seed, threads_.side_by_side));
  TrainedModel student{"distill", cache.dir("distill") / "model", key};
  stage(cache, task, "distill", "distill", key,
        [&](const fs::path&, bool) { train::distill_task(student.dir, o); });
  return student;
}

fs::path StudyRun::sample(StageCache& cache, const std::string& task, const TrainedModel& model) {
  const tasks::TaskFamily& family = tasks::family(task);
  const EvalConfig& e = config_.eval;
  train::TaskSampleOptions o;
  o.family = task;
  o.split = tasks::Split::test;
  o.problems = static_cast<int>(e.problems);
  o.difficulty = difficulty_of(family);
  o.problem_seed = config_.seed;
  o.run.samples_per_problem = static_cast<int>(e.n);
  o.run.sampling.temperature = e.temperature;
  o.run.sampling.top_p = e.top_p;
  // max_tokens = 0 samples to the end of the model's context (the sampler
  // stops there), never at the sampler's own default length.
  constexpr int kToTheContext = 1 << 20;
  o.run.sampling.max_new_tokens = e.max_tokens > 0 ? static_cast<int>(e.max_tokens) : kToTheContext;
  o.run.sampling.batch_size = static_cast<int>(e.batch_size);
  // The same sampling seed for every model: sample j of problem i of two
  // models share their random draws, which lowers the noise of comparisons.
  o.run.seed = derive_seed(config_.seed, {0x73616d706c65ULL});
  o.run.threads = threads_.side_by_side;
  std::string key = hash_text(fmt::format("sample|{}|{}|{}|{}|{}|{}|{}|{}|{}|to-context", model.key, e.problems, e.n,
                                          e.temperature, e.top_p, e.max_tokens, o.difficulty,
                                          config_.seed, threads_.side_by_side));
  std::string name = "samples-" + model.label;
  fs::path file = cache.dir(name) / "samples.jsonl";
  stage(cache, task, name, "sample", key,
        [&](const fs::path&, bool) { train::sample_task(model.dir, o, file); });
  return file;
}

// Per-problem counts of samples whose answer is right AND whose every
// reasoning step checks, as a counts CSV that `analyze` reads. Returns whether
// the samples carry a steps_valid verdict at all: a model none of whose samples
// has valid steps is the case the analysis must show, not skip.
bool write_steps_valid_counts(const fs::path& samples, const fs::path& out) {
  std::map<std::string, std::pair<int64_t, int64_t>> counts;  // id -> (n, correct with valid steps)
  bool checkable = false;
  for_each_json_line(samples, [&](const json& row, long number) {
    auto& [n, c] = counts[problem_id_of(row, samples, number)];
    ++n;
    auto steps = row.find("steps_valid");
    const bool verdict = steps != row.end() && steps->is_boolean();
    const bool valid = verdict && steps->get<bool>();
    checkable |= verdict;
    if (valid && row.value("correct", false)) ++c;
  });
  std::string csv = "problem_id,n,correct\n";
  for (const auto& [id, nc] : counts) csv += fmt::format("{},{},{}\n", id, nc.first, nc.second);
  write_file_atomically(out, csv);
  return checkable;
}

std::vector<report::TrainingPoint> read_training_curve(const fs::path& metrics, int64_t& k_max) {
  std::vector<report::TrainingPoint> points;
  if (!fs::exists(metrics)) return points;
  std::istringstream in(read_file(metrics));
  std::string line;
  while (std::getline(in, line)) {
    json row = json::parse(line, nullptr, false);
    if (row.is_discarded() || row.value("kind", "") != "eval") continue;
    int64_t largest = 1;
    for (auto it = row.begin(); it != row.end(); ++it)
      if (it.key().rfind("pass@", 0) == 0) largest = std::max<int64_t>(largest, std::stoll(it.key().substr(5)));
    k_max = largest;
    points.push_back({row.value("step", int64_t{0}), row.value("pass@1", 0.0),
                      row.value(fmt::format("pass@{}", largest), 0.0), row.value("reward", 0.0)});
  }
  return points;
}

}  // namespace

// The models of one task (the base model, one per RL algorithm, the distilled
// one) and their samples. Every later model starts from the base alone, and each
// is sampled as soon as it is trained: with several jobs, one model's sampling
// runs beside another's training instead of waiting for all of them. The base's
// sampling, the shortest job, comes last to fill the worker that frees first.
void StudyRun::train_and_sample(StageCache& cache, const std::string& task, std::vector<TrainedModel>& models,
                                std::vector<fs::path>& sample_files) {
  const TrainedModel base = pretrain_base(cache, task);
  const auto& algorithms = config_.rl.algorithms;
  const size_t trained = algorithms.size() + (config_.distill.enabled ? 1 : 0);
  models.assign(1 + trained, TrainedModel{});
  sample_files.assign(1 + trained, fs::path{});
  models[0] = base;
  run_jobs(static_cast<int64_t>(trained) + 1, jobs_, [&](int64_t j) {
    const size_t i = static_cast<size_t>(j);
    if (i == trained) {
      sample_files[0] = sample(cache, task, base);
      return;
    }
    models[i + 1] = i < algorithms.size() ? train_rl(cache, task, base, algorithms[i]) : distill(cache, task, base);
    sample_files[i + 1] = sample(cache, task, models[i + 1]);
  });
}

// Analysis: pure and fast, so it is recomputed from the samples every run;
// also over the samples whose every step is valid, when steps are checkable.
void StudyRun::analyse(const std::string& task, const std::vector<TrainedModel>& models,
                       const std::vector<fs::path>& sample_files, report::TaskStudy& study) {
  auto start = std::chrono::steady_clock::now();
  std::vector<std::pair<std::string, std::vector<fs::path>>> inputs, valid_inputs;
  bool checkable = false;
  fs::path valid_dir = options_.out / task / "analysis-steps-valid";
  for (size_t i = 0; i < models.size(); ++i) {
    inputs.push_back({models[i].label, {sample_files[i]}});
    fs::path counts = valid_dir / (models[i].label + ".csv");
    checkable |= write_steps_valid_counts(sample_files[i], counts);
    valid_inputs.push_back({models[i].label, {counts}});
  }
  data::ReadOptions read;
  read.threads = threads_.alone;
  study.analysis = metrics::analyze_files(inputs, read, study_analysis_options(config_, "base", threads_.alone));
  study.analysis.program = fmt::format("rlvr {} ({})", RLVR_VERSION, RLVR_GIT_COMMIT);
  fs::path analysis_dir = options_.out / task / "analysis";
  auto files = metrics::render_analysis_files(study.analysis);
  report::write_analysis_report(study.analysis, analysis_dir);
  metrics::write_analysis_files(files, analysis_dir);
  if (checkable) {
    study.steps_valid = metrics::analyze_files(valid_inputs, read, study_analysis_options(config_, "base", threads_.alone));
    metrics::write_analysis_files(metrics::render_analysis_files(*study.steps_valid), valid_dir);
  }
  stages_.record(task + "/analyze", std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
}

// Perplexity cross-scoring: every model's responses under the base model
// (models.front()) and under the model itself.
std::vector<report::PerplexityGroup> StudyRun::cross_perplexity(StageCache& cache, const std::string& task,
                                                                const std::vector<TrainedModel>& models,
                                                                const std::vector<fs::path>& sample_files) {
  const tasks::TaskFamily& family = tasks::family(task);
  const TrainedModel& base = models.front();
  std::string ppl_key = "perplexity";
  for (const TrainedModel& m : models) ppl_key += "|" + m.key;
  ppl_key = hash_text(ppl_key + fmt::format("|{}|{}|{}|threads {}", config_.eval.problems, config_.eval.n,
                                            kPerplexityResponses, threads_.side_by_side));
  std::map<std::string, std::string> prompts;
  for (const tasks::Problem& p : tasks::problem_set(family, tasks::Split::test,
                                                    static_cast<uint64_t>(config_.eval.problems),
                                                    difficulty_of(family), config_.seed))
    prompts[p.id] = p.prompt;
  stage(cache, task, "perplexity", "perplexity", ppl_key, [&](const fs::path& dir, bool) {
    struct Pair {
      const TrainedModel* scorer;
      size_t responder;
    };
    std::vector<Pair> pairs;
    for (size_t i = 0; i < models.size(); ++i) {
      pairs.push_back({&base, i});
      if (models[i].label != "base") pairs.push_back({&models[i], i});
    }
    std::vector<std::vector<double>> values(pairs.size());
    run_jobs(static_cast<int64_t>(pairs.size()), jobs_, [&](int64_t p) {
      const Pair& pair = pairs[static_cast<size_t>(p)];
      values[static_cast<size_t>(p)] = score_perplexity(pair.scorer->dir, sample_files[pair.responder], prompts,
                                                        kPerplexityResponses, threads_.side_by_side);
    });
    json groups = json::array();
    for (size_t p = 0; p < pairs.size(); ++p)
      groups.push_back({{"scorer", pairs[p].scorer->label},
                        {"responder", models[pairs[p].responder].label},
                        {"values", values[p]}});
    write_file_atomically(dir / "perplexity.json", groups.dump() + "\n");
  });
  return read_perplexity_groups(cache.dir("perplexity") / "perplexity.json");
}

namespace {

// Held-out pass@k over the RL steps of each RL model.
std::vector<report::TrainingCurve> training_curves(const std::vector<TrainedModel>& models) {
  std::vector<report::TrainingCurve> curves;
  for (const TrainedModel& m : models) {
    if (m.label == "base" || m.label == "distill") continue;
    report::TrainingCurve curve;
    curve.model = m.label;
    curve.points = read_training_curve(m.dir / "metrics.jsonl", curve.k);
    if (!curve.points.empty()) curves.push_back(std::move(curve));
  }
  return curves;
}

}  // namespace

// What guessing alone scores on the evaluated problems, at k = 1 and the largest k.
report::GuessChance StudyRun::guess_chance(const std::string& task, const Analysis& analysis) const {
  const tasks::TaskFamily& family = tasks::family(task);
  auto problems = tasks::problem_set(family, tasks::Split::test, static_cast<uint64_t>(config_.eval.problems),
                                     difficulty_of(family), config_.seed);
  report::GuessChance chance;
  chance.k_max = analysis.ks.empty() ? 1 : analysis.ks.back();
  chance.pass_at_1 = tasks::chance_pass_at_k(family, problems, 1);
  chance.pass_at_k_max = tasks::chance_pass_at_k(family, problems, static_cast<uint64_t>(chance.k_max));
  return chance;
}

// One task: train, sample, analyse, cross-score, read the training curves,
// describe what was found.
report::TaskStudy StudyRun::run_task(const std::string& task, json& section) {
  StageCache cache(options_.out / task);
  std::vector<TrainedModel> models;
  std::vector<fs::path> sample_files;
  train_and_sample(cache, task, models, sample_files);

  report::TaskStudy study;
  study.task = task;
  analyse(task, models, sample_files, study);
  study.perplexity = cross_perplexity(cache, task, models, sample_files);
  study.training = training_curves(models);
  study.chance = guess_chance(task, study.analysis);
  describe_findings(study);
  json list = json::array();
  for (const TrainedModel& m : models) list.push_back({{"label", m.label}, {"checkpoint", m.dir.string()}});
  section = task_section(study, list);
  return study;
}

StudyOutcome StudyRun::run() {
  fs::create_directories(options_.out);
  write_file_atomically(options_.out / "config.toml", config_.source);
  std::vector<report::TaskStudy> studies;
  json per_task = json::object();
  for (const std::string& task : config_.tasks) {
    tasks::family(task);  // an unknown family fails before any work
  }
  for (const std::string& task : config_.tasks) {
    json section;
    studies.push_back(run_task(task, section));
    per_task[task] = section;
  }
  return finish_study(config_, options_.out, studies, per_task, stages_, threads_.alone);
}

int study_jobs(const StudyConfig& config, const StudyOptions& options) {
  return options.jobs > 0 ? options.jobs : std::max(1, config.jobs);
}

StageThreads study_threads(const StudyConfig& config, const StudyOptions& options) {
  const int asked = options.threads > 0 ? options.threads : config.threads;
  if (asked > 0) return {asked, asked};
  const int cores = resolve_threads(0);
  return {cores, std::max(1, cores / study_jobs(config, options))};
}

StudyOutcome run_study(const StudyConfig& config, const StudyOptions& options) {
  if (config.external()) return run_external_study(config, options);
  if (!config.seeds.empty()) return run_seeded_study(config, options);
  return StudyRun(config, options).run();
}

}  // namespace rlvr::study
