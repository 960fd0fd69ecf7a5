#!/usr/bin/env bash
# Runs the libFuzzer targets of tests/fuzz (docs/fuzzing.md).
#
#   tests/fuzz/run.sh [seconds-per-target] [target ...]     (default 30 s, every target)
#
# 1. Makes the clang fuzz build when needed: ${ACCORD_FUZZ_BUILD_DIR:-<repo>/build-fuzz},
#    configured with -DACCORD_FUZZ=ON, built with ${ACCORD_FUZZ_JOBS:-2} jobs.
# 2. Fuzzes each target for the given time with ASan+UBSan, starting from a copy of
#    tests/fuzz/corpus/<target>/ plus regressions/<target>/ (neither is written to), with
#    <target>.dict.
# 3. Runs every input in tests/fuzz/regressions/<target>/ once.
# 4. Prints a table (runs, exec/s, coverage, crashes) and exits 1 when a target crashed or
#    a regression input fails. Crash inputs are kept in <build>/fuzz-out/<target>/, with
#    the log and the grown corpus of the last run.
#
# Exits 77 after printing "SKIPPED: <reason>" when clang++ or the libFuzzer runtime is
# missing (ctest shows the fuzz_short test as skipped). ACCORD_FUZZ_CC/ACCORD_FUZZ_CXX pick
# other compilers.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
all_targets=(filter page_token transcoder protocol register_csv)

seconds=${1:-30}
if ! [[ $seconds =~ ^[0-9]+$ ]] || ((seconds < 1)); then
  echo "usage: $0 [seconds-per-target] [target ...]; targets: ${all_targets[*]}" >&2
  exit 2
