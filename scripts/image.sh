#!/usr/bin/env bash
# Builds the suite's container image (deploy/docker/Dockerfile) with podman, a daemonless engine
# from Debian, and runs the suite from it, on a Debian 12 machine as root, with no container
# registry: the Debian base image is made locally with debootstrap from deb.debian.org.
#
#   1. installs what is missing: podman, debootstrap (only to make the base), runc (where crun
#      cannot run containers: below), jq;
#   2. the base image, localhost/debian:bookworm: `debootstrap --variant=minbase bookworm`,
#      imported with `podman import`, then in one squashed build step trimmed like
#      debian:bookworm-slim (no documentation, manual pages or translations; apt keeps no
#      caches), given Debian's bookworm, bookworm-updates and bookworm-security sources, and
#      upgraded to the current point release and security fixes. Made once: an existing image of
#      that name is reused (--rebuild-base makes it again);
#   3. the image: `podman build` of deploy/docker/Dockerfile with the base as DEBIAN_IMAGE (the
#      Dockerfile's build argument), in Docker's image format (the OCI format drops the
#      Dockerfile's SHELL, so its RUN lines would lose bash and pipefail). Layers are cached: after
#      a source edit only the compile and what follows run again;
#   4. the suite from the image: Redis in its own container (localhost/governance-redis:bookworm,
#      the base with Debian's redis-server: the Kubernetes manifests run Redis as a pod of its own
#      too, and the suite's image stays the runtime libraries only), then one container per track
#      with the flags scripts/run.sh gives the track (ports, --redis, tokens, peer token, demo data,
#      drain) and what the Kubernetes manifests give the pod: the data files (the repository's
#      data/, rules files included) mounted read-only at /etc/governance/data, the token files at
#      /etc/governance/secrets, UID 10001, a read-only root file system, no capabilities. The store
#      is SQLite, one file a track, fresh on every run. The network is the host's (--network host),
#      so the ports are run.sh's, shifted by GOV_PORT_OFFSET;
#   5. the smoke check, with the image's own govctl (in a client container): every track
#      SERVING, a create/get round trip on mediation (CreateDispute, then GetDispute of the id it
#      answered) and the district cockpit on digital answering complete (every track answered);
#   6. stops the containers (SIGTERM: they drain) and removes them, keeping their logs in the
#      state directory; with --keep they stay up, and `scripts/image.sh --stop` stops them later.
#
# Usage: scripts/image.sh [--skip-build] [--build-only] [--keep] [--stop] [--rebuild-base]
#   --skip-build    run the suite from the existing image IMAGE_TAG (no build)
#   --build-only    build the image, run nothing
#   --keep          leave the suite's containers running after the smoke check
#   --stop          stop and remove the containers a --keep run left, then exit
#   --rebuild-base  make the base image (and the Redis image) again even if present
#
# Environment (all optional):
#   IMAGE_TAG          the suite's image (default localhost/governance:0.1.0)
#   GOV_BASE_IMAGE     the local Debian 12 base (default localhost/debian:bookworm)
#   GOV_REDIS_IMAGE    the Redis image (default localhost/governance-redis:bookworm)
#   GOV_DEBIAN_MIRROR  Debian mirror of debootstrap and the base (default http://deb.debian.org/debian)
#   GOV_RUN_DIR        run.sh's state directory (default <repo>/.run); this script keeps its state
#                      in <run dir>/image: tokens, the SQLite stores, the containers' logs
#   GOV_PORT_OFFSET    added to every port, gRPC, metrics and Redis (default 0), as for run.sh
#   GOV_START_TIMEOUT  seconds a service may take to become SERVING (default 120)
#   GOV_PODMAN_RUNTIME OCI runtime (default: podman's, crun; runc where crun cannot work: below)
#   GOV_PODMAN_ARGS    further global podman options, e.g. "--storage-driver=vfs"
#
# What the script adapts to (all found on a VM whose root lacks some capabilities):
#   - no systemd: podman's cgroup manager is cgroupfs and its event log a file;
#   - without CAP_SYS_RESOURCE, podman's default limits of a container (open files 1048576)
#     cannot be set ("crun: setrlimit `RLIMIT_NOFILE`: Operation not permitted"): every
#     container, build steps included, gets the caller's hard limits instead (open files at most
#     1048576, processes at most 32768, the limit podman sets on itself when it starts);
#   - cgroup v1 with a controller on the cgroup v2 hierarchy too ("hybrid" mode): crun 1.8 refuses
#     to run a container ("cgroups in hybrid mode not supported, drop all controllers from
#     cgroupv2"), so the runtime is runc.
set -Eeuo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/lib.sh
. "$here/scripts/lib.sh"

