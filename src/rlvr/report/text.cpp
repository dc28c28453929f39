#include "rlvr/report/text.h"

#include <cmath>
#include <cstdint>

#include <fmt/format.h>

namespace rlvr::report {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// Length of the valid UTF-8 sequence starting at s[i], or 0 when invalid.
size_t utf8_sequence_length(std::string_view s, size_t i) {
  auto byte = [&](size_t j) { return static_cast<uint8_t>(s[j]); };
  uint8_t b = byte(i);
  size_t len = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xE ? 3 : (b >> 3) == 0x1E ? 4 : 0;
  if (len == 0 || i + len > s.size()) return 0;
  uint32_t cp = len == 1 ? b : len == 2 ? (b & 0x1F) : len == 3 ? (b & 0x0F) : (b & 0x07);
  for (size_t j = 1; j < len; ++j) {
    if ((byte(i + j) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (byte(i + j) & 0x3F);
  }
  static constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  if (cp == 0xFFFE || cp == 0xFFFF) return 0;  // not characters in XML
  return len;
}

}  // namespace

std::string escape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (size_t i = 0; i < text.size();) {
    size_t len = utf8_sequence_length(text, i);
    if (len == 0) {
      out += kReplacement;
      ++i;
      continue;
    }
    if (len > 1) {
      out.append(text.substr(i, len));
      i += len;
      continue;
    }
    char c = text[i++];
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default:
        if ((static_cast<uint8_t>(c) < 0x20 && c != '\t' && c != '\n') || c == 0x7F) {
          out += kReplacement;
        } else {
          out += c;
        }
    }
  }
  return out;
}

std::string format_fixed(double value, int digits) {
  if (!std::isfinite(value)) return "n/a";
  std::string s = fmt::format("{:.{}f}", value, digits);
  if (s.starts_with("-") && s.find_first_not_of("-0.") == std::string::npos) s.erase(0, 1);
  return s;
}

std::string format_number(double value) {
  if (!std::isfinite(value)) return "n/a";
  if (value == 0) return "0";
  return fmt::format("{:.6g}", value);
}

double estimate_text_width(std::string_view text, double font_px) {
  double em = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    auto b = static_cast<uint8_t>(text[i]);
    if ((b & 0xC0) == 0x80) continue;  // continuation byte of one character
    char c = text[i];
    if (b >= 0x80) em += 0.62;
    else if (c == 'i' || c == 'l' || c == 'j' || c == '.' || c == ',' || c == '|' || c == '\'') em += 0.3;
    else if (c == 'm' || c == 'w' || c == 'M' || c == 'W') em += 0.9;
    else if (c >= 'A' && c <= 'Z') em += 0.7;
    else em += 0.58;
  }
  return em * font_px;
}

std::string truncate_label(std::string_view text, size_t max_chars) {
  size_t chars = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<uint8_t>(text[i]) & 0xC0) == 0x80) continue;
    if (chars == max_chars) return std::string(text.substr(0, i)) + "\xE2\x80\xA6";
    ++chars;
  }
  return std::string(text);
}

std::vector<std::string> wrap_words(std::string_view text, double max_px, double font_px) {
  std::vector<std::string> lines;
  std::string line;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(' ', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view word = text.substr(start, end - start);
    if (!word.empty()) {
      std::string longer = line.empty() ? std::string(word) : line + " " + std::string(word);
      if (!line.empty() && estimate_text_width(longer, font_px) > max_px) {
        lines.push_back(line);
        line = std::string(word);
      } else {
        line = longer;
      }
    }
    start = end + 1;
  }
  if (!line.empty()) lines.push_back(line);
  return lines;
}

}  // namespace rlvr::report
