#include "rlvr/verify/extract.h"

#include <algorithm>
#include <cctype>

#include "rlvr/util/error.h"

namespace rlvr::verify {

namespace {

bool is_letter(char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && is_space(s[b])) ++b;
  while (e > b && is_space(s[e - 1])) --e;
  return std::string(s.substr(b, e - b));
}

struct Box {
  size_t start;              // of the command
  size_t end;                // one past the closing brace
  std::string_view content;  // a view into the searched text
};

// For every '{' in text, the position of its matching '}' (npos when it has
// none), in one pass: a box's content is then found in constant time, so that
// text full of unclosed or nested boxes costs linear time, not quadratic.
// "\{" and "\}" are escaped braces and match nothing.
std::vector<size_t> matching_braces(std::string_view text) {
  std::vector<size_t> match(text.size(), std::string_view::npos);
  std::vector<size_t> open;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size() && (text[i + 1] == '{' || text[i + 1] == '}')) {
      ++i;
      continue;
    }
    if (text[i] == '{') {
      open.push_back(i);
    } else if (text[i] == '}' && !open.empty()) {
      match[open.back()] = i;
      open.pop_back();
    }
  }
  return match;
}

std::vector<Box> find_boxes(std::string_view text) {
  std::vector<Box> boxes;
  std::vector<size_t> match;
  for (std::string_view cmd : {"boxed", "fbox"}) {
    size_t pos = 0;
    while ((pos = text.find(cmd, pos)) != std::string_view::npos) {
      size_t start = pos;
      while (start > 0 && text[start - 1] == '\\') --start;
      size_t open = pos + cmd.size();
      while (open < text.size() && is_space(text[open])) ++open;
      pos += cmd.size();
      if (open >= text.size() || text[open] != '{') continue;
      if (match.empty()) match = matching_braces(text);
      size_t close = match[open];
      if (close == std::string_view::npos) continue;  // unbalanced: not a box
      boxes.push_back({start, close + 1, text.substr(open + 1, close - open - 1)});
      pos = close + 1;
    }
  }
  std::sort(boxes.begin(), boxes.end(), [](const Box& a, const Box& b) { return a.start < b.start; });
  // Drop boxes nested inside another box.
  std::vector<Box> outer;
  for (auto& b : boxes)
    if (outer.empty() || b.start >= outer.back().end) outer.push_back(b);
  return outer;
}

// Text between two boxes that only joins them: spaces, punctuation, "and", and at most
// three short words naming what the first box counts ("\boxed{3} cats and \boxed{5} dogs").
// Words that revise or reason ("or", "not", "so", "then", ...) keep the boxes apart. A
// label before the next box joins too: "x_1 = \boxed{2} and x_2 = \boxed{5}".
bool only_connectors(std::string_view gap) {
  static const char* const stop[] = {
      "or", "not", "is", "are", "was", "were", "so", "then", "thus", "hence", "therefore", "but", "instead", "wrong",
      "incorrect", "no", "gives", "becomes", "equals", "than", "later", "finally", "actually", "rather", "correct",
      "final", "answer", "get", "got", "obtain", "which", "that", "it", "we", "i", "since", "because", "check", "wait",
      "also", "again", "now", "new", "otherwise", "else", "if", "maybe", "perhaps", "seems", "should", "would", "could",
      "recheck", "mistake", "error", "fix", "redo", "hmm", "oops", "sorry", "change", "update", "corrected", "revised"};
  std::string g(gap);
  size_t words = 0;
  for (size_t i = 0; i < g.size();) {
    if (g[i] == '\\') {  // a command such as \text or \quad
      ++i;
      while (i < g.size() && is_letter(g[i])) ++i;
      continue;
    }
    if (!is_letter(g[i])) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < g.size() && is_letter(g[j])) ++j;
    std::string w = lower(std::string_view(g).substr(i, j - i));
    if (w != "and") {
      if (std::any_of(std::begin(stop), std::end(stop), [&](const char* t) { return w == t; }) || w.size() > 12) return false;
      ++words;
      g.replace(i, j - i, std::string(j - i, ' '));
    }
    i = j;
  }
  if (words > 3 || (words > 0 && gap.size() > 48)) return false;
  for (std::string_view word : {"\\text", "\\quad", "\\qquad", "\\mbox", "and", "\\\\"}) {
    size_t p;
    while ((p = g.find(word)) != std::string::npos) g.erase(p, word.size());
  }
  return std::all_of(g.begin(), g.end(), [](char c) {
    return is_space(c) || is_digit(c) || std::string_view(",;+$.&\\()[]{}=_").find(c) != std::string_view::npos;
  });
}

