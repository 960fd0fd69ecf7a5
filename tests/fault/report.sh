#!/usr/bin/env bash
# Writes docs/reliability.md: runs the fault suite (tests/fault/run.sh, short mode, or long
# with --long) and puts each scenario's parameters, figures and verdict in the report, with
# the machine, the date, the commit, the security checks and the fuzzing figures.
#
#   tests/fault/report.sh                # short mode (~3 min)
#   tests/fault/report.sh --long         # long mode (the figures issue 8 asks for), and
#                                        # the fuzz targets for ACCORD_FUZZ_SECONDS (300) each
#   tests/fault/report.sh --long --from-existing   # only rewrite the report from the last run
#
# Fuzzing figures: the summary table of tests/fuzz/run.sh, which the long mode runs and keeps
# in <fault out>/fuzz-summary.txt (ACCORD_FUZZ_SUMMARY names another saved output instead);
# the regression inputs (crashes found, kept as tests) are counted from tests/fuzz/.
set -uo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
build="${ACCORD_BUILD_DIR:-$root/build}"
export ACCORD_FAULT_OUT="${ACCORD_FAULT_OUT:-$build/fault-out}"
report="${ACCORD_RELIABILITY_REPORT:-$root/docs/reliability.md}"
mode=short
run_args=()
from_existing=0
for arg in "$@"; do
  case "$arg" in
    --long) mode=long; run_args+=(--long) ;;
    --from-existing) from_existing=1 ;;
    *) run_args+=("$arg") ;;
  esac
done
scenarios=(crash_durability change_feeds idempotent_replays conflicting_updates
           graceful_shutdown disk_full corruption security lifecycle_race)
