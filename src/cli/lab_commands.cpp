#include "cli/lab_commands.h"

#include <stdexcept>

namespace rlvr::cli {

const std::vector<LabCommand>& lab_commands() {
  static const std::vector<LabCommand> commands = {
      {"distill",
       "fine-tune a base model on traces of a stronger teacher (the family's teacher strategy or a "
       "teacher checkpoint)"},
      {"pretrain", "train a base model from scratch on a task family's corpus (resumes after a kill)"},
      {"sample", "sample a model on a task family's problems into a flat sample file (resumable)"},
      {"serve", "serve a laboratory checkpoint with the OpenAI API (completions with echo and logprobs, chat)"},
      {"study",
       "run the whole experiment from one config: pretrain, RL, distill, sample, verify, analyze, "
       "perplexity, report; or, for models served elsewhere or on disk ([[models]]), sample to report"},
      {"train", "RLVR: train a base model on a task family with one of the reference algorithms "
                "(--algo; see train --help)"},
  };
  return commands;
}

std::string lab_description(const std::string& name) {
  for (const LabCommand& command : lab_commands())
    if (name == command.name) return command.description;
  throw std::logic_error("lab command '" + name + "' is missing from cli/lab_commands.cpp");
}

}  // namespace rlvr::cli
