#include "cli/verify_code.h"

#include <cstdio>

#include "rlvr/code/labeling.h"
#include "rlvr/util/error.h"
#include "rlvr/util/files.h"

namespace rlvr::cli {

void add_code_verify_options(CLI::App& sub, CodeVerifyArgs& a) {
  sub.add_option("--timeout", a.timeout, "code: wall-clock seconds per program (also its CPU limit)")
      ->check(CLI::Range(0.1, 3600.0));
  sub.add_option("--memory-mb", a.memory_mb, "code: address-space limit per program, MiB")
      ->check(CLI::Range(64.0, 1e6));
  sub.add_flag("--fresh-interpreter", a.fresh_interpreter,
               "code: start a new sandboxed interpreter per program instead of forking from a server");
  sub.add_flag("--unsafe-no-sandbox", a.unsafe_no_sandbox,
               "code: run programs WITHOUT namespaces or seccomp (only rlimits and the time limit); "
               "every output row records sandbox \"none\"");
}

bool is_code_verify(const std::string& dataset, const std::string& format) {
  return code::is_code_dataset(dataset) || code::is_code_dataset(format);
}

void run_code_verify(const CodeVerifyArgs& a, const std::string& dataset, const std::string& problems_file,
                     const std::string& format, const std::string& data_dir, const std::string& samples,
                     const std::string& out, int threads) {
  std::vector<code::CodeProblem> problems;
  if (!dataset.empty()) {
    std::filesystem::path dir = data_dir.empty() ? find_data_dir() : std::filesystem::path(data_dir);
    problems = code::load_code_dataset(dataset, dir);
  } else if (!problems_file.empty()) {
    problems = code::load_code_problems_file(problems_file, format);
  }
  code::JudgeOptions options;
  options.workers = threads;
  options.sandbox.limits.wall_seconds = a.timeout;
  options.sandbox.limits.cpu_seconds = a.timeout;
  options.sandbox.limits.memory_bytes = static_cast<uint64_t>(a.memory_mb * 1024 * 1024);
  options.sandbox.mode = a.fresh_interpreter ? sandbox::Mode::FreshInterpreter : sandbox::Mode::ForkServer;
  options.sandbox.unsafe_no_sandbox = a.unsafe_no_sandbox;
  if (a.unsafe_no_sandbox)
    std::fprintf(stderr, "warning: --unsafe-no-sandbox: programs run with the host's files and network\n");
  code::CodeLabelSummary s = code::label_code_samples(samples, out, problems, options);
  std::printf("%s: %zu rows, %zu programs, %zu passed (%.1f%%) in %.1f s, sandbox %s -> %s\n", s.format.c_str(),
              s.rows, s.samples, s.passed,
              s.samples ? 100.0 * static_cast<double>(s.passed) / static_cast<double>(s.samples) : 0.0, s.seconds,
              s.isolation.c_str(), out.c_str());
  for (const auto& [status, count] : s.statuses) std::printf("  %-24s %zu\n", status.c_str(), count);
}

}  // namespace rlvr::cli
