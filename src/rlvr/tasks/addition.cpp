// Addition: multi-digit addition written as a column scratchpad, a long exact
// procedure where one forgotten carry or one slip spoils the answer.
//
//   prompt      add 4785+2563         two numbers of n digits (difficulty sets n)
//   completion  5+3+0=8               one column per line, right to left:
//               8+6+0=14              digit of the first, digit of the second, carry in = sum
//               7+5+1=13              (the carry in is the tens digit of the previous sum)
//               4+2+1=7
//               #7348                 the answer: the last sum, then the other sums' last
//                                     digits from the bottom line up
//
// The teacher also writes the digits found so far after each sum ("7+5+1=13 348"), so the
// answer is a copy of the last line rather than a reversal; its last line's partial is the
// whole answer. Steps are valid when every column line matches the prompt's digits, the carry
// of the line before and its own sum, there is one line per column, and the answer is what
// the lines spell.
#include <algorithm>
#include <cmath>
#include <fmt/format.h>

#include "rlvr/tasks/families.h"
#include "rlvr/tasks/trace_util.h"
#include "rlvr/util/error.h"

namespace rlvr::tasks::detail {

namespace {

constexpr std::string_view kName = "addition";

int digits_at(int difficulty) {
  static const int digits[] = {2, 3, 4, 6, 8};
  return digits[std::clamp(difficulty, 1, 5) - 1];
}

struct Sum {
  std::string a, b;  // decimal digits, no leading zeros
};

struct Column {
  int x, y, carry, sum;
  std::string partial;  // teacher only: digits found so far
};

int digit(const std::string& number, size_t column) {
  return column < number.size() ? number[number.size() - 1 - column] - '0' : 0;
}

// The exact column sums of a + b.
std::vector<Column> columns(const Sum& s) {
  std::vector<Column> out;
  size_t n = std::max(s.a.size(), s.b.size());
  int carry = 0;
  for (size_t k = 0; k < n; ++k) {
    int x = digit(s.a, k), y = digit(s.b, k);
    out.push_back({x, y, carry, x + y + carry, ""});
    carry = (x + y + carry) / 10;
  }
  return out;
}

// The answer the column lines spell: the last sum whole, then the last digits of the others.
std::string spelled(const std::vector<Column>& cols) {
  if (cols.empty()) return "";
  std::string s = std::to_string(cols.back().sum);
  for (size_t k = cols.size() - 1; k-- > 0;) s += static_cast<char>('0' + cols[k].sum % 10);
  return s;
}

void fill_partials(std::vector<Column>& cols) {
  std::string partial;
  for (size_t k = 0; k < cols.size(); ++k) {
    partial = (k + 1 == cols.size() ? std::to_string(cols[k].sum)
                                    : std::string(1, static_cast<char>('0' + cols[k].sum % 10))) +
              partial;
    cols[k].partial = partial;
  }
}

std::string write(const std::vector<Column>& cols, bool with_partials) {
  std::string s;
  for (const Column& c : cols) {
    s += fmt::format("{}+{}+{}={}", c.x, c.y, c.carry, c.sum);
    if (with_partials) s += " " + c.partial;
    s += '\n';
  }
  return s + "#" + spelled(cols) + "\n";
}

// Recomputes carries and sums from column `from` on, after a change at `from - 1`.
void propagate(std::vector<Column>& cols, size_t from) {
  for (size_t k = from; k < cols.size(); ++k) {
    cols[k].carry = cols[k - 1].sum / 10;
    cols[k].sum = cols[k].x + cols[k].y + cols[k].carry;
  }
}

std::string random_number(Rng& rng, int digits) {
  std::string s(1, static_cast<char>('1' + rng.below(9)));
  for (int k = 1; k < digits; ++k) s += static_cast<char>('0' + rng.below(10));
  return s;
}

std::string add_strings(const Sum& s) { return spelled(columns(s)); }

Sum parse_prompt(const Problem& problem) {
  auto fail = [&] {
    return Error("addition: problem '" + problem.id + "' has a malformed prompt: '" +
                 problem.prompt + "'");
  };
  std::string_view text = problem.prompt;
  if (text.size() < 8 || text.substr(0, 4) != "add " || text.back() != '\n') throw fail();
  text = text.substr(4, text.size() - 5);
  size_t plus = text.find('+');
  if (plus == std::string_view::npos) throw fail();
  Sum s{std::string(text.substr(0, plus)), std::string(text.substr(plus + 1))};
  for (const std::string* n : {&s.a, &s.b}) {
    if (n->empty() || n->size() > 30 || (*n)[0] == '0' ||
        n->find_first_not_of("0123456789") != std::string::npos) {
      throw fail();
    }
  }
  return s;
}

// Parses "x+y+c=s" with an optional " partial" after it.
std::optional<Column> parse_column(std::string_view line) {
  Column c{};
  size_t space = line.find(' ');
  if (space != std::string_view::npos) {
    c.partial = std::string(line.substr(space + 1));
    if (c.partial.empty() || c.partial.find_first_not_of("0123456789") != std::string::npos) {
      return std::nullopt;
    }
    line = line.substr(0, space);
  }
  if (line.size() < 7 || line[1] != '+' || line[3] != '+' || line[5] != '=') return std::nullopt;
  auto x = parse_natural(line.substr(0, 1));
  auto y = parse_natural(line.substr(2, 1));
  auto carry = parse_natural(line.substr(4, 1));
  auto sum = parse_natural(line.substr(6));
  if (!x || !y || !carry || !sum || line.size() > 8) return std::nullopt;
  c.x = static_cast<int>(*x);
  c.y = static_cast<int>(*y);
  c.carry = static_cast<int>(*carry);
  c.sum = static_cast<int>(*sum);
  return c;
}

class Addition final : public TaskFamily {
 public:
  std::string name() const override { return std::string(kName); }
  std::string description() const override {
    return "add two n-digit numbers column by column with carries (long exact procedure)";
  }
  int min_difficulty() const override { return 1; }
  int max_difficulty() const override { return 5; }
  int default_difficulty() const override { return 3; }

