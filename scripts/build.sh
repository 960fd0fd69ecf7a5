#!/usr/bin/env bash
# Configures and builds Accord into ${ACCORD_BUILD_DIR:-build}. Used by start.sh and test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${ACCORD_BUILD_DIR:-build}
JOBS=${ACCORD_JOBS:-$(nproc)}
# ccache (when installed) keeps compiled objects in ${ACCORD_CCACHE_DIR:-~/.cache/accord/ccache}.
# Paths are hashed relative to the repository and the compiler by its content, so the
# container images' build stage (scripts/build-images.sh mounts the same folder) reuses what
# this build compiled instead of compiling it all again.
LAUNCHER=()
if command -v ccache >/dev/null 2>&1; then
  export CCACHE_DIR=${ACCORD_CCACHE_DIR:-$HOME/.cache/accord/ccache}
  export CCACHE_BASEDIR=$PWD CCACHE_COMPILERCHECK=content CCACHE_NOHASHDIR=1
  export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-5G}
  LAUNCHER=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
if [ ! -f "$BUILD_DIR/build.ninja" ]; then
  cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE="${ACCORD_BUILD_TYPE:-RelWithDebInfo}" \
    "${LAUNCHER[@]}"
fi
cmake --build "$BUILD_DIR" -j "$JOBS"
