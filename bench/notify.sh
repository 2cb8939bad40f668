#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# notify.sh: time from a publish on the server to the Notify call reaching dunst, RUNS
# (20) times, through the real sync engine and DkNotifier (bench/README.md).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$top/build}
export DRIFTKOLL_SERVER="${DRIFTKOLL_SERVER:-$build/src/server/driftkoll-server}"
export GSETTINGS_SCHEMA_DIR="$build/data"
export GSETTINGS_BACKEND=memory
exec sh "$top/tests/run-ui.sh" --dunst "$build/bench/bench-notify" "${RUNS:-20}"
