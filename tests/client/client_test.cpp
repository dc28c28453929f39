// The endpoint client against real HTTP servers on 127.0.0.1: sampling,
// resuming, retries through injected faults, and prompt-logprob perplexity.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <gtest/gtest.h>

#include "fake_openai.h"
#include "rlvr/client/endpoint_perplexity.h"
#include "rlvr/client/endpoint_sampling.h"
#include "rlvr/client/prompt_template.h"
#include "rlvr/util/error.h"

namespace fs = std::filesystem;
using namespace rlvr::client;
using namespace rlvr::client::testing;
using nlohmann::json;

namespace {

fs::path fresh_dir(const std::string& name) {
  fs::path dir = fs::temp_directory_path() / fmt::format("rlvr-client-{}-{}", name, ::getpid());
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

std::vector<json> read_lines(const fs::path& file) {
  std::vector<json> rows;
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line)) rows.push_back(json::parse(line));  // throws on a torn line
  return rows;
}

std::vector<Question> questions(int count) {
  std::vector<Question> qs;
  for (int i = 0; i < count; ++i) qs.push_back({fmt::format("p{}", i), fmt::format("What is {} + {}?", i, i)});
  return qs;
}

EndpointSampleOptions options_for(std::vector<std::string> endpoints, int n, int per_request) {
  EndpointSampleOptions o;
  o.endpoints = std::move(endpoints);
  o.served_model = "fake-model";
  o.api = Api::completions;
  o.prompt_template = builtin_template("plain");
  o.samples_per_problem = n;
  o.samples_per_request = per_request;
  o.concurrency = 8;
  o.retry.first_backoff_s = 0.01;
  o.retry.max_backoff_s = 0.05;
  o.retry.read_timeout_s = 0.5;
  o.retry.attempts = 6;
  return o;
}

// Every (problem, sample) pair exactly once, each line the fake server's text.
void expect_complete(const fs::path& out, const std::vector<Question>& qs, int n, const EndpointSampleOptions& o) {
  std::map<std::pair<std::string, int64_t>, int> seen;
  std::map<std::string, std::string> prompts;
  for (const Question& q : qs) prompts[q.id] = o.api == Api::chat ? q.text : o.prompt_template.completion_prompt(q.text);
  for (const json& row : read_lines(out)) {
    std::string id = row["problem_id"];
    int64_t sample = row["sample_id"];
    ++seen[{id, sample}];
    ASSERT_TRUE(prompts.count(id)) << id;
    EXPECT_EQ(row["completion"], fake_completion(prompts[id], static_cast<size_t>(sample % o.samples_per_request)))
        << row.dump();
    EXPECT_EQ(row["truncated"], row["finish_reason"] == "length");
  }
  EXPECT_EQ(seen.size(), qs.size() * static_cast<size_t>(n));
  for (const auto& [pair, count] : seen) {
    EXPECT_EQ(count, 1) << pair.first << " " << pair.second;
    EXPECT_LT(pair.second, n);
  }
}

}  // namespace

TEST(Endpoint, ParsesUrls) {
  EXPECT_EQ(parse_endpoint("http://127.0.0.1:8000").url(), "http://127.0.0.1:8000/v1");
  EXPECT_EQ(parse_endpoint("http://127.0.0.1:8000/v1/").url(), "http://127.0.0.1:8000/v1");
  EXPECT_EQ(parse_endpoint("https://host/api/v1").prefix, "/api/v1");
  EXPECT_THROW(parse_endpoint("127.0.0.1:8000"), rlvr::Error);
  EXPECT_THROW(parse_endpoint("ftp://host"), rlvr::Error);
}

