#!/usr/bin/env bash
# Builds one container image per Accord process from deploy/Containerfile, with podman or
# docker (whichever is present; podman first). The code is compiled once, in the build stage;
# every image takes its binary from it. Prints each image's size and the total build time.
#
#   scripts/build-images.sh                   # localhost/accord-<name>:dev
#   ACCORD_VERSION=1.0.0 ACCORD_IMAGE_PREFIX=registry.example.org/accord/ ACCORD_PUSH=1 \
#     scripts/build-images.sh                 # registry.example.org/accord/accord-<name>:1.0.0, pushed
#
# Environment:
#   ACCORD_ENGINE        podman or docker (default: podman if installed, else docker)
#   ACCORD_VERSION       image tag (default dev)
#   ACCORD_IMAGE_PREFIX  prefix of every image name (default localhost/)
#   ACCORD_BASE_IMAGE    the Debian 12 base image of both stages (default: the Containerfile's,
#                        debian:bookworm-slim)
#   ACCORD_JOBS          compile jobs in the build stage (default 2)
#   ACCORD_PUSH          1: push every image after building it
#   ACCORD_IMAGES        which images, space-separated (default: all six)
#   ACCORD_CCACHE_DIR    the host's compiler cache lent to the build stage (podman only;
#                        default ~/.cache/accord/ccache, filled by scripts/build.sh)
set -euo pipefail
cd "$(dirname "$0")/.."

engine=${ACCORD_ENGINE:-}
if [ -z "$engine" ]; then
  if command -v podman >/dev/null 2>&1; then
    engine=podman
  elif command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; then
    engine=docker
  else
    echo "build-images: neither podman nor a running docker engine found" \
         "(Debian: apt-get install podman)" >&2
    exit 1
  fi
fi

version=${ACCORD_VERSION:-dev}
prefix=${ACCORD_IMAGE_PREFIX-localhost/}
images=(${ACCORD_IMAGES:-registry assessment risk review integrations gateway})
args=(--build-arg "JOBS=${ACCORD_JOBS:-2}")
[ -n "${ACCORD_BASE_IMAGE:-}" ] && args+=(--build-arg "BASE_IMAGE=$ACCORD_BASE_IMAGE")
# podman lends the build stage the host's compiler cache (scripts/build.sh fills it), so
# objects the host already compiled are not compiled again. docker keeps its own cache mount.
ccache_dir=${ACCORD_CCACHE_DIR:-$HOME/.cache/accord/ccache}
if [ "$engine" = podman ] && [ -d "$ccache_dir" ]; then
  args+=(--volume "$ccache_dir:/ccache-host")
fi

start=$(date +%s)
for name in "${images[@]}"; do
  tag="${prefix}accord-${name}:${version}"
  echo "build-images: $tag (target $name, $engine)" >&2
  "$engine" build -f deploy/Containerfile --target "$name" -t "$tag" "${args[@]}" .
  if [ "${ACCORD_PUSH:-0}" = 1 ]; then "$engine" push "$tag"; fi
done
elapsed=$(( $(date +%s) - start ))

echo "build-images: images built with $engine (each size includes the layers they share)"
for name in "${images[@]}"; do
  tag="${prefix}accord-${name}:${version}"
  bytes=$("$engine" image inspect --format '{{.Size}}' "$tag")
  awk -v t="$tag" -v b="$bytes" 'BEGIN { printf "  %-48s %6.1f MB\n", t, b / 1e6 }'
done
echo "build-images: total build time ${elapsed} s"
