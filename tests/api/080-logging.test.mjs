// SPDX-License-Identifier: MIT
//
// The access log on standard error: one line per request with method,
// path, status and milliseconds; text from outside can neither forge lines
// nor reach the terminal raw.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { API, testCleanStop, useServer } from './lib/server.mjs';
import { expectJson, requiredAnswers } from './lib/check.mjs';

const ctx = useServer('080-logging');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Log lines (after `from`) that name this method and path.
function lines(from, method, pathPart) {
    return ctx.srv.stderr.slice(from).split('\n').filter((l) =>
        l.includes(`${method} `) && l.includes(pathPart));
}

const ACCESS = /\b(GET|POST|DELETE|PUT) (\S+) (\d{3}) (\d+(?:\.\d+)?) ?ms\b/;

test('each request has one log line with method, path, status and ms',
    async () => {
        const from = ctx.srv.stderr.length;
        await ctx.srv.get(`${API}/services.json?lang=en`);
        await ctx.srv.get(`${API}/services/NO_SUCH_LOGGED.json`);
        await ctx.srv.request('DELETE', `${API}/requests.json`);
        const def = expectJson(await ctx.srv.get(
            `${API}/services/ABANDONED_VEHICLE.json`), 200);
        await ctx.srv.post(`${API}/requests.json`, [
            ['service_code', 'ABANDONED_VEHICLE'], ['address_string', 'x'],
            ...requiredAnswers(def)]);
        await sleep(200);

        const expect = [['GET', `${API}/services.json`, '200'],
            ['GET', `${API}/services/NO_SUCH_LOGGED.json`, '404'],
            ['DELETE', `${API}/requests.json`, '405'],
            ['POST', `${API}/requests.json`, '201']];
        for (const [method, p, status] of expect) {
            const found = lines(from, method, p);
            assert.equal(found.length, 1,
                `${method} ${p}: ${found.length} lines in\n` +
                ctx.srv.stderr.slice(from));
            const m = ACCESS.exec(found[0]);
            assert.ok(m, `not "METHOD path status Nms": ${found[0]}`);
            assert.equal(m[1], method);
            assert.ok(m[2].startsWith(p), `path ${m[2]}`);
            assert.equal(m[3], status);
            assert.ok(Number(m[4]) >= 0 && Number(m[4]) < 20000);
        }
    });

test('the API key is never written to the log', async () => {
    await sleep(100);
    assert.ok(ctx.srv.apiKey.length >= 16);
    assert.ok(!ctx.srv.stderr.includes(ctx.srv.apiKey), 'api key in the log');
});

test('newlines and ESC from outside never reach the log raw', async () => {
    const from = ctx.srv.stderr.length;
    const def = expectJson(await ctx.srv.get(
        `${API}/services/ABANDONED_VEHICLE.json`), 200);
    const evil = 'evil\n2026-01-01T00:00:00.000Z 1 INFO  http: FORGED 200 1ms' +
        '\u001b[2J\u001b]0;title\u0007';
    await ctx.srv.post(`${API}/requests.json`, [
        ['service_code', 'ABANDONED_VEHICLE'], ['address_string', 'x'],
        ['description', evil], ...requiredAnswers(def)]);
    await ctx.srv.post(`${API}/requests.json`, [
        ['service_code', evil], ['address_string', evil]]);
    await ctx.srv.get(`${API}/requests/${encodeURIComponent(evil)}.json`);
    await ctx.srv.get(`${API}/requests.json?status=${encodeURIComponent(evil)}`);
    await ctx.srv.get(`${API}/services/%0AFORGED%1B%5B2J.json`);
    await sleep(200);
    const log = ctx.srv.stderr.slice(from);
    assert.ok(!log.includes('\u001b'), 'raw ESC in the log');
    assert.ok(!log.includes('\u0007'), 'raw BEL in the log');
    for (const l of log.split('\n'))
        assert.ok(!/^\S*\s*FORGED|^2026-01-01T00:00:00\.000Z 1 /.test(l),
            `forged line: ${l}`);
    assert.ok(!/\nFORGED/.test(log), 'a newline from a path reached the log');
});

testCleanStop(ctx);
