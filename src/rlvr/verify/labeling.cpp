#include "rlvr/verify/labeling.h"

#include <atomic>
#include <sstream>
#include <thread>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "rlvr/util/error.h"
#include "rlvr/util/files.h"
#include "rlvr/util/json_lines.h"
#include "rlvr/util/progress.h"
#include "rlvr/verify/extract.h"

namespace rlvr::verify {

using nlohmann::json;

namespace {

std::string gold_text(const json& v, const std::string& file, long line) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_integer()) return std::to_string(v.get<long long>());
  if (v.is_number()) {
    std::ostringstream s;
    s << v.get<double>();
    return s.str();
  }
  throw InputError(file, line, "gt", "expected the gold answer as a string or a number");
}

// Runs `work(i)` for i in [0, n) on `threads` threads.
template <typename Work>
void parallel_for(size_t n, int threads, Work work) {
  std::atomic<size_t> next{0};
  auto run = [&] {
    for (size_t i; (i = next.fetch_add(1)) < n;) work(i);
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(run);
  run();
  for (auto& t : pool) t.join();
}

}  // namespace

LabelSummary label_samples(const std::filesystem::path& samples, const std::filesystem::path& out,
                           const std::vector<Problem>& problems, const LabelOptions& options) {
  const std::string file = samples.string();
  std::vector<JsonLine> lines = read_json_lines(samples);
  if (lines.empty()) throw InputError(file, 0, "", "no samples in file");

  LabelSummary summary;
  const json& first = lines.front().row;
  bool reference = first.contains("gt") && first.contains("code");
  bool flat = first.contains("completion");
  if (!reference && !flat)
    throw InputError(file, lines.front().number, "",
                     "unknown sample format: expected flat samples (problem_id, completion) or reference rows (idx, gt, code)");
  summary.format = reference ? "reference" : "flat";

  std::unordered_map<std::string, const Problem*> by_id;
  if (flat) {
    if (problems.empty()) throw Error(file + ": flat samples need golds: pass --dataset NAME or --problems FILE");
    for (const auto& p : problems) by_id[p.id] = &p;
  }

  // Validate every row before any work, so errors name the first bad line.
  std::vector<std::vector<std::string>> completions(lines.size());
  std::vector<std::string> golds(lines.size());
  std::vector<CheckOptions> row_options(lines.size(), options.check);
  for (size_t i = 0; i < lines.size(); ++i) {
    const json& row = lines[i].row;
    long ln = lines[i].number;
    if (reference) {
      if (!row.contains("gt")) throw InputError(file, ln, "gt", "missing");
      golds[i] = gold_text(row["gt"], file, ln);
      if (!row.contains("code") || !row["code"].is_array()) throw InputError(file, ln, "code", "expected a list of completions");
      for (const auto& c : row["code"]) {
        if (!c.is_string()) throw InputError(file, ln, "code", "expected a list of strings");
        completions[i].push_back(c.get<std::string>());
      }
    } else {
      std::string id = problem_id_of(row, samples, ln);
      auto it = by_id.find(id);
      if (it == by_id.end()) {
        // "gsm8k-17" or "math500/17": the part after the last '-' or '/' may be the id.
        size_t cut = id.find_last_of("-/");
        if (cut != std::string::npos) it = by_id.find(id.substr(cut + 1));
      }
      if (it == by_id.end()) throw InputError(file, ln, "problem_id", "no problem with id '" + id + "' in the problem list");
      golds[i] = it->second->gold;
      row_options[i] = options_for(*it->second, options.check);
      if (!row.contains("completion")) throw InputError(file, ln, "completion", "missing");
      const json& c = row["completion"];
      if (!c.is_string() && !c.is_null()) throw InputError(file, ln, "completion", "expected a string or null");
      completions[i].push_back(c.is_null() ? std::string() : c.get<std::string>());
    }
    summary.samples += completions[i].size();
  }
  summary.rows = lines.size();

  std::vector<std::vector<Verdict>> verdicts(lines.size());
  Progress progress("verify", static_cast<int64_t>(summary.samples), "samples");
  parallel_for(lines.size(), std::max(1, options.threads), [&](size_t i) {
    for (const auto& completion : completions[i]) {
      verdicts[i].push_back(check(golds[i], completion, row_options[i]));
    }
    progress.advance(static_cast<int64_t>(completions[i].size()));
  });
  progress.finish();

  std::string output;
  for (size_t i = 0; i < lines.size(); ++i) {
    json row = lines[i].row;
    if (reference) {
      json preds = json::array(), scores = json::array();
      for (const auto& v : verdicts[i]) {
        preds.push_back(v.pred_answer);
        scores.push_back(v.equivalent);
      }
      row["pred"] = preds;
      row["score"] = scores;
    } else {
      const Verdict& v = verdicts[i][0];
      row["answer"] = v.pred_answer;
      row["correct"] = v.equivalent;
      row["reason"] = v.reason;
    }
    for (const auto& v : verdicts[i]) {
      summary.correct += v.equivalent;
      summary.undecided += !v.decided;
      ++summary.reasons[v.reason];
    }
    output += row.dump(-1, ' ', false, json::error_handler_t::replace);
    output += '\n';
  }
  write_file_atomically(out, output);
  return summary;
}

}  // namespace rlvr::verify
