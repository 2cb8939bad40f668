#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# test-print.sh: driftkoll-cli print routine|pack|case against a real driftkoll-server
# with the demo data, the PDFs read as a person would: their words with pdftotext, their
# pages with pdfinfo, and every page as a PNG (pdftoppm) in the build dir's
# tests/screenshots to look at. Also the errors: an unknown routine or case, a missing
# folder, a full disk; none of them leaves a file behind.
#
# Needs DRIFTKOLL_SERVER and DRIFTKOLL_CLI (tests/meson.build sets them), python3 and
# poppler-utils.

set -eu

test_name=print
# shellcheck source=tests/test-env.sh
. "$(dirname "$0")/test-env.sh"
: "${cli:?DRIFTKOLL_CLI must name the driftkoll-cli binary}"
shots=${G_TEST_BUILDDIR:-.}/screenshots

# The footer's times are local; in UTC they read like the replica's.
TZ=UTC
export TZ

for tool in pdftotext pdfinfo pdftoppm; do
  command -v "$tool" >/dev/null || bail "$tool is installed (poppler-utils)"
done

a () { "$cli" --data-dir "$tmp/a" "$@"; }

# words FILE.pdf [PAGE]: the text of a PDF (or one page) on one line, runs of white
# space made one space, so that wrapped lines read as they were written.
words () {
  if [ $# -gt 1 ]; then
    pdftotext -f "$2" -l "$2" "$1" - 2>/dev/null | tr -s ' \n\t\f' '    '
  else
    pdftotext "$1" - 2>/dev/null | tr -s ' \n\t\f' '    '
  fi
}

# has FILE.pdf TEXT: the PDF says TEXT (TEXT on one line as in words)
has () {
  words "$1" | grep -qF -- "$2"
}

# lacks FILE.pdf TEXT: the PDF does not say TEXT, though it has words
lacks () {
  words "$1" | grep -q . && ! words "$1" | grep -qF -- "$2"
}

# count_in FILE.pdf TEXT: how many times the PDF says TEXT
count_in () {
  words "$1" | grep -oF -- "$2" | wc -l
}

# every_page_numbered FILE.pdf: "Page N of M" once on every one of the M pages
every_page_numbered () {
  n=$(pages "$1")
  [ "$(pdftotext "$1" - | grep -c "^Page [0-9]* of $n\$")" -eq "$n" ]
}

pages () {
  pdfinfo "$1" 2>/dev/null | sed -n 's/^Pages: *//p'
}

# shoot FILE.pdf NAME: every page as NAME-N.png in $shots; true when there is one PNG
# for every page
shoot () {
  rm -f "$shots/$2"-*.png
  pdftoppm -png -r 80 "$1" "$shots/$2" || return 1
  [ "$(ls "$shots/$2"-*.png | wc -l)" -eq "$(pages "$1")" ]
}

# step_texts ROUTINE: every step's text of a routine, one a line, white space as in words
step_texts () {
  a routine "$1" --json | python3 -c '
import json, sys
for step in json.load(sys.stdin)["steps"]:
    print(" ".join(step["text"].split()))
'
}

# every_step_on_one_page FILE.pdf ROUTINE: each step of ROUTINE is whole on some page
every_step_on_one_page () {
  n=$(pages "$1")
  step_texts "$2" >"$tmp/steps"
  i=1
  : >"$tmp/pages"
  while [ "$i" -le "$n" ]; do
    words "$1" "$i" >>"$tmp/pages"
    echo >>"$tmp/pages"
    i=$((i + 1))
  done
  while IFS= read -r text; do
    grep -qF -- "$text" "$tmp/pages" || { echo "# split or missing: $text"; return 1; }
  done <"$tmp/steps"
}

# in_order FILE.pdf A B C...: the words appear in this order
in_order () {
  file=$1
  shift
  python3 -c '
import sys
text = sys.stdin.read()
at = 0
for word in sys.argv[1:]:
    found = text.find(word, at)
    if found < 0:
        sys.exit(1)
    at = found + len(word)
' "$@" <<EOT
$(words "$file")
EOT
}

mkdir -p "$shots"

make_demo_db
start_server

run_with_input demo 0 "staff logs in" a --server "$url" login staff
run 0 "staff syncs the demo data" a sync
a status --json >"$tmp/status.json"
as_of=$(python3 -c '
import json, sys
t = json.load(open(sys.argv[1]))["last_sync"]
print(t[:10] + " " + t[11:16])
' "$tmp/status.json")

# ---- usage ----

run 0 "--help lists print" "$cli" --help
check "... as a command" grep -q "^  print " "$tmp/stdout"
run 0 "print --help exits 0" a print --help
cp "$tmp/stdout" "$tmp/print-help"
for command in routine pack case; do
  check "print --help lists $command" grep -q "^  $command " "$tmp/print-help"
  run 0 "print $command --help exits 0" a print "$command" --help
  check "print $command --help names --pdf" grep -q -- "--pdf" "$tmp/stdout"
done
run 2 "print with no kind is bad usage" a print
run 2 "print routine without --pdf is bad usage" a print routine driftstopp-tes
run 2 "print routine without a routine is bad usage" a print routine --pdf "$tmp/x.pdf"
run 2 "print pack without --unit is bad usage" a print pack --pdf "$tmp/x.pdf"
run 2 "print case without --pdf is bad usage" a print case DK-1001
run 2 "print poster is an unknown command" a print poster --pdf "$tmp/x.pdf"
check "bad usage wrote no file" test ! -e "$tmp/x.pdf"

# ---- a routine ----

routine="$tmp/routine.pdf"
run 0 "print routine driftstopp-tes writes a PDF" a print routine driftstopp-tes --pdf "$routine"
check "... that pdfinfo reads, with its title" \
  sh -c "pdfinfo '$routine' | grep -q '^Title: *Driftstopp TES\$'"
check "... on 1 to 3 pages" test "$(pages "$routine")" -ge 1 -a "$(pages "$routine")" -le 3
check "... titled" has "$routine" "RESERVE ROUTINE Driftstopp TES"
step_texts driftstopp-tes >"$tmp/steps"
missing=0
while IFS= read -r text; do
  has "$routine" "$text" || { missing=$((missing + 1)); echo "# missing: $text"; }
done <"$tmp/steps"
check "... every one of its $(wc -l <"$tmp/steps") steps in full" test "$missing" -eq 0
check "... no step split across pages" every_step_on_one_page "$routine" driftstopp-tes
check "... the phases in order, before, during, after" \
  in_order "$routine" "Before" "Skriv ut blanketter" "During" "Rapportera driftstoppet" \
           "After" "Driftstopp upp till 10 timmar"
check "... its document control: owner" has "$routine" "Objektledare TES"
check "... revision" in_order "$routine" "Revision" "Approved" "Valid until"
check "... the audience" has "$routine" "Omvårdnadspersonal"
check "... the approval and who gave it" has "$routine" "by routine_owner"
check "... the 10-hour conditions in words" \
  in_order "$routine" "Only when the outage lasted 10 hours or less" \
           "Only when the outage lasted more than 10 hours"
check "... the contact with both numbers" \
  has "$routine" "Användarstöd / jouren · office hours 031-390 06 10 · on call 031-390 06 20"
check "... the form a step names" has "$routine" "Form: Post-registration of times and interventions"
check "... a place to sign each step" has "$routine" "Signature · time"
check "... Swedish letters intact (å ä ö)" has "$routine" "Kontrollera med jämna mellanrum om inloggning i TES-appen är möjlig"
check "... a footer with the print time and how fresh the data is" \
  has "$routine" "Data as of $as_of"
check "... printed now" has "$routine" "Printed $(date -u +%Y-%m-%d)"
check "... and page N of M on every page" every_page_numbered "$routine"
check "... a current routine carries no expiry warning" lacks "$routine" "EXPIRED"
check "... nor one that it expires soon" lacks "$routine" "Expires on"
check "... its pages as PNGs" shoot "$routine" print-routine

expired="$tmp/expired.pdf"
run 0 "print routine of an expired routine" \
  a print routine hsl-dokumentation-legitimerad-personal --pdf "$expired"
check "... warns that it has expired" has "$expired" "EXPIRED on"
check "... and whom to ask" has "$expired" "ask its owner (Medicinskt ansvarig sjuksköterska)"
check "... its pages as PNGs" shoot "$expired" print-routine-expired

expiring="$tmp/expiring.pdf"
run 0 "print routine of a routine expiring in 20 days" \
  a print routine genomforandewebben-omvardnadspersonal --pdf "$expiring"
check "... warns that it expires within 30 days" has "$expiring" "in 20 days"
check "... its pages as PNGs" shoot "$expiring" print-routine-expiring

# ---- the downtime pack ----

pack="$tmp/pack.pdf"
run 0 "print pack for a unit writes a PDF" a print pack --unit "Avdelning 12B" --pdf "$pack"
check "... titled for the unit" sh -c "pdfinfo '$pack' | grep -q 'Downtime pack – Avdelning 12B'"
check "... a cover that names the unit" has "$pack" "Downtime pack Avdelning 12B"
check "... every routine the unit follows" \
  in_order "$pack" "Driftstopp TES" "Reservrutin för HSL-dokumentation – legitimerad personal" \
           "Reservrutin för genomförandewebben – omvårdnadspersonal"
for form in "Manual journal note" "Deviation report" \
            "Post-registration of times and interventions"; do
  check "... the blank form $form" has "$pack" "FORM · FILL IN BY HAND $form"
done
check "... the forms' ruled fields" in_order "$pack" "What happened?" "What was done at once?" \
  "Proposed measures" "Entered into the deviation system"
check "... the post-registration table" in_order "$pack" "Patient or client" "Date" "From" "To" \
  "Intervention" "Sign."
# the cover twice, then the three forms' "Unit" blanks
check "... the unit filled in on the forms" test "$(count_in "$pack" "Avdelning 12B")" -ge 5
check "... at least a cover, 3 routines and 3 forms of pages" test "$(pages "$pack")" -ge 7
check "... page N of M on every page" every_page_numbered "$pack"
for routine_id in driftstopp-tes hsl-dokumentation-legitimerad-personal \
                  genomforandewebben-omvardnadspersonal; do
  check "... no step of $routine_id split across pages" every_step_on_one_page "$pack" "$routine_id"
done
# the contents: each entry's page number leads to it
pdftotext -f 1 -l 1 -layout "$pack" - >"$tmp/cover.txt"
contents_ok=1
for entry in "Driftstopp TES" "Deviation report" "Manual journal note" \
             "Post-registration of times and interventions"; do
  page=$(grep -F "$entry" "$tmp/cover.txt" | head -n 1 | sed -n 's/.*[ .]\([0-9][0-9]*\) *$/\1/p')
  if [ -z "$page" ] || ! words "$pack" "$page" | grep -qF "$entry"; then
    echo "# contents: $entry -> page '$page'"
    contents_ok=0
  fi
done
check "... a contents page whose page numbers are right" test "$contents_ok" -eq 1
check "... its pages as PNGs" shoot "$pack" print-pack

tes_pack="$tmp/tes-pack.pdf"
run 0 "print pack --service tes holds only that service's routines" \
  a print pack --unit "Avdelning 12B" --service tes --pdf "$tes_pack"
check "... the TES routine" has "$tes_pack" "Driftstopp TES"
check "... not the Treserva ones" lacks "$tes_pack" "genomförandewebben"
check "... the form it names" has "$tes_pack" "FORM · FILL IN BY HAND Post-registration of times"
check "... and no other" lacks "$tes_pack" "Deviation report"

run 1 "print pack for an unknown service fails" \
  a print pack --unit "Avdelning 12B" --service no-such-service --pdf "$tmp/none.pdf"
check "... saying which" grep -q "no-such-service" "$tmp/stderr"
check "... and writes no file" test ! -e "$tmp/none.pdf"

# ---- a case sheet ----

sheet="$tmp/case.pdf"
run 0 "print case DK-1001 writes a PDF" a print case DK-1001 --pdf "$sheet"
check "... of exactly one page" test "$(pages "$sheet")" -eq 1
check "... the title big" has "$sheet" "Cosmic otillgängligt – ingen åtkomst till journalen"
check "... the kind and status" has "$sheet" "INCIDENT · ONGOING · MAJOR INCIDENT"
check "... the area" has "$sheet" "IT/Telephony"
check "... the affected service by name" in_order "$sheet" "Affected services" "Cosmic"
check "... the scope" has "$sheet" "Samtliga vårdenheter i Lund och Malmö, akutmottagningarna inräknade"
check "... start and estimated end" in_order "$sheet" "Started" "Estimated end"
check "... the case number" has "$sheet" "DK-1001 (ref. INC0048211)"
check "... the latest update: phrase, then text" \
  in_order "$sheet" "Latest update" "Fix being deployed" "Databasen startas om på reservservern."
check "... not an older one" lacks "$sheet" "Leverantören och Servicedesk"
check "... the footer" has "$sheet" "Data as of $as_of"
check "... its page as a PNG" shoot "$sheet" print-case

run 0 "print case by id works too" a print case "$(a show DK-1001 --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')" --pdf "$tmp/by-id.pdf"
check "... the same case" has "$tmp/by-id.pdf" "DK-1001"

# ---- errors leave nothing behind ----

mkdir "$tmp/out"
printf 'an older file\n' >"$tmp/out/kept.pdf"
run 1 "print routine of an unknown routine fails" a print routine no-such-routine --pdf "$tmp/out/r.pdf"
check "... saying so" grep -q "no-such-routine" "$tmp/stderr"
run 1 "print case of an unknown case fails" a print case DK-9999 --pdf "$tmp/out/c.pdf"
check "... saying so" grep -q "DK-9999" "$tmp/stderr"
run 1 "print into a missing folder fails" a print routine driftstopp-tes --pdf "$tmp/no/such/dir/r.pdf"
check "... saying it could not write the file" grep -q "Could not write .*r.pdf" "$tmp/stderr"
run 1 "print onto a folder fails" a print routine driftstopp-tes --pdf "$tmp/out"
# A full disk: a 16 KiB tmpfs, mounted in a user and mount namespace of its own, that
# holds an older file; the pack does not fit beside it.
mkdir "$tmp/full"
cat >"$tmp/full.sh" <<EOT
set -u
mount -t tmpfs -o size=16k tmpfs "$tmp/full" || exit 77
printf 'an older file\n' >"$tmp/full/kept.pdf"
status=0
"$cli" --data-dir "$tmp/a" print pack --unit "Avdelning 12B" --pdf "$tmp/full/kept.pdf" \
  2>"$tmp/full-stderr" || status=\$?
cp "$tmp/full/kept.pdf" "$tmp/full-kept"
ls -A "$tmp/full" >"$tmp/full-ls"
exit \$status
EOT
status=0
unshare -rm sh "$tmp/full.sh" >/dev/null 2>"$tmp/stderr" || status=$?
if [ "$status" -eq 77 ] || ! command -v unshare >/dev/null; then
  n_run=$((n_run + 1))
  echo "ok $n_run - # SKIP print onto a full disk: no user namespaces to mount a small tmpfs"
else
  check "print onto a full disk fails (exit $status)" test "$status" -eq 1
  check "... saying it could not write the file" grep -q "Could not write .*No space left" "$tmp/full-stderr"
  check "... keeping the older file as it was" grep -qx "an older file" "$tmp/full-kept"
  check "... and leaving no partial file behind" test "$(cat "$tmp/full-ls")" = "kept.pdf"
fi

# ---- offline ----

stop_server
run 0 "print routine works with the server gone" a print routine driftstopp-tes --pdf "$tmp/offline.pdf"
check "... from the replica" has "$tmp/offline.pdf" "Driftstopp TES"
run 0 "print case works with the server gone" a print case DK-1001 --pdf "$tmp/offline-case.pdf"
run 0 "print pack works with the server gone" a print pack --unit "Avdelning 12B" --pdf "$tmp/offline-pack.pdf"

finish
