#!/usr/bin/env bash
# scripts/fuzz.sh in its short form: the libFuzzer harnesses of tests/fuzz built in
# <source>/build-fuzz (clang, ASan, UBSan) and each run for FUZZ_SECONDS (default 15) from its
# seeds and the corpus kept there; fails on any crash, sanitizer report or finding, naming the
# harness and the kept input. The first run builds build-fuzz from nothing (the longest part).
# Args: source dir, build dir (unused: the harnesses have a build directory of their own).
set -Eeuo pipefail
# shellcheck source=tests/checks/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
check_init "fuzz"

src="$(cd "$1" 2>/dev/null && pwd)" || check_fail "no source directory $1"
[ -f "$src/scripts/fuzz.sh" ] || check_fail "$src has no scripts/fuzz.sh"
[ -f "$src/tests/fuzz/CMakeLists.txt" ] || check_fail "$src has no tests/fuzz/"

log="$(mktemp)"
check_on_exit 'rm -f "$log"'
status=0
FUZZ_SECONDS="${FUZZ_SECONDS:-15}" bash "$src/scripts/fuzz.sh" >"$log" 2>&1 </dev/null || status=$?
summary="$(cat "$log")"
if [ "$status" -ne 0 ]; then
  tail -n 80 <<<"$summary" >&2
  check_fail "scripts/fuzz.sh exited with $status (the lines above say which harness and input)"
fi
grep -E '^(harness|fuzz_)|^fuzz: ' <<<"$summary" || true
echo "fuzz: every harness ran without a finding"
