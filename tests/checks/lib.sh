# shellcheck shell=bash
# Sourced by every check under tests/checks/ (never run): no check stops without saying why.
#
#   set -Eeuo pipefail
#   . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
#   check_init "k8s"
#
# After check_init, a command whose failure ends the script (set -e, in the script or in one of
# its functions: -E carries the trap into them) is reported on stderr as
#   k8s: stopped at <file>:<line> with status <n>: <command>
# unless the script said why itself through check_fail. Cleanup goes through check_on_exit (the
# EXIT trap is the library's).

# check_init NAME: the name every message of the check starts with.
check_init() {
  _check_name="$1"
  _check_said=0
  _check_cleanups=()
  _check_failed_cmd=""
  trap '_check_record_error "$?" "${BASH_SOURCE[0]:-?}" "$LINENO" "$BASH_COMMAND"' ERR
  trap '_check_on_exit' EXIT
}

# check_fail MESSAGE...: prints "NAME: MESSAGE" on stderr and exits 1.
check_fail() {
  echo "$_check_name: $*" >&2
  _check_said=1
  exit 1
}

# check_said: the script has printed its reason itself and exits non-zero next.
check_said() { _check_said=1; }

# check_on_exit COMMAND: run COMMAND (a string, eval'd) when the script exits, latest first.
check_on_exit() { _check_cleanups=("$1" "${_check_cleanups[@]}"); }

_check_record_error() {
  _check_failed_status="$1"
  _check_failed_cmd="$4"
  _check_failed_where="$2:$3"
}

_check_on_exit() {
  local status=$? c
  trap - ERR
  for c in "${_check_cleanups[@]}"; do eval "$c" || true; done
  if [ "$status" -ne 0 ] && [ "$_check_said" = 0 ]; then
    if [ -n "$_check_failed_cmd" ]; then
      echo "$_check_name: stopped at $_check_failed_where with status $_check_failed_status: $_check_failed_cmd" >&2
    else
      echo "$_check_name: stopped with status $status" >&2
    fi
  fi
  exit "$status"
}
