#!/usr/bin/env bash
# The container images and the compose stack, for real: installs podman (Debian's packages)
# where it can, makes a Debian 12 base image with debootstrap (no image registry is reachable;
# the root file system is cached between runs), builds every image from deploy/Containerfile
# with scripts/build-images.sh, starts deploy/compose.yaml with podman-compose, runs a smoke
# test through the gateway (an API key made with accord-admin inside the gateway container, a
# partnership written and read back over REST, the public view without a key, the data kept
# across a restart), and takes the stack down again.
# Usage: containers_test.sh <work dir>
# Prints the figures: each image's size, the time to build all images, the time from
# `compose up` to every container healthy and the gateway ready. Exits 77 with
# "SKIPPED: <reason>" where no container engine can be had.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
work=$(realpath -m "${1:-$(mktemp -d)}")
mkdir -p "$work"
project=accordtest
base_image=localhost/debian:bookworm-slim
tag=${ACCORD_TEST_IMAGE_TAG:-dev}

skip() { echo "SKIPPED: $*"; exit 77; }
log() { echo "containers: $*"; }

# ---- the engine -------------------------------------------------------------------------
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  sudo -n true 2>/dev/null || skip "not root and no password-less sudo: cannot install or run podman here"
  SUDO="sudo -n"
fi
packages=(podman buildah podman-compose debootstrap runc fuse-overlayfs slirp4netns uidmap
          netavark aardvark-dns catatonit iptables curl)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  log "installing ${missing[*]}"
  if ! { $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
           "${missing[@]}" >"$work/apt.log" 2>&1 ||
         { $SUDO apt-get update -q >>"$work/apt.log" 2>&1 &&
           $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
             "${missing[@]}" >>"$work/apt.log" 2>&1; }; }; then
    skip "cannot install the container engine with apt: $(tail -n 1 "$work/apt.log")"
  fi
fi

# The engine's settings for this test only: runc, file limits RocksDB is happy with, and
# cgroupfs with file events where no systemd runs (a container or a CI sandbox).
export CONTAINERS_CONF="$work/containers.conf"
{
  echo '[containers]'
  echo 'default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]'
  echo '[engine]'
  echo 'runtime = "runc"'
  if [ ! -d /run/systemd/system ]; then
    echo 'cgroup_manager = "cgroupfs"'
    echo 'events_logger = "file"'
  fi
} > "$CONTAINERS_CONF"
podman() { $SUDO env CONTAINERS_CONF="$CONTAINERS_CONF" podman "$@"; }
compose() {
  $SUDO env CONTAINERS_CONF="$CONTAINERS_CONF" ACCORD_VERSION="$tag" \
    ACCORD_PUBLISH_HTTP_PORT="$http_port" ACCORD_PUBLISH_GRPC_PORT="$grpc_port" \
    podman-compose -p "$project" -f "$root/deploy/compose.yaml" "$@"
}
podman info >"$work/podman-info.log" 2>&1 || skip "podman does not work here: $(tail -n 1 "$work/podman-info.log")"

# ---- the base image and a check that containers run at all ------------------------------
$SUDO env ACCORD_ENGINE=podman CONTAINERS_CONF="$CONTAINERS_CONF" \
  bash "$root/deploy/make-base-image.sh" "$base_image" >"$work/base.log" 2>&1 || {
  cat "$work/base.log"
  echo "containers: FAILED: could not make the base image"
  exit 1
}
log "$(tail -n 1 "$work/base.log")"
if ! podman run --rm --read-only "$base_image" true >"$work/run-check.log" 2>&1; then
  skip "podman cannot run a container on this machine: $(tail -n 1 "$work/run-check.log")"
fi

# ---- build every image ------------------------------------------------------------------
log "building the images (build log: $work/build.log)"
build_start=$(date +%s)
if ! $SUDO env CONTAINERS_CONF="$CONTAINERS_CONF" ACCORD_ENGINE=podman ACCORD_VERSION="$tag" \
       ACCORD_BASE_IMAGE="$base_image" ACCORD_JOBS="${ACCORD_JOBS:-2}" \
       bash "$root/scripts/build-images.sh" >"$work/build.log" 2>&1; then
  tail -n 40 "$work/build.log"
  echo "containers: FAILED: building the images"
  exit 1
fi
build_seconds=$(( $(date +%s) - build_start ))
sed -n '/^build-images: images built/,$p' "$work/build.log"

