// rlvr perplexity: the perplexity of sampled completions under a served
// model (PPL_base(Y_RL) for real models), from the server's prompt log-probs.
#include <algorithm>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "rlvr/client/endpoint_perplexity.h"
#include "rlvr/client/prompt_template.h"
#include "rlvr/util/error.h"
#include "rlvr/util/files.h"
#include "rlvr/verify/datasets.h"

namespace rlvr::cli {
namespace {

struct Args {
  client::EndpointPerplexityOptions run;
  std::vector<std::string> samples;
  std::string dataset, problems, format = "math500", data_dir, template_name = "qwen-boxed", template_file, out;
  std::string scorer;
};

void run(Args a) {
  std::vector<verify::Problem> problems;
  if (!a.problems.empty()) {
    problems = verify::load_problems_file(a.problems, a.format);
  } else {
    std::filesystem::path dir = a.data_dir.empty() ? find_data_dir() : std::filesystem::path(a.data_dir);
    problems = verify::load_dataset(a.dataset, dir);
  }
  client::PromptTemplate t =
      a.template_file.empty() ? client::builtin_template(a.template_name) : client::template_from_file(a.template_file);
  std::map<std::string, std::string> prompts;
  for (const verify::Problem& p : problems) prompts[p.id] = t.completion_prompt(p.prompt);
  nlohmann::json groups = nlohmann::json::array();
  for (const std::string& spec : a.samples) {
    size_t eq = spec.find('=');
    std::string label = eq == std::string::npos ? std::filesystem::path(spec).stem().string() : spec.substr(0, eq);
    std::string file = eq == std::string::npos ? spec : spec.substr(eq + 1);
    std::vector<double> values = client::endpoint_perplexity(file, prompts, a.run);
    std::vector<double> sorted = values;
    std::sort(sorted.begin(), sorted.end());
    std::printf("perplexity: PPL_%s(Y_%s): median %.4f over %zu completions\n", a.scorer.c_str(), label.c_str(),
                sorted.empty() ? 0.0 : sorted[sorted.size() / 2], values.size());
    groups.push_back({{"scorer", a.scorer}, {"responder", label}, {"values", values}});
  }
  write_file_atomically(a.out, groups.dump() + "\n");
  std::printf("perplexity: wrote %s\n", a.out.c_str());
}

Registration registration{
    "perplexity",
    "perplexity of sampled completions under a served model, from prompt log-probs (completions API, echo)",
    [](CLI::App& sub) {
      auto a = std::make_shared<Args>();
      auto& r = a->run;
      sub.add_option("--endpoint", r.endpoints, "server URL, e.g. http://gpu1:8000/v1 (repeatable)")->required();
      sub.add_option("--served-model", r.served_model, "the scoring model's served name")->required();
      sub.add_option("--scorer", a->scorer, "label of the scorer in the output (default: the served name)");
      sub.add_option("--samples", a->samples, "flat sample file, as LABEL=FILE or FILE (label: its name); repeatable")
          ->required();
      auto* dataset = sub.add_option("--dataset", a->dataset, "benchmark the samples answer (for the prompts)");
      auto* problems = sub.add_option("--problems", a->problems, "a problems file instead (see --format)");
      dataset->excludes(problems);
      sub.add_option("--format", a->format, "format of --problems")->capture_default_str();
      sub.add_option("--data-dir", a->data_dir, "data folder (default: $RLVR_DATA_DIR or ../shared/data)");
      sub.add_option("--template", a->template_name,
                     "the template the samples were made with; its completions text is the prompt scored after")
          ->capture_default_str();
      sub.add_option("--template-file", a->template_file, "a template text with {question}");
      sub.add_option("--eos-text", r.eos_text,
                     "text of the scorer's end-of-sequence token, appended to completions that ended there");
      sub.add_option("--max-responses", r.max_responses, "score at most this many, spread evenly (0: all)")
          ->capture_default_str();
      sub.add_option("--max-tokens", r.max_tokens, "tokens generated after the echo (0 where the server allows)")
          ->capture_default_str();
      sub.add_option("--concurrency", r.concurrency, "requests in flight")->capture_default_str();
      sub.add_option("--attempts", r.retry.attempts, "tries per request before giving up")->capture_default_str();
      sub.add_option("--api-key", r.api_key, "bearer token (default: $OPENAI_API_KEY)");
      sub.add_option("--out", a->out, "perplexity.json: [{scorer, responder, values}] as the study writes it")
          ->required();
      sub.callback([a] {
        if (a->dataset.empty() && a->problems.empty()) throw Error("give --dataset NAME or --problems FILE");
        if (a->scorer.empty()) a->scorer = a->run.served_model;
        if (a->run.api_key.empty())
          if (const char* key = std::getenv("OPENAI_API_KEY")) a->run.api_key = key;
        run(*a);
      });
    }};

}  // namespace
}  // namespace rlvr::cli
