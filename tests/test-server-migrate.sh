#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# test-server-migrate.sh: `driftkoll-server migrate` moves a SQLite server to PostgreSQL
#
# A SQLite server with the demo data, a few hundred generated cases, mutations, sessions
# and a new routine revision is migrated into a private PostgreSQL cluster
# (tests/pg-cluster.sh); a server on the PostgreSQL database must then answer
# /api/v1/changes object for object as the SQLite one did, for an anonymous caller and
# three users whose tokens moved with the sessions, and serve the same public page and
# feed; a new change continues above the old newest seq. Then the refusals: a non-empty
# target, a wrong URL, a missing or foreign source, a copy that fails half-way.
#
# Needs DRIFTKOLL_SERVER, DRIFTKOLL_SOURCE_ROOT (tests/meson.build sets them), curl,
# python3 and PostgreSQL 15 (skipped with a message without it).

set -eu

test_name='server-migrate'
# shellcheck source=tests/test-env.sh
. "$(dirname "$0")/test-env.sh"

pg_bin=/usr/lib/postgresql/15/bin
pg_cluster="$(dirname "$0")/pg-cluster.sh"
gen_cases=${DRIFTKOLL_GEN_CASES:-${DRIFTKOLL_SOURCE_ROOT:-$(dirname "$0")/..}/../shared/bench/gen-cases.py}

if [ ! -x "$pg_bin/initdb" ]; then
  echo "1..0 # SKIP PostgreSQL 15 is not installed ($pg_bin/initdb missing; Debian: apt-get install postgresql-15)"
  exit 0
fi

pg_dir="$tmp/pg"
pg_server_pid=

migrate_cleanup () {
  if [ -n "$pg_server_pid" ]; then
    kill -KILL "$pg_server_pid" 2>/dev/null || true
    wait "$pg_server_pid" 2>/dev/null || true
  fi
  if [ -f "$pg_dir/pg/postmaster.pid" ]; then
    sh "$pg_cluster" stop "$pg_dir" 2>/dev/null || true
  fi
  cleanup
}
trap migrate_cleanup EXIT

# The postgres user must reach the cluster's folder inside $tmp.
chmod 755 "$tmp"

# The HTTP side, in Python: log in, post mutations, pull every change, fetch a page.
cat >"$tmp/api.py" <<'PY'
import json, sys, urllib.error, urllib.request

def request(method, url, token=None, body=None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = "Bearer " + token
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=30) as reply:
            return reply.status, reply.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()

def pull(base, token):
    """Every change visible to token, from 0, in pages of 100."""
    since, changes = 0, []
    for _ in range(10000):
        status, body = request("GET", "%sapi/v1/changes?since=%d&limit=100" % (base, since),
                               token)
        if status != 200:
            sys.exit("changes answered %d: %s" % (status, body[:200]))
        page = json.loads(body)
        changes += page["changes"]
        since = page["last_seq"]
        if not page["more"]:
            return changes
    sys.exit("changes never ended")

command, base = sys.argv[1], sys.argv[2]
if command == "login":
    status, body = request("POST", base + "api/v1/session",
                           body={"username": sys.argv[3], "password": sys.argv[4]})
    if status != 200:
        sys.exit("login answered %d" % status)
    print(json.loads(body)["token"])
elif command == "mutate":
    # mutate BASE TOKEN FILE: posts the batch in FILE (a JSON array), prints the results.
    token = sys.argv[3] or None
    with open(sys.argv[4]) as f:
        batch = json.load(f)
    status, body = request("POST", base + "api/v1/mutations", token, {"mutations": batch})
    if status != 200:
        sys.exit("mutations answered %d: %s" % (status, body[:300]))
    print(json.dumps(json.loads(body)["results"], sort_keys=True))
elif command == "pull":
    # pull BASE TOKEN: every change, one JSON line each, sorted keys.
    for change in pull(base, sys.argv[3] or None):
        print(json.dumps(change, sort_keys=True, ensure_ascii=False))
