// SPDX-License-Identifier: MIT
//
// A phone or email finds one caller: staff intake that would give a
// caller a phone or email another caller has is refused with a 409 that
// names the field and the other caller, and stores nothing. A caller who
// gains a phone or email, by staff intake or by an Open311 filing that
// matches them, is marked as changed (updated_at).
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { API, useServer } from './lib/server.mjs';
import { addUser, call, counts, ok, signIn, sqlInt } from './lib/staff.mjs';

let token;
const ctx = useServer('124-caller-clash', async (srv) => {
    addUser(srv, 'ann', ['agent']);
    token = await signIn(srv, 'ann');
});

function file(caller) {
    return call(ctx.srv, 'POST', 'requests', {
        token,
        body: { service_code: 'POTHOLE', attributes: { SIZE: 'medium' },
            location: { address: '9 Elm St' }, description: 'hole', caller },
    });
}

function byPhone(phone) {
    return call(ctx.srv, 'GET', `callers?phone=${phone}`, { token });
}

const ids = {};
// 2001-09-09T01:46:40Z: a time no test runs at.
const OLD = 1000000000;

test('callers to clash with', async () => {
    ids.ada = ok(await file({ first_name: 'Ada', phone: '2125550101' }), 201)
        .caller.id;
    ids.bo = ok(await file({ first_name: 'Bo', phone: '2125550199',
        email: 'bo@example.com' }), 201).caller.id;
    assert.notEqual(ids.ada, ids.bo);
});

test('a known caller cannot take another caller\'s phone', async () => {
    const before = counts(ctx.srv);
    const r = await file({ id: ids.ada, phone: '(212) 555-0199' });
    assert.equal(r.status, 409, r.text);
    assert.deepEqual(r.json, { error: { code: 'conflict',
        field: 'caller.phone',
        message: `caller.phone +12125550199 belongs to caller ${ids.bo}` } });
    assert.deepEqual(counts(ctx.srv), before);
    assert.equal(ok(await byPhone('2125550199'), 200).id, ids.bo);
    assert.deepEqual(ok(await byPhone('2125550101'), 200).phones,
        ['+12125550101']);
});

test('nor another caller\'s email, with or without a name change',
    async () => {
        const before = counts(ctx.srv);
        const r = await file({ id: ids.ada, first_name: 'Adah',
            email: 'BO@example.com' });
        assert.equal(r.status, 409, r.text);
        assert.deepEqual(r.json, { error: { code: 'conflict',
            field: 'caller.email',
            message: `caller.email bo@example.com belongs to caller ${ids.bo}` },
        });
        assert.deepEqual(counts(ctx.srv), before);
        const ada = ok(await byPhone('2125550101'), 200);
        assert.equal(ada.first_name, 'Ada');
        assert.deepEqual(ada.emails, []);
    });

test('details matched by phone cannot bring another caller\'s email',
    async () => {
        const before = counts(ctx.srv);
        const r = await file({ phone: '2125550101', email: 'bo@example.com' });
        assert.equal(r.status, 409, r.text);
        assert.deepEqual(r.json, { error: { code: 'conflict',
            field: 'caller.email',
            message: `caller.email bo@example.com belongs to caller ${ids.bo}` },
        });
        assert.deepEqual(counts(ctx.srv), before);
    });

test('a phone added to a known caller moves updated_at', async () => {
    sqlInt(ctx.srv, `UPDATE contact SET updated_at = ${OLD}`);
    const v = ok(await file({ id: ids.ada, phone: '2125550102' }), 201);
    assert.deepEqual(v.caller.phones, ['+12125550101', '+12125550102']);
    assert.equal(sqlInt(ctx.srv,
        `SELECT updated_at FROM contact WHERE id = ${ids.ada}`), sqlInt(ctx.srv,
        'SELECT requested_at FROM request WHERE public_id = '
        + `'${v.service_request_id}'`));
    assert.equal(sqlInt(ctx.srv,
        `SELECT updated_at FROM contact WHERE id = ${ids.bo}`), OLD);
});

test('an Open311 filing that teaches a caller an email moves updated_at',
    async () => {
        sqlInt(ctx.srv, `UPDATE contact SET updated_at = ${OLD}`);
        const r = await ctx.srv.post(`${API}/requests.json`, {
            service_code: 'POTHOLE', 'attribute[SIZE]': 'small',
            lat: '40.7128', long: '-74.0060', phone: '212-555-0101',
            email: 'ada@example.com' });
        assert.equal(r.status, 201, r.text);
        const id = r.json[0].service_request_id;
        const ada = ok(await byPhone('2125550101'), 200);
        assert.equal(ada.id, ids.ada);
        assert.deepEqual(ada.emails, ['ada@example.com']);
        assert.equal(sqlInt(ctx.srv,
            `SELECT updated_at FROM contact WHERE id = ${ids.ada}`),
        sqlInt(ctx.srv,
            `SELECT requested_at FROM request WHERE public_id = '${id}'`));
    });

test('an Open311 filing leaves out an email another caller has',
    async () => {
        const r = await ctx.srv.post(`${API}/requests.json`, {
            service_code: 'POTHOLE', 'attribute[SIZE]': 'small',
            lat: '40.7128', long: '-74.0060', phone: '212-555-0101',
            email: 'bo@example.com' });
        assert.equal(r.status, 201, r.text);
        assert.deepEqual(ok(await byPhone('2125550101'), 200).emails,
            ['ada@example.com']);
        assert.deepEqual(ok(await byPhone('2125550199'), 200).emails,
            ['bo@example.com']);
    });
