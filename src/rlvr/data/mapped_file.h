// A whole file as read-only memory (mmap), so that readers scan bytes
// without copying a multi-gigabyte sample file into the heap. At least
// kPadding zero bytes are readable after the end, as simdjson requires.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string_view>

namespace rlvr::data {

class MappedFile {
 public:
  // Throws InputError naming the file when it cannot be opened or mapped.
  explicit MappedFile(const std::filesystem::path& path);
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  static constexpr size_t kPadding = 64;

  std::string_view text() const { return {data_, size_}; }

 private:
  const char* data_ = nullptr;
  size_t size_ = 0;
  size_t mapped_ = 0;  // the whole region: file pages plus zero pages after
};

}  // namespace rlvr::data
