#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# test-cli-handling.sh: the writing half of issue 11 from driftkoll-cli against a real
# driftkoll-server with the demo data: message templates, "we are affected too", the
# reserve routine declared and lifted, the service desk's inbox (three units make a
# probable incident), reports linked to the incident, acknowledged and closed, and what
# a careless script or a wrong role gets (usage errors, clear messages, the server's
# reason).
#
# Needs DRIFTKOLL_SERVER and DRIFTKOLL_CLI (tests/meson.build sets them), python3.

set -eu

test_name=cli-handling
# shellcheck source=tests/test-env.sh
. "$(dirname "$0")/test-env.sh"
: "${cli:?DRIFTKOLL_CLI must name the driftkoll-cli binary}"
LC_ALL=C.UTF-8
export LC_ALL

# a is the service desk, b is staff (a nurse), c a lab communicator.
a () { "$cli" --data-dir "$tmp/a" "$@"; }
b () { "$cli" --data-dir "$tmp/b" "$@"; }
c () { "$cli" --data-dir "$tmp/c" "$@"; }

# ---- usage ----

run 0 "--help exits 0" "$cli" --help
for command in templates template affected reserve inbox link; do
  check "--help lists $command" grep -q "^  $command " "$tmp/stdout"
done
for command in templates "template save" "template delete" affected reserve inbox link \
               "report ack" "report close"; do
  # shellcheck disable=SC2086 # split "template save" into two words
  run 0 "$command --help exits 0" "$cli" --data-dir "$tmp/a" $command --help
  check "$command --help prints a usage" grep -q "Usage" "$tmp/stdout"
done
check "no --help made the data dir" test ! -e "$tmp/a"

run 2 "template without a sub-command is bad usage" a template
run 2 "an unknown template sub-command is bad usage" a template frobnicate
run 2 "template save without --name is bad usage" a template save --language sv \
  --kind incident --area it_telephony --title T --description D
run 2 "template save with an unknown kind is bad usage" a template save --name N \
  --language sv --kind outage --area it_telephony --title T --description D
run 2 "template save with an unknown role is bad usage" a template save --name N \
  --language sv --kind incident --area it_telephony --title T --description D --team boss
check "the unknown role is named" grep -q boss "$tmp/stderr"
run 2 "template delete without an id is bad usage" a template delete
run 2 "affected without --unit is bad usage" a affected DK-1
run 2 "reserve without --declare or --lift is bad usage" a reserve DK-1
run 2 "reserve with both is bad usage" a reserve DK-1 --declare --lift --all
run 2 "reserve --declare without units is bad usage" a reserve DK-1 --declare
run 2 "reserve --declare with --all and --unit is bad usage" a reserve DK-1 --declare --all \
  --unit "Avd 3"
run 2 "reserve --lift with --all is bad usage" a reserve DK-1 --lift --all
run 2 "link with one argument is bad usage" a link FA-1
run 2 "report ack without a report is bad usage" a report ack
run 2 "inbox --threshold 0 is bad usage" a inbox --threshold 0
run 1 "affected before login fails" a affected DK-1 --unit "Avd 3"
check "the failure says to log in" grep -q "login" "$tmp/stderr"

# ---- logging in ----

make_demo_db
start_server
pass "the server starts"

run_with_input demo 0 "a logs in as servicedesk" a --server "$url" login servicedesk
run_with_input demo 0 "b logs in as staff" b --server "$url" login staff
run_with_input demo 0 "c logs in as lab_communicator" c --server "$url" login lab_communicator
run 0 "a syncs" a sync
run 0 "b syncs" b sync
run 0 "c syncs" c sync

# ---- templates ----

run 0 "templates" a templates
check "templates has a header row" grep -q "NAME" "$tmp/stdout"
run 0 "templates --json" a templates --json
check "the service desk sees its team's demo template" \
  json 'len(j) >= 1 and all(t["team"] == "servicedesk" or t["owner"] == "servicedesk" for t in j)'
shared_id=$(json_get '[t for t in j if t["team"] == "servicedesk"][0]["id"]')
run 0 "c's templates --json" c templates --json
check "the lab communicator does not see the service desk's template" \
  json "'$shared_id' not in [t['id'] for t in j]"

run 0 "template save (offline until sync)" a template save --name "Telefonistörning" \
  --language sv --kind incident --area it_telephony --title "{service} störd" \
  --description "{service} används dygnet runt. Störningen började {start}." --scope "{scope}"
tmpl_id=$(tail -n 1 "$tmp/stdout")
run 0 "templates shows it waiting" a templates
check "it is marked as waiting to be sent" grep -q "Telefonistörning (waiting to be sent)" \
  "$tmp/stdout"
run 0 "sync sends the template" a sync
run 0 "templates --json after sync" a templates --json
check "the template is on the server, private, owned by servicedesk" \
  json "[(t['owner'], t['team'], t['revision'] >= 1) for t in j if t['id'] == '$tmpl_id'] == [('servicedesk', None, True)]"
