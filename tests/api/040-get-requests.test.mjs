// SPDX-License-Identifier: MIT
//
// GET requests: the shape of the list against the spec's examples and
// every filter (ids, codes, status, date ranges, update ranges, pages).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { API, testCleanStop, useServer } from './lib/server.mjs';
import {
    expectCityDatetime, expectErrors, expectJson, expectXml, isoUtc,
    isoWithOffset, parseXml, requiredAnswers,
} from './lib/check.mjs';
import { open311Dir, validate } from './lib/schema.mjs';

const ctx = useServer('040-get-requests', setup);
const DAY = 86400000;

const posted = []; // { id, code } in the order filed
let other;         // a second realtime service code

async function file(code) {
    const def = expectJson(await ctx.srv.get(`${API}/services/${code}.json`),
        200);
    const body = expectJson(await ctx.srv.post(`${API}/requests.json`, [
        ['service_code', code],
        ['lat', '40.71'], ['long', '-74.01'],
        ['description', `filed for the filter tests (${code})`],
        ...requiredAnswers(def),
    ]), 201, `POST ${code}`);
    posted.push({ id: body[0].service_request_id, code });
    return body[0].service_request_id;
}

async function list(query, fmt = 'json') {
    return ctx.srv.get(`${API}/requests.${fmt}${query ? `?${query}` : ''}`);
}

async function ids(query) {
    const l = expectJson(await list(query), 200, query);
    assert.ok(Array.isArray(l), `${query}: not a list`);
    return l.map((q) => q.service_request_id);
}

async function one(id) {
    return expectJson(await ctx.srv.get(`${API}/requests/${id}.json`), 200)[0];
}

async function setup() {
    const services = expectJson(await ctx.srv.get(`${API}/services.json`), 200);
    other = services.find((s) => s.type === 'realtime' &&
        s.service_code !== 'ABANDONED_VEHICLE')?.service_code;
    await file('ABANDONED_VEHICLE');
    await file('ABANDONED_VEHICLE');
    if (other)
        await file(other);
    await file('ABANDONED_VEHICLE');
}

test('requests.json validates and lists what was filed, newest first',
    async () => {
        const l = expectJson(await list(''), 200);
        assert.deepEqual(validate('requests.json', l), []);
        const got = l.map((q) => q.service_request_id);
        for (const p of posted)
            assert.ok(got.includes(p.id), `${p.id} missing`);
        const times = l.map((q) => expectCityDatetime(q.requested_datetime));
        for (let i = 1; i < times.length; i++)
            assert.ok(times[i - 1] >= times[i], 'not newest first');
        for (const q of l)
            assert.ok(!('attributes' in q) || Array.isArray(q.attributes));
    });

test('requests.xml has the element names and order of the spec example',
    async () => {
        const spec = parseXml(fs.readFileSync(path.join(open311Dir(),
            'spec-example_node-open311_service-requests.xml'), 'utf8'));
        const specNames = spec.child('request').children.map((c) => c.name);
        const root = expectXml(await list('', 'xml'), 200);
        assert.equal(root.name, spec.name);
        const reqs = root.all('request');
        assert.equal(reqs.length, root.children.length);
        assert.ok(reqs.length >= posted.length);
        for (const r of reqs) {
            assert.deepEqual(r.children.map((c) => c.name)
                .filter((n) => n !== 'attributes'), specNames);
        }
        const single = parseXml(fs.readFileSync(path.join(open311Dir(),
            'spec-example_node-open311_service-request.xml'), 'utf8'));
        const mine = expectXml(await ctx.srv.get(
            `${API}/requests/${posted[0].id}.xml`), 200);
        assert.equal(mine.name, single.name);
        assert.deepEqual(mine.child('request').children.map((c) => c.name)
            .filter((n) => n !== 'attributes'),
        single.child('request').children.map((c) => c.name));
    });

test('service_request_id lists ids and overrides every other filter',
    async () => {
        const [a, b] = posted;
        assert.deepEqual((await ids(`service_request_id=${a.id}`)), [a.id]);
        const both = await ids(`service_request_id=${a.id},${b.id}` +
            '&status=closed&service_code=BULKY_ITEM' +
            '&start_date=2001-01-01T00:00:00Z&end_date=2001-01-02T00:00:00Z');
        assert.deepEqual([...both].sort(), [a.id, b.id].sort());
        assert.deepEqual(await ids('service_request_id=1999-999999'), []);
    });

test('service_code filters by one code or a comma list', async () => {
    const av = posted.filter((p) => p.code === 'ABANDONED_VEHICLE')
        .map((p) => p.id);
    const got = await ids('service_code=ABANDONED_VEHICLE');
    assert.deepEqual([...got].sort(), [...av].sort());
    if (other) {
        const all = await ids(`service_code=ABANDONED_VEHICLE,${other}`);
        assert.deepEqual([...all].sort(), posted.map((p) => p.id).sort());
        const o = await ids(`service_code=${other}`);
        assert.deepEqual(o, posted.filter((p) => p.code === other)
            .map((p) => p.id));
    }
    assert.deepEqual(await ids('service_code=BULKY_ITEM'), []);
    // codes outside today's catalogue (imported history) simply match nothing
    assert.deepEqual(await ids('service_code=RETIRED_CODE_1998'), []);
});

test('status filters by open, closed or both; another value is a 400',
    async () => {
        const all = posted.map((p) => p.id).sort();
        assert.deepEqual((await ids('status=open')).sort(), all);
        assert.deepEqual(await ids('status=closed'), []);
        assert.deepEqual((await ids('status=open,closed')).sort(), all);
        expectErrors(await list('status=pending'), 400);
    });

