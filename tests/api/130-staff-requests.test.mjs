// SPDX-License-Identifier: MIT
//
// Agent intake and casework: POST /api/v1/requests with the Open311 rules
// (every problem named by its field), the full view, the filtered list,
// notes (a public one is the Open311 status_notes), escalation to the
// expert queue and an expert taking a case, and the history of a request.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { API, testCleanStop, useServer } from './lib/server.mjs';
import { expectJson } from './lib/check.mjs';
import { addUser, apiError, call, ok, signIn, sqlInt } from './lib/staff.mjs';

const tokens = {};
const ctx = useServer('130-staff-requests', async (srv) => {
    addUser(srv, 'ann', ['agent'], [], undefined, 'Ann Agent');
    addUser(srv, 'eve', ['expert'], [], undefined, 'Eve Expert');
    addUser(srv, 'cal', ['crew'], ['TRANSPORTATION']);
    addUser(srv, 'sue', ['supervisor'], ['POLICE']);
    for (const l of ['ann', 'eve', 'cal', 'sue'])
        tokens[l] = await signIn(srv, l);
});

const AV = {
    service_code: 'ABANDONED_VEHICLE',
    attributes: {
        HAZARD: 'yes', CONDITION: 'burned', MAKE: 'Lada', YEAR: 1987,
        MISSING_PARTS: ['wheels', 'plates'],
    },
    location: { lat: 40.7, long: -73.95, address: '12 Quay Street',
        address_id: 'ADDR-12', zipcode: '11201' },
    description: 'Burned Lada on the quay',
    caller: {
        first_name: 'Olga', last_name: 'Petrova', phone: '(718) 555-0134',
        emails: ['Olga.Petrova@Example.ORG'], address: '3 Dock Road',
    },
    channel: 'walk_in',
    language: 'ru',
    interpreter_used: true,
};

const VIEW_KEYS = ['agency_responsible', 'api_key_name', 'attributes',
    'caller', 'channel', 'closed_datetime', 'department', 'description',
    'escalation', 'expected_datetime', 'history', 'interpreter_used',
    'language', 'location', 'media_url', 'notes', 'requested_datetime',
    'service_code', 'service_name', 'service_request_id', 'sla_state',
    'status',
    'status_notes', 'token', 'updated_datetime', 'work_orders'];

const filed = {};

test('an agent files a request and gets its full view (201)', async () => {
    const v = ok(await call(ctx.srv, 'POST', 'requests',
        { token: tokens.ann, body: AV }), 201);
    assert.deepEqual(Object.keys(v).sort(), VIEW_KEYS);
    assert.match(v.service_request_id, /^\d{4}-\d{6}$/);
    assert.equal(v.status, 'open');
    assert.equal(v.status_notes, null);
    assert.equal(v.service_name, 'Abandoned Vehicle');
    assert.equal(v.department, 'POLICE');
    assert.equal(v.agency_responsible, 'Police Department');
    assert.equal(v.description, 'Burned Lada on the quay');
    assert.deepEqual(v.location, { lat: 40.7, long: -73.95,
        address: '12 Quay Street', address_id: 'ADDR-12', zipcode: '11201' });
    assert.equal(v.channel, 'walk_in');
    assert.equal(v.language, 'ru');
    assert.equal(v.interpreter_used, true);
    assert.deepEqual(v.attributes, { HAZARD: 'yes', CONDITION: 'burned',
        MAKE: 'Lada', YEAR: '1987', MISSING_PARTS: ['wheels', 'plates'] });
    assert.equal(v.caller.first_name, 'Olga');
    assert.equal(v.caller.last_name, 'Petrova');
    assert.deepEqual(v.caller.phones, ['+17185550134']);
    assert.deepEqual(v.caller.emails, ['olga.petrova@example.org']);
    assert.equal(v.caller.address, '3 Dock Road');
    assert.equal(v.caller.language, 'ru');
    assert.equal(v.escalation, null);
    assert.deepEqual(v.notes, []);
    assert.deepEqual(v.history.map((e) => [e.kind, e.actor, e.public]), [
        ['created', 'walk_in', true], ['intake', 'user:ann', false]]);
    assert.deepEqual(v.history[1].after, { channel: 'walk_in', language: 'ru',
        interpreter_used: true, caller_id: v.caller.id });
    // The work started with it: the police inspection, due when the
    // request is expected, and the same as the work order routes show.
    assert.equal(v.work_orders.length, 1);
    assert.equal(v.work_orders[0].department, 'POLICE');
    assert.equal(v.work_orders[0].status, 'open');
    assert.equal(v.work_orders[0].service_request_id, v.service_request_id);
    assert.equal(v.work_orders[0].due_datetime, v.expected_datetime);
    // The request's own service level state is its worst open work's.
    assert.equal(v.sla_state, 'on_track');
    assert.deepEqual(ok(await call(ctx.srv, 'GET',
        `requests/${v.service_request_id}/workorders`,
        { token: tokens.ann }), 200), v.work_orders);
    filed.av = v;
});

