#!/usr/bin/env bash
# Installs what is needed, builds, and runs every test (unit, in-process gRPC, integration
# with real processes, crash durability). Exits non-zero when any test fails.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
cd "${ACCORD_BUILD_DIR:-build}"
ctest --output-on-failure -j "${ACCORD_TEST_JOBS:-2}" --timeout 600
