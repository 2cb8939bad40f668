#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# run-ui.sh [--dunst] PROGRAM ARGS...: runs a test that needs a desktop on one of its own,
# so it needs none and touches none (TESTING.md):
#   - a virtual X server (xvfb-run, 1280x800) and a private session bus (dbus-run-session);
#   - the accessibility bus and registry, so GTK apps embed into them and dogtail/pyatspi
#     can drive them;
#   - with --dunst, dunst as the notification daemon. Its context menu ("dunstctl
#     context") picks the first line matching the grep pattern the program writes to
#     $DUNST_PICK_FILE (tests/dunst-pick.sh). $DK_UI_DUNST is set to 1.
# Only PROGRAM's own stdout goes to stdout (the TAP stream); what the helpers print goes
# to stderr. Every test with a display and every bench that needs dunst uses this script.
set -eu

if [ -z "${DK_UI_SESSION:-}" ]; then
  for tool in xvfb-run dbus-run-session; do
    if ! command -v "$tool" >/dev/null 2>&1; then
      echo "run-ui.sh: $tool is needed (build-aux/install-deps.sh)" >&2
      exit 1
    fi
  done
  export DK_UI_SESSION=1
  # X11 even when started from a Wayland session.
  export GDK_BACKEND=x11
  unset WAYLAND_DISPLAY
  exec 3>&1
  # -a takes the first free display from -n on; starting the search at a number of this
  # process's own keeps two test runs on one machine from taking the same one at once.
  # -noreset: by default Xvfb resets when its last client leaves (the accessibility
  # launcher's short connection can be that client), and a client connecting during the
  # reset is refused: dunst then failed with "Cannot open X11 display" about once in 90.
  exec xvfb-run -a -n $(( $$ % 400 + 100 )) -s "-screen 0 1280x800x24 -nolisten tcp -noreset" \
    dbus-run-session -- sh "$0" "$@" >&2
fi

here=$(cd "$(dirname "$0")" && pwd)
dunst=no
if [ "${1:-}" = "--dunst" ]; then
  dunst=yes
  shift
fi

dir=$(mktemp -d "${TMPDIR:-/tmp}/driftkoll-ui-session-XXXXXX")
pids=""
cleanup () {
  for pid in $pids; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in $pids; do
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# wait_for_name NAME WHAT LOG: polls the session bus until NAME has an owner (10 s at most).
wait_for_name () {
  i=0
  until dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
          org.freedesktop.DBus.NameHasOwner "string:$1" 2>/dev/null | grep -q "boolean true"; do
    i=$((i + 1))
    if [ "$i" -gt 100 ]; then
      echo "run-ui.sh: $2 did not start:" >&2
      cat "$3" >&2 2>/dev/null || true
      exit 1
    fi
    sleep 0.1
  done
}

/usr/libexec/at-spi-bus-launcher --launch-immediately > "$dir/at-spi-bus.log" 2>&1 &
pids="$pids $!"
wait_for_name org.a11y.Bus "the accessibility bus" "$dir/at-spi-bus.log"
/usr/libexec/at-spi2-registryd > "$dir/at-spi-registry.log" 2>&1 &
pids="$pids $!"

if [ "$dunst" = yes ]; then
  cat > "$dir/dunstrc" <<EOF
[global]
    history_length = 200
    sticky_history = yes
    dmenu = /bin/sh $here/dunst-pick.sh
EOF
  # dunst runs its menu with its own environment: the pick file is known before it starts.
  export DUNST_PICK_FILE="$dir/pick"
  dunst -config "$dir/dunstrc" > "$dir/dunst.log" 2>&1 &
  pids="$pids $!"
  wait_for_name org.freedesktop.Notifications "dunst" "$dir/dunst.log"
  export DK_UI_DUNST=1
fi

export GTK_A11Y=atspi
export NO_AT_BRIDGE=0

status=0
"$@" >&3 3>&- || status=$?
exit "$status"
