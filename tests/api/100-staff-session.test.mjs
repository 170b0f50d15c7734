// SPDX-License-Identifier: MIT
//
// Staff accounts and sessions: `civic311 user` (password on stdin, empty
// refused), sign-in with a token that expires in 12 hours, /me, sign-out,
// 401 and 403, disabled accounts, and failed sign-ins slowed down per
// login (the sixth within 15 minutes is a 429 with Retry-After, and the
// count is kept in the store, so it holds after a restart).
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { testCleanStop, useServer } from './lib/server.mjs';
import {
    PASSWORD, addUser, apiError, call, counts, ok, signIn, sqlInt, userCli,
} from './lib/staff.mjs';

const ctx = useServer('100-staff-session');

test('user add stores an argon2id hash, never the password', () => {
    const out = addUser(ctx.srv, 'ann', ['agent', 'supervisor'],
        ['POLICE', 'SANITATION'], PASSWORD, 'Ann Example');
    assert.equal(out, "added user 'ann' (agent,supervisor)\n");
    assert.equal(sqlInt(ctx.srv, "SELECT count(*) FROM staff_user" +
        " WHERE login = 'ann' AND password_hash LIKE '$argon2id$%'"), 1);
    assert.equal(sqlInt(ctx.srv, "SELECT count(*) FROM staff_user" +
        ` WHERE password_hash LIKE '%${PASSWORD}%'`), 0);
});

test('user add refuses an empty or short password, a taken login, bad ' +
    'roles and departments', () => {
    const srv = ctx.srv;
    const base = ['add', '--db', srv.db, '--config', srv.config];
    let r = userCli(srv, [...base, '--login', 'bob', '--name', 'Bob',
        '--role', 'agent'], '\n');
    assert.equal(r.status, 1);
    assert.equal(r.stderr, 'civic311 user: the password is empty\n');
    r = userCli(srv, [...base, '--login', 'bob', '--name', 'Bob',
        '--role', 'agent'], '');
    assert.equal(r.status, 1);
    assert.equal(r.stderr, 'civic311 user: no password on standard input\n');
    // Seven characters are too few, whatever bytes they take: "ñandú12"
    // is nine bytes.
    r = userCli(srv, [...base, '--login', 'bob', '--name', 'Bob',
        '--role', 'agent'], '\u00f1and\u00fa12\n');
    assert.equal(r.status, 1);
    assert.equal(r.stderr,
        'civic311 user: the password is shorter than 8 characters\n');
    r = userCli(srv, [...base, '--login', 'ann', '--name', 'Ann',
        '--role', 'agent'], 'long enough\n');
    assert.equal(r.status, 1);
    assert.equal(r.stderr, "civic311 user: login 'ann' is taken\n");
    r = userCli(srv, [...base, '--login', 'bob', '--name', 'Bob',
        '--role', 'boss'], 'long enough\n');
    assert.equal(r.status, 2);
    assert.match(r.stderr, /^civic311 user: unknown role 'boss'\n/);
    r = userCli(srv, [...base, '--login', 'bob', '--name', 'Bob',
        '--role', 'crew', '--department', 'WATER'], 'long enough\n');
    assert.equal(r.status, 1);
    assert.match(r.stderr, /department 'WATER' is not in /);
    assert.equal(sqlInt(srv, "SELECT count(*) FROM staff_user" +
        " WHERE login = 'bob'"), 0);
});

test('user list shows logins, roles, departments and status', () => {
    const r = userCli(ctx.srv, ['list', '--db', ctx.srv.db]);
    assert.equal(r.status, 0);
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines.length, 2);
    assert.match(lines[0], /^LOGIN\s+NAME\s+ROLES\s+DEPARTMENTS\s+STATUS$/);
    assert.match(lines[1],
        /^ann\s+Ann Example\s+agent,supervisor\s+POLICE SANITATION\s+active$/);
});

test('POST session gives a token valid 12 hours and the user', async () => {
    const before = Date.now();
    const r = await call(ctx.srv, 'POST', 'session',
        { body: { login: 'ann', password: PASSWORD } });
    const s = ok(r, 201);
    assert.deepEqual(Object.keys(s).sort(), ['expires_at', 'token', 'user']);
    assert.match(s.token, /^[0-9a-f]{64}$/);
    const exp = Date.parse(s.expires_at);
    assert.ok(exp >= Math.floor(before / 1000) * 1000 + 12 * 3600 * 1000 &&
        exp <= Date.now() + 12 * 3600 * 1000, s.expires_at);
    assert.deepEqual(s.user, {
        id: 1, login: 'ann', name: 'Ann Example',
        roles: ['agent', 'supervisor'], departments: ['POLICE', 'SANITATION'],
    });
    // Only the hash of the token is stored.
    assert.equal(sqlInt(ctx.srv, "SELECT count(*) FROM staff_session" +
        ` WHERE token_hash = '${s.token}'`), 0);
    const me = ok(await call(ctx.srv, 'GET', 'me', { token: s.token }), 200);
    // GET me also names the departments, as config/demo-city.yaml does.
    assert.deepEqual(me, { ...s.user, session_expires_at: s.expires_at,
        department_names: { POLICE: 'Police Department',
            SANITATION: 'Department of Sanitation' } });
});

