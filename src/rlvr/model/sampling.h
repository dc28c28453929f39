// Choosing one token from one row of logits, in plain C++: temperature,
// top-k, top-p, greedy. Randomness is a counter-based draw from
// (row_seed, step), so a row's tokens never depend on other rows, batch size
// or threads. No libtorch.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace rlvr::model {

struct SamplingOptions {
  double temperature = 1.0;  // 0 (or below) = greedy: the most likely token, lowest id on ties
  double top_p = 1.0;        // keep the most likely tokens whose probabilities reach top_p
  int top_k = 0;             // keep the k most likely tokens; 0 = all
  int max_new_tokens = 128;  // also capped by the model's max_seq_len
  std::vector<std::string> stop;  // finish when the completion text ends with one of these
  int batch_size = 64;       // rows decoded together (results do not depend on it)
  // Fewer rows are decoded together when the key/value cache of their prompts
  // and first 64 new tokens would exceed this many MiB (0 = no limit): every
  // decoding step reads each row's cache, and once it spills out of the
  // last-level cache the step waits on memory. See docs/PERFORMANCE.md for the
  // measurement behind the default.
  int kv_cache_budget_mib = 16;
  bool ignore_eos = false;   // keep going after eos (benchmarks: every row makes max_new_tokens)
};

struct TokenChoice {
  int token = 0;
  double logprob = 0;  // log-prob under the model itself (temperature 1, nothing truncated)
};

// Uniform double in [0, 1) from (row_seed, step): 53 bits of a SplitMix64 mix.
double uniform_draw(uint64_t row_seed, int64_t step);

// The draw: among the kept tokens, in id order, the first whose cumulative
// weight exceeds u * (total kept weight). Tiny changes of the logits move the
// bucket edges by tiny amounts, so the token changes only when u falls within
// that distance of an edge.
TokenChoice choose_token(const float* logits, int vocab, const SamplingOptions& options,
                         uint64_t row_seed, int64_t step);

}  // namespace rlvr::model
