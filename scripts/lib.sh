# shellcheck shell=bash
# Helpers shared by the scripts (run.sh, bench.sh). Sourced, never run: it only defines
# functions and sets no shell options.

# True when something accepts connections on 127.0.0.1:$1.
gov_port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Prints a TCP port on 127.0.0.1 that nothing listens on now: from 20000 (above the suite's
# fixed ports) up to the kernel's ephemeral range (ip_local_port_range), so that a port the
# kernel hands to a connection or to a bind to port 0 (the C++ tests' FreePort) is never
# picked; at random, so that parallel runs rarely collide.
gov_free_port() {
  local port tries low=32768
  if [ -r /proc/sys/net/ipv4/ip_local_port_range ]; then
    read -r low _ </proc/sys/net/ipv4/ip_local_port_range || low=32768
  fi
  # An ephemeral range starting below 21000 leaves no room under it: then 20000..60000, as the
  # ports that bind may fail on are then also the kernel's.
  if [ "$low" -le 21000 ]; then low=60000; fi
  for tries in $(seq 1 200); do
    port=$((20000 + (RANDOM * 32768 + RANDOM) % (low - 20000)))
    if ! gov_port_busy "$port"; then
      echo "$port"
      return 0
    fi
  done
  echo "gov_free_port: no free port found after $tries tries" >&2
  return 1
}

# gov_make_dev_tokens TOKENS_JSON PLAIN_TOKENS DAYS
# The local suite's principals (README, "Running the suite"): an administrator, one caller of each
# street role on GS01, a viewer, an auditor, the two feeding platforms and peer-caller, the system
# token the tracks present to each other (gov_peer_token_file).
gov_make_dev_tokens() {
  # principal  roles  streets ("*" = the whole district)
  gov_make_tokens "$1" "$2" "$3" \
    "admin district_admin *" \
    "op-gs01 street_operator GS01" \
    "mediator-gs01 mediator GS01" \
    "inspector-gs01 inspector GS01" \
    "officer-gs01 tripartite_officer GS01" \
    "viewer viewer *" \
    "auditor auditor *" \
    "court-system system *" \
    "police-platform system *" \
    "peer-caller system *"
}

# gov_make_data_keys FILE
# A key ring of one random key for sealing personal data at rest (--data_keys_file, README
# "Personal data"), unless FILE already holds one: a ring must outlive the data it sealed.
# Readable by its owner only.
gov_make_data_keys() {
  local file="$1" key
  [ -s "$file" ] && return 0
  key="$(openssl rand -base64 32)" || return 1
  (
    umask 077
    {
      printf '# Data keys of the local suite: the first seals, every key opens. Keep this file\n'
      printf '# as long as the data under var/ (without it that data cannot be read).\n'
      printf 'local-%s %s\n' "$(date -u +%Y%m%d)" "$key"
    } >"$file.tmp"
  ) && mv "$file.tmp" "$file"
}

# gov_make_tokens TOKENS_JSON PLAIN_TOKENS DAYS SPEC...
# Makes one random token per SPEC ("principal role streets", streets "*" = the whole district),
# valid for DAYS days, and writes TOKENS_JSON (governance.config.v1.TokenFile JSON holding only
# the SHA-256 of each token, as the services read it) and PLAIN_TOKENS (two comment lines, then
# "principal<TAB>roles<TAB>streets<TAB>token" per token, as govctl reads it). Both files are
# readable by their owner only and replaced atomically.
gov_make_tokens() {
  local tokens_json="$1" plain="$2" days="$3"
  shift 3
  local expires principal roles streets token hash sep="" streets_json spec
  expires="$(date -u -d "+$days days" +%Y-%m-%dT%H:%M:%SZ)"
  (
    umask 077
    {
      printf '# Dev tokens of the local suite (expire %s). Columns:\n' "$expires"
      printf '# principal\troles\tstreets\ttoken\n'
    } >"$plain.tmp"
    printf '{\n  "tokens": [' >"$tokens_json.tmp"
    for spec in "$@"; do
      read -r principal roles streets <<<"$spec"
      token="$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
      hash="$(printf '%s' "$token" | sha256sum | cut -d' ' -f1)"
      if [ "$streets" = "*" ]; then streets_json="[]"; else streets_json="[\"$streets\"]"; fi
      printf '%s\n    {"sha256": "%s", "principal": "%s", "roles": ["%s"], "streets": %s, "expires": "%s"}' \
        "$sep" "$hash" "$principal" "$roles" "$streets_json" "$expires" >>"$tokens_json.tmp"
      sep=","
      printf '%s\t%s\t%s\t%s\n' "$principal" "$roles" "$streets" "$token" >>"$plain.tmp"
    done
    printf '\n  ]\n}\n' >>"$tokens_json.tmp"
    mv "$plain.tmp" "$plain"
    mv "$tokens_json.tmp" "$tokens_json"
  )
}

# gov_peer_token_file PLAIN_TOKENS PRINCIPAL FILE
# Writes the token of PRINCIPAL in PLAIN_TOKENS (as gov_make_tokens writes it) as the one line of
# FILE: the bearer token the services present when they call each other (--peer_token_file).
# Readable by its owner only and replaced atomically; fails when PLAIN_TOKENS has no token of
# PRINCIPAL.
gov_peer_token_file() {
  local plain="$1" principal="$2" file="$3" token
  token="$(awk -F'\t' -v p="$principal" '$1 == p { print $4; exit }' "$plain")" || return 1
  if [ -z "$token" ]; then
    echo "gov_peer_token_file: $plain holds no token of $principal" >&2
    return 1
  fi
  (
    umask 077
    printf '%s\n' "$token" >"$file.tmp"
    mv "$file.tmp" "$file"
  )
}

# --- a local PostgreSQL cluster (run.sh --store=postgres, bench.sh) ------------------------------
# PostgreSQL refuses to run as root: as root, its programs run as the system user `postgres`
# (created by Debian's package) through setpriv, which execs in place, so $! is the server.

# Prints Debian's PostgreSQL bin directory (the highest major installed).
gov_pg_bindir() {
  local d
  d="$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin 2>/dev/null | sort -V | tail -n 1)"
  [ -n "$d" ] && [ -x "$d/postgres" ] || {
    echo "PostgreSQL is not installed (run scripts/bootstrap.sh)" >&2
    return 1
  }
  echo "$d"
}

# gov_pg_as CMD...: runs CMD as the cluster's owner.
gov_pg_as() {
  if [ "$(id -u)" -eq 0 ]; then
    setpriv --reuid=postgres --regid=postgres --clear-groups -- "$@"
  else
    "$@"
  fi
}

# gov_pg_init DIR: makes a cluster in DIR/data (once; trust authentication on loopback and the
# socket in DIR). The directory must be reachable by the cluster's owner.
gov_pg_init() {
  local dir="$1" bin
  bin="$(gov_pg_bindir)" || return 1
  [ -f "$dir/data/PG_VERSION" ] && return 0
  mkdir -p "$dir"
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres:postgres "$dir"
    if ! setpriv --reuid=postgres --regid=postgres --clear-groups -- test -w "$dir"; then
      echo "user postgres cannot write $dir (a parent directory is closed to it); choose another directory" >&2
      return 1
    fi
  fi
  gov_pg_as "$bin/initdb" --pgdata="$dir/data" --username=postgres --auth=trust \
    --encoding=UTF8 --no-locale >"$dir/initdb.log" 2>&1 || {
    cat "$dir/initdb.log" >&2
    return 1
  }
}

# gov_pg_start DIR PORT LOG [SETTING...]: starts the server in the background (the caller reads
# its pid from $!) and returns; SETTINGs are extra "name=value" server settings.
gov_pg_start() {
  local dir="$1" port="$2" log="$3" bin
  shift 3
  bin="$(gov_pg_bindir)" || return 1
  local args=(-D "$dir/data" -p "$port" -k "$dir" -c listen_addresses=127.0.0.1
    -c max_connections=300 -c log_min_messages=warning)
  local s
  for s in "$@"; do args+=(-c "$s"); done
  # A simple command (not the gov_pg_as function, which would run in a subshell), so that $!
  # is the postmaster itself: setpriv execs it in place.
  if [ "$(id -u)" -eq 0 ]; then
    setpriv --reuid=postgres --regid=postgres --clear-groups -- \
      "$bin/postgres" "${args[@]}" </dev/null >>"$log" 2>&1 &
  else
    "$bin/postgres" "${args[@]}" </dev/null >>"$log" 2>&1 &
  fi
}

# gov_pg_wait PORT SECONDS: waits until the server accepts connections.
gov_pg_wait() {
  local port="$1" deadline=$((SECONDS + $2)) bin
  bin="$(gov_pg_bindir)" || return 1
  until "$bin/pg_isready" -q -h 127.0.0.1 -p "$port" -U postgres; do
    ((SECONDS < deadline)) || return 1
    sleep 0.1
  done
}

# gov_pg_createdb PORT NAME: creates database NAME unless it exists.
gov_pg_createdb() {
  local port="$1" name="$2"
  if [ "$(psql -h 127.0.0.1 -p "$port" -U postgres -d postgres -tAc \
    "SELECT 1 FROM pg_database WHERE datname = '$name'")" != 1 ]; then
    psql -q -h 127.0.0.1 -p "$port" -U postgres -d postgres -c "CREATE DATABASE \"$name\"" >/dev/null
  fi
}
