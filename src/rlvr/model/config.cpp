#include "rlvr/model/config.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "rlvr/util/error.h"
#include "rlvr/util/files.h"

namespace rlvr::model {

long long ModelConfig::parameter_count() const {
  long long d = d_model, f = d_ff, v = vocab_size;
  long long per_layer = 2 * d             // two RMSNorm weights
                        + 3 * d * d       // fused q, k, v
                        + d * d           // attention output
                        + 2 * d * f       // fused gate and up
                        + f * d;          // down
  return v * d + n_layers * per_layer + d + d * v;  // embedding, layers, final norm, head
}

void ModelConfig::validate(const std::string& source) const {
  auto fail = [&](const char* field, const std::string& problem) {
    throw InputError(source, 0, field, problem);
  };
  if (vocab_size <= 0) fail("vocab_size", fmt::format("must be positive, got {}", vocab_size));
  if (d_model <= 0) fail("d_model", fmt::format("must be positive, got {}", d_model));
  if (n_layers <= 0) fail("n_layers", fmt::format("must be positive, got {}", n_layers));
  if (n_heads <= 0 || d_model % n_heads != 0)
    fail("n_heads", fmt::format("must divide d_model = {}, got {}", d_model, n_heads));
  if (head_dim() % 2 != 0)
    fail("n_heads", fmt::format("head size d_model/n_heads = {} must be even for rotary positions",
                                head_dim()));
  if (d_ff <= 0) fail("d_ff", fmt::format("must be positive, got {}", d_ff));
  if (max_seq_len < 2) fail("max_seq_len", fmt::format("must be at least 2, got {}", max_seq_len));
  if (!(rope_theta > 0)) fail("rope_theta", "must be positive");
  if (!(norm_eps > 0)) fail("norm_eps", "must be positive");
}

ModelConfig preset_config(const std::string& name) {
  ModelConfig c;
  if (name == "quick") return c;  // the defaults above
  if (name == "tiny") {
    c.d_model = 64;
    c.n_layers = 2;
    c.n_heads = 2;
    c.d_ff = 176;
    c.max_seq_len = 128;
    return c;
  }
  throw Error(fmt::format("unknown model preset '{}' (known: quick, tiny)", name));
}

std::string config_to_json(const ModelConfig& c) {
  nlohmann::ordered_json j;
  j["vocab_size"] = c.vocab_size;
  j["d_model"] = c.d_model;
  j["n_layers"] = c.n_layers;
  j["n_heads"] = c.n_heads;
  j["d_ff"] = c.d_ff;
  j["max_seq_len"] = c.max_seq_len;
  j["rope_theta"] = c.rope_theta;
  j["norm_eps"] = c.norm_eps;
  return j.dump(2) + "\n";
}

ModelConfig config_from_json(const std::string& text, const std::string& source) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    throw InputError(source, 0, "", fmt::format("not valid JSON: {}", e.what()));
  }
  if (!j.is_object()) throw InputError(source, 0, "", "expected a JSON object of model sizes");
  ModelConfig c;
  for (auto& [key, value] : j.items()) {
    auto integer = [&](int& out) {
      if (!value.is_number_integer())
        throw InputError(source, 0, key, fmt::format("expected an integer, got {}", value.dump()));
      out = value.get<int>();
    };
    auto real = [&](double& out) {
      if (!value.is_number())
        throw InputError(source, 0, key, fmt::format("expected a number, got {}", value.dump()));
      out = value.get<double>();
    };
    if (key == "vocab_size") integer(c.vocab_size);
    else if (key == "d_model") integer(c.d_model);
    else if (key == "n_layers") integer(c.n_layers);
    else if (key == "n_heads") integer(c.n_heads);
    else if (key == "d_ff") integer(c.d_ff);
    else if (key == "max_seq_len") integer(c.max_seq_len);
    else if (key == "rope_theta") real(c.rope_theta);
    else if (key == "norm_eps") real(c.norm_eps);
    else
      throw InputError(source, 0, key,
                       "unknown field (expected vocab_size, d_model, n_layers, n_heads, d_ff, "
                       "max_seq_len, rope_theta, norm_eps)");
  }
  return c;
}

ModelConfig load_config(const std::filesystem::path& path) {
  return config_from_json(read_file(path), path.string());
}

}  // namespace rlvr::model
