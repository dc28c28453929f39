// End to end: a tiny study run by the real `rlvr` program, once without
// interruption and once killed during RL and again during sampling, then
// resumed. Both must give the same summary.json. The finished report is
// then opened in headless Chromium.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "rlvr/tasks/chance.h"
#include "rlvr/tasks/corpus.h"
#include "rlvr/util/files.h"
#include "support/browser.h"

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

const fs::path kProgram = fs::path(RLVR_BINARY_DIR) / "rlvr";

const char* kTinyStudy = R"(
[study]
name = "tiny"
tasks = ["addition"]
seed = 3
threads = 1
[base]
preset = "tiny"
steps = 150
[rl]
algorithms = ["grpo"]
steps = 6
set = ["run.checkpoint_every=2", "eval.every=3", "eval.problems=8", "rollout.prompts_per_step=4", "rollout.group_size=4"]
[distill]
steps = 30
[eval]
problems = 16
n = 8
bootstrap = 200
)";

pid_t start_study(const fs::path& config, const fs::path& out) {
  pid_t pid = ::fork();
  if (pid == 0) {
    std::string log = (out.string() + ".log");
    FILE* f = std::freopen(log.c_str(), "a", stdout);
    (void)f;
    ::dup2(::fileno(stdout), 2);
    ::execl(kProgram.c_str(), "rlvr", "study", "--config", config.c_str(), "--out", out.c_str(),
            static_cast<char*>(nullptr));
    std::_Exit(127);
  }
  return pid;
}

int wait_exit(pid_t pid) {
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// Kills the study as soon as `ready` holds; false if it finished first.
bool kill_when(pid_t pid, const std::function<bool()>& ready) {
  for (int i = 0; i < 6000; ++i) {
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == pid) return false;
    if (ready()) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ::kill(pid, SIGKILL);
  wait_exit(pid);
  return false;
}

// summary.json without what legitimately differs between two runs: wall
// times and the run folder's own path.
json comparable_summary(const fs::path& dir) {
  std::ifstream in(dir / "summary.json");
  std::stringstream text;
  text << in.rdbuf();
  std::string s = std::regex_replace(text.str(), std::regex(dir.string()), "DIR");
  json j = json::parse(s);
  std::function<void(json&)> strip = [&](json& node) {
    if (!node.is_object() && !node.is_array()) return;
    if (node.is_object()) {
      for (auto it = node.begin(); it != node.end();) {
        if (it.key().find("seconds") != std::string::npos) it = node.erase(it);
        else strip(*it++);
      }
    } else {
      for (json& item : node) strip(item);
    }
  };
  strip(j);
  return j;
}

}  // namespace

