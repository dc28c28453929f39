#include "rlvr/study/perplexity.h"

#include <cmath>

#include "rlvr/data/responses.h"
#include "rlvr/model/checkpoint.h"
#include "rlvr/model/score.h"
#include "rlvr/model/transformer.h"

namespace rlvr::study {

std::vector<double> score_perplexity(const std::filesystem::path& model_dir,
                                     const std::filesystem::path& samples,
                                     const std::map<std::string, std::string>& prompts,
                                     size_t max_responses, int threads) {
  model::set_threads(threads);
  std::vector<data::Response> chosen = data::spread_evenly(data::read_responses(samples, prompts), max_responses);
  model::LoadedModel loaded = model::load_model(model_dir);
  std::vector<std::vector<int>> prompt_tokens, completion_tokens;
  for (const data::Response& r : chosen) {
    prompt_tokens.push_back(loaded.tokenizer.encode(r.prompt));
    std::vector<int> completion = loaded.tokenizer.encode(r.completion);
    // The laboratory's sampler says "eos" for its end token ("stop" is a stop string).
    if (r.finish_reason == "eos") completion.push_back(model::Tokenizer::kEos);
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
