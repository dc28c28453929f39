// Idle OpenMP threads should sleep, not spin. libtorch's parallel loops run
// on libgomp, whose idle threads spin by default, and its matrix products run
// on OpenBLAS's own threads; on a machine with few cores the spinning threads
// take the cores away from OpenBLAS, and two threads ran slower than one
// (docs/PERFORMANCE.md). libgomp reads OMP_WAIT_POLICY once, when it loads,
// before main, so the policy can only be set by starting the program again.
#pragma once

namespace rlvr {

// Unless OMP_WAIT_POLICY is already set, sets it to "passive" and re-executes
// this program with the same arguments; returns only if it was set (or the
// re-execution failed, which leaves the program running as it is).
void restart_with_passive_openmp_wait(char** argv);

}  // namespace rlvr
