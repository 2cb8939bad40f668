#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# test-cli-bad-input.sh: driftkoll-cli and driftkoll-server as a careless script drives
# them, against a real server: output that cannot be written (a full disk, a closed
# stdout, a reader gone), no locale, --server and --data-dir values that name nothing,
# arguments that are not text. Each gets a clear message and the exit code of the
# contract, and nothing is kept from it.
#
# Needs DRIFTKOLL_SERVER and DRIFTKOLL_CLI (tests/meson.build sets them), python3.

set -eu

test_name=cli-bad-input
# shellcheck source=tests/test-env.sh
. "$(dirname "$0")/test-env.sh"
: "${cli:?DRIFTKOLL_CLI must name the driftkoll-cli binary}"
LC_ALL=C.UTF-8
export LC_ALL

a () { "$cli" --data-dir "$tmp/a" "$@"; }

make_demo_db
start_server

run_with_input demo 0 "a logs in as servicedesk" a --server "$url" login servicedesk
run 0 "a syncs" a sync

# ---- output that cannot be written ----

run_to /dev/full 1 "list --json onto a full disk fails" a list --json
check "... saying the disk is full" grep -q "No space left on device" "$tmp/stderr"
run_to /dev/full 1 "status --json onto a full disk fails" a status --json
check "... saying why" grep -q "Could not write the output" "$tmp/stderr"
run_to /dev/full 1 "run start onto a full disk fails, the run's id being lost" \
  a run start driftstopp-tes --unit "Hemtjänst Norr"
check "... saying why" grep -q "Could not write the output" "$tmp/stderr"
run_to /dev/full 1 "driftkoll-server user list --json onto a full disk fails" \
  "$server" user list --db "$db" --json
check "... saying why" grep -q "Could not write the output" "$tmp/stderr"

status=0
a list >&- 2>"$tmp/stderr" || status=$?
check "list with stdout closed fails (exit $status)" test "$status" -eq 1
check "... saying why" grep -q "Could not write the output" "$tmp/stderr"

# A reader that went away on purpose ("| head -1") with SIGPIPE ignored, as Python and
# some CI runners leave it: no error, the exit status of the command.
python3 - "$cli" "$tmp/a" >"$tmp/stdout" 2>"$tmp/stderr" <<'EOF'
import os, subprocess, sys
r, w = os.pipe()
os.close(r)
p = subprocess.run([sys.argv[1], "--data-dir", sys.argv[2], "list"], stdout=w,
                   stderr=subprocess.PIPE, restore_signals=False)
sys.stderr.buffer.write(p.stderr)
print(p.returncode)
EOF
check "list into a pipe nobody reads exits 0 ($(cat "$tmp/stdout"))" test "$(cat "$tmp/stdout")" = 0
check "... and prints no error" test ! -s "$tmp/stderr"

# ---- no locale ----

run 0 "publish with no locale (LC_ALL=C) takes a title that is not ASCII" \
  env LC_ALL=C "$cli" --data-dir "$tmp/a" publish --kind incident --area it_telephony \
  --service tes --priority 3 --title "Strömavbrott på Östra"
new_id=$(tail -n 1 "$tmp/stdout")
run 0 "show --json of the case" a show "$new_id" --json
check "the title is kept as given" json 'j["title"] == "Strömavbrott på Östra"'
run 0 "show with no locale" env LC_ALL=C "$cli" --data-dir "$tmp/a" show "$new_id"
check "... prints the title as UTF-8" grep -q "Strömavbrott på Östra" "$tmp/stdout"

# ---- --server and --data-dir that name nothing ----

for bad in "" "   " "ftp://127.0.0.1/" "http://" "127.0.0.1:8088" "http://[::1"; do
  run 2 "--server \"$bad\" is bad usage" a --server "$bad" status
  check "... saying it is not a server address" grep -q "not a server address" "$tmp/stderr"
done
run 2 "a bad --server after the command is bad usage too" a sync --server "http://"
run 0 "status --json after the bad --server values" a status --json
check "the replica kept its server" json "j['server'] == '$url'"
run 0 "sync still works" a sync

# A replica that kept such an address (an older driftkoll-cli took it) works on.
cp -r "$tmp/a" "$tmp/kept"
sqlite3 "$tmp/kept/replica.db" "UPDATE meta SET value = 'http:///' WHERE key = 'server_url'"
run 0 "status of a replica that kept \"http:///\" as its server" \
  "$cli" --data-dir "$tmp/kept" status --json
check "... says it has none" json 'j["server"] is None'
run 1 "sync of that replica fails" "$cli" --data-dir "$tmp/kept" sync
check "... asking for a server address" grep -qi "server" "$tmp/stderr"
run 0 "a good --server mends it" "$cli" --data-dir "$tmp/kept" --server "$url" sync

run 2 "--data-dir \"\" is bad usage" "$cli" --data-dir "" list
check "... saying it needs a value" grep -q -- "--data-dir needs a value" "$tmp/stderr"
run 2 "--data-dir= is bad usage" "$cli" --data-dir= status
check "no default data dir was made" test ! -e "$tmp/xdg/driftkoll"

# ---- arguments that are not text ----

not_utf8=$(printf 'DK-\377\376')
run 2 "show of bytes that are not UTF-8 is bad usage" a show "$not_utf8"
check "... saying so" grep -q "is not UTF-8 text" "$tmp/stderr"
run_with_input demo 2 "login as bytes that are not UTF-8 is bad usage" \
  a login "$(printf 'staff\377')"
