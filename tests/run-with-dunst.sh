#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# run-with-dunst.sh PROGRAM [ARGS...]: runs PROGRAM on a private D-Bus session with dunst
# as the notification daemon, on a virtual X display (TESTING.md, "Notifications").
# dunst's context menu ("dunstctl context") picks the line that DUNST_PICK (a grep
# pattern, set by the program before it asks) names, through dunst-pick.sh.
set -eu

if [ -z "${DK_DUNST_INSIDE:-}" ]; then
  export DK_DUNST_INSIDE=1
  exec xvfb-run -a -s "-screen 0 1280x800x24" dbus-run-session -- sh "$0" "$@"
fi

here=$(cd "$(dirname "$0")" && pwd)
dir=$(mktemp -d)
trap 'kill "$dunst_pid" 2>/dev/null; wait "$dunst_pid" 2>/dev/null; rm -rf "$dir"' EXIT INT TERM

cat > "$dir/dunstrc" <<EOF2
[global]
    history_length = 200
    sticky_history = yes
    dmenu = /bin/sh $here/dunst-pick.sh
EOF2

export DUNST_PICK_FILE="$dir/pick"
dunst -config "$dir/dunstrc" > "$dir/dunst.log" 2>&1 &
dunst_pid=$!

# Wait until dunst owns the name (at most 10 s).
i=0
until dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
        org.freedesktop.DBus.NameHasOwner string:org.freedesktop.Notifications 2>/dev/null \
      | grep -q "boolean true"; do
  i=$((i + 1))
  if [ "$i" -gt 100 ]; then
    echo "dunst did not start:" >&2
    cat "$dir/dunst.log" >&2
    exit 1
  fi
  sleep 0.1
done

status=0
"$@" || status=$?
exit "$status"
