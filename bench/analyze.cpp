// Speed of `rlvr analyze` on a large flat-sample file (10,000 problems x
// 1,024 samples by default, about 0.8 GB, generated once outside the repo),
// against the straightforward Python/numpy peer (bench/peers/analyze_peer.py)
// in the same run:
//   build/bench/bench_analyze [--file PATH] [--problems P] [--samples N]
//                             [--bootstrap B] [--threads T] [--no-peer]
// Prints reading rate (MB/s), analysis time, and the ratios to the peer.
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "rlvr/util/parallel.h"
#include "rlvr/data/sample_reader.h"
#include "rlvr/metrics/analyze.h"
#include "rlvr/metrics/random.h"
#include "rlvr/util/files.h"
#include "rlvr/util/seed.h"

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// CPU seconds of this process (all threads): on a shared, loaded machine
// this says more about the code than the wall clock does.
double cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

struct Timing {
  double wall = 1e300, cpu = 1e300;
};

// Per-problem accuracy spread over [0, 1) with many near-zero problems; wrong
// answers spread over a few distractors.
void generate(const fs::path& path, int64_t problems, int64_t samples) {
  fmt::print("generating {} ({} problems x {} samples)...\n", path.string(), problems, samples);
  std::fflush(stdout);
  fs::path temp = path;
  temp += ".partial";
  std::FILE* f = std::fopen(temp.c_str(), "wb");
  if (!f) throw std::runtime_error("cannot create " + temp.string());
  std::string buffer;
  for (int64_t p = 0; p < problems; ++p) {
    rlvr::metrics::RandomStream r(rlvr::derive_seed(11, {static_cast<uint64_t>(p)}));
    double u = static_cast<double>(r.next() >> 11) * 0x1.0p-53;
    double accuracy = u < 0.2 ? 0.0 : u * u;
    for (int64_t s = 0; s < samples; ++s) {
      bool correct = static_cast<double>(r.next() >> 11) * 0x1.0p-53 < accuracy;
      uint64_t answer = correct ? 0 : 1 + r.below(8);
      fmt::format_to(std::back_inserter(buffer),
                     "{{\"problem_id\":\"p{:05d}\",\"sample_id\":{},\"correct\":{},\"answer\":\"{}\",\"tokens\":{}}}\n",
                     p, s, correct ? "true" : "false", 100 + answer, 200 + r.below(800));
    }
    if (buffer.size() > (32u << 20)) {
      std::fwrite(buffer.data(), 1, buffer.size(), f);
      buffer.clear();
    }
  }
  std::fwrite(buffer.data(), 1, buffer.size(), f);
  std::fclose(f);
  fs::rename(temp, path);
}

// The best of `runs` (wall and CPU seconds, each the minimum).
template <class Fn>
Timing best_of(int runs, Fn fn) {
  Timing best;
  for (int i = 0; i < runs; ++i) {
    auto start = Clock::now();
    double cpu = cpu_seconds();
    fn();
    best.wall = std::min(best.wall, seconds_since(start));
    best.cpu = std::min(best.cpu, cpu_seconds() - cpu);
  }
  return best;
}

}  // namespace

