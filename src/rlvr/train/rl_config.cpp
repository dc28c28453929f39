#include "rlvr/train/rl_config.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <functional>
#include <optional>
#include <span>
#include <variant>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <toml++/toml.h>
#include <nlohmann/json.hpp>

#include "rlvr/train/rl_advantages.h"
#include "rlvr/util/error.h"

namespace rlvr::train {

namespace {

// The names of each closed set of options: the one list that parsing,
// printing, validation and the option descriptions read.
template <typename E>
struct Choice {
  E value;
  std::string_view name;
};

constexpr Choice<KlMode> kKlModes[] = {
    {KlMode::kNone, "none"}, {KlMode::kReward, "reward"}, {KlMode::kLoss, "loss"}};
constexpr Choice<KlEstimator> kKlEstimators[] = {
    {KlEstimator::kK1, "k1"}, {KlEstimator::kK2, "k2"}, {KlEstimator::kK3, "k3"}};
constexpr Choice<LossAggregation> kLossAggregations[] = {
    {LossAggregation::kTokenMean, "token-mean"},
    {LossAggregation::kSeqMeanTokenSum, "seq-mean-token-sum"},
    {LossAggregation::kSeqMeanTokenMean, "seq-mean-token-mean"},
    {LossAggregation::kSeqMeanTokenSumNorm, "seq-mean-token-sum-norm"},
};

std::span<const Choice<KlMode>> choices(KlMode) { return kKlModes; }
std::span<const Choice<KlEstimator>> choices(KlEstimator) { return kKlEstimators; }
constexpr Choice<FilterMetric> kFilterMetrics[] = {
    {FilterMetric::kAccuracy, "acc"}, {FilterMetric::kScore, "score"}};

std::span<const Choice<LossAggregation>> choices(LossAggregation) { return kLossAggregations; }
std::span<const Choice<FilterMetric>> choices(FilterMetric) { return kFilterMetrics; }

template <typename E>
std::vector<std::string> choice_names() {
  std::vector<std::string> names;
  for (const auto& c : choices(E{})) names.emplace_back(c.name);
  return names;
}

template <typename E>
std::optional<E> find_choice(std::string_view name) {
  for (const auto& c : choices(E{}))
    if (c.name == name) return c.value;
  return std::nullopt;
}

template <typename E>
std::string_view choice_name(E value) {
  for (const auto& c : choices(E{}))
    if (c.value == value) return c.name;
  throw Error("an option holds a value outside its set");
}

template <typename E>
E parse_choice(std::string_view name, const char* what) {
  if (std::optional<E> value = find_choice<E>(name)) return *value;
  throw Error(fmt::format("unknown {} \"{}\"; known: {}", what, name, fmt::join(choice_names<E>(), ", ")));
}

std::vector<std::string> estimator_names() {
  std::vector<std::string> names;
  for (const AdvantageEstimator& e : advantage_estimators()) names.push_back(e.name);
  return names;
}

using FieldPtr =
    std::variant<int64_t*, uint64_t*, double*, bool*, std::string*, KlMode*, KlEstimator*, LossAggregation*,
                 FilterMetric*>;

struct Field {
  const char* key;
  std::string description;
  std::function<FieldPtr(RlConfig&)> get;
  std::vector<std::string> names{};  // the accepted names of a named option (empty: any value)
};

// "a | b | c", then what the option means.
std::string name_list(const std::vector<std::string>& names, std::string_view meaning) {
  return fmt::format("{}{}{}", fmt::join(names, " | "), meaning.empty() ? "" : ": ", meaning);
}

// One row per option: the single place that maps a key to its member.
const std::vector<Field>& fields() {
  static const std::vector<Field> table = {
      {"advantage.estimator", name_list(estimator_names(), "advantage estimator (rl_advantages.h)"),
       [](RlConfig& c) -> FieldPtr { return &c.advantage.estimator; }, estimator_names()},
      {"advantage.gamma", "discount of GAE and of REINFORCE++'s return-to-go",
       [](RlConfig& c) -> FieldPtr { return &c.advantage.gamma; }},
      {"advantage.lambda", "GAE lambda", [](RlConfig& c) -> FieldPtr { return &c.advantage.lambda; }},
      {"advantage.eps", "GRPO: A = (s - mean) / (std + eps)",
       [](RlConfig& c) -> FieldPtr { return &c.advantage.eps; }},
      {"advantage.norm_by_std", "GRPO: divide by the group's std (false: Dr. GRPO)",
       [](RlConfig& c) -> FieldPtr { return &c.advantage.norm_by_std; }},
      {"advantage.pass_k", "passk: the k of pass@k training (1 <= k <= rollout.group_size)",
       [](RlConfig& c) -> FieldPtr { return &c.advantage.pass_k; }},
      {"rollout.prompts_per_step", "prompts in one rollout batch",
       [](RlConfig& c) -> FieldPtr { return &c.rollout.prompts_per_step; }},
      {"rollout.group_size", "samples per prompt (G)",
       [](RlConfig& c) -> FieldPtr { return &c.rollout.group_size; }},
      {"rollout.max_response_tokens", "longest response sampled",
       [](RlConfig& c) -> FieldPtr { return &c.rollout.max_response_tokens; }},
      {"rollout.temperature", "sampling temperature of rollouts",
       [](RlConfig& c) -> FieldPtr { return &c.rollout.temperature; }},
      {"rollout.top_p", "nucleus sampling of rollouts (1 = off)",
       [](RlConfig& c) -> FieldPtr { return &c.rollout.top_p; }},
      {"rollout.recompute_logprobs", "recompute old log-probs by a forward pass (verl) instead of the sampler's",
       [](RlConfig& c) -> FieldPtr { return &c.rollout.recompute_logprobs; }},
      {"rollout.ignore_eos", "benchmarks only: sample max_response_tokens tokens, past end-of-sequence",
       [](RlConfig& c) -> FieldPtr { return &c.rollout.ignore_eos; }},
      {"reward.format_reward", "added to the score when an answer could be extracted",
       [](RlConfig& c) -> FieldPtr { return &c.reward.format_reward; }},
      {"reward.overlong", "DAPO overlong shaping on/off",
       [](RlConfig& c) -> FieldPtr { return &c.reward.overlong_enabled; }},
      {"reward.overlong_max_len", "L_max of overlong shaping (0: rollout.max_response_tokens)",
       [](RlConfig& c) -> FieldPtr { return &c.reward.overlong_max_len; }},
      {"reward.overlong_buffer", "B of overlong shaping (0: L_max / 5)",
       [](RlConfig& c) -> FieldPtr { return &c.reward.overlong_buffer; }},
      {"reward.overlong_factor", "penalty factor of overlong shaping",
       [](RlConfig& c) -> FieldPtr { return &c.reward.overlong_factor; }},
      {"dynamic_sampling.enabled", "DAPO: drop groups whose filter values are all equal, resample",
       [](RlConfig& c) -> FieldPtr { return &c.dynamic_sampling.enabled; }},
      {"dynamic_sampling.metric",
       name_list(choice_names<FilterMetric>(), "what the filter compares: the verdict or the shaped reward"),
       [](RlConfig& c) -> FieldPtr { return &c.dynamic_sampling.metric; }, choice_names<FilterMetric>()},
      {"dynamic_sampling.max_rounds", "generation rounds per step at most",
       [](RlConfig& c) -> FieldPtr { return &c.dynamic_sampling.max_rounds; }},
      {"loss.clip_low", "ratio clipped below at 1 - clip_low",
       [](RlConfig& c) -> FieldPtr { return &c.loss.clip_low; }},
      {"loss.clip_high", "ratio clipped above at 1 + clip_high",
       [](RlConfig& c) -> FieldPtr { return &c.loss.clip_high; }},
      {"loss.dual_clip_c", "dual clip: for A < 0 the loss is at most -c * A (> 1)",
       [](RlConfig& c) -> FieldPtr { return &c.loss.dual_clip_c; }},
      {"loss.agg_mode", name_list(choice_names<LossAggregation>(), "how token losses make one number"),
       [](RlConfig& c) -> FieldPtr { return &c.loss.agg_mode; }, choice_names<LossAggregation>()},
      {"loss.norm_length", "divisor of seq-mean-token-sum-norm (0: rollout.max_response_tokens)",
       [](RlConfig& c) -> FieldPtr { return &c.loss.norm_length; }},
      {"loss.entropy_coef", "entropy bonus: loss -= coef * entropy",
       [](RlConfig& c) -> FieldPtr { return &c.loss.entropy_coef; }},
      {"kl.mode",
       name_list(choice_names<KlMode>(), "KL to the reference as a per-token reward penalty or a loss term"),
       [](RlConfig& c) -> FieldPtr { return &c.kl.mode; }, choice_names<KlMode>()},
      {"kl.estimator", name_list(choice_names<KlEstimator>(), "KL estimator with d = logp - logp_ref"),
       [](RlConfig& c) -> FieldPtr { return &c.kl.estimator; }, choice_names<KlEstimator>()},
      {"kl.coef", "KL coefficient (beta)", [](RlConfig& c) -> FieldPtr { return &c.kl.coef; }},
      {"kl.reset_every", "copy the current policy into the KL reference every N steps (0: never)",
       [](RlConfig& c) -> FieldPtr { return &c.kl.reset_every; }},
      {"value.clip", "value clip: V within V_old +- clip", [](RlConfig& c) -> FieldPtr { return &c.value.clip; }},
      {"value.coef", "weight of the value loss", [](RlConfig& c) -> FieldPtr { return &c.value.coef; }},
      {"value.lr", "learning rate of the value head", [](RlConfig& c) -> FieldPtr { return &c.value.lr; }},
      {"optim.lr", "policy learning rate (AdamW)", [](RlConfig& c) -> FieldPtr { return &c.optim.lr; }},
      {"optim.beta1", "AdamW beta1", [](RlConfig& c) -> FieldPtr { return &c.optim.beta1; }},
      {"optim.beta2", "AdamW beta2", [](RlConfig& c) -> FieldPtr { return &c.optim.beta2; }},
      {"optim.weight_decay", "AdamW weight decay", [](RlConfig& c) -> FieldPtr { return &c.optim.weight_decay; }},
      {"optim.warmup_steps", "RL steps of linear learning-rate warm-up",
       [](RlConfig& c) -> FieldPtr { return &c.optim.warmup_steps; }},
      {"optim.grad_clip", "global gradient-norm clip (0: off)",
       [](RlConfig& c) -> FieldPtr { return &c.optim.grad_clip; }},
      {"optim.epochs", "update passes over each rollout batch",
       [](RlConfig& c) -> FieldPtr { return &c.optim.epochs; }},
      {"optim.minibatch_prompts", "prompts (with all their samples) per optimiser step (0: the whole batch)",
       [](RlConfig& c) -> FieldPtr { return &c.optim.minibatch_prompts; }},
      {"eval.every", "steps between held-out evaluations (0: start and end only)",
       [](RlConfig& c) -> FieldPtr { return &c.eval.every; }},
      {"eval.problems", "held-out problems per evaluation",
       [](RlConfig& c) -> FieldPtr { return &c.eval.problems; }},
      {"eval.samples", "samples per held-out problem (pass@k for k up to this)",
       [](RlConfig& c) -> FieldPtr { return &c.eval.samples; }},
      {"eval.temperature", "sampling temperature of evaluation",
       [](RlConfig& c) -> FieldPtr { return &c.eval.temperature; }},
      {"eval.top_p", "nucleus sampling of evaluation", [](RlConfig& c) -> FieldPtr { return &c.eval.top_p; }},
      {"task.difficulty", "difficulty of training and held-out problems (0: family default)",
       [](RlConfig& c) -> FieldPtr { return &c.task.difficulty; }},
      {"task.seed", "seed of problem generation (train and held-out)",
       [](RlConfig& c) -> FieldPtr { return &c.task.seed; }},
      {"run.steps", "RL steps (rollout batches)", [](RlConfig& c) -> FieldPtr { return &c.run.steps; }},
      {"run.seed", "seed of all randomness", [](RlConfig& c) -> FieldPtr { return &c.run.seed; }},
      {"run.threads", "CPU threads", [](RlConfig& c) -> FieldPtr { return &c.run.threads; }},
      {"run.checkpoint_every", "steps between checkpoints (0: at the end only)",
       [](RlConfig& c) -> FieldPtr { return &c.run.checkpoint_every; }},
  };
  return table;
}

const Field* find_field(std::string_view key) {
  for (const Field& f : fields())
    if (key == f.key) return &f;
  return nullptr;
}

const char* type_name(const FieldPtr& p) {
  return std::visit(
      [](auto* ptr) -> const char* {
        using T = std::remove_pointer_t<decltype(ptr)>;
        if constexpr (std::is_same_v<T, bool>) return "bool";
        else if constexpr (std::is_same_v<T, double>) return "float";
        else if constexpr (std::is_same_v<T, std::string> || std::is_enum_v<T>) return "string";
        else return "int";
      },
      p);
}

std::string trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t");
  size_t e = s.find_last_not_of(" \t");
  return b == std::string_view::npos ? std::string() : std::string(s.substr(b, e - b + 1));
}

template <typename Int>
bool parse_int(const std::string& text, Int& out) {
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && ptr == text.data() + text.size();
}

bool parse_double(const std::string& text, double& out) {
  if (text.empty()) return false;
  char* end = nullptr;
  errno = 0;
  out = std::strtod(text.c_str(), &end);
  return errno == 0 && end == text.c_str() + text.size() && std::isfinite(out);
}

std::string known_keys() {
  std::string all;
  for (const Field& f : fields()) all += std::string(all.empty() ? "" : ", ") + f.key;
  return all;
}

std::string one_of_problem(const std::vector<std::string>& names, std::string_view got) {
  return fmt::format("expected one of {}, got \"{}\"", fmt::join(names, ", "), got);
}

bool is_one_of(const std::vector<std::string>& names, std::string_view value) {
  return std::find(names.begin(), names.end(), value) != names.end();
}

// An option's value as text ("loss", "0.28", "true").
std::string value_text(const FieldPtr& ptr) {
  return std::visit(
      [](auto* p) -> std::string {
        using T = std::remove_pointer_t<decltype(p)>;
        if constexpr (std::is_same_v<T, bool>) return *p ? "true" : "false";
        else if constexpr (std::is_same_v<T, std::string>) return *p;
        else if constexpr (std::is_enum_v<T>) return std::string(choice_name(*p));
        else if constexpr (std::is_same_v<T, double>) return fmt::format("{}", *p);
        else return std::to_string(*p);
      },
      ptr);
}

}  // namespace

