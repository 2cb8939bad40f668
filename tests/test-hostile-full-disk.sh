#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# test-hostile-full-disk.sh: driftkoll-server with its database on a disk that fills up
# (issue 13, item 8), run under G_DEBUG=fatal-criticals so that a critical warning (such
# as a rollback after a failed COMMIT) kills it.
#
# The database is on a small tmpfs mounted in a user and mount namespace of its own
# (unshare -rm, as test-cli-full-disk.sh does; skipped where there are none). A client
# logs in, the rest of the disk is taken by a filler file, and batches of mutations are
# posted until the server answers 500 "storage". The server stays up, logs no critical,
# and once there is room again the next batch is applied.
#
# Needs DRIFTKOLL_SERVER and python3.

set -eu

test_name="hostile-full-disk"
# shellcheck source=tests/test-env.sh
. "$(dirname "$0")/test-env.sh"
command -v unshare >/dev/null || { echo "1..0 # SKIP no unshare"; exit 0; }

mkdir "$tmp/disk"
db="$tmp/disk/server.db"

# The client: logs in, then posts batches of case.create while $tmp/phase says "full",
# and writes one line per answer to $tmp/answers; a last batch after "room".
cat >"$tmp/client.py" <<'EOT'
import json, sys, time, urllib.request, urllib.error, uuid, datetime

url, tmp = sys.argv[1], sys.argv[2]

def post(path, body, token=None):
    request = urllib.request.Request(url + path, data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"})
    if token:
        request.add_header("Authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)
    except OSError as error:   # the server is gone: say so and stop
        return 0, {"error": {"code": type(error).__name__}}

def batch(n):
    start = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return {"mutations": [{"id": str(uuid.uuid4()), "op": "case.create", "base_revision": 0,
             "data": {"id": str(uuid.uuid4()), "kind": "incident", "area": "it_telephony",
                      "title": "Fyller disken", "description": "x" * 3000, "scope": "Alla",
                      "services": ["tes"], "priority": 3, "public": False,
                      "start": start, "expected_end": None}} for _ in range(n)]}

status, reply = post("api/v1/session", {"username": "servicedesk", "password": "demo"})
assert status == 200, reply
token = reply["token"]
open(tmp + "/logged-in", "w").close()
while open(tmp + "/phase").read().strip() != "full":
    time.sleep(0.05)

with open(tmp + "/answers", "w") as answers:
    for i in range(200):
        status, reply = post("api/v1/mutations", batch(20), token)
        code = reply.get("error", {}).get("code", "") if status != 200 else \
            reply["results"][0]["status"]
        print(status, code, file=answers, flush=True)
        if status in (0, 500):
            break
    open(tmp + "/refused", "w").close()
    while open(tmp + "/phase").read().strip() != "room":
        time.sleep(0.05)
    status, reply = post("api/v1/mutations", batch(1), token)
    code = reply.get("error", {}).get("code", "") if status != 200 else \
        reply["results"][0]["status"]
    print("room", status, code, file=answers, flush=True)
EOT

# Everything on the small disk happens in the namespace: the server writes its first
# line, stderr and exit status to files the checks below read.
cat >"$tmp/full-disk.sh" <<EOT
set -u
mount -t tmpfs -o size=4m tmpfs "$tmp/disk" || exit 77
"$server" init --db "$db" --demo >/dev/null 2>"$tmp/init.err" || exit 3
echo waiting >"$tmp/phase"
G_DEBUG=fatal-criticals "$server" serve --db "$db" --listen 127.0.0.1:0 \
  >"$tmp/serve.out" 2>"$tmp/serve.err" &
pid=\$!
i=0
while [ \$i -lt 100 ] && ! grep -q . "$tmp/serve.out"; do sleep 0.1; i=\$((i + 1)); done
url=\$(sed -n 's/^listening on //p' "$tmp/serve.out")
[ -n "\$url" ] || { kill \$pid; exit 4; }
python3 "$tmp/client.py" "\$url" "$tmp" 2>"$tmp/client.err" &
client=\$!
i=0
while [ \$i -lt 100 ] && [ ! -e "$tmp/logged-in" ]; do sleep 0.1; i=\$((i + 1)); done
dd if=/dev/zero of="$tmp/disk/filler" bs=16k 2>/dev/null
echo full >"$tmp/phase"
i=0
while [ \$i -lt 600 ] && [ ! -e "$tmp/refused" ]; do sleep 0.1; i=\$((i + 1)); done
rm -f "$tmp/disk/filler"
echo room >"$tmp/phase"
wait \$client
echo \$? >"$tmp/client.status"
if kill -0 \$pid 2>/dev/null; then echo alive >"$tmp/server.state"; else echo dead >"$tmp/server.state"; fi
kill -TERM \$pid 2>/dev/null
status=0
wait \$pid || status=\$?
echo \$status >"$tmp/server.status"
EOT

status=0
unshare -rm sh "$tmp/full-disk.sh" >/dev/null 2>"$tmp/stderr" || status=$?
if [ "$status" -eq 77 ]; then
  echo "ok 1 - # SKIP no user namespaces to mount a small tmpfs"
  n_run=1
  finish
fi
check "the steps on the small disk ran (exit $status)" test "$status" -eq 0

cp "$tmp/client.err" "$tmp/stderr" 2>/dev/null || true
check "the client ran to its end" test "$(cat "$tmp/client.status" 2>/dev/null)" = 0
sed 's/^/# answer: /' "$tmp/answers" 2>/dev/null | tail -n 3 || true
check "the full disk is answered with 500 storage" grep -qx "500 storage" "$tmp/answers"
cp "$tmp/serve.err" "$tmp/stderr"
check "the server is still up after it" test "$(cat "$tmp/server.state")" = alive
check "... logs no critical (G_DEBUG=fatal-criticals)" not_grep -q "CRITICAL" "$tmp/serve.err"
check "... and no failed assertion" not_grep -q "assertion" "$tmp/serve.err"
check "with room again the next batch is applied" grep -qx "room 200 applied" "$tmp/answers"
check "the server ends cleanly on SIGTERM (exit $(cat "$tmp/server.status"))" \
  test "$(cat "$tmp/server.status")" = 0

finish
