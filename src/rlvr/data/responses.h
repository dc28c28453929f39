// The responses of a flat sample file, each joined with the prompt it
// followed: what perplexity scoring reads, whether a local model (the study)
// or a served one (`rlvr perplexity`) does the scoring.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace rlvr::data {

struct Response {
  std::string prompt;
  std::string completion;
  std::string finish_reason;  // as the file gives it; "" when absent
  bool stop_string = false;   // the row names a stop_reason (a served model stopped at a stop string)
};

// prompts: problem_id -> prompt text. An InputError naming file, line and
// field for a row without a completion or with an unknown problem.
std::vector<Response> read_responses(const std::filesystem::path& samples,
                                     const std::map<std::string, std::string>& prompts);

// At most `max` responses (0: all), every (size/max)-th one in the order of
// (prompt, completion): spread over the problems, and the same choice
// whatever order the file's lines are in (servers answer out of order, and
// a resumed run appends what was missing).
std::vector<Response> spread_evenly(std::vector<Response> all, size_t max);

}  // namespace rlvr::data
