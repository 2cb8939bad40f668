# bench/common.sh: what the benchmark scripts share; sourced, not run.
# shellcheck shell=bash
#
# Sets REPO, SHARED, SERVER and WORKDIR (a new temp dir, removed at exit unless KEEP=1),
# and stops every process started with start_bg at exit. Everything listens on 127.0.0.1.

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck disable=SC2034 # used by the scripts that source this
SHARED=${SHARED_DIR:-$REPO/../shared}
BUILD_DIR=${BUILD_DIR:-$REPO/build}
SERVER=${DRIFTKOLL_SERVER:-$BUILD_DIR/src/server/driftkoll-server}

if [ ! -x "$SERVER" ]; then
  echo "no driftkoll-server at $SERVER: run 'make build' first (or set BUILD_DIR)" >&2
  exit 1
fi

WORKDIR=$(mktemp -d "${TMPDIR:-/tmp}/driftkoll-bench.XXXXXX")
BG_PIDS=()

cleanup () {
  local pid
  for pid in "${BG_PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${BG_PIDS[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  if [ "${KEEP:-0}" = 1 ]; then
    echo "kept $WORKDIR"
  else
    rm -rf "$WORKDIR"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# start_bg OUTFILE COMMAND...: runs COMMAND in the background, stdout to OUTFILE and
# stderr to OUTFILE.err; its pid is in BG_PID and stopped at exit.
start_bg () {
  local out=$1
  shift
  "$@" >"$out" 2>"$out.err" &
  BG_PID=$!
  BG_PIDS+=("$BG_PID")
}

# stop_bg PID: stops one process started with start_bg and waits for it.
stop_bg () {
  kill "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

# start_server DB [SERVE-OPTION...]: serves DB on 127.0.0.1:0; sets SERVER_PID and URL
# (no trailing slash) from the first line the server prints ("listening on
# http://127.0.0.1:PORT/").
start_server () {
  local out="$WORKDIR/server.$RANDOM.out" line="" i db=$1
  shift
  start_bg "$out" "$SERVER" serve --db "$db" --listen 127.0.0.1:0 "$@"
  SERVER_PID=$BG_PID
  for ((i = 0; i < 300; i++)); do
    line=$(head -n 1 "$out" 2>/dev/null || true)
    case $line in
      "listening on http://"*/) break ;;
    esac
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
      echo "driftkoll-server exited before listening:" >&2
      cat "$out.err" >&2
      exit 1
    fi
    sleep 0.1
  done
  case $line in
    "listening on http://127.0.0.1:"*/) ;;
    *)
      echo "driftkoll-server did not say it was listening: '$line'" >&2
      cat "$out.err" >&2
      exit 1
      ;;
  esac
  URL=${line#listening on }
  URL=${URL%/}
}

# median NUMBER...: prints the median.
median () {
  printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END {
    if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# now: seconds since the epoch with nanoseconds, for timing.
now () {
  date +%s.%N
}

# elapsed START END: END - START with 3 decimals.
elapsed () {
  awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f\n", b - a }'
}