std::string_view option_name(KlMode mode) { return choice_name(mode); }
std::string_view option_name(KlEstimator estimator) { return choice_name(estimator); }
std::string_view option_name(LossAggregation mode) { return choice_name(mode); }
std::string_view option_name(FilterMetric metric) { return choice_name(metric); }

KlMode parse_kl_mode(std::string_view name) { return parse_choice<KlMode>(name, "KL mode"); }
KlEstimator parse_kl_estimator(std::string_view name) { return parse_choice<KlEstimator>(name, "KL estimator"); }
LossAggregation parse_loss_aggregation(std::string_view name) {
  return parse_choice<LossAggregation>(name, "loss aggregation");
}
FilterMetric parse_filter_metric(std::string_view name) {
  return parse_choice<FilterMetric>(name, "filter metric");
}

int64_t RlConfig::updates_per_step() const {
  const int64_t per_minibatch = optim.minibatch_prompts > 0 ? optim.minibatch_prompts : rollout.prompts_per_step;
  return optim.epochs * ((rollout.prompts_per_step + per_minibatch - 1) / per_minibatch);
}

int64_t RlConfig::resolved_norm_length() const {
  return loss.norm_length > 0 ? loss.norm_length : rollout.max_response_tokens;
}

int64_t RlConfig::resolved_overlong_max_len() const {
  return reward.overlong_max_len > 0 ? reward.overlong_max_len : rollout.max_response_tokens;
}

