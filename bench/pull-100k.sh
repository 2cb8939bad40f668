#!/usr/bin/env bash
# bench/pull-100k.sh: import N generated cases (default 100,000) into driftkoll-server,
# then time a first full pull of GET /api/v1/changes, anonymous and logged in as staff.
#
# Knobs: N=100000 RUNS=5 SEED=1 LIMIT=1000 (page size) CLIENT=python|curl
#        CASES=FILE (reuse a generated file) BUILD_DIR=build KEEP=1 (keep the temp dir)
set -euo pipefail

# shellcheck source=bench/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

N=${N:-100000}
RUNS=${RUNS:-5}
SEED=${SEED:-1}
LIMIT=${LIMIT:-1000}
CLIENT=${CLIENT:-python}
CASES=${CASES:-}
USERNAME=bench
export DK_BENCH_PASSWORD="bench-$RANDOM-$RANDOM-password"

case $CLIENT in
  python | curl) ;;
  *) echo "CLIENT must be python or curl" >&2; exit 2 ;;
esac

db="$WORKDIR/driftkoll.db"

if [ -z "$CASES" ]; then
  CASES="$WORKDIR/cases.jsonl"
  echo "generating $N cases (seed $SEED)..."
  python3 "$SHARED/bench/gen-cases.py" "$N" "$CASES" --seed "$SEED"
fi
lines=$(wc -l <"$CASES")
echo "cases file: $CASES ($lines cases, $(du -m "$CASES" | cut -f1) MB)"

"$SERVER" init --db "$db" >/dev/null
t0=$(now)
"$SERVER" import-cases --db "$db" "$CASES" >"$WORKDIR/import.out"
t1=$(now)
import_s=$(elapsed "$t0" "$t1")
echo "import-cases: $import_s s, $(awk -v n="$lines" -v s="$import_s" \
  'BEGIN { printf "%d", n / s }') cases/s, database $(du -m "$db" | cut -f1) MB"

printf '%s\n' "$DK_BENCH_PASSWORD" |
  "$SERVER" user add --db "$db" "$USERNAME" --roles staff --password-stdin >/dev/null

start_server "$db"
echo "server: $URL (pid $SERVER_PID), client: $CLIENT, page size $LIMIT"

# pull_curl [TOKEN]: the same pull with one curl process a page.
pull_curl () {
  local seq=0 changes=0 cases=0 n c more last t0 t1 auth=()
  local page="$WORKDIR/page.json"
  if [ -n "${1:-}" ]; then
    auth=(-H "Authorization: Bearer $1")
  fi
  t0=$(now)
  while :; do
    curl -sS --fail "${auth[@]}" -o "$page" "$URL/api/v1/changes?since=$seq&limit=$LIMIT"
    read -r n c last more < <(python3 -c '
import json, sys
page = json.load(open(sys.argv[1]))
print(len(page["changes"]), sum(1 for x in page["changes"] if x.get("type") == "case"),
      page["last_seq"], int(page["more"]))' "$page")
    changes=$((changes + n))
    cases=$((cases + c))
    if [ "$more" = 1 ] && [ "$last" -le "$seq" ]; then
      echo "no progress at since=$seq" >&2
      return 1
    fi
    seq=$last
    [ "$more" = 1 ] || break
  done
  t1=$(now)
  local s
  s=$(elapsed "$t0" "$t1")
  printf '{"changes": %d, "cases": %d, "seconds": %s, "cases_per_s": %d, "last_seq": %d}\n' \
    "$changes" "$cases" "$s" "$(awk -v n="$cases" -v s="$s" 'BEGIN { printf "%d", n / s }')" \
    "$seq"
}

token=""
if [ "$CLIENT" = curl ]; then
  token=$(curl -sS --fail -H 'Content-Type: application/json' \
    -d "{\"username\": \"$USERNAME\", \"password\": \"$DK_BENCH_PASSWORD\"}" \
    "$URL/api/v1/session" | python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])')
fi

# pull WHO: one full pull as WHO (anonymous or the bench user); prints pull.py's JSON.
pull () {
  if [ "$CLIENT" = python ]; then
    if [ "$1" = anonymous ]; then
      python3 "$REPO/bench/pull.py" --limit "$LIMIT" "$URL/"
    else
      python3 "$REPO/bench/pull.py" --limit "$LIMIT" --username "$USERNAME" "$URL/"
    fi
  else
    if [ "$1" = anonymous ]; then pull_curl; else pull_curl "$token"; fi
  fi
}

field () {
  python3 -c 'import json, sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$1" "$2"
}

declare -A secs rates counts
for ((run = 1; run <= RUNS; run++)); do
  for who in anonymous staff; do
    result=$(pull "$who")
    s=$(field "$result" seconds)
    c=$(field "$result" cases)
    r=$(field "$result" cases_per_s)
    secs[$who]+="$s "
    rates[$who]+="$r "
    counts[$who]=$c
    echo "run $run $who: $result"
  done
done

rss=$(awk '/^VmHWM/ { printf "%.0f MB", $2 / 1024 }' "/proc/$SERVER_PID/status" 2>/dev/null || echo "?")
echo
echo "summary: N=$N, import $import_s s, page size $LIMIT, client $CLIENT, $RUNS runs," \
  "server peak RSS $rss"
for who in anonymous staff; do
  # shellcheck disable=SC2086 # the lists are space-separated numbers
  printf '  %-9s %d cases, median %.2f s, %.0f cases/s\n' "$who:" "${counts[$who]}" \
    "$(median ${secs[$who]})" "$(median ${rates[$who]})"
done
