// SPDX-License-Identifier: MIT
//
// Filing requests: an abandoned vehicle with every answer, read back in
// JSON and XML; a batch service answered with a token; private contact
// details never shown in any public answer.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { API, testCleanStop, useServer } from './lib/server.mjs';
import {
    assertNoneContain, cityYear, expectCityDatetime, expectErrors, expectJson,
    expectXml, requiredAnswers,
} from './lib/check.mjs';
import { validate } from './lib/schema.mjs';

const ctx = useServer('030-post');

// Distinctive private values: none may appear in a public response.
const PRIVATE = {
    email: 'zq7-private-mail@example.org',
    phone: '+1-555-0142-7731',
    first_name: 'Privfirstname',
    last_name: 'Privlastname',
    device_id: 'device-private-8842',
};

const REQUEST_KEYS = ['service_request_id', 'status', 'status_notes',
    'service_name', 'service_code', 'description', 'agency_responsible',
    'service_notice', 'requested_datetime', 'updated_datetime',
    'expected_datetime', 'address', 'address_id', 'zipcode', 'lat', 'long',
    'media_url'];

const ID = /^\d{4}-\d{6,}$/;

const filed = {}; // what the tests below posted and were told

async function avDefinition() {
    return expectJson(await ctx.srv.get(
        `${API}/services/ABANDONED_VEHICLE.json`), 200);
}

test('POST an abandoned vehicle with every answer gives 201 and an id',
    async () => {
        const def = await avDefinition();
        const first = (code) =>
            def.attributes.find((a) => a.code === code).values[0].key;
        filed.condition = first('CONDITION');
        filed.bodyStyle = first('BODY_STYLE');
        filed.fields = [
            ['service_code', 'ABANDONED_VEHICLE'],
            ['lat', '40.712776'],
            ['long', '-74.005974'],
            ['address_string', '100 Main St, Democity'],
            ['address_id', 'ADDR-000100'],
            ['description', 'Blue sedan without plates, parked for 3 weeks'],
            ['media_url', 'https://example.org/photos/sedan.jpg'],
            ['attribute[HAZARD]', 'yes'],
            ['attribute[CONDITION]', filed.condition],
            ['attribute[MAKE]', 'Toyota'],
            ['attribute[MODEL]', 'Corolla'],
            ['attribute[COLOUR]', 'blue'],
            ['attribute[YEAR]', '2004'],
            ['attribute[BODY_STYLE]', filed.bodyStyle],
            ['attribute[MISSING_PARTS][]', 'wheels'],
            ['attribute[MISSING_PARTS][]', 'plates'],
            ['attribute[FIRST_SEEN]', '2026-01-10T08:30:00-05:00'],
            ['attribute[LOCATION_DETAIL]', 'behind the green dumpster'],
            ...Object.entries(PRIVATE),
        ];
        filed.before = Date.now();
        const r = await ctx.srv.post(`${API}/requests.json`, filed.fields);
        filed.after = Date.now();
        const body = expectJson(r, 201, 'POST');
        assert.equal(body.length, 1);
        assert.deepEqual(Object.keys(body[0]).sort(),
            ['account_id', 'service_notice', 'service_request_id']);
        assert.match(body[0].service_request_id, ID);
        const year = Number(body[0].service_request_id.slice(0, 4));
        assert.ok([cityYear(filed.before), new Date(filed.before)
            .getUTCFullYear()].includes(year), `year ${year}`);
        assert.equal(body[0].account_id, null);
        filed.id = body[0].service_request_id;
    });

