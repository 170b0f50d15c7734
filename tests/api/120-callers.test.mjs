// SPDX-License-Identifier: MIT
//
// Callers: phones normalised to E.164 (10 US digits get +1), emails in
// lowercase, the screen-pop by phone with the caller's requests newest
// first (open ones flagged), Open311 requests linked by phone then email,
// and merging two records of one person.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { API, testCleanStop, useServer } from './lib/server.mjs';
import { addUser, apiError, call, ok, signIn, sqlInt } from './lib/staff.mjs';

const tokens = {};
const ctx = useServer('120-callers', async (srv) => {
    addUser(srv, 'ann', ['agent']);
    addUser(srv, 'cal', ['crew'], ['SANITATION']);
    for (const l of ['ann', 'cal'])
        tokens[l] = await signIn(srv, l);
});

// Files a pothole for caller (an id or details) through the staff API.
async function file(caller, description) {
    return ok(await call(ctx.srv, 'POST', 'requests', {
        token: tokens.ann,
        body: { service_code: 'POTHOLE', attributes: { SIZE: 'medium' },
            location: { address: '9 Elm St' }, description, caller },
    }), 201);
}

const CALLER_KEYS = ['address', 'calls', 'created_at', 'emails', 'first_name',
    'id', 'language', 'last_name', 'merged_into', 'open_requests', 'phones',
    'requests', 'updated_at'];

const ids = {};

test('phones are read as E.164 and refused when they cannot be', async () => {
    const v = await file({ first_name: 'Rita', last_name: 'Moreno',
        phones: ['212.555.0101', '1 (646) 555-0102', '+44 20 7946 0958'],
        email: 'Rita@Example.com' }, 'First call');
    assert.deepEqual(v.caller.phones,
        ['+12125550101', '+16465550102', '+442079460958']);
    assert.deepEqual(v.caller.emails, ['rita@example.com']);
    ids.rita = v.caller.id;
    ids.first = v.service_request_id;
    for (const [phone, field] of [['555-0101', 'caller.phone'],
        ['212-555-0101 ext 4', 'caller.phone'], ['+0123456789', 'caller.phone'],
        ['123456789012345678', 'caller.phone'], ['(112) 555-0101',
            'caller.phone']]) {
        apiError(await call(ctx.srv, 'POST', 'requests', {
            token: tokens.ann,
            body: { service_code: 'POTHOLE', location: { address: 'x' },
                caller: { phone } },
        }), 400, 'invalid', field, phone);
    }
});

test('the screen-pop finds the caller by any phone, in any notation',
    async () => {
        const second = await file({ phone: '(212) 555-0101' }, 'Second call');
        assert.equal(second.caller.id, ids.rita);
        ids.second = second.service_request_id;
        const c = ok(await call(ctx.srv, 'GET',
            `callers?phone=${encodeURIComponent('+1 646 555 0102')}`,
            { token: tokens.ann }), 200);
        assert.deepEqual(Object.keys(c).sort(), CALLER_KEYS);
        assert.equal(c.id, ids.rita);
        assert.equal(c.first_name, 'Rita');
        assert.equal(c.open_requests, 2);
        assert.deepEqual(c.requests.map((r) => [r.service_request_id, r.open,
            r.status, r.description]), [
            [ids.second, true, 'open', 'Second call'],
            [ids.first, true, 'open', 'First call']]);
        assert.equal(c.requests[0].service_code, 'POTHOLE');
        assert.equal(c.requests[0].channel, 'phone');
    });

test('an unknown number is a 404; a missing or bad one a 400', async () => {
    apiError(await call(ctx.srv, 'GET', 'callers?phone=2125559999',
        { token: tokens.ann }), 404, 'not_found', 'phone');
    apiError(await call(ctx.srv, 'GET', 'callers', { token: tokens.ann }),
        400, 'required', 'phone');
    apiError(await call(ctx.srv, 'GET', 'callers?phone=call-me',
        { token: tokens.ann }), 400, 'invalid', 'phone');
    apiError(await call(ctx.srv, 'GET', 'callers/0', { token: tokens.ann }),
        404, 'not_found');
    apiError(await call(ctx.srv, 'GET', 'callers/99999',
        { token: tokens.ann }), 404, 'not_found');
    apiError(await call(ctx.srv, 'GET', 'callers?phone=2125550101',
        { token: tokens.cal }), 403, 'forbidden');
});

