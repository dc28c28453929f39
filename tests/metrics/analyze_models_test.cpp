#include <gtest/gtest.h>

#include "rlvr/metrics/analyze.h"
#include "rlvr/metrics/pass_at_k.h"
#include "rlvr/util/error.h"

using namespace rlvr::metrics;

namespace {
ModelInput model(std::string label, std::vector<std::tuple<std::string, int64_t, int64_t>> counts) {
  ModelInput m{std::move(label), {}};
  for (auto& [id, n, c] : counts) {
    m.samples.problems[id].n = n;
    m.samples.problems[id].correct = c;
  }
  return m;
}
AnalysisOptions options(int64_t bootstrap, std::string baseline = "") {
  AnalysisOptions o;
  o.bootstrap = bootstrap;
  o.baseline = std::move(baseline);
  return o;
}
}  // namespace

TEST(AnalyzeModels, DropsProblemsNotSharedAndSaysSo) {
  auto base = model("base", {{"1", 4, 1}, {"2", 4, 0}, {"3", 4, 4}});
  auto rl = model("rl", {{"1", 4, 3}, {"3", 4, 4}, {"4", 4, 2}});
  AnalysisOptions o;
  o.bootstrap = 50;
  auto a = analyze_models({base, rl}, o);
  EXPECT_EQ(a.problems, 2);
  EXPECT_EQ(a.models[0].problems, 3);
  EXPECT_EQ(a.models[0].problems_analyzed, 2);
  EXPECT_EQ(a.missing_problems.at("rl"), (std::vector<std::string>{"2"}));
  EXPECT_EQ(a.missing_problems.at("base"), (std::vector<std::string>{"4"}));
  EXPECT_FALSE(a.notes.empty());
  EXPECT_EQ(a.ks, (std::vector<int64_t>{1, 2, 4}));
  // pass@1 over problems 1 and 3: base (1/4 + 1)/2, rl (3/4 + 1)/2.
  EXPECT_DOUBLE_EQ(a.models[0].pass_at_k[0].value, 0.625);
  EXPECT_DOUBLE_EQ(a.models[1].pass_at_k[0].value, 0.875);
  ASSERT_EQ(a.comparisons.size(), 1u);
  const auto& c = a.comparisons[0];
  EXPECT_EQ(c.k_max, 4);
  EXPECT_DOUBLE_EQ(c.delta_se, 1.0 - 0.875);  // both solve everything at k = 4
  EXPECT_EQ(c.crossover_k, 4);                // equal at 4, rl ahead at 2
  EXPECT_EQ(c.coverage.both.size(), 2u);
  // per_problem keeps every problem read, for the table.
  EXPECT_EQ(a.per_problem.size(), 4u);
  EXPECT_TRUE(a.models[0].maj_at_k.empty());  // counts only: no answers
}

TEST(AnalyzeModels, DefaultKEndsAtTheSmallestN) {
  auto a = analyze_models({model("m", {{"1", 100, 3}, {"2", 300, 0}})}, options(0));
  EXPECT_EQ(a.ks, (std::vector<int64_t>{1, 2, 4, 8, 16, 32, 64, 100}));
  EXPECT_EQ(a.models[0].n_min, 100);
  EXPECT_EQ(a.models[0].n_max, 300);
  // Problems with different n: each has its own estimator.
  EXPECT_DOUBLE_EQ(a.models[0].pass_at_k[2].value, pass_at_k(100, 3, 4) / 2);
}

TEST(AnalyzeModels, KAboveSomeNIsAnErrorNamingIt) {
  AnalysisOptions o;
  o.ks = {1, 8};
  try {
    analyze_models({model("base", {{"1", 8, 1}}), model("rl", {{"1", 8, 1}, {"x", 2, 1}}),
                    model("other", {{"1", 4, 1}})},
                   o);
    FAIL();
  } catch (const rlvr::Error& e) {
    std::string what = e.what();
    EXPECT_NE(what.find("k = 8 is larger than n = 4 of problem '1' of model 'other'"), std::string::npos) << what;
  }
}

TEST(AnalyzeModels, RefusesBadRequests) {
  auto m = model("a", {{"1", 4, 1}});
  EXPECT_THROW(analyze_models({m, m}, {}), rlvr::Error);                      // label twice
  EXPECT_THROW(analyze_models({m}, options(10, "b")), rlvr::Error);           // unknown baseline
  EXPECT_THROW(analyze_models({m, model("b", {{"2", 4, 1}})}, {}), rlvr::Error);  // nothing shared
}

