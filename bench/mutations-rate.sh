#!/usr/bin/env bash
# bench/mutations-rate.sh: mutations per second a Driftkoll server sustains, on SQLite, on
# PostgreSQL with one instance, and on PostgreSQL with two instances sharing the database.
#
# CLIENTS processes (each one keep-alive HTTP connection, as a desktop has) post batches
# of BATCH case.create mutations as servicedesk for DURATION seconds, as fast as the
# answers come; a run's rate is the "applied" results of all clients over the run's
# wall time. With two instances the clients are dealt round robin over both. RUNS runs
# per backend (each on the database the runs before it filled), then one table with
# every run and the median.
#
# Durability is the same on both sides unless PG_DURABLE=0: SQLite runs WAL with
# synchronous=FULL, so the private PostgreSQL cluster (tests/pg-cluster.sh, which turns
# fsync off for the tests) gets fsync, synchronous_commit and full_page_writes back on.
#
# Knobs: CLIENTS=8 BATCH=10 DURATION=10 RUNS=3 BACKENDS="sqlite pg1 pg2" PG_DURABLE=1
#        BUILD_DIR=build KEEP=1
# Everything listens on 127.0.0.1 or a Unix socket in the work folder; every client
# stops after DURATION seconds (and each request after 30 s).
set -euo pipefail

# shellcheck source=bench/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

CLIENTS=${CLIENTS:-8}
BATCH=${BATCH:-10}
DURATION=${DURATION:-10}
RUNS=${RUNS:-3}
BACKENDS=${BACKENDS:-sqlite pg1 pg2}
PG_DURABLE=${PG_DURABLE:-1}
PG_CLUSTER="$REPO/tests/pg-cluster.sh"
PG_BIN=/usr/lib/postgresql/15/bin
PG_DIR="$WORKDIR/pg"

# The cluster is stopped before common.sh's cleanup removes the folder.
pg_stop () {
  if [ -f "$PG_DIR/pg/postmaster.pid" ]; then
    sh "$PG_CLUSTER" stop "$PG_DIR" 2>/dev/null || true
  fi
}
trap 'pg_stop; cleanup' EXIT

# One client: posts batches until the deadline; prints {"applied", "failed", "batches"}.
cat >"$WORKDIR/client.py" <<'PY'
import datetime, http.client, json, sys, time, urllib.parse, uuid

url, token, duration, batch, name = sys.argv[1], sys.argv[2], float(sys.argv[3]), \
    int(sys.argv[4]), sys.argv[5]
u = urllib.parse.urlparse(url)
conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
headers = {"Content-Type": "application/json", "Authorization": "Bearer " + token}
start = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
applied = failed = batches = 0
deadline = time.monotonic() + duration
n = 0
while time.monotonic() < deadline:
    mutations = []
    for _ in range(batch):
        n += 1
        mutations.append({"id": str(uuid.uuid4()), "op": "case.create", "base_revision": 0,
                          "data": {"id": str(uuid.uuid4()), "kind": "incident",
                                   "area": "it_telephony",
                                   "title": "Last %s nr %d" % (name, n),
                                   "description": "Mätning av skrivtakten", "scope": "Alla",
                                   "services": ["cosmic"], "priority": 3, "public": False,
                                   "start": start, "expected_end": None}})
    try:
        conn.request("POST", "/api/v1/mutations", json.dumps({"mutations": mutations}), headers)
        reply = conn.getresponse()
        body = reply.read()
    except (OSError, http.client.HTTPException):
        conn.close()
        failed += batch
        time.sleep(0.1)
        continue
    batches += 1
    if reply.status != 200:
        failed += batch
        continue
    for result in json.loads(body)["results"]:
        if result.get("status") == "applied":
            applied += 1
        else:
            failed += 1
print(json.dumps({"applied": applied, "failed": failed, "batches": batches}))
PY

# login URL: servicedesk's token.
login () {
  curl -sS --fail -H 'Content-Type: application/json' \
    -d '{"username": "servicedesk", "password": "demo"}' "$1/api/v1/session" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])'
}