test('start_date and end_date are inclusive, in any offset', async () => {
    const target = posted[posted.length - 1].id;
    const q = await one(target);
    const t = expectCityDatetime(q.requested_datetime);
    const enc = encodeURIComponent;
    const has = async (query) => (await ids(query)).includes(target);

    const T = q.requested_datetime;
    assert.ok(await has(`start_date=${enc(T)}&end_date=${enc(T)}`), 'exact');
    assert.ok(await has(`start_date=${enc(isoUtc(t))}&end_date=${enc(isoUtc(t))}`),
        'Z');
    const plus = isoWithOffset(t, 330);
    assert.ok(await has(`start_date=${enc(plus)}&end_date=${enc(plus)}`),
        `+05:30 ${plus}`);
    // A '+' left unencoded arrives as a space; it is read as the offset.
    assert.ok(await has(`start_date=${plus}&end_date=${plus}`),
        `unencoded +05:30 ${plus}`);
    const frac = isoUtc(t).replace('Z', '.000Z');
    assert.ok(await has(`start_date=${enc(frac)}&end_date=${enc(frac)}`),
        `fractional ${frac}`);
    const fracOff = T.replace(/([+-]\d\d:\d\d)$/, '.5$1');
    assert.ok(await has(`start_date=${enc(T)}&end_date=${enc(fracOff)}`),
        `fractional with offset ${fracOff}`);

    const later = isoUtc(t + 1000);
    const earlier = isoUtc(t - 1000);
    assert.ok(!await has(`start_date=${enc(later)}`), 'start one second after');
    assert.ok(!await has(`start_date=${enc(earlier)}&end_date=${enc(earlier)}`),
        'end one second before');
    assert.ok(await has(`start_date=${enc(earlier)}&end_date=${enc(later)}`));
});

test('without dates the window is 90 days; one date opens 90 days from it',
    async () => {
        const target = posted[0].id;
        const t = expectCityDatetime((await one(target)).requested_datetime);
        const has = async (query) => (await ids(query)).includes(target);
        const enc = (ms) => encodeURIComponent(isoUtc(ms));
        assert.ok(await has(''));
        // only start_date, 100 days back: the window ends 10 days ago
        assert.ok(!await has(`start_date=${enc(t - 100 * DAY)}`));
        assert.ok(await has(`start_date=${enc(t - 80 * DAY)}`));
        // only end_date: the 90 days before it
        assert.ok(await has(`end_date=${enc(t + DAY)}`));
        assert.ok(!await has(`end_date=${enc(t - DAY)}`));
        assert.ok(!await has(`end_date=${enc(t + 100 * DAY)}`));
    });

test('invalid dates and a start after the end are 400s', async () => {
    for (const bad of ['2026-02-30T00:00:00Z', '2026-01-01T00:00:00',
        'garbage', '2026-01-01', '2026-01-01T25:00:00Z', '1'])
        for (const p of ['start_date', 'end_date', 'updated_after',
            'updated_before'])
            expectErrors(await list(`${p}=${encodeURIComponent(bad)}`), 400,
                'json', `${p}=${bad}`);
    expectErrors(await list('start_date=garbage', 'xml'), 400, 'xml');
    expectErrors(await list('start_date=2026-03-02T00:00:00Z' +
        '&end_date=2026-03-01T00:00:00Z'), 400);
    expectErrors(await list('updated_after=2026-03-02T00:00:00Z' +
        '&updated_before=2026-03-01T00:00:00Z'), 400);
});

test('a bound at the epoch itself is still a bound', async () => {
    const epoch = encodeURIComponent('1970-01-01T00:00:00Z');
    assert.deepEqual(await ids(`end_date=${epoch}`), []);
    assert.deepEqual(await ids(`start_date=${encodeURIComponent(
        '1969-12-01T00:00:00Z')}&end_date=${epoch}`), []);
    assert.deepEqual(await ids(`updated_before=${epoch}`), []);
    assert.ok((await ids(`updated_after=${epoch}`)).length > 0);
});

test('an empty parameter counts as absent', async () => {
    const plain = await ids('');
    assert.deepEqual(await ids('status=&service_code=&start_date=&end_date=' +
        '&updated_after=&updated_before=&page=&page_size=' +
        '&service_request_id='), plain);
});

test('page and page_size cut the newest-first list', async () => {
    const all = await ids('');
    assert.ok(all.length >= 3);
    assert.deepEqual(await ids('page_size=1'), [all[0]]);
    assert.deepEqual(await ids('page_size=1&page=1'), [all[0]]);
    assert.deepEqual(await ids('page_size=1&page=2'), [all[1]]);
    assert.deepEqual(await ids('page_size=2&page=2'), all.slice(2, 4));
    assert.deepEqual(await ids('page_size=1000'), all);
    assert.deepEqual(await ids(`page_size=1&page=${all.length + 1}`), []);
    for (const bad of ['page_size=0', 'page_size=1001', 'page_size=-1',
        'page_size=abc', 'page=0', 'page=-2', 'page=x'])
        expectErrors(await list(bad), 400, 'json', bad);
});

test('updated_after and updated_before are inclusive', async (t) => {
    const target = posted[0].id;
    const q = await one(target);
    if (q.updated_datetime === null) {
        t.skip('a new request has no updated_datetime');
        return;
    }
    const u = expectCityDatetime(q.updated_datetime);
    const has = async (query) => (await ids(query)).includes(target);
    const enc = (ms) => encodeURIComponent(isoUtc(ms));
    assert.ok(await has(`updated_after=${enc(u)}&updated_before=${enc(u)}`));
    assert.ok(!await has(`updated_after=${enc(u + 1000)}`));
    assert.ok(!await has(`updated_before=${enc(u - 1000)}`));
    assert.ok(await has(`updated_after=${enc(u - 1000)}`));
});

testCleanStop(ctx);
