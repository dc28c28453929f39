// A minimal well-formedness check for the markup the report writes: every
// element opened is closed in order (void HTML elements and self-closing
// tags aside), attributes are quoted, and no stray '<' or '&' appears in
// text. Enough to catch broken escaping or nesting; not a full parser.
#pragma once

#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>
#include <vector>

namespace rlvr::testing {

// How many times needle occurs in haystack (overlaps counted).
inline int count(const std::string& haystack, const std::string& needle) {
  int n = 0;
  for (size_t p = haystack.find(needle); p != std::string::npos; p = haystack.find(needle, p + 1)) ++n;
  return n;
}

// Empty when a figure's markup holds a rendered chart: a closed <svg> of
// more than 2,000 characters with exactly one series group per label, each
// labelled; else what is wrong.
inline std::string figure_problem(const std::string& fig, const std::vector<std::string>& labels) {
  if (fig.empty()) return "figure missing";
  size_t svg = fig.find("<svg");
  if (svg == std::string::npos) return "no <svg>";
  if (fig.find("</svg>") == std::string::npos) return "unclosed <svg>";
  if (fig.size() - svg <= 2000) return "an almost empty <svg>";
  int series = count(fig, "class=\"series\"");
  if (series != static_cast<int>(labels.size()))
    return std::to_string(series) + " series, expected " + std::to_string(labels.size());
  for (const auto& label : labels)
    if (fig.find("data-series=\"" + label + "\"") == std::string::npos) return "no series " + label;
  return "";
}

// The markup of <figure id="ID"> ... </figure>, or "" when absent.
inline std::string figure_markup(const std::string& html, const std::string& id) {
  size_t start = html.find("<figure id=\"" + id + "\"");
  if (start == std::string::npos) return "";
  size_t end = html.find("</figure>", start);
  return end == std::string::npos ? "" : html.substr(start, end - start);
}

// Empty when balanced, else a description of the first problem.
inline std::string check_markup(std::string_view s) {
  static const std::vector<std::string> kVoid = {"meta", "br", "hr", "img", "input", "link", "col", "wbr"};
  std::vector<std::string> stack;
  size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (c == '&') {
      size_t semi = s.find(';', i);
      if (semi == std::string_view::npos || semi - i > 8) return "bare '&' at " + std::to_string(i);
      i = semi + 1;
      continue;
    }
    if (c != '<') {
      ++i;
      continue;
    }
    if (s.substr(i, 4) == "<!--") {
      size_t e = s.find("-->", i);
      if (e == std::string_view::npos) return "unclosed comment";
      i = e + 3;
      continue;
    }
    if (s.substr(i, 2) == "<!") {
      i = s.find('>', i) + 1;
      continue;
    }
    bool closing = i + 1 < s.size() && s[i + 1] == '/';
    size_t name_start = i + (closing ? 2 : 1);
    size_t j = name_start;
    while (j < s.size() && (std::isalnum(static_cast<unsigned char>(s[j])) || s[j] == '-')) ++j;
    std::string name(s.substr(name_start, j - name_start));
    if (name.empty()) return "stray '<' at " + std::to_string(i);
    // Walk the attributes, honouring quotes.
    char quote = 0;
    while (j < s.size()) {
      if (quote) {
        if (s[j] == '<') return "'<' inside an attribute of <" + name + ">";
        if (s[j] == quote) quote = 0;
      } else if (s[j] == '"' || s[j] == '\'') {
        quote = s[j];
      } else if (s[j] == '>') {
        break;
      }
      ++j;
    }
    if (j >= s.size()) return "unterminated tag <" + name;
    bool self_closing = s[j - 1] == '/';
    i = j + 1;
    if (closing) {
      if (stack.empty() || stack.back() != name) {
        return "</" + name + "> closes " + (stack.empty() ? std::string("nothing") : "<" + stack.back() + ">");
      }
      stack.pop_back();
    } else if (!self_closing && std::find(kVoid.begin(), kVoid.end(), name) == kVoid.end()) {
      stack.push_back(name);
      if (name == "style" || name == "script") {  // raw text until the end tag
        size_t e = s.find("</" + name, i);
        if (e == std::string_view::npos) return "unclosed <" + name + ">";
        i = e;
      }
    }
  }
  if (!stack.empty()) return "<" + stack.back() + "> never closed";
  return "";
}

}  // namespace rlvr::testing
