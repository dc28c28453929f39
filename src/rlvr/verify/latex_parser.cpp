#include "rlvr/verify/latex_parser.h"

#include <algorithm>
#include <cctype>
#include <set>
#include <stdexcept>

namespace rlvr::verify {

namespace {

bool is_letter(char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Commands whose doubled backslash (written by JSON-escaping twice) is repaired.
const std::set<std::string, std::less<>>& known_commands() {
  static const std::set<std::string, std::less<>> names = {
      "frac", "dfrac", "tfrac", "cfrac", "sqrt", "left", "right", "le", "leq", "ge", "geq", "lt", "gt",
      "ne", "neq", "in", "cup", "pi", "infty", "boxed", "fbox", "text", "textbf", "mathrm", "mbox",
      "cdot", "times", "div", "pm", "mp", "approx", "sin", "cos", "tan", "sec", "csc", "cot", "log", "ln",
      "exp", "begin", "end", "circ", "quad", "qquad", "alpha", "beta", "gamma", "theta", "binom",
      "leqslant", "geqslant", "emptyset", "varnothing", "textnormal", "mathbf", "dbinom", "tbinom"};
  return names;
}

void replace_all(std::string& s, std::string_view from, std::string_view to) {
  size_t pos = 0;
  while ((pos = s.find(from, pos)) != std::string::npos) {
    s.replace(pos, from.size(), to);
    pos += to.size();
  }
}

}  // namespace

std::string normalize_latex(std::string_view answer) {
  std::string s;
  s.reserve(answer.size());
  // Doubled backslashes before a known command name: "\\frac" -> "\frac".
  for (size_t i = 0; i < answer.size(); ++i) {
    if (answer[i] != '\\') {
      s += answer[i];
      continue;
    }
    size_t run = i;
    while (run < answer.size() && answer[run] == '\\') ++run;
    size_t j = run;
    while (j < answer.size() && is_letter(answer[j])) ++j;
    bool doubled_command = run - i == 2 && j > run && known_commands().count(answer.substr(run, j - run));
    s.append(doubled_command ? 1 : run - i, '\\');
    i = run - 1;
  }
  static const std::pair<std::string_view, std::string_view> replacements[] = {
      {"\\left.", ""}, {"\\right.", ""}, {"\\left", ""}, {"\\right", ""}, {"\\bigl", ""}, {"\\bigr", ""},
      {"\\Bigl", ""}, {"\\Bigr", ""}, {"\\big", ""}, {"\\Big", ""}, {"\\displaystyle", ""}, {"\\limits", ""}, {"\\nolimits", ""}, {"\\textstyle", ""},
      {"{,}", ""}, {"\\$", ""}, {"$", ""}, {"\\%", "%"}, {"\\,", " "}, {"\\;", " "}, {"\\:", " "},
      {"\\ ", " "}, {"\\qquad", " "}, {"\\quad", " "}, {"~", " "}, {"\\dfrac", "\\frac"},
      {"\\tfrac", "\\frac"}, {"\\cfrac", "\\frac"}, {"\\dbinom", "\\binom"}, {"\\tbinom", "\\binom"},
      {"^{\\circ}", ""}, {"^\\circ", ""}, {"\\circ", ""}, {"\xC2\xB0", ""},            // degree sign
      {"\xE2\x82\xAC", ""}, {"\xC2\xA3", ""}, {"\xC2\xA5", ""},                        // euro pound yen
      {"\xC2\xB2", "^2"}, {"\xC2\xB3", "^3"}, {"\xE2\x88\x92", "-"}, {"\xC3\x97", "\\times "},
      {"\xC2\xB7", "\\cdot "}, {"\xE2\x89\xA4", "\\le "}, {"\xE2\x89\xA5", "\\ge "}, {"\xE2\x89\xA0", "\\ne "},
      {"\xE2\x88\x9A", "\\sqrt"}, {"\xCF\x80", "\\pi "}, {"\xE2\x88\x9E", "\\infty "}, {"\xC2\xA0", " "},
      {"\\lvert", "|"}, {"\\rvert", "|"}, {"\\vert", "|"}, {"\\mid", "|"}, {"\\lbrace", "\\{"}, {"\\rbrace", "\\}"},
      {"\\bigg", ""}, {"\\Bigg", ""}, {"np.", ""}, {"math.", ""},
      // Greek letters written as characters.
      {"\xCE\xB1", "\\alpha "}, {"\xCE\xB2", "\\beta "}, {"\xCE\xB3", "\\gamma "}, {"\xCE\xB4", "\\delta "},
      {"\xCE\xB8", "\\theta "}, {"\xCE\xBB", "\\lambda "}, {"\xCE\xBC", "\\mu "}, {"\xCF\x83", "\\sigma "},
      {"\xCF\x86", "\\phi "}, {"\xCF\x89", "\\omega "}, {"\xCE\xB5", "\\epsilon "}};
  // "{ , }" with spaces is a thousands separator too.
  for (size_t pos = 0; (pos = s.find('{', pos)) != std::string::npos; ++pos) {
    size_t j = pos + 1;
    while (j < s.size() && s[j] == ' ') ++j;
    if (j >= s.size() || s[j] != ',') continue;
    ++j;
    while (j < s.size() && s[j] == ' ') ++j;
    if (j < s.size() && s[j] == '}') {
      size_t before = pos;
      while (before > 0 && s[before - 1] == ' ') --before;
      size_t after = j + 1;
      while (after < s.size() && s[after] == ' ') ++after;
      s.replace(before, after - before, "");
      pos = before;
    }
  }
  // "frac13", "frac{1}{3}" written without the backslash.
  for (size_t pos = 0; (pos = s.find("frac", pos)) != std::string::npos; pos += 4) {
    bool command = pos > 0 && (s[pos - 1] == '\\' || is_letter(s[pos - 1]));
    if (!command && pos + 4 < s.size() && (is_digit(s[pos + 4]) || s[pos + 4] == '{')) {
      s.insert(pos, 1, '\\');
      ++pos;
    }
  }
  // Row breaks "\\" are kept apart from the one-backslash commands below.
  replace_all(s, "\\\\", "\x01");
  for (const auto& [from, to] : replacements) replace_all(s, from, to);
  replace_all(s, "\x01", "\\\\");
  // "\!" and the spaces after it join digit groups: 11,\! 111 -> 11,111.
  for (size_t pos; (pos = s.find("\\!")) != std::string::npos;) {
    size_t end = pos + 2;
    while (end < s.size() && is_space(s[end])) ++end;
    s.erase(pos, end - pos);
  }
  // Trim, and drop sentence punctuation at the end.
  size_t b = 0, e = s.size();
  while (b < e && is_space(s[b])) ++b;
  while (e > b && (is_space(s[e - 1]) || s[e - 1] == '.' || (s[e - 1] == ',' && e - 1 > b))) --e;
  return s.substr(b, e - b);
}

namespace {

struct ParseError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

const std::set<std::string, std::less<>>& function_names() {
  static const std::set<std::string, std::less<>> names = {
      "sin", "cos", "tan", "sec", "csc", "cot", "arcsin", "arccos", "arctan", "asin", "acos", "atan",
      "sinh", "cosh", "tanh", "log", "ln", "lg", "exp", "sqrt", "abs", "floor", "ceil", "arcsec", "arccsc", "arccot"};
  return names;
}

const std::set<std::string, std::less<>>& unit_words() {
  static const std::set<std::string, std::less<>> names = {
      "cm", "mm", "km", "kg", "ft", "mi", "ml", "hr", "hrs", "lb", "lbs", "oz", "mph", "kmh", "sq", "yd", "yds", "mg",
      "cc", "gal", "qt", "pt", "am", "pm", "th", "st", "nd", "rd", "rs", "usd", "cents", "dollars", "units"};
  return names;
}

bool is_percent_word(std::string_view w) { return w == "percent" || w == "percentage" || w == "pct"; }

class Parser {
 public:
  Parser(std::string_view s, const ParseOptions& opt) : s_(s), opt_(opt) {}

