#include "rlvr/util/sample_lines.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "rlvr/util/error.h"
#include "rlvr/util/files.h"

namespace fs = std::filesystem;

namespace rlvr {

ExistingSamples read_existing_samples(const fs::path& file, const std::string& who) {
  ExistingSamples existing;
  if (!fs::exists(file)) return existing;
  std::string text = read_file(file);
  size_t good_end = 0, pos = 0;
  long line_no = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    bool complete = nl != std::string::npos;
    std::string_view line = std::string_view(text).substr(pos, complete ? nl - pos : std::string::npos);
    ++line_no;
    nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    if (!complete || j.is_discarded()) {
      bool last = !complete || nl + 1 >= text.size();
      if (!last) throw InputError(file.string(), line_no, "", "not a JSON object (and not the last line)");
      std::fprintf(stderr, "%s: %s:%ld: dropped a torn last line (%zu bytes); resuming\n", who.c_str(),
                   file.c_str(), line_no, line.size());
      existing.dropped_torn_line = true;
      break;
    }
    if (!j.is_object() || !j.contains("problem_id") || !j.contains("sample_id") || !j["problem_id"].is_string() ||
        !j["sample_id"].is_number_integer())
      throw InputError(file.string(), line_no, "problem_id",
                       "expected a sample line with problem_id (string) and sample_id (integer)");
    existing.pairs.emplace(j["problem_id"].get<std::string>(), j["sample_id"].get<int64_t>());
    good_end = nl + 1;
    pos = nl + 1;
  }
  if (existing.dropped_torn_line) write_file_atomically(file, std::string_view(text).substr(0, good_end));
  return existing;
}

namespace {

void write_all(int fd, const std::string& lines, const fs::path& file) {
  size_t done = 0;
  while (done < lines.size()) {
    ssize_t r = ::write(fd, lines.data() + done, lines.size() - done);
    if (r < 0) {
      if (errno == EINTR) continue;
      throw Error(fmt::format("{}: write failed: {}", file.string(), std::strerror(errno)));
    }
    done += static_cast<size_t>(r);
  }
}

int open_for_append(const fs::path& file) {
  int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) throw Error(fmt::format("{}: cannot open for appending: {}", file.string(), std::strerror(errno)));
  return fd;
}

double now_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

}  // namespace

LineAppender::LineAppender(const fs::path& file, double sync_interval_s)
    : file_(file), fd_(open_for_append(file)), sync_interval_s_(sync_interval_s), last_sync_(now_seconds()) {}

LineAppender::~LineAppender() {
  ::fsync(fd_);
  ::close(fd_);
}

void LineAppender::append(const std::string& lines) {
  std::lock_guard lock(mutex_);
  write_all(fd_, lines, file_);
  double now = now_seconds();
  if (now - last_sync_ >= sync_interval_s_) {
    ::fsync(fd_);
    last_sync_ = now;
  }
}

void LineAppender::sync() {
  std::lock_guard lock(mutex_);
  ::fsync(fd_);
  last_sync_ = now_seconds();
}

void append_lines(const fs::path& file, const std::string& lines, bool sync) {
  int fd = open_for_append(file);
  try {
    write_all(fd, lines, file);
  } catch (...) {
    ::close(fd);
    throw;
  }
  if (sync) ::fsync(fd);
  ::close(fd);
}

}  // namespace rlvr