int64_t RlConfig::resolved_overlong_buffer() const {
  return reward.overlong_buffer > 0 ? reward.overlong_buffer
                                    : std::max<int64_t>(1, resolved_overlong_max_len() / 5);
}

// Sets one option; returns what was wrong (empty on success).
static std::string try_set_option(RlConfig& config, const std::string& key, const std::string& text) {
  const Field* field = find_field(key);
  if (!field) return "unknown option; known options: " + known_keys();
  if (!field->names.empty() && !is_one_of(field->names, text)) return one_of_problem(field->names, text);
  FieldPtr ptr = field->get(config);
  bool ok = std::visit(
      [&](auto* p) -> bool {
        using T = std::remove_pointer_t<decltype(p)>;
        if constexpr (std::is_same_v<T, bool>) {
          if (text == "true" || text == "1" || text == "on") return *p = true, true;
          if (text == "false" || text == "0" || text == "off") return *p = false, true;
          return false;
        } else if constexpr (std::is_same_v<T, double>) {
          return parse_double(text, *p);
        } else if constexpr (std::is_same_v<T, std::string>) {
          *p = text;
          return true;
        } else if constexpr (std::is_enum_v<T>) {
          *p = *find_choice<T>(text);  // a name of the set, checked above
          return true;
        } else {
          return parse_int(text, *p);
        }
      },
      ptr);
  if (!ok) return fmt::format("expected {} value, got \"{}\"", type_name(ptr), text);
  return {};
}

