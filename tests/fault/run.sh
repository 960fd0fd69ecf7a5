#!/usr/bin/env bash
# The fault suite (docs/reliability.md): runs accord-fault's scenarios against the real
# binaries and prints their figures.
#
#   tests/fault/run.sh                 # every scenario, short mode (what CI runs, ~3 min)
#   tests/fault/run.sh --long          # every scenario, long mode (>= 1,000 kill cycles, ...)
#   tests/fault/run.sh --long crash_durability idempotent_replays
#   tests/fault/run.sh crash_durability --cycles=50    # a parameter overridden
#
# Environment: ACCORD_BUILD_DIR (default build/), ACCORD_FAULT_OUT (where each scenario's
# output is kept, default <build>/fault-out), ACCORD_FAULT_NO_BUILD=1 to skip the build step,
# ACCORD_FAULT_LOGS=<folder> to keep every process's log.
# Exit 0 when every scenario passed or was skipped (exit 77: the machine cannot do it), 1
# otherwise.
set -uo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
build="${ACCORD_BUILD_DIR:-$root/build}"
out="${ACCORD_FAULT_OUT:-$build/fault-out}"
all=(crash_durability change_feeds idempotent_replays conflicting_updates graceful_shutdown
     disk_full corruption security lifecycle_race)
mode=()
scenarios=()
overrides=()
for arg in "$@"; do
  case "$arg" in
    --long) mode=(--long) ;;
    --*=*) overrides+=("$arg") ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) scenarios+=("$arg") ;;
  esac
done
[ ${#scenarios[@]} -eq 0 ] && scenarios=("${all[@]}")

if [ "${ACCORD_FAULT_NO_BUILD:-0}" != 1 ]; then
  # The lock lets a shared machine's builds take turns; it is harmless elsewhere.
  flock "${TMPDIR:-/tmp}/accord-build.lock" cmake --build "$build" --target accord-fault \
    || { echo "building accord-fault failed" >&2; exit 1; }
fi
mkdir -p "$out"
# A private copy of the binaries: a rebuild during a long run must not pull them away.
bin="$out/bin"
rm -rf "$bin" && mkdir -p "$bin"
for b in services/registry/accord-registry services/assessment/accord-assessment \
         services/risk/accord-risk services/review/accord-review \
         services/integrations/accord-integrations gateway/accord-gateway gateway/accord-admin \
         tests/fault/accord-fault; do
  cp "$build/$b" "$bin/" || { echo "missing $build/$b; build first" >&2; exit 1; }
done
export ACCORD_FAULT_BIN_DIR="$bin"
runner="$bin/accord-fault"
failed=()
summary=()
for s in "${scenarios[@]}"; do
  echo "== $s ${mode[*]:-} ${overrides[*]:-}"
  start=$(date +%s)
  "$runner" "$s" "${mode[@]}" "${overrides[@]}" 2> "$out/$s.err" | tee "$out/$s.out"
  status=${PIPESTATUS[0]}
  took=$(( $(date +%s) - start ))
  case $status in
    0) verdict=PASS ;;
    77) verdict=SKIPPED ;;
    *) verdict="FAIL (exit $status)"; failed+=("$s") ;;
  esac
  summary+=("$(printf '%-22s %-18s %5ss' "$s" "$verdict" "$took")")
done
echo
printf '%s\n' "${summary[@]}"
[ ${#failed[@]} -eq 0 ]
