// Perplexity cross-scoring: the responses one model wrote, scored under
// another model (or itself). PPL_M(Y) = exp(-mean token log p_M(y_t | y_<t, x)),
// one value per response; the eos token counts when the response ended there.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace rlvr::study {

// Perplexity of every response in a flat sample file under the model in
// `model_dir`. `prompts` maps problem_id -> prompt text (the file carries
// only completions). At most `max_responses` responses are scored, spread
// evenly over the file, so that large sample sets stay cheap.
std::vector<double> score_perplexity(const std::filesystem::path& model_dir,
                                     const std::filesystem::path& samples,
                                     const std::map<std::string, std::string>& prompts,
                                     size_t max_responses, int threads);

}  // namespace rlvr::study
