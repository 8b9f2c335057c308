#!/usr/bin/env bash
# buf lint on the shared schema (STANDARD + COMMENTS rules; see protos/buf.yaml).
set -Eeuo pipefail
# shellcheck source=tests/checks/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
check_init "buf lint"
src="$1"
buf="$src/node_modules/.bin/buf"
if [ ! -x "$buf" ]; then
  check_fail "buf is not installed: run scripts/bootstrap.sh (npm ci)"
fi
cd "$src/protos"
"$buf" lint || check_fail "problems above (rules: protos/buf.yaml)"
echo "buf lint: ok"
