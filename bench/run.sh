#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Measures the server and writes bench/RESULTS.md:
#   1. GET requests/{id}.json next to nginx serving the same bytes as a file
#   2. POST requests.json throughput with the default durability (fsync at
#      every commit)
#   3. GET requests.json with filters on a store of 1,000,000 requests
#
# Run on demand, not in CI: sh bench/run.sh [SECONDS-PER-RUN]
set -eu

secs=${1:-10}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
sh scripts/install-deps.sh bench
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j2 >/dev/null
bin=$root/build/civic311

tmp=$(mktemp -d)
srv_pid=""
ngx_pid=""
cleanup() {
    [ -n "$srv_pid" ] && kill "$srv_pid" 2>/dev/null || true
    [ -n "$ngx_pid" ] && kill "$ngx_pid" 2>/dev/null || true
    wait 2>/dev/null || true
    rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

port=18311
nport=18312
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
base=http://127.0.0.1:$port

start_server() {
    "$bin" serve --config config/demo-city.yaml --db "$1" \
        --listen 127.0.0.1:$port --log-level warning 2>>"$tmp/server.log" &
    srv_pid=$!
    i=0
    until curl -sf "$base/healthz" >/dev/null 2>&1; do
        i=$((i + 1))
        [ $i -gt 200 ] && { cat "$tmp/server.log"; exit 1; }
        sleep 0.1
    done
}

stop_server() {
    kill "$srv_pid"
    wait "$srv_pid" || true
    srv_pid=""
}

# wrk_run NAME ARGS...: runs wrk, keeps its output in $tmp/NAME.txt
wrk_run() {
    name=$1
    shift
    wrk --latency -d "${secs}s" "$@" >"$tmp/$name.txt"
}

rps() { awk '/^Requests\/sec/ {print $2}' "$1"; }
pct() { awk -v p="$2" '$1 == p {print $2}' "$1"; }
errs() { awk '/Non-2xx|Socket errors/' "$1" | tr '\n' ' '; }

echo "bench: GET one request next to nginx"
start_server "$tmp/get.db"
key=$("$bin" apikey create --db "$tmp/get.db" --name bench \
    --rate-limit 1000000)
id=$(curl -sf -X POST "$base/open311/v2/requests.json" -d "api_key=$key" \
    -d service_code=POTHOLE -d lat=40.7128 -d long=-74.0060 \
    -d description=bench | sed 's/.*"service_request_id": *"\([^"]*\)".*/\1/')
mkdir -p "$tmp/www"
# nginx workers drop root; they must be able to read the file.
chmod 755 "$tmp" "$tmp/www"
curl -sf "$base/open311/v2/requests/$id.json" >"$tmp/www/req.json"
sed -e "s#@DIR@#$tmp#g" -e "s#@PORT@#$nport#g" bench/nginx.conf.in \
    >"$tmp/nginx.conf"
nginx -c "$tmp/nginx.conf" -p "$tmp" &
ngx_pid=$!
sleep 0.5
wrk_run get-ours -t2 -c64 "$base/open311/v2/requests/$id.json"
wrk_run get-nginx -t2 -c64 "http://127.0.0.1:$nport/req.json"
kill "$ngx_pid"
wait "$ngx_pid" 2>/dev/null || true
ngx_pid=""
bytes=$(wc -c <"$tmp/www/req.json")

echo "bench: POST throughput"
export API_KEY="$key"
wrk_run post -t2 -c16 -s bench/post.lua "$base/open311/v2/requests.json"
stop_server

echo "bench: filling a store with 1,000,000 requests"
"$bin" migrate --db "$tmp/big.db" >/dev/null
start=$(date +%s)
sqlite3 "$tmp/big.db" <bench/fill-1m.sql
fill_secs=$(( $(date +%s) - start ))
start_server "$tmp/big.db"
q="$base/open311/v2/requests.json"
wrk_run q-window -t2 -c16 \
    "$q?start_date=2026-06-01T00:00:00Z&end_date=2026-06-30T23:59:59Z&page_size=100"
wrk_run q-code -t2 -c16 \
    "$q?service_code=POTHOLE&status=open&start_date=2026-01-01T00:00:00Z&end_date=2026-12-31T23:59:59Z&page_size=100"
wrk_run q-ids -t2 -c16 \
    "$q?service_request_id=2026-000500,2026-500000,2026-999999"
wrk_run q-updated -t2 -c16 \
    "$q?updated_after=2026-11-01T00:00:00Z&updated_before=2026-11-02T00:00:00Z&status=closed&page_size=100"
stop_server

ours=$(rps "$tmp/get-ours.txt")
theirs=$(rps "$tmp/get-nginx.txt")
ratio=$(awk -v a="$ours" -v b="$theirs" 'BEGIN {printf "%.2f", a / b}')

row() {
    printf '| %s | %s | %s | %s | %s |\n' "$1" "$(rps "$tmp/$2.txt")" \
        "$(pct "$tmp/$2.txt" 50%)" "$(pct "$tmp/$2.txt" 99%)" \
        "$(errs "$tmp/$2.txt")"
}

{
    echo "## HTTP server on SQLite"
    echo
    echo "Written by \`sh bench/run.sh\`; each run lasts ${secs} s."
    echo
    echo "- date: $(date -u +%Y-%m-%dT%H:%MZ)"
    echo "- machine: $(nproc) cores, $(free -g | awk '/^Mem/ {print $2}') GiB," \
        "$(sed -n 's/^model name\t*: //p' /proc/cpuinfo | head -1)"
    echo "- civic311 $("$bin" --version | cut -d' ' -f2), $(uname -sr)," \
        "wrk and server on the same machine"
    echo
    echo "- load average before the runs: $load_before (other work on the"
    echo "  machine slows every figure)"
    echo
    echo "### GET one request next to nginx"
    echo
    echo "The same ${bytes} bytes: \`GET /open311/v2/requests/{id}.json\` from"
    echo "civic311 and as a static file from nginx ($(nginx -v 2>&1 | cut -d/ -f2))."
    echo "64 connections, 2 wrk threads."
    echo
    echo "| server | requests/s | p50 | p99 | errors |"
    echo "| --- | --- | --- | --- | --- |"
    row civic311 get-ours
    row nginx get-nginx
    echo
    echo "Ratio civic311 / nginx: **${ratio}**."
    echo
    echo "### POST requests.json"
    echo
    echo "Form-encoded pothole requests, 16 connections. Durability: SQLite"
    echo "WAL with synchronous=FULL, one transaction per request, each"
    echo "acknowledged after its commit is on disk."
    echo
    echo "| test | requests/s | p50 | p99 | errors |"
    echo "| --- | --- | --- | --- | --- |"
    row "POST" post
    echo
    echo "### GET requests.json on 1,000,000 requests"
    echo
    echo "The store was filled by bench/fill-1m.sql in ${fill_secs} s"
    echo "(requests spread over 2026, 28 services, a third closed)."
    echo "16 connections; 100 results a page unless the ids are given."
    echo
    echo "| query | requests/s | p50 | p99 | errors |"
    echo "| --- | --- | --- | --- | --- |"
    row "one month (start_date, end_date)" q-window
    row "service_code + status over a year" q-code
    row "three ids" q-ids
    row "updated in one day, closed" q-updated
} >"$tmp/section.md"
sh bench/put-section.sh http <"$tmp/section.md"
cat "$tmp/section.md"
