#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Measures `civic311 import` on ROWS (default 1,000,000) synthetic NYC 311
# rows and, in the same run on the same file, `sqlite3 .import` into a
# plain table, the floor for getting CSV into SQLite. Each run goes
# through GNU time -v for wall-clock time, user CPU time and peak
# resident memory. Also measures the import of the file's first tenth
# (peak memory must not depend on the file's size), a second import of
# the same file (every row unchanged) and, when PostgreSQL is installed,
# the import into a throwaway cluster.
# Writes the "import" section of bench/RESULTS.md (bench/put-section.sh).
#
#   sh bench/import.sh [ROWS]
#
# The rows come from nyc311-synth (set NYC311_SYNTH to its path; the
# default is /work/shared/tools/nyc311-synth), which resamples the real
# NYC sample with new keys and times spread over 2021-2023, so the file
# crosses daylight-saving changes.
set -eu

rows=${1:-1000000}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
synth=${NYC311_SYNTH:-/work/shared/tools/nyc311-synth}
if [ ! -f "$synth" ]; then
    echo "bench/import.sh: no nyc311-synth at $synth (set NYC311_SYNTH)" >&2
    exit 1
fi
sh scripts/install-deps.sh bench
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j2 >/dev/null
bin=$root/build/civic311

tmp=$(mktemp -d /tmp/civic311-bench-import.XXXXXX)
chmod 755 "$tmp"
pg_dir=""
cleanup() {
    if [ -n "$pg_dir" ]; then
        sh scripts/pg-cluster.sh stop "$pg_dir" >/dev/null 2>&1 || true
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

csv=$tmp/nyc-$rows.csv
echo "bench/import.sh: writing $rows rows"
python3 "$synth" "$rows" >"$csv"
bytes=$(wc -c <"$csv")
tenth=$((rows / 10))
small=$tmp/nyc-$tenth.csv
head -n $((tenth + 1)) "$csv" >"$small"

# measure NAME CMD...: runs CMD under GNU time; keeps its report in
# $tmp/NAME.time and its output in $tmp/NAME.out.
measure() {
    name=$1
    shift
    echo "bench/import.sh: $name"
    /usr/bin/time -v "$@" >"$tmp/$name.out" 2>"$tmp/$name.time"
}

# seconds NAME: the wall-clock time of a run, in seconds.
seconds() {
    sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' \
        "$tmp/$1.time" |
        awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i;
                   printf "%.1f", s }'
}

# user NAME: the user CPU time of a run, in seconds.
user() {
    sed -n 's/.*User time (seconds): //p' "$tmp/$1.time"
}

# rss NAME: peak resident memory of a run, in MiB.
rss() {
    sed -n 's/.*Maximum resident set size (kbytes): //p' "$tmp/$1.time" |
        awk '{ printf "%.0f", $1 / 1024 }'
}

# row NAME LABEL [ROWS]: one line of the results table.
row() {
    s=$(seconds "$1")
    n=${3:-$rows}
    printf '| %s | %s | %s | %s | %s | %s |\n' "$2" "$n" "$s" "$(user "$1")" \
        "$(awk -v n="$n" -v s="$s" 'BEGIN { printf "%.0f", n / s }')" \
        "$(rss "$1")"
}

cfg=config/demo-city.yaml
measure tenth "$bin" import "$small" --db "$tmp/tenth.db" --config "$cfg"
measure civic311 "$bin" import "$csv" --db "$tmp/civic311.db" --config "$cfg"
measure again "$bin" import "$csv" --db "$tmp/civic311.db" --config "$cfg"
measure sqlite3 sqlite3 "$tmp/plain.db" ".mode csv" ".import $csv nyc"
# The same, then an index on each column civic311's request table keeps
# one on (the key, times, type, status, agency, place): what a store that
# answers queries by those columns has to build whatever writes it.
measure indexed sqlite3 "$tmp/indexed.db" ".mode csv" ".import $csv nyc" \
    'PRAGMA threads = 2' \
    'CREATE UNIQUE INDEX nyc_key ON nyc ("Unique Key")' \
    'CREATE INDEX nyc_created ON nyc ("Created Date")' \
    'CREATE INDEX nyc_updated ON nyc ("Resolution Action Updated Date")' \
    'CREATE INDEX nyc_type ON nyc ("Complaint Type", "Created Date")' \
    'CREATE INDEX nyc_status ON nyc ("Status", "Created Date")' \
    'CREATE INDEX nyc_agency ON nyc ("Agency", "Created Date")' \
    'CREATE INDEX nyc_closed ON nyc ("Closed Date")' \
    'CREATE INDEX nyc_place ON nyc ("Latitude", "Longitude")'

