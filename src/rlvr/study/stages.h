// Runs a study's stages through their caches (stage_cache.h): a stage that
// finished earlier with the same key is skipped, one of a kind at or after
// --from always starts afresh, and each stage's wall time is kept for the
// provenance file. Stages of different names may run on several threads at once.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "rlvr/study/provenance.h"
#include "rlvr/study/stage_cache.h"

namespace rlvr::study {

// Stage kinds in the order they run; --from names one of them.
const std::vector<std::string>& stage_kinds();

class StageRunner {
 public:
  // from: "" or a stage kind; throws rlvr::Error for an unknown one.
  explicit StageRunner(std::string from);

  // Runs `work(dir, resuming)` in the stage's folder unless it is done;
  // says whether it ran (stages that read its output must then run too).
  bool run(StageCache& cache, const std::string& task, const std::string& name, const std::string& kind,
           const std::string& key, const std::function<void(const std::filesystem::path&, bool)>& work);
  // Time of work done outside a cached stage (analysis, report).
  void record(std::string label, double seconds);
  // Read once every stage has finished.
  const std::vector<StageTiming>& timings() const { return timings_; }
  // Seconds since this runner was made: the run's own wall time, in which
  // stages that ran side by side count once (timings() counts each).
  double wall_seconds() const;

 private:
  bool forced(const std::string& kind) const;

  std::string from_;
  std::mutex mutex_;  // timings_ and the progress lines
  std::vector<StageTiming> timings_;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
};

}  // namespace rlvr::study
