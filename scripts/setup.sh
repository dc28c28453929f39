#!/usr/bin/env bash
# Installs every Debian package rlvr-lab needs (only those missing) and builds
# the project into build/. Run as root on Debian 12; safe to run again.
#   scripts/setup.sh            install + configure + build the programs
#   RLVR_BUILD_TYPE=Debug scripts/setup.sh
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  build-essential cmake ninja-build pkg-config git
  libtorch-dev libopenblas0-pthread          # the transformer engine; OpenBLAS keeps it fast
  libgtest-dev libgmock-dev libbenchmark-dev  # tests and benchmarks
  libcli11-dev nlohmann-json3-dev libfmt-dev libtomlplusplus-dev
  libsimdjson-dev                             # reads sample files at hundreds of MB/s
  libginac-dev libcln-dev libgmp-dev          # exact and symbolic math for the verifier
  libseccomp-dev util-linux                   # the code sandbox's system-call filter; setpriv/unshare for its tests
  clang libclang-rt-14-dev                    # libFuzzer targets
  clang-format                                # formats new code by .clang-format
  python3                                     # runs the code sandbox's programs (/usr/bin/python3)
  python3-numpy python3-torch python3-sympy   # peers the benchmarks compare against
  chromium                                    # report tests open the HTML report in a real headless browser
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup: missing packages need root: run 'sudo scripts/setup.sh'" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# Only the two programs here, so that the main job starts sooner; scripts/test.sh
# builds the tests and benchmarks.
jobs=$(nproc)
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE="${RLVR_BUILD_TYPE:-Release}" >/dev/null
cmake --build build -j "$jobs" --target rlvr_cli rlvr_lab
echo "setup: built build/rlvr and build/rlvr-lab"
