#include "rlvr/client/http_client.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <mutex>
#include <random>
#include <thread>

#include <fmt/format.h>
#include <httplib.h>

namespace rlvr::client {

Endpoint parse_endpoint(const std::string& url) {
  size_t scheme_end = url.find("://");
  if (scheme_end == std::string::npos)
    throw Error(fmt::format("endpoint '{}': expected http://host:port[/path]", url));
  std::string scheme = url.substr(0, scheme_end);
  if (scheme != "http" && scheme != "https")
    throw Error(fmt::format("endpoint '{}': scheme must be http or https", url));
  size_t path_start = url.find('/', scheme_end + 3);
  Endpoint e;
  e.origin = url.substr(0, path_start);
  if (e.origin.size() <= scheme_end + 3) throw Error(fmt::format("endpoint '{}': no host", url));
  e.prefix = path_start == std::string::npos ? "" : url.substr(path_start);
  while (!e.prefix.empty() && e.prefix.back() == '/') e.prefix.pop_back();
  if (e.prefix.empty()) e.prefix = "/v1";
  return e;
}

// Idle keep-alive connections of one endpoint. A connection that failed is
// dropped rather than returned, so a retry always starts on a fresh socket.
struct HttpClient::Pool {
  std::mutex mutex;
  std::vector<std::unique_ptr<httplib::Client>> idle;
  std::atomic<int64_t> requests{0}, retries{0};
};

HttpClient::HttpClient(const std::vector<std::string>& endpoints, RetryPolicy retry, std::string api_key)
    : retry_(retry), api_key_(std::move(api_key)) {
  if (endpoints.empty()) throw Error("no endpoint given");
  if (retry_.attempts < 1) throw Error("retries: at least one attempt is needed");
  for (const std::string& url : endpoints) {
    endpoints_.push_back(parse_endpoint(url));
    pools_.push_back(std::make_unique<Pool>());
  }
}

HttpClient::~HttpClient() = default;

ClientCounters HttpClient::counters() const {
  ClientCounters c;
  for (const auto& p : pools_) {
    c.requests += p->requests.load();
    c.retries += p->retries.load();
  }
  return c;
}

namespace {

std::string snippet(const std::string& body) {
  std::string s = body.substr(0, 200);
  std::replace(s.begin(), s.end(), '\n', ' ');
  return body.size() > 200 ? s + "..." : s;
}

bool retryable_status(int status) { return status == 429 || status == 408 || status >= 500; }

double jittered_backoff(const RetryPolicy& retry, int attempt) {
  thread_local std::mt19937_64 rng(std::random_device{}());
  double base = std::min(retry.max_backoff_s, retry.first_backoff_s * std::pow(2.0, attempt));
  return base * std::uniform_real_distribution<double>(0.5, 1.0)(rng);
}

}  // namespace

nlohmann::json HttpClient::post(const std::string& path, const std::string& body, size_t spread,
                                const std::function<void(const nlohmann::json&)>& check) {
  return request("POST", path, body, spread, true, check);
}

nlohmann::json HttpClient::get(size_t endpoint, const std::string& path) {
  return request("GET", path, "", endpoint, false, [](const nlohmann::json&) {});
}

nlohmann::json HttpClient::request(const std::string& method, const std::string& path, const std::string& body,
                                   size_t spread, bool rotate,
                                   const std::function<void(const nlohmann::json&)>& check) {
  std::string last_failure;
  std::string last_url;
  for (int attempt = 0; attempt < retry_.attempts; ++attempt) {
    size_t index = (spread + (rotate ? static_cast<size_t>(attempt) : 0)) % endpoints_.size();
    const Endpoint& endpoint = endpoints_[index];
    Pool& pool = *pools_[index];
    last_url = endpoint.url() + path;
    std::unique_ptr<httplib::Client> connection;
    {
      std::lock_guard lock(pool.mutex);
      if (!pool.idle.empty()) {
        connection = std::move(pool.idle.back());
        pool.idle.pop_back();
      }
    }
    if (!connection) {
      connection = std::make_unique<httplib::Client>(endpoint.origin);
      connection->set_keep_alive(true);
      // Without it a request's headers and body leave as two small writes and
      // the body waits for the server's delayed ACK (~40 ms on Linux): 64
      // requests in flight then make ~700 requests/s whatever the server does.
      connection->set_tcp_nodelay(true);
      connection->set_follow_location(false);
      auto seconds = [](double s) { return std::chrono::microseconds(static_cast<int64_t>(s * 1e6)); };
      connection->set_connection_timeout(seconds(retry_.connect_timeout_s));
      connection->set_read_timeout(seconds(retry_.read_timeout_s));
      connection->set_write_timeout(seconds(retry_.read_timeout_s));
      if (!api_key_.empty()) connection->set_bearer_token_auth(api_key_.c_str());
    }
    double retry_after = -1;
    httplib::Result result = method == "POST"
        ? connection->Post((endpoint.prefix + path).c_str(), body, "application/json")
        : connection->Get((endpoint.prefix + path).c_str());
    bool healthy = false;
    if (!result) {
      last_failure = fmt::format("no response ({})", httplib::to_string(result.error()));
    } else if (result->status != 200) {
      if (!retryable_status(result->status))
        throw Error(fmt::format("{} {}: HTTP {}: {}", method, last_url, result->status, snippet(result->body)));
      last_failure = fmt::format("HTTP {}: {}", result->status, snippet(result->body));
      if (result->has_header("Retry-After")) {
        try {
          retry_after = std::stod(result->get_header_value("Retry-After"));
        } catch (const std::exception&) {
        }
      }
      healthy = true;
    } else {
      nlohmann::json reply = nlohmann::json::parse(result->body, nullptr, false);
      healthy = true;
      if (reply.is_discarded() || !reply.is_object()) {
        last_failure = fmt::format("the reply is not a JSON object ({} bytes: {})", result->body.size(),
                                   snippet(result->body));
      } else {
        try {
          check(reply);
          std::lock_guard lock(pool.mutex);
          pool.idle.push_back(std::move(connection));
          pool.requests++;
          return reply;
        } catch (const BadResponse& e) {
          last_failure = fmt::format("unexpected reply: {}", e.what());
        }
      }
    }
    if (healthy && result->get_header_value("Connection") != "close") {
      std::lock_guard lock(pool.mutex);
      pool.idle.push_back(std::move(connection));
    }
    if (attempt + 1 == retry_.attempts) break;
    pool.retries++;
    double wait = jittered_backoff(retry_, attempt);
    if (retry_after >= 0) wait = std::min(retry_.max_backoff_s, std::max(wait, retry_after));
    std::this_thread::sleep_for(std::chrono::microseconds(static_cast<int64_t>(wait * 1e6)));
  }
  throw Error(fmt::format("{} {}: gave up after {} attempt(s); last failure: {}", method, last_url,
                          retry_.attempts, last_failure));
}

}  // namespace rlvr::client
