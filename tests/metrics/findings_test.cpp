// The verdicts, one branch per test, on analyses built by hand so that every
// interval is known; then the whole chain (analyze_models' paired bootstrap
// into the verdict) on counts whose answer is known.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "rlvr/metrics/analyze.h"
#include "rlvr/metrics/findings.h"

using namespace rlvr;
using metrics::VerdictKind;
using metrics::VerdictReason;

namespace {

constexpr int64_t kMax = 64;

struct Point {
  double value, low, high;
};

ModelSummary model(const std::string& label, Point p1, Point pk) {
  ModelSummary m;
  m.label = label;
  m.pass_at_k = {{1, p1.value, p1.low, p1.high}, {kMax, pk.value, pk.low, pk.high}};
  return m;
}

// A comparison of `label` against "base" on 100 problems: the paired
// differences at k = 1 and k = 64, and how many problems only one solves
// (the base solves `base_solves` of the 100 in all).
Comparison compare(const std::string& label, Point d1, Point dk, size_t model_only, size_t base_only,
                   size_t base_solves = 90) {
  Comparison c;
  c.baseline = "base";
  c.model = label;
  c.k_max = kMax;
  c.problems = 100;
  c.pass_at_k_difference = {{1, d1.value, d1.low, d1.high}, {kMax, dk.value, dk.low, dk.high}};
  c.coverage.model_only.assign(model_only, "p");
  c.coverage.baseline_only.assign(base_only, "p");
  c.coverage.both.assign(base_solves - base_only, "p");
  c.coverage.neither.assign(100 - base_solves - model_only, "p");
  return c;
}

// The base model, away from its ceiling at k = 64.
Analysis with_base(Point p1 = {0.30, 0.25, 0.35}, Point pk = {0.80, 0.72, 0.87}) {
  Analysis a;
  a.bootstrap = 1000;
  a.ci_level = 0.95;
  a.baseline = "base";
  a.models = {model("base", p1, pk)};
  return a;
}

metrics::ModelFinding only_finding(const Analysis& a) {
  std::vector<metrics::ModelFinding> f = metrics::describe_models(a);
  EXPECT_EQ(f.size(), 1u);
  return f.empty() ? metrics::ModelFinding{} : f.front();
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST(Findings, PassAt1IntervalAboveZeroSharpens) {
  Analysis a = with_base();
  a.models.push_back(model("rl", {0.40, 0.34, 0.46}, {0.79, 0.71, 0.86}));
  // pass@64 is a little lower as a point estimate, but its interval holds 0.
  a.comparisons = {compare("rl", {0.10, 0.05, 0.15}, {-0.01, -0.03, 0.01}, 0, 1)};
  const auto f = only_finding(a);
  EXPECT_EQ(f.kinds, std::vector<VerdictKind>{VerdictKind::sharpens});
  EXPECT_TRUE(f.reasons.empty());
  EXPECT_EQ(f.verdict, "sharpens");
  EXPECT_TRUE(contains(f.sentence, "pass@1 0.400 vs 0.300 for base, difference +0.100 [+0.050, +0.150]"))
      << f.sentence;
  EXPECT_TRUE(contains(f.sentence, "pass@64 0.790 vs 0.800 for base, difference -0.010 [-0.030, +0.010] "
                                   "(not significant: the interval holds 0)"))
      << f.sentence;
}

TEST(Findings, PairedIntervalDecidesEvenWhereTheModelsIntervalsOverlap) {
  Analysis a = with_base();
  // The two pass@1 intervals overlap widely; the paired difference does not hold 0.
  a.models.push_back(model("rl", {0.33, 0.28, 0.38}, {0.80, 0.72, 0.87}));
  a.comparisons = {compare("rl", {0.03, 0.01, 0.05}, {0.0, -0.02, 0.02}, 0, 0)};
  EXPECT_EQ(only_finding(a).kinds, std::vector<VerdictKind>{VerdictKind::sharpens});
}

TEST(Findings, PassAtKMaxIntervalBelowZeroNarrows) {
  Analysis a = with_base();
  a.models.push_back(model("rl", {0.31, 0.26, 0.36}, {0.65, 0.56, 0.74}));
  a.comparisons = {compare("rl", {0.01, -0.02, 0.04}, {-0.15, -0.22, -0.08}, 0, 15)};
  const auto f = only_finding(a);
  EXPECT_EQ(f.kinds, std::vector<VerdictKind>{VerdictKind::narrows});
  EXPECT_EQ(f.verdict, "narrows");
}

TEST(Findings, PassAtKMaxIntervalAboveZeroWithNewProblemsExpands) {
  Analysis a = with_base();
  a.models.push_back(model("distill", {0.31, 0.26, 0.36}, {0.92, 0.86, 0.97}));
  a.comparisons = {compare("distill", {0.01, -0.02, 0.04}, {0.12, 0.06, 0.18}, 14, 2, 80)};
  const auto f = only_finding(a);
  EXPECT_EQ(f.kinds, std::vector<VerdictKind>{VerdictKind::expands});
  EXPECT_TRUE(f.reasons.empty());
  EXPECT_TRUE(contains(metrics::findings_summary({f}), "1 expands")) << metrics::findings_summary({f});
}

TEST(Findings, HigherAtKMaxWithoutNewProblemsIsNotExpansion) {
  Analysis a = with_base();
  a.models.push_back(model("rl", {0.31, 0.26, 0.36}, {0.85, 0.78, 0.91}));
  a.comparisons = {compare("rl", {0.01, -0.02, 0.04}, {0.05, 0.02, 0.08}, 0, 0)};
  EXPECT_EQ(only_finding(a).kinds, std::vector<VerdictKind>{VerdictKind::rises_without_new_problems});
}

TEST(Findings, BothSignificantSharpensAndNarrows) {
  Analysis a = with_base();
  a.models.push_back(model("grpo", {0.45, 0.39, 0.51}, {0.66, 0.57, 0.75}));
  Comparison c = compare("grpo", {0.15, 0.10, 0.20}, {-0.14, -0.20, -0.08}, 0, 14);
  c.crossover_k = 8;
  c.pass_at_k_difference.insert(c.pass_at_k_difference.begin() + 1, {8, -0.02, -0.05, 0.01});
  a.comparisons = {c};
  const auto f = only_finding(a);
  EXPECT_EQ(f.kinds, (std::vector<VerdictKind>{VerdictKind::sharpens, VerdictKind::narrows}));
  EXPECT_EQ(f.verdict, "sharpens and narrows");
  ASSERT_TRUE(f.difference_at_crossover);
  EXPECT_EQ(f.difference_at_crossover->k, 8);
  EXPECT_TRUE(contains(f.sentence, "catches up at k = 8 and stays at or above it (difference there -0.020 "
                                   "[-0.050, +0.010])"))
      << f.sentence;
  const std::string summary = metrics::findings_summary({f});
  EXPECT_TRUE(contains(summary, "1 of 1 model sharpens")) << summary;
  EXPECT_TRUE(contains(summary, "1 narrows (pass@64 significantly below)")) << summary;
  EXPECT_TRUE(contains(summary, "; none expand.")) << summary;
}

TEST(Findings, EveryIntervalHoldingZeroIsNoSignificantDifferenceWithTheNumbers) {
  Analysis a = with_base();
  a.models.push_back(model("rl", {0.32, 0.27, 0.37}, {0.82, 0.74, 0.89}));
  a.comparisons = {compare("rl", {0.02, -0.01, 0.05}, {0.02, -0.03, 0.07}, 0, 0)};
  const auto f = only_finding(a);
  EXPECT_EQ(f.kinds, std::vector<VerdictKind>{VerdictKind::no_significant_difference});
  EXPECT_EQ(f.verdict, "shows no significant difference at k = 1 or k = 64");
  EXPECT_TRUE(contains(f.sentence, "pass@1 0.320 vs 0.300 for base, difference +0.020 [-0.010, +0.050]"))
      << f.sentence;
  EXPECT_TRUE(contains(f.sentence, "pass@64 0.820 vs 0.800 for base, difference +0.020 [-0.030, +0.070]"))
      << f.sentence;
}

TEST(Findings, LowerPassAt1IsNamedNotCalledIndistinct) {
  // Full modeq's DAPO: pass@1 .128 against the base's .221, at a ceiling at k_max.
  Analysis a = with_base({0.221, 0.203, 0.238}, {1.0, 1.0, 1.0});
  a.models.push_back(model("dapo", {0.128, 0.102, 0.157}, {1.0, 1.0, 1.0}));
  a.comparisons = {compare("dapo", {-0.093, -0.12, -0.066}, {0.0, 0.0, 0.0}, 0, 0, 100)};
  const auto f = only_finding(a);
  EXPECT_EQ(f.kinds, std::vector<VerdictKind>{VerdictKind::falls_at_pass_at_1});
  EXPECT_EQ(f.verdict, "falls at pass@1");
}

TEST(Findings, BaseSolvingEveryProblemIsACeilingThatKeepsExpansionUnmeasurable) {
  Analysis a = with_base({0.21, 0.18, 0.24}, {1.0, 1.0, 1.0});
  a.models.push_back(model("grpo", {0.33, 0.28, 0.39}, {0.97, 0.93, 1.0}));
  a.models.push_back(model("ppo", {0.34, 0.29, 0.40}, {0.94, 0.89, 0.98}));
  a.models.push_back(model("remax", {0.22, 0.19, 0.25}, {1.0, 1.0, 1.0}));
  a.comparisons = {compare("grpo", {0.12, 0.07, 0.17}, {-0.03, -0.07, 0.0}, 0, 3, 100),
                   compare("ppo", {0.13, 0.08, 0.18}, {-0.06, -0.11, -0.02}, 0, 6, 100),
                   compare("remax", {0.01, -0.02, 0.04}, {0.0, 0.0, 0.0}, 0, 0, 100)};
  const auto f = metrics::describe_models(a);
  ASSERT_EQ(f.size(), 3u);
  EXPECT_EQ(f[0].kinds, std::vector<VerdictKind>{VerdictKind::sharpens});
  EXPECT_EQ(f[1].kinds, (std::vector<VerdictKind>{VerdictKind::sharpens, VerdictKind::narrows}));
  EXPECT_EQ(f[2].kinds, std::vector<VerdictKind>{VerdictKind::no_significant_difference});
  for (const auto& x : f) {
    EXPECT_EQ(x.reasons, std::vector<VerdictReason>{VerdictReason::base_at_ceiling}) << x.model;
    EXPECT_TRUE(contains(x.sentence, "the base is at its ceiling at k = 64 (it solves every problem), so "
                                     "expansion cannot be measured"))
        << x.sentence;
  }
  const std::string summary = metrics::findings_summary(f);
  EXPECT_TRUE(contains(summary, "2 of 3 models sharpen (pass@1 significantly above the base's)")) << summary;
  EXPECT_TRUE(contains(summary, "1 narrows")) << summary;
  EXPECT_TRUE(contains(summary, "none expand: the base is at its ceiling at k = 64, so expansion cannot be "
                                "measured"))
      << summary;
  EXPECT_TRUE(contains(summary, "1 shows no significant difference")) << summary;
}

TEST(Findings, BaseIntervalFromNinetyNinePercentIsACeilingAndLowerIsNot) {
  // 2 of 100 problems unsolved by the base: not every problem, so only the
  // interval can make a ceiling.
  Analysis near = with_base({0.30, 0.25, 0.35}, {0.995, 0.99, 1.0});
  near.models.push_back(model("rl", {0.30, 0.25, 0.35}, {0.995, 0.99, 1.0}));
  near.comparisons = {compare("rl", {0.0, -0.02, 0.02}, {0.0, -0.01, 0.01}, 0, 0, 98)};
  EXPECT_EQ(only_finding(near).reasons, std::vector<VerdictReason>{VerdictReason::base_at_ceiling});

  Analysis below = with_base({0.30, 0.25, 0.35}, {0.98, 0.95, 1.0});
  below.models.push_back(model("rl", {0.30, 0.25, 0.35}, {0.98, 0.95, 1.0}));
  below.comparisons = {compare("rl", {0.0, -0.02, 0.02}, {0.0, -0.01, 0.01}, 0, 0, 98)};
  EXPECT_TRUE(only_finding(below).reasons.empty());
  EXPECT_FALSE(contains(metrics::findings_summary(metrics::describe_models(below)), "ceiling"));
}

TEST(Findings, NewProblemsWithoutASignificantGainAreSaidSo) {
  // The quick study's distilled model: pass@64 .88 against .77 and 15
  // problems only it solves, but the difference's interval holds 0.
  Analysis a = with_base({0.09, 0.07, 0.11}, {0.77, 0.69, 0.85});
  a.models.push_back(model("distill", {0.152, 0.125, 0.179}, {0.88, 0.81, 0.94}));
  a.comparisons = {compare("distill", {0.062, 0.035, 0.089}, {0.11, -0.005, 0.22}, 15, 4, 77)};
  const auto f = only_finding(a);
  EXPECT_EQ(f.kinds, std::vector<VerdictKind>{VerdictKind::sharpens});
  EXPECT_EQ(f.reasons, std::vector<VerdictReason>{VerdictReason::new_problems_not_significant});
  EXPECT_TRUE(contains(f.sentence, "solves 15 problems the base never solved")) << f.sentence;
  EXPECT_TRUE(contains(f.sentence, "do not make its pass@64 gain significant")) << f.sentence;
  EXPECT_FALSE(contains(f.sentence, "without expanding")) << f.sentence;
  EXPECT_TRUE(contains(metrics::findings_summary({f}), "1 solves problems the base never solved without a "
                                                       "significant gain at pass@64"));
}

TEST(Findings, WithoutBootstrapNothingIsJudged) {
  Analysis a = with_base();
  a.bootstrap = 0;
  a.models.push_back(model("rl", {0.60, 0.60, 0.60}, {0.70, 0.70, 0.70}));
  a.comparisons = {compare("rl", {0.30, 0.30, 0.30}, {-0.10, -0.10, -0.10}, 0, 10)};
  const auto f = only_finding(a);
  EXPECT_EQ(f.kinds, std::vector<VerdictKind>{VerdictKind::not_judged});
  EXPECT_TRUE(contains(metrics::findings_summary({f}), "No bootstrap intervals were computed"));
}

TEST(Findings, ComparisonWithoutPairedDifferencesGetsNoVerdict) {
  Analysis a = with_base();
  a.models.push_back(model("rl", {0.60, 0.55, 0.65}, {0.70, 0.62, 0.78}));
  Comparison c = compare("rl", {0, 0, 0}, {0, 0, 0}, 0, 10);
  c.pass_at_k_difference.clear();
  a.comparisons = {c};
  EXPECT_TRUE(metrics::describe_models(a).empty());
}

namespace {

// Problems "0".."99" with the given correct counts out of n.
data::ModelSamples counts(const std::vector<int64_t>& correct, int64_t n) {
  data::ModelSamples samples;
  for (size_t p = 0; p < correct.size(); ++p) {
    data::ProblemSamples& problem = samples.problems[std::to_string(p)];
    problem.n = n;
    problem.correct = correct[p];
  }
  return samples;
}

}  // namespace

TEST(FindingsFromAnalysis, SharperModelThatLosesProblemsSharpensAndNarrows) {
  // base: 40 problems never solved, 60 solved 2 times in 16 -> pass@1 0.075, pass@16 0.6.
  // rl: 30 of those 60 always solved, the other 30 never -> pass@1 0.3, pass@16 0.3.
  std::vector<int64_t> base(100, 0), rl(100, 0);
  for (int p = 40; p < 100; ++p) base[p] = 2;
  for (int p = 40; p < 70; ++p) rl[p] = 16;
  metrics::AnalysisOptions options;
  options.ks = {1, 16};
  options.bootstrap = 400;
  Analysis a = metrics::analyze_models({{"base", counts(base, 16)}, {"rl", counts(rl, 16)}}, options);
  ASSERT_EQ(a.comparisons.size(), 1u);
  const auto& d = a.comparisons[0].pass_at_k_difference;
  ASSERT_EQ(d.size(), 2u);
  EXPECT_NEAR(d[0].value, 0.3 - 0.075, 1e-12);
  EXPECT_NEAR(d[1].value, 0.3 - 0.6, 1e-12);
  const auto f = only_finding(a);
  EXPECT_EQ(f.kinds, (std::vector<VerdictKind>{VerdictKind::sharpens, VerdictKind::narrows}));
  EXPECT_EQ(f.baseline_only, 30u);
  EXPECT_EQ(f.model_only, 0u);
}

TEST(FindingsFromAnalysis, DifferenceIntervalIsPaired) {
  // Two models with the same counts on every problem: every replicate draws
  // the same problems for both, so the difference is exactly 0 in each,
  // although each model's own interval is wide. Unpaired resampling would
  // give a wide interval around 0.
  std::vector<int64_t> correct(100);
  for (int p = 0; p < 100; ++p) correct[p] = p % 9;
  metrics::AnalysisOptions options;
  options.ks = {1, 8};
  options.bootstrap = 300;
  Analysis a = metrics::analyze_models({{"base", counts(correct, 8)}, {"twin", counts(correct, 8)}}, options);
  const ModelSummary& twin = a.models[1];
  EXPECT_GT(twin.pass_at_k[0].ci_high - twin.pass_at_k[0].ci_low, 0.05);
  for (const CurvePoint& d : a.comparisons[0].pass_at_k_difference) {
    EXPECT_EQ(d.value, 0.0);
    EXPECT_EQ(d.ci_low, 0.0);
    EXPECT_EQ(d.ci_high, 0.0);
  }
  EXPECT_EQ(only_finding(a).kinds, std::vector<VerdictKind>{VerdictKind::no_significant_difference});
}
