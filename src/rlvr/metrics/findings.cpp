#include "rlvr/metrics/findings.h"

#include <algorithm>

#include <fmt/format.h>

namespace rlvr::metrics {

namespace {

const ModelSummary* find_model(const Analysis& analysis, const std::string& label) {
  for (const ModelSummary& m : analysis.models)
    if (m.label == label) return &m;
  return nullptr;
}

const CurvePoint* at_k(const std::vector<CurvePoint>& curve, int64_t k) {
  for (const CurvePoint& p : curve)
    if (p.k == k) return &p;
  return nullptr;
}

// A difference counts as significant only when its whole interval lies on one
// side of zero; an interval that touches zero holds it.
bool above_zero(const CurvePoint& d) { return d.ci_low > 0.0; }
bool below_zero(const CurvePoint& d) { return d.ci_high < 0.0; }

std::string plural(size_t n, const char* one, const char* many) { return n == 1 ? one : many; }

// "pass@1 0.340 vs 0.210 for base, difference +0.130 [+0.074, +0.188]"
std::string at_k_text(int64_t k, const CurvePoint& model, const CurvePoint& base, const std::string& base_label,
                      const CurvePoint& d) {
  const bool significant = above_zero(d) || below_zero(d);
  return fmt::format("pass@{} {:.3f} vs {:.3f} for {}, difference {:+.3f} [{:+.3f}, {:+.3f}]{}", k, model.value,
                     base.value, base_label, d.value, d.ci_low, d.ci_high,
                     significant ? "" : " (not significant: the interval holds 0)");
}

std::string kind_words(VerdictKind kind, int64_t k_max) {
  switch (kind) {
    case VerdictKind::sharpens: return "sharpens";
    case VerdictKind::falls_at_pass_at_1: return "falls at pass@1";
    case VerdictKind::narrows: return "narrows";
    case VerdictKind::expands: return "expands";
    case VerdictKind::rises_without_new_problems:
      return fmt::format("rises at pass@{} without solving a problem the base never solved", k_max);
    case VerdictKind::no_significant_difference:
      return k_max > 1 ? fmt::format("shows no significant difference at k = 1 or k = {}", k_max)
                       : std::string("shows no significant difference at k = 1");
    case VerdictKind::not_judged: return "is not judged (no bootstrap intervals)";
  }
  return "";
}

std::string verdict_words(const std::vector<VerdictKind>& kinds, int64_t k_max) {
  std::string words;
  for (size_t i = 0; i < kinds.size(); ++i) words += (i ? " and " : "") + kind_words(kinds[i], k_max);
  return words;
}

bool has(const std::vector<VerdictKind>& kinds, VerdictKind kind) {
  return std::find(kinds.begin(), kinds.end(), kind) != kinds.end();
}

bool has(const std::vector<VerdictReason>& reasons, VerdictReason reason) {
  return std::find(reasons.begin(), reasons.end(), reason) != reasons.end();
}

// The kinds and reasons the differences and coverage support.
void judge(ModelFinding& f, bool intervals, bool base_at_ceiling) {
  if (!intervals) {
    f.kinds = {VerdictKind::not_judged};
    return;
  }
  const CurvePoint& d1 = f.difference_at_1;
  const CurvePoint& dk = f.difference_at_k_max;
  const bool large_k = f.k_max > 1;  // with k_max = 1 there is only one difference
  if (above_zero(d1)) f.kinds.push_back(VerdictKind::sharpens);
  if (below_zero(d1)) f.kinds.push_back(VerdictKind::falls_at_pass_at_1);
  if (large_k && below_zero(dk)) f.kinds.push_back(VerdictKind::narrows);
  if (large_k && above_zero(dk))
    f.kinds.push_back(f.model_only > 0 ? VerdictKind::expands : VerdictKind::rises_without_new_problems);
  if (f.kinds.empty()) f.kinds.push_back(VerdictKind::no_significant_difference);
  if (large_k && base_at_ceiling && !has(f.kinds, VerdictKind::expands))
    f.reasons.push_back(VerdictReason::base_at_ceiling);
  if (large_k && f.model_only > 0 && !above_zero(dk) && !below_zero(dk))
    f.reasons.push_back(VerdictReason::new_problems_not_significant);
}

}  // namespace

const char* verdict_kind_id(VerdictKind kind) {
  switch (kind) {
    case VerdictKind::sharpens: return "sharpens";
    case VerdictKind::falls_at_pass_at_1: return "falls_at_pass_at_1";
    case VerdictKind::narrows: return "narrows";
    case VerdictKind::expands: return "expands";
    case VerdictKind::rises_without_new_problems: return "rises_without_new_problems";
    case VerdictKind::no_significant_difference: return "no_significant_difference";
    case VerdictKind::not_judged: return "not_judged";
  }
  return "";
}

const char* verdict_reason_id(VerdictReason reason) {
  switch (reason) {
    case VerdictReason::base_at_ceiling: return "base_at_ceiling";
    case VerdictReason::new_problems_not_significant: return "new_problems_not_significant";
  }
  return "";
}

std::vector<ModelFinding> describe_models(const Analysis& analysis) {
  std::vector<ModelFinding> findings;
  for (const Comparison& c : analysis.comparisons) {
    const ModelSummary* base = find_model(analysis, c.baseline);
    const ModelSummary* model = find_model(analysis, c.model);
    if (!base || !model) continue;
    const CurvePoint* b1 = at_k(base->pass_at_k, 1);
    const CurvePoint* m1 = at_k(model->pass_at_k, 1);
    const CurvePoint* bk = at_k(base->pass_at_k, c.k_max);
    const CurvePoint* mk = at_k(model->pass_at_k, c.k_max);
    const CurvePoint* d1 = at_k(c.pass_at_k_difference, 1);
    const CurvePoint* dk = at_k(c.pass_at_k_difference, c.k_max);
    if (!b1 || !m1 || !bk || !mk || !d1 || !dk) continue;

    ModelFinding f;
    f.model = c.model;
    f.baseline = c.baseline;
    f.k_max = c.k_max;
    f.ci_level = analysis.ci_level;
    f.difference_at_1 = *d1;
    f.difference_at_k_max = *dk;
    if (c.crossover_k)
      if (const CurvePoint* dc = at_k(c.pass_at_k_difference, *c.crossover_k)) f.difference_at_crossover = *dc;
    f.model_only = c.coverage.model_only.size();
    f.baseline_only = c.coverage.baseline_only.size();
    const bool solves_all = c.coverage.model_only.empty() && c.coverage.neither.empty() && c.problems > 0;
    const bool ceiling = bk->ci_low >= kCeilingPassAtK || solves_all;
    judge(f, analysis.bootstrap > 0, ceiling);
    f.verdict = verdict_words(f.kinds, f.k_max);

    std::string numbers = at_k_text(1, *m1, *b1, c.baseline, *d1);
    if (c.k_max > 1) numbers += "; " + at_k_text(c.k_max, *mk, *bk, c.baseline, *dk);
    std::string crossing = "the base never catches up within the measured k";
    if (c.crossover_k) {
      crossing = fmt::format("the base catches up at k = {} and stays at or above it", *c.crossover_k);
      if (f.difference_at_crossover)
        crossing += fmt::format(" (difference there {:+.3f} [{:+.3f}, {:+.3f}])", f.difference_at_crossover->value,
                                f.difference_at_crossover->ci_low, f.difference_at_crossover->ci_high);
    }
    std::string reasons;
    if (has(f.reasons, VerdictReason::base_at_ceiling))
      reasons += fmt::format("; the base is at its ceiling at k = {} ({}), so expansion cannot be measured",
                             c.k_max,
                             solves_all ? std::string("it solves every problem")
                                        : fmt::format("its pass@{} interval starts at {:.3f}", c.k_max, bk->ci_low));
    if (has(f.reasons, VerdictReason::new_problems_not_significant))
      reasons += fmt::format("; the problems only it solves do not make its pass@{} gain significant", c.k_max);
    f.sentence = fmt::format(
        "{} {}: {}; {}; it solves {} problem{} the base never solved in its samples and misses {} the base "
        "solved (of {} shared){}.",
        c.model, f.verdict, numbers, crossing, f.model_only, plural(f.model_only, "", "s"), f.baseline_only,
        c.problems, reasons);
    findings.push_back(std::move(f));
  }
  return findings;
}

std::string findings_summary(const std::vector<ModelFinding>& findings) {
  if (findings.empty()) return "No model was compared with a baseline.";
  const size_t total = findings.size();
  auto count = [&](VerdictKind kind) {
    return static_cast<size_t>(
        std::count_if(findings.begin(), findings.end(), [&](const ModelFinding& f) { return has(f.kinds, kind); }));
  };
  auto count_reason = [&](VerdictReason reason) {
    return static_cast<size_t>(std::count_if(findings.begin(), findings.end(),
                                             [&](const ModelFinding& f) { return has(f.reasons, reason); }));
  };
  if (count(VerdictKind::not_judged) == total)
    return "No bootstrap intervals were computed, so no difference from the base is judged significant.";

  const int64_t k_max = findings.front().k_max;
  const bool same_k = std::all_of(findings.begin(), findings.end(),
                                  [&](const ModelFinding& f) { return f.k_max == k_max; });
  const std::string at_k_max = same_k ? fmt::format("pass@{}", k_max) : std::string("pass@k at the largest k");
  auto number = [](size_t n) { return n == 0 ? std::string("none") : std::to_string(n); };

  const size_t sharpens = count(VerdictKind::sharpens);
  std::vector<std::string> clauses;
  clauses.push_back(fmt::format("{} of {} model{} {} (pass@1 significantly above the base's)", number(sharpens),
                                total, plural(total, "", "s"), plural(sharpens, "sharpens", "sharpen")));
  const size_t narrows = count(VerdictKind::narrows);
  clauses.push_back(fmt::format("{} {} ({} significantly below)", number(narrows),
                                plural(narrows, "narrows", "narrow"), at_k_max));
  const size_t expands = count(VerdictKind::expands);
  std::string expand_clause =
      fmt::format("{} {}", number(expands), plural(expands, "expands", "expand"));
  const size_t ceiling = count_reason(VerdictReason::base_at_ceiling);
  if (ceiling == total)
    expand_clause += fmt::format(": the base is at its ceiling at {}, so expansion cannot be measured",
                                 same_k ? fmt::format("k = {}", k_max) : std::string("the largest k"));
  else if (ceiling > 0)
    expand_clause += fmt::format(" (for {} of them the base is at its ceiling, where expansion cannot be measured)",
                                 ceiling);
  clauses.push_back(expand_clause);
  if (size_t n = count(VerdictKind::falls_at_pass_at_1))
    clauses.push_back(fmt::format("{} {} at pass@1", n, plural(n, "falls", "fall")));
  if (size_t n = count(VerdictKind::rises_without_new_problems))
    clauses.push_back(fmt::format("{} {} at {} without solving a problem the base never solved", n,
                                  plural(n, "rises", "rise"), at_k_max));
  if (size_t n = count_reason(VerdictReason::new_problems_not_significant))
    clauses.push_back(fmt::format("{} {} problems the base never solved without a significant gain at {}", n,
                                  plural(n, "solves", "solve"), at_k_max));
  if (size_t n = count(VerdictKind::no_significant_difference))
    clauses.push_back(fmt::format("{} {} no significant difference", n, plural(n, "shows", "show")));
  if (size_t n = count(VerdictKind::not_judged))
    clauses.push_back(fmt::format("{} {} not judged (no bootstrap intervals)", n, plural(n, "is", "are")));

  std::string text;
  for (size_t i = 0; i < clauses.size(); ++i) text += (i ? "; " : "") + clauses[i];
  return text + fmt::format(". Significant: the {:g}% paired bootstrap interval of the difference excludes 0.",
                            100.0 * findings.front().ci_level);
}

std::string findings_paragraph(const Analysis& analysis) {
  std::vector<ModelFinding> findings = describe_models(analysis);
  if (findings.empty()) return findings_summary(findings);
  std::string text;
  for (const ModelFinding& f : findings) text += f.sentence + " ";
  return text + "In short: " + findings_summary(findings);
}

}  // namespace rlvr::metrics
