#include "rlvr/study/seeds.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "rlvr/report/html_page.h"
#include "rlvr/report/text.h"
#include "rlvr/util/error.h"
#include "rlvr/util/files.h"

namespace rlvr::study {

namespace fs = std::filesystem;
using json = nlohmann::json;

fs::path seed_dir(const fs::path& out, uint64_t seed) { return out / ("seed-" + std::to_string(seed)); }

namespace {

SeedDifference difference_at(const json& comparison, uint64_t seed, int64_t k, const fs::path& file) {
  const std::string key = std::to_string(k);
  const json& values = comparison.at("pass_at_k_difference");
  const json& intervals = comparison.at("pass_at_k_difference_ci");
  if (!values.contains(key) || !intervals.contains(key))
    throw Error(file.string() + ": comparison of " + comparison.value("model", std::string("?")) +
                " has no pass@" + key + " difference");
  return {seed, values[key].get<double>(), intervals[key][0].get<double>(), intervals[key][1].get<double>()};
}

std::vector<double> values_of(const std::vector<SeedDifference>& differences) {
  std::vector<double> values;
  for (const SeedDifference& d : differences) values.push_back(d.value);
  return values;
}

}  // namespace

std::vector<SeedComparison> compare_seeds(const fs::path& out, const std::vector<uint64_t>& seeds,
                                          const std::vector<std::string>& tasks) {
  std::vector<SeedComparison> comparisons;
  for (const std::string& task : tasks) {
    const size_t first = comparisons.size();
    for (size_t s = 0; s < seeds.size(); ++s) {
      const fs::path file = seed_dir(out, seeds[s]) / task / "analysis" / "summary.json";
      const json summary = json::parse(read_file(file));
      const json& list = summary.at("comparisons");
      if (s > 0 && list.size() != comparisons.size() - first)
        throw Error(file.string() + ": another set of models than seed " + std::to_string(seeds[0]) + "'s");
      for (size_t i = 0; i < list.size(); ++i) {
        const json& c = list[i];
        if (s == 0) {
          SeedComparison added;
          added.task = task;
          added.model = c.at("model").get<std::string>();
          added.baseline = c.at("baseline").get<std::string>();
          added.k_max = c.at("k_max").get<int64_t>();
          comparisons.push_back(added);
        }
        SeedComparison& sc = comparisons[first + i];
        if (c.at("model").get<std::string>() != sc.model || c.at("k_max").get<int64_t>() != sc.k_max)
          throw Error(file.string() + ": comparison " + std::to_string(i + 1) + " is not " + sc.model + " at k = " +
                      std::to_string(sc.k_max) + " as in seed " + std::to_string(seeds[0]));
        sc.at_1.push_back(difference_at(c, seeds[s], 1, file));
        sc.at_k_max.push_back(difference_at(c, seeds[s], sc.k_max, file));
        sc.verdicts.push_back(c.at("verdict").at("text").get<std::string>());
      }
    }
  }
  for (SeedComparison& c : comparisons) {
    c.spread_1 = metrics::across_runs(values_of(c.at_1));
    c.spread_k_max = metrics::across_runs(values_of(c.at_k_max));
  }
  return comparisons;
}

namespace {

std::string signed3(double v) { return fmt::format("{:+.3f}", v); }

std::string spread_text(const metrics::RunSpread& s) {
  return s.runs < 2 ? signed3(s.mean) + " (one seed)"
                    : fmt::format("{} [{}, {}]", signed3(s.mean), signed3(s.low), signed3(s.high));
}

// "up in 3, down in 0, neither in 1 of 4 seeds".
std::string significance_counts(const std::vector<SeedDifference>& differences) {
  int up = 0, down = 0;
  for (const SeedDifference& d : differences) {
    up += d.low > 0;
    down += d.high < 0;
  }
  const int total = static_cast<int>(differences.size());
  return fmt::format("significantly up in {}, down in {}, neither in {} of {} seed{}", up, down, total - up - down,
                     total, total == 1 ? "" : "s");
}

}  // namespace

std::string describe_across_seeds(const SeedComparison& c) {
  return fmt::format(
      "{} on {} against {}: pass@1 {} (paired bootstrap intervals); across seeds {}. pass@{} {}; across seeds {}.",
      c.model, c.task, c.baseline, significance_counts(c.at_1), spread_text(c.spread_1), c.k_max,
      significance_counts(c.at_k_max), spread_text(c.spread_k_max));
}

namespace {

json differences_json(const std::vector<SeedDifference>& differences, const metrics::RunSpread& spread) {
  json per_seed = json::array();
  for (const SeedDifference& d : differences)
    per_seed.push_back({{"seed", d.seed}, {"difference", d.value}, {"ci", {d.low, d.high}}});
  json across = {{"seeds", spread.runs}, {"mean", spread.mean}, {"sd", spread.sd}};
  if (spread.runs >= 2) across["t_interval"] = {spread.low, spread.high};
  return {{"per_seed", per_seed}, {"across_seeds", across}};
}

report::Table seeds_table(const std::vector<const SeedComparison*>& rows, const std::vector<uint64_t>& seeds,
                          bool at_k_max) {
  report::Table t;
  t.compact = true;
  t.header.push_back("model");
  for (uint64_t s : seeds) t.header.push_back("seed " + std::to_string(s));
  t.header.push_back("mean over seeds [t-interval]");
  for (const SeedComparison* c : rows) {
    std::vector<report::Cell> cells = {report::text_cell(c->model)};
    for (const SeedDifference& d : at_k_max ? c->at_k_max : c->at_1)
      cells.push_back(report::stacked_ci_cell(d.value, d.low, d.high, 3));
    const metrics::RunSpread& s = at_k_max ? c->spread_k_max : c->spread_1;
    cells.push_back(s.runs >= 2 ? report::stacked_ci_cell(s.mean, s.low, s.high, 3) : report::number_cell(s.mean, 3));
    t.rows.push_back(cells);
  }
  return t;
}

std::string render_seeds_report(const StudyConfig& config, const std::vector<SeedComparison>& comparisons) {
  report::HtmlPage page(config.name + ": " + std::to_string(config.seeds.size()) + " seeds",
                        "the same study once per seed, compared across seeds");
  page.section("Across seeds", "across-seeds");
  page.paragraph(
      "Each seed is a study of its own: its own base model, RL and distillation runs, test problems and "
      "samples (seed-N/report.html). Differences are model minus base; under each seed's value is its 95% "
      "paired bootstrap interval over that seed's problems, and the last column is the mean over the seeds with "
      "a 95% Student t-interval over the seeds' values, which also counts what changes from seed to seed.");
  std::string links = "Each seed's own report:";
  for (uint64_t s : config.seeds) {
    const std::string href = report::escape("seed-" + std::to_string(s) + "/report.html");
    links += " <a href=\"" + href + "\">" + href + "</a>";
  }
  page.paragraph_markup(links);
  for (const std::string& task : config.tasks) {
    std::vector<const SeedComparison*> rows;
    for (const SeedComparison& c : comparisons)
      if (c.task == task) rows.push_back(&c);
    if (rows.empty()) continue;
    page.section(task, "seeds-" + task);
    std::vector<std::string> sentences;
    for (const SeedComparison* c : rows) sentences.push_back(describe_across_seeds(*c));
    page.bullet_list(sentences);
    report::Table at_1 = seeds_table(rows, config.seeds, false);
    at_1.caption = "pass@1 difference from " + rows.front()->baseline;
    page.table(at_1);
    report::Table at_k = seeds_table(rows, config.seeds, true);
    at_k.caption = "pass@" + std::to_string(rows.front()->k_max) + " difference from " + rows.front()->baseline;
    page.table(at_k);
    report::Table verdicts;
    verdicts.header.push_back("model");
    for (uint64_t s : config.seeds) verdicts.header.push_back("seed " + std::to_string(s));
    for (const SeedComparison* c : rows) {
      std::vector<report::Cell> cells = {report::text_cell(c->model)};
      for (const std::string& v : c->verdicts) cells.push_back(report::text_cell(v));
      verdicts.rows.push_back(cells);
    }
    verdicts.caption = "each seed's verdict";
    page.table(verdicts);
  }
  return page.render();
}

}  // namespace

StudyOutcome run_seeded_study(const StudyConfig& config, const StudyOptions& options) {
  fs::create_directories(options.out);
  write_file_atomically(options.out / "config.toml", config.source);
  std::string headline;
  for (uint64_t seed : config.seeds) {
    StudyConfig one = config;
    one.seeds.clear();
    one.seed = seed;
    one.name = config.name + " (seed " + std::to_string(seed) + ")";
    StudyOptions o = options;
    o.out = seed_dir(options.out, seed);
    std::fprintf(stderr, "study: seed %llu of %s, in %s\n", static_cast<unsigned long long>(seed),
                 config.name.c_str(), o.out.c_str());
    StudyOutcome outcome = run_study(one, o);
    headline += "\nseed " + std::to_string(seed) + ":" + outcome.headline;
  }
  const std::vector<SeedComparison> comparisons = compare_seeds(options.out, config.seeds, config.tasks);
  json list = json::array();
  headline += "\nacross seeds:\n";
  for (const SeedComparison& c : comparisons) {
    const std::string sentence = describe_across_seeds(c);
    json verdicts = json::object();
    for (size_t i = 0; i < c.verdicts.size(); ++i) verdicts[std::to_string(config.seeds[i])] = c.verdicts[i];
    list.push_back({{"task", c.task},
                    {"model", c.model},
                    {"baseline", c.baseline},
                    {"k_max", c.k_max},
                    {"pass_at_1_difference", differences_json(c.at_1, c.spread_1)},
                    {"pass_at_k_max_difference", differences_json(c.at_k_max, c.spread_k_max)},
                    {"verdicts", verdicts},
                    {"sentence", sentence}});
    headline += "  " + sentence + "\n";
  }
  json studies = json::object();
  for (uint64_t s : config.seeds) studies[std::to_string(s)] = seed_dir(options.out, s).filename().string();
  json summary = {{"study", {{"name", config.name}, {"seeds", config.seeds}, {"studies", studies}}},
                  {"across_seeds", list}};
  write_file_atomically(options.out / "summary.json", summary.dump(2) + "\n");
  write_file_atomically(options.out / "report.html", render_seeds_report(config, comparisons));
  StudyOutcome outcome;
  outcome.report = options.out / "report.html";
  outcome.summary = options.out / "summary.json";
  outcome.headline = headline;
  return outcome;
}

}  // namespace rlvr::study
