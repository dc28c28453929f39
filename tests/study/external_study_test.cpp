// An external study end to end: two models served over real HTTP by a local
// OpenAI-compatible server whose answers are known per problem and sample,
// and a third known only by a samples file on disk, on the first problems of
// MATH-500. The study samples, labels with the math verifier, analyses,
// scores perplexity through the server, reports; a second run is served from
// the caches, and a run cut short in its sampling resumes without asking for
// a sample twice.
#include <atomic>
#include <cmath>
#include <filesystem>
#include <map>
#include <sstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "client/fake_openai.h"
#include "rlvr/study/config.h"
#include "rlvr/study/pipeline.h"
#include "rlvr/util/error.h"
#include "rlvr/util/files.h"
#include "rlvr/verify/datasets.h"
#include "support/temp_dir.h"

namespace fs = std::filesystem;
using json = nlohmann::json;
using rlvr::client::testing::fake_char_logprob;

namespace {

constexpr int kProblems = 12;
constexpr int kSamples = 8;

// Serves "base" and "rl" on the completions API (template "raw": the prompt
// is the question). Problem i (in MATH-500's order), sample k:
//   base answers right when (i + k) % 8 == 0: pass@1 1/8, every problem solved at k = 8;
//   rl answers right on even i, always, and never on odd i: pass@1 = pass@8 = 1/2.
// With echo it scores the prompt a character at a time (fake_char_logprob).
class KnownAnswers : public rlvr::client::testing::LocalServer {
 public:
  explicit KnownAnswers(const std::vector<rlvr::verify::Problem>& problems) {
    for (size_t i = 0; i < problems.size(); ++i) index_[problems[i].prompt] = {i, problems[i].gold};
    server_.Post("/v1/completions", [this](const httplib::Request& req, httplib::Response& res) {
      json body = json::parse(req.body);
      const std::string model = body.value("model", ""), prompt = body.value("prompt", "");
      if (model != "base" && model != "rl") {
        res.status = 404;
        return;
      }
      json choices = json::array();
      size_t prompt_tokens = 1;
      if (body.value("echo", false)) {
        prompt_tokens = prompt.size();  // one token per byte
        ++scoring_requests;
        json tokens = json::array(), values = json::array(), offsets = json::array();
        for (size_t c = 0; c < prompt.size(); ++c) {
          tokens.push_back(prompt.substr(c, 1));
          values.push_back(c == 0 ? json(nullptr) : json(fake_char_logprob(static_cast<unsigned char>(prompt[c]))));
          offsets.push_back(c);
        }
        tokens.push_back("!");  // the one token generated after the echo (max_tokens 1)
        values.push_back(-3.0);
        offsets.push_back(prompt.size());
        choices.push_back({{"index", 0}, {"text", prompt + "!"}, {"finish_reason", "length"},
                           {"logprobs", {{"tokens", tokens}, {"token_logprobs", values}, {"text_offset", offsets}}}});
      } else {
        ++sampling_requests;
        auto found = index_.find(prompt);
        if (found == index_.end()) {
          res.status = 400;
          return;
        }
        const auto& [i, gold] = found->second;
        for (int k = 0; k < body.value("n", 1); ++k) {
          bool right = model == "base" ? (i + static_cast<size_t>(k)) % 8 == 0 : i % 2 == 0;
          std::string text = "Working it out, the answer is \\boxed{" + (right ? gold : std::string("1234567")) + "}";
          choices.push_back({{"index", k}, {"text", text}, {"finish_reason", "stop"}});
        }
      }
      res.set_content(json({{"choices", choices}, {"usage", {{"prompt_tokens", prompt_tokens}}}}).dump(), "application/json");
    });
    start(0);
  }
  ~KnownAnswers() override { stop(); }

  std::atomic<int> sampling_requests{0}, scoring_requests{0};

