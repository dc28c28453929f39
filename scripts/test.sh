#!/usr/bin/env bash
# Sets up (installs, builds) and runs the whole test suite: every test program
# through CTest, the instrument's rooms again under sanitizers (AddressSanitizer
# + UBSan, then ThreadSanitizer for the threaded code), and a bounded fuzzing
# run of the answer verifier (libFuzzer with AddressSanitizer).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cmake --build build -j "$(nproc)"  # setup builds the programs; this adds tests and benchmarks
ctest --test-dir build --output-on-failure -j "$(nproc)" --timeout 900
scripts/sanitize.sh
scripts/fuzz.sh "${RLVR_FUZZ_SECONDS:-60}"
