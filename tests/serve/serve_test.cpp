// `rlvr serve` as a real process on 127.0.0.1, used by the endpoint client:
// a sampling run survives the server being killed and started again, the
// whole chain serve -> sample -> verify -> analyze works, and perplexity
// through the server equals the in-process perplexity.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "../model/model_test_support.h"
#include "rlvr/client/endpoint_perplexity.h"
#include "rlvr/client/endpoint_sampling.h"
#include "rlvr/client/http_client.h"
#include "rlvr/model/checkpoint.h"
#include "rlvr/model/sample_file.h"
#include "rlvr/study/perplexity.h"
#include "rlvr/util/error.h"

namespace fs = std::filesystem;
using namespace rlvr;
using nlohmann::json;

namespace {

const std::string kRlvr = std::string(RLVR_BINARY_DIR) + "/rlvr";

// `rlvr serve` in a child process; its first line names the URL.
class ServeProcess {
 public:
  ServeProcess(const fs::path& model, int port) {
    int pipe_fds[2];
    if (::pipe(pipe_fds) != 0) throw std::runtime_error("pipe");
    // Only async-signal-safe calls between fork and exec: this process has threads.
    std::string port_text = std::to_string(port), model_text = model.string();
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(pipe_fds[1], STDOUT_FILENO);
      ::close(pipe_fds[0]);
      ::execl(kRlvr.c_str(), kRlvr.c_str(), "serve", "--model", model_text.c_str(), "--port", port_text.c_str(),
              "--threads", "1", "--served-model-name", "tiny", static_cast<char*>(nullptr));
      ::_exit(127);
    }
    ::close(pipe_fds[1]);
    FILE* out = ::fdopen(pipe_fds[0], "r");
    char line[512] = {0};
    if (!std::fgets(line, sizeof line, out)) throw std::runtime_error("rlvr serve did not start");
    std::fclose(out);
    std::string text = line;
    size_t at = text.find("http://");
    if (at == std::string::npos) throw std::runtime_error("unexpected first line: " + text);
    url_ = text.substr(at, text.find_last_not_of("\n") + 1 - at);
    port_ = std::stoi(url_.substr(url_.rfind(':') + 1));
  }
  ~ServeProcess() { kill(SIGTERM); }
  void kill(int signal) {
    if (pid_ > 0) {
      ::kill(pid_, signal);
      ::waitpid(pid_, nullptr, 0);
      pid_ = -1;
    }
  }
  const std::string& url() const { return url_; }
  int port() const { return port_; }

 private:
  pid_t pid_ = -1;
  std::string url_;
  int port_ = 0;
};

struct Fixture {
  fs::path dir, model;
  std::vector<client::Question> questions;
};

Fixture make_fixture(const std::string& name) {
  Fixture f;
  f.dir = model::testing::fresh_temp_dir(name);
  model::Tokenizer tok = model::testing::digits_tokenizer();
  f.model = f.dir / "model";
  model::save_model(f.model, model::testing::peaked_model(model::testing::small_config(tok.vocab_size()), 5), tok);
  for (int i = 0; i < 12; ++i) f.questions.push_back({fmt::format("q{}", i), fmt::format("{}+{}=", i, 2 * i)});
  return f;
}

client::EndpointSampleOptions sample_options(const std::string& url, int n) {
  client::EndpointSampleOptions o;
  o.endpoints = {url};
  o.served_model = "tiny";
  o.api = client::Api::completions;
  o.prompt_template = client::builtin_template("raw");
  o.samples_per_problem = n;
  o.samples_per_request = 2;
  o.concurrency = 8;
  o.parameters.max_tokens = 24;
  o.parameters.seed = 3;
  o.retry.first_backoff_s = 0.02;
  o.retry.max_backoff_s = 0.2;
  o.retry.attempts = 100;
  return o;
}

std::vector<json> rows_of(const fs::path& file) {
  std::vector<json> rows;
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line)) rows.push_back(json::parse(line));
  return rows;
}

}  // namespace

