#include "rlvr/serve/engine_queue.h"

#include <chrono>
#include <map>
#include <tuple>

#include "rlvr/model/score.h"
#include "rlvr/util/error.h"

namespace rlvr::serve {

EngineQueue::EngineQueue(model::LoadedModel& loaded, int max_rows, int wait_ms)
    : loaded_(loaded), max_rows_(std::max(1, max_rows)), wait_ms_(std::max(0, wait_ms)),
      thread_([this] { loop(); }) {}

EngineQueue::~EngineQueue() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

std::vector<model::Completion> EngineQueue::generate(const std::vector<int>& prompt,
                                                     const std::vector<uint64_t>& seeds,
                                                     const model::SamplingOptions& options) {
  Item item;
  item.prompt = prompt;
  item.seeds = seeds;
  item.options = options;
  auto done = item.generated.get_future();
  {
    std::lock_guard lock(mutex_);
    if (stopping_) throw Error("the server is shutting down");
    queue_.push_back(&item);
    queued_rows_ += seeds.size();
  }
  wake_.notify_all();
  return done.get();
}

std::vector<float> EngineQueue::score(const std::vector<int>& tokens) {
  Item item;
  item.is_score = true;
  item.prompt = tokens;
  auto done = item.scored.get_future();
  {
    std::lock_guard lock(mutex_);
    if (stopping_) throw Error("the server is shutting down");
    queue_.push_back(&item);
    queued_rows_ += 1;
  }
  wake_.notify_all();
  return done.get();
}

void EngineQueue::loop() {
  for (;;) {
    std::vector<Item*> batch;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (stopping_ && queue_.empty()) return;
      // Give requests sent at about the same time a moment to join the batch:
      // wait while they keep arriving (each within wait_ms of the last), until
      // the batch is full, and never more than ten times wait_ms in all.
      auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(10 * wait_ms_);
      while (!stopping_ && queued_rows_ < static_cast<size_t>(max_rows_) &&
             std::chrono::steady_clock::now() < deadline) {
        size_t before = queued_rows_;
        wake_.wait_for(lock, std::chrono::milliseconds(wait_ms_),
                       [&] { return stopping_ || queued_rows_ >= static_cast<size_t>(max_rows_); });
        if (queued_rows_ == before) break;  // nothing new arrived: run what is here
      }
      size_t rows = 0;
      while (!queue_.empty() && (batch.empty() || rows + std::max<size_t>(1, queue_.front()->seeds.size()) <=
                                                      static_cast<size_t>(max_rows_))) {
        Item* item = queue_.front();
        queue_.pop_front();
        size_t item_rows = item->is_score ? 1 : item->seeds.size();
        rows += item_rows;
        queued_rows_ -= item_rows;
        batch.push_back(item);
      }
    }
    run_batch(batch);
  }
}

namespace {

using OptionsKey = std::tuple<double, double, int, int, std::vector<std::string>, bool>;

OptionsKey key_of(const model::SamplingOptions& o) {
  return {o.temperature, o.top_p, o.top_k, o.max_new_tokens, o.stop, o.ignore_eos};
}

}  // namespace

void EngineQueue::run_batch(std::vector<Item*>& batch) {
  // Scoring: every scoring item of the batch in one call.
  std::vector<Item*> scoring;
  std::map<OptionsKey, std::vector<Item*>> groups;
  for (Item* item : batch) {
    if (item->is_score) scoring.push_back(item);
    else groups[key_of(item->options)].push_back(item);
  }
  if (!scoring.empty()) {
    try {
      std::vector<std::vector<int>> prompts(scoring.size()), sequences;
      for (Item* item : scoring) sequences.push_back(item->prompt);
      std::vector<std::vector<float>> values = model::score(loaded_.model, prompts, sequences, max_rows_);
      for (size_t i = 0; i < scoring.size(); ++i) scoring[i]->scored.set_value(std::move(values[i]));
    } catch (...) {
      for (Item* item : scoring) item->scored.set_exception(std::current_exception());
    }
  }
  for (auto& [key, items] : groups) {
    try {
      std::vector<std::vector<int>> prompts;
      std::vector<uint64_t> seeds;
      for (Item* item : items)
        for (uint64_t seed : item->seeds) {
          prompts.push_back(item->prompt);
          seeds.push_back(seed);
        }
      model::SamplingOptions options = items.front()->options;
      options.batch_size = std::max(options.batch_size, max_rows_);
      std::vector<model::Completion> completions =
          model::generate(loaded_.model, loaded_.tokenizer, prompts, seeds, options);
      size_t at = 0;
      for (Item* item : items) {
        std::vector<model::Completion> mine(completions.begin() + static_cast<long>(at),
                                            completions.begin() + static_cast<long>(at + item->seeds.size()));
        at += item->seeds.size();
        item->generated.set_value(std::move(mine));
      }
    } catch (...) {
      for (Item* item : items) item->generated.set_exception(std::current_exception());
    }
  }
}

}  // namespace rlvr::serve
