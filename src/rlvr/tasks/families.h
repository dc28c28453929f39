// Factories of the registered task families (internal to the tasks room; users
// reach families by name through tasks::family()).
#pragma once

#include <memory>

#include "rlvr/tasks/task.h"

namespace rlvr::tasks::detail {

std::unique_ptr<TaskFamily> make_countdown_family();
std::unique_ptr<TaskFamily> make_addition_family();
std::unique_ptr<TaskFamily> make_modeq_family();

}  // namespace rlvr::tasks::detail