elif command == "get":
    status, body = request("GET", base + sys.argv[3])
    if status != 200:
        sys.exit("%s answered %d" % (sys.argv[3], status))
    sys.stdout.buffer.write(body)
elif command == "routine-save":
    # routine-save BASE TOKEN MUTATION-ID: a new revision of the first routine, reworded.
    token = sys.argv[3]
    routine = next(c for c in pull(base, token) if c["type"] == "routine" and not c["deleted"])
    data = routine["data"]
    data["title"] = data["title"] + " (reviderad)"
    print(json.dumps([{"id": sys.argv[4], "op": "routine.save",
                       "base_revision": data["revision"], "data": data}]))
PY

api () {
  python3 "$tmp/api.py" "$@"
}

# token_of WHO: the token of anonymous (none), staff, servicedesk or lab.
token_of () {
  case $1 in
    anonymous) echo "" ;;
    staff) echo "$staff" ;;
    servicedesk) echo "$servicedesk" ;;
    lab) echo "$lab" ;;
  esac
}

# start_on LOCATION: a server on LOCATION in the background; sets $pg_server_pid and
# $pg_url_http (the PostgreSQL one never shares $server_pid with the SQLite one).
start_on () {
  : >"$tmp/serve-pg.out"
  "$server" serve --db "$1" --listen 127.0.0.1:0 >"$tmp/serve-pg.out" 2>"$tmp/serve-pg.err" &
  pg_server_pid=$!
  i=0
  while [ "$i" -lt 100 ] && ! grep -q . "$tmp/serve-pg.out" 2>/dev/null; do
    kill -0 "$pg_server_pid" 2>/dev/null || break
    sleep 0.1
    i=$((i + 1))
  done
  line=$(head -n 1 "$tmp/serve-pg.out")
  case "$line" in
    "listening on http://127.0.0.1:"*/) pg_url_http=${line#listening on } ;;
    *)
      cp "$tmp/serve-pg.err" "$tmp/stderr"
      bail "a server starts on the PostgreSQL database (got \"$line\")"
      ;;
  esac
}

stop_pg_server () {
  if [ -n "$pg_server_pid" ]; then
    kill -TERM "$pg_server_pid" 2>/dev/null || true
    wait "$pg_server_pid" 2>/dev/null || true
    pg_server_pid=
  fi
}

# same DESCRIPTION EXPECTED ACTUAL: the two files are the same; the start of their
# difference on stderr otherwise.
same () {
  if cmp -s "$2" "$3"; then
    pass "$1"
  else
    diff "$2" "$3" | head -n 8 | cut -c 1-240 >"$tmp/stderr"
    fail "$1"
  fi
}

psql_at () {
  "$pg_bin/psql" -X -q -At -d "$1" -c "$2"
}

# A case.create mutation in a file: new_case FILE PUBLIC TITLE
new_case () {
  python3 - "$1" "$2" "$3" <<'PY'
import datetime, json, sys, uuid
now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
json.dump([{"id": str(uuid.uuid4()), "op": "case.create", "base_revision": 0,
            "data": {"id": str(uuid.uuid4()), "kind": "incident", "area": "it_telephony",
                     "title": sys.argv[3], "description": "Migreringstest", "scope": "Alla",
                     "services": ["cosmic"], "priority": 3,
                     "public": sys.argv[2] == "true", "start": now, "expected_end": None}}],
          open(sys.argv[1], "w"))
PY
}

# ---- the SQLite server, with history ----

make_demo_db
python3 "$gen_cases" 300 "$tmp/cases.jsonl" --seed 1 >/dev/null 2>"$tmp/stderr" ||
  bail "gen-cases.py writes 300 cases ($gen_cases)"
run 0 "300 generated cases are imported" "$server" import-cases --db "$db" "$tmp/cases.jsonl"

