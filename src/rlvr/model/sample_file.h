// Sampling a problem set into a flat sample file (the format `rlvr analyze`
// reads: one JSON line per sample with problem_id, sample_id, completion,
// answer, correct, steps_valid, tokens, logprob, finish_reason). Lines are
// appended and flushed chunk by chunk, so a killed run started again resumes:
// the existing file is read, a torn last line is dropped (and reported), and
// (problem, sample) pairs already present are skipped. Sample j of problem i
// uses the seed derive_seed(seed, {i, j}) and so is the same whether it was
// made in the first run or the resumed one. No libtorch in this header.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "rlvr/model/sampling.h"

namespace rlvr::model {

struct SampleProblem {
  std::string id;
  std::string prompt;
};

struct SampleVerdict {
  bool correct = false;
  bool steps_valid = false;
  std::string answer;  // "" when none was extracted (written as null)
};

// Called for every completion; `problem` indexes the problem list.
using SampleVerifier = std::function<SampleVerdict(size_t problem, const std::string& completion)>;

struct SampleRunOptions {
  int samples_per_problem = 1;
  SamplingOptions sampling;
  uint64_t seed = 0;
  int threads = 0;  // <= 0: all cores
};

struct SampleRunResult {
  int64_t already_present = 0;  // pairs found in the file and skipped
  int64_t written = 0;
  int64_t correct = 0;          // among the samples written now
  bool dropped_torn_line = false;
};

SampleRunResult sample_to_file(const std::filesystem::path& model_dir,
                               const std::vector<SampleProblem>& problems, const SampleVerifier& verify,
                               const SampleRunOptions& options, const std::filesystem::path& out);

}  // namespace rlvr::model
