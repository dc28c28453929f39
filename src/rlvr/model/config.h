// Sizes of a decoder-only transformer, kept as plain data (no libtorch) so that
// configs can be read, written and compared anywhere. Stored as config.json in
// every checkpoint.
#pragma once

#include <filesystem>
#include <string>

namespace rlvr::model {

struct ModelConfig {
  int vocab_size = 0;     // from the tokenizer; 0 in a config file means "fill in"
  int d_model = 128;      // width of the residual stream
  int n_layers = 4;
  int n_heads = 4;        // d_model must be a multiple of n_heads; head size must be even (rotary)
  int d_ff = 352;         // hidden width of the SwiGLU feed-forward (about 8/3 d_model)
  int max_seq_len = 256;  // longest sequence (bos + prompt + completion) the model accepts
  double rope_theta = 10000.0;
  double norm_eps = 1e-5;

  int head_dim() const { return d_model / n_heads; }
  // Number of trainable parameters (embedding and output head included).
  long long parameter_count() const;
  // Throws rlvr::Error naming `source` and the field when sizes are inconsistent.
  void validate(const std::string& source) const;
  bool operator==(const ModelConfig&) const = default;
};

// Named presets: "quick" (trains in minutes on 2 CPU cores), "tiny" (tests).
ModelConfig preset_config(const std::string& name);

std::string config_to_json(const ModelConfig& config);
// Parses JSON text; `source` names the file in error messages. Unknown fields
// are rejected so that a misspelt size never silently falls back to a default.
ModelConfig config_from_json(const std::string& text, const std::string& source);
ModelConfig load_config(const std::filesystem::path& path);

}  // namespace rlvr::model
