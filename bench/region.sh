#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# region.sh: INSTANCES (2) driftkoll-server instances on one private PostgreSQL behind
# HAProxy, N (10,000) event WebSockets through the balancer (bench/ws-load), RUNS (3)
# times each (README.md, "Region scale"):
#
#   1. sockets: N sockets opened within SPREAD (20) s through the balancer; how many
#      connected, how they spread over the instances (HAProxy's own count), then
#      PUBLISHES (10) publishes, INTERVAL_MS (1000) apart, each on one instance in turn
#      (directly, when ws-load has --publish-port; else through the balancer): latency
#      p50/p99 from the POST to each socket, and missed ones.
#   2. storm: N sockets open, then instance 0 is restarted on its port (SIGTERM, start
#      again): its sockets reconnect through the balancer within STORM_JITTER (5) s;
#      how long until every one is back, and whether every instance is still alive.
#
# Medians of the runs at the end, with each instance's CPU seconds and peak RSS.
#
#   bash bench/region.sh                      # N=10000 RUNS=3
#   N=2000 RUNS=1 SPREAD=5 bash bench/region.sh
#
# Needs: bench/ws-load (ninja -C build bench/ws-load), /usr/sbin/haproxy (HAPROXY=…),
# PostgreSQL 15 (tests/pg-cluster.sh), and the server's PostgreSQL backend. Everything
# listens on loopback; nothing of the system's PostgreSQL or HAProxy is touched.
#
# Behind the balancer every connection comes from HAProxy's address (127.0.0.1): the
# instances are served with --max-connections-per-address 0, as an operator must (or a
# value at least the sockets one instance holds), since driftkoll-server does not read
# X-Forwarded-For.
set -euo pipefail

# shellcheck source=bench/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

N=${N:-10000}
RUNS=${RUNS:-3}
SPREAD=${SPREAD:-20}
PUBLISHES=${PUBLISHES:-10}
INTERVAL_MS=${INTERVAL_MS:-1000}
INSTANCES=${INSTANCES:-2}
STORM_JITTER=${STORM_JITTER:-5}
WS_LOAD=${WS_LOAD:-$BUILD_DIR/bench/ws-load}
HAPROXY=${HAPROXY:-/usr/sbin/haproxy}
PYTHON=${PYTHON:-/usr/bin/python3}

if [ ! -x "$WS_LOAD" ]; then
  echo "no ws-load at $WS_LOAD: build it (ninja -C build bench/ws-load; helper ws's" \
       "bench/ws-load.c, branch wip-h15-ws) or set WS_LOAD" >&2
  exit 1
fi
if [ ! -x "$HAPROXY" ]; then
  echo "no haproxy at $HAPROXY: apt-get install haproxy (or set HAPROXY)" >&2
  exit 77
fi

# Sockets: ws-load, HAProxy (two descriptors a socket) and the instances need many.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

PG_DIR=$WORKDIR/pg
pg_started=0
region_cleanup () {
  local pid
  # The instances and HAProxy first (they hold the database), then the cluster.
  for pid in "${BG_PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${BG_PIDS[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  if [ "$pg_started" = 1 ]; then
    sh "$REPO/tests/pg-cluster.sh" stop "$PG_DIR" >/dev/null 2>&1 || true
  fi
  cleanup
}
trap region_cleanup EXIT

# ---- PostgreSQL and the instances ----

# BACKEND=sqlite: one instance on a SQLite file behind the balancer (what a SQLite server
# can be), to see what the balancer itself costs.
BACKEND=${BACKEND:-postgresql}
if [ "$BACKEND" = sqlite ]; then
  if [ "$INSTANCES" != 1 ]; then
    echo "BACKEND=sqlite serves one instance only: INSTANCES=1" >&2
    exit 1
  fi
  DB=$WORKDIR/region.db
else
  # As root the cluster runs as postgres, which must reach its folder inside ours.
  chmod 711 "$WORKDIR"
  status=0
  DB=$(sh "$REPO/tests/pg-cluster.sh" start "$PG_DIR") || status=$?
  if [ "$status" != 0 ]; then
    echo "could not start a private PostgreSQL cluster (pg-cluster.sh exited $status)" >&2
    exit "$status"
  fi
  pg_started=1
fi
if ! "$SERVER" init --db "$DB" --demo >"$WORKDIR/init.out" 2>&1; then
  echo "driftkoll-server init --db $DB failed (is the PostgreSQL backend built in?):" >&2
  cat "$WORKDIR/init.out" >&2
  exit 1
fi

PIDS=()
PORTS=()