test('no token, a bad token or a bad scheme is a 401', async () => {
    apiError(await call(ctx.srv, 'GET', 'me'), 401, 'unauthorized');
    apiError(await call(ctx.srv, 'GET', 'me', { token: 'f'.repeat(64) }),
        401, 'unauthorized');
    apiError(await call(ctx.srv, 'GET', 'me',
        { headers: { authorization: 'Basic YW5uOng=' } }), 401, 'unauthorized');
});

test('wrong passwords and unknown logins are 401 alike', async () => {
    const a = apiError(await call(ctx.srv, 'POST', 'session',
        { body: { login: 'ann', password: 'nope' } }), 401, 'unauthorized');
    const b = apiError(await call(ctx.srv, 'POST', 'session',
        { body: { login: 'nobody', password: 'nope' } }), 401, 'unauthorized');
    assert.equal(a.error.message, b.error.message);
    assert.equal(a.error.message,
        'login or password is wrong, or the account is disabled');
});

test('a missing login or password is a 400 naming the field', async () => {
    apiError(await call(ctx.srv, 'POST', 'session',
        { body: { password: 'x' } }), 400, 'bad_request', 'login');
    apiError(await call(ctx.srv, 'POST', 'session',
        { body: { login: 'ann', password: 7 } }), 400, 'bad_request',
    'password');
});

test('DELETE session ends it; the token is refused afterwards', async () => {
    const token = await signIn(ctx.srv, 'ann');
    ok(await call(ctx.srv, 'GET', 'me', { token }), 200);
    const r = await call(ctx.srv, 'DELETE', 'session', { token });
    assert.equal(r.status, 204);
    apiError(await call(ctx.srv, 'GET', 'me', { token }), 401, 'unauthorized');
    apiError(await call(ctx.srv, 'DELETE', 'session', { token }), 401,
        'unauthorized');
});

test('a role that does not match is a 403', async () => {
    addUser(ctx.srv, 'ed', ['editor']);
    const token = await signIn(ctx.srv, 'ed');
    const me = ok(await call(ctx.srv, 'GET', 'me', { token }), 200);
    assert.deepEqual(me.department_names, {});
    const e = apiError(await call(ctx.srv, 'GET', 'requests', { token }), 403,
        'forbidden');
    assert.equal(e.error.message, 'your roles do not allow this');
});

test('disabling an account ends its sessions and its sign-ins', async () => {
    addUser(ctx.srv, 'dan', ['agent']);
    const token = await signIn(ctx.srv, 'dan');
    const r = userCli(ctx.srv, ['disable', '--db', ctx.srv.db,
        '--login', 'dan']);
    assert.equal(r.status, 0);
    assert.equal(r.stdout, "disabled user 'dan'\n");
    apiError(await call(ctx.srv, 'GET', 'me', { token }), 401, 'unauthorized');
    apiError(await call(ctx.srv, 'POST', 'session',
        { body: { login: 'dan', password: PASSWORD } }), 401, 'unauthorized');
    assert.equal(userCli(ctx.srv, ['enable', '--db', ctx.srv.db,
        '--login', 'dan']).status, 0);
    await signIn(ctx.srv, 'dan');
    assert.equal(userCli(ctx.srv, ['disable', '--db', ctx.srv.db,
        '--login', 'nobody']).stderr, "civic311 user: no user 'nobody'\n");
});

test('the sixth failed sign-in in 15 minutes is a 429, even with the right ' +
    'password, and survives a restart', async () => {
    addUser(ctx.srv, 'fay', ['agent']);
    for (let i = 1; i <= 5; i++)
        apiError(await call(ctx.srv, 'POST', 'session',
            { body: { login: 'fay', password: `wrong${i}` } }), 401,
        'unauthorized', null, `failure ${i}`);
    assert.equal(sqlInt(ctx.srv,
        "SELECT count(*) FROM login_failure WHERE login = 'fay'"), 5);
    const before = counts(ctx.srv);
    let r = await call(ctx.srv, 'POST', 'session',
        { body: { login: 'fay', password: PASSWORD } });
    apiError(r, 429, 'too_many_requests');
    const retry = Number(r.headers['retry-after']);
    assert.ok(retry >= 890 && retry <= 900, r.headers['retry-after']);
    assert.deepEqual(counts(ctx.srv), before);
    // Another login is not affected.
    await signIn(ctx.srv, 'ann');
    await ctx.srv.restart();
    r = await call(ctx.srv, 'POST', 'session',
        { body: { login: 'fay', password: PASSWORD } });
    apiError(r, 429, 'too_many_requests');
});

test('a good sign-in clears the failures of its login', async () => {
    addUser(ctx.srv, 'gus', ['agent']);
    for (let i = 0; i < 4; i++)
        await call(ctx.srv, 'POST', 'session',
            { body: { login: 'gus', password: 'bad' } });
    await signIn(ctx.srv, 'gus');
    assert.equal(sqlInt(ctx.srv,
        "SELECT count(*) FROM login_failure WHERE login = 'gus'"), 0);
});

test('account changes are in the audit trail, made by the cli', () => {
    assert.equal(sqlInt(ctx.srv, "SELECT count(*) FROM audit" +
        " WHERE actor = 'cli' AND kind = 'user.created'"), 5);
    assert.equal(sqlInt(ctx.srv, "SELECT count(*) FROM audit" +
        " WHERE kind IN ('user.disabled', 'user.enabled')"), 2);
});

testCleanStop(ctx);