  ExprPtr parse_all() {
    ExprPtr e = parse_list(/*closers=*/"");
    skip_ws();
    if (pos_ < s_.size()) fail("unexpected '" + std::string(s_.substr(pos_, 12)) + "'");
    if (!e) fail("empty answer");
    return e;
  }

 private:
  std::string_view s_;
  size_t pos_ = 0;
  const ParseOptions& opt_;
  size_t depth_ = 0;
  size_t nodes_ = 0;
  bool in_set_head_ = false;  // parsing "x" of \{x \mid ...\}: ':' ends it
  size_t bound_index_ = 0;    // names of summation indices: #0, #1, ...

  [[noreturn]] void fail(const std::string& why) { throw ParseError(why); }

  struct DepthGuard {
    Parser& p;
    explicit DepthGuard(Parser& parser) : p(parser) {
      if (++p.depth_ > p.opt_.budget.max_depth) throw BudgetExceeded("nesting deeper than " + std::to_string(p.opt_.budget.max_depth));
    }
    ~DepthGuard() { --p.depth_; }
  };

  ExprPtr count(ExprPtr e) {
    if (++nodes_ > opt_.budget.max_nodes) throw BudgetExceeded("more than " + std::to_string(opt_.budget.max_nodes) + " nodes");
    return e;
  }

  void skip_ws() {
    while (pos_ < s_.size() && is_space(s_[pos_])) ++pos_;
  }
  bool at_end() {
    skip_ws();
    return pos_ >= s_.size();
  }
  char peek() {
    skip_ws();
    return pos_ < s_.size() ? s_[pos_] : '\0';
  }
  char peek_at(size_t offset) const { return pos_ + offset < s_.size() ? s_[pos_ + offset] : '\0'; }
  bool starts(std::string_view t) {
    skip_ws();
    return s_.substr(pos_, t.size()) == t;
  }
  // The command name at the cursor ("frac" for "\frac"), without consuming.
  std::string_view peek_command() {
    skip_ws();
    if (pos_ >= s_.size() || s_[pos_] != '\\') return {};
    size_t j = pos_ + 1;
    while (j < s_.size() && is_letter(s_[j])) ++j;
    if (j == pos_ + 1 && j < s_.size()) return s_.substr(pos_ + 1, 1);  // \{ \} \\ ...
    return s_.substr(pos_ + 1, j - pos_ - 1);
  }
  bool command_is(std::string_view name) { return peek_command() == name; }
  void eat_command() {
    auto name = peek_command();
    pos_ += 1 + name.size();
  }
  bool eat(std::string_view t) {
    if (!starts(t)) return false;
    // A command must not continue with letters: "\in" must not match "\infty".
    if (t.size() > 1 && t[0] == '\\' && is_letter(t.back()) && pos_ + t.size() < s_.size() && is_letter(s_[pos_ + t.size()]))
      return false;
    pos_ += t.size();
    return true;
  }
  void expect(std::string_view t) {
    if (!eat(t)) fail("expected '" + std::string(t) + "'");
  }
  // The word of letters at the cursor, without consuming.
  std::string_view peek_word() {
    skip_ws();
    size_t j = pos_;
    while (j < s_.size() && is_letter(s_[j])) ++j;
    return s_.substr(pos_, j - pos_);
  }
  // Raw text of a {...} group (brace-matched) at the cursor.
  std::string read_raw_group() {
    skip_ws();
    if (pos_ >= s_.size() || s_[pos_] != '{') fail("expected '{'");
    int level = 0;
    size_t start = pos_ + 1;
    for (; pos_ < s_.size(); ++pos_) {
      if (s_[pos_] == '\\') {
        ++pos_;
        continue;
      }
      if (s_[pos_] == '{') ++level;
      else if (s_[pos_] == '}' && --level == 0) {
        ++pos_;
        return std::string(s_.substr(start, pos_ - 1 - start));
      }
    }
    fail("unbalanced '{'");
  }

  // A joining word at the cursor: "and", "or", \text{ and }, \text{, or }, \lor, \land.
  bool eat_joining_word() {
    auto w = peek_word();
    if (w == "and" || w == "or") {
      pos_ += w.size();
      return true;
    }
    if (eat("\\lor") || eat("\\land") || eat("\\vee") || eat("\\wedge")) return true;
    for (std::string_view cmd : {"\\text", "\\mbox", "\\textnormal", "\\textbf", "\\mathrm", "\\textit"}) {
      if (starts(cmd) && s_.substr(pos_ + cmd.size(), 1) == "{") {
        size_t save = pos_;
        pos_ += cmd.size();
        std::string word = lower(read_raw_group());
        word.erase(std::remove_if(word.begin(), word.end(), [](char c) { return is_space(c); }), word.end());
        if (word == "and" || word == "or" || word == "," || word == ",and" || word == ",or" || word == ";") return true;
        pos_ = save;
      }
    }
    return false;
  }

  // The separator at the cursor that ends a list element: ',' for a comma or a joining
  // word ("2, 7, and 9", "x=1 \text{ or } x=-1"), ';' for a semicolon, 0 for none.
  char eat_separator() {
    char kind = 0;
    if (eat(",")) kind = ',';
    else if (eat(";")) kind = ';';
    if (eat_joining_word()) return kind ? kind : ',';
    return kind;
  }

  bool at_closer(std::string_view closers) {
    skip_ws();
    if (pos_ >= s_.size()) return true;
    char c = s_[pos_];
    if (c == '&') return true;
    if (starts("\\\\") || starts("\\end") || starts("\\}") || starts("\\rfloor") || starts("\\rceil")) return true;
    return closers.find(c) != std::string_view::npos;
  }

