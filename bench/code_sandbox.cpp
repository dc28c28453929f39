// Throughput of the code sandbox against a peer shaped like the public
// HumanEval harness (bench/peers/code_peer.py), in the same run.
//
// Workloads: HumanEval's canonical solutions x R (default 10), and a mixed
// set: the 164 canonical solutions plus 41 programs that loop forever (20% of
// the set time out). Harnesses: the fork server (the default of rlvr verify),
// a fresh sandboxed interpreter per program, and the peer; each with the
// same time-out and the same number of parallel workers. Prints programs per
// second, passes and time-outs for each.
//
//   build/bench/bench_code_sandbox [--data-dir data] [--repeat 10] [--timeout 3] [--workers N]
//                                  [--fresh-limit 328] [--no-peer] [--no-mixed]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "rlvr/code/judge.h"
#include "rlvr/code/problems.h"
#include "rlvr/util/files.h"

using namespace rlvr;

namespace {

struct Figures {
  size_t programs = 0, passed = 0, timeouts = 0;
  double seconds = 0;
};

Figures run_ours(const std::vector<std::string>& programs, sandbox::Mode mode, double timeout, int workers) {
  code::JudgeOptions o;
  o.workers = workers;
  o.sandbox.mode = mode;
  o.sandbox.limits.wall_seconds = timeout;
  o.sandbox.limits.cpu_seconds = timeout;
  auto start = std::chrono::steady_clock::now();
  auto results = code::run_programs(programs, o);
  Figures f;
  f.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  f.programs = programs.size();
  for (const auto& r : results) {
    f.passed += r.status == sandbox::Status::Passed;
    f.timeouts += r.status == sandbox::Status::Timeout;
  }
  return f;
}

void print(const char* workload, const char* harness, const Figures& f) {
  std::printf("%-22s %-26s %6zu programs %8.2f s %8.1f programs/s  %5zu passed %4zu timed out\n", workload,
              harness, f.programs, f.seconds, static_cast<double>(f.programs) / f.seconds, f.passed, f.timeouts);
  std::fflush(stdout);
}

void run_peer(const char* workload, const std::vector<std::string>& programs, double timeout, int workers) {
  std::string file = "/tmp/rlvr_bench_code_programs.jsonl";
  std::string text;
  for (const auto& p : programs) text += nlohmann::json{{"program", p}}.dump() + "\n";
  write_file_atomically(file, text);
  std::printf("%-22s %-26s ", workload, "peer (process per program)");
  std::fflush(stdout);
  std::string command = std::string("/usr/bin/python3 ") + RLVR_SOURCE_DIR + "/bench/peers/code_peer.py " + file +
                        " " + std::to_string(timeout) + " " + std::to_string(workers);
  if (std::system(command.c_str()) != 0) std::printf("peer failed\n");
  std::remove(file.c_str());
}

}  // namespace

int main(int argc, char** argv) {
  std::string data_dir = std::string(RLVR_SOURCE_DIR) + "/data";
  int repeat = 10, workers = static_cast<int>(std::thread::hardware_concurrency());
  size_t fresh_limit = 328;
  double timeout = 3.0;
  bool peer = true, mixed_set = true;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&] { return i + 1 < argc ? std::string(argv[++i]) : std::string(); };
    if (a == "--data-dir") data_dir = next();
    else if (a == "--repeat") repeat = std::atoi(next().c_str());
    else if (a == "--timeout") timeout = std::atof(next().c_str());
    else if (a == "--workers") workers = std::atoi(next().c_str());
    else if (a == "--fresh-limit") fresh_limit = static_cast<size_t>(std::atoll(next().c_str()));
    else if (a == "--no-peer") peer = false;
    else if (a == "--no-mixed") mixed_set = false;
    else {
      std::fprintf(stderr, "unknown option %s\n", a.c_str());
      return 2;
    }
  }
  auto problems = code::load_code_dataset("humaneval", data_dir);
  std::vector<std::string> canonical;
  for (int r = 0; r < repeat; ++r)
    for (const auto& p : problems) canonical.push_back(code::build_program(p, p.reference));
  std::vector<std::string> mixed;
  for (size_t i = 0; i < problems.size(); ++i) {
    mixed.push_back(code::build_program(problems[i], problems[i].reference));
    if (i % 4 == 3) mixed.push_back(code::build_program(problems[i], "    while True:\n        pass\n"));
  }
  std::printf("workers %d, time-out %.1f s, %u hardware threads\n", workers, timeout,
              std::thread::hardware_concurrency());
  std::string canonical_name = "canonical x" + std::to_string(repeat);
  print(canonical_name.c_str(), "fork server", run_ours(canonical, sandbox::Mode::ForkServer, timeout, workers));
  std::vector<std::string> fresh(canonical.begin(),
                                 canonical.begin() + static_cast<long>(std::min(fresh_limit, canonical.size())));
  if (!fresh.empty())
    print(canonical_name.c_str(), "fresh interpreter",
          run_ours(fresh, sandbox::Mode::FreshInterpreter, timeout, workers));
  if (peer) run_peer(canonical_name.c_str(), canonical, timeout, workers);
  if (!mixed_set) return 0;
  print("mixed, 20% time-outs", "fork server", run_ours(mixed, sandbox::Mode::ForkServer, timeout, workers));
  if (peer) run_peer("mixed, 20% time-outs", mixed, timeout, workers);
  return 0;
}
