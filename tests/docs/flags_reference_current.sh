#!/usr/bin/env bash
# Fails when docs/flags.md differs from what scripts/flags-reference.sh makes from the
# binaries' --help now (a flag added, renamed or re-described without regenerating the doc).
set -euo pipefail
src=$1 bin=$2
out=$(mktemp)
trap 'rm -f "$out"' EXIT
bash "$src/scripts/flags-reference.sh" "$bin" "$out"
if ! diff -u "$src/docs/flags.md" "$out"; then
  echo "docs/flags.md is out of date: run scripts/flags-reference.sh and commit the result"
  exit 1
fi
echo "docs/flags.md lists all $(grep -c '^| `--' "$out") flags of the six binaries"
