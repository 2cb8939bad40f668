#!/usr/bin/env bash
# bench/index-share.sh: how much of a first sync is the search index's
#
# Builds driftkoll-cli a second time from a copy of the source tree with
# bench/no-search-index.patch (cases are stored as always, but never put in the FTS5
# index), then alternates first syncs of the same N generated cases with the normal cli
# and the patched one, ROUNDS times each, every one into an empty on-disk replica, and
# prints both medians. The patched cli is for this measure only: its replicas cannot be
# searched. It shows what the rest of a first sync costs on this machine, with the
# index's writes taken out of the single SQLite writer.
#
# Knobs: N=100000 ROUNDS=5 SEED=1 CASES=FILE BUILD_DIR=build KEEP=1
set -euo pipefail

# shellcheck source=bench/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

N=${N:-100000}
ROUNDS=${ROUNDS:-5}
SEED=${SEED:-1}
CASES=${CASES:-}
CLI=${DRIFTKOLL_CLI:-$BUILD_DIR/src/cli/driftkoll-cli}
PASSWORD="bench-$RANDOM-$RANDOM"
export DRIFTKOLL_TOKEN_STORAGE=file

echo "building driftkoll-cli without the search index..."
mkdir "$WORKDIR/src"
tar -C "$REPO" --exclude=./.git --exclude='./build*' -cf - . | tar -C "$WORKDIR/src" -xf -
patch -s -d "$WORKDIR/src" -p1 <"$REPO/bench/no-search-index.patch"
meson setup --buildtype=debugoptimized "$WORKDIR/build" "$WORKDIR/src" >/dev/null
ninja -C "$WORKDIR/build" src/cli/driftkoll-cli >/dev/null
NO_INDEX_CLI="$WORKDIR/build/src/cli/driftkoll-cli"

if [ -z "$CASES" ]; then
  CASES="$WORKDIR/cases.jsonl"
  echo "generating $N cases (seed $SEED)..."
  python3 "$SHARED/bench/gen-cases.py" "$N" "$CASES" --seed "$SEED"
fi

db="$WORKDIR/driftkoll.db"
"$SERVER" init --db "$db" >/dev/null
printf '%s\n' "$PASSWORD" | "$SERVER" user add --db "$db" bench --password-stdin >/dev/null
"$SERVER" import-cases --db "$db" "$CASES"
start_server "$db"

# first_sync CLI DATA_DIR: logs in, then prints the wall and CPU (user + system)
# seconds of one `sync`.
first_sync () {
  rm -rf "$2"
  printf '%s\n' "$PASSWORD" | "$1" --server "$URL/" --data-dir "$2" login bench >/dev/null
  sync
  /usr/bin/time -f '%e %U %S' -o "$WORKDIR/time" "$1" --data-dir "$2" sync >/dev/null
  awk '{ printf "%.2f %.2f\n", $1, $2 + $3 }' "$WORKDIR/time"
}

with_wall=()
with_cpu=()
without_wall=()
without_cpu=()
for ((round = 1; round <= ROUNDS; round++)); do
  read -r wall cpu < <(first_sync "$CLI" "$WORKDIR/replica.with")
  with_wall+=("$wall")
  with_cpu+=("$cpu")
  read -r wall cpu < <(first_sync "$NO_INDEX_CLI" "$WORKDIR/replica.without")
  without_wall+=("$wall")
  without_cpu+=("$cpu")
  printf 'round %d: with the index %s s (CPU %s s), without %s s (CPU %s s)\n' "$round" \
    "${with_wall[-1]}" "${with_cpu[-1]}" "$wall" "$cpu"
done
stop_bg "$SERVER_PID"

printf 'first sync of %d cases, median of %d rounds (wall, client CPU):\n' "$N" "$ROUNDS"
printf '  with the search index:    %s s, %s s\n' \
  "$(median "${with_wall[@]}")" "$(median "${with_cpu[@]}")"
printf '  without the search index: %s s, %s s\n' \
  "$(median "${without_wall[@]}")" "$(median "${without_cpu[@]}")"
