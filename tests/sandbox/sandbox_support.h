// Shared by the sandbox tests: run a program, and look at the host afterwards.
#pragma once

#include <dirent.h>
#include <unistd.h>

#include <ctime>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
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

// Clock ticks since boot, the unit of a process's start time in /proc/PID/stat.
inline unsigned long long boot_ticks_now() {
  timespec now{};
  clock_gettime(CLOCK_BOOTTIME, &now);
  const long hz = sysconf(_SC_CLK_TCK);
  return static_cast<unsigned long long>(now.tv_sec) * static_cast<unsigned long long>(hz) +
         static_cast<unsigned long long>(now.tv_nsec) / (1000000000ull / static_cast<unsigned long long>(hz));
}

// Start time of a host process in clock ticks since boot (field 22 of its stat), or 0.
inline unsigned long long process_start_ticks(const std::string& pid) {
  std::ifstream in("/proc/" + pid + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  size_t after_name = stat.rfind(')');
  if (after_name == std::string::npos) return 0;
  std::istringstream fields(stat.substr(after_name + 1));
  std::string field;
  for (int i = 3; i <= 22 && fields >> field; ++i) {
  }
  return std::strtoull(field.c_str(), nullptr, 10);
}

// Host processes in the PID namespace `ns` ("pid:[4026...]") that started no
// later than `started_by` (clock ticks since boot). A namespace's number is
// reused once it is gone, and sandboxes of other tests may get it at once:
// their processes start after the run being checked, so they do not count.
inline int processes_in_namespace(const std::string& ns, unsigned long long started_by) {
  int count = 0;
  DIR* dir = opendir("/proc");
  if (!dir) return -1;
  while (dirent* e = readdir(dir)) {
    if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
    char link[128] = {};
    std::string path = std::string("/proc/") + e->d_name + "/ns/pid";
    ssize_t n = readlink(path.c_str(), link, sizeof link - 1);
    if (n > 0 && ns == std::string(link, static_cast<size_t>(n)) && process_start_ticks(e->d_name) <= started_by)
      ++count;
  }
  closedir(dir);
  return count;
}

inline int open_fd_count() {
  int count = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator("/proc/self/fd")) ++count;
  return count;
}
