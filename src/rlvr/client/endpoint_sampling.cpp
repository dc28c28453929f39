#include "rlvr/client/endpoint_sampling.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <atomic>
#include <chrono>
#include <ctime>
#include <mutex>
#include <set>
#include <thread>

#include <fmt/format.h>

#include "rlvr/util/error.h"
#include "rlvr/util/files.h"
#include "rlvr/util/progress.h"
#include "rlvr/util/sample_lines.h"
#include "rlvr/util/seed.h"

namespace fs = std::filesystem;
using nlohmann::json;
using nlohmann::ordered_json;

namespace rlvr::client {

fs::path provenance_path(const fs::path& out) { return fs::path(out.string() + ".provenance.json"); }

namespace {

// One request: samples first .. first+count-1 of one question.
struct Job {
  size_t question;
  std::vector<int64_t> sample_ids;
};

struct Choice {
  std::string text;
  std::string finish_reason;
  json stop_reason;              // vLLM's stop_reason when the server sends it
  std::optional<int64_t> tokens;
  std::optional<double> logprob;
};

// Two runs appending to one file would make the same pairs twice: a run
// holds an exclusive lock on <out>.lock while it works (released by the
// kernel when the process dies, so a killed run never leaves it stuck).
class RunLock {
 public:
  explicit RunLock(const fs::path& out) : path_(out.string() + ".lock") {
    fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0) throw Error(fmt::format("{}: cannot open: {}", path_, std::strerror(errno)));
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
      ::close(fd_);
      throw Error(fmt::format("{}: another run is writing {} now", path_, out.string()));
    }
  }
  ~RunLock() { ::close(fd_); }
  RunLock(const RunLock&) = delete;
  RunLock& operator=(const RunLock&) = delete;

 private:
  std::string path_;
  int fd_ = -1;
};

// What decides the samples; a resumed run must match it.
ordered_json sampling_settings(const EndpointSampleOptions& o) {
  const SamplingParameters& p = o.parameters;
  return {{"served_model", o.served_model},
          {"api", o.api == Api::chat ? "chat" : "completions"},
          {"template", {{"name", o.prompt_template.name}, {"system", o.prompt_template.system},
                        {"user", o.prompt_template.user}, {"text", o.prompt_template.text}}},
          {"temperature", p.temperature},
          {"top_p", p.top_p},
          {"max_tokens", p.max_tokens},
          {"seed", p.seed ? ordered_json(*p.seed) : ordered_json(nullptr)},
          {"stop", p.stop},
          {"dataset", o.dataset}};
}

std::string utc_now() {
  std::time_t t = std::time(nullptr);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buffer;
}

// Reads the earlier runs' provenance (if any), refuses different settings.
ordered_json open_provenance(const fs::path& out, const ordered_json& settings) {
  fs::path path = provenance_path(out);
  ordered_json provenance = {{"settings", settings}, {"runs", ordered_json::array()}};
  if (!fs::exists(path)) return provenance;
  ordered_json old = ordered_json::parse(read_file(path), nullptr, false);
  if (old.is_discarded() || !old.is_object() || !old.contains("settings") || !old.contains("runs"))
    throw InputError(path.string(), 0, "settings", "not a provenance file of a sampling run");
  for (const auto& [key, value] : settings.items()) {
    if (!old["settings"].contains(key) || old["settings"][key] != value)
      throw Error(fmt::format("{}: the samples in {} were made with {} = {}, this run asks for {}; "
                              "use another --out, or the same settings",
                              path.string(), out.string(), key,
                              old["settings"].contains(key) ? old["settings"][key].dump() : "(unset)", value.dump()));
  }
  provenance["runs"] = old["runs"];
  return provenance;
}

json request_body(const EndpointSampleOptions& o, const Question& q, size_t question_index, const Job& job) {
  const SamplingParameters& p = o.parameters;
  json body = {{"model", o.served_model},
               {"n", job.sample_ids.size()},
               {"temperature", p.temperature},
               {"top_p", p.top_p},
               {"max_tokens", p.max_tokens}};
  if (!p.stop.empty()) body["stop"] = p.stop;
  if (p.seed) {
    // 31 bits: servers differ in the integer type they keep seeds in.
    body["seed"] = derive_seed(*p.seed, {static_cast<uint64_t>(question_index),
                                         static_cast<uint64_t>(job.sample_ids.front())}) & 0x7fffffffULL;
  }
  if (o.api == Api::chat) {
    body["messages"] = o.prompt_template.chat_messages(q.text);
    if (p.logprobs) {
      body["logprobs"] = true;
      body["top_logprobs"] = 0;
    }
  } else {
    body["prompt"] = o.prompt_template.completion_prompt(q.text);
    if (p.logprobs) body["logprobs"] = 0;
  }
  return body;
}

