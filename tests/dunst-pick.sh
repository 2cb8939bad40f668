#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# dunst-pick.sh: dunst's "dmenu" in tests: prints the first menu line that matches the
# pattern in the file $DUNST_PICK_FILE (written by the test before it opens the menu).
pattern=$(cat "${DUNST_PICK_FILE:-/nonexistent}" 2>/dev/null || true)
[ -n "$pattern" ] || exit 1
grep -m1 -e "$pattern"
