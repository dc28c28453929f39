#include "rlvr/study/config.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <toml++/toml.h>

#include "rlvr/train/rl_config.h"
#include "rlvr/util/error.h"
#include "rlvr/util/files.h"

namespace rlvr::study {

namespace {

// Reads typed values out of one TOML table and remembers which keys it used,
// so that leftovers can be reported as unknown.
class TableReader {
 public:
  TableReader(const toml::table& table, std::string file, std::string prefix)
      : table_(table), file_(std::move(file)), prefix_(std::move(prefix)) {}

  template <typename T>
  void read(const char* key, T& out) {
    used_.insert(key);
    const toml::node* node = table_.get(key);
    if (!node) return;
    if constexpr (std::is_same_v<T, std::string>) {
      if (!node->is_string()) fail(*node, key, "expected a string");
      out = *node->value<std::string>();
    } else if constexpr (std::is_same_v<T, bool>) {
      if (!node->is_boolean()) fail(*node, key, "expected true or false");
      out = *node->value<bool>();
    } else if constexpr (std::is_floating_point_v<T>) {
      if (!node->is_number()) fail(*node, key, "expected a number");
      out = static_cast<T>(*node->value<double>());
    } else if constexpr (std::is_integral_v<T>) {
      if (!node->is_integer()) fail(*node, key, "expected an integer");
      int64_t v = *node->value<int64_t>();
      if (v < 0) fail(*node, key, "expected a value >= 0");
      out = static_cast<T>(v);
    } else {
      static_assert(std::is_same_v<T, std::vector<std::string>>);
      const toml::array* array = node->as_array();
      if (!array) fail(*node, key, "expected a list of strings");
      out.clear();
      for (const toml::node& item : *array) {
        if (!item.is_string()) fail(item, key, "expected a list of strings");
        out.push_back(*item.value<std::string>());
      }
    }
  }

  // The node under `key` (marked as used), or null; for values of more than one type.
  const toml::node* node(const char* key) {
    used_.insert(key);
    return table_.get(key);
  }

  const toml::table* sub_table(const char* key) {
    used_.insert(key);
    const toml::node* node = table_.get(key);
    if (!node) return nullptr;
    if (!node->is_table()) fail(*node, key, "expected a table");
    return node->as_table();
  }

  void reject_unknown_keys() const {
    for (const auto& [key, node] : table_) {
      if (!used_.count(std::string(key.str()))) fail(node, std::string(key.str()), "unknown key");
    }
  }

  [[noreturn]] void fail(const toml::node& node, const std::string& key,
                         const std::string& problem) const {
    throw InputError(file_, static_cast<long>(node.source().begin.line), prefix_ + key, problem);
  }

