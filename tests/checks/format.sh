#!/usr/bin/env bash
# Every C++ source and header follows the repository's .clang-format.
set -Eeuo pipefail
# shellcheck source=tests/checks/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
check_init "clang-format"
src="$1"
cd "$src"
listed="$(git ls-files -co --exclude-standard -- '*.cc' '*.h')" || check_fail "git ls-files failed in $src"
mapfile -t files < <(grep -v '^build' <<<"$listed" || true)
if [ "${#files[@]}" -eq 0 ]; then
  check_fail "no C++ files found"
fi
bad=()
for f in "${files[@]}"; do
  [ -f "$f" ] || continue
  clang-format --dry-run --Werror "$f" >/dev/null 2>&1 || bad+=("$f")
done
if [ "${#bad[@]}" -ne 0 ]; then
  echo "not clang-formatted (run: clang-format -i <file>):" >&2
  printf '  %s\n' "${bad[@]}" >&2
  check_fail "${#bad[@]} files not formatted"
fi
echo "clang-format: ${#files[@]} files ok"
