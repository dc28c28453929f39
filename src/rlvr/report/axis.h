// Axis scales and tick placement shared by all charts. A Scale maps data
// values to pixels, linearly or logarithmically; the tick functions choose
// round values a reader expects (1, 2, 4, ... for k; 0, 0.2, ... for rates).
#pragma once

#include <string>
#include <vector>

namespace rlvr::report {

struct Tick {
  double value = 0;
  std::string label;
};

// Powers of two inside [lo, hi] (lo > 0). When there are more than
// `max_ticks`, every second (third, ...) power is kept, always including 1
// when it is in range, so k = 1, 4, 16, 64, ... for long curves.
std::vector<Tick> log2_ticks(double lo, double hi, int max_ticks = 11);

// Round values (1, 2 or 5 times a power of ten apart) inside [lo, hi],
// about `target` of them.
std::vector<Tick> linear_ticks(double lo, double hi, int target = 6);

// Ticks for a base-10 log axis: 1, 1.5, 2, 3, 4, 5, 7 per decade within one
// decade, 1-2-5 up to three decades, whole decades beyond; at least two
// ticks when lo < hi.
std::vector<Tick> log10_ticks(double lo, double hi);

// Round ticks from 0 up to the first one at or above hi (hi > 0), about
// `target` of them, so that a bar chart's axis ends on a labelled tick.
std::vector<Tick> ticks_from_zero(double hi, int target = 5);

// The last of ticks_from_zero(hi): the round upper end of a bar chart.
double nice_ceiling(double hi);

// Data value -> pixel along one axis. `log` maps log(value) (value > 0).
class Scale {
 public:
  Scale(double data_lo, double data_hi, double pixel_lo, double pixel_hi, bool log);
  double operator()(double value) const;
  bool log() const { return log_; }

 private:
  double lo_, hi_, plo_, phi_;
  bool log_;
};

}  // namespace rlvr::report
