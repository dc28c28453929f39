#!/usr/bin/env bash
# Sets up (installs, builds) and runs the whole test suite: a bounded fuzzing run
# of the answer verifier (libFuzzer with AddressSanitizer), then every test
# program through CTest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/fuzz.sh "${RLVR_FUZZ_SECONDS:-60}"
ctest --test-dir build --output-on-failure -j "$(nproc)" --timeout 900
