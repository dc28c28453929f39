// Perplexity of completions under a served model, from prompt log-probs: the
// completions API with echo (the server returns the log-prob of every token
// of the prompt it was sent) and max_tokens 1 (what every vLLM version
// accepts). The prompt sent is the problem's template prompt followed by the
// completion; the completion's tokens are those whose text offset lies at or
// after the end of the template prompt. PPL = exp(-mean token log-prob), one
// value per completion, the same definition as the study's perplexity stage.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "rlvr/client/http_client.h"

namespace rlvr::client {

struct EndpointPerplexityOptions {
  std::vector<std::string> endpoints;
  std::string served_model;
  RetryPolicy retry;
  std::string api_key;
  int concurrency = 64;
  size_t max_responses = 0;  // 0: all; else at most this many, spread evenly over the file
  // Appended to a completion that ended at the end-of-sequence token
  // (finish_reason "eos", or "stop" without a stop string), so that the eos
  // token is scored too, as the study does; "" scores the text only.
  std::string eos_text;
  int max_tokens = 1;        // tokens generated after the echo (ignored)
};

// prompts: problem_id -> the exact prompt text the completions followed.
// Returns one perplexity per scored non-empty completion, in the order
// data::spread_evenly picks them (the same whatever the file's line order).
std::vector<double> endpoint_perplexity(const std::filesystem::path& samples,
                                        const std::map<std::string, std::string>& prompts,
                                        const EndpointPerplexityOptions& options);

// Number of UTF-8 code points in `text`: the unit of OpenAI text offsets.
size_t code_points(const std::string& text);

}  // namespace rlvr::client
