#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# test-cli.sh: driftkoll-cli against a real driftkoll-server, as ARCHITECTURE.md's
# "Command lines (contract)" promises it: usage and exit codes, login, sync, the cases,
# routines and runs, publishing online and offline, rejected changes, logout.
#
# Needs DRIFTKOLL_SERVER and DRIFTKOLL_CLI (the built binaries; tests/meson.build sets
# them), python3 for reading JSON.

set -eu

test_name=cli
# shellcheck source=tests/test-env.sh
. "$(dirname "$0")/test-env.sh"
: "${cli:?DRIFTKOLL_CLI must name the driftkoll-cli binary}"

is_uuid () {
  printf '%s\n' "$1" | grep -Eq '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
}

# Each client has a data dir of its own: a is the servicedesk, b is staff.
a () { "$cli" --data-dir "$tmp/a" "$@"; }
b () { "$cli" --data-dir "$tmp/b" "$@"; }

make_demo_db
# The server's snapshots (issue 14): every first sync below starts from one, except
# where --no-snapshot says otherwise.
"$server" snapshot --db "$db" >/dev/null 2>"$tmp/stderr" || bail "the snapshots are built"

# ---- usage ----

run 0 "--help exits 0" "$cli" --help
for command in login logout status sync list show search routines routine run report \
               publish update close; do
  check "--help lists $command" grep -q "^  $command " "$tmp/stdout"
done
check "--help made no data dir" test ! -e "$tmp/xdg/driftkoll"

for command in login logout status sync list show search routines routine run \
               "run start" "run check" "run show" report publish update close; do
  # shellcheck disable=SC2086 # split "run start" into two words
  run 0 "$command --help exits 0" "$cli" --data-dir "$tmp/a" $command --help
  check "$command --help prints a usage" grep -q "Usage" "$tmp/stdout"
done
check "no --help made the data dir" test ! -e "$tmp/a"

run 2 "no command is bad usage" "$cli"
run 2 "an unknown command is bad usage" "$cli" frobnicate
check "the unknown command is named on stderr" grep -q frobnicate "$tmp/stderr"
run 2 "an unknown global option is bad usage" "$cli" --frobnicate list
run 2 "--data-dir without a value is bad usage" "$cli" --data-dir
run 2 "an unknown command option is bad usage" a list --frobnicate
run 2 "an unknown kind is bad usage" a list --kind outage
run 2 "show without a case is bad usage" a show
run 2 "show with two cases is bad usage" a show DK-1 DK-2
run 2 "run without a sub-command is bad usage" a run
run 2 "an unknown run sub-command is bad usage" a run frobnicate
run 2 "run start without --unit is bad usage" a run start driftstopp-tes
run 2 "publish without --kind is bad usage" a publish --area it_telephony --title T \
  --service tes --priority 3
run 2 "publish with a bad priority is bad usage" a publish --kind incident \
  --area it_telephony --title T --service tes --priority 9
run 2 "publish with a bad time is bad usage" a publish --kind incident \
  --area it_telephony --title T --service tes --priority 3 --start tomorrowish
run 2 "update without --phrase is bad usage" a update DK-1 --text T
run 2 "update with an unknown phrase is bad usage" a update DK-1 --phrase fixed --text T
run 2 "login without a username is bad usage" a login

# ---- before logging in ----

start_server

run 0 "status works before login" a status
check "status says nobody is logged in" grep -qi "not logged in" "$tmp/stdout"
check "the data dir is private" test "$(stat -c %a "$tmp/a")" = 700
run 1 "publish before login fails" a publish --kind incident --area it_telephony \
  --title "Too early" --service tes --priority 3
check "the failure says to log in" grep -q "login" "$tmp/stderr"
run_with_input "demo" 2 "login without a server is bad usage" a login servicedesk
check "the failure says why" test -s "$tmp/stderr"

run_with_input "wrong-password" 1 "login with a wrong password fails" \
  a --server "$url" login servicedesk
check "the wrong password is reported on stderr" test -s "$tmp/stderr"
run_with_input "demo" 0 "login with the password on stdin" a --server "$url" login servicedesk
check "login says who is logged in" grep -q servicedesk "$tmp/stdout"

# ---- sync and the cases ----

run 0 "sync --help names --no-snapshot" "$cli" --data-dir "$tmp/a" sync --help
check "sync --help says what --no-snapshot does" grep -q -- "--no-snapshot" "$tmp/stdout"
run 0 "the first sync" a sync
check "the first sync prints no progress when stderr is not a terminal" test ! -s "$tmp/stderr"

# A first sync that pages from 0 instead of the server's snapshot: the same cases.
run_with_input "demo" 0 "a paging client logs in" \
  "$cli" --data-dir "$tmp/p" --server "$url" login servicedesk
