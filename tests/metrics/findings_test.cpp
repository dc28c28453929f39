#include <gtest/gtest.h>

#include "rlvr/metrics/findings.h"

using namespace rlvr;

namespace {
ModelSummary model(const std::string& label, double p1, double pk) {
  ModelSummary m;
  m.label = label;
  m.pass_at_k = {{1, p1, p1 - 0.02, p1 + 0.02}, {64, pk, pk - 0.02, pk + 0.02}};
  return m;
}
Comparison compare(const std::string& model, size_t gained, size_t lost) {
  Comparison c;
  c.baseline = "base";
  c.model = model;
  c.k_max = 64;
  c.problems = 100;
  c.coverage.model_only.assign(gained, "p");
  c.coverage.baseline_only.assign(lost, "p");
  return c;
}
}  // namespace

TEST(Findings, SharperPassAt1AndLowerCeilingIsSharpening) {
  Analysis a;
  a.models = {model("base", 0.30, 0.90), model("grpo", 0.60, 0.80)};
  a.comparisons = {compare("grpo", 1, 9)};
  a.comparisons[0].crossover_k = 8;
  auto f = metrics::describe_models(a);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].verdict, metrics::BoundaryVerdict::sharpens);
  EXPECT_NE(f[0].sentence.find("catches up at k = 8"), std::string::npos);
  EXPECT_NE(f[0].sentence.find("pass@1 60.0% vs 30.0%"), std::string::npos);
}

TEST(Findings, HigherCeilingWithNewProblemsIsExpansion) {
  Analysis a;
  a.models = {model("base", 0.30, 0.70), model("distill", 0.50, 0.90)};
  a.comparisons = {compare("distill", 12, 2)};
  EXPECT_EQ(metrics::describe_models(a)[0].verdict, metrics::BoundaryVerdict::expands);
  EXPECT_NE(metrics::findings_paragraph(a).find("1 of 1 model expands"), std::string::npos);
}

TEST(Findings, OverlappingIntervalsAreIndistinct) {
  Analysis a;
  a.models = {model("base", 0.30, 0.70), model("rl", 0.31, 0.71)};
  a.comparisons = {compare("rl", 0, 0)};
  EXPECT_EQ(metrics::describe_models(a)[0].verdict, metrics::BoundaryVerdict::indistinct);
}

TEST(Findings, LowerCeilingWithoutPassAt1GainIsShrinking) {
  Analysis a;
  a.models = {model("base", 0.06, 0.66), model("grpo", 0.05, 0.13)};
  a.comparisons = {compare("grpo", 0, 50)};
  EXPECT_EQ(metrics::describe_models(a)[0].verdict, metrics::BoundaryVerdict::shrinks);
}

TEST(Findings, WorseEverywhereIsShrinking) {
  Analysis a;
  a.models = {model("base", 0.30, 0.70), model("rl", 0.10, 0.40)};
  a.comparisons = {compare("rl", 0, 20)};
  EXPECT_EQ(metrics::describe_models(a)[0].verdict, metrics::BoundaryVerdict::shrinks);
}
