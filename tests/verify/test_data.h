// Where the tests find their data: the verifier's development cases in
// ../shared/data (tests that need them skip by name when it is missing), and
// the benchmark sets shipped in the project's data/ folder.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "rlvr/util/files.h"

namespace rlvr::verify::testing {

// $RLVR_DATA_DIR when set, else ../shared/data beside the source tree.
inline std::filesystem::path shared_data() {
  if (const char* env = std::getenv("RLVR_DATA_DIR"); env && *env) return env;
  return std::filesystem::path(RLVR_SOURCE_DIR) / ".." / "shared" / "data";
}

// The benchmark sets as rlvr finds them (the project's data/ folder).
inline std::filesystem::path benchmark_data() { return rlvr::find_data_dir(); }

#define RLVR_REQUIRE_FILE(path)                                                              \
  do {                                                                                       \
    if (!std::filesystem::exists(path)) GTEST_SKIP() << "missing shared data file " << (path); \
  } while (0)

}  // namespace rlvr::verify::testing
