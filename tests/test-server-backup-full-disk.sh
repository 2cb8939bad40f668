#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# test-server-backup-full-disk.sh: `driftkoll-server backup` and `restore` onto a disk that
# fills up: a clear error, and nothing half written left behind (issue 16).
#
# The small disk is a tmpfs mounted in a user and mount namespace of its own (unshare -rm,
# as test-cli-full-disk.sh does; skipped where there are none).
set -eu
test_name="server-backup-full-disk"
# shellcheck source=tests/test-env.sh
. "$(dirname "$0")/test-env.sh"
command -v unshare >/dev/null || { echo "1..0 # SKIP no unshare"; exit 0; }

"$server" init --db "$tmp/server.db" --demo >/dev/null
"$server" backup --db "$tmp/server.db" "$tmp/backup.db" >/dev/null
mkdir "$tmp/disk"

# Inside the namespace: a 64 KiB disk, smaller than the database (about 150 KB).
cat >"$tmp/full-disk.sh" <<EOT
set -u
mount -t tmpfs -o size=64k tmpfs "$tmp/disk" || exit 77
"$server" backup --db "$tmp/server.db" "$tmp/disk/backup.db" >"$tmp/backup.out" 2>"$tmp/backup.err"
echo \$? >"$tmp/backup.status"
ls -A "$tmp/disk" >"$tmp/backup.left"
"$server" restore --db "$tmp/disk/server.db" "$tmp/backup.db" >"$tmp/restore.out" 2>"$tmp/restore.err"
echo \$? >"$tmp/restore.status"
ls -A "$tmp/disk" >"$tmp/restore.left"
EOT
status=0
unshare -rm sh "$tmp/full-disk.sh" >/dev/null 2>"$tmp/stderr" || status=$?
if [ "$status" = 77 ] || ! [ -f "$tmp/backup.status" ]; then
  echo "1..0 # SKIP no user namespaces to mount a small tmpfs"
  exit 0
fi

if [ "$(cat "$tmp/backup.status")" = 1 ] && grep -q "disk is full\|No space left" "$tmp/backup.err"; then
  pass "backup onto a full disk fails with a clear error: $(cat "$tmp/backup.err")"
else
  fail "backup onto a full disk: status $(cat "$tmp/backup.status"), $(cat "$tmp/backup.err")"
fi
if [ ! -s "$tmp/backup.left" ]; then
  pass "backup onto a full disk leaves nothing behind"
else
  fail "backup onto a full disk left: $(cat "$tmp/backup.left")"
fi
if [ "$(cat "$tmp/restore.status")" = 1 ] && grep -q "No space left" "$tmp/restore.err" &&
   ! grep -q "tmp-" "$tmp/restore.err"; then
  pass "restore onto a full disk fails with a clear error: $(cat "$tmp/restore.err")"
else
  fail "restore onto a full disk: status $(cat "$tmp/restore.status"), $(cat "$tmp/restore.err")"
fi
if [ ! -s "$tmp/restore.left" ]; then
  pass "restore onto a full disk leaves nothing behind"
else
  fail "restore onto a full disk left: $(cat "$tmp/restore.left")"
fi
finish
