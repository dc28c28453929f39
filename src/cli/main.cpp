// rlvr: the instrument. Its own commands (analyze, verify, check, demo, tasks)
// never load libtorch, so the program starts in milliseconds; the laboratory's
// commands are listed in its help and handed over to rlvr-lab, found beside it.
#include <unistd.h>

#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>

#include "cli/command.h"
#include "cli/lab_commands.h"

namespace {

bool is_lab_command(const char* word) {
  for (const auto& command : rlvr::cli::lab_commands())
    if (std::strcmp(word, command.name) == 0) return true;
  return false;
}

std::filesystem::path own_folder(const char* argv0) {
  std::error_code error;
  std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", error);
  if (error) self = std::filesystem::absolute(argv0, error);
  return self.parent_path();
}

// Replaces this process with rlvr-lab, same arguments. libgomp reads
// OMP_WAIT_POLICY once when it loads, so setting it here spares rlvr-lab the
// restart it would otherwise make to set it (see util/openmp_policy.h).
[[noreturn]] void hand_over_to_lab(char** argv) {
  std::filesystem::path lab = own_folder(argv[0]) / rlvr::cli::kLabProgram;
  setenv("OMP_WAIT_POLICY", "passive", /*overwrite=*/0);
  execv(lab.c_str(), argv);
  std::fprintf(stderr,
               "error: '%s' is a laboratory command, run by %s, which could not be started (%s); "
               "build it with 'cmake --build build --target rlvr_lab'\n",
               argv[1], lab.c_str(), std::strerror(errno));
  std::exit(1);
}

// `rlvr sample` is two commands: with --endpoint it samples OpenAI-compatible
// servers here (no libtorch); with --model it samples a checkpoint in rlvr-lab.
bool samples_endpoints(int argc, char** argv) {
  if (std::strcmp(argv[1], "sample") != 0) return false;
  for (int i = 2; i < argc; ++i)
    if (std::strncmp(argv[i], "--endpoint", 10) == 0) return true;
  return false;
}

bool registered_here(const char* name) {
  for (const auto& command : rlvr::cli::registered_commands())
    if (command.name == name) return true;
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1 && is_lab_command(argv[1]) && !samples_endpoints(argc, argv)) hand_over_to_lab(argv);
  std::vector<rlvr::cli::Command> listed;
  for (const auto& command : rlvr::cli::lab_commands())
    if (!registered_here(command.name)) listed.push_back({command.name, command.description, {}});
  return rlvr::cli::run_program(argc, argv, listed);
}
