// SPDX-License-Identifier: MIT
//
// The work engine end to end: an abandoned vehicle filed through Open311
// becomes an inspection work order in the right work group, due exactly
// when `civic311 sla due` says; completing it with `tow` starts the tow,
// and the chain runs to the release, which closes the request with its
// public note in Open311. Crew see only their department's work. A sweep
// past the due time marks the order breached and escalates it once,
// however often it runs, also with three sweepers at the same time.
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { test } from 'node:test';

import { API, repoRoot, testCleanStop, useServer } from './lib/server.mjs';

const CONFIG = `${repoRoot}/config/demo-city.yaml`;
const PASSWORD = 'correct horse battery';
const tokens = {};

// Adds a staff account with the CLI and signs it in.
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

const ctx = useServer('120-workflow', async (srv) => {
    await addUser(srv, 'boss', ['supervisor', 'admin']);
    await addUser(srv, 'tow.crew', ['crew'], ['POLICE']);
    // The police work groups' members: a policy assigns only accounts.
    for (const login of ['pd.officer1', 'pd.officer2', 'pd.tow1', 'pd.tow2'])
        await addUser(srv, login, ['crew'], ['POLICE']);
});

// A staff call as login with a JSON body.
function staff(login, method, path, body) {
    return ctx.srv.request(method, path, {
        body: body === undefined ? undefined : JSON.stringify(body),
        headers: { authorization: `Bearer ${tokens[login]}`,
            'content-type': 'application/json' } });
}

// Runs the CLI and returns its standard output, trimmed.
function cli(...args) {
    return execFileSync(ctx.srv.bin, args, { cwd: repoRoot,
        encoding: 'utf8' }).trim();
}

// What `civic311 sla due` says for a calendar of the demo city.
function slaDue(calendar, from, duration) {
    return cli('sla', 'due', '--config', CONFIG, '--calendar', calendar,
        '--from', from, '--duration', duration);
}

// One sweep at an instant; returns its one line of output.
function sweep(now) {
    return cli('sla', 'sweep', '--db', ctx.srv.db, '--config', CONFIG,
        '--now', now);
}

async function workOrders(id) {
    const r = await staff('boss', 'GET', `/api/v1/requests/${id}/workorders`);
    assert.equal(r.status, 200, r.text);
    return r.json;
}

async function complete(login, woId, body, status = 200) {
    const r = await staff(login, 'POST', `/api/v1/workorders/${woId}/complete`,
        body);
    assert.equal(r.status, status, r.text);
    return r.json;
}

async function file(service, fields) {
    const r = await ctx.srv.post(`${API}/requests.json`, {
        service_code: service, lat: '40.7128', long: '-74.0060', ...fields });
    assert.equal(r.status, 201, r.text);
    return r.json[0].service_request_id;
}

let vehicle;

test('an abandoned vehicle starts with an inspection due as sla due says',
    async () => {
        vehicle = await file('ABANDONED_VEHICLE', {
            'attribute[HAZARD]': 'no', 'attribute[CONDITION]': 'damaged',
            'attribute[MAKE]': 'Ford' });
        const [wo, ...rest] = await workOrders(vehicle);
        assert.deepEqual(rest, []);
        assert.equal(wo.step, 'INSPECT');
        assert.equal(wo.workflow, 'ABANDONED_VEHICLE');
        assert.equal(wo.department, 'POLICE');
        assert.equal(wo.work_group, 'PD_PATROL');
        assert.equal(wo.assignee, 'pd.officer1');
        assert.equal(wo.status, 'open');
        assert.equal(wo.sla, '2bd');
        assert.equal(wo.sla_state, 'on_track');
        assert.equal(wo.due_datetime,
            slaDue('24x7', wo.created_datetime, '2bd'));

        const r = await ctx.srv.get(`${API}/requests/${vehicle}.json`);
        assert.equal(r.json[0].expected_datetime, wo.due_datetime);
        assert.equal(r.json[0].agency_responsible, 'Police Department');
        assert.equal(r.json[0].status, 'open');
    });

test('an outcome the step does not list is refused', async () => {
    const [wo] = await workOrders(vehicle);
    const r = await staff('boss', 'POST',
        `/api/v1/workorders/${wo.id}/complete`, { outcome: 'lost' });
    assert.equal(r.status, 400);
    assert.deepEqual(r.json, { error: { code: 'bad_request', field: null,
        message: 'outcome must be one of: tow, not_found, not_abandoned' } });
});

