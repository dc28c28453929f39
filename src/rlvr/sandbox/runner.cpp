// The two ways to run a program (a fresh jailed interpreter, or a child of a
// jailed fork server), the unsafe way, and turning what came back into a Result.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>
#include <mutex>

#include <nlohmann/json.hpp>

#include "rlvr/sandbox/harness_source.h"
#include "rlvr/sandbox/jail.h"
#include "rlvr/sandbox/sandbox.h"
#include "rlvr/sandbox/seccomp_filter.h"
#include "rlvr/util/error.h"

namespace rlvr::sandbox {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

// A write to a pipe whose reader died must fail with EPIPE, not kill us.
void ignore_sigpipe() {
  static std::once_flag once;
  std::call_once(once, [] { signal(SIGPIPE, SIG_IGN); });
}

const std::string& filter_for(FilterProfile profile) {
  static const std::string program = build_filter(FilterProfile::Program);
  static const std::string server = build_filter(FilterProfile::Server);
  return profile == FilterProfile::Program ? program : server;
}

std::string make_nonce() {
  unsigned char bytes[16];
  if (getrandom(bytes, sizeof bytes, 0) != static_cast<ssize_t>(sizeof bytes))
    throw Error(std::string("sandbox: getrandom: ") + std::strerror(errno));
  static const char* hex = "0123456789abcdef";
  std::string nonce;
  for (unsigned char b : bytes) {
    nonce += hex[b >> 4];
    nonce += hex[b & 15];
  }
  return nonce;
}

std::vector<std::string> jail_env() {
  return {"PATH=/usr/bin:/bin", "HOME=/tmp", "TMPDIR=/tmp", "LANG=C.UTF-8", "PYTHONHASHSEED=0"};
}

// What came back from one run, before it is judged.
struct Capture {
  std::string result, out, err;
  bool timed_out = false, output_limited = false;
  int exit_code = -1, signal = 0;
  double seconds = 0.0;
  double cpu_seconds = 0.0;  // user + system time of the program's init and what it reaped
  std::string error;
};

void keep_tail(std::string& buffer, uint64_t tail) {
  if (buffer.size() > tail) buffer.erase(0, buffer.size() - tail);
}

// Feeds `input` to in_fd, reads stdout/stderr/result until all close, kills
// `pid` (or its process group) at the wall-clock limit or output cap, reaps it.
Capture supervise(pid_t pid, bool group, int in_fd, const std::string& input, int out_fd, int err_fd, int res_fd,
                  const Limits& limits, Clock::time_point start) {
  Capture c;
  size_t written = 0;
  if (in_fd >= 0) fcntl(in_fd, F_SETFL, O_NONBLOCK);
  uint64_t total = 0;
  auto deadline =
      start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(limits.wall_seconds));
  struct pollfd fds[4];
  int fd_of[4] = {out_fd, err_fd, res_fd, in_fd};
  bool open[4] = {true, true, true, in_fd >= 0};
  auto kill_it = [&] { kill(group ? -pid : pid, SIGKILL); };
  bool killed = false;
  while (open[0] || open[1] || open[2]) {
    auto now = Clock::now();
    if (now >= deadline) {
      c.timed_out = true;
      kill_it();
      killed = true;
      break;
    }
    int n = 0, slot[4];
    for (int i = 0; i < 4; ++i) {
      if (!open[i]) continue;
      fds[n] = {fd_of[i], static_cast<short>(i == 3 ? POLLOUT : POLLIN), 0};
      slot[n++] = i;
    }
    int wait_ms =
        static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now).count()) + 1;
    int ready = poll(fds, static_cast<nfds_t>(n), wait_ms);
    if (ready < 0 && errno == EINTR) continue;
    for (int k = 0; k < n && ready > 0; ++k) {
      if (!fds[k].revents) continue;
      int i = slot[k];
      if (i == 3) {
        ssize_t w = write(in_fd, input.data() + written, input.size() - written);
        if (w > 0) written += static_cast<size_t>(w);
        if (w < 0 && errno != EAGAIN) written = input.size();
        if (written == input.size()) {
          close(in_fd);
          open[3] = false;
        }
        continue;
      }
      char buf[65536];
      ssize_t got = read(fd_of[i], buf, sizeof buf);
      if (got <= 0) {
        if (got < 0 && (errno == EINTR || errno == EAGAIN)) continue;
        open[i] = false;
        continue;
      }
      std::string& target = i == 0 ? c.out : i == 1 ? c.err : c.result;
      target.append(buf, static_cast<size_t>(got));
      if (i == 2) {
        keep_tail(target, 4096);
        continue;
      }
      total += static_cast<uint64_t>(got);
      keep_tail(target, limits.tail_bytes);
      if (total > limits.output_bytes) c.output_limited = true;
    }
    if (c.output_limited) {
      kill_it();
      killed = true;
      break;
    }
  }
  if (open[3]) close(in_fd);
  (void)killed;
  int status = 0;
  struct rusage usage {};
  while (wait4(pid, &status, 0, &usage) < 0 && errno == EINTR) {
  }
  c.cpu_seconds = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
                  1e-6 * static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec);
  if (group) kill(-pid, SIGKILL);  // without namespaces, stragglers of the group
  c.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  if (WIFEXITED(status)) c.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) c.signal = WTERMSIG(status);
  return c;
}

