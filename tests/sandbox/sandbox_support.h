// Shared by the sandbox tests: run a program, and look at the host afterwards.
#pragma once

#include <dirent.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "rlvr/sandbox/sandbox.h"

inline rlvr::sandbox::Options test_options(rlvr::sandbox::Mode mode) {
  rlvr::sandbox::Options o;
  o.mode = mode;
  o.limits.wall_seconds = 6;  // room for a busy machine; the hostile ones run into it
  o.limits.cpu_seconds = 3;
  o.limits.memory_bytes = 512ull << 20;
  o.limits.processes = 32;
  o.limits.output_bytes = 1 << 20;
  return o;
}

inline const char* mode_name(rlvr::sandbox::Mode mode) {
  return mode == rlvr::sandbox::Mode::ForkServer ? "ForkServer" : "FreshInterpreter";
}

// The value after "KEY=" on a line of `text`, or "".
inline std::string reported(const std::string& text, const std::string& key) {
  size_t at = text.find(key + "=");
  if (at == std::string::npos) return "";
  size_t end = text.find('\n', at);
  return text.substr(at + key.size() + 1,
                     end == std::string::npos ? std::string::npos : end - at - key.size() - 1);
}

// Processes on the host whose PID namespace is `ns` ("pid:[4026...]").
inline int processes_in_namespace(const std::string& ns) {
  int count = 0;
  DIR* dir = opendir("/proc");
  if (!dir) return -1;
  while (dirent* e = readdir(dir)) {
    if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
    char link[128] = {};
    std::string path = std::string("/proc/") + e->d_name + "/ns/pid";
    ssize_t n = readlink(path.c_str(), link, sizeof link - 1);
    if (n > 0 && ns == std::string(link, static_cast<size_t>(n))) ++count;
  }
  closedir(dir);
  return count;
}

inline int open_fd_count() {
  int count = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator("/proc/self/fd")) ++count;
  return count;
}
