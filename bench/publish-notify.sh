#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# publish-notify.sh: from the Publish click in the app's composer to the Notify call of
# another desktop, RUNS (20) times (bench/publish-notify.py, bench/README.md).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$top/build}
export DRIFTKOLL_SERVER="$build/src/server/driftkoll-server"
export DRIFTKOLL_CLI="$build/src/cli/driftkoll-cli"
export DRIFTKOLL_APP="$build/src/app/driftkoll"
export DK_STAFF_DESKTOP="$build/tests/dk-staff-desktop"
export GSETTINGS_SCHEMA_DIR="$build/data"
export GSETTINGS_BACKEND=memory
exec sh "$top/tests/run-ui.sh" --dunst /usr/bin/python3 "$top/bench/publish-notify.py" "${RUNS:-20}"
