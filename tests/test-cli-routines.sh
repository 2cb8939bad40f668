#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# test-cli-routines.sh: driftkoll-cli's routine library and runs against a real server:
# filters and the expiry warning, revisions and the diff, a run ticked from two data
# dirs (one of them offline) with every tick kept and attributed, usage errors.
#
# Needs DRIFTKOLL_SERVER and DRIFTKOLL_CLI (tests/meson.build sets them), python3.

set -eu

test_name=cli-routines
# shellcheck source=tests/test-env.sh
. "$(dirname "$0")/test-env.sh"
: "${cli:?DRIFTKOLL_CLI must name the driftkoll-cli binary}"
LC_ALL=C.UTF-8
export LC_ALL

a () { "$cli" --data-dir "$tmp/a" "$@"; }
b () { "$cli" --data-dir "$tmp/b" "$@"; }

make_demo_db
start_server
pass "the server starts"

run_with_input demo 0 "a logs in as staff" a --server "$url" login staff
run_with_input demo 0 "b logs in as servicedesk" b --server "$url" login servicedesk
run 0 "a syncs" a sync
run 0 "b syncs" b sync

# ---- the library ----

run 0 "routines lists by service and audience" a routines
check "the TES routine is listed" grep -q "driftstopp-tes" "$tmp/stdout"
check "an expired routine is flagged" grep -q "Expired [0-9]* days ago" "$tmp/stdout"
check "a routine expiring within 30 days is flagged" grep -q "Expires in [0-9]* days" "$tmp/stdout"
run 0 "routines --service tes --json" a routines --service tes --json
check "only the TES routine, valid" \
  json 'len(j) == 1 and j[0]["id"] == "driftstopp-tes" and j[0]["validity"]["state"] == "valid"'
run 0 "routines --json carries the validity" a routines --json
check "the expired routine says so" \
  json 'any(r["validity"]["state"] == "expired" and r["validity"]["days_left"] < 0 and r["validity"]["warning"] for r in j)'
run 0 "routines --search folds diacritics" a routines --search "konventionella nycklar" --json
check "the search finds the TES routine by a step's words" json '[r["id"] for r in j] == ["driftstopp-tes"]'
run 0 "routines --search with no match" a routines --search "zzzz ingenting" --json
check "nothing matches" json 'j == []'
run 0 "routines --audience" a routines --audience "legitimerad personal" --json
check "one routine for licensed staff" json 'len(j) == 1 and j[0]["audience"] == "Legitimerad personal"'
run 0 "routine shows the expiry warning" a routine hsl-dokumentation-legitimerad-personal
check "routine warns" grep -q "Warning:.*Expired" "$tmp/stdout"

# ---- revisions ----

run 0 "routine --revisions" a routine driftstopp-tes --revisions
check "the approved revision is listed" grep -Eq "^6 " "$tmp/stdout"
run 0 "routine --diff of a revision with itself" a routine driftstopp-tes --diff 6 6
check "no changes" grep -q "No changes" "$tmp/stdout"
run 1 "routine --diff with an unknown revision fails" a routine driftstopp-tes --diff 6 99
check "the failure names the revision" grep -q "99" "$tmp/stderr"
run 2 "routine --diff with one revision is bad usage" a routine driftstopp-tes --diff 6
run 2 "routine with revisions but no --diff is bad usage" a routine driftstopp-tes 6 7
run 1 "routine --diff with a bad revision fails" a routine driftstopp-tes --diff six 7

# ---- a run on two desktops, one offline ----

run 0 "run start" a run start driftstopp-tes --unit "Hemtjänst Norr" --case DK-1001
run_id=$(tail -n 1 "$tmp/stdout")
check "run start prints the run's id last" \
  sh -c "printf '%s\n' '$run_id' | grep -Eq '^[0-9a-f-]{36}$'"
run 0 "a sends the run" a sync
run 0 "b gets the run" b sync
run 0 "b ticks offline (no network needed)" b run check "$run_id" during-1 --note "Ringde jouren"
run 0 "b ticks another offline" b run check "$run_id" during-2
run 1 "b's sync fails while offline" b --server http://127.0.0.1:1/ sync
run 0 "a ticks the same step online" a run check "$run_id" during-1
run 0 "a adds a note only" a run check "$run_id" during-4 --note "Nycklarna i skåpet" --note-only
run 0 "a syncs" a sync
run 0 "b comes back and syncs" b --server "$url" sync
run 0 "a syncs again" a sync
run 0 "run show --json on a" a run show "$run_id" --json
check "both ticks on during-1 are kept and attributed" \
  json 'sorted(t["by"] for s in j["steps"] if s["step"] == "during-1" for t in s["ticks"]) == ["servicedesk", "staff"]'
check "b's offline tick on during-2 arrived" \
  json 'any(s["step"] == "during-2" and s["done"] and s["by"] == "servicedesk" for s in j["steps"])'
check "a note alone does not tick" \
  json 'any(s["step"] == "during-4" and not s["done"] and s["note"] == "Nycklarna i skåpet" for s in j["steps"])'
check "progress per phase" \
  json 'j["phase"] == "during" and j["progress"]["during"]["done"] == 2 and j["progress"]["during"]["total"] == 6'
run 0 "run show on b" b run show "$run_id"
check "who ticked is shown" grep -q "ticked by servicedesk" "$tmp/stdout"
check "the other tick is shown" grep -q "ticked by staff" "$tmp/stdout"
check "the note is shown" grep -q "note by servicedesk .*: Ringde jouren" "$tmp/stdout"
check "the phase progress is shown" grep -q "During the outage  (2 of 6 done)" "$tmp/stdout"
run 0 "b unticks a's step" b run check "$run_id" during-1 --undo
run 0 "b sends the untick" b sync
run 0 "a syncs the untick" a sync
run 0 "run show --json after the untick" a run show "$run_id" --json
check "the later untick wins and keeps both ticks" \
  json 'any(s["step"] == "during-1" and not s["done"] and len(s["ticks"]) == 3 for s in j["steps"])'

# ---- usage ----

run 2 "run check --note-only without --note is bad usage" a run check "$run_id" during-1 --note-only
run 2 "run check --note-only with --undo is bad usage" a run check "$run_id" during-1 --undo \
  --note-only --note x
run 1 "run check of an unknown step fails" a run check "$run_id" no-such-step
run 2 "routines with an argument is bad usage" a routines extra

finish