check "... saying so, not blaming the server" grep -q "is not UTF-8 text" "$tmp/stderr"
run_with_input "" 1 "login with an empty password fails" a login servicedesk
check "... saying the password is empty" grep -q "The password is empty" "$tmp/stderr"
run 0 "status --json after the bad logins" a status --json
check "a is still logged in as servicedesk" json 'j["user"] == "servicedesk"'

# ---- what the server would refuse, refused at once ----

text_of () {
  python3 -c 'import sys; print(sys.argv[1] * int(sys.argv[2]))' "$1" "$2"
}

run 0 "status --json before the refused changes" a status --json
outbox_before=$(json_get 'j["outbox"]')
run 1 "publish with a description over 20 000 characters fails" a publish --kind incident \
  --area it_telephony --service tes --priority 3 --title "Lång" \
  --description "$(text_of x 20001)"
check "... naming the field and the limit" grep -q "description: must be at most 20000" "$tmp/stderr"
run 1 "publish with a title over 200 characters fails" a publish --kind incident \
  --area it_telephony --service tes --priority 3 --title "$(text_of t 201)"
check "... naming the field" grep -q "title:" "$tmp/stderr"
run 1 "publish with an escape sequence in the title fails" a publish --kind incident \
  --area it_telephony --service tes --priority 3 --title "$(printf 'Röd[31m text')"
check "... naming the field" grep -q "title:" "$tmp/stderr"
run 1 "report with a description over 20 000 characters fails" a report --service tes \
  --unit "Avd 12" --reporter "Anna Ek" --contact 031-123 --description "$(text_of x 20001)"
check "... naming the field" grep -q "description:" "$tmp/stderr"
run 1 "run start with a unit over 200 characters fails" \
  a run start driftstopp-tes --unit "$(text_of u 201)"
check "... naming the field" grep -q "unit:" "$tmp/stderr"
run 0 "status --json after the refused changes" a status --json
check "none of them is in the outbox" json "j['outbox'] == $outbox_before"

run 0 "publish with a description of exactly 20 000 characters" a publish --kind incident \
  --area it_telephony --service tes --priority 3 --title "Lång nog" \
  --description "$(text_of x 20000)"
run 0 "sync sends it" a sync
run 0 "status --json after the sync" a status --json
check "the server took it" json 'j["outbox"] == 0 and j["rejected"] == []'

# ---- a data dir of one server used for another ----

# Server B: its own users and cases, more changes than the demo server has, so its
# cursor does not give the mix-up away.
db_b="$tmp/b.db"
b_pid=
trap '[ -z "$b_pid" ] || kill "$b_pid" 2>/dev/null; cleanup' EXIT
"$server" init --db "$db_b" >/dev/null 2>"$tmp/stderr" || bail "server B's database is made"
printf 'demo\n' | "$server" user add --db "$db_b" --roles servicedesk --password-stdin \
  servicedesk >/dev/null 2>>"$tmp/stderr"
"$server" import --db "$db_b" "$DRIFTKOLL_SOURCE_ROOT/tests/data/catalogue.json" >/dev/null
"$server" import-cases --db "$db_b" "$DRIFTKOLL_SOURCE_ROOT/tests/data/cases.jsonl" >/dev/null
"$server" serve --db "$db_b" --listen 127.0.0.1:0 >"$tmp/b.out" 2>"$tmp/b.err" &
b_pid=$!
i=0
while [ "$i" -lt 100 ] && ! grep -q . "$tmp/b.out" 2>/dev/null; do
  sleep 0.1
  i=$((i + 1))
done
url_b=$(sed -n '1s/^listening on //p' "$tmp/b.out")
check "server B starts ($url_b)" test -n "$url_b"

run_with_input demo 0 "a fresh data dir logs in to B" \
  "$cli" --data-dir "$tmp/fresh" --server "$url_b" login servicedesk
run 0 "... and syncs" "$cli" --data-dir "$tmp/fresh" sync
run 0 "... and lists B's cases" "$cli" --data-dir "$tmp/fresh" list --archived --json
b_archive=$(json_get 'sorted(c["id"] for c in j)')
run 0 "... and lists B's current cases" "$cli" --data-dir "$tmp/fresh" list --json
b_current=$(json_get 'sorted(c["id"] for c in j)')

run 0 "a's cursor on the demo server" a status --json
check "... is past where B's first cases are" json 'j["cursor"] > 20'
run_with_input demo 0 "a, a data dir of the demo server, logs in to B" \
  a --server "$url_b" login servicedesk
run 0 "a syncs with B" a sync
run 0 "a lists the current cases" a list --json
check "a holds none of the demo server's cases" json 'not any(c["title"].startswith("Cosmic") for c in j)'
check "a holds exactly B's current cases" json "sorted(c['id'] for c in j) == $b_current"
run 0 "a lists the archive" a list --archived --json
check "a holds exactly B's archive" json "sorted(c['id'] for c in j) == $b_archive"
run 0 "a logs in to B again" sh -c "printf 'demo\n' | '$cli' --data-dir '$tmp/a' login servicedesk"
run 0 "a syncs with B again" a sync --json
check "the same server again pulls nothing anew" json 'j["pulled"] == 0'

kill "$b_pid" 2>/dev/null || true
wait "$b_pid" 2>/dev/null || true
b_pid=

stop_server

finish