TEST(PromptTemplate, QwenBoxedIsTheQwenMathChainOfThought) {
  PromptTemplate t = builtin_template("qwen-boxed");
  EXPECT_EQ(t.completion_prompt("1+1?"),
            "<|im_start|>system\nPlease reason step by step, and put your final answer within \\boxed{}.<|im_end|>\n"
            "<|im_start|>user\n1+1?<|im_end|>\n<|im_start|>assistant\n");
  json messages = t.chat_messages("1+1?");
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_EQ(messages[0]["role"], "system");
  EXPECT_EQ(messages[1]["content"], "1+1?");
  EXPECT_EQ(builtin_template("plain").completion_prompt("Q"), "Question: Q\nAnswer: Let's think step by step.");
  EXPECT_THROW(builtin_template("nope"), rlvr::Error);
}

TEST(PromptTemplate, FileNeedsThePlaceholder) {
  fs::path dir = fresh_dir("template");
  std::ofstream(dir / "good.txt") << "Solve: {question}\nThe {braces} stay.";
  std::ofstream(dir / "bad.txt") << "no placeholder";
  EXPECT_EQ(template_from_file(dir / "good.txt").completion_prompt("x"), "Solve: x\nThe {braces} stay.");
  EXPECT_THROW(template_from_file(dir / "bad.txt"), rlvr::InputError);
}

TEST(EndpointSampling, SpreadsRequestsOverEveryEndpointAndWritesEveryPairOnce) {
  FakeOpenAi a, b;
  fs::path out = fresh_dir("spread") / "samples.jsonl";
  auto qs = questions(6);
  EndpointSampleOptions o = options_for({a.url(), b.url()}, 7, 3);
  EndpointSampleResult r = sample_endpoints(qs, o, out);
  EXPECT_EQ(r.written, 6 * 7);
  EXPECT_EQ(r.requests, 6 * 3);  // 3 + 3 + 1 samples per problem
  EXPECT_GT(a.requests.load(), 0);
  EXPECT_GT(b.requests.load(), 0);
  expect_complete(out, qs, 7, o);
  for (const json& row : read_lines(out)) {
    EXPECT_TRUE(row["tokens"].is_number_integer());
    EXPECT_NEAR(row["logprob"].get<double>(), -0.5 * row["tokens"].get<double>(), 1e-9);
  }
  json provenance = json::parse(std::ifstream(provenance_path(out)));
  EXPECT_EQ(provenance["settings"]["served_model"], "fake-model");
  EXPECT_EQ(provenance["runs"][0]["endpoints"].size(), 2u);
  EXPECT_EQ(provenance["runs"][0]["written"], 42);
}

TEST(EndpointSampling, ChatApiCarriesTheTemplatesMessages) {
  FakeOpenAi server;
  fs::path out = fresh_dir("chat") / "samples.jsonl";
  auto qs = questions(3);
  EndpointSampleOptions o = options_for({server.url()}, 4, 4);
  o.api = Api::chat;
  o.prompt_template = builtin_template("qwen-boxed");
  sample_endpoints(qs, o, out);
  expect_complete(out, qs, 4, o);
  for (const json& row : read_lines(out)) EXPECT_TRUE(row["tokens"].is_number_integer());
}