: >"$tmp/serve.out"
"$server" serve --db "$db" --listen 127.0.0.1:0 --no-snapshots >"$tmp/serve.out" \
  2>"$tmp/serve.err" &
server_pid=$!
await_first_line
case "$first_line" in
  "listening on http://127.0.0.1:"*/) url=${first_line#listening on } ;;
  *) bail "the SQLite server starts (got \"$first_line\")" ;;
esac

staff=$(api login "$url" staff demo) || bail "staff logs in"
servicedesk=$(api login "$url" servicedesk demo) || bail "servicedesk logs in"
lab=$(api login "$url" lab_communicator demo) || bail "lab_communicator logs in"
owner=$(api login "$url" routine_owner demo) || bail "routine_owner logs in"

new_case "$tmp/public.json" true "Migrering: publikt fall"
new_case "$tmp/internal.json" false "Migrering: internt fall"
run 0 "servicedesk creates a public case" api mutate "$url" "$servicedesk" "$tmp/public.json"
cp "$tmp/stdout" "$tmp/public.result"
check "the public case is applied" grep -q '"applied"' "$tmp/public.result"
run 0 "servicedesk creates an internal case" api mutate "$url" "$servicedesk" "$tmp/internal.json"
check "the internal case is applied" grep -q '"applied"' "$tmp/stdout"
api routine-save "$url" "$owner" "$(cat /proc/sys/kernel/random/uuid)" >"$tmp/routine.json" ||
  bail "a routine.save batch is made"
run 0 "routine_owner saves a new routine revision" api mutate "$url" "$owner" "$tmp/routine.json"
check "the routine revision is applied" grep -q '"applied"' "$tmp/stdout"

for who in anonymous staff servicedesk lab; do
  token=$(token_of "$who")
  api pull "$url" "$token" >"$tmp/sqlite.$who" 2>"$tmp/stderr" || bail "$who pulls from SQLite"
done
api get "$url" "" >"$tmp/sqlite.page" || bail "the SQLite server serves its page"
api get "$url" feed.atom >"$tmp/sqlite.feed" || bail "the SQLite server serves its feed"
stop_server

old_max=$(python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("select value from meta where key = \"seq\"").fetchone()[0])' "$db")
n_objects=$(python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("select count(*) from objects").fetchone()[0])' "$db")
old_audit=$(python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("select coalesce(max(id), 0) from audit").fetchone()[0])' "$db")
check "the SQLite server holds more than 300 objects ($n_objects)" test "$n_objects" -gt 300
check "the SQLite server has an audit log to move ($old_audit)" test "$old_audit" -gt 0

# ---- the migration ----

pg_url=$(sh "$pg_cluster" start "$pg_dir" 2>"$tmp/stderr") || bail "a private PostgreSQL cluster starts"

run 0 "migrate moves the SQLite database to PostgreSQL" \
  "$server" migrate --from "$db" --to "$pg_url"
check "migrate says how many objects it moved" grep -q "objects *$n_objects" "$tmp/stdout"
check "the target holds every object" \
  test "$(psql_at "$pg_url" 'SELECT count(*) FROM objects')" -eq "$n_objects"
check "the target's seq is the source's ($old_max)" \
  test "$(psql_at "$pg_url" "SELECT value FROM meta WHERE key = 'seq'")" -eq "$old_max"

start_on "$pg_url"

for who in anonymous staff servicedesk lab; do
  token=$(token_of "$who")
  if api pull "$pg_url_http" "$token" >"$tmp/pg.$who" 2>"$tmp/stderr"; then
    pass "$who pulls from PostgreSQL with the token of the SQLite server"
  else
    fail "$who pulls from PostgreSQL with the token of the SQLite server"
  fi
  same "$who gets the same changes, object for object ($(wc -l <"$tmp/sqlite.$who") of them)" \
    "$tmp/sqlite.$who" "$tmp/pg.$who"
done
check "staff sees more than anonymous" \
  test "$(wc -l <"$tmp/pg.staff")" -gt "$(wc -l <"$tmp/pg.anonymous")"

