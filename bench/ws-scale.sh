#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# ws-scale.sh: one driftkoll-server instance (SQLite, demo data, 127.0.0.1, a free port)
# and thousands of desktops holding their events WebSocket (issue 15), with bench/ws-load:
#
#   1. SIZES (2000 10000) sockets opened within SPREAD (20) s, then 10 publishes a second
#      apart: connected %, time to open, p50/p99 latency of a publish, missed;
#   2. 10,000 sockets and 100 publishes a minute for a minute;
#   3. the reconnect storm: 10,000 sockets, the server stopped (SIGTERM) and started again
#      on its port; every socket reconnects within 5 s (jitter): time until all are back;
#
# each RUNS (3) times on a fresh server, printing every run and the medians, with the
# server's CPU seconds and its RSS growth per 1,000 sockets from /proc and the load
# (uptime) at the start of each run. Loopback only; every wait is bounded.
#
#   bench/ws-scale.sh   (BUILD_DIR=build RUNS=3 SIZES="2000 10000" PROCS=2 SKIP=storm,rate)
set -euo pipefail

# shellcheck source=bench/common.sh
source "$(dirname "$0")/common.sh"

LOAD=${WS_LOAD:-$BUILD_DIR/bench/ws-load}
RUNS=${RUNS:-3}
SIZES=${SIZES:-2000 10000}
SPREAD=${SPREAD:-20}
SKIP=${SKIP:-}
BIG=${BIG:-10000}
# Client processes: desktops are separate machines, one client process reading 10,000
# sockets on a shared 2-core machine measures itself as much as the server.
PROCS=${PROCS:-2}

if [ ! -x "$LOAD" ]; then
  echo "no ws-load at $LOAD: ninja -C build bench/ws-load" >&2
  exit 1
fi

DB="$WORKDIR/ws.db"
"$SERVER" init --db "$DB" --demo >/dev/null
CLK_TCK=$(getconf CLK_TCK)

# serve_on PORT: serves $DB on 127.0.0.1:PORT (0: a free one); sets SERVER_PID and PORT.
serve_on () {
  local out="$WORKDIR/server.$RANDOM.out" line="" i
  start_bg "$out" "$SERVER" serve --db "$DB" --listen "127.0.0.1:$1"
  SERVER_PID=$BG_PID
  for ((i = 0; i < 300; i++)); do
    line=$(head -n 1 "$out" 2>/dev/null || true)
    case $line in "listening on http://"*/) break ;; esac
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
      echo "driftkoll-server exited before listening:" >&2
      cat "$out.err" >&2
      exit 1
    fi
    sleep 0.1
  done
  PORT=${line##*:}
  PORT=${PORT%/}
}

# cpu_seconds PID: user + system CPU seconds so far.
cpu_seconds () {
  awk -v tck="$CLK_TCK" '{ sub(/^.*\) /, ""); printf "%.2f\n", ($12 + $13) / tck }' \
    "/proc/$1/stat"
}

rss_kb () {
  awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"
}

# wait_line FILE PATTERN SECONDS: waits until FILE has a line matching PATTERN.
wait_line () {
  local i
  for ((i = 0; i < $3 * 10; i++)); do
    if grep -q "$2" "$1" 2>/dev/null; then
      return 0
    fi
    sleep 0.1
  done
  echo "no '$2' in $1 after $3 s" >&2
  cat "$1" >&2
  return 1
}

field () {   # field FILE WORD: the value after WORD on the first line that has it
  awk -v w="$2" '{ for (i = 1; i < NF; i++) if ($i == w) { print $(i + 1); exit } }' "$1"
}

load1 () {
  awk '{ print $1 }' /proc/loadavg
}

# one_run N PUBLISHES INTERVAL_MS: a fresh server, N sockets, the publishes; appends a
# result line to $RESULTS.
one_run () {
  local n=$1 publishes=$2 interval=$3 out="$WORKDIR/load.$RANDOM" load
  local rss0 rss1 cpu0 cpu_open cpu_end connected
  load=$(load1)
  serve_on 0
  rss0=$(rss_kb "$SERVER_PID")
  cpu0=$(cpu_seconds "$SERVER_PID")
  "$LOAD" --port "$PORT" --sockets "$n" --spread "$SPREAD" --publishes "$publishes" \
    --interval "$interval" --timeout 10 --procs "$PROCS" >"$out" 2>&1 &
  local load_pid=$!
  wait_line "$out" '^connected' $((SPREAD + 60))
  rss1=$(rss_kb "$SERVER_PID")
  cpu_open=$(cpu_seconds "$SERVER_PID")
  wait "$load_pid"
  cpu_end=$(cpu_seconds "$SERVER_PID")
  connected=$(field "$out" connected)
  stop_bg "$SERVER_PID"
  awk -v n="$n" -v c="$connected" -v open="$(field "$out" open_time)" \
      -v p50="$(field "$out" p50)" -v p99="$(field "$out" p99)" -v max="$(field "$out" max)" \
      -v missed="$(field "$out" missed)" -v load="$load" \
      -v cpuo="$(awk -v a="$cpu0" -v b="$cpu_open" 'BEGIN { print b - a }')" \
      -v cpup="$(awk -v a="$cpu_open" -v b="$cpu_end" 'BEGIN { print b - a }')" \
      -v rss="$(awk -v a="$rss0" -v b="$rss1" -v n="$n" 'BEGIN { printf "%.0f", (b - a) / (n / 1000) }')" \
      -v rsst="$rss1" \
      -v postp50="$(awk '/^post_ms/ { print $3 }' "$out")" \
      -v postmax="$(awk '/^post_ms/ { print $7 }' "$out")" \
      'BEGIN { printf "%d %.2f %.2f %s %s %s %s %.2f %.2f %s %s %s %s %s\n", n, 100 * c / n, open, p50, p99, max, missed, cpuo, cpup, rss, rsst, load, postp50, postmax }' \
      >>"$RESULTS"
  tail -n 1 "$RESULTS" | awk '{ printf "  run: connected %s %% open %s s p50 %s ms p99 %s ms max %s ms missed %s | POST p50 %s ms max %s ms | server CPU open %s s, publishes %s s | RSS +%s KiB/1000 sockets (%s KiB) | load %s\n", $2, $3, $4, $5, $6, $7, $13, $14, $8, $9, $10, $11, $12 }'
}