int main(int argc, char** argv) {
  int64_t problems = 10000, samples = 1024, bootstrap = 1000;
  int threads = 0;
  bool peer = true;
  fs::path file;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&] { return i + 1 < argc ? std::string(argv[++i]) : std::string(); };
    if (a == "--file") file = next();
    else if (a == "--problems") problems = std::stoll(next());
    else if (a == "--samples") samples = std::stoll(next());
    else if (a == "--bootstrap") bootstrap = std::stoll(next());
    else if (a == "--threads") threads = std::stoi(next());
    else if (a == "--no-peer") peer = false;
    else {
      std::fprintf(stderr, "unknown argument %s\n", a.c_str());
      return 2;
    }
  }
  if (file.empty()) file = fs::temp_directory_path() / fmt::format("rlvr_bench_analyze_{}x{}.jsonl", problems, samples);
  if (!fs::exists(file)) generate(file, problems, samples);
  const double mb = static_cast<double>(fs::file_size(file)) / 1e6;
  const int all = rlvr::resolve_threads(threads);
  fmt::print("file: {} ({:.0f} MB), threads: {}\n\n", file.string(), mb, all);

  rlvr::data::ModelSamples model;
  Timing read_1 = best_of(2, [&] { model = rlvr::data::read_sample_file(file, {rlvr::data::InputFormat::automatic, 1}); });
  Timing read_all =
      best_of(2, [&] { model = rlvr::data::read_sample_file(file, {rlvr::data::InputFormat::automatic, all}); });

  rlvr::metrics::AnalysisOptions options;
  options.bootstrap = bootstrap;
  options.threads = all;
  rlvr::metrics::ModelInput counts_only{"model", model};
  for (auto& [id, p] : counts_only.samples.problems) p.answers.clear(), p.abstained = 0;  // no maj@k
  std::vector<rlvr::metrics::ModelInput> pass_inputs{counts_only};
  std::vector<rlvr::metrics::ModelInput> full_inputs{{"model", model}};
  rlvr::Analysis result;
  Timing pass = best_of(3, [&] { result = rlvr::metrics::analyze_models(pass_inputs, options); });
  Timing full = best_of(1, [&] { rlvr::metrics::analyze_models(full_inputs, options); });
  const auto& curve = result.models[0].pass_at_k;

  fmt::print("| measure | wall | CPU (all threads) |\n|---|---|---|\n");
  fmt::print("| read, 1 thread | {:.2f} s ({:.0f} MB/s) | {:.2f} s ({:.0f} MB/s) |\n", read_1.wall, mb / read_1.wall,
             read_1.cpu, mb / read_1.cpu);
  fmt::print("| read, {} threads | {:.2f} s ({:.0f} MB/s) | {:.2f} s |\n", all, read_all.wall, mb / read_all.wall,
             read_all.cpu);
  fmt::print("| pass@k (k = 1..{}) + bootstrap B = {} + coverage | {:.3f} s | {:.3f} s |\n", curve.back().k, bootstrap,
             pass.wall, pass.cpu);
  fmt::print("| the same + maj@k ({} draws) | {:.3f} s | {:.3f} s |\n", options.maj_draws, full.wall, full.cpu);
  fmt::print("pass@1 = {:.6f}, pass@{} = {:.6f} [{:.6f}, {:.6f}]\n\n", curve.front().value, curve.back().k,
             curve.back().value, curve.back().ci_low, curve.back().ci_high);

  if (!peer) return 0;
  fs::path peer_script = fs::path(RLVR_SOURCE_DIR) / "bench" / "peers" / "analyze_peer.py";
  fs::path peer_out = fs::temp_directory_path() / "rlvr_bench_analyze_peer.json";
  fmt::print("running the Python peer ({})...\n", peer_script.string());
  std::fflush(stdout);
  std::string command = fmt::format("/usr/bin/python3 \"{}\" \"{}\" --bootstrap {} > \"{}\"", peer_script.string(),
                                    file.string(), bootstrap, peer_out.string());
  if (std::system(command.c_str()) != 0) {
    std::fprintf(stderr, "the peer failed: %s\n", command.c_str());
    return 1;
  }
  auto p = nlohmann::json::parse(rlvr::read_file(peer_out));
  double peer_read = p["read_s"], peer_analysis = p["analysis_s"];
  double peer_read_cpu = p["read_cpu_s"], peer_analysis_cpu = p["analysis_cpu_s"];
  Timing fast_read = read_all.wall < read_1.wall ? read_all : read_1;
  fmt::print("| measure | rlvr (C++), wall / CPU | Python/numpy peer, wall / CPU | ratio, wall / CPU |\n|---|---|---|---|\n");
  fmt::print("| read | {:.2f} s / {:.2f} s | {:.2f} s / {:.2f} s | {:.0f}x / {:.0f}x |\n", fast_read.wall, fast_read.cpu,
             peer_read, peer_read_cpu, peer_read / fast_read.wall, peer_read_cpu / read_1.cpu);
  fmt::print("| analysis (pass@k, bootstrap, coverage) | {:.3f} s / {:.3f} s | {:.3f} s / {:.3f} s | {:.0f}x / {:.0f}x |\n",
             pass.wall, pass.cpu, peer_analysis, peer_analysis_cpu, peer_analysis / pass.wall,
             peer_analysis_cpu / pass.cpu);
  fmt::print("| read + analysis | {:.2f} s / {:.2f} s | {:.2f} s / {:.2f} s | {:.0f}x / {:.0f}x |\n",
             fast_read.wall + pass.wall, read_1.cpu + pass.cpu, peer_read + peer_analysis,
             peer_read_cpu + peer_analysis_cpu, (peer_read + peer_analysis) / (fast_read.wall + pass.wall),
             (peer_read_cpu + peer_analysis_cpu) / (read_1.cpu + pass.cpu));
  fmt::print("peer: pass@1 = {:.6f}, pass@max = {:.6f}, solved = {}\n", p["pass_at_1"].get<double>(),
             p["pass_at_max"].get<double>(), p["solved"].get<int64_t>());
  return 0;
}
