#!/usr/bin/env bash
# bench/app-start.sh: time from starting driftkoll to its first populated list, and its
# peak RSS, over an existing data dir (a replica of 100,000 cases: see bench/README.md).
#
#   bash bench/app-start.sh DATA_DIR [RUNS]
#
# Runs the app RUNS times (default 7) in one Xvfb and D-Bus session, each until the list
# asked for its first rows ("Read chunk 0", G_MESSAGES_DEBUG=dk-case-list-model), then
# stops it; prints each run and the medians. The app cannot reach a server here (no
# --server that answers): it starts offline, from the replica, as it must.
set -euo pipefail

DATA_DIR=${1:?usage: app-start.sh DATA_DIR [RUNS]}
RUNS=${2:-7}
BUILD_DIR=${BUILD_DIR:-build}
APP=$(realpath "${DRIFTKOLL_APP:-$BUILD_DIR/src/app/driftkoll}")
SCHEMAS=$(realpath "$BUILD_DIR/data")
DATA_DIR=$(realpath "$DATA_DIR")

inner=$(mktemp)
trap 'rm -f "$inner"' EXIT
cat >"$inner" <<'INNER'
set -euo pipefail
ms=()
peaks=()
for ((run = 1; run <= RUNS; run++)); do
  log=$(mktemp)
  start=$(date +%s%N)
  G_MESSAGES_DEBUG=dk-case-list-model GSETTINGS_BACKEND=memory GSETTINGS_SCHEMA_DIR="$SCHEMAS" \
    /usr/bin/time -f "peak %M" "$APP" --server http://127.0.0.1:9/ --data-dir "$DATA_DIR" \
    >"$log" 2>&1 &
  pid=$!
  until grep -q "Read chunk 0" "$log"; do
    if ! kill -0 "$pid" 2>/dev/null; then cat "$log" >&2; exit 1; fi
    sleep 0.005
  done
  end=$(date +%s%N)
  pkill -TERM -P "$pid" || true
  wait "$pid" || true
  peak=$(sed -n 's/^peak //p' "$log")
  ms+=($(( (end - start) / 1000000 )))
  peaks+=($(( peak / 1024 )))
  echo "run $run: first populated list after ${ms[-1]} ms, peak RSS ${peaks[-1]} MB"
  rm -f "$log"
done
median() { printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
echo "median of $RUNS: first populated list $(median "${ms[@]}") ms, peak RSS $(median "${peaks[@]}") MB"
INNER
RUNS=$RUNS APP=$APP SCHEMAS=$SCHEMAS DATA_DIR=$DATA_DIR \
  xvfb-run -a -s "-screen 0 1280x800x24" dbus-run-session -- bash "$inner" 2>/dev/null |
  grep -v '^$'
