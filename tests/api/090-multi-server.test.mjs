// SPDX-License-Identifier: MIT
//
// Several servers, one database: three `civic311 serve` processes on one
// PostgreSQL database (as behind a load balancer) take ~300 concurrent
// POSTs between them. Every acknowledged request gets an id of its own,
// and every server then answers the same thing about every request.
// PostgreSQL only: SQLite is one process's embedded database.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { API, startServers } from './lib/server.mjs';
import { expectJson, requiredAnswers } from './lib/check.mjs';

const PG = Boolean(process.env.CIVIC311_TEST_PG_URL);
const skip = PG ? false : 'PostgreSQL only: CIVIC311_TEST_PG_URL is not set';

const NSERVERS = 3;
const NPOSTS = 300;
// realtime with and without questions, batch (tokens), blackbox
const SERVICES = ['ABANDONED_VEHICLE', 'POTHOLE', 'NOISE_RESIDENTIAL',
    'BULKY_ITEM', 'GRAFFITI', 'ILLEGAL_DUMPING'];
const ID_FORM = /^\d{4}-\d{6,}$/;

let servers = [];
const acked = [];  // { n, server, code, id } or { n, server, code, token }

// Runs fn over items with at most `width` calls in flight; keeps order.
async function pooled(items, width, fn) {
    const out = new Array(items.length);
    let next = 0;
    async function worker() {
        while (next < items.length) {
            const i = next++;
            out[i] = await fn(items[i], i);
        }
    }
    await Promise.all(Array.from({ length: width }, worker));
    return out;
}

before(async () => {
    if (PG)
        servers = await startServers(NSERVERS, { name: '090-multi-server' });
});

after(async () => {
    await Promise.all(servers.map((s) => s.close()));
});

test(`${NPOSTS} concurrent POSTs over ${NSERVERS} servers on one database ` +
    'are all acknowledged with distinct ids', { skip }, async () => {
    const defs = new Map();
    for (const code of SERVICES)
        defs.set(code, expectJson(await servers[0].get(
            `${API}/services/${code}.json`), 200, code));

    // Every POST is sent at once; the servers' pools queue them.
    const answers = await Promise.all(Array.from({ length: NPOSTS },
        (_, n) => {
            const code = SERVICES[n % SERVICES.length];
            const server = n % NSERVERS;
            return servers[server].post(`${API}/requests.json`, [
                ['service_code', code],
                ['lat', (40.6 + n / 10000).toFixed(4)], ['long', '-73.95'],
                ['description', `multi-server request ${n}`],
                ...requiredAnswers(defs.get(code)),
            ]).then((r) => ({ n, server, code, r }));
        }));

    const failures = answers.filter((a) => a.r.status !== 201);
    assert.deepEqual(failures.map((a) => `#${a.n} on ${a.server + 1}: ` +
        `${a.r.status} ${a.r.text}`), [], 'POSTs not acknowledged');
    for (const { n, server, code, r } of answers) {
        const body = expectJson(r, 201, `POST #${n}`);
        assert.equal(body.length, 1);
        if (code === 'BULKY_ITEM') {
            assert.deepEqual(Object.keys(body[0]), ['token'], r.text);
            acked.push({ n, server, code, token: body[0].token });
        } else {
            assert.match(body[0].service_request_id, ID_FORM, r.text);
            acked.push({ n, server, code, id: body[0].service_request_id });
        }
    }
    const ids = acked.filter((a) => a.id).map((a) => a.id);
    const tokens = acked.filter((a) => a.token).map((a) => a.token);
    assert.equal(ids.length, NPOSTS - NPOSTS / SERVICES.length);
    assert.equal(tokens.length, NPOSTS / SERVICES.length);
    assert.equal(new Set(ids).size, ids.length, 'an id was given out twice');
    assert.equal(new Set(tokens).size, tokens.length,
        'a token was given out twice');
});

test('every token resolves to the same new id on every server',
    { skip }, async () => {
        const withTokens = acked.filter((a) => a.token);
        assert.equal(withTokens.length, NPOSTS / SERVICES.length,
            'the POST test failed');
        await pooled(withTokens, 12, async (a) => {
            const seen = [];
            for (const s of servers) {
                const body = expectJson(await s.get(
                    `${API}/tokens/${a.token}.json`), 200, a.token);
                assert.equal(body.length, 1);
                assert.equal(body[0].token, a.token);
                assert.match(body[0].service_request_id, ID_FORM);
                seen.push(body[0].service_request_id);
            }
            assert.deepEqual(seen, [seen[0], seen[0], seen[0]],
                `token ${a.token} resolves differently`);
            a.id = seen[0];
        });
        const ids = acked.map((a) => a.id);
        assert.equal(new Set(ids).size, NPOSTS,
            'a batch request shares its id with another request');
    });

test('every acknowledged request reads the same on every server',
    { skip }, async () => {
        assert.ok(acked.length === NPOSTS && acked.every((a) => a.id),
            'the tests above failed');
        await pooled(acked, 12, async (a) => {
            const bodies = [];
            for (const s of servers) {
                const r = await s.get(`${API}/requests/${a.id}.json`);
                const body = expectJson(r, 200, `${a.id} from ${s.name}`);
                assert.equal(body.length, 1);
                assert.equal(body[0].service_request_id, a.id);
                assert.equal(body[0].service_code, a.code);
                assert.equal(body[0].description,
                    `multi-server request ${a.n}`);
                bodies.push(r.text);
            }
            // Byte for byte: same row, same rendering.
            assert.equal(bodies[1], bodies[0], `${a.id}: server 2 differs`);
            assert.equal(bodies[2], bodies[0], `${a.id}: server 3 differs`);
        });
    });

test('every server lists the same requests', { skip }, async () => {
    assert.ok(acked.every((a) => a.id), 'the tests above failed');
    const want = acked.map((a) => a.id).sort();
    const lists = [];
    for (const s of servers) {
        const list = expectJson(await s.get(
            `${API}/requests.json?page_size=1000`), 200, s.name);
        lists.push(list.map((q) => q.service_request_id));
    }
    for (const [i, ids] of lists.entries()) {
        assert.equal(ids.length, NPOSTS, `server ${i + 1} lists ${ids.length}`);
        assert.deepEqual([...ids].sort(), want, `server ${i + 1}`);
    }
    // Same order too (newest first, ties by id).
    assert.deepEqual(lists[1], lists[0]);
    assert.deepEqual(lists[2], lists[0]);

    const open = [];
    for (const s of servers)
        open.push(expectJson(await s.get(
            `${API}/requests.json?status=open&service_code=BULKY_ITEM`),
        200).length);
    assert.deepEqual(open, Array(NSERVERS).fill(NPOSTS / SERVICES.length));
});

test('all three servers stop on SIGTERM with status 0 and no sanitizer ' +
    'report', { skip }, async () => {
    for (const s of servers) {
        const r = await s.stop();
        assert.deepEqual(s.sanitizerReports(), [], s.stderr.slice(-4000));
        assert.deepEqual(r, { code: 0, signal: null }, s.stderr.slice(-4000));
    }
});
