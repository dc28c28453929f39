// The registry of task families and the shared alphabet.
#include <algorithm>
#include <memory>

#include "rlvr/tasks/families.h"
#include "rlvr/tasks/task.h"
#include "rlvr/tasks/trace_util.h"
#include "rlvr/util/error.h"

namespace rlvr::tasks {

namespace {

const std::vector<std::unique_ptr<TaskFamily>>& registry() {
  static const auto families = [] {
    std::vector<std::unique_ptr<TaskFamily>> list;
    list.push_back(detail::make_countdown_family());
    list.push_back(detail::make_addition_family());
    list.push_back(detail::make_modeq_family());
    return list;
  }();
  return families;
}

}  // namespace

std::string_view split_name(Split split) { return split == Split::test ? "test" : "train"; }

std::string reason_text(const Verdict& verdict) {
  switch (verdict.reason) {
    case VerdictReason::no_answer: return "no_answer";
    case VerdictReason::wrong_answer: return "wrong_answer";
    case VerdictReason::ok: return "ok";
    case VerdictReason::bad_step: return "bad_step:" + std::to_string(verdict.first_bad_step);
    case VerdictReason::unsupported_answer: return "unsupported_answer";
  }
  throw Error("a verdict holds a reason outside its set");
}

const TaskFamily& family(std::string_view name) {
  for (const auto& f : registry()) {
    if (f->name() == name) return *f;
  }
  std::string known;
  for (const auto& n : family_names()) known += (known.empty() ? "" : ", ") + n;
  throw Error("unknown task family '" + std::string(name) + "' (known: " + known + ")");
}

std::vector<std::string> family_names() {
  std::vector<std::string> names;
  for (const auto& f : registry()) names.push_back(f->name());
  return names;
}

std::string alphabet() {
  // Digits and arithmetic for every family; letters only from the prompt tags "cd", "add",
  // "mod", the unknown "x" and the countdown dead-end marker "no".
  std::string chars = "\n #()*+-/0123456789=>acdmnox";
  std::sort(chars.begin(), chars.end());
  return chars;
}

Split split_of(const TaskFamily& family, const Problem& problem) {
  return detail::split_for(family.name(), family.canonical_form(problem));
}

bool has_strategy(const TaskFamily& family, std::string_view strategy) {
  for (const auto& s : family.strategies()) {
    if (s.name == strategy) return true;
  }
  return false;
}

}  // namespace rlvr::tasks
