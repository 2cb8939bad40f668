# SPDX-License-Identifier: GPL-3.0-or-later
# test-env.sh: what the shell tests share; source it with $test_name set.
#   - $server from DRIFTKOLL_SERVER and, when set, $cli from DRIFTKOLL_CLI
#     (tests/meson.build sets them; a test of the cli checks $cli itself), $tmp a new
#     folder removed at exit with the server still running killed;
#   - nothing of the user's own: XDG_DATA_HOME in $tmp, no DRIFTKOLL_DATA_DIR, sessions in
#     a file in the data dir, never in the user's keyring;
#   - the TAP helpers of tap.sh, plus bail, finish, json, json_get, start_server and
#     stop_server below.

server=${DRIFTKOLL_SERVER:?DRIFTKOLL_SERVER must name the driftkoll-server binary}
cli=${DRIFTKOLL_CLI:-}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/dk-$test_name.XXXXXX")
server_pid=
url=

XDG_DATA_HOME="$tmp/xdg"
export XDG_DATA_HOME
unset DRIFTKOLL_DATA_DIR || true
DRIFTKOLL_TOKEN_STORAGE=file
export DRIFTKOLL_TOKEN_STORAGE

stop_server () {
  if [ -n "$server_pid" ]; then
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=
  fi
}

cleanup () {
  if [ -n "$server_pid" ]; then
    kill -KILL "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# TAP helpers: pass, fail, run, run_with_input, check (they use $tmp).
. "$(dirname "$0")/tap.sh"

# finish: the plan, and the exit status: 1 when a test failed.
finish () {
  echo "1..$n_run"
  if [ "$n_failed" -gt 0 ]; then
    echo "# $n_failed of $n_run failed"
    exit 1
  fi
  exit 0
}

# bail DESCRIPTION: a failed test that the rest cannot do without.
bail () {
  fail "$1"
  finish
}

# json EXPRESSION: evaluates a Python expression on the JSON in $tmp/stdout (as "j");
# true when it is true.
json () {
  python3 -c '
import json, sys
j = json.load(open(sys.argv[1]))
sys.exit(0 if eval(sys.argv[2]) else 1)
' "$tmp/stdout" "$1" 2>>"$tmp/stderr"
}

# json_get EXPRESSION: prints a Python expression on the JSON in $tmp/stdout.
json_get () {
  python3 -c '
import json, sys
j = json.load(open(sys.argv[1]))
print(eval(sys.argv[2]))
' "$tmp/stdout" "$1"
}

# await_first_line: waits (10 s at most) for the first line the server started as
# $server_pid writes to $tmp/serve.out, or for it to exit, and sets $first_line.
await_first_line () {
  i=0
  while [ "$i" -lt 100 ] && ! grep -q . "$tmp/serve.out" 2>/dev/null; do
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
    i=$((i + 1))
  done
  first_line=$(head -n 1 "$tmp/serve.out")
}

# start_server: serves $db on a free port and sets $url from the first line.
start_server () {
  : >"$tmp/serve.out"
  "$server" serve --db "$db" --listen 127.0.0.1:0 >"$tmp/serve.out" 2>"$tmp/serve.err" &
  server_pid=$!
  await_first_line
  case "$first_line" in
    "listening on http://127.0.0.1:"*/) url=${first_line#listening on } ;;
    *)
      cp "$tmp/serve.err" "$tmp/stderr"
      bail "the server starts (got \"$first_line\")"
      ;;
  esac
}

# make_demo_db: a demo server database in $db ($tmp/server.db).
make_demo_db () {
  db="$tmp/server.db"
  "$server" init --db "$db" --demo >/dev/null 2>"$tmp/stderr" || bail "the demo server database is made"
}
