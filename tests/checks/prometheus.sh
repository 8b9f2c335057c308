#!/usr/bin/env bash
# deploy/prometheus, offline and live.
#
# Offline: the PrometheusRule objects are current and the rules pass their lint
# (tools/deploy/prometheus-rules.mjs --check), `promtool check rules` and `promtool test rules`,
# `promtool check config` on the local configuration, and deploy/prometheus renders with
# `kubectl kustomize` into objects that validate against the Prometheus Operator's schemas.
#
# Live: two copies of the suite from scripts/run.sh on shifted ports (GOV_PORT_OFFSET), state in
# a temp dir: one on SQLite (the dev shape) and one on PostgreSQL with two replicas per track
# (the prod shape). A real Prometheus (Debian's /usr/bin/prometheus, intervals 1 s, the rule
# files loaded) scrapes the first through the job of prometheus-local.yml and the second through
# the Kubernetes job of prometheus.yml, whose pod discovery is simulated (Debian builds
# Prometheus without Kubernetes discovery; tools/deploy/prometheus-live.mjs says how). Its
# configuration passes `promtool check config`; the targets must come up with exactly the
# expected labels while decoys are dropped. Then govctl sends successful calls and NOT_FOUND,
# INVALID_ARGUMENT and UNAUTHENTICATED ones to every replica, and through the HTTP API every
# query of every panel of deploy/grafana/*.json (about the running tracks; the cockpits'
# dashboards included) and every recording and alert rule with its threshold comparison removed
# must return data. A query of an indicator a cockpit names by id is held to what the track's
# own API (govctl indicators, for the cockpit's region) says of it: it must be an indicator the
# track lists, and return data unless the track has no value or no target for it this month.
# Everything started is stopped at the end.
# Args: source dir, build dir.
set -Eeuo pipefail
# shellcheck source=tests/checks/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
check_init "prometheus"
src="$(cd "$1" && pwd)"
build="$(cd "$2" && pwd)"
govctl="$build/tools/govctl/govctl"
# gov_port_busy, gov_free_port
# shellcheck source=scripts/lib.sh disable=SC1091
. "$src/scripts/lib.sh"

work=""
suite_pids=()
prom_pid=""

