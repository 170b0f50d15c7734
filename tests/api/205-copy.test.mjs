// SPDX-License-Identifier: MIT
//
// `civic311 copy` end to end: the NYC sample (tests/fixtures/import/) is
// imported into a SQLite file, the file is copied into a new PostgreSQL
// database, and a server on each answers GET of an imported request with
// the same JSON. Needs a PostgreSQL cluster (CIVIC311_TEST_PG_URL, from
// scripts/pg-cluster.sh url); skipped without one, so on the SQLite run of
// the suite as well it runs only when the URL is set.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { API, binaryPath, repoRoot, startServer } from './lib/server.mjs';

const pgUrl = process.env.CIVIC311_TEST_PG_URL;
const NYC = path.join(repoRoot, 'tests', 'fixtures', 'import',
    'nyc-311_2022-05-01_00h-02h_fedhere-PyBOOT.csv');
const config = path.join(repoRoot, 'config', 'demo-city.yaml');

const ctx = {};

// Runs a civic311 command; returns its standard output.
function civic311(...args) {
    return execFileSync(binaryPath(), args,
        { cwd: repoRoot, env: process.env, encoding: 'utf8',
            stdio: ['ignore', 'pipe', 'pipe'] });
}

// A new, empty database on the cluster of url; returns its URL.
function freshDatabase(url) {
    const name = `copy_${process.pid}`;
    execFileSync('psql', [url, '-Atqc', `DROP DATABASE IF EXISTS ${name}`],
        { stdio: ['ignore', 'ignore', 'pipe'] });
    execFileSync('psql', [url, '-Atqc', `CREATE DATABASE ${name}`],
        { stdio: ['ignore', 'ignore', 'pipe'] });
    const u = new URL(url);
    u.pathname = `/${name}`;
    return u.toString();
}

before(async () => {
    if (!pgUrl)
        return;
    ctx.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'civic311-copy-'));
    ctx.sqlite = path.join(ctx.dir, 'city.db');
    ctx.pg = freshDatabase(pgUrl);
    civic311('import', NYC, '--db', ctx.sqlite, '--config', config);
    ctx.copyOut = civic311('copy', '--from', ctx.sqlite, '--to', ctx.pg);
    ctx.lite = await startServer({ name: '205-copy-sqlite', db: ctx.sqlite,
        pgUrl: '' });
    ctx.post = await startServer({ name: '205-copy-pg', db: ctx.pg });
});

after(async () => {
    await ctx.lite?.close();
    await ctx.post?.close();
    if (ctx.dir)
        fs.rmSync(ctx.dir, { recursive: true, force: true });
});

test('copy of the NYC sample to PostgreSQL reports matching counts',
    { skip: !pgUrl && 'CIVIC311_TEST_PG_URL is not set' }, () => {
        assert.match(ctx.copyOut, /^copied 924 requests, /);
        assert.match(ctx.copyOut, /the row counts of both sides match\n$/);
    });

test('an imported request reads the same from the copy',
    { skip: !pgUrl && 'CIVIC311_TEST_PG_URL is not set' }, async () => {
        const url = `${API}/requests/54046813.json`;
        const a = await ctx.lite.request('GET', url);
        const b = await ctx.post.request('GET', url);
        assert.equal(a.status, 200);
        assert.equal(b.status, 200);
        assert.equal(a.json.length, 1);
        assert.equal(a.json[0].service_request_id, '54046813');
        assert.equal(b.text, a.text);
    });
