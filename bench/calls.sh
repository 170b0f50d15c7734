#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Measures the contact-centre pipeline on a synthetic Asterisk queue_log
# (bench/calls-gen.awk, sorted by time) and writes the section
# "## Calls: queue_log import and report" of bench/RESULTS.md (replacing
# it when present):
#   1. read and rebuild only (calls import --check): the parser and the
#      call rebuilding, nothing stored;
#   2. THE GOAL: import into a fresh SQLite store (synchronous=NORMAL: a
#      crash only means importing again, which adds nothing twice), then
#      the metrics report by hour over the whole range, run one after the
#      other as one timed command; events/s = events / wall seconds of
#      both together (2,000,000 aimed at). Each part is also timed alone;
#   3. the same file imported again: every call is found stored already;
#   4. the reports by queue and by agent over the whole range;
#   5. peak memory of 1 and 2 for a log a tenth of the size, to show that
#      memory follows the calls in progress, not the file: peak RSS, and
#      peak anonymous memory (RSS without the database file pages SQLite
#      maps, up to 1 GiB, which the kernel can drop at will).
#
# Run on demand, not in CI: sh bench/calls.sh [EVENTS]   (default 10000000)
set -eu

events=${1:-10000000}
small=$((events / 10))
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j2 >/dev/null
bin=$root/build/civic311
config=$root/config/demo-city.yaml

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

# gen N FILE: a queue_log of about N events, sorted by time.
gen() {
    awk -v events="$1" -f bench/calls-gen.awk |
        LC_ALL=C sort -s -t'|' -k1,1n -S 512M -T "$tmp" >"$2"
}

# measure NAME CMD...: runs CMD, keeps "wall user sys maxrss_kb" in
# $tmp/NAME.time, its output in $tmp/NAME.out and the peak anonymous
# memory (kB) of the civic311 processes it runs in $tmp/NAME.anon.
measure() {
    name=$1
    shift
    /usr/bin/time -f '%e %U %S %M' -o "$tmp/$name.time" "$@" \
        >"$tmp/$name.out" 2>&1 &
    timer=$!
    peak=0
    while kill -0 "$timer" 2>/dev/null; do
        for p in $(pgrep -x civic311 2>/dev/null); do
            # Only processes this step started, up to four levels down.
            up=$p
            for _ in 1 2 3 4; do
                up=$(ps -o ppid= -p "$up" 2>/dev/null | tr -d ' ')
                [ -n "$up" ] && [ "$up" != "$timer" ] || break
            done
            [ "$up" = "$timer" ] || continue
            kb=$(awk '/^RssAnon:/ {print $2}' "/proc/$p/status" \
                2>/dev/null || true)
            [ "${kb:-0}" -gt "$peak" ] && peak=$kb
        done
        sleep 0.05
    done
    wait "$timer"
    echo "$peak" >"$tmp/$name.anon"
}

field() {
    awk -v i="$2" '{print $i}' "$tmp/$1.time"
}

rate() {
    awk -v n="$1" -v s="$2" 'BEGIN { printf "%.0f", n / s }'
}

echo "generating $events events"
gen "$events" "$tmp/big.log"
gen "$small" "$tmp/small.log"
lines=$(wc -l <"$tmp/big.log")
bytes=$(wc -c <"$tmp/big.log")

echo "read and rebuild"
measure check "$bin" calls import "$tmp/big.log" --check --config "$config"
# The goal: import into a new store and the hourly report, one command.
{
    echo "/usr/bin/time -f '%e %U %S %M' -o '$tmp/import.time' \\"
    echo "    '$bin' calls import '$tmp/big.log' --db '$tmp/b.db' \\"
    echo "    --config '$config' >'$tmp/import.out' 2>&1 &&"
    echo "/usr/bin/time -f '%e %U %S %M' -o '$tmp/report-interval.time' \\"
    echo "    '$bin' calls report --db '$tmp/b.db' --config '$config' \\"
    echo "    --from 2025-12-31 --to 2026-01-15 --by interval \\"
    echo "    >'$tmp/report-interval.out' 2>&1"
} >"$tmp/goal.sh"
echo "import into SQLite and report by hour (the goal)"
measure goal sh "$tmp/goal.sh"
echo "import again"
measure again "$bin" calls import "$tmp/big.log" --db "$tmp/b.db" \
    --config "$config"
