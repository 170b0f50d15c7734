#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Puts a benchmark's section into bench/RESULTS.md without touching the
# others: the text on standard input replaces what stands between
# "<!-- begin NAME -->" and "<!-- end NAME -->", or is appended with those
# markers when the section is new.
#
#   some-bench | sh bench/put-section.sh NAME
set -eu

name=$1
results=$(cd "$(dirname "$0")" && pwd)/RESULTS.md
new=$(mktemp)
body=$(mktemp)
trap 'rm -f "$new" "$body"' EXIT
cat >"$body"

if [ ! -f "$results" ]; then
    printf '# Benchmark results\n\nEach section is written by the script it names; run on demand.\n' \
        >"$results"
fi

if grep -q "^<!-- begin $name -->\$" "$results"; then
    awk -v name="$name" -v body="$body" '
        $0 == "<!-- begin " name " -->" {
            print
            while ((getline line < body) > 0)
                print line
            skip = 1
            next
        }
        $0 == "<!-- end " name " -->" { skip = 0 }
        !skip { print }
    ' "$results" >"$new"
else
    cp "$results" "$new"
    {
        echo
        echo "<!-- begin $name -->"
        cat "$body"
        echo "<!-- end $name -->"
    } >>"$new"
fi
mv "$new" "$results"