run 0 "template save --id changes it, sharing it with the team" a template save \
  --id "$tmpl_id" --name "Telefonistörning, delad" --team servicedesk
run 0 "sync sends the change" a sync
run 0 "templates --json after the change" a templates --json
check "the change is on the server" \
  json "[(t['name'], t['team']) for t in j if t['id'] == '$tmpl_id'] == [('Telefonistörning, delad', 'servicedesk')]"
run 0 "template delete" a template delete "$tmpl_id"
run 0 "templates --json right after delete" a templates --json
check "a deleted template leaves the list at once" json "'$tmpl_id' not in [t['id'] for t in j]"
run 0 "sync sends the deletion" a sync
run 0 "templates --json after the deletion" a templates --json
check "the template stays deleted after sync" json "'$tmpl_id' not in [t['id'] for t in j]"
run 1 "deleting it again fails" a template delete "$tmpl_id"
check "the failure names the template" grep -q "$tmpl_id" "$tmp/stderr"
run 1 "a template of another team is not there to delete" c template delete "$shared_id"
run 0 "staff may queue a template" b template save --name "Min mall" --language sv \
  --kind incident --area it_telephony --title T --description D
run 0 "sync with the staff template" b sync
run 0 "status --json shows the server's reason" b status --json
check "refused as forbidden, with the server's reason" \
  json '[(r["op"], r["error"]["code"]) for r in j["rejected"]] == [("template.save", "forbidden")] and "publish" in j["rejected"][0]["error"]["message"]'

# ---- the inbox: three units make a probable incident ----

run 1 "staff has no inbox" b inbox
check "the failure says who handles reports" grep -qi "servicedesk\|service desk" "$tmp/stderr"

report_tes () {
  run 0 "$1 reports a TES fault" b report --service tes --unit "$1" --reporter "Eva" \
    --contact "040-33 10 00" --description "TES går inte att starta"
}
report_tes "Avd 12"
report_tes "Avd 14"
run 0 "b sends two reports" b sync
run 0 "a syncs them" a sync
run 0 "inbox --json" a inbox --json
check "two units on TES are no incident yet" \
  json '[(g["units"], g["probable_incident"]) for g in j if g["service"] == "tes"] == [(2, False)]'
report_tes "Akuten"
run 0 "b sends the third" b sync
run 0 "a syncs it" a sync
run 0 "inbox --json" a inbox --json
# The units were typed as aliases: the reports carry the catalogue's names.
check "three units on TES are a probable incident, newest first" \
  json '[(g["units"], g["probable_incident"], [r["unit"] for r in g["reports"]]) for g in j if g["service"] == "tes"] == [(3, True, ["Akutmottagningen", "Avdelning 14", "Avdelning 12"])]'
check "the TES group is first (it has the newest report)" json 'j[0]["service"] == "tes"'
numbers=$(json_get '" ".join(r["number"] for r in j[0]["reports"])')
first=$(echo "$numbers" | cut -d " " -f 1)
second=$(echo "$numbers" | cut -d " " -f 2)
third=$(echo "$numbers" | cut -d " " -f 3)
run 0 "inbox" a inbox
check "the inbox marks the probable incident" grep -q "TES.*PROBABLE INCIDENT" "$tmp/stdout"
run 0 "inbox --threshold 4 --json" a inbox --threshold 4 --json
check "four units would be needed then" \
  json '[g["probable_incident"] for g in j if g["service"] == "tes"] == [False]'

# ---- one incident, the reports linked to it ----

run 0 "a publishes the incident (offline until sync)" a publish --kind incident \
  --area it_telephony --service tes --priority 2 --title "TES går inte att starta" \
  --scope "Avd 12, Avd 14, Akuten"
case_id=$(tail -n 1 "$tmp/stdout")
for report in "$first" "$second" "$third"; do
  run 0 "link $report to the new incident" a link "$report" "$case_id"
done
run 1 "linking a report twice fails" a link "$first" "$case_id"
check "the failure says it is linked already" grep -q "linked to .* already" "$tmp/stderr"
run 1 "linking an unknown report fails" a link FA-404 "$case_id"
check "the failure names the report" grep -q "FA-404" "$tmp/stderr"
run 1 "linking to an unknown case fails" a link "$first" DK-404
run 0 "sync sends the incident and the links in one go" a sync
check "nothing was rejected" grep -q ", 0 rejected" "$tmp/stdout"
run 0 "show --json of the incident" a show "$case_id" --json
check "the incident lists its three reports" json 'len(j["reports"]) == 3'
case_number=$(json_get 'j["number"]')
run 0 "inbox --json after linking" a inbox --json
check "linked reports wait no more" json '[g for g in j if g["service"] == "tes"] == []'
run 0 "inbox --all --json" a inbox --all --json
check "--all shows them linked to the incident" \
  json "sorted((r['state'], r['case_number']) for g in j if g['service'] == 'tes' for r in g['reports']) == [('linked', '$case_number')] * 3"

# ---- acknowledge and close single reports ----