std::optional<std::pair<std::string, size_t>> boxed_answer(std::string_view text) {
  auto boxes = find_boxes(text);
  if (boxes.empty()) return std::nullopt;
  size_t first = boxes.size() - 1;
  while (first > 0 && only_connectors(text.substr(boxes[first - 1].end, boxes[first].start - boxes[first - 1].end))) --first;
  if (first == boxes.size() - 1) return std::make_pair(std::string(boxes.back().content), boxes.back().start);
  std::string set = "\\{";
  for (size_t i = first; i < boxes.size(); ++i) {
    if (i > first) set += ", ";
    set += boxes[i].content;
  }
  return std::make_pair(set + "\\}", boxes.back().start);
}

struct Region {
  size_t start, end;  // of the content
  size_t open, close;  // of the region with its delimiters
};

// Text between two math regions that lists them: "$x=2$ or $x=3$", "$1$, $2$ and $3$".
bool only_list_words(std::string_view gap) {
  std::string g(gap);
  for (std::string_view word : {"and", "or"}) {
    size_t p;
    while ((p = g.find(word)) != std::string::npos) g.erase(p, word.size());
  }
  return !g.empty() && std::all_of(g.begin(), g.end(), [](char c) { return is_space(c) || c == ',' || c == ';'; }) &&
         gap.find_first_not_of(" \t\n") != std::string_view::npos;
}

struct Found {
  std::string text;
  size_t end;  // position in the searched text where it ends
};

// The last $..$, $$..$$, \(..\) or \[..\] region.
std::optional<Found> last_math_region_at(std::string_view text) {
  std::vector<Region> regions;
  size_t i = 0;
  // Searches for a closing delimiter start at increasing positions. A search
  // that starts inside the stretch the previous search for the same delimiter
  // walked ends the same way (it joins that walk: a start follows an opening
  // "$" or "\(", never an escaping backslash), so each stretch is walked once
  // and text full of unclosed "\(" or "$" costs linear time, not quadratic.
  struct Walk {
    size_t from = std::string_view::npos, stop = 0, result = std::string_view::npos;
  };
  Walk walks[4];  // $, $$, \), \]
  auto find_close = [&](size_t from, std::string_view close, bool inline_only) -> size_t {
    Walk& walk = walks[close == "$" ? 0 : close == "$$" ? 1 : close == "\\)" ? 2 : 3];
    if (walk.from != std::string_view::npos && from >= walk.from && from <= walk.stop) return walk.result;
    walk = Walk{from, text.size(), std::string_view::npos};
    for (size_t j = from; j + close.size() <= text.size(); ++j) {
      if (inline_only && text[j] == '\n') {
        walk.stop = j;
        return walk.result;
      }
      if (text[j] == '\\' && close == "$") {
        ++j;
        continue;
      }
      if (text.substr(j, close.size()) == close) {
        walk.stop = walk.result = j;
        return j;
      }
    }
    return walk.result;
  };
  while (i < text.size()) {
    char c = text[i];
    if (c == '\\' && i + 1 < text.size()) {
      char n = text[i + 1];
      if (n == '[' || n == '(') {
        std::string_view close = n == '[' ? "\\]" : "\\)";
        size_t j = find_close(i + 2, close, n == '(');
        if (j != std::string_view::npos) {
          regions.push_back(Region{i + 2, j, i, j + 2});
          i = j + 2;
          continue;
        }
      }
      i += 2;  // escaped character, e.g. \$
      continue;
    }
    if (c == '$') {
      bool display = i + 1 < text.size() && text[i + 1] == '$';
      std::string_view close = display ? "$$" : "$";
      size_t from = i + (display ? 2 : 1);
      size_t j = find_close(from, close, !display);
      if (j != std::string_view::npos) {
        regions.push_back(Region{from, j, i, j + close.size()});
        i = j + close.size();
        continue;
      }
    }
    ++i;
  }
  if (regions.empty()) return std::nullopt;
  // Regions listed with "and", "or" or commas form one answer list.
  size_t first = regions.size() - 1;
  while (first > 0 && regions.size() - first < 16 &&
         only_list_words(text.substr(regions[first - 1].close, regions[first].open - regions[first - 1].close)))
    --first;
  std::string content;
  for (size_t r = first; r < regions.size(); ++r) {
    std::string part = trim(text.substr(regions[r].start, regions[r].end - regions[r].start));
    if (part.empty()) continue;
    if (!content.empty()) content += ", ";
    content += part;
  }
  if (content.empty()) return std::nullopt;
  return Found{content, regions.back().end};
}


