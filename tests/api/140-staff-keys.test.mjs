// SPDX-License-Identifier: MIT
//
// Open311 API keys over the staff API (admins only): created and shown
// once, listed, revoked; each with a rate limit per minute (the city's
// default, 120, unless set) enforced on Open311 POST and GET with a 429
// error list in the client's format and a Retry-After header.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { API, testCleanStop, useServer } from './lib/server.mjs';
import { expectErrors } from './lib/check.mjs';
import { addUser, apiError, call, ok, signIn, sqlInt } from './lib/staff.mjs';

const tokens = {};
const ctx = useServer('140-staff-keys', async (srv) => {
    addUser(srv, 'ada', ['admin']);
    addUser(srv, 'ann', ['agent', 'supervisor', 'qa']);
    for (const l of ['ada', 'ann'])
        tokens[l] = await signIn(srv, l);
});

const made = {};

test('an admin creates a key with a limit; it is shown once', async () => {
    const k = ok(await call(ctx.srv, 'POST', 'keys', {
        token: tokens.ada, body: { name: 'slow-app', rate_limit: 3 },
    }), 201);
    assert.deepEqual(Object.keys(k).sort(), ['created_at', 'key', 'name',
        'prefix', 'rate_limit', 'rate_limit_default', 'revoked_at', 'status']);
    assert.match(k.key, /^c311_[0-9a-f]{64}$/);
    assert.equal(k.prefix, k.key.slice(5, 13));
    assert.equal(k.name, 'slow-app');
    assert.equal(k.rate_limit, 3);
    assert.equal(k.rate_limit_default, false);
    assert.equal(k.status, 'active');
    assert.equal(k.revoked_at, null);
    assert.equal(sqlInt(ctx.srv, 'SELECT count(*) FROM api_key' +
        ` WHERE hash = '${k.key}' OR prefix = '${k.key}'`), 0);
    made.slow = k.key;
    const plain = ok(await call(ctx.srv, 'POST', 'keys', {
        token: tokens.ada, body: { name: 'plain' },
    }), 201);
    assert.equal(plain.rate_limit, 120);
    assert.equal(plain.rate_limit_default, true);
});

test('the list shows every key with its limit, never the key', async () => {
    const l = ok(await call(ctx.srv, 'GET', 'keys', { token: tokens.ada }),
        200);
    assert.deepEqual(l.keys.map((k) => [k.name, k.rate_limit,
        k.rate_limit_default, k.status]), [
        ['tests', 1000000, false, 'active'], ['slow-app', 3, false, 'active'],
        ['plain', 120, true, 'active']]);
    assert.doesNotMatch(JSON.stringify(l), new RegExp(made.slow));
});

test('key names and limits are checked; a taken name is a 409', async () => {
    let e = apiError(await call(ctx.srv, 'POST', 'keys', {
        token: tokens.ada, body: { name: 'bad name!', rate_limit: 0, x: 1 },
    }), 400, 'unknown', 'x');
    assert.deepEqual(e.errors.map((x) => x.field),
        ['x', 'name', 'rate_limit']);
    e = apiError(await call(ctx.srv, 'POST', 'keys', {
        token: tokens.ada, body: { name: 'slow-app' },
    }), 409, 'conflict', 'name');
    apiError(await call(ctx.srv, 'POST', 'keys', {
        token: tokens.ann, body: { name: 'mine' },
    }), 403, 'forbidden');
    apiError(await call(ctx.srv, 'GET', 'keys', { token: tokens.ann }), 403,
        'forbidden');
});

const form = [['service_code', 'POTHOLE'], ['address_string', '1 Rate Rd'],
    ['attribute[SIZE]', 'small']];

test('past its limit a key gets 429 with Retry-After, in JSON and XML',
    async () => {
        for (let i = 0; i < 3; i++) {
            const r = await ctx.srv.post(`${API}/requests.json`,
                [['api_key', made.slow], ...form]);
            assert.equal(r.status, 201, r.text);
        }
        let r = await ctx.srv.post(`${API}/requests.json`,
            [['api_key', made.slow], ...form]);
        const [msg] = expectErrors(r, 429, 'json');
        const retry = Number(r.headers['retry-after']);
        assert.ok(retry >= 19 && retry <= 20, r.headers['retry-after']);
        assert.equal(msg, 'api_key is over its limit of 3 requests per ' +
            `minute; try again in ${retry} seconds`);
        r = await ctx.srv.post(`${API}/requests.xml`,
            [['api_key', made.slow], ...form]);
        expectErrors(r, 429, 'xml');
        r = await ctx.srv.get(
            `${API}/requests.json?api_key=${made.slow}`);
        expectErrors(r, 429, 'json');
        r = await ctx.srv.get(
            `${API}/services.xml?api_key=${made.slow}`);
        expectErrors(r, 429, 'xml');
        // Other keys, and GETs without a key or with an unknown one, go on.
        r = await ctx.srv.post(`${API}/requests.json`, form);
        assert.equal(r.status, 201, r.text);
        r = await ctx.srv.get(`${API}/requests.json`);
        assert.equal(r.status, 200);
        r = await ctx.srv.get(`${API}/requests.json?api_key=c311_unknown`);
        assert.equal(r.status, 200);
    });

test('GETs with a key count against its limit', async () => {
    const k = ok(await call(ctx.srv, 'POST', 'keys', {
        token: tokens.ada, body: { name: 'reader', rate_limit: 2 },
    }), 201);
    for (let i = 0; i < 2; i++)
        assert.equal((await ctx.srv.get(
            `${API}/services.json?api_key=${k.key}`)).status, 200);
    expectErrors(await ctx.srv.get(
        `${API}/services.json?api_key=${k.key}`), 429, 'json');
});

test('a revoked key is refused at once', async () => {
    const k = ok(await call(ctx.srv, 'DELETE', 'keys/slow-app',
        { token: tokens.ada }), 200);
    assert.equal(k.status, 'revoked');
    assert.notEqual(k.revoked_at, null);
    const r = await ctx.srv.post(`${API}/requests.json`,
        [['api_key', made.slow], ...form]);
    assert.deepEqual(expectErrors(r, 403, 'json'),
        ['api_key is not a valid key']);
    apiError(await call(ctx.srv, 'DELETE', 'keys/slow-app',
        { token: tokens.ada }), 404, 'not_found');
});

test('key changes are audited, without the key or its hash', async () => {
    const a = ok(await call(ctx.srv, 'GET', 'audit?kind=api_key.revoked',
        { token: tokens.ada }), 200);
    assert.equal(a.entries.length, 1);
    const e = a.entries[0];
    assert.equal(e.actor, 'user:ada');
    assert.equal(e.subject, 'api_key');
    assert.equal(e.before.revoked_at, null);
    assert.equal(e.after.name, 'slow-app');
    assert.equal(e.after.rate_limit, 3);
    assert.equal(typeof e.after.revoked_at, 'number');
    assert.deepEqual(Object.keys(e.after).sort(), ['created_at', 'id', 'name',
        'prefix', 'rate_limit', 'revoked_at']);
    const c = ok(await call(ctx.srv, 'GET', 'audit?kind=api_key.created',
        { token: tokens.ada }), 200);
    assert.equal(c.entries.length, 4);
    assert.deepEqual(c.entries.map((x) => x.actor).sort(),
        ['cli', 'user:ada', 'user:ada', 'user:ada']);
});

testCleanStop(ctx);