TEST(StudyEndToEnd, KilledAndResumedStudyGivesTheSameSummaryAndARenderableReport) {
  if (!fs::exists(kProgram)) GTEST_SKIP() << "build/rlvr is not built";
  fs::path root = fs::temp_directory_path() / "rlvr_study_resume_test";
  fs::remove_all(root);
  fs::create_directories(root);
  fs::path config = root / "tiny.toml";
  std::ofstream(config) << kTinyStudy;

  fs::path whole = root / "whole", resumed = root / "resumed";
  ASSERT_EQ(wait_exit(start_study(config, whole)), 0) << "see " << whole << ".log";

  // Killed once RL has written its first checkpoint...
  pid_t pid = start_study(config, resumed);
  bool killed_in_rl = kill_when(pid, [&] {
    return fs::exists(resumed / "addition" / "rl-grpo" / "model" / "metrics.jsonl") &&
           fs::file_size(resumed / "addition" / "rl-grpo" / "model" / "metrics.jsonl") > 0;
  });
  EXPECT_TRUE(killed_in_rl) << "the study finished before RL could be interrupted";
  // ... and again once sampling has written some samples.
  pid = start_study(config, resumed);
  fs::path samples = resumed / "addition" / "samples-grpo" / "samples.jsonl";
  bool killed_in_sampling =
      kill_when(pid, [&] { return fs::exists(samples) && fs::file_size(samples) > 2000; });
  EXPECT_TRUE(killed_in_sampling) << "the study finished before sampling could be interrupted";
  ASSERT_EQ(wait_exit(start_study(config, resumed)), 0) << "see " << resumed << ".log";

  json a = comparable_summary(whole), b = comparable_summary(resumed);
  EXPECT_EQ(a, b) << "uninterrupted:\n" << a.dump(1).substr(0, 3000) << "\nresumed:\n" << b.dump(1).substr(0, 3000);
  ASSERT_TRUE(a.contains("study"));
  for (const char* model : {"base", "grpo", "distill"}) EXPECT_TRUE(a["models"].contains(model)) << model;
  // What guessing alone scores on the 16 evaluated problems (addition's default difficulty 3, seed 3).
  const auto& addition = rlvr::tasks::family("addition");
  auto problems = rlvr::tasks::problem_set(addition, rlvr::tasks::Split::test, 16, 3, 3);
  const json& chance = a["study"]["tasks"]["addition"]["guess_chance"];
  EXPECT_EQ(chance["k_max"], 8);
  EXPECT_DOUBLE_EQ(chance["pass_at_1"].get<double>(), rlvr::tasks::chance_pass_at_k(addition, problems, 1));
  EXPECT_DOUBLE_EQ(chance["pass_at_k_max"].get<double>(), rlvr::tasks::chance_pass_at_k(addition, problems, 8));
  EXPECT_GT(chance["pass_at_k_max"].get<double>(), 0.0);
  // The headline printed at the end says how much of it is valid steps and luck.
  const std::string printed = rlvr::read_file(whole.string() + ".log");
  EXPECT_NE(printed.find("valid@8"), std::string::npos) << printed;
  EXPECT_NE(printed.find(fmt::format("guessing the answer alone (docs/TASKS.md): pass@1 {:.3f}, pass@8 {:.3f}",
                                     chance["pass_at_1"].get<double>(), chance["pass_at_k_max"].get<double>())),
            std::string::npos)
      << printed;

  // Each model is sampled as soon as it is trained, before the next one trains,
  // and the base's sampling comes last (one job here; with two, one model's
  // sampling runs beside another's training).
  const json provenance = json::parse(rlvr::read_file(whole / "provenance.json"));
  std::vector<std::string> order;
  for (const json& stage : provenance["stages"]) order.push_back(stage["stage"].get<std::string>());
  const std::vector<std::string> expected_order = {
      "addition/base",    "addition/rl-grpo",         "addition/samples-grpo",
      "addition/distill", "addition/samples-distill", "addition/samples-base",
      "addition/analyze", "addition/perplexity",      "report"};
  EXPECT_EQ(order, expected_order);
  // The run's own wall time beside the stages' sum (they differ with several jobs).
  EXPECT_GT(provenance["wall_seconds"].get<double>(), 0.0);
  EXPECT_GT(provenance["total_seconds"].get<double>(), 0.0);

  // Two stages at once (each model's training and sampling beside another's)
  // give the same summary as one at a time.
  fs::path jobs_config = root / "tiny-jobs.toml", jobs = root / "jobs";
  std::string jobs_text = kTinyStudy;
  jobs_text.replace(jobs_text.find("threads = 1\n"), 12, "threads = 1\njobs = 2\n");
  std::ofstream(jobs_config) << jobs_text;
  ASSERT_EQ(wait_exit(start_study(jobs_config, jobs)), 0) << "see " << jobs << ".log";
  json c = comparable_summary(jobs);
  EXPECT_EQ(a, c) << "one at a time:\n" << a.dump(1).substr(0, 3000) << "\ntwo jobs:\n" << c.dump(1).substr(0, 3000);

  // A second run with nothing changed does no work: every stage is cached.
  ASSERT_EQ(wait_exit(start_study(config, resumed)), 0);
  std::ifstream log(resumed.string() + ".log");
  std::stringstream log_text;
  log_text << log.rdbuf();
  EXPECT_NE(log_text.str().rfind("addition/base done earlier (cached)"), std::string::npos);

  // The report renders in a real browser with every model in its figures.
  fs::path chromium = rlvr::testing::find_chromium();
  if (chromium.empty()) GTEST_SKIP() << "chromium is not installed (Debian package 'chromium')";
  std::string dom = rlvr::testing::dump_dom(chromium, whole / "report.html");
  for (const char* model : {"base", "grpo", "distill"})
    EXPECT_NE(dom.find(std::string("data-series=\"") + model + "\""), std::string::npos) << model;
  EXPECT_NE(dom.find("<svg"), std::string::npos);
  fs::path artifacts = fs::path(RLVR_BINARY_DIR) / "test-artifacts";
  EXPECT_EQ(rlvr::testing::screenshot_problem(chromium, whole / "report.html", artifacts / "study_tiny_report.png",
                                              1280, 3000, 20000),
            "");
  std::printf("screenshot: %s\n", (artifacts / "study_tiny_report.png").c_str());
}

