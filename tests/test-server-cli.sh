#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# test-server-cli.sh: driftkoll-server's command line, as ARCHITECTURE.md promises it
#
# Needs DRIFTKOLL_SERVER (the built binary; tests/meson.build sets it) and curl.

set -eu

test_name=server-cli
# shellcheck source=tests/test-env.sh
. "$(dirname "$0")/test-env.sh"

db="$tmp/server.db"

# ---- usage ----

run 0 "--help exits 0" "$server" --help
for command in init serve user import import-cases; do
  check "--help lists $command" grep -q "^  $command " "$tmp/stdout"
done

for command in init serve user import import-cases \
               "user add" "user passwd" "user list" "user disable" "user enable" "user roles"; do
  # shellcheck disable=SC2086 # split "user add" into two words
  run 0 "$command --help exits 0" "$server" $command --help
  check "$command --help prints a usage" grep -q "Usage" "$tmp/stdout"
done

run 2 "no command is bad usage" "$server"
run 2 "an unknown command is bad usage" "$server" frobnicate
check "an unknown command is named on stderr" grep -q frobnicate "$tmp/stderr"
run 2 "an unknown option is bad usage" "$server" init --db "$db" --frobnicate
run 2 "user without a sub-command is bad usage" "$server" user
run 2 "an unknown user sub-command is bad usage" "$server" user frobnicate
run 2 "init without --db is bad usage" "$server" init
run 2 "user list without --db is bad usage" "$server" user list
run 2 "serve without --db is bad usage" "$server" serve --listen 127.0.0.1:0
run 2 "serve without --listen is bad usage" "$server" serve --db "$db"
run 2 "serve with a host name is bad usage" "$server" serve --db "$db" --listen localhost:0
run 2 "init with an extra argument is bad usage" "$server" init --db "$db" extra
run 2 "user add without a username is bad usage" "$server" user add --db "$db"
check "bad usage left no database behind" test ! -e "$db"

# ---- init ----

run 0 "init creates a database" "$server" init --db "$db"
check "the database exists" test -s "$db"
cp "$db" "$tmp/copy.db"
run 1 "init refuses an existing database" "$server" init --db "$db"
check "the refusal says why on stderr" test -s "$tmp/stderr"
check "init left the database byte-identical" cmp -s "$db" "$tmp/copy.db"
run 1 "import refuses a database that does not exist" \
  "$server" import --db "$tmp/missing.db" "$tmp/services.json"
check "import did not create a database" test ! -e "$tmp/missing.db"

# ---- users ----

run_with_input "secret-anna" 0 "user add with --password-stdin" \
  "$server" user add --db "$db" --roles servicedesk,admin --password-stdin anna
run_with_input "secret-anna" 1 "a second user add of the same name fails" \
  "$server" user add --db "$db" --password-stdin anna
check "the duplicate is reported on stderr" grep -q anna "$tmp/stderr"
run_with_input "secret-bert" 0 "user add reads stdin when it is not a terminal" \
  "$server" user add --db "$db" bert

status=0
printf 'secret-cecilia\n' | "$server" user add --db "$db" --roles servicedesk,wizard \
  --password-stdin cecilia >"$tmp/stdout" 2>"$tmp/stderr" || status=$?
check "a bad role name fails (exit $status)" test "$status" -eq 1 -o "$status" -eq 2
check "a bad role name is named on stderr" grep -q wizard "$tmp/stderr"
run_with_input "abc" 1 "a too short password fails" \
  "$server" user add --db "$db" --password-stdin cecilia
run_with_input "secret" 2 "an invalid username is bad usage" \
  "$server" user add --db "$db" --password-stdin "Cecilia Ek"

run 0 "user list --json" "$server" user list --db "$db" --json
check "the list holds anna" grep -q '"anna"' "$tmp/stdout"
check "the list holds bert" grep -q '"bert"' "$tmp/stdout"
check "no failed user add left a user behind" sh -c "! grep -q cecilia '$tmp/stdout'"
check "the list holds anna's roles" grep -q '"servicedesk"' "$tmp/stdout"
check "the list holds the admin role" grep -q '"admin"' "$tmp/stdout"
check "every user is staff" grep -q '"staff"' "$tmp/stdout"
check "nobody is disabled yet" sh -c "! grep -Eq '\"disabled\" *: *true' '$tmp/stdout'"
check "the list is a JSON array" sh -c "head -n 1 '$tmp/stdout' | grep -q '^\\['"

run 0 "user disable" "$server" user disable --db "$db" bert
run 0 "user list --json after disable" "$server" user list --db "$db" --json
check "the list shows a disabled user" grep -Eq '"disabled" *: *true' "$tmp/stdout"
run 0 "user list as a table" "$server" user list --db "$db"
check "the table shows bert disabled" grep -Eq '^bert .*disabled' "$tmp/stdout"
check "the table shows anna active" sh -c "! grep -Eq '^anna .*disabled' '$tmp/stdout'"
run 0 "user enable" "$server" user enable --db "$db" bert
run 0 "user list after enable" "$server" user list --db "$db"
check "bert is active again" sh -c "! grep -Eq '^bert .*disabled' '$tmp/stdout'"
run 1 "user disable of an unknown user fails" "$server" user disable --db "$db" nobody

