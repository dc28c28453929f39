// maj@k (also called cons@k): draw k of a problem's n samples, let their
// extracted answers vote, and score the winning answer.
//
// Precisely, for one problem:
//   - answers are grouped by a key (exact string by default; a verifier can
//     plug in a key that maps equivalent answers to one string);
//   - a sample with no extracted answer casts no vote; if none of the k votes,
//     the result is 0;
//   - the group with the most votes wins; a tie between t groups counts
//     1/t for each tied group (the expectation of a fair coin toss);
//   - a winning group scores the share of its samples that were graded
//     correct (1 or 0 when the grader agrees with itself on equal answers);
//   - maj@k is the expectation of that score over a uniformly random k-subset
//     of the n samples, estimated by Monte Carlo with `draws` random orders
//     of the samples (each order's first k samples are a uniform k-subset,
//     so one order serves every k). maj@1 is computed exactly.
// The seed of each problem comes from (seed, model label, problem id), so the
// estimate does not depend on thread count or the order of problems.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "rlvr/data/model_samples.h"

namespace rlvr::metrics {

// Maps an extracted answer to the key answers are grouped by.
using AnswerKey = std::function<std::string(std::string_view answer)>;
std::string exact_answer_key(std::string_view answer);

struct AnswerGroup {
  int64_t samples = 0;
  int64_t correct = 0;
};

// Groups a problem's answer counts by key; groups come in key order.
std::vector<AnswerGroup> group_answers(const data::AnswerCounts& answers,
                                       const AnswerKey& key);

// Writes maj@ks[j] into out[j] for one problem with n samples (abstaining
// samples are n minus the groups' samples). ks ascending, each <= n.
void maj_at_k_row(std::span<const AnswerGroup> groups, int64_t n, std::span<const int64_t> ks, int draws,
                  uint64_t seed, std::span<double> out);

}  // namespace rlvr::metrics
