#include "rlvr/train/pretrain.h"

#include <chrono>
#include <cmath>
#include <limits>
#include <cstdio>
#include <sstream>

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "rlvr/model/checkpoint.h"
#include "rlvr/train/pretrain_batch.h"
#include "rlvr/train/sharded_backward.h"
#include "rlvr/util/error.h"
#include "rlvr/util/files.h"
#include "rlvr/util/progress.h"
#include "rlvr/util/seed.h"

namespace fs = std::filesystem;
using namespace rlvr::model;

namespace rlvr::train {

double pretrain_lr(const PretrainOptions& o, int64_t step) {
  if (step < o.warmup_steps) return o.lr * static_cast<double>(step + 1) / o.warmup_steps;
  double span = std::max<int64_t>(1, o.steps - o.warmup_steps);
  double progress = std::min(1.0, static_cast<double>(step - o.warmup_steps) / span);
  return o.min_lr + 0.5 * (o.lr - o.min_lr) * (1.0 + std::cos(M_PI * progress));
}

// Rows of `row_len` tokens packed with whole documents, drawn with
// replacement by a hash of (seed, step, k): a resumed run sees exactly the
// batches it would have seen. Each document keeps its own positions (from 0)
// and sees only itself, so packing changes nothing but the padding saved.
PackedBatch pack_batch(const std::vector<std::vector<int>>& docs, int rows, int64_t row_len, uint64_t seed,
                 int64_t step) {
  PackedBatch b;
  b.inputs = torch::full({rows, row_len}, Tokenizer::kPad, torch::kInt64);
  b.targets = torch::full({rows, row_len}, -100, torch::kInt64);
  b.positions = torch::zeros({rows, row_len}, torch::kInt64);
  torch::Tensor doc_id = torch::empty({rows, row_len}, torch::kInt64);
  auto in = b.inputs.accessor<int64_t, 2>();
  auto out = b.targets.accessor<int64_t, 2>();
  auto pos = b.positions.accessor<int64_t, 2>();
  auto id = doc_id.accessor<int64_t, 2>();
  uint64_t k = 0;
  int64_t next_id = 0;
  for (int r = 0; r < rows; ++r) {
    int64_t used = 0;
    while (true) {
      uint64_t h = derive_seed(seed, {0x70726574ULL, static_cast<uint64_t>(step), k});
      const auto& seq = docs[h % docs.size()];
      const int64_t len = static_cast<int64_t>(seq.size());
      if (used + len > row_len && used > 0) break;  // starts the next row
      ++k;
      for (int64_t t = 0; t < len; ++t) {
        in[r][used + t] = seq[t];
        pos[r][used + t] = t;
        id[r][used + t] = next_id;
        if (t + 1 < len) out[r][used + t] = seq[t + 1];
      }
      b.tokens += len - 1;
      used += len;
      ++next_id;
    }
    for (int64_t t = used; t < row_len; ++t) id[r][t] = -1 - t;  // padding: each slot on its own
  }
  torch::Tensor same = doc_id.unsqueeze(2) == doc_id.unsqueeze(1);  // [B, T, T]
  torch::Tensor causal = torch::ones({row_len, row_len}, torch::kBool).tril();
  b.bias = torch::zeros({rows, 1, row_len, row_len})
               .masked_fill_((same & causal).logical_not().unsqueeze(1),
                             -std::numeric_limits<float>::infinity());
  return b;
}

namespace {

std::string run_settings(const ModelConfig& config, const Tokenizer& tokenizer, const PretrainOptions& o,
                         size_t documents) {
  nlohmann::ordered_json j;
  j["model"] = nlohmann::json::parse(config_to_json(config));
  j["alphabet"] = tokenizer.alphabet();
  j["steps"] = o.steps;
  j["batch_size"] = o.batch_size;
  j["shards"] = o.shards;
  j["lr"] = o.lr;
  j["min_lr"] = o.min_lr;
  j["warmup_steps"] = o.warmup_steps;
  j["weight_decay"] = o.weight_decay;
  j["clip_norm"] = o.clip_norm;
  j["seed"] = o.seed;
  j["documents"] = documents;
  j["loss"] = "all tokens after bos";
  j["init"] = o.init;
  j["run"] = nlohmann::json::parse(o.settings_json);
  return j.dump(2) + "\n";
}

// Keeps the metrics lines of steps up to `step` (a resumed run rewrites what
// came after its checkpoint) and drops a torn last line.
void trim_metrics(const fs::path& file, int64_t step) {
  if (!fs::exists(file)) return;
  std::istringstream in(read_file(file));
  std::string line, kept;
  while (std::getline(in, line)) {
    try {
      auto j = nlohmann::json::parse(line);
      if (j.value("step", int64_t{0}) <= step) kept += line + "\n";
    } catch (const nlohmann::json::exception&) {
      std::fprintf(stderr, "pretrain: dropped a torn line of %s\n", file.c_str());
    }
  }
  write_file_atomically(file, kept);
}

bool has_eval_at(const fs::path& file, int64_t step) {
  std::istringstream in(read_file(file));
  std::string line;
  while (std::getline(in, line)) {
    try {
      auto j = nlohmann::json::parse(line);
      if (j.contains("eval") && j.value("step", int64_t{-1}) == step) return true;
    } catch (const nlohmann::json::exception&) {
    }
  }
  return false;
}

void append_line(const fs::path& file, const std::string& line) {
  std::FILE* f = std::fopen(file.c_str(), "a");
  if (!f) throw Error(fmt::format("{}: cannot append", file.string()));
  std::fputs((line + "\n").c_str(), f);
  std::fflush(f);
  std::fclose(f);
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// The weights to start from: a checkpoint's (fine-tuning keeps its sizes,
// which replace `config`) or none yet (fresh weights once the config is final).
Transformer starting_weights(ModelConfig& config, const Tokenizer& tokenizer, const PretrainOptions& o) {
  if (o.init.empty()) return Transformer{nullptr};
  LoadedModel start = load_model(o.init);
  if (start.tokenizer.alphabet() != tokenizer.alphabet())
    throw Error(fmt::format("{}: the checkpoint's alphabet differs from the task's", o.init));
  config = start.model->config();
  return start.model;
}

// bos + text + eos of each document that fits the context.
std::vector<std::vector<int>> encode_documents(const std::vector<PretrainDocument>& documents,
                                               const Tokenizer& tokenizer, int max_seq_len) {
  std::vector<std::vector<int>> docs;
  size_t too_long = 0;
  for (const auto& d : documents) {
    std::vector<int> seq{Tokenizer::kBos};
    for (int id : tokenizer.encode(d.prompt + d.completion)) seq.push_back(id);
    seq.push_back(Tokenizer::kEos);
    if (static_cast<int>(seq.size()) > max_seq_len) {
      ++too_long;
      continue;
    }
    docs.push_back(std::move(seq));
  }
  if (too_long)
    std::fprintf(stderr, "pretrain: skipped %zu of %zu documents longer than the context of %d\n", too_long,
                 documents.size(), max_seq_len);
  if (docs.empty()) throw Error("pretrain: no documents fit the model's context");
  return docs;
}

struct StepFigures {
  double loss = 0, grad_norm = 0, lr = 0;
  int64_t tokens = 0;
};

// One optimiser step on one packed batch: next-token cross-entropy over
// every target, clipped gradients, AdamW at the schedule's rate. The batch's
// rows go through the model in o.shards contiguous shards, each summing its
// tokens' losses over the whole batch's target count, so that the shards'
// gradients add up to the batch's mean.
StepFigures train_step(ShardedBackward& sharded, AdamW& optimizer, const NamedTensors& params,
                       const PackedBatch& batch, const PretrainOptions& o, int64_t step) {
  const int64_t B = batch.inputs.size(0), T = batch.inputs.size(1);
  const int shards = static_cast<int>(std::min<int64_t>(o.shards, B));
  const double targets = static_cast<double>(std::max<int64_t>(1, batch.tokens));
  auto loss_of = [&](Transformer& model, int shard) {
    const int64_t first = B * shard / shards, rows = B * (shard + 1) / shards - first;
    torch::Tensor logits = model->forward(batch.inputs.narrow(0, first, rows), batch.positions.narrow(0, first, rows),
                                          batch.bias.narrow(0, first, rows));
    torch::Tensor sum = torch::nn::functional::cross_entropy(
        logits.reshape({rows * T, logits.size(2)}), batch.targets.narrow(0, first, rows).reshape({rows * T}),
        torch::nn::functional::CrossEntropyFuncOptions().ignore_index(-100).reduction(torch::kSum));
    return sum / targets;
  };
  StepFigures f;
  f.loss = sharded.backward(shards, loss_of);
  f.grad_norm = clip_grad_norm(params, o.clip_norm);
  f.lr = pretrain_lr(o, step);
  optimizer.step(f.lr);
  sharded.refresh();
  f.tokens = batch.tokens;
  return f;
}

// Sums over the steps since the last metrics line. They travel with the
// checkpoint so that a resumed run logs the same figures as an
// uninterrupted one.
struct LogInterval {
  double loss_sum = 0, norm_sum = 0;
  int64_t tokens_sum = 0, steps = 0;
  std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();

  void add(const StepFigures& f) {
    loss_sum += f.loss;
    norm_sum += f.grad_norm;
    tokens_sum += f.tokens;
    ++steps;
  }
  // The metrics line of the interval ending at `step`; starts the next interval.
  std::string close(int64_t step, double lr) {
    double secs = seconds_since(start);
    nlohmann::ordered_json j;
    j["step"] = step;
    j["loss"] = loss_sum / steps;
    j["lr"] = lr;
    j["grad_norm"] = norm_sum / steps;
    j["tokens_per_s"] = secs > 0 ? tokens_sum / secs : 0.0;
    *this = LogInterval{};
    return j.dump();
  }
  std::string state() const {
    nlohmann::json extra = {
        {"loss_sum", loss_sum}, {"norm_sum", norm_sum}, {"tokens_sum", tokens_sum}, {"interval", steps}};
    return extra.dump();
  }
  void restore(const std::string& state) {
    auto extra = nlohmann::json::parse(state);
    loss_sum = extra.value("loss_sum", 0.0);
    norm_sum = extra.value("norm_sum", 0.0);
    tokens_sum = extra.value("tokens_sum", int64_t{0});
    steps = extra.value("interval", int64_t{0});
  }
};

// The files of a pretraining run in `out`.
struct RunFiles {
  fs::path out, settings, state, metrics;
  explicit RunFiles(const fs::path& dir)
      : out(dir),
        settings(dir / "pretrain.json"),
        state(dir / "training_state.safetensors"),
        metrics(dir / "metrics.jsonl") {}
};

// Resumes a run with the same settings from its state file (returns its
// step), or starts one afresh (returns 0).
int64_t resume_or_start(const RunFiles& files, const std::string& settings, Transformer& model, AdamW& optimizer,
                        LogInterval& interval, int total_steps) {
  if (!fs::exists(files.state)) {
    write_file_atomically(files.settings, settings);
    write_file_atomically(files.metrics, "");
    return 0;
  }
  if (!fs::exists(files.settings) || read_file(files.settings) != settings)
    throw Error(
        fmt::format("{} holds a run with other settings (see {}); choose another --out "
                    "or remove it",
                    files.out.string(), files.settings.string()));
  TrainingState state = load_training_state(files.state, model, optimizer);
  interval.restore(state.extra_json);
  trim_metrics(files.metrics, state.step);
  std::fprintf(stderr, "pretrain: resuming %s at step %lld of %d\n", files.out.c_str(),
               static_cast<long long>(state.step), total_steps);
  return state.step;
}

}  // namespace

PretrainResult pretrain(const fs::path& out, ModelConfig config, const Tokenizer& tokenizer,
                        const std::vector<PretrainDocument>& documents, const PretrainOptions& o,
                        const PretrainEvaluator& evaluate) {
  auto start_time = std::chrono::steady_clock::now();
  if (o.steps <= 0 || o.batch_size <= 0 || o.shards <= 0)
    throw Error("pretrain: steps, batch size and shards must be positive");
  const int threads = set_threads(o.threads);
  Transformer model = starting_weights(config, tokenizer, o);
  config.vocab_size = tokenizer.vocab_size();
  config.validate("model config");
  const std::vector<std::vector<int>> docs = encode_documents(documents, tokenizer, config.max_seq_len);

  fs::create_directories(out);
  const RunFiles files(out);
  const std::string settings = run_settings(config, tokenizer, o, documents.size());
  if (!model) model = make_transformer(config, derive_seed(o.seed, {0x696e6974ULL}));
  AdamW optimizer(model->named_weights(),
                  AdamWOptions{.beta1 = 0.9, .beta2 = 0.95, .eps = 1e-8, .weight_decay = o.weight_decay});
  LogInterval interval;
  PretrainResult result;
  int64_t step = resume_or_start(files, settings, model, optimizer, interval, o.steps);
  result.resumed_from = step;
  auto run_eval = [&](int64_t at) {
    if (!evaluate) return;
    model->eval();
    result.final_eval = evaluate(model, at);
    model->train();
    nlohmann::ordered_json j;
    j["step"] = at;
    j["eval"] = result.final_eval;
    append_line(files.metrics, j.dump());
  };

  // With a thread for each shard, the shards run side by side, each on one
  // share of the threads; the caller gets its thread count back however the
  // run ends.
  const int side_by_side = o.shards > 1 && threads >= o.shards ? o.shards : 1;
  struct ThreadsRestored {
    int threads;
    ~ThreadsRestored() { set_threads(threads); }
  } restore{threads};
  if (side_by_side > 1) set_threads(threads / side_by_side);
  ShardedBackward sharded(model, side_by_side);
  Progress progress("pretrain", o.steps, "steps");
  progress.advance(step);
  interval.start = std::chrono::steady_clock::now();
  while (step < o.steps) {
    const PackedBatch batch = pack_batch(docs, o.batch_size, config.max_seq_len, o.seed, step);
    const StepFigures figures = train_step(sharded, optimizer, optimizer.params(), batch, o, step);
    ++step;
    progress.advance();
    interval.add(figures);
    if (step % o.log_every == 0 || step == o.steps) {
      result.final_loss = interval.loss_sum / interval.steps;
      append_line(files.metrics, interval.close(step, figures.lr));
    }
    if (o.eval_every > 0 && step % o.eval_every == 0 && step != o.steps) run_eval(step);
    if (step % o.checkpoint_every == 0 || step == o.steps) {
      save_model(out, model, tokenizer);
      save_training_state(files.state, model, optimizer, {step, interval.state()});
    }
  }
  progress.finish();
  // The final weights' evaluation (also when a run killed right after its
  // last save is started again).
  if (!has_eval_at(files.metrics, o.steps)) run_eval(o.steps);
  result.steps_done = step;
  result.seconds = seconds_since(start_time);
  return result;
}

}  // namespace rlvr::train
