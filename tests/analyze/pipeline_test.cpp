// End to end: real files in a temp dir -> analyze_files -> the written
// summary.json and CSVs, checked against hand-computed values.
#include <fstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "rlvr/metrics/analysis_files.h"
#include "rlvr/metrics/analyze.h"
#include "rlvr/metrics/pass_at_k.h"
#include "rlvr/util/error.h"
#include "support/temp_dir.h"

using nlohmann::json;
using namespace rlvr::metrics;

namespace {

// Reference-row files as the reference evaluation writes them: problem 0 is
// solved by both, 1 only by base, 2 by neither, 3 only by rl.
void write_reference_files(const TempDir& dir) {
  dir.write("base.jsonl",
            "{\"idx\": 0, \"question\": \"1+1\", \"gt\": \"2\", \"code\": [\"a\",\"b\",\"c\",\"d\"], "
            "\"pred\": [\"2\",\"2\",\"3\",\"2\"], \"score\": [true,true,false,true], \"finish_reason\": [\"stop\",\"stop\",\"stop\",\"stop\"]}\n"
            "{\"idx\": 1, \"gt\": \"5\", \"code\": [\"a\",\"b\",\"c\",\"d\"], \"pred\": [\"5\",\"4\",\"4\",\"6\"], "
            "\"score\": [true,false,false,false]}\n"
            "{\"idx\": 2, \"gt\": \"9\", \"code\": [\"a\",\"b\",\"c\",\"d\"], \"pred\": [\"1\",\"1\",\"1\",\"1\"], "
            "\"score\": [false,false,false,false]}\n"
            "{\"idx\": 3, \"gt\": \"7\", \"code\": [\"a\",\"b\",\"c\",\"d\"], \"pred\": [\"0\",\"0\",\"1\",\"1\"], "
            "\"score\": [false,false,false,false]}\n");
  dir.write("rl.jsonl",
            "{\"idx\": 0, \"gt\": \"2\", \"code\": [\"a\",\"b\",\"c\",\"d\"], \"pred\": [\"2\",\"2\",\"2\",\"2\"], "
            "\"score\": [true,true,true,true]}\n"
            "{\"idx\": 1, \"gt\": \"5\", \"code\": [\"a\",\"b\",\"c\",\"d\"], \"pred\": [\"4\",\"4\",\"4\",\"4\"], "
            "\"score\": [false,false,false,false]}\n"
            "{\"idx\": 2, \"gt\": \"9\", \"code\": [\"a\",\"b\",\"c\",\"d\"], \"pred\": [\"1\",\"1\",\"1\",\"1\"], "
            "\"score\": [false,false,false,false]}\n"
            "{\"idx\": 3, \"gt\": \"7\", \"code\": [\"a\",\"b\",\"c\",\"d\"], \"pred\": [\"7\",\"7\",\"0\",\"7\"], "
            "\"score\": [true,true,false,true]}\n");
}

json read_json(const std::filesystem::path& path) { return json::parse(rlvr::read_file(path)); }

}  // namespace

