// Speed of the math answer verifier on one core.
//
// Workload: the 195 development cases (with their own options) plus, for each
// MATH500 gold answer, reformatted variants a grader must accept (\frac{a}{b}
// as (a)/(b), \dfrac, extra spaces, the value as a decimal, boxed inside a
// sentence) and one it must reject (the gold plus one). Prints checks per
// second, the 50th/99th percentile and the maximum time of one check, and the
// time of pathological inputs (towers of powers, huge factorials, deep
// nesting, 100 KB strings).
//
//   build/bench/bench_verify [--data-dir ../shared/data] [--passes 5] [--limit N] [--dump pairs.jsonl]
//
// --dump writes the (gold, pred) pairs of the workload for the Python peer
// bench/peers/verify_sympy.py.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "rlvr/util/files.h"
#include "rlvr/verify/cases.h"
#include "rlvr/verify/datasets.h"
#include "rlvr/verify/equivalence.h"
#include "rlvr/verify/exact.h"
#include "rlvr/verify/rewrite.h"

using namespace rlvr::verify;
using Clock = std::chrono::steady_clock;

namespace {

struct Job {
  std::string gold;
  std::string pred;
  CheckOptions options;
};

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (size_t p = 0; (p = s.find(from, p)) != std::string::npos; p += to.size()) s.replace(p, from.size(), to);
  return s;
}

std::string spaced(const std::string& s) {
  std::string out;
  for (char c : s) {
    out += c;
    if (c == ',' || c == '+' || c == '=') out += ' ';
  }
  return " " + out + " ";
}

std::vector<Job> workload(const std::filesystem::path& data) {
  std::vector<Job> jobs;
  auto dev = data / "verifier-cases/math_equivalence_dev.jsonl";
  if (std::filesystem::exists(dev)) {
    std::istringstream lines(rlvr::read_file(dev));
    std::string line;
    long n = 0;
    while (std::getline(lines, line)) {
      ++n;
      auto row = nlohmann::json::parse(line);
      jobs.push_back({row["gold"], row["pred"], case_options(dev.string(), n, &row, CheckOptions{})});
    }
  }
  auto math = data / "benchmarks/math500/test.jsonl";
  if (std::filesystem::exists(math)) {
    for (const auto& p : load_dataset("math500", data)) {
      const std::string& g = p.gold;
      CheckOptions o;
      jobs.push_back({g, "Thus the answer is $\\boxed{" + g + "}$.", o});
      jobs.push_back({g, fractions_as_slashes(g), o});
      jobs.push_back({g, replace_all(g, "\\frac", "\\dfrac"), o});
      jobs.push_back({g, spaced(g), o});
      jobs.push_back({g, "$" + g + "+1$", o});  // must be rejected
      ParseResult r = parse_answer(g, ParseOptions{});
      if (r.expr && is_scalar(*r.expr) && !has_symbols(*r.expr)) {
        rlvr::verify::StepCounter steps(100000);
        if (auto q = exact_rational(*r.expr, Budget{}, steps); q && q->get_den() != 1) {
          char buf[64];
          std::snprintf(buf, sizeof buf, "%.10f", q->get_d());
          jobs.push_back({g, buf, o});
        }
      }
    }
  }
  return jobs;
}

