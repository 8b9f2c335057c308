#!/usr/bin/env bash
# yamllint on every YAML file of the repository, with the root .yamllint (which skips what
# .gitignore ignores: node_modules, build directories, .run). Warnings fail too (--strict).
# Args: source dir, build dir.
set -Eeuo pipefail
# shellcheck source=tests/checks/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
check_init "yamllint"
src="$1"

if ! command -v yamllint >/dev/null 2>&1; then
  check_fail "yamllint is not installed: apt-get install yamllint (Debian package)"
fi
cd "$src"
[ -f .yamllint ] || check_fail "$src/.yamllint is missing"

listed="$(yamllint --list-files .)" || check_fail "yamllint --list-files failed (config: .yamllint)"
mapfile -t files <<<"$listed"
# Not vacuous: the deploy manifests must be among the files linted.
if [ -z "$listed" ] || [[ $'\n'"$listed"$'\n' != *$'\n'*deploy/k8s/base/kustomization.yaml$'\n'* ]]; then
  check_fail "the file list misses deploy/k8s (got ${#files[@]} files): check .yamllint"
fi
if ! yamllint --strict -f parsable .; then
  check_fail "problems above (config: .yamllint)"
fi
echo "yamllint: ${#files[@]} files ok"
