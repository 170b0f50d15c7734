// SPDX-License-Identifier: MIT
//
// civic311 staffing, as a planner runs it: agents for one load (Erlang C
// and Erlang A), bad input, and the forecast of a week from stored calls
// with the hand-computed average of the same hour in past weeks. The
// commands run on a SQLite file of their own whatever the suite's back
// end: they read the store through the same calls module either way.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';

import { binaryPath, repoRoot } from './lib/server.mjs';

const bin = binaryPath();
const config = path.join(repoRoot, 'config', 'demo-city.yaml');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'civic311-staffing-'));

function run(args, input) {
    return spawnSync(bin, args, { cwd: repoRoot, encoding: 'utf8', input });
}

test('Erlang C: the Call Centre Helper example needs 14 agents', () => {
    const r = run(['staffing', '--calls-per-hour', '200', '--aht', '180',
        '--target-sl', '0.8', '--target-seconds', '20']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /= 10\.00 Erlangs \(Erlang C\)/);
    assert.match(r.stdout, /agents needed: 14\n/);
    assert.match(r.stdout, /expected service level: 88\.8 %/);
    assert.match(r.stdout, /average speed of answer: 7\.8 s/);
    assert.match(r.stdout, /occupancy: 71\.4 %/);
});

test('Erlang A: impatient callers need fewer agents', () => {
    const r = run(['staffing', '--calls-per-hour', '200', '--aht', '180',
        '--patience', '60']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /\(Erlang A\)/);
    assert.match(r.stdout, /agents needed: 12\n/);
    assert.match(r.stdout, /hanging up before an answer: 7\.6 %/);
});

test('bad numbers are usage errors', () => {
    for (const args of [['--calls-per-hour', '-3', '--aht', '180'],
        ['--calls-per-hour', '10', '--aht', 'x'],
        ['--calls-per-hour', '10', '--aht', '180', '--target-sl', '1.5'],
        ['--calls-per-hour', '10']]) {
        const r = run(['staffing', ...args]);
        assert.equal(r.status, 2, `${args}: ${r.stdout}`);
        assert.match(r.stderr, /^civic311 staffing: /);
    }
    // Too many calls names the range, not just the sign.
    const r = run(['staffing', '--calls-per-hour', '1e9', '--aht', '180']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, new RegExp('^civic311 staffing: --calls-per-hour ' +
        'must be a number above 0 and at most 10000000\n'));
});

// Monday 09:00 New York time, two and one weeks before the forecast week
// (which starts Monday 2026-03-09): 10 calls, then 20. Over 2 weeks the
// hour is forecast as (10 + 20) / 2 = 15 calls; with an AHT of 180 s that
// is 0.75 Erlangs and 2 agents (82.2 % within 20 s). Every other hour of
// the week lies between the first and the last call in one of the weeks,
// with no call: forecast 0. Over the last week only, Monday 09:00 is 20
// calls (1 Erlang: 3 agents, as 2 answer only 70.2 % within 20 s) and
// the hours after its last call (09:19) have no data at all: no
// forecast.
test('the forecast averages the same hour of past weeks', () => {
    const weeks = [1772460000 - 7 * 86400, 1772460000];
    const lines = [];
    weeks.forEach((t0, w) => {
        for (let i = 0; i < (w === 0 ? 10 : 20); i++) {
            const t = t0 + i * 60;
            lines.push(`${t}|f${w}.${i}|q|NONE|ENTERQUEUE||+1212555${
                String(1000 + i)}|1`);
            lines.push(`${t + 5}|f${w}.${i}|q|Agent A|CONNECT|5|x|1`);
            lines.push(`${t + 185}|f${w}.${i}|q|Agent A|COMPLETEAGENT|5|180|1`);
        }
    });
    const db = path.join(dir, 'f.db');
    const log = path.join(dir, 'f.log');
    fs.writeFileSync(log, lines.join('\n') + '\n');
    execFileSync(bin, ['calls', 'import', log, '--db', db, '--config', config],
        { cwd: repoRoot, encoding: 'utf8' });
    const r = run(['staffing', 'forecast', '--db', db, '--config', config,
        '--start', '2026-03-09', '--weeks', '2']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /AHT 180\.0 s/);
    assert.match(r.stdout,
        /^2026-03-09T09:00 +15\.0 +2 +82\.2% +[0-9.]+ +[0-9.]+%$/m);
    assert.match(r.stdout, /^2026-03-09T10:00 +0\.0 +0$/m);
    assert.match(r.stdout, /^2026-03-15T23:00 +0\.0 +0$/m);
    assert.match(r.stdout, /forecast calls in the week: 15\n/);
    const one = run(['staffing', 'forecast', '--db', db, '--config', config,
        '--start', '2026-03-09', '--weeks', '1', '--aht', '180']);
    assert.equal(one.status, 0, one.stderr);
    assert.match(one.stdout, /^2026-03-09T09:00 +20\.0 +3 /m);
    assert.match(one.stdout, /^2026-03-09T10:00 +-$/m);
    assert.match(one.stdout, /forecast calls in the week: 20\n/);
});

// A forecast over weeks without a call says where the calls are instead
// of printing an empty week: 1772460000 is 2026-03-02T09:00-05:00.
test('a forecast without history names the stored range or the import',
    () => {
        const db = path.join(dir, 'empty.db');
        let r = run(['staffing', 'forecast', '--db', db, '--config', config,
            '--aht', '180']);
        assert.equal(r.status, 1);
        assert.match(r.stderr, /no store at '.*empty\.db'; import or serve/);
        assert.equal(fs.existsSync(db), false);
        execFileSync(bin, ['migrate', '--db', db], { encoding: 'utf8' });
        r = run(['staffing', 'forecast', '--db', db, '--config', config,
            '--aht', '180']);
        assert.equal(r.status, 1);
        assert.match(r.stderr,
            /no calls are stored: import the contact centre's queue_log/);
        const log = path.join(dir, 'old.log');
        fs.writeFileSync(log,
            '1772460000|o1|q|NONE|ENTERQUEUE||+12125550100|1\n' +
            '1772460010|o1|q|NONE|ABANDON|1|1|10\n');
        execFileSync(bin, ['calls', 'import', log, '--db', db,
            '--config', config], { cwd: repoRoot, encoding: 'utf8' });
        r = run(['staffing', 'forecast', '--db', db, '--config', config,
            '--start', '2026-06-01', '--weeks', '2', '--aht', '180']);
        assert.equal(r.status, 1);
        assert.equal(r.stderr, 'civic311 staffing: no calls in the 2 weeks ' +
            'from 2026-05-18T00:00:00-04:00 to 2026-06-01T00:00:00-04:00; ' +
            'the stored calls run from 2026-03-02T09:00:00-05:00 to ' +
            '2026-03-02T09:00:00-05:00: give --start the Monday after them\n');
    });
