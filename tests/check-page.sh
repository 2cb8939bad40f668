#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Checks the public page of a running driftkoll-server in headless chromium, the way a
# phone shows it.
#
#   check-page.sh URL OUTDIR [HEADING ...]
#
# Writes OUTDIR/page.html (the DOM after loading) and OUTDIR/page.png (a 390×844
# screenshot, a phone's viewport), then checks the DOM: the "Driftkoll" heading, a
# language, the viewport meta tag, the Atom link, no script, and every HEADING given
# (default: the heading of ongoing disruptions, in Swedish or English).
# Exit status: 0 passed, 1 failed, 2 bad usage.
set -eu

if [ $# -lt 2 ]; then
  echo "usage: $0 URL OUTDIR [HEADING ...]" >&2
  exit 2
fi
url=$1
outdir=$2
shift 2

chromium=${CHROMIUM:-chromium}
if ! command -v "$chromium" >/dev/null 2>&1; then
  echo "check-page: $chromium is not installed" >&2
  exit 1
fi

mkdir -p "$outdir"
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT INT TERM

run_chromium() {
  timeout 90 "$chromium" --headless --no-sandbox --disable-gpu --disable-quic \
    --no-first-run --disable-background-networking --disable-component-update \
    --disable-sync --hide-scrollbars --user-data-dir="$profile" "$@"
}

fail() {
  echo "check-page: FAIL: $*" >&2
  exit 1
}

dom="$outdir/page.html"
shot="$outdir/page.png"
rm -f "$dom" "$shot"

run_chromium --dump-dom "$url" >"$dom" 2>"$outdir/chromium.log" \
  || fail "chromium could not load $url (see $outdir/chromium.log)"
run_chromium --screenshot="$shot" --window-size=390,844 "$url" \
  >>"$outdir/chromium.log" 2>&1 \
  || fail "chromium could not take a screenshot of $url (see $outdir/chromium.log)"

[ -s "$dom" ] || fail "the DOM of $url is empty"
[ -s "$shot" ] || fail "no screenshot was written to $shot"

contains() {
  grep -F -q -- "$1" "$dom"
}

grep -E -q '<html lang="[a-z]{2,3}"' "$dom" || fail "the page names no language"
grep -E -q '<h1>Driftkoll' "$dom" || fail "the page has no Driftkoll heading"
contains 'name="viewport"' || fail "the page has no viewport meta tag"
contains 'type="application/atom+xml"' || fail "the page does not link its Atom feed"
if grep -F -q -i '<script' "$dom"; then
  fail "the page contains a script"
fi

if [ $# -eq 0 ]; then
  contains 'Pågående störningar och krisinformation' \
    || contains 'Ongoing disruptions and crisis information' \
    || fail "the page has no heading of ongoing disruptions"
else
  for heading in "$@"; do
    contains "$heading" || fail "the page lacks \"$heading\""
  done
fi

echo "check-page: ok: $url ($dom, $shot)"
