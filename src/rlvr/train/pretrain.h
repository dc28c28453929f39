// Pretraining a base model from scratch on documents (bos + prompt +
// completion + eos), with AdamW, linear warm-up, cosine decay and gradient
// clipping. The loss covers every token after bos (prompt, completion and
// eos), as in ordinary language-model pretraining: the base model learns what
// problems look like as well as how they are solved. Documents are packed
// into rows of max_seq_len tokens; each keeps its own positions and attends
// only to itself (a block-diagonal causal mask), so no step is spent on padding.
//
// Output directory (a usable checkpoint after every save):
//   config.json, tokenizer.json, model.safetensors   the latest weights (model/checkpoint.h)
//   training_state.safetensors                      weights + AdamW state + step, for resume
//   pretrain.json                                   the run's settings (checked on resume)
//   metrics.jsonl                                   one line per log/eval point
// A killed run started again with the same settings resumes from its last
// checkpoint and reaches the same weights as an uninterrupted run.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "rlvr/model/config.h"
#include "rlvr/model/tokenizer.h"

namespace rlvr::model {
class Transformer;
}

namespace rlvr::train {

struct PretrainOptions {
  int steps = 400;              // the quick preset: a few minutes on 2 cores
  int batch_size = 16;          // rows per step, each max_seq_len tokens packed with whole documents
  double lr = 3e-3;             // peak learning rate
  double min_lr = 3e-4;         // end of the cosine decay
  int warmup_steps = 40;
  double weight_decay = 0.1;
  double clip_norm = 1.0;
  uint64_t seed = 1;            // initial weights and the document order
  int checkpoint_every = 100;   // steps between saves (and at the end)
  int eval_every = 100;         // steps between held-out evaluations (0 = only at the end)
  int log_every = 25;
  int threads = 0;              // <= 0: all cores
  int shards = 2;               // each batch in this many shards, side by side given the threads;
                                // results depend on it, not on the threads
  std::string init;             // checkpoint folder to start from (fine-tuning, distillation);
                                // "" = fresh weights. Its sizes replace the given config.
  std::string settings_json = "{}";  // caller's description of the run, stored in pretrain.json
};

struct PretrainDocument {
  std::string prompt;
  std::string completion;
};

// Held-out evaluation at a step: named figures (e.g. "pass@1") for metrics.jsonl.
using PretrainEvaluator =
    std::function<std::map<std::string, double>(rlvr::model::Transformer& model, int64_t step)>;

struct PretrainResult {
  int64_t steps_done = 0;
  int64_t resumed_from = 0;     // 0 for a fresh run
  double final_loss = 0;        // mean loss over the last log interval
  double seconds = 0;           // wall time of this invocation
  std::map<std::string, double> final_eval;
};

// Documents longer than the context (bos + text + eos > max_seq_len) are
// skipped and counted on stderr. `config.vocab_size` is set from the tokenizer.
PretrainResult pretrain(const std::filesystem::path& out, rlvr::model::ModelConfig config,
                        const rlvr::model::Tokenizer& tokenizer,
                        const std::vector<PretrainDocument>& documents,
                        const PretrainOptions& options, const PretrainEvaluator& evaluate = {});

// The learning rate at `step` (0-based): linear warm-up to lr, cosine to min_lr.
double pretrain_lr(const PretrainOptions& options, int64_t step);

}  // namespace rlvr::train