TEST(AnalyzePipeline, ReferenceRowsEndToEnd) {
  TempDir dir;
  write_reference_files(dir);
  AnalysisOptions options;
  options.bootstrap = 200;
  options.seed = 3;
  options.cover_taus = {0.75, 0.25, 1.0, 0.25};  // sorted and made unique by the analysis
  auto analysis = analyze_files({{"base", {dir.path() / "base.jsonl"}}, {"rl", {dir.path() / "rl.jsonl"}}}, {},
                                options);
  auto out = dir.path() / "out";
  write_analysis_files(render_analysis_files(analysis), out);

  json s = read_json(out / "summary.json");
  const json& base = s["models"]["base"];
  EXPECT_EQ(base["problems"], 4);
  EXPECT_EQ(base["n_min"], 4);
  EXPECT_EQ(base["n_max"], 4);
  EXPECT_EQ(base["solved"], 2);
  // pass@1 = mean of c/n = (3/4 + 1/4 + 0 + 0) / 4.
  EXPECT_DOUBLE_EQ(base["pass_at_k"]["1"].get<double>(), 0.25);
  // pass@2: problem 0: 1 - C(1,2)/C(4,2) = 1; problem 1: 1 - C(3,2)/C(4,2) = 1/2.
  EXPECT_DOUBLE_EQ(base["pass_at_k"]["2"].get<double>(), 1.5 / 4);
  EXPECT_DOUBLE_EQ(base["pass_at_k"]["4"].get<double>(), 0.5);
  EXPECT_DOUBLE_EQ(s["models"]["rl"]["pass_at_k"]["1"].get<double>(), (1 + 0.75) / 4);
  // Histogram: base accuracies .75, .25, 0, 0 -> bins 7, 2, 0, 0.
  EXPECT_EQ(base["accuracy_histogram"], json({2, 0, 1, 0, 0, 0, 0, 1, 0, 0}));
  // maj@4 (all samples vote): base 0: "2" wins (correct); 1: "4" wins (wrong);
  // 2: wrong; 3: tie "0"/"1", both wrong -> 0.25. rl 0 and 3 right -> 0.5.
  EXPECT_DOUBLE_EQ(base["maj_at_k"]["4"].get<double>(), 0.25);
  EXPECT_DOUBLE_EQ(s["models"]["rl"]["maj_at_k"]["4"].get<double>(), 0.5);
  // cover@tau: base accuracies .75, .25, 0, 0; rl 1, 0, 0, .75. An accuracy
  // equal to tau counts.
  EXPECT_EQ(s["settings"]["cover_tau"], json({0.25, 0.75, 1.0}));
  EXPECT_EQ(base["cover_at_tau"], json({{"0.25", 0.5}, {"0.75", 0.25}, {"1", 0.0}}));
  EXPECT_EQ(s["models"]["rl"]["cover_at_tau"], json({{"0.25", 0.5}, {"0.75", 0.5}, {"1", 0.25}}));
  for (const auto& [tau, ci] : base["cover_at_tau_ci"].items()) {
    EXPECT_LE(ci[0].get<double>(), base["cover_at_tau"][tau].get<double>()) << tau;
    EXPECT_GE(ci[1].get<double>(), base["cover_at_tau"][tau].get<double>()) << tau;
  }
  EXPECT_EQ(rlvr::read_file(out / "cover_at_tau.csv").substr(0, 36), "label,tau,value,ci_low,ci_high\nbase,");
  EXPECT_NE(rlvr::read_file(out / "cover_at_tau.csv").find("\nrl,1,0.25,"), std::string::npos);

  const json& c = s["comparisons"][0];
  EXPECT_EQ(c["baseline"], "base");
  EXPECT_EQ(c["model"], "rl");
  EXPECT_EQ(c["problems"], 4);
  EXPECT_EQ(c["k_max"], 4);
  // base 0.25, 0.375, 0.5 vs rl 0.4375, 0.5, 0.5: equal at k = 4 only.
  EXPECT_EQ(c["crossover_k"], 4);
  EXPECT_DOUBLE_EQ(c["delta_se"].get<double>(), 0.5 - 0.4375);
  EXPECT_EQ(c["coverage"], json({{"both", 1}, {"baseline_only", 1}, {"model_only", 1}, {"neither", 1}}));
  EXPECT_EQ(c["coverage_ids"]["baseline_only"], json({"1"}));
  EXPECT_EQ(c["coverage_ids"]["model_only"], json({"3"}));
  // rl minus base, paired: pass@1 0.4375 - 0.25, pass@4 0.5 - 0.5.
  EXPECT_DOUBLE_EQ(c["pass_at_k_difference"]["1"].get<double>(), 0.1875);
  EXPECT_DOUBLE_EQ(c["pass_at_k_difference"]["4"].get<double>(), 0.0);
  EXPECT_LT(c["pass_at_k_difference_ci"]["1"][0].get<double>(), 0.1875);
  EXPECT_GT(c["pass_at_k_difference_ci"]["1"][1].get<double>(), 0.1875);

  std::string csv = rlvr::read_file(out / "pass_at_k.csv");
  EXPECT_EQ(csv.substr(0, csv.find('\n')), "label,k,value,ci_low,ci_high");
  EXPECT_NE(csv.find("base,1,0.25,"), std::string::npos) << csv;
  EXPECT_EQ(rlvr::read_file(out / "per_problem.csv"),
            "problem_id,base_n,base_correct,rl_n,rl_correct\n0,4,3,4,4\n1,4,1,4,0\n2,4,0,4,0\n3,4,0,4,3\n");
  std::string coverage = rlvr::read_file(out / "coverage.csv");
  EXPECT_NE(coverage.find("base,rl,3,model_only"), std::string::npos) << coverage;
}

