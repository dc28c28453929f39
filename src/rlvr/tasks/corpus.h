// Pretraining corpora as a declared mix of strategies and difficulties. The mix
// is the knob a researcher turns to ask "what does the base model already
// contain?": e.g. 35% careful traces, the rest characteristic mistakes.
// Corpus documents come only from the train split; test problems come from
// problem_set(..., Split::test, ...).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "rlvr/tasks/task.h"

namespace rlvr::tasks {

struct CorpusMix {
  std::map<std::string, double> weights;  // strategy name -> weight (> 0; need not sum to 1)
  int min_difficulty = 0;                 // inclusive; each document draws one uniformly
  int max_difficulty = 0;
};

// Parses "careful=0.3,slip=0.4,guess=0.3" with optional "difficulty=2" or "difficulty=1-3"
// (default: the family's default difficulty). Spaces around items are allowed. Throws
// InputError(source, 0, field, problem) naming the offending field, e.g. an unknown strategy,
// a weight that is not a positive number, a repeated strategy, a difficulty out of range.
CorpusMix parse_corpus_mix(const TaskFamily& family, std::string_view text,
                           std::string_view source = "corpus mix");

// "careful=0.35,greedy=0.25,...,difficulty=2": the inverse of parse_corpus_mix.
std::string format_corpus_mix(const CorpusMix& mix);

// The family's base corpus (correct traces at a moderate share, mixed with plausible
// wrong ones; never a teacher-only strategy) and its teacher corpus (teacher-only
// strategies), both at the default difficulty.
CorpusMix default_base_mix(const TaskFamily& family);
CorpusMix teacher_mix(const TaskFamily& family);

struct Document {
  std::string problem_id;
  std::string strategy;
  int difficulty = 0;
  std::string prompt;
  std::string completion;
  std::string text() const { return prompt + completion; }
};

// `count` training documents, deterministic in (family, mix, seed). Problems come from the
// train split only. Throws Error if the mix names a strategy the family lacks.
std::vector<Document> corpus_documents(const TaskFamily& family, const CorpusMix& mix,
                                       uint64_t count, uint64_t seed);

// `count` distinct problems of a split (e.g. the test set of a study): problems 0, 1, 2, ...
// of the split with repeats of a canonical form skipped, so ids may skip indices. Throws
// Error when the split at this difficulty holds fewer distinct problems.
std::vector<Problem> problem_set(const TaskFamily& family, Split split, uint64_t count,
                                 int difficulty, uint64_t seed);

}  // namespace rlvr::tasks
