// Reads the sample files `rlvr analyze` accepts into per-problem counts:
//   reference  one JSON line per problem: idx, gt, code[], pred[], score[]
//              (what the reference study's and Qwen2.5-Math's evaluation write)
//   samples    one JSON line per sample: problem_id, correct, answer, ...
//   counts     CSV or JSON lines with problem_id, n, correct
// The format is detected per file unless forced. Bad input (bad JSON, missing
// field, wrong type, correct > n, empty file, a torn line) throws InputError
// naming file, line and field. docs/FORMATS.md describes each format.
#pragma once

#include <filesystem>
#include <string_view>
#include <vector>

#include "rlvr/data/model_samples.h"

namespace rlvr::data {

enum class InputFormat { automatic, reference, samples, counts };

// "auto", "reference", "samples", "counts"; throws rlvr::Error otherwise.
InputFormat parse_input_format(std::string_view name);
std::string_view input_format_name(InputFormat format);

struct ReadOptions {
  InputFormat format = InputFormat::automatic;
  int threads = 0;  // 0 = all cores; the result does not depend on it
};

// The format of one file's content, from its extension and first record.
InputFormat detect_input_format(const std::filesystem::path& path, std::string_view text);

ModelSamples read_sample_file(const std::filesystem::path& path, const ReadOptions& options = {});

// Reads several files of one model (seeds, shards) and merges them: counts
// add per problem. Naming the same file twice is an error.
ModelSamples read_model_files(const std::vector<std::filesystem::path>& paths,
                              const ReadOptions& options = {});

}  // namespace rlvr::data
