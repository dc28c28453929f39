// A whole RL run as `rlvr train` performs it: load the base checkpoint, train
// for run.steps with progress on a terminal, evaluate on held-out problems at
// the start, every eval.every steps and at the end, write every step's and
// every evaluation's figures as JSON lines, checkpoint, and save the final
// model. A run killed at any point and started again with the same options
// resumes from its last checkpoint and ends with the same weights as an
// uninterrupted run.
//
// Files under `out`:
//   config.json, tokenizer.json, model.safetensors  the RL model (a model checkpoint)
//   rl_state.safetensors  weights, optimiser moments, counters (for resume)
//   metrics.jsonl         {"kind": "train"|"eval", "step": N, ...} one line each
//   rl_run.json           options, base model, task, commit, timings
#pragma once

#include <filesystem>
#include <string>

#include "rlvr/train/rl_config.h"

namespace rlvr::train {

struct RlRunOptions {
  std::filesystem::path init;  // base model checkpoint directory
  std::string task;            // task family name
  std::filesystem::path out;   // output directory
  std::string commit = "unknown";  // recorded in rl_run.json
};

void run_rl(const RlConfig& config, const RlRunOptions& options);

}  // namespace rlvr::train
