// Requests to a set of OpenAI-compatible servers (vLLM, the laboratory's
// `rlvr serve`, ...), with retries. A request goes first to the endpoint its
// `spread` number picks, and each retry to the next one, so many requests in
// flight are spread over every endpoint and a dead server only costs time.
// Retried: connection failures, resets, time-outs, HTTP 429 and 5xx, and a
// body that is not the JSON the caller expects (malformed or truncated). Any
// other HTTP status is the caller's mistake and fails at once. Requests go
// only to the endpoints given (redirects are not followed). Thread-safe:
// connections are kept alive in a pool per endpoint.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "rlvr/util/error.h"

namespace rlvr::client {

struct RetryPolicy {
  int attempts = 8;                // tries per request, all endpoints together
  double first_backoff_s = 0.5;    // wait before the second try; doubles each time (with jitter)
  double max_backoff_s = 30;       // longest wait (also caps a server's Retry-After)
  double connect_timeout_s = 10;
  double read_timeout_s = 900;     // longest silence while waiting for a response
};

// Thrown by a response check when the body is not what was asked for; the
// request is then retried like a server error.
class BadResponse : public Error {
 public:
  using Error::Error;
};

// An endpoint URL: scheme://host[:port][/path]. Without a path the OpenAI
// prefix "/v1" is used, so "http://gpu1:8000" and "http://gpu1:8000/v1" are
// the same server.
struct Endpoint {
  std::string origin;  // scheme://host:port
  std::string prefix;  // "/v1"
  std::string url() const { return origin + prefix; }
};
Endpoint parse_endpoint(const std::string& url);

struct ClientCounters {
  int64_t requests = 0;  // answered successfully
  int64_t retries = 0;
};

class HttpClient {
 public:
  HttpClient(const std::vector<std::string>& endpoints, RetryPolicy retry, std::string api_key = "");
  ~HttpClient();

  // POSTs `body` (JSON) to <endpoint><path>, e.g. path "/completions".
  // `check` validates the parsed reply and throws BadResponse to retry.
  // Throws rlvr::Error naming the URL and the last failure once the tries are spent.
  nlohmann::json post(const std::string& path, const std::string& body, size_t spread,
                      const std::function<void(const nlohmann::json&)>& check);
  // GET <endpoint><path> from one endpoint (e.g. "/models"), with the same retries.
  nlohmann::json get(size_t endpoint, const std::string& path);

  const std::vector<Endpoint>& endpoints() const { return endpoints_; }
  ClientCounters counters() const;

 private:
  struct Pool;
  nlohmann::json request(const std::string& method, const std::string& path, const std::string& body,
                         size_t spread, bool rotate, const std::function<void(const nlohmann::json&)>& check);

  std::vector<Endpoint> endpoints_;
  RetryPolicy retry_;
  std::string api_key_;
  std::vector<std::unique_ptr<Pool>> pools_;
};

}  // namespace rlvr::client
