#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# test-cli-units.sh: the catalogue of units from driftkoll-cli against a real
# driftkoll-server with the demo data: every logged-in user lists it, admins and routine
# owners keep it (offline through the outbox, sent by sync), a name or alias points at
# one unit only, and "run start --unit" and "print pack --unit" take an alias for the
# catalogue's name ("avd 12" starts a run on "Avdelning 12"); free text stays possible.
#
# Needs DRIFTKOLL_SERVER and DRIFTKOLL_CLI (tests/meson.build sets them), python3.

set -eu

test_name=cli-units
# shellcheck source=tests/test-env.sh
. "$(dirname "$0")/test-env.sh"
: "${cli:?DRIFTKOLL_CLI must name the driftkoll-cli binary}"
LC_ALL=C.UTF-8
export LC_ALL

# a is an admin, b is staff (a nurse), r a routine owner.
a () { "$cli" --data-dir "$tmp/a" "$@"; }
b () { "$cli" --data-dir "$tmp/b" "$@"; }
r () { "$cli" --data-dir "$tmp/r" "$@"; }

# ---- usage ----

run 0 "--help exits 0" "$cli" --help
check "--help lists units" grep -q "^  units " "$tmp/stdout"
check "--help lists unit" grep -q "^  unit " "$tmp/stdout"
for command in units "unit save" "unit delete"; do
  # shellcheck disable=SC2086 # split "unit save" into two words
  run 0 "$command --help exits 0" "$cli" --data-dir "$tmp/a" $command --help
  check "$command --help prints a usage" grep -q "Usage" "$tmp/stdout"
done
run 2 "unit without a sub-command is bad usage" a unit
run 2 "unit save without a name is bad usage" a unit save
run 2 "unit save with two names is bad usage" a unit save "Avd 3" "Avd 4"
run 2 "unit save with --alias and --no-aliases is bad usage" a unit save X --alias Y --no-aliases
run 2 "unit delete without a unit is bad usage" a unit delete
run 0 "units before any sync reads the empty replica" a units
check "it says there are none" grep -q "No units" "$tmp/stdout"
run 1 "unit save before login fails" a unit save "Avdelning 3"
check "the failure says to log in" grep -q "login" "$tmp/stderr"

# ---- logging in ----

make_demo_db
start_server
pass "the server starts"

run_with_input demo 0 "a logs in as admin" a --server "$url" login admin
run_with_input demo 0 "b logs in as staff" b --server "$url" login staff
run_with_input demo 0 "r logs in as routine_owner" r --server "$url" login routine_owner
run 0 "a syncs" a sync
run 0 "b syncs" b sync
run 0 "r syncs" r sync

# ---- every logged-in user reads the catalogue ----

run 0 "staff lists the units" b units
check "units has a header row" grep -q "ALIASES" "$tmp/stdout"
check "Avdelning 12 is listed with its alias" grep -q "Avdelning 12 .*Avd 12" "$tmp/stdout"
run 0 "units --json" b units --json
check "the demo units come with their aliases, by name" \
  json '[u["name"] for u in j] == sorted([u["name"] for u in j], key=str.casefold) and ["Avd 12" in u["aliases"] for u in j if u["name"] == "Avdelning 12"] == [True] and all(u["revision"] >= 1 and u["updated_by"] for u in j)'
avd12=$(json_get '[u["id"] for u in j if u["name"] == "Avdelning 12"][0]')

# ---- admins keep it, offline first ----

run 0 "the admin adds a unit" a unit save "Avdelning 3" --alias "Avd 3" --alias "Avd. 3"
unit3=$(tail -n 1 "$tmp/stdout")
run 0 "units shows it waiting" a units
check "it is marked as waiting to be sent" grep -q "Avdelning 3 (waiting to be sent)" "$tmp/stdout"
run 0 "sync sends it" a sync
run 0 "b syncs" b sync
run 0 "staff sees the new unit" b units --json
check "the unit came through the server" \
  json "[(u['name'], u['aliases'], u['updated_by']) for u in j if u['id'] == '$unit3'] == [('Avdelning 3', ['Avd 3', 'Avd. 3'], 'admin')]"

