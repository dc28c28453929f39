// Verifiable task families of the laboratory. A family generates problems
// (seeded, with a difficulty knob and disjoint train/test splits), writes
// solution traces with named strategies (careful, characteristic mistakes, a
// teacher), and verifies a completion: its final answer and, where the family
// allows, every reasoning step, so that "right answer, wrong reasoning" can be
// counted. Traces are short and use a small character set (see alphabet())
// because a tiny character-level model is trained on them from scratch.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace rlvr::tasks {

enum class Split { train, test };

std::string_view split_name(Split split);  // "train" or "test"

struct Problem {
  std::string id;      // stable, unique within family+split+difficulty, e.g. "countdown-d2-test-000123"
  std::string prompt;  // the text the model is conditioned on; ends with '\n' where the completion starts
  std::string answer;  // the gold final answer as text (for countdown: one valid expression)
  int difficulty = 0;
};

// Why a completion got its verdict, in the order the rules are applied.
enum class VerdictReason {
  no_answer,           // no final answer line, or an empty one
  wrong_answer,        // a final answer that is not right
  ok,                  // right answer, every step valid
  bad_step,            // right answer, a step fails (first_bad_step says which)
  unsupported_answer,  // right answer the steps do not derive
};

struct Verdict {
  bool correct = false;          // final answer right
  bool steps_valid = false;      // every reasoning step checks out and derives the answer
  bool steps_checkable = false;  // the family can check steps (all current families can)
  std::string answer;            // the final answer extracted from the completion ("" if none)
  VerdictReason reason = VerdictReason::no_answer;
  int first_bad_step = 0;  // 1-based completion line of the first step that fails (0: none)
};

// "ok", "wrong_answer", "no_answer", "bad_step:N" (N = first_bad_step), "unsupported_answer".
std::string reason_text(const Verdict& verdict);

struct StrategyInfo {
  std::string name;
  std::string description;
  bool teacher_only = false;  // never in a base corpus; kept for distillation
};

class TaskFamily {
 public:
  virtual ~TaskFamily() = default;
  virtual std::string name() const = 0;
  virtual std::string description() const = 0;
  virtual int min_difficulty() const = 0;
  virtual int max_difficulty() const = 0;
  virtual int default_difficulty() const = 0;
  // Problem `index` of a split; deterministic in (split, index, difficulty, seed). Whether a
  // problem is train or test depends only on a hash of its canonical form, never on the seed,
  // so no test problem of any seed can appear in the training data of any seed.
  virtual Problem generate(Split split, uint64_t index, int difficulty, uint64_t seed) const = 0;
  virtual std::vector<StrategyInfo> strategies() const = 0;
  // The completion a strategy writes for a problem (deterministic in seed). Does not include
  // the prompt. Ends with the final answer line "#ANSWER\n"; the model adds an end-of-sequence
  // token after. Throws rlvr::Error for an unknown strategy.
  virtual std::string solve(const Problem& problem, std::string_view strategy,
                            uint64_t seed) const = 0;
  // Never throws on any completion (empty, garbage, huge); a prompt the family did not
  // generate throws rlvr::Error.
  virtual Verdict verify(const Problem& problem, std::string_view completion) const = 0;

  // The problem in a canonical form (e.g. countdown numbers sorted), derived from the prompt:
  // two prompts that pose the same problem have the same canonical form.
  virtual std::string canonical_form(const Problem& problem) const = 0;

  // The probability that one guess of the final answer is right, for a guesser that knows
  // the form of the answer but not how to find it (each family says which guess). A
  // model that only guesses reaches pass@k = 1 - (1 - chance)^k, so at large k a small
  // answer space alone lifts pass@k (tasks/chance.h).
  virtual double guess_chance(const Problem& problem) const = 0;
};

// The split a problem belongs to: a fixed hash of (family name, canonical form).
Split split_of(const TaskFamily& family, const Problem& problem);

// The family registered under `name`; throws rlvr::Error listing the known names.
const TaskFamily& family(std::string_view name);
std::vector<std::string> family_names();

// Every character any family's prompt or completion can contain, sorted, without duplicates.
// A tokenizer maps these to ids and adds its own special tokens (end of sequence, padding).
std::string alphabet();

// True when `strategy` is one of the family's strategies.
bool has_strategy(const TaskFamily& family, std::string_view strategy);

}  // namespace rlvr::tasks