calls=$(sed -n 's/^calls: \([0-9]*\) new.*/\1/p' "$tmp/import.out")
for by in queue agent; do
    echo "report by $by"
    measure "report-$by" "$bin" calls report --db "$tmp/b.db" \
        --config "$config" --from 2025-12-31 --to 2026-01-15 --by "$by"
done
measure small-check "$bin" calls import "$tmp/small.log" --check \
    --config "$config"
measure small-import "$bin" calls import "$tmp/small.log" \
    --db "$tmp/s.db" --config "$config"
dbsize=$(du -k "$tmp/b.db" | awk '{print $1}')
goal_rate=$(rate "$lines" "$(field goal 1)")
goal_cpu_rate=$(rate "$lines" "$(field goal 2)")
met=$(awk -v r="$goal_rate" 'BEGIN { print (r >= 2000000 ? "met" : "not met") }')
mib() {
    echo "$(($(cat "$tmp/$1.anon") / 1024)) MiB"
}

section=$tmp/section.md
{
    echo "## Calls: queue_log import and report"
    echo
    echo "Written by \`sh bench/calls.sh $events\`."
    echo
    echo "- date: $(date -u +%Y-%m-%dT%H:%MZ)"
    echo "- machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%d GiB", $2/1048576}' /proc/meminfo); load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "- log: $lines events ($((bytes / 1048576)) MiB), $calls calls over"
    echo "  about a week, 4 queues, 200 agents, about a thousand calls in"
    echo "  progress at any moment (bench/calls-gen.awk)"
    echo "- SQLite store after the import: $((dbsize / 1024)) MiB"
    echo
    echo "The goal: import into a new SQLite store, then the report by hour"
    echo "over the week, as one command: $(field goal 1) s wall,"
    echo "$(field goal 2) s user CPU; $goal_rate events/s (wall),"
    echo "$goal_cpu_rate events/s (user CPU), against 2,000,000 aimed at:"
    echo "$met."
    echo
    echo "| step | wall s | user s | sys s | events/s (wall) | events/s (user CPU) | peak RSS | peak anonymous |"
    echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
    for s in check goal import report-interval again; do
        case $s in
        check) label="read and rebuild (--check)" ;;
        goal) label="**import + report by hour (the goal)**" ;;
        import) label="of which: import into a new SQLite store" ;;
        report-interval) label="of which: report by hour over the week" ;;
        again) label="the same file again (all stored)" ;;
        esac
        anon=""
        [ -f "$tmp/$s.anon" ] && anon=$(mib "$s")
        echo "| $label | $(field $s 1) | $(field $s 2) | $(field $s 3) |" \
            "$(rate "$lines" "$(field $s 1)") |" \
            "$(rate "$lines" "$(field $s 2)") |" \
            "$(($(field $s 4) / 1024)) MiB | $anon |"
    done
    for by in queue agent; do
        echo "| report by $by over the week | $(field "report-$by" 1) |" \
            "$(field "report-$by" 2) | $(field "report-$by" 3) |" \
            "$(rate "$calls" "$(field "report-$by" 1)") calls/s |" \
            "$(rate "$calls" "$(field "report-$by" 2)") calls/s |" \
            "$(($(field "report-$by" 4) / 1024)) MiB | $(mib "report-$by") |"
    done
    echo
    echo "Peak anonymous memory against log size (it follows the calls in"
    echo "progress and the batches being written, not the file):"
    echo
    echo "| step | $small events | $lines events |"
    echo "| --- | --- | --- |"
    echo "| read and rebuild | $(mib small-check) | $(mib check) |"
    echo "| import into SQLite (+ report) | $(mib small-import) | $(mib goal) |"
    echo
    echo "Reading the figures: wall time counts waiting for the disk and for"
    echo "the CPU other processes hold (see the load average); user CPU is"
    echo "what this code costs. The import reads, parses and rebuilds calls"
    echo "on one thread and writes batches of 20,000 calls on another, one"
    echo "transaction each; a call that is over is stored as its summary,"
    echo "legs and line hashes, not its lines, in order of entry, and into"
    echo "an empty store the entry and caller indexes are built once at the"
    echo "end. The report reads each call's legs instead of replaying its"
    echo "lines. Peak RSS"
    echo "also counts the database pages SQLite maps (shared, dropped at"
    echo "will); the import's anonymous memory is mostly the two batches of"
    echo "20,000 calls (the one being read, the one being written) and"
    echo "SQLite's 8 MiB page cache, the same for any file size."
    echo
} >"$section"

sh bench/put-section.sh calls <"$section"
cat "$section"
