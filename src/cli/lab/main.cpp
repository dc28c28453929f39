// rlvr-lab: the laboratory's commands (pretrain, train, distill, sample,
// study), on libtorch. Users call them through rlvr, which hands over here;
// running rlvr-lab directly works too.
#include <cstdio>
#include <set>
#include <string>

#include "cli/command.h"
#include "cli/lab_commands.h"
#include "rlvr/util/openmp_policy.h"

namespace {

// The registered commands must be exactly the table rlvr lists and hands over.
bool registry_matches_table() {
  std::set<std::string> registered, listed;
  for (const auto& command : rlvr::cli::registered_commands()) registered.insert(command.name);
  for (const auto& command : rlvr::cli::lab_commands()) listed.insert(command.name);
  if (registered == listed) return true;
  std::fprintf(stderr, "rlvr-lab: its commands and the table in cli/lab_commands.cpp differ\n");
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  rlvr::restart_with_passive_openmp_wait(argv);
  if (!registry_matches_table()) return 2;
  return rlvr::cli::run_program(argc, argv);
}
