#include "rlvr/model/safetensors.h"

#include <bit>
#include <cstring>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <nlohmann/json.hpp>

#include "rlvr/util/error.h"
#include "rlvr/util/files.h"

static_assert(std::endian::native == std::endian::little,
              "safetensors data is little-endian; this build assumes a little-endian host");

namespace rlvr::model {

namespace {

struct DtypeName {
  torch::ScalarType type;
  const char* name;
};
constexpr DtypeName kDtypes[] = {
    {torch::kFloat32, "F32"}, {torch::kFloat64, "F64"}, {torch::kInt64, "I64"},
    {torch::kInt32, "I32"},   {torch::kUInt8, "U8"},    {torch::kBool, "BOOL"},
};

const char* dtype_name(torch::ScalarType type) {
  for (auto& d : kDtypes)
    if (d.type == type) return d.name;
  throw Error(fmt::format("safetensors: unsupported tensor type {}", c10::toString(type)));
}

std::string shape_string(c10::IntArrayRef shape) {
  return fmt::format("[{}]", fmt::join(shape, ", "));
}

}  // namespace

std::string encode_safetensors(const NamedTensors& tensors,
                               const std::map<std::string, std::string>& metadata) {
  nlohmann::ordered_json header = nlohmann::ordered_json::object();
  if (!metadata.empty()) header["__metadata__"] = metadata;
  std::vector<torch::Tensor> contiguous;
  size_t offset = 0;
  for (const auto& [name, tensor] : tensors) {
    torch::Tensor t = tensor.detach().to(torch::kCPU).contiguous();
    size_t bytes = t.numel() * t.element_size();
    if (header.contains(name)) throw Error(fmt::format("safetensors: duplicate tensor '{}'", name));
    header[name] = {{"dtype", dtype_name(t.scalar_type())},
                    {"shape", t.sizes().vec()},
                    {"data_offsets", {offset, offset + bytes}}};
    offset += bytes;
    contiguous.push_back(t);
  }
  std::string json = header.dump();
  json.append((8 - json.size() % 8) % 8, ' ');  // keeps the data 8-byte aligned
  uint64_t n = json.size();
  std::string out(8, '\0');
  std::memcpy(out.data(), &n, 8);
  out += json;
  out.reserve(out.size() + offset);
  for (const auto& t : contiguous)
    out.append(static_cast<const char*>(t.data_ptr()), t.numel() * t.element_size());
  return out;
}

void write_safetensors(const std::filesystem::path& path, const NamedTensors& tensors,
                       const std::map<std::string, std::string>& metadata) {
  write_file_atomically(path, encode_safetensors(tensors, metadata));
}

SafetensorsFile decode_safetensors(const std::string& content, const std::string& source) {
  if (content.size() < 8) throw InputError(source, 0, "", "too short for a safetensors file");
  uint64_t n = 0;
  std::memcpy(&n, content.data(), 8);
  if (n > content.size() - 8)
    throw InputError(source, 0, "",
                     fmt::format("header length {} exceeds the file size {}", n, content.size()));
  nlohmann::json header;
  try {
    header = nlohmann::json::parse(content.substr(8, n));
  } catch (const nlohmann::json::exception& e) {
    throw InputError(source, 0, "header", fmt::format("not valid JSON: {}", e.what()));
  }
  if (!header.is_object()) throw InputError(source, 0, "header", "expected a JSON object");
  const char* data = content.data() + 8 + n;
  const size_t data_size = content.size() - 8 - n;
  SafetensorsFile file;
  for (auto& [name, entry] : header.items()) {
    if (name == "__metadata__") {
      if (!entry.is_object()) throw InputError(source, 0, name, "expected an object of strings");
      for (auto& [k, v] : entry.items()) {
        if (!v.is_string()) throw InputError(source, 0, "__metadata__." + k, "expected a string");
        file.metadata[k] = v.get<std::string>();
      }
      continue;
    }
    auto bad = [&](const std::string& problem) {
      return InputError(source, 0, name, problem);
    };
    if (!entry.is_object() || !entry.contains("dtype") || !entry.contains("shape") ||
        !entry.contains("data_offsets"))
      throw bad("expected {dtype, shape, data_offsets}");
    std::string dtype = entry["dtype"].is_string() ? entry["dtype"].get<std::string>() : "";
    const DtypeName* found = nullptr;
    for (auto& d : kDtypes)
      if (dtype == d.name) found = &d;
    if (!found) throw bad(fmt::format("unsupported dtype {}", entry["dtype"].dump()));
    std::vector<int64_t> shape;
    int64_t numel = 1;
    if (!entry["shape"].is_array()) throw bad("shape must be an array of integers");
    for (auto& s : entry["shape"]) {
      if (!s.is_number_unsigned()) throw bad("shape must be an array of non-negative integers");
      shape.push_back(s.get<int64_t>());
      numel *= shape.back();
    }
    auto& offsets = entry["data_offsets"];
    if (!offsets.is_array() || offsets.size() != 2 || !offsets[0].is_number_unsigned() ||
        !offsets[1].is_number_unsigned())
      throw bad("data_offsets must be [begin, end]");
    uint64_t begin = offsets[0].get<uint64_t>(), end = offsets[1].get<uint64_t>();
    if (begin > end || end > data_size)
      throw bad(fmt::format("data_offsets [{}, {}] outside the {} data bytes", begin, end, data_size));
    torch::Tensor t = torch::empty(shape, torch::TensorOptions().dtype(found->type));
    size_t bytes = static_cast<size_t>(numel) * t.element_size();
    if (end - begin != bytes)
      throw bad(fmt::format("{} bytes of data for {} {} (needs {})", end - begin, dtype,
                            shape_string(shape), bytes));
    if (bytes) std::memcpy(t.data_ptr(), data + begin, bytes);
    file.tensors.emplace(name, std::move(t));
  }
  return file;
}

SafetensorsFile read_safetensors(const std::filesystem::path& path) {
  return decode_safetensors(read_file(path), path.string());
}

void load_into(const SafetensorsFile& file, const NamedTensors& targets, const std::string& source,
               const std::string& prefix, bool allow_extra) {
  torch::NoGradGuard no_grad;
  size_t used = 0;
  for (const auto& [name, target] : targets) {
    auto it = file.tensors.find(prefix + name);
    if (it == file.tensors.end())
      throw InputError(source, 0, prefix + name,
                       fmt::format("tensor missing (expected {} {})", dtype_name(target.scalar_type()),
                                   shape_string(target.sizes())));
    const torch::Tensor& t = it->second;
    if (t.scalar_type() != target.scalar_type())
      throw InputError(source, 0, prefix + name,
                       fmt::format("dtype {} where {} was expected", dtype_name(t.scalar_type()),
                                   dtype_name(target.scalar_type())));
    if (t.sizes() != target.sizes())
      throw InputError(source, 0, prefix + name,
                       fmt::format("shape {} where {} was expected", shape_string(t.sizes()),
                                   shape_string(target.sizes())));
    target.copy_(t);
    ++used;
  }
  if (!allow_extra && prefix.empty() && used != file.tensors.size()) {
    for (const auto& [name, t] : file.tensors) {
      bool known = false;
      for (const auto& target : targets) known = known || target.first == name;
      if (!known) throw InputError(source, 0, name, "unexpected tensor (not part of this model)");
    }
  }
}

}  // namespace rlvr::model
