#!/usr/bin/env bash
# Accord's performance bench: bench/run.sh [--smoke] [--build_dir=build] [more: --help].
# Prints the table of docs/performance.md. Needs the built tree (bench/ and the services),
# python3, and for the REST and nginx cases wrk and nginx from Debian, which it installs
# when missing and it may (root or passwordless sudo); without them those cases are skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
missing=()
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx-light)
if ((${#missing[@]})); then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo -n"
  if $SUDO true 2>/dev/null; then
    echo "bench: installing ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    { $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}" ||
      { $SUDO apt-get update -q && $SUDO apt-get install -y -q --no-install-recommends \
          "${missing[@]}"; }; } >/dev/null 2>&1 || echo "bench: could not install them" >&2
  fi
fi
exec python3 bench/bench.py "$@"
