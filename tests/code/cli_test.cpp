// End to end through the programs: code samples -> rlvr verify --dataset
// humaneval -> rlvr analyze -> summary.json and report.html with pass@k
// curves. Two models, one as flat samples and one as reference rows. Skipped
// when build/rlvr has not been built.
#include <cstdlib>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "rlvr/code/problems.h"
#include "support/rlvr_cli.h"
#include "support/temp_dir.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// Problem i of the first five: `right[i]` of 4 samples are the reference solution.
std::string completion(const rlvr::code::CodeProblem& p, bool right, int sample) {
  if (right) return sample % 2 ? std::string("```python\n") + p.prompt + p.reference + "```" : p.reference;
  return sample % 2 ? "    return None\n" : "    import os\n    os._exit(0)\n";
}

}  // namespace

TEST(CodeCli, VerifyThenAnalyze) {
  if (!fs::exists(rlvr_binary())) GTEST_SKIP() << "not built: " << rlvr_binary();
  TempDir dir;
  auto problems = rlvr::code::load_code_dataset("humaneval", fs::path(RLVR_SOURCE_DIR) / "data");
  const int base_right[5] = {4, 2, 1, 0, 0};
  const int rl_right[5] = {4, 4, 0, 0, 3};
  std::string flat, rows;
  for (int i = 0; i < 5; ++i) {
    json code = json::array();
    for (int s = 0; s < 4; ++s) {
      // Ids as the problem's number, as reference rows name it, so analyze pairs them.
      flat += json{{"problem_id", i},
                   {"sample_id", s},
                   {"completion", completion(problems[static_cast<size_t>(i)], s < base_right[i], s)}}
                  .dump() +
              "\n";
      code.push_back(completion(problems[static_cast<size_t>(i)], s < rl_right[i], s));
    }
    rows += json{{"idx", i}, {"code", code}}.dump() + "\n";
  }
  auto base_in = dir.write("base.jsonl", flat);
  auto rl_in = dir.write("rl.jsonl", rows);
  auto log = dir.path() / "log.txt";
  ASSERT_EQ(run_rlvr(fmt::format("verify --dataset humaneval --samples {} --out {} --timeout 20", base_in.string(),
                            (dir.path() / "base_labelled.jsonl").string()),
                log),
            0)
      << rlvr::read_file(log);
  std::string printed = rlvr::read_file(log);
  EXPECT_NE(printed.find("7 passed"), std::string::npos) << printed;
  EXPECT_NE(printed.find("failed:Exit"), std::string::npos) << printed;
  ASSERT_EQ(run_rlvr(fmt::format("verify --dataset humaneval --samples {} --out {} --timeout 20", rl_in.string(),
                            (dir.path() / "rl_labelled.jsonl").string()),
                log),
            0)
      << rlvr::read_file(log);
  auto out = dir.path() / "analysis";
  ASSERT_EQ(run_rlvr(fmt::format("analyze --model base={} --model rl={} --bootstrap 50 --seed 1 --out {}",
                            (dir.path() / "base_labelled.jsonl").string(),
                            (dir.path() / "rl_labelled.jsonl").string(), out.string()),
                log),
            0)
      << rlvr::read_file(log);
  json summary = json::parse(rlvr::read_file(out / "summary.json"));
  auto pass_at = [&](const char* model, const char* k) {
    return summary["models"][model]["pass_at_k"][k].get<double>();
  };
  EXPECT_DOUBLE_EQ(pass_at("base", "1"), 7.0 / 20.0);
  EXPECT_DOUBLE_EQ(pass_at("rl", "1"), 11.0 / 20.0);
  EXPECT_DOUBLE_EQ(pass_at("base", "4"), 3.0 / 5.0);                  // problems 0, 1, 2
  EXPECT_DOUBLE_EQ(pass_at("rl", "4"), 3.0 / 5.0);                    // problems 0, 1, 4
  EXPECT_EQ(summary["comparisons"][0]["coverage"]["model_only"], 1);  // problem 4
  std::string html = rlvr::read_file(out / "report.html");
  EXPECT_NE(html.find("<svg"), std::string::npos);
  EXPECT_TRUE(fs::exists(out / "pass_at_k.svg"));
}

TEST(CodeCli, NoSandboxIsAnErrorUnlessAskedFor) {
  if (!fs::exists(rlvr_binary())) GTEST_SKIP() << "not built: " << rlvr_binary();
  TempDir dir;
  auto in = dir.write("s.jsonl", "{\"problem_id\": \"HumanEval/0\", \"completion\": \"    return True\\n\"}\n");
  auto log = dir.path() / "log.txt";
  // --unsafe-no-sandbox is recorded in every row.
  ASSERT_EQ(run_rlvr(fmt::format("verify --dataset humaneval --samples {} --out {} --unsafe-no-sandbox", in.string(),
                            (dir.path() / "o.jsonl").string()),
                log),
            0)
      << rlvr::read_file(log);
  json row = json::parse(rlvr::read_file(dir.path() / "o.jsonl"));
  EXPECT_EQ(row["sandbox"], "none");
  EXPECT_EQ(row["status"], "failed:AssertionError");
  // Where user namespaces cannot be created (here: inside a user namespace
  // whose user.max_user_namespaces is 0) it stops with the reason and writes nothing.
  if (std::system("unshare -Ur true 2> /dev/null") != 0) GTEST_SKIP() << "unshare -Ur not available";
  std::string command = fmt::format(
      "unshare -Ur sh -c 'echo 0 > /proc/sys/user/max_user_namespaces && \"{}\" verify --dataset humaneval "
      "--samples {} --out {}' > {} 2>&1",
      rlvr_binary().string(), in.string(), (dir.path() / "refused.jsonl").string(), log.string());
  int status = std::system(command.c_str());
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 1);
  std::string message = rlvr::read_file(log);
  EXPECT_NE(message.find("user namespaces are not available"), std::string::npos) << message;
  EXPECT_NE(message.find("--unsafe-no-sandbox"), std::string::npos) << message;
  EXPECT_FALSE(fs::exists(dir.path() / "refused.jsonl"));
}
