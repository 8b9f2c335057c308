#!/usr/bin/env bash
# Installs everything the build, the tests and the local run need on Debian 12 (bookworm),
# starting from a minimal system (debootstrap --variant=minbase). Idempotent: when every
# package is present and the stamp matches this script, it returns in well under a second.
#
# Environment:
#   GOV_DEPS_PREFIX  private prefix for prometheus-cpp when Debian has no candidate for it
#                    (default /opt/governance/deps)
#   GOV_SKIP_NPM=1   do not install the npm tools (buf); the buf lint check then fails
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
deps_prefix="${GOV_DEPS_PREFIX:-/opt/governance/deps}"
stamp_dir="/var/lib/governance"
stamp="$stamp_dir/bootstrap.stamp"

packages=(
  build-essential cmake ninja-build pkg-config git ca-certificates procps tzdata libssl-dev
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  libabsl-dev libhiredis-dev libsqlite3-dev libpq-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  civetweb libcivetweb-dev libcurl4-openssl-dev zlib1g-dev
  redis-server redis-tools sqlite3 postgresql prometheus yamllint curl clang-format jq
)

want_stamp() {
  { cat "${BASH_SOURCE[0]}"; cat "$here/package.json" "$here/package-lock.json" 2>/dev/null; } |
    sha256sum | cut -d' ' -f1
}

missing_packages() {
  local p
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' || echo "$p"
  done
}

have_prometheus_cpp() {
  # The package config is prometheus-cpp-config.cmake (Debian) or prometheus-cppConfig.cmake.
  compgen -G "/usr/lib/*/cmake/prometheus-cpp/prometheus-cpp*onfig.cmake" >/dev/null ||
    compgen -G "$deps_prefix/usr/lib/*/cmake/prometheus-cpp/prometheus-cpp*onfig.cmake" >/dev/null
}

# node_modules matches package-lock.json: `npm ci` ran on this very lock file (its hash is kept
# in node_modules/.gov-lock-sha256).
have_npm_tools() {
  [ "${GOV_SKIP_NPM:-0}" = 1 ] && return 0
  [ -x "$here/node_modules/.bin/buf" ] &&
    [ "$(cat "$here/node_modules/.gov-lock-sha256" 2>/dev/null)" = \
      "$(sha256sum <"$here/package-lock.json" | cut -d' ' -f1)" ]
}

if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$(want_stamp)" ] && [ -z "$(missing_packages)" ] &&
  have_prometheus_cpp && have_npm_tools; then
  exit 0
fi

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo_cmd=(sudo); else
    echo "bootstrap: run as root or install sudo" >&2; exit 1
  fi
fi

export DEBIAN_FRONTEND=noninteractive
missing="$(missing_packages | tr '\n' ' ')"
apt_updated=0
apt_update() {
  [ "$apt_updated" = 1 ] || "${sudo_cmd[@]}" apt-get update -q
  apt_updated=1
}

# The suite and the tests start their own redis-server and PostgreSQL clusters (and use only
# promtool of prometheus): keep the
# packages' daemons from being started by their install scripts, unless the host already has a
# policy of its own.
policy=/usr/sbin/policy-rc.d
own_policy=0
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' | "${sudo_cmd[@]}" tee "$policy" >/dev/null
  "${sudo_cmd[@]}" chmod 0755 "$policy"
  own_policy=1
fi
trap 'if [ "$own_policy" = 1 ]; then "${sudo_cmd[@]}" rm -f "$policy"; fi' EXIT

if [ -n "$missing" ]; then
  echo "bootstrap: installing $missing"
  apt_update
  # shellcheck disable=SC2086
  "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends $missing
fi

# prometheus-cpp: from Debian when the suite has it, otherwise unpacked from Debian 13 into a
# private prefix (its runtime needs are met on Debian 12; prometheus-cpp-dev's formal dependency
# on a newer libcurl is why it is unpacked rather than installed).
if ! have_prometheus_cpp; then
  apt_update
  if apt-cache policy prometheus-cpp-dev 2>/dev/null | grep -q 'Candidate: [0-9]'; then
    "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends prometheus-cpp-dev
  else
    echo "bootstrap: unpacking prometheus-cpp from Debian 13 into $deps_prefix"
    work="$(mktemp -d)"
    chmod 0777 "$work"
    echo "deb http://deb.debian.org/debian trixie main" >"$work/sources.list"
    mkdir -p "$work/lists/partial"
    apt_opts=(-o "Dir::Etc::sourcelist=$work/sources.list" -o "Dir::Etc::sourceparts=-"
      -o "Dir::State::Lists=$work/lists")
    "${sudo_cmd[@]}" apt-get "${apt_opts[@]}" update -q
    (cd "$work" && "${sudo_cmd[@]}" apt-get "${apt_opts[@]}" download prometheus-cpp-dev \
      libprometheus-cpp-core1.0 libprometheus-cpp-pull1.0 libprometheus-cpp-push1.0)
    "${sudo_cmd[@]}" mkdir -p "$deps_prefix"
    for deb in "$work"/*.deb; do "${sudo_cmd[@]}" dpkg -x "$deb" "$deps_prefix"; done
    "${sudo_cmd[@]}" rm -rf "$work"
  fi
fi

# npm tools (buf, the Kubernetes schema validator), again whenever package-lock.json changed.
# Debian's nodejs/npm only when npm is absent.
if ! have_npm_tools; then
  if ! command -v npm >/dev/null 2>&1; then
    apt_update
    "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends nodejs npm
  fi
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
  sha256sum <"$here/package-lock.json" | cut -d' ' -f1 >"$here/node_modules/.gov-lock-sha256"
fi

"${sudo_cmd[@]}" mkdir -p "$stamp_dir"
want_stamp | "${sudo_cmd[@]}" tee "$stamp" >/dev/null
echo "bootstrap: done"