run 0 "sync --no-snapshot --json" "$cli" --data-dir "$tmp/p" sync --no-snapshot --json
check "sync --no-snapshot pulled every change page by page" json 'j["cursor"] > 0 and j["pulled"] > 0'
check "sync --no-snapshot prints nothing on stderr" test ! -s "$tmp/stderr"
run 0 "list --json on the paging client" "$cli" --data-dir "$tmp/p" list --json
python3 -c 'import json,sys; print(sorted((c["id"], c["revision"]) for c in json.load(open(sys.argv[1]))))' \
  "$tmp/stdout" >"$tmp/paged.ids"
run 0 "list --json on the first client" a list --json
python3 -c 'import json,sys; print(sorted((c["id"], c["revision"]) for c in json.load(open(sys.argv[1]))))' \
  "$tmp/stdout" >"$tmp/first.ids"
check "paging from 0 gives the same cases as the first sync" cmp -s "$tmp/paged.ids" "$tmp/first.ids"
run 0 "the paging client logs out" "$cli" --data-dir "$tmp/p" logout

# On a terminal (script(1) gives it one): the snapshot's megabytes on stderr, and none
# when the first sync pages from 0.
for how in snapshot paging; do
  run_with_input "demo" 0 "a client on a terminal logs in ($how)" \
    "$cli" --data-dir "$tmp/t-$how" --server "$url" login servicedesk
  flag=
  [ "$how" = paging ] && flag=--no-snapshot
  run 0 "a first sync on a terminal ($how)" \
    script -qec "\"$cli\" --data-dir \"$tmp/t-$how\" sync $flag" "$tmp/typescript-$how"
done
check "the first sync on a terminal shows the snapshot's size" \
  grep -Eq "[0-9] [kM]B of [0-9 ]+ [kM]B" "$tmp/typescript-snapshot"
check "the line of the snapshot's size ends with done" \
  grep -Eq "[0-9 ]+ [kM]B of [0-9 ]+ [kM]B( · [0-9 ]+ [kM]B/s)? · done" "$tmp/typescript-snapshot"
check "a first sync with --no-snapshot shows no size" \
  not_grep -Eq "[kM]B of " "$tmp/typescript-paging"

run 0 "status after sync" a status
check "status shows the user" grep -q servicedesk "$tmp/stdout"
check "status shows the server" grep -qF "$url" "$tmp/stdout"
check "status says online" grep -q online "$tmp/stdout"
run 0 "status --json" a status --json
check "status --json has every member" \
  json 'all(k in j for k in ("server", "user", "online", "last_sync", "cursor", "outbox", "rejected"))'
check "status --json: online, user, nothing waiting" \
  json 'j["online"] is True and j["user"] == "servicedesk" and j["outbox"] == 0 and j["rejected"] == []'
check "status --json: a cursor and a last sync" json 'j["cursor"] > 0 and j["last_sync"]'
check "status --json: the session is in a private file" json 'j["token_storage"] == "file"'
check "the session file is private" test "$(stat -c %a "$tmp/a/session.token")" = 600
run 0 "status" a status
check "status says where the session is kept" grep -q "private file" "$tmp/stdout"
run 1 "a CA file that does not exist is refused" a --ca-file "$tmp/no-such-ca.pem" status
check "the failure names the file" grep -q "no-such-ca.pem" "$tmp/stderr"
run 0 "a forgotten CA file is not kept" a status --json
run 0 "an empty --ca-file forgets the kept one" a --ca-file "" status

run 0 "list" a list
check "list shows an ongoing demo case" grep -q "Cosmic otillgängligt" "$tmp/stdout"
check "list has a header row" grep -q "TITLE" "$tmp/stdout"
run 0 "list --json" a list --json
check "list --json is a JSON array of wire cases" \
  json 'isinstance(j, list) and len(j) > 0 and all(c["id"] and c["number"].startswith("DK-") and c["kind"] in ("incident", "planned", "crisis") for c in j)'
check "list leaves out the archive" json 'all(c["status"] != "closed" or c["closed_at"] for c in j)'
number=$(json_get '[c for c in j if c["title"].startswith("Cosmic")][0]["number"]')
case_id=$(json_get '[c for c in j if c["title"].startswith("Cosmic")][0]["id"]')
run 0 "list --kind planned --json" a list --kind planned --json
check "list --kind gives only that kind" json 'len(j) > 0 and all(c["kind"] == "planned" for c in j)'
run 0 "list --area lab_medicine --json" a list --area lab_medicine --json
check "list --area gives only that area" json 'len(j) > 0 and all(c["area"] == "lab_medicine" for c in j)'
run 0 "list --service el --json" a list --service el --json
check "list --service gives only cases on that service" json 'len(j) > 0 and all("el" in c["services"] for c in j)'
run 0 "list --archived --json" a list --archived --json
check "the archive holds only closed cases" json 'all(c["status"] == "closed" for c in j)'

