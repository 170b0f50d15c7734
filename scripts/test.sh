#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Runs every test of civic311 from a fresh checkout:
#
#   1. installs what building and testing need (scripts/install-deps.sh);
#   2. builds build/ (RelWithDebInfo) and build-asan/ (ASan + UBSan);
#   3. starts a throwaway PostgreSQL cluster (scripts/pg-cluster.sh);
#   4. runs the Criterion unit tests of both builds, the store tests on
#      SQLite and on PostgreSQL;
#   5. runs the black-box API tests (node --test tests/api/) against the
#      sanitizer binary twice, on SQLite and on PostgreSQL, each test file
#      with its own server and database;
#   6. runs the unit tests of the pages' JavaScript (tests/web/) and the
#      browser tests (tests/browser/: Chromium against a real server, once,
#      on SQLite; screenshots in tests/artifacts/screens/).
#
# Prints each suite's counts and ends with "N passed, N failed" on its own
# last line. Exits 0 only when nothing failed. Logs and the TAP report go to
# tests/artifacts/.
set -u

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 1
artifacts=$root/tests/artifacts
mkdir -p "$artifacts"

jobs=${CIVIC311_JOBS:-2}
passed=0
failed=0
summary=""
node_pgid=""
pg_dir=""

# Whatever the API tests started (servers included) shares the process
# group of the node runner; end that group however this script ends.
# (dash's kill takes "-PGID" but not "--".)
cleanup()
{
    if [ -n "$node_pgid" ]; then
        kill -TERM "-$node_pgid" 2>/dev/null
        sleep 1
        kill -KILL "-$node_pgid" 2>/dev/null
        node_pgid=""
    fi
}

stop_pg()
{
    if [ -n "$pg_dir" ]; then
        sh scripts/pg-cluster.sh stop "$pg_dir" >/dev/null 2>&1
        rm -rf "$pg_dir"
        pg_dir=""
    fi
}
trap 'cleanup; stop_pg' EXIT
trap 'cleanup; stop_pg; exit 130' INT
trap 'cleanup; stop_pg; exit 143' TERM

# LeakSanitizer works here (root, no ptrace restriction): leaks fail tests.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

# record NAME PASSED FAILED: adds a suite's counts to the totals.
record()
{
    passed=$((passed + $2))
    failed=$((failed + $3))
    summary="$summary$(printf '%-24s %4d passed, %4d failed' "$1" "$2" "$3")
"
}

section()
{
    printf '\n==== %s\n' "$1"
}

section "dependencies"
if ! sh scripts/install-deps.sh test; then
    echo "test.sh: installing dependencies failed" >&2
    echo "0 passed, 1 failed"
    exit 1
fi

# build DIR [cmake options]: configures and builds; 0 on success.
build()
{
    dir=$1
    shift
    section "build $dir"
    cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" \
        >"$artifacts/cmake-$dir.log" 2>&1 &&
        cmake --build "$dir" -j"$jobs" >>"$artifacts/cmake-$dir.log" 2>&1
    rc=$?
    if [ $rc -ne 0 ]; then
        tail -40 "$artifacts/cmake-$dir.log"
        echo "build of $dir failed (full log: $artifacts/cmake-$dir.log)"
    else
        echo "built $dir"
    fi
    return $rc
}

# unit DIR: runs DIR/unit_tests and records Criterion's synthesis line:
#   [====] Synthesis: Tested: N | Passing: N | Failing: N | Crashing: N
# (Failing already counts the crashed tests.)
unit()
{
    dir=$1
    section "unit tests ($dir)"
    if [ -z "$(find tests/unit -name '*.c' 2>/dev/null | head -1)" ]; then
        echo "no unit tests in tests/unit/"
        return
    fi
    if [ ! -x "$dir/unit_tests" ]; then
        echo "no unit tests in $dir (is libcriterion-dev installed?)"
        record "unit ($dir)" 0 1
        return
    fi
    log=$artifacts/unit-$dir.log
    "$dir/unit_tests" --jobs="$jobs" </dev/null >"$log" 2>&1
    rc=$?
    # Criterion colours its output; strip the escapes before parsing.
    sed 's/\x1b\[[0-9;]*m//g' "$log" | grep -v '^\[----\].*: Passed$' |
        tail -40
    line=$(sed 's/\x1b\[[0-9;]*m//g' "$log" | grep 'Synthesis: Tested:' |
        tail -1)
    if [ -z "$line" ]; then
        echo "unit_tests of $dir ended ($rc) without a synthesis line"
        record "unit ($dir)" 0 1
        return
    fi
    ok=$(echo "$line" | sed -n 's/.*Passing: \([0-9]*\).*/\1/p')
    bad=$(echo "$line" | sed -n 's/.*Failing: \([0-9]*\).*/\1/p')
    if [ "$rc" -ne 0 ] && [ "$bad" -eq 0 ]; then
        echo "unit_tests of $dir exited $rc with no failing test"
        bad=1
    fi
    record "unit ($dir)" "$ok" "$bad"
}

