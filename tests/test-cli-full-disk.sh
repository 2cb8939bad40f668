#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# test-cli-full-disk.sh: driftkoll-cli with its data dir on a disk that fills up.
#
# The data dir is on a small tmpfs, mounted in a user and mount namespace of its own
# (unshare -rm; skipped where there are none). A first sync of 4,000 generated cases
# does not fit: it fails saying the disk is full, and the replica still opens. A
# report made while the disk is full is refused the same way and leaves the outbox as
# it was; with room again it is kept. With a larger disk the next sync sends the
# report and ends with every case that a sync into a roomy data dir has.
#
# Needs DRIFTKOLL_SERVER, DRIFTKOLL_CLI, python3, sqlite3 and the case generator
# (DRIFTKOLL_GEN_CASES, by default ../shared/bench/gen-cases.py beside the source).

set -eu

test_name="cli-full-disk"
# shellcheck source=tests/test-env.sh
. "$(dirname "$0")/test-env.sh"
: "${cli:?DRIFTKOLL_CLI must name the driftkoll-cli binary}"

generator=${DRIFTKOLL_GEN_CASES:-${DRIFTKOLL_SOURCE_ROOT:-.}/../shared/bench/gen-cases.py}
[ -f "$generator" ] || bail "the case generator $generator is missing (set DRIFTKOLL_GEN_CASES)"
command -v unshare >/dev/null || { echo "1..0 # SKIP no unshare"; exit 0; }

make_demo_db
/usr/bin/python3 "$generator" 4000 "$tmp/cases.jsonl" --seed 1 >/dev/null
"$server" import-cases --db "$tmp/server.db" "$tmp/cases.jsonl" >/dev/null ||
  bail "the generated cases are imported"
start_server

# The same user's replica on a roomy disk: what a complete sync holds.
printf 'demo\n' | "$cli" --server "$url" --data-dir "$tmp/roomy" login staff >/dev/null
run 0 "a first sync into a roomy data dir succeeds" "$cli" --data-dir "$tmp/roomy" sync
all_cases=$(sqlite3 "$tmp/roomy/replica.db" "SELECT count(*) FROM cases")
check "... and holds the generated cases ($all_cases)" test "$all_cases" -gt 4000

# Everything on the small disk happens in the namespace; each step writes its exit
# status and output to files the checks below read.
mkdir "$tmp/disk"
data="$tmp/disk/data"
cat >"$tmp/full-disk.sh" <<EOT
set -u
export XDG_DATA_HOME="$XDG_DATA_HOME" DRIFTKOLL_TOKEN_STORAGE=file
mount -t tmpfs -o size=3m tmpfs "$tmp/disk" || exit 77
step () {
  name=\$1
  shift
  status=0
  "\$@" >"$tmp/\$name.out" 2>"$tmp/\$name.err" || status=\$?
  echo "\$status" >"$tmp/\$name.status"
}
cli () { "$cli" --data-dir "$data" "\$@"; }
report () {
  cli report --service tes --unit "Avdelning 12" --reporter "Anna Nurse" \
    --contact 031-123 --description "\$1"
}

printf 'demo\n' | "$cli" --server "$url" --data-dir "$data" login staff >/dev/null
step first-sync cli sync
step status-after cli status --json
sqlite3 "$data/replica.db" "PRAGMA integrity_check" >"$tmp/integrity" 2>&1

# Whatever room is left, taken by another file.
dd if=/dev/zero of="$tmp/disk/filler" bs=64k 2>/dev/null
step full-report report "Skrivaren på avdelning 12 skriver inte ut"
# Even reading a WAL database makes a file beside it: the outbox is looked at with
# the filler gone.
rm "$tmp/disk/filler"
step status-full cli status --json
step roomy-report report "Skrivaren på avdelning 12 skriver inte ut"
step status-report cli status --json

mount -o remount,size=64m "$tmp/disk"
step second-sync cli sync
step status-end cli status --json
sqlite3 "$data/replica.db" "SELECT count(*) FROM cases" >"$tmp/count-end"
EOT

status=0
unshare -rm sh "$tmp/full-disk.sh" >/dev/null 2>"$tmp/stderr" || status=$?
if [ "$status" -eq 77 ]; then
  echo "ok 3 - # SKIP no user namespaces to mount a small tmpfs"
  n_run=3
  finish
fi
check "the steps on the small disk ran (exit $status)" test "$status" -eq 0

# step_status NAME: the exit status a step wrote.
step_status () {
  cat "$tmp/$1.status"
}

check "a first sync onto a disk that fills up fails (exit $(step_status first-sync))" \
  test "$(step_status first-sync)" = 1
check "... saying the disk is full" grep -q "is full" "$tmp/first-sync.err"
check "... and not blaming the server" not_grep -q "server" "$tmp/first-sync.err"
check "the replica still opens (status exits $(step_status status-after))" \
  test "$(step_status status-after)" = 0
check "... and is sound" grep -qx "ok" "$tmp/integrity"

check "a report on the full disk is refused (exit $(step_status full-report))" \
  test "$(step_status full-report)" = 1
cp "$tmp/full-report.err" "$tmp/stderr"
check "... saying the disk is full" grep -q "is full" "$tmp/full-report.err"
cp "$tmp/status-full.out" "$tmp/stdout"
cp "$tmp/status-full.err" "$tmp/stderr"
check "... and leaves the outbox as it was" test "$(json_get 'j["outbox"]')" = 0
check "with room again the report is kept (exit $(step_status roomy-report))" \
  test "$(step_status roomy-report)" = 0
cp "$tmp/status-report.out" "$tmp/stdout"
cp "$tmp/status-report.err" "$tmp/stderr"
check "... waiting in the outbox" test "$(json_get 'j["outbox"]')" = 1

check "on a larger disk the next sync succeeds (exit $(step_status second-sync))" \
  test "$(step_status second-sync)" = 0
cp "$tmp/status-end.out" "$tmp/stdout"
cp "$tmp/status-end.err" "$tmp/stderr"
check "... sends the report" test "$(json_get 'j["outbox"]')" = 0
check "... and the replica holds every case ($(cat "$tmp/count-end") of $all_cases)" \
  test "$(cat "$tmp/count-end")" = "$all_cases"

finish
