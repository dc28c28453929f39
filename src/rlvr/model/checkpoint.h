// A model checkpoint is a directory:
//   config.json       model sizes (ModelConfig)
//   tokenizer.json    the character alphabet
//   model.safetensors the weights, float32, names from Transformer::named_weights()
// A training state (for exact resume) is one more file, training_state.safetensors,
// holding weights, optimizer moments and JSON metadata (step, caller's data) in
// one atomically written file so that a kill never leaves them out of step.
#pragma once

#include <filesystem>
#include <string>

#include "rlvr/model/optimizer.h"
#include "rlvr/model/tokenizer.h"
#include "rlvr/model/transformer.h"

namespace rlvr::model {

struct LoadedModel {
  Transformer model{nullptr};
  Tokenizer tokenizer;
};

// A new directory is written into a temporary sibling and renamed into place;
// in an existing directory each file is replaced atomically (weights last).
void save_model(const std::filesystem::path& dir, const Transformer& model, const Tokenizer& tokenizer);
// Checks that config, tokenizer and weights agree; errors name the file and
// the tensor or field.
LoadedModel load_model(const std::filesystem::path& dir);

struct TrainingState {
  int64_t step = 0;         // optimizer steps done
  std::string extra_json = "{}";  // anything else the trainer needs (data position, metrics)
};

void save_training_state(const std::filesystem::path& file, const Transformer& model,
                         const AdamW& optimizer, const TrainingState& state);
// Loads weights and optimizer moments in place; returns the step and extra data.
TrainingState load_training_state(const std::filesystem::path& file, Transformer& model,
                                  AdamW& optimizer);

}  // namespace rlvr::model
