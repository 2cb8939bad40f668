#!/usr/bin/env bash
# bench/first-sync.sh: a first `driftkoll-cli sync` of N generated cases (default 100,000)
# into an empty on-disk replica, RUNS times (fresh data dir each), with wall time and the
# client's peak RSS (/usr/bin/time -v); then, unless PEER=0, PouchDB replicating the same
# file in the same run (shared/bench/pouchdb-peer/run.sh), and the ratio of the medians.
#
# SNAPSHOT=1 (the default) builds the server's snapshots first (`driftkoll-server snapshot
# --db`), printing the build time and the staff snapshot's size on disk and on the wire,
# and the first sync starts from it; SNAPSHOT=0 pages from 0 (`sync --no-snapshot`).
# After every sync `driftkoll-cli search` must find words of the generated cases.
#
# Before the sync, bench-apply times the replica's side alone on the same file (APPLY=0
# skips it; SNAPSHOT=1 skips it unless APPLY=1 is given).
#
# BACKEND=postgresql serves the same cases from PostgreSQL instead of a SQLite file: a
# private cluster (tests/pg-cluster.sh) in the work folder, the cases imported with
# `driftkoll-server import-cases --db URL`, the snapshots (SNAPSHOT=1) built into and
# served from their own folder (--dir / --snapshot-dir: a PostgreSQL server has no file
# to put them beside). PG_LOAD=migrate loads PostgreSQL by importing into a SQLite file and
# moving it with `driftkoll-server migrate` (timed) instead: seconds, not minutes.
#
# Knobs: N=100000 RUNS=3 SEED=1 CASES=FILE PEER=1 SNAPSHOT=1 APPLY=1 BACKEND=sqlite
# PG_LOAD=import-cases BUILD_DIR=build KEEP=1 (keeps the folder and every replica.RUN/replica.db in it)
set -euo pipefail

# shellcheck source=bench/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

N=${N:-100000}
RUNS=${RUNS:-3}
SEED=${SEED:-1}
CASES=${CASES:-}
PEER=${PEER:-1}
SNAPSHOT=${SNAPSHOT:-1}
BACKEND=${BACKEND:-sqlite}
PG_LOAD=${PG_LOAD:-import-cases}
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
if [ "${APPLY:-$((1 - SNAPSHOT))}" = 1 ]; then
  echo "bench-apply: $("${BENCH_APPLY:-$BUILD_DIR/bench/bench-apply}" "$CASES")"
fi

snapshot_dir=
case $BACKEND in
  sqlite)
    db="$WORKDIR/driftkoll.db"
    ;;
  postgresql)
    pg_dir="$WORKDIR/pg"
    # The cluster is stopped before common.sh's cleanup removes the folder.
    trap 'sh "$REPO/tests/pg-cluster.sh" stop "$pg_dir" 2>/dev/null || true; cleanup' EXIT
    chmod 755 "$WORKDIR"   # the user postgres runs the cluster inside it
    db=$(sh "$REPO/tests/pg-cluster.sh" start "$pg_dir")
    snapshot_dir="$WORKDIR/snapshots"
    ;;
  *)
    echo "BACKEND is sqlite or postgresql, not $BACKEND" >&2
    exit 2
    ;;
esac
echo "backend: $BACKEND"
if [ "$BACKEND" = postgresql ] && [ "$PG_LOAD" = migrate ]; then
  # The cases go into a SQLite file first, which `migrate` then moves (and is timed).
  target=$db
  db="$WORKDIR/source.db"
fi
"$SERVER" init --db "$db" >/dev/null
printf '%s\n' "$PASSWORD" | "$SERVER" user add --db "$db" bench --password-stdin >/dev/null
"$SERVER" import-cases --db "$db" "$CASES"
if [ -n "${target:-}" ]; then
  t0=$(now)
  "$SERVER" migrate --from "$db" --to "$target" >/dev/null
  t1=$(now)
  printf 'migrate of the SQLite file to PostgreSQL: %s s\n' "$(elapsed "$t0" "$t1")"
  db=$target
