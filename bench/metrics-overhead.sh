#!/usr/bin/env bash
# bench/metrics-overhead.sh: what counting for GET /metrics costs the hot paths. The same
# binary serves the demo database twice, with counting off (`--metrics-allow=`: no
# registry, every hook skipped) and on (the default allow-list), and wrk loads each route
# of PATHS in turn, the two servers alternating, RUNS times. Prints the median
# requests/second of each, the ratio on/off, and the time and size of one scrape after
# the load (the counters then hold every series the load made).
#
# Knobs: RUNS=5 WRK_ARGS="-t2 -c32 -d5s" PATHS="/api/v1/healthz /api/v1/changes?since=SEQ"
#        (SEQ becomes the database's last seq: a no-change poll) BUILD_DIR=build KEEP=1
set -euo pipefail

# shellcheck source=bench/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

RUNS=${RUNS:-5}
WRK_ARGS=${WRK_ARGS:--t2 -c32 -d5s}
PATHS=${PATHS:-/api/v1/healthz /api/v1/changes?since=SEQ}

for tool in wrk curl; do
  if ! command -v "$tool" >/dev/null; then
    echo "$tool is missing: sh build-aux/install-deps.sh installs it" >&2
    exit 1
  fi
done

db="$WORKDIR/driftkoll.db"
"$SERVER" init --db "$db" --demo >/dev/null

start_server "$db" --no-snapshots --metrics-allow=
url_off=$URL
start_server "$db" --no-snapshots
url_on=$URL

if curl -sS -o /dev/null -w '%{http_code}' "$url_off/metrics" | grep -qv 404; then
  echo "the server without an allow-list answers /metrics" >&2
  exit 1
fi
last_seq=$(curl -sS --fail "$url_on/api/v1/healthz" |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["last_seq"])')

# rps URL: wrk's requests per second.
rps () {
  # shellcheck disable=SC2086 # WRK_ARGS is a list of words
  wrk $WRK_ARGS "$1" | awk '/^Requests\/sec:/ { print $2 }'
}

printf '%-32s %12s %12s %8s\n' "path (median of $RUNS)" "off req/s" "on req/s" "on/off"
for template in $PATHS; do
  path=${template//SEQ/$last_seq}
  off=()
  on=()
  for ((run = 0; run < RUNS; run++)); do
    # Alternating which goes first, so that a drift of the machine falls on both.
    if ((run % 2 == 0)); then
      off+=("$(rps "$url_off$path")")
      on+=("$(rps "$url_on$path")")
    else
      on+=("$(rps "$url_on$path")")
      off+=("$(rps "$url_off$path")")
    fi
  done
  median_off=$(median "${off[@]}")
  median_on=$(median "${on[@]}")
  printf '%-32s %12.0f %12.0f %8.3f\n' "$template" "$median_off" "$median_on" \
    "$(awk -v a="$median_on" -v b="$median_off" 'BEGIN { print a / b }')"
  echo "  off: ${off[*]}"
  echo "  on:  ${on[*]}"
done

scrape="$WORKDIR/scrape.txt"
for ((i = 0; i < 5; i++)); do
  curl -sS --fail -o "$scrape" -w '%{time_total}\n' "$url_on/metrics"
done >"$WORKDIR/scrape-times"
echo "one scrape: median $(median $(cat "$WORKDIR/scrape-times")) s of 5," \
  "$(wc -c <"$scrape") bytes, $(grep -vc '^#' "$scrape") samples"