std::string nested(const std::string& open, const std::string& inner, const std::string& close, int depth) {
  std::string s;
  for (int i = 0; i < depth; ++i) s += open;
  s += inner;
  for (int i = 0; i < depth; ++i) s += close;
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  // The development cases live in ../shared/data beside the source tree; MATH500 is there too.
  std::filesystem::path data = std::getenv("RLVR_DATA_DIR") ? std::filesystem::path(std::getenv("RLVR_DATA_DIR"))
                                                            : std::filesystem::path(RLVR_SOURCE_DIR) / ".." / "shared" / "data";
  int passes = 5;
  std::string dump;
  size_t limit = 0;  // 0: the whole workload
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--data-dir")) data = argv[i + 1];
    else if (!std::strcmp(argv[i], "--passes")) passes = std::atoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--dump")) dump = argv[i + 1];
    else if (!std::strcmp(argv[i], "--limit")) limit = static_cast<size_t>(std::atol(argv[i + 1]));
  }
  if (data.empty()) {
    std::fprintf(stderr, "no data directory: pass --data-dir or set RLVR_DATA_DIR\n");
    return 1;
  }
  std::vector<Job> jobs = workload(data);
  if (limit > 0 && limit < jobs.size()) jobs.resize(limit);
  if (!dump.empty()) {
    std::ofstream out(dump);
    for (const auto& j : jobs) out << nlohmann::json{{"gold", j.gold}, {"pred", j.pred}}.dump() << "\n";
  }
  // Warm-up pass (first use of GiNaC, page faults), then timed passes.
  size_t equivalent = 0;
  for (const auto& j : jobs) equivalent += check(j.gold, j.pred, j.options).equivalent;
  std::vector<double> micros;
  micros.reserve(jobs.size() * static_cast<size_t>(passes));
  std::vector<std::pair<double, size_t>> slowest;
  auto start = Clock::now();
  for (int pass = 0; pass < passes; ++pass) {
    for (size_t k = 0; k < jobs.size(); ++k) {
      auto t0 = Clock::now();
      Verdict v = check(jobs[k].gold, jobs[k].pred, jobs[k].options);
      double us = std::chrono::duration<double, std::micro>(Clock::now() - t0).count();
      micros.push_back(us);
      if (pass == 0) slowest.emplace_back(us, k);
      (void)v;
    }
  }
  double total_s = std::chrono::duration<double>(Clock::now() - start).count();
  std::sort(micros.begin(), micros.end());
  auto pct = [&](double q) { return micros[static_cast<size_t>(q * static_cast<double>(micros.size() - 1))]; };
  std::printf("workload: %zu checks (%zu equivalent), %d passes, one thread\n", jobs.size(), equivalent, passes);
  std::printf("checks per second: %.0f\n", static_cast<double>(micros.size()) / total_s);
  std::printf("time of one check: p50 %.1f us, p99 %.1f us, max %.1f us\n", pct(0.5), pct(0.99), micros.back());
  std::sort(slowest.rbegin(), slowest.rend());
  std::printf("slowest checks (first pass):\n");
  for (size_t i = 0; i < std::min<size_t>(5, slowest.size()); ++i) {
    const Job& j = jobs[slowest[i].second];
    std::printf("  %8.1f us  gold %.40s | pred %.40s\n", slowest[i].first, j.gold.c_str(), j.pred.c_str());
  }

  struct Case {
    const char* name;
    std::string gold, pred;
  };
  std::string long_digits(100000, '7');
  std::string long_text(100000, 'a');
  std::string many_boxes;
  for (int i = 0; i < 5000; ++i) many_boxes += "\\boxed{" + std::to_string(i) + "} ";
  std::string derivation = "\\begin{aligned}";
  for (int i = 0; i < 300; ++i) derivation += " x & = " + std::to_string(i) + " \\\\";
  derivation += "\\end{aligned}";
  std::string set_builder = "\\{x \\mid ";
  for (int i = 0; i < 200; ++i) set_builder += " x > " + std::to_string(i) + " \\text{ or }";
  set_builder += " x > 200\\}";
  std::string worded_boxes;
  for (int i = 0; i < 800; ++i) worded_boxes += "\\boxed{" + std::to_string(i) + "} cats and ";
  std::vector<Case> cases = {
      {"3 nested 199-term sums", "1", "\\sum_{i=1}^{199}\\sum_{j=1}^{199}\\sum_{k=1}^{199} i j k"},
      {"product of k^k, k<200", "1", "\\prod_{k=1}^{199} k^{k}"},
      {"300-row aligned", "299", "\\boxed{" + derivation + "}"},
      {"201-part set-builder", "(0,\\infty)", "\\boxed{" + set_builder + "}"},
      {"800 boxes with words", "1", worded_boxes},
      {"bold 1500 digits", "1", "\\boxed{\\mathbf{" + [] {
         std::string s;
         for (int i = 0; i < 1500; ++i) s += "1 ";
         return s;
       }() + "}}"},
      {"tower 5^{5^{5^5}}", "5^{5^{5^5}}", "5^{5^{5^5}}+1"},
      {"tower 9^{9^{9^{9^9}}}", "1", "9^{9^{9^{9^9}}}"},
      {"2^{10^9}", "2^{10^{9}}", "4^{10^{9}}"},
      {"100000!", "100000!", "100001!"},
      {"((10!)!)!", "5", "((10!)!)!"},
      {"1/2004! vs 1/2006!", "\\frac{1}{2004!}", "\\frac{1}{2006!}"},
      {"5000 nested ( )", "1", "\\boxed{" + nested("(", "1", ")", 5000) + "}"},
      {"300 nested ( )", "1", "\\boxed{" + nested("(", "1", ")", 300) + "}"},
      {"3000 nested \\frac", "1", "\\boxed{" + nested("\\frac{1}{", "2", "}", 3000) + "}"},
      {"500 nested \\sqrt", "1", "\\boxed{" + nested("\\sqrt{", "2", "}", 500) + "}"},
      {"100 KB digits", "1", long_digits},
      {"100 KB text + box", "42", long_text + " \\boxed{42}"},
      {"5000 boxes", "4999", many_boxes},
      {"(x+1)^{12} expanded", "(x+1)^{12}", "x^{12}+12x^{11}+66x^{10}+220x^9+495x^8+792x^7+924x^6+792x^5+495x^4+220x^3+66x^2+12x+1"},
      {"x^{1000000}", "x^{1000000}", "x^{1000001}"},
      {"sum of 1500 terms", "1500", "\\boxed{" + [] {
         std::string s;
         for (int i = 0; i < 1500; ++i) s += "1+";
         return s + "0";
       }() + "}"},
      {"sum of 3000 terms", "3000", "\\boxed{" + [] {
         std::string s;
         for (int i = 0; i < 3000; ++i) s += "x+";
         return s + "0";
       }() + "}"},
  };
  std::printf("pathological inputs (one check each, after warm-up):\n");
  for (const auto& c : cases) {
    check(c.gold, c.pred, CheckOptions{});
    auto t0 = Clock::now();
    Verdict v = check(c.gold, c.pred, CheckOptions{});
    double us = std::chrono::duration<double, std::micro>(Clock::now() - t0).count();
    std::printf("  %-22s %10.1f us  %s %s%s%s\n", c.name, us, v.equivalent ? "equivalent" : "not equivalent",
                v.reason.c_str(), v.detail.empty() ? "" : ": ", v.detail.c_str());
  }
  return 0;
}
