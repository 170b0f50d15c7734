// SPDX-License-Identifier: MIT
//
// Helpers for the staff API tests: accounts made with `civic311 user add`
// (password on standard input), sign-in, JSON requests with a bearer
// token, the staff error shape, and counting rows straight in the test's
// database (SQLite file or PostgreSQL) to prove a refused request wrote
// nothing.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';

import { repoRoot } from './server.mjs';
import { JSON_TYPE, assertNotBroken } from './check.mjs';

export const V1 = '/api/v1';
export const PASSWORD = 'correct horse battery staple';

// Adds a staff account; roles and departments are lists.
export function addUser(srv, login, roles, departments = [],
    password = PASSWORD, name = undefined) {
    const args = ['user', 'add', '--db', srv.db, '--config', srv.config,
        '--login', login, '--name', name ?? `${login} name`];
    for (const r of roles)
        args.push('--role', r);
    for (const d of departments)
        args.push('--department', d);
    return execFileSync(srv.bin, args, {
        cwd: repoRoot, env: process.env, encoding: 'utf8',
        input: `${password}\n`, stdio: ['pipe', 'pipe', 'pipe'],
    });
}

// Runs `civic311 user ...`; resolves with { status, stdout, stderr }.
export function userCli(srv, args, input = '') {
    try {
        const stdout = execFileSync(srv.bin, ['user', ...args], {
            cwd: repoRoot, env: process.env, encoding: 'utf8', input,
            stdio: ['pipe', 'pipe', 'pipe'],
        });
        return { status: 0, stdout, stderr: '' };
    } catch (e) {
        return { status: e.status, stdout: e.stdout, stderr: e.stderr };
    }
}

// A JSON request to the staff API. body: an object (sent as JSON), a
// string or a Buffer (sent as is), or undefined.
export function call(srv, method, path, { token, body, headers = {} } = {}) {
    const h = { ...headers };
    if (token)
        h.authorization = `Bearer ${token}`;
    let b = body;
    if (b !== undefined && typeof b !== 'string' && !Buffer.isBuffer(b))
        b = JSON.stringify(b);
    if (b !== undefined && !h['content-type'])
        h['content-type'] = 'application/json';
    return srv.request(method, path.startsWith('/') ? path : `${V1}/${path}`,
        { body: b, headers: h, record: false });
}

// Signs in and returns the token.
export async function signIn(srv, login, password = PASSWORD) {
    const r = await call(srv, 'POST', 'session', { body: { login, password } });
    assert.equal(r.status, 201, r.text);
    return r.json.token;
}

// Adds an account and signs it in; returns the token.
export async function staffToken(srv, login, roles, departments = []) {
    addUser(srv, login, roles, departments);
    return signIn(srv, login);
}

// A JSON answer with this status; returns the body.
export function ok(r, status, what = '') {
    assertNotBroken(r, what);
    assert.equal(r.status, status, `${what}: status ${r.status}: ${r.text}`);
    if (status !== 204)
        assert.equal(r.contentType, JSON_TYPE, `${what}: content type`);
    return r.json;
}

// The staff error shape with this status, code and field; returns it.
export function apiError(r, status, code, field = null, what = '') {
    assertNotBroken(r, what);
    assert.equal(r.status, status, `${what}: status ${r.status}: ${r.text}`);
    assert.equal(r.contentType, JSON_TYPE, `${what}: content type`);
    assert.ok(r.json && r.json.error, `${what}: no error object: ${r.text}`);
    const e = r.json.error;
    assert.deepEqual(Object.keys(e).sort(), ['code', 'field', 'message'],
        `${what}: ${r.text}`);
    assert.equal(e.code, code, `${what}: ${r.text}`);
    assert.equal(e.field, field, `${what}: ${r.text}`);
    assert.equal(typeof e.message, 'string');
    assert.ok(e.message.length > 0);
    return r.json;
}

// Runs a query returning one integer on the server's database.
export function sqlInt(srv, sql) {
    const out = srv.db.startsWith('postgres')
        ? execFileSync('psql', [srv.db, '-Atqc', sql], { encoding: 'utf8' })
        : execFileSync('sqlite3', [srv.db, sql], { encoding: 'utf8' });
    return Number(out.trim());
}

// Row counts of every table a staff change can touch.
export const TABLES = ['request', 'request_attr', 'event', 'audit', 'contact',
    'contact_point', 'staff_user', 'staff_session', 'api_key'];

export function counts(srv) {
    const c = {};
    for (const t of TABLES)
        c[t] = sqlInt(srv, `SELECT count(*) FROM ${t}`);
    return c;
}
