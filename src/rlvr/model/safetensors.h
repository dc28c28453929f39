// The safetensors file format, written and read here: 8-byte little-endian
// header length N, N bytes of JSON header {"name": {"dtype", "shape",
// "data_offsets": [begin, end]}, "__metadata__": {string: string}}, then the
// raw little-endian tensor bytes. Readable by the Python `safetensors` package.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <torch/torch.h>

namespace rlvr::model {

using NamedTensors = std::vector<std::pair<std::string, torch::Tensor>>;

struct SafetensorsFile {
  std::map<std::string, torch::Tensor> tensors;
  std::map<std::string, std::string> metadata;
};

// Whole file content (tensors F32, F64, I64, I32, U8 or BOOL on CPU).
std::string encode_safetensors(const NamedTensors& tensors,
                               const std::map<std::string, std::string>& metadata = {});
// Written atomically: a crash leaves the old file or the new one, never half.
void write_safetensors(const std::filesystem::path& path, const NamedTensors& tensors,
                       const std::map<std::string, std::string>& metadata = {});
// Throws rlvr::InputError naming the file (and the tensor) when the content is
// malformed: bad header, unknown dtype, offsets outside the data, sizes that
// do not match the shape.
SafetensorsFile read_safetensors(const std::filesystem::path& path);
SafetensorsFile decode_safetensors(const std::string& content, const std::string& source);

// Copies `file`'s tensors into `targets`, requiring exactly the same names,
// shapes and dtypes; throws rlvr::InputError naming `source` and the tensor.
// `prefix` is prepended to target names when looking them up in the file.
void load_into(const SafetensorsFile& file, const NamedTensors& targets, const std::string& source,
               const std::string& prefix = "", bool allow_extra = false);

}  // namespace rlvr::model