Result judge(const Capture& c, const std::string& nonce, const Limits& limits) {
  Result r;
  r.seconds = c.seconds;
  r.cpu_seconds = c.cpu_seconds;
  r.stdout_tail = c.out;
  r.stderr_tail = c.err;
  r.exit_code = c.exit_code;
  r.signal = c.signal;
  if (!c.error.empty()) {
    r.status = Status::SandboxError;
    r.error = c.error;
    return r;
  }
  if (c.output_limited) {
    r.status = Status::OutputLimit;
    return r;
  }
  if (c.timed_out) {
    r.status = Status::Timeout;
    return r;
  }
  // Only a line that starts with this run's nonce counts.
  size_t at = 0;
  while ((at = c.result.find(nonce + ' ', at)) != std::string::npos) {
    if (at != 0 && c.result[at - 1] != '\n') {
      ++at;
      continue;
    }
    size_t end = c.result.find('\n', at);
    std::string verdict = c.result.substr(
        at + nonce.size() + 1, end == std::string::npos ? std::string::npos : end - at - nonce.size() - 1);
    if (verdict == "passed") {
      r.status = Status::Passed;
      return r;
    }
    if (verdict.rfind("raised ", 0) == 0) {
      r.exception = verdict.substr(7);
      r.status = r.exception == "MemoryError" ? Status::Memory : Status::Failed;
      return r;
    }
    ++at;
  }
  // RLIMIT_CPU: SIGXCPU at the soft limit, SIGKILL a second later (an init
  // ignores SIGXCPU, so it usually ends by the SIGKILL). Nothing inside can
  // SIGKILL the program's init, and the harness's own kills are flagged above,
  // so a SIGKILL here comes from the kernel. The rlimit's clock can run ahead
  // of what rusage reports on a loaded virtual machine (killed at 4 s by the
  // limit with 3.7-3.9 s in rusage; once under load, below 3 s), so enough
  // wall time for the hard limit counts as well as enough CPU time.
  const double cpu_limit = std::ceil(limits.cpu_seconds);
  const bool cpu_limit_reached = c.cpu_seconds >= cpu_limit - 0.05 || c.seconds >= cpu_limit + 1.0;
  if (c.signal == SIGXCPU || (c.signal == SIGKILL && cpu_limit_reached)) {
    r.status = Status::Timeout;
  } else if (c.signal != 0) {
    r.status = Status::Killed;
  } else if (c.exit_code == 126 && c.err.find("sandbox setup failed") != std::string::npos) {
    r.status = Status::SandboxError;
    r.error = c.err;
  } else {
    r.status = Status::Failed;
    r.exception = "Exit";
  }
  return r;
}

std::string limits_json(const Limits& l) {
  return json{
      {"wall_seconds", l.wall_seconds}, {"cpu_seconds", l.cpu_seconds},       {"memory_bytes", l.memory_bytes},
      {"file_bytes", l.file_bytes},     {"work_dir_bytes", l.work_dir_bytes}, {"open_files", l.open_files},
      {"processes", l.processes},       {"output_bytes", l.output_bytes},     {"tail_bytes", l.tail_bytes}}
      .dump();
}

bool write_all(int fd, const std::string& data) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

