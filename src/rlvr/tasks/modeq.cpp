// Modular equations: solve a*x+b=c modulo a prime p, by moving b across and
// then searching the multiples of a. A short two-stage procedure whose first
// stage invites a sign error.
//
//   prompt      mod 11 7x+23=5        p, then the equation (b and c may exceed p)
//   completion  5-23=4                stage 1: c-b reduced mod p (every result is mod p)
//               7*0=0                 stage 2: a*k mod p for k = 0, 1, 2, ... until it
//               7*1=7                 equals the stage-1 value
//               7*2=3
//               7*3=10
//               7*4=6 ...
//               7*10=4
//               #10                   the answer: the k of the last line, in 0..p-1
//
// The teacher adds a check line "7*10+23=5" (the answer put back into the equation, mod p).
// Steps are valid when stage 1 is right, the multiples run 0, 1, 2, ... with right values
// and stop at the first match, the check line (if any) holds, and the answer is that k.
#include <algorithm>
#include <fmt/format.h>

#include "rlvr/tasks/families.h"
#include "rlvr/tasks/trace_util.h"
#include "rlvr/util/error.h"

namespace rlvr::tasks::detail {

namespace {

constexpr std::string_view kName = "modeq";
constexpr int64_t kMaxConstant = 29;  // b and c are drawn from 0..29 at every difficulty

const std::vector<int64_t>& primes_at(int difficulty) {
  static const std::vector<std::vector<int64_t>> primes = {{5}, {7}, {11}, {13}, {17, 19}};
  return primes[std::clamp(difficulty, 1, 5) - 1];
}

struct Equation {
  int64_t p, a, b, c;
};

int64_t mod(int64_t v, int64_t p) { return ((v % p) + p) % p; }

int64_t solution(const Equation& e) {
  int64_t t = mod(e.c - e.b, e.p);
  for (int64_t k = 0; k < e.p; ++k) {
    if (mod(e.a * k, e.p) == t) return k;
  }
  return -1;  // a == 0 mod p: not generated
}

std::string canonical(const Equation& e) {
  return fmt::format("{} {}x+{}={}", e.p, e.a, e.b, e.c);
}

Equation parse_prompt(const Problem& problem) {
  auto fail = [&] {
    return Error("modeq: problem '" + problem.id + "' has a malformed prompt: '" +
                 problem.prompt + "'");
  };
  std::string_view text = problem.prompt;
  if (text.size() < 12 || text.substr(0, 4) != "mod " || text.back() != '\n') throw fail();
  text = text.substr(4, text.size() - 5);
  size_t space = text.find(' '), x = text.find('x'), plus = text.find('+'), eq = text.find('=');
  if (space == std::string_view::npos || x == std::string_view::npos ||
      plus != x + 1 || eq == std::string_view::npos || !(space < x && plus < eq)) {
    throw fail();
  }
  auto p = parse_natural(text.substr(0, space));
  auto a = parse_natural(text.substr(space + 1, x - space - 1));
  auto b = parse_natural(text.substr(plus + 1, eq - plus - 1));
  auto c = parse_natural(text.substr(eq + 1));
  if (!p || !a || !b || !c || *p < 2 || *p > 1000 || *a % *p == 0) throw fail();
  return {*p, *a, *b, *c};
}

// "u-v=w", "u+v=w", "u*v=w" or "u*v+w=z" as numbers; nullopt when the shape differs.
struct Line {
  char op = 0;  // '-', '+', '*' or 'c' for the check line u*v+w=z
  int64_t u = 0, v = 0, w = 0, z = 0;
};

std::optional<Line> parse_line(std::string_view text) {
  size_t eq = text.find('=');
  if (eq == std::string_view::npos) return std::nullopt;
  std::string_view lhs = text.substr(0, eq);
  auto rhs = parse_natural(text.substr(eq + 1));
  size_t op = lhs.find_first_of("+-*");
  if (!rhs || op == std::string_view::npos) return std::nullopt;
  auto u = parse_natural(lhs.substr(0, op));
  if (!u) return std::nullopt;
  std::string_view rest = lhs.substr(op + 1);
  if (lhs[op] == '*') {
    size_t plus = rest.find('+');
    if (plus != std::string_view::npos) {
      auto v = parse_natural(rest.substr(0, plus));
      auto w = parse_natural(rest.substr(plus + 1));
      if (!v || !w) return std::nullopt;
      return Line{'c', *u, *v, *w, *rhs};
    }
  }
  auto v = parse_natural(rest);
  if (!v) return std::nullopt;
  return Line{lhs[op], *u, *v, *rhs, 0};
}

// The multiples a*0 .. a*stop_at, one a line.
std::string write_search(const Equation& e, int64_t stop_at) {
  std::string s;
  for (int64_t k = 0; k <= stop_at; ++k) s += fmt::format("{}*{}={}\n", e.a, k, mod(e.a * k, e.p));
  return s;
}

class ModEq final : public TaskFamily {
 public:
  std::string name() const override { return std::string(kName); }
  std::string description() const override {
    return "solve a*x+b=c mod p: move b across, then search the multiples of a "
           "(two-stage procedure)";
  }
  int min_difficulty() const override { return 1; }
  int max_difficulty() const override { return 5; }
  int default_difficulty() const override { return 3; }

