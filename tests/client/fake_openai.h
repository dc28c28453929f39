// Real HTTP servers on 127.0.0.1 for the client's tests: a small
// OpenAI-compatible server whose answers are a pure function of the request
// (so tests know what each sample must say), and a proxy in front of it that
// injects faults (server errors, rate limits, malformed or truncated bodies,
// stalls, redirects) on the requests a plan names.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include <fmt/format.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

namespace rlvr::client::testing {

// The log-prob the fake server gives a character: a fixed function of its
// byte, so a test can compute the perplexity it must find.
inline double fake_char_logprob(unsigned char c) { return -(1.0 + c % 13) / 10.0; }

inline std::string fake_completion(const std::string& prompt, size_t k) {
  return fmt::format("reply {} to '{}' \\boxed{{{}}}", k, prompt.substr(0, 40), k);
}

// A subclass whose handlers use its own members must call stop() in its own
// destructor: by the time ~LocalServer runs, those members are gone, and a
// request still in a handler (a stalled one) would read them.
class LocalServer {
 public:
  virtual ~LocalServer() { stop(); }
  int port() const { return port_; }
  std::string url() const { return fmt::format("http://127.0.0.1:{}/v1", port_); }
  void stop() {
    if (thread_.joinable()) {
      server_.stop();
      thread_.join();
    }
  }

