// SPDX-License-Identifier: MIT
//
// web/vendor/ holds committed copies of the browser libraries (see
// scripts/vendor-web.sh); they must be the very files of the versions
// tests/package-lock.json pins, licences included.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)),
    '..', '..');
const nm = path.join(root, 'tests', 'node_modules');
const vendor = path.join(root, 'web', 'vendor');

const pairs = [
    ['leaflet/dist/leaflet.js', 'leaflet/leaflet.js'],
    ['leaflet/dist/leaflet.css', 'leaflet/leaflet.css'],
    ['leaflet/LICENSE', 'leaflet/LICENSE'],
    ...['layers-2x.png', 'layers.png', 'marker-icon-2x.png',
        'marker-icon.png', 'marker-shadow.png'].map((f) =>
        [`leaflet/dist/images/${f}`, `leaflet/images/${f}`]),
    ['chart.js/dist/chart.umd.min.js', 'chartjs/chart.umd.min.js'],
    ['chart.js/LICENSE.md', 'chartjs/LICENSE.md'],
    ['@kurkle/color/LICENSE.md', 'chartjs/LICENSE-kurkle-color.md'],
];

test('the vendored files match the installed packages', () => {
    for (const [from, to] of pairs)
        assert.ok(fs.readFileSync(path.join(nm, from)).equals(
            fs.readFileSync(path.join(vendor, to))),
        `web/vendor/${to} differs from node_modules/${from}: run ` +
            'sh scripts/vendor-web.sh');
});

test('VERSIONS names the installed versions', () => {
    const v = (p) => JSON.parse(fs.readFileSync(path.join(nm, p,
        'package.json'), 'utf8')).version;
    assert.equal(fs.readFileSync(path.join(vendor, 'VERSIONS'), 'utf8'),
        `leaflet ${v('leaflet')}\nchart.js ${v('chart.js')}\n` +
        `@kurkle/color ${v('@kurkle/color')}\n`);
});
