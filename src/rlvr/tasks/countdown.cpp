// Countdown: combine every given number exactly once with + - * / to reach the
// target. A search puzzle with many valid solution paths.
//
//   prompt      cd 3 7 25>31          numbers, then '>' and the target
//   completion  25+7=32               one step per line: two available numbers and the result
//               32-3=29
//               no                    dead end: the attempt is dropped, all numbers are back
//               25-3=22
//               22+7=29 ...
//               #25-3+7               final answer: an expression over all the numbers
//
// Step rules: both operands must be available in the current attempt, subtraction must give a
// positive result, division must be exact. Steps are valid when every line checks and the last
// attempt (after the last "no") combines all numbers into one value that the answer expression
// also evaluates to.
#include <algorithm>
#include <cstdlib>
#include <fmt/format.h>

#include "rlvr/tasks/families.h"
#include "rlvr/tasks/trace_util.h"
#include "rlvr/util/error.h"

namespace rlvr::tasks::detail {

namespace {

constexpr std::string_view kName = "countdown";
constexpr int64_t kMaxValue = 999;  // generated steps stay at most three digits

struct Level {
  int count;       // how many numbers
  int max_number;  // numbers are drawn from 1..max_number
  bool division;   // whether the hidden construction may divide
  int max_target;
};

const Level& level(int difficulty) {
  static const Level levels[] = {
      {3, 9, false, 100}, {3, 20, true, 200}, {4, 20, true, 300}, {4, 50, true, 500},
      {5, 50, true, 999}};
  return levels[std::clamp(difficulty, 1, 5) - 1];
}

struct Puzzle {
  std::vector<int64_t> numbers;
  int64_t target = 0;
};

// An expression with its precedence: 1 for + -, 2 for * /, 3 for a number.
struct Expr {
  std::string text;
  int prec = 3;
};

int precedence(char op) { return op == '+' || op == '-' ? 1 : 2; }

Expr combine(const Expr& a, char op, const Expr& b) {
  int p = precedence(op);
  std::string left = a.prec < p ? "(" + a.text + ")" : a.text;
  bool wrap_right = b.prec < p || (b.prec == p && (op == '-' || op == '/'));
  std::string right = wrap_right ? "(" + b.text + ")" : b.text;
  return {left + op + right, p};
}

// The result of a op b under the countdown rules, or nullopt when the step is not allowed.
std::optional<int64_t> apply(int64_t a, char op, int64_t b) {
  if (a > 1'000'000'000 || b > 1'000'000'000) return std::nullopt;  // no overflow on garbage
  switch (op) {
    case '+': return a + b;
    case '-': return a > b ? std::optional<int64_t>(a - b) : std::nullopt;
    case '*': return a * b;
    case '/': return b != 0 && a % b == 0 ? std::optional<int64_t>(a / b) : std::nullopt;
    default: return std::nullopt;
  }
}

struct Item {
  int64_t value;
  Expr expr;
};

struct Step {
  int64_t a;
  char op;
  int64_t b;
  int64_t c;
};

struct Path {
  std::vector<Step> steps;
  Expr expr;
  int64_t value = 0;
};

std::vector<Item> items_of(const std::vector<int64_t>& numbers) {
  std::vector<Item> items;
  for (int64_t n : numbers) items.push_back({n, {std::to_string(n), 3}});
  return items;
}

struct Move {
  size_t i, j;
  char op;
  int64_t result;
};

// Every allowed move from a state, results capped at kMaxValue.
std::vector<Move> moves(const std::vector<Item>& items, bool division) {
  std::vector<Move> out;
  for (size_t i = 0; i < items.size(); ++i) {
    for (size_t j = 0; j < items.size(); ++j) {
      if (i == j) continue;
      for (char op : {'+', '-', '*', '/'}) {
        if (op == '/' && !division) continue;
        if ((op == '+' || op == '*') && i > j) continue;  // commutative: one order is enough
        if (op == '/' && items[j].value == 1) continue;  // dividing by one is a wasted step
        if (op == '*' && (items[i].value == 1 || items[j].value == 1)) continue;
        auto r = apply(items[i].value, op, items[j].value);
        if (r && *r <= kMaxValue) out.push_back({i, j, op, *r});
      }
    }
  }
  return out;
}

std::vector<Item> after(const std::vector<Item>& items, const Move& m, Step* step) {
  std::vector<Item> next;
  for (size_t k = 0; k < items.size(); ++k) {
    if (k != m.i && k != m.j) next.push_back(items[k]);
  }
  // Write the larger operand first for + and *, as people do.
  const Item* a = &items[m.i];
  const Item* b = &items[m.j];
  if ((m.op == '+' || m.op == '*') && a->value < b->value) std::swap(a, b);
  next.push_back({m.result, combine(a->expr, m.op, b->expr)});
  if (step) *step = {a->value, m.op, b->value, m.result};
  return next;
}

// The probability that combining numbers by uniformly random allowed moves ends at the target.
double chance_of_random_play(const std::vector<Item>& items, int64_t target) {
  if (items.size() == 1) return items[0].value == target ? 1.0 : 0.0;
  auto list = moves(items, true);
  double total = 0;
  for (const Move& m : list) total += chance_of_random_play(after(items, m, nullptr), target);
  return list.empty() ? 0.0 : total / static_cast<double>(list.size());
}

void shuffle(std::vector<Move>& list, Rng& rng) {
  for (size_t k = list.size(); k > 1; --k) std::swap(list[k - 1], list[rng.below(k)]);
}

// Depth-first search for a path to the target; rng == nullptr gives the canonical order.
bool search(const std::vector<Item>& items, int64_t target, Rng* rng, Path& path) {
  if (items.size() == 1) {
    if (items[0].value != target) return false;
    path.expr = items[0].expr;
    path.value = target;
    return true;
  }
  auto list = moves(items, true);
  if (rng) shuffle(list, *rng);
  for (const Move& m : list) {
    Step step;
    auto next = after(items, m, &step);
    path.steps.push_back(step);
    if (search(next, target, rng, path)) return true;
    path.steps.pop_back();
  }
  return false;
}

// One random attempt through all the numbers (a dead end or a guess).
Path random_path(const std::vector<int64_t>& numbers, Rng& rng) {
  auto items = items_of(numbers);
  Path path;
  while (items.size() > 1) {
    auto list = moves(items, true);
    Step step;
    items = after(items, rng.pick(list), &step);
    path.steps.push_back(step);
  }
  path.expr = items[0].expr;
  path.value = items[0].value;
  return path;
}

// Greedy: always takes the move whose result is closest to the target.
Path greedy_path(const std::vector<int64_t>& numbers, int64_t target, Rng& rng) {
  auto items = items_of(numbers);
  Path path;
  while (items.size() > 1) {
    auto list = moves(items, true);
    shuffle(list, rng);  // ties go to a random move
    auto best = std::min_element(list.begin(), list.end(), [&](const Move& x, const Move& y) {
      return std::llabs(x.result - target) < std::llabs(y.result - target);
    });
    Step step;
    items = after(items, *best, &step);
    path.steps.push_back(step);
  }
  path.expr = items[0].expr;
  path.value = items[0].value;
  return path;
}

std::optional<Puzzle> make_candidate(Rng& rng, const Level& lv) {
  Puzzle p;
  for (int k = 0; k < lv.count; ++k) p.numbers.push_back(rng.range(1, lv.max_number));
  auto items = items_of(p.numbers);
  while (items.size() > 1) {
    auto list = moves(items, lv.division);
    if (list.empty()) return std::nullopt;
    items = after(items, rng.pick(list), nullptr);
  }
  p.target = items[0].value;
  if (p.target < 2 || p.target > lv.max_target) return std::nullopt;
  return p;
}

std::string canonical(const Puzzle& p) {
  auto sorted = p.numbers;
  std::sort(sorted.begin(), sorted.end());
  std::string s;
  for (int64_t n : sorted) s += fmt::format("{} ", n);
  return s + fmt::format(">{}", p.target);
}

std::string prompt_of(const Puzzle& p) {
  std::string s = "cd";
  for (int64_t n : p.numbers) s += fmt::format(" {}", n);
  return s + fmt::format(">{}\n", p.target);
}

Puzzle parse_prompt(const Problem& problem) {
  auto fail = [&] {
    return Error("countdown: problem '" + problem.id + "' has a malformed prompt: '" +
                 problem.prompt + "'");
  };
  std::string_view text = problem.prompt;
  if (text.substr(0, 3) != "cd " || text.empty() || text.back() != '\n') throw fail();
  text = text.substr(3, text.size() - 4);
  size_t gt = text.find('>');
  if (gt == std::string_view::npos) throw fail();
  Puzzle p;
  auto target = parse_natural(text.substr(gt + 1));
  if (!target) throw fail();
  p.target = *target;
  for (std::string_view part : [&] {
         std::vector<std::string_view> parts;
         std::string_view rest = text.substr(0, gt);
         size_t start = 0;
         while (start <= rest.size()) {
           size_t end = rest.find(' ', start);
           if (end == std::string_view::npos) end = rest.size();
           parts.push_back(rest.substr(start, end - start));
           start = end + 1;
         }
         return parts;
       }()) {
    auto n = parse_natural(part);
    if (!n) throw fail();
    p.numbers.push_back(*n);
  }
  if (p.numbers.size() < 2) throw fail();
  return p;
}

std::string write_steps(const Path& path) {
  std::string s;
  for (const Step& st : path.steps) s += fmt::format("{}{}{}={}\n", st.a, st.op, st.b, st.c);
  return s;
}

std::string dead_ends(const Puzzle& p, int count, Rng& rng) {
  std::string s;
  for (int k = 0; k < count; ++k) {
    Path path = random_path(p.numbers, rng);
    if (path.value == p.target) continue;  // that one would not be a dead end
    s += write_steps(path) + "no\n";
  }
  return s;
}

// --- answer expressions: numbers, + - * /, parentheses; exact integer arithmetic -----------

class ExprParser {
 public:
  explicit ExprParser(std::string_view text) : text_(text) {}

