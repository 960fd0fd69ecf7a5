#!/usr/bin/env bash
# Installs what is needed, builds, and runs the whole local stack in the foreground: every
# service with its own RocksDB store under ${ACCORD_DATA_DIR:-.data}, plus the gateway.
# Ctrl-C (or SIGTERM) stops everything cleanly.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
exec bash scripts/run-stack.sh
