// SPDX-License-Identifier: MIT
//
// The contact centre's calls end to end: a server follows a queue_log
// (serve --queue-log) that grows and is rotated, an agent files a request
// while a call from the same number is going on, and the report and the
// caller's history show the calls with exact figures. Importing the same
// lines again with the CLI adds nothing.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';

import { sharedDir } from './lib/schema.mjs';
import { repoRoot, testCleanStop, useServer } from './lib/server.mjs';
import { addUser, call, ok, signIn } from './lib/staff.mjs';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'civic311-calls-'));
const log = path.join(dir, 'queue_log');
const T = Math.floor(Date.now() / 1000) - 100;
const at = (s) => T + s;

// Four calls in queue 311, by hand:
//   c1 from 212-555-0123: Ann Lee's phone rang 15 s unanswered, Bo
//      answered after 8 s; still talking (completed later in the test).
//   c2: hung up after 2 s, a short abandon.
//   c3: hung up after 30 s; its ENTERQUEUE is written twice.
//   c4: Ann Lee answered after 25 s (past the 20 s target), talked 30 s
//      and hung up.
// Plus a blank line and an event nobody knows.
fs.writeFileSync(log, [
    `${at(0)}|c1|311|NONE|ENTERQUEUE||2125550123|1`,
    `${at(2)}|c1|311|Agent Ann Lee|RINGNOANSWER|15000`,
    `${at(8)}|c1|311|Agent Bo|CONNECT|8|c1.1|6`,
    '',
    `${at(0)}|c2|311|NONE|ENTERQUEUE||+12125550199|2`,
    `${at(2)}|c2|311|NONE|ABANDON|1|2|2`,
    `${at(10)}|c3|311|NONE|ENTERQUEUE||+12125550177|1`,
    `${at(40)}|c3|311|NONE|ABANDON|1|1|30`,
    `${at(10)}|c3|311|NONE|ENTERQUEUE||+12125550177|1`,
    `${at(20)}|c4|311|NONE|ENTERQUEUE||+12125550166|1`,
    `${at(45)}|c4|311|Agent Ann Lee|CONNECT|25|c4.1|3`,
    `${at(75)}|c4|311|Agent Ann Lee|COMPLETEAGENT|25|30|1`,
    `${at(76)}|NONE|311|Agent Ann Lee|FOOBAR|x`,
    '',
].join('\n'));

const tokens = {};
const ctx = useServer('190-calls', async (srv) => {
    addUser(srv, 'sue', ['supervisor']);
    addUser(srv, 'ann', ['agent']);
    tokens.sue = await signIn(srv, 'sue');
    tokens.ann = await signIn(srv, 'ann');
}, { args: ['--queue-log', log] });

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const range = `from=${new Date(at(-60) * 1000).toISOString()}` +
    `&to=${new Date(at(3600) * 1000).toISOString()}`;

// The report by queue, once `until(report)` holds (the follower reads
// every half second).
async function reportWhen(until) {
    let r;
    for (let i = 0; i < 100; i++) {
        r = ok(await call(ctx.srv, 'GET', `calls/report?${range}&by=queue`,
            { token: tokens.sue }), 200);
        if (until(r))
            return r;
        await sleep(100);
    }
    assert.fail(`the report never got there: ${JSON.stringify(r)}`);
}

test('the followed log gives exact figures', async () => {
    const r = await reportWhen((x) => x.total.offered === 4);
    const t = r.total;
    assert.equal(r.by, 'queue');
    assert.equal(r.service_level_seconds, 20);
    assert.equal(r.short_abandon_seconds, 5);
    assert.equal(t.answered, 2);
    assert.equal(t.short_abandoned, 1);
    assert.equal(t.abandoned, 1);
    // Base: 2 answered + 1 abandoned; only c1 (8 s) within 20 s.
    assert.equal(t.answered_within_target, 1);
    assert.equal(t.service_level, 0.3333);
    assert.equal(t.abandon_rate, 0.3333);
    assert.equal(t.asa, 16.5); // (8 + 25) / 2
    assert.equal(t.average_wait, 21); // (8 + 25 + 30) / 3
    assert.equal(t.longest_wait, 30);
    assert.equal(t.aht, 30); // c1 still talking
    assert.equal(t.ring_no_answer, 1);
    assert.equal(r.rows.length, 1);
    assert.equal(r.rows[0].queue, '311');
    assert.equal(r.rows[0].offered, 4);
});

