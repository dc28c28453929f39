// Sampling a problem set from OpenAI-compatible servers into a flat sample
// file (the format `rlvr verify` labels and `rlvr analyze` reads). Requests
// ask for several samples each (`n`), `concurrency` of them are in flight,
// spread over every endpoint, each retried as HttpClient does. The file is
// append-only: a request's samples are appended as complete lines once all
// of them arrived, so a sample is in the file whole or not at all, and a
// killed run started again skips the (problem, sample) pairs present and
// makes only the missing ones. Run settings are kept beside the output in
// <out>.provenance.json; resuming with different sampling settings is an error.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "rlvr/client/http_client.h"
#include "rlvr/client/prompt_template.h"

namespace rlvr::client {

enum class Api { chat, completions };

struct SamplingParameters {
  double temperature = 1.0;
  double top_p = 1.0;
  int max_tokens = 1024;
  std::optional<uint64_t> seed;  // request seeds derive from it (problem, first sample)
  std::vector<std::string> stop;
  bool logprobs = true;          // per-sample token counts and log-probs
};

struct EndpointSampleOptions {
  std::vector<std::string> endpoints;
  std::string served_model;
  Api api = Api::chat;
  PromptTemplate prompt_template;
  SamplingParameters parameters;
  int samples_per_problem = 1;
  int samples_per_request = 16;  // `n` of one request (at most samples_per_problem)
  int concurrency = 64;          // requests in flight
  RetryPolicy retry;
  std::string api_key;
  std::string dataset;           // recorded in the provenance
};

struct Question {
  std::string id;
  std::string text;
};

struct EndpointSampleResult {
  int64_t already_present = 0;
  int64_t written = 0;
  int64_t truncated = 0;          // among those written: finish_reason "length"
  int64_t completion_tokens = 0;  // among those written
  int64_t requests = 0;
  int64_t retries = 0;
  double seconds = 0;
  bool dropped_torn_line = false;
};

// Throws rlvr::Error when a request fails for good; every sample written
// before stays in the file, and a run started again resumes from there.
EndpointSampleResult sample_endpoints(const std::vector<Question>& questions, const EndpointSampleOptions& options,
                                      const std::filesystem::path& out);

// The provenance file of an output: <out>.provenance.json.
std::filesystem::path provenance_path(const std::filesystem::path& out);

}  // namespace rlvr::client