// The fields the report, scripts and users rely on, with their types.
TEST(AnalyzePipeline, SummarySchema) {
  TempDir dir;
  write_reference_files(dir);
  auto analysis = analyze_files({{"base", {dir.path() / "base.jsonl"}}, {"rl", {dir.path() / "rl.jsonl"}}}, {}, {});
  json s = json::parse(render_analysis_files(analysis)[0].second);
  for (const auto& [label, m] : s["models"].items()) {
    for (const char* key : {"problems", "n_min", "n_max", "solved"}) EXPECT_TRUE(m[key].is_number_integer()) << key;
    ASSERT_TRUE(m["pass_at_k"].is_object());
    ASSERT_TRUE(m["pass_at_k_ci"].is_object());
    for (const auto& [k, v] : m["pass_at_k"].items()) {
      EXPECT_TRUE(v.is_number_float());
      const json& ci = m["pass_at_k_ci"][k];
      ASSERT_TRUE(ci.is_array() && ci.size() == 2) << k;
      EXPECT_LE(ci[0].get<double>(), v.get<double>() + 1e-12);
      EXPECT_GE(ci[1].get<double>(), v.get<double>() - 1e-12);
    }
    EXPECT_TRUE(m["pass_at_k"].contains("1"));
    ASSERT_TRUE(m["accuracy_histogram"].is_array());
    EXPECT_EQ(m["accuracy_histogram"].size(), 10u);
    EXPECT_TRUE(m["maj_at_k"].is_object());
  }
  ASSERT_TRUE(s["comparisons"].is_array());
  for (const auto& c : s["comparisons"]) {
    EXPECT_TRUE(c["baseline"].is_string());
    EXPECT_TRUE(c["model"].is_string());
    EXPECT_TRUE(c["problems"].is_number_integer());
    EXPECT_TRUE(c["crossover_k"].is_number_integer() || c["crossover_k"].is_null());
    EXPECT_TRUE(c["delta_se"].is_number_float());
    EXPECT_TRUE(c["k_max"].is_number_integer());
    for (const char* cell : {"both", "baseline_only", "model_only", "neither"}) {
      EXPECT_TRUE(c["coverage"][cell].is_number_integer()) << cell;
      EXPECT_EQ(c["coverage_ids"][cell].size(), c["coverage"][cell].get<size_t>()) << cell;
    }
    ASSERT_TRUE(c["pass_at_k_difference"].is_object());
    for (const auto& [k, v] : c["pass_at_k_difference"].items()) {
      const json& ci = c["pass_at_k_difference_ci"][k];
      ASSERT_TRUE(ci.is_array() && ci.size() == 2) << k;
      EXPECT_LE(ci[0].get<double>(), v.get<double>() + 1e-12);
      EXPECT_GE(ci[1].get<double>(), v.get<double>() - 1e-12);
    }
    ASSERT_TRUE(c["verdict"].is_object());
    ASSERT_TRUE(c["verdict"]["kinds"].is_array());
    EXPECT_FALSE(c["verdict"]["kinds"].empty());
    EXPECT_TRUE(c["verdict"]["reasons"].is_array());
    EXPECT_TRUE(c["verdict"]["text"].is_string());
    EXPECT_TRUE(c["verdict"]["sentence"].is_string());
  }
  EXPECT_TRUE(s["findings"].is_string());
  for (const auto& [label, m] : s["models"].items()) {
    ASSERT_TRUE(m["cover_at_tau"].is_object()) << label;
    EXPECT_EQ(m["cover_at_tau"].size(), 5u);  // the default tau
    EXPECT_EQ(m["cover_at_tau_ci"].size(), 5u);
  }
  EXPECT_EQ(s["settings"]["cover_tau"], json({0.1, 0.3, 0.5, 0.7, 0.9}));
  EXPECT_EQ(s["settings"]["bootstrap"], 1000);
  EXPECT_TRUE(s["notes"].is_array());
}

TEST(AnalyzePipeline, FlatSamplesShardsAndCountsMix) {
  TempDir dir;
  dir.write("a0.jsonl", "{\"problem_id\": 1, \"correct\": true}\n{\"problem_id\": 2, \"correct\": false}\n");
  dir.write("a1.jsonl", "{\"problem_id\": 1, \"correct\": false}\n{\"problem_id\": 2, \"correct\": true}\n");
  dir.write("b.csv", "problem_id,n,correct\n1,2,2\n2,2,0\n3,2,1\n");
  AnalysisOptions options;
  options.baseline = "b";
  auto a = analyze_files({{"a", {dir.path() / "a0.jsonl", dir.path() / "a1.jsonl"}}, {"b", {dir.path() / "b.csv"}}},
                         {}, options);
  EXPECT_EQ(a.baseline, "b");
  ASSERT_EQ(a.comparisons.size(), 1u);
  EXPECT_EQ(a.comparisons[0].model, "a");
  EXPECT_EQ(a.problems, 2);  // problem 3 only in b
  EXPECT_EQ(a.missing_problems.at("a"), std::vector<std::string>{"3"});
  EXPECT_DOUBLE_EQ(a.models[0].pass_at_k[0].value, 0.5);  // a: 1/2 and 1/2
  EXPECT_DOUBLE_EQ(a.models[1].pass_at_k[0].value, 0.5);  // b: 2/2 and 0/2
  EXPECT_DOUBLE_EQ(a.models[0].pass_at_k[1].value, 1.0);
}

TEST(AnalyzePipeline, MalformedInputWritesNothing) {
  TempDir dir;
  write_reference_files(dir);
  dir.write("bad.jsonl", "{\"idx\": 0, \"score\": [true, \"maybe\"]}\n");
  auto out = dir.path() / "out";
  try {
    auto a = analyze_files({{"base", {dir.path() / "base.jsonl"}}, {"rl", {dir.path() / "bad.jsonl"}}}, {}, {});
    write_analysis_files(render_analysis_files(a), out);
    FAIL();
  } catch (const rlvr::InputError& e) {
    EXPECT_EQ(e.line(), 1);
    EXPECT_EQ(e.field(), "score");
  }
  EXPECT_FALSE(std::filesystem::exists(out));
}
