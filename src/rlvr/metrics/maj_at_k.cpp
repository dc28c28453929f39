#include "rlvr/metrics/maj_at_k.h"

#include <cstdint>
#include <numeric>

#include "rlvr/metrics/random.h"

namespace rlvr::metrics {

std::string exact_answer_key(std::string_view answer) { return std::string(answer); }

std::vector<AnswerGroup> group_answers(const data::AnswerCounts& answers,
                                       const AnswerKey& key) {
  std::map<std::string, AnswerGroup> by_key;
  for (const auto& [answer, count] : answers) {
    auto& group = by_key[key ? key(answer) : answer];
    group.samples += count.samples;
    group.correct += count.correct;
  }
  std::vector<AnswerGroup> groups;
  groups.reserve(by_key.size());
  for (auto& [k, g] : by_key) groups.push_back(g);
  return groups;
}

void maj_at_k_row(std::span<const AnswerGroup> groups, int64_t n, std::span<const int64_t> ks, int draws,
                  uint64_t seed, std::span<double> out) {
  const int64_t g_count = static_cast<int64_t>(groups.size());
  std::vector<double> score(groups.size());
  for (size_t g = 0; g < groups.size(); ++g)
    score[g] = static_cast<double>(groups[g].correct) / static_cast<double>(groups[g].samples);
  // One entry per sample: its group, or g_count for "no answer".
  std::vector<int32_t> owner;
  owner.reserve(static_cast<size_t>(n));
  for (int64_t g = 0; g < g_count; ++g) owner.insert(owner.end(), groups[g].samples, static_cast<int32_t>(g));
  owner.resize(static_cast<size_t>(n), static_cast<int32_t>(g_count));

  const int64_t k_max = ks.empty() ? 0 : ks.back();
  // Every sample gives the same answer: it wins every vote, no draws needed.
  if (g_count == 1 && groups[0].samples == n) {
    for (size_t j = 0; j < ks.size(); ++j) out[j] = score[0];
    return;
  }
  std::vector<double> sum(ks.size(), 0.0);
  std::vector<int64_t> votes(groups.size() + 1);
  RandomStream random(seed);
  for (int d = 0; d < draws && g_count > 0; ++d) {
    std::fill(votes.begin(), votes.end(), 0);
    int64_t lead = 0, tied = 0;  // most votes of one group; how many groups have it
    double tied_score = 0.0;     // sum of the tied groups' scores
    size_t j = 0;
    for (int64_t t = 0; t < k_max; ++t) {
      // Partial Fisher-Yates: position t gets a uniform pick of the rest.
      auto pick = t + static_cast<int64_t>(n - t <= INT32_MAX ? random.below32(static_cast<uint32_t>(n - t))
                                                              : random.below(static_cast<uint64_t>(n - t)));
      std::swap(owner[t], owner[pick]);
      int32_t g = owner[t];
      if (g < g_count) {
        int64_t v = ++votes[g];
        if (v > lead) {
          lead = v;
          tied = 1;
          tied_score = score[g];
        } else if (v == lead) {
          ++tied;
          tied_score += score[g];
        }
      }
      while (j < ks.size() && ks[j] == t + 1) {
        if (tied > 0) sum[j] += tied_score / static_cast<double>(tied);
        ++j;
      }
    }
  }
  for (size_t j = 0; j < ks.size(); ++j) {
    if (ks[j] == 1) {  // exact: a single sample's answer wins alone
      double correct = 0.0;
      for (const auto& g : groups) correct += static_cast<double>(g.correct);
      out[j] = correct / static_cast<double>(n);
    } else {
      out[j] = draws > 0 && g_count > 0 ? sum[j] / draws : 0.0;
    }
  }
}

}  // namespace rlvr::metrics
