// The code half of `rlvr verify`: humaneval, mbpp and mbpp_full completions
// are run in the sandbox instead of being compared as math answers.
#pragma once

#include <string>

#include <CLI/CLI.hpp>

namespace rlvr::cli {

struct CodeVerifyArgs {
  double timeout = 10.0;
  double memory_mb = 1024;
  bool fresh_interpreter = false;
  bool unsafe_no_sandbox = false;
};

// Adds --timeout, --memory-mb, --fresh-interpreter and --unsafe-no-sandbox.
void add_code_verify_options(CLI::App& sub, CodeVerifyArgs& args);

// Whether `dataset` (or --format) names a code benchmark.
bool is_code_verify(const std::string& dataset, const std::string& format);

// Labels the samples; `threads` 0 means one worker per core. Prints a summary.
void run_code_verify(const CodeVerifyArgs& args, const std::string& dataset, const std::string& problems,
                     const std::string& format, const std::string& data_dir, const std::string& samples,
                     const std::string& out, int threads);

}  // namespace rlvr::cli
