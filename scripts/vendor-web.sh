#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Copies the browser libraries the web pages use from tests/node_modules
# (pinned by tests/package-lock.json) into web/vendor/, with their
# licences. The copies are committed, so `civic311 serve` needs neither
# npm nor the internet; run this after changing a version in
# tests/package.json, then commit web/vendor/. The browser tests check
# that the committed copies match the installed packages.
#
#   Leaflet   the map of the portal (leaflet.js, leaflet.css, images)
#   Chart.js  the charts of the dashboard (UMD build; it bundles
#             @kurkle/color, whose licence is copied too)
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
nm=$root/tests/node_modules
out=$root/web/vendor

if [ ! -d "$nm/leaflet" ] || [ ! -d "$nm/chart.js" ]; then
    echo "vendor-web: run 'sh scripts/install-deps.sh test' first" >&2
    exit 1
fi

rm -rf "$out/leaflet" "$out/chartjs"
mkdir -p "$out/leaflet/images" "$out/chartjs"

cp "$nm/leaflet/dist/leaflet.js" "$nm/leaflet/dist/leaflet.css" \
    "$nm/leaflet/LICENSE" "$out/leaflet/"
cp "$nm/leaflet/dist/images/"*.png "$out/leaflet/images/"

cp "$nm/chart.js/dist/chart.umd.min.js" "$out/chartjs/"
cp "$nm/chart.js/LICENSE.md" "$out/chartjs/LICENSE.md"
cp "$nm/@kurkle/color/LICENSE.md" "$out/chartjs/LICENSE-kurkle-color.md"

version()
{
    node -p "require('$nm/$1/package.json').version"
}

cat >"$out/VERSIONS" <<END
leaflet $(version leaflet)
chart.js $(version chart.js)
@kurkle/color $(version @kurkle/color)
END
echo "vendor-web: copied into ${out#"$root"/}:"
cat "$out/VERSIONS"