// Reads the choices of a reply; anything missing or mistyped is a BadResponse
// (and the request is retried), so only whole, well-formed samples are kept.
std::vector<Choice> read_choices(const json& reply, Api api, size_t n, bool logprobs) {
  auto choices = reply.find("choices");
  if (choices == reply.end() || !choices->is_array())
    throw BadResponse("no 'choices' list");
  if (choices->size() != n) throw BadResponse(fmt::format("{} choices for n = {}", choices->size(), n));
  std::vector<Choice> out(n);
  std::vector<bool> seen(n, false);
  for (size_t k = 0; k < n; ++k) {
    const json& c = (*choices)[k];
    if (!c.is_object()) throw BadResponse("a choice is not an object");
    size_t index = k;
    if (c.contains("index")) {
      if (!c["index"].is_number_unsigned() || c["index"].get<size_t>() >= n)
        throw BadResponse("a choice's 'index' is out of range");
      index = c["index"].get<size_t>();
    }
    if (seen[index]) throw BadResponse("two choices with one index");
    seen[index] = true;
    Choice& choice = out[index];
    if (api == Api::chat) {
      auto message = c.find("message");
      if (message == c.end() || !message->is_object() || !message->contains("content") ||
          !(*message)["content"].is_string())
        throw BadResponse("a choice without message.content text");
      choice.text = (*message)["content"].get<std::string>();
    } else {
      if (!c.contains("text") || !c["text"].is_string()) throw BadResponse("a choice without 'text'");
      choice.text = c["text"].get<std::string>();
    }
    if (!c.contains("finish_reason") || !c["finish_reason"].is_string())
      throw BadResponse("a choice without 'finish_reason'");
    choice.finish_reason = c["finish_reason"].get<std::string>();
    if (c.contains("stop_reason")) choice.stop_reason = c["stop_reason"];
    if (logprobs && c.contains("logprobs") && c["logprobs"].is_object()) {
      const json& lp = c["logprobs"];
      const json* list = nullptr;
      if (api == Api::chat && lp.contains("content") && lp["content"].is_array()) list = &lp["content"];
      if (api == Api::completions && lp.contains("token_logprobs") && lp["token_logprobs"].is_array())
        list = &lp["token_logprobs"];
      if (list) {
        double sum = 0;
        for (const json& t : *list) {
          const json& v = api == Api::chat ? (t.is_object() && t.contains("logprob") ? t["logprob"] : t) : t;
          if (v.is_number()) sum += v.get<double>();
        }
        choice.tokens = static_cast<int64_t>(list->size());
        choice.logprob = sum;
      }
    }
  }
  if (n == 1 && !out[0].tokens && reply.contains("usage") && reply["usage"].is_object() &&
      reply["usage"].contains("completion_tokens") && reply["usage"]["completion_tokens"].is_number_integer())
    out[0].tokens = reply["usage"]["completion_tokens"].get<int64_t>();
  return out;
}

}  // namespace