void set_rl_option(RlConfig& config, std::string_view key_in, std::string_view value_in,
                   const std::string& source) {
  std::string key = trim(key_in);
  std::string problem = try_set_option(config, key, trim(value_in));
  if (!problem.empty()) throw InputError(source, 0, key, problem);
}

void apply_rl_assignment(RlConfig& config, std::string_view assignment) {
  size_t eq = assignment.find('=');
  if (eq == std::string_view::npos)
    throw InputError("--set", 0, std::string(assignment), "expected key=value");
  set_rl_option(config, assignment.substr(0, eq), assignment.substr(eq + 1));
}

std::string rl_option_value(const RlConfig& config_in, std::string_view key) {
  RlConfig config = config_in;
  const Field* field = find_field(key);
  if (!field) throw InputError("option", 0, std::string(key), "unknown option");
  return value_text(field->get(config));
}

std::vector<RlOptionKey> rl_option_keys() {
  RlConfig scratch;
  std::vector<RlOptionKey> out;
  for (const Field& f : fields()) out.push_back({f.key, type_name(f.get(scratch)), f.description});
  return out;
}

std::string rl_config_json(const RlConfig& config_in) {
  RlConfig config = config_in;
  nlohmann::ordered_json j;
  j["algorithm"] = config.algorithm;
  for (const Field& f : fields())
    std::visit(
        [&](auto* p) {
          if constexpr (std::is_enum_v<std::remove_pointer_t<decltype(p)>>)
            j[f.key] = std::string(choice_name(*p));
          else j[f.key] = *p;
        },
        f.get(config));
  return j.dump();
}

