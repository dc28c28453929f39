#include "rlvr/client/prompt_template.h"

#include <fmt/format.h>

#include "rlvr/util/error.h"
#include "rlvr/util/files.h"

namespace rlvr::client {

namespace {

constexpr const char* kPlaceholder = "{question}";

std::string fill(const std::string& text, const std::string& question) {
  std::string out;
  size_t pos = 0;
  for (size_t hit; (hit = text.find(kPlaceholder, pos)) != std::string::npos; pos = hit + 10) {
    out.append(text, pos, hit - pos);
    out += question;
  }
  out.append(text, pos);
  return out;
}

constexpr const char* kBoxedSystem = "Please reason step by step, and put your final answer within \\boxed{}.";

}  // namespace

std::string PromptTemplate::completion_prompt(const std::string& question) const { return fill(text, question); }

nlohmann::json PromptTemplate::chat_messages(const std::string& question) const {
  nlohmann::json messages = nlohmann::json::array();
  if (!system.empty()) messages.push_back({{"role", "system"}, {"content", system}});
  messages.push_back({{"role", "user"}, {"content", fill(user, question)}});
  return messages;
}

const std::vector<std::string>& builtin_template_names() {
  static const std::vector<std::string> names = {"qwen-boxed", "plain", "raw"};
  return names;
}

PromptTemplate builtin_template(const std::string& name) {
  if (name == "qwen-boxed")
    return {name, kBoxedSystem, "{question}",
            std::string("<|im_start|>system\n") + kBoxedSystem +
                "<|im_end|>\n<|im_start|>user\n{question}<|im_end|>\n<|im_start|>assistant\n"};
  if (name == "plain") return {name, "", "{question}", "Question: {question}\nAnswer: Let's think step by step."};
  if (name == "raw") return {name, "", "{question}", "{question}"};
  throw Error(fmt::format("unknown template '{}': expected qwen-boxed, plain, raw or --template FILE", name));
}

PromptTemplate template_from_file(const std::filesystem::path& file) {
  std::string text = read_file(file);
  if (text.find(kPlaceholder) == std::string::npos)
    throw InputError(file.string(), 0, "", "a template must contain {question} where the problem goes");
  return {file.string(), "", text, text};
}

}  // namespace rlvr::client
