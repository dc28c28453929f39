// Each stage of a study writes into its own folder DIR/<stage>/. The folder
// holds `key` (a hash of everything the stage's result depends on: its config
// and the keys of the stages it reads) from the moment the stage starts, and
// `done.json` once it has finished. A re-run skips a finished stage with the
// same key, resumes an unfinished one with the same key (each stage resumes
// from what it left), and starts afresh when the key changed.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace rlvr::study {

// 16 hex digits of a 64-bit FNV-1a hash: stable across runs and machines.
std::string hash_text(std::string_view text);

enum class StageState { fresh, resumable, done };

class StageCache {
 public:
  explicit StageCache(std::filesystem::path root);

  std::filesystem::path dir(std::string_view stage) const;

  // Prepares the stage folder for `key` and says what is already there.
  StageState open(std::string_view stage, std::string_view key);

  // Records a finished stage with its wall time.
  void mark_done(std::string_view stage, double seconds);

  // Seconds recorded for a finished stage (0 when not finished).
  double recorded_seconds(std::string_view stage) const;

  // Deletes a stage's folder so that it runs again from scratch (--from).
  void invalidate(std::string_view stage);

 private:
  std::filesystem::path root_;
};

}  // namespace rlvr::study
