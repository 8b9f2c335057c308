#!/usr/bin/env bash
# Runs every test: bootstrap if needed, build with warnings as errors, then ctest (unit,
# service, system tests and the scripted checks). Exit status is non-zero on any failure.
#
# Environment (optional):
#   GOV_BUILD_DIR   build directory (default <repo>/build, shared with scripts/run.sh)
#   GOV_TEST_JOBS   tests run in parallel (default 2)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${GOV_BUILD_DIR:-$here/build}"
jobs="${GOV_TEST_JOBS:-2}"
started=$SECONDS

"$here/scripts/bootstrap.sh"

# The generator is only named for a new build directory: CMake refuses a different one later.
generator=()
[ -f "$build_dir/CMakeCache.txt" ] || generator=(-G Ninja)
cmake -S "$here" -B "$build_dir" "${generator[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DGOV_WERROR=ON
cmake --build "$build_dir"

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
status=0
ctest --test-dir "$build_dir" --output-on-failure --no-tests=error -j"$jobs" 2>&1 | tee "$log" ||
  status=$?

summary="$(grep -E '^[0-9]+% tests passed' "$log" | tail -n 1 || true)"
elapsed=$((SECONDS - started))
echo "test: ${summary:-ctest did not finish} (${elapsed}s)"
if [ -n "$summary" ]; then
  failed="$(sed -E 's/.* ([0-9]+) tests failed out of ([0-9]+).*/\1/' <<<"$summary")"
  total="$(sed -E 's/.* tests failed out of ([0-9]+).*/\1/' <<<"$summary")"
  echo "ctest: $((total - failed)) passed, $failed failed"
fi
[ "$status" -eq 0 ] && [ -n "$summary" ] || exit 1
