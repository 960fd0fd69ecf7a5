#!/usr/bin/env bash
# Runs the whole stack from already-built binaries, in the foreground: every service with its
# own RocksDB store under ${ACCORD_DATA_DIR:-.data}, plus the gateway. scripts/start.sh
# installs and builds first, then runs this; tests run it directly.
# Environment: ACCORD_BUILD_DIR (build), ACCORD_DATA_DIR (.data), ACCORD_HTTP_PORT (8080),
# ACCORD_GATEWAY_GRPC_PORT (8081), ACCORD_PROTOCOLS_DIR (protocols). Port 0 lets the kernel
# pick; the chosen ports are in $ACCORD_DATA_DIR/run/gateway-{http,grpc}.port. When the stack
# is up, $ACCORD_DATA_DIR/run/ready exists. SIGTERM or Ctrl-C stops everything cleanly.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${ACCORD_BUILD_DIR:-build}
DATA=$(realpath -m "${ACCORD_DATA_DIR:-.data}")
RUN="$DATA/run"
HTTP_PORT=${ACCORD_HTTP_PORT:-8080}
GRPC_PORT=${ACCORD_GATEWAY_GRPC_PORT:-8081}
mkdir -p "$RUN"
rm -f "$RUN"/*.port "$RUN/ready"

pids=()
stop() {
  trap - INT TERM EXIT
  echo "accord: stopping..." >&2
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  echo "accord: stopped" >&2
}
trap stop INT TERM EXIT

wait_port() {  # file, name, pid
  for _ in $(seq 1 300); do
    [ -s "$1" ] && { cat "$1"; return 0; }
    kill -0 "$3" 2>/dev/null || { echo "accord: $2 exited; see $RUN/$2.log" >&2; return 1; }
    sleep 0.1
  done
  echo "accord: $2 did not start; see $RUN/$2.log" >&2
  return 1
}

# Services listen on kernel-picked ports and find each other through their port files.
"$BIN/services/registry/accord-registry" --data_dir="$DATA/registry" \
  --backup_dir="$DATA/backups/registry" --grpc_port=0 \
  --port_file="$RUN/registry.port" --assessment_address="@$RUN/assessment.port" \
  2>>"$RUN/registry.log" &
pids+=($!)
REGISTRY_PORT=$(wait_port "$RUN/registry.port" registry $!)

"$BIN/services/assessment/accord-assessment" --data_dir="$DATA/assessment" \
  --backup_dir="$DATA/backups/assessment" --grpc_port=0 \
  --port_file="$RUN/assessment.port" --registry_address="127.0.0.1:$REGISTRY_PORT" \
  --protocols_dir="${ACCORD_PROTOCOLS_DIR:-protocols}" 2>>"$RUN/assessment.log" &
pids+=($!)
ASSESSMENT_PORT=$(wait_port "$RUN/assessment.port" assessment $!)

"$BIN/services/risk/accord-risk" --data_dir="$DATA/risk" \
  --backup_dir="$DATA/backups/risk" --grpc_port=0 \
  --port_file="$RUN/risk.port" --registry_address="127.0.0.1:$REGISTRY_PORT" \
  --assessment_address="127.0.0.1:$ASSESSMENT_PORT" 2>>"$RUN/risk.log" &
pids+=($!)
RISK_PORT=$(wait_port "$RUN/risk.port" risk $!)

"$BIN/services/review/accord-review" --data_dir="$DATA/review" \
  --backup_dir="$DATA/backups/review" --grpc_port=0 \
  --port_file="$RUN/review.port" --registry_address="127.0.0.1:$REGISTRY_PORT" \
  --assessment_address="127.0.0.1:$ASSESSMENT_PORT" --risk_address="127.0.0.1:$RISK_PORT" \
  2>>"$RUN/review.log" &
pids+=($!)
REVIEW_PORT=$(wait_port "$RUN/review.port" review $!)

# The merged change feed and webhooks follow every service's feed (review's when it runs).
REVIEW_FLAG=()
[ -n "${REVIEW_PORT:-}" ] && REVIEW_FLAG=(--review_address="127.0.0.1:$REVIEW_PORT")
"$BIN/services/integrations/accord-integrations" --data_dir="$DATA/integrations" \
  --backup_dir="$DATA/backups/integrations" --grpc_port=0 \
  --port_file="$RUN/integrations.port" --registry_address="127.0.0.1:$REGISTRY_PORT" \
  --assessment_address="127.0.0.1:$ASSESSMENT_PORT" --risk_address="127.0.0.1:$RISK_PORT" \
  "${REVIEW_FLAG[@]}" 2>>"$RUN/integrations.log" &
pids+=($!)
INTEGRATIONS_PORT=$(wait_port "$RUN/integrations.port" integrations $!)

"$BIN/gateway/accord-gateway" --http_port="$HTTP_PORT" --grpc_port="$GRPC_PORT" \
  --data_dir="$DATA/gateway" --backup_dir="$DATA/backups/gateway" \
  --registry_address="127.0.0.1:$REGISTRY_PORT" \
  --assessment_address="127.0.0.1:$ASSESSMENT_PORT" --risk_address="127.0.0.1:$RISK_PORT" \
  --integrations_address="127.0.0.1:$INTEGRATIONS_PORT" --review_address="127.0.0.1:$REVIEW_PORT" \
  --http_port_file="$RUN/gateway-http.port" --grpc_port_file="$RUN/gateway-grpc.port" \
  2>>"$RUN/gateway.log" &
pids+=($!)
wait_port "$RUN/gateway-http.port" gateway $! >/dev/null

# First start: an all-scopes development key, created as an operator would (accord-admin),
# kept in $DATA/dev-api-key for the README's examples. Never do this outside development.
KEY_FILE="$DATA/dev-api-key"
if [ ! -s "$KEY_FILE" ]; then
  (umask 077; "$BIN/gateway/accord-admin" --admin_address="unix:$DATA/gateway/admin.sock" keys create \
    --client development --acts-for-officers --scopes \
    partnerships:read,partnerships:write,partnerships:approve,partnerships:delete,assessments:read,assessments:write,risks:read,risks:write,escalations:read,escalations:write,reviews:read,reviews:write,officers:read,officers:write,audit:read,finance:write,changes:read,webhooks:read,webhooks:write \
    | tail -n 1 > "$KEY_FILE")
  echo "accord: created a development API key in $KEY_FILE" >&2
fi

touch "$RUN/ready"
cat <<MSG
Accord is running (data in $DATA, logs in $RUN/*.log).
  REST/JSON: http://127.0.0.1:$(cat "$RUN/gateway-http.port")/v1/partnerships
  API key:   $KEY_FILE   (curl -H "Authorization: Bearer \$(cat $KEY_FILE)" ...)
  Operations: $BIN/tools/accordctl/accordctl --data_root=$DATA status | backup | keys list
  gRPC:      127.0.0.1:$(cat "$RUN/gateway-grpc.port")  (reflection enabled on the services)
Press Ctrl-C to stop.
MSG
wait -n "${pids[@]}" || true
echo "accord: a process exited; see $RUN/*.log" >&2