std::optional<Found> last_number_at(std::string_view text);

const char* const kPlainWords[] = {"and", "or", "sin", "cos", "tan", "sec", "csc", "cot", "log", "ln", "exp", "sqrt",
                                   "pi", "inf", "infinity", "percent", "pct", "percentage", "cm", "km", "mm", "kg",
                                   "ft", "abs", "arcsin", "arccos", "arctan", "sinh", "cosh", "tanh"};

// Short text that reads as maths rather than prose.
bool plausible_expression(std::string_view s) {
  if (s.empty() || s.size() > 300) return false;
  for (size_t i = 0; i < s.size();) {
    char c = s[i];
    if (c == '\n' || c == '?') return false;
    // A colon inside a ratio (3:5) is maths; one followed by a space is prose.
    if (c == ':' && (i == 0 || i + 1 >= s.size() || is_space(s[i - 1]) || is_space(s[i + 1]))) return false;
    if (is_letter(c)) {
      size_t j = i;
      while (j < s.size() && is_letter(s[j])) ++j;
      bool command = i > 0 && s[i - 1] == '\\';
      std::string w = lower(s.substr(i, j - i));
      if (!command && w.size() > 2 &&
          std::none_of(std::begin(kPlainWords), std::end(kPlainWords), [&](const char* p) { return w == p; }))
        return false;
      i = j;
      continue;
    }
    ++i;
  }
  return true;
}

std::string strip_dollars_and_quotes(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size() && (s[i + 1] == '(' || s[i + 1] == ')' || s[i + 1] == '[' || s[i + 1] == ']')) {
      ++i;
      continue;
    }
    if (s[i] == '\\' && i + 1 < s.size() && s[i + 1] == '"') {
      ++i;
      continue;
    }
    if (s[i] == '"') continue;
    out += s[i];
  }
  return trim(out);
}

// The answer inside the text after "final answer is" or "answer:".
// The math region that opens `text` ($..$, $$..$$, \(..\), \[..\]) and the regions listed
// after it with "and", "or" or commas, as one answer; nullopt when `text` does not open
// with a region. "the answer is $s=3$, regardless of $n$" gives s=3.
std::optional<std::string> leading_math_run(std::string_view text) {
  auto region_end = [&](size_t at) -> size_t {
    std::string_view open, close;
    if (text.substr(at, 2) == "$$") open = "$$", close = "$$";
    else if (text.substr(at, 2) == "\\[") open = "\\[", close = "\\]";
    else if (text.substr(at, 2) == "\\(") open = "\\(", close = "\\)";
    else if (text.substr(at, 1) == "$") open = "$", close = "$";
    else return std::string_view::npos;
    size_t j = text.find(close, at + open.size());
    if (j == std::string_view::npos) return j;
    if (open == "$" && text.substr(at + 1, j - at - 1).find('\n') != std::string_view::npos) return std::string_view::npos;
    return j + close.size();
  };
  auto content = [&](size_t at, size_t end) {
    size_t open = text.substr(at, 2) == "$$" || text[at] == '\\' ? 2 : 1;
    return trim(text.substr(at + open, end - at - 2 * open));
  };
  size_t end = region_end(0);
  if (end == std::string_view::npos) return std::nullopt;
  std::string answer = content(0, end);
  for (int regions = 1; regions < 16; ++regions) {
    size_t next = text.find_first_of("$\\", end);
    if (next == std::string_view::npos) break;
    std::string_view gap = text.substr(end, next - end);
    bool spaces_only = gap.find_first_not_of(" \t") == std::string_view::npos;
    // Regions with only spaces between them are one formula split in two ("$a+$ $b$").
    if (!spaces_only && !only_list_words(gap)) break;
    size_t after = region_end(next);
    if (after == std::string_view::npos) break;
    std::string part = content(next, after);
    if (!part.empty()) answer += (spaces_only ? " " : ", ") + part;
    end = after;
  }
  if (answer.empty()) return std::nullopt;
  return answer;
}