say() { printf 'image: %s\n' "$*"; }
die() {
  printf 'image: error: %s\n' "$*" >&2
  exit 1
}
usage() {
  sed -n '/^# Usage:/,/^#   --rebuild-base/p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

skip_build=0
build_only=0
keep=0
stop_only=0
rebuild_base=0
for arg in "$@"; do
  case "$arg" in
    --skip-build) skip_build=1 ;;
    --build-only) build_only=1 ;;
    --keep) keep=1 ;;
    --stop) stop_only=1 ;;
    --rebuild-base) rebuild_base=1 ;;
    -h | --help)
      usage
      exit 0
      ;;
    *)
      usage >&2
      die "unknown argument: $arg"
      ;;
  esac
done
((skip_build + build_only < 2)) || die "--skip-build and --build-only exclude each other"

image="${IMAGE_TAG:-localhost/governance:0.1.0}"
base_image="${GOV_BASE_IMAGE:-localhost/debian:bookworm}"
redis_image="${GOV_REDIS_IMAGE:-localhost/governance-redis:bookworm}"
mirror="${GOV_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
run_dir="${GOV_RUN_DIR:-$here/.run}"
state="$run_dir/image"
offset="${GOV_PORT_OFFSET:-0}"
start_timeout="${GOV_START_TIMEOUT:-120}"
[[ "$offset" =~ ^[0-9]+$ ]] || die "GOV_PORT_OFFSET must be a whole number"
[[ "$start_timeout" =~ ^[0-9]+$ ]] || die "GOV_START_TIMEOUT must be a whole number"
# The label of every container this script starts: the only ones it stops or removes.
label="io.governance.run=image-sh"
# The image's user (USER 10001:10001 in the Dockerfile), which must read the mounted files.
image_user=10001:10001

[ "$(id -u)" = 0 ] || die "run as root (debootstrap and rootful podman), e.g. sudo $0 $*"

# --- packages -----------------------------------------------------------------------------------
# runc is wanted where crun cannot run a container: cgroup v1 with a controller also on the v2
# hierarchy (crun 1.8 refuses this "hybrid" mode; runc 1.1 uses the v1 controllers).
runtime="${GOV_PODMAN_RUNTIME:-}"
# (cgroup files report a size of 0: read the list rather than test the size.)
v2_controllers=""
if [ -r /sys/fs/cgroup/unified/cgroup.controllers ]; then
  v2_controllers="$(cat /sys/fs/cgroup/unified/cgroup.controllers)"
fi
if [ -z "$runtime" ] && [ -n "$v2_controllers" ]; then runtime=runc; fi

# install_missing COMMAND PACKAGE...: the Debian packages, when COMMAND is not there.
install_missing() {
  local cmd="$1"
  shift
  command -v "$cmd" >/dev/null 2>&1 && return 0
  say "installing $*"
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive nice -n 15 apt-get install -y -q "$@"
}
install_missing podman podman
install_missing jq jq
[ -z "$runtime" ] || install_missing "$runtime" "$runtime"

# --- podman's options for this machine ----------------------------------------------------------
podman_cmd=(podman)
if [ ! -d /run/systemd/system ]; then
  podman_cmd+=(--cgroup-manager=cgroupfs --events-backend=file)
fi
[ -z "$runtime" ] || podman_cmd+=(--runtime="$runtime")
if [ -n "${GOV_PODMAN_ARGS:-}" ]; then
  read -r -a extra_args <<<"$GOV_PODMAN_ARGS"
  podman_cmd+=("${extra_args[@]}")
fi
pm() { "${podman_cmd[@]}" "$@"; }
# Heavy steps (builds) and the suite's containers run at a low priority: the machine is shared.
pm_nice() { nice -n 15 "${podman_cmd[@]}" "$@"; }

