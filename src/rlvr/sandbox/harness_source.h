// The Python side of the sandbox (python/harness.py), embedded at build time.
#pragma once

namespace rlvr::sandbox {

// The harness source: run_once() runs one program read from fd 3; serve()
// is the fork server. The caller appends the call it wants.
const char* harness_source();

}  // namespace rlvr::sandbox
