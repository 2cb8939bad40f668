#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Runs a UI test inside a private X server and D-Bus session (tests/meson.build starts it
# under xvfb-run and dbus-run-session): the accessibility bus and registry first, so the
# app embeds into them, then the test with Debian's python3 (dogtail, pyatspi).
#   run-ui.sh TEST.py ARGS...
set -eu

/usr/libexec/at-spi-bus-launcher --launch-immediately >/dev/null 2>&1 &
bus=$!
/usr/libexec/at-spi2-registryd >/dev/null 2>&1 &
registry=$!
trap 'kill $registry $bus 2>/dev/null || true' EXIT INT TERM

export GTK_A11Y=atspi
export NO_AT_BRIDGE=0
status=0
/usr/bin/python3 "$@" || status=$?
exit $status