test('completing the inspection with tow starts the tow', async () => {
    const [inspect] = await workOrders(vehicle);
    const done = await complete('boss', inspect.id,
        { outcome: 'tow', note: 'plates gone, flat tyres' });
    assert.equal(done.status, 'done');
    assert.equal(done.outcome, 'tow');
    assert.equal(done.notes, 'plates gone, flat tyres');

    const all = await workOrders(vehicle);
    assert.equal(all.length, 2);
    const tow = all.find((w) => w.step === 'TOW');
    assert.equal(tow.department, 'POLICE');
    assert.equal(tow.work_group, 'PD_TOWING');
    assert.equal(tow.assignee, 'pd.tow1');
    assert.equal(tow.priority, 'high');
    assert.equal(tow.status, 'open');
    assert.equal(tow.due_datetime,
        slaDue('24x7', tow.created_datetime, '1bd'));
    await complete('boss', inspect.id, { outcome: 'tow' }, 409);
});

test('crew see and change only their department', async () => {
    const all = await workOrders(vehicle);
    const tow = all.find((w) => w.step === 'TOW');
    const pothole = await file('POTHOLE', {});
    const [other] = await workOrders(pothole);
    assert.equal(other.department, 'TRANSPORTATION');
    let r = await staff('tow.crew', 'GET', `/api/v1/workorders/${other.id}`);
    assert.equal(r.status, 403, r.text);
    r = await staff('tow.crew', 'GET', `/api/v1/workorders/${tow.id}`);
    assert.equal(r.status, 200, r.text);
    r = await staff('tow.crew', 'GET', '/api/v1/workorders?department=PARKS');
    assert.equal(r.status, 403, r.text);
    r = await staff('tow.crew', 'GET', '/api/v1/workorders');
    assert.deepEqual(r.json.map((w) => w.id).sort((a, b) => a - b),
        all.map((w) => w.id).sort((a, b) => a - b));
    r = await staff('tow.crew', 'POST', `/api/v1/workorders/${other.id}/start`);
    assert.equal(r.status, 403, r.text);
    await complete('boss', other.id, { outcome: 'not_found' });
    r = await staff('tow.crew', 'POST', `/api/v1/workorders/${tow.id}/start`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.status, 'in_progress');
});

