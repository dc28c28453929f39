#include "rlvr/study/stages.h"

#include <algorithm>
#include <chrono>
#include <cstdio>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "rlvr/util/error.h"

namespace rlvr::study {

const std::vector<std::string>& stage_kinds() {
  static const std::vector<std::string> kinds = {"pretrain", "rl",         "distill", "sample", "verify",
                                                 "analyze",  "perplexity", "report"};
  return kinds;
}

StageRunner::StageRunner(std::string from) : from_(std::move(from)) {
  if (!from_.empty() && std::find(stage_kinds().begin(), stage_kinds().end(), from_) == stage_kinds().end())
    throw Error(fmt::format("--from: unknown stage '{}' (stages: {})", from_, fmt::join(stage_kinds(), ", ")));
}

double StageRunner::wall_seconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
}

bool StageRunner::forced(const std::string& kind) const {
  if (from_.empty()) return false;
  auto rank = [](const std::string& k) {
    return std::find(stage_kinds().begin(), stage_kinds().end(), k) - stage_kinds().begin();
  };
  return rank(kind) >= rank(from_);
}

bool StageRunner::run(StageCache& cache, const std::string& task, const std::string& name, const std::string& kind,
                      const std::string& key, const std::function<void(const std::filesystem::path&, bool)>& work) {
  const std::string label = task + "/" + name;
  if (forced(kind)) cache.invalidate(name);
  StageState state = cache.open(name, key);
  if (state == StageState::done) {
    std::lock_guard lock(mutex_);
    timings_.push_back({label, cache.recorded_seconds(name), true});
    fmt::print("study: {} done earlier (cached)\n", label);
    std::fflush(stdout);
    return false;
  }
  {
    std::lock_guard lock(mutex_);
    fmt::print("study: {} {}\n", label, state == StageState::resumable ? "resuming" : "running");
    std::fflush(stdout);
  }
  auto start = std::chrono::steady_clock::now();
  work(cache.dir(name), state == StageState::resumable);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  cache.mark_done(name, seconds);
  record(label, seconds);
  return true;
}

void StageRunner::record(std::string label, double seconds) {
  std::lock_guard lock(mutex_);
  timings_.push_back({std::move(label), seconds, false});
}

}  // namespace rlvr::study