fail() {
  printf 'prometheus: FAIL: %s\n' "$*" >&2
  for log in "${work:-/nonexistent}"/{sqlite,postgres}.out "${work:-/nonexistent}"/prometheus.log \
    "${work:-/nonexistent}"/{sqlite,postgres}/logs/*.log; do
    [ -f "$log" ] || continue
    printf -- '--- %s (last lines) ---\n' "${log#"$work"/}" >&2
    tail -n 25 "$log" >&2
  done
  check_said
  exit 1
}

cleanup() {
  local pid
  if [ -n "$prom_pid" ] && kill -0 "$prom_pid" 2>/dev/null; then
    kill -TERM "$prom_pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$prom_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$prom_pid" 2>/dev/null || true
  fi
  for pid in "${suite_pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${suite_pids[@]}"; do
    for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  if [ -n "$work" ]; then rm -rf "$work"; fi
}
check_on_exit cleanup

for tool in promtool prometheus node jq; do
  command -v "$tool" >/dev/null || fail "$tool is missing: run scripts/bootstrap.sh"
done
command -v kubectl >/dev/null ||
  fail "kubectl is missing: kubectl >= 1.27 (for 'kubectl kustomize') is a prerequisite" \
    "of the deploy checks"
for pkg in yaml @kubernetes-models/prometheus-operator; do
  [ -f "$src/node_modules/$pkg/package.json" ] ||
    fail "npm package $pkg is missing in $src/node_modules: run scripts/bootstrap.sh (npm ci)"
done
[ -x "$govctl" ] || fail "$govctl is not built"

work="$(mktemp -d)"
# The PostgreSQL suite's cluster lives under the temp dir and runs as user postgres.
chmod 755 "$work"
prom="$src/deploy/prometheus"
cd "$src"

# --- offline ------------------------------------------------------------------------------------
node tools/deploy/prometheus-rules.mjs --check || fail "prometheus-rules.mjs --check"
node tools/deploy/prometheus-live.mjs local --check ||
  fail "prometheus-local.yml is not generated from data/tracks.json (see above)"
promtool check rules "$prom"/rules/*.yml >"$work/check-rules.out" 2>&1 ||
  fail "promtool check rules: $(cat "$work/check-rules.out")"
promtool test rules "$prom"/tests/*.yml >"$work/test-rules.out" 2>&1 ||
  fail "promtool test rules: $(cat "$work/test-rules.out")"
promtool check config "$prom/prometheus-local.yml" >"$work/check-config.out" 2>&1 ||
  fail "promtool check config prometheus-local.yml: $(cat "$work/check-config.out")"
kubectl kustomize "$prom" >"$work/objects.yaml" 2>"$work/kustomize.out" ||
  fail "kubectl kustomize deploy/prometheus: $(cat "$work/kustomize.out")"
node tools/deploy/prometheus-rules.mjs --validate "$work/objects.yaml" ||
  fail "the rendered objects of deploy/prometheus do not validate"
echo "prometheus: offline checks pass" \
  "($(grep -c SUCCESS "$work/test-rules.out") rule test files; ${SECONDS}s)"

# --- the suites ---------------------------------------------------------------------------------
# The tracks and their fixed ports: data/tracks.json, the one list.
track_table="$(jq -r '.tracks[] | "\(.name) \(.grpcPort) \(.metricsPort)"' \
  "$src/data/tracks.json")" || fail "cannot read the tracks from $src/data/tracks.json"
all_tracks=()
declare -A grpc_base metrics_base
while read -r t grpc metrics; do
  [ -n "$t" ] || continue
  [[ "$grpc" =~ ^[0-9]+$ && "$metrics" =~ ^[0-9]+$ ]] ||
    fail "data/tracks.json: track $t has no ports (grpcPort $grpc, metricsPort $metrics)"
  all_tracks+=("$t")
  grpc_base[$t]=$grpc
  metrics_base[$t]=$metrics
done <<<"$track_table"
[ "${#all_tracks[@]}" -gt 0 ] || fail "data/tracks.json lists no track"
tracks=()
for t in "${all_tracks[@]}"; do
  if [ -f "$src/services/$t/CMakeLists.txt" ]; then tracks+=("$t"); fi
done
[ "${#tracks[@]}" -gt 0 ] || fail "no service under $src/services"
for t in "${tracks[@]}"; do
  [ -x "$build/services/$t/$t" ] || fail "the $t service is not built in $build"
done

# pick_offset REPLICAS: a GOV_PORT_OFFSET whose ports (gRPC, metrics, Redis, PostgreSQL, for
# every replica) are all free; below the kernel's ephemeral range (32768+), where concurrent
# tests pick their ports.
pick_offset() {
  local replicas="$1" candidate base r busy
  for _ in $(seq 1 30); do
    candidate=$((1000 + RANDOM % 20000))
    busy=0
    for base in 5433 6399 "${grpc_base[@]}" "${metrics_base[@]}"; do
      for r in $(seq 0 $((replicas - 1))); do
        if gov_port_busy $((base + candidate + 100 * r)); then
          busy=1
          break 2
        fi
      done
    done
    if [ "$busy" -eq 0 ]; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}

# start_suite NAME STORE REPLICAS OFFSET: scripts/run.sh in the background, until "Ready.".
start_suite() {
  local name="$1" store="$2" replicas="$3" offset="$4" pid deadline
  GOV_RUN_DIR="$work/$name" GOV_BUILD_DIR="$build" GOV_PORT_OFFSET="$offset" \
    GOV_DRAIN_SECONDS=5 GOV_STORE="$store" GOV_REPLICAS="$replicas" GOV_DATABASE_URL='' \
    GOV_REDIS_PORT='' GOV_PG_PORT='' GOV_PG_DIR='' \
    bash "$src/scripts/run.sh" </dev/null >"$work/$name.out" 2>&1 &
  pid=$!
  suite_pids+=("$pid")
  deadline=$((SECONDS + 400))
  until grep -q '^Ready\. ' "$work/$name.out" 2>/dev/null; do
    kill -0 "$pid" 2>/dev/null || fail "scripts/run.sh ($name) exited before it was ready"
    ((SECONDS < deadline)) || fail "scripts/run.sh ($name) not ready after 400s"
    sleep 0.2
  done
}

# One after the other: each run.sh builds the build dir first.
local_offset="$(pick_offset 1)" || fail "no free set of ports for the SQLite suite"
start_suite sqlite sqlite 1 "$local_offset"
kube_replicas=2
kube_offset="$(pick_offset "$kube_replicas")" ||
  fail "no free set of ports for the PostgreSQL suite"
start_suite postgres postgres "$kube_replicas" "$kube_offset"
echo "prometheus: suites ready (SQLite at offset $local_offset, PostgreSQL x$kube_replicas" \
  "at offset $kube_offset; tracks: ${tracks[*]}; ${SECONDS}s)"

# --- prometheus ---------------------------------------------------------------------------------
track_list="$(IFS=,; echo "${tracks[*]}")"
node tools/deploy/prometheus-live.mjs config --out "$work/prom" --tracks "$track_list" \
  --local "$local_offset" --kube "$kube_offset:$kube_replicas" ||
  fail "prometheus-live.mjs config"
promtool check config "$work/prom/prometheus.yml" >"$work/check-live-config.out" 2>&1 ||
  fail "promtool check config (live configuration): $(cat "$work/check-live-config.out")"

# A free port can be taken between the pick and the bind (other tests run beside this one):
# Prometheus is started again on another port when its bind fails, up to five times.
ready='fetch(process.argv[1]).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))'
for attempt in 1 2 3 4 5; do
  prom_port="$(gov_free_port)" || fail "no free port for prometheus"
  url="http://127.0.0.1:$prom_port"
  prometheus --config.file="$work/prom/prometheus.yml" --storage.tsdb.path="$work/prom/data" \
    --web.listen-address="127.0.0.1:$prom_port" --log.level=warn \
    </dev/null >"$work/prometheus.log" 2>&1 &
  prom_pid=$!
  deadline=$((SECONDS + 60))
  until node -e "$ready" "$url/-/ready"; do
    kill -0 "$prom_pid" 2>/dev/null || break
    ((SECONDS < deadline)) || fail "prometheus not ready on $url after 60s"
    sleep 0.2
  done
  kill -0 "$prom_pid" 2>/dev/null && break
  if [ "$attempt" -eq 5 ] || ! grep -q "address already in use" "$work/prometheus.log"; then
    fail "prometheus exited"
  fi
  echo "prometheus: port $prom_port was taken meanwhile; starting again on another"
done
node tools/deploy/prometheus-live.mjs targets --url "$url" --expect "$work/prom/expect.json" \
  --timeout 60 || fail "the scrape targets"

# --- traffic ------------------------------------------------------------------------------------
# expect_code CODE CMD...: runs govctl, which must fail with gRPC code CODE (or succeed for OK).
# UNAVAILABLE "failed to connect" is retried twice, half a second apart, and said on stderr: it is
# the code a client retries on, and a service that is really gone fails all three.
expect_code() {
  local code="$1" out attempt ok
  shift
  for attempt in 1 2 3; do
    ok=0
    if out="$("$@" 2>&1)"; then ok=1; break; fi
    if [[ "$out" != *"UNAVAILABLE: failed to connect"* ]] || ((attempt == 3)); then break; fi
    echo "prometheus: attempt $attempt could not connect, retrying: $*: $out" >&2
    sleep 0.5
  done
  if ((ok == 1)); then
    [ "$code" = OK ] || fail "expected $code from: $* (it succeeded)"
  else
    [ "$code" != OK ] || fail "expected success from: $*: $out"
    grep -q "$code" <<<"$out" || fail "expected $code from: $*: $out"
  fi
  return 0
}

# open_case TRACK ADDR TOKEN N: a new case (counted by governance_cases_opened_total), read back
# twice (a cache miss, then a hit), and a NOT_FOUND and an INVALID_ARGUMENT of the track's own
# service: the track's main create and get of bench/tracks.json (every "$N" of the create made
# unique to the call; the INVALID_ARGUMENT is the same create with its item empty).
open_case() {
  local track="$1" addr="$2" token="$3" n="$4" entry create_method get_method item_field
  local request bad created id
  entry="$(jq -c --arg t "$track" '.tracks[] | select(.track == $t)' "$src/bench/tracks.json")" ||
    fail "cannot read bench/tracks.json"
  [ -n "$entry" ] ||
    fail "bench/tracks.json has no entry for track $track: add its main create and get there"
  create_method="$(jq -r '.create.method' <<<"$entry")"
  get_method="$(jq -r '.get.method' <<<"$entry")"
  item_field="$(jq -r '.item_field' <<<"$entry")"
  request="$(jq -c --arg n "9$n$RANDOM" '.create.request | walk(if type == "string" then
    gsub("\\$N"; $n) else . end)' <<<"$entry")"
  bad="$(jq -c --arg n "8$n$RANDOM" '.create.request | walk(if type == "string" then
    gsub("\\$N"; $n) else . end) | with_entries(if (.value | type) == "object" then .value = {}
    else . end)' <<<"$entry")"
  created="$("$govctl" --addr="$addr" --token="$token" call "$track" "$create_method" \
    "$request")" || fail "$create_method on $addr: $created"
  id="$(jq -r --arg f "$item_field" '.[$f].id' <<<"$created")"
  [[ "$id" =~ ^[A-Z]+-[0-9]+$ ]] || fail "no $item_field id in: $created"
  for _ in 1 2; do
    expect_code OK "$govctl" --addr="$addr" --token="$token" call "$track" "$get_method" \
      "{\"id\":\"$id\"}"
  done
  expect_code NOT_FOUND "$govctl" --addr="$addr" --token="$token" call "$track" "$get_method" \
    "{\"id\":\"${id%%-*}-999999\"}"
  expect_code INVALID_ARGUMENT "$govctl" --addr="$addr" --token="$token" call "$track" \
    "$create_method" "$bad"
  case "$track" in
    disorder)
      # A reading of the fume feed for a demo restaurant (counted by outcome).
      local restaurants
      restaurants="$("$govctl" --addr="$addr" --token="$token" call disorder ListMonitoredObjects \
        '{"kind":"MONITORED_OBJECT_KIND_FUME_RESTAURANT","status":"MONITORED_OBJECT_STATUS_ACTIVE","page_size":1}')" ||
        fail "ListMonitoredObjects on $addr: $restaurants"
      id="$(jq -r '.objects[0].id' <<<"$restaurants")"
      [[ "$id" =~ ^M-[0-9]+$ ]] || fail "no fume-monitored restaurant in: $restaurants"
      expect_code OK "$govctl" --addr="$addr" --token="$token" call disorder RecordFumeReadings \
        "{\"readings\":[{\"object_id\":\"$id\",\"concentration_mg_m3\":0.4,
          \"read_time\":\"$(date -u +%Y-%m-%dT%H:%M:%SZ)\"}]}"
      ;;
  esac
}

n=0
for suite in sqlite postgres; do
  tokens="$work/$suite/dev-tokens.txt"
  admin="$(awk -F'\t' '$1 == "admin" { print $4 }' "$tokens")"
  [[ "$admin" =~ ^[0-9a-f]{32}$ ]] || fail "no admin token in $tokens"
  if [ "$suite" = sqlite ]; then offset=$local_offset replicas=1; else
    offset=$kube_offset replicas=$kube_replicas
  fi
  for t in "${tracks[@]}"; do
    for r in $(seq 1 "$replicas"); do
      addr="127.0.0.1:$((grpc_base[$t] + offset + 100 * (r - 1)))"
      n=$((n + 1))
      for _ in 1 2 3; do
        expect_code OK "$govctl" --addr="$addr" --token="$admin" indicators "$t"
        expect_code OK "$govctl" --addr="$addr" --token="$admin" rankings "$t" --by=street
      done
      if [ "$suite" = sqlite ]; then
        # The track's indicators as its API gives them this month: each must be in Prometheus.
        "$govctl" --addr="$addr" --token="$admin" indicators "$t" --json \
          >"$work/prom/indicators-$t.json" || fail "govctl indicators $t --json"
        # And for each street whose cockpit (data/digital.json) names indicators of the track:
        # what the panels of those indicators must show.
        for street in $(jq -r --arg t "$t" '.cockpits[]? | select(.kind == "COCKPIT_KIND_STREET")
            | select(any(.selections[]; .track == $t and ((.indicatorIds // []) | length > 0)))
            | .streetId' "$src/data/digital.json"); do
          "$govctl" --addr="$addr" --token="$admin" indicators "$t" --street="$street" --json \
            >"$work/prom/indicators-$t-$street.json" ||
            fail "govctl indicators $t --street=$street --json"
        done
      fi
      expect_code UNAUTHENTICATED "$govctl" --addr="$addr" --token=not-a-token indicators "$t"
      open_case "$t" "$addr" "$admin" "$n"
    done
  done
done
echo "prometheus: traffic sent (${SECONDS}s)"

# --- the queries --------------------------------------------------------------------------------
node tools/deploy/prometheus-live.mjs queries --url "$url" --expect "$work/prom/expect.json" \
  --tracks "$track_list" --indicators "$work/prom" --timeout 120 || fail "the live queries"
kill -0 "$prom_pid" 2>/dev/null || fail "prometheus exited"
for pid in "${suite_pids[@]}"; do
  kill -0 "$pid" 2>/dev/null || fail "a suite stopped during the check"
done
echo "prometheus: ok (${SECONDS}s)"