run 0 "show by number" a show "$number"
check "show prints the title" grep -q "Cosmic otillgängligt" "$tmp/stdout"
check "show prints the number" grep -q "$number" "$tmp/stdout"
run 0 "show by id" a show "$case_id"
check "show by id prints the same case" grep -q "$number" "$tmp/stdout"
run 0 "show --json" a show "$number" --json
check "show --json is the wire case" json "j['id'] == '$case_id' and j['number'] == '$number' and isinstance(j['updates'], list)"
run 1 "show of an unknown case fails" a show DK-999999
check "the failure is on stderr" test -s "$tmp/stderr"
check "nothing is printed on stdout for an unknown case" test ! -s "$tmp/stdout"

run 0 "search folds diacritics" a search stromavbrott
check "search finds Strömavbrott" grep -q "Strömavbrott i hus 12" "$tmp/stdout"
run 0 "search --json" a search cosmic --json
check "search --json is an array holding the case" json "isinstance(j, list) and '$case_id' in [c['id'] for c in j]"

# ---- routines and runs ----

run 0 "routines" a routines
check "routines lists Driftstopp TES" grep -q "driftstopp-tes" "$tmp/stdout"
run 0 "routines --json" a routines --json
check "routines --json is an array of routines" \
  json 'isinstance(j, list) and "driftstopp-tes" in [r["id"] for r in j]'
run 0 "routine" a routine driftstopp-tes
check "routine shows its steps" grep -q "konventionella nycklar" "$tmp/stdout"
run 0 "routine --json" a routine driftstopp-tes --json
check "routine --json has steps with ids" json 'len(j["steps"]) > 1 and all(s["id"] for s in j["steps"])'
step=$(json_get 'j["steps"][0]["id"]')
run 1 "routine of an unknown routine fails" a routine no-such-routine
check "the failure is on stderr" test -s "$tmp/stderr"

run 0 "run start" a run start driftstopp-tes --unit "Hemtjänst Norr" --case "$number"
run_id=$(tail -n 1 "$tmp/stdout")
check "run start prints the run's id last ($run_id)" is_uuid "$run_id"
run 0 "run check" a run check "$run_id" "$step" --note "Blanketter utskrivna"
run 0 "run show --json" a run show "$run_id" --json
check "run show --json shows the step done" \
  json "j['id'] == '$run_id' and j['unit'] == 'Hemtjänst Norr' and any(s['step'] == '$step' and s['done'] for s in j['steps'])"
run 0 "run show" a run show "$run_id"
check "run show marks the step done" grep -q "\[x\] $step" "$tmp/stdout"
check "run show shows the note" grep -q "Blanketter utskrivna" "$tmp/stdout"
run 0 "run check --undo" a run check "$run_id" "$step" --undo
run 0 "run show --json after --undo" a run show "$run_id" --json
check "the step is not done any more" json "not any(s['step'] == '$step' and s['done'] for s in j['steps'])"
run 1 "run show of an unknown run fails" a run show 00000000-0000-4000-8000-000000000000
run 1 "run start of an unknown routine fails" a run start no-such-routine --unit X

# ---- publishing online ----

run 0 "status --json before publish" a status --json
outbox_before=$(json_get 'j["outbox"]')
run 0 "publish" a publish --kind incident --area it_telephony --service tes --priority 3 \
  --title "Planerad åtgärd saknas – CLI-test" --description "Från driftkoll-cli" \
  --scope "Hemtjänsten" --external-ref INC-1 --expected-end "2099-01-01 12:00"
new_id=$(tail -n 1 "$tmp/stdout")
check "publish prints the new case's id ($new_id)" is_uuid "$new_id"
run 0 "status --json after publish" a status --json
check "the case waits in the outbox" json "j['outbox'] == $outbox_before + 1"
run 0 "the new case shows before it is sent" a show "$new_id"
check "show says it is not yet sent" grep -q "not yet sent" "$tmp/stdout"
run 0 "search finds the new case, folding diacritics" a search atgard --json
check "search atgard finds åtgärd" json "'$new_id' in [c['id'] for c in j]"
run 0 "report" a report --service tes --unit "Hemtjänst Norr" --reporter "Anna Ek" \
  --contact 0701234567 --description "TES-appen startar inte"
