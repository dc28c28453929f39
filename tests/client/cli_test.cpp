// The instrument end to end on a local server: `rlvr sample --endpoint`, then
// `rlvr verify` and `rlvr analyze` on what it wrote, and `rlvr perplexity`.
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "fake_openai.h"

namespace fs = std::filesystem;
using nlohmann::json;
using namespace rlvr::client::testing;

namespace {

const std::string kRlvr = std::string(RLVR_BINARY_DIR) + "/rlvr";

int run(const std::string& command) { return std::system((command + " > /dev/null 2>&1").c_str()); }

}  // namespace

TEST(Cli, SampleEndpointVerifyAnalyzeAndPerplexity) {
  fs::path dir = fs::temp_directory_path() / fmt::format("rlvr-client-cli-{}", ::getpid());
  fs::remove_all(dir);
  fs::create_directories(dir);
  // Gold answer 1: the fake server's sample k ends in \boxed{k}, so with four
  // samples a request, 2 of every 8 samples are right.
  fs::path problems = dir / "problems.jsonl";
  {
    std::ofstream p(problems);
    for (int i = 0; i < 5; ++i)
      p << json({{"unique_id", fmt::format("q{}", i)}, {"problem", fmt::format("What is {} - {}?", i + 1, i)},
                 {"solution", "\\boxed{1}"}, {"answer", "1"}})
               .dump()
        << "\n";
  }
  FakeOpenAi server;
  fs::path samples = dir / "samples.jsonl", labelled = dir / "labelled.jsonl";
  std::string sample = fmt::format(
      "{} sample --endpoint {} --served-model fake-model --problems {} --api completions --template plain -n 8 "
      "--samples-per-request 4 --out {}",
      kRlvr, server.url(), problems.string(), samples.string());
  ASSERT_EQ(run(sample), 0) << sample;
  ASSERT_EQ(run(sample), 0) << "a finished run started again";  // nothing to do, nothing duplicated
  ASSERT_EQ(run(fmt::format("{} verify --problems {} --samples {} --out {}", kRlvr, problems.string(),
                            samples.string(), labelled.string())),
            0);
  ASSERT_EQ(run(fmt::format("{} analyze --model fake={} --out {}", kRlvr, labelled.string(), (dir / "a").string())), 0);
  json summary = json::parse(std::ifstream(dir / "a" / "summary.json"));
  EXPECT_EQ(summary["models"]["fake"]["problems"], 5);
  EXPECT_EQ(summary["models"]["fake"]["samples"], 40);
  EXPECT_NEAR(summary["models"]["fake"]["pass_at_k"]["1"].get<double>(), 0.25, 1e-9);

  ASSERT_EQ(run(fmt::format("{} perplexity --endpoint {} --served-model fake-model --problems {} --template plain "
                            "--samples fake={} --out {}",
                            kRlvr, server.url(), problems.string(), samples.string(), (dir / "ppl.json").string())),
            0);
  json ppl = json::parse(std::ifstream(dir / "ppl.json"));
  ASSERT_EQ(ppl.size(), 1u);
  EXPECT_EQ(ppl[0]["scorer"], "fake-model");
  EXPECT_EQ(ppl[0]["responder"], "fake");
  EXPECT_EQ(ppl[0]["values"].size(), 40u);

  // An unreachable endpoint: a clear error, exit status 1, nothing written.
  fs::path none = dir / "none.jsonl";
  EXPECT_NE(run(fmt::format("{} sample --endpoint http://127.0.0.1:1/v1 --served-model m --problems {} -n 1 "
                            "--attempts 2 --out {}",
                            kRlvr, problems.string(), none.string())),
            0);
  EXPECT_TRUE(!fs::exists(none) || fs::file_size(none) == 0);
}
