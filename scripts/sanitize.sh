#!/usr/bin/env bash
# Every test under AddressSanitizer and UndefinedBehaviorSanitizer: configures build-asan/ with
# GOV_SANITIZE=address,undefined (every source, tests and services alike, built with
# -fsanitize=address,undefined -fno-sanitize-recover=undefined; GCC, the suite's compiler), then
# hands over to scripts/test.sh on that build directory: the same bootstrap, build and whole
# ctest, with the tests' own Redis and PostgreSQL servers, and the services the system tests and
# checks start built with the sanitizers too. A sanitizer report ends the process that made it
# with a non-zero status, so the test it belongs to fails and prints it.
#
# The long command of the suite (a build of everything with the sanitizers, then tests that run
# several times slower): about two hours on two cores.
#
# Environment (all optional):
#   GOV_ASAN_DIR     build directory (default <repo>/build-asan)
#   GOV_TEST_JOBS    tests run in parallel (default 2, as scripts/test.sh)
#   ASAN_OPTIONS, UBSAN_OPTIONS  replace the defaults below
set -Eeuo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${GOV_ASAN_DIR:-$here/build-asan}"

"$here/scripts/bootstrap.sh"

# The generator and build type are only named for a new build directory (CMake keeps them);
# the sanitizers are set every time, so that an existing build-asan cannot lose them.
configure=(-DGOV_SANITIZE=address,undefined)
[ -f "$build/CMakeCache.txt" ] ||
  configure+=(-G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo)
cmake -S "$here" -B "$build" "${configure[@]}"

# Reports name file and line (llvm-symbolizer when there, else libasan's own), and every
# process of the run (tests, the services they start, their children) reads the same options.
symbolizer=/usr/lib/llvm-14/bin/llvm-symbolizer
if [ -x "$symbolizer" ]; then export ASAN_SYMBOLIZER_PATH="$symbolizer"; fi
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:check_initialization_order=1:strict_init_order=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

GOV_BUILD_DIR="$build" exec "$here/scripts/test.sh"
