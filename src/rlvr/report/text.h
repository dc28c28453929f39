// Text that goes into SVG or HTML. Labels come from users (model names,
// problem ids), so everything is escaped, and bytes that XML forbids are
// replaced, so that a standalone .svg always parses.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace rlvr::report {

// Escapes & < > " ' and replaces invalid UTF-8 and control characters
// (other than tab and newline) by U+FFFD. Safe in element text and in
// double- or single-quoted attributes.
std::string escape(std::string_view text);

// Fixed-point number without locale surprises: format_fixed(0.12345, 3) ==
// "0.123"; NaN and infinities print as "n/a".
std::string format_fixed(double value, int digits);

// Shortest plain form for axis ticks and coordinates: 1, 0.25, 1024, 1e+06.
std::string format_number(double value);

// A rough width in pixels of `text` at `font_px` in a sans-serif font; used
// to make room for labels (no font metrics are available when writing SVG).
double estimate_text_width(std::string_view text, double font_px);

// `text` cut to at most `max_chars` characters (UTF-8 aware), with an
// ellipsis when cut.
std::string truncate_label(std::string_view text, size_t max_chars);

// `text` broken at spaces into lines of at most about `max_px` pixels at
// `font_px` (estimate_text_width); a word longer than that gets a line alone.
std::vector<std::string> wrap_words(std::string_view text, double max_px, double font_px);

}  // namespace rlvr::report
