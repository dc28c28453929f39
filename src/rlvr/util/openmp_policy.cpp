#include "rlvr/util/openmp_policy.h"

#include <unistd.h>

#include <cstdlib>

namespace rlvr {

void restart_with_passive_openmp_wait(char** argv) {
  if (std::getenv("OMP_WAIT_POLICY") != nullptr) return;
  if (setenv("OMP_WAIT_POLICY", "passive", 1) != 0) return;
  execv("/proc/self/exe", argv);
  // Still here: execv failed (no /proc, say); carry on with the default policy.
}

}  // namespace rlvr
