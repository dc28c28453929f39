#include "rlvr/study/stage_cache.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "rlvr/util/files.h"

namespace fs = std::filesystem;

namespace rlvr::study {

std::string hash_text(std::string_view text) {
  uint64_t h = 14695981039346656037ULL;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return fmt::format("{:016x}", h);
}

StageCache::StageCache(fs::path root) : root_(std::move(root)) {}

fs::path StageCache::dir(std::string_view stage) const { return root_ / std::string(stage); }

StageState StageCache::open(std::string_view stage, std::string_view key) {
  fs::path folder = dir(stage);
  fs::path key_file = folder / "key";
  if (fs::exists(key_file)) {
    std::string recorded = read_file(key_file);
    if (recorded == key) return fs::exists(folder / "done.json") ? StageState::done : StageState::resumable;
  }
  // Nothing there, or built from other inputs: start clean.
  fs::remove_all(folder);
  fs::create_directories(folder);
  write_file_atomically(key_file, key);
  return StageState::fresh;
}

void StageCache::mark_done(std::string_view stage, double seconds) {
  nlohmann::json done = {{"seconds", seconds}};
  write_file_atomically(dir(stage) / "done.json", done.dump(2) + "\n");
}

double StageCache::recorded_seconds(std::string_view stage) const {
  fs::path file = dir(stage) / "done.json";
  if (!fs::exists(file)) return 0.0;
  return nlohmann::json::parse(read_file(file)).value("seconds", 0.0);
}

void StageCache::invalidate(std::string_view stage) { fs::remove_all(dir(stage)); }

}  // namespace rlvr::study
