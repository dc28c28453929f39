// rlvr sample --endpoint: samples a benchmark from OpenAI-compatible servers
// (vLLM, `rlvr serve`) into a flat sample file for `rlvr verify` (resumable).
// `rlvr sample --model DIR` (a laboratory checkpoint) is rlvr-lab's; rlvr's
// main hands it over when no --endpoint is given.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli/command.h"
#include "rlvr/client/endpoint_sampling.h"
#include "rlvr/util/error.h"
#include "rlvr/util/files.h"
#include "rlvr/verify/datasets.h"

namespace rlvr::cli {
namespace {

struct Args {
  client::EndpointSampleOptions run;
  std::string api = "chat", template_name = "qwen-boxed", template_file;
  std::string problems, format = "math500", data_dir, out;
  int limit = 0;
  bool no_logprobs = false;
  std::optional<uint64_t> seed;
};

void run(Args a) {
  std::vector<verify::Problem> problems;
  if (!a.problems.empty()) {
    problems = verify::load_problems_file(a.problems, a.format);
    if (a.run.dataset.empty()) a.run.dataset = a.problems;
  } else {
    std::filesystem::path dir = a.data_dir.empty() ? find_data_dir() : std::filesystem::path(a.data_dir);
    problems = verify::load_dataset(a.run.dataset, dir);
  }
  if (a.limit > 0 && static_cast<size_t>(a.limit) < problems.size()) problems.resize(static_cast<size_t>(a.limit));
  std::vector<client::Question> questions;
  for (const verify::Problem& p : problems) questions.push_back({p.id, p.prompt});
  a.run.api = a.api == "chat" ? client::Api::chat : client::Api::completions;
  a.run.prompt_template =
      a.template_file.empty() ? client::builtin_template(a.template_name) : client::template_from_file(a.template_file);
  a.run.parameters.logprobs = !a.no_logprobs;
  a.run.parameters.seed = a.seed;
  client::EndpointSampleResult r = client::sample_endpoints(questions, a.run, a.out);
  std::printf("sample: %s: wrote %lld samples (%lld truncated, %lld completion tokens) in %.1fs with %lld requests "
              "(%lld retried), %lld already present%s\n",
              a.out.c_str(), static_cast<long long>(r.written), static_cast<long long>(r.truncated),
              static_cast<long long>(r.completion_tokens), r.seconds, static_cast<long long>(r.requests),
              static_cast<long long>(r.retries), static_cast<long long>(r.already_present),
              r.dropped_torn_line ? ", dropped a torn line" : "");
}

Registration registration{
    "sample",
    "sample OpenAI-compatible servers (--endpoint: vLLM, rlvr serve) on a benchmark, or a laboratory "
    "checkpoint (--model, run by rlvr-lab), into a flat sample file (resumable)",
    [](CLI::App& sub) {
      auto a = std::make_shared<Args>();
      auto& r = a->run;
      auto& p = r.parameters;
      sub.add_option("--endpoint", r.endpoints, "server URL, e.g. http://gpu1:8000/v1 (repeat for a fleet)")
          ->required();
      sub.add_option("--served-model", r.served_model, "model name the servers serve")->required();
      auto* dataset = sub.add_option("--dataset", r.dataset, "benchmark: gsm8k, math500, minerva_math, olympiadbench, "
                                                             "aime24, amc23 (from DATA_DIR/benchmarks/NAME/test.jsonl)");
      auto* problems = sub.add_option("--problems", a->problems, "a problems file instead (see --format)");
      dataset->excludes(problems);
      sub.add_option("--format", a->format, "format of --problems: one of the dataset names")->capture_default_str();
      sub.add_option("--data-dir", a->data_dir, "data folder (default: $RLVR_DATA_DIR or ../shared/data)");
      sub.add_option("--limit", a->limit, "only the first N problems (0: all)")->capture_default_str();
      sub.add_option("-n", r.samples_per_problem, "samples per problem")->required();
      sub.add_option("--samples-per-request", r.samples_per_request, "the request's n (several samples per request)")
          ->capture_default_str();
      sub.add_option("--api", a->api, "chat or completions")->check(CLI::IsMember({"chat", "completions"}))
          ->capture_default_str();
      sub.add_option("--template", a->template_name, "qwen-boxed, plain or raw (docs/REAL_MODELS.md)")
          ->capture_default_str();
      sub.add_option("--template-file", a->template_file, "a template text with {question}");
      sub.add_option("--temperature", p.temperature)->capture_default_str();
      sub.add_option("--top-p", p.top_p)->capture_default_str();
      sub.add_option("--max-tokens", p.max_tokens, "longest completion")->capture_default_str();
      sub.add_option("--seed", a->seed, "request seeds derive from it, the problem and the first sample");
      sub.add_option("--stop", p.stop, "stop string (repeatable)");
      sub.add_flag("--no-logprobs", a->no_logprobs,
                   "do not ask for token log-probs (then tokens are known only with one sample per request)");
      sub.add_option("--concurrency", r.concurrency, "requests in flight, over all endpoints")->capture_default_str();
      sub.add_option("--attempts", r.retry.attempts, "tries per request before giving up")->capture_default_str();
      sub.add_option("--timeout", r.retry.read_timeout_s, "seconds a request may stay silent")->capture_default_str();
      sub.add_option("--api-key", r.api_key, "bearer token (default: $OPENAI_API_KEY)");
      sub.add_option("--out", a->out, "flat sample file (JSON lines), appended and resumed")->required();
      sub.callback([a] {
        if (a->run.dataset.empty() && a->problems.empty()) throw Error("give --dataset NAME or --problems FILE");
        if (a->run.api_key.empty())
          if (const char* key = std::getenv("OPENAI_API_KEY")) a->run.api_key = key;
        run(*a);
      });
    }};

}  // namespace
}  // namespace rlvr::cli
