#include "rlvr/client/endpoint_perplexity.h"

#include <atomic>
#include <cmath>
#include <mutex>
#include <optional>
#include <thread>

#include <fmt/format.h>

#include "rlvr/data/responses.h"
#include "rlvr/util/error.h"
#include "rlvr/util/progress.h"

namespace rlvr::client {

using nlohmann::json;

size_t code_points(const std::string& text) {
  size_t n = 0;
  for (unsigned char c : text) n += (c & 0xC0) != 0x80;
  return n;
}

namespace {

// Mean log-prob of the tokens at or after `completion_start` (code points)
// among the echoed prompt tokens; nullopt when there are none.
std::optional<double> completion_perplexity(const json& reply, size_t completion_start) {
  const json& choice = reply["choices"][0];
  const json& lp = choice["logprobs"];
  const json& offsets = lp["text_offset"];
  const json& values = lp["token_logprobs"];
  size_t echoed = values.size();
  if (reply.contains("usage") && reply["usage"].is_object() && reply["usage"].contains("prompt_tokens") &&
      reply["usage"]["prompt_tokens"].is_number_unsigned())
    echoed = std::min(echoed, reply["usage"]["prompt_tokens"].get<size_t>());
  double sum = 0;
  size_t count = 0;
  for (size_t t = 0; t < echoed; ++t) {
    if (offsets[t].get<size_t>() < completion_start || !values[t].is_number()) continue;
    sum += values[t].get<double>();
    ++count;
  }
  if (count == 0) return std::nullopt;
  return std::exp(-sum / static_cast<double>(count));
}

void check_echo(const json& reply) {
  if (!reply.contains("choices") || !reply["choices"].is_array() || reply["choices"].empty())
    throw BadResponse("no 'choices' list");
  const json& choice = reply["choices"][0];
  if (!choice.is_object() || !choice.contains("logprobs") || !choice["logprobs"].is_object())
    throw BadResponse("no 'logprobs' in the choice (does the server support echo with logprobs?)");
  const json& lp = choice["logprobs"];
  if (!lp.contains("token_logprobs") || !lp["token_logprobs"].is_array() || !lp.contains("text_offset") ||
      !lp["text_offset"].is_array() || lp["text_offset"].size() != lp["token_logprobs"].size())
    throw BadResponse("logprobs without matching token_logprobs and text_offset lists");
  const json& values = lp["token_logprobs"];
  for (size_t t = 0; t < values.size(); ++t) {
    if (!lp["text_offset"][t].is_number_unsigned()) throw BadResponse("a text_offset is not a count");
    // The first token has no log-prob (nothing before it); any other must be a number.
    if (!values[t].is_number() && !(t == 0 && values[t].is_null())) throw BadResponse("a token log-prob is missing");
  }
}

}  // namespace

std::vector<double> endpoint_perplexity(const std::filesystem::path& samples,
                                        const std::map<std::string, std::string>& prompts,
                                        const EndpointPerplexityOptions& options) {
  if (options.served_model.empty()) throw Error("perplexity: --served-model is required");
  if (options.concurrency < 1) throw Error("perplexity: --concurrency must be at least 1");
  // The same responses the study's perplexity stage would pick.
  std::vector<data::Response> chosen = data::spread_evenly(data::read_responses(samples, prompts), options.max_responses);
  HttpClient client(options.endpoints, options.retry, options.api_key);
  std::vector<std::optional<double>> values(chosen.size());
  Progress progress("perplexity", static_cast<int64_t>(chosen.size()), "completions");
  std::atomic<size_t> next{0};
  std::atomic<bool> failed{false};
  std::mutex error_mutex;
  std::string first_error;
  auto worker = [&] {
    while (!failed.load()) {
      size_t i = next.fetch_add(1);
      if (i >= chosen.size()) return;
      const data::Response& r = chosen[i];
      // A server says "stop" at its eos token and at a stop string; only the latter names a stop_reason.
      const bool ended_with_eos = r.finish_reason == "eos" || (r.finish_reason == "stop" && !r.stop_string);
      if (r.completion.empty() && !(ended_with_eos && !options.eos_text.empty())) {
        progress.advance();
        continue;  // an empty response has no perplexity
      }
      std::string text = r.prompt + r.completion + (ended_with_eos ? options.eos_text : "");
      json body = {{"model", options.served_model}, {"prompt", text},    {"echo", true},
                   {"logprobs", 0},                  {"max_tokens", options.max_tokens}, {"temperature", 0}};
      try {
        json reply = client.post("/completions", body.dump(), i, check_echo);
        values[i] = completion_perplexity(reply, code_points(r.prompt));
      } catch (const std::exception& e) {
        std::lock_guard lock(error_mutex);
        if (!failed.exchange(true)) first_error = e.what();
        return;
      }
      progress.advance();
    }
  };
  std::vector<std::thread> threads;
  for (size_t t = 0; t < std::min(static_cast<size_t>(options.concurrency), chosen.size()); ++t)
    threads.emplace_back(worker);
  for (std::thread& t : threads) t.join();
  progress.finish();
  if (failed) throw Error(fmt::format("perplexity: {}", first_error));
  std::vector<double> out;
  for (const auto& v : values)
    if (v) out.push_back(*v);
  return out;
}

}  // namespace rlvr::client
