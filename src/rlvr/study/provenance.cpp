#include "rlvr/study/provenance.h"

#include <sys/utsname.h>

#include <chrono>
#include <thread>

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <torch/version.h>
#include <toml++/toml.h>

#include "rlvr/build_info.h"
#include "rlvr/util/files.h"


namespace rlvr::study {

nlohmann::json build_info() {
  return {
      {"rlvr_version", RLVR_VERSION},
      {"git_commit", RLVR_GIT_COMMIT},
      {"compiler", fmt::format("{} {}", "gcc", __VERSION__)},
      {"libtorch", TORCH_VERSION},
      {"fmt", fmt::format("{}.{}.{}", FMT_VERSION / 10000, FMT_VERSION / 100 % 100, FMT_VERSION % 100)},
      {"nlohmann_json", fmt::format("{}.{}.{}", NLOHMANN_JSON_VERSION_MAJOR,
                                    NLOHMANN_JSON_VERSION_MINOR, NLOHMANN_JSON_VERSION_PATCH)},
      {"tomlplusplus", fmt::format("{}.{}.{}", TOML_LIB_MAJOR, TOML_LIB_MINOR, TOML_LIB_PATCH)},
  };
}

nlohmann::json machine_info(int threads) {
  utsname names{};
  ::uname(&names);
  return {{"cores", std::thread::hardware_concurrency()},
          {"threads", threads},
          {"host", names.nodename},
          {"system", fmt::format("{} {} {}", names.sysname, names.release, names.machine)}};
}

void write_provenance(const std::filesystem::path& file, const std::string& config_text,
                      uint64_t seed, int threads, const std::vector<StageTiming>& timings, double wall_seconds) {
  nlohmann::json stages = nlohmann::json::array();
  double total = 0.0;
  for (const StageTiming& t : timings) {
    stages.push_back({{"stage", t.stage}, {"seconds", t.seconds}, {"cached", t.cached}});
    total += t.seconds;
  }
  auto now = std::chrono::system_clock::now();
  nlohmann::json provenance = {
      {"written_at", fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", fmt::gmtime(std::chrono::system_clock::to_time_t(now)))},
      {"seed", seed},
      {"config", config_text},
      {"build", build_info()},
      {"machine", machine_info(threads)},
      {"stages", stages},
      {"total_seconds", total},
      {"wall_seconds", wall_seconds},
  };
  write_file_atomically(file, provenance.dump(2) + "\n");
}

}  // namespace rlvr::study
