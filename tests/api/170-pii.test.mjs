// SPDX-License-Identifier: MIT
//
// Private data stays private: a caller's names, phones, emails and home
// address, Open311 contact fields, device and account ids, internal notes
// and escalation reasons are seeded through every door, then every public
// Open311 answer (each kind of GET, JSON and XML, every language) is
// scanned for them. None may appear. Public notes and the request's own
// location are public by design and do appear.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { API, testCleanStop, useServer } from './lib/server.mjs';
import { addUser, call, ok, signIn } from './lib/staff.mjs';

// Distinctive private values, and the forms they could leak in.
const SECRETS = ['Zebulon', 'Quixotefield', 'Xanthippe', 'Marplewood',
    '5550999', '555-0999', '555 0999', '5550888', '555-0888',
    'zeb.q@private-mail.example', 'ZEB.Q@', 'xan@private-mail.example',
    '99 Hidden Lane', 'INTERNAL-NOTE-7731', 'ESCALATION-SECRET-4410',
    'device-pii-5521', 'account-pii-6632', 'user:ann', 'pii-app'];

const PUBLIC = ['PUBLIC-NOTE-1180', '12 Visible Road'];

const tokens = {};
const ids = [];
const batchTokens = [];

const ctx = useServer('170-pii', async (srv) => {
    addUser(srv, 'ann', ['agent', 'admin']);
    tokens.ann = await signIn(srv, 'ann');
});

test('seed private data through the staff API and Open311', async () => {
    const srv = ctx.srv;
    const v = ok(await call(srv, 'POST', 'requests', {
        token: tokens.ann,
        body: { service_code: 'POTHOLE', attributes: { SIZE: 'large' },
            location: { address: '12 Visible Road', lat: 40.75, long: -73.98 },
            description: 'Hole near the bus stop',
            caller: { first_name: 'Zebulon', last_name: 'Quixotefield',
                phones: ['(212) 555-0999'], email: 'Zeb.Q@private-mail.example',
                address: '99 Hidden Lane', language: 'es' },
            channel: 'tty', interpreter_used: true },
    }), 201);
    ids.push(v.service_request_id);
    const id = v.service_request_id;
    ok(await call(srv, 'POST', `requests/${id}/notes`, { token: tokens.ann,
        body: { text: 'INTERNAL-NOTE-7731 caller is Zebulon' } }), 201);
    ok(await call(srv, 'POST', `requests/${id}/notes`, { token: tokens.ann,
        body: { text: 'PUBLIC-NOTE-1180', public: true } }), 201);
    ok(await call(srv, 'POST', `requests/${id}/escalate`, { token: tokens.ann,
        body: { reason: 'ESCALATION-SECRET-4410' } }), 200);
    const b = ok(await call(srv, 'POST', 'requests', {
        token: tokens.ann,
        body: { service_code: 'BULKY_ITEM', attributes: { ITEMS: ['other'] },
            location: { address: '12 Visible Road' },
            caller: { first_name: 'Xanthippe', last_name: 'Marplewood',
                phone: '212 555 0888', email: 'xan@private-mail.example' } },
    }), 201);
    ids.push(b.service_request_id);
    batchTokens.push(b.token);
    const k = ok(await call(srv, 'POST', 'keys',
        { token: tokens.ann, body: { name: 'pii-app' } }), 201);
    for (const code of ['POTHOLE', 'BULKY_ITEM']) {
        const r = await srv.post(`${API}/requests.json`, [
            ['api_key', k.key], ['service_code', code],
            ['lat', '40.7'], ['long', '-73.9'],
            ['attribute[SIZE]', 'small'], ['attribute[ITEMS][]', 'other'],
            ['first_name', 'Zebulon'], ['last_name', 'Quixotefield'],
            ['email', 'zeb.q@private-mail.example'],
            ['phone', '+1 212 555 0999'],
            ['device_id', 'device-pii-5521'],
            ['account_id', 'account-pii-6632'],
        ].filter(([n]) => code === 'POTHOLE' ? n !== 'attribute[ITEMS][]'
            : n !== 'attribute[SIZE]'));
        assert.equal(r.status, 201, r.text);
        if (r.json[0].token)
            batchTokens.push(r.json[0].token);
        else
            ids.push(r.json[0].service_request_id);
    }
    assert.equal(ids.length, 3);
    assert.equal(batchTokens.length, 2);
});

test('no public Open311 answer shows any of it', async () => {
    const srv = ctx.srv;
    const paths = [];
    for (const fmt of ['json', 'xml']) {
        for (const lang of ['', '?lang=es', '?lang=zh']) {
            paths.push(`${API}/discovery.${fmt}${lang}`,
                `${API}/services.${fmt}${lang}`,
                `${API}/services/POTHOLE.${fmt}${lang}`,
                `${API}/services/BULKY_ITEM.${fmt}${lang}`,
                `${API}/requests.${fmt}${lang}`);
            for (const id of ids)
                paths.push(`${API}/requests/${id}.${fmt}${lang}`);
            for (const t of batchTokens)
                paths.push(`${API}/tokens/${t}.${fmt}${lang}`);
        }
        paths.push(`${API}/requests.${fmt}?service_request_id=${ids.join(',')}`,
            `${API}/requests.${fmt}?status=open&service_code=POTHOLE,BULKY_ITEM`,
            `${API}/requests/2999-999999.${fmt}`);
    }
    const bodies = [];
    for (const p of paths) {
        const r = await srv.get(p);
        assert.ok(r.status === 200 || r.status === 404, `${p}: ${r.status}`);
        bodies.push([p, r.text]);
    }
    for (const [p, text] of bodies) {
        for (const s of SECRETS)
            assert.ok(!text.toLowerCase().includes(s.toLowerCase()),
                `${p} shows '${s}':\n${text.slice(0, 2000)}`);
    }
    // What is public by design is there, so the scan saw real answers.
    const all = bodies.map(([, t]) => t).join('\n');
    for (const s of PUBLIC)
        assert.ok(all.includes(s), `no public answer has '${s}'`);
    assert.equal(bodies.length, 66);
});

testCleanStop(ctx);