  // list := relation ((, ; and or) relation)*
  ExprPtr parse_list(std::string_view closers) {
    DepthGuard guard(*this);
    std::vector<ExprPtr> items;
    std::vector<char> separators;  // separators[k] follows items[k]
    while (!at_closer(closers)) {
      items.push_back(parse_relation(closers));
      if (items.size() > opt_.budget.max_elements) throw BudgetExceeded("more than " + std::to_string(opt_.budget.max_elements) + " elements");
      char sep = eat_separator();
      if (!sep) break;
      separators.push_back(sep);
    }
    if (items.empty()) return nullptr;
    if (items.size() == 1) return items[0];
    bool commas = std::count(separators.begin(), separators.end(), ',') > 0;
    bool semicolons = std::count(separators.begin(), separators.end(), ';') > 0;
    if (commas && semicolons) {
      // "a=1, b=2; a=3, b=4": semicolons part solutions, commas part one solution's values.
      std::vector<ExprPtr> groups, group;
      for (size_t k = 0; k < items.size(); ++k) {
        group.push_back(items[k]);
        if (k >= separators.size() || separators[k] == ';') {
          groups.push_back(group.size() == 1 ? group[0] : count(make_node(Kind::List, group)));
          group.clear();
        }
      }
      if (!group.empty()) groups.push_back(group.size() == 1 ? group[0] : count(make_node(Kind::List, group)));
      if (groups.size() == 1) return groups[0];
      return count(make_node(Kind::List, std::move(groups)));
    }
    return count(make_node(Kind::List, std::move(items)));
  }

  bool eat_relop(RelOp& op) {
    skip_ws();
    static const std::pair<std::string_view, RelOp> table[] = {
        {"<=", RelOp::Le}, {">=", RelOp::Ge}, {"!=", RelOp::Ne}, {"=<", RelOp::Le}, {"=>", RelOp::Ge},
        {"\\leqslant", RelOp::Le}, {"\\geqslant", RelOp::Ge}, {"\\leq", RelOp::Le}, {"\\geq", RelOp::Ge},
        {"\\le", RelOp::Le}, {"\\ge", RelOp::Ge}, {"\\neq", RelOp::Ne}, {"\\ne", RelOp::Ne}, {"\\lt", RelOp::Lt},
        {"\\gt", RelOp::Gt}, {"\\in", RelOp::In}, {"\\approx", RelOp::Approx}, {"\\equiv", RelOp::Eq},
        {"=", RelOp::Eq}, {"<", RelOp::Lt}, {">", RelOp::Gt}};
    for (const auto& [text, value] : table) {
      if (eat(text)) {
        op = value;
        return true;
      }
    }
    if (peek_word() == "in") {
      pos_ += 2;
      op = RelOp::In;
      return true;
    }
    return false;
  }

  // relation := union (relop union)*
  ExprPtr parse_relation(std::string_view closers) {
    DepthGuard guard(*this);
    std::vector<ExprPtr> terms{parse_union(closers)};
    std::vector<RelOp> ops;
    RelOp op;
    while (eat_relop(op)) {
      ops.push_back(op);
      terms.push_back(parse_union(closers));
    }
    if (ops.empty()) return terms[0];
    return count(make_relation(std::move(terms), std::move(ops)));
  }

  // union := additive (\cup additive)*
  ExprPtr parse_union(std::string_view closers) {
    std::vector<ExprPtr> parts{parse_additive(closers)};
    while (eat("\\cup")) parts.push_back(parse_additive(closers));
    if (parts.size() == 1) return parts[0];
    return count(make_node(Kind::Union, std::move(parts)));
  }

  // additive := [+-±] term ((+ - ± ∓) term)*
  ExprPtr parse_additive(std::string_view closers) {
    DepthGuard guard(*this);
    std::vector<ExprPtr> terms;
    ExprPtr pm_term;
    auto add_signed = [&](int sign) {
      ExprPtr t = parse_term(closers);
      terms.push_back(sign < 0 ? count(make_neg(t)) : t);
    };
    if (eat("\\pm") || eat("+-") || eat("\\mp")) {
      pm_term = parse_term(closers);
    } else if (eat("-")) {
      add_signed(-1);
    } else {
      eat("+");
      add_signed(1);
    }
    while (true) {
      if (eat("\\pm") || eat("+-") || eat("\\mp")) {
        if (pm_term) fail("more than one \\pm");
        pm_term = parse_term(closers);
      } else if (eat("+")) {
        add_signed(1);
      } else if (peek() == '-' && peek_at(1) != '>') {
        ++pos_;
        add_signed(-1);
      } else {
        break;
      }
    }
    ExprPtr sum = terms.empty() ? count(make_number(0)) : count(make_node(Kind::Add, std::move(terms)));
    if (pm_term) return count(make_node(Kind::PlusMinus, {sum, pm_term}));
    return sum;
  }

  bool starts_factor() {
    skip_ws();
    if (pos_ >= s_.size()) return false;
    char c = s_[pos_];
    if (is_digit(c) || c == '(' || c == '{' || c == '[') return true;
    if (c == '.' && is_digit(peek_at(1))) return true;
    if (is_letter(c)) {
      auto w = peek_word();
      return w != "and" && w != "or" && w != "in";
    }
    if (c == '\\') {
      auto cmd = peek_command();
      static const std::set<std::string_view> not_factor = {
          "cdot", "times", "div", "pm", "mp", "le", "leq", "ge", "geq", "lt", "gt", "ne", "neq", "in", "approx",
          "cup", "end", "}", "\\", "rfloor", "rceil", "equiv", "leqslant", "geqslant", "text", "mbox", "textnormal",
          "textbf", "lor", "land", "vee", "wedge", "colon", "mid"};
      if ((cmd == "text" || cmd == "mbox" || cmd == "textnormal" || cmd == "textbf") && text_constant_follows()) return true;
      if (cmd.empty() || not_factor.count(cmd)) {
        // \text{...} continues a product only when it holds a unit, which parse_postfix drops.
        return false;
      }
      return true;
    }
    return false;
  }

