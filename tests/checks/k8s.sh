#!/usr/bin/env bash
# The Kubernetes manifests (deploy/k8s), offline:
#   1. deploy/k8s/base/tracks and deploy/k8s/components/mtls are what deploy/k8s/generate.mjs
#      writes (the seven tracks come from that one definition);
#   2. `kubectl kustomize` renders each overlay (dev; prod, on mutual TLS) into
#      BUILD/k8s/<overlay>.yaml, and there is no other overlay, which would go unvalidated;
#   3. tools/deploy/validate-k8s.mjs validates every rendered object against the Kubernetes API
#      schema (npm kubernetes-models) and the project's rules (prod: every track on mutual TLS,
#      probes on the plaintext health-only port), then breaks copies of the objects and requires
#      each breakage to be caught (--self-test).
# Prerequisites: kubectl >= 1.27 (its built-in kustomize; deploy/k8s/README.md), node and the
# npm packages of package.json (scripts/bootstrap.sh runs npm ci).
# Args: source dir, build dir.
set -Eeuo pipefail
# shellcheck source=tests/checks/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
check_init "k8s"
src="$1"
build="$2"

fail() { check_fail "$@"; }

command -v kubectl >/dev/null 2>&1 ||
  fail "kubectl is not installed: kubectl >= 1.27 is a prerequisite of this check (deploy/k8s/README.md)"
version_json="$(kubectl version --client -o json 2>/dev/null)" ||
  fail "\`kubectl version --client\` failed: kubectl >= 1.27 is a prerequisite (deploy/k8s/README.md)"
major="$(sed -n '/"major":/{s/.*"major": *"\([0-9]*\).*/\1/p;q}' <<<"$version_json")"
minor="$(sed -n '/"minor":/{s/.*"minor": *"\([0-9]*\).*/\1/p;q}' <<<"$version_json")"
if [ -z "$major" ] || [ -z "$minor" ] || [ "$major" -lt 1 ] || { [ "$major" -eq 1 ] && [ "$minor" -lt 27 ]; }; then
  fail "kubectl ${major:-?}.${minor:-?} is too old: this check needs kubectl >= 1.27 (its built-in kustomize v5; deploy/k8s/README.md)"
fi

command -v node >/dev/null 2>&1 || fail "node is not installed: run scripts/bootstrap.sh"
for pkg in kubernetes-models @kubernetes-models/prometheus-operator yaml; do
  [ -f "$src/node_modules/$pkg/package.json" ] ||
    fail "npm package $pkg is not installed: run scripts/bootstrap.sh (npm ci)"
done

node "$src/deploy/k8s/generate.mjs" --check || fail "generated manifests are stale (see above)"

# Every rules file a track reads (rules: true in data/tracks.json, --rules_file
# /etc/governance/data/<track>.json) is in the governance-data ConfigMap.
rules_tracks="$(jq -r '.tracks[] | select(.rules) | .name' "$src/data/tracks.json")" ||
  fail "cannot read data/tracks.json"
data_files="$(sed -n 's/^ *- \([a-z0-9_.-]*\.json\)$/\1/p' "$src/data/kustomization.yaml")"
for t in $rules_tracks; do
  grep -qx "$t.json" <<<"$data_files" ||
    fail "data/kustomization.yaml does not put $t.json (the $t track's rules) in governance-data"
done

# The validator knows the rules of dev and prod: an overlay beside them would pass unchecked.
overlays=(dev prod)
for dir in "$src"/deploy/k8s/overlays/*/; do
  [ -d "$dir" ] || continue
  name="$(basename "$dir")"
  [[ " ${overlays[*]} " == *" $name "* ]] ||
    fail "deploy/k8s/overlays/$name is not validated: this check and tools/deploy/validate-k8s.mjs know only ${overlays[*]}"
done

out="$build/k8s"
mkdir -p "$out"
inputs=()
for overlay in "${overlays[@]}"; do
  dir="$src/deploy/k8s/overlays/$overlay"
  [ -f "$dir/kustomization.yaml" ] || fail "$dir/kustomization.yaml is missing"
  if ! kubectl kustomize "$dir" >"$out/$overlay.yaml" 2>"$out/$overlay.err"; then
    cat "$out/$overlay.err" >&2
    fail "kubectl kustomize $dir failed"
  fi
  [ -s "$out/$overlay.yaml" ] || fail "kubectl kustomize $dir rendered nothing"
  inputs+=("$overlay=$out/$overlay.yaml")
done

node "$src/tools/deploy/validate-k8s.mjs" --self-test "${inputs[@]}" ||
  fail "validation failed (see above; rendered files in $out)"
echo "k8s: ok (kubectl $major.$minor; rendered files in $out)"