test('an Open311 request is matched by phone, then by email, or makes a ' +
    'contact', async () => {
    const post = async (fields) => {
        const r = await ctx.srv.post(`${API}/requests.json`, [
            ['service_code', 'POTHOLE'], ['address_string', '1 Oak Ave'],
            ['attribute[SIZE]', 'small'], ...fields]);
        assert.equal(r.status, 201, r.text);
        return r.json[0].service_request_id;
    };
    const byPhone = await post([['phone', '212-555-0101'],
        ['email', 'other@example.net']]);
    const byEmail = await post([['email', 'RITA@example.com']]);
    const fresh = await post([['phone', '3475550177'],
        ['first_name', 'Tom'], ['email', 'tom@example.net']]);
    const anonymous = await post([]);
    const contactOf = (id) => sqlInt(ctx.srv, 'SELECT coalesce(contact_id, 0)' +
        ` FROM request WHERE public_id = '${id}'`);
    assert.equal(contactOf(byPhone), ids.rita);
    assert.equal(contactOf(byEmail), ids.rita);
    assert.equal(contactOf(anonymous), 0);
    ids.tom = contactOf(fresh);
    assert.ok(ids.tom > ids.rita);
    // The new email given with a known phone is remembered.
    const c = ok(await call(ctx.srv, 'GET', `callers/${ids.rita}`,
        { token: tokens.ann }), 200);
    assert.deepEqual(c.emails, ['rita@example.com', 'other@example.net']);
    assert.equal(c.open_requests, 4);
    const tom = ok(await call(ctx.srv, 'GET', 'callers?phone=3475550177',
        { token: tokens.ann }), 200);
    assert.equal(tom.id, ids.tom);
    assert.equal(tom.first_name, 'Tom');
    assert.deepEqual(tom.phones, ['+13475550177']);
    ids.tomRequest = fresh;
});

test('merging moves the requests and phones; the merged record says ' +
    'where it went', async () => {
    const merged = ok(await call(ctx.srv, 'POST', `callers/${ids.rita}/merge`,
        { token: tokens.ann, body: { other: ids.tom } }), 200);
    assert.equal(merged.id, ids.rita);
    assert.deepEqual(merged.phones, ['+12125550101', '+16465550102',
        '+442079460958', '+13475550177']);
    assert.deepEqual(merged.emails, ['rita@example.com', 'other@example.net',
        'tom@example.net']);
    assert.equal(merged.open_requests, 5);
    assert.equal(merged.requests[0].service_request_id, ids.tomRequest);
    const old = ok(await call(ctx.srv, 'GET', `callers/${ids.tom}`,
        { token: tokens.ann }), 200);
    assert.equal(old.merged_into, ids.rita);
    assert.deepEqual(old.requests, []);
    assert.equal(old.open_requests, 0);
    // The screen-pop on Tom's number finds the record that holds it all.
    const pop = ok(await call(ctx.srv, 'GET', 'callers?phone=3475550177',
        { token: tokens.ann }), 200);
    assert.equal(pop.id, ids.rita);
    // The moved request's history says so.
    const h = ok(await call(ctx.srv, 'GET',
        `requests/${ids.tomRequest}/history`, { token: tokens.ann }), 200);
    const last = h.history[h.history.length - 1];
    assert.equal(last.kind, 'caller_merged');
    assert.equal(last.actor, 'user:ann');
    assert.deepEqual(last.before, { caller_id: ids.tom });
    assert.deepEqual(last.after, { caller_id: ids.rita });
    // Filing for the merged-away id files for the one it went to.
    const v = await file(ids.tom, 'Third call');
    assert.equal(v.caller.id, ids.rita);
});

test('merging twice, into itself or an unknown caller is refused',
    async () => {
        apiError(await call(ctx.srv, 'POST', `callers/${ids.rita}/merge`,
            { token: tokens.ann, body: { other: ids.tom } }), 409, 'conflict',
        'other');
        apiError(await call(ctx.srv, 'POST', `callers/${ids.rita}/merge`,
            { token: tokens.ann, body: { other: ids.rita } }), 400, 'invalid',
        'other');
        apiError(await call(ctx.srv, 'POST', `callers/${ids.rita}/merge`,
            { token: tokens.ann, body: { other: 424242 } }), 404, 'not_found');
        apiError(await call(ctx.srv, 'POST', `callers/${ids.rita}/merge`,
            { token: tokens.ann, body: {} }), 400, 'required', 'other');
    });