  // \begin{aligned} ... \end{aligned}: a derivation whose answer is its last statement.
  // Rows that continue the previous one (starting with a relation, or after a comma or
  // an operator) are joined to it: "x & = 2 + 3 \\ & = 5" is the chain x = 2 + 3 = 5.
  ExprPtr parse_derivation(const std::string& env) {
    std::string end = "\\end{" + env + "}";
    size_t close = s_.find(end, pos_);
    if (close == std::string_view::npos) fail("unterminated " + env);
    std::string body(s_.substr(pos_, close - pos_));
    pos_ = close + end.size();
    std::vector<std::string> rows;
    for (size_t start = 0;;) {
      size_t brk = body.find("\\\\", start);
      std::string row = body.substr(start, brk == std::string::npos ? std::string::npos : brk - start);
      row.erase(std::remove(row.begin(), row.end(), '&'), row.end());
      size_t b = row.find_first_not_of(" \t\n\r"), e = row.find_last_not_of(" \t\n\r.");
      if (b != std::string::npos && e != std::string::npos && e >= b) rows.push_back(row.substr(b, e - b + 1));
      if (brk == std::string::npos) break;
      start = brk + 2;
    }
    if (rows.empty()) fail("empty " + env);
    auto continues = [](const std::string& prev, const std::string& next) {
      for (std::string_view op : {"=", "<", ">", "\\le", "\\ge", "\\approx", "\\ne", "+", "-", "\\cdot", "\\times"})
        if (next.rfind(op, 0) == 0) return true;
      char last = prev.back();
      return last == ',' || last == '=' || last == '+' || last == '-' || last == '(';
    };
    std::string statement = rows[0];
    for (size_t k = 1; k < rows.size(); ++k) {
      if (continues(statement, rows[k])) statement += " " + rows[k];
      else statement = rows[k];
    }
    Parser inner(statement, opt_);
    inner.depth_ = depth_;
    ExprPtr e = inner.parse_all();
    nodes_ += inner.nodes_;
    return count(e);
  }

  // A {group} at the cursor with two digits separated only by spaces: "{2 7}", "{9 . 5}".
  bool spaced_digits_follow() {
    skip_ws();
    if (peek() != '{') return false;
    size_t save = pos_;
    std::string content = read_raw_group();
    pos_ = save;
    for (size_t k = 0; k + 2 < content.size(); ++k) {
      if (!(is_digit(content[k]) || content[k] == '.') || !is_space(content[k + 1])) continue;
      size_t j = k + 1;
      while (j < content.size() && is_space(content[j])) ++j;
      if (j < content.size() && (is_digit(content[j]) || content[j] == '.')) return true;
    }
    return false;
  }

  // \text{pi}, \text{e}: a constant written in text, which multiplies like \pi.
  bool text_constant_follows() {
    size_t save = pos_;
    eat_command();
    skip_ws();
    bool constant = false;
    if (peek() == '{') {
      std::string content = read_raw_group();
      content.erase(std::remove_if(content.begin(), content.end(), [](char c) { return is_space(c); }), content.end());
      constant = content == "pi" || content == "\\pi" || content == "e";
    }
    pos_ = save;
    return constant;
  }

  // term := unary ((* / \cdot \times \div | implicit) unary)*
  ExprPtr parse_term(std::string_view closers) {
    DepthGuard guard(*this);
    std::vector<ExprPtr> factors{parse_unary(closers)};
    while (true) {
      if (eat("*") || eat("\\cdot") || eat("\\times")) {
        factors.push_back(parse_unary(closers));
      } else if (!in_set_head_ && (eat_ratio_colon() || eat("\\colon"))) {
        // A ratio 3:5 is the quotient 3/5.
        factors.push_back(count(make_node(Kind::Pow, {parse_unary(closers), count(make_number(-1))})));
      } else if (eat("/") || eat("\\div")) {
        factors.push_back(count(make_node(Kind::Pow, {parse_unary(closers), count(make_number(-1))})));
      } else if (starts_factor()) {
        bool mixed_number_possible = factors.size() == 1 && factors[0]->kind == Kind::Number && !factors[0]->decimal &&
                                     factors[0]->number > 0 && factors[0]->number.get_den() == 1 && starts("\\frac");
        ExprPtr next = parse_power(closers);
        if (mixed_number_possible && is_numeric_fraction(*next)) {
          // 2\frac{1}{2} is the mixed number 2 + 1/2.
          factors[0] = count(make_node(Kind::Add, {factors[0], next}));
          continue;
        }
        factors.push_back(next);
      } else {
        break;
      }
    }
    // A number divided by a number stays one exact rational node.
    return count(make_node(Kind::Mul, std::move(factors)));
  }

  // ':' between two operands (not ":=").
  bool eat_ratio_colon() {
    skip_ws();
    if (pos_ < s_.size() && s_[pos_] == ':' && peek_at(1) != '=') {
      ++pos_;
      return true;
    }
    return false;
  }

  // a/b with a and b integer literals, as \frac{a}{b} parses.
  static bool is_numeric_fraction(const Expr& e) {
    if (e.kind != Kind::Mul || e.args.size() != 2) return false;
    const Expr& num = *e.args[0];
    const Expr& inv = *e.args[1];
    return num.kind == Kind::Number && num.number > 0 && inv.kind == Kind::Pow && inv.args[0]->kind == Kind::Number &&
           inv.args[0]->number > 0 && inv.args[1]->kind == Kind::Number && inv.args[1]->number == -1;
  }

  ExprPtr parse_unary(std::string_view closers) {
    DepthGuard guard(*this);
    if (eat("-")) return count(make_neg(parse_unary(closers)));
    if (eat("+")) return parse_unary(closers);
    return parse_power(closers);
  }

  // The argument of ^ or _: a {group}, a number, a letter or one command.
  ExprPtr parse_script_argument() {
    skip_ws();
    if (peek() == '{') {
      ++pos_;
      ExprPtr e = parse_list("}");
      expect("}");
      if (!e) fail("empty exponent");
      return e;
    }
    if (eat("-")) return count(make_neg(parse_script_argument()));
    char c = peek();
    if (is_digit(c)) return parse_number();
    if (is_letter(c)) {
      ++pos_;
      return single_letter(s_[pos_ - 1]);
    }
    return parse_atom("");
  }

  // power := postfix (^ argument)*, right associative
  ExprPtr parse_power(std::string_view closers) {
    DepthGuard guard(*this);
    ExprPtr base = parse_postfix(closers);
    if (eat("^") || eat("**")) {
      if (starts("\\prime")) fail("derivatives are not supported");
      ExprPtr exponent = parse_script_argument_with_power();
      return count(make_node(Kind::Pow, {base, exponent}));
    }
    return base;
  }
  ExprPtr parse_script_argument_with_power() {
    ExprPtr e = parse_script_argument();
    if (eat("^")) return count(make_node(Kind::Pow, {e, parse_script_argument_with_power()}));
    return e;
  }

