#!/usr/bin/env bash
# bench/snapshot-build.sh: how long `driftkoll-server snapshot` takes to build both
# classes' snapshots of N generated cases (default 100,000), RUNS times into a fresh
# folder each, with its peak RSS; and each class's size on disk (.db) and on the wire
# (.db.zst), from the manifests the build writes.
#
# Knobs: N=100000 RUNS=3 SEED=1 CASES=FILE BUILD_DIR=build KEEP=1
set -euo pipefail

# shellcheck source=bench/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

N=${N:-100000}
RUNS=${RUNS:-3}
SEED=${SEED:-1}
CASES=${CASES:-}

if [ -z "$CASES" ]; then
  CASES="$WORKDIR/cases.jsonl"
  echo "generating $N cases (seed $SEED)..."
  python3 "$SHARED/bench/gen-cases.py" "$N" "$CASES" --seed "$SEED"
fi

db="$WORKDIR/driftkoll.db"
"$SERVER" init --db "$db" >/dev/null
"$SERVER" import-cases --db "$db" "$CASES"
echo "server database: $(du -m "$db" | cut -f1) MB"

seconds=()
peaks=()
for ((run = 1; run <= RUNS; run++)); do
  dir="$WORKDIR/snapshots.$run"
  /usr/bin/time -v "$SERVER" snapshot --db "$db" --dir "$dir" >/dev/null 2>"$WORKDIR/time.$run"
  wall=$(sed -n 's/^\tElapsed (wall clock) time (h:mm:ss or m:ss): //p' "$WORKDIR/time.$run" |
         awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; print s }')
  peak=$(sed -n 's/^\tMaximum resident set size (kbytes): //p' "$WORKDIR/time.$run")
  seconds+=("$wall")
  peaks+=("$peak")
  printf 'build run %d: %s s, peak RSS %d MB\n' "$run" "$wall" $((peak / 1024))
  for manifest in "$dir"/*.json; do
    python3 -c '
import json, sys
m = json.load(open(sys.argv[1]))
print("  %-9s seq %d, %d rows: .db %.1f MB, .db.zst %.1f MB (%.1f%%)" % (
    m["class"], m["seq"], m.get("rows", -1), m["size"] / 1e6, m["zst_size"] / 1e6,
    100.0 * m["zst_size"] / m["size"]))' "$manifest"
  done
  [ "${KEEP:-0}" = 1 ] || [ "$run" -eq "$RUNS" ] || rm -rf "$dir"
done

peak_median=$(median "${peaks[@]}")
printf 'snapshot build of %d cases (both classes), median of %d: %s s, peak RSS %d MB\n' \
  "$N" "$RUNS" "$(median "${seconds[@]}")" $((${peak_median%.*} / 1024))
