#!/usr/bin/env bash
# bench/backup.sh: `driftkoll-server backup` of a big SQLite database (N generated cases,
# default 100,000, imported with import-cases as bench/first-sync.sh does), idle and under
# write load, and what the backup costs the writers.
#
#  1. idle: RUNS backups with the server serving but nobody writing; the median time and
#     the file's size;
#  2. writers alone: CLIENTS processes, each one keep-alive connection posting batches of
#     BATCH case.create as servicedesk, paced at RATE batches per second each, for
#     DURATION s; the latency of every POST (p50, p99, max);
#  3. the same writers again, and after 2 s a backup (timed) while they write; the
#     latencies of the POSTs that began while the backup ran, against step 2's.
#
# Each backup is checked (it prints "integrity ok") and the run's last one restored into
# a fresh place (timed) to show the whole round trip.
#
# Knobs: N=100000 SEED=1 RUNS=3 CLIENTS=2 BATCH=10 RATE=20 DURATION=20 BUILD_DIR=build
#        KEEP=1 CASES=FILE
set -euo pipefail

# shellcheck source=bench/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

N=${N:-100000}
SEED=${SEED:-1}
RUNS=${RUNS:-3}
CLIENTS=${CLIENTS:-2}
BATCH=${BATCH:-10}
RATE=${RATE:-20}
DURATION=${DURATION:-20}
CASES=${CASES:-}

if [ -z "$CASES" ]; then
  CASES="$WORKDIR/cases.jsonl"
  echo "generating $N cases (seed $SEED)..."
  python3 "$SHARED/bench/gen-cases.py" "$N" "$CASES" --seed "$SEED"
fi

db="$WORKDIR/driftkoll.db"
"$SERVER" init --db "$db" --demo >/dev/null
t0=$(now)
"$SERVER" import-cases --db "$db" "$CASES" >/dev/null
t1=$(now)
printf 'import of %d cases: %s s; database %s\n' "$N" "$(elapsed "$t0" "$t1")" \
  "$(du -h "$db" | cut -f1)"
start_server "$db" --no-snapshots

# One writer: paced batches until the deadline; one line per POST: "START LATENCY STATUS"
# (START in seconds since the epoch).
cat >"$WORKDIR/writer.py" <<'PY'
import datetime, http.client, json, sys, time, urllib.parse, uuid

url, token, duration, batch, rate, name = sys.argv[1], sys.argv[2], float(sys.argv[3]), \
    int(sys.argv[4]), float(sys.argv[5]), sys.argv[6]
u = urllib.parse.urlparse(url)
conn = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
headers = {"Content-Type": "application/json", "Authorization": "Bearer " + token}
start = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
deadline = time.monotonic() + duration
next_at = time.monotonic()
n = 0
while time.monotonic() < deadline:
    mutations = []
    for _ in range(batch):
        n += 1
        mutations.append({"id": str(uuid.uuid4()), "op": "case.create", "base_revision": 0,
                          "data": {"id": str(uuid.uuid4()), "kind": "incident",
                                   "area": "it_telephony",
                                   "title": "Under backup %s nr %d" % (name, n),
                                   "description": "Mätning under säkerhetskopiering",
                                   "scope": "Alla", "services": ["cosmic"], "priority": 3,
                                   "public": False, "start": start, "expected_end": None}})
    began = time.time()
    t = time.monotonic()
    try:
        conn.request("POST", "/api/v1/mutations", json.dumps({"mutations": mutations}), headers)
        reply = conn.getresponse()
        reply.read()
        status = reply.status
    except (OSError, http.client.HTTPException):
        conn.close()
        status = 0
    print("%.6f %.6f %d" % (began, time.monotonic() - t, status), flush=True)
    next_at += 1.0 / rate
    time.sleep(max(0.0, next_at - time.monotonic()))
PY

token=$(curl -sS --fail -H 'Content-Type: application/json' \
  -d '{"username": "servicedesk", "password": "demo"}' "$URL/api/v1/session" |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])')

# writers TAG: starts CLIENTS writers for DURATION s; their pids in WRITER_PIDS.
writers () {
  local i
  WRITER_PIDS=()
  for ((i = 0; i < CLIENTS; i++)); do
    python3 "$WORKDIR/writer.py" "$URL" "$token" "$DURATION" "$BATCH" "$RATE" "$1$i" \
      >"$WORKDIR/$1.$i" 2>"$WORKDIR/$1.$i.err" &
    WRITER_PIDS+=("$!")
    BG_PIDS+=("$!")
  done
}

wait_writers () {
  local pid
  for pid in "${WRITER_PIDS[@]}"; do
    wait "$pid"
  done
}

# backup_once FILE: one backup, timed; prints the seconds, keeps its line in FILE.out.
backup_once () {
  local t0 t1
  rm -f "$1"
  t0=$(now)
  "$SERVER" backup --db "$db" "$1" >"$1.out"
  t1=$(now)
  grep -q 'integrity ok' "$1.out"
  elapsed "$t0" "$t1"
}

# latencies TAG [FROM TO]: p50, p99 and max in ms of TAG's POSTs (begun between FROM and TO).
latencies () {
  python3 - "$WORKDIR" "$CLIENTS" "$@" <<'PY'
import sys
work, clients, tag = sys.argv[1], int(sys.argv[2]), sys.argv[3]
lo, hi = (float(sys.argv[4]), float(sys.argv[5])) if len(sys.argv) > 5 else (0, 1e12)
values, bad = [], 0
for i in range(clients):
    for line in open("%s/%s.%d" % (work, tag, i)):
        began, latency, status = line.split()
        if lo <= float(began) <= hi:
            values.append(float(latency) * 1000)
            bad += status != "200"
values.sort()
def pct(p):
    return values[min(len(values) - 1, int(round(p / 100.0 * (len(values) - 1))))]
print("%d POSTs (%d not 200): p50 %.1f ms, p99 %.1f ms, max %.1f ms" % (
    len(values), bad, pct(50), pct(99), values[-1]))
PY
}

echo "backup of a $N-case database, $RUNS runs idle; writers: $CLIENTS x $RATE batches/s of $BATCH case.create"

# 1. Idle.
times=()
for ((run = 1; run <= RUNS; run++)); do
  times+=("$(backup_once "$WORKDIR/idle.db")")
done
printf 'idle backup: median %s s (runs: %s); %s\n' "$(median "${times[@]}")" "${times[*]}" \
  "$(cat "$WORKDIR/idle.db.out")"

# 2. Writers alone.
writers alone
wait_writers
printf 'writers without a backup:  %s\n' "$(latencies alone)"

# 3. Writers and a backup.
writers during
sleep 2
b0=$(now)
seconds=$(backup_once "$WORKDIR/during.db")
b1=$(now)
wait_writers
printf 'backup under write load: %s s; %s\n' "$seconds" "$(cat "$WORKDIR/during.db.out")"
printf 'writers during the backup: %s\n' "$(latencies during "$b0" "$b1")"
printf 'writers, the whole run:    %s\n' "$(latencies during)"

# The round trip: the last backup restored into a fresh place.
mkdir "$WORKDIR/restored"
t0=$(now)
"$SERVER" restore --db "$WORKDIR/restored/driftkoll.db" "$WORKDIR/during.db"
t1=$(now)
printf 'restore: %s s\n' "$(elapsed "$t0" "$t1")"
