#include "rlvr/report/html_page.h"


#include "rlvr/report/text.h"

namespace rlvr::report {
namespace {

constexpr const char* kStyle = R"css(
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; background: #f6f7f9; color: #1d1f23;
  font: 15px/1.55 "DejaVu Sans", "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1040px; margin: 0 auto; padding: 28px 32px 48px; background: #fff;
  min-height: 100vh; box-shadow: 0 0 0 1px #e3e5e8; }
header h1 { font-size: 26px; margin: 0 0 4px; letter-spacing: -0.01em; }
header .subtitle { color: #555b66; margin: 0 0 14px; }
nav.toc { font-size: 13.5px; margin: 0 0 8px; padding: 8px 12px; background: #f3f5f8;
  border-radius: 6px; }
nav.toc a { color: #0b5cad; text-decoration: none; margin-right: 14px; white-space: nowrap; }
nav.toc a:hover { text-decoration: underline; }
section { margin-top: 30px; }
h2 { font-size: 19px; margin: 0 0 10px; padding-bottom: 4px; border-bottom: 2px solid #e3e5e8; }
h3 { font-size: 16px; margin: 20px 0 8px; }
p { margin: 8px 0; max-width: 80ch; }
p.highlight { max-width: none; margin: 10px 0 16px; padding: 10px 14px; background: #eef5fc;
  border-left: 4px solid #0b5cad; border-radius: 0 6px 6px 0; }
dl.measures { display: grid; grid-template-columns: max-content 1fr; gap: 4px 18px; margin: 8px 0; }
dl.measures dt { font-weight: bold; }
dl.measures dd { margin: 0; color: #333; }
figure { margin: 16px 0; }
figure svg { max-width: 100%; height: auto; display: block; border: 1px solid #eceef1; border-radius: 4px; }
.figure-row { display: flex; flex-wrap: wrap; gap: 0 16px; }
.figure-row figure { flex: 0 1 calc(50% - 8px); min-width: 420px; }
.figure-row figure svg { width: 100%; }
figcaption { font-size: 13.5px; color: #444a55; margin-top: 6px; max-width: 90ch; }
.table-wrap { overflow-x: auto; margin: 10px 0; }
table { border-collapse: collapse; font-size: 14px; }
caption { caption-side: top; text-align: left; font-weight: bold; padding: 4px 0 6px; }
th, td { padding: 5px 12px; border-bottom: 1px solid #e3e5e8; text-align: left; vertical-align: top; }
th { background: #f3f5f8; font-weight: 600; border-bottom: 2px solid #d5d9df; }
th[title] { text-decoration: underline dotted #999; cursor: help; }
tbody td:first-child { white-space: nowrap; }
table.compact { font-size: 13.5px; }
table.compact th, table.compact td { padding: 5px 8px; }
td .detail { display: block; font-size: 12px; color: #5b6270; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tbody tr:hover { background: #f8fafc; }
details { margin: 6px 0; }
details details { margin-left: 1.2em; }
details > summary.group { font-weight: normal; }
summary { cursor: pointer; font-weight: 600; }
ul.ids { columns: 14em; font: 13px/1.6 "DejaVu Sans Mono", monospace; margin: 6px 0 10px;
  padding-left: 1.4em; }
ul.notes li { margin: 3px 0; }
.empty { color: #777; font-style: italic; }
footer { margin-top: 36px; font-size: 12.5px; color: #6b717c; }
@media print {
  body { background: #fff; }
  main { box-shadow: none; max-width: none; padding: 0; }
  nav.toc { display: none; }
  figure, table { break-inside: avoid; }
}
)css";

bool is_id(const std::string& s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-')) {
      return false;
    }
  }
  return true;
}

std::string id_attr(const std::string& id) { return is_id(id) ? " id=\"" + id + "\"" : ""; }

}  // namespace

Cell text_cell(std::string text) { return {std::move(text), false, ""}; }
Cell int_cell(int64_t value) { return {std::to_string(value), true, ""}; }
Cell number_cell(double value, int digits) { return {format_fixed(value, digits), true, ""}; }

Cell ci_cell(double value, double low, double high, int digits) {
  return {format_fixed(value, digits) + " [" + format_fixed(low, digits) + ", " +
              format_fixed(high, digits) + "]",
          true, "value [lower, upper] of the confidence interval"};
}

Cell stacked_ci_cell(double value, double low, double high, int digits) {
  Cell c(format_fixed(value, digits), true, "value and [lower, upper] of the confidence interval");
  c.detail = '[';  // built piecewise: GCC 12 warns falsely (-Wrestrict) on "lit" + string
  c.detail += format_fixed(low, digits);
  c.detail += ", ";
  c.detail += format_fixed(high, digits);
  c.detail += ']';
  return c;
}

Cell count_share_cell(int64_t count, int64_t total) {
  std::string s = std::to_string(count);
  if (total > 0) {
    s += " (" + format_fixed(100.0 * static_cast<double>(count) / static_cast<double>(total), 1) + "%)";
  }
  return {s, true, ""};
}

std::string table_markup(const Table& t) {
  std::string s = t.compact ? "<div class=\"table-wrap\"><table class=\"compact\">" : "<div class=\"table-wrap\"><table>";
  if (!t.caption.empty()) s += "<caption>" + escape(t.caption) + "</caption>";
  if (!t.header.empty()) {
    s += "<thead><tr>";
    for (size_t i = 0; i < t.header.size(); ++i) {
      s += "<th";
      if (i < t.header_tooltips.size() && !t.header_tooltips[i].empty()) {
        s += " title=\"" + escape(t.header_tooltips[i]) + "\"";
      }
      s += " scope=\"col\">" + escape(t.header[i]) + "</th>";
    }
    s += "</tr></thead>";
  }
  s += "<tbody>";
  for (const auto& row : t.rows) {
    s += "<tr>";
    for (const auto& c : row) {
      s += "<td";
      if (c.numeric) s += " class=\"num\"";
      if (!c.tooltip.empty()) s += " title=\"" + escape(c.tooltip) + "\"";
      s += '>';  // appended piecewise: GCC 12 warns falsely (-Wrestrict) on "lit" + string
      s += escape(c.text);
      if (!c.detail.empty()) s += "<span class=\"detail\">" + escape(c.detail) + "</span>";
      s += "</td>";
    }
    s += "</tr>";
  }
  return s + "</tbody></table></div>\n";
}

HtmlPage::HtmlPage(std::string title, std::string subtitle)
    : title_(std::move(title)), subtitle_(std::move(subtitle)) {}

void HtmlPage::close_section() {
  if (in_section_) body_ += "</section>\n";
  in_section_ = false;
}

HtmlPage& HtmlPage::section(const std::string& heading, const std::string& id) {
  close_section();
  body_ += "<section" + id_attr(id) + "><h2>" + escape(heading) + "</h2>\n";
  if (is_id(id)) toc_.emplace_back(id, heading);
  in_section_ = true;
  return *this;
}

HtmlPage& HtmlPage::subheading(const std::string& heading, const std::string& id) {
  body_ += "<h3" + id_attr(id) + ">" + escape(heading) + "</h3>\n";
  return *this;
}

HtmlPage& HtmlPage::paragraph(const std::string& text) {
  body_ += "<p>" + escape(text) + "</p>\n";
  return *this;
}

HtmlPage& HtmlPage::highlight(const std::string& lead_in, const std::string& text, const std::string& id) {
  body_ += "<p class=\"highlight\"" + id_attr(id) + ">";
  if (!lead_in.empty()) body_ += "<strong>" + escape(lead_in) + "</strong> ";
  body_ += escape(text) + "</p>\n";
  return *this;
}

HtmlPage& HtmlPage::paragraph_markup(const std::string& markup) {
  body_ += "<p>" + markup + "</p>\n";
  return *this;
}

HtmlPage& HtmlPage::definitions(const std::vector<std::pair<std::string, std::string>>& terms) {
  body_ += "<dl class=\"measures\">";
  for (const auto& [term, meaning] : terms) {
    body_ += "<dt>" + escape(term) + "</dt><dd>" + escape(meaning) + "</dd>";
  }
  body_ += "</dl>\n";
  return *this;
}

HtmlPage& HtmlPage::bullet_list(const std::vector<std::string>& items) {
  body_ += "<ul class=\"notes\">";
  for (const auto& i : items) body_ += "<li>" + escape(i) + "</li>";
  body_ += "</ul>\n";
  return *this;
}

HtmlPage& HtmlPage::figure(const std::string& svg, const std::string& caption, const std::string& id) {
  body_ += "<figure" + id_attr(id) + ">" + svg;
  if (!caption.empty()) body_ += "<figcaption>" + escape(caption) + "</figcaption>";
  body_ += "</figure>\n";
  return *this;
}

HtmlPage& HtmlPage::figure_row(const std::vector<FigureBlock>& figures) {
  body_ += "<div class=\"figure-row\">";
  for (const auto& f : figures) figure(f.svg, f.caption, f.id);
  body_ += "</div>\n";
  return *this;
}

HtmlPage& HtmlPage::table(const Table& t) {
  body_ += table_markup(t);
  return *this;
}

HtmlPage& HtmlPage::collapsible_list(const std::string& summary, const std::vector<std::string>& items) {
  body_ += "<details><summary>" + escape(summary) + " (" + std::to_string(items.size()) + ")</summary>";
  if (items.empty()) {
    body_ += "<p class=\"empty\">none</p>";
  } else {
    body_ += "<ul class=\"ids\">";
    for (const auto& i : items) body_ += "<li>" + escape(i) + "</li>";
    body_ += "</ul>";
  }
  body_ += "</details>\n";
  return *this;
}

HtmlPage& HtmlPage::collapsible_lists(
    const std::string& summary, const std::vector<std::pair<std::string, std::vector<std::string>>>& lists) {
  body_ += "<details class=\"group\"><summary class=\"group\">" + escape(summary) + "</summary>\n";
  for (const auto& [title, items] : lists) collapsible_list(title, items);
  body_ += "</details>\n";
  return *this;
}

HtmlPage& HtmlPage::collapsible_table(const std::string& summary, const Table& t) {
  body_ += "<details><summary>" + escape(summary) + "</summary>" + table_markup(t) + "</details>\n";
  return *this;
}

HtmlPage& HtmlPage::footer(const std::string& text) {
  footer_ = text;
  return *this;
}

std::string HtmlPage::render() const {
  std::string s = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                  "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>" +
                  escape(title_) + "</title>\n<style>" + kStyle + "</style>\n</head>\n<body>\n<main>\n";
  s += "<header><h1>" + escape(title_) + "</h1>";
  if (!subtitle_.empty()) s += "<p class=\"subtitle\">" + escape(subtitle_) + "</p>";
  if (toc_.size() > 1) {
    s += "<nav class=\"toc\">";
    for (const auto& [id, heading] : toc_) s += "<a href=\"#" + id + "\">" + escape(heading) + "</a>";
    s += "</nav>";
  }
  s += "</header>\n" + body_;
  if (in_section_) s += "</section>\n";
  if (!footer_.empty()) s += "<footer>" + escape(footer_) + "</footer>\n";
  return s + "</main>\n</body>\n</html>\n";
}

}  // namespace rlvr::report