  ExprPtr parse_postfix(std::string_view closers) {
    ExprPtr e = parse_atom(closers);
    while (true) {
      skip_ws();
      if (pos_ < s_.size() && s_[pos_] == '!' && peek_at(1) != '=') {
        ++pos_;
        e = count(make_node(Kind::Factorial, {e}));
      } else if (pos_ < s_.size() && s_[pos_] == '%') {
        ++pos_;
        e = apply_percent(e);
      } else if (pos_ < s_.size() && s_[pos_] == '_') {
        ++pos_;
        std::string sub;
        if (peek() == '{') sub = read_raw_group();
        else if (pos_ < s_.size()) sub = std::string(1, s_[pos_++]);
        // 204_5 (a numeral in base 5) and x_1 (an indexed name) become names.
        e = count(make_symbol(to_string(*e) + "_" + sub));
      } else if (is_percent_word(lower(peek_word()))) {
        pos_ += peek_word().size();
        e = apply_percent(e);
      } else if (is_letter(peek()) && unit_words().count(lower(peek_word()))) {
        pos_ += peek_word().size();
        skip_unit_power();
      } else if (is_letter(peek()) && peek_word().size() >= 3 && !function_names().count(lower(peek_word())) &&
                 !is_reserved_word(lower(peek_word()))) {
        // A word after a value is a unit or a remark ("35 apples"): dropped.
        pos_ += peek_word().size();
        skip_unit_power();
      } else if (text_unit_follows()) {
        // handled inside text_unit_follows
      } else {
        break;
      }
    }
    return e;
  }

  static bool is_reserved_word(const std::string& w) {
    return w == "pi" || w == "inf" || w == "infty" || w == "infinity" || w == "and" || w == "or";
  }

  ExprPtr apply_percent(ExprPtr e) {
    if (opt_.percent == PercentPolicy::Strip) return e;
    return count(make_node(Kind::Mul, {e, count(make_number(mpq_class(1, 100)))}));
  }

  void skip_unit_power() {
    skip_ws();
    if (pos_ < s_.size() && s_[pos_] == '^') {
      size_t save = pos_;
      ++pos_;
      skip_ws();
      if (peek() == '{') read_raw_group();
      else if (is_digit(peek())) ++pos_;
      else pos_ = save;
    }
  }

  // \text{ cm}, \mbox{ miles}: a unit after a value is dropped (with its power).
  bool text_unit_follows() {
    for (std::string_view cmd : {"\\text", "\\mbox", "\\textnormal", "\\textbf", "\\mathrm", "\\textit"}) {
      skip_ws();
      size_t start = pos_;
      if (!eat(cmd)) continue;
      skip_ws();
      if (peek() != '{') fail("expected '{' after text command");
      std::string word = lower(read_raw_group());
      std::string bare;
      for (char c : word)
        if (!is_space(c)) bare += c;
      if (bare == "and" || bare == "or" || bare == "," || bare == ",and" || bare == ",or" || bare == ";" || bare == "pi" ||
          bare == "\\pi" || (bare == "e" && word == "e")) {
        pos_ = start;  // a separator: the list level handles it
        return false;
      }
      if (is_percent_word(bare) || bare == "%") {
        // the caller's value is a percentage; Strip policy drops it
      }
      skip_unit_power();
      return true;
    }
    return false;
  }

  ExprPtr single_letter(char c) {
    if (c == 'e') return count(make_constant("e"));
    if (c == 'i') return count(make_constant("i"));
    return count(make_symbol(std::string(1, c)));
  }

  ExprPtr parse_number() {
    skip_ws();
    size_t start = pos_;
    std::string digits;
    auto read_digits = [&] {
      size_t b = pos_;
      while (pos_ < s_.size() && is_digit(s_[pos_])) ++pos_;
      return std::string(s_.substr(b, pos_ - b));
    };
    std::string int_part = read_digits();
    // Thousands groups: 1,000,000 or 1 000 000 (a first group of 1-3 digits, then groups of 3).
    if (!int_part.empty() && int_part.size() <= 3) {
      for (char sep : {',', ' '}) {
        std::string merged = int_part;
        size_t p = pos_;
        int groups = 0;
        while (p + 3 < s_.size() + 1 && p < s_.size() && s_[p] == sep && p + 3 < s_.size() + 1 &&
               is_digit(s_[p + 1]) && is_digit(s_[p + 2]) && is_digit(s_[p + 3]) &&
               (p + 4 >= s_.size() || !is_digit(s_[p + 4]))) {
          merged += std::string(s_.substr(p + 1, 3));
          p += 4;
          ++groups;
        }
        if (groups > 0) {
          int_part = merged;
          pos_ = p;
          break;
        }
      }
    }
    std::string frac_part;
    bool decimal = false;
    if (pos_ < s_.size() && s_[pos_] == '.' && pos_ + 1 < s_.size() && is_digit(s_[pos_ + 1])) {
      ++pos_;
      frac_part = read_digits();
      decimal = true;
    } else if (!int_part.empty() && pos_ + 1 < s_.size() && s_[pos_] == '.' && !is_space(s_[pos_ + 1])) {
      ++pos_;  // "1./3": a number written with a bare decimal point
      decimal = true;
    }
    if (int_part.empty() && frac_part.empty()) fail("expected a number at '" + std::string(s_.substr(start, 10)) + "'");
    if (int_part.size() + frac_part.size() > 2000) throw BudgetExceeded("number literal longer than 2000 digits");
    mpz_class num(int_part.empty() ? std::string("0") : int_part + frac_part, 10);
    if (int_part.empty()) num = mpz_class(frac_part, 10);
    else if (!frac_part.empty()) num = mpz_class(int_part + frac_part, 10);
    mpz_class den = 1;
    for (size_t k = 0; k < frac_part.size(); ++k) den *= 10;
    mpq_class value(num, den);
    // Scientific notation written as 1.5e-3 or 2E5.
    if (pos_ + 1 < s_.size() && (s_[pos_] == 'e' || s_[pos_] == 'E')) {
      size_t p = pos_ + 1;
      int sign = 1;
      if (s_[p] == '-' || s_[p] == '+') {
        sign = s_[p] == '-' ? -1 : 1;
        ++p;
      }
      size_t b = p;
      while (p < s_.size() && is_digit(s_[p])) ++p;
      if (p > b && p - b <= 4 && (p >= s_.size() || !is_letter(s_[p]))) {
        long exponent = std::stol(std::string(s_.substr(b, p - b)));
        if (exponent > 4000) throw BudgetExceeded("scientific exponent above 4000");
        mpz_class scale;
        mpz_ui_pow_ui(scale.get_mpz_t(), 10, static_cast<unsigned long>(exponent));
        if (sign > 0) value *= scale;
        else value /= scale;
        decimal = true;
        pos_ = p;
      }
    }
    return count(make_number(value, decimal));
  }

  // The argument of \frac or \sqrt: a {group}, or one character / command.
  ExprPtr parse_macro_argument() {
    skip_ws();
    if (peek() == '{') {
      ++pos_;
      ExprPtr e = parse_list("}");
      expect("}");
      if (!e) fail("empty argument");
      return e;
    }
    char c = peek();
    if (is_digit(c)) {
      ++pos_;
      return count(make_number(c - '0'));
    }
    if (is_letter(c)) {
      ++pos_;
      return single_letter(c);
    }
    if (c == '\\') return parse_atom("");
    fail("expected an argument");
  }

