// Runs many programs in the sandbox in parallel: one sandbox::Runner (one
// fork server) per worker thread; results come back in input order.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "rlvr/sandbox/sandbox.h"

namespace rlvr::code {

struct JudgeOptions {
  sandbox::Options sandbox;
  int workers = 0;  // 0: one per core
};

// `on_done(i)` (optional) is called from a worker thread after program i finished.
std::vector<sandbox::Result> run_programs(const std::vector<std::string>& programs, const JudgeOptions& options,
                                          const std::function<void(size_t)>& on_done = {});

}  // namespace rlvr::code
