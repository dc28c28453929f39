#include <algorithm>
#include <cstdio>
#include <exception>

#include <CLI/CLI.hpp>

#include "cli/command.h"
#include "rlvr/build_info.h"
#include "rlvr/util/error.h"
#include "rlvr/util/openmp_policy.h"

namespace rlvr::cli {

std::vector<Command>& registered_commands() {
  static std::vector<Command> commands;
  return commands;
}

Registration::Registration(std::string name, std::string description, Setup setup) {
  registered_commands().push_back({std::move(name), std::move(description), std::move(setup)});
}

}  // namespace rlvr::cli

int main(int argc, char** argv) {
  rlvr::restart_with_passive_openmp_wait(argv);
  CLI::App app{"rlvr: measure the reasoning boundary of language models, and run RLVR studies"};
  app.set_version_flag("--version", std::string("rlvr " RLVR_VERSION " (") + RLVR_GIT_COMMIT + ")");
  app.require_subcommand(1);
  auto& commands = rlvr::cli::registered_commands();
  std::sort(commands.begin(), commands.end(),
            [](const auto& a, const auto& b) { return a.name < b.name; });
  for (auto& command : commands) {
    CLI::App* sub = app.add_subcommand(command.name, command.description);
    command.setup(*sub);
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const rlvr::Error& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  return 0;
}
