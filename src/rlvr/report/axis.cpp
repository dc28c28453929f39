#include "rlvr/report/axis.h"

#include <algorithm>
#include <cmath>

#include "rlvr/report/text.h"

namespace rlvr::report {
namespace {

double nice_step(double range, int target) {
  double raw = range / std::max(1, target);
  double mag = std::pow(10.0, std::floor(std::log10(raw)));
  double f = raw / mag;
  double nice = f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10;
  return nice * mag;
}

// The 1, 2, 5 or 10 in front of the power of ten of a nice step.
double nice_mantissa(double step) {
  double m = step / std::pow(10.0, std::floor(std::log10(step) + 1e-9));
  return std::round(m);
}

// The n-th multiple of a nice step, computed as n * mantissa / 10^-e when
// the step is below 1 so that 3 * 0.2 comes out as 0.6, not 0.6000000000000001.
double tick_at(double n, double step) {
  double mantissa = nice_mantissa(step);
  int e = static_cast<int>(std::lround(std::log10(step / mantissa)));
  double v = e < 0 ? n * mantissa / std::pow(10.0, -e) : n * mantissa * std::pow(10.0, e);
  return v == 0 ? 0.0 : v;  // never "-0"
}

std::string power_of_two_label(int e) {
  if (e >= 0 && e < 20) return std::to_string(1LL << e);
  if (e < 0 && e > -8) return format_number(std::ldexp(1.0, e));
  return "2^" + std::to_string(e);
}

}  // namespace

std::vector<Tick> log2_ticks(double lo, double hi, int max_ticks) {
  std::vector<Tick> ticks;
  if (!(lo > 0) || !(hi >= lo) || !std::isfinite(hi)) return ticks;
  int e_lo = static_cast<int>(std::ceil(std::log2(lo) - 1e-9));
  int e_hi = static_cast<int>(std::floor(std::log2(hi) + 1e-9));
  if (e_hi < e_lo) return ticks;
  int count = e_hi - e_lo + 1;
  int stride = (count + std::max(1, max_ticks) - 1) / std::max(1, max_ticks);
  for (int e = e_lo; e <= e_hi; ++e) {
    // Anchor the stride at 2^0 so that k = 1 is always labelled when present.
    if (((e % stride) + stride) % stride != 0) continue;
    ticks.push_back({std::ldexp(1.0, e), power_of_two_label(e)});
  }
  return ticks;
}

std::vector<Tick> linear_ticks(double lo, double hi, int target) {
  std::vector<Tick> ticks;
  if (!std::isfinite(lo) || !std::isfinite(hi) || hi < lo) return ticks;
  if (hi == lo) return {{lo, format_number(lo)}};
  double step = nice_step(hi - lo, target);
  for (double n = std::ceil(lo / step - 1e-9);; n += 1) {
    double v = tick_at(n, step);
    if (v > hi + step * 1e-9) break;
    ticks.push_back({v, format_number(v)});
  }
  return ticks;
}

std::vector<Tick> log10_ticks(double lo, double hi) {
  std::vector<Tick> ticks;
  if (!(lo > 0) || !(hi >= lo) || !std::isfinite(hi)) return ticks;
  int d_lo = static_cast<int>(std::floor(std::log10(lo)));
  int d_hi = static_cast<int>(std::ceil(std::log10(hi)));
  // Denser mantissas for shorter ranges: about 4 to 10 ticks in all.
  double decades = std::log10(hi / lo);
  std::vector<double> mantissas = decades <= 1.2   ? std::vector<double>{1, 1.5, 2, 3, 4, 5, 7}
                                  : decades <= 3.5 ? std::vector<double>{1, 2, 5}
                                                 : std::vector<double>{1};
  for (int d = d_lo; d <= d_hi; ++d) {
    for (double m : mantissas) {
      double v = d < 0 ? m / std::pow(10.0, -d) : m * std::pow(10.0, d);
      if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) ticks.push_back({v, format_number(v)});
    }
  }
  if (ticks.size() < 2 && hi > lo) {
    // A narrow range (e.g. perplexities 1.1 to 1.9): plain round values.
    ticks.clear();
    for (auto& t : linear_ticks(lo, hi, 4)) if (t.value > 0) ticks.push_back(t);
  }
  return ticks;
}

std::vector<Tick> ticks_from_zero(double hi, int target) {
  if (!(hi > 0) || !std::isfinite(hi)) hi = 1;
  double step = nice_step(hi, target);
  std::vector<Tick> ticks;
  for (double n = 0; n <= std::ceil(hi / step - 1e-9); n += 1) {
    double v = tick_at(n, step);
    ticks.push_back({v, format_number(v)});
  }
  return ticks;
}

double nice_ceiling(double hi) { return ticks_from_zero(hi).back().value; }

Scale::Scale(double data_lo, double data_hi, double pixel_lo, double pixel_hi, bool log)
    : lo_(log ? std::log(data_lo) : data_lo),
      hi_(log ? std::log(data_hi) : data_hi),
      plo_(pixel_lo),
      phi_(pixel_hi),
      log_(log) {}

double Scale::operator()(double value) const {
  double v = log_ ? std::log(value) : value;
  if (hi_ == lo_) return (plo_ + phi_) / 2;
  return plo_ + (v - lo_) / (hi_ - lo_) * (phi_ - plo_);
}

}  // namespace rlvr::report
