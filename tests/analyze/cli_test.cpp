// The rlvr program itself: exit codes and the files it writes. Skipped when
// build/rlvr has not been built.
#include <cstdlib>
#include <sstream>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/rlvr_cli.h"
#include "support/temp_dir.h"

namespace fs = std::filesystem;

namespace {

std::string samples(int problems, int n, int shift) {
  std::string text;
  for (int p = 0; p < problems; ++p)
    for (int s = 0; s < n; ++s)
      text += fmt::format("{{\"problem_id\": {}, \"sample_id\": {}, \"correct\": {}, \"answer\": \"{}\"}}\n", p, s,
                          (p * 7 + s * shift) % 5 == 0 ? "true" : "false", s % 3);
  return text;
}

}  // namespace

TEST(Cli, AnalyzeWritesEveryFile) {
  if (!fs::exists(rlvr_binary())) GTEST_SKIP() << "not built: " << rlvr_binary();
  TempDir dir;
  auto base = dir.write("base.jsonl", samples(20, 16, 1));
  auto rl = dir.write("rl.jsonl", samples(20, 16, 2));
  auto out = dir.path() / "out";
  int code = run_rlvr(fmt::format("analyze --model base={} --model rl={} --bootstrap 100 --seed 1 --out {}", base.string(),
                             rl.string(), out.string()),
                 dir.path() / "log.txt");
  ASSERT_EQ(code, 0) << rlvr::read_file(dir.path() / "log.txt");
  for (const char* f : {"summary.json", "pass_at_k.csv", "per_problem.csv", "coverage.csv", "maj_at_k.csv",
                        "cover_at_tau.csv", "pass_at_k.svg", "accuracy_histogram.svg", "report.html"})
    EXPECT_TRUE(fs::exists(out / f)) << f;
  auto summary = nlohmann::json::parse(rlvr::read_file(out / "summary.json"));
  EXPECT_EQ(summary["models"]["base"]["n_min"], 16);
  EXPECT_EQ(summary["settings"]["k"], nlohmann::json({1, 2, 4, 8, 16}));
  std::string log = rlvr::read_file(dir.path() / "log.txt");
  EXPECT_NE(log.find("crossover k"), std::string::npos) << log;
  EXPECT_NE(log.find("verdict"), std::string::npos) << log;
  EXPECT_NE(rlvr::read_file(out / "report.html").find("id=\"findings\""), std::string::npos);
  EXPECT_NE(log.find("report.html"), std::string::npos) << log;
}

TEST(Cli, BadInputFailsAndWritesNothing) {
  if (!fs::exists(rlvr_binary())) GTEST_SKIP() << "not built: " << rlvr_binary();
  TempDir dir;
  auto good = dir.write("good.jsonl", samples(5, 4, 1));
  auto bad = dir.write("bad.jsonl", samples(5, 4, 1) + "{\"problem_id\": 3, \"correct\": 2}\n");
  auto out = dir.path() / "out";
  auto log = dir.path() / "log.txt";
  EXPECT_EQ(run_rlvr(fmt::format("analyze --model a={} --model b={} --out {}", good.string(), bad.string(), out.string()), log), 1);
  std::string message = rlvr::read_file(log);
  EXPECT_NE(message.find(bad.string() + ":21: field 'correct'"), std::string::npos) << message;
  EXPECT_FALSE(fs::exists(out));
  // k larger than n is refused, naming the problem.
  EXPECT_EQ(run_rlvr(fmt::format("analyze --model a={} --k 1,8 --out {}", good.string(), out.string()), log), 1);
  EXPECT_NE(rlvr::read_file(log).find("k = 8 is larger than n = 4"), std::string::npos) << rlvr::read_file(log);
  EXPECT_FALSE(fs::exists(out));
}

