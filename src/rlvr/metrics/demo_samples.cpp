#include "rlvr/metrics/demo_samples.h"

#include <algorithm>
#include <cmath>
#include <string>

#include <fmt/format.h>

#include "rlvr/metrics/random.h"
#include "rlvr/util/files.h"
#include "rlvr/util/seed.h"

namespace rlvr::metrics {

namespace {

double uniform(RandomStream& r) { return static_cast<double>(r.next() >> 11) * 0x1.0p-53; }

// Per-problem probability that one sample of each model is correct.
struct Accuracies {
  double base = 0.0, rl = 0.0;
};

Accuracies draw_accuracies(RandomStream& r) {
  Accuracies a;
  double kind = uniform(r);
  if (kind < 0.15) {
    a.base = 0.0;  // beyond base's reach; RL finds a handful of these
    a.rl = uniform(r) < 0.05 ? 0.02 + 0.2 * uniform(r) : 0.0;
  } else if (kind < 0.50) {
    a.base = std::pow(10.0, -2.4 + 1.6 * uniform(r));  // rare but not never: 0.4% .. 16%
    a.rl = uniform(r) < 0.6 ? 0.0 : std::min(0.9, 3.0 * a.base);  // mostly lost, some sharpened
  } else {
    a.base = 0.15 + 0.83 * uniform(r);  // often solved: RL makes it reliable
    a.rl = std::pow(a.base, 0.35);
  }
  return a;
}

// Appends one model's samples of one problem: correct ones answer `gold`;
// wrong ones pick a popular distractor with probability `popular`, else one
// of 30 others; 2% extract no answer at all.
void append_samples(std::string& out, const std::string& id, int64_t samples, double accuracy, double popular,
                    int64_t gold, RandomStream& r) {
  for (int64_t s = 0; s < samples; ++s) {
    bool correct = uniform(r) < accuracy;
    double u = uniform(r);
    std::string answer;
    if (u < 0.02) answer = "null";
    else if (correct) answer = fmt::format("\"{}\"", gold);
    else if (uniform(r) < popular) answer = fmt::format("\"{}\"", gold + 1);
    else answer = fmt::format("\"{}\"", gold + 2 + static_cast<int64_t>(r.below(30)));
    // A sample with no extracted answer is graded wrong.
    if (u < 0.02) correct = false;
    fmt::format_to(std::back_inserter(out), "{{\"problem_id\":\"{}\",\"sample_id\":{},\"correct\":{},\"answer\":{}}}\n",
                   id, s, correct ? "true" : "false", answer);
  }
}

}  // namespace

DemoFiles write_demo_samples(const std::filesystem::path& dir, const DemoOptions& options) {
  std::string base, rl;
  const size_t bytes = static_cast<size_t>(options.problems * options.samples) * 80;
  base.reserve(bytes);
  rl.reserve(bytes);
  for (int64_t p = 0; p < options.problems; ++p) {
    RandomStream r(derive_seed(options.seed, {0x64656d6f /* "demo" */, static_cast<uint64_t>(p)}));
    std::string id = fmt::format("demo-{:04d}", p);
    Accuracies a = draw_accuracies(r);
    int64_t gold = 10 + static_cast<int64_t>(r.below(990));
    append_samples(base, id, options.samples, a.base, 0.35, gold, r);
    append_samples(rl, id, options.samples, a.rl, 0.7, gold, r);
  }
  DemoFiles files{dir / "base.jsonl", dir / "rl.jsonl"};
  write_file_atomically(files.base, base);
  write_file_atomically(files.rl, rl);
  return files;
}

}  // namespace rlvr::metrics