# CAP_SYS_RESOURCE is bit 24 of the effective capabilities.
ulimit_args=()
cap_eff="$(awk '/^CapEff:/ { print $2 }' /proc/self/status)"
if (((16#${cap_eff:-0} >> 24 & 1) == 0)); then
  nofile="$(ulimit -Hn)"
  nproc="$(ulimit -Hu)"
  if [ "$nofile" = unlimited ] || ((nofile > 1048576)); then nofile=1048576; fi
  if [ "$nproc" = unlimited ] || ((nproc > 32768)); then nproc=32768; fi
  ulimit_args=(--ulimit "nofile=$nofile:$nofile" --ulimit "nproc=$nproc:$nproc")
fi
# Every build: no registry is asked (the bases are local), the host's network for apt, Docker's
# image format (keeps SHELL), the limits above.
build_args=(--pull=never --network host --format docker "${ulimit_args[@]}")

image_exists() { pm image exists "$1"; }
image_mb() { echo "$(($(pm image inspect --format '{{.Size}}' "$1") / 1000000)) MB"; }

# --- the containers of this script ----------------------------------------------------------------
# Stops and removes every container of this script, saving each one's log to the state directory
# first: the services and the client first (SIGTERM: the services drain; SIGKILL after 30 s),
# then Redis, which the services use while they drain (as scripts/run.sh stops them).
stop_containers() {
  local out id name services=() stores=() names=()
  out="$(pm ps -a --filter "label=$label" --format '{{.ID}} {{.Names}}')" || return 1
  [ -n "$out" ] || return 0
  while read -r id name; do
    [ -n "$id" ] || continue
    names+=("$name")
    if [ "$name" = governance-redis ]; then stores+=("$id"); else services+=("$id"); fi
  done <<<"$out"
  say "stopping ${names[*]}"
  [ "${#services[@]}" -eq 0 ] || pm stop --time 30 "${services[@]}" >/dev/null || true
  [ "${#stores[@]}" -eq 0 ] || pm stop --time 10 "${stores[@]}" >/dev/null || true
  mkdir -p "$state/logs"
  for name in "${names[@]}"; do
    pm logs "$name" >"$state/logs/$name.log" 2>&1 || true
  done
  pm rm -f "${services[@]}" "${stores[@]}" >/dev/null || true
}

if ((stop_only == 1)); then
  stop_containers
  say "stopped (logs in $state/logs)"
  exit 0
fi

# --- scratch directories and the end --------------------------------------------------------------
# One directory this script makes under /var/tmp for its scratch files, removed when it ends,
# however it ends.
scratch="$(mktemp -d /var/tmp/governance-image.XXXXXX)"
suite_started=0
# shellcheck disable=SC2317  # invoked by the EXIT trap
on_exit() {
  local status=$?
  trap - EXIT
  if ((suite_started == 1 && keep == 0)); then stop_containers || true; fi
  rm -rf -- "$scratch"
  exit "$status"
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- the base image ------------------------------------------------------------------------------
# The host only runs debootstrap into a scratch directory and imports it; everything done to the
# file system happens in a build step of the image, never on a host path.
make_base() {
  local rootfs ctx rootfs_image="${base_image}-rootfs"
  rootfs="$scratch/rootfs"
  install_missing debootstrap debootstrap
  say "debootstrap --variant=minbase bookworm from $mirror"
  nice -n 15 debootstrap --variant=minbase bookworm "$rootfs" "$mirror"
  say "importing the root file system as $rootfs_image"
  tar --numeric-owner -C "$rootfs" -c . | pm import --change 'CMD ["bash"]' - "$rootfs_image" >/dev/null
  rm -rf -- "$rootfs"

  ctx="$scratch/base-context"
  mkdir -p "$ctx"
  # Debian's sources as in the official image: the release, its updates and its security fixes.
  printf '%s\n' 'Types: deb' "URIs: $mirror" 'Suites: bookworm bookworm-updates' \
    'Components: main' 'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg' '' \
    'Types: deb' "URIs: ${mirror%/debian}/debian-security" 'Suites: bookworm-security' \
    'Components: main' 'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg' \
    >"$ctx/debian.sources"
  # As debian:bookworm-slim: dpkg leaves out documentation (copyrights kept), manual pages and
  # translations.
  printf '%s\n' 'path-exclude /usr/share/doc/*' 'path-include /usr/share/doc/*/copyright' \
    'path-exclude /usr/share/man/*' 'path-exclude /usr/share/groff/*' \
    'path-exclude /usr/share/info/*' 'path-exclude /usr/share/lintian/*' \
    'path-exclude /usr/share/linda/*' 'path-exclude /usr/share/locale/*' \
    'path-include /usr/share/locale/locale.alias' >"$ctx/slim"
  # As the official image: apt keeps no downloaded packages and fetches no translations.
  local clean='"rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true";'
  printf '%s\n' "DPkg::Post-Invoke { $clean };" "APT::Update::Post-Invoke { $clean };" \
    'Dir::Cache::pkgcache "";' 'Dir::Cache::srcpkgcache "";' >"$ctx/docker-clean"
  printf '%s\n' 'Acquire::Languages "none";' >"$ctx/docker-no-languages"
  # What runs inside the build step (never on the host): the files above in place, the slim
  # trimming, the upgrade.
  printf '%s\n' 'set -eux' \
    'rm -f /etc/apt/sources.list' \
    'install -m 0644 /tmp/base/debian.sources /etc/apt/sources.list.d/debian.sources' \
    'install -m 0644 /tmp/base/slim /etc/dpkg/dpkg.cfg.d/slim' \
    'install -m 0644 /tmp/base/docker-clean /tmp/base/docker-no-languages /etc/apt/apt.conf.d/' \
    'find /usr/share/doc -mindepth 1 -not -type d -not -name copyright -delete' \
    'find /usr/share/doc -mindepth 1 -type d -empty -delete' \
    'rm -rf /usr/share/man/* /usr/share/groff/* /usr/share/info/* /usr/share/lintian/* /usr/share/linda/*' \
    'find /usr/share/locale -mindepth 1 -maxdepth 1 -not -name locale.alias -exec rm -rf {} +' \
    'apt-get update' \
    'DEBIAN_FRONTEND=noninteractive apt-get -y upgrade' \
    'apt-get clean' \
    'rm -rf /var/lib/apt/lists/* /var/log/apt/* /var/log/*.log /tmp/base' >"$ctx/setup.sh"
  # One step, squashed into one layer: the files removed here are not kept in a lower layer.
  printf '%s\n' "FROM $rootfs_image" \
    'COPY debian.sources slim docker-clean docker-no-languages setup.sh /tmp/base/' \
    'RUN ["/bin/sh", "/tmp/base/setup.sh"]' \
    'CMD ["bash"]' >"$ctx/Containerfile"
  say "trimming and upgrading it into $base_image"
  pm_nice build "${build_args[@]}" --squash-all -t "$base_image" -f "$ctx/Containerfile" "$ctx"
  pm rmi "$rootfs_image" >/dev/null
}

# The Redis image: the base with Debian's redis-server, run as its user redis.
make_redis_image() {
  local ctx
  ctx="$scratch/redis-context"
  mkdir -p "$ctx"
  printf '%s\n' "FROM $base_image" \
    'RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends redis-server && rm -rf /var/lib/apt/lists/*' \
    'USER redis' \
    'CMD ["redis-server", "--protected-mode", "no", "--save", "", "--appendonly", "no", "--dir", "/tmp"]' \
    >"$ctx/Containerfile"
  say "building $redis_image (Debian's redis-server on $base_image)"
  pm_nice build "${build_args[@]}" -t "$redis_image" -f "$ctx/Containerfile" "$ctx"
}

# The base is wanted to build the image, or the Redis image.
if ((rebuild_base == 1)) || { ! image_exists "$base_image" &&
  { ((skip_build == 0)) || ! image_exists "$redis_image"; }; }; then
  started=$SECONDS
  make_base
  say "base image $base_image made in $((SECONDS - started)) s: $(image_mb "$base_image")"
elif image_exists "$base_image"; then
  say "reusing the base image $base_image"
fi

# --- the suite's image ---------------------------------------------------------------------------
if ((skip_build == 0)); then
  revision="$(git -C "$here" rev-parse HEAD 2>/dev/null)" || revision=unknown
  say "building $image from deploy/docker/Dockerfile on $base_image (long: the suite compiles)"
  started=$SECONDS
  pm_nice build "${build_args[@]}" \
    --build-arg DEBIAN_IMAGE="$base_image" \
    --build-arg REVISION="$revision" \
    --build-arg CREATED="$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
    -f "$here/deploy/docker/Dockerfile" -t "$image" "$here"
  say "built $image in $((SECONDS - started)) s: $(image_mb "$image")"
else
  image_exists "$image" || die "no image $image to reuse (build it: scripts/image.sh --build-only)"
  say "reusing $image: $(image_mb "$image")"
fi
((build_only == 0)) || exit 0

if ((rebuild_base == 1)) || ! image_exists "$redis_image"; then make_redis_image; fi

# --- the suite from the image --------------------------------------------------------------------
# The tracks and their ports: data/tracks.json, as for run.sh; a track runs when the image has
# its binary.
track_table="$(jq -r '.tracks[] | "\(.name) \(.grpcPort) \(.metricsPort)"' "$here/data/tracks.json")" ||
  die "cannot read the tracks from $here/data/tracks.json"
in_image="$(pm run --rm --network none "${ulimit_args[@]}" "$image" ls /usr/local/bin)" ||
  die "cannot list /usr/local/bin of $image"
services=()
declare -A grpc_port metrics_port
while read -r t grpc metrics; do
  [ -n "$t" ] || continue
  grep -qx "$t" <<<"$in_image" || continue
  services+=("$t")
  grpc_port[$t]=$((grpc + offset))
  metrics_port[$t]=$((metrics + offset))
done <<<"$track_table"
[ "${#services[@]}" -gt 0 ] || die "$image holds no track's binary in /usr/local/bin"
redis_port=$((6399 + offset))

# A kept suite of an earlier run goes first; then every port must be free (host network).
stop_containers
for p in "$redis_port" "${grpc_port[@]}" "${metrics_port[@]}"; do
  if gov_port_busy "$p"; then
    die "port $p on 127.0.0.1 is in use (scripts/run.sh?); set GOV_PORT_OFFSET"
  fi
done

# State: fresh stores, new tokens (hashes for the services, the plain tokens for the client), all
# readable by the image's user only.
mkdir -p "$state/var" "$state/logs"
rm -f "$state/var/"*.db "$state/var/"*.db-wal "$state/var/"*.db-shm "$state/var/"*.lock
gov_make_dev_tokens "$state/tokens.json" "$state/dev-tokens.txt" 30
gov_peer_token_file "$state/dev-tokens.txt" peer-caller "$state/peer-token" ||
  die "could not write $state/peer-token"
chown "$image_user" "$state/var" "$state/tokens.json" "$state/dev-tokens.txt" "$state/peer-token"

peer_args=()
if ((offset != 0)); then
  peer_list=""
  for t in "${services[@]}"; do peer_list+="${peer_list:+,}$t=127.0.0.1:${grpc_port[$t]}"; done
  peer_args=(--peers="$peer_list")
fi

# What every container of the suite shares: the host's network, the limits, no capabilities, no
# privilege gain, a read-only root file system (podman mounts tmpfs on /tmp, /var/tmp and /run).
run_common=(run -d --label "$label" --network host "${ulimit_args[@]}"
  --cap-drop ALL --security-opt no-new-privileges --read-only)
suite_started=1

say "starting redis on 127.0.0.1:$redis_port"
pm_nice "${run_common[@]}" --name governance-redis "$redis_image" \
  redis-server --bind 127.0.0.1 --port "$redis_port" --protected-mode no --save "" \
  --appendonly no --dir /tmp >/dev/null
deadline=$((SECONDS + 30))
until [ "$(pm exec governance-redis redis-cli -p "$redis_port" ping 2>/dev/null)" = PONG ]; do
  ((SECONDS < deadline)) || {
    pm logs governance-redis >&2 || true
    die "redis did not answer on port $redis_port"
  }
  sleep 0.5
done

for t in "${services[@]}"; do
  pm_nice "${run_common[@]}" --name "governance-$t" --user "$image_user" \
    -v "$here/data:/etc/governance/data:ro" \
    -v "$state/tokens.json:/etc/governance/secrets/tokens.json:ro" \
    -v "$state/peer-token:/etc/governance/secrets/peer-token:ro" \
    -v "$state/var:/var/lib/governance/var" \
    -e GOV_REGIONS_FILE=/etc/governance/data/regions.json \
    -e GOV_HOLIDAYS_FILE=/etc/governance/data/holidays.json \
    "$image" "/usr/local/bin/$t" \
    --listen="127.0.0.1:${grpc_port[$t]}" --metrics_port="${metrics_port[$t]}" \
    --db_path="/var/lib/governance/var/$t.db" --redis="127.0.0.1:$redis_port" \
    --tokens_file=/etc/governance/secrets/tokens.json \
    --peer_token_file=/etc/governance/secrets/peer-token "${peer_args[@]}" \
    --demo_data --drain_grace_seconds=1 --drain_seconds=20 >/dev/null
done
say "started ${services[*]} from $image"

# The client: the image's govctl, with the plain dev tokens, run by `podman exec`. It holds no
# state, and its `sleep` (PID 1) ignores SIGTERM: stopped with SIGKILL at once.
pm "${run_common[@]}" --name governance-client --user "$image_user" --stop-signal SIGKILL \
  -v "$state/dev-tokens.txt:/etc/governance/client/dev-tokens.txt:ro" \
  -e GOV_TOKEN_FILE=/etc/governance/client/dev-tokens.txt -e GOV_PORT_OFFSET="$offset" \
  "$image" sleep infinity >/dev/null
govctl() { pm exec governance-client /usr/local/bin/govctl "$@"; }

# --- the smoke check -----------------------------------------------------------------------------
say "smoke check"
started=$SECONDS
for t in "${services[@]}"; do
  deadline=$((SECONDS + start_timeout))
  until out="$(govctl health "$t" --timeout=2s 2>&1)"; do
    running="$(pm inspect --format '{{.State.Running}}' "governance-$t" 2>/dev/null)" || running=false
    if [ "$running" != true ]; then
      pm logs --tail 30 "governance-$t" >&2 || true
      die "$t exited during start-up"
    fi
    if ((SECONDS >= deadline)); then
      pm logs --tail 30 "governance-$t" >&2 || true
      die "$t was not SERVING on 127.0.0.1:${grpc_port[$t]} after ${start_timeout}s ($out)"
    fi
    sleep 1
  done
  printf '  health %-11s %s\n' "$t" "${out//$'\n'/ }"
done
say "every track SERVING $((SECONDS - started)) s after the start"

# A create/get round trip on mediation, as a street operator of GS01.
if [[ " ${services[*]} " == *" mediation "* ]]; then
  request_id="image-smoke-$(date -u +%Y%m%dT%H%M%SZ)-$RANDOM"
  created="$(govctl --as=op-gs01 call mediation CreateDispute "{\"request_id\": \"$request_id\",
    \"dispute\": {\"category\": \"DISPUTE_CATEGORY_NEIGHBOURHOOD\",
    \"channel\": \"INTAKE_CHANNEL_WALK_IN\", \"region\": {\"street_id\": \"GS01\"},
    \"parties\": [{\"role\": \"PARTY_ROLE_APPLICANT\", \"name\": \"Smoke Check\",
    \"phone\": \"13800000000\"}]}}")" || die "CreateDispute failed: $created"
  id="$(jq -r '.dispute.id // empty' <<<"$created")"
  [ -n "$id" ] || die "CreateDispute answered no dispute id: $created"
  got="$(govctl --as=op-gs01 call mediation GetDispute "{\"id\": \"$id\"}")" ||
    die "GetDispute $id failed: $got"
  got_id="$(jq -r '.dispute.id // empty' <<<"$got")"
  got_street="$(jq -r '.dispute.region.streetId // .dispute.region.street_id // empty' <<<"$got")"
  got_category="$(jq -r '.dispute.category // empty' <<<"$got")"
  if [ "$got_id" != "$id" ] || [ "$got_street" != GS01 ] ||
    [ "$got_category" != DISPUTE_CATEGORY_NEIGHBOURHOOD ]; then
    die "GetDispute $id answered another dispute: $got"
  fi
  printf '  mediation   CreateDispute -> %s; GetDispute %s: street %s, %s, state %s\n' \
    "$id" "$got_id" "$got_street" "$got_category" "$(jq -r '.dispute.state // "-"' <<<"$got")"
fi

# The district cockpit on digital: every track must answer.
if [[ " ${services[*]} " == *" digital "* ]]; then
  cockpit="$(govctl --as=admin cockpit district 2>&1)" || die "cockpit district failed: $cockpit"
  header="$(sed -n '1,/^freshness:/p' <<<"$cockpit")"
  while IFS= read -r line; do printf '  %s\n' "$line"; done <<<"$header"
  grep -E '^[a-z]+: [0-9]+ indicators?$|did not answer|^[a-z]+: no indicators$' <<<"$cockpit" |
    sed 's/^/    /' || true
  grep -qx 'complete:   yes' <<<"$header" || die "the district cockpit is not complete"
fi
say "smoke check passed"

if ((keep == 1)); then
  echo
  say "the suite keeps running from $image (stop it: scripts/image.sh --stop)"
  printf '  %-22s %-17s %s\n' container gRPC metrics
  for t in "${services[@]}"; do
    printf '  %-22s %-17s %s\n' "governance-$t" "127.0.0.1:${grpc_port[$t]}" \
      "http://127.0.0.1:${metrics_port[$t]}/metrics"
  done
  printf '  %-22s %-17s\n' governance-redis "127.0.0.1:$redis_port"
  echo "  dev tokens: $state/dev-tokens.txt; e.g."
  echo "  podman exec governance-client govctl indicators mediation"
  exit 0
fi
stop_containers
suite_started=0
say "stopped; logs in $state/logs"