api get "$pg_url_http" "" >"$tmp/pg.page" || fail "the PostgreSQL server serves its page"
api get "$pg_url_http" feed.atom >"$tmp/pg.feed" || fail "the PostgreSQL server serves its feed"
# The page says when it was made, and both name the server's own address; the rest must
# be the same.
sed -e '/<p class="updated">/d' -e "s|$url|BASE/|g" "$tmp/sqlite.page" >"$tmp/sqlite.page.cut"
sed -e '/<p class="updated">/d' -e "s|$pg_url_http|BASE/|g" "$tmp/pg.page" >"$tmp/pg.page.cut"
same "the public page is the same" "$tmp/sqlite.page.cut" "$tmp/pg.page.cut"
check "the public page shows the migrated public case" grep -q "Migrering: publikt fall" "$tmp/pg.page"
sed "s|$url|BASE/|g" "$tmp/sqlite.feed" >"$tmp/sqlite.feed.cut"
sed "s|$pg_url_http|BASE/|g" "$tmp/pg.feed" >"$tmp/pg.feed.cut"
same "the feed is the same" "$tmp/sqlite.feed.cut" "$tmp/pg.feed.cut"
check "the feed holds the migrated public case" grep -q "Migrering: publikt fall" "$tmp/pg.feed"

# The answer of a mutation moved too: posting it again gives the same answer, no new seq.
run 0 "the public case's mutation posted again" api mutate "$pg_url_http" "$servicedesk" "$tmp/public.json"
same "its answer is the one the SQLite server gave" "$tmp/public.result" "$tmp/stdout"
check "posting it again took no seq" \
  test "$(psql_at "$pg_url" "SELECT value FROM meta WHERE key = 'seq'")" -eq "$old_max"

new_case "$tmp/after.json" false "Migrering: efter flytten"
run 0 "a new case is posted to the migrated server" api mutate "$pg_url_http" "$servicedesk" "$tmp/after.json"
check "it is applied" grep -q '"applied"' "$tmp/stdout"
new_seq=$(psql_at "$pg_url" "SELECT max(seq) FROM objects")
check "its seq ($new_seq) continues above the old newest ($old_max)" test "$new_seq" -gt "$old_max"
new_audit=$(psql_at "$pg_url" "SELECT max(id) FROM audit")
check "its audit entry's id ($new_audit) continues above the old newest ($old_audit)" \
  test "$new_audit" -gt "$old_audit"
api pull "$pg_url_http" "$staff" >"$tmp/pg.after" || fail "staff pulls after the new case"
check "staff gets the old changes and the new case after them" \
  sh -c "head -n $(wc -l <"$tmp/sqlite.staff") '$tmp/pg.after' | cmp -s - '$tmp/sqlite.staff' &&
         tail -n 1 '$tmp/pg.after' | grep -q 'efter flytten'"
stop_pg_server

# ---- refusals ----

run 1 "a non-empty target is refused" "$server" migrate --from "$db" --to "$pg_url"
check "the refusal says how to override (--replace)" grep -q -- "--replace" "$tmp/stderr"
check "the refused target keeps the new case" \
  test "$(psql_at "$pg_url" "SELECT max(seq) FROM objects")" -eq "$new_seq"

# The same database named by a postgres:// URL this time.
run 0 "--replace empties the target and copies over it" \
  "$server" migrate --from "$db" --to "$(echo "$pg_url" | sed 's,^postgresql:,postgres:,')" --replace
check "after --replace the target ends at the source's seq again" \
  test "$(psql_at "$pg_url" "SELECT max(seq) FROM objects")" -le "$old_max"
check "after --replace the new case is gone" \
  test "$(psql_at "$pg_url" "SELECT count(*) FROM objects WHERE data LIKE '%efter flytten%'")" -eq 0
check "after --replace every object is there" \
  test "$(psql_at "$pg_url" 'SELECT count(*) FROM objects')" -eq "$n_objects"

