#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# update-po.sh: regenerates po/driftkoll.pot from po/POTFILES.in and merges it into every
# language of po/LINGUAS (without fuzzy matching: a changed string is untranslated until a
# person translates it). Run from anywhere; needs xgettext and msgmerge.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

xgettext \
  --from-code=UTF-8 \
  --add-comments=Translators \
  --keyword=_ --keyword=N_ --keyword=C_:1c,2 --keyword=NC_:1c,2 \
  --keyword=g_dngettext:2,3 \
  --package-name=driftkoll \
  --files-from=po/POTFILES.in \
  --directory="$top" \
  --output=po/driftkoll.pot

for lang in $(sed -e 's/#.*//' po/LINGUAS); do
  msgmerge --quiet --update --no-fuzzy-matching --backup=none "po/$lang.po" po/driftkoll.pot
  printf '%s: ' "$lang"
  msgfmt --check --statistics --output-file=/dev/null "po/$lang.po"
done
