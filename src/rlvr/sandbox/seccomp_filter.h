// The system-call filter, built with libseccomp and exported as a classic BPF
// program, so that it can be installed after fork with one prctl() (no
// allocation in a forked child, and the Python fork server can install it too).
#pragma once

#include <string>
#include <vector>

namespace rlvr::sandbox {

enum class FilterProfile {
  Program,  // what an untrusted program gets
  Server,   // the fork server: Program plus mount, unshare and setns into a PID
            // namespace, which it needs to give each child its own namespaces
            // before the child adds Program
};

// The BPF instructions (struct sock_filter, 8 bytes each) as raw bytes.
// Throws rlvr::Error when libseccomp cannot build it.
std::string build_filter(FilterProfile profile);

}  // namespace rlvr::sandbox