fi

sync_args=()
if [ "$SNAPSHOT" = 1 ]; then
  # The operator's command; `serve` finds the files in its default <db>.snapshots/.
  t0=$(now)
  "$SERVER" snapshot --db "$db" ${snapshot_dir:+--dir "$snapshot_dir"} >"$WORKDIR/snapshot.out"
  t1=$(now)
  printf 'snapshot build (both classes): %s s\n' "$(elapsed "$t0" "$t1")"
  for manifest in "${snapshot_dir:-$db.snapshots}"/*.json; do
    python3 -c '
import json, sys
m = json.load(open(sys.argv[1]))
print("  %-9s seq %d, %d rows: %.1f MB on disk (.db), %.1f MB zstd (%.1f%%)" % (
    m["class"], m["seq"], m.get("rows", -1), m["size"] / 1e6, m["zst_size"] / 1e6,
    100.0 * m["zst_size"] / m["size"]))' "$manifest"
  done
  start_server "$db" ${snapshot_dir:+--snapshot-dir "$snapshot_dir"}
else
  # Paging from 0, as before issue 14: no snapshot is built at the start either.
  sync_args=(--no-snapshot)
  start_server "$db" --no-snapshots
fi

if [ "$SNAPSHOT" = 1 ]; then
  # What a logged-in client downloads: the staff snapshot, zstd, as the server sends it.
  token=$(curl -sS --fail -H 'Content-Type: application/json' \
    -d "{\"username\": \"bench\", \"password\": \"$PASSWORD\"}" \
    "$URL/api/v1/session" | python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])')
  curl -sS --fail -o /dev/null -H "Authorization: Bearer $token" \
    -H 'Accept: application/zstd, application/vnd.sqlite3;q=0.5' \
    -w 'snapshot on the wire (staff): %{size_download} bytes body + %{size_header} of headers, %{time_total} s over loopback\n' \
    "$URL/api/v1/snapshot?schema=3"
fi

seconds=()
peaks=()
for ((run = 1; run <= RUNS; run++)); do
  data="$WORKDIR/replica.$run"
  printf '%s\n' "$PASSWORD" | "$CLI" --server "$URL/" --data-dir "$data" login bench >/dev/null
  /usr/bin/time -v "$CLI" --data-dir "$data" sync "${sync_args[@]}" >/dev/null 2>"$WORKDIR/time.$run"
  wall=$(sed -n 's/^\tElapsed (wall clock) time (h:mm:ss or m:ss): //p' "$WORKDIR/time.$run" |
         awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; print s }')
  peak=$(sed -n 's/^\tMaximum resident set size (kbytes): //p' "$WORKDIR/time.$run")
  seconds+=("$wall")
  peaks+=("$peak")
  printf 'driftkoll run %d: %s s, peak RSS %d MB, replica %s MB\n' "$run" "$wall" \
    $((peak / 1024)) "$(du -m "$data/replica.db" | cut -f1)"
  # Searchable at the end: words of titles and of services, as a person types them.
  for word in inloggning strömavbrott cosmic "långa svarstider"; do
    hits=$("$CLI" --data-dir "$data" search --json "$word" |
           python3 -c 'import json, sys; print(len(json.load(sys.stdin)))')
    if [ "$hits" -eq 0 ]; then
      echo "driftkoll run $run: search \"$word\" found nothing after the sync" >&2
      exit 1
    fi
  done
  # KEEP=1 keeps the replicas too (for bench-search); otherwise only one exists at a time.
  [ "${KEEP:-0}" = 1 ] || rm -rf "$data"
done
stop_bg "$SERVER_PID"

sync_median=$(median "${seconds[@]}")
peak_median=$(median "${peaks[@]}")
printf 'driftkoll first sync (BACKEND=%s SNAPSHOT=%s), median of %d: %s s, peak RSS %d MB\n' \
  "$BACKEND" "$SNAPSHOT" "$RUNS" "$sync_median" \
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