void apply_rl_config_file(RlConfig& config, const std::filesystem::path& path) {
  toml::table root;
  try {
    root = toml::parse_file(path.string());
  } catch (const toml::parse_error& e) {
    throw InputError(path.string(), static_cast<long>(e.source().begin.line), "",
                     std::string("TOML syntax: ") + std::string(e.description()));
  }
  if (auto algo = root["algorithm"].value<std::string>()) {
    config = rl_preset(*algo);
  } else if (root.contains("algorithm")) {
    throw InputError(path.string(), 0, "algorithm", "expected a string preset name");
  }
  // Flatten nested tables into dotted keys, keeping each node's source line.
  std::function<void(const toml::table&, const std::string&)> walk =
      [&](const toml::table& table, const std::string& prefix) {
        for (const auto& [k, node] : table) {
          std::string key = prefix.empty() ? std::string(k.str()) : prefix + "." + std::string(k.str());
          if (key == "algorithm") continue;
          long line = static_cast<long>(node.source().begin.line);
          if (const toml::table* sub = node.as_table()) {
            walk(*sub, key);
            continue;
          }
          std::string text;
          if (auto s = node.value_exact<std::string>()) text = *s;
          else if (auto b = node.value_exact<bool>()) text = *b ? "true" : "false";
          else if (auto i = node.value_exact<int64_t>()) text = std::to_string(*i);
          else if (auto d = node.value_exact<double>()) text = fmt::format("{}", *d);
          else throw InputError(path.string(), line, key, "expected a string, number or boolean");
          std::string problem = try_set_option(config, key, text);
          if (!problem.empty()) throw InputError(path.string(), line, key, problem);
        }
      };
  walk(root, "");
  validate(config);
}