  Problem generate(Split split, uint64_t index, int difficulty, uint64_t seed) const override {
    if (difficulty < min_difficulty() || difficulty > max_difficulty()) {
      throw Error(fmt::format("modeq: difficulty {} is out of range {}..{}", difficulty,
                              min_difficulty(), max_difficulty()));
    }
    Equation e = draw_in_split(
        kName, split, index, difficulty, seed,
        [&](Rng& rng) {
          int64_t p = rng.pick(primes_at(difficulty));
          return Equation{p, rng.range(1, p - 1), rng.range(0, kMaxConstant),
                          rng.range(0, kMaxConstant)};
        },
        canonical);
    return {problem_id(kName, difficulty, split, index), "mod " + canonical(e) + "\n",
            std::to_string(solution(e)), difficulty};
  }

  std::vector<StrategyInfo> strategies() const override {
    return {
        {"careful", "c-b mod p, then a*0, a*1, ... until the value matches; always right, "
                    "steps valid", false},
        {"sign", "moves b with the wrong sign (writes c+b), then searches correctly; wrong "
                 "unless 2b=0 mod p, stage 1 is the bad step", false},
        {"slip", "a multiple miscalculated so that it seems to match too early; always wrong, "
                 "bad step flagged", false},
        {"guess", "no work, a value in 0..p-1; right about 1 time in p, never supported",
         false},
        {"teacher", "careful search plus a check line putting the answer back into the "
                    "equation; always right", true},
    };
  }

  std::string solve(const Problem& problem, std::string_view strategy,
                    uint64_t seed) const override {
    Equation e = parse_prompt(problem);
    Rng rng(derive_seed(seed, {name_hash(problem.prompt), name_hash(strategy)}));
    int64_t t = mod(e.c - e.b, e.p);
    int64_t x = solution(e);
    std::string stage1 = fmt::format("{}-{}={}\n", e.c, e.b, t);
    if (strategy == "careful") return stage1 + write_search(e, x) + fmt::format("#{}\n", x);
    if (strategy == "teacher") {
      return stage1 + write_search(e, x) +
             fmt::format("{}*{}+{}={}\n#{}\n", e.a, x, e.b, mod(e.a * x + e.b, e.p), x);
    }
    if (strategy == "sign") {
      int64_t wrong_t = mod(e.c + e.b, e.p);
      int64_t k = solution(Equation{e.p, e.a, 0, wrong_t});
      return fmt::format("{}+{}={}\n", e.c, e.b, wrong_t) + write_search(e, k) +
             fmt::format("#{}\n", k);
    }
    if (strategy == "slip") {
      if (x == 0) {
        // No multiple before the match: the slip is in stage 1 instead (off by one).
        int64_t wrong_t = mod(t + (rng.chance(0.5) ? 1 : -1), e.p);
        int64_t k = solution(Equation{e.p, e.a, 0, wrong_t});
        return fmt::format("{}-{}={}\n", e.c, e.b, wrong_t) + write_search(e, k) +
               fmt::format("#{}\n", k);
      }
      int64_t k = static_cast<int64_t>(rng.below(static_cast<uint64_t>(x)));  // 0..x-1
      std::string s = stage1 + write_search(e, k - 1);
      return s + fmt::format("{}*{}={}\n#{}\n", e.a, k, t, k);
    }
    if (strategy == "guess") return fmt::format("#{}\n", rng.below(static_cast<uint64_t>(e.p)));
    throw Error("modeq: unknown strategy '" + std::string(strategy) +
                "' (known: careful, sign, slip, guess, teacher)");
  }

  Verdict verify(const Problem& problem, std::string_view completion) const override {
    Equation e = parse_prompt(problem);
    int64_t t = mod(e.c - e.b, e.p);
    int64_t x = solution(e);
    ParsedCompletion parsed = parse_completion(completion);
    std::optional<int64_t> answer;
    if (parsed.answer) answer = parse_natural(*parsed.answer);
    bool correct = answer && *answer == x && *parsed.answer == std::to_string(x);

    int first_bad = 0;
    std::optional<int64_t> found;  // k of the matching multiple
    bool checked = false;
    for (size_t k = 0; k < parsed.steps.size() && first_bad == 0; ++k) {
      auto line = parse_line(parsed.steps[k]);
      bool ok = false;
      if (line && k == 0) {
        ok = line->op == '-' && line->u == e.c && line->v == e.b && line->w == t;
      } else if (line && !found && line->op == '*') {
        int64_t step = static_cast<int64_t>(k) - 1;
        ok = line->u == e.a && line->v == step && line->w == mod(e.a * step, e.p);
        if (ok && line->w == t) found = step;
      } else if (line && found && !checked && line->op == 'c') {
        ok = line->u == e.a && line->v == *found && line->w == e.b &&
             line->z == mod(e.a * *found + e.b, e.p) && line->z == mod(e.c, e.p);
        checked = true;
      }
      if (!ok) first_bad = static_cast<int>(k) + 1;
    }
    bool derived = first_bad == 0 && found && answer && *answer == *found;
    return make_verdict(parsed.answer, correct, derived, first_bad);
  }

  // A residue drawn uniformly from 0..p-1.
  double guess_chance(const Problem& problem) const override {
    return 1.0 / static_cast<double>(parse_prompt(problem).p);
  }

  std::string canonical_form(const Problem& problem) const override {
    return canonical(parse_prompt(problem));
  }
};

}  // namespace

std::unique_ptr<TaskFamily> make_modeq_family() { return std::make_unique<ModEq>(); }

}  // namespace rlvr::tasks::detail
