#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Builds civic311 and runs the server with the demo city on ./civic311.db
# (in the repository root). On the first run it creates an Open311 API key
# and prints it once, with a curl line that files a request; only a hash of
# the key is stored.
#
#   scripts/run.sh [extra serve options]
#
# CIVIC311_LISTEN (default 127.0.0.1:8311) and CIVIC311_DB change the
# address and the database file.
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

listen=${CIVIC311_LISTEN:-127.0.0.1:8311}
db=${CIVIC311_DB:-./civic311.db}
bin=build/civic311

sh scripts/install-deps.sh run
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"${CIVIC311_JOBS:-2}" --target civic311

if [ ! -e "$db" ]; then
    key=$("$bin" apikey create --db "$db" --name local)
    echo
    echo "Open311 API key (shown once, keep it): $key"
    echo "File a request:"
    echo "  curl -d api_key=$key -d service_code=ILLEGAL_DUMPING" \
        "-d lat=40.7128 -d long=-74.006 -d 'description=old tires'" \
        "http://$listen/open311/v2/requests.json"
    echo
else
    echo
    echo "Using the existing database $db. To make another Open311 API key:"
    echo "  $bin apikey create --db $db --name NAME"
    echo
fi
echo "civic311: starting the demo city on http://$listen/ (Ctrl-C stops)"
# The portal files residents' reports with a key of its own, kept beside
# the database (docs/WEB.md).
exec "$bin" serve --config config/demo-city.yaml --db "$db" \
    --listen "$listen" --web-root web --portal-key-file "$db.portal.key" \
    --map-center 40.7128,-74.006,12 "$@"
