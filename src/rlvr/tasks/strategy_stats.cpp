#include "rlvr/tasks/strategy_stats.h"

#include <algorithm>

#include "rlvr/util/seed.h"

namespace rlvr::tasks {

namespace {

struct Tally {
  uint64_t n = 0, correct = 0, valid = 0, both = 0, lucky = 0, length = 0, max_length = 0;
  void add(const Verdict& v, size_t length) {
    ++n;
    correct += v.correct;
    valid += v.steps_valid;
    both += v.correct && v.steps_valid;
    lucky += v.correct && !v.steps_valid;
    this->length += length;
    max_length = std::max<uint64_t>(max_length, length);
  }
  StrategyStats stats(std::string name) const {
    StrategyStats s;
    s.strategy = std::move(name);
    s.problems = n;
    if (n == 0) return s;
    double d = static_cast<double>(n);
    s.correct = correct / d;
    s.steps_valid = valid / d;
    s.correct_and_valid = both / d;
    s.right_answer_bad_steps = lucky / d;
    s.mean_length = length / d;
    s.max_length = max_length;
    return s;
  }
};

}  // namespace

std::vector<StrategyStats> strategy_stats(const TaskFamily& family, uint64_t count,
                                          int difficulty, uint64_t seed, Split split) {
  auto strategies = family.strategies();
  std::vector<Tally> tallies(strategies.size());
  for (uint64_t i = 0; i < count; ++i) {
    Problem p = family.generate(split, i, difficulty, seed);
    for (size_t s = 0; s < strategies.size(); ++s) {
      std::string completion = family.solve(p, strategies[s].name, derive_seed(seed, {i, s}));
      tallies[s].add(family.verify(p, completion), p.prompt.size() + completion.size());
    }
  }
  std::vector<StrategyStats> out;
  for (size_t s = 0; s < strategies.size(); ++s) out.push_back(tallies[s].stats(strategies[s].name));
  return out;
}

StrategyStats mix_stats(const TaskFamily& family, const CorpusMix& mix, uint64_t count,
                        uint64_t seed) {
  Tally tally;
  for (const Document& doc : corpus_documents(family, mix, count, seed)) {
    Problem p{doc.problem_id, doc.prompt, "", doc.difficulty};
    tally.add(family.verify(p, doc.completion), doc.prompt.size() + doc.completion.size());
  }
  return tally.stats(format_corpus_mix(mix));
}

}  // namespace rlvr::tasks
