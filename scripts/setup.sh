#!/usr/bin/env bash
# Installs every Debian package rlvr-lab needs (only those missing), builds the
# project into build/ and installs the Python package rlvr into the virtual
# environment .venv/ (which also sees Debian's numpy and pytest). Run as root on
# Debian 12; once the packages are there, an ordinary user can run it too
# (in a checkout they own). Safe to run again.
#   scripts/setup.sh            install + configure + build the programs and the Python package
#   RLVR_BUILD_TYPE=Debug scripts/setup.sh
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  build-essential cmake ninja-build pkg-config git
  libtorch-dev libopenblas0-pthread          # the transformer engine; OpenBLAS keeps it fast
  libgtest-dev libgmock-dev libbenchmark-dev  # tests and benchmarks
  libcli11-dev nlohmann-json3-dev libfmt-dev libtomlplusplus-dev
  libsimdjson-dev                             # reads sample files at hundreds of MB/s
  libcpp-httplib-dev                          # HTTP client and server for OpenAI-compatible endpoints
  curl                                        # the HTTP client benchmark's peer
  libginac-dev libcln-dev libgmp-dev          # exact and symbolic math for the verifier
  libseccomp-dev util-linux                   # the code sandbox's system-call filter; setpriv/unshare for its tests
  clang libclang-rt-14-dev                    # libFuzzer targets
  clang-format                                # formats new code by .clang-format
  python3                                     # runs the code sandbox's programs (/usr/bin/python3)
  python3-numpy python3-torch python3-sympy   # peers the benchmarks compare against
  python3-dev pybind11-dev python3-pybind11   # the Python extension module (python/)
  python3-setuptools python3-venv python3-pip python3-pytest  # its build backend, install and tests
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

# Only the two programs and the Python module here, so that the main job starts
# sooner; scripts/test.sh builds the tests and benchmarks.
jobs=$(nproc)
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE="${RLVR_BUILD_TYPE:-Release}" \
  -DPython_EXECUTABLE=/usr/bin/python3 >/dev/null
cmake --build build -j "$jobs" --target rlvr_cli rlvr_lab rlvr_python
echo "setup: built build/rlvr and build/rlvr-lab"

# The Python package, into .venv/: Debian's pip refuses to install into the
# system Python (PEP 668), and a virtual environment needs no root. The
# extension module was just built in build/, so pip only copies it.
[ -x .venv/bin/python ] || /usr/bin/python3 -m venv --system-site-packages .venv
RLVR_CMAKE_BUILD_DIR=build .venv/bin/pip install --quiet --no-build-isolation --no-index ./python
echo "setup: installed the Python package rlvr into .venv (.venv/bin/python -c 'import rlvr')"
