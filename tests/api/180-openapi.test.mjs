// SPDX-License-Identifier: MIT
//
// GET /api/v1/openapi.json serves docs/openapi.json as built in; its paths
// are exactly the /api/v1/ routes the server knows (serve --routes), and
// real answers of the main routes satisfy its schemas.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';

import { repoRoot, testCleanStop, useServer } from './lib/server.mjs';
import { addUser, call, ok, signIn } from './lib/staff.mjs';

const tokens = {};
const ctx = useServer('180-openapi', async (srv) => {
    addUser(srv, 'ada', ['admin']);
    tokens.ada = await signIn(srv, 'ada');
});

const onDisk = JSON.parse(fs.readFileSync(
    path.join(repoRoot, 'docs', 'openapi.json'), 'utf8'));

test('the server serves docs/openapi.json, without a sign-in', async () => {
    const doc = ok(await call(ctx.srv, 'GET', 'openapi.json'), 200);
    assert.deepEqual(doc, onDisk);
    assert.equal(doc.openapi, '3.0.3');
});

test('its paths are exactly the /api/v1/ routes of the server', () => {
    const routes = execFileSync(ctx.srv.bin, ['serve', '--routes'],
        { encoding: 'utf8' }).trim().split('\n')
        .map((l) => l.split(' '))
        .filter(([, p]) => p.startsWith('/api/v1/'))
        .map(([m, p]) => `${m} ${p}`).sort();
    const documented = [];
    for (const [p, ops] of Object.entries(onDisk.paths)) {
        for (const m of Object.keys(ops))
            documented.push(`${m.toUpperCase()} ${p}`);
    }
    assert.deepEqual(documented.sort(), routes);
    assert.equal(routes.length, 49);
});

test('every $ref resolves and every operation has an id', () => {
    const text = JSON.stringify(onDisk);
    for (const [, name] of text.matchAll(/"#\/components\/(?:schemas|responses)\/(\w+)"/g))
        assert.ok(onDisk.components.schemas[name] ||
            onDisk.components.responses[name], `${name} is not defined`);
    const ids = [];
    for (const ops of Object.values(onDisk.paths))
        for (const op of Object.values(ops))
            ids.push(op.operationId);
    assert.equal(new Set(ids).size, 49);
});

// A validator for components.schemas[name], OpenAPI's nullable included.
function validator(name) {
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    const root = JSON.parse(JSON.stringify(onDisk.components.schemas)
        .replaceAll('#/components/schemas/', '#/$defs/'));
    // OpenAPI 3.0's nullable: widen each nullable schema to accept null.
    const widen = (s) => {
        if (Array.isArray(s)) {
            s.forEach(widen);
            return;
        }
        if (!s || typeof s !== 'object')
            return;
        for (const v of Object.values(s))
            widen(v);
        if (s.nullable === true) {
            const copy = { ...s };
            delete copy.nullable;
            for (const k of Object.keys(s))
                delete s[k];
            s.anyOf = [{ type: 'null' }, copy];
        }
    };
    widen(root);
    return ajv.compile({ $defs: root, $ref: `#/$defs/${name}` });
}

function conforms(name, value) {
    const v = validator(name);
    assert.ok(v(value), `${name}: ${JSON.stringify(v.errors)}\n` +
        JSON.stringify(value).slice(0, 1000));
}

test('real answers satisfy the schemas', async () => {
    const t = tokens.ada;
    const s = ok(await call(ctx.srv, 'POST', 'session',
        { body: { login: 'ada', password: 'correct horse battery staple' } }),
    201);
    conforms('Session', s);
    const v = ok(await call(ctx.srv, 'POST', 'requests', { token: t, body: {
        service_code: 'BULKY_ITEM', attributes: { ITEMS: ['other'] },
        location: { lat: 40.7, long: -74 },
        caller: { first_name: 'Ana', phone: '2125550303' } } }), 201);
    conforms('RequestView', v);
    ok(await call(ctx.srv, 'POST',
        `requests/${v.service_request_id}/escalate`,
        { token: t, body: { reason: 'why' } }), 200);
    conforms('RequestView', ok(await call(ctx.srv, 'GET',
        `requests/${v.service_request_id}`, { token: t }), 200));
    conforms('RequestList', ok(await call(ctx.srv, 'GET', 'requests',
        { token: t }), 200));
    conforms('RequestList', ok(await call(ctx.srv, 'GET', 'queues/expert',
        { token: t }), 200));
    conforms('CallerWithRequests', ok(await call(ctx.srv, 'GET',
        'callers?phone=2125550303', { token: t }), 200));
    conforms('Note', ok(await call(ctx.srv, 'POST',
        `requests/${v.service_request_id}/notes`,
        { token: t, body: { text: 'n' } }), 201));
    conforms('Key', ok(await call(ctx.srv, 'POST', 'keys',
        { token: t, body: { name: 'k1' } }), 201));
    const a = ok(await call(ctx.srv, 'GET', 'audit', { token: t }), 200);
    for (const e of a.entries)
        conforms('AuditEntry', e);
    const r = await call(ctx.srv, 'POST', 'requests',
        { token: t, body: { service_code: 1 } });
    assert.equal(r.status, 400);
    conforms('Error', r.json);
});

testCleanStop(ctx);