 protected:
  // Binds to `port` (0: any free port) and serves in a thread.
  void start(int port) {
    server_.new_task_queue = [] { return new httplib::ThreadPool(96); };
    server_.set_keep_alive_max_count(1000000);
    if (port == 0) {
      port_ = server_.bind_to_any_port("127.0.0.1");
    } else {
      for (int i = 0; i < 100 && !server_.bind_to_port("127.0.0.1", port); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      port_ = port;
    }
    if (port_ <= 0) throw std::runtime_error("cannot bind a local port");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  httplib::Server server_;

 private:
  int port_ = 0;
  std::thread thread_;
};

class FakeOpenAi : public LocalServer {
 public:
  explicit FakeOpenAi(int port = 0) {
    auto generate = [this](const httplib::Request& req, httplib::Response& res, bool chat) {
      ++requests;
      if (delay_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms.load()));
      nlohmann::json body = nlohmann::json::parse(req.body);
      if (body.value("model", "") != "fake-model") {
        res.status = 404;
        res.set_content(R"({"error": {"message": "The model does not exist."}})", "application/json");
        return;
      }
      std::string prompt = chat ? body["messages"].back()["content"].get<std::string>() : body["prompt"].get<std::string>();
      size_t n = body.value("n", 1);
      samples_asked += static_cast<int>(n);
      nlohmann::json choices = nlohmann::json::array();
      if (!chat && body.value("echo", false)) {
        nlohmann::json tokens = nlohmann::json::array(), values = nlohmann::json::array(),
                       offsets = nlohmann::json::array();
        for (size_t i = 0; i < prompt.size(); ++i) {  // one token per byte (tests use ASCII)
          tokens.push_back(prompt.substr(i, 1));
          values.push_back(i == 0 ? nlohmann::json(nullptr) : nlohmann::json(fake_char_logprob(prompt[i])));
          offsets.push_back(i);
        }
        tokens.push_back("!");
        values.push_back(-3.0);
        offsets.push_back(prompt.size());
        choices.push_back({{"index", 0}, {"text", prompt + "!"}, {"finish_reason", "length"},
                           {"logprobs", {{"tokens", tokens}, {"token_logprobs", values}, {"text_offset", offsets}}}});
        res.set_content(nlohmann::json({{"choices", choices},
                                        {"usage", {{"prompt_tokens", prompt.size()}, {"completion_tokens", 1}}}})
                            .dump(),
                        "application/json");
        return;
      }
      for (size_t k = 0; k < n; ++k) {
        std::string text = fake_completion(prompt, k);
        size_t words = 1 + std::count(text.begin(), text.end(), ' ');
        nlohmann::json choice = {{"index", k}, {"finish_reason", (prompt.size() + k) % 5 == 0 ? "length" : "stop"}};
        if (chat) choice["message"] = {{"role", "assistant"}, {"content", text}};
        else choice["text"] = text;
        nlohmann::json values = nlohmann::json::array();
        for (size_t w = 0; w < words; ++w) values.push_back(-0.5);
        if (chat && body.value("logprobs", false)) {
          nlohmann::json content = nlohmann::json::array();
          for (size_t w = 0; w < words; ++w) content.push_back({{"token", "w"}, {"logprob", -0.5}});
          choice["logprobs"] = {{"content", content}};
        } else if (!chat && body.contains("logprobs")) {
          choice["logprobs"] = {{"token_logprobs", values}};
        }
        choices.push_back(choice);
      }
      // Reverse order: clients must place choices by their index.
      std::reverse(choices.begin(), choices.end());
      res.set_content(nlohmann::json({{"choices", choices}, {"usage", {{"prompt_tokens", 5}}}}).dump(),
                      "application/json");
    };
    server_.Post("/v1/completions",
                 [generate](const httplib::Request& q, httplib::Response& r) { generate(q, r, false); });
    server_.Post("/v1/chat/completions",
                 [generate](const httplib::Request& q, httplib::Response& r) { generate(q, r, true); });
    start(port);
  }
  ~FakeOpenAi() override { stop(); }

  std::atomic<int> requests{0};
  std::atomic<int> samples_asked{0};
  std::atomic<int> delay_ms{0};
};

enum class Fault { none, status500, status429, status400, malformed, truncated, stall, redirect };

// Forwards to `target`, unless plan(request number, counted from 0) names a fault.
class FaultProxy : public LocalServer {
 public:
  FaultProxy(int target_port, std::function<Fault(int)> plan, int stall_ms = 1500, std::string redirect_to = "")
      : plan_(std::move(plan)), stall_ms_(stall_ms), redirect_to_(std::move(redirect_to)),
        target_port_(target_port) {
    server_.Post(R"(/v1/.*)", [this](const httplib::Request& req, httplib::Response& res) {
      int number = requests++;
      Fault fault = plan_(number);
      if (fault != Fault::none) ++faults;
      switch (fault) {
        case Fault::status500:
          res.status = 500;
          res.set_content("Internal Server Error", "text/plain");
          return;
        case Fault::status429:
          res.status = 429;
          res.set_content(R"({"error": "rate limited"})", "application/json");
          return;
        case Fault::status400:
          res.status = 400;
          res.set_content(R"({"error": {"message": "bad request: max_tokens too large"}})", "application/json");
          return;
        case Fault::redirect:
          res.status = 307;
          res.set_header("Location", redirect_to_);
          return;
        default:
          break;
      }
      if (fault == Fault::stall) std::this_thread::sleep_for(std::chrono::milliseconds(stall_ms_));
      httplib::Client upstream("127.0.0.1", target_port_);
      auto answer = upstream.Post(req.path.c_str(), req.body, "application/json");
      if (!answer) {
        res.status = 502;
        return;
      }
      std::string full = answer->body;
      res.status = answer->status;
      if (fault == Fault::malformed) {
        res.set_content(full.substr(0, full.size() / 2), "application/json");  // cut JSON, valid HTTP
      } else if (fault == Fault::truncated) {
        // Promise the whole body, send half, close: a body cut on the wire.
        res.set_content_provider(full.size(), "application/json",
                                 [full](size_t, size_t, httplib::DataSink& sink) {
                                   sink.write(full.data(), full.size() / 2);
                                   return false;
                                 });
      } else {
        res.set_content(full, "application/json");
      }
    });
    start(0);
  }
  ~FaultProxy() override { stop(); }

  std::atomic<int> requests{0};
  std::atomic<int> faults{0};

 private:
  std::function<Fault(int)> plan_;
  int stall_ms_;
  std::string redirect_to_;
  int target_port_;
};

}  // namespace rlvr::client::testing