# Runtime images carry no compiler and run as the non-root user.
for name in registry assessment risk review integrations gateway; do
  image="localhost/accord-$name:$tag"
  user=$(podman image inspect --format '{{.Config.User}}' "$image")
  [ "$user" = "10001:10001" ] || { echo "containers: FAILED: $image runs as '$user'"; exit 1; }
  if podman run --rm --entrypoint /bin/sh "$image" -c 'command -v g++ || command -v cc || command -v c++' >/dev/null 2>&1; then
    echo "containers: FAILED: $image has a compiler"; exit 1
  fi
done
log "every image runs as 10001:10001 and has no compiler"

# ---- the stack --------------------------------------------------------------------------
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
http_port=$(free_port)
grpc_port=$(free_port)
base_url="http://127.0.0.1:$http_port"
containers=()
down() {
  compose down -v >"$work/down.log" 2>&1 || true
  # podman-compose 1.0.3 leaves the networks behind.
  podman network rm -f "${project}_backend" "${project}_outside" >/dev/null 2>&1 || true
}
on_exit() {
  local rc=$?
  if [ "$rc" -ne 0 ] && [ "$rc" -ne 77 ] && ((${#containers[@]})); then
    for c in "${containers[@]}"; do
      echo "--- logs of $c"; podman logs --tail 20 "$c" 2>&1 || true
    done
  fi
  down
  exit "$rc"
}
trap on_exit EXIT
down

up_start=$(date +%s.%N)
compose up -d >"$work/up.log" 2>&1 || { cat "$work/up.log"; echo "containers: FAILED: compose up"; exit 1; }
mapfile -t containers < <(podman ps -a --filter "label=io.podman.compose.project=$project" --format '{{.Names}}')
[ "${#containers[@]}" -eq 6 ] || { echo "containers: FAILED: ${#containers[@]} containers, not 6"; exit 1; }

# Podman runs health checks from systemd timers; without systemd nothing runs them, so the
# test runs each container's own check (the compose file's accord-probe) itself.
healthy_at="" ready_at=""
for _ in $(seq 1 240); do
  now=$(date +%s.%N)
  if [ -z "$healthy_at" ]; then
    all=1
    for c in "${containers[@]}"; do
      podman healthcheck run "$c" >/dev/null 2>&1 || { all=0; break; }
    done
    [ "$all" = 1 ] && healthy_at=$now
  fi
  if [ -z "$ready_at" ] && [ "$(curl -s -o /dev/null -w '%{http_code}' "$base_url/readyz")" = 200 ]; then
    ready_at=$now
  fi
  [ -n "$healthy_at" ] && [ -n "$ready_at" ] && break
  sleep 0.5
done
[ -n "$healthy_at" ] || { echo "containers: FAILED: not every container became healthy in 120 s"; exit 1; }
[ -n "$ready_at" ] || { echo "containers: FAILED: the gateway's /readyz did not answer 200 in 120 s"; exit 1; }
healthy_seconds=$(awk -v a="$up_start" -v b="$healthy_at" 'BEGIN { printf "%.1f", b - a }')
ready_seconds=$(awk -v a="$up_start" -v b="$ready_at" 'BEGIN { printf "%.1f", b - a }')
log "compose up to every container healthy: ${healthy_seconds} s; to the gateway ready: ${ready_seconds} s"

# The settings compose asked for.
for c in "${containers[@]}"; do
  [ "$(podman inspect --format '{{.HostConfig.ReadonlyRootfs}}' "$c")" = true ] ||
    { echo "containers: FAILED: $c has a writable root file system"; exit 1; }
  [ "$(podman exec "$c" id -u)" = 10001 ] || { echo "containers: FAILED: $c does not run as 10001"; exit 1; }
done
published=$(podman ps --filter "label=io.podman.compose.project=$project" --format '{{.Names}} {{.Ports}}' | grep -c -- '->' || true)
[ "$published" = 1 ] || { echo "containers: FAILED: $published containers publish ports, not just the gateway"; exit 1; }
log "read-only root file systems, user 10001, only the gateway publishes ports"

# ---- smoke test through the gateway -----------------------------------------------------
gateway=$(podman ps --filter "label=io.podman.compose.project=$project" \
            --filter "label=com.docker.compose.service=gateway" --format '{{.Names}}')
key=$(podman exec "$gateway" accord-admin keys create --client smoke-test \
        --scopes partnerships:read,partnerships:write | tail -n 1)
[ -n "$key" ] || { echo "containers: FAILED: accord-admin made no key"; exit 1; }
log "accord-admin (inside $gateway) created an API key"

check() {  # name, expected status, curl arguments...
  local name=$1 expected=$2; shift 2
  local status
  status=$(curl -s -o "$work/response.json" -w '%{http_code}' "$@")
  if [ "$status" != "$expected" ]; then
    echo "containers: FAILED: $name: HTTP $status, expected $expected: $(head -c 400 "$work/response.json")"
    exit 1
  fi
  log "$name: HTTP $status"
}
check "POST /v1/partnerships" 200 -X POST -H "Authorization: Bearer $key" \
  "$base_url/v1/partnerships?partnershipId=smoke-trust&requestId=smoke-1" \
  -d '{"displayName":"Smoke Test Trust","leadService":"Leisure","keyPartnership":true}'
check "GET /v1/partnerships/smoke-trust" 200 -H "Authorization: Bearer $key" \
  "$base_url/v1/partnerships/smoke-trust"
grep -q '"Smoke Test Trust"' "$work/response.json" ||
  { echo "containers: FAILED: the partnership read back is not the one written"; exit 1; }
check "GET /v1/partnerships without a key" 401 "$base_url/v1/partnerships"
check "GET /v1/public/partnerships without a key" 200 "$base_url/v1/public/partnerships"

# Online backups of every store with accordctl inside each container (docs/operations.md).
for c in "${containers[@]}"; do
  podman exec "$c" accordctl backup --admin=unix:/data/admin.sock >"$work/backup.log" 2>&1 ||
    { echo "containers: FAILED: accordctl backup in $c: $(cat "$work/backup.log")"; exit 1; }
  grep -q verified "$work/backup.log" ||
    { echo "containers: FAILED: backup in $c not verified: $(cat "$work/backup.log")"; exit 1; }
done
log "accordctl backup: every store backed up online and verified"

# The restore drill, as docs/operations.md tells an operator: write after the backup, stop the
# stack, restore every store from its newest backup with accordctl from its own image (the
# set from one backup run, so no feed consumer is ahead of its producer), start it again.
check "POST /v1/partnerships after the backup" 200 -X POST -H "Authorization: Bearer $key" \
  "$base_url/v1/partnerships?partnershipId=smoke-later&requestId=smoke-2" \
  -d '{"displayName":"Written After The Backup","leadService":"Leisure"}'
podman stop "${containers[@]}" >/dev/null 2>"$work/stop.log"
for c in "${containers[@]}"; do
  mounts=$(podman inspect --format '{{range .Mounts}}-v {{.Name}}:{{.Destination}} {{end}}' "$c")
  # shellcheck disable=SC2086 # $mounts is a list of -v arguments
  podman run --rm --read-only $mounts --entrypoint accordctl \
      "$(podman inspect --format '{{.ImageName}}' "$c")" \
      restore --backup_dir=/backups --data_dir=/data --replace >"$work/restore.log" 2>&1 ||
    { echo "containers: FAILED: accordctl restore for $c: $(cat "$work/restore.log")"; exit 1; }
done
podman start "${containers[@]}" >/dev/null 2>"$work/start.log"
for _ in $(seq 1 120); do
  [ "$(curl -s -o /dev/null -w '%{http_code}' "$base_url/readyz")" = 200 ] && break
  sleep 0.5
done
check "GET /v1/partnerships/smoke-later after the restore" 404 -H "Authorization: Bearer $key" \
  "$base_url/v1/partnerships/smoke-later"
check "GET /v1/partnerships/smoke-trust after the restore" 200 -H "Authorization: Bearer $key" \
  "$base_url/v1/partnerships/smoke-trust"
log "accordctl restore: every store holds exactly what was backed up"

# The stores are on the volumes: restart the register and the gateway, read again.
podman restart "${containers[@]}" >/dev/null 2>"$work/restart.log"
for _ in $(seq 1 120); do
  [ "$(curl -s -o /dev/null -w '%{http_code}' "$base_url/readyz")" = 200 ] && break
  sleep 0.5
done
check "GET /v1/partnerships/smoke-trust after restarting every container" 200 \
  -H "Authorization: Bearer $key" "$base_url/v1/partnerships/smoke-trust"
grep -q '"Smoke Test Trust"' "$work/response.json" ||
  { echo "containers: FAILED: the partnership did not survive the restart"; exit 1; }

down
trap - EXIT
log "stack stopped and its volumes removed"
# Builds leave the previous binaries' layers behind: drop those older than a week (the build
# cache of layers still in use, and the compiler cache, stay).
podman image prune -f --filter until=168h >/dev/null 2>&1 || true
echo "containers: figures: images built in ${build_seconds} s; compose up to healthy ${healthy_seconds} s, to ready ${ready_seconds} s"
echo "containers: 1 passed, 0 failed"
