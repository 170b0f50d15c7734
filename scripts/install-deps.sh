#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Installs the Debian and npm packages that building, running and testing
# civic311 need, skipping whatever is already present. Safe to run again.
#
#   scripts/install-deps.sh run     what the server needs
#   scripts/install-deps.sh test    also what the test suite needs
set -eu

what=${1:-run}
root=$(cd "$(dirname "$0")/.." && pwd)

build_pkgs="build-essential cmake pkg-config libmicrohttpd-dev libjansson-dev
libxml2-dev libsqlite3-dev libpq-dev libyaml-dev libsodium-dev libcsv-dev
tzdata"
# chromium runs the browser tests; fonts-noto-cjk lets their screenshots
# show the Chinese pages.
test_pkgs="libcriterion-dev postgresql libxml2-utils curl clang-format sqlite3
chromium fonts-noto-cjk"

pkgs=$build_pkgs
if [ "$what" = test ] || [ "$what" = bench ]; then
    pkgs="$pkgs $test_pkgs"
fi
if [ "$what" = bench ]; then
    pkgs="$pkgs wrk nginx-light sqlite3"
fi

missing=""
for p in $pkgs; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
            grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done

# Node.js may come from Debian or from elsewhere; only its commands matter.
if [ "$what" != run ]; then
    if ! command -v node >/dev/null 2>&1; then
        missing="$missing nodejs"
    fi
    if ! command -v npm >/dev/null 2>&1; then
        missing="$missing npm"
    fi
fi

if [ -n "$missing" ]; then
    if [ "$(id -u)" != 0 ]; then
        echo "install-deps: missing Debian packages:$missing" >&2
        echo "install-deps: run this script as root to install them" >&2
        exit 1
    fi
    echo "install-deps: installing$missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >/dev/null
    # shellcheck disable=SC2086
    apt-get install -y -q --no-install-recommends $missing >/dev/null
fi

# npm ci installs exactly what tests/package-lock.json pins. npm records
# the installed tree in node_modules/.package-lock.json, so a lock file newer
# than that record (or no record) means the tree is out of date.
if [ "$what" != run ]; then
    lock="$root/tests/package-lock.json"
    stamp="$root/tests/node_modules/.package-lock.json"
    if [ ! -f "$stamp" ] || [ -n "$(find "$lock" -newer "$stamp")" ]; then
        echo "install-deps: installing npm packages for the tests"
        (cd "$root/tests" &&
            npm ci --no-audit --no-fund --loglevel=error </dev/null)
    fi
fi