  ExprPtr parse_group(char open, std::string_view closers) {
    // ( ... ) and [ ... ]: grouping, tuple or interval depending on content and closer.
    ++pos_;
    ExprPtr inner = parse_list(closers);
    skip_ws();
    if (pos_ >= s_.size()) fail(std::string("unbalanced '") + open + "'");
    char close = s_[pos_];
    if (close != ')' && close != ']') fail(std::string("unbalanced '") + open + "'");
    ++pos_;
    if (!inner) fail("empty brackets");
    if (inner->kind != Kind::List) {
      return inner;  // grouping: (x), [x]
    }
    if (inner->args.size() == 2 && !(open == '(' && close == ')')) {
      return count(make_interval(inner->args[0], inner->args[1], open == '[', close == ']'));
    }
    auto t = std::make_shared<Expr>(*inner);
    t->kind = Kind::Tuple;
    return count(t);
  }

  ExprPtr parse_matrix(const std::string& env) {
    if (env == "array") read_raw_group();  // column specification {cc}
    std::vector<ExprPtr> cells;
    size_t cols = 0, rows = 0, in_row = 0;
    while (true) {
      skip_ws();
      if (starts("\\end")) break;
      if (pos_ >= s_.size()) fail("unterminated matrix");
      ExprPtr cell = parse_list("");
      if (!cell) fail("empty matrix cell");
      cells.push_back(cell);
      if (cells.size() > opt_.budget.max_elements) throw BudgetExceeded("matrix larger than the budget");
      ++in_row;
      if (eat("&")) continue;
      bool row_end = eat("\\\\");
      if (rows == 0) cols = in_row;
      else if (in_row != cols) fail("matrix rows of different lengths");
      ++rows;
      in_row = 0;
      if (!row_end) break;
      skip_ws();
      if (starts("\\end")) break;
    }
    if (in_row != 0) fail("matrix rows of different lengths");
    expect("\\end");
    std::string end_env = read_raw_group();
    if (end_env != env) fail("\\begin{" + env + "} ended by \\end{" + end_env + "}");
    if (cells.empty()) fail("empty matrix");
    return count(make_matrix(std::move(cells), rows, cols));
  }

  ExprPtr parse_function(std::string name) {
    static const std::pair<std::string_view, std::string_view> aliases[] = {
        {"asin", "arcsin"}, {"acos", "arccos"}, {"atan", "arctan"}, {"lg", "log10"}};
    for (const auto& [from, to] : aliases)
      if (name == from) name = std::string(to);
    ExprPtr base_of_log;
    ExprPtr power;
    if (name == "log" && eat("_")) base_of_log = parse_script_argument();
    if (eat("^")) {
      ExprPtr p = parse_script_argument();
      if (p->kind == Kind::Number && p->number == -1 &&
          (name == "sin" || name == "cos" || name == "tan" || name == "sec" || name == "csc" || name == "cot")) {
        name = "arc" + name;
      } else {
        power = p;
      }
    }
    ExprPtr arg;
    if (peek() == '(') {
      ++pos_;
      arg = parse_list(")");
      expect(")");
      if (!arg) fail("empty function argument");
    } else if (peek() == '{') {
      ++pos_;
      arg = parse_list("}");
      expect("}");
      if (!arg) fail("empty function argument");
    } else {
      arg = parse_power("");
    }
    ExprPtr call;
    if (name == "sqrt") call = count(make_node(Kind::Pow, {arg, count(make_number(mpq_class(1, 2)))}));
    else if (name == "exp") call = count(make_node(Kind::Pow, {count(make_constant("e")), arg}));
    else if (base_of_log) call = count(make_node(Kind::Func, {arg, base_of_log}, "log"));
    else call = count(make_node(Kind::Func, {arg}, name == "log10" ? "log10" : name));
    if (power) call = count(make_node(Kind::Pow, {call, power}));
    return call;
  }