pg=""
if ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1; then
    pg_dir=$tmp/pg
    mkdir -p "$pg_dir"
    if sh scripts/pg-cluster.sh start "$pg_dir" >/dev/null 2>&1; then
        url=$(sh scripts/pg-cluster.sh url "$pg_dir")
        measure postgresql "$bin" import "$csv" --db "$url" --config "$cfg"
        pg=yes
    fi
fi

grep -h "^read " "$tmp/civic311.out" "$tmp/again.out"
summary=$(grep "^read " "$tmp/civic311.out")
load=$(cut -d' ' -f1-3 /proc/loadavg)
{
    echo "## Import of $rows NYC 311 rows"
    echo
    echo "Written by \`sh bench/import.sh\`."
    echo
    echo "- date: $(date -u +%Y-%m-%dT%H:%MZ)"
    echo "- machine: $(nproc) cores, $(free -g | awk '/^Mem:/ { print $2 }')" \
        "GiB, $(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -1 |
            cut -d' ' -f1-2)"
    echo "- civic311 $("$bin" --version | cut -d' ' -f2), SQLite" \
        "$(sqlite3 --version | cut -d' ' -f1), load average $load at the end"
    echo "- input: $rows rows, $((bytes / 1048576)) MiB, from nyc311-synth;" \
        "civic311 said: $summary"
    echo
    echo "| run | rows | wall s | user s | rows/s (wall) | peak RSS (MiB) |"
    echo "| --- | --- | --- | --- | --- | --- |"
    row tenth "civic311 import, SQLite, new store, first tenth" "$tenth"
    row civic311 "civic311 import, SQLite, new store"
    row again "civic311 import of the same file again (all unchanged)"
    row sqlite3 "sqlite3 .import into a plain table"
    row indexed "sqlite3 .import, then 8 indexes like the request table's"
    if [ -n "$pg" ]; then
        row postgresql "civic311 import, PostgreSQL, new database"
    fi
    echo
    echo "Peak memory against file size (civic311 import, SQLite, new"
    echo "store): $(rss tenth) MiB for $tenth rows, $(rss civic311) MiB for"
    echo "$rows rows."
    echo
    echo "\`sqlite3 .import\` stores 41 text columns in one table with no"
    echo "index. civic311 reads every date in the city's zone, maps agency,"
    echo "type and channel, and for each row writes the request, an import"
    echo "record with its digest and the kept columns as one JSON value,"
    echo "and a history event, in transactions of 10,000 rows, while a"
    echo "second thread reads and maps the next rows. Into a new store it"
    echo "is a bulk load: seven indexes of the request table are dropped"
    echo "first and built again at the end, one sort each; the second"
    echo "sqlite3 run shows what eight such indexes cost on their own, on"
    echo "the same file. The second civic311 run"
    echo "reads the file again and finds every digest unchanged (keeping"
    echo "its keys in a temporary table, to refuse a repeated one). Peak"
    echo "memory is two batches and the page cache (16 MiB in a bulk load,"
    echo "64 MiB otherwise); nothing is kept per row. Wall time counts the"
    echo "CPU other processes hold: compare user CPU when the load is high."
} >"$tmp/section.md"
sh bench/put-section.sh import <"$tmp/section.md"
cat "$tmp/section.md"