started=$(date -u '+%Y-%m-%d %H:%M UTC')
if [ $from_existing = 1 ]; then  # when the last run ended, not now
  newest=$(ls -t "$ACCORD_FAULT_OUT"/*.out 2>/dev/null | head -1)
  [ -n "$newest" ] && started=$(date -u -r "$newest" '+%Y-%m-%d %H:%M UTC')
fi
fuzz_summary="${ACCORD_FUZZ_SUMMARY:-$ACCORD_FAULT_OUT/fuzz-summary.txt}"
if [ $from_existing = 0 ]; then
  "$root/tests/fault/run.sh" "${run_args[@]}"
  if [ $mode = long ] && [ -z "${ACCORD_FUZZ_SUMMARY:-}" ]; then
    mkdir -p "$ACCORD_FAULT_OUT"
    "$root/tests/fuzz/run.sh" "${ACCORD_FUZZ_SECONDS:-300}" | tee "$fuzz_summary"
  fi
fi
# The suite's own time: the sum of the scenarios' seconds (also right with --from-existing).
took=$(cat "$ACCORD_FAULT_OUT"/*.out 2>/dev/null |
       awk '$1=="FIGURE" && $3 ~ /^seconds=/ {split($3,kv,"="); t+=kv[2]} END {printf "%.0f", t}')

describe() {
  case "$1" in
    crash_durability) echo "Writers create, update, screen and add risks through the gateway (REST, API key, request ids) and keep a ledger of every acknowledged write, while a driver SIGKILLs a random process (registry, assessment, risk, review, integrations or gateway) at a random moment and starts it again on its store. At the end every ledger entry is read back: present, with the acknowledged value, exactly once." ;;
    change_feeds) echo "Workers take partnerships through the whole approval (create, screen, score, evaluation, sign-off) and others through a Limited score, a risk and a Major re-score, through the gateway, while producers and consumers are killed at random. Then: the register moved each approved partnership into each state exactly once (it follows the assessment feed); the review service scheduled each exactly once; the risk service offered each risk for escalation exactly once; the integrations service's merged feed holds every service's events 1..N exactly once, in order; a webhook subscription's receiver got every change after its start, each under a single delivery id (a redelivery after a crash repeats the id and the body, so the receiver applies it once), with none dead-lettered." ;;
    idempotent_replays) echo "Creates without a partnership id (the register generates one, so an unrecognised replay would make a second record), each sent several times with the same Idempotency-Key header or requestId parameter (two at the same moment, the rest one after another), while the register and the gateway are killed. Every answer for a key must name the same record; the register must hold exactly one record per key; the same key with another body must be refused." ;;
    conflicting_updates) echo "Each round reads a partnership's etag, then several clients update it at the same moment with that etag, half over REST and half over the gateway's gRPC port. Exactly one must win (the others 409 / ABORTED), the stored value must be the winner's, and the register's feed must hold one update per win." ;;
    graceful_shutdown) echo "Clients create partnerships through the gateway without pause, half over REST and half over its gRPC port, while the register and the gateway in turn get SIGTERM, drain and are started again. A call is accepted when its write took effect: none of those may have been answered with an error. Each process must exit 0 within its grace period (plus the exit slack)." ;;
    disk_full) echo "The register's store on a size-limited tmpfs (mounted by the test; skipped where mount is not allowed) that a filler file then fills. Writes must fail with a clean error showing no internals, acknowledged records must stay readable, and writes must work again once the filler is removed." ;;
    corruption) echo "Bytes flipped in the middle of the register's WAL (after kill -9) and in its SST files (after a clean stop and a flush). The register must refuse to start naming the corruption, or report unreadable records as errors; it must never serve a wrong record or answer NOT_FOUND for a record it lost." ;;
    lifecycle_race) echo "Approved partnerships, scored Major with a risk offered to the corporate risk register, are formally exited one after another while writers add risks, assessments, evaluations and exit strategies to the one being closed (and the one closed just before) as fast as they can, and a random service or the gateway is kill -9ed before each exit. Once the feeds settle: every partnership is CLOSED with no open risk, no escalation still offered, no due review and no evaluation waiting for a decision; its tier is the same in the register, the assessment service and the review service; and every reaction happened exactly once: each risk closed once and its escalation withdrawn once, each evaluation withdrawn at most once, each act the register refused (the assessment service had accepted it a moment before it heard of the close) voided once." ;;
    security) echo "On a running stack with webhooks delivered: no API key secret in the gateway's store (every key and value of every column family read back with RocksDB, plus the raw files; the key ids must be found there as a control); no API key secret, presented wrong key or webhook secret in any process log; no file path, RocksDB or gRPC transport text or internal address in client-facing errors (REST and gRPC, bad input and each backend down); reflection and key administration not served on the public gRPC or REST listeners, while the admin socket serves them and is owner-only." ;;
  esac
}

{
  echo "# Reliability and security report"
  echo
  echo "Generated by \`tests/fault/report.sh$([ $mode = long ] && echo ' --long')\` ($mode mode) on $started; the scenarios ran for ${took} s."
  echo "Rerun it with the same command; \`tests/fault/run.sh [--long] [scenario...] [--name=value...]\`"
  echo "runs scenarios without writing this file, and each scenario's raw output is kept in"
  echo "\`build/fault-out/<scenario>.out\` (figures) and \`.err\` (progress)."
  echo
  echo "## Machine"
  echo
  echo "| | |"
  echo "| --- | --- |"
  echo "| date | $started |"
  echo "| commit | $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$root" diff --quiet HEAD -- . ":(exclude)${report#"$root"/}" 2>/dev/null || echo ' (with uncommitted changes)') |"
  echo "| kernel | $(uname -srm) |"
  echo "| OS | $(. /etc/os-release 2>/dev/null; echo "${PRETTY_NAME:-unknown}") |"
  echo "| CPU | $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //') × $(nproc) available |"
  echo "| memory | $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo) |"
  echo "| temp folder | $(df -T "${TMPDIR:-/tmp}" | awk 'NR==2 {print $2}') (${TMPDIR:-/tmp}) |"
  echo "| build | $(grep -m1 CMAKE_BUILD_TYPE: "$build/CMakeCache.txt" 2>/dev/null | cut -d= -f2) |"
  echo
  echo "## Summary"
  echo
  echo "| scenario | verdict | key figures | seconds |"
  echo "| --- | --- | --- | --- |"
  for s in "${scenarios[@]}"; do
    f="$ACCORD_FAULT_OUT/$s.out"
    [ -f "$f" ] || { echo "| $s | not run | | |"; continue; }
    verdict=$(awk -v s="$s" '$1=="RESULT" && $2==s {$1="";$2=""; sub(/^  /,""); print}' "$f")
    [ -z "$verdict" ] && verdict="no verdict (crashed?)"
    key=$(awk -v s="$s" '$1=="FIGURE" && $2==s {split($3,kv,"="); n=kv[1];
      v=$0; sub(/^FIGURE [^ ]+ /,"",v); sub(/ +$/,"",v);
      if (n ~ /^(kill_cycles|sigterm_cycles|rounds|retried_requests|acknowledged_writes|acknowledged|lost|lost_updates|duplicates|failed_reopens|accepted_calls_failed|max_exit_ms|merged_gaps|client_errors_showing_internals|webhook_lost|two_mib_body_status|api_key_secrets_found_in_store|secrets_found_in_logs|public_admin_or_reflection_surfaces_open|wal_outcome|sst_outcome|sst_records_wrong|writes_resumed_without_restart)$/)
      printf "%s%s", (c++ ? ", " : ""), v}' "$f")
    secs=$(awk -v s="$s" '$1=="FIGURE" && $2==s && $3 ~ /^seconds=/ {split($3,kv,"="); print kv[2]}' "$f")
    echo "| $s | $verdict | $key | $secs |"
  done
  for s in "${scenarios[@]}"; do
    f="$ACCORD_FAULT_OUT/$s.out"
    [ -f "$f" ] || continue
    echo
    echo "## $s"
    echo
    describe "$s"
    echo
    params=$(awk -v s="$s" '$1=="PARAMS" && $2==s {$1="";$2=""; sub(/^  /,""); print}' "$f")
    seed=$(awk -v s="$s" '$1=="SEED" && $2==s {print $3}' "$f")
    flags=$(echo "$params" | awk '{for (i=1;i<=NF;i++) {if ($i=="mode=long") printf " --long";
      else if ($i!="mode=short") printf " --%s", $i}}')
    echo "Command: \`build/tests/fault/accord-fault $s$flags --seed=$seed\`"
    echo
    echo "| figure | value |"
    echo "| --- | --- |"
    awk -v s="$s" '$1=="FIGURE" && $2==s {line=$0; sub(/^FIGURE [^ ]+ /,"",line);
      i=index(line,"="); v=substr(line,i+1); gsub(/\|/,"\\|",v);
      printf "| %s | %s |\n", substr(line,1,i-1), v}' "$f"
    notes=$(awk -v s="$s" '($1=="NOTE"||$1=="FAIL") && $2==s {t=$1; $1="";$2=""; sub(/^  /,""); print "- " (t=="FAIL" ? "**failed:** " : "") $0}' "$f" | awk '!seen[$0]++')
    if [ -n "$notes" ]; then echo; echo "$notes"; fi
    skipped=$(grep -m1 '^SKIPPED:' "$f")
    if [ -n "$skipped" ]; then echo; echo "$skipped"; fi
  done
  echo
  echo "## Fuzzing"
  echo
  echo "libFuzzer targets under ASan and UBSan ([fuzzing.md](fuzzing.md)); long run:"
  echo "\`tests/fuzz/run.sh 3600\`. Crashes found and kept as regression inputs (replayed by"
  echo "ctest \`fuzz_replay_<target>\` on every build):"
  echo
  echo "| target | seed inputs | regression inputs (crashes found) |"
  echo "| --- | --- | --- |"
  for d in "$root"/tests/fuzz/corpus/*/; do
    t=$(basename "$d")
    seeds=$(find "$d" -type f | wc -l)
    regressions=$(find "$root/tests/fuzz/regressions/$t" -type f 2>/dev/null | wc -l)
    echo "| $t | $seeds | $regressions |"
  done
  if [ -f "$fuzz_summary" ] && grep -q '^target  *runs' "$fuzz_summary"; then
    echo
    echo "Last fuzzing run ($(sed -n 's/^== fuzzing [^ ]* for \([0-9]*\) s.*/\1/p' "$fuzz_summary" | head -1) s per target, \`tests/fuzz/run.sh\`):"
    echo
    echo '```'
    awk '/^target +runs/ {p=1} p' "$fuzz_summary"
    echo '```'
  else
    echo
    echo "No fuzzing run summary (\`report.sh --long\` runs the fuzz targets; or set"
    echo "ACCORD_FUZZ_SUMMARY to the saved output of \`tests/fuzz/run.sh\`)."
  fi
  echo
  echo "## Other checks that belong to this proof"
  echo
  echo "- Authorisation matrix (every method × role × own/foreign record, 0 unexpected allows):"
  echo "  \`tests/gateway/authorization_matrix_test.cc\` (ctest)."
  echo "- mTLS refusals: \`tests/integration/mtls_e2e_test.cc\`, \`tls_stack_e2e_test.cc\` (ctest)."
  echo "- ctest runs the short mode of every scenario above as \`fault_<scenario>\` (label \`fault\`;"
  echo "  \`ctest -L fault\`; a scenario the machine cannot run reports SKIPPED, exit 77)."
} > "$report"
echo "wrote $report"
