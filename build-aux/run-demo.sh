#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# `make run`: serves the demo database on 127.0.0.1:$PORT in the background, logs the data
# dir $DEMO_DATA_DIR in as the demo user staff, starts the app on it and stops the server
# when the app exits.
set -eu

: "${BUILD_DIR:?}" "${PORT:?}" "${DEMO_DB:?}" "${DEMO_DATA_DIR:?}"

server="$BUILD_DIR/src/server/driftkoll-server"
cli="$BUILD_DIR/src/cli/driftkoll-cli"
app="$BUILD_DIR/src/app/driftkoll"
url="http://127.0.0.1:$PORT/"
log="$BUILD_DIR/demo/server.log"
pid=""

stop_server() {
  if [ -n "$pid" ]; then
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    pid=""
  fi
}
trap stop_server EXIT
trap 'exit 130' INT TERM

"$server" serve --db "$DEMO_DB" --listen "127.0.0.1:$PORT" >"$log" 2>&1 &
pid=$!

# serve prints its first line once it accepts connections.
tries=0
until grep -q "^listening on " "$log" 2>/dev/null; do
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "driftkoll-server did not start (is port $PORT taken? PORT=9000 make run):" >&2
    cat "$log" >&2
    exit 1
  fi
  tries=$((tries + 1))
  [ "$tries" -gt 100 ] && { echo "driftkoll-server did not start in 10 s" >&2; exit 1; }
  sleep 0.1
done
echo "Server: $url (log: $log); the public page is there too."

mkdir -p "$DEMO_DATA_DIR"
if ! "$cli" --server "$url" --data-dir "$DEMO_DATA_DIR" status --json 2>/dev/null \
     | grep -q '"username" *: *"staff"'; then
  echo demo | "$cli" --server "$url" --data-dir "$DEMO_DATA_DIR" login staff
fi

echo "Starting driftkoll on $DEMO_DATA_DIR, logged in as staff; the server stops when it exits."
GSETTINGS_SCHEMA_DIR="$BUILD_DIR/data" "$app" --server "$url" --data-dir "$DEMO_DATA_DIR"