TEST(EndpointSampling, ResumesWithoutDuplicatesAfterATornLine) {
  FakeOpenAi server;
  fs::path out = fresh_dir("resume") / "samples.jsonl";
  auto qs = questions(4);
  EndpointSampleOptions o = options_for({server.url()}, 5, 5);
  {
    // A previous run wrote samples 0 and 1 of p0, sample 2 of p3, then was
    // killed in the middle of a line.
    std::ofstream f(out);
    for (auto [id, s] : std::vector<std::pair<std::string, int>>{{"p0", 0}, {"p0", 1}, {"p3", 2}}) {
      std::string prompt = o.prompt_template.completion_prompt(qs[id == "p0" ? 0 : 3].text);
      f << json({{"problem_id", id}, {"sample_id", s}, {"completion", fake_completion(prompt, s)},
                 {"finish_reason", "stop"}, {"truncated", false}})
               .dump()
        << "\n";
    }
    f << R"({"problem_id": "p1", "sample_id": 0, "compl)";
  }
  EndpointSampleResult r = sample_endpoints(qs, o, out);
  EXPECT_TRUE(r.dropped_torn_line);
  EXPECT_EQ(r.already_present, 3);
  EXPECT_EQ(r.written, 4 * 5 - 3);
  EXPECT_EQ(server.samples_asked.load(), 4 * 5 - 3);
  // Sample ids the earlier run made keep their numbers; the missing ones of p0
  // come from one request with n = 3 (its texts are the fake server's k = 0..2).
  std::map<std::pair<std::string, int64_t>, int> seen;
  for (const json& row : read_lines(out)) ++seen[{row["problem_id"], row["sample_id"]}];
  EXPECT_EQ(seen.size(), 20u);
  for (const auto& [pair, count] : seen) EXPECT_EQ(count, 1);
  // A second run finds nothing to do.
  EndpointSampleResult again = sample_endpoints(qs, o, out);
  EXPECT_EQ(again.written, 0);
  EXPECT_EQ(again.already_present, 20);
}