# start_instance I LISTEN: serves the database on LISTEN; sets PIDS[I] and PORTS[I].
start_instance () {
  local i=$1 listen=$2 out="$WORKDIR/instance-$1.$RANDOM.out" line="" t
  start_bg "$out" "$SERVER" serve --db "$DB" --listen "$listen" \
    --max-connections-per-address 0
  PIDS[i]=$BG_PID
  for ((t = 0; t < 300; t++)); do
    line=$(head -n 1 "$out" 2>/dev/null || true)
    case $line in "listening on http://127.0.0.1:"*/) break ;; esac
    if ! kill -0 "${PIDS[i]}" 2>/dev/null; then
      echo "instance $i exited before listening:" >&2
      cat "$out.err" >&2
      exit 1
    fi
    sleep 0.1
  done
  case $line in
    "listening on http://127.0.0.1:"*/) ;;
    *) echo "instance $i did not say it was listening: '$line'" >&2; exit 1 ;;
  esac
  line=${line#listening on http://127.0.0.1:}
  PORTS[i]=${line%/}
}

for ((i = 0; i < INSTANCES; i++)); do
  start_instance "$i" 127.0.0.1:0
done

# ---- HAProxy, as tests/dk-test-lb.c configures it ----

free_port () {
  "$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# One HAProxy process needs two descriptors a socket: under a hard limit of 20,000 (no
# CAP_SYS_RESOURCE to raise it) it holds fewer than 10,000. LBS (2 when N needs it)
# processes therefore bind the same port (SO_REUSEPORT, HAProxy's default on Linux; the
# kernel spreads the connections), each with its own stats socket, as a region runs
# more than one balancer.
LB_PORT=$(free_port)
hard=$(ulimit -Hn)
LBS=${LBS:-$(( (2 * N + 2000) / (hard > 2000 ? hard - 1000 : 1000) + 1 ))}
per_lb=$(( N / LBS + 1000 ))
LB_PIDS=()
for ((b = 0; b < LBS; b++)); do
  {
    cat <<EOF
global
  maxconn $per_lb
  stats socket $WORKDIR/haproxy-$b.sock mode 600 level admin
  log stderr format raw local0 notice

defaults
  mode http
  log global
  option dontlognull
  option redispatch
  retries 2
  timeout connect 2s
  timeout client 30s
  timeout server 30s
  timeout http-request 10s
  timeout http-keep-alive 10s
  timeout tunnel 1h
  timeout client-fin 5s
  timeout check 1s

frontend driftkoll
  bind 127.0.0.1:$LB_PORT
  maxconn $per_lb
  default_backend instances

backend instances
  balance leastconn
  option httpchk GET /api/v1/healthz
  http-check expect status 200
  default-server inter 500ms fastinter 250ms downinter 500ms fall 2 rise 1 on-marked-down shutdown-sessions maxconn $per_lb
EOF
    for ((i = 0; i < INSTANCES; i++)); do
      echo "  server s$i 127.0.0.1:${PORTS[i]} check"
    done
  } >"$WORKDIR/haproxy-$b.cfg"
  start_bg "$WORKDIR/haproxy-$b.log" "$HAPROXY" -db -f "$WORKDIR/haproxy-$b.cfg"
  LB_PIDS[b]=$BG_PID
done

# stat SERVER COLUMN: one column of "show stat" for backend server sN, one line for
# each balancer process ("" when unknown).
stat () {
  local b
  for ((b = 0; b < LBS; b++)); do
    "$PYTHON" - "$WORKDIR/haproxy-$b.sock" "$1" "$2" <<'EOF' 2>/dev/null || true
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.settimeout(5)
s.connect(sys.argv[1])
s.sendall(b"show stat\n")
data = b""
while True:
    chunk = s.recv(65536)
    if not chunk:
        break
    data += chunk
lines = data.decode().splitlines()
header = lines[0][2:].split(",")
column = header.index(sys.argv[3])
for line in lines[1:]:
    fields = line.split(",")
    if len(fields) > column and fields[0] == "instances" and fields[1] == "s" + sys.argv[2]:
        print(fields[column])
EOF
  done
}

# wait_state SERVER UP|DOWN [SECONDS]: until every balancer's health checks say so.
wait_state () {
  local t s n
  for ((t = 0; t < ${3:-10} * 10; t++)); do
    s=$(stat "$1" status)
    n=$(printf '%s\n' "$s" | grep -c "^$2" || true)
    [ "$n" = "$LBS" ] && return 0
    sleep 0.1
  done
  echo "HAProxy does not see instance $1 $2 (status '$s'):" >&2
  cat "$WORKDIR"/haproxy-*.log* >&2
  exit 1
}

for ((i = 0; i < INSTANCES; i++)); do
  wait_state "$i" UP
done
echo "instances on ports ${PORTS[*]}, $LBS HAProxy processes on $LB_PORT, database $DB" >&2

# ws-load publishes on the instances directly when it can, else through the balancer.
PUBLISH_ARGS=()
usage=$("$WS_LOAD" --help 2>&1 || true)
if [[ $usage == *--publish-port* ]]; then
  PUBLISH_ARGS=(--publish-port "$(IFS=,; echo "${PORTS[*]}")")
  PUBLISHED_ON="each instance directly, in turn"
else
  PUBLISHED_ON="through the balancer (this ws-load has no --publish-port)"
fi

# cpu PID: user + system seconds the process has used.
cpu () {
  awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f\n", ($14 + $15) / hz }' "/proc/$1/stat"
}

# sample_spread FILE PID: while PID runs, the most sockets HAProxy held per instance.
sample_spread () {
  local file=$1 pid=$2 i v
  local -a most=()
  for ((i = 0; i < INSTANCES; i++)); do most[i]=0; done
  while kill -0 "$pid" 2>/dev/null; do
    for ((i = 0; i < INSTANCES; i++)); do
      v=$(stat "$i" scur | awk '{ n += $1 } END { print n + 0 }')
      if [ "$v" -gt "${most[i]}" ]; then most[i]=$v; fi
    done
    sleep 1
  done
  echo "${most[*]}" >"$file"
}

CONNECTED=() OPEN_TIME=() P50=() P99=() MISSED=() BACK=() LOST=() ALIVE=()

for ((run = 1; run <= RUNS; run++)); do
  # -- 1. sockets and publishes --
  out=$WORKDIR/sockets-$run.out
  "$WS_LOAD" --port "$LB_PORT" --sockets "$N" --spread "$SPREAD" --publishes "$PUBLISHES" \
    --interval "$INTERVAL_MS" "${PUBLISH_ARGS[@]}" >"$out" 2>"$out.err" &
  load=$!
  sample_spread "$WORKDIR/spread-$run" "$load" &
  sampler=$!
  wait "$load" || { echo "ws-load failed:" >&2; cat "$out.err" >&2; exit 1; }
  wait "$sampler"
  cat "$out"
  echo "sockets per instance at most (HAProxy's scur): $(cat "$WORKDIR/spread-$run")"
  CONNECTED+=("$(awk '$1 == "connected" { gsub(/\(/, "", $3); print $3 }' "$out")")
  OPEN_TIME+=("$(awk '$1 == "connected" { print $6 }' "$out")")
  P50+=("$(awk '$1 == "publishes" { print $7 }' "$out")")
  P99+=("$(awk '$1 == "publishes" { print $11 }' "$out")")
  MISSED+=("$(awk '$1 == "publishes" { print $15 }' "$out")")

  # -- 2. the reconnect storm: instance 0 restarts under N sockets --
  out=$WORKDIR/storm-$run.out
  "$WS_LOAD" --port "$LB_PORT" --sockets "$N" --spread "$SPREAD" --reconnect-storm \
    --storm-jitter "$STORM_JITTER" >"$out" 2>"$out.err" &
  load=$!
  for ((t = 0; t < (SPREAD + 60) * 10; t++)); do
    grep -q '^ready' "$out" 2>/dev/null && break
    kill -0 "$load" 2>/dev/null || break
    sleep 0.1
  done
  grep -q '^ready' "$out" || { echo "ws-load never got ready:" >&2; cat "$out" "$out.err" >&2; exit 1; }
  stop_bg "${PIDS[0]}"
  start_instance 0 "127.0.0.1:${PORTS[0]}"
  wait "$load" || { echo "ws-load failed:" >&2; cat "$out.err" >&2; exit 1; }
  cat "$out"
  alive=yes
  for ((i = 0; i < INSTANCES; i++)); do
    kill -0 "${PIDS[i]}" 2>/dev/null || alive=NO
  done
  for pid in "${LB_PIDS[@]}"; do
    kill -0 "$pid" 2>/dev/null || alive=NO
  done
  echo "every instance and HAProxy still running: $alive"
  wait_state 0 UP
  LOST+=("$(awk '$1 == "storm:" && $2 == "lost" { print $3 }' "$out")")
  BACK+=("$(awk '$1 == "storm:" && $2 == "lost" { print $10 }' "$out")")
  ALIVE+=("$alive")
done

echo
echo "== region: $INSTANCES instance(s) on $BACKEND behind HAProxy ($LBS processes), $N sockets, medians of $RUNS =="
echo "publishes: $PUBLISHED_ON"
echo "connected %:            $(median "${CONNECTED[@]}")"
echo "open time s:            $(median "${OPEN_TIME[@]}")"
echo "publish latency p50 ms: $(median "${P50[@]}")"
echo "publish latency p99 ms: $(median "${P99[@]}")"
echo "missed:                 $(median "${MISSED[@]}")"
echo "storm: sockets lost:    $(median "${LOST[@]}")"
echo "storm: all back in s:   $(median "${BACK[@]}")"
echo "storm: still running:   ${ALIVE[*]}"
for ((i = 0; i < INSTANCES; i++)); do
  echo "instance $i: cpu $(cpu "${PIDS[i]}") s (since its last start)," \
       "peak RSS $(awk '/VmHWM/ { print $2, $3 }' "/proc/${PIDS[i]}/status")"
done
for ((b = 0; b < LBS; b++)); do
  echo "haproxy $b: cpu $(cpu "${LB_PIDS[b]}") s," \
       "peak RSS $(awk '/VmHWM/ { print $2, $3 }' "/proc/${LB_PIDS[b]}/status")"
done
