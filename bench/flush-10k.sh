#!/usr/bin/env bash
# bench/flush-10k.sh: N changes (default 10,000) made offline, then one timed
# `driftkoll-cli sync` that sends them all to a real server, RUNS times (a fresh server
# database and data dir each run); prints each run, the median and whether every change
# was answered as applied.
#
# Knobs: N=10000 RUNS=3 BUILD_DIR=build KEEP=1
set -euo pipefail

# shellcheck source=bench/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

N=${N:-10000}
RUNS=${RUNS:-3}
CLI=${DRIFTKOLL_CLI:-$BUILD_DIR/src/cli/driftkoll-cli}
ENQUEUE=${DRIFTKOLL_BENCH_ENQUEUE:-$BUILD_DIR/bench/bench-enqueue}
# Never touch a keyring: the session goes to a 0600 file in the throwaway data dir.
export DRIFTKOLL_TOKEN_STORAGE=file

# status_field DATA FIELD: a member of `status --json` (a list: its length).
status_field () {
  "$CLI" --data-dir "$1" status --json |
    python3 -c 'import json, sys; v = json.load(sys.stdin)[sys.argv[1]]; print(len(v) if isinstance(v, list) else v)' "$2"
}

seconds=()
for ((run = 1; run <= RUNS; run++)); do
  db="$WORKDIR/driftkoll.$run.db"
  data="$WORKDIR/data.$run"
  "$SERVER" init --db "$db" --demo >/dev/null
  start_server "$db"
  # The demo's servicedesk user may publish; its password is "demo".
  printf 'demo\n' | "$CLI" --server "$URL/" --data-dir "$data" login servicedesk >/dev/null
  "$CLI" --data-dir "$data" sync >/dev/null
  # Offline: the server is stopped while the changes are made.
  stop_bg "$SERVER_PID"
  "$ENQUEUE" "$data/replica.db" servicedesk "$N"
  start_server "$db"
  "$CLI" --data-dir "$data" --server "$URL/" status >/dev/null

  t0=$(now)
  "$CLI" --data-dir "$data" sync >/dev/null
  t1=$(now)
  s=$(elapsed "$t0" "$t1")
  seconds+=("$s")
  outbox=$(status_field "$data" outbox)
  rejected=$(status_field "$data" rejected)
  printf 'run %d: %s s for %d changes (%.0f/s), outbox after: %s, rejected: %s\n' "$run" "$s" \
    "$N" "$(awk -v n="$N" -v s="$s" 'BEGIN { print n / s }')" "$outbox" "$rejected"
  stop_bg "$SERVER_PID"
done

printf 'flush of %d queued changes, median of %d: %s s\n' "$N" "$RUNS" "$(median "${seconds[@]}")"