std::string frame(const std::string& body) {
  uint32_t size = static_cast<uint32_t>(body.size());
  std::string out(4, '\0');
  for (int i = 0; i < 4; ++i) out[static_cast<size_t>(i)] = static_cast<char>((size >> (8 * i)) & 0xff);
  return out + body;
}

// Reads exactly `size` bytes before `deadline`; false on EOF, error or time-out.
bool read_exact(int fd, std::string& out, size_t size, Clock::time_point deadline) {
  out.clear();
  while (out.size() < size) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) return false;
    struct pollfd p = {fd, POLLIN, 0};
    int ready = poll(&p, 1, static_cast<int>(left));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) return false;
    char buf[65536];
    ssize_t n = read(fd, buf, std::min(sizeof buf, size - out.size()));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    out.append(buf, static_cast<size_t>(n));
  }
  return true;
}

std::string drain(int fd) {
  std::string text;
  char buf[4096];
  fcntl(fd, F_SETFL, O_NONBLOCK);
  for (ssize_t n; (n = read(fd, buf, sizeof buf)) > 0;) text.append(buf, static_cast<size_t>(n));
  keep_tail(text, 2048);
  return text;
}

}  // namespace

std::string status_text(const Result& r) {
  switch (r.status) {
    case Status::Passed: return "passed";
    case Status::Failed: return "failed:" + (r.exception.empty() ? std::string("Exit") : r.exception);
    case Status::Timeout: return "timeout";
    case Status::Memory: return "memory";
    case Status::OutputLimit: return "output_limit";
    case Status::Killed: return "killed";
    case Status::SandboxError: return "sandbox_error";
  }
  return "sandbox_error";
}

std::string isolation_name(const Options& options) {
  return options.unsafe_no_sandbox ? "none" : "namespaces+seccomp";
}

void require_sandbox_support(const Options& options) {
  Options check = options;
  check.limits.wall_seconds = std::max(20.0, options.limits.wall_seconds);
  Runner runner(check);
  Result r = runner.run("pass\n");
  if (r.status == Status::SandboxError) throw Error(r.error);
  if (r.status != Status::Passed)
    throw Error("sandbox: a trivial program did not pass inside the sandbox (" + status_text(r) +
                "): " + r.stderr_tail);
}

struct Runner::Server {
  pid_t pid = -1;
  int request_fd = -1, response_fd = -1, stderr_fd = -1;

  ~Server() {
    for (int fd : {request_fd, response_fd, stderr_fd})
      if (fd >= 0) close(fd);
    if (pid > 0) {
      kill(pid, SIGKILL);  // the server is its jail's init: every child goes with it
      waitpid(pid, nullptr, 0);
    }
  }
};

Runner::Runner(Options options) : options_(std::move(options)) { ignore_sigpipe(); }

Runner::~Runner() = default;

