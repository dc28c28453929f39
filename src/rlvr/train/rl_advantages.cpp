#include "rlvr/train/rl_advantages.h"

#include <cmath>
#include <map>

#include <fmt/format.h>

#include "rlvr/train/rl_masked.h"
#include "rlvr/util/error.h"

namespace rlvr::train {

namespace {

void check_shapes(const AdvantageInputs& in) {
  if (!in.token_rewards.defined() || !in.mask.defined() || in.token_rewards.dim() != 2 ||
      in.token_rewards.sizes() != in.mask.sizes())
    throw Error("advantages: token_rewards and mask must be [B, T] tensors of the same shape");
  if (static_cast<int64_t>(in.group.size()) != in.token_rewards.size(0))
    throw Error(fmt::format("advantages: {} group ids for {} rows", in.group.size(),
                            in.token_rewards.size(0)));
}

// Rows of each group, in order of first appearance.
std::map<int64_t, std::vector<int64_t>> rows_by_group(const std::vector<int64_t>& group) {
  std::map<int64_t, std::vector<int64_t>> rows;
  for (int64_t i = 0; i < static_cast<int64_t>(group.size()); ++i) rows[group[i]].push_back(i);
  return rows;
}

// Scalar score of each row: the sum of its token rewards, in double.
std::vector<double> row_scores(const AdvantageInputs& in) {
  at::Tensor s = (in.token_rewards * in.mask).sum(1).to(at::kDouble).contiguous();
  return std::vector<double>(s.data_ptr<double>(), s.data_ptr<double>() + s.numel());
}

at::Tensor broadcast(const std::vector<double>& per_row, const at::Tensor& mask) {
  at::Tensor col = at::empty({static_cast<int64_t>(per_row.size()), 1}, mask.options().dtype(at::kDouble));
  std::copy(per_row.begin(), per_row.end(), col.data_ptr<double>());
  return col.to(mask.scalar_type()) * mask;
}

// Return-to-go along each row, restarting at the end of the response: the
// running return is multiplied by the mask after each position (verl).
at::Tensor returns_to_go(const at::Tensor& rewards, const at::Tensor& mask, double gamma) {
  int64_t T = rewards.size(1);
  at::Tensor returns = at::zeros_like(rewards);
  at::Tensor running = at::zeros({rewards.size(0)}, rewards.options());
  for (int64_t t = T - 1; t >= 0; --t) {
    running = rewards.select(1, t) + gamma * running;
    returns.select(1, t).copy_(running);
    running = running * mask.select(1, t);
  }
  return returns;
}

}  // namespace

AdvantageResult gae_advantages(const AdvantageInputs& in, const AdvantageOptions& opt) {
  check_shapes(in);
  if (!in.values.defined() || in.values.sizes() != in.mask.sizes())
    throw Error("gae: values must be a [B, T] tensor like the mask");
  const at::Tensor& r = in.token_rewards;
  const at::Tensor& m = in.mask;
  int64_t B = r.size(0), T = r.size(1);
  at::Tensor next_value = at::zeros({B}, r.options());
  at::Tensor last_gae = at::zeros({B}, r.options());
  at::Tensor adv = at::zeros_like(r);
  for (int64_t t = T - 1; t >= 0; --t) {
    at::Tensor v = in.values.select(1, t);
    at::Tensor mt = m.select(1, t);
    at::Tensor delta = r.select(1, t) + opt.gamma * next_value - v;
    at::Tensor gae = delta + opt.gamma * opt.lambda * last_gae;
    // Masked positions are skipped: they pass the next value and GAE through.
    next_value = v * mt + (1 - mt) * next_value;
    last_gae = gae * mt + (1 - mt) * last_gae;
    adv.select(1, t).copy_(last_gae);
  }
  at::Tensor returns = adv + in.values;
  return {masked_whiten(adv, m), returns};
}

AdvantageResult grpo_advantages(const AdvantageInputs& in, const AdvantageOptions& opt) {
  check_shapes(in);
  std::vector<double> s = row_scores(in);
  std::vector<double> a(s.size());
  for (const auto& [g, rows] : rows_by_group(in.group)) {
    double mean = 0.0, std = 1.0;
    if (rows.size() > 1) {
      for (int64_t i : rows) mean += s[i];
      mean /= static_cast<double>(rows.size());
      double ss = 0.0;
      for (int64_t i : rows) ss += (s[i] - mean) * (s[i] - mean);
      std = std::sqrt(ss / static_cast<double>(rows.size() - 1));  // unbiased, as torch.std
    }
    for (int64_t i : rows) a[i] = opt.norm_by_std ? (s[i] - mean) / (std + opt.eps) : s[i] - mean;
  }
  at::Tensor adv = broadcast(a, in.mask);
  return {adv, adv};
}

AdvantageResult rloo_advantages(const AdvantageInputs& in, const AdvantageOptions&) {
  check_shapes(in);
  std::vector<double> s = row_scores(in);
  std::vector<double> a(s);
  for (const auto& [g, rows] : rows_by_group(in.group)) {
    if (rows.size() < 2) continue;
    double sum = 0.0;
    for (int64_t i : rows) sum += s[i];
    double others = static_cast<double>(rows.size() - 1);
    for (int64_t i : rows) a[i] = s[i] - (sum - s[i]) / others;
  }
  at::Tensor adv = broadcast(a, in.mask);
  return {adv, adv};
}

AdvantageResult reinforce_pp_advantages(const AdvantageInputs& in, const AdvantageOptions& opt) {
  check_shapes(in);
  at::Tensor returns = returns_to_go(in.token_rewards, in.mask, opt.gamma);
  return {masked_whiten(returns, in.mask), returns};
}

AdvantageResult reinforce_pp_baseline_advantages(const AdvantageInputs& in, const AdvantageOptions&) {
  check_shapes(in);
  std::vector<double> s = row_scores(in);
  std::vector<double> a(s);
  for (const auto& [g, rows] : rows_by_group(in.group)) {
    if (rows.size() < 2) continue;  // a group of one has baseline 0 (verl)
    double mean = 0.0;
    for (int64_t i : rows) mean += s[i];
    mean /= static_cast<double>(rows.size());
    for (int64_t i : rows) a[i] = s[i] - mean;
  }
  at::Tensor adv = masked_whiten(broadcast(a, in.mask), in.mask);
  return {adv, adv};
}

AdvantageResult remax_advantages(const AdvantageInputs& in, const AdvantageOptions&) {
  check_shapes(in);
  if (!in.baseline_scores.defined() || in.baseline_scores.dim() != 1 ||
      in.baseline_scores.size(0) != in.mask.size(0))
    throw Error("remax: baseline_scores must be a [B] tensor (greedy score of each row's prompt)");
  // verl: returns-to-go with gamma = 1 (a flipped cumulative sum).
  at::Tensor returns = (in.token_rewards * in.mask).flip({1}).cumsum(1).flip({1});
  at::Tensor adv = returns - in.baseline_scores.to(in.mask.scalar_type()).unsqueeze(1) * in.mask;
  return {adv, returns};
}

namespace {

// C(n, k) / C(m, k) for n <= m, as a product of k ratios (no overflow).
double choose_ratio(int64_t n, int64_t m, int64_t k) {
  if (k > n) return 0.0;
  double r = 1.0;
  for (int64_t i = 0; i < k; ++i) r *= static_cast<double>(n - i) / static_cast<double>(m - i);
  return r;
}

}  // namespace

AdvantageResult pass_at_k_advantages(const AdvantageInputs& in, const AdvantageOptions& opt) {
  check_shapes(in);
  if (static_cast<int64_t>(in.correct.size()) != in.mask.size(0))
    throw Error("passk: needs the verdict of every row (correct)");
  const int64_t k = opt.pass_k;
  std::vector<double> a(in.correct.size(), 0.0);
  for (const auto& [g, rows] : rows_by_group(in.group)) {
    const auto n = static_cast<int64_t>(rows.size());
    if (k < 1 || k > n)
      throw Error(fmt::format("passk: advantage.pass_k = {} needs 1 <= k <= the group's {} samples", k, n));
    int64_t wrong = 0;
    for (int64_t i : rows) wrong += !in.correct[i];
    const double all_wrong = choose_ratio(wrong, n, k);  // chance that k draws are all wrong
    const double reward = 1.0 - all_wrong;
    const double sigma = std::sqrt(reward * (1.0 - reward));
    if (sigma <= 0) continue;  // every draw of k succeeds, or none can: no signal
    const double wrong_given_wrong = n > 1 ? choose_ratio(wrong - 1, n - 1, k - 1) : 0.0;
    for (int64_t i : rows)
      a[i] = in.correct[i] ? all_wrong / sigma : (all_wrong - wrong_given_wrong) / sigma;
  }
  at::Tensor adv = broadcast(a, in.mask);
  return {adv, adv};
}

const std::vector<AdvantageEstimator>& advantage_estimators() {
  static const std::vector<AdvantageEstimator> registry = {
      {"gae", gae_advantages, true, false,
       "GAE(gamma, lambda) on token rewards and value-head values, whitened over the batch"},
      {"grpo", grpo_advantages, false, false,
       "A_i = (s_i - mean_group) / (std_group + eps); without std: Dr. GRPO"},
      {"rloo", rloo_advantages, false, false, "A_i = s_i - mean of the other G-1 scores"},
      {"reinforce_pp", reinforce_pp_advantages, false, false,
       "return-to-go of token rewards (score on the last token, -beta*KL_t), whitened over the batch"},
      {"reinforce_pp_baseline", reinforce_pp_baseline_advantages, false, false,
       "s_i - mean_group, whitened over the batch"},
      {"remax", remax_advantages, false, true, "A_i = s_i - score of the greedy response"},
      {"passk", pass_at_k_advantages, false, false,
       "pass@k training: the analytical advantage of the group's pass@k (advantage.pass_k)"},
  };
  return registry;
}

const AdvantageEstimator& advantage_estimator(std::string_view name) {
  for (const auto& e : advantage_estimators())
    if (e.name == name) return e;
  std::string known;
  for (const auto& e : advantage_estimators()) known += (known.empty() ? "" : ", ") + e.name;
  throw Error(fmt::format("unknown advantage estimator \"{}\"; known: {}", name, known));
}

double zero_advantage_group_fraction(const at::Tensor& advantages, const at::Tensor& mask,
                                     const std::vector<int64_t>& group) {
  at::Tensor row_abs = (advantages.abs() * mask).sum(1).to(at::kDouble).contiguous();
  const double* v = row_abs.data_ptr<double>();
  auto groups = rows_by_group(group);
  if (groups.empty()) return 0.0;
  int64_t zero = 0;
  for (const auto& [g, rows] : groups) {
    bool all_zero = true;
    for (int64_t i : rows) all_zero = all_zero && v[i] < 1e-12;
    zero += all_zero;
  }
  return static_cast<double>(zero) / static_cast<double>(groups.size());
}

}  // namespace rlvr::train
