// Starts a process in fresh user, PID, mount, network, IPC and UTS
// namespaces: a tmpfs root holding read-only binds of /usr and the /lib
// folders, a few /etc files, /dev with null/zero/full/random/urandom, a
// private /proc, a size-limited tmpfs at /tmp as working directory; loopback
// the only network; rlimits; a seccomp filter; then execve. The process is
// the init of its PID namespace: killing it with SIGKILL ends every process
// the program started, double-forked daemons included.
#pragma once

#include <sys/types.h>

#include <string>
#include <utility>
#include <vector>

#include "rlvr/sandbox/sandbox.h"

namespace rlvr::sandbox {

struct JailSpec {
  std::vector<std::string> argv;         // argv[0]: absolute path of the program inside the jail
  std::vector<std::string> env;          // the whole environment
  std::vector<std::pair<int, int>> fds;  // (fd in this process, fd number in the jail); all others closed
  std::string filter;                    // seccomp BPF program (build_filter)
  Limits limits;
  bool drop_capabilities = true;  // false only for the fork server, which mounts per child
};

// Returns the pid of the jail's init in this PID namespace; the caller waits
// for it. Throws rlvr::Error naming the step that failed (and, when user
// namespaces are refused, what to do about it).
pid_t spawn_jailed(const JailSpec& spec);

// Starts a process with rlimits only, in a new session (unsafe_no_sandbox).
pid_t spawn_unjailed(const JailSpec& spec);

// The fds must be O_CLOEXEC in the caller: other threads may spawn at the same time.
void make_pipe(int fds[2]);

}  // namespace rlvr::sandbox
