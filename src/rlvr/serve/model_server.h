// `rlvr serve`: a laboratory checkpoint behind the OpenAI API, so that the
// endpoint client, OpenAI client libraries and evaluation harnesses can use it:
//   GET  /v1/models
//   POST /v1/completions       prompt (string), n, temperature, top_p, top_k,
//                              max_tokens, stop, seed, logprobs, echo, ignore_eos
//   POST /v1/chat/completions  messages (their contents joined, in order, form
//                              the prompt: the models have no chat markup), n,
//                              the same sampling fields, logprobs
// Tokens are characters, so text offsets count code points as OpenAI's do.
// The end-of-sequence token is written "<|endoftext|>" in prompts (to score a
// completion with its eos); a completion that ended there has finish_reason
// "stop" and stop_reason null, one that ended at a stop string names it.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <string>

namespace rlvr::serve {

inline constexpr const char* kEosText = "<|endoftext|>";

struct ServeOptions {
  std::string host = "127.0.0.1";
  int port = 8000;           // 0: any free port
  std::string served_name;   // "" = the model folder's name
  int max_batch_rows = 64;   // rows decoded together
  int batch_wait_ms = 3;     // how long a request waits for others to share its batch
  int http_threads = 256;    // requests handled at once (each waits for its batch)
  int threads = 0;           // engine threads (0: all cores)
};

class ModelServer {
 public:
  ModelServer(const std::filesystem::path& model_dir, ServeOptions options);
  ~ModelServer();

  // Binds, then calls `ready` with the base URL (http://host:port/v1) and
  // serves until stop(). Throws rlvr::Error when the address cannot be bound.
  void run(const std::function<void(const std::string& url)>& ready);
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rlvr::serve