test('requests/{id}.json gives back exactly what was filed', async () => {
    assert.ok(filed.id, 'the POST above failed');
    const list = expectJson(await ctx.srv.get(
        `${API}/requests/${filed.id}.json`), 200);
    assert.deepEqual(validate('requests.json', list), []);
    assert.equal(list.length, 1);
    const q = list[0];
    assert.deepEqual(Object.keys(q).sort(),
        [...REQUEST_KEYS, 'attributes'].sort());
    const services = expectJson(await ctx.srv.get(`${API}/services.json`), 200);
    const name = services.find((s) =>
        s.service_code === 'ABANDONED_VEHICLE').service_name;
    assert.equal(q.service_request_id, filed.id);
    assert.equal(q.status, 'open');
    assert.equal(q.service_code, 'ABANDONED_VEHICLE');
    assert.equal(q.service_name, name);
    assert.equal(q.description, 'Blue sedan without plates, parked for 3 weeks');
    assert.equal(q.lat, 40.712776);
    assert.equal(q.long, -74.005974);
    assert.equal(q.address, '100 Main St, Democity');
    assert.equal(q.address_id, 'ADDR-000100');
    assert.equal(q.zipcode, null);
    assert.equal(q.media_url, 'https://example.org/photos/sedan.jpg');
    assert.deepEqual(q.attributes, [
        { code: 'HAZARD', value: 'yes' },
        { code: 'CONDITION', value: filed.condition },
        { code: 'MAKE', value: 'Toyota' },
        { code: 'MODEL', value: 'Corolla' },
        { code: 'COLOUR', value: 'blue' },
        { code: 'YEAR', value: '2004' },
        { code: 'BODY_STYLE', value: filed.bodyStyle },
        { code: 'MISSING_PARTS', value: 'wheels' },
        { code: 'MISSING_PARTS', value: 'plates' },
        { code: 'FIRST_SEEN', value: '2026-01-10T08:30:00-05:00' },
        { code: 'LOCATION_DETAIL', value: 'behind the green dumpster' },
    ]);

    const t = expectCityDatetime(q.requested_datetime, 'requested_datetime');
    assert.ok(t >= Math.floor(filed.before / 1000) * 1000 &&
        t <= filed.after, `requested ${q.requested_datetime} not when posted`);
    if (q.updated_datetime !== null) {
        const u = expectCityDatetime(q.updated_datetime, 'updated_datetime');
        assert.ok(u >= t, 'updated before requested');
    }
    if (q.expected_datetime !== null) {
        const e = expectCityDatetime(q.expected_datetime, 'expected_datetime');
        assert.ok(e >= t, 'expected before requested');
    }
    filed.json = q;
});

test('requests/{id}.xml carries the same fields in the spec order', async () => {
    assert.ok(filed.json, 'the JSON read above failed');
    const root = expectXml(await ctx.srv.get(
        `${API}/requests/${filed.id}.xml`), 200);
    assert.equal(root.name, 'service_requests');
    assert.equal(root.children.length, 1);
    const el = root.child('request');
    assert.deepEqual(el.children.map((c) => c.name),
        [...REQUEST_KEYS, 'attributes']);
    for (const k of REQUEST_KEYS) {
        const v = filed.json[k];
        const text = el.child(k).text;
        if (typeof v === 'number')
            assert.equal(Number(text), v, k);
        else
            assert.equal(text, v ?? '', k);
    }
    const attrs = el.child('attributes').all('attribute').map((a) => {
        assert.deepEqual(a.children.map((c) => c.name), ['code', 'value']);
        return { code: a.child('code').text, value: a.child('value').text };
    });
    assert.deepEqual(attrs, filed.json.attributes);
});

test('POST requests.xml answers <service_requests><request>', async () => {
    const def = await avDefinition();
    const r = await ctx.srv.post(`${API}/requests.xml`, [
        ['service_code', 'ABANDONED_VEHICLE'],
        ['address_string', '5 Elm St'],
        ...requiredAnswers(def),
        ...Object.entries(PRIVATE),
    ]);
    const root = expectXml(r, 201, 'POST xml');
    assert.equal(root.name, 'service_requests');
    const req = root.child('request');
    assert.match(req.child('service_request_id').text, ID);
    assert.notEqual(req.child('service_request_id').text, filed.id);
    assert.ok(req.child('service_notice'), 'no <service_notice>');
    assert.ok(req.child('account_id'), 'no <account_id>');
});

