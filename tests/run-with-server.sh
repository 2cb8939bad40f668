#!/bin/sh
# Runs a command against a real driftkoll-server with the demo data on 127.0.0.1:
#   run-with-server.sh COMMAND [ARGS...]
# Every argument "@URL@" is replaced by the server's URL ("http://127.0.0.1:PORT/").
# The server binary comes from $DRIFTKOLL_SERVER.
set -eu

: "${DRIFTKOLL_SERVER:?DRIFTKOLL_SERVER must name the driftkoll-server binary}"

dir=$(mktemp -d "${TMPDIR:-/tmp}/driftkoll-run-XXXXXX")
pid=""
cleanup() {
  if [ -n "$pid" ]; then
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  rm -rf "$dir"
}
trap cleanup EXIT INT TERM

"$DRIFTKOLL_SERVER" init --db "$dir/server.db" --demo >/dev/null
mkfifo "$dir/out"
"$DRIFTKOLL_SERVER" serve --db "$dir/server.db" --listen 127.0.0.1:0 >"$dir/out" &
pid=$!
exec 3<"$dir/out"
read -r first <&3 || { echo "driftkoll-server did not start" >&2; exit 1; }
case "$first" in
  "listening on http://127.0.0.1:"*/) url=${first#listening on } ;;
  *) echo "unexpected first line: $first" >&2; exit 1 ;;
esac
# Keep draining the server's stdout so it never blocks on a full pipe.
cat <&3 >/dev/null &

for arg do
  shift
  [ "$arg" = "@URL@" ] && arg=$url
  set -- "$@" "$arg"
done
"$@"
