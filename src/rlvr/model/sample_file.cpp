#include "rlvr/model/sample_file.h"

#include <set>
#include <sstream>

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "rlvr/model/checkpoint.h"
#include "rlvr/model/generate.h"
#include "rlvr/util/error.h"
#include "rlvr/util/files.h"
#include "rlvr/util/progress.h"
#include "rlvr/util/sample_lines.h"
#include "rlvr/util/seed.h"

namespace fs = std::filesystem;

namespace rlvr::model {

SampleRunResult sample_to_file(const fs::path& model_dir, const std::vector<SampleProblem>& problems,
                               const SampleVerifier& verify, const SampleRunOptions& options,
                               const fs::path& out) {
  if (options.samples_per_problem <= 0) throw Error("sample: -n must be positive");
  set_threads(options.threads);
  LoadedModel loaded = load_model(model_dir);
  SampleRunResult result;
  if (out.has_parent_path()) fs::create_directories(out.parent_path());
  ExistingSamples existing = read_existing_samples(out, "sample");
  result.dropped_torn_line = existing.dropped_torn_line;
  const std::set<SamplePair>& present = existing.pairs;

  struct Job {
    size_t problem;
    int64_t sample;
  };
  std::vector<Job> jobs;
  for (size_t i = 0; i < problems.size(); ++i)
    for (int64_t j = 0; j < options.samples_per_problem; ++j) {
      if (present.count({problems[i].id, j})) {
        ++result.already_present;
        continue;
      }
      jobs.push_back({i, j});
    }
  if (result.already_present)
    std::fprintf(stderr, "sample: %lld samples already in %s; %zu to go\n",
                 static_cast<long long>(result.already_present), out.c_str(), jobs.size());
  std::vector<std::vector<int>> encoded(problems.size());
  for (size_t i = 0; i < problems.size(); ++i) {
    try {
      encoded[i] = loaded.tokenizer.encode(problems[i].prompt);
    } catch (const Error& e) {
      throw Error(fmt::format("sample: problem {}: {}", problems[i].id, e.what()));
    }
  }

  Progress progress("sample", static_cast<int64_t>(jobs.size()), "samples");
  const size_t chunk = static_cast<size_t>(std::max(1, options.sampling.batch_size)) * 4;
  for (size_t begin = 0; begin < jobs.size(); begin += chunk) {
    size_t end = std::min(jobs.size(), begin + chunk);
    std::vector<std::vector<int>> prompts;
    std::vector<uint64_t> seeds;
    for (size_t k = begin; k < end; ++k) {
      prompts.push_back(encoded[jobs[k].problem]);
      seeds.push_back(derive_seed(options.seed, {static_cast<uint64_t>(jobs[k].problem),
                                                 static_cast<uint64_t>(jobs[k].sample)}));
    }
    auto completions = generate(loaded.model, loaded.tokenizer, prompts, seeds, options.sampling,
                                [&](int64_t n) { progress.advance(n); });
    std::string lines;
    for (size_t k = begin; k < end; ++k) {
      const Completion& c = completions[k - begin];
      SampleVerdict v = verify(jobs[k].problem, c.text);
      nlohmann::ordered_json j;
      j["problem_id"] = problems[jobs[k].problem].id;
      j["sample_id"] = jobs[k].sample;
      j["completion"] = c.text;
      j["answer"] = v.answer.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(v.answer);
      j["correct"] = v.correct;
      j["steps_valid"] = v.steps_valid;
      j["tokens"] = c.tokens.size();
      j["logprob"] = c.logprob;
      j["finish_reason"] = c.finish_reason;
      lines += j.dump() + "\n";
      result.correct += v.correct;
      ++result.written;
    }
    append_lines(out, lines);
  }
  progress.finish();
  return result;
}

}  // namespace rlvr::model
