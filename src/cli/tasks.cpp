// rlvr tasks: lists the task families and their strategies; `rlvr tasks show`
// prints sample problems with every strategy's trace and the verifier's verdict;
// `rlvr tasks chance` what guessing the answer alone scores, per family and difficulty.
#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli/command.h"
#include "rlvr/tasks/chance.h"
#include "rlvr/tasks/corpus.h"
#include "rlvr/tasks/strategy_stats.h"
#include "rlvr/tasks/task.h"
#include "rlvr/util/error.h"

namespace rlvr::cli {

namespace {

void list_families(bool names_only) {
  for (const auto& name : tasks::family_names()) {
    if (names_only) {
      fmt::print("{}\n", name);
      continue;
    }
    const auto& f = tasks::family(name);
    fmt::print("{}: {}\n  difficulty {}..{} (default {})\n", name, f.description(),
               f.min_difficulty(), f.max_difficulty(), f.default_difficulty());
    size_t width = 0;
    for (const auto& s : f.strategies()) width = std::max(width, s.name.size());
    for (const auto& s : f.strategies()) {
      fmt::print("  {:<{}} {:<8} {}\n", s.name, width, s.teacher_only ? "teacher" : "base",
                 s.description);
    }
    fmt::print("  base mix:    {}\n  teacher mix: {}\n\n",
               tasks::format_corpus_mix(tasks::default_base_mix(f)),
               tasks::format_corpus_mix(tasks::teacher_mix(f)));
  }
}

void print_indented(const std::string& text) {
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    fmt::print("    {}\n", text.substr(start, end - start));
    start = end + 1;
  }
}

struct ShowOptions {
  std::string family;
  uint64_t count = 3;
  int difficulty = 0;  // 0: the family's default
  uint64_t seed = 1;
  std::string split = "test";
  bool summary = false;
};

void show(const ShowOptions& o) {
  const auto& f = tasks::family(o.family);
  int difficulty = o.difficulty == 0 ? f.default_difficulty() : o.difficulty;
  if (difficulty < f.min_difficulty() || difficulty > f.max_difficulty()) {
    throw Error(fmt::format("--difficulty {} is out of range {}..{} for family {}", difficulty,
                            f.min_difficulty(), f.max_difficulty(), f.name()));
  }
  if (o.split != "train" && o.split != "test") {
    throw Error("--split must be 'train' or 'test', got '" + o.split + "'");
  }
  tasks::Split split = o.split == "test" ? tasks::Split::test : tasks::Split::train;
  if (o.summary) {
    fmt::print("{} difficulty {}, {} {} problems, seed {}\n", f.name(), difficulty, o.count,
               o.split, o.seed);
    fmt::print("{:<9} {:>8} {:>8} {:>10} {:>12} {:>9} {:>8}\n", "strategy", "correct",
               "valid", "cot-pass", "right+bad", "mean-len", "max-len");
    auto row = [](const tasks::StrategyStats& s) {
      fmt::print("{:<9} {:>8.3f} {:>8.3f} {:>10.3f} {:>12.3f} {:>9.1f} {:>8}\n", s.strategy,
                 s.correct, s.steps_valid, s.correct_and_valid, s.right_answer_bad_steps,
                 s.mean_length, s.max_length);
    };
    for (const auto& s : tasks::strategy_stats(f, o.count, difficulty, o.seed, split)) row(s);
    auto mix = tasks::default_base_mix(f);
    mix.min_difficulty = mix.max_difficulty = difficulty;
    auto m = tasks::mix_stats(f, mix, o.count, o.seed);
    fmt::print("base mix {} over {} train documents:\n", m.strategy, o.count);
    m.strategy = "base-mix";
    row(m);
    return;
  }
  for (uint64_t i = 0; i < o.count; ++i) {
    tasks::Problem p = f.generate(split, i, difficulty, o.seed);
    fmt::print("{} (difficulty {}, gold answer {})\n  prompt:\n", p.id, p.difficulty, p.answer);
    print_indented(p.prompt);
    uint64_t k = 0;
    for (const auto& s : f.strategies()) {
      std::string completion = f.solve(p, s.name, o.seed * 1000 + i * 16 + k++);
      tasks::Verdict v = f.verify(p, completion);
      fmt::print("  {}{}: correct={} steps_valid={} reason={} length={}\n", s.name,
                 s.teacher_only ? " (teacher)" : "", v.correct ? "yes" : "no",
                 v.steps_valid ? "yes" : "no", tasks::reason_text(v), p.prompt.size() + completion.size());
      print_indented(completion);
    }
    fmt::print("\n");
  }
}

struct ChanceOptions {
  uint64_t count = 300;
  uint64_t seed = 1;
  std::vector<uint64_t> ks = {1, 64, 256};
  std::string family;  // with --per-problem: one family at one difficulty, a line a problem
  int difficulty = 0;  // 0: the family's default
  bool per_problem = false;
};

// One line a problem: its id, the chance of one guess and pass@k of guessing, so
// that a study's samples can be split into problems luck can and cannot reach.
void chance_per_problem(const ChanceOptions& o) {
  if (o.family.empty()) throw Error("rlvr tasks chance --per-problem: name a family with --family");
  const auto& f = tasks::family(o.family);
  const int d = o.difficulty == 0 ? f.default_difficulty() : o.difficulty;
  auto problems = tasks::problem_set(f, tasks::Split::test, o.count, d, o.seed);
  fmt::print("{:<28} {:>12}", "problem_id", "chance");
  for (uint64_t k : o.ks) fmt::print(" {:>10}", fmt::format("pass@{}", k));
  fmt::print("\n");
  for (const auto& p : problems) {
    const double chance = f.guess_chance(p);  // countdown's enumerates random play: once a problem
    fmt::print("{:<28} {:>12.4e}", p.id, chance);
    for (uint64_t k : o.ks) fmt::print(" {:>10.4f}", tasks::chance_pass_at_k(chance, k));
    fmt::print("\n");
  }
}

// A table per family and difficulty: pass@k of a model that only guesses the answer.
void chance(const ChanceOptions& o) {
  if (o.per_problem) return chance_per_problem(o);
  fmt::print("pass@k of guessing the final answer alone, over test problems 0..{} (seed {})\n", o.count - 1,
             o.seed);
  fmt::print("{:<10} {:>10}", "family", "difficulty");
  for (uint64_t k : o.ks) fmt::print(" {:>10}", fmt::format("pass@{}", k));
  fmt::print("\n");
  for (const auto& name : tasks::family_names()) {
    const auto& f = tasks::family(name);
    for (int d = f.min_difficulty(); d <= f.max_difficulty(); ++d) {
      auto problems = tasks::problem_set(f, tasks::Split::test, o.count, d, o.seed);
      fmt::print("{:<10} {:>10}", name, d);
      for (uint64_t k : o.ks) fmt::print(" {:>10.4f}", tasks::chance_pass_at_k(f, problems, k));
      fmt::print("\n");
    }
  }
}

const Registration registration{
    "tasks", "List the task families, their strategies and corpus mixes; show samples",
    [](CLI::App& sub) {
      auto names_only = std::make_shared<bool>(false);
      sub.add_flag("--names", *names_only, "print family names only, one a line");
      auto options = std::make_shared<ShowOptions>();
      CLI::App* show_cmd = sub.add_subcommand(
          "show", "print sample problems with each strategy's trace and the verdict on it");
      show_cmd->add_option("family", options->family, "task family")->required();
      show_cmd->add_option("--count", options->count, "how many problems (default 3)");
      show_cmd->add_option("--difficulty", options->difficulty,
                           "difficulty (default: the family's default)");
      show_cmd->add_option("--seed", options->seed, "seed (default 1)");
      show_cmd->add_option("--split", options->split, "train or test (default test)");
      show_cmd->add_flag("--summary", options->summary,
                         "print per-strategy correctness over --count problems instead");
      show_cmd->callback([options] { show(*options); });
      auto chance_options = std::make_shared<ChanceOptions>();
      CLI::App* chance_cmd = sub.add_subcommand(
          "chance", "print pass@k of guessing the final answer alone, per family and difficulty");
      chance_cmd->add_option("--count", chance_options->count, "test problems per difficulty (default 300)")
          ->check(CLI::PositiveNumber);
      chance_cmd->add_option("--seed", chance_options->seed, "seed (default 1)");
      chance_cmd->add_option("--k", chance_options->ks, "the k to print (default 1 64 256)")
          ->check(CLI::PositiveNumber);
      chance_cmd->add_flag("--per-problem", chance_options->per_problem,
                           "one line a test problem of --family at --difficulty");
      chance_cmd->add_option("--family", chance_options->family, "task family (with --per-problem)");
      chance_cmd->add_option("--difficulty", chance_options->difficulty,
                             "difficulty (with --per-problem; default: the family's default)");
      chance_cmd->callback([chance_options] { chance(*chance_options); });
      sub.callback([&sub, show_cmd, chance_cmd, names_only] {
        if (!show_cmd->parsed() && !chance_cmd->parsed()) list_families(*names_only);
      });
      (void)sub;
    }};

}  // namespace

}  // namespace rlvr::cli
