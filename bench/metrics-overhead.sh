#!/usr/bin/env bash
# bench/metrics-overhead.sh: what counting for GET /metrics costs the hot paths. The same
# binary serves the demo database twice, with counting off (`--metrics-allow=`: no
# registry, every hook skipped) and on (the default allow-list), and wrk loads each route
# of PATHS in turn, the two servers alternating, RUNS times. Prints the median
# requests/second of each, the ratio on/off, and the time and size of one scrape after
# the load (the counters then hold every series the load made). Throughput on a shared
# machine drifts; the server's own CPU time per request (utime + stime of /proc/PID/stat
# over each run, divided by the requests wrk counted) is the steadier figure, and is
# printed beside it.
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
pid_off=$SERVER_PID
start_server "$db" --no-snapshots
url_on=$URL
pid_on=$SERVER_PID
hz=$(getconf CLK_TCK)

if curl -sS -o /dev/null -w '%{http_code}' "$url_off/metrics" | grep -qv 404; then
  echo "the server without an allow-list answers /metrics" >&2
  exit 1
fi
last_seq=$(curl -sS --fail "$url_on/api/v1/healthz" |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["last_seq"])')

# cpu_ticks PID: the process's user + system time in clock ticks.
cpu_ticks () {
  awk '{ print $14 + $15 }' "/proc/$1/stat"
}

# measure URL PID: appends wrk's requests/second to RPS and the server's CPU µs per
# request to CPU.
measure () {
  local before after out requests
  before=$(cpu_ticks "$2")
  # shellcheck disable=SC2086 # WRK_ARGS is a list of words
  out=$(wrk $WRK_ARGS "$1")
  after=$(cpu_ticks "$2")
  requests=$(awk '/ requests in / { print $1 }' <<<"$out")
  RPS+=("$(awk '/^Requests\/sec:/ { print $2 }' <<<"$out")")
  CPU+=("$(awk -v t=$((after - before)) -v hz="$hz" -v n="$requests" \
    'BEGIN { printf "%.1f", t * 1e6 / hz / n }')")
}

ratio () {
  awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'
}

printf '%-28s %10s %10s %7s %12s %12s %7s\n' "path (median of $RUNS)" "off req/s" "on req/s" \
  "on/off" "off CPU µs" "on CPU µs" "on/off"
for template in $PATHS; do
  path=${template//SEQ/$last_seq}
  off_rps=() off_cpu=() on_rps=() on_cpu=()
  for ((run = 0; run < RUNS; run++)); do
    # Alternating which goes first, so that a drift of the machine falls on both.
    for which in $( ((run % 2 == 0)) && echo "off on" || echo "on off"); do
      RPS=() CPU=()
      if [ "$which" = off ]; then
        measure "$url_off$path" "$pid_off"
        off_rps+=("${RPS[0]}") off_cpu+=("${CPU[0]}")
      else
        measure "$url_on$path" "$pid_on"
        on_rps+=("${RPS[0]}") on_cpu+=("${CPU[0]}")
      fi
    done
  done
  m_off_rps=$(median "${off_rps[@]}") m_on_rps=$(median "${on_rps[@]}")
  m_off_cpu=$(median "${off_cpu[@]}") m_on_cpu=$(median "${on_cpu[@]}")
  printf '%-28s %10.0f %10.0f %7s %12s %12s %7s\n' "$template" "$m_off_rps" "$m_on_rps" \
    "$(ratio "$m_on_rps" "$m_off_rps")" "$m_off_cpu" "$m_on_cpu" "$(ratio "$m_on_cpu" "$m_off_cpu")"
  echo "  off req/s: ${off_rps[*]}; CPU µs/request: ${off_cpu[*]}"
  echo "  on  req/s: ${on_rps[*]}; CPU µs/request: ${on_cpu[*]}"
done

scrape="$WORKDIR/scrape.txt"
for ((i = 0; i < 5; i++)); do
  curl -sS --fail -o "$scrape" -w '%{time_total}\n' "$url_on/metrics"
done >"$WORKDIR/scrape-times"
mapfile -t scrape_times <"$WORKDIR/scrape-times"
echo "one scrape: median $(median "${scrape_times[@]}") s of 5," \
  "$(wc -c <"$scrape") bytes, $(grep -vc '^#' "$scrape") samples"
