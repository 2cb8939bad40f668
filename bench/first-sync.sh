#!/usr/bin/env bash
# bench/first-sync.sh: a first `driftkoll-cli sync` of N generated cases (default 100,000)
# into an empty on-disk replica, RUNS times (fresh data dir each), with wall time and the
# client's peak RSS (/usr/bin/time -v); then, unless PEER=0, PouchDB replicating the same
# file in the same run (shared/bench/pouchdb-peer/run.sh), and the ratio of the medians.
#
# Before the sync, bench-apply times the replica's side alone on the same file (APPLY=0
# skips it).
#
# Knobs: N=100000 RUNS=3 SEED=1 CASES=FILE PEER=1 APPLY=1 BUILD_DIR=build KEEP=1 (keeps the
# folder and every replica.RUN/replica.db in it)
set -euo pipefail

# shellcheck source=bench/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

N=${N:-100000}
RUNS=${RUNS:-3}
SEED=${SEED:-1}
CASES=${CASES:-}
PEER=${PEER:-1}
CLI=${DRIFTKOLL_CLI:-$BUILD_DIR/src/cli/driftkoll-cli}
PASSWORD="bench-$RANDOM-$RANDOM"
# Never touch a keyring: the session goes to a 0600 file in the throwaway data dir.
export DRIFTKOLL_TOKEN_STORAGE=file

if [ -z "$CASES" ]; then
  CASES="$WORKDIR/cases.jsonl"
  echo "generating $N cases (seed $SEED)..."
  python3 "$SHARED/bench/gen-cases.py" "$N" "$CASES" --seed "$SEED"
fi

# The replica's side alone (parse and apply, no server, no network), on the same file.
if [ "${APPLY:-1}" = 1 ]; then
  echo "bench-apply: $("${BENCH_APPLY:-$BUILD_DIR/bench/bench-apply}" "$CASES")"
fi

db="$WORKDIR/driftkoll.db"
"$SERVER" init --db "$db" >/dev/null
printf '%s\n' "$PASSWORD" | "$SERVER" user add --db "$db" bench --password-stdin >/dev/null
"$SERVER" import-cases --db "$db" "$CASES"
start_server "$db"

seconds=()
peaks=()
for ((run = 1; run <= RUNS; run++)); do
  data="$WORKDIR/replica.$run"
  printf '%s\n' "$PASSWORD" | "$CLI" --server "$URL/" --data-dir "$data" login bench >/dev/null
  /usr/bin/time -v "$CLI" --data-dir "$data" sync >/dev/null 2>"$WORKDIR/time.$run"
  wall=$(sed -n 's/^\tElapsed (wall clock) time (h:mm:ss or m:ss): //p' "$WORKDIR/time.$run" |
         awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; print s }')
  peak=$(sed -n 's/^\tMaximum resident set size (kbytes): //p' "$WORKDIR/time.$run")
  seconds+=("$wall")
  peaks+=("$peak")
  printf 'driftkoll run %d: %s s, peak RSS %d MB, replica %s MB\n' "$run" "$wall" \
    $((peak / 1024)) "$(du -m "$data/replica.db" | cut -f1)"
  # KEEP=1 keeps the replicas too (for bench-search); otherwise only one exists at a time.
  [ "${KEEP:-0}" = 1 ] || rm -rf "$data"
done
stop_bg "$SERVER_PID"

sync_median=$(median "${seconds[@]}")
peak_median=$(median "${peaks[@]}")
printf 'driftkoll first sync, median of %d: %s s, peak RSS %d MB\n' "$RUNS" "$sync_median" \
  $((${peak_median%.*} / 1024))

[ "$PEER" = 1 ] || exit 0

# PouchDB needs its node_modules and writes beside its scripts: work on a copy.
peer="$WORKDIR/peer"
mkdir -p "$peer"
cp -r "$SHARED/bench/pouchdb-peer" "$peer/" && cp "$SHARED/bench/gen-cases.py" "$peer/"
chmod -R u+w "$peer"
(cd "$peer/pouchdb-peer" && RUNS=$RUNS BATCH_SIZES=500 SEED=$SEED ./run.sh "$N") | tee "$WORKDIR/peer.log"
peer_median=$(sed -n 's/^run [0-9]*: .*"seconds": *\([0-9.]*\).*/\1/p' "$WORKDIR/peer.log" | sort -n |
              awk '{ a[NR] = $1 } END { if (NR) print a[int((NR + 1) / 2)] }')
peer_rss=$(sed -n 's/^run [0-9]*: .*"max_rss_kb": *\([0-9]*\).*/\1/p' "$WORKDIR/peer.log" | sort -n |
           awk '{ a[NR] = $1 } END { if (NR) print a[int((NR + 1) / 2)] }')
if [ -n "$peer_median" ]; then
  awk -v d="$sync_median" -v p="$peer_median" -v dr="$peak_median" -v pr="${peer_rss:-0}" \
    'BEGIN { printf "PouchDB median %.2f s, peak RSS %d MB; driftkoll %.2f s, peak RSS %d MB: " \
                    "%.1fx faster\n", p, pr / 1024, d, dr / 1024, p / d }'
fi
