#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Measures the server on PostgreSQL with one process, and with two behind
# nginx, and prints the rows of the "Measured" table of docs/SCALING.md:
#   POST requests.json (16 connections, bench/post.lua)
#   GET requests/{id}.json (64 connections)
# The cluster is a throwaway one (scripts/pg-cluster.sh) in a temporary
# folder, with default durability (fsync on).
#
# Run on demand, not in CI: sh bench/pg.sh [SECONDS-PER-RUN]
set -eu

secs=${1:-10}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
sh scripts/install-deps.sh bench
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j2 >/dev/null
bin=$root/build/civic311

# The postgres system user must reach the cluster's folder.
tmp=$(mktemp -d /tmp/civic311-bench-pg.XXXXXX)
chmod 755 "$tmp"
pids=""
ngx_pid=""
cleanup() {
    for p in $pids $ngx_pid; do
        kill "$p" 2>/dev/null || true
    done
    wait 2>/dev/null || true
    sh scripts/pg-cluster.sh stop "$tmp/pg" >/dev/null 2>&1 || true
    rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

port=18321
nport=18320
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

sh scripts/pg-cluster.sh start "$tmp/pg"
db=$(sh scripts/pg-cluster.sh url "$tmp/pg")
"$bin" migrate --db "$db" >/dev/null
key=$("$bin" apikey create --db "$db" --name bench \
    --rate-limit 1000000)

# start_server PORT: starts one server process on the database.
start_server() {
    "$bin" serve --config config/demo-city.yaml --db "$db" \
        --listen "127.0.0.1:$1" --log-level warning 2>>"$tmp/server.log" &
    pids="$pids $!"
    i=0
    until curl -sf "http://127.0.0.1:$1/healthz" >/dev/null 2>&1; do
        i=$((i + 1))
        [ $i -gt 200 ] && { cat "$tmp/server.log"; exit 1; }
        sleep 0.1
    done
}

stop_servers() {
    for p in $pids; do
        kill "$p"
        wait "$p" || true
    done
    pids=""
}

rps() { awk '/^Requests\/sec/ {printf "%.0f", $2}' "$1"; }
pct() { awk -v p="$2" '$1 == p {print $2}' "$1"; }

# measure NAME BASE: GET and POST against BASE; keeps wrk's output.
measure() {
    id=$(curl -sf -X POST "$2/open311/v2/requests.json" -d "api_key=$key" \
        -d service_code=POTHOLE -d lat=40.7128 -d long=-74.0060 \
        -d description=bench |
        sed 's/.*"service_request_id": *"\([^"]*\)".*/\1/')
    wrk --latency -d "${secs}s" -t2 -c64 \
        "$2/open311/v2/requests/$id.json" >"$tmp/$1-get.txt"
    API_KEY=$key wrk --latency -d "${secs}s" -t2 -c16 -s bench/post.lua \
        "$2/open311/v2/requests.json" >"$tmp/$1-post.txt"
}

echo "bench: PostgreSQL, one server"
start_server $port
measure one "http://127.0.0.1:$port"
stop_servers

echo "bench: PostgreSQL, two servers behind nginx"
start_server $port
start_server $((port + 1))
cat >"$tmp/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $tmp/nginx.pid;
error_log $tmp/nginx-error.log;
events { worker_connections 1024; }
http {
    access_log off;
    upstream civic311 {
        least_conn;
        server 127.0.0.1:$port;
        server 127.0.0.1:$((port + 1));
        keepalive 32;
    }
    server {
        listen 127.0.0.1:$nport;
        location / {
            proxy_pass http://civic311;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
        }
    }
}
CONF
nginx -c "$tmp/nginx.conf" -p "$tmp" &
ngx_pid=$!
sleep 0.5
measure two "http://127.0.0.1:$nport"
kill "$ngx_pid"
wait "$ngx_pid" 2>/dev/null || true
ngx_pid=""
stop_servers

# One row of the table: p99 of the POST run, then of the GET run.
row() {
    printf '| PostgreSQL | %s | %s | %s | %s POST, %s GET |\n' "$2" \
        "$(rps "$tmp/$1-post.txt")" "$(rps "$tmp/$1-get.txt")" \
        "$(pct "$tmp/$1-post.txt" 99%)" "$(pct "$tmp/$1-get.txt" 99%)"
}

{
    echo "## HTTP server on PostgreSQL"
    echo
    echo "Written by \`sh bench/pg.sh\`; $(date -u +%Y-%m-%dT%H:%MZ)."
    echo "$(nproc) cores, ${secs} s a run, wrk, nginx and PostgreSQL on the" \
        "same machine; load average before the runs: $load_before. POST"
    echo "with 16 connections, GET requests/{id}.json with 64. Errors:"
    grep -h -E 'Non-2xx|Socket errors' "$tmp"/*.txt || echo "none"
    echo
    echo "| back end | servers | POST req/s | GET req/s | p99 |"
    echo "| --- | --- | --- | --- | --- |"
    row one 1
    row two "2 (nginx)"
} >"$tmp/section.md"
sh bench/put-section.sh postgresql <"$tmp/section.md"
cat "$tmp/section.md"
