#!/bin/sh
# SPDX-License-Identifier: MIT
#
# A throwaway PostgreSQL cluster for tests and local runs.
#
#   scripts/pg-cluster.sh start DIR   initdb (first time) and start in DIR
#   scripts/pg-cluster.sh stop DIR    stop it (fast shutdown)
#   scripts/pg-cluster.sh url DIR     print the DSN for --db
#
# The server listens only on a unix socket in DIR, uses trust
# authentication for the database user civic311 and keeps the default
# fsync settings. Run as root, the server runs as the system user
# postgres (PostgreSQL refuses to run as root). Set PGCLUSTER_PORT to also
# listen on 127.0.0.1 at that port.
set -eu

usage() {
    echo "usage: $0 start|stop|url DIR" >&2
    exit 2
}

[ $# -eq 2 ] || usage
cmd=$1
mkdir -p "$2"
dir=$(cd "$2" && pwd)
db=civic311
role=civic311

# The newest installed server version, unless PG_BINDIR says otherwise.
bindir=${PG_BINDIR:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null |
    sort -V | tail -n 1)}
if [ -z "$bindir" ] || [ ! -x "$bindir/pg_ctl" ]; then
    echo "pg-cluster: no PostgreSQL server found in /usr/lib/postgresql" >&2
    exit 1
fi

# Runs a server program as the cluster's owner.
as_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

case $cmd in
start)
    if [ "$(id -u)" -eq 0 ]; then
        chown postgres: "$dir"
    fi
    chmod 700 "$dir"
    if [ ! -f "$dir/data/PG_VERSION" ]; then
        as_owner "$bindir/initdb" -D "$dir/data" -U "$role" -A trust \
            -E UTF8 --locale=C >"$dir/initdb.log" 2>&1 || {
            cat "$dir/initdb.log" >&2
            exit 1
        }
        listen="''"
        if [ -n "${PGCLUSTER_PORT:-}" ]; then
            listen="'127.0.0.1'"
        fi
        cat >>"$dir/data/postgresql.conf" <<CONF
listen_addresses = $listen
port = ${PGCLUSTER_PORT:-5432}
unix_socket_directories = '$dir'
max_connections = 100
CONF
    fi
    as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
        start >/dev/null
    if ! as_owner "$bindir/psql" -h "$dir" -U "$role" -d postgres -Atqc \
        "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1; then
        as_owner "$bindir/createdb" -h "$dir" -U "$role" "$db"
    fi
    ;;
stop)
    as_owner "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
    ;;
url)
    port=$(sed -n 's/^port = \([0-9]*\)$/\1/p' "$dir/data/postgresql.conf" |
        tail -n 1)
    echo "postgresql:///$db?host=$dir&port=${port:-5432}&user=$role"
    ;;
*)
    usage
    ;;
esac