TEST(Cli, CoverTauIsChosenCheckedOrTurnedOff) {
  if (!fs::exists(rlvr_binary())) GTEST_SKIP() << "not built: " << rlvr_binary();
  TempDir dir;
  auto base = dir.write("base.jsonl", samples(10, 8, 1));
  auto out = dir.path() / "out";
  auto log = dir.path() / "log.txt";
  ASSERT_EQ(run_rlvr(fmt::format("analyze --model base={} --cover-tau 0.5,0.25 --bootstrap 0 --out {}", base.string(),
                            out.string()),
                log),
            0)
      << rlvr::read_file(log);
  auto summary = nlohmann::json::parse(rlvr::read_file(out / "summary.json"));
  EXPECT_EQ(summary["settings"]["cover_tau"], nlohmann::json({0.25, 0.5}));
  EXPECT_EQ(summary["models"]["base"]["cover_at_tau"].size(), 2u);

  EXPECT_EQ(run_rlvr(fmt::format("analyze --model base={} --cover-tau 0.5,1.5 --out {}", base.string(),
                            (dir.path() / "bad").string()),
                log),
            1);
  EXPECT_NE(rlvr::read_file(log).find("'1.5' is not a number in (0, 1]"), std::string::npos) << rlvr::read_file(log);
  EXPECT_FALSE(fs::exists(dir.path() / "bad"));

  auto none = dir.path() / "none";
  ASSERT_EQ(run_rlvr(fmt::format("analyze --model base={} --cover-tau none --out {}", base.string(), none.string()), log), 0)
      << rlvr::read_file(log);
  EXPECT_FALSE(fs::exists(none / "cover_at_tau.csv"));
  EXPECT_FALSE(nlohmann::json::parse(rlvr::read_file(none / "summary.json"))["models"]["base"].contains("cover_at_tau"));
}

TEST(Cli, DemoWritesSamplesAndReport) {
  if (!fs::exists(rlvr_binary())) GTEST_SKIP() << "not built: " << rlvr_binary();
  TempDir dir;
  auto out = dir.path() / "demo";
  ASSERT_EQ(run_rlvr(fmt::format("demo --out {} --problems 40 --samples 32 --bootstrap 50", out.string()),
                dir.path() / "log.txt"),
            0)
      << rlvr::read_file(dir.path() / "log.txt");
  EXPECT_TRUE(fs::exists(out / "samples" / "base.jsonl"));
  EXPECT_TRUE(fs::exists(out / "samples" / "rl.jsonl"));
  EXPECT_TRUE(fs::exists(out / "report.html"));
  auto summary = nlohmann::json::parse(rlvr::read_file(out / "summary.json"));
  EXPECT_EQ(summary["models"]["rl"]["problems"], 40);
  EXPECT_TRUE(summary["models"]["rl"].contains("maj_at_k"));
}

// The benchmark sets ship with the project: --dataset works from any folder,
// with no RLVR_DATA_DIR and no ../shared beside the working directory.
TEST(Cli, VerifyFindsTheShippedBenchmarks) {
  if (!fs::exists(rlvr_binary())) GTEST_SKIP() << "not built: " << rlvr_binary();
  TempDir dir;
  auto samples = dir.write("samples.jsonl",
                           "{\"problem_id\": \"test/precalculus/807.json\", \"sample_id\": 0, "
                           "\"completion\": \"so the point is \\\\boxed{(3, \\\\frac{\\\\pi}{2})}\"}\n"
                           "{\"problem_id\": \"test/precalculus/807.json\", \"sample_id\": 1, "
                           "\"completion\": \"so the point is \\\\boxed{(3, \\\\pi)}\"}\n");
  auto out = dir.path() / "labelled.jsonl";
  auto log = dir.path() / "log.txt";
  std::string command = fmt::format("cd \"{}\" && env -u RLVR_DATA_DIR \"{}\" verify --dataset math500 --samples {} --out {} > \"{}\" 2>&1",
                                    dir.path().string(), rlvr_binary().string(), samples.string(), out.string(), log.string());
  ASSERT_EQ(std::system(command.c_str()), 0) << rlvr::read_file(log);
  std::string labelled = rlvr::read_file(out);
  EXPECT_NE(labelled.find("\"correct\":true"), std::string::npos) << labelled;
  EXPECT_NE(labelled.find("\"correct\":false"), std::string::npos) << labelled;
}

