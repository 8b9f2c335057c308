#!/usr/bin/env bash
# Runs the suite locally: bootstrap if needed, build, start redis-server and every service built
# so far on embedded SQLite with demo data, print the endpoints and the dev tokens, then stay in
# the foreground until Ctrl-C or SIGTERM, which stop everything cleanly (exit 0).
#
# The store switch: GOV_STORE=postgres runs every service on PostgreSQL instead (a local cluster
# in .run/postgres on port 5433, database "governance", started and stopped with the suite; or
# the server of GOV_DATABASE_URL), and GOV_REPLICAS=N then starts N replicas of each track on the
# shared database and Redis (replica r listens on the track's ports + 100*(r-1)).
#
# Fixed local ports (gRPC / metrics): each track's own, from data/tracks.json (mediation
# 7101/9101, policing 7102/9102, ...; the README's table); redis 6399.
# State lives in .run/ (gitignored): redis/, <track>.db, logs/<track>.log, tokens.json (hashes
# only), dev-tokens.txt ("principal<TAB>roles<TAB>streets<TAB>token"; made once, valid a year) and
# peer-token.txt (the token of principal peer-caller, which the tracks present when they call
# each other: --peer_token_file; they reach each other at their ports, shifted like them).
#
# Environment (all optional; meant for tests and for running two copies side by side):
#   GOV_RUN_DIR          state directory (default <repo>/.run)
#   GOV_BUILD_DIR        build directory (default <repo>/build, shared with scripts/test.sh)
#   GOV_PORT_OFFSET      added to every port, gRPC, metrics and redis (default 0); govctl
#                        honours the same variable
#   GOV_REDIS_PORT       redis-server port (default 6399 + GOV_PORT_OFFSET)
#   GOV_START_TIMEOUT    seconds a service may take to become SERVING (default 90)
#   GOV_DRAIN_SECONDS    the services' drain deadline, also how long a stop waits (default 20)
#   GOV_DRAIN_GRACE_SECONDS  how long a stopping service answers health NOT_SERVING while still
#                        serving, before its drain (default 1: what a client polling health needs
#                        to move away; the Kubernetes manifests use 5 for the endpoints' sake)
#   GOV_STORE            sqlite (default) or postgres
#   GOV_DATABASE_URL     an existing PostgreSQL database to use (implies GOV_STORE=postgres;
#                        the services read it from the environment, so it is not on their argv)
#   GOV_PG_PORT          port of the local cluster (default 5433 + GOV_PORT_OFFSET)
#   GOV_PG_DIR           directory of the local cluster (default <run dir>/postgres)
#   GOV_REPLICAS         replicas per track (default 1; more than one needs PostgreSQL)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/lib.sh
. "$here/scripts/lib.sh"
run_dir="${GOV_RUN_DIR:-$here/.run}"
build_dir="${GOV_BUILD_DIR:-$here/build}"
offset="${GOV_PORT_OFFSET:-0}"
start_timeout="${GOV_START_TIMEOUT:-90}"
drain_seconds="${GOV_DRAIN_SECONDS:-20}"
drain_grace_seconds="${GOV_DRAIN_GRACE_SECONDS:-1}"

say() { printf 'run: %s\n' "$*"; }
die() {
  printf 'run: error: %s\n' "$*" >&2
  exit 1
}

# The tracks and their fixed ports, in order: data/tracks.json (the one list). Read with jq, which
# the bootstrap installs: on a machine without it, the bootstrap runs first.
tracks_file="$here/data/tracks.json"
[ -f "$tracks_file" ] || die "$tracks_file is missing"
command -v jq >/dev/null || "$here/scripts/bootstrap.sh"
track_table="$(jq -r '.tracks[] | "\(.name) \(.grpcPort) \(.metricsPort)"' "$tracks_file")" ||
  die "cannot read the tracks from $tracks_file"
tracks=()
declare -A base_grpc base_metrics
max_port=0
while read -r t grpc metrics; do
  [ -n "$t" ] || continue
  [[ "$t" =~ ^[a-z][a-z0-9]*$ && "$grpc" =~ ^[0-9]+$ && "$metrics" =~ ^[0-9]+$ ]] ||
    die "$tracks_file: bad entry \"$t $grpc $metrics\" (see data/README.md)"
  tracks+=("$t")
  base_grpc[$t]=$grpc
  base_metrics[$t]=$metrics
  ((grpc <= max_port)) || max_port=$grpc
  ((metrics <= max_port)) || max_port=$metrics
