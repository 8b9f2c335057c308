#!/usr/bin/env bash
# yamllint on every YAML file of the repository, with the root .yamllint (which skips what
# .gitignore ignores: node_modules, build directories, .run). Warnings fail too (--strict).
# Args: source dir, build dir.
set -euo pipefail
src="$1"

if ! command -v yamllint >/dev/null 2>&1; then
  echo "yamllint is not installed: apt-get install yamllint (Debian package)" >&2
  exit 1
fi
cd "$src"
[ -f .yamllint ] || { echo "yamllint: $src/.yamllint is missing" >&2; exit 1; }

mapfile -t files < <(yamllint --list-files .)
# Not vacuous: the deploy manifests must be among the files linted.
if [ "${#files[@]}" -eq 0 ] || ! printf '%s\n' "${files[@]}" | grep -q 'deploy/k8s/base/kustomization.yaml$'; then
  echo "yamllint: the file list misses deploy/k8s (got ${#files[@]} files): check .yamllint" >&2
  exit 1
fi
if ! yamllint --strict -f parsable .; then
  echo "yamllint: problems above (config: .yamllint)" >&2
  exit 1
fi
echo "yamllint: ${#files[@]} files ok"
