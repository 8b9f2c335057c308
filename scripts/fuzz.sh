#!/usr/bin/env bash
# Fuzzes what reaches a service from outside, with libFuzzer: builds the harnesses of tests/fuzz
# in build-fuzz/ (clang 14, RelWithDebInfo, every source built with the fuzzer's coverage, ASan
# and UBSan; CMake option GOV_FUZZ), then runs each for FUZZ_SECONDS, one after the other:
#   fuzz_<track>     (one a track) raw requests to every method the track serves, in process
#   fuzz_page_token  page tokens, change stream positions, the cache's case codec
#   fuzz_rules       the tracks' rules files, targets, regions, holidays
#   fuzz_config      a service's flags and environment
#   fuzz_tokens      token files and authorization metadata
# Each harness first writes its seeds (from data/*.json and valid requests; GOV_FUZZ_SEEDS) into
# build-fuzz/fuzz/seeds/<harness>/; the corpus it grows is kept in build-fuzz/fuzz/corpus/<harness>/
# and reused by the next run. A crash, a sanitizer report or a broken invariant (a line
# "==FINDING== ..." in the harness's log) fails the run; the input is kept as
# build-fuzz/fuzz/crashes/<harness>/crash-<sha1> (or leak-, timeout-, oom-), and the command that
# replays it is printed. Exit status: 0 when no harness found anything.
#
#   scripts/fuzz.sh                       short form: 15 s a harness (about 4 minutes, built)
#   FUZZ_SECONDS=1800 scripts/fuzz.sh     long form: half an hour a harness
#   FUZZ_ONLY="fuzz_mediation fuzz_rules" scripts/fuzz.sh
#
# Environment (all optional):
#   FUZZ_SECONDS   seconds each harness runs (default 15)
#   FUZZ_ONLY      the harnesses to run, by name (default: every one built)
#   GOV_FUZZ_DIR   build directory (default <repo>/build-fuzz)
#   GOV_FUZZ_NICE  niceness of the build and the runs (default 15: the machine is shared)
set -Eeuo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${GOV_FUZZ_DIR:-$here/build-fuzz}"
seconds="${FUZZ_SECONDS:-15}"
niceness="${GOV_FUZZ_NICE:-15}"
started=$SECONDS

die() {
  echo "fuzz: $*" >&2
  exit 1
}
[[ "$seconds" =~ ^[1-9][0-9]*$ ]] || die "FUZZ_SECONDS must be a positive number of seconds, not \"$seconds\""

"$here/scripts/bootstrap.sh"

cxx="$(command -v clang++-14 || true)"
cc="$(command -v clang-14 || true)"
if [ -z "$cxx" ] || [ -z "$cc" ]; then
  die "clang 14 is missing (clang-14, libclang-rt-14-dev): run scripts/bootstrap.sh"
fi
symbolizer=/usr/lib/llvm-14/bin/llvm-symbolizer
[ -x "$symbolizer" ] || die "$symbolizer is missing (llvm-14): run scripts/bootstrap.sh"

mkdir -p "$build"
# One run at a time in a build directory (a manual run and the ctest check share it).
exec 9>"$build/.fuzz.lock"
flock 9

# The generator and compilers are only named for a new build directory (CMake keeps them).
configure=(-DGOV_FUZZ=ON -DGOV_BUILD_TESTS=OFF -DGOV_BUILD_BENCH=OFF)
if [ ! -f "$build/CMakeCache.txt" ]; then
  configure+=(-G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER="$cc"
    -DCMAKE_CXX_COMPILER="$cxx")
fi
nice -n "$niceness" cmake -S "$here" -B "$build" "${configure[@]}" >"$build/configure.log" 2>&1 || {
  tail -n 40 "$build/configure.log" >&2
  die "configuring $build failed (log: $build/configure.log)"
}
build_started=$SECONDS
echo "fuzz: building the harnesses in $build"
nice -n "$niceness" cmake --build "$build" --target fuzz >"$build/build.log" 2>&1 || {
  tail -n 60 "$build/build.log" >&2
  die "building the harnesses failed (log: $build/build.log)"
}
echo "fuzz: built in $((SECONDS - build_started))s"

