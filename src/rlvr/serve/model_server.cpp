#include "rlvr/serve/model_server.h"

#include <random>

#include <fmt/format.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "rlvr/model/checkpoint.h"
#include "rlvr/model/transformer.h"
#include "rlvr/serve/engine_queue.h"
#include "rlvr/util/error.h"
#include "rlvr/util/seed.h"

namespace rlvr::serve {

using nlohmann::json;

namespace {

// A request the client got wrong: answered 400 with the message.
struct BadRequest : Error {
  using Error::Error;
};

void reply_error(httplib::Response& res, int status, const std::string& message, const std::string& type) {
  res.status = status;
  res.set_content(json({{"error", {{"message", message}, {"type", type}, {"code", status}}}}).dump(),
                  "application/json");
}

template <typename T>
T field(const json& body, const char* name, T fallback) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) return fallback;
  try {
    return it->get<T>();
  } catch (const json::exception&) {
    throw BadRequest(fmt::format("field '{}': wrong type", name));
  }
}

}  // namespace

struct ModelServer::Impl {
  ServeOptions options;
  model::LoadedModel loaded;
  std::unique_ptr<EngineQueue> engine;
  httplib::Server http;
  std::string name;
  int64_t created = 0;

  std::vector<int> encode(const std::string& text) const {
    std::vector<int> ids;
    size_t pos = 0;
    for (;;) {
      size_t eos = text.find(kEosText, pos);
      std::string_view piece = std::string_view(text).substr(pos, eos == std::string::npos ? std::string::npos : eos - pos);
      try {
        std::vector<int> part = loaded.tokenizer.encode(piece);
        ids.insert(ids.end(), part.begin(), part.end());
      } catch (const Error& e) {
        throw BadRequest(fmt::format("the prompt cannot be tokenized: {}", e.what()));
      }
      if (eos == std::string::npos) break;
      ids.push_back(model::Tokenizer::kEos);
      pos = eos + std::string_view(kEosText).size();
    }
    return ids;
  }

  std::string piece(int id) const {
    return id == model::Tokenizer::kEos ? std::string(kEosText) : loaded.tokenizer.piece(id);
  }

  model::SamplingOptions sampling(const json& body) const {
    model::SamplingOptions o;
    o.temperature = field<double>(body, "temperature", 1.0);
    o.top_p = field<double>(body, "top_p", 1.0);
    o.top_k = std::max(0, field<int>(body, "top_k", 0));
    o.max_new_tokens = field<int>(body, "max_tokens", 16);
    if (body.contains("max_completion_tokens")) o.max_new_tokens = field<int>(body, "max_completion_tokens", 16);
    if (o.max_new_tokens < 0) throw BadRequest("max_tokens must not be negative");
    if (o.top_p <= 0 || o.top_p > 1) throw BadRequest("top_p must be in (0, 1]");
    if (body.contains("stop") && !body["stop"].is_null()) {
      if (body["stop"].is_string()) o.stop.push_back(body["stop"]);
      else o.stop = field<std::vector<std::string>>(body, "stop", {});
    }
    o.ignore_eos = field<bool>(body, "ignore_eos", false);  // vLLM's extension, for benchmarks
    o.batch_size = options.max_batch_rows;
    return o;
  }

  std::vector<uint64_t> seeds(const json& body, int n) const {
    thread_local std::mt19937_64 rng(std::random_device{}());
    uint64_t base = body.contains("seed") && !body["seed"].is_null() ? field<uint64_t>(body, "seed", 0) : rng();
    std::vector<uint64_t> out;
    for (int k = 0; k < n; ++k) out.push_back(derive_seed(base, {static_cast<uint64_t>(k)}));
    return out;
  }

  void check_model(const json& body) const {
    std::string asked = field<std::string>(body, "model", name);
    if (asked != name) throw std::out_of_range(fmt::format("The model '{}' does not exist (this server has '{}')", asked, name));
  }

  void check_length(size_t prompt_tokens) const {
    if (static_cast<int>(prompt_tokens) + 1 > loaded.model->config().max_seq_len)
      throw BadRequest(fmt::format("the prompt has {} tokens; this model reads at most {} (bos included)", prompt_tokens,
                                   loaded.model->config().max_seq_len));
  }