test('contact changes are audited with before and after', () => {
    assert.equal(sqlInt(ctx.srv, "SELECT count(*) FROM audit" +
        " WHERE subject = 'contact' AND kind = 'contact.created'"), 2);
    assert.equal(sqlInt(ctx.srv, "SELECT count(*) FROM audit" +
        " WHERE subject = 'contact' AND kind = 'contact.merged'" +
        ` AND subject_id = '${ids.tom}' AND actor = 'user:ann'`), 1);
    assert.equal(sqlInt(ctx.srv, "SELECT count(*) FROM audit" +
        " WHERE kind = 'contact.updated'"), 2);
});

// A caller first known from an app keeps the city's default language
// until an agent says which language they spoke; an intake that names
// none leaves the choice as it is.
test('the language an agent names becomes the caller\'s', async () => {
    const r = await ctx.srv.post(`${API}/requests.json`, [
        ['service_code', 'POTHOLE'], ['address_string', '3 Oak Ave'],
        ['attribute[SIZE]', 'small'], ['phone', '718-555-0199']]);
    assert.equal(r.status, 201, r.text);
    const pop = async () => ok(await call(ctx.srv, 'GET',
        'callers?phone=7185550199', { token: tokens.ann }), 200);
    const first = await pop();
    assert.equal(first.language, 'en');
    const intake = async (extra) => ok(await call(ctx.srv, 'POST',
        'requests', { token: tokens.ann, body: { service_code: 'POTHOLE',
            attributes: { SIZE: 'medium' }, location: { address: '3 Oak Ave' },
            caller: first.id, ...extra } }), 201);
    await intake({ language: 'es' });
    assert.equal((await pop()).language, 'es');
    await intake({});
    assert.equal((await pop()).language, 'es');
    assert.equal(sqlInt(ctx.srv, "SELECT count(*) FROM audit" +
        " WHERE kind = 'contact.updated' AND actor = 'user:ann'" +
        ` AND subject_id = '${first.id}'`), 1);
});

// An agent who pops a known caller can type what the record lacks: the
// name and email saved with the request land on the caller, a name given
// again replaces the old one, and what is left out stays as it was.
test('details sent with a known caller\'s id are saved on the caller',
    async () => {
        const r = await ctx.srv.post(`${API}/requests.json`, [
            ['service_code', 'POTHOLE'], ['address_string', '5 Pine Rd'],
            ['attribute[SIZE]', 'small'], ['phone', '718-555-0177']]);
        assert.equal(r.status, 201, r.text);
        const pop = async () => ok(await call(ctx.srv, 'GET',
            'callers?phone=7185550177', { token: tokens.ann }), 200);
        const known = await pop();
        assert.equal(known.first_name, null);
        const saved = await file({ id: known.id, first_name: 'Olga',
            last_name: 'Petrova', phone: '(718) 555-0177',
            email: 'Olga@Example.org' }, 'Named on the phone');
        assert.equal(saved.caller.id, known.id);
        assert.equal(saved.caller.first_name, 'Olga');
        let c = await pop();
        assert.deepEqual([c.id, c.first_name, c.last_name, c.phones, c.emails],
            [known.id, 'Olga', 'Petrova', ['+17185550177'],
                ['olga@example.org']]);
        await file({ id: known.id, first_name: 'Olha' }, 'Spelled again');
        c = await pop();
        assert.deepEqual([c.first_name, c.last_name, c.emails],
            ['Olha', 'Petrova', ['olga@example.org']]);
        // The id alone changes nothing, so it is not audited.
        await file(known.id, 'Id only');
        assert.equal(sqlInt(ctx.srv, "SELECT count(*) FROM audit" +
            " WHERE kind = 'contact.updated' AND actor = 'user:ann'" +
            ` AND subject_id = '${known.id}'`), 2);
        apiError(await call(ctx.srv, 'POST', 'requests', {
            token: tokens.ann,
            body: { service_code: 'POTHOLE', location: { address: 'x' },
                caller: { id: known.id, email: 'not an email' } },
        }), 400, 'invalid', 'caller.email');
        apiError(await call(ctx.srv, 'POST', 'requests', {
            token: tokens.ann,
            body: { service_code: 'POTHOLE', location: { address: 'x' },
                caller: { id: 999999, first_name: 'Nobody' } },
        }), 400, 'invalid', 'caller');
    });

testCleanStop(ctx);
