#include "rlvr/code/judge.h"

#include <algorithm>
#include <atomic>
#include <thread>

namespace rlvr::code {

std::vector<sandbox::Result> run_programs(const std::vector<std::string>& programs, const JudgeOptions& options,
                                          const std::function<void(size_t)>& on_done) {
  std::vector<sandbox::Result> results(programs.size());
  int workers =
      options.workers > 0 ? options.workers : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  workers = static_cast<int>(std::min<size_t>(static_cast<size_t>(workers), std::max<size_t>(1, programs.size())));
  std::atomic<size_t> next{0};
  auto work = [&] {
    sandbox::Runner runner(options.sandbox);
    for (size_t i; (i = next.fetch_add(1)) < programs.size();) {
      results[i] = runner.run(programs[i]);
      if (on_done) on_done(i);
    }
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < workers; ++t) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();
  return results;
}

}  // namespace rlvr::code