// rlvr lists the laboratory's commands and hands them over to rlvr-lab.
TEST(Cli, LaboratoryCommandsAreHandedOver) {
  if (!fs::exists(rlvr_binary())) GTEST_SKIP() << "not built: " << rlvr_binary();
  TempDir dir;
  auto log = dir.path() / "log.txt";
  ASSERT_EQ(run_rlvr("--help", log), 0);
  std::string help = rlvr::read_file(log);
  for (const char* command : {"analyze", "verify", "study", "train", "pretrain", "distill", "sample"})
    EXPECT_NE(help.find(std::string("\n  ") + command + " "), std::string::npos) << command << "\n" << help;
  if (!fs::exists(fs::path(RLVR_BINARY_DIR) / "rlvr-lab")) GTEST_SKIP() << "rlvr-lab not built";
  ASSERT_EQ(run_rlvr("pretrain --help", log), 0) << rlvr::read_file(log);
  EXPECT_NE(rlvr::read_file(log).find("--task"), std::string::npos) << rlvr::read_file(log);
  EXPECT_NE(rlvr::read_file(log).find("--shards"), std::string::npos) << rlvr::read_file(log);
  EXPECT_NE(run_rlvr("pretrain --task countdown --shards 0 --out " + (dir.path() / "m").string(), log), 0);
  EXPECT_NE(rlvr::read_file(log).find("--shards"), std::string::npos) << rlvr::read_file(log);
  EXPECT_FALSE(fs::exists(dir.path() / "m"));
}

// `rlvr tasks chance --per-problem`: a line a test problem, with the chance of one
// guess and pass@k of guessing, so that samples can be split by what luck reaches.
TEST(Cli, ChancePerProblemPrintsEveryProblem) {
  if (!fs::exists(rlvr_binary())) GTEST_SKIP() << "not built: " << rlvr_binary();
  TempDir dir;
  auto log = dir.path() / "log.txt";
  // modeq at difficulty 1 draws its modulus 5: a guess is right 1 time in 5.
  ASSERT_EQ(run_rlvr("tasks chance --per-problem --family modeq --difficulty 1 --count 3 --k 1 2", log), 0)
      << rlvr::read_file(log);
  std::string text = rlvr::read_file(log);
  EXPECT_NE(text.find("pass@2"), std::string::npos) << text;
  // The log holds stderr too (a sanitizer's report, say): find each problem's line by its id.
  for (const char* id : {"modeq-d1-test-000000", "modeq-d1-test-000001", "modeq-d1-test-000002"}) {
    size_t at = text.find(std::string("\n") + id + " ");
    ASSERT_NE(at, std::string::npos) << id << "\n" << text;
    std::istringstream fields(text.substr(at + 1, text.find('\n', at + 1) - at - 1));
    std::string problem;
    double chance = 0, pass1 = 0, pass2 = 0;
    fields >> problem >> chance >> pass1 >> pass2;
    EXPECT_EQ(problem, id) << text;
    EXPECT_DOUBLE_EQ(chance, 0.2) << text;
    EXPECT_DOUBLE_EQ(pass1, 0.2) << text;
    EXPECT_DOUBLE_EQ(pass2, 0.36) << text;  // 1 - 0.8^2
  }
  EXPECT_EQ(text.find("modeq-d1-test-000003"), std::string::npos) << text;
  EXPECT_EQ(run_rlvr("tasks chance --per-problem", log), 1);
  EXPECT_NE(rlvr::read_file(log).find("--family"), std::string::npos) << rlvr::read_file(log);
}