void validate(const RlConfig& c) {
  auto fail = [](const char* key, const std::string& problem) {
    throw InputError("config", 0, key, problem);
  };
  // The closed sets (kl.mode, ...) are enums, checked when they were set;
  // names of registries are checked against the registries.
  if (std::vector<std::string> names = rl_preset_names(); !is_one_of(names, c.algorithm))
    fail("algorithm", one_of_problem(names, c.algorithm));
  if (std::vector<std::string> names = estimator_names(); !is_one_of(names, c.advantage.estimator))
    fail("advantage.estimator", one_of_problem(names, c.advantage.estimator));
  if (c.rollout.prompts_per_step < 1) fail("rollout.prompts_per_step", "expected >= 1");
  if (c.rollout.group_size < 1) fail("rollout.group_size", "expected >= 1");
  if (c.advantage.pass_k < 1 || c.advantage.pass_k > c.rollout.group_size)
    fail("advantage.pass_k", "expected 1 <= k <= rollout.group_size");
  if (c.rollout.max_response_tokens < 1) fail("rollout.max_response_tokens", "expected >= 1");
  if (c.rollout.temperature < 0) fail("rollout.temperature", "expected >= 0");
  if (c.rollout.top_p <= 0 || c.rollout.top_p > 1) fail("rollout.top_p", "expected in (0, 1]");
  if (c.loss.clip_low < 0 || c.loss.clip_low >= 1) fail("loss.clip_low", "expected in [0, 1)");
  if (c.loss.clip_high < 0) fail("loss.clip_high", "expected >= 0");
  if (c.loss.dual_clip_c <= 1) fail("loss.dual_clip_c", "expected > 1");
  if (c.loss.norm_length < 0) fail("loss.norm_length", "expected >= 0");
  if (c.reward.overlong_buffer < 0) fail("reward.overlong_buffer", "expected >= 0");
  if (c.reward.overlong_enabled && c.resolved_overlong_buffer() > c.resolved_overlong_max_len())
    fail("reward.overlong_buffer", "expected at most the overlong L_max");
  if (c.dynamic_sampling.max_rounds < 1) fail("dynamic_sampling.max_rounds", "expected >= 1");
  if (c.value.clip <= 0) fail("value.clip", "expected > 0");
  if (c.optim.lr <= 0) fail("optim.lr", "expected > 0");
  if (c.optim.epochs < 1) fail("optim.epochs", "expected >= 1");
  if (c.optim.minibatch_prompts < 0) fail("optim.minibatch_prompts", "expected >= 0");
  if (c.kl.reset_every < 0) fail("kl.reset_every", "expected >= 0");
  if (c.optim.grad_clip < 0) fail("optim.grad_clip", "expected >= 0");
  if (c.optim.warmup_steps < 0) fail("optim.warmup_steps", "expected >= 0");
  if (c.eval.samples < 1) fail("eval.samples", "expected >= 1");
  if (c.eval.problems < 0) fail("eval.problems", "expected >= 0");
  if (c.task.difficulty < 0) fail("task.difficulty", "expected >= 0");
  if (c.run.steps < 0) fail("run.steps", "expected >= 0");
  if (c.run.threads < 1) fail("run.threads", "expected >= 1");
}

}  // namespace rlvr::train
