#!/usr/bin/env bash
# bench/compose-open.sh: time to open "New Case" with N cases (default 100,000) in the
# replica: generate and import the cases, log a lab communicator in with driftkoll-cli and
# sync them into a data dir, then run bench-composer RUNS times under Xvfb.
#
# Knobs: N=100000 RUNS=7 SEED=1 CASES=FILE (reuse a generated file) DATA_DIR=DIR (reuse a
#        synced data dir; skips the import) BUILD_DIR=build KEEP=1
set -euo pipefail

# shellcheck source=bench/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

N=${N:-100000}
RUNS=${RUNS:-7}
SEED=${SEED:-1}
CASES=${CASES:-}
CLI=${DRIFTKOLL_CLI:-$BUILD_DIR/src/cli/driftkoll-cli}
DATA_DIR=${DATA_DIR:-}

if [ -z "$DATA_DIR" ]; then
  db="$WORKDIR/driftkoll.db"
  if [ -z "$CASES" ]; then
    CASES="$WORKDIR/cases.jsonl"
    echo "generating $N cases (seed $SEED)..."
    python3 "$SHARED/bench/gen-cases.py" "$N" "$CASES" --seed "$SEED"
  fi
  "$SERVER" init --db "$db" --demo >/dev/null
  "$SERVER" import-cases --db "$db" "$CASES" >/dev/null
  start_server "$db"
  DATA_DIR="$WORKDIR/data"
  printf 'demo\n' | "$CLI" --server "$URL" --data-dir "$DATA_DIR" login lab_communicator >/dev/null
  t0=$(now)
  "$CLI" --server "$URL" --data-dir "$DATA_DIR" sync >/dev/null
  echo "first sync: $(elapsed "$t0" "$(now)") s"
fi
echo "replica: $(du -m "$DATA_DIR" | cut -f1) MB in $DATA_DIR"

GSETTINGS_SCHEMA_DIR="$BUILD_DIR/data" GSETTINGS_BACKEND=memory \
  sh "$REPO/tests/run-ui.sh" "$BUILD_DIR/bench/bench-composer" "$DATA_DIR" "$RUNS"