test('the request is the same one Open311 shows, without the caller',
    async () => {
        const list = expectJson(await ctx.srv.get(
            `${API}/requests/${filed.av.service_request_id}.json`), 200);
        assert.equal(list.length, 1);
        assert.equal(list[0].description, 'Burned Lada on the quay');
        assert.equal(list[0].address, '12 Quay Street');
        assert.doesNotMatch(JSON.stringify(list), /Olga|Petrova|0134|Dock/);
    });

test('a batch service gets its token, and a known caller is reused',
    async () => {
        const v = ok(await call(ctx.srv, 'POST', 'requests', {
            token: tokens.ann,
            body: { service_code: 'BULKY_ITEM',
                attributes: { ITEMS: ['mattress', 'furniture'] },
                location: { address: '3 Dock Road' },
                caller: { phone: '+1 718 555 0134', first_name: 'O.' },
                channel: 'phone' },
        }), 201);
        assert.match(v.token, /^[0-9a-f]{32}$/);
        assert.equal(v.caller.id, filed.av.caller.id);
        assert.equal(v.caller.first_name, 'Olga');
        assert.equal(v.language, 'en');
        assert.equal(v.interpreter_used, false);
        assert.deepEqual(v.attributes, { ITEMS: ['mattress', 'furniture'] });
        filed.bulky = v;
    });

test('intake reports every problem with its field, the first as error',
    async () => {
        const r = await call(ctx.srv, 'POST', 'requests', {
            token: tokens.ann,
            body: {
                service_code: 'ABANDONED_VEHICLE',
                attributes: { CONDITION: 'melted', YEAR: 'old', EXTRA: 'x',
                    HAZARD: ['yes', 'no'] },
                location: { lat: 91, long: -73.9 },
                caller: { phone: '555-0134', email: 'not-an-email' },
                channel: 'pigeon',
                language: 'not a tag',
                color: 'red',
            },
        });
        const e = apiError(r, 400, 'unknown', 'color');
        assert.deepEqual(e.errors.map((x) => x.field), [
            'color', 'location.lat', 'attributes.HAZARD',
            'attributes.CONDITION', 'attributes.MAKE', 'attributes.YEAR',
            'attributes.EXTRA', 'caller.phone', 'caller.email', 'channel',
            'language']);
        assert.deepEqual(e.errors.slice(2, 7).map((x) => x.message), [
            'attribute HAZARD takes one value',
            "attribute CONDITION: 'melted' is not one of intact, damaged, " +
                'burned, stripped',
            'attribute MAKE is required',
            'attribute YEAR must be a number',
            'attribute EXTRA is not a question of service ABANDONED_VEHICLE',
        ]);
        // A missing answer is "required", a wrong one "invalid" (API.md).
        assert.deepEqual(e.errors.slice(2, 7).map((x) => x.code), [
            'invalid', 'invalid', 'required', 'invalid', 'invalid']);
    });

test('an unknown service, a missing location and an unknown caller id',
    async () => {
        let e = apiError(await call(ctx.srv, 'POST', 'requests', {
            token: tokens.ann, body: { service_code: 'NOPE' },
        }), 400, 'invalid', 'service_code');
        assert.deepEqual(e.errors.map((x) => x.field),
            ['service_code', 'location']);
        e = apiError(await call(ctx.srv, 'POST', 'requests', {
            token: tokens.ann,
            body: { service_code: 'POTHOLE', location: { address: 'x' },
                caller: 999999 },
        }), 400, 'invalid', 'caller');
        assert.equal(e.error.message, 'caller 999999 does not exist');
    });

test('an existing caller id files for that caller', async () => {
    const v = ok(await call(ctx.srv, 'POST', 'requests', {
        token: tokens.ann,
        body: { service_code: 'POTHOLE', location: { lat: 40.69, long: -73.99 },
            attributes: { SIZE: 'small' }, description: 'Small hole on Quay',
            caller: filed.av.caller.id, channel: 'sms' },
    }), 201);
    assert.equal(v.caller.id, filed.av.caller.id);
    assert.equal(v.department, 'TRANSPORTATION');
    filed.pothole = v;
});

