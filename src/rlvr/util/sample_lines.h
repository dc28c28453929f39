// The append-only sample file that makes sampling resumable: complete lines
// are appended (whole lines per write, flushed to disk), and a run started
// again reads which (problem_id, sample_id) pairs are already there. A torn
// last line, left by a kill in the middle of a write, is dropped (the file is
// rewritten without it) and its pair is simply made again.
#pragma once

#include <cstdint>
#include <filesystem>
#include <mutex>
#include <set>
#include <string>
#include <utility>

namespace rlvr {

using SamplePair = std::pair<std::string, int64_t>;  // (problem_id, sample_id)

struct ExistingSamples {
  std::set<SamplePair> pairs;
  bool dropped_torn_line = false;
};

// Pairs in `file` (none when it does not exist). `who` prefixes the note
// printed when a torn last line is dropped. Any other line that is not a
// sample line with problem_id (string) and sample_id (integer) is an
// InputError naming file and line.
ExistingSamples read_existing_samples(const std::filesystem::path& file, const std::string& who);

// Appends `lines` (complete lines, each ending in '\n') with O_APPEND, then
// fsync when `sync` is true.
void append_lines(const std::filesystem::path& file, const std::string& lines, bool sync = true);

// An open append-only file for many appends from many threads: each append
// is one write of complete lines; the file is flushed to disk at most every
// `sync_interval_s` seconds and when closed, so thousands of small appends a
// second do not each wait for the disk.
class LineAppender {
 public:
  explicit LineAppender(const std::filesystem::path& file, double sync_interval_s = 0.2);
  ~LineAppender();
  LineAppender(const LineAppender&) = delete;
  LineAppender& operator=(const LineAppender&) = delete;

  void append(const std::string& lines);  // thread-safe
  void sync();

 private:
  std::filesystem::path file_;
  int fd_ = -1;
  double sync_interval_s_;
  double last_sync_ = 0;  // seconds since the epoch of the steady clock
  std::mutex mutex_;
};

}  // namespace rlvr