 private:
  const toml::table& table_;
  std::string file_;
  std::string prefix_;
  std::set<std::string> used_;
};

// Evaluation must sample at least as far as RL rollouts do, or it cuts off
// answers the models were trained to give.
void check_eval_length(const StudyConfig& config, const std::string& file_name) {
  if (config.eval.max_tokens <= 0) return;  // to the end of the context
  for (const std::string& algorithm : config.rl.algorithms) {
    train::RlConfig rl = train::rl_preset(algorithm);
    for (const std::string& assignment : config.rl.set) {
      try {
        train::apply_rl_assignment(rl, assignment);
      } catch (const Error& e) {
        throw InputError(file_name, 0, "rl.set", e.what());
      }
    }
    if (config.eval.max_tokens < rl.rollout.max_response_tokens)
      throw InputError(file_name, 0, "eval.max_tokens",
                       fmt::format("{} is shorter than the {} rollouts ({} tokens, rollout.max_response_tokens): "
                                   "evaluation would cut off answers; use at least {} or 0 (the model's context)",
                                   config.eval.max_tokens, algorithm, rl.rollout.max_response_tokens,
                                   rl.rollout.max_response_tokens));
  }
}

// [[models]]: one table per external model.
void read_models(TableReader& top, const std::string& file_name, StudyConfig& config) {
  const toml::node* list = top.node("models");
  if (!list) return;
  const toml::array* array = list->as_array();
  if (!array || !array->is_array_of_tables())
    top.fail(*list, "models", "expected [[models]] tables (label = ..., endpoints = [...] or samples = ...)");
  std::set<std::string> labels;
  for (const toml::node& item : *array) {
    ExternalModel model;
    std::string prefix = fmt::format("models[{}].", config.models.size());
    TableReader r(*item.as_table(), file_name, prefix);
    r.read("label", model.label);
    r.read("endpoints", model.endpoints);
    r.read("served_model", model.served_model);
    // One samples file (the study's only dataset) or a table of them by dataset.
    if (const toml::node* samples = r.node("samples")) {
      if (samples->is_string()) {
        model.samples[""] = *samples->value<std::string>();
      } else if (const toml::table* by_dataset = samples->as_table()) {
        for (const auto& [key, value] : *by_dataset) {
          if (!value.is_string()) r.fail(value, "samples." + std::string(key.str()), "expected a file path");
          model.samples[std::string(key.str())] = *value.value<std::string>();
        }
      } else {
        r.fail(*samples, "samples", "expected a file path or a table {dataset = \"file\"}");
      }
    }
    r.reject_unknown_keys();
    if (model.label.empty()) r.fail(item, "label", "every model needs a label");
    if (model.label.find_first_of("/\\ ") != std::string::npos)
      r.fail(item, "label", "a label names folders: no '/', '\\' or spaces");
    if (!labels.insert(model.label).second) r.fail(item, "label", fmt::format("\"{}\" is used twice", model.label));
    if (model.served() == !model.samples.empty())
      r.fail(item, "endpoints", "give either endpoints (and served_model) or samples, not both");
    if (model.served() && model.served_model.empty())
      r.fail(item, "served_model", "the name the endpoints serve the model under is needed");
    config.models.push_back(std::move(model));
  }
}

// An external study measures; nothing in it trains.
void check_external(const toml::table& root, const std::string& file_name, StudyConfig& config) {
  for (const char* trained : {"base", "rl", "distill"})
    if (const toml::node* node = root.get(trained))
      throw InputError(file_name, static_cast<long>(node->source().begin.line), trained,
                       "an external study ([[models]]) trains nothing: remove this section");
  if (!config.tasks.empty())
    throw InputError(file_name, 0, "study.tasks",
                     "an external study ([[models]]) measures benchmarks: name them in study.datasets");
  if (config.datasets.empty())
    throw InputError(file_name, 0, "study.datasets", "name at least one benchmark (math500, humaneval, ...)");
  if (!config.seeds.empty())
    throw InputError(file_name, 0, "study.seeds",
                     "an external study measures served models once; seeds are for laboratory studies");
  const bool served = std::any_of(config.models.begin(), config.models.end(),
                                  [](const ExternalModel& m) { return m.served(); });
  if (served && config.eval.max_tokens <= 0)
    throw InputError(file_name, 0, "eval.max_tokens", "give the longest completion to ask the servers for");
  for (ExternalModel& model : config.models) {
    auto unnamed = model.samples.find("");
    if (unnamed != model.samples.end()) {
      if (config.datasets.size() != 1)
        throw InputError(file_name, 0, "models." + model.label + ".samples",
                         "with several datasets, give a table {dataset = \"file\"}");
      std::string file = unnamed->second;
      model.samples.erase(unnamed);
      model.samples[config.datasets.front()] = file;
    }
    if (model.served()) continue;
    for (const std::string& dataset : config.datasets)
      if (!model.samples.count(dataset))
        throw InputError(file_name, 0, "models." + model.label + ".samples",
                         fmt::format("no samples file for dataset \"{}\"", dataset));
    for (const auto& [dataset, file] : model.samples)
      if (std::find(config.datasets.begin(), config.datasets.end(), dataset) == config.datasets.end())
        throw InputError(file_name, 0, "models." + model.label + ".samples." + dataset, "not one of study.datasets");
  }
}

}  // namespace

StudyConfig parse_study_config(std::string_view text, const std::string& file_name) {
  toml::table root;
  try {
    root = toml::parse(text, file_name);
  } catch (const toml::parse_error& e) {
    throw InputError(file_name, static_cast<long>(e.source().begin.line), "",
                     std::string(e.description()));
  }
  StudyConfig config;
  config.source = std::string(text);
  TableReader top(root, file_name, "");
  auto section = [&](const char* name, auto&& read_fields) {
    if (const toml::table* table = top.sub_table(name)) {
      TableReader reader(*table, file_name, std::string(name) + ".");
      read_fields(reader);
      reader.reject_unknown_keys();
    }
  };
  section("study", [&](TableReader& r) {
    r.read("name", config.name);
    r.read("tasks", config.tasks);
    r.read("datasets", config.datasets);
    r.read("seed", config.seed);
    if (const toml::node* seeds = r.node("seeds")) {
      const toml::array* array = seeds->as_array();
      if (!array || array->empty()) r.fail(*seeds, "seeds", "expected a non-empty list of seeds (integers >= 0)");
      for (const toml::node& item : *array) {
        if (!item.is_integer() || *item.value<int64_t>() < 0) r.fail(item, "seeds", "expected integers >= 0");
        const auto seed = static_cast<uint64_t>(*item.value<int64_t>());
        if (std::find(config.seeds.begin(), config.seeds.end(), seed) != config.seeds.end())
          r.fail(item, "seeds", fmt::format("seed {} is listed twice", seed));
        config.seeds.push_back(seed);
      }
      if (r.node("seed")) r.fail(*seeds, "seeds", "give study.seed or study.seeds, not both");
    }
    r.read("threads", config.threads);
    if (const toml::node* jobs = r.node("jobs")) {
      if (!jobs->is_integer() || *jobs->value<int64_t>() < 1) r.fail(*jobs, "jobs", "expected an integer >= 1");
      config.jobs = static_cast<int>(*jobs->value<int64_t>());
    }
    // One difficulty for every task, or a table of them by task.
    const toml::node* difficulty = r.node("difficulty");
    if (difficulty && difficulty->is_table()) {
      for (const auto& [key, value] : *difficulty->as_table()) {
        const std::string task(key.str());
        const std::string name = "difficulty." + task;
        if (std::find(config.tasks.begin(), config.tasks.end(), task) == config.tasks.end())
          r.fail(value, name, "not one of study.tasks");
        if (!value.is_integer() || *value.value<int64_t>() < 0) r.fail(value, name, "expected an integer >= 0");
        config.task_difficulty[task] = static_cast<int>(*value.value<int64_t>());
      }
    } else if (difficulty) {
      r.read("difficulty", config.difficulty);
    }
  });
  section("base", [&](TableReader& r) {
    r.read("preset", config.base.preset);
    r.read("steps", config.base.steps);
    r.read("corpus", config.base.corpus);
    r.read("model", config.base.model);
  });
  section("rl", [&](TableReader& r) {
    r.read("algorithms", config.rl.algorithms);
    // Named by the presets' table, checked here so that a misspelt name stops
    // the study before any stage runs.
    if (const toml::node* list = r.node("algorithms")) {
      const std::vector<std::string> known = train::rl_preset_names();
      for (const toml::node& item : *list->as_array())
        if (std::find(known.begin(), known.end(), *item.value<std::string>()) == known.end())
          r.fail(item, "algorithms",
                 fmt::format("unknown algorithm \"{}\"; known: {}", *item.value<std::string>(),
                             fmt::join(known, ", ")));
    }
    r.read("steps", config.rl.steps);
    r.read("set", config.rl.set);
  });
  section("distill", [&](TableReader& r) {
    r.read("enabled", config.distill.enabled);
    r.read("teacher", config.distill.teacher);
    r.read("steps", config.distill.steps);
  });
  section("eval", [&](TableReader& r) {
    r.read("problems", config.eval.problems);
    r.read("n", config.eval.n);
    r.read("temperature", config.eval.temperature);
    r.read("top_p", config.eval.top_p);
    r.read("max_tokens", config.eval.max_tokens);
    r.read("bootstrap", config.eval.bootstrap);
    r.read("batch_size", config.eval.batch_size);
  });
  bool problems_given = false;
  if (const toml::table* eval = root["eval"].as_table()) problems_given = eval->contains("problems");
  read_models(top, file_name, config);
  section("client", [&](TableReader& r) {
    ClientConfig& c = config.client;
    r.read("api", c.api);
    if (c.api != "chat" && c.api != "completions") r.fail(*r.node("api"), "api", "expected \"chat\" or \"completions\"");
    r.read("template", c.prompt_template);
    r.read("template_file", c.template_file);
    r.read("samples_per_request", c.samples_per_request);
    r.read("concurrency", c.concurrency);
    if (r.node("seed")) r.read("seed", c.seed);
    r.read("stop", c.stop);
    r.read("attempts", c.attempts);
    r.read("timeout", c.timeout_s);
    r.read("eos_text", c.eos_text);
    r.read("perplexity_responses", c.perplexity_responses);
    if (c.samples_per_request < 1) r.fail(*r.node("samples_per_request"), "samples_per_request", "expected at least 1");
    if (c.concurrency < 1) r.fail(*r.node("concurrency"), "concurrency", "expected at least 1");
    if (c.attempts < 1) r.fail(*r.node("attempts"), "attempts", "expected at least 1");
  });
  top.reject_unknown_keys();
  if (config.external()) {
    check_external(root, file_name, config);
    if (!problems_given) config.eval.problems = 0;  // every problem of each dataset
    if (config.eval.n < 1) throw InputError(file_name, 0, "eval.n", "expected at least 1 sample");
    if (config.eval.top_p <= 0 || config.eval.top_p > 1)
      throw InputError(file_name, 0, "eval.top_p", "expected a value in (0, 1]");
    return config;
  }
  if (!config.datasets.empty())
    throw InputError(file_name, 0, "study.datasets", "benchmarks are measured on external models: add [[models]]");
  if (config.tasks.empty()) throw InputError(file_name, 0, "study.tasks", "name at least one task family");
  if (config.eval.n < 1) throw InputError(file_name, 0, "eval.n", "expected at least 1 sample");
  if (config.eval.problems < 1) throw InputError(file_name, 0, "eval.problems", "expected at least 1 problem");
  if (config.eval.top_p <= 0 || config.eval.top_p > 1)
    throw InputError(file_name, 0, "eval.top_p", "expected a value in (0, 1]");
  check_eval_length(config, file_name);
  return config;
}

StudyConfig load_study_config(const std::filesystem::path& path) {
  return parse_study_config(read_file(path), path.string());
}

}  // namespace rlvr::study
