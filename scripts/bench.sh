#!/usr/bin/env bash
# Runs the benchmark set and writes bench/REPORT.md (overwritten; its Analysis section is kept)
# and the raw results as JSON lines in bench/results/<UTC timestamp>.jsonl (gitignored).
#
#   scripts/bench.sh                     bootstrap, build, run everything, write the report
#   scripts/bench.sh --report FILE.jsonl only write bench/REPORT.md again from a results file
#
# What runs, all on this machine and in this one run (numbers are compared with baselines
# measured alongside, never with constants):
#   1. baselines: the empty handler on the same server bootstrap (bench_server + loadgen
#      --workload=empty, closed loop) and redis-benchmark GET on the same redis-server;
#   2. stores side by side: for each store of GOV_BENCH_STORES a fresh empty store (a new SQLite
#      file; a new database on one local PostgreSQL cluster started for the run with default,
#      durable settings: fsync and synchronous_commit on), the Redis cache flushed, the mediation
#      service started on it (it loads its demo data into the empty store) — for PostgreSQL as
#      each replica count of GOV_BENCH_PG_REPLICAS, the replicas sharing the database and Redis
#      and loadgen calling them in turn — then create and transition closed loop, and get_miss
#      over every dispute then in the store, the cache flushed just before and its namespace
#      epoch moved on every 0.1 s during the run (so that reading an id again is a miss too);
#   3. tracks side by side: for each track of GOV_BENCH_TRACKS a fresh SQLite store, the Redis
#      cache flushed, the track's service started on it (it loads its demo data), then loadgen's
#      track_create and track_get_hit closed loop with the calls bench/tracks.json names for the
#      track: its main create, and its get over items created and read once before the run (a
#      cache hit every time);
#   4. the cockpit beside one ListIndicators call: every track's service on a fresh SQLite store
#      of its own (its demo data), all reaching each other as peers with the token of a system
#      principal, the Redis cache flushed first; then, closed loop at each concurrency of
#      GOV_BENCH_COCKPIT_CONCURRENCY, loadgen's call workload with the calls of bench/tracks.json's
#      cockpit section: the baseline (mediation's ListIndicators, unfiltered, district-wide,
#      current month) and the digital service's GetCockpit for each cockpit, a reply holding an
#      incomplete cockpit counted as an error. Twice: the digital service on its rules as
#      configured (data/digital.json: a complete cockpit cached for cockpitSettings.cacheSeconds,
#      the steady state, each cockpit's run lasting long enough to hold an expiry), then
#      restarted on a copy of them with cacheSeconds 0 (every call fans out to the seven tracks);
#      the report puts each cockpit's p99 beside the baseline's p99 measured just before it, with
#      the same digital process and concurrency;
#   5. for each store size: bulk_load fills a store up to that many cases through the case
#      engine (starting from the previous size's store), the mediation service starts on a copy
#      of it (the Redis cache flushed), and loadgen runs get_hit closed loop, get_hit open loop
#      at half the closed-loop peak just measured, then get_miss, list, indicators, ranking,
#      create and transition closed loop (reads first, so they see exactly that many cases);
#      then the service's peak RSS is read and it is stopped with SIGTERM.
#
# Environment (all optional):
#   GOV_BUILD_DIR           build directory (default <repo>/build, shared with test.sh, run.sh)
#   GOV_BENCH_SIZES         store sizes in cases (default "10000 100000 1000000"; empty: none,
#                           only the baselines and the stores side by side run)
#   GOV_BENCH_STORES        stores to run side by side: "sqlite", "postgres" or both (default
#                           "sqlite postgres"; empty skips the stage)
#   GOV_BENCH_PG_REPLICAS   replica counts of the service on PostgreSQL (default "1 2")
#   GOV_BENCH_TRACKS        tracks to run side by side, of bench/tracks.json (default: all of
#                           them; they run in the file's order; empty skips the stage)
#   GOV_BENCH_COCKPITS      cockpits to measure beside one ListIndicators call, by name of
#                           bench/tracks.json's cockpit section (default: all of them, in the
#                           file's order; empty skips the stage)
#   GOV_BENCH_COCKPIT_CONCURRENCY  calls in flight of the cockpit stage's runs, each measured in
#                           turn (default "1 <GOV_BENCH_CONCURRENCY>": unloaded, then as loaded
#                           as the rest of the set)
#   GOV_BENCH_REPORT        the report to write (default bench/REPORT.md); e.g. bench/STORES.md
#                           for a stores-only run (GOV_BENCH_SIZES=) beside the full report
#   GOV_BENCH_DURATION      measured seconds per run (default 10)
#   GOV_BENCH_WARMUP        warm-up seconds before each run (default 2)
#   GOV_BENCH_CONCURRENCY   calls in flight in the closed loop (default 64)
#   GOV_BENCH_CHANNELS      gRPC channels (connections) of the load generator (default 4)
#   GOV_BENCH_LOAD_THREADS  bulk loader threads (default 64)
#   GOV_BENCH_STATE_DIR     where the stores (store-<size>.db), the PostgreSQL cluster
#                           (postgres/), logs and tokens live; kept, and its sized stores reused
#                           by the next run, which then loads nothing (default: a temporary
#                           directory, removed at the end). As root the cluster runs as user
#                           postgres, which must be able to reach the directory.
# GOV_DATABASE_URL is ignored: every service started here gets its store from its flags.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/lib.sh
. "$here/scripts/lib.sh"

