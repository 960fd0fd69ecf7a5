#!/usr/bin/env bash
# Contract run against the live stack: @apideck/portman turns the gateway's own
# /openapi.json into a Postman collection with contract tests (2xx, content type, JSON body,
# response schema with no undocumented properties) plus the checks in portman/ (ids carried
# between calls, the public view's confidential fields), and newman runs it.
# Usage: portman_contract.sh <build dir> <work dir>
# Starts the whole stack (scripts/run-stack.sh) on kernel-picked ports in a fresh data folder
# and stops it by its PID.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$(realpath "$1")
work=$(realpath -m "$2")
mkdir -p "$work"
rm -rf "$work/collection.json"

npm_bin="$work/npm/node_modules/.bin"
if [ ! -x "$npm_bin/portman" ] || [ ! -x "$npm_bin/newman" ]; then
  npm install --silent --no-audit --no-fund --prefix "$work/npm" \
    @apideck/portman@1 newman@6 tslib >/dev/null
fi

# shellcheck source=tests/lib/start_stack.sh
source "$here/../lib/start_stack.sh"
start_stack "$build" "$work/stack"

curl -sf "$base/openapi.json" -o "$work/openapi.json"
"$npm_bin/portman" --local "$work/openapi.json" --baseUrl "$base" \
  --portmanConfigFile "$here/portman/portman-config.json" \
  --postmanConfigFile "$here/portman/postman-config.json" \
  --filterFile "$here/portman/filter.json" --output "$work/collection.json" >"$work/portman.log" 2>&1 ||
  { cat "$work/portman.log"; exit 1; }
"$npm_bin/newman" run "$work/collection.json" --color off --reporters cli,json \
  --reporter-json-export "$work/newman.json" \
  --env-var "baseUrl=$base" --env-var "bearerToken=$(cat "$work/stack/dev-api-key")" \
  --env-var "partnership=contract-lsp" | sed 's/\x1b\[[0-9;]*m//g' >"$work/newman.log" || true
node -e '
  const run = require(process.argv[1]).run;
  const s = run.stats;
  console.log(`contract run: ${s.requests.total} requests over ${new Set(run.executions.map(e => e.item.name)).size} operations, ` +
              `${s.assertions.total} assertions, ${s.assertions.failed} failed, ${s.testScripts.failed} script errors`);
  for (const f of run.failures) console.log(`  FAIL ${f.source.name}: ${f.error.test || ""} ${f.error.message}`);
  process.exit(s.assertions.failed + s.testScripts.failed + s.requests.failed === 0 ? 0 : 1);
' "$work/newman.json"