test('a hold stops the clock and moves the due time on', async () => {
    const tow = (await workOrders(vehicle)).find((w) => w.step === 'TOW');
    let r = await staff('tow.crew', 'POST', `/api/v1/workorders/${tow.id}/hold`,
        { reason: 'waiting for a flatbed' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.status, 'on_hold');
    assert.equal(r.json.hold_reason, 'waiting for a flatbed');
    await new Promise((res) => setTimeout(res, 2100));
    r = await staff('tow.crew', 'POST', `/api/v1/workorders/${tow.id}/resume`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.status, 'in_progress');
    assert.equal(r.json.hold_reason, null);
    assert.ok(r.json.held_seconds >= 2, r.text);
    assert.equal(Date.parse(r.json.due_datetime) - Date.parse(tow.due_datetime),
        r.json.held_seconds * 1000);
});

test('the chain runs to the release and closes the request', async () => {
    let tow = (await workOrders(vehicle)).find((w) => w.step === 'TOW');
    await complete('tow.crew', tow.id, { outcome: 'towed' });
    const hold = (await workOrders(vehicle)).find((w) => w.step === 'HOLD');
    assert.equal(hold.work_group, 'PD_TOWING');
    assert.equal(hold.due_datetime,
        slaDue('24x7', hold.created_datetime, '35d'));
    await complete('tow.crew', hold.id, { outcome: 'claimed' });
    const release = (await workOrders(vehicle))
        .find((w) => w.step === 'RELEASE');
    let r = await ctx.srv.get(`${API}/requests/${vehicle}.json`);
    assert.equal(r.json[0].status, 'open');
    assert.equal(r.json[0].expected_datetime, release.due_datetime);

    await complete('tow.crew', release.id, { note: 'owner paid' });
    r = await ctx.srv.get(`${API}/requests/${vehicle}.json`);
    const sr = r.json[0];
    assert.equal(sr.status, 'closed');
    assert.equal(sr.status_notes,
        'The vehicle was towed and has been released to its owner.');
    assert.ok(Date.parse(sr.updated_datetime) >=
        Date.parse(sr.requested_datetime));
    assert.deepEqual((await workOrders(vehicle)).map((w) => w.status),
        ['done', 'done', 'done', 'done']);
    r = await ctx.srv.get(`${API}/requests.json?status=closed`);
    assert.ok(r.json.some((x) => x.service_request_id === vehicle));
});

// Adds seconds to an ISO instant, as an ISO instant in UTC.
function plus(iso, seconds) {
    return new Date(Date.parse(iso) + seconds * 1000).toISOString()
        .replace('.000Z', 'Z');
}

test('a sweep past the due time breaches and escalates once', async () => {
    const id = await file('POTHOLE', { 'attribute[SIZE]': 'small' });
    const [wo] = await workOrders(id);
    assert.equal(wo.work_group, 'DOT_STREETS');
    assert.equal(wo.due_datetime, slaDue('business', wo.created_datetime,
        '2bd'));
    const late = plus(wo.due_datetime, 1);
    assert.equal(sweep(late), 'examined 1, newly at risk 0, newly breached ' +
        '1, escalations applied 2');
    assert.equal(sweep(late), 'examined 1, newly at risk 0, newly breached ' +
        '0, escalations applied 0');
    let r = await staff('boss', 'GET', `/api/v1/workorders/${wo.id}`);
    assert.equal(r.json.sla_state, 'breached');
    assert.equal(r.json.priority, 'high');
    r = await staff('boss', 'GET', '/api/v1/workorders?sla=breached');
    assert.deepEqual(r.json.map((w) => w.id), [wo.id]);

    // A business day after the breach the department head hears of it.
    const later = plus(wo.due_datetime, 40 * 86400);
    assert.equal(sweep(later), 'examined 1, newly at risk 0, newly breached ' +
        '0, escalations applied 1');
    assert.equal(sweep(later), 'examined 1, newly at risk 0, newly breached ' +
        '0, escalations applied 0');
    r = await staff('boss', 'GET', `/api/v1/workorders/${wo.id}`);
    assert.equal(r.json.priority, 'urgent');
    await complete('boss', wo.id, { outcome: 'not_found' });
});

test('three sweepers at once apply each escalation once', async () => {
    const id = await file('FALLEN_TREE', {});
    const [wo] = await workOrders(id);
    const late = plus(wo.due_datetime, 1);
    const run = () => new Promise((resolve, reject) => execFile(ctx.srv.bin,
        ['sla', 'sweep', '--db', ctx.srv.db, '--config', CONFIG, '--now',
            late], { cwd: repoRoot }, (e, out) => e ? reject(e) : resolve(out)));
    const outs = await Promise.all([run(), run(), run()]);
    const sum = (re) => outs.reduce((n, o) => n + Number(o.match(re)[1]), 0);
    assert.equal(sum(/newly breached (\d+)/), 1, outs.join(''));
    assert.equal(sum(/escalations applied (\d+)/), 2, outs.join(''));
    const r = await staff('boss', 'GET', `/api/v1/workorders/${wo.id}`);
    assert.equal(r.json.sla_state, 'breached');
});

test('a work order names its department and work group and lists its ' +
    'step\'s outcomes', async () => {
    // The vehicle's chain, as config/demo-city.yaml writes it.
    const byStep = Object.fromEntries((await workOrders(vehicle)).map((w) =>
        [w.step, w]));
    assert.deepEqual(byStep.INSPECT.outcomes,
        ['tow', 'not_found', 'not_abandoned']);
    assert.equal(byStep.INSPECT.department_name, 'Police Department');
    assert.equal(byStep.INSPECT.work_group_name, 'Precinct Patrol');
    assert.deepEqual(byStep.TOW.outcomes, ['towed', 'gone']);
    assert.equal(byStep.TOW.work_group_name,
        'Tow Pound and Vehicle Enforcement');
    assert.deepEqual(byStep.RELEASE.outcomes, []);

    // The same in a listing, one by one and in an action's answer.
    const [tree] = (await staff('boss', 'GET',
        '/api/v1/workorders?status=unfinished')).json;
    assert.equal(tree.step, 'REMOVE');
    const want = { department_name: 'Department of Parks and Recreation',
        work_group_name: 'Forestry',
        outcomes: ['removed', 'branch_only', 'not_found'] };
    const pick = (w) => ({ department_name: w.department_name,
        work_group_name: w.work_group_name, outcomes: w.outcomes });
    assert.deepEqual(pick(tree), want);
    const one = await staff('boss', 'GET', `/api/v1/workorders/${tree.id}`);
    assert.deepEqual(pick(one.json), want);
    const held = await staff('boss', 'POST',
        `/api/v1/workorders/${tree.id}/hold`, { reason: 'storm' });
    assert.equal(held.status, 200, held.text);
    assert.deepEqual(pick(held.json), want);

    // A task added by hand has no step outcomes.
    const task = await staff('boss', 'POST',
        `/api/v1/requests/${tree.service_request_id}/workorders`,
        { name: 'Sweep up the leaves', work_group: 'SAN_CLEANING' });
    assert.equal(task.status, 201, task.text);
    assert.equal(task.json.step, 'TASK');
    assert.deepEqual(pick(task.json), {
        department_name: 'Department of Sanitation',
        work_group_name: 'Street Cleaning and Enforcement', outcomes: [] });
});

test('a work order says where the work is and what the resident wrote',
    async () => {
        const said = 'Blue Ford, two flat tyres, parked here since March';
        const placed = await file('ABANDONED_VEHICLE', {
            address_string: '12 Harbor Street', description: said,
            'attribute[HAZARD]': 'no', 'attribute[CONDITION]': 'damaged',
            'attribute[MAKE]': 'Ford' });
        const pinned = await file('ABANDONED_VEHICLE', {
            lat: '40.6892', long: '-74.0445',
            'attribute[HAZARD]': 'no', 'attribute[CONDITION]': 'burned',
            'attribute[MAKE]': 'Fiat' });
        const where = (w) => ({ address: w.address, lat: w.lat,
            long: w.long, description: w.description });
        const wantPlaced = { address: '12 Harbor Street', lat: 40.7128,
            long: -74.006, description: said };
        const wantPinned = { address: null, lat: 40.6892, long: -74.0445,
            description: null };

        // In the request's list, one by one, in a listing of a crew
        // member of the department and in an action's answer.
        const [wo] = await workOrders(placed);
        assert.deepEqual(where(wo), wantPlaced);
        const [pin] = await workOrders(pinned);
        assert.deepEqual(where(pin), wantPinned);
        const one = await staff('tow.crew', 'GET',
            `/api/v1/workorders/${wo.id}`);
        assert.equal(one.status, 200, one.text);
        assert.deepEqual(where(one.json), wantPlaced);
        const list = await staff('tow.crew', 'GET',
            '/api/v1/workorders?department=POLICE&status=unfinished');
        assert.equal(list.status, 200, list.text);
        const byId = new Map(list.json.map((w) => [w.id, w]));
        assert.deepEqual(where(byId.get(wo.id)), wantPlaced);
        assert.deepEqual(where(byId.get(pin.id)), wantPinned);
        const started = await staff('tow.crew', 'POST',
            `/api/v1/workorders/${pin.id}/start`);
        assert.equal(started.status, 200, started.text);
        assert.deepEqual(where(started.json), wantPinned);

        // A task added by hand is answered as GET shows it.
        const task = await staff('boss', 'POST',
            `/api/v1/requests/${placed}/workorders`,
            { name: 'Photograph the plates', work_group: 'PD_PATROL' });
        assert.equal(task.status, 201, task.text);
        assert.deepEqual(where(task.json), wantPlaced);
        const gotTask = await staff('boss', 'GET',
            `/api/v1/workorders/${task.json.id}`);
        assert.deepEqual(task.json, gotTask.json);

        // Crew of another department still see none of it.
        await addUser(ctx.srv, 'parks.crew', ['crew'], ['PARKS']);
        const other = await staff('parks.crew', 'GET',
            `/api/v1/workorders/${wo.id}`);
        assert.equal(other.status, 403, other.text);
        assert.equal(other.json.address, undefined);
    });

test('the task of a reopened request is answered as GET shows it',
    async () => {
        // The vehicle request closed when its release was done.
        const r = await staff('boss', 'POST',
            `/api/v1/requests/${vehicle}/reopen`,
            { reason: 'the car is back', work_group: 'PD_PATROL' });
        assert.equal(r.status, 201, r.text);
        assert.equal(r.json.service_request_id, vehicle);
        assert.equal(r.json.work_group, 'PD_PATROL');
        assert.deepEqual({ address: r.json.address, lat: r.json.lat,
            long: r.json.long, description: r.json.description },
        { address: null, lat: 40.7128, long: -74.006, description: null });
        const got = await staff('boss', 'GET',
            `/api/v1/workorders/${r.json.id}`);
        assert.equal(got.status, 200, got.text);
        assert.deepEqual(r.json, got.json);
    });

test('a work order goes only to an active login that may work on it',
    async () => {
        await addUser(ctx.srv, 'dot.inspector1', ['crew'], ['TRANSPORTATION']);
        await addUser(ctx.srv, 'san.crew1', ['crew'], ['SANITATION']);
        await addUser(ctx.srv, 'san.super', ['supervisor'], ['SANITATION']);
        await addUser(ctx.srv, 'san.agent', ['agent']);
        await addUser(ctx.srv, 'san.gone', ['crew'], ['SANITATION']);
        cli('user', 'disable', '--db', ctx.srv.db, '--login', 'san.gone');
        const id = await file('ILLEGAL_DUMPING', {});
        const [wo] = await workOrders(id);
        assert.equal(wo.department, 'SANITATION');
        const before = wo.assignee;
        const reassign = (login, body) => staff(login, 'POST',
            `/api/v1/workorders/${wo.id}/reassign`, body);
        const refused = async (login, body, message) => {
            const r = await reassign(login, body);
            assert.equal(r.status, 400, r.text);
            assert.deepEqual(r.json.error,
                { code: 'invalid', field: 'assignee', message });
        };

        await refused('boss', { assignee: 'Bob Smith!! <x>' },
            "assignee 'Bob Smith!! <x>' is not an active staff login");
        await refused('boss', { assignee: 'dot.inspector1' },
            "assignee 'dot.inspector1' does not work in department " +
            'SANITATION');
        await refused('san.super',
            { work_group: 'SAN_COLLECTION', assignee: 'nobody' },
            "assignee 'nobody' is not an active staff login");
        await refused('boss', { assignee: 'san.gone' },
            "assignee 'san.gone' is not an active staff login");
        await refused('boss', { assignee: 'san.agent' },
            "assignee 'san.agent' does no field work (crew, supervisor or " +
            'admin)');
        // The department that counts is the one the order moves to.
        await refused('boss', { work_group: 'PD_PATROL', assignee: 'san.crew1' },
            "assignee 'san.crew1' does not work in department POLICE");
        const task = await staff('boss', 'POST',
            `/api/v1/requests/${id}/workorders`, { name: 'Fence the lot',
                work_group: 'SAN_CLEANING', assignee: 'dot.inspector1' });
        assert.equal(task.status, 400, task.text);
        assert.deepEqual(task.json.error, { code: 'invalid',
            field: 'assignee', message: "assignee 'dot.inspector1' does " +
                'not work in department SANITATION' });
        assert.equal((await workOrders(id)).length, 1);
        const same = await staff('boss', 'GET', `/api/v1/workorders/${wo.id}`);
        assert.equal(same.json.assignee, before);
        assert.equal(same.json.work_group, wo.work_group);

        // A crew member of the department gets it, sees it and lists it.
        const ok = await reassign('san.super',
            { work_group: 'SAN_COLLECTION', assignee: 'san.crew1' });
        assert.equal(ok.status, 200, ok.text);
        assert.equal(ok.json.assignee, 'san.crew1');
        assert.equal(ok.json.work_group, 'SAN_COLLECTION');
        const seen = await staff('san.crew1', 'GET',
            `/api/v1/workorders/${wo.id}`);
        assert.equal(seen.status, 200, seen.text);
        const mine = await staff('san.crew1', 'GET',
            '/api/v1/workorders?assignee=san.crew1');
        assert.deepEqual(mine.json.map((w) => w.id), [wo.id]);
        // An admin sees every department, so may be given any work.
        const admin = await reassign('san.super', { assignee: 'boss' });
        assert.equal(admin.status, 200, admin.text);
        assert.equal(admin.json.assignee, 'boss');
    });

testCleanStop(ctx);