  static void finish(json& choice, const model::Completion& c, const std::vector<std::string>& stop) {
    if (c.finish_reason == "length") {
      choice["finish_reason"] = "length";
      choice["stop_reason"] = nullptr;
    } else {
      choice["finish_reason"] = "stop";
      choice["stop_reason"] = nullptr;
      for (const std::string& s : stop)
        if (c.finish_reason == "stop" && c.text.size() >= s.size() &&
            c.text.compare(c.text.size() - s.size(), s.size(), s) == 0)
          choice["stop_reason"] = s;
    }
  }

  json completions(const json& body) {
    check_model(body);
    if (!body.contains("prompt") || !body["prompt"].is_string())
      throw BadRequest("'prompt' must be one string (lists of prompts are not supported)");
    std::string prompt = body["prompt"];
    int n = field<int>(body, "n", 1);
    if (n < 1 || n > 4096) throw BadRequest("n must be between 1 and 4096");
    bool echo = field<bool>(body, "echo", false);
    bool want_logprobs = body.contains("logprobs") && !body["logprobs"].is_null();
    model::SamplingOptions o = sampling(body);
    std::vector<int> ids = encode(prompt);
    check_length(ids.size());
    std::vector<float> prompt_logprobs;
    if (echo && want_logprobs) prompt_logprobs = engine->score(ids);
    std::vector<model::Completion> outs;
    if (o.max_new_tokens > 0) {
      outs = engine->generate(ids, seeds(body, n), o);
    } else {
      if (!echo) throw BadRequest("max_tokens 0 needs echo");
      outs.assign(static_cast<size_t>(n), model::Completion{{}, {}, "", 0.0, "length"});
    }
    json choices = json::array();
    int64_t completion_tokens = 0;
    for (size_t k = 0; k < outs.size(); ++k) {
      const model::Completion& c = outs[k];
      json choice = {{"index", k}, {"text", (echo ? prompt : std::string()) + c.text}};
      finish(choice, c, o.stop);
      if (want_logprobs) {
        json tokens = json::array(), values = json::array(), offsets = json::array(), top = json::array();
        size_t offset = 0;
        auto add = [&](int id, json value) {
          std::string text = piece(id);
          tokens.push_back(text);
          values.push_back(std::move(value));
          offsets.push_back(offset);
          top.push_back(nullptr);
          offset += id == model::Tokenizer::kEos ? std::string_view(kEosText).size() : 1;
        };
        if (echo)
          for (size_t t = 0; t < ids.size(); ++t) add(ids[t], prompt_logprobs[t]);
        for (size_t t = 0; t < c.tokens.size(); ++t) add(c.tokens[t], c.token_logprobs[t]);
        choice["logprobs"] = {{"tokens", tokens}, {"token_logprobs", values}, {"text_offset", offsets},
                              {"top_logprobs", top}};
      } else {
        choice["logprobs"] = nullptr;
      }
      completion_tokens += static_cast<int64_t>(c.tokens.size());
      choices.push_back(std::move(choice));
    }
    return response(ids.size(), "cmpl", "text_completion", std::move(choices), completion_tokens);
  }

  // The envelope both endpoints share: id, object, time, model, choices, usage.
  json response(size_t prompt_tokens, const char* id_prefix, const char* object, json choices,
                int64_t completion_tokens) const {
    return {{"id", fmt::format("{}-{}", id_prefix, std::random_device{}())},
            {"object", object},
            {"created", created},
            {"model", name},
            {"choices", std::move(choices)},
            {"usage",
             {{"prompt_tokens", prompt_tokens},
              {"completion_tokens", completion_tokens},
              {"total_tokens", static_cast<int64_t>(prompt_tokens) + completion_tokens}}}};
  }