  // The value, and the numbers used in `leaves`; nullopt on a syntax or arithmetic error.
  std::optional<int64_t> parse(std::vector<int64_t>& leaves) {
    leaves_ = &leaves;
    auto v = sum(0);
    skip_spaces();
    if (!v || pos_ != text_.size()) return std::nullopt;
    return v;
  }

 private:
  static constexpr int kMaxDepth = 32;
  static constexpr int64_t kLimit = 1'000'000'000'000LL;

  void skip_spaces() {
    while (pos_ < text_.size() && text_[pos_] == ' ') ++pos_;
  }
  bool peek(char c) {
    skip_spaces();
    return pos_ < text_.size() && text_[pos_] == c;
  }

  std::optional<int64_t> sum(int depth) {
    auto left = product(depth);
    while (left && (peek('+') || peek('-'))) {
      char op = text_[pos_++];
      auto right = product(depth);
      if (!right) return std::nullopt;
      left = op == '+' ? *left + *right : *left - *right;
      if (std::llabs(*left) > kLimit) return std::nullopt;
    }
    return left;
  }

  std::optional<int64_t> product(int depth) {
    auto left = atom(depth);
    while (left && (peek('*') || peek('/'))) {
      char op = text_[pos_++];
      auto right = atom(depth);
      if (!right) return std::nullopt;
      if (op == '*') {
        if (*right != 0 && std::llabs(*left) > kLimit / std::llabs(*right)) return std::nullopt;
        left = *left * *right;
      } else {
        if (*right == 0 || *left % *right != 0) return std::nullopt;
        left = *left / *right;
      }
    }
    return left;
  }