# one_run URL...: CLIENTS clients over the URLs for DURATION s; prints the rate.
one_run () {
  local urls=("$@") pids=() i t0 t1 token
  token=$(login "${urls[0]}")
  t0=$(now)
  for ((i = 0; i < CLIENTS; i++)); do
    timeout $((DURATION + 60)) python3 "$WORKDIR/client.py" "${urls[i % ${#urls[@]}]}" \
      "$token" "$DURATION" "$BATCH" "c$i" >"$WORKDIR/client.$i" 2>"$WORKDIR/client.$i.err" &
    pids+=($!)
  done
  for i in "${pids[@]}"; do
    wait "$i" || true
  done
  t1=$(now)
  python3 - "$WORKDIR" "$CLIENTS" "$(elapsed "$t0" "$t1")" <<'PY'
import json, sys
work, clients, seconds = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
applied = failed = 0
for i in range(clients):
    try:
        r = json.load(open("%s/client.%d" % (work, i)))
    except (OSError, ValueError):
        sys.stderr.write(open("%s/client.%d.err" % (work, i)).read())
        sys.exit("client %d gave no result" % i)
    applied += r["applied"]
    failed += r["failed"]
if failed:
    sys.stderr.write("  (%d mutations not applied)\n" % failed)
print("%.0f" % (applied / seconds))
PY
}

pg_start () {
  [ -x "$PG_BIN/initdb" ] || { echo "PostgreSQL 15 is not installed ($PG_BIN/initdb)" >&2; exit 1; }
  chmod 755 "$WORKDIR"   # the user postgres runs the cluster inside it
  PG_URL=$(sh "$PG_CLUSTER" start "$PG_DIR")
  if [ "$PG_DURABLE" = 1 ]; then
    "$PG_BIN/psql" -X -q -d "$PG_URL" -c 'ALTER SYSTEM SET fsync = on' \
      -c 'ALTER SYSTEM SET synchronous_commit = on' -c 'ALTER SYSTEM SET full_page_writes = on' \
      -c 'SELECT pg_reload_conf()' >/dev/null
  fi
}

# pg_database NAME: a new database in the cluster; prints its URL.
pg_database () {
  "$PG_BIN/psql" -X -q -d "$PG_URL" -c "CREATE DATABASE $1" >/dev/null
  echo "${PG_URL/\/driftkoll\?//$1?}"
}

declare -A rates
for backend in $BACKENDS; do
  case $backend in
    sqlite)
      location="$WORKDIR/sqlite.db"
      "$SERVER" init --db "$location" --demo >/dev/null
      start_server "$location" --no-snapshots
      urls=("$URL")
      ;;
    pg1|pg2)
      [ -n "${PG_URL:-}" ] || pg_start
      location=$(pg_database "bench_$backend")
      "$SERVER" init --db "$location" --demo >/dev/null
      start_server "$location"
      urls=("$URL")
      if [ "$backend" = pg2 ]; then
        start_server "$location"
        urls+=("$URL")
      fi
      ;;
    *)
      echo "unknown backend $backend (sqlite, pg1 or pg2)" >&2
      exit 2
      ;;
  esac
  runs=()
  for ((run = 1; run <= RUNS; run++)); do
    rate=$(one_run "${urls[@]}")
    printf '%-6s run %d: %s mutations/s\n' "$backend" "$run" "$rate"
    runs+=("$rate")
  done
  rates[$backend]="${runs[*]} $(median "${runs[@]}")"
  for pid in "${BG_PIDS[@]}"; do
    stop_bg "$pid"
  done
  BG_PIDS=()
done

echo
printf 'mutations per second: %d clients, batches of %d case.create, %d s a run (PG_DURABLE=%s)\n' \
  "$CLIENTS" "$BATCH" "$DURATION" "$PG_DURABLE"
printf '%-28s %s\n' "backend" "runs ... median"
for backend in $BACKENDS; do
  case $backend in
    sqlite) label="SQLite" ;;
    pg1) label="PostgreSQL, one instance" ;;
    pg2) label="PostgreSQL, two instances" ;;
  esac
  # shellcheck disable=SC2086 # the runs and the median, one word each
  set -- ${rates[$backend]}
  printf '%-28s' "$label"
  for ((i = 1; i < $#; i++)); do
    printf ' %8s' "${!i}"
  done
  printf '   median %s\n' "${!#}"
done