  ExprPtr parse_command(std::string_view closers) {
    std::string cmd(peek_command());
    eat_command();
    if (cmd == "frac") {
      ExprPtr num = parse_macro_argument();
      ExprPtr den = parse_macro_argument();
      return count(make_node(Kind::Mul, {num, count(make_node(Kind::Pow, {den, count(make_number(-1))}))}));
    }
    if (cmd == "sqrt") {
      ExprPtr index;
      if (peek() == '[') {
        ++pos_;
        index = parse_list("]");
        expect("]");
        if (!index) fail("empty root index");
      }
      ExprPtr radicand = parse_macro_argument();
      ExprPtr exponent = !index ? count(make_number(mpq_class(1, 2)))
                         : index->kind == Kind::Number && index->number != 0
                             ? count(make_number(1 / index->number))
                             : count(make_node(Kind::Pow, {index, count(make_number(-1))}));
      return count(make_node(Kind::Pow, {radicand, exponent}));
    }
    if (cmd == "binom" || cmd == "choose") {
      ExprPtr n = parse_macro_argument();
      ExprPtr k = parse_macro_argument();
      return count(make_node(Kind::Func, {n, k}, "binom"));
    }
    if ((cmd == "mathbf" || cmd == "boldsymbol" || cmd == "bm") && spaced_digits_follow()) {
      // \mathbf{1 0 2 0}: bold answers typeset digit by digit are one number.
      std::string content = read_raw_group();
      std::string joined;
      for (size_t k = 0; k < content.size(); ++k) {
        if (is_space(content[k]) && !joined.empty() && (is_digit(joined.back()) || joined.back() == '.' || joined.back() == '-') &&
            k + 1 < content.size() && (is_digit(content[k + 1]) || content[k + 1] == '.'))
          continue;
        joined += content[k];
      }
      // "1 0 2 , 0 1 8" is 102,018 and a closing period "1 1 ." ends the sentence.
      for (size_t k; (k = joined.find(" , ")) != std::string::npos;) joined.replace(k, 3, ",");
      while (!joined.empty() && (joined.back() == '.' || is_space(joined.back()))) joined.pop_back();
      Parser inner(joined, opt_);
      inner.depth_ = depth_;
      ExprPtr e = inner.parse_all();
      nodes_ += inner.nodes_;
      return e;
    }
    if (cmd == "boxed" || cmd == "fbox" || cmd == "mathbf" || cmd == "mathit" || cmd == "bm" || cmd == "overline" ||
        cmd == "vec" || cmd == "hat" || cmd == "bar" || cmd == "tilde" || cmd == "mathsf" || cmd == "boldsymbol") {
      return parse_macro_argument();
    }
    if (cmd == "text" || cmd == "textbf" || cmd == "mbox" || cmd == "textnormal" || cmd == "mathrm" || cmd == "textit" ||
        cmd == "operatorname") {
      std::string content = read_raw_group();
      std::string bare;
      for (char c : content)
        if (!is_space(c)) bare += c;
      if (function_names().count(lower(bare))) return parse_function(lower(bare));
      if (bare == "e") return count(make_constant("e"));
      if (bare == "i") return count(make_constant("i"));
      if (lower(bare) == "pi" || bare == "\\pi") return count(make_constant("pi"));
      if (!bare.empty() && std::all_of(bare.begin(), bare.end(), [](char c) { return is_digit(c) || c == '.'; })) {
        Parser inner(bare, opt_);
        return inner.parse_all();
      }
      if (bare.size() == 1 && is_letter(bare[0])) return count(make_symbol(bare));
      fail("text inside an expression");
    }
    if (cmd == "pi") return count(make_constant("pi"));
    if (cmd == "infty" || cmd == "infin") return count(make_constant("inf"));
    if (cmd == "emptyset" || cmd == "varnothing") return count(make_node(Kind::Set, {}));
    if (cmd == "{") {
      if (ExprPtr builder = try_set_builder()) return builder;
      ExprPtr inner = parse_list("");
      expect("\\}");
      if (!inner) return count(make_node(Kind::Set, {}));
      if (inner->kind == Kind::List) {
        auto set = std::make_shared<Expr>(*inner);
        set->kind = Kind::Set;
        return count(set);
      }
      return count(make_node(Kind::Set, {inner}));
    }
    if (cmd == "lfloor" || cmd == "lceil") {
      ExprPtr inner = parse_list("");
      expect(cmd == "lfloor" ? "\\rfloor" : "\\rceil");
      if (!inner) fail("empty floor/ceiling");
      return count(make_node(Kind::Func, {inner}, cmd == "lfloor" ? "floor" : "ceil"));
    }
    if (cmd == "begin") {
      std::string env = read_raw_group();
      static const std::set<std::string, std::less<>> matrices = {"pmatrix", "bmatrix", "matrix", "Bmatrix", "vmatrix",
                                                                  "smallmatrix", "array", "Vmatrix"};
      static const std::set<std::string, std::less<>> derivations = {"aligned", "align", "align*", "gathered", "gather",
                                                                     "gather*", "split", "eqnarray", "eqnarray*"};
      if (derivations.count(env)) return parse_derivation(env);
      if (!matrices.count(env)) fail("unsupported environment " + env);
      return parse_matrix(env);
    }
    if (function_names().count(cmd) || cmd == "arcsec" || cmd == "arccsc" || cmd == "arccot") return parse_function(cmd);
    if (cmd == "sum" || cmd == "prod") return parse_big_operator(cmd);
    static const std::set<std::string, std::less<>> unsupported = {"int", "lim", "cap", "setminus", "mid",
                                                                   "forall", "exists", "partial", "iint", "oint"};
    if (unsupported.count(cmd)) fail("\\" + cmd + " is not supported");
    if (cmd.empty() || !is_letter(cmd[0])) fail("unexpected '\\" + cmd + "'");
    (void)closers;
    return count(make_symbol(cmd));  // Greek letters and unknown commands are names
  }

  // \{x \mid x > 2\}, \{x : x < -1 \text{ or } x > 2\}: the set of values satisfying
  // the condition, kept as the condition marked `set_builder` (the comparer turns
  // inequalities in one variable into intervals). nullptr when there is no '|' or ':'.
  ExprPtr try_set_builder() {
    size_t save = pos_;
    size_t save_nodes = nodes_;
    ExprPtr head;
    in_set_head_ = true;
    try {
      head = parse_additive("|:");
    } catch (const ParseError&) {
      head = nullptr;
    }
    in_set_head_ = false;
    skip_ws();
    bool bar = pos_ < s_.size() && (s_[pos_] == '|' || s_[pos_] == ':');
    if (!head || !bar || head->kind != Kind::Symbol) {
      pos_ = save;
      nodes_ = save_nodes;
      return nullptr;
    }
    ++pos_;
    ExprPtr condition = parse_list("");
    expect("\\}");
    if (!condition) fail("empty set-builder condition");
    auto marked = std::make_shared<Expr>(*condition);
    marked->set_builder = true;
    marked->name = head->name;
    return count(marked);
  }

  // \sum_{k=1}^{n} body and \prod: the index is renamed to a bound name (#0, #1, ...)
  // so that sums differing only in the index letter are equal. Sums with number
  // bounds and at most 200 terms are written out; others stay one node
  // Func "sum"/"prod" (body, low, high), compared by value like an unknown function.
  ExprPtr parse_big_operator(const std::string& op) {
    std::string index;
    ExprPtr low, high;
    for (int k = 0; k < 2; ++k) {
      if (eat("_")) {
        skip_ws();
        std::string sub = peek() == '{' ? read_raw_group() : std::string(1, s_[pos_++]);
        size_t eq = sub.find('=');
        if (eq == std::string::npos) fail("\\" + op + " without a lower bound");
        index = sub.substr(0, eq);
        index.erase(std::remove_if(index.begin(), index.end(), [](char c) { return is_space(c); }), index.end());
        Parser inner(std::string_view(sub).substr(eq + 1), opt_);
        inner.depth_ = depth_;
        low = inner.parse_all();
        nodes_ += inner.nodes_;
      } else if (eat("^")) {
        high = parse_script_argument();
      }
    }
    if (index.empty() || !high || !low) fail("\\" + op + " needs an index with both bounds");
    if (index.size() != 1 || !is_letter(index[0])) fail("\\" + op + " index must be one letter");
    ExprPtr body = parse_term("");
    std::string bound = "#" + std::to_string(bound_index_++);
    body = rename_symbol(body, index, bound);
    bool number_bounds = low->kind == Kind::Number && high->kind == Kind::Number && low->number.get_den() == 1 &&
                         high->number.get_den() == 1 && high->number - low->number < 200 && high->number >= low->number;
    // Written out only when all its terms fit in the node budget: nested sums stay one node.
    if (number_bounds) {
      size_t term_count = mpz_class(high->number.get_num() - low->number.get_num() + 1).get_ui();
      size_t written = term_count * node_count(*body);
      if (nodes_ + written <= opt_.budget.max_nodes) {
        std::vector<ExprPtr> terms;
        for (mpz_class k = low->number.get_num(); k <= high->number.get_num(); ++k)
          terms.push_back(rename_symbol(body, bound, "", make_number(mpq_class(k))));
        nodes_ += written;
        return count(make_node(op == "sum" ? Kind::Add : Kind::Mul, std::move(terms)));
      }
    }
    return count(make_node(Kind::Func, {body, low, high}, op));
  }