test('a request filed during a call is linked to it', async () => {
    const filed = ok(await call(ctx.srv, 'POST', 'requests', {
        token: tokens.ann,
        body: { service_code: 'POTHOLE', attributes: { SIZE: 'small' },
            location: { address: '5 Call St' },
            caller: { phone: '(212) 555-0123' } },
    }), 201);
    fs.appendFileSync(log,
        `${at(130)}|c1|311|Agent Bo|COMPLETECALLER|8|122|1\n`);
    const r = await reportWhen((x) => x.total.aht === 76);
    assert.equal(r.total.with_request, 1);
    assert.equal(r.total.request_share, 0.5);
    assert.equal(r.total.hangup_by_caller, 1);
    assert.equal(r.total.hangup_by_agent, 1);

    const caller = ok(await call(ctx.srv, 'GET',
        'callers?phone=2125550123', { token: tokens.ann }), 200);
    assert.equal(caller.requests.length, 1);
    assert.equal(caller.calls.length, 1);
    const c = caller.calls[0];
    assert.equal(c.callid, 'c1');
    assert.equal(c.queue, '311');
    assert.equal(c.agent, 'Agent Bo');
    assert.equal(c.outcome, 'completed');
    assert.equal(c.wait_seconds, 8);
    assert.equal(c.talk_seconds, 122);
    assert.deepEqual(c.service_request_ids, [filed.service_request_id]);
});

test('a rotated log is finished and the new one followed', async () => {
    fs.renameSync(log, `${log}.1`);
    fs.writeFileSync(log, [
        `${at(200)}|c5|311|NONE|ENTERQUEUE||+12125550155|1`,
        `${at(205)}|c5|311|NONE|EXITWITHTIMEOUT|1|1|5`,
        '',
    ].join('\n'));
    const r = await reportWhen((x) => x.total.offered === 5);
    assert.equal(r.total.exit_timeout, 1);
    assert.equal(r.total.service_level, 0.25); // 1 of 2 + 1 + 1
});

test('importing the same lines again adds nothing', () => {
    for (const f of [`${log}.1`, log]) {
        const out = execFileSync(ctx.srv.bin, ['calls', 'import', f,
            '--db', ctx.srv.db, '--config', ctx.srv.config],
        { cwd: repoRoot, encoding: 'utf8' });
        assert.match(out, /calls: 0 new, 0 merged with stored ones/, out);
    }
});

test('only supervisors, QA and admins see the report', async () => {
    const r = await call(ctx.srv, 'GET', `calls/report?${range}`,
        { token: tokens.ann });
    assert.equal(r.status, 403);
    assert.equal(r.json.error.code, 'forbidden');
    assert.equal((await call(ctx.srv, 'GET', 'calls/report')).status, 401);
    const bad = await call(ctx.srv, 'GET', 'calls/report?by=day',
        { token: tokens.sue });
    assert.equal(bad.status, 400);
    assert.equal(bad.json.error.field, 'by');
    const wide = await call(ctx.srv, 'GET',
        'calls/report?from=2000-01-01&to=2026-01-01&interval=15m',
        { token: tokens.sue });
    assert.equal(wide.status, 400);
    assert.equal(wide.json.error.field, 'interval');
});

testCleanStop(ctx);

// The shared Asterisk sample (four calls on 2018-12-28, New York time):
// the import says which days it holds and the report by agent prints its
// all-calls total under the queue columns it is counted in.
test('an import names its days; the agent report heads its total', () => {
    const sample = path.join(sharedDir(), 'data', 'calls',
        'sample_queue_log');
    const db = path.join(dir, 'sample.db');
    const run = (args) => execFileSync(ctx.srv.bin, [...args, '--db', db,
        '--config', ctx.srv.config], { cwd: repoRoot, encoding: 'utf8' });
    assert.match(run(['calls', 'import', sample]), new RegExp(
        '^stored calls: from 2018-12-28 to 2018-12-28 \\(report them ' +
        'with --from 2018-12-28 --to 2018-12-29\\)$', 'm'));
    const out = run(['calls', 'report', '--from', '2018-12-28', '--to',
        '2018-12-29', '--by', 'agent']).split('\n');
    const total = out.findIndex((l) => l.startsWith('total (each call'));
    assert.match(out[total - 1], /^ +offered answered abandon short/);
    assert.match(out[total], /^total \(each call once\) +4 +4 +0 +0 /);
});