fi
shift $(($# > 0 ? 1 : 0))
targets=("$@")
((${#targets[@]})) || targets=("${all_targets[@]}")
for t in "${targets[@]}"; do
  if [[ ! -f $here/${t}_fuzz.cc ]]; then
    echo "unknown target '$t'; targets: ${all_targets[*]}" >&2
    exit 2
  fi
done

build=${ACCORD_FUZZ_BUILD_DIR:-$repo/build-fuzz}
cc=${ACCORD_FUZZ_CC:-clang}
cxx=${ACCORD_FUZZ_CXX:-clang++}
jobs=${ACCORD_FUZZ_JOBS:-2}

# --- toolchain ------------------------------------------------------------------------------
if ! command -v "$cxx" >/dev/null 2>&1 || ! command -v "$cc" >/dev/null 2>&1; then
  echo "SKIPPED: $cxx or $cc not found (Debian: apt-get install clang libclang-rt-14-dev," \
       "as scripts/setup.sh does)"
  exit 77
fi
probe_dir=$(mktemp -d)
trap 'rm -rf "$probe_dir"' EXIT
printf 'extern "C" int LLVMFuzzerTestOneInput(const unsigned char*, unsigned long) { return 0; }\n' \
  >"$probe_dir/probe.cc"
if ! "$cxx" -fsanitize=fuzzer,address,undefined "$probe_dir/probe.cc" -o "$probe_dir/probe" \
  >"$probe_dir/probe.log" 2>&1; then
  echo "SKIPPED: $cxx cannot link -fsanitize=fuzzer,address,undefined (libFuzzer runtime" \
       "missing; Debian: apt-get install libclang-rt-14-dev):"
  sed 's/^/  /' "$probe_dir/probe.log" | head -5
  exit 77
fi

# --- build ----------------------------------------------------------------------------------
if [[ ! -f $build/build.ninja ]]; then
  echo "== configuring the fuzz build in $build"
  CC=$cc CXX=$cxx cmake -S "$repo" -B "$build" -G Ninja -DACCORD_FUZZ=ON \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo >"$probe_dir/configure.log" 2>&1 || {
    cat "$probe_dir/configure.log"
    echo "configuring the fuzz build failed" >&2
    exit 2
  }
fi
if ! grep -q '^ACCORD_FUZZ:BOOL=ON$' "$build/CMakeCache.txt"; then
  echo "$build is not a fuzz build (ACCORD_FUZZ is not ON); use another ACCORD_FUZZ_BUILD_DIR" >&2
  exit 2
fi
build_targets=()
for t in "${targets[@]}"; do build_targets+=("${t}_fuzz"); done
echo "== building ${build_targets[*]} in $build ($jobs jobs)"
start=$(date +%s)
if ! nice -n 10 cmake --build "$build" -j "$jobs" --target "${build_targets[@]}"; then
  echo "building the fuzz targets failed" >&2
  exit 2
fi
echo "== build took $(($(date +%s) - start)) s"

# --- fuzz -----------------------------------------------------------------------------------
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

stat() {  # stat <log> <name>: the value of libFuzzer's final "stat::<name>:" line
  sed -n "s/^stat::$2: *//p" "$1" | tail -1
}

failed=0
rows=()
for t in "${targets[@]}"; do
  bin=$build/tests/fuzz/${t}_fuzz
  out=$build/fuzz-out/$t
  mkdir -p "$out"
  work=$(mktemp -d)
  mkdir "$work/corpus"
  cp -R "$here/corpus/$t/." "$work/corpus/" 2>/dev/null || true
  dict=()
  [[ -f $here/$t.dict ]] && dict=(-dict="$here/$t.dict")
  extra=()  # regression inputs seed the run too (read only: new inputs go to the copy)
  [[ -d $here/regressions/$t ]] && extra=("$here/regressions/$t")
  touch "$work/started"
  echo "== fuzzing $t for $seconds s (log: $out/fuzz.log)"
  nice -n 10 "$bin" -max_total_time="$seconds" -print_final_stats=1 -timeout=10 \
    -rss_limit_mb=2048 -artifact_prefix="$out/" "${dict[@]}" "$work/corpus" "${extra[@]}" \
    >"$out/fuzz.log" 2>&1
  status=$?
  crashes=$(find "$out" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'leak-*' \
    -o -name 'timeout-*' -o -name 'oom-*' \) -newer "$work/started" | sort)
  n_crashes=$(printf '%s' "$crashes" | grep -c . || true)
  if ((status != 0 && n_crashes == 0)); then n_crashes=1; fi  # died without an artifact
  runs=$(stat "$out/fuzz.log" number_of_executed_units)
  speed=$(stat "$out/fuzz.log" average_exec_per_sec)
  cov=$(grep -o 'cov: [0-9]*' "$out/fuzz.log" | tail -1 | cut -d' ' -f2)
  ft=$(grep -o 'ft: [0-9]*' "$out/fuzz.log" | tail -1 | cut -d' ' -f2)
  corpus=$(find "$work/corpus" -type f | wc -l)
  rm -rf "$out/corpus"
  mv "$work/corpus" "$out/corpus"
  rm -rf "$work"

  regress="none"
  if compgen -G "$here/regressions/$t/*" >/dev/null; then
    files=("$here"/regressions/"$t"/*)
    if "$bin" "${files[@]}" >"$out/regressions.log" 2>&1; then
      regress="${#files[@]} ok"
    else
      regress="FAILED"
      failed=1
      echo "!! a regression input of $t fails; see $out/regressions.log"
      tail -30 "$out/regressions.log"
    fi
  fi
  if ((n_crashes > 0)); then
    failed=1
    echo "!! $t crashed (exit $status); inputs kept:"
    printf '   %s\n' $crashes
    grep -m1 -A12 -E '^==[0-9]+==ERROR|runtime error|FUZZ_CHECK failed|^ALARM|deadly signal' \
      "$out/fuzz.log" | sed 's/^/   /'
  fi
  rows+=("$(printf '%-14s %12s %10s %8s %8s %8s %8s  %s' "$t" "${runs:--}" "${speed:--}" \
    "${cov:--}" "${ft:--}" "$corpus" "$n_crashes" "$regress")")
done

echo
printf '%-14s %12s %10s %8s %8s %8s %8s  %s\n' target runs exec/s cov ft corpus crashes \
  regressions
printf '%s\n' "${rows[@]}"
echo
if ((failed)); then
  echo "FAILED: crash inputs and logs are in $build/fuzz-out/<target>/; see docs/fuzzing.md" \
       "to turn one into a regression test"
  exit 1
fi
echo "no crashes ($seconds s per target)"
