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

const CurvePoint* at_k(const ModelSummary& m, int64_t k) {
  for (const CurvePoint& p : m.pass_at_k)
    if (p.k == k) return &p;
  return nullptr;
}

// Above/below only when the bootstrap intervals do not overlap.
int compare_points(const CurvePoint& a, const CurvePoint& b) {
  if (a.ci_low > b.ci_high) return 1;
  if (a.ci_high < b.ci_low) return -1;
  return 0;
}

std::string pct(double v) { return fmt::format("{:.1f}%", 100.0 * v); }

}  // namespace

const char* verdict_name(BoundaryVerdict verdict) {
  switch (verdict) {
    case BoundaryVerdict::expands: return "expands the boundary";
    case BoundaryVerdict::sharpens: return "sharpens without expanding";
    case BoundaryVerdict::shrinks: return "narrows the boundary without a clear gain at pass@1";
    case BoundaryVerdict::indistinct: return "is not distinguishable from the base";
  }
  return "";
}

std::vector<ModelFinding> describe_models(const Analysis& analysis) {
  std::vector<ModelFinding> findings;
  for (const Comparison& c : analysis.comparisons) {
    const ModelSummary* base = find_model(analysis, c.baseline);
    const ModelSummary* model = find_model(analysis, c.model);
    if (!base || !model) continue;
    const CurvePoint* b1 = at_k(*base, 1);
    const CurvePoint* m1 = at_k(*model, 1);
    const CurvePoint* bk = at_k(*base, c.k_max);
    const CurvePoint* mk = at_k(*model, c.k_max);
    if (!b1 || !m1 || !bk || !mk) continue;

    int low = compare_points(*m1, *b1);
    int high = compare_points(*mk, *bk);
    size_t gained = c.coverage.model_only.size();
    size_t lost = c.coverage.baseline_only.size();

    ModelFinding f;
    f.model = c.model;
    if (high > 0 && gained > lost) f.verdict = BoundaryVerdict::expands;
    else if (low > 0 && high <= 0) f.verdict = BoundaryVerdict::sharpens;
    else if (high < 0 && low <= 0) f.verdict = BoundaryVerdict::shrinks;
    else f.verdict = BoundaryVerdict::indistinct;

    std::string crossing = c.crossover_k
        ? fmt::format("the base model catches up at k = {} and stays at or above it", *c.crossover_k)
        : std::string("the base model never catches up within the measured k");
    f.sentence = fmt::format(
        "{} {}: pass@1 {} vs {} for {}, pass@{} {} vs {}; {}; it solves {} problem{} the base "
        "never solved in its samples and misses {} the base solved (of {} shared).",
        c.model, verdict_name(f.verdict), pct(m1->value), pct(b1->value), c.baseline, c.k_max,
        pct(mk->value), pct(bk->value), crossing, gained, gained == 1 ? "" : "s", lost,
        c.problems);
    findings.push_back(std::move(f));
  }
  return findings;
}

std::string findings_summary(const std::vector<ModelFinding>& findings) {
  if (findings.empty()) return "No model was compared with a baseline.";
  int expands = 0, sharpens = 0;
  for (const ModelFinding& f : findings) {
    expands += f.verdict == BoundaryVerdict::expands;
    sharpens += f.verdict == BoundaryVerdict::sharpens;
  }
  return fmt::format(
      "{} of {} model{} expand{} the base model's reasoning boundary by pass@k at the largest k "
      "(beyond the 95% bootstrap intervals, with more problems newly solved than lost), and {} "
      "only sharpen{} it.",
      expands, findings.size(), findings.size() == 1 ? "" : "s", expands == 1 ? "s" : "", sharpens,
      sharpens == 1 ? "s" : "");
}

std::string findings_paragraph(const Analysis& analysis) {
  std::vector<ModelFinding> findings = describe_models(analysis);
  if (findings.empty()) return findings_summary(findings);
  std::string text;
  for (const ModelFinding& f : findings) text += f.sentence + " ";
  return text + "In short: " + findings_summary(findings);
}

}  // namespace rlvr::metrics