std::optional<std::string> answer_from_segment(std::string_view rest) {
  size_t b = 0;
  while (b < rest.size() && (is_space(rest[b]) || rest[b] == ':')) ++b;
  rest = rest.substr(b);
  if (auto run = leading_math_run(rest)) return run;
  // The sentence ends at a newline, at "I hope", or at a period followed by a space.
  size_t end = rest.size();
  size_t newline = rest.find('\n');
  if (newline != std::string_view::npos) end = std::min(end, newline);
  size_t hope = lower(rest).find("i hope");
  if (hope != std::string::npos) end = std::min(end, hope);
  bool in_math = false;
  for (size_t i = 0; i < end; ++i) {
    if (rest[i] == '\\' && i + 1 < rest.size()) {
      ++i;
      continue;
    }
    if (rest[i] == '$') in_math = !in_math;
    if (!in_math && rest[i] == '.' && (i + 1 >= rest.size() || is_space(rest[i + 1]))) {
      end = i;
      break;
    }
  }
  std::string segment = strip_dollars_and_quotes(rest.substr(0, end));
  if (segment.empty()) return std::nullopt;
  std::string without_math;
  for (size_t i = 0; i < segment.size(); ++i) {
    if (segment[i] == '$' && (i == 0 || segment[i - 1] != '\\')) continue;
    without_math += segment[i];
  }
  without_math = trim(without_math);
  if (plausible_expression(without_math)) return without_math;
  // Otherwise the later of the last math region and the last number.
  auto region = last_math_region_at(segment);
  auto number = last_number_at(segment);
  if (number && (!region || number->end > region->end)) return number->text;
  if (region) return region->text;
  return without_math;
}

std::optional<Found> after_last_phrase(std::string_view text, std::initializer_list<std::string_view> phrases) {
  std::string low = lower(text);
  size_t best = std::string::npos;
  size_t best_len = 0;
  for (auto phrase : phrases) {
    size_t p = low.rfind(phrase);
    if (p != std::string::npos && (best == std::string::npos || p > best)) {
      best = p;
      best_len = phrase.size();
    }
  }
  if (best == std::string::npos) return std::nullopt;
  auto a = answer_from_segment(text.substr(best + best_len));
  if (!a) return std::nullopt;
  return Found{*a, best};
}

}  // namespace

std::optional<std::string> last_boxed(std::string_view text) {
  auto boxes = find_boxes(text);
  if (boxes.empty()) return std::nullopt;
  return std::string(boxes.back().content);
}

std::optional<std::string> last_number(std::string_view text) {
  auto f = last_number_at(text);
  if (!f) return std::nullopt;
  return f->text;
}

namespace {
std::optional<Found> last_number_at(std::string_view text) {
  std::optional<Found> found;
  size_t i = 0;
  while (i < text.size()) {
    bool starts_number = is_digit(text[i]) || (text[i] == '.' && i + 1 < text.size() && is_digit(text[i + 1]));
    if (!starts_number || (i > 0 && (is_letter(text[i - 1]) || is_digit(text[i - 1]) || text[i - 1] == '.' ||
                                     text[i - 1] == '_' || text[i - 1] == '^'))) {
      ++i;
      continue;
    }
    bool negative = i > 0 && text[i - 1] == '-' && (i < 2 || !is_digit(text[i - 2]));
    size_t j = i;
    std::string digits;
    while (j < text.size() && is_digit(text[j])) digits += text[j++];
    // Thousands groups: 1,000,000 / 1 000 000.
    bool grouped = false;
    if (!digits.empty() && digits.size() <= 3 && digits[0] != '0') {
      for (char sep : {',', ' '}) {
        size_t k = j;
        std::string merged = digits;
        while (k + 3 < text.size() + 0 && text[k] == sep && is_digit(text[k + 1]) && is_digit(text[k + 2]) &&
               is_digit(text[k + 3]) && (k + 4 >= text.size() || !is_digit(text[k + 4]))) {
          merged.append(text.substr(k + 1, 3));
          k += 4;
        }
        if (k != j) {
          digits = merged;
          j = k;
          grouped = true;
          break;
        }
      }
    }
    std::string fraction;
    if (j + 1 < text.size() && text[j] == '.' && is_digit(text[j + 1])) {
      ++j;
      while (j < text.size() && is_digit(text[j])) fraction += text[j++];
    } else if (!grouped && j + 1 < text.size() && text[j] == ',' && is_digit(text[j + 1])) {
      // Decimal comma: 2,74 / 0,111 / 1000,99 (never a thousands group, handled above).
      size_t k = j + 1;
      std::string after;
      while (k < text.size() && is_digit(text[k])) after += text[k++];
      if (after.size() != 3 || digits[0] == '0' || digits.size() > 3) {
        fraction = after;
        j = k;
      }
    }
    std::string number;
    if (negative) number.push_back('-');
    number.append(digits.empty() ? std::string("0") : digits);
    if (!fraction.empty()) {
      number.push_back('.');
      number.append(fraction);
    }
    // A fraction written a/b.
    if (fraction.empty() && j + 1 < text.size() && text[j] == '/' && is_digit(text[j + 1])) {
      size_t k = j + 1;
      std::string den;
      while (k < text.size() && is_digit(text[k])) den += text[k++];
      number += "/" + den;
      j = k;
    }
    found = Found{number, j};
    i = j;
  }
  return found;
}
}  // namespace

