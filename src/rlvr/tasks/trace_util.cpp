#include "rlvr/tasks/trace_util.h"

#include <fmt/format.h>

namespace rlvr::tasks::detail {

uint64_t Rng::below(uint64_t n) {
  // Rejection sampling keeps the draw exactly uniform.
  uint64_t limit = UINT64_MAX - UINT64_MAX % n;
  for (;;) {
    uint64_t x = next();
    if (x < limit) return x % n;
  }
}

int64_t Rng::range(int64_t lo, int64_t hi) {
  return lo + static_cast<int64_t>(below(static_cast<uint64_t>(hi - lo) + 1));
}

bool Rng::chance(double p) { return static_cast<double>(next() >> 11) * 0x1.0p-53 < p; }

uint64_t name_hash(std::string_view name) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (char c : name) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  return h;
}

Split split_for(std::string_view family, std::string_view canonical) {
  uint64_t h = mix64(name_hash(family) ^ mix64(name_hash(canonical)));
  return h % 100 < kTestPercent ? Split::test : Split::train;
}

std::string problem_id(std::string_view family, int difficulty, Split split, uint64_t index) {
  return fmt::format("{}-d{}-{}-{:06}", family, difficulty, split_name(split), index);
}

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  return text;
}

ParsedCompletion parse_completion(std::string_view completion) {
  ParsedCompletion parsed;
  for (std::string_view line : split_lines(completion)) {
    if (!line.empty() && line.front() == '#') {
      parsed.answer = std::string(trim(line.substr(1)));
      break;
    }
    parsed.steps.push_back(line);
  }
  return parsed;
}

std::optional<int64_t> parse_natural(std::string_view text) {
  if (text.empty() || text.size() > 12) return std::nullopt;
  int64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

Verdict make_verdict(std::optional<std::string> answer, bool correct, bool steps_valid,
                     int first_bad_line) {
  Verdict v;
  v.steps_checkable = true;
  v.steps_valid = steps_valid;
  v.answer = answer.value_or("");
  v.first_bad_step = first_bad_line;
  v.correct = answer.has_value() && correct;
  if (!answer || answer->empty()) {
    v.correct = false;
    v.reason = VerdictReason::no_answer;
  } else if (!v.correct) {
    v.reason = VerdictReason::wrong_answer;
  } else if (steps_valid) {
    v.reason = VerdictReason::ok;
  } else if (first_bad_line > 0) {
    v.reason = VerdictReason::bad_step;
  } else {
    v.reason = VerdictReason::unsupported_answer;
  }
  return v;
}

}  // namespace rlvr::tasks::detail
