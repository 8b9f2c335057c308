# shellcheck shell=bash
# Helpers shared by the scripts (run.sh, bench.sh). Sourced, never run: it only defines
# functions and sets no shell options.

# True when something accepts connections on 127.0.0.1:$1.
gov_port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Prints a TCP port on 127.0.0.1 that nothing listens on now (from the range above the suite's
# fixed ports, picked at random so that parallel runs rarely collide).
gov_free_port() {
  local port tries
  for tries in $(seq 1 200); do
    port=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
    if ! gov_port_busy "$port"; then
      echo "$port"
      return 0
    fi
  done
  echo "gov_free_port: no free port found after $tries tries" >&2
  return 1
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