TEST(Serve, SamplingRunSurvivesTheServerKilledAndRestarted) {
  Fixture f = make_fixture("serve_restart");
  auto server = std::make_unique<ServeProcess>(f.model, 0);
  int port = server->port();
  fs::path out = f.dir / "samples.jsonl";
  client::EndpointSampleOptions o = sample_options(server->url(), 16);
  client::EndpointSampleResult result;
  std::thread run([&] { result = client::sample_endpoints(f.questions, o, out); });
  for (int i = 0; i < 2000 && (!fs::exists(out) || rows_of(out).size() < 20); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  server->kill(SIGKILL);  // requests in flight are lost with it
  size_t before = rows_of(out).size();
  server = std::make_unique<ServeProcess>(f.model, port);
  run.join();
  EXPECT_LT(before, f.questions.size() * 16) << "the run ended before the server was killed";
  EXPECT_GT(result.retries, 0);
  std::map<std::pair<std::string, int64_t>, int> seen;
  for (const json& row : rows_of(out)) {
    ++seen[{row["problem_id"], row["sample_id"]}];
    EXPECT_TRUE(row["tokens"].is_number_integer());
    EXPECT_EQ(row["truncated"], row["finish_reason"] == "length");
  }
  EXPECT_EQ(seen.size(), f.questions.size() * 16);
  for (const auto& [pair, count] : seen) EXPECT_EQ(count, 1) << pair.first << " " << pair.second;
}

TEST(Serve, PerplexityThroughTheServerEqualsInProcessPerplexity) {
  Fixture f = make_fixture("serve_ppl");
  std::vector<model::SampleProblem> problems;
  std::map<std::string, std::string> prompts;
  for (const auto& q : f.questions) {
    problems.push_back({q.id, q.text});
    prompts[q.id] = q.text;
  }
  model::SampleRunOptions run;
  run.samples_per_problem = 4;
  run.sampling.max_new_tokens = 20;
  run.threads = 1;
  fs::path samples = f.dir / "inprocess.jsonl";
  model::sample_to_file(f.model, problems, [](size_t, const std::string&) { return model::SampleVerdict{}; }, run,
                        samples);
  std::vector<double> expected = study::score_perplexity(f.model, samples, prompts, 1000, 1);

  ServeProcess server(f.model, 0);
  client::EndpointPerplexityOptions o;
  o.endpoints = {server.url()};
  o.served_model = "tiny";
  o.eos_text = "<|endoftext|>";
  o.concurrency = 8;
  std::vector<double> served = client::endpoint_perplexity(samples, prompts, o);
  ASSERT_EQ(served.size(), expected.size());
  ASSERT_FALSE(expected.empty());
  bool any_eos = false;
  for (const json& row : rows_of(samples)) any_eos = any_eos || row["finish_reason"] == "eos";
  EXPECT_TRUE(any_eos) << "no completion ended at eos: the eos term is untested";
  // The same model scores the same tokens in float32, in batches of other
  // shapes (the server batches the requests in flight; in-process scoring
  // batches the file's responses), which moves the last bits: the mean token
  // log-prob, log PPL, must agree within 1e-5 nats (measured: up to 1.6e-6,
  // i.e. 1.1e-4 in PPL at the random model's PPL of 64-82).
  for (size_t i = 0; i < expected.size(); ++i) EXPECT_NEAR(std::log(served[i]), std::log(expected[i]), 1e-5) << i;
}

TEST(Serve, ServeSampleVerifyAnalyzeEndToEnd) {
  Fixture f = make_fixture("serve_e2e");
  // A problems file in the math500 format; the gold answers are the sums.
  fs::path problems = f.dir / "problems.jsonl";
  {
    std::ofstream p(problems);
    for (int i = 0; i < 12; ++i)
      p << json({{"unique_id", fmt::format("q{}", i)}, {"problem", fmt::format("{}+{}=", i, 2 * i)},
                 {"solution", ""}, {"answer", std::to_string(3 * i)}})
               .dump()
        << "\n";
  }
  ServeProcess server(f.model, 0);
  fs::path samples = f.dir / "samples.jsonl", labelled = f.dir / "labelled.jsonl", analysis = f.dir / "analysis";
  std::string sample = fmt::format(
      "{} sample --endpoint {} --served-model tiny --problems {} --api completions --template raw -n 8 "
      "--max-tokens 16 --seed 1 --concurrency 16 --out {}",
      kRlvr, server.url(), problems.string(), samples.string());
  ASSERT_EQ(std::system(sample.c_str()), 0) << sample;
  std::string verify = fmt::format("{} verify --problems {} --samples {} --out {}", kRlvr, problems.string(),
                                   samples.string(), labelled.string());
  ASSERT_EQ(std::system(verify.c_str()), 0) << verify;
  std::string analyze =
      fmt::format("{} analyze --model tiny={} --out {}", kRlvr, labelled.string(), analysis.string());
  ASSERT_EQ(std::system(analyze.c_str()), 0) << analyze;
  json summary = json::parse(std::ifstream(analysis / "summary.json"));
  EXPECT_EQ(summary["models"]["tiny"]["problems"], 12);
  EXPECT_EQ(summary["models"]["tiny"]["samples"], 96);
  // The served model's name is what the server reports for it.
  json provenance = json::parse(std::ifstream(client::provenance_path(samples)));
  EXPECT_EQ(provenance["settings"]["served_model"], "tiny");
}

TEST(Serve, AnswersTheOpenAiRoutes) {
  Fixture f = make_fixture("serve_routes");
  ServeProcess server(f.model, 0);
  client::RetryPolicy retry;
  retry.attempts = 1;
  client::HttpClient http({server.url()}, retry);
  json models = http.get(0, "/models");
  ASSERT_EQ(models["data"].size(), 1u);
  EXPECT_EQ(models["data"][0]["id"], "tiny");

  json chat = http.post("/chat/completions",
                        json({{"model", "tiny"}, {"messages", {{{"role", "user"}, {"content", "1+2="}}}}, {"n", 3},
                              {"max_tokens", 8}, {"seed", 4}, {"logprobs", true}})
                            .dump(),
                        0, [](const json&) {});
  ASSERT_EQ(chat["choices"].size(), 3u);
  for (const json& c : chat["choices"]) {
    EXPECT_TRUE(c["message"]["content"].is_string());
    EXPECT_GE(c["logprobs"]["content"].size(), c["message"]["content"].get<std::string>().size());
  }
  // The same seed gives the same samples (the engine's rows are seeded).
  json again = http.post("/chat/completions",
                         json({{"model", "tiny"}, {"messages", {{{"role", "user"}, {"content", "1+2="}}}}, {"n", 3},
                               {"max_tokens", 8}, {"seed", 4}})
                             .dump(),
                         0, [](const json&) {});
  for (size_t k = 0; k < 3; ++k)
    EXPECT_EQ(again["choices"][k]["message"]["content"], chat["choices"][k]["message"]["content"]);

  // Echo with max_tokens 0: the prompt's tokens with their log-probs, offsets in characters.
  json echo = http.post("/completions",
                        json({{"model", "tiny"}, {"prompt", "12+3<|endoftext|>"}, {"echo", true}, {"logprobs", 0},
                              {"max_tokens", 0}})
                            .dump(),
                        0, [](const json&) {});
  const json& lp = echo["choices"][0]["logprobs"];
  EXPECT_EQ(lp["tokens"], json({"1", "2", "+", "3", "<|endoftext|>"}));
  EXPECT_EQ(lp["text_offset"], json({0, 1, 2, 3, 4}));
  EXPECT_EQ(echo["usage"]["prompt_tokens"], 5);
  for (const json& v : lp["token_logprobs"]) EXPECT_LT(v.get<double>(), 0.0);

  // Mistakes are the client's: 400 and 404 with a message, never retried.
  EXPECT_THROW(http.post("/completions", json({{"model", "tiny"}, {"prompt", "abc"}}).dump(), 0, [](const json&) {}),
               Error);  // 'a' is not in the model's alphabet
  try {
    http.post("/completions", json({{"model", "other"}, {"prompt", "1"}}).dump(), 0, [](const json&) {});
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("HTTP 404"), std::string::npos) << e.what();
  }
}
