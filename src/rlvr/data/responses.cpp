#include "rlvr/data/responses.h"

#include <algorithm>
#include <tuple>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "rlvr/util/error.h"
#include "rlvr/util/json_lines.h"

namespace rlvr::data {

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
    auto finish = row.find("finish_reason");
    auto stop = row.find("stop_reason");
    responses.push_back({prompt->second, completion->get<std::string>(),
                         finish != row.end() && finish->is_string() ? finish->get<std::string>() : std::string(),
                         stop != row.end() && !stop->is_null()});
  });
  return responses;
}

std::vector<Response> spread_evenly(std::vector<Response> all, size_t max) {
  std::sort(all.begin(), all.end(), [](const Response& a, const Response& b) {
    return std::tie(a.prompt, a.completion, a.finish_reason, a.stop_string) <
           std::tie(b.prompt, b.completion, b.finish_reason, b.stop_string);
  });
  if (max == 0 || all.size() <= max) return all;
  std::vector<Response> chosen;
  chosen.reserve(max);
  for (size_t i = 0; i < max; ++i) chosen.push_back(std::move(all[i * all.size() / max]));
  return chosen;
}

}  // namespace rlvr::data
