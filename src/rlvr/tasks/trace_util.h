// Shared pieces of the task families: a portable seeded random stream, the
// hash that assigns a canonical problem to train or test, and the parsing of
// completions (lines, the final "#ANSWER" line, bounded integers). Internal to
// the tasks room.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rlvr/tasks/task.h"
#include "rlvr/util/seed.h"

namespace rlvr::tasks::detail {

// Draws for problem generators and strategies from the project's SplitMix64
// stream (util/seed.h), the same numbers on every platform.
class Rng {
 public:
  explicit Rng(uint64_t seed) : bits_(seed) {}
  uint64_t next() { return bits_.next(); }
  uint64_t below(uint64_t n);             // uniform in [0, n); n > 0
  int64_t range(int64_t lo, int64_t hi);  // uniform in [lo, hi]
  bool chance(double p);                  // true with probability p
  template <typename T>
  const T& pick(const std::vector<T>& items) { return items[below(items.size())]; }

 private:
  SplitMix64 bits_;
};

// Share of canonical problems that belong to the test split.
inline constexpr uint64_t kTestPercent = 20;

// The split of a canonical problem form: a fixed hash of (family, canonical), so the
// train and test sets are disjoint by construction, whatever the seed or difficulty.
Split split_for(std::string_view family, std::string_view canonical);

// Draws candidates (a fresh stream for each attempt j) until one lands in `split`.
// `make` takes an Rng and returns the candidate; `canonical` gives its canonical form.
template <typename Make, typename Canonical>
auto draw_in_split(std::string_view family, Split split, uint64_t index, int difficulty,
                   uint64_t seed, Make make, Canonical canonical);

// FNV-1a of a name, to mix names into seeds.
uint64_t name_hash(std::string_view name);

std::string problem_id(std::string_view family, int difficulty, Split split, uint64_t index);

// Lines of a completion without their '\n'; a final line without '\n' counts too.
std::vector<std::string_view> split_lines(std::string_view text);

// The completion split at its final answer: the first line that starts with '#' is the
// answer (what follows it is ignored); the lines before it are the steps.
struct ParsedCompletion {
  std::vector<std::string_view> steps;
  std::optional<std::string> answer;  // text after '#', trimmed of spaces
};
ParsedCompletion parse_completion(std::string_view completion);

// A non-negative decimal integer of at most 12 digits (no sign, no spaces), else nullopt.
std::optional<int64_t> parse_natural(std::string_view text);

// Removes leading and trailing spaces.
std::string_view trim(std::string_view text);

// Builds a Verdict from its parts with the documented reason rules.
Verdict make_verdict(std::optional<std::string> answer, bool correct, bool steps_valid,
                     int first_bad_line);

template <typename Make, typename Canonical>
auto draw_in_split(std::string_view family, Split split, uint64_t index, int difficulty,
                   uint64_t seed, Make make, Canonical canonical) {
  for (uint64_t attempt = 0;; ++attempt) {
    Rng rng(derive_seed(seed, {name_hash(family), split == Split::test ? 1u : 0u, index,
                               static_cast<uint64_t>(difficulty), attempt}));
    auto candidate = make(rng);
    if (split_for(family, canonical(candidate)) == split) return candidate;
  }
}

}  // namespace rlvr::tasks::detail
