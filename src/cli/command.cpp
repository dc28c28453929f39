#include "cli/command.h"

#include <algorithm>
#include <cstdio>
#include <exception>

#include "rlvr/build_info.h"
#include "rlvr/util/error.h"

namespace rlvr::cli {

std::vector<Command>& registered_commands() {
  static std::vector<Command> commands;
  return commands;
}

Registration::Registration(std::string name, std::string description, Setup setup) {
  registered_commands().push_back({std::move(name), std::move(description), std::move(setup)});
}

int run_program(int argc, char** argv, const std::vector<Command>& listed_only) {
  CLI::App app{"rlvr: measure the reasoning boundary of language models, and run RLVR studies"};
  app.name("rlvr");
  app.set_version_flag("--version", std::string("rlvr " RLVR_VERSION " (") + RLVR_GIT_COMMIT + ")");
  app.require_subcommand(1);
  std::vector<Command> commands = registered_commands();
  commands.insert(commands.end(), listed_only.begin(), listed_only.end());
  std::sort(commands.begin(), commands.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  for (auto& command : commands) {
    CLI::App* sub = app.add_subcommand(command.name, command.description);
    if (command.setup) command.setup(*sub);
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  return 0;
}

}  // namespace rlvr::cli