EndpointSampleResult sample_endpoints(const std::vector<Question>& questions, const EndpointSampleOptions& options,
                                      const fs::path& out) {
  if (options.samples_per_problem < 1) throw Error("sample: -n must be at least 1");
  if (options.samples_per_request < 1) throw Error("sample: --samples-per-request must be at least 1");
  if (options.concurrency < 1) throw Error("sample: --concurrency must be at least 1");
  if (options.served_model.empty()) throw Error("sample: --served-model is required");
  std::set<std::string> ids;
  for (const Question& q : questions)
    if (!ids.insert(q.id).second) throw Error(fmt::format("sample: problem id '{}' appears twice", q.id));

  auto start = std::chrono::steady_clock::now();
  if (out.has_parent_path()) fs::create_directories(out.parent_path());
  RunLock lock(out);
  HttpClient client(options.endpoints, options.retry, options.api_key);
  ordered_json provenance = open_provenance(out, sampling_settings(options));
  ExistingSamples existing = read_existing_samples(out, "sample");

  EndpointSampleResult result;
  result.dropped_torn_line = existing.dropped_torn_line;
  std::vector<Job> jobs;
  const size_t per_request = static_cast<size_t>(std::min(options.samples_per_request, options.samples_per_problem));
  for (size_t i = 0; i < questions.size(); ++i) {
    Job job{i, {}};
    for (int64_t j = 0; j < options.samples_per_problem; ++j) {
      if (existing.pairs.count({questions[i].id, j})) {
        ++result.already_present;
        continue;
      }
      job.sample_ids.push_back(j);
      if (job.sample_ids.size() == per_request) {
        jobs.push_back(job);
        job.sample_ids.clear();
      }
    }
    if (!job.sample_ids.empty()) jobs.push_back(job);
  }
  int64_t to_make = 0;
  for (const Job& job : jobs) to_make += static_cast<int64_t>(job.sample_ids.size());
  if (result.already_present)
    std::fprintf(stderr, "sample: %lld samples already in %s; %lld to go\n",
                 static_cast<long long>(result.already_present), out.c_str(), static_cast<long long>(to_make));

  ordered_json run = {{"started", utc_now()}, {"endpoints", ordered_json::array()},
                      {"concurrency", options.concurrency}, {"samples_per_problem", options.samples_per_problem},
                      {"samples_per_request", per_request}, {"already_present", result.already_present}};
  for (const Endpoint& e : client.endpoints()) run["endpoints"].push_back(e.url());
  provenance["runs"].push_back(run);
  write_file_atomically(provenance_path(out), provenance.dump(2) + "\n");

  LineAppender appender(out);
  Progress progress("sample", to_make, "samples");
  progress.set_secondary_unit("tokens");
  std::atomic<size_t> next{0};
  std::atomic<bool> failed{false};
  std::atomic<int64_t> written{0}, truncated{0}, tokens{0};
  std::mutex error_mutex;
  std::string first_error;

  auto worker = [&] {
    while (!failed.load()) {
      size_t index = next.fetch_add(1);
      if (index >= jobs.size()) return;
      const Job& job = jobs[index];
      const Question& q = questions[job.question];
      try {
        std::string body = request_body(options, q, job.question, job).dump();
        std::vector<Choice> choices;
        client.post(options.api == Api::chat ? "/chat/completions" : "/completions", body, index,
                    [&](const json& reply) {
                      choices = read_choices(reply, options.api, job.sample_ids.size(), options.parameters.logprobs);
                    });
        std::string lines;
        int64_t batch_tokens = 0, batch_truncated = 0;
        for (size_t k = 0; k < choices.size(); ++k) {
          const Choice& c = choices[k];
          ordered_json row;
          row["problem_id"] = q.id;
          row["sample_id"] = job.sample_ids[k];
          row["completion"] = c.text;
          row["finish_reason"] = c.finish_reason;
          row["truncated"] = c.finish_reason == "length";
          if (c.tokens) row["tokens"] = *c.tokens;
          if (c.logprob) row["logprob"] = *c.logprob;
          if (!c.stop_reason.is_null()) row["stop_reason"] = c.stop_reason;
          lines += row.dump() + "\n";
          batch_tokens += c.tokens.value_or(0);
          batch_truncated += c.finish_reason == "length";
        }
        appender.append(lines);
        written += static_cast<int64_t>(choices.size());
        truncated += batch_truncated;
        tokens += batch_tokens;
        progress.advance(static_cast<int64_t>(choices.size()), batch_tokens);
      } catch (const std::exception& e) {
        std::lock_guard lock(error_mutex);
        if (!failed.exchange(true)) first_error = e.what();
        return;
      }
    }
  };
  std::vector<std::thread> threads;
  size_t thread_count = std::min(static_cast<size_t>(options.concurrency), jobs.size());
  for (size_t t = 0; t < thread_count; ++t) threads.emplace_back(worker);
  for (std::thread& t : threads) t.join();
  appender.sync();
  progress.finish();

  ClientCounters counters = client.counters();
  result.written = written;
  result.truncated = truncated;
  result.completion_tokens = tokens;
  result.requests = counters.requests;
  result.retries = counters.retries;
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ordered_json& last = provenance["runs"].back();
  last["finished"] = utc_now();
  last["written"] = result.written;
  last["truncated"] = result.truncated;
  last["completion_tokens"] = result.completion_tokens;
  last["requests"] = result.requests;
  last["retries"] = result.retries;
  last["seconds"] = result.seconds;
  if (failed) last["error"] = first_error;
  write_file_atomically(provenance_path(out), provenance.dump(2) + "\n");
  if (failed)
    throw Error(fmt::format("sample: {}\n{} complete samples were written to {}; run the same command again to "
                            "make the missing ones",
                            first_error, result.written, out.string()));
  return result;
}

}  // namespace rlvr::client
