#!/usr/bin/env bash
# bench/poll-wrk.sh: how many no-change polls (GET /api/v1/changes?since=<last_seq>) a
# second driftkoll-server answers under wrk, next to nginx serving a static file of the
# same body from the same machine in the same run.
#
# Knobs: RUNS=3 WRK_ARGS="-t2 -c32 -d10s" NGINX_WORKERS=1 WHO="anonymous staff"
#        BUILD_DIR=build KEEP=1 (keep the temp dir)
set -euo pipefail

# shellcheck source=bench/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

RUNS=${RUNS:-3}
WRK_ARGS=${WRK_ARGS:--t2 -c32 -d10s}
NGINX_WORKERS=${NGINX_WORKERS:-1}
WHO=${WHO:-anonymous staff}

for tool in wrk nginx curl; do
  if ! command -v "$tool" >/dev/null; then
    echo "$tool is missing: sh build-aux/install-deps.sh installs it" >&2
    exit 1
  fi
done

db="$WORKDIR/driftkoll.db"
"$SERVER" init --db "$db" --demo >/dev/null
start_server "$db"

last_seq=$(python3 "$REPO/bench/pull.py" "$URL/" |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["last_seq"])')
path="/api/v1/changes?since=$last_seq"
token=$(curl -sS --fail -H 'Content-Type: application/json' \
  -d '{"username": "staff", "password": "demo"}' "$URL/api/v1/session" |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])')

# The static file is the real anonymous answer, byte for byte.
www="$WORKDIR/www"
mkdir -p "$www" "$WORKDIR/nginx"
curl -sS --fail -o "$www/changes.json" "$URL$path"
body_bytes=$(wc -c <"$www/changes.json")

# nginx's workers drop root privileges: let them read the file.
chmod 755 "$WORKDIR" "$www"
chmod 644 "$www/changes.json"

port=$(python3 -c '
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])')

conf="$WORKDIR/nginx/nginx.conf"
cat >"$conf" <<EOF
# A private nginx for the benchmark: loopback only, every path in $WORKDIR.
daemon off;
worker_processes $NGINX_WORKERS;
pid $WORKDIR/nginx/nginx.pid;
error_log $WORKDIR/nginx/error.log warn;
events {
  worker_connections 1024;
}
http {
  access_log off;
  client_body_temp_path $WORKDIR/nginx/client_body;
  proxy_temp_path $WORKDIR/nginx/proxy;
  fastcgi_temp_path $WORKDIR/nginx/fastcgi;
  uwsgi_temp_path $WORKDIR/nginx/uwsgi;
  scgi_temp_path $WORKDIR/nginx/scgi;
  types {
    application/json json;
  }
  default_type application/octet-stream;
  server {
    listen 127.0.0.1:$port;
    root $www;
  }
}
EOF
start_bg "$WORKDIR/nginx/stdout" nginx -e "$WORKDIR/nginx/error.log" -p "$WORKDIR/nginx" -c "$conf"
nginx_url="http://127.0.0.1:$port/changes.json"
for ((i = 0; i < 100; i++)); do
  curl -s -o /dev/null --fail "$nginx_url" && break
  sleep 0.1
done
if ! cmp -s "$www/changes.json" <(curl -sS --fail "$nginx_url"); then
  echo "nginx does not serve the saved body:" >&2
  cat "$WORKDIR/nginx/error.log" >&2
  exit 1
fi

echo "driftkoll: $URL$path ($body_bytes bytes: $(cat "$www/changes.json"))"
echo "nginx:     $nginx_url ($NGINX_WORKERS worker(s))"
echo "wrk $WRK_ARGS, $RUNS runs, alternating"

# bench_wrk NAME URL [HEADER]: one wrk run; prints requests/s, and fails on errors.
bench_wrk () {
  local name=$1 url=$2 out="$WORKDIR/wrk.out" rps
  # shellcheck disable=SC2086 # WRK_ARGS is a list of arguments
  if [ -n "${3:-}" ]; then
    wrk $WRK_ARGS -H "$3" "$url" >"$out"
  else
    wrk $WRK_ARGS "$url" >"$out"
  fi
  if grep -q -e 'Non-2xx or 3xx responses' -e 'Socket errors' "$out"; then
    echo "$name: wrk saw errors:" >&2
    cat "$out" >&2
  fi
  rps=$(awk '/^Requests\/sec:/ { print $2 }' "$out")
  if [ -z "$rps" ]; then
    echo "$name: no Requests/sec in wrk's output:" >&2
    cat "$out" >&2
    return 1
  fi
  echo "$rps"
}

declare -A results
names=()
for who in $WHO; do
  names+=("driftkoll-$who")
done
names+=(nginx)

for ((run = 1; run <= RUNS; run++)); do
  line="run $run:"
  for name in "${names[@]}"; do
    case $name in
      driftkoll-anonymous) rps=$(bench_wrk "$name" "$URL$path") ;;
      driftkoll-staff) rps=$(bench_wrk "$name" "$URL$path" "Authorization: Bearer $token") ;;
      nginx) rps=$(bench_wrk "$name" "$nginx_url") ;;
      *) echo "unknown WHO in '$name'" >&2; exit 2 ;;
    esac
    results[$name]+="$rps "
    line+=" $name $rps req/s,"
  done
  echo "${line%,}"
done

# shellcheck disable=SC2086 # the lists are space-separated numbers
nginx_median=$(median ${results[nginx]})
echo
echo "medians of $RUNS runs (requests/s), no-change poll of $body_bytes bytes:"
for name in "${names[@]}"; do
  # shellcheck disable=SC2086
  m=$(median ${results[$name]})
  if [ "$name" = nginx ]; then
    printf '  %-22s %10.0f\n' "$name" "$m"
  else
    printf '  %-22s %10.0f  (%.3f of nginx)\n' "$name" "$m" \
      "$(awk -v a="$m" -v b="$nginx_median" 'BEGIN { print a / b }')"
  fi
done
