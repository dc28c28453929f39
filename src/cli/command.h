// Subcommands register themselves: each src/cli/<name>.cpp (or src/cli/lab/<name>.cpp)
// holds one static Registration, so adding a subcommand touches no other file.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace rlvr::cli {

// Adds the subcommand's options to `sub` and sets its callback. The callback
// may throw rlvr::Error; run_program prints it and exits with status 1.
using Setup = std::function<void(CLI::App& sub)>;

struct Registration {
  Registration(std::string name, std::string description, Setup setup);
};

struct Command {
  std::string name;
  std::string description;
  Setup setup;
};

std::vector<Command>& registered_commands();

// Parses the command line against every registered command (and, for rlvr's
// help, `listed_only`: commands shown but run by another program) and runs
// the chosen one. Returns the process exit status.
int run_program(int argc, char** argv, const std::vector<Command>& listed_only = {});

}  // namespace rlvr::cli