TEST(EndpointSampling, OneRunAtATimePerOutputFile) {
  FakeOpenAi server;
  server.delay_ms = 200;
  fs::path out = fresh_dir("lock") / "samples.jsonl";
  auto qs = questions(2);
  EndpointSampleOptions o = options_for({server.url()}, 2, 1);
  o.retry.read_timeout_s = 5;
  std::thread first([&] { sample_endpoints(qs, o, out); });
  while (server.requests.load() == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  try {
    sample_endpoints(qs, o, out);
    ADD_FAILURE() << "a second run on the same file was allowed";
  } catch (const rlvr::Error& e) {
    EXPECT_NE(std::string(e.what()).find("another run is writing"), std::string::npos) << e.what();
  }
  first.join();
  expect_complete(out, qs, 2, o);
}

TEST(EndpointSampling, RefusesToMixSettingsInOneFile) {
  FakeOpenAi server;
  fs::path out = fresh_dir("settings") / "samples.jsonl";
  auto qs = questions(2);
  EndpointSampleOptions o = options_for({server.url()}, 2, 2);
  sample_endpoints(qs, o, out);
  o.parameters.temperature = 0.6;
  try {
    sample_endpoints(qs, o, out);
    FAIL() << "expected an error";
  } catch (const rlvr::Error& e) {
    EXPECT_NE(std::string(e.what()).find("temperature"), std::string::npos) << e.what();
  }
  // More samples per problem with the same settings is fine.
  o.parameters.temperature = 1.0;
  o.samples_per_problem = 3;
  EXPECT_EQ(sample_endpoints(qs, o, out).written, 2);
}

TEST(EndpointSampling, AKilledRunStartedAgainCompletesWithoutDuplicates) {
  // The run is a child process, killed with SIGKILL while requests are in
  // flight; it is forked before any thread of this process exists.
  fs::path out = fresh_dir("kill") / "samples.jsonl";
  auto qs = questions(40);
  int port = 0;
  { FakeOpenAi probe; port = probe.port(); }  // a port that was free a moment ago
  EndpointSampleOptions o = options_for({fmt::format("http://127.0.0.1:{}/v1", port)}, 6, 2);
  o.concurrency = 4;
  o.retry.attempts = 200;  // the server comes up after the child starts
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    try {
      sample_endpoints(qs, o, out);
    } catch (...) {
      ::_exit(3);
    }
    ::_exit(0);
  }
  {
    FakeOpenAi server(port);
    server.delay_ms = 10;
    for (int i = 0; i < 1000; ++i) {
      if (fs::exists(out) && fs::file_size(out) > 0 && read_lines(out).size() >= 30) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ::kill(child, SIGKILL);
    int status = 0;
    ::waitpid(child, &status, 0);
    ASSERT_TRUE(WIFSIGNALED(status)) << "the child finished before it was killed";
    size_t before = 0;
    {
      std::ifstream in(out);
      std::string line;
      while (std::getline(in, line)) ++before;
    }
    EXPECT_LT(before, qs.size() * 6);
    server.delay_ms = 0;
    EndpointSampleResult r = sample_endpoints(qs, o, out);
    EXPECT_EQ(r.already_present + r.written, static_cast<int64_t>(qs.size() * 6));
  }
  expect_complete(out, qs, 6, o);
}

TEST(EndpointSampling, ServerKilledAndRestartedMidRunTheRunStillCompletes) {
  fs::path out = fresh_dir("restart") / "samples.jsonl";
  auto qs = questions(30);
  auto server = std::make_unique<FakeOpenAi>();
  int port = server->port();
  server->delay_ms = 5;
  EndpointSampleOptions o = options_for({server->url()}, 4, 2);
  o.concurrency = 4;
  o.retry.attempts = 100;
  std::thread restarter([&] {
    while (server->requests.load() < 10) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    server.reset();  // the server goes away with requests in flight
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    server = std::make_unique<FakeOpenAi>(port);
  });
  EndpointSampleResult r = sample_endpoints(qs, o, out);
  restarter.join();
  EXPECT_GT(r.retries, 0);
  expect_complete(out, qs, 4, o);
}

struct FaultCase {
  Fault fault;
  const char* name;
};

class TransientFaults : public ::testing::TestWithParam<FaultCase> {};

TEST_P(TransientFaults, AreRetriedAndLeaveOnlyWholeSamples) {
  FakeOpenAi server;
  Fault fault = GetParam().fault;
  // Every third request fails.
  FaultProxy proxy(server.port(), [fault](int i) { return i % 3 == 1 ? fault : Fault::none; }, 1200);
  fs::path out = fresh_dir(std::string("fault-") + GetParam().name) / "samples.jsonl";
  auto qs = questions(8);
  EndpointSampleOptions o = options_for({proxy.url()}, 4, 2);
  o.concurrency = 3;
  o.retry.attempts = 10;
  EndpointSampleResult r = sample_endpoints(qs, o, out);
  EXPECT_GT(proxy.faults.load(), 0);
  EXPECT_EQ(r.retries, proxy.faults.load());
  expect_complete(out, qs, 4, o);
}

INSTANTIATE_TEST_SUITE_P(Faults, TransientFaults,
                         ::testing::Values(FaultCase{Fault::status500, "500"}, FaultCase{Fault::status429, "429"},
                                           FaultCase{Fault::malformed, "malformed"},
                                           FaultCase{Fault::truncated, "truncated"},
                                           FaultCase{Fault::stall, "stall"}),
                         [](const auto& info) { return std::string("fault_") + info.param.name; });

TEST(EndpointSampling, PersistentFaultsEndInAClearErrorAndKeepWhatWasDone) {
  for (Fault fault : {Fault::status500, Fault::malformed, Fault::truncated}) {
    FakeOpenAi server;
    // The first 3 requests pass, every later one fails.
    FaultProxy proxy(server.port(), [fault](int i) { return i < 3 ? Fault::none : fault; });
    fs::path out = fresh_dir("persistent") / "samples.jsonl";
    auto qs = questions(10);
    EndpointSampleOptions o = options_for({proxy.url()}, 2, 2);
    o.concurrency = 1;
    o.retry.attempts = 3;
    try {
      sample_endpoints(qs, o, out);
      FAIL() << "expected an error";
    } catch (const rlvr::Error& e) {
      std::string message = e.what();
      EXPECT_NE(message.find("gave up after 3 attempt(s)"), std::string::npos) << message;
      EXPECT_NE(message.find(proxy.url()), std::string::npos) << message;
      EXPECT_NE(message.find("6 complete samples"), std::string::npos) << message;
    }
    std::vector<json> rows = read_lines(out);  // every line parses: no partial sample
    EXPECT_EQ(rows.size(), 6u);
    // Run again against the healthy server: finishes the rest.
    o.endpoints = {server.url()};
    EXPECT_EQ(sample_endpoints(qs, o, out).written, 14);
    expect_complete(out, qs, 2, o);
  }
}

TEST(EndpointSampling, ClientErrorsAndRedirectsFailAtOnce) {
  FakeOpenAi server, elsewhere;
  FaultProxy bad_request(server.port(), [](int) { return Fault::status400; });
  FaultProxy redirect(server.port(), [](int) { return Fault::redirect; }, 0, elsewhere.url() + "/completions");
  auto qs = questions(2);
  for (FaultProxy* proxy : {&bad_request, &redirect}) {
    fs::path out = fresh_dir("client-error") / "samples.jsonl";
    EndpointSampleOptions o = options_for({proxy->url()}, 2, 2);
    o.concurrency = 1;
    EXPECT_THROW(sample_endpoints(qs, o, out), rlvr::Error);
    EXPECT_EQ(proxy->requests.load(), 1);  // no retry of a request the server refused
  }
  EXPECT_EQ(elsewhere.requests.load(), 0);  // requests go only to the endpoints given
  // An unknown model is the server's 404: a clear error naming it.
  fs::path out = fresh_dir("model") / "samples.jsonl";
  EndpointSampleOptions o = options_for({server.url()}, 1, 1);
  o.served_model = "other";
  try {
    sample_endpoints(qs, o, out);
    FAIL();
  } catch (const rlvr::Error& e) {
    EXPECT_NE(std::string(e.what()).find("HTTP 404"), std::string::npos) << e.what();
  }
}

TEST(EndpointPerplexity, ScoresOnlyTheCompletionTokensFromTheEcho) {
  FakeOpenAi server;
  fs::path out = fresh_dir("ppl") / "samples.jsonl";
  std::map<std::string, std::string> prompts = {{"a", "Question: 1+1\nAnswer:"}, {"b", "Q: 2+2?"}};
  {
    std::ofstream f(out);
    f << R"({"problem_id": "a", "sample_id": 0, "completion": " It is 2.", "finish_reason": "stop"})" << "\n";
    f << R"({"problem_id": "b", "sample_id": 0, "completion": " 4", "finish_reason": "length"})" << "\n";
    f << R"({"problem_id": "b", "sample_id": 1, "completion": "", "finish_reason": "length"})" << "\n";
  }
  EndpointPerplexityOptions o;
  o.endpoints = {server.url()};
  o.served_model = "fake-model";
  o.concurrency = 2;
  o.eos_text = "#";  // scored after completions that ended at eos
  std::vector<double> values = endpoint_perplexity(out, prompts, o);
  ASSERT_EQ(values.size(), 2u);  // the empty completion has no perplexity
  auto expected = [](const std::string& completion) {
    double sum = 0;
    for (unsigned char c : completion) sum += fake_char_logprob(c);
    return std::exp(-sum / static_cast<double>(completion.size()));
  };
  // In the order of (prompt, completion): "Q: 2+2?" before "Question: 1+1...".
  EXPECT_NEAR(values[0], expected(" 4"), 1e-12);
  EXPECT_NEAR(values[1], expected(" It is 2.#"), 1e-12);
  // A problem id the prompts do not know names the file, line and field.
  prompts.erase("b");
  try {
    endpoint_perplexity(out, prompts, o);
    FAIL();
  } catch (const rlvr::InputError& e) {
    EXPECT_EQ(e.line(), 2);
    EXPECT_EQ(e.field(), "problem_id");
  }
}

TEST(EndpointPerplexity, CountsCodePoints) {
  EXPECT_EQ(code_points("abc"), 3u);
  EXPECT_EQ(code_points("\xc3\xa9t\xc3\xa9"), 3u);  // été
}
