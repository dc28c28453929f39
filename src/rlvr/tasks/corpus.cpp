#include "rlvr/tasks/corpus.h"

#include <charconv>
#include <cmath>
#include <set>
#include <fmt/format.h>

#include "rlvr/tasks/trace_util.h"
#include "rlvr/util/error.h"
#include "rlvr/util/seed.h"

namespace rlvr::tasks {

namespace {

std::string known_strategies(const TaskFamily& family) {
  std::string known;
  for (const auto& s : family.strategies()) known += (known.empty() ? "" : ", ") + s.name;
  return known;
}

int parse_difficulty_value(std::string_view text, const TaskFamily& family,
                           const std::string& source) {
  auto value = detail::parse_natural(text);
  if (!value || *value < family.min_difficulty() || *value > family.max_difficulty()) {
    throw InputError(source, 0, "difficulty",
                     fmt::format("expected an integer in {}..{} for family {}, got '{}'",
                                 family.min_difficulty(), family.max_difficulty(),
                                 family.name(), text));
  }
  return static_cast<int>(*value);
}

}  // namespace

CorpusMix parse_corpus_mix(const TaskFamily& family, std::string_view text,
                           std::string_view source_view) {
  std::string source(source_view);
  CorpusMix mix;
  mix.min_difficulty = mix.max_difficulty = family.default_difficulty();
  bool saw_difficulty = false;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(',', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view item = detail::trim(text.substr(start, end - start));
    start = end + 1;
    if (item.empty()) {
      throw InputError(source, 0, "", "empty item (expected strategy=weight, comma-separated)");
    }
    size_t eq = item.find('=');
    if (eq == std::string_view::npos) {
      throw InputError(source, 0, std::string(item), "expected name=value");
    }
    std::string key(detail::trim(item.substr(0, eq)));
    std::string_view value = detail::trim(item.substr(eq + 1));
    if (key == "difficulty") {
      if (saw_difficulty) throw InputError(source, 0, key, "given twice");
      saw_difficulty = true;
      size_t dash = value.find('-');
      if (dash == std::string_view::npos) {
        mix.min_difficulty = mix.max_difficulty = parse_difficulty_value(value, family, source);
      } else {
        mix.min_difficulty = parse_difficulty_value(value.substr(0, dash), family, source);
        mix.max_difficulty = parse_difficulty_value(value.substr(dash + 1), family, source);
        if (mix.min_difficulty > mix.max_difficulty) {
          throw InputError(source, 0, key, fmt::format("empty range '{}'", value));
        }
      }
      continue;
    }
    if (!has_strategy(family, key)) {
      throw InputError(source, 0, key,
                       fmt::format("unknown strategy of family {} (known: {}, and difficulty)",
                                   family.name(), known_strategies(family)));
    }
    if (mix.weights.count(key)) throw InputError(source, 0, key, "given twice");
    double weight = 0;
    auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), weight);
    if (ec != std::errc() || ptr != value.data() + value.size() || !std::isfinite(weight) ||
        weight <= 0) {
      throw InputError(source, 0, key,
                       fmt::format("expected a positive weight, got '{}'", value));
    }
    mix.weights[key] = weight;
  }
  if (mix.weights.empty()) throw InputError(source, 0, "", "names no strategy");
  return mix;
}

std::string format_corpus_mix(const CorpusMix& mix) {
  std::string s;
  for (const auto& [name, weight] : mix.weights) {
    s += fmt::format("{}{}={}", s.empty() ? "" : ",", name, weight);
  }
  if (mix.min_difficulty == mix.max_difficulty) {
    s += fmt::format(",difficulty={}", mix.min_difficulty);
  } else {
    s += fmt::format(",difficulty={}-{}", mix.min_difficulty, mix.max_difficulty);
  }
  return s;
}

