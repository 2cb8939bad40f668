#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# test-unit-security.sh: driftkoll-server.service passes systemd-analyze verify, and
# systemd-analyze security scores its sandbox at most MAX_EXPOSURE (offline: PID 1 need
# not be systemd). Skips (77) without systemd-analyze.
#
#   test-unit-security.sh BUILT-UNIT SERVER-BINARY

set -eu

unit=$1
server=$2
MAX_EXPOSURE=${MAX_EXPOSURE:-1.2}

if ! command -v systemd-analyze >/dev/null 2>&1; then
  echo "SKIP: no systemd-analyze"
  exit 77
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM

# verify checks that ExecStart's program exists: the built one stands in for the
# installed one, under the unit's own name.
sed -e "s|^ExecStart=[^ ]*/driftkoll-server |ExecStart=$server |" "$unit" \
  > "$work/driftkoll-server.service"
grep -q "^ExecStart=$server serve --config " "$work/driftkoll-server.service"

if ! systemd-analyze verify --man=no "$work/driftkoll-server.service" >"$work/verify" 2>&1; then
  cat "$work/verify"
  echo "FAIL: systemd-analyze verify"
  exit 1
fi
# verify warns on stderr and still succeeds: any word of it is a failure here
if [ -s "$work/verify" ]; then
  cat "$work/verify"
  echo "FAIL: systemd-analyze verify printed warnings"
  exit 1
fi
echo "ok: systemd-analyze verify"

systemd-analyze security --offline=true --no-pager "$work/driftkoll-server.service" \
  >"$work/security" 2>&1 || true
cat "$work/security"
score=$(sed -n 's/.*Overall exposure level for driftkoll-server.service: \([0-9.]*\).*/\1/p' \
  "$work/security")
if [ -z "$score" ]; then
  echo "FAIL: no overall exposure level in systemd-analyze security's output"
  exit 1
fi
echo "exposure: $score (at most $MAX_EXPOSURE)"
if ! awk -v s="$score" -v m="$MAX_EXPOSURE" 'BEGIN { exit !(s + 0 <= m + 0) }'; then
  echo "FAIL: the exposure $score is over $MAX_EXPOSURE"
  exit 1
fi

# the unit keeps what the contract says
for line in 'Type=notify' 'User=driftkoll' 'StateDirectory=driftkoll' 'ProtectSystem=strict' \
            'NoNewPrivileges=yes' 'SystemCallFilter=@system-service' 'WatchdogSec=30s'; do
  grep -qx "$line" "$unit" || { echo "FAIL: the unit lacks $line"; exit 1; }
done
echo "ok: exposure $score"
