#!/usr/bin/env bash
# buf lint on the shared schema (STANDARD + COMMENTS rules; see protos/buf.yaml).
set -euo pipefail
src="$1"
buf="$src/node_modules/.bin/buf"
if [ ! -x "$buf" ]; then
  echo "buf is not installed: run scripts/bootstrap.sh (npm ci)" >&2
  exit 1
fi
cd "$src/protos"
"$buf" lint
echo "buf lint: ok"