test('GET requests/{id} gives the full view; unknown ids are 404',
    async () => {
        const id = filed.av.service_request_id;
        const v = ok(await call(ctx.srv, 'GET', `requests/${id}`,
            { token: tokens.ann }), 200);
        assert.deepEqual(v, filed.av);
        apiError(await call(ctx.srv, 'GET', 'requests/1999-000001',
            { token: tokens.ann }), 404, 'not_found');
    });

test('crew see only their departments: 403 for another department',
    async () => {
        ok(await call(ctx.srv, 'GET',
            `requests/${filed.pothole.service_request_id}`,
            { token: tokens.cal }), 200);
        const e = apiError(await call(ctx.srv, 'GET',
            `requests/${filed.av.service_request_id}`, { token: tokens.cal }),
        403, 'forbidden');
        assert.equal(e.error.message,
            `request ${filed.av.service_request_id} is outside your ` +
            'departments');
        const list = ok(await call(ctx.srv, 'GET', 'requests',
            { token: tokens.cal }), 200);
        assert.deepEqual(list.requests.map((r) => r.service_request_id),
            [filed.pothole.service_request_id]);
        assert.equal(list.total, 1);
    });

test('the list filters by status, service, department, channel, dates, ' +
    'text and pages', async () => {
    const ids = (l) => l.requests.map((r) => r.service_request_id);
    const get = async (q) => ok(await call(ctx.srv, 'GET', `requests?${q}`,
        { token: tokens.ann }), 200);
    const all = [filed.pothole, filed.bulky, filed.av]
        .map((v) => v.service_request_id);
    let l = await get('');
    assert.deepEqual(ids(l), all);
    assert.deepEqual([l.page, l.page_size, l.total], [1, 50, 3]);
    assert.deepEqual(Object.keys(l.requests[0]).sort(), ['address',
        'caller_id', 'channel', 'department', 'description',
        'escalated_datetime', 'escalation_reason', 'requested_datetime',
        'service_code', 'service_name', 'service_request_id', 'status',
        'updated_datetime']);
    assert.deepEqual(ids(await get('service=POTHOLE,BULKY_ITEM')),
        all.slice(0, 2));
    assert.deepEqual(ids(await get('department=POLICE')), [all[2]]);
    assert.deepEqual(ids(await get('department=POLICE&service=POTHOLE')),
        []);
    assert.deepEqual(ids(await get('channel=sms,walk_in')),
        [all[0], all[2]]);
    assert.deepEqual(ids(await get('q=QUAY')), [all[0], all[2]]);
    assert.deepEqual(ids(await get('q=100%25')), []);
    assert.deepEqual(ids(await get('status=closed')), []);
    assert.deepEqual(ids(await get('status=open&from=2000-01-01T00:00:00Z' +
        '&to=2999-01-01T00:00:00Z')), all);
    assert.deepEqual(ids(await get('to=2000-01-01T00:00:00Z')), []);
    // A local date is its midnight in the city's zone, as in reports.
    assert.deepEqual(ids(await get('from=2000-01-01&to=2999-01-01')), all);
    assert.deepEqual(ids(await get('to=2000-01-01')), []);
    l = await get('page=2&page_size=2');
    assert.deepEqual(ids(l), [all[2]]);
    assert.deepEqual([l.page, l.page_size, l.total], [2, 2, 3]);
    const bad = apiError(await call(ctx.srv, 'GET',
        'requests?status=pending&department=WATER&from=yesterday&page_size=0',
        { token: tokens.ann }), 400, 'invalid', 'department');
    assert.deepEqual(bad.errors.map((x) => x.field),
        ['department', 'status', 'from', 'page_size']);
});