  Problem generate(Split split, uint64_t index, int difficulty, uint64_t seed) const override {
    if (difficulty < min_difficulty() || difficulty > max_difficulty()) {
      throw Error(fmt::format("addition: difficulty {} is out of range {}..{}", difficulty,
                              min_difficulty(), max_difficulty()));
    }
    int n = digits_at(difficulty);
    Sum s = draw_in_split(
        kName, split, index, difficulty, seed,
        [&](Rng& rng) { return Sum{random_number(rng, n), random_number(rng, n)}; },
        [](const Sum& c) { return canonical(c); });
    return {problem_id(kName, difficulty, split, index), "add " + s.a + "+" + s.b + "\n",
            add_strings(s), difficulty};
  }

  std::vector<StrategyInfo> strategies() const override {
    return {
        {"careful", "every column with its carry; always right, steps valid", false},
        {"nocarry", "forgets one carry (writes +0 where +1 was due); wrong whenever the sum "
                    "carries, the forgotten carry is the bad step", false},
        {"carryless", "never carries (every carry in is +0); right exactly when the sum has no "
                      "carry, so a corpus of it never shows a carry written",
         false},
        {"slip", "one column sum off by one or two, carried on consistently; always wrong, "
                 "bad step flagged", false},
        {"guess", "no columns: writes the leading digits right and guesses the rest; right "
                  "only by luck, never supported", false},
        {"teacher", "careful columns that also carry the digits found so far, so the answer "
                    "is copied, not reversed; always right", true},
    };
  }