check "report prints the report's id" is_uuid "$(tail -n 1 "$tmp/stdout")"
run 0 "sync sends the outbox" a sync
run 0 "status --json after sync" a status --json
check "the outbox is empty after sync" json 'j["outbox"] == 0 and j["rejected"] == []'
run 0 "show --json after sync" a show "$new_id" --json
check "the server numbered the new case" json 'j["number"].startswith("DK-") and j["revision"] >= 1'
new_number=$(json_get 'j["number"]')
run 0 "update" a update "$new_number" --phrase troubleshooting --text "Felsökning pågår"
run 0 "sync sends the update" a sync

run_with_input "demo" 0 "a second client logs in as staff" b --server "$url" login staff
run 0 "the second client syncs" b sync
run 0 "the second client shows the published case by number" b show "$new_number" --json
check "the published case is on the server, with its update" \
  json "j['id'] == '$new_id' and j['title'].startswith('Planerad åtgärd') and len(j['updates']) == 1 and j['updates'][0]['phrase'] == 'troubleshooting'"

# ---- a change the server rejects ----

run 0 "staff may queue a publication" b publish --kind incident --area it_telephony \
  --service tes --priority 3 --title "Staff may not publish this"
staff_id=$(tail -n 1 "$tmp/stdout")
run 0 "sync with a rejected change still syncs" b sync
run 0 "status shows the rejected change" b status
check "status names the rejected change" grep -q "case.create" "$tmp/stdout"
check "status counts it" grep -Eq "Rejected: +1" "$tmp/stdout"
run 0 "status --json shows the rejected change" b status --json
check "status --json: rejected as forbidden" \
  json "len(j['rejected']) == 1 and j['rejected'][0]['object_id'] == '$staff_id' and j['rejected'][0]['error']['code'] == 'forbidden'"
run 0 "the first client syncs again" a sync
run 1 "the rejected case never reached the server" a show "$staff_id"

# ---- offline ----

stop_server
old_url=$url

run 0 "publish offline" a publish --kind incident --area it_telephony --service tes \
  --priority 2 --title "Offline CLI-test"
offline_id=$(tail -n 1 "$tmp/stdout")
run 0 "update offline" a update "$new_number" --phrase monitoring --text "Bevakning offline"
run 0 "close offline" a close "$new_number" --text "Klart offline"
run 0 "list works offline" a list
check "list offline shows the new case" grep -q "Offline CLI-test" "$tmp/stdout"
run 0 "show works offline" a show "$offline_id"
run 0 "status works offline" a status
check "status says offline" grep -q offline "$tmp/stdout"
run 0 "status --json offline" a status --json
check "status --json: offline with three changes waiting" json 'j["online"] is False and j["outbox"] == 3'
run 1 "sync fails offline" a sync
check "the failure is on stderr" test -s "$tmp/stderr"
run 0 "status --json after the failed sync" a status --json
check "nothing left the outbox" json 'j["outbox"] == 3'

start_server
check "the server came back on a new port" test "$url" != "$old_url"
run 0 "sync after the restart sends the outbox" a --server "$url" sync
run 0 "status --json after the restart" a --server "$url" status --json
check "the outbox is empty" json 'j["outbox"] == 0 and j["rejected"] == [] and j["online"] is True'
run 0 "a second sync" a --server "$url" sync
run 0 "sync --json" a sync --json
check "sync --json has every member" \
  json 'all(k in j for k in ("cursor", "pulled", "outbox", "rejected"))'
check "sync --json: caught up, nothing pulled again, nothing waiting" \
  json 'j["cursor"] > 0 and j["pulled"] == 0 and j["outbox"] == 0 and j["rejected"] == []'
run 2 "sync --json with --watch is bad usage" a sync --json --watch
check "the failure says why" grep -q -- "--watch" "$tmp/stderr"
run 0 "the second client syncs after the restart" b --server "$url" sync
run 0 "list --json on the second client" b list --json
check "the offline case is on the server exactly once" \
  json 'len([c for c in j if c["title"] == "Offline CLI-test"]) == 1'
run 0 "show --json of the closed case on the second client" b show "$new_number" --json
check "the offline update arrived exactly once" \
  json 'len([u for u in j["updates"] if u["text"] == "Bevakning offline"]) == 1'
check "the case was closed" json 'j["status"] == "closed" and j["closed_at"]'

# ---- logout ----

run 0 "logout" a --server "$url" logout
run 0 "status after logout" a status
check "status says nobody is logged in" grep -qi "not logged in" "$tmp/stdout"
run 1 "publish after logout fails" a publish --kind incident --area it_telephony \
  --service tes --priority 3 --title "After logout"
run 0 "the replica still reads after logout" a list
run 0 "the second client logs out" b --server "$url" logout

stop_server

finish