run 0 "user roles" "$server" user roles --db "$db" --roles lab_communicator bert
run 0 "user list after user roles" "$server" user list --db "$db" --json
check "bert is a lab communicator" grep -q '"lab_communicator"' "$tmp/stdout"
run 2 "user roles without --roles is bad usage" "$server" user roles --db "$db" bert

run_with_input "secret-anna-2" 0 "user passwd with --password-stdin" \
  "$server" user passwd --db "$db" --password-stdin anna
run_with_input "secret-nobody" 1 "user passwd of an unknown user fails" \
  "$server" user passwd --db "$db" --password-stdin nobody

# ---- imports ----

run 1 "import of a file that does not exist fails" \
  "$server" import --db "$db" "$tmp/missing.json"
run 2 "import without a file is bad usage" "$server" import --db "$db"
printf '{"title": \n' >"$tmp/bad.jsonl"
run 1 "import-cases of a bad line fails" "$server" import-cases --db "$db" "$tmp/bad.jsonl"
check "the bad line is named by its number" grep -Eq "line 1([^0-9]|$)" "$tmp/stderr"

data=${DRIFTKOLL_SOURCE_ROOT:-}/tests/data
if [ -n "${DRIFTKOLL_SOURCE_ROOT:-}" ] && [ -f "$data/catalogue.json" ]; then
  run 0 "import of the test catalogue" "$server" import --db "$db" "$data/catalogue.json"
  check "import prints what it imported" grep -q "service" "$tmp/stdout"
fi
if [ -n "${DRIFTKOLL_SOURCE_ROOT:-}" ] && [ -f "$data/cases.jsonl" ]; then
  run 0 "import-cases of the test cases" "$server" import-cases --db "$db" "$data/cases.jsonl"
  check "import-cases prints what it imported" grep -q "case" "$tmp/stdout"
fi

# ---- serve ----

run 1 "serve refuses a database that does not exist" \
  "$server" serve --db "$tmp/missing.db" --listen 127.0.0.1:0
check "serve did not create a database" test ! -e "$tmp/missing.db"

"$server" serve --db "$db" --listen 127.0.0.1:0 >"$tmp/serve.out" 2>"$tmp/serve.err" &
server_pid=$!
await_first_line
if printf '%s\n' "$first_line" | grep -Eq '^listening on http://127\.0\.0\.1:[0-9]+/$'; then
  pass "serve prints \"listening on URL\" first ($first_line)"
else
  cp "$tmp/serve.err" "$tmp/stderr"
  fail "serve prints \"listening on URL\" first (got \"$first_line\")"
fi
check "the first line is a line of its own" test "$(grep -c '^listening on' "$tmp/serve.out")" -eq 1