  std::optional<int64_t> atom(int depth) {
    if (depth > kMaxDepth) return std::nullopt;
    if (peek('(')) {
      ++pos_;
      auto v = sum(depth + 1);
      if (!v || !peek(')')) return std::nullopt;
      ++pos_;
      return v;
    }
    size_t start = pos_;
    while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') ++pos_;
    auto n = parse_natural(text_.substr(start, pos_ - start));
    if (n) leaves_->push_back(*n);
    return n;
  }

  std::string_view text_;
  size_t pos_ = 0;
  std::vector<int64_t>* leaves_ = nullptr;
};

// Parses "a op b=c" with natural numbers.
std::optional<Step> parse_step(std::string_view line) {
  size_t eq = line.find('=');
  if (eq == std::string_view::npos) return std::nullopt;
  std::string_view lhs = line.substr(0, eq);
  size_t op_pos = lhs.find_first_of("+-*/");
  if (op_pos == std::string_view::npos) return std::nullopt;
  auto a = parse_natural(lhs.substr(0, op_pos));
  auto b = parse_natural(lhs.substr(op_pos + 1));
  auto c = parse_natural(line.substr(eq + 1));
  if (!a || !b || !c) return std::nullopt;
  return Step{*a, lhs[op_pos], *b, *c};
}

bool take(std::vector<int64_t>& pool, int64_t value) {
  auto it = std::find(pool.begin(), pool.end(), value);
  if (it == pool.end()) return false;
  pool.erase(it);
  return true;
}

class Countdown final : public TaskFamily {
 public:
  std::string name() const override { return std::string(kName); }
  std::string description() const override {
    return "reach the target by combining every given number exactly once with + - * / "
           "(search puzzle, many valid paths)";
  }
  int min_difficulty() const override { return 1; }
  int max_difficulty() const override { return 5; }
  int default_difficulty() const override { return 2; }

