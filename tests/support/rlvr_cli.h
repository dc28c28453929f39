// The built `rlvr` program, run as a user would: its path, and one run of it
// with its output in a log file. Tests that need it skip when it is not built.
#pragma once

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include <fmt/format.h>

inline std::filesystem::path rlvr_binary() { return std::filesystem::path(RLVR_BINARY_DIR) / "rlvr"; }

// Runs `rlvr ARGS` with stdout and stderr in `log`; its exit status, -1 when
// it did not exit normally.
inline int run_rlvr(const std::string& args, const std::filesystem::path& log) {
  std::string command = fmt::format("\"{}\" {} > \"{}\" 2>&1", rlvr_binary().string(), args, log.string());
  int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}
