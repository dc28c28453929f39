// Where the tests find ../shared/data; tests that need it skip by name when it is missing.
#pragma once

#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "rlvr/util/files.h"

namespace rlvr::verify::testing {

// $RLVR_DATA_DIR when set, else ../shared/data beside the source tree.
inline std::filesystem::path shared_data() {
  std::filesystem::path found = rlvr::find_data_dir();
  if (!found.empty()) return found;
  return std::filesystem::path(RLVR_SOURCE_DIR) / ".." / "shared" / "data";
}

#define RLVR_REQUIRE_FILE(path)                                                              \
  do {                                                                                       \
    if (!std::filesystem::exists(path)) GTEST_SKIP() << "missing shared data file " << (path); \
  } while (0)

}  // namespace rlvr::verify::testing
