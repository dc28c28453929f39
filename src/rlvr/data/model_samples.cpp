#include "rlvr/data/model_samples.h"

namespace rlvr::data {

int64_t ProblemSamples::samples_without_answer_field() const {
  int64_t with = abstained;
  for (const auto& [answer, count] : answers) with += count.samples;
  return n - with;
}

void ProblemSamples::add(const ProblemSamples& other) {
  n += other.n;
  correct += other.correct;
  abstained += other.abstained;
  steps_judged += other.steps_judged;
  steps_valid += other.steps_valid;
  correct_steps_valid += other.correct_steps_valid;
  for (const auto& [answer, count] : other.answers) {
    auto it = answers.find(answer);
    if (it == answers.end()) it = answers.emplace(answer, AnswerCount{}).first;
    auto& mine = it->second;
    mine.samples += count.samples;
    mine.correct += count.correct;
  }
}

void ModelSamples::add(const ModelSamples& other) {
  for (const auto& [id, problem] : other.problems) problems[id].add(problem);
  files.insert(files.end(), other.files.begin(), other.files.end());
}

bool ModelSamples::has_answers() const {
  if (problems.empty()) return false;
  for (const auto& [id, problem] : problems)
    if (problem.samples_without_answer_field() != 0) return false;
  return true;
}

}  // namespace rlvr::data
