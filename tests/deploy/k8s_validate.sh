#!/usr/bin/env bash
# Renders the Kubernetes manifests (deploy/k8s: the base and the example overlay) with
# `kubectl kustomize` and validates every object offline against the Kubernetes API schema
# (npm package kubernetes-models; k8s_validate.mjs also refuses fields the schema does not
# declare). Also checks that deploy/k8s/base/protocols is the repository's protocols/ folder.
# Usage: k8s_validate.sh <work dir>
#
# kubectl: Debian 12 has no usable one (its kubernetes-client 1.20 carries kustomize 2.0.3,
# which cannot read current kustomizations); this machine kind has kubectl from its image.
# Where kubectl is missing, the test tries `apt-get install kubectl` (a machine with the
# Kubernetes apt repository) and otherwise fails: the manifests must render in CI.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
work=$(realpath -m "${1:-$(mktemp -d)}")
mkdir -p "$work"

if ! command -v kubectl >/dev/null 2>&1; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q kubectl >/dev/null 2>&1 || true
fi
if ! command -v kubectl >/dev/null 2>&1; then
  echo "k8s validate: FAILED: kubectl (1.21 or later, with kustomize 4+) is not installed" >&2
  exit 1
fi
kustomize_version=$(kubectl version --client 2>/dev/null | sed -n 's/^Kustomize Version: v\{0,1\}//p')
case "$kustomize_version" in
  [4-9].*|[1-9][0-9].*) ;;
  *) echo "k8s validate: FAILED: kubectl's kustomize is '${kustomize_version:-unknown}'; 4 or later needed" >&2
     exit 1 ;;
esac

# The protocols ConfigMap is made from a copy (kustomize reads nothing outside its folder).
drift=0
for f in "$root"/protocols/*.textproto; do
  copy="$root/deploy/k8s/base/protocols/$(basename "$f")"
  if ! cmp -s "$f" "$copy"; then
    echo "k8s validate: deploy/k8s/base/protocols/$(basename "$f") differs from protocols/" >&2
    drift=1
  fi
  grep -q "protocols/$(basename "$f")" "$root/deploy/k8s/base/kustomization.yaml" || {
    echo "k8s validate: protocols/$(basename "$f") is not listed in deploy/k8s/base/kustomization.yaml" >&2
    drift=1
  }
done
for copy in "$root"/deploy/k8s/base/protocols/*.textproto; do
  [ -e "$root/protocols/$(basename "$copy")" ] || {
    echo "k8s validate: deploy/k8s/base/protocols/$(basename "$copy") is not in protocols/" >&2
    drift=1
  }
done
if [ "$drift" = 1 ]; then
  echo "k8s validate: FAILED: run deploy/k8s/sync-protocols.sh" >&2
  exit 1
fi

if [ ! -d "$work/npm/node_modules/kubernetes-models" ] || [ ! -d "$work/npm/node_modules/yaml" ]; then
  npm install --silent --no-audit --no-fund --prefix "$work/npm" kubernetes-models@5.1.0 \
    yaml@2 >/dev/null 2>&1
fi
cp "$here/k8s_validate.mjs" "$work/npm/"

# The example overlay takes its TLS Secret from files made per installation: make
# development ones, in a copy of deploy/k8s so that the source tree stays clean.
rm -rf "$work/k8s" "$work/certs"
cp -r "$root/deploy/k8s" "$work/k8s"
ACCORD_CERT_SANS="DNS:accord-registry,DNS:accord-assessment,DNS:accord-risk,DNS:accord-review,DNS:accord-integrations,DNS:accord-gateway" \
  bash "$root/scripts/dev-certs.sh" "$work/certs" >/dev/null
cp "$work/certs/ca.pem" "$work/certs/accord.pem" "$work/certs/accord.key" \
  "$work/k8s/overlays/example/tls/"

kubectl kustomize "$work/k8s/base" > "$work/base.yaml"
kubectl kustomize "$work/k8s/overlays/example" > "$work/overlay-example.yaml"
echo "k8s validate: rendered base ($(grep -c '^kind:' "$work/base.yaml") objects) and" \
     "overlays/example ($(grep -c '^kind:' "$work/overlay-example.yaml") objects) with kubectl" \
     "$(kubectl version --client 2>/dev/null | sed -n 's/^Client Version: //p'), kustomize $kustomize_version"
(cd "$work/npm" && node k8s_validate.mjs "$work/base.yaml" "$work/overlay-example.yaml")
