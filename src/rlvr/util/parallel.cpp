#include "rlvr/util/parallel.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace rlvr {

int resolve_threads(int threads) {
  if (threads > 0) return threads;
  return std::max(1u, std::thread::hardware_concurrency());
}

void parallel_for(int64_t count, int threads, const std::function<void(int64_t)>& fn) {
  int workers = static_cast<int>(std::min<int64_t>(resolve_threads(threads), std::max<int64_t>(count, 1)));
  if (workers <= 1) {
    for (int64_t i = 0; i < count; ++i) fn(i);
    return;
  }
  std::exception_ptr first;
  std::mutex mutex;
  std::vector<std::thread> pool;
  for (int w = 0; w < workers; ++w) {
    pool.emplace_back([&, w] {
      int64_t begin = count * w / workers, end = count * (w + 1) / workers;
      try {
        for (int64_t i = begin; i < end; ++i) fn(i);
      } catch (...) {
        std::lock_guard lock(mutex);
        if (!first) first = std::current_exception();
      }
    });
  }
  for (auto& t : pool) t.join();
  if (first) std::rethrow_exception(first);
}

void run_jobs(int64_t count, int jobs, const std::function<void(int64_t)>& fn) {
  const int workers = static_cast<int>(std::clamp<int64_t>(jobs, 1, std::max<int64_t>(count, 1)));
  if (workers <= 1) {
    for (int64_t i = 0; i < count; ++i) fn(i);
    return;
  }
  std::atomic<int64_t> next{0};
  std::atomic<bool> failed{false};
  std::exception_ptr first;
  std::mutex mutex;
  std::vector<std::thread> pool;
  for (int w = 0; w < workers; ++w) {
    pool.emplace_back([&] {
      for (int64_t i = next++; i < count && !failed; i = next++) {
        try {
          fn(i);
        } catch (...) {
          std::lock_guard lock(mutex);
          if (!first) first = std::current_exception();
          failed = true;
        }
      }
    });
  }
  for (auto& t : pool) t.join();
  if (first) std::rethrow_exception(first);
}

}  // namespace rlvr
