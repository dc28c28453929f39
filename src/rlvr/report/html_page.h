// A self-contained HTML page: inline CSS, inline SVG figures, no scripts or
// fonts from elsewhere, so that a report opens offline, prints cleanly and
// can be mailed as one file. Blocks are appended in reading order; all text
// passed in is escaped unless the function says it takes markup.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace rlvr::report {

// One table cell. Numeric cells are right-aligned in tabular figures.
struct Cell {
  std::string text;
  bool numeric = false;
  std::string tooltip;  // shown on hover; empty for none
};

Cell text_cell(std::string text);
Cell int_cell(int64_t value);
Cell number_cell(double value, int digits);
// "0.612 [0.580, 0.641]": a value with its confidence interval.
Cell ci_cell(double value, double low, double high, int digits);
// "37 (12.3%)": a count with its share of `total`.
Cell count_share_cell(int64_t count, int64_t total);

struct Table {
  std::vector<std::string> header;
  std::vector<std::string> header_tooltips;  // optional, one per column
  std::vector<std::vector<Cell>> rows;
  std::string caption;
};

class HtmlPage {
 public:
  explicit HtmlPage(std::string title, std::string subtitle = "");

  // Starts a new top-level section (<section><h2>); `id` (letters, digits,
  // '-') makes it a link target and an entry of the table of contents.
  HtmlPage& section(const std::string& heading, const std::string& id = "");
  HtmlPage& subheading(const std::string& heading);
  HtmlPage& paragraph(const std::string& text);
  // A paragraph of trusted markup (built with escape() by the caller).
  HtmlPage& paragraph_markup(const std::string& markup);
  // Term and one-sentence meaning pairs, as a definition list.
  HtmlPage& definitions(const std::vector<std::pair<std::string, std::string>>& terms);
  HtmlPage& bullet_list(const std::vector<std::string>& items);
  // An inline SVG (trusted markup from the chart functions) with a caption.
  HtmlPage& figure(const std::string& svg, const std::string& caption, const std::string& id = "");
  HtmlPage& table(const Table& table);
  // A closed <details> list: "summary (N)" and the items, e.g. problem ids.
  HtmlPage& collapsible_list(const std::string& summary, const std::vector<std::string>& items);
  // A closed <details> around a table, for long per-item tables.
  HtmlPage& collapsible_table(const std::string& summary, const Table& table);
  HtmlPage& footer(const std::string& text);

  // The whole document.
  std::string render() const;

 private:
  void close_section();

  std::string title_, subtitle_, footer_;
  std::vector<std::pair<std::string, std::string>> toc_;  // id, heading
  std::string body_;
  bool in_section_ = false;
};

// The markup of a table alone (used by HtmlPage::table).
std::string table_markup(const Table& table);

}  // namespace rlvr::report
