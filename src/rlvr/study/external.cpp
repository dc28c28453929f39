#include "rlvr/study/external.h"

#include <chrono>
#include <cstdlib>
#include <functional>
#include <map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "rlvr/build_info.h"
#include "rlvr/client/endpoint_perplexity.h"
#include "rlvr/client/endpoint_sampling.h"
#include "rlvr/client/prompt_template.h"
#include "rlvr/code/labeling.h"
#include "rlvr/code/problems.h"
#include "rlvr/data/sample_reader.h"
#include "rlvr/metrics/analysis_files.h"
#include "rlvr/metrics/findings.h"
#include "rlvr/report/analysis_report.h"
#include "rlvr/study/stage_cache.h"
#include "rlvr/study/stages.h"
#include "rlvr/study/summary.h"
#include "rlvr/util/error.h"
#include "rlvr/util/files.h"
#include "rlvr/verify/datasets.h"
#include "rlvr/verify/labeling.h"

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace rlvr::study {
namespace {

// A benchmark as the study uses it: the questions sent to servers, and how
// completions to its problems are labelled.
struct Benchmark {
  std::string name;
  std::vector<client::Question> questions;  // every problem of the set
  size_t asked = 0;                         // servers are asked for the first `asked` (eval.problems; 0: all)
  std::function<void(const fs::path& samples, const fs::path& out, int threads)> label;
};

// Labelling and scoring know every problem of the set, so that a samples
// file on disk with more problems than the study asks servers for is read whole.
Benchmark load_benchmark(const std::string& name, int64_t limit) {
  const fs::path data = find_data_dir();
  Benchmark b;
  b.name = name;
  if (code::is_code_dataset(name)) {
    auto problems = std::make_shared<std::vector<code::CodeProblem>>(code::load_code_dataset(name, data));
    for (const code::CodeProblem& p : *problems) b.questions.push_back({p.id, p.prompt});
    b.label = [problems](const fs::path& samples, const fs::path& out, int threads) {
      code::JudgeOptions o;
      o.workers = threads;
      code::label_code_samples(samples, out, *problems, o);
    };
  } else {
    auto problems = std::make_shared<std::vector<verify::Problem>>(verify::load_dataset(name, data));
    for (const verify::Problem& p : *problems) b.questions.push_back({p.id, p.prompt});
    b.label = [problems](const fs::path& samples, const fs::path& out, int threads) {
      verify::LabelOptions o;
      o.threads = threads;
      verify::label_samples(samples, out, *problems, o);
    };
  }
  b.asked = limit > 0 ? std::min(b.questions.size(), static_cast<size_t>(limit)) : b.questions.size();
  return b;
}

client::PromptTemplate prompt_template(const ClientConfig& c) {
  return c.template_file.empty() ? client::builtin_template(c.prompt_template)
                                 : client::template_from_file(c.template_file);
}

std::string api_key() {
  const char* key = std::getenv("OPENAI_API_KEY");
  return key ? key : "";
}

client::RetryPolicy retry_policy(const ClientConfig& c) {
  client::RetryPolicy retry;
  retry.attempts = static_cast<int>(c.attempts);
  retry.read_timeout_s = c.timeout_s;
  return retry;
}

// One model's completions on one benchmark: where they are and the key of
// what made them.
struct ModelSamples {
  const ExternalModel* model = nullptr;
  fs::path file;       // flat samples or reference rows, unlabelled
  std::string key;
  bool made_now = false;  // sampled (or resumed) in this run: what reads it must be redone
  fs::path labelled;      // filled in by the labelling stage
};

class ExternalStudy {
 public:
  ExternalStudy(const StudyConfig& config, const StudyOptions& options)
      : config_(config), options_(options), threads_(study_threads(config, options).alone), stages_(options.from),
        template_(prompt_template(config.client)) {}

  StudyOutcome run() {
    fs::create_directories(options_.out);
    write_file_atomically(options_.out / "config.toml", config_.source);
    std::vector<Benchmark> benchmarks;  // every set loads before any request is sent
    for (const std::string& name : config_.datasets) benchmarks.push_back(load_benchmark(name, config_.eval.problems));
    std::vector<report::TaskStudy> studies;
    json per_task = json::object();
    for (const Benchmark& benchmark : benchmarks) {
      json section;
      studies.push_back(run_benchmark(benchmark, section));
      per_task[benchmark.name] = section;
    }
    return finish_study(config_, options_.out, studies, per_task, stages_, threads_);
  }

 private:
  report::TaskStudy run_benchmark(const Benchmark& benchmark, json& section) {
    StageCache cache(options_.out / benchmark.name);
    std::vector<ModelSamples> samples;
    for (const ExternalModel& model : config_.models) {
      ModelSamples s = model.served() ? sample(cache, benchmark, model) : on_disk(benchmark, model);
      label(cache, benchmark, s);
      samples.push_back(std::move(s));
    }
    report::TaskStudy study;
    study.task = benchmark.name;
    analyse(benchmark, samples, study);
    study.perplexity = cross_perplexity(cache, benchmark, samples);
    describe_findings(study);
    json models = json::array();
    for (const ModelSamples& s : samples) {
      json m = {{"label", s.model->label}, {"samples", s.file.string()}};
      if (s.model->served()) m.update({{"served_model", s.model->served_model}, {"endpoints", s.model->endpoints}});
      models.push_back(m);
    }
    section = task_section(study, models);
    return study;
  }

  ModelSamples sample(StageCache& cache, const Benchmark& benchmark, const ExternalModel& model) {
    const EvalConfig& e = config_.eval;
    const ClientConfig& c = config_.client;
    client::EndpointSampleOptions o;
    o.endpoints = model.endpoints;
    o.served_model = model.served_model;
    o.api = c.api == "chat" ? client::Api::chat : client::Api::completions;
    o.prompt_template = template_;
    o.parameters.temperature = e.temperature;
    o.parameters.top_p = e.top_p;
    o.parameters.max_tokens = static_cast<int>(e.max_tokens);
    if (c.seed >= 0) o.parameters.seed = static_cast<uint64_t>(c.seed);
    o.parameters.stop = c.stop;
    o.samples_per_problem = static_cast<int>(e.n);
    o.samples_per_request = static_cast<int>(std::min(c.samples_per_request, e.n));
    o.concurrency = static_cast<int>(c.concurrency);
    o.retry = retry_policy(c);
    o.api_key = api_key();
    o.dataset = benchmark.name;
    // The endpoints are not part of the key: a fleet may change between runs
    // and serve the same model.
    std::string key = hash_text(json({"sample", model.served_model, c.api, template_.system, template_.user,
                                      template_.text, e.n, e.temperature, e.top_p, e.max_tokens, c.seed, c.stop,
                                      benchmark.asked})
                                    .dump());
    std::string name = "samples-" + model.label;
    ModelSamples s{&model, cache.dir(name) / "samples.jsonl", key, false, {}};
    s.made_now = stages_.run(cache, benchmark.name, name, "sample", key, [&](const fs::path&, bool) {
      const std::vector<client::Question> asked(benchmark.questions.begin(),
                                                benchmark.questions.begin() + static_cast<long>(benchmark.asked));
      client::EndpointSampleResult r = client::sample_endpoints(asked, o, s.file);
      fmt::print("study: {}/{}: {} samples written ({} truncated), {} already present, {} requests ({} retried)\n",
                 benchmark.name, name, r.written, r.truncated, r.already_present, r.requests, r.retries);
    });
    return s;
  }

  // A samples file on disk: keyed by where it is, its size and its time, so
  // that a file written anew is labelled anew.
  ModelSamples on_disk(const Benchmark& benchmark, const ExternalModel& model) {
    fs::path file = fs::absolute(model.samples.at(benchmark.name));
    if (!fs::is_regular_file(file))
      throw Error(fmt::format("models \"{}\": samples file {} for {} does not exist", model.label, file.string(),
                              benchmark.name));
    auto stamp = fs::last_write_time(file).time_since_epoch().count();
    std::string key = hash_text(fmt::format("file|{}|{}|{}", file.string(), fs::file_size(file), stamp));
    return {&model, file, key, false, {}};
  }

  void label(StageCache& cache, const Benchmark& benchmark, ModelSamples& s) {
    std::string name = "labels-" + s.model->label;
    std::string key = hash_text(fmt::format("label|{}|{}|{}", s.key, benchmark.name, RLVR_VERSION));
    s.labelled = cache.dir(name) / "labelled.jsonl";
    if (s.made_now) cache.invalidate(name);
    stages_.run(cache, benchmark.name, name, "verify", key,
                [&](const fs::path&, bool) { benchmark.label(s.file, s.labelled, threads_); });
  }

  // Pure and fast, so recomputed from the labels every run, as in the laboratory.
  void analyse(const Benchmark& benchmark, const std::vector<ModelSamples>& samples, report::TaskStudy& study) {
    auto start = std::chrono::steady_clock::now();
    std::vector<std::pair<std::string, std::vector<fs::path>>> inputs;
    for (const ModelSamples& s : samples) inputs.push_back({s.model->label, {s.labelled}});
    data::ReadOptions read;
    read.threads = threads_;
    study.analysis =
        metrics::analyze_files(inputs, read, study_analysis_options(config_, config_.models.front().label, threads_));
    study.analysis.program = fmt::format("rlvr {} ({})", RLVR_VERSION, RLVR_GIT_COMMIT);
    fs::path dir = options_.out / benchmark.name / "analysis";
    report::write_analysis_report(study.analysis, dir);
    metrics::write_analysis_files(metrics::render_analysis_files(study.analysis), dir);
    stages_.record(benchmark.name + "/analyze",
                   std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }

  // Every model's completions under the first model's servers, and each
  // served model's under its own: the completions API with echo, whatever
  // API sampled them (client/endpoint_perplexity.h).
  std::vector<report::PerplexityGroup> cross_perplexity(StageCache& cache, const Benchmark& benchmark,
                                                        const std::vector<ModelSamples>& samples) {
    const ExternalModel& base = config_.models.front();
    const ClientConfig& c = config_.client;
    if (!base.served() || c.perplexity_responses == 0) return {};
    std::map<std::string, std::string> prompts;
    for (const client::Question& q : benchmark.questions) prompts[q.id] = template_.completion_prompt(q.text);
    json key_parts = {"perplexity", template_.text, c.eos_text, c.perplexity_responses, base.served_model};
    bool any_made_now = false;
    for (const ModelSamples& s : samples) {
      key_parts.push_back(s.key);
      any_made_now |= s.made_now;
    }
    if (any_made_now) cache.invalidate("perplexity");
    auto scorer_options = [&](const ExternalModel& scorer) {
      client::EndpointPerplexityOptions o;
      o.endpoints = scorer.endpoints;
      o.served_model = scorer.served_model;
      o.retry = retry_policy(c);
      o.api_key = api_key();
      o.concurrency = static_cast<int>(c.concurrency);
      o.max_responses = static_cast<size_t>(c.perplexity_responses);
      o.eos_text = c.eos_text;
      return o;
    };
    stages_.run(cache, benchmark.name, "perplexity", "perplexity", hash_text(key_parts.dump()),
                [&](const fs::path& dir, bool) {
                  json groups = json::array();
                  for (const ModelSamples& s : samples) {
                    std::vector<const ExternalModel*> scorers = {&base};
                    if (s.model != &base && s.model->served()) scorers.push_back(s.model);
                    for (const ExternalModel* scorer : scorers) {
                      std::vector<double> values = client::endpoint_perplexity(s.file, prompts, scorer_options(*scorer));
                      groups.push_back({{"scorer", scorer->label}, {"responder", s.model->label}, {"values", values}});
                    }
                  }
                  write_file_atomically(dir / "perplexity.json", groups.dump() + "\n");
                });
    return read_perplexity_groups(cache.dir("perplexity") / "perplexity.json");
  }

  const StudyConfig& config_;
  const StudyOptions& options_;
  int threads_;
  StageRunner stages_;
  client::PromptTemplate template_;
};

}  // namespace

StudyOutcome run_external_study(const StudyConfig& config, const StudyOptions& options) {
  return ExternalStudy(config, options).run();
}

}  // namespace rlvr::study