mapfile -t built < <(find "$build/tests/fuzz" -maxdepth 1 -type f -name 'fuzz_*' -perm -u+x | sort)
[ "${#built[@]}" -gt 0 ] || die "no harness was built under $build/tests/fuzz"
harnesses=()
if [ -n "${FUZZ_ONLY:-}" ]; then
  for name in $FUZZ_ONLY; do
    [ -x "$build/tests/fuzz/$name" ] || die "FUZZ_ONLY names $name, which is not built"
    harnesses+=("$build/tests/fuzz/$name")
  done
else
  harnesses=("${built[@]}")
fi

work="$build/fuzz"
mkdir -p "$work/seeds" "$work/corpus" "$work/crashes" "$work/logs"
# The harnesses' scratch files (the tracks' SQLite stores, rules and token files) go to memory
# where there is a tmpfs: SQLite's fsync on every commit would otherwise set the pace.
scratch_base="$work"
[ -d /dev/shm ] && [ -w /dev/shm ] && scratch_base=/dev/shm
scratch="$(mktemp -d "$scratch_base/gov-fuzz-XXXXXX")"
trap 'rm -rf "$scratch"' EXIT
export TMPDIR="$scratch"
export ASAN_SYMBOLIZER_PATH="$symbolizer"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:check_initialization_order=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

printf '%-18s %8s %10s %8s %8s  %s\n' harness seeds runs exec/s corpus result
failed=()
for harness in "${harnesses[@]}"; do
  name="$(basename "$harness")"
  seeds="$work/seeds/$name"
  corpus="$work/corpus/$name"
  crashes="$work/crashes/$name"
  log="$work/logs/$name.log"
  rm -rf "$seeds" "$seeds.dict"
  mkdir -p "$seeds" "$corpus" "$crashes"
  if ! GOV_FUZZ_SEEDS="$seeds" nice -n "$niceness" "$harness" >"$log.seeds" 2>&1; then
    tail -n 40 "$log.seeds" >&2
    failed+=("$name: writing its seeds failed (log: $log.seeds)")
    printf '%-18s %8s %10s %8s %8s  %s\n' "$name" - - - - "seeds failed"
    continue
  fi
  before="$(find "$crashes" -type f | wc -l)"
  # A harness whose inputs are text of a known grammar writes its words beside its seeds.
  dict=()
  if [ -f "$seeds.dict" ]; then dict=(-dict="$seeds.dict"); fi
  status=0
  # -close_fd_mask=2: the code under test logs nothing; libFuzzer's and the sanitizers' reports
  # and the harness's findings still reach the log.
  nice -n "$niceness" "$harness" -max_total_time="$seconds" -timeout=60 -rss_limit_mb=4096 \
    -close_fd_mask=2 -print_final_stats=1 -artifact_prefix="$crashes/" "${dict[@]}" \
    "$corpus" "$seeds" >"$log" 2>&1 </dev/null || status=$?
  after="$(find "$crashes" -type f | wc -l)"
  stats="$(cat "$log")"
  runs="$(sed -n 's/^stat::number_of_executed_units: *//p' <<<"$stats")"
  rate="$(sed -n 's/^stat::average_exec_per_sec: *//p' <<<"$stats")"
  seed_count="$(find "$seeds" -type f | wc -l)"
  corpus_count="$(find "$corpus" -type f | wc -l)"
  result=ok
  if [ "$status" -ne 0 ] || [ "$after" -gt "$before" ]; then
    result="FOUND (exit $status)"
    newest="$(find "$crashes" -type f -printf '%T@ %p\n' | sort -n | tail -n 1 | cut -d' ' -f2-)"
    finding="$(grep -m1 -E '^==FINDING==|ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:' <<<"$stats" || true)"
    # Found before any input (the harness's own requests, when it starts): it replays alone.
    replay="$harness -runs=0"
    if [ "$after" -gt "$before" ] && [ -n "$newest" ]; then replay="$harness $newest"; fi
    failed+=("$name: ${finding:-exit $status} (log: $log; replay: $replay)")
  fi
  printf '%-18s %8s %10s %8s %8s  %s\n' "$name" "$seed_count" "${runs:--}" "${rate:--}" \
    "$corpus_count" "$result"
done

echo "fuzz: ${#harnesses[@]} harnesses, ${seconds}s each, $((SECONDS - started))s in all"
if [ "${#failed[@]}" -ne 0 ]; then
  printf '  %s\n' "${failed[@]}" >&2
  die "${#failed[@]} of ${#harnesses[@]} harnesses found something"
fi
echo "fuzz: nothing found"
