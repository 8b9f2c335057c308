#!/usr/bin/env bash
# Every check under tests/checks/ says why when it fails: each is run against a source and a
# build directory that do not exist, and the checks of built binaries also against the real
# source with an empty build directory; each run must exit non-zero with a message on stderr. A
# check that stops silently (a failing command under set -e before any message) fails this one.
# Args: source dir, build dir.
set -Eeuo pipefail
# shellcheck source=tests/checks/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
check_init "explained_failures"

src="$(cd "$1" && pwd)" || check_fail "no source directory $1"
here="$src/tests/checks"
work="$(mktemp -d)"
check_on_exit 'rm -rf "$work"'
mkdir -p "$work/empty-build"

silent=()
checked=0
for script in "$here"/*.sh; do
  name="$(basename "$script" .sh)"
  case "$name" in lib | explained_failures) continue ;; esac
  runs=("$work/no-source $work/no-build")
  case "$name" in image | prometheus | run_script*) runs+=("$src $work/empty-build") ;; esac
  for args in "${runs[@]}"; do
    read -r -a argv <<<"$args"
    status=0
    timeout 120 bash "$script" "${argv[@]}" >"$work/out" 2>"$work/err" </dev/null || status=$?
    checked=$((checked + 1))
    if [ "$status" -eq 0 ]; then
      silent+=("$name ($args): passed where there is nothing to check")
    elif [ ! -s "$work/err" ]; then
      silent+=("$name ($args): exited $status with nothing on stderr")
    fi
  done
done
[ "$checked" -ge 10 ] || check_fail "only $checked runs: the checks were not found under $here"
if [ "${#silent[@]}" -ne 0 ]; then
  printf '  %s\n' "${silent[@]}" >&2
  check_fail "${#silent[@]} check runs failed without saying why, or passed where they cannot"
fi
echo "explained_failures: $checked runs, each failure explained"