test('notes: internal ones stay inside, the latest public one is the ' +
    'Open311 status_notes', async () => {
    const id = filed.pothole.service_request_id;
    const n1 = ok(await call(ctx.srv, 'POST', `requests/${id}/notes`, {
        token: tokens.ann, body: { text: 'Caller sounded upset' },
    }), 201);
    assert.equal(n1.author, 'user:ann');
    assert.equal(n1.text, 'Caller sounded upset');
    assert.equal(n1.public, false);
    let pub = expectJson(await ctx.srv.get(`${API}/requests/${id}.json`), 200);
    assert.equal(pub[0].status_notes, null);
    ok(await call(ctx.srv, 'POST', `requests/${id}/notes`, {
        token: tokens.cal, body: { text: 'Crew scheduled', public: true },
    }), 201);
    ok(await call(ctx.srv, 'POST', `requests/${id}/notes`, {
        token: tokens.ann, body: { text: 'Filled on Tuesday', public: true },
    }), 201);
    pub = expectJson(await ctx.srv.get(`${API}/requests/${id}.json`), 200);
    assert.equal(pub[0].status_notes, 'Filled on Tuesday');
    assert.doesNotMatch(JSON.stringify(pub), /upset/);
    const v = ok(await call(ctx.srv, 'GET', `requests/${id}`,
        { token: tokens.ann }), 200);
    assert.deepEqual(v.notes.map((n) => [n.author, n.text, n.public]), [
        ['user:ann', 'Caller sounded upset', false],
        ['user:cal', 'Crew scheduled', true],
        ['user:ann', 'Filled on Tuesday', true]]);
    assert.equal(v.status_notes, 'Filled on Tuesday');
    // Crew may not write notes outside their departments.
    apiError(await call(ctx.srv, 'POST',
        `requests/${filed.av.service_request_id}/notes`,
        { token: tokens.cal, body: { text: 'x' } }), 403, 'forbidden');
});

test('escalation: the queue, one expert takes it, a second take is a 409',
    async () => {
        const id = filed.av.service_request_id;
        let q = ok(await call(ctx.srv, 'GET', 'queues/expert',
            { token: tokens.eve }), 200);
        assert.deepEqual(q.requests, []);
        let v = ok(await call(ctx.srv, 'POST', `requests/${id}/escalate`, {
            token: tokens.ann, body: { reason: 'Owner disputes the tow' },
        }), 200);
        assert.equal(v.escalation.reason, 'Owner disputes the tow');
        assert.equal(v.escalation.waiting, true);
        assert.equal(v.escalation.expert, null);
        apiError(await call(ctx.srv, 'POST', `requests/${id}/escalate`, {
            token: tokens.ann, body: { reason: 'again' },
        }), 409, 'conflict');
        q = ok(await call(ctx.srv, 'GET', 'queues/expert',
            { token: tokens.eve }), 200);
        assert.deepEqual(q.requests.map((r) => [r.service_request_id,
            r.escalation_reason]), [[id, 'Owner disputes the tow']]);
        // The supervisor of POLICE sees it; agents may not take it.
        q = ok(await call(ctx.srv, 'GET', 'queues/expert',
            { token: tokens.sue }), 200);
        assert.equal(q.total, 1);
        apiError(await call(ctx.srv, 'POST', `requests/${id}/take`,
            { token: tokens.ann }), 403, 'forbidden');
        v = ok(await call(ctx.srv, 'POST', `requests/${id}/take`,
            { token: tokens.eve }), 200);
        assert.equal(v.escalation.waiting, false);
        assert.equal(v.escalation.expert, 'eve');
        apiError(await call(ctx.srv, 'POST', `requests/${id}/take`,
            { token: tokens.eve }), 409, 'conflict');
        q = ok(await call(ctx.srv, 'GET', 'queues/expert',
            { token: tokens.eve }), 200);
        assert.equal(q.total, 0);
        apiError(await call(ctx.srv, 'POST',
            `requests/${filed.pothole.service_request_id}/take`,
            { token: tokens.eve }), 409, 'conflict');
    });

test('the history lists every change with who made it', async () => {
    const id = filed.av.service_request_id;
    const h = ok(await call(ctx.srv, 'GET', `requests/${id}/history`,
        { token: tokens.ann }), 200);
    assert.equal(h.service_request_id, id);
    assert.deepEqual(h.history.map((e) => [e.kind, e.actor]), [
        ['created', 'walk_in'], ['intake', 'user:ann'],
        ['escalated', 'user:ann'], ['taken', 'user:eve']]);
    assert.deepEqual(h.history[2].before, { escalated: false });
    assert.deepEqual(h.history[2].after, { escalated: true });
    assert.equal(h.history[2].note, 'Owner disputes the tow');
    assert.deepEqual(h.history[3].after, { expert: 'eve' });
    assert.equal(sqlInt(ctx.srv, 'SELECT count(*) FROM event e JOIN request r' +
        ` ON r.id = e.request_id WHERE r.public_id = '${id}'`), 4);
    apiError(await call(ctx.srv, 'GET', 'requests/1999-000001/history',
        { token: tokens.ann }), 404, 'not_found');
});

testCleanStop(ctx);