  // Renames the symbol `from` (also as the subscript of an indexed name a_k) to `to`,
  // or replaces it by `value` when one is given (a_k with k = 2 becomes a_2).
  ExprPtr rename_symbol(const ExprPtr& e, const std::string& from, const std::string& to, const ExprPtr& value = nullptr) {
    steps_tick();
    if (e->kind == Kind::Symbol || (e->kind == Kind::Constant && (from == "e" || from == "i"))) {
      if (e->name == from) return value ? value : make_symbol(to);
      if (e->kind == Kind::Constant) return e;
      size_t bar = e->name.rfind('_');
      if (bar != std::string::npos && e->name.substr(bar + 1) == from)
        return make_symbol(e->name.substr(0, bar + 1) + (value ? to_string(*value) : to));
      return e;
    }
    if (e->args.empty()) return e;
    auto copy = std::make_shared<Expr>(*e);
    for (auto& a : copy->args) a = rename_symbol(a, from, to, value);
    return copy;
  }
  void steps_tick() {
    if (++renames_ > opt_.budget.max_steps) throw BudgetExceeded("more than " + std::to_string(opt_.budget.max_steps) + " steps");
  }
  size_t renames_ = 0;

  ExprPtr parse_atom(std::string_view closers) {
    DepthGuard guard(*this);
    skip_ws();
    if (pos_ >= s_.size()) fail("unexpected end of answer");
    char c = s_[pos_];
    if (is_digit(c) || (c == '.' && is_digit(peek_at(1)))) return parse_number();
    if (c == '(' || c == '[') return parse_group(c, ")]");
    if (c == '{') {
      ++pos_;
      ExprPtr inner = parse_list("}");
      expect("}");
      if (!inner) fail("empty braces");
      return inner;
    }
    if (c == '|') {
      ++pos_;
      ExprPtr inner = parse_additive("|");
      expect("|");
      return count(make_node(Kind::Func, {inner}, "abs"));
    }
    if (c == '\\') return parse_command(closers);
    if (is_letter(c)) {
      std::string word(peek_word());
      std::string lw = lower(word);
      if (word.size() == 1) {
        ++pos_;
        // f(x), g(x), h(x): applications of an unknown function.
        if ((c == 'f' || c == 'g' || c == 'h') && peek() == '(') {
          ++pos_;
          ExprPtr arg = parse_list(")");
          expect(")");
          if (!arg) fail("empty function argument");
          std::vector<ExprPtr> args = arg->kind == Kind::List ? arg->args : std::vector<ExprPtr>{arg};
          return count(make_node(Kind::Func, std::move(args), std::string(1, c)));
        }
        return single_letter(c);
      }
      pos_ += word.size();
      if (function_names().count(lw)) return parse_function(lw);
      if (lw == "pi") return count(make_constant("pi"));
      if (lw == "inf" || lw == "infty" || lw == "infinity" || lw == "oo") return count(make_constant("inf"));
      if (word.size() > 8) fail("word '" + word + "' inside an expression");
      // Short letter runs are products of one-letter names (LaTeX convention: xy = x*y).
      std::vector<ExprPtr> letters;
      for (char l : word) letters.push_back(single_letter(l));
      return count(make_node(Kind::Mul, std::move(letters)));
    }
    fail(std::string("unexpected '") + c + "'");
  }
};

// A whole answer made of words ("Evelyn", "no solution") is a text answer;
// letters inside maths (xy, f(x), sin x) are not.
bool looks_like_text(std::string_view s) {
  bool has_word = false;
  for (size_t i = 0; i < s.size();) {
    char c = s[i];
    if (is_letter(c)) {
      size_t j = i;
      while (j < s.size() && is_letter(s[j])) ++j;
      std::string w = lower(s.substr(i, j - i));
      bool command = i > 0 && s[i - 1] == '\\';
      if (command) return false;
      if ((w.size() >= 3 && !function_names().count(w) && w != "pi" && w != "inf" && w != "infinity" &&
           w != "infty" && !is_percent_word(w) && !unit_words().count(w)) ||
          w == "no" || w == "yes")
        has_word = true;
      i = j;
      continue;
    }
    if (is_digit(c) || c == '\\' || c == '^' || c == '=' || c == '+' || c == '*' || c == '/' || c == '{' || c == '<' ||
        c == '>' || c == '_')
      return false;
    ++i;
  }
  return has_word;
}

std::string normalize_text(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (is_letter(c) || is_digit(c)) out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    else if (is_space(c) && !out.empty() && out.back() != ' ') out += ' ';
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

// \text{Evelyn}, \textbf{(C)}: the whole answer is text.
bool unwrap_text_command(std::string_view s, std::string& content) {
  for (std::string_view cmd : {"\\text{", "\\textbf{", "\\mbox{", "\\textnormal{", "\\mathrm{", "\\textit{"}) {
    if (s.substr(0, cmd.size()) != cmd || s.back() != '}') continue;
    int level = 0;
    for (size_t i = cmd.size() - 1; i < s.size(); ++i) {
      if (s[i] == '{') ++level;
      else if (s[i] == '}' && --level == 0) {
        if (i != s.size() - 1) return false;
        content = std::string(s.substr(cmd.size(), s.size() - cmd.size() - 1));
        return true;
      }
    }
  }
  return false;
}

}  // namespace

ParseResult parse_answer(std::string_view answer, const ParseOptions& options) {
  if (answer.size() > options.budget.max_answer_chars)
    throw BudgetExceeded("answer longer than " + std::to_string(options.budget.max_answer_chars) + " characters");
  std::string s = normalize_latex(answer);
  // Strip one pair of parentheses around a text answer: "(C)".
  std::string content;
  std::string_view view = s;
  if (view.size() >= 2 && view.front() == '(' && view.back() == ')' && view.find(',') == std::string_view::npos)
    view = view.substr(1, view.size() - 2);
  if (unwrap_text_command(view, content)) {
    std::string inner = normalize_latex(content);
    std::string_view iv = inner;
    // \text{e}, \mathrm{e}, \text{pi}: a constant written in text is the constant.
    if (iv == "e" || iv == "i" || iv == "pi" || iv == "\\pi") return {make_constant(iv == "e" ? "e" : iv == "i" ? "i" : "pi"), {}};
    if (iv.size() >= 2 && iv.front() == '(' && iv.back() == ')') iv = iv.substr(1, iv.size() - 2);
    bool numeric = !iv.empty() && std::all_of(iv.begin(), iv.end(), [](char c) { return is_digit(c) || c == '.' || c == '-'; });
    if (!numeric) return {make_text(normalize_text(iv)), {}};
  }
  if (looks_like_text(view)) {
    // A single letter with brackets, "(C)", stays a symbol; words become text.
    return {make_text(normalize_text(view)), {}};
  }
  try {
    Parser parser(s, options);
    return {parser.parse_all(), {}};
  } catch (const ParseError& e) {
    return {nullptr, e.what()};
  }
}

}  // namespace rlvr::verify
