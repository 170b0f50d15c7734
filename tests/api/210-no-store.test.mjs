// SPDX-License-Identifier: MIT
//
// Commands that only read (or change rows of) a store refuse a --db that
// names no store: they fail with status 1 and "no store at ...", and create
// nothing, so a mistyped path is not read as an empty city. Commands that
// fill a store (import here) still create it. Runs on a SQLite path in an
// empty folder, and with CIVIC311_TEST_PG_URL set also on a new, empty
// PostgreSQL database, which must keep no tables.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';

import { binaryPath, freshPgDatabase, repoRoot } from './lib/server.mjs';

const pgUrl = process.env.CIVIC311_TEST_PG_URL;
const config = path.join(repoRoot, 'config', 'demo-city.yaml');
const BOSTON = path.join(repoRoot, 'tests', 'fixtures', 'import',
    'boston-311_2022-01_100rows_qsv.csv');

// The read-only commands, each given the store with --db.
const readers = [
    ['report', '--config', config, '--from', '2022-05-01', '--to',
        '2022-05-02'],
    ['export', '--config', config, '--format', 'nyc', 'out.csv'],
    ['calls', 'report', '--config', config, '--from', '2022-05-01',
        '--to', '2022-05-02'],
    ['staffing', 'forecast', '--config', config],
    ['apikey', 'list'],
    ['apikey', 'revoke', '--name', 'x'],
    ['user', 'list'],
    ['user', 'disable', '--login', 'x'],
    ['sla', 'sweep', '--config', config],
];

// Runs civic311 in dir; returns { status, stderr }.
function run(dir, args) {
    const r = spawnSync(binaryPath(), args,
        { cwd: dir, env: process.env, encoding: 'utf8' });
    return { status: r.status, stderr: r.stderr };
}

for (const args of readers) {
    const name = args[1].startsWith('-') ? args[0] : `${args[0]} ${args[1]}`;
    test(`${name} on a missing SQLite file fails and creates nothing`, () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'civic311-nostore-'));
        const r = run(dir, [...args, '--db', 'typo.db']);
        assert.equal(r.status, 1, r.stderr);
        assert.match(r.stderr, /no store at 'typo\.db'; import or serve first/);
        assert.deepEqual(fs.readdirSync(dir), []);
    });
}

test('without --db, calls report, apikey list and user list leave the ' +
    'folder without ./civic311.db', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'civic311-nostore-'));
    for (const args of [['calls', 'report', '--config', config],
        ['apikey', 'list'], ['user', 'list']]) {
        const r = run(dir, args);
        assert.equal(r.status, 1, r.stderr);
        assert.match(r.stderr, /no store at '(\.\/)?civic311\.db'/);
    }
    assert.deepEqual(fs.readdirSync(dir), []);
});

test('copy from a missing store fails and creates neither side', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'civic311-nostore-'));
    const r = run(dir, ['copy', '--from', 'typo.db', '--to', 'new.db']);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /no store at 'typo\.db'/);
    assert.deepEqual(fs.readdirSync(dir), []);
});

test('import still creates the store, which the readers then read', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'civic311-nostore-'));
    const db = path.join(dir, 'new.db');
    const out = execFileSync(binaryPath(),
        ['import', BOSTON, '--db', db, '--config', config],
        { encoding: 'utf8' });
    assert.match(out, /read 100, imported 100,/);
    const report = JSON.parse(execFileSync(binaryPath(),
        ['report', '--db', db, '--from', '2022-01-01', '--to', '2022-02-01',
            '--json'], { encoding: 'utf8' }));
    assert.equal(report.total.requests, 100);
    assert.equal(report.total.closed, 81);
});

test('on an empty PostgreSQL database the readers fail and create no ' +
    'table', { skip: !pgUrl && 'CIVIC311_TEST_PG_URL is not set' }, () => {
    const url = freshPgDatabase(pgUrl);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'civic311-nostore-'));
    for (const args of readers) {
        const r = run(dir, [...args, '--db', url]);
        assert.equal(r.status, 1, `${args.join(' ')}: ${r.stderr}`);
        assert.match(r.stderr, /no store in this PostgreSQL database/);
    }
    const tables = execFileSync('psql', [url, '-Atqc',
        "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"],
    { encoding: 'utf8' }).trim();
    assert.equal(tables, '0');
});