  json chat(const json& body) {
    check_model(body);
    if (!body.contains("messages") || !body["messages"].is_array() || body["messages"].empty())
      throw BadRequest("'messages' must be a non-empty list");
    std::string prompt;
    for (const json& m : body["messages"]) {
      if (!m.is_object() || !m.contains("content") || !m["content"].is_string())
        throw BadRequest("every message needs 'content' text");
      prompt += m["content"].get<std::string>();
    }
    int n = field<int>(body, "n", 1);
    if (n < 1 || n > 4096) throw BadRequest("n must be between 1 and 4096");
    bool want_logprobs = field<bool>(body, "logprobs", false);
    model::SamplingOptions o = sampling(body);
    std::vector<int> ids = encode(prompt);
    check_length(ids.size());
    std::vector<model::Completion> outs = engine->generate(ids, seeds(body, n), o);
    json choices = json::array();
    int64_t completion_tokens = 0;
    for (size_t k = 0; k < outs.size(); ++k) {
      const model::Completion& c = outs[k];
      json choice = {{"index", k}, {"message", {{"role", "assistant"}, {"content", c.text}}}};
      finish(choice, c, o.stop);
      if (want_logprobs) {
        json content = json::array();
        for (size_t t = 0; t < c.tokens.size(); ++t)
          content.push_back({{"token", piece(c.tokens[t])}, {"logprob", c.token_logprobs[t]}, {"top_logprobs", json::array()}});
        choice["logprobs"] = {{"content", content}};
      } else {
        choice["logprobs"] = nullptr;
      }
      completion_tokens += static_cast<int64_t>(c.tokens.size());
      choices.push_back(std::move(choice));
    }
    return response(ids.size(), "chatcmpl", "chat.completion", std::move(choices), completion_tokens);
  }

  void route(const char* path, json (Impl::*handler)(const json&)) {
    http.Post(path, [this, handler](const httplib::Request& req, httplib::Response& res) {
      json body = json::parse(req.body, nullptr, false);
      if (body.is_discarded() || !body.is_object())
        return reply_error(res, 400, "the request body is not a JSON object", "invalid_request_error");
      try {
        res.set_content((this->*handler)(body).dump(), "application/json");
      } catch (const BadRequest& e) {
        reply_error(res, 400, e.what(), "invalid_request_error");
      } catch (const std::out_of_range& e) {
        reply_error(res, 404, e.what(), "NotFoundError");
      } catch (const std::exception& e) {
        reply_error(res, 500, e.what(), "internal_error");
      }
    });
  }
};

ModelServer::ModelServer(const std::filesystem::path& model_dir, ServeOptions options) : impl_(std::make_unique<Impl>()) {
  Impl& s = *impl_;
  s.options = std::move(options);
  model::set_threads(s.options.threads);
  s.loaded = model::load_model(model_dir);
  s.name = s.options.served_name.empty() ? std::filesystem::weakly_canonical(model_dir).filename().string()
                                         : s.options.served_name;
  s.created = static_cast<int64_t>(std::time(nullptr));
  s.engine = std::make_unique<EngineQueue>(s.loaded, s.options.max_batch_rows, s.options.batch_wait_ms);
  int http_threads = s.options.http_threads;
  s.http.new_task_queue = [http_threads] { return new httplib::ThreadPool(static_cast<size_t>(http_threads)); };
  s.http.set_keep_alive_max_count(1000000);
  s.http.set_tcp_nodelay(true);  // small replies leave at once, not after a delayed ACK
  s.http.set_read_timeout(600);
  s.http.set_write_timeout(600);
  s.http.Get("/v1/models", [&s](const httplib::Request&, httplib::Response& res) {
    json model = {{"id", s.name}, {"object", "model"}, {"created", s.created}, {"owned_by", "rlvr"},
                  {"max_model_len", s.loaded.model->config().max_seq_len}};
    res.set_content(json({{"object", "list"}, {"data", json::array({model})}}).dump(), "application/json");
  });
  s.route("/v1/completions", &Impl::completions);
  s.route("/v1/chat/completions", &Impl::chat);
}

ModelServer::~ModelServer() = default;

void ModelServer::run(const std::function<void(const std::string&)>& ready) {
  Impl& s = *impl_;
  int port = s.options.port;
  if (port == 0) {
    port = s.http.bind_to_any_port(s.options.host);
  } else if (!s.http.bind_to_port(s.options.host, port)) {
    port = -1;
  }
  if (port <= 0) throw Error(fmt::format("serve: cannot listen on {}:{}", s.options.host, s.options.port));
  ready(fmt::format("http://{}:{}/v1", s.options.host, port));
  s.http.listen_after_bind();
}

void ModelServer::stop() { impl_->http.stop(); }

}  // namespace rlvr::serve
