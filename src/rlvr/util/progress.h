// Progress of a long job: done/total, rate and time left, redrawn in place on
// a terminal (stderr) and silent when stderr is not a terminal; optionally
// the rate of a second quantity (tokens beside samples).
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>

namespace rlvr {

class Progress {
 public:
  Progress(std::string label, int64_t total, std::string unit = "items");
  ~Progress();

  void advance(int64_t count = 1);  // thread-safe
  // Also counts a second quantity (e.g. tokens) and shows its rate.
  void advance(int64_t count, int64_t secondary);
  void set_secondary_unit(std::string unit);
  void finish();                    // prints the final line; called by the destructor

  static bool enabled();  // true when stderr is a terminal and RLVR_QUIET is unset

 private:
  void draw(bool final_line);

  std::string label_;
  std::string unit_;
  int64_t total_;
  int64_t done_ = 0;
  std::string secondary_unit_;
  int64_t secondary_ = 0;
  bool finished_ = false;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
  std::mutex mutex_;
};

}  // namespace rlvr
