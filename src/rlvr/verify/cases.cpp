#include "rlvr/verify/cases.h"

#include <chrono>

#include <nlohmann/json.hpp>

#include "rlvr/util/error.h"
#include "rlvr/util/json_lines.h"

namespace rlvr::verify {

using nlohmann::json;

CheckOptions case_options(const std::string& file, long line, const void* json_row, const CheckOptions& defaults) {
  const json& row = *static_cast<const json*>(json_row);
  CheckOptions o = defaults;
  if (row.contains("extract")) {
    if (!row["extract"].is_array()) throw InputError(file, line, "extract", "expected a list of \"latex\"/\"expr\"");
    o.extract.clear();
    for (const auto& k : row["extract"]) {
      if (!k.is_string()) throw InputError(file, line, "extract", "expected strings \"latex\" or \"expr\"");
      try {
        o.extract.push_back(parse_extract_kind(k.get<std::string>()));
      } catch (const Error& e) {
        throw InputError(file, line, "extract", e.what());
      }
    }
  }
  if (row.contains("precision")) {
    if (!row["precision"].is_number_integer()) throw InputError(file, line, "precision", "expected an integer number of decimal places");
    o.precision = row["precision"].get<int>();
  }
  if (row.contains("strict")) {
    if (!row["strict"].is_boolean()) throw InputError(file, line, "strict", "expected true or false");
    o.strict = row["strict"].get<bool>();
  }
  if (row.contains("allow_set_relation_comp")) {
    if (!row["allow_set_relation_comp"].is_boolean())
      throw InputError(file, line, "allow_set_relation_comp", "expected true or false");
    o.allow_set_relation = row["allow_set_relation_comp"].get<bool>();
  }
  if (row.contains("drop_labels")) {
    if (!row["drop_labels"].is_boolean()) throw InputError(file, line, "drop_labels", "expected true or false");
    o.drop_labels = row["drop_labels"].get<bool>();
  }
  if (row.contains("answer_type") && !row["answer_type"].is_null()) {
    if (!row["answer_type"].is_string()) throw InputError(file, line, "answer_type", "expected a string");
    try {
      o.answer_type = parse_answer_type(row["answer_type"].get<std::string>());
    } catch (const Error& e) {
      throw InputError(file, line, "answer_type", e.what());
    }
  }
  if (row.contains("tolerance") && !row["tolerance"].is_null()) {
    const json& t = row["tolerance"];
    double value = -1;
    if (t.is_number()) value = t.get<double>();
    else if (t.is_string()) {
      try {
        value = std::stod(t.get<std::string>());
      } catch (const std::exception&) {
        throw InputError(file, line, "tolerance", "expected a number");
      }
    } else {
      throw InputError(file, line, "tolerance", "expected a number");
    }
    if (!(value >= 0)) throw InputError(file, line, "tolerance", "expected a number >= 0");
    o.tolerance = value;
  }
  return o;
}

CaseSummary check_cases(const std::filesystem::path& in, const CheckOptions& defaults) {
  const std::string file = in.string();
  CaseSummary summary;
  for_each_json_line(in, [&](const json& case_row, long line) {
    json row = case_row;  // the output line: the case with its verdict added
    for (const char* field : {"gold", "pred"}) {
      if (!row.contains(field)) throw InputError(file, line, field, "missing");
      if (!row[field].is_string()) throw InputError(file, line, field, "expected a string");
    }
    CheckOptions options = case_options(file, line, &row, defaults);
    auto start = std::chrono::steady_clock::now();
    Verdict v = check(row["gold"].get<std::string>(), row["pred"].get<std::string>(), options);
    auto micros = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start).count();
    row["equivalent"] = v.equivalent;
    row["reason"] = v.reason;
    if (!v.detail.empty()) row["detail"] = v.detail;
    row["gold_norm"] = v.gold_norm;
    row["pred_norm"] = v.pred_norm;
    row["micros"] = micros;
    ++summary.cases;
    if (row.contains("expected")) {
      if (!row["expected"].is_boolean()) throw InputError(file, line, "expected", "expected true or false");
      ++summary.with_expected;
      if (row["expected"].get<bool>() == v.equivalent) ++summary.agreed;
      else summary.disagreements.push_back(static_cast<size_t>(line));
    }
    summary.out_lines.push_back(row.dump(-1, ' ', false, json::error_handler_t::replace));
  });
  return summary;
}

}  // namespace rlvr::verify
