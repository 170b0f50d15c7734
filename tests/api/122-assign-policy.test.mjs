// SPDX-License-Identifier: MIT
//
// A work group's policy hands work only to members a supervisor could
// name as assignee: an enabled account with a field role in the group's
// department. Members without an account, disabled ones and those of
// another department are passed over, both when a filing starts a
// workflow (round_robin) and when an order moves to a group
// (least_open); with nobody left the order waits unassigned.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';

import { API, repoRoot, useServer } from './lib/server.mjs';

const CONFIG = `${repoRoot}/config/demo-city.yaml`;
const PASSWORD = 'correct horse battery';
let bossToken;

// Runs the CLI on the test server's database.
function cli(srv, args, input) {
    return execFileSync(srv.bin, [...args.slice(0, 2), '--db', srv.db,
        ...args.slice(2)], { input, cwd: repoRoot, encoding: 'utf8' });
}

// Adds a staff account with the CLI.
function addUser(srv, login, roles, departments = []) {
    const args = ['user', 'add', '--config', CONFIG, '--login', login,
        '--name', login];
    for (const r of roles)
        args.push('--role', r);
    for (const d of departments)
        args.push('--department', d);
    cli(srv, args, `${PASSWORD}\n`);
}

const ctx = useServer('122-assign-policy', async (srv) => {
    addUser(srv, 'boss', ['supervisor', 'admin']);
    // PD_PATROL is round_robin over [pd.officer1, pd.officer2];
    // pd.officer1 works in another department.
    addUser(srv, 'pd.officer1', ['crew'], ['SANITATION']);
    addUser(srv, 'pd.officer2', ['crew'], ['POLICE']);
    // PD_TOWING is least_open over [pd.tow1, pd.tow2]; pd.tow1 is
    // disabled and pd.tow2 has no account yet.
    addUser(srv, 'pd.tow1', ['crew'], ['POLICE']);
    cli(srv, ['user', 'disable', '--login', 'pd.tow1']);
    const r = await srv.request('POST', '/api/v1/session', {
        body: JSON.stringify({ login: 'boss', password: PASSWORD }),
        headers: { 'content-type': 'application/json' } });
    assert.equal(r.status, 201, r.text);
    bossToken = r.json.token;
});

function staff(method, path, body) {
    return ctx.srv.request(method, path, {
        body: body === undefined ? undefined : JSON.stringify(body),
        headers: { authorization: `Bearer ${bossToken}`,
            'content-type': 'application/json' } });
}

// Files an abandoned vehicle and returns its one work order.
async function fileVehicle() {
    const r = await ctx.srv.post(`${API}/requests.json`, {
        service_code: 'ABANDONED_VEHICLE', lat: '40.7128', long: '-74.0060',
        'attribute[HAZARD]': 'no', 'attribute[CONDITION]': 'damaged',
        'attribute[MAKE]': 'Ford' });
    assert.equal(r.status, 201, r.text);
    const w = await staff('GET',
        `/api/v1/requests/${r.json[0].service_request_id}/workorders`);
    assert.equal(w.status, 200, w.text);
    assert.equal(w.json.length, 1);
    return w.json[0];
}

// The fields of a work order that say where it is and who has it.
function placed(wo) {
    return { department: wo.department, work_group: wo.work_group,
        assignee: wo.assignee, status: wo.status };
}

let first, second;

test('round_robin passes over a member of another department', async () => {
    // Turn 0 falls on pd.officer1, turn 1 on pd.officer2: both go to
    // pd.officer2, the one member who may work for POLICE.
    first = await fileVehicle();
    second = await fileVehicle();
    const want = { department: 'POLICE', work_group: 'PD_PATROL',
        assignee: 'pd.officer2', status: 'open' };
    assert.deepEqual(placed(first), want);
    assert.deepEqual(placed(second), want);
});

test('a group with no member who qualifies leaves the order unassigned',
    async () => {
        const r = await staff('POST', `/api/v1/workorders/${first.id}/reassign`,
            { work_group: 'PD_TOWING' });
        assert.equal(r.status, 200, r.text);
        assert.deepEqual(placed(r.json), { department: 'POLICE',
            work_group: 'PD_TOWING', assignee: null, status: 'open' });
        const g = await staff('GET', `/api/v1/workorders/${first.id}`);
        assert.equal(g.status, 200, g.text);
        assert.equal(g.json.assignee, null);
    });

test('the disabled member cannot be named either', async () => {
    const r = await staff('POST', `/api/v1/workorders/${first.id}/reassign`,
        { assignee: 'pd.tow1' });
    assert.equal(r.status, 400);
    assert.deepEqual(r.json, { error: { code: 'invalid', field: 'assignee',
        message: "assignee 'pd.tow1' is not an active staff login" } });
});

test('least_open picks the one member who qualifies', async () => {
    addUser(ctx.srv, 'pd.tow2', ['crew'], ['POLICE']);
    const r = await staff('POST', `/api/v1/workorders/${second.id}/reassign`,
        { work_group: 'PD_TOWING' });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(placed(r.json), { department: 'POLICE',
        work_group: 'PD_TOWING', assignee: 'pd.tow2', status: 'open' });
});