 private:
  std::map<std::string, std::pair<size_t, std::string>> index_;  // question -> (index, gold)
};

std::string config_text(const std::string& url, const fs::path& distill_samples) {
  return R"(
[study]
name = "external"
datasets = ["math500"]
seed = 4
threads = 2
[[models]]
label = "base"
endpoints = [")" + url + R"("]
served_model = "base"
[[models]]
label = "rl"
endpoints = [")" + url + R"("]
served_model = "rl"
[[models]]
label = "distill"
samples = ")" + distill_samples.string() + R"("
[eval]
problems = )" + std::to_string(kProblems) + R"(
n = )" + std::to_string(kSamples) + R"(
max_tokens = 64
bootstrap = 200
[client]
api = "completions"
template = "raw"
samples_per_request = 8
concurrency = 4
attempts = 2
perplexity_responses = 20
)";
}

double pass_at(const json& summary, const std::string& model, int k) {
  const json& curve = summary["models"][model]["pass_at_k"];
  if (!curve.contains(std::to_string(k))) {
    ADD_FAILURE() << "no pass@" << k << " for " << model;
    return -1;
  }
  return curve[std::to_string(k)];
}

class ExternalStudy : public ::testing::Test {
 protected:
  void SetUp() override {
    problems_ = rlvr::verify::load_dataset("math500", rlvr::find_data_dir());
    server_ = std::make_unique<KnownAnswers>(problems_);
    // The distilled model, from disk: right on every problem, every sample,
    // and on one problem beyond the study's first twelve (read, not asked for).
    std::string rows;
    for (int i = 0; i <= kProblems; ++i)
      for (int k = 0; k < kSamples; ++k)
        rows += json({{"problem_id", problems_[static_cast<size_t>(i)].id}, {"sample_id", k},
                      {"completion", "So \\boxed{" + problems_[static_cast<size_t>(i)].gold + "}"}})
                    .dump() +
                "\n";
    distill_ = dir_.write("distill.jsonl", rows);
    config_ = rlvr::study::parse_study_config(config_text(server_->url(), distill_), "external.toml");
  }

  rlvr::study::StudyOutcome run(const fs::path& out) {
    rlvr::study::StudyOptions options;
    options.out = out;
    return rlvr::study::run_study(config_, options);
  }

  TempDir dir_;
  std::vector<rlvr::verify::Problem> problems_;
  std::unique_ptr<KnownAnswers> server_;
  fs::path distill_;
  rlvr::study::StudyConfig config_;
};