run 0 "the routine owner renames it (by --id)" r sync
run 0 "rename" r unit save "Vårdavdelning 3" --id "$unit3" --alias "Avd 3" --alias "Avdelning 3"
run 0 "sync sends the rename" r sync
run 0 "units --json after the rename" r units --json
check "renamed, the old name kept as an alias, revision 2" \
  json "[(u['name'], u['aliases'], u['revision'], u['updated_by']) for u in j if u['id'] == '$unit3'] == [('Vårdavdelning 3', ['Avd 3', 'Avdelning 3'], 2, 'routine_owner')]"

# ---- bad input: clear errors, nothing queued ----

run 1 "an alias that is another unit's name is refused" a unit save "Avdelning 99" --alias "avdelning 12"
check "the failure names the unit that has it" grep -q "Avdelning 12" "$tmp/stderr"
run 1 "a name that is another unit's alias (other case and spaces) is refused" a unit save "AVD  12"
check "the failure says it is an alias" grep -q "alias of the unit “Avdelning 12”" "$tmp/stderr"
run 1 "an alias given twice is refused" a unit save "Avdelning 98" --alias "Avd 98" --alias "avd98"
check "the failure names it" grep -q "Avd 98\|avd98" "$tmp/stderr"
run 1 "a blank name is refused" a unit save "   "
check "the failure says it is empty" grep -q "name: must not be empty" "$tmp/stderr"
long=$(python3 -c 'print("A" * 81)')
run 1 "an 81-character name is refused" a unit save "$long"
check "the failure says how long it may be" grep -q "at most 80" "$tmp/stderr"
run 1 "an empty alias is refused" a unit save "Avdelning 97" --alias ""
check "the failure names the alias" grep -q "aliases\[0\]" "$tmp/stderr"
run 1 "an unknown --id is refused" a unit save "Avdelning 96" --id 00000000-0000-4000-8000-000000000000
check "the failure names the id" grep -q "00000000-0000-4000-8000-000000000000" "$tmp/stderr"
run 1 "deleting an unknown unit is refused" a unit delete "Avdelning 404"
check "the failure names it" grep -q "Avdelning 404" "$tmp/stderr"
run 0 "status --json" a status --json
check "nothing of that was queued" json 'j["outbox"] == 0'

# ---- staff may not keep it: the server says so ----

run 0 "staff queues a unit (the server judges)" b unit save "Avdelning 50"
run 0 "staff syncs" b sync
run 0 "status --json shows the server's reason" b status --json
check "refused as forbidden, naming the roles" \
  json '[(x["op"], x["error"]["code"]) for x in j["rejected"]] == [("unit.save", "forbidden")] and "Routine owner" in j["rejected"][0]["error"]["message"]'

# ---- runs and packs use the catalogue ----

run 0 "routines --json" b routines --json
routine=$(json_get '[x["id"] for x in j if x.get("approved_at")][0]')
run 0 "run start with an alias in another case" b run start "$routine" --unit "avd 12"
run_id=$(tail -n 1 "$tmp/stdout")
run 0 "run show --json" b run show "$run_id" --json
check "the run is on the catalogue's Avdelning 12" json 'j["unit"] == "Avdelning 12"'
run 0 "run start with free text" b run start "$routine" --unit "Avdelning 77"
run_id=$(tail -n 1 "$tmp/stdout")
run 0 "run show --json" b run show "$run_id" --json
check "a unit not in the catalogue stays as typed" json 'j["unit"] == "Avdelning 77"'
run 0 "print pack with an alias" b print pack --unit "Avd. 12" --pdf "$tmp/pack.pdf"
if command -v pdftotext >/dev/null; then
  check "the pack's cover names the catalogue's unit" sh -c "pdftotext '$tmp/pack.pdf' - | grep -q 'Avdelning 12'"
fi

# ---- delete ----

run 0 "the admin deletes a unit by its alias" a unit delete "Avd 3"
run 0 "units --json right after" a units --json
check "it leaves the catalogue at once" json "'$unit3' not in [u['id'] for u in j]"
run 0 "sync sends the deletion" a sync
run 0 "b syncs" b sync
run 0 "staff's units --json" b units --json
check "it is gone for staff too" json "'$unit3' not in [u['id'] for u in j] and '$avd12' in [u['id'] for u in j]"
run 0 "its name is free again" a unit save "Avdelning 3"
run 0 "sync" a sync
run 0 "status --json" a status --json
check "nothing was refused" json 'not j["rejected"]'

stop_server
finish
