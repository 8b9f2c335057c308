#!/usr/bin/env bash
# scripts/run.sh end to end: started in the background with stdin closed, on ports shifted by a
# random GOV_PORT_OFFSET and with its state in a temp dir; waits for the endpoint table, checks
# health, an authenticated govctl call and /metrics, then sends SIGTERM and checks that the
# script exits 0 and leaves no process and no open port behind.
# Args: source dir, build dir. RUN_SCRIPT_STORE=postgres RUN_SCRIPT_REPLICAS=N run the suite on
# its local PostgreSQL with N replicas per track (run_script_postgres.sh), and then also check
# every replica and a write on one replica read back on another.
set -Eeuo pipefail
# shellcheck source=tests/checks/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
check_init "run_script"
src="$1"
build="$2"
govctl="$build/tools/govctl/govctl"
store="${RUN_SCRIPT_STORE:-sqlite}"
replicas="${RUN_SCRIPT_REPLICAS:-1}"

fail() {
  printf 'run_script: FAIL: %s\n' "$*" >&2
  if [ -f "${work:-}/out.log" ]; then
    printf -- '--- scripts/run.sh output ---\n' >&2
    tail -n 60 "$work/out.log" >&2
  fi
  for log in "${work:-}"/run/logs/*.log; do
    [ -f "$log" ] || continue
    printf -- '--- %s ---\n' "$log" >&2
    tail -n 20 "$log" >&2
  done
  check_said
  exit 1
}

[ -x "$govctl" ] || fail "$govctl is not built"
[ -x "$build/services/mediation/mediation" ] || fail "the mediation service is not built"

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Every track's fixed ports, from the one list (data/tracks.json).
command -v jq >/dev/null 2>&1 || fail "jq is missing: run scripts/bootstrap.sh"
ports_text="$(jq -r '.tracks[] | "\(.grpcPort) \(.metricsPort)"' "$src/data/tracks.json")" ||
  fail "cannot read $src/data/tracks.json"
read -r -a track_ports <<<"$(tr '\n' ' ' <<<"$ports_text")"
[ "${#track_ports[@]}" -ge 2 ] || fail "no tracks in $src/data/tracks.json"

# Below the kernel's ephemeral range (32768+), where FreePort() of concurrent tests picks ports.
offset=""
for _ in $(seq 1 20); do
  candidate=$((1000 + RANDOM % 20000))
  busy=0
  for base in 5433 6399 "${track_ports[@]}"; do
    for r in $(seq 0 $((replicas - 1))); do
      if port_busy $((base + candidate + 100 * r)); then
        busy=1
        break 2
      fi
    done
  done
  if [ "$busy" -eq 0 ]; then
    offset=$candidate
    break
  fi
done
[ -n "$offset" ] || fail "no free set of ports found"
redis_port=$((6399 + offset))
grpc_port=$((7101 + offset))
metrics_port=$((9101 + offset))
pg_port=$((5433 + offset))

work="$(mktemp -d)"
# The local PostgreSQL cluster lives under the run dir and runs as user postgres.
[ "$store" = sqlite ] || chmod 755 "$work"
run_pid=""
children=()
cleanup() {
  if [ -n "$run_pid" ] && kill -0 "$run_pid" 2>/dev/null; then
    kill -TERM "$run_pid" 2>/dev/null || true
    for _ in $(seq 1 300); do kill -0 "$run_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$run_pid" 2>/dev/null || true
  fi
  for pid in "${children[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
check_on_exit cleanup

GOV_RUN_DIR="$work/run" GOV_BUILD_DIR="$build" GOV_PORT_OFFSET="$offset" \
  GOV_REDIS_PORT="$redis_port" GOV_DRAIN_SECONDS=5 GOV_STORE="$store" GOV_REPLICAS="$replicas" \
  GOV_DATABASE_URL= bash "$src/scripts/run.sh" </dev/null >"$work/out.log" 2>&1 &
run_pid=$!

# The endpoint table ends with the "Ready." line; the build step before it is a no-op here.
deadline=$((SECONDS + 600))
until grep -q '^Ready\. ' "$work/out.log" 2>/dev/null; do
  kill -0 "$run_pid" 2>/dev/null || fail "scripts/run.sh exited before it was ready"
  ((SECONDS < deadline)) || fail "scripts/run.sh not ready after 600s"
  sleep 0.2
done
mapfile -t children < <(ps -o pid= --ppid "$run_pid" | tr -d ' ')
[ "${#children[@]}" -ge 2 ] || fail "expected redis-server and mediation under run.sh, found: ${children[*]}"

grep -q "127.0.0.1:$grpc_port" "$work/out.log" || fail "the endpoint table lacks 127.0.0.1:$grpc_port"
grep -q "http://127.0.0.1:$metrics_port/metrics" "$work/out.log" ||
  fail "the endpoint table lacks the metrics URL"
tokens="$work/run/dev-tokens.txt"
[ -f "$tokens" ] || fail "no $tokens"
[ "$(stat -c %a "$tokens")" = 600 ] || fail "$tokens is readable by others"
admin="$(awk -F'\t' '$1 == "admin" { print $4 }' "$tokens")"
[[ "$admin" =~ ^[0-9a-f]{32}$ ]] || fail "no admin token in $tokens"
grep -q "$admin" "$work/run/tokens.json" && fail "tokens.json holds a plain token"
grep -q "$(printf '%s' "$admin" | sha256sum | cut -d' ' -f1)" "$work/run/tokens.json" ||
  fail "tokens.json lacks the admin token's hash"

export GOV_PORT_OFFSET="$offset"
unset GOV_TOKEN GOV_TOKEN_FILE
out="$("$govctl" health mediation)" || fail "govctl health mediation: $out"
[ "$out" = "127.0.0.1:$grpc_port: SERVING" ] || fail "unexpected health output: $out"
out="$("$govctl" indicators mediation --token="$admin")" || fail "govctl indicators: $out"
grep -q 'mediation indicators' <<<"$out" || fail "unexpected indicators output: $out"
out="$(GOV_TOKEN_FILE="$tokens" "$govctl" --as=viewer indicators mediation --json)" ||
  fail "govctl --as=viewer indicators: $out"
grep -q '"track": "mediation"' <<<"$out" || fail "unexpected JSON: $out"
if "$govctl" indicators mediation >/dev/null 2>"$work/anon.err"; then
  fail "indicators without a token succeeded"
fi
grep -q 'UNAUTHENTICATED' "$work/anon.err" || fail "no UNAUTHENTICATED without a token"

if [ "$store" = postgres ]; then
  grep -q "postgresql://postgres@127.0.0.1:$pg_port/governance" "$work/out.log" ||
    fail "the endpoint table lacks the PostgreSQL URL"
  # Every replica serves, and a write on the last replica is read back on the first.
  for r in $(seq 1 "$replicas"); do
    addr="127.0.0.1:$((grpc_port + 100 * (r - 1)))"
    out="$("$govctl" health "$addr")" || fail "replica $r at $addr: $out"
  done
  last="127.0.0.1:$((grpc_port + 100 * (replicas - 1)))"
  created="$("$govctl" --addr="$last" --token="$admin" call mediation CreateDispute \
    '{"request_id":"run-script-1","dispute":{"category":"DISPUTE_CATEGORY_NEIGHBOURHOOD",
      "channel":"INTAKE_CHANNEL_WALK_IN","region":{"street_id":"GS01"},
      "parties":[{"role":"PARTY_ROLE_APPLICANT","name":"run script"}]}}')" ||
    fail "CreateDispute on $last: $created"
  id="$(jq -r '.dispute.id' <<<"$created")"
  [[ "$id" =~ ^D-[0-9]+$ ]] || fail "no dispute id in: $created"
  read_back="$("$govctl" --addr="127.0.0.1:$grpc_port" --token="$admin" call mediation GetDispute \
    "{\"id\":\"$id\"}")" || fail "GetDispute $id on the first replica: $read_back"
  [ "$(jq -r '.dispute.id' <<<"$read_back")" = "$id" ] || fail "read back: $read_back"
fi

# Personal data: the stores hold it sealed with the run's key ring, and a read of it is recorded
# with its purpose, for the auditor.
keys="$work/run/data-keys"
[ -f "$keys" ] || fail "no $keys"
[ "$(stat -c %a "$keys")" = 600 ] || fail "$keys is readable by others"
if [ "$store" = sqlite ]; then
  where=(--sqlite="$work/run/mediation.db")
else
  where=(--postgres="postgresql://postgres@127.0.0.1:$pg_port/governance")
fi
census="$("$build/tools/govbackup/govbackup" keys "${where[@]}")" || fail "govbackup keys: $census"
grep -q '^  sealed with local-' <<<"$census" || fail "the store holds nothing sealed: $census"
grep -q '^  not sealed: 0$' <<<"$census" || fail "the store holds unsealed values: $census"
out="$("$govctl" --token="$admin" --purpose="run script check" call mediation GetDispute \
  '{"id":"D-000001"}')" || fail "GetDispute D-000001: $out"
auditor="$(awk -F'\t' '$1 == "auditor" { print $4 }' "$tokens")"
[[ "$auditor" =~ ^[0-9a-f]{32}$ ]] || fail "no auditor token in $tokens"
reads="$("$govctl" --token="$auditor" call mediation ListPersonalDataReads \
  '{"record":"D-000001","principal":"admin"}')" || fail "ListPersonalDataReads: $reads"
[ "$(jq -r '.reads[0].purpose' <<<"$reads")" = "run script check" ] ||
  fail "the read of D-000001 is not recorded with its purpose: $reads"

exec 3<>"/dev/tcp/127.0.0.1/$metrics_port"
printf 'GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' >&3
grep -q '^grpc_server_handled_total' <&3 || fail "/metrics lacks grpc_server_handled_total"
exec 3<&-

kill -TERM "$run_pid"
status=0
for _ in $(seq 1 400); do kill -0 "$run_pid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$run_pid" 2>/dev/null && fail "scripts/run.sh still running 40s after SIGTERM"
wait "$run_pid" || status=$?
run_pid=""
[ "$status" -eq 0 ] || fail "scripts/run.sh exited with $status after SIGTERM"
for pid in "${children[@]}"; do
  kill -0 "$pid" 2>/dev/null && fail "process $pid outlived scripts/run.sh"
done
closed=("$redis_port")
for r in $(seq 0 $((replicas - 1))); do
  closed+=($((grpc_port + 100 * r)) $((metrics_port + 100 * r)))
done
[ "$store" = sqlite ] || closed+=("$pg_port")
for port in "${closed[@]}"; do
  port_busy "$port" && fail "port $port still open after the stop"
done
echo "run_script: ok ($store, $replicas replica(s), offset $offset)"
