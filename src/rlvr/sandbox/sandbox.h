// Runs one untrusted Python program and reports what happened, without root,
// Docker or a daemon. Each program gets fresh user, PID, mount, IPC and UTS
// namespaces (and a network namespace with only loopback), a private tmpfs as
// working directory, a read-only view of only what the interpreter needs, a
// seccomp filter, rlimits and a wall-clock limit enforced from outside that
// kills its whole PID namespace. docs/SANDBOX.md has the threat model.
//
// A program "passes" only when the harness reached the end of it and wrote
// back a nonce the program could not know in advance, so exiting early
// (sys.exit(0), os._exit(0), a signal) never counts as passing.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

namespace rlvr::sandbox {

struct Limits {
  double wall_seconds = 10.0;             // enforced from outside: the namespace is killed
  double cpu_seconds = 10.0;              // RLIMIT_CPU (whole seconds, rounded up)
  uint64_t memory_bytes = 1ull << 30;     // RLIMIT_AS
  uint64_t file_bytes = 16ull << 20;      // RLIMIT_FSIZE: the largest file it may write
  uint64_t work_dir_bytes = 64ull << 20;  // size of the tmpfs at /tmp (its working directory)
  int open_files = 64;                    // RLIMIT_NOFILE
  int processes = 64;                     // RLIMIT_NPROC, counted inside its own user namespace
  uint64_t output_bytes = 1ull << 20;     // stdout + stderr beyond this stops the run: output_limit
  uint64_t tail_bytes = 2048;             // how much of the end of stdout and stderr is kept
};

enum class Mode {
  ForkServer,        // one interpreter per worker, harness imported, forks a sandboxed child per program
  FreshInterpreter,  // a new sandbox and interpreter per program (slower; the simplest to audit)
};

struct Options {
  Limits limits;
  Mode mode = Mode::ForkServer;
  std::string python = "/usr/bin/python3";
  // Runs programs with rlimits and the wall-clock limit only: no namespaces,
  // no seccomp, the host's files and network. Results say sandbox "none".
  bool unsafe_no_sandbox = false;
};

enum class Status {
  Passed,        // the harness reached the end and returned the nonce
  Failed,        // raised an exception (see `exception`) or exited before the end
  Timeout,       // wall-clock or CPU limit
  Memory,        // MemoryError or killed for memory
  OutputLimit,   // wrote more than Limits::output_bytes
  Killed,        // ended by a signal it did not ask for (exit signal in `signal`)
  SandboxError,  // the sandbox itself could not run it (see `error`)
};

struct Result {
  Status status = Status::SandboxError;
  std::string exception;  // exception class name when it raised; "Exit" when it left early
  int exit_code = -1;     // of the interpreter, when it exited
  int signal = 0;         // that ended the interpreter, when one did
  double seconds = 0.0;   // wall-clock time of the run
  double cpu_seconds = 0.0;  // user + system time, as the kernel reported it at the end
  std::string stdout_tail;
  std::string stderr_tail;
  std::string error;  // what went wrong, for SandboxError
};

// "passed", "failed:AssertionError", "failed:Exit", "timeout", "memory",
// "output_limit", "killed", "sandbox_error".
std::string status_text(const Result& result);

// "namespaces+seccomp" or "none" (unsafe_no_sandbox).
std::string isolation_name(const Options& options);

// Runs a trivial program the way `options` says; throws rlvr::Error with
// what is missing and how to proceed when that fails (no user namespaces,
// no interpreter).
void require_sandbox_support(const Options& options);

// One worker: not thread-safe, make one per thread. In ForkServer mode the
// server starts on the first run() and restarts if it dies.
class Runner {
 public:
  explicit Runner(Options options);
  ~Runner();
  Runner(const Runner&) = delete;
  Runner& operator=(const Runner&) = delete;

  Result run(const std::string& source);

 private:
  struct Server;
  Options options_;
  std::unique_ptr<Server> server_;
};

}  // namespace rlvr::sandbox