// The sample's calls entered queue 201 on 2018-12-28 (New York time) at
// 11:43 (Elm), 14:00:04 (Fir, wait 10 s, talk 406 s), 14:06 (Elm, wait 6 s,
// talk 228 s) and 15:07 (Elm, wait 14 s, still talking).
test('queue and agent intervals carry their dates over several days; ' +
    'local times without seconds bound a report', () => {
    const db = path.join(dir, 'sample.db');
    const run = (args) => execFileSync(ctx.srv.bin, [...args, '--db', db,
        '--config', ctx.srv.config], { cwd: repoRoot, encoding: 'utf8' });
    const rows = (out) => out.split('\n').filter((l) => /^\S+ (201|Agent)/
        .test(l)).map((l) => [l.slice(0, 22).trim(),
        ...l.slice(22).trim().split(/ +/).slice(0, 2)]);
    assert.deepEqual(rows(run(['calls', 'report', '--from', '2018-12-27',
        '--to', '2018-12-30', '--by', 'queue', '--interval', '1d'])), [
        ['2018-12-27T00:00 201', '0', '0'],
        ['2018-12-28T00:00 201', '4', '4'],
        ['2018-12-29T00:00 201', '0', '0'],
    ]);
    for (const from of ['2018-12-28 14:00', '2018-12-28T14:00']) {
        const out = run(['calls', 'report', '--from', from,
            '--to', '2018-12-28 16:00', '--by', 'agent', '--interval', '1h']);
        assert.match(out, /^calls from 2018-12-28T14:00:00-05:00 to /);
        // One day: the time of day alone labels the rows.
        assert.deepEqual(rows(out), [
            ['14:00 Agent Elm', '1', '100.0%'],
            ['14:00 Agent Fir', '1', '100.0%'],
            ['15:00 Agent Elm', '1', '100.0%'],
            ['15:00 Agent Fir', '0', '-'],
        ]);
        assert.match(out, /^total \(each call once\) +3 +3 +0 +0 /m);
    }
});

// Imports files into a new SQLite store and reports January 2026 (the
// logs below are on 2026-01-06): the exit status, the import's output and
// the report's total.
function importAndReport(name, files, args = []) {
    const db = path.join(dir, `${name}.db`);
    const opts = ['--db', db, '--config', ctx.srv.config];
    const imports = files.map((f) => spawnSync(ctx.srv.bin,
        ['calls', 'import', f, ...args, ...opts],
        { cwd: repoRoot, encoding: 'utf8' }));
    const rep = spawnSync(ctx.srv.bin, ['calls', 'report', '--json',
        '--from', '2026-01-01', '--to', '2026-02-01', ...opts],
    { cwd: repoRoot, encoding: 'utf8' });
    const total = rep.status === 0 ? JSON.parse(rep.stdout).total : null;
    return { imports, total };
}

const T2 = 1767700000;
const elm = (c) => [
    `${T2}|${c}|201|NONE|ENTERQUEUE||+15550100171|1`,
    `${T2 + 100}|${c}|201|Agent Elm|CONNECT|100|x|1`,
    `${T2 + 200}|${c}|201|Agent Elm|COMPLETECALLER|100|100|1`,
];

