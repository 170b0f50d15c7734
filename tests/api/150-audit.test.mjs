// SPDX-License-Identifier: MIT
//
// The audit trail: every change to a request, caller, account or key is
// recorded with who, when, what, and the record before and after;
// GET /api/v1/audit (admins) lists request histories and the audit table
// together, newest first, filtered by actor, kind and time; the database
// itself refuses to change or delete an entry.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';

import { testCleanStop, useServer } from './lib/server.mjs';
import {
    addUser, apiError, call, ok, signIn, sqlInt, userCli,
} from './lib/staff.mjs';

const tokens = {};
const ctx = useServer('150-audit', async (srv) => {
    addUser(srv, 'ada', ['admin']);
    addUser(srv, 'ann', ['agent']);
    for (const l of ['ada', 'ann'])
        tokens[l] = await signIn(srv, l);
});

const AUDIT_KEYS = ['actor', 'after', 'at', 'before', 'kind', 'note',
    'public', 'subject', 'subject_id'];

let filed;

test('a session of work leaves one entry per change', async () => {
    filed = ok(await call(ctx.srv, 'POST', 'requests', {
        token: tokens.ann,
        body: { service_code: 'POTHOLE', attributes: { SIZE: 'large' },
            location: { address: '7 Audit Ave' },
            caller: { first_name: 'Ivo', phone: '2125550777' } },
    }), 201);
    ok(await call(ctx.srv, 'POST',
        `requests/${filed.service_request_id}/notes`,
        { token: tokens.ann, body: { text: 'inner', public: false } }), 201);
    ok(await call(ctx.srv, 'POST', 'keys',
        { token: tokens.ada, body: { name: 'audited' } }), 201);
    assert.equal(userCli(ctx.srv, ['disable', '--db', ctx.srv.db,
        '--login', 'ann']).status, 0);
    const a = ok(await call(ctx.srv, 'GET', 'audit', { token: tokens.ada }),
        200);
    assert.deepEqual(Object.keys(a).sort(), ['entries', 'page', 'page_size']);
    for (const e of a.entries)
        assert.deepEqual(Object.keys(e).sort(), AUDIT_KEYS);
    assert.deepEqual(a.entries.map((e) => e.at), a.entries.map((e) => e.at)
        .sort().reverse());
    const kinds = a.entries.map((e) => e.kind).sort();
    assert.deepEqual(kinds, ['api_key.created', 'api_key.created',
        'contact.created', 'created', 'intake', 'note', 'user.created',
        'user.created', 'user.disabled']);
});

test('entries carry before and after', async () => {
    const get = async (q) => ok(await call(ctx.srv, 'GET', `audit?${q}`,
        { token: tokens.ada }), 200).entries;
    const [dis] = await get('kind=user.disabled');
    assert.equal(dis.subject_id, '2');
    assert.deepEqual(dis.before, { id: 2, login: 'ann', name: 'ann name',
        roles: 'agent', departments: '', disabled: false });
    assert.deepEqual(dis.after, { ...dis.before, disabled: true });
    const [made] = await get('kind=contact.created');
    assert.equal(made.before, null);
    assert.deepEqual(made.after, { id: filed.caller.id, first_name: 'Ivo',
        last_name: null, phones: ['+12125550777'], emails: [], address: null,
        language: 'en', merged_into: null });
    const [note] = await get('kind=note');
    assert.equal(note.subject_id, filed.service_request_id);
    assert.equal(note.note, 'inner');
    assert.equal(note.public, false);
});

test('filters by actor, kind and time; bad filters are 400s', async () => {
    const get = async (q) => ok(await call(ctx.srv, 'GET', `audit?${q}`,
        { token: tokens.ada }), 200).entries;
    assert.deepEqual((await get('actor=user:ann')).map((e) => e.kind).sort(),
        ['contact.created', 'intake', 'note']);
    assert.deepEqual((await get('actor=cli&kind=user.created')).length, 2);
    assert.equal((await get('from=2000-01-01T00:00:00Z' +
        '&to=2999-01-01T00:00:00Z')).length, 9);
    assert.equal((await get('to=2000-01-01T00:00:00Z')).length, 0);
    assert.equal((await get('from=2999-01-01T00:00:00Z')).length, 0);
    const page = ok(await call(ctx.srv, 'GET', 'audit?page=2&page_size=4',
        { token: tokens.ada }), 200);
    assert.deepEqual([page.page, page.page_size, page.entries.length],
        [2, 4, 4]);
    const e = apiError(await call(ctx.srv, 'GET',
        'audit?from=soon&page_size=5000', { token: tokens.ada }), 400,
    'invalid', 'from');
    assert.deepEqual(e.errors.map((x) => x.field), ['from', 'page_size']);
});

test('the trails are append-only in the database itself', () => {
    const tryExec = (sql) => {
        try {
            if (ctx.srv.db.startsWith('postgres'))
                execFileSync('psql', [ctx.srv.db, '-v', 'ON_ERROR_STOP=1',
                    '-Atqc', sql], { stdio: 'pipe' });
            else
                execFileSync('sqlite3', [ctx.srv.db, sql], { stdio: 'pipe' });
            return true;
        } catch {
            return false;
        }
    };
    const n = sqlInt(ctx.srv, 'SELECT count(*) FROM audit');
    assert.equal(tryExec("UPDATE audit SET actor = 'x'"), false);
    assert.equal(tryExec('DELETE FROM audit'), false);
    assert.equal(tryExec("UPDATE event SET actor = 'x'"), false);
    assert.equal(sqlInt(ctx.srv, 'SELECT count(*) FROM audit'), n);
    assert.equal(sqlInt(ctx.srv,
        "SELECT count(*) FROM audit WHERE actor = 'x'"), 0);
});

test('only admins read the trail', async () => {
    addUser(ctx.srv, 'qa', ['qa', 'supervisor', 'agent', 'expert']);
    const t = await signIn(ctx.srv, 'qa');
    apiError(await call(ctx.srv, 'GET', 'audit', { token: t }), 403,
        'forbidden');
});

testCleanStop(ctx);
