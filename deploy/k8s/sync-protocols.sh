#!/usr/bin/env bash
# Copies the repository's governance protocols (protocols/*.textproto) into the Kubernetes
# base, where kustomize can read them (it reads no file outside the kustomization's folder).
# tests/deploy/k8s_validate.sh fails while the two folders differ. A new protocol file must
# also be listed under the accord-protocols configMapGenerator in base/kustomization.yaml.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
rm -f "$here"/base/protocols/*.textproto
cp "$here"/../../protocols/*.textproto "$here"/base/protocols/
for f in "$here"/base/protocols/*.textproto; do
  grep -q "protocols/$(basename "$f")" "$here/base/kustomization.yaml" ||
    echo "sync-protocols: list protocols/$(basename "$f") in deploy/k8s/base/kustomization.yaml" >&2
done
echo "sync-protocols: $(ls "$here"/base/protocols/*.textproto | wc -l) protocol files in deploy/k8s/base/protocols"
