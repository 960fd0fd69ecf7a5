#!/usr/bin/env bash
# Installs everything Accord needs to build and test on Debian 12. Safe to run twice:
# apt-get install is a no-op for packages that are already present.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build pkg-config git ca-certificates
  libgrpc++-dev libgrpc-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  libabsl-dev librocksdb-dev libgtest-dev libgmock-dev libbenchmark-dev
  libboost-dev libboost-system-dev libssl-dev
  golang-github-grpc-ecosystem-grpc-gateway-dev grpc-proto
  curl python3 procps ccache
  clang libclang-rt-14-dev  # libFuzzer + sanitizer runtimes: tests/fuzz/run.sh, ctest fuzz_short
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

# Node.js and npm run the contract checks (Spectral). A machine may already have them from
# another source than Debian's packages; only install them when the commands are missing.
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)

if ((${#missing[@]})); then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -q
  $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
