// Files that matter are written whole or not at all: the content goes to a
// temporary file beside the target, is flushed to disk, then renamed over it.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace rlvr {

void write_file_atomically(const std::filesystem::path& path, std::string_view content);

// Reads a whole file; throws InputError naming the file when it cannot.
std::string read_file(const std::filesystem::path& path);

// The data folder holding benchmarks/<name>/test.jsonl: $RLVR_DATA_DIR when
// set, else the data/ folder shipped with the project (found from the source
// tree the program was built from, or beside the program's build folder).
// Returns an empty path when none exists.
std::filesystem::path find_data_dir();

}  // namespace rlvr
