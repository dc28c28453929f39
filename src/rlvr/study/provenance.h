// What a result needs to be reproduced: the config as written, seeds, the
// code's git commit, dependency versions, the machine and time per stage.
#pragma once

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace rlvr::study {

struct StageTiming {
  std::string stage;
  double seconds = 0.0;
  bool cached = false;  // finished in an earlier run and skipped now
};

// Versions of the libraries this build uses, and the commit it was built from.
nlohmann::json build_info();
// Cores, threads in use, host and operating system.
nlohmann::json machine_info(int threads);

// total_seconds adds up the stages' times; wall_seconds is the run's own time,
// shorter when stages ran side by side (study.jobs), much shorter when cached.
void write_provenance(const std::filesystem::path& file, const std::string& config_text, uint64_t seed,
                      int threads, const std::vector<StageTiming>& timings, double wall_seconds);

}  // namespace rlvr::study
