# Sourced by test scripts that need the whole local stack as real processes:
#   start_stack BUILD_DIR DATA_DIR
# runs scripts/run-stack.sh on kernel-picked ports with its data in DATA_DIR, stops it (by
# PID) when the script exits, waits until it is ready and every backend is connected, and
# sets `base` to the gateway's REST address. Exits 1 with the stack's log when it fails.
start_stack() {
  local build=$1 data=$2 log="$2.log"
  rm -rf "$data"
  ACCORD_BUILD_DIR="$build" ACCORD_DATA_DIR="$data" ACCORD_HTTP_PORT=0 \
    ACCORD_GATEWAY_GRPC_PORT=0 \
    bash "$(dirname "${BASH_SOURCE[0]}")/../../scripts/run-stack.sh" >"$log" 2>&1 &
  stack_pid=$!
  trap 'kill -TERM $stack_pid 2>/dev/null; wait $stack_pid 2>/dev/null || true' EXIT
  for _ in $(seq 1 300); do
    [ -e "$data/run/ready" ] && break
    kill -0 $stack_pid 2>/dev/null || { echo "the stack exited"; cat "$log"; exit 1; }
    sleep 0.1
  done
  [ -e "$data/run/ready" ] || { echo "the stack did not start"; cat "$log"; exit 1; }
  base="http://127.0.0.1:$(cat "$data/run/gateway-http.port")"
  for _ in $(seq 1 100); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$base/readyz")" = 200 ] && break
    sleep 0.1
  done
}
