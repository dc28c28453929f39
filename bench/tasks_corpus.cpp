// How fast the task families write corpora and verify completions: a base
// corpus of 100k documents should cost seconds, not minutes, of the CPU that
// also trains the model.
#include <benchmark/benchmark.h>

#include "rlvr/tasks/corpus.h"
#include "rlvr/tasks/task.h"

namespace {

using namespace rlvr::tasks;

void BM_CorpusDocuments(benchmark::State& state, const char* name) {
  const TaskFamily& f = family(name);
  CorpusMix mix = default_base_mix(f);
  uint64_t seed = 0;
  for (auto _ : state) {
    auto docs = corpus_documents(f, mix, 1000, ++seed);
    benchmark::DoNotOptimize(docs.data());
  }
  state.SetItemsProcessed(state.iterations() * 1000);
}

void BM_Verify(benchmark::State& state, const char* name) {
  const TaskFamily& f = family(name);
  auto docs = corpus_documents(f, default_base_mix(f), 1000, 1);
  std::vector<Problem> problems;
  for (const auto& d : docs) problems.push_back({d.problem_id, d.prompt, "", d.difficulty});
  for (auto _ : state) {
    int correct = 0;
    for (size_t i = 0; i < docs.size(); ++i) correct += f.verify(problems[i], docs[i].completion).correct;
    benchmark::DoNotOptimize(correct);
  }
  state.SetItemsProcessed(state.iterations() * 1000);
}

BENCHMARK_CAPTURE(BM_CorpusDocuments, countdown, "countdown")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_CorpusDocuments, addition, "addition")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_CorpusDocuments, modeq, "modeq")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Verify, countdown, "countdown")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Verify, addition, "addition")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Verify, modeq, "modeq")->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