report="${GOV_BENCH_REPORT:-$here/bench/REPORT.md}"
case "$report" in /*) ;; *) report="$PWD/$report" ;; esac

say() { printf 'bench: %s\n' "$*" >&2; }
die() {
  printf 'bench: error: %s\n' "$*" >&2
  exit 1
}

# ---------------------------------------------------------------------------------------------
# The report: bench/REPORT.md from a results file, with jq only (no python on a minimal Debian).

# Prints the text between the analysis markers of the current report, or a placeholder.
previous_analysis() {
  if [ -f "$report" ] && grep -q '^<!-- analysis:begin -->$' "$report" &&
    grep -q '^<!-- analysis:end -->$' "$report"; then
    awk '/^<!-- analysis:end -->$/ { inside = 0 } inside { print } /^<!-- analysis:begin -->$/ { inside = 1 }' "$report"
  else
    cat <<'EOF'
## Analysis

_Written by hand after profiling (`perf record -g`, `valgrind --tool=callgrind`) and kept by
`scripts/bench.sh` across runs: for every target marked **missed** above, why it is missed and
what would fix it._
EOF
  fi
}

write_report() {
  local results="$1" analysis tmp
  [ -s "$results" ] || die "no results in $results"
  analysis="$(previous_analysis)"
  tmp="$(mktemp)"
  jq -r -s --arg results "${results#"$here"/}" -f /dev/stdin "$results" >"$tmp" <<'JQ'
# ---- helpers ----
def num(d): if . == null then "–" else (. * pow(10; d) | round) / pow(10; d) | tostring end;
# Fixed decimals: 3.5 -> "3.50" with fixed(2).
def fixed($d): if . == null then "–" else
  ((. * pow(10; $d)) | round) as $n | ($n | fabs | tostring) as $s
  | (if ($d + 1 - ($s | length)) > 0 then "0" * ($d + 1 - ($s | length)) else "" end + $s) as $p
  | (if $n < 0 then "-" else "" end) + $p[0:($p | length) - $d] + "." + $p[($p | length) - $d:] end;
def int: if . == null then "–" else round | tostring | if length > 3 then
  (explode | reverse | [range(0; length; 3) as $i | .[$i:$i+3]] | map(reverse | implode) | reverse | join(",")) else . end end;
def ms: fixed(2);
def errs: if . == null then "–" else (to_entries | map(select(.value > 0))
  | if length == 0 then "0" else map("\(.key) \(.value)") | join(", ") end) end;
def errcount: if . == null then 0 else ([.[]] | add // 0) end;
def cpu_us($cpu; $n): if $cpu == null or $n == null or $n == 0 then "–" else ($cpu / $n * 1e6 | num(1)) end;
def size_label: if . >= 1000000 and . % 1000000 == 0 then "\(. / 1000000 | floor)M"
  elif . >= 1000 and . % 1000 == 0 then "\(. / 1000 | floor)k" else tostring end;
def ratio($a; $b): if $a == null or $b == null or $b == 0 then null else $a / $b end;
def mark($ok): if $ok == null then "not measured" elif $ok then "**met**" else "**missed**" end;
def replicas_label: "\(.) replica\(if . == 1 then "" else "s" end)";
# Where a record was measured: a store size, a store or a track side by side, or the cockpit stage.
def where: if .track != null then "track \(.track)"
  elif .cockpit_call != null then "cockpit stage \(.cockpit_call) (cache \(.cache // "–"), \(.concurrency // "–") in flight)"
  elif .store != null then "\(.store) (\(.replicas | replicas_label))" else (.size | size_label) end;
# The method of a track's run ("Service/Method" in loadgen's report): its name alone.
def method_name: if . == null then "–" else split("/") | last end;

. as $all
| ($all | map(select(.record == "machine")) | last) as $m
| ($all | map(select(.record == "load"))) as $loads
| ($all | map(select(.record == "bulk_load"))) as $bulk
| ($all | map(select(.record == "memory"))) as $mem
| ($all | map(select(.record == "redis")) | last) as $redis
| ($all | map(select(.record == "wall")) | last) as $wall
| ($all | map(select(.record == "failure"))) as $failures
| ($all | map(select(.record == "postgres")) | last) as $pg
| ($all | map(select(.record == "cache"))) as $caches
# Side by side: each store's runs and failures, SQLite first, then by replicas.
| ($all | map(select((.record == "load" or .record == "failure") and .store != null))
  | sort_by([(.store != "sqlite"), .store, .replicas])) as $side
# The tracks side by side: their runs and failures, and the tracks in the order they ran.
| ($all | map(select((.record == "load" or .record == "failure") and .track != null))) as $track_runs
| ($track_runs | reduce .[].track as $t ([]; if any(.[]; . == $t) then . else . + [$t] end)) as $track_names
# The cockpit stage: its runs and failures, how often each cockpit was read from the tracks, and
# each cockpit's p99 over the baseline's measured with the same cache and concurrency.
| ($all | map(select((.record == "load" or .record == "failure") and .cockpit_call != null))) as $cockpit_runs
| ($all | map(select(.record == "fanouts"))) as $fanouts
| ($cockpit_runs | map(select(.record == "load" and .role == "cockpit")) | map(. as $r
    | ($cockpit_runs | map(select(.record == "load" and .role == "baseline" and .cache == $r.cache
        and .concurrency == $r.concurrency)) | last) as $b
    | {cache, concurrency, call: .cockpit_call, p99: .p99_ms, base: $b.p99_ms,
       ratio: ratio(.p99_ms; $b.p99_ms), errors: (.errors | errcount)})) as $cockpit_ratios
| def cockpit_verdict($cache):
    ($cockpit_ratios | map(select(.cache == $cache))) as $rs
    | ($cockpit_runs | map(select(.record == "failure" and .cache == $cache)) | length) as $failed
    | if ($rs | length) == 0 and $failed == 0 then null
      else {worst: ($rs | map(select(.ratio != null)) | max_by(.ratio)),
            ok: ($failed == 0 and ($rs | length) > 0
                 and all($rs[]; .ratio != null and .ratio < 3 and .errors == 0)),
            failed: $failed, errors: ($rs | map(.errors) | add // 0)} end;
  def cockpit_measured($v): if $v == null then "–" else
    ($v.worst | if . == null then "no ratio (failed runs)" else
      "worst \(.ratio | fixed(2))× (\(.call), \(.concurrency) in flight: p99 \(.p99 | ms) vs \(.base | ms) ms)" end)
    + (if $v.errors > 0 then "; \($v.errors) calls failed or incomplete" else "" end)
    + (if $v.failed > 0 then "; \($v.failed) runs failed" else "" end) end;
  cockpit_verdict("configured") as $cockpit_cached
| cockpit_verdict("off") as $cockpit_uncached
| ($loads | map(select(.workload == "empty" and .mode == "closed")) | last) as $empty
| ([$loads[] | select(.store == null and .size > 0) | .size] | unique) as $sizes
| ($sizes | last) as $big
| ($sizes | first) as $small
| def run($w; $mode; $s): $loads | map(select(.store == null and .workload == $w and .mode == $mode and .size == $s)) | last;
  def qps($w; $s): run($w; "closed"; $s).qps;
  def p99($w; $s): run($w; "closed"; $s).p99_ms;
  ["get_hit", "get_miss", "list", "indicators", "ranking", "create", "transition"] as $workloads
| {
    get_hit: "GetDispute, cache hit (a hot set of 1,000 ids, each read once before the run)",
    get_miss: "GetDispute, cache miss (every id once, from a random start: read from the store)",
    list: "ListDisputes, first page of 50 for a street",
    indicators: "ListIndicators (IndicatorsService)",
    ranking: "ListRankings (IndicatorsService)",
    create: "CreateDispute, durable (acknowledged once committed with synchronous=FULL)",
    transition: "RecordSession, an etag-checked move that appends history"
  } as $what
| (if $big == null then "no store size measured"
   elif $big == 1000000 then "at 1M cases" else "at \($big | size_label) cases; 1M not in this run" end) as $at
| (run("get_hit"; "closed"; $big)) as $hit
| (run("get_hit"; "open"; $big)) as $hit_open
| (run("create"; "closed"; $big)) as $create
| (ratio($hit.qps; $empty.qps)) as $hit_ratio
| ($create.qps // null) as $creates_s
| [
  "# Benchmarks",
  "",
  "Generated by `scripts/bench.sh` from `\($results)`.",
  "Edit only the Analysis section, which the script keeps. Numbers are from one run on the",
  "machine below and are read against the baselines measured in the same run.",
  "",
  "## Reproduce",
  "",
  "```sh",
  "GOV_BENCH_SIZES=\"\($m.sizes)\" GOV_BENCH_STORES=\"\($m.stores // "")\" GOV_BENCH_PG_REPLICAS=\"\($m.pg_replicas // "")\" \\",
  "  GOV_BENCH_TRACKS=\"\($m.tracks // "")\" GOV_BENCH_COCKPITS=\"\($m.cockpits // "")\" GOV_BENCH_COCKPIT_CONCURRENCY=\"\($m.cockpit_concurrency // "")\" \\",
  "  GOV_BENCH_DURATION=\($m.duration_s) GOV_BENCH_WARMUP=\($m.warmup_s) GOV_BENCH_CONCURRENCY=\($m.concurrency) \\",
  "  GOV_BENCH_CHANNELS=\($m.channels) scripts/bench.sh",
  "```",
  "",
  "Closed loop: \($m.concurrency) calls in flight over \($m.channels) channels; each run \($m.warmup_s) s warm-up, \($m.duration_s) s measured.",
  "Open loop: a fixed arrival rate, latency from the intended send time. Wall time of this run: \(if $wall then "\($wall.seconds / 60 | num(1)) min" else "–" end).",
  "",
  "## Machine",
  "",
  "| | |",
  "|---|---|",
  "| CPU | \($m.cpu) (\($m.nproc) cores online) |",
  "| memory | \($m.mem_kb / 1048576 | num(1)) GiB |",
  "| kernel | \($m.kernel) |",
  "| OS | \($m.os) |",
  "| date | \($m.date) |",
  "| commit | `\($m.commit)` |",
  "| load average (1, 5, 15 min) | \($m.loadavg // "–") at the start, \($wall.loadavg // "–") at the end: anything above 0 is other work on the same cores |",
  "",
  "## Targets",
  "",
  "| target | measured | |",
  "|---|---|---|",
  "| cache-hit get ≥ 50% of the empty handler's QPS | \(if $hit_ratio then "\($hit_ratio * 100 | num(1))% (\($hit.qps | int) vs \($empty.qps | int) QPS, \($at))" else "–" end) | \(mark(if $hit_ratio then $hit_ratio >= 0.5 else null end)) |",
  "| durable creates ≥ 5,000/s with group commit | \(if $creates_s then "\($creates_s | int)/s (\($create.errors | errs) errors, \($at))" else "–" end) | \(mark(if $creates_s then $creates_s >= 5000 and ($create.errors | errcount) == 0 else null end)) |",
  "| indicators p99 < 10 ms at 1M cases | \(p99("indicators"; $big) | if . then "\(ms) ms (\($at))" else "–" end) | \(mark(if $big == 1000000 and p99("indicators"; $big) then p99("indicators"; $big) < 10 else null end)) |",
  "| ranking p99 < 10 ms at 1M cases | \(p99("ranking"; $big) | if . then "\(ms) ms (\($at))" else "–" end) | \(mark(if $big == 1000000 and p99("ranking"; $big) then p99("ranking"; $big) < 10 else null end)) |",
  "| cache-hit get p99 < 2 ms at half the peak rate | \(if $hit_open then "\($hit_open.p99_ms | ms) ms at \($hit_open.rate | int)/s offered (peak \($hit.qps | int) QPS, \($at))" else "–" end) | \(mark(if $hit_open then $hit_open.p99_ms < 2 and ($hit_open.errors | errcount) == 0 else null end)) |",
  "| cockpit p99 < 3× one ListIndicators call's p99 (same run), the cache as configured: the requirement | \(cockpit_measured($cockpit_cached)) | \(mark($cockpit_cached.ok)) |",
  "| the same bound on the uncached fan-out (cacheSeconds 0: every call reads the seven tracks) | \(cockpit_measured($cockpit_uncached)) | \(mark($cockpit_uncached.ok)) |",
  "",
  "## Baselines",
  "",
  "| baseline | QPS | p50 ms | p99 ms | p99.9 ms | errors | server CPU µs/req |",
  "|---|---:|---:|---:|---:|---|---:|",
  "| empty handler (bench_server: same bootstrap, auth, worker pool, metrics) | \($empty.qps | int) | \($empty.p50_ms | ms) | \($empty.p99_ms | ms) | \($empty.p999_ms | ms) | \($empty.errors | errs) | \(cpu_us($empty.server_cpu_s; $empty.requests)) |",
  "| redis-benchmark GET (\($redis.clients // "–") clients, \($redis.requests // "–" | int) requests) | \($redis.qps | int) | \($redis.p50_ms | ms) | \($redis.p99_ms | ms) | – | – | – |",
  "",
  "## Stores side by side",
  "",
  (if ($side | length) == 0 then
    "Not measured in this run (`GOV_BENCH_STORES` empty).",
    ""
  else
    "Each store starts empty: a new SQLite file, or a new database on the PostgreSQL cluster below;",
    "the mediation service loads its demo data into it at start-up, the Redis cache flushed first.",
    "On PostgreSQL the service runs as one process or as several replicas sharing the database and",
    "Redis, which the load generator calls in turn (each of its channels round robin over them).",
    "Then closed loop, as above: create, transition, and get_miss over every dispute then in the",
    "store, the cache flushed just before. QPS / SQLite is a row's QPS over the SQLite row's for",
    "the same workload. Service CPU is the mediation processes' user+system time per call, summed",
    "over the replicas; PostgreSQL's own processes are not in it.",
    "",
    (if $pg then
      "PostgreSQL \($pg.version), a local cluster with default settings: fsync \($pg.fsync), synchronous_commit \($pg.synchronous_commit), shared_buffers \($pg.shared_buffers) (wal_sync_method \($pg.wal_sync_method), full_page_writes \($pg.full_page_writes)): a commit returns once its WAL is flushed to disk, as durable as SQLite's synchronous=FULL.",
      ""
    elif any($side[]; .store == "postgres") then "PostgreSQL: the cluster did not start (see Warnings).", ""
    else empty end),
    ({
      create: "CreateDispute, acknowledged once durably committed",
      transition: "RecordSession, an etag-checked move that appends history",
      get_miss: "GetDispute, cache miss (read from the store)"
    } as $side_what
    | ($side | map(select(.record == "load" and .store == "sqlite"))) as $sqlite_runs
    | ["create", "transition", "get_miss"][] as $w
    | ($sqlite_runs | map(select(.workload == $w)) | last) as $base
    | ($side | map(select(.workload == $w or (.record == "failure" and .workload == "start")))) as $rows
    | "### \($w): \($side_what[$w])",
      "",
      "| store | replicas | QPS | p50 ms | p99 ms | errors | QPS / SQLite | service CPU µs/req |",
      "|---|---:|---:|---:|---:|---|---:|---:|",
      ($rows[] | if .record == "failure" then
          "| \(.store) | \(.replicas) | – | – | – | failed: \(.message) | – | – |"
        else
          "| \(.store) | \(.replicas) | \(.qps | int) | \(.p50_ms | ms) | \(.p99_ms | ms) | \(.errors | errs) | \(ratio(.qps; $base.qps) | fixed(2)) | \(cpu_us(.server_cpu_s; .requests)) |"
        end),
      "",
      (if $w == "get_miss" and ([$rows[] | select(.disputes != null)] | length) > 0 then
        "get_miss reads D-000001 up to the newest dispute, so a run reads each id several times; the",
        "Redis cache is flushed before it, and its namespace epoch moves on every 0.1 s during it, so",
        "that a second read of an id is a miss too. Disputes in the store, and the services' cache",
        "lookups during the run (warm-up included): \([$rows[] | select(.disputes != null) | . as $r
          | ($caches | map(select(.store == $r.store and .replicas == $r.replicas)) | last) as $c
          | "\(where): \(.disputes | int) disputes, \(if $c then "\($c.hits | int) hits, \($c.misses | int) misses" else "lookups not counted" end)"] | join("; ")).",
        ""
      else empty end))
  end),
  "## Tracks side by side",
  "",
  (if ($track_runs | length) == 0 then
    "Not measured in this run (`GOV_BENCH_TRACKS` empty).",
    ""
  else
    "Every track the same way, driven by the calls `bench/tracks.json` names for it (loadgen's",
    "track_create and track_get_hit): its service on a fresh SQLite store with its demo data, the",
    "Redis cache flushed first, then closed loop its main create (every call a new item: the request",
    "id holds a number unique to the call) and its get over \([$track_runs[] | .items // empty] | first // "–") items created and read once before",
    "the run, so that every measured read is a cache hit. Get / empty handler is the get's QPS over",
    "the empty handler's in the baselines above, measured in the same run.",
    "",
    "| track | create | create QPS | create p50 ms | create p99 ms | cached get | get QPS | get p50 ms | get p99 ms | get / empty handler | errors |",
    "|---|---|---:|---:|---:|---|---:|---:|---:|---:|---|",
    ($track_names[] as $t
    | ($track_runs | map(select(.track == $t))) as $runs
    | ($runs | map(select(.record == "failure" and .workload == "start")) | last) as $start
    | ($runs | map(select(.record == "load" and .workload == "track_create")) | last) as $c
    | ($runs | map(select(.record == "load" and .workload == "track_get_hit")) | last) as $g
    | if $start then
        "| \($t) | – | – | – | – | – | – | – | – | – | failed: \($start.message) |"
      else
        ([($runs[] | select(.record == "failure") | "\(.workload) failed: \(.message)"),
          (if $c and ($c.errors | errcount) > 0 then "create: \($c.errors | errs)" else empty end),
          (if $g and ($g.errors | errcount) > 0 then "get: \($g.errors | errs)" else empty end)]
         | if length == 0 then "0" else join("; ") end) as $errors
        | "| \($t) | \($c.method | method_name) | \($c.qps | int) | \($c.p50_ms | ms) | \($c.p99_ms | ms) | \($g.method | method_name) | \($g.qps | int) | \($g.p50_ms | ms) | \($g.p99_ms | ms) | \(ratio($g.qps; $empty.qps) | if . then "\(. * 100 | fixed(1))%" else "–" end) | \($errors) |"
      end),
    ""
  end),
  "## The cockpit beside one ListIndicators call",
  "",
  (if ($cockpit_runs | length) == 0 then
    "Not measured in this run (`GOV_BENCH_COCKPITS` empty).",
    ""
  else
    "Every track's service on a fresh SQLite store of its own with its demo data, all reaching each",
    "other as peers (the token of a system principal), one Redis. Closed loop with loadgen's call",
    "workload and the calls of `bench/tracks.json`'s cockpit section, at each concurrency in turn:",
    "first the baseline, \($cockpit_runs | map(select(.role == "baseline" and .record == "load")) | first | if . then "\(.method | method_name) on \(.on_track)" else "–" end) (one track's indicators: unfiltered,",
    "a district-wide caller, the current month), then GetCockpit on the digital service for each",
    "cockpit. A reply whose cockpit is incomplete (a track did not answer within the cockpit",
    "deadline) counts as an error (CHECK_FAILED), never as a success. Twice: with the digital",
    "service's rules as configured (a complete cockpit kept in the cache for cacheSeconds: the",
    "steady state, where a call reads the tracks only when the cached cockpit has expired), then",
    "with the service restarted on a copy of its rules whose cacheSeconds is 0, so that every call",
    "fans out to the seven tracks (six over gRPC, its own in process). Readings from the tracks: how",
    "many times the cockpit was read from the tracks during the run, loadgen's set-up (one call a",
    "channel, at once) and the warm-up included. Suite CPU is the seven services' user+system time",
    "per call. p99 / baseline is the cockpit's p99 over the baseline's p99 measured just before it,",
    "with the same digital process and concurrency. With the cache, a cockpit's run lasts longer",
    "than the cached cockpit (cacheSeconds + 2 s at least, \($cockpit_runs | map(select(.record == "load" and .cache == "configured" and .role == "cockpit") | .duration_s) | max // "–") s measured here), so that",
    "its window holds an expiry and the calls that then read the tracks at once.",
    "",
    "| cache | in flight | call | QPS | p50 ms | p99 ms | p99.9 ms | errors | readings from the tracks | suite CPU µs/call | p99 / baseline |",
    "|---|---:|---|---:|---:|---:|---:|---|---:|---:|---:|",
    ($cockpit_runs[] as $r
    | ($fanouts | map(select(.cache == $r.cache and .concurrency == $r.concurrency
        and .cockpit_call == $r.cockpit_call)) | last) as $f
    | ($cockpit_ratios | map(select(.cache == $r.cache and .concurrency == $r.concurrency
        and .call == $r.cockpit_call)) | last) as $q
    | (if $r.cache == "off" then "off (0 s)" elif $r.cache == "configured" then "as configured (\($r.cache_seconds) s)" else "–" end) as $cache
    | if $r.record == "failure" then
        "| \($cache) | \($r.concurrency // "–") | \($r.cockpit_call) | – | – | – | – | failed: \($r.message) | – | – | – |"
      else
        "| \($cache) | \($r.concurrency) | \(if $r.role == "baseline" then "\($r.method | method_name) (baseline)" else "GetCockpit \($r.cockpit_call)" end) | \($r.qps | int) | \($r.p50_ms | ms) | \($r.p99_ms | ms) | \($r.p999_ms | ms) | \($r.errors | errs) | \(if $f then ($f.fanouts | int) else "–" end) | \(cpu_us($r.server_cpu_s; $r.requests)) | \(if $q and $q.ratio != null then "\($q.ratio | fixed(2))×" else "–" end) |"
      end),
    "",
    "The requirement, a cockpit's p99 under 3× one ListIndicators call's p99 in the same run, is",
    "judged on the steady state (the cache as configured: how the service runs), at every",
    "concurrency measured: \(mark($cockpit_cached.ok)). The uncached fan-out is held to the same bound: \(mark($cockpit_uncached.ok)).",
    ""
  end),
  (if ($sizes | length) == 0 then
    "## Workloads by store size",
    "",
    "None in this run (`GOV_BENCH_SIZES` empty).",
    ""
  else
  "## Ratios against the baselines",
  "",
  "| size | cache-hit get / empty handler | cache-hit get / redis GET | cache-miss get / cache-hit get |",
  "|---|---:|---:|---:|",
  ($sizes[] as $s | "| \($s | size_label) | \(ratio(qps("get_hit"; $s); $empty.qps) | if . then "\(. * 100 | num(1))%" else "–" end) | \(ratio(qps("get_hit"; $s); $redis.qps) | if . then "\(. * 100 | num(1))%" else "–" end) | \(ratio(qps("get_miss"; $s); qps("get_hit"; $s)) | if . then "\(. * 100 | num(1))%" else "–" end) |"),
  "",
  "## Workloads by store size",
  "",
  "QPS counts completed calls per second of the measured window; server CPU is the service's",
  "user+system time over the window divided by the calls in it.",
  "",
  ($workloads[] as $w |
    "### \($w): \($what[$w])",
    "",
    "| size | QPS | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms | errors | server CPU µs/req | client CPU µs/req |",
    "|---|---:|---:|---:|---:|---:|---:|---|---:|---:|",
    ($sizes[] as $s | run($w; "closed"; $s) as $r | select($r != null) |
      "| \($s | size_label) | \($r.qps | int) | \($r.p50_ms | ms) | \($r.p90_ms | ms) | \($r.p99_ms | ms) | \($r.p999_ms | ms) | \($r.max_ms | ms) | \($r.errors | errs) | \(cpu_us($r.server_cpu_s; $r.requests)) | \(cpu_us($r.client_cpu_s; $r.requests)) |"),
    ""),
  "### get_hit, open loop at half the closed-loop peak",
  "",
  "| size | offered/s | QPS | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms | late sends | errors |",
  "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
  ($sizes[] as $s | run("get_hit"; "open"; $s) as $r | select($r != null) |
    "| \($s | size_label) | \($r.rate | int) | \($r.qps | int) | \($r.p50_ms | ms) | \($r.p90_ms | ms) | \($r.p99_ms | ms) | \($r.p999_ms | ms) | \($r.max_ms | ms) | \($r.late // "–") | \($r.errors | errs) |"),
  "",
  "## Cost growth",
  "",
  "The same reads at every size. Aggregates (indicators, ranking) are summed from the counts the",
  "engine keeps, so they should stay flat as cases grow; the last columns give largest/smallest.",
  "",
  "| workload | \($sizes | map("QPS \(size_label)") | join(" | ")) | \($sizes | map("p99 \(size_label)") | join(" | ")) | QPS \($big | size_label)/\($small | size_label) | p99 \($big | size_label)/\($small | size_label) |",
  "|---|\($sizes | map("---:") | join("|"))|\($sizes | map("---:") | join("|"))|---:|---:|",
  (["get_hit", "get_miss", "list", "indicators", "ranking"][] as $w |
    "| \($w) | \($sizes | map(qps($w; .) | int) | join(" | ")) | \($sizes | map(p99($w; .) | ms) | join(" | ")) | \(ratio(qps($w; $big); qps($w; $small)) | fixed(2)) | \(ratio(p99($w; $big); p99($w; $small)) | fixed(2)) |"),
  "",
  "## Memory",
  "",
  "| size | service peak RSS (VmHWM) MiB | RSS at the end MiB | store on disk MiB |",
  "|---|---:|---:|---:|",
  ($mem[] | "| \(.size | size_label) | \(.server_hwm_kb / 1024 | num(1)) | \(.server_rss_kb / 1024 | num(1)) | \(.db_bytes / 1048576 | num(1)) |"),
  "",
  "## Bulk load",
  "",
  "`bulk_load` takes disputes in over the last 13 months in order of time and moves each through",
  "its life with the case engine (the service's write path: ids, history, counts, idempotency",
  "rows), \($bulk | last | .threads // "–") threads sharing the store's group commit, then runs the SLA breach scan once.",
  "Each size starts from the previous size's store.",
  "",
  "| to size | disputes added | seconds | of which breach scan | disputes/s | mean writes per commit |",
  "|---|---:|---:|---:|---:|---:|",
  ($bulk[] | "| \(.size | size_label) | \(.cases_added | int) | \(.seconds | fixed(1)) | \(.breach_scan_seconds | fixed(1)) | \(.cases_per_s | int) | \(.mean_write_group // null | fixed(1)) |"),
  (if ($bulk | length) > 1 then "| total to \($bulk | last | .size | size_label) | \($bulk | map(.cases_added) | add | int) | \($bulk | map(.seconds) | add | fixed(1)) | \($bulk | map(.breach_scan_seconds) | add | fixed(1)) | | |" else empty end),
  ""
  end),
  ([($failures[] | "- \(where) \(.workload) \(.mode // ""): \(.message)"),
    # Side by side, get_miss reads ids again on purpose (its note counts the cache hits).
    ($loads[] | . as $r | (.warnings // [])[]
      | select($r.store == null or (startswith("get_miss: more calls than") | not))
      | "- \($r | where) \($r.workload) \($r.mode): \(.)")]
   | if length > 0 then "## Warnings", "", .[], "" else empty end),
  "## Missed targets",
  "",
  ([
    (if $hit_ratio != null and $hit_ratio < 0.5 then "- cache-hit get at \($hit_ratio * 100 | num(1))% of the empty handler" else empty end),
    (if $creates_s != null and ($creates_s < 5000 or ($create.errors | errcount) > 0) then "- durable creates at \($creates_s | int)/s" else empty end),
    (if $big == 1000000 and (p99("indicators"; $big) // 0) >= 10 then "- indicators p99 \(p99("indicators"; $big) | ms) ms at 1M" else empty end),
    (if $big == 1000000 and (p99("ranking"; $big) // 0) >= 10 then "- ranking p99 \(p99("ranking"; $big) | ms) ms at 1M" else empty end),
    (if $hit_open != null and ($hit_open.p99_ms >= 2 or ($hit_open.errors | errcount) > 0) then "- cache-hit get p99 \($hit_open.p99_ms | ms) ms at half the peak rate" else empty end),
    (if $cockpit_cached != null and ($cockpit_cached.ok | not) then "- cockpit p99 against one ListIndicators call's, the cache as configured: \(cockpit_measured($cockpit_cached))" else empty end),
    (if $cockpit_uncached != null and ($cockpit_uncached.ok | not) then "- cockpit p99 against one ListIndicators call's, uncached fan-out: \(cockpit_measured($cockpit_uncached))" else empty end)
  ] | if length == 0 then ["None in this run."] else . + ["", "Each needs its why and its fix in the Analysis below."] end | .[]),
  ""
  ] | .[]
JQ
  {
    cat "$tmp"
    echo '<!-- analysis:begin -->'
    printf '%s\n' "$analysis"
    echo '<!-- analysis:end -->'
  } >"$report.tmp"
  mv "$report.tmp" "$report"
  rm -f "$tmp"
  say "wrote ${report#"$here"/}"
}

if [ "${1:-}" = "--report" ]; then
  [ $# -eq 2 ] || die "usage: scripts/bench.sh --report RESULTS.jsonl"
  command -v jq >/dev/null || die "jq is missing (scripts/bootstrap.sh installs it)"
  write_report "$(cd "$(dirname "$2")" && pwd)/$(basename "$2")"
  exit 0
fi
[ $# -eq 0 ] || die "usage: scripts/bench.sh [--report RESULTS.jsonl]"

# ---------------------------------------------------------------------------------------------
# Settings

build_dir="${GOV_BUILD_DIR:-$here/build}"
# Set but empty means none (only the baselines and the stores side by side run).
sizes="${GOV_BENCH_SIZES-10000 100000 1000000}"
stores_wanted="${GOV_BENCH_STORES-sqlite postgres}"
# Unset: every track of bench/tracks.json (read once jq is there, after the bootstrap).
tracks_all=1
tracks_wanted=""
if [ -n "${GOV_BENCH_TRACKS+set}" ]; then
  tracks_all=0
  tracks_wanted="$GOV_BENCH_TRACKS"
fi
tracks_file="$here/bench/tracks.json"
# Unset: every cockpit of bench/tracks.json's cockpit section (read after the bootstrap too).
cockpits_all=1
cockpits_wanted=""
if [ -n "${GOV_BENCH_COCKPITS+set}" ]; then
  cockpits_all=0
  cockpits_wanted="$GOV_BENCH_COCKPITS"
fi
pg_replicas="${GOV_BENCH_PG_REPLICAS-1 2}"
duration="${GOV_BENCH_DURATION:-10}"
warmup="${GOV_BENCH_WARMUP:-2}"
concurrency="${GOV_BENCH_CONCURRENCY:-64}"
channels="${GOV_BENCH_CHANNELS:-4}"
load_threads="${GOV_BENCH_LOAD_THREADS:-64}"
cockpit_concurrency="${GOV_BENCH_COCKPIT_CONCURRENCY:-1 $concurrency}"
for n in $sizes $pg_replicas "$duration" "$warmup" "$concurrency" "$channels" "$load_threads" \
  $cockpit_concurrency; do
  [[ "$n" =~ ^[0-9]+$ ]] || die "GOV_BENCH_* settings must be whole numbers (got \"$n\")"
done
for n in $sizes; do ((n > 0)) || die "GOV_BENCH_SIZES: a store size must be above 0"; done
for n in $pg_replicas; do
  ((n >= 1 && n <= 16)) || die "GOV_BENCH_PG_REPLICAS: replica counts go from 1 to 16 (got $n)"
done
for n in $cockpit_concurrency; do
  ((n > 0)) || die "GOV_BENCH_COCKPIT_CONCURRENCY: calls in flight must be above 0"
done
# The numbers of a list, sorted, each once; "" when none.
sorted_numbers() {
  local w
  for w in $1; do echo "$w"; done | sort -n | uniq | tr '\n' ' ' | sed 's/ $//'
}
sizes="$(sorted_numbers "$sizes")"
pg_replicas="$(sorted_numbers "$pg_replicas")"
cockpit_concurrency="$(sorted_numbers "$cockpit_concurrency")"
# The stores in a fixed order, SQLite first: the side-by-side ratios are to its row.
stores=""
for s in $stores_wanted; do
  case "$s" in
    sqlite | postgres) ;;
    *) die "GOV_BENCH_STORES takes sqlite and postgres (got \"$s\")" ;;
  esac
done
for s in sqlite postgres; do
  if [[ " $stores_wanted " == *" $s "* ]]; then stores="${stores:+$stores }$s"; fi
done
if [[ " $stores " == *" postgres "* ]] && [ -z "$pg_replicas" ]; then
  die "GOV_BENCH_PG_REPLICAS is empty while GOV_BENCH_STORES has postgres"
fi
for t in $tracks_wanted; do
  [[ "$t" =~ ^[a-z][a-z0-9]*$ ]] || die "GOV_BENCH_TRACKS takes track names (got \"$t\")"
done
for c in $cockpits_wanted; do
  [[ "$c" =~ ^[A-Za-z0-9_-]+$ ]] || die "GOV_BENCH_COCKPITS takes cockpit names (got \"$c\")"
done
[ -f "$tracks_file" ] || die "$tracks_file is missing"
unset GOV_DATABASE_URL
started=$SECONDS

# ---------------------------------------------------------------------------------------------
# Bootstrap and build (same directory and flags as scripts/test.sh)

"$here/scripts/bootstrap.sh"
command -v jq >/dev/null || die "jq is missing (scripts/bootstrap.sh installs it)"

# The tracks side by side, in the order of bench/tracks.json; each is its service's build target
# (services/<track>/<track>).
if ! tracks_listed="$(jq -r '.tracks[].track' "$tracks_file" | tr '\n' ' ' | sed 's/ $//')"; then
  die "cannot read the tracks of $tracks_file"
fi
if ((tracks_all == 1)); then tracks_wanted="$tracks_listed"; fi
for t in $tracks_wanted; do
  [[ " $tracks_listed " == *" $t "* ]] ||
    die "GOV_BENCH_TRACKS: \"$t\" is not a track of bench/tracks.json (it has: $tracks_listed)"
done
bench_tracks=""
for t in $tracks_listed; do
  if [[ " $tracks_wanted " == *" $t "* ]]; then bench_tracks="${bench_tracks:+$bench_tracks }$t"; fi
done

# The cockpits, in the order of bench/tracks.json's cockpit section; their stage runs every
# track's service, so then every track is built.
if ! cockpits_listed="$(jq -r '.cockpit.cockpits[]?.name' "$tracks_file" | tr '\n' ' ' | sed 's/ $//')"; then
  die "cannot read the cockpits of $tracks_file"
fi
if ((cockpits_all == 1)); then cockpits_wanted="$cockpits_listed"; fi
for c in $cockpits_wanted; do
  [[ " $cockpits_listed " == *" $c "* ]] ||
    die "GOV_BENCH_COCKPITS: \"$c\" is not a cockpit of bench/tracks.json (it has: ${cockpits_listed:-none})"
done
bench_cockpits=""
for c in $cockpits_listed; do
  if [[ " $cockpits_wanted " == *" $c "* ]]; then bench_cockpits="${bench_cockpits:+$bench_cockpits }$c"; fi
done
cockpit_track=""
if [ -n "$bench_cockpits" ]; then
  # The service the cockpits are read from (its rules file holds their cache setting).
  cockpit_track="$(jq -r '[.cockpit.cockpits[].track] | unique | if length == 1 then .[0] else "" end' \
    "$tracks_file")"
  [[ " $tracks_listed " == *" $cockpit_track "* ]] ||
    die "$tracks_file: the cockpits must all be read from one track of the file"
  [ -f "$here/data/$cockpit_track.json" ] || die "$here/data/$cockpit_track.json is missing"
fi

track_targets=()
for t in $tracks_listed; do
  [ "$t" != mediation ] || continue
  if [[ " $bench_tracks " == *" $t "* ]] || [ -n "$bench_cockpits" ]; then track_targets+=("$t"); fi
done

generator=()
[ -f "$build_dir/CMakeCache.txt" ] || generator=(-G Ninja)
cmake -S "$here" -B "$build_dir" "${generator[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DGOV_WERROR=ON \
  -DGOV_BUILD_BENCH=ON >/dev/null
cmake --build "$build_dir" --target mediation govctl bulk_load loadgen bench_server "${track_targets[@]}"
mediation="$build_dir/services/mediation/mediation"
govctl="$build_dir/tools/govctl/govctl"
bulk_load="$build_dir/bench/bulk_load"
loadgen="$build_dir/bench/loadgen"
bench_server="$build_dir/bench/bench_server"
for b in "$mediation" "$govctl" "$bulk_load" "$loadgen" "$bench_server"; do
  [ -x "$b" ] || die "$b was not built"
done
cockpit_services=""
[ -z "$bench_cockpits" ] || cockpit_services="$tracks_listed"
for t in $bench_tracks $cockpit_services; do
  [ -x "$build_dir/services/$t/$t" ] || die "$build_dir/services/$t/$t was not built"
done
command -v redis-benchmark >/dev/null || die "redis-benchmark is missing (package redis-tools)"
if [[ " $stores " == *" postgres "* ]]; then
  command -v psql >/dev/null || die "psql is missing (scripts/bootstrap.sh installs PostgreSQL)"
  gov_pg_bindir >/dev/null || die "PostgreSQL is missing (scripts/bootstrap.sh installs it)"
fi

# ---------------------------------------------------------------------------------------------
# State, results and the processes this script starts

if [ -n "${GOV_BENCH_STATE_DIR:-}" ]; then
  state="$GOV_BENCH_STATE_DIR"
  keep_state=1
else
  state="$(mktemp -d "${TMPDIR:-/tmp}/gov-bench.XXXXXX")"
  keep_state=0
  # As root the PostgreSQL cluster in it runs as user postgres, which must pass through.
  if [[ " $stores " == *" postgres "* ]] && [ "$(id -u)" -eq 0 ]; then chmod 0711 "$state"; fi
fi
mkdir -p "$state/logs" "$state/redis"
db="$state/mediation.db" # the copy the service runs on
mkdir -p "$here/bench/results"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
results="$here/bench/results/$stamp.jsonl"
: >"$results"

declare -A pids # name -> pid of a process started here

# stop_process NAME [DEADLINE [SIGNAL]]: SIGNAL (default TERM), then SIGKILL when it outlives
# the deadline (seconds, default 30).
stop_process() {
  local name="$1" deadline=$((SECONDS + ${2:-30})) signal="${3:-TERM}" pid="${pids[$1]:-}"
  [ -n "$pid" ] || return 0
  kill -"$signal" "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then
    say "$name did not stop in time; killing it"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
  unset "pids[$name]"
}

# The services first, then the stores they use: PostgreSQL (SIGINT, its fast shutdown), Redis.
# shellcheck disable=SC2317  # invoked by the EXIT trap
on_exit() {
  local status=$? name
  trap - EXIT INT TERM
  for name in "${!pids[@]}"; do
    case "$name" in redis | postgres) ;; *) stop_process "$name" ;; esac
  done
  stop_process postgres 60 INT
  stop_process redis
  if ((keep_state == 0)); then rm -rf "$state"; fi
  exit "$status"
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

record() { printf '%s\n' "$1" >>"$results"; }

log_tail() {
  printf -- '--- last lines of %s ---\n' "$1" >&2
  tail -n 20 "$1" >&2 || true
}

# ---------------------------------------------------------------------------------------------
# Machine facts

cpu="$(grep -m1 '^model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//' || true)"
os="$(. /etc/os-release 2>/dev/null && echo "${PRETTY_NAME:-unknown}" || echo unknown)"
commit="$(git -C "$here" rev-parse --short HEAD 2>/dev/null || echo unknown)"
if [ -n "$(git -C "$here" status --porcelain --untracked-files=no 2>/dev/null)" ]; then
  commit="$commit (with uncommitted changes)"
fi
record "$(jq -cn --arg cpu "${cpu:-unknown}" --argjson nproc "$(nproc)" \
  --argjson mem_kb "$(awk '/^MemTotal:/ { print $2 }' /proc/meminfo)" --arg kernel "$(uname -r)" \
  --arg os "$os" --arg date "$(date -u +%Y-%m-%dT%H:%M:%SZ)" --arg commit "$commit" \
  --arg sizes "$sizes" --argjson duration "$duration" --argjson warmup "$warmup" \
  --argjson concurrency "$concurrency" --argjson channels "$channels" \
  --arg loadavg "$(cut -d' ' -f1-3 /proc/loadavg)" --arg stores "$stores" \
  --arg pg_replicas "$pg_replicas" --arg tracks "$bench_tracks" --arg cockpits "$bench_cockpits" \
  --arg cockpit_concurrency "$cockpit_concurrency" \
  '{record: "machine", cpu: $cpu, nproc: $nproc, mem_kb: $mem_kb, kernel: $kernel, os: $os,
    date: $date, commit: $commit, sizes: $sizes, duration_s: $duration, warmup_s: $warmup,
    concurrency: $concurrency, channels: $channels, loadavg: $loadavg, stores: $stores,
    pg_replicas: $pg_replicas, tracks: $tracks, cockpits: $cockpits,
    cockpit_concurrency: $cockpit_concurrency}')"
say "results go to ${results#"$here"/}; state in $state"

# ---------------------------------------------------------------------------------------------
# Redis and the token

redis_port="$(gov_free_port)"
redis-server --bind 127.0.0.1 --port "$redis_port" --save "" --appendonly no \
  --dir "$state/redis" --daemonize no --logfile "$state/logs/redis.log" </dev/null &
pids[redis]=$!
deadline=$((SECONDS + 15))
until [ "$(redis-cli -h 127.0.0.1 -p "$redis_port" ping 2>/dev/null)" = PONG ]; do
  kill -0 "${pids[redis]}" 2>/dev/null || { log_tail "$state/logs/redis.log"; die "redis-server exited"; }
  ((SECONDS < deadline)) || die "redis-server did not answer on port $redis_port"
  sleep 0.1
done

# admin's token drives the load; peer-caller's is the one the tracks present to each other (the
# cockpit stage).
gov_make_tokens "$state/tokens.json" "$state/tokens.txt" 7 "admin district_admin *" \
  "peer-caller system *"
token="$(awk -F'\t' '$1 == "admin" { print $4; exit }' "$state/tokens.txt")"
gov_peer_token_file "$state/tokens.txt" peer-caller "$state/peer-token.txt" ||
  die "could not write the peer token file"

# ---------------------------------------------------------------------------------------------
# Load runs

# run_load TAGS PIDS ADDRS WORKLOAD MODE [loadgen flags...]: one loadgen run, its JSON recorded
# with TAGS (a JSON object: {"size": N} for the baselines and the sizes, {"store": S, "replicas":
# R} for the stores side by side, {"track": T} for the tracks); PIDS and ADDRS are comma lists, the servers' processes and addresses. A failed
# run is recorded as a failure and the set goes on.
run_load() {
  local tags="$1" pid="$2" addr="$3" workload="$4" mode="$5" out
  shift 5
  if ! out="$("$loadgen" --target="$addr" --token="$token" --workload="$workload" --mode="$mode" \
    --concurrency="$concurrency" --channels="$channels" --duration="$duration" --warmup="$warmup" \
    --server_pid="$pid" "$@" 2>>"$state/logs/loadgen.log")" || ! jq -e . >/dev/null 2>&1 <<<"$out"; then
    say "  $workload ($mode) failed; see the loadgen log below"
    log_tail "$state/logs/loadgen.log"
    record "$(jq -cn --argjson tags "$tags" --arg w "$workload" --arg mode "$mode" \
      '{record: "failure"} + $tags + {workload: $w, mode: $mode, message: "loadgen failed"}')"
    return 1
  fi
  record "$(jq -c --argjson tags "$tags" --arg loadavg "$(cut -d' ' -f1-3 /proc/loadavg)" \
    '{record: "load"} + $tags + {loadavg: $loadavg} + .' <<<"$out")"
  jq -r '"bench:   \(.workload) \(.mode): \(.qps | round) QPS, p50 \(.p50_ms) ms, p99 \(.p99_ms) ms, errors \(.errors | [.[]] | add // 0)"' <<<"$out" >&2
}

# try_serving NAME ADDR LOG: waits until a gRPC address answers SERVING; else (the process
# died, or 120 s passed) shows the log's end, puts why in $serving_error and returns 1.
serving_error=""
try_serving() {
  local name="$1" addr="$2" log="$3" deadline=$((SECONDS + 120))
  until "$govctl" health "$addr" --timeout=1s >/dev/null 2>&1; do
    if ! kill -0 "${pids[$name]}" 2>/dev/null; then
      log_tail "$log"
      serving_error="$name exited during start-up"
      return 1
    fi
    if ((SECONDS >= deadline)); then
      log_tail "$log"
      serving_error="$name was not SERVING on $addr after 120s"
      return 1
    fi
    sleep 0.2
  done
}

# Like try_serving, but the run ends when the process does not serve.
wait_serving() { try_serving "$@" || die "$serving_error"; }

# --- baseline 1: the empty handler --------------------------------------------------------------
say "baseline: empty handler"
"$bench_server" --listen=127.0.0.1:0 --tokens_file="$state/tokens.json" --workers=8 \
  </dev/null >"$state/logs/bench_server.out" 2>"$state/logs/bench_server.log" &
pids[bench_server]=$!
deadline=$((SECONDS + 30))
until grep -q '^port=' "$state/logs/bench_server.out" 2>/dev/null; do
  kill -0 "${pids[bench_server]}" 2>/dev/null || { log_tail "$state/logs/bench_server.log"; die "bench_server exited"; }
  ((SECONDS < deadline)) || die "bench_server printed no port within 30s"
  sleep 0.1
done
empty_addr="127.0.0.1:$(sed -n '/^port=/{s/^port=//p;q}' "$state/logs/bench_server.out")"
wait_serving bench_server "$empty_addr" "$state/logs/bench_server.log"
run_load '{"size": 0}' "${pids[bench_server]}" "$empty_addr" empty closed || true
stop_process bench_server

# --- baseline 2: redis-benchmark GET on the same Redis -------------------------------------------
say "baseline: redis-benchmark GET"
redis_requests=200000
redis_clients=50
# CSV: "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms",
# "p99_latency_ms","max_latency_ms"
redis_csv="$(redis-benchmark -h 127.0.0.1 -p "$redis_port" -t get -n "$redis_requests" \
  -c "$redis_clients" -q --csv 2>/dev/null | grep '^"GET' || true)"
if [ -n "$redis_csv" ]; then
  IFS=, read -r _ rps _ _ p50 _ p99 _ <<<"$(tr -d '"' <<<"$redis_csv")"
  record "$(jq -cn --argjson qps "$rps" --argjson p50 "${p50:-null}" --argjson p99 "${p99:-null}" \
    --argjson n "$redis_requests" --argjson c "$redis_clients" \
    '{record: "redis", workload: "redis_get", qps: $qps, p50_ms: $p50, p99_ms: $p99,
      requests: $n, clients: $c}')"
  say "  redis GET: $rps requests/s, p50 $p50 ms, p99 $p99 ms"
else
  record '{"record":"failure","size":0,"workload":"redis_get","message":"redis-benchmark gave no GET line"}'
  say "  redis-benchmark gave no GET line"
fi
redis-cli -h 127.0.0.1 -p "$redis_port" flushall >/dev/null

# --- stores side by side --------------------------------------------------------------------------
# One PostgreSQL cluster for the stage, in the state directory, with default settings: fsync and
# synchronous_commit on, so a commit returns once its WAL is on disk (SQLite runs with
# synchronous=FULL). The services of each run get a database of their own on it.
pg_dir="$state/postgres"
pg_port=""
pg_db=bench_stores
pg_error=""
stores_db="$state/stores-sqlite.db"

# pg_sql DATABASE SQL: runs SQL on the cluster, printing the rows' values only.
pg_sql() {
  PGOPTIONS="-c client_min_messages=warning" psql -X -q -h 127.0.0.1 -p "$pg_port" -U postgres \
    -d "$1" -v ON_ERROR_STOP=1 -tAc "$2"
}

# Starts the cluster and records its settings; returns 1 with $pg_error set when it cannot.
start_postgres() {
  local bin log="$state/logs/postgres.log" deadline pid settings
  bin="$(gov_pg_bindir)" || { pg_error="PostgreSQL is not installed"; return 1; }
  if ! gov_pg_init "$pg_dir" 2>>"$log"; then
    log_tail "$log"
    pg_error="no cluster could be made in $pg_dir (user postgres must be able to reach it)"
    return 1
  fi
  pg_port="$(gov_free_port)"
  gov_pg_start "$pg_dir" "$pg_port" "$log"
  pids[postgres]=$!
  deadline=$((SECONDS + 60))
  until "$bin/pg_isready" -q -h 127.0.0.1 -p "$pg_port" -U postgres; do
    if ! kill -0 "${pids[postgres]}" 2>/dev/null; then
      log_tail "$log"
      pg_error="postgres exited during start-up"
      return 1
    fi
    if ((SECONDS >= deadline)); then
      log_tail "$log"
      pg_error="postgres did not accept connections on port $pg_port within 60s"
      return 1
    fi
    sleep 0.1
  done
  # Stop the postmaster itself, whatever process $! was.
  pid="$(head -n 1 "$pg_dir/data/postmaster.pid" 2>/dev/null || true)"
  if [[ "$pid" =~ ^[0-9]+$ ]]; then pids[postgres]="$pid"; fi
  if ! settings="$(pg_sql postgres "SELECT json_build_object(
      'version', current_setting('server_version'), 'fsync', current_setting('fsync'),
      'synchronous_commit', current_setting('synchronous_commit'),
      'shared_buffers', current_setting('shared_buffers'),
      'wal_sync_method', current_setting('wal_sync_method'),
      'full_page_writes', current_setting('full_page_writes'),
      'max_connections', current_setting('max_connections'))")"; then
    pg_error="could not read the server's settings"
    return 1
  fi
  record "$(jq -c --argjson port "$pg_port" '{record: "postgres", port: $port} + .' <<<"$settings")"
  say "stores: PostgreSQL $(jq -r '"\(.version) on port \($port): fsync \(.fsync), synchronous_commit \(.synchronous_commit), shared_buffers \(.shared_buffers)"' \
    --arg port "$pg_port" <<<"$settings")"
}

# cache_lookups RESULT PORT...: the services' governance_cache_requests_total{result=RESULT}
# (hit, miss, error), summed over the /metrics of the given ports.
cache_lookups() {
  local result="$1" port sum=0 value
  shift
  for port in "$@"; do
    value="$({ exec 3<>"/dev/tcp/127.0.0.1/$port" && printf 'GET /metrics HTTP/1.0\r\n\r\n' >&3 &&
      cat <&3; } 2>/dev/null | awk -v want="result=\"$result\"" \
      '/^governance_cache_requests_total\{/ && index($0, want) { sum += $NF } END { printf "%d", sum }')"
    sum=$((sum + ${value:-0}))
  done
  echo "$sum"
}

# Moves the mediation cache's namespace epoch on every 0.1 s until killed (the Redis protocol
# over bash's /dev/tcp): whatever was cached before becomes unreachable, so that a read of an id
# read before in the same run is again a miss.
bump_cache_epoch() {
  exec 3<>"/dev/tcp/127.0.0.1/$redis_port" || return 1
  while printf 'INCR gov:mediation:epoch\r\n' >&3 && read -r _ <&3; do sleep 0.1; done
}

# store_failure TAGS WORKLOAD MESSAGE: records that a side-by-side run could not be made.
store_failure() {
  say "  $2: $3"
  record "$(jq -cn --argjson tags "$1" --arg w "$2" --arg message "$3" \
    '{record: "failure"} + $tags + {workload: $w, mode: "closed", message: $message}')"
}

# run_store STORE REPLICAS: a fresh empty store, the cache flushed, the service on it (REPLICAS
# processes sharing it, started one after the other: the first loads the demo data into the
# empty store), then create, transition and get_miss closed loop.
run_store() {
  local store="$1" replicas="$2" tags r name port metrics_port addr log newest count hits misses
  local store_flags=() names=() addrs=() server_pids=() metrics_ports=() addr_list pid_list demo
  tags="$(jq -cn --arg s "$store" --argjson r "$replicas" '{store: $s, replicas: $r}')"
  say "stores: $store, $replicas replica(s)"
  if [ "$store" = sqlite ]; then
    rm -f "$stores_db" "$stores_db-wal" "$stores_db-shm"
    store_flags=(--db_path="$stores_db")
  else
    if ! pg_sql postgres "DROP DATABASE IF EXISTS $pg_db WITH (FORCE)" ||
      ! pg_sql postgres "CREATE DATABASE $pg_db"; then
      store_failure "$tags" start "could not create database $pg_db"
      return 1
    fi
    store_flags=(--database_url="postgresql://postgres@127.0.0.1:$pg_port/$pg_db")
  fi
  redis-cli -h 127.0.0.1 -p "$redis_port" flushall >/dev/null

  for r in $(seq 1 "$replicas"); do
    name="mediation-$store-$r"
    port="$(gov_free_port)"
    metrics_port="$(gov_free_port)"
    addr="127.0.0.1:$port"
    log="$state/logs/$name-of-$replicas.log"
    # The demo data holds the registry (bodies, mediators) that transitions need.
    demo=false
    ((r > 1)) || demo=true
    "$mediation" --listen="$addr" --metrics_port="$metrics_port" "${store_flags[@]}" \
      --redis="127.0.0.1:$redis_port" --tokens_file="$state/tokens.json" --demo_data="$demo" \
      </dev/null >"$log" 2>&1 &
    pids[$name]=$!
    names+=("$name")
    if ! try_serving "$name" "$addr" "$log"; then
      store_failure "$tags" start "$serving_error"
      for name in "${names[@]}"; do stop_process "$name"; done
      return 1
    fi
    addrs+=("$addr")
    server_pids+=("${pids[$name]}")
    metrics_ports+=("$metrics_port")
  done
  addr_list="$(IFS=,; echo "${addrs[*]}")"
  pid_list="$(IFS=,; echo "${server_pids[*]}")"
  say "  mediation serving on $addr_list (pids $pid_list)"

  run_load "$tags" "$pid_list" "$addr_list" create closed || true
  run_load "$tags" "$pid_list" "$addr_list" transition closed || true
  # Ids run from D-000001 to the newest dispute's (ListDisputes starts with the newest).
  newest="$("$govctl" --addr="${addrs[0]}" --token="$token" --timeout=30s \
    call mediation ListDisputes '{"page_size": 1}' 2>>"$state/logs/govctl.log" |
    jq -r '.disputes[0].id // empty' 2>/dev/null || true)"
  count="$(sed -n 's/^D-0*\([1-9][0-9]*\)$/\1/p' <<<"$newest")"
  if [ -n "$count" ]; then
    # Creates and moves put what they wrote in the cache: flushed, every first read is the
    # store's. A run reads each id of a store this small several times; the epoch moving on
    # every 0.1 s makes those reads misses too. The services' cache counters tell the outcome.
    redis-cli -h 127.0.0.1 -p "$redis_port" flushall >/dev/null
    hits="$(cache_lookups hit "${metrics_ports[@]}")"
    misses="$(cache_lookups miss "${metrics_ports[@]}")"
    bump_cache_epoch &
    pids[cache_epoch]=$!
    run_load "$(jq -c --argjson n "$count" '. + {disputes: $n}' <<<"$tags")" "$pid_list" \
      "$addr_list" get_miss closed --id_prefix=D --id_count="$count" || true
    stop_process cache_epoch
    hits=$(($(cache_lookups hit "${metrics_ports[@]}") - hits))
    misses=$(($(cache_lookups miss "${metrics_ports[@]}") - misses))
    say "  cache lookups during get_miss (warm-up included): $hits hits, $misses misses"
    record "$(jq -cn --argjson tags "$tags" --argjson hits "$hits" --argjson misses "$misses" \
      '{record: "cache"} + $tags + {workload: "get_miss", hits: $hits, misses: $misses}')"
  else
    store_failure "$tags" get_miss "no newest dispute to count the store's disputes by (ListDisputes gave \"$newest\")"
  fi

  for name in "${names[@]}"; do stop_process "$name"; done
  if [ "$store" = sqlite ]; then
    rm -f "$stores_db" "$stores_db-wal" "$stores_db-shm"
  else
    pg_sql postgres "DROP DATABASE IF EXISTS $pg_db WITH (FORCE)" || true
  fi
}

for store in $stores; do
  if [ "$store" = sqlite ]; then
    run_store sqlite 1 || true
    continue
  fi
  if ! start_postgres; then
    say "stores: $pg_error; no PostgreSQL runs"
    for r in $pg_replicas; do
      store_failure "{\"store\": \"postgres\", \"replicas\": $r}" start "$pg_error"
    done
    stop_process postgres 60 INT
    continue
  fi
  for r in $pg_replicas; do run_store postgres "$r" || true; done
  # The sizes below run without it; the exit trap stops it when the run ends before.
  stop_process postgres 60 INT
done
redis-cli -h 127.0.0.1 -p "$redis_port" flushall >/dev/null

# --- tracks side by side --------------------------------------------------------------------------
# Every track the same way, driven by the calls bench/tracks.json names for it: a fresh SQLite
# store, the cache flushed, the track's service on it loading its demo data, then its create and
# its cached get closed loop.
tracks_db="$state/tracks-sqlite.db"
# Items track_get_hit creates and reads once at set-up, then reads in turn.
track_items=64

# run_track TRACK: one track's service on a fresh store, track_create and track_get_hit.
run_track() {
  local t="$1" tags name port metrics_port addr log pid calls
  local call_flags=()
  tags="$(jq -cn --arg t "$t" '{track: $t}')"
  say "tracks: $t"
  if ! calls="$(jq -r --arg t "$t" '.tracks[] | select(.track == $t)
      | "--service=\(.service)", "--create_method=\(.create.method)",
        "--create_request=\(.create.request | tojson)", "--get_method=\(.get.method)",
        "--get_request=\(.get.request | tojson)", "--item_field=\(.item_field)"' "$tracks_file")" ||
    [ -z "$calls" ]; then
    store_failure "$tags" start "no calls for $t in bench/tracks.json"
    return 1
  fi
  mapfile -t call_flags <<<"$calls"
  rm -f "$tracks_db" "$tracks_db-wal" "$tracks_db-shm"
  redis-cli -h 127.0.0.1 -p "$redis_port" flushall >/dev/null

  name="track-$t"
  port="$(gov_free_port)"
  metrics_port="$(gov_free_port)"
  addr="127.0.0.1:$port"
  log="$state/logs/$name.log"
  "$build_dir/services/$t/$t" --listen="$addr" --metrics_port="$metrics_port" --db_path="$tracks_db" \
    --redis="127.0.0.1:$redis_port" --tokens_file="$state/tokens.json" --demo_data=true \
    </dev/null >"$log" 2>&1 &
  pids[$name]=$!
  if ! try_serving "$name" "$addr" "$log"; then
    store_failure "$tags" start "$serving_error"
    stop_process "$name"
    return 1
  fi
  pid="${pids[$name]}"
  say "  $t serving on $addr (pid $pid)"

  run_load "$tags" "$pid" "$addr" track_create closed "${call_flags[@]}" || true
  run_load "$(jq -c --argjson n "$track_items" '. + {items: $n}' <<<"$tags")" "$pid" "$addr" \
    track_get_hit closed "${call_flags[@]}" --ids="$track_items" || true

  stop_process "$name"
  rm -f "$tracks_db" "$tracks_db-wal" "$tracks_db-shm"
}

for t in $bench_tracks; do run_track "$t" || true; done
redis-cli -h 127.0.0.1 -p "$redis_port" flushall >/dev/null

# --- the cockpit beside one ListIndicators call ---------------------------------------------------
# Every track's service on a fresh SQLite store of its own, loading its demo data, all reaching
# each other as peers; the baseline and the cockpits closed loop at each concurrency, first with
# the cockpit track's rules as configured, then with that service restarted (on the same store) on
# a copy of them whose cockpitSettings.cacheSeconds is 0.
declare -A cockpit_port cockpit_metrics_port
cockpit_peers=""

# start_cockpit_service TRACK [RULES_FILE]: the track's service of the cockpit stage, on its
# rules as configured unless a file is given.
start_cockpit_service() {
  local t="$1" rules=()
  [ -z "${2:-}" ] || rules=(--rules_file="$2")
  "$build_dir/services/$t/$t" --listen="127.0.0.1:${cockpit_port[$t]}" \
    --metrics_port="${cockpit_metrics_port[$t]}" --db_path="$state/cockpit-$t.db" \
    --redis="127.0.0.1:$redis_port" --tokens_file="$state/tokens.json" \
    --peers="$cockpit_peers" --peer_token_file="$state/peer-token.txt" "${rules[@]}" \
    --demo_data=true </dev/null >>"$state/logs/cockpit-$t.log" 2>&1 &
  pids[cockpit-$t]=$!
}

# handled_calls METHOD PORT: the calls of METHOD a service has answered, whatever their code
# (grpc_server_handled_total on the /metrics of PORT).
handled_calls() {
  local value
  value="$({ exec 3<>"/dev/tcp/127.0.0.1/$2" && printf 'GET /metrics HTTP/1.0\r\n\r\n' >&3 &&
    cat <&3; } 2>/dev/null | awk -v want="grpc_method=\"$1\"" \
    '/^grpc_server_handled_total\{/ && index($0, want) { sum += $NF } END { printf "%d", sum }')" ||
    value=0
  echo "${value:-0}"
}

# cockpit_failure CACHE SECONDS MESSAGE: records that no run of the stage could be made with
# the cache so set.
cockpit_failure() {
  local c name role
  for c in $cockpit_concurrency; do
    for name in baseline $bench_cockpits; do
      role=cockpit
      [ "$name" != baseline ] || role=baseline
      store_failure "$(jq -cn --arg n "$name" --arg role "$role" --arg cache "$1" --argjson s "$2" \
        --argjson c "$c" '{cockpit_call: $n, role: $role, cache: $cache, cache_seconds: $s,
          concurrency: $c}')" start "$3"
    done
  done
}

# run_cockpits CACHE SECONDS: at each concurrency, the baseline then every cockpit, closed loop;
# for a cockpit, also how many times it was read from the tracks during the run (set-up and
# warm-up included): each reading calls every peer track it selects once, so that is the most
# calls of ListIndicators any peer track answered meanwhile. With a cache, a cockpit's window
# lasts longer than the cached cockpit does (its seconds + 2 at least), so that it holds an
# expiry and the readings that follow it, as the steady state does.
run_cockpits() {
  local cache="$1" seconds="$2" c name entry role tags t addr pid_list calls fanouts i n
  local run_duration
  local call_flags=() peer_tracks=() before=() server_pids=()
  for t in $tracks_listed; do
    [ "$t" = "$cockpit_track" ] || peer_tracks+=("$t")
    server_pids+=("${pids[cockpit-$t]}")
  done
  pid_list="$(IFS=,; echo "${server_pids[*]}")"
  for c in $cockpit_concurrency; do
    for name in baseline $bench_cockpits; do
      if [ "$name" = baseline ]; then
        entry='.cockpit.baseline'
        role=baseline
      else
        entry=".cockpit.cockpits[] | select(.name == \"$name\")"
        role=cockpit
      fi
      if ! calls="$(jq -r "$entry"' | "--service=\(.service)", "--method=\(.method)",
          "--request=\(.request // {} | tojson)", (if .check then "--check=\(.check)" else empty end),
          "@\(.track)", "=\(.name)"' "$tracks_file")" || [ -z "$calls" ]; then
        store_failure "$(jq -cn --arg n "$name" '{cockpit_call: $n}')" start \
          "no call for $name in bench/tracks.json"
        continue
      fi
      mapfile -t call_flags <<<"$calls"
      # The entry's track and its name ride along as the last two lines.
      t="${call_flags[-2]#@}"
      name="${call_flags[-1]#=}"
      call_flags=("${call_flags[@]:0:${#call_flags[@]}-2}")
      addr="127.0.0.1:${cockpit_port[$t]:-0}"
      tags="$(jq -cn --arg n "$name" --arg role "$role" --arg t "$t" --arg cache "$cache" \
        --argjson s "$seconds" --argjson c "$c" \
        '{cockpit_call: $n, role: $role, on_track: $t, cache: $cache, cache_seconds: $s,
          concurrency: $c}')"
      run_duration="$duration"
      if [ "$role" = cockpit ] && ((duration < seconds + 2)); then run_duration=$((seconds + 2)); fi
      say "  $name on $t, cache $cache, $c in flight"
      before=()
      for t in "${peer_tracks[@]}"; do
        before+=("$(handled_calls ListIndicators "${cockpit_metrics_port[$t]}")")
      done
      run_load "$tags" "$pid_list" "$addr" call closed --concurrency="$c" \
        --duration="$run_duration" "${call_flags[@]}" || true
      [ "$role" = cockpit ] || continue
      fanouts=0
      for i in "${!peer_tracks[@]}"; do
        n=$(($(handled_calls ListIndicators "${cockpit_metrics_port[${peer_tracks[$i]}]}") - before[i]))
        ((n <= fanouts)) || fanouts=$n
      done
      say "    read from the tracks $fanouts times (set-up and warm-up included)"
      record "$(jq -cn --argjson tags "$tags" --argjson n "$fanouts" \
        '{record: "fanouts"} + $tags + {fanouts: $n}')"
    done
  done
}

if [ -n "$bench_cockpits" ]; then
  say "cockpit: every track's service, reaching the others as peers"
  redis-cli -h 127.0.0.1 -p "$redis_port" flushall >/dev/null
  for t in $tracks_listed; do
    cockpit_port[$t]="$(gov_free_port)"
    cockpit_metrics_port[$t]="$(gov_free_port)"
    cockpit_peers="${cockpit_peers:+$cockpit_peers,}$t=127.0.0.1:${cockpit_port[$t]}"
    rm -f "$state/cockpit-$t.db" "$state/cockpit-$t.db-wal" "$state/cockpit-$t.db-shm"
  done
  # The rules the service reads by default (data/<track>.json), and a copy without the cache.
  cockpit_rules="$here/data/$cockpit_track.json"
  cache_seconds="$(jq '.cockpitSettings.cacheSeconds // 0' "$cockpit_rules")"
  uncached_rules="$state/$cockpit_track-uncached.json"
  jq '.cockpitSettings.cacheSeconds = 0' "$cockpit_rules" >"$uncached_rules"
  for t in $tracks_listed; do start_cockpit_service "$t"; done
  cockpit_up=1
  for t in $tracks_listed; do
    if ! try_serving "cockpit-$t" "127.0.0.1:${cockpit_port[$t]}" "$state/logs/cockpit-$t.log"; then
      cockpit_failure configured "$cache_seconds" "$serving_error"
      cockpit_failure off 0 "$serving_error"
      cockpit_up=0
      break
    fi
  done
  if ((cockpit_up == 1)); then
    say "  serving: $cockpit_peers"
    run_cockpits configured "$cache_seconds"
    say "cockpit: $cockpit_track restarted with cockpitSettings.cacheSeconds 0"
    stop_process "cockpit-$cockpit_track"
    start_cockpit_service "$cockpit_track" "$uncached_rules"
    if try_serving "cockpit-$cockpit_track" "127.0.0.1:${cockpit_port[$cockpit_track]}" \
      "$state/logs/cockpit-$cockpit_track.log"; then
      run_cockpits off 0
    else
      cockpit_failure off 0 "$serving_error"
    fi
  fi
  for t in $tracks_listed; do
    stop_process "cockpit-$t"
    rm -f "$state/cockpit-$t.db" "$state/cockpit-$t.db-wal" "$state/cockpit-$t.db-shm"
  done
  redis-cli -h 127.0.0.1 -p "$redis_port" flushall >/dev/null
fi

# --- the mediation service at each size ---------------------------------------------------------
# Copies a store (and its WAL, if a loader was stopped before it could fold it in).
copy_store() {
  rm -f "$2" "$2-wal" "$2-shm"
  cp "$1" "$2"
  if [ -f "$1-wal" ]; then cp "$1-wal" "$2-wal"; fi
}

for size in $sizes; do
  # store-<size>.db holds exactly the loaded disputes (the service runs on a copy, whose creates
  # and moves go away with it); a bigger size starts from the biggest smaller store there is.
  base="$state/store-$size.db"
  if [ ! -f "$base" ]; then
    from="$(find "$state" -maxdepth 1 -name 'store-*.db' | sed -n 's/.*store-\([0-9]*\)\.db$/\1/p' |
      sort -n | awk -v s="$size" '$1 < s' | tail -n 1)"
    if [ -n "$from" ]; then copy_store "$state/store-$from.db" "$base"; fi
  fi
  say "store of $size cases: loading"
  # Progress on the terminal, the loader's log lines (JSON) only in its log.
  if ! load_json="$("$bulk_load" --db_path="$base" --total="$size" --threads="$load_threads" \
    2> >(tee -a "$state/logs/bulk_load.log" | grep --line-buffered -v '^{' >&2))"; then
    die "bulk_load failed (log: $state/logs/bulk_load.log)"
  fi
  total="$(jq '.total_cases' <<<"$load_json")"
  [ "$total" -eq "$size" ] || die "$base holds $total cases, not $size (a store left by another run?)"
  record "$(jq -c --argjson size "$size" '{record: "bulk_load", size: $size} + .' <<<"$load_json")"
  copy_store "$base" "$db"
  # The loader writes no cache, and whatever a previous service cached is of another store.
  redis-cli -h 127.0.0.1 -p "$redis_port" flushall >/dev/null

  port="$(gov_free_port)"
  metrics_port="$(gov_free_port)"
  addr="127.0.0.1:$port"
  log="$state/logs/mediation-$size.log"
  "$mediation" --listen="$addr" --metrics_port="$metrics_port" --db_path="$db" \
    --redis="127.0.0.1:$redis_port" --tokens_file="$state/tokens.json" </dev/null >"$log" 2>&1 &
  pids[mediation]=$!
  wait_serving mediation "$addr" "$log"
  pid="${pids[mediation]}"
  say "store of $size cases: mediation serving on $addr (pid $pid)"

  # Reads first, so that they see exactly $size cases; writes after.
  tags="{\"size\": $size}"
  run_load "$tags" "$pid" "$addr" get_hit closed || true
  peak="$(jq -s --argjson size "$size" 'map(select(.record == "load" and .size == $size and
    .workload == "get_hit" and .mode == "closed")) | last | .qps // 0' "$results")"
  half="$(jq -n --argjson p "$peak" '$p / 2 | floor')"
  if [ "$half" -gt 0 ]; then
    run_load "$tags" "$pid" "$addr" get_hit open --rate="$half" || true
  fi
  run_load "$tags" "$pid" "$addr" get_miss closed --id_prefix=D --id_count="$size" || true
  run_load "$tags" "$pid" "$addr" list closed || true
  run_load "$tags" "$pid" "$addr" indicators closed || true
  run_load "$tags" "$pid" "$addr" ranking closed || true
  run_load "$tags" "$pid" "$addr" create closed || true
  run_load "$tags" "$pid" "$addr" transition closed || true

  hwm_kb="$(awk '/^VmHWM:/ { print $2 }' "/proc/$pid/status")"
  rss_kb="$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status")"
  db_bytes="$(du -cb "$db" "$db-wal" 2>/dev/null | awk 'END { print $1 }')"
  record "$(jq -cn --argjson size "$size" --argjson hwm "${hwm_kb:-0}" --argjson rss "${rss_kb:-0}" \
    --argjson db "${db_bytes:-0}" \
    '{record: "memory", size: $size, server_hwm_kb: $hwm, server_rss_kb: $rss, db_bytes: $db}')"
  say "store of $size cases: peak RSS $((hwm_kb / 1024)) MiB; stopping the service"
  stop_process mediation
  rm -f "$db" "$db-wal" "$db-shm"
done

record "$(jq -cn --argjson s "$((SECONDS - started))" --arg loadavg "$(cut -d' ' -f1-3 /proc/loadavg)" \
  '{record: "wall", seconds: $s, loadavg: $loadavg}')"
say "finished in $(((SECONDS - started) / 60)) min $(((SECONDS - started) % 60)) s"
write_report "$results"
