#!/usr/bin/env bash
# bench/snapshot-crowd.sh: 200 first syncs at once against one driftkoll-server, from
# the snapshot and by paging from 0, in the same run: total wall time, the server's CPU
# seconds (utime + stime, /proc/PID/stat) and its peak RSS (VmHWM). A fresh server for
# every run of every mode, so each peak is that run's own.
#
#   CLIENT=load (default): bench/crowd.py, one thread a client, bytes thrown away (the
#     server's side alone; one login shared by all)
#   CLIENT=cli: CLIENTS driftkoll-cli processes, each with a copy of one logged-in data
#     dir (the whole first sync, replica included; on 2 cores this is mostly the clients)
#
# Knobs: N=20000 CLIENTS=200 RUNS=3 MODES="snapshot paging" CLIENT=load SEED=1 CASES=FILE
#   BUILD_DIR=build KEEP=1
set -euo pipefail

# shellcheck source=bench/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

N=${N:-20000}
CLIENTS=${CLIENTS:-200}
RUNS=${RUNS:-3}
MODES=${MODES:-snapshot paging}
CLIENT=${CLIENT:-load}
SEED=${SEED:-1}
CASES=${CASES:-}
CLI=${DRIFTKOLL_CLI:-$BUILD_DIR/src/cli/driftkoll-cli}
PASSWORD="bench-$RANDOM-$RANDOM"
export DRIFTKOLL_TOKEN_STORAGE=file

if [ -z "$CASES" ]; then
  CASES="$WORKDIR/cases.jsonl"
  echo "generating $N cases (seed $SEED)..."
  python3 "$SHARED/bench/gen-cases.py" "$N" "$CASES" --seed "$SEED"
fi

db="$WORKDIR/driftkoll.db"
"$SERVER" init --db "$db" >/dev/null
printf '%s\n' "$PASSWORD" | "$SERVER" user add --db "$db" bench --password-stdin >/dev/null
"$SERVER" import-cases --db "$db" "$CASES"
t0=$(now)
"$SERVER" snapshot --db "$db" >/dev/null
echo "snapshots built in $(elapsed "$t0" "$(now)") s"

cpu_of () {  # cpu_of PID: utime + stime in seconds
  awk -v hz="$(getconf CLK_TCK)" '{ sub(/.*\) /, ""); print ($12 + $13) / hz }' "/proc/$1/stat"
}

hwm_of () {  # hwm_of PID: VmHWM in MB
  awk '/^VmHWM:/ { printf "%.1f\n", $2 / 1024 }' "/proc/$1/status"
}

# One logged-in data dir with an empty replica, copied for every cli client.
template="$WORKDIR/template"
login_template () {
  rm -rf "$template"
  printf '%s\n' "$PASSWORD" | "$CLI" --server "$URL/" --data-dir "$template" login bench >/dev/null
}

crowd_cli () {  # crowd_cli MODE: prints the same JSON as crowd.py
  local mode=$1 i args=() t_start cpu0 failed=0 pids=()
  [ "$mode" = paging ] && args=(--no-snapshot)
  for ((i = 0; i < CLIENTS; i++)); do
    rm -rf "$WORKDIR/c.$i" && cp -a "$template" "$WORKDIR/c.$i"
  done
  cpu0=$(cpu_of "$SERVER_PID")
  t_start=$(now)
  for ((i = 0; i < CLIENTS; i++)); do
    "$CLI" --data-dir "$WORKDIR/c.$i" sync "${args[@]}" >/dev/null 2>"$WORKDIR/c.$i.err" &
    pids+=($!)
  done
  for pid in "${pids[@]}"; do
    wait "$pid" || failed=$((failed + 1))
  done
  printf '{"mode": "%s", "clients": %d, "failed": %d, "wall_seconds": %s, "server_cpu_seconds": %s, "server_peak_rss_mb": %s}\n' \
    "$mode" "$CLIENTS" "$failed" "$(elapsed "$t_start" "$(now)")" \
    "$(awk -v a="$cpu0" -v b="$(cpu_of "$SERVER_PID")" 'BEGIN { printf "%.2f", b - a }')" \
    "$(hwm_of "$SERVER_PID")"
  for ((i = 0; i < CLIENTS; i++)); do rm -rf "$WORKDIR/c.$i" "$WORKDIR/c.$i.err"; done
}

: >"$WORKDIR/results.jsonl"
for ((run = 1; run <= RUNS; run++)); do
  for mode in $MODES; do
    start_server "$db"
    if [ "$CLIENT" = cli ]; then
      login_template
      line=$(crowd_cli "$mode")
    else
      token=$(curl -sS --fail -H 'Content-Type: application/json' \
        -d "{\"username\": \"bench\", \"password\": \"$PASSWORD\"}" \
        "$URL/api/v1/session" | python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])')
      line=$(python3 "$REPO/bench/crowd.py" "$URL/" --clients "$CLIENTS" --mode "$mode" \
               --token "$token" --server-pid "$SERVER_PID") || true
    fi
    stop_bg "$SERVER_PID"
    echo "run $run $mode: $line"
    echo "$line" >>"$WORKDIR/results.jsonl"
  done
done

python3 - "$WORKDIR/results.jsonl" <<'EOF'
import json, statistics, sys
rows = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
for mode in dict.fromkeys(r["mode"] for r in rows):
    mine = [r for r in rows if r["mode"] == mode]
    med = lambda k: statistics.median(r[k] for r in mine)
    print(f"{mode}: median of {len(mine)}: {med('wall_seconds'):.2f} s wall, "
          f"server CPU {med('server_cpu_seconds'):.1f} s, server peak RSS "
          f"{med('server_peak_rss_mb'):.0f} MB; failed clients {sum(r['failed'] for r in mine)}")
EOF
