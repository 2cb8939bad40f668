#!/usr/bin/env bash
# bench/app-start.sh: time from starting driftkoll to its first populated list, to its
# window shown and responsive, and its peak RSS, over an existing data dir (a replica of
# 100,000 cases: see bench/README.md).
#
#   bash bench/app-start.sh DATA_DIR [RUNS]
#
# Runs the app RUNS times (default 7) in one Xvfb and D-Bus session. Each run notes when
# the list asked for its first rows ("Read chunk 0", G_MESSAGES_DEBUG=dk-case-list-model),
# then waits until the window drew its first frame ("Drew the first frame", dk-window: its
# lists are laid out) and answers on D-Bus from its main loop (org.gtk.Actions.List), and
# stops the clock there, then stops the app; prints each run and the medians. A run whose
# window is not shown and responsive within TIMEOUT seconds (default 300) fails the bench:
# reading the first rows alone once hid a window that stayed blank for minutes. The app
# cannot reach a server here (no --server that answers): it starts offline, from the
# replica, as it must.
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
shown=()
peaks=()
now_ms() { echo $(($(date +%s%N) / 1000000)); }
for ((run = 1; run <= RUNS; run++)); do
  log=$(mktemp)
  start=$(now_ms)
  G_MESSAGES_DEBUG="dk-case-list-model dk-window" GSETTINGS_BACKEND=memory \
    GSETTINGS_SCHEMA_DIR="$SCHEMAS" \
    /usr/bin/time -f "peak %M" "$APP" --server http://127.0.0.1:9/ --data-dir "$DATA_DIR" \
    >"$log" 2>&1 &
  pid=$!
  chunk=
  until [ -n "$chunk" ] && grep -q "Drew the first frame" "$log" &&
    gdbus call --session --timeout 1 --dest "$APP_ID" --object-path "$APP_PATH" \
      --method org.gtk.Actions.List >/dev/null 2>&1; do
    if [ -z "$chunk" ] && grep -q "Read chunk 0" "$log"; then chunk=$(now_ms); fi
    if ! kill -0 "$pid" 2>/dev/null; then cat "$log" >&2; exit 1; fi
    if (($(now_ms) - start > TIMEOUT * 1000)); then
      echo "run $run: no window shown and responsive within $TIMEOUT s"
      pkill -TERM -P "$pid" || true
      exit 1
    fi
    sleep 0.005
  done
  end=$(now_ms)
  pkill -TERM -P "$pid" || true
  wait "$pid" || true
  peak=$(sed -n 's/^peak //p' "$log")
  ms+=($((chunk - start)))
  shown+=($((end - start)))
  peaks+=($((peak / 1024)))
  echo "run $run: first populated list after ${ms[-1]} ms, window shown and responsive" \
    "after ${shown[-1]} ms, peak RSS ${peaks[-1]} MB"
  rm -f "$log"
done
median() { printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
echo "median of $RUNS: first populated list $(median "${ms[@]}") ms," \
  "window shown and responsive $(median "${shown[@]}") ms, peak RSS $(median "${peaks[@]}") MB"
INNER
RUNS=$RUNS APP=$APP SCHEMAS=$SCHEMAS DATA_DIR=$DATA_DIR TIMEOUT=${TIMEOUT:-300} \
  APP_ID=io.github.driftkoll.Driftkoll APP_PATH=/io/github/driftkoll/Driftkoll \
  xvfb-run -a -s "-screen 0 1280x800x24" dbus-run-session -- bash "$inner" 2>/dev/null |
  grep -v '^$'