// study.seeds: one whole study per seed in DIR/seed-<n>, and the across-seed
// comparison made from exactly their numbers.
TEST(StudyEndToEnd, SeedsRunAStudyEachAndCompareThemAcrossSeeds) {
  if (!fs::exists(kProgram)) GTEST_SKIP() << "build/rlvr is not built";
  fs::path root = fs::temp_directory_path() / "rlvr_study_seeds_test";
  fs::remove_all(root);
  fs::create_directories(root);
  std::string text = std::regex_replace(std::string(kTinyStudy), std::regex("seed = 3"), "seeds = [3, 4]");
  text = std::regex_replace(text, std::regex("\\[distill\\]\nsteps = 30\n"), "[distill]\nenabled = false\n");
  ASSERT_NE(text.find("enabled = false"), std::string::npos);
  std::ofstream(root / "seeds.toml") << text;
  fs::path out = root / "out";
  ASSERT_EQ(wait_exit(start_study(root / "seeds.toml", out)), 0) << "see " << out << ".log";

  std::ifstream in(out / "summary.json");
  json summary = json::parse(in);
  EXPECT_EQ(summary["study"]["seeds"], json::array({3, 4}));
  ASSERT_EQ(summary["across_seeds"].size(), 1u);
  const json& grpo = summary["across_seeds"][0];
  EXPECT_EQ(grpo["model"], "grpo");
  double sum = 0;
  for (int i = 0; i < 2; ++i) {
    const uint64_t seed = 3 + static_cast<uint64_t>(i);
    fs::path dir = out / ("seed-" + std::to_string(seed));
    EXPECT_TRUE(fs::exists(dir / "report.html")) << dir;
    std::ifstream one_in(dir / "addition" / "analysis" / "summary.json");
    json one = json::parse(one_in);
    double d1 = one["comparisons"][0]["pass_at_k_difference"]["1"].get<double>();
    const json& per_seed = grpo["pass_at_1_difference"]["per_seed"][i];
    EXPECT_EQ(per_seed["seed"], seed);
    EXPECT_DOUBLE_EQ(per_seed["difference"].get<double>(), d1);
    EXPECT_EQ(per_seed["ci"], one["comparisons"][0]["pass_at_k_difference_ci"]["1"]);
    sum += d1;
    // Each seed's study really used its seed.
    std::ifstream seed_summary(dir / "summary.json");
    EXPECT_EQ(json::parse(seed_summary)["study"]["seed"], seed);
  }
  EXPECT_DOUBLE_EQ(grpo["pass_at_1_difference"]["across_seeds"]["mean"].get<double>(), sum / 2);
  std::ifstream report(out / "report.html");
  std::stringstream html;
  html << report.rdbuf();
  EXPECT_NE(html.str().find("<a href=\"seed-4/report.html\">"), std::string::npos);
  EXPECT_NE(html.str().find("grpo on addition against base"), std::string::npos);
}