sock="$pg_dir/sock"
run 1 "a database that does not exist is a failure" \
  "$server" migrate --from "$db" --to "postgresql:///no_such_db?host=$sock&user=postgres"
check "the failure names the database" grep -q "no_such_db" "$tmp/stderr"
run 1 "a refused connection is a failure" \
  "$server" migrate --from "$db" --to "postgresql://dk:sekret-pw@127.0.0.1:1/driftkoll"
check "the failure says something on stderr" test -s "$tmp/stderr"
check "the password is never printed" not_grep -q "sekret-pw" "$tmp/stderr" "$tmp/stdout"
run 1 "a key=value string with a password fails as clearly" \
  "$server" migrate --from "$db" --to "host=127.0.0.1 port=1 dbname=driftkoll password=sekret-pw"
check "its password is never printed" not_grep -q "sekret-pw" "$tmp/stderr" "$tmp/stdout"
run 2 "a file path as --to is bad usage" "$server" migrate --from "$db" --to "$tmp/other.db"
check "the usage error says --to wants PostgreSQL" grep -q "PostgreSQL" "$tmp/stderr"
check "no file was made for it" test ! -e "$tmp/other.db"
run 2 "no --to is bad usage" "$server" migrate --from "$db"
run 2 "no --from is bad usage" "$server" migrate --to "$pg_url"

run 1 "a missing source file is a failure" "$server" migrate --from "$tmp/missing.db" --to "$pg_url"
check "the failure names the file" grep -q "missing.db" "$tmp/stderr"
check "no file was made for it" test ! -e "$tmp/missing.db"
echo "not a database" >"$tmp/text.db"
run 1 "a text file is refused" "$server" migrate --from "$tmp/text.db" --to "$pg_url"
check "the refusal says it is not a driftkoll-server database" \
  grep -q "not a driftkoll-server database" "$tmp/stderr"
python3 -c 'import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute("create table notes (t)"); c.commit()' "$tmp/foreign.db"
run 1 "another program's SQLite database is refused" \
  "$server" migrate --from "$tmp/foreign.db" --to "$pg_url"
check "the refusal says it is not a driftkoll-server database" \
  grep -q "not a driftkoll-server database" "$tmp/stderr"
cp "$db" "$tmp/old.db"
python3 -c 'import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute("pragma user_version = 3"); c.commit()' "$tmp/old.db"
run 1 "an older schema is refused" "$server" migrate --from "$tmp/old.db" --to "$pg_url" --replace
check "the refusal says to run the current server on it first" grep -q "first" "$tmp/stderr"

# A copy that fails half-way (a session of a user who does not exist: the foreign key
# holds in PostgreSQL) leaves the fresh target without a row.
cp "$db" "$tmp/broken.db"
python3 -c 'import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute("insert into sessions (token_hash, username, created_at, expires) values (\"x\", \"ghost\", 0, 0)"); c.commit()' "$tmp/broken.db"
psql_at "$pg_url" "CREATE DATABASE half" >/dev/null
half_url=$(echo "$pg_url" | sed 's,/driftkoll?,/half?,')
run 1 "a copy that fails half-way is a failure" \
  "$server" migrate --from "$tmp/broken.db" --to "$half_url"
check "the failure names the table" grep -q "sessions" "$tmp/stderr"
check "nothing of it was kept" \
  test "$(psql_at "$half_url" 'SELECT (SELECT count(*) FROM objects) + (SELECT count(*) FROM users)')" -eq 0
run 0 "the same target, as a key=value string, then takes a good copy without --replace" \
  "$server" migrate --from "$db" --to "host=$pg_dir/sock user=postgres dbname=half"
check "it holds every object" \
  test "$(psql_at "$half_url" 'SELECT count(*) FROM objects')" -eq "$n_objects"

sh "$pg_cluster" stop "$pg_dir" 2>/dev/null || true
finish