test('ids never repeat across posts', async () => {
    const def = await avDefinition();
    const ids = new Set(filed.id ? [filed.id] : []);
    for (let i = 0; i < 5; i++) {
        const body = expectJson(await ctx.srv.post(`${API}/requests.json`, [
            ['service_code', 'ABANDONED_VEHICLE'],
            ['lat', '40.7'], ['long', '-74.0'],
            ...requiredAnswers(def),
        ]), 201);
        assert.match(body[0].service_request_id, ID);
        ids.add(body[0].service_request_id);
    }
    assert.equal(ids.size, filed.id ? 6 : 5);
});

test('a batch service (BULKY_ITEM) answers a token, resolved by tokens/',
    async () => {
        const def = expectJson(await ctx.srv.get(
            `${API}/services/BULKY_ITEM.json`), 200);
        const body = expectJson(await ctx.srv.post(`${API}/requests.json`, [
            ['service_code', 'BULKY_ITEM'],
            ['address_string', '12 Oak Ave'],
            ['description', 'old sofa and a mattress'],
            ...requiredAnswers(def),
            ...Object.entries(PRIVATE),
        ]), 201, 'POST BULKY_ITEM');
        assert.equal(body.length, 1);
        assert.deepEqual(Object.keys(body[0]), ['token']);
        const token = body[0].token;
        assert.equal(typeof token, 'string');
        assert.ok(token.length >= 8, `token "${token}" is short`);

        // The id may be given out after the answer; wait up to 5 s.
        let t;
        for (let i = 0; i < 50; i++) {
            t = expectJson(await ctx.srv.get(
                `${API}/tokens/${encodeURIComponent(token)}.json`), 200);
            if (t[0]?.service_request_id)
                break;
            await new Promise((r) => setTimeout(r, 100));
        }
        assert.equal(t.length, 1);
        assert.deepEqual(Object.keys(t[0]).sort(),
            ['service_request_id', 'token']);
        assert.equal(t[0].token, token);
        assert.match(t[0].service_request_id, ID);

        const xml = expectXml(await ctx.srv.get(
            `${API}/tokens/${encodeURIComponent(token)}.xml`), 200);
        assert.equal(xml.name, 'service_requests');
        const tr = xml.child('request');
        assert.equal(tr.child('service_request_id').text,
            t[0].service_request_id);
        assert.equal(tr.child('token').text, token);

        const q = expectJson(await ctx.srv.get(
            `${API}/requests/${t[0].service_request_id}.json`), 200)[0];
        assert.equal(q.service_code, 'BULKY_ITEM');
        assert.equal(q.description, 'old sofa and a mattress');
        assert.equal(q.address, '12 Oak Ave');
    });

test('an unknown token is a 404 error list', async () => {
    expectErrors(await ctx.srv.get(`${API}/tokens/no-such-token.json`), 404);
    expectErrors(await ctx.srv.get(`${API}/tokens/no-such-token.xml`), 404,
        'xml');
});

test('an unknown request id is a 404 error list', async () => {
    expectErrors(await ctx.srv.get(`${API}/requests/1999-999999.json`), 404);
    expectErrors(await ctx.srv.get(`${API}/requests/1999-999999.xml`), 404,
        'xml');
    expectErrors(await ctx.srv.get(`${API}/requests/nonsense.json`), 404);
});

test('private details appear in no public answer of this file', async () => {
    // Public reads after all the posts, in both formats.
    await ctx.srv.get(`${API}/requests.json`);
    await ctx.srv.get(`${API}/requests.xml`);
    if (filed.id) {
        await ctx.srv.get(`${API}/requests/${filed.id}.json`);
        await ctx.srv.get(`${API}/requests/${filed.id}.xml`);
    }
    assert.ok(ctx.srv.bodies.length > 10);
    assertNoneContain(ctx.srv.bodies, Object.values(PRIVATE));
});

testCleanStop(ctx);