  Problem generate(Split split, uint64_t index, int difficulty, uint64_t seed) const override {
    check_difficulty(difficulty);
    const Level& lv = level(difficulty);
    Puzzle p = draw_in_split(
        kName, split, index, difficulty, seed,
        [&](Rng& rng) {
          for (;;) {
            if (auto c = make_candidate(rng, lv)) return *c;
          }
        },
        canonical);
    Path gold;
    search(items_of(p.numbers), p.target, nullptr, gold);
    return {problem_id(kName, difficulty, split, index), prompt_of(p), gold.expr.text, difficulty};
  }

  std::vector<StrategyInfo> strategies() const override {
    return {
        {"careful", "0-2 dead-end attempts marked 'no', then a path that reaches the target; "
                    "always right, steps valid", false},
        {"greedy", "one attempt, always the move closest to the target; answers wherever it "
                   "lands (steps valid, answer usually wrong)", false},
        {"slip", "a near-miss attempt whose last step is miscalculated to 'hit' the target; "
                 "answer wrong, bad step flagged", false},
        {"guess", "0-1 dead ends, then gives up and writes a random expression of the numbers; "
                  "right only by luck, never supported by the steps", false},
        {"teacher", "systematic search written as the single solution path it finds "
                    "(canonical order); always right", true},
    };
  }