CorpusMix default_base_mix(const TaskFamily& family) {
  // Right traces at a moderate share (careful, plus whatever a heuristic gets right by
  // luck: about 40% in all, measured in docs/TASKS.md), the rest plausible mistakes, so
  // that pass@1 of a model trained on the mix stays clearly below 1 while the right
  // procedure is still there to be sampled and sharpened.
  static const std::map<std::string, std::string, std::less<>> mixes = {
      {"countdown", "careful=0.3,greedy=0.2,slip=0.25,guess=0.25"},
      {"addition", "careful=0.35,nocarry=0.25,slip=0.2,guess=0.2"},
      {"modeq", "careful=0.35,sign=0.25,slip=0.2,guess=0.2"},
  };
  auto it = mixes.find(family.name());
  if (it != mixes.end()) return parse_corpus_mix(family, it->second, "default base mix");
  CorpusMix mix;  // a family without a declared mix: its base strategies, equally weighted
  mix.min_difficulty = mix.max_difficulty = family.default_difficulty();
  for (const auto& s : family.strategies()) {
    if (!s.teacher_only) mix.weights[s.name] = 1.0;
  }
  return mix;
}

CorpusMix teacher_mix(const TaskFamily& family) {
  CorpusMix mix;
  mix.min_difficulty = mix.max_difficulty = family.default_difficulty();
  for (const auto& s : family.strategies()) {
    if (s.teacher_only) mix.weights[s.name] = 1.0;
  }
  return mix;
}

std::vector<Document> corpus_documents(const TaskFamily& family, const CorpusMix& mix,
                                       uint64_t count, uint64_t seed) {
  double total = 0;
  for (const auto& [name, weight] : mix.weights) {
    if (!has_strategy(family, name)) {
      throw Error(fmt::format("corpus mix names strategy '{}' that family {} lacks (known: {})",
                              name, family.name(), known_strategies(family)));
    }
    if (!(weight > 0)) throw Error("corpus mix weight of '" + name + "' must be positive");
    total += weight;
  }
  if (mix.weights.empty()) throw Error("corpus mix names no strategy");
  if (mix.min_difficulty < family.min_difficulty() ||
      mix.max_difficulty > family.max_difficulty() || mix.min_difficulty > mix.max_difficulty) {
    throw Error(fmt::format("corpus mix difficulty {}-{} is outside {}..{} of family {}",
                            mix.min_difficulty, mix.max_difficulty, family.min_difficulty(),
                            family.max_difficulty(), family.name()));
  }
  std::vector<Document> docs;
  docs.reserve(count);
  for (uint64_t i = 0; i < count; ++i) {
    detail::Rng rng(derive_seed(seed, {detail::name_hash("corpus"), i}));
    int difficulty = static_cast<int>(rng.range(mix.min_difficulty, mix.max_difficulty));
    double pick = static_cast<double>(rng.next() >> 11) * 0x1.0p-53 * total;
    std::string strategy = mix.weights.rbegin()->first;
    for (const auto& [name, weight] : mix.weights) {
      if (pick < weight) {
        strategy = name;
        break;
      }
      pick -= weight;
    }
    Problem problem = family.generate(Split::train, i, difficulty, seed);
    Document doc;
    doc.problem_id = problem.id;
    doc.strategy = strategy;
    doc.difficulty = difficulty;
    doc.prompt = problem.prompt;
    doc.completion = family.solve(problem, strategy, derive_seed(seed, {i, 1}));
    docs.push_back(std::move(doc));
  }
  return docs;
}

std::vector<Problem> problem_set(const TaskFamily& family, Split split, uint64_t count,
                                 int difficulty, uint64_t seed) {
  std::vector<Problem> problems;
  problems.reserve(count);
  std::set<std::string> seen;
  // Small problem spaces repeat themselves; a set for evaluation holds each problem once.
  const uint64_t max_draws = 50 * count + 1000;
  for (uint64_t i = 0; problems.size() < count; ++i) {
    if (i == max_draws) {
      throw Error(fmt::format("{} has fewer than {} distinct {} problems at difficulty {} "
                              "(found {}); ask for fewer or raise the difficulty",
                              family.name(), count, split_name(split), difficulty,
                              problems.size()));
    }
    Problem p = family.generate(split, i, difficulty, seed);
    if (seen.insert(family.canonical_form(p)).second) problems.push_back(std::move(p));
  }
  return problems;
}

}  // namespace rlvr::tasks
