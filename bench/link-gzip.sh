#!/usr/bin/env bash
# bench/link-gzip.sh: bytes on the wire for a page of changes, gzip against plain, and
# what the gzip costs the server (issue 13, "Links that keep dropping").
#
# Knobs: N=5000 (generated cases) RUNS=5 SEED=1 LIMITS="500 2500 5000" (page sizes)
#        CASES=FILE BUILD_DIR=build KEEP=1
set -euo pipefail

# shellcheck source=bench/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

N=${N:-5000}
RUNS=${RUNS:-5}
SEED=${SEED:-1}
LIMITS=${LIMITS:-500 2500 5000}
CASES=${CASES:-}
USERNAME=bench
export DK_BENCH_PASSWORD="bench-$RANDOM-$RANDOM-password"

db="$WORKDIR/driftkoll.db"
if [ -z "$CASES" ]; then
  CASES="$WORKDIR/cases.jsonl"
  echo "generating $N cases (seed $SEED)..."
  python3 "$SHARED/bench/gen-cases.py" "$N" "$CASES" --seed "$SEED"
fi
"$SERVER" init --db "$db" >/dev/null
"$SERVER" import-cases --db "$db" "$CASES" >/dev/null
printf '%s\n' "$DK_BENCH_PASSWORD" |
  "$SERVER" user add --db "$db" "$USERNAME" --roles staff --password-stdin >/dev/null
start_server "$db"
token=$(curl -sS --fail -H 'Content-Type: application/json' \
  -d "{\"username\":\"$USERNAME\",\"password\":\"$DK_BENCH_PASSWORD\"}" "$URL/api/v1/session" |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])')
echo "server: $URL (pid $SERVER_PID), $N cases"

# fetch LIMIT ENCODING: "bytes seconds" of one page as it crossed the wire (curl does not
# decode: the size is what was sent), with Accept-Encoding: ENCODING unless "identity".
fetch () {
  local accept=()
  if [ "$2" != identity ]; then
    accept=(-H "Accept-Encoding: $2")
  fi
  curl -sS --fail -o /dev/null -w '%{size_download} %{time_total}\n' "${accept[@]}" \
    -H "Authorization: Bearer $token" "$URL/api/v1/changes?since=0&limit=$1"
}

printf '%-6s %-9s %12s %9s %7s\n' limit encoding bytes ms share
for limit in $LIMITS; do
  plain_bytes=
  for encoding in identity gzip; do
    times=()
    for ((run = 0; run < RUNS; run++)); do
      read -r bytes seconds < <(fetch "$limit" "$encoding")
      times+=("$(awk -v s="$seconds" 'BEGIN { printf "%.1f", s * 1000 }')")
    done
    plain_bytes=${plain_bytes:-$bytes}
    printf '%-6s %-9s %12s %9s %6.1f%%\n' "$limit" "$encoding" "$bytes" "$(median "${times[@]}")" \
      "$(awk -v a="$bytes" -v b="$plain_bytes" 'BEGIN { print 100 * a / b }')"
  done
done
echo "ms: median of $RUNS, the whole request on 127.0.0.1 (query, JSON, gzip, transfer)"
echo "server peak RSS: $(awk '/VmHWM/ { print $2, $3 }' "/proc/$SERVER_PID/status")"