url=${first_line#listening on }
if command -v curl >/dev/null 2>&1; then
  status=0
  curl -fsS --max-time 10 "${url}api/v1/healthz" >"$tmp/stdout" 2>"$tmp/stderr" || status=$?
  check "the server answers /api/v1/healthz" test "$status" -eq 0

  status=0
  curl -fsS --max-time 30 -H 'Content-Type: application/json' \
    -d '{"username": "anna", "password": "secret-anna-2"}' \
    "${url}api/v1/session" >"$tmp/stdout" 2>"$tmp/stderr" || status=$?
  check "the password set by user passwd logs in" test "$status" -eq 0
  check "the login answers a token" grep -q '"token"' "$tmp/stdout"

  status=0
  curl -sS --max-time 30 -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
    -d '{"username": "anna", "password": "secret-anna"}' \
    "${url}api/v1/session" >"$tmp/stdout" 2>"$tmp/stderr" || status=$?
  check "the password before user passwd is refused" grep -q '^401$' "$tmp/stdout"
else
  fail "curl is needed to test serve"
fi

kill -TERM "$server_pid" 2>/dev/null || true
i=0
while [ "$i" -lt 100 ] && kill -0 "$server_pid" 2>/dev/null; do
  sleep 0.1
  i=$((i + 1))
done
if kill -0 "$server_pid" 2>/dev/null; then
  fail "serve stops within 10 s of SIGTERM"
else
  status=0
  wait "$server_pid" || status=$?
  server_pid=
  cp "$tmp/serve.err" "$tmp/stderr"
  check "serve exits 0 on SIGTERM (exit $status)" test "$status" -eq 0
fi

# ---- serve over TLS with a self-signed certificate ----
if command -v openssl >/dev/null 2>&1 && command -v curl >/dev/null 2>&1; then
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 \
    -addext subjectAltName=IP:127.0.0.1 \
    -keyout "$tmp/key.pem" -out "$tmp/cert.pem" >/dev/null 2>&1
  # LeakSanitizer itself crashes at exit ("Tracer caught signal 11") while
  # glib-networking's TLS worker threads are alive, so leaks are not checked for this
  # one process; every other test still checks them.
  ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" \
  "$server" serve --db "$db" --listen 127.0.0.1:0 \
    --tls-cert "$tmp/cert.pem" --tls-key "$tmp/key.pem" >"$tmp/tls.out" 2>"$tmp/tls.err" &
  server_pid=$!
  i=0
  while [ "$i" -lt 100 ] && ! grep -q . "$tmp/tls.out" 2>/dev/null; do
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
    i=$((i + 1))
  done
  first_line=$(head -n 1 "$tmp/tls.out")
  if printf '%s\n' "$first_line" | grep -Eq '^listening on https://127\.0\.0\.1:[0-9]+/$'; then
    pass "serve with TLS prints an https URL ($first_line)"
  else
    cp "$tmp/tls.err" "$tmp/stderr"
    fail "serve with TLS prints an https URL (got \"$first_line\")"
  fi
  url=${first_line#listening on }
  status=0
  curl -fsS --max-time 10 --cacert "$tmp/cert.pem" "${url}api/v1/healthz" \
    >"$tmp/stdout" 2>"$tmp/stderr" || status=$?
  check "the TLS server answers with the certificate trusted" test "$status" -eq 0
  status=0
  curl -fsS --max-time 10 "${url}api/v1/healthz" >"$tmp/stdout" 2>"$tmp/stderr" || status=$?
  check "a client that does not trust the certificate is refused" test "$status" -ne 0
  kill -TERM "$server_pid" 2>/dev/null || true
  status=0
  wait "$server_pid" || status=$?
  server_pid=
  check "the TLS server exits 0 on SIGTERM" test "$status" -eq 0
  run 1 "serve refuses a missing certificate file" \
    "$server" serve --db "$db" --listen 127.0.0.1:0 --tls-cert "$tmp/none.pem" --tls-key "$tmp/key.pem"
else
  fail "openssl and curl are needed to test TLS"
fi


# ---- a --db that is not a driftkoll-server database ----

mkdir "$tmp/folder.db"
run 1 "user list of a folder fails" "$server" user list --db "$tmp/folder.db"
check "... saying it is a folder" grep -q "is a folder" "$tmp/stderr"
# (bounded: a serve that wrongly starts would never end)
run 1 "serve of a folder fails" timeout 20 "$server" serve --db "$tmp/folder.db" \
  --listen 127.0.0.1:0
check "... saying it is a folder" grep -q "is a folder" "$tmp/stderr"
check "... and left it empty" test -z "$(ls -A "$tmp/folder.db")"

if command -v sqlite3 >/dev/null; then
  sqlite3 "$tmp/other.db" "CREATE TABLE moz_places (url TEXT); INSERT INTO moz_places VALUES ('x')"
  cp "$tmp/other.db" "$tmp/other-copy.db"
  run 1 "user list of another program's SQLite database fails" \
    "$server" user list --db "$tmp/other.db"
  check "... saying whose it is" grep -q "another program" "$tmp/stderr"
  run 1 "serve of it fails" timeout 20 "$server" serve --db "$tmp/other.db" \
    --listen 127.0.0.1:0
  check "... and left it byte-identical" cmp -s "$tmp/other.db" "$tmp/other-copy.db"
  check "... with no tables of ours added" test "$(sqlite3 "$tmp/other.db" .tables)" = moz_places

  # A driftkoll client's replica.db: an application id, a schema version of its own.
  sqlite3 "$tmp/replica.db" "PRAGMA application_id = 1147891564; PRAGMA user_version = 2;
                             CREATE TABLE cases (id TEXT)"
  run 1 "user list of a client's replica fails" "$server" user list --db "$tmp/replica.db"
  check "... not calling it a newer server's" sh -c "! grep -q newer '$tmp/stderr'"
  check "... saying it is another program's" grep -q "another program" "$tmp/stderr"
else
  fail "sqlite3 is needed to make another program's database"
fi

# A database the server may read but not write (not as root: root writes anything).
ro_prefix=
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null; then
  ro_prefix="setpriv --reuid=65534 --regid=65534 --clear-groups"
fi
mkdir "$tmp/ro"
"$server" init --db "$tmp/ro/ro.db" >/dev/null 2>&1
chmod 755 "$tmp" "$tmp/ro"
chmod 444 "$tmp/ro/ro.db"
[ -n "$ro_prefix" ] || chmod 555 "$tmp/ro"
# shellcheck disable=SC2086 # ro_prefix is a command and its options
run 1 "user add to a database that cannot be written fails" \
  $ro_prefix "$server" user add --db "$tmp/ro/ro.db" --password-stdin anna
check "... saying it cannot be written" grep -q "cannot be written" "$tmp/stderr"
chmod 755 "$tmp/ro"

finish
