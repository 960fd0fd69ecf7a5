#!/usr/bin/env bash
# Configures and builds Accord into ${ACCORD_BUILD_DIR:-build}. Used by start.sh and test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${ACCORD_BUILD_DIR:-build}
JOBS=${ACCORD_JOBS:-$(nproc)}
if [ ! -f "$BUILD_DIR/build.ninja" ]; then
  cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE="${ACCORD_BUILD_TYPE:-RelWithDebInfo}"
fi
cmake --build "$BUILD_DIR" -j "$JOBS"