std::optional<std::string> gsm8k_gold(std::string_view solution) {
  size_t p = solution.rfind("####");
  if (p == std::string_view::npos) return std::nullopt;
  std::string rest = trim(solution.substr(p + 4));
  std::string out;
  for (char c : rest)
    if (c != ',' && c != '$' && !is_space(c)) out += c;
  if (out.empty()) return std::nullopt;
  return out;
}

std::optional<Extracted> extract_answer(std::string_view text, const std::vector<ExtractKind>& kinds) {
  bool latex = std::find(kinds.begin(), kinds.end(), ExtractKind::Latex) != kinds.end();
  bool expr = std::find(kinds.begin(), kinds.end(), ExtractKind::Expr) != kinds.end();
  // A boxed answer and a "final answer is" sentence rank equal: the later one wins.
  std::optional<std::pair<std::string, size_t>> boxed;
  if (latex) boxed = boxed_answer(text);
  auto final_answer = after_last_phrase(text, {"final answer is", "final answer:"});
  if (boxed && (!final_answer || boxed->second >= final_answer->end)) return Extracted{trim(boxed->first), "boxed"};
  if (final_answer) return Extracted{final_answer->text, "final_answer"};
  if (auto a = after_last_phrase(text, {"answer:", "answer is"})) return Extracted{a->text, "answer"};
  std::optional<Found> region;
  if (latex) region = last_math_region_at(text);
  if (expr) {
    std::string whole = strip_dollars_and_quotes(text);
    for (size_t p; (p = whole.find("\\$")) != std::string::npos;) whole.erase(p, 2);
    std::string bare;
    for (char c : whole)
      if (c != '$') bare += c;
    bare = trim(bare);
    while (!bare.empty() && (bare.back() == '.' || bare.back() == ',')) bare.pop_back();
    // One number, possibly with separators, currency or a unit around it.
    if (auto n = last_number(bare)) {
      size_t digits = std::count_if(bare.begin(), bare.end(), [](char c) { return is_digit(c); });
      size_t n_digits = std::count_if(n->begin(), n->end(), [](char c) { return is_digit(c); });
      if (digits == n_digits && plausible_expression(bare) && bare.find('/') == std::string::npos &&
          bare.find('\\') == std::string::npos && std::none_of(bare.begin(), bare.end(), [](char c) {
            return c == '+' || c == '*' || c == '^' || c == '(' || c == '=' || c == '<' || c == '>' || c == '[' || c == '{';
          }))
        return Extracted{*n, "whole"};
    }
    if (!region && plausible_expression(bare)) return Extracted{bare, "whole"};
    // The last math region and the last number rank equal: the later one wins.
    auto number = last_number_at(text);
    if (number && (!region || number->end > region->end)) return Extracted{number->text, "last_number"};
  }
  if (region) return Extracted{region->text, "latex"};
  return std::nullopt;
}

ExtractKind parse_extract_kind(const std::string& name) {
  if (name == "latex") return ExtractKind::Latex;
  if (name == "expr") return ExtractKind::Expr;
  throw Error("unknown extraction kind '" + name + "' (expected \"latex\" or \"expr\")");
}

}  // namespace rlvr::verify
