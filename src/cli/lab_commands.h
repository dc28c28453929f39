// The laboratory's commands run libtorch and live in a second program,
// rlvr-lab, built beside rlvr; rlvr lists them in its help and hands them over,
// so that the instrument's commands never load libtorch. This table is the one
// list of their names and descriptions: rlvr-lab checks at start that the
// commands it registers are exactly these.
#pragma once

#include <string>
#include <vector>

#include "cli/command.h"

namespace rlvr::cli {

struct LabCommand {
  const char* name;
  const char* description;
};

const std::vector<LabCommand>& lab_commands();

// The description of lab command `name`; throws std::logic_error for a name
// the table lacks (a programming error caught by the first run of rlvr-lab).
std::string lab_description(const std::string& name);

// Name of the laboratory program, found in the folder of the running rlvr.
inline constexpr const char* kLabProgram = "rlvr-lab";

}  // namespace rlvr::cli
