// How a problem becomes a request: the prompt templates of the reference
// setups, for the chat API (messages) and the completions API (one text).
// "{question}" in a template is replaced by the problem text; nothing else
// in it is special. Built-ins (their exact texts are in docs/REAL_MODELS.md):
//   qwen-boxed  Qwen2.5-Math's chain of thought with the answer in \boxed{}
//               (system prompt; for completions, the Qwen chat markup written out)
//   plain       the question, then "Answer: Let's think step by step." for completions
//   raw         the question as it is (the laboratory's own models)
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace rlvr::client {

struct PromptTemplate {
  std::string name;
  std::string system;  // chat: the system message ("" = none)
  std::string user;    // chat: the user message
  std::string text;    // completions: the whole prompt

  // The completions prompt; also the text a completion is scored after.
  std::string completion_prompt(const std::string& question) const;
  nlohmann::json chat_messages(const std::string& question) const;
};

const std::vector<std::string>& builtin_template_names();
// Throws rlvr::Error for an unknown name.
PromptTemplate builtin_template(const std::string& name);
// A file holding one template text with {question}: the completions prompt,
// and the user message (without system message) for the chat API.
PromptTemplate template_from_file(const std::filesystem::path& file);

}  // namespace rlvr::client
