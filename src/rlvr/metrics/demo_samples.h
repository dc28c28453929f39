// A synthetic pair of models that shows what `rlvr analyze` measures, for
// `rlvr demo`: a "base" model with broad per-problem accuracy (many problems
// solved rarely but not never) and an "rl" model that is sharper: more
// accurate where base is often right, never right on most problems base
// rarely solves, plus a few problems base never solves. Wrong answers
// cluster on a popular distractor, so maj@k differs from pass@k.
#pragma once

#include <cstdint>
#include <filesystem>

namespace rlvr::metrics {

struct DemoOptions {
  int64_t problems = 500;
  int64_t samples = 256;  // per problem and model
  uint64_t seed = 0;
};

struct DemoFiles {
  std::filesystem::path base, rl;
};

// Writes dir/base.jsonl and dir/rl.jsonl in the flat sample format
// (problem_id, sample_id, correct, answer), each atomically.
DemoFiles write_demo_samples(const std::filesystem::path& dir, const DemoOptions& options = {});

}  // namespace rlvr::metrics