  std::string solve(const Problem& problem, std::string_view strategy,
                    uint64_t seed) const override {
    Puzzle p = parse_prompt(problem);
    Rng rng(derive_seed(seed, {name_hash(problem.prompt), name_hash(strategy)}));
    if (strategy == "careful") {
      std::string s = dead_ends(p, static_cast<int>(rng.below(3)), rng);
      Path path;
      if (!search(items_of(p.numbers), p.target, &rng, path)) {
        return s + "#" + problem.answer + "\n";  // unsolvable prompt: not generated by us
      }
      return s + write_steps(path) + "#" + path.expr.text + "\n";
    }
    if (strategy == "teacher") {
      Path path;
      search(items_of(p.numbers), p.target, nullptr, path);
      return write_steps(path) + "#" + path.expr.text + "\n";
    }
    if (strategy == "greedy") {
      Path path = greedy_path(p.numbers, p.target, rng);
      return write_steps(path) + "#" + path.expr.text + "\n";
    }
    if (strategy == "slip") {
      std::string s = dead_ends(p, static_cast<int>(rng.below(2)), rng);
      // The near miss: of a few random attempts, the one that ends closest to the target.
      std::optional<Path> best;
      for (int k = 0; k < 24; ++k) {
        Path path = random_path(p.numbers, rng);
        if (path.value == p.target) continue;
        if (!best || std::llabs(path.value - p.target) < std::llabs(best->value - p.target)) {
          best = path;
        }
      }
      if (!best) best = greedy_path(p.numbers, p.target, rng);
      best->steps.back().c = p.target;  // the slip: claims the target
      return s + write_steps(*best) + "#" + best->expr.text + "\n";
    }
    if (strategy == "guess") {
      std::string s = dead_ends(p, static_cast<int>(rng.below(2)), rng);
      Path path = random_path(p.numbers, rng);
      return s + "#" + path.expr.text + "\n";
    }
    throw Error("countdown: unknown strategy '" + std::string(strategy) +
                "' (known: careful, greedy, slip, guess, teacher)");
  }

  Verdict verify(const Problem& problem, std::string_view completion) const override {
    Puzzle p = parse_prompt(problem);
    ParsedCompletion parsed = parse_completion(completion);

    // The answer: an expression over exactly the given numbers that equals the target.
    std::optional<int64_t> answer_value;
    bool uses_all = false;
    if (parsed.answer) {
      std::vector<int64_t> leaves;
      answer_value = ExprParser(*parsed.answer).parse(leaves);
      auto expected = p.numbers;
      std::sort(expected.begin(), expected.end());
      std::sort(leaves.begin(), leaves.end());
      uses_all = leaves == expected;
    }
    bool correct = answer_value && uses_all && *answer_value == p.target;

    // The steps: replay every attempt.
    int first_bad = 0;
    std::vector<int64_t> pool = p.numbers;
    int attempt_steps = 0;
    for (size_t k = 0; k < parsed.steps.size() && first_bad == 0; ++k) {
      std::string_view line = parsed.steps[k];
      int line_number = static_cast<int>(k) + 1;
      if (line == "no") {
        if (attempt_steps == 0) first_bad = line_number;
        pool = p.numbers;
        attempt_steps = 0;
        continue;
      }
      auto step = parse_step(line);
      auto result = step ? apply(step->a, step->op, step->b) : std::nullopt;
      if (!step || !result || *result != step->c || !take(pool, step->a) ||
          !take(pool, step->b)) {
        first_bad = line_number;
        break;
      }
      pool.push_back(step->c);
      ++attempt_steps;
    }
    bool derived = first_bad == 0 && attempt_steps > 0 && pool.size() == 1 && answer_value &&
                   uses_all && *answer_value == pool[0];
    return make_verdict(parsed.answer, correct, derived, first_bad);
  }

  // Random play: combine two of the remaining numbers by a move the step rules allow
  // (uniformly over those moves, division included) until one number is left; the guess is
  // right when that number is the target.
  double guess_chance(const Problem& problem) const override {
    Puzzle p = parse_prompt(problem);
    return chance_of_random_play(items_of(p.numbers), p.target);
  }

  std::string canonical_form(const Problem& problem) const override {
    return canonical(parse_prompt(problem));
  }

 private:
  void check_difficulty(int difficulty) const {
    if (difficulty < min_difficulty() || difficulty > max_difficulty()) {
      throw Error(fmt::format("countdown: difficulty {} is out of range {}..{}", difficulty,
                              min_difficulty(), max_difficulty()));
    }
  }
};

}  // namespace

std::unique_ptr<TaskFamily> make_countdown_family() { return std::make_unique<Countdown>(); }

}  // namespace rlvr::tasks::detail
