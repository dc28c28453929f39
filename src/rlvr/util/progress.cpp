#include "rlvr/util/progress.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include <fmt/format.h>

namespace rlvr {

bool Progress::enabled() {
  static const bool on = ::isatty(STDERR_FILENO) && std::getenv("RLVR_QUIET") == nullptr;
  return on;
}

Progress::Progress(std::string label, int64_t total, std::string unit)
    : label_(std::move(label)), unit_(std::move(unit)), total_(total),
      start_(std::chrono::steady_clock::now()), last_draw_(start_) {}

Progress::~Progress() { finish(); }

void Progress::set_secondary_unit(std::string unit) {
  std::lock_guard lock(mutex_);
  secondary_unit_ = std::move(unit);
}

void Progress::advance(int64_t count) { advance(count, 0); }

void Progress::advance(int64_t count, int64_t secondary) {
  if (!enabled()) return;
  std::lock_guard lock(mutex_);
  done_ += count;
  secondary_ += secondary;
  auto now = std::chrono::steady_clock::now();
  // Redraw at most ten times a second: drawing must not slow the work.
  if (now - last_draw_ > std::chrono::milliseconds(100)) {
    last_draw_ = now;
    draw(false);
  }
}

void Progress::finish() {
  if (!enabled()) return;
  std::lock_guard lock(mutex_);
  if (finished_) return;
  finished_ = true;
  draw(true);
}

void Progress::draw(bool final_line) {
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  double rate = seconds > 0 ? done_ / seconds : 0.0;
  std::string left = "?";
  if (rate > 0 && total_ > 0) {
    double remaining = (total_ - done_) / rate;
    left = fmt::format("{:.0f}s", remaining < 0 ? 0.0 : remaining);
  }
  std::string also;
  if (!secondary_unit_.empty())
    also = fmt::format(", {:.0f} {}/s", seconds > 0 ? secondary_ / seconds : 0.0, secondary_unit_);
  std::string line = total_ > 0
      ? fmt::format("{}: {}/{} {} ({:.1f}%), {:.1f} {}/s{}, {} left", label_, done_, total_, unit_,
                    100.0 * done_ / total_, rate, unit_, also, left)
      : fmt::format("{}: {} {}, {:.1f} {}/s{}", label_, done_, unit_, rate, unit_, also);
  if (final_line) line = fmt::format("{}: {} {} in {:.1f}s{}", label_, done_, unit_, seconds, also);
  std::fprintf(stderr, "\r\033[K%s%s", line.c_str(), final_line ? "\n" : "");
  std::fflush(stderr);
}

}  // namespace rlvr