  std::string solve(const Problem& problem, std::string_view strategy,
                    uint64_t seed) const override {
    Sum s = parse_prompt(problem);
    Rng rng(derive_seed(seed, {name_hash(problem.prompt), name_hash(strategy)}));
    std::vector<Column> cols = columns(s);
    if (strategy == "careful") return write(cols, false);
    if (strategy == "teacher") {
      fill_partials(cols);
      return write(cols, true);
    }
    if (strategy == "nocarry") {
      std::vector<size_t> carried;
      for (size_t k = 1; k < cols.size(); ++k) {
        if (cols[k].carry == 1) carried.push_back(k);
      }
      if (!carried.empty()) {
        size_t k = rng.pick(carried);
        cols[k].carry = 0;
        cols[k].sum = cols[k].x + cols[k].y;
        propagate(cols, k + 1);
      }
      return write(cols, false);
    }
    if (strategy == "carryless") {
      for (size_t k = 1; k < cols.size(); ++k) {
        cols[k].carry = 0;
        cols[k].sum = cols[k].x + cols[k].y;
      }
      return write(cols, false);
    }
    if (strategy == "slip") {
      size_t k = rng.below(cols.size());
      int delta = static_cast<int>(rng.range(1, 2)) * (rng.chance(0.5) ? 1 : -1);
      int wrong = cols[k].sum + delta;
      if (wrong < 0 || wrong > 19) wrong = cols[k].sum - delta;
      cols[k].sum = wrong;
      propagate(cols, k + 1);
      return write(cols, false);
    }
    if (strategy == "guess") {
      std::string answer = add_strings(s);
      size_t keep = (answer.size() + 1) / 2;
      for (size_t k = keep; k < answer.size(); ++k) answer[k] = static_cast<char>('0' + rng.below(10));
      return "#" + answer + "\n";
    }
    throw Error("addition: unknown strategy '" + std::string(strategy) +
                "' (known: careful, nocarry, carryless, slip, guess, teacher)");
  }

  Verdict verify(const Problem& problem, std::string_view completion) const override {
    Sum s = parse_prompt(problem);
    std::string gold = add_strings(s);
    ParsedCompletion parsed = parse_completion(completion);
    bool correct = parsed.answer && *parsed.answer == gold;

    std::vector<Column> expected = columns(s);
    std::vector<Column> written;
    int first_bad = 0;
    int carry = 0;
    std::string partial;
    for (size_t k = 0; k < parsed.steps.size(); ++k) {
      auto c = parse_column(parsed.steps[k]);
      bool ok = c && k < expected.size() && c->x == expected[k].x && c->y == expected[k].y &&
                c->carry == carry && c->sum == c->x + c->y + c->carry;
      if (ok && !c->partial.empty()) {
        std::string want = (k + 1 == expected.size()
                                ? std::to_string(c->sum)
                                : std::string(1, static_cast<char>('0' + c->sum % 10))) +
                           partial;
        ok = c->partial == want;
      }
      if (!ok) {
        first_bad = static_cast<int>(k) + 1;
        break;
      }
      partial = (k + 1 == expected.size() ? std::to_string(c->sum)
                                          : std::string(1, static_cast<char>('0' + c->sum % 10))) +
                partial;
      carry = c->sum / 10;
      written.push_back(*c);
    }
    bool derived = first_bad == 0 && written.size() == expected.size() && parsed.answer &&
                   *parsed.answer == spelled(written);
    return make_verdict(parsed.answer, correct, derived, first_bad);
  }

  // A number drawn uniformly from the sums two numbers of these lengths can have: from the
  // sum of the smallest to the sum of the largest (10^(n-1) .. 10^n - 1 each).
  double guess_chance(const Problem& problem) const override {
    Sum s = parse_prompt(problem);
    auto smallest = [](size_t digits) { return std::pow(10.0, static_cast<double>(digits) - 1); };
    double low = smallest(s.a.size()) + smallest(s.b.size());
    double high = (10 * smallest(s.a.size()) - 1) + (10 * smallest(s.b.size()) - 1);
    return 1.0 / (high - low + 1);
  }

  std::string canonical_form(const Problem& problem) const override {
    return canonical(parse_prompt(problem));
  }

 private:
  // a+b and b+a are one problem.
  static std::string canonical(const Sum& s) {
    auto less = [](const std::string& x, const std::string& y) {
      return x.size() != y.size() ? x.size() < y.size() : x < y;
    };
    return less(s.a, s.b) ? s.a + "+" + s.b : s.b + "+" + s.a;
  }
};

}  // namespace

std::unique_ptr<TaskFamily> make_addition_family() { return std::make_unique<Addition>(); }

}  // namespace rlvr::tasks::detail
