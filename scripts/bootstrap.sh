#!/usr/bin/env bash
# Installs everything the build, the tests and the local run need on Debian 12 (bookworm),
# starting from a minimal system (debootstrap --variant=minbase). Idempotent: when every
# package is present and the stamp matches this script, it returns in well under a second.
#
# prometheus-cpp comes from Debian 12 (prometheus-cpp-dev 1.0.1, in bookworm's main archive) once
# the package lists are current. Only where the lists offer no candidate for it is the fallback
# taken: Debian 13's packages unpacked into a private prefix, with a record of each package
# (control file and file list) under <prefix>/var/lib/governance-deps/ that tests/checks/image.sh
# reads to map the prefix's libraries to the Debian packages the image installs.
#
# Environment:
#   GOV_DEPS_PREFIX  private prefix for the prometheus-cpp fallback (default /opt/governance/deps)
#   GOV_PROMETHEUS_CPP=private  take the fallback even where Debian has a candidate (to test it)
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
  redis-server redis-tools sqlite3 postgresql prometheus yamllint curl clang-format jq openssl
  clang-14 libclang-rt-14-dev llvm-14
)

want_stamp() {
  { cat "${BASH_SOURCE[0]}"; cat "$here/package.json" "$here/package-lock.json" 2>/dev/null; } |
    sha256sum | cut -d' ' -f1
}

# Output is captured before it is tested: under pipefail, `cmd | grep -q` fails with status 141
# whenever grep exits before the writer has finished.
missing_packages() {
  local p status
  for p in "${packages[@]}"; do
    status="$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)"
    [ "$status" = "install ok installed" ] || echo "$p"
  done
}

deps_record="$deps_prefix/var/lib/governance-deps"

# The package config is prometheus-cpp-config.cmake (Debian) or prometheus-cppConfig.cmake.
have_debian_prometheus_cpp() {
  compgen -G "/usr/lib/*/cmake/prometheus-cpp/prometheus-cpp*onfig.cmake" >/dev/null
}
# The fallback counts only with its record of packages (an older prefix without it is redone).
have_private_prometheus_cpp() {
  compgen -G "$deps_prefix/usr/lib/*/cmake/prometheus-cpp/prometheus-cpp*onfig.cmake" >/dev/null &&
    compgen -G "$deps_record/*.control" >/dev/null
}
have_prometheus_cpp() {
  if [ "${GOV_PROMETHEUS_CPP:-}" = private ]; then have_private_prometheus_cpp; else
    have_debian_prometheus_cpp || have_private_prometheus_cpp
  fi
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

# prometheus-cpp: Debian 12's package, decided on current package lists; the private prefix only
# where they have no candidate (prometheus-cpp-dev from Debian 13 formally depends on a newer
# libcurl, which is why it is unpacked rather than installed; its runtime needs are met on 12).
install_private_prometheus_cpp() {
  echo "bootstrap: unpacking prometheus-cpp from Debian 13 into $deps_prefix"
  local work deb pkg
  work="$(mktemp -d)"
  chmod 0777 "$work"
  echo "deb http://deb.debian.org/debian trixie main" >"$work/sources.list"
  mkdir -p "$work/lists/partial"
  local apt_opts=(-o "Dir::Etc::sourcelist=$work/sources.list" -o "Dir::Etc::sourceparts=-"
    -o "Dir::State::Lists=$work/lists")
  "${sudo_cmd[@]}" apt-get "${apt_opts[@]}" update -q
  (cd "$work" && "${sudo_cmd[@]}" apt-get "${apt_opts[@]}" download prometheus-cpp-dev \
    libprometheus-cpp-core1.0 libprometheus-cpp-pull1.0 libprometheus-cpp-push1.0)
  "${sudo_cmd[@]}" mkdir -p "$deps_record"
  for deb in "$work"/*.deb; do
    "${sudo_cmd[@]}" dpkg -x "$deb" "$deps_prefix"
    pkg="$(dpkg-deb -f "$deb" Package)"
    dpkg-deb -f "$deb" | "${sudo_cmd[@]}" tee "$deps_record/$pkg.control.tmp" >/dev/null
    dpkg-deb --fsys-tarfile "$deb" | tar -t | sed -e 's#^\./#/#' -e '/\/$/d' |
      "${sudo_cmd[@]}" tee "$deps_record/$pkg.list" >/dev/null
    # The control file last: its presence says the package is complete.
    "${sudo_cmd[@]}" mv "$deps_record/$pkg.control.tmp" "$deps_record/$pkg.control"
  done
  "${sudo_cmd[@]}" rm -rf "$work"
}

# A machine that took the fallback earlier moves to Debian's package once its lists offer it.
if [ "${GOV_PROMETHEUS_CPP:-}" != private ] && ! have_debian_prometheus_cpp; then
  apt_update
  policy_out="$(apt-cache policy prometheus-cpp-dev 2>/dev/null || true)"
  if [[ "$policy_out" =~ Candidate:\ [0-9] ]]; then
    echo "bootstrap: installing prometheus-cpp-dev from Debian"
    "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends prometheus-cpp-dev
  else
    echo "bootstrap: Debian's package lists have no candidate for prometheus-cpp-dev"
  fi
fi
if ! have_prometheus_cpp; then
  install_private_prometheus_cpp
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
