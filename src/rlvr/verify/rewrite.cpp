#include "rlvr/verify/rewrite.h"

namespace rlvr::verify {

std::string fractions_as_slashes(const std::string& s) {
  std::string out;
  size_t i = 0;
  auto group = [&](size_t& p, std::string& content) {
    if (p >= s.size() || s[p] != '{') return false;
    int level = 0;
    size_t start = p + 1;
    for (; p < s.size(); ++p) {
      if (s[p] == '{') ++level;
      else if (s[p] == '}' && --level == 0) {
        content = s.substr(start, p - start);
        ++p;
        return true;
      }
    }
    return false;
  };
  while (i < s.size()) {
    if (s.compare(i, 6, "\\frac{") == 0) {
      size_t p = i + 5;
      std::string a, b;
      if (group(p, a) && group(p, b)) {
        size_t last = out.find_last_not_of(' ');
        bool mixed_number = last != std::string::npos && out[last] >= '0' && out[last] <= '9';
        out += (mixed_number ? "+(" : "(") + fractions_as_slashes(a) + ")/(" + fractions_as_slashes(b) + ")";
        i = p;
        continue;
      }
    }
    out += s[i++];
  }
  return out;
}

}  // namespace rlvr::verify
