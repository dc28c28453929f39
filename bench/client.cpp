// Requests per second of the endpoint sampler (`rlvr sample --endpoint`'s
// library: JSON bodies, retries, choice checks, fsync'd appends) against a
// trivial local OpenAI-compatible server in another process, with 64 requests
// in flight, next to curl's own parallel transfers (libcurl, --parallel) to
// the same server in the same run:
//   build/bench/bench_client [--requests R] [--concurrency C] [--no-peer]
// The server answers every request at once with one short completion, so the
// figure is the client's cost (and the server's), not a model's.
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include <fmt/format.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "rlvr/client/endpoint_sampling.h"

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

double cpu_seconds(int who) {
  rusage usage{};
  getrusage(who, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

// Forks the trivial server; returns its pid and port.
std::pair<pid_t, int> start_server() {
  int fds[2];
  if (::pipe(fds) != 0) std::exit(1);
  pid_t pid = ::fork();
  if (pid == 0) {
    ::close(fds[0]);
    httplib::Server server;
    server.new_task_queue = [] { return new httplib::ThreadPool(96); };
    server.set_keep_alive_max_count(1000000);
    server.set_tcp_nodelay(true);  // as uvicorn (vLLM) and most servers set it
    server.Post("/v1/completions", [](const httplib::Request& req, httplib::Response& res) {
      nlohmann::json body = nlohmann::json::parse(req.body);
      nlohmann::json choices = nlohmann::json::array();
      for (int k = 0; k < body.value("n", 1); ++k)
        choices.push_back({{"index", k}, {"text", "2 + 2 = 4, so the answer is \\boxed{4}."},
                           {"finish_reason", "stop"},
                           {"logprobs", {{"token_logprobs", {-0.1, -0.2, -0.05, -0.3, -0.01, -0.2, -0.1, -0.4}}}}});
      res.set_content(nlohmann::json({{"id", "cmpl-0"}, {"object", "text_completion"}, {"choices", choices},
                                      {"usage", {{"prompt_tokens", 20}, {"completion_tokens", 8}}}})
                          .dump(),
                      "application/json");
    });
    int port = server.bind_to_any_port("127.0.0.1");
    if (::write(fds[1], &port, sizeof port) != sizeof port) ::_exit(1);
    ::close(fds[1]);
    server.listen_after_bind();
    ::_exit(0);
  }
  ::close(fds[1]);
  int port = 0;
  if (::read(fds[0], &port, sizeof port) != sizeof port) std::exit(1);
  ::close(fds[0]);
  return {pid, port};
}

}  // namespace

int main(int argc, char** argv) {
  int requests = 20000, concurrency = 64;
  bool peer = true;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--requests" && i + 1 < argc) requests = std::atoi(argv[++i]);
    else if (a == "--concurrency" && i + 1 < argc) concurrency = std::atoi(argv[++i]);
    else if (a == "--no-peer") peer = false;
    else {
      std::fprintf(stderr, "usage: bench_client [--requests R] [--concurrency C] [--no-peer]\n");
      return 2;
    }
  }
  auto [server, port] = start_server();
  std::string url = fmt::format("http://127.0.0.1:{}/v1", port);
  fs::path dir = fs::temp_directory_path() / fmt::format("rlvr-bench-client-{}", ::getpid());
  fs::create_directories(dir);

  // One sample per request: every sample is one request.
  int per_problem = 16;
  std::vector<rlvr::client::Question> questions;
  for (int i = 0; i < requests / per_problem; ++i)
    questions.push_back({fmt::format("p{}", i), fmt::format("What is {} + {}?", i, i)});
  rlvr::client::EndpointSampleOptions o;
  o.endpoints = {url};
  o.served_model = "bench";
  o.api = rlvr::client::Api::completions;
  o.prompt_template = rlvr::client::builtin_template("plain");
  o.samples_per_problem = per_problem;
  o.samples_per_request = 1;
  o.concurrency = concurrency;
  auto start = Clock::now();
  double cpu_start = cpu_seconds(RUSAGE_SELF);
  rlvr::client::EndpointSampleResult r = rlvr::client::sample_endpoints(questions, o, dir / "samples.jsonl");
  double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  double cpu = cpu_seconds(RUSAGE_SELF) - cpu_start;
  std::printf("rlvr client : %lld requests, %d in flight, %.2f s: %.0f requests/s; client CPU %.0f us/request "
              "(%.0f requests per CPU-second; %lld retries)\n",
              static_cast<long long>(r.requests), concurrency, seconds, static_cast<double>(r.requests) / seconds,
              1e6 * cpu / static_cast<double>(r.requests), static_cast<double>(r.requests) / cpu,
              static_cast<long long>(r.retries));

  if (peer) {
    // curl: the same number of POSTs with the same body, 64 at a time.
    nlohmann::json body = {{"model", "bench"}, {"prompt", "Question: What is 1 + 1?\nAnswer:"}, {"n", 1},
                           {"max_tokens", 1024}, {"logprobs", 0}};
    std::ofstream(dir / "body.json") << body.dump();
    {
      std::ofstream config(dir / "curl.config");
      for (int i = 0; i < requests; ++i)
        config << (i ? "next\n" : "") << "url = \"" << url << "/completions\"\nheader = \"Content-Type: application/json\"\n"
               << "data = \"@" << (dir / "body.json").string() << "\"\noutput = \"/dev/null\"\n";
    }
    std::string command = fmt::format("curl --silent --show-error --no-progress-meter --parallel --parallel-max {} --config {}", concurrency,
                                      (dir / "curl.config").string());
    auto peer_start = Clock::now();
    double peer_cpu_start = cpu_seconds(RUSAGE_CHILDREN);  // the server is not reaped yet: curl only
    int status = std::system(command.c_str());
    double peer_seconds = std::chrono::duration<double>(Clock::now() - peer_start).count();
    double peer_cpu = cpu_seconds(RUSAGE_CHILDREN) - peer_cpu_start;
    if (status == 0)
      std::printf("curl peer   : %d requests, %d in flight, %.2f s: %.0f requests/s; client CPU %.0f us/request "
                  "(%.0f requests per CPU-second)\n",
                  requests, concurrency, peer_seconds, requests / peer_seconds, 1e6 * peer_cpu / requests,
                  requests / peer_cpu);
    else
      std::printf("curl peer   : failed (status %d)\n", status);
  }
  ::kill(server, SIGKILL);
  ::waitpid(server, nullptr, 0);
  fs::remove_all(dir);
  return 0;
}
