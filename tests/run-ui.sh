#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# run-ui.sh PROGRAM ARGS...: runs a GTK test on its own X server (Xvfb) and its own
# session bus, so it needs no desktop and touches none.
set -eu

if ! command -v xvfb-run >/dev/null 2>&1 || ! command -v dbus-run-session >/dev/null 2>&1; then
  echo "run-ui.sh: xvfb-run and dbus-run-session are needed (build-aux/install-deps.sh)" >&2
  exit 1
fi

# X11 even when started from a Wayland session.
export GDK_BACKEND=x11
unset WAYLAND_DISPLAY

# Only the program's own output goes to stdout (TAP); what the bus starts, such as the
# accessibility registry, writes to stderr.
exec 3>&1
exec xvfb-run -a -s "-screen 0 1280x800x24 -nolisten tcp" \
  dbus-run-session -- sh -c 'exec "$@" >&3 3>&-' run-ui "$@" >&2
