#!/usr/bin/env bash
# Lints the gateway's generated OpenAPI document with Spectral's OpenAPI ruleset.
# Usage: openapi_lint.sh <accord-gateway binary> <work dir>
# Starts the real gateway on kernel-picked ports (its backends need not run to serve the
# document), fetches /openapi.json, lints it, and stops the gateway by its PID.
set -euo pipefail
gateway=$1
work=$2
mkdir -p "$work"
rm -rf "$work"/*.port "$work/gateway"

if [ ! -x "$work/npm/node_modules/.bin/spectral" ]; then
  npm install --silent --no-audit --no-fund --prefix "$work/npm" @stoplight/spectral-cli@6 >/dev/null
fi

"$gateway" --http_port=0 --grpc_port=0 --http_port_file="$work/http.port" \
  --grpc_port_file="$work/grpc.port" --registry_address=127.0.0.1:1 \
  --assessment_address=127.0.0.1:1 --risk_address=127.0.0.1:1 --data_dir="$work/gateway" \
  ${ACCORD_LINT_GATEWAY_FLAGS:-} 2>"$work/gateway.log" &
pid=$!
trap 'kill -TERM $pid 2>/dev/null; wait $pid 2>/dev/null || true' EXIT
for _ in $(seq 1 200); do [ -s "$work/http.port" ] && break; sleep 0.05; done
[ -s "$work/http.port" ] || { echo "gateway did not start"; cat "$work/gateway.log"; exit 1; }

curl -sf "http://127.0.0.1:$(cat "$work/http.port")/openapi.json" -o "$work/openapi.json"
printf 'extends: ["spectral:oas"]\n' > "$work/.spectral.yaml"
"$work/npm/node_modules/.bin/spectral" lint --ruleset "$work/.spectral.yaml" \
  --fail-severity=warn "$work/openapi.json"
echo "openapi lint: $(grep -c '"operationId"' "$work/openapi.json") operations, no warnings or errors"
