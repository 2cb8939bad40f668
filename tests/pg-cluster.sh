#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# pg-cluster.sh: the shell twin of dk-test-pg.c, for .sh tests and benches.
#
#   tests/pg-cluster.sh start DIR   makes (first time) and starts a private cluster in
#                                   DIR (DIR/pg data, DIR/sock socket, no TCP), creates
#                                   the database "driftkoll" and prints its URL
#   tests/pg-cluster.sh url DIR     prints the URL again
#   tests/pg-cluster.sh stop DIR    stops it (pg_ctl stop -m fast); remove DIR after
#
# As root the cluster belongs to the user postgres (initdb refuses root).
# Exit 77 (skip) when PostgreSQL 15 is not installed.
set -eu

B=/usr/lib/postgresql/15/bin
action=${1:?usage: pg-cluster.sh start|stop|url DIR}
dir=${2:?usage: pg-cluster.sh start|stop|url DIR}

if [ ! -x "$B/initdb" ]; then
    echo "PostgreSQL 15 is not installed ($B/initdb missing)" >&2
    exit 77
fi

as_postgres() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

dir=$(cd "$dir" 2>/dev/null && pwd || { mkdir -p "$dir" && cd "$dir" && pwd; })
url="postgresql:///driftkoll?host=$dir/sock&user=postgres"

case "$action" in
start)
    chmod 755 "$dir"
    if [ ! -f "$dir/pg/PG_VERSION" ]; then
        mkdir -p "$dir/pg" "$dir/sock"
        if [ "$(id -u)" = 0 ]; then chown postgres "$dir/pg" "$dir/sock"; fi
        as_postgres "$B/initdb" -D "$dir/pg" -A trust -U postgres -E UTF8 --locale=C \
            --no-sync >/dev/null
        cat >>"$dir/pg/postgresql.conf" <<CONF

# pg-cluster.sh
listen_addresses = ''
unix_socket_directories = '$dir/sock'
fsync = off
synchronous_commit = off
full_page_writes = off
shared_buffers = 64MB
max_connections = 250
max_wal_size = 512MB
CONF
        fresh=1
    fi
    (cd "$dir" && as_postgres "$B/pg_ctl" -D "$dir/pg" -l "$dir/pg/log.txt" -w -s start) >&2
    if [ "${fresh:-0}" = 1 ]; then
        "$B/psql" -X -q -d "postgresql:///postgres?host=$dir/sock&user=postgres" \
            -c 'CREATE DATABASE driftkoll' >&2
    fi
    echo "$url"
    ;;
stop)
    (cd "$dir" && as_postgres "$B/pg_ctl" -D "$dir/pg" -w -s -m fast stop) >&2
    ;;
url)
    echo "$url"
    ;;
*)
    echo "usage: pg-cluster.sh start|stop|url DIR" >&2
    exit 2
    ;;
esac
