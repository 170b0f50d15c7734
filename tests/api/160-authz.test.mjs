// SPDX-License-Identifier: MIT
//
// The authorization matrix of docs/API.md, checked cell by cell: the test
// reads the table from the document, signs in one account per role (crew
// and supervisor scoped to TRANSPORTATION) and calls every route as each
// role. `yes` must not be refused, `no` must be a 403, `dept` must pass
// for a TRANSPORTATION request and be a 403 for a POLICE one, `public`
// needs no token; every route that is not public is a 401 without one.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { repoRoot, testCleanStop, useServer } from './lib/server.mjs';
import { addUser, call, ok, signIn } from './lib/staff.mjs';

const ROLES = ['agent', 'expert', 'supervisor', 'crew', 'qa', 'editor',
    'admin'];

// The matrix as [method, pattern, {role: cell}] rows.
function readMatrix() {
    const text = fs.readFileSync(path.join(repoRoot, 'docs', 'API.md'), 'utf8');
    const lines = text.split('\n');
    const head = lines.findIndex((l) =>
        l.startsWith('| route | agent | expert |'));
    assert.ok(head >= 0, 'docs/API.md has no authorization matrix');
    const cols = lines[head].split('|').slice(2, -1).map((c) => c.trim());
    assert.deepEqual(cols, ROLES);
    const rows = [];
    for (let i = head + 2; i < lines.length && lines[i].startsWith('|'); i++) {
        const cells = lines[i].split('|').slice(1, -1).map((c) => c.trim());
        const m = /^`(GET|POST|DELETE|PUT|PATCH) (\/api\/v1\/\S*)`$/
            .exec(cells[0]);
        assert.ok(m, `bad route cell: ${cells[0]}`);
        const by = {};
        ROLES.forEach((r, j) => {
            assert.ok(['yes', 'no', 'dept', 'public'].includes(cells[j + 1]),
                `${cells[0]} ${r}: ${cells[j + 1]}`);
            by[r] = cells[j + 1];
        });
        rows.push([m[1], m[2], by]);
    }
    return rows;
}

const MATRIX = readMatrix();
const tokens = {};
const fx = {};

const ctx = useServer('160-authz', async (srv) => {
    for (const r of ROLES)
        addUser(srv, r, [r], ['supervisor', 'crew'].includes(r)
            ? ['TRANSPORTATION'] : []);
    for (const r of ROLES)
        tokens[r] = await signIn(srv, r);
    const file = async (body) => ok(await call(srv, 'POST', 'requests',
        { token: tokens.admin, body }), 201);
    const inside = await file({ service_code: 'POTHOLE',
        attributes: { SIZE: 'small' }, location: { address: '1 In St' },
        caller: { phone: '2125550001' } });
    const outside = await file({ service_code: 'ILLEGAL_PARKING',
        location: { address: '2 Out St' }, caller: { phone: '2125550002' } });
    fx.inside = inside.service_request_id;
    fx.outside = outside.service_request_id;
    fx.caller1 = inside.caller.id;
    fx.caller2 = outside.caller.id;
    for (const id of [fx.inside, fx.outside])
        ok(await call(srv, 'POST', `requests/${id}/escalate`,
            { token: tokens.admin, body: { reason: 'matrix' } }), 200);
});

let keyNames = 0;

// The body each route is called with: one that does real work.
function bodyFor(method, pattern) {
    switch (`${method} ${pattern}`) {
    case 'POST /api/v1/session':
        return { login: 'nobody', password: 'wrong' };
    case 'POST /api/v1/callers/{id}/merge':
        return { other: fx.caller2 };
    case 'POST /api/v1/requests':
        return { service_code: 'STREETLIGHT_OUT',
            location: { address: '3 Lamp St' } };
    case 'POST /api/v1/requests/{id}/notes':
        return { text: 'matrix note' };
    case 'POST /api/v1/requests/{id}/escalate':
        return { reason: 'matrix again' };
    case 'POST /api/v1/keys':
        return { name: `matrix-${++keyNames}` };
    default:
        return undefined;
    }
}

// The path for pattern, a request's id being requestId.
function pathFor(pattern, requestId) {
    let p = pattern;
    if (p.startsWith('/api/v1/callers/'))
        p = p.replace('{id}', String(fx.caller1));
    p = p.replace('{id}', requestId).replace('{name}', 'no-such-key');
    if (p === '/api/v1/callers')
        p += '?phone=2125550001';
    return p;
}

// Calls a route as role (or without a token); DELETE session gets a
// fresh session so that the role's own token lives on.
async function as(role, method, pattern, requestId) {
    let token = role ? tokens[role] : undefined;
    if (role && method === 'DELETE' && pattern === '/api/v1/session')
        token = await signIn(ctx.srv, role);
    return call(ctx.srv, method, pathFor(pattern, requestId),
        { token, body: bodyFor(method, pattern) });
}

const refused = (r) => r.status === 401 || r.status === 403;

for (const [method, pattern, by] of MATRIX) {
    test(`${method} ${pattern}`, async () => {
        const withId = pattern.includes('/requests/{id}');
        for (const role of ROLES) {
            const cell = by[role];
            const what = `${method} ${pattern} as ${role} (${cell})`;
            if (cell === 'public') {
                const r = await as(null, method, pattern, fx.inside);
                assert.ok(!refused(r) || r.status === 401 &&
                    pattern === '/api/v1/session', `${what}: ${r.status} ${r.text}`);
                assert.notEqual(r.status, 403, what);
                continue;
            }
            const r = await as(role, method, pattern, fx.inside);
            if (cell === 'no') {
                assert.equal(r.status, 403, `${what}: ${r.text}`);
                assert.equal(r.json.error.code, 'forbidden');
                continue;
            }
            assert.ok(!refused(r), `${what}: ${r.status} ${r.text}`);
            assert.ok(r.status < 500, `${what}: ${r.status} ${r.text}`);
            if (!withId)
                continue;
            const o = await as(role, method, pattern, fx.outside);
            if (cell === 'dept')
                assert.equal(o.status, 403, `${what}, other department: ` +
                    o.text);
            else
                assert.ok(!refused(o), `${what}, other department: ` +
                    `${o.status} ${o.text}`);
        }
        if (!Object.values(by).includes('public')) {
            const r = await as(null, method, pattern, fx.inside);
            assert.equal(r.status, 401, `${method} ${pattern} without a ` +
                `token: ${r.text}`);
        }
    });
}

test('scoped lists leave out other departments', async () => {
    for (const role of ['crew', 'supervisor']) {
        const l = ok(await call(ctx.srv, 'GET', 'requests',
            { token: tokens[role] }), 200);
        assert.ok(l.requests.every((r) => r.department === 'TRANSPORTATION'),
            JSON.stringify(l));
        assert.ok(l.requests.some((r) => r.service_request_id === fx.inside));
    }
    const q = ok(await call(ctx.srv, 'GET', 'queues/expert',
        { token: tokens.supervisor }), 200);
    assert.ok(q.requests.every((r) => r.department === 'TRANSPORTATION'));
});

test('the matrix covers every staff route the server has', async () => {
    const documented = MATRIX.map(([m, p]) => `${m} ${p}`).sort();
    const { execFileSync } = await import('node:child_process');
    const routes = execFileSync(ctx.srv.bin, ['serve', '--routes'],
        { encoding: 'utf8' }).trim().split('\n')
        .filter((l) => l.split(' ')[1].startsWith('/api/v1/')).sort();
    assert.deepEqual(documented, routes);
});

testCleanStop(ctx);
