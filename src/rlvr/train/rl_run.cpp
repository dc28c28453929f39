#include "rlvr/train/rl_run.h"

#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "rlvr/model/checkpoint.h"
#include "rlvr/train/rl_trainer.h"
#include "rlvr/util/error.h"
#include "rlvr/util/files.h"
#include "rlvr/util/progress.h"

namespace rlvr::train {

namespace {

std::string metrics_line(const char* kind, const Metrics& m) {
  nlohmann::ordered_json j;
  j["kind"] = kind;
  for (const auto& [k, v] : m) {
    if (k == "step") j[k] = static_cast<int64_t>(v);
    else j[k] = v;
  }
  return j.dump() + "\n";
}

// Keeps the complete lines of an earlier run up to `step` (a torn last line
// from a kill, and lines past the checkpoint, are dropped).
void truncate_metrics(const std::filesystem::path& file, int64_t step) {
  if (!std::filesystem::exists(file)) return;
  std::istringstream in(read_file(file));
  std::string line, kept;
  while (std::getline(in, line)) {
    if (in.eof()) break;  // no newline: torn
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.contains("step")) continue;
    if (j["step"].get<int64_t>() <= step) kept += line + "\n";
  }
  write_file_atomically(file, kept);
}

void append(const std::filesystem::path& file, const std::string& line) {
  std::ofstream out(file, std::ios::app);
  out << line;
  out.flush();
  if (!out) throw Error("cannot append to " + file.string());
}

void announce(const char* what, const Metrics& m) {
  if (!Progress::enabled()) return;
  std::string s;
  for (const auto& [k, v] : m)
    if (k == "step" || k.rfind("pass@", 0) == 0 || k == "reward" || k == "kl_ref")
      s += fmt::format(" {}={:.4g}", k, v);
  std::fprintf(stderr, "\n%s%s\n", what, s.c_str());
}

}  // namespace

void run_rl(const RlConfig& config, const RlRunOptions& options) {
  validate(config);
  auto start = std::chrono::steady_clock::now();
  model::set_threads(static_cast<int>(config.run.threads));
  model::LoadedModel base = model::load_model(options.init);
  const tasks::TaskFamily& family = tasks::family(options.task);
  RlTrainer trainer(config, base, family);

  std::filesystem::create_directories(options.out);
  const auto state_file = options.out / "rl_state.safetensors";
  const auto metrics_file = options.out / "metrics.jsonl";
  const bool resumed = std::filesystem::exists(state_file);
  if (resumed) {
    trainer.load_state(state_file);
    truncate_metrics(metrics_file, trainer.steps_done());
  } else {
    write_file_atomically(metrics_file, "");
  }
  nlohmann::ordered_json run;
  run["algorithm"] = config.algorithm;
  run["init"] = options.init.string();
  run["task"] = options.task;
  run["commit"] = options.commit;
  run["options"] = nlohmann::json::parse(rl_config_json(config));
  run["resumed_at_step"] = trainer.steps_done();
  write_file_atomically(options.out / "rl_run.json", run.dump(2) + "\n");

  if (!resumed || trainer.steps_done() == 0) {
    Metrics e = trainer.evaluate();
    append(metrics_file, metrics_line("eval", e));
    announce("eval", e);
  }
  bool evaluated_last = true;
  {
    Progress progress("rl " + config.algorithm, config.run.steps - trainer.steps_done(), "steps");
    while (trainer.steps_done() < config.run.steps) {
      Metrics m = trainer.step();
      append(metrics_file, metrics_line("train", m));
      int64_t s = trainer.steps_done();
      evaluated_last = false;
      if (config.eval.every > 0 && s % config.eval.every == 0) {
        Metrics e = trainer.evaluate();
        append(metrics_file, metrics_line("eval", e));
        announce("eval", e);
        evaluated_last = true;
      }
      if (config.run.checkpoint_every > 0 && s % config.run.checkpoint_every == 0 && s < config.run.steps)
        trainer.save_state(state_file);
      progress.advance();
    }
  }
  if (!evaluated_last) {
    Metrics e = trainer.evaluate();
    append(metrics_file, metrics_line("eval", e));
    announce("eval", e);
  }
  trainer.save_state(state_file);
  model::save_model(options.out, trainer.policy(), trainer.tokenizer());
  run["seconds"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  run["steps_done"] = trainer.steps_done();
  write_file_atomically(options.out / "rl_run.json", run.dump(2) + "\n");
}

}  // namespace rlvr::train
