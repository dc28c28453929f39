#include "rlvr/util/files.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>

#include <fmt/format.h>

#include "rlvr/util/error.h"

namespace fs = std::filesystem;

namespace rlvr {

void write_file_atomically(const fs::path& path, std::string_view content) {
  if (path.has_parent_path()) fs::create_directories(path.parent_path());
  std::random_device entropy;
  fs::path temp = path;
  temp += fmt::format(".tmp{:08x}", entropy());
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw Error(fmt::format("{}: cannot create: {}", temp.string(), std::strerror(errno)));
  size_t written = 0;
  while (written < content.size()) {
    ssize_t r = ::write(fd, content.data() + written, content.size() - written);
    if (r < 0) {
      if (errno == EINTR) continue;
      int saved = errno;
      ::close(fd);
      ::unlink(temp.c_str());
      throw Error(fmt::format("{}: write failed: {}", temp.string(), std::strerror(saved)));
    }
    written += static_cast<size_t>(r);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    ::unlink(temp.c_str());
    throw Error(fmt::format("{}: cannot flush to disk", temp.string()));
  }
  std::error_code ec;
  fs::rename(temp, path, ec);
  if (ec) {
    ::unlink(temp.c_str());
    throw Error(fmt::format("{}: cannot rename into place: {}", path.string(), ec.message()));
  }
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path.string(), 0, "", "cannot open file");
  std::string data;
  in.seekg(0, std::ios::end);
  auto size = in.tellg();
  if (size < 0) throw InputError(path.string(), 0, "", "cannot read file");
  data.resize(static_cast<size_t>(size));
  in.seekg(0);
  in.read(data.data(), size);
  if (!in) throw InputError(path.string(), 0, "", "cannot read file");
  return data;
}

fs::path find_data_dir() {
  if (const char* env = std::getenv("RLVR_DATA_DIR"); env && *env) {
    fs::path p(env);
    return fs::is_directory(p) ? p : fs::path();
  }
  std::error_code error;
  fs::path program = fs::read_symlink("/proc/self/exe", error);
  std::vector<fs::path> candidates = {fs::path(RLVR_PROJECT_DATA_DIR)};
  if (!error) candidates.push_back(program.parent_path().parent_path() / "data");
  for (const fs::path& candidate : candidates)
    if (fs::is_directory(candidate / "benchmarks", error)) return candidate;
  return {};
}

}  // namespace rlvr
