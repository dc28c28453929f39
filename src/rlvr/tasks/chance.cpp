#include "rlvr/tasks/chance.h"

#include <cmath>

namespace rlvr::tasks {

double chance_pass_at_k(double chance, uint64_t k) {
  // log1p/expm1 keep tiny chances exact at large k.
  return chance >= 1 ? 1.0 : -std::expm1(static_cast<double>(k) * std::log1p(-chance));
}

double chance_pass_at_k(const TaskFamily& family, const std::vector<Problem>& problems, uint64_t k) {
  if (problems.empty()) return 0.0;
  double total = 0;
  for (const auto& p : problems) total += chance_pass_at_k(family.guess_chance(p), k);
  return total / static_cast<double>(problems.size());
}

}  // namespace rlvr::tasks
