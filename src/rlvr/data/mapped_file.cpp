#include "rlvr/data/mapped_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "rlvr/util/error.h"

namespace rlvr::data {

MappedFile::MappedFile(const std::filesystem::path& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw InputError(path.string(), 0, "", std::string("cannot open: ") + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    throw InputError(path.string(), 0, "", "not a regular file");
  }
  size_ = static_cast<size_t>(st.st_size);
  // Reserve zero pages for the file plus the padding, then map the file over
  // their start: the bytes after the end stay readable zeros.
  const size_t page = static_cast<size_t>(::sysconf(_SC_PAGESIZE));
  mapped_ = (size_ + kPadding + page - 1) / page * page;
  void* region = ::mmap(nullptr, mapped_, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (region != MAP_FAILED && size_ > 0 &&
      ::mmap(region, size_, PROT_READ, MAP_PRIVATE | MAP_FIXED | MAP_POPULATE, fd, 0) == MAP_FAILED) {
    ::munmap(region, mapped_);
    region = MAP_FAILED;
  }
  int saved = errno;
  ::close(fd);
  if (region == MAP_FAILED) throw InputError(path.string(), 0, "", std::string("cannot map: ") + std::strerror(saved));
  if (size_ > 0) ::madvise(region, size_, MADV_WILLNEED);
  data_ = static_cast<const char*>(region);
}

MappedFile::~MappedFile() {
  if (data_) ::munmap(const_cast<char*>(data_), mapped_);
}

}  // namespace rlvr::data
