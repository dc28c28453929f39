// A whole file as read-only memory (mmap), so that readers scan bytes
// without copying a multi-gigabyte sample file into the heap.
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

  std::string_view text() const { return {data_, size_}; }

 private:
  const char* data_ = nullptr;
  size_t size_ = 0;
};

}  // namespace rlvr::data
