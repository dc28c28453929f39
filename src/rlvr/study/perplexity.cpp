#include "rlvr/study/perplexity.h"

#include <cmath>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "rlvr/model/checkpoint.h"
#include "rlvr/model/score.h"
#include "rlvr/model/transformer.h"
#include "rlvr/util/error.h"
#include "rlvr/util/json_lines.h"

namespace rlvr::study {

namespace {

struct Response {
  std::string prompt;
  std::string completion;
  bool ended_with_eos = false;
};

std::vector<Response> read_responses(const std::filesystem::path& samples,
                                     const std::map<std::string, std::string>& prompts) {
  std::vector<Response> responses;
  for_each_json_line(samples, [&](const nlohmann::json& row, long number) {
    std::string id = problem_id_of(row, samples, number);
    auto completion = row.find("completion");
    if (completion == row.end() || !completion->is_string())
      throw InputError(samples.string(), number, "completion", "expected the completion text");
    auto prompt = prompts.find(id);
    if (prompt == prompts.end())
      throw InputError(samples.string(), number, "problem_id", fmt::format("unknown problem '{}'", id));
    responses.push_back({prompt->second, completion->get<std::string>(),
                         row.value("finish_reason", std::string()) == "eos"});
  });
  return responses;
}

}  // namespace

std::vector<double> score_perplexity(const std::filesystem::path& model_dir,
                                     const std::filesystem::path& samples,
                                     const std::map<std::string, std::string>& prompts,
                                     size_t max_responses, int threads) {
  model::set_threads(threads);
  std::vector<Response> all = read_responses(samples, prompts);
  std::vector<Response> chosen;
  if (all.size() <= max_responses) {
    chosen = std::move(all);
  } else {
    // Every (size/max)-th response: deterministic and spread over problems.
    for (size_t i = 0; i < max_responses; ++i) chosen.push_back(all[i * all.size() / max_responses]);
  }
  model::LoadedModel loaded = model::load_model(model_dir);
  std::vector<std::vector<int>> prompt_tokens, completion_tokens;
  for (const Response& r : chosen) {
    prompt_tokens.push_back(loaded.tokenizer.encode(r.prompt));
    std::vector<int> completion = loaded.tokenizer.encode(r.completion);
    if (r.ended_with_eos) completion.push_back(model::Tokenizer::kEos);
    completion_tokens.push_back(std::move(completion));
  }
  std::vector<std::vector<float>> logprobs =
      model::score(loaded.model, prompt_tokens, completion_tokens, 64);
  std::vector<double> perplexities;
  for (const std::vector<float>& tokens : logprobs) {
    if (tokens.empty()) continue;  // an empty response has no perplexity
    double sum = 0;
    for (float lp : tokens) sum += lp;
    perplexities.push_back(std::exp(-sum / static_cast<double>(tokens.size())));
  }
  return perplexities;
}

}  // namespace rlvr::study
