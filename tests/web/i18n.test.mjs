// SPDX-License-Identifier: MIT
//
// The pages' strings: every language has every key with the same
// placeholders, every key the pages use exists, and the language picked
// at start follows the remembered choice, the browser and the city.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { fill, pickLang } from '../../web/js/i18n.js';

const web = path.resolve(path.dirname(fileURLToPath(import.meta.url)),
    '..', '..', 'web');
const load = (l) => JSON.parse(fs.readFileSync(
    path.join(web, 'i18n', `${l}.json`), 'utf8'));
const en = load('en');

const placeholders = (s) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1])
    .sort();

for (const l of ['zh', 'es']) {
    test(`${l}.json has every key of en.json with the same placeholders`,
        () => {
            const d = load(l);
            assert.deepEqual(Object.keys(d).sort(), Object.keys(en).sort());
            for (const [k, v] of Object.entries(en)) {
                assert.deepEqual(placeholders(d[k]), placeholders(v), k);
                assert.notEqual(d[k].trim(), '', k);
            }
        });
}

// Every file of the web root with the given endings.
function files(dir, ends) {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
        const p = path.join(dir, e.name);
        if (e.isDirectory())
            return e.name === 'vendor' ? [] : files(p, ends);
        return ends.some((x) => e.name.endsWith(x)) ? [p] : [];
    });
}

test('every key the pages name exists in en.json', () => {
    const used = new Set();
    for (const f of files(web, ['.html', '.js'])) {
        const text = fs.readFileSync(f, 'utf8');
        for (const m of text.matchAll(
            /data-i18n(?:-[a-z-]+)?="([\w.]+)"|\bt\('([\w.]+)'|key: '([\w.]+)'/g))
            used.add(m[1] ?? m[2] ?? m[3]);
    }
    assert.ok(used.size > 150, `only ${used.size} keys found`);
    assert.deepEqual([...used].filter((k) => !(k in en)).sort(), []);
});

test('the demo city names its groups in every page language', () => {
    const yaml = fs.readFileSync(path.join(web, '..', 'config',
        'demo-city.yaml'), 'utf8');
    // Open311 gives a group in the page's language: the configuration
    // writes each one in English, Chinese and Spanish.
    const plain = [...yaml.matchAll(/^\s+group: (.+)$/gm)].map((m) => m[1]);
    assert.deepEqual(plain, []);
    const groups = new Map([...yaml.matchAll(
        /^\s+group:\n\s+en: (.+)\n\s+zh: (.+)\n\s+es: (.+)$/gm)]
        .map((m) => [m[1], [m[2], m[3]]]));
    assert.equal(groups.size, 9);
    assert.deepEqual(groups.get('Vehicles and Parking'),
        ['车辆与停车', 'Vehículos y estacionamiento']);
    // The pages no longer translate them themselves.
    assert.deepEqual(Object.keys(en).filter((k) => k.startsWith('group.')),
        []);
    assert.ok('status.open' in en && 'status.closed' in en);
});

test('every outcome of the demo city\'s workflows has a name', () => {
    const yaml = fs.readFileSync(path.join(web, '..', 'config',
        'demo-city.yaml'), 'utf8');
    const outcomes = new Set([...yaml.matchAll(
        /- \{?code: ([a-z_]+)\b/g)].map((m) => m[1]));
    // tow, not_found, ... sewer_cave_in: every one the work view offers
    assert.ok(outcomes.has('tow') && outcomes.has('sewer_cave_in'));
    assert.ok(outcomes.size >= 15, `only ${outcomes.size} outcomes`);
    assert.deepEqual([...outcomes].filter((o) => !(`outcome.${o}` in en))
        .sort(), []);
});

test('the start language: remembered, then browser, then city, then en',
    () => {
        assert.equal(pickLang('es', ['zh-CN'], 'en'), 'es');
        assert.equal(pickLang(null, ['fr-FR', 'zh-CN'], 'en'), 'zh');
        assert.equal(pickLang('xx', ['ES-mx'], 'en'), 'es');
        assert.equal(pickLang(null, ['fr'], 'es'), 'es');
        assert.equal(pickLang(null, [], 'de'), 'en');
        assert.equal(pickLang(null, undefined, undefined), 'en');
    });

test('placeholders are filled and unknown ones kept', () => {
    assert.equal(fill('{n} services match.', { n: 3 }), '3 services match.');
    assert.equal(fill('{a} and {b}', { a: 'x' }), 'x and {b}');
    assert.equal(fill('plain'), 'plain');
});
