// SPDX-License-Identifier: MIT
//
// Towed vehicles: staff of the towing department record a tow, send the
// owner's notice, hold the vehicle and release it once ownership and
// payment are checked, or dispose of it after the holding period. Anyone
// can look a plate up and learn where the vehicle is, since when and
// what to bring, and nothing about its owner.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';

import { API, repoRoot, testCleanStop, useServer } from './lib/server.mjs';

const CONFIG = `${repoRoot}/config/demo-city.yaml`;
const PASSWORD = 'correct horse battery';
const MUST_BRING = "A photo ID, the vehicle's registration or title in the " +
    "owner's name, and payment of the towing and storage fees (cash, card " +
    'or money order).';
const tokens = {};

async function addUser(srv, login, roles, departments = []) {
    const args = ['user', 'add', '--db', srv.db, '--config', CONFIG,
        '--login', login, '--name', login];
    for (const r of roles)
        args.push('--role', r);
    for (const d of departments)
        args.push('--department', d);
    execFileSync(srv.bin, args, { input: `${PASSWORD}\n`, cwd: repoRoot });
    const r = await srv.request('POST', '/api/v1/session', {
        body: JSON.stringify({ login, password: PASSWORD }),
        headers: { 'content-type': 'application/json' } });
    assert.equal(r.status, 201, r.text);
    tokens[login] = r.json.token;
}

const ctx = useServer('130-tows', async (srv) => {
    await addUser(srv, 'tow.crew', ['crew'], ['POLICE']);
    await addUser(srv, 'parks.crew', ['crew'], ['PARKS']);
});

function staff(login, method, path, body) {
    return ctx.srv.request(method, path, {
        body: body === undefined ? undefined : JSON.stringify(body),
        headers: { authorization: `Bearer ${tokens[login]}`,
            'content-type': 'application/json' } });
}

function slaDue(calendar, from, duration) {
    return execFileSync(ctx.srv.bin, ['sla', 'due', '--config', CONFIG,
        '--calendar', calendar, '--from', from, '--duration', duration],
    { cwd: repoRoot, encoding: 'utf8' }).trim();
}

const TOW = { plate: 'abc-1234', plate_state: 'NY', make: 'Ford',
    model: 'Focus', colour: 'blue', towed_from: '12 Elm Street',
    pound: 'POUND_NORTH', reason: 'abandoned', owner_name: 'Pat Owner',
    owner_address: '9 Private Lane' };

let tow;

test('a tow is recorded with its notice and holding deadlines', async () => {
    const filed = await ctx.srv.post(`${API}/requests.json`, {
        service_code: 'ABANDONED_VEHICLE', lat: '40.7128', long: '-74.0060',
        'attribute[HAZARD]': 'no', 'attribute[CONDITION]': 'burned',
        'attribute[MAKE]': 'Ford' });
    const id = filed.json[0].service_request_id;
    const r = await staff('tow.crew', 'POST', '/api/v1/tows',
        { ...TOW, service_request_id: id });
    assert.equal(r.status, 201, r.text);
    tow = r.json;
    assert.equal(tow.plate, 'ABC1234');
    assert.equal(typeof tow.request_id, 'number');
    assert.ok(tow.request_id > 0);
    // The tow itself makes no work order: the request's own work stands.
    assert.equal(tow.work_order_id, null);
    assert.equal(tow.status, 'towed');
    assert.equal(tow.owner_name, 'Pat Owner');
    assert.equal(tow.notice_due_datetime,
        slaDue('24x7', tow.towed_datetime, '2bd'));
    assert.equal(tow.notice_overdue, false);
    assert.equal(tow.disposal_possible_datetime,
        slaDue('24x7', tow.towed_datetime, '30d'));
    assert.equal(tow.pound.name, 'North Tow Pound');
});

test('only the towing department records tows', async () => {
    const r = await staff('parks.crew', 'POST', '/api/v1/tows', TOW);
    assert.equal(r.status, 403, r.text);
    const bad = await staff('tow.crew', 'POST', '/api/v1/tows',
        { ...TOW, pound: 'NOWHERE' });
    assert.equal(bad.status, 400, bad.text);
    assert.equal(bad.json.error.message, "unknown pound 'NOWHERE'");
});

test('anyone finds the vehicle by plate, never its owner', async () => {
    const r = await ctx.srv.get('/api/v1/public/towed?plate=abc%201234');
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json, [{
        plate: 'ABC1234', plate_state: 'NY', make: 'Ford', model: 'Focus',
        colour: 'blue', status: 'towed',
        towed_datetime: tow.towed_datetime, towed_from: '12 Elm Street',
        pound: { code: 'POUND_NORTH', name: 'North Tow Pound',
            address: '1200 Harbor Road, Demo City',
            hours: 'every day, 07:00 to 23:00', phone: '+1-555-0190' },
        must_bring: MUST_BRING,
        disposal_possible_datetime: tow.disposal_possible_datetime }]);
    assert.ok(!r.text.includes('Pat Owner') && !r.text.includes('Private'));
    const none = await ctx.srv.get('/api/v1/public/towed?plate=ZZZ999');
    assert.equal(none.status, 404);
    const bad = await ctx.srv.get('/api/v1/public/towed');
    assert.equal(bad.status, 400);
});

async function move(status, want = 200) {
    const r = await staff('tow.crew', 'POST', `/api/v1/tows/${tow.id}/status`,
        { status });
    assert.equal(r.status, want, r.text);
    return r.json;
}

test('the record moves towed, notice_sent, held, then released', async () => {
    let r = await move('released', 409);
    assert.equal(r.error.message,
        'release needs ownership and payment checked first');
    r = await move('held', 409);
    assert.equal(r.error.message,
        "a vehicle is held once its owner's notice is sent");
    assert.ok((await move('notice_sent')).notice_sent_datetime);
    assert.equal((await move('held')).status, 'held');
    r = await move('disposed', 409);
    assert.equal(r.error.message, 'the legal holding period is not over');
    r = await staff('tow.crew', 'POST', `/api/v1/tows/${tow.id}/checks`,
        { ownership: true, payment: true });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.ownership_checked, true);
    r = await move('released');
    assert.equal(r.status, 'released');
    assert.ok(r.released_datetime);
    const gone = await ctx.srv.get('/api/v1/public/towed?plate=ABC1234');
    assert.equal(gone.status, 404);
});

test('an unclaimed vehicle is disposed of after the holding period',
    async () => {
        const r = await staff('tow.crew', 'POST', '/api/v1/tows', { ...TOW,
            plate: 'OLD 1', reason: 'violation',
            towed_at: '2026-01-02T10:00:00-05:00' });
        assert.equal(r.status, 201, r.text);
        tow = r.json;
        assert.equal(tow.disposal_possible_datetime,
            '2026-02-01T10:00:00-05:00');
        // Towed in January and no notice sent since: it is late.
        assert.equal(tow.notice_overdue, true);
        await move('notice_sent');
        await move('held');
        assert.equal((await move('disposed')).status, 'disposed');
        await move('released', 409);
    });

test('a tow from no request names no request and no work order', async () => {
    const r = await staff('tow.crew', 'POST', '/api/v1/tows',
        { ...TOW, plate: 'NOREQ 1' });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.plate, 'NOREQ1');
    assert.equal(r.json.request_id, null);
    assert.equal(r.json.work_order_id, null);
    const got = await staff('tow.crew', 'GET', `/api/v1/tows/${r.json.id}`);
    assert.equal(got.status, 200, got.text);
    assert.equal(got.json.request_id, null);
    assert.equal(got.json.work_order_id, null);
});

testCleanStop(ctx);