# api BIN LABEL [DIR [SUITE]]: runs node --test DIR (default tests/api/)
# against BIN; spec report on the terminal, TAP in
# tests/artifacts/SUITE-LABEL.tap for the counts. With CIVIC311_TEST_PG_URL
# set, every server runs on a PostgreSQL database.
api()
{
    dir=${3:-tests/api/}
    suite=${4:-api}
    section "$suite tests, $2 (${1#"$root"/})"
    tap=$artifacts/$suite-$2.tap
    rm -f "$tap"
    # Each test file's database lives under its own temporary directory;
    # keep them where the next run clears them, even after a kill.
    rm -rf "$artifacts/tmp"
    mkdir -p "$artifacts/tmp"
    TMPDIR=$artifacts/tmp CIVIC311_BIN=$1 setsid node --test \
        --test-reporter=spec --test-reporter-destination=stdout \
        --test-reporter=tap --test-reporter-destination="$tap" \
        "$dir" </dev/null &
    node_pgid=$!
    wait "$node_pgid"
    rc=$?
    cleanup
    ok=$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$tap" 2>/dev/null | tail -1)
    bad=$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$tap" 2>/dev/null | tail -1)
    cancelled=$(sed -n 's/^# cancelled \([0-9]*\)$/\1/p' "$tap" 2>/dev/null |
        tail -1)
    if [ -z "$ok" ] || [ -z "$bad" ]; then
        echo "node --test ended ($rc) without counts"
        record "$suite ($2)" 0 1
        return
    fi
    bad=$((bad + ${cancelled:-0}))
    if [ "$rc" -ne 0 ] && [ "$bad" -eq 0 ]; then
        echo "node --test exited $rc with no failing test"
        bad=1
    fi
    record "$suite ($2)" "$ok" "$bad"
}

# The store tests and the API suite also run on PostgreSQL; the cluster
# lives in a temporary folder the postgres system user can reach.
section "postgresql"
pg_dir=$(mktemp -d /tmp/civic311-pg.XXXXXX)
if sh scripts/pg-cluster.sh start "$pg_dir"; then
    CIVIC311_TEST_PG_URL=$(sh scripts/pg-cluster.sh url "$pg_dir")
    export CIVIC311_TEST_PG_URL
    echo "cluster at $CIVIC311_TEST_PG_URL"
else
    echo "test.sh: could not start a PostgreSQL cluster" >&2
    record "postgresql" 0 1
    rm -rf "$pg_dir"
    pg_dir=""
fi

# style: the committed .clang-format and the 80-column limit hold for every
# C file under src/ (clang-format ships on the machine with the compiler).
style()
{
    section "style"
    files=$(git ls-files 'src/*.c' 'src/*.h' 2>/dev/null)
    if [ -z "$files" ]; then
        files=$(find src -name '*.[ch]')
    fi
    bad=0
    if command -v clang-format >/dev/null 2>&1; then
        # shellcheck disable=SC2086
        if ! clang-format --dry-run --Werror $files 2>"$artifacts/style.log"
        then
            head -20 "$artifacts/style.log"
            echo "clang-format: files differ from .clang-format (run" \
                "clang-format -i on them)"
            bad=1
        fi
    else
        echo "clang-format not installed; layout not checked"
    fi
    # shellcheck disable=SC2086
    wide=$(awk 'length > 80 {print FILENAME ":" FNR}' $files)
    if [ -n "$wide" ]; then
        echo "lines over 80 columns:"
        echo "$wide" | head -20
        bad=1
    fi
    if [ $bad -eq 0 ]; then
        echo "layout and width ok"
        record "style" 1 0
    else
        record "style" 0 1
    fi
}

style
if build build; then
    unit build
else
    record "build (build)" 0 1
fi
if build build-asan -DCIVIC311_SANITIZE=ON; then
    unit build-asan
    pg_url=${CIVIC311_TEST_PG_URL:-}
    unset CIVIC311_TEST_PG_URL
    api "$root/build-asan/civic311" sqlite
    api "$root/build-asan/civic311" node tests/web/ web
    api "$root/build-asan/civic311" sqlite tests/browser/ browser
    if [ -n "$pg_url" ]; then
        export CIVIC311_TEST_PG_URL="$pg_url"
        api "$root/build-asan/civic311" postgresql
    fi
else
    record "build (build-asan)" 0 1
fi

section "summary"
printf '%s' "$summary"
if [ $((passed + failed)) -eq 0 ]; then
    echo "no test ran"
    failed=1
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
