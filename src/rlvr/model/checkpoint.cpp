#include "rlvr/model/checkpoint.h"

#include <random>

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "rlvr/util/error.h"
#include "rlvr/util/files.h"

namespace fs = std::filesystem;

namespace rlvr::model {

namespace {

void write_model_files(const fs::path& dir, const Transformer& model, const Tokenizer& tokenizer) {
  write_file_atomically(dir / "config.json", config_to_json(model->config()));
  write_file_atomically(dir / "tokenizer.json", tokenizer.to_json());
  write_safetensors(dir / "model.safetensors", model->named_weights(),
                    {{"format", "pt"}, {"producer", "rlvr"}});
}

}  // namespace

void save_model(const fs::path& dir, const Transformer& model, const Tokenizer& tokenizer) {
  if (model->config().vocab_size != tokenizer.vocab_size())
    throw Error(fmt::format("save_model: model vocabulary {} differs from the tokenizer's {}",
                            model->config().vocab_size, tokenizer.vocab_size()));
  if (fs::exists(dir)) {
    write_model_files(dir, model, tokenizer);
    return;
  }
  std::random_device entropy;
  fs::path temp = dir;
  temp += fmt::format(".tmp{:08x}", entropy());
  fs::create_directories(temp);
  try {
    write_model_files(temp, model, tokenizer);
    fs::rename(temp, dir);
  } catch (...) {
    std::error_code ignored;
    fs::remove_all(temp, ignored);
    throw;
  }
}

LoadedModel load_model(const fs::path& dir) {
  if (!fs::is_directory(dir))
    throw InputError(dir.string(), 0, "", "not a model directory (expected config.json, "
                                          "tokenizer.json, model.safetensors)");
  ModelConfig config = load_config(dir / "config.json");
  config.validate((dir / "config.json").string());
  LoadedModel out;
  out.tokenizer = Tokenizer::load(dir / "tokenizer.json");
  if (config.vocab_size != out.tokenizer.vocab_size())
    throw InputError((dir / "config.json").string(), 0, "vocab_size",
                     fmt::format("{} but tokenizer.json defines {} tokens", config.vocab_size,
                                 out.tokenizer.vocab_size()));
  out.model = Transformer(config);
  fs::path weights = dir / "model.safetensors";
  load_into(read_safetensors(weights), out.model->named_weights(), weights.string());
  return out;
}

void save_training_state(const fs::path& file, const Transformer& model, const AdamW& optimizer,
                         const TrainingState& state) {
  NamedTensors tensors;
  for (auto& [name, t] : model->named_weights()) tensors.emplace_back("model." + name, t);
  for (auto& [name, t] : optimizer.state()) tensors.emplace_back("optimizer." + name, t);
  write_safetensors(file, tensors,
                    {{"format", "rlvr-training-state-1"},
                     {"step", std::to_string(state.step)},
                     {"optimizer_steps", std::to_string(optimizer.steps())},
                     {"extra", state.extra_json}});
}

TrainingState load_training_state(const fs::path& file, Transformer& model, AdamW& optimizer) {
  SafetensorsFile content = read_safetensors(file);
  auto meta = [&](const char* key) {
    auto it = content.metadata.find(key);
    if (it == content.metadata.end())
      throw InputError(file.string(), 0, std::string("__metadata__.") + key, "missing");
    return it->second;
  };
  if (meta("format") != "rlvr-training-state-1")
    throw InputError(file.string(), 0, "__metadata__.format", "expected rlvr-training-state-1");
  NamedTensors targets;
  for (auto& [name, t] : model->named_weights()) targets.emplace_back("model." + name, t);
  for (auto& [name, t] : optimizer.state_targets()) targets.emplace_back("optimizer." + name, t);
  load_into(content, targets, file.string());
  TrainingState state;
  try {
    state.step = std::stoll(meta("step"));
    optimizer.set_steps(std::stoll(meta("optimizer_steps")));
  } catch (const std::logic_error&) {
    throw InputError(file.string(), 0, "__metadata__.step", "expected an integer");
  }
  state.extra_json = meta("extra");
  return state;
}

}  // namespace rlvr::model
