#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# check-po.sh PODIR: fails unless every translation is complete and current:
#  - every source file under src/ that marks strings (_( N_( C_( NC_( g_dngettext) and
#    every .ui file with translatable="yes" is listed in POTFILES.in, which is sorted and
#    names only files that exist;
#  - every language of LINGUAS passes msgfmt --check, has no untranslated and no fuzzy
#    messages, and has every message that xgettext finds in the sources today.
set -u

podir=$(cd "${1:?usage: check-po.sh PODIR}" && pwd)
top=$(cd "$podir/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
status=0

fail () {
  echo "not ok: $*" >&2
  status=1
}

cd "$top" || exit 1

# POTFILES.in: no comments or blank lines count; sorted; every file exists.
sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$podir/POTFILES.in" > "$tmp/listed"
LC_ALL=C sort "$tmp/listed" > "$tmp/listed.sorted"
if ! cmp -s "$tmp/listed" "$tmp/listed.sorted"; then
  fail "po/POTFILES.in is not sorted"
fi
while read -r file; do
  [ -f "$file" ] || fail "po/POTFILES.in lists $file, which does not exist"
done < "$tmp/listed"

# Files that mark strings must be listed. grep finds candidates; xgettext decides, so a
# "_(" in a comment does not count.
xgettext_args="--from-code=UTF-8 --add-comments=Translators --keyword=_ --keyword=N_
  --keyword=C_:1c,2 --keyword=NC_:1c,2 --keyword=g_dngettext:2,3 --package-name=driftkoll"
{
  grep -rlE --include='*.c' --include='*.h' \
    '(^|[^A-Za-z0-9_])(_|N_|C_|NC_|g_dngettext)[[:space:]]*\(' src 2>/dev/null
  grep -rl --include='*.ui' 'translatable="yes"' src data ui 2>/dev/null
} | LC_ALL=C sort -u > "$tmp/candidates"
: > "$tmp/marked"
while read -r file; do
  # shellcheck disable=SC2086
  if xgettext $xgettext_args --output=- "$file" 2>/dev/null | grep -q '^msgid '; then
    echo "$file" >> "$tmp/marked"
  fi
done < "$tmp/candidates"
LC_ALL=C comm -23 "$tmp/marked" "$tmp/listed.sorted" > "$tmp/unlisted"
while read -r file; do
  fail "$file marks strings for translation but is not in po/POTFILES.in"
done < "$tmp/unlisted"

# The messages the sources hold today.
# shellcheck disable=SC2086
if ! xgettext $xgettext_args --files-from="$podir/POTFILES.in" --directory="$top" \
       --output="$tmp/current.pot" 2> "$tmp/xgettext.log"; then
  cat "$tmp/xgettext.log" >&2
  fail "xgettext failed"
fi

for lang in $(sed -e 's/#.*//' "$podir/LINGUAS"); do
  po="$podir/$lang.po"
  if [ ! -f "$po" ]; then
    fail "$lang is in LINGUAS but $po does not exist"
    continue
  fi
  if ! msgfmt --check --output-file=/dev/null "$po" 2> "$tmp/msgfmt.log"; then
    cat "$tmp/msgfmt.log" >&2
    fail "$lang.po does not pass msgfmt --check"
  fi
  untranslated=$(msgattrib --untranslated --no-obsolete "$po" | grep -c '^msgid ')
  fuzzy=$(msgattrib --only-fuzzy --no-obsolete "$po" | grep -c '^msgid ')
  # msgattrib prints the header entry along with any message it selects.
  [ "$untranslated" -gt 1 ] && fail "$lang.po has $((untranslated - 1)) untranslated messages"
  [ "$fuzzy" -gt 1 ] && fail "$lang.po has $((fuzzy - 1)) fuzzy messages"
  if [ -s "$tmp/current.pot" ] && ! msgcmp "$po" "$tmp/current.pot" 2> "$tmp/msgcmp.log"; then
    sed -n '1,20p' "$tmp/msgcmp.log" >&2
    fail "$lang.po lacks messages the sources hold (run build-aux/update-po.sh and translate)"
  fi
  [ "$status" -eq 0 ] && echo "ok: $lang.po is complete"
done

exit "$status"
