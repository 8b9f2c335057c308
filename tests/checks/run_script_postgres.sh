#!/usr/bin/env bash
# scripts/run.sh with its PostgreSQL switch: GOV_STORE=postgres and two replicas of every track
# on the suite's own local PostgreSQL (see run_script.sh for what is checked).
# Args: source dir, build dir.
set -euo pipefail
RUN_SCRIPT_STORE=postgres RUN_SCRIPT_REPLICAS=2 exec bash "$(dirname "$0")/run_script.sh" "$@"