Result Runner::run(const std::string& source) {
  const std::string nonce = make_nonce();
  const Limits& limits = options_.limits;
  const std::string harness = harness_source();

  if (options_.mode == Mode::ForkServer && !options_.unsafe_no_sandbox) {
    for (int attempt = 0; attempt < 2; ++attempt) {
      if (!server_) {
        auto server = std::make_unique<Server>();
        int req[2], resp[2], err[2];
        make_pipe(req);
        make_pipe(resp);
        make_pipe(err);
        JailSpec spec;
        spec.argv = {options_.python, "-I", "-B", "-c", harness + "\nserve()\n"};
        spec.env = jail_env();
        spec.fds = {{req[0], 0}, {resp[1], 1}, {err[1], 2}};
        spec.filter = filter_for(FilterProfile::Server);
        spec.limits = limits;
        spec.limits.cpu_seconds = 1e9;  // each child gets its own CPU limit
        // The server and the program it runs count too; each program sets its own limit.
        spec.limits.processes = limits.processes + 8;
        spec.drop_capabilities = false;  // it mounts /tmp and /proc for each child
        try {
          server->pid = spawn_jailed(spec);
        } catch (const Error& e) {
          for (int fd : {req[0], req[1], resp[0], resp[1], err[0], err[1]}) close(fd);
          Result r;
          r.error = e.what();
          return r;
        }
        close(req[0]);
        close(resp[1]);
        close(err[1]);
        server->request_fd = req[1];
        server->response_fd = resp[0];
        server->stderr_fd = err[0];
        json config = {{"filter", ""}, {"limits", json::parse(limits_json(limits))}};
        std::string hex;
        static const char* digits = "0123456789abcdef";
        for (unsigned char b : filter_for(FilterProfile::Program)) {
          hex += digits[b >> 4];
          hex += digits[b & 15];
        }
        config["filter"] = hex;
        if (!write_all(server->request_fd, frame(config.dump()))) {
          Result r;
          r.error = "sandbox: the fork server did not start: " + drain(server->stderr_fd);
          return r;
        }
        server_ = std::move(server);
      }
      json request = {{"source", source}, {"nonce", nonce}};
      std::string body = request.dump(-1, ' ', false, json::error_handler_t::replace);
      Clock::time_point start = Clock::now();
      if (!write_all(server_->request_fd, frame(body))) {
        server_.reset();  // it died between programs: start another and try once more
        continue;
      }
      auto deadline = start + std::chrono::duration_cast<Clock::duration>(
                                  std::chrono::duration<double>(limits.wall_seconds + 30.0));
      std::string head, reply;
      bool ok = read_exact(server_->response_fd, head, 4, deadline);
      if (ok) {
        uint32_t size = 0;
        for (int i = 0; i < 4; ++i)
          size |= static_cast<uint32_t>(static_cast<unsigned char>(head[static_cast<size_t>(i)])) << (8 * i);
        ok = read_exact(server_->response_fd, reply, size, deadline);
      }
      Capture c;
      if (!ok) {
        c.error = "sandbox: the fork server stopped answering: " + drain(server_->stderr_fd);
        c.seconds = std::chrono::duration<double>(Clock::now() - start).count();
        server_.reset();
        return judge(c, nonce, limits);
      }
      json answer = json::parse(reply, nullptr, false);
      if (answer.is_discarded() || answer.contains("error")) {
        c.error = "sandbox: " + (answer.is_discarded() ? std::string("unreadable answer from the fork server")
                                                       : answer["error"].get<std::string>());
        server_.reset();
        return judge(c, nonce, limits);
      }
      c.result = answer.value("result", "");
      c.out = answer.value("stdout", "");
      c.err = answer.value("stderr", "");
      c.exit_code = answer.value("exit_code", -1);
      c.signal = answer.value("signal", 0);
      c.timed_out = answer.value("timed_out", false);
      c.output_limited = answer.value("output_limited", false);
      c.seconds = answer.value("seconds", 0.0);
      c.cpu_seconds = answer.value("cpu_seconds", 0.0);
      return judge(c, nonce, limits);
    }
    Capture c;
    c.error =
        "sandbox: the fork server died twice in a row: " + (server_ ? drain(server_->stderr_fd) : std::string());
    return judge(c, nonce, limits);
  }

  // A fresh interpreter: program on fd 3, result on fd 4.
  int in[2], out[2], err[2], res[2];
  make_pipe(in);
  make_pipe(out);
  make_pipe(err);
  make_pipe(res);
  int null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
  JailSpec spec;
  spec.argv = {options_.python, "-I", "-B", "-c", harness + "\nrun_once()\n"};
  spec.env = jail_env();
  spec.fds = {{null_fd, 0}, {out[1], 1}, {err[1], 2}, {in[0], 3}, {res[1], 4}};
  spec.filter = filter_for(FilterProfile::Program);
  spec.limits = limits;
  Clock::time_point start = Clock::now();
  pid_t pid = -1;
  Capture c;
  try {
    pid = options_.unsafe_no_sandbox ? spawn_unjailed(spec) : spawn_jailed(spec);
  } catch (const Error& e) {
    c.error = e.what();
  }
  for (int fd : {null_fd, out[1], err[1], in[0], res[1]}) close(fd);
  if (pid < 0) {
    for (int fd : {in[1], out[0], err[0], res[0]}) close(fd);
    return judge(c, nonce, limits);
  }
  c = supervise(pid, options_.unsafe_no_sandbox, in[1], nonce + "\n" + source, out[0], err[0], res[0], limits,
                start);
  for (int fd : {out[0], err[0], res[0]}) close(fd);
  return judge(c, nonce, limits);
}

}  // namespace rlvr::sandbox
