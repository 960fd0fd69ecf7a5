#!/usr/bin/env bash
# Browser test of the public register pages and the keeper's dashboard: Debian's chromium
# driven by the npm package playwright-core (which downloads no browser), against the whole
# stack (scripts/run-stack.sh) on kernel-picked ports, seeded with test data by pages.mjs.
# Usage: run.sh <build dir> <work dir>
# Screenshots go to <build dir>/browser-artifacts/. Exits 77 (ctest: skipped) saying why
# when Chromium or playwright-core cannot be had. In CI (CI=true, root) a missing chromium is
# installed with apt-get first; elsewhere install it with `apt-get install chromium`.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$(realpath "$1")
work=$(realpath -m "$2")
artifacts="$build/browser-artifacts"
mkdir -p "$work" "$artifacts"

skip() { echo "SKIPPED: $*"; exit 77; }

chromium=${ACCORD_CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$chromium" ] && [ "${CI:-}" = "true" ] && [ "$(id -u)" -eq 0 ] &&
   command -v apt-get >/dev/null; then
  echo "chromium is missing; installing Debian's package (about 80 MB) for this CI run"
  export DEBIAN_FRONTEND=noninteractive
  { apt-get install -y -q --no-install-recommends chromium ||
    { apt-get update -q && apt-get install -y -q --no-install-recommends chromium; }; } \
    >"$work/apt.log" 2>&1 || echo "apt-get could not install chromium (see $work/apt.log)"
fi
[ -x "$chromium" ] || skip "no Chromium at $chromium (apt-get install chromium, or set ACCORD_CHROMIUM)"
"$chromium" --headless --no-sandbox --disable-gpu --dump-dom about:blank >/dev/null 2>&1 ||
  skip "$chromium does not start headless here"
command -v node >/dev/null || skip "node is not installed"

npm_dir="$work/npm"
if [ ! -d "$npm_dir/node_modules/playwright-core" ]; then
  npm install --silent --no-audit --no-fund --prefix "$npm_dir" playwright-core@1 \
    >"$work/npm.log" 2>&1 || skip "npm could not install playwright-core (see $work/npm.log)"
fi

# shellcheck source=tests/lib/start_stack.sh
source "$here/../lib/start_stack.sh"
start_stack "$build" "$work/stack"

# The keeper's own key: reads only, may name an officer (accord-admin, as an operator would).
admin_sock="$work/stack/gateway/admin.sock"  # the gateway's default: <data_dir>/admin.sock
keeper_key=$("$build/gateway/accord-admin" --admin_address="unix:$admin_sock" \
  keys create --client keeper-dashboard --acts-for-officers --scopes reviews:read,risks:read |
  tail -n 1)

NODE_PATH="$npm_dir/node_modules" ACCORD_BASE_URL="$base" \
  ACCORD_DEV_KEY="$(cat "$work/stack/dev-api-key")" ACCORD_KEEPER_KEY="$keeper_key" \
  ACCORD_ARTIFACTS="$artifacts" ACCORD_CHROMIUM="$chromium" \
  node "$here/pages.mjs"
