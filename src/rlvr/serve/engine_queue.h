// One engine, many callers: HTTP handlers hand their generation and scoring
// work to a queue, and one thread runs it in batches through the engine's
// batched sampler and scorer. Work that keeps arriving (each item within
// `wait_ms` of the one before, up to `max_rows` rows) shares one batch; rows with
// different sampling options are decoded in separate calls. A row's tokens
// depend only on its prompt, seed and options (see generate.h), so batching
// changes speed, not results.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

#include "rlvr/model/checkpoint.h"
#include "rlvr/model/generate.h"

namespace rlvr::serve {

class EngineQueue {
 public:
  EngineQueue(model::LoadedModel& loaded, int max_rows, int wait_ms);
  ~EngineQueue();

  // Blocks until done. prompt: ids without bos. One completion per seed.
  std::vector<model::Completion> generate(const std::vector<int>& prompt, const std::vector<uint64_t>& seeds,
                                          const model::SamplingOptions& options);
  // log p(tokens[t] | bos, tokens[<t]) for every t; blocks until done.
  std::vector<float> score(const std::vector<int>& tokens);

 private:
  struct Item {
    bool is_score = false;
    std::vector<int> prompt;
    std::vector<uint64_t> seeds;
    model::SamplingOptions options;
    std::promise<std::vector<model::Completion>> generated;
    std::promise<std::vector<float>> scored;
  };
  void loop();
  void run_batch(std::vector<Item*>& batch);

  model::LoadedModel& loaded_;
  int max_rows_;
  int wait_ms_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Item*> queue_;
  size_t queued_rows_ = 0;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace rlvr::serve
