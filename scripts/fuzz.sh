#!/usr/bin/env bash
# Builds the libFuzzer target for the answer verifier with clang and
# AddressSanitizer/LeakSanitizer in build-fuzz/, then fuzzes for a bounded time.
#   scripts/fuzz.sh [seconds=60]
# Exits non-zero on a crash, a leak, a sanitizer report or a check slower than
# the per-input time-out (2 s); the input that caused it is saved in build-fuzz/.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
flags="-fsanitize=address,fuzzer-no-link -fno-omit-frame-pointer -g -O1"
cmake -S . -B build-fuzz -G Ninja \
  -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS="$flags" -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address" \
  -DRLVR_WITH_TORCH=OFF -DRLVR_BUILD_TESTS=OFF -DRLVR_BUILD_BENCH=OFF -DRLVR_BUILD_FUZZ=ON >/dev/null
cmake --build build-fuzz -j2 --target fuzz_verify
work=build-fuzz/corpus
mkdir -p "$work"
cp -n fuzz/corpus/* "$work"/ 2>/dev/null || true
cd build-fuzz
# libFuzzer prints a line per new input; keep them in fuzz.log and show the
# final statistics, or the end of the log when it fails.
echo "fuzzing the verifier for ${seconds} s (log: build-fuzz/fuzz.log)"
if ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS="suppressions=$PWD/../fuzz/lsan.supp" ./fuzz/fuzz_verify corpus \
  -max_total_time="$seconds" -timeout=2 -rss_limit_mb=2048 -max_len=4096 -print_final_stats=1 \
  >fuzz.log 2>&1; then
  grep -E '^(stat::|Done )' fuzz.log || tail -n 5 fuzz.log
else
  status=$?
  tail -n 80 fuzz.log
  exit "$status"
fi