report_tes "Avd 3"
run 0 "b sends a fourth report" b sync
run 0 "a syncs it" a sync
run 0 "inbox --json" a inbox --json
fourth=$(json_get '[r["number"] for g in j if g["service"] == "tes" for r in g["reports"]][0]')
run 0 "report ack with a note" a report ack "$fourth" --note "Vi tittar på det"
run 1 "acknowledging it twice fails" a report ack "$fourth"
check "the failure says why" grep -q "only a new report" "$tmp/stderr"
run 0 "sync sends the acknowledgement" a sync
run 0 "inbox --json" a inbox --json
check "the report is acknowledged, with the note and the handler" \
  json "[(r['state'], r['note'], r['handled_by']) for g in j for r in g['reports'] if r['number'] == '$fourth'] == [('acknowledged', 'Vi tittar på det', 'servicedesk')]"
run 0 "report close" a report close "$fourth" --note "Löst: omstart av klienten"
run 1 "closing it twice fails" a report close "$fourth"
run 1 "acknowledging an unknown report fails" a report ack FA-404
check "the failure names the report" grep -q "FA-404" "$tmp/stderr"
run 0 "sync sends the closing" a sync
check "nothing was rejected" grep -q ", 0 rejected" "$tmp/stdout"
run 0 "inbox --all --json" a inbox --all --json
check "the report is closed" \
  json "[r['state'] for g in j for r in g['reports'] if r['number'] == '$fourth'] == ['closed']"
run 0 "staff may queue an acknowledgement of their own report (not yet closed here)" \
  b report ack "$fourth"
run 0 "b sends it" b sync
run 0 "status --json" b status --json
check "refused as forbidden, with the server's reason" \
  json '[r["error"]["code"] for r in j["rejected"] if r["op"] == "report.acknowledge"] == ["forbidden"] and all(r["error"]["message"] for r in j["rejected"])'

# ---- we are affected too ----

run 0 "affected on the incident" b affected "$case_number" --unit "Avd 20"
run 1 "the same unit twice fails" b affected "$case_number" --unit "avd 20"
check "the failure says it is listed" grep -q "already says that avd 20 is affected" "$tmp/stderr"
run 0 "a unit typed as a catalogue alias" b affected "$case_number" --unit "avd 14"
run 0 "b sends them" b sync
run 0 "a syncs" a sync
run 0 "show --json" a show "$case_number" --json
check "the publishers see the units (the alias as the catalogue's name), when and by whom" \
  json '[(x["unit"], x["by"]) for x in j["affected"]] == [("Avd 20", "staff"), ("Avdelning 14", "staff")] and all(x["at"] for x in j["affected"])'

# ---- the reserve routine ----

run 0 "reserve --declare for two units" a reserve "$case_number" --declare --unit "Avd 12" \
  --unit "Akuten" --text "Övergå till reservrutin"
run 0 "sync sends it" a sync
check "nothing was rejected" grep -q ", 0 rejected" "$tmp/stdout"
run 0 "show --json" a show "$case_number" --json
check "the reserve routine is in force for the two units, by their catalogue names" \
  json '[(e["action"], e["all_units"], e["units"], e["author"]) for e in j["reserve"]] == [("declared", False, ["Avdelning 12", "Akutmottagningen"], "servicedesk")]'
run 0 "reserve --declare --all widens it" a reserve "$case_number" --declare --all
run 0 "reserve --lift" a reserve "$case_number" --lift --text "TES fungerar igen"
run 1 "lifting it twice fails" a reserve "$case_number" --lift
check "the failure says nothing is in force" grep -q "no reserve routine in force" "$tmp/stderr"
run 0 "sync sends both" a sync
run 0 "show --json" a show "$case_number" --json
check "declared, widened and lifted are all on the case" \
  json '[e["action"] for e in j["reserve"]] == ["declared", "declared", "lifted"]'
run 0 "b syncs" b sync
run 0 "staff may queue a declaration" b reserve "$case_number" --declare --all
run 0 "sync with the staff declaration" b sync
run 0 "status --json" b status --json
check "refused as forbidden, with the server's reason" \
  json '"forbidden" in [r["error"]["code"] for r in j["rejected"] if r["op"] == "case.reserve"] and all(r["error"]["message"] for r in j["rejected"])'

# ---- closing the incident closes its reports ----

run 0 "close the incident" a close "$case_number" --text "TES fungerar igen"
run 0 "sync sends it" a sync
run 0 "b syncs" b sync
run 0 "a syncs" a sync
run 0 "inbox --all --json" a inbox --all --json
check "the linked reports closed with the case" \
  json "sorted(r['state'] for g in j if g['service'] == 'tes' for r in g['reports'] if r['case_number'] == '$case_number') == ['closed'] * 3"
run 1 "affected on a closed case fails" b affected "$case_number" --unit "Avd 21"
check "the failure says it is closed" grep -q "is closed" "$tmp/stderr"
run 1 "linking to a closed case fails" a link "$fourth" "$case_number"

stop_server
finish
