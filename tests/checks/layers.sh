#!/usr/bin/env bash
# Dependencies point downward only, as the track kit's layout says (services/README.md):
#   - a track (services/*) reaches the store and the cache only through the case engine, its
#     registries and the indicator engine: it includes nothing of common/store/ or common/cache/;
#   - the store includes nothing of common/cases/ (nor the layers above it);
#   - common/util, common/clock and common/config include nothing of common/store/,
#     common/cache/ or common/cases/.
# Args: source dir, build dir.
set -Eeuo pipefail
# shellcheck source=tests/checks/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
check_init "layers"

src="$(cd "$1" && pwd)" || check_fail "no source directory $1"
cd "$src"
[ -d services ] && [ -d common ] || check_fail "$src has no services/ or common/"

problems=()
# forbid FOLDER PATTERN WHY: every #include of a file under PATTERN in a source under FOLDER.
forbid() {
  local folder="$1" pattern="$2" why="$3" hits
  hits="$(grep -rnE --include='*.cc' --include='*.h' "^#include \"($pattern)" "$folder" || true)"
  if [ -n "$hits" ]; then
    while IFS= read -r line; do problems+=("$line  ($why)"); done <<<"$hits"
  fi
}
forbid services 'common/store/|common/cache/' 'a track reaches the store through the kit'
forbid common/store 'common/(cases|indicators|registry|track|server)/' 'the store is below the engine'
for low in common/util common/clock common/config; do
  forbid "$low" 'common/(store|cache|cases|indicators|registry|track|server)/' \
    "$low is below the store and the engine"
done

if [ "${#problems[@]}" -ne 0 ]; then
  printf '  %s\n' "${problems[@]}" >&2
  check_fail "${#problems[@]} includes point upward"
fi
echo "layers: services, the store and the low layers include only what is below them"
