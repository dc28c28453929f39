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
  Cell(std::string text_ = "", bool numeric_ = false, std::string tooltip_ = "")
      : text(std::move(text_)), numeric(numeric_), tooltip(std::move(tooltip_)) {}

  std::string text;
  bool numeric = false;
  std::string tooltip;  // shown on hover; empty for none
  // A second, smaller line under the text, e.g. a confidence interval in a
  // table of many columns; empty for none.
  std::string detail;
};

Cell text_cell(std::string text);
Cell int_cell(int64_t value);
Cell number_cell(double value, int digits);
// "0.612 [0.580, 0.641]": a value with its confidence interval.
Cell ci_cell(double value, double low, double high, int digits);
// The same with the interval as a second, smaller line: narrower columns.
Cell stacked_ci_cell(double value, double low, double high, int digits);
// "37 (12.3%)": a count with its share of `total`.
Cell count_share_cell(int64_t count, int64_t total);

struct Table {
  std::vector<std::string> header;
  std::vector<std::string> header_tooltips;  // optional, one per column
  std::vector<std::vector<Cell>> rows;
  std::string caption;
  bool compact = false;  // tighter cells and type, for tables of many columns
};

// A figure for HtmlPage::figure_row.
struct FigureBlock {
  std::string svg;  // trusted markup from the chart functions
  std::string caption;
  std::string id;
};

class HtmlPage {
 public:
  explicit HtmlPage(std::string title, std::string subtitle = "");

  // Starts a new top-level section (<section><h2>); `id` (letters, digits,
  // '-') makes it a link target and an entry of the table of contents.
  HtmlPage& section(const std::string& heading, const std::string& id = "");
  // A sub-heading (<h3>); a valid `id` makes it a link target.
  HtmlPage& subheading(const std::string& heading, const std::string& id = "");
  HtmlPage& paragraph(const std::string& text);
  // A set-off paragraph for the one thing to read first (e.g. the findings
  // of a study), with a bold lead-in such as "Findings."
  HtmlPage& highlight(const std::string& lead_in, const std::string& text, const std::string& id = "");
  // A paragraph of trusted markup (built with escape() by the caller).
  HtmlPage& paragraph_markup(const std::string& markup);
  // Term and one-sentence meaning pairs, as a definition list.
  HtmlPage& definitions(const std::vector<std::pair<std::string, std::string>>& terms);
  HtmlPage& bullet_list(const std::vector<std::string>& items);
  // An inline SVG (trusted markup from the chart functions) with a caption.
  HtmlPage& figure(const std::string& svg, const std::string& caption, const std::string& id = "");
  // Figures next to each other (two to a row on a wide page, one on a
  // narrow one); for charts drawn about 520 px wide.
  HtmlPage& figure_row(const std::vector<FigureBlock>& figures);
  HtmlPage& table(const Table& table);
  // A closed <details> list: "summary (N)" and the items, e.g. problem ids.
  HtmlPage& collapsible_list(const std::string& summary, const std::vector<std::string>& items);
  // A closed <details> whose summary is `summary` (not counted) holding one
  // collapsible_list per (title, items) pair: several id lists under one line.
  HtmlPage& collapsible_lists(const std::string& summary,
                              const std::vector<std::pair<std::string, std::vector<std::string>>>& lists);
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