// A callid of 300 characters and 900 unanswered rings: some 306 KB of
// text for one call, all of it kept.
test('a call with a long text keeps its answer and its hangup', () => {
    const c = 'C'.repeat(300);
    const rings = Array.from({ length: 900 }, (_, i) =>
        `${T2 + 1 + Math.floor(i / 10)}|${c}|201|Agent Number ${i % 50}` +
        `|RINGNOANSWER|${1000 + i}`);
    const [enter, connect, done] = elm(c);
    const f = path.join(dir, 'longcall.log');
    fs.writeFileSync(f, [enter, ...rings, connect, done, ''].join('\n'));
    assert.ok(fs.statSync(f).size > 256 * 1024);
    const { imports, total } = importAndReport('longcall', [f]);
    assert.equal(imports[0].status, 0, imports[0].stderr);
    assert.match(imports[0].stdout, /^read 903 lines: 0 blank, 0 malformed,/);
    assert.doesNotMatch(imports[0].stdout, /over a call's limit/);
    assert.equal(total.offered, 1);
    assert.equal(total.answered, 1);
    assert.equal(total.aht, 100);
    assert.equal(total.ring_no_answer, 900);
    assert.equal(total.hangup_by_caller, 1);
});

// A rotation in the middle of a call, the files read newer first. When
// the newer file goes on for more than a minute of log time after the
// call's end (here another call, abandoned 200 s later), the call is over
// and stored without its lines, so the older file's ENTERQUEUE makes a
// second leg (docs/CALLS.md). Read in order, or when the newer file stops
// at the call's end, one leg.
test('a call split over two files is one leg unless over when the ' +
    'older file comes', () => {
    const [enter, connect, done] = elm('split1');
    const other = [
        `${T2 + 400}|split2|201|NONE|ENTERQUEUE||+15550100172|1`,
        `${T2 + 410}|split2|201|NONE|ABANDON|1|1|10`,
    ];
    const older = path.join(dir, 'split.1');
    const newer = path.join(dir, 'split.0');
    const newerShort = path.join(dir, 'split.0.short');
    fs.writeFileSync(older, `${enter}\n`);
    fs.writeFileSync(newer, [connect, done, ...other, ''].join('\n'));
    fs.writeFileSync(newerShort, [connect, done, ''].join('\n'));
    const one = (t, offered) => {
        assert.equal(t.offered, offered);
        assert.equal(t.answered, 1);
        assert.equal(t.aht, 100);
        assert.equal(t.in_several_queues, 0);
        assert.equal(t.without_enterqueue, 0);
    };
    one(importAndReport('split-in-order', [older, newer]).total, 2);
    one(importAndReport('split-short', [newerShort, older]).total, 1);
    const reversed = importAndReport('split-reversed', [newer, older]).total;
    assert.equal(reversed.offered, 2);
    assert.equal(reversed.answered, 1);
    assert.equal(reversed.in_several_queues, 1);
    assert.equal(reversed.without_enterqueue, 1);
});

// A byte order mark before a pipe log, with or without --format pipe, and
// a junk first line: the log is read all the same. A file with no line a
// queue_log could have fails, saying so.
test('a byte order mark or a junk first line does not hide the log', () => {
    const lines = elm('bom1').join('\n') + '\n';
    const bom = path.join(dir, 'bom.log');
    const junk = path.join(dir, 'junk.log');
    const none = path.join(dir, 'none.log');
    fs.writeFileSync(bom, `\ufeff${lines}`);
    fs.writeFileSync(junk, `not a queue_log line\n${lines}`);
    fs.writeFileSync(none, 'hello\nworld\n');
    for (const [name, f, args, malformed] of [
        ['bom', bom, [], 0], ['bom-pipe', bom, ['--format', 'pipe'], 0],
        ['junk', junk, [], 1]]) {
        const { imports, total } = importAndReport(name, [f], args);
        assert.equal(imports[0].status, 0, imports[0].stderr);
        assert.match(imports[0].stdout, new RegExp(
            `^read ${3 + malformed} lines: 0 blank, ${malformed} malformed,`));
        assert.equal(imports[0].stderr, '');
        assert.equal(total.offered, 1);
        assert.equal(total.answered, 1);
        assert.equal(total.aht, 100);
        assert.equal(total.hangup_by_caller, 1);
    }
    const { imports } = importAndReport('none', [none]);
    assert.equal(imports[0].status, 1);
    assert.match(imports[0].stdout, /^read 2 lines: 0 blank, 2 malformed,/);
    assert.match(imports[0].stderr, /2 of 2 lines are malformed/);
});