done <<<"$track_table"
[ "${#tracks[@]}" -gt 0 ] || die "$tracks_file lists no track"

[[ "$offset" =~ ^[0-9]+$ ]] || die "GOV_PORT_OFFSET must be a whole number"
database_url="${GOV_DATABASE_URL:-}"
store="${GOV_STORE:-sqlite}"
[ -z "$database_url" ] || store=postgres
case "$store" in
  sqlite | postgres) ;;
  *) die "GOV_STORE must be sqlite or postgres (got \"$store\")" ;;
esac
replicas="${GOV_REPLICAS:-1}"
[[ "$replicas" =~ ^[1-9][0-9]?$ ]] || die "GOV_REPLICAS must be a whole number from 1 to 99"
if ((replicas > 1)) && [ "$store" != postgres ]; then
  die "GOV_REPLICAS=$replicas needs the shared store: set GOV_STORE=postgres (SQLite serves one replica)"
fi
pg_port="${GOV_PG_PORT:-$((5433 + offset))}"
pg_dir="${GOV_PG_DIR:-$run_dir/postgres}"
local_pg=0
if [ "$store" = postgres ] && [ -z "$database_url" ]; then local_pg=1; fi
redis_port="${GOV_REDIS_PORT:-$((6399 + offset))}"
for n in "$redis_port" "$start_timeout" "$drain_seconds" "$drain_grace_seconds" "$pg_port"; do
  [[ "$n" =~ ^[0-9]+$ ]] || die "GOV_REDIS_PORT, GOV_START_TIMEOUT, GOV_DRAIN_SECONDS, GOV_DRAIN_GRACE_SECONDS and GOV_PG_PORT must be whole numbers"
done
((offset + max_port + 100 * (replicas - 1) <= 65535 && redis_port <= 65535 && pg_port <= 65535)) ||
  die "a port above 65535 (check GOV_PORT_OFFSET, GOV_REDIS_PORT, GOV_PG_PORT, GOV_REPLICAS)"

# --- which services exist, and are their ports free (checked first, to fail fast) ---------------
# An instance is one process: "<track>" for the first replica, "<track>-<r>" for replica r.
declare -A grpc_port metrics_port track_of
services=()   # tracks built so far
instances=()  # first replicas in track order, then the further replicas
for t in "${tracks[@]}"; do
  if [ -f "$here/services/$t/CMakeLists.txt" ]; then services+=("$t"); fi
done
[ "${#services[@]}" -gt 0 ] || die "no service under $here/services/"
for r in $(seq 1 "$replicas"); do
  for t in "${services[@]}"; do
    name="$t"
    ((r == 1)) || name="$t-$r"
    instances+=("$name")
    track_of[$name]="$t"
    grpc_port[$name]=$((base_grpc[$t] + offset + 100 * (r - 1)))
    metrics_port[$name]=$((base_metrics[$t] + offset + 100 * (r - 1)))
  done
done

busy_check=("$redis_port")
((local_pg == 0)) || busy_check+=("$pg_port")
for i in "${instances[@]}"; do busy_check+=("${grpc_port[$i]}" "${metrics_port[$i]}"); done
for p in "${busy_check[@]}"; do
  if gov_port_busy "$p"; then
    die "port $p on 127.0.0.1 is already in use (another run of the suite?); stop that process or set GOV_PORT_OFFSET"
  fi
done

# --- bootstrap and build ------------------------------------------------------------------------
"$here/scripts/bootstrap.sh"
# A new build directory gets the generator and build type; an existing one keeps its settings
# (CMake refuses another generator, and another build type would rebuild everything).
if [ -f "$build_dir/CMakeCache.txt" ]; then
  cmake -S "$here" -B "$build_dir"
else
  cmake -S "$here" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
fi
cmake --build "$build_dir"
govctl="$build_dir/tools/govctl/govctl"
[ -x "$govctl" ] || die "$govctl was not built"
for t in "${services[@]}"; do
  [ -x "$build_dir/services/$t/$t" ] || die "$build_dir/services/$t/$t was not built"
