// SPDX-License-Identifier: MIT
//
// Durability: an acknowledged request survives kill -9 of the server, and a
// SIGTERM stop is clean (status 0) and keeps the data as well.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { API, testCleanStop, useServer } from './lib/server.mjs';
import { expectJson, requiredAnswers } from './lib/check.mjs';

const ctx = useServer('070-durability');

const before = new Map(); // id -> the request as read before the crash

async function readAll(ids) {
    const out = new Map();
    for (const id of ids)
        out.set(id, expectJson(await ctx.srv.get(
            `${API}/requests/${id}.json`), 200, id)[0]);
    return out;
}

test('20 requests filed (4 at a time) survive kill -9', async () => {
    const def = expectJson(await ctx.srv.get(
        `${API}/services/ABANDONED_VEHICLE.json`), 200);
    const ids = [];
    for (let batch = 0; batch < 5; batch++) {
        const answers = await Promise.all([0, 1, 2, 3].map((i) => {
            const n = batch * 4 + i;
            return ctx.srv.post(`${API}/requests.json`, [
                ['service_code', 'ABANDONED_VEHICLE'],
                ['lat', String(40.7 + n / 1000)], ['long', '-74.0'],
                ['description', `durable request number ${n} 第${n}号`],
                ...requiredAnswers(def),
            ]);
        }));
        for (const r of answers)
            ids.push(expectJson(r, 201)[0].service_request_id);
    }
    assert.equal(new Set(ids).size, 20);
    for (const [id, q] of await readAll(ids))
        before.set(id, q);

    await ctx.srv.kill9();
    await ctx.srv.start();

    const after = await readAll(ids);
    for (const id of ids)
        assert.deepEqual(after.get(id), before.get(id), id);
    const listed = expectJson(await ctx.srv.get(`${API}/requests.json`), 200)
        .map((q) => q.service_request_id);
    for (const id of ids)
        assert.ok(listed.includes(id), `${id} not listed after restart`);
});

test('SIGTERM exits 0, a restart keeps the data and ids stay new',
    async () => {
        assert.equal(before.size, 20, 'the test above failed');
        const r = await ctx.srv.stop();
        assert.deepEqual(ctx.srv.sanitizerReports(), []);
        assert.deepEqual(r, { code: 0, signal: null },
            ctx.srv.stderr.slice(-3000));
        await ctx.srv.start();
        const after = await readAll([...before.keys()]);
        for (const [id, q] of before)
            assert.deepEqual(after.get(id), q, id);

        const def = expectJson(await ctx.srv.get(
            `${API}/services/ABANDONED_VEHICLE.json`), 200);
        const id = expectJson(await ctx.srv.post(`${API}/requests.json`, [
            ['service_code', 'ABANDONED_VEHICLE'], ['address_string', 'x'],
            ...requiredAnswers(def),
        ]), 201)[0].service_request_id;
        assert.ok(!before.has(id), `id ${id} given out twice`);
    });

test('the API key still works after restarts', async () => {
    const r = await ctx.srv.post(`${API}/requests.json`, [
        ['service_code', 'ILLEGAL_DUMPING'], ['address_string', 'x']]);
    assert.equal(r.status, 201, 'the key was not accepted: ' + r.text);
});

testCleanStop(ctx);
