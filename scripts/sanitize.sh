#!/usr/bin/env bash
# Builds the instrument's rooms (no libtorch) with sanitizers and runs their
# tests: every torch-free test program under AddressSanitizer + UndefinedBehavior-
# Sanitizer (build-asan/), then the threaded code (parallel_for, parallel
# reading, the analysis, the labelling workers) once under ThreadSanitizer
# (build-tsan/). scripts/test.sh runs it after the plain test suite.
#   scripts/sanitize.sh [asan|tsan|all=all]
# Any sanitizer report fails the run (-fno-sanitize-recover, halt_on_error).
# -O1 -g1: the sanitizers' usual level; quicker to build than -O2 -g, with
# file and line in every report.
set -euo pipefail
cd "$(dirname "$0")/.."
which="${1:-all}"
jobs=$(nproc)

configure() {  # dir sanitizers
  cmake -S . -B "$1" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG" \
    -DRLVR_WITH_TORCH=OFF -DRLVR_BUILD_BENCH=OFF -DRLVR_BUILD_PYTHON=OFF -DRLVR_SANITIZE="$2" >/dev/null
}

if [[ "$which" == all || "$which" == asan ]]; then
  configure build-asan address,undefined
  cmake --build build-asan -j "$jobs"
  ASAN_OPTIONS=detect_leaks=1:halt_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    LSAN_OPTIONS=suppressions="$PWD/scripts/sanitizers/lsan.supp" \
    ctest --test-dir build-asan --output-on-failure -j "$jobs" --timeout 900
fi

if [[ "$which" == all || "$which" == tsan ]]; then
  configure build-tsan thread
  # The rooms with threads of their own (util's parallel_for, data's parallel
  # reading, metrics' analysis) and the analysis pipeline in-process; the rlvr
  # program itself (test_analyze's Cli tests) ran under ASan above, so it is not built
  # again here.
  threaded=(test_util test_data test_metrics test_analyze)
  cmake --build build-tsan -j "$jobs" --target "${threaded[@]}"
  for program in "${threaded[@]}"; do
    echo "tsan: $program"
    (cd build-tsan && TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
      "./tests/$program" --gtest_brief=1 --gtest_filter=-Cli.*)
  done
fi