done
if [ "$store" = postgres ]; then
  command -v psql >/dev/null || die "psql is missing (scripts/bootstrap.sh installs PostgreSQL)"
fi

# --- state and dev tokens -----------------------------------------------------------------------
# The demo stores' format: raised when a release stores what the demo loads differently (2: the
# track kit's case payloads, e.g. policing's key areas). State of another format is moved aside,
# whole, to $run_dir/previous-<time>/ (nothing is deleted) and the demo is loaded afresh.
# 3: the demo kit's draws (common/demo): the same request ids, other content. 4: the plan's
# targets in full (purchased mediation services, consultations, published rankings, disorder's
# control points, joint units and campaign start times). 5: backlog's re-screening and supervised
# projects, warnings' levels as record units, the hazard track. 6: the tripartite track, meetings'
# subjects and participants, the digital track's cameras and scenarios.
state_format=6
mkdir -p "$run_dir"
have_format="$(cat "$run_dir/state-format" 2>/dev/null || true)"
if [ "$have_format" != "$state_format" ]; then
  old_state=()
  for f in "$run_dir"/*.db "$run_dir"/*.db-wal "$run_dir"/*.db-shm "$run_dir/postgres" "$run_dir/redis"; do
    [ -e "$f" ] && old_state+=("$f")
  done
  # An external pg_dir (GOV_PG_DIR) is the caller's: left alone.
  if [ "${#old_state[@]}" -gt 0 ]; then
    aside="$run_dir/previous-$(date -u +%Y%m%dT%H%M%SZ)"
    mkdir -p "$aside"
    mv "${old_state[@]}" "$aside/"
    echo "run: state of an earlier format (${have_format:-1}) moved to $aside; loading the demo afresh"
  fi
  echo "$state_format" >"$run_dir/state-format"
fi
mkdir -p "$run_dir/redis" "$run_dir/logs"
tokens_json="$run_dir/tokens.json"
dev_tokens="$run_dir/dev-tokens.txt"

tokens_valid() {
  [ -s "$tokens_json" ] && [ -s "$dev_tokens" ] || return 1
  # Every principal of make_tokens is there (a newer script may add one).
  local p
  for p in admin op-gs01 mediator-gs01 inspector-gs01 officer-gs01 viewer auditor court-system police-platform peer-caller; do
    grep -q "^$p"$'\t' "$dev_tokens" || return 1
  done
  local expires
  # grep -m 1 stops reading by itself: no `| head` to race under pipefail.
  expires="$(grep -m 1 -o '"expires": *"[^"]*"' "$tokens_json" | cut -d'"' -f4)"
  [ -n "$expires" ] || return 1
  # Renewed when less than a week is left, so a suite started now keeps them for a week at least.
  [ "$(date -u -d "$expires" +%s)" -gt "$(($(date +%s) + 7 * 86400))" ]
}

make_tokens() {
  gov_make_dev_tokens "$tokens_json" "$dev_tokens" 365
  say "new dev tokens written to $dev_tokens"
}
tokens_valid || make_tokens
# The key ring personal data is sealed with in the stores under $run_dir (made once, kept).
data_keys="$run_dir/data-keys"
gov_make_data_keys "$data_keys" || die "could not write $data_keys"
# The token the tracks present when they call each other (peer calls): peer-caller's.
peer_token="$run_dir/peer-token.txt"
gov_peer_token_file "$dev_tokens" peer-caller "$peer_token" || die "could not write $peer_token"

# Where the tracks reach each other: by default at their fixed local ports; with the ports
# shifted, every track of the list at its shifted port (the first replica of each).
peer_args=()
if ((offset != 0)); then
  peer_list=""
  for t in "${tracks[@]}"; do
    peer_list+="${peer_list:+,}$t=127.0.0.1:$((base_grpc[$t] + offset))"
  done
  peer_args=(--peers="$peer_list")
fi

# --- children and stopping ----------------------------------------------------------------------
declare -A pids  # name -> pid
stopping=0

# SIGTERM to the services, then redis and PostgreSQL (the services use them while draining;
# PostgreSQL gets SIGINT, its fast shutdown); whatever outlives the drain deadline gets SIGKILL.
# Safe to call twice.
stop_all() {
  local group name pid deadline signal
  for group in services stores; do
    local names=()
    if [ "$group" = stores ]; then names=(redis postgres); else names=("${instances[@]}"); fi
    for name in "${names[@]}"; do
      pid="${pids[$name]:-}"
      signal=TERM
      [ "$name" != postgres ] || signal=INT
      if [ -n "$pid" ]; then kill -"$signal" "$pid" 2>/dev/null || true; fi
    done
    deadline=$((SECONDS + drain_grace_seconds + drain_seconds + 5))
    for name in "${names[@]}"; do
      pid="${pids[$name]:-}"
      [ -n "$pid" ] || continue
      while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.1; done
      if kill -0 "$pid" 2>/dev/null; then
        say "$name did not stop within $((drain_grace_seconds + drain_seconds))s; killing it"
        kill -KILL "$pid" 2>/dev/null || true
      fi
      wait "$pid" 2>/dev/null || true
      unset "pids[$name]"
    done
  done
}

# shellcheck disable=SC2317  # invoked by the EXIT trap
on_exit() {
  local status=$?
  trap - EXIT TERM INT
  stop_all
  exit "$status"
}
trap on_exit EXIT
trap 'stopping=1' TERM INT

log_tail() {
  printf -- '--- last lines of %s ---\n' "$1" >&2
  tail -n 30 "$1" >&2 || true
  printf -- '---\n' >&2
}

# --- redis --------------------------------------------------------------------------------------
redis-server --bind 127.0.0.1 --port "$redis_port" --save "" --appendonly no \
  --dir "$run_dir/redis" --daemonize no --logfile "$run_dir/logs/redis.log" </dev/null &
pids[redis]=$!
deadline=$((SECONDS + 15))
until [ "$(redis-cli -h 127.0.0.1 -p "$redis_port" ping 2>/dev/null)" = PONG ]; do
  ((stopping == 0)) || exit 0
  kill -0 "${pids[redis]}" 2>/dev/null || { log_tail "$run_dir/logs/redis.log"; die "redis-server exited"; }
  ((SECONDS < deadline)) || { log_tail "$run_dir/logs/redis.log"; die "redis-server did not answer on port $redis_port"; }
  sleep 0.1
done

# --- postgresql (GOV_STORE=postgres without GOV_DATABASE_URL) -----------------------------------
if ((local_pg == 1)); then
  gov_pg_init "$pg_dir" || die "could not make a PostgreSQL cluster in $pg_dir (set GOV_PG_DIR to a directory user postgres can reach)"
  gov_pg_start "$pg_dir" "$pg_port" "$run_dir/logs/postgres.log"
  pids[postgres]=$!
  deadline=$((SECONDS + 30))
  until "$(gov_pg_bindir)/pg_isready" -q -h 127.0.0.1 -p "$pg_port" -U postgres; do
    ((stopping == 0)) || exit 0
    kill -0 "${pids[postgres]}" 2>/dev/null || { log_tail "$run_dir/logs/postgres.log"; die "postgres exited"; }
    ((SECONDS < deadline)) || { log_tail "$run_dir/logs/postgres.log"; die "postgres did not accept connections on port $pg_port"; }
    sleep 0.1
  done
  gov_pg_createdb "$pg_port" governance || die "could not create database governance"
  database_url="postgresql://postgres@127.0.0.1:$pg_port/governance"
fi

# --- services -----------------------------------------------------------------------------------
# start_instance NAME: the first replica of a track loads the demo data (idempotent by request
# ids); further replicas start once it is SERVING, on the database it migrated.
start_instance() {
  local name="$1" t="${track_of[$1]}" store_args=() env_args=()
  if [ "$store" = postgres ]; then
    env_args=("GOV_DATABASE_URL=$database_url")
  else
    store_args=(--db_path="$run_dir/$t.db")
  fi
  local demo=()
  [ "$name" != "$t" ] || demo=(--demo_data)
  env "${env_args[@]}" "$build_dir/services/$t/$t" \
    --listen="127.0.0.1:${grpc_port[$name]}" --metrics_port="${metrics_port[$name]}" \
    "${store_args[@]}" --redis="127.0.0.1:$redis_port" --tokens_file="$tokens_json" \
    --data_keys_file="$data_keys" --peer_token_file="$peer_token" "${peer_args[@]}" \
    "${demo[@]}" --drain_grace_seconds="$drain_grace_seconds" --drain_seconds="$drain_seconds" \
    </dev/null >>"$run_dir/logs/$name.log" 2>&1 &
  pids[$name]=$!
}

# wait_serving NAME...: until each is SERVING; dies with its log's tail when one exits or times out.
wait_serving() {
  local name deadline status
  for name in "$@"; do
    deadline=$((SECONDS + start_timeout))
    until "$govctl" health "127.0.0.1:${grpc_port[$name]}" --timeout=1s >/dev/null 2>&1; do
      ((stopping == 0)) || exit 0
      if ! kill -0 "${pids[$name]}" 2>/dev/null; then
        wait "${pids[$name]}" && status=0 || status=$?
        unset "pids[$name]"
        log_tail "$run_dir/logs/$name.log"
        die "$name exited during start-up (status $status)"
      fi
      if ((SECONDS >= deadline)); then
        log_tail "$run_dir/logs/$name.log"
        die "$name was not SERVING on 127.0.0.1:${grpc_port[$name]} after ${start_timeout}s"
      fi
      sleep 0.2
    done
  done
}

first=("${instances[@]:0:${#services[@]}}")
further=("${instances[@]:${#services[@]}}")
for i in "${first[@]}"; do start_instance "$i"; done
wait_serving "${first[@]}"
if [ "${#further[@]}" -gt 0 ]; then
  for i in "${further[@]}"; do start_instance "$i"; done
  wait_serving "${further[@]}"
fi

# --- the table ----------------------------------------------------------------------------------
rel_govctl="${govctl#"$PWD"/}"
echo
echo "The governance suite is running (state in $run_dir)."
echo
printf '  %-14s %-20s %s\n' service gRPC metrics
for i in "${instances[@]}"; do
  printf '  %-14s %-20s %s\n' "$i" "127.0.0.1:${grpc_port[$i]}" \
    "http://127.0.0.1:${metrics_port[$i]}/metrics"
done
printf '  %-14s %s\n' redis "127.0.0.1:$redis_port"
if [ "$store" = postgres ]; then
  shown_url="$database_url"
  ((local_pg == 1)) || shown_url="$(printf '%s' "$database_url" | sed -E 's#(://[^:/@]+):[^@]*@#\1:***@#')"
  printf '  %-14s %s\n' postgres "$shown_url"
else
  printf '  %-14s %s\n' store "SQLite files $run_dir/<track>.db"
fi
echo
echo "Dev tokens (also in $dev_tokens):"
printf '  %-14s %-16s %-8s %s\n' principal roles streets token
grep -v '^#' "$dev_tokens" | while IFS=$'\t' read -r principal roles streets token; do
  printf '  %-14s %-16s %-8s %s\n' "$principal" "$roles" "$streets" "$token"
done
echo "The tracks call each other with the token of peer-caller ($peer_token)."
echo
echo "Try:"
echo "  export GOV_TOKEN_FILE=$dev_tokens"
((offset == 0)) || echo "  export GOV_PORT_OFFSET=$offset"
echo "  $rel_govctl indicators mediation"
echo "  $rel_govctl --as=op-gs01 call mediation ListDisputes '{\"page_size\": 5}'"
echo
echo "Ready. Press Ctrl-C (or send SIGTERM to $$) to stop."

# --- foreground until a signal ------------------------------------------------------------------
# `wait` returns when a child exits or a trapped signal arrives, so this works with stdin closed.
while ((stopping == 0)); do
  wait -n "${pids[@]}" 2>/dev/null || true
  ((stopping == 0)) || break
  for name in "${!pids[@]}"; do
    if ! kill -0 "${pids[$name]}" 2>/dev/null; then
      wait "${pids[$name]}" && status=0 || status=$?
      unset "pids[$name]"
      log="$run_dir/logs/$name.log"
      log_tail "$log"
      die "$name stopped unexpectedly (status $status); stopping the suite"
    fi
  done
done

echo
say "stopping"
trap - EXIT
stop_all
say "stopped"
exit 0
