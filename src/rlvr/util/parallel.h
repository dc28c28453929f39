// Runs fn(i) for i in [0, count) on `threads` threads (0 = all cores), in
// fixed contiguous blocks. Callers write results by index, so the outcome
// never depends on the thread count. The first exception is rethrown.
#pragma once

#include <cstdint>
#include <functional>

namespace rlvr {

int resolve_threads(int threads);  // 0 -> hardware threads, at least 1

void parallel_for(int64_t count, int threads, const std::function<void(int64_t)>& fn);

// Runs fn(i) for i in [0, count), at most `jobs` at once, each worker taking
// the next index when it is free: for a few long tasks of unequal length.
// After a task throws, no new one starts; those running finish, then the
// first exception is rethrown.
void run_jobs(int64_t count, int jobs, const std::function<void(int64_t)>& fn);

}  // namespace rlvr