# medians of the columns of $RESULTS
print_medians () {
  local label=$1 col
  local -a names=(n connected_pct open_s p50_ms p99_ms max_ms missed cpu_open_s cpu_publish_s rss_kib_per_1000 rss_kib load post_p50_ms post_max_ms)
  printf '%s (median of %s):' "$label" "$(wc -l <"$RESULTS")"
  for col in 2 3 4 5 6 7 8 9 10 11 12 13 14; do
    # shellcheck disable=SC2046
    printf ' %s=%s' "${names[$((col - 1))]}" "$(median $(awk -v c="$col" '{ print $c }' "$RESULTS"))"
  done
  printf '\n'
}

echo "ws-scale: $(nproc) cores, $PROCS client processes, $(uptime)"

for n in $SIZES; do
  RESULTS="$WORKDIR/results.$n"
  : >"$RESULTS"
  echo "== $n sockets within $SPREAD s, 10 publishes 1 s apart"
  for ((r = 0; r < RUNS; r++)); do
    one_run "$n" 10 1000
  done
  print_medians "$n sockets" | tee -a "$WORKDIR/summary"
done

if [[ $SKIP != *rate* ]]; then
  RESULTS="$WORKDIR/results.rate"
  : >"$RESULTS"
  echo "== $BIG sockets, 100 publishes a minute for a minute"
  for ((r = 0; r < RUNS; r++)); do
    one_run "$BIG" 100 600
  done
  print_medians "$BIG sockets, 100 publishes/min" | tee -a "$WORKDIR/summary"
fi

if [[ $SKIP != *storm* ]]; then
  RESULTS="$WORKDIR/results.storm"
  : >"$RESULTS"
  echo "== reconnect storm: $BIG sockets, the server restarted on its port"
  for ((r = 0; r < RUNS; r++)); do
    out="$WORKDIR/storm.$r"
    load=$(load1)
    serve_on 0
    port=$PORT
    "$LOAD" --port "$port" --sockets "$BIG" --spread "$SPREAD" --publishes 0 \
      --reconnect-storm --storm-jitter 5 --procs "$PROCS" >"$out" 2>&1 &
    load_pid=$!
    wait_line "$out" '^ready' $((SPREAD + 60))
    stop_bg "$SERVER_PID"
    serve_on "$port"
    if [ "$PORT" != "$port" ]; then
      echo "the server came back on $PORT, not $port" >&2
      exit 1
    fi
    cpu0=$(cpu_seconds "$SERVER_PID")
    wait "$load_pid"
    cpu1=$(cpu_seconds "$SERVER_PID")
    alive=no
    if kill -0 "$SERVER_PID" 2>/dev/null; then alive=yes; fi
    rss=$(rss_kb "$SERVER_PID")
    stop_bg "$SERVER_PID"
    line=$(grep '^storm:' "$out")
    back=$(echo "$line" | awk '{ print $5 }')
    secs=$(echo "$line" | awk '{ print $10 }')
    echo "$back $secs $(awk -v a="$cpu0" -v b="$cpu1" 'BEGIN { print b - a }') $rss $load" >>"$RESULTS"
    echo "  run: $line | server alive $alive, CPU $(tail -n 1 "$RESULTS" | awk '{ print $3 }') s, RSS $rss KiB | load $load"
  done
  printf 'storm (median of %s): back=%s all_back_s=%s cpu_s=%s rss_kib=%s load=%s\n' "$RUNS" \
    "$(median $(awk '{ print $1 }' "$RESULTS"))" "$(median $(awk '{ print $2 }' "$RESULTS"))" \
    "$(median $(awk '{ print $3 }' "$RESULTS"))" "$(median $(awk '{ print $4 }' "$RESULTS"))" \
    "$(median $(awk '{ print $5 }' "$RESULTS"))" | tee -a "$WORKDIR/summary"
fi

echo "== summary"
cat "$WORKDIR/summary"