TEST_F(ExternalStudy, SamplesLabelsAnalysesAndScoresServedModels) {
  const fs::path out = dir_.path() / "study";
  rlvr::study::StudyOutcome outcome = run(out);
  EXPECT_EQ(server_->sampling_requests, 2 * kProblems);  // one request of 8 samples per problem and served model

  json summary = json::parse(rlvr::read_file(outcome.summary));
  EXPECT_DOUBLE_EQ(pass_at(summary, "base", 1), 0.125);
  EXPECT_DOUBLE_EQ(pass_at(summary, "base", kSamples), 1.0);
  EXPECT_DOUBLE_EQ(pass_at(summary, "rl", 1), 0.5);
  EXPECT_DOUBLE_EQ(pass_at(summary, "rl", kSamples), 0.5);
  // The file's thirteenth problem is read too: 13 problems, all right.
  EXPECT_DOUBLE_EQ(pass_at(summary, "distill", 1), 1.0);
  EXPECT_EQ(summary["models"]["distill"]["problems"], kProblems + 1);
  const json& section = summary["study"]["tasks"]["math500"];
  EXPECT_EQ(section["models"][0]["served_model"], "base");
  EXPECT_NE(section["verdicts"]["rl"].get<std::string>().find("narrows"), std::string::npos) << section["verdicts"];

  // Perplexity through the server: every model's completions under base,
  // rl's under rl too; each value as the server's log-probs make it.
  json groups = json::parse(rlvr::read_file(out / "math500" / "perplexity" / "perplexity.json"));
  ASSERT_EQ(groups.size(), 4u);
  EXPECT_EQ(groups[0]["scorer"], "base");
  EXPECT_EQ(groups[2]["scorer"], "rl");
  EXPECT_EQ(groups[2]["responder"], "rl");
  EXPECT_EQ(groups[3]["responder"], "distill");
  // The distilled model's completions: 20 of its 104, each the perplexity of
  // one of its 13 answers as the server's log-probs make it.
  std::vector<double> possible;
  for (int i = 0; i <= kProblems; ++i) {
    const std::string answer = "So \\boxed{" + problems_[static_cast<size_t>(i)].gold + "}";
    double sum = 0;
    for (unsigned char c : answer) sum += fake_char_logprob(c);
    possible.push_back(std::exp(-sum / static_cast<double>(answer.size())));
  }
  ASSERT_EQ(groups[3]["values"].size(), 20u);
  for (const json& value : groups[3]["values"]) {
    bool found = false;
    for (double p : possible) found |= std::abs(p - value.get<double>()) < 1e-9;
    EXPECT_TRUE(found) << value;
  }
  EXPECT_TRUE(fs::exists(out / "report.html"));
  EXPECT_TRUE(fs::exists(out / "math500" / "analysis" / "pass_at_k.csv"));

  // Again: every stage is cached, nothing is asked of the server.
  const int sampled = server_->sampling_requests, scored = server_->scoring_requests;
  rlvr::study::StudyOutcome again = run(out);
  EXPECT_EQ(server_->sampling_requests, sampled);
  EXPECT_EQ(server_->scoring_requests, scored);
  EXPECT_EQ(rlvr::read_file(again.summary), rlvr::read_file(outcome.summary));
}

TEST_F(ExternalStudy, ACutShortSamplingResumesWithoutAskingTwice) {
  const fs::path whole = dir_.path() / "whole", cut = dir_.path() / "cut";
  rlvr::study::StudyOutcome expected = run(whole);
  // As if killed while sampling rl: half its problems written, the stage not done.
  const fs::path rl = cut / "math500" / "samples-rl";
  run(cut);
  std::istringstream lines(rlvr::read_file(rl / "samples.jsonl"));
  std::string line, kept;
  for (int i = 0; i < kProblems / 2 * kSamples && std::getline(lines, line); ++i) kept += line + "\n";
  rlvr::write_file_atomically(rl / "samples.jsonl", kept);
  fs::remove(rl / "done.json");
  const int before = server_->sampling_requests;
  rlvr::study::StudyOutcome resumed = run(cut);
  EXPECT_EQ(server_->sampling_requests - before, kProblems / 2);  // only the missing problems
  // The same results; only the folders the files are in differ.
  json a = json::parse(rlvr::read_file(resumed.summary)), b = json::parse(rlvr::read_file(expected.summary));
  for (json* summary : {&a, &b})
    for (auto& [label, model] : (*summary)["models"].items()) model.erase("files");
  EXPECT_EQ(a["models"], b["models"]);
  EXPECT_EQ(a["comparisons"], b["comparisons"]);
  EXPECT_EQ(a["study"]["tasks"]["math500"]["perplexity_median"], b["study"]["tasks"]["math500"]["perplexity_median"]);
}

TEST_F(ExternalStudy, AServerThatFailsStopsTheStudyAndKeepsWhatWasSampled) {
  config_.models[1].served_model = "missing";  // the server answers 404
  const fs::path out = dir_.path() / "study";
  EXPECT_THROW(run(out), rlvr::Error);
  // base was sampled and labelled before rl failed; a fixed config resumes from there.
  EXPECT_TRUE(fs::exists(out / "math500" / "labels-base" / "done.json"));
  config_.models[1].served_model = "rl";
  const int before = server_->sampling_requests;
  run(out);
  EXPECT_EQ(server_->sampling_requests - before, kProblems);  // rl only
}

}  // namespace