TEST(AnalyzeModels, SameSeedSameResultAtAnyThreadCount) {
  auto base = model("base", {});
  auto rl = model("rl", {});
  for (int p = 0; p < 60; ++p) {
    base.samples.problems[std::to_string(p)] = {16, p % 7, {{"a", {int64_t(p % 7), int64_t(p % 7)}}, {"b", {16 - p % 7, 0}}}};
    rl.samples.problems[std::to_string(p)] = {16, p % 5 * 3, {{"a", {p % 5 * 3, p % 5 * 3}}, {"b", {16 - p % 5 * 3, 0}}}};
  }
  AnalysisOptions o;
  o.bootstrap = 200;
  o.seed = 5;
  o.threads = 1;
  auto one = analyze_models({base, rl}, o);
  o.threads = 3;
  auto three = analyze_models({base, rl}, o);
  ASSERT_FALSE(one.models[1].maj_at_k.empty());
  for (size_t m = 0; m < 2; ++m)
    for (size_t j = 0; j < one.ks.size(); ++j) {
      EXPECT_EQ(one.models[m].pass_at_k[j].ci_low, three.models[m].pass_at_k[j].ci_low);
      EXPECT_EQ(one.models[m].maj_at_k[j].value, three.models[m].maj_at_k[j].value);
      EXPECT_EQ(one.models[m].maj_at_k[j].ci_high, three.models[m].maj_at_k[j].ci_high);
    }
  o.seed = 6;
  auto other = analyze_models({base, rl}, o);
  EXPECT_NE(one.models[0].pass_at_k[1].ci_low, other.models[0].pass_at_k[1].ci_low);
  EXPECT_EQ(one.models[0].pass_at_k[1].value, other.models[0].pass_at_k[1].value);
}

TEST(NaturalOrder, NumbersNumericallyThenText) {
  EXPECT_TRUE(natural_less("2", "10"));
  EXPECT_TRUE(natural_less("10", "a"));
  EXPECT_TRUE(natural_less("a-1", "a-2"));
  EXPECT_FALSE(natural_less("10", "2"));
}

TEST(AnalyzeModels, CoverAtTauCountsProblemsWhoseAccuracyReachesTau) {
  // Accuracies 0, 1/10, 3/10, 5/10, 10/10: at tau = 0.3 the problem at exactly
  // 3/10 counts; at 0.31 it does not.
  auto m = model("m", {{"1", 10, 0}, {"2", 10, 1}, {"3", 10, 3}, {"4", 10, 5}, {"5", 10, 10}});
  AnalysisOptions o = options(200);
  o.cover_taus = {1.0, 0.3, 0.31, 0.1, 0.5};
  auto a = analyze_models({m}, o);
  EXPECT_EQ(a.cover_taus, (std::vector<double>{0.1, 0.3, 0.31, 0.5, 1.0}));
  const auto& cover = a.models[0].cover_at_tau;
  ASSERT_EQ(cover.size(), 5u);
  const std::vector<double> expected = {0.8, 0.6, 0.4, 0.4, 0.2};
  for (size_t j = 0; j < cover.size(); ++j) {
    EXPECT_DOUBLE_EQ(cover[j].value, expected[j]) << cover[j].tau;
    EXPECT_LE(cover[j].ci_low, cover[j].value) << cover[j].tau;
    EXPECT_GE(cover[j].ci_high, cover[j].value) << cover[j].tau;
  }
  // A resample of five problems: the interval of cover@1.0 (one problem of
  // five) must reach 0, and is not the point estimate alone.
  EXPECT_EQ(cover[4].ci_low, 0.0);
  EXPECT_GT(cover[4].ci_high, 0.2);
}

TEST(AnalyzeModels, CoverAtTauOutsideZeroToOneIsRefused) {
  auto m = model("m", {{"1", 10, 0}});
  for (double tau : {0.0, -0.1, 1.5}) {
    AnalysisOptions o = options(0);
    o.cover_taus = {0.5, tau};
    EXPECT_THROW(analyze_models({m}, o), rlvr::Error) << tau;
  }
  AnalysisOptions none = options(0);
  none.cover_taus.clear();
  EXPECT_TRUE(analyze_models({m}, none).models[0].cover_at_tau.empty());
}
