#!/usr/bin/env bash
# Sets up (installs, builds) and runs the whole test suite: every test program
# through CTest, the Python package's tests with pytest, a bounded fuzzing run
# of the answer verifier (libFuzzer with AddressSanitizer), and the
# instrument's rooms' tests again under AddressSanitizer + UBSan and the
# threaded code under ThreadSanitizer (scripts/sanitize.sh, in build-asan/ and
# build-tsan/; about 27 minutes on 2 cores, mostly compiling).
# RLVR_SANITIZE_TESTS=0 leaves the sanitizer half out, for a quicker local run.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cmake --build build -j "$(nproc)"  # setup builds the programs; this adds tests and benchmarks
ctest --test-dir build --output-on-failure -j "$(nproc)" --timeout 900
# The Python package as installed by setup.sh. RLVR_REQUIRE_CLI makes the
# comparison with `build/rlvr analyze` fail instead of skip without the CLI.
# set -e turns any non-zero pytest status into a failure, including 5 (no
# tests collected).
RLVR_REQUIRE_CLI=1 RLVR_CLI="$PWD/build/rlvr" .venv/bin/python -m pytest -q -p no:cacheprovider python/tests
scripts/fuzz.sh "${RLVR_FUZZ_SECONDS:-60}"
if [ "${RLVR_SANITIZE_TESTS:-1}" != 0 ]; then
  scripts/sanitize.sh
fi
